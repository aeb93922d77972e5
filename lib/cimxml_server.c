/*
 * cimxml_server.c: the server half of the CIM-XML codec, for cimmockd:
 * requests in, judged the way OpenPegasus 2.14 judges them, and replies
 * out byte-for-byte as it writes them.  It shares cimxml.c's walkers and
 * value readers (codec_int.h) and is built into libcimheadsrv.a, which the
 * mock and its tests link and the client and the daemon do not.  Pure, as
 * the client half is: no I/O, no clock, no state between calls.
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

#include "cimhead_server.h"
#include "codec_int.h"

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
	for (n = cimxml_first(pv); n != NULL; n = cimxml_next(n)) {
		m = cimxml_is(n, "VALUE.ARRAY") ? cimxml_first(n) : n;
		for (; m != NULL; m = (n != m) ? cimxml_next(m) : NULL) {
			if (!cimxml_is(m, "VALUE"))
				continue;
			text = cimxml_text(m);
			cimxml_trim(text);
			bad = cim_value_check(t, text) == -1;
			free(text);
			if (bad) {
				cx_refuse(err, 400, "request-not-valid",
				    "Semantic error: on line %ld: %s",
				    cimxml_end_line(m), cx_type_complaint(t));
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

	for (ip = cimxml_first(call); ip != NULL; ip = cimxml_next(ip)) {
		if (!cimxml_is(ip, "IPARAMVALUE"))
			continue;
		if ((name = cimxml_attr(ip, "NAME")) == NULL) {
			cx_refuse(err, 400, "request-not-valid",
			    "Validation error: on line %ld: missing NAME "
			    "attribute on IPARAMVALUE",
			    xmlGetLineNo((xmlNode *)ip));
			return (-1);
		}
		v = cimxml_first(ip);
		if (strcmp(name, "ClassName") == 0 &&
		    cimxml_is(v, "CLASSNAME")) {
			if ((cls = cimxml_attr(v, "NAME")) == NULL) {
				cx_refuse(err, 400, "request-not-valid",
				    "Validation error: on line %ld: missing "
				    "CLASSNAME.NAME attribute",
				    xmlGetLineNo((xmlNode *)v));
				return (-1);
			}
			if (!cimxml_name_ok(cls)) {
				cx_refuse(err, 400, "request-not-valid",
				    "Semantic error: on line %ld: Illegal "
				    "value for CLASSNAME.NAME attribute",
				    xmlGetLineNo((xmlNode *)v));
				return (-1);
			}
			free(c->class_store);
			c->class_store = xstrdup(cls);
		} else if (strcmp(name, "InstanceName") == 0 &&
		    cimxml_is(v, "INSTANCENAME")) {
			cim_path_free(c->path_store);
			if ((c->path_store = cimxml_instancename(v, c->ns_store,
			    CIMXML_TRIM_ALL, &e2)) == NULL) {
				cx_refuse(err, 400, "request-not-valid",
				    "Validation error: %s", e2.description);
				return (-1);
			}
		} else if ((strcmp(name, "Query") == 0 ||
		    strcmp(name, "QueryLanguage") == 0) &&
		    cimxml_is(v, "VALUE")) {
			text = cimxml_text(v);
			if (name[5] == '\0') {
				free(c->query_store);
				c->query_store = text;
			} else {
				free(c->lang_store);
				c->lang_store = text;
			}
		} else if (strcmp(name, "PropertyList") == 0 && v != NULL) {
			if (!cimxml_is(v, "VALUE.ARRAY"))
				goto bad;
			n = 0;
			for (m = cimxml_first(v); m != NULL; m = cimxml_next(m))
				n++;
			c->proplist_store = xcalloc(n + 1, sizeof(char *));
			n = 0;
			for (m = cimxml_first(v); m != NULL; m = cimxml_next(m))
				if (cimxml_is(m, "VALUE"))
					c->proplist_store[n++] = cimxml_text(m);
		} else if (strcmp(name, "DeepInheritance") == 0 ||
		    strcmp(name, "LocalOnly") == 0 ||
		    strcmp(name, "IncludeQualifiers") == 0 ||
		    strcmp(name, "IncludeClassOrigin") == 0) {
			if (!cimxml_is(v, "VALUE")) {
				cx_refuse(err, 400, "request-not-valid",
				    "Validation error: on line %ld: Expected "
				    "VALUE element", cimxml_end_line(ip));
				return (-1);
			}
			text = cimxml_text(v);
			cimxml_trim(text);
			if (cx_bool_text(text, &b) == -1) {
				free(text);
				cx_refuse(err, 400, "request-not-valid",
				    "Semantic error: on line %ld: Invalid "
				    "value for VALUE element: must be "
				    "\"TRUE\" or \"FALSE\"",
				    cimxml_end_line(v));
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

	for (pv = cimxml_first(call); pv != NULL; pv = cimxml_next(pv))
		if (cimxml_is(pv, "PARAMVALUE"))
			n++;
	c->param_store = xcalloc(n > 0 ? n : 1, sizeof(*c->param_store));
	for (pv = cimxml_first(call); pv != NULL; pv = cimxml_next(pv)) {
		if (!cimxml_is(pv, "PARAMVALUE"))
			continue;
		t = CIM_T_NONE;
		if ((name = cimxml_attr(pv, "NAME")) == NULL) {
			cx_refuse(err, 400, "request-not-valid",
			    "Validation error: on line %ld: Missing "
			    "PARAMVALUE.NAME attribute",
			    xmlGetLineNo((xmlNode *)pv));
			return (-1);
		}
		if ((ts = cimxml_attr(pv, "PARAMTYPE")) != NULL &&
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
		if (cimxml_embedded_attr(pv)) {
			p->v.embedded = 1;
			p->v.type = CIM_T_OBJECT;
		}
		if (cimxml_value_elem(pv, &p->v, &e2) == -1) {
			cx_refuse(err, 400, "request-not-valid",
			    "Validation error: on line %ld: %s",
			    xmlGetLineNo((xmlNode *)pv), e2.description);
			return (-1);
		}
	}
	c->req.params = c->param_store;
	return (0);
}

/* An INSTANCE element (NewInstance, ModifiedInstance) into the value model. */
static struct cim_instance *
cx_read_instance(const xmlNode *n, struct wbem_error *err)
{
	struct cim_instance	*ci;
	struct cim_property	*p;
	const xmlNode		*pe;
	const char		*name, *cls, *ts;
	enum cim_type		 t;

	if ((cls = cimxml_attr(n, "CLASSNAME")) == NULL ||
	    !cimxml_name_ok(cls)) {
		cx_refuse(err, 400, "request-not-valid", "Validation error: "
		    "on line %ld: missing INSTANCE.CLASSNAME attribute",
		    xmlGetLineNo((xmlNode *)n));
		return (NULL);
	}
	ci = cim_instance_new(cls);
	for (pe = cimxml_first(n); pe != NULL; pe = cimxml_next(pe)) {
		if (!cimxml_is(pe, "PROPERTY") &&
		    !cimxml_is(pe, "PROPERTY.ARRAY") &&
		    !cimxml_is(pe, "PROPERTY.REFERENCE"))
			continue;
		t = CIM_T_STRING;
		if (cimxml_is(pe, "PROPERTY.REFERENCE"))
			t = CIM_T_REFERENCE;
		else if ((ts = cimxml_attr(pe, "TYPE")) == NULL ||
		    cim_type_parse(ts, &t) == -1) {
			cx_refuse(err, 400, "request-not-valid", "Validation "
			    "error: on line %ld: bad TYPE attribute",
			    xmlGetLineNo((xmlNode *)pe));
			goto fail;
		}
		if ((name = cimxml_attr(pe, "NAME")) == NULL) {
			cx_refuse(err, 400, "request-not-valid", "Validation "
			    "error: on line %ld: missing NAME attribute",
			    xmlGetLineNo((xmlNode *)pe));
			goto fail;
		}
		p = cim_instance_add(ci, name, t, NULL);
		p->v.is_array = cimxml_is(pe, "PROPERTY.ARRAY");
		if (cx_param_check(pe, t, err) == -1)
			goto fail;
		if (cimxml_value_elem(pe, &p->v, err) == -1) {
			cx_refuse(err, 400, "request-not-valid", "Validation "
			    "error: on line %ld: bad property value",
			    xmlGetLineNo((xmlNode *)pe));
			goto fail;
		}
		p->v.is_null = p->v.nvals == 0 && !p->v.is_array;
	}
	return (ci);
fail:
	cim_instance_free(ci);
	return (NULL);
}

