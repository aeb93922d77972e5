/*
 * vhttp.c: the viewer listener's HTTP/1.1 server, on bufferevents.
 *
 * libevent 2.1's evhttp cannot be made to keep the promise that every
 * viewer request gets exactly one reply: it frees a connection on read
 * EOF, so requests pipelined before a half-close were dropped (issue 17
 * item 7), and its framing let through what a proxy in front may read
 * otherwise (two Content-Length, a bad chunk size answered 413, an
 * "HTTP/0.9 302" status line: item 12).  So the viewer side has this
 * small server; the admin listener stays on evhttp.
 *
 * A connection reads requests into a queue: a request is handed to the
 * owner (request_cb) as soon as it is whole, and its reply, made at once
 * or later (a viewer parked on a probe round), waits in the queue until
 * every earlier reply has gone out.  Reading stops while the queue is
 * full or the unsent output is over max_output (a client that pipelines
 * and never reads), and resumes as they drain.  A half-close (read EOF)
 * answers every whole request received, then closes; a reset, a write
 * error, the idle timeout or shutdown frees the connection, and each
 * request its owner still holds gets abandon_cb instead of a reply.
 * Bad framing gets vhttp's own reply, in its place in the queue, with
 * Connection: close, and nothing after it on that connection is read.
 *
 * A connection is freed only from its own events or timers, never from
 * inside vhttp_reply(), so an owner may reply from any callback.  After
 * the last reply of a connection that is closing, the write side is shut
 * and the input read and dropped for a moment (a lingering close): a
 * close with unread input sends a reset, which may destroy the reply in
 * the peer's receive queue before it is read.
 *
 * The request head is due within header_timeout_ms of the connection
 * opening or of its previous request; past the cap the idle connection
 * (nothing queued, nothing unsent) nearest its deadline is closed; when
 * accept() fails for want of descriptors the listener pauses instead of
 * spinning (as listen.c does for the admin side).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>

#include "cimheadd.h"

#define VHTTP_SWEEP_MS		200
#define VHTTP_PAUSE_MS		100	/* accept() out of descriptors */
#define VHTTP_LOG_EVERY_MS	5000
#define VHTTP_LINGER_MS		2000	/* reading after the last reply */
#define VHTTP_MAX_LINE		(VHTTP_MAX_URI + 64)	/* request line */
#define VHTTP_MAX_CHUNK_LINE	1024
#define VHTTP_MAX_BLANK		64	/* blank lines before a request */

/* What a connection is reading. */
enum vhttp_read {
	VR_HEAD = 0,
	VR_BODY,		/* Content-Length bytes left */
	VR_CHUNK_LINE,
	VR_CHUNK_DATA,
	VR_CHUNK_END,		/* the CRLF after a chunk's data */
	VR_TRAILER,
	VR_STOPPED,		/* nothing more: close after the replies */
	VR_LINGER,		/* replies sent, write side shut */
};

struct vhttp_req {
	struct vhttp_conn	*c;
	enum vhttp_method	 method;
	int			 minor;
	int			 keep_alive;	/* else close after its reply */
	int			 held;		/* the owner's, not answered */
	char			*uri;
	void			*owner;
	struct buf		 hdrs;		/* "Name: value\r\n" added */
	struct evbuffer		*reply;		/* NULL until replied */
	TAILQ_ENTRY(vhttp_req)	 entry;
};

struct vhttp_conn {
	struct vhttp		*v;
	struct bufferevent	*bev;
	TAILQ_HEAD(, vhttp_req)	 reqs;		/* in request order */
	size_t			 nreqs;
	struct vhttp_req	*cur;		/* whose body is being read */
	enum vhttp_read		 rd;
	size_t			 scan;		/* head bytes searched */
	size_t			 fields;	/* where its header lines start */
	uint64_t		 left;		/* of a body or a chunk */
	uint64_t		 body;		/* chunked body so far */
	size_t			 trailer;	/* trailer bytes so far */
	int			 eof;		/* the peer half-closed */
	char			 peer[INET6_ADDRSTRLEN]; /* "" unknown */
	int			 paused;	/* reading stopped: queue, output */
	uint64_t		 deadline_ms;	/* next request head by then */
	TAILQ_ENTRY(vhttp_conn)	 entry;
};

struct vhttp {
	struct daemon		*d;
	struct vhttp_cf		 cf;
	struct evconnlistener	*lev;		/* NULL once not accepting */
	TAILQ_HEAD(, vhttp_conn) conns;
	size_t			 n;
	struct event		*sweep_ev, *resume_ev;
	uint64_t		 accept_logged_ms;
	unsigned long		 accept_fails;
};

static void	vhttp_accept_cb(struct evconnlistener *, evutil_socket_t,
		    struct sockaddr *, int, void *);
static void	vhttp_accept_error_cb(struct evconnlistener *, void *);
static void	vhttp_peer(const struct sockaddr *, int, char *, size_t);
static void	vhttp_read_cb(struct bufferevent *, void *);
static void	vhttp_write_cb(struct bufferevent *, void *);
static void	vhttp_event_cb(struct bufferevent *, short, void *);
static void	vhttp_sweep_cb(evutil_socket_t, short, void *);
static void	vhttp_resume_cb(evutil_socket_t, short, void *);

/* ---- the pure core: a request head, a chunk-size line ------------------- */

