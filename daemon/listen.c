/*
 * listen.c: the daemon's HTTP listeners.  The operator side (admin.c)
 * gets an evhttp bound here, the viewer side (frontend.c) a socket for
 * its own server (vhttp.c); port 0 picks a free port, and the address
 * really bound is read back, for the log and for the port file that tests
 * and supervisors read.
 *
 * The admin side tracks its connections here (listen_conns; vhttp.c does
 * the same for viewers): libevent 2.1's only deadline is per read, so a
 * client dribbling one byte a second would hold a connection for ever,
 * and it has no connection cap.  So every
 * connection is tracked from accept (the bufferevent callback) to close
 * (the connection's close callback): its request head must be complete
 * within the header timeout of the connection opening or of its previous
 * request, and beyond the cap the one with the nearest deadline and
 * nothing waiting is closed.  While evhttp writes a reply it leaves
 * reading on with no read callback, so the bufferevent would read all
 * the peer pipelines into memory: a read high-watermark stops it.  And
 * when accept() fails for want of descriptors, libevent calls it again
 * at once, for ever, logging each failure: the listener is paused for a
 * moment instead, and the failure logged at most every few seconds.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "cimheadd.h"

/* The bound address as text: "a.b.c.d:port" or "[v6]:port". */
static int
listen_addr(evutil_socket_t fd, char *addr, size_t addrlen)
{
	struct sockaddr_storage	 ss;
	socklen_t		 sl = sizeof(ss);
	char			 ip[INET6_ADDRSTRLEN];
	int			 port, r;

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == -1)
		return (-1);
	if (ss.ss_family == AF_INET6) {
		if (inet_ntop(AF_INET6,
		    &((struct sockaddr_in6 *)&ss)->sin6_addr, ip,
		    sizeof(ip)) == NULL)
			return (-1);
		port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
		r = snprintf(addr, addrlen, "[%s]:%d", ip, port);
	} else {
		if (inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr,
		    ip, sizeof(ip)) == NULL)
			return (-1);
		port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
		r = snprintf(addr, addrlen, "%s:%d", ip, port);
	}
	return (r < 0 || (size_t)r >= addrlen ? -1 : 0);
}

struct evhttp *
listen_bind(struct daemon *d, const char *hostport, char *addr,
    size_t addrlen, struct evhttp_bound_socket **sockp)
{
	struct evhttp			*http;
	struct evhttp_bound_socket	*bs;
	char				 host[128];
	unsigned			 port;

	if (hostport_split(hostport, host, sizeof(host), 0, &port) == -1) {
		log_err("cannot listen on %s: not host:port", hostport);
		return (NULL);
	}
	if ((http = evhttp_new(d->base)) == NULL)
		fatal("evhttp_new");
	if ((bs = evhttp_bind_socket_with_handle(http, host,
	    (uint16_t)port)) == NULL) {
		log_err("cannot listen on %s: %s", hostport, strerror(errno));
		evhttp_free(http);
		return (NULL);
	}
	if (listen_addr(evhttp_bound_socket_get_fd(bs), addr, addrlen) == -1) {
		log_err("cannot listen on %s: no address: %s", hostport,
		    strerror(errno));
		evhttp_free(http);
		return (NULL);
	}
	if (sockp != NULL)
		*sockp = bs;
	return (http);
}

evutil_socket_t
listen_socket(const char *hostport, char *addr, size_t addrlen)
{
	struct evutil_addrinfo	 hints, *ai = NULL;
	evutil_socket_t		 fd = -1;
	char			 host[128], port[16];
	unsigned		 p;
	int			 on = 1, r;

	if (hostport_split(hostport, host, sizeof(host), 0, &p) == -1) {
		log_err("cannot listen on %s: not host:port", hostport);
		return (-1);
	}
	snprintf(port, sizeof(port), "%u", p);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = EVUTIL_AI_PASSIVE | EVUTIL_AI_ADDRCONFIG;
	if ((r = evutil_getaddrinfo(host[0] != '\0' ? host : NULL, port,
	    &hints, &ai)) != 0 ||
	    ai == NULL) {
		log_err("cannot listen on %s: %s", hostport,
		    r != 0 ? evutil_gai_strerror(r) : "no address");
		return (-1);
	}
	if ((fd = socket(ai->ai_family, SOCK_STREAM, 0)) == -1 ||
	    evutil_make_socket_nonblocking(fd) == -1 ||
	    evutil_make_socket_closeonexec(fd) == -1 ||
	    evutil_make_listen_socket_reuseable(fd) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, (void *)&on,
	    sizeof(on)) == -1 ||
	    bind(fd, ai->ai_addr, (socklen_t)ai->ai_addrlen) == -1 ||
	    listen(fd, 128) == -1 ||
	    listen_addr(fd, addr, addrlen) == -1) {
		log_err("cannot listen on %s: %s", hostport,
		    evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
		if (fd != -1)
			evutil_closesocket(fd);
		fd = -1;
	}
	evutil_freeaddrinfo(ai);
	return (fd);
}

