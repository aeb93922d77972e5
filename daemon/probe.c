/*
 * probe.c: probing for viewers, without letting it cost more than it must.
 *
 * The probe pool (the default; Prequal's reuse, NSDI 2024): a node's sample
 * serves decisions while estimate.c's est_usable says so (probe-max-age,
 * probe-max-uses); every arrival refreshes up to probe-d nodes, stalest
 * first, each within its query budget (a token bucket per node), so a node
 * answers a bounded number of queries a second whatever the viewer rate.
 * A viewer is decided at once on the samples there are, and parks on a
 * probe round only when no node has a usable one.  The strict model
 * (freshness = 0, the paper's) parks every viewer on a round of every node.
 *
 * A round queries its nodes in parallel, and every viewer arriving
 * meanwhile joins it instead of starting its own.  A node is never
 * queried twice at once: a probe still in flight (from an earlier round,
 * a re-check, an admin request) is joined, not repeated.  A round ends
 * when its nodes have answered or at the decision deadline, whichever
 * comes first; the decision then uses whoever answered, so a hung node
 * never holds a viewer past that deadline.  Its queries run on to their
 * own deadline, off the viewer's path.
 *
 * Per node, the calls in flight are bounded (WinRM allowed 15 per user);
 * the queries beyond the bound wait for a slot inside the probe.
 *
 * A probe that could not open a socket for want of descriptors failed
 * here, not at the node: the node keeps its state (a reload from 2 to
 * 1,000 nodes past the hard limit once marked hundreds of healthy nodes
 * down), the failure is counted and logged, and a suspect or down node
 * is re-checked later.
 *
 * A probe's outcome goes to node.c, whose returned event says what to do
 * next: a missing process goes to recovery.c, a suspect or down node is
 * re-checked here by a timer with exponential backoff, off every viewer's
 * path.  Recovery asks for its verification probes through the
 * recovery_look_cb it is given (probe_node).
 *
 * Readiness (/readyz, for keepalived): this head-end can dispatch when a
 * node answered a probe within ready-window.  With no viewers nothing
 * would probe, so a keeper probes the nodes that are up, suspect or
 * drained each quarter window once no answer came for half of one: an
 * idle head-end stays ready, one cut off from its nodes goes not-ready
 * within the window, and a drained or full cluster (the cluster's state,
 * not this head-end's) is still ready.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "cimheadd.h"

struct probe_round {
	struct daemon		*d;
	uint64_t		 start_ms;
	size_t			 outstanding;	/* counted probes not done */
	struct event		*deadline_ev;
	TAILQ_HEAD(, probe_waiter) waiters;
};

/* A suspect or down node's re-check timer and its backoff. */
struct probe_recheck {
	struct node		*n;
	struct event		*ev;
	unsigned		 ms;	/* the next delay; 0: start over */
};

/*
 * One query.  Allocated on its own so a cancelled probe can be freed at
 * once: its calls, orphaned (p == NULL), free themselves when they end.
 */
struct probe_call {
	struct node_probe	*p;
	enum profile_query	 q;
	uint64_t		 start_ms;
	struct wbem_call	*call;
	int			 pending;	/* callback not yet called */
	char			 wql[512];
	struct wbem_request	 req;
};

struct node_probe {
	struct node		*n;
	uint64_t		 start_ms;
	int			 want[PQ_COUNT];
	struct probe_call	*calls[PQ_COUNT];
	size_t			 nwant, nstarted, ndone, active;
	int			 reported;	/* node told, round told */
	int			 counted;	/* the current round waits for it */
	int			 busy;		/* inside a loop over calls */
	int			 failed;
	struct wbem_error	 err;
	struct profile_reading	 rd;
};

static void	probe_call_done_cb(struct wbem_result *,
		    const struct wbem_error *, void *);
static void	probe_round_deadline_cb(evutil_socket_t, short, void *);
static void	probe_idle_cb(evutil_socket_t, short, void *);
static void	probe_recheck_cb(evutil_socket_t, short, void *);
static void	probe_pool_cb(evutil_socket_t, short, void *);
static void	probe_ready_cb(evutil_socket_t, short, void *);
static void	probe_start_calls(struct node_probe *);

/*
 * Will the estimator have a raw reading a window older than the next one,
 * and not only one from before a quiet spell?  If not, the formatted
 * per-second figure stands in and is asked for.
 */
static int
probe_ring_short(const struct est_ring *g, const struct conf *c,
    uint64_t now)
{
	/* After a quiet spell the estimator prefers the formatted figure. */
	return (g->n == 0 || now < g->r[0].at_ms ||
	    now - g->r[0].at_ms < c->est.window_ms ||
	    now - g->r[g->n - 1].at_ms > est_long_span_ms(&c->est));
}

/* The count query is configured and not resting after a failure. */
static int
probe_wants_sessions(const struct node *n, uint64_t now)
{
	return (n->cf->sessions_class != NULL &&
	    n->cf->sessions_class[0] != '\0' && now >= n->sessions_retry_ms);
}

