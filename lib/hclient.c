/*
 * hclient.c: a lean HTTP/1.1 client for the one exchange that dominates
 * the daemon's work, a POST over plain http to a numeric address without
 * credentials (issue 14: libcurl's per-request setup and its byte-at-a-time
 * printf engine were about 45 % of the instructions a probe reply cost).
 * http.c uses it when hc_start accepts the request and falls back to
 * libcurl for everything else (https, names, authentication, verbose).
 *
 * What it keeps of libcurl's behaviour: the request bytes (checked against
 * a capture of libcurl 7.88's), kept-alive connections per address reused
 * one request at a time, one retry on a fresh connection when a reused one
 * turns out closed before any byte of the reply, and the framing rules
 * (Content-Length, chunked with trailers, until close).  Where it is
 * stricter: a reply line must end in CRLF, header names are tokens,
 * obs-fold, conflicting Content-Length and any transfer coding but
 * chunked are refused.  Every buffer filled from the network has a cap.
 *
 * Callbacks fire exactly once per hc_start, from the loop, never from
 * inside hc_start; hc_cancel ends an operation without one.
 */
#include "config.h"

#include <sys/resource.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/util.h>

#include "cimhead.h"

#define HC_MAX_HEADERS		256	/* per response, trailers included */
#define HC_MAX_LINE		(64 * 1024)	/* one header or chunk line */
#define HC_IDLE_MAX		1024	/* idle connections kept, all nodes */
#define HC_IDLE_FD_SHARE	4	/* ... and at most 1/4 of the fd limit */
#define HC_IDLE_BUCKETS		256
#define HC_IDLE_MAXAGE_MS	118000	/* libcurl's CURLOPT_MAXAGE_CONN */
#define HC_TIMEOUT_FALLBACK_MS	10000	/* when the caller gave 0 */
#define HC_READ_MIN		4096	/* free room before each recv */
#define HC_RBUF_KEEP		8192	/* a parked connection's buffer, at most */

enum hc_state {
	HC_CONNECTING,
	HC_SENDING,
	HC_HEAD,		/* status line and headers */
	HC_BODY_LENGTH,		/* Content-Length bytes */
	HC_CHUNK_SIZE,
	HC_CHUNK_DATA,
	HC_CHUNK_END,		/* the CRLF after a chunk's data */
	HC_TRAILERS,
	HC_BODY_CLOSE,		/* until the server closes */
	HC_DONE,
};

struct hc_conn {
	struct hc_pool		*pool;
	evutil_socket_t		 fd;
	struct event		*ev;
	short			 watched;
	struct sockaddr_storage	 sa;
	socklen_t		 salen;
	unsigned		 hash;
	unsigned		 nused;		/* replies read on it */
	struct buf		 rbuf;		/* idle: the read buffer, kept */
	uint64_t		 idle_since;
	struct hc_op		*op;		/* NULL while idle */
	TAILQ_ENTRY(hc_conn)	 lru;		/* idle: pool's list */
	TAILQ_ENTRY(hc_conn)	 bucket;	/* idle: its bucket */
};
TAILQ_HEAD(hc_conns, hc_conn);

struct hc_pool {
	struct event_base	*base;
	int			 prio;		/* -1: the base has one */
	struct hc_conns		 idle;		/* most recent first */
	struct hc_conns		 buckets[HC_IDLE_BUCKETS];
	size_t			 nidle;
	size_t			 idle_cap;	/* from the fd limit, */
	uint64_t		 cap_at;	/* read at most once a second */
};

struct hc_op {
	struct hc_pool		*pool;
	struct hc_conn		*conn;
	hc_done_cb		 cb;
	void			*arg;
	struct event		*timer;		/* the deadline, and deferrals */
	uint64_t		 start;
	unsigned		 timeout_ms;
	enum hc_state		 state;
	struct sockaddr_storage	 sa;
	socklen_t		 salen;

	struct buf		 out;		/* the whole request */
	size_t			 sent;
	int			 retried;
	int			 close_after;	/* the request said close */

	/* a failure found outside the loop, reported by the timer */
	enum hc_fail		 fail;
	int			 fail_errno;

	struct buf		 in;		/* bytes read, not yet consumed */
	size_t			 pos;
	int			 got_any;	/* a byte of the reply came */
	size_t			 head_bytes;
	size_t			 max_response;
	int			 minor;		/* HTTP/1.minor */
	long			 status;
	struct http_header	*headers;
	size_t			 nheaders;
	struct http_header	*trailers;
	size_t			 ntrailers;
	int			 keepalive;
	int			 cut_short;
	uint64_t		 left;		/* of a Content-Length or chunk */
	struct buf		 body;
	char			 msg[256];
};

static void	hc_conn_cb(evutil_socket_t, short, void *);
static void	hc_idle_cb(evutil_socket_t, short, void *);
static void	hc_timer_cb(evutil_socket_t, short, void *);
static void	hc_write(struct hc_op *, int);
static int	hc_retry(struct hc_op *);
static void	hc_fail(struct hc_op *, enum hc_fail, int, const char *, ...)
		    PRINTFLIKE(4, 5);

/* Sockets errors that mean "not yet" (EWOULDBLOCK may equal EAGAIN). */
static int
hc_retriable(int e)
{
	return (e == EAGAIN || e == EWOULDBLOCK || e == EINTR);
}

