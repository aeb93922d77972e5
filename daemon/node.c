/*
 * node.c: the node table and each node's state machine.
 *
 *	up --probe fails--> suspect --N fails--> down --re-check ok--> up
 *	up --process missing--> recovering --restart verified--> up
 *	recovering --restart limit--> down (reported; re-checked)
 *	any --admin drain/disable--> draining/disabled --enable--> up
 *
 * A reading from a probe becomes a sample here, through the node's
 * estimator (estimate.c: rates over a counter window, the node's session
 * count, the learned cost of a session); the sample's figures are the
 * estimator's levels.  This is a plain state machine: it calls nothing above
 * it.  node_apply and node_fail return what happened (enum node_event),
 * and their caller, probe.c, acts on it: it hands a missing process to
 * recovery.c and re-checks suspect and down nodes with backoff.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cimheadd.h"

static const char *node_state_names[] = {
	[NODE_UP] = "up",
	[NODE_SUSPECT] = "suspect",
	[NODE_DOWN] = "down",
	[NODE_RECOVERING] = "recovering",
	[NODE_DRAINING] = "draining",
	[NODE_DISABLED] = "disabled",
};

static const char *node_proc_names[] = {
	[PROC_UNKNOWN] = "unknown",
	[PROC_RUNNING] = "running",
	[PROC_MISSING] = "missing",
	[PROC_RESTARTING] = "restarting",
};

static const char *node_event_names[] = {
	[NODE_EV_NONE] = "none",
	[NODE_EV_FAILED] = "failed",
	[NODE_EV_SUSPECT] = "suspect",
	[NODE_EV_DOWN] = "down",
	[NODE_EV_RUNNING] = "running",
	[NODE_EV_UP] = "up",
	[NODE_EV_PROC_MISSING] = "process-missing",
};

const char *
node_event_name(enum node_event e)
{
	if ((size_t)e >= nitems(node_event_names))
		return ("unknown");
	return (node_event_names[e]);
}

const char *
node_state_name(enum node_state s)
{
	if ((size_t)s >= nitems(node_state_names))
		return ("unknown");
	return (node_state_names[s]);
}

const char *
node_proc_name(enum node_proc p)
{
	if ((size_t)p >= nitems(node_proc_names))
		return ("unknown");
	return (node_proc_names[p]);
}

struct node *
node_new(struct daemon *d, const struct conf_node *cf)
{
	struct node		*n;
	struct est_params	 dp;

	n = xcalloc(1, sizeof(*n));
	n->d = d;
	strlcpy(n->name, cf->name, sizeof(n->name));
	n->state = cf->enabled ? NODE_UP : NODE_DISABLED;
	n->state_since_ms = wall_ms();
	n->sessions = -1;
	if (d->conf != NULL)
		dp = d->conf->est;
	else
		est_params_default(&dp);
	est_node_init(&n->est, &dp, cf->weight);
	node_configure(n, cf);
	return (n);
}

void
node_free(struct node *n)
{
	if (n == NULL)
		return;
	/* Their timers and calls point at n: freed now they would dangle. */
	if (n->probe != NULL || n->recheck != NULL || n->rec != NULL)
		fatal("node %s freed before probe_node_release", n->name);
	free(n);
}

/* Points the node at its (new) config; its state and samples stay. */
void
node_configure(struct node *n, const struct conf_node *cf)
{
	const struct conf	*c = n->d->conf;
	struct wbem_target	*t = &n->target;

	n->cf = cf;
	memset(t, 0, sizeof(*t));
	t->proto = cf->proto;
	t->url = cf->url;
	t->ns = cf->ns;
	t->user = cf->user;
	t->password = cf->password;
	t->auth = cf->auth;
	t->cacert = cf->cacert;
	t->insecure = cf->insecure;
	t->allow_unencrypted = cf->allow_unencrypted;
	t->timeout_ms = c != NULL ? c->query_timeout_ms : 2000;
	t->max_response = c != NULL ? c->max_response : 0;
	t->want_trailers = 1;
	t->verbose = log_get_level() >= LOG_LVL_DEBUG;
	if (dispatch_url_host(cf->url, n->host, sizeof(n->host)) == -1)
		strlcpy(n->host, "localhost", sizeof(n->host));
	/* The prior moves with the weight; what was learned stays. */
	if (c != NULL)
		est_node_weight(&n->est, &c->est, cf->weight);
	if (!cf->enabled && n->state != NODE_DISABLED)
		node_set_state(n, NODE_DISABLED, "disabled in the config");
}