static const struct {
	const char		*name;
	enum vhttp_method	 m;
} vhttp_methods[] = {
	{ "GET", VHTTP_GET }, { "HEAD", VHTTP_HEAD }, { "POST", VHTTP_POST },
	{ "PUT", VHTTP_PUT }, { "DELETE", VHTTP_DELETE },
	{ "OPTIONS", VHTTP_OPTIONS }, { "TRACE", VHTTP_TRACE },
	{ "CONNECT", VHTTP_CONNECT }, { "PATCH", VHTTP_PATCH },
};

/* RFC 9110 tchar: what a method or a field name is made of. */
static int
vhttp_tchar(unsigned char c)
{
	return ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z') || (c != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL));
}

static int
vhttp_refuse(struct vhttp_head *h, int code, const char *why)
{
	h->why = why;
	return (code);
}

/* Case-insensitive equality of [p, p + n) and a lower-case word. */
static int
vhttp_is(const char *p, size_t n, const char *word)
{
	size_t	i;

	if (strlen(word) != n)
		return (0);
	for (i = 0; i < n; i++)
		if ((p[i] >= 'A' && p[i] <= 'Z' ? p[i] - 'A' + 'a' :
		    p[i]) != word[i])
			return (0);
	return (1);
}

/* Connection: a list of options; close and keep-alive are ours. */
static void
vhttp_connection(const char *v, size_t n, int *close, int *keep)
{
	size_t	i = 0, s, e;

	while (i < n) {
		while (i < n && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		s = i;
		while (i < n && v[i] != ',')
			i++;
		e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (vhttp_is(v + s, e - s, "close"))
			*close = 1;
		else if (vhttp_is(v + s, e - s, "keep-alive"))
			*keep = 1;
	}
}

int
vhttp_parse_head(const char *buf, size_t len, struct vhttp_head *h)
{
	const char	*p = buf, *end = buf + len, *eol, *sp, *ver, *colon;
	const char	*v, *ve, *fields;
	size_t		 n, i, tlen, nfields = 0;
	int		 ncl = 0, nte = 0, nhost = 0, cclose = 0, ckeep = 0;
	int		 method = -1;

	memset(h, 0, sizeof(*h));
	if ((eol = memchr(p, '\n', len)) == NULL)
		return (vhttp_refuse(h, 400, "no request line"));
	n = (size_t)(eol - p);
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n > VHTTP_MAX_LINE)
		return (vhttp_refuse(h, 414, "request line too long"));
	/* method SP request-target SP HTTP-version, single spaces */
	for (i = 0; i < n && p[i] != ' '; i++)
		if ((unsigned char)p[i] <= 0x20 || (unsigned char)p[i] >= 0x7f)
			return (vhttp_refuse(h, 400, "bad request line"));
	if (i == 0 || i == n)
		return (vhttp_refuse(h, 400, "bad request line"));
	if ((sp = memchr(p + i + 1, ' ', n - i - 1)) == NULL)
		return (vhttp_refuse(h, 400, "HTTP/1.0 or HTTP/1.1 only"));
	h->uri_off = i + 1;
	tlen = (size_t)(sp - (p + i + 1));
	ver = sp + 1;
	if ((size_t)(p + n - ver) == 8 && memcmp(ver, "HTTP/1.", 7) == 0 &&
	    (ver[7] == '0' || ver[7] == '1'))
		h->minor = ver[7] - '0';
	else if ((size_t)(p + n - ver) == 8 && memcmp(ver, "HTTP/", 5) == 0 &&
	    ver[5] >= '2' && ver[5] <= '9' && ver[6] == '.' &&
	    ver[7] >= '0' && ver[7] <= '9')
		return (vhttp_refuse(h, 505, "HTTP/1.0 or HTTP/1.1 only"));
	else
		return (vhttp_refuse(h, 400, "HTTP/1.0 or HTTP/1.1 only"));
	for (n = 0; n < nitems(vhttp_methods); n++)
		if (strlen(vhttp_methods[n].name) == i &&
		    memcmp(vhttp_methods[n].name, p, i) == 0)
			method = (int)vhttp_methods[n].m;
	if (method == -1)
		return (vhttp_refuse(h, 501, "method not implemented"));
	h->method = (enum vhttp_method)method;
	if (tlen == 0)
		return (vhttp_refuse(h, 400, "bad request line"));
	if (tlen > VHTTP_MAX_URI)
		return (vhttp_refuse(h, 414, "URI too long"));
	for (i = 0; i < tlen; i++)
		if ((unsigned char)buf[h->uri_off + i] <= 0x20 ||
		    (unsigned char)buf[h->uri_off + i] >= 0x7f)
			return (vhttp_refuse(h, 400,
			    "bad character in the request target"));
	h->uri_len = tlen;

	for (fields = p = eol + 1; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return (vhttp_refuse(h, 400, "unterminated header"));
		n = (size_t)(eol - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n == 0)
			break;
		if (++nfields > VHTTP_MAX_NFIELDS)
			return (vhttp_refuse(h, 400, "too many header lines"));
		if ((size_t)(eol - fields) > VHTTP_MAX_FIELDS)
			return (vhttp_refuse(h, 400, "request head too large"));
		if (p[0] == ' ' || p[0] == '\t')
			return (vhttp_refuse(h, 400, "folded header line"));
		if ((colon = memchr(p, ':', n)) == NULL || colon == p)
			return (vhttp_refuse(h, 400, "bad header line"));
		for (v = p; v < colon; v++)
			if (!vhttp_tchar((unsigned char)*v))
				return (vhttp_refuse(h, 400,
				    "bad header name"));
		for (v = colon + 1; v < p + n && (*v == ' ' || *v == '\t'); v++)
			;
		for (ve = p + n; ve > v && (ve[-1] == ' ' || ve[-1] == '\t');
		    ve--)
			;
		for (i = 0; i < (size_t)(ve - v); i++)
			if (((unsigned char)v[i] < 0x20 && v[i] != '\t') ||
			    v[i] == 0x7f)
				return (vhttp_refuse(h, 400,
				    "bad character in a header"));
		tlen = (size_t)(colon - p);
		if (vhttp_is(p, tlen, "content-length")) {
			/* Two, even equal, are refused: a smuggling vector. */
			if (++ncl > 1)
				return (vhttp_refuse(h, 400,
				    "more than one Content-Length"));
			if (ve == v || ve - v > 18)
				return (vhttp_refuse(h, 400,
				    "bad Content-Length"));
			for (; v < ve; v++) {
				if (*v < '0' || *v > '9')
					return (vhttp_refuse(h, 400,
					    "bad Content-Length"));
				h->content_length = h->content_length * 10 +
				    (uint64_t)(*v - '0');
			}
		} else if (vhttp_is(p, tlen, "transfer-encoding")) {
			if (++nte > 1)
				return (vhttp_refuse(h, 400,
				    "more than one Transfer-Encoding"));
			if (!vhttp_is(v, (size_t)(ve - v), "chunked"))
				return (vhttp_refuse(h, 501,
				    "transfer coding not implemented"));
			h->chunked = 1;
		} else if (vhttp_is(p, tlen, "host")) {
			if (++nhost > 1)
				return (vhttp_refuse(h, 400,
				    "more than one Host"));
		} else if (vhttp_is(p, tlen, "connection"))
			vhttp_connection(v, (size_t)(ve - v), &cclose, &ckeep);
		else if (vhttp_is(p, tlen, "expect") &&
		    vhttp_is(v, (size_t)(ve - v), "100-continue"))
			h->expect_continue = 1;
	}
	if (h->minor == 1 && nhost == 0)
		return (vhttp_refuse(h, 400, "no Host"));
	if (nte > 0 && ncl > 0)
		return (vhttp_refuse(h, 400,
		    "Transfer-Encoding with Content-Length"));
	if (nte > 0 && h->minor == 0)
		return (vhttp_refuse(h, 400, "Transfer-Encoding in HTTP/1.0"));
	h->keep_alive = h->minor == 1 ? !cclose : (ckeep && !cclose);
	return (0);
}

