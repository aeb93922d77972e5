/*
 * cimxml.c: the CIM-XML codec (DSP0200 operations over HTTP, DSP0201
 * representation), client half: requests out and replies in.  The server
 * half (requests in, replies out, for the mock) is cimxml_server.c, which
 * shares the element walkers and value readers below through codec_int.h.
 * Pure: bytes and headers in, structs out (and back); no I/O, no clock,
 * no state between calls.
 *
 * The decoder matches element names exactly (CIM-XML is case-sensitive)
 * and skips whitespace and comments between elements; the encoder writes
 * what the DMTF DTD validates and what OpenPegasus writes itself.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "cimhead.h"
#include "codec_int.h"

#define CX_DEFAULT_NS	"root/cimv2"
#define CX_MAX_KEYS	1000	/* OpenPegasus refuses more per path */

static char	*cx_dump(const xmlNode *);
static int	 cx_ns_ok(const char *);
static void	 cx_put_ns(struct buf *, const char *);
static void	 cx_put_keyvalue(struct buf *,
		    const struct cim_keybinding *);
static void	 cx_put_instancename(struct buf *, const struct cim_path *);
static int	 cx_put_reference(struct buf *, const char *, const char *);
static int	 cx_put_value(struct buf *, const struct cim_value *,
		    const char *);
static void	 cx_put_proplist(struct buf *, const char * const *);
static void	 cx_put_bool_param(struct buf *, const char *, int);
static int	 cx_encode_intrinsic(const struct wbem_request *,
		    const char *, struct buf *, struct wbem_error *);
static int	 cx_encode_invoke(const struct wbem_request *, const char *,
		    struct buf *, struct wbem_error *);
static struct cim_path *cx_objpath(const xmlNode *, const char *,
		    struct wbem_error *);
static int	 cx_keybinding(const xmlNode *, struct cim_path *, int,
		    struct wbem_error *);
static int	 cx_reference_text(const xmlNode *, char **,
		    struct wbem_error *);
static int	 cx_property(const xmlNode *, struct cim_instance *,
		    struct wbem_error *);
static struct cim_instance *cx_instance(const xmlNode *, struct wbem_error *);
static int	 cx_decode_instances(const xmlNode *, const char *,
		    struct wbem_result *, struct wbem_error *);
static int	 cx_decode_names(const xmlNode *, const char *,
		    struct wbem_result *, struct wbem_error *);
static int	 cx_decode_method(const xmlNode *, struct wbem_result *,
		    struct wbem_error *);
static int	 cx_error_elem(const xmlNode *, struct wbem_error *);
static int	 cx_trailer_error(const struct cimxml_reply *,
		    struct wbem_error *);
static const char *cx_request_ns(const struct wbem_request *);
static const char *cx_request_class(const struct wbem_request *);

/* ---- DOM helpers ------------------------------------------------------- */

int
cimxml_is(const xmlNode *n, const char *name)
{
	return (n != NULL && n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0);
}

/* Element children only: whitespace, comments and PIs between are skipped. */
xmlNode *
cimxml_first(const xmlNode *parent)
{
	xmlNode	*n;

	if (parent == NULL)
		return (NULL);
	for (n = parent->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return (n);
	return (NULL);
}

xmlNode *
cimxml_next(const xmlNode *cur)
{
	xmlNode	*n;

	for (n = cur->next; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return (n);
	return (NULL);
}

xmlNode *
cimxml_child(const xmlNode *parent, const char *name)
{
	xmlNode	*n;

	for (n = cimxml_first(parent); n != NULL; n = cimxml_next(n))
		if (cimxml_is(n, name))
			return (n);
	return (NULL);
}

/* The attribute's text inside the tree (entities are never kept). */
const char *
cimxml_attr(const xmlNode *n, const char *name)
{
	const xmlAttr	*a;

	for (a = n->properties; a != NULL; a = a->next) {
		if (strcmp((const char *)a->name, name) != 0)
			continue;
		if (a->children == NULL || a->children->content == NULL)
			return ("");
		return ((const char *)a->children->content);
	}
	return (NULL);
}

/* All text and CDATA of an element, byte-exact; "" for an empty one. */
char *
cimxml_text(const xmlNode *n)
{
	const xmlNode	*c;
	struct buf	 b;

	buf_init(&b, 0);
	for (c = n->children; c != NULL; c = c->next) {
		if ((c->type == XML_TEXT_NODE ||
		    c->type == XML_CDATA_SECTION_NODE) && c->content != NULL)
			buf_puts(&b, (const char *)c->content);
	}
	return (buf_steal(&b, NULL));
}

/*
 * Leading and trailing XML whitespace off, in place: numbers and booleans
 * are trimmed on both sides, and the server trims key strings too, since
 * OpenPegasus does (a pretty-printed request still names its instance).
 */
void
cimxml_trim(char *s)
{
	size_t	n = strlen(s), i = 0;

	while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
		s[--n] = '\0';
	while (s[i] != '\0' && strchr(" \t\r\n", s[i]) != NULL)
		i++;
	memmove(s, s + i, n - i + 1);
}

/* The line an element's content ends on, where OpenPegasus reports it. */
long
cimxml_end_line(const xmlNode *n)
{
	const xmlNode	*c;
	const char	*p;
	long		 line = xmlGetLineNo((xmlNode *)n);

	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_TEXT_NODE && c->content != NULL)
			for (p = (const char *)c->content; *p != '\0'; p++)
				line += *p == '\n';
	return (line);
}

/* An element serialised back to text (CLASS for GetClass, INSTANCE params). */
static char *
cx_dump(const xmlNode *n)
{
	xmlBufferPtr	 xb;
	char		*s;

	if ((xb = xmlBufferCreate()) == NULL)
		fatal("xmlBufferCreate: out of memory");
	xmlNodeDump(xb, n->doc, (xmlNode *)n, 0, 0);
	s = xstrdup((const char *)xmlBufferContent(xb));
	xmlBufferFree(xb);
	return (s);
}

/* CIM names we send: identifiers only, so nothing can break out of a header. */
int
cimxml_name_ok(const char *s)
{
	if (s == NULL || *s == '\0' || isdigit((unsigned char)*s))
		return (0);
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return (0);
	return (1);
}

static int
cx_ns_ok(const char *s)
{
	int	seen = 0;

	if (s == NULL)
		return (0);
	for (; *s != '\0'; s++) {
		if (*s == '/')
			continue;
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return (0);
		seen = 1;
	}
	return (seen);
}

/*
 * DSP0200 header values are URI-escaped UTF-8.  Everything outside the
 * RFC 2396 unreserved set becomes %XX (so '/' %2F, ':' %3A, '"' %22,
 * '=' %3D, ',' %2C, ' ' %20), which is what OpenPegasus writes in
 * PGErrorDetail and CIMStatusCodeDescription and reads in CIMObject.
 */
int
cimxml_uri_escape(const char *s, struct buf *b)
{
	const unsigned char	*p;
	int			 rc = 0;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (isalnum(*p) || strchr("-_.!~*'()", *p) != NULL)
			rc |= buf_add(b, p, 1);
		else
			rc |= buf_printf(b, "%%%02X", *p);
	}
	return (rc == 0 ? 0 : -1);
}

