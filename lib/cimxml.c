/*
 * cimxml.c: the CIM-XML codec (DSP0200 operations over HTTP, DSP0201
 * representation), both sides: requests out and replies in for the client,
 * requests in and replies out for the mock.  Pure: bytes and headers in,
 * structs out (and back); no I/O, no clock, no state between calls.
 *
 * The decoder matches element names exactly (CIM-XML is case-sensitive)
 * and skips whitespace and comments between elements; the encoder writes
 * what the DMTF DTD validates and what OpenPegasus writes itself.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "cimhead.h"

#define CX_DEFAULT_NS	"root/cimv2"
#define CX_MAX_KEYS	1000	/* OpenPegasus refuses more per path */
#define CX_TRIM_ALL	1	/* server: trim string keys too (Pegasus) */

static int	 cx_is(const xmlNode *, const char *);
static xmlNode	*cx_first(const xmlNode *);
static xmlNode	*cx_next(const xmlNode *);
static xmlNode	*cx_child(const xmlNode *, const char *);
static const char *cx_attr(const xmlNode *, const char *);
static char	*cx_text(const xmlNode *);
static void	 cx_trim(char *);
static char	*cx_dump(const xmlNode *);
static int	 cx_name_ok(const char *);
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
static char	*cx_ns_of(const xmlNode *);
static struct cim_path *cx_instancename(const xmlNode *, const char *, int,
		    struct wbem_error *);
static struct cim_path *cx_objpath(const xmlNode *, const char *,
		    struct wbem_error *);
static int	 cx_keybinding(const xmlNode *, struct cim_path *, int,
		    struct wbem_error *);
static void	 cx_trim(char *);
static long	 cx_end_line(const xmlNode *);
static int	 cx_reference_text(const xmlNode *, char **,
		    struct wbem_error *);
static int	 cx_value_elem(const xmlNode *, struct cim_value *,
		    struct wbem_error *);
static int	 cx_property(const xmlNode *, struct cim_instance *,
		    struct wbem_error *);
static struct cim_instance *cx_instance(const xmlNode *, struct wbem_error *);
static int	 cx_embedded_attr(const xmlNode *);
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

static int
cx_is(const xmlNode *n, const char *name)
{
	return (n != NULL && n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0);
}

