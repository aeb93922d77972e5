/*
 * wsman.c: the WS-Management codec, as Windows WinRM speaks it (DSP0226
 * over SOAP 1.2, with the WMI plugin's resource URIs), client half:
 * requests out, replies in.  The server half (for the mock) is
 * wsman_server.c, which shares the walkers below through codec_int.h.
 * Pure: bytes in, structs out; no I/O, no clock, no globals.  MessageIDs
 * come from the caller.  wbem.c drives one operation through a struct
 * wsman_state.
 *
 * Types: WS-Man items carry no CIM types (unlike CIM-XML).  A value's type
 * comes, in this order, from an xsi:type attribute when the server gave
 * one (newer WinRM does for MSFT_ classes), from the caller's table of
 * property types (wsman_opts.ptypes; wbem.c passes win32types.c's, so
 * uint64 counters print as numbers), from the element's shape
 * (cim:Datetime -> datetime, an EPR -> reference, nested elements ->
 * object); anything else stays a string.  The codec itself knows no
 * classes.
 * The text is always kept exactly as sent, apart from datetimes, which are
 * rewritten into the CIM form CIM-XML uses so both protocols agree.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "cimhead.h"
#include "codec_int.h"

#define NAME_MAX_LEN	256	/* class, property, method, namespace */

/* xsi:type names of DSP0230 (cim:) and XML Schema (xs:). */
static const struct {
	const char	*name;
	enum cim_type	 type;
} wsman_xsitypes[] = {
	{ "cimString", CIM_T_STRING }, { "string", CIM_T_STRING },
	{ "cimBoolean", CIM_T_BOOLEAN }, { "boolean", CIM_T_BOOLEAN },
	{ "cimChar16", CIM_T_CHAR16 },
	{ "cimUnsignedByte", CIM_T_UINT8 }, { "unsignedByte", CIM_T_UINT8 },
	{ "cimByte", CIM_T_SINT8 }, { "byte", CIM_T_SINT8 },
	{ "cimUnsignedShort", CIM_T_UINT16 }, { "unsignedShort", CIM_T_UINT16 },
	{ "cimShort", CIM_T_SINT16 }, { "short", CIM_T_SINT16 },
	{ "cimUnsignedInt", CIM_T_UINT32 }, { "unsignedInt", CIM_T_UINT32 },
	{ "cimInt", CIM_T_SINT32 }, { "int", CIM_T_SINT32 },
	{ "cimUnsignedLong", CIM_T_UINT64 }, { "unsignedLong", CIM_T_UINT64 },
	{ "cimLong", CIM_T_SINT64 }, { "long", CIM_T_SINT64 },
	{ "cimFloat", CIM_T_REAL32 }, { "float", CIM_T_REAL32 },
	{ "cimDouble", CIM_T_REAL64 }, { "double", CIM_T_REAL64 },
	{ "cimDateTime", CIM_T_DATETIME }, { "dateTime", CIM_T_DATETIME },
	{ "cimReference", CIM_T_REFERENCE },
};

static const char *const wsman_msg_names[] = {
	"none", "Enumerate", "Pull", "Release", "Get", "Invoke",
};

const char *
wsman_msg_name(enum wsman_msg m)
{
	if ((size_t)m >= nitems(wsman_msg_names))
		return ("unknown");
	return (wsman_msg_names[m]);
}

void
wsman_state_init(struct wsman_state *st)
{
	memset(st, 0, sizeof(*st));
}

void
wsman_state_clear(struct wsman_state *st)
{
	free(st->resource_uri);
	free(st->ns);
	free(st->classname);
	free(st->method);
	free(st->context);
	wsman_state_init(st);
}

void
wsman_format_msgid(const unsigned char rnd[16], char *out, size_t outlen)
{
	unsigned char	u[16];

	memcpy(u, rnd, sizeof(u));
	u[6] = (u[6] & 0x0f) | 0x40;	/* version 4 */
	u[8] = (u[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	snprintf(out, outlen, "uuid:%02X%02X%02X%02X-%02X%02X-%02X%02X-"
	    "%02X%02X-%02X%02X%02X%02X%02X%02X",
	    u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
	    u[10], u[11], u[12], u[13], u[14], u[15]);
}

/* ---- small helpers ------------------------------------------------------ */

/* CIM class, property, method and selector names: what WQL also accepts. */
int
wsman_valid_name(const char *s)
{
	size_t	n;

	if (s == NULL || *s == '\0')
		return (0);
	for (n = 0; s[n] != '\0'; n++) {
		if (n >= NAME_MAX_LEN)
			return (0);
		if (!isalnum((unsigned char)s[n]) && s[n] != '_')
			return (0);
	}
	return (1);
}

/* A namespace becomes part of a URI: letters, digits, '_' and '/' only. */
static int
valid_ns(const char *s)
{
	size_t	n;

	if (s == NULL || *s == '\0' || *s == '/')
		return (0);
	for (n = 0; s[n] != '\0'; n++) {
		if (n >= NAME_MAX_LEN)
			return (0);
		if (!isalnum((unsigned char)s[n]) && s[n] != '_' &&
		    s[n] != '/' && s[n] != '\\')
			return (0);
	}
	return (s[n - 1] != '/' && s[n - 1] != '\\');
}

/* "root\cimv2" and "root/cimv2" name the same namespace; URIs use '/'. */
static char *
ns_dup(const char *ns)
{
	char	*p, *s;

	s = xstrdup(ns);
	for (p = s; *p != '\0'; p++)
		if (*p == '\\')
			*p = '/';
	return (s);
}

static int
ptype_cls_match(const char *pat, const char *cls)
{
	const char	*star;
	size_t		 pre;

	if ((star = strchr(pat, '*')) == NULL)
		return (str_casecmp_ascii(pat, cls) == 0);
	/* "A*B": prefix A, suffix B */
	pre = (size_t)(star - pat);
	if (strlen(cls) < pre + strlen(star + 1) ||
	    strncasecmp(pat, cls, pre) != 0)
		return (0);
	return (str_casecmp_ascii(star + 1,
	    cls + strlen(cls) - strlen(star + 1)) == 0);
}

/* The caller's entry for a property of a class; NULL when it has none. */
static const struct wsman_ptype *
ptype_find(const struct wsman_opts *o, const char *cls, const char *prop)
{
	size_t	i;

	if (cls == NULL || o->ptypes == NULL)
		return (NULL);
	for (i = 0; i < o->nptypes; i++)
		if (str_casecmp_ascii(o->ptypes[i].prop, prop) == 0 &&
		    ptype_cls_match(o->ptypes[i].cls, cls))
			return (&o->ptypes[i]);
	return (NULL);
}

int
wsman_is_el(const xmlNode *n, const char *ns, const char *name)
{
	if (n == NULL || n->type != XML_ELEMENT_NODE)
		return (0);
	if (strcmp((const char *)n->name, name) != 0)
		return (0);
	if (ns == NULL)
		return (n->ns == NULL);
	return (n->ns != NULL && n->ns->href != NULL &&
	    strcmp((const char *)n->ns->href, ns) == 0);
}

xmlNode *
wsman_first_el(xmlNode *n)
{
	for (; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return (n);
	return (NULL);
}

xmlNode *
wsman_next_el(xmlNode *n)
{
	return (n == NULL ? NULL : wsman_first_el(n->next));
}

xmlNode *
wsman_child_el(xmlNode *parent, const char *ns, const char *name)
{
	xmlNode	*c;

	if (parent == NULL)
		return (NULL);
	for (c = wsman_first_el(parent->children); c != NULL;
	    c = wsman_next_el(c))
		if (wsman_is_el(c, ns, name))
			return (c);
	return (NULL);
}

/* Depth-first search below n (not n itself). */
static xmlNode *
find_el(xmlNode *n, const char *ns, const char *name)
{
	xmlNode	*c, *r;

	if (n == NULL)
		return (NULL);
	for (c = wsman_first_el(n->children); c != NULL; c = wsman_next_el(c)) {
		if (wsman_is_el(c, ns, name))
			return (c);
		if ((r = find_el(c, ns, name)) != NULL)
			return (r);
	}
	return (NULL);
}

/* Text content; the caller frees. */
char *
wsman_node_text(xmlNode *n)
{
	xmlChar	*t;
	char	*s;

	t = xmlNodeGetContent(n);
	s = xstrdup(t != NULL ? (const char *)t : "");
	xmlFree(t);
	return (s);
}

/* Text with surrounding space removed and inner runs collapsed. */
static char *
node_text_squeezed(xmlNode *n)
{
	char	*s, *r, *w;
	int	 sp = 0;

	s = wsman_node_text(n);
	for (r = w = s; *r != '\0'; r++) {
		if (isspace((unsigned char)*r)) {
			sp = (w != s);
			continue;
		}
		if (sp)
			*w++ = ' ';
		sp = 0;
		*w++ = *r;
	}
	*w = '\0';
	return (s);
}

char *
wsman_attr_get(xmlNode *n, const char *ns, const char *name)
{
	xmlChar	*v;
	char	*s;

	v = ns != NULL ? xmlGetNsProp(n, (const xmlChar *)name,
	    (const xmlChar *)ns) : xmlGetNoNsProp(n, (const xmlChar *)name);
	if (v == NULL)
		return (NULL);
	s = xstrdup((const char *)v);
	xmlFree(v);
	return (s);
}

int
wsman_is_nil(xmlNode *n)
{
	char	*v;
	int	 nil;

	if ((v = wsman_attr_get(n, NS_XSI, "nil")) == NULL)
		return (0);
	nil = strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
	free(v);
	return (nil);
}

void
wsman_trim(char *s)
{
	size_t	n, i = 0;

	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)s[i]))
		i++;
	if (i > 0)
		memmove(s, s + i, n - i + 1);
}

