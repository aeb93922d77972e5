/*
 * test_node.c: node.c as the plain state machine it is: sequences of
 * node_apply and node_fail, the state each leaves and the event each
 * returns (what probe.c acts on), suspect -> down after suspect-after
 * failures, the watched process, serving and probeable, the sample, and
 * dispatch counting.  No event loop and no network: node.c has neither.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cimheadd.h"
#include "tap.h"

static struct conf *
conf_for(const char *text)
{
	struct buf	 errs, warns;
	struct conf	*c;

	buf_init(&errs, 4096);
	buf_init(&warns, 4096);
	c = conf_parse(text, "test", &errs, &warns);
	if (c == NULL)
		diag(errs.data != NULL ? errs.data : "conf_parse failed");
	buf_release(&errs);
	buf_release(&warns);
	return (c);
}

static struct wbem_error *
timeout_err(void)
{
	static struct wbem_error	err;

	wbem_error_set(&err, WBEM_E_TIMEOUT, 0, "", "no reply in 2000 ms");
	return (&err);
}

/* A good reading: formatted CPU, memory, and the process if asked. */
static struct profile_reading *
reading(int process, int running)
{
	static struct profile_reading	rd;

	memset(&rd, 0, sizeof(rd));
	rd.has_cpu_fmt = 1;
	rd.cpu_fmt = 40;
	rd.has_total = 1;
	rd.total = 1000;
	rd.has_avail = 1;
	rd.avail = 750;
	rd.has_net_fmt = 1;
	rd.net_fmt_bytes = 1250000;	/* 10 Mbit/s of 100 */
	rd.net_fmt_bw = 100000000;
	rd.has_process = process;
	rd.process_running = running;
	return (&rd);
}

static void
test_names(void)
{
	const char	*seen[NODE_NEVENTS];
	int		 e, k, distinct = 1;

	for (e = 0; e < NODE_NEVENTS; e++) {
		seen[e] = node_event_name((enum node_event)e);
		if (strcmp(seen[e], "unknown") == 0)
			distinct = 0;
		for (k = 0; k < e; k++)
			if (strcmp(seen[k], seen[e]) == 0)
				distinct = 0;
	}
	ok(distinct, "every event has a name of its own");
	is_str(node_event_name(NODE_NEVENTS), "unknown",
	    "an event out of range is unknown");
	is_str(node_state_name(NODE_NSTATES), "unknown",
	    "a state out of range is unknown");
	is_str(node_state_name(NODE_RECOVERING), "recovering", "state name");
	is_str(node_proc_name(PROC_RESTARTING), "restarting", "process name");
}

static void
test_failures(struct daemon *d)
{
	struct wbem_error	 cancel;
	struct node		*n;

	n = node_new(d, &d->conf->nodes[0]);
	is_str(node_state_name(n->state), "up", "a new node starts up");
	ok(node_serving(n) && node_probeable(n),
	    "unwatched and up: serving and probeable");
	is_str(n->host, "10.0.0.7", "{host} from the url");

	is_str(node_event_name(node_fail(n, timeout_err())), "suspect",
	    "first failure: the event is suspect");
	is_str(node_state_name(n->state), "suspect", "state suspect");
	ok(!node_serving(n), "a suspect node gets no viewers");
	ok(node_probeable(n), "but is probed");
	is_int(n->fails, 1, "one failure counted");
	is_int(n->m_probe_err[WBEM_E_TIMEOUT], 1, "by its kind");
	is_str(wbem_errkind_name(n->last_error_kind), "timeout",
	    "the last error's kind is kept");
	ok(strstr(n->last_error, "no reply in 2000 ms") != NULL,
	    "and its text: %s", n->last_error);

	wbem_error_set(&cancel, WBEM_E_CANCELLED, 0, "", "cancelled");
	is_str(node_event_name(node_fail(n, &cancel)), "none",
	    "a cancelled probe is not the node's failure");
	is_int(n->fails, 1, "and is not counted");

	is_str(node_event_name(node_fail(n, timeout_err())), "failed",
	    "second failure (suspect-after 3): still suspect");
	is_str(node_state_name(n->state), "suspect", "state suspect");
	is_str(node_event_name(node_fail(n, timeout_err())), "down",
	    "third failure: the event is down");
	is_str(node_state_name(n->state), "down", "state down");
	ok(!node_serving(n) && !node_probeable(n),
	    "a down node is neither served nor probed by rounds");
	is_str(node_event_name(node_fail(n, timeout_err())), "failed",
	    "failing while down: failed, state kept");
	is_str(node_state_name(n->state), "down", "still down");

	is_str(node_event_name(node_apply(n, reading(0, 0), 1000)), "up",
	    "a good reading brings it up: the event is up");
	is_str(node_state_name(n->state), "up", "state up");
	is_int(n->fails, 0, "failures forgotten");
	is_str(n->last_error, "", "the error cleared");
	is_str(node_event_name(node_apply(n, reading(0, 0), 2000)), "running",
	    "another good reading: running, no change");
	node_free(n);

	/* suspect-after 1: one failure takes an up node down at once. */
	d->conf->suspect_after = 1;
	n = node_new(d, &d->conf->nodes[0]);
	is_str(node_event_name(node_fail(n, timeout_err())), "down",
	    "suspect-after 1: up -> down on the first failure");
	node_free(n);
	d->conf->suspect_after = 3;

	/* Drained and disabled nodes keep their state on failure. */
	n = node_new(d, &d->conf->nodes[0]);
	node_set_state(n, NODE_DRAINING, "test");
	is_str(node_event_name(node_fail(n, timeout_err())), "failed",
	    "a draining node's failure: failed");
	is_str(node_state_name(n->state), "draining", "still draining");
	ok(!node_serving(n) && !node_probeable(n),
	    "draining: no viewers, no round probes");
	node_free(n);
}

