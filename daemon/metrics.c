/*
 * metrics.c: the daemon's cluster-wide counters and histograms, and the
 * Prometheus text of GET /metrics.  Every module reports here
 * (metrics_count, metrics_observe, metrics_config_loaded); the per-node
 * counters and the query histogram stay in struct node, next to the state
 * they count.
 *
 * It sits below the node table, so it calls no daemon module above the
 * pure ones: what /metrics shows of the nodes and of the viewer
 * connections is handed in by the caller (admin.c) as a struct
 * metrics_view.
 *
 * The page passes `promtool check metrics' (tests/e2e/metrics_promtool.sh):
 * base units (seconds, ratios 0..1), counters ending in _total, HELP and
 * TYPE for every family and each family's samples together.  Label values
 * are escaped (backslash, double quote, newline) even though a node name
 * cannot hold those today: one bad name must not break the whole page.
 */
#include "config.h"

#include <stdlib.h>

#include "cimheadd.h"

/*
 * Upper bounds of every latency histogram's buckets, ms; the last bucket
 * is +Inf.  From a decision the probe pool answers at once to a query at
 * its deadline.
 */
static const unsigned metrics_hist_bounds_ms[METRICS_HIST_BUCKETS - 1] = {
	1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000
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
metrics_observe(struct metrics_hist *h, uint64_t ms)
{
	size_t	i;

	for (i = 0; i < METRICS_HIST_BUCKETS - 1; i++)
		if (ms <= metrics_hist_bounds_ms[i])
			break;
	h->bucket[i]++;
	h->count++;
	h->sum_ms += ms;
}

void
metrics_config_loaded(struct daemon *d, int ok, uint64_t wall)
{
	d->metrics.reload_ok = ok != 0;
	if (ok)
		d->metrics.reload_ok_ms = wall;
}

static unsigned long long
metrics_ull(const struct daemon *d, enum metric m)
{
	return ((unsigned long long)metrics_get(d, m));
}

/*
 * One label value, escaped as the text format wants: backslash, double
 * quote and line feed, the only bytes with a meaning inside the quotes.
 */
static void
metrics_escape(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			buf_puts(b, "\\\\");
		else if (*s == '"')
			buf_puts(b, "\\\"");
		else if (*s == '\n')
			buf_puts(b, "\\n");
		else
			buf_add(b, s, 1);
	}
}

/* `node="NAME"', escaped: what every per-node sample carries. */
static char *
metrics_node_label(const char *name)
{
	struct buf	b;

	buf_init(&b, 0);
	buf_puts(&b, "node=\"");
	metrics_escape(&b, name);
	buf_puts(&b, "\"");
	return (buf_steal(&b, NULL));
}

/* Milliseconds as seconds, exactly: "12.345". */
static void
metrics_seconds(struct buf *b, uint64_t ms)
{
	buf_printf(b, "%llu.%03u", (unsigned long long)(ms / 1000),
	    (unsigned)(ms % 1000));
}

static void
metrics_family(struct buf *b, const char *name, const char *type,
    const char *help)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/*
 * One histogram's samples: cumulative buckets, sum and count, in seconds.
 * labels ("" or `node="a"') go before le.
 */
static void
metrics_hist(struct buf *b, const char *name, const char *labels,
    const struct metrics_hist *h)
{
	uint64_t	cum = 0;
	const char	*sep = labels[0] != '\0' ? "," : "";
	size_t		i;

	for (i = 0; i < METRICS_HIST_BUCKETS - 1; i++) {
		cum += h->bucket[i];
		buf_printf(b, "%s_bucket{%s%sle=\"%g\"} %llu\n", name, labels,
		    sep, metrics_hist_bounds_ms[i] / 1000.0,
		    (unsigned long long)cum);
	}
	cum += h->bucket[METRICS_HIST_BUCKETS - 1];
	buf_printf(b, "%s_bucket{%s%sle=\"+Inf\"} %llu\n%s_sum", name, labels,
	    sep, (unsigned long long)cum, name);
	if (labels[0] != '\0')
		buf_printf(b, "{%s}", labels);
	buf_puts(b, " ");
	metrics_seconds(b, h->sum_ms);
	buf_printf(b, "\n%s_count", name);
	if (labels[0] != '\0')
		buf_printf(b, "{%s}", labels);
	buf_printf(b, " %llu\n", (unsigned long long)h->count);
}

