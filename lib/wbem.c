/*
 * wbem.c: protocol-neutral WBEM operations on one node.  It picks the codec
 * for the target's protocol, sends the encoded request with http.c, and
 * decodes the reply into a wbem_result.  Like http_post, every wbem_start
 * completes exactly once and never from inside wbem_start, so callers can
 * keep simple state machines.  wbem_run is the blocking form for the CLI.
 *
 * A CIM-XML pull enumeration (Open*, then Pull* with the context each
 * reply gives, until EndOfSequence) is one operation too: its items are
 * gathered here, and when it ends early -- an error, max_items -- the
 * context is closed with CloseEnumeration before the callback fires, so
 * the server frees it at once rather than at its timeout.
 *
 * Every operation is bounded as a whole, not per reply: a WS-Man node that
 * answers each Pull with a full reply and never ends the sequence would
 * otherwise hold memory without bound until the deadline (issue 17, item
 * 4).  max_response caps the sum of an operation's reply bodies, and
 * max_items the instances or paths it collects; past either it fails as
 * WBEM_E_TOOBIG and its enumeration is released.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>
#include <openssl/rand.h>

#include "cimhead.h"

struct wbem_call {
	struct http_ctx		*ctx;
	struct http_xfer	*xfer;		/* NULL once it completed */
	struct event		*defer;		/* an error found at the start */
	struct wbem_error	 early;
	wbem_done_cb		 cb;
	void			*arg;
	enum wbem_proto		 proto;
	size_t			 max_response;	/* for the whole operation */
	size_t			 max_items;
	size_t			 got_bytes;	/* reply bodies so far */

	/* the part of the request the decoder reads, owned here */
	struct wbem_request	 req;
	char			*ns, *classname, *method, *query, *lang;
	struct cim_path		*path;

	/* WS-Man: one operation is Enumerate, Pull..., or Get, or Invoke */
	struct wsman_state	 ws;
	struct wsman_opts	 wo;
	struct wbem_result	*partial;	/* items so far */
	char			 msgid[WSMAN_MSGID_LEN];
	struct buf		 first;		/* first message, while queued */
	char			*url, *user, *password, *cacert;
	enum http_auth		 auth;
	int			 insecure, verbose;
	uint64_t		 deadline;	/* mono_ms, 0: none */
	unsigned		 max_inflight;
	struct wbem_slot	*slot;		/* counted in slot->inflight */
	struct wbem_slot	*waiting;	/* queued on this slot */
	TAILQ_ENTRY(wbem_call)	 wait_entry;	/* in waiting->waiters */
	struct event		*wait_timer;	/* queue deadline; late errors */

	/* CIM-XML pulls: Open*, Pull* until EndOfSequence, or Close */
	int			 want_trailers;
	char			*context;	/* EnumerationContext held */
	unsigned		 max_objects;	/* MaxObjectCount per reply */
	int			 closing;	/* the Close is in flight */
	struct wbem_error	 close_err;	/* what to report after it */
};

/*
 * WS-Man operations in flight per target (url + user), and the calls
 * queued behind the bound: WinRM counts operations per user (15 on older
 * versions) and refuses the rest with w:QuotaLimit, so we wait instead.
 */
struct wbem_slot {
	TAILQ_ENTRY(wbem_slot)	 entry;
	struct http_ctx		*ctx;
	char			*key;
	unsigned		 inflight;
	TAILQ_HEAD(, wbem_call)	 waiters;	/* first come, first started */
};
static TAILQ_HEAD(, wbem_slot) wbem_slots =
    TAILQ_HEAD_INITIALIZER(wbem_slots);

/* A Release sent for a context we abandon: nobody waits for its answer. */
#define WBEM_RELEASE_TIMEOUT_MS	5000
/* MaxObjectCount of the pull operations when the caller gives none */
#define WBEM_PULL_MAX_OBJECTS	1000

static void	wbem_http_cb(const struct http_response *,
		    const struct wbem_error *, void *);
static void	wbem_defer_cb(evutil_socket_t, short, void *);
static void	wbem_run_cb(struct wbem_result *, const struct wbem_error *,
		    void *);
static void	wbem_wait_cb(evutil_socket_t, short, void *);
static void	wbem_release_cb(const struct http_response *,
		    const struct wbem_error *, void *);
static void	wbem_wsman_detach(struct wbem_call *);
static int	wbem_check_media(const struct http_response *,
		    enum wbem_proto, struct wbem_error *);

/* CIM-XML MESSAGE IDs: unique within the process, hence within any ctx. */
static unsigned	wbem_msgid;

/*
 * ExecQuery requests as encoded, MESSAGE ID left out: a probe sends the
 * same query to each node at every round, and encoding it again (escaping,
 * the namespace path, CIMObject) was 8,700 instructions of each probe
 * reply in issue 14's profile.  Only ExecQuery: its body and headers are
 * a function of the namespace, the query and its language alone.
 */