/*
 * A CLASS or QUALIFIER.DECLARATION (CreateClass, ModifyClass,
 * SetQualifier): its names, and the element as sent, for a repository
 * that keeps what it is given.
 */
static int
cx_read_object(const xmlNode *v, struct cimxml_iparam *p,
    struct wbem_error *err)
{
	xmlBufferPtr	 xb;
	const char	*name = cimxml_attr(v, "NAME");
	const char	*super = cimxml_attr(v, "SUPERCLASS");

	if (!cimxml_name_ok(name) || (super != NULL &&
	    !cimxml_name_ok(super))) {
		cx_refuse(err, 400, "request-not-valid", "Semantic error: "
		    "on line %ld: Illegal value for %s.NAME attribute",
		    xmlGetLineNo((xmlNode *)v), (const char *)v->name);
		return (-1);
	}
	p->kind = CIMXML_IP_OBJECT;
	p->is_class = cimxml_is(v, "CLASS");
	p->text = xstrdup(name);
	p->super = super != NULL ? xstrdup(super) : NULL;
	if ((xb = xmlBufferCreate()) == NULL)
		fatal("xmlBufferCreate: out of memory");
	if (xmlNodeDump(xb, v->doc, (xmlNode *)v, 0, 0) == -1) {
		xmlBufferFree(xb);
		fatal("xmlNodeDump: out of memory");
	}
	p->xml = xstrdup((const char *)xmlBufferContent(xb));
	xmlBufferFree(xb);
	return (0);
}

