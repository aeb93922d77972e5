/*
 * httpd.c: the mock's own small HTTP/1.1 server on evconnlistener and
 * bufferevents.  evhttp cannot do what OpenPegasus does on the wire
 * (bodiless 400s that leave the connection open, zero-padded lower-case
 * content-length, chunked replies with trailers) nor the faults the mock
 * injects (hang, reset, drip), so handlers write raw bytes here.  Requests
 * are read one at a time per connection with caps on the head, the header
 * count and the body; no 100 Continue is ever sent, like OpenPegasus.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "mock.h"

enum conn_state {
	CONN_HEAD = 0,		/* reading a request head */
	CONN_BODY,		/* reading body_need more bytes */
	CONN_HANDLER,		/* a handler owns the request */
	CONN_CLOSING,		/* flushing, then close */
};

struct httpd_conn {
	TAILQ_ENTRY(httpd_conn) entry;
	struct httpd		*h;
	struct bufferevent	*bev;
	enum conn_state		 state;
	size_t			 body_need;
	struct httpd_req	 req;
	httpd_gone_cb		 gone_cb;
	void			*gone_arg;
	httpd_drain_cb		 drain_cb;
	void			*drain_arg;
	size_t			 drained;	/* bytes to the kernel, this request */
	size_t			 drain_seen;
};

struct httpd {
	struct event_base	*base;
	struct evconnlistener	*lev;
	httpd_request_cb	 cb;
	void			*arg;
	int			 port;
	struct sockaddr_in	 sin;		/* bound address, for re-listening */
	int			 refuse;
	size_t			 nconns;
	TAILQ_HEAD(, httpd_conn) conns;
};

static void	httpd_accept_cb(struct evconnlistener *, evutil_socket_t,
		    struct sockaddr *, int, void *);
static void	httpd_read_cb(struct bufferevent *, void *);
static void	httpd_write_cb(struct bufferevent *, void *);
static void	httpd_event_cb(struct bufferevent *, short, void *);
static void	httpd_output_cb(struct evbuffer *,
		    const struct evbuffer_cb_info *, void *);

struct httpd *
httpd_new(struct event_base *base, const char *addr, int port,
    httpd_request_cb cb, void *arg)
{
	struct httpd		*h;
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		errno = EINVAL;
		return (NULL);
	}
	h = xcalloc(1, sizeof(*h));
	h->base = base;
	h->cb = cb;
	h->arg = arg;
	TAILQ_INIT(&h->conns);
	h->lev = evconnlistener_new_bind(base, httpd_accept_cb, h,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
	    512, (struct sockaddr *)&sin, sizeof(sin));
	if (h->lev == NULL) {
		free(h);
		return (NULL);
	}
	if (getsockname(evconnlistener_get_fd(h->lev),
	    (struct sockaddr *)&sin, &len) == 0)
		h->port = ntohs(sin.sin_port);
	h->sin = sin;
	return (h);
}

static void
httpd_req_reset(struct httpd_req *r)
{
	size_t	i;

	for (i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->body);
	r->body = NULL;
	r->body_len = 0;
	r->nheaders = 0;
	r->method[0] = r->uri[0] = '\0';
}

static void
httpd_conn_free(struct httpd_conn *c)
{
	TAILQ_REMOVE(&c->h->conns, c, entry);
	c->h->nconns--;
	httpd_req_reset(&c->req);
	bufferevent_free(c->bev);
	free(c);
}

void
httpd_free(struct httpd *h)
{
	struct httpd_conn	*c;

	if (h == NULL)
		return;
	while ((c = TAILQ_FIRST(&h->conns)) != NULL) {
		if (c->state == CONN_HANDLER && c->gone_cb != NULL)
			c->gone_cb(&c->req, c->gone_arg);
		httpd_conn_free(c);
	}
	if (h->lev != NULL)
		evconnlistener_free(h->lev);
	free(h);
}

int
httpd_port(const struct httpd *h)
{
	return (h->port);
}

/* Closes fd with an RST rather than a FIN. */
static void
httpd_rst(evutil_socket_t fd)
{
	struct linger	l = { 1, 0 };

	(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, (void *)&l, sizeof(l));
}

/*
 * Refusing is what a host without the server does: nothing listens on
 * the port (connect gets ECONNREFUSED) and the connections the server
 * had are gone, reset -- kept-alive ones too, or a client holding one
 * would never notice.  Turned off, the same address is listened on again.
 */