#define WBEM_QCACHE_N	16
struct wbem_qcache {
	char		*ns, *query, *lang;	/* the key; NULL: unused */
	char		*body;		/* MESSAGE ID="0", the 0 at idpos */
	size_t		 len, idpos;
	char		*hmethod, *hobject;	/* the header lines */
};
static struct wbem_qcache	wbem_qcache[WBEM_QCACHE_N];
static unsigned			wbem_qcache_next;	/* round robin */

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
	if (c->wait_timer != NULL)
		event_free(c->wait_timer);
	wsman_state_clear(&c->ws);
	wbem_result_free(c->partial);
	buf_release(&c->first);
	free(c->url);
	free(c->user);
	free(c->cacert);
	free(c->context);
	if (c->password != NULL) {
		volatile char *p = c->password;

		while (*p != '\0')
			*p++ = '\0';
		free(c->password);
	}
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

	if (c->proto == WBEM_PROTO_WSMAN)
		wbem_wsman_detach(c);
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

/* Anything but https:// is plain: libcurl is held to http and https. */
static int
wbem_plain(const char *url)
{
	return (strncasecmp(url, "https://", 8) != 0);
}

/*
 * A daemon probes the same plain-http endpoint many times a second: the
 * warning goes out once per endpoint (FNV-1a of the URL in a small bounded
 * table), later ones at debug.
 */