/* ---- encoding ----------------------------------------------------------- */

static unsigned
opt_max_elements(const struct wsman_opts *o)
{
	if (o->max_elements == 0)
		return (WSMAN_MAX_ELEMENTS_DEFAULT);
	if (o->max_elements > WSMAN_MAX_ELEMENTS_MAX)
		return (WSMAN_MAX_ELEMENTS_MAX);
	return (o->max_elements);
}

/* The SOAP envelope up to the open Body: the header every message shares. */
static int
enc_header(struct buf *b, const struct wsman_opts *o, const char *action,
    const char *resource_uri, const char *msgid, const struct cim_path *sel)
{
	unsigned	 t;
	size_t		 i;
	int		 r = 0;

	t = o->timeout_ms != 0 ? o->timeout_ms : WSMAN_TIMEOUT_DEFAULT_MS;
	r |= buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<s:Envelope xmlns:s=\"" NS_S "\" xmlns:a=\"" NS_A "\""
	    " xmlns:n=\"" NS_N "\" xmlns:w=\"" NS_W "\""
	    " xmlns:xsi=\"" NS_XSI "\" xmlns:cim=\"" NS_CIM "\">"
	    "<s:Header><a:To>");
	r |= buf_xml_escape(b, o->endpoint);
	r |= buf_puts(b, "</a:To><w:ResourceURI s:mustUnderstand=\"true\">");
	r |= buf_xml_escape(b, resource_uri);
	r |= buf_puts(b, "</w:ResourceURI><a:ReplyTo><a:Address"
	    " s:mustUnderstand=\"true\">" ANON_ADDR "</a:Address></a:ReplyTo>"
	    "<a:Action s:mustUnderstand=\"true\">");
	r |= buf_xml_escape(b, action);
	r |= buf_printf(b, "</a:Action><w:MaxEnvelopeSize s:mustUnderstand="
	    "\"true\">%zu</w:MaxEnvelopeSize><a:MessageID>",
	    o->max_envelope != 0 ? o->max_envelope :
	    (size_t)WSMAN_MAX_ENVELOPE_DEFAULT);
	r |= buf_xml_escape(b, msgid);
	r |= buf_puts(b, "</a:MessageID>");
	if (o->locale != NULL) {
		r |= buf_puts(b, "<w:Locale xml:lang=\"");
		r |= buf_xml_escape(b, o->locale);
		r |= buf_puts(b, "\" s:mustUnderstand=\"false\"/>");
	}
	r |= buf_printf(b, "<w:OperationTimeout>PT%u.%03uS"
	    "</w:OperationTimeout>", t / 1000, t % 1000);
	if (sel != NULL && sel->nkeys > 0) {
		r |= buf_puts(b, "<w:SelectorSet>");
		for (i = 0; i < sel->nkeys; i++) {
			r |= buf_puts(b, "<w:Selector Name=\"");
			r |= buf_xml_escape(b, sel->keys[i].name);
			r |= buf_puts(b, "\">");
			r |= buf_xml_escape(b, sel->keys[i].value != NULL ?
			    sel->keys[i].value : "");
			r |= buf_puts(b, "</w:Selector>");
		}
		r |= buf_puts(b, "</w:SelectorSet>");
	}
	r |= buf_puts(b, "</s:Header><s:Body>");
	return (r != 0 ? -1 : 0);
}

int
wsman_enc_tail(struct buf *b)
{
	return (buf_puts(b, "</s:Body></s:Envelope>\n"));
}

static int
enc_fail(struct wbem_error *err, const char *what)
{
	wbem_error_set(err, WBEM_E_TOOBIG, 0, "request",
	    "WS-Management %s request over the buffer cap", what);
	return (-1);
}

/* "SELECT a,b FROM C" for an ENUM with a property list: WS-Man has no other. */
static int
enc_proplist_query(struct buf *q, const struct wbem_request *req,
    struct wbem_error *err)
{
	size_t	i;

	buf_puts(q, "SELECT ");
	for (i = 0; req->proplist[i] != NULL; i++) {
		if (!wsman_valid_name(req->proplist[i])) {
			wbem_error_set(err, WBEM_E_USAGE, 0, "request",
			    "bad property name in the property list");
			return (-1);
		}
		buf_printf(q, "%s%s", i ? "," : "", req->proplist[i]);
	}
	if (i == 0)
		buf_puts(q, "*");
	buf_printf(q, " FROM %s", req->classname);
	return (0);
}

/* The class after FROM in a WQL query: fragment items carry no class name. */
static char *
wql_from_class(const char *q)
{
	const char	*p, *e;

	for (p = q; *p != '\0'; p++) {
		if (strncasecmp(p, "from", 4) != 0)
			continue;
		if (p != q && !isspace((unsigned char)p[-1]))
			continue;
		if (!isspace((unsigned char)p[4]))
			continue;
		for (p += 4; isspace((unsigned char)*p); p++)
			;
		for (e = p; isalnum((unsigned char)*e) || *e == '_'; e++)
			;
		if (e == p || e - p > NAME_MAX_LEN)
			return (xstrdup(""));
		return (xstrndup(p, (size_t)(e - p)));
	}
	return (xstrdup(""));
}

/* The WMI plugin's resource URI of a class (or "*") in a namespace. */
char *
wsman_class_uri(const char *ns, const char *cls)
{
	size_t	 n;
	char	*s;

	n = strlen(WMI_URI) + strlen(ns) + strlen(cls) + 2;
	s = xmalloc(n);
	snprintf(s, n, "%s%s/%s", WMI_URI, ns, cls);
	return (s);
}