/* Element children only: whitespace, comments and PIs between are skipped. */
static xmlNode *
cx_first(const xmlNode *parent)
{
	xmlNode	*n;

	if (parent == NULL)
		return (NULL);
	for (n = parent->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return (n);
	return (NULL);
}

static xmlNode *
cx_next(const xmlNode *cur)
{
	xmlNode	*n;

	for (n = cur->next; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE)
			return (n);
	return (NULL);
}

static xmlNode *
cx_child(const xmlNode *parent, const char *name)
{
	xmlNode	*n;

	for (n = cx_first(parent); n != NULL; n = cx_next(n))
		if (cx_is(n, name))
			return (n);
	return (NULL);
}

/* The attribute's text inside the tree (entities are never kept). */
static const char *
cx_attr(const xmlNode *n, const char *name)
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
static char *
cx_text(const xmlNode *n)
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
static void
cx_trim(char *s)
{
	size_t	n = strlen(s), i = 0;

	while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
		s[--n] = '\0';
	while (s[i] != '\0' && strchr(" \t\r\n", s[i]) != NULL)
		i++;
	memmove(s, s + i, n - i + 1);
}

/* The line an element's content ends on, where OpenPegasus reports it. */
static long
cx_end_line(const xmlNode *n)
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
static int
cx_name_ok(const char *s)
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
	if (cim_path_parse(text, p) == -1 || !cx_name_ok(p->classname)) {
		cim_path_free(p);
		return (-1);
	}
	for (i = 0; i < p->nkeys; i++) {
		if (!cx_name_ok(p->keys[i].name)) {
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
		if (!cx_name_ok(cls)) {
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
		if (req->path == NULL || !cx_name_ok(req->path->classname)) {
			wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
			    "GetInstance needs an instance path");
			return (-1);
		}
		for (i = 0; i < req->path->nkeys; i++) {
			if (!cx_name_ok(req->path->keys[i].name)) {
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
			if (!cx_name_ok(req->proplist[i])) {
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

	if (!cx_name_ok(req->method) || !cx_name_ok(cls)) {
		wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
		    "InvokeMethod needs a valid class and method name");
		return (-1);
	}
	buf_printf(b, "<METHODCALL NAME=\"%s\">\n", req->method);
	if (path != NULL && path->nkeys > 0) {
		for (i = 0; i < path->nkeys; i++) {
			if (!cx_name_ok(path->keys[i].name)) {
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
		if (!cx_name_ok(p->name)) {
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
static char *
cx_ns_of(const xmlNode *lnp)
{
	const xmlNode	*n;
	const char	*name;
	struct buf	 b;

	buf_init(&b, 0);
	for (n = cx_first(lnp); n != NULL; n = cx_next(n)) {
		if (!cx_is(n, "NAMESPACE") ||
		    (name = cx_attr(n, "NAME")) == NULL)
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

	if ((name = cx_attr(kb, "NAME")) == NULL ||
	    (kv = cx_first(kb)) == NULL) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "KEYBINDING without NAME or value");
		return (-1);
	}
	if (cx_is(kv, "VALUE.REFERENCE")) {
		if (cx_reference_text(kv, &text, err) == -1)
			return (-1);
		cim_path_add_key(p, name, CIM_T_REFERENCE, text);
		free(text);
		return (0);
	}
	if (!cx_is(kv, "KEYVALUE")) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "unexpected %s in KEYBINDING", (const char *)kv->name);
		return (-1);
	}
	text = cx_text(kv);
	vt = cx_attr(kv, "VALUETYPE");
	ts = cx_attr(kv, "TYPE");
	if ((flags & CX_TRIM_ALL) || (vt != NULL && strcmp(vt, "string") != 0))
		cx_trim(text);
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
static struct cim_path *
cx_instancename(const xmlNode *in, const char *ns, int flags,
    struct wbem_error *err)
{
	const xmlNode	*kb;
	const char	*cls, *attr;
	struct cim_path	*p;

	attr = cx_is(in, "CLASSNAME") ? "NAME" : "CLASSNAME";
	if ((cls = cx_attr(in, attr)) == NULL || *cls == '\0') {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "on line %ld: missing %s.%s attribute",
		    xmlGetLineNo((xmlNode *)in), (const char *)in->name, attr);
		return (NULL);
	}
	p = cim_path_new(ns, cls);
	if (cx_is(in, "CLASSNAME"))
		return (p);
	for (kb = cx_first(in); kb != NULL; kb = cx_next(kb)) {
		if (!cx_is(kb, "KEYBINDING"))
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

	if (cx_is(n, "OBJECTPATH"))
		n = cx_first(n);
	if (cx_is(n, "INSTANCENAME") || cx_is(n, "CLASSNAME"))
		return (cx_instancename(n, ns, 0, err));
	if (cx_is(n, "INSTANCEPATH") || cx_is(n, "CLASSPATH")) {
		nsp = cx_child(n, "NAMESPACEPATH");
		host = cx_child(nsp, "HOST");
		lnp = cx_child(nsp, "LOCALNAMESPACEPATH");
	} else if (cx_is(n, "LOCALINSTANCEPATH") ||
	    cx_is(n, "LOCALCLASSPATH")) {
		host = NULL;
		lnp = cx_child(n, "LOCALNAMESPACEPATH");
	} else {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "expected an object path, got %s",
		    n != NULL ? (const char *)n->name : "nothing");
		return (NULL);
	}
	name = cx_child(n, "INSTANCENAME");
	if (name == NULL)
		name = cx_child(n, "CLASSNAME");
	if (name == NULL || lnp == NULL) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "%s without namespace or name", (const char *)n->name);
		return (NULL);
	}
	pns = cx_ns_of(lnp);
	if ((p = cx_instancename(name, pns != NULL ? pns : ns, 0, err)) !=
	    NULL &&
	    host != NULL) {
		h = cx_text(host);
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

	if ((p = cx_objpath(cx_first(ref), NULL, err)) == NULL)
		return (-1);
	buf_init(&b, 0);
	cim_path_format(p, &b);
	cim_path_free(p);
	*out = buf_steal(&b, NULL);
	return (0);
}

static int
cx_embedded_attr(const xmlNode *n)
{
	return (cx_attr(n, "EmbeddedObject") != NULL ||
	    cx_attr(n, "EMBEDDEDOBJECT") != NULL ||
	    cx_attr(n, "EmbeddedInstance") != NULL);
}

/*
 * The value element inside a PROPERTY, PARAMVALUE or RETURNVALUE (v's type
 * already set): VALUE, VALUE.ARRAY, VALUE.REFERENCE, VALUE.REFARRAY,
 * VALUE.NULL, or an INSTANCE/CLASS kept as its XML text.  No element at
 * all is NULL.
 */
static int
cx_value_elem(const xmlNode *parent, struct cim_value *v,
    struct wbem_error *err)
{
	const xmlNode	*n, *m;
	char		*text;

	for (n = cx_first(parent); n != NULL && cx_is(n, "QUALIFIER");
	    n = cx_next(n))
		;
	if (n == NULL || cx_is(n, "VALUE.NULL"))
		return (0);
	if (cx_is(n, "VALUE")) {
		text = cx_text(n);
		if (!v->embedded && (cim_type_is_integer(v->type) ||
		    cim_type_is_real(v->type) || v->type == CIM_T_BOOLEAN))
			cx_trim(text);
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
	if (cx_is(n, "VALUE.REFERENCE")) {
		if (cx_reference_text(n, &text, err) == -1)
			return (-1);
		v->type = CIM_T_REFERENCE;
		cim_value_add(v, text);
		free(text);
		return (0);
	}
	if (cx_is(n, "INSTANCE") || cx_is(n, "CLASS")) {
		v->type = CIM_T_OBJECT;
		v->embedded = 1;
		text = cx_dump(n);
		cim_value_add(v, text);
		free(text);
		return (0);
	}
	if (cx_is(n, "VALUE.ARRAY") || cx_is(n, "VALUE.REFARRAY")) {
		v->is_array = 1;
		v->is_null = 0;
		if (cx_is(n, "VALUE.REFARRAY"))
			v->type = CIM_T_REFERENCE;
		for (m = cx_first(n); m != NULL; m = cx_next(m)) {
			if (cx_is(m, "VALUE.NULL")) {
				cim_value_add(v, NULL);
				continue;
			}
			if (cx_is(m, "VALUE.REFERENCE")) {
				if (cx_reference_text(m, &text, err) == -1)
					return (-1);
			} else if (cx_is(m, "VALUE")) {
				text = cx_text(m);
				if (cim_type_is_integer(v->type) ||
				    cim_type_is_real(v->type) ||
				    v->type == CIM_T_BOOLEAN)
					cx_trim(text);
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

	if ((name = cx_attr(n, "NAME")) == NULL || *name == '\0') {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "%s without NAME in INSTANCE %s", (const char *)n->name,
		    inst->classname);
		return (-1);
	}
	if (cx_is(n, "PROPERTY.REFERENCE"))
		t = CIM_T_REFERENCE;
	else if ((ts = cx_attr(n, "TYPE")) == NULL ||
	    cim_type_parse(ts, &t) == -1) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "property %s: missing or unknown TYPE \"%s\"", name,
		    ts != NULL ? ts : "");
		return (-1);
	}
	p = cim_instance_add(inst, name, t, NULL);
	if (cx_embedded_attr(n)) {
		p->v.embedded = 1;
		p->v.type = CIM_T_OBJECT;
	}
	if (cx_is(n, "PROPERTY.ARRAY"))
		p->v.is_array = 1;
	if (cx_value_elem(n, &p->v, err) == -1)
		return (-1);
	/* an array property without VALUE.ARRAY is NULL, not empty */
	if (p->v.is_array && p->v.nvals == 0 && cx_child(n, "VALUE.ARRAY") ==
	    NULL && cx_child(n, "VALUE.REFARRAY") == NULL)
		p->v.is_null = 1;
	return (0);
}

static struct cim_instance *
cx_instance(const xmlNode *n, struct wbem_error *err)
{
	struct cim_instance	*inst;
	const xmlNode		*c;
	const char		*cls;

	if (!cx_is(n, "INSTANCE") || (cls = cx_attr(n, "CLASSNAME")) == NULL) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "expected INSTANCE with CLASSNAME, got %s",
		    n != NULL ? (const char *)n->name : "nothing");
		return (NULL);
	}
	inst = cim_instance_new(cls);
	for (c = cx_first(n); c != NULL; c = cx_next(c)) {
		if (!cx_is(c, "PROPERTY") && !cx_is(c, "PROPERTY.ARRAY") &&
		    !cx_is(c, "PROPERTY.REFERENCE"))
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

	for (n = cx_first(irv); n != NULL; n = cx_next(n)) {
		pathn = NULL;
		if (cx_is(n, "INSTANCE"))
			instn = n;
		else if (cx_is(n, "VALUE.NAMEDINSTANCE") ||
		    cx_is(n, "VALUE.OBJECTWITHPATH") ||
		    cx_is(n, "VALUE.INSTANCEWITHPATH") ||
		    cx_is(n, "VALUE.OBJECTWITHLOCALPATH") ||
		    cx_is(n, "VALUE.NAMEDOBJECT")) {
			pathn = cx_first(n);
			instn = pathn != NULL ? cx_next(pathn) : NULL;
		} else if (cx_is(n, "VALUE.OBJECT"))
			instn = cx_first(n);
		else {
			wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
			    "unexpected %s in IRETURNVALUE",
			    (const char *)n->name);
			return (-1);
		}
		if (cx_is(instn, "CLASS"))
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

	for (n = cx_first(irv); n != NULL; n = cx_next(n)) {
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

	for (n = cx_first(mr); n != NULL; n = cx_next(n)) {
		t = CIM_T_NONE;
		if ((ts = cx_attr(n, "PARAMTYPE")) != NULL &&
		    cim_type_parse(ts, &t) == -1) {
			wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
			    "unknown PARAMTYPE \"%s\"", ts);
			return (-1);
		}
		if (cx_is(n, "RETURNVALUE")) {
			cim_value_clear(&r->method.ret);
			cim_value_init(&r->method.ret, t);
			if (cx_embedded_attr(n)) {
				r->method.ret.embedded = 1;
				r->method.ret.type = CIM_T_OBJECT;
			}
			if (cx_value_elem(n, &r->method.ret, err) == -1)
				return (-1);
			continue;
		}
		if (!cx_is(n, "PARAMVALUE"))
			continue;
		if ((name = cx_attr(n, "NAME")) == NULL) {
			wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
			    "PARAMVALUE without NAME");
			return (-1);
		}
		r->method.out = xreallocarray(r->method.out, r->method.nout + 1,
		    sizeof(*r->method.out));
		p = &r->method.out[r->method.nout++];
		p->name = xstrdup(name);
		cim_value_init(&p->v, t);
		if (cx_embedded_attr(n)) {
			p->v.embedded = 1;
			p->v.type = CIM_T_OBJECT;
		}
		if (cx_value_elem(n, &p->v, err) == -1)
			return (-1);
	}
	return (0);
}

/* <ERROR CODE= DESCRIPTION=> into a WBEM_E_CIM error. */
static int
cx_error_elem(const xmlNode *e, struct wbem_error *err)
{
	const char	*cs, *desc;
	long		 code;

	cs = cx_attr(e, "CODE");
	if (cs == NULL || parse_long_range(cs, 0, 0x7fffffff, &code) == -1) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "ERROR element without a valid CODE");
		return (-1);
	}
	/* without a DESCRIPTION the status name is the best message */
	if ((desc = cx_attr(e, "DESCRIPTION")) == NULL || *desc == '\0')
		desc = cim_status_name((int)code);
	wbem_error_set(err, WBEM_E_CIM, (int)code, cim_status_name((int)code),
	    "%s", desc);
	err->http_status = 200;
	return (0);
}

/* The chunked form: status only in CIMStatusCode/Description trailers. */
static int
cx_trailer_error(const struct cimxml_reply *rep, struct wbem_error *err)
{
	char	 desc[sizeof(err->description)];
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
	if (desc[0] == '\0')
		strlcpy(desc, cim_status_name((int)code), sizeof(desc));
	wbem_error_set(err, WBEM_E_CIM, (int)code, cim_status_name((int)code),
	    "%s", desc);
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
	if (!cx_is(n, "CIM") || (n = cx_child(n, "MESSAGE")) == NULL ||
	    (n = cx_child(n, "SIMPLERSP")) == NULL) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "reply is not a CIM-XML SIMPLERSP message");
		goto fail;
	}
	if ((n = cx_child(n, rname)) == NULL) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "reply has no %s", rname);
		goto fail;
	}
	got = cx_attr(n, "NAME");
	if (got == NULL || want == NULL || strcmp(got, want) != 0) {
		wbem_error_set(err, WBEM_E_PROTOCOL, 0, NULL,
		    "reply is for method \"%s\", expected \"%s\"",
		    got != NULL ? got : "", want != NULL ? want : "");
		goto fail;
	}
	if ((irv = cx_child(n, "ERROR")) != NULL) {
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
	irv = cx_child(n, "IRETURNVALUE");
	switch (req->op) {
	case WBEM_OP_INVOKE:
		rc = cx_decode_method(n, r, err);
		break;
	case WBEM_OP_ENUM_NAMES:
		rc = cx_decode_names(irv, cx_request_ns(req), r, err);
		break;
	case WBEM_OP_GET_CLASS:
		rc = 0;
		if ((n = cx_child(irv, "CLASS")) != NULL)
			r->class_xml = cx_dump(n);
		break;
	default:
		rc = cx_decode_instances(irv, cx_request_ns(req), r, err);
		break;
	}
	if (rc == -1)
		goto fail;
	xmlFreeDoc(doc);
	return (r);
fail:
	err->http_status = rep->status;
	wbem_result_free(r);
	xmlFreeDoc(doc);
	return (NULL);
}