/*
 * In the pool, between full samples, a probe of a serving node reads its
 * count alone (est_params.full_age_ms), once the costs have had their
 * first pairs of full samples to learn from: until then each refresh is
 * full.  The strict model reads it all.
 */
static int
probe_light(const struct node *n, uint64_t now)
{
	const struct conf	*c = n->d->conf;

	return (c->freshness_ms != 0 && probe_wants_sessions(n, now) &&
	    node_serving(n) && n->sessions >= 0 && est_learnt(&n->est) &&
	    n->est.has_full &&
	    now >= n->est.full_ms && now - n->est.full_ms < c->est.full_age_ms);
}

/* A light probe reads the limiting figure too once it is this old. */
#define PROBE_LIGHT_FIGURE_MS	2500

/* Every query of a full sample; returns how many. */
static size_t
probe_plan_full(const struct node *n, uint64_t now, int want[PQ_COUNT])
{
	const struct conf	*c = n->d->conf;
	size_t			 q, k = 0;

	memset(want, 0, PQ_COUNT * sizeof(want[0]));
	want[PQ_CPU_RAW] = 1;
	want[PQ_MEM] = 1;
	want[PQ_NET_RAW] = 1;
	if (probe_ring_short(&n->est.cpu, c, now))
		want[PQ_CPU_FMT] = 1;
	if (probe_ring_short(&n->est.net, c, now))
		want[PQ_NET_FMT] = 1;
	if (n->total_mem == 0)
		want[PQ_TOTAL] = 1;
	if (n->cf->process != NULL)
		want[PQ_PROCESS] = 1;
	else if (n->cf->service != NULL)
		want[PQ_SERVICE] = 1;
	if (probe_wants_sessions(n, now))
		want[PQ_SESSIONS] = 1;
	for (q = 0; q < PQ_COUNT; q++)
		if (want[q])
			k++;
	return (k);
}

/*
 * The queries a pool refresh of n needs at now, light its probe_light
 * (asked once by callers that need it again); returns how many.
 */
static size_t
probe_plan_want(const struct node *n, uint64_t now, int light,
    int want[PQ_COUNT])
{
	double	after;
	int	r;

	if (light) {
		memset(want, 0, PQ_COUNT * sizeof(want[0]));
		want[PQ_SESSIONS] = 1;
		/*
		 * And, every other time or so, the figure that limits the
		 * node, so a base load that moves is followed between full
		 * samples.
		 */
		r = est_limit(&n->est, &n->d->conf->est, now, 0, &after);
		if (r < 0 || (r != EST_MEM && now < n->est.util_to[r] +
		    PROBE_LIGHT_FIGURE_MS))
			return (1);
		want[r == EST_CPU ? PQ_CPU_RAW : r == EST_NET ? PQ_NET_RAW :
		    PQ_MEM] = 1;
		return (2);
	}
	return (probe_plan_full(n, now, want));
}

/*
 * The queries one probe of this node needs, given what it already has.
 * Only the pool's budgeted refreshes may be count-only: recovery, the
 * admin API and the idle check want the process read.
 */
static void
probe_plan(struct node_probe *p, int pool)
{
	p->rd.light = pool && probe_light(p->n, p->start_ms);
	if (pool)
		p->nwant = probe_plan_want(p->n, p->start_ms, p->rd.light,
		    p->want);
	else
		p->nwant = probe_plan_full(p->n, p->start_ms, p->want);
}

/* A query whose CIM error leaves the sample usable (figure unknown). */
static int
probe_optional(enum profile_query q)
{
	return (q == PQ_CPU_FMT || q == PQ_NET_RAW || q == PQ_NET_FMT ||
	    q == PQ_CPU_RAW || q == PQ_SESSIONS);
}

/*
 * The session count could not be read (no such class on this node, a
 * reply without the property): the count is unknown, and the node is not
 * asked again for sessions_retry_ms.
 */
static void
probe_sessions_rest(struct node *n, uint64_t now, const char *why)
{
	n->sessions_retry_ms = now + n->d->conf->sessions_retry_ms;
	log_debug("node %s: no session count (%s); asked again in %u ms",
	    n->name, why, n->d->conf->sessions_retry_ms);
}

static void
probe_round_end(struct daemon *d)
{
	struct probe_round	*r = d->round;
	struct probe_waiter	*w;
	uint64_t		 min_ms;
	size_t			 i;

	if (r == NULL)
		return;
	d->round = NULL;
	for (i = 0; i < d->nnodes; i++)
		if (d->nodes[i] != NULL && d->nodes[i]->probe != NULL)
			d->nodes[i]->probe->counted = 0;
	/* The strict model wants this round's samples; the pool, its rules. */
	min_ms = d->conf->freshness_ms == 0 ? r->start_ms : 0;
	metrics_observe(&d->metrics.round, mono_ms() - r->start_ms);
	log_debug("probe round done after %llu ms",
	    (unsigned long long)(mono_ms() - r->start_ms));
	while ((w = TAILQ_FIRST(&r->waiters)) != NULL) {
		TAILQ_REMOVE(&r->waiters, w, entry);
		w->queued = 0;
		w->cb(w, min_ms);
	}
	event_free(r->deadline_ev);
	free(r);
}

