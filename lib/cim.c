/*
 * cim.c: the protocol-neutral value model both codecs produce and consume
 * (instances, properties, paths, method results), the checks on literal
 * values, the DSP0200 status names and the operation names; the error
 * and result structs are result.c's.  Values are kept as the exact wire
 * text so that no number ever loses precision on its way through.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cimhead.h"
#include "codec_int.h"

static const char *cim_type_names[] = {
	[CIM_T_NONE] = "none",
	[CIM_T_STRING] = "string",
	[CIM_T_BOOLEAN] = "boolean",
	[CIM_T_CHAR16] = "char16",
	[CIM_T_UINT8] = "uint8",
	[CIM_T_SINT8] = "sint8",
	[CIM_T_UINT16] = "uint16",
	[CIM_T_SINT16] = "sint16",
	[CIM_T_UINT32] = "uint32",
	[CIM_T_SINT32] = "sint32",
	[CIM_T_UINT64] = "uint64",
	[CIM_T_SINT64] = "sint64",
	[CIM_T_REAL32] = "real32",
	[CIM_T_REAL64] = "real64",
	[CIM_T_DATETIME] = "datetime",
	[CIM_T_REFERENCE] = "reference",
	[CIM_T_OBJECT] = "object",
};

/* Largest magnitude of each integer type; signed minimum is max + 1. */
static const struct {
	enum cim_type	 type;
	uint64_t	 max;
} cim_int_ranges[] = {
	{ CIM_T_UINT8, UINT8_MAX },
	{ CIM_T_SINT8, INT8_MAX },
	{ CIM_T_UINT16, UINT16_MAX },
	{ CIM_T_SINT16, INT16_MAX },
	{ CIM_T_UINT32, UINT32_MAX },
	{ CIM_T_SINT32, INT32_MAX },
	{ CIM_T_UINT64, UINT64_MAX },
	{ CIM_T_SINT64, INT64_MAX },
};

static const char *cim_status_names[] = {
	[0] = "CIM_ERR_SUCCESS",
	[CIM_ERR_FAILED] = "CIM_ERR_FAILED",
	[CIM_ERR_ACCESS_DENIED] = "CIM_ERR_ACCESS_DENIED",
	[CIM_ERR_INVALID_NAMESPACE] = "CIM_ERR_INVALID_NAMESPACE",
	[CIM_ERR_INVALID_PARAMETER] = "CIM_ERR_INVALID_PARAMETER",
	[CIM_ERR_INVALID_CLASS] = "CIM_ERR_INVALID_CLASS",
	[CIM_ERR_NOT_FOUND] = "CIM_ERR_NOT_FOUND",
	[CIM_ERR_NOT_SUPPORTED] = "CIM_ERR_NOT_SUPPORTED",
	[CIM_ERR_CLASS_HAS_CHILDREN] = "CIM_ERR_CLASS_HAS_CHILDREN",
	[CIM_ERR_CLASS_HAS_INSTANCES] = "CIM_ERR_CLASS_HAS_INSTANCES",
	[CIM_ERR_INVALID_SUPERCLASS] = "CIM_ERR_INVALID_SUPERCLASS",
	[CIM_ERR_ALREADY_EXISTS] = "CIM_ERR_ALREADY_EXISTS",
	[CIM_ERR_NO_SUCH_PROPERTY] = "CIM_ERR_NO_SUCH_PROPERTY",
	[CIM_ERR_TYPE_MISMATCH] = "CIM_ERR_TYPE_MISMATCH",
	[CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED] =
	    "CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED",
	[CIM_ERR_INVALID_QUERY] = "CIM_ERR_INVALID_QUERY",
	[CIM_ERR_METHOD_NOT_AVAILABLE] = "CIM_ERR_METHOD_NOT_AVAILABLE",
	[CIM_ERR_METHOD_NOT_FOUND] = "CIM_ERR_METHOD_NOT_FOUND",
	/*
	 * DSP0200 1.3/1.4 (table 3): 18 and 19 are the asynchronous
	 * operations', then pulled enumerations and server limits from 20.
	 * OpenPegasus sends 21 with "CIM_ERR_INVALID_ENUMERATION_CONTEXT",
	 * as pywbem's recordings show, and cimmockd numbers them so too.
	 */
	[18] = "CIM_ERR_UNEXPECTED_RESPONSE",
	[19] = "CIM_ERR_INVALID_RESPONSE_DESTINATION",
	[20] = "CIM_ERR_NAMESPACE_NOT_EMPTY",
	[21] = "CIM_ERR_INVALID_ENUMERATION_CONTEXT",
	[22] = "CIM_ERR_INVALID_OPERATION_TIMEOUT",
	[23] = "CIM_ERR_PULL_HAS_BEEN_ABANDONED",
	[24] = "CIM_ERR_PULL_CANNOT_BE_ABANDONED",
	[25] = "CIM_ERR_FILTERED_ENUMERATION_NOT_SUPPORTED",
	[26] = "CIM_ERR_CONTINUATION_ON_ERROR_NOT_SUPPORTED",
	[27] = "CIM_ERR_SERVER_LIMITS_EXCEEDED",
	[28] = "CIM_ERR_SERVER_IS_SHUTTING_DOWN",
};