/* ---- server side: requests in, OpenPegasus-shaped replies out ----------- */

/* A server-side refusal: the CIMError token and the HTTP status to send. */
static void
cx_refuse(struct wbem_error *err, long status, const char *token,
    const char *fmt, ...)
{
	va_list	ap;

	wbem_error_clear(err);
	if (err == NULL)
		return;
	err->kind = WBEM_E_PROTOCOL;
	err->code = (int)status;
	err->http_status = status;
	strlcpy(err->name, token, sizeof(err->name));
	va_start(ap, fmt);
	(void)vsnprintf(err->description, sizeof(err->description), fmt, ap);
	va_end(ap);
}

/*
 * A body libxml2 refused.  OpenPegasus's own lexer calls broken character
 * or entity references and bad names request-not-well-formed; anything
 * else it notices while validating the structure: request-not-valid.
 */
static void
cx_refuse_xml(struct wbem_error *err, const struct wbem_error *xe)
{
	const char	*what = NULL;
	long		 line = 0;

	switch (xe->code) {
	case XML_ERR_INVALID_HEX_CHARREF:
	case XML_ERR_INVALID_DEC_CHARREF:
	case XML_ERR_INVALID_CHARREF:
	case XML_ERR_INVALID_CHAR:
	case XML_ERR_ENTITYREF_AT_EOF:
	case XML_ERR_ENTITYREF_NO_NAME:
	case XML_ERR_ENTITYREF_SEMICOL_MISSING:
	case XML_ERR_UNDECLARED_ENTITY:
		what = "Malformed reference";
		break;
	case XML_ERR_NAME_REQUIRED:
		if (strstr(xe->description, "attribute") != NULL)
			what = "Bad attribute name";
		else if (strstr(xe->description, "StartTag") != NULL)
			what = "Bad opening element";
		else if (strstr(xe->description, "EntityRef") != NULL)
			what = "Malformed reference";
		break;
	default:
		break;
	}
	if (what != NULL && sscanf(xe->description, "XML error at line %ld",
	    &line) == 1)
		cx_refuse(err, 400, "request-not-well-formed",
		    "%s: on line %ld", what, line);
	else
		cx_refuse(err, 400, "request-not-valid", "Validation error: %s",
		    xe->description);
}

