/*
 * lbref.c: the two reference dispatchers cimheadd is compared with, built
 * on the same library (wbem queries, load formulas, policy) so only the
 * way of knowing the load differs.
 *
 *   lbref -m paper [-u UNIT_MS] -P PORTFILE READYFILE
 *       the paper's per-request method: for every viewer, every node is
 *       asked, in parallel, for CPU twice UNIT_MS apart (utilisation from
 *       the difference), memory as two queries (AvailableBytes, then
 *       TotalPhysicalMemory of another class), network (formatted
 *       BytesTotalPersec / CurrentBandwidth) and the streaming process;
 *       nothing is kept between viewers.
 *   lbref -m poll -F PERIOD_MS -P PORTFILE READYFILE
 *   (-c STREAM_COST: % per stream dispatched since the sample, as the
 *   first version's stream-cost; default 1)
 *       periodic polling: every PERIOD_MS every node gets the daemon's
 *       steady-state probe (raw CPU, memory, raw network, process); viewers
 *       are answered from the table at once.
 *
 * READYFILE holds cimmockd's ready lines.  Viewers: GET /watch/TITLE ->
 * 302 to the node's stream URL, 503 when none is eligible.  The listener
 * binds 127.0.0.1:0 and writes "viewer HOST:PORT" to PORTFILE.
 */
#include "config.h"

#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "cimheadd.h"

#define LR_MAX_NODES	1024

struct lr_node {
	char			 name[64];
	char			 url[256];
	char			 stream[256];
	struct wbem_target	 t;
	/* poll mode: the table */
	int			 has_prev_cpu, has_prev_net, busy;
	struct profile_cpu_raw	 prev_cpu;
	struct profile_net_raw	 prev_net;
	uint64_t		 total;
	struct policy_cand	 cand;
};

struct lr {
	struct event_base	*base;
	struct http_ctx		*http;
	struct lr_node		 nodes[LR_MAX_NODES];
	size_t			 nnodes;
	int			 paper;
	unsigned		 unit_ms, period_ms;
	struct policy_params	 pp;
	double			 stream_cost;	/* % per stream not yet seen */
	double			 max;		/* admission threshold, % */
	uint64_t		 rr;
	uint32_t		 rng;
	unsigned long		 queries;
};

/* One viewer of the paper's method, or one poll of one node. */
struct lr_job {
	struct lr		*lr;
	struct evhttp_request	*req;		/* paper: the viewer */
	char			 title[128];
	size_t			 outstanding;
	struct profile_reading	*rd;		/* per node */
	struct profile_cpu_raw	*cpu1;		/* paper: first CPU sample */
	int			*ok;		/* per node: every query answered */
	size_t			 node;		/* poll: which node */
};

struct lr_call {
	struct lr_job		*job;
	size_t			 node;
	enum profile_query	 q;
	int			 first_cpu;	/* paper: the first of the two */
	char			 wql[512];
	struct wbem_request	 req;
};

static void	lr_query_done_cb(struct wbem_result *,
		    const struct wbem_error *, void *);
static void	lr_unit_cb(evutil_socket_t, short, void *);
static void	lr_poll_cb(evutil_socket_t, short, void *);
static void	lr_viewer_cb(struct evhttp_request *, void *);

static void
lr_query(struct lr_job *job, size_t node, enum profile_query q, int first)
{
	struct lr	*lr = job->lr;
	struct lr_call	*c;

	c = xcalloc(1, sizeof(*c));
	c->job = job;
	c->node = node;
	c->q = q;
	c->first_cpu = first;
	if (profile_query_wql(q, "vodstream.exe", c->wql, sizeof(c->wql))
	    == -1)
		fatal("profile_query_wql");
	c->req.op = WBEM_OP_QUERY;
	c->req.ns = "root/cimv2";
	c->req.query = c->wql;
	c->req.query_lang = "WQL";
	job->outstanding++;
	lr->queries++;
	wbem_start(lr->http, &lr->nodes[node].t, &c->req, lr_query_done_cb,
	    c);
}

static uint32_t
lr_rng(void *arg)
{
	struct lr	*lr = arg;

	lr->rng = lr->rng * 1103515245u + 12345u;
	return (lr->rng >> 8);
}

static void
lr_reply(struct lr *lr, struct evhttp_request *req, const char *title,
    struct policy_cand *cand)
{
	struct evbuffer	*b = evbuffer_new();
	struct policy_cand *pc;
	char		 loc[512];
	size_t		 k;
	int		 i;