static void
probe_round_deadline_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct daemon	*d = arg;

	probe_round_end(d);
}

/* Nothing to wait for: the round ends on the next loop turn. */
static void
probe_round_soon(struct probe_round *r)
{
	struct timeval	tv;

	if (r->outstanding != 0)
		return;
	evtimer_del(r->deadline_ev);
	ms_to_tv(0, &tv);
	evtimer_add(r->deadline_ev, &tv);
}

static void
probe_recheck_arm(struct node *n)
{
	const struct conf	*c = n->d->conf;
	struct probe_recheck	*rc = n->recheck;
	struct timeval		 tv;

	if (rc == NULL) {
		rc = n->recheck = xcalloc(1, sizeof(*rc));
		rc->n = n;
		if ((rc->ev = evtimer_new(n->d->base, probe_recheck_cb,
		    rc)) == NULL)
			fatal("evtimer_new");
	}
	if (rc->ms == 0)
		rc->ms = c->recheck_ms;
	ms_to_tv(rc->ms, &tv);
	evtimer_add(rc->ev, &tv);
	/* Exponential backoff for the next one. */
	rc->ms = rc->ms > c->recheck_max_ms / 2 ? c->recheck_max_ms :
	    rc->ms * 2;
}

static int
probe_recheck_pending(const struct node *n)
{
	return (n->recheck != NULL && evtimer_pending(n->recheck->ev, NULL));
}

static void
probe_recheck_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct probe_recheck	*rc = arg;

	/* Drained, disabled or back up meanwhile: nothing to re-check. */
	if (rc->n->state == NODE_DOWN || rc->n->state == NODE_SUSPECT)
		probe_node(rc->n);
}

/*
 * The re-check timer after an outcome: stopped (and the backoff reset)
 * once the node is up; armed when it went down, by a failed probe or by
 * recovery's verdict; kept going while it stays suspect or down.
 */
static void
probe_recheck_follow(struct node *n, enum node_state was, enum node_event ev)
{
	if (n->state == NODE_UP) {
		if (n->recheck != NULL) {
			evtimer_del(n->recheck->ev);
			n->recheck->ms = 0;
		}
		return;
	}
	if (n->state == NODE_DOWN && was != NODE_DOWN) {
		probe_recheck_arm(n);
		return;
	}
	switch (ev) {
	case NODE_EV_SUSPECT:
		probe_recheck_arm(n);
		break;
	case NODE_EV_FAILED:
		if (n->state == NODE_DOWN ||
		    (n->state == NODE_SUSPECT && !probe_recheck_pending(n)))
			probe_recheck_arm(n);
		break;
	case NODE_EV_PROC_MISSING:
		/* Down with a dead process: keep looking, it may come back. */
		if (n->state == NODE_DOWN && !probe_recheck_pending(n))
			probe_recheck_arm(n);
		break;
	default:
		break;
	}
}

#define PROBE_NOFD_LOG_MS	10000	/* one line at most this often */

/*
 * n's probe found no descriptor for a socket: ours to fix, not n's.
 * Logged when it starts, then at most every PROBE_NOFD_LOG_MS with the
 * count meanwhile, so a burst of a thousand probes is two lines.
 */
static void
probe_no_fd(struct node *n, const struct wbem_error *err, uint64_t now)
{
	struct daemon	*d = n->d;
	uint64_t	 lim;

	metrics_count(d, METRIC_PROBE_NOFD);
	node_set_error(n, "probe not sent: %s", err->description);
	d->nofd_unlogged++;
	if (d->nofd_log_ms == 0 || now - d->nofd_log_ms >= PROBE_NOFD_LOG_MS) {
		lim = compat_fd_limit(0);
		log_warn("out of file descriptors (limit %llu): %llu probes "
		    "could not open a socket; their nodes keep their state; "
		    "raise the limit (ulimit -n, LimitNOFILE) or lower "
		    "max-inflight", (unsigned long long)lim,
		    (unsigned long long)d->nofd_unlogged);
		d->nofd_log_ms = now;
		d->nofd_unlogged = 0;
	}
	/* A node waiting for a re-check still gets one. */
	if ((n->state == NODE_SUSPECT || n->state == NODE_DOWN) &&
	    !probe_recheck_pending(n))
		probe_recheck_arm(n);
}

/*
 * The probe has its answer (or has failed): tell the node, act on what
 * that did, and tell the round.
 */