int
vhttp_parse_chunk_size(const char *p, size_t len, uint64_t *size)
{
	size_t		i;
	uint64_t	s = 0;
	int		x;

	for (i = 0; i < len; i++) {
		if (p[i] >= '0' && p[i] <= '9')
			x = p[i] - '0';
		else if (p[i] >= 'a' && p[i] <= 'f')
			x = p[i] - 'a' + 10;
		else if (p[i] >= 'A' && p[i] <= 'F')
			x = p[i] - 'A' + 10;
		else
			break;
		/* 15 hex digits: far past any cap, never an overflow. */
		if (i >= 15)
			return (-1);
		s = s * 16 + (uint64_t)x;
	}
	if (i == 0)
		return (-1);
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	/* Extensions are allowed and ignored; anything else is not. */
	if (i < len && p[i] != ';')
		return (-1);
	for (; i < len; i++)
		if (((unsigned char)p[i] < 0x20 && p[i] != '\t') ||
		    p[i] == 0x7f)
			return (-1);
	*size = s;
	return (0);
}

/* ---- requests and replies ---------------------------------------------- */

static const char *
vhttp_status_line_version(const struct vhttp_req *r)
{
	/* Whatever the request's version, never anything but HTTP/1.x. */
	return (r->minor == 1 ? "HTTP/1.1" : "HTTP/1.0");
}

enum vhttp_method
vhttp_req_method(const struct vhttp_req *r)
{
	return (r->method);
}

const char *
vhttp_req_uri(const struct vhttp_req *r)
{
	return (r->uri != NULL ? r->uri : "");
}

const char *
vhttp_req_peer(const struct vhttp_req *r)
{
	return (r->c != NULL && r->c->peer[0] != '\0' ? r->c->peer : NULL);
}

const char *
vhttp_method_name(enum vhttp_method m)
{
	size_t	i;

	for (i = 0; i < nitems(vhttp_methods); i++)
		if (vhttp_methods[i].m == m)
			return (vhttp_methods[i].name);
	return (NULL);
}

void
vhttp_req_set_owner(struct vhttp_req *r, void *owner)
{
	r->owner = owner;
}

void *
vhttp_req_owner(const struct vhttp_req *r)
{
	return (r->owner);
}

void
vhttp_add_header(struct vhttp_req *r, const char *name, const char *value)
{
	size_t	nl = strlen(name), vl = strlen(value);

	/* A value with a line break would split the reply: dropped. */
	if (strpbrk(name, "\r\n:") != NULL || strpbrk(value, "\r\n") != NULL)
		return;
	/* Whole or not at all, past the cap; copied, not printed. */
	if (buf_reserve(&r->hdrs, nl + vl + 4) == -1)
		return;
	buf_add(&r->hdrs, name, nl);
	buf_add(&r->hdrs, ": ", 2);
	buf_add(&r->hdrs, value, vl);
	buf_add(&r->hdrs, "\r\n", 2);
}

