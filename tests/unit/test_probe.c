/*
 * test_probe.c: probe rounds, re-checks and the hand-over to recovery,
 * through the daemon's real probe, node and recovery modules and the real
 * WBEM client, against fake nodes served in-process (fakenode.c).
 *
 * - A viewer parked on a round is called back exactly once, with the
 *   sample cutoff; viewers arriving meanwhile join the same round; a
 *   fresh sample needs no round; a forgotten waiter is not called.
 * - A hung node does not hold a viewer past decision-timeout; its probe
 *   runs on to query-timeout and the failure is the node's.
 * - A failed node goes suspect, then down by probe's own re-checks with
 *   no viewer around, and up again when it answers.
 * - A missing process goes to recovery, whose verification probe (the
 *   probe_node it was handed) brings the node up once the process runs.
 * - probe_node_release lets go of a probe in flight.
 * - The pool: first contact parks, later viewers are decided at once, a
 *   node answers within its query budget, a spent sample serves while
 *   its refresh is deferred, a missing session counter rests 60 s.
 * - A process query alternating missing/running does not make a loop:
 *   the re-check that finds it running puts the node up (it used to ask
 *   for a probe at once, and the node was queried hundreds of times a
 *   second, never back in service).
 * - Readiness: not ready before any node answered; the keeper keeps an
 *   idle head-end ready; not ready within ready-window once the node
 *   stops answering, ready again when it answers; a drained node still
 *   answers the keeper; stopping is not ready.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "cimheadd.h"
#include "fakenode.h"
#include "tap.h"

static struct event_base	*base;

/* Runs the loop until cond holds or ms (scaled by tap_slow) pass. */
#define WAIT_FOR(cond, ms) do {						\
	uint64_t wf_start = mono_ms();					\
	while (!(cond) && mono_ms() - wf_start < tap_slow(ms))		\
		testsrv_run_for(base, 5);				\
} while (0)

struct viewer {
	struct probe_waiter	 w;
	int			 fired;
	uint64_t		 min_ms;
	uint64_t		 at_ms;
};

static void
viewer_done_cb(struct probe_waiter *w, uint64_t min_ms)
{
	struct viewer	*v = w->arg;

	v->fired++;
	v->min_ms = min_ms;
	v->at_ms = mono_ms();
}

static void
viewer_init(struct viewer *v)
{
	memset(v, 0, sizeof(*v));
	v->w.cb = viewer_done_cb;
	v->w.arg = v;
}

/* A daemon context as main.c makes one, for the config text given. */
static int
daemon_up(struct daemon *d, const char *text)
{
	struct buf	errs, warns;
	size_t		i;

	memset(d, 0, sizeof(*d));
	buf_init(&errs, 4096);
	buf_init(&warns, 4096);
	d->conf = conf_parse(text, "test", &errs, &warns);
	if (d->conf == NULL)
		diag(errs.data != NULL ? errs.data : "conf_parse failed");
	buf_release(&errs);
	buf_release(&warns);
	if (d->conf == NULL)
		return (-1);
	d->base = base;
	d->http = http_ctx_new(base);
	d->rng = 1;
	d->nnodes = d->conf->nnodes;
	d->nodes = xcalloc(d->nnodes, sizeof(*d->nodes));
	for (i = 0; i < d->nnodes; i++)
		d->nodes[i] = node_new(d, &d->conf->nodes[i]);
	return (0);
}

static void
daemon_down(struct daemon *d)
{
	size_t	i;

	probe_shutdown(d);
	for (i = 0; i < d->nnodes; i++)
		node_free(d->nodes[i]);
	free(d->nodes);
	http_ctx_free(d->http);
	conf_free(d->conf);
}

static char *
conf_text(const char *globals, const char *url_a, const char *url_b,
    const char *extra_a)
{
	struct buf	b;

	buf_init(&b, 0);
	buf_printf(&b, "[cimheadd]\n%s[node a]\nurl = %s\n%s"
	    "stream-url = http://{host}/vod/{title}\n", globals, url_a,
	    extra_a);
	if (url_b != NULL)
		buf_printf(&b, "[node b]\nurl = %s\n"
		    "stream-url = http://{host}/vod/{title}\n", url_b);
	return (b.data);
}