static void
test_sample(struct daemon *d)
{
	const struct est_params	*p = &d->conf->est;
	struct profile_reading	*rd;
	struct policy_cand	 c;
	struct node		*n;

	n = node_new(d, &d->conf->nodes[0]);
	node_dispatched(n, 4000);
	node_dispatched(n, 4000);
	is_int(n->m_dispatch, 2, "two dispatches counted");

	rd = reading(0, 0);
	rd->has_sessions = 1;
	rd->sessions = 0;
	node_apply(n, rd, 4100);
	ok(n->has_sample, "a reading makes a sample");
	ok(n->sample.cpu == 40, "cpu from the formatted figure");
	ok(n->sample.mem == 25, "memory: (1000 - 750) / 1000");
	ok(n->sample.net == 10, "network: 10 Mbit/s of 100");
	is_int(n->sample.mono_ms, 4100, "taken at the time given");
	is_int(n->sessions, 0, "the node's own count is kept");
	/* The first version reset its dispatches to 0 at every sample. */
	ok(est_sessions(&n->est, p, 4100) == 2,
	    "dispatches the node does not show yet outlive the sample");
	is_int(n->nhistory, 1, "one sample of history");

	rd = reading(0, 0);
	rd->has_sessions = 1;
	rd->sessions = 2;
	node_apply(n, rd, 5000);
	ok(est_sessions(&n->est, p, 5000) == 2,
	    "once the node counts them they are not counted twice");
	rd = reading(0, 0);
	rd->has_sessions = 1;
	rd->sessions = 0;
	node_apply(n, rd, 8000);
	ok(est_sessions(&n->est, p, 8000) == 0, "departures count");

	node_cand(n, 1, 8000, &c);
	ok(c.serving && c.usable && c.cpu == 40 && c.mem == 25 &&
	    c.net == 10 && c.sessions == 0 && c.weight == 2 && c.room > 0,
	    "the policy's view of the node (room %ld cpu %.2f mem %.2f "
	    "net %.2f sessions %.2f)", c.room, c.cpu, c.mem, c.net,
	    c.sessions);

	node_fail(n, timeout_err());
	node_fail(n, timeout_err());
	node_fail(n, timeout_err());
	is_int(n->total_mem, 0, "down: the cached total memory is dropped");
	ok(!n->est.has_sample && n->est.cpu.n == 0 && n->est.net.n == 0 &&
	    n->sessions == -1,
	    "and the raw counters and count: a new session when it is back");
	node_free(n);
}