static const char *wbem_op_names[] = {
	[WBEM_OP_ENUM] = "EnumerateInstances",
	[WBEM_OP_ENUM_NAMES] = "EnumerateInstanceNames",
	[WBEM_OP_GET] = "GetInstance",
	[WBEM_OP_QUERY] = "ExecQuery",
	[WBEM_OP_INVOKE] = "InvokeMethod",
	[WBEM_OP_GET_CLASS] = "GetClass",
	[WBEM_OP_CLASSES] = "EnumerateClasses",
	[WBEM_OP_CLASS_NAMES] = "EnumerateClassNames",
	[WBEM_OP_ASSOCIATORS] = "Associators",
	[WBEM_OP_ASSOCIATOR_NAMES] = "AssociatorNames",
	[WBEM_OP_REFERENCES] = "References",
	[WBEM_OP_REFERENCE_NAMES] = "ReferenceNames",
	[WBEM_OP_CREATE] = "CreateInstance",
	[WBEM_OP_MODIFY] = "ModifyInstance",
	[WBEM_OP_DELETE] = "DeleteInstance",
	[WBEM_OP_GET_PROPERTY] = "GetProperty",
	[WBEM_OP_SET_PROPERTY] = "SetProperty",
	[WBEM_OP_ENUM_QUALIFIERS] = "EnumerateQualifiers",
	[WBEM_OP_GET_QUALIFIER] = "GetQualifier",
	[WBEM_OP_OPEN_ENUM] = "OpenEnumerateInstances",
	[WBEM_OP_OPEN_ENUM_PATHS] = "OpenEnumerateInstancePaths",
	[WBEM_OP_OPEN_QUERY] = "OpenQueryInstances",
	[WBEM_OP_OPEN_ASSOCIATORS] = "OpenAssociatorInstances",
	[WBEM_OP_OPEN_ASSOCIATOR_PATHS] = "OpenAssociatorInstancePaths",
	[WBEM_OP_OPEN_REFERENCES] = "OpenReferenceInstances",
	[WBEM_OP_OPEN_REFERENCE_PATHS] = "OpenReferenceInstancePaths",
	[WBEM_OP_PULL] = "PullInstancesWithPath",
	[WBEM_OP_PULL_PATHS] = "PullInstancePaths",
	[WBEM_OP_PULL_INSTANCES] = "PullInstances",
	[WBEM_OP_CLOSE] = "CloseEnumeration",
	[WBEM_OP_CREATE_CLASS] = "CreateClass",
	[WBEM_OP_MODIFY_CLASS] = "ModifyClass",
	[WBEM_OP_DELETE_CLASS] = "DeleteClass",
	[WBEM_OP_SET_QUALIFIER] = "SetQualifier",
	[WBEM_OP_DELETE_QUALIFIER] = "DeleteQualifier",
};

static int	cim_int_parse(const char *, uint64_t *, int *);
static int	cim_check_char16(const char *);
static int	cim_check_datetime(const char *);
static void	cim_keybinding_clear(struct cim_keybinding *);
static int	cim_path_parse_keys(const char *, struct cim_path *);

const char *
cim_type_name(enum cim_type t)
{
	if ((size_t)t >= nitems(cim_type_names) || cim_type_names[t] == NULL)
		return ("none");
	return (cim_type_names[t]);
}

