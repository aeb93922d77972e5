/*
 * http.c: HTTP POST for the WBEM clients, on libcurl's multi interface
 * driven by the program's libevent base (curl's hiperfifo pattern: curl
 * tells us which sockets to watch and when to wake it; one event per
 * socket, one timer per context).  Connections stay in the multi's cache,
 * so a node is reached over a kept-alive connection.
 *
 * Plain http to a numeric address without credentials or the verbose log
 * (the daemon's probes) goes through hclient.c instead, which does the
 * same exchange at a fraction of libcurl's instructions (issue 14);
 * CIMHEAD_HTTP_ENGINE=curl in the environment keeps everything on curl.
 *
 * This is the only file that includes curl.  What it guarantees its callers:
 * - every http_post completes exactly once, never from inside http_post;
 * - every transfer has a deadline fixed when it starts, and a size cap;
 * - TLS verification is on unless the caller asks, explicitly, for less;
 * - no CURLOPT_FAILONERROR: any HTTP status is a response, with headers;
 * - an OpenPegasus protocol error (400/501 with no body framing on a
 *   connection the server keeps open) is delivered at the end of its
 *   headers instead of waiting for a close that never comes;
 * - the verbose log never shows a credential.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "cimhead.h"

#define HTTP_MAX_HEADERS	256	/* per response, trailers included */
#define HTTP_TIMEOUT_FALLBACK_MS 10000	/* when the caller gave 0 */
#define HTTP_HDRS_CACHE		16	/* request header lists kept */

struct http_sock;

/*
 * A request's header list as curl takes it (CURLOPT_HTTPHEADER, which curl
 * reads and never copies), shared: callers send the same headers to a node
 * request after request (the daemon's probes), and building the list again
 * was seven allocations and 4,700 instructions per request in issue 14's
 * profile.  Counted: the context's cache holds one reference, each
 * transfer using it another.
 */
struct http_hdrs {
	char			*key;	/* the lines, each ended by a NUL */
	size_t			 keylen;
	struct curl_slist	*list;
	unsigned		 refs;
};

struct http_ctx {
	struct event_base	*base;
	CURLM			*multi;
	struct event		*timer;
	TAILQ_HEAD(, http_sock) socks;		/* watched sockets */
	TAILQ_HEAD(, http_xfer) xfers;		/* in flight, newest first */
	size_t			 ninflight;
	int			 dispatching;	/* inside our completion loop */
	int			 dying;		/* http_ctx_free called meanwhile */
	struct http_hdrs	*hcache[HTTP_HDRS_CACHE];
	unsigned		 hnext;		/* replaced next, round robin */
	struct buf		 hkey;		/* a request's key, reused */
	struct hc_pool		*hc;		/* NULL: libcurl only */
};

struct http_sock {
	curl_socket_t		 fd;
	struct event		*ev;
	struct http_ctx		*ctx;
	TAILQ_ENTRY(http_sock)	 entry;
};

struct http_xfer {
	struct http_ctx		*ctx;
	TAILQ_ENTRY(http_xfer)	 entry;
	CURL			*easy;
	int			 added;		/* handed to the multi */
	struct hc_op		*hc;		/* on hclient.c instead */
	struct http_hdrs	*hdrs;
	http_done_cb		 cb;
	void			*arg;
	int			 verbose;
	size_t			 max_response;

	/* an error found before the transfer could start, reported later */
	struct event		*defer;
	struct wbem_error	 early;

	/* response being read */
	long			 status;	/* from the latest status line */
	int			 headers_done;	/* the blank line was seen */
	struct http_header	*headers;
	size_t			 nheaders;
	struct http_header	*trailers;
	size_t			 ntrailers;
	size_t			 header_bytes;
	struct buf		 body;
	int			 cut_short;
	int			 toobig;
	int			 sock_errno;	/* socket() failed with it */
	char			 errbuf[CURL_ERROR_SIZE];
};

static int	http_socket_cb(CURL *, curl_socket_t, int, void *, void *);
static int	http_timer_cb(CURLM *, long, void *);
static void	http_event_cb(evutil_socket_t, short, void *);
static void	http_timeout_cb(evutil_socket_t, short, void *);
static void	http_defer_cb(evutil_socket_t, short, void *);
static size_t	http_header_cb(char *, size_t, size_t, void *);
static size_t	http_write_cb(char *, size_t, size_t, void *);
static int	http_debug_cb(CURL *, curl_infotype, char *, size_t, void *);
static curl_socket_t http_opensocket_cb(void *, curlsocktype,
		    struct curl_sockaddr *);
static void	http_check_done(struct http_ctx *);
static void	http_finish(struct http_xfer *, CURLcode);
static void	http_fail(struct http_xfer *, CURLcode, int, int, const char *);
static void	http_complete(struct http_xfer *, const struct http_response *,
		    const struct wbem_error *);