/* ---- encoding pieces ----------------------------------------------------- */

static void
cx_put_ns(struct buf *b, const char *ns)
{
	const char	*p, *e;

	buf_puts(b, "<LOCALNAMESPACEPATH>");
	for (p = ns; *p != '\0'; p = e) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		e = strchr(p, '/');
		if (e == NULL)
			e = p + strlen(p);
		buf_puts(b, "<NAMESPACE NAME=\"");
		buf_add(b, p, (size_t)(e - p));
		buf_puts(b, "\"/>");
	}
	buf_puts(b, "</LOCALNAMESPACEPATH>");
}

static void
cx_put_keyvalue(struct buf *b, const struct cim_keybinding *k)
{
	const char	*vt;
	enum cim_type	 t;

	t = k->type == CIM_T_NONE ? CIM_T_STRING : k->type;
	if (t == CIM_T_BOOLEAN)
		vt = "boolean";
	else if (cim_type_is_integer(t) || cim_type_is_real(t))
		vt = "numeric";
	else {
		vt = "string";
		if (t != CIM_T_CHAR16 && t != CIM_T_DATETIME)
			t = CIM_T_STRING;
	}
	/* TYPE too: the DSP0203 2.4 DTD requires it on KEYVALUE. */
	buf_printf(b, "<KEYVALUE VALUETYPE=\"%s\" TYPE=\"%s\">", vt,
	    cim_type_name(t));
	buf_xml_escape(b, k->value);
	buf_puts(b, "</KEYVALUE>");
}

static void
cx_put_instancename(struct buf *b, const struct cim_path *p)
{
	size_t	i;

	buf_printf(b, "<INSTANCENAME CLASSNAME=\"%s\">", p->classname);
	for (i = 0; i < p->nkeys; i++) {
		buf_printf(b, "<KEYBINDING NAME=\"%s\">", p->keys[i].name);
		cx_put_keyvalue(b, &p->keys[i]);
		buf_puts(b, "</KEYBINDING>");
	}
	buf_puts(b, "</INSTANCENAME>");
}

/* A reference value given as path text; ns is the request's namespace. */
static int
cx_put_reference(struct buf *b, const char *text, const char *ns)
{
	struct cim_path	*p;
	size_t		 i;

	p = cim_path_new(NULL, NULL);
	if (cim_path_parse(text, p) == -1 || !cimxml_name_ok(p->classname)) {
		cim_path_free(p);
		return (-1);
	}
	for (i = 0; i < p->nkeys; i++) {
		if (!cimxml_name_ok(p->keys[i].name)) {
			cim_path_free(p);
			return (-1);
		}
	}
	buf_puts(b, "<VALUE.REFERENCE>");
	if (p->host != NULL) {
		buf_puts(b, "<INSTANCEPATH><NAMESPACEPATH><HOST>");
		buf_xml_escape(b, p->host);
		buf_puts(b, "</HOST>");
		cx_put_ns(b, p->ns != NULL ? p->ns : ns);
		buf_puts(b, "</NAMESPACEPATH>");
		cx_put_instancename(b, p);
		buf_puts(b, "</INSTANCEPATH>");
	} else if (p->ns != NULL) {
		buf_puts(b, "<LOCALINSTANCEPATH>");
		cx_put_ns(b, p->ns);
		cx_put_instancename(b, p);
		buf_puts(b, "</LOCALINSTANCEPATH>");
	} else
		cx_put_instancename(b, p);
	buf_puts(b, "</VALUE.REFERENCE>");
	cim_path_free(p);
	return (0);
}

/* VALUE, VALUE.ARRAY or VALUE.REFERENCE for a non-NULL value. */
static int
cx_put_value(struct buf *b, const struct cim_value *v, const char *ns)
{
	size_t	i;

	if (!v->is_array) {
		if (v->type == CIM_T_REFERENCE)
			return (cx_put_reference(b, v->vals[0], ns));
		buf_puts(b, "<VALUE>");
		buf_xml_escape(b, v->vals[0]);
		buf_puts(b, "</VALUE>");
		return (0);
	}
	if (v->type == CIM_T_REFERENCE) {
		buf_puts(b, "<VALUE.REFARRAY>");
		for (i = 0; i < v->nvals; i++) {
			if (v->vals[i] == NULL)
				buf_puts(b, "<VALUE.NULL/>");
			else if (cx_put_reference(b, v->vals[i], ns) == -1)
				return (-1);
		}
		buf_puts(b, "</VALUE.REFARRAY>");
		return (0);
	}
	buf_puts(b, "<VALUE.ARRAY>");
	for (i = 0; i < v->nvals; i++) {
		if (v->vals[i] == NULL) {
			buf_puts(b, "<VALUE.NULL/>");
			continue;
		}
		buf_puts(b, "<VALUE>");
		buf_xml_escape(b, v->vals[i]);
		buf_puts(b, "</VALUE>");
	}
	buf_puts(b, "</VALUE.ARRAY>");
	return (0);
}