static struct vhttp_req *
vhttp_req_new(struct vhttp_conn *c)
{
	struct vhttp_req	*r;

	r = xcalloc(1, sizeof(*r));
	r->c = c;
	buf_init(&r->hdrs, 16384);
	TAILQ_INSERT_TAIL(&c->reqs, r, entry);
	c->nreqs++;
	return (r);
}

static void
vhttp_req_free(struct vhttp_req *r)
{
	struct vhttp_conn	*c = r->c;

	TAILQ_REMOVE(&c->reqs, r, entry);
	c->nreqs--;
	if (r->reply != NULL)
		evbuffer_free(r->reply);
	buf_release(&r->hdrs);
	free(r->uri);
	free(r);
}

static void	vhttp_flush(struct vhttp_conn *);

/*
 * The Date header, formatted once a second: libevent's rfc1123 formatter
 * and its printf were a tenth of a dispatch's instructions at load.
 */
static const char *
vhttp_date(void)
{
	static char	date[64];
	static time_t	at = (time_t)-1;
	time_t		now = time(NULL);

	if (now != at) {
		if (evutil_date_rfc1123(date, sizeof(date), NULL) <= 0)
			date[0] = '\0';
		at = now;
	}
	return (date);
}

/*
 * The strings up to a NULL appended to head (size bytes, *len used); -1
 * when they would not fit with a NUL.  A reply's head is put together
 * from its parts: two snprintf calls were a tenth of a dispatch's
 * instructions.
 */
static int
vhttp_cat(char *head, size_t size, size_t *len, ...)
{
	va_list		 ap;
	const char	*s;
	size_t		 n;
	int		 rv = 0;

	va_start(ap, len);
	while ((s = va_arg(ap, const char *)) != NULL) {
		n = strlen(s);
		if (n >= size - *len) {
			rv = -1;
			break;
		}
		memcpy(head + *len, s, n);
		*len += n;
	}
	va_end(ap);
	head[*len] = '\0';
	return (rv);
}

/* u in decimal (minus: negative), as printf writes it, ending out. */
#define VHTTP_NUM	24
static const char *
vhttp_num(unsigned long long u, int minus, char out[VHTTP_NUM])
{
	char	*p = out + VHTTP_NUM - 1;

	*p = '\0';
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (minus)
		*--p = '-';
	return (p);
}

void
vhttp_reply(struct vhttp_req *r, int code, const char *reason,
    const char *body)
{
	char		 head[256], num[VHTTP_NUM];
	const char	*date = vhttp_date();
	size_t		 blen = body != NULL ? strlen(body) : 0, n = 0;

	if (r->reply != NULL)
		fatal("vhttp_reply: a second reply");
	r->held = 0;
	if ((r->reply = evbuffer_new()) == NULL)
		fatal("evbuffer_new");
	if (vhttp_cat(head, sizeof(head), &n, vhttp_status_line_version(r),
	    " ", vhttp_num(code < 0 ? 0 - (unsigned long long)code :
	    (unsigned long long)code, code < 0, num), " ", reason, "\r\n",
	    date[0] != '\0' ? "Date: " : "", date, date[0] != '\0' ? "\r\n" : "",
	    (const char *)NULL) == -1)
		fatal("vhttp_reply: status line");
	evbuffer_add(r->reply, head, n);
	if (r->hdrs.len > 0)
		evbuffer_add(r->reply, r->hdrs.data, r->hdrs.len);
	n = 0;
	if (vhttp_cat(head, sizeof(head), &n, "Content-Length: ",
	    vhttp_num(blen, 0, num), "\r\n",
	    !r->keep_alive ? "Connection: close\r\n" : r->minor == 0 ?
	    "Connection: keep-alive\r\n" : "", "\r\n", (const char *)NULL) == -1)
		fatal("vhttp_reply: head");
	evbuffer_add(r->reply, head, n);
	if (blen > 0 && r->method != VHTTP_HEAD)
		evbuffer_add(r->reply, body, blen);
	vhttp_flush(r->c);
}

/* vhttp's own refusal of what it read, in its place in the queue. */
static void
vhttp_refuse_req(struct vhttp_conn *c, struct vhttp_req *r, int code,
    const char *why)
{
	const char	*reason;

	switch (code) {
	case 413: reason = "Content Too Large"; break;
	case 414: reason = "URI Too Long"; break;
	case 501: reason = "Not Implemented"; break;
	case 505: reason = "HTTP Version Not Supported"; break;
	default: code = 400; reason = "Bad Request"; break;
	}
	if (c->v->cf.metrics && (code == 400 || code == 414))
		metrics_count(c->v->d, METRIC_400);
	log_debug("%s request refused: %d %s", c->v->cf.what, code, why);
	if (r == NULL) {
		r = vhttp_req_new(c);
		r->minor = 0;
	}
	r->keep_alive = 0;
	/* Whatever follows on the connection is not trusted. */
	c->rd = VR_STOPPED;
	c->cur = NULL;
	vhttp_add_header(r, "Content-Type", "text/plain; charset=utf-8");
	{
		char	body[128];

		snprintf(body, sizeof(body), "%s\n", why);
		vhttp_reply(r, code, reason, body);
	}
}

