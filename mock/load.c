/*
 * load.c: the load model of a mock node, pure (now is a parameter), shaped
 * after what Windows reports so a head-end is not tuned to a smoother mock.
 *
 * - The network counters are the bytes the stream endpoint really sent
 *   plus a configured background rate; they move whenever bytes move, and
 *   Timestamp_PerfTime is the QueryPerformanceCounter value of the read
 *   (10 MHz, counting from the node's boot), as the NDIS counters are.
 * - The processor counter (PERF_100NSEC_TIMER_INV: idle time in 100 ns
 *   units) and Timestamp_Sys100NS are charged by the system timer: they
 *   stand still between two clock interrupts (15.625 ms) and the idle time
 *   moves by whole ticks, as each tick is charged to the idle thread or to
 *   another.  Two reads within a tick see the same values; busy percentages
 *   over short windows come out in steps of one tick.
 * - Formatted values are cooked once a second, on the second, from the
 *   raw counters over the second just ended, and held until the next one.
 *
 * Ticks and seconds are laid on the monotonic clock from 0; 64 ticks make a
 * second, so every second boundary is also a tick boundary.
 */
#include "config.h"

#include <string.h>

#include "mock.h"

/* 1601-01-01 to 1970-01-01 in ms */
#define LOAD_EPOCH_DELTA_MS	11644473600000ULL
/* the cooking period of the formatted classes */
#define LOAD_FMT_MS		1000
/* the node booted this long before the mock started it (QPC's origin) */
#define LOAD_UPTIME_MS		(3600ULL * 1000)
/* a large, Windows-like idle counter at start, in whole ticks */
#define LOAD_IDLE_START		(51990123ULL * LOAD_TICK_100NS)

uint64_t
load_sys100ns(uint64_t wall)
{
	return ((wall + LOAD_EPOCH_DELTA_MS) * 10000ULL);
}

void
load_init(struct load_state *s, const struct load_conf *c, uint64_t now,
    uint64_t wall)
{
	uint64_t	base;

	memset(s, 0, sizeof(*s));
	s->last_ms = now;
	s->start_ms = now;
	/*
	 * Sys100NS of monotonic 0, whole ticks so that every tick's stamp is
	 * one: the wall clock is read once, its later steps are not modelled
	 * (the clockjump fault is).
	 */
	base = load_sys100ns(wall) - now * 10000ULL;
	s->wall_base = base - base % LOAD_TICK_100NS;
	s->idle_100ns = LOAD_IDLE_START;
	s->tick_100ns = now * 10000ULL - now * 10000ULL % LOAD_TICK_100NS;
	s->tick_idle = LOAD_IDLE_START;
	s->sec_ms = now;
	s->sec_idle = s->tick_idle;
	/* before its first full second the node shows its idle load */
	s->cpu_pct = load_busy_pct(c, 0);
	s->fmt.cpu_pct = s->cpu_pct;
	s->fmt.sent_ps = (double)c->background_bps;
	s->fmt.recv_ps = (double)c->background_bps / 50;
	s->fmt.sessions = c->extra_streams;
	s->fmt.avail = load_avail_bytes(c, 0);
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

unsigned
load_sessions(const struct load_conf *c, unsigned streams)
{
	return (streams + c->extra_streams);
}

/*
 * Integrates from last_ms to `to` at the current busy percentage.  The
 * tick counter takes the idle time as of the last clock interrupt in the
 * interval, rounded down to whole ticks: a CPU is charged a tick at a time.
 */
static void
load_integrate(struct load_state *s, const struct load_conf *c, uint64_t to)
{
	uint64_t	from100 = s->last_ms * 10000ULL, to100 = to * 10000ULL;
	uint64_t	dt100, busy, b, idle_b, q;
	double		idle_frac = 1.0 - s->cpu_pct / 100.0, bg;

	dt100 = to100 - from100;
	b = to100 - to100 % LOAD_TICK_100NS;
	if (b > from100) {
		idle_b = s->idle_100ns +
		    (uint64_t)((double)(b - from100) * idle_frac);
		q = idle_b - idle_b % LOAD_TICK_100NS;
		s->tick_100ns = b;
		/* rounding must never run the counter backwards */
		if (q > s->tick_idle)
			s->tick_idle = q;
	}
	busy = (uint64_t)((double)dt100 * s->cpu_pct / 100.0);
	s->busy_100ns += busy;
	s->idle_100ns += dt100 - busy;
	bg = (double)c->background_bps * (double)(to - s->last_ms) / 1000.0 +
	    s->bg_frac;
	s->bytes_sent += (uint64_t)bg;
	s->bytes_recv = s->bytes_sent / 50;
	s->bg_frac = bg - (double)(uint64_t)bg;
	s->last_ms = to;
}

/*
 * At a second boundary (last_ms): cooks the formatted values over the
 * second just ended, from the raw counters as Windows' cooker does, and
 * samples the gauges.  A first window shorter than a second (the node
 * started within it) keeps the start values.
 */
static void
load_cook(struct load_state *s, const struct load_conf *c, unsigned streams)
{
	uint64_t	dt = s->last_ms - s->sec_ms;
	double		busy;

	if (dt >= LOAD_FMT_MS) {
		s->fmt.sent_ps = (double)(s->bytes_sent - s->sec_sent) *
		    1000.0 / (double)dt;
		s->fmt.recv_ps = (double)(s->bytes_recv - s->sec_recv) *
		    1000.0 / (double)dt;
		/* PERF_100NSEC_TIMER_INV: 100 * (1 - didle / dtime) */
		busy = 100.0 * (1.0 - (double)(s->tick_idle - s->sec_idle) /
		    ((double)dt * 10000.0));
		s->fmt.cpu_pct = busy < 0 ? 0 : busy > 100 ? 100 : busy;
	}
	s->fmt.sessions = load_sessions(c, streams);
	s->fmt.avail = load_avail_bytes(c, streams);
	s->sec_ms = s->last_ms;
	s->sec_sent = s->bytes_sent;
	s->sec_recv = s->bytes_recv;
	s->sec_idle = s->tick_idle;
}

void
load_advance(struct load_state *s, const struct load_conf *c,
    unsigned streams, uint64_t now)
{
	uint64_t	sec;

	if (now <= s->last_ms)
		return;
	s->cpu_pct = load_busy_pct(c, streams);
	sec = now - now % LOAD_FMT_MS;
	if (sec > s->last_ms) {
		/*
		 * Only the last second crossed is shown; after a long gap the
		 * one before it is the start of that second's window.
		 */
		if (sec - LOAD_FMT_MS > s->last_ms) {
			load_integrate(s, c, sec - LOAD_FMT_MS);
			load_cook(s, c, streams);
		}
		load_integrate(s, c, sec);
		load_cook(s, c, streams);
	}
	if (now > s->last_ms)
		load_integrate(s, c, now);
}

void
load_add_sent(struct load_state *s, uint64_t n)
{
	s->bytes_sent += n;
	s->stream_bytes += n;
	/* requests and ACKs: received bytes are 2% of the bytes sent */
	s->bytes_recv = s->bytes_sent / 50;
}

uint64_t
load_raw_idle(const struct load_state *s)
{
	return (s->tick_idle);
}

uint64_t
load_raw_sys100ns(const struct load_state *s)
{
	return (s->wall_base + s->tick_100ns);
}

uint64_t
load_qpc(const struct load_state *s)
{
	return ((s->last_ms - s->start_ms + LOAD_UPTIME_MS) * 10000ULL);
}

const struct load_fmt *
load_formatted(const struct load_state *s)
{
	return (&s->fmt);
}