void
httpd_set_refuse(struct httpd *h, int on)
{
	struct httpd_conn	*c;

	if (on == h->refuse)
		return;
	h->refuse = on;
	if (on) {
		evconnlistener_free(h->lev);
		h->lev = NULL;
		while ((c = TAILQ_FIRST(&h->conns)) != NULL) {
			if (c->state == CONN_HANDLER && c->gone_cb != NULL)
				c->gone_cb(&c->req, c->gone_arg);
			httpd_rst(bufferevent_getfd(c->bev));
			httpd_conn_free(c);
		}
		return;
	}
	h->lev = evconnlistener_new_bind(h->base, httpd_accept_cb, h,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE | LEV_OPT_CLOSE_ON_EXEC,
	    512, (struct sockaddr *)&h->sin, sizeof(h->sin));
	if (h->lev == NULL)
		log_warn("httpd: cannot listen on port %d again", h->port);
}

size_t
httpd_nconns(const struct httpd *h)
{
	return (h->nconns);
}

static void
httpd_accept_cb(struct evconnlistener *lev, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct httpd		*h = arg;
	struct httpd_conn	*c;

	c = xcalloc(1, sizeof(*c));
	c->h = h;
	c->req.conn = c;
	c->bev = bufferevent_socket_new(h->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL) {
		evutil_closesocket(fd);
		free(c);
		return;
	}
	TAILQ_INSERT_TAIL(&h->conns, c, entry);
	h->nconns++;
	evbuffer_add_cb(bufferevent_get_output(c->bev), httpd_output_cb, c);
	bufferevent_setcb(c->bev, httpd_read_cb, httpd_write_cb,
	    httpd_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

static void
httpd_output_cb(struct evbuffer *b, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct httpd_conn	*c = arg;

	c->drained += info->n_deleted;
}

/* Answers a broken head the way OpenPegasus does: 400, no body, close. */
static void
httpd_bad(struct httpd_conn *c)
{
	static const char	msg[] = "HTTP/1.1 400 Bad Request\r\n\r\n";

	bufferevent_write(c->bev, msg, sizeof(msg) - 1);
	c->state = CONN_CLOSING;
	bufferevent_disable(c->bev, EV_READ);
}

static char *
httpd_trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return (s);
}

/* Parses the head in line buffer; -1 when it is not HTTP/1.x. */
static int
httpd_parse_head(struct httpd_conn *c, char *head)
{
	struct httpd_req	*r = &c->req;
	char			*line, *next, *colon, *sp1, *sp2;
	const char		*v;
	uint64_t		 n;

	next = head;
	line = strsep(&next, "\n");
	line = httpd_trim(line);
	if ((sp1 = strchr(line, ' ')) == NULL ||
	    (sp2 = strchr(sp1 + 1, ' ')) == NULL)
		return (-1);
	*sp1 = *sp2 = '\0';
	if (strlcpy(r->method, line, sizeof(r->method)) >= sizeof(r->method) ||
	    strlcpy(r->uri, sp1 + 1, sizeof(r->uri)) >= sizeof(r->uri))
		return (-1);
	if (strncmp(sp2 + 1, "HTTP/1.", 7) != 0 ||
	    (sp2[8] != '0' && sp2[8] != '1') || sp2[9] != '\0')
		return (-1);
	r->minor = sp2[8] - '0';
	while ((line = strsep(&next, "\n")) != NULL) {
		line = httpd_trim(line);
		if (*line == '\0')
			continue;
		if ((colon = strchr(line, ':')) == NULL)
			return (-1);
		*colon = '\0';
		if (r->nheaders >= HTTPD_MAX_HEADERS)
			return (-1);
		r->headers[r->nheaders].name = xstrdup(httpd_trim(line));
		r->headers[r->nheaders].value = xstrdup(httpd_trim(colon + 1));
		r->nheaders++;
	}
	r->keepalive = r->minor == 1;
	if ((v = httpd_header(r, "Connection")) != NULL) {
		if (str_icontains(v, "close"))
			r->keepalive = 0;
		else if (str_icontains(v, "keep-alive"))
			r->keepalive = 1;
	}
	if (httpd_header(r, "Transfer-Encoding") != NULL)
		return (-1);	/* chunked requests: no client here sends one */
	c->body_need = 0;
	if ((v = httpd_header(r, "Content-Length")) != NULL) {
		if (parse_u64(v, &n) == -1 || n > HTTPD_MAX_BODY)
			return (-1);
		c->body_need = (size_t)n;
	}
	return (0);
}

static void
httpd_dispatch(struct httpd_conn *c)
{
	c->state = CONN_HANDLER;
	c->drained = c->drain_seen = 0;
	c->h->cb(&c->req, c->h->arg);
}

static void
httpd_read_cb(struct bufferevent *bev, void *arg)
{
	struct httpd_conn	*c = arg;
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct evbuffer_ptr	 p;
	size_t			 hlen;
	char			*head;

	if (c->state == CONN_HEAD) {
		/* Leading blank lines between requests are allowed. */
		while (evbuffer_get_length(in) >= 2) {
			unsigned char	two[2];

			evbuffer_copyout(in, two, 2);
			if (two[0] == '\r' && two[1] == '\n')
				evbuffer_drain(in, 2);
			else
				break;
		}
		p = evbuffer_search(in, "\r\n\r\n", 4, NULL);
		if (p.pos == -1) {
			if (evbuffer_get_length(in) > HTTPD_MAX_HEAD)
				httpd_bad(c);
			return;
		}
		hlen = (size_t)p.pos + 4;
		if (hlen > HTTPD_MAX_HEAD) {
			httpd_bad(c);
			return;
		}
		head = xmalloc(hlen + 1);
		evbuffer_remove(in, head, hlen);
		head[hlen] = '\0';
		httpd_req_reset(&c->req);
		if (httpd_parse_head(c, head) == -1) {
			free(head);
			httpd_bad(c);
			return;
		}
		free(head);
		c->state = CONN_BODY;
	}
	if (c->state == CONN_BODY) {
		if (evbuffer_get_length(in) < c->body_need)
			return;
		c->req.body = xmalloc(c->body_need + 1);
		evbuffer_remove(in, c->req.body, c->body_need);
		c->req.body[c->body_need] = '\0';
		c->req.body_len = c->body_need;
		httpd_dispatch(c);
	}
}

static void
httpd_write_cb(struct bufferevent *bev, void *arg)
{
	struct httpd_conn	*c = arg;

	if (c->state == CONN_CLOSING) {
		httpd_conn_free(c);
		return;
	}
	if (c->state == CONN_HANDLER && c->drain_cb != NULL)
		c->drain_cb(&c->req, c->drained, c->drain_arg);
}

static void
httpd_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct httpd_conn	*c = arg;

	if ((what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) == 0)
		return;
	if (c->state == CONN_HANDLER && c->gone_cb != NULL)
		c->gone_cb(&c->req, c->gone_arg);
	httpd_conn_free(c);
}

