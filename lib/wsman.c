/*
 * wsman.c: the WS-Management codec, as Windows WinRM speaks it (DSP0226
 * over SOAP 1.2, with the WMI plugin's resource URIs) and as OpenPegasus
 * and openwsman do (DSP0227's DMTF cim-schema URIs, WS-Transfer Create,
 * Put and Delete, EnumerateObjectAndEPR), client half: requests out,
 * replies in.  The server half (for the mock) is
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
 *
 * Replies are decoded from the stream (xml_sax_parse), with no tree; the
 * tree walkers below are the server half's.
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
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
	"none", "Enumerate", "Pull", "Release", "Get", "Invoke", "Put",
	"Create", "Delete",
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

/* The caller's property types, hashed for one decode (ptype_index_build). */
#define PTYPE_MEMO_BITS	8	/* 256: no two of a class's names collide */
#define PTYPE_MEMO	(1u << PTYPE_MEMO_BITS)
struct ptype_index {
	const struct wsman_ptype *rows;
	size_t		 mask;
	int		*head;		/* bucket -> first row; -1: none */
	int		*next;		/* row -> next row of its bucket */
	unsigned	*hash;		/* row -> hash of its property */
	/*
	 * The last answers, by the very pointers asked with: names are
	 * libxml2's dictionary's for one parse, and every item of a reply
	 * asks again for the same class and properties.
	 */
	struct {
		const char	*cls, *prop;
		const struct wsman_ptype *row;
	}		 memo[PTYPE_MEMO];
};

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

/* FNV-1a of the name with ASCII letters folded: names match that way. */
static unsigned
ptype_hash(const char *s)
{
	unsigned	h = 2166136261u;
	unsigned char	c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		if (c >= 'A' && c <= 'Z')
			c += 'a' - 'A';
		h = (h ^ c) * 16777619u;
	}
	return (h);
}

/*
 * The caller's table hashed on the property name for one decode: every
 * property of every item is looked up, and a table has hundreds of rows,
 * which a linear case-insensitive scan went through each time.  A chain
 * keeps table order, so the first matching row still wins.
 */
static void
ptype_index_build(struct ptype_index *x, const struct wsman_opts *o)
{
	size_t	i, nb = 16;

	memset(x, 0, sizeof(*x));
	if (o->ptypes == NULL || o->nptypes == 0 || o->nptypes > INT_MAX / 4)
		return;
	while (nb < o->nptypes * 2)
		nb *= 2;
	x->rows = o->ptypes;
	x->mask = nb - 1;
	x->head = xreallocarray(NULL, nb, sizeof(*x->head));
	x->next = xreallocarray(NULL, o->nptypes, sizeof(*x->next));
	x->hash = xreallocarray(NULL, o->nptypes, sizeof(*x->hash));
	for (i = 0; i < nb; i++)
		x->head[i] = -1;
	for (i = o->nptypes; i > 0; i--) {
		x->hash[i - 1] = ptype_hash(o->ptypes[i - 1].prop);
		x->next[i - 1] = x->head[x->hash[i - 1] & x->mask];
		x->head[x->hash[i - 1] & x->mask] = (int)(i - 1);
	}
}

static void
ptype_index_free(struct ptype_index *x)
{
	free(x->head);
	free(x->next);
	free(x->hash);
}

/*
 * The caller's entry for a property of a class; NULL when it has none.
 * cls and prop must not change under their pointers during the decode.
 */