/* The daemon itself: version, the config in force, when it was loaded. */
static void
metrics_render_daemon(const struct daemon *d, struct buf *b)
{
	metrics_family(b, "cimheadd_build_info", "gauge",
	    "Always 1; the version cimheadd was built from, as a label.");
	buf_puts(b, "cimheadd_build_info{version=\"");
	metrics_escape(b, PACKAGE_VERSION);
	buf_puts(b, "\"} 1\n");
	metrics_family(b, "cimheadd_config_last_reload_successful", "gauge",
	    "1 if the last configuration load (start or SIGHUP) succeeded, 0 "
	    "if it failed and the previous config stays in force.");
	buf_printf(b, "cimheadd_config_last_reload_successful %d\n",
	    d->metrics.reload_ok);
	metrics_family(b, "cimheadd_config_last_reload_success_timestamp_seconds",
	    "gauge", "Unix time of the last successful configuration load.");
	buf_puts(b, "cimheadd_config_last_reload_success_timestamp_seconds ");
	metrics_seconds(b, d->metrics.reload_ok_ms);
	buf_puts(b, "\n");
}

/* The per-node families after the histograms. */
static void
metrics_render_nodes(const struct metrics_view *v, char *const *lab,
    struct buf *b)
{
	const struct metrics_node	*n;
	size_t				 i, s;

