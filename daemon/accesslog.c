/*
 * accesslog.c: the access log (access-log), one line per viewer reply,
 * for the operator who asks why a viewer got what it got:
 *
 *	TIME CLIENT METHOD "TITLE" NODE STATUS LATENCYms "WHY"
 *
 * TIME is UTC to the millisecond, NODE the node chosen or "-", LATENCY
 * the time from the request to its decision.  A title is the viewer's
 * text: in quotes, with '"', '\\' and every byte outside printable ASCII
 * written \xNN (or \" and \\), so a title cannot forge a line or a field.
 * A quoted field shows its first ACCESSLOG_FIELD_MAX bytes, so a line is
 * whole and at most ACCESSLOG_LINE_MAX bytes.
 *
 * The file is written through stdio's buffer and flushed once per loop
 * turn (a timer of 0), so a burst of viewers costs one write, and a line
 * is on disk before the loop sleeps.  SIGHUP reopens it (logrotate).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "cimheadd.h"

#define ACCESSLOG_LINE_MAX	2048
#define ACCESSLOG_FIELD_MAX	255	/* bytes shown of a quoted field */
#define ACCESSLOG_BUFFER	65536

struct accesslog {
	FILE		*f;		/* stderr for "-" */
	struct event	*flush_ev;
};

static void	accesslog_flush_cb(evutil_socket_t, short, void *);

static void
accesslog_flush_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct accesslog	*al = arg;

	if (al->f != NULL)
		fflush(al->f);
}

static void
accesslog_close(struct accesslog *al)
{
	if (al->f != NULL) {
		fflush(al->f);
		if (al->f != stderr)
			fclose(al->f);
		al->f = NULL;
	}
}

int
accesslog_open(struct daemon *d)
{
	struct accesslog	*al = d->alog;
	const char		*path = d->conf->access_log;
	FILE			*f;

	if (path == NULL) {
		accesslog_free(d);
		return (0);
	}
	if (strcmp(path, "-") == 0)
		f = stderr;
	else if ((f = fopen(path, "a")) == NULL)
		return (-1);
	else
		setvbuf(f, NULL, _IOFBF, ACCESSLOG_BUFFER);
	if (al == NULL) {
		al = d->alog = xcalloc(1, sizeof(*al));
		if ((al->flush_ev = evtimer_new(d->base, accesslog_flush_cb,
		    al)) == NULL)
			fatal("evtimer_new");
	}
	accesslog_close(al);
	al->f = f;
	return (0);
}

void
accesslog_free(struct daemon *d)
{
	struct accesslog	*al = d->alog;

	if (al == NULL)
		return;
	accesslog_close(al);
	event_free(al->flush_ev);
	free(al);
	d->alog = NULL;
}

/*
 * s quoted into b, escaped, its first ACCESSLOG_FIELD_MAX bytes (then
 * "..."): two such fields and the rest fit a line.
 */
static void
accesslog_quote(struct buf *b, const char *s)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p;
	char			 e[4];
	size_t			 n = 0;

	buf_puts(b, "\"");
	for (p = (const unsigned char *)(s != NULL ? s : "-"); *p != '\0';
	    p++) {
		if (n++ == ACCESSLOG_FIELD_MAX) {
			buf_puts(b, "...");
			break;
		}
		if (*p == '"' || *p == '\\') {
			e[0] = '\\';
			e[1] = (char)*p;
			buf_add(b, e, 2);
		} else if (*p >= 0x20 && *p < 0x7f)
			buf_add(b, p, 1);
		else {
			e[0] = '\\';
			e[1] = 'x';
			e[2] = hex[*p >> 4];
			e[3] = hex[*p & 0xf];
			buf_add(b, e, 4);
		}
	}
	buf_puts(b, "\"");
}

/* A bare field: itself when it is one word of printable ASCII, else "-". */
static const char *
accesslog_word(const char *s)
{
	const char	*p;

	if (s == NULL || *s == '\0')
		return ("-");
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return ("-");
	return (s);
}

void
accesslog_write(struct daemon *d, const char *client, const char *method,
    const char *title, const char *node, int status, uint64_t latency_ms,
    const char *why)
{
	struct accesslog	*al = d->alog;
	struct timeval		 tv;
	struct buf		 b;
	char			 when[40];

	if (al == NULL || al->f == NULL)
		return;
	/* Room for the end of the line whatever the fields held. */
	buf_init(&b, ACCESSLOG_LINE_MAX - 2);
	log_time(wall_ms(), when, sizeof(when));
	buf_printf(&b, "%s %.64s %.16s ", when[0] != '\0' ? when : "-",
	    accesslog_word(client), accesslog_word(method));
	accesslog_quote(&b, title);
	buf_printf(&b, " %.64s %d %llums ", accesslog_word(node), status,
	    (unsigned long long)latency_ms);
	accesslog_quote(&b, why);
	if (b.data != NULL) {
		fputs(b.data, al->f);
		fputc('\n', al->f);
	}
	buf_release(&b);
	if (!evtimer_pending(al->flush_ev, NULL)) {
		ms_to_tv(0, &tv);
		evtimer_add(al->flush_ev, &tv);
	}
}
