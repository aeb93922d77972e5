/*
 * test_admin.c: the operator's side of cimheadd, in process (daemonfx.h):
 * the real admin listener (and the viewer one, for something to count) on
 * 127.0.0.1:0, spoken to over loopback.  The JSON API's shape, /metrics
 * byte for byte, the actions and what they change, the same-origin rule
 * for POSTs, and the bearer token when one is configured.
 */
#include "config.h"

#include <jansson.h>
#ifndef _WIN32
#include <unistd.h>
#endif

#include "daemonfx.h"
#include "tap.h"

#define TWO_NODES_CONF							\
	"[cimheadd]\nlisten = 127.0.0.1:0\nadmin-listen = 127.0.0.1:0\n"	\
	"admin-host = Head.Example.net  other.example\n"			\
	"[node a]\nurl = http://127.0.0.1:9/cimom\n"			\
	"stream-url = http://{host}/vod/{title}\nenabled = no\n"		\
	"[node b]\nurl = http://127.0.0.1:9/cimom\n"			\
	"stream-url = http://{host}/vod/{title}\nenabled = no\n"

/*
 * What cimheadd serves at /metrics for TWO_NODES_CONF after the viewer
 * requests of test_metrics, the wall times pinned.  Disabled nodes have
 * no sample: no utilisation, age, sessions, capacity or room line.
 */
