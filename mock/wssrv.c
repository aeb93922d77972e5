/*
 * wssrv.c: the WS-Management (WinRM) side of a mock node, at /wsman on the
 * node's port.  It answers from the same class store, instances, processes
 * and load model as the CIM-XML side (cimsrv.c), the way Windows WinRM
 * does on the wire: SOAP 1.2 replies with a:RelatesTo, optimized
 * enumerations with MaxElements batches (1 when absent, as DSP0226 says),
 * enumeration contexts that expire and are bounded in number per user
 * (w:QuotaLimit), faults with f:WSManFault or MSFT_WmiError details in
 * HTTP 500 replies, and a 401 offering Negotiate and Basic realm="WSMAN"
 * when the credentials are missing or wrong.  The codec's server half
 * (lib/wsman_server.c) decodes requests and writes the bodies; cimsrv.c
 * applies the injected faults to both sides and calls wssrv_reply for the
 * bytes of one exchange.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "mock.h"

#define WSSRV_NS		"root/cimv2"
#define WSSRV_MAX_CONTEXTS	256	/* per node, every user together */

/* WinRM's HRESULTs in f:WSManFault Code / MSFT_WmiError error_Code. */
#define WSE_ACCESS_DENIED	5UL
#define WSE_NOT_FOUND		2150858752UL	/* resource URI + selectors */
#define WSE_ACTION		2150858771UL	/* action not supported */
#define WSE_INVALID_CONTEXT	2150858790UL
#define WSE_FILTER		2150858778UL	/* cannot process filter */
#define WSE_DIALECT		2150858779UL
#define WSE_SCHEMA		2150858817UL	/* invalid XML */
#define WSE_QUOTA		2150859173UL
#define WBEM_E_FAILED_HR	2147749889UL	/* 0x80041001 */

/* One open enumeration: what is left to Pull. */
struct wsctx {
	struct mnode	*node;
	char		 id[WSMAN_MSGID_LEN];
	char		 user[128];
	uint64_t	 expires;
	int		 fragment, epr;
	size_t		 n, pos;
	struct cim_instance **items;
};

static struct wsctx	**wsctxs;
static size_t		  nwsctx;

static void
wsctx_free(struct wsctx *x)
{
	size_t	i;

	for (i = 0; i < x->n; i++)
		cim_instance_free(x->items[i]);
	free(x->items);
	free(x);
}

static void
wsctx_remove(size_t i)
{
	wsctx_free(wsctxs[i]);
	wsctxs[i] = wsctxs[--nwsctx];
}

/* Drops the contexts that timed out (and, with node, all of node's). */
static void
wsctx_sweep(const struct mnode *gone)
{
	uint64_t	now = mono_ms();
	size_t		i;

	for (i = 0; i < nwsctx; )
		if (wsctxs[i]->node == gone || wsctxs[i]->expires <= now)
			wsctx_remove(i);
		else
			i++;
}

void
wssrv_node_gone(struct mnode *node)
{
	wsctx_sweep(node);
	if (nwsctx == 0) {
		free(wsctxs);
		wsctxs = NULL;
	}
}

static size_t
wsctx_count(const struct mnode *node, const char *user)
{
	size_t	i, n = 0;

	for (i = 0; i < nwsctx; i++)
		if (wsctxs[i]->node == node && (user == NULL ||
		    strcmp(wsctxs[i]->user, user) == 0))
			n++;
	return (n);
}

static ssize_t
wsctx_find(const struct mnode *node, const char *user, const char *id)
{
	size_t	i;

	if (id == NULL)
		return (-1);
	for (i = 0; i < nwsctx; i++)
		if (wsctxs[i]->node == node &&
		    strcmp(wsctxs[i]->user, user) == 0 &&
		    strcmp(wsctxs[i]->id, id) == 0)
			return ((ssize_t)i);
	return (-1);
}

static void
wssrv_msgid(char *out, size_t outlen)
{
	unsigned char	rnd[16];

	if (RAND_bytes(rnd, sizeof(rnd)) != 1)
		memset(rnd, 0x5a, sizeof(rnd));
	wsman_format_msgid(rnd, out, outlen);
}

/* ---- framing ------------------------------------------------------------- */

static void
wssrv_date(struct buf *out)
{
	char		 date[64];
	time_t		 now = time(NULL);
	struct tm	 tm;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	buf_printf(out, "Server: Microsoft-HTTPAPI/2.0\r\nDate: %s\r\n", date);
}