static void
wbem_warn_plain(const char *url, const char *what)
{
	static uint64_t	 seen[64];
	static size_t	 nseen;
	uint64_t	 h = 1469598103934665603ULL;
	const char	*p;
	size_t		 i;

	for (p = url; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	for (i = 0; i < nseen; i++) {
		if (seen[i] == h) {
			log_debug("wbem: %s over plain http to %s", what, url);
			return;
		}
	}
	if (nseen < nitems(seen))
		seen[nseen++] = h;
	log_warn("wbem: %s over plain http to %s: unencrypted", what, url);
}

/*
 * CIM-XML: encode one request of c's operation, add the DSP0200
 * headers, post it with what is left of the deadline and of the size
 * cap.  -1 with err filled.
 */
static int
wbem_qcache_is(const struct wbem_qcache *q, const char *ns,
    const char *query, const char *lang)
{
	return (q->query != NULL && strcmp(q->query, query) == 0 &&
	    strcmp(q->ns, ns) == 0 && strcmp(q->lang, lang) == 0);
}

/* The key of an ExecQuery: what its encoding reads (cimxml.c). */
static void
wbem_qcache_key(const struct wbem_request *r, const char **ns,
    const char **lang)
{
	*ns = r->ns != NULL && *r->ns != '\0' ? r->ns :
	    r->path != NULL && r->path->ns != NULL ? r->path->ns : "";
	*lang = r->query_lang != NULL ? r->query_lang : "WQL";
}

static struct wbem_qcache *
wbem_qcache_get(const struct wbem_request *r)
{
	const char	*ns, *lang;
	size_t		 i;

	if (r->op != WBEM_OP_QUERY || r->query == NULL)
		return (NULL);
	wbem_qcache_key(r, &ns, &lang);
	for (i = 0; i < WBEM_QCACHE_N; i++)
		if (wbem_qcache_is(&wbem_qcache[i], ns, r->query, lang))
			return (&wbem_qcache[i]);
	return (NULL);
}

/* Keeps an ExecQuery encoded now, with MESSAGE ID 0 as the placeholder. */
static void
wbem_qcache_put(const struct wbem_request *r, const char *hmethod,
    const char *hobject)
{
	struct wbem_qcache	*q;
	struct wbem_error	 err;
	struct buf		 b;
	const char		*ns, *lang, *p;
	static const char	 tag[] = "<MESSAGE ID=\"0\"";

	buf_init(&b, 0);
	if (cimxml_encode_request(r, 0, &b, NULL, &err) == -1 ||
	    (p = strstr(b.data, tag)) == NULL) {
		buf_release(&b);
		return;
	}
	wbem_qcache_key(r, &ns, &lang);
	q = &wbem_qcache[wbem_qcache_next++ % WBEM_QCACHE_N];
	free(q->ns);
	free(q->query);
	free(q->lang);
	free(q->body);
	free(q->hmethod);
	free(q->hobject);
	q->ns = xstrdup(ns);
	q->query = xstrdup(r->query);
	q->lang = xstrdup(lang);
	q->idpos = p + sizeof(tag) - 3 - b.data;
	q->body = buf_steal(&b, &q->len);
	q->hmethod = xstrdup(hmethod);
	q->hobject = xstrdup(hobject);
}

static int
wbem_cimxml_post(struct wbem_call *c, const struct wbem_request *r,
    struct wbem_error *err)
{
	struct cimxml_hdrs	 ch;
	struct http_request	 hr;
	struct buf		 body;
	char			 hmethod[160], hobject[1100];
	const char		*hdrs[5], *m, *o;
	struct wbem_qcache	*q;
	uint64_t		 now;
	unsigned		 left = 0;
	int			 rc = -1;

	if (c->deadline != 0) {
		if ((now = mono_ms()) >= c->deadline) {
			wbem_error_set(err, WBEM_E_TIMEOUT, 0, "timeout",
			    "CIM-XML operation deadline passed");
			return (-1);
		}
		left = (unsigned)(c->deadline - now);
	}
	if (c->got_bytes >= c->max_response) {
		wbem_error_set(err, WBEM_E_TOOBIG, 0, "toobig",
		    "CIM-XML operation on %s: replies over %zu bytes in all",
		    c->url, c->max_response);
		return (-1);
	}
	buf_init(&body, 0);
	if ((q = wbem_qcache_get(r)) != NULL) {
		/*
		 * The cached body with this request's own MESSAGE ID, in
		 * room taken once (10 digits at most).
		 */
		buf_reserve(&body, q->len + 10);
		buf_add(&body, q->body, q->idpos);
		buf_add_u64(&body, ++wbem_msgid);
		buf_add(&body, q->body + q->idpos + 1,
		    q->len - q->idpos - 1);
		m = q->hmethod;
		o = q->hobject;
		goto post;
	}
	memset(&ch, 0, sizeof(ch));
	if (cimxml_encode_request(r, ++wbem_msgid, &body, &ch, err) == -1)
		goto out;
	if ((size_t)snprintf(hmethod, sizeof(hmethod), "CIMMethod: %s",
	    ch.cimmethod) >= sizeof(hmethod) ||
	    (size_t)snprintf(hobject, sizeof(hobject), "CIMObject: %s",
	    ch.cimobject) >= sizeof(hobject)) {
		wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
		    "CIM-XML headers too long");
		goto out;
	}
	m = hmethod;
	o = hobject;
	if (r->op == WBEM_OP_QUERY)
		wbem_qcache_put(r, hmethod, hobject);
post:
	hdrs[0] = "CIMOperation: MethodCall";
	hdrs[1] = m;
	hdrs[2] = o;
	hdrs[3] = "CIMProtocolVersion: 1.0";
	hdrs[4] = NULL;

	memset(&hr, 0, sizeof(hr));
	hr.url = c->url;
	hr.content_type = "application/xml; charset=utf-8";
	hr.headers = hdrs;
	hr.body = body.data;
	hr.body_len = body.len;
	hr.user = c->user;
	hr.password = c->password;
	hr.auth = c->auth;
	hr.no_basic = c->user != NULL && wbem_plain(c->url) &&
	    c->auth == HTTP_AUTH_ANY;
	hr.cacert = c->cacert;
	hr.insecure = c->insecure;
	hr.timeout_ms = left;
	hr.max_response = c->max_response - c->got_bytes;
	hr.want_trailers = c->want_trailers;
	hr.verbose = c->verbose;
	log_debug("wbem: %s %s on %s", m + 11, o + 11, c->url);
	if ((c->xfer = http_post(c->ctx, &hr, wbem_http_cb, c)) == NULL) {
		wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
		    "cannot start an HTTP request to %s", c->url);
		goto out;
	}
	rc = 0;
out:
	buf_release(&body);
	return (rc);
}

/* CIM-XML: check the URL and credentials, keep them, post.  -1: err. */
static int
wbem_cimxml_start(struct wbem_call *c, const struct wbem_target *t,
    const struct wbem_request *req, struct wbem_error *err)
{
	struct wbem_request	 r = *req;
	int			 plain;

	/*
	 * A password over plain http is one 401 away from the wire in Basic:
	 * refused unless the caller allows it, and then auth ANY still never
	 * picks Basic, so a server cannot downgrade Digest or NTLM to it.
	 */
	plain = t->user != NULL && wbem_plain(t->url);
	if (plain && !t->allow_unencrypted) {
		wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
		    "CIM-XML over plain http would send the credentials in "
		    "the clear: use https (port 5989), or allow unencrypted "
		    "traffic explicitly");
		return (-1);
	}
	if (plain)
		wbem_warn_plain(t->url, "CIM-XML with credentials");
	c->url = xstrdup(t->url);
	c->user = wbem_strdup0(t->user);
	c->password = wbem_strdup0(t->password);
	c->cacert = wbem_strdup0(t->cacert);
	c->auth = t->auth;
	c->insecure = t->insecure;
	c->verbose = t->verbose;
	c->want_trailers = t->want_trailers;
	if (t->timeout_ms != 0)
		c->deadline = mono_ms() + t->timeout_ms;
	if (r.ns == NULL)
		r.ns = c->req.ns;
	if (wbem_op_pull_of(r.op) != -1) {
		if (r.max_object_count == 0)
			r.max_object_count = WBEM_PULL_MAX_OBJECTS;
		c->max_objects = r.max_object_count;
	}
	return (wbem_cimxml_post(c, &r, err));
}

