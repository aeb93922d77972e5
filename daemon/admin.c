/*
 * admin.c: the operator's side, on its own listener (loopback unless an
 * admin token is configured; with a token every API call must carry
 * "Authorization: Bearer <token>").
 *
 *	GET  /api/v1/nodes			node table as JSON (version 1)
 *	GET  /api/v1/nodes/<name>		one node, as in the table
 *	GET  /api/v1/cluster			the cluster header alone
 *	GET  /api/v1/events[?since=SEQ]		the event ring, newest last
 *	POST /api/v1/nodes/<name>/drain		no new viewers
 *	POST /api/v1/nodes/<name>/enable	back in service
 *	POST /api/v1/nodes/<name>/probe		probe now
 *	POST /api/v1/nodes/<name>/restart	clear the limit, restart now
 *	GET  /api/v1/recovery			does this head-end restart?
 *	POST /api/v1/recovery/{on,off}		switch it (keepalived notify)
 *	GET  /readyz				can it dispatch (no token)
 *	GET  /metrics				Prometheus text format
 *	GET  /					the dashboard page
 *
 * A request whose Host is not one of ours (an IP literal, localhost, an
 * admin-host name) is refused with 421, against DNS rebinding; a POST
 * whose Origin is not this listener is refused: the API is for the CLI
 * and the dashboard's own page, not for other sites a browser has open.
 */
#include "config.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "cimheadd.h"

static void	admin_request_cb(struct evhttp_request *, void *);
static int	admin_same_origin(struct evhttp_request *);

static void
admin_send(struct evhttp_request *req, int code, const char *reason,
    const char *ctype, const void *body, size_t len)
{
	struct evbuffer	*b;

	if ((b = evbuffer_new()) == NULL)
		fatal("evbuffer_new");
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", ctype);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Cache-Control", "no-store");
	if (body != NULL)
		evbuffer_add(b, body, len);
	evhttp_send_reply(req, code, reason, b);
	evbuffer_free(b);
}

static void
admin_json(struct evhttp_request *req, int code, const char *reason,
    json_t *j)
{
	char	*s;

	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (s == NULL)
		fatal("json_dumps");
	admin_send(req, code, reason, "application/json", s, strlen(s));
	free(s);
}

static void
admin_error(struct evhttp_request *req, int code, const char *reason,
    const char *msg)
{
	admin_json(req, code, reason, json_pack("{s:s}", "error", msg));
}

/*
 * A text of ours for the JSON: bounded copies of node errors may end
 * inside a UTF-8 sequence, which jansson refuses (the key would vanish);
 * then every non-ASCII byte becomes '?'.
 */
static json_t *
admin_text(const char *s)
{
	json_t	*j;
	char	*c;
	size_t	 i;

	if ((j = json_string(s)) != NULL)
		return (j);
	c = xstrdup(s);
	for (i = 0; c[i] != '\0'; i++)
		if ((unsigned char)c[i] >= 0x80)
			c[i] = '?';
	j = json_string(c);
	free(c);
	return (j);
}

static json_t *
util_json(double v)
{
	return (v < 0 ? json_null() : json_real(v));
}

/*
 * What the estimator makes of the node: its sessions (own count plus our
 * dispatches it does not show yet; null when it cannot tell), the node's
 * last count, its room in sessions, the decisions its sample served and
 * the learned cost of one session per resource.
 */
