/*
 * loadgen.c: an open-loop viewer load for the dispatch benchmarks.
 *
 *   loadgen [-r RATE] [-d SECONDS] [-c CONNS] [-T TITLES] URLPREFIX
 *
 * Sends GET URLPREFIX<title> at RATE requests a second (evenly spaced, so
 * a slow answer does not slow the offered load: the latency of a request
 * is measured from the moment it was due), on up to CONNS keep-alive
 * connections, and never follows the redirect.  A request that is due
 * while every connection is busy waits for one and its wait is counted in
 * its latency.  Requests still unanswered 10 s after the last one was due
 * are given up (a saturated server must not stall the run); those never
 * sent are counted as unsent.  Prints one summary line:
 *
 *   sent N done N 302 N 503 N other N err N rate R p50 MS p99 MS max MS
 *   conns N unsent N
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/http.h>

#include "cimhead.h"

#define LG_MAX_CONNS	1024

struct lg_conn {
	struct lg		*lg;
	struct evhttp_connection *evcon;
	int			 busy;
	double			 due;
};

struct lg {
	struct event_base	*base;
	char			 host[256];
	int			 port;
	char			 prefix[512];
	double			 rate, secs, start;
	unsigned		 ntitles;
	size_t			 nconns, maxconns;
	struct lg_conn		 conns[LG_MAX_CONNS];
	double			*due;		/* requests due, not yet sent */
	size_t			 ndue_head, ndue_tail, due_cap;
	double			*lat;		/* ms, per finished request */
	size_t			 nlat, lat_cap;
	unsigned long		 sent, done, c302, c503, cother, cerr;
	unsigned long		 planned, planned_max;
	struct event		*tick, *giveup;
	int			 stopping;
};

static void	lg_tick_cb(evutil_socket_t, short, void *);
static void	lg_reply_cb(struct evhttp_request *, void *);
static void	lg_giveup_cb(evutil_socket_t, short, void *);

static double
lg_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static struct lg_conn *
lg_idle_conn(struct lg *lg)
{
	struct lg_conn	*c;
	size_t		 i;

	for (i = 0; i < lg->nconns; i++)
		if (!lg->conns[i].busy)
			return (&lg->conns[i]);
	if (lg->nconns >= lg->maxconns)
		return (NULL);
	c = &lg->conns[lg->nconns];
	c->lg = lg;
	c->evcon = evhttp_connection_base_new(lg->base, NULL, lg->host,
	    (unsigned short)lg->port);
	if (c->evcon == NULL)
		return (NULL);
	evhttp_connection_set_timeout(c->evcon, 30);
	lg->nconns++;
	return (c);
}

static void
lg_send(struct lg *lg, struct lg_conn *c, double due)
{
	struct evhttp_request	*req;
	char			 path[600];

	snprintf(path, sizeof(path), "%stitle%03lu", lg->prefix,
	    lg->sent % lg->ntitles);
	c->busy = 1;
	c->due = due;
	req = evhttp_request_new(lg_reply_cb, c);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Host",
	    lg->host);
	lg->sent++;
	if (evhttp_make_request(c->evcon, req, EVHTTP_REQ_GET, path) == -1) {
		lg->cerr++;
		lg->done++;
		c->busy = 0;
	}
}

/* Sends what is due while a connection is free. */
static void
lg_pump(struct lg *lg)
{
	struct lg_conn	*c;

	while (lg->ndue_head < lg->ndue_tail &&
	    (c = lg_idle_conn(lg)) != NULL)
		lg_send(lg, c, lg->due[lg->ndue_head++]);
	if (lg->stopping && lg->done == lg->planned)
		event_base_loopbreak(lg->base);
}

static void
lg_reply_cb(struct evhttp_request *req, void *arg)
{
	struct lg_conn	*c = arg;
	struct lg	*lg = c->lg;
	int		 code = req != NULL ? evhttp_request_get_response_code(req) :
			    0;

	c->busy = 0;
	lg->done++;
	if (code == 302)
		lg->c302++;
	else if (code == 503)
		lg->c503++;
	else if (code == 0)
		lg->cerr++;
	else
		lg->cother++;
	if (code != 0) {
		if (lg->nlat == lg->lat_cap) {
			lg->lat_cap = lg->lat_cap ? lg->lat_cap * 2 : 4096;
			lg->lat = xreallocarray(lg->lat, lg->lat_cap,
			    sizeof(*lg->lat));
		}
		lg->lat[lg->nlat++] = (lg_now() - c->due) * 1000;
	}
	lg_pump(lg);
}

/* The clock says which requests are due: queue them, then send. */
static void
lg_tick_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct lg	*lg = arg;
	struct timeval	 tv;
	double		 now = lg_now(), t;
	unsigned long	 want;

	want = (unsigned long)((now - lg->start) * lg->rate) + 1;
	if (want > lg->planned_max)
		want = lg->planned_max;
	while (lg->planned < want) {
		t = lg->start + (double)lg->planned / lg->rate;
		if (lg->ndue_tail == lg->due_cap) {
			lg->due_cap = lg->due_cap ? lg->due_cap * 2 : 4096;
			lg->due = xreallocarray(lg->due, lg->due_cap,
			    sizeof(*lg->due));
		}
		/*
		 * Counted from when the clock told us, not from t: a timer
		 * that fires late is the generator's delay, a connection
		 * still busy is the server's.
		 */
		lg->due[lg->ndue_tail++] = t > now ? t : now;
		lg->planned++;
	}
	if (lg->planned >= lg->planned_max)
		lg->stopping = 1;
	else {
		t = lg->start + (double)lg->planned / lg->rate - lg_now();
		if (t < 0)
			t = 0;
		tv.tv_sec = (long)t;
		tv.tv_usec = (long)((t - (double)tv.tv_sec) * 1e6);
		evtimer_add(lg->tick, &tv);
	}
	lg_pump(lg);
}