/*
 * Sends CloseEnumeration for the context c holds, and finishes with res
 * or err once it is answered (or fails): an early end -- an error, or
 * max_items reached -- frees the server's context at once instead of
 * leaving it to expire.  The Close's own failure is not reported.
 */
static void
wbem_cimxml_close(struct wbem_call *c, struct wbem_result *res,
    const struct wbem_error *err)
{
	struct wbem_request	 r;
	struct wbem_error	 e;

	memset(&r, 0, sizeof(r));
	r.op = WBEM_OP_CLOSE;
	r.ns = c->req.ns;
	r.context = c->context;
	c->closing = 1;
	c->close_err = *err;
	wbem_result_free(c->partial);
	c->partial = res;
	/* the Close may use what is left of the deadline, or a little */
	if (c->deadline != 0 && c->deadline < mono_ms() +
	    WBEM_RELEASE_TIMEOUT_MS)
		c->deadline = mono_ms() + WBEM_RELEASE_TIMEOUT_MS;
	c->got_bytes = 0;
	log_debug("wbem: CloseEnumeration on %s", c->url);
	if (wbem_cimxml_post(c, &r, &e) == -1) {
		c->partial = NULL;
		wbem_finish(c, res, err);
	}
}

/*
 * A decoded reply of a pull enumeration: keep its items, then Pull the
 * next batch, stop at the end of the sequence, or Close when max_items
 * is reached.
 */
static void
wbem_cimxml_pulled(struct wbem_call *c, struct wbem_result *res)
{
	struct wbem_request	 r;
	struct wbem_result	*all;
	struct wbem_error	 err;
	size_t			 n;
	int			 eos;

	wbem_error_clear(&err);
	free(c->context);
	c->context = res->enum_context;
	res->enum_context = NULL;
	eos = res->end_of_sequence;
	if (c->partial == NULL) {
		c->partial = res;
	} else {
		wbem_result_move(c->partial, res);
		wbem_result_free(res);
	}
	all = c->partial;
	all->end_of_sequence = eos;
	/* max_items bounds what is kept even when the sequence ends here */
	n = all->ninst + all->npaths;
	if (n > c->max_items || (n == c->max_items && !eos)) {
		while (all->ninst > c->max_items)
			cim_instance_free(all->inst[--all->ninst]);
		while (all->npaths > c->max_items)
			cim_path_free(all->paths[--all->npaths]);
		all->truncated = 1;
	}
	if (c->context == NULL || eos) {
		free(c->context);
		c->context = NULL;
		c->partial = NULL;
		wbem_finish(c, all, &err);
		return;
	}
	if (all->truncated) {
		c->partial = NULL;
		wbem_cimxml_close(c, all, &err);
		return;
	}
	memset(&r, 0, sizeof(r));
	r.op = (enum wbem_op)wbem_op_pull_of(c->req.op);
	r.ns = c->req.ns;
	r.context = c->context;
	r.max_object_count = c->max_objects;
	c->req.op = r.op;	/* the decoder expects this reply now */
	if (wbem_cimxml_post(c, &r, &err) == -1)
		wbem_cimxml_close(c, NULL, &err);
}

/* ---- WS-Management --------------------------------------------------- */

static int
wbem_wsman_msgid(char *out, size_t outlen, struct wbem_error *err)
{
	unsigned char	rnd[16];

	if (RAND_bytes(rnd, sizeof(rnd)) != 1) {
		wbem_error_set(err, WBEM_E_TRANSPORT, 0, NULL,
		    "no random bytes for a WS-Management MessageID");
		return (-1);
	}
	wsman_format_msgid(rnd, out, outlen);
	return (0);
}

/*
 * The server's OperationTimeout: a little less than what is left of our
 * deadline, so a stalled WMI query ends in a w:TimedOut fault (after which
 * a Pull is simply retried) rather than in our HTTP timeout.
 */
static void
wbem_wsman_optimeout(struct wbem_call *c)
{
	uint64_t	now, left;

	if (c->deadline == 0)
		return;
	now = mono_ms();
	left = c->deadline > now ? (c->deadline - now) * 4 / 5 : 0;
	c->wo.timeout_ms = left < 500 ? 500 : (unsigned)left;
}

/*
 * The HTTP request carrying one WS-Man message to c's target: the same
 * endpoint and credentials for every message of an operation, Release
 * included; the caller sets the timeout and the size cap.
 */