/* "2.0", "2.1" ...: a 2.x version as DSP0201 numbers them. */
static int
cx_version_ok(const char *v, char major)
{
	if (v == NULL || v[0] != major || v[1] != '.' || v[2] == '\0')
		return (0);
	for (v += 2; *v != '\0'; v++)
		if (!isdigit((unsigned char)*v))
			return (0);
	return (1);
}

static int
cx_bool_text(const char *s, int *out)
{
	if (str_casecmp_ascii(s, "TRUE") == 0)
		*out = 1;
	else if (str_casecmp_ascii(s, "FALSE") == 0)
		*out = 0;
	else
		return (-1);
	return (0);
}

/* The wording OpenPegasus uses for a literal that does not fit its type. */
static const char *
cx_type_complaint(enum cim_type t)
{
	if (cim_type_is_integer(t))
		return (cim_type_is_signed(t) ? "Invalid signed integer value" :
		    "Invalid unsigned integer value");
	switch (t) {
	case CIM_T_REAL32:
	case CIM_T_REAL64:
		return ("Invalid real number value");
	case CIM_T_BOOLEAN:
		return ("Invalid boolean value");
	case CIM_T_DATETIME:
		return ("Invalid datetime value");
	case CIM_T_CHAR16:
		return ("Invalid char16 value");
	default:
		return ("Invalid value");
	}
}

/* Every VALUE under a PARAMVALUE must fit its PARAMTYPE (a 400 if not). */
static int
cx_param_check(const xmlNode *pv, enum cim_type t, struct wbem_error *err)
{
	const xmlNode	*n, *m;
	char		*text;
	int		 bad;

	if (t == CIM_T_NONE || t == CIM_T_STRING || t == CIM_T_OBJECT ||
	    t == CIM_T_REFERENCE)
		return (0);
	for (n = cx_first(pv); n != NULL; n = cx_next(n)) {
		m = cx_is(n, "VALUE.ARRAY") ? cx_first(n) : n;
		for (; m != NULL; m = (n != m) ? cx_next(m) : NULL) {
			if (!cx_is(m, "VALUE"))
				continue;
			text = cx_text(m);
			cx_trim(text);
			bad = cim_value_check(t, text) == -1;
			free(text);
			if (bad) {
				cx_refuse(err, 400, "request-not-valid",
				    "Semantic error: on line %ld: %s",
				    cx_end_line(m), cx_type_complaint(t));
				return (-1);
			}
		}
	}
	return (0);
}

static int
cx_intrinsic_op(const char *name, enum wbem_op *op)
{
	static const enum wbem_op ops[] = { WBEM_OP_ENUM, WBEM_OP_ENUM_NAMES,
	    WBEM_OP_GET, WBEM_OP_QUERY, WBEM_OP_GET_CLASS };
	size_t	i;

	for (i = 0; i < nitems(ops); i++) {
		if (strcmp(name, wbem_op_name(ops[i])) == 0) {
			*op = ops[i];
			return (0);
		}
	}
	return (-1);
}

static int
cx_decode_iparams(const xmlNode *call, struct cimxml_call *c,
    struct wbem_error *err)
{
	const xmlNode	*ip, *v, *m;
	const char	*name, *cls;
	struct wbem_error e2;
	char		*text;
	size_t		 n;
	int		 b;

	for (ip = cx_first(call); ip != NULL; ip = cx_next(ip)) {
		if (!cx_is(ip, "IPARAMVALUE"))
			continue;
		if ((name = cx_attr(ip, "NAME")) == NULL) {
			cx_refuse(err, 400, "request-not-valid",
			    "Validation error: on line %ld: missing NAME "
			    "attribute on IPARAMVALUE",
			    xmlGetLineNo((xmlNode *)ip));
			return (-1);
		}
		v = cx_first(ip);
		if (strcmp(name, "ClassName") == 0 && cx_is(v, "CLASSNAME")) {
			if ((cls = cx_attr(v, "NAME")) == NULL) {
				cx_refuse(err, 400, "request-not-valid",
				    "Validation error: on line %ld: missing "
				    "CLASSNAME.NAME attribute",
				    xmlGetLineNo((xmlNode *)v));
				return (-1);
			}
			if (!cx_name_ok(cls)) {
				cx_refuse(err, 400, "request-not-valid",
				    "Semantic error: on line %ld: Illegal "
				    "value for CLASSNAME.NAME attribute",
				    xmlGetLineNo((xmlNode *)v));
				return (-1);
			}
			free(c->class_store);
			c->class_store = xstrdup(cls);
		} else if (strcmp(name, "InstanceName") == 0 &&
		    cx_is(v, "INSTANCENAME")) {
			cim_path_free(c->path_store);
			if ((c->path_store = cx_instancename(v, c->ns_store,
			    CX_TRIM_ALL, &e2)) == NULL) {
				cx_refuse(err, 400, "request-not-valid",
				    "Validation error: %s", e2.description);
				return (-1);
			}
		} else if ((strcmp(name, "Query") == 0 ||
		    strcmp(name, "QueryLanguage") == 0) && cx_is(v, "VALUE")) {
			text = cx_text(v);
			if (name[5] == '\0') {
				free(c->query_store);
				c->query_store = text;
			} else {
				free(c->lang_store);
				c->lang_store = text;
			}
		} else if (strcmp(name, "PropertyList") == 0 && v != NULL) {
			if (!cx_is(v, "VALUE.ARRAY"))
				goto bad;
			n = 0;
			for (m = cx_first(v); m != NULL; m = cx_next(m))
				n++;
			c->proplist_store = xcalloc(n + 1, sizeof(char *));
			n = 0;
			for (m = cx_first(v); m != NULL; m = cx_next(m))
				if (cx_is(m, "VALUE"))
					c->proplist_store[n++] = cx_text(m);
		} else if (strcmp(name, "DeepInheritance") == 0 ||
		    strcmp(name, "LocalOnly") == 0 ||
		    strcmp(name, "IncludeQualifiers") == 0 ||
		    strcmp(name, "IncludeClassOrigin") == 0) {
			if (!cx_is(v, "VALUE")) {
				cx_refuse(err, 400, "request-not-valid",
				    "Validation error: on line %ld: Expected "
				    "VALUE element", cx_end_line(ip));
				return (-1);
			}
			text = cx_text(v);
			cx_trim(text);
			if (cx_bool_text(text, &b) == -1) {
				free(text);
				cx_refuse(err, 400, "request-not-valid",
				    "Semantic error: on line %ld: Invalid "
				    "value for VALUE element: must be "
				    "\"TRUE\" or \"FALSE\"", cx_end_line(v));
				return (-1);
			}
			free(text);
			if (name[0] == 'D')
				c->req.deep = b;
			else if (name[0] == 'L')
				c->req.local_only = b;
		}
		continue;
bad:
		cx_refuse(err, 400, "request-not-valid",
		    "Validation error: on line %ld: bad %s parameter",
		    xmlGetLineNo((xmlNode *)ip), name);
		return (-1);
	}
	return (0);
}