const char *
httpd_header(const struct httpd_req *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->nheaders; i++)
		if (str_casecmp_ascii(r->headers[i].name, name) == 0)
			return (r->headers[i].value);
	return (NULL);
}

void
httpd_send(struct httpd_req *r, const void *p, size_t n)
{
	bufferevent_write(r->conn->bev, p, n);
}

void
httpd_sendf(struct httpd_req *r, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	evbuffer_add_vprintf(bufferevent_get_output(r->conn->bev), fmt, ap);
	va_end(ap);
}

void
httpd_done(struct httpd_req *r, int keep)
{
	struct httpd_conn	*c = r->conn;

	c->gone_cb = NULL;
	c->drain_cb = NULL;
	if (!keep) {
		c->state = CONN_CLOSING;
		bufferevent_disable(c->bev, EV_READ);
		if (evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
			httpd_conn_free(c);
		return;
	}
	c->state = CONN_HEAD;
	if (evbuffer_get_length(bufferevent_get_input(c->bev)) > 0)
		bufferevent_trigger(c->bev, EV_READ, BEV_TRIG_DEFER_CALLBACKS);
}

void
httpd_abort(struct httpd_req *r)
{
	struct httpd_conn	*c = r->conn;

	httpd_rst(bufferevent_getfd(c->bev));
	httpd_conn_free(c);
}

size_t
httpd_pending(const struct httpd_req *r)
{
	return (evbuffer_get_length(bufferevent_get_output(r->conn->bev)));
}

size_t
httpd_sent(const struct httpd_req *r)
{
	return (r->conn->drained);
}

void
httpd_on_gone(struct httpd_req *r, httpd_gone_cb cb, void *arg)
{
	r->conn->gone_cb = cb;
	r->conn->gone_arg = arg;
}

void
httpd_on_drain(struct httpd_req *r, httpd_drain_cb cb, void *arg)
{
	r->conn->drain_cb = cb;
	r->conn->drain_arg = arg;
}
