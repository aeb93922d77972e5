/*
 * metrics.c: the daemon's cluster-wide counters and the Prometheus text of
 * GET /metrics.  Every module reports here (metrics_count,
 * metrics_observe_latency); the per-node counters stay in struct node,
 * next to the state they count.
 *
 * It sits below the node table, so it calls no other daemon module: what
 * /metrics shows of the nodes and of the viewer connections is handed in
 * by the caller (admin.c) as a struct metrics_view.
 */
#include "config.h"

#include "cimheadd.h"

/* Upper bounds of the query latency buckets, ms; the last bucket is +Inf. */
static const unsigned metrics_lat_bounds_ms[METRICS_LAT_BUCKETS - 1] = {
	5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000
};

const enum wbem_errkind metrics_errkinds[METRICS_NERRKINDS] = {
	WBEM_E_TRANSPORT, WBEM_E_TIMEOUT, WBEM_E_PROTOCOL, WBEM_E_HTTP,
	WBEM_E_AUTH, WBEM_E_CIM, WBEM_E_TOOBIG, WBEM_E_USAGE,
};

void
metrics_count(struct daemon *d, enum metric m)
{
	if ((size_t)m < METRIC_COUNT)
		d->metrics.count[m]++;
}

uint64_t
metrics_get(const struct daemon *d, enum metric m)
{
	if ((size_t)m >= METRIC_COUNT)
		return (0);
	return (d->metrics.count[m]);
}

void
metrics_observe_latency(struct daemon *d, uint64_t ms)
{
	struct metrics	*m = &d->metrics;
	size_t		 i;

	for (i = 0; i < METRICS_LAT_BUCKETS - 1; i++)
		if (ms <= metrics_lat_bounds_ms[i])
			break;
	m->lat[i]++;
	m->lat_count++;
	m->lat_sum += (double)ms;
}

static unsigned long long
metrics_ull(const struct daemon *d, enum metric m)
{
	return ((unsigned long long)metrics_get(d, m));
}

/* The latency histogram: cumulative buckets, sum and count, in seconds. */
static void
metrics_render_latency(const struct metrics *m, struct buf *b)
{
	uint64_t	cum = 0;
	size_t		i;

	buf_puts(b, "# HELP cimheadd_query_duration_seconds WBEM query "
	    "latency.\n# TYPE cimheadd_query_duration_seconds histogram\n");
	for (i = 0; i < METRICS_LAT_BUCKETS - 1; i++) {
		cum += m->lat[i];
		buf_printf(b, "cimheadd_query_duration_seconds_bucket"
		    "{le=\"%g\"} %llu\n", metrics_lat_bounds_ms[i] / 1000.0,
		    (unsigned long long)cum);
	}
	cum += m->lat[METRICS_LAT_BUCKETS - 1];
	buf_printf(b, "cimheadd_query_duration_seconds_bucket{le=\"+Inf\"} "
	    "%llu\ncimheadd_query_duration_seconds_sum %.3f\n"
	    "cimheadd_query_duration_seconds_count %llu\n",
	    (unsigned long long)cum, m->lat_sum / 1000.0,
	    (unsigned long long)m->lat_count);
}

/* The per-node families after the histogram, in the order /metrics had. */
static void
metrics_render_nodes(const struct metrics_view *v, struct buf *b)
{
	const struct metrics_node	*n;
	size_t				 i, s;

	buf_puts(b, "# HELP cimheadd_node_state 1 for the state each node is "
	    "in.\n# TYPE cimheadd_node_state gauge\n");
	for (i = 0; i < v->nnodes; i++)
		for (s = 0; s < v->nstates; s++)
			buf_printf(b, "cimheadd_node_state{node=\"%s\","
			    "state=\"%s\"} %d\n", v->nodes[i].name,
			    v->state_name[s], v->nodes[i].state == s);
	buf_puts(b, "# HELP cimheadd_restarts_total Restart attempts by "
	    "node.\n# TYPE cimheadd_restarts_total counter\n");
	for (i = 0; i < v->nnodes; i++)
		buf_printf(b, "cimheadd_restarts_total{node=\"%s\"} %llu\n",
		    v->nodes[i].name, (unsigned long long)v->nodes[i].restarts);
	buf_puts(b, "# HELP cimheadd_probe_errors_total Failed probes by "
	    "node and the kind of error that failed them.\n"
	    "# TYPE cimheadd_probe_errors_total counter\n");
	for (i = 0; i < v->nnodes; i++) {
		n = &v->nodes[i];
		for (s = 0; s < METRICS_NERRKINDS; s++)
			buf_printf(b, "cimheadd_probe_errors_total{node=\"%s\","
			    "kind=\"%s\"} %llu\n", n->name,
			    wbem_errkind_name(metrics_errkinds[s]),
			    (unsigned long long)
			    n->probe_err[metrics_errkinds[s]]);
	}
	buf_puts(b, "# HELP cimheadd_restart_failures_total Restarts that "
	    "failed (an error, a non-zero return, no process after the "
	    "grace).\n# TYPE cimheadd_restart_failures_total counter\n");
	for (i = 0; i < v->nnodes; i++)
		buf_printf(b, "cimheadd_restart_failures_total{node=\"%s\"} "
		    "%llu\n", v->nodes[i].name,
		    (unsigned long long)v->nodes[i].restart_fail);
	buf_puts(b, "# HELP cimheadd_restart_limit_reached 1 while a node's "
	    "restarts are stopped at restart-limit.\n"
	    "# TYPE cimheadd_restart_limit_reached gauge\n");
	for (i = 0; i < v->nnodes; i++)
		buf_printf(b, "cimheadd_restart_limit_reached{node=\"%s\"} "
		    "%d\n", v->nodes[i].name,
		    v->nodes[i].restart_limit_reached);
	buf_puts(b, "# HELP cimheadd_counter_discontinuities_total Raw "
	    "counter readings refused as a delta (wrap, jump, clock step).\n"
	    "# TYPE cimheadd_counter_discontinuities_total counter\n");
	for (i = 0; i < v->nnodes; i++)
		buf_printf(b, "cimheadd_counter_discontinuities_total"
		    "{node=\"%s\"} %llu\n", v->nodes[i].name,
		    (unsigned long long)v->nodes[i].discont);
	/* What the estimator makes of each node; a node it cannot tell: none. */
	buf_puts(b, "# HELP cimheadd_node_sessions Active sessions: the node's "
	    "count plus dispatches it does not show yet.\n"
	    "# TYPE cimheadd_node_sessions gauge\n");
	for (i = 0; i < v->nnodes; i++)
		if (v->nodes[i].sessions >= 0)
			buf_printf(b, "cimheadd_node_sessions{node=\"%s\"} "
			    "%.1f\n", v->nodes[i].name, v->nodes[i].sessions);
	buf_puts(b, "# HELP cimheadd_node_room Sessions a node can still take "
	    "under its thresholds.\n# TYPE cimheadd_node_room gauge\n");
	for (i = 0; i < v->nnodes; i++)
		if (v->nodes[i].room >= 0)
			buf_printf(b, "cimheadd_node_room{node=\"%s\"} %ld\n",
			    v->nodes[i].name, v->nodes[i].room);
}