int
listen_port_file(const struct daemon *d, const char *path)
{
	FILE	*f;
	char	 tmp[1024];
	int	 r;

	r = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (r < 0 || (size_t)r >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return (-1);
	}
	if ((f = fopen(tmp, "w")) == NULL)
		return (-1);
	fprintf(f, "viewer %s\nadmin %s\n", d->front_addr, d->admin_addr);
	/* Renamed into place: a reader never sees half a file. */
	if (fclose(f) != 0 || rename(tmp, path) == -1)
		return (-1);
	return (0);
}

/* ---- connections -------------------------------------------------------- */

#define LISTEN_HASH		1024	/* buckets of the evcon -> conn map */
#define LISTEN_SWEEP_MS		200
#define LISTEN_PAUSE_MS		100	/* accept() out of descriptors */
#define LISTEN_LOG_EVERY_MS	5000

TAILQ_HEAD(listen_conn_list, listen_conn);

struct listen_conns {
	struct daemon		*d;
	struct listen_conns_cf	 cf;
	struct evhttp		*http;
	struct evconnlistener	*lev;		/* NULL once not accepting */
	struct listen_conns	*next;		/* on listen_all */
	struct listen_conn_list	 fresh;		/* accepted, not adopted */
	struct listen_conn_list	 live;
	struct listen_conn_list	 hash[LISTEN_HASH];	/* by evcon */
	size_t			 n;		/* live */
	struct event		*adopt_ev, *sweep_ev, *resume_ev;
	uint64_t		 accept_logged_ms;
	unsigned long		 accept_fails;	/* since the last log line */
};

/*
 * Every listener's connections: an accept error callback is handed the
 * listener's argument, which is evhttp's (its evhttp), not ours.
 */
static struct listen_conns	*listen_all;

static size_t
listen_hash(const struct evhttp_connection *evcon)
{
	return (((uintptr_t)evcon >> 4) % LISTEN_HASH);
}

struct listen_conn *
listen_conn_find(struct listen_conns *lc, struct evhttp_connection *evcon)
{
	struct listen_conn	*c;

	TAILQ_FOREACH(c, &lc->hash[listen_hash(evcon)], hentry)
		if (c->evcon == evcon)
			return (c);
	return (NULL);
}

/* The connection is being freed: a hang-up, a timeout, a limit, the end. */
static void
listen_conn_close_cb(struct evhttp_connection *evcon, void *arg)
{
	struct listen_conn	*c = arg;
	struct listen_conns	*lc = c->lc;

	if (lc->cf.close_cb != NULL)
		lc->cf.close_cb(c, lc->cf.arg);
	TAILQ_REMOVE(&lc->hash[listen_hash(evcon)], c, hentry);
	TAILQ_REMOVE(&lc->live, c, entry);
	lc->n--;
	free(c);
}

/* Closes c now, counting it; its close callback frees it. */
static void
listen_conn_kill(struct listen_conn *c, enum metric counter, const char *why)
{
	if (c->lc->cf.metrics)
		metrics_count(c->lc->d, counter);
	log_debug("%s connection closed: %s", c->lc->cf.what, why);
	evhttp_connection_free(c->evcon);
}

/*
 * Neither waiting for a decision nor holding a reply not yet sent: a
 * reply decided and counted (a 302 charged to its node) is delivered
 * before its connection may be closed to make room.
 */
static int
listen_conn_idle(const struct listen_conn *c)
{
	return (c->busy == NULL &&
	    evbuffer_get_length(bufferevent_get_output(c->bev)) == 0);
}

/* Over the cap: close whoever idles nearest its deadline. */
static void
listen_enforce_cap(struct listen_conns *lc)
{
	struct listen_conn	*c, *victim;

	while (lc->n > lc->cf.cap) {
		victim = NULL;
		TAILQ_FOREACH(c, &lc->live, entry)
			if (listen_conn_idle(c) && (victim == NULL ||
			    c->deadline_ms < victim->deadline_ms))
				victim = c;
		if (victim == NULL)
			break;		/* every one has a viewer or a reply */
		listen_conn_kill(victim, METRIC_CONN_LIMIT, "connection limit");
	}
}