static void
test_process(struct daemon *d)
{
	struct node	*n;

	n = node_new(d, &d->conf->nodes[1]);
	is_str(node_proc_name(n->proc), "unknown", "watched: process unknown");
	ok(!node_serving(n), "a watched node serves once its process is seen");
	is_str(node_event_name(node_apply(n, reading(1, 1), 1000)), "running",
	    "process running: the event is running");
	is_str(node_proc_name(n->proc), "running", "process running");
	ok(node_serving(n), "and it serves");

	/* An ignored optional query's error is not what the node shows. */
	node_set_error(n, "cpu-fmt query: CIM_ERR_INVALID_CLASS: no class");
	is_str(node_event_name(node_apply(n, reading(1, 0), 2000)),
	    "process-missing", "process gone: the event is process-missing");
	is_str(node_proc_name(n->proc), "missing", "process missing");
	is_str(n->last_error, "process vodstream.exe missing",
	    "last_error says the process is missing, not the optional query");
	ok(!node_serving(n), "no viewers for a missing process");
	is_str(node_state_name(n->state), "up",
	    "the state is recovery's call, not node's");

	n->proc = PROC_RESTARTING;
	/* Recovery's verdict stays while the process is still missing. */
	node_set_error(n, "restart failed: Create returned 8");
	n->error_restart = 1;
	node_apply(n, reading(1, 0), 3000);
	is_str(node_proc_name(n->proc), "restarting",
	    "a restart under way stays restarting");
	is_str(n->last_error, "restart failed: Create returned 8",
	    "a failed restart's error is kept by a reading");

	node_set_state(n, NODE_RECOVERING, "test");
	is_str(node_event_name(node_apply(n, reading(1, 1), 4000)), "up",
	    "recovering and the process runs: up");
	is_str(node_state_name(n->state), "up", "state up");

	node_set_state(n, NODE_DRAINING, "test");
	is_str(node_event_name(node_apply(n, reading(1, 0), 5000)), "none",
	    "draining and the process gone: nothing to restart for");
	is_str(node_proc_name(n->proc), "missing", "yet it is seen missing");
	node_set_state(n, NODE_DISABLED, "test");
	is_str(node_event_name(node_apply(n, reading(1, 0), 6000)), "none",
	    "disabled: likewise");

	node_set_state(n, NODE_UP, "test");
	is_str(node_event_name(node_apply(n, reading(0, 0), 7000)), "running",
	    "a reading without the process query: running");
	is_str(node_proc_name(n->proc), "unknown", "process unknown");
	ok(!node_serving(n), "and not served until it is seen");
	node_free(n);
}

static void
test_table(struct daemon *d)
{
	size_t	i;

	d->nnodes = d->conf->nnodes;
	d->nodes = xcalloc(d->nnodes, sizeof(*d->nodes));
	for (i = 0; i < d->nnodes; i++)
		d->nodes[i] = node_new(d, &d->conf->nodes[i]);
	ok(node_find(d, "b") == d->nodes[1], "node_find by name");
	ok(node_find(d, "zz") == NULL, "an unknown name: NULL");
	is_str(node_state_name(d->nodes[2]->state), "disabled",
	    "enabled = no in the config: disabled");
	ok(!node_probeable(d->nodes[2]), "and not probed");

	/* A reload that disables a node, through node_configure. */
	d->conf->nodes[0].enabled = 0;
	node_configure(d->nodes[0], &d->conf->nodes[0]);
	is_str(node_state_name(d->nodes[0]->state), "disabled",
	    "disabled on reload");
	for (i = 0; i < d->nnodes; i++)
		node_free(d->nodes[i]);
	free(d->nodes);
	d->nodes = NULL;
	d->nnodes = 0;
}

int
main(void)
{
	struct daemon	d;

	log_init("test_node", LOG_LVL_ERR, 0);
	memset(&d, 0, sizeof(d));
	d.conf = conf_for("[cimheadd]\nsuspect-after = 3\n"
	    "[node a]\nurl = http://10.0.0.7:5988/cimom\nweight = 2\n"
	    "stream-url = http://{host}/vod/{title}\n"
	    "[node b]\nurl = http://10.0.0.8:5988/cimom\n"
	    "process = vodstream.exe\ncommand = vodstream.exe\n"
	    "stream-url = http://{host}/vod/{title}\n"
	    "[node c]\nurl = http://10.0.0.9:5988/cimom\nenabled = no\n"
	    "stream-url = http://{host}/vod/{title}\n");
	ok(d.conf != NULL, "config parsed");
	if (d.conf == NULL)
		return (tap_done());

	test_names();
	test_failures(&d);
	test_sample(&d);
	test_process(&d);
	test_table(&d);

	conf_free(d.conf);
	return (tap_done());
}