static int
enc_enumerate(const struct wbem_request *req, const struct wsman_opts *o,
    const char *msgid, struct wsman_state *st, struct buf *b,
    struct wbem_error *err)
{
	struct buf	 q;
	const char	*query = NULL, *mode = NULL;
	int		 r = 0;

	buf_init(&q, 0);
	if (req->op == WBEM_OP_QUERY) {
		if (req->query_lang != NULL &&
		    str_casecmp_ascii(req->query_lang, "WQL") != 0) {
			wbem_error_set(err, WBEM_E_USAGE,
			    CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED, "request",
			    "WinRM only takes WQL, not %.64s", req->query_lang);
			goto fail;
		}
		if (req->query == NULL || *req->query == '\0') {
			wbem_error_set(err, WBEM_E_USAGE, 0, "request",
			    "query without text");
			goto fail;
		}
		query = req->query;
		st->classname = wql_from_class(query);
	} else {
		if (!wsman_valid_name(req->classname)) {
			wbem_error_set(err, WBEM_E_USAGE, 0, "request",
			    "bad or missing class name");
			goto fail;
		}
		st->classname = xstrdup(req->classname);
		if (req->op == WBEM_OP_ENUM && req->proplist != NULL) {
			if (enc_proplist_query(&q, req, err) == -1)
				goto fail;
			query = q.data;
		}
		if (req->op == WBEM_OP_ENUM_NAMES)
			mode = "EnumerateEPR";
	}
	/* a WQL filter goes to the namespace's "*" resource */
	st->resource_uri = wsman_class_uri(st->ns, query != NULL ? "*" :
	    st->classname);
	r |= enc_header(b, o, ACT_ENUMERATE, st->resource_uri, msgid, NULL);
	r |= buf_puts(b, "<n:Enumerate><w:OptimizeEnumeration/>");
	r |= buf_printf(b, "<w:MaxElements>%u</w:MaxElements>",
	    opt_max_elements(o));
	if (mode != NULL)
		r |= buf_printf(b, "<w:EnumerationMode>%s</w:EnumerationMode>",
		    mode);
	if (query != NULL) {
		r |= buf_puts(b, "<w:Filter Dialect=\"" WQL_DIALECT "\">");
		r |= buf_xml_escape(b, query);
		r |= buf_puts(b, "</w:Filter>");
	}
	r |= buf_puts(b, "</n:Enumerate>");
	r |= wsman_enc_tail(b);
	buf_release(&q);
	if (r != 0)
		return (enc_fail(err, "Enumerate"));
	st->sent = WSMAN_MSG_ENUMERATE;
	return (0);
fail:
	buf_release(&q);
	return (-1);
}

static int
check_keys(const struct cim_path *p, struct wbem_error *err)
{
	size_t	i;

	for (i = 0; i < p->nkeys; i++)
		if (!wsman_valid_name(p->keys[i].name)) {
			wbem_error_set(err, WBEM_E_USAGE, 0, "request",
			    "bad key name in the instance path");
			return (-1);
		}
	return (0);
}

static int
enc_get(const struct wbem_request *req, const struct wsman_opts *o,
    const char *msgid, struct wsman_state *st, struct buf *b,
    struct wbem_error *err)
{
	int	r = 0;

	if (check_keys(req->path, err) == -1)
		return (-1);
	r |= enc_header(b, o, ACT_GET, st->resource_uri, msgid, req->path);
	r |= wsman_enc_tail(b);
	if (r != 0)
		return (enc_fail(err, "Get"));
	st->sent = WSMAN_MSG_GET;
	return (0);
}

/*
 * Invoke: the action is the resource URI plus the method; the body is
 * <p:METHOD_INPUT> with one element per parameter in the class namespace.
 * A NULL parameter is left out, which WMI treats as NULL anyway.
 */
static int
enc_invoke(const struct wbem_request *req, const struct wsman_opts *o,
    const char *msgid, struct wsman_state *st, struct buf *b,
    struct wbem_error *err)
{
	const struct cim_property	*p;
	const char			*t;
	char				*action;
	size_t				 i, j, n;
	int				 r = 0;

	if (!wsman_valid_name(req->method)) {
		wbem_error_set(err, WBEM_E_USAGE, 0, "request",
		    "bad or missing method name");
		return (-1);
	}
	if (check_keys(req->path, err) == -1)
		return (-1);
	for (i = 0; i < req->nparams; i++) {
		p = &req->params[i];
		if (!wsman_valid_name(p->name)) {
			wbem_error_set(err, WBEM_E_USAGE, 0, "request",
			    "bad parameter name");
			return (-1);
		}
		if (p->v.embedded || p->v.type == CIM_T_OBJECT ||
		    p->v.type == CIM_T_REFERENCE) {
			wbem_error_set(err, WBEM_E_USAGE, 0, "request",
			    "parameter %.64s: objects and references are not "
			    "supported over WS-Management", p->name);
			return (-1);
		}
	}
	st->method = xstrdup(req->method);
	n = strlen(st->resource_uri) + strlen(req->method) + 2;
	action = xmalloc(n);
	snprintf(action, n, "%s/%s", st->resource_uri, req->method);
	r |= enc_header(b, o, action, st->resource_uri, msgid, req->path);
	free(action);
	r |= buf_printf(b, "<p:%s_INPUT xmlns:p=\"", req->method);
	r |= buf_xml_escape(b, st->resource_uri);
	r |= buf_puts(b, "\">");
	for (i = 0; i < req->nparams; i++) {
		p = &req->params[i];
		if (p->v.is_null)
			continue;
		for (j = 0; j < p->v.nvals; j++) {
			t = p->v.vals[j] != NULL ? p->v.vals[j] : "";
			r |= buf_printf(b, "<p:%s>", p->name);
			if (p->v.type == CIM_T_BOOLEAN) {
				/* xs:boolean is lower case */
				if (str_casecmp_ascii(t, "true") == 0)
					t = "true";
				else if (str_casecmp_ascii(t, "false") == 0)
					t = "false";
				r |= buf_puts(b, t);
			} else if (p->v.type == CIM_T_DATETIME) {
				r |= buf_puts(b, "<cim:CIM_DateTime>");
				r |= buf_xml_escape(b, t);
				r |= buf_puts(b, "</cim:CIM_DateTime>");
			} else
				r |= buf_xml_escape(b, t);
			r |= buf_printf(b, "</p:%s>", p->name);
		}
	}
	r |= buf_printf(b, "</p:%s_INPUT>", req->method);
	r |= wsman_enc_tail(b);
	if (r != 0)
		return (enc_fail(err, "Invoke"));
	st->sent = WSMAN_MSG_INVOKE;
	return (0);
}

int
wsman_encode_request(const struct wbem_request *req,
    const struct wsman_opts *o, const char *msgid, struct wsman_state *st,
    struct buf *b, struct wbem_error *err)
{
	const char	*ns;

	wbem_error_clear(err);
	wsman_state_clear(st);
	st->op = req->op;
	if (o->endpoint == NULL || msgid == NULL) {
		wbem_error_set(err, WBEM_E_USAGE, 0, "request",
		    "WS-Management request without endpoint or MessageID");
		return (-1);
	}
	ns = req->ns != NULL ? req->ns : "root/cimv2";
	if (!valid_ns(ns)) {
		wbem_error_set(err, WBEM_E_USAGE, 0, "request",
		    "bad namespace name");
		return (-1);
	}
	st->ns = ns_dup(ns);