static void
hc_watch(struct hc_conn *c, short events, event_callback_fn fn, void *arg)
{
	if (c->ev == NULL) {
		if ((c->ev = event_new(c->pool->base, c->fd,
		    events | EV_PERSIST, fn, arg)) == NULL)
			fatal("hclient: cannot watch socket %d", (int)c->fd);
	} else {
		event_del(c->ev);
		event_assign(c->ev, c->pool->base, c->fd, events | EV_PERSIST,
		    fn, arg);
	}
	if (c->pool->prio >= 0)
		(void)event_priority_set(c->ev, c->pool->prio);
	c->watched = events;
	if (event_add(c->ev, NULL) == -1)
		fatal("hclient: cannot watch socket %d", (int)c->fd);
}

static void
hc_conn_close(struct hc_conn *c)
{
	if (c == NULL)
		return;
	if (c->ev != NULL)
		event_free(c->ev);
	evutil_closesocket(c->fd);
	buf_release(&c->rbuf);
	free(c);
}

static unsigned
hc_hash(const struct sockaddr_storage *sa, socklen_t len)
{
	const unsigned char	*p = (const unsigned char *)sa;
	unsigned		 h = 2166136261u;
	socklen_t		 i;

	for (i = 0; i < len; i++)
		h = (h ^ p[i]) * 16777619u;
	return (h);
}

static void
hc_idle_remove(struct hc_pool *pool, struct hc_conn *c)
{
	TAILQ_REMOVE(&pool->idle, c, lru);
	TAILQ_REMOVE(&pool->buckets[c->hash % HC_IDLE_BUCKETS], c, bucket);
	pool->nidle--;
}

struct hc_pool *
hc_pool_new(struct event_base *base)
{
	struct hc_pool	*pool;
	size_t		 i;
	int		 n = event_base_get_npriorities(base);

	pool = xcalloc(1, sizeof(*pool));
	pool->base = base;
	/* the lowest priority, as http.c gives libcurl's events */
	pool->prio = n > 1 ? n - 1 : -1;
	TAILQ_INIT(&pool->idle);
	for (i = 0; i < HC_IDLE_BUCKETS; i++)
		TAILQ_INIT(&pool->buckets[i]);
	return (pool);
}

void
hc_pool_free(struct hc_pool *pool)
{
	struct hc_conn	*c;

	if (pool == NULL)
		return;
	while ((c = TAILQ_FIRST(&pool->idle)) != NULL) {
		hc_idle_remove(pool, c);
		hc_conn_close(c);
	}
	free(pool);
}

size_t
hc_pool_idle(const struct hc_pool *pool)
{
	return (pool->nidle);
}

size_t
hc_pool_idle_bytes(const struct hc_pool *pool)
{
	const struct hc_conn	*c;
	size_t			 n = 0;

	TAILQ_FOREACH(c, &pool->idle, lru)
		n += c->rbuf.size;
	return (n);
}

/*
 * An idle connection that becomes readable was closed or misbehaves.  Its
 * read watch is hc_conn_cb's, left in place, which calls here while the
 * connection has no exchange: parking and taking a connection then cost
 * no event_del and event_add (two per request).
 */
static void
hc_idle_cb(evutil_socket_t fd, short events, void *arg)
{
	struct hc_conn	*c = arg;

	hc_idle_remove(c->pool, c);
	hc_conn_close(c);
}

/*
 * How many idle connections the pool may hold: idle ones keep descriptors
 * the program needs for other things (cimheadd's viewers and admin
 * clients; its budget counts a node's queries in flight, not what is
 * kept), so a quarter of the soft limit at most.  The limit can change
 * (cimheadd raises it on reload): read again after a second.
 */
static size_t
hc_idle_cap(struct hc_pool *pool, uint64_t now)
{
	struct rlimit	rl;

	if (pool->cap_at != 0 && now - pool->cap_at < 1000)
		return (pool->idle_cap);
	pool->cap_at = now;
	pool->idle_cap = HC_IDLE_MAX;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur !=
	    RLIM_INFINITY && rl.rlim_cur / HC_IDLE_FD_SHARE < HC_IDLE_MAX)
		pool->idle_cap = rl.rlim_cur / HC_IDLE_FD_SHARE;
	return (pool->idle_cap);
}

/* Keeps a connection whose exchange ended cleanly, within the bound. */
static void
hc_idle_put(struct hc_pool *pool, struct hc_conn *c)
{
	struct hc_conn	*old;
	size_t		 cap;

	c->op = NULL;
	c->idle_since = mono_ms();
	cap = hc_idle_cap(pool, c->idle_since);
	if (cap == 0) {
		hc_conn_close(c);
		return;
	}
	while (pool->nidle >= cap) {
		old = TAILQ_LAST(&pool->idle, hc_conns);
		hc_idle_remove(pool, old);
		hc_conn_close(old);
	}
	TAILQ_INSERT_HEAD(&pool->idle, c, lru);
	TAILQ_INSERT_HEAD(&pool->buckets[c->hash % HC_IDLE_BUCKETS], c,
	    bucket);
	pool->nidle++;
	if (c->watched != EV_READ)
		hc_watch(c, EV_READ, hc_conn_cb, c);
}

/* The most recent idle connection to sa still young enough, or NULL. */
static struct hc_conn *
hc_idle_take(struct hc_pool *pool, const struct sockaddr_storage *sa,
    socklen_t salen, unsigned hash, uint64_t now)
{
	struct hc_conn	*c, *next;

	for (c = TAILQ_FIRST(&pool->buckets[hash % HC_IDLE_BUCKETS]);
	    c != NULL; c = next) {
		next = TAILQ_NEXT(c, bucket);
		if (c->hash != hash || c->salen != salen ||
		    memcmp(&c->sa, sa, salen) != 0)
			continue;
		hc_idle_remove(pool, c);
		if (now - c->idle_since > HC_IDLE_MAXAGE_MS) {
			hc_conn_close(c);
			continue;
		}
		return (c);
	}
	return (NULL);
}