/* Keeps every IPARAMVALUE as sent (struct cimxml_iparam). */
static int
cx_decode_generic(const xmlNode *call, struct cimxml_call *c,
    struct wbem_error *err)
{
	const xmlNode		*ip, *v, *m;
	struct cimxml_iparam	*p;
	struct wbem_error	 e2;
	size_t			 n = 0;

	for (ip = cimxml_first(call); ip != NULL; ip = cimxml_next(ip))
		if (cimxml_is(ip, "IPARAMVALUE"))
			n++;
	c->iparams = xcalloc(n > 0 ? n : 1, sizeof(*c->iparams));
	for (ip = cimxml_first(call); ip != NULL; ip = cimxml_next(ip)) {
		if (!cimxml_is(ip, "IPARAMVALUE"))
			continue;
		p = &c->iparams[c->niparams++];
		p->name = xstrdup(cimxml_attr(ip, "NAME"));
		v = cimxml_first(ip);
		if (v == NULL || cimxml_is(v, "VALUE.NULL"))
			p->kind = CIMXML_IP_NULL;
		else if (cimxml_is(v, "VALUE")) {
			p->kind = CIMXML_IP_VALUE;
			p->text = cimxml_text(v);
		} else if (cimxml_is(v, "VALUE.ARRAY")) {
			p->kind = CIMXML_IP_ARRAY;
			n = 0;
			for (m = cimxml_first(v); m != NULL; m = cimxml_next(m))
				n++;
			p->array = xcalloc(n + 1, sizeof(char *));
			n = 0;
			for (m = cimxml_first(v); m != NULL; m = cimxml_next(m))
				if (cimxml_is(m, "VALUE"))
					p->array[n++] = cimxml_text(m);
		} else if (cimxml_is(v, "CLASSNAME")) {
			p->kind = CIMXML_IP_CLASSNAME;
			if (cimxml_attr(v, "NAME") == NULL ||
			    !cimxml_name_ok(cimxml_attr(v, "NAME"))) {
				cx_refuse(err, 400, "request-not-valid",
				    "Semantic error: on line %ld: Illegal "
				    "value for CLASSNAME.NAME attribute",
				    xmlGetLineNo((xmlNode *)v));
				return (-1);
			}
			p->text = xstrdup(cimxml_attr(v, "NAME"));
		} else if (cimxml_is(v, "INSTANCENAME")) {
			p->kind = CIMXML_IP_PATH;
			if ((p->path = cimxml_instancename(v, c->ns_store,
			    CIMXML_TRIM_ALL, &e2)) == NULL) {
				cx_refuse(err, 400, "request-not-valid",
				    "Validation error: %s", e2.description);
				return (-1);
			}
		} else if (cimxml_is(v, "INSTANCE") ||
		    cimxml_is(v, "VALUE.NAMEDINSTANCE")) {
			p->kind = CIMXML_IP_INSTANCE;
			m = cimxml_is(v, "INSTANCE") ? v :
			    cimxml_child(v, "INSTANCE");
			if (m == NULL || (p->inst = cx_read_instance(m,
			    err)) == NULL) {
				if (m == NULL)
					cx_refuse(err, 400, "request-not-valid",
					    "Validation error: on line %ld: "
					    "expected INSTANCE element",
					    xmlGetLineNo((xmlNode *)v));
				return (-1);
			}
			if ((m = cimxml_child(v, "INSTANCENAME")) != NULL &&
			    (p->inst->path = cimxml_instancename(m,
			    c->ns_store, CIMXML_TRIM_ALL, &e2)) == NULL) {
				cx_refuse(err, 400, "request-not-valid",
				    "Validation error: %s", e2.description);
				return (-1);
			}
		} else if (cimxml_is(v, "CLASS") ||
		    cimxml_is(v, "QUALIFIER.DECLARATION")) {
			if (cx_read_object(v, p, err) == -1)
				return (-1);
		} else {
			cx_refuse(err, 400, "request-not-valid",
			    "Validation error: on line %ld: unexpected %s "
			    "element", xmlGetLineNo((xmlNode *)v),
			    (const char *)v->name);
			return (-1);
		}
	}
	return (0);
}