static void	http_ctx_destroy(struct http_ctx *);
static void	http_sock_free(struct http_ctx *, struct http_sock *);
static void	http_ev_lowest(struct http_ctx *, struct event *);
static void	http_log(enum log_level, const char *, ...) PRINTFLIKE(2, 3);
static void	http_hdrs_drop(struct http_hdrs *);
#if COMPAT_HCLIENT
static void	http_hc_done_cb(const struct http_response *, enum hc_fail,
		    int, const char *, void *);
#endif

int
http_auth_parse(const char *s, enum http_auth *out)
{
	static const struct {
		const char	*name;
		enum http_auth	 auth;
	} names[] = {
		{ "any", HTTP_AUTH_ANY },
		{ "basic", HTTP_AUTH_BASIC },
		{ "digest", HTTP_AUTH_DIGEST },
		{ "ntlm", HTTP_AUTH_NTLM },
		{ "negotiate", HTTP_AUTH_NEGOTIATE },
	};
	size_t	i;

	for (i = 0; i < nitems(names); i++) {
		if (str_casecmp_ascii(s, names[i].name) == 0) {
			*out = names[i].auth;
			return (0);
		}
	}
	return (-1);
}

static const char *
http_header_find(const struct http_header *h, size_t n, const char *name)
{
	size_t	i;

	/*
	 * The last one wins, as a repeated header overrides.  The first
	 * bytes with the case bit set agree whenever the names do: most
	 * names are passed over without a call.
	 */
	for (i = n; i > 0; i--)
		if ((h[i - 1].name[0] | 0x20) == (name[0] | 0x20) &&
		    str_casecmp_ascii(h[i - 1].name, name) == 0)
			return (h[i - 1].value);
	return (NULL);
}

const char *
http_response_header(const struct http_response *r, const char *name)
{
	return (http_header_find(r->headers, r->nheaders, name));
}

const char *
http_response_trailer(const struct http_response *r, const char *name)
{
	return (http_header_find(r->trailers, r->ntrailers, name));
}

static void
http_headers_clear(struct http_header **h, size_t *n)
{
	size_t	i;

	/* the value is in the name's allocation (http_header_add) */
	for (i = 0; i < *n; i++)
		free((*h)[i].name);
	free(*h);
	*h = NULL;
	*n = 0;
}

#if COMPAT_HCLIENT
/*
 * Whether every transfer goes to libcurl: when asked
 * (CIMHEAD_HTTP_ENGINE=curl), and when a proxy is set that libcurl would
 * take for plain http (hclient.c speaks to nodes directly).
 */
static int
http_curl_only(void)
{
	static const char * const vars[] = { "http_proxy", "all_proxy",
	    "ALL_PROXY" };
	const char	*v;
	size_t		 i;

	if ((v = getenv("CIMHEAD_HTTP_ENGINE")) != NULL &&
	    strcmp(v, "curl") == 0)
		return (1);
	for (i = 0; i < nitems(vars); i++)
		if ((v = getenv(vars[i])) != NULL && *v != '\0')
			return (1);
	return (0);
}
#endif

struct http_ctx *
http_ctx_new(struct event_base *base)
{
	struct http_ctx	*ctx;
	static int	 curl_ready;

	if (!curl_ready) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			return (NULL);
		curl_ready = 1;
	}
	ctx = xcalloc(1, sizeof(*ctx));
	ctx->base = base;
	buf_init(&ctx->hkey, 0);
	TAILQ_INIT(&ctx->socks);
	TAILQ_INIT(&ctx->xfers);
	if ((ctx->multi = curl_multi_init()) == NULL)
		goto fail;
	if ((ctx->timer = evtimer_new(base, http_timeout_cb, ctx)) == NULL)
		goto fail;
	http_ev_lowest(ctx, ctx->timer);
#if COMPAT_HCLIENT
	if (!http_curl_only())
		ctx->hc = hc_pool_new(base);
#endif
	if (curl_multi_setopt(ctx->multi, CURLMOPT_SOCKETFUNCTION,
	    http_socket_cb) != CURLM_OK ||
	    curl_multi_setopt(ctx->multi, CURLMOPT_SOCKETDATA, ctx) != CURLM_OK ||
	    curl_multi_setopt(ctx->multi, CURLMOPT_TIMERFUNCTION,
	    http_timer_cb) != CURLM_OK ||
	    curl_multi_setopt(ctx->multi, CURLMOPT_TIMERDATA, ctx) != CURLM_OK)
		goto fail;
	return (ctx);
fail:
	if (ctx->timer != NULL)
		event_free(ctx->timer);
	if (ctx->multi != NULL)
		curl_multi_cleanup(ctx->multi);
