/*
 * mof.c: reads the subset of MOF (DSP0221) the mock needs to describe its
 * classes: class declarations with an optional superclass, typed scalar
 * and array properties, REF properties, qualifier lists ([Key],
 * [Static], [IN], [OUT], [IN(false)], Description("...")), methods with
 * parameters, comments and #pragma lines (ignored).  Errors are reported
 * as "file:line: message" and leave the schema as it was.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock.h"

enum mof_tok {
	MT_EOF = 0,
	MT_IDENT,
	MT_STRING,
	MT_NUMBER,
	MT_PUNCT,
	MT_ERROR,
};

struct mof_lex {
	const char	*p, *end;
	const char	*fname;
	unsigned	 line;
	enum mof_tok	 tok;
	struct buf	 text;		/* token text (string unescaped) */
	char		*err;
	size_t		 errlen;
	int		 failed;
};

static void PRINTFLIKE(2, 3)
mof_error(struct mof_lex *lx, const char *fmt, ...)
{
	char	msg[256];
	va_list	ap;

	if (lx->failed)
		return;
	lx->failed = 1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(lx->err, lx->errlen, "%s:%u: %s", lx->fname, lx->line, msg);
}

/* Skips blanks, comments and #pragma lines. */
static void
mof_skip(struct mof_lex *lx)
{
	unsigned	start;

	for (;;) {
		while (lx->p < lx->end && isspace((unsigned char)*lx->p)) {
			if (*lx->p == '\n')
				lx->line++;
			lx->p++;
		}
		if (lx->p + 1 < lx->end && lx->p[0] == '/' && lx->p[1] == '/') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			continue;
		}
		if (lx->p + 1 < lx->end && lx->p[0] == '/' && lx->p[1] == '*') {
			start = lx->line;
			lx->p += 2;
			while (lx->p + 1 < lx->end &&
			    !(lx->p[0] == '*' && lx->p[1] == '/')) {
				if (*lx->p == '\n')
					lx->line++;
				lx->p++;
			}
			if (lx->p + 1 >= lx->end) {
				lx->line = start;
				mof_error(lx, "unterminated comment");
				lx->p = lx->end;
				return;
			}
			lx->p += 2;
			continue;
		}
		if (lx->p < lx->end && *lx->p == '#') {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			continue;
		}
		return;
	}
}

/* Reads one "..." literal (without the quotes) into lx->text. */
static int
mof_string(struct mof_lex *lx)
{
	char	c;

	lx->p++;
	while (lx->p < lx->end && *lx->p != '"') {
		c = *lx->p++;
		if (c == '\n') {
			mof_error(lx, "newline in string");
			return (-1);
		}
		if (c == '\\' && lx->p < lx->end) {
			c = *lx->p++;
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			default: break;
			}
		}
		buf_add(&lx->text, &c, 1);
	}
	if (lx->p >= lx->end) {
		mof_error(lx, "unterminated string");
		return (-1);
	}
	lx->p++;
	return (0);
}

static enum mof_tok
mof_next(struct mof_lex *lx)
{
	const char	*s;

	buf_reset(&lx->text);
	buf_add(&lx->text, "", 0);
	if (lx->failed)
		return (lx->tok = MT_ERROR);
	mof_skip(lx);
	if (lx->failed)
		return (lx->tok = MT_ERROR);
	if (lx->p >= lx->end)
		return (lx->tok = MT_EOF);
	s = lx->p;
	if (isalpha((unsigned char)*s) || *s == '_') {
		while (lx->p < lx->end && (isalnum((unsigned char)*lx->p) ||
		    *lx->p == '_'))
			lx->p++;
		buf_add(&lx->text, s, (size_t)(lx->p - s));
		return (lx->tok = MT_IDENT);
	}
	if (isdigit((unsigned char)*s) || *s == '-' || *s == '+') {
		lx->p++;
		while (lx->p < lx->end && (isalnum((unsigned char)*lx->p) ||
		    *lx->p == '.'))
			lx->p++;
		buf_add(&lx->text, s, (size_t)(lx->p - s));
		return (lx->tok = MT_NUMBER);
	}
	if (*s == '"') {
		/* adjacent literals concatenate, as in C */
		do {
			if (mof_string(lx) == -1)
				return (lx->tok = MT_ERROR);
			mof_skip(lx);
		} while (lx->p < lx->end && *lx->p == '"');
		return (lx->tok = MT_STRING);
	}
	if (strchr("{}[]();,:=", *s) != NULL) {
		lx->p++;
		buf_add(&lx->text, s, 1);
		return (lx->tok = MT_PUNCT);
	}
	mof_error(lx, "unexpected character '%c'", *s);
	return (lx->tok = MT_ERROR);
}

