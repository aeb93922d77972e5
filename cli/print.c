/*
 * print.c: cimhead's output.  JSON (the stable, documented format) is built
 * with jansson; numbers are printed exactly as the server's digits say,
 * which jansson alone cannot do for uint64 above INT64_MAX or keep for
 * reals, so every number is emitted as a placeholder string and replaced
 * by its digits after json_dumps.  The placeholder holds U+0001, a character
 * no XML 1.0 document can carry, so no value from a reply can look like one
 * (and the CLI refuses control characters in its own arguments).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "cimhead.h"
#include "cli.h"

struct numtab {
	char	**raw;
	size_t	  n;
};

static json_t	*print_value(struct numtab *, enum cim_type, const char *);

/* A placeholder for raw number text; the table keeps the digits. */
static json_t *
print_raw(struct numtab *nt, const char *digits)
{
	char	ph[32];

	nt->raw = xreallocarray(nt->raw, nt->n + 1, sizeof(*nt->raw));
	nt->raw[nt->n] = xstrdup(digits);
	snprintf(ph, sizeof(ph), "\001%zu\001", nt->n);
	nt->n++;
	return (json_string(ph));
}

static void
print_numtab_free(struct numtab *nt)
{
	size_t	i;

	for (i = 0; i < nt->n; i++)
		free(nt->raw[i]);
	free(nt->raw);
}

/*
 * An integer literal as DSP0201 allows it (sign, decimal or 0x hex) to
 * canonical decimal; -1 when it is not one or does not fit.
 */
static int
print_int_canon(const char *s, int is_signed, char *out, size_t outlen)
{
	unsigned long long	 mag;
	char			*end;
	int			 neg = 0, base = 10;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!isxdigit((unsigned char)*s))
		return (-1);
	errno = 0;
	mag = strtoull(s, &end, base);
	while (isspace((unsigned char)*end))
		end++;
	if (errno != 0 || *end != '\0')
		return (-1);
	if (!neg || mag == 0) {
		if (is_signed && mag > (unsigned long long)INT64_MAX)
			return (-1);
		snprintf(out, outlen, "%llu", mag);
	} else {
		if (!is_signed || mag > (unsigned long long)INT64_MAX + 1)
			return (-1);
		snprintf(out, outlen, "-%llu", mag);
	}
	return (0);
}

/* Is s a number in JSON's grammar (RFC 8259 section 6)? */
static int
print_is_json_number(const char *s)
{
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (isdigit((unsigned char)*s))
		while (isdigit((unsigned char)*s))
			s++;
	else
		return (0);
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return (0);
		while (isdigit((unsigned char)*s))
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!isdigit((unsigned char)*s))
			return (0);
		while (isdigit((unsigned char)*s))
			s++;
	}
	return (*s == '\0');
}

static json_t *
print_string(const char *s)
{
	json_t	*j;

	/* replies are UTF-8 by the XML parser; anything else stays visible */
	if ((j = json_stringn(s, strlen(s))) == NULL)
		j = json_string("(invalid UTF-8)");
	return (j);
}

/* One scalar of a CIM type as JSON. */
static json_t *
print_value(struct numtab *nt, enum cim_type t, const char *text)
{
	char	 canon[32], *end;
	double	 d;

	if (text == NULL)
		return (json_null());
	if (cim_type_is_integer(t)) {
		if (print_int_canon(text, cim_type_is_signed(t), canon,
		    sizeof(canon)) == 0)
			return (print_raw(nt, canon));
		return (print_string(text));
	}
	if (cim_type_is_real(t)) {
		if (print_is_json_number(text))
			return (print_raw(nt, text));
		errno = 0;
		d = strtod(text, &end);
		if (*text != '\0' && *end == '\0' && errno == 0 && isfinite(d)) {
			snprintf(canon, sizeof(canon), "%.17g", d);
			if (print_is_json_number(canon))
				return (print_raw(nt, canon));
		}
		return (print_string(text));	/* NaN, INF: JSON has none */
	}
	if (t == CIM_T_BOOLEAN) {
		if (str_casecmp_ascii(text, "TRUE") == 0)
			return (json_true());
		if (str_casecmp_ascii(text, "FALSE") == 0)
			return (json_false());
	}
	return (print_string(text));
}

