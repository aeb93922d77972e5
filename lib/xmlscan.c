/*
 * xmlscan.c: xml_sax_parse's own reader, for the documents it sees most (a
 * node's replies: UTF-8, no DOCTYPE, ASCII names).  libxml2's push parser
 * spent about 75,000 instructions on a 1.5 KB probe reply (issue 14).
 *
 * It is strict on purpose: anything it is not certain of (a DOCTYPE, a
 * PI, another encoding or byte order mark, an entity other than the five
 * predefined ones, a non-ASCII name, a construct that is not well-formed,
 * a namespace declaration libxml2 would remark on, a depth or size near a
 * cap) makes it hand the document back untouched, and xml.c asks libxml2,
 * whose errors and refusals are then the caller's exactly as before.  So
 * that no handler ever sees part of a document from here and then all of
 * it again from libxml2, the whole document is read into events first and
 * handed to the handlers only once it is known good.
 *
 * The events are the ones libxml2 gives (tests/fuzz/fuzz_xmlscan.c
 * compares the two readers on every input): the same names, prefixes,
 * namespaces, declarations, decoded attribute values, lines, and text once
 * its pieces are put together.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <libxml/parserInternals.h>

#include "cimhead.h"
#include "codec_int.h"

#define XS_NSTART	0x01	/* an ASCII name may start with it */
#define XS_NCHAR	0x02	/* ... and go on with it (no ':') */
#define XS_SPACE	0x04	/* S: space, tab, LF, CR */
#define XS_TEXT		0x08	/* character data taken as it is */
#define XS_ATTR		0x10	/* an attribute value's byte taken as it is */

static const unsigned char xs_cls[256] = {
	['\t'] = XS_SPACE | XS_TEXT,
	['\n'] = XS_SPACE | XS_TEXT,
	['\r'] = XS_SPACE,
	[' '] = XS_SPACE | XS_TEXT | XS_ATTR,
	['!'] = XS_TEXT | XS_ATTR,
	['"'] = XS_TEXT,
	['#' ... '%'] = XS_TEXT | XS_ATTR,
	['\''] = XS_TEXT,
	['('] = XS_TEXT | XS_ATTR,
	[')' ... ','] = XS_TEXT | XS_ATTR,
	['-' ... '.'] = XS_NCHAR | XS_TEXT | XS_ATTR,
	['/'] = XS_TEXT | XS_ATTR,
	['0' ... '9'] = XS_NCHAR | XS_TEXT | XS_ATTR,
	[':' ... ';'] = XS_TEXT | XS_ATTR,
	['='] = XS_TEXT | XS_ATTR,
	['>' ... '@'] = XS_TEXT | XS_ATTR,
	['A' ... 'Z'] = XS_NSTART | XS_NCHAR | XS_TEXT | XS_ATTR,
	['['] = XS_TEXT | XS_ATTR,
	['\\'] = XS_TEXT | XS_ATTR,
	[']'] = XS_ATTR,
	['^'] = XS_TEXT | XS_ATTR,
	['_'] = XS_NSTART | XS_NCHAR | XS_TEXT | XS_ATTR,
	['`'] = XS_TEXT | XS_ATTR,
	['a' ... 'z'] = XS_NSTART | XS_NCHAR | XS_TEXT | XS_ATTR,
	['{' ... 0x7f] = XS_TEXT | XS_ATTR,
};
#define XS_IS(c, bit)	(xs_cls[(unsigned char)(c)] & (bit))
/* an ASCII Char: what a comment or CDATA section may hold as it is */
#define XS_ASCII(c)	(((unsigned char)(c) >= 0x20 && \
			    (unsigned char)(c) < 0x80) || XS_IS(c, XS_SPACE))

/* The namespaces libxml2 binds itself or refuses to see bound. */
#define XS_NS_XML	"http://www.w3.org/XML/1998/namespace"
#define XS_NS_XMLNS	"http://www.w3.org/2000/xmlns/"

/*
 * Caps below libxml2's own (names 50,000 bytes, a value, section or
 * comment 10,000,000 without XML_PARSE_HUGE, 256 levels in a memory
 * context), so a document near one is libxml2's to refuse as it does.
 */
#define XS_MAX_NAME	1000
#define XS_MAX_PIECE	XML_MAX_TEXT_LENGTH
#define XS_MAX_DEPTH	255
#define XS_MAX_ATTRS	256
/* a reader kept for the next document after one this size or less */
#define XS_KEEP_BYTES	(64 * 1024)

