/*
 * store.c: instances of the mock's classes.  An instance has one slot per
 * class property, in class order, each NULL until set; values are kept as
 * wire text so uint64 counters never pass through a double.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mock.h"

void
mval_clear(struct cim_value *v)
{
	size_t	i;

	for (i = 0; i < v->nvals; i++)
		free(v->vals[i]);
	free(v->vals);
	v->vals = NULL;
	v->nvals = 0;
	v->is_null = 1;
}

void
mval_set(struct cim_value *v, enum cim_type t, const char *text)
{
	mval_clear(v);
	v->type = t;
	if (text == NULL)
		return;
	v->is_null = 0;
	v->vals = xcalloc(1, sizeof(*v->vals));
	v->vals[0] = xstrdup(text);
	v->nvals = 1;
}

void
mval_copy(struct cim_value *dst, const struct cim_value *src)
{
	size_t	i;

	mval_clear(dst);
	*dst = *src;
	dst->vals = NULL;
	if (src->nvals > 0) {
		dst->vals = xcalloc(src->nvals, sizeof(*dst->vals));
		for (i = 0; i < src->nvals; i++)
			dst->vals[i] = xstrdup(src->vals[i]);
	}
}

struct mock_inst *
inst_new(const struct mof_class *cls)
{
	struct mock_inst	*in;
	size_t			 i;

	in = xcalloc(1, sizeof(*in));
	in->cls = cls;
	in->nprops = cls->nprops;
	in->props = xcalloc(cls->nprops ? cls->nprops : 1,
	    sizeof(*in->props));
	for (i = 0; i < cls->nprops; i++) {
		in->props[i].name = xstrdup(cls->props[i].name);
		in->props[i].v.type = cls->props[i].type;
		in->props[i].v.is_array = cls->props[i].is_array;
		in->props[i].v.is_null = 1;
	}
	return (in);
}

void
inst_free(struct mock_inst *in)
{
	size_t	i;

	if (in == NULL)
		return;
	for (i = 0; i < in->nprops; i++) {
		free(in->props[i].name);
		mval_clear(&in->props[i].v);
	}
	free(in->props);
	free(in->absent);
	free(in);
}

static struct cim_property *
inst_slot(const struct mock_inst *in, const char *name)
{
	size_t	i;

	for (i = 0; i < in->nprops; i++)
		if (str_casecmp_ascii(in->props[i].name, name) == 0)
			return (&in->props[i]);
	return (NULL);
}

int
inst_set(struct mock_inst *in, const char *name, const char *text)
{
	struct cim_property	*p;
	int			 arr;

	if ((p = inst_slot(in, name)) == NULL)
		return (-1);
	arr = p->v.is_array;
	mval_set(&p->v, p->v.type, text);
	p->v.is_array = arr;
	return (0);
}

int
inst_setf(struct mock_inst *in, const char *name, const char *fmt, ...)
{
	char	text[256];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return (inst_set(in, name, text));
}

const struct cim_value *
inst_get(const struct mock_inst *in, const char *name)
{
	struct cim_property	*p;

	if ((p = inst_slot(in, name)) == NULL)
		return (NULL);
	return (&p->v);
}

void
inst_list_add(struct inst_list *l, struct mock_inst *in)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = in;
}

void
inst_list_clear(struct inst_list *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		inst_free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

int
str_icontains(const char *hay, const char *needle)
{
	size_t	n = strlen(needle);

	for (; *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return (1);
	return (0);
}

struct mock_inst *
inst_dup(const struct mock_inst *src)
{
	struct mock_inst	*in = inst_new(src->cls);
	size_t			 i;

	for (i = 0; i < in->nprops; i++)
		mval_copy(&in->props[i].v, &src->props[i].v);
	if (src->absent != NULL) {
		in->absent = xcalloc(in->nprops ? in->nprops : 1, 1);
		memcpy(in->absent, src->absent, in->nprops);
	}
	return (in);
}

struct cim_path *
inst_path(const struct mock_inst *in, const char *ns)
{
	const struct mof_class	*c = in->cls;
	const struct cim_value	*v;
	struct cim_path		*p;
	enum cim_type		 t;
	size_t			 i;

	p = cim_path_new(ns, c->name);
	for (i = 0; i < c->nprops; i++) {
		if (!mof_prop_is_key(&c->props[i]))
			continue;
		v = &in->props[i].v;
		t = c->props[i].type;
		if (cim_type_is_integer(t))
			t = cim_type_is_signed(t) ? CIM_T_SINT64 : CIM_T_UINT64;
		else if (cim_type_is_real(t))
			t = CIM_T_REAL64;
		else if (t != CIM_T_BOOLEAN && t != CIM_T_REFERENCE)
			t = CIM_T_STRING;
		cim_path_add_key(p, c->props[i].name, t,
		    !v->is_null && v->nvals > 0 ? v->vals[0] : "");
	}
	return (p);
}

/* Reference keys compare as paths, the rest as text (numbers as numbers). */
static int
inst_key_same(const struct cim_keybinding *a, const struct cim_keybinding *b)
{
	struct cim_path	*pa, *pb;
	uint64_t	 x, y;
	int		 same = 0;

	if (a->type == CIM_T_REFERENCE || b->type == CIM_T_REFERENCE) {
		pa = cim_path_new(NULL, NULL);
		pb = cim_path_new(NULL, NULL);
		if (cim_path_parse(a->value, pa) == 0 &&
		    cim_path_parse(b->value, pb) == 0)
			same = inst_path_same(pa, pb);
		cim_path_free(pa);
		cim_path_free(pb);
		return (same);
	}
	if (parse_u64(a->value, &x) == 0 && parse_u64(b->value, &y) == 0)
		return (x == y);
	if (a->type == CIM_T_BOOLEAN || b->type == CIM_T_BOOLEAN)
		return (str_casecmp_ascii(a->value, b->value) == 0);
	return (strcmp(a->value, b->value) == 0);
}