static void
cx_put_proplist(struct buf *b, const char * const *pl)
{
	buf_puts(b, "<IPARAMVALUE NAME=\"PropertyList\"><VALUE.ARRAY>");
	for (; *pl != NULL; pl++)
		buf_printf(b, "<VALUE>%s</VALUE>", *pl);
	buf_puts(b, "</VALUE.ARRAY></IPARAMVALUE>\n");
}

static void
cx_put_bool_param(struct buf *b, const char *name, int v)
{
	buf_printf(b, "<IPARAMVALUE NAME=\"%s\"><VALUE>%s</VALUE>"
	    "</IPARAMVALUE>\n", name, v ? "TRUE" : "FALSE");
}

static const char *
cx_request_ns(const struct wbem_request *req)
{
	if (req->ns != NULL && *req->ns != '\0')
		return (req->ns);
	if (req->path != NULL && req->path->ns != NULL)
		return (req->path->ns);
	return (CX_DEFAULT_NS);
}

static const char *
cx_request_class(const struct wbem_request *req)
{
	if (req->classname != NULL)
		return (req->classname);
	if (req->path != NULL)
		return (req->path->classname);
	return (NULL);
}

static int
cx_encode_intrinsic(const struct wbem_request *req, const char *ns,
    struct buf *b, struct wbem_error *err)
{
	const char	*cls = cx_request_class(req);
	const char	*lang;
	size_t		 i;

	buf_printf(b, "<IMETHODCALL NAME=\"%s\">\n", wbem_op_name(req->op));
	cx_put_ns(b, ns);
	buf_puts(b, "\n");
	switch (req->op) {
	case WBEM_OP_ENUM:
	case WBEM_OP_ENUM_NAMES:
	case WBEM_OP_GET_CLASS:
		if (!cimxml_name_ok(cls)) {
			wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
			    "invalid class name \"%s\"", cls ? cls : "");
			return (-1);
		}
		buf_printf(b, "<IPARAMVALUE NAME=\"ClassName\">"
		    "<CLASSNAME NAME=\"%s\"/></IPARAMVALUE>\n", cls);
		if (req->op == WBEM_OP_ENUM)
			cx_put_bool_param(b, "DeepInheritance", req->deep);
		if (req->op != WBEM_OP_ENUM_NAMES)
			cx_put_bool_param(b, "LocalOnly", req->local_only);
		break;
	case WBEM_OP_GET:
		if (req->path == NULL ||
		    !cimxml_name_ok(req->path->classname)) {
			wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
			    "GetInstance needs an instance path");
			return (-1);
		}
		for (i = 0; i < req->path->nkeys; i++) {
			if (!cimxml_name_ok(req->path->keys[i].name)) {
				wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
				    "invalid key name \"%s\"",
				    req->path->keys[i].name);
				return (-1);
			}
		}
		buf_puts(b, "<IPARAMVALUE NAME=\"InstanceName\">");
		cx_put_instancename(b, req->path);
		buf_puts(b, "</IPARAMVALUE>\n");
		cx_put_bool_param(b, "LocalOnly", req->local_only);
		break;
	case WBEM_OP_QUERY:
		if (req->query == NULL || *req->query == '\0') {
			wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
			    "ExecQuery needs a query");
			return (-1);
		}
		lang = req->query_lang != NULL ? req->query_lang : "WQL";
		buf_puts(b, "<IPARAMVALUE NAME=\"QueryLanguage\"><VALUE>");
		buf_xml_escape(b, lang);
		buf_puts(b, "</VALUE></IPARAMVALUE>\n");
		buf_puts(b, "<IPARAMVALUE NAME=\"Query\"><VALUE>");
		buf_xml_escape(b, req->query);
		buf_puts(b, "</VALUE></IPARAMVALUE>\n");
		break;
	default:
		wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
		    "unknown operation %d", (int)req->op);
		return (-1);
	}
	if (req->proplist != NULL && req->op != WBEM_OP_ENUM_NAMES &&
	    req->op != WBEM_OP_QUERY) {
		for (i = 0; req->proplist[i] != NULL; i++) {
			if (!cimxml_name_ok(req->proplist[i])) {
				wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
				    "invalid property name \"%s\"",
				    req->proplist[i]);
				return (-1);
			}
		}
		cx_put_proplist(b, req->proplist);
	}
	buf_puts(b, "</IMETHODCALL>\n");
	return (0);
}

static int
cx_encode_invoke(const struct wbem_request *req, const char *ns,
    struct buf *b, struct wbem_error *err)
{
	const struct cim_property	*p;
	const struct cim_path		*path = req->path;
	const char			*cls = cx_request_class(req);
	size_t				 i;