/*
 * Runs in the loop iteration that accepted the connections, before any
 * of their I/O: by then evhttp has set its callbacks, whose argument is
 * the evhttp_connection.  A bufferevent evhttp already let go of (its
 * callbacks cleared) is just released.
 */
static void
listen_adopt_cb(evutil_socket_t fd, short what, void *arg)
{
	struct listen_conns	*lc = arg;
	struct listen_conn	*c;
	bufferevent_data_cb	 rcb;
	void			*cbarg;

	while ((c = TAILQ_FIRST(&lc->fresh)) != NULL) {
		TAILQ_REMOVE(&lc->fresh, c, entry);
		rcb = NULL;
		cbarg = NULL;
		bufferevent_getcb(c->bev, &rcb, NULL, NULL, &cbarg);
		bufferevent_decref(c->bev);
		if (rcb == NULL || cbarg == NULL) {
			free(c);
			continue;
		}
		c->evcon = cbarg;
		evhttp_connection_set_closecb(c->evcon, listen_conn_close_cb, c);
		TAILQ_INSERT_TAIL(&lc->hash[listen_hash(c->evcon)], c, hentry);
		TAILQ_INSERT_TAIL(&lc->live, c, entry);
		lc->n++;
	}
	listen_enforce_cap(lc);
}

/* evhttp asks for each accepted connection's bufferevent. */
static struct bufferevent *
listen_bev_cb(struct event_base *base, void *arg)
{
	struct listen_conns	*lc = arg;
	struct listen_conn	*c;

	c = xcalloc(1, sizeof(*c));
	c->lc = lc;
	if ((c->bev = bufferevent_socket_new(base, -1, 0)) == NULL)
		fatal("bufferevent_socket_new");
	bufferevent_setwatermark(c->bev, EV_READ, 0, lc->cf.max_input);
	/* Ours until adopted, even if evhttp drops it at once. */
	bufferevent_incref(c->bev);
	c->deadline_ms = mono_ms() + lc->cf.header_timeout_ms;
	TAILQ_INSERT_TAIL(&lc->fresh, c, entry);
	event_active(lc->adopt_ev, EV_TIMEOUT, 0);
	return (c->bev);
}

/* Slow or idle connections past their head deadline are closed. */
static void
listen_sweep_cb(evutil_socket_t fd, short what, void *arg)
{
	struct listen_conns	*lc = arg;
	struct listen_conn	*c, *next;
	uint64_t		 now = mono_ms();

	/* Killing c frees it (its close callback): next is read first. */
	for (c = TAILQ_FIRST(&lc->live); c != NULL; c = next) {
		next = TAILQ_NEXT(c, entry);
		if (listen_conn_idle(c) && now >= c->deadline_ms)
			listen_conn_kill(c, METRIC_CONN_TIMEOUT,
			    "no request head in time");
	}
}

static void
listen_resume_cb(evutil_socket_t fd, short what, void *arg)
{
	struct listen_conns	*lc = arg;

	if (lc->lev != NULL)
		evconnlistener_enable(lc->lev);
}

/*
 * accept() failed with an error libevent does not retry later by itself
 * (EMFILE, ENFILE, ENOBUFS...): it would call accept() again at once, in
 * a loop.  The listener pauses instead (the connection waits in the
 * backlog), and the failure is logged once per LISTEN_LOG_EVERY_MS with
 * the number of failures since.
 */
static void
listen_accept_error_cb(struct evconnlistener *lev, void *arg)
{
	struct listen_conns	*lc;
	struct timeval		 tv;
	uint64_t		 now = mono_ms();
	int			 err = EVUTIL_SOCKET_ERROR();

	for (lc = listen_all; lc != NULL && lc->http != arg; lc = lc->next)
		;
	if (lc == NULL) {
		evconnlistener_disable(lev);	/* cannot happen */
		return;
	}
	lc->accept_fails++;
	if (lc->accept_logged_ms == 0 ||
	    now - lc->accept_logged_ms >= LISTEN_LOG_EVERY_MS) {
		log_warn("%s listener: accept: %s (%lu failures); pausing "
		    "%d ms: raise the descriptor limit or lower the "
		    "connection caps", lc->cf.what,
		    evutil_socket_error_to_string(err), lc->accept_fails,
		    LISTEN_PAUSE_MS);
		lc->accept_logged_ms = now;
		lc->accept_fails = 0;
	}
	evconnlistener_disable(lev);
	ms_to_tv(LISTEN_PAUSE_MS, &tv);
	evtimer_add(lc->resume_ev, &tv);
}

