/*
 * test_recovery.c: a node whose streaming process was just restarted and
 * is seen missing inside restart-grace must still get its verdict: the
 * recovery keeps a timer that looks again when the grace ends.  The soak
 * (tests/e2e/soak.py) found nodes stuck in "recovering" for good when the
 * verify timer fired a few ms short of the grace and its probe landed in
 * it.  Nothing here touches the network: the timer is only inspected.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "cimheadd.h"
#include "tap.h"

int
main(void)
{
	struct daemon		 d;
	struct buf		 errs, warns;
	struct profile_reading	 rd;
	struct node		*n;
	struct timeval		 tv;
	uint64_t		 now;

	memset(&d, 0, sizeof(d));
	buf_init(&errs, 4096);
	buf_init(&warns, 4096);
	d.conf = conf_parse("[cimheadd]\nrestart-grace = 300ms\n"
	    "[node a]\nurl = http://127.0.0.1:9/cimom\n"
	    "process = vodstream.exe\ncommand = vodstream.exe\n"
	    "stream-url = http://{host}/vod/{title}\n", "test", &errs, &warns);
	ok(d.conf != NULL, "config parsed");
	if (d.conf == NULL)
		return (tap_done());
	d.base = event_base_new();
	n = node_new(&d, &d.conf->nodes[0]);

	/* Create accepted 298 ms ago; the verify probe says "missing". */
	now = mono_ms();
	n->state = NODE_RECOVERING;
	n->proc = PROC_RESTARTING;
	n->restart_at[0] = now - 298;
	n->nrestart_at = 1;
	n->restart_attempt = 1;
	memset(&rd, 0, sizeof(rd));
	rd.has_process = 1;
	rd.process_running = 0;
	node_apply(n, &rd, now);
	is_str(node_state_name(n->state), "recovering",
	    "missing inside the grace: still recovering");
	is_str(node_proc_name(n->proc), "restarting", "process: restarting");
	ok(n->verify_ev != NULL && evtimer_pending(n->verify_ev, &tv),
	    "a timer looks again when the grace ends");

	/* Past the grace, the same reading is a verdict: restart again. */
	n->restart_at[0] = now - 1000;
	n->next_restart_ms = now + 100000;
	node_apply(n, &rd, now);
	is_str(node_proc_name(n->proc), "missing",
	    "missing after the grace: the process is missing");
	ok(n->verify_ev != NULL && evtimer_pending(n->verify_ev, NULL),
	    "and a timer waits for the next attempt");

	node_free(n);
	conf_free(d.conf);
	event_base_free(d.base);
	buf_release(&errs);
	buf_release(&warns);
	return (tap_done());
}