#if COMPAT_HCLIENT
	hc_pool_free(ctx->hc);
#endif
	free(ctx);
	return (NULL);
}

void
http_ctx_free(struct http_ctx *ctx)
{
	struct http_xfer	*x;

	if (ctx == NULL)
		return;
	/* Cancelling fires callbacks, which may start nothing new here. */
	ctx->dying = 1;
	while ((x = TAILQ_FIRST(&ctx->xfers)) != NULL)
		http_cancel(x);
	if (ctx->dispatching)
		return;		/* http_check_done frees it when it unwinds */
	http_ctx_destroy(ctx);
}

static void
http_ctx_destroy(struct http_ctx *ctx)
{
	struct http_sock	*s;
	size_t			 i;

	curl_multi_cleanup(ctx->multi);
	/* whatever curl did not hand back while closing its cache */
	while ((s = TAILQ_FIRST(&ctx->socks)) != NULL)
		http_sock_free(ctx, s);
	event_free(ctx->timer);
#if COMPAT_HCLIENT
	hc_pool_free(ctx->hc);
#endif
	for (i = 0; i < HTTP_HDRS_CACHE; i++)
		http_hdrs_drop(ctx->hcache[i]);
	buf_release(&ctx->hkey);
	free(ctx);
}

struct event_base *
http_ctx_base(const struct http_ctx *ctx)
{
	return (ctx->base);
}

size_t
http_inflight(const struct http_ctx *ctx)
{
	return (ctx->ninflight);
}

static void
http_sock_free(struct http_ctx *ctx, struct http_sock *s)
{
	TAILQ_REMOVE(&ctx->socks, s, entry);
	if (s->ev != NULL)
		event_free(s->ev);
	free(s);
}

/*
 * Transfers run at the base's lowest priority: on a base with several
 * (the daemon's), whatever the program put above them (viewers, its
 * timers) is never queued behind a burst of replies.
 */
static void
http_ev_lowest(struct http_ctx *ctx, struct event *ev)
{
	int	n = event_base_get_npriorities(ctx->base);

	if (n > 1)
		(void)event_priority_set(ev, n - 1);
}

/* CURLMOPT_SOCKETFUNCTION: curl says what to watch on one socket. */
static int
http_socket_cb(CURL *easy, curl_socket_t fd, int what, void *cbp, void *sockp)
{
	struct http_ctx		*ctx = cbp;
	struct http_sock	*s = sockp;
	short			 events;

	if (what == CURL_POLL_REMOVE) {
		if (s != NULL) {
			curl_multi_assign(ctx->multi, fd, NULL);
			http_sock_free(ctx, s);
		}
		return (0);
	}
	events = EV_PERSIST;
	if (what & CURL_POLL_IN)
		events |= EV_READ;
	if (what & CURL_POLL_OUT)
		events |= EV_WRITE;
	if (s == NULL) {
		s = xcalloc(1, sizeof(*s));
		s->fd = fd;
		s->ctx = ctx;
		TAILQ_INSERT_HEAD(&ctx->socks, s, entry);
		curl_multi_assign(ctx->multi, fd, s);
		if ((s->ev = event_new(ctx->base, fd, events, http_event_cb,
		    s)) == NULL)
			fatal("http: cannot watch socket %d", (int)fd);
	} else {
		/* re-armed in place: this may run inside s->ev's callback */
		event_del(s->ev);
		event_assign(s->ev, ctx->base, fd, events, http_event_cb, s);
	}
	http_ev_lowest(ctx, s->ev);
	if (event_add(s->ev, NULL) == -1)
		fatal("http: cannot watch socket %d", (int)fd);
	return (0);
}

/* CURLMOPT_TIMERFUNCTION: curl wants to be woken after ms (-1: never). */
static int
http_timer_cb(CURLM *multi, long ms, void *arg)
{
	struct http_ctx	*ctx = arg;
	struct timeval	 tv;

	if (ms < 0) {
		evtimer_del(ctx->timer);
		return (0);
	}
	/*
	 * Even a 0 ms timeout goes through the loop: acting now could finish
	 * a transfer inside http_post, and callbacks must never fire there.
	 */
	ms_to_tv((uint64_t)ms, &tv);
	evtimer_add(ctx->timer, &tv);
	return (0);
}

static void
http_event_cb(evutil_socket_t fd, short events, void *arg)
{
	struct http_sock	*s = arg;
	struct http_ctx		*ctx = s->ctx;
	int			 action = 0, running;

	if (events & EV_READ)
		action |= CURL_CSELECT_IN;
	if (events & EV_WRITE)
		action |= CURL_CSELECT_OUT;
	/* s may be freed inside this call (CURL_POLL_REMOVE). */
	curl_multi_socket_action(ctx->multi, fd, action, &running);
	http_check_done(ctx);
}