void
metrics_render(const struct daemon *d, const struct metrics_view *v,
    struct buf *b)
{
	size_t	i;

	buf_puts(b, "# HELP cimheadd_dispatch_total Viewer requests by "
	    "result (and node for 302).\n"
	    "# TYPE cimheadd_dispatch_total counter\n");
	for (i = 0; i < v->nnodes; i++)
		buf_printf(b, "cimheadd_dispatch_total{node=\"%s\","
		    "result=\"302\"} %llu\n", v->nodes[i].name,
		    (unsigned long long)v->nodes[i].dispatch);
	buf_printf(b, "cimheadd_dispatch_total{result=\"400\"} %llu\n"
	    "cimheadd_dispatch_total{result=\"404\"} %llu\n"
	    "cimheadd_dispatch_total{result=\"405\"} %llu\n"
	    "cimheadd_dispatch_total{result=\"503\"} %llu\n",
	    metrics_ull(d, METRIC_400), metrics_ull(d, METRIC_404),
	    metrics_ull(d, METRIC_405), metrics_ull(d, METRIC_503));
	buf_printf(b, "# HELP cimheadd_unavailable_total 503 replies.\n"
	    "# TYPE cimheadd_unavailable_total counter\n"
	    "cimheadd_unavailable_total %llu\n", metrics_ull(d, METRIC_503));
	buf_printf(b, "# HELP cimheadd_viewer_connections Open viewer "
	    "connections.\n"
	    "# TYPE cimheadd_viewer_connections gauge\n"
	    "cimheadd_viewer_connections %zu\n"
	    "# HELP cimheadd_viewer_closed_total Viewer connections the "
	    "daemon closed, by reason.\n"
	    "# TYPE cimheadd_viewer_closed_total counter\n"
	    "cimheadd_viewer_closed_total{reason=\"header-timeout\"} %llu\n"
	    "cimheadd_viewer_closed_total{reason=\"limit\"} %llu\n",
	    v->viewer_conns, metrics_ull(d, METRIC_CONN_TIMEOUT),
	    metrics_ull(d, METRIC_CONN_LIMIT));
	buf_printf(b, "# HELP cimheadd_probe_rounds_total Probe rounds "
	    "started for viewers.\n"
	    "# TYPE cimheadd_probe_rounds_total counter\n"
	    "cimheadd_probe_rounds_total %llu\n", metrics_ull(d, METRIC_ROUNDS));
	buf_printf(b, "# HELP cimheadd_restarts_skipped_total Restarts not "
	    "made: the process list showed the command started within "
	    "restart-grace (another head-end's restart).\n"
	    "# TYPE cimheadd_restarts_skipped_total counter\n"
	    "cimheadd_restarts_skipped_total %llu\n",
	    metrics_ull(d, METRIC_RESTART_SKIPPED));
	buf_puts(b, "# HELP cimheadd_queries_total WBEM queries by node and "
	    "outcome.\n# TYPE cimheadd_queries_total counter\n");
	for (i = 0; i < v->nnodes; i++) {
		buf_printf(b, "cimheadd_queries_total{node=\"%s\","
		    "outcome=\"ok\"} %llu\n", v->nodes[i].name,
		    (unsigned long long)v->nodes[i].queries_ok);
		buf_printf(b, "cimheadd_queries_total{node=\"%s\","
		    "outcome=\"error\"} %llu\n", v->nodes[i].name,
		    (unsigned long long)v->nodes[i].queries_err);
	}
	metrics_render_latency(&d->metrics, b);
	metrics_render_nodes(v, b);
}
