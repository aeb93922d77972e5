/*
 * class.c: cimhead's rendering of what the CIM-XML decoder keeps as XML
 * text -- CLASS and QUALIFIER.DECLARATION elements (GetClass,
 * EnumerateClasses, the qualifier operations) -- as MOF (DSP0004) and as
 * JSON, and of decoded instances as MOF.  The XML is parsed again here,
 * under xml_parse_safe's rules, since the library hands it on as text.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <libxml/tree.h>

#include "cimhead.h"
#include "cli.h"

static int	 class_is(const xmlNode *, const char *);
static const char *class_attr(const xmlNode *, const char *);

static int
class_is(const xmlNode *n, const char *name)
{
	return (n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0);
}

/* An attribute's value, or NULL; libxml2 owns it while the doc lives. */
static const char *
class_attr(const xmlNode *n, const char *name)
{
	const xmlAttr	*a;

	for (a = n->properties; a != NULL; a = a->next)
		if (strcmp((const char *)a->name, name) == 0 &&
		    a->children != NULL && a->children->content != NULL)
			return ((const char *)a->children->content);
	return (NULL);
}

/* The text of a VALUE element ("" when empty); caller frees. */
static char *
class_text(const xmlNode *n)
{
	xmlChar	*c = xmlNodeGetContent(n);
	char	*s = xstrdup(c != NULL ? (const char *)c : "");

	xmlFree(c);
	return (s);
}

static xmlDoc *
class_parse(const char *xml)
{
	struct wbem_error	err;

	if (xml == NULL)
		return (NULL);
	return (xml_parse_safe(xml, strlen(xml), 0, XML_MAX_DEPTH_DEFAULT,
	    &err));
}

/* A MOF literal of a scalar: strings quoted and escaped, others bare. */
static void
class_mof_literal(struct buf *b, const char *type, const char *v)
{
	enum cim_type	 t = CIM_T_STRING;
	const char	*p;

	if (type != NULL)
		(void)cim_type_parse(type, &t);
	if (t != CIM_T_STRING && t != CIM_T_DATETIME && t != CIM_T_CHAR16 &&
	    t != CIM_T_REFERENCE && t != CIM_T_NONE && t != CIM_T_OBJECT) {
		if (t == CIM_T_BOOLEAN)
			buf_puts(b, str_casecmp_ascii(v, "TRUE") == 0 ?
			    "true" : "false");
		else
			buf_puts(b, v);
		return;
	}
	buf_puts(b, t == CIM_T_CHAR16 ? "'" : "\"");
	for (p = v; *p != '\0'; p++) {
		switch (*p) {
		case '"': buf_puts(b, "\\\""); break;
		case '\'': buf_puts(b, "\\'"); break;
		case '\\': buf_puts(b, "\\\\"); break;
		case '\n': buf_puts(b, "\\n"); break;
		case '\t': buf_puts(b, "\\t"); break;
		case '\r': buf_puts(b, "\\r"); break;
		default: buf_add(b, p, 1); break;
		}
	}
	buf_puts(b, t == CIM_T_CHAR16 ? "'" : "\"");
}

/* The VALUE or VALUE.ARRAY under n as a MOF value; 0 when there is none. */
static int
class_mof_value(struct buf *b, const xmlNode *n, const char *type)
{
	const xmlNode	*c, *v;
	char		*s;
	int		 first = 1;

	for (c = n->children; c != NULL; c = c->next) {
		if (class_is(c, "VALUE")) {
			s = class_text(c);
			class_mof_literal(b, type, s);
			free(s);
			return (1);
		}
		if (class_is(c, "VALUE.ARRAY")) {
			buf_puts(b, "{");
			for (v = c->children; v != NULL; v = v->next) {
				if (!class_is(v, "VALUE") &&
				    !class_is(v, "VALUE.NULL"))
					continue;
				if (!first)
					buf_puts(b, ", ");
				first = 0;
				if (class_is(v, "VALUE.NULL")) {
					buf_puts(b, "NULL");
					continue;
				}
				s = class_text(v);
				class_mof_literal(b, type, s);
				free(s);
			}
			buf_puts(b, "}");
			return (1);
		}
	}
	return (0);
}