struct node *
node_find(struct daemon *d, const char *name)
{
	size_t	i;

	for (i = 0; i < d->nnodes; i++)
		if (strcmp(d->nodes[i]->name, name) == 0)
			return (d->nodes[i]);
	return (NULL);
}

void
node_set_state(struct node *n, enum node_state s, const char *why)
{
	if (n->state == s)
		return;
	n->state_since_ms = wall_ms();
	events_add(n->d->events, n->state_since_ms, EVENTS_STATE,
	    s == NODE_DOWN, n->name, "%s -> %s%s%s", node_state_name(n->state),
	    node_state_name(s), why != NULL ? ": " : "", why != NULL ? why : "");
	n->state = s;
	strlcpy(n->state_why, why != NULL ? why : "", sizeof(n->state_why));
	switch (s) {
	case NODE_DOWN:
		/* A new session starts when it comes back. */
		n->total_mem = 0;
		n->sessions = -1;
		n->sessions_retry_ms = 0;
		est_node_reset(&n->est);
		break;
	case NODE_UP:
		n->fails = 0;
		break;
	default:
		break;
	}
}

void
node_set_error(struct node *n, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(n->last_error, sizeof(n->last_error), fmt, ap);
	va_end(ap);
	n->error_restart = 0;
	/* node_fail sets them again when a failed probe is the error */
	n->last_error_kind = WBEM_E_NONE;
	n->last_error_code = 0;
}

static int
node_watched(const struct node *n)
{
	return (n->cf->process != NULL || n->cf->service != NULL);
}

/* The nodes' learnt network costs, shared (est_share). */
static void
node_share(struct daemon *d)
{
	struct est_node	**v;
	size_t		  i;

	if (d->nnodes < 2)
		return;
	v = xcalloc(d->nnodes, sizeof(*v));
	for (i = 0; i < d->nnodes; i++)
		v[i] = d->nodes[i] != NULL ? &d->nodes[i]->est : NULL;
	est_share(v, d->nnodes, &d->conf->est);
	free(v);
}

enum node_event
node_apply(struct node *n, const struct profile_reading *rd, uint64_t now)
{
	const struct conf	*c = n->d->conf;
	struct node_sample	 s;

	n->fails = 0;
	if (rd->has_total)
		n->total_mem = rd->total;

	n->sessions = rd->has_sessions && rd->sessions <= INT64_MAX ?
	    (int64_t)rd->sessions : -1;
	n->m_discont += est_apply(&n->est, &c->est, rd, n->total_mem,
	    n->sessions, now);
	if (!rd->light)
		node_share(n->d);
	memset(&s, 0, sizeof(s));
	s.mono_ms = now;
	s.wall_ms = wall_ms();
	s.cpu = est_level(&n->est, EST_CPU);
	s.mem = est_level(&n->est, EST_MEM);
	s.net = est_level(&n->est, EST_NET);

	n->sample = s;
	n->has_sample = 1;
	n->history[n->history_next] = s;
	n->history_next = (n->history_next + 1) % NODE_HISTORY;
	if (n->nhistory < NODE_HISTORY)
		n->nhistory++;
	log_debug("node %s: cpu %.1f mem %.1f net %.1f sessions %lld",
	    n->name, s.cpu, s.mem, s.net, (long long)n->sessions);
	/* A count-only probe says nothing of the process or the state. */
	if (rd->light)
		return (NODE_EV_NONE);

	if (node_watched(n) && rd->has_process && !rd->process_running) {
		if (n->proc != PROC_RESTARTING)
			n->proc = PROC_MISSING;
		/*
		 * The error to show is this one, not an optional query's that
		 * the probe ignored; recovery's own verdict (a failed restart,
		 * the limit) stays until the process is back.
		 */
		if (!n->error_restart)
			node_set_error(n, "process %s missing",
			    n->cf->service != NULL ? n->cf->service :
			    n->cf->process);
		/* Drained or disabled by choice: nothing to restart for. */
		if (n->state == NODE_DRAINING || n->state == NODE_DISABLED)
			return (NODE_EV_NONE);
		return (NODE_EV_PROC_MISSING);
	}
	if (node_watched(n))
		n->proc = rd->has_process ? PROC_RUNNING : PROC_UNKNOWN;
	n->last_error[0] = '\0';
	n->last_error_kind = WBEM_E_NONE;
	n->last_error_code = 0;
	n->error_restart = 0;
	if (n->state == NODE_SUSPECT || n->state == NODE_DOWN ||
	    n->state == NODE_RECOVERING) {
		node_set_state(n, NODE_UP, n->state == NODE_RECOVERING ?
		    "process running" : "answers again");
		return (NODE_EV_UP);
	}
	return (NODE_EV_RUNNING);
}