	if (!cimxml_name_ok(req->method) || !cimxml_name_ok(cls)) {
		wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
		    "InvokeMethod needs a valid class and method name");
		return (-1);
	}
	buf_printf(b, "<METHODCALL NAME=\"%s\">\n", req->method);
	if (path != NULL && path->nkeys > 0) {
		for (i = 0; i < path->nkeys; i++) {
			if (!cimxml_name_ok(path->keys[i].name)) {
				wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
				    "invalid key name \"%s\"",
				    path->keys[i].name);
				return (-1);
			}
		}
		buf_puts(b, "<LOCALINSTANCEPATH>");
		cx_put_ns(b, ns);
		cx_put_instancename(b, path);
		buf_puts(b, "</LOCALINSTANCEPATH>\n");
	} else {
		buf_puts(b, "<LOCALCLASSPATH>");
		cx_put_ns(b, ns);
		buf_printf(b, "<CLASSNAME NAME=\"%s\"/></LOCALCLASSPATH>\n",
		    cls);
	}
	for (i = 0; i < req->nparams; i++) {
		p = &req->params[i];
		if (!cimxml_name_ok(p->name)) {
			wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
			    "invalid parameter name \"%s\"",
			    p->name != NULL ? p->name : "");
			return (-1);
		}
		buf_printf(b, "<PARAMVALUE NAME=\"%s\"", p->name);
		if (p->v.type == CIM_T_OBJECT || p->v.embedded)
			buf_puts(b, " PARAMTYPE=\"string\""
			    " EmbeddedObject=\"object\"");
		else if (p->v.type != CIM_T_NONE)
			buf_printf(b, " PARAMTYPE=\"%s\"",
			    cim_type_name(p->v.type));
		if (p->v.is_null || (!p->v.is_array && p->v.nvals == 0)) {
			buf_puts(b, "/>\n");
			continue;
		}
		buf_puts(b, ">");
		if (cx_put_value(b, &p->v, ns) == -1) {
			wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
			    "parameter %s: not a valid reference", p->name);
			return (-1);
		}
		buf_puts(b, "</PARAMVALUE>\n");
	}
	buf_puts(b, "</METHODCALL>\n");
	return (0);
}

/*
 * Builds the body and the CIMMethod/CIMObject headers of one request.
 * CIMObject is the namespace for intrinsic calls, ns:Class for a static
 * method and the instance's model path ns:Class.k="v" for an instance
 * method, all URI-escaped (DSP0200 section 4.3).
 */
int
cimxml_encode_request(const struct wbem_request *req, unsigned msgid,
    struct buf *body, struct cimxml_hdrs *hdrs, struct wbem_error *err)
{
	const struct cim_property	*p;
	const char			*ns = cx_request_ns(req);
	struct cim_path			*mp;
	struct buf			 obj, model;
	size_t				 i, len0 = body->len;
	int				 rc;

	wbem_error_clear(err);
	if (!cx_ns_ok(ns)) {
		wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
		    "invalid namespace \"%s\"", ns);
		return (-1);
	}
	if (req->op == WBEM_OP_INVOKE) {
		for (i = 0; i < req->nparams; i++) {
			p = &req->params[i];
			if (p->v.is_null || p->v.type == CIM_T_REFERENCE)
				continue;
			if (p->v.nvals > 0 && p->v.vals[0] != NULL &&
			    cim_value_check(p->v.type, p->v.vals[0]) == -1) {
				wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
				    "parameter %s: \"%s\" is not a valid %s",
				    p->name, p->v.vals[0],
				    cim_type_name(p->v.type));
				return (-1);
			}
		}
	}

	buf_printf(body, "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
	    "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">\n"
	    "<MESSAGE ID=\"%u\" PROTOCOLVERSION=\"1.0\">\n"
	    "<SIMPLEREQ>\n", msgid);
	if (req->op == WBEM_OP_INVOKE)
		rc = cx_encode_invoke(req, ns, body, err);
	else
		rc = cx_encode_intrinsic(req, ns, body, err);
	if (rc == -1)
		goto fail;
	if (buf_puts(body, "</SIMPLEREQ>\n</MESSAGE>\n</CIM>\n") == -1) {
		wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
		    "request body over its size cap");
		goto fail;
	}

	if (hdrs == NULL)
		return (0);
	buf_init(&obj, 0);
	if (req->op != WBEM_OP_INVOKE)
		cimxml_uri_escape(ns, &obj);
	else {
		mp = cim_path_new(ns, cx_request_class(req));
		if (req->path != NULL)
			for (i = 0; i < req->path->nkeys; i++)
				cim_path_add_key(mp, req->path->keys[i].name,
				    req->path->keys[i].type,
				    req->path->keys[i].value);
		buf_init(&model, 0);
		cim_path_format(mp, &model);
		cim_path_free(mp);
		cimxml_uri_escape(model.data, &obj);
		buf_release(&model);
	}
	if (obj.len >= sizeof(hdrs->cimobject)) {
		buf_release(&obj);
		wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
		    "CIMObject header longer than %zu bytes",
		    sizeof(hdrs->cimobject) - 1);
		goto fail;
	}
	strlcpy(hdrs->cimobject, obj.data != NULL ? obj.data : "",
	    sizeof(hdrs->cimobject));
	buf_release(&obj);
	strlcpy(hdrs->cimmethod, req->op == WBEM_OP_INVOKE ? req->method :
	    wbem_op_name(req->op), sizeof(hdrs->cimmethod));
	return (0);
fail:
	body->len = len0;
	if (body->data != NULL)
		body->data[len0] = '\0';
	return (-1);
}

/* ---- decoding ---------------------------------------------------------- */

/* LOCALNAMESPACEPATH's NAMESPACE names joined with '/'. */
char *
cimxml_ns_of(const xmlNode *lnp)
{
	const xmlNode	*n;
	const char	*name;
	struct buf	 b;

	buf_init(&b, 0);
	for (n = cimxml_first(lnp); n != NULL; n = cimxml_next(n)) {
		if (!cimxml_is(n, "NAMESPACE") ||
		    (name = cimxml_attr(n, "NAME")) == NULL)
			continue;
		if (b.len > 0)
			buf_puts(&b, "/");
		buf_puts(&b, name);
	}
	if (b.len == 0) {
		buf_release(&b);
		return (NULL);
	}
	return (buf_steal(&b, NULL));
}

static int
cx_keybinding(const xmlNode *kb, struct cim_path *p, int flags,
    struct wbem_error *err)
{
	const xmlNode	*kv;
	const char	*name, *vt, *ts;
	enum cim_type	 t;
	char		*text;