/* [Q1, Q2 ("x")] of the QUALIFIERs under n, indented; nothing if none. */
static void
class_mof_quals(struct buf *b, const xmlNode *n, const char *indent)
{
	const xmlNode	*c;
	const char	*type;
	struct buf	 v;
	int		 any = 0;

	for (c = n->children; c != NULL; c = c->next) {
		if (!class_is(c, "QUALIFIER"))
			continue;
		if (any)
			buf_puts(b, ", ");
		else
			buf_printf(b, "%s[", indent);
		any = 1;
		buf_puts(b, class_attr(c, "NAME") != NULL ?
		    class_attr(c, "NAME") : "");
		type = class_attr(c, "TYPE");
		buf_init(&v, 0);
		if (class_mof_value(&v, c, type) && v.data != NULL &&
		    strcmp(v.data, "true") != 0) {
			if (v.data[0] == '{')
				buf_printf(b, " %s", v.data);
			else
				buf_printf(b, " (%s)", v.data);
		}
		buf_release(&v);
	}
	if (any)
		buf_puts(b, "]\n");
}

/* "uint32 Name[]", "Class REF Name" of a PROPERTY* or PARAMETER* node. */
static void
class_mof_decl(struct buf *b, const xmlNode *n)
{
	const char	*name = class_attr(n, "NAME");
	const char	*type = class_attr(n, "TYPE");
	const char	*ref = class_attr(n, "REFERENCECLASS");
	const char	*en = (const char *)n->name;
	int		 isref = strstr(en, "REFERENCE") != NULL;
	int		 arr = strstr(en, "ARRAY") != NULL;

	if (name == NULL)
		name = "";
	if (class_attr(n, "EmbeddedInstance") != NULL)
		type = class_attr(n, "EmbeddedInstance");
	else if (class_attr(n, "EmbeddedObject") != NULL ||
	    class_attr(n, "EMBEDDEDOBJECT") != NULL)
		type = "object";
	if (isref)
		buf_printf(b, "%s REF %s", ref != NULL ? ref : "object", name);
	else
		buf_printf(b, "%s %s", type != NULL ? type : "string", name);
	if (arr) {
		buf_puts(b, "[");
		if (class_attr(n, "ARRAYSIZE") != NULL)
			buf_puts(b, class_attr(n, "ARRAYSIZE"));
		buf_puts(b, "]");
	}
}

static int
class_is_prop(const xmlNode *n)
{
	return (class_is(n, "PROPERTY") || class_is(n, "PROPERTY.ARRAY") ||
	    class_is(n, "PROPERTY.REFERENCE"));
}

static int
class_is_param(const xmlNode *n)
{
	return (class_is(n, "PARAMETER") ||
	    class_is(n, "PARAMETER.REFERENCE") ||
	    class_is(n, "PARAMETER.ARRAY") ||
	    class_is(n, "PARAMETER.REFARRAY"));
}

static void
class_mof_one(struct buf *b, const xmlNode *cls)
{
	const xmlNode	*c, *p;
	const char	*sup = class_attr(cls, "SUPERCLASS");
	int		 first;

	class_mof_quals(b, cls, "");
	buf_printf(b, "class %s", class_attr(cls, "NAME") != NULL ?
	    class_attr(cls, "NAME") : "");
	if (sup != NULL)
		buf_printf(b, " : %s", sup);
	buf_puts(b, "\n{\n");
	for (c = cls->children; c != NULL; c = c->next) {
		if (class_is_prop(c)) {
			class_mof_quals(b, c, "      ");
			buf_puts(b, "   ");
			class_mof_decl(b, c);
			if (!class_is(c, "PROPERTY.REFERENCE")) {
				struct buf	v;

				buf_init(&v, 0);
				if (class_mof_value(&v, c,
				    class_attr(c, "TYPE")) && v.data != NULL)
					buf_printf(b, " = %s", v.data);
				buf_release(&v);
			}
			buf_puts(b, ";\n\n");
		} else if (class_is(c, "METHOD")) {
			class_mof_quals(b, c, "      ");
			buf_printf(b, "   %s %s(",
			    class_attr(c, "TYPE") != NULL ?
			    class_attr(c, "TYPE") : "void",
			    class_attr(c, "NAME") != NULL ?
			    class_attr(c, "NAME") : "");
			first = 1;
			for (p = c->children; p != NULL; p = p->next) {
				if (!class_is_param(p))
					continue;
				buf_puts(b, first ? "\n" : ",\n");
				first = 0;
				class_mof_quals(b, p, "         ");
				buf_puts(b, "      ");
				class_mof_decl(b, p);
			}
			buf_puts(b, ");\n\n");
		}
	}
	if (b->len >= 2 && strcmp(b->data + b->len - 2, "\n\n") == 0)
		b->data[--b->len] = '\0';
	buf_puts(b, "};\n");
}