static int
cx_decode_params(const xmlNode *call, struct cimxml_call *c,
    struct wbem_error *err)
{
	const xmlNode		*pv;
	struct cim_property	*p;
	struct wbem_error	 e2;
	const char		*name, *ts;
	enum cim_type		 t;
	size_t			 n = 0;

	for (pv = cx_first(call); pv != NULL; pv = cx_next(pv))
		if (cx_is(pv, "PARAMVALUE"))
			n++;
	c->param_store = xcalloc(n > 0 ? n : 1, sizeof(*c->param_store));
	for (pv = cx_first(call); pv != NULL; pv = cx_next(pv)) {
		if (!cx_is(pv, "PARAMVALUE"))
			continue;
		t = CIM_T_NONE;
		if ((name = cx_attr(pv, "NAME")) == NULL) {
			cx_refuse(err, 400, "request-not-valid",
			    "Validation error: on line %ld: Missing "
			    "PARAMVALUE.NAME attribute",
			    xmlGetLineNo((xmlNode *)pv));
			return (-1);
		}
		if ((ts = cx_attr(pv, "PARAMTYPE")) != NULL &&
		    cim_type_parse(ts, &t) == -1) {
			cx_refuse(err, 400, "request-not-valid",
			    "Semantic error: on line %ld: Illegal value for "
			    "PARAMVALUE.PARAMTYPE attribute",
			    xmlGetLineNo((xmlNode *)pv));
			return (-1);
		}
		if (cx_param_check(pv, t, err) == -1)
			return (-1);
		p = &c->param_store[c->req.nparams++];
		p->name = xstrdup(name);
		cim_value_init(&p->v, t);
		if (cx_embedded_attr(pv)) {
			p->v.embedded = 1;
			p->v.type = CIM_T_OBJECT;
		}
		if (cx_value_elem(pv, &p->v, &e2) == -1) {
			cx_refuse(err, 400, "request-not-valid",
			    "Validation error: on line %ld: %s",
			    xmlGetLineNo((xmlNode *)pv), e2.description);
			return (-1);
		}
	}
	c->req.params = c->param_store;
	return (0);
}

/*
 * Parses one request body the way OpenPegasus judges it: CIM and DTD
 * versions 2.x (else 501), a SIMPLEREQ with one IMETHODCALL or METHODCALL
 * (else 400 request-not-valid), typed PARAMVALUEs that fit their type.
 * The MESSAGE PROTOCOLVERSION is kept for cimxml_check_headers.
 */
int
cimxml_decode_request(const char *data, size_t len, struct cimxml_call *c,
    struct wbem_error *err)
{
	xmlDoc		*doc;
	const xmlNode	*root, *msg, *sreq, *call, *path, *lnp, *cls;
	struct wbem_error e2;
	const char	*a;

	memset(c, 0, sizeof(*c));
	wbem_error_clear(err);
	if ((doc = xml_parse_safe(data, len, 0, 0, &e2)) == NULL) {
		cx_refuse_xml(err, &e2);
		return (-1);
	}
	root = xmlDocGetRootElement(doc);
	if (!cx_is(root, "CIM")) {
		cx_refuse(err, 400, "request-not-valid", "Validation error: "
		    "on line %ld: expected CIM element",
		    xmlGetLineNo((xmlNode *)root));
		goto fail;
	}
	if ((a = cx_attr(root, "CIMVERSION")) == NULL ||
	    (c->cimversion = xstrdup(a), !cx_version_ok(a, '2'))) {
		cx_refuse(err, 501, "unsupported-cim-version",
		    "CIM version \"%s\" is not supported.", a ? a : "");
		goto fail;
	}
	if ((a = cx_attr(root, "DTDVERSION")) == NULL ||
	    (c->dtdversion = xstrdup(a), !cx_version_ok(a, '2'))) {
		cx_refuse(err, 501, "unsupported-dtd-version",
		    "DTD version \"%s\" is not supported.", a ? a : "");
		goto fail;
	}
	if ((msg = cx_child(root, "MESSAGE")) == NULL ||
	    (a = cx_attr(msg, "ID")) == NULL ||
	    (c->msgid = xstrdup(a), (a = cx_attr(msg, "PROTOCOLVERSION")) ==
	    NULL)) {
		cx_refuse(err, 400, "request-not-valid", "Validation error: "
		    "MESSAGE element with ID and PROTOCOLVERSION expected");
		goto fail;
	}
	c->protocol_version = xstrdup(a);
	if (cx_child(msg, "MULTIREQ") != NULL) {
		cx_refuse(err, 501, "multiple-requests-unsupported",
		    "Multiple requests are not supported.");
		goto fail;
	}
	if ((sreq = cx_child(msg, "SIMPLEREQ")) == NULL ||
	    ((call = cx_child(sreq, "IMETHODCALL")) == NULL &&
	    (call = cx_child(sreq, "METHODCALL")) == NULL) ||
	    (a = cx_attr(call, "NAME")) == NULL || *a == '\0') {
		cx_refuse(err, 400, "request-not-valid", "Validation error: "
		    "SIMPLEREQ with a named IMETHODCALL or METHODCALL "
		    "expected");
		goto fail;
	}
	c->method = xstrdup(a);
	c->intrinsic = cx_is(call, "IMETHODCALL");

