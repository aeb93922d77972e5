#!/bin/sh
# cimheadd-vrrp: keepalived's side of a cimheadd pair (README, "A highly
# available pair"; cimheadd(8)).
#
#   cimheadd-vrrp notify MASTER|BACKUP|FAULT|STOP   (notify_master ...)
#   cimheadd-vrrp check                              (vrrp_script)
#
# notify records the VRRP state and hands recovery to the master: on for
# MASTER, off for anything else (POST /api/v1/recovery/on|off).  check
# answers keepalived's track script with GET /readyz, and puts recovery
# back in line with the recorded state when it is not (a cimheadd that
# restarted comes up with the config's recovery; keepalived notifies only
# on a change of its own state), so within one interval the master is
# the only head-end that restarts processes.
#
# Environment: CIMHEADD_ADMIN (127.0.0.1:8081), CIMHEADD_VRRP_STATE (the
# state file, /run/cimheadd/vrrp-state), CIMHEADD_TOKEN_FILE (the admin
# bearer token, if the admin API has one).
admin=${CIMHEADD_ADMIN:-127.0.0.1:8081}
state=${CIMHEADD_VRRP_STATE:-/run/cimheadd/vrrp-state}

api() {	# api METHOD PATH: the body on stdout, curl's status
	if [ -n "${CIMHEADD_TOKEN_FILE:-}" ]; then
		curl -sf --max-time 2 -X "$1" -H "Authorization: Bearer \
$(cat "$CIMHEADD_TOKEN_FILE")" "http://$admin$2"
	else
		curl -sf --max-time 2 -X "$1" "http://$admin$2"
	fi
}

want() {	# on for MASTER, off otherwise (no state yet: off)
	case $(cat "$state" 2>/dev/null) in
	MASTER) echo on ;;
	*) echo off ;;
	esac
}

case $1 in
notify)
	tmp=$state.$$
	echo "$2" >"$tmp" && mv "$tmp" "$state"
	w=off
	[ "$2" = MASTER ] && w=on
	api POST "/api/v1/recovery/$w" >/dev/null
	exit 0
	;;
check)
	curl -sf -o /dev/null --max-time 1 "http://$admin/readyz" || exit 1
	w=$(want)
	case $(api GET /api/v1/recovery) in
	*"\"recovery\":\"$w\""*) ;;
	*) api POST "/api/v1/recovery/$w" >/dev/null ;;
	esac
	exit 0
	;;
*)
	echo "usage: cimheadd-vrrp notify STATE | check" >&2
	exit 2
	;;
esac
