#!/bin/sh
# cli_completion.sh: dist/cimhead.bash-completion, sourced in bash and run
# as bash would (COMP_WORDS, COMP_CWORD, the function), completes the
# operations, the options and their values; it offers every option and
# operation cimhead --help lists, so the two cannot drift apart.
. "$top_srcdir/tests/lib.sh"
CIMHEAD="$top_builddir/cimhead"
COMP="$(cd "$top_srcdir" && pwd)/dist/cimhead.bash-completion"
[ -x "$CIMHEAD" ] || skip_all "cimhead not built"
command -v bash >/dev/null 2>&1 || skip_all "bash not found"

# comp WORD...: what _cimhead offers for the last WORD (cimhead first),
# sorted, on one line
comp() {
	bash -c '. "$1" || exit 1
shift
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
_cimhead cimhead "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
printf "%s\n" "${COMPREPLY[@]}"' comp "$COMP" "$@" | sort | tr '\n' ' ' |
	    sed 's/ $//'
}

is "$(comp cimhead '')" \
    "associatornames associators classes classnames create createclass delete deleteclass deletequalifier drain enable enum get getclass getprop invoke modify modifyclass names namespaces probe qualifiers query recovery referencenames references restart setprop setqualifier status" \
    "first word: every operation and control command"
is "$(comp cimhead st)" "status" "st -> status"
is "$(comp cimhead --timeout 5 delete)" "delete deleteclass deletequalifier" \
    "delete: the instance, class and qualifier deletes"
is "$(comp cimhead --timeout 500 -v dr)" "drain" \
    "after options and a value: the command"
is "$(comp cimhead -a 127.0.0.1 : 8081 pro)" "probe" \
    "a host:port value split at ':' is not the command"
is "$(comp cimhead recovery o)" "off on" "recovery: its arguments"
is "$(comp cimhead recovery on '')" "" "recovery on: nothing more"
is "$(comp cimhead enum http : //h/root/cimv2 Win)" "" \
    "after the operation: no operation offered"
is "$(comp cimhead --format '')" "json mof table text" "--format values"
is "$(comp cimhead --role '')" "" "--role: nothing to offer"
is "$(comp cimhead --role x get)" "get getclass getprop" "after --role's value: the operation"
is "$(comp cimhead status --format t)" "table text" \
    "--format after the command"
is "$(comp cimhead --format = j)" "json" "--format=j split at '='"
is "$(comp cimhead --format=t)" "table text" "--format=t as one word"
is "$(comp cimhead --protocol w)" "wsman" "--protocol values"
is "$(comp cimhead --auth n)" "negotiate ntlm" "--auth values"
is "$(comp cimhead enum U C --allow)" "--allow-unencrypted" \
    "an option after the arguments"
mkdir "$TEST_TMP/d" && : >"$TEST_TMP/d/ca.pem"
is "$(cd "$TEST_TMP/d" && comp cimhead --cacert c)" "ca.pem" \
    "--cacert: file names"
is "$(comp cimhead --timeout '')" "" "--timeout: nothing to offer"

# every long option and operation of --help is offered
"$CIMHEAD" --help >"$TEST_TMP/help"
all=$(comp cimhead --)
missing=
for o in $(grep -o -- '--[a-z][a-z-]*' "$TEST_TMP/help" | sort -u); do
	case " $all " in *" $o "*) ;; *) missing="$missing $o" ;; esac
done
is "$missing" "" "every option of --help is completed"
ops=$(comp cimhead '')
missing=
for o in $(sed -n 's/^  \([a-z][a-z|]*\) .*/\1/p' "$TEST_TMP/help" | tr '|' ' '); do
	case " $ops " in *" $o "*) ;; *) missing="$missing $o" ;; esac
done
is "$missing" "" "every operation of --help is completed"

done_testing