static void
probe_report(struct node_probe *p)
{
	struct node	*n = p->n;
	struct daemon	*d = n->d;
	enum node_state	 was = n->state;
	enum node_event	 ev;
	uint64_t	 now = mono_ms();

	if (p->reported)
		return;
	p->reported = 1;
	if (p->failed && p->err.kind == WBEM_E_RESOURCE) {
		probe_no_fd(n, &p->err, now);
		ev = NODE_EV_NONE;
	} else if (p->failed)
		ev = node_fail(n, &p->err);
	else {
		d->answer_ms = now;
		ev = node_apply(n, &p->rd, now);
	}
	if (ev == NODE_EV_PROC_MISSING)
		recovery_process_missing(n, now, probe_node);
	else if (ev == NODE_EV_RUNNING || ev == NODE_EV_UP)
		recovery_process_running(n, now);
	probe_recheck_follow(n, was, ev);
	if (p->counted && d->round != NULL) {
		p->counted = 0;
		if (--d->round->outstanding == 0)
			probe_round_end(d);
	}
}

static void
probe_maybe_free(struct node_probe *p)
{
	if (p->busy || p->ndone < p->nstarted || (p->nstarted < p->nwant &&
	    !p->failed))
		return;
	probe_report(p);
	if (p->n->probe == p)
		p->n->probe = NULL;
	free(p);
}

static void
probe_call_done_cb(struct wbem_result *res, const struct wbem_error *err,
    void *arg)
{
	struct probe_call	*pc = arg;
	struct node_probe	*p = pc->p;
	struct node		*n;
	struct daemon		*d;
	uint64_t		 now = mono_ms();

	pc->call = NULL;
	pc->pending = 0;
	if (p == NULL) {
		/* Orphaned by probe_node_cancel. */
		wbem_result_free(res);
		free(pc);
		return;
	}
	n = p->n;
	d = n->d;
	p->calls[pc->q] = NULL;
	p->ndone++;
	p->active--;
	n->inflight--;
	metrics_count(d, METRIC_QUERIES);
	metrics_observe(&n->m_query, now - pc->start_ms);
	if (res != NULL) {
		n->m_queries_ok++;
		if (pc->q == PQ_SESSIONS) {
			if (profile_absorb_sessions(res,
			    n->cf->sessions_property, &p->rd) == -1)
				probe_sessions_rest(n, now, "malformed reply");
		} else if (profile_absorb(pc->q, res, &p->rd, now) == -1 &&
		    !p->failed) {
			p->failed = 1;
			wbem_error_set(&p->err, WBEM_E_PROTOCOL, 0, "",
			    "malformed reply to the %s query",
			    profile_query_name(pc->q));
		}
		wbem_result_free(res);
	} else {
		n->m_queries_err++;
		/*
		 * Once the probe has failed its other calls only drain: their
		 * errors must not replace the one that failed it, which the
		 * API reports (kind and code).
		 */
		if (p->failed)
			;
		else if (err->kind == WBEM_E_CIM && pc->q == PQ_SESSIONS)
			probe_sessions_rest(n, now, err->name);
		else if (err->kind == WBEM_E_CIM && probe_optional(pc->q)) {
			/* Recovery's verdict says more than an ignored query. */
			if (!n->error_restart)
				node_set_error(n, "%s query: %s: %s",
				    profile_query_name(pc->q), err->name,
				    err->description);
		} else {
			p->failed = 1;
			p->err = *err;
		}
	}
	free(pc);
	/* A failed probe reports at once; the rest only drain. */
	if (p->failed)
		probe_report(p);
	else
		probe_start_calls(p);
	probe_maybe_free(p);
}

static void
probe_start_calls(struct node_probe *p)
{
	struct node		*n = p->n;
	const struct conf	*c = n->d->conf;
	struct probe_call	*pc;
	struct wbem_call	*call;
	const char		*name;
	int			 q;

	p->busy++;
	for (q = 0; q < PQ_COUNT && !p->failed; q++) {
		if (!p->want[q])
			continue;
		/* The bound may not starve a probe of its first call. */
		if (n->inflight >= c->max_inflight && p->active > 0)
			break;
		p->want[q] = 0;
		pc = xcalloc(1, sizeof(*pc));
		pc->p = p;
		pc->q = (enum profile_query)q;
		name = q == PQ_SERVICE ? n->cf->service : n->cf->process;
		if ((q == PQ_SESSIONS ? profile_sessions_wql(
		    n->cf->sessions_class, n->cf->sessions_property,
		    n->cf->sessions_instance, pc->wql, sizeof(pc->wql)) :
		    profile_query_wql(pc->q, name, pc->wql,
		    sizeof(pc->wql))) == -1) {
			free(pc);
			p->failed = 1;
			wbem_error_set(&p->err, WBEM_E_USAGE, 0, "",
			    "cannot build the %s query",
			    profile_query_name((enum profile_query)q));
			break;
		}
		pc->req.op = WBEM_OP_QUERY;
		pc->req.ns = n->cf->ns;
		pc->req.query = pc->wql;
		pc->req.query_lang = "WQL";
		pc->start_ms = mono_ms();
		pc->pending = 1;
		p->calls[q] = pc;
		p->nstarted++;
		p->active++;
		n->inflight++;
		log_debug("node %s: %s", n->name, pc->wql);
		call = wbem_start(n->d->http, &n->target, &pc->req,
		    probe_call_done_cb, pc);
		if (call == NULL && pc->pending) {
			/* Refused without a callback: done, as a failure. */
			p->calls[q] = NULL;
			free(pc);
			p->ndone++;
			p->active--;
			n->inflight--;
			p->failed = 1;
			wbem_error_set(&p->err, WBEM_E_USAGE, 0, "",
			    "cannot start a query");
		} else if (call != NULL && pc->pending)
			pc->call = call;
	}
	p->busy--;
	if (p->failed)
		probe_report(p);
}

