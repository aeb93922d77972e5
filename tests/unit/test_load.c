/*
 * test_load.c: the mock's load model, with the clock as a parameter: the
 * raw processor counters move by whole system-timer ticks, the formatted
 * values are cooked once a second and held, the session counter follows
 * the streams.
 */
#include "config.h"

#include <string.h>

#include "mock.h"
#include "tap.h"

#define WALL	1700000000123ULL	/* any wall clock, not on a tick */
#define TICK	LOAD_TICK_100NS

static void
test_model(void)
{
	struct load_conf	c;

	memset(&c, 0, sizeof(c));
	c.base_cpu = 10;
	c.stream_cpu = 20;
	c.mem_total = 1000;
	c.mem_base_used = 100;
	c.stream_mem = 200;
	is_int((long long)load_busy_pct(&c, 0), 10, "base CPU");
	is_int((long long)load_busy_pct(&c, 2), 50, "two streams");
	is_int((long long)load_busy_pct(&c, 10), 100, "busy clamps at 100");
	c.extra_streams = 1;
	is_int((long long)load_busy_pct(&c, 0), 30, "extra streams count");
	is_int(load_sessions(&c, 2), 3, "sessions: streams plus extra viewers");
	c.extra_streams = 0;
	is_int(load_sessions(&c, 2), 2, "sessions: the streams served");
	is_int(load_avail_bytes(&c, 1), 700, "memory falls per stream");
	is_int(load_avail_bytes(&c, 9), 0, "memory floors at 0");
	ok(load_sys100ns(1700000000000ULL) > (1ULL << 53),
	    "Sys100NS timestamps pass 2^53");
	is_int(load_sys100ns(0), 116444736000000000LL,
	    "Sys100NS counts from 1601");
}

/* Reads 1 ms apart over 3 s: the raw counters only move on a tick. */
static void
test_ticks(void)
{
	struct load_conf	c;
	struct load_state	s;
	uint64_t		t, i0, s0, i, ts, pi, pts, qpc;
	int			offtick = 0, moved_between = 0, stepped = 0;
	double			cpu;

	memset(&c, 0, sizeof(c));
	c.base_cpu = 10;
	c.stream_cpu = 20;
	load_init(&s, &c, 1000, WALL);
	s0 = load_raw_sys100ns(&s);
	i0 = load_raw_idle(&s);
	is_int(s0 % TICK, 0, "Timestamp_Sys100NS is on a tick");
	ok(s0 > load_sys100ns(WALL) - TICK && s0 <= load_sys100ns(WALL),
	    "Timestamp_Sys100NS is the wall clock's last tick");
	is_int(i0 % TICK, 0, "the idle counter starts on whole ticks");

	/* 1000 ms is a tick; 1001 and 1002 are inside the next one */
	load_advance(&s, &c, 1, 1001);
	pi = load_raw_idle(&s);
	pts = load_raw_sys100ns(&s);
	qpc = load_qpc(&s);
	load_advance(&s, &c, 1, 1002);
	is_int(load_raw_idle(&s), pi, "1 ms later within a tick: same idle");
	is_int(load_raw_sys100ns(&s), pts,
	    "1 ms later within a tick: same Timestamp_Sys100NS");
	is_int(load_qpc(&s) - qpc, 10000,
	    "Timestamp_PerfTime moves 1 ms at 10 MHz (QPC is not ticked)");
	load_advance(&s, &c, 1, 1016);	/* past 1015.625 */
	is_int(load_raw_sys100ns(&s) - pts, TICK,
	    "the next tick: Timestamp_Sys100NS + 156250");
	pi = load_raw_idle(&s);
	pts = load_raw_sys100ns(&s);

	for (t = 1017; t <= 4000; t++) {
		load_advance(&s, &c, 1, t);
		i = load_raw_idle(&s);
		ts = load_raw_sys100ns(&s);
		if ((i - pi) % TICK != 0 || (ts - pts) % TICK != 0)
			offtick++;
		/* a tick boundary lies in (t-1, t] iff 64t/1000 moved */
		if (t * 64 / 1000 == (t - 1) * 64 / 1000) {
			if (i != pi || ts != pts)
				moved_between++;
		} else if (ts != pts + TICK)
			stepped++;
		pi = i;
		pts = ts;
	}
	is_int(offtick, 0, "every delta is a multiple of 156250");
	is_int(moved_between, 0, "no raw value moves between ticks");
	is_int(stepped, 0, "each tick advances Timestamp_Sys100NS by one tick");
	cpu = 100.0 * (1.0 - (double)(load_raw_idle(&s) - i0) /
	    (double)(load_raw_sys100ns(&s) - s0));
	ok(cpu > 29 && cpu < 31, "over 3 s the ticks give 30%% busy (%.2f)",
	    cpu);
	load_advance(&s, &c, 1, 2500);
	is_int(s.last_ms, 4000, "time never runs backwards");
}