/*
 * Frames a body as WinRM does.  truncate: the body stops half way under a
 * Content-Length saying so; pad: MB of comment before the envelope.
 */
static void
wssrv_frame(struct buf *out, int status, const struct buf *body,
    const struct fault *f)
{
	size_t		len = body->len, pad = 0, i;
	char		line[1024];

	if (f != NULL && f->kind == FAULT_TRUNCATE)
		len /= 2;
	if (f != NULL && f->kind == FAULT_OVERSIZE)
		pad = (size_t)f->mbytes * 1024 * 1024;
	buf_printf(out, "HTTP/1.1 %d %s\r\n", status,
	    status == 200 ? "OK" : "Internal Server Error");
	buf_puts(out, "Content-Type: " WSMAN_CONTENT_TYPE "\r\n");
	wssrv_date(out);
	buf_printf(out, "Content-Length: %zu\r\n\r\n",
	    len + (pad ? pad + 8 : 0));
	if (pad) {
		buf_puts(out, "<!--");
		memset(line, 'x', sizeof(line));
		for (i = 0; i < pad; i += sizeof(line))
			buf_add(out, line, sizeof(line));
		buf_puts(out, "-->\n");
	}
	buf_add(out, body->data, len);
}

void
wssrv_401(struct buf *out)
{
	buf_puts(out, "HTTP/1.1 401 Unauthorized\r\n"
	    "WWW-Authenticate: Negotiate\r\n"
	    "WWW-Authenticate: Basic realm=\"WSMAN\"\r\n");
	wssrv_date(out);
	buf_puts(out, "Content-Length: 0\r\n\r\n");
}

static void
wssrv_fault(struct buf *out, const struct mnode_conf *nc,
    const struct wsman_call *c, const char *code, const char *subcode,
    unsigned long wcode, const char *msg, int cim_status,
    const struct fault *f)
{
	struct wsman_fault	 wf;
	struct buf		 body;
	char			 id[WSMAN_MSGID_LEN];

	memset(&wf, 0, sizeof(wf));
	wf.code = code;
	wf.subcode = subcode;
	wf.reason = msg;
	wf.wsman_code = wcode;
	wf.machine = nc->host;
	wf.message = msg;
	wf.cim_status = cim_status;
	wssrv_msgid(id, sizeof(id));
	buf_init(&body, 0);
	wsman_encode_fault(id, c != NULL ? c->msgid : NULL, &wf, &body);
	wssrv_frame(out, 500, &body, f);
	buf_release(&body);
	log_debug("%s: wsman fault %s", nc->name, subcode);
}

/* Basic credentials: 0 with the user in user, -1 for a 401. */
static int
wssrv_auth(const struct mnode_conf *nc, const struct httpd_req *hr,
    char *user, size_t userlen)
{
	const char	*h;
	unsigned char	 dec[512];
	char		 want[512];
	size_t		 len;
	int		 n;

	user[0] = '\0';
	if (nc->user == NULL)
		return (0);
	if ((h = httpd_header(hr, "Authorization")) == NULL ||
	    strncasecmp(h, "Basic ", 6) != 0)
		return (-1);
	for (h += 6; *h == ' '; h++)
		;
	len = strlen(h);
	if (len == 0 || len % 4 != 0 || len > 680 ||
	    (n = EVP_DecodeBlock(dec, (const unsigned char *)h,
	    (int)len)) < 0)
		return (-1);
	while (len > 0 && h[len - 1] == '=') {
		len--;
		n--;
	}
	dec[n] = '\0';
	snprintf(want, sizeof(want), "%s:%s", nc->user,
	    nc->password ? nc->password : "");
	if ((size_t)n != strlen(want) || memcmp(dec, want, (size_t)n) != 0) {
		log_debug("%s: wsman authentication failed", nc->name);
		return (-1);
	}
	strlcpy(user, nc->user, userlen);
	return (0);
}

/* ---- operations ------------------------------------------------------------ */