	/*
	 * The references keep the first version's rule: a measured figure
	 * plus stream-cost points per stream sent since it, each under
	 * 90 %; cand[].sessions counts those streams.
	 */
	pc = xcalloc(lr->nnodes, sizeof(*pc));
	for (k = 0; k < lr->nnodes; k++) {
		pc[k] = cand[k];
		pc[k].room = 1;
		if (pc[k].cpu >= 0)
			pc[k].cpu += pc[k].sessions * lr->stream_cost;
		if (pc[k].mem >= 0)
			pc[k].mem += pc[k].sessions * lr->stream_cost;
		if (pc[k].net >= 0)
			pc[k].net += pc[k].sessions * lr->stream_cost;
		if (pc[k].cpu >= lr->max || pc[k].mem >= lr->max ||
		    pc[k].net >= lr->max)
			pc[k].room = 0;
	}
	i = policy_pick(&lr->pp, pc, lr->nnodes, &lr->rr, lr_rng, lr);
	free(pc);
	if (i < 0) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Retry-After", "2");
		evhttp_send_reply(req, 503, "Service Unavailable", b);
	} else {
		cand[i].sessions++;
		snprintf(loc, sizeof(loc), "%s%s", lr->nodes[i].stream, title);
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Location", loc);
		evhttp_send_reply(req, 302, "Found", b);
	}
	evbuffer_free(b);
}

/* Paper: every node answered (or failed); decide for this viewer. */
static void
lr_paper_decide(struct lr_job *job)
{
	struct lr		*lr = job->lr;
	struct policy_cand	*cand;
	const struct profile_reading *rd;
	double			 v;
	size_t			 i;

	cand = xcalloc(lr->nnodes, sizeof(*cand));
	for (i = 0; i < lr->nnodes; i++) {
		rd = &job->rd[i];
		cand[i].weight = 1;
		cand[i].cpu = cand[i].mem = cand[i].net = -1;
		if (!job->ok[i] || !rd->has_process || !rd->process_running)
			continue;
		cand[i].serving = 1;
		cand[i].usable = 1;
		if (rd->has_cpu_raw && profile_cpu(&job->cpu1[i], &rd->cpu_raw,
		    0, 0, 0, &v) == 0)
			cand[i].cpu = v;
		if (rd->has_avail && rd->has_total &&
		    profile_mem(rd->total, rd->avail, &v) == 0)
			cand[i].mem = v;
		if (rd->has_net_fmt && profile_net_rate(rd->net_fmt_bytes,
		    rd->net_fmt_bw, &v) == 0)
			cand[i].net = v;
	}
	lr_reply(lr, job->req, job->title, cand);
	free(cand);
	free(job->rd);
	free(job->cpu1);
	free(job->ok);
	free(job);
}

/* Poll: one node's probe is in; update the table. */
static void
lr_poll_apply(struct lr_job *job)
{
	struct lr		*lr = job->lr;
	struct lr_node		*n = &lr->nodes[job->node];
	const struct profile_reading *rd = job->rd;
	double			 v;

	n->busy = 0;
	n->cand.weight = 1;
	if (!job->ok[0]) {
		n->cand.serving = 0;
		goto out;
	}
	if (rd->has_total)
		n->total = rd->total;
	n->cand.serving = rd->has_process && rd->process_running;
	n->cand.usable = 1;
	n->cand.sessions = 0;
	n->cand.cpu = n->cand.mem = n->cand.net = -1;
	if (profile_cpu(n->has_prev_cpu ? &n->prev_cpu : NULL,
	    rd->has_cpu_raw ? &rd->cpu_raw : NULL, 60000, rd->has_cpu_fmt,
	    rd->cpu_fmt, &v) == 0)
		n->cand.cpu = v;
	if (rd->has_cpu_raw) {
		n->prev_cpu = rd->cpu_raw;
		n->has_prev_cpu = 1;
	}
	if (rd->has_avail && n->total != 0 &&
	    profile_mem(n->total, rd->avail, &v) == 0)
		n->cand.mem = v;
	if (rd->has_net_raw && n->has_prev_net &&
	    profile_net(&n->prev_net, &rd->net_raw, 60000, &v) == 0)
		n->cand.net = v;
	else if (rd->has_net_fmt && profile_net_rate(rd->net_fmt_bytes,
	    rd->net_fmt_bw, &v) == 0)
		n->cand.net = v;
	if (rd->has_net_raw) {
		n->prev_net = rd->net_raw;
		n->has_prev_net = 1;
	}
out:
	free(job->rd);
	free(job->ok);
	free(job);
}

