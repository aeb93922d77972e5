/*
 * admin.c: the operator's side, on its own listener (loopback unless an
 * admin token is configured; with a token every API call must carry
 * "Authorization: Bearer <token>").
 *
 *	GET  /api/v1/nodes			node table as JSON (version 1)
 *	POST /api/v1/nodes/<name>/drain		no new viewers
 *	POST /api/v1/nodes/<name>/enable	back in service
 *	POST /api/v1/nodes/<name>/probe		probe now
 *	POST /api/v1/nodes/<name>/restart	clear the limit, restart now
 *	GET  /metrics				Prometheus text format
 *	GET  /					the dashboard page
 *
 * A POST whose Origin is not this listener is refused: the API is for the
 * CLI and the dashboard's own page, not for other sites a browser has open.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <openssl/crypto.h>

#include "cimheadd.h"

static void	admin_request_cb(struct evhttp_request *, void *);

const unsigned lat_bounds_ms[LAT_BUCKETS - 1] = {
	5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000
};

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

static json_t *
util_json(double v)
{
	return (v < 0 ? json_null() : json_real(v));
}

/* The kinds a probe can fail with, as JSON keys and metric labels. */
static const enum wbem_errkind admin_errkinds[] = {
	WBEM_E_TRANSPORT, WBEM_E_TIMEOUT, WBEM_E_PROTOCOL, WBEM_E_HTTP,
	WBEM_E_AUTH, WBEM_E_CIM, WBEM_E_TOOBIG, WBEM_E_USAGE,
};

static json_t *
admin_node_json(const struct node *n, uint64_t now)
{
	json_t			*o, *h, *e;
	const struct node_sample *s;
	size_t			 i, k;

	o = json_object();
	json_object_set_new(o, "name", json_string(n->name));
	json_object_set_new(o, "url", json_string(n->cf->url));
	json_object_set_new(o, "protocol",
	    json_string(n->cf->proto == WBEM_PROTO_WSMAN ? "wsman" : "cimxml"));
	json_object_set_new(o, "state", json_string(node_state_name(n->state)));
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
	    json_integer((json_int_t)n->streams));
	json_object_set_new(o, "restarts",
	    json_integer((json_int_t)recovery_restarts(n)));
	json_object_set_new(o, "last_error", n->last_error[0] != '\0' ?
	    json_string(n->last_error) : json_null());
	json_object_set_new(o, "last_error_kind",
	    n->last_error_kind != WBEM_E_NONE ?
	    json_string(wbem_errkind_name(n->last_error_kind)) : json_null());
	json_object_set_new(o, "last_error_code",
	    n->last_error_kind != WBEM_E_NONE && n->last_error_code != 0 ?
	    json_integer(n->last_error_code) : json_null());
	json_object_set_new(o, "consecutive_failures",
	    json_integer((json_int_t)n->fails));
	e = json_object();
	for (i = 0; i < nitems(admin_errkinds); i++)
		json_object_set_new(e, wbem_errkind_name(admin_errkinds[i]),
		    json_integer((json_int_t)n->m_probe_err[admin_errkinds[i]]));
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

static void
admin_nodes(struct daemon *d, struct evhttp_request *req)
{
	json_t		*root, *arr;
	uint64_t	 now = mono_ms();
	size_t		 i;

	root = json_object();
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "now_ms", json_integer((json_int_t)wall_ms()));
	json_object_set_new(root, "policy",
	    json_string(policy_kind_name(d->conf->policy.kind)));
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
	log_info("admin: node %s: %s", n->name, action);
	admin_json(req, 200, "OK", json_pack("{s:s,s:s,s:s}", "node", n->name,
	    "result", why, "state", node_state_name(n->state)));
}