struct listen_conns *
listen_conns_new(struct daemon *d, struct evhttp *http,
    struct evhttp_bound_socket *sock, const struct listen_conns_cf *cf)
{
	struct listen_conns	*lc;
	struct timeval		 tv;
	size_t			 i;

	lc = xcalloc(1, sizeof(*lc));
	lc->d = d;
	lc->cf = *cf;
	lc->http = http;
	lc->next = listen_all;
	listen_all = lc;
	TAILQ_INIT(&lc->fresh);
	TAILQ_INIT(&lc->live);
	for (i = 0; i < LISTEN_HASH; i++)
		TAILQ_INIT(&lc->hash[i]);
	if ((lc->adopt_ev = event_new(d->base, -1, 0, listen_adopt_cb,
	    lc)) == NULL ||
	    (lc->sweep_ev = event_new(d->base, -1, EV_PERSIST,
	    listen_sweep_cb, lc)) == NULL ||
	    (lc->resume_ev = evtimer_new(d->base, listen_resume_cb,
	    lc)) == NULL)
		fatal("event_new");
	ms_to_tv(LISTEN_SWEEP_MS, &tv);
	event_add(lc->sweep_ev, &tv);
	if (sock != NULL && (lc->lev = evhttp_bound_socket_get_listener(
	    sock)) != NULL)
		evconnlistener_set_error_cb(lc->lev, listen_accept_error_cb);
	evhttp_set_bevcb(http, listen_bev_cb, lc);
	return (lc);
}

void
listen_conn_request(struct listen_conn *c)
{
	c->deadline_ms = mono_ms() + c->lc->cf.header_timeout_ms;
}

size_t
listen_conns_n(const struct listen_conns *lc)
{
	return (lc != NULL ? lc->n : 0);
}

/* Bytes of replies written but not yet taken by the peers' sockets. */
size_t
listen_conns_output(const struct listen_conns *lc)
{
	const struct listen_conn	*c;
	size_t				 n = 0;

	TAILQ_FOREACH(c, &lc->live, entry)
		n += evbuffer_get_length(bufferevent_get_output(c->bev));
	return (n);
}

void
listen_conns_set_cap(struct listen_conns *lc, size_t cap)
{
	lc->cf.cap = cap;
	listen_enforce_cap(lc);
}

/* The caller deletes the accept socket from its evhttp. */
void
listen_conns_stop(struct listen_conns *lc)
{
	lc->lev = NULL;
	evtimer_del(lc->resume_ev);
}

void
listen_conns_free(struct listen_conns *lc)
{
	struct listen_conns	**pp;

	if (lc == NULL)
		return;
	for (pp = &listen_all; *pp != NULL; pp = &(*pp)->next)
		if (*pp == lc) {
			*pp = lc->next;
			break;
		}
	listen_adopt_cb(-1, 0, lc);	/* releases any not adopted */
	event_free(lc->adopt_ev);
	event_free(lc->sweep_ev);
	event_free(lc->resume_ev);
	free(lc);
}

/* ---- requests evhttp lets through --------------------------------------- */

/*
 * What evhttp accepts but should not: a version other than HTTP/1.x
 * (HTTP/0.9 was answered with an "HTTP/0.9 302" status line), and two
 * Content-Length or two Host headers (evhttp takes the first, a proxy in
 * front may take the last: a smuggling vector).  NULL if the request may
 * go on, else why not; the version is then set to 1.0, so the 400 goes
 * out with a status line the peer can read.  The caller replies 400 with
 * Connection: close (whatever follows on the connection is not trusted).
 */
const char *
listen_request_bad(struct evhttp_request *req)
{
	struct evkeyval	*kv;
	int		 ncl = 0, nhost = 0;

	if (req->major != 1) {
		req->major = 1;
		req->minor = 0;
		return ("HTTP/1.0 or HTTP/1.1 only");
	}
	TAILQ_FOREACH(kv, evhttp_request_get_input_headers(req), next) {
		if (evutil_ascii_strcasecmp(kv->key, "Content-Length") == 0)
			ncl++;
		else if (evutil_ascii_strcasecmp(kv->key, "Host") == 0)
			nhost++;
	}
	if (ncl > 1)
		return ("more than one Content-Length");
	if (nhost > 1)
		return ("more than one Host");
	return (NULL);
}