static const char metrics_expected[] =
	"# HELP cimheadd_build_info Always 1; the version cimheadd was built "
	    "from, as a label.\n"
	"# TYPE cimheadd_build_info gauge\n"
	"cimheadd_build_info{version=\"" PACKAGE_VERSION "\"} 1\n"
	"# HELP cimheadd_config_last_reload_successful 1 if the last "
	    "configuration load (start or SIGHUP) succeeded, 0 if it failed "
	    "and the previous config stays in force.\n"
	"# TYPE cimheadd_config_last_reload_successful gauge\n"
	"cimheadd_config_last_reload_successful 1\n"
	"# HELP cimheadd_config_last_reload_success_timestamp_seconds Unix "
	    "time of the last successful configuration load.\n"
	"# TYPE cimheadd_config_last_reload_success_timestamp_seconds gauge\n"
	"cimheadd_config_last_reload_success_timestamp_seconds 1700000000.456\n"
	"# HELP cimheadd_dispatch_total Viewer requests by result (and node "
	    "for 302).\n"
	"# TYPE cimheadd_dispatch_total counter\n"
	"cimheadd_dispatch_total{node=\"a\",result=\"302\"} 0\n"
	"cimheadd_dispatch_total{node=\"b\",result=\"302\"} 0\n"
	"cimheadd_dispatch_total{result=\"400\"} 0\n"
	"cimheadd_dispatch_total{result=\"404\"} 2\n"
	"cimheadd_dispatch_total{result=\"405\"} 1\n"
	"cimheadd_dispatch_total{result=\"503\"} 1\n"
	"# HELP cimheadd_unavailable_total 503 replies.\n"
	"# TYPE cimheadd_unavailable_total counter\n"
	"cimheadd_unavailable_total 1\n"
	"# HELP cimheadd_decision_duration_seconds Viewer requests from "
	    "arrival to the 302 or 503 decided.\n"
	"# TYPE cimheadd_decision_duration_seconds histogram\n"
	"cimheadd_decision_duration_seconds_bucket{le=\"0.001\"} 1\n"
	"cimheadd_decision_duration_seconds_bucket{le=\"0.005\"} 1\n"
	"cimheadd_decision_duration_seconds_bucket{le=\"0.01\"} 1\n"
	"cimheadd_decision_duration_seconds_bucket{le=\"0.025\"} 1\n"
	"cimheadd_decision_duration_seconds_bucket{le=\"0.05\"} 1\n"
	"cimheadd_decision_duration_seconds_bucket{le=\"0.1\"} 1\n"
	"cimheadd_decision_duration_seconds_bucket{le=\"0.25\"} 1\n"
	"cimheadd_decision_duration_seconds_bucket{le=\"0.5\"} 1\n"
	"cimheadd_decision_duration_seconds_bucket{le=\"1\"} 1\n"
	"cimheadd_decision_duration_seconds_bucket{le=\"2.5\"} 1\n"
	"cimheadd_decision_duration_seconds_bucket{le=\"5\"} 1\n"
	"cimheadd_decision_duration_seconds_bucket{le=\"10\"} 1\n"
	"cimheadd_decision_duration_seconds_bucket{le=\"+Inf\"} 1\n"
	"cimheadd_decision_duration_seconds_sum 0.000\n"
	"cimheadd_decision_duration_seconds_count 1\n"
	"# HELP cimheadd_viewer_connections Open viewer connections.\n"
	"# TYPE cimheadd_viewer_connections gauge\n"
	"cimheadd_viewer_connections 0\n"
	"# HELP cimheadd_viewer_closed_total Viewer connections the daemon "
	    "closed, by reason.\n"
	"# TYPE cimheadd_viewer_closed_total counter\n"
	"cimheadd_viewer_closed_total{reason=\"header-timeout\"} 0\n"
	"cimheadd_viewer_closed_total{reason=\"limit\"} 0\n"
	"# HELP cimheadd_probe_rounds_total Probe rounds started for viewers.\n"
	"# TYPE cimheadd_probe_rounds_total counter\n"
	"cimheadd_probe_rounds_total 0\n"
	"# HELP cimheadd_probe_round_duration_seconds Probe rounds from start "
	    "to end (every node answered, or the decision deadline).\n"
	"# TYPE cimheadd_probe_round_duration_seconds histogram\n"
	"cimheadd_probe_round_duration_seconds_bucket{le=\"0.001\"} 0\n"
	"cimheadd_probe_round_duration_seconds_bucket{le=\"0.005\"} 0\n"
	"cimheadd_probe_round_duration_seconds_bucket{le=\"0.01\"} 0\n"
	"cimheadd_probe_round_duration_seconds_bucket{le=\"0.025\"} 0\n"
	"cimheadd_probe_round_duration_seconds_bucket{le=\"0.05\"} 0\n"
	"cimheadd_probe_round_duration_seconds_bucket{le=\"0.1\"} 0\n"
	"cimheadd_probe_round_duration_seconds_bucket{le=\"0.25\"} 0\n"
	"cimheadd_probe_round_duration_seconds_bucket{le=\"0.5\"} 0\n"
	"cimheadd_probe_round_duration_seconds_bucket{le=\"1\"} 0\n"
	"cimheadd_probe_round_duration_seconds_bucket{le=\"2.5\"} 0\n"
	"cimheadd_probe_round_duration_seconds_bucket{le=\"5\"} 0\n"
	"cimheadd_probe_round_duration_seconds_bucket{le=\"10\"} 0\n"
	"cimheadd_probe_round_duration_seconds_bucket{le=\"+Inf\"} 0\n"
	"cimheadd_probe_round_duration_seconds_sum 0.000\n"
	"cimheadd_probe_round_duration_seconds_count 0\n"
	"# HELP cimheadd_restarts_skipped_total Restarts not made: the "
	    "process list showed the command started within restart-grace "
	    "(another head-end's restart).\n"
	"# TYPE cimheadd_restarts_skipped_total counter\n"
	"cimheadd_restarts_skipped_total 0\n"
	"# HELP cimheadd_queries_total WBEM queries by node and outcome.\n"
	"# TYPE cimheadd_queries_total counter\n"
	"cimheadd_queries_total{node=\"a\",outcome=\"ok\"} 0\n"
	"cimheadd_queries_total{node=\"a\",outcome=\"error\"} 0\n"
	"cimheadd_queries_total{node=\"b\",outcome=\"ok\"} 0\n"
	"cimheadd_queries_total{node=\"b\",outcome=\"error\"} 0\n"
	"# HELP cimheadd_query_duration_seconds WBEM query latency, by node.\n"
	"# TYPE cimheadd_query_duration_seconds histogram\n"
	"cimheadd_query_duration_seconds_bucket{node=\"a\",le=\"0.001\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"a\",le=\"0.005\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"a\",le=\"0.01\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"a\",le=\"0.025\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"a\",le=\"0.05\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"a\",le=\"0.1\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"a\",le=\"0.25\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"a\",le=\"0.5\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"a\",le=\"1\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"a\",le=\"2.5\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"a\",le=\"5\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"a\",le=\"10\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"a\",le=\"+Inf\"} 0\n"
	"cimheadd_query_duration_seconds_sum{node=\"a\"} 0.000\n"
	"cimheadd_query_duration_seconds_count{node=\"a\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"b\",le=\"0.001\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"b\",le=\"0.005\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"b\",le=\"0.01\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"b\",le=\"0.025\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"b\",le=\"0.05\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"b\",le=\"0.1\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"b\",le=\"0.25\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"b\",le=\"0.5\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"b\",le=\"1\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"b\",le=\"2.5\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"b\",le=\"5\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"b\",le=\"10\"} 0\n"
	"cimheadd_query_duration_seconds_bucket{node=\"b\",le=\"+Inf\"} 0\n"
	"cimheadd_query_duration_seconds_sum{node=\"b\"} 0.000\n"
	"cimheadd_query_duration_seconds_count{node=\"b\"} 0\n"
	"# HELP cimheadd_node_state 1 for the state each node is in, 0 for the "
	    "others.\n"
	"# TYPE cimheadd_node_state gauge\n"
	"cimheadd_node_state{node=\"a\",state=\"up\"} 0\n"
	"cimheadd_node_state{node=\"a\",state=\"suspect\"} 0\n"
	"cimheadd_node_state{node=\"a\",state=\"down\"} 0\n"
	"cimheadd_node_state{node=\"a\",state=\"recovering\"} 0\n"
	"cimheadd_node_state{node=\"a\",state=\"draining\"} 0\n"
	"cimheadd_node_state{node=\"a\",state=\"disabled\"} 1\n"
	"cimheadd_node_state{node=\"b\",state=\"up\"} 0\n"
	"cimheadd_node_state{node=\"b\",state=\"suspect\"} 0\n"
	"cimheadd_node_state{node=\"b\",state=\"down\"} 0\n"
	"cimheadd_node_state{node=\"b\",state=\"recovering\"} 0\n"
	"cimheadd_node_state{node=\"b\",state=\"draining\"} 0\n"
	"cimheadd_node_state{node=\"b\",state=\"disabled\"} 1\n"
	"# HELP cimheadd_node_state_since_timestamp_seconds Unix time the node "
	    "entered its current state.\n"
	"# TYPE cimheadd_node_state_since_timestamp_seconds gauge\n"
	"cimheadd_node_state_since_timestamp_seconds{node=\"a\"} "
	    "1700000000.123\n"
	"cimheadd_node_state_since_timestamp_seconds{node=\"b\"} "
	    "1700000000.007\n"
	"# HELP cimheadd_restarts_total Restart attempts by node.\n"
	"# TYPE cimheadd_restarts_total counter\n"
	"cimheadd_restarts_total{node=\"a\"} 0\n"
	"cimheadd_restarts_total{node=\"b\"} 0\n"
	"# HELP cimheadd_probe_errors_total Failed probes by node and the kind "
	    "of error that failed them.\n"
	"# TYPE cimheadd_probe_errors_total counter\n"
	"cimheadd_probe_errors_total{node=\"a\",kind=\"transport\"} 0\n"
	"cimheadd_probe_errors_total{node=\"a\",kind=\"timeout\"} 0\n"
	"cimheadd_probe_errors_total{node=\"a\",kind=\"protocol\"} 0\n"
	"cimheadd_probe_errors_total{node=\"a\",kind=\"http\"} 0\n"
	"cimheadd_probe_errors_total{node=\"a\",kind=\"auth\"} 0\n"
	"cimheadd_probe_errors_total{node=\"a\",kind=\"cim\"} 0\n"
	"cimheadd_probe_errors_total{node=\"a\",kind=\"toobig\"} 0\n"
	"cimheadd_probe_errors_total{node=\"a\",kind=\"usage\"} 0\n"
	"cimheadd_probe_errors_total{node=\"b\",kind=\"transport\"} 0\n"
	"cimheadd_probe_errors_total{node=\"b\",kind=\"timeout\"} 0\n"
	"cimheadd_probe_errors_total{node=\"b\",kind=\"protocol\"} 0\n"
	"cimheadd_probe_errors_total{node=\"b\",kind=\"http\"} 0\n"
	"cimheadd_probe_errors_total{node=\"b\",kind=\"auth\"} 0\n"
	"cimheadd_probe_errors_total{node=\"b\",kind=\"cim\"} 0\n"
	"cimheadd_probe_errors_total{node=\"b\",kind=\"toobig\"} 0\n"
	"cimheadd_probe_errors_total{node=\"b\",kind=\"usage\"} 0\n"
	"# HELP cimheadd_restart_failures_total Restarts that failed (an "
	    "error, a non-zero return, no process after the grace).\n"
	"# TYPE cimheadd_restart_failures_total counter\n"
	"cimheadd_restart_failures_total{node=\"a\"} 0\n"
	"cimheadd_restart_failures_total{node=\"b\"} 0\n"
	"# HELP cimheadd_restart_limit_reached 1 while a node's restarts are "
	    "stopped at restart-limit.\n"
	"# TYPE cimheadd_restart_limit_reached gauge\n"
	"cimheadd_restart_limit_reached{node=\"a\"} 0\n"
	"cimheadd_restart_limit_reached{node=\"b\"} 0\n"
	"# HELP cimheadd_reading_discontinuities_total Raw counter readings "
	    "refused as a delta (wrap, jump, clock step).\n"
	"# TYPE cimheadd_reading_discontinuities_total counter\n"
	"cimheadd_reading_discontinuities_total{node=\"a\"} 0\n"
	"cimheadd_reading_discontinuities_total{node=\"b\"} 0\n"
	"# HELP cimheadd_node_weight The node's configured relative capacity.\n"
	"# TYPE cimheadd_node_weight gauge\n"
	"cimheadd_node_weight{node=\"a\"} 1\n"
	"cimheadd_node_weight{node=\"b\"} 1\n"
	"# HELP cimheadd_node_eligible 1 when the node may take a viewer now: "
	    "serving, a sample the policy may use, room for one more session.\n"
	"# TYPE cimheadd_node_eligible gauge\n"
	"cimheadd_node_eligible{node=\"a\"} 0\n"
	"cimheadd_node_eligible{node=\"b\"} 0\n"
	"# HELP cimheadd_node_sample_age_seconds Age of the node's last "
	    "sample.\n"
	"# TYPE cimheadd_node_sample_age_seconds gauge\n"
	"# HELP cimheadd_node_utilisation_ratio Utilisation of each resource "
	    "in the node's last sample, 0 to 1.\n"
	"# TYPE cimheadd_node_utilisation_ratio gauge\n"
	"# HELP cimheadd_node_sessions Active sessions: the node's count plus "
	    "dispatches it does not show yet.\n"
	"# TYPE cimheadd_node_sessions gauge\n"
	"# HELP cimheadd_node_capacity_sessions Estimated sessions the node "
	    "holds at its thresholds: threshold over the learned cost of a "
	    "session, binding resource.\n"
	"# TYPE cimheadd_node_capacity_sessions gauge\n"
	"# HELP cimheadd_node_room Sessions a node can still take under its "
	    "thresholds.\n"
	"# TYPE cimheadd_node_room gauge\n"
	/* issue 17.11: probes the head-end could not send */
	"# HELP cimheadd_probe_no_descriptors_total Probes that could not "
	    "open a socket for want of file descriptors (this head-end's "
	    "limit; the node is not blamed).\n"
	"# TYPE cimheadd_probe_no_descriptors_total counter\n"
	"cimheadd_probe_no_descriptors_total 0\n";