static void
admin_node_est_json(json_t *o, const struct node *n, uint64_t now)
{
	const struct est_params	*p = &n->d->conf->est;
	json_t			*c;
	double			 s;
	long			 room;
	enum est_res		 r;

	s = est_sessions(&n->est, p, now);
	json_object_set_new(o, "sessions", n->est.has_sample ? json_real(s) :
	    json_null());
	json_object_set_new(o, "sessions_counted", n->sessions >= 0 ?
	    json_integer((json_int_t)n->sessions) : json_null());
	room = est_room(&n->est, p, now);
	json_object_set_new(o, "room", room >= 0 ?
	    json_integer((json_int_t)room) : json_null());
	/* What it streams now plus what it can still take, while serving. */
	json_object_set_new(o, "capacity", n->est.has_sample && room >= 0 &&
	    node_serving(n) ? json_integer((json_int_t)floor(s) +
	    (json_int_t)room) : json_null());
	json_object_set_new(o, "sample_uses",
	    json_integer((json_int_t)n->est.uses));
	json_object_set_new(o, "departure_rate", n->est.count >= 0 ?
	    json_real(est_departing(&n->est, p, now)) : json_null());
	json_object_set_new(o, "session_length_ms", n->est.hist.len_ms > 0 ?
	    json_integer((json_int_t)n->est.hist.len_ms) : json_null());
	json_object_set_new(o, "session_lag_ms",
	    json_integer((json_int_t)est_visible(&n->est, p)));
	c = json_object();
	for (r = 0; r < EST_NRES; r++)
		json_object_set_new(c, est_res_name(r),
		    json_real(n->est.fit[r].cost));
	json_object_set_new(o, "cost", c);
	/* The base load's trend (%/s) where one is read: an antagonist. */
	c = json_object();
	for (r = 0; r < EST_NRES; r++)
		json_object_set_new(c, est_res_name(r),
		    n->est.base_ms[r] != 0 ? json_real(n->est.slope[r]) :
		    json_null());
	json_object_set_new(o, "trend", c);
}

static json_t *
admin_node_json(const struct node *n, uint64_t now)
{
	json_t			*o, *h, *e;
	const struct node_sample *s;
	char			 why[320];
	size_t			 i, k;

	o = json_object();
	json_object_set_new(o, "name", json_string(n->name));
	json_object_set_new(o, "url", json_string(n->cf->url));
	json_object_set_new(o, "protocol",
	    json_string(n->cf->proto == WBEM_PROTO_WSMAN ? "wsman" : "cimxml"));
	json_object_set_new(o, "state", json_string(node_state_name(n->state)));
	json_object_set_new(o, "state_since",
	    json_integer((json_int_t)n->state_since_ms));
	json_object_set_new(o, "state_why", admin_text(n->state_why));
	json_object_set_new(o, "eligible",
	    json_boolean(node_why(n, now, why, sizeof(why))));
	json_object_set_new(o, "why", admin_text(why));
	json_object_set_new(o, "weight", json_real(n->cf->weight));
	json_object_set_new(o, "sample_age_ms", n->has_sample ?
	    json_integer((json_int_t)(now - n->sample.mono_ms)) : json_null());
	json_object_set_new(o, "cpu", n->has_sample ? util_json(n->sample.cpu) :
	    json_null());
	json_object_set_new(o, "mem", n->has_sample ? util_json(n->sample.mem) :
	    json_null());
	json_object_set_new(o, "net", n->has_sample ? util_json(n->sample.net) :
	    json_null());
	json_object_set_new(o, "process",
	    json_string(node_proc_name(n->proc)));
	json_object_set_new(o, "streams_dispatched",
	    json_integer((json_int_t)n->m_dispatch));
	admin_node_est_json(o, n, now);
	json_object_set_new(o, "restarts",
	    json_integer((json_int_t)recovery_restarts(n)));
	json_object_set_new(o, "last_error", n->last_error[0] != '\0' ?
	    admin_text(n->last_error) : json_null());
	json_object_set_new(o, "last_error_kind",
	    n->last_error_kind != WBEM_E_NONE ?
	    json_string(wbem_errkind_name(n->last_error_kind)) : json_null());
	json_object_set_new(o, "last_error_code",
	    n->last_error_kind != WBEM_E_NONE && n->last_error_code != 0 ?
	    json_integer(n->last_error_code) : json_null());
	json_object_set_new(o, "consecutive_failures",
	    json_integer((json_int_t)n->fails));
	e = json_object();
	for (i = 0; i < METRICS_NERRKINDS; i++)
		json_object_set_new(e, wbem_errkind_name(metrics_errkinds[i]),
		    json_integer((json_int_t)
		    n->m_probe_err[metrics_errkinds[i]]));
	json_object_set_new(o, "probe_errors", e);
	json_object_set_new(o, "restart_failures",
	    json_integer((json_int_t)n->m_restart_fail));
	json_object_set_new(o, "restart_limit_reached",
	    json_boolean(recovery_gave_up(n)));
	json_object_set_new(o, "counter_discontinuities",
	    json_integer((json_int_t)n->m_discont));
	h = json_array();
	/* Oldest first. */
	for (i = 0; i < n->nhistory; i++) {
		k = (n->history_next + NODE_HISTORY - n->nhistory + i) %
		    NODE_HISTORY;
		s = &n->history[k];
		e = json_object();
		json_object_set_new(e, "t", json_integer((json_int_t)s->wall_ms));
		json_object_set_new(e, "cpu", util_json(s->cpu));
		json_object_set_new(e, "mem", util_json(s->mem));
		json_object_set_new(e, "net", util_json(s->net));
		json_array_append_new(h, e);
	}
	json_object_set_new(o, "history", h);
	return (o);
}