static void
http_timeout_cb(evutil_socket_t fd, short events, void *arg)
{
	struct http_ctx	*ctx = arg;
	int		 running;

	curl_multi_socket_action(ctx->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	http_check_done(ctx);
}

/* Completes every transfer curl has finished. */
static void
http_check_done(struct http_ctx *ctx)
{
	CURLMsg			*msg;
	int			 left;
	CURL			*easy;
	CURLcode		 rc;
	struct http_xfer	*x;

	ctx->dispatching++;
	while (!ctx->dying &&
	    (msg = curl_multi_info_read(ctx->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		easy = msg->easy_handle;
		rc = msg->data.result;
		x = NULL;
		curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&x);
		if (x != NULL)
			http_finish(x, rc);
	}
	ctx->dispatching--;
	if (ctx->dying && ctx->dispatching == 0)
		http_ctx_destroy(ctx);
}

static void
http_xfer_unlink(struct http_xfer *x)
{
	struct http_ctx	*ctx = x->ctx;

	TAILQ_REMOVE(&ctx->xfers, x, entry);
	ctx->ninflight--;
}

static void
http_xfer_free(struct http_xfer *x)
{
	if (x->easy != NULL) {
		if (x->added)
			curl_multi_remove_handle(x->ctx->multi, x->easy);
		curl_easy_cleanup(x->easy);
	}
	if (x->defer != NULL)
		event_free(x->defer);
#if COMPAT_HCLIENT
	hc_cancel(x->hc);
#endif
	http_hdrs_drop(x->hdrs);
	http_headers_clear(&x->headers, &x->nheaders);
	http_headers_clear(&x->trailers, &x->ntrailers);
	buf_release(&x->body);
	free(x);
}

/* Calls back once and frees the transfer; x is gone afterwards. */
static void
http_complete(struct http_xfer *x, const struct http_response *resp,
    const struct wbem_error *err)
{
	http_done_cb	 cb = x->cb;
	void		*arg = x->arg;

	http_xfer_unlink(x);
	/* Detach from curl first, so the callback may start a new post. */
	if (x->easy != NULL && x->added) {
		curl_multi_remove_handle(x->ctx->multi, x->easy);
		x->added = 0;
	}
	cb(resp, err, arg);
	http_xfer_free(x);
}

/*
 * CURLOPT_OPENSOCKETFUNCTION: socket() as curl would call it, keeping
 * its errno, which curl reports only as "couldn't connect": out of
 * descriptors is this host's trouble, not the server's (WBEM_E_RESOURCE).
 */
static curl_socket_t
http_opensocket_cb(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct http_xfer	*x = arg;
	curl_socket_t		 fd;

	(void)purpose;
	fd = socket(a->family, a->socktype, a->protocol);
	if (fd == CURL_SOCKET_BAD)
		x->sock_errno = EVUTIL_SOCKET_ERROR();
	return (fd);
}

/* Out of descriptors: the process's (EMFILE) or the system's (ENFILE). */
static int
http_errno_nofd(int e)
{
	return (e == EMFILE || e == ENFILE);
}

/*
 * Completes x with the error rc stands for, as the caller sees it from
 * either engine: toobig for the size cap, sock_errno socket()'s when it
 * failed, text the engine's own (libcurl's error buffer), "" for none.
 */
static void
http_fail(struct http_xfer *x, CURLcode rc, int toobig, int sock_errno,
    const char *text)
{
	struct wbem_error	err;

	if (toobig)
		wbem_error_set(&err, WBEM_E_TOOBIG, rc, "toobig",
		    "response larger than %zu bytes", x->max_response);
	else if (http_errno_nofd(sock_errno))
		wbem_error_set(&err, WBEM_E_RESOURCE, rc,
		    sock_errno == EMFILE ? "EMFILE" : "ENFILE",
		    "no file descriptor for a socket: %s (this host's "
		    "limit, not the server's fault)", strerror(sock_errno));
	else if (rc == CURLE_OPERATION_TIMEDOUT)
		wbem_error_set(&err, WBEM_E_TIMEOUT, rc, "timeout", "%s",
		    text[0] ? text : curl_easy_strerror(rc));
	else
		wbem_error_set(&err, WBEM_E_TRANSPORT, rc,
		    curl_easy_strerror(rc), "%s", text[0] ? text :
		    curl_easy_strerror(rc));
	http_complete(x, NULL, &err);
}

#if COMPAT_HCLIENT
/* hclient.c's verdict: the kinds map to the CURLcode libcurl would give. */
static void
http_hc_done_cb(const struct http_response *resp, enum hc_fail f, int e,
    const char *msg, void *arg)
{
	static const CURLcode	 codes[] = {
		[HC_OK] = CURLE_OK,
		[HC_CONNECT] = CURLE_COULDNT_CONNECT,
		[HC_NOFD] = CURLE_COULDNT_CONNECT,
		[HC_SEND] = CURLE_SEND_ERROR,
		[HC_RECV] = CURLE_RECV_ERROR,
		[HC_NOTHING] = CURLE_GOT_NOTHING,
		[HC_PARTIAL] = CURLE_PARTIAL_FILE,
		[HC_BADREPLY] = CURLE_WEIRD_SERVER_REPLY,
		[HC_TIMEOUT] = CURLE_OPERATION_TIMEDOUT,
		[HC_TOOBIG] = CURLE_FILESIZE_EXCEEDED,
	};
	struct http_xfer	*x = arg;
	struct http_ctx		*ctx = x->ctx;
	struct wbem_error	 err;

	/* hclient.c frees its operation once this returns */
	x->hc = NULL;
	/* a callback that frees the context: destroyed as this unwinds */
	ctx->dispatching++;
	if (f != HC_OK)
		http_fail(x, codes[f], f == HC_TOOBIG, f == HC_NOFD ? e : 0,
		    msg);
	else {
		wbem_error_clear(&err);
		http_complete(x, resp, &err);
	}
	ctx->dispatching--;
	if (ctx->dying && ctx->dispatching == 0)
		http_ctx_destroy(ctx);
}
#endif

/* Turns curl's verdict into a response or an error. */
static void
http_finish(struct http_xfer *x, CURLcode rc)
{
	struct http_response	 resp;
	struct wbem_error	 err;
	long			 status = 0;
	int			 toobig;

	wbem_error_clear(&err);
	toobig = x->toobig || rc == CURLE_FILESIZE_EXCEEDED;
	if (toobig || (rc != CURLE_OK && !x->cut_short)) {
		http_fail(x, rc, toobig, x->sock_errno, x->errbuf);
		return;
	}
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	memset(&resp, 0, sizeof(resp));
	resp.status = x->status != 0 ? x->status : status;
	resp.headers = x->headers;
	resp.nheaders = x->nheaders;
	resp.trailers = x->trailers;
	resp.ntrailers = x->ntrailers;
	if (x->body.data == NULL)
		buf_add(&x->body, "", 0);
	resp.body = x->body.data;
	resp.body_len = x->body.len;
	resp.cut_short = x->cut_short;
	if (x->verbose && x->cut_short)
		log_info("http: status %ld without body framing: "
		    "answered at the end of its headers", resp.status);
	http_complete(x, &resp, &err);
}

/* Reports an error found in http_post from the loop, as promised. */
static void
http_defer_cb(evutil_socket_t fd, short events, void *arg)
{
	struct http_xfer	*x = arg;
	struct wbem_error	 err = x->early;

	http_complete(x, NULL, &err);
}

void
http_cancel(struct http_xfer *x)
{
	struct wbem_error	err;

	if (x == NULL)
		return;
	wbem_error_set(&err, WBEM_E_CANCELLED, 0, "cancelled",
	    "operation cancelled");
	http_complete(x, NULL, &err);
}

/*
 * Appends line's header, the name up to colon and the value after it up
 * to end, without the white space around it; no cap (callers count).
 * Shared with hclient.c, which reads the same lists.
 */
void
http_header_push(struct http_header **h, size_t *n, const char *line,
    const char *colon, const char *end)
{
	const char	*v;
	char		*p;
	size_t		 nlen, vlen;

	v = colon + 1;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	/*
	 * Room for 8, then doubled: at 0, 8, 16, ... (a reply has a handful,
	 * and a realloc per line was a third of this function's cost).
	 */
	if (*n == 0 || (*n >= 8 && (*n & (*n - 1)) == 0))
		*h = xreallocarray(*h, *n == 0 ? 8 : *n * 2, sizeof(**h));
	/* name and value in one allocation, each NUL-terminated */
	nlen = colon - line;
	vlen = end - v;
	p = xmalloc(nlen + 1 + vlen + 1);
	memcpy(p, line, nlen);
	p[nlen] = '\0';
	memcpy(p + nlen + 1, v, vlen);
	p[nlen + 1 + vlen] = '\0';
	(*h)[*n].name = p;
	(*h)[*n].value = p + nlen + 1;
	(*n)++;
}

/* Adds one "Name: value" line to a header list, within the caps. */
static int
http_header_add(struct http_xfer *x, struct http_header **h, size_t *n,
    const char *line, size_t len)
{
	const char	*colon, *end;

	if (x->nheaders + x->ntrailers >= HTTP_MAX_HEADERS)
		return (-1);
	end = line + len;
	while (end > line && (end[-1] == '\r' || end[-1] == '\n'))
		end--;
	if ((colon = memchr(line, ':', end - line)) == NULL || colon == line)
		return (0);	/* not a header line: ignore it */
	http_header_push(h, n, line, colon, end);
	return (0);
}

/*
 * At the end of a response's headers: decide whether to read on.  Returns
 * -1 to stop the transfer (size cap, or a reply we have all of).
 */
static int
http_headers_end(struct http_xfer *x)
{
	const char	*cl, *te;
	uint64_t	 len;

	x->headers_done = 1;
	if (x->status >= 100 && x->status < 200)
		return (0);
	cl = http_header_find(x->headers, x->nheaders, "Content-Length");
	te = http_header_find(x->headers, x->nheaders, "Transfer-Encoding");
	if (cl != NULL && parse_u64(cl, &len) == 0 && len > x->max_response) {
		x->toobig = 1;
		return (-1);
	}
	/*
	 * OpenPegasus answers a protocol error with 400/501, a CIMError
	 * header, no Content-Length, no chunking, and keeps the connection
	 * open: a body "until close" would never end.  All that matters is
	 * in the headers, so stop here; curl then drops the connection.
	 */
	if ((x->status == 400 || x->status == 501) && cl == NULL &&
	    (te == NULL || strstr(te, "chunked") == NULL)) {
		x->cut_short = 1;
		return (-1);
	}
	return (0);
}

/* CURLOPT_HEADERFUNCTION: status lines, headers, the blank line, trailers. */
static size_t
http_header_cb(char *data, size_t size, size_t nitems, void *arg)
{
	struct http_xfer	*x = arg;
	size_t			 len = size * nitems;
	const char		*p;

	x->header_bytes += len;
	if (x->header_bytes > x->max_response) {
		x->toobig = 1;
		return (0);
	}
	if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		/*
		 * A new response (after 1xx, or a 401 before the retry with
		 * credentials): only the last one's headers are kept.
		 */
		http_headers_clear(&x->headers, &x->nheaders);
		http_headers_clear(&x->trailers, &x->ntrailers);
		buf_reset(&x->body);
		x->headers_done = 0;
		x->status = 0;
		if ((p = memchr(data, ' ', len)) != NULL) {
			/* Three digits at most: no overflow from a long run. */
			for (p++; p < data + len && isdigit((unsigned char)*p) &&
			    x->status < 1000; p++)
				x->status = x->status * 10 + (*p - '0');
		}
		return (len);
	}
	if (len <= 2 && (len == 0 || data[0] == '\r' || data[0] == '\n')) {
		if (!x->headers_done && http_headers_end(x) == -1)
			return (0);
		return (len);
	}
	if (http_header_add(x, x->headers_done ? &x->trailers : &x->headers,
	    x->headers_done ? &x->ntrailers : &x->nheaders, data, len) == -1) {
		x->toobig = 1;
		return (0);
	}
	return (len);
}

/* CURLOPT_WRITEFUNCTION: the body, under the cap. */
static size_t
http_write_cb(char *data, size_t size, size_t nitems, void *arg)
{
	struct http_xfer	*x = arg;
	size_t			 len = size * nitems;

	if (buf_add(&x->body, data, len) == -1) {
		x->toobig = 1;
		return (0);
	}
	return (len);
}

static void
http_log(enum log_level lvl, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vmsg(lvl, fmt, ap);
	va_end(ap);
}

/* Logs a block of lines (headers or a body), hiding credentials. */
static void
http_log_headers(enum log_level lvl, const char *prefix, const char *data,
    size_t len)
{
	const char	*p = data, *end = data + len, *nl, *sp;
	size_t		 n;
	int		 secret;

	while (p < end) {
		if ((nl = memchr(p, '\n', end - p)) == NULL)
			nl = end;
		n = nl - p;
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > 0) {
			secret = (n >= 14 && strncasecmp(p, "Authorization:",
			    14) == 0) || (n >= 20 && strncasecmp(p,
			    "Proxy-Authorization:", 20) == 0);
			if (secret) {
				/* keep the scheme, hide the rest */
				sp = (const char *)memchr(p, ':', n) + 1;
				while (sp < p + n && *sp == ' ')
					sp++;
				while (sp < p + n && *sp != ' ')
					sp++;
				http_log(lvl, "%s%.*s ****", prefix,
				    (int)(sp - p), p);
			} else
				http_log(lvl, "%s%.*s", prefix, (int)n, p);
		}
		p = nl + 1;
	}
}

