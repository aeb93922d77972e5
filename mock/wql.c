/*
 * wql.c: parses and evaluates the WQL the head-end and wbemcli send:
 * SELECT list-or-* FROM class [WHERE cond], with = <> != < > <= >=, AND,
 * OR, NOT, parentheses, string/number/boolean literals and IS [NOT] NULL.
 * Property names are case-insensitive.  The OpenPegasus dialect takes
 * only "double-quoted" strings (a 'single-quoted' one is an invalid
 * query, CIM error 15, as the real server answers); the Windows dialect
 * takes both.  Comparisons with NULL are unknown, hence false, as in SQL.
 * Pure: no I/O, no globals.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock.h"

#define WQL_MAX_NODES	512
#define WQL_MAX_DEPTH	64

enum wql_op {
	WQ_EQ, WQ_NE, WQ_LT, WQ_GT, WQ_LE, WQ_GE,
	WQ_AND, WQ_OR, WQ_NOT, WQ_ISNULL, WQ_NOTNULL,
};
enum wql_lit {
	WL_STRING, WL_NUMBER, WL_BOOL, WL_NULL,
};

struct wql_node {
	enum wql_op	 op;
	struct wql_node	*l, *r;		/* AND/OR/NOT */
	char		*prop;		/* comparisons */
	enum wql_lit	 lit;
	char		*text;		/* literal text */
};

struct wql_query {
	char		*classname;
	size_t		 nsel;
	char		**sel;
	size_t		 nrefs;
	char		**refs;
	struct wql_node	*where;
};

enum wql_tok {
	WT_EOF, WT_IDENT, WT_STRING, WT_NUMBER, WT_OP, WT_LPAREN, WT_RPAREN,
	WT_COMMA, WT_STAR, WT_ERROR,
};

struct wql_parser {
	const char	*p;
	enum wql_dialect dialect;
	enum wql_tok	 tok;
	char		 text[1024];
	char		*err;
	size_t		 errlen;
	int		 failed;
	unsigned	 nnodes;
	unsigned	 depth;
	struct wql_query *q;
};

static struct wql_node *wql_or(struct wql_parser *);

const char *
wql_dialect_name(enum wql_dialect d)
{
	return (d == WQL_WINDOWS ? "windows" : "pegasus");
}

int
wql_dialect_parse(const char *s, enum wql_dialect *d)
{
	if (str_casecmp_ascii(s, "pegasus") == 0)
		*d = WQL_PEGASUS;
	else if (str_casecmp_ascii(s, "windows") == 0)
		*d = WQL_WINDOWS;
	else
		return (-1);
	return (0);
}

static void PRINTFLIKE(2, 3)
wql_error(struct wql_parser *ps, const char *fmt, ...)
{
	va_list	ap;

	if (ps->failed)
		return;
	ps->failed = 1;
	ps->tok = WT_ERROR;
	va_start(ap, fmt);
	vsnprintf(ps->err, ps->errlen, fmt, ap);
	va_end(ap);
}