/* Starts a probe of n unless one is in flight (then that one is joined). */
static void
probe_node_start(struct node *n, int pool)
{
	struct node_probe	*p;

	if (n->probe != NULL)
		return;
	p = xcalloc(1, sizeof(*p));
	p->n = n;
	p->start_ms = mono_ms();
	probe_plan(p, pool);
	n->probe = p;
	probe_start_calls(p);
	probe_maybe_free(p);
}

void
probe_node(struct node *n)
{
	probe_node_start(n, 0);
}

void
probe_node_cancel(struct node *n)
{
	struct node_probe	*p = n->probe;
	struct probe_call	*pc;
	int			 q;

	if (p == NULL)
		return;
	n->probe = NULL;
	if (!p->failed) {
		p->failed = 1;
		wbem_error_set(&p->err, WBEM_E_CANCELLED, 0, "", "cancelled");
	}
	/* Orphan the calls first: their callbacks may run inside cancel. */
	for (q = 0; q < PQ_COUNT; q++) {
		if ((pc = p->calls[q]) == NULL)
			continue;
		p->calls[q] = NULL;
		pc->p = NULL;
		n->inflight--;
		if (pc->call != NULL)
			wbem_cancel(pc->call);
	}
	/*
	 * The round forgets this probe without ending inside the cancel:
	 * a reload cancels removed nodes while d->nodes is being rebuilt
	 * (holes where kept nodes were taken out), and the round's end
	 * walks the nodes and decides for its viewers.  Left with nothing
	 * to wait for, it ends on the next loop turn, on the new nodes.
	 */
	if (p->counted && n->d->round != NULL) {
		p->counted = 0;
		if (--n->d->round->outstanding == 0)
			probe_round_soon(n->d->round);
	}
	p->counted = 0;
	probe_report(p);
	free(p);
}

void
probe_node_release(struct node *n)
{
	probe_node_cancel(n);
	if (n->recheck != NULL) {
		event_free(n->recheck->ev);
		free(n->recheck);
		n->recheck = NULL;
	}
	recovery_release(n);
}

/*
 * How long ago a probe started.  A probe started just now may carry a
 * start time a tick later than the caller's "now" (read before it was
 * started): that is age 0, not an unsigned wrap to "ancient" -- which
 * made a round skip waiting for the probe it had just started and answer
 * 503 at once.
 */
static uint64_t
probe_age(const struct node_probe *p, uint64_t now)
{
	return (now > p->start_ms ? now - p->start_ms : 0);
}

/* ---- the probe pool ----------------------------------------------------- */

#define PROBE_STACK_NODES	64

/* What a probe of n costs its query budget now; light: probe_light's. */
static double
probe_cost(const struct node *n, uint64_t now, int light)
{
	int	want[PQ_COUNT];

	return ((double)probe_plan_want(n, now, light, want));
}

/*
 * A full sample that its age makes due (the pool, with light probes
 * between): it goes at once and overdraws the budget by its cost, which
 * the light probes after it then wait out, so over full_age_ms the node
 * gets its query_rate and the counts keep their pace instead of stopping
 * while the budget saves up.  light: probe_light now.
 */
static int
probe_full_due(const struct node *n, int light)
{
	const struct conf	*c = n->d->conf;

	return (c->freshness_ms != 0 && c->est.full_age_ms != 0 &&
	    n->est.has_full && !light && est_learnt(&n->est));
}

/*
 * ms until the budget lets a pool refresh of n go (0: now).  A full sample
 * due goes at once (into debt); a count-only one waits for the bucket and
 * its place in the even spacing (est_pace_wait).  light: probe_light at
 * now, which a caller that needs it too works out once.
 */
static uint64_t
probe_wait_as(const struct node *n, uint64_t now, int light)
{
	const struct est_params	*p = &n->d->conf->est;
	int			 want[PQ_COUNT];
	uint64_t		 w, v;

	/*
	 * Asked some thirty times a viewer (every node, by the pool's
	 * refresh and timer and by the choice's look at spent samples):
	 * whether the probe would be light is worked out once.
	 */
	if (probe_full_due(n, light))
		return (0);
	/*
	 * At thousands of arrivals a second most find the bucket short of
	 * one query, or the count not due: that wait, a lower bound, does
	 * without planning the probe (the timers it arms look again).
	 */
	if ((w = est_rate_wait(&n->est, p, now, 1)) != 0)
		return (w);
	if (light && (v = est_pace_wait(&n->est, p, now,
	    (double)probe_plan_full(n, now, want))) != 0)
		return (v);
	return (est_rate_wait(&n->est, p, now, probe_cost(n, now, light)));
}