	if (c->intrinsic) {
		if ((lnp = cx_child(call, "LOCALNAMESPACEPATH")) == NULL ||
		    (c->ns_store = cx_ns_of(lnp)) == NULL) {
			cx_refuse(err, 400, "request-not-valid",
			    "Validation error: on line %ld: expected "
			    "LOCALNAMESPACEPATH element",
			    xmlGetLineNo((xmlNode *)call));
			goto fail;
		}
		c->op_known = cx_intrinsic_op(c->method, &c->req.op) == 0;
		/* DSP0200 defaults when the parameter is absent */
		c->req.deep = 1;
		c->req.local_only = c->req.op != WBEM_OP_QUERY;
		if (cx_decode_iparams(call, c, err) == -1)
			goto fail;
	} else {
		c->op_known = 1;
		c->req.op = WBEM_OP_INVOKE;
		if ((path = cx_child(call, "LOCALCLASSPATH")) == NULL &&
		    (path = cx_child(call, "LOCALINSTANCEPATH")) == NULL) {
			cx_refuse(err, 400, "request-not-valid",
			    "Validation error: on line %ld: expected "
			    "LOCALCLASSPATH or LOCALINSTANCEPATH element",
			    xmlGetLineNo((xmlNode *)call));
			goto fail;
		}
		if ((lnp = cx_child(path, "LOCALNAMESPACEPATH")) == NULL ||
		    (c->ns_store = cx_ns_of(lnp)) == NULL ||
		    ((cls = cx_child(path, "CLASSNAME")) == NULL &&
		    (cls = cx_child(path, "INSTANCENAME")) == NULL)) {
			cx_refuse(err, 400, "request-not-valid",
			    "Validation error: on line %ld: bad %s",
			    xmlGetLineNo((xmlNode *)path),
			    (const char *)path->name);
			goto fail;
		}
		if ((c->path_store = cx_instancename(cls, c->ns_store,
		    CX_TRIM_ALL, &e2)) == NULL) {
			cx_refuse(err, 400, "request-not-valid",
			    "Validation error: %s", e2.description);
			goto fail;
		}
		c->class_store = xstrdup(c->path_store->classname);
		if (cx_decode_params(call, c, err) == -1)
			goto fail;
	}

	c->req.ns = c->ns_store;
	c->req.classname = c->class_store;
	c->req.path = c->path_store;
	c->req.query = c->query_store;
	c->req.query_lang = c->lang_store;
	c->req.method = c->intrinsic ? NULL : c->method;
	c->req.proplist = (const char * const *)c->proplist_store;
	if (c->path_store != NULL && c->path_store->ns == NULL)
		c->path_store->ns = xstrdup(c->ns_store);

	/* what OpenPegasus answers with CIM_ERR_INVALID_PARAMETER */
	if (c->op_known && ((c->req.op == WBEM_OP_GET &&
	    c->path_store == NULL) ||
	    (c->req.op == WBEM_OP_QUERY && (c->query_store == NULL ||
	    c->lang_store == NULL)) ||
	    ((c->req.op == WBEM_OP_ENUM || c->req.op == WBEM_OP_ENUM_NAMES ||
	    c->req.op == WBEM_OP_GET_CLASS) && c->class_store == NULL))) {
		wbem_error_set(err, WBEM_E_CIM, CIM_ERR_INVALID_PARAMETER,
		    cim_status_name(CIM_ERR_INVALID_PARAMETER),
		    "CIM_ERR_INVALID_PARAMETER: missing parameter for %s",
		    c->method);
		goto fail;
	}
	xmlFreeDoc(doc);
	return (0);
fail:
	xmlFreeDoc(doc);
	return (-1);
}

void
cimxml_call_clear(struct cimxml_call *c)
{
	size_t	i;

	if (c == NULL)
		return;
	free(c->msgid);
	free(c->protocol_version);
	free(c->method);
	cim_path_free(c->path_store);
	for (i = 0; i < c->req.nparams; i++)
		cim_property_clear(&c->param_store[i]);
	free(c->param_store);
	if (c->proplist_store != NULL)
		for (i = 0; c->proplist_store[i] != NULL; i++)
			free(c->proplist_store[i]);
	free(c->proplist_store);
	free(c->ns_store);
	free(c->class_store);
	free(c->query_store);
	free(c->lang_store);
	free(c->cimversion);
	free(c->dtdversion);
	memset(c, 0, sizeof(*c));
}

int
cimxml_call_object(const struct cimxml_call *c, struct buf *b)
{
	struct cim_path	*p;
	int		 rc;

	if (c->ns_store == NULL)
		return (-1);
	if (c->intrinsic)
		return (buf_puts(b, c->ns_store));
	if (c->path_store == NULL)
		return (-1);
	p = cim_path_dup(c->path_store);
	free(p->ns);
	p->ns = xstrdup(c->ns_store);
	free(p->host);
	p->host = NULL;
	rc = cim_path_format(p, b);
	cim_path_free(p);
	return (rc);
}

/* Namespaces compare without case and without outer slashes. */
static int
cx_ns_equal(const char *a, size_t alen, const char *b)
{
	size_t	blen = strlen(b);

	while (alen > 0 && *a == '/') {
		a++;
		alen--;
	}
	while (alen > 0 && a[alen - 1] == '/')
		alen--;
	while (*b == '/') {
		b++;
		blen--;
	}
	while (blen > 0 && b[blen - 1] == '/')
		blen--;
	return (alen == blen && strncasecmp(a, b, alen) == 0);
}

/* Does the CIMObject value (unescaped) name the call's object? */
static int
cx_object_matches(const struct cimxml_call *c, const char *obj, int *parsed)
{
	struct cim_path	*p;
	const char	*colon;
	size_t		 i, j;
	int		 match = 0;

	*parsed = 1;
	if (c->intrinsic)
		return (cx_ns_equal(obj, strlen(obj), c->ns_store));
	if ((colon = strchr(obj, ':')) == NULL) {
		*parsed = 0;
		return (0);
	}
	p = cim_path_new(NULL, NULL);
	if (cim_path_parse(colon + 1, p) == -1) {
		*parsed = 0;
		goto out;
	}
	if (!cx_ns_equal(obj, (size_t)(colon - obj), c->ns_store) ||
	    str_casecmp_ascii(p->classname, c->path_store->classname) != 0 ||
	    p->nkeys != c->path_store->nkeys)
		goto out;
	for (i = 0; i < p->nkeys; i++) {
		for (j = 0; j < c->path_store->nkeys; j++)
			if (str_casecmp_ascii(p->keys[i].name,
			    c->path_store->keys[j].name) == 0)
				break;
		if (j == c->path_store->nkeys ||
		    strcmp(p->keys[i].value, c->path_store->keys[j].value) != 0)
			goto out;
	}
	match = 1;
out:
	cim_path_free(p);
	return (match);
}

int
cimxml_check_headers(const struct cimxml_call *c, const char *cimmethod,
    const char *cimobject, const char *protocol_version,
    struct wbem_error *err)
{
	char		 val[1024];
	const char	*pv;
	struct buf	 want;
	int		 parsed;