static void
fake_figures(struct fakenode *fn)
{
	fn->cpu_fmt = 40;
	fn->total = 1000;
	fn->avail = 750;
	fn->net_bytes = 1250000;
	fn->net_bw = 100000000;
}

static void
test_round(struct fakenode *fa, struct fakenode *fb)
{
	struct daemon	 d;
	struct viewer	 v1, v2, v3, v4;
	struct node	*a, *b;
	char		*text;
	uint64_t	 t0;
	unsigned	 nq, one;

	text = conf_text("freshness = 10s\ndecision-timeout = 3s\n",
	    fa->url, fb->url, "");
	if (daemon_up(&d, text) == -1) {
		free(text);
		return;
	}
	free(text);
	a = d.nodes[0];
	b = d.nodes[1];
	viewer_init(&v1);
	viewer_init(&v2);
	viewer_init(&v3);

	t0 = mono_ms();
	is_int(probe_need(&d, &v1.w), 0, "no sample yet: the viewer parks");
	is_int(v1.fired, 0, "its callback never runs inside probe_need");
	is_int(probe_need(&d, &v2.w), 0, "a second viewer parks too");
	probe_forget(&d, &v3.w);	/* never queued: a no-op */
	is_int(probe_need(&d, &v3.w), 0, "and a third");
	probe_forget(&d, &v3.w);
	is_int(metrics_get(&d, METRIC_ROUNDS), 1, "all three on one round");
	WAIT_FOR(v1.fired && v2.fired, 3000);
	is_int(v1.fired, 1, "the first viewer is called back once");
	is_int(v2.fired, 1, "the second too, by the same round");
	is_int(v3.fired, 0, "a forgotten viewer is not called back");
	ok(v1.min_ms <= t0, "the cutoff is the round's start less freshness");
	ok(v1.at_ms - t0 < tap_slow(2000), "the round ended when both nodes "
	    "answered, not at the 3 s deadline (%llu ms)",
	    (unsigned long long)(v1.at_ms - t0));
	ok(a->has_sample && b->has_sample, "both nodes have a sample");
	ok(a->sample.cpu == 40 && a->sample.mem == 25 && a->sample.net == 10,
	    "the sample is the node's figures (cpu %.1f mem %.1f net %.1f)",
	    a->sample.cpu, a->sample.mem, a->sample.net);
	is_int(a->inflight, 0, "no call left in flight");
	ok(a->probe == NULL, "the probe is done");

	nq = fa->nquery;
	viewer_init(&v4);
	is_int(probe_need(&d, &v4.w), 1, "fresh samples: no round needed");
	testsrv_run_for(base, 50);
	is_int(v4.fired, 0, "and no callback");
	is_int(fa->nquery, nq, "and no query");

	/* A probe already in flight is joined, not repeated. */
	nq = fa->nquery;
	probe_node(a);
	WAIT_FOR(a->probe == NULL, 2000);
	ok(a->probe == NULL, "an off-round probe completes");
	one = fa->nquery - nq;
	nq = fa->nquery;
	probe_node(a);
	probe_node(a);
	WAIT_FOR(a->probe == NULL, 2000);
	ok(one > 0 && fa->nquery - nq == one,
	    "probing twice at once queries once (%u, %u queries)", one,
	    fa->nquery - nq);
	is_int(v1.fired + v2.fired, 2, "callbacks still ran once each");
	daemon_down(&d);
}

/*
 * The probe pool: a viewer with a usable sample is decided at once; many
 * arrivals cost a node its query budget, no more; a spent sample serves
 * on while the budget defers its refresh; a node without the session
 * counter is not asked for it again (it answers no instance here).
 */