static void
wbem_wsman_request(const struct wbem_call *c, const struct buf *body,
    struct http_request *hr)
{
	memset(hr, 0, sizeof(*hr));
	hr->url = c->url;
	hr->content_type = WSMAN_CONTENT_TYPE;
	hr->body = body->data;
	hr->body_len = body->len;
	hr->user = c->user;
	hr->password = c->password;
	hr->auth = c->auth;
	hr->cacert = c->cacert;
	hr->insecure = c->insecure;
	hr->verbose = c->verbose;
}

static void
wbem_wsman_toobig(const struct wbem_call *c, struct wbem_error *err)
{
	wbem_error_set(err, WBEM_E_TOOBIG, 0, "toobig",
	    "WS-Management operation on %s: replies over %zu bytes in all",
	    c->url, c->max_response);
}

/* Posts one message of the conversation with what is left of the deadline. */
static int
wbem_wsman_post(struct wbem_call *c, const struct buf *body,
    struct wbem_error *err)
{
	struct http_request	 hr;
	uint64_t		 now;
	unsigned		 left = 0;

	if (c->deadline != 0) {
		if ((now = mono_ms()) >= c->deadline) {
			wbem_error_set(err, WBEM_E_TIMEOUT, 0, "timeout",
			    "WS-Management operation deadline passed");
			return (-1);
		}
		left = (unsigned)(c->deadline - now);
	}
	/*
	 * A reply may use what the earlier ones left of the operation's cap
	 * (0 would mean http's default: nothing left is an error here).
	 */
	if (c->got_bytes >= c->max_response) {
		wbem_wsman_toobig(c, err);
		return (-1);
	}
	wbem_wsman_request(c, body, &hr);
	hr.timeout_ms = left;
	hr.max_response = c->max_response - c->got_bytes;
	log_debug("wbem: WS-Man %s %s on %s", wsman_msg_name(c->ws.sent),
	    c->ws.resource_uri, c->url);
	if ((c->xfer = http_post(c->ctx, &hr, wbem_http_cb, c)) == NULL) {
		wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
		    "cannot start an HTTP request to %s", c->url);
		return (-1);
	}
	return (0);
}

static void
wbem_release_cb(const struct http_response *resp,
    const struct wbem_error *err, void *arg)
{
	/* best effort: WinRM drops an idle context on its own anyway */
}

/* Releases the enumeration context the server still holds for c, if any. */
static void
wbem_wsman_release(struct wbem_call *c)
{
	struct http_request	 hr;
	struct wbem_error	 err;
	struct buf		 b;

	if (c->ws.context == NULL)
		return;
	buf_init(&b, 0);
	if (wbem_wsman_msgid(c->msgid, sizeof(c->msgid), &err) == 0 &&
	    wsman_encode_release(&c->wo, &c->ws, c->msgid, &b, &err) == 0) {
		wbem_wsman_request(c, &b, &hr);
		hr.timeout_ms = WBEM_RELEASE_TIMEOUT_MS;
		hr.max_response = c->max_response;
		log_debug("wbem: WS-Man Release on %s", c->url);
		(void)http_post(c->ctx, &hr, wbem_release_cb, NULL);
	}
	buf_release(&b);
}

static struct wbem_slot *
wbem_slot_get(struct http_ctx *ctx, const char *url, const char *user)
{
	struct wbem_slot	*s;
	struct buf		 key;

	buf_init(&key, 0);
	buf_printf(&key, "%s\n%s", url, user != NULL ? user : "");
	TAILQ_FOREACH(s, &wbem_slots, entry)
		if (s->ctx == ctx && strcmp(s->key, key.data) == 0) {
			buf_release(&key);
			return (s);
		}
	s = xcalloc(1, sizeof(*s));
	s->ctx = ctx;
	s->key = buf_steal(&key, NULL);
	TAILQ_INIT(&s->waiters);
	TAILQ_INSERT_HEAD(&wbem_slots, s, entry);
	return (s);
}

static void
wbem_slot_gc(struct wbem_slot *s)
{
	if (s->inflight != 0 || !TAILQ_EMPTY(&s->waiters))
		return;
	TAILQ_REMOVE(&wbem_slots, s, entry);
	free(s->key);
	free(s);
}

/*
 * Starts the queued calls that now fit.  A call whose first post fails
 * hears of it from the loop (its timer), so no callback runs in here; a
 * post fails when the http context is going away, and then every call
 * still queued on it fails the same way instead of waiting for a place
 * that will never come.
 */