/*
 * The node table and /metrics grow with the nodes (3 MB of JSON for a
 * thousand): replies the clients do not read stay in memory, one per
 * connection (evhttp reads the next request only once a reply is sent).
 * Past max-admin-output bytes of them, a large reply is refused with a
 * 503 instead of rendered.  1 if refused.
 */
static int
admin_output_full(struct daemon *d, struct evhttp_request *req)
{
	if (d->admin_conns == NULL ||
	    listen_conns_output(d->admin_conns) < d->conf->max_admin_output)
		return (0);
	log_warn("admin: %zu bytes of replies unread: refusing another "
	    "(max-admin-output)", listen_conns_output(d->admin_conns));
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Retry-After", "1");
	admin_error(req, 503, "Service Unavailable",
	    "too many admin replies unread; try again");
	return (1);
}

/* The room thresholds the estimator applies (%), for the page's colours. */
static json_t *
admin_thresholds_json(const struct daemon *d)
{
	json_t		*o = json_object();
	enum est_res	 r;

	for (r = 0; r < EST_NRES; r++)
		json_object_set_new(o, est_res_name(r),
		    json_real(d->conf->est.max[r]));
	return (o);
}

#define ADMIN_CLUSTER_WINDOW_MS	10000

/*
 * The cluster header: viewers per second and the share refused over the
 * last ten seconds, the decision latency, and the sessions streaming
 * against the capacity of the nodes serving.
 */
static json_t *
admin_cluster_json(const struct daemon *d, uint64_t now)
{
	const struct est_params	*p = &d->conf->est;
	struct decisions_view	 v;
	const struct node	*n;
	json_t			*o, *lat;
	double			 sess = 0, s;
	json_int_t		 cap = 0;
	size_t			 i, neligible = 0, nserving = 0;
	long			 room;
	char			 why[320];

	decisions_view(d->decisions, now, ADMIN_CLUSTER_WINDOW_MS, &v);
	for (i = 0; i < d->nnodes; i++) {
		n = d->nodes[i];
		neligible += node_why(n, now, why, sizeof(why));
		if (!n->est.has_sample)
			continue;
		s = est_sessions(&n->est, p, now);
		sess += s;
		room = est_room(&n->est, p, now);
		if (node_serving(n) && room >= 0) {
			nserving++;
			cap += (json_int_t)floor(s) + (json_int_t)room;
		}
	}
	o = json_object();
	json_object_set_new(o, "window_ms", json_integer(
	    (json_int_t)v.window_ms));
	json_object_set_new(o, "viewers", json_integer((json_int_t)v.viewers));
	json_object_set_new(o, "viewers_per_s", json_real(v.per_s));
	json_object_set_new(o, "refused", json_integer((json_int_t)v.refused));
	json_object_set_new(o, "refused_ratio", json_real(v.refused_ratio));
	lat = json_object();
	json_object_set_new(lat, "p50", v.p50_ms >= 0 ?
	    json_integer((json_int_t)v.p50_ms) : json_null());
	json_object_set_new(lat, "p95", v.p95_ms >= 0 ?
	    json_integer((json_int_t)v.p95_ms) : json_null());
	json_object_set_new(lat, "count", json_integer((json_int_t)v.decisions));
	json_object_set_new(o, "decision_ms", lat);
	json_object_set_new(o, "sessions", json_real(sess));
	json_object_set_new(o, "capacity", nserving > 0 ? json_integer(cap) :
	    json_null());
	json_object_set_new(o, "nodes", json_integer((json_int_t)d->nnodes));
	json_object_set_new(o, "eligible", json_integer((json_int_t)neligible));
	return (o);
}