static void
lr_query_done_cb(struct wbem_result *res, const struct wbem_error *err,
    void *arg)
{
	struct lr_call		*c = arg;
	struct lr_job		*job = c->job;
	struct lr		*lr = job->lr;
	struct profile_reading	*rd;
	struct timeval		 tv;
	size_t			 slot = lr->paper ? c->node : 0;

	rd = &job->rd[slot];
	if (res == NULL)
		job->ok[slot] = 0;
	else {
		if (profile_absorb(c->q, res, rd, mono_ms()) == -1)
			job->ok[slot] = 0;
		wbem_result_free(res);
		if (c->first_cpu && job->ok[slot] && rd->has_cpu_raw) {
			/* The second CPU sample, a unit of time later. */
			job->cpu1[slot] = rd->cpu_raw;
			rd->has_cpu_raw = 0;
			struct lr_call *c2 = xcalloc(1, sizeof(*c2));
			*c2 = *c;
			c2->first_cpu = 0;
			tv.tv_sec = lr->unit_ms / 1000;
			tv.tv_usec = (lr->unit_ms % 1000) * 1000;
			event_base_once(lr->base, -1, EV_TIMEOUT, lr_unit_cb,
			    c2, &tv);
			c->first_cpu = 0;
		}
	}
	/* A first CPU sample that failed releases its second's hold. */
	if (c->first_cpu)
		job->outstanding--;
	(void)err;
	free(c);
	if (--job->outstanding > 0)
		return;
	if (lr->paper)
		lr_paper_decide(job);
	else
		lr_poll_apply(job);
}

static void
lr_unit_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct lr_call	*c = arg;

	/* The job stays open: this query was counted with the first. */
	c->job->outstanding--;
	lr_query(c->job, c->node, PQ_CPU_RAW, 0);
	free(c);
}

static void
lr_viewer_cb(struct evhttp_request *req, void *arg)
{
	struct lr	*lr = arg;
	struct lr_job	*job;
	const char	*uri = evhttp_request_get_uri(req);
	size_t		 i;

	if (strncmp(uri, "/watch/", 7) != 0 || uri[7] == '\0' ||
	    strlen(uri + 7) >= sizeof(job->title)) {
		evhttp_send_error(req, 404, NULL);
		return;
	}
	if (!lr->paper) {
		struct policy_cand *cand = xcalloc(lr->nnodes, sizeof(*cand));

		for (i = 0; i < lr->nnodes; i++)
			cand[i] = lr->nodes[i].cand;
		lr_reply(lr, req, uri + 7, cand);
		for (i = 0; i < lr->nnodes; i++) {
			lr->nodes[i].cand.sessions = cand[i].sessions;
		}
		free(cand);
		return;
	}
	job = xcalloc(1, sizeof(*job));
	job->lr = lr;
	job->req = req;
	strlcpy(job->title, uri + 7, sizeof(job->title));
	job->rd = xcalloc(lr->nnodes, sizeof(*job->rd));
	job->cpu1 = xcalloc(lr->nnodes, sizeof(*job->cpu1));
	job->ok = xcalloc(lr->nnodes, sizeof(*job->ok));
	job->outstanding = 1;	/* held while the queries start */
	for (i = 0; i < lr->nnodes; i++) {
		job->ok[i] = 1;
		lr_query(job, i, PQ_CPU_RAW, 1);
		lr_query(job, i, PQ_MEM, 0);
		lr_query(job, i, PQ_TOTAL, 0);
		lr_query(job, i, PQ_NET_FMT, 0);
		lr_query(job, i, PQ_PROCESS, 0);
	}
	/* Each first CPU sample keeps the job open for its second one. */
	job->outstanding += lr->nnodes;
	if (--job->outstanding == 0)
		lr_paper_decide(job);
}

static void
lr_poll_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct lr	*lr = arg;
	struct lr_node	*n;
	struct lr_job	*job;
	size_t		 i;

	for (i = 0; i < lr->nnodes; i++) {
		n = &lr->nodes[i];
		if (n->busy)
			continue;	/* the last poll is still out */
		n->busy = 1;
		job = xcalloc(1, sizeof(*job));
		job->lr = lr;
		job->node = i;
		job->rd = xcalloc(1, sizeof(*job->rd));
		job->ok = xcalloc(1, sizeof(*job->ok));
		job->ok[0] = 1;
		job->outstanding = 1;
		lr_query(job, i, PQ_CPU_RAW, 0);
		if (!n->has_prev_cpu)
			lr_query(job, i, PQ_CPU_FMT, 0);
		lr_query(job, i, PQ_MEM, 0);
		if (n->total == 0)
			lr_query(job, i, PQ_TOTAL, 0);
		lr_query(job, i, PQ_NET_RAW, 0);
		if (!n->has_prev_net)
			lr_query(job, i, PQ_NET_FMT, 0);
		lr_query(job, i, PQ_PROCESS, 0);
		if (--job->outstanding == 0)
			lr_poll_apply(job);
	}
}