static int
mof_is(struct mof_lex *lx, const char *punct)
{
	return (lx->tok == MT_PUNCT && strcmp(lx->text.data, punct) == 0);
}

static int
mof_expect(struct mof_lex *lx, const char *punct)
{
	if (!mof_is(lx, punct)) {
		mof_error(lx, "expected '%s' near '%s'", punct,
		    lx->tok == MT_EOF ? "end of file" : lx->text.data);
		return (-1);
	}
	mof_next(lx);
	return (0);
}

static void
mof_quals_free(struct mof_qual *q, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(q[i].name);
		free(q[i].value);
	}
	free(q);
}

static void
mof_prop_clear(struct mof_prop *p)
{
	free(p->name);
	free(p->refclass);
	mof_quals_free(p->quals, p->nquals);
}

static void
mof_class_clear(struct mof_class *c)
{
	size_t	i, j;

	free(c->name);
	free(c->super);
	mof_quals_free(c->quals, c->nquals);
	for (i = 0; i < c->nprops; i++)
		mof_prop_clear(&c->props[i]);
	free(c->props);
	for (i = 0; i < c->nmethods; i++) {
		free(c->methods[i].name);
		mof_quals_free(c->methods[i].quals, c->methods[i].nquals);
		for (j = 0; j < c->methods[i].nparams; j++)
			mof_prop_clear(&c->methods[i].params[j]);
		free(c->methods[i].params);
	}
	free(c->methods);
	memset(c, 0, sizeof(*c));
}

/* Reads one qualifier value: literal or {array} (kept as its text). */
static int
mof_qual_value(struct mof_lex *lx, struct buf *out, enum cim_type *type)
{
	int	depth = 0;

	*type = CIM_T_STRING;
	do {
		if (mof_is(lx, "{"))
			depth++;
		else if (mof_is(lx, "}"))
			depth--;
		else if (lx->tok == MT_IDENT &&
		    (str_casecmp_ascii(lx->text.data, "true") == 0 ||
		    str_casecmp_ascii(lx->text.data, "false") == 0)) {
			*type = CIM_T_BOOLEAN;
			buf_puts(out, str_casecmp_ascii(lx->text.data,
			    "true") == 0 ? "TRUE" : "FALSE");
		} else if (lx->tok == MT_STRING || lx->tok == MT_NUMBER ||
		    lx->tok == MT_IDENT) {
			if (out->len > 0 && depth > 0)
				buf_puts(out, ",");
			buf_puts(out, lx->text.data);
		} else if (!mof_is(lx, ",")) {
			mof_error(lx, "bad qualifier value near '%s'",
			    lx->text.data);
			return (-1);
		}
		mof_next(lx);
	} while (depth > 0 && lx->tok != MT_EOF && !lx->failed);
	if (depth != 0) {
		mof_error(lx, "unbalanced '{' in qualifier value");
		return (-1);
	}
	return (0);
}