/* A mock instance as the codec's value; props NULL: every property. */
static struct cim_instance *
wssrv_to_cim(const struct mock_inst *in, struct wql_query *q)
{
	const struct mof_class	*c = in->cls;
	struct cim_instance	*ci;
	struct cim_property	*p;
	const struct cim_value	*v;
	size_t			 i, j;
	int			 keep;

	ci = cim_instance_new(c->name);
	ci->path = cim_path_new(WSSRV_NS, c->name);
	for (i = 0; i < c->nprops; i++) {
		if (!mof_prop_is_key(&c->props[i]))
			continue;
		v = &in->props[i].v;
		cim_path_add_key(ci->path, c->props[i].name, CIM_T_STRING,
		    !v->is_null && v->nvals > 0 ? v->vals[0] : "");
	}
	for (i = 0; i < in->nprops; i++) {
		keep = q == NULL || wql_nselect(q) == 0;
		for (j = 0; !keep && j < wql_nselect(q); j++)
			keep = str_casecmp_ascii(wql_select(q, j),
			    in->props[i].name) == 0;
		if (!keep)
			continue;
		p = cim_instance_add(ci, in->props[i].name,
		    in->props[i].v.type, NULL);
		/*
		 * A class property the instance was created without is
		 * there all the same, nil, as WinRM and OpenPegasus's
		 * WS-Man list every property of the class.
		 */
		if (in->absent != NULL && in->absent[i])
			p->v.is_array = in->props[i].v.is_array;
		else
			cim_value_copy(&p->v, &in->props[i].v);
	}
	return (ci);
}

static int
wssrv_lookup(const char *name, const struct cim_value **v, void *arg)
{
	if ((*v = inst_get(arg, name)) == NULL)
		return (-1);
	return (0);
}

static void
wssrv_send_batch(struct buf *out, const struct wsman_call *c,
    struct wsctx *x, unsigned max, int *done, const struct fault *f)
{
	struct wsman_batch	 bt;
	struct buf		 body;
	char			 id[WSMAN_MSGID_LEN];
	size_t			 n;

	n = x->n - x->pos;
	if (n > max)
		n = max;
	memset(&bt, 0, sizeof(bt));
	wssrv_msgid(id, sizeof(id));
	bt.msg = c->msg;
	bt.msgid = id;
	bt.relates_to = c->msgid;
	bt.fragment = x->fragment;
	bt.epr = x->epr;
	bt.n = n;
	bt.items = x->items + x->pos;
	x->pos += n;
	*done = x->pos >= x->n;
	bt.context = *done ? NULL : x->id;
	buf_init(&body, 0);
	wsman_encode_batch(&bt, &body);
	wssrv_frame(out, 200, &body, f);
	buf_release(&body);
}

static void
wssrv_enumerate(struct mnode *node, const struct wsman_call *c,
    const char *user, struct buf *out, const struct fault *f)
{
	const struct mnode_conf	*nc = mnode_conf(node);
	const struct mof_class	*cls;
	struct wql_query	*q = NULL;
	struct inst_list	 l = { 0, NULL };
	struct wsctx		*x;
	char			 err[256];
	size_t			 i;
	int			 done;

	if (wsctx_count(node, user) >= nc->wsman_quota ||
	    wsctx_count(node, NULL) >= WSSRV_MAX_CONTEXTS) {
		char	msg[256];

		snprintf(msg, sizeof(msg), "The WS-Management service cannot "
		    "process the request. This user is allowed a maximum "
		    "number of %u concurrent operations, which has been "
		    "exceeded. Close existing operations for this user, or "
		    "raise the quota for this user. ", nc->wsman_quota);
		wssrv_fault(out, nc, c, "s:Sender", "w:QuotaLimit", WSE_QUOTA,
		    msg, 27, f);
		return;
	}
	if (c->filter != NULL) {
		if (c->dialect == NULL || strcmp(c->dialect,
		    "http://schemas.microsoft.com/wbem/wsman/1/WQL") != 0) {
			wssrv_fault(out, nc, c, "s:Sender",
			    "n:FilterDialectRequestedUnavailable", WSE_DIALECT,
			    "The requested filter dialect is not supported. ",
			    0, f);
			return;
		}
		if ((q = wql_parse(c->filter, WQL_WINDOWS, err,
		    sizeof(err))) == NULL) {
			wssrv_fault(out, nc, c, "s:Sender",
			    "n:CannotProcessFilter", WSE_FILTER,
			    "The WS-Management service cannot process the "
			    "request because the WQL query is invalid. ", 0, f);
			return;
		}
	} else if (strcmp(c->classname, "*") == 0) {
		wssrv_fault(out, nc, c, "s:Sender", "n:CannotProcessFilter",
		    WSE_FILTER, "The data source could not process the "
		    "filter. The filter might be missing or it might be "
		    "invalid. Change the filter and try the request again. ",
		    0, f);
		return;
	}
	cls = mof_class_find(mnode_schema(node), q != NULL ? wql_class(q) :
	    c->classname);
	for (i = 0; cls != NULL && q != NULL && i < wql_nselect(q); i++)
		if (mof_prop_find(cls, wql_select(q, i)) == NULL) {
			wssrv_fault(out, nc, c, "s:Sender",
			    "n:CannotProcessFilter", WSE_FILTER,
			    "The WS-Management service cannot process the "
			    "request because the WQL query is invalid. ", 0, f);
			wql_free(q);
			return;
		}
	if (cls == NULL) {
		wssrv_fault(out, nc, c, "s:Sender", "n:CannotProcessFilter",
		    WSE_FILTER, "The specified class does not exist in the "
		    "given namespace. ", 0, f);
		wql_free(q);
		return;
	}
	x = xcalloc(1, sizeof(*x));
	x->node = node;
	strlcpy(x->user, user, sizeof(x->user));
	wssrv_msgid(x->id, sizeof(x->id));
	x->fragment = q != NULL && wql_nselect(q) > 0;
	x->epr = c->epr;
	mnode_instances(node, cls, &l);
	x->items = xcalloc(l.n ? l.n : 1, sizeof(*x->items));
	for (i = 0; i < l.n; i++)
		if (q == NULL || wql_match(q, wssrv_lookup, l.v[i]))
			x->items[x->n++] = wssrv_to_cim(l.v[i], q);
	inst_list_clear(&l);
	wql_free(q);
	wssrv_send_batch(out, c, x, c->optimize ? (c->max_elements ?
	    c->max_elements : 1) : 0, &done, f);
	if (done) {
		wsctx_free(x);
		return;
	}
	x->expires = mono_ms() + nc->wsman_ctx_ttl_ms;
	wsctxs = xreallocarray(wsctxs, nwsctx + 1, sizeof(*wsctxs));
	wsctxs[nwsctx++] = x;
}