static void
wbem_slot_kick(struct wbem_slot *s)
{
	struct wbem_call	*w;
	int			 dead = 0;

	while ((w = TAILQ_FIRST(&s->waiters)) != NULL &&
	    (dead || s->inflight < w->max_inflight)) {
		TAILQ_REMOVE(&s->waiters, w, wait_entry);
		w->waiting = NULL;
		evtimer_del(w->wait_timer);
		wbem_error_clear(&w->early);
		if (dead) {
			wbem_error_set(&w->early, WBEM_E_CANCELLED, 0,
			    "cancelled", "the HTTP context was closed");
			event_active(w->wait_timer, EV_TIMEOUT, 1);
			continue;
		}
		w->slot = s;
		s->inflight++;
		if (wbem_wsman_post(w, &w->first, &w->early) == -1) {
			w->slot = NULL;
			s->inflight--;
			event_active(w->wait_timer, EV_TIMEOUT, 1);
			dead = 1;
		}
		buf_release(&w->first);
	}
	wbem_slot_gc(s);
}

/* Gives back c's place (or leaves the queue) before c goes. */
static void
wbem_wsman_detach(struct wbem_call *c)
{
	struct wbem_slot	*s;

	if ((s = c->waiting) != NULL) {
		TAILQ_REMOVE(&s->waiters, c, wait_entry);
		c->waiting = NULL;
		wbem_slot_gc(s);
	}
	if ((s = c->slot) != NULL) {
		c->slot = NULL;
		s->inflight--;
		wbem_slot_kick(s);
	}
}

/* The queue deadline passed, or a queued call's first post failed. */
static void
wbem_wait_cb(evutil_socket_t fd, short events, void *arg)
{
	struct wbem_call	*c = arg;
	struct wbem_error	 err;

	if (c->waiting != NULL) {
		wbem_error_set(&err, WBEM_E_TIMEOUT, 0, "timeout",
		    "deadline passed while waiting for one of the %u "
		    "WS-Management operations allowed at once on %s",
		    c->max_inflight, c->url);
		wbem_finish(c, NULL, &err);
		return;
	}
	wbem_finish(c, NULL, &c->early);
}

/*
 * WS-Man: checks the URL, encodes the first message, and posts it or
 * queues it behind the per-target bound.  -1 with err filled.
 */
static int
wbem_wsman_start(struct wbem_call *c, const struct wbem_target *t,
    const struct wbem_request *req, struct wbem_error *err)
{
	struct wbem_request	 r = *req;
	struct wbem_slot	*s;
	struct timeval		 tv;
	uint64_t		 left, now;

	if (wbem_plain(t->url)) {
		if (strncasecmp(t->url, "http://", 7) != 0) {
			wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
			    "WS-Management endpoint must be "
			    "http[s]://host[:port]/wsman");
			return (-1);
		}
		if (!t->allow_unencrypted) {
			wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
			    "WS-Management over plain http sends credentials "
			    "and data in the clear: use https (port 5986), or "
			    "allow unencrypted traffic explicitly");
			return (-1);
		}
		wbem_warn_plain(t->url, "WS-Management");
	}
	c->url = xstrdup(t->url);
	c->user = wbem_strdup0(t->user);
	c->password = wbem_strdup0(t->password);
	c->cacert = wbem_strdup0(t->cacert);
	c->auth = t->auth;
	c->insecure = t->insecure;
	c->verbose = t->verbose;
	c->max_inflight = t->max_inflight != 0 ? t->max_inflight :
	    WBEM_WSMAN_MAX_INFLIGHT;
	c->wo.endpoint = c->url;
	c->wo.max_elements = t->max_elements;
	c->wo.timeout_ms = t->timeout_ms;
	c->wo.max_bytes = t->max_response;
	c->wo.ptypes = t->wsman_ptypes;
	c->wo.nptypes = t->wsman_nptypes;
	if (c->wo.ptypes == NULL) {
		c->wo.ptypes = wsman_win32_ptypes;
		c->wo.nptypes = wsman_win32_nptypes;
	}
	c->wo.wmi_prefixes = t->wsman_wmi_prefixes != NULL ?
	    t->wsman_wmi_prefixes : wsman_win32_wmi_prefixes;
	if (t->timeout_ms != 0)
		c->deadline = mono_ms() + t->timeout_ms;
	wbem_wsman_optimeout(c);
	if (r.ns == NULL)
		r.ns = c->req.ns;
	buf_init(&c->first, 0);
	if (wbem_wsman_msgid(c->msgid, sizeof(c->msgid), err) == -1 ||
	    wsman_encode_request(&r, &c->wo, c->msgid, &c->ws, &c->first,
	    err) == -1)
		return (-1);
	if ((c->wait_timer = evtimer_new(http_ctx_base(c->ctx), wbem_wait_cb,
	    c)) == NULL) {
		wbem_error_set(err, WBEM_E_TRANSPORT, 0, NULL,
		    "cannot create a timer");
		return (-1);
	}

	s = wbem_slot_get(c->ctx, c->url, c->user);
	if (s->inflight < c->max_inflight && TAILQ_EMPTY(&s->waiters)) {
		s->inflight++;
		c->slot = s;
		if (wbem_wsman_post(c, &c->first, err) == -1) {
			c->slot = NULL;
			s->inflight--;
			wbem_slot_gc(s);
			return (-1);
		}
		buf_release(&c->first);
		return (0);
	}
	log_debug("wbem: %u WS-Man operations on %s: queued", s->inflight,
	    c->url);
	TAILQ_INSERT_TAIL(&s->waiters, c, wait_entry);
	c->waiting = s;
	if (c->deadline != 0) {
		now = mono_ms();
		left = c->deadline > now ? c->deadline - now : 0;
		ms_to_tv(left, &tv);
		evtimer_add(c->wait_timer, &tv);
	}
	return (0);
}