/* [Q1, Q2(value), ...]: absent list gives zero qualifiers. */
static int
mof_quals(struct mof_lex *lx, struct mof_qual **qp, size_t *np)
{
	struct mof_qual	*q;
	struct buf	 val;
	enum cim_type	 t;

	*qp = NULL;
	*np = 0;
	if (!mof_is(lx, "["))
		return (0);
	mof_next(lx);
	buf_init(&val, 64 * 1024);
	for (;;) {
		if (lx->tok != MT_IDENT) {
			mof_error(lx, "expected qualifier name near '%s'",
			    lx->tok == MT_EOF ? "end of file" : lx->text.data);
			goto fail;
		}
		*qp = xreallocarray(*qp, *np + 1, sizeof(**qp));
		q = &(*qp)[(*np)++];
		q->name = xstrdup(lx->text.data);
		q->type = CIM_T_BOOLEAN;
		q->value = NULL;
		mof_next(lx);
		if (mof_is(lx, "(")) {
			mof_next(lx);
			buf_reset(&val);
			if (mof_qual_value(lx, &val, &t) == -1 ||
			    mof_expect(lx, ")") == -1)
				goto fail;
			q->type = t;
			q->value = xstrdup(val.data ? val.data : "");
		} else
			q->value = xstrdup("TRUE");
		if (mof_is(lx, ",")) {
			mof_next(lx);
			continue;
		}
		if (mof_expect(lx, "]") == -1)
			goto fail;
		break;
	}
	buf_release(&val);
	return (0);
fail:
	buf_release(&val);
	mof_quals_free(*qp, *np);
	*qp = NULL;
	*np = 0;
	return (-1);
}

/* type [REF] name [ "[" "]" ], shared by properties and parameters. */
static int
mof_typed_name(struct mof_lex *lx, struct mof_prop *p, int *is_method,
    int allow_method)
{
	memset(p, 0, sizeof(*p));
	if (lx->tok != MT_IDENT) {
		mof_error(lx, "expected a type near '%s'",
		    lx->tok == MT_EOF ? "end of file" : lx->text.data);
		return (-1);
	}
	if (cim_type_parse(lx->text.data, &p->type) == -1) {
		/* Class REF name */
		p->refclass = xstrdup(lx->text.data);
		mof_next(lx);
		if (lx->tok != MT_IDENT ||
		    str_casecmp_ascii(lx->text.data, "ref") != 0) {
			mof_error(lx, "unknown type '%s'", p->refclass);
			return (-1);
		}
		p->type = CIM_T_REFERENCE;
	}
	mof_next(lx);
	if (lx->tok != MT_IDENT) {
		mof_error(lx, "expected a name near '%s'",
		    lx->tok == MT_EOF ? "end of file" : lx->text.data);
		return (-1);
	}
	p->name = xstrdup(lx->text.data);
	mof_next(lx);
	if (mof_is(lx, "[")) {
		mof_next(lx);
		if (lx->tok == MT_NUMBER)
			mof_next(lx);
		if (mof_expect(lx, "]") == -1)
			return (-1);
		p->is_array = 1;
	}
	if (is_method != NULL)
		*is_method = allow_method && mof_is(lx, "(");
	return (0);
}

static int
mof_method(struct mof_lex *lx, struct mof_method *m)
{
	struct mof_prop	 prm;
	struct mof_qual	*q;
	size_t		 nq;

	mof_next(lx);		/* ( */
	while (!mof_is(lx, ")")) {
		if (mof_quals(lx, &q, &nq) == -1)
			return (-1);
		if (mof_typed_name(lx, &prm, NULL, 0) == -1) {
			mof_quals_free(q, nq);
			mof_prop_clear(&prm);
			return (-1);
		}
		prm.quals = q;
		prm.nquals = nq;
		m->params = xreallocarray(m->params, m->nparams + 1,
		    sizeof(*m->params));
		m->params[m->nparams++] = prm;
		if (mof_is(lx, ","))
			mof_next(lx);
		else if (!mof_is(lx, ")")) {
			mof_error(lx, "expected ',' or ')' near '%s'",
			    lx->tok == MT_EOF ? "end of file" : lx->text.data);
			return (-1);
		}
	}
	mof_next(lx);
	return (mof_expect(lx, ";"));
}