int
cim_type_parse(const char *s, enum cim_type *t)
{
	size_t	i;
	int	c;

	if (s == NULL)
		return (-1);
	/* the first letter, lowered, rules out all but one or two names */
	c = s[0] >= 'A' && s[0] <= 'Z' ? s[0] - 'A' + 'a' : s[0];
	for (i = 1; i < nitems(cim_type_names); i++) {
		if (cim_type_names[i] != NULL && cim_type_names[i][0] == c &&
		    str_casecmp_ascii(s, cim_type_names[i]) == 0) {
			*t = (enum cim_type)i;
			return (0);
		}
	}
	/* PARAMTYPE="instance" is an embedded instance: kept as text too. */
	if (str_casecmp_ascii(s, "instance") == 0) {
		*t = CIM_T_OBJECT;
		return (0);
	}
	return (-1);
}

int
cim_type_is_integer(enum cim_type t)
{
	return (t >= CIM_T_UINT8 && t <= CIM_T_SINT64);
}

int
cim_type_is_signed(enum cim_type t)
{
	return (t == CIM_T_SINT8 || t == CIM_T_SINT16 || t == CIM_T_SINT32 ||
	    t == CIM_T_SINT64 || t == CIM_T_REAL32 || t == CIM_T_REAL64);
}

int
cim_type_is_real(enum cim_type t)
{
	return (t == CIM_T_REAL32 || t == CIM_T_REAL64);
}

/*
 * An integer literal as DSP0201 allows it: optional sign, then decimal
 * digits or 0x hex digits, nothing else.  The magnitude goes through
 * strtoull so that all 64 bits survive.
 */
static int
cim_int_parse(const char *s, uint64_t *mag, int *neg)
{
	unsigned long long	 v;
	char			*end;

	*neg = 0;
	if (*s == '+' || *s == '-') {
		*neg = (*s == '-');
		s++;
	}
	/* decimal, by hand: every numeric property of a reply comes here */
	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return (parse_u64(s, mag));
	s += 2;
	if (!isxdigit((unsigned char)*s))
		return (-1);
	errno = 0;
	v = strtoull(s, &end, 16);
	if (errno != 0 || *end != '\0')
		return (-1);
	*mag = (uint64_t)v;
	return (0);
}