/* -1 with err filled when res holds more items than c may collect. */
static int
wbem_check_items(const struct wbem_call *c, const struct wbem_result *res,
    struct wbem_error *err)
{
	if (res == NULL || res->ninst + res->npaths <= c->max_items)
		return (0);
	wbem_error_set(err, WBEM_E_TOOBIG, 0, "toobig",
	    "%s operation on %s: more than %zu items",
	    c->proto == WBEM_PROTO_WSMAN ? "WS-Management" : "CIM-XML",
	    c->url, c->max_items);
	return (-1);
}

/* A reply in the conversation: finish, or Pull the next batch. */
static void
wbem_wsman_reply(struct wbem_call *c, const struct http_response *resp,
    const struct wbem_error *herr)
{
	struct wbem_result	*res;
	struct wbem_error	 err;
	struct buf		 b;

	wbem_error_clear(&err);
	if (resp == NULL) {
		err = *herr;
		/* http's cap was what is left: say it is the operation's */
		if (err.kind == WBEM_E_TOOBIG && c->got_bytes != 0)
			wbem_wsman_toobig(c, &err);
		goto fail;
	}
	if (resp->body_len > c->max_response - c->got_bytes) {
		wbem_wsman_toobig(c, &err);
		goto fail;
	}
	c->got_bytes += resp->body_len;
	if (wbem_check_media(resp, c->proto, &err) == -1)
		goto fail;
	if (wsman_decode_response(&c->ws, &c->wo, resp->status, resp->body,
	    resp->body_len, c->msgid, &c->partial, &err) == -1 ||
	    wbem_check_items(c, c->partial, &err) == -1)
		goto fail;
	if (c->ws.done) {
		res = c->partial;
		c->partial = NULL;
		wbem_finish(c, res, &err);
		return;
	}
	buf_init(&b, 0);
	wbem_wsman_optimeout(c);
	if (wbem_wsman_msgid(c->msgid, sizeof(c->msgid), &err) == 0 &&
	    wsman_encode_pull(&c->wo, &c->ws, c->msgid, &b, &err) == 0 &&
	    wbem_wsman_post(c, &b, &err) == 0) {
		buf_release(&b);
		return;
	}
	buf_release(&b);
fail:
	if (err.http_status == 0 && resp != NULL)
		err.http_status = resp->status;
	wbem_wsman_release(c);
	wbem_finish(c, NULL, &err);
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
	c->max_response = t->max_response != 0 ? t->max_response :
	    HTTP_MAX_RESPONSE_DEFAULT;
	c->max_items = t->max_items != 0 ? t->max_items : WBEM_MAX_ITEMS;
	wbem_keep_request(c, req, t->ns != NULL ? t->ns : "root/cimv2");

	/* one switch per protocol, so a codec plugs in here */
	switch (t->proto) {
	case WBEM_PROTO_CIMXML:
		rc = wbem_cimxml_start(c, t, req, &err);
		break;
	case WBEM_PROTO_WSMAN:
		rc = wbem_wsman_start(c, t, req, &err);
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

/*
 * A 200 must say what it is: an XML media type (DSP0200: application/xml
 * or text/xml; WS-Man: application/soap+xml) and, for CIM-XML, a
 * CIMOperation: MethodResponse header (ns-prefixed after an M-POST).  A
 * well-formed body served as text/html is some other server's page on
 * the CIM port -- a proxy, a portal -- not an answer from the CIMOM.
 * Other statuses carry their own errors and are left to the codecs.
 */
static int
wbem_check_media(const struct http_response *resp, enum wbem_proto proto,
    struct wbem_error *err)
{
	const char	*ct, *n, *op = NULL;
	size_t		 i, len;

	if (resp->status != 200)
		return (0);
	ct = http_response_header(resp, "Content-Type");
	if (ct == NULL || (proto == WBEM_PROTO_WSMAN ?
	    strncasecmp(ct, "application/soap+xml", 20) != 0 :
	    strncasecmp(ct, "application/xml", 15) != 0 &&
	    strncasecmp(ct, "text/xml", 8) != 0)) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, "content-type",
		    "not a %s reply: Content-Type %.100s",
		    proto == WBEM_PROTO_WSMAN ? "WS-Management" : "CIM-XML",
		    ct != NULL ? ct : "missing");
		err->http_status = resp->status;
		return (-1);
	}
	if (proto == WBEM_PROTO_WSMAN)
		return (0);
	for (i = 0; i < resp->nheaders && op == NULL; i++) {
		n = resp->headers[i].name;
		len = strlen(n);
		/* the last byte first (case bit set): most names end else */
		if (len >= 12 && (n[len - 1] | 0x20) == 'n' &&
		    str_casecmp_ascii(n + len - 12, "CIMOperation") == 0 &&
		    (len == 12 || n[len - 13] == '-'))
			op = resp->headers[i].value;
	}
	if (op == NULL || str_casecmp_ascii(op, "MethodResponse") != 0) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, "content-type",
		    "not a CIM-XML reply: CIMOperation %.100s",
		    op != NULL ? op : "missing");
		err->http_status = resp->status;
		return (-1);
	}
	return (0);
}