static void
wql_next(struct wql_parser *ps)
{
	const char	*s;
	char		 quote;
	size_t		 n = 0;

	ps->text[0] = '\0';
	if (ps->failed)
		return;
	while (isspace((unsigned char)*ps->p))
		ps->p++;
	s = ps->p;
	if (*s == '\0') {
		ps->tok = WT_EOF;
		return;
	}
	if (isalpha((unsigned char)*s) || *s == '_') {
		while (isalnum((unsigned char)*ps->p) || *ps->p == '_')
			ps->p++;
		n = (size_t)(ps->p - s);
		if (n >= sizeof(ps->text)) {
			wql_error(ps, "identifier too long");
			return;
		}
		memcpy(ps->text, s, n);
		ps->text[n] = '\0';
		ps->tok = WT_IDENT;
		return;
	}
	if (isdigit((unsigned char)*s) || ((*s == '-' || *s == '+') &&
	    (isdigit((unsigned char)s[1]) || s[1] == '.')) ||
	    (*s == '.' && isdigit((unsigned char)s[1]))) {
		ps->p++;
		while (isalnum((unsigned char)*ps->p) || *ps->p == '.')
			ps->p++;
		n = (size_t)(ps->p - s);
		if (n >= sizeof(ps->text)) {
			wql_error(ps, "number too long");
			return;
		}
		memcpy(ps->text, s, n);
		ps->text[n] = '\0';
		ps->tok = WT_NUMBER;
		return;
	}
	if (*s == '"' || *s == '\'') {
		quote = *s;
		if (quote == '\'' && ps->dialect == WQL_PEGASUS) {
			wql_error(ps, "single-quoted string literal");
			return;
		}
		ps->p++;
		while (*ps->p != '\0' && *ps->p != quote) {
			if (*ps->p == '\\' && (ps->p[1] == quote ||
			    ps->p[1] == '\\'))
				ps->p++;
			if (n + 1 >= sizeof(ps->text)) {
				wql_error(ps, "string literal too long");
				return;
			}
			ps->text[n++] = *ps->p++;
		}
		if (*ps->p != quote) {
			wql_error(ps, "unterminated string literal");
			return;
		}
		ps->p++;
		ps->text[n] = '\0';
		ps->tok = WT_STRING;
		return;
	}
	ps->p++;
	switch (*s) {
	case '(': ps->tok = WT_LPAREN; return;
	case ')': ps->tok = WT_RPAREN; return;
	case ',': ps->tok = WT_COMMA; return;
	case '*': ps->tok = WT_STAR; return;
	case '=':
		strlcpy(ps->text, "=", sizeof(ps->text));
		ps->tok = WT_OP;
		return;
	case '!':
		if (*ps->p == '=') {
			ps->p++;
			strlcpy(ps->text, "<>", sizeof(ps->text));
			ps->tok = WT_OP;
			return;
		}
		break;
	case '<':
	case '>':
		ps->text[0] = *s;
		ps->text[1] = '\0';
		if (*ps->p == '=' || (*s == '<' && *ps->p == '>')) {
			ps->text[1] = *ps->p++;
			ps->text[2] = '\0';
		}
		ps->tok = WT_OP;
		return;
	default:
		break;
	}
	wql_error(ps, "unexpected character '%c'", *s);
}

static int
wql_kw(struct wql_parser *ps, const char *kw)
{
	return (ps->tok == WT_IDENT && str_casecmp_ascii(ps->text, kw) == 0);
}

static void
wql_node_free(struct wql_node *n)
{
	if (n == NULL)
		return;
	wql_node_free(n->l);
	wql_node_free(n->r);
	free(n->prop);
	free(n->text);
	free(n);
}

static struct wql_node *
wql_node_new(struct wql_parser *ps, enum wql_op op)
{
	struct wql_node	*n;

	if (++ps->nnodes > WQL_MAX_NODES) {
		wql_error(ps, "query too complex");
		return (NULL);
	}
	n = xcalloc(1, sizeof(*n));
	n->op = op;
	return (n);
}

static void
wql_add_ref(struct wql_query *q, const char *name)
{
	size_t	i;

	for (i = 0; i < q->nrefs; i++)
		if (str_casecmp_ascii(q->refs[i], name) == 0)
			return;
	q->refs = xreallocarray(q->refs, q->nrefs + 1, sizeof(*q->refs));
	q->refs[q->nrefs++] = xstrdup(name);
}

static int
wql_is_reserved(const char *s)
{
	static const char *const words[] = {
		"SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IS", "NULL",
		"TRUE", "FALSE",
	};
	size_t	i;

	for (i = 0; i < nitems(words); i++)
		if (str_casecmp_ascii(words[i], s) == 0)
			return (1);
	return (0);
}

static enum wql_op
wql_cmp_op(const char *s)
{
	if (strcmp(s, "=") == 0)
		return (WQ_EQ);
	if (strcmp(s, "<>") == 0)
		return (WQ_NE);
	if (strcmp(s, "<") == 0)
		return (WQ_LT);
	if (strcmp(s, ">") == 0)
		return (WQ_GT);
	if (strcmp(s, "<=") == 0)
		return (WQ_LE);
	return (WQ_GE);
}

/* Swaps the operands' roles: 5 < X is X > 5. */
static enum wql_op
wql_flip(enum wql_op op)
{
	switch (op) {
	case WQ_LT: return (WQ_GT);
	case WQ_GT: return (WQ_LT);
	case WQ_LE: return (WQ_GE);
	case WQ_GE: return (WQ_LE);
	default: return (op);
	}
}