/* Exactly one UTF-8 encoded character of the BMP (char16 is UCS-2). */
static int
cim_check_char16(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 n, i;

	if (p[0] == '\0')
		return (-1);
	if (p[0] < 0x80)
		n = 1;
	else if ((p[0] & 0xe0) == 0xc0 && p[0] >= 0xc2)
		n = 2;
	else if ((p[0] & 0xf0) == 0xe0)
		n = 3;
	else
		return (-1);
	for (i = 1; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return (-1);
	return (p[n] == '\0' ? 0 : -1);
}

/*
 * yyyymmddhhmmss.mmmmmmsutc (sign + or -) or the interval form
 * ddddddddhhmmss.mmmmmm:000; '*' stands for an unknown digit.
 */
static int
cim_check_datetime(const char *s)
{
	size_t	i;

	if (strlen(s) != 25 || s[14] != '.')
		return (-1);
	for (i = 0; i < 21; i++) {
		if (i == 14)
			continue;
		if (!isdigit((unsigned char)s[i]) && s[i] != '*')
			return (-1);
	}
	if (s[21] == ':')
		return (strcmp(s + 22, "000") == 0 ? 0 : -1);
	if (s[21] != '+' && s[21] != '-')
		return (-1);
	for (i = 22; i < 25; i++)
		if (!isdigit((unsigned char)s[i]))
			return (-1);
	return (0);
}

int
cim_value_check(enum cim_type t, const char *text)
{
	uint64_t	 mag;
	size_t		 i;
	int		 neg;
	char		*end;

	if (text == NULL)
		return (-1);
	switch (t) {
	case CIM_T_NONE:
	case CIM_T_STRING:
	case CIM_T_OBJECT:
		return (0);
	case CIM_T_BOOLEAN:
		return (str_casecmp_ascii(text, "TRUE") == 0 ||
		    str_casecmp_ascii(text, "FALSE") == 0 ? 0 : -1);
	case CIM_T_CHAR16:
		return (cim_check_char16(text));
	case CIM_T_REAL32:
	case CIM_T_REAL64:
		/*
		 * Decimal reals, plus the XML Schema special values that
		 * DSP0201 reals may carry (INF, -INF, NaN, exactly so);
		 * no hex floats, no lower-case inf/nan.
		 */
		if (strcmp(text, "INF") == 0 || strcmp(text, "-INF") == 0 ||
		    strcmp(text, "NaN") == 0)
			return (0);
		if (*text == '\0' || strspn(text, "0123456789+-.eE") !=
		    strlen(text))
			return (-1);
		errno = 0;
		(void)strtod(text, &end);
		return (*end == '\0' && errno != ERANGE ? 0 : -1);
	case CIM_T_DATETIME:
		return (cim_check_datetime(text));
	case CIM_T_REFERENCE:
		return (*text != '\0' ? 0 : -1);
	default:
		break;
	}
	if (cim_int_parse(text, &mag, &neg) == -1)
		return (-1);
	for (i = 0; i < nitems(cim_int_ranges); i++) {
		if (cim_int_ranges[i].type != t)
			continue;
		if (neg && mag == 0)
			return (0);
		if (!cim_type_is_signed(t))
			return (neg || mag > cim_int_ranges[i].max ? -1 : 0);
		if (neg)
			return (mag - 1 > cim_int_ranges[i].max ? -1 : 0);
		return (mag > cim_int_ranges[i].max ? -1 : 0);
	}
	return (-1);
}

void
cim_value_init(struct cim_value *v, enum cim_type t)
{
	memset(v, 0, sizeof(*v));
	v->type = t;
	v->is_null = 1;
}

/*
 * Packed properties.  A reply of 12,000 items of 17 properties made three
 * allocations per property (name, vals, text) and freed them again, a
 * third of a WS-Man decode's time; a decoder may instead make one block:
 *
 *	[char *vals[1]] [name NUL] [text NUL]	packed = CIM_PACKED
 *
 * p->name and vals[0] point into it, and freeing vals frees all.  Should
 * the value change (cim_value_add), its members move out to allocations
 * of their own and the block stays for the name alone (CIM_PACKED_NAME),
 * to be freed with the property, from the name; that state survives
 * cim_value_clear for the same reason.
 */
#define CIM_PACKED	1
#define CIM_PACKED_NAME	2

/* p's name and one member, text, in one block; p->name is not freed. */
static void
cim_pack(struct cim_property *p, const char *name, const char *text)
{
	size_t	 nl = strlen(name) + 1, tl = strlen(text) + 1;
	char	**blk;

	blk = xmalloc(sizeof(*blk) + nl + tl);
	memcpy(blk + 1, name, nl);
	blk[0] = (char *)(blk + 1) + nl;
	memcpy(blk[0], text, tl);
	p->name = (char *)(blk + 1);
	p->v.vals = blk;
	p->v.nvals = 1;
	p->v.is_null = 0;
	p->v.packed = CIM_PACKED;
}

struct cim_property *
cim_instance_add_packed(struct cim_instance *inst, const char *name,
    enum cim_type t, const char *text)
{
	struct cim_property	*p;

	p = cim_instance_add(inst, NULL, t, NULL);
	cim_pack(p, name, text);
	return (p);
}

/*
 * A property added without its name (the CIM-XML decoder reads the text
 * after the name) gets it with its first member: packed together when
 * that is a scalar's one text, else a copy of the name and a member as
 * cim_value_add adds it.
 */
void
cim_property_add_packed(struct cim_property *p, const char *name,
    const char *text)
{
	if (p->name != NULL || p->v.packed != 0 || p->v.nvals != 0 ||
	    p->v.is_array || text == NULL) {
		if (p->name == NULL)
			p->name = xstrdup(name);
		cim_value_add(&p->v, text);
		return;
	}
	free(p->v.vals);
	cim_pack(p, name, text);
}

/* Name and members in allocations of their own again. */
void
cim_property_unpack(struct cim_property *p)
{
	char	**blk;

	if (p->v.packed == 0)
		return;
	blk = (char **)(void *)p->name - 1;
	p->name = xstrdup(p->name);
	if (p->v.packed == CIM_PACKED) {
		p->v.vals = xmalloc(sizeof(*p->v.vals));
		p->v.vals[0] = xstrdup(blk[0]);
	}
	p->v.packed = 0;
	free(blk);
}

/* Appends one member; NULL text is a NULL array member (VALUE.NULL). */
void
cim_value_add(struct cim_value *v, const char *text)
{
	size_t	i;
	char	**own;

	if (v->packed == CIM_PACKED) {
		/* the block stays, for the name */
		own = xreallocarray(NULL, v->nvals, sizeof(*own));
		for (i = 0; i < v->nvals; i++)
			own[i] = v->vals[i] != NULL ? xstrdup(v->vals[i]) : NULL;
		v->vals = own;
		v->packed = CIM_PACKED_NAME;
	}
	v->vals = xreallocarray(v->vals, v->nvals + 1, sizeof(*v->vals));
	v->vals[v->nvals++] = text != NULL ? xstrdup(text) : NULL;
	v->is_null = 0;
}

void
cim_value_clear(struct cim_value *v)
{
	size_t	i;
	int	packed;

	if (v == NULL)
		return;
	packed = v->packed;
	if (packed != CIM_PACKED)
		for (i = 0; i < v->nvals; i++)
			free(v->vals[i]);
	/* CIM_PACKED: the block, and a property's name with it */
	free(v->vals);
	cim_value_init(v, v->type);
	if (packed == CIM_PACKED_NAME)
		v->packed = packed;
}

void
cim_value_copy(struct cim_value *dst, const struct cim_value *src)
{
	size_t	i;

	cim_value_init(dst, src->type);
	dst->is_array = src->is_array;
	dst->embedded = src->embedded;
	for (i = 0; i < src->nvals; i++)
		cim_value_add(dst, src->vals[i]);
	dst->is_null = src->is_null;
}

void
cim_property_clear(struct cim_property *p)
{
	if (p == NULL)
		return;
	if (p->v.packed == 0)
		free(p->name);
	else if (p->v.packed == CIM_PACKED_NAME)
		free((char **)(void *)p->name - 1);	/* the block */
	p->name = NULL;
	p->v.packed = p->v.packed == CIM_PACKED ? CIM_PACKED : 0;
	cim_value_clear(&p->v);
	p->v.packed = 0;
}

void
cim_method_result_clear(struct cim_method_result *m)
{
	size_t	i;

	if (m == NULL)
		return;
	cim_value_clear(&m->ret);
	for (i = 0; i < m->nout; i++)
		cim_property_clear(&m->out[i]);
	free(m->out);
	m->out = NULL;
	m->nout = 0;
}

struct cim_instance *
cim_instance_new(const char *classname)
{
	struct cim_instance	*inst;
	size_t			 n;

	/* the class name in the instance's own allocation: one per item */
	if (classname == NULL)
		classname = "";
	n = strlen(classname) + 1;
	inst = xmalloc(sizeof(*inst) + n);
	memset(inst, 0, sizeof(*inst));
	inst->classname = (char *)(inst + 1);
	memcpy(inst->classname, classname, n);
	return (inst);
}

void
cim_instance_free(struct cim_instance *inst)
{
	size_t	i;

	if (inst == NULL)
		return;
	for (i = 0; i < inst->nprops; i++)
		cim_property_clear(&inst->props[i]);
	free(inst->props);
	cim_path_free(inst->path);
	free(inst);		/* and the class name in it */
}

/* The pointer stays valid until the next add to the same instance. */
struct cim_property *
cim_instance_add(struct cim_instance *inst, const char *name,
    enum cim_type t, const char *text)
{
	struct cim_property	*p;

	/*
	 * Room doubles at 4, 8, 16 ...: the decoders add properties one by
	 * one, and a reallocation each was a tenth of a decode.  Only this
	 * function grows props, so the room is known from nprops alone.
	 */
	if (inst->nprops == 0 || (inst->nprops >= 4 &&
	    (inst->nprops & (inst->nprops - 1)) == 0))
		inst->props = xreallocarray(inst->props,
		    inst->nprops == 0 ? 4 : inst->nprops * 2,
		    sizeof(*inst->props));
	p = &inst->props[inst->nprops++];
	p->name = name != NULL ? xstrdup(name) : NULL;
	cim_value_init(&p->v, t);
	if (text != NULL)
		cim_value_add(&p->v, text);
	return (p);
}

/* Case-insensitive: CIM names are, and WinRM spells them differently. */
const struct cim_property *
cim_instance_get(const struct cim_instance *inst, const char *name)
{
	size_t	i;

	if (inst == NULL || name == NULL)
		return (NULL);
	/* first bytes with the case bit set agree whenever the names do */
	for (i = 0; i < inst->nprops; i++)
		if ((inst->props[i].name[0] | 0x20) == (name[0] | 0x20) &&
		    str_casecmp_ascii(inst->props[i].name, name) == 0)
			return (&inst->props[i]);
	return (NULL);
}

const char *
cim_instance_text(const struct cim_instance *inst, const char *name)
{
	const struct cim_property	*p;

	if ((p = cim_instance_get(inst, name)) == NULL || p->v.is_null ||
	    p->v.is_array || p->v.nvals == 0)
		return (NULL);
	return (p->v.vals[0]);
}

struct cim_path *
cim_path_new(const char *ns, const char *classname)
{
	struct cim_path	*p;

	p = xcalloc(1, sizeof(*p));
	p->ns = ns != NULL ? xstrdup(ns) : NULL;
	p->classname = xstrdup(classname != NULL ? classname : "");
	return (p);
}

struct cim_path *
cim_path_dup(const struct cim_path *src)
{
	struct cim_path	*p;
	size_t		 i;

	if (src == NULL)
		return (NULL);
	p = cim_path_new(src->ns, src->classname);
	p->host = src->host != NULL ? xstrdup(src->host) : NULL;
	for (i = 0; i < src->nkeys; i++)
		cim_path_add_key(p, src->keys[i].name, src->keys[i].type,
		    src->keys[i].value);
	return (p);
}

static void
cim_keybinding_clear(struct cim_keybinding *k)
{
	free(k->name);		/* and the value with it */
	k->name = k->value = NULL;
}

void
cim_path_free(struct cim_path *p)
{
	size_t	i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nkeys; i++)
		cim_keybinding_clear(&p->keys[i]);
	free(p->keys);
	free(p->host);
	free(p->ns);
	free(p->classname);
	free(p);
}