/*
 * A new non-blocking connection to the op's address, connect started;
 * NULL with errno when there is none.  Out of descriptors with idle
 * connections held, the oldest goes first: a kept connection is worth
 * less than the request.
 */
static struct hc_conn *
hc_conn_open(struct hc_op *op)
{
	struct hc_pool	*pool = op->pool;
	struct hc_conn	*c, *old;
	evutil_socket_t	 fd;
	int		 e;

	for (;;) {
		fd = socket(op->sa.ss_family, SOCK_STREAM, 0);
		if (fd != -1)
			break;
		e = errno;
		if ((e != EMFILE && e != ENFILE) ||
		    (old = TAILQ_LAST(&pool->idle, hc_conns)) == NULL) {
			errno = e;
			return (NULL);
		}
		hc_idle_remove(pool, old);
		hc_conn_close(old);
	}
	if (evutil_make_socket_nonblocking(fd) == -1 ||
	    evutil_make_socket_closeonexec(fd) == -1) {
		e = errno;
		evutil_closesocket(fd);
		errno = e;
		return (NULL);
	}
	if (connect(fd, (struct sockaddr *)&op->sa, op->salen) == -1 &&
	    errno != EINPROGRESS && errno != EINTR) {
		e = errno;
		evutil_closesocket(fd);
		errno = e;
		return (NULL);
	}
	c = xcalloc(1, sizeof(*c));
	c->pool = pool;
	c->fd = fd;
	c->sa = op->sa;
	c->salen = op->salen;
	c->hash = hc_hash(&op->sa, op->salen);
	return (c);
}

/* Reports a failure from the loop: the deadline timer, fired now. */
static void
hc_defer_fail(struct hc_op *op, enum hc_fail f, int e)
{
	op->fail = f;
	op->fail_errno = e;
	event_del(op->timer);
	event_active(op->timer, EV_TIMEOUT, 1);
}

/* Puts op on a connection (kept or new) and waits to write. */
static void
hc_attach(struct hc_op *op, int fresh)
{
	struct hc_conn	*c = NULL;
	unsigned	 hash = hc_hash(&op->sa, op->salen);
	int		 e;

	if (!fresh)
		c = hc_idle_take(op->pool, &op->sa, op->salen, hash,
		    mono_ms());
	if (c == NULL && (c = hc_conn_open(op)) == NULL) {
		e = errno;
		hc_defer_fail(op, e == EMFILE || e == ENFILE ? HC_NOFD :
		    HC_CONNECT, e);
		return;
	}
	c->op = op;
	op->conn = c;
	/* the read buffer a kept connection had: no allocation per request */
	buf_release(&op->in);
	op->in = c->rbuf;
	buf_init(&c->rbuf, 0);
	op->pos = 0;
	op->sent = 0;
	if (c->nused == 0) {
		op->state = HC_CONNECTING;
		hc_watch(c, EV_WRITE, hc_conn_cb, c);
		return;
	}
	/*
	 * A kept connection takes the request now, a loop turn sooner; a
	 * failure is left to the retry, which reports from the loop.
	 */
	op->state = HC_SENDING;
	hc_write(op, 0);
}

/* RFC 9110 tchar: what a header name may hold; a table, read per byte. */
static const unsigned char hc_tchars[256] = {
	['!'] = 1, ['#' ... '\''] = 1, ['*'] = 1, ['+'] = 1, ['-'] = 1,
	['.'] = 1, ['0' ... '9'] = 1, ['A' ... 'Z'] = 1, ['^' ... 'z'] = 1,
	['|'] = 1, ['~'] = 1,
};
#define hc_tchar(c)	(hc_tchars[(unsigned char)(c)])

/*
 * A caller's header line as libcurl would send it: -1 when libcurl would
 * do something with it we do not (replace its own header, drop a name
 * with a blank value, take ';' as "send empty"), 0 when it is dropped
 * ("Expect:"), else its length, to go out as it is.
 */
static ssize_t
hc_header_ok(const char *h)
{
	static const struct {
		const char	*name;
		size_t		 len;
	} own[] = {
#define OWN(s)	{ s, sizeof(s) - 1 }
		OWN("Host"), OWN("User-Agent"), OWN("Accept"),
		OWN("Content-Length"), OWN("Content-Type"),
		OWN("Transfer-Encoding"), OWN("Authorization"), OWN("Expect"),
#undef OWN
	};
	const char	*p = h, *colon;
	size_t		 nlen, i;

	while (hc_tchar(*p))
		p++;
	if (*p != ':' || p == h)
		return (-1);
	colon = p;
	nlen = colon - h;
	for (i = 0; i < nitems(own); i++)
		if (own[i].len == nlen &&
		    strncasecmp(h, own[i].name, nlen) == 0)
			break;
	/* "Expect:" takes curl's Expect away; we never send one */
	if (colon[1] == '\0')
		return (nlen == 6 && strncasecmp(h, "Expect", 6) == 0 ? 0 : -1);
	if (i < nitems(own) || colon[1] != ' ' || colon[2] == '\0')
		return (-1);
	for (p = colon + 2; *p != '\0'; p++)
		if (*p == '\r' || *p == '\n')
			return (-1);
	if (p[-1] == ' ')
		return (-1);
	return (p - h);
}

