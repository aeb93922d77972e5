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
#include <stdarg.h>
#include <stddef.h>
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
static void	 cx_ns_join(const char *, struct buf *);
static void	 cx_put_keyvalue(struct buf *,
		    const struct cim_keybinding *);
static void	 cx_put_instancename(struct buf *, const struct cim_path *);
static int	 cx_put_reference(struct buf *, const char *, const char *);
static int	 cx_put_props(struct buf *, const struct cim_instance *,
		    const char *, struct wbem_error *);
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

static int
cx_buf_put(void *arg, const char *p, size_t len)
{
	return (buf_add(arg, p, len));
}

/*
 * All text and CDATA of an element, byte-exact but for a CDATA section's
 * line ends, read as in character data (xml_eol_runs); "" for an empty
 * one.
 */
char *
cimxml_text(const xmlNode *n)
{
	const xmlNode	*c;
	struct buf	 b;
	const char	*t;

	buf_init(&b, 0);
	for (c = n->children; c != NULL; c = c->next) {
		if (c->content == NULL)
			continue;
		t = (const char *)c->content;
		if (c->type == XML_TEXT_NODE)
			buf_puts(&b, t);
		else if (c->type == XML_CDATA_SECTION_NODE)
			(void)xml_eol_runs(t, strlen(t), cx_buf_put, &b);
	}
	return (buf_steal(&b, NULL));
}

/* XML white space: what cimxml_trim takes off, tested inline */
#define CX_BLANK(c)	((c) == ' ' || (c) == '\t' || (c) == '\r' || \
			    (c) == '\n')

/*
 * Leading and trailing XML whitespace off, in place: numbers and booleans
 * are trimmed on both sides, and the server trims key strings too, since
 * OpenPegasus does (a pretty-printed request still names its instance).
 */
void
cimxml_trim(char *s)
{
	size_t	n = strlen(s), i = 0;

	while (n > 0 && CX_BLANK(s[n - 1]))
		s[--n] = '\0';
	while (CX_BLANK(s[i]))
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

/*
 * The namespace as CIMObject names it: the components cx_put_ns writes,
 * joined by single slashes ("//root/mycim//" is root/mycim, as pywbem
 * sends it), so that the header and LOCALNAMESPACEPATH agree.
 */
static void
cx_ns_join(const char *ns, struct buf *out)
{
	const char	*p, *e;

	for (p = ns; *p != '\0'; p = e) {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		e = strchr(p, '/');
		if (e == NULL)
			e = p + strlen(p);
		if (out->len > 0)
			buf_puts(out, "/");
		buf_add(out, p, (size_t)(e - p));
	}
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

/* Every key name of p valid; -1 with err filled (what names it). */
static int
cx_check_path(const struct cim_path *p, const char *what,
    struct wbem_error *err)
{
	size_t	i;

	if (p == NULL || !cimxml_name_ok(p->classname)) {
		wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
		    "%s needs an instance path", what);
		return (-1);
	}
	for (i = 0; i < p->nkeys; i++) {
		if (!cimxml_name_ok(p->keys[i].name)) {
			wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
			    "invalid key name \"%s\"", p->keys[i].name);
			return (-1);
		}
	}
	return (0);
}

/* An optional class-name parameter (AssocClass, ResultClass ...). */
static int
cx_put_class_param(struct buf *b, const char *name, const char *cls,
    struct wbem_error *err)
{
	if (cls == NULL)
		return (0);
	if (!cimxml_name_ok(cls)) {
		wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
		    "%s: invalid class name \"%s\"", name, cls);
		return (-1);
	}
	buf_printf(b, "<IPARAMVALUE NAME=\"%s\"><CLASSNAME NAME=\"%s\"/>"
	    "</IPARAMVALUE>\n", name, cls);
	return (0);
}

/* An optional string parameter (Role, FilterQuery ...), escaped. */
static void
cx_put_string_param(struct buf *b, const char *name, const char *v)
{
	if (v == NULL)
		return;
	buf_printf(b, "<IPARAMVALUE NAME=\"%s\"><VALUE>", name);
	buf_xml_escape(b, v);
	buf_puts(b, "</VALUE></IPARAMVALUE>\n");
}

/* IncludeQualifiers / IncludeClassOrigin when the caller set them. */
static void
cx_put_flags(struct buf *b, const struct wbem_request *req)
{
	if (req->qualifiers != 0)
		cx_put_bool_param(b, "IncludeQualifiers", req->qualifiers > 0);
	if (req->class_origin != 0)
		cx_put_bool_param(b, "IncludeClassOrigin",
		    req->class_origin > 0);
}

/* ObjectName: an INSTANCENAME when the path has keys, else a CLASSNAME. */
static int
cx_put_objectname(struct buf *b, const char *pname,
    const struct wbem_request *req, struct wbem_error *err)
{
	if (cx_check_path(req->path, wbem_op_name(req->op), err) == -1)
		return (-1);
	buf_printf(b, "<IPARAMVALUE NAME=\"%s\">", pname);
	if (req->path->nkeys > 0)
		cx_put_instancename(b, req->path);
	else
		buf_printf(b, "<CLASSNAME NAME=\"%s\"/>",
		    req->path->classname);
	buf_puts(b, "</IPARAMVALUE>\n");
	return (0);
}

/* An INSTANCE of req->instance's properties (CreateInstance, Modify). */
static int
cx_put_instance(struct buf *b, const char *cls,
    const struct cim_instance *inst, const char *ns, struct wbem_error *err)
{
	buf_printf(b, "<INSTANCE CLASSNAME=\"%s\">", cls);
	if (cx_put_props(b, inst, ns, err) == -1)
		return (-1);
	buf_puts(b, "</INSTANCE>");
	return (0);
}

/*
 * A CLASS declaring req->instance's properties, their values the
 * defaults (CreateClass, ModifyClass); no qualifiers, as the CLI has
 * no way to give them.
 */
static int
cx_put_class(struct buf *b, const struct wbem_request *req, const char *ns,
    struct wbem_error *err)
{
	const char	*cls = req->instance != NULL ?
			    req->instance->classname : NULL;

	if (!cimxml_name_ok(cls) || (req->superclass != NULL &&
	    !cimxml_name_ok(req->superclass))) {
		wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
		    "%s needs a valid class (and superclass) name",
		    wbem_op_name(req->op));
		return (-1);
	}
	buf_printf(b, "<CLASS NAME=\"%s\"", cls);
	if (req->superclass != NULL)
		buf_printf(b, " SUPERCLASS=\"%s\"", req->superclass);
	buf_puts(b, ">");
	if (cx_put_props(b, req->instance, ns, err) == -1)
		return (-1);
	buf_puts(b, "</CLASS>");
	return (0);
}

/* The PROPERTY elements of inst (an instance's values, a class's defaults). */
static int
cx_put_props(struct buf *b, const struct cim_instance *inst, const char *ns,
    struct wbem_error *err)
{
	const struct cim_property	*p;
	enum cim_type			 t;
	size_t				 i;

	for (i = 0; inst != NULL && i < inst->nprops; i++) {
		p = &inst->props[i];
		t = p->v.type == CIM_T_NONE ? CIM_T_STRING : p->v.type;
		if (!cimxml_name_ok(p->name) || t == CIM_T_OBJECT) {
			wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
			    "invalid property \"%s\"", p->name);
			return (-1);
		}
		if (t == CIM_T_REFERENCE && !p->v.is_array)
			buf_printf(b, "<PROPERTY.REFERENCE NAME=\"%s\">",
			    p->name);
		else
			buf_printf(b, "<PROPERTY%s NAME=\"%s\" TYPE=\"%s\">",
			    p->v.is_array ? ".ARRAY" : "", p->name,
			    cim_type_name(t));
		if (!p->v.is_null && (p->v.is_array || p->v.nvals > 0) &&
		    cx_put_value(b, &p->v, ns) == -1) {
			wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
			    "property %s: not a valid reference", p->name);
			return (-1);
		}
		buf_printf(b, "</PROPERTY%s>", t == CIM_T_REFERENCE &&
		    !p->v.is_array ? ".REFERENCE" : p->v.is_array ?
		    ".ARRAY" : "");
		if (!p->v.is_null && p->v.nvals > 0 && p->v.vals[0] != NULL &&
		    t != CIM_T_REFERENCE && !p->v.is_array &&
		    cim_value_check(t, p->v.vals[0]) == -1) {
			wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
			    "property %s: \"%s\" is not a valid %s", p->name,
			    p->v.vals[0], cim_type_name(t));
			return (-1);
		}
	}
	return (0);
}

/*
 * SetQualifier's QualifierDeclaration: req->propname of newvalue's type,
 * newvalue its default (none when NULL).  The CLI gives no scope, so the
 * qualifier may go anywhere (every SCOPE attribute TRUE); the flavors
 * are DSP0004's defaults, so none is sent.  ISARRAY always, as pywbem
 * sends it.
 */
static int
cx_put_qualdecl(struct buf *b, const struct wbem_request *req,
    struct wbem_error *err)
{
	const struct cim_value	*v = req->newvalue;

