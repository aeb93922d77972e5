/*
 * load.c: the load model of a mock node, pure (now is a parameter).  The
 * network counters are the bytes the stream endpoint really sent plus a
 * configured background rate; the CPU accumulators advance by the idle
 * fraction that follows from a base load and the active streams (the raw
 * processor counter is PERF_100NSEC_TIMER_INV: it accumulates idle time in
 * 100 ns units); available memory falls per stream.  Formatted rates are
 * taken over the last second from a ring of snapshots 125 ms apart.
 */
#include "config.h"

#include <string.h>

#include "mock.h"

/* 1601-01-01 to 1970-01-01 in ms */
#define LOAD_EPOCH_DELTA_MS	11644473600000ULL
/* snapshot spacing: rates cover 1 s to 1 s + LOAD_SNAP_MS */
#define LOAD_SNAP_MS		125

uint64_t
load_sys100ns(uint64_t wall)
{
	return ((wall + LOAD_EPOCH_DELTA_MS) * 10000ULL);
}

void
load_init(struct load_state *s, uint64_t now)
{
	memset(s, 0, sizeof(*s));
	s->last_ms = now;
	/* start from large, Windows-like counter values */
	s->idle_100ns = 8123456789012ULL;
	s->ring[0].ms = now;
	s->ring[0].idle = s->idle_100ns;
	s->ring_n = 1;
}

double
load_busy_pct(const struct load_conf *c, unsigned streams)
{
	double	busy;

	busy = c->base_cpu + c->stream_cpu * (double)(streams +
	    c->extra_streams);
	if (busy < 0)
		busy = 0;
	if (busy > 100)
		busy = 100;
	return (busy);
}

uint64_t
load_avail_bytes(const struct load_conf *c, unsigned streams)
{
	uint64_t	used;

	used = c->mem_base_used + c->stream_mem * (uint64_t)(streams +
	    c->extra_streams);
	return (used >= c->mem_total ? 0 : c->mem_total - used);
}

static void
load_snapshot(struct load_state *s, uint64_t now)
{
	unsigned	i;

	if (now < s->ring[s->ring_head].ms + LOAD_SNAP_MS)
		return;
	i = (s->ring_head + 1) % LOAD_RING;
	s->ring[i].ms = now;
	s->ring[i].sent = s->bytes_sent;
	s->ring[i].recv = s->bytes_recv;
	s->ring[i].idle = s->idle_100ns;
	s->ring[i].busy = s->busy_100ns;
	s->ring_head = i;
	if (s->ring_n < LOAD_RING)
		s->ring_n++;
}

void
load_advance(struct load_state *s, const struct load_conf *c,
    unsigned streams, uint64_t now)
{
	uint64_t	dt, busy;
	double		bg;

	if (now <= s->last_ms)
		return;
	dt = now - s->last_ms;
	s->last_ms = now;
	s->cpu_pct = load_busy_pct(c, streams);
	/* 1 ms = 10000 ticks of 100 ns */
	busy = (uint64_t)((double)dt * 10000.0 * s->cpu_pct / 100.0);
	s->busy_100ns += busy;
	s->idle_100ns += dt * 10000ULL - busy;
	bg = (double)c->background_bps * (double)dt / 1000.0 + s->bg_frac;
	s->bytes_sent += (uint64_t)bg;
	/* requests and ACKs: a small receive rate proportional to sends */
	s->bytes_recv += (uint64_t)bg / 50;
	s->bg_frac = bg - (double)(uint64_t)bg;
	load_snapshot(s, now);
}

void
load_add_sent(struct load_state *s, uint64_t n)
{
	s->bytes_sent += n;
	s->stream_bytes += n;
	s->bytes_recv += n / 50;
}

void
load_rates(const struct load_state *s, uint64_t now, double *sent_ps,
    double *recv_ps, double *cpu_pct)
{
	unsigned	i, k, best;
	uint64_t	dt;

	/* the newest snapshot at least ~1 s old, else the oldest kept */
	best = s->ring_head;
	for (k = 0; k < s->ring_n; k++) {
		i = (s->ring_head + LOAD_RING - k) % LOAD_RING;
		best = i;
		if (now >= s->ring[i].ms + 1000)
			break;
	}
	dt = now > s->ring[best].ms ? now - s->ring[best].ms : 0;
	if (dt == 0) {
		*sent_ps = *recv_ps = 0;
		*cpu_pct = s->cpu_pct;
		return;
	}
	*sent_ps = (double)(s->bytes_sent - s->ring[best].sent) * 1000.0 /
	    (double)dt;
	*recv_ps = (double)(s->bytes_recv - s->ring[best].recv) * 1000.0 /
	    (double)dt;
	*cpu_pct = (double)(s->busy_100ns - s->ring[best].busy) /
	    ((double)dt * 100.0);
	if (*cpu_pct > 100)
		*cpu_pct = 100;
}