static int
lr_read_nodes(struct lr *lr, const char *path)
{
	FILE		*f;
	char		 line[1024], name[64], cimom[256], ctl[256], st[256];
	struct lr_node	*n;

	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		return (-1);
	}
	while (fgets(line, sizeof(line), f) != NULL &&
	    lr->nnodes < LR_MAX_NODES) {
		if (sscanf(line, "node %63s cimom %255s control %255s stream "
		    "%255s", name, cimom, ctl, st) != 4)
			continue;
		n = &lr->nodes[lr->nnodes++];
		strlcpy(n->name, name, sizeof(n->name));
		strlcpy(n->url, cimom, sizeof(n->url));
		strlcpy(n->stream, st, sizeof(n->stream));
		n->t.proto = WBEM_PROTO_CIMXML;
		n->t.url = n->url;
		n->t.ns = "root/cimv2";
		n->t.timeout_ms = 2000;
		n->t.max_response = 1024 * 1024;
		n->t.want_trailers = 1;
		n->cand.weight = 1;
	}
	fclose(f);
	return (lr->nnodes > 0 ? 0 : -1);
}

static void
usage(void)
{
	fprintf(stderr, "usage: lbref -m paper|poll [-c STREAM_COST] [-u UNIT_MS] "
	    "[-F PERIOD_MS] -P PORTFILE READYFILE\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static struct lr	 lr;
	struct evhttp		*eh;
	struct evhttp_bound_socket *bs;
	struct event		*poll_ev;
	struct timeval		 tv;
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	const char		*portfile = NULL, *mode = NULL;
	char			*end;
	FILE			*f;
	int			 ch;

	lr.unit_ms = 1000;
	lr.stream_cost = 1;
	lr.period_ms = 1000;
	while ((ch = getopt(argc, argv, "c:F:m:P:u:")) != -1) {
		switch (ch) {
		case 'c':
			lr.stream_cost = strtod(optarg, &end);
			if (*end != '\0' || lr.stream_cost < 0)
				usage();
			break;
		case 'F':
			lr.period_ms = (unsigned)strtoul(optarg, &end, 10);
			if (*end != '\0' || lr.period_ms < 1)
				usage();
			break;
		case 'm':
			mode = optarg;
			break;
		case 'P':
			portfile = optarg;
			break;
		case 'u':
			lr.unit_ms = (unsigned)strtoul(optarg, &end, 10);
			if (*end != '\0')
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1 || mode == NULL || portfile == NULL)
		usage();
	if (strcmp(mode, "paper") == 0)
		lr.paper = 1;
	else if (strcmp(mode, "poll") != 0)
		usage();
	if (lr_read_nodes(&lr, argv[optind]) == -1) {
		fprintf(stderr, "lbref: no nodes in %s\n", argv[optind]);
		return (1);
	}
	/*
	 * The first version's defaults (least-load, 90 % thresholds), which
	 * these references were built to compare the paper's method with.
	 */
	lr.pp.kind = POLICY_LEAST_LOAD;
	lr.pp.w_cpu = lr.pp.w_mem = 1;
	lr.pp.w_net = 2;
	lr.max = 90;
	lr.rng = (uint32_t)getpid() | 1;

	signal(SIGPIPE, SIG_IGN);
	xml_global_init();
	if ((lr.base = event_base_new()) == NULL ||
	    (lr.http = http_ctx_new(lr.base)) == NULL ||
	    (eh = evhttp_new(lr.base)) == NULL)
		fatal("libevent");
	evhttp_set_gencb(eh, lr_viewer_cb, &lr);
	if ((bs = evhttp_bind_socket_with_handle(eh, "127.0.0.1", 0)) == NULL)
		fatal("bind");
	if (getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&ss,
	    &sl) == -1)
		fatal("getsockname");
	if ((f = fopen(portfile, "w")) == NULL)
		fatal("%s", portfile);
	fprintf(f, "viewer 127.0.0.1:%u\n",
	    ntohs(((struct sockaddr_in *)&ss)->sin_port));
	fclose(f);
	if (!lr.paper) {
		poll_ev = event_new(lr.base, -1, EV_PERSIST, lr_poll_cb, &lr);
		tv.tv_sec = lr.period_ms / 1000;
		tv.tv_usec = (lr.period_ms % 1000) * 1000;
		event_add(poll_ev, &tv);
		lr_poll_cb(-1, 0, &lr);
	}
	event_base_dispatch(lr.base);
	return (0);
}
