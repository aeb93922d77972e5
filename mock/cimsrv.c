/*
 * cimsrv.c: the CIM-XML operation server of a mock node, answering the way
 * OpenPegasus 2.14 does on the wire (see PROTOCOL-NOTES and the captures):
 * header checks with CIMError/PGErrorDetail 400/501 replies that carry no
 * Content-Length, no body and keep the connection; zero-padded lower-case
 * content-length; chunked replies with CIMStatusCode trailers only when the
 * request sent TE; no IRETURNVALUE for an empty result; Basic auth on every
 * request.  The codec's server half (lib/cimxml_server.c) decodes
 * requests, checks the CIM headers and writes the bodies; this file checks
 * HTTP and auth, runs the operations on the node's instances, frames
 * replies (content-length or chunks and trailers) and applies the injected
 * faults (latency, hang, reset, garbage, truncation, oversize, 401, 500,
 * CIM error, drip).  The replay test compares the bytes with the captures.
 * Besides the instance reads and ExecQuery it serves the class,
 * association, instance-edit, property and qualifier operations over the
 * schema and the node's instances, and the pull operations, whose
 * enumeration contexts (a table shared by the nodes, bounded per node)
 * expire after their OperationTimeout.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>
#include <openssl/evp.h>

#include "mock.h"

#define CIMSRV_NS	"root/cimv2"
#define CIMSRV_INTEROP	"root/PG_InterOp"	/* OpenPegasus's interop ns */

/* What the request asked for, after the HTTP and XML checks. */
struct cimreq {
	char		 method[128];
	int		 intrinsic;
	char		 ns[256];
	char		*classname;
	size_t		 nkeys;
	struct cim_keybinding keys[16];
	char		*query, *lang;
	int		 has_proplist;
	size_t		 nprops;
	char		*props[64];
	size_t		 nparams;
	struct cim_property params[16];
	int		 chunked;	/* TE asked for trailers */
	char		 mprefix[8];	/* "75-" for M-POST replies */
	int		 have_call;
	struct cimxml_call call;	/* what the codec decoded */
};

/* One reply in flight: bytes, and how they leave (faults). */
struct cimsrv_out {
	struct mnode	*node;
	struct httpd_req *req;
	struct buf	 bytes;
	size_t		 off;
	int		 keep;
	struct fault	 fault;
	struct event	*timer;
	int		 stage;		/* 0: latency wait, 1: sending */
};

static void	cimsrv_timer_cb(evutil_socket_t, short, void *);
static void	cimsrv_gone_cb(struct httpd_req *, void *);
static void	cimsrv_interop(struct mnode *, struct cimreq *, struct buf *);
static void	cimsrv_raw(struct buf *, const struct cimreq *,
		    const struct buf *, const struct cim_property *, size_t);
static void	cimsrv_objwithpath(struct buf *, const struct mof_schema *,
		    const struct cimreq *, const struct mock_inst *,
		    const char *, const char *, const char *);

/* PGErrorDetail and CIMStatusCodeDescription: RFC 2396 escaping. */
static void
cimsrv_uri_escape(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char	c = (unsigned char)*s;

		if (isalnum(c) || strchr("-_.!~*'()", c) != NULL)
			buf_add(b, s, 1);
		else
			buf_printf(b, "%%%02X", c);
	}
}

/* 400/501 with CIMError: no Content-Length, no body, connection kept. */
static void
cimsrv_http_error(struct buf *out, int status, const char *cimerror,
    const char *detail)
{
	buf_printf(out, "HTTP/1.1 %d %s\r\n", status,
	    status == 501 ? "Not Implemented" : "Bad Request");
	if (cimerror != NULL)
		buf_printf(out, "CIMError: %s\r\n", cimerror);
	if (detail != NULL) {
		buf_puts(out, "PGErrorDetail: ");
		cimsrv_uri_escape(out, detail);
		buf_puts(out, "\r\n");
	}
	buf_puts(out, "\r\n");
}

static void
cimsrv_401(struct buf *out, const struct mnode_conf *nc)
{
	buf_printf(out, "HTTP/1.1 401 Unauthorized\r\n"
	    "PGErrorDetail: User%%20Unauthorized\r\n"
	    "content-length: 0000000000\r\n"
	    "WWW-Authenticate: Basic realm=\"%s\"\r\n\r\n", nc->host);
}

static const char *
cimsrv_status_name(int code)
{
	static const char *const names[] = {
		NULL, "CIM_ERR_FAILED", "CIM_ERR_ACCESS_DENIED",
		"CIM_ERR_INVALID_NAMESPACE", "CIM_ERR_INVALID_PARAMETER",
		"CIM_ERR_INVALID_CLASS", "CIM_ERR_NOT_FOUND",
		"CIM_ERR_NOT_SUPPORTED", "CIM_ERR_CLASS_HAS_CHILDREN",
		"CIM_ERR_CLASS_HAS_INSTANCES", "CIM_ERR_INVALID_SUPERCLASS",
		"CIM_ERR_ALREADY_EXISTS", "CIM_ERR_NO_SUCH_PROPERTY",
		"CIM_ERR_TYPE_MISMATCH", "CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED",
		"CIM_ERR_INVALID_QUERY", "CIM_ERR_METHOD_NOT_AVAILABLE",
		"CIM_ERR_METHOD_NOT_FOUND", NULL, NULL,
		"CIM_ERR_NAMESPACE_NOT_EMPTY",
		"CIM_ERR_INVALID_ENUMERATION_CONTEXT",
		"CIM_ERR_INVALID_OPERATION_TIMEOUT",
		"CIM_ERR_PULL_HAS_BEEN_ABANDONED",
		"CIM_ERR_PULL_CANNOT_BE_ABANDONED",
		"CIM_ERR_FILTERED_ENUMERATION_NOT_SUPPORTED",
		"CIM_ERR_CONTINUATION_ON_ERROR_NOT_SUPPORTED",
		"CIM_ERR_SERVER_LIMITS_EXCEEDED",
	};

	if (code > 0 && (size_t)code < nitems(names))
		return (names[code]);
	return ("CIM_ERR_FAILED");
}

/*
 * Frames a finished body as a 200: content-length, or chunked with the
 * Trailer header (and the status trailers only for an error).
 */
static void
cimsrv_frame(struct buf *out, const struct cimreq *r, const struct buf *body,
    int code, const char *desc)
{
	size_t	off, n;

	buf_puts(out, "HTTP/1.1 200 OK\r\n"
	    "Content-Type: application/xml; charset=utf-8\r\n");
	if (r->chunked)
		buf_puts(out, "transfer-encoding: chunked\r\n");
	else
		buf_printf(out, "content-length: %010zu\r\n", body->len);
	if (r->mprefix[0] != '\0')
		buf_printf(out, "Ext:\r\nCache-Control: no-cache\r\n"
		    "Man: http://www.dmtf.org/cim/mapping/http/v1.0; ns=%.*s\r\n",
		    (int)strlen(r->mprefix) - 1, r->mprefix);
	buf_printf(out, "%sCIMOperation: MethodResponse\r\n", r->mprefix);
	if (r->chunked)
		buf_printf(out, "Trailer: %sCIMStatusCode, "
		    "%sCIMStatusCodeDescription, Content-Language\r\n",
		    r->mprefix, r->mprefix);
	buf_puts(out, "\r\n");
	if (!r->chunked) {
		buf_add(out, body->data, body->len);
		return;
	}
	/* Pegasus sends big replies in several chunks; so do we. */
	for (off = 0; off < body->len; off += n) {
		n = body->len - off;
		if (n > 16384)
			n = 16384;
		buf_printf(out, "%zx\r\n", n);
		buf_add(out, body->data + off, n);
		buf_puts(out, "\r\n");
	}
	buf_puts(out, "0\r\n");
	if (code != 0) {
		buf_printf(out, "%sCIMStatusCode: %d\r\n", r->mprefix, code);
		buf_printf(out, "%sCIMStatusCodeDescription: ", r->mprefix);
		cimsrv_uri_escape(out, desc);
		buf_puts(out, "\r\n");
	}
	buf_puts(out, "\r\n");
}

/*
 * A CIM error reply: ERROR element, or empty body + trailers if chunked.
 * text is the whole DESCRIPTION.
 */
static void
cimsrv_cim_error_text(struct buf *out, const struct cimreq *r, int code,
    const char *text)
{
	struct buf	body, desc;

	buf_init(&body, 0);
	buf_init(&desc, 0);
	buf_puts(&desc, text);
	/* chunked: an empty (I)METHODRESPONSE, the status in trailers */
	if (r->chunked)
		cimxml_encode_response(&r->call, NULL, &body);
	else
		cimxml_encode_error(&r->call, code, desc.data, &body);
	cimsrv_frame(out, r, &body, code, desc.data);
	buf_release(&body);
	buf_release(&desc);
}

/* The same, with OpenPegasus's "CIM_ERR_NAME: what" description. */
static void
cimsrv_cim_error(struct buf *out, const struct cimreq *r, int code,
    const char *what)
{
	struct buf	desc;

	buf_init(&desc, 0);
	buf_printf(&desc, "%s: %s", cimsrv_status_name(code), what);
	cimsrv_cim_error_text(out, r, code, desc.data);
	buf_release(&desc);
}

/*
 * Key types as the codec writes VALUETYPE: string, boolean, numeric; a
 * reference key (an association's) is a VALUE.REFERENCE.
 */
static enum cim_type
cimsrv_key_type(enum cim_type t)
{
	if (t == CIM_T_BOOLEAN || t == CIM_T_REFERENCE)
		return (t);
	if (cim_type_is_integer(t))
		return (cim_type_is_signed(t) ? CIM_T_SINT64 : CIM_T_UINT64);
	if (cim_type_is_real(t))
		return (CIM_T_REAL64);
	return (CIM_T_STRING);
}

static int
cimsrv_in_list(const struct cimreq *r, const char *name)
{
	size_t	i;

	if (!r->has_proplist)
		return (1);
	for (i = 0; i < r->nprops; i++)
		if (str_casecmp_ascii(r->props[i], name) == 0)
			return (1);
	return (0);
}

/* The instance's path as replies carry it, with host when one is given. */
static struct cim_path *
cimsrv_inst_path(const struct cimreq *r, const struct mock_inst *in,
    const char *host)
{
	const struct mof_class	*c = in->cls;
	const struct cim_value	*v;
	struct cim_path		*p;
	size_t			 i;

	p = cim_path_new(r->ns[0] ? r->ns : CIMSRV_NS, c->name);
	if (host != NULL)
		p->host = xstrdup(host);
	for (i = 0; i < c->nprops; i++) {
		if (!mof_prop_is_key(&c->props[i]))
			continue;
		v = &in->props[i].v;
		cim_path_add_key(p, c->props[i].name,
		    cimsrv_key_type(c->props[i].type),
		    !v->is_null && v->nvals > 0 ? v->vals[0] : "");
	}
	return (p);
}

/* Encodes a result with the codec and frames it as a 200. */
static void
cimsrv_result(struct buf *out, const struct cimreq *r,
    const struct wbem_result *res)
{
	struct buf	body;

	buf_init(&body, 0);
	cimxml_encode_response(&r->call, res, &body);
	cimsrv_frame(out, r, &body, 0, NULL);
	buf_release(&body);
}

/* QUALIFIER elements; propagated: a class's, carried by its instance. */
static void
cimsrv_quals_as(struct buf *b, const struct mof_qual *q, size_t n,
    int propagated)
{
	const char	*pg = propagated ? " PROPAGATED=\"true\"" : "";
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (q[i].type == CIM_T_BOOLEAN)
			buf_printf(b, "<QUALIFIER NAME=\"%s\" TYPE=\"boolean\"%s "
			    "OVERRIDABLE=\"false\">\n", q[i].name, pg);
		else
			buf_printf(b, "<QUALIFIER NAME=\"%s\" TYPE=\"string\"%s%s>"
			    "\n", q[i].name, pg, str_casecmp_ascii(q[i].name,
			    "Description") == 0 ? " TRANSLATABLE=\"true\"" : "");
		buf_puts(b, "<VALUE>");
		buf_xml_escape(b, q[i].value);
		buf_puts(b, "</VALUE>\n</QUALIFIER>\n");
	}
}

static void
cimsrv_quals(struct buf *b, const struct mof_qual *q, size_t n)
{
	cimsrv_quals_as(b, q, n, 0);
}

/* ---- request decoding (the codec's server side) ------------------------- */

static void
cimreq_clear(struct cimreq *r)
{
	size_t	i;

	free(r->classname);
	for (i = 0; i < r->nkeys; i++) {
		free(r->keys[i].name);
		free(r->keys[i].value);
	}
	free(r->query);
	free(r->lang);
	for (i = 0; i < r->nprops; i++)
		free(r->props[i]);
	for (i = 0; i < r->nparams; i++) {
		free(r->params[i].name);
		mval_clear(&r->params[i].v);
	}
	if (r->have_call)
		cimxml_call_clear(&r->call);
	memset(r, 0, sizeof(*r));
}