	if ((name = cimxml_attr(kb, "NAME")) == NULL ||
	    (kv = cimxml_first(kb)) == NULL) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "KEYBINDING without NAME or value");
		return (-1);
	}
	if (cimxml_is(kv, "VALUE.REFERENCE")) {
		if (cx_reference_text(kv, &text, err) == -1)
			return (-1);
		cim_path_add_key(p, name, CIM_T_REFERENCE, text);
		free(text);
		return (0);
	}
	if (!cimxml_is(kv, "KEYVALUE")) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "unexpected %s in KEYBINDING", (const char *)kv->name);
		return (-1);
	}
	text = cimxml_text(kv);
	vt = cimxml_attr(kv, "VALUETYPE");
	ts = cimxml_attr(kv, "TYPE");
	if ((flags & CIMXML_TRIM_ALL) ||
	    (vt != NULL && strcmp(vt, "string") != 0))
		cimxml_trim(text);
	if (ts != NULL && cim_type_parse(ts, &t) == 0)
		;
	else if (vt == NULL || strcmp(vt, "string") == 0)
		t = CIM_T_STRING;
	else if (strcmp(vt, "boolean") == 0)
		t = CIM_T_BOOLEAN;
	else if ((t = cim_key_type_guess(text)) == CIM_T_STRING ||
	    t == CIM_T_BOOLEAN) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "key %s: \"%s\" is not numeric", name, text);
		free(text);
		return (-1);
	}
	cim_path_add_key(p, name, t, text);
	free(text);
	return (0);
}

/* INSTANCENAME (or a keyless CLASSNAME) into a path in namespace ns. */
struct cim_path *
cimxml_instancename(const xmlNode *in, const char *ns, int flags,
    struct wbem_error *err)
{
	const xmlNode	*kb;
	const char	*cls, *attr;
	struct cim_path	*p;

	attr = cimxml_is(in, "CLASSNAME") ? "NAME" : "CLASSNAME";
	if ((cls = cimxml_attr(in, attr)) == NULL || *cls == '\0') {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "on line %ld: missing %s.%s attribute",
		    xmlGetLineNo((xmlNode *)in), (const char *)in->name, attr);
		return (NULL);
	}
	p = cim_path_new(ns, cls);
	if (cimxml_is(in, "CLASSNAME"))
		return (p);
	for (kb = cimxml_first(in); kb != NULL; kb = cimxml_next(kb)) {
		if (!cimxml_is(kb, "KEYBINDING"))
			continue;
		if (p->nkeys == CX_MAX_KEYS) {
			wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
			    "on line %ld: More than %d key-value pairs per "
			    "object path are not supported.",
			    xmlGetLineNo((xmlNode *)kb), CX_MAX_KEYS);
			cim_path_free(p);
			return (NULL);
		}
		if (cx_keybinding(kb, p, flags, err) == -1) {
			cim_path_free(p);
			return (NULL);
		}
	}
	return (p);
}

/*
 * Any of the path forms: INSTANCEPATH / CLASSPATH (with HOST), their LOCAL
 * forms, or a bare INSTANCENAME / CLASSNAME in namespace ns.
 */
static struct cim_path *
cx_objpath(const xmlNode *n, const char *ns, struct wbem_error *err)
{
	const xmlNode	*nsp, *lnp, *host, *name;
	struct cim_path	*p;
	char		*pns = NULL, *h = NULL;

	if (cimxml_is(n, "OBJECTPATH"))
		n = cimxml_first(n);
	if (cimxml_is(n, "INSTANCENAME") || cimxml_is(n, "CLASSNAME"))
		return (cimxml_instancename(n, ns, 0, err));
	if (cimxml_is(n, "INSTANCEPATH") || cimxml_is(n, "CLASSPATH")) {
		nsp = cimxml_child(n, "NAMESPACEPATH");
		host = cimxml_child(nsp, "HOST");
		lnp = cimxml_child(nsp, "LOCALNAMESPACEPATH");
	} else if (cimxml_is(n, "LOCALINSTANCEPATH") ||
	    cimxml_is(n, "LOCALCLASSPATH")) {
		host = NULL;
		lnp = cimxml_child(n, "LOCALNAMESPACEPATH");
	} else {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "expected an object path, got %s",
		    n != NULL ? (const char *)n->name : "nothing");
		return (NULL);
	}
	name = cimxml_child(n, "INSTANCENAME");
	if (name == NULL)
		name = cimxml_child(n, "CLASSNAME");
	if (name == NULL || lnp == NULL) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "%s without namespace or name", (const char *)n->name);
		return (NULL);
	}
	pns = cimxml_ns_of(lnp);
	if ((p = cimxml_instancename(name, pns != NULL ? pns : ns, 0, err)) !=
	    NULL &&
	    host != NULL) {
		h = cimxml_text(host);
		if (*h != '\0') {
			p->host = h;
			h = NULL;
		}
	}
	free(h);
	free(pns);
	return (p);
}

/* VALUE.REFERENCE to the text form of its path. */
static int
cx_reference_text(const xmlNode *ref, char **out, struct wbem_error *err)
{
	struct cim_path	*p;
	struct buf	 b;

	if ((p = cx_objpath(cimxml_first(ref), NULL, err)) == NULL)
		return (-1);
	buf_init(&b, 0);
	cim_path_format(p, &b);
	cim_path_free(p);
	*out = buf_steal(&b, NULL);
	return (0);
}

int
cimxml_embedded_attr(const xmlNode *n)
{
	return (cimxml_attr(n, "EmbeddedObject") != NULL ||
	    cimxml_attr(n, "EMBEDDEDOBJECT") != NULL ||
	    cimxml_attr(n, "EmbeddedInstance") != NULL);
}

/*
 * The value element inside a PROPERTY, PARAMVALUE or RETURNVALUE (v's type
 * already set): VALUE, VALUE.ARRAY, VALUE.REFERENCE, VALUE.REFARRAY,
 * VALUE.NULL, or an INSTANCE/CLASS kept as its XML text.  No element at
 * all is NULL.
 */
int
cimxml_value_elem(const xmlNode *parent, struct cim_value *v,
    struct wbem_error *err)
{
	const xmlNode	*n, *m;
	char		*text;