/* A literal at the current token; -1 when it is none. */
static int
wql_literal(struct wql_parser *ps, enum wql_lit *lit, char **text)
{
	char	*end;

	if (ps->tok == WT_STRING)
		*lit = WL_STRING;
	else if (ps->tok == WT_NUMBER) {
		errno = 0;
		(void)strtod(ps->text, &end);
		if (*end != '\0' || errno != 0) {
			wql_error(ps, "bad number '%s'", ps->text);
			return (-1);
		}
		*lit = WL_NUMBER;
	} else if (wql_kw(ps, "TRUE") || wql_kw(ps, "FALSE")) {
		*lit = WL_BOOL;
	} else if (wql_kw(ps, "NULL"))
		*lit = WL_NULL;
	else
		return (-1);
	*text = xstrdup(ps->text);
	wql_next(ps);
	return (0);
}

static struct wql_node *
wql_primary(struct wql_parser *ps)
{
	struct wql_node	*n;
	enum wql_lit	 lit;
	char		*text = NULL, *prop = NULL;
	enum wql_op	 op;
	int		 flipped = 0;

	if (ps->failed)
		return (NULL);
	if (ps->tok == WT_LPAREN) {
		wql_next(ps);
		if (++ps->depth > WQL_MAX_DEPTH) {
			wql_error(ps, "parentheses nested too deep");
			return (NULL);
		}
		n = wql_or(ps);
		ps->depth--;
		if (n == NULL)
			return (NULL);
		if (ps->tok != WT_RPAREN) {
			wql_error(ps, "expected ')'");
			wql_node_free(n);
			return (NULL);
		}
		wql_next(ps);
		return (n);
	}
	if (ps->tok == WT_IDENT && !wql_is_reserved(ps->text)) {
		prop = xstrdup(ps->text);
		wql_next(ps);
		if (wql_kw(ps, "IS")) {
			wql_next(ps);
			op = WQ_ISNULL;
			if (wql_kw(ps, "NOT")) {
				op = WQ_NOTNULL;
				wql_next(ps);
			}
			if (!wql_kw(ps, "NULL")) {
				wql_error(ps, "expected NULL after IS");
				free(prop);
				return (NULL);
			}
			wql_next(ps);
			if ((n = wql_node_new(ps, op)) == NULL) {
				free(prop);
				return (NULL);
			}
			n->prop = prop;
			wql_add_ref(ps->q, prop);
			return (n);
		}
	} else if (wql_literal(ps, &lit, &text) == 0)
		flipped = 1;
	else {
		wql_error(ps, "expected a property or literal near '%s'",
		    ps->tok == WT_EOF ? "end of query" : ps->text);
		return (NULL);
	}
	if (ps->tok != WT_OP) {
		wql_error(ps, "expected a comparison operator");
		goto fail;
	}
	op = wql_cmp_op(ps->text);
	wql_next(ps);
	if (flipped) {
		if (ps->tok != WT_IDENT || wql_is_reserved(ps->text)) {
			wql_error(ps, "expected a property name");
			goto fail;
		}
		prop = xstrdup(ps->text);
		wql_next(ps);
		op = wql_flip(op);
	} else if (wql_literal(ps, &lit, &text) == -1) {
		wql_error(ps, "expected a literal near '%s'",
		    ps->tok == WT_EOF ? "end of query" : ps->text);
		goto fail;
	}
	if (lit == WL_NULL && op != WQ_EQ && op != WQ_NE) {
		wql_error(ps, "NULL compares only with = or <>");
		goto fail;
	}
	if ((n = wql_node_new(ps, op)) == NULL)
		goto fail;
	n->prop = prop;
	n->lit = lit;
	n->text = text;
	wql_add_ref(ps->q, prop);
	return (n);
fail:
	free(prop);
	free(text);
	return (NULL);
}

static struct wql_node *
wql_not(struct wql_parser *ps)
{
	struct wql_node	*n, *c;

	if (wql_kw(ps, "NOT")) {
		wql_next(ps);
		if (++ps->depth > WQL_MAX_DEPTH) {
			wql_error(ps, "NOT nested too deep");
			return (NULL);
		}
		c = wql_not(ps);
		ps->depth--;
		if (c == NULL)
			return (NULL);
		if ((n = wql_node_new(ps, WQ_NOT)) == NULL) {
			wql_node_free(c);
			return (NULL);
		}
		n->l = c;
		return (n);
	}
	return (wql_primary(ps));
}