static void
test_pool(struct fakenode *fa, struct fakenode *fb)
{
	struct daemon	 d;
	struct viewer	 v[40];
	struct node	*a;
	char		*text;
	uint64_t	 t0, el, now;
	unsigned	 nq, q, maxq;
	int		 i, waited = 0;

	text = conf_text("probe-max-age = 10s\nprobe-max-uses = 4\n"
	    "probe-query-rate = 4\nprobe-query-burst = 8\nprobe-d = 2\n"
	    "decision-timeout = 3s\n", fa->url, fb->url, "");
	if (daemon_up(&d, text) == -1) {
		free(text);
		return;
	}
	free(text);
	a = d.nodes[0];
	viewer_init(&v[0]);
	is_int(probe_need(&d, &v[0].w), 0, "pool: first contact parks");
	WAIT_FOR(v[0].fired, 3000);
	is_int(v[0].fired, 1, "pool: the round calls it back");
	is_int(v[0].min_ms, 0, "pool: decided by the pool's rules (cutoff 0)");
	ok(a->sessions == -1 && a->sessions_retry_ms > mono_ms() + 50000,
	    "no session count on this node: unknown, asked again in 60 s");

	/* 39 arrivals over ~1.6 s: decided at once, within the budget. */
	nq = fa->nquery;
	t0 = mono_ms();
	for (i = 1; i < 40; i++) {
		viewer_init(&v[i]);
		if (probe_need(&d, &v[i].w) == 0)
			waited++;
		else
			node_dispatched(d.nodes[i % 2], mono_ms());
		testsrv_run_for(base, 40);
	}
	WAIT_FOR(a->probe == NULL, 2000);
	el = mono_ms() - t0;
	q = fa->nquery - nq;
	/* 8 at once, 4 a second; a probe started is counted whole. */
	maxq = 8 + (unsigned)(4 * el / 1000) + 6;
	is_int(waited, 0, "39 arrivals on usable samples: none waited");
	ok(q <= maxq, "node a answered %u queries in %llu ms (budget %u)", q,
	    (unsigned long long)el, maxq);
	ok(q > 0, "and was refreshed (%u queries)", q);
	is_int(metrics_get(&d, METRIC_ROUNDS), 1, "one round: first contact");

	/* Spent (max-uses) but the budget defers its refresh: it serves. */
	now = mono_ms();
	for (i = 0; i < 5; i++)
		node_dispatched(a, now);
	ok(!est_usable(&a->est, &d.conf->est, now), "a spent sample");
	WAIT_FOR(a->probe == NULL, 2000);
	now = mono_ms();
	a->est.tokens = 0;
	a->est.tokens_ms = now;
	ok(a->probe == NULL && est_rate_wait(&a->est, &d.conf->est, now,
	    5) > 0 && probe_sample_ok(a, now),
	    "serves on while the budget defers its refresh");
	a->est.tokens = 8;
	ok(!probe_sample_ok(a, now),
	    "not when a refresh could be sent now (the arrival sends it)");
	daemon_down(&d);
}

static void
test_deadline(struct fakenode *fa, struct fakenode *fhang)
{
	struct daemon	 d;
	struct viewer	 v;
	struct node	*h;
	char		*text;
	uint64_t	 t0, took;

	text = conf_text("freshness = 10s\ndecision-timeout = 200ms\n"
	    "query-timeout = 1s\nrecheck = 5s\n", fhang->url, fa->url, "");
	if (daemon_up(&d, text) == -1) {
		free(text);
		return;
	}
	free(text);
	h = d.nodes[0];
	fhang->hang = 1;
	viewer_init(&v);
	t0 = mono_ms();
	probe_need(&d, &v.w);
	WAIT_FOR(v.fired, 3000);
	took = v.at_ms - t0;
	is_int(v.fired, 1, "a hung node: the viewer is still called back");
	ok(took >= 150 && took < tap_slow(900),
	    "at the decision deadline (%llu ms), not the query timeout",
	    (unsigned long long)took);
	ok(h->probe != NULL, "the hung node's probe runs on");
	is_str(node_state_name(h->state), "up", "the node is not judged yet");
	ok(d.nodes[1]->has_sample, "the other node answered");

	WAIT_FOR(h->probe == NULL, 3000);
	is_str(node_state_name(h->state), "suspect",
	    "at the query timeout the failure is the node's: suspect");
	is_str(wbem_errkind_name(h->last_error_kind), "timeout",
	    "a timeout");
	testsrv_run_for(base, 50);
	is_int(v.fired, 1, "the viewer was called back once, all told");
	fhang->hang = 0;
	daemon_down(&d);
}

