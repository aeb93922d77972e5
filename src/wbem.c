/*
 * wbem.c: protocol-neutral WBEM operations on one node.  It picks the codec
 * for the target's protocol, sends the encoded request with http.c, and
 * decodes the reply into a wbem_result.  Like http_post, every wbem_start
 * completes exactly once and never from inside wbem_start, so callers can
 * keep simple state machines.  wbem_run is the blocking form for the CLI.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "cimhead.h"

struct wbem_call {
	struct http_ctx		*ctx;
	struct http_xfer	*xfer;		/* NULL once it completed */
	struct event		*defer;		/* an error found at the start */
	struct wbem_error	 early;
	wbem_done_cb		 cb;
	void			*arg;
	enum wbem_proto		 proto;
	size_t			 max_response;

	/* the part of the request the decoder reads, owned here */
	struct wbem_request	 req;
	char			*ns, *classname, *method, *query, *lang;
	struct cim_path		*path;
};

static void	wbem_http_cb(const struct http_response *,
		    const struct wbem_error *, void *);
static void	wbem_defer_cb(evutil_socket_t, short, void *);
static void	wbem_run_cb(struct wbem_result *, const struct wbem_error *,
		    void *);

/* CIM-XML MESSAGE IDs: unique within the process, hence within any ctx. */
static unsigned	wbem_msgid;

const char *
wbem_proto_name(enum wbem_proto p)
{
	switch (p) {
	case WBEM_PROTO_CIMXML:
		return ("cimxml");
	case WBEM_PROTO_WSMAN:
		return ("wsman");
	}
	return ("unknown");
}

int
wbem_proto_parse(const char *s, enum wbem_proto *out)
{
	if (str_casecmp_ascii(s, "cimxml") == 0 ||
	    str_casecmp_ascii(s, "cim-xml") == 0) {
		*out = WBEM_PROTO_CIMXML;
		return (0);
	}
	if (str_casecmp_ascii(s, "wsman") == 0 ||
	    str_casecmp_ascii(s, "ws-man") == 0) {
		*out = WBEM_PROTO_WSMAN;
		return (0);
	}
	return (-1);
}

static char *
wbem_strdup0(const char *s)
{
	return (s != NULL ? xstrdup(s) : NULL);
}

static void
wbem_call_free(struct wbem_call *c)
{
	if (c->defer != NULL)
		event_free(c->defer);
	free(c->ns);
	free(c->classname);
	free(c->method);
	free(c->query);
	free(c->lang);
	cim_path_free(c->path);
	free(c);
}

/* Calls back once and frees the call. */
static void
wbem_finish(struct wbem_call *c, struct wbem_result *res,
    const struct wbem_error *err)
{
	wbem_done_cb	 cb = c->cb;
	void		*arg = c->arg;
	struct wbem_error e = *err;

	wbem_call_free(c);
	cb(res, &e, arg);
}

static void
wbem_defer_cb(evutil_socket_t fd, short events, void *arg)
{
	struct wbem_call	*c = arg;

	wbem_finish(c, NULL, &c->early);
}

/* Keeps a copy of what the decoder reads, so the caller's may go. */
static void
wbem_keep_request(struct wbem_call *c, const struct wbem_request *req,
    const char *default_ns)
{
	memset(&c->req, 0, sizeof(c->req));
	c->req.op = req->op;
	c->req.ns = c->ns = wbem_strdup0(req->ns != NULL ? req->ns :
	    default_ns);
	c->req.classname = c->classname = wbem_strdup0(req->classname);
	c->req.method = c->method = wbem_strdup0(req->method);
	c->req.query = c->query = wbem_strdup0(req->query);
	c->req.query_lang = c->lang = wbem_strdup0(req->query_lang);
	if (req->path != NULL)
		c->req.path = c->path = cim_path_dup(req->path);
	c->req.deep = req->deep;
	c->req.local_only = req->local_only;
}

/* CIM-XML: encode, add the DSP0200 headers, post.  -1 with err filled. */
static int
wbem_cimxml_start(struct wbem_call *c, const struct wbem_target *t,
    const struct wbem_request *req, struct wbem_error *err)
{
	struct wbem_request	 r = *req;
	struct cimxml_hdrs	 ch;
	struct http_request	 hr;
	struct buf		 body;
	char			 hmethod[160], hobject[1100];
	const char		*hdrs[5];
	int			 rc = -1;

	if (r.ns == NULL)
		r.ns = c->req.ns;
	buf_init(&body, 0);
	memset(&ch, 0, sizeof(ch));
	if (cimxml_encode_request(&r, ++wbem_msgid, &body, &ch, err) == -1)
		goto out;
	if ((size_t)snprintf(hmethod, sizeof(hmethod), "CIMMethod: %s",
	    ch.cimmethod) >= sizeof(hmethod) ||
	    (size_t)snprintf(hobject, sizeof(hobject), "CIMObject: %s",
	    ch.cimobject) >= sizeof(hobject)) {
		wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
		    "CIM-XML headers too long");
		goto out;
	}
	hdrs[0] = "CIMOperation: MethodCall";
	hdrs[1] = hmethod;
	hdrs[2] = hobject;
	hdrs[3] = "CIMProtocolVersion: 1.0";
	hdrs[4] = NULL;

	memset(&hr, 0, sizeof(hr));
	hr.url = t->url;
	hr.content_type = "application/xml; charset=utf-8";
	hr.headers = hdrs;
	hr.body = body.data;
	hr.body_len = body.len;
	hr.user = t->user;
	hr.password = t->password;
	hr.auth = t->auth;
	hr.cacert = t->cacert;
	hr.insecure = t->insecure;
	hr.timeout_ms = t->timeout_ms;
	hr.max_response = t->max_response;
	hr.want_trailers = t->want_trailers;
	hr.verbose = t->verbose;
	log_debug("wbem: %s %s on %s", ch.cimmethod, ch.cimobject, t->url);
	if ((c->xfer = http_post(c->ctx, &hr, wbem_http_cb, c)) == NULL) {
		wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
		    "cannot start an HTTP request to %s", t->url);
		goto out;
	}
	rc = 0;
