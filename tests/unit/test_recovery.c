/*
 * test_recovery.c: restarts of a node's dead streaming process, through
 * the real node and recovery modules against a fake node (fakenode.c)
 * that answers the process query and Win32_Process.Create.  The events
 * node_apply returns are handed to recovery as probe.c does, and the
 * probes recovery asks for are counted (its recovery_look_cb).
 *
 * - A process seen missing inside restart-grace, after the verification
 *   timer has fired, still gets its verdict: recovery looks again when
 *   the grace ends.  The soak (tests/e2e/soak.py) found nodes stuck in
 *   "recovering" when that timer fired a few ms short of the grace.
 * - restart-limit above 64 is reached: the record of restarts once held
 *   64 entries, so a limit of 65 or more never was and the node was
 *   restarted for ever.  The record follows the limit on reload.
 * - recovery = off (or the admin API's off): a dead process takes the
 *   node down and nothing is called; on again, it is restarted.  A reload
 *   keeps the API's word unless the recovery key changed.
 * - The re-check before Create finds the process running: the node is up
 *   at once and no probe is asked for.  It used to ask for one at once,
 *   and a process query alternating missing/running re-queried the node
 *   in a loop with no pause (564 queries in 10 s), the node never back.
 * - Found running with the configured command line and a CreationDate
 *   inside restart-grace: another head-end's restart, counted as such.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "cimheadd.h"
#include "fakenode.h"
#include "tap.h"

static struct event_base	*base;
static unsigned			 nlook;

/* What probe.c passes: here, the look is only counted. */
static void
look_cb(struct node *n)
{
	nlook++;
}

/* Runs the loop until the node's calls are done; 0 if they never were. */
static int
settle(struct node *n, unsigned max_ms)
{
	uint64_t	start = mono_ms();

	while (n->inflight > 0 && mono_ms() - start < tap_slow(max_ms))
		testsrv_run_for(base, 5);
	return (n->inflight == 0);
}

/* Runs the loop until nlook reaches want or max_ms pass. */
static void
wait_look(unsigned want, unsigned max_ms)
{
	uint64_t	start = mono_ms();

	while (nlook < want && mono_ms() - start < tap_slow(max_ms))
		testsrv_run_for(base, 5);
}

/* A reading without the watched process, handed on as probe.c does. */
static enum node_event
missing(struct node *n, uint64_t now)
{
	struct profile_reading	rd;
	enum node_event		ev;

	memset(&rd, 0, sizeof(rd));
	rd.has_process = 1;
	ev = node_apply(n, &rd, now);
	if (ev == NODE_EV_PROC_MISSING)
		recovery_process_missing(n, now, look_cb);
	return (ev);
}

static struct conf *
conf_for(const char *globals, const char *url, const char *command)
{
	struct buf	 errs, warns, text;
	struct conf	*c;

	buf_init(&errs, 4096);
	buf_init(&warns, 4096);
	buf_init(&text, 0);
	buf_printf(&text, "[cimheadd]\n%s[node a]\nurl = %s\n"
	    "process = vodstream.exe\n%s%s%s"
	    "stream-url = http://{host}/vod/{title}\n", globals, url,
	    command != NULL ? "command = " : "",
	    command != NULL ? command : "", command != NULL ? "\n" : "");
	c = conf_parse(text.data, "test", &errs, &warns);
	if (c == NULL)
		diag(errs.data != NULL ? errs.data : "conf_parse failed");
	buf_release(&text);
	buf_release(&errs);
	buf_release(&warns);
	return (c);
}