/* ---- connections -------------------------------------------------------- */

static void
vhttp_conn_free(struct vhttp_conn *c)
{
	struct vhttp		*v = c->v;
	struct vhttp_req	*r;

	while ((r = TAILQ_FIRST(&c->reqs)) != NULL) {
		/* Taken back from its owner, who forgets it. */
		if (r->held && v->cf.abandon_cb != NULL)
			v->cf.abandon_cb(r, v->cf.arg);
		vhttp_req_free(r);
	}
	TAILQ_REMOVE(&v->conns, c, entry);
	v->n--;
	bufferevent_free(c->bev);
	free(c);
}

static void
vhttp_conn_kill(struct vhttp_conn *c, enum metric counter, const char *why)
{
	if (c->v->cf.metrics && c->rd != VR_LINGER)
		metrics_count(c->v->d, counter);
	log_debug("%s connection closed: %s", c->v->cf.what, why);
	vhttp_conn_free(c);
}

/*
 * Nothing queued but a request still coming in, nothing unsent: it may be
 * closed to make room, or at its deadline (a body dribbled a byte at a
 * time holds a connection no longer than a head does).
 */
static int
vhttp_conn_idle(const struct vhttp_conn *c)
{
	return ((c->nreqs == 0 || (c->nreqs == 1 && c->cur != NULL)) &&
	    evbuffer_get_length(bufferevent_get_output(c->bev)) == 0);
}

static void
vhttp_enforce_cap(struct vhttp *v)
{
	struct vhttp_conn	*c, *victim;

	while (v->n > v->cf.cap) {
		victim = NULL;
		TAILQ_FOREACH(c, &v->conns, entry)
			if (vhttp_conn_idle(c) && (victim == NULL ||
			    c->deadline_ms < victim->deadline_ms))
				victim = c;
		if (victim == NULL)
			break;		/* every one has a viewer or a reply */
		vhttp_conn_kill(victim, METRIC_CONN_LIMIT, "connection limit");
	}
}

/*
 * Whether reading should stop for now: the queue is full, or the peer is
 * not taking its replies.
 */
static int
vhttp_conn_full(const struct vhttp_conn *c)
{
	return (c->nreqs >= VHTTP_MAX_PIPELINE ||
	    evbuffer_get_length(bufferevent_get_output(c->bev)) >
	    c->v->cf.max_output);
}

/*
 * The replies at the head of the queue go out, in order.  Never frees
 * the connection: that waits for the write callback.
 */