	switch (req->op) {
	case WBEM_OP_ENUM:
	case WBEM_OP_ENUM_NAMES:
	case WBEM_OP_QUERY:
		return (enc_enumerate(req, o, msgid, st, b, err));
	case WBEM_OP_GET:
	case WBEM_OP_INVOKE:
		if (req->path == NULL ||
		    !wsman_valid_name(req->path->classname)) {
			wbem_error_set(err, WBEM_E_USAGE, 0, "request",
			    "%s needs an instance path with a class",
			    req->op == WBEM_OP_GET ? "Get" : "Invoke");
			return (-1);
		}
		st->classname = xstrdup(req->path->classname);
		st->resource_uri = wsman_class_uri(st->ns, st->classname);
		if (req->op == WBEM_OP_GET)
			return (enc_get(req, o, msgid, st, b, err));
		return (enc_invoke(req, o, msgid, st, b, err));
	case WBEM_OP_GET_CLASS:
		wbem_error_set(err, WBEM_E_USAGE, CIM_ERR_NOT_SUPPORTED,
		    "request", "GetClass is not available over WS-Management");
		return (-1);
	}
	wbem_error_set(err, WBEM_E_USAGE, 0, "request", "unknown operation");
	return (-1);
}

static int
enc_context_msg(const struct wsman_opts *o, struct wsman_state *st,
    const char *msgid, struct buf *b, struct wbem_error *err, int pull)
{
	int	r = 0;

	wbem_error_clear(err);
	if (st->context == NULL || st->resource_uri == NULL ||
	    o->endpoint == NULL || msgid == NULL) {
		wbem_error_set(err, WBEM_E_USAGE, 0, "request",
		    "%s without an enumeration context",
		    pull ? "Pull" : "Release");
		return (-1);
	}
	r |= enc_header(b, o, pull ? ACT_PULL : ACT_RELEASE, st->resource_uri,
	    msgid, NULL);
	r |= buf_puts(b, pull ? "<n:Pull>" : "<n:Release>");
	r |= buf_puts(b, "<n:EnumerationContext>");
	r |= buf_xml_escape(b, st->context);
	r |= buf_puts(b, "</n:EnumerationContext>");
	if (pull)
		r |= buf_printf(b, "<n:MaxElements>%u</n:MaxElements></n:Pull>",
		    opt_max_elements(o));
	else
		r |= buf_puts(b, "</n:Release>");
	r |= wsman_enc_tail(b);
	if (r != 0)
		return (enc_fail(err, pull ? "Pull" : "Release"));
	st->sent = pull ? WSMAN_MSG_PULL : WSMAN_MSG_RELEASE;
	return (0);
}

int
wsman_encode_pull(const struct wsman_opts *o, struct wsman_state *st,
    const char *msgid, struct buf *b, struct wbem_error *err)
{
	return (enc_context_msg(o, st, msgid, b, err, 1));
}

int
wsman_encode_release(const struct wsman_opts *o, struct wsman_state *st,
    const char *msgid, struct buf *b, struct wbem_error *err)
{
	return (enc_context_msg(o, st, msgid, b, err, 0));
}

/* ---- values ------------------------------------------------------------- */

int
wsman_digits(const char *s, size_t n, unsigned *out)
{
	unsigned	v = 0;
	size_t		i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return (-1);
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return (0);
}

/*
 * xs:dateTime "2013-04-15T16:28:47.73517Z" -> CIM "20130415162847.735170+000".
 * -1 when it is not one (the caller keeps the raw text).
 */
static int
xs_datetime_to_cim(const char *s, char *out, size_t outlen)
{
	unsigned	 y, mo, d, h, mi, sec, oh = 0, om = 0;
	char		 frac[7] = "000000", sign = '+';
	const char	*p;
	size_t		 k;

	if (strlen(s) < 19 || wsman_digits(s, 4, &y) || s[4] != '-' ||
	    wsman_digits(s + 5, 2, &mo) || s[7] != '-' ||
	    wsman_digits(s + 8, 2, &d) || s[10] != 'T' ||
	    wsman_digits(s + 11, 2, &h) || s[13] != ':' ||
	    wsman_digits(s + 14, 2, &mi) || s[16] != ':' ||
	    wsman_digits(s + 17, 2, &sec))
		return (-1);
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 ||
	    sec > 60)
		return (-1);
	p = s + 19;
	if (*p == '.') {
		for (p++, k = 0; isdigit((unsigned char)*p); p++, k++)
			if (k < 6)
				frac[k] = *p;
		if (k == 0)
			return (-1);
	}
	if (*p == 'Z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p;
		if (strlen(p) < 6 || wsman_digits(p + 1, 2, &oh) ||
		    p[3] != ':' || wsman_digits(p + 4, 2, &om) || oh > 14 ||
		    om > 59)
			return (-1);
		p += 6;
	}
	if (*p != '\0')
		return (-1);
	snprintf(out, outlen, "%04u%02u%02u%02u%02u%02u.%s%c%03u", y, mo, d,
	    h, mi, sec, frac, sign, oh * 60 + om);
	return (0);
}

/*
 * xs:duration "P1DT2H3M4.5S" -> CIM interval "00000001020304.500000:000".
 * Years and months have no fixed length: -1, the raw text is kept.
 */
static int
xs_duration_to_cim(const char *s, char *out, size_t outlen)
{
	unsigned long long	 days = 0, secs = 0, v;
	char			 frac[7] = "000000";
	const char		*p = s;
	int			 in_time = 0, any = 0;
	size_t			 k;

	if (*p++ != 'P')
		return (-1);
	while (*p != '\0') {
		if (*p == 'T') {
			if (in_time)
				return (-1);
			in_time = 1;
			p++;
			continue;
		}
		if (!isdigit((unsigned char)*p))
			return (-1);
		for (v = 0; isdigit((unsigned char)*p); p++) {
			if (v > 100000000ULL)
				return (-1);
			v = v * 10 + (unsigned)(*p - '0');
		}
		if (*p == '.' && in_time) {
			for (p++, k = 0; isdigit((unsigned char)*p); p++, k++)
				if (k < 6)
					frac[k] = *p;
			if (*p != 'S')
				return (-1);
		}
		switch (*p) {
		case 'D':
			if (in_time)
				return (-1);
			days += v;
			break;
		case 'H':
			secs += v * 3600;
			break;
		case 'M':
			if (!in_time)
				return (-1);	/* months */
			secs += v * 60;
			break;
		case 'S':
			if (!in_time)
				return (-1);
			secs += v;
			break;
		default:
			return (-1);
		}
		if (*p != 'D' && !in_time)
			return (-1);
		any = 1;
		p++;
	}
	if (!any)
		return (-1);
	days += secs / 86400;
	secs %= 86400;
	if (days > 99999999ULL)
		return (-1);
	snprintf(out, outlen, "%08llu%02llu%02llu%02llu.%s:000", days,
	    secs / 3600, secs / 60 % 60, secs % 60, frac);
	return (0);
}

/* A cim:Datetime family element's value, as CIM datetime text if it can. */
static char *
datetime_text(xmlNode *dt, enum cim_type *type)
{
	char	 out[64];
	char	*raw;

	raw = wsman_node_text(dt);
	wsman_trim(raw);
	*type = CIM_T_DATETIME;
	if (strcmp((const char *)dt->name, "Datetime") == 0) {
		if (xs_datetime_to_cim(raw, out, sizeof(out)) == 0) {
			free(raw);
			return (xstrdup(out));
		}
	} else if (strcmp((const char *)dt->name, "Interval") == 0) {
		if (xs_duration_to_cim(raw, out, sizeof(out)) == 0) {
			free(raw);
			return (xstrdup(out));
		}
	} else if (strcmp((const char *)dt->name, "CIM_DateTime") == 0)
		return (raw);
	/* cim:Date, cim:Time, or a form we cannot rewrite: keep it as text */
	*type = CIM_T_STRING;
	return (raw);
}