/* Whether a token list (a Connection value) names tok. */
static int
hc_has_token(const char *list, const char *tok)
{
	size_t		 n = strlen(tok);
	const char	*p = list;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (strncasecmp(p, tok, n) == 0 && (p[n] == '\0' ||
		    p[n] == ',' || p[n] == ' ' || p[n] == '\t'))
			return (1);
		while (*p != '\0' && *p != ',')
			p++;
	}
	return (0);
}

/*
 * A dotted quad as inet_ntop writes it (no leading zeros, each part at
 * most 255), the only IPv4 form libcurl sends unchanged; -1 otherwise.
 */
static int
hc_ipv4(const char *s, size_t len, struct in_addr *a)
{
	uint32_t	v = 0;
	unsigned	part, ndig, nparts = 0;
	size_t		i = 0;

	while (nparts < 4) {
		part = ndig = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9' && ndig < 4) {
			if (ndig == 1 && part == 0)
				return (-1);
			part = part * 10 + (s[i++] - '0');
			ndig++;
		}
		if (ndig == 0 || part > 255)
			return (-1);
		v = v << 8 | part;
		if (++nparts < 4 && (i >= len || s[i++] != '.'))
			return (-1);
	}
	if (i != len)
		return (-1);
	a->s_addr = htonl(v);
	return (0);
}

/*
 * Parses "http://" numeric-host [":" port] [path] into op; -1 when it is
 * not that, or when libcurl would rewrite it (dot segments, a fragment,
 * a host not in its canonical form).  *host and *hostlen: the Host
 * header's value, a part of url.
 */
static int
hc_url(struct hc_op *op, const char *url, const char **host,
    size_t *hostlen, const char **path)
{
	const char		*p = url + 7, *hend, *q, *end;
	char			 h[INET6_ADDRSTRLEN + 1], back[INET6_ADDRSTRLEN];
	struct sockaddr_in	*sin = (struct sockaddr_in *)&op->sa;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&op->sa;
	unsigned long		 port = 80;
	size_t			 n;

	if (strncmp(url, "http://", 7) != 0)
		return (-1);
	memset(&op->sa, 0, sizeof(op->sa));
	if (*p == '[') {
		if ((hend = strchr(p, ']')) == NULL ||
		    (n = hend - p - 1) == 0 || n >= sizeof(h))
			return (-1);
		memcpy(h, p + 1, n);
		h[n] = '\0';
		if (inet_pton(AF_INET6, h, &sin6->sin6_addr) != 1 ||
		    inet_ntop(AF_INET6, &sin6->sin6_addr, back,
		    sizeof(back)) == NULL || strcmp(back, h) != 0)
			return (-1);
		sin6->sin6_family = AF_INET6;
		op->salen = sizeof(*sin6);
		hend++;
	} else {
		hend = p + strcspn(p, ":/?#@");
		if (hc_ipv4(p, hend - p, &sin->sin_addr) == -1)
			return (-1);
		sin->sin_family = AF_INET;
		op->salen = sizeof(*sin);
	}
	q = hend;
	if (*q == ':') {
		if (q[1] < '1' || q[1] > '9')
			return (-1);
		/* by hand: strtoul's call was a tenth of starting a request */
		for (port = 0, end = q + 1; *end >= '0' && *end <= '9';
		    end++)
			if ((port = port * 10 + (unsigned long)(*end - '0')) >
			    65535)
				return (-1);
		if (*end != '\0' && *end != '/')
			return (-1);
		q = end;
	}
	if (*q != '\0' && *q != '/')
		return (-1);
	for (*path = q; *q != '\0'; q++)
		if (*q <= ' ' || *q >= 0x7f || *q == '#' || *q == '\\')
			return (-1);
	if (strstr(*path, "/.") != NULL)
		return (-1);
	if (**path == '\0')
		*path = "/";
	if (op->sa.ss_family == AF_INET6)
		sin6->sin6_port = htons((uint16_t)port);
	else
		sin->sin_port = htons((uint16_t)port);
	/* the port as written (no leading zero), left out when it is 80 */
	*host = p;
	*hostlen = (port == 80 ? hend : *path) - p;
	return (0);
}

/* "ADDR port N" of op's address, for an error text. */
static void
hc_hostport(const struct hc_op *op, char *out, size_t outsz)
{
	const struct sockaddr_in	*sin = (const void *)&op->sa;
	const struct sockaddr_in6	*sin6 = (const void *)&op->sa;
	char				 a[INET6_ADDRSTRLEN];
	unsigned			 port;

	if (op->sa.ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &sin6->sin6_addr, a, sizeof(a));
		port = ntohs(sin6->sin6_port);
	} else {
		inet_ntop(AF_INET, &sin->sin_addr, a, sizeof(a));
		port = ntohs(sin->sin_port);
	}
	snprintf(out, outsz, "%s port %u", a, port);
}