/* CURLOPT_DEBUGFUNCTION: the -v view of the exchange. */
static int
http_debug_cb(CURL *easy, curl_infotype type, char *data, size_t len,
    void *arg)
{
	switch (type) {
	case CURLINFO_TEXT:
		http_log_headers(LOG_LVL_INFO, "* ", data, len);
		break;
	case CURLINFO_HEADER_OUT:
		http_log_headers(LOG_LVL_INFO, "> ", data, len);
		break;
	case CURLINFO_HEADER_IN:
		http_log_headers(LOG_LVL_INFO, "< ", data, len);
		break;
	case CURLINFO_DATA_OUT:
	case CURLINFO_DATA_IN:
		/* a log line is one line: the body goes line by line */
		if (log_get_level() < LOG_LVL_DEBUG)
			break;
		log_debug("%s [%zu bytes]", type == CURLINFO_DATA_OUT ?
		    ">" : "<", len);
		http_log_headers(LOG_LVL_DEBUG, type == CURLINFO_DATA_OUT ?
		    "> " : "< ", data, len);
		break;
	default:
		break;
	}
	return (0);
}

static long
http_auth_bits(enum http_auth a, int no_basic)
{
	switch (a) {
	case HTTP_AUTH_BASIC:
		return (CURLAUTH_BASIC);
	case HTTP_AUTH_DIGEST:
		return (CURLAUTH_DIGEST);
	case HTTP_AUTH_NTLM:
		return (CURLAUTH_NTLM);
	case HTTP_AUTH_NEGOTIATE:
		return (CURLAUTH_NEGOTIATE);
	case HTTP_AUTH_ANY:
		break;
	}
	/* not CURLAUTH_ANY: that includes NTLM_WB, which runs a helper */
	return ((no_basic ? 0 : CURLAUTH_BASIC) | CURLAUTH_DIGEST |
	    CURLAUTH_NTLM | CURLAUTH_NEGOTIATE);
}

