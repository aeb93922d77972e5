/*
 * testsrv.c: the listener and loop helpers of testsrv.h, kept in one
 * place so test_http and test_wbem bind, accept and stop the same way.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>

#include "cimhead.h"
#include "testsrv.h"

/*
 * The next whole request in `in`, head and Content-Length body, drained
 * and NUL-terminated, with the head's length (blank line included) in
 * *hlenp; NULL until all of it has arrived, so a caller may loop until
 * pipelined requests run out.
 */
char *
testsrv_request(struct evbuffer *in, size_t *hlenp)
{
	struct evbuffer_ptr	 p;
	size_t			 hlen, clen = 0, len;
	char			*req, *cl;

	p = evbuffer_search(in, "\r\n\r\n", 4, NULL);
	if (p.pos < 0)
		return (NULL);
	hlen = p.pos + 4;
	len = evbuffer_get_length(in);
	req = xmalloc(len + 1);
	evbuffer_copyout(in, req, len);
	req[len] = '\0';
	if ((cl = strstr(req, "\r\nContent-Length:")) != NULL &&
	    cl < req + hlen)
		clen = strtoul(cl + 17, NULL, 10);
	if (len < hlen + clen) {
		free(req);
		return (NULL);
	}
	evbuffer_drain(in, hlen + clen);
	req[hlen + clen] = '\0';
	*hlenp = hlen;
	return (req);
}

/* A peer that closed or failed: the connection is done. */
void
testsrv_event_cb(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		bufferevent_free(bev);
}

static void
testsrv_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct testsrv		*ts = arg;
	struct bufferevent	*bev;

	ts->nconn++;
	bev = bufferevent_socket_new(ts->base, fd, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, ts->readcb, NULL, testsrv_event_cb, ts->arg);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

/* Binds 127.0.0.1:0 so parallel tests never collide; fatal if it cannot. */
void
testsrv_listen(struct testsrv *ts, struct event_base *base,
    bufferevent_data_cb readcb, void *arg)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	memset(ts, 0, sizeof(*ts));
	ts->base = base;
	ts->readcb = readcb;
	ts->arg = arg;
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ts->lst = evconnlistener_new_bind(base, testsrv_accept_cb, ts,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 16,
	    (struct sockaddr *)&sin, sizeof(sin));
	if (ts->lst == NULL)
		fatal("cannot listen");
	getsockname(evconnlistener_get_fd(ts->lst), (struct sockaddr *)&sin,
	    &len);
	ts->port = ntohs(sin.sin_port);
}

/* Stops accepting; connections already open live on until their peer goes. */
void
testsrv_close(struct testsrv *ts)
{
	evconnlistener_free(ts->lst);
	ts->lst = NULL;
}

static void
testsrv_stop_cb(evutil_socket_t fd, short ev, void *arg)
{
	event_base_loopbreak(arg);
}

/*
 * Runs the loop until a callback breaks it or ms pass.  The timer is
 * removed afterwards: a run cut short must not leave its stop behind to
 * cut a later run short.
 */
void
testsrv_run_for(struct event_base *base, unsigned ms)
{
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };
	struct event	*ev;

	ev = evtimer_new(base, testsrv_stop_cb, base);
	evtimer_add(ev, &tv);
	event_base_dispatch(base);
	event_free(ev);
}