/* What the CIM-XML decoder reads of an HTTP reply. */
static void
wbem_cimxml_rep(const struct wbem_call *c, const struct http_response *resp,
    struct cimxml_reply *rep)
{
	memset(rep, 0, sizeof(*rep));
	rep->status = resp->status;
	rep->cimerror = http_response_header(resp, "CIMError");
	rep->pgdetail = http_response_header(resp, "PGErrorDetail");
	rep->trailer_code = http_response_trailer(resp, "CIMStatusCode");
	rep->trailer_desc = http_response_trailer(resp,
	    "CIMStatusCodeDescription");
	rep->body = resp->body;
	rep->body_len = resp->body_len;
	rep->max_bytes = c->max_response;
}

/*
 * The CloseEnumeration's answer into out: kind NONE when the server closed
 * the context, else why not (its CIM status, a bad reply, no reply).
 */
static void
wbem_close_outcome(const struct wbem_call *c,
    const struct http_response *resp, const struct wbem_error *herr,
    struct wbem_error *out)
{
	struct wbem_request	 r;
	struct cimxml_reply	 rep;
	struct wbem_result	*res;

	wbem_error_clear(out);
	if (resp == NULL) {
		*out = *herr;
		return;
	}
	if (wbem_check_media(resp, c->proto, out) == -1)
		return;
	memset(&r, 0, sizeof(r));
	r.op = WBEM_OP_CLOSE;
	r.ns = c->req.ns;
	wbem_cimxml_rep(c, resp, &rep);
	res = cimxml_decode_response(&r, &rep, out);
	if (res == NULL && out->kind == WBEM_E_NONE)
		wbem_error_set(out, WBEM_E_PROTOCOL, 0, NULL,
		    "reply could not be decoded");
	wbem_result_free(res);
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
	if (c->proto == WBEM_PROTO_WSMAN) {
		wbem_wsman_reply(c, resp, herr);
		return;
	}
	if (c->closing) {
		/*
		 * The Close's own outcome is not the operation's, but the
		 * items gathered before it carry its refusal, so that "closed"
		 * is not said of a context the server would not close.
		 */
		res = c->partial;
		c->partial = NULL;
		if (res != NULL)
			wbem_close_outcome(c, resp, herr, &res->close_err);
		err = c->close_err;
		wbem_finish(c, res, &err);
		return;
	}
	if (resp == NULL) {
		if (c->context != NULL && herr->kind != WBEM_E_CANCELLED)
			wbem_cimxml_close(c, NULL, herr);
		else
			wbem_finish(c, NULL, herr);
		return;
	}
	c->got_bytes += resp->body_len;
	wbem_error_clear(&err);
	if (wbem_check_media(resp, c->proto, &err) == -1) {
		if (err.http_status == 0)
			err.http_status = resp->status;
		if (c->context != NULL)
			wbem_cimxml_close(c, NULL, &err);
		else
			wbem_finish(c, NULL, &err);
		return;
	}
	switch (c->proto) {
	case WBEM_PROTO_CIMXML:
		wbem_cimxml_rep(c, resp, &rep);
		res = cimxml_decode_response(&c->req, &rep, &err);
		if (res != NULL && wbem_op_pull_of(c->req.op) != -1) {
			wbem_cimxml_pulled(c, res);
			return;
		}
		if (wbem_check_items(c, res, &err) == -1) {
			wbem_result_free(res);
			res = NULL;
		}
		break;
	case WBEM_PROTO_WSMAN:
		break;		/* wbem_wsman_reply has it */
	}
	if (res == NULL && err.kind == WBEM_E_NONE)
		wbem_error_set(&err, WBEM_E_PROTOCOL, 0, NULL,
		    "reply could not be decoded");
	if (err.http_status == 0)
		err.http_status = resp->status;
	if (res == NULL && c->context != NULL) {
		wbem_cimxml_close(c, NULL, &err);
		return;
	}
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