static void
http_hdrs_drop(struct http_hdrs *hd)
{
	if (hd == NULL || --hd->refs > 0)
		return;
	curl_slist_free_all(hd->list);
	free(hd->key);
	free(hd);
}

/* One header line, "a" then "b", into the key. */
static void
http_hdrs_key_add(struct buf *k, const char *a, const char *b)
{
	buf_add(k, a, strlen(a));
	if (b != NULL)
		buf_add(k, b, strlen(b));
	buf_add(k, "", 1);
}

/* The request's header list, from the cache or made now; NULL: no memory. */
static struct http_hdrs *
http_hdrs_get(struct http_ctx *ctx, const struct http_request *req)
{
	struct buf		*k = &ctx->hkey;
	struct http_hdrs	*hd, **slot;
	struct curl_slist	*l;
	const char * const	*h;
	size_t			 i;

	/* headers: ours, the caller's, and the two that are protocol facts */
	buf_reset(k);
	http_hdrs_key_add(k, "Content-Type: ", req->content_type != NULL ?
	    req->content_type : "application/xml; charset=utf-8");
	for (h = req->headers; h != NULL && *h != NULL; h++)
		http_hdrs_key_add(k, *h, NULL);
	/* the server never sends 100 Continue: curl would stall 1 s */
	http_hdrs_key_add(k, "Expect:", NULL);
	if (req->want_trailers)
		http_hdrs_key_add(k, "TE: trailers", NULL);

	for (i = 0; i < HTTP_HDRS_CACHE; i++) {
		hd = ctx->hcache[i];
		if (hd != NULL && hd->keylen == k->len &&
		    memcmp(hd->key, k->data, k->len) == 0) {
			hd->refs++;
			return (hd);
		}
	}
	hd = xcalloc(1, sizeof(*hd));
	hd->refs = 1;
	for (i = 0; i < k->len; i += strlen(k->data + i) + 1) {
		if ((l = curl_slist_append(hd->list, k->data + i)) == NULL) {
			http_hdrs_drop(hd);
			return (NULL);
		}
		hd->list = l;
	}
	hd->key = xmalloc(k->len);
	memcpy(hd->key, k->data, k->len);
	hd->keylen = k->len;
	slot = &ctx->hcache[ctx->hnext++ % HTTP_HDRS_CACHE];
	http_hdrs_drop(*slot);
	*slot = hd;
	hd->refs++;
	return (hd);
}

