/*
 * buf.c: growable byte buffers with a hard cap, and the small checked
 * helpers (allocation, number parsing) every module shares.  Every
 * buffer filled from the network is a struct buf with a cap.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifndef _WIN32
#include <sys/time.h>
#endif

#include "cimhead.h"

void
buf_init(struct buf *b, size_t cap)
{
	memset(b, 0, sizeof(*b));
	b->cap = cap;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_release(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->size = 0;
}

/* Makes room for n more bytes plus the NUL; -1 when the cap forbids it. */
int
buf_reserve(struct buf *b, size_t n)
{
	size_t	need, nsize;

	if (n > SIZE_MAX - b->len - 1)
		return (-1);
	need = b->len + n + 1;
	if (b->cap != 0 && b->len + n > b->cap)
		return (-1);
	if (need <= b->size)
		return (0);
	nsize = b->size ? b->size : 256;
	while (nsize < need)
		nsize = nsize > SIZE_MAX / 2 ? need : nsize * 2;
	b->data = xreallocarray(b->data, nsize, 1);
	b->size = nsize;
	return (0);
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	/* room already there, under any cap: buf_reserve's answer, no call */
	if ((n >= b->size - b->len || (b->cap != 0 && b->len + n > b->cap)) &&
	    buf_reserve(b, n) == -1)
		return (-1);
	if (n != 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return (0);
}

int
buf_puts(struct buf *b, const char *s)
{
	return (buf_add(b, s, strlen(s)));
}

/* Decimal without printf: requests are built per probe (issue 14). */
int
buf_add_u64(struct buf *b, uint64_t v)
{
	char	tmp[24];
	size_t	i = sizeof(tmp);

	do {
		tmp[--i] = '0' + v % 10;
		v /= 10;
	} while (v != 0);
	return (buf_add(b, tmp + i, sizeof(tmp) - i));
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	ap;
	char	tmp[256];
	int	n;

	/* one formatting pass when the result is short, as most are */
	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return (-1);
	if ((size_t)n < sizeof(tmp))
		return (buf_add(b, tmp, (size_t)n));
	if (buf_reserve(b, (size_t)n) == -1)
		return (-1);
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return (0);
}

int
buf_xml_escape(struct buf *b, const char *s)
{
	const char	*p = s, *rep;
	size_t		 n;

	for (;;) {
		/* the run that needs no escaping, in one piece */
		n = strcspn(p, "&<>\"'");
		if (n > 0 && buf_add(b, p, n) == -1)
			return (-1);
		p += n;
		switch (*p) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&apos;"; break;
		default: return (0);	/* the end of s */
		}
		if (buf_puts(b, rep) == -1)
			return (-1);
		p++;
	}
}

char *
buf_steal(struct buf *b, size_t *lenp)
{
	char	*p;

	if (b->data == NULL)
		b->data = xstrdup("");
	p = b->data;
	if (lenp != NULL)
		*lenp = b->len;
	b->data = NULL;
	b->len = b->size = 0;
	return (p);
}

void *
xmalloc(size_t n)
{
	void	*p;

	if ((p = malloc(n ? n : 1)) == NULL)
		fatal("out of memory (%zu bytes)", n);
	return (p);
}

/*
 * Small blocks as malloc and memset: glibc's calloc skips its per-thread
 * cache and took 200 to 1,100 instructions a call where a cached malloc
 * and the memset take under 100 (issue 14).  Large ones stay calloc's,
 * which need not clear fresh pages.
 */
#define XCALLOC_SMALL	4096

void *
xcalloc(size_t n, size_t sz)
{
	void	*p;

	if (n == 0)
		n = 1;
	if (sz == 0)
		sz = 1;
	if (n <= XCALLOC_SMALL / sz) {
		p = xmalloc(n * sz);
		memset(p, 0, n * sz);
		return (p);
	}
	if ((p = calloc(n, sz)) == NULL)
		fatal("out of memory");
	return (p);
}