int
inst_path_same(const struct cim_path *a, const struct cim_path *b)
{
	size_t	i, j;

	if (a->classname == NULL || b->classname == NULL ||
	    str_casecmp_ascii(a->classname, b->classname) != 0 ||
	    a->nkeys != b->nkeys)
		return (0);
	for (i = 0; i < a->nkeys; i++) {
		for (j = 0; j < b->nkeys; j++)
			if (a->keys[i].name != NULL && b->keys[j].name != NULL &&
			    str_casecmp_ascii(a->keys[i].name,
			    b->keys[j].name) == 0)
				break;
		if (j == b->nkeys && a->nkeys == 1 && (a->keys[0].name == NULL ||
		    b->keys[0].name == NULL))
			j = 0;
		if (j == b->nkeys || !inst_key_same(&a->keys[i], &b->keys[j]))
			return (0);
	}
	return (1);
}

struct mock_obj *
objs_find(const struct mock_objs *l, const char *name)
{
	size_t	i;

	for (i = 0; name != NULL && i < l->n; i++)
		if (str_casecmp_ascii(l->v[i].name, name) == 0)
			return (&l->v[i]);
	return (NULL);
}

void
objs_put(struct mock_objs *l, const char *name, const char *super,
    const char *xml)
{
	struct mock_obj	*o;

	if ((o = objs_find(l, name)) == NULL) {
		l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
		o = &l->v[l->n++];
	} else {
		free(o->name);
		free(o->super);
		free(o->xml);
	}
	o->name = xstrdup(name);
	o->super = super != NULL ? xstrdup(super) : NULL;
	o->xml = xstrdup(xml);
}

int
objs_del(struct mock_objs *l, const char *name)
{
	struct mock_obj	*o;
	size_t		 i;

	if ((o = objs_find(l, name)) == NULL)
		return (-1);
	i = (size_t)(o - l->v);
	free(o->name);
	free(o->super);
	free(o->xml);
	memmove(&l->v[i], &l->v[i + 1], (l->n - i - 1) * sizeof(*l->v));
	l->n--;
	return (0);
}

void
objs_clear(struct mock_objs *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].super);
		free(l->v[i].xml);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