static int
xsitype_lookup(xmlNode *n, enum cim_type *type)
{
	char		*v;
	const char	*local;
	size_t		 i;
	int		 found = -1;

	if ((v = wsman_attr_get(n, NS_XSI, "type")) == NULL)
		return (-1);
	local = strchr(v, ':') != NULL ? strchr(v, ':') + 1 : v;
	for (i = 0; i < nitems(wsman_xsitypes); i++)
		if (strcmp(wsman_xsitypes[i].name, local) == 0) {
			*type = wsman_xsitypes[i].type;
			found = 0;
			break;
		}
	free(v);
	return (found);
}

static void path_text(const struct cim_path *, struct buf *);
static struct cim_path *epr_to_path(xmlNode *);

/*
 * The text and type of one property element.  Returns the text (caller
 * frees) or NULL for a NULL value.
 */
static char *
prop_value(const struct wsman_opts *o, xmlNode *el, const char *cls,
    enum cim_type *type)
{
	const struct wsman_ptype	*pt;
	struct cim_path			*path;
	struct buf			 b;
	xmlNode				*c;
	char				*text;
	enum cim_type			 xt;

	pt = ptype_find(o, cls, (const char *)el->name);
	*type = pt != NULL ? pt->type : CIM_T_STRING;
	if (xsitype_lookup(el, &xt) == 0)
		*type = xt;
	if (wsman_is_nil(el))
		return (NULL);
	if ((c = wsman_first_el(el->children)) == NULL) {
		text = wsman_node_text(el);
		if (*type != CIM_T_STRING && *type != CIM_T_CHAR16)
			wsman_trim(text);
		/* a value that does not fit the type we assumed stays text */
		if (*type != CIM_T_STRING && cim_value_check(*type, text) != 0)
			*type = CIM_T_STRING;
		return (text);
	}
	if (c->ns != NULL && strcmp((const char *)c->ns->href, NS_CIM) == 0 &&
	    wsman_next_el(c) == NULL) {
		text = datetime_text(c, type);
		if (*type == CIM_T_DATETIME &&
		    cim_value_check(CIM_T_DATETIME, text) != 0)
			*type = CIM_T_STRING;
		return (text);
	}
	if (wsman_child_el(el, NS_A, "Address") != NULL &&
	    (path = epr_to_path(el)) != NULL) {
		buf_init(&b, 0);
		path_text(path, &b);
		cim_path_free(path);
		*type = CIM_T_REFERENCE;
		return (buf_steal(&b, NULL));
	}
	/* an embedded instance: kept as XML text, as CIM-XML keeps it */
	buf_init(&b, 0);
	for (c = el->children; c != NULL; c = c->next) {
		xmlBufferPtr xb = xmlBufferCreate();

		if (xb == NULL)
			fatal("out of memory");
		xmlNodeDump(xb, el->doc, c, 0, 0);
		buf_add(&b, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
		xmlBufferFree(xb);
	}
	*type = CIM_T_OBJECT;
	return (buf_steal(&b, NULL));
}

/* Class.k="v",k2="w": the form cim_path_parse reads back. */
static void
path_text(const struct cim_path *p, struct buf *b)
{
	const char	*v;
	size_t		 i;

	buf_puts(b, p->classname != NULL ? p->classname : "");
	for (i = 0; i < p->nkeys; i++) {
		buf_printf(b, "%s%s=\"", i ? "," : ".", p->keys[i].name);
		for (v = p->keys[i].value; v != NULL && *v != '\0'; v++) {
			if (*v == '"' || *v == '\\')
				buf_add(b, "\\", 1);
			buf_add(b, v, 1);
		}
		buf_puts(b, "\"");
	}
}

/* A WS-Addressing EPR (a:Address + ResourceURI + SelectorSet) as a path. */
static struct cim_path *
epr_to_path(xmlNode *epr)
{
	struct cim_path	*p;
	xmlNode		*rp, *uri, *set, *s;
	char		*u, *name, *val, *cls, *ns = NULL;
	size_t		 wl = strlen(WMI_URI);

	if ((rp = wsman_child_el(epr, NS_A, "ReferenceParameters")) == NULL ||
	    (uri = wsman_child_el(rp, NS_W, "ResourceURI")) == NULL)
		return (NULL);
	u = wsman_node_text(uri);
	wsman_trim(u);
	if ((cls = strrchr(u, '/')) == NULL || !wsman_valid_name(cls + 1)) {
		free(u);
		return (NULL);
	}
	*cls++ = '\0';
	if (strncmp(u, WMI_URI, wl) == 0 && u[wl] != '\0')
		ns = u + wl;
	p = cim_path_new(ns, cls);
	free(u);
	if ((set = wsman_child_el(rp, NS_W, "SelectorSet")) == NULL)
		return (p);
	for (s = wsman_first_el(set->children); s != NULL;
	    s = wsman_next_el(s)) {
		if (!wsman_is_el(s, NS_W, "Selector") ||
		    (name = wsman_attr_get(s, NULL, "Name")) == NULL)
			continue;
		val = wsman_node_text(s);
		if (strcmp(name, "__cimnamespace") == 0) {
			free(p->ns);
			p->ns = val;
		} else {
			cim_path_add_key(p, name, CIM_T_STRING, val);
			free(val);
		}
		free(name);
	}
	return (p);
}

/*
 * One item: an element named for its class with one child per property
 * (qualified by the class namespace, or unqualified in a w:XmlFragment).
 * Repeated children are an array; an absent array is simply not there.
 */
static struct cim_instance *
item_to_instance(const struct wsman_opts *o, xmlNode *el, const char *cls,
    const char *ns)
{
	struct cim_instance		*inst;
	struct cim_property		*p;
	const struct wsman_ptype	*pt;
	xmlNode				*c, *d, *prev;
	char				*text;
	enum cim_type			 type;
	size_t				 n;
	int				 seen;

	inst = cim_instance_new(cls);
	for (c = wsman_first_el(el->children); c != NULL;
	    c = wsman_next_el(c)) {
		/* already taken as part of an array? */
		seen = 0;
		for (prev = wsman_first_el(el->children); prev != c;
		    prev = wsman_next_el(prev))
			if (strcmp((const char *)prev->name,
			    (const char *)c->name) == 0) {
				seen = 1;
				break;
			}
		if (seen)
			continue;
		for (n = 0, d = c; d != NULL; d = wsman_next_el(d))
			if (strcmp((const char *)d->name,
			    (const char *)c->name) == 0)
				n++;
		if (n == 1) {
			text = prop_value(o, c, cls, &type);
			cim_instance_add(inst, (const char *)c->name, type,
			    text);
			free(text);
			continue;
		}
		/* an array; a nil member is a NULL member (VALUE.NULL) */
		p = cim_instance_add(inst, (const char *)c->name, CIM_T_STRING,
		    NULL);
		p->v.is_array = 1;
		p->v.type = CIM_T_NONE;
		for (d = c; d != NULL; d = wsman_next_el(d)) {
			if (strcmp((const char *)d->name,
			    (const char *)c->name) != 0)
				continue;
			text = prop_value(o, d, cls, &type);
			/* members disagree on the type: all stay text */
			if (p->v.type == CIM_T_NONE)
				p->v.type = type;
			else if (p->v.type != type)
				p->v.type = CIM_T_STRING;
			cim_value_add(&p->v, text);
			free(text);
		}
	}
	/* the key properties we know give the instance its path */
	for (c = wsman_first_el(el->children); c != NULL;
	    c = wsman_next_el(c)) {
		pt = ptype_find(o, cls, (const char *)c->name);
		if (pt == NULL || !pt->key || wsman_is_nil(c))
			continue;
		if (inst->path == NULL)
			inst->path = cim_path_new(ns, cls);
		text = wsman_node_text(c);
		cim_path_add_key(inst->path, pt->prop, CIM_T_STRING, text);
		free(text);
	}
	return (inst);
}

/* ---- faults ------------------------------------------------------------- */

static const struct {
	const char	*ns;
	const char	*prefix;
} wsman_prefixes[] = {
	{ NS_W, "w" }, { NS_N, "n" }, { NS_A, "a" }, { NS_X, "x" },
	{ NS_E, "e" }, { NS_S, "s" }, { NS_MSW, "p" },
};

/*
 * CIM status for a fault subcode when the fault carries none, after
 * DSP0227's mapping where it gives one.  WinRM folds an unknown class and
 * a bad query into n:CannotProcessFilter: both become INVALID_QUERY.
 */
static const struct {
	const char	*subcode;
	int		 code;
} wsman_subcodes[] = {
	{ "w:AccessDenied", CIM_ERR_ACCESS_DENIED },
	{ "w:AlreadyExists", CIM_ERR_ALREADY_EXISTS },
	{ "n:CannotProcessFilter", CIM_ERR_INVALID_QUERY },
	{ "w:CannotProcessFilter", CIM_ERR_INVALID_QUERY },
	{ "n:FilterDialectRequestedUnavailable",
	    CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED },
	{ "n:FilteringNotSupported", CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED },
	{ "a:DestinationUnreachable", CIM_ERR_NOT_FOUND },
	{ "w:InvalidSelectors", CIM_ERR_NOT_FOUND },
	{ "a:ActionNotSupported", CIM_ERR_NOT_SUPPORTED },
	{ "w:ActionNotSupported", CIM_ERR_NOT_SUPPORTED },
	{ "w:UnsupportedFeature", CIM_ERR_NOT_SUPPORTED },
	{ "w:InvalidParameter", CIM_ERR_INVALID_PARAMETER },
	{ "w:SchemaValidationError", CIM_ERR_INVALID_PARAMETER },
	{ "x:InvalidRepresentation", CIM_ERR_INVALID_PARAMETER },
	{ "w:QuotaLimit", 27 },	/* SERVER_LIMITS_EXCEEDED, as WinRM says */
	{ "w:EncodingLimit", 27 },
	{ "n:InvalidEnumerationContext", 21 },	/* INVALID_ENUM..._CONTEXT */
	{ "w:TimedOut", CIM_ERR_FAILED },	/* DSP0200 has no timed out */
	{ "w:InternalError", CIM_ERR_FAILED },
};

/* WMI HRESULTs (WBEM_E_*) as CIM status codes. */
static const struct {
	unsigned long	 hr;
	int		 code;
} wsman_wmicodes[] = {
	{ 0x80041001UL, CIM_ERR_FAILED },
	{ 0x80041002UL, CIM_ERR_NOT_FOUND },
	{ 0x80041003UL, CIM_ERR_ACCESS_DENIED },
	{ 0x80041005UL, CIM_ERR_TYPE_MISMATCH },
	{ 0x80041008UL, CIM_ERR_INVALID_PARAMETER },
	{ 0x8004100CUL, CIM_ERR_NOT_SUPPORTED },
	{ 0x8004100EUL, CIM_ERR_INVALID_NAMESPACE },
	{ 0x80041010UL, CIM_ERR_INVALID_CLASS },
	{ 0x80041017UL, CIM_ERR_INVALID_QUERY },
	{ 0x80041018UL, CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED },
	{ 0x80041019UL, CIM_ERR_ALREADY_EXISTS },
	{ 0x8004102EUL, CIM_ERR_METHOD_NOT_FOUND },
	{ 0x80041055UL, CIM_ERR_METHOD_NOT_AVAILABLE },
};

static int
wmi_hresult_code(const char *text)
{
	uint64_t	v;
	size_t		i;

	if (text == NULL || parse_u64(text, &v) == -1)
		return (0);
	for (i = 0; i < nitems(wsman_wmicodes); i++)
		if (wsman_wmicodes[i].hr == v)
			return (wsman_wmicodes[i].code);
	return (0);
}

/* A QName's text with its prefix replaced by ours ("wsman:X" -> "w:X"). */
static void
fault_qname(xmlNode *val, char *out, size_t outlen)
{
	char		*t, *colon;
	const char	*local, *pfx;
	xmlNs		*ns = NULL;
	size_t		 i;

	t = wsman_node_text(val);
	wsman_trim(t);
	if ((colon = strchr(t, ':')) != NULL) {
		*colon = '\0';
		local = colon + 1;
		ns = xmlSearchNs(val->doc, val, (const xmlChar *)t);
	} else {
		local = t;
		ns = xmlSearchNs(val->doc, val, NULL);
	}
	pfx = colon != NULL ? t : NULL;
	if (ns != NULL && ns->href != NULL)
		for (i = 0; i < nitems(wsman_prefixes); i++)
			if (strcmp((const char *)ns->href,
			    wsman_prefixes[i].ns) == 0) {
				pfx = wsman_prefixes[i].prefix;
				break;
			}
	snprintf(out, outlen, "%s%s%s", pfx != NULL ? pfx : "",
	    pfx != NULL ? ":" : "", local);
	free(t);
}

/*
 * The innermost message of an f:WSManFault: f:Message may hold text, or an
 * f:ProviderFault that holds another f:WSManFault (or text) in turn.
 */
static char *
wsmanfault_message(xmlNode *wf, int depth)
{
	xmlNode	*msg, *pf, *inner;
	char	*s;

	if (wf == NULL || depth > 8 ||
	    (msg = wsman_child_el(wf, NS_F, "Message")) == NULL)
		return (NULL);
	if ((pf = wsman_child_el(msg, NS_F, "ProviderFault")) != NULL) {
		if ((inner = wsman_child_el(pf, NS_F, "WSManFault")) != NULL &&
		    (s = wsmanfault_message(inner, depth + 1)) != NULL)
			return (s);
		/* text directly in the provider fault, around ExtendedError */
		for (inner = pf->children; inner != NULL; inner = inner->next)
			if (inner->type == XML_TEXT_NODE) {
				s = node_text_squeezed(inner);
				if (*s != '\0')
					return (s);
				free(s);
			}
		return (NULL);
	}
	s = node_text_squeezed(msg);
	if (*s == '\0') {
		free(s);
		return (NULL);
	}
	return (s);
}

static char *
child_text_nonnil(xmlNode *parent, const char *name)
{
	xmlNode	*c;
	char	*s;

	for (c = wsman_first_el(parent->children); c != NULL;
	    c = wsman_next_el(c))
		if (strcmp((const char *)c->name, name) == 0) {
			if (wsman_is_nil(c))
				return (NULL);
			s = node_text_squeezed(c);
			if (*s == '\0') {
				free(s);
				return (NULL);
			}
			return (s);
		}
	return (NULL);
}

/*
 * A SOAP fault as a CIM error.  name: the subcode QName; wsman_code: the
 * f:WSManFault Code (else MSFT_WmiError error_Code); description: the
 * innermost message (f:Message, MSFT_WmiError Message, s:Reason/s:Text),
 * with __ExtendedStatus's operation and parameter appended; code:
 * MSFT_WmiError CIMStatusCode, else a WMI HRESULT from __ExtendedStatus or
 * the WSManFault, else the subcode table, else CIM_ERR_FAILED.
 */
static void
fault_to_error(xmlNode *fault, long status, struct wbem_error *err)
{
	xmlNode	*code, *sub, *val, *detail, *wf, *wmi, *ext, *reason;
	char	 name[64] = "", wcode[32] = "";
	char	*desc = NULL, *s, *op, *param;
	int	 cimcode = 0;
	size_t	 i;
	uint64_t v;

	if ((code = wsman_child_el(fault, NS_S, "Code")) != NULL) {
		val = wsman_child_el(code, NS_S, "Value");
		for (sub = wsman_child_el(code, NS_S, "Subcode"); sub != NULL;
		    sub = wsman_child_el(sub, NS_S, "Subcode"))
			if (wsman_child_el(sub, NS_S, "Value") != NULL)
				val = wsman_child_el(sub, NS_S, "Value");
		if (val != NULL)
			fault_qname(val, name, sizeof(name));
	}
	detail = wsman_child_el(fault, NS_S, "Detail");
	wf = detail != NULL ? wsman_child_el(detail, NS_F, "WSManFault") : NULL;
	wmi = NULL;
	if (detail != NULL)
		for (val = wsman_first_el(detail->children); val != NULL;
		    val = wsman_next_el(val))
			if (strcmp((const char *)val->name,
			    "MSFT_WmiError") == 0)
				wmi = val;
	ext = NULL;
	if (wf != NULL) {
		if ((s = wsman_attr_get(wf, NULL, "Code")) != NULL) {
			wsman_trim(s);
			strlcpy(wcode, s, sizeof(wcode));
			free(s);
		}
		desc = wsmanfault_message(wf, 0);
		/* __ExtendedStatus sits in f:ExtendedError, in any prefix */
		if ((val = find_el(wf, NS_F, "ExtendedError")) != NULL)
			ext = wsman_first_el(val->children);
	}
	if (wmi != NULL) {
		if (desc == NULL)
			desc = child_text_nonnil(wmi, "Message");
		if ((s = child_text_nonnil(wmi, "CIMStatusCode")) != NULL) {
			if (parse_u64(s, &v) == 0 && v > 0 && v < 1000)
				cimcode = (int)v;
			free(s);
		}
		if (wcode[0] == '\0' &&
		    (s = child_text_nonnil(wmi, "error_Code")) != NULL) {
			strlcpy(wcode, s, sizeof(wcode));
			free(s);
		}
	}
	if (desc == NULL &&
	    (reason = wsman_child_el(fault, NS_S, "Reason")) != NULL &&
	    (val = wsman_child_el(reason, NS_S, "Text")) != NULL)
		desc = node_text_squeezed(val);
	if (ext != NULL &&
	    strcmp((const char *)ext->name, "__ExtendedStatus") == 0) {
		if (desc == NULL)
			desc = child_text_nonnil(ext, "Description");
		if (cimcode == 0 &&
		    (s = child_text_nonnil(ext, "StatusCode")) != NULL) {
			cimcode = wmi_hresult_code(s);
			free(s);
		}
		op = child_text_nonnil(ext, "Operation");
		param = child_text_nonnil(ext, "ParameterInfo");
		if (op != NULL || param != NULL) {
			struct buf b;

			buf_init(&b, 0);
			buf_printf(&b, "%s (WMI %s%s%s)",
			    desc != NULL ? desc : "", op != NULL ? op : "",
			    op != NULL && param != NULL ? ": " : "",
			    param != NULL ? param : "");
			free(desc);
			desc = buf_steal(&b, NULL);
		}
		free(op);
		free(param);
	}
	if (cimcode == 0)
		cimcode = wmi_hresult_code(wcode);
	if (cimcode == 0)
		for (i = 0; i < nitems(wsman_subcodes); i++)
			if (strcmp(wsman_subcodes[i].subcode, name) == 0) {
				cimcode = wsman_subcodes[i].code;
				break;
			}
	if (cimcode == 0)
		cimcode = CIM_ERR_FAILED;
	wbem_error_set(err, WBEM_E_CIM, cimcode, name[0] ? name : "s:Fault",
	    "%s", desc != NULL ? desc : "SOAP fault without a reason");
	err->http_status = status;
	wbem_text_sanitize(err->wsman_code, sizeof(err->wsman_code), wcode);
	free(desc);
}

/* ---- decoding ----------------------------------------------------------- */

static enum wbem_result_kind
result_kind(enum wbem_op op)
{
	switch (op) {
	case WBEM_OP_ENUM_NAMES:
		return (WBEM_R_PATHS);
	case WBEM_OP_INVOKE:
		return (WBEM_R_METHOD);
	default:
		return (WBEM_R_INSTANCES);
	}
}

static int proto_err(struct wbem_error *, long, const char *, ...)
    PRINTFLIKE(3, 4);

/* A reply that is not the one WS-Management promises. */
static int
proto_err(struct wbem_error *err, long status, const char *fmt, ...)
{
	char	msg[sizeof(err->description)];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	wbem_error_set(err, WBEM_E_PROTOCOL, 0, "wsman", "%s", msg);
	err->http_status = status;
	return (-1);
}

/* Items of an EnumerateResponse / PullResponse (w:Items or n:Items). */
static int
dec_items(const struct wsman_opts *o, xmlNode *items, struct wsman_state *st,
    struct wbem_result *res, long status, struct wbem_error *err)
{
	struct cim_instance	*inst;
	struct cim_path		*path;
	xmlNode			*it, *obj;