static struct wql_node *
wql_binary(struct wql_parser *ps, const char *kw, enum wql_op op,
    struct wql_node *(*sub)(struct wql_parser *))
{
	struct wql_node	*l, *r, *n;

	if ((l = sub(ps)) == NULL)
		return (NULL);
	while (wql_kw(ps, kw)) {
		wql_next(ps);
		if ((r = sub(ps)) == NULL ||
		    (n = wql_node_new(ps, op)) == NULL) {
			wql_node_free(l);
			wql_node_free(r);
			return (NULL);
		}
		n->l = l;
		n->r = r;
		l = n;
	}
	return (l);
}

static struct wql_node *
wql_and(struct wql_parser *ps)
{
	return (wql_binary(ps, "AND", WQ_AND, wql_not));
}

static struct wql_node *
wql_or(struct wql_parser *ps)
{
	return (wql_binary(ps, "OR", WQ_OR, wql_and));
}

struct wql_query *
wql_parse(const char *text, enum wql_dialect dialect, char *err,
    size_t errlen)
{
	struct wql_parser	 ps;
	struct wql_query	*q;

	memset(&ps, 0, sizeof(ps));
	ps.p = text;
	ps.dialect = dialect;
	ps.err = err;
	ps.errlen = errlen;
	q = ps.q = xcalloc(1, sizeof(*q));
	if (strlen(text) > 64 * 1024) {
		wql_error(&ps, "query too long");
		goto fail;
	}
	wql_next(&ps);
	if (!wql_kw(&ps, "SELECT")) {
		wql_error(&ps, "expected SELECT");
		goto fail;
	}
	wql_next(&ps);
	if (ps.tok == WT_STAR)
		wql_next(&ps);
	else {
		for (;;) {
			if (ps.tok != WT_IDENT || wql_is_reserved(ps.text)) {
				wql_error(&ps, "expected a property name");
				goto fail;
			}
			q->sel = xreallocarray(q->sel, q->nsel + 1,
			    sizeof(*q->sel));
			q->sel[q->nsel++] = xstrdup(ps.text);
			wql_add_ref(q, ps.text);
			wql_next(&ps);
			if (ps.tok != WT_COMMA)
				break;
			wql_next(&ps);
		}
	}
	if (!wql_kw(&ps, "FROM")) {
		wql_error(&ps, "expected FROM");
		goto fail;
	}
	wql_next(&ps);
	if (ps.tok != WT_IDENT || wql_is_reserved(ps.text)) {
		wql_error(&ps, "expected a class name");
		goto fail;
	}
	q->classname = xstrdup(ps.text);
	wql_next(&ps);
	if (wql_kw(&ps, "WHERE")) {
		wql_next(&ps);
		if ((q->where = wql_or(&ps)) == NULL)
			goto fail;
	}
	if (ps.tok != WT_EOF) {
		wql_error(&ps, "unexpected '%s' at end of query", ps.text);
		goto fail;
	}
	if (ps.failed)
		goto fail;
	return (q);
fail:
	if (!ps.failed)
		wql_error(&ps, "invalid query");
	wql_free(q);
	return (NULL);
}

void
wql_free(struct wql_query *q)
{
	size_t	i;

	if (q == NULL)
		return;
	free(q->classname);
	for (i = 0; i < q->nsel; i++)
		free(q->sel[i]);
	free(q->sel);
	for (i = 0; i < q->nrefs; i++)
		free(q->refs[i]);
	free(q->refs);
	wql_node_free(q->where);
	free(q);
}

const char *
wql_class(const struct wql_query *q)
{
	return (q->classname);
}

size_t
wql_nselect(const struct wql_query *q)
{
	return (q->nsel);
}

const char *
wql_select(const struct wql_query *q, size_t i)
{
	return (i < q->nsel ? q->sel[i] : NULL);
}

size_t
wql_nrefs(const struct wql_query *q)
{
	return (q->nrefs);
}

const char *
wql_ref(const struct wql_query *q, size_t i)
{
	return (i < q->nrefs ? q->refs[i] : NULL);
}