static void
admin_cluster(struct daemon *d, struct evhttp_request *req)
{
	json_t	*root;

	root = admin_cluster_json(d, mono_ms());
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "now_ms", json_integer((json_int_t)wall_ms()));
	json_object_set_new(root, "thresholds", admin_thresholds_json(d));
	admin_json(req, 200, "OK", root);
}

/* GET /api/v1/nodes/<name>: the node's object of the table, and version. */
static void
admin_node_one(struct daemon *d, struct evhttp_request *req, const char *name)
{
	struct node	*n;
	json_t		*o;

	if ((n = node_find(d, name)) == NULL) {
		admin_error(req, 404, "Not Found", "no such node");
		return;
	}
	o = admin_node_json(n, mono_ms());
	json_object_set_new(o, "version", json_integer(1));
	json_object_set_new(o, "now_ms", json_integer((json_int_t)wall_ms()));
	admin_json(req, 200, "OK", o);
}

/*
 * GET /api/v1/events?since=SEQ: the entries after SEQ (all held when
 * absent), oldest first.  first says the oldest still held: a reader whose
 * since is below first - 1 missed some.  At most EVENTS_CAP entries, each
 * text bounded: the reply is small whatever the ring holds.
 */
static void
admin_events(struct daemon *d, struct evhttp_request *req, const char *query)
{
	const struct events_entry *e;
	json_t			*root, *arr, *o;
	uint64_t		 since = 0;
	const char		*v;
	char			 num[32];
	size_t			 n;

	if (admin_output_full(d, req))
		return;
	if (query != NULL && (v = strstr(query, "since=")) != NULL &&
	    (v == query || v[-1] == '&')) {
		v += 6;
		n = strcspn(v, "&#");
		if (n == 0 || n >= sizeof(num)) {
			admin_error(req, 400, "Bad Request", "bad since");
			return;
		}
		memcpy(num, v, n);
		num[n] = '\0';
		if (parse_u64(num, &since) == -1) {
			admin_error(req, 400, "Bad Request", "bad since");
			return;
		}
	}
	arr = json_array();
	for (e = events_next(d->events, since); e != NULL;
	    e = events_next(d->events, e->seq)) {
		o = json_object();
		json_object_set_new(o, "seq", json_integer((json_int_t)e->seq));
		json_object_set_new(o, "t", json_integer((json_int_t)e->wall_ms));
		json_object_set_new(o, "node", admin_text(e->node));
		json_object_set_new(o, "kind",
		    json_string(events_kind_name(e->kind)));
		json_object_set_new(o, "level", json_string(e->warn ? "warn" :
		    "info"));
		json_object_set_new(o, "text", admin_text(e->text));
		json_array_append_new(arr, o);
	}
	root = json_object();
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "now_ms", json_integer((json_int_t)wall_ms()));
	json_object_set_new(root, "first",
	    json_integer((json_int_t)events_first(d->events)));
	json_object_set_new(root, "last",
	    json_integer((json_int_t)events_last(d->events)));
	json_object_set_new(root, "events", arr);
	admin_json(req, 200, "OK", root);
}

static void
admin_nodes(struct daemon *d, struct evhttp_request *req)
{
	json_t		*root, *arr;
	uint64_t	 now = mono_ms();
	size_t		 i;

	if (admin_output_full(d, req))
		return;

	root = json_object();
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "now_ms", json_integer((json_int_t)wall_ms()));
	json_object_set_new(root, "policy",
	    json_string(policy_kind_name(d->conf->policy.kind)));
	json_object_set_new(root, "thresholds", admin_thresholds_json(d));
	json_object_set_new(root, "cluster", admin_cluster_json(d, now));
	json_object_set_new(root, "events_last",
	    json_integer((json_int_t)events_last(d->events)));
	arr = json_array();
	for (i = 0; i < d->nnodes; i++)
		json_array_append_new(arr, admin_node_json(d->nodes[i], now));
	json_object_set_new(root, "nodes", arr);
	admin_json(req, 200, "OK", root);
}