static void
test_recheck(struct fakenode *fa, struct fakenode *fhang)
{
	struct daemon	 d;
	struct testsrv	 gone;
	struct viewer	 v;
	struct node	*n;
	char		*text, url[64];
	uint64_t	 t0;
	unsigned	 nreq;

	/* A port that was just closed: connections are refused. */
	testsrv_listen(&gone, base, NULL, NULL);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/cimom", gone.port);
	testsrv_close(&gone);
	text = conf_text("freshness = 10s\ndecision-timeout = 3s\n"
	    "recheck = 50ms\nrecheck-max = 100ms\n", url, fa->url, "");
	if (daemon_up(&d, text) == -1) {
		free(text);
		return;
	}
	free(text);
	n = d.nodes[0];
	viewer_init(&v);
	t0 = mono_ms();
	probe_need(&d, &v.w);
	WAIT_FOR(v.fired, 3000);
	is_int(v.fired, 1, "a refused node: the viewer is called back");
	ok(v.at_ms - t0 < tap_slow(1500),
	    "when the node failed, not at the 3 s deadline (%llu ms)",
	    (unsigned long long)(v.at_ms - t0));
	is_str(node_state_name(n->state), "suspect", "the node is suspect");
	WAIT_FOR(n->state == NODE_DOWN, 3000);
	is_str(node_state_name(n->state), "down",
	    "probe's re-checks take it down with no viewer around");
	is_int(n->fails, 3, "after suspect-after (3) failures");
	daemon_down(&d);

	/* A node that times out, then answers a re-check again. */
	text = conf_text("freshness = 10s\ndecision-timeout = 3s\n"
	    "query-timeout = 150ms\nrecheck = 50ms\nrecheck-max = 100ms\n",
	    fhang->url, NULL, "");
	if (daemon_up(&d, text) == -1) {
		free(text);
		return;
	}
	free(text);
	n = d.nodes[0];
	fhang->hang = 1;
	probe_node(n);
	WAIT_FOR(n->state == NODE_DOWN, 5000);
	is_str(node_state_name(n->state), "down", "a node that times out "
	    "is taken down by the re-checks");
	fhang->hang = 0;
	WAIT_FOR(n->state == NODE_UP, 3000);
	is_str(node_state_name(n->state), "up",
	    "a down node that answers a re-check is up again");
	ok(n->has_sample, "with a sample");
	nreq = fhang->nreq;
	testsrv_run_for(base, 300);
	is_int(fhang->nreq, nreq, "an up node is re-checked no more");
	daemon_down(&d);
}

static void
test_recovery(struct fakenode *fa)
{
	struct daemon	 d;
	struct viewer	 v;
	struct node	*n;
	char		*text;

	text = conf_text("freshness = 10s\ndecision-timeout = 3s\n"
	    "restart-grace = 300ms\n", fa->url, NULL,
	    "process = vodstream.exe\ncommand = vodstream.exe\n");
	if (daemon_up(&d, text) == -1) {
		free(text);
		return;
	}
	free(text);
	n = d.nodes[0];
	fa->running = 0;
	fa->create_rv = 0;
	fa->ncreate = 0;
	viewer_init(&v);
	probe_need(&d, &v.w);
	WAIT_FOR(v.fired && fa->ncreate > 0, 3000);
	is_int(v.fired, 1, "a missing process: the viewer is called back");
	ok(!node_serving(n), "the node does not serve");
	is_int(fa->ncreate, 1, "the probe handed it to recovery: one Create");
	is_str(node_state_name(n->state), "recovering", "node recovering");
	is_int(recovery_restarts(n), 1, "one restart on record");

	/* The process comes up; recovery's verification probe sees it. */
	fa->running = 1;
	WAIT_FOR(n->state == NODE_UP && n->proc == PROC_RUNNING, 3000);
	is_str(node_state_name(n->state), "up",
	    "recovery's verification probe brings it up");
	is_str(node_proc_name(n->proc), "running", "process running");
	ok(node_serving(n), "and it serves");
	is_int(fa->ncreate, 1, "no second Create");
	daemon_down(&d);
}