	metrics_family(b, "cimheadd_node_state", "gauge",
	    "1 for the state each node is in, 0 for the others.");
	for (i = 0; i < v->nnodes; i++)
		for (s = 0; s < v->nstates; s++) {
			buf_printf(b, "cimheadd_node_state{%s,state=\"", lab[i]);
			metrics_escape(b, v->state_name[s]);
			buf_printf(b, "\"} %d\n", v->nodes[i].state == s);
		}
	metrics_family(b, "cimheadd_node_state_since_timestamp_seconds",
	    "gauge", "Unix time the node entered its current state.");
	for (i = 0; i < v->nnodes; i++) {
		buf_printf(b, "cimheadd_node_state_since_timestamp_seconds{%s} ",
		    lab[i]);
		metrics_seconds(b, v->nodes[i].state_since_ms);
		buf_puts(b, "\n");
	}
	metrics_family(b, "cimheadd_restarts_total", "counter",
	    "Restart attempts by node.");
	for (i = 0; i < v->nnodes; i++)
		buf_printf(b, "cimheadd_restarts_total{%s} %llu\n", lab[i],
		    (unsigned long long)v->nodes[i].restarts);
	metrics_family(b, "cimheadd_probe_errors_total", "counter",
	    "Failed probes by node and the kind of error that failed them.");
	for (i = 0; i < v->nnodes; i++) {
		n = &v->nodes[i];
		for (s = 0; s < METRICS_NERRKINDS; s++)
			buf_printf(b, "cimheadd_probe_errors_total{%s,"
			    "kind=\"%s\"} %llu\n", lab[i],
			    wbem_errkind_name(metrics_errkinds[s]),
			    (unsigned long long)
			    n->probe_err[metrics_errkinds[s]]);
	}
	metrics_family(b, "cimheadd_restart_failures_total", "counter",
	    "Restarts that failed (an error, a non-zero return, no process "
	    "after the grace).");
	for (i = 0; i < v->nnodes; i++)
		buf_printf(b, "cimheadd_restart_failures_total{%s} %llu\n",
		    lab[i], (unsigned long long)v->nodes[i].restart_fail);
	metrics_family(b, "cimheadd_restart_limit_reached", "gauge",
	    "1 while a node's restarts are stopped at restart-limit.");
	for (i = 0; i < v->nnodes; i++)
		buf_printf(b, "cimheadd_restart_limit_reached{%s} %d\n", lab[i],
		    v->nodes[i].restart_limit_reached);
	metrics_family(b, "cimheadd_reading_discontinuities_total", "counter",
	    "Raw counter readings refused as a delta (wrap, jump, clock "
	    "step).");
	for (i = 0; i < v->nnodes; i++)
		buf_printf(b, "cimheadd_reading_discontinuities_total{%s} "
		    "%llu\n", lab[i], (unsigned long long)v->nodes[i].discont);
	metrics_family(b, "cimheadd_node_weight", "gauge",
	    "The node's configured relative capacity.");
	for (i = 0; i < v->nnodes; i++)
		buf_printf(b, "cimheadd_node_weight{%s} %g\n", lab[i],
		    v->nodes[i].weight);
	metrics_family(b, "cimheadd_node_eligible", "gauge",
	    "1 when the node may take a viewer now: serving, a sample the "
	    "policy may use, room for one more session.");
	for (i = 0; i < v->nnodes; i++)
		buf_printf(b, "cimheadd_node_eligible{%s} %d\n", lab[i],
		    v->nodes[i].eligible != 0);
	/* What the samples and the estimator say; unknown: no line. */
	metrics_family(b, "cimheadd_node_sample_age_seconds", "gauge",
	    "Age of the node's last sample.");
	for (i = 0; i < v->nnodes; i++)
		if (v->nodes[i].sample_age_ms >= 0) {
			buf_printf(b, "cimheadd_node_sample_age_seconds{%s} ",
			    lab[i]);
			metrics_seconds(b, (uint64_t)v->nodes[i].sample_age_ms);
			buf_puts(b, "\n");
		}
	metrics_family(b, "cimheadd_node_utilisation_ratio", "gauge",
	    "Utilisation of each resource in the node's last sample, 0 to 1.");
	for (i = 0; i < v->nnodes; i++)
		for (s = 0; s < EST_NRES; s++)
			if (v->nodes[i].util[s] >= 0)
				buf_printf(b, "cimheadd_node_utilisation_ratio"
				    "{%s,resource=\"%s\"} %.6g\n", lab[i],
				    est_res_name((enum est_res)s),
				    v->nodes[i].util[s]);
	metrics_family(b, "cimheadd_node_sessions", "gauge",
	    "Active sessions: the node's count plus dispatches it does not "
	    "show yet.");
	for (i = 0; i < v->nnodes; i++)
		if (v->nodes[i].sessions >= 0)
			buf_printf(b, "cimheadd_node_sessions{%s} %.1f\n", lab[i],
			    v->nodes[i].sessions);
	metrics_family(b, "cimheadd_node_capacity_sessions", "gauge",
	    "Estimated sessions the node holds at its thresholds: threshold "
	    "over the learned cost of a session, binding resource.");
	for (i = 0; i < v->nnodes; i++)
		if (v->nodes[i].capacity >= 0)
			buf_printf(b, "cimheadd_node_capacity_sessions{%s} "
			    "%.1f\n", lab[i], v->nodes[i].capacity);
	metrics_family(b, "cimheadd_node_room", "gauge",
	    "Sessions a node can still take under its thresholds.");
	for (i = 0; i < v->nnodes; i++)
		if (v->nodes[i].room >= 0)
			buf_printf(b, "cimheadd_node_room{%s} %ld\n", lab[i],
			    v->nodes[i].room);
}

void
metrics_render(const struct daemon *d, const struct metrics_view *v,
    struct buf *b)
{
	char	**lab;
	size_t	  i;