void
cim_path_add_key(struct cim_path *p, const char *name, enum cim_type t,
    const char *value)
{
	struct cim_keybinding	*k;
	size_t			 nl, vl;

	p->keys = xreallocarray(p->keys, p->nkeys + 1, sizeof(*p->keys));
	k = &p->keys[p->nkeys++];
	/* name and value in one allocation, the name's */
	if (value == NULL)
		value = "";
	nl = strlen(name) + 1;
	vl = strlen(value) + 1;
	k->name = xmalloc(nl + vl);
	memcpy(k->name, name, nl);
	k->value = k->name + nl;
	memcpy(k->value, value, vl);
	k->type = t == CIM_T_NONE ? CIM_T_STRING : t;
}

/* What type an unquoted key value has: boolean, numeric or (else) string. */
enum cim_type
cim_key_type_guess(const char *v)
{
	uint64_t	 mag;
	int		 neg;

	if (str_casecmp_ascii(v, "TRUE") == 0 ||
	    str_casecmp_ascii(v, "FALSE") == 0)
		return (CIM_T_BOOLEAN);
	if (cim_int_parse(v, &mag, &neg) == 0)
		return (neg ? CIM_T_SINT64 : CIM_T_UINT64);
	if (*v != '\0' && (isdigit((unsigned char)*v) || *v == '-' ||
	    *v == '+' || *v == '.') && cim_value_check(CIM_T_REAL64, v) == 0)
		return (CIM_T_REAL64);
	return (CIM_T_STRING);
}