/* The request line, headers and body in one buffer, as libcurl sends them. */
static int
hc_request(struct hc_op *op, const struct http_request *req)
{
	struct buf		*b = &op->out;
	const char		*host, *path, *ct;
	const char * const	*h;
	size_t			 hostlen;
	ssize_t			 len;

	if (hc_url(op, req->url, &host, &hostlen, &path) == -1)
		return (-1);
	ct = req->content_type != NULL ? req->content_type :
	    "application/xml; charset=utf-8";
	if (strpbrk(ct, "\r\n") != NULL)
		return (-1);
	buf_init(b, 0);
	buf_reserve(b, 512 + req->body_len);
	buf_add(b, "POST ", 5);
	buf_puts(b, path);
	buf_puts(b, " HTTP/1.1\r\nHost: ");
	buf_add(b, host, hostlen);
	buf_puts(b, "\r\nUser-Agent: " PACKAGE_NAME "/" PACKAGE_VERSION
	    "\r\nAccept: */*\r\nContent-Type: ");
	buf_puts(b, ct);
	buf_add(b, "\r\n", 2);
	for (h = req->headers; h != NULL && *h != NULL; h++) {
		if ((len = hc_header_ok(*h)) == -1) {
			buf_release(b);
			return (-1);
		}
		if (len == 0)
			continue;
		buf_add(b, *h, len);
		buf_add(b, "\r\n", 2);
		if (strncasecmp(*h, "Connection:", 11) == 0 &&
		    hc_has_token(*h + 11, "close"))
			op->close_after = 1;
	}
	if (req->want_trailers)
		buf_add(b, "TE: trailers\r\n", 14);
	buf_add(b, "Content-Length: ", 16);
	buf_add_u64(b, req->body_len);
	buf_add(b, "\r\n\r\n", 4);
	if (req->body_len > 0)
		buf_add(b, req->body, req->body_len);
	return (0);
}

struct hc_op *
hc_start(struct hc_pool *pool, const struct http_request *req,
    hc_done_cb cb, void *arg)
{
	struct hc_op	*op;
	struct timeval	 tv;

	op = xcalloc(1, sizeof(*op));
	if (hc_request(op, req) == -1) {
		buf_release(&op->out);
		free(op);
		return (NULL);
	}
	op->pool = pool;
	op->cb = cb;
	op->arg = arg;
	op->start = mono_ms();
	op->timeout_ms = req->timeout_ms != 0 ? req->timeout_ms :
	    HC_TIMEOUT_FALLBACK_MS;
	op->max_response = req->max_response != 0 ? req->max_response :
	    HTTP_MAX_RESPONSE_DEFAULT;
	buf_init(&op->in, 0);
	buf_init(&op->body, op->max_response);
	if ((op->timer = evtimer_new(pool->base, hc_timer_cb, op)) == NULL)
		fatal("hclient: cannot make a timer");
	if (pool->prio >= 0)
		(void)event_priority_set(op->timer, pool->prio);
	ms_to_tv(op->timeout_ms, &tv);
	evtimer_add(op->timer, &tv);
	hc_attach(op, 0);
	return (op);
}

static void
hc_op_free(struct hc_op *op)
{
	size_t	i;

	if (op->timer != NULL)
		event_free(op->timer);
	for (i = 0; i < op->nheaders; i++)
		free(op->headers[i].name);
	for (i = 0; i < op->ntrailers; i++)
		free(op->trailers[i].name);
	free(op->headers);
	free(op->trailers);
	buf_release(&op->out);
	buf_release(&op->in);
	buf_release(&op->body);
	free(op);
}

void
hc_cancel(struct hc_op *op)
{
	if (op == NULL)
		return;
	/* the exchange is half done: the connection cannot be reused */
	hc_conn_close(op->conn);
	hc_op_free(op);
}

/* Calls back once with what op has, and frees it. */
static void
hc_finish(struct hc_op *op, enum hc_fail f, int e)
{
	struct http_response	 resp;
	struct hc_conn		*c = op->conn;

	op->conn = NULL;
	if (c != NULL) {
		/*
		 * Kept only after a clean exchange with nothing left over:
		 * bytes past the reply would be read as the next one's.
		 */
		if (f == HC_OK && op->keepalive && !op->close_after &&
		    op->pos == op->in.len) {
			/*
			 * The buffer goes with it unless a long head grew
			 * it: every parked connection holding its largest
			 * reply's buffer was RSS that grew through a soak.
			 */
			c->nused++;
			if (op->in.size <= HC_RBUF_KEEP) {
				buf_reset(&op->in);
				c->rbuf = op->in;
				buf_init(&op->in, 0);
			}
			hc_idle_put(op->pool, c);
		} else
			hc_conn_close(c);
	}
	if (f != HC_OK) {
		op->cb(NULL, f, e, op->msg, op->arg);
		hc_op_free(op);
		return;
	}
	memset(&resp, 0, sizeof(resp));
	resp.status = op->status;
	resp.headers = op->headers;
	resp.nheaders = op->nheaders;
	resp.trailers = op->trailers;
	resp.ntrailers = op->ntrailers;
	if (op->body.data == NULL)
		buf_add(&op->body, "", 0);
	resp.body = op->body.data;
	resp.body_len = op->body.len;
	resp.cut_short = op->cut_short;
	op->cb(&resp, HC_OK, 0, "", op->arg);
	hc_op_free(op);
}

static void
hc_fail(struct hc_op *op, enum hc_fail f, int e, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(op->msg, sizeof(op->msg), fmt, ap);
	va_end(ap);
	hc_finish(op, f, e);
}

static uint64_t
hc_elapsed(const struct hc_op *op)
{
	return (mono_ms() - op->start);
}

/* In libcurl's words, which callers and logs may already know. */
static void
hc_fail_connect(struct hc_op *op, int e)
{
	char	hp[INET6_ADDRSTRLEN + 16];

	hc_hostport(op, hp, sizeof(hp));
	hc_fail(op, HC_CONNECT, e, "Failed to connect to %s after %llu ms: "
	    "Couldn't connect to server", hp,
	    (unsigned long long)hc_elapsed(op));
}