	for (n = cimxml_first(parent); n != NULL && cimxml_is(n, "QUALIFIER");
	    n = cimxml_next(n))
		;
	if (n == NULL || cimxml_is(n, "VALUE.NULL"))
		return (0);
	if (cimxml_is(n, "VALUE")) {
		text = cimxml_text(n);
		if (!v->embedded && (cim_type_is_integer(v->type) ||
		    cim_type_is_real(v->type) || v->type == CIM_T_BOOLEAN))
			cimxml_trim(text);
		if (!v->embedded && (cim_type_is_integer(v->type) ||
		    cim_type_is_real(v->type) || v->type == CIM_T_BOOLEAN) &&
		    cim_value_check(v->type, text) == -1) {
			wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
			    "value \"%.64s\" is not a valid %s", text,
			    cim_type_name(v->type));
			free(text);
			return (-1);
		}
		cim_value_add(v, text);
		free(text);
		return (0);
	}
	if (cimxml_is(n, "VALUE.REFERENCE")) {
		if (cx_reference_text(n, &text, err) == -1)
			return (-1);
		v->type = CIM_T_REFERENCE;
		cim_value_add(v, text);
		free(text);
		return (0);
	}
	if (cimxml_is(n, "INSTANCE") || cimxml_is(n, "CLASS")) {
		v->type = CIM_T_OBJECT;
		v->embedded = 1;
		text = cx_dump(n);
		cim_value_add(v, text);
		free(text);
		return (0);
	}
	if (cimxml_is(n, "VALUE.ARRAY") || cimxml_is(n, "VALUE.REFARRAY")) {
		v->is_array = 1;
		v->is_null = 0;
		if (cimxml_is(n, "VALUE.REFARRAY"))
			v->type = CIM_T_REFERENCE;
		for (m = cimxml_first(n); m != NULL; m = cimxml_next(m)) {
			if (cimxml_is(m, "VALUE.NULL")) {
				cim_value_add(v, NULL);
				continue;
			}
			if (cimxml_is(m, "VALUE.REFERENCE")) {
				if (cx_reference_text(m, &text, err) == -1)
					return (-1);
			} else if (cimxml_is(m, "VALUE")) {
				text = cimxml_text(m);
				if (cim_type_is_integer(v->type) ||
				    cim_type_is_real(v->type) ||
				    v->type == CIM_T_BOOLEAN)
					cimxml_trim(text);
			} else
				continue;
			if (!v->embedded && v->type != CIM_T_REFERENCE &&
			    (cim_type_is_integer(v->type) ||
			    v->type == CIM_T_BOOLEAN) &&
			    cim_value_check(v->type, text) == -1) {
				wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
				    "array member \"%.64s\" is not a valid %s",
				    text, cim_type_name(v->type));
				free(text);
				return (-1);
			}
			cim_value_add(v, text);
			free(text);
		}
		return (0);
	}
	wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
	    "unexpected %s as a value", (const char *)n->name);
	return (-1);
}

static int
cx_property(const xmlNode *n, struct cim_instance *inst,
    struct wbem_error *err)
{
	struct cim_property	*p;
	const char		*name, *ts;
	enum cim_type		 t = CIM_T_STRING;

	if ((name = cimxml_attr(n, "NAME")) == NULL || *name == '\0') {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "%s without NAME in INSTANCE %s", (const char *)n->name,
		    inst->classname);
		return (-1);
	}
	if (cimxml_is(n, "PROPERTY.REFERENCE"))
		t = CIM_T_REFERENCE;
	else if ((ts = cimxml_attr(n, "TYPE")) == NULL ||
	    cim_type_parse(ts, &t) == -1) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "property %s: missing or unknown TYPE \"%s\"", name,
		    ts != NULL ? ts : "");
		return (-1);
	}
	p = cim_instance_add(inst, name, t, NULL);
	if (cimxml_embedded_attr(n)) {
		p->v.embedded = 1;
		p->v.type = CIM_T_OBJECT;
	}
	if (cimxml_is(n, "PROPERTY.ARRAY"))
		p->v.is_array = 1;
	if (cimxml_value_elem(n, &p->v, err) == -1)
		return (-1);
	/* an array property without VALUE.ARRAY is NULL, not empty */
	if (p->v.is_array && p->v.nvals == 0 &&
	    cimxml_child(n, "VALUE.ARRAY") == NULL &&
	    cimxml_child(n, "VALUE.REFARRAY") == NULL)
		p->v.is_null = 1;
	return (0);
}

static struct cim_instance *
cx_instance(const xmlNode *n, struct wbem_error *err)
{
	struct cim_instance	*inst;
	const xmlNode		*c;
	const char		*cls;

	if (!cimxml_is(n, "INSTANCE") ||
	    (cls = cimxml_attr(n, "CLASSNAME")) == NULL) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "expected INSTANCE with CLASSNAME, got %s",
		    n != NULL ? (const char *)n->name : "nothing");
		return (NULL);
	}
	inst = cim_instance_new(cls);
	for (c = cimxml_first(n); c != NULL; c = cimxml_next(c)) {
		if (!cimxml_is(c, "PROPERTY") &&
		    !cimxml_is(c, "PROPERTY.ARRAY") &&
		    !cimxml_is(c, "PROPERTY.REFERENCE"))
			continue;
		if (cx_property(c, inst, err) == -1) {
			cim_instance_free(inst);
			return (NULL);
		}
	}
	return (inst);
}

/*
 * IRETURNVALUE of EnumerateInstances, GetInstance, ExecQuery: every
 * instance-carrying shape, with its path where the shape has one.
 */
static int
cx_decode_instances(const xmlNode *irv, const char *ns, struct wbem_result *r,
    struct wbem_error *err)
{
	const xmlNode		*n, *pathn, *instn;
	struct cim_instance	*inst;
	struct cim_path		*path = NULL;

