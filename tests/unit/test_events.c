/*
 * test_events.c: the operator's record (events.c) and the viewers' recent
 * decisions (decisions.c), pure and without a loop: the ring keeps the
 * newest EVENTS_CAP entries with sequence numbers that never repeat,
 * `since' returns only what is newer, texts are bounded; the header's
 * rates, 503 share and latency percentiles over a window.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cimheadd.h"
#include "tap.h"

static size_t
count_after(const struct events *ev, uint64_t since, uint64_t *first,
    uint64_t *last)
{
	const struct events_entry	*e;
	size_t				 n = 0;

	*first = *last = 0;
	for (e = events_next(ev, since); e != NULL; e = events_next(ev, e->seq)) {
		if (n == 0)
			*first = e->seq;
		*last = e->seq;
		n++;
	}
	return (n);
}

static void
test_ring(void)
{
	struct events			*ev;
	const struct events_entry	*e;
	uint64_t			 a, b, seq;
	char				 big[1000];
	size_t				 i, n;
	int				 inorder = 1;

	ev = events_new(4);
	ok(events_next(ev, 0) == NULL, "an empty ring has nothing");
	is_int(events_last(ev), 0, "no sequence yet");
	is_int(events_first(ev), 1, "the first to come is 1");

	events_add(ev, 1000, EVENTS_STATE, 0, "vod-1", "up -> down: %s",
	    "transport: connection refused");
	events_add(ev, 1001, EVENTS_RESTART, 0, "vod-1", "restarting %s",
	    "vodstream.exe");
	e = events_next(ev, 0);
	ok(e != NULL && e->seq == 1, "the oldest first");
	is_str(e != NULL ? e->text : NULL, "up -> down: transport: "
	    "connection refused", "its text");
	is_str(e != NULL ? e->node : NULL, "vod-1", "its node");
	is_int(e != NULL ? e->wall_ms : 0, 1000, "its time");
	is_str(e != NULL ? events_kind_name(e->kind) : NULL, "state",
	    "its kind by name");
	e = events_next(ev, 1);
	ok(e != NULL && e->seq == 2 && e->kind == EVENTS_RESTART,
	    "since 1: the restart only");
	ok(events_next(ev, 2) == NULL, "since the newest: nothing");
	ok(events_next(ev, 99) == NULL, "since a sequence not yet given: "
	    "nothing");

	/* Wrap: 10 entries through a ring of 4 keep 7..10. */
	for (i = 3; i <= 10; i++)
		events_add(ev, 1000 + i, EVENTS_ADMIN, i % 2, "",
		    "action %zu", i);
	n = count_after(ev, 0, &a, &b);
	is_int(n, 4, "wrapped: the ring holds its 4");
	is_int(a, 7, "the oldest kept is 7");
	is_int(b, 10, "the newest is 10");
	is_int(events_first(ev), 7, "first says 7");
	is_int(events_last(ev), 10, "last says 10");
	n = count_after(ev, 2, &a, &b);
	is_int(n, 4, "since an entry gone: everything held");
	is_int(a, 7, "from the oldest held (first > since + 1: some missed)");
	n = count_after(ev, 8, &a, &b);
	is_int(n, 2, "since 8: two");
	is_int(a, 9, "9 then 10");
	seq = 0;
	for (e = events_next(ev, 0); e != NULL; e = events_next(ev, e->seq)) {
		if (e->seq != seq + 1 && seq != 0)
			inorder = 0;
		seq = e->seq;
	}
	ok(inorder, "consecutive sequences, oldest first");
	e = events_next(ev, 8);
	ok(e != NULL && e->warn && strcmp(e->text, "action 9") == 0 &&
	    e->node[0] == '\0', "a cluster-wide entry with its level");

	/* Bounded text and node name. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	events_add(ev, 2000, EVENTS_RELOAD, 1, big, "%s", big);
	e = events_next(ev, 10);
	ok(e != NULL && strlen(e->text) == EVENTS_TEXT_MAX - 1,
	    "a long text is cut to EVENTS_TEXT_MAX - 1");
	ok(e != NULL && strlen(e->node) == CONF_NAME_MAX - 1,
	    "a long node name is cut too");
	/* Cut inside a UTF-8 sequence: the incomplete tail goes. */
	memset(big, 'x', sizeof(big) - 1);
	memcpy(big + EVENTS_TEXT_MAX - 2, "\xc3\xa9\xc3\xa9", 4);
	events_add(ev, 2001, EVENTS_STATE, 0, "n", "%s", big);
	e = events_next(ev, 11);
	ok(e != NULL && strlen(e->text) == EVENTS_TEXT_MAX - 2,
	    "a text cut inside a two-byte character loses its first byte");
	memcpy(big + EVENTS_TEXT_MAX - 3, "\xc3\xa9", 2);
	events_add(ev, 2002, EVENTS_STATE, 0, "n", "%s", big);
	e = events_next(ev, 12);
	ok(e != NULL && strlen(e->text) == EVENTS_TEXT_MAX - 1 &&
	    (unsigned char)e->text[EVENTS_TEXT_MAX - 2] == 0xa9,
	    "a whole character at the end stays");
	is_str(events_kind_name(EVENTS_NKINDS), "unknown",
	    "a kind out of range is unknown");
	events_free(ev);
	events_free(NULL);

	/* Without a ring the call is harmless (unit tests' daemons). */
	events_add(NULL, 1, EVENTS_STATE, 0, "x", "log only");
	ok(events_next(NULL, 0) == NULL && events_last(NULL) == 0,
	    "a NULL ring holds nothing");

	/* A ring as large as the daemon's, wrapped many times. */
	ev = events_new(EVENTS_CAP);
	for (i = 0; i < 3 * EVENTS_CAP + 5; i++)
		events_add(ev, i, EVENTS_STATE, 0, "n", "%zu", i);
	n = count_after(ev, 0, &a, &b);
	is_int(n, EVENTS_CAP, "EVENTS_CAP held after wrapping thrice");
	is_int(b, 3 * EVENTS_CAP + 5, "the newest last");
	is_int(a, 2 * EVENTS_CAP + 6, "the oldest held first");
	events_free(ev);
}