static void
admin_action(struct daemon *d, struct evhttp_request *req, const char *rest)
{
	char		 name[CONF_NAME_MAX], why[256];
	const char	*slash, *action;
	struct node	*n;
	size_t		 len;

	if ((slash = strchr(rest, '/')) == NULL ||
	    (len = (size_t)(slash - rest)) == 0 || len >= sizeof(name)) {
		admin_error(req, 404, "Not Found", "no such action");
		return;
	}
	memcpy(name, rest, len);
	name[len] = '\0';
	action = slash + 1;
	if ((n = node_find(d, name)) == NULL) {
		admin_error(req, 404, "Not Found", "no such node");
		return;
	}
	if (strcmp(action, "drain") == 0) {
		node_set_state(n, NODE_DRAINING, "admin drain");
		snprintf(why, sizeof(why), "draining");
	} else if (strcmp(action, "enable") == 0) {
		if (n->state == NODE_DRAINING || n->state == NODE_DISABLED) {
			/* Back as suspect: a fresh probe decides. */
			n->fails = 0;
			node_set_state(n, NODE_SUSPECT, "admin enable");
		}
		/*
		 * Past the restart limit: enable means try again, so the
		 * window starts afresh (else the next probe would hit the
		 * same limit at once).
		 */
		if (recovery_gave_up(n))
			recovery_reset(n);
		probe_node(n);
		snprintf(why, sizeof(why), "enabled");
	} else if (strcmp(action, "probe") == 0) {
		probe_node(n);
		snprintf(why, sizeof(why), "probing");
	} else if (strcmp(action, "restart") == 0) {
		if (recovery_restart_now(n, probe_node, why,
		    sizeof(why)) == -1) {
			admin_error(req, 409, "Conflict", why);
			return;
		}
	} else {
		admin_error(req, 404, "Not Found", "no such action");
		return;
	}
	events_add(d->events, wall_ms(), EVENTS_ADMIN, 0, n->name,
	    "admin %s: %s", action, why);
	admin_json(req, 200, "OK", json_pack("{s:s,s:s,s:s}", "node", n->name,
	    "result", why, "state", node_state_name(n->state)));
}

/*
 * What /metrics shows of n's sample and of the choice: utilisations as a
 * ratio, the sample's age, and whether a decision now could pick it (a
 * sample the policy may use: the pool's rules, or under the strict model
 * the newest, which the viewer's round refreshes; room for one more).
 */
static void
admin_metrics_node(const struct daemon *d, const struct node *n,
    uint64_t now, struct metrics_node *mn)
{
	struct policy_cand	 pc;
	const double		 u[EST_NRES] = {
		[EST_CPU] = n->sample.cpu, [EST_MEM] = n->sample.mem,
		[EST_NET] = n->sample.net,
	};
	size_t			 r;
	int			 usable;

	for (r = 0; r < EST_NRES; r++)
		mn->util[r] = n->has_sample && u[r] >= 0 ? u[r] / 100 : -1;
	mn->sample_age_ms = n->has_sample && now >= n->sample.mono_ms ?
	    (int64_t)(now - n->sample.mono_ms) : -1;
	mn->capacity = est_capacity(&n->est, &d->conf->est);
	mn->weight = n->cf->weight;
	mn->state_since_ms = n->state_since_ms;
	mn->query = &n->m_query;
	usable = n->est.has_sample && (d->conf->freshness_ms == 0 ||
	    probe_sample_ok(n, now));
	node_cand(n, usable, now, &pc);
	mn->eligible = policy_eligible(&d->conf->policy, &pc);
}

/*
 * Switched on (this head-end became the master): the nodes it left down
 * with a dead process are looked at now, not at their next re-check
 * (up to recheck-max away), so their restart is not late.
 */