static void
test_flap(struct fakenode *fa)
{
	struct daemon	 d;
	struct node	*n;
	char		*text;
	unsigned	 q0;

	text = conf_text("idle-check = 0\nrestart-grace = 300ms\n", fa->url,
	    NULL, "process = vodstream.exe\ncommand = vodstream.exe\n");
	if (daemon_up(&d, text) == -1) {
		free(text);
		return;
	}
	free(text);
	n = d.nodes[0];
	fa->running = 0;
	fa->alternate = 1;
	fa->ncreate = 0;
	q0 = fa->nquery;
	probe_node(n);
	testsrv_run_for(base, (int)tap_slow(1000));
	ok(fa->nquery - q0 < 40, "alternating process query: %u queries in "
	    "1 s, not a loop", fa->nquery - q0);
	is_str(node_state_name(n->state), "up",
	    "the re-check found it running: the node is up");
	is_int(fa->ncreate, 0, "and nothing was restarted");
	fa->alternate = 0;
	fa->running = 1;
	daemon_down(&d);
}

static int
ready(struct daemon *d, char *why, size_t len)
{
	return (probe_ready(d, mono_ms(), why, len));
}

static void
test_ready(struct fakenode *fa)
{
	struct daemon	 d;
	struct node	*n;
	char		*text, why[256];
	uint64_t	 t0;

	text = conf_text("idle-check = 0\nready-window = 1s\n"
	    "query-timeout = 300ms\nrecheck = 200ms\nrecheck-max = 400ms\n"
	    "suspect-after = 1\n", fa->url, NULL, "");
	if (daemon_up(&d, text) == -1) {
		free(text);
		return;
	}
	free(text);
	n = d.nodes[0];
	fa->hang = 0;
	ok(!ready(&d, why, sizeof(why)) && strstr(why, "no node has "
	    "answered") != NULL, "not ready before any node answered: %s",
	    why);
	/* The keeper (armed with the idle check) probes on its own. */
	probe_idle_arm(&d);
	WAIT_FOR(ready(&d, why, sizeof(why)), 2000);
	ok(ready(&d, why, sizeof(why)), "ready once the node answered the "
	    "keeper's probe: %s", why);
	/* Idle, no viewers, three windows: the keeper keeps it ready. */
	t0 = mono_ms();
	while (mono_ms() - t0 < 3000 && ready(&d, why, sizeof(why)))
		testsrv_run_for(base, 20);
	ok(ready(&d, why, sizeof(why)), "idle for 3 s (ready-window 1 s): "
	    "still ready");
	/* Drained: not a reason of this head-end's, still probed. */
	node_set_state(n, NODE_DRAINING, "test");
	t0 = mono_ms();
	while (mono_ms() - t0 < 2500 && ready(&d, why, sizeof(why)))
		testsrv_run_for(base, 20);
	ok(ready(&d, why, sizeof(why)), "every node drained, 2.5 s: still "
	    "ready");
	node_set_state(n, NODE_UP, "test");
	/* The node stops answering: not ready within the window. */
	fa->hang = 1;
	t0 = mono_ms();
	WAIT_FOR(!ready(&d, why, sizeof(why)), 3000);
	ok(!ready(&d, why, sizeof(why)) && strstr(why, "no node answered") !=
	    NULL, "node silent: not ready after %llu ms: %s",
	    (unsigned long long)(mono_ms() - t0), why);
	ok(mono_ms() - t0 <= tap_slow(1000 + 2 * 300 + 500),
	    "within ready-window and the probe's query-timeout");
	/* It answers again: ready (the re-check or the keeper). */
	fa->hang = 0;
	WAIT_FOR(ready(&d, why, sizeof(why)), 3000);
	ok(ready(&d, why, sizeof(why)), "it answers again: ready (%s, node "
	    "%s)", why, node_state_name(n->state));
	d.draining = 1;
	ok(!ready(&d, why, sizeof(why)) && strcmp(why, "stopping") == 0,
	    "stopping: not ready (%s)", why);
	d.draining = 0;
	daemon_down(&d);
}

