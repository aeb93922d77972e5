/*
 * testsrv.h: the in-process libevent server the transport unit tests
 * share: a listener on 127.0.0.1:0 whose connections hand their input to
 * the test's own request parser, and a bounded run of the event loop.
 */
#ifndef TESTSRV_H
#define TESTSRV_H

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

struct testsrv {
	struct event_base	*base;
	struct evconnlistener	*lst;
	int			 port;		/* read back after binding */
	int			 nconn;		/* connections accepted */
	bufferevent_data_cb	 readcb;	/* the test's request parser */
	void			*arg;		/* passed to readcb */
};

struct evbuffer;

char	*testsrv_request(struct evbuffer *, size_t *);
void	testsrv_listen(struct testsrv *, struct event_base *,
	    bufferevent_data_cb, void *);
void	testsrv_close(struct testsrv *);
void	testsrv_event_cb(struct bufferevent *, short, void *);
void	testsrv_run_for(struct event_base *, unsigned);

#endif