static void
admin_recovery_switch(struct daemon *d, int on)
{
	struct node	*n;
	size_t		 i;
	int		 was = recovery_enabled(d);

	recovery_set(d, on);
	if (!on || was)
		return;
	for (i = 0; i < d->nnodes; i++) {
		n = d->nodes[i];
		if (n->state == NODE_DOWN && n->proc == PROC_MISSING)
			probe_node(n);
	}
}

/*
 * The recovery owner: GET says, POST .../on or .../off switches (until a
 * reload that changes the recovery key).
 */
static void
admin_recovery(struct daemon *d, struct evhttp_request *req,
    enum evhttp_cmd_type m, const char *rest)
{
	const char	*result = "unchanged";

	if (*rest == '\0') {
		if (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD) {
			admin_error(req, 405, "Method Not Allowed", "GET only");
			return;
		}
	} else if (strcmp(rest, "/on") == 0 || strcmp(rest, "/off") == 0) {
		if (m != EVHTTP_REQ_POST) {
			admin_error(req, 405, "Method Not Allowed",
			    "POST only");
			return;
		}
		if (!admin_same_origin(req)) {
			admin_error(req, 403, "Forbidden",
			    "cross-origin POST refused");
			return;
		}
		result = rest[2] == 'n' ? "on" : "off";
		admin_recovery_switch(d, rest[2] == 'n');
	} else {
		admin_error(req, 404, "Not Found", "no such action");
		return;
	}
	admin_json(req, 200, "OK", json_pack("{s:s,s:s,s:s,s:s}", "recovery",
	    recovery_enabled(d) ? "on" : "off", "source",
	    d->recovery_mode == RECOVERY_CONF ? "config" : "admin", "config",
	    d->conf->recovery ? "on" : "off", "result", result));
}

/* GET /readyz, as the viewer listener has it: for keepalived, no token. */
static void
admin_readyz(struct daemon *d, struct evhttp_request *req,
    enum evhttp_cmd_type m)
{
	char	why[256], body[300];
	int	ready;

	if (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD) {
		admin_error(req, 405, "Method Not Allowed", "GET only");
		return;
	}
	ready = probe_ready(d, mono_ms(), why, sizeof(why));
	snprintf(body, sizeof(body), "%s%s\n", ready ? "" : "not ready: ",
	    why);
	admin_send(req, ready ? 200 : 503, ready ? "OK" :
	    "Service Unavailable", "text/plain; charset=utf-8", body,
	    strlen(body));
}

/* /metrics: the node table read into the view metrics.c renders. */
static void
admin_metrics(struct daemon *d, struct evhttp_request *req)
{
	const char		*states[NODE_NSTATES];
	struct metrics_node	*mn;
	struct metrics_view	 v;
	const struct node	*n;
	struct buf		 b;
	size_t			 i, k;
	uint64_t		 now = mono_ms();

	if (admin_output_full(d, req))
		return;
	for (i = 0; i < NODE_NSTATES; i++)
		states[i] = node_state_name((enum node_state)i);
	mn = xcalloc(d->nnodes > 0 ? d->nnodes : 1, sizeof(*mn));
	for (i = 0; i < d->nnodes; i++) {
		n = d->nodes[i];
		mn[i].name = n->name;
		mn[i].state = (size_t)n->state;
		mn[i].dispatch = n->m_dispatch;
		mn[i].queries_ok = n->m_queries_ok;
		mn[i].queries_err = n->m_queries_err;
		for (k = 0; k < METRICS_NERRKINDS; k++)
			mn[i].probe_err[metrics_errkinds[k]] =
			    n->m_probe_err[metrics_errkinds[k]];
		mn[i].restarts = recovery_restarts(n);
		mn[i].restart_fail = n->m_restart_fail;
		mn[i].restart_limit_reached = recovery_gave_up(n);
		mn[i].discont = n->m_discont;
		mn[i].sessions = n->est.has_sample ? est_sessions(&n->est,
		    &d->conf->est, now) : -1;
		mn[i].room = est_room(&n->est, &d->conf->est, now);
		admin_metrics_node(d, n, now, &mn[i]);
	}
	memset(&v, 0, sizeof(v));
	v.nodes = mn;
	v.nnodes = d->nnodes;
	v.state_name = states;
	v.nstates = NODE_NSTATES;
	v.viewer_conns = frontend_conns(d);
	buf_init(&b, 0);
	metrics_render(d, &v, &b);
	free(mn);
	admin_send(req, 200, "OK", "text/plain; version=0.0.4", b.data, b.len);
	buf_release(&b);
}