/* The deadline, or a failure deferred out of hc_start or hc_attach. */
static void
hc_timer_cb(evutil_socket_t fd, short events, void *arg)
{
	struct hc_op	*op = arg;

	switch (op->fail) {
	case HC_OK:
		break;
	case HC_NOFD:
		hc_fail(op, HC_NOFD, op->fail_errno, "%s",
		    strerror(op->fail_errno));
		return;
	default:
		hc_fail_connect(op, op->fail_errno);
		return;
	}
	if (op->state == HC_CONNECTING)
		hc_fail(op, HC_TIMEOUT, ETIMEDOUT, "Connection timed out "
		    "after %llu milliseconds",
		    (unsigned long long)hc_elapsed(op));
	else
		hc_fail(op, HC_TIMEOUT, ETIMEDOUT, "Operation timed out "
		    "after %llu milliseconds with %zu bytes received",
		    (unsigned long long)hc_elapsed(op), op->body.len);
}

/*
 * A reused connection that fails before any byte of the reply was most
 * likely closed by the server while idle: once, the request goes again
 * on a fresh connection, as libcurl does.
 */
static int
hc_retry(struct hc_op *op)
{
	struct hc_conn	*c = op->conn;

	if (op->retried || op->got_any || c == NULL || c->nused == 0)
		return (-1);
	op->retried = 1;
	op->conn = NULL;
	hc_conn_close(c);
	hc_attach(op, 1);
	return (0);
}

/* Adds one "Name: value" line (no CRLF); -1 with msg set when refused. */
static int
hc_header_add(struct hc_op *op, int trailer, const char *line, size_t len)
{
	struct http_header	**h = trailer ? &op->trailers : &op->headers;
	size_t			 *n = trailer ? &op->ntrailers : &op->nheaders;
	const char		*colon, *end = line + len, *p;

	if (line[0] == ' ' || line[0] == '\t') {
		snprintf(op->msg, sizeof(op->msg), "folded header line "
		    "(obs-fold) refused");
		return (-1);
	}
	if ((colon = memchr(line, ':', len)) == NULL || colon == line) {
		snprintf(op->msg, sizeof(op->msg), "header line without a "
		    "name");
		return (-1);
	}
	for (p = line; p < colon; p++) {
		if (!hc_tchar(*p)) {
			snprintf(op->msg, sizeof(op->msg), "bad character "
			    "in a header name");
			return (-1);
		}
	}
	if (memchr(colon + 1, '\r', (size_t)(end - colon - 1)) != NULL ||
	    memchr(colon + 1, '\0', (size_t)(end - colon - 1)) != NULL) {
		snprintf(op->msg, sizeof(op->msg), "control character in a "
		    "header value");
		return (-1);
	}
	if (op->nheaders + op->ntrailers >= HC_MAX_HEADERS)
		return (-2);
	http_header_push(h, n, line, colon, end);
	return (0);
}

static const char *
hc_find(const struct http_header *h, size_t n, const char *name)
{
	size_t	i;

	/* first bytes with the case bit set, as http_header_find */
	for (i = n; i > 0; i--)
		if ((h[i - 1].name[0] | 0x20) == (name[0] | 0x20) &&
		    str_casecmp_ascii(h[i - 1].name, name) == 0)
			return (h[i - 1].value);
	return (NULL);
}

/* "HTTP/1.x NNN reason"; -1 when it is not one. */
static int
hc_status_line(struct hc_op *op, const char *l, size_t len)
{
	size_t	i;

	if (len < 12 || memcmp(l, "HTTP/1.", 7) != 0 ||
	    (l[7] != '0' && l[7] != '1') || l[8] != ' ')
		return (-1);
	for (i = 9; i < 12; i++)
		if (l[i] < '0' || l[i] > '9')
			return (-1);
	if (len > 12 && l[12] != ' ')
		return (-1);
	op->minor = l[7] - '0';
	op->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	return (op->status < 100 ? -1 : 0);
}

/*
 * Content-Length as one value, repeated only identically (RFC 9112
 * 6.3): -1 when conflicting or not a number; 0 with *has 0 when absent.
 */
static int
hc_content_length(struct hc_op *op, uint64_t *len, int *has)
{
	size_t		i;
	uint64_t	v;

	*has = 0;
	for (i = 0; i < op->nheaders; i++) {
		if ((op->headers[i].name[0] | 0x20) != 'c' ||
		    str_casecmp_ascii(op->headers[i].name,
		    "Content-Length") != 0)
			continue;
		if (parse_u64(op->headers[i].value, &v) == -1 ||
		    (*has && v != *len))
			return (-1);
		*len = v;
		*has = 1;
	}
	return (0);
}