/* k="v",k2=3 ... after the class name's dot. */
static int
cim_path_parse_keys(const char *s, struct cim_path *path)
{
	struct buf	 name, val;
	const char	*p = s;
	enum cim_type	 t;
	int		 rc = -1;

	buf_init(&name, 0);
	buf_init(&val, 0);
	for (;;) {
		buf_reset(&name);
		buf_reset(&val);
		while (*p != '\0' && *p != '=' && *p != ',' && *p != '"')
			buf_add(&name, p++, 1);
		if (*p != '=' || name.len == 0)
			goto out;
		p++;
		if (*p == '"') {
			for (p++; *p != '"'; p++) {
				if (*p == '\0')
					goto out;
				if (*p == '\\' && p[1] != '\0')
					p++;
				buf_add(&val, p, 1);
			}
			p++;
			t = CIM_T_STRING;
			if (*p != '\0' && *p != ',')
				goto out;
		} else {
			while (*p != '\0' && *p != ',')
				buf_add(&val, p++, 1);
			if (val.len == 0)
				goto out;
			t = cim_key_type_guess(val.data);
		}
		cim_path_add_key(path, name.data, t, val.data != NULL ?
		    val.data : "");
		if (*p == '\0')
			break;
		p++;	/* ',' */
	}
	rc = 0;
out:
	buf_release(&name);
	buf_release(&val);
	return (rc);
}