/* The reply body as JSON, or NULL. */
static json_t *
reply_json(const struct fx_reply *r)
{
	json_error_t	err;

	if (r->body.data == NULL)
		return (NULL);
	return (json_loadb(r->body.data, r->body.len, 0, &err));
}

static const char *
jstr(json_t *o, const char *key)
{
	return (json_string_value(json_object_get(o, key)));
}

/* POST an action; returns the status, the reply's "state" in state. */
static int
post_action(struct daemon *d, const char *path, const char *const *hdrs,
    char *state, size_t statelen)
{
	struct fx_reply	 r;
	json_t		*j;
	int		 code;

	code = fx_request(d, d->admin_addr, EVHTTP_REQ_POST, path, hdrs, &r);
	state[0] = '\0';
	if ((j = reply_json(&r)) != NULL) {
		if (jstr(j, "state") != NULL)
			strlcpy(state, jstr(j, "state"), statelen);
		json_decref(j);
	}
	fx_reply_free(&r);
	return (code);
}

static void
test_nodes_json(struct daemon *d)
{
	struct fx_reply	 r;
	json_t		*j, *nodes, *n, *pe;
	char		 v[128];
	size_t		 i;

	is_int(fx_request(d, d->admin_addr, EVHTTP_REQ_GET, "/api/v1/nodes",
	    NULL, &r), 200, "GET /api/v1/nodes: 200");
	is_str(fx_header(&r, "Content-Type", v, sizeof(v)),
	    "application/json", "as JSON");
	j = reply_json(&r);
	ok(j != NULL && json_is_object(j), "a JSON object");
	is_int(json_integer_value(json_object_get(j, "version")), 1,
	    "version 1");
	ok(json_is_integer(json_object_get(j, "now_ms")), "now_ms");
	is_str(jstr(j, "policy"), "least-predicted", "the policy by name");
	nodes = json_object_get(j, "nodes");
	ok(json_is_array(nodes) && json_array_size(nodes) == 2,
	    "both nodes, in config order");
	n = json_array_get(nodes, 0);
	is_str(jstr(n, "name"), "a", "node a first");
	is_str(jstr(n, "url"), "http://127.0.0.1:9/cimom", "its url");
	is_str(jstr(n, "protocol"), "cimxml", "its protocol");
	is_str(jstr(n, "state"), "disabled", "its state by name");
	is_str(jstr(n, "process"), "unknown", "its process by name");
	ok(json_is_real(json_object_get(n, "weight")), "weight: a number");
	ok(json_is_null(json_object_get(n, "sample_age_ms")) &&
	    json_is_null(json_object_get(n, "cpu")) &&
	    json_is_null(json_object_get(n, "mem")) &&
	    json_is_null(json_object_get(n, "net")),
	    "no sample yet: age and utilisations null");
	ok(json_is_integer(json_object_get(n, "streams_dispatched")) &&
	    json_is_integer(json_object_get(n, "restarts")) &&
	    json_is_integer(json_object_get(n, "consecutive_failures")) &&
	    json_is_integer(json_object_get(n, "restart_failures")) &&
	    json_is_integer(json_object_get(n, "counter_discontinuities")),
	    "the counters are integers");
	ok(json_is_null(json_object_get(n, "last_error")) &&
	    json_is_null(json_object_get(n, "last_error_kind")) &&
	    json_is_null(json_object_get(n, "last_error_code")),
	    "no error yet: null");
	ok(json_is_false(json_object_get(n, "restart_limit_reached")),
	    "restart_limit_reached: false");
	pe = json_object_get(n, "probe_errors");
	ok(json_is_object(pe) && json_object_size(pe) == METRICS_NERRKINDS,
	    "probe_errors: one key per kind");
	for (i = 0; i < METRICS_NERRKINDS; i++)
		ok(json_is_integer(json_object_get(pe,
		    wbem_errkind_name(metrics_errkinds[i]))),
		    "probe_errors.%s", wbem_errkind_name(metrics_errkinds[i]));
	ok(json_is_array(json_object_get(n, "history")) &&
	    json_array_size(json_object_get(n, "history")) == 0,
	    "history: an empty array");
	is_str(jstr(json_array_get(nodes, 1), "name"), "b", "node b second");
	json_decref(j);
	fx_reply_free(&r);

	is_int(fx_request(d, d->admin_addr, EVHTTP_REQ_PUT, "/api/v1/nodes",
	    NULL, &r), 405, "PUT /api/v1/nodes: 405");
	fx_reply_free(&r);
}