enum xs_kind {
	XS_START,
	XS_END,
	XS_CHARS
};

struct xs_ev {
	enum xs_kind	 kind;
	size_t		 i;	/* XS_START, XS_END: the element; else offset */
	size_t		 len;	/* XS_CHARS */
};

struct xs_el {
	const char	*name;
	const char	*prefix;	/* NULL: none */
	const char	*uri;		/* NULL: none */
	size_t		 nlen;
	size_t		 plen;
	size_t		 at0;		/* attributes: at[at0 ...] */
	size_t		 nat;
	size_t		 ns0;		/* declarations: ns[ns0 ...], pairs */
	size_t		 nns;
	long		 line;
};

/* A name in the parse's table: one pointer for one name, as libxml2's. */
struct xs_name {
	const char	*s;
	size_t		 len;
	unsigned	 hash;
	unsigned	 gen;		/* the parse it was put in */
};

struct xmlscan {
	char		*doc;		/* the copy, decoded in place */
	size_t		 docsize;
	const char	*data;		/* the caller's, for the line count */
	const char	*dend;		/* ... its end */
	const char	*nl;		/* its first LF not counted, or dend */
	long		 line;
	int		 max_depth;
	struct xs_ev	*ev;
	size_t		 nev, evsize;
	struct xs_el	*el;
	size_t		 nel, elsize;
	struct xml_attr	*at;
	size_t		 nat, atsize;
	const char	**ns;		/* (prefix, URI) pairs */
	size_t		 nns, nssize;
	size_t		*open;		/* the open elements, outermost first */
	size_t		 nopen, opensize;
	struct xs_name	*names;		/* open addressing, a power of 2 */
	size_t		 nnames, namesize;
	unsigned	 gen;		/* this parse's; older entries are free */
};

static struct xmlscan	*xs_kept;	/* as xml.c keeps its push parser */

/* Room for one more of n in *p (of *size). */
static void *
xs_room(void *p, size_t *size, size_t n, size_t elsize)
{
	if (n < *size)
		return (p);
	*size = *size < 16 ? 16 : *size * 2;
	return (xreallocarray(p, *size, elsize));
}

/* The array grown out of line: xs_event is inlined at each of its calls. */
static void
xs_event_grow(struct xmlscan *s)
{
	s->ev = xs_room(s->ev, &s->evsize, s->nev, sizeof(*s->ev));
}

static inline void
xs_event(struct xmlscan *s, enum xs_kind kind, size_t i, size_t len)
{
	struct xs_ev	*ev;

	if (s->nev == s->evsize)
		xs_event_grow(s);
	ev = &s->ev[s->nev++];
	ev->kind = kind;
	ev->i = i;
	ev->len = len;
}

static void
xs_names_grow(struct xmlscan *s)
{
	struct xs_name	*old = s->names;
	size_t		 i, j, oldsize = s->namesize;

	s->namesize = oldsize < 64 ? 64 : oldsize * 2;
	s->names = xcalloc(s->namesize, sizeof(*s->names));
	for (i = 0; i < oldsize; i++) {
		if (old[i].gen != s->gen)
			continue;
		for (j = old[i].hash & (s->namesize - 1);
		    s->names[j].gen == s->gen; j = (j + 1) & (s->namesize - 1))
			;
		s->names[j] = old[i];
	}
	free(old);
}

/*
 * The parse's one copy of the name of len bytes at p (NUL-terminated):
 * handlers may compare names by pointer, as libxml2's dictionary lets
 * them (wsman.c gathers an array's members so).
 */
static inline const char *
xs_intern(struct xmlscan *s, const char *p, size_t len, unsigned h)
{
	struct xs_name	*n;
	size_t		 i;

	if ((s->nnames + 1) * 2 > s->namesize)
		xs_names_grow(s);
	for (i = h & (s->namesize - 1); ; i = (i + 1) & (s->namesize - 1)) {
		n = &s->names[i];
		if (n->gen != s->gen) {
			n->s = p;
			n->len = len;
			n->hash = h;
			n->gen = s->gen;
			s->nnames++;
			return (p);
		}
		if (n->hash == h && n->len == len && memcmp(n->s, p, len) == 0)
			return (n->s);
	}
}