	lab = xcalloc(v->nnodes > 0 ? v->nnodes : 1, sizeof(*lab));
	for (i = 0; i < v->nnodes; i++)
		lab[i] = metrics_node_label(v->nodes[i].name);
	metrics_render_daemon(d, b);
	metrics_family(b, "cimheadd_dispatch_total", "counter",
	    "Viewer requests by result (and node for 302).");
	for (i = 0; i < v->nnodes; i++)
		buf_printf(b, "cimheadd_dispatch_total{%s,result=\"302\"} "
		    "%llu\n", lab[i], (unsigned long long)v->nodes[i].dispatch);
	buf_printf(b, "cimheadd_dispatch_total{result=\"400\"} %llu\n"
	    "cimheadd_dispatch_total{result=\"404\"} %llu\n"
	    "cimheadd_dispatch_total{result=\"405\"} %llu\n"
	    "cimheadd_dispatch_total{result=\"503\"} %llu\n",
	    metrics_ull(d, METRIC_400), metrics_ull(d, METRIC_404),
	    metrics_ull(d, METRIC_405), metrics_ull(d, METRIC_503));
	metrics_family(b, "cimheadd_unavailable_total", "counter",
	    "503 replies.");
	buf_printf(b, "cimheadd_unavailable_total %llu\n",
	    metrics_ull(d, METRIC_503));
	metrics_family(b, "cimheadd_decision_duration_seconds", "histogram",
	    "Viewer requests from arrival to the 302 or 503 decided.");
	metrics_hist(b, "cimheadd_decision_duration_seconds", "",
	    &d->metrics.decision);
	metrics_family(b, "cimheadd_viewer_connections", "gauge",
	    "Open viewer connections.");
	buf_printf(b, "cimheadd_viewer_connections %llu\n",
	    (unsigned long long)v->viewer_conns);
	metrics_family(b, "cimheadd_viewer_closed_total", "counter",
	    "Viewer connections the daemon closed, by reason.");
	buf_printf(b, "cimheadd_viewer_closed_total{reason=\"header-timeout\"} "
	    "%llu\ncimheadd_viewer_closed_total{reason=\"limit\"} %llu\n",
	    metrics_ull(d, METRIC_CONN_TIMEOUT),
	    metrics_ull(d, METRIC_CONN_LIMIT));
	metrics_family(b, "cimheadd_probe_rounds_total", "counter",
	    "Probe rounds started for viewers.");
	buf_printf(b, "cimheadd_probe_rounds_total %llu\n",
	    metrics_ull(d, METRIC_ROUNDS));
	metrics_family(b, "cimheadd_probe_round_duration_seconds", "histogram",
	    "Probe rounds from start to end (every node answered, or the "
	    "decision deadline).");
	metrics_hist(b, "cimheadd_probe_round_duration_seconds", "",
	    &d->metrics.round);
	metrics_family(b, "cimheadd_restarts_skipped_total", "counter",
	    "Restarts not made: the process list showed the command started "
	    "within restart-grace (another head-end's restart).");
	buf_printf(b, "cimheadd_restarts_skipped_total %llu\n",
	    metrics_ull(d, METRIC_RESTART_SKIPPED));
	metrics_family(b, "cimheadd_queries_total", "counter",
	    "WBEM queries by node and outcome.");
	for (i = 0; i < v->nnodes; i++)
		buf_printf(b, "cimheadd_queries_total{%s,outcome=\"ok\"} %llu\n"
		    "cimheadd_queries_total{%s,outcome=\"error\"} %llu\n",
		    lab[i], (unsigned long long)v->nodes[i].queries_ok,
		    lab[i], (unsigned long long)v->nodes[i].queries_err);
	metrics_family(b, "cimheadd_query_duration_seconds", "histogram",
	    "WBEM query latency, by node.");
	for (i = 0; i < v->nnodes; i++)
		if (v->nodes[i].query != NULL)
			metrics_hist(b, "cimheadd_query_duration_seconds",
			    lab[i], v->nodes[i].query);
	metrics_render_nodes(v, lab, b);
	metrics_family(b, "cimheadd_probe_no_descriptors_total", "counter",
	    "Probes that could not open a socket for want of file descriptors "
	    "(this head-end's limit; the node is not blamed).");
	buf_printf(b, "cimheadd_probe_no_descriptors_total %llu\n",
	    metrics_ull(d, METRIC_PROBE_NOFD));
	for (i = 0; i < v->nnodes; i++)
		free(lab[i]);
	free(lab);
}