/* Copies what the dispatcher needs out of a decoded call. */
static void
cimsrv_from_call(const struct cimxml_call *c, struct cimreq *r)
{
	const struct wbem_request	*q = &c->req;
	const struct cim_path		*p = q->path;
	size_t				 i;

	strlcpy(r->method, c->method ? c->method : "", sizeof(r->method));
	r->intrinsic = c->intrinsic;
	strlcpy(r->ns, q->ns ? q->ns : "", sizeof(r->ns));
	if (q->classname != NULL)
		r->classname = xstrdup(q->classname);
	else if (p != NULL && p->classname != NULL)
		r->classname = xstrdup(p->classname);
	for (i = 0; p != NULL && i < p->nkeys && i < nitems(r->keys); i++) {
		r->keys[i].name = p->keys[i].name ? xstrdup(p->keys[i].name) :
		    NULL;
		r->keys[i].type = p->keys[i].type == CIM_T_NONE ?
		    CIM_T_STRING : p->keys[i].type;
		r->keys[i].value = xstrdup(p->keys[i].value ?
		    p->keys[i].value : "");
		r->nkeys++;
	}
	r->query = q->query ? xstrdup(q->query) : NULL;
	r->lang = q->query_lang ? xstrdup(q->query_lang) : NULL;
	if (q->proplist != NULL) {
		r->has_proplist = 1;
		for (i = 0; q->proplist[i] != NULL && i < nitems(r->props);
		    i++)
			r->props[r->nprops++] = xstrdup(q->proplist[i]);
	}
	for (i = 0; i < q->nparams && i < nitems(r->params); i++) {
		r->params[i].name = xstrdup(q->params[i].name);
		r->params[i].v.is_null = 1;
		mval_copy(&r->params[i].v, &q->params[i].v);
		r->nparams++;
	}
}

/* Does an XML body stop before its closing </CIM>? */
static int
cimsrv_cut_short(const struct httpd_req *hr)
{
	const char	*tail = hr->body + hr->body_len;

	if (strncmp(hr->body, "<?xml", 5) != 0)
		return (0);
	while (tail > hr->body && isspace((unsigned char)tail[-1]))
		tail--;
	return (tail - hr->body < 6 || strncmp(tail - 6, "</CIM>", 6) != 0);
}

static int
cimsrv_lines(const struct httpd_req *hr)
{
	size_t	i;
	int	n = 1;

	for (i = 0; i < hr->body_len; i++)
		if (hr->body[i] == '\n')
			n++;
	return (n);
}

/*
 * Decodes the body with the codec and checks the CIM headers against it;
 * on failure out gets the 400/501 (or, for a CIM-level refusal, the ERROR
 * reply) and -1 is returned.
 */
static int
cimsrv_decode(const struct httpd_req *hr, const char *cimmethod,
    const char *cimobject, const char *pversion, struct cimreq *r,
    struct buf *out)
{
	struct cimxml_call	*c = &r->call;
	struct wbem_error	 e;
	char			 detail[128];

	memset(c, 0, sizeof(*c));
	r->have_call = 1;
	if (cimxml_decode_request(hr->body, hr->body_len, c, &e) == -1) {
		if (e.kind == WBEM_E_CIM) {
			cimsrv_from_call(c, r);
			cimsrv_cim_error_text(out, r, e.code, e.description);
		} else if (cimsrv_cut_short(hr)) {
			/*
			 * OpenPegasus's lexer meets the end of a body cut
			 * short (Content-Length too small) inside an element:
			 * a well-formedness error, whatever libxml2 says.
			 */
			snprintf(detail, sizeof(detail),
			    "Bad closing element: on line %d", cimsrv_lines(hr));
			cimsrv_http_error(out, 400, "request-not-well-formed",
			    detail);
		} else
			cimsrv_http_error(out, (int)(e.http_status ?
			    e.http_status : 400), e.name[0] ? e.name : NULL,
			    e.description[0] ? e.description : NULL);
		return (-1);
	}
	if (cimxml_check_headers(c, cimmethod, cimobject, pversion,
	    &e) == -1) {
		cimsrv_http_error(out, (int)(e.http_status ? e.http_status :
		    400), e.name[0] ? e.name : NULL, e.description[0] ?
		    e.description : NULL);
		return (-1);
	}
	cimsrv_from_call(c, r);
	return (0);
}

/* ---- operations ------------------------------------------------------------ */

/* Does the instance have exactly the request's keys with those values? */
static int
cimsrv_key_match(const struct cimreq *r, const struct mock_inst *in)
{
	const struct mof_class	*c = in->cls;
	const struct cim_value	*v;
	size_t			 i, nkeys = 0;
	uint64_t		 a, b;

	for (i = 0; i < c->nprops; i++)
		if (mof_prop_is_key(&c->props[i]))
			nkeys++;
	if (nkeys != r->nkeys)
		return (0);
	for (i = 0; i < r->nkeys; i++) {
		const struct mof_prop	*p;

		if (r->keys[i].name == NULL && nkeys == 1) {
			for (p = c->props; !mof_prop_is_key(p); p++)
				;
		} else if (r->keys[i].name == NULL ||
		    (p = mof_prop_find(c, r->keys[i].name)) == NULL ||
		    !mof_prop_is_key(p))
			return (0);
		v = inst_get(in, p->name);
		if (v == NULL || v->is_null || v->nvals == 0)
			return (0);
		if (p->type != CIM_T_STRING && p->type != CIM_T_CHAR16 &&
		    p->type != CIM_T_DATETIME && p->type != CIM_T_BOOLEAN &&
		    parse_u64(v->vals[0], &a) == 0 &&
		    parse_u64(r->keys[i].value, &b) == 0) {
			if (a != b)
				return (0);
		} else if (p->type == CIM_T_BOOLEAN) {
			if (str_casecmp_ascii(v->vals[0], r->keys[i].value))
				return (0);
		} else if (strcmp(v->vals[0], r->keys[i].value) != 0)
			return (0);
	}
	return (1);
}

/* "Win32_Process.Handle=\"9999\"": the object path in error texts. */
static void
cimsrv_path_text(struct buf *b, const struct cimreq *r)
{
	size_t	i;

	buf_puts(b, r->classname ? r->classname : "");
	for (i = 0; i < r->nkeys; i++) {
		buf_puts(b, i == 0 ? "." : ",");
		if (r->keys[i].name != NULL)
			buf_printf(b, "%s=", r->keys[i].name);
		if (r->keys[i].type == CIM_T_STRING)
			buf_printf(b, "\"%s\"", r->keys[i].value);
		else
			buf_puts(b, r->keys[i].value);
	}
}

static int
cimsrv_lookup(const char *name, const struct cim_value **v, void *arg)
{
	const struct mock_inst	*in = arg;

	if ((*v = inst_get(in, name)) == NULL)
		return (-1);
	return (0);
}

/*
 * Runs a WQL/CQL query into l (the SELECT list becomes r's property
 * list); -1 with the CIM error in out.
 */
static int
cimsrv_query_run(struct mnode *node, struct cimreq *r, const char *query,
    const char *lang, struct inst_list *l, struct buf *out)
{
	const struct mnode_conf	*nc = mnode_conf(node);
	const struct mof_class	*c;
	struct wql_query	*q;
	struct inst_list	 all = { 0, NULL };
	enum wql_dialect	 d;
	char			 err[256];
	size_t			 i;

	if (lang == NULL || (strcmp(lang, "WQL") != 0 &&
	    strcmp(lang, "DMTF:CQL") != 0)) {
		cimsrv_cim_error(out, r, CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED,
		    lang ? lang : "");
		return (-1);
	}
	/* CQL takes 'single-quoted' literals even on Pegasus */
	d = strcmp(lang, "WQL") == 0 ? nc->dialect : WQL_WINDOWS;
	if (query == NULL ||
	    (q = wql_parse(query, d, err, sizeof(err))) == NULL) {
		log_debug("%s: invalid query: %s", nc->name,
		    query ? err : "none");
		cimsrv_cim_error(out, r, CIM_ERR_INVALID_QUERY,
		    query ? query : "");
		return (-1);
	}
	if ((c = mof_class_find(mnode_schema(node), wql_class(q))) == NULL) {
		cimsrv_cim_error(out, r, CIM_ERR_INVALID_CLASS, wql_class(q));
		wql_free(q);
		return (-1);
	}
	/*
	 * OpenPegasus answers a SELECT list naming a property the class
	 * lacks with the instances, that property left out; WMI (the
	 * windows dialect) refuses the query.
	 */
	for (i = 0; nc->dialect == WQL_WINDOWS && i < wql_nselect(q); i++)
		if (mof_prop_find(c, wql_select(q, i)) == NULL) {
			cimsrv_cim_error(out, r, CIM_ERR_INVALID_QUERY, query);
			wql_free(q);
			return (-1);
		}
	if (wql_nselect(q) > 0) {
		r->has_proplist = 1;
		for (i = 0; i < wql_nselect(q) && r->nprops <
		    nitems(r->props); i++)
			r->props[r->nprops++] = xstrdup(wql_select(q, i));
	}
	mnode_instances(node, c, &all);
	for (i = 0; i < all.n; i++)
		if (wql_match(q, cimsrv_lookup, all.v[i])) {
			inst_list_add(l, all.v[i]);
			all.v[i] = NULL;
		}
	for (i = 0; i < all.n; i++)
		inst_free(all.v[i]);
	all.n = 0;
	inst_list_clear(&all);
	wql_free(q);
	return (0);
}

static void
cimsrv_query(struct mnode *node, struct cimreq *r, struct buf *out)
{
	const struct mnode_conf	*nc = mnode_conf(node);
	struct inst_list	 l = { 0, NULL };
	struct buf		 irv;
	size_t			 i;

	if (cimsrv_query_run(node, r, r->query, r->lang, &l, out) == -1)
		return;
	buf_init(&irv, 0);
	for (i = 0; i < l.n; i++)
		cimsrv_objwithpath(&irv, mnode_schema(node), r, l.v[i],
		    nc->host, "VALUE.OBJECTWITHPATH", r->call.ns_store);
	cimsrv_raw(out, r, &irv, NULL, 0);
	buf_release(&irv);
	inst_list_clear(&l);
}

/* ---- classes, associations, instance edits, qualifiers, pulls ----------- */

/* A VALUE's text without the XML whitespace around it (a copy). */
static int
cimsrv_ip_trimmed(const struct cimreq *r, const char *name, char *out,
    size_t len)
{
	const struct cimxml_iparam	*ip = cimxml_iparam(&r->call, name);
	const char			*s, *e;

	if (ip == NULL || ip->kind != CIMXML_IP_VALUE || ip->text == NULL)
		return (0);
	for (s = ip->text; *s == ' ' || *s == '\t' || *s == '\r' ||
	    *s == '\n'; s++)
		;
	for (e = s + strlen(s); e > s && (e[-1] == ' ' || e[-1] == '\t' ||
	    e[-1] == '\r' || e[-1] == '\n'); e--)
		;
	if ((size_t)(e - s) >= len)
		return (-1);
	memcpy(out, s, (size_t)(e - s));
	out[e - s] = '\0';
	return (e > s ? 1 : 0);	/* an empty VALUE counts as NULL */
}

/* A boolean IPARAMVALUE, def when absent or NULL. */
static int
cimsrv_ip_bool(const struct cimreq *r, const char *name, int def)
{
	char	t[16];

	if (cimsrv_ip_trimmed(r, name, t, sizeof(t)) != 1)
		return (def);
	return (str_casecmp_ascii(t, "TRUE") == 0);
}

/* A uint32 IPARAMVALUE: 1 set, 0 absent/NULL, -1 not a number. */
static int
cimsrv_ip_u32(const struct cimreq *r, const char *name, uint32_t *out)
{
	const struct cimxml_iparam	*ip = cimxml_iparam(&r->call, name);
	char				 t[32];
	uint64_t			 v;
	int				 rc;

	if (ip == NULL || ip->kind == CIMXML_IP_NULL)
		return (0);
	if (ip->kind != CIMXML_IP_VALUE ||
	    (rc = cimsrv_ip_trimmed(r, name, t, sizeof(t))) == -1)
		return (-1);
	if (rc == 0)
		return (0);
	if (parse_u64(t, &v) == -1 || v > UINT32_MAX)
		return (-1);
	*out = (uint32_t)v;
	return (1);
}

static const char *
cimsrv_ip_text(const struct cimreq *r, const char *name)
{
	const struct cimxml_iparam	*ip = cimxml_iparam(&r->call, name);

	if (ip == NULL || (ip->kind != CIMXML_IP_VALUE &&
	    ip->kind != CIMXML_IP_CLASSNAME))
		return (NULL);
	return (ip->text);
}

/* Is c the class named base or derived from it? */
static int
cimsrv_isa(const struct mof_schema *s, const struct mof_class *c,
    const char *base)
{
	while (c != NULL) {
		if (str_casecmp_ascii(c->name, base) == 0)
			return (1);
		c = c->super != NULL ? mof_class_find(s, c->super) : NULL;
	}
	return (0);
}

/* The class that first declares property name, walking up from c. */
static const struct mof_class *
cimsrv_origin(const struct mof_schema *s, const struct mof_class *c,
    const char *name)
{
	const struct mof_class	*up;

	while (c->super != NULL && (up = mof_class_find(s, c->super)) !=
	    NULL && mof_prop_find(up, name) != NULL)
		c = up;
	return (c);
}

/*
 * One INSTANCE as OpenPegasus's repository keeps it: a class property the
 * instance was created without is there all the same, NULL and
 * PROPAGATED="true", ahead of the instance's own properties (in class
 * order, as its CreateInstance resolves the instance against the class);
 * IncludeQualifiers (deprecated, still honoured) adds the class's
 * qualifiers, PROPAGATED; IncludeClassOrigin a CLASSORIGIN on each
 * property.  The PropertyList or SELECT list keeps what it names.
 */