int
class_mof(struct buf *b, const char *xml)
{
	xmlDoc	*doc;
	xmlNode	*root;

	if ((doc = class_parse(xml)) == NULL)
		return (-1);
	root = xmlDocGetRootElement(doc);
	if (root != NULL && class_is(root, "CLASS"))
		class_mof_one(b, root);
	else if (root != NULL && class_is(root, "QUALIFIER.DECLARATION"))
		qualdecl_mof_node(b, root);
	xmlFreeDoc(doc);
	return (root != NULL ? 0 : -1);
}

/* Qualifier Key : boolean = false, Scope(property), Flavor(...); */
void
qualdecl_mof_node(struct buf *b, const void *node)
{
	static const char * const scopes[] = { "CLASS", "ASSOCIATION",
	    "REFERENCE", "PROPERTY", "METHOD", "PARAMETER", "INDICATION" };
	const xmlNode	*n = node, *c;
	const char	*type = class_attr(n, "TYPE"), *v;
	struct buf	 val;
	size_t		 i;
	int		 any = 0, arr;

	arr = (v = class_attr(n, "ISARRAY")) != NULL &&
	    str_casecmp_ascii(v, "true") == 0;
	buf_printf(b, "Qualifier %s : %s%s", class_attr(n, "NAME") != NULL ?
	    class_attr(n, "NAME") : "", type != NULL ? type : "string",
	    arr ? "[]" : "");
	buf_init(&val, 0);
	if (class_mof_value(&val, n, type) && val.data != NULL)
		buf_printf(b, " = %s", val.data);
	buf_release(&val);
	for (c = n->children; c != NULL; c = c->next) {
		if (!class_is(c, "SCOPE"))
			continue;
		buf_puts(b, ",\n    Scope(");
		for (i = 0; i < nitems(scopes); i++) {
			if ((v = class_attr(c, scopes[i])) == NULL ||
			    str_casecmp_ascii(v, "true") != 0)
				continue;
			if (any)
				buf_puts(b, ", ");
			any = 1;
			for (v = scopes[i]; *v != '\0'; v++)
				buf_printf(b, "%c", *v + ('a' - 'A'));
		}
		buf_puts(b, ")");
	}
	buf_puts(b, ",\n    Flavor(");
	v = class_attr(n, "OVERRIDABLE");
	buf_puts(b, v != NULL && str_casecmp_ascii(v, "false") == 0 ?
	    "DisableOverride" : "EnableOverride");
	v = class_attr(n, "TOSUBCLASS");
	buf_puts(b, v != NULL && str_casecmp_ascii(v, "false") == 0 ?
	    ", Restricted" : ", ToSubclass");
	v = class_attr(n, "TRANSLATABLE");
	if (v != NULL && str_casecmp_ascii(v, "true") == 0)
		buf_puts(b, ", Translatable");
	buf_puts(b, ");\n");
}