/* Sets up the easy handle; -1 with err filled on the first failure. */
static int
http_setup(struct http_xfer *x, const struct http_request *req,
    struct wbem_error *err)
{
	CURL			*e = x->easy;
	CURLcode		 rc = CURLE_OK;
	unsigned		 timeout;

#define SET(opt, val) do {						\
	if (rc == CURLE_OK && (rc = curl_easy_setopt(e, opt, val)) != CURLE_OK) \
		wbem_error_set(err, WBEM_E_USAGE, rc, "setopt",		\
		    "http: cannot set %s: %s", #opt, curl_easy_strerror(rc)); \
} while (0)

	timeout = req->timeout_ms != 0 ? req->timeout_ms :
	    HTTP_TIMEOUT_FALLBACK_MS;

	if ((x->hdrs = http_hdrs_get(x->ctx, req)) == NULL)
		goto oom;

	SET(CURLOPT_PRIVATE, (void *)x);
	SET(CURLOPT_ERRORBUFFER, x->errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_URL, req->url);
#if LIBCURL_VERSION_NUM >= 0x075500
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
	SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
	SET(CURLOPT_POST, 1L);
	SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
	SET(CURLOPT_COPYPOSTFIELDS, req->body != NULL ? req->body : "");
	SET(CURLOPT_HTTPHEADER, x->hdrs->list);
	SET(CURLOPT_TIMEOUT_MS, (long)timeout);
	SET(CURLOPT_CONNECTTIMEOUT_MS, (long)timeout);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)x->max_response);
	SET(CURLOPT_HEADERFUNCTION, http_header_cb);
	SET(CURLOPT_HEADERDATA, (void *)x);
	SET(CURLOPT_WRITEFUNCTION, http_write_cb);
	SET(CURLOPT_WRITEDATA, (void *)x);
	SET(CURLOPT_OPENSOCKETFUNCTION, http_opensocket_cb);
	SET(CURLOPT_OPENSOCKETDATA, (void *)x);
	/* verification is explicit, never left to a build default */
	SET(CURLOPT_SSL_VERIFYPEER, req->insecure ? 0L : 1L);
	SET(CURLOPT_SSL_VERIFYHOST, req->insecure ? 0L : 2L);
	if (req->cacert != NULL)
		SET(CURLOPT_CAINFO, req->cacert);