	for (n = cimxml_first(irv); n != NULL; n = cimxml_next(n)) {
		pathn = NULL;
		if (cimxml_is(n, "INSTANCE"))
			instn = n;
		else if (cimxml_is(n, "VALUE.NAMEDINSTANCE") ||
		    cimxml_is(n, "VALUE.OBJECTWITHPATH") ||
		    cimxml_is(n, "VALUE.INSTANCEWITHPATH") ||
		    cimxml_is(n, "VALUE.OBJECTWITHLOCALPATH") ||
		    cimxml_is(n, "VALUE.NAMEDOBJECT")) {
			pathn = cimxml_first(n);
			instn = pathn != NULL ? cimxml_next(pathn) : NULL;
		} else if (cimxml_is(n, "VALUE.OBJECT"))
			instn = cimxml_first(n);
		else {
			wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
			    "unexpected %s in IRETURNVALUE",
			    (const char *)n->name);
			return (-1);
		}
		if (instn == NULL) {
			wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
			    "%s without its INSTANCE", (const char *)n->name);
			return (-1);
		}
		if (cimxml_is(instn, "CLASS"))
			continue;	/* ExecQuery may mix in classes */
		if ((inst = cx_instance(instn, err)) == NULL)
			return (-1);
		if (pathn != NULL &&
		    (path = cx_objpath(pathn, ns, err)) == NULL) {
			cim_instance_free(inst);
			return (-1);
		}
		if (pathn != NULL)
			inst->path = path;
		wbem_result_add_instance(r, inst);
	}
	return (0);
}

static int
cx_decode_names(const xmlNode *irv, const char *ns, struct wbem_result *r,
    struct wbem_error *err)
{
	const xmlNode	*n;
	struct cim_path	*p;

	for (n = cimxml_first(irv); n != NULL; n = cimxml_next(n)) {
		if ((p = cx_objpath(n, ns, err)) == NULL)
			return (-1);
		wbem_result_add_path(r, p);
	}
	return (0);
}

static int
cx_decode_method(const xmlNode *mr, struct wbem_result *r,
    struct wbem_error *err)
{
	const xmlNode		*n;
	struct cim_property	*p;
	const char		*name, *ts;
	enum cim_type		 t;
	int			 seen_ret = 0;

	for (n = cimxml_first(mr); n != NULL; n = cimxml_next(n)) {
		t = CIM_T_NONE;
		if ((ts = cimxml_attr(n, "PARAMTYPE")) != NULL &&
		    cim_type_parse(ts, &t) == -1) {
			wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
			    "unknown PARAMTYPE \"%s\"", ts);
			return (-1);
		}
		if (cimxml_is(n, "RETURNVALUE")) {
			cim_value_clear(&r->method.ret);
			cim_value_init(&r->method.ret, t);
			if (cimxml_embedded_attr(n)) {
				r->method.ret.embedded = 1;
				r->method.ret.type = CIM_T_OBJECT;
			}
			if (cimxml_value_elem(n, &r->method.ret, err) == -1)
				return (-1);
			seen_ret = 1;
			continue;
		}
		if (!cimxml_is(n, "PARAMVALUE"))
			continue;
		if ((name = cimxml_attr(n, "NAME")) == NULL) {
			wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
			    "PARAMVALUE without NAME");
			return (-1);
		}
		r->method.out = xreallocarray(r->method.out, r->method.nout + 1,
		    sizeof(*r->method.out));
		p = &r->method.out[r->method.nout++];
		p->name = xstrdup(name);
		cim_value_init(&p->v, t);
		if (cimxml_embedded_attr(n)) {
			p->v.embedded = 1;
			p->v.type = CIM_T_OBJECT;
		}
		if (cimxml_value_elem(n, &p->v, err) == -1)
			return (-1);
	}
	/* the DTD lets a void method omit it, but no CIM method is void
	 * (WMI and OpenPegasus always return one): a cut reply */
	if (!seen_ret) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "METHODRESPONSE %s without RETURNVALUE",
		    cimxml_attr(mr, "NAME"));
		return (-1);
	}
	return (0);
}

/*
 * A WBEM_E_CIM error of status code with the server's description.  Every
 * caller prints "name: description", and OpenPegasus starts its
 * descriptions with the status name ("CIM_ERR_NOT_FOUND: ..."), so a
 * leading name is dropped: the name is said once.
 */
static void
cx_cim_error(struct wbem_error *err, long code, const char *desc)
{
	const char	*name = cim_status_name((int)code);
	size_t		 nl = strlen(name);

	if (desc != NULL && strncmp(desc, name, nl) == 0 &&
	    (desc[nl] == '\0' || desc[nl] == ':' || desc[nl] == ' ')) {
		desc += nl;
		while (*desc == ':' || *desc == ' ')
			desc++;
	}
	if (desc == NULL || *desc == '\0')
		desc = "no description from the server";
	wbem_error_set(err, WBEM_E_CIM, (int)code, name, "%s", desc);
}

/* <ERROR CODE= DESCRIPTION=> into a WBEM_E_CIM error. */
static int
cx_error_elem(const xmlNode *e, struct wbem_error *err)
{
	const char	*cs;
	long		 code;

	cs = cimxml_attr(e, "CODE");
	if (cs == NULL || parse_long_range(cs, 0, 0x7fffffff, &code) == -1) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "ERROR element without a valid CODE");
		return (-1);
	}
	cx_cim_error(err, code, cimxml_attr(e, "DESCRIPTION"));
	err->http_status = 200;
	return (0);
}

/* The chunked form: status only in CIMStatusCode/Description trailers. */
static int
cx_trailer_error(const struct cimxml_reply *rep, struct wbem_error *err)
{
	/* room past the field: the error text is cut on a character */
	char	 desc[2 * sizeof(err->description)];
	long	 code;

	if (rep->trailer_code == NULL)
		return (0);
	if (parse_long_range(rep->trailer_code, 0, 0x7fffffff, &code) == -1) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "bad CIMStatusCode trailer \"%.32s\"", rep->trailer_code);
		err->http_status = rep->status;
		return (-1);
	}
	if (code == 0)
		return (0);
	desc[0] = '\0';
	if (rep->trailer_desc != NULL &&
	    uri_unescape(rep->trailer_desc, desc, sizeof(desc)) == -1)
		strlcpy(desc, rep->trailer_desc, sizeof(desc));
	cx_cim_error(err, code, desc);
	err->http_status = rep->status;
	return (-1);
}