static uint64_t
probe_wait(const struct node *n, uint64_t now)
{
	return (probe_wait_as(n, now, probe_light(n, now)));
}

/* Probes n if its budget pays for it now; 1 if it is (now) in flight. */
static int
probe_budgeted(struct node *n, uint64_t now)
{
	const struct est_params	*p = &n->d->conf->est;
	int			 light;

	if (n->probe != NULL)
		return (1);
	light = probe_light(n, now);
	if (probe_full_due(n, light))
		est_rate_charge(&n->est, p, now, probe_cost(n, now, light));
	else if (probe_wait_as(n, now, light) != 0 ||
	    est_rate_take(&n->est, p, now, probe_cost(n, now, light)) == -1)
		return (0);
	est_paced(&n->est, now);
	probe_node_start(n, 1);
	return (n->probe != NULL);
}

int
probe_sample_ok(const struct node *n, uint64_t now)
{
	const struct est_params	*p = &n->d->conf->est;

	if (!n->est.has_sample || now < n->est.sample_ms)
		return (0);
	if (est_usable(&n->est, p, now))
		return (1);
	/*
	 * Spent or old: it serves on while its refresh is under way or the
	 * budget defers it, since waiting could not bring a newer one sooner
	 * (the dispatches it does not show are in the prediction), up to
	 * the age at which the estimator forgets a figure.
	 */
	if (now - n->est.sample_ms > p->max_span_ms)
		return (0);
	return (n->probe != NULL || probe_wait(n, now) != 0);
}

/*
 * The budget deferred the refresh of nodes whose samples are spent or
 * old: a timer probes them when it allows, so the next viewer finds a
 * usable sample.  Nodes whose samples are usable are left to arrivals,
 * so an idle cluster is not probed by this (idle-check does that).
 * waits: each probeable node's probe_wait at now when no probe is in
 * flight, as the caller just found them; NULL: asked here.
 */
static void
probe_pool_arm(struct daemon *d, uint64_t now, const uint64_t *waits)
{
	const struct est_params	*p = &d->conf->est;
	struct node		*n;
	struct timeval		 tv;
	uint64_t		 w, best = 0;
	size_t			 i;

	for (i = 0; i < d->nnodes; i++) {
		n = d->nodes[i];
		if (!node_probeable(n) || n->probe != NULL ||
		    !n->est.has_sample || est_usable(&n->est, p, now))
			continue;
		w = waits != NULL ? waits[i] : probe_wait(n, now);
		if (w != 0 && (best == 0 || w < best))
			best = w;
	}
	if (best == 0)
		return;
	if (d->pool_ev == NULL &&
	    (d->pool_ev = evtimer_new(d->base, probe_pool_cb, d)) == NULL)
		fatal("evtimer_new");
	if (evtimer_pending(d->pool_ev, NULL))
		return;
	ms_to_tv((unsigned)(best > UINT32_MAX ? UINT32_MAX : best), &tv);
	evtimer_add(d->pool_ev, &tv);
}

static void
probe_pool_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct daemon	*d = arg;
	struct node	*n;
	uint64_t	 now = mono_ms();
	size_t		 i;

	for (i = 0; i < d->nnodes; i++) {
		n = d->nodes[i];
		if (node_probeable(n) && n->probe == NULL &&
		    n->est.has_sample && !est_usable(&n->est, &d->conf->est,
		    now))
			probe_budgeted(n, now);
	}
	probe_pool_arm(d, now, NULL);
}

/*
 * An arrival refreshes up to probe-d nodes, stalest first (no sample,
 * then the oldest or most used), each within its query budget: the
 * probes run off the viewer's path, which decides on the samples there
 * are.
 */
static void
probe_pool_refresh(struct daemon *d, uint64_t now)
{
	const struct conf	*c = d->conf;
	struct est_cand		 ecs[PROBE_STACK_NODES], *ec;
	struct node		*n;
	uint64_t		 wstack[PROBE_STACK_NODES], *waits;
	size_t			 outs[PROBE_STACK_NODES], *out, i, k;

	/* Per arrival: on the stack for a cluster of usual size. */
	if (d->nnodes <= PROBE_STACK_NODES && c->probe_d <= PROBE_STACK_NODES) {
		memset(ecs, 0, sizeof(ecs));
		ec = ecs;
		out = outs;
		waits = wstack;
	} else {
		ec = xcalloc(d->nnodes, sizeof(*ec));
		out = xcalloc(c->probe_d, sizeof(*out));
		waits = xcalloc(d->nnodes, sizeof(*waits));
	}
	for (i = 0; i < d->nnodes; i++) {
		n = d->nodes[i];
		ec[i].en = &n->est;
		ec[i].ok = node_probeable(n) && n->probe == NULL &&
		    (waits[i] = probe_wait(n, now)) == 0;
	}
	k = est_refresh_pick(&c->est, ec, d->nnodes, now, 0, c->probe_d, out);
	for (i = 0; i < k; i++)
		probe_budgeted(d->nodes[out[i]], now);
	/*
	 * The timer wants the same waits again: unchanged unless a probe
	 * went (the budget can pay for none at most arrivals).
	 */
	probe_pool_arm(d, now, k == 0 ? waits : NULL);
	if (ec != ecs) {
		free(waits);
		free(out);
		free(ec);
	}
}

