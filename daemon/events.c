/*
 * events.c: what an operator needs to read back after the fact: the
 * node state changes (with their cause), the restarts and their results,
 * the reloads and the admin actions, in a bounded ring of the newest
 * EVENTS_CAP.  Each entry has a sequence number that never repeats, so a
 * reader (the dashboard) asks only for what is newer than what it has,
 * and sees from the first sequence still held whether it missed some.
 * Every entry also goes to the log as one line, the text a grep of the
 * log has always found ("node vod-1: up -> down: ...").
 *
 * It calls no daemon module; the wall time is handed in.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cimheadd.h"

struct events {
	struct events_entry	*e;	/* ring of cap entries */
	size_t			 cap;
	size_t			 n;	/* held */
	size_t			 head;	/* the oldest */
	uint64_t		 seq;	/* the newest's; 0 before any */
};

static const char *events_kind_names[] = {
	[EVENTS_STATE] = "state",
	[EVENTS_RESTART] = "restart",
	[EVENTS_RESTART_RESULT] = "restart-result",
	[EVENTS_RELOAD] = "reload",
	[EVENTS_ADMIN] = "admin",
};

const char *
events_kind_name(enum events_kind k)
{
	if ((size_t)k >= nitems(events_kind_names))
		return ("unknown");
	return (events_kind_names[k]);
}

/*
 * A text cut to its buffer may end inside a UTF-8 sequence, which a JSON
 * encoder refuses: the incomplete tail goes.
 */
static void
events_trim(char *s)
{
	size_t	n = strlen(s), k = n, need;

	while (k > 0 && ((unsigned char)s[k - 1] & 0xc0) == 0x80 && n - k < 3)
		k--;
	if (k == 0 || ((unsigned char)s[k - 1] & 0x80) == 0)
		return;
	/* s[k - 1] leads a sequence of need bytes; n - k + 1 are there. */
	need = ((unsigned char)s[k - 1] & 0xe0) == 0xc0 ? 2 :
	    ((unsigned char)s[k - 1] & 0xf0) == 0xe0 ? 3 : 4;
	if (n - k + 1 < need)
		s[k - 1] = '\0';
}

struct events *
events_new(size_t cap)
{
	struct events	*ev;

	ev = xcalloc(1, sizeof(*ev));
	ev->cap = cap > 0 ? cap : 1;
	ev->e = xcalloc(ev->cap, sizeof(*ev->e));
	return (ev);
}

void
events_free(struct events *ev)
{
	if (ev == NULL)
		return;
	free(ev->e);
	free(ev);
}

void
events_add(struct events *ev, uint64_t wall, enum events_kind kind, int warn,
    const char *node, const char *fmt, ...)
{
	struct events_entry	*e, tmp;
	va_list			 ap;

	/* Without a ring (a unit test's daemon) the log still has it. */
	e = ev != NULL ? &ev->e[(ev->head + ev->n) % ev->cap] : &tmp;
	if (ev != NULL && ev->n == ev->cap) {
		ev->head = (ev->head + 1) % ev->cap;
		ev->n--;
	}
	memset(e, 0, sizeof(*e));
	e->wall_ms = wall;
	e->kind = kind;
	e->warn = warn != 0;
	strlcpy(e->node, node != NULL ? node : "", sizeof(e->node));
	va_start(ap, fmt);
	/* Truncation is fine: the text is bounded, the entry still says it. */
	if (vsnprintf(e->text, sizeof(e->text), fmt, ap) >= (int)sizeof(e->text))
		events_trim(e->text);
	va_end(ap);
	if (node != NULL && strlen(node) >= sizeof(e->node))
		events_trim(e->node);
	if (ev != NULL) {
		e->seq = ++ev->seq;
		ev->n++;
	}
	if (e->node[0] != '\0')
		(warn ? log_warn : log_info)("node %s: %s", e->node, e->text);
	else
		(warn ? log_warn : log_info)("%s", e->text);
}

const struct events_entry *
events_next(const struct events *ev, uint64_t after)
{
	uint64_t	first;

	if (ev == NULL || ev->n == 0 || after >= ev->seq)
		return (NULL);
	first = ev->seq - ev->n + 1;
	if (after < first)
		after = first - 1;
	return (&ev->e[(ev->head + (size_t)(after + 1 - first)) % ev->cap]);
}

uint64_t
events_first(const struct events *ev)
{
	if (ev == NULL || ev->n == 0)
		return (ev != NULL ? ev->seq + 1 : 1);
	return (ev->seq - ev->n + 1);
}

uint64_t
events_last(const struct events *ev)
{
	return (ev != NULL ? ev->seq : 0);
}