void *
xreallocarray(void *old, size_t n, size_t sz)
{
	void	*p;

	if (sz != 0 && n > SIZE_MAX / sz)
		fatal("allocation overflow");
	if ((p = realloc(old, (n * sz) != 0 ? n * sz : 1)) == NULL)
		fatal("out of memory");
	return (p);
}

char *
xstrdup(const char *s)
{
	char	*p;

	if ((p = strdup(s)) == NULL)
		fatal("out of memory");
	return (p);
}

char *
xstrndup(const char *s, size_t n)
{
	char	*p;

	if ((p = strndup(s, n)) == NULL)
		fatal("out of memory");
	return (p);
}

/*
 * Whole string, decimal, no sign, no spaces: what a uint64 on the wire is.
 * By hand, as strtoull reads it (ASCII digits to the end, -1 past
 * UINT64_MAX): every reading's figures and numeric values come here, and
 * strtoull's call was most of the cost.
 */
int
parse_u64(const char *s, uint64_t *out)
{
	uint64_t	v;

	if (s == NULL || *s < '0' || *s > '9')
		return (-1);
	for (v = 0; *s >= '0' && *s <= '9'; s++) {
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return (-1);
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (*s != '\0')
		return (-1);
	*out = v;
	return (0);
}

int
parse_i64(const char *s, int64_t *out)
{
	long long	 v;
	char		*end;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s))
		return (-1);
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || end == s)
		return (-1);
	*out = (int64_t)v;
	return (0);
}

int
parse_long_range(const char *s, long min, long max, long *out)
{
	int64_t	v;

	if (parse_i64(s, &v) == -1 || v < min || v > max)
		return (-1);
	*out = (long)v;
	return (0);
}

/*
 * ASCII letters only, whatever the locale, and no call per byte: header
 * names, CIM type names and media types go through here on every reply.
 */
#define ASCII_LOWER(c)	((c) >= 'A' && (c) <= 'Z' ? (c) - 'A' + 'a' : (c))

int
str_casecmp_ascii(const char *a, const char *b)
{
	int	ca, cb;

	for (;; a++, b++) {
		ca = (unsigned char)*a;
		cb = (unsigned char)*b;
		if (ca != cb) {
			ca = ASCII_LOWER(ca);
			cb = ASCII_LOWER(cb);
			if (ca != cb)
				return (ca - cb);
		}
		if (ca == '\0')
			return (0);
	}
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	return (-1);
}

/* %XX decoding; a stray '%' is kept as is.  -1 when out is too small. */
int
uri_unescape(const char *in, char *out, size_t outlen)
{
	size_t	o = 0;
	int	hi, lo;

	for (; *in != '\0'; in++) {
		if (o + 1 >= outlen)
			return (-1);
		if (*in == '%' && (hi = hexval((unsigned char)in[1])) != -1 &&
		    (lo = hexval((unsigned char)in[2])) != -1) {
			out[o++] = (char)(hi << 4 | lo);
			in += 2;
		} else
			out[o++] = *in;
	}
	if (outlen == 0)
		return (-1);
	out[o] = '\0';
	return (0);
}

int
hostport_split(const char *s, char *host, size_t hostlen, long minport,
    unsigned *port)
{
	const char	*colon;
	long		 p;
	size_t		 hl;

	colon = strrchr(s, ':');
	if (colon == NULL || parse_long_range(colon + 1, minport, 65535, &p))
		return (-1);
	hl = (size_t)(colon - s);
	if (s[0] == '[') {
		if (hl < 2 || s[hl - 1] != ']')
			return (-1);
		s++;
		hl -= 2;
	}
	if (hl == 0 || hl >= hostlen)
		return (-1);
	memcpy(host, s, hl);
	host[hl] = '\0';
	*port = (unsigned)p;
	return (0);
}

void
ms_to_tv(uint64_t ms, struct timeval *tv)
{
	tv->tv_sec = (long)(ms / 1000);
	tv->tv_usec = (long)(ms % 1000 * 1000);
}