/* Can a viewer be decided now: a serving node's usable sample has room? */
static int
probe_pool_ready(const struct daemon *d, uint64_t now)
{
	const struct node	*n;
	size_t			 i;

	for (i = 0; i < d->nnodes; i++) {
		n = d->nodes[i];
		if (node_serving(n) && probe_sample_ok(n, now) &&
		    est_room(&n->est, &d->conf->est, now) >= 1)
			return (1);
	}
	return (0);
}

/*
 * Are there samples, all of them full?  Then a viewer is answered now
 * (503 unless the choice finds room): waiting for a probe would only
 * confirm it, and the refresh this arrival started is under way.
 */
static int
probe_pool_full(const struct daemon *d, uint64_t now)
{
	const struct node	*n;
	size_t			 i;
	int			 any = 0;

	for (i = 0; i < d->nnodes; i++) {
		n = d->nodes[i];
		if (!node_serving(n))
			continue;
		if (!probe_sample_ok(n, now))
			return (0);
		any = 1;
	}
	return (any);
}

/* ---- viewer rounds ------------------------------------------------------- */

/* Starts the round viewers park on, with its decision deadline. */
static struct probe_round *
probe_round_start(struct daemon *d, uint64_t now)
{
	struct probe_round	*r;
	struct timeval		 tv;

	r = xcalloc(1, sizeof(*r));
	r->d = d;
	r->start_ms = now;
	TAILQ_INIT(&r->waiters);
	r->deadline_ev = evtimer_new(d->base, probe_round_deadline_cb, d);
	if (r->deadline_ev == NULL)
		fatal("evtimer_new");
	d->round = r;
	metrics_count(d, METRIC_ROUNDS);
	ms_to_tv(d->conf->decision_timeout_ms, &tv);
	evtimer_add(r->deadline_ev, &tv);
	return (r);
}

/* The round waits for n's probe unless it already looks dead. */
static void
probe_round_count(struct probe_round *r, struct node *n, uint64_t now)
{
	/* A suspect node, or a probe from earlier past the deadline. */
	if (n->probe != NULL && n->state == NODE_UP && !n->probe->reported &&
	    !n->probe->counted &&
	    probe_age(n->probe, now) < n->d->conf->decision_timeout_ms) {
		n->probe->counted = 1;
		r->outstanding++;
	}
}

/*
 * The pool (probe-max-age > 0): every arrival refreshes up to probe-d
 * nodes; the viewer is decided at once on a usable sample with room, and
 * parks on a round only when no usable sample exists (first contact,
 * everything stale), the round probing the nodes without one as their
 * budgets allow.
 */
static int
probe_need_pool(struct daemon *d, struct probe_waiter *w, uint64_t now)
{
	struct probe_round	*r;
	struct node		*n;
	size_t			 i;
	int			 rounding = d->round != NULL;

	size_t			 nwant = 0;

	probe_pool_refresh(d, now);
	if (probe_pool_ready(d, now) || probe_pool_full(d, now))
		return (1);
	for (i = 0; i < d->nnodes; i++)
		if (node_probeable(d->nodes[i]) &&
		    !probe_sample_ok(d->nodes[i], now))
			nwant++;
	/* No node to hear from: the answer is now (503). */
	if (nwant == 0 && !rounding)
		return (1);
	r = rounding ? d->round : probe_round_start(d, now);
	TAILQ_INSERT_TAIL(&r->waiters, w, entry);
	w->queued = 1;
	if (rounding)
		return (0);
	for (i = 0; i < d->nnodes; i++) {
		n = d->nodes[i];
		if (!node_probeable(n) || probe_sample_ok(n, now))
			continue;
		if (probe_budgeted(n, now))
			probe_round_count(r, n, now);
	}
	probe_round_soon(r);
	return (0);
}

int
probe_need(struct daemon *d, struct probe_waiter *w)
{
	const struct conf	*c = d->conf;
	struct probe_round	*r;
	struct node		*n, *stale[2];
	uint64_t		 now = mono_ms();
	size_t			 i, k, m, nstale = 0, pick;
	int			 rounding = d->round != NULL;

	probe_viewer_seen(d);
	if (c->freshness_ms != 0)
		return (probe_need_pool(d, w, now));
	/* The strict model: every viewer waits for a round of every node. */
	for (i = 0; i < d->nnodes; i++)
		if (node_probeable(d->nodes[i]))
			nstale++;
	if (nstale == 0 && !rounding)
		return (1);

	r = rounding ? d->round : probe_round_start(d, now);
	TAILQ_INSERT_TAIL(&r->waiters, w, entry);
	w->queued = 1;
	if (rounding || nstale == 0)
		return (0);

	/*
	 * two-choices probes d = 2 random nodes: a constant cost per
	 * request however large the cluster.
	 */
	if (c->policy.kind == POLICY_TWO_CHOICES && nstale > 2) {
		stale[0] = stale[1] = NULL;
		for (i = 0; i < 2; i++) {
			pick = (size_t)(d->rng = d->rng * 1103515245u + 12345u)
			    >> 8;
			pick %= nstale - i;
			for (k = 0, m = 0; k < d->nnodes; k++) {
				n = d->nodes[k];
				if (!node_probeable(n) || n == stale[0])
					continue;
				if (m++ == pick) {
					stale[i] = n;
					break;
				}
			}
		}
	}
	for (i = 0; i < d->nnodes; i++) {
		n = d->nodes[i];
		if (!node_probeable(n))
			continue;
		if (c->policy.kind == POLICY_TWO_CHOICES && nstale > 2 &&
		    n != stale[0] && n != stale[1])
			continue;
		probe_node(n);
		probe_round_count(r, n, now);
	}
	probe_round_soon(r);
	return (0);
}