void
instance_mof(struct buf *b, const struct cim_instance *inst)
{
	const struct cim_value	*v;
	size_t			 i, j;
	const char		*tn;

	buf_printf(b, "instance of %s\n{\n", inst->classname);
	for (i = 0; i < inst->nprops; i++) {
		v = &inst->props[i].v;
		tn = cim_type_name(v->type);
		buf_printf(b, "   %s = ", inst->props[i].name);
		if (v->is_null || (!v->is_array && v->nvals == 0))
			buf_puts(b, "NULL");
		else if (v->is_array) {
			buf_puts(b, "{");
			for (j = 0; j < v->nvals; j++) {
				if (j > 0)
					buf_puts(b, ", ");
				if (v->vals[j] == NULL)
					buf_puts(b, "NULL");
				else
					class_mof_literal(b, tn, v->vals[j]);
			}
			buf_puts(b, "}");
		} else
			class_mof_literal(b, tn, v->vals[0]);
		buf_puts(b, ";\n");
	}
	buf_puts(b, "};\n");
}

/* ---- JSON ------------------------------------------------------------ */

/* A VALUE / VALUE.ARRAY under n as JSON: booleans as such, else text. */
static json_t *
class_json_value(const xmlNode *n, const char *type)
{
	const xmlNode	*c, *v;
	json_t		*a;
	char		*s;
	json_t		*j;
	int		 isbool = type != NULL && strcmp(type, "boolean") == 0;

	for (c = n->children; c != NULL; c = c->next) {
		if (class_is(c, "VALUE")) {
			s = class_text(c);
			if (isbool)
				j = json_boolean(str_casecmp_ascii(s,
				    "TRUE") == 0);
			else if ((j = json_string(s)) == NULL)
				j = json_string("(invalid UTF-8)");
			free(s);
			return (j);
		}
		if (class_is(c, "VALUE.ARRAY")) {
			a = json_array();
			for (v = c->children; v != NULL; v = v->next) {
				if (class_is(v, "VALUE.NULL"))
					json_array_append_new(a, json_null());
				if (!class_is(v, "VALUE"))
					continue;
				s = class_text(v);
				json_array_append_new(a, isbool ?
				    json_boolean(str_casecmp_ascii(s,
				    "TRUE") == 0) : json_string(s));
				free(s);
			}
			return (a);
		}
	}
	return (json_null());
}

static json_t *
class_json_quals(const xmlNode *n)
{
	const xmlNode	*c;
	json_t		*o = json_object();

	for (c = n->children; c != NULL; c = c->next)
		if (class_is(c, "QUALIFIER") && class_attr(c, "NAME") != NULL)
			json_object_set_new(o, class_attr(c, "NAME"),
			    class_json_value(c, class_attr(c, "TYPE")));
	return (o);
}

/* {"type", "array", "reference_class", "qualifiers", ...} of a feature. */
static json_t *
class_json_feature(const xmlNode *n)
{
	const char	*en = (const char *)n->name, *v;
	json_t		*o = json_object();
	int		 isref = strstr(en, "REFERENCE") != NULL ||
			    strstr(en, "REFARRAY") != NULL;

	json_object_set_new(o, "type", json_string(isref ? "reference" :
	    class_attr(n, "TYPE") != NULL ? class_attr(n, "TYPE") :
	    class_is(n, "METHOD") ? "void" : "string"));
	if (!class_is(n, "METHOD"))
		json_object_set_new(o, "array", json_boolean(strstr(en,
		    "ARRAY") != NULL));
	if ((v = class_attr(n, "REFERENCECLASS")) != NULL)
		json_object_set_new(o, "reference_class", json_string(v));
	if ((v = class_attr(n, "CLASSORIGIN")) != NULL)
		json_object_set_new(o, "class_origin", json_string(v));
	if ((v = class_attr(n, "PROPAGATED")) != NULL)
		json_object_set_new(o, "propagated",
		    json_boolean(str_casecmp_ascii(v, "true") == 0));
	json_object_set_new(o, "qualifiers", class_json_quals(n));
	if (class_is_prop(n) && !isref)
		json_object_set_new(o, "default", class_json_value(n,
		    class_attr(n, "TYPE")));
	return (o);
}

/*
 * A CLASS as {"name", "superclass", "qualifiers", "properties",
 * "methods"}; a QUALIFIER.DECLARATION as {"name", "type", "array",
 * "value", "scopes", "flavors"}; NULL when the XML does not parse.
 */