	if (!cimxml_name_ok(req->propname) || v == NULL ||
	    v->type == CIM_T_NONE || v->type == CIM_T_REFERENCE ||
	    v->type == CIM_T_OBJECT) {
		wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
		    "SetQualifier needs a qualifier name and a type");
		return (-1);
	}
	if (!v->is_null && !v->is_array && v->nvals > 0 &&
	    v->vals[0] != NULL && cim_value_check(v->type, v->vals[0]) == -1) {
		wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
		    "\"%s\" is not a valid %s", v->vals[0],
		    cim_type_name(v->type));
		return (-1);
	}
	buf_printf(b, "<IPARAMVALUE NAME=\"QualifierDeclaration\">"
	    "<QUALIFIER.DECLARATION NAME=\"%s\" TYPE=\"%s\" ISARRAY=\"%s\">"
	    "<SCOPE CLASS=\"true\" ASSOCIATION=\"true\" "
	    "REFERENCE=\"true\" PROPERTY=\"true\" METHOD=\"true\" "
	    "PARAMETER=\"true\" INDICATION=\"true\"/>", req->propname,
	    cim_type_name(v->type), v->is_array ? "true" : "false");
	if (!v->is_null && (v->is_array || v->nvals > 0))
		(void)cx_put_value(b, v, NULL);
	buf_puts(b, "</QUALIFIER.DECLARATION></IPARAMVALUE>\n");
	return (0);
}

static int
cx_encode_intrinsic(const struct wbem_request *req, const char *ns,
    struct buf *b, struct wbem_error *err)
{
	const char	*cls = cx_request_class(req);
	const char	*lang;
	size_t		 i;
	int		 proplist = 0;