/* {"type": ..., "value": ...} for a property, parameter or return value. */
static json_t *
print_typed(struct numtab *nt, const struct cim_value *v)
{
	json_t	*o, *a;
	size_t	 i;

	o = json_object();
	json_object_set_new(o, "type", json_string(cim_type_name(v->type)));
	if (v->is_null)
		json_object_set_new(o, "value", json_null());
	else if (v->is_array) {
		a = json_array();
		for (i = 0; i < v->nvals; i++)
			json_array_append_new(a, print_value(nt, v->type,
			    v->vals[i]));
		json_object_set_new(o, "value", a);
	} else
		json_object_set_new(o, "value", print_value(nt, v->type,
		    v->nvals > 0 ? v->vals[0] : NULL));
	return (o);
}

/* {key: value} of an instance path; key types are string/boolean/numeric. */
static json_t *
print_path_keys(struct numtab *nt, const struct cim_path *p)
{
	json_t	*o;
	size_t	 i;

	if (p == NULL)
		return (json_null());
	o = json_object();
	for (i = 0; i < p->nkeys; i++)
		json_object_set_new(o, p->keys[i].name, print_value(nt,
		    p->keys[i].type, p->keys[i].value));
	return (o);
}

static json_t *
print_instance_json(struct numtab *nt, const struct cim_instance *inst,
    const struct cim_path *req_path)
{
	json_t	*o, *props;
	size_t	 i;

	o = json_object();
	json_object_set_new(o, "classname", print_string(inst->classname));
	json_object_set_new(o, "path", print_path_keys(nt,
	    inst->path != NULL ? inst->path : req_path));
	props = json_object();
	for (i = 0; i < inst->nprops; i++)
		json_object_set_new(props, inst->props[i].name,
		    print_typed(nt, &inst->props[i].v));
	json_object_set_new(o, "properties", props);
	return (o);
}

static json_t *
print_result_json(struct numtab *nt, const struct wbem_result *r,
    const struct cim_path *req_path)
{
	json_t	*top, *o, *out;
	size_t	 i;

	switch (r->kind) {
	case WBEM_R_INSTANCES:
		top = json_array();
		for (i = 0; i < r->ninst; i++)
			json_array_append_new(top, print_instance_json(nt,
			    r->inst[i], r->ninst == 1 ? req_path : NULL));
		return (top);
	case WBEM_R_PATHS:
		top = json_array();
		for (i = 0; i < r->npaths; i++) {
			o = json_object();
			json_object_set_new(o, "classname",
			    print_string(r->paths[i]->classname));
			json_object_set_new(o, "path", print_path_keys(nt,
			    r->paths[i]));
			json_array_append_new(top, o);
		}
		return (top);
	case WBEM_R_METHOD:
		top = json_object();
		json_object_set_new(top, "returnvalue", print_typed(nt,
		    &r->method.ret));
		out = json_object();
		for (i = 0; i < r->method.nout; i++)
			json_object_set_new(out, r->method.out[i].name,
			    print_typed(nt, &r->method.out[i].v));
		json_object_set_new(top, "out", out);
		return (top);
	case WBEM_R_CLASS:
		/* the XML as before, and what it says, parsed */
		if ((top = class_json(r->class_xml)) == NULL)
			top = json_object();
		json_object_set_new(top, "class", r->class_xml != NULL ?
		    print_string(r->class_xml) : json_null());
		return (top);
	case WBEM_R_CLASSES:
		top = json_array();
		for (i = 0; i < r->nclasses; i++) {
			if ((o = class_json(r->classes[i])) == NULL)
				o = json_object();
			if (strncmp(r->classes[i], "<CLASS", 6) == 0)
				json_object_set_new(o, "class",
				    print_string(r->classes[i]));
			json_array_append_new(top, o);
		}
		return (top);
	case WBEM_R_NONE:
		return (json_object());
	}
	return (json_null());
}