json_t *
class_json(const char *xml)
{
	xmlDoc		*doc;
	xmlNode		*root, *c, *p;
	json_t		*o, *props, *meths, *m, *params, *sc;
	const char	*v;
	const xmlAttr	*a;

	if ((doc = class_parse(xml)) == NULL)
		return (NULL);
	if ((root = xmlDocGetRootElement(doc)) == NULL) {
		xmlFreeDoc(doc);
		return (NULL);
	}
	o = json_object();
	json_object_set_new(o, "name", json_string(class_attr(root, "NAME") !=
	    NULL ? class_attr(root, "NAME") : ""));
	if (class_is(root, "QUALIFIER.DECLARATION")) {
		v = class_attr(root, "TYPE");
		json_object_set_new(o, "type", json_string(v != NULL ? v :
		    "string"));
		v = class_attr(root, "ISARRAY");
		json_object_set_new(o, "array", json_boolean(v != NULL &&
		    str_casecmp_ascii(v, "true") == 0));
		json_object_set_new(o, "value", class_json_value(root,
		    class_attr(root, "TYPE")));
		sc = json_array();
		for (c = root->children; c != NULL; c = c->next)
			for (a = class_is(c, "SCOPE") ? c->properties : NULL;
			    a != NULL; a = a->next)
				if (a->children != NULL &&
				    str_casecmp_ascii((const char *)
				    a->children->content, "true") == 0)
					json_array_append_new(sc, json_string(
					    (const char *)a->name));
		json_object_set_new(o, "scopes", sc);
		sc = json_object();
		for (a = root->properties; a != NULL; a = a->next)
			if (strcmp((const char *)a->name, "OVERRIDABLE") == 0 ||
			    strcmp((const char *)a->name, "TOSUBCLASS") == 0 ||
			    strcmp((const char *)a->name, "TRANSLATABLE") == 0)
				json_object_set_new(sc, (const char *)a->name,
				    json_boolean(a->children != NULL &&
				    str_casecmp_ascii((const char *)
				    a->children->content, "true") == 0));
		json_object_set_new(o, "flavors", sc);
		xmlFreeDoc(doc);
		return (o);
	}
	v = class_attr(root, "SUPERCLASS");
	json_object_set_new(o, "superclass", v != NULL ? json_string(v) :
	    json_null());
	json_object_set_new(o, "qualifiers", class_json_quals(root));
	props = json_object();
	meths = json_object();
	for (c = root->children; c != NULL; c = c->next) {
		if ((v = class_attr(c, "NAME")) == NULL)
			continue;
		if (class_is_prop(c))
			json_object_set_new(props, v, class_json_feature(c));
		else if (class_is(c, "METHOD")) {
			m = class_json_feature(c);
			params = json_object();
			for (p = c->children; p != NULL; p = p->next)
				if (class_is_param(p) &&
				    class_attr(p, "NAME") != NULL)
					json_object_set_new(params,
					    class_attr(p, "NAME"),
					    class_json_feature(p));
			json_object_set_new(m, "parameters", params);
			json_object_set_new(meths, v, m);
		}
	}
	json_object_set_new(o, "properties", props);
	json_object_set_new(o, "methods", meths);
	xmlFreeDoc(doc);
	return (o);
}

/* NAME and SUPERCLASS of a CLASS (allocated; super NULL when none). */
int
class_names(const char *xml, char **name, char **super)
{
	xmlDoc		*doc;
	xmlNode		*root;
	const char	*v;

	*name = *super = NULL;
	if ((doc = class_parse(xml)) == NULL)
		return (-1);
	if ((root = xmlDocGetRootElement(doc)) != NULL) {
		v = class_attr(root, "NAME");
		*name = xstrdup(v != NULL ? v : "");
		v = class_attr(root, "SUPERCLASS");
		*super = v != NULL ? xstrdup(v) : NULL;
	}
	xmlFreeDoc(doc);
	return (root != NULL ? 0 : -1);
}
