/* test_load.c: the mock's load model, with the clock as a parameter. */
#include "config.h"

#include <string.h>

#include "mock.h"
#include "tap.h"

int
main(void)
{
	struct load_conf	c;
	struct load_state	s;
	double			sent, recv, cpu;
	uint64_t		idle0, t;

	memset(&c, 0, sizeof(c));
	c.ncpu = 2;
	c.base_cpu = 10;
	c.stream_cpu = 20;
	c.mem_total = 1000;
	c.mem_base_used = 100;
	c.stream_mem = 200;
	c.background_bps = 1000;

	is_int((long long)load_busy_pct(&c, 0), 10, "base CPU");
	is_int((long long)load_busy_pct(&c, 2), 50, "two streams");
	is_int((long long)load_busy_pct(&c, 10), 100, "busy clamps at 100");
	c.extra_streams = 1;
	is_int((long long)load_busy_pct(&c, 0), 30, "extra streams count");
	c.extra_streams = 0;
	is_int(load_avail_bytes(&c, 1), 700, "memory falls per stream");
	is_int(load_avail_bytes(&c, 9), 0, "memory floors at 0");
	ok(load_sys100ns(1700000000000ULL) > (1ULL << 53),
	    "Sys100NS timestamps pass 2^53");
	is_int(load_sys100ns(0), 116444736000000000LL,
	    "Sys100NS counts from 1601");

	load_init(&s, 1000);
	idle0 = s.idle_100ns;
	/* one second with one stream: 30% busy, 70% idle */
	for (t = 1100; t <= 2000; t += 100)
		load_advance(&s, &c, 1, t);
	is_int(s.idle_100ns - idle0, 7000000, "idle accumulates 0.7 s in 100 ns");
	is_int(s.busy_100ns, 3000000, "busy 0.3 s");
	is_int(s.bytes_sent, 1000, "background bytes per second");
	load_add_sent(&s, 5000);
	is_int(s.bytes_sent, 6000, "stream bytes add to the counter");
	is_int(s.stream_bytes, 5000, "and to the stream total");
	for (t = 2100; t <= 3000; t += 100)
		load_advance(&s, &c, 1, t);
	load_rates(&s, 3000, &sent, &recv, &cpu);
	ok(sent > 900 && sent < 6500, "rate over the last second (%.0f)", sent);
	is_int((long long)(cpu + 0.5), 30, "formatted CPU over the last second");
	load_advance(&s, &c, 1, 2500);
	is_int(s.last_ms, 3000, "time never runs backwards");
	return (tap_done());
}