static void
vhttp_flush(struct vhttp_conn *c)
{
	struct evbuffer		*out = bufferevent_get_output(c->bev);
	struct vhttp_req	*r;
	int			 direct = 0;

	while ((r = TAILQ_FIRST(&c->reqs)) != NULL && r->reply != NULL) {
		/*
		 * With nothing unsent before it a reply is written at once:
		 * through the bufferevent its write event cost two epoll_ctl
		 * calls a reply (added, then removed once sent), as many
		 * system calls as the request's read and the reply's write.
		 * What the socket does not take goes the usual way, as does
		 * an error, which the bufferevent's own write then reports.
		 */
		if (evbuffer_get_length(out) == 0) {
			(void)evbuffer_write(r->reply,
			    bufferevent_getfd(c->bev));
			direct = 1;
		}
		if (evbuffer_get_length(r->reply) > 0)
			bufferevent_write_buffer(c->bev, r->reply);
		vhttp_req_free(r);
	}
	if (c->rd == VR_STOPPED && c->nreqs == 0) {
		/* The last reply: the write callback closes when it is out. */
		bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
		/* Out already: no write comes to call it, so it is called. */
		if (direct && evbuffer_get_length(out) == 0)
			bufferevent_trigger(c->bev, EV_WRITE,
			    BEV_TRIG_IGNORE_WATERMARKS |
			    BEV_TRIG_DEFER_CALLBACKS);
	}
	if (c->paused && !vhttp_conn_full(c)) {
		c->paused = 0;
		/* Parse what waits, later: never from inside a reply. */
		if (!c->eof)
			bufferevent_enable(c->bev, EV_READ);
		bufferevent_trigger(c->bev, EV_READ,
		    BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
	}
}

/* A whole request: to the owner, who replies now or later. */
static void
vhttp_dispatch(struct vhttp_conn *c, struct vhttp_req *r)
{
	struct vhttp	*v = c->v;

	c->cur = NULL;
	c->deadline_ms = mono_ms() + v->cf.header_timeout_ms;
	if (!r->keep_alive)
		c->rd = VR_STOPPED;
	else
		c->rd = VR_HEAD;
	r->held = 1;
	v->cf.request_cb(r, v->cf.arg);
}

/*
 * The end of the request head in the input, searched from c->scan: its
 * length with the blank line, 0 if not there yet, -1 if it is too long
 * (*code: 414 for the request line, 400 for the header lines).
 */
static ssize_t
vhttp_head_end(struct vhttp_conn *c, struct evbuffer *in, int *code)
{
	struct evbuffer_ptr	 p, e;
	size_t			 eol_len, len = evbuffer_get_length(in);
	size_t			 line;
	char			 ch;

	for (;;) {
		if (evbuffer_ptr_set(in, &p, c->scan, EVBUFFER_PTR_SET) == -1)
			break;
		e = evbuffer_search_eol(in, &p, &eol_len, EVBUFFER_EOL_LF);
		if (e.pos < 0)
			break;
		line = (size_t)e.pos - c->scan;
		if (line == 1 && evbuffer_copyout_from(in, &p, &ch, 1) == 1 &&
		    ch == '\r')
			line = 0;
		c->scan = (size_t)e.pos + 1;
		if (c->fields == 0)
			c->fields = c->scan;
		else if (line == 0)
			return ((ssize_t)c->scan);
		if (c->scan - c->fields > VHTTP_MAX_FIELDS + 2)
			break;
	}
	if (c->fields == 0 && len > VHTTP_MAX_LINE + 2) {
		*code = 414;
		return (-1);
	}
	if (c->fields > 0 && len - c->fields > VHTTP_MAX_FIELDS + 2) {
		*code = 400;
		return (-1);
	}
	return (0);
}

/* Blank lines before a request line are skipped (RFC 9112 2.2). */
static int
vhttp_skip_blank(struct evbuffer *in)
{
	unsigned char	b[2];
	int		n = 0;

	while (n < VHTTP_MAX_BLANK) {
		if (evbuffer_copyout(in, b, 2) < 1)
			return (0);
		if (b[0] == '\n')
			evbuffer_drain(in, 1);
		else if (b[0] == '\r' && evbuffer_get_length(in) >= 2 &&
		    b[1] == '\n')
			evbuffer_drain(in, 2);
		else
			return (0);
		n++;
	}
	return (-1);
}

/* Reads a whole head from in and queues its request; 1 if it did. */
static int
vhttp_read_head(struct vhttp_conn *c, struct evbuffer *in)
{
	struct vhttp_head	 h;
	struct vhttp_req	*r;
	const char		*buf;
	ssize_t			 n;
	int			 code = 400;

	if (vhttp_skip_blank(in) == -1) {
		vhttp_refuse_req(c, NULL, 400, "bad request line");
		return (0);
	}
	if ((n = vhttp_head_end(c, in, &code)) == -1) {
		vhttp_refuse_req(c, NULL, code, code == 414 ?
		    "URI too long" : "request head too large");
		return (0);
	}
	if (n == 0)
		return (0);
	c->scan = c->fields = 0;
	if ((buf = (const char *)evbuffer_pullup(in, n)) == NULL)
		fatal("evbuffer_pullup");
	r = vhttp_req_new(c);
	code = vhttp_parse_head(buf, (size_t)n, &h);
	r->minor = h.minor;
	r->method = h.method;
	if (code != 0) {
		evbuffer_drain(in, (size_t)n);
		vhttp_refuse_req(c, r, code, h.why);
		return (0);
	}
	r->keep_alive = h.keep_alive;
	r->uri = xmalloc(h.uri_len + 1);
	memcpy(r->uri, buf + h.uri_off, h.uri_len);
	r->uri[h.uri_len] = '\0';
	evbuffer_drain(in, (size_t)n);
	if (h.content_length > c->v->cf.max_body) {
		vhttp_refuse_req(c, r, 413, "request body too large");
		return (0);
	}
	/* Asked for, and with nothing before it to answer first. */
	if (h.expect_continue && h.minor == 1 && c->nreqs == 1 &&
	    (h.chunked || h.content_length > 0))
		bufferevent_write(c->bev, "HTTP/1.1 100 Continue\r\n\r\n", 25);
	c->cur = r;
	c->body = 0;
	if (h.chunked) {
		c->rd = VR_CHUNK_LINE;
		return (1);
	}
	c->left = h.content_length;
	c->rd = VR_BODY;
	return (1);
}

/* One line of a chunked body (size or trailer): its length, 0 if not yet. */
static ssize_t
vhttp_line(struct evbuffer *in, size_t max, char *line, int *bad)
{
	struct evbuffer_ptr	e;
	size_t			eol_len, n;

	e = evbuffer_search_eol(in, NULL, &eol_len, EVBUFFER_EOL_LF);
	if (e.pos < 0) {
		if (evbuffer_get_length(in) > max)
			*bad = 1;
		return (0);
	}
	n = (size_t)e.pos;
	if (n > max) {
		*bad = 1;
		return (0);
	}
	evbuffer_copyout(in, line, n);
	evbuffer_drain(in, n + 1);
	if (n > 0 && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	return ((ssize_t)n + 1);	/* + 1: an empty line is not "not yet" */
}

/*
 * Reads what is in the input while there is room: whole requests are
 * handed on, bad ones refused.  Stops when the input is used up, the
 * connection reads no more, or the queue or the output is full.
 */
static void
vhttp_parse(struct vhttp_conn *c)
{
	struct evbuffer	*in = bufferevent_get_input(c->bev);
	struct vhttp	*v = c->v;
	char		 line[VHTTP_MAX_CHUNK_LINE + 2];
	size_t		 len, take;
	ssize_t		 n;
	uint64_t	 size;
	int		 bad;

	for (;;) {
		if (c->rd == VR_LINGER || c->rd == VR_STOPPED) {
			evbuffer_drain(in, evbuffer_get_length(in));
			return;
		}
		if (c->rd == VR_HEAD && vhttp_conn_full(c)) {
			c->paused = 1;
			bufferevent_disable(c->bev, EV_READ);
			return;
		}
		len = evbuffer_get_length(in);
		bad = 0;
		switch (c->rd) {
		case VR_HEAD:
			if (len == 0 || !vhttp_read_head(c, in))
				goto out;
			break;
		case VR_BODY:
			take = c->left < len ? (size_t)c->left : len;
			evbuffer_drain(in, take);
			c->left -= take;
			if (c->left > 0)
				goto out;
			vhttp_dispatch(c, c->cur);
			break;
		case VR_CHUNK_LINE:
			if ((n = vhttp_line(in, VHTTP_MAX_CHUNK_LINE, line,
			    &bad)) == 0) {
				if (bad)
					vhttp_refuse_req(c, c->cur, 400,
					    "chunk-size line too long");
				goto out;
			}
			if (vhttp_parse_chunk_size(line, (size_t)n - 1,
			    &size) == -1)
				vhttp_refuse_req(c, c->cur, 400,
				    "bad chunk size");
			else if (size > v->cf.max_body - c->body)
				vhttp_refuse_req(c, c->cur, 413,
				    "request body too large");
			else {
				c->body += size;
				c->left = size;
				c->trailer = 0;
				c->rd = size == 0 ? VR_TRAILER : VR_CHUNK_DATA;
			}
			break;
		case VR_CHUNK_DATA:
			take = c->left < len ? (size_t)c->left : len;
			evbuffer_drain(in, take);
			c->left -= take;
			if (c->left > 0)
				goto out;
			c->rd = VR_CHUNK_END;
			break;
		case VR_CHUNK_END:
			/* Exactly CRLF (or LF): nothing else may follow data. */
			if ((n = vhttp_line(in, 1, line, &bad)) == 0 && !bad)
				goto out;
			if (n != 1)
				vhttp_refuse_req(c, c->cur, 400,
				    "no line end after a chunk");
			else
				c->rd = VR_CHUNK_LINE;
			break;
		case VR_TRAILER:
			if ((n = vhttp_line(in, VHTTP_MAX_CHUNK_LINE, line,
			    &bad)) == 0 && !bad)
				goto out;
			if (n == 1) {
				vhttp_dispatch(c, c->cur);
				break;
			}
			c->trailer += (size_t)n;
			if (bad || c->trailer > VHTTP_MAX_FIELDS ||
			    strchr(line, ':') == NULL || line[0] == ' ' ||
			    line[0] == '\t')
				vhttp_refuse_req(c, c->cur, 400, "bad trailer");
			break;
		default:
			goto out;
		}
	}
out:
	/* Nothing more will come: a request cut short is no request. */
	if (c->eof && c->rd != VR_LINGER && c->rd != VR_STOPPED) {
		if (c->cur != NULL)
			vhttp_req_free(c->cur);
		c->cur = NULL;
		c->rd = VR_STOPPED;
	}
}

/* After reading or an EOF: close when all is answered and sent. */
static void
vhttp_conn_check(struct vhttp_conn *c)
{
	if (c->rd != VR_STOPPED || c->nreqs > 0)
		return;
	bufferevent_setwatermark(c->bev, EV_WRITE, 0, 0);
	if (evbuffer_get_length(bufferevent_get_output(c->bev)) > 0)
		return;		/* the write callback comes back here */
	if (c->eof) {
		vhttp_conn_free(c);
		return;
	}
	/* Lingering close: write side shut, input read and dropped. */
	c->rd = VR_LINGER;
	c->deadline_ms = mono_ms() + VHTTP_LINGER_MS;
	shutdown(bufferevent_getfd(c->bev), SHUT_WR);
	bufferevent_enable(c->bev, EV_READ);
}

static void
vhttp_read_cb(struct bufferevent *bev, void *arg)
{
	struct vhttp_conn	*c = arg;

	vhttp_parse(c);
	vhttp_conn_check(c);
}

static void
vhttp_write_cb(struct bufferevent *bev, void *arg)
{
	struct vhttp_conn	*c = arg;

	if (c->paused && !vhttp_conn_full(c)) {
		vhttp_flush(c);
		return;
	}
	vhttp_conn_check(c);
}

static void
vhttp_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct vhttp_conn	*c = arg;

	if (what & BEV_EVENT_ERROR) {
		log_debug("%s connection: %s", c->v->cf.what,
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
		vhttp_conn_free(c);
		return;
	}
	if (what & BEV_EVENT_EOF) {
		/* A half-close: what came whole is answered, then close. */
		c->eof = 1;
		if (c->rd == VR_LINGER) {
			vhttp_conn_free(c);
			return;
		}
		/* A parse paused by a full queue resumes with the replies. */
		vhttp_parse(c);
		vhttp_conn_check(c);
		return;
	}
	if (what & BEV_EVENT_TIMEOUT) {
		if ((what & BEV_EVENT_READING) && !vhttp_conn_idle(c) &&
		    c->rd != VR_LINGER) {
			/* A viewer waits on its decision: not idle. */
			bufferevent_enable(bev, EV_READ);
			return;
		}
		log_debug("%s connection: idle timeout", c->v->cf.what);
		vhttp_conn_free(c);
	}
}

static void
vhttp_accept_cb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct vhttp		*v = arg;
	struct vhttp_conn	*c;
	struct timeval		 tv;

	c = xcalloc(1, sizeof(*c));
	c->v = v;
	TAILQ_INIT(&c->reqs);
	vhttp_peer(sa, salen, c->peer, sizeof(c->peer));
	if ((c->bev = bufferevent_socket_new(v->d->base, fd,
	    BEV_OPT_CLOSE_ON_FREE)) == NULL)
		fatal("bufferevent_socket_new");
	bufferevent_setcb(c->bev, vhttp_read_cb, vhttp_write_cb,
	    vhttp_event_cb, c);
	/* Input bounded: a head and a chunk line fit, bodies stream. */
	bufferevent_setwatermark(c->bev, EV_READ, 0,
	    VHTTP_MAX_LINE + VHTTP_MAX_FIELDS + 4096);
	bufferevent_setwatermark(c->bev, EV_WRITE, v->cf.max_output / 2, 0);
	ms_to_tv(v->cf.idle_timeout_ms, &tv);
	bufferevent_set_timeouts(c->bev, &tv, &tv);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->deadline_ms = mono_ms() + v->cf.header_timeout_ms;
	TAILQ_INSERT_TAIL(&v->conns, c, entry);
	v->n++;
	vhttp_enforce_cap(v);
}

/* The client's address as text, for the access log. */
static void
vhttp_peer(const struct sockaddr *sa, int salen, char *out, size_t len)
{
	out[0] = '\0';
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET && salen >= (int)sizeof(struct
	    sockaddr_in))
		evutil_inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->
		    sin_addr, out, len);
	else if (sa->sa_family == AF_INET6 && salen >= (int)sizeof(struct
	    sockaddr_in6))
		evutil_inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->
		    sin6_addr, out, len);
}