static void
lg_giveup_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct lg	*lg = arg;

	event_base_loopbreak(lg->base);
}

static int
lg_dblcmp(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

static double
lg_pct(const double *v, size_t n, double p)
{
	size_t	i;

	if (n == 0)
		return (0);
	i = (size_t)(p * (double)(n - 1) + 0.5);
	return (v[i]);
}

static void
usage(void)
{
	fprintf(stderr, "usage: loadgen [-r RATE] [-d SECONDS] [-c CONNS] "
	    "[-T TITLES] http://HOST:PORT/PREFIX\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	static struct lg lg;
	const char	*u, *p, *slash;
	char		*end;
	struct event_config *cfg;
	struct timeval	 gtv;
	double		 elapsed;
	size_t		 i;
	int		 ch;

	lg.rate = 100;
	lg.secs = 10;
	lg.maxconns = 64;
	lg.ntitles = 100;
	while ((ch = getopt(argc, argv, "c:d:r:T:")) != -1) {
		switch (ch) {
		case 'c':
			lg.maxconns = strtoul(optarg, &end, 10);
			if (*end != '\0' || lg.maxconns < 1 ||
			    lg.maxconns > LG_MAX_CONNS)
				usage();
			break;
		case 'd':
			lg.secs = strtod(optarg, &end);
			if (*end != '\0' || !(lg.secs > 0))
				usage();
			break;
		case 'r':
			lg.rate = strtod(optarg, &end);
			if (*end != '\0' || !(lg.rate > 0))
				usage();
			break;
		case 'T':
			lg.ntitles = (unsigned)strtoul(optarg, &end, 10);
			if (*end != '\0' || lg.ntitles < 1)
				usage();
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	u = argv[optind];
	if (strncmp(u, "http://", 7) != 0)
		usage();
	u += 7;
	if ((slash = strchr(u, '/')) == NULL || (p = memchr(u, ':',
	    (size_t)(slash - u))) == NULL || (size_t)(p - u) >= sizeof(lg.host))
		usage();
	memcpy(lg.host, u, (size_t)(p - u));
	lg.port = (int)strtol(p + 1, &end, 10);
	if (end != slash || lg.port < 1 || lg.port > 65535)
		usage();
	if (strlcpy(lg.prefix, slash, sizeof(lg.prefix)) >= sizeof(lg.prefix))
		usage();

	lg.planned_max = (unsigned long)(lg.rate * lg.secs + 0.5);
	if (lg.planned_max == 0)
		lg.planned_max = 1;
	if ((cfg = event_config_new()) == NULL ||
	    event_config_set_flag(cfg, EVENT_BASE_FLAG_PRECISE_TIMER) == -1 ||
	    (lg.base = event_base_new_with_config(cfg)) == NULL ||
	    (lg.tick = evtimer_new(lg.base, lg_tick_cb, &lg)) == NULL) {
		fprintf(stderr, "loadgen: libevent\n");
		return (1);
	}
	event_config_free(cfg);
	if ((lg.giveup = evtimer_new(lg.base, lg_giveup_cb, &lg)) == NULL) {
		fprintf(stderr, "loadgen: libevent\n");
		return (1);
	}
	gtv.tv_sec = (long)lg.secs + 10;
	gtv.tv_usec = 0;
	evtimer_add(lg.giveup, &gtv);
	lg.start = lg_now();
	lg_tick_cb(-1, 0, &lg);
	event_base_dispatch(lg.base);
	elapsed = lg_now() - lg.start;
	qsort(lg.lat, lg.nlat, sizeof(*lg.lat), lg_dblcmp);
	printf("sent %lu done %lu 302 %lu 503 %lu other %lu err %lu "
	    "rate %.1f p50 %.3f p99 %.3f max %.3f conns %zu unsent %zu\n",
	    lg.sent,
	    lg.done, lg.c302, lg.c503, lg.cother, lg.cerr,
	    (double)lg.done / elapsed, lg_pct(lg.lat, lg.nlat, 0.5),
	    lg_pct(lg.lat, lg.nlat, 0.99),
	    lg.nlat ? lg.lat[lg.nlat - 1] : 0.0, lg.nconns,
	    lg.ndue_tail - lg.ndue_head);
	/* Everything freed, so a leak checker (the soak under ASan) is quiet. */
	fflush(stdout);
	for (i = 0; i < lg.nconns; i++)
		evhttp_connection_free(lg.conns[i].evcon);
	event_free(lg.tick);
	event_free(lg.giveup);
	event_base_free(lg.base);
	free(lg.lat);
	free(lg.due);
	return (0);
}