/* At the end of a response's head: how its body is framed.  -1: done. */
static int
hc_head_end(struct hc_op *op, enum hc_fail *f)
{
	const char	*te, *conn;
	uint64_t	 len = 0;
	int		 has;
	size_t		 i;

	if (op->status >= 100 && op->status < 200) {
		if (op->status == 101) {
			*f = HC_BADREPLY;
			snprintf(op->msg, sizeof(op->msg), "unexpected "
			    "101 Switching Protocols");
			return (-1);
		}
		/* an interim response: the final one follows */
		for (i = 0; i < op->nheaders; i++)
			free(op->headers[i].name);
		op->nheaders = 0;
		op->state = HC_HEAD;
		op->status = 0;
		return (0);
	}
	conn = hc_find(op->headers, op->nheaders, "Connection");
	op->keepalive = op->minor == 1 &&
	    (conn == NULL || !hc_has_token(conn, "close"));
	/* two Transfer-Encoding lines are one list: "gzip" then "chunked" */
	te = NULL;
	for (i = 0; i < op->nheaders; i++) {
		if ((op->headers[i].name[0] | 0x20) != 't' ||
		    str_casecmp_ascii(op->headers[i].name,
		    "Transfer-Encoding") != 0)
			continue;
		te = te == NULL ? op->headers[i].value : "(repeated)";
	}
	if (hc_content_length(op, &len, &has) == -1) {
		*f = HC_BADREPLY;
		snprintf(op->msg, sizeof(op->msg), "invalid or conflicting "
		    "Content-Length");
		return (-1);
	}
	if (te != NULL) {
		if (str_casecmp_ascii(te, "chunked") != 0) {
			*f = HC_BADREPLY;
			snprintf(op->msg, sizeof(op->msg), "unsupported "
			    "Transfer-Encoding: %.64s", te);
			return (-1);
		}
		/* both: chunked wins, and the connection is suspect */
		if (has)
			op->keepalive = 0;
		op->state = HC_CHUNK_SIZE;
		return (0);
	}
	if (has && len > op->max_response) {
		*f = HC_TOOBIG;
		return (-1);
	}
	if (op->status == 204 || op->status == 304 || (has && len == 0)) {
		*f = HC_OK;
		return (-1);
	}
	if (has) {
		op->left = len;
		op->state = HC_BODY_LENGTH;
		return (0);
	}
	/*
	 * OpenPegasus answers a protocol error with 400/501, no framing, and
	 * keeps the connection open: all that matters is in the headers
	 * (http.c says why at length).
	 */
	if (op->status == 400 || op->status == 501) {
		op->cut_short = 1;
		op->keepalive = 0;
		*f = HC_OK;
		return (-1);
	}
	op->keepalive = 0;
	op->state = HC_BODY_CLOSE;
	return (0);
}

/*
 * The next CRLF-ended line at op->pos: 1 with *line and *len (CRLF
 * excluded), 0 when more is needed, -1 on a bare LF or an overlong line.
 */
static int
hc_line(struct hc_op *op, const char **line, size_t *len)
{
	const char	*p = op->in.data + op->pos, *nl;
	size_t		 avail = op->in.len - op->pos;

	/* the cap holds however the bytes arrived, in one read or many */
	nl = memchr(p, '\n', avail);
	if ((nl == NULL ? avail : (size_t)(nl - p)) > HC_MAX_LINE) {
		snprintf(op->msg, sizeof(op->msg), "line over %d bytes",
		    HC_MAX_LINE);
		return (-1);
	}
	if (nl == NULL)
		return (0);
	if (nl == p || nl[-1] != '\r' || memchr(p, '\r', nl - p - 1)) {
		snprintf(op->msg, sizeof(op->msg), "line not ended by CRLF");
		return (-1);
	}
	*line = p;
	*len = nl - p - 1;
	op->pos += nl - p + 1;
	return (1);
}

static int
hc_chunk_size(struct hc_op *op, const char *l, size_t len)
{
	size_t		i;
	uint64_t	v = 0;
	int		d;

	for (i = 0; i < len; i++) {
		if (l[i] >= '0' && l[i] <= '9')
			d = l[i] - '0';
		else if ((l[i] | 0x20) >= 'a' && (l[i] | 0x20) <= 'f')
			d = (l[i] | 0x20) - 'a' + 10;
		else
			break;
		if (v > (UINT64_MAX >> 4))
			return (-1);
		v = v << 4 | d;
	}
	/* digits, then nothing or an extension */
	if (i == 0 || (i < len && l[i] != ';' && l[i] != ' ' &&
	    l[i] != '\t'))
		return (-1);
	op->left = v;
	return (0);
}

/*
 * Consumes what op->in holds.  Returns 1 when the exchange ended (f says
 * how), 0 when more bytes are needed.
 */
static int
hc_parse(struct hc_op *op, enum hc_fail *f)
{
	const char	*l;
	size_t		 len, n;
	int		 r;

	for (;;) {
		switch (op->state) {
		case HC_HEAD:
		case HC_TRAILERS:
		case HC_CHUNK_SIZE:
		case HC_CHUNK_END:
			if ((r = hc_line(op, &l, &len)) == 0)
				return (0);
			if (r == -1)
				goto bad;
			op->head_bytes += len + 2;
			if (op->head_bytes > op->max_response) {
				*f = HC_TOOBIG;
				return (1);
			}
			break;
		case HC_BODY_LENGTH:
		case HC_CHUNK_DATA:
			n = op->in.len - op->pos;
			if (n > op->left)
				n = op->left;
			if (n == 0)
				return (0);
			if (buf_add(&op->body, op->in.data + op->pos, n) ==
			    -1) {
				*f = HC_TOOBIG;
				return (1);
			}
			op->pos += n;
			op->left -= n;
			if (op->left > 0)
				return (0);
			if (op->state == HC_BODY_LENGTH) {
				*f = HC_OK;
				return (1);
			}
			op->state = HC_CHUNK_END;
			continue;
		case HC_BODY_CLOSE:
			n = op->in.len - op->pos;
			if (n > 0 && buf_add(&op->body, op->in.data + op->pos,
			    n) == -1) {
				*f = HC_TOOBIG;
				return (1);
			}
			op->pos += n;
			return (0);
		default:
			fatal("hclient: parse in state %d", op->state);
		}

		/* a line */
		switch (op->state) {
		case HC_HEAD:
			if (op->status == 0) {
				if (hc_status_line(op, l, len) == -1) {
					snprintf(op->msg, sizeof(op->msg),
					    "not an HTTP/1.x status line");
					goto bad;
				}
				continue;
			}
			if (len == 0) {
				if (hc_head_end(op, f) == -1)
					return (1);
				continue;
			}
			if ((r = hc_header_add(op, 0, l, len)) == -2) {
				*f = HC_TOOBIG;
				return (1);
			}
			if (r == -1)
				goto bad;
			continue;
		case HC_CHUNK_SIZE:
			if (hc_chunk_size(op, l, len) == -1) {
				snprintf(op->msg, sizeof(op->msg), "bad chunk "
				    "size line");
				goto bad;
			}
			op->state = op->left == 0 ? HC_TRAILERS :
			    HC_CHUNK_DATA;
			continue;
		case HC_CHUNK_END:
			if (len != 0) {
				snprintf(op->msg, sizeof(op->msg), "chunk "
				    "data longer than its size");
				goto bad;
			}
			op->state = HC_CHUNK_SIZE;
			continue;
		case HC_TRAILERS:
			if (len == 0) {
				*f = HC_OK;
				return (1);
			}
			if ((r = hc_header_add(op, 1, l, len)) == -2) {
				*f = HC_TOOBIG;
				return (1);
			}
			if (r == -1)
				goto bad;
			continue;
		default:
			fatal("hclient: line in state %d", op->state);
		}
	}
bad:
	*f = HC_BADREPLY;
	return (1);
}