/* Slow or idle connections past their head deadline are closed. */
static void
vhttp_sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct vhttp		*v = arg;
	struct vhttp_conn	*c, *next;
	uint64_t		 now = mono_ms();

	for (c = TAILQ_FIRST(&v->conns); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (vhttp_conn_idle(c) && now >= c->deadline_ms)
			vhttp_conn_kill(c, METRIC_CONN_TIMEOUT,
			    c->rd == VR_LINGER ? "closed after its replies" :
			    "no request head in time");
	}
}

static void
vhttp_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct vhttp	*v = arg;

	if (v->lev != NULL)
		evconnlistener_enable(v->lev);
}

/*
 * accept() failed with an error libevent does not retry later by itself
 * (EMFILE, ENFILE, ENOBUFS...): it would call accept() again at once, in
 * a loop.  The listener pauses instead, and the failure is logged once
 * per VHTTP_LOG_EVERY_MS with the number of failures since.
 */
static void
vhttp_accept_error_cb(struct evconnlistener *lev, void *arg)
{
	struct vhttp	*v = arg;
	struct timeval	 tv;
	uint64_t	 now = mono_ms();
	int		 err = EVUTIL_SOCKET_ERROR();

	v->accept_fails++;
	if (v->accept_logged_ms == 0 ||
	    now - v->accept_logged_ms >= VHTTP_LOG_EVERY_MS) {
		log_warn("%s listener: accept: %s (%lu failures); pausing "
		    "%d ms: raise the descriptor limit or lower the "
		    "connection caps", v->cf.what,
		    evutil_socket_error_to_string(err), v->accept_fails,
		    VHTTP_PAUSE_MS);
		v->accept_logged_ms = now;
		v->accept_fails = 0;
	}
	evconnlistener_disable(lev);
	ms_to_tv(VHTTP_PAUSE_MS, &tv);
	evtimer_add(v->resume_ev, &tv);
}