static void
cimsrv_instance(struct buf *b, const struct mof_schema *s,
    const struct cimreq *r, const struct mock_inst *in)
{
	const struct mof_class	*c = in->cls;
	int			 quals = cimsrv_ip_bool(r, "IncludeQualifiers", 0);
	int			 origin = cimsrv_ip_bool(r, "IncludeClassOrigin",
				    0);
	int			 pass, absent;
	size_t			 i;

	buf_puts(b, "<INSTANCE CLASSNAME=\"");
	buf_xml_escape(b, c->name);
	buf_puts(b, "\" >\n");
	if (quals)
		cimsrv_quals_as(b, c->quals, c->nquals, 1);
	for (pass = 1; pass >= 0; pass--)
		for (i = 0; i < in->nprops; i++) {
			absent = in->absent != NULL && in->absent[i];
			if (absent != pass ||
			    !cimsrv_in_list(r, in->props[i].name))
				continue;
			if (absent) {
				struct cim_property	np;

				memset(&np, 0, sizeof(np));
				np.name = in->props[i].name;
				np.v.type = in->props[i].v.type;
				np.v.is_array = in->props[i].v.is_array;
				np.v.embedded = in->props[i].v.embedded;
				np.v.is_null = 1;
				cimxml_encode_property(&np, c->props[i].refclass,
				    origin ? cimsrv_origin(s, c, np.name)->name :
				    NULL, 1, b);
			} else
				cimxml_encode_property(&in->props[i],
				    c->props[i].refclass, origin ?
				    cimsrv_origin(s, c, in->props[i].name)->name :
				    NULL, 0, b);
		}
	buf_puts(b, "</INSTANCE>\n");
}

static void
cimsrv_class_flags(struct buf *b, const struct mof_schema *s,
    const struct mof_class *c, const struct cimreq *r, int local_only,
    int quals, int origin)
{
	const struct mof_prop	*p;
	const struct mof_class	*oc;
	size_t			 i, j;

	buf_printf(b, "<CLASS NAME=\"%s\" ", c->name);
	if (c->super != NULL)
		buf_printf(b, "SUPERCLASS=\"%s\" ", c->super);
	buf_puts(b, ">\n");
	if (quals)
		cimsrv_quals(b, c->quals, c->nquals);
	for (i = 0; i < c->nprops; i++) {
		p = &c->props[i];
		oc = cimsrv_origin(s, c, p->name);
		if ((local_only && oc != c) || !cimsrv_in_list(r, p->name))
			continue;
		/* OpenPegasus's order: CLASSORIGIN, PROPAGATED, then TYPE */
		if (p->type == CIM_T_REFERENCE)
			buf_printf(b, "<PROPERTY.REFERENCE NAME=\"%s\" "
			    "REFERENCECLASS=\"%s\"", p->name, p->refclass);
		else
			buf_printf(b, "<PROPERTY%s NAME=\"%s\" ",
			    p->is_array ? ".ARRAY" : "", p->name);
		if (origin)
			buf_printf(b, " CLASSORIGIN=\"%s\"", oc->name);
		if (oc != c)
			buf_puts(b, " PROPAGATED=\"true\"");
		if (p->type != CIM_T_REFERENCE)
			buf_printf(b, " TYPE=\"%s\"", cim_type_name(p->type));
		buf_puts(b, ">\n");
		if (quals)
			cimsrv_quals(b, p->quals, p->nquals);
		buf_printf(b, "</PROPERTY%s>\n", p->type == CIM_T_REFERENCE ?
		    ".REFERENCE" : p->is_array ? ".ARRAY" : "");
	}
	for (i = 0; i < c->nmethods; i++) {
		buf_printf(b, "<METHOD NAME=\"%s\" TYPE=\"%s\"",
		    c->methods[i].name, cim_type_name(c->methods[i].type));
		if (origin)
			buf_printf(b, " CLASSORIGIN=\"%s\"", c->name);
		buf_puts(b, ">\n");
		if (quals)
			cimsrv_quals(b, c->methods[i].quals,
			    c->methods[i].nquals);
		for (j = 0; j < c->methods[i].nparams; j++) {
			p = &c->methods[i].params[j];
			if (p->type == CIM_T_REFERENCE)
				buf_printf(b, "<PARAMETER.REFERENCE NAME=\"%s\" "
				    "REFERENCECLASS=\"%s\">\n", p->name,
				    p->refclass);
			else if (p->is_array)
				buf_printf(b, "<PARAMETER.ARRAY NAME=\"%s\" "
				    "TYPE=\"%s\">\n", p->name,
				    cim_type_name(p->type));
			else
				buf_printf(b, "<PARAMETER NAME=\"%s\" "
				    "TYPE=\"%s\">\n", p->name,
				    cim_type_name(p->type));
			if (quals)
				cimsrv_quals(b, p->quals, p->nquals);
			buf_printf(b, "</PARAMETER%s>\n",
			    p->type == CIM_T_REFERENCE ? ".REFERENCE" :
			    p->is_array ? ".ARRAY" : "");
		}
		buf_puts(b, "</METHOD>\n");
	}
	buf_puts(b, "</CLASS>\n");
}

/* Frames a raw response (IRETURNVALUE content, out parameters). */
static void
cimsrv_raw(struct buf *out, const struct cimreq *r, const struct buf *irv,
    const struct cim_property *outp, size_t nout)
{
	struct buf	body;

	buf_init(&body, 0);
	cimxml_encode_raw(&r->call, irv != NULL && irv->len > 0 ?
	    irv->data : NULL, outp, nout, &body);
	cimsrv_frame(out, r, &body, 0, NULL);
	buf_release(&body);
}

/* Does a class a client created derive from base (not being it)? */
static int
cimsrv_user_isa(struct mnode *node, const struct mock_obj *o,
    const char *base)
{
	const struct mof_class	*sc;
	const char		*name = o->super;
	size_t			 hops;

	/* a cycle cannot be made (a superclass must exist first): bounded */
	for (hops = 0; name != NULL && hops <= mnode_classes(node)->n;
	    hops++) {
		if (str_casecmp_ascii(name, base) == 0)
			return (1);
		if ((o = objs_find(mnode_classes(node), name)) == NULL) {
			sc = mof_class_find(mnode_schema(node), name);
			return (sc != NULL &&
			    cimsrv_isa(mnode_schema(node), sc, base));
		}
		name = o->super;
	}
	return (0);
}

/* GetClass, EnumerateClasses, EnumerateClassNames. */
static void
cimsrv_classes(struct mnode *node, struct cimreq *r, struct buf *out,
    int names)
{
	const struct mof_schema	*s = mnode_schema(node);
	const struct mof_class	*base = NULL, *c;
	const char		*cn = cimsrv_ip_text(r, "ClassName");
	const struct mock_objs	*ucs = mnode_classes(node);
	const struct mock_obj	*uc;
	struct buf		 irv;
	int			 deep, lo, iq, ico;
	size_t			 i;

	if (strcmp(r->method, "GetClass") == 0) {
		/* a class a client created: as it was sent, whatever flags */
		if (cn != NULL && mof_class_find(s, cn) == NULL &&
		    (uc = objs_find(mnode_classes(node), cn)) != NULL) {
			buf_init(&irv, 0);
			buf_puts(&irv, uc->xml);
			cimsrv_raw(out, r, &irv, NULL, 0);
			buf_release(&irv);
			return;
		}
		if (cn == NULL || (base = mof_class_find(s, cn)) == NULL) {
			cimsrv_cim_error(out, r, CIM_ERR_NOT_FOUND,
			    cn ? cn : "");
			return;
		}
		buf_init(&irv, 0);
		cimsrv_class_flags(&irv, s, base, r,
		    cimsrv_ip_bool(r, "LocalOnly", 1),
		    cimsrv_ip_bool(r, "IncludeQualifiers", 1),
		    cimsrv_ip_bool(r, "IncludeClassOrigin", 0));
		cimsrv_raw(out, r, &irv, NULL, 0);
		buf_release(&irv);
		return;
	}
	if (cn != NULL && (base = mof_class_find(s, cn)) == NULL &&
	    objs_find(mnode_classes(node), cn) == NULL) {
		cimsrv_cim_error(out, r, CIM_ERR_INVALID_CLASS, cn);
		return;
	}
	deep = cimsrv_ip_bool(r, "DeepInheritance", 0);
	lo = cimsrv_ip_bool(r, "LocalOnly", 1);
	iq = cimsrv_ip_bool(r, "IncludeQualifiers", 1);
	ico = cimsrv_ip_bool(r, "IncludeClassOrigin", 0);
	buf_init(&irv, 0);
	for (i = 0; base != NULL || cn == NULL ? i < s->nclasses : 0; i++) {
		c = &s->classes[i];
		if (deep ? (base != NULL ? c == base ||
		    !cimsrv_isa(s, c, base->name) : 0) :
		    (base != NULL ? c->super == NULL ||
		    str_casecmp_ascii(c->super, base->name) != 0 :
		    c->super != NULL))
			continue;
		if (names)
			buf_printf(&irv, "<CLASSNAME NAME=\"%s\"/>\n", c->name);
		else
			cimsrv_class_flags(&irv, s, c, r, lo, iq, ico);
	}
	/* then the classes clients created, as they were sent */
	for (i = 0; i < ucs->n; i++) {
		uc = &ucs->v[i];
		if (deep ? (cn != NULL && !cimsrv_user_isa(node, uc, cn)) :
		    (cn != NULL ? uc->super == NULL ||
		    str_casecmp_ascii(uc->super, cn) != 0 : uc->super != NULL))
			continue;
		if (names)
			buf_printf(&irv, "<CLASSNAME NAME=\"%s\"/>\n",
			    uc->name);
		else
			buf_printf(&irv, "%s\n", uc->xml);
	}
	cimsrv_raw(out, r, &irv, NULL, 0);
	buf_release(&irv);
}

/* "Win32_Process.Handle=\"9\"": an object path in error texts. */
static void
cimsrv_cpath_text(struct buf *b, const struct cim_path *p)
{
	struct cim_path	*q = cim_path_dup(p);

	free(q->ns);
	q->ns = NULL;
	free(q->host);
	q->host = NULL;
	cim_path_format(q, b);
	cim_path_free(q);
}

static void
cimsrv_path_error(struct buf *out, const struct cimreq *r, int code,
    const struct cim_path *p)
{
	struct buf	t;

	buf_init(&t, 0);
	cimsrv_cpath_text(&t, p);
	cimsrv_cim_error(out, r, code, t.data != NULL ? t.data : "");
	buf_release(&t);
}

/*
 * The instance p names: 0 with *in (a copy, caller frees) and *store
 * (the editable list holding it and *idx, or NULL for the model's).
 */
static int
cimsrv_find(struct mnode *node, const struct cim_path *p,
    struct mock_inst **in, struct inst_list **store, size_t *idx)
{
	const struct mof_class	*c;
	struct inst_list	 l = { 0, NULL }, *ls[2];
	struct cim_path		*ip;
	size_t			 i, k;
	int			 hit;

	*in = NULL;
	*store = NULL;
	if ((c = mof_class_find(mnode_schema(node), p->classname)) == NULL)
		return (-1);
	ls[0] = mnode_created(node);
	ls[1] = mnode_pinned(node);
	for (k = 0; k < 2; k++)
		for (i = 0; i < ls[k]->n; i++) {
			if (ls[k]->v[i]->cls != c)
				continue;
			ip = inst_path(ls[k]->v[i], NULL);
			hit = inst_path_same(ip, p);
			cim_path_free(ip);
			if (hit) {
				*in = inst_dup(ls[k]->v[i]);
				*store = ls[k];
				*idx = i;
				return (0);
			}
		}
	mnode_instances(node, c, &l);
	for (i = 0; i < l.n && *in == NULL; i++) {
		ip = inst_path(l.v[i], NULL);
		if (inst_path_same(ip, p))
			*in = inst_dup(l.v[i]);
		cim_path_free(ip);
	}
	inst_list_clear(&l);
	return (*in != NULL ? 0 : -1);
}

/* The class must exist (INVALID_CLASS) and the instance too (NOT_FOUND). */
static struct mock_inst *
cimsrv_find_or_fail(struct mnode *node, struct cimreq *r,
    const struct cim_path *p, struct buf *out, struct inst_list **store,
    size_t *idx)
{
	struct mock_inst	*in;

	if (mof_class_find(mnode_schema(node), p->classname) == NULL) {
		cimsrv_cim_error(out, r, CIM_ERR_INVALID_CLASS, p->classname);
		return (NULL);
	}
	if (cimsrv_find(node, p, &in, store, idx) == -1) {
		cimsrv_path_error(out, r, CIM_ERR_NOT_FOUND, p);
		return (NULL);
	}
	return (in);
}

static const struct cim_path *
cimsrv_ip_path(const struct cimreq *r, const char *name)
{
	const struct cimxml_iparam	*ip = cimxml_iparam(&r->call, name);

	return (ip != NULL && ip->kind == CIMXML_IP_PATH ? ip->path : NULL);
}

static void
cimsrv_missing(struct buf *out, const struct cimreq *r, const char *what)
{
	cimsrv_cim_error(out, r, CIM_ERR_INVALID_PARAMETER, what);
}