static void
wssrv_pull(struct mnode *node, const struct wsman_call *c, const char *user,
    struct buf *out, const struct fault *f)
{
	const struct mnode_conf	*nc = mnode_conf(node);
	struct buf		 body;
	char			 id[WSMAN_MSGID_LEN];
	ssize_t			 i;
	int			 done;

	if ((i = wsctx_find(node, user, c->context)) == -1) {
		wssrv_fault(out, nc, c, "s:Sender",
		    "n:InvalidEnumerationContext", WSE_INVALID_CONTEXT,
		    "The enumeration context supplied in the message is not "
		    "valid. ", 0, f);
		return;
	}
	if (c->msg == WSMAN_MSG_RELEASE) {
		wsctx_remove((size_t)i);
		wssrv_msgid(id, sizeof(id));
		buf_init(&body, 0);
		wsman_encode_release_response(id, c->msgid, &body);
		wssrv_frame(out, 200, &body, f);
		buf_release(&body);
		return;
	}
	wssrv_send_batch(out, c, wsctxs[i], c->max_elements ?
	    c->max_elements : 1, &done, f);
	if (done)
		wsctx_remove((size_t)i);
	else
		wsctxs[i]->expires = mono_ms() + nc->wsman_ctx_ttl_ms;
}

/* Does the instance have every selector as a key value? */
static int
wssrv_selected(const struct wsman_call *c, const struct mock_inst *in)
{
	const struct cim_value	*v;
	size_t			 i;

	if (c->selectors == NULL || c->selectors->nkeys == 0)
		return (0);
	for (i = 0; i < c->selectors->nkeys; i++) {
		v = inst_get(in, c->selectors->keys[i].name);
		if (v == NULL || v->is_null || v->nvals == 0 ||
		    strcmp(v->vals[0], c->selectors->keys[i].value) != 0)
			return (0);
	}
	return (1);
}