static const struct wsman_ptype *
ptype_lookup(struct ptype_index *x, const char *cls, const char *prop)
{
	const struct wsman_ptype *row = NULL;
	unsigned		 h;
	size_t			 m;
	int			 i;

	if (cls == NULL || x->head == NULL)
		return (NULL);
	/* Fibonacci hashing: dictionary strings sit a few bytes apart */
	m = (size_t)((((uint64_t)(uintptr_t)prop * 31 +
	    (uint64_t)(uintptr_t)cls) * 0x9E3779B97F4A7C15ULL) >>
	    (64 - PTYPE_MEMO_BITS));
	if (x->memo[m].prop == prop && x->memo[m].cls == cls)
		return (x->memo[m].row);
	h = ptype_hash(prop);
	for (i = x->head[h & x->mask]; i != -1; i = x->next[i])
		if (x->hash[i] == h &&
		    str_casecmp_ascii(x->rows[i].prop, prop) == 0 &&
		    ptype_cls_match(x->rows[i].cls, cls)) {
			row = &x->rows[i];
			break;
		}
	x->memo[m].cls = cls;
	x->memo[m].prop = prop;
	x->memo[m].row = row;
	return (row);
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

/*
 * The resource URI a request addresses: the caller's, else WinRM's WMI
 * URI for the classes the caller says WMI serves (o->wmi_prefixes: the
 * Windows classes) and the "*" of a WQL filter, else the DMTF cim-schema
 * URI of the class,
 * which OpenPegasus and openwsman serve (OpenPegasus answers
 * DestinationUnreachable to the WMI one).  *dmtf says which.
 */
static char *
wsman_req_uri(const struct wbem_request *req, const struct wsman_opts *o,
    const char *ns, const char *cls, int *dmtf)
{
	const char * const	*pfx;
	size_t			 n;
	char			*s;

	*dmtf = 0;
	if (req->resource_uri != NULL)
		return (xstrdup(req->resource_uri));
	if (o->wmi_prefixes == NULL || strcmp(cls, "*") == 0)
		return (wsman_class_uri(ns, cls));
	for (pfx = o->wmi_prefixes; *pfx != NULL; pfx++)
		if (strncmp(cls, *pfx, strlen(*pfx)) == 0)
			return (wsman_class_uri(ns, cls));
	*dmtf = 1;
	n = strlen(DMTF_URI) + strlen(cls) + 1;
	s = xmalloc(n);
	snprintf(s, n, "%s%s", DMTF_URI, cls);
	return (s);
}

/*
 * The selectors of a DMTF-addressed request: the path's keys, and the
 * namespace as __cimnamespace when it is not the default root/cimv2
 * (the WMI URIs carry it in the URI instead).  NULL: none.
 */
static struct cim_path *
wsman_req_sel(const struct cim_path *p, const char *ns, int dmtf)
{
	struct cim_path	*sel;

	sel = p != NULL ? cim_path_dup(p) : cim_path_new(NULL, NULL);
	if (dmtf && strcmp(ns, "root/cimv2") != 0)
		cim_path_add_key(sel, "__cimnamespace", CIM_T_STRING, ns);
	return (sel);
}

static int
enc_enumerate(const struct wbem_request *req, const struct wsman_opts *o,
    const char *msgid, struct wsman_state *st, struct buf *b,
    struct wbem_error *err)
{
	struct buf	 q;
	struct cim_path	*sel;
	const char	*query = NULL, *mode = NULL;
	int		 r = 0, dmtf;

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
		else if (req->with_epr)
			mode = "EnumerateObjectAndEPR";
	}
	/* a WQL filter goes to the namespace's "*" resource */
	st->resource_uri = wsman_req_uri(req, o, st->ns, query != NULL ?
	    "*" : st->classname, &dmtf);
	sel = wsman_req_sel(NULL, st->ns, dmtf);
	r |= enc_header(b, o, ACT_ENUMERATE, st->resource_uri, msgid, sel);
	cim_path_free(sel);
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
	struct cim_path	*sel;
	int		 r = 0;

	if (check_keys(req->path, err) == -1)
		return (-1);
	sel = wsman_req_sel(req->path, st->ns, st->dmtf);
	r |= enc_header(b, o, ACT_GET, st->resource_uri, msgid, sel);
	cim_path_free(sel);
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
	struct cim_path			*sel;
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
	sel = wsman_req_sel(req->path, st->ns, st->dmtf);
	r |= enc_header(b, o, action, st->resource_uri, msgid, sel);
	cim_path_free(sel);
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

/*
 * WS-Transfer Put, Create or Delete (DSP0227 7.3-7.5): the instance's
 * selectors (Put, Delete) and, for Put and Create, the resource's element
 * with one child per property in the resource URI's namespace (an array
 * repeats it; NULL is xsi:nil).
 */
static int
enc_transfer(const struct wbem_request *req, const struct wsman_opts *o,
    const char *msgid, struct wsman_state *st, struct buf *b,
    struct wbem_error *err)
{
	const struct cim_property	*p;
	const struct cim_path		*path;
	struct cim_path			*sel;
	const char			*act, *t;
	size_t				 i, j;
	int				 r = 0;

	path = req->op == WBEM_OP_CREATE ? NULL : req->path;
	if (path != NULL && check_keys(path, err) == -1)
		return (-1);
	for (i = 0; req->op != WBEM_OP_DELETE && req->instance != NULL &&
	    i < req->instance->nprops; i++) {
		p = &req->instance->props[i];
		if (!wsman_valid_name(p->name) || p->v.embedded ||
		    p->v.type == CIM_T_OBJECT ||
		    p->v.type == CIM_T_REFERENCE) {
			wbem_error_set(err, WBEM_E_USAGE, 0, "request",
			    "property %.64s cannot be sent over "
			    "WS-Management", p->name != NULL ? p->name : "");
			return (-1);
		}
	}
	act = req->op == WBEM_OP_MODIFY ? ACT_PUT : req->op ==
	    WBEM_OP_CREATE ? ACT_CREATE : ACT_DELETE;
	sel = wsman_req_sel(path, st->ns, st->dmtf);
	r |= enc_header(b, o, act, st->resource_uri, msgid, sel);
	cim_path_free(sel);
	if (req->op != WBEM_OP_DELETE) {
		r |= buf_printf(b, "<p:%s xmlns:p=\"", st->classname);
		r |= buf_xml_escape(b, st->resource_uri);
		r |= buf_puts(b, "\">");
		for (i = 0; req->instance != NULL &&
		    i < req->instance->nprops; i++) {
			p = &req->instance->props[i];
			if (p->v.is_null || (!p->v.is_array &&
			    p->v.nvals == 0)) {
				r |= buf_printf(b, "<p:%s xsi:nil=\"true\"/>",
				    p->name);
				continue;
			}
			for (j = 0; j < p->v.nvals; j++) {
				t = p->v.vals[j] != NULL ? p->v.vals[j] : "";
				if (p->v.type == CIM_T_BOOLEAN)
					t = str_casecmp_ascii(t, "true") == 0 ?
					    "true" : "false";
				r |= buf_printf(b, "<p:%s>", p->name);
				if (p->v.type == CIM_T_DATETIME) {
					r |= buf_puts(b, "<cim:CIM_DateTime>");
					r |= buf_xml_escape(b, t);
					r |= buf_puts(b, "</cim:CIM_DateTime>");
				} else
					r |= buf_xml_escape(b, t);
				r |= buf_printf(b, "</p:%s>", p->name);
			}
		}
		r |= buf_printf(b, "</p:%s>", st->classname);
	}
	r |= wsman_enc_tail(b);
	if (r != 0)
		return (enc_fail(err, wsman_msg_name(req->op ==
		    WBEM_OP_MODIFY ? WSMAN_MSG_PUT : req->op == WBEM_OP_CREATE ?
		    WSMAN_MSG_CREATE : WSMAN_MSG_DELETE)));
	st->sent = req->op == WBEM_OP_MODIFY ? WSMAN_MSG_PUT :
	    req->op == WBEM_OP_CREATE ? WSMAN_MSG_CREATE : WSMAN_MSG_DELETE;
	return (0);
}

int
wsman_encode_request(const struct wbem_request *req,
    const struct wsman_opts *o, const char *msgid, struct wsman_state *st,
    struct buf *b, struct wbem_error *err)
{
	const char	*ns, *cls;

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
		st->resource_uri = wsman_req_uri(req, o, st->ns,
		    st->classname, &st->dmtf);
		if (req->op == WBEM_OP_GET)
			return (enc_get(req, o, msgid, st, b, err));
		return (enc_invoke(req, o, msgid, st, b, err));
	case WBEM_OP_GET_CLASS:
		wbem_error_set(err, WBEM_E_USAGE, CIM_ERR_NOT_SUPPORTED,
		    "request", "GetClass is not available over WS-Management");
		return (-1);
	case WBEM_OP_CREATE:
	case WBEM_OP_MODIFY:
	case WBEM_OP_DELETE:
		cls = req->op == WBEM_OP_CREATE ? req->classname :
		    req->path != NULL ? req->path->classname : NULL;
		if (!wsman_valid_name(cls) || (req->op != WBEM_OP_CREATE &&
		    req->path->nkeys == 0)) {
			wbem_error_set(err, WBEM_E_USAGE, 0, "request",
			    "%s needs %s", wbem_op_name(req->op),
			    req->op == WBEM_OP_CREATE ? "a class" :
			    "an instance path with keys");
			return (-1);
		}
		st->classname = xstrdup(cls);
		st->resource_uri = wsman_req_uri(req, o, st->ns,
		    st->classname, &st->dmtf);
		return (enc_transfer(req, o, msgid, st, b, err));
	default:
		wbem_error_set(err, WBEM_E_USAGE, CIM_ERR_NOT_SUPPORTED,
		    "request", "%s is not available over WS-Management",
		    wbem_op_name(req->op));
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

/* v as n decimal digits, zero-padded (v < 10^n). */
static void
put_digits(char *out, unsigned v, int n)
{
	while (n-- > 0) {
		out[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/*
 * The parts of a DSP0004 datetime an xs: date/time form gives: date and
 * time of day as digits, or NULL where the form has none ("*" there).
 */
struct xs_dt {
	const char	*date;		/* "yyyymmdd" */
	const char	*hms;		/* "hhmmss" */
	char		 frac[7];	/* microseconds; "******" for a Date */
	char		 sign;
	unsigned	 off;		/* minutes east of UTC */
};

/* An xs: time zone, "Z", "+hh:mm", "-hh:mm" or none, ending the text. */
static int
xs_tz(const char *p, struct xs_dt *t)
{
	unsigned	oh, om;

	t->sign = '+';
	t->off = 0;
	if (*p == 'Z')
		p++;
	else if (*p == '+' || *p == '-') {
		if (strlen(p) < 6 || wsman_digits(p + 1, 2, &oh) ||
		    p[3] != ':' || wsman_digits(p + 4, 2, &om) || oh > 14 ||
		    om > 59)
			return (-1);
		t->sign = *p;
		t->off = oh * 60 + om;
		p += 6;
	}
	return (*p == '\0' ? 0 : -1);
}

/* "yyyy-mm-dd" into out ("yyyymmdd"); the text after it, NULL if none. */
static const char *
xs_date(const char *s, char out[9])
{
	unsigned	y, mo, d;

	if (strlen(s) < 10 || wsman_digits(s, 4, &y) || s[4] != '-' ||
	    wsman_digits(s + 5, 2, &mo) || s[7] != '-' ||
	    wsman_digits(s + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 ||
	    d > 31)
		return (NULL);
	put_digits(out, y, 4);
	put_digits(out + 4, mo, 2);
	put_digits(out + 6, d, 2);
	out[8] = '\0';
	return (s + 10);
}

/* "hh:mm:ss[.f...]" into out ("hhmmss") and frac; the text after it. */
static const char *
xs_time(const char *s, char out[7], char frac[7])
{
	unsigned	h, mi, sec;
	size_t		k;

	if (strlen(s) < 8 || wsman_digits(s, 2, &h) || s[2] != ':' ||
	    wsman_digits(s + 3, 2, &mi) || s[5] != ':' ||
	    wsman_digits(s + 6, 2, &sec) || h > 24 || mi > 59 || sec > 60)
		return (NULL);
	put_digits(out, h, 2);
	put_digits(out + 2, mi, 2);
	put_digits(out + 4, sec, 2);
	out[6] = '\0';
	memcpy(frac, "000000", 7);
	s += 8;
	if (*s == '.') {
		for (s++, k = 0; isdigit((unsigned char)*s); s++, k++)
			if (k < 6)
				frac[k] = *s;
		if (k == 0)
			return (NULL);
	}
	return (s);
}

/*
 * DSP0230's datetime element name (Datetime, Date or Time) and its xs:
 * text -> CIM "yyyymmddhhmmss.mmmmmmsutc", '*' for the part a Date or a
 * Time leaves out, as DSP0004 writes a datetime known only in part:
 * "2013-04-15T16:28:47.73517Z" -> "20130415162847.735170+000",
 * "2013-03-11Z" -> "20130311******.******+000",
 * "21:28:04-07:00" -> "********212804.000000-420".
 * -1 when it is not one (the caller keeps the raw text).
 */
static int
xs_datetime_to_cim(const char *name, const char *s, char *out,
    size_t outlen)
{
	struct xs_dt	 t;
	char		 date[9], hms[7];
	const char	*p = s;

	memset(&t, 0, sizeof(t));
	memcpy(t.frac, "******", 7);
	if (strcmp(name, "Time") != 0) {
		if ((p = xs_date(p, date)) == NULL)
			return (-1);
		t.date = date;
		if (strcmp(name, "Datetime") == 0 && *p++ != 'T')
			return (-1);
	}
	if (strcmp(name, "Date") != 0) {
		if ((p = xs_time(p, hms, t.frac)) == NULL)
			return (-1);
		t.hms = hms;
	}
	if (xs_tz(p, &t) != 0 || outlen < 26)
		return (-1);
	/* by hand: snprintf was a third of a datetime's cost, per property */
	memcpy(out, t.date != NULL ? t.date : "********", 8);
	memcpy(out + 8, t.hms != NULL ? t.hms : "******", 6);
	out[14] = '.';
	memcpy(out + 15, t.frac, 6);
	out[21] = t.sign;
	put_digits(out + 22, t.off, 3);
	out[25] = '\0';
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

/*
 * A cim:Datetime family element's value (raw, trimmed in place) as CIM
 * datetime text if it can be; the text to use, raw itself or out, typed
 * string when it is not one (the caller refuses it).
 */
static const char *
datetime_text(const char *name, char *raw, char *out, size_t outlen,
    enum cim_type *type)
{
	wsman_trim(raw);
	*type = CIM_T_DATETIME;
	if (strcmp(name, "Interval") == 0) {
		if (xs_duration_to_cim(raw, out, outlen) == 0)
			return (out);
	} else if (strcmp(name, "CIM_DateTime") == 0)
		return (raw);
	else if (xs_datetime_to_cim(name, raw, out, outlen) == 0)
		return (out);
	*type = CIM_T_STRING;
	return (raw);
}

/* DSP0230's datetime elements, which hold a property's value. */
static int
datetime_elem(const char *name)
{
	return (strcmp(name, "Datetime") == 0 ||
	    strcmp(name, "Interval") == 0 || strcmp(name, "Date") == 0 ||
	    strcmp(name, "Time") == 0 || strcmp(name, "CIM_DateTime") == 0);
}

static int
xsitype_lookup(const char *v, enum cim_type *type)
{
	const char	*local;
	size_t		 i;

	local = strchr(v, ':') != NULL ? strchr(v, ':') + 1 : v;
	for (i = 0; i < nitems(wsman_xsitypes); i++)
		if (strcmp(wsman_xsitypes[i].name, local) == 0) {
			*type = wsman_xsitypes[i].type;
			return (0);
		}
	return (-1);
}

/* Surrounding space removed and inner runs collapsed, in place. */
static void
squeeze(char *s)
{
	char	*r, *w;
	int	 sp = 0;

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
}

/* A buffer's text squeezed, as a new string; NULL when nothing is left. */
static char *
squeezed_dup(const struct buf *b)
{
	char	*s;

	if (b->data == NULL)
		return (NULL);
	s = xstrdup(b->data);
	squeeze(s);
	if (*s == '\0') {
		free(s);
		return (NULL);
	}
	return (s);
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

/* ---- decoding ----------------------------------------------------------- */

static enum wbem_result_kind
result_kind(enum wbem_op op)
{
	switch (op) {
	case WBEM_OP_ENUM_NAMES:
		return (WBEM_R_PATHS);
	case WBEM_OP_INVOKE:
		return (WBEM_R_METHOD);
	case WBEM_OP_CREATE:
		return (WBEM_R_PATHS);
	case WBEM_OP_MODIFY:
	case WBEM_OP_DELETE:
		return (WBEM_R_NONE);
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

/* ---- decoding: streaming ------------------------------------------------ */

/*
 * A reply is decoded as libxml2 reads it (xml_sax_parse), with no tree.
 * Each open element has a frame: a role from its name and its parent's,
 * and, where its text is wanted, the buffer its text (all of it, nested
 * elements' too, as xmlNodeGetContent gave it) goes to.  What the reply
 * says is gathered first and judged once it is read whole, in the order
 * the checks always had (RelatesTo, fault, status, shape), so a reply is
 * never half taken: items go to *resp and st changes only on success.
 */
enum wss_role {
	WS_SKIP = 0,
	WS_ENV,
	WS_HEADER,
	WS_TEXT,		/* RelatesTo, EnumerationContext: text only */
	WS_BODY,
	WS_RESP,		/* n:EnumerateResponse, n:PullResponse */
	WS_ITEMS,
	WS_ITEMWRAP,		/* w:Item of EnumerateObjectAndEPR */
	WS_INST,		/* an item: one child per property */
	WS_PROP,		/* a property element */
	WS_PCHILD,		/* anything inside one */
	WS_EPR,			/* an EnumerateEPR item */
	WS_FAULT,		/* s:Fault and everything inside it */
};

/* What an element inside a property, an EPR or a fault is. */
enum wss_tag {
	WT_NONE = 0,
	WT_EPR,			/* holds a:Address, a:ReferenceParameters */
	WT_RP,
	WT_SS,
	WT_URI,
	WT_SEL,
	WT_CODE,		/* s:Code and s:Subcode: hold an s:Value */
	WT_VALUE,
	WT_REASON,
	WT_RTEXT,
	WT_DETAIL,
	WT_WF,			/* f:WSManFault, level in the frame */
	WT_MSG,
	WT_PF,
	WT_EXTERR,
	WT_EXT,			/* the status object in f:ExtendedError */
	WT_WMI,			/* MSFT_WmiError */
};

#define WSS_FAULT_LEVELS	9	/* nested provider faults read */

struct wss_frame {
	enum wss_role	 role;
	enum wss_tag	 tag;
	const char	*name;		/* libxml2's dictionary */
	const char	*prefix;
	const char	*uri;
	int		 n;		/* element children */
	int		 level;		/* WT_WF, WT_MSG, WT_PF */
	int		 nil;		/* xsi:nil on it */
	struct buf	*text;		/* where its text goes, or NULL */
};

/* A WS-Addressing EPR as it is read: ResourceURI and selectors. */
struct wss_epr {
	int		 addr, rp, uri_seen, ss;
	struct buf	 uri;
	struct cim_path	*sel;		/* selectors as keys; no class */
	char		*sel_ns;	/* __cimnamespace */
	char		*sel_name;	/* the w:Selector open */
	struct buf	 sel_text;
};

/* The property element open. */
struct wss_prop {
	const char	*name;
	const struct wsman_ptype *pt;
	enum cim_type	 type;
	int		 nil;
	int		 nchild;	/* element children */
	const char	*child, *child_uri;	/* the first one */
	int		 addr_child;	/* an a:Address child */
	int		 epr_child;	/* the first child is a:EndpointReference */
	int		 capturing;
	int		 cap_open;	/* a start tag not closed yet */
	struct buf	 text;		/* all its text */
	struct buf	 cap;		/* its content as XML, once it has any */
	char		 dt[64];	/* a datetime rewritten */
	struct wss_epr	 epr;
};

/* What a fault says, as read. */
struct wss_fault {
	char		 name[64];	/* subcode QName, our prefix */
	struct buf	 value;		/* the s:Value open */
	struct buf	 reason;
	int		 seen_reason, seen_rtext, seen_detail;
	int		 wf_seen[WSS_FAULT_LEVELS + 1];
	int		 msg_seen[WSS_FAULT_LEVELS];
	int		 has_pf[WSS_FAULT_LEVELS];
	int		 msg_open[WSS_FAULT_LEVELS];
	struct buf	 msg[WSS_FAULT_LEVELS];
	char		*pf_text[WSS_FAULT_LEVELS];
	struct buf	 pf_run;	/* a text node right in an f:ProviderFault */
	char		 wcode[32];
	int		 in_wf0;	/* inside the outer f:WSManFault */
	int		 exterr_seen, ext_seen;
	int		 ext_status;	/* it is an __ExtendedStatus */
	/* __ExtendedStatus: Description, StatusCode, Operation, ParameterInfo;
	 * MSFT_WmiError: Message, CIMStatusCode, error_Code */
	int		 ext_got[4], wmi_got[3];
	int		 ext_nil[4], wmi_nil[3];
	struct buf	 ext[4], wmi[3];
	int		 wmi_seen;
};

static const char *const wss_ext_names[] = {
	"Description", "StatusCode", "Operation", "ParameterInfo",
};
static const char *const wss_wmi_names[] = {
	"Message", "CIMStatusCode", "error_Code",
};

struct wss {
	struct wsman_state *st;
	const struct wsman_opts *o;
	struct xml_sax_ctx *scp;
	struct ptype_index *pix;
	long		 status;
	int		 depth;
	struct wss_frame f[XML_MAX_DEPTH_DEFAULT + 2];
	int		 root_bad;	/* the root is no s:Envelope */
	int		 seen_header, seen_body, seen_relto, seen_fault;
	int		 seen_action;
	int		 body_n;	/* element children of s:Body */
	int		 seen_resp, seen_items, seen_ctx, eos;
	int		 fault_depth;
	struct buf	 relto, ctx, action;
	/* the first thing wrong with the body's shape, kept till the end */
	int		 bad;
	char		 bad_msg[256];
	struct wbem_result *r;		/* this reply's items */
	struct cim_instance *inst;	/* the item open */
	const char	*inst_cls;
	struct wss_prop	 p;
	const char	**pnames;	/* the item's properties' names, */
	size_t		 pnames_size;	/* as libxml2's dictionary has them */
	struct wss_epr	 item_epr;	/* an EnumerateEPR item */
	struct wss_fault flt;
};

static void wss_bad(struct wss *, const char *, ...) PRINTFLIKE(2, 3);

static void
wss_bad(struct wss *s, const char *fmt, ...)
{
	va_list	ap;

	if (s->bad)
		return;
	s->bad = 1;
	va_start(ap, fmt);
	(void)vsnprintf(s->bad_msg, sizeof(s->bad_msg), fmt, ap);
	va_end(ap);
}

static int
wss_is(const char *name, const char *uri, const char *ns, const char *want)
{
	return (strcmp(name, want) == 0 && uri != NULL &&
	    strcmp(uri, ns) == 0);
}

/* ---- EPRs --------------------------------------------------------------- */

static void
wss_epr_reset(struct wss_epr *e)
{
	cim_path_free(e->sel);
	free(e->sel_ns);
	free(e->sel_name);
	buf_release(&e->uri);
	buf_release(&e->sel_text);
	memset(e, 0, sizeof(*e));
}

/*
 * A child of an EPR element (tag WT_EPR, WT_RP or WT_SS): what of it the
 * path needs.  Returns the child's tag.
 */
static enum wss_tag
wss_epr_child(struct wss_epr *e, enum wss_tag up, const struct xml_elem *el,
    struct wss_frame *f)
{
	const char	*name;

	switch (up) {
	case WT_EPR:
		if (wss_is(el->name, el->uri, NS_A, "Address"))
			e->addr = 1;
		else if (wss_is(el->name, el->uri, NS_A,
		    "ReferenceParameters") && !e->rp) {
			e->rp = 1;
			return (WT_RP);
		}
		break;
	case WT_RP:
		if (wss_is(el->name, el->uri, NS_W, "ResourceURI") &&
		    !e->uri_seen) {
			e->uri_seen = 1;
			f->text = &e->uri;
			return (WT_URI);
		}
		if (wss_is(el->name, el->uri, NS_W, "SelectorSet") && !e->ss) {
			e->ss = 1;
			return (WT_SS);
		}
		break;
	case WT_SS:
		if (!wss_is(el->name, el->uri, NS_W, "Selector") ||
		    (name = xml_attr_get(el->attrs, el->nattrs, "Name")) ==
		    NULL)
			break;
		free(e->sel_name);
		e->sel_name = xstrdup(name);
		buf_reset(&e->sel_text);
		f->text = &e->sel_text;
		return (WT_SEL);
	default:
		break;
	}
	return (WT_NONE);
}

static void
wss_epr_selector(struct wss_epr *e)
{
	const char	*v = e->sel_text.data != NULL ? e->sel_text.data : "";

	if (strcmp(e->sel_name, "__cimnamespace") == 0) {
		free(e->sel_ns);
		e->sel_ns = xstrdup(v);
		return;
	}
	if (e->sel == NULL)
		e->sel = cim_path_new(NULL, NULL);
	cim_path_add_key(e->sel, e->sel_name, CIM_T_STRING, v);
}

/* The EPR read as a path (ResourceURI gives class and namespace); NULL
 * when it names none. */
static struct cim_path *
wss_epr_path(struct wss_epr *e)
{
	struct cim_path	*p;
	char		*u, *cls, *ns = NULL;
	size_t		 wl = strlen(WMI_URI), i;

	if (!e->rp || !e->uri_seen)
		return (NULL);
	u = xstrdup(e->uri.data != NULL ? e->uri.data : "");
	wsman_trim(u);
	if ((cls = strrchr(u, '/')) == NULL || !wsman_valid_name(cls + 1)) {
		free(u);
		return (NULL);
	}
	*cls++ = '\0';
	if (strncmp(u, WMI_URI, wl) == 0 && u[wl] != '\0')
		ns = u + wl;
	p = cim_path_new(e->sel_ns != NULL ? e->sel_ns : ns, cls);
	free(u);
	for (i = 0; e->sel != NULL && i < e->sel->nkeys; i++)
		cim_path_add_key(p, e->sel->keys[i].name, CIM_T_STRING,
		    e->sel->keys[i].value);
	return (p);
}

/* ---- properties --------------------------------------------------------- */

static void
wss_cap_qname(struct buf *b, const char *prefix, const char *name)
{
	if (prefix != NULL) {
		buf_puts(b, prefix);
		buf_add(b, ":", 1);
	}
	buf_puts(b, name);
}

static void
wss_cap_start(struct wss_prop *p, const struct xml_elem *el)
{
	struct buf	*b = &p->cap;
	size_t		 i;

	if (!p->capturing) {
		/* the text before the first child is the copy's start */
		p->capturing = 1;
		buf_reset(b);
		if (p->text.len > 0)
			cimxml_cap_escape(b, p->text.data, p->text.len, 0);
	}
	if (p->cap_open)
		buf_add(b, ">", 1);
	buf_add(b, "<", 1);
	wss_cap_qname(b, el->prefix, el->name);
	for (i = 0; i < el->nnsdecl; i++) {
		buf_puts(b, " xmlns");
		if (el->nsdecl[i * 2] != NULL) {
			buf_add(b, ":", 1);
			buf_puts(b, el->nsdecl[i * 2]);
		}
		buf_add(b, "=\"", 2);
		cimxml_cap_escape(b, el->nsdecl[i * 2 + 1],
		    strlen(el->nsdecl[i * 2 + 1]), 1);
		buf_add(b, "\"", 1);
	}
	for (i = 0; i < el->nattrs; i++) {
		buf_add(b, " ", 1);
		wss_cap_qname(b, el->attrs[i].prefix, el->attrs[i].name);
		buf_add(b, "=\"", 2);
		cimxml_cap_escape(b, el->attrs[i].value,
		    strlen(el->attrs[i].value), 1);
		buf_add(b, "\"", 1);
	}
	p->cap_open = 1;
}

static void
wss_cap_end(struct wss_prop *p, const struct wss_frame *f)
{
	if (p->cap_open)
		buf_puts(&p->cap, "/>");
	else {
		buf_add(&p->cap, "</", 2);
		wss_cap_qname(&p->cap, f->prefix, f->name);
		buf_add(&p->cap, ">", 1);
	}
	p->cap_open = 0;
}

static int
wss_nil(const struct xml_elem *el)
{
	const char	*v;

	v = xml_attr_get_ns(el->attrs, el->nattrs, NS_XSI, "nil");
	return (v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0));
}

static void
wss_prop_start(struct wss *s, const struct xml_elem *el)
{
	struct wss_prop	*p = &s->p;
	const char	*xt;
	enum cim_type	 t;

	p->name = el->name;
	p->pt = ptype_lookup(s->pix, s->inst_cls, el->name);
	p->type = p->pt != NULL ? p->pt->type : CIM_T_STRING;
	if ((xt = xml_attr_get_ns(el->attrs, el->nattrs, NS_XSI, "type")) !=
	    NULL && xsitype_lookup(xt, &t) == 0)
		p->type = t;
	p->nil = wss_nil(el);
	p->nchild = 0;
	p->child = p->child_uri = NULL;
	p->addr_child = p->epr_child = 0;
	p->capturing = p->cap_open = 0;
	buf_reset(&p->text);
	wss_epr_reset(&p->epr);
}

/*
 * The property's value, as prop_value always typed it: NULL; text (typed
 * by table or xsi:type, a string when it does not fit); a datetime element
 * (cim: or, in fragments, unqualified) as CIM datetime; an EPR, or an
 * a:EndpointReference, as a reference; anything else as its XML text.
 * The text is the property's buffers' (valid until the next property).
 */
static const char *
wss_prop_value(struct wss *s, enum cim_type *type)
{
	struct wss_prop	*p = &s->p;
	struct cim_path	*path;
	char		*text;

	*type = p->type;
	if (p->nil)
		return (NULL);
	if (p->text.data == NULL)
		buf_add(&p->text, "", 0);
	text = p->text.data != NULL ? p->text.data : (char *)"";
	if (p->nchild == 0) {
		if (*type != CIM_T_STRING && *type != CIM_T_CHAR16)
			wsman_trim(text);
		/* a value that does not fit the type we assumed stays text */
		if (*type != CIM_T_STRING && cim_value_check(*type, text) != 0)
			*type = CIM_T_STRING;
		return (text);
	}
	if (p->nchild == 1 && datetime_elem(p->child) &&
	    (p->child_uri == NULL || strcmp(p->child_uri, NS_CIM) == 0)) {
		text = (char *)datetime_text(p->child, text, p->dt,
		    sizeof(p->dt), type);
		/*
		 * DSP0230 gives these elements one form each: one that is
		 * not it is a broken reply, refused as CIM-XML refuses a
		 * datetime VALUE that is not one, not a string to print.
		 */
		if (*type != CIM_T_DATETIME ||
		    cim_value_check(CIM_T_DATETIME, text) != 0)
			wss_bad(s, "%s.%s: cim:%s value \"%.64s\" is not a "
			    "valid datetime", s->inst_cls != NULL ?
			    s->inst_cls : "item", p->name, p->child, text);
		return (text);
	}
	if (((p->addr_child && !p->epr_child) ||
	    (p->epr_child && p->nchild == 1 && p->epr.addr)) &&
	    (path = wss_epr_path(&p->epr)) != NULL) {
		/*
		 * cim_path_format, as CIM-XML writes a VALUE.REFERENCE: with
		 * its namespace (__cimnamespace, or WinRM's resource URI),
		 * which a reference to another namespace needs to be found
		 */
		buf_reset(&p->cap);
		(void)cim_path_format(path, &p->cap);
		cim_path_free(path);
		*type = CIM_T_REFERENCE;
		if (p->cap.data == NULL)
			buf_add(&p->cap, "", 0);
		return (p->cap.data != NULL ? p->cap.data : "");
	}
	/* an embedded instance: kept as XML text, as CIM-XML keeps it */
	*type = CIM_T_OBJECT;
	if (p->cap.data == NULL)
		buf_add(&p->cap, "", 0);
	return (p->cap.data != NULL ? p->cap.data : "");
}

/*
 * A property read whole, into the item.  Repeated elements are one array,
 * in the place of the first; a nil member is a NULL member; members that
 * disagree on the type are all text.  A key of the caller's table adds to
 * the item's path, with the text as sent.
 */
static void
wss_prop_end(struct wss *s)
{
	struct wss_prop		*p = &s->p;
	struct cim_instance	*inst = s->inst;
	struct cim_property	*q = NULL;
	enum cim_type		 type;
	const char		*text;
	size_t			 i;

	/* the key's text as sent, before the value trims it */
	if (p->pt != NULL && p->pt->key && !p->nil) {
		if (inst->path == NULL)
			inst->path = cim_path_new(s->st->ns, s->inst_cls);
		cim_path_add_key(inst->path, p->pt->prop, CIM_T_STRING,
		    p->text.data != NULL ? p->text.data : "");
	}
	text = wss_prop_value(s, &type);
	/* the names are libxml2's dictionary's: the same name, the same
	 * pointer, within one parse */
	for (i = inst->nprops; i > 0; i--)
		if (s->pnames[i - 1] == p->name) {
			q = &inst->props[i - 1];
			break;
		}
	if (q == NULL) {
		if (inst->nprops == s->pnames_size) {
			s->pnames_size = s->pnames_size * 2 + 16;
			s->pnames = xreallocarray(s->pnames, s->pnames_size,
			    sizeof(*s->pnames));
		}
		s->pnames[inst->nprops] = p->name;
		/* one allocation for name and value (cim.c) */
		if (text != NULL)
			cim_instance_add_packed(inst, p->name, type, text);
		else
			cim_instance_add(inst, p->name, type, NULL);
	} else {
		cim_property_unpack(q);
		if (!q->v.is_array) {
			q->v.is_array = 1;
			if (q->v.nvals == 0)
				cim_value_add(&q->v, NULL);
		}
		if (q->v.type != type)
			q->v.type = CIM_T_STRING;
		cim_value_add(&q->v, text);
	}
}

/* ---- faults ------------------------------------------------------------- */

/* An s:Value's QName with its prefix replaced by ours ("wsman:X" -> "w:X"). */
static void
wss_fault_qname(struct wss *s)
{
	char		*t, *colon;
	const char	*local, *pfx, *ns;
	size_t		 i;

	t = xstrdup(s->flt.value.data != NULL ? s->flt.value.data : "");
	wsman_trim(t);
	if ((colon = strchr(t, ':')) != NULL) {
		*colon = '\0';
		local = colon + 1;
		ns = xml_sax_ns_uri(s->scp, t);
	} else {
		local = t;
		ns = xml_sax_ns_uri(s->scp, NULL);
	}
	pfx = colon != NULL ? t : NULL;
	if (ns != NULL)
		for (i = 0; i < nitems(wsman_prefixes); i++)
			if (strcmp(ns, wsman_prefixes[i].ns) == 0) {
				pfx = wsman_prefixes[i].prefix;
				break;
			}
	snprintf(s->flt.name, sizeof(s->flt.name), "%s%s%s",
	    pfx != NULL ? pfx : "", pfx != NULL ? ":" : "", local);
	free(t);
}

/* A text node right inside an f:ProviderFault ends: the first that says
 * something is the provider's message. */
static void
wss_pf_run_end(struct wss *s, int level)
{
	if (s->flt.pf_text[level] == NULL)
		s->flt.pf_text[level] = squeezed_dup(&s->flt.pf_run);
	buf_reset(&s->flt.pf_run);
}

/* An element inside s:Fault: its tag from its parent's. */
static void
wss_fault_start(struct wss *s, struct wss_frame *up, struct wss_frame *f,
    const struct xml_elem *el)
{
	struct wss_fault	*w = &s->flt;
	const char		*v;
	int			 lv = up->level;
	size_t			 i;

	f->level = lv;
	if (up->tag == WT_PF)
		wss_pf_run_end(s, lv);
	/* __ExtendedStatus sits in f:ExtendedError, at any depth, any prefix */
	if (w->in_wf0 && !w->exterr_seen &&
	    wss_is(el->name, el->uri, NS_F, "ExtendedError")) {
		w->exterr_seen = 1;
		f->tag = WT_EXTERR;
		return;
	}
	switch (up->tag) {
	case WT_NONE:
		if (up->role == WS_FAULT && s->depth - 1 == s->fault_depth) {
			/* children of s:Fault */
			if (wss_is(el->name, el->uri, NS_S, "Code") &&
			    up->n == 0) {
				up->n = 1;
				f->tag = WT_CODE;
			} else if (wss_is(el->name, el->uri, NS_S, "Reason") &&
			    !w->seen_reason) {
				w->seen_reason = 1;
				f->tag = WT_REASON;
			} else if (wss_is(el->name, el->uri, NS_S, "Detail") &&
			    !w->seen_detail) {
				w->seen_detail = 1;
				f->tag = WT_DETAIL;
			}
		}
		break;
	case WT_CODE:
		/* the first s:Value, the first s:Subcode; deeper ones win */
		if (wss_is(el->name, el->uri, NS_S, "Value") &&
		    !(up->n & 1)) {
			up->n |= 1;
			f->tag = WT_VALUE;
			buf_reset(&w->value);
			f->text = &w->value;
		} else if (wss_is(el->name, el->uri, NS_S, "Subcode") &&
		    !(up->n & 2)) {
			up->n |= 2;
			f->tag = WT_CODE;
		}
		break;
	case WT_REASON:
		if (wss_is(el->name, el->uri, NS_S, "Text") && !w->seen_rtext) {
			w->seen_rtext = 1;
			f->tag = WT_RTEXT;
			f->text = &w->reason;
		}
		break;
	case WT_DETAIL:
		if (wss_is(el->name, el->uri, NS_F, "WSManFault") &&
		    !w->wf_seen[0]) {
			w->wf_seen[0] = 1;
			w->in_wf0 = 1;
			f->tag = WT_WF;
			f->level = 0;
			if ((v = xml_attr_get(el->attrs, el->nattrs, "Code")) !=
			    NULL) {
				char	*c = xstrdup(v);

				wsman_trim(c);
				strlcpy(w->wcode, c, sizeof(w->wcode));
				free(c);
			}
		} else if (strcmp(el->name, "MSFT_WmiError") == 0) {
			/* the last one counts */
			w->wmi_seen = 1;
			for (i = 0; i < nitems(w->wmi); i++) {
				buf_reset(&w->wmi[i]);
				w->wmi_got[i] = w->wmi_nil[i] = 0;
			}
			f->tag = WT_WMI;
		}
		break;
	case WT_WF:
		if (lv < WSS_FAULT_LEVELS && !w->msg_seen[lv] &&
		    wss_is(el->name, el->uri, NS_F, "Message")) {
			w->msg_seen[lv] = 1;
			w->msg_open[lv] = 1;
			f->tag = WT_MSG;
		}
		break;
	case WT_MSG:
		if (!w->has_pf[lv] &&
		    wss_is(el->name, el->uri, NS_F, "ProviderFault")) {
			w->has_pf[lv] = 1;
			f->tag = WT_PF;
			buf_reset(&w->pf_run);
		}
		break;
	case WT_PF:
		if (lv + 1 <= WSS_FAULT_LEVELS && !w->wf_seen[lv + 1] &&
		    wss_is(el->name, el->uri, NS_F, "WSManFault")) {
			w->wf_seen[lv + 1] = 1;
			f->tag = WT_WF;
			f->level = lv + 1;
		}
		break;
	case WT_EXTERR:
		if (!w->ext_seen) {
			w->ext_seen = 1;
			w->ext_status = strcmp(el->name,
			    "__ExtendedStatus") == 0;
			f->tag = WT_EXT;
		}
		break;
	case WT_EXT:
		for (i = 0; i < nitems(wss_ext_names); i++)
			if (strcmp(el->name, wss_ext_names[i]) == 0 &&
			    !w->ext_got[i]) {
				w->ext_got[i] = 1;
				w->ext_nil[i] = wss_nil(el);
				f->text = &w->ext[i];
			}
		break;
	case WT_WMI:
		for (i = 0; i < nitems(wss_wmi_names); i++)
			if (strcmp(el->name, wss_wmi_names[i]) == 0 &&
			    !w->wmi_got[i]) {
				w->wmi_got[i] = 1;
				w->wmi_nil[i] = wss_nil(el);
				f->text = &w->wmi[i];
			}
		break;
	default:
		break;
	}
}

static void
wss_fault_end(struct wss *s, struct wss_frame *f)
{
	struct wss_fault	*w = &s->flt;

	switch (f->tag) {
	case WT_VALUE:
		wss_fault_qname(s);
		break;
	case WT_PF:
		wss_pf_run_end(s, f->level);
		break;
	case WT_MSG:
		w->msg_open[f->level] = 0;
		break;
	case WT_WF:
		if (f->level == 0)
			w->in_wf0 = 0;
		break;
	default:
		break;
	}
}

static void
wss_fault_text(struct wss *s, const char *p, size_t len)
{
	struct wss_fault	*w = &s->flt;
	int			 i;

	for (i = s->fault_depth; i <= s->depth; i++)
		if (s->f[i].text != NULL)
			buf_add(s->f[i].text, p, len);
	for (i = 0; i < WSS_FAULT_LEVELS; i++)
		if (w->msg_open[i] && !w->has_pf[i])
			buf_add(&w->msg[i], p, len);
	if (s->f[s->depth].tag == WT_PF)
		buf_add(&w->pf_run, p, len);
}

/*
 * The innermost message of an f:WSManFault: f:Message may hold text, or an
 * f:ProviderFault that holds another f:WSManFault (or text) in turn.
 */
static char *
wss_fault_message(struct wss_fault *w, int level)
{
	char	*s;

	if (level >= WSS_FAULT_LEVELS || !w->wf_seen[level] ||
	    !w->msg_seen[level])
		return (NULL);
	if (w->has_pf[level]) {
		if ((s = wss_fault_message(w, level + 1)) != NULL)
			return (s);
		return (w->pf_text[level] != NULL ?
		    xstrdup(w->pf_text[level]) : NULL);
	}
	return (squeezed_dup(&w->msg[level]));
}

static char *
wss_child_text(const struct buf *b, int got, int nil)
{
	if (!got || nil)
		return (NULL);
	return (squeezed_dup(b));
}

/*
 * The fault as a CIM error.  name: the subcode QName; wsman_code: the
 * f:WSManFault Code (else MSFT_WmiError error_Code); description: the
 * innermost message (f:Message, MSFT_WmiError Message, s:Reason/s:Text),
 * with __ExtendedStatus's operation and parameter appended; code:
 * MSFT_WmiError CIMStatusCode, else a WMI HRESULT from __ExtendedStatus or
 * the WSManFault, else the subcode table, else CIM_ERR_FAILED.
 */
static void
wss_fault_error(struct wss_fault *w, long status, struct wbem_error *err)
{
	char	 wcode[32];
	char	*desc, *s, *op, *param;
	int	 cimcode = 0;
	size_t	 i;
	uint64_t v;

	strlcpy(wcode, w->wcode, sizeof(wcode));
	desc = wss_fault_message(w, 0);
	if (w->wmi_seen) {
		if (desc == NULL)
			desc = wss_child_text(&w->wmi[0], w->wmi_got[0],
			    w->wmi_nil[0]);
		if ((s = wss_child_text(&w->wmi[1], w->wmi_got[1],
		    w->wmi_nil[1])) != NULL) {
			if (parse_u64(s, &v) == 0 && v > 0 && v < 1000)
				cimcode = (int)v;
			free(s);
		}
		if (wcode[0] == '\0' && (s = wss_child_text(&w->wmi[2],
		    w->wmi_got[2], w->wmi_nil[2])) != NULL) {
			strlcpy(wcode, s, sizeof(wcode));
			free(s);
		}
	}
	if (desc == NULL && w->seen_rtext) {
		desc = xstrdup(w->reason.data != NULL ? w->reason.data : "");
		squeeze(desc);
	}
	if (w->ext_seen && w->ext_status) {
		if (desc == NULL)
			desc = wss_child_text(&w->ext[0], w->ext_got[0],
			    w->ext_nil[0]);
		if (cimcode == 0 && (s = wss_child_text(&w->ext[1],
		    w->ext_got[1], w->ext_nil[1])) != NULL) {
			cimcode = wmi_hresult_code(s);
			free(s);
		}
		op = wss_child_text(&w->ext[2], w->ext_got[2], w->ext_nil[2]);
		param = wss_child_text(&w->ext[3], w->ext_got[3],
		    w->ext_nil[3]);
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
			if (strcmp(wsman_subcodes[i].subcode, w->name) == 0) {
				cimcode = wsman_subcodes[i].code;
				break;
			}
	if (cimcode == 0)
		cimcode = CIM_ERR_FAILED;
	wbem_error_set(err, WBEM_E_CIM, cimcode, w->name[0] ? w->name :
	    "s:Fault", "%s", desc != NULL ? desc : "SOAP fault without a reason");
	err->http_status = status;
	wbem_text_sanitize(err->wsman_code, sizeof(err->wsman_code), wcode);
	free(desc);
}

static void
wss_fault_free(struct wss_fault *w)
{
	size_t	i;

	buf_release(&w->value);
	buf_release(&w->reason);
	buf_release(&w->pf_run);
	for (i = 0; i < WSS_FAULT_LEVELS; i++) {
		buf_release(&w->msg[i]);
		free(w->pf_text[i]);
	}
	for (i = 0; i < nitems(w->ext); i++)
		buf_release(&w->ext[i]);
	for (i = 0; i < nitems(w->wmi); i++)
		buf_release(&w->wmi[i]);
}

/* ---- the handlers ------------------------------------------------------- */

static void
wss_item_start(struct wss *s, struct wss_frame *f, const struct xml_elem *el)
{
	if (wss_is(el->name, el->uri, NS_W, "XmlFragment"))
		s->inst_cls = s->st->classname;
	else
		s->inst_cls = el->name;
	s->inst = cim_instance_new(s->inst_cls);
	f->role = WS_INST;
}

static int
wss_start(void *arg, const struct xml_elem *el)
{
	struct wss		*s = arg;
	struct wss_frame	*up, *f;
	struct wss_prop		*p = &s->p;
	const char		*want, *name = el->name, *uri = el->uri;
	size_t			 n, sl = strlen("_OUTPUT");

	up = s->depth > 0 ? &s->f[s->depth] : NULL;
	if (++s->depth >= (int)nitems(s->f))
		return (-1);	/* the guard refuses first */
	f = &s->f[s->depth];
	memset(f, 0, sizeof(*f));
	f->name = name;
	f->prefix = el->prefix;
	f->uri = uri;
	if (up == NULL) {
		if (wss_is(name, uri, NS_S, "Envelope"))
			f->role = WS_ENV;
		else
			s->root_bad = 1;
		return (0);
	}
	switch (up->role) {
	case WS_SKIP:
		break;
	case WS_ENV:
		if (wss_is(name, uri, NS_S, "Header") && !s->seen_header) {
			s->seen_header = 1;
			f->role = WS_HEADER;
		} else if (wss_is(name, uri, NS_S, "Body") && !s->seen_body) {
			s->seen_body = 1;
			f->role = WS_BODY;
		}
		break;
	case WS_HEADER:
		if (wss_is(name, uri, NS_A, "RelatesTo") && !s->seen_relto) {
			s->seen_relto = 1;
			f->role = WS_TEXT;
			f->text = &s->relto;
		} else if (wss_is(name, uri, NS_A, "Action") &&
		    !s->seen_action) {
			s->seen_action = 1;
			f->role = WS_TEXT;
			f->text = &s->action;
		}
		break;
	case WS_BODY:
		if (wss_is(name, uri, NS_S, "Fault")) {
			if (s->seen_fault)
				break;
			s->seen_fault = 1;
			s->fault_depth = s->depth;
			f->role = WS_FAULT;
			break;
		}
		if (s->seen_fault)
			break;
		s->body_n++;
		switch (s->st->sent) {
		case WSMAN_MSG_ENUMERATE:
		case WSMAN_MSG_PULL:
			want = s->st->sent == WSMAN_MSG_PULL ? "PullResponse" :
			    "EnumerateResponse";
			if (wss_is(name, uri, NS_N, want) && !s->seen_resp) {
				s->seen_resp = 1;
				f->role = WS_RESP;
			}
			break;
		case WSMAN_MSG_GET:
		case WSMAN_MSG_PUT:
			if (s->body_n == 1)
				wss_item_start(s, f, el);
			break;
		case WSMAN_MSG_CREATE:
			/* t:ResourceCreated, an EPR of the new instance */
			if (s->body_n == 1 && wss_is(name, uri, NS_X,
			    "ResourceCreated")) {
				wss_epr_reset(&s->item_epr);
				f->role = WS_EPR;
				f->tag = WT_EPR;
			}
			break;
		case WSMAN_MSG_INVOKE:
			if (s->body_n != 1)
				break;
			n = strlen(name);
			if (n <= sl || strcmp(name + n - sl, "_OUTPUT") != 0) {
				wss_bad(s, "Invoke reply element %.64s is not "
				    "an _OUTPUT", name);
				break;
			}
			s->inst_cls = s->st->classname;
			s->inst = cim_instance_new(s->inst_cls);
			f->role = WS_INST;
			break;
		default:
			break;
		}
		break;
	case WS_RESP:
		if ((wss_is(name, uri, NS_W, "Items") ||
		    wss_is(name, uri, NS_N, "Items")) && !s->seen_items) {
			s->seen_items = 1;
			f->role = WS_ITEMS;
		} else if (wss_is(name, uri, NS_W, "EndOfSequence") ||
		    wss_is(name, uri, NS_N, "EndOfSequence"))
			s->eos = 1;
		else if (wss_is(name, uri, NS_N, "EnumerationContext") &&
		    !s->seen_ctx) {
			s->seen_ctx = 1;
			f->role = WS_TEXT;
			f->text = &s->ctx;
		}
		break;
	case WS_ITEMS:
		if (s->bad)
			break;
		if (s->st->op == WBEM_OP_ENUM_NAMES) {
			if (!wss_is(name, uri, NS_A, "EndpointReference")) {
				wss_bad(s, "enumeration item %.64s is not an "
				    "EPR", name);
				break;
			}
			wss_epr_reset(&s->item_epr);
			f->role = WS_EPR;
			f->tag = WT_EPR;
			break;
		}
		/* EnumerateObjectAndEPR wraps each in w:Item: the object */
		if (wss_is(name, uri, NS_W, "Item"))
			f->role = WS_ITEMWRAP;
		else
			wss_item_start(s, f, el);
		break;
	case WS_ITEMWRAP:
		if (up->n++ == 0)
			wss_item_start(s, f, el);
		else if (up->n == 2 && wss_is(name, uri, NS_A,
		    "EndpointReference")) {
			/* EnumerateObjectAndEPR: the object's own path */
			wss_epr_reset(&s->item_epr);
			f->role = WS_EPR;
			f->tag = WT_EPR;
		}
		break;
	case WS_INST:
		f->role = WS_PROP;
		wss_prop_start(s, el);
		break;
	case WS_PROP:
		/* a child of the property element */
		f->role = WS_PCHILD;
		if (p->nchild++ == 0) {
			p->child = name;
			p->child_uri = uri;
			if (wss_is(name, uri, NS_A, "EndpointReference")) {
				p->epr_child = 1;
				f->tag = WT_EPR;
			}
		}
		if (f->tag == WT_NONE) {
			f->tag = wss_epr_child(&p->epr, WT_EPR, el, f);
			if (wss_is(name, uri, NS_A, "Address"))
				p->addr_child = 1;
		}
		wss_cap_start(p, el);
		break;
	case WS_PCHILD:
		f->role = WS_PCHILD;
		if (up->tag == WT_EPR || up->tag == WT_RP || up->tag == WT_SS)
			f->tag = wss_epr_child(&p->epr, up->tag, el, f);
		wss_cap_start(p, el);
		break;
	case WS_EPR:
		f->role = WS_EPR;
		f->tag = wss_epr_child(&s->item_epr, up->tag, el, f);
		break;
	case WS_FAULT:
		f->role = WS_FAULT;
		wss_fault_start(s, up, f, el);
		break;
	default:
		break;
	}
	return (0);
}

static int
wss_end(void *arg, const char *name, const char *uri)
{
	struct wss		*s = arg;
	struct wss_frame	*f = &s->f[s->depth];
	enum wss_role		 parent = s->f[s->depth - 1].role;
	struct cim_path		*path;

	switch (f->role) {
	case WS_INST:
		if (parent == WS_BODY && s->st->sent == WSMAN_MSG_INVOKE)
			break;	/* kept for the method result */
		wbem_result_add_instance(s->r, s->inst);
		s->inst = NULL;
		break;
	case WS_PROP:
		wss_prop_end(s);
		break;
	case WS_PCHILD:
		if (f->tag == WT_SEL)
			wss_epr_selector(&s->p.epr);
		wss_cap_end(&s->p, f);
		break;
	case WS_EPR:
		if (f->tag == WT_SEL)
			wss_epr_selector(&s->item_epr);
		if (parent == WS_ITEMWRAP && s->r != NULL &&
		    s->r->ninst > 0 &&
		    (path = wss_epr_path(&s->item_epr)) != NULL) {
			if (path->ns == NULL)
				path->ns = xstrdup(s->st->ns);
			cim_path_free(s->r->inst[s->r->ninst - 1]->path);
			s->r->inst[s->r->ninst - 1]->path = path;
			break;
		}
		if (parent == WS_BODY && s->st->sent == WSMAN_MSG_CREATE &&
		    (path = wss_epr_path(&s->item_epr)) != NULL) {
			if (path->ns == NULL)
				path->ns = xstrdup(s->st->ns);
			wbem_result_add_path(s->r, path);
			break;
		}
		if (parent != WS_ITEMS)
			break;
		if ((path = wss_epr_path(&s->item_epr)) == NULL) {
			wss_bad(s, "enumeration item %.64s is not an EPR",
			    name);
			break;
		}
		if (path->ns == NULL)
			path->ns = xstrdup(s->st->ns);
		wbem_result_add_path(s->r, path);
		break;
	case WS_FAULT:
		wss_fault_end(s, f);
		break;
	default:
		break;
	}
	s->depth--;
	return (0);
}

static int
wss_text(void *arg, const char *t, size_t len)
{
	struct wss		*s = arg;
	struct wss_frame	*f = &s->f[s->depth];
	struct wss_prop		*p = &s->p;

	switch (f->role) {
	case WS_PROP:
	case WS_PCHILD:
		buf_add(&p->text, t, len);
		if (p->capturing) {
			if (p->cap_open)
				buf_add(&p->cap, ">", 1);
			p->cap_open = 0;
			cimxml_cap_escape(&p->cap, t, len, 0);
		}
		if (f->text != NULL)
			buf_add(f->text, t, len);
		break;
	case WS_FAULT:
		wss_fault_text(s, t, len);
		break;
	default:
		if (f->text != NULL)
			buf_add(f->text, t, len);
		break;
	}
	return (0);
}

static const struct xml_sax wss_handlers = { wss_start, wss_end, wss_text };

/* <p:METHOD_OUTPUT>: ReturnValue is the return value, the rest out params. */
static void
wss_method(struct wss *s, struct cim_method_result *m)
{
	struct cim_instance	*tmp = s->inst;
	size_t			 i;

	s->inst = NULL;
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
}

/* This reply's items onto *resp. */
static void
wss_merge(struct wss *s, struct wbem_result *res)
{
	size_t	i;

	for (i = 0; i < s->r->ninst; i++)
		wbem_result_add_instance(res, s->r->inst[i]);
	free(s->r->inst);
	s->r->inst = NULL;
	s->r->ninst = 0;
	for (i = 0; i < s->r->npaths; i++)
		wbem_result_add_path(res, s->r->paths[i]);
	free(s->r->paths);
	s->r->paths = NULL;
	s->r->npaths = 0;
}

/* The body of a reply that is no fault, read whole: its shape judged. */
/*
 * The a:Action of a reply that is not a fault, checked against what we
 * sent.  WinRM (Server 2003 to 2012, as recorded) answers each request
 * with its action plus "Response", an Invoke with the resource URI, the
 * method and "Response"; an answer to another message (a Pull answered as
 * an Enumerate) is not this operation's, whatever its body holds.  A reply
 * without a:Action is let through: the body's element is checked anyway,
 * and test servers leave the header out.
 */
static int
wss_action_check(struct wss *s, struct wbem_error *err)
{
	static const struct {
		enum wsman_msg	 msg;
		const char	*act;
	} acts[] = {
		{ WSMAN_MSG_ENUMERATE, ACT_ENUMERATE "Response" },
		{ WSMAN_MSG_PULL, ACT_PULL "Response" },
		{ WSMAN_MSG_RELEASE, ACT_RELEASE "Response" },
		{ WSMAN_MSG_GET, ACT_GET "Response" },
		{ WSMAN_MSG_PUT, ACT_PUT "Response" },
		{ WSMAN_MSG_CREATE, ACT_CREATE "Response" },
		{ WSMAN_MSG_DELETE, ACT_DELETE "Response" },
	};
	const struct wsman_state *st = s->st;
	char		*got, want[512];
	size_t		 i;
	int		 rc = 0;

	if (!s->seen_action)
		return (0);
	want[0] = '\0';
	if (st->sent == WSMAN_MSG_INVOKE)
		(void)snprintf(want, sizeof(want), "%s/%sResponse",
		    st->resource_uri != NULL ? st->resource_uri : "",
		    st->method != NULL ? st->method : "");
	for (i = 0; i < nitems(acts); i++)
		if (acts[i].msg == st->sent)
			(void)strlcpy(want, acts[i].act, sizeof(want));
	got = xstrdup(s->action.data != NULL ? s->action.data : "");
	wsman_trim(got);
	/* WinRM spells the method as its class declares it */
	if (want[0] != '\0' && (st->sent == WSMAN_MSG_INVOKE ?
	    str_casecmp_ascii(got, want) : strcmp(got, want)) != 0)
		rc = proto_err(err, s->status, "reply's a:Action %.128s does "
		    "not answer the %s sent (%.128s)", got,
		    wsman_msg_name(st->sent), want);
	free(got);
	return (rc);
}

static int
wss_body(struct wss *s, struct wbem_result *res, struct wbem_error *err)
{
	struct wsman_state	*st = s->st;
	char			*ctx;

	switch (st->sent) {
	case WSMAN_MSG_ENUMERATE:
	case WSMAN_MSG_PULL:
		if (!s->seen_resp)
			return (proto_err(err, s->status, "reply has no n:%s",
			    st->sent == WSMAN_MSG_PULL ? "PullResponse" :
			    "EnumerateResponse"));
		if (s->bad)
			return (proto_err(err, s->status, "%s", s->bad_msg));
		ctx = NULL;
		if (s->seen_ctx) {
			ctx = xstrdup(s->ctx.data != NULL ? s->ctx.data : "");
			wsman_trim(ctx);
			if (*ctx == '\0') {
				free(ctx);
				ctx = NULL;
			}
		}
		/* a finished reply may still carry a (possibly empty) context */
		if (!s->eos && ctx == NULL)
			return (proto_err(err, s->status, "%s without end of "
			    "sequence or enumeration context",
			    st->sent == WSMAN_MSG_PULL ? "PullResponse" :
			    "EnumerateResponse"));
		free(st->context);
		st->context = NULL;
		if (s->eos) {
			free(ctx);
			st->done = 1;
		} else
			st->context = ctx;
		wss_merge(s, res);
		return (0);
	case WSMAN_MSG_RELEASE:
		free(st->context);
		st->context = NULL;
		st->done = 1;
		return (0);
	case WSMAN_MSG_GET:
		if (s->body_n == 0)
			return (proto_err(err, s->status,
			    "GetResponse has no instance"));
		if (s->bad)
			return (proto_err(err, s->status, "%s", s->bad_msg));
		wss_merge(s, res);
		st->done = 1;
		return (0);
	case WSMAN_MSG_PUT:
	case WSMAN_MSG_DELETE:
		/* Put may echo the instance; nothing to keep of either */
		st->done = 1;
		return (0);
	case WSMAN_MSG_CREATE:
		if (s->r->npaths != 1)
			return (proto_err(err, s->status, "CreateResponse has "
			    "no t:ResourceCreated reference"));
		wss_merge(s, res);
		st->done = 1;
		return (0);
	case WSMAN_MSG_INVOKE:
		if (s->bad)
			return (proto_err(err, s->status, "%s", s->bad_msg));
		if (s->body_n == 0 || s->inst == NULL)
			return (proto_err(err, s->status,
			    "Invoke reply has no _OUTPUT element"));
		wss_method(s, &res->method);
		st->done = 1;
		return (0);
	default:
		wbem_error_set(err, WBEM_E_USAGE, 0, "wsman",
		    "reply decoded with no request sent");
		return (-1);
	}
}

static void
wss_http_error(struct wbem_error *err, long status)
{
	wbem_error_set(err, WBEM_E_HTTP, (int)status, "http",
	    "HTTP %ld from the WS-Management endpoint", status);
	err->http_status = status;
}

int
wsman_decode_response(struct wsman_state *st, const struct wsman_opts *o,
    long status, const char *body, size_t len, const char *msgid,
    struct wbem_result **resp, struct wbem_error *err)
{
	struct wss		*s;
	struct ptype_index	 pix;
	char			*relto = NULL;
	int			 rc = -1, prc;

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
		wss_http_error(err, status);
		return (-1);
	}

	s = xcalloc(1, sizeof(*s));
	s->st = st;
	s->o = o;
	s->status = status;
	ptype_index_build(&pix, o);
	s->pix = &pix;
	s->r = wbem_result_new(result_kind(st->op));
	prc = xml_sax_parse(body, len, o->max_bytes != 0 ? o->max_bytes :
	    XML_MAX_BYTES_DEFAULT, XML_MAX_DEPTH_DEFAULT, &wss_handlers, s,
	    &s->scp, err);
	if (prc != 0) {
		/* the handlers give up only past their depth (the guard's) */
		if (prc == -2)
			proto_err(err, status, "reply nested too deep");
		/* an HTML error page, likely: the status says more */
		if (status != 200)
			wss_http_error(err, status);
		err->http_status = status;
		goto done;
	}
	if (s->root_bad) {
		if (status != 200)
			wss_http_error(err, status);
		else
			proto_err(err, status,
			    "reply is not a SOAP 1.2 envelope");
		goto done;
	}
	if (s->seen_relto) {
		relto = xstrdup(s->relto.data != NULL ? s->relto.data : "");
		wsman_trim(relto);
	}
	if (relto != NULL && msgid != NULL &&
	    str_casecmp_ascii(relto, msgid) != 0) {
		proto_err(err, status, "reply relates to %.64s, not to our "
		    "message", relto);
		goto done;
	}
	if (s->seen_fault) {
		/* a fault raised before the header was read has no RelatesTo */
		wss_fault_error(&s->flt, status, err);
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
		wss_http_error(err, status);
		goto done;
	}
	if (relto == NULL) {
		proto_err(err, status, "reply without a:RelatesTo");
		goto done;
	}
	if (!s->seen_body) {
		proto_err(err, status, "reply without s:Body");
		goto done;
	}
	if (wss_action_check(s, err) != 0)
		goto done;
	if (*resp == NULL)
		*resp = wbem_result_new(result_kind(st->op));
	st->nreplies++;
	rc = wss_body(s, *resp, err);
	if (st->sent == WSMAN_MSG_ENUMERATE || st->sent == WSMAN_MSG_PULL)
		st->ntimedout = 0;
done:
	free(relto);
	ptype_index_free(&pix);
	cim_instance_free(s->inst);
	wss_epr_reset(&s->p.epr);
	buf_release(&s->p.text);
	buf_release(&s->p.cap);
	wss_epr_reset(&s->item_epr);
	wss_fault_free(&s->flt);
	buf_release(&s->relto);
	buf_release(&s->ctx);
	buf_release(&s->action);
	wbem_result_free(s->r);
	free(s->pnames);
	free(s);
	return (rc);
}