out:
	buf_release(&body);
	return (rc);
}

struct wbem_call *
wbem_start(struct http_ctx *ctx, const struct wbem_target *t,
    const struct wbem_request *req, wbem_done_cb cb, void *arg)
{
	struct wbem_call	*c;
	struct wbem_error	 err;
	int			 rc = -1;

	if (ctx == NULL || cb == NULL)
		return (NULL);
	c = xcalloc(1, sizeof(*c));
	c->ctx = ctx;
	c->cb = cb;
	c->arg = arg;
	wbem_error_clear(&err);
	if (t == NULL || req == NULL || t->url == NULL) {
		wbem_error_set(&err, WBEM_E_USAGE, 0, NULL,
		    "wbem: no target or no request");
		goto early;
	}
	c->proto = t->proto;
	c->max_response = t->max_response;
	wbem_keep_request(c, req, t->ns != NULL ? t->ns : "root/cimv2");

	/* one switch per protocol, so a codec plugs in here */
	switch (t->proto) {
	case WBEM_PROTO_CIMXML:
		rc = wbem_cimxml_start(c, t, req, &err);
		break;
	case WBEM_PROTO_WSMAN:
		wbem_error_set(&err, WBEM_E_USAGE, 0, NULL,
		    "WS-Management support is not built in this version");
		break;
	}
	if (rc == 0)
		return (c);
early:
	/* the caller hears of it from the loop, never from in here */
	c->early = err;
	if ((c->defer = evtimer_new(http_ctx_base(ctx), wbem_defer_cb,
	    c)) == NULL) {
		wbem_call_free(c);
		return (NULL);
	}
	event_active(c->defer, EV_TIMEOUT, 1);
	return (c);
}

/* http_post's completion: decode the reply with the call's codec. */
static void
wbem_http_cb(const struct http_response *resp, const struct wbem_error *herr,
    void *arg)
{
	struct wbem_call	*c = arg;
	struct cimxml_reply	 rep;
	struct wbem_result	*res = NULL;
	struct wbem_error	 err;

	c->xfer = NULL;
	if (resp == NULL) {
		wbem_finish(c, NULL, herr);
		return;
	}
	wbem_error_clear(&err);
	switch (c->proto) {
	case WBEM_PROTO_CIMXML:
		memset(&rep, 0, sizeof(rep));
		rep.status = resp->status;
		rep.cimerror = http_response_header(resp, "CIMError");
		rep.pgdetail = http_response_header(resp, "PGErrorDetail");
		rep.trailer_code = http_response_trailer(resp, "CIMStatusCode");
		rep.trailer_desc = http_response_trailer(resp,
		    "CIMStatusCodeDescription");
		rep.body = resp->body;
		rep.body_len = resp->body_len;
		rep.max_bytes = c->max_response;
		res = cimxml_decode_response(&c->req, &rep, &err);
		break;
	case WBEM_PROTO_WSMAN:
		wbem_error_set(&err, WBEM_E_USAGE, 0, NULL,
		    "WS-Management support is not built in this version");
		break;
	}
	if (res == NULL && err.kind == WBEM_E_NONE)
		wbem_error_set(&err, WBEM_E_PROTOCOL, 0, NULL,
		    "reply could not be decoded");
	if (err.http_status == 0)
		err.http_status = resp->status;
	wbem_finish(c, res, &err);
}

void
wbem_cancel(struct wbem_call *c)
{
	struct wbem_error	err;

	if (c == NULL)
		return;
	if (c->xfer != NULL) {
		/* http fires wbem_http_cb with CANCELLED, which finishes c */
		http_cancel(c->xfer);
		return;
	}
	wbem_error_set(&err, WBEM_E_CANCELLED, 0, "cancelled",
	    "operation cancelled");
	wbem_finish(c, NULL, &err);
}

struct wbem_run_state {
	struct event_base	*base;
	struct wbem_result	*res;
	struct wbem_error	*err;
	int			 done;
};

static void
wbem_run_cb(struct wbem_result *res, const struct wbem_error *err, void *arg)
{
	struct wbem_run_state	*st = arg;

	st->res = res;
	*st->err = *err;
	st->done = 1;
	event_base_loopbreak(st->base);
}

struct wbem_result *
wbem_run(const struct wbem_target *t, const struct wbem_request *req,
    struct wbem_error *err)
{
	struct wbem_run_state	 st;
	struct http_ctx		*ctx = NULL;

	memset(&st, 0, sizeof(st));
	st.err = err;
	wbem_error_clear(err);
	if ((st.base = event_base_new()) == NULL ||
	    (ctx = http_ctx_new(st.base)) == NULL) {
		wbem_error_set(err, WBEM_E_TRANSPORT, 0, NULL,
		    "cannot set up the event loop");
		goto out;
	}
	if (wbem_start(ctx, t, req, wbem_run_cb, &st) == NULL) {
		wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
		    "cannot start the operation");
		goto out;
	}
	while (!st.done)
		if (event_base_dispatch(st.base) == -1)
			break;
	if (!st.done)
		wbem_error_set(err, WBEM_E_TRANSPORT, 0, NULL,
		    "event loop failed");
out:
	http_ctx_free(ctx);
	if (st.base != NULL)
		event_base_free(st.base);
	return (st.res);
}