static void
test_grace(struct daemon *d, struct fakenode *fn)
{
	struct node	*n;
	unsigned	 looks;

	d->conf = conf_for("restart-grace = 300ms\nrestart-backoff = 900ms\n",
	    fn->url, "vodstream.exe");
	if (d->conf == NULL)
		return;
	n = node_new(d, &d->conf->nodes[0]);
	fn->running = 0;
	fn->create_rv = 0;
	nlook = 0;

	is_str(node_event_name(missing(n, mono_ms())), "process-missing",
	    "a reading without the process: the event says so");
	is_str(node_state_name(n->state), "recovering", "node: recovering");
	ok(settle(n, 2000), "the re-check and Create ran");
	is_int(fn->ncreate, 1, "one Create");
	is_int(recovery_restarts(n), 1, "one restart on record");
	is_str(node_proc_name(n->proc), "restarting", "process: restarting");

	/* The verification timer: a look when the grace ends. */
	wait_look(1, 2000);
	is_int(nlook, 1, "recovery asks for a look when the grace ends");

	/*
	 * That look's reading is dated inside the grace (the timer fired
	 * short, or an earlier probe answered): no verdict yet, and a look
	 * again when the grace really ends.
	 */
	missing(n, fn->create_ms);
	is_str(node_state_name(n->state), "recovering",
	    "missing inside the grace: still recovering");
	is_str(node_proc_name(n->proc), "restarting",
	    "missing inside the grace: still restarting");
	looks = nlook;
	wait_look(looks + 1, 2000);
	is_int(nlook, looks + 1, "and a look again when the grace ends");

	/*
	 * Past the grace the same reading is a verdict; the next attempt
	 * waits out restart-backoff (900 ms from the Create), then asks
	 * for a look.
	 */
	missing(n, mono_ms());
	is_str(node_proc_name(n->proc), "missing",
	    "missing after the grace: the process is missing");
	is_int(n->m_restart_fail, 1, "counted as a failed restart");
	ok(strstr(n->last_error, "not running 300 ms after") != NULL,
	    "the error says why: %s", n->last_error);
	is_int(fn->ncreate, 1, "no new Create inside the backoff");
	looks = nlook;
	wait_look(looks + 1, 2000);
	is_int(nlook, looks + 1, "a look when the backoff ends");

	/* The process is back: the restart is verified, the node up. */
	fn->running = 1;
	{
		struct profile_reading	rd;

		memset(&rd, 0, sizeof(rd));
		rd.has_process = 1;
		rd.process_running = 1;
		is_str(node_event_name(node_apply(n, &rd, mono_ms())), "up",
		    "the process runs again: the node is up");
		recovery_process_running(n, mono_ms());
	}
	is_str(node_state_name(n->state), "up", "node: up");
	ok(!recovery_gave_up(n), "no limit reached");

	recovery_release(n);
	ok(n->rec == NULL, "recovery_release lets go of the state");
	node_free(n);
	conf_free(d->conf);
	d->conf = NULL;
}

/*
 * Restarts a node whose process never comes up until recovery stops;
 * returns how many Create calls that took (bounded by max).
 */
static unsigned
restart_until_limit(struct node *n, struct fakenode *fn, unsigned max)
{
	unsigned	i, before = fn->ncreate;

	for (i = 0; i < max && !recovery_gave_up(n); i++) {
		missing(n, mono_ms());
		if (!settle(n, 2000))
			break;
	}
	return (fn->ncreate - before);
}

static void
test_limit(struct daemon *d, struct fakenode *fn)
{
	struct conf	*small, *big;
	struct node	*n;
	char		 why[128];

	big = conf_for("restart-limit = 100\nrestart-window = 10m\n"
	    "restart-grace = 0\nrestart-backoff = 0\nrestart-backoff-max = 0\n",
	    fn->url, "vodstream.exe");
	small = conf_for("restart-limit = 20\nrestart-window = 10m\n"
	    "restart-grace = 0\nrestart-backoff = 0\nrestart-backoff-max = 0\n",
	    fn->url, "vodstream.exe");
	if (big == NULL || small == NULL)
		return;
	d->conf = big;
	n = node_new(d, &d->conf->nodes[0]);
	fn->running = 0;
	fn->create_rv = 0;

	is_int(restart_until_limit(n, fn, 300), 100,
	    "restart-limit 100: exactly 100 restarts inside the window");
	ok(recovery_gave_up(n), "then the limit is reached");
	is_str(node_state_name(n->state), "down", "and the node stays down");
	ok(strstr(n->last_error, "restart limit reached (100 in 600 s)") !=
	    NULL, "the error says so: %s", n->last_error);
	missing(n, mono_ms());
	settle(n, 2000);
	is_int(recovery_restarts(n), 100, "a later reading restarts nothing");

	/* Admin enable: the window starts afresh. */
	recovery_reset(n);
	ok(!recovery_gave_up(n), "recovery_reset clears the limit");
	is_int(restart_until_limit(n, fn, 60), 60,
	    "restarts resume after the reset");

	/* Reload to a limit below what is on record: the newest 20 stay. */
	d->conf = small;
	node_configure(n, &small->nodes[0]);
	is_int(restart_until_limit(n, fn, 10), 0,
	    "limit lowered to 20 with 60 on record: no further restart");
	ok(recovery_gave_up(n), "the lowered limit is reached at once");
	ok(strstr(n->last_error, "(20 in 600 s)") != NULL,
	    "at the new limit: %s", n->last_error);

	/* And raised again: 20 kept, 80 more allowed. */
	d->conf = big;
	node_configure(n, &big->nodes[0]);
	recovery_reset(n);
	is_int(restart_until_limit(n, fn, 300), 100,
	    "limit raised to 100 after a reset: 100 restarts again");

	/* An admin restart past the limit: tried at once, one at a time. */
	ok(recovery_restart_now(n, look_cb, why, sizeof(why)) == 0,
	    "admin restart past the limit starts: %s", why);
	ok(!recovery_gave_up(n), "and clears the limit");
	ok(recovery_restart_now(n, look_cb, why, sizeof(why)) == -1 &&
	    strstr(why, "in flight") != NULL,
	    "a second one while the first runs is refused: %s", why);
	ok(settle(n, 2000), "the admin restart completes");

	recovery_release(n);
	node_free(n);
	conf_free(big);
	conf_free(small);
	d->conf = NULL;
}

