/*
 * fuzz_http.c: the HTTP reply framing as the client sees it.  Each input
 * is one server reply: http_post sends a CIM-XML-sized request to a
 * listener on 127.0.0.1 on the same event base, which reads the whole
 * request, writes the input bytes and closes.  Two engines do the
 * framing: hclient.c (http.c's own, for plain http to an address) and
 * libcurl (CIMHEAD_HTTP_ENGINE=curl); what is fuzzed is hclient.c's parser
 * and http.c around both (status lines, header and trailer collection, the
 * size cap, the cut-short rule) and the promise that the callback fires
 * exactly once with either a response or an error.
 *
 * Input: one control byte (bit 0: 256-byte response cap, bit 1: ask for
 * trailers, bit 2: libcurl instead of hclient.c, bit 3: no "Connection:
 * close", so a reply the client takes as complete leaves the connection
 * kept, and the next input may find it closed: the retry), then the reply
 * bytes.
 */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <signal.h>
#include <stdio.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "cimhead.h"
#include "fuzz.h"

static struct event_base	*base;
static struct http_ctx		*ctx;		/* hclient.c */
static struct http_ctx		*ctx_curl;
static struct evconnlistener	*lst;
static char			 url[64];

static const uint8_t		*reply;
static size_t			 reply_len;
static int			 conns;		/* server connections open */
static int			 calls;

static void
srv_write_cb(struct bufferevent *bev, void *arg)
{
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0) {
		bufferevent_free(bev);
		conns--;
	}
}

static void
srv_event_cb(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
		bufferevent_free(bev);
		conns--;
	}
}

/* Reads one whole request, then answers with the input and closes. */
static void
srv_read_cb(struct bufferevent *bev, void *arg)
{
	struct evbuffer		*in = bufferevent_get_input(bev);
	struct evbuffer_ptr	 p;
	char			 head[4096], *cl;
	size_t			 hlen, clen = 0;

	p = evbuffer_search(in, "\r\n\r\n", 4, NULL);
	if (p.pos < 0)
		return;
	hlen = (size_t)p.pos + 4;
	if (hlen >= sizeof(head))
		abort();	/* http.c sends a small head */
	evbuffer_copyout(in, head, hlen);
	head[hlen] = '\0';
	if ((cl = strstr(head, "\r\nContent-Length:")) != NULL)
		clen = strtoul(cl + 17, NULL, 10);
	if (evbuffer_get_length(in) < hlen + clen)
		return;
	evbuffer_drain(in, hlen + clen);
	bufferevent_setcb(bev, NULL, srv_write_cb, srv_event_cb, NULL);
	if (reply_len == 0) {
		bufferevent_free(bev);
		conns--;
		return;
	}
	bufferevent_write(bev, reply, reply_len);
}

static void
srv_accept_cb(struct evconnlistener *l, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct bufferevent	*bev;

	bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	conns++;
	bufferevent_setcb(bev, srv_read_cb, NULL, srv_event_cb, NULL);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

static void
done_cb(const struct http_response *resp, const struct wbem_error *err,
    void *arg)
{
	size_t	i;

	calls++;
	if (resp == NULL) {
		if (err == NULL || err->kind == WBEM_E_NONE)
			abort();	/* neither a response nor an error */
		return;
	}
	if (err != NULL && err->kind != WBEM_E_NONE)
		abort();	/* both */
	if (resp->body == NULL || resp->body[resp->body_len] != '\0')
		abort();
	for (i = 0; i < resp->nheaders; i++)
		if (resp->headers[i].name == NULL ||
		    resp->headers[i].value == NULL)
			abort();
	for (i = 0; i < resp->ntrailers; i++)
		if (resp->trailers[i].name == NULL ||
		    resp->trailers[i].value == NULL)
			abort();
	http_response_header(resp, "CIMError");
	http_response_trailer(resp, "CIMStatusCode");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);

	log_init("fuzz", LOG_LVL_ERR, 0);
	/* The server side writes to sockets the client may have closed. */
	signal(SIGPIPE, SIG_IGN);
	if ((base = event_base_new()) == NULL ||
	    (ctx = http_ctx_new(base)) == NULL ||
	    setenv("CIMHEAD_HTTP_ENGINE", "curl", 1) == -1 ||
	    (ctx_curl = http_ctx_new(base)) == NULL ||
	    unsetenv("CIMHEAD_HTTP_ENGINE") == -1)
		abort();
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lst = evconnlistener_new_bind(base, srv_accept_cb, NULL,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 64,
	    (struct sockaddr *)&sin, sizeof(sin));
	if (lst == NULL)
		abort();
	getsockname(evconnlistener_get_fd(lst), (struct sockaddr *)&sin, &len);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/cimom",
	    ntohs(sin.sin_port));
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char * const hdrs[] = { "CIMOperation: MethodCall",
	    "Connection: close", NULL };
	static const char * const hdrs_kept[] = { "CIMOperation: MethodCall",
	    NULL };
	static const char body[] = "<?xml version=\"1.0\"?><CIM/>";
	struct http_request	 req;
	struct http_ctx		*c;
	uint64_t		 start;

	if (size < 1)
		return (0);
	reply = data + 1;
	reply_len = size - 1;
	calls = 0;
	memset(&req, 0, sizeof(req));
	req.url = url;
	req.content_type = "application/xml; charset=utf-8";
	req.headers = (data[0] & 8) ? hdrs_kept : hdrs;
	req.body = body;
	req.body_len = sizeof(body) - 1;
	req.timeout_ms = 5000;
	req.max_response = (data[0] & 1) ? 256 : 0;
	req.want_trailers = (data[0] >> 1) & 1;
	c = (data[0] & 4) ? ctx_curl : ctx;
	if (http_post(c, &req, done_cb, NULL) == NULL)
		abort();
	start = mono_ms();
	while (calls == 0 || conns > 0 || http_inflight(c) != 0) {
		event_base_loop(base, EVLOOP_ONCE);
		if (mono_ms() - start > 10000)
			abort();	/* the deadline did not hold */
	}
	if (calls != 1)
		abort();	/* exactly once */
	return (0);
}
