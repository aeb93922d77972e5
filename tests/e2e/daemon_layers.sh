#!/bin/sh
# daemon_layers.sh: the daemon's calls go down (issue 12).  Read from the
# objects the build made, each one's undefined symbols against the daemon
# objects that define them: nothing uses a symbol of main.o, the entry;
# and no module uses one of a module ranked above it, so there is no call
# cycle either.  A new daemon file must be given its rank here.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"

OBJDIR=$top_builddir/daemon
: "${NM:=nm}"
command -v "$NM" >/dev/null 2>&1 || skip_all "no nm"
ls "$OBJDIR"/*.o >/dev/null 2>&1 || skip_all "no objects in $OBJDIR"

# Low to high.  The pure modules, the generated page, the systemd glue and
# the operator's record (the event ring, the recent decisions) share the
# bottom rank: they call no runtime module.
rank() {
	case $1 in
	policy|profile|conf|dispatch|estimate|dashboard|sdnotify) echo 0 ;;
	events|decisions) echo 0 ;;
	metrics|accesslog) echo 1 ;;
	node) echo 2 ;;
	recovery) echo 3 ;;
	probe) echo 4 ;;
	balance) echo 5 ;;
	listen|vhttp) echo 6 ;;
	frontend) echo 7 ;;
	admin) echo 8 ;;
	main) echo 9 ;;
	*) echo "" ;;
	esac
}
# module name of an object: admin.o, or libcimheadd_a-admin.o
modname() {
	_m=${1##*/}
	_m=${_m%.o}
	echo "${_m##*-}"
}

DEFS=$TEST_TMP/defs
for o in "$OBJDIR"/*.o; do
	m=$(modname "$o")
	"$NM" -g --defined-only "$o" | awk -v m="$m" 'NF == 3 { print $3, m }'
done | sort >"$DEFS"

for o in "$OBJDIR"/*.o; do
	m=$(modname "$o")
	r=$(rank "$m")
	if [ -z "$r" ]; then
		ok 1 "$m.o has a rank in daemon_layers.sh"
		continue
	fi
	# every daemon module a symbol of this object comes from
	"$NM" -u "$o" | awk '{ print $NF }' | sort -u >"$TEST_TMP/undef"
	uses=$(join "$TEST_TMP/undef" "$DEFS" | awk -v m="$m" '$2 != m { print $2 }' |
	    sort -u)
	up=""
	main=""
	for u in $uses; do
		[ "$u" = main ] && main="$main $u"
		ur=$(rank "$u")
		[ -n "$ur" ] && [ "$ur" -gt "$r" ] && up="$up $u"
	done
	if [ "$m" != main ]; then
		is "$main" "" "$m.o uses nothing of main.o"
	fi
	is "$up" "" "$m.o calls nothing above it (uses: $(echo $uses))"
done

done_testing