static void
admin_metrics(struct daemon *d, struct evhttp_request *req)
{
	struct buf	 b;
	struct node	*n;
	size_t		 i, s;
	uint64_t	 cum = 0;

	buf_init(&b, 0);
	buf_puts(&b, "# HELP cimheadd_dispatch_total Viewer requests by "
	    "result (and node for 302).\n"
	    "# TYPE cimheadd_dispatch_total counter\n");
	for (i = 0; i < d->nnodes; i++)
		buf_printf(&b, "cimheadd_dispatch_total{node=\"%s\","
		    "result=\"302\"} %llu\n", d->nodes[i]->name,
		    (unsigned long long)d->nodes[i]->m_dispatch);
	buf_printf(&b, "cimheadd_dispatch_total{result=\"400\"} %llu\n"
	    "cimheadd_dispatch_total{result=\"404\"} %llu\n"
	    "cimheadd_dispatch_total{result=\"405\"} %llu\n"
	    "cimheadd_dispatch_total{result=\"503\"} %llu\n",
	    (unsigned long long)d->m_400, (unsigned long long)d->m_404,
	    (unsigned long long)d->m_405, (unsigned long long)d->m_503);
	buf_printf(&b, "# HELP cimheadd_unavailable_total 503 replies.\n"
	    "# TYPE cimheadd_unavailable_total counter\n"
	    "cimheadd_unavailable_total %llu\n",
	    (unsigned long long)d->m_503);
	buf_printf(&b, "# HELP cimheadd_viewer_connections Open viewer "
	    "connections.\n"
	    "# TYPE cimheadd_viewer_connections gauge\n"
	    "cimheadd_viewer_connections %zu\n"
	    "# HELP cimheadd_viewer_closed_total Viewer connections the "
	    "daemon closed, by reason.\n"
	    "# TYPE cimheadd_viewer_closed_total counter\n"
	    "cimheadd_viewer_closed_total{reason=\"header-timeout\"} %llu\n"
	    "cimheadd_viewer_closed_total{reason=\"limit\"} %llu\n",
	    frontend_conns(d), (unsigned long long)d->m_conn_timeout,
	    (unsigned long long)d->m_conn_limit);
	buf_printf(&b, "# HELP cimheadd_probe_rounds_total Probe rounds "
	    "started for viewers.\n"
	    "# TYPE cimheadd_probe_rounds_total counter\n"
	    "cimheadd_probe_rounds_total %llu\n",
	    (unsigned long long)d->m_rounds);
	buf_puts(&b, "# HELP cimheadd_queries_total WBEM queries by node and "
	    "outcome.\n# TYPE cimheadd_queries_total counter\n");
	for (i = 0; i < d->nnodes; i++) {
		n = d->nodes[i];
		buf_printf(&b, "cimheadd_queries_total{node=\"%s\","
		    "outcome=\"ok\"} %llu\n", n->name,
		    (unsigned long long)n->m_queries_ok);
		buf_printf(&b, "cimheadd_queries_total{node=\"%s\","
		    "outcome=\"error\"} %llu\n", n->name,
		    (unsigned long long)n->m_queries_err);
	}
	buf_puts(&b, "# HELP cimheadd_query_duration_seconds WBEM query "
	    "latency.\n# TYPE cimheadd_query_duration_seconds histogram\n");
	for (i = 0; i < LAT_BUCKETS - 1; i++) {
		cum += d->m_lat[i];
		buf_printf(&b, "cimheadd_query_duration_seconds_bucket"
		    "{le=\"%g\"} %llu\n", lat_bounds_ms[i] / 1000.0,
		    (unsigned long long)cum);
	}
	cum += d->m_lat[LAT_BUCKETS - 1];
	buf_printf(&b, "cimheadd_query_duration_seconds_bucket{le=\"+Inf\"} "
	    "%llu\ncimheadd_query_duration_seconds_sum %.3f\n"
	    "cimheadd_query_duration_seconds_count %llu\n",
	    (unsigned long long)cum, d->m_lat_sum / 1000.0,
	    (unsigned long long)d->m_lat_count);
	buf_puts(&b, "# HELP cimheadd_node_state 1 for the state each node is "
	    "in.\n# TYPE cimheadd_node_state gauge\n");
	for (i = 0; i < d->nnodes; i++)
		for (s = 0; s < NODE_NSTATES; s++)
			buf_printf(&b, "cimheadd_node_state{node=\"%s\","
			    "state=\"%s\"} %d\n", d->nodes[i]->name,
			    node_state_name((enum node_state)s),
			    d->nodes[i]->state == (enum node_state)s);
	buf_puts(&b, "# HELP cimheadd_restarts_total Restart attempts by "
	    "node.\n# TYPE cimheadd_restarts_total counter\n");
	for (i = 0; i < d->nnodes; i++)
		buf_printf(&b, "cimheadd_restarts_total{node=\"%s\"} %llu\n",
		    d->nodes[i]->name,
		    (unsigned long long)recovery_restarts(d->nodes[i]));
	buf_puts(&b, "# HELP cimheadd_probe_errors_total Failed probes by "
	    "node and the kind of error that failed them.\n"
	    "# TYPE cimheadd_probe_errors_total counter\n");
	for (i = 0; i < d->nnodes; i++)
		for (s = 0; s < nitems(admin_errkinds); s++)
			buf_printf(&b, "cimheadd_probe_errors_total{node=\"%s\","
			    "kind=\"%s\"} %llu\n", d->nodes[i]->name,
			    wbem_errkind_name(admin_errkinds[s]),
			    (unsigned long long)
			    d->nodes[i]->m_probe_err[admin_errkinds[s]]);
	buf_puts(&b, "# HELP cimheadd_restart_failures_total Restarts that "
	    "failed (an error, a non-zero return, no process after the "
	    "grace).\n# TYPE cimheadd_restart_failures_total counter\n");
	for (i = 0; i < d->nnodes; i++)
		buf_printf(&b, "cimheadd_restart_failures_total{node=\"%s\"} "
		    "%llu\n", d->nodes[i]->name,
		    (unsigned long long)d->nodes[i]->m_restart_fail);
	buf_puts(&b, "# HELP cimheadd_restart_limit_reached 1 while a node's "
	    "restarts are stopped at restart-limit.\n"
	    "# TYPE cimheadd_restart_limit_reached gauge\n");
	for (i = 0; i < d->nnodes; i++)
		buf_printf(&b, "cimheadd_restart_limit_reached{node=\"%s\"} "
		    "%d\n", d->nodes[i]->name,
		    recovery_gave_up(d->nodes[i]));
	buf_puts(&b, "# HELP cimheadd_counter_discontinuities_total Raw "
	    "counter readings refused as a delta (wrap, jump, clock step).\n"
	    "# TYPE cimheadd_counter_discontinuities_total counter\n");
	for (i = 0; i < d->nnodes; i++)
		buf_printf(&b, "cimheadd_counter_discontinuities_total"
		    "{node=\"%s\"} %llu\n", d->nodes[i]->name,
		    (unsigned long long)d->nodes[i]->m_discont);
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

/* No Origin (the CLI, curl), or Origin http://<Host> (the dashboard). */
static int
admin_same_origin(struct evhttp_request *req)
{
	struct evkeyvalq	*h = evhttp_request_get_input_headers(req);
	const char		*origin, *host;

	if ((origin = evhttp_find_header(h, "Origin")) == NULL)
		return (1);
	host = evhttp_find_header(h, "Host");
	return (host != NULL && strncmp(origin, "http://", 7) == 0 &&
	    strcmp(origin + 7, host) == 0);
}

static void
admin_request_cb(struct evhttp_request *req, void *arg)
{
	struct daemon		*d = arg;
	enum evhttp_cmd_type	 m = evhttp_request_get_command(req);
	const char		*uri = evhttp_request_get_uri(req);
	char			 path[512];
	size_t			 n;

	n = strcspn(uri, "?#");
	if (n >= sizeof(path)) {
		admin_error(req, 400, "Bad Request", "URI too long");
		return;
	}
	memcpy(path, uri, n);
	path[n] = '\0';
	if (strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0) {
		if (m != EVHTTP_REQ_GET && m != EVHTTP_REQ_HEAD) {
			admin_error(req, 405, "Method Not Allowed", "GET only");
			return;
		}
		admin_send(req, 200, "OK", "text/html; charset=utf-8",
		    dashboard_html, dashboard_html_len);
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

int
admin_start(struct daemon *d, const char *listen)
{
	if ((d->admin = evhttp_new(d->base)) == NULL)
		return (-1);
	evhttp_set_allowed_methods(d->admin, EVHTTP_REQ_GET |
	    EVHTTP_REQ_HEAD | EVHTTP_REQ_POST | EVHTTP_REQ_PUT |
	    EVHTTP_REQ_DELETE);
	evhttp_set_timeout(d->admin, 30);
	evhttp_set_max_body_size(d->admin, 4096);
	evhttp_set_gencb(d->admin, admin_request_cb, d);
	return (daemon_bind(d, d->admin, listen, d->admin_addr,
	    sizeof(d->admin_addr), NULL));
}

void
admin_free(struct daemon *d)
{
	if (d->admin != NULL)
		evhttp_free(d->admin);
	d->admin = NULL;
}