/*
 * promtool check metrics on page: 1 if it printed nothing and exited 0,
 * 0 if it complained, -1 if promtool is not installed.
 */
static int
promtool_ok(const char *page)
{
#ifndef _WIN32
	char	 path[] = "/tmp/test_admin.XXXXXX", cmd[128], out[256];
	FILE	*f;
	int	 fd, st, quiet = 1;

	if (system("command -v promtool >/dev/null 2>&1") != 0)
		return (-1);
	if ((fd = mkstemp(path)) == -1 || (f = fdopen(fd, "w")) == NULL)
		return (0);
	fputs(page, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "promtool check metrics <%s 2>&1", path);
	if ((f = popen(cmd, "r")) == NULL) {
		unlink(path);
		return (0);
	}
	while (fgets(out, sizeof(out), f) != NULL) {
		printf("# promtool: %s", out);
		quiet = 0;
	}
	st = pclose(f);
	unlink(path);
	return (quiet && st == 0);
#else
	return (-1);
#endif
}

static void
test_metrics(struct daemon *d)
{
	struct fx_reply	 r;
	char		 v[128];
	const char	*body;
	int		 pt;

	/* The viewer requests metrics_expected counts. */
	fx_request(d, d->front_addr, EVHTTP_REQ_GET, "/watch/a", NULL, &r);
	fx_reply_free(&r);
	fx_request(d, d->front_addr, EVHTTP_REQ_GET, "/", NULL, &r);
	fx_reply_free(&r);
	fx_request(d, d->front_addr, EVHTTP_REQ_POST, "/watch/a", NULL, &r);
	fx_reply_free(&r);
	fx_request(d, d->front_addr, EVHTTP_REQ_GET, "/nope", NULL, &r);
	fx_reply_free(&r);

	/* One decision, the 503: its latency is the machine's, pinned. */
	ok(d->metrics.decision.count == 1 &&
	    d->metrics.decision.sum_ms <= tap_slow(5) &&
	    d->metrics.decision.bucket[0] + d->metrics.decision.bucket[1] +
	    d->metrics.decision.bucket[2] == 1,
	    "the 503 /watch is one decision, quick (%llu ms)",
	    (unsigned long long)d->metrics.decision.sum_ms);
	memset(&d->metrics.decision, 0, sizeof(d->metrics.decision));
	d->metrics.decision.bucket[0] = d->metrics.decision.count = 1;
	/* What main.c does at start; the state changes' wall times, fixed. */
	metrics_config_loaded(d, 1, 1700000000456ull);
	d->nodes[0]->state_since_ms = 1700000000123ull;
	d->nodes[1]->state_since_ms = 1700000000007ull;

	is_int(fx_request(d, d->admin_addr, EVHTTP_REQ_GET, "/metrics", NULL,
	    &r), 200, "GET /metrics: 200");
	is_str(fx_header(&r, "Content-Type", v, sizeof(v)),
	    "text/plain; version=0.0.4", "Prometheus text format");
	is_str(r.body.data, metrics_expected, "the page, byte for byte");
	if ((pt = promtool_ok(r.body.data != NULL ? r.body.data : "")) >= 0)
		ok(pt == 1, "promtool check metrics: not a word");
	fx_reply_free(&r);

	/* Reported to metrics by the modules: seen on the page. */
	metrics_observe(&d->nodes[1]->m_query, 7);
	metrics_observe(&d->nodes[1]->m_query, 12000);
	metrics_observe(&d->metrics.round, 30);
	metrics_count(d, METRIC_CONN_LIMIT);
	metrics_config_loaded(d, 0, 1800000000000ull);
	fx_request(d, d->admin_addr, EVHTTP_REQ_GET, "/metrics", NULL, &r);
	body = r.body.data != NULL ? r.body.data : "";
	ok(strstr(body, "\ncimheadd_query_duration_seconds_bucket{node=\"b\","
	    "le=\"0.005\"} 0\ncimheadd_query_duration_seconds_bucket{node="
	    "\"b\",le=\"0.01\"} 1\n") != NULL,
	    "a 7 ms query of node b lands in b's 10 ms bucket");
	ok(strstr(body, "\ncimheadd_query_duration_seconds_bucket{node=\"b\","
	    "le=\"10\"} 1\ncimheadd_query_duration_seconds_bucket{node=\"b\","
	    "le=\"+Inf\"} 2\ncimheadd_query_duration_seconds_sum{node=\"b\"} "
	    "12.007\ncimheadd_query_duration_seconds_count{node=\"b\"} 2\n")
	    != NULL, "a 12 s one only in +Inf; b's sum and count");
	ok(strstr(body, "\ncimheadd_query_duration_seconds_bucket{node=\"a\","
	    "le=\"+Inf\"} 0\n") != NULL, "and nothing in node a's");
	ok(strstr(body, "\ncimheadd_probe_round_duration_seconds_bucket{le="
	    "\"0.025\"} 0\ncimheadd_probe_round_duration_seconds_bucket{le="
	    "\"0.05\"} 1\n") != NULL &&
	    strstr(body, "\ncimheadd_probe_round_duration_seconds_count 1\n")
	    != NULL, "a 30 ms round in the 50 ms bucket");
	ok(strstr(body, "\ncimheadd_viewer_closed_total{reason=\"limit\"} "
	    "1\n") != NULL, "a connection closed at the limit is counted");
	ok(strstr(body, "\ncimheadd_config_last_reload_successful 0\n") !=
	    NULL && strstr(body, "\ncimheadd_config_last_reload_success_"
	    "timestamp_seconds 1700000000.456\n") != NULL,
	    "a failed reload: 0, and the last success's time stays");
	fx_reply_free(&r);
	metrics_config_loaded(d, 1, 1800000000000ull);
	fx_request(d, d->admin_addr, EVHTTP_REQ_GET, "/metrics", NULL, &r);
	body = r.body.data != NULL ? r.body.data : "";
	ok(strstr(body, "\ncimheadd_config_last_reload_successful 1\n") !=
	    NULL && strstr(body, "\ncimheadd_config_last_reload_success_"
	    "timestamp_seconds 1800000000.000\n") != NULL,
	    "a good one: 1, at its time");
	fx_reply_free(&r);

	/*
	 * A label value with the bytes the format escapes (no node name can
	 * hold them today; the page must survive one that does).
	 */
	strlcpy(d->nodes[1]->name, "b\\\"q\nz", sizeof(d->nodes[1]->name));
	fx_request(d, d->admin_addr, EVHTTP_REQ_GET, "/metrics", NULL, &r);
	body = r.body.data != NULL ? r.body.data : "";
	ok(strstr(body, "\ncimheadd_restarts_total{node=\"b\\\\\\\"q"
	    "\\nz\"} 0\n") != NULL &&
	    strstr(body, "\ncimheadd_node_state{node=\"b\\\\\\\"q\\nz\","
	    "state=\"disabled\"} 1\n") != NULL &&
	    strstr(body, "_sum{node=\"b\\\\\\\"q\\nz\"} 12.007\n") != NULL,
	    "backslash, quote and newline in a node name: escaped");
	ok(strstr(body, "b\\\"") == NULL && strstr(body, "q\nz") == NULL,
	    "none of them raw");
	if ((pt = promtool_ok(body)) >= 0)
		ok(pt == 1, "promtool takes the escaped page");
	fx_reply_free(&r);
	strlcpy(d->nodes[1]->name, "b", sizeof(d->nodes[1]->name));
}