/* Constant-time bearer check, so the token cannot be guessed by timing. */
static int
admin_authorized(struct daemon *d, struct evhttp_request *req)
{
	const char	*h, *tok = d->conf->admin_token;
	size_t		 n;

	if (tok == NULL)
		return (1);
	h = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	if (h == NULL || strncmp(h, "Bearer ", 7) != 0)
		return (0);
	h += 7;
	n = strlen(tok);
	return (strlen(h) == n && CRYPTO_memcmp(h, tok, n) == 0);
}

/*
 * DNS rebinding: a page served under an attacker's name that resolves to
 * 127.0.0.1 reaches this listener with the browser's blessing, but with
 * "Host: attacker.example".  So the Host must be one of ours: an IP
 * literal (rebinding needs a name), "localhost", or a name given with
 * admin-host; its port, if any, is not checked.  No Host at all (HTTP/1.0
 * tools) is accepted: a browser always sends one.
 */
int
admin_host_allowed(const char *names, const char *host)
{
	char		 name[256], key[260];
	struct in6_addr	 a6;
	struct in_addr	 a4;
	const char	*colon;
	size_t		 n, i;

	if (host == NULL)
		return (1);
	if (host[0] == '[') {
		if ((n = strcspn(host + 1, "]")) >= sizeof(name) ||
		    host[1 + n] != ']' || (host[2 + n] != '\0' &&
		    host[2 + n] != ':'))
			return (0);
		memcpy(name, host + 1, n);
		name[n] = '\0';
		return (inet_pton(AF_INET6, name, &a6) == 1);
	}
	colon = strchr(host, ':');
	n = colon != NULL ? (size_t)(colon - host) : strlen(host);
	if (n == 0 || n >= sizeof(name))
		return (0);
	for (i = 0; i < n; i++)
		name[i] = (char)tolower((unsigned char)host[i]);
	name[n] = '\0';
	/* A trailing dot names the same host. */
	if (n > 1 && name[n - 1] == '.')
		name[--n] = '\0';
	if (inet_pton(AF_INET, name, &a4) == 1 ||
	    strcmp(name, "localhost") == 0)
		return (1);
	if (names == NULL)
		return (0);
	snprintf(key, sizeof(key), " %s ", name);
	return (strstr(names, key) != NULL);
}

/*
 * No Origin (the CLI, curl), or Origin http://<Host> (the dashboard),
 * the Host being one of ours (checked before).
 */
static int
admin_same_origin(struct evhttp_request *req)
{
	struct evkeyvalq	*h = evhttp_request_get_input_headers(req);
	const char		*origin, *host;

	if ((origin = evhttp_find_header(h, "Origin")) == NULL)
		return (1);
	host = evhttp_find_header(h, "Host");
	return (host != NULL && strncmp(origin, "http://", 7) == 0 &&
	    strcasecmp(origin + 7, host) == 0);
}