static void
test_release(struct fakenode *fhang)
{
	struct daemon	 d;
	struct viewer	 v;
	struct node	*n;
	char		*text;

	text = conf_text("decision-timeout = 200ms\nquery-timeout = 5s\n",
	    fhang->url, NULL, "");
	if (daemon_up(&d, text) == -1) {
		free(text);
		return;
	}
	free(text);
	n = d.nodes[0];
	fhang->hang = 1;
	viewer_init(&v);
	probe_need(&d, &v.w);
	WAIT_FOR(n->inflight > 0 && fhang->nreq > 0, 2000);
	ok(n->probe != NULL && n->inflight > 0, "a probe in flight");
	probe_node_release(n);
	ok(n->probe == NULL && n->recheck == NULL && n->rec == NULL,
	    "probe_node_release lets go of it");
	is_int(n->inflight, 0, "its calls are cancelled");
	is_str(node_state_name(n->state), "up",
	    "a cancelled probe is not the node's failure");
	WAIT_FOR(v.fired, 2000);
	is_int(v.fired, 1, "the parked viewer is still called back once");
	fhang->hang = 0;
	daemon_down(&d);
}

/*
 * Issue 17.1: a reload removes a node whose probe the round waits on.
 * main_apply_conf() cancels it while d->nodes has holes where the kept
 * nodes were taken out; the round must forget the probe there and end
 * later, on the new nodes, and the viewer gets its one answer.
 */
static void
test_release_reload(struct fakenode *fa, struct fakenode *fhang)
{
	struct daemon	 d;
	struct viewer	 v;
	struct node	*keep, *gone;
	char		*text;

	text = conf_text("decision-timeout = 2s\nquery-timeout = 5s\n",
	    fa->url, fhang->url, "");
	if (daemon_up(&d, text) == -1) {
		free(text);
		return;
	}
	free(text);
	keep = d.nodes[0];
	gone = d.nodes[1];
	fhang->hang = 1;
	viewer_init(&v);
	is_int(probe_need(&d, &v.w), 0, "the viewer parks");
	WAIT_FOR(keep->has_sample && fhang->nreq > 0, 2000);
	ok(keep->has_sample && gone->probe != NULL,
	    "the round waits on the hung node only");
	/* As main_apply_conf: the kept node taken out, the gone one freed. */
	d.nodes[0] = NULL;
	probe_node_release(gone);
	is_int(v.fired, 0, "the viewer is not answered inside the cancel");
	node_free(gone);
	d.nodes[0] = keep;
	d.nnodes = 1;
	WAIT_FOR(v.fired, 1000);
	is_int(v.fired, 1, "the viewer gets its answer on the next turn");
	ok(d.round == NULL, "the round is over");
	testsrv_run_for(base, 50);
	is_int(v.fired, 1, "once");
	fhang->hang = 0;
	daemon_down(&d);
}

int
main(void)
{
	struct fakenode	 fa, fb, fhang;

	log_init("test_probe", LOG_LVL_ERR, 0);
	xml_global_init();
	compat_init(0);
	base = event_base_new();
	memset(&fa, 0, sizeof(fa));
	memset(&fb, 0, sizeof(fb));
	memset(&fhang, 0, sizeof(fhang));
	fake_figures(&fa);
	fake_figures(&fb);
	fake_figures(&fhang);
	fakenode_start(&fa, base);
	fakenode_start(&fb, base);
	fakenode_start(&fhang, base);

	test_round(&fa, &fb);
	test_pool(&fa, &fb);
	test_deadline(&fa, &fhang);
	test_recheck(&fa, &fhang);
	test_recovery(&fa);
	test_release(&fhang);
	test_release_reload(&fa, &fhang);
	test_flap(&fa);
	test_ready(&fa);

	fakenode_stop(&fa);
	fakenode_stop(&fb);
	fakenode_stop(&fhang);
	/* The fake nodes' ends of the closed connections see EOF. */
	testsrv_run_for(base, 50);
	event_base_free(base);
	return (tap_done());
}