/* The server closed: the end of an until-close body, or a failure. */
static void
hc_eof(struct hc_op *op)
{
	if (op->state == HC_BODY_CLOSE) {
		hc_finish(op, HC_OK, 0);
		return;
	}
	if (hc_retry(op) == 0)
		return;
	if (!op->got_any)
		hc_fail(op, HC_NOTHING, 0, "Empty reply from server");
	else if (op->state == HC_BODY_LENGTH)
		hc_fail(op, HC_PARTIAL, 0, "transfer closed with %llu bytes "
		    "remaining to read", (unsigned long long)op->left);
	else if (op->state == HC_HEAD)
		hc_fail(op, HC_PARTIAL, 0, "connection closed inside the "
		    "response headers");
	else
		hc_fail(op, HC_PARTIAL, 0, "transfer closed with outstanding "
		    "read data remaining");
}

static void
hc_read(struct hc_op *op)
{
	struct hc_conn	*c = op->conn;
	enum hc_fail	 f;
	ssize_t		 n;
	int		 e;

	/* consumed bytes go before the buffer grows */
	if (op->pos > 0 && op->pos == op->in.len) {
		buf_reset(&op->in);
		op->pos = 0;
	} else if (op->pos > HC_READ_MIN) {
		memmove(op->in.data, op->in.data + op->pos,
		    op->in.len - op->pos);
		op->in.len -= op->pos;
		op->pos = 0;
	}
	if (op->in.size - op->in.len <= HC_READ_MIN)
		buf_reserve(&op->in, HC_READ_MIN);
	n = recv(c->fd, op->in.data + op->in.len, op->in.size - op->in.len -
	    1, 0);
	if (n == -1) {
		e = errno;
		if (hc_retriable(e))
			return;
		if (hc_retry(op) == 0)
			return;
		hc_fail(op, HC_RECV, e, "Recv failure: %s", strerror(e));
		return;
	}
	if (n == 0) {
		hc_eof(op);
		return;
	}
	op->got_any = 1;
	op->in.len += n;
	op->in.data[op->in.len] = '\0';
	if (hc_parse(op, &f) == 1)
		hc_finish(op, f, 0);
}

/* Sends what is left of the request; may_fail 0: never calls back. */
static void
hc_write(struct hc_op *op, int may_fail)
{
	struct hc_conn	*c = op->conn;
	ssize_t		 n;
	int		 e, flags = 0;

#ifdef MSG_NOSIGNAL
	flags = MSG_NOSIGNAL;
#endif
	n = send(c->fd, op->out.data + op->sent, op->out.len - op->sent,
	    flags);
	if (n == -1) {
		e = errno;
		if (!hc_retriable(e) && hc_retry(op) == 0)
			return;
		/* not now: the next attempt, from the loop, says why */
		if (hc_retriable(e) || !may_fail) {
			if (c->watched != EV_WRITE)
				hc_watch(c, EV_WRITE, hc_conn_cb, c);
			return;
		}
		hc_fail(op, HC_SEND, e, "Send failure: %s", strerror(e));
		return;
	}
	op->sent += n;
	if (op->sent < op->out.len) {
		if (c->watched != EV_WRITE)
			hc_watch(c, EV_WRITE, hc_conn_cb, c);
		return;
	}
	op->state = HC_HEAD;
	if (c->watched != EV_READ)
		hc_watch(c, EV_READ, hc_conn_cb, c);
}

static void
hc_conn_cb(evutil_socket_t fd, short events, void *arg)
{
	struct hc_conn	*c = arg;
	struct hc_op	*op = c->op;
	int		 e = 0;
	socklen_t	 elen = sizeof(e);

	if (op == NULL) {
		hc_idle_cb(fd, events, arg);
		return;
	}
	switch (op->state) {
	case HC_CONNECTING:
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, (void *)&e,
		    &elen) == -1)
			e = errno;
		if (e != 0) {
			hc_fail_connect(op, e);
			return;
		}
		op->state = HC_SENDING;
		/* FALLTHROUGH */
	case HC_SENDING:
		hc_write(op, 1);
		return;
	default:
		hc_read(op);
		return;
	}
}