/* json_dumps, then each "\u0001N\u0001" placeholder becomes its digits. */
static int
print_json(FILE *fp, json_t *j, struct numtab *nt)
{
	char		*s, *p, *q, *end;
	unsigned long	 idx;
	size_t		 used = 0;
	struct buf	 out;
	int		 rc = -1;

	if ((s = json_dumps(j, JSON_INDENT(2) | JSON_ENCODE_ANY)) == NULL) {
		fprintf(stderr, "cimhead: cannot format JSON\n");
		return (-1);
	}
	buf_init(&out, 0);
	for (p = s; (q = strstr(p, "\"\\u0001")) != NULL; p = end) {
		buf_add(&out, p, q - p);
		errno = 0;
		idx = strtoul(q + 7, &end, 10);
		if (end == q + 7 || errno != 0 || idx >= nt->n ||
		    strncmp(end, "\\u0001\"", 7) != 0) {
			buf_add(&out, q, 7);	/* not ours: copy as is */
			end = q + 7;
			continue;
		}
		buf_puts(&out, nt->raw[idx]);
		used++;
		end += 7;
	}
	buf_puts(&out, p);
	buf_puts(&out, "\n");
	if (used != nt->n)
		fprintf(stderr, "cimhead: internal error formatting numbers\n");
	else if (fwrite(out.data, 1, out.len, fp) == out.len)
		rc = 0;
	buf_release(&out);
	free(s);
	return (rc);
}

/* Text form of one scalar: strings quoted, numbers bare, NULL as NULL. */
static void
print_text_scalar(struct buf *b, enum cim_type t, const char *v)
{
	const char	*p;

	if (v == NULL) {
		buf_puts(b, "NULL");
		return;
	}
	if (cim_type_is_integer(t) || cim_type_is_real(t) ||
	    t == CIM_T_BOOLEAN) {
		buf_puts(b, v);
		return;
	}
	buf_puts(b, "\"");
	for (p = v; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			buf_puts(b, "\\");
		buf_add(b, p, 1);
	}
	buf_puts(b, "\"");
}

static void
print_text_value(struct buf *b, const char *name, const struct cim_value *v)
{
	size_t	i;

	buf_printf(b, "  %s (%s%s) = ", name, cim_type_name(v->type),
	    v->is_array ? "[]" : "");
	if (v->is_null)
		buf_puts(b, "NULL");
	else if (v->is_array) {
		buf_puts(b, "{");
		for (i = 0; i < v->nvals; i++) {
			if (i > 0)
				buf_puts(b, ", ");
			print_text_scalar(b, v->type, v->vals[i]);
		}
		buf_puts(b, "}");
	} else
		print_text_scalar(b, v->type, v->nvals > 0 ? v->vals[0] :
		    NULL);
	buf_puts(b, "\n");
}

static void
print_result_text(struct buf *b, const struct wbem_result *r,
    const struct cim_path *req_path)
{
	const struct cim_instance	*inst;
	const struct cim_path		*p;
	size_t				 i, j;

	switch (r->kind) {
	case WBEM_R_INSTANCES:
		for (i = 0; i < r->ninst; i++) {
			inst = r->inst[i];
			p = inst->path != NULL ? inst->path :
			    (r->ninst == 1 ? req_path : NULL);
			if (i > 0)
				buf_puts(b, "\n");
			if (p != NULL)
				cim_path_format(p, b);
			else
				buf_puts(b, inst->classname);
			buf_puts(b, "\n");
			for (j = 0; j < inst->nprops; j++)
				print_text_value(b, inst->props[j].name,
				    &inst->props[j].v);
		}
		break;
	case WBEM_R_PATHS:
		for (i = 0; i < r->npaths; i++) {
			cim_path_format(r->paths[i], b);
			buf_puts(b, "\n");
		}
		break;
	case WBEM_R_METHOD:
		print_text_value(b, "ReturnValue", &r->method.ret);
		for (i = 0; i < r->method.nout; i++)
			print_text_value(b, r->method.out[i].name,
			    &r->method.out[i].v);
		break;
	case WBEM_R_CLASS:
		if (r->class_xml != NULL && class_mof(b, r->class_xml) == -1)
			buf_printf(b, "%s\n", r->class_xml);
		break;
	case WBEM_R_CLASSES:
		for (i = 0; i < r->nclasses; i++) {
			if (i > 0)
				buf_puts(b, "\n");
			if (class_mof(b, r->classes[i]) == -1)
				buf_printf(b, "%s\n", r->classes[i]);
		}
		break;
	case WBEM_R_NONE:
		break;
	}
}