static void
test_actions(struct daemon *d)
{
	struct fx_reply	 r;
	char		 state[32], origin[160];
	const char	*evil[] = { "Origin", "http://evil.example", NULL };
	const char	*same[] = { "Origin", origin, NULL };
	json_t		*j;

	snprintf(origin, sizeof(origin), "http://%s", d->admin_addr);
	d->nodes[0]->state = NODE_UP;
	is_int(post_action(d, "/api/v1/nodes/a/drain", evil, state,
	    sizeof(state)), 403, "a cross-origin POST: 403");
	is_str(node_state_name(d->nodes[0]->state), "up",
	    "and the node is untouched");
	is_int(post_action(d, "/api/v1/nodes/a/drain", same, state,
	    sizeof(state)), 200, "POST drain from the dashboard's origin: 200");
	is_str(state, "draining", "the reply says draining");
	is_str(node_state_name(d->nodes[0]->state), "draining",
	    "the node is draining");
	is_str(node_state_name(d->nodes[1]->state), "disabled",
	    "the other is not");
	fx_request(d, d->admin_addr, EVHTTP_REQ_GET, "/api/v1/nodes", NULL,
	    &r);
	j = reply_json(&r);
	is_str(jstr(json_array_get(json_object_get(j, "nodes"), 0), "state"),
	    "draining", "the API shows it");
	json_decref(j);
	fx_reply_free(&r);

	is_int(post_action(d, "/api/v1/nodes/a/enable", NULL, state,
	    sizeof(state)), 200, "POST enable (no Origin: the CLI): 200");
	is_str(state, "suspect", "back as suspect, until a probe answers");
	is_int(post_action(d, "/api/v1/nodes/zz/drain", NULL, state,
	    sizeof(state)), 404, "an unknown node: 404");
	is_int(post_action(d, "/api/v1/nodes/b/explode", NULL, state,
	    sizeof(state)), 404, "an unknown action: 404");
	is_str(node_state_name(d->nodes[1]->state), "disabled",
	    "and nothing changed");
	is_int(fx_request(d, d->admin_addr, EVHTTP_REQ_GET,
	    "/api/v1/nodes/a/drain", NULL, &r), 405, "GET of an action: 405");
	fx_reply_free(&r);
	is_int(fx_request(d, d->admin_addr, EVHTTP_REQ_GET, "/nope", NULL,
	    &r), 404, "an unknown path: 404");
	fx_reply_free(&r);
}