	pv = protocol_version != NULL ? protocol_version : "1.0";
	wbem_error_clear(err);
	if (c->method == NULL || c->protocol_version == NULL ||
	    c->ns_store == NULL || (!c->intrinsic && c->path_store == NULL)) {
		cx_refuse(err, 400, "request-not-valid",
		    "no decoded request to check the headers against");
		return (-1);
	}
	if (strcmp(pv, c->protocol_version) != 0) {
		cx_refuse(err, 400, "header-mismatch", "CIMProtocolVersion "
		    "value \"%s\" does not match CIM request protocol version "
		    "\"%s\".", pv, c->protocol_version);
		return (-1);
	}
	if (!cx_version_ok(pv, '1')) {
		cx_refuse(err, 501, "unsupported-protocol-version",
		    "CIM protocol version \"%s\" is not supported.", pv);
		return (-1);
	}
	if (cimmethod == NULL) {
		cx_refuse(err, 400, "header-mismatch",
		    "Missing CIMMethod HTTP header.");
		return (-1);
	}
	if (uri_unescape(cimmethod, val, sizeof(val)) == -1 ||
	    str_casecmp_ascii(val, c->method) != 0) {
		cx_refuse(err, 400, "header-mismatch", "CIMMethod value \"%s\" "
		    "does not match CIM request method \"%s\".", val,
		    c->method);
		return (-1);
	}
	if (cimobject == NULL) {
		cx_refuse(err, 400, "header-mismatch",
		    "Missing CIMObject HTTP header.");
		return (-1);
	}
	if (uri_unescape(cimobject, val, sizeof(val)) == -1) {
		cx_refuse(err, 400, "header-mismatch",
		    "Could not parse CIMObject value.");
		return (-1);
	}
	if (cx_object_matches(c, val, &parsed))
		return (0);
	if (!parsed) {
		cx_refuse(err, 400, "header-mismatch",
		    "Could not parse CIMObject value \"%s\".", val);
		return (-1);
	}
	buf_init(&want, 0);
	cimxml_call_object(c, &want);
	cx_refuse(err, 400, "header-mismatch", "CIMObject value \"%s\" does "
	    "not match CIM request object \"%s\".", val,
	    want.data != NULL ? want.data : "");
	buf_release(&want);
	return (-1);
}

/* ---- OpenPegasus-shaped reply bodies ----------------------------------- */

static void
cx_rsp_begin(const struct cimxml_call *c, struct buf *b)
{
	buf_puts(b, "<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
	    "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">\n<MESSAGE ID=\"");
	buf_xml_escape(b, c->msgid != NULL ? c->msgid : "0");
	buf_printf(b, "\" PROTOCOLVERSION=\"1.0\">\n<SIMPLERSP>\n"
	    "<%s NAME=\"", c->intrinsic ? "IMETHODRESPONSE" : "METHODRESPONSE");
	buf_xml_escape(b, c->method);
	buf_puts(b, "\">\n");
}

static int
cx_rsp_end(const struct cimxml_call *c, struct buf *b)
{
	return (buf_printf(b, "</%s>\n</SIMPLERSP>\n</MESSAGE>\n</CIM>\n",
	    c->intrinsic ? "IMETHODRESPONSE" : "METHODRESPONSE"));
}

static void
cx_rsp_ns(struct buf *b, const char *ns)
{
	const char	*p, *e;

	buf_puts(b, "<LOCALNAMESPACEPATH>\n");
	for (p = ns; p != NULL && *p != '\0'; p = e) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		if ((e = strchr(p, '/')) == NULL)
			e = p + strlen(p);
		buf_puts(b, "<NAMESPACE NAME=\"");
		buf_add(b, p, (size_t)(e - p));
		buf_puts(b, "\"/>\n");
	}
	buf_puts(b, "</LOCALNAMESPACEPATH>\n");
}

static void	cx_rsp_value(struct buf *, const struct cim_value *);

static void
cx_rsp_instancename(struct buf *b, const struct cim_path *p,
    const char *classname)
{
	const struct cim_keybinding	*k;
	struct cim_value		 rv;
	size_t				 i;

	buf_puts(b, "<INSTANCENAME CLASSNAME=\"");
	buf_xml_escape(b, p != NULL ? p->classname : classname);
	buf_puts(b, "\">\n");
	for (i = 0; p != NULL && i < p->nkeys; i++) {
		k = &p->keys[i];
		buf_puts(b, "<KEYBINDING NAME=\"");
		buf_xml_escape(b, k->name);
		buf_puts(b, "\">\n");
		if (k->type == CIM_T_REFERENCE) {
			cim_value_init(&rv, CIM_T_REFERENCE);
			cim_value_add(&rv, k->value);
			cx_rsp_value(b, &rv);
			cim_value_clear(&rv);
		} else {
			buf_printf(b, "<KEYVALUE VALUETYPE=\"%s\">",
			    k->type == CIM_T_BOOLEAN ? "boolean" :
			    cim_type_is_integer(k->type) ||
			    cim_type_is_real(k->type) ? "numeric" : "string");
			buf_xml_escape(b, k->value);
			buf_puts(b, "</KEYVALUE>\n");
		}
		buf_puts(b, "</KEYBINDING>\n");
	}
	buf_puts(b, "</INSTANCENAME>\n");
}

static void
cx_rsp_instancepath(struct buf *b, const struct cim_path *p, const char *ns,
    const char *classname)
{
	buf_puts(b, "<INSTANCEPATH>\n<NAMESPACEPATH>\n<HOST>");
	buf_xml_escape(b, p != NULL && p->host != NULL ? p->host :
	    "localhost");
	buf_puts(b, "</HOST>\n");
	cx_rsp_ns(b, p != NULL && p->ns != NULL ? p->ns : ns);
	buf_puts(b, "</NAMESPACEPATH>\n");
	cx_rsp_instancename(b, p, classname);
	buf_puts(b, "</INSTANCEPATH>\n");
}

/* A reference value: INSTANCEPATH with a host, else LOCAL.., else bare. */
static void
cx_rsp_reference(struct buf *b, const char *text)
{
	struct cim_path	*p;

	p = cim_path_new(NULL, NULL);
	buf_puts(b, "<VALUE.REFERENCE>\n");
	if (text != NULL && cim_path_parse(text, p) == 0) {
		if (p->host != NULL)
			cx_rsp_instancepath(b, p, p->ns, p->classname);
		else if (p->ns != NULL) {
			buf_puts(b, "<LOCALINSTANCEPATH>\n");
			cx_rsp_ns(b, p->ns);
			cx_rsp_instancename(b, p, p->classname);
			buf_puts(b, "</LOCALINSTANCEPATH>\n");
		} else
			cx_rsp_instancename(b, p, p->classname);
	}
	buf_puts(b, "</VALUE.REFERENCE>\n");
	cim_path_free(p);
}