	buf_printf(b, "<IMETHODCALL NAME=\"%s\">\n", wbem_op_name(req->op));
	cx_put_ns(b, ns);
	buf_puts(b, "\n");
	switch (req->op) {
	case WBEM_OP_ENUM:
	case WBEM_OP_ENUM_NAMES:
	case WBEM_OP_GET_CLASS:
	case WBEM_OP_OPEN_ENUM:
	case WBEM_OP_OPEN_ENUM_PATHS:
		if (!cimxml_name_ok(cls)) {
			wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
			    "invalid class name \"%s\"", cls ? cls : "");
			return (-1);
		}
		buf_printf(b, "<IPARAMVALUE NAME=\"ClassName\">"
		    "<CLASSNAME NAME=\"%s\"/></IPARAMVALUE>\n", cls);
		/*
		 * DeepInheritance TRUE is DSP0200's default: left to the
		 * server, as pywbem leaves it; only FALSE is sent.
		 */
		if ((req->op == WBEM_OP_ENUM || req->op == WBEM_OP_OPEN_ENUM) &&
		    !req->deep)
			cx_put_bool_param(b, "DeepInheritance", 0);
		if (req->op == WBEM_OP_ENUM || req->op == WBEM_OP_GET_CLASS)
			cx_put_bool_param(b, "LocalOnly", req->local_only > 0);
		if (req->op == WBEM_OP_OPEN_ENUM && req->class_origin != 0)
			cx_put_bool_param(b, "IncludeClassOrigin",
			    req->class_origin > 0);
		else if (req->op != WBEM_OP_ENUM_NAMES &&
		    req->op != WBEM_OP_OPEN_ENUM_PATHS &&
		    req->op != WBEM_OP_OPEN_ENUM)
			cx_put_flags(b, req);
		proplist = req->op != WBEM_OP_ENUM_NAMES &&
		    req->op != WBEM_OP_OPEN_ENUM_PATHS;
		break;
	case WBEM_OP_CLASSES:
	case WBEM_OP_CLASS_NAMES:
		/* only what the caller asked for, as pywbem sends them */
		if (cls != NULL && cx_put_class_param(b, "ClassName", cls,
		    err) == -1)
			return (-1);
		if (req->deep > 0)
			cx_put_bool_param(b, "DeepInheritance", 1);
		if (req->op == WBEM_OP_CLASSES) {
			if (req->local_only != 0)
				cx_put_bool_param(b, "LocalOnly",
				    req->local_only > 0);
			cx_put_flags(b, req);
		}
		break;
	case WBEM_OP_GET:
	case WBEM_OP_DELETE:
	case WBEM_OP_GET_PROPERTY:
	case WBEM_OP_SET_PROPERTY:
		if (cx_check_path(req->path, wbem_op_name(req->op), err) == -1)
			return (-1);
		buf_puts(b, "<IPARAMVALUE NAME=\"InstanceName\">");
		cx_put_instancename(b, req->path);
		buf_puts(b, "</IPARAMVALUE>\n");
		if (req->op == WBEM_OP_GET) {
			cx_put_bool_param(b, "LocalOnly", req->local_only > 0);
			cx_put_flags(b, req);
			proplist = 1;
		}
		if (req->op == WBEM_OP_GET_PROPERTY ||
		    req->op == WBEM_OP_SET_PROPERTY) {
			if (!cimxml_name_ok(req->propname)) {
				wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
				    "%s needs a property name",
				    wbem_op_name(req->op));
				return (-1);
			}
			cx_put_string_param(b, "PropertyName", req->propname);
		}
		if (req->op == WBEM_OP_SET_PROPERTY && req->newvalue != NULL &&
		    !req->newvalue->is_null && (req->newvalue->is_array ||
		    req->newvalue->nvals > 0)) {
			if (!req->newvalue->is_array &&
			    req->newvalue->type != CIM_T_REFERENCE &&
			    req->newvalue->vals[0] != NULL &&
			    cim_value_check(req->newvalue->type,
			    req->newvalue->vals[0]) == -1) {
				wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
				    "\"%s\" is not a valid %s",
				    req->newvalue->vals[0],
				    cim_type_name(req->newvalue->type));
				return (-1);
			}
			buf_puts(b, "<IPARAMVALUE NAME=\"NewValue\">");
			if (cx_put_value(b, req->newvalue, ns) == -1) {
				wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
				    "NewValue: not a valid reference");
				return (-1);
			}
			buf_puts(b, "</IPARAMVALUE>\n");
		}
		break;
	case WBEM_OP_ASSOCIATORS:
	case WBEM_OP_ASSOCIATOR_NAMES:
	case WBEM_OP_REFERENCES:
	case WBEM_OP_REFERENCE_NAMES:
	case WBEM_OP_OPEN_ASSOCIATORS:
	case WBEM_OP_OPEN_ASSOCIATOR_PATHS:
	case WBEM_OP_OPEN_REFERENCES:
	case WBEM_OP_OPEN_REFERENCE_PATHS:
		if (req->op >= WBEM_OP_OPEN_ENUM) {
			if (req->path == NULL || req->path->nkeys == 0) {
				wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
				    "%s needs an instance path with keys",
				    wbem_op_name(req->op));
				return (-1);
			}
			if (cx_put_objectname(b, "InstanceName", req,
			    err) == -1)
				return (-1);
		} else if (cx_put_objectname(b, "ObjectName", req, err) == -1)
			return (-1);
		if (req->op == WBEM_OP_ASSOCIATORS ||
		    req->op == WBEM_OP_ASSOCIATOR_NAMES ||
		    req->op == WBEM_OP_OPEN_ASSOCIATORS ||
		    req->op == WBEM_OP_OPEN_ASSOCIATOR_PATHS) {
			if (cx_put_class_param(b, "AssocClass",
			    req->assoc_class, err) == -1)
				return (-1);
		} else if (req->assoc_class != NULL) {
			wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
			    "%s takes no AssocClass", wbem_op_name(req->op));
			return (-1);
		}
		if (cx_put_class_param(b, "ResultClass", req->result_class,
		    err) == -1)
			return (-1);
		if (req->role != NULL && !cimxml_name_ok(req->role)) {
			wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
			    "invalid role \"%s\"", req->role);
			return (-1);
		}
		cx_put_string_param(b, "Role", req->role);
		if (req->result_role != NULL) {
			if (req->op == WBEM_OP_REFERENCES ||
			    req->op == WBEM_OP_REFERENCE_NAMES ||
			    req->op == WBEM_OP_OPEN_REFERENCES ||
			    req->op == WBEM_OP_OPEN_REFERENCE_PATHS ||
			    !cimxml_name_ok(req->result_role)) {
				wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
				    "%s: ResultRole not allowed or invalid",
				    wbem_op_name(req->op));
				return (-1);
			}
			cx_put_string_param(b, "ResultRole", req->result_role);
		}
		if (req->op == WBEM_OP_ASSOCIATORS ||
		    req->op == WBEM_OP_REFERENCES) {
			cx_put_flags(b, req);
			proplist = 1;
		} else if ((req->op == WBEM_OP_OPEN_ASSOCIATORS ||
		    req->op == WBEM_OP_OPEN_REFERENCES)) {
			if (req->class_origin != 0)
				cx_put_bool_param(b, "IncludeClassOrigin",
				    req->class_origin > 0);
			proplist = 1;
		}
		break;
	case WBEM_OP_CREATE:
		if (!cimxml_name_ok(cls)) {
			wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
			    "invalid class name \"%s\"", cls ? cls : "");
			return (-1);
		}
		buf_puts(b, "<IPARAMVALUE NAME=\"NewInstance\">");
		if (cx_put_instance(b, cls, req->instance, ns, err) == -1)
			return (-1);
		buf_puts(b, "</IPARAMVALUE>\n");
		break;
	case WBEM_OP_MODIFY:
		if (cx_check_path(req->path, "ModifyInstance", err) == -1)
			return (-1);
		buf_puts(b, "<IPARAMVALUE NAME=\"ModifiedInstance\">"
		    "<VALUE.NAMEDINSTANCE>");
		cx_put_instancename(b, req->path);
		if (cx_put_instance(b, req->path->classname, req->instance, ns,
		    err) == -1)
			return (-1);
		buf_puts(b, "</VALUE.NAMEDINSTANCE></IPARAMVALUE>\n");
		if (req->qualifiers != 0)
			cx_put_bool_param(b, "IncludeQualifiers",
			    req->qualifiers > 0);
		proplist = 1;
		break;
	case WBEM_OP_ENUM_QUALIFIERS:
		break;
	case WBEM_OP_GET_QUALIFIER:
	case WBEM_OP_DELETE_QUALIFIER:
		if (!cimxml_name_ok(req->propname)) {
			wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
			    "%s needs a qualifier name",
			    wbem_op_name(req->op));
			return (-1);
		}
		cx_put_string_param(b, "QualifierName", req->propname);
		break;
	case WBEM_OP_SET_QUALIFIER:
		if (cx_put_qualdecl(b, req, err) == -1)
			return (-1);
		break;
	case WBEM_OP_CREATE_CLASS:
	case WBEM_OP_MODIFY_CLASS:
		buf_printf(b, "<IPARAMVALUE NAME=\"%s\">",
		    req->op == WBEM_OP_CREATE_CLASS ? "NewClass" :
		    "ModifiedClass");
		if (cx_put_class(b, req, ns, err) == -1)
			return (-1);
		buf_puts(b, "</IPARAMVALUE>\n");
		break;
	case WBEM_OP_DELETE_CLASS:
		if (!cimxml_name_ok(cls)) {
			wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
			    "invalid class name \"%s\"", cls ? cls : "");
			return (-1);
		}
		buf_printf(b, "<IPARAMVALUE NAME=\"ClassName\">"
		    "<CLASSNAME NAME=\"%s\"/></IPARAMVALUE>\n", cls);
		break;
	case WBEM_OP_QUERY:
	case WBEM_OP_OPEN_QUERY:
		if (req->query == NULL || *req->query == '\0') {
			wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
			    "%s needs a query", wbem_op_name(req->op));
			return (-1);
		}
		lang = req->query_lang != NULL ? req->query_lang : "WQL";
		if (req->op == WBEM_OP_OPEN_QUERY) {
			cx_put_string_param(b, "FilterQuery", req->query);
			cx_put_string_param(b, "FilterQueryLanguage", lang);
			break;
		}
		buf_puts(b, "<IPARAMVALUE NAME=\"QueryLanguage\"><VALUE>");
		buf_xml_escape(b, lang);
		buf_puts(b, "</VALUE></IPARAMVALUE>\n");
		buf_puts(b, "<IPARAMVALUE NAME=\"Query\"><VALUE>");
		buf_xml_escape(b, req->query);
		buf_puts(b, "</VALUE></IPARAMVALUE>\n");
		break;
	case WBEM_OP_PULL:
	case WBEM_OP_PULL_PATHS:
	case WBEM_OP_PULL_INSTANCES:
	case WBEM_OP_CLOSE:
		if (req->context == NULL || *req->context == '\0') {
			wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
			    "%s needs an enumeration context",
			    wbem_op_name(req->op));
			return (-1);
		}
		cx_put_string_param(b, "EnumerationContext", req->context);
		if (req->op != WBEM_OP_CLOSE)
			buf_printf(b, "<IPARAMVALUE NAME=\"MaxObjectCount\">"
			    "<VALUE>%u</VALUE></IPARAMVALUE>\n",
			    req->max_object_count);
		break;
	default:
		wbem_error_set(err, WBEM_E_USAGE, 0, NULL,
		    "unknown operation %d", (int)req->op);
		return (-1);
	}
	if (proplist && req->proplist != NULL) {
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
	/* the Open* operations: MaxObjectCount last, as pywbem sends it */
	if (wbem_op_pull_of(req->op) != -1 && req->op != WBEM_OP_PULL &&
	    req->op != WBEM_OP_PULL_PATHS &&
	    req->op != WBEM_OP_PULL_INSTANCES)
		buf_printf(b, "<IPARAMVALUE NAME=\"MaxObjectCount\">"
		    "<VALUE>%u</VALUE></IPARAMVALUE>\n",
		    req->max_object_count);
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
	struct buf			 obj, model, nsj;
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
	buf_init(&nsj, 0);
	cx_ns_join(ns, &nsj);
	if (req->op != WBEM_OP_INVOKE)
		cimxml_uri_escape(nsj.data, &obj);
	else {
		mp = cim_path_new(nsj.data, cx_request_class(req));
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
	buf_release(&nsj);
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

/* ---- decoding a reply: streaming ---------------------------------------- */

/*
 * The reply is decoded as libxml2 reads it (xml_sax_parse): no tree is
 * built.  Each open element has a role, decided by its name and its
 * parent's role; an element that is not ours is skipped with all it holds,
 * as the tree walk skipped it.  Text is gathered only inside the elements
 * whose text is a value (VALUE, KEYVALUE, HOST).  Object paths nest
 * (a key may be a reference), so each path being read has a frame of its
 * own; an INSTANCE or CLASS kept as text is written back as it is read.
 */
#define CX_MAX_PATHS	16	/* references inside keys inside ... */

enum cx_role {
	CX_SKIP = 0,
	CX_CIM,
	CX_MESSAGE,
	CX_SIMPLERSP,
	CX_RESP,		/* the (I)METHODRESPONSE asked for */
	CX_IRV,
	CX_OBJ,		/* VALUE.NAMEDINSTANCE & co: path, INSTANCE */
	CX_OBJ1,		/* VALUE.OBJECT: INSTANCE */
	CX_INSTANCE,
	CX_HOLDER,		/* PROPERTY*, RETURNVALUE, PARAMVALUE */
	CX_VALUE,
	CX_ARRAY,		/* VALUE.ARRAY, VALUE.REFARRAY */
	CX_REF,		/* VALUE.REFERENCE */
	CX_CAPTURE,		/* INSTANCE or CLASS kept as XML text */
	CX_P_OBJPATH,
	CX_P_FULL,		/* INSTANCEPATH, CLASSPATH */
	CX_P_LOCAL,		/* LOCALINSTANCEPATH, LOCALCLASSPATH */
	CX_P_NSP,		/* NAMESPACEPATH */
	CX_P_HOST,
	CX_P_LNP,		/* LOCALNAMESPACEPATH */
	CX_P_NAME,		/* INSTANCENAME */
	CX_P_KB,		/* KEYBINDING */
	CX_P_KV,		/* KEYVALUE */
};

/* Where a path goes once read. */
enum cx_dest {
	CX_TO_NAMES,		/* EnumerateInstanceNames result */
	CX_TO_OBJ,		/* the INSTANCE that follows it */
	CX_TO_VALUE,		/* a reference value */
	CX_TO_KEY,		/* a reference key of the enclosing path */
};

struct cx_frame {
	const char	*name;		/* libxml2's dictionary: lives the parse */
	enum cx_role	 role;
	int		 n;		/* element children taken */
	int		 flag;		/* role's own: see cx_start */
};

struct cx_path {
	enum cx_dest	 dest;
	int		 depth;		/* of its root element */
	const char	*kind;		/* root's name when it needs a namespace */
	struct cim_path	*p;
	char		*host;
	struct buf	 ns;
	int		 has_lnp, has_host, has_nsp;
	char		*kbname;	/* the KEYBINDING open */
	int		 kv_trim;	/* KEYVALUE: VALUETYPE not "string" */
	int		 kv_vt;		/* 0 absent or string, 1 boolean, 2 other */
	int		 kv_typed;	/* TYPE given and known */
	enum cim_type	 kv_type;
};

struct cx_dec {
	const struct wbem_request *req;
	struct wbem_error *err;
	struct wbem_result *r;
	const char	*want, *rname, *ns;
	int		 depth;
	int		 seen_simplersp, seen_resp, seen_irv, seen_ret;
	int		 seen_error;
	long		 err_code;
	char		*err_desc;
	struct cim_instance *inst;
	struct cim_path	*obj_path;
	struct cim_value *val;		/* the open holder's */
	struct buf	 text;
	struct buf	 pname;		/* the open PROPERTY's NAME */
	struct buf	 cap;
	int		 cap_open;	/* a start tag not closed yet */
	int		 cap_depth;	/* of the captured element */
	int		 cap_to_class;	/* GetClass: else a value */
	int		 seen_eos;	/* pulls: EndOfSequence given */
	struct cim_value pv_eos, pv_ctx; /* EndOfSequence, EnumerationContext */
	int		 npaths;
	/*
	 * Not cleared as the rest is (6 KB): a frame or path is set whole
	 * as it is pushed; st[0], the root's parent, is cleared alone.
	 */
	struct cx_frame st[XML_MAX_DEPTH_DEFAULT + 2];
	struct cx_path	 paths[CX_MAX_PATHS];
};

static int cx_fail(struct cx_dec *, const char *, ...) PRINTFLIKE(2, 3);

static int
cx_fail(struct cx_dec *s, const char *fmt, ...)
{
	char	msg[sizeof(s->err->description)];
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	wbem_error_set(s->err, WBEM_E_PROTOCOL, 0, NULL, "%s", msg);
	return (-1);
}

static int
cx_numeric(enum cim_type t)
{
	return (cim_type_is_integer(t) || cim_type_is_real(t) ||
	    t == CIM_T_BOOLEAN);
}

/* The text gathered, NUL-terminated ("" when there was none). */
static char *
cx_text(struct cx_dec *s)
{
	if (s->text.data == NULL)
		buf_add(&s->text, "", 0);
	return (s->text.data != NULL ? s->text.data : (char *)"");
}

/* ---- captured INSTANCE / CLASS: written back as xmlNodeDump writes ---- */

/* Text as xmlNodeDump escapes it (attr: an attribute value). */
void
cimxml_cap_escape(struct buf *b, const char *p, size_t len, int attr)
{
	const char	*e = p + len, *run = p;
	const char	*rep;

	for (; p < e; p++) {
		switch (*p) {
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '&': rep = "&amp;"; break;
		case '\r': rep = "&#13;"; break;
		case '"': rep = attr ? "&quot;" : NULL; break;
		case '\n': rep = attr ? "&#10;" : NULL; break;
		case '\t': rep = attr ? "&#9;" : NULL; break;
		default: rep = NULL; break;
		}
		if (rep == NULL)
			continue;
		buf_add(b, run, (size_t)(p - run));
		buf_puts(b, rep);
		run = p + 1;
	}
	buf_add(b, run, (size_t)(e - run));
}

static void
cx_cap_start(struct cx_dec *s, const char *name, const struct xml_attr *a,
    size_t na)
{
	size_t	i;

	if (s->cap_open)
		buf_add(&s->cap, ">", 1);
	buf_printf(&s->cap, "<%s", name);
	for (i = 0; i < na; i++) {
		buf_printf(&s->cap, " %s=\"", a[i].name);
		cimxml_cap_escape(&s->cap, a[i].value, strlen(a[i].value), 1);
		buf_add(&s->cap, "\"", 1);
	}
	s->cap_open = 1;
}

static void
cx_cap_end(struct cx_dec *s, const char *name)
{
	if (s->cap_open)
		buf_puts(&s->cap, "/>");
	else
		buf_printf(&s->cap, "</%s>", name);
	s->cap_open = 0;
}

/* ---- object paths ------------------------------------------------------ */

static struct cx_path *
cx_path_push(struct cx_dec *s, enum cx_dest dest)
{
	struct cx_path	*pf;

	if (s->npaths == CX_MAX_PATHS) {
		cx_fail(s, "references nested more than %d deep",
		    CX_MAX_PATHS);
		return (NULL);
	}
	pf = &s->paths[s->npaths++];
	memset(pf, 0, sizeof(*pf));
	pf->dest = dest;
	pf->depth = s->depth;
	buf_init(&pf->ns, 0);
	return (pf);
}

static void
cx_path_pop(struct cx_dec *s)
{
	struct cx_path	*pf = &s->paths[--s->npaths];

	cim_path_free(pf->p);
	free(pf->host);
	free(pf->kbname);
	buf_release(&pf->ns);
}

/*
 * Whether an element's name is lit: the first byte inline, as most names
 * a handler asks about differ there, and strcmp only when it agrees.
 */
static inline int
cx_is(const char *name, const char *lit)
{
	return (name[0] == lit[0] && strcmp(name, lit) == 0);
}

/* INSTANCENAME or CLASSNAME: the class, and the path's keys to come. */
static int
cx_path_name(struct cx_dec *s, struct cx_frame *f, const char *name,
    const struct xml_attr *a, size_t na, long line)
{
	struct cx_path	*pf = &s->paths[s->npaths - 1];
	const char	*attr, *cls;
	int		 classname = cx_is(name, "CLASSNAME");

	attr = classname ? "NAME" : "CLASSNAME";
	if ((cls = xml_attr_get(a, na, attr)) == NULL || *cls == '\0')
		return (cx_fail(s, "on line %ld: missing %s.%s attribute",
		    line, name, attr));
	pf->p = cim_path_new(NULL, cls);
	f->role = classname ? CX_SKIP : CX_P_NAME;
	return (0);
}

/* The element a path starts with, in a frame pushed for it. */
static int
cx_path_root(struct cx_dec *s, struct cx_frame *f, const char *name,
    const struct xml_attr *a, size_t na, long line)
{
	struct cx_path	*pf = &s->paths[s->npaths - 1];

	if (cx_is(name, "OBJECTPATH") && pf->depth == s->depth) {
		f->role = CX_P_OBJPATH;
		return (0);
	}
	if (cx_is(name, "INSTANCENAME") ||
	    cx_is(name, "CLASSNAME"))
		return (cx_path_name(s, f, name, a, na, line));
	if (cx_is(name, "INSTANCEPATH") ||
	    cx_is(name, "CLASSPATH")) {
		f->role = CX_P_FULL;
		pf->kind = name[0] == 'I' ? "INSTANCEPATH" : "CLASSPATH";
		return (0);
	}
	if (cx_is(name, "LOCALINSTANCEPATH") ||
	    cx_is(name, "LOCALCLASSPATH")) {
		f->role = CX_P_LOCAL;
		pf->kind = name[5] == 'I' ? "LOCALINSTANCEPATH" :
		    "LOCALCLASSPATH";
		pf->has_nsp = 1;
		return (0);
	}
	return (cx_fail(s, "expected an object path, got %s", name));
}

/* A KEYVALUE's text as a key, typed as cx_keybinding types it. */
static int
cx_keyvalue(struct cx_dec *s)
{
	struct cx_path	*pf = &s->paths[s->npaths - 1];
	char		*text = cx_text(s);
	enum cim_type	 t;

	if (pf->kv_trim)
		cimxml_trim(text);
	if (pf->kv_typed)
		t = pf->kv_type;
	else if (pf->kv_vt == 0)
		t = CIM_T_STRING;
	else if (pf->kv_vt == 1)
		t = CIM_T_BOOLEAN;
	else if ((t = cim_key_type_guess(text)) == CIM_T_STRING ||
	    t == CIM_T_BOOLEAN)
		return (cx_fail(s, "key %s: \"%s\" is not numeric",
		    pf->kbname, text));
	cim_path_add_key(pf->p, pf->kbname, t, text);
	return (0);
}

/* The path read whole: check it and hand it on. */
static int
cx_path_done(struct cx_dec *s)
{
	struct cx_path	*pf = &s->paths[s->npaths - 1], *up;
	struct cim_path	*p;
	struct buf	 b;
	const char	*dflt;

	if (pf->p == NULL && pf->kind == NULL)
		return (cx_fail(s, "expected an object path, got nothing"));
	if (pf->kind != NULL && (pf->p == NULL || !pf->has_lnp))
		return (cx_fail(s, "%s without namespace or name",
		    pf->kind));
	/* NAMESPACEPATH is (HOST, LOCALNAMESPACEPATH): HOST may be empty */
	if (pf->kind != NULL && strncmp(pf->kind, "LOCAL", 5) != 0 &&
	    !pf->has_host)
		return (cx_fail(s, "NAMESPACEPATH without HOST in %s",
		    pf->kind));
	/* the DTD wants NAMESPACE+: an empty one is a cut path */
	if (pf->has_lnp && pf->ns.len == 0)
		return (cx_fail(s, "LOCALNAMESPACEPATH without NAMESPACE in "
		    "%s", pf->kind));
	p = pf->p;
	pf->p = NULL;
	dflt = pf->dest == CX_TO_NAMES || pf->dest == CX_TO_OBJ ?
	    s->ns : NULL;
	free(p->ns);
	p->ns = pf->ns.len > 0 ? xstrdup(pf->ns.data) :
	    dflt != NULL ? xstrdup(dflt) : NULL;
	if (pf->host != NULL && *pf->host != '\0') {
		p->host = pf->host;
		pf->host = NULL;
	}
	switch (pf->dest) {
	case CX_TO_NAMES:
		wbem_result_add_path(s->r, p);
		break;
	case CX_TO_OBJ:
		cim_path_free(s->obj_path);
		s->obj_path = p;
		break;
	case CX_TO_VALUE:
	case CX_TO_KEY:
		buf_init(&b, 0);
		cim_path_format(p, &b);
		cim_path_free(p);
		if (b.data == NULL)
			buf_add(&b, "", 0);
		if (pf->dest == CX_TO_VALUE) {
			if (!s->val->is_array)
				s->val->type = CIM_T_REFERENCE;
			cim_value_add(s->val, b.data);
		} else {
			up = &s->paths[s->npaths - 2];
			cim_path_add_key(up->p, up->kbname, CIM_T_REFERENCE,
			    b.data);
		}
		buf_release(&b);
		break;
	}
	cx_path_pop(s);
	return (0);
}

/*
 * An INSTANCE, CLASS or QUALIFIER.DECLARATION kept as XML text (to: 0 a
 * value, 1 GetClass's class, 2 one more class or declaration).  What it
 * is cannot be told without its name: pywbem refuses one without it too.
 */
static int
cx_capture(struct cx_dec *s, struct cx_frame *f, const char *name,
    const struct xml_attr *a, size_t na, long line, int to)
{
	const char	*attr, *v;

	attr = cx_is(name, "INSTANCE") ? "CLASSNAME" : "NAME";
	if ((v = xml_attr_get(a, na, attr)) == NULL || *v == '\0')
		return (cx_fail(s, "on line %ld: missing %s.%s attribute",
		    line, name, attr));
	if (cx_is(name, "QUALIFIER.DECLARATION") &&
	    xml_attr_get(a, na, "TYPE") == NULL)
		return (cx_fail(s, "on line %ld: missing %s.TYPE attribute",
		    line, name));
	f->role = CX_CAPTURE;
	s->cap_depth = s->depth;
	s->cap_to_class = to;
	buf_reset(&s->cap);
	cx_cap_start(s, name, a, na);
	return (0);
}

/* ---- values ------------------------------------------------------------ */

/* The element holding a value: PROPERTY*, RETURNVALUE or PARAMVALUE. */
static int
cx_holder_value(struct cx_dec *s, struct cx_frame *f, const char *name,
    const struct xml_attr *a, size_t na, long line)
{
	struct cim_value	*v = s->val;

	if (cx_is(name, "VALUE")) {
		f->role = CX_VALUE;
		buf_reset(&s->text);
	} else if (cx_is(name, "VALUE.NULL"))
		f->role = CX_SKIP;
	else if (cx_is(name, "VALUE.REFERENCE"))
		f->role = CX_REF;
	else if (cx_is(name, "VALUE.ARRAY") ||
	    cx_is(name, "VALUE.REFARRAY")) {
		f->role = CX_ARRAY;
		v->is_array = 1;
		v->is_null = 0;
		if (name[6] == 'R')
			v->type = CIM_T_REFERENCE;
	} else if (cx_is(name, "INSTANCE") ||
	    cx_is(name, "CLASS")) {
		v->type = CIM_T_OBJECT;
		v->embedded = 1;
		return (cx_capture(s, f, name, a, na, line, 0));
	} else
		return (cx_fail(s, "unexpected %s as a value", name));
	return (0);
}

/*
 * An embedded object given as text (DSP0201: the escaped XML of one
 * INSTANCE or CLASS) is kept as that text, but read once to see that it
 * is one: a cut or nameless one is a cut reply, as pywbem, which parses
 * it, finds too.  White space alone is no object and passes.
 */
static int
cx_embedded_check(struct cx_dec *s, const char *text)
{
	struct wbem_error	 e;
	xmlDocPtr		 doc;
	const xmlNode		*root;
	const char		*attr, *v;
	int			 rc = 0;

	text += strspn(text, " \t\r\n");
	if (*text == '\0')
		return (0);
	if ((doc = xml_parse_safe(text, strlen(text), 0, 0, &e)) == NULL)
		return (cx_fail(s, "embedded object: %s", e.description));
	root = xmlDocGetRootElement(doc);
	attr = cimxml_is(root, "INSTANCE") ? "CLASSNAME" :
	    cimxml_is(root, "CLASS") ? "NAME" : NULL;
	if (attr == NULL)
		rc = cx_fail(s, "embedded object is %.32s, not INSTANCE or "
		    "CLASS", (const char *)root->name);
	else if ((v = cimxml_attr(root, attr)) == NULL || *v == '\0')
		rc = cx_fail(s, "embedded object: missing %s.%s attribute",
		    (const char *)root->name, attr);
	xmlFreeDoc(doc);
	return (rc);
}

/*
 * A datetime has a form, as numbers have (DSP0004): one that does
 * not fit is a value pywbem refuses too.  It is checked without the white
 * space around it, which servers indent it with (the wetest recordings),
 * and kept as sent.
 */
static int
cx_datetime_check(struct cx_dec *s, const char *text)
{
	char	dt[32];
	size_t	n;

	text += strspn(text, " \t\r\n");
	n = strlen(text);
	while (n > 0 && strchr(" \t\r\n", text[n - 1]) != NULL)
		n--;
	if (n < sizeof(dt)) {
		memcpy(dt, text, n);
		dt[n] = '\0';
		if (cim_value_check(CIM_T_DATETIME, dt) == 0)
			return (0);
	}
	return (cx_fail(s, "value \"%.*s\" is not a valid datetime",
	    (int)(n < 64 ? n : 64), text));
}

static int
cx_value_done(struct cx_dec *s, enum cx_role parent)
{
	struct cim_value	*v = s->val;
	char			*text = cx_text(s);

	if (v->embedded && cx_embedded_check(s, text) == -1)
		return (-1);
	if (!v->embedded && v->type == CIM_T_DATETIME &&
	    cx_datetime_check(s, text) == -1)
		return (-1);

	if (parent == CX_HOLDER) {
		if (!v->embedded && cx_numeric(v->type)) {
			cimxml_trim(text);
			if (cim_value_check(v->type, text) == -1)
				return (cx_fail(s, "value \"%.64s\" is not "
				    "a valid %s", text,
				    cim_type_name(v->type)));
		}
	} else {
		if (cx_numeric(v->type))
			cimxml_trim(text);
		if (!v->embedded && v->type != CIM_T_REFERENCE &&
		    (cim_type_is_integer(v->type) ||
		    v->type == CIM_T_BOOLEAN) &&
		    cim_value_check(v->type, text) == -1)
			return (cx_fail(s, "array member \"%.64s\" is not a "
			    "valid %s", text, cim_type_name(v->type)));
	}
	/* a PROPERTY's value: one allocation with the name (cim.c) */
	if (parent == CX_HOLDER && s->inst != NULL && s->inst->nprops > 0 &&
	    v == &s->inst->props[s->inst->nprops - 1].v)
		cim_property_add_packed(&s->inst->props[s->inst->nprops - 1],
		    s->pname.data, text);
	else
		cim_value_add(v, text);
	return (0);
}

/*
 * Each PROPERTY form has its one value form (DSP0201): a scalar given as
 * an array, or an array as one VALUE, says the reply is not what its
 * TYPE says, and reading it either way would be a guess.  RETURNVALUE
 * and PARAMVALUE are free: their value says what they hold.
 */
static int
cx_property_form(struct cx_dec *s, const char *holder, const char *name)
{
	const char	*want;

	/* a PROPERTY's VALUE first: the form of nearly every value read */
	if (cx_is(holder, "PROPERTY")) {
		if (strncmp(name, "VALUE.", 6) != 0 ||
		    (!cx_is(name, "VALUE.ARRAY") &&
		    !cx_is(name, "VALUE.REFARRAY") &&
		    !cx_is(name, "VALUE.REFERENCE")))
			return (0);
		want = "VALUE";
	} else if (cx_is(holder, "PROPERTY.ARRAY"))
		want = "VALUE.ARRAY";
	else if (cx_is(holder, "PROPERTY.REFERENCE"))
		want = "VALUE.REFERENCE";
	else
		return (0);
	if (strcmp(name, want) != 0)
		return (cx_fail(s, "%s with %s, not %s, in INSTANCE %s",
		    holder, name, want, s->inst != NULL ?
		    s->inst->classname : ""));
	return (0);
}

/*
 * A holder's NAME, its type attribute (TYPE or PARAMTYPE) and whether it
 * says its value is embedded, in one pass: each as xml_attr_get finds it
 * (the first unqualified attribute of the name), a look per attribute.
 */
static int
cx_holder_attrs(const struct xml_attr *a, size_t na, const char *type,
    const char **name, const char **tp)
{
	const char	*n;
	size_t		 i;
	int		 embedded = 0;

	*name = *tp = NULL;
	for (i = 0; i < na; i++) {
		if (a[i].uri != NULL)
			continue;
		n = a[i].name;
		if (*name == NULL && n[0] == 'N' && strcmp(n, "NAME") == 0)
			*name = a[i].value;
		else if (*tp == NULL && n[0] == type[0] &&
		    strcmp(n, type) == 0)
			*tp = a[i].value;
		else if (n[0] == 'E' && (strcmp(n, "EmbeddedObject") == 0 ||
		    strcmp(n, "EMBEDDEDOBJECT") == 0 ||
		    strcmp(n, "EmbeddedInstance") == 0))
			embedded = 1;
	}
	return (embedded);
}

/* PROPERTY, PROPERTY.ARRAY, PROPERTY.REFERENCE of the open INSTANCE. */
static int
cx_property(struct cx_dec *s, struct cx_frame *f, const char *name,
    const struct xml_attr *a, size_t na)
{
	struct cim_property	*p;
	const char		*pname, *ts;
	enum cim_type		 t = CIM_T_STRING;
	int			 embedded;

	embedded = cx_holder_attrs(a, na, "TYPE", &pname, &ts);
	if (pname == NULL || *pname == '\0')
		return (cx_fail(s, "%s without NAME in INSTANCE %s", name,
		    s->inst->classname));
	/* name is one of the three: past "PROPERTY", '.' and the form */
	if (name[8] == '.' && name[9] == 'R')
		t = CIM_T_REFERENCE;
	else if (ts == NULL || cim_type_parse(ts, &t) == -1)
		return (cx_fail(s, "property %s: missing or unknown TYPE "
		    "\"%s\"", pname, ts != NULL ? ts : ""));
	/* named with its value, or at its end (cx_end): one allocation */
	p = cim_instance_add(s->inst, NULL, t, NULL);
	buf_reset(&s->pname);
	buf_puts(&s->pname, pname);
	if (embedded) {
		p->v.embedded = 1;
		p->v.type = CIM_T_OBJECT;
	}
	/* flag: an array property, until its VALUE.ARRAY is seen */
	if (name[8] == '.' && name[9] == 'A') {
		p->v.is_array = 1;
		f->flag = 1;
	}
	s->val = &p->v;
	f->role = CX_HOLDER;
	return (0);
}

/* RETURNVALUE or PARAMVALUE of a METHODRESPONSE. */
static int
cx_method_holder(struct cx_dec *s, struct cx_frame *f, const char *name,
    const struct xml_attr *a, size_t na)
{
	struct cim_method_result	*m = &s->r->method;
	struct cim_value		*v;
	struct cim_property		*p;
	const char			*ts, *pname;
	enum cim_type			 t = CIM_T_NONE;
	int				 embedded;

	embedded = cx_holder_attrs(a, na, "PARAMTYPE", &pname, &ts);
	if (ts != NULL && cim_type_parse(ts, &t) == -1)
		return (cx_fail(s, "unknown PARAMTYPE \"%s\"", ts));
	if (name[0] == 'R') {
		cim_value_clear(&m->ret);
		v = &m->ret;
		s->seen_ret = 1;
	} else {
		if (pname == NULL)
			return (cx_fail(s, "PARAMVALUE without NAME"));
		m->out = xreallocarray(m->out, m->nout + 1, sizeof(*m->out));
		p = &m->out[m->nout++];
		p->name = xstrdup(pname);
		v = &p->v;
	}
	cim_value_init(v, t);
	if (embedded) {
		v->embedded = 1;
		v->type = CIM_T_OBJECT;
	}
	s->val = v;
	f->role = CX_HOLDER;
	return (0);
}

/* ---- the handlers ------------------------------------------------------ */

static int
cx_is_obj(const char *name)
{
	return (cx_is(name, "VALUE.NAMEDINSTANCE") ||
	    cx_is(name, "VALUE.OBJECTWITHPATH") ||
	    cx_is(name, "VALUE.INSTANCEWITHPATH") ||
	    cx_is(name, "VALUE.OBJECTWITHLOCALPATH") ||
	    cx_is(name, "VALUE.NAMEDOBJECT"));
}

static int
cx_instance(struct cx_dec *s, struct cx_frame *f, const char *name,
    const struct xml_attr *a, size_t na, long line)
{
	const char	*cls;

	if (cx_is(name, "CLASS")) {
		/* the association operations on a class: kept as XML */
		if (s->req->op == WBEM_OP_ASSOCIATORS ||
		    s->req->op == WBEM_OP_REFERENCES)
			return (cx_capture(s, f, name, a, na, line, 2));
		f->role = CX_SKIP;	/* ExecQuery may mix in classes */
		return (0);
	}
	if (!cx_is(name, "INSTANCE") ||
	    (cls = xml_attr_get(a, na, "CLASSNAME")) == NULL)
		return (cx_fail(s, "expected INSTANCE with CLASSNAME, got %s",
		    name));
	s->inst = cim_instance_new(cls);
	f->role = CX_INSTANCE;
	return (0);
}

static int
cx_start(void *arg, const struct xml_elem *el)
{
	const char		*name = el->name, *uri = el->uri;
	const struct xml_attr	*a = el->attrs;
	size_t			 na = el->nattrs;
	long			 line = el->line;
	struct cx_dec		*s = arg;
	struct cx_frame	*up, *f;
	struct cx_path		*pf;
	const char		*v;
	long			 code;

	up = s->depth > 0 ? &s->st[s->depth] : NULL;
	if (++s->depth >= (int)nitems(s->st))
		return (cx_fail(s, "elements nested too deep"));
	f = &s->st[s->depth];
	f->name = name;
	f->role = CX_SKIP;
	f->n = 0;
	f->flag = 0;
	if (up == NULL) {
		/* CIM-XML names carry no namespace */
		if (uri != NULL || !cx_is(name, "CIM"))
			return (cx_fail(s, "reply is not a CIM-XML SIMPLERSP "
			    "message"));
		f->role = CX_CIM;
		return (0);
	}
	if (up->role == CX_SKIP)
		return (0);
	if (up->role == CX_CAPTURE) {
		f->role = CX_CAPTURE;
		cx_cap_start(s, name, a, na);
		return (0);
	}
	up->n++;
	pf = s->npaths > 0 ? &s->paths[s->npaths - 1] : NULL;
	switch (up->role) {
	case CX_CIM:
		if (cx_is(name, "MESSAGE") && up->n == 1)
			f->role = CX_MESSAGE;
		else
			up->n--;
		break;
	case CX_MESSAGE:
		if (cx_is(name, "SIMPLERSP") && !s->seen_simplersp) {
			s->seen_simplersp = 1;
			f->role = CX_SIMPLERSP;
		}
		break;
	case CX_SIMPLERSP:
		if (strcmp(name, s->rname) != 0 || s->seen_resp)
			break;
		s->seen_resp = 1;
		v = xml_attr_get(a, na, "NAME");
		if (v == NULL || s->want == NULL || strcmp(v, s->want) != 0)
			return (cx_fail(s, "reply is for method \"%s\", "
			    "expected \"%s\"", v != NULL ? v : "",
			    s->want != NULL ? s->want : ""));
		f->role = CX_RESP;
		break;
	case CX_RESP:
		if (cx_is(name, "ERROR")) {
			if (s->seen_error)
				break;
			v = xml_attr_get(a, na, "CODE");
			if (v == NULL ||
			    parse_long_range(v, 0, 0x7fffffff, &code) == -1)
				return (cx_fail(s, "ERROR element without a "
				    "valid CODE"));
			s->seen_error = 1;
			s->err_code = code;
			v = xml_attr_get(a, na, "DESCRIPTION");
			s->err_desc = v != NULL ? xstrdup(v) : NULL;
		} else if (s->req->op == WBEM_OP_INVOKE) {
			if (cx_is(name, "RETURNVALUE") ||
			    cx_is(name, "PARAMVALUE"))
				return (cx_method_holder(s, f, name, a, na));
		} else if (cx_is(name, "PARAMVALUE") &&
		    wbem_op_pull_of(s->req->op) != -1) {
			v = xml_attr_get(a, na, "NAME");
			if (v != NULL && strcmp(v, "EndOfSequence") == 0) {
				cim_value_clear(&s->pv_eos);
				s->val = &s->pv_eos;
				s->seen_eos = 1;
			} else if (v != NULL &&
			    strcmp(v, "EnumerationContext") == 0) {
				cim_value_clear(&s->pv_ctx);
				s->val = &s->pv_ctx;
			} else
				break;
			cim_value_init(s->val, CIM_T_NONE);
			f->role = CX_HOLDER;
		} else if (cx_is(name, "IRETURNVALUE") &&
		    !s->seen_irv) {
			s->seen_irv = 1;
			f->role = CX_IRV;
		}
		break;
	case CX_IRV:
		switch (s->req->op) {
		case WBEM_OP_ENUM_NAMES:
		case WBEM_OP_CLASS_NAMES:
		case WBEM_OP_ASSOCIATOR_NAMES:
		case WBEM_OP_REFERENCE_NAMES:
		case WBEM_OP_CREATE:
		case WBEM_OP_OPEN_ENUM_PATHS:
		case WBEM_OP_OPEN_ASSOCIATOR_PATHS:
		case WBEM_OP_OPEN_REFERENCE_PATHS:
		case WBEM_OP_PULL_PATHS:
			if (cx_path_push(s, CX_TO_NAMES) == NULL)
				return (-1);
			return (cx_path_root(s, f, name, a, na, line));
		case WBEM_OP_GET_PROPERTY:
			if (up->n != 1)
				return (cx_fail(s, "GetProperty reply with "
				    "more than one value"));
			s->val = &s->r->method.ret;
			cim_value_clear(s->val);
			cim_value_init(s->val, CIM_T_NONE);
			s->seen_ret = 1;
			return (cx_holder_value(s, f, name, a, na, line));
		case WBEM_OP_CLASSES:
		case WBEM_OP_ENUM_QUALIFIERS:
		case WBEM_OP_GET_QUALIFIER:
			if (strcmp(name, s->req->op == WBEM_OP_CLASSES ?
			    "CLASS" : "QUALIFIER.DECLARATION") != 0)
				return (cx_fail(s, "unexpected %s in "
				    "IRETURNVALUE", name));
			return (cx_capture(s, f, name, a, na, line, 2));
		case WBEM_OP_GET_CLASS:
			if (!cx_is(name, "CLASS") ||
			    s->r->class_xml != NULL || s->cap.len > 0)
				break;
			return (cx_capture(s, f, name, a, na, line, 1));
		default:
			if (cx_is(name, "INSTANCE"))
				return (cx_instance(s, f, name, a, na, line));
			if (cx_is_obj(name))
				f->role = CX_OBJ;
			else if (cx_is(name, "VALUE.OBJECT"))
				f->role = CX_OBJ1;
			else
				return (cx_fail(s, "unexpected %s in "
				    "IRETURNVALUE", name));
			break;
		}
		break;
	case CX_OBJ:
		if (up->n == 1) {
			if (cx_is(name, "INSTANCE"))
				return (cx_fail(s, "%s without its path "
				    "before INSTANCE", up->name));
			if (cx_path_push(s, CX_TO_OBJ) == NULL)
				return (-1);
			return (cx_path_root(s, f, name, a, na, line));
		}
		/*
		 * VALUE.NAMEDINSTANCE and VALUE.INSTANCEWITHPATH hold an
		 * INSTANCE (DSP0201); a CLASS there is no object to skip, as
		 * an ExecQuery's VALUE.OBJECTWITHPATH may hold one, but a
		 * broken reply (pywbem refuses it too).
		 */
		if (up->n == 2 && cx_is(name, "CLASS") &&
		    (cx_is(up->name, "VALUE.NAMEDINSTANCE") ||
		    cx_is(up->name, "VALUE.INSTANCEWITHPATH")))
			return (cx_fail(s, "%s holding a CLASS, not an INSTANCE",
			    up->name));
		if (up->n == 2)
			return (cx_instance(s, f, name, a, na, line));
		break;
	case CX_OBJ1:
		if (up->n == 1)
			return (cx_instance(s, f, name, a, na, line));
		break;
	case CX_INSTANCE:
		if (cx_is(name, "PROPERTY") ||
		    cx_is(name, "PROPERTY.ARRAY") ||
		    cx_is(name, "PROPERTY.REFERENCE"))
			return (cx_property(s, f, name, a, na));
		break;
	case CX_HOLDER:
		if (cx_is(name, "QUALIFIER")) {
			up->n--;
			break;
		}
		if (up->n != 1)
			break;
		if (strncmp(name, "VALUE.", 6) == 0 &&
		    (cx_is(name, "VALUE.ARRAY") ||
		    cx_is(name, "VALUE.REFARRAY")))
			up->flag = 0;	/* not a NULL array */
		if (cx_property_form(s, up->name, name) == -1)
			return (-1);
		return (cx_holder_value(s, f, name, a, na, line));
	case CX_ARRAY:
		if (cx_is(name, "VALUE.NULL"))
			cim_value_add(s->val, NULL);
		else if (cx_is(name, "VALUE")) {
			f->role = CX_VALUE;
			buf_reset(&s->text);
		} else if (cx_is(name, "VALUE.REFERENCE"))
			f->role = CX_REF;
		break;
	case CX_REF:
		if (up->n != 1)
			break;
		/* flag on the REF frame: a key's reference, not a value */
		if (cx_path_push(s, up->flag ? CX_TO_KEY : CX_TO_VALUE) ==
		    NULL)
			return (-1);
		return (cx_path_root(s, f, name, a, na, line));
	case CX_P_OBJPATH:
		if (up->n == 1)
			return (cx_path_root(s, f, name, a, na, line));
		break;
	case CX_P_FULL:
	case CX_P_LOCAL:
		if ((cx_is(name, "INSTANCENAME") ||
		    cx_is(name, "CLASSNAME")) && pf->p == NULL)
			return (cx_path_name(s, f, name, a, na, line));
		if (up->role == CX_P_FULL &&
		    cx_is(name, "NAMESPACEPATH") && !pf->has_nsp) {
			pf->has_nsp = 1;
			f->role = CX_P_NSP;
		} else if (up->role == CX_P_LOCAL &&
		    cx_is(name, "LOCALNAMESPACEPATH") && !pf->has_lnp) {
			pf->has_lnp = 1;
			f->role = CX_P_LNP;
		}
		break;
	case CX_P_NSP:
		if (cx_is(name, "HOST") && !pf->has_host) {
			pf->has_host = 1;
			f->role = CX_P_HOST;
			buf_reset(&s->text);
		} else if (cx_is(name, "LOCALNAMESPACEPATH") &&
		    !pf->has_lnp) {
			pf->has_lnp = 1;
			f->role = CX_P_LNP;
		}
		break;
	case CX_P_LNP:
		if (!cx_is(name, "NAMESPACE"))
			break;
		if ((v = xml_attr_get(a, na, "NAME")) == NULL || *v == '\0')
			return (cx_fail(s, "NAMESPACE without NAME"));
		if (pf->ns.len > 0)
			buf_add(&pf->ns, "/", 1);
		buf_puts(&pf->ns, v);
		break;
	case CX_P_NAME:
		if (!cx_is(name, "KEYBINDING"))
			break;
		if (pf->p->nkeys == CX_MAX_KEYS)
			return (cx_fail(s, "on line %ld: More than %d "
			    "key-value pairs per object path are not "
			    "supported.", line, CX_MAX_KEYS));
		if ((v = xml_attr_get(a, na, "NAME")) == NULL)
			return (cx_fail(s, "KEYBINDING without NAME or "
			    "value"));
		free(pf->kbname);
		pf->kbname = xstrdup(v);
		f->role = CX_P_KB;
		break;
	case CX_P_KB:
		if (up->n != 1)
			break;
		if (cx_is(name, "VALUE.REFERENCE")) {
			f->role = CX_REF;
			f->flag = 1;
			break;
		}
		if (!cx_is(name, "KEYVALUE"))
			return (cx_fail(s, "unexpected %s in KEYBINDING",
			    name));
		f->role = CX_P_KV;
		buf_reset(&s->text);
		v = xml_attr_get(a, na, "VALUETYPE");
		pf->kv_vt = v == NULL || strcmp(v, "string") == 0 ? 0 :
		    strcmp(v, "boolean") == 0 ? 1 : 2;
		pf->kv_trim = pf->kv_vt != 0;
		v = xml_attr_get(a, na, "TYPE");
		pf->kv_typed = v != NULL &&
		    cim_type_parse(v, &pf->kv_type) == 0;
		break;
	default:
		break;
	}
	return (0);
}

static int
cx_end(void *arg, const char *name, const char *uri)
{
	struct cx_dec		*s = arg;
	struct cx_frame	*f = &s->st[s->depth];
	enum cx_role		 parent = s->st[s->depth - 1].role;
	struct cx_path		*pf;
	int			 rc = 0;

	switch (f->role) {
	case CX_CAPTURE:
		cx_cap_end(s, name);
		if (s->depth != s->cap_depth)
			break;
		if (s->cap.data == NULL)
			buf_add(&s->cap, "", 0);
		if (s->cap_to_class == 2)
			wbem_result_add_class(s->r, buf_steal(&s->cap, NULL));
		else if (s->cap_to_class)
			s->r->class_xml = buf_steal(&s->cap, NULL);
		else
			cim_value_add(s->val, s->cap.data);
		buf_reset(&s->cap);
		break;
	case CX_VALUE:
		rc = cx_value_done(s, parent);
		break;
	case CX_HOLDER:
		/* an array property without VALUE.ARRAY is NULL, not empty */
		if (f->flag && s->val->nvals == 0)
			s->val->is_null = 1;
		/* a PROPERTY that took no text (NULL, an array) named now */
		if (s->inst != NULL && s->inst->nprops > 0 &&
		    s->val == &s->inst->props[s->inst->nprops - 1].v &&
		    s->inst->props[s->inst->nprops - 1].name == NULL)
			s->inst->props[s->inst->nprops - 1].name =
			    xstrdup(s->pname.data);
		s->val = NULL;
		break;
	case CX_INSTANCE:
		if (parent == CX_OBJ) {
			s->inst->path = s->obj_path;
			s->obj_path = NULL;
		}
		wbem_result_add_instance(s->r, s->inst);
		s->inst = NULL;
		break;
	case CX_OBJ:
	case CX_OBJ1:
		if (f->n < (f->role == CX_OBJ ? 2 : 1))
			rc = cx_fail(s, "%s without its INSTANCE", name);
		cim_path_free(s->obj_path);
		s->obj_path = NULL;
		break;
	case CX_REF:
		if (f->n == 0)
			rc = cx_fail(s, "VALUE.REFERENCE without its path");
		break;
	case CX_P_HOST:
		pf = &s->paths[s->npaths - 1];
		free(pf->host);
		pf->host = xstrdup(cx_text(s));
		break;
	case CX_P_KV:
		rc = cx_keyvalue(s);
		break;
	case CX_P_KB:
		if (f->n == 0)
			rc = cx_fail(s, "KEYBINDING without NAME or value");
		break;
	default:
		break;
	}
	if (rc == 0 && s->npaths > 0 &&
	    s->paths[s->npaths - 1].depth == s->depth)
		rc = cx_path_done(s);
	s->depth--;
	return (rc);
}

static int
cx_chars(void *arg, const char *p, size_t len)
{
	struct cx_dec	*s = arg;

	switch (s->st[s->depth].role) {
	case CX_VALUE:
	case CX_P_KV:
	case CX_P_HOST:
		buf_add(&s->text, p, len);
		break;
	case CX_CAPTURE:
		if (s->cap_open)
			buf_add(&s->cap, ">", 1);
		s->cap_open = 0;
		cimxml_cap_escape(&s->cap, p, len, 0);
		break;
	default:
		break;
	}
	return (0);
}

static const struct xml_sax cx_handlers = { cx_start, cx_end, cx_chars };

/*
 * A pull reply's EndOfSequence and EnumerationContext (DSP0200 5.4.2):
 * both are required, and a sequence that goes on needs a context.
 */
static int
cx_pull_state(struct cx_dec *s)
{
	const char	*eos, *ctx;

	eos = s->pv_eos.nvals == 1 ? s->pv_eos.vals[0] : NULL;
	if (!s->seen_eos || eos == NULL)
		return (cx_fail(s, "%s reply without EndOfSequence", s->want));
	cimxml_trim((char *)eos);
	if (str_casecmp_ascii(eos, "TRUE") == 0)
		s->r->end_of_sequence = 1;
	else if (str_casecmp_ascii(eos, "FALSE") != 0)
		return (cx_fail(s, "EndOfSequence \"%.32s\" is not a boolean",
		    eos));
	/* an opaque handle, but OpenPegasus may wrap it in white space */
	if ((ctx = s->pv_ctx.nvals == 1 ? s->pv_ctx.vals[0] : NULL) != NULL)
		cimxml_trim((char *)ctx);
	if (!s->r->end_of_sequence && (ctx == NULL || *ctx == '\0'))
		return (cx_fail(s, "%s reply: more to come but no "
		    "EnumerationContext", s->want));
	if (ctx != NULL && *ctx != '\0')
		s->r->enum_context = xstrdup(ctx);
	return (0);
}

/* After the whole reply was read: what it lacks, or its ERROR. */
static int
cx_finish(struct cx_dec *s, const struct cimxml_reply *rep)
{
	if (!s->seen_simplersp)
		return (cx_fail(s, "reply is not a CIM-XML SIMPLERSP "
		    "message"));
	if (!s->seen_resp)
		return (cx_fail(s, "reply has no %s", s->rname));
	if (s->seen_error) {
		cx_cim_error(s->err, s->err_code, s->err_desc);
		return (-1);
	}
	if (cx_trailer_error(rep, s->err) == -1)
		return (-1);
	/*
	 * GetInstance and GetClass return one object: without IRETURNVALUE
	 * the reply is cut.  An enumeration without one is empty, as pywbem
	 * reads it (DSP0200 lets an empty array be omitted).  A
	 * METHODRESPONSE without RETURNVALUE, which the DTD allows, returns
	 * NULL, as pywbem reads it (its recorded SetAddress and GetAddress
	 * replies have none): a reply cut inside is already not XML.
	 */
	switch (s->req->op) {
	case WBEM_OP_GET:
		if (!s->seen_irv)
			return (cx_fail(s, "%s reply without IRETURNVALUE",
			    s->want));
		if (s->r->ninst != 1)
			return (cx_fail(s, "GetInstance reply with %zu "
			    "INSTANCEs in IRETURNVALUE, not one",
			    s->r->ninst));
		break;
	case WBEM_OP_GET_CLASS:
		if (!s->seen_irv)
			return (cx_fail(s, "%s reply without IRETURNVALUE",
			    s->want));
		if (s->r->class_xml == NULL)
			return (cx_fail(s, "GetClass reply without CLASS in "
			    "IRETURNVALUE"));
		break;
	case WBEM_OP_INVOKE:
	case WBEM_OP_GET_PROPERTY:
		/* GetProperty: no IRETURNVALUE is NULL (DSP0200 5.3.2.11) */
		if (!s->seen_ret)
			s->r->method.ret.is_null = 1;
		break;
	case WBEM_OP_CREATE:
		if (s->r->npaths != 1)
			return (cx_fail(s, "CreateInstance reply with %zu "
			    "INSTANCENAMEs, not one", s->r->npaths));
		break;
	case WBEM_OP_GET_QUALIFIER:
		if (s->r->nclasses != 1)
			return (cx_fail(s, "GetQualifier reply with %zu "
			    "QUALIFIER.DECLARATIONs, not one",
			    s->r->nclasses));
		break;
	default:
		break;
	}
	if (wbem_op_pull_of(s->req->op) != -1 && s->req->op != WBEM_OP_CLOSE)
		return (cx_pull_state(s));
	return (0);
}

struct wbem_result *
cimxml_decode_response(const struct wbem_request *req,
    const struct cimxml_reply *rep, struct wbem_error *err)
{
	struct cx_dec		 s;
	struct wbem_error	 e2;
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

	switch (req->op) {
	case WBEM_OP_ENUM_NAMES:
	case WBEM_OP_CLASS_NAMES:
	case WBEM_OP_ASSOCIATOR_NAMES:
	case WBEM_OP_REFERENCE_NAMES:
	case WBEM_OP_CREATE:
	case WBEM_OP_OPEN_ENUM_PATHS:
	case WBEM_OP_OPEN_ASSOCIATOR_PATHS:
	case WBEM_OP_OPEN_REFERENCE_PATHS:
	case WBEM_OP_PULL_PATHS:
		kind = WBEM_R_PATHS;
		break;
	case WBEM_OP_INVOKE:
	case WBEM_OP_GET_PROPERTY:
		kind = WBEM_R_METHOD;
		break;
	case WBEM_OP_CLASSES:
	case WBEM_OP_ENUM_QUALIFIERS:
	case WBEM_OP_GET_QUALIFIER:
		kind = WBEM_R_CLASSES;
		break;
	case WBEM_OP_MODIFY:
	case WBEM_OP_DELETE:
	case WBEM_OP_SET_PROPERTY:
	case WBEM_OP_CLOSE:
	case WBEM_OP_CREATE_CLASS:
	case WBEM_OP_MODIFY_CLASS:
	case WBEM_OP_DELETE_CLASS:
	case WBEM_OP_SET_QUALIFIER:
	case WBEM_OP_DELETE_QUALIFIER:
		kind = WBEM_R_NONE;
		break;
	case WBEM_OP_GET_CLASS:
		kind = WBEM_R_CLASS;
		break;
	default:
		kind = WBEM_R_INSTANCES;
		break;
	}
	memset(&s, 0, offsetof(struct cx_dec, st));
	memset(&s.st[0], 0, sizeof(s.st[0]));
	s.req = req;
	s.err = err;
	s.r = wbem_result_new(kind);
	s.want = req->op == WBEM_OP_INVOKE ? req->method :
	    wbem_op_name(req->op);
	s.rname = req->op == WBEM_OP_INVOKE ? "METHODRESPONSE" :
	    "IMETHODRESPONSE";
	s.ns = cx_request_ns(req);
	buf_init(&s.text, 0);
	buf_init(&s.pname, 0);
	buf_init(&s.cap, 0);

	rc = xml_sax_parse(rep->body, rep->body_len, rep->max_bytes,
	    XML_MAX_DEPTH_DEFAULT, &cx_handlers, &s, NULL, err);
	/* a chunked error may end a cut-short body: its status first */
	if (rc != 0 && rep->trailer_code != NULL &&
	    cx_trailer_error(rep, &e2) == -1)
		*err = e2;
	else if (rc == 0)
		rc = cx_finish(&s, rep);

	while (s.npaths > 0)
		cx_path_pop(&s);
	cim_instance_free(s.inst);
	cim_path_free(s.obj_path);
	cim_value_clear(&s.pv_eos);
	cim_value_clear(&s.pv_ctx);
	free(s.err_desc);
	buf_release(&s.text);
	buf_release(&s.pname);
	buf_release(&s.cap);
	if (rc != 0) {
		err->http_status = rep->status;
		wbem_result_free(s.r);
		return (NULL);
	}
	return (s.r);
}