/* Formatted values: cooked on each second, constant in between. */
static void
test_formatted(void)
{
	struct load_conf	 c;
	struct load_state	 s;
	struct load_fmt		 a, b;
	const struct load_fmt	*f;
	uint64_t		 t;
	double			 k;
	int			 changed = 0;

	memset(&c, 0, sizeof(c));
	c.base_cpu = 10;
	c.stream_cpu = 20;
	c.mem_total = 1000;
	c.mem_base_used = 100;
	c.stream_mem = 200;
	c.background_bps = 1000;
	load_init(&s, &c, 1500, WALL);
	f = load_formatted(&s);
	ok(f->cpu_pct == 10 && f->sent_ps == 1000 && f->sessions == 0 &&
	    f->avail == 900, "before a whole second: the idle node's values");
	load_advance(&s, &c, 1, 2000);
	is_int((long long)f->cpu_pct, 10,
	    "a first window under a second is not shown");
	is_int(f->sessions, 1, "gauges are sampled on the first second");

	/* [2000, 3000]: one stream and 5000 stream bytes */
	load_advance(&s, &c, 1, 2001);
	a = *f;
	for (t = 2002; t <= 2999; t++) {
		load_advance(&s, &c, 1, t);
		if (t == 2500)
			load_add_sent(&s, 5000);
		if (memcmp(f, &a, sizeof(a)) != 0)
			changed++;
	}
	is_int(changed, 0, "constant from 2.001 s to 2.999 s");
	load_advance(&s, &c, 1, 3000);
	b = *f;
	ok(memcmp(&a, &b, sizeof(a)) != 0, "updated on the second");
	is_int((long long)b.sent_ps, 6000, "sent: 5000 stream + 1000 background");
	is_int((long long)b.recv_ps, 120, "received: 2%% of sent");
	/* 100 * (1 - k * 156250 / 10^7): k whole idle ticks of 64 */
	k = (100.0 - b.cpu_pct) * 64.0 / 100.0;
	ok(k - (double)(long long)(k + 0.5) < 1e-9 &&
	    (double)(long long)(k + 0.5) - k < 1e-9,
	    "formatted CPU is whole ticks of the second (%.4f ticks idle)", k);
	ok(b.cpu_pct >= 28.4 && b.cpu_pct <= 31.6,
	    "formatted CPU 30%% within a tick (%.3f)", b.cpu_pct);
	is_int(b.avail, 700, "AvailableBytes with one stream");

	/* a second stream at 3.5 s shows only at 4 s */
	load_advance(&s, &c, 1, 3500);
	load_advance(&s, &c, 2, 3999);
	is_int(f->sessions, 1, "the new session is not shown before the second");
	is_int(f->avail, 700, "nor its memory");
	load_advance(&s, &c, 2, 4000);
	is_int(f->sessions, 2, "and is on the second");
	is_int(f->avail, 500, "with its memory");
	ok(f->cpu_pct > 38 && f->cpu_pct < 42,
	    "half a second at 30%% and half at 50%% (%.2f)", f->cpu_pct);
	is_int((long long)f->sent_ps, 1000, "background only");

	/* after a silent gap the last whole second is shown */
	c.background_bps = 3000;
	load_advance(&s, &c, 0, 10500);
	is_int((long long)f->sent_ps, 3000, "after a gap: [9 s, 10 s]");
	ok(f->cpu_pct >= 8.4 && f->cpu_pct <= 11.6,
	    "after a gap: the idle node (%.2f)", f->cpu_pct);
	is_int(f->sessions, 0, "after a gap: no session");
}

int
main(void)
{
	test_model();
	test_ticks();
	test_formatted();
	return (tap_done());
}