static void
admin_request_cb(struct evhttp_request *req, void *arg)
{
	struct daemon		*d = arg;
	enum evhttp_cmd_type	 m = evhttp_request_get_command(req);
	const char		*uri = evhttp_request_get_uri(req), *bad;
	char			 path[512];
	size_t			 n;

	if ((bad = listen_request_bad(req)) != NULL) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Connection", "close");
		admin_error(req, 400, "Bad Request", bad);
		return;
	}
	n = strcspn(uri, "?#");
	if (n >= sizeof(path)) {
		admin_error(req, 400, "Bad Request", "URI too long");
		return;
	}
	memcpy(path, uri, n);
	path[n] = '\0';
	if (!admin_host_allowed(d->conf->admin_hosts,
	    evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Host"))) {
		admin_error(req, 421, "Misdirected Request",
		    "Host is not this admin listener's: see admin-host");
		return;
	}
	if (strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0) {
		if (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD) {
			admin_error(req, 405, "Method Not Allowed", "GET only");
			return;
		}
		admin_send(req, 200, "OK", "text/html; charset=utf-8",
		    dashboard_html, dashboard_html_len);
		return;
	}
	if (strcmp(path, "/readyz") == 0) {
		admin_readyz(d, req, m);
		return;
	}
	if (!admin_authorized(d, req)) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "WWW-Authenticate", "Bearer");
		admin_error(req, 401, "Unauthorized", "bearer token required");
		return;
	}
	if (strcmp(path, "/api/v1/nodes") == 0) {
		if (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD) {
			admin_error(req, 405, "Method Not Allowed", "GET only");
			return;
		}
		admin_nodes(d, req);
		return;
	}
	if (strcmp(path, "/metrics") == 0) {
		admin_metrics(d, req);
		return;
	}
	if (strcmp(path, "/api/v1/events") == 0 ||
	    strcmp(path, "/api/v1/cluster") == 0) {
		if (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD) {
			admin_error(req, 405, "Method Not Allowed", "GET only");
			return;
		}
		if (path[8] == 'e')
			admin_events(d, req, uri[n] == '?' ? uri + n + 1 :
			    NULL);
		else
			admin_cluster(d, req);
		return;
	}
	if (strncmp(path, "/api/v1/nodes/", 14) == 0 &&
	    strchr(path + 14, '/') == NULL && path[14] != '\0' &&
	    (m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD)) {
		admin_node_one(d, req, path + 14);
		return;
	}
	if (strncmp(path, "/api/v1/recovery", 16) == 0) {
		admin_recovery(d, req, m, path + 16);
		return;
	}
	if (strncmp(path, "/api/v1/nodes/", 14) == 0) {
		if (m != EVHTTP_REQ_POST) {
			admin_error(req, 405, "Method Not Allowed", "POST only");
			return;
		}
		if (!admin_same_origin(req)) {
			admin_error(req, 403, "Forbidden",
			    "cross-origin POST refused");
			return;
		}
		admin_action(d, req, path + 14);
		return;
	}
	admin_error(req, 404, "Not Found", "not found");
}

/*
 * Connections are tracked by listen.c as the viewers' are: a cap
 * (max-admin-connections), a head timeout (admin-header-timeout) and
 * bounded input.  Beyond the cap the idlest is closed, so holding
 * thousands open neither exhausts descriptors nor starves viewers.
 */
#define ADMIN_MAX_HEADERS	16384
#define ADMIN_MAX_BODY		4096

int
admin_start(struct daemon *d, const char *listen)
{
	struct evhttp_bound_socket	*sock;
	struct listen_conns_cf		 cf;

	if ((d->admin = listen_bind(d, listen, d->admin_addr,
	    sizeof(d->admin_addr), &sock)) == NULL)
		return (-1);
	memset(&cf, 0, sizeof(cf));
	cf.what = "admin";
	cf.cap = d->conf->max_admin_conns;
	cf.header_timeout_ms = d->conf->admin_header_timeout_ms;
	cf.max_input = ADMIN_MAX_HEADERS + ADMIN_MAX_BODY + 16384;
	d->admin_conns = listen_conns_new(d, d->admin, sock, &cf);
	evhttp_set_allowed_methods(d->admin, EVHTTP_REQ_GET |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
	    EVHTTP_REQ_DELETE);
	evhttp_set_timeout(d->admin, 30);
	evhttp_set_max_headers_size(d->admin, ADMIN_MAX_HEADERS);
	evhttp_set_max_body_size(d->admin, ADMIN_MAX_BODY);
	evhttp_set_gencb(d->admin, admin_request_cb, d);
	return (0);
}

/* A reload may change the cap. */
void
admin_reconfigure(struct daemon *d)
{
	if (d->admin_conns != NULL)
		listen_conns_set_cap(d->admin_conns, d->conf->max_admin_conns);
}

void
admin_free(struct daemon *d)
{
	if (d->admin != NULL)
		evhttp_free(d->admin);
	d->admin = NULL;
	listen_conns_free(d->admin_conns);
	d->admin_conns = NULL;
}