static void
wssrv_get(struct mnode *node, const struct wsman_call *c, struct buf *out,
    const struct fault *f)
{
	const struct mnode_conf	*nc = mnode_conf(node);
	const struct mof_class	*cls;
	struct inst_list	 l = { 0, NULL };
	struct cim_instance	*ci;
	struct buf		 body;
	char			 id[WSMAN_MSGID_LEN];
	size_t			 i;

	if ((cls = mof_class_find(mnode_schema(node), c->classname)) != NULL)
		mnode_instances(node, cls, &l);
	for (i = 0; i < l.n; i++)
		if (wssrv_selected(c, l.v[i]))
			break;
	if (i == l.n) {
		wssrv_fault(out, nc, c, "s:Sender", "a:DestinationUnreachable",
		    WSE_NOT_FOUND, "The WS-Management service cannot process "
		    "the request. The service cannot find the resource "
		    "identified by the resource URI and selectors. ", 0, f);
		inst_list_clear(&l);
		return;
	}
	ci = wssrv_to_cim(l.v[i], NULL);
	wssrv_msgid(id, sizeof(id));
	buf_init(&body, 0);
	wsman_encode_get_response(id, c->msgid, ci, &body);
	wssrv_frame(out, 200, &body, f);
	buf_release(&body);
	cim_instance_free(ci);
	inst_list_clear(&l);
}

static void
wssrv_invoke(struct mnode *node, const struct wsman_call *c, struct buf *out,
    const struct fault *f)
{
	const struct mnode_conf		*nc = mnode_conf(node);
	struct cim_method_result	 mr;
	struct cim_property		 pid_out;
	struct buf			 body;
	const char			*cmd = NULL;
	char				 id[WSMAN_MSGID_LEN], text[32];
	uint32_t			 rc, pid = 0;
	size_t				 i;
	int				 svc;

	if (str_casecmp_ascii(c->classname, "Win32_Process") == 0 &&
	    strcmp(c->method, "Create") == 0) {
		for (i = 0; i < c->nparams; i++)
			if (strcmp(c->params[i].name, "CommandLine") == 0 &&
			    !c->params[i].v.is_null &&
			    c->params[i].v.nvals > 0)
				cmd = c->params[i].v.vals[0];
		rc = mnode_create(node, cmd, &pid);
	} else if (str_casecmp_ascii(c->classname, "Win32_Service") == 0 &&
	    strcmp(c->method, "StartService") == 0) {
		svc = -1;
		if (c->selectors != NULL && c->selectors->nkeys == 1 &&
		    str_casecmp_ascii(c->selectors->keys[0].name, "Name") == 0)
			svc = mnode_start_service(node,
			    c->selectors->keys[0].value);
		if (svc < 0) {
			wssrv_fault(out, nc, c, "s:Sender",
			    "a:DestinationUnreachable", WSE_NOT_FOUND,
			    "The WS-Management service cannot process the "
			    "request. The service cannot find the resource "
			    "identified by the resource URI and selectors. ",
			    0, f);
			return;
		}
		rc = (uint32_t)svc;
	} else {
		wssrv_fault(out, nc, c, "s:Sender", "a:ActionNotSupported",
		    WSE_ACTION, "The WS-Management service cannot process the "
		    "request because the method is not supported. ", 0, f);
		return;
	}
	memset(&mr, 0, sizeof(mr));
	snprintf(text, sizeof(text), "%u", rc);
	cim_value_init(&mr.ret, CIM_T_UINT32);
	cim_value_add(&mr.ret, text);
	memset(&pid_out, 0, sizeof(pid_out));
	if (cmd != NULL || strcmp(c->method, "Create") == 0) {
		pid_out.name = (char *)(uintptr_t)"ProcessId";
		cim_value_init(&pid_out.v, CIM_T_UINT32);
		if (rc == 0) {
			snprintf(text, sizeof(text), "%u", pid);
			cim_value_add(&pid_out.v, text);
		} else
			pid_out.v.is_null = 1;
		mr.out = &pid_out;
		mr.nout = 1;
	}
	wssrv_msgid(id, sizeof(id));
	buf_init(&body, 0);
	wsman_encode_invoke_response(id, c->msgid, c->resource_uri,
	    c->method, &mr, &body);
	wssrv_frame(out, 200, &body, f);
	buf_release(&body);
	cim_value_clear(&mr.ret);
	cim_value_clear(&pid_out.v);
}