enum node_event
node_fail(struct node *n, const struct wbem_error *err)
{
	const struct conf	*c = n->d->conf;

	if (err != NULL && err->kind == WBEM_E_CANCELLED)
		return (NODE_EV_NONE);
	n->fails++;
	if (err != NULL) {
		node_set_error(n, "%s: %s%s%s", wbem_errkind_name(err->kind),
		    err->name, err->name[0] != '\0' ? ": " : "",
		    err->description);
		if ((size_t)err->kind < nitems(n->m_probe_err))
			n->m_probe_err[err->kind]++;
		n->last_error_kind = err->kind;
		n->last_error_code = err->kind == WBEM_E_CIM ? err->code :
		    (int)err->http_status;
	}
	log_debug("node %s: probe failed (%u): %s", n->name, n->fails,
	    n->last_error);
	switch (n->state) {
	case NODE_UP:
	case NODE_RECOVERING:
	case NODE_SUSPECT:
		if (n->fails >= c->suspect_after) {
			node_set_state(n, NODE_DOWN, n->last_error);
			return (NODE_EV_DOWN);
		}
		if (n->state == NODE_SUSPECT)
			return (NODE_EV_FAILED);
		node_set_state(n, NODE_SUSPECT, n->last_error);
		return (NODE_EV_SUSPECT);
	default:
		/* Down stays down; drained and disabled nodes keep theirs. */
		return (NODE_EV_FAILED);
	}
}

int
node_serving(const struct node *n)
{
	if (n->state != NODE_UP)
		return (0);
	return (!node_watched(n) || n->proc == PROC_RUNNING);
}

void
node_cand(const struct node *n, int usable, uint64_t now,
    struct policy_cand *c)
{
	const struct est_params	*p = &n->d->conf->est;

	memset(c, 0, sizeof(*c));
	c->serving = node_serving(n);
	c->usable = usable;
	c->cpu = est_expect(&n->est, p, EST_CPU, now);
	c->mem = est_expect(&n->est, p, EST_MEM, now);
	c->net = est_expect(&n->est, p, EST_NET, now);
	c->weight = n->cf->weight;
	c->sessions = est_sessions(&n->est, p, now);
	c->room = est_room(&n->est, p, now);
}

void
node_dispatched(struct node *n, uint64_t now)
{
	est_dispatched(&n->est, &n->d->conf->est, now);
	n->m_dispatch++;
}

int
node_probeable(const struct node *n)
{
	return (n->state == NODE_UP || n->state == NODE_SUSPECT);
}

/*
 * Would the node take a viewer now, and why not: the state, the process,
 * no sample, or the limit that leaves no room ("net 98.0% >= 95% after
 * one more"); when it would, its room.  What the operator reads beside
 * the state, which alone says "up" for a full node.
 */
int
node_why(const struct node *n, uint64_t now, char *why, size_t len)
{
	const struct est_params	*p = &n->d->conf->est;
	double			 after = 0;
	long			 room;
	int			 r;

	switch (n->state) {
	case NODE_UP:
		break;
	case NODE_DRAINING:
	case NODE_DISABLED:
		snprintf(why, len, "%s", node_state_name(n->state));
		return (0);
	default:
		snprintf(why, len, "%s%s%s", node_state_name(n->state),
		    n->state_why[0] != '\0' ? ": " : "", n->state_why);
		return (0);
	}
	if (!node_serving(n)) {
		snprintf(why, len, "process %s", node_proc_name(n->proc));
		return (0);
	}
	if (!n->est.has_sample) {
		snprintf(why, len, "no sample yet");
		return (0);
	}
	room = est_room(&n->est, p, now);
	r = est_limit(&n->est, p, now, 1, &after);
	if (room < 0 || r < 0) {
		snprintf(why, len, "load unknown");
		return (0);
	}
	if (n->cf->weight <= 0) {
		snprintf(why, len, "weight 0");
		return (0);
	}
	if (room < 1) {
		snprintf(why, len, "%s %.1f%% >= %g%% after one more",
		    est_res_name((enum est_res)r), after, p->max[r]);
		return (0);
	}
	snprintf(why, len, "room for %ld more (%s limits)", room,
	    est_res_name((enum est_res)r));
	return (1);
}