/* Copies ci's properties (those the PropertyList keeps) into in. */
static int
cimsrv_apply(struct cimreq *r, struct mock_inst *in,
    const struct cim_instance *ci, int keys_too, struct buf *out)
{
	const struct mof_prop	*mp;
	size_t			 i, k;

	for (i = 0; i < ci->nprops; i++) {
		if ((mp = mof_prop_find(in->cls, ci->props[i].name)) == NULL) {
			struct buf	 t;

			/* OpenPegasus: 1, not 12, in Create/ModifyInstance */
			if (strcmp(r->method, "SetProperty") == 0) {
				cimsrv_cim_error(out, r,
				    CIM_ERR_NO_SUCH_PROPERTY,
				    ci->props[i].name);
				return (-1);
			}
			buf_init(&t, 0);
			buf_printf(&t, "no such property: %s",
			    ci->props[i].name);
			cimsrv_cim_error(out, r, CIM_ERR_FAILED, t.data);
			buf_release(&t);
			return (-1);
		}
		if ((!keys_too && mof_prop_is_key(mp)) ||
		    !cimsrv_in_list(r, mp->name))
			continue;
		k = (size_t)(mp - in->cls->props);
		mval_clear(&in->props[k].v);
		in->props[k].v.type = mp->type;
		in->props[k].v.is_null = 1;
		mval_copy(&in->props[k].v, &ci->props[i].v);
		in->props[k].v.type = mp->type;
		if (in->absent != NULL)
			in->absent[k] = 0;
	}
	return (0);
}

static void
cimsrv_create(struct mnode *node, struct cimreq *r, struct buf *out)
{
	const struct cimxml_iparam *ip = cimxml_iparam(&r->call, "NewInstance");
	const struct mof_class	*c;
	struct mock_inst	*in, *old;
	struct inst_list	*store;
	struct cim_path		*p;
	struct buf		 irv;
	size_t			 i, idx;

	if (ip == NULL || ip->kind != CIMXML_IP_INSTANCE) {
		cimsrv_missing(out, r, "NewInstance");
		return;
	}
	if ((c = mof_class_find(mnode_schema(node),
	    ip->inst->classname)) == NULL) {
		cimsrv_cim_error(out, r, CIM_ERR_INVALID_CLASS,
		    ip->inst->classname);
		return;
	}
	in = inst_new(c);
	/* what NewInstance leaves out is the class's (PROPAGATED, NULL) */
	in->absent = xcalloc(in->nprops ? in->nprops : 1, 1);
	memset(in->absent, 1, in->nprops);
	if (cimsrv_apply(r, in, ip->inst, 1, out) == -1) {
		inst_free(in);
		return;
	}
	for (i = 0; i < c->nprops; i++)
		if (mof_prop_is_key(&c->props[i]) && in->props[i].v.is_null) {
			inst_free(in);
			cimsrv_missing(out, r, c->props[i].name);
			return;
		}
	p = inst_path(in, NULL);
	if (cimsrv_find(node, p, &old, &store, &idx) == 0) {
		inst_free(old);
		inst_free(in);
		cimsrv_path_error(out, r, CIM_ERR_ALREADY_EXISTS, p);
		cim_path_free(p);
		return;
	}
	inst_list_add(mnode_created(node), in);
	buf_init(&irv, 0);
	cimxml_encode_instancename(p, &irv);
	cimsrv_raw(out, r, &irv, NULL, 0);
	buf_release(&irv);
	cim_path_free(p);
}

/* Drops the editable instance at idx. */
static void
cimsrv_drop(struct inst_list *l, size_t idx)
{
	inst_free(l->v[idx]);
	memmove(&l->v[idx], &l->v[idx + 1], (l->n - idx - 1) *
	    sizeof(*l->v));
	l->n--;
}

/* ModifyInstance, SetProperty, DeleteInstance. */
static void
cimsrv_edit(struct mnode *node, struct cimreq *r, struct buf *out)
{
	const struct cimxml_iparam *ip;
	const struct cim_path	*p = NULL;
	struct cim_instance	*ci = NULL;
	struct cim_property	*np;
	struct mock_inst	*in;
	struct inst_list	*store;
	const struct cim_value	*pid;
	const char		*pn;
	uint64_t		 pidv;
	size_t			 idx, k;
	int			 del = strcmp(r->method, "DeleteInstance") == 0;

	if (strcmp(r->method, "ModifyInstance") == 0) {
		ip = cimxml_iparam(&r->call, "ModifiedInstance");
		if (ip == NULL || ip->kind != CIMXML_IP_INSTANCE ||
		    ip->inst->path == NULL) {
			cimsrv_missing(out, r, "ModifiedInstance");
			return;
		}
		p = ip->inst->path;
	} else if ((p = cimsrv_ip_path(r, "InstanceName")) == NULL) {
		cimsrv_missing(out, r, "InstanceName");
		return;
	}
	if ((in = cimsrv_find_or_fail(node, r, p, out, &store, &idx)) == NULL)
		return;
	if (strcmp(r->method, "SetProperty") == 0) {
		if ((pn = cimsrv_ip_text(r, "PropertyName")) == NULL) {
			cimsrv_missing(out, r, "PropertyName");
			goto done;
		}
		/* NewValue as a one-property instance for cimsrv_apply */
		ip = cimxml_iparam(&r->call, "NewValue");
		ci = cim_instance_new(in->cls->name);
		np = cim_instance_add(ci, pn, CIM_T_STRING, NULL);
		np->v.is_null = 1;
		if (ip != NULL && ip->kind == CIMXML_IP_VALUE) {
			np->v.is_null = 0;
			cim_value_add(&np->v, ip->text);
		} else if (ip != NULL && ip->kind == CIMXML_IP_ARRAY) {
			np->v.is_null = 0;
			np->v.is_array = 1;
			for (k = 0; ip->array[k] != NULL; k++)
				cim_value_add(&np->v, ip->array[k]);
		}
	}
	if (store == NULL) {
		/* the model's: only the streaming process can go (a kill) */
		pid = inst_get(in, "ProcessId");
		if (del && str_casecmp_ascii(in->cls->name,
		    "Win32_Process") == 0 && pid != NULL && !pid->is_null &&
		    pid->nvals > 0 && parse_u64(pid->vals[0], &pidv) == 0 &&
		    pidv == mnode_proc_pid(node) && mnode_kill(node) == 0)
			cimsrv_raw(out, r, NULL, NULL, 0);
		else
			cimsrv_cim_error(out, r, CIM_ERR_NOT_SUPPORTED,
			    r->method);
		goto done;
	}
	if (del)
		cimsrv_drop(store, idx);
	else if (cimsrv_apply(r, store->v[idx], ci != NULL ? ci :
	    cimxml_iparam(&r->call, "ModifiedInstance")->inst, 0, out) == -1)
		goto done;
	cimsrv_raw(out, r, NULL, NULL, 0);
done:
	cim_instance_free(ci);
	inst_free(in);
}

static void
cimsrv_getprop(struct mnode *node, struct cimreq *r, struct buf *out)
{
	const struct cim_path	*p;
	const struct cim_value	*v;
	struct mock_inst	*in;
	struct inst_list	*store;
	const char		*pn;
	struct buf		 irv;
	size_t			 idx;

	if ((p = cimsrv_ip_path(r, "InstanceName")) == NULL ||
	    (pn = cimsrv_ip_text(r, "PropertyName")) == NULL) {
		cimsrv_missing(out, r, p == NULL ? "InstanceName" :
		    "PropertyName");
		return;
	}
	if ((in = cimsrv_find_or_fail(node, r, p, out, &store, &idx)) == NULL)
		return;
	if ((v = inst_get(in, pn)) == NULL) {
		cimsrv_cim_error(out, r, CIM_ERR_NO_SUCH_PROPERTY, pn);
		inst_free(in);
		return;
	}
	buf_init(&irv, 0);
	cimxml_encode_value(v, &irv);
	cimsrv_raw(out, r, &irv, NULL, 0);
	buf_release(&irv);
	inst_free(in);
}

/*
 * The declarations of the qualifiers our schema uses, with the DMTF
 * flavors: flavor is what OpenPegasus writes after TYPE (OVERRIDABLE
 * false for DisableOverride, TOSUBCLASS false for Restricted,
 * TRANSLATABLE true).
 */
static const struct {
	const char	*name, *type, *flavor, *scope, *def;
} cimsrv_qualdecls[] = {
	{ "Abstract", "boolean", " TOSUBCLASS=\"false\"",
	    "<SCOPE CLASS=\"true\" ASSOCIATION=\"true\" "
	    "INDICATION=\"true\"/>", "FALSE" },
	{ "Association", "boolean", " OVERRIDABLE=\"false\"",
	    "<SCOPE ASSOCIATION=\"true\"/>", "FALSE" },
	{ "Description", "string", " TRANSLATABLE=\"true\"",
	    "<SCOPE CLASS=\"true\" ASSOCIATION=\"true\" REFERENCE=\"true\" "
	    "PROPERTY=\"true\" METHOD=\"true\" PARAMETER=\"true\" "
	    "INDICATION=\"true\"/>", NULL },
	{ "EmbeddedInstance", "string", "", "<SCOPE PROPERTY=\"true\" "
	    "METHOD=\"true\" PARAMETER=\"true\"/>", NULL },
	{ "In", "boolean", " OVERRIDABLE=\"false\"",
	    "<SCOPE PARAMETER=\"true\"/>", "TRUE" },
	{ "Key", "boolean", " OVERRIDABLE=\"false\"",
	    "<SCOPE REFERENCE=\"true\" PROPERTY=\"true\"/>", "FALSE" },
	{ "Out", "boolean", " OVERRIDABLE=\"false\"",
	    "<SCOPE PARAMETER=\"true\"/>", "FALSE" },
	{ "Static", "boolean", " OVERRIDABLE=\"false\"",
	    "<SCOPE PROPERTY=\"true\" METHOD=\"true\"/>", "FALSE" },
};

static void
cimsrv_qualdecl(struct buf *b, size_t i)
{
	buf_printf(b, "<QUALIFIER.DECLARATION NAME=\"%s\" TYPE=\"%s\"%s>\n"
	    "%s\n", cimsrv_qualdecls[i].name, cimsrv_qualdecls[i].type,
	    cimsrv_qualdecls[i].flavor, cimsrv_qualdecls[i].scope);
	if (cimsrv_qualdecls[i].def != NULL)
		buf_printf(b, "<VALUE>%s</VALUE>\n", cimsrv_qualdecls[i].def);
	buf_puts(b, "</QUALIFIER.DECLARATION>\n");
}

static void
cimsrv_qualifiers(struct mnode *node, struct cimreq *r, struct buf *out)
{
	const struct mock_objs	*uq = mnode_qualdecls(node);
	const char		*qn = NULL;
	struct buf		 irv;
	size_t			 i;

	if (strcmp(r->method, "GetQualifier") == 0 &&
	    (qn = cimsrv_ip_text(r, "QualifierName")) == NULL) {
		cimsrv_missing(out, r, "QualifierName");
		return;
	}
	buf_init(&irv, 0);
	for (i = 0; i < nitems(cimsrv_qualdecls); i++)
		if (qn == NULL || str_casecmp_ascii(qn,
		    cimsrv_qualdecls[i].name) == 0)
			cimsrv_qualdecl(&irv, i);
	for (i = 0; i < uq->n; i++)
		if (qn == NULL || str_casecmp_ascii(qn, uq->v[i].name) == 0)
			buf_printf(&irv, "%s\n", uq->v[i].xml);
	if (qn != NULL && irv.len == 0)
		cimsrv_cim_error(out, r, CIM_ERR_NOT_FOUND, qn);
	else
		cimsrv_raw(out, r, &irv, NULL, 0);
	buf_release(&irv);
}

/* Is there a class named so, in the schema or added by a client? */
static int
cimsrv_class_exists(struct mnode *node, const char *name)
{
	return (mof_class_find(mnode_schema(node), name) != NULL ||
	    objs_find(mnode_classes(node), name) != NULL);
}

/* Has the class a subclass, in the schema or added by a client? */
static int
cimsrv_class_has_children(struct mnode *node, const char *name)
{
	const struct mof_schema	*s = mnode_schema(node);
	const struct mock_objs	*uc = mnode_classes(node);
	size_t			 i;

	for (i = 0; i < s->nclasses; i++)
		if (s->classes[i].super != NULL &&
		    str_casecmp_ascii(s->classes[i].super, name) == 0)
			return (1);
	for (i = 0; i < uc->n; i++)
		if (uc->v[i].super != NULL &&
		    str_casecmp_ascii(uc->v[i].super, name) == 0)
			return (1);
	return (0);
}

/*
 * CreateClass, ModifyClass, DeleteClass with OpenPegasus's codes.  The
 * schema's classes are read-only here (CIM_ERR_NOT_SUPPORTED, after the
 * checks OpenPegasus makes first); a client's classes are kept as sent
 * and have no instances (CreateInstance needs a schema class).
 */