static void
test_no_command(struct daemon *d, struct fakenode *fn)
{
	struct node	*n;
	char		 why[128];

	d->conf = conf_for("", fn->url, NULL);
	if (d->conf == NULL)
		return;
	n = node_new(d, &d->conf->nodes[0]);
	missing(n, mono_ms());
	is_str(node_state_name(n->state), "down",
	    "no restart command: a missing process takes the node down");
	is_int(n->inflight, 0, "and nothing is called");
	ok(recovery_restart_now(n, look_cb, why, sizeof(why)) == -1 &&
	    strcmp(why, "no restart command configured") == 0,
	    "an admin restart is refused: %s", why);
	is_int(recovery_restarts(n), 0, "no restart on record");
	recovery_release(n);
	node_free(n);
	conf_free(d->conf);
	d->conf = NULL;
}

static void
test_owner(struct daemon *d, struct fakenode *fn)
{
	struct conf	*off, *off2, *on, *on2;
	struct node	*n;
	unsigned	 creates;

	off = conf_for("recovery = off\n", fn->url, "vodstream.exe");
	off2 = conf_for("recovery = off\n", fn->url, "vodstream.exe");
	on = conf_for("recovery = on\n", fn->url, "vodstream.exe");
	on2 = conf_for("", fn->url, "vodstream.exe");
	if (off == NULL || off2 == NULL || on == NULL || on2 == NULL)
		return;
	d->conf = off;
	d->recovery_mode = RECOVERY_CONF;
	n = node_new(d, &d->conf->nodes[0]);
	fn->running = 0;
	fn->create_rv = 0;
	creates = fn->ncreate;
	ok(!recovery_enabled(d), "recovery = off: not enabled");
	missing(n, mono_ms());
	is_str(node_state_name(n->state), "down",
	    "recovery off: a dead process takes the node down");
	is_str(node_proc_name(n->proc), "missing", "process: missing");
	is_int(n->inflight, 0, "recovery off: nothing is called");
	ok(strstr(n->last_error, "recovery is off") != NULL,
	    "the error says why: %s", n->last_error);
	settle(n, 200);
	is_int(fn->ncreate, creates, "recovery off: no Create");

	recovery_set(d, 1);
	ok(recovery_enabled(d), "the admin API switches it on");
	missing(n, mono_ms());
	ok(settle(n, 2000), "the re-check and Create ran");
	is_int(fn->ncreate, creates + 1, "recovery on: one Create");

	/* A reload with the key unchanged keeps the API's word. */
	d->conf = off2;
	node_configure(n, &off2->nodes[0]);
	recovery_reconfigure(d, off);
	ok(recovery_enabled(d), "reload, key unchanged (off): still on");
	/* Changed in the file: the file wins. */
	d->conf = on;
	node_configure(n, &on->nodes[0]);
	recovery_reconfigure(d, off2);
	ok(recovery_enabled(d) && d->recovery_mode == RECOVERY_CONF,
	    "reload, key changed to on: on, as the config says");
	recovery_set(d, 0);
	d->conf = on2;
	node_configure(n, &on2->nodes[0]);
	recovery_reconfigure(d, on);
	ok(!recovery_enabled(d), "admin off, reload with on unchanged "
	    "(the default): still off");
	d->conf = off;
	node_configure(n, &off->nodes[0]);
	recovery_reconfigure(d, on2);
	ok(!recovery_enabled(d) && d->recovery_mode == RECOVERY_CONF,
	    "reload, key changed to off: off, as the config says");
	d->recovery_mode = RECOVERY_CONF;

	recovery_release(n);
	node_free(n);
	conf_free(off);
	conf_free(off2);
	conf_free(on);
	conf_free(on2);
	d->conf = NULL;
}

/* CIM datetime of Unix ms t. */
static void
cim_dt(uint64_t t, char *out, size_t outlen)
{
	time_t		s = (time_t)(t / 1000);
	struct tm	tm;

	gmtime_r(&s, &tm);
	strftime(out, outlen, "%Y%m%d%H%M%S.000000+000", &tm);
}