	for (it = wsman_first_el(items->children); it != NULL;
	    it = wsman_next_el(it)) {
		if (st->op == WBEM_OP_ENUM_NAMES) {
			if (!wsman_is_el(it, NS_A, "EndpointReference") ||
			    (path = epr_to_path(it)) == NULL)
				return (proto_err(err, status,
				    "enumeration item %.64s is not an EPR",
				    (const char *)it->name));
			if (path->ns == NULL)
				path->ns = xstrdup(st->ns);
			wbem_result_add_path(res, path);
			continue;
		}
		/* EnumerateObjectAndEPR wraps each in w:Item: the object */
		obj = it;
		if (wsman_is_el(it, NS_W, "Item") &&
		    (obj = wsman_first_el(it->children)) == NULL)
			continue;
		if (wsman_is_el(obj, NS_W, "XmlFragment"))
			inst = item_to_instance(o, obj, st->classname,
			    st->ns);
		else
			inst = item_to_instance(o, obj,
			    (const char *)obj->name, st->ns);
		wbem_result_add_instance(res, inst);
	}
	return (0);
}

static int
dec_enum(const struct wsman_opts *o, xmlNode *body, struct wsman_state *st,
    struct wbem_result *res, long status, struct wbem_error *err)
{
	const char	*want;
	xmlNode		*resp, *ctx, *items, *c;
	char		*text;
	int		 eos = 0;