static void
cimsrv_class_edit(struct mnode *node, struct cimreq *r, struct buf *out)
{
	const struct cimxml_iparam	*ip;
	const struct mof_class		*sc;
	struct mock_objs		*uc = mnode_classes(node);
	struct inst_list		 l = { 0, NULL };
	const char			*cn;
	int				 has;

	if (strcmp(r->method, "DeleteClass") == 0) {
		if ((cn = cimsrv_ip_text(r, "ClassName")) == NULL) {
			cimsrv_missing(out, r, "ClassName");
			return;
		}
		if (!cimsrv_class_exists(node, cn)) {
			cimsrv_cim_error(out, r, CIM_ERR_NOT_FOUND, cn);
			return;
		}
		if (cimsrv_class_has_children(node, cn)) {
			cimsrv_cim_error(out, r, CIM_ERR_CLASS_HAS_CHILDREN,
			    cn);
			return;
		}
		if ((sc = mof_class_find(mnode_schema(node), cn)) != NULL) {
			has = mnode_instances(node, sc, &l) == 0 && l.n > 0;
			inst_list_clear(&l);
			cimsrv_cim_error(out, r, has ?
			    CIM_ERR_CLASS_HAS_INSTANCES :
			    CIM_ERR_NOT_SUPPORTED, cn);
			return;
		}
		(void)objs_del(uc, cn);
		cimsrv_raw(out, r, NULL, NULL, 0);
		return;
	}
	ip = cimxml_iparam(&r->call, strcmp(r->method, "CreateClass") == 0 ?
	    "NewClass" : "ModifiedClass");
	if (ip == NULL || ip->kind != CIMXML_IP_OBJECT || !ip->is_class) {
		cimsrv_missing(out, r, strcmp(r->method, "CreateClass") == 0 ?
		    "NewClass" : "ModifiedClass");
		return;
	}
	if (strcmp(r->method, "CreateClass") == 0 &&
	    cimsrv_class_exists(node, ip->text)) {
		cimsrv_cim_error(out, r, CIM_ERR_ALREADY_EXISTS, ip->text);
		return;
	}
	if (strcmp(r->method, "ModifyClass") == 0 &&
	    !cimsrv_class_exists(node, ip->text)) {
		cimsrv_cim_error(out, r, CIM_ERR_NOT_FOUND, ip->text);
		return;
	}
	if (ip->super != NULL && !cimsrv_class_exists(node, ip->super)) {
		cimsrv_cim_error(out, r, CIM_ERR_INVALID_SUPERCLASS, ip->super);
		return;
	}
	if (mof_class_find(mnode_schema(node), ip->text) != NULL) {
		cimsrv_cim_error(out, r, CIM_ERR_NOT_SUPPORTED, ip->text);
		return;
	}
	objs_put(uc, ip->text, ip->super, ip->xml);
	cimsrv_raw(out, r, NULL, NULL, 0);
}

/*
 * SetQualifier, DeleteQualifier.  As OpenPegasus, a declared qualifier is
 * not changed (CIM_ERR_NOT_SUPPORTED); the built-in declarations cannot
 * be deleted here.
 */
static void
cimsrv_qual_edit(struct mnode *node, struct cimreq *r, struct buf *out)
{
	const struct cimxml_iparam	*ip = NULL;
	struct mock_objs		*uq = mnode_qualdecls(node);
	const char			*qn;
	size_t				 i;
	int				 builtin = 0;

	if (strcmp(r->method, "SetQualifier") == 0) {
		ip = cimxml_iparam(&r->call, "QualifierDeclaration");
		if (ip == NULL || ip->kind != CIMXML_IP_OBJECT ||
		    ip->is_class) {
			cimsrv_missing(out, r, "QualifierDeclaration");
			return;
		}
		qn = ip->text;
	} else if ((qn = cimsrv_ip_text(r, "QualifierName")) == NULL) {
		cimsrv_missing(out, r, "QualifierName");
		return;
	}
	for (i = 0; i < nitems(cimsrv_qualdecls); i++)
		if (str_casecmp_ascii(qn, cimsrv_qualdecls[i].name) == 0)
			builtin = 1;
	if (strcmp(r->method, "SetQualifier") == 0) {
		if (ip == NULL || builtin || objs_find(uq, qn) != NULL) {
			cimsrv_cim_error(out, r, CIM_ERR_NOT_SUPPORTED, qn);
			return;
		}
		objs_put(uq, qn, NULL, ip->xml);
	} else if (objs_del(uq, qn) == -1) {
		cimsrv_cim_error(out, r, builtin ? CIM_ERR_NOT_SUPPORTED :
		    CIM_ERR_NOT_FOUND, qn);
		return;
	}
	cimsrv_raw(out, r, NULL, NULL, 0);
}

/*
 * Association traversal from the instance p: every instance of an
 * association class (AssocClass) with a reference (Role) to p; refs
 * gives the association instances, else the objects its other
 * references (ResultRole) name (ResultClass).
 */
static int
cimsrv_walk(struct mnode *node, struct cimreq *r, const struct cim_path *p,
    int refs, struct inst_list *res, struct buf *out)
{
	const struct mof_schema	*s = mnode_schema(node);
	const struct mof_class	*ac;
	const char		*assoc = cimsrv_ip_text(r, "AssocClass");
	const char		*rclass = cimsrv_ip_text(r, "ResultClass");
	const char		*role = cimsrv_ip_text(r, "Role");
	const char		*rrole = cimsrv_ip_text(r, "ResultRole");
	struct inst_list	 l;
	struct mock_inst	*in;
	struct inst_list	*store;
	struct cim_path		*tp;
	const struct cim_value	*v;
	size_t			 i, j, k, m, idx;
	int			 hit;

	if (mof_class_find(s, p->classname) == NULL ||
	    (assoc != NULL && mof_class_find(s, assoc) == NULL) ||
	    (rclass != NULL && mof_class_find(s, rclass) == NULL)) {
		cimsrv_cim_error(out, r, CIM_ERR_INVALID_PARAMETER,
		    mof_class_find(s, p->classname) == NULL ? p->classname :
		    assoc != NULL && mof_class_find(s, assoc) == NULL ?
		    assoc : rclass);
		return (-1);
	}
	for (i = 0; i < s->nclasses; i++) {
		ac = &s->classes[i];
		if (!mof_qual_true(ac->quals, ac->nquals, "Association") ||
		    (assoc != NULL && !cimsrv_isa(s, ac, assoc)))
			continue;
		memset(&l, 0, sizeof(l));
		mnode_instances(node, ac, &l);
		for (j = 0; j < l.n; j++) {
			for (k = 0; k < ac->nprops; k++) {
				if (ac->props[k].type != CIM_T_REFERENCE ||
				    (role != NULL && str_casecmp_ascii(role,
				    ac->props[k].name) != 0))
					continue;
				v = &l.v[j]->props[k].v;
				if (v->is_null || v->nvals == 0)
					continue;
				tp = cim_path_new(NULL, NULL);
				hit = cim_path_parse(v->vals[0], tp) == 0 &&
				    inst_path_same(tp, p);
				cim_path_free(tp);
				if (!hit)
					continue;
				if (refs) {
					if (rclass == NULL || cimsrv_isa(s, ac,
					    rclass))
						inst_list_add(res,
						    inst_dup(l.v[j]));
					break;
				}
				for (m = 0; m < ac->nprops; m++) {
					if (m == k || ac->props[m].type !=
					    CIM_T_REFERENCE || (rrole != NULL &&
					    str_casecmp_ascii(rrole,
					    ac->props[m].name) != 0))
						continue;
					v = &l.v[j]->props[m].v;
					if (v->is_null || v->nvals == 0)
						continue;
					tp = cim_path_new(NULL, NULL);
					if (cim_path_parse(v->vals[0],
					    tp) == 0 && cimsrv_find(node, tp,
					    &in, &store, &idx) == 0) {
						if (rclass == NULL ||
						    cimsrv_isa(s, in->cls,
						    rclass))
							inst_list_add(res, in);
						else
							inst_free(in);
					}
					cim_path_free(tp);
				}
				break;
			}
		}
		inst_list_clear(&l);
	}
	return (0);
}

/* An instance with its path, as the association and pull results carry it. */
static void
cimsrv_objwithpath(struct buf *b, const struct mof_schema *s,
    const struct cimreq *r, const struct mock_inst *in, const char *host,
    const char *wrap, const char *ns)
{
	struct cim_path	*p = cimsrv_inst_path(r, in, host);

	buf_printf(b, "<%s>\n", wrap);
	cimxml_encode_instancepath(p, ns, b);
	cimsrv_instance(b, s, r, in);
	buf_printf(b, "</%s>\n", wrap);
	cim_path_free(p);
}

static void
cimsrv_objpath(struct buf *b, const struct cimreq *r,
    const struct mock_inst *in, const char *host, int wrap)
{
	struct cim_path	*p = inst_path(in, r->ns);

	p->host = xstrdup(host);
	if (wrap)
		buf_puts(b, "<OBJECTPATH>\n");
	cimxml_encode_instancepath(p, r->ns, b);
	if (wrap)
		buf_puts(b, "</OBJECTPATH>\n");
	cim_path_free(p);
}

/* A class's path in a class-level association result. */
static void
cimsrv_classpath(struct buf *b, const struct cimreq *r, const char *host,
    const char *name)
{
	const char	*p, *e;

	buf_puts(b, "<CLASSPATH>\n<NAMESPACEPATH>\n<HOST>");
	buf_xml_escape(b, host);
	buf_puts(b, "</HOST>\n<LOCALNAMESPACEPATH>\n");
	for (p = r->ns; *p != '\0'; p = *e ? e + 1 : e) {
		if ((e = strchr(p, '/')) == NULL)
			e = p + strlen(p);
		if (e > p)
			buf_printf(b, "<NAMESPACE NAME=\"%.*s\"/>\n",
			    (int)(e - p), p);
	}
	buf_printf(b, "</LOCALNAMESPACEPATH>\n</NAMESPACEPATH>\n"
	    "<CLASSNAME NAME=\"%s\"/>\n</CLASSPATH>\n", name);
}

/*
 * Class-level traversal from class cn: the association classes with a
 * reference (Role) to cn or a superclass of it, or the classes their
 * other references (ResultRole) name; AssocClass and ResultClass filter.
 */
static void
cimsrv_class_assoc(struct mnode *node, struct cimreq *r, const char *cn,
    int refs, int names, struct buf *out)
{
	const struct mof_schema	*s = mnode_schema(node);
	const struct mof_class	*c, *ac, *rc, *seen[64];
	const char		*assoc = cimsrv_ip_text(r, "AssocClass");
	const char		*rclass = cimsrv_ip_text(r, "ResultClass");
	const char		*role = cimsrv_ip_text(r, "Role");
	const char		*rrole = cimsrv_ip_text(r, "ResultRole");
	const char		*host = mnode_conf(node)->host;
	struct buf		 irv;
	size_t			 i, k, m, j, nseen = 0;

	if ((c = mof_class_find(s, cn)) == NULL ||
	    (assoc != NULL && mof_class_find(s, assoc) == NULL) ||
	    (rclass != NULL && mof_class_find(s, rclass) == NULL)) {
		cimsrv_cim_error(out, r, CIM_ERR_INVALID_PARAMETER,
		    c == NULL ? cn : assoc != NULL &&
		    mof_class_find(s, assoc) == NULL ? assoc : rclass);
		return;
	}
	buf_init(&irv, 0);
	for (i = 0; i < s->nclasses; i++) {
		ac = &s->classes[i];
		if (!mof_qual_true(ac->quals, ac->nquals, "Association") ||
		    (assoc != NULL && !cimsrv_isa(s, ac, assoc)))
			continue;
		for (k = 0; k < ac->nprops; k++) {
			if (ac->props[k].type != CIM_T_REFERENCE ||
			    ac->props[k].refclass == NULL ||
			    !cimsrv_isa(s, c, ac->props[k].refclass) ||
			    (role != NULL && str_casecmp_ascii(role,
			    ac->props[k].name) != 0))
				continue;
			for (m = 0; !refs && m < ac->nprops; m++) {
				if (m == k || ac->props[m].type !=
				    CIM_T_REFERENCE || (rrole != NULL &&
				    str_casecmp_ascii(rrole,
				    ac->props[m].name) != 0) ||
				    (rc = mof_class_find(s,
				    ac->props[m].refclass)) == NULL ||
				    (rclass != NULL && !cimsrv_isa(s, rc,
				    rclass)))
					continue;
				for (j = 0; j < nseen && seen[j] != rc; j++)
					;
				if (j < nseen || nseen == nitems(seen))
					continue;
				seen[nseen++] = rc;
			}
			if (refs && (rclass == NULL || cimsrv_isa(s, ac,
			    rclass))) {
				for (j = 0; j < nseen && seen[j] != ac; j++)
					;
				if (j == nseen && nseen < nitems(seen))
					seen[nseen++] = ac;
			}
			break;
		}
	}
	for (j = 0; j < nseen; j++) {
		if (names) {
			buf_puts(&irv, "<OBJECTPATH>\n");
			cimsrv_classpath(&irv, r, host, seen[j]->name);
			buf_puts(&irv, "</OBJECTPATH>\n");
		} else {
			buf_puts(&irv, "<VALUE.OBJECTWITHPATH>\n");
			cimsrv_classpath(&irv, r, host, seen[j]->name);
			cimsrv_class_flags(&irv, s, seen[j], r, 0,
			    cimsrv_ip_bool(r, "IncludeQualifiers", 0),
			    cimsrv_ip_bool(r, "IncludeClassOrigin", 0));
			buf_puts(&irv, "</VALUE.OBJECTWITHPATH>\n");
		}
	}
	cimsrv_raw(out, r, &irv, NULL, 0);
	buf_release(&irv);
}