struct wbem_result *
cimxml_decode_response(const struct wbem_request *req,
    const struct cimxml_reply *rep, struct wbem_error *err)
{
	struct wbem_result	*r = NULL;
	xmlDoc			*doc = NULL;
	const xmlNode		*n, *irv;
	const char		*want, *got, *rname;
	char			 detail[sizeof(err->description)];
	enum wbem_result_kind	 kind;
	int			 rc;

	wbem_error_clear(err);
	if (rep->status == 401 || rep->status == 403) {
		wbem_error_set(err, WBEM_E_AUTH, (int)rep->status, NULL,
		    "HTTP %ld: %s", rep->status, rep->status == 401 ?
		    "authentication failed" : "access forbidden");
		err->http_status = rep->status;
		return (NULL);
	}
	if (rep->cimerror != NULL) {
		detail[0] = '\0';
		if (rep->pgdetail != NULL &&
		    uri_unescape(rep->pgdetail, detail, sizeof(detail)) == -1)
			strlcpy(detail, rep->pgdetail, sizeof(detail));
		wbem_error_set(err, WBEM_E_PROTOCOL, (int)rep->status,
		    rep->cimerror, "%s", detail[0] != '\0' ? detail :
		    "the server rejected the request");
		err->http_status = rep->status;
		return (NULL);
	}
	if (rep->status != 200) {
		wbem_error_set(err, WBEM_E_HTTP, (int)rep->status, NULL,
		    "unexpected HTTP status %ld", rep->status);
		err->http_status = rep->status;
		return (NULL);
	}
	if (rep->body == NULL || rep->body_len == 0) {
		if (cx_trailer_error(rep, err) == -1)
			return (NULL);
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "HTTP 200 with an empty body");
		err->http_status = rep->status;
		return (NULL);
	}
	if ((doc = xml_parse_safe(rep->body, rep->body_len, rep->max_bytes,
	    XML_MAX_DEPTH_DEFAULT, err)) == NULL) {
		/* a chunked error may end a cut-short body: status first */
		if (rep->trailer_code != NULL) {
			struct wbem_error	e2;

			if (cx_trailer_error(rep, &e2) == -1) {
				*err = e2;
				return (NULL);
			}
		}
		err->http_status = rep->status;
		return (NULL);
	}

	want = req->op == WBEM_OP_INVOKE ? req->method : wbem_op_name(req->op);
	rname = req->op == WBEM_OP_INVOKE ? "METHODRESPONSE" :
	    "IMETHODRESPONSE";
	n = xmlDocGetRootElement(doc);
	if (!cimxml_is(n, "CIM") || (n = cimxml_child(n, "MESSAGE")) == NULL ||
	    (n = cimxml_child(n, "SIMPLERSP")) == NULL) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "reply is not a CIM-XML SIMPLERSP message");
		goto fail;
	}
	if ((n = cimxml_child(n, rname)) == NULL) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "reply has no %s", rname);
		goto fail;
	}
	got = cimxml_attr(n, "NAME");
	if (got == NULL || want == NULL || strcmp(got, want) != 0) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "reply is for method \"%s\", expected \"%s\"",
		    got != NULL ? got : "", want != NULL ? want : "");
		goto fail;
	}
	if ((irv = cimxml_child(n, "ERROR")) != NULL) {
		cx_error_elem(irv, err);
		goto fail;
	}
	if (cx_trailer_error(rep, err) == -1)
		goto fail;

	switch (req->op) {
	case WBEM_OP_ENUM_NAMES:
		kind = WBEM_R_PATHS;
		break;
	case WBEM_OP_INVOKE:
		kind = WBEM_R_METHOD;
		break;
	case WBEM_OP_GET_CLASS:
		kind = WBEM_R_CLASS;
		break;
	default:
		kind = WBEM_R_INSTANCES;
		break;
	}
	r = wbem_result_new(kind);
	irv = cimxml_child(n, "IRETURNVALUE");
	/*
	 * GetInstance and GetClass return one object: without IRETURNVALUE
	 * the reply is cut.  An enumeration without one is empty, as pywbem
	 * reads it (DSP0200 lets an empty array be omitted).
	 */
	if ((req->op == WBEM_OP_GET || req->op == WBEM_OP_GET_CLASS) &&
	    irv == NULL) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "%s reply without IRETURNVALUE", want);
		goto fail;
	}
	switch (req->op) {
	case WBEM_OP_INVOKE:
		rc = cx_decode_method(n, r, err);
		break;
	case WBEM_OP_ENUM_NAMES:
		rc = cx_decode_names(irv, cx_request_ns(req), r, err);
		break;
	case WBEM_OP_GET_CLASS:
		rc = 0;
		if ((n = cimxml_child(irv, "CLASS")) != NULL)
			r->class_xml = cx_dump(n);
		break;
	default:
		rc = cx_decode_instances(irv, cx_request_ns(req), r, err);
		break;
	}
	if (rc == -1)
		goto fail;
	if (req->op == WBEM_OP_GET && r->ninst != 1) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "GetInstance reply with %zu INSTANCEs in IRETURNVALUE, "
		    "not one", r->ninst);
		goto fail;
	}
	if (req->op == WBEM_OP_GET_CLASS && r->class_xml == NULL) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "GetClass reply without CLASS in IRETURNVALUE");
		goto fail;
	}
	xmlFreeDoc(doc);
	return (r);
fail:
	err->http_status = rep->status;
	wbem_result_free(r);
	xmlFreeDoc(doc);
	return (NULL);
}