const struct cimxml_iparam *
cimxml_iparam(const struct cimxml_call *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->niparams; i++)
		if (c->iparams[i].name != NULL &&
		    str_casecmp_ascii(c->iparams[i].name, name) == 0)
			return (&c->iparams[i]);
	return (NULL);
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
	if (!cimxml_is(root, "CIM")) {
		cx_refuse(err, 400, "request-not-valid", "Validation error: "
		    "on line %ld: expected CIM element",
		    xmlGetLineNo((xmlNode *)root));
		goto fail;
	}
	if ((a = cimxml_attr(root, "CIMVERSION")) == NULL ||
	    (c->cimversion = xstrdup(a), !cx_version_ok(a, '2'))) {
		cx_refuse(err, 501, "unsupported-cim-version",
		    "CIM version \"%s\" is not supported.", a ? a : "");
		goto fail;
	}
	if ((a = cimxml_attr(root, "DTDVERSION")) == NULL ||
	    (c->dtdversion = xstrdup(a), !cx_version_ok(a, '2'))) {
		cx_refuse(err, 501, "unsupported-dtd-version",
		    "DTD version \"%s\" is not supported.", a ? a : "");
		goto fail;
	}
	if ((msg = cimxml_child(root, "MESSAGE")) == NULL ||
	    (a = cimxml_attr(msg, "ID")) == NULL ||
	    (c->msgid = xstrdup(a), (a = cimxml_attr(msg, "PROTOCOLVERSION")) ==
	    NULL)) {
		cx_refuse(err, 400, "request-not-valid", "Validation error: "
		    "MESSAGE element with ID and PROTOCOLVERSION expected");
		goto fail;
	}
	c->protocol_version = xstrdup(a);
	if (cimxml_child(msg, "MULTIREQ") != NULL) {
		cx_refuse(err, 501, "multiple-requests-unsupported",
		    "Multiple requests are not supported.");
		goto fail;
	}
	if ((sreq = cimxml_child(msg, "SIMPLEREQ")) == NULL ||
	    ((call = cimxml_child(sreq, "IMETHODCALL")) == NULL &&
	    (call = cimxml_child(sreq, "METHODCALL")) == NULL) ||
	    (a = cimxml_attr(call, "NAME")) == NULL || *a == '\0') {
		cx_refuse(err, 400, "request-not-valid", "Validation error: "
		    "SIMPLEREQ with a named IMETHODCALL or METHODCALL "
		    "expected");
		goto fail;
	}
	c->method = xstrdup(a);
	c->intrinsic = cimxml_is(call, "IMETHODCALL");

	if (c->intrinsic) {
		if ((lnp = cimxml_child(call, "LOCALNAMESPACEPATH")) == NULL ||
		    (c->ns_store = cimxml_ns_of(lnp)) == NULL) {
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
		if (cx_decode_iparams(call, c, err) == -1 ||
		    cx_decode_generic(call, c, err) == -1)
			goto fail;
	} else {
		c->op_known = 1;
		c->req.op = WBEM_OP_INVOKE;
		if ((path = cimxml_child(call, "LOCALCLASSPATH")) == NULL &&
		    (path = cimxml_child(call, "LOCALINSTANCEPATH")) == NULL) {
			cx_refuse(err, 400, "request-not-valid",
			    "Validation error: on line %ld: expected "
			    "LOCALCLASSPATH or LOCALINSTANCEPATH element",
			    xmlGetLineNo((xmlNode *)call));
			goto fail;
		}
		if ((lnp = cimxml_child(path, "LOCALNAMESPACEPATH")) == NULL ||
		    (c->ns_store = cimxml_ns_of(lnp)) == NULL ||
		    ((cls = cimxml_child(path, "CLASSNAME")) == NULL &&
		    (cls = cimxml_child(path, "INSTANCENAME")) == NULL)) {
			cx_refuse(err, 400, "request-not-valid",
			    "Validation error: on line %ld: bad %s",
			    xmlGetLineNo((xmlNode *)path),
			    (const char *)path->name);
			goto fail;
		}
		if ((c->path_store = cimxml_instancename(cls, c->ns_store,
		    CIMXML_TRIM_ALL, &e2)) == NULL) {
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
	for (i = 0; i < c->niparams; i++) {
		free(c->iparams[i].name);
		free(c->iparams[i].text);
		if (c->iparams[i].array != NULL) {
			char	**a;

			for (a = c->iparams[i].array; *a != NULL; a++)
				free(*a);
			free(c->iparams[i].array);
		}
		cim_path_free(c->iparams[i].path);
		cim_instance_free(c->iparams[i].inst);
		free(c->iparams[i].super);
		free(c->iparams[i].xml);
	}
	free(c->iparams);
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
cimxml_encode_property(const struct cim_property *p, const char *refclass,
    const char *classorigin, int propagated, struct buf *b)
{
	const char	*el;

	if (p->v.type == CIM_T_REFERENCE && !p->v.is_array)
		el = "PROPERTY.REFERENCE";
	else
		el = p->v.is_array ? "PROPERTY.ARRAY" : "PROPERTY";
	buf_printf(b, "<%s NAME=\"", el);
	buf_xml_escape(b, p->name);
	buf_puts(b, "\" ");
	if (refclass != NULL && strcmp(el, "PROPERTY.REFERENCE") == 0) {
		buf_puts(b, " REFERENCECLASS=\"");
		buf_xml_escape(b, refclass);
		buf_puts(b, "\"");
	}
	if (classorigin != NULL) {
		buf_puts(b, " CLASSORIGIN=\"");
		buf_xml_escape(b, classorigin);
		buf_puts(b, "\"");
	}
	if (propagated)
		buf_puts(b, " PROPAGATED=\"true\"");
	if (p->v.type != CIM_T_REFERENCE || p->v.is_array)
		cx_rsp_type(b, "TYPE", &p->v);
	buf_puts(b, ">\n");
	cx_rsp_value(b, &p->v);
	return (buf_printf(b, "</%s>\n", el));
}

int
cimxml_encode_instance(const struct cim_instance *inst, struct buf *b)
{
	size_t	i;

	buf_puts(b, "<INSTANCE CLASSNAME=\"");
	buf_xml_escape(b, inst->classname);
	buf_puts(b, "\" >\n");
	for (i = 0; i < inst->nprops; i++)
		if (cimxml_encode_property(&inst->props[i], NULL, NULL, 0,
		    b) == -1)
			return (-1);
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

void
cimxml_encode_instancename(const struct cim_path *p, struct buf *b)
{
	cx_rsp_instancename(b, p, p->classname);
}

void
cimxml_encode_instancepath(const struct cim_path *p, const char *ns,
    struct buf *b)
{
	cx_rsp_instancepath(b, p, ns, p->classname);
}

void
cimxml_encode_value(const struct cim_value *v, struct buf *b)
{
	cx_rsp_value(b, v);
}

int
cimxml_encode_raw(const struct cimxml_call *c, const char *irv,
    const struct cim_property *out, size_t nout, struct buf *b)
{
	size_t	i;

	if (c->method == NULL)
		return (-1);
	cx_rsp_begin(c, b);
	if (irv != NULL) {
		buf_puts(b, "<IRETURNVALUE>\n");
		buf_puts(b, irv);
		buf_puts(b, "</IRETURNVALUE>\n");
	}
	for (i = 0; i < nout; i++) {
		buf_puts(b, "<PARAMVALUE NAME=\"");
		buf_xml_escape(b, out[i].name);
		buf_puts(b, "\"");
		cx_rsp_type(b, "PARAMTYPE", &out[i].v);
		buf_puts(b, ">\n");
		cx_rsp_value(b, &out[i].v);
		buf_puts(b, "</PARAMVALUE>\n");
	}
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