static void
cimsrv_assoc(struct mnode *node, struct cimreq *r, struct buf *out)
{
	const struct cimxml_iparam *ip = cimxml_iparam(&r->call, "ObjectName");
	const char		*host = mnode_conf(node)->host;
	struct inst_list	 res = { 0, NULL };
	struct buf		 irv;
	int			 refs, names;
	size_t			 i;

	refs = strncmp(r->method, "Reference", 9) == 0;
	names = strstr(r->method, "Names") != NULL;
	if (ip == NULL || (ip->kind != CIMXML_IP_PATH &&
	    ip->kind != CIMXML_IP_CLASSNAME)) {
		cimsrv_missing(out, r, "ObjectName");
		return;
	}
	if (ip->kind == CIMXML_IP_CLASSNAME) {
		cimsrv_class_assoc(node, r, ip->text, refs, names, out);
		return;
	}
	if (cimsrv_walk(node, r, ip->path, refs, &res, out) == -1)
		return;
	buf_init(&irv, 0);
	for (i = 0; i < res.n; i++) {
		if (names)
			cimsrv_objpath(&irv, r, res.v[i], host, 1);
		else
			cimsrv_objwithpath(&irv, mnode_schema(node), r,
			    res.v[i], host, "VALUE.OBJECTWITHPATH", r->ns);
	}
	cimsrv_raw(out, r, &irv, NULL, 0);
	buf_release(&irv);
	inst_list_clear(&res);
}

/* ---- pull operations: enumeration contexts that expire ------------------- */
#define CIMSRV_MAX_CTX		64	/* per node, as a server limit */
#define CIMSRV_DEF_TIMEOUT	30	/* s, OpenPegasus's default */
#define CIMSRV_MAX_TIMEOUT	90	/* s */
#define CIMSRV_MAX_OBJECTS	10000
#define CIM_ERR_INVALID_ENUMERATION_CONTEXT	21
#define CIM_ERR_INVALID_OPERATION_TIMEOUT	22
#define CIM_ERR_SERVER_LIMITS_EXCEEDED		27

enum ctx_kind { CTX_WITHPATH = 0, CTX_PATHS, CTX_INSTANCES };
struct cimctx {
	struct mnode	*node;		/* NULL: free slot */
	unsigned	 id;
	enum ctx_kind	 kind;
	char		**items;	/* rendered XML, one per object */
	size_t		 n, pos;
	unsigned	 timeout_ms;
	uint64_t	 deadline;	/* monotonic */
};
static struct cimctx	cimsrv_ctx[CIMSRV_MAX_CTX * 4];
static unsigned		cimsrv_ctx_seq = 500000;

static void
cimctx_free(struct cimctx *x)
{
	size_t	i;

	for (i = 0; i < x->n; i++)
		free(x->items[i]);
	free(x->items);
	memset(x, 0, sizeof(*x));
}

void
cimsrv_node_gone(struct mnode *node)
{
	size_t	i;

	for (i = 0; i < nitems(cimsrv_ctx); i++)
		if (cimsrv_ctx[i].node == node)
			cimctx_free(&cimsrv_ctx[i]);
}

/* Drops expired contexts; returns how many node still holds. */
static size_t
cimctx_sweep(struct mnode *node, uint64_t now)
{
	size_t	i, n = 0;

	for (i = 0; i < nitems(cimsrv_ctx); i++) {
		if (cimsrv_ctx[i].node == NULL)
			continue;
		if (now >= cimsrv_ctx[i].deadline)
			cimctx_free(&cimsrv_ctx[i]);
		else if (cimsrv_ctx[i].node == node)
			n++;
	}
	return (n);
}

/* Writes up to max items and the EndOfSequence/EnumerationContext pair. */
static void
cimctx_page(struct cimctx *x, struct cimreq *r, uint32_t max, struct buf *out,
    uint64_t now)
{
	struct cim_property	 o[2];
	struct buf		 irv;
	char			 id[16];
	int			 end;

	buf_init(&irv, 0);
	while (max > 0 && x->pos < x->n) {
		buf_puts(&irv, x->items[x->pos++]);
		max--;
	}
	end = x->pos >= x->n;
	/* as OpenPegasus: no PARAMTYPE, an empty context at the end */
	memset(o, 0, sizeof(o));
	o[0].name = "EndOfSequence";
	cim_value_init(&o[0].v, CIM_T_NONE);
	cim_value_add(&o[0].v, end ? "TRUE" : "FALSE");
	o[1].name = "EnumerationContext";
	cim_value_init(&o[1].v, CIM_T_NONE);
	snprintf(id, sizeof(id), "%u", x->id);
	cim_value_add(&o[1].v, end ? "" : id);
	cimsrv_raw(out, r, &irv, o, 2);
	cim_value_clear(&o[0].v);
	cim_value_clear(&o[1].v);
	buf_release(&irv);
	if (end)
		cimctx_free(x);
	else
		x->deadline = now + x->timeout_ms;
}

/* The request's EnumerationContext of this node, or 21 in out. */
static struct cimctx *
cimctx_find(struct mnode *node, struct cimreq *r, struct buf *out)
{
	char	id[32], want[16];
	size_t	i;
	int	rc;

	cimctx_sweep(node, mono_ms());
	rc = cimsrv_ip_trimmed(r, "EnumerationContext", id, sizeof(id));
	for (i = 0; rc == 1 && i < nitems(cimsrv_ctx); i++) {
		if (cimsrv_ctx[i].node != node)
			continue;
		snprintf(want, sizeof(want), "%u", cimsrv_ctx[i].id);
		if (strcmp(id, want) == 0)
			return (&cimsrv_ctx[i]);
	}
	/* OpenPegasus's words (its dispatcher) */
	cimsrv_cim_error(out, r, CIM_ERR_INVALID_ENUMERATION_CONTEXT,
	    "Context undefined");
	return (NULL);
}

static void
cimsrv_pull(struct mnode *node, struct cimreq *r, struct buf *out)
{
	struct cimctx	*x;
	uint32_t	 max = 0;
	int		 rc;
	enum ctx_kind	 want;

	if (strcmp(r->method, "EnumerationCount") == 0) {
		cimsrv_cim_error(out, r, CIM_ERR_NOT_SUPPORTED, r->method);
		return;
	}
	if ((x = cimctx_find(node, r, out)) == NULL)
		return;
	if (strcmp(r->method, "CloseEnumeration") == 0) {
		cimctx_free(x);
		cimsrv_raw(out, r, NULL, NULL, 0);
		return;
	}
	want = strcmp(r->method, "PullInstancePaths") == 0 ? CTX_PATHS :
	    strcmp(r->method, "PullInstances") == 0 ? CTX_INSTANCES :
	    CTX_WITHPATH;
	if (want != x->kind) {
		cimsrv_cim_error(out, r, CIM_ERR_FAILED,
		    "Pull and Open Types do not match.");
		return;
	}
	if ((rc = cimsrv_ip_u32(r, "MaxObjectCount", &max)) != 1 ||
	    max > CIMSRV_MAX_OBJECTS) {
		cimsrv_cim_error(out, r, CIM_ERR_INVALID_PARAMETER, rc != 1 ?
		    "NULL maxObjectCount parameter is required" :
		    "maxObjectCount parameter is outside OpenPegasus size "
		    "limit");
		return;
	}
	cimctx_page(x, r, max, out, mono_ms());
}


static void
cimsrv_open(struct mnode *node, struct cimreq *r, struct buf *out)
{
	const struct mnode_conf	*nc = mnode_conf(node);
	const struct mof_class	*c;
	const struct cim_path	*p;
	const char		*m = r->method + 4;	/* after "Open" */
	struct inst_list	 l = { 0, NULL };
	struct cimctx		*x = NULL;
	struct buf		 item;
	uint32_t		 max = 0, tmo = CIMSRV_DEF_TIMEOUT;
	uint64_t		 now = mono_ms();
	size_t			 i;
	int			 rc;
	enum ctx_kind		 kind;

	kind = strstr(m, "Paths") != NULL ? CTX_PATHS :
	    strcmp(m, "QueryInstances") == 0 ? CTX_INSTANCES : CTX_WITHPATH;
	if ((rc = cimsrv_ip_u32(r, "MaxObjectCount", &max)) == -1 ||
	    max > CIMSRV_MAX_OBJECTS) {
		cimsrv_cim_error(out, r, CIM_ERR_INVALID_PARAMETER,
		    "maxObjectCount parameter is outside OpenPegasus size "
		    "limit");
		return;
	}
	if ((rc = cimsrv_ip_u32(r, "OperationTimeout", &tmo)) == -1 ||
	    (rc == 1 && (tmo == 0 || tmo > CIMSRV_MAX_TIMEOUT))) {
		cimsrv_cim_error(out, r, CIM_ERR_INVALID_OPERATION_TIMEOUT,
		    rc == 1 && tmo == 0 ? "Operation Timeout value of 0 not "
		    "allowed" : "Operation Timeout too large.");
		return;
	}
	if (cimsrv_ip_bool(r, "ContinueOnError", 0)) {
		/* OpenPegasus's own wetest 61005 */
		cimsrv_cim_error(out, r, CIM_ERR_NOT_SUPPORTED,
		    "ContinueOnError = true argument not supported.");
		return;
	}
	if (kind != CTX_INSTANCES && (cimsrv_ip_text(r, "FilterQuery") ||
	    cimsrv_ip_text(r, "FilterQueryLanguage"))) {
		cimsrv_cim_error(out, r, CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED,
		    cimsrv_ip_text(r, "FilterQueryLanguage") ?
		    cimsrv_ip_text(r, "FilterQueryLanguage") : "");
		return;
	}
	if (strncmp(m, "EnumerateInstance", 17) == 0) {
		if (r->classname == NULL || (c = mof_class_find(
		    mnode_schema(node), r->classname)) == NULL) {
			cimsrv_cim_error(out, r, CIM_ERR_INVALID_CLASS,
			    r->classname ? r->classname : "");
			return;
		}
		mnode_instances(node, c, &l);
	} else if (kind == CTX_INSTANCES) {
		if (cimsrv_query_run(node, r,
		    cimsrv_ip_text(r, "FilterQuery"),
		    cimsrv_ip_text(r, "FilterQueryLanguage"), &l, out) == -1)
			return;
	} else {
		if ((p = cimsrv_ip_path(r, "InstanceName")) == NULL) {
			cimsrv_missing(out, r, "InstanceName");
			return;
		}
		if (p->nkeys == 0) {
			cimsrv_cim_error(out, r, CIM_ERR_INVALID_PARAMETER,
			    "Full Model Path required.");
			return;
		}
		if (cimsrv_walk(node, r, p, strncmp(m, "Reference", 9) == 0,
		    &l, out) == -1)
			return;
	}
	if (cimctx_sweep(node, now) >= CIMSRV_MAX_CTX) {
		cimsrv_cim_error(out, r, CIM_ERR_SERVER_LIMITS_EXCEEDED,
		    "too many open enumeration contexts");
		inst_list_clear(&l);
		return;
	}
	for (i = 0; i < nitems(cimsrv_ctx) && x == NULL; i++)
		if (cimsrv_ctx[i].node == NULL)
			x = &cimsrv_ctx[i];
	if (x == NULL) {
		cimsrv_cim_error(out, r, CIM_ERR_SERVER_LIMITS_EXCEEDED,
		    "too many open enumeration contexts");
		inst_list_clear(&l);
		return;
	}
	x->node = node;
	x->id = ++cimsrv_ctx_seq;
	x->kind = kind;
	x->timeout_ms = tmo * 1000u;
	x->items = xcalloc(l.n > 0 ? l.n : 1, sizeof(char *));
	for (i = 0; i < l.n; i++) {
		buf_init(&item, 0);
		if (kind == CTX_PATHS)
			cimsrv_objpath(&item, r, l.v[i], nc->host, 0);
		else if (kind == CTX_WITHPATH)
			cimsrv_objwithpath(&item, mnode_schema(node), r,
			    l.v[i], nc->host, "VALUE.INSTANCEWITHPATH", r->ns);
		else
			cimsrv_instance(&item, mnode_schema(node), r, l.v[i]);
		x->items[x->n++] = buf_steal(&item, NULL);
	}
	inst_list_clear(&l);
	cimctx_page(x, r, max, out, now);
}

/* Serves the operations beyond the five the mock began with; 0 if one. */
static int
cimsrv_more(struct mnode *node, struct cimreq *r, struct buf *out)
{
	const char	*m = r->method;

	if (strcmp(m, "GetClass") == 0 || strcmp(m, "EnumerateClasses") == 0)
		cimsrv_classes(node, r, out, 0);
	else if (strcmp(m, "EnumerateClassNames") == 0)
		cimsrv_classes(node, r, out, 1);
	else if (strcmp(m, "Associators") == 0 ||
	    strcmp(m, "AssociatorNames") == 0 ||
	    strcmp(m, "References") == 0 || strcmp(m, "ReferenceNames") == 0)
		cimsrv_assoc(node, r, out);
	else if (strcmp(m, "CreateInstance") == 0)
		cimsrv_create(node, r, out);
	else if (strcmp(m, "ModifyInstance") == 0 ||
	    strcmp(m, "DeleteInstance") == 0 || strcmp(m, "SetProperty") == 0)
		cimsrv_edit(node, r, out);
	else if (strcmp(m, "GetProperty") == 0)
		cimsrv_getprop(node, r, out);
	else if (strcmp(m, "EnumerateQualifiers") == 0 ||
	    strcmp(m, "GetQualifier") == 0)
		cimsrv_qualifiers(node, r, out);
	else if (strcmp(m, "CreateClass") == 0 ||
	    strcmp(m, "ModifyClass") == 0 || strcmp(m, "DeleteClass") == 0)
		cimsrv_class_edit(node, r, out);
	else if (strcmp(m, "SetQualifier") == 0 ||
	    strcmp(m, "DeleteQualifier") == 0)
		cimsrv_qual_edit(node, r, out);
	else if (strcmp(m, "OpenEnumerateInstances") == 0 ||
	    strcmp(m, "OpenEnumerateInstancePaths") == 0 ||
	    strcmp(m, "OpenQueryInstances") == 0 ||
	    strcmp(m, "OpenAssociatorInstances") == 0 ||
	    strcmp(m, "OpenAssociatorInstancePaths") == 0 ||
	    strcmp(m, "OpenReferenceInstances") == 0 ||
	    strcmp(m, "OpenReferenceInstancePaths") == 0)
		cimsrv_open(node, r, out);
	else if (strcmp(m, "PullInstancesWithPath") == 0 ||
	    strcmp(m, "PullInstancePaths") == 0 ||
	    strcmp(m, "PullInstances") == 0 ||
	    strcmp(m, "CloseEnumeration") == 0 ||
	    strcmp(m, "EnumerationCount") == 0)
		cimsrv_pull(node, r, out);
	else
		return (-1);
	return (0);
}

