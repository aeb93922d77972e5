/*
 * decisions.c: the viewers' recent record, for the cluster header of the
 * admin API and the dashboard: viewers per second and the share refused
 * (503) over the last window, and the decision latency (request in to
 * reply decided: the wait for a probe round included) as p50 and p95.
 *
 * Counts go into one-second buckets, so the rates are exact at any
 * arrival rate; latencies into a ring of the newest DECISIONS_LAT, so
 * the percentiles cost a sort of at most that many.  Pure: the monotonic
 * `now' is handed in, no I/O.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cimheadd.h"

#define DECISIONS_SECS	60	/* buckets: the longest window asked */
#define DECISIONS_LAT	1024

struct decisions_sec {
	uint64_t	 sec;		/* now / 1000 it counts; 0 unused */
	uint64_t	 n, n503;
};
struct decisions_lat {
	uint64_t	 at_ms;
	uint32_t	 ms;
};
struct decisions {
	struct decisions_sec	 s[DECISIONS_SECS];
	struct decisions_lat	 lat[DECISIONS_LAT];
	size_t			 nlat, next;
};

struct decisions *
decisions_new(void)
{
	return (xcalloc(1, sizeof(struct decisions)));
}

void
decisions_free(struct decisions *ds)
{
	free(ds);
}

void
decisions_add(struct decisions *ds, uint64_t now, int refused,
    uint64_t latency_ms)
{
	struct decisions_sec	*s;
	uint64_t		 sec = now / 1000 + 1;

	if (ds == NULL)
		return;
	s = &ds->s[sec % DECISIONS_SECS];
	if (s->sec != sec) {
		s->sec = sec;
		s->n = s->n503 = 0;
	}
	s->n++;
	if (refused)
		s->n503++;
	ds->lat[ds->next].at_ms = now;
	ds->lat[ds->next].ms = latency_ms > UINT32_MAX ? UINT32_MAX :
	    (uint32_t)latency_ms;
	ds->next = (ds->next + 1) % DECISIONS_LAT;
	if (ds->nlat < DECISIONS_LAT)
		ds->nlat++;
}

static int
decisions_cmp(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x < y ? -1 : x > y);
}

/* Nearest-rank percentile of n sorted values, p in 0..100. */
static uint32_t
decisions_rank(const uint32_t *v, size_t n, unsigned p)
{
	size_t	k = (n * p + 99) / 100;

	return (v[k > 0 ? k - 1 : 0]);
}

void
decisions_view(const struct decisions *ds, uint64_t now, uint64_t window_ms,
    struct decisions_view *out)
{
	uint32_t	*v;
	uint64_t	 sec = now / 1000 + 1, from, span;
	size_t		 i, n = 0;

	memset(out, 0, sizeof(*out));
	out->p50_ms = out->p95_ms = -1;
	if (window_ms < 1000)
		window_ms = 1000;
	if (window_ms > (DECISIONS_SECS - 1) * 1000)
		window_ms = (DECISIONS_SECS - 1) * 1000;
	out->window_ms = window_ms;
	if (ds == NULL)
		return;
	/*
	 * Whole seconds: the current one (partly elapsed) and those before
	 * it back to the window; the rate is over the time they cover.
	 */
	span = window_ms / 1000;
	from = sec > span ? sec - span : 1;
	for (i = 0; i < DECISIONS_SECS; i++)
		if (ds->s[i].sec >= from && ds->s[i].sec <= sec) {
			out->viewers += ds->s[i].n;
			out->refused += ds->s[i].n503;
		}
	out->per_s = (double)out->viewers /
	    ((double)(span * 1000 + now % 1000) / 1000);
	out->refused_ratio = out->viewers > 0 ?
	    (double)out->refused / (double)out->viewers : 0;
	v = xcalloc(DECISIONS_LAT, sizeof(*v));
	for (i = 0; i < ds->nlat; i++)
		if (ds->lat[i].at_ms <= now &&
		    now - ds->lat[i].at_ms <= window_ms)
			v[n++] = ds->lat[i].ms;
	if (n > 0) {
		qsort(v, n, sizeof(*v), decisions_cmp);
		out->p50_ms = decisions_rank(v, n, 50);
		out->p95_ms = decisions_rank(v, n, 95);
		out->decisions = n;
	}
	free(v);
}