struct vhttp *
vhttp_new(struct daemon *d, evutil_socket_t fd, const struct vhttp_cf *cf)
{
	struct vhttp	*v;
	struct timeval	 tv;

	v = xcalloc(1, sizeof(*v));
	v->d = d;
	v->cf = *cf;
	TAILQ_INIT(&v->conns);
	if ((v->sweep_ev = event_new(d->base, -1, EV_PERSIST, vhttp_sweep_cb,
	    v)) == NULL ||
	    (v->resume_ev = evtimer_new(d->base, vhttp_resume_cb, v)) == NULL)
		fatal("event_new");
	ms_to_tv(VHTTP_SWEEP_MS, &tv);
	event_add(v->sweep_ev, &tv);
	if ((v->lev = evconnlistener_new(d->base, vhttp_accept_cb, v,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd)) == NULL)
		fatal("evconnlistener_new");
	evconnlistener_set_error_cb(v->lev, vhttp_accept_error_cb);
	return (v);
}

void
vhttp_set_cap(struct vhttp *v, size_t cap)
{
	v->cf.cap = cap;
	vhttp_enforce_cap(v);
}

void
vhttp_stop_accepting(struct vhttp *v)
{
	if (v->lev != NULL) {
		evconnlistener_free(v->lev);
		v->lev = NULL;
	}
	evtimer_del(v->resume_ev);
}

size_t
vhttp_conns(const struct vhttp *v)
{
	return (v != NULL ? v->n : 0);
}

void
vhttp_free(struct vhttp *v)
{
	struct vhttp_conn	*c;

	if (v == NULL)
		return;
	vhttp_stop_accepting(v);
	while ((c = TAILQ_FIRST(&v->conns)) != NULL)
		vhttp_conn_free(c);
	event_free(v->sweep_ev);
	event_free(v->resume_ev);
	free(v);
}