static void
cimsrv_intrinsic(struct mnode *node, struct cimreq *r, struct buf *out)
{
	const struct mof_class	*c;
	struct inst_list	 l = { 0, NULL };
	struct buf		 path, irv;
	size_t			 i;
	enum { OP_EI, OP_EIN, OP_GI } op;

	if (strcmp(r->method, "ExecQuery") == 0) {
		cimsrv_query(node, r, out);
		return;
	}
	if (strcmp(r->method, "EnumerateInstances") == 0)
		op = OP_EI;
	else if (strcmp(r->method, "EnumerateInstanceNames") == 0)
		op = OP_EIN;
	else if (strcmp(r->method, "GetInstance") == 0)
		op = OP_GI;
	else if (cimsrv_more(node, r, out) == 0)
		return;
	else {
		buf_init(&path, 0);
		buf_printf(&path, "Unrecognized intrinsic method: %s",
		    r->method);
		cimsrv_cim_error(out, r, CIM_ERR_NOT_SUPPORTED, path.data);
		buf_release(&path);
		return;
	}
	if (r->classname == NULL ||
	    (c = mof_class_find(mnode_schema(node), r->classname)) == NULL) {
		cimsrv_cim_error(out, r, CIM_ERR_INVALID_CLASS,
		    r->classname ? r->classname : "");
		return;
	}
	mnode_instances(node, c, &l);
	buf_init(&irv, 0);
	for (i = 0; i < l.n; i++) {
		struct cim_path	*p;

		if (op == OP_GI && !cimsrv_key_match(r, l.v[i]))
			continue;
		p = cimsrv_inst_path(r, l.v[i], NULL);
		if (op == OP_EIN)
			cimxml_encode_instancename(p, &irv);
		else if (op == OP_EI) {
			buf_puts(&irv, "<VALUE.NAMEDINSTANCE>\n");
			cimxml_encode_instancename(p, &irv);
			cimsrv_instance(&irv, mnode_schema(node), r, l.v[i]);
			buf_puts(&irv, "</VALUE.NAMEDINSTANCE>\n");
		} else
			cimsrv_instance(&irv, mnode_schema(node), r, l.v[i]);
		cim_path_free(p);
		if (op == OP_GI)
			break;
	}
	if (op == OP_GI && i == l.n) {
		buf_init(&path, 0);
		cimsrv_path_text(&path, r);
		cimsrv_cim_error(out, r, CIM_ERR_NOT_FOUND, path.data);
		buf_release(&path);
	} else
		cimsrv_raw(out, r, &irv, NULL, 0);
	buf_release(&irv);
	inst_list_clear(&l);
}

static const struct cim_value *
cimsrv_param(const struct cimreq *r, const char *name)
{
	size_t	i;

	for (i = 0; i < r->nparams; i++)
		if (str_casecmp_ascii(r->params[i].name, name) == 0)
			return (&r->params[i].v);
	return (NULL);
}

static void
cimsrv_extrinsic(struct mnode *node, struct cimreq *r, struct buf *out)
{
	const struct mof_class	*c;
	const struct mof_method	*m;
	const struct cim_value	*v;
	struct wbem_result	*res;
	char			 text[32];
	uint32_t		 rc, pid = 0;
	int			 svc;

	if ((c = mof_class_find(mnode_schema(node), r->classname)) == NULL) {
		cimsrv_cim_error(out, r, CIM_ERR_NOT_FOUND, r->classname);
		return;
	}
	/* a bare node is OpenPegasus before its method provider is registered */
	m = mnode_conf(node)->no_model ? NULL : mof_method_find(c, r->method);
	if (m != NULL && str_casecmp_ascii(c->name, "Win32_Process") == 0 &&
	    str_casecmp_ascii(m->name, "Create") == 0) {
		v = cimsrv_param(r, "CommandLine");
		rc = mnode_create(node, v && !v->is_null && v->nvals ?
		    v->vals[0] : NULL, &pid);
		/* Tests check which command line a head-end sent. */
		log_info("%s: Win32_Process.Create CommandLine=[%s]: %u",
		    mnode_name(node), v && !v->is_null && v->nvals ?
		    v->vals[0] : "(null)", rc);
	} else if (m != NULL && str_casecmp_ascii(c->name,
	    "Win32_Service") == 0 && str_casecmp_ascii(m->name,
	    "StartService") == 0) {
		svc = mnode_start_service(node, r->nkeys == 1 ?
		    r->keys[0].value : "");
		if (svc < 0) {
			struct buf	path;

			buf_init(&path, 0);
			cimsrv_path_text(&path, r);
			cimsrv_cim_error(out, r, CIM_ERR_NOT_FOUND, path.data);
			buf_release(&path);
			return;
		}
		rc = (uint32_t)svc;
	} else {
		cimsrv_cim_error(out, r, CIM_ERR_METHOD_NOT_AVAILABLE,
		    r->method);
		return;
	}
	res = wbem_result_new(WBEM_R_METHOD);
	snprintf(text, sizeof(text), "%u", rc);
	cim_value_init(&res->method.ret, CIM_T_UINT32);
	cim_value_add(&res->method.ret, text);
	if (rc == 0 && pid != 0) {
		res->method.out = xcalloc(1, sizeof(*res->method.out));
		res->method.out[0].name = xstrdup("ProcessId");
		cim_value_init(&res->method.out[0].v, CIM_T_UINT32);
		snprintf(text, sizeof(text), "%u", pid);
		cim_value_add(&res->method.out[0].v, text);
		res->method.nout = 1;
	}
	cimsrv_result(out, r, res);
	wbem_result_free(res);
}

/* Basic auth: 0 ok, else the reply is in out (*close for a 400). */
static int
cimsrv_auth(const struct mnode_conf *nc, const struct httpd_req *hr,
    struct buf *out, int *close)
{
	const char	*h;
	unsigned char	 dec[512];
	char		 want[512];
	size_t		 len;
	int		 n;