/* FNV-1a, the names' hash, taken as xs_qname reads them */
#define XS_HASH0		2166136261u
#define XS_HASH(h, c)		(((h) ^ (unsigned char)(c)) * 16777619u)

static unsigned
xs_hash(const char *p, size_t len)
{
	unsigned	h = XS_HASH0;
	size_t		i;

	for (i = 0; i < len; i++)
		h = XS_HASH(h, p[i]);
	return (h);
}

/*
 * libxml2's line at p: one more than the LF bytes before it.  The next LF
 * is known ahead, so a tag with no LF since the last costs no search.
 */
static long
xs_line(struct xmlscan *s, const char *p)
{
	const char	*e = s->data + (p - s->doc);

	while (s->nl < e) {
		s->line++;
		if ((s->nl = memchr(s->nl + 1, '\n',
		    (size_t)(s->dend - s->nl - 1))) == NULL)
			s->nl = s->dend;
	}
	return (s->line);
}

/* An XML Char, as libxml2's IS_CHAR. */
static int
xs_char(unsigned long c)
{
	if (c < 0x20)
		return (c == '\t' || c == '\n' || c == '\r');
	return (c <= 0xd7ff || (c >= 0xe000 && c <= 0xfffd) ||
	    (c >= 0x10000 && c <= 0x10ffff));
}

/*
 * The length of the well-formed UTF-8 sequence of one Char at p (a byte
 * over 0x7f), 0 on anything else: overlong forms, surrogates, U+FFFE.
 */