static void
test_decisions(void)
{
	struct decisions	*ds;
	struct decisions_view	 v;
	uint64_t		 t0 = 100000, i;

	decisions_view(NULL, t0, 10000, &v);
	ok(v.viewers == 0 && v.p50_ms == -1 && v.p95_ms == -1,
	    "nothing kept: no viewers, no latency");
	ds = decisions_new();
	decisions_view(ds, t0, 10000, &v);
	ok(v.viewers == 0 && v.per_s == 0 && v.refused_ratio == 0,
	    "nothing yet: zeros");
	/* 100 viewers over 10 s, latencies 1..100 ms, every 4th refused. */
	for (i = 0; i < 100; i++)
		decisions_add(ds, t0 + i * 100, i % 4 == 0, i + 1);
	decisions_view(ds, t0 + 9999, 10000, &v);
	is_int(v.viewers, 100, "100 viewers in the window");
	is_int(v.refused, 25, "25 of them refused");
	ok(v.refused_ratio > 0.249 && v.refused_ratio < 0.251,
	    "503 rate 0.25 (%.3f)", v.refused_ratio);
	ok(v.per_s > 9 && v.per_s < 11, "about 10 viewers/s (%.2f)", v.per_s);
	is_int(v.p50_ms, 50, "p50 50 ms");
	is_int(v.p95_ms, 95, "p95 95 ms");
	/* 30 s later the window has moved past them. */
	decisions_view(ds, t0 + 40000, 10000, &v);
	ok(v.viewers == 0 && v.p50_ms == -1, "an old window is empty");
	/* More than the latency ring: the newest count. */
	for (i = 0; i < 3000; i++)
		decisions_add(ds, t0 + 50000 + i, 0, i < 2000 ? 1000 : 2);
	decisions_view(ds, t0 + 53000, 10000, &v);
	is_int(v.viewers, 3000, "3000 viewers counted, whatever the rate");
	is_int(v.p95_ms, 2, "the latencies are the newest decisions'");
	decisions_free(ds);
	decisions_free(NULL);
}

int
main(void)
{
	log_init("test_events", LOG_LVL_ERR, 0);
	test_ring();
	test_decisions();
	return (tap_done());
}