static void
wssrv_identify(struct buf *out)
{
	struct buf	body;

	buf_init(&body, 0);
	buf_puts(&body, "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/"
	    "soap-envelope\" xml:lang=\"en-US\"><s:Header/><s:Body>"
	    "<wsmid:IdentifyResponse xmlns:wsmid=\"http://schemas.dmtf.org/"
	    "wbem/wsman/identity/1/wsmanidentity.xsd\">"
	    "<wsmid:ProtocolVersion>http://schemas.dmtf.org/wbem/wsman/1/"
	    "wsman.xsd</wsmid:ProtocolVersion><wsmid:ProductVendor>"
	    "Microsoft Corporation</wsmid:ProductVendor>"
	    "<wsmid:ProductVersion>OS: 0.0.0 SP: 0.0 Stack: 3.0"
	    "</wsmid:ProductVersion></wsmid:IdentifyResponse></s:Body>"
	    "</s:Envelope>");
	wssrv_frame(out, 200, &body, NULL);
	buf_release(&body);
}

/*
 * The whole exchange for one /wsman request, fault kinds that change the
 * reply bytes included (CIM error, truncation, oversize).
 */
void
wssrv_reply(struct mnode *node, const struct httpd_req *hr, struct buf *out,
    int *keep, const struct fault *f)
{
	const struct mnode_conf	*nc = mnode_conf(node);
	struct wsman_call	 c;
	struct wbem_error	 err;
	const char		*h;
	char			 user[128], msg[256];

	*keep = hr->keepalive;
	if (strcmp(hr->method, "POST") != 0) {
		buf_puts(out, "HTTP/1.1 405 Method Not Allowed\r\n"
		    "Allow: POST\r\n");
		wssrv_date(out);
		buf_puts(out, "Content-Length: 0\r\n\r\n");
		return;
	}
	if (wssrv_auth(nc, hr, user, sizeof(user)) == -1) {
		wssrv_401(out);
		return;
	}
	if ((h = httpd_header(hr, "Content-Type")) == NULL ||
	    strncasecmp(h, "application/soap+xml", 20) != 0) {
		buf_puts(out, "HTTP/1.1 415 Unsupported Media Type\r\n");
		wssrv_date(out);
		buf_puts(out, "Content-Length: 0\r\n\r\n");
		return;
	}
	wsctx_sweep(NULL);
	if (wsman_decode_request(hr->body, hr->body_len, &c, &err) == -1) {
		wssrv_fault(out, nc, NULL, "s:Sender",
		    "w:SchemaValidationError", WSE_SCHEMA, "The SOAP XML in "
		    "the message does not match the corresponding XML schema "
		    "definition. Change the XML and retry. ", 0, f);
		return;
	}
	if (strcmp(c.action, "Identify") == 0) {
		wssrv_identify(out);
		goto done;
	}
	log_debug("%s: wsman %s %s", nc->name, wsman_msg_name(c.msg),
	    c.resource_uri ? c.resource_uri : "");
	if (f != NULL && f->kind == FAULT_CIMERROR) {
		snprintf(msg, sizeof(msg), "injected fault: CIM status %u",
		    f->code);
		wssrv_fault(out, nc, &c, "s:Receiver", "w:InternalError",
		    WBEM_E_FAILED_HR, msg, (int)f->code, f);
		goto done;
	}
	if (nc->wsman_deny) {
		wssrv_fault(out, nc, &c, "s:Sender", "w:AccessDenied",
		    WSE_ACCESS_DENIED, "Access is denied. ", 0, f);
		goto done;
	}
	if (c.msg == WSMAN_MSG_NONE) {
		wssrv_fault(out, nc, &c, "s:Sender", "a:ActionNotSupported",
		    WSE_ACTION, "The action is not supported by the service. ",
		    0, f);
		goto done;
	}
	if ((c.msg == WSMAN_MSG_PULL || c.msg == WSMAN_MSG_RELEASE)) {
		wssrv_pull(node, &c, user, out, f);
		goto done;
	}
	if (c.ns == NULL || c.classname == NULL ||
	    str_casecmp_ascii(c.ns, WSSRV_NS) != 0 ||
	    (c.msg != WSMAN_MSG_ENUMERATE && strcmp(c.classname, "*") == 0)) {
		wssrv_fault(out, nc, &c, "s:Sender", "a:DestinationUnreachable",
		    WSE_NOT_FOUND, "The WS-Management service cannot process "
		    "the request. The resource URI is not supported or the "
		    "resource cannot be found. ", 0, f);
		goto done;
	}
	switch (c.msg) {
	case WSMAN_MSG_ENUMERATE:
		wssrv_enumerate(node, &c, user, out, f);
		break;
	case WSMAN_MSG_GET:
		wssrv_get(node, &c, out, f);
		break;
	default:
		wssrv_invoke(node, &c, out, f);
		break;
	}
done:
	wsman_call_clear(&c);
}