static void
test_recheck_running(struct daemon *d, struct fakenode *fn)
{
	struct node	*n;
	unsigned	 creates, looks;
	uint64_t	 skipped;

	d->conf = conf_for("restart-grace = 5s\n", fn->url, "vodstream.exe");
	if (d->conf == NULL)
		return;
	n = node_new(d, &d->conf->nodes[0]);
	fn->create_rv = 0;

	/* A reading said missing; the re-check finds it running. */
	fn->running = 1;
	fn->proc_cmdline = NULL;
	fn->proc_created[0] = '\0';
	creates = fn->ncreate;
	looks = nlook;
	skipped = metrics_get(d, METRIC_RESTART_SKIPPED);
	missing(n, mono_ms());
	ok(settle(n, 2000), "the re-check ran");
	is_str(node_state_name(n->state), "up",
	    "re-check finds the process: the node is up at once");
	is_str(node_proc_name(n->proc), "running", "process: running");
	is_int(nlook, looks, "and no probe is asked for (no loop)");
	is_int(fn->ncreate, creates, "no Create");
	is_int(metrics_get(d, METRIC_RESTART_SKIPPED), skipped,
	    "no CommandLine, no CreationDate: not another head-end's");

	/* The command started a second ago: another head-end did it. */
	fn->proc_cmdline = "vodstream.exe";
	cim_dt(wall_ms() - 1000, fn->proc_created, sizeof(fn->proc_created));
	missing(n, mono_ms());
	settle(n, 2000);
	is_int(fn->ncreate, creates, "started by another head-end: no Create");
	is_int(metrics_get(d, METRIC_RESTART_SKIPPED), skipped + 1,
	    "counted as a skip (%s)", fn->proc_created);
	is_str(node_state_name(n->state), "up", "and the node is up");

	/* Started a minute ago (past the grace): it came back by itself. */
	cim_dt(wall_ms() - 60000, fn->proc_created, sizeof(fn->proc_created));
	missing(n, mono_ms());
	settle(n, 2000);
	is_int(metrics_get(d, METRIC_RESTART_SKIPPED), skipped + 1,
	    "CreationDate past restart-grace: not counted");
	/* Recent, but another command line. */
	fn->proc_cmdline = "vodstream.exe --other";
	cim_dt(wall_ms() - 1000, fn->proc_created, sizeof(fn->proc_created));
	missing(n, mono_ms());
	settle(n, 2000);
	is_int(metrics_get(d, METRIC_RESTART_SKIPPED), skipped + 1,
	    "another command line: not counted");
	is_int(fn->ncreate, creates, "and no Create in any case");
	fn->proc_cmdline = NULL;
	fn->proc_created[0] = '\0';

	recovery_release(n);
	node_free(n);
	conf_free(d->conf);
	d->conf = NULL;
}

static void
test_datetime(void)
{
	uint64_t	ms = 1;

	ok(recovery_datetime_ms("19700101000000.000000+000", &ms) == 0 &&
	    ms == 0, "datetime: the epoch");
	ok(recovery_datetime_ms("20261123192357.000000+000", &ms) == 0 &&
	    ms == 1795461837000ULL, "datetime: UTC");
	ok(recovery_datetime_ms("20261123202357.000000+060", &ms) == 0 &&
	    ms == 1795461837000ULL, "datetime: +060 is an hour ahead of UTC");
	ok(recovery_datetime_ms("20240229120000.500000-120", &ms) == 0 &&
	    ms == 1709215200500ULL, "datetime: leap day, -120, microseconds");
	ok(recovery_datetime_ms("20000301000000.000000+000", &ms) == 0 &&
	    ms == 951868800000ULL, "datetime: 2000 is a leap year");
	ok(recovery_datetime_ms("2026112319235.000000+000", &ms) == -1,
	    "datetime: too short");
	ok(recovery_datetime_ms("20261323192357.000000+000", &ms) == -1,
	    "datetime: month 13");
	ok(recovery_datetime_ms("00000001000000.000000:000", &ms) == -1,
	    "datetime: an interval is not a date");
	ok(recovery_datetime_ms(NULL, &ms) == -1, "datetime: NULL");
}

int
main(void)
{
	struct daemon	 d;
	struct fakenode	 fn;

	log_init("test_recovery", LOG_LVL_ERR, 0);
	xml_global_init();
	compat_init(0);
	base = event_base_new();
	memset(&d, 0, sizeof(d));
	d.base = base;
	d.http = http_ctx_new(base);
	memset(&fn, 0, sizeof(fn));
	fakenode_start(&fn, base);

	test_grace(&d, &fn);
	test_limit(&d, &fn);
	test_no_command(&d, &fn);
	test_owner(&d, &fn);
	test_recheck_running(&d, &fn);
	test_datetime();

	fakenode_stop(&fn);
	http_ctx_free(d.http);
	/* The fake nodes' ends of the closed connections see EOF. */
	testsrv_run_for(base, 50);
	event_base_free(base);
	return (tap_done());
}