/* Skips "= value" of a property default. */
static int
mof_default(struct mof_lex *lx)
{
	struct buf	v;
	enum cim_type	t;
	int		rc;

	if (!mof_is(lx, "="))
		return (0);
	mof_next(lx);
	buf_init(&v, 64 * 1024);
	rc = mof_qual_value(lx, &v, &t);
	buf_release(&v);
	return (rc);
}

static int
mof_class(struct mof_lex *lx, struct mof_schema *s, struct mof_qual *cq,
    size_t ncq)
{
	struct mof_class	 c;
	const struct mof_class	*sup;
	struct mof_prop		 p;
	struct mof_qual		*q;
	size_t			 nq, i, j;
	int			 is_method;

	memset(&c, 0, sizeof(c));
	c.quals = cq;
	c.nquals = ncq;
	mof_next(lx);
	if (lx->tok != MT_IDENT) {
		mof_error(lx, "expected a class name");
		goto fail;
	}
	c.name = xstrdup(lx->text.data);
	if (mof_class_find(s, c.name) != NULL) {
		mof_error(lx, "class %s defined twice", c.name);
		goto fail;
	}
	mof_next(lx);
	if (mof_is(lx, ":")) {
		mof_next(lx);
		if (lx->tok != MT_IDENT) {
			mof_error(lx, "expected a superclass name");
			goto fail;
		}
		if ((sup = mof_class_find(s, lx->text.data)) == NULL) {
			mof_error(lx, "unknown superclass %s", lx->text.data);
			goto fail;
		}
		c.super = xstrdup(sup->name);
		for (i = 0; i < sup->nprops; i++) {
			c.props = xreallocarray(c.props, c.nprops + 1,
			    sizeof(*c.props));
			p = sup->props[i];
			p.name = xstrdup(p.name);
			p.refclass = p.refclass ? xstrdup(p.refclass) : NULL;
			p.quals = xreallocarray(NULL, p.nquals + 1,
			    sizeof(*p.quals));
			for (j = 0; j < p.nquals; j++) {
				p.quals[j] = sup->props[i].quals[j];
				p.quals[j].name = xstrdup(p.quals[j].name);
				p.quals[j].value = xstrdup(p.quals[j].value);
			}
			c.props[c.nprops++] = p;
		}
		mof_next(lx);
	}
	if (mof_expect(lx, "{") == -1)
		goto fail;
	while (!mof_is(lx, "}")) {
		if (lx->tok == MT_EOF) {
			mof_error(lx, "class %s: missing '}'", c.name);
			goto fail;
		}
		if (mof_quals(lx, &q, &nq) == -1)
			goto fail;
		if (mof_typed_name(lx, &p, &is_method, 1) == -1) {
			mof_quals_free(q, nq);
			mof_prop_clear(&p);
			goto fail;
		}
		if (is_method) {
			struct mof_method	m;

			memset(&m, 0, sizeof(m));
			m.name = p.name;
			m.type = p.type;
			m.quals = q;
			m.nquals = nq;
			free(p.refclass);
			c.methods = xreallocarray(c.methods, c.nmethods + 1,
			    sizeof(*c.methods));
			c.methods[c.nmethods++] = m;
			if (mof_method(lx, &c.methods[c.nmethods - 1]) == -1)
				goto fail;
			continue;
		}
		p.quals = q;
		p.nquals = nq;
		if (mof_prop_find(&c, p.name) != NULL) {
			mof_error(lx, "property %s defined twice", p.name);
			mof_prop_clear(&p);
			goto fail;
		}
		c.props = xreallocarray(c.props, c.nprops + 1,
		    sizeof(*c.props));
		c.props[c.nprops++] = p;
		if (mof_default(lx) == -1 || mof_expect(lx, ";") == -1)
			goto fail;
	}
	mof_next(lx);
	if (mof_expect(lx, ";") == -1)
		goto fail;
	s->classes = xreallocarray(s->classes, s->nclasses + 1,
	    sizeof(*s->classes));
	s->classes[s->nclasses++] = c;
	return (0);
fail:
	mof_class_clear(&c);
	return (-1);
}