	if (nc->user == NULL)
		return (0);
	if ((h = httpd_header(hr, "Authorization")) == NULL ||
	    strncasecmp(h, "Basic ", 6) != 0) {
		cimsrv_401(out, nc);
		return (-1);
	}
	h += 6;
	while (*h == ' ')
		h++;
	len = strlen(h);
	if (len == 0 || len % 4 != 0 || len > 680 ||
	    strspn(h, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789+/=") != len ||
	    (n = EVP_DecodeBlock(dec, (const unsigned char *)h,
	    (int)len)) < 0) {
		cimsrv_http_error(out, 400, NULL,
		    "Malformed Basic credentials: not valid base64");
		*close = 1;
		return (-1);
	}
	while (len > 0 && h[len - 1] == '=') {
		len--;
		n--;
	}
	dec[n] = '\0';
	snprintf(want, sizeof(want), "%s:%s", nc->user, nc->password ?
	    nc->password : "");
	if ((size_t)n != strlen(want) || memcmp(dec, want, (size_t)n) != 0) {
		log_debug("%s: authentication failed", nc->name);
		cimsrv_401(out, nc);
		return (-1);
	}
	return (0);
}

/* The err-get capture: 404 with a Date header missing its CRLF, then close. */
static void
cimsrv_not_post(struct buf *out)
{
	char		 date[64];
	time_t		 now = time(NULL);
	struct tm	 tm;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	buf_printf(out, "HTTP/1.1 404 Not Found\r\nDate: %s"
	    "Content-Type: text/html;charset=UTF-8\r\n\r\n\r\n"
	    "<html><head><title>Error</title></head><body><br/>"
	    "<h1>Not Found</h1></body></html>\r\n", date);
}

/*
 * The whole exchange for one request, fault-free: out gets the reply
 * bytes; *keep says whether the connection stays.
 */
static void
cimsrv_reply(struct mnode *node, const struct httpd_req *hr, struct buf *out,
    int *keep, const struct fault *f)
{
	const struct mnode_conf	*nc = mnode_conf(node);
	struct cimreq		 r;
	const char		*h, *te;
	char			 name[64], detail[512];
	int			 close = 0;

	memset(&r, 0, sizeof(r));
	*keep = hr->keepalive;
	if (strcmp(hr->method, "POST") != 0 &&
	    strcmp(hr->method, "M-POST") != 0) {
		cimsrv_not_post(out);
		*keep = 0;
		return;
	}
	if (cimsrv_auth(nc, hr, out, &close) == -1) {
		if (close)
			*keep = 0;
		return;
	}
	if (strcmp(hr->method, "M-POST") == 0) {
		/* the ns=NN of Man prefixes the CIM headers; we answer ns=75 */
		if ((h = httpd_header(hr, "Man")) == NULL ||
		    (h = strstr(h, "ns=")) == NULL) {
			cimsrv_http_error(out, 400, NULL, NULL);
			return;
		}
		snprintf(name, sizeof(name), "%.2s-CIMOperation", h + 3);
		strlcpy(r.mprefix, "75-", sizeof(r.mprefix));
	} else
		strlcpy(name, "CIMOperation", sizeof(name));
	if ((h = httpd_header(hr, name)) == NULL) {
		cimsrv_http_error(out, 400, NULL, NULL);
		return;
	}
	if (str_casecmp_ascii(h, "MethodCall") != 0) {
		snprintf(detail, sizeof(detail),
		    "CIMOperation value \"%s\" is not supported.", h);
		cimsrv_http_error(out, 400, "unsupported-operation", detail);
		return;
	}
	name[strlen(name) - strlen("CIMOperation")] = '\0';
	if ((h = httpd_header(hr, "Content-Type")) != NULL &&
	    strncasecmp(h, "application/xml", 15) != 0 &&
	    strncasecmp(h, "text/xml", 8) != 0) {
		cimsrv_http_error(out, 400, NULL,
		    "HTTP Content-Type header error.");
		return;
	}
	{
		char	hm[80], ho[80], hp[80];
		const char *vm, *vo;

		snprintf(hm, sizeof(hm), "%sCIMMethod", name);
		snprintf(ho, sizeof(ho), "%sCIMObject", name);
		snprintf(hp, sizeof(hp), "%sCIMProtocolVersion", name);
		if ((vm = httpd_header(hr, hm)) == NULL) {
			cimsrv_http_error(out, 400, "header-mismatch",
			    "Missing CIMMethod HTTP header.");
			return;
		}
		if ((vo = httpd_header(hr, ho)) == NULL) {
			cimsrv_http_error(out, 400, "header-mismatch",
			    "Missing CIMObject HTTP header.");
			return;
		}
		if (name[0] != '\0')
			strlcpy(r.mprefix, "75-", sizeof(r.mprefix));
		if (cimsrv_decode(hr, vm, vo, httpd_header(hr, hp), &r,
		    out) == -1)
			goto done;
	}
	te = httpd_header(hr, "TE");
	r.chunked = te != NULL && (str_icontains(te, "trailers") ||
	    str_icontains(te, "chunked"));
	if (f != NULL && f->kind == FAULT_CIMERROR) {
		cimsrv_cim_error(out, &r, (int)f->code, f->text[0] != '\0' ?
		    f->text : "injected fault");
		goto done;
	}
	if (str_casecmp_ascii(r.ns, CIMSRV_INTEROP) == 0) {
		cimsrv_interop(node, &r, out);
		goto done;
	}
	if (str_casecmp_ascii(r.ns, CIMSRV_NS) != 0) {
		cimsrv_cim_error(out, &r, CIM_ERR_INVALID_NAMESPACE, r.ns);
		goto done;
	}
	log_debug("%s: %s %s", nc->name, r.method,
	    r.classname ? r.classname : "");
	if (r.intrinsic)
		cimsrv_intrinsic(node, &r, out);
	else
		cimsrv_extrinsic(node, &r, out);
done:
	cimreq_clear(&r);
}

/*
 * The interop namespace, as far as a client looks for the namespaces:
 * EnumerateInstanceNames and EnumerateInstances of CIM_Namespace (or
 * OpenPegasus's PG_Namespace) give one PG_NameSpace per namespace the node
 * serves, with OpenPegasus's keys (and only them as properties); any other
 * class there is 5, any other operation 7.
 */
static void
cimsrv_interop(struct mnode *node, struct cimreq *r, struct buf *out)
{
	static const char *const nss[] = { CIMSRV_INTEROP, CIMSRV_NS };
	const struct mnode_conf	*nc = mnode_conf(node);
	int			 names;
	struct buf		 irv, om;
	struct cim_path		*p;
	struct cim_instance	*ci;
	size_t			 i, k;

	if (!r->intrinsic || (!(names = strcmp(r->method,
	    "EnumerateInstanceNames") == 0) &&
	    strcmp(r->method, "EnumerateInstances") != 0)) {
		cimsrv_cim_error(out, r, CIM_ERR_NOT_SUPPORTED, r->method);
		return;
	}
	if (r->classname == NULL ||
	    (str_casecmp_ascii(r->classname, "CIM_Namespace") != 0 &&
	    str_casecmp_ascii(r->classname, "PG_Namespace") != 0)) {
		cimsrv_cim_error(out, r, CIM_ERR_INVALID_CLASS,
		    r->classname ? r->classname : "");
		return;
	}
	buf_init(&irv, 0);
	buf_init(&om, 0);
	buf_printf(&om, "PG:%s", nc->host);
	for (i = 0; i < nitems(nss); i++) {
		p = cim_path_new(CIMSRV_INTEROP, "PG_NameSpace");
		cim_path_add_key(p, "CreationClassName", CIM_T_STRING,
		    "PG_Namespace");
		cim_path_add_key(p, "Name", CIM_T_STRING, nss[i]);
		cim_path_add_key(p, "ObjectManagerCreationClassName",
		    CIM_T_STRING, "PG_ObjectManager");
		cim_path_add_key(p, "ObjectManagerName", CIM_T_STRING, om.data);
		cim_path_add_key(p, "SystemCreationClassName", CIM_T_STRING,
		    "PG_ComputerSystem");
		cim_path_add_key(p, "SystemName", CIM_T_STRING, nc->host);
		if (names)
			cimxml_encode_instancename(p, &irv);
		else {
			ci = cim_instance_new("PG_NameSpace");
			for (k = 0; k < p->nkeys; k++)
				cim_instance_add(ci, p->keys[k].name,
				    CIM_T_STRING, p->keys[k].value);
			buf_puts(&irv, "<VALUE.NAMEDINSTANCE>\n");
			cimxml_encode_instancename(p, &irv);
			cimxml_encode_instance(ci, &irv);
			buf_puts(&irv, "</VALUE.NAMEDINSTANCE>\n");
			cim_instance_free(ci);
		}
		cim_path_free(p);
	}
	cimsrv_raw(out, r, &irv, NULL, 0);
	buf_release(&om);
	buf_release(&irv);
}

/* ---- faults and sending ---------------------------------------------------- */

static void
cimsrv_out_free(struct cimsrv_out *o)
{
	if (o->timer != NULL)
		event_free(o->timer);
	buf_release(&o->bytes);
	free(o);
}

static void
cimsrv_gone_cb(struct httpd_req *hr, void *arg)
{
	cimsrv_out_free(arg);
}

static void
cimsrv_finish(struct cimsrv_out *o)
{
	struct httpd_req	*hr = o->req;
	int			 keep = o->keep;

	cimsrv_out_free(o);
	httpd_done(hr, keep);
}

static void
cimsrv_arm(struct cimsrv_out *o, unsigned ms)
{
	struct timeval	tv;

	ms_to_tv(ms, &tv);
	evtimer_add(o->timer, &tv);
}

/*
 * A chunked reply (the client sent TE: trailers) with its XML cut in half:
 * one chunk of the first half, then the last chunk and the trailers as
 * they were -- still well framed, so only the XML is wrong.
 */
static void
cimsrv_truncate_chunked(struct buf *b, char *hend)
{
	char		*p = hend + 4, *end;
	struct buf	 body, nb;
	unsigned long	 n;

	buf_init(&body, 0);
	for (;;) {
		n = strtoul(p, &end, 16);
		if (end == p || (end = strstr(end, "\r\n")) == NULL) {
			buf_release(&body);
			return;
		}
		p = end + 2;
		if (n == 0)
			break;		/* p: the trailers and the final CRLF */
		if ((size_t)(b->data + b->len - p) < n + 2) {
			buf_release(&body);
			return;
		}
		buf_add(&body, p, n);
		p += n + 2;
	}
	buf_init(&nb, 0);
	buf_add(&nb, b->data, (size_t)(hend + 4 - b->data));
	buf_printf(&nb, "%zx\r\n", body.len / 2);
	buf_add(&nb, body.data, body.len / 2);
	buf_puts(&nb, "\r\n0\r\n");
	buf_add(&nb, p, b->len - (size_t)(p - b->data));
	buf_release(&body);
	buf_release(b);
	*b = nb;
}

/* Rewrites a framed reply so its body is cut in half. */
static void
cimsrv_truncate(struct buf *b)
{
	char	*hend, *cl, *te;
	size_t	 hlen, blen, half;
	struct buf nb;

	if ((hend = strstr(b->data, "\r\n\r\n")) == NULL)
		return;
	if ((te = strstr(b->data, "transfer-encoding: chunked")) != NULL &&
	    te < hend) {
		cimsrv_truncate_chunked(b, hend);
		return;
	}
	if ((cl = strstr(b->data, "content-length: ")) == NULL || cl > hend)
		return;
	hlen = (size_t)(hend - b->data) + 4;
	blen = b->len - hlen;
	half = blen / 2;
	buf_init(&nb, 0);
	buf_add(&nb, b->data, (size_t)(cl - b->data));
	buf_printf(&nb, "content-length: %010zu", half);
	buf_add(&nb, cl + 26, hlen - (size_t)(cl + 26 - b->data));
	buf_add(&nb, b->data + hlen, half);
	buf_release(b);
	*b = nb;
}

/*
 * A chunked reply padded with an N MB comment chunk after the root element
 * (a comment there is still well-formed XML), before the last chunk.
 */
static void
cimsrv_oversize_chunked(struct buf *b, size_t pad)
{
	char		*p, *last = NULL;
	struct buf	 nb;
	char		 line[1024];
	size_t		 i, n;

	for (p = b->data; (p = strstr(p, "\r\n0\r\n")) != NULL; p++)
		last = p;
	if (last == NULL)
		return;
	buf_init(&nb, 0);
	buf_add(&nb, b->data, (size_t)(last - b->data) + 2);
	memset(line, 'x', sizeof(line));
	for (i = 0; i < pad; i += n) {
		n = pad - i < sizeof(line) ? pad - i : sizeof(line);
		buf_printf(&nb, "%zx\r\n%s", n + (i == 0 ? 4 : 0) +
		    (i + n == pad ? 4 : 0), i == 0 ? "<!--" : "");
		buf_add(&nb, line, n);
		buf_printf(&nb, "%s\r\n", i + n == pad ? "-->\n" : "");
	}
	buf_add(&nb, last + 2, b->len - (size_t)(last + 2 - b->data));
	buf_release(b);
	*b = nb;
}

/* A valid reply padded with an N MB comment after the XML declaration. */
static void
cimsrv_oversize(struct buf *b, unsigned mbytes)
{
	char		*hend, *decl;
	size_t		 hlen, pad = (size_t)mbytes * 1024 * 1024, i;
	struct buf	 nb;
	char		 line[1024];

	if ((hend = strstr(b->data, "\r\n\r\n")) == NULL)
		return;
	if (strstr(b->data, "content-length: ") == NULL) {
		if (strstr(b->data, "transfer-encoding: chunked") != NULL &&
		    strstr(b->data, "transfer-encoding: chunked") < hend)
			cimsrv_oversize_chunked(b, pad);
		return;
	}
	hlen = (size_t)(hend - b->data) + 4;
	if ((decl = strstr(hend, "?>\n")) == NULL)
		return;
	buf_init(&nb, 0);
	buf_add(&nb, hend + 4, (size_t)(decl + 3 - (hend + 4)));
	buf_puts(&nb, "<!--");
	memset(line, 'x', sizeof(line));
	for (i = 0; i < pad; i += sizeof(line))
		buf_add(&nb, line, sizeof(line));
	buf_puts(&nb, "-->\n");
	buf_add(&nb, decl + 3, b->len - (size_t)(decl + 3 - b->data));
	{
		struct buf	 fin;
		char		*cl = strstr(b->data, "content-length: ");

		buf_init(&fin, 0);
		buf_add(&fin, b->data, (size_t)(cl - b->data));
		buf_printf(&fin, "content-length: %010zu", nb.len);
		buf_add(&fin, cl + 26, hlen - (size_t)(cl + 26 - b->data));
		buf_add(&fin, nb.data, nb.len);
		buf_release(b);
		*b = fin;
	}
	buf_release(&nb);
}

/*
 * The same reply as something else would serve it: Content-Type
 * text/html and no CIMOperation header (a proxy's or a web server's
 * answer on the CIM port).
 */
static void
cimsrv_ctype(struct buf *b)
{
	const char	*hend, *p, *eol, *colon;
	struct buf	 nb;
	size_t		 len, nlen;

	if ((hend = strstr(b->data, "\r\n\r\n")) == NULL)
		return;
	buf_init(&nb, 0);
	for (p = b->data; p < hend + 2; p = eol + 2) {
		eol = strstr(p, "\r\n");
		len = (size_t)(eol - p);
		colon = memchr(p, ':', len);
		nlen = colon != NULL ? (size_t)(colon - p) : 0;
		if (nlen == 12 && strncasecmp(p, "Content-Type", 12) == 0)
			buf_puts(&nb, "Content-Type: text/html; charset=utf-8\r\n");
		else if (nlen < 12 || strncasecmp(colon - 12, "CIMOperation",
		    12) != 0)
			buf_add(&nb, p, len + 2);
	}
	buf_add(&nb, hend + 2, b->len - (size_t)(hend + 2 - b->data));
	buf_release(b);
	*b = nb;
}

static void
cimsrv_send_next(struct cimsrv_out *o)
{
	size_t	n;

	switch (o->fault.kind) {
	case FAULT_DRIP:
		n = o->bytes.len - o->off;
		if (n > o->fault.drip_bytes)
			n = o->fault.drip_bytes;
		httpd_send(o->req, o->bytes.data + o->off, n);
		o->off += n;
		if (o->off >= o->bytes.len) {
			cimsrv_finish(o);
			return;
		}
		cimsrv_arm(o, o->fault.drip_ms);
		return;
	case FAULT_RESET:
		if (o->off == 0) {
			o->off = o->bytes.len / 2;
			httpd_send(o->req, o->bytes.data, o->off);
			cimsrv_arm(o, 50);	/* let the half reach the peer */
			return;
		}
		{
			struct httpd_req *hr = o->req;

			cimsrv_out_free(o);
			httpd_abort(hr);
		}
		return;
	default:
		httpd_send(o->req, o->bytes.data, o->bytes.len);
		cimsrv_finish(o);
		return;
	}
}

/* WinRM's path; everything else is the CIM-XML side as before. */
static int
cimsrv_is_wsman(const struct httpd_req *hr)
{
	return (strcmp(hr->uri, "/wsman") == 0 ||
	    strncmp(hr->uri, "/wsman?", 7) == 0);
}

static void
cimsrv_run(struct cimsrv_out *o)
{
	struct mnode		*node = o->node;
	const struct fault	*f = &o->fault;
	size_t			 i;

	o->stage = 1;
	switch (f->kind) {
	case FAULT_HANG:
		return;		/* accepted and read; never answered */
	case FAULT_HTTP401:
		if (cimsrv_is_wsman(o->req))
			wssrv_401(&o->bytes);
		else
			cimsrv_401(&o->bytes, mnode_conf(node));
		o->keep = o->req->keepalive;
		break;
	case FAULT_HTTP500:
		buf_puts(&o->bytes, "HTTP/1.1 500 Internal Server Error\r\n"
		    "content-length: 0000000000\r\n\r\n");
		o->keep = o->req->keepalive;
		break;
	case FAULT_GARBAGE:
		buf_puts(&o->bytes, "HTTP/1.1 200 OK\r\n"
		    "Content-Type: application/xml; charset=utf-8\r\n"
		    "content-length: 0000000512\r\n"
		    "CIMOperation: MethodResponse\r\n\r\n");
		for (i = 0; i < 512; i++) {
			unsigned char	c = (unsigned char)((i * 131 + 7) ^
			    (i >> 3));

			buf_add(&o->bytes, &c, 1);
		}
		o->keep = o->req->keepalive;
		break;
	default:
		if (cimsrv_is_wsman(o->req)) {
			/* truncation and oversize happen in its framing */
			wssrv_reply(node, o->req, &o->bytes, &o->keep, f);
			if (f->kind == FAULT_CTYPE)
				cimsrv_ctype(&o->bytes);
			break;
		}
		cimsrv_reply(node, o->req, &o->bytes, &o->keep, f);
		if (f->kind == FAULT_CTYPE)
			cimsrv_ctype(&o->bytes);
		else if (f->kind == FAULT_TRUNCATE)
			cimsrv_truncate(&o->bytes);
		else if (f->kind == FAULT_OVERSIZE)
			cimsrv_oversize(&o->bytes, f->mbytes);
		break;
	}
	cimsrv_send_next(o);
}

static void
cimsrv_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct cimsrv_out	*o = arg;

	if (o->stage == 0)
		cimsrv_run(o);
	else
		cimsrv_send_next(o);
}

void
cimsrv_handle(struct mnode *node, struct httpd_req *hr)
{
	struct cimsrv_out	*o;

	mnode_count_request(node);
	o = xcalloc(1, sizeof(*o));
	o->node = node;
	o->req = hr;
	o->fault = *mnode_fault(node);
	buf_init(&o->bytes, 0);
	o->timer = evtimer_new(mnode_base(node), cimsrv_timer_cb, o);
	httpd_on_gone(hr, cimsrv_gone_cb, o);
	if (o->fault.latency_ms > 0) {
		cimsrv_arm(o, o->fault.latency_ms);
		return;
	}
	cimsrv_run(o);
}