/* --format mof: classes and instances; anything else as text. */
static void
print_result_mof(struct buf *b, const struct wbem_result *r,
    const struct cim_path *req_path)
{
	size_t	i;

	if (r->kind != WBEM_R_INSTANCES) {
		print_result_text(b, r, req_path);
		return;
	}
	for (i = 0; i < r->ninst; i++) {
		if (i > 0)
			buf_puts(b, "\n");
		instance_mof(b, r->inst[i]);
	}
}

/*
 * --format table: one row per instance (path, method result), one column
 * per property (key, parameter) in the order first met, names matched
 * without case as CIM names are.  Columns are found in a first pass
 * (cell == NULL), filled in a second.
 */
/*
 * Rows times columns a table may hold: sparse replies (many instances,
 * each with other property names) would grow it quadratically.
 */
#define PRINT_TABLE_CELLS_MAX	(4u * 1024 * 1024)

struct table {
	size_t	  ncols;
	size_t	  nrows;
	char	**head;
	char	**cell;		/* nrows * ncols; NULL: empty */
};

static void
print_table_set(struct table *t, size_t row, const char *name,
    const char *text)
{
	size_t	c;

	for (c = 0; c < t->ncols; c++)
		if (strcasecmp(t->head[c], name) == 0)
			break;
	if (c == t->ncols) {
		if (t->cell != NULL)
			return;
		t->head = xreallocarray(t->head, t->ncols + 1,
		    sizeof(*t->head));
		t->head[t->ncols++] = xstrdup(name);
		return;
	}
	if (t->cell != NULL && t->cell[row * t->ncols + c] == NULL)
		t->cell[row * t->ncols + c] = xstrdup(text);
}