int
mof_parse(struct mof_schema *s, const char *text, size_t len,
    const char *fname, char *err, size_t errlen)
{
	struct mof_lex	 lx;
	struct mof_qual	*q;
	size_t		 nq, before = s->nclasses;

	memset(&lx, 0, sizeof(lx));
	lx.p = text;
	lx.end = text + len;
	lx.fname = fname;
	lx.line = 1;
	lx.err = err;
	lx.errlen = errlen;
	buf_init(&lx.text, 64 * 1024);
	mof_next(&lx);
	while (lx.tok != MT_EOF && !lx.failed) {
		if (mof_quals(&lx, &q, &nq) == -1)
			break;
		if (lx.tok != MT_IDENT ||
		    str_casecmp_ascii(lx.text.data, "class") != 0) {
			mof_error(&lx, "expected 'class' near '%s'",
			    lx.tok == MT_EOF ? "end of file" : lx.text.data);
			mof_quals_free(q, nq);
			break;
		}
		if (mof_class(&lx, s, q, nq) == -1)
			break;
	}
	buf_release(&lx.text);
	if (lx.failed) {
		while (s->nclasses > before)
			mof_class_clear(&s->classes[--s->nclasses]);
		return (-1);
	}
	return (0);
}

int
mof_load_file(struct mof_schema *s, const char *path, char *err,
    size_t errlen)
{
	FILE	*f;
	struct buf b;
	char	 chunk[8192];
	size_t	 n;
	int	 rc;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return (-1);
	}
	buf_init(&b, 16u * 1024 * 1024);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n) == -1) {
			snprintf(err, errlen, "%s: file too large", path);
			fclose(f);
			buf_release(&b);
			return (-1);
		}
	fclose(f);
	rc = mof_parse(s, b.data ? b.data : "", b.len, path, err, errlen);
	buf_release(&b);
	return (rc);
}

void
mof_schema_clear(struct mof_schema *s)
{
	size_t	i;

	for (i = 0; i < s->nclasses; i++)
		mof_class_clear(&s->classes[i]);
	free(s->classes);
	s->classes = NULL;
	s->nclasses = 0;
}

const struct mof_class *
mof_class_find(const struct mof_schema *s, const char *name)
{
	size_t	i;

	for (i = 0; i < s->nclasses; i++)
		if (str_casecmp_ascii(s->classes[i].name, name) == 0)
			return (&s->classes[i]);
	return (NULL);
}

const struct mof_prop *
mof_prop_find(const struct mof_class *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->nprops; i++)
		if (str_casecmp_ascii(c->props[i].name, name) == 0)
			return (&c->props[i]);
	return (NULL);
}

const struct mof_method *
mof_method_find(const struct mof_class *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->nmethods; i++)
		if (str_casecmp_ascii(c->methods[i].name, name) == 0)
			return (&c->methods[i]);
	return (NULL);
}

const struct mof_qual *
mof_qual_find(const struct mof_qual *q, size_t n, const char *name)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (str_casecmp_ascii(q[i].name, name) == 0)
			return (&q[i]);
	return (NULL);
}

int
mof_qual_true(const struct mof_qual *q, size_t n, const char *name)
{
	const struct mof_qual	*f;

	f = mof_qual_find(q, n, name);
	return (f != NULL && f->type == CIM_T_BOOLEAN &&
	    strcmp(f->value, "TRUE") == 0);
}

int
mof_prop_is_key(const struct mof_prop *p)
{
	return (mof_qual_true(p->quals, p->nquals, "Key"));
}