void
probe_forget(struct daemon *d, struct probe_waiter *w)
{
	/* A queued waiter is on the current round: rounds end emptied. */
	if (!w->queued || d->round == NULL)
		return;
	TAILQ_REMOVE(&d->round->waiters, w, entry);
	w->queued = 0;
}

void
probe_viewer_seen(struct daemon *d)
{
	d->last_viewer_ms = mono_ms();
}

/* With no viewer for a while, a slow health check keeps the view honest. */
static void
probe_idle_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct daemon	*d = arg;
	size_t		 i;

	if (mono_ms() - d->last_viewer_ms >= d->conf->idle_check_ms) {
		for (i = 0; i < d->nnodes; i++)
			if (node_probeable(d->nodes[i]))
				probe_node(d->nodes[i]);
	}
	probe_idle_arm(d);
}

/* The readiness keeper's period: a quarter of the window. */
static void
probe_ready_arm(struct daemon *d)
{
	struct timeval	tv;

	if (d->ready_ev == NULL &&
	    (d->ready_ev = evtimer_new(d->base, probe_ready_cb, d)) == NULL)
		fatal("evtimer_new");
	evtimer_del(d->ready_ev);
	ms_to_tv(d->conf->ready_window_ms / 4, &tv);
	evtimer_add(d->ready_ev, &tv);
}

/*
 * No answer for half the window: a probe of every node that may answer
 * (drained ones too; down ones have their re-checks), so readiness stays
 * known without viewers.
 */
static void
probe_ready_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct daemon	*d = arg;
	struct node	*n;
	uint64_t	 now = mono_ms();
	size_t		 i;

	if (d->answer_ms == 0 || now - d->answer_ms >=
	    d->conf->ready_window_ms / 2) {
		for (i = 0; i < d->nnodes; i++) {
			n = d->nodes[i];
			if (node_probeable(n) || n->state == NODE_DRAINING)
				probe_node(n);
		}
	}
	probe_ready_arm(d);
}

int
probe_ready(const struct daemon *d, uint64_t now, char *why, size_t whylen)
{
	if (d->conf == NULL) {
		snprintf(why, whylen, "no configuration loaded");
		return (0);
	}
	if (d->draining) {
		snprintf(why, whylen, "stopping");
		return (0);
	}
	if (d->nnodes == 0) {
		snprintf(why, whylen, "no node configured");
		return (0);
	}
	if (d->answer_ms == 0) {
		snprintf(why, whylen, "no node has answered a probe yet");
		return (0);
	}
	if (now > d->answer_ms && now - d->answer_ms > d->conf->ready_window_ms) {
		snprintf(why, whylen, "no node answered a probe in the last "
		    "%llu ms (ready-window %u ms)",
		    (unsigned long long)(now - d->answer_ms),
		    d->conf->ready_window_ms);
		return (0);
	}
	snprintf(why, whylen, "ready");
	return (1);
}

void
probe_idle_arm(struct daemon *d)
{
	struct timeval	tv;
	unsigned	ms = d->conf->idle_check_ms;

	probe_ready_arm(d);

	if (d->idle_ev == NULL &&
	    (d->idle_ev = evtimer_new(d->base, probe_idle_cb, d)) == NULL)
		fatal("evtimer_new");
	evtimer_del(d->idle_ev);
	if (ms == 0)
		return;
	ms_to_tv(ms, &tv);
	evtimer_add(d->idle_ev, &tv);
}

void
probe_shutdown(struct daemon *d)
{
	size_t	i;

	if (d->idle_ev != NULL) {
		event_free(d->idle_ev);
		d->idle_ev = NULL;
	}
	if (d->pool_ev != NULL) {
		event_free(d->pool_ev);
		d->pool_ev = NULL;
	}
	if (d->ready_ev != NULL) {
		event_free(d->ready_ev);
		d->ready_ev = NULL;
	}
	/* Stopping: the nodes are freed next, so let go of all of them. */
	for (i = 0; i < d->nnodes; i++)
		probe_node_release(d->nodes[i]);
	probe_round_end(d);
}