/* A value on one line: no quotes, arrays joined by ", ", NULL empty. */
static void
print_table_value(struct table *t, size_t row, const char *name,
    const struct cim_value *v)
{
	struct buf	 b;
	size_t		 i;
	char		*p;

	buf_init(&b, 0);
	for (i = 0; !v->is_null && i < v->nvals; i++) {
		if (i > 0)
			buf_puts(&b, ", ");
		if (v->vals[i] != NULL)
			buf_puts(&b, v->vals[i]);
	}
	buf_add(&b, "", 1);
	/* a newline or tab in a value must not break the row */
	for (p = b.data; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	print_table_set(t, row, name, b.data);
	buf_release(&b);
}

/* One row per property of a class: NAME, TYPE, QUALIFIERS. */
static void
print_table_class(struct table *t, const char *xml)
{
	json_t		*j, *props, *p, *q;
	const char	*name, *qn;
	void		*it;
	struct buf	 b;
	size_t		 row = 0;

	if ((j = class_json(xml)) == NULL)
		return;
	props = json_object_get(j, "properties");
	t->nrows = json_object_size(props);
	for (it = json_object_iter(props); it != NULL;
	    it = json_object_iter_next(props, it), row++) {
		name = json_object_iter_key(it);
		p = json_object_iter_value(it);
		print_table_set(t, row, "PROPERTY", name);
		buf_init(&b, 0);
		buf_puts(&b, json_string_value(json_object_get(p, "type")));
		if (json_is_true(json_object_get(p, "array")))
			buf_puts(&b, "[]");
		buf_add(&b, "", 1);
		print_table_set(t, row, "TYPE", b.data);
		buf_reset(&b);
		json_object_foreach(json_object_get(p, "qualifiers"), qn, q) {
			if (b.len > 0)
				buf_puts(&b, ", ");
			buf_puts(&b, qn);
		}
		buf_add(&b, "", 1);
		print_table_set(t, row, "QUALIFIERS", b.data);
		buf_release(&b);
	}
	json_decref(j);
}

/* EnumerateClasses: CLASS, SUPERCLASS; qualifiers: NAME, TYPE. */
static void
print_table_classrow(struct table *t, size_t row, const char *xml)
{
	char	*name, *super;
	json_t	*j;

	if (strncmp(xml, "<CLASS", 6) == 0) {
		if (class_names(xml, &name, &super) == -1)
			return;
		print_table_set(t, row, "CLASS", name);
		print_table_set(t, row, "SUPERCLASS", super != NULL ?
		    super : "");
		free(name);
		free(super);
		return;
	}
	if ((j = class_json(xml)) == NULL)
		return;
	print_table_set(t, row, "QUALIFIER",
	    json_string_value(json_object_get(j, "name")));
	print_table_set(t, row, "TYPE",
	    json_string_value(json_object_get(j, "type")));
	json_decref(j);
}

static void
print_table_fill(struct table *t, const struct wbem_result *r)
{
	const struct cim_instance	*inst;
	const struct cim_path		*p;
	size_t				 i, j;

	switch (r->kind) {
	case WBEM_R_INSTANCES:
		t->nrows = r->ninst;
		for (i = 0; i < r->ninst; i++) {
			inst = r->inst[i];
			for (j = 0; j < inst->nprops; j++)
				print_table_value(t, i, inst->props[j].name,
				    &inst->props[j].v);
		}
		break;
	case WBEM_R_PATHS:
		t->nrows = r->npaths;
		for (i = 0; i < r->npaths; i++) {
			p = r->paths[i];
			print_table_set(t, i, "CLASS", p->classname);
			for (j = 0; j < p->nkeys; j++)
				print_table_set(t, i, p->keys[j].name,
				    p->keys[j].value != NULL ?
				    p->keys[j].value : "");
		}
		break;
	case WBEM_R_METHOD:
		t->nrows = 1;
		print_table_value(t, 0, "ReturnValue", &r->method.ret);
		for (i = 0; i < r->method.nout; i++)
			print_table_value(t, 0, r->method.out[i].name,
			    &r->method.out[i].v);
		break;
	case WBEM_R_CLASS:
		print_table_class(t, r->class_xml);
		break;
	case WBEM_R_CLASSES:
		t->nrows = r->nclasses;
		for (i = 0; i < r->nclasses; i++)
			print_table_classrow(t, i, r->classes[i]);
		break;
	case WBEM_R_NONE:
		break;
	}
}

/* Terminal columns of UTF-8 text, one per character. */
static size_t
print_table_width(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return (n);
}

static void
print_table_row(struct buf *b, char **cells, const size_t *width, size_t n)
{
	const char	*s;
	size_t		 c, w;

	/* no padding after the last non-empty cell: no trailing blanks */
	while (n > 0 && (cells[n - 1] == NULL || *cells[n - 1] == '\0'))
		n--;
	for (c = 0; c < n; c++) {
		s = cells[c] != NULL ? cells[c] : "";
		buf_puts(b, s);
		if (c + 1 < n)
			for (w = print_table_width(s); w < width[c] + 2; w++)
				buf_puts(b, " ");
	}
	buf_puts(b, "\n");
}

/* Returns -1, with nothing added to b, when the table would be too big. */
static int
print_result_table(struct buf *b, const struct wbem_result *r)
{
	struct table	 t;
	size_t		*width, i, c, w;
	int		 rc = 0;

	memset(&t, 0, sizeof(t));
	print_table_fill(&t, r);
	if (t.ncols == 0 || t.nrows == 0)
		goto out;
	if (t.nrows > PRINT_TABLE_CELLS_MAX / t.ncols) {
		fprintf(stderr, "cimhead: %zu rows by %zu columns is too big "
		    "for a table: printed as text\n", t.nrows, t.ncols);
		rc = -1;
		goto out;
	}
	t.cell = xcalloc(t.nrows * t.ncols, sizeof(*t.cell));
	print_table_fill(&t, r);
	width = xcalloc(t.ncols, sizeof(*width));
	for (c = 0; c < t.ncols; c++) {
		width[c] = print_table_width(t.head[c]);
		for (i = 0; i < t.nrows; i++)
			if (t.cell[i * t.ncols + c] != NULL &&
			    (w = print_table_width(t.cell[i * t.ncols + c])) >
			    width[c])
				width[c] = w;
	}
	print_table_row(b, t.head, width, t.ncols);
	for (i = 0; i < t.nrows; i++)
		print_table_row(b, t.cell + i * t.ncols, width, t.ncols);
	free(width);
	for (i = 0; i < t.nrows * t.ncols; i++)
		free(t.cell[i]);
	free(t.cell);
out:
	for (c = 0; c < t.ncols; c++)
		free(t.head[c]);
	free(t.head);
	return (rc);
}

int
print_result(FILE *fp, enum cli_format fmt, const struct wbem_result *r,
    const struct cim_path *req_path)
{
	struct numtab	 nt = { NULL, 0 };
	struct buf	 b;
	json_t		*j;
	int		 rc;

	if (fmt != CLI_FMT_JSON) {
		buf_init(&b, 0);
		if (fmt == CLI_FMT_MOF)
			print_result_mof(&b, r, req_path);
		else if (fmt != CLI_FMT_TABLE ||
		    print_result_table(&b, r) == -1)
			print_result_text(&b, r, req_path);
		rc = b.len == 0 || fwrite(b.data, 1, b.len, fp) == b.len ?
		    0 : -1;
		buf_release(&b);
		return (rc);
	}
	j = print_result_json(&nt, r, req_path);
	rc = print_json(fp, j, &nt);
	json_decref(j);
	print_numtab_free(&nt);
	return (rc);
}

int
print_error(FILE *fp, enum cli_format fmt, const struct wbem_error *err,
    const char *hint)
{
	struct numtab	 nt = { NULL, 0 };
	json_t		*top, *e;
	int		 rc;

	if (fmt != CLI_FMT_JSON)
		return (0);
	e = json_object();
	json_object_set_new(e, "code", json_integer(err->code));
	json_object_set_new(e, "name", print_string(err->name));
	json_object_set_new(e, "description", print_string(err->description));
	json_object_set_new(e, "kind",
	    json_string(wbem_errkind_name(err->kind)));
	if (err->http_status != 0)
		json_object_set_new(e, "http_status",
		    json_integer(err->http_status));
	if (err->wsman_code[0] != '\0')
		json_object_set_new(e, "wsman_code",
		    print_string(err->wsman_code));
	if (hint != NULL)
		json_object_set_new(e, "hint", print_string(hint));
	top = json_object();
	json_object_set_new(top, "error", e);
	rc = print_json(fp, top, &nt);
	json_decref(top);
	return (rc);
}

int
print_names(FILE *fp, enum cli_format fmt, const char *header,
    char * const *names, size_t n)
{
	struct numtab	 nt = { NULL, 0 };
	json_t		*a;
	size_t		 i;
	int		 rc;

	if (fmt != CLI_FMT_JSON) {
		if (fmt == CLI_FMT_TABLE && n > 0 &&
		    fprintf(fp, "%s\n", header) < 0)
			return (-1);
		for (i = 0; i < n; i++)
			if (fprintf(fp, "%s\n", names[i]) < 0)
				return (-1);
		return (0);
	}
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, print_string(names[i]));
	rc = print_json(fp, a, &nt);
	json_decref(a);
	return (rc);
}