/* -1, 0, 1 like strcmp, for two integer texts; 2 when not integers. */
static int
wql_cmp_int(const char *a, const char *b)
{
	uint64_t	ua, ub;
	int64_t		sa, sb;

	if (parse_u64(a, &ua) == 0 && parse_u64(b, &ub) == 0)
		return (ua < ub ? -1 : ua > ub);
	if (parse_i64(a, &sa) == 0 && parse_i64(b, &sb) == 0)
		return (sa < sb ? -1 : sa > sb);
	if (parse_i64(a, &sa) == 0 && parse_u64(b, &ub) == 0)
		return (-1);	/* negative against beyond INT64_MAX */
	if (parse_u64(a, &ua) == 0 && parse_i64(b, &sb) == 0)
		return (1);
	return (2);
}

/* Three-valued: 1 true, 0 false, -1 unknown (NULL involved / no match). */
static int
wql_compare(const struct wql_node *n, const struct cim_value *v)
{
	const char	*a;
	double		 da, db;
	char		*end;
	int		 c;

	if (v->is_null || v->nvals == 0 || v->is_array)
		return (n->lit == WL_NULL ? (n->op == WQ_EQ) : -1);
	if (n->lit == WL_NULL)
		return (n->op == WQ_NE);
	a = v->vals[0];
	if (n->lit == WL_BOOL || v->type == CIM_T_BOOLEAN) {
		if (v->type != CIM_T_BOOLEAN || n->lit != WL_BOOL)
			return (-1);
		c = str_casecmp_ascii(a, n->text) != 0;
		if (n->op == WQ_EQ)
			return (!c);
		if (n->op == WQ_NE)
			return (c);
		return (-1);
	}
	if (n->lit == WL_NUMBER) {
		if ((c = wql_cmp_int(a, n->text)) == 2) {
			errno = 0;
			da = strtod(a, &end);
			if (*end != '\0' || end == a)
				return (-1);
			db = strtod(n->text, NULL);
			c = da < db ? -1 : da > db;
		}
	} else {
		if (v->type != CIM_T_STRING && v->type != CIM_T_CHAR16 &&
		    v->type != CIM_T_DATETIME && v->type != CIM_T_REFERENCE) {
			/* a quoted number against a numeric property */
			if ((c = wql_cmp_int(a, n->text)) == 2)
				return (-1);
		} else
			c = str_casecmp_ascii(a, n->text);
		c = c < 0 ? -1 : c > 0;
	}
	switch (n->op) {
	case WQ_EQ: return (c == 0);
	case WQ_NE: return (c != 0);
	case WQ_LT: return (c < 0);
	case WQ_GT: return (c > 0);
	case WQ_LE: return (c <= 0);
	case WQ_GE: return (c >= 0);
	default: return (-1);
	}
}

static int
wql_eval(const struct wql_node *n, wql_lookup_fn lookup, void *arg)
{
	const struct cim_value	*v;
	int			 a, b;

	switch (n->op) {
	case WQ_AND:
		a = wql_eval(n->l, lookup, arg);
		if (a == 0)
			return (0);
		b = wql_eval(n->r, lookup, arg);
		if (b == 0)
			return (0);
		return (a == 1 && b == 1 ? 1 : -1);
	case WQ_OR:
		a = wql_eval(n->l, lookup, arg);
		if (a == 1)
			return (1);
		b = wql_eval(n->r, lookup, arg);
		if (b == 1)
			return (1);
		return (a == 0 && b == 0 ? 0 : -1);
	case WQ_NOT:
		a = wql_eval(n->l, lookup, arg);
		return (a == -1 ? -1 : !a);
	case WQ_ISNULL:
	case WQ_NOTNULL:
		if (lookup(n->prop, &v, arg) == -1)
			return (-1);
		a = v->is_null || (v->nvals == 0 && !v->is_array);
		return (n->op == WQ_ISNULL ? a : !a);
	default:
		if (lookup(n->prop, &v, arg) == -1)
			return (-1);
		return (wql_compare(n, v));
	}
}

int
wql_match(const struct wql_query *q, wql_lookup_fn lookup, void *arg)
{
	if (q->where == NULL)
		return (1);
	return (wql_eval(q->where, lookup, arg) == 1);
}