static void
cx_rsp_value(struct buf *b, const struct cim_value *v)
{
	size_t	i;

	if (v->is_null)
		return;
	if (!v->is_array) {
		if (v->nvals == 0)
			return;
		if (v->type == CIM_T_REFERENCE) {
			cx_rsp_reference(b, v->vals[0]);
			return;
		}
		buf_puts(b, "<VALUE>");
		buf_xml_escape(b, v->vals[0] != NULL ? v->vals[0] : "");
		buf_puts(b, "</VALUE>\n");
		return;
	}
	buf_puts(b, v->type == CIM_T_REFERENCE ? "<VALUE.REFARRAY>\n" :
	    "<VALUE.ARRAY>\n");
	for (i = 0; i < v->nvals; i++) {
		if (v->vals[i] == NULL)
			buf_puts(b, "<VALUE.NULL/>\n");
		else if (v->type == CIM_T_REFERENCE)
			cx_rsp_reference(b, v->vals[i]);
		else {
			buf_puts(b, "<VALUE>");
			buf_xml_escape(b, v->vals[i]);
			buf_puts(b, "</VALUE>\n");
		}
	}
	buf_puts(b, v->type == CIM_T_REFERENCE ? "</VALUE.REFARRAY>\n" :
	    "</VALUE.ARRAY>\n");
}

/* TYPE / PARAMTYPE attribute(s), embedded objects as OpenPegasus marks them. */
static void
cx_rsp_type(struct buf *b, const char *attr, const struct cim_value *v)
{
	if (v->embedded || v->type == CIM_T_OBJECT)
		buf_printf(b, " %s=\"string\" EmbeddedObject=\"object\""
		    " EMBEDDEDOBJECT=\"object\"", attr);
	else if (v->type != CIM_T_NONE)
		buf_printf(b, " %s=\"%s\"", attr, cim_type_name(v->type));
}

int
cimxml_encode_instance(const struct cim_instance *inst, struct buf *b)
{
	const struct cim_property	*p;
	const char			*el;
	size_t				 i;

	buf_puts(b, "<INSTANCE CLASSNAME=\"");
	buf_xml_escape(b, inst->classname);
	buf_puts(b, "\" >\n");
	for (i = 0; i < inst->nprops; i++) {
		p = &inst->props[i];
		if (p->v.type == CIM_T_REFERENCE && !p->v.is_array)
			el = "PROPERTY.REFERENCE";
		else
			el = p->v.is_array ? "PROPERTY.ARRAY" : "PROPERTY";
		buf_printf(b, "<%s NAME=\"", el);
		buf_xml_escape(b, p->name);
		buf_puts(b, "\" ");
		if (p->v.type != CIM_T_REFERENCE || p->v.is_array)
			cx_rsp_type(b, "TYPE", &p->v);
		buf_puts(b, ">\n");
		cx_rsp_value(b, &p->v);
		if (buf_printf(b, "</%s>\n", el) == -1)
			return (-1);
	}
	return (buf_puts(b, "</INSTANCE>\n"));
}

int
cimxml_encode_response(const struct cimxml_call *c,
    const struct wbem_result *r, struct buf *b)
{
	const struct cim_property	*p;
	const struct cim_instance	*inst;
	size_t				 i, n;
	const char			*ns = c->ns_store;

	if (c->method == NULL)
		return (-1);
	cx_rsp_begin(c, b);
	if (!c->intrinsic) {
		if (r != NULL && !r->method.ret.is_null) {
			buf_puts(b, "<RETURNVALUE");
			cx_rsp_type(b, "PARAMTYPE", &r->method.ret);
			buf_puts(b, ">\n");
			cx_rsp_value(b, &r->method.ret);
			buf_puts(b, "</RETURNVALUE>\n");
		}
		for (i = 0; r != NULL && i < r->method.nout; i++) {
			p = &r->method.out[i];
			buf_puts(b, "<PARAMVALUE NAME=\"");
			buf_xml_escape(b, p->name);
			buf_puts(b, "\"");
			cx_rsp_type(b, "PARAMTYPE", &p->v);
			buf_puts(b, ">\n");
			cx_rsp_value(b, &p->v);
			buf_puts(b, "</PARAMVALUE>\n");
		}
		return (cx_rsp_end(c, b));
	}
	if (r == NULL || !c->op_known)
		return (cx_rsp_end(c, b));

	n = c->req.op == WBEM_OP_ENUM_NAMES ? r->npaths : r->ninst;
	if (c->req.op == WBEM_OP_GET && n > 1)
		n = 1;
	if (c->req.op == WBEM_OP_GET_CLASS)
		n = r->class_xml != NULL;
	/* an empty result has no IRETURNVALUE at all */
	if (n == 0)
		return (cx_rsp_end(c, b));
	buf_puts(b, "<IRETURNVALUE>\n");
	for (i = 0; i < n; i++) {
		switch (c->req.op) {
		case WBEM_OP_ENUM_NAMES:
			cx_rsp_instancename(b, r->paths[i], NULL);
			break;
		case WBEM_OP_GET:
			cimxml_encode_instance(r->inst[i], b);
			break;
		case WBEM_OP_QUERY:
			inst = r->inst[i];
			buf_puts(b, "<VALUE.OBJECTWITHPATH>\n");
			cx_rsp_instancepath(b, inst->path, ns, inst->classname);
			cimxml_encode_instance(inst, b);
			buf_puts(b, "</VALUE.OBJECTWITHPATH>\n");
			break;
		case WBEM_OP_GET_CLASS:
			buf_puts(b, r->class_xml);
			if (*r->class_xml != '\0' &&
			    r->class_xml[strlen(r->class_xml) - 1] != '\n')
				buf_puts(b, "\n");
			break;
		default:
			inst = r->inst[i];
			buf_puts(b, "<VALUE.NAMEDINSTANCE>\n");
			cx_rsp_instancename(b, inst->path, inst->classname);
			cimxml_encode_instance(inst, b);
			buf_puts(b, "</VALUE.NAMEDINSTANCE>\n");
			break;
		}
	}
	buf_puts(b, "</IRETURNVALUE>\n");
	return (cx_rsp_end(c, b));
}

/* <ERROR CODE= DESCRIPTION=/> right before the closing tag, as Pegasus does. */
int
cimxml_encode_error(const struct cimxml_call *c, int code,
    const char *description, struct buf *b)
{
	if (c->method == NULL)
		return (-1);
	cx_rsp_begin(c, b);
	buf_printf(b, "<ERROR CODE=\"%d\"", code);
	if (description != NULL && *description != '\0') {
		buf_puts(b, " DESCRIPTION=\"");
		buf_xml_escape(b, description);
		buf_puts(b, "\"");
	}
	buf_puts(b, "/>");
	return (buf_printf(b, "</%s>\n</SIMPLERSP>\n</MESSAGE>\n</CIM>\n",
	    c->intrinsic ? "IMETHODRESPONSE" : "METHODRESPONSE"));
}