#if COMPAT_CURL_NATIVE_CA
	else if (!req->insecure)
		SET(CURLOPT_SSL_OPTIONS, (long)CURLSSLOPT_NATIVE_CA);
#endif
	if (req->user != NULL) {
		SET(CURLOPT_HTTPAUTH, http_auth_bits(req->auth,
		    req->no_basic));
		SET(CURLOPT_USERNAME, req->user);
		SET(CURLOPT_PASSWORD, req->password != NULL ?
		    req->password : "");
	}
	if (req->verbose) {
		SET(CURLOPT_DEBUGFUNCTION, http_debug_cb);
		SET(CURLOPT_DEBUGDATA, (void *)x);
		SET(CURLOPT_VERBOSE, 1L);
	}
#undef SET
	return (rc == CURLE_OK ? 0 : -1);
oom:
	wbem_error_set(err, WBEM_E_USAGE, 0, "oom", "http: out of memory");
	return (-1);
}

struct http_xfer *
http_post(struct http_ctx *ctx, const struct http_request *req,
    http_done_cb cb, void *arg)
{
	struct http_xfer	*x;
	struct wbem_error	 err;
	CURLMcode		 mrc;

	if (ctx == NULL || req == NULL || req->url == NULL || cb == NULL ||
	    ctx->dying)
		return (NULL);
	x = xcalloc(1, sizeof(*x));
	x->ctx = ctx;
	x->cb = cb;
	x->arg = arg;
	x->verbose = req->verbose;
	x->max_response = req->max_response != 0 ? req->max_response :
	    HTTP_MAX_RESPONSE_DEFAULT;
	buf_init(&x->body, x->max_response);
	wbem_error_clear(&err);

	TAILQ_INSERT_HEAD(&ctx->xfers, x, entry);
	ctx->ninflight++;

#if COMPAT_HCLIENT
	/* credentials and the verbose log stay with libcurl */
	if (ctx->hc != NULL && req->user == NULL && !req->verbose &&
	    (x->hc = hc_start(ctx->hc, req, http_hc_done_cb, x)) != NULL)
		return (x);
#endif
	if ((x->easy = curl_easy_init()) == NULL)
		wbem_error_set(&err, WBEM_E_TRANSPORT, 0, "init",
		    "http: cannot create a transfer");
	else if (http_setup(x, req, &err) == 0) {
		if ((mrc = curl_multi_add_handle(ctx->multi, x->easy)) ==
		    CURLM_OK) {
			x->added = 1;
			return (x);
		}
		wbem_error_set(&err, WBEM_E_TRANSPORT, mrc, "multi",
		    "http: %s", curl_multi_strerror(mrc));
	}
	/* the caller hears of it from the loop, never from in here */
	x->early = err;
	if ((x->defer = evtimer_new(ctx->base, http_defer_cb, x)) == NULL) {
		http_xfer_unlink(x);
		http_xfer_free(x);
		return (NULL);
	}
	http_ev_lowest(ctx, x->defer);
	event_active(x->defer, EV_TIMEOUT, 1);
	return (x);
}