	want = st->sent == WSMAN_MSG_PULL ? "PullResponse" :
	    "EnumerateResponse";
	if ((resp = wsman_child_el(body, NS_N, want)) == NULL)
		return (proto_err(err, status, "reply has no n:%s", want));
	items = NULL;
	for (c = wsman_first_el(resp->children); c != NULL;
	    c = wsman_next_el(c)) {
		if (wsman_is_el(c, NS_W, "Items") ||
		    wsman_is_el(c, NS_N, "Items"))
			items = c;
		else if (wsman_is_el(c, NS_W, "EndOfSequence") ||
		    wsman_is_el(c, NS_N, "EndOfSequence"))
			eos = 1;
	}
	if (items != NULL && dec_items(o, items, st, res, status, err) == -1)
		return (-1);
	ctx = wsman_child_el(resp, NS_N, "EnumerationContext");
	free(st->context);
	st->context = NULL;
	if (ctx != NULL) {
		text = wsman_node_text(ctx);
		wsman_trim(text);
		if (*text != '\0')
			st->context = text;
		else
			free(text);
	}
	/* a finished reply may still carry a (possibly empty) context */
	if (eos) {
		free(st->context);
		st->context = NULL;
		st->done = 1;
	} else if (st->context == NULL)
		return (proto_err(err, status, "%s without end of sequence "
		    "or enumeration context", want));
	return (0);
}

static int
dec_get(const struct wsman_opts *o, xmlNode *body, struct wsman_state *st,
    struct wbem_result *res, long status, struct wbem_error *err)
{
	xmlNode	*obj;