/*
 * Parses [//host/][namespace:]Class[.key=value,...] into path, which must
 * come from cim_path_new: the class name is replaced, keys are appended,
 * host and namespace are replaced only when the text has them.  Quoted
 * values are strings (backslash escapes the next character); unquoted ones
 * are booleans, numbers or, failing both, strings.
 */
int
cim_path_parse(const char *s, struct cim_path *path)
{
	const char	*p = s, *colon, *dot, *slash;
	char		*cls;
	size_t		 i;

	if (s == NULL || path == NULL)
		return (-1);
	if (p[0] == '/' && p[1] == '/') {
		p += 2;
		if ((slash = strchr(p, '/')) == NULL || slash == p)
			return (-1);
		free(path->host);
		path->host = xstrndup(p, (size_t)(slash - p));
		p = slash + 1;
	}
	/* a namespace never holds '.', '=' or '"'; a class name never ':' */
	colon = strchr(p, ':');
	dot = strpbrk(p, ".=\"");
	if (colon != NULL && (dot == NULL || colon < dot)) {
		if (colon == p)
			return (-1);
		free(path->ns);
		path->ns = xstrndup(p, (size_t)(colon - p));
		p = colon + 1;
	}
	dot = strchr(p, '.');
	cls = dot != NULL ? xstrndup(p, (size_t)(dot - p)) : xstrdup(p);
	for (i = 0; cls[i] != '\0'; i++) {
		if (!isalnum((unsigned char)cls[i]) && cls[i] != '_') {
			free(cls);
			return (-1);
		}
	}
	if (cls[0] == '\0') {
		free(cls);
		return (-1);
	}
	free(path->classname);
	path->classname = cls;
	if (dot == NULL)
		return (0);
	return (cim_path_parse_keys(dot + 1, path));
}

/*
 * The text form of a path, as wbemcli prints and cim_path_parse reads it:
 * //host/ns:Class.k="v",n=1 (host and namespace only when known).
 */
int
cim_path_format(const struct cim_path *path, struct buf *b)
{
	const char	*v;
	size_t		 i;
	int		 rc = 0;

	if (path->host != NULL && path->ns != NULL)
		rc |= buf_printf(b, "//%s/", path->host);
	if (path->ns != NULL)
		rc |= buf_printf(b, "%s:", path->ns);
	rc |= buf_puts(b, path->classname);
	for (i = 0; i < path->nkeys; i++) {
		rc |= buf_printf(b, "%s%s=", i == 0 ? "." : ",",
		    path->keys[i].name);
		/* numbers and booleans bare; strings, references ... quoted */
		if (path->keys[i].type == CIM_T_BOOLEAN ||
		    cim_type_is_integer(path->keys[i].type) ||
		    cim_type_is_real(path->keys[i].type)) {
			rc |= buf_puts(b, path->keys[i].value);
			continue;
		}
		rc |= buf_puts(b, "\"");
		for (v = path->keys[i].value; *v != '\0'; v++) {
			if (*v == '"' || *v == '\\')
				rc |= buf_puts(b, "\\");
			rc |= buf_add(b, v, 1);
		}
		rc |= buf_puts(b, "\"");
	}
	return (rc == 0 ? 0 : -1);
}

const char *
cim_status_name(int code)
{
	if (code < 0 || (size_t)code >= nitems(cim_status_names) ||
	    cim_status_names[code] == NULL)
		return ("CIM_ERR_UNKNOWN");
	return (cim_status_names[code]);
}

const char *
wbem_op_name(enum wbem_op op)
{
	if ((size_t)op >= nitems(wbem_op_names))
		return ("Unknown");
	return (wbem_op_names[op]);
}

int
wbem_op_pull_of(enum wbem_op op)
{
	switch (op) {
	case WBEM_OP_OPEN_ENUM:
	case WBEM_OP_OPEN_ASSOCIATORS:
	case WBEM_OP_OPEN_REFERENCES:
	case WBEM_OP_PULL:
		return (WBEM_OP_PULL);
	case WBEM_OP_OPEN_ENUM_PATHS:
	case WBEM_OP_OPEN_ASSOCIATOR_PATHS:
	case WBEM_OP_OPEN_REFERENCE_PATHS:
	case WBEM_OP_PULL_PATHS:
		return (WBEM_OP_PULL_PATHS);
	case WBEM_OP_OPEN_QUERY:
	case WBEM_OP_PULL_INSTANCES:
		return (WBEM_OP_PULL_INSTANCES);
	default:
		return (-1);
	}
}