/*
 * Issue 17.9, DNS rebinding: a page under an attacker's name resolving to
 * 127.0.0.1 sends "Host: attacker.example" (and Origin http://attacker...).
 */
static void
test_rebinding(struct daemon *d)
{
	struct fx_reply	 r;
	char		 state[32];
	const char	*evil_host[] = { "Host", "rebind.attacker.example:8081",
			    NULL };
	const char	*evil_both[] = { "Host", "rebind.attacker.example",
			    "Origin", "http://rebind.attacker.example", NULL };
	const char	*local[] = { "Host", "localhost:8081", NULL };
	const char	*named[] = { "Host", "head.example.NET:8081", "Origin",
			    "http://head.example.net:8081", NULL };
	const char	*v6[] = { "Host", "[::1]:8081", NULL };
	const char	*evil_origin[] = { "Host", "localhost:8081", "Origin",
			    "http://rebind.attacker.example", NULL };

	is_int(fx_request(d, d->admin_addr, EVHTTP_REQ_GET, "/api/v1/nodes",
	    evil_host, &r), 421, "GET with a foreign Host: 421");
	ok(strstr(r.body.data != NULL ? r.body.data : "", "nodes") == NULL,
	    "and no node table");
	fx_reply_free(&r);
	is_int(fx_request(d, d->admin_addr, EVHTTP_REQ_GET, "/metrics",
	    evil_host, &r), 421, "/metrics with a foreign Host: 421");
	fx_reply_free(&r);
	d->nodes[0]->state = NODE_UP;
	is_int(post_action(d, "/api/v1/nodes/a/drain", evil_both, state,
	    sizeof(state)), 421, "POST drain, foreign Host and Origin: 421");
	is_str(node_state_name(d->nodes[0]->state), "up",
	    "and the node is untouched");
	is_int(post_action(d, "/api/v1/nodes/a/drain", evil_origin, state,
	    sizeof(state)), 403, "POST with Host ok, Origin foreign: 403");
	is_int(fx_request(d, d->admin_addr, EVHTTP_REQ_GET, "/api/v1/nodes",
	    local, &r), 200, "Host localhost: 200");
	fx_reply_free(&r);
	is_int(fx_request(d, d->admin_addr, EVHTTP_REQ_GET, "/api/v1/nodes",
	    v6, &r), 200, "Host [::1] (an IP literal): 200");
	fx_reply_free(&r);
	is_int(fx_request(d, d->admin_addr, EVHTTP_REQ_GET, "/api/v1/nodes",
	    NULL, &r), 200, "Host the listen address: 200");
	fx_reply_free(&r);
	is_int(post_action(d, "/api/v1/nodes/a/probe", named, state,
	    sizeof(state)), 200, "an admin-host name (any case) and its "
	    "Origin: 200");
	ok(admin_host_allowed(" other.example ", "other.example.") &&
	    !admin_host_allowed(" other.example ", "ther.example") &&
	    !admin_host_allowed(NULL, "127.0.0.1.nip.io") &&
	    !admin_host_allowed(NULL, "[::1") &&
	    !admin_host_allowed(NULL, "") &&
	    admin_host_allowed(NULL, "127.0.0.1"),
	    "admin_host_allowed: names, trailing dot, near misses");
	d->nodes[0]->state = NODE_DISABLED;
}