static size_t
xs_utf8(const char *p)
{
	const unsigned char	*u = (const unsigned char *)p;
	unsigned long		 c;
	size_t			 n, i;

	if (u[0] >= 0xc2 && u[0] <= 0xdf) {
		n = 2;
		c = u[0] & 0x1f;
	} else if (u[0] >= 0xe0 && u[0] <= 0xef) {
		n = 3;
		c = u[0] & 0x0f;
	} else if (u[0] >= 0xf0 && u[0] <= 0xf4) {
		n = 4;
		c = u[0] & 0x07;
	} else
		return (0);
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return (0);
		c = c << 6 | (u[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || !xs_char(c))
		return (0);
	return (n);
}

/* c as UTF-8 at w; past it. */
static char *
xs_put(char *w, unsigned long c)
{
	if (c < 0x80)
		*w++ = (char)c;
	else if (c < 0x800) {
		*w++ = (char)(0xc0 | c >> 6);
		*w++ = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		*w++ = (char)(0xe0 | c >> 12);
		*w++ = (char)(0x80 | (c >> 6 & 0x3f));
		*w++ = (char)(0x80 | (c & 0x3f));
	} else {
		*w++ = (char)(0xf0 | c >> 18);
		*w++ = (char)(0x80 | (c >> 12 & 0x3f));
		*w++ = (char)(0x80 | (c >> 6 & 0x3f));
		*w++ = (char)(0x80 | (c & 0x3f));
	}
	return (w);
}

/*
 * A CR (with the LF after it) at *pp written at *wp as eol, a line end
 * being LF in text and a space in a value, or a UTF-8 character as it is;
 * both pointers past it.  -1 on anything else: a control character, bad
 * UTF-8, the end.
 */
static int
xs_other(char **pp, char **wp, char eol)
{
	char	*p = *pp;
	size_t	 n;

	if (*p == '\r') {
		*(*wp)++ = eol;
		*pp = p + (p[1] == '\n' ? 2 : 1);
		return (0);
	}
	if ((unsigned char)*p < 0x80 || (n = xs_utf8(p)) == 0)
		return (-1);
	memmove(*wp, p, n);
	*wp += n;
	*pp = p + n;
	return (0);
}

/*
 * The reference at p ('&'): its character written at *wp, which is never
 * past p (a reference is longer than what it stands for).  The byte after
 * its ';', or NULL: a declared entity, a bad or out-of-range number.
 */
static char *
xs_ref(char *p, char **wp)
{
	static const struct {
		const char	*name;
		size_t		 len;
		char		 c;
	} pre[] = {
		{ "lt;", 3, '<' }, { "gt;", 3, '>' }, { "amp;", 4, '&' },
		{ "apos;", 5, '\'' }, { "quot;", 5, '"' },
	};
	unsigned long	 c = 0;
	size_t		 i, n = 0;
	int		 d;
	char		*q;

	if (p[1] != '#') {
		for (i = 0; i < nitems(pre); i++)
			if (strncmp(p + 1, pre[i].name, pre[i].len) == 0) {
				*(*wp)++ = pre[i].c;
				return (p + 1 + pre[i].len);
			}
		return (NULL);
	}
	if (p[2] == 'x') {
		for (q = p + 3; n < 8; q++, n++) {
			if (*q >= '0' && *q <= '9')
				d = *q - '0';
			else if (*q >= 'a' && *q <= 'f')
				d = *q - 'a' + 10;
			else if (*q >= 'A' && *q <= 'F')
				d = *q - 'A' + 10;
			else
				break;
			c = c * 16 + (unsigned long)d;
		}
	} else {
		for (q = p + 2; n < 8 && *q >= '0' && *q <= '9'; q++, n++)
			c = c * 10 + (unsigned long)(*q - '0');
	}
	if (n == 0 || *q != ';' || !xs_char(c))
		return (NULL);
	*wp = xs_put(*wp, c);
	return (q + 1);
}

/* A comment's body at p (after "<!--"): the byte after "-->", or NULL. */
static char *
xs_comment(char *p)
{
	char	*b = p;
	size_t	 n;

	for (;;) {
		if (*p == '-' && p[1] == '-') {
			/* "--" only as the end, and not after a '-' */
			if (p[2] != '>' || p - b > XS_MAX_PIECE)
				return (NULL);
			return (p + 3);
		}
		if (XS_ASCII(*p))
			p++;
		else if ((unsigned char)*p >= 0x80 && (n = xs_utf8(p)) > 0)
			p += n;
		else
			return (NULL);
	}
}

/*
 * A CDATA section's body at p (after "<![CDATA["), its line ends read as
 * LF (as xml_eol_runs reads libxml2's), written at *wp: past "]]>".
 */
static char *
xs_cdata(char *p, char **wp)
{
	char	*w = *wp, *b = p;

	for (;;) {
		if (*p == ']' && p[1] == ']' && p[2] == '>') {
			if (p - b > XS_MAX_PIECE)
				return (NULL);
			*wp = w;
			return (p + 3);
		}
		if (*p != '\r' && XS_ASCII(*p))
			*w++ = *p++;
		else if (xs_other(&p, &w, '\n') == -1)
			return (NULL);
	}
}

/*
 * Character data from p up to the next tag, decoded in place (references,
 * CDATA sections, line ends; comments dropped) into one event: the '<' of
 * the tag, or NULL.
 */
static char *
xs_text(struct xmlscan *s, char *p)
{
	char	*t = p, *w;

	/* nothing to move until the first thing decoded shortens it */
	while (XS_IS(*p, XS_TEXT))
		p++;
	for (w = p;;) {
		while (XS_IS(*p, XS_TEXT))
			*w++ = *p++;
		if (*p == '<') {
			if (p[1] != '!')
				break;
			if (p[2] == '-' && p[3] == '-')
				p = xs_comment(p + 4);
			else if (strncmp(p + 2, "[CDATA[", 7) == 0)
				p = xs_cdata(p + 9, &w);
			else
				return (NULL);
		} else if (*p == '&')
			p = xs_ref(p, &w);
		else if (*p == ']') {
			if (p[1] == ']' && p[2] == '>')
				return (NULL);
			*w++ = *p++;
		} else if (xs_other(&p, &w, '\n') == -1)
			return (NULL);
		if (p == NULL)
			return (NULL);
	}
	if (w > t)
		xs_event(s, XS_CHARS, (size_t)(t - s->doc), (size_t)(w - t));
	return (p);
}

/*
 * An attribute value at p (after its quote), decoded in place as libxml2
 * normalises one of type CDATA (tab, LF, CR and CR LF read as one space;
 * characters written as references stay) and NUL-terminated: the byte
 * after the closing quote, or NULL.  *refs is set when it had any.
 */
static char *
xs_attval(char *p, char quote, int *refs)
{
	char	*w, *b = p;

	while (XS_IS(*p, XS_ATTR))
		p++;
	for (w = p;;) {
		while (XS_IS(*p, XS_ATTR))
			*w++ = *p++;
		if (*p == quote) {
			if (p - b > XS_MAX_PIECE)
				return (NULL);
			*w = '\0';
			return (p + 1);
		}
		if (*p == '"' || *p == '\'')
			*w++ = *p++;
		else if (*p == '&') {
			*refs = 1;
			if ((p = xs_ref(p, &w)) == NULL)
				return (NULL);
		} else if (*p == '\t' || *p == '\n') {
			*w++ = ' ';
			p++;
		} else if (xs_other(&p, &w, ' ') == -1)
			return (NULL);	/* '<', a control character, the end */
	}
}

/*
 * A QName of ASCII NCNames at p: its end, *colon the ':' in it or NULL,
 * h[0] the prefix's hash and h[1] the local name's; NULL when there is
 * none, or one libxml2 would read otherwise.
 */
static char *
xs_qname(char *p, char **colon, unsigned h[2])
{
	char		*b = p;
	unsigned	 x = XS_HASH0;

	*colon = NULL;
	if (!XS_IS(*p, XS_NSTART))
		return (NULL);
	do
		x = XS_HASH(x, *p);
	while (XS_IS(*++p, XS_NCHAR));
	if (*p == ':') {
		*colon = p;
		h[0] = x;
		x = XS_HASH0;
		if (!XS_IS(*++p, XS_NSTART))
			return (NULL);
		do
			x = XS_HASH(x, *p);
		while (XS_IS(*++p, XS_NCHAR));
	}
	h[1] = x;
	if (*p == ':' || (unsigned char)*p >= 0x80 || p - b > XS_MAX_NAME)
		return (NULL);
	return (p);
}

/* The URI prefix (NULL: the default) is bound to, as libxml2 looks. */
static const char *
xs_lookup(const struct xmlscan *s, const char *prefix)
{
	const struct xs_el	*el;
	size_t			 i, j;

	/* CIM-XML declares none: no walk up the open elements */
	if (s->nns == 0)
		return (NULL);
	for (i = s->nopen; i-- > 0; ) {
		el = &s->el[s->open[i]];
		for (j = el->nns; j-- > 0; ) {
			const char *p = s->ns[el->ns0 + j * 2];

			if (prefix == NULL ? p == NULL :
			    p != NULL && strcmp(p, prefix) == 0)
				return (s->ns[el->ns0 + j * 2 + 1]);
		}
	}
	return (NULL);
}

/*
 * A namespace declaration (prefix NULL: the default) on the element being
 * read; -1 on one libxml2 remarks on or leaves out (empty, a reserved
 * name or URI, declared twice, a reference in the URI, kept as "&#38;").
 */
static int
xs_nsdecl(struct xmlscan *s, size_t ns0, const char *prefix, const char *uri,
    int refs)
{
	size_t	i;

	if (refs || *uri == '\0' || strcmp(uri, XS_NS_XML) == 0 ||
	    strcmp(uri, XS_NS_XMLNS) == 0)
		return (-1);
	if (prefix != NULL && (strcmp(prefix, "xml") == 0 ||
	    strcmp(prefix, "xmlns") == 0))
		return (-1);
	for (i = ns0; i < s->nns; i += 2)
		if (prefix == NULL ? s->ns[i] == NULL :
		    s->ns[i] != NULL && strcmp(s->ns[i], prefix) == 0)
			return (-1);
	s->ns = xs_room(s->ns, &s->nssize, s->nns + 1, sizeof(*s->ns));
	s->ns[s->nns++] = prefix != NULL ?
	    xs_intern(s, prefix, strlen(prefix), xs_hash(prefix,
	    strlen(prefix))) : NULL;
	s->ns[s->nns++] = xs_intern(s, uri, strlen(uri),
	    xs_hash(uri, strlen(uri)));
	return (0);
}

/*
 * The namespaces of the element just opened and its attributes; -1 on an
 * unbound or reserved prefix, or two attributes with one name.
 */
static int
xs_resolve(struct xmlscan *s, struct xs_el *el)
{
	struct xml_attr	*a = el->nat > 0 ? s->at + el->at0 : NULL;
	size_t		 i, j;

	if (el->prefix != NULL) {
		if (strcmp(el->prefix, "xml") == 0 ||
		    (el->uri = xs_lookup(s, el->prefix)) == NULL)
			return (-1);
	} else
		el->uri = xs_lookup(s, NULL);
	for (i = 0; i < el->nat; i++) {
		if (a[i].prefix == NULL)
			a[i].uri = NULL;
		else if (strcmp(a[i].prefix, "xml") == 0) {
			/* libxml2 checks xml:space's value: not ours to */
			if (strcmp(a[i].name, "space") == 0)
				return (-1);
			a[i].uri = XS_NS_XML;
		} else if ((a[i].uri = xs_lookup(s, a[i].prefix)) == NULL)
			return (-1);
		/* names and prefixes are the parse's own: one pointer each */
		for (j = 0; j < i; j++) {
			if (a[i].name != a[j].name)
				continue;
			if (a[i].prefix == a[j].prefix)
				return (-1);
			if (a[i].uri != NULL && a[j].uri != NULL &&
			    strcmp(a[i].uri, a[j].uri) == 0)
				return (-1);
		}
	}
	return (0);
}

/*
 * A start tag at p ('<'), names and values NUL-terminated in place: the
 * byte after it, or NULL.  Each name's end is looked at before the NUL
 * goes over it.
 */
static char *
xs_stag(struct xmlscan *s, char *p)
{
	struct xs_el	*el;
	struct xml_attr	*a;
	char		*name, *colon, *q, *nend, *an, *ne, *v, c, quote;
	unsigned	 eh[2], ah[2];
	size_t		 e, at0 = s->nat, ns0 = s->nns;
	int		 refs, empty;

	name = p + 1;
	if ((q = xs_qname(name, &colon, eh)) == NULL)
		return (NULL);
	nend = q;
	c = *q;
	*q = '\0';
	if (colon != NULL)
		*colon = '\0';
	p = q;
	for (;;) {
		/* c: the byte at p, which may be a NUL of ours by now */
		if (c == '>' || c == '/')
			break;
		if (!XS_IS(c, XS_SPACE))
			return (NULL);
		while (XS_IS(*++p, XS_SPACE))
			;
		if ((c = *p) == '>' || c == '/')
			break;
		an = p;
		if ((ne = xs_qname(an, &v, ah)) == NULL)
			return (NULL);
		for (p = ne; XS_IS(*p, XS_SPACE); p++)
			;
		if (*p != '=')
			return (NULL);
		*ne = '\0';
		if (v != NULL)
			*v = '\0';
		while (XS_IS(*++p, XS_SPACE))
			;
		if ((quote = *p) != '"' && quote != '\'')
			return (NULL);
		refs = 0;
		q = p + 1;
		if ((p = xs_attval(q, quote, &refs)) == NULL)
			return (NULL);
		c = *p;
		/* the first byte first: CIM-XML declares no namespace */
		if (*an == 'x' && v == NULL && strcmp(an, "xmlns") == 0) {
			if (xs_nsdecl(s, ns0, NULL, q, refs) == -1)
				return (NULL);
			continue;
		}
		if (*an == 'x' && v != NULL && strcmp(an, "xmlns") == 0) {
			if (xs_nsdecl(s, ns0, v + 1, q, refs) == -1)
				return (NULL);
			continue;
		}
		if (s->nat - at0 >= XS_MAX_ATTRS)
			return (NULL);
		s->at = xs_room(s->at, &s->atsize, s->nat, sizeof(*s->at));
		a = &s->at[s->nat++];
		if (v != NULL) {
			a->name = xs_intern(s, v + 1, (size_t)(ne - v - 1),
			    ah[1]);
			a->prefix = xs_intern(s, an, (size_t)(v - an), ah[0]);
		} else {
			a->name = xs_intern(s, an, (size_t)(ne - an), ah[1]);
			a->prefix = NULL;
		}
		a->uri = NULL;
		a->value = q;
	}
	if ((empty = c == '/') && p[1] != '>')
		return (NULL);
	if (s->nopen >= (size_t)s->max_depth || s->nopen >= XS_MAX_DEPTH)
		return (NULL);

	s->el = xs_room(s->el, &s->elsize, s->nel, sizeof(*s->el));
	e = s->nel++;
	el = &s->el[e];
	el->nlen = (size_t)(nend - (colon != NULL ? colon + 1 : name));
	el->plen = colon != NULL ? (size_t)(colon - name) : 0;
	el->name = xs_intern(s, colon != NULL ? colon + 1 : name, el->nlen,
	    eh[1]);
	el->prefix = colon != NULL ? xs_intern(s, name, el->plen, eh[0]) :
	    NULL;
	el->at0 = at0;
	el->nat = s->nat - at0;
	el->ns0 = ns0;
	el->nns = (s->nns - ns0) / 2;
	/* libxml2 reports the start with its cursor on the '>' or "/>" */
	el->line = xs_line(s, p);
	s->open = xs_room(s->open, &s->opensize, s->nopen, sizeof(*s->open));
	s->open[s->nopen++] = e;
	if (xs_resolve(s, el) == -1)
		return (NULL);
	xs_event(s, XS_START, e, 0);
	if (empty) {
		xs_event(s, XS_END, e, 0);
		s->nopen--;
		return (p + 2);
	}
	return (p + 1);
}

/* An end tag at p ("</"), of the innermost open element: past it. */
static char *
xs_etag(struct xmlscan *s, char *p)
{
	const struct xs_el	*el = &s->el[s->open[s->nopen - 1]];

	p += 2;
	if (el->prefix != NULL) {
		if (strncmp(p, el->prefix, el->plen) != 0 || p[el->plen] != ':')
			return (NULL);
		p += el->plen + 1;
	}
	if (strncmp(p, el->name, el->nlen) != 0)
		return (NULL);
	for (p += el->nlen; XS_IS(*p, XS_SPACE); p++)
		;
	if (*p != '>')
		return (NULL);
	xs_event(s, XS_END, s->open[--s->nopen], 0);
	return (p + 1);
}

/* Eq and a quoted value at p: the value, NUL-terminated; *pp past it. */
static char *
xs_declval(char **pp)
{
	char	*p = *pp, *v, quote;

	while (XS_IS(*p, XS_SPACE))
		p++;
	if (*p++ != '=')
		return (NULL);
	while (XS_IS(*p, XS_SPACE))
		p++;
	if ((quote = *p) != '"' && quote != '\'')
		return (NULL);
	for (v = ++p; *p != quote; p++)
		if (!XS_IS(*p, XS_NCHAR))
			return (NULL);
	*p = '\0';
	*pp = p + 1;
	return (v);
}

/*
 * The XML declaration at p ("<?xml" and a blank) as XML 1.0 writes it,
 * version 1.0, encoding UTF-8 or US-ASCII (*ascii set) if any: past it.
 */
static char *
xs_xmldecl(char *p, int *ascii)
{
	char	*v;
	int	 sp;

	for (p += 5; XS_IS(*p, XS_SPACE); p++)
		;
	if (strncmp(p, "version", 7) != 0)
		return (NULL);
	p += 7;
	if ((v = xs_declval(&p)) == NULL || strcmp(v, "1.0") != 0)
		return (NULL);
	for (sp = 0; XS_IS(*p, XS_SPACE); p++)
		sp = 1;
	if (sp && strncmp(p, "encoding", 8) == 0) {
		p += 8;
		if ((v = xs_declval(&p)) == NULL)
			return (NULL);
		if (str_casecmp_ascii(v, "US-ASCII") == 0)
			*ascii = 1;
		else if (str_casecmp_ascii(v, "UTF-8") != 0)
			return (NULL);
		for (sp = 0; XS_IS(*p, XS_SPACE); p++)
			sp = 1;
	}
	if (sp && strncmp(p, "standalone", 10) == 0) {
		p += 10;
		if ((v = xs_declval(&p)) == NULL ||
		    (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0))
			return (NULL);
		while (XS_IS(*p, XS_SPACE))
			p++;
	}
	if (p[0] != '?' || p[1] != '>')
		return (NULL);
	return (p + 2);
}

/* Blanks and comments before or after the root: the byte after them. */
static char *
xs_misc(char *p)
{
	while (p != NULL) {
		while (XS_IS(*p, XS_SPACE))
			p++;
		if (strncmp(p, "<!--", 4) != 0)
			break;
		p = xs_comment(p + 4);
	}
	return (p);
}

/* The whole document into events: 0, or -1 when libxml2 is to read it. */
static int
xs_read(struct xmlscan *s, size_t len)
{
	const unsigned char	*u;
	char			*p = s->doc, *end = s->doc + len;
	int			 ascii = 0, bom = 0;

	if ((unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbb &&
	    (unsigned char)p[2] == 0xbf) {
		p += 3;
		bom = 1;
	}
	if (strncmp(p, "<?xml", 5) == 0 && XS_IS(p[5], XS_SPACE)) {
		if ((p = xs_xmldecl(p, &ascii)) == NULL || (ascii && bom))
			return (-1);
		/* libxml2 reads on through an ASCII decoder: none past 0x7f */
		for (u = (unsigned char *)p; ascii && u < (unsigned char *)end;
		    u++)
			if (*u >= 0x80)
				return (-1);
	}
	if ((p = xs_misc(p)) == NULL || *p != '<' || !XS_IS(p[1], XS_NSTART))
		return (-1);
	for (;;) {
		if (p[1] == '/')
			p = xs_etag(s, p);
		else if (XS_IS(p[1], XS_NSTART))
			p = xs_stag(s, p);
		else
			return (-1);	/* a PI, a DOCTYPE, '<' alone ... */
		if (p == NULL)
			return (-1);
		if (s->nopen == 0)
			break;
		if ((p = xs_text(s, p)) == NULL)
			return (-1);
	}
	if ((p = xs_misc(p)) == NULL || p != end)
		return (-1);
	return (0);
}

/* The events to h; 0, or -2 when a handler gave up. */
static int
xs_dispatch(struct xmlscan *s, const struct xml_sax *h, void *arg)
{
	const struct xs_ev	*ev;
	const struct xs_el	*el;
	struct xml_elem		 xe;
	size_t			 i;
	int			 rc = 0;

	s->nopen = 0;
	for (i = 0; i < s->nev && rc != -1; i++) {
		ev = &s->ev[i];
		switch (ev->kind) {
		case XS_START:
			el = &s->el[ev->i];
			s->open[s->nopen++] = ev->i;
			xe.name = el->name;
			xe.prefix = el->prefix;
			xe.uri = el->uri;
			xe.nsdecl = el->nns > 0 ? s->ns + el->ns0 : NULL;
			xe.nnsdecl = el->nns;
			xe.attrs = el->nat > 0 ? s->at + el->at0 : NULL;
			xe.nattrs = el->nat;
			xe.line = el->line;
			rc = h->start(arg, &xe);
			break;
		case XS_END:
			el = &s->el[ev->i];
			rc = h->end(arg, el->name, el->uri);
			s->nopen--;
			break;
		case XS_CHARS:
			rc = h->text(arg, s->doc + ev->i, ev->len);
			break;
		}
	}
	return (rc == -1 ? -2 : 0);
}

static struct xmlscan *
xs_new(void)
{
	struct xmlscan	*s;

	if ((s = xs_kept) != NULL) {
		xs_kept = NULL;
		return (s);
	}
	return (xcalloc(1, sizeof(*s)));
}

static void
xs_free(struct xmlscan *s)
{
	free(s->doc);
	free(s->ev);
	free(s->el);
	free(s->at);
	free(s->ns);
	free(s->open);
	free(s->names);
	free(s);
}

int
xmlscan_parse(const char *data, size_t len, int max_depth,
    const struct xml_sax *h, void *arg, struct xmlscan **sp)
{
	struct xmlscan	*s = xs_new();
	int		 rc;

	if (len + 1 > s->docsize) {
		free(s->doc);
		s->doc = xmalloc(len + 1);
		s->docsize = len + 1;
	}
	memcpy(s->doc, data, len);
	s->doc[len] = '\0';
	s->data = data;
	s->dend = data + len;
	if (len == 0 || (s->nl = memchr(data, '\n', len)) == NULL)
		s->nl = s->dend;
	s->line = 1;
	s->max_depth = max_depth;
	s->nev = s->nel = s->nat = s->nns = s->nopen = s->nnames = 0;
	if (++s->gen == 0) {
		/* after 2^32 parses: no entry may pass for this one's */
		free(s->names);
		s->names = NULL;
		s->namesize = 0;
		s->gen = 1;
	}
	if (xs_read(s, len) == -1)
		rc = 1;
	else {
		if (sp != NULL)
			*sp = s;
		rc = xs_dispatch(s, h, arg);
		if (sp != NULL)
			*sp = NULL;
	}
	if (xs_kept == NULL && s->docsize <= XS_KEEP_BYTES)
		xs_kept = s;
	else
		xs_free(s);
	return (rc);
}

const char *
xmlscan_ns_uri(const struct xmlscan *s, const char *prefix)
{
	return (xs_lookup(s, prefix));
}