	if ((obj = wsman_first_el(body->children)) == NULL)
		return (proto_err(err, status, "GetResponse has no instance"));
	wbem_result_add_instance(res, item_to_instance(o, obj,
	    (const char *)obj->name, st->ns));
	st->done = 1;
	return (0);
}

/* <p:METHOD_OUTPUT>: ReturnValue is the return value, the rest out params. */
static int
dec_invoke(const struct wsman_opts *o, xmlNode *body, struct wsman_state *st,
    struct wbem_result *res, long status, struct wbem_error *err)
{
	struct cim_method_result	*m = &res->method;
	struct cim_instance		*tmp;
	const char			*name, *suffix = "_OUTPUT";
	xmlNode				*out;
	size_t				 i, n, sl = strlen(suffix);

	if ((out = wsman_first_el(body->children)) == NULL)
		return (proto_err(err, status,
		    "Invoke reply has no _OUTPUT element"));
	name = (const char *)out->name;
	n = strlen(name);
	if (n <= sl || strcmp(name + n - sl, suffix) != 0)
		return (proto_err(err, status, "Invoke reply element %.64s is "
		    "not an _OUTPUT", name));
	tmp = item_to_instance(o, out, st->classname, st->ns);
	cim_method_result_clear(m);
	cim_value_init(&m->ret, CIM_T_NONE);
	m->ret.is_null = 1;
	for (i = 0; i < tmp->nprops; i++) {
		if (str_casecmp_ascii(tmp->props[i].name, "ReturnValue") != 0)
			continue;
		cim_value_copy(&m->ret, &tmp->props[i].v);
		/* WMI methods return uint32 when the schema is not at hand */
		if (m->ret.type == CIM_T_STRING && m->ret.nvals == 1 &&
		    cim_value_check(CIM_T_UINT32, m->ret.vals[0]) == 0)
			m->ret.type = CIM_T_UINT32;
		cim_property_clear(&tmp->props[i]);
		memmove(&tmp->props[i], &tmp->props[i + 1],
		    (tmp->nprops - i - 1) * sizeof(tmp->props[0]));
		tmp->nprops--;
		break;
	}
	m->out = tmp->props;
	m->nout = tmp->nprops;
	tmp->props = NULL;
	tmp->nprops = 0;
	cim_instance_free(tmp);
	st->done = 1;
	return (0);
}

int
wsman_decode_response(struct wsman_state *st, const struct wsman_opts *o,
    long status, const char *body, size_t len, const char *msgid,
    struct wbem_result **resp, struct wbem_error *err)
{
	struct _xmlDoc	*doc = NULL;
	xmlNode		*env, *hdr, *bdy, *fault, *rel;
	char		*relto = NULL;
	int		 rc = -1;

	wbem_error_clear(err);
	if (status == 401 || status == 403) {
		wbem_error_set(err, WBEM_E_AUTH, (int)status, "http",
		    "WinRM refused the credentials (HTTP %ld)", status);
		err->http_status = status;
		return (-1);
	}
	if (status == 413) {
		wbem_error_set(err, WBEM_E_TOOBIG, 413, "http",
		    "WinRM refused the request as too large (HTTP 413: over "
		    "its MaxEnvelopeSizekb)");
		err->http_status = status;
		return (-1);
	}
	if (body == NULL || len == 0) {
		if (status == 200)
			return (proto_err(err, status,
			    "empty WS-Management reply"));
		wbem_error_set(err, WBEM_E_HTTP, (int)status, "http",
		    "HTTP %ld from the WS-Management endpoint", status);
		err->http_status = status;
		return (-1);
	}
	doc = xml_parse_safe(body, len, o->max_bytes != 0 ? o->max_bytes :
	    XML_MAX_BYTES_DEFAULT, XML_MAX_DEPTH_DEFAULT, err);
	if (doc == NULL) {
		if (status != 200) {
			/* an HTML error page, likely: the status says more */
			wbem_error_set(err, WBEM_E_HTTP, (int)status, "http",
			    "HTTP %ld from the WS-Management endpoint", status);
		}
		err->http_status = status;
		return (-1);
	}
	env = xmlDocGetRootElement((xmlDoc *)doc);
	if (!wsman_is_el(env, NS_S, "Envelope")) {
		if (status != 200)
			wbem_error_set(err, WBEM_E_HTTP, (int)status, "http",
			    "HTTP %ld from the WS-Management endpoint", status);
		else
			proto_err(err, status,
			    "reply is not a SOAP 1.2 envelope");
		err->http_status = status;
		goto done;
	}
	hdr = wsman_child_el(env, NS_S, "Header");
	bdy = wsman_child_el(env, NS_S, "Body");
	rel = hdr != NULL ? wsman_child_el(hdr, NS_A, "RelatesTo") : NULL;
	if (rel != NULL) {
		relto = wsman_node_text(rel);
		wsman_trim(relto);
	}
	if (relto != NULL && msgid != NULL &&
	    str_casecmp_ascii(relto, msgid) != 0) {
		proto_err(err, status, "reply relates to %.64s, not to our "
		    "message", relto);
		goto done;
	}
	fault = bdy != NULL ? wsman_child_el(bdy, NS_S, "Fault") : NULL;
	if (fault != NULL) {
		/* a fault raised before the header was read has no RelatesTo */
		fault_to_error(fault, status, err);
		/*
		 * DSP0226: a Pull that finds no items within its
		 * OperationTimeout faults w:TimedOut and the context stays
		 * valid; WMI perf queries do stall, so pull again (bounded).
		 */
		if (st->sent == WSMAN_MSG_PULL && st->context != NULL &&
		    strcmp(err->name, "w:TimedOut") == 0 &&
		    st->ntimedout < WSMAN_PULL_TIMEOUTS_MAX) {
			st->ntimedout++;
			wbem_error_clear(err);
			if (*resp == NULL)
				*resp = wbem_result_new(result_kind(st->op));
			rc = 0;
		}
		goto done;
	}
	if (status != 200) {
		wbem_error_set(err, WBEM_E_HTTP, (int)status, "http",
		    "HTTP %ld from the WS-Management endpoint", status);
		err->http_status = status;
		goto done;
	}
	if (relto == NULL) {
		proto_err(err, status, "reply without a:RelatesTo");
		goto done;
	}
	if (bdy == NULL) {
		proto_err(err, status, "reply without s:Body");
		goto done;
	}
	if (*resp == NULL)
		*resp = wbem_result_new(result_kind(st->op));
	st->nreplies++;
	switch (st->sent) {
	case WSMAN_MSG_ENUMERATE:
	case WSMAN_MSG_PULL:
		rc = dec_enum(o, bdy, st, *resp, status, err);
		st->ntimedout = 0;
		break;
	case WSMAN_MSG_RELEASE:
		free(st->context);
		st->context = NULL;
		st->done = 1;
		rc = 0;
		break;
	case WSMAN_MSG_GET:
		rc = dec_get(o, bdy, st, *resp, status, err);
		break;
	case WSMAN_MSG_INVOKE:
		rc = dec_invoke(o, bdy, st, *resp, status, err);
		break;
	default:
		wbem_error_set(err, WBEM_E_USAGE, 0, "wsman",
		    "reply decoded with no request sent");
		break;
	}
done:
	free(relto);
	xmlFreeDoc((xmlDoc *)doc);
	return (rc);
}