static void
test_dashboard(struct daemon *d)
{
	struct fx_reply	 r;
	char		 v[128];

	is_int(fx_request(d, d->admin_addr, EVHTTP_REQ_GET, "/", NULL, &r),
	    200, "GET /: 200");
	is_str(fx_header(&r, "Content-Type", v, sizeof(v)),
	    "text/html; charset=utf-8", "HTML");
	ok(r.body.len == dashboard_html_len &&
	    memcmp(r.body.data, dashboard_html, dashboard_html_len) == 0,
	    "the embedded dashboard, byte for byte");
	fx_reply_free(&r);
}

static void
test_token(struct daemon *d)
{
	struct fx_reply	 r;
	char		 v[128], state[32];
	const char	*none[] = { NULL };
	const char	*wrong[] = { "Authorization", "Bearer s3cre", NULL };
	const char	*basic[] = { "Authorization", "Basic s3cret", NULL };
	const char	*right[] = { "Authorization", "Bearer s3cret", NULL };

	d->conf->admin_token = xstrdup("s3cret");
	is_int(fx_request(d, d->admin_addr, EVHTTP_REQ_GET, "/api/v1/nodes",
	    none, &r), 401, "token configured, none sent: 401");
	is_str(fx_header(&r, "WWW-Authenticate", v, sizeof(v)), "Bearer",
	    "401 asks for a bearer token");
	fx_reply_free(&r);
	is_int(fx_request(d, d->admin_addr, EVHTTP_REQ_GET, "/api/v1/nodes",
	    wrong, &r), 401, "a wrong token: 401");
	fx_reply_free(&r);
	is_int(fx_request(d, d->admin_addr, EVHTTP_REQ_GET, "/metrics",
	    basic, &r), 401, "the token as Basic: 401");
	fx_reply_free(&r);
	is_int(post_action(d, "/api/v1/nodes/b/drain", none, state,
	    sizeof(state)), 401, "an action without the token: 401");
	is_str(node_state_name(d->nodes[1]->state), "disabled",
	    "and it changed nothing");
	is_int(fx_request(d, d->admin_addr, EVHTTP_REQ_GET, "/api/v1/nodes",
	    right, &r), 200, "the right token: 200");
	fx_reply_free(&r);
	is_int(fx_request(d, d->admin_addr, EVHTTP_REQ_GET, "/metrics",
	    right, &r), 200, "/metrics with it: 200");
	fx_reply_free(&r);
	is_int(post_action(d, "/api/v1/nodes/b/drain", right, state,
	    sizeof(state)), 200, "an action with it: 200");
	is_str(state, "draining", "and it is done");
	is_int(fx_request(d, d->admin_addr, EVHTTP_REQ_GET, "/", none, &r),
	    200, "the dashboard page itself needs no token");
	fx_reply_free(&r);
}

int
main(void)
{
	struct daemon	d;

	if (compat_init(0) == -1)
		return (1);
	xml_global_init();
	if (fx_daemon(&d, TWO_NODES_CONF) == -1) {
		ok(0, "daemon built from the config");
		return (tap_done());
	}
	ok(frontend_start(&d, d.conf->listen) == 0 &&
	    admin_start(&d, d.conf->admin_listen) == 0,
	    "listening: viewers on %s, admin on %s", d.front_addr,
	    d.admin_addr);
	test_nodes_json(&d);
	test_metrics(&d);
	test_actions(&d);
	test_rebinding(&d);
	test_dashboard(&d);
	test_token(&d);
	fx_daemon_free(&d);
	return (tap_done());
}
