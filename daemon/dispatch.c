/*
 * dispatch.c: where a viewer is sent.  Checks the title a viewer asked
 * for, expands the node's stream URL template, and signs it with an
 * expiring token a node can verify without talking to us.  Pure.
 *
 * Token: hex(HMAC-SHA256(secret, "<expires>:<path>")), where expires is
 * the Unix time (seconds) written into the URL and path is the expanded
 * URL's path component exactly as sent (still %-escaped, before any '?').
 * The template must therefore keep {token} and {expires} out of the path.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "cimheadd.h"

/* Valid UTF-8, shortest form, no surrogates, nothing past U+10FFFF. */
static int
utf8_valid(const unsigned char *s, size_t n)
{
	size_t		i = 0, k, len;
	uint32_t	cp, min;

	while (i < n) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			len = 2; cp = s[i] & 0x1f; min = 0x80;
		} else if ((s[i] & 0xf0) == 0xe0) {
			len = 3; cp = s[i] & 0x0f; min = 0x800;
		} else if ((s[i] & 0xf8) == 0xf0) {
			len = 4; cp = s[i] & 0x07; min = 0x10000;
		} else
			return (0);
		if (i + len > n)
			return (0);
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return (0);
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return (0);
		i += len;
	}
	return (1);
}

/*
 * A title is one or more '/'-separated segments of letters, digits,
 * " -_.~+,()'" and non-ASCII UTF-8; no empty, "." or ".." segment, so it
 * can never climb out of a node's media directory.
 */
int
dispatch_title_check(const char *raw, char *out, size_t outlen)
{
	const unsigned char	*p;
	const char		*seg;
	size_t			 n, sl;

	if (raw == NULL || *raw == '\0' || strlen(raw) > 3 * DISPATCH_TITLE_MAX)
		return (-1);
	/* %00 would hide the rest of the title from every check below. */
	if (strstr(raw, "%00") != NULL)
		return (-1);
	if (outlen < DISPATCH_TITLE_MAX + 1 || uri_unescape(raw, out, outlen))
		return (-1);
	n = strlen(out);
	if (n == 0 || n > DISPATCH_TITLE_MAX)
		return (-1);
	if (!utf8_valid((const unsigned char *)out, n))
		return (-1);
	for (p = (const unsigned char *)out; *p != '\0'; p++) {
		if (*p >= 0x80 || (*p >= 'a' && *p <= 'z') ||
		    (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
			continue;
		if (strchr(" -_.~+,()'/", *p) == NULL)
			return (-1);
	}
	for (seg = out;; seg += sl + 1) {
		sl = strcspn(seg, "/");
		if (sl == 0 || (sl == 1 && seg[0] == '.') ||
		    (sl == 2 && seg[0] == '.' && seg[1] == '.'))
			return (-1);
		if (seg[sl] == '\0')
			break;
	}
	return (0);
}

/* Percent-encodes all but unreserved characters and '/'. */
static int
url_escape(struct buf *b, const char *s)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;
	char			 e[3];
	size_t			 n;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		n = strspn((const char *)p, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~/");
		if (n > 0) {
			/* A run of unreserved bytes at once. */
			if (buf_add(b, p, n) == -1)
				return (-1);
			p += n - 1;
			continue;
		}
		e[0] = '%';
		e[1] = hex[*p >> 4];
		e[2] = hex[*p & 15];
		if (buf_add(b, e, 3) == -1)
			return (-1);
	}
	return (0);
}

static const char *dispatch_vars[] = { "{host}", "{title}", "{expires}",
    "{token}" };

int
dispatch_template_check(const char *tmpl, char *why, size_t whylen)
{
	const char	*p, *q, *pathend;
	size_t		 i;
	int		 known;

	if (strncmp(tmpl, "http://", 7) != 0 &&
	    strncmp(tmpl, "https://", 8) != 0 &&
	    strncmp(tmpl, "rtsp://", 7) != 0) {
		snprintf(why, whylen, "stream URL must start with http://, "
		    "https:// or rtsp://");
		return (-1);
	}
	if (strstr(tmpl, "{title}") == NULL) {
		snprintf(why, whylen, "stream URL has no {title}");
		return (-1);
	}
	for (p = tmpl; (p = strchr(p, '{')) != NULL; p++) {
		known = 0;
		for (i = 0; i < nitems(dispatch_vars); i++)
			if (strncmp(p, dispatch_vars[i],
			    strlen(dispatch_vars[i])) == 0)
				known = 1;
		if (!known) {
			snprintf(why, whylen, "unknown placeholder at \"%.20s\"",
			    p);
			return (-1);
		}
	}
	pathend = strchr(tmpl, '?');
	if (pathend == NULL)
		pathend = tmpl + strlen(tmpl);
	for (i = 2; i < nitems(dispatch_vars); i++) {
		q = strstr(tmpl, dispatch_vars[i]);
		if (q != NULL && q < pathend) {
			snprintf(why, whylen, "%s must be in the query part "
			    "(after '?')", dispatch_vars[i]);
			return (-1);
		}
	}
	return (0);
}

int
dispatch_token(const unsigned char *secret, size_t secretlen,
    uint64_t expires, const char *path, char *hex, size_t hexlen)
{
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;
	char		 msg[2048];
	int		 n;

	n = snprintf(msg, sizeof(msg), "%llu:%s", (unsigned long long)expires,
	    path);
	if (n < 0 || (size_t)n >= sizeof(msg))
		return (-1);
	if (HMAC(EVP_sha256(), secret, (int)secretlen,
	    (const unsigned char *)msg, (size_t)n, md, &mdlen) == NULL)
		return (-1);
	if (hexlen < (size_t)mdlen * 2 + 1)
		return (-1);
	for (i = 0; i < mdlen; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return (0);
}

/* The path of an absolute URL: from the first '/' after "//" up to '?'. */
static void
url_path(const char *url, char *out, size_t outlen)
{
	const char	*p, *e;
	size_t		 n;

	p = strstr(url, "//");
	p = p != NULL ? strchr(p + 2, '/') : NULL;
	if (p == NULL) {
		strlcpy(out, "/", outlen);
		return;
	}
	e = p + strcspn(p, "?#");
	n = (size_t)(e - p);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

/* Expands every placeholder but {token} (left empty when tok is NULL). */
static int
expand(const char *tmpl, const char *host, const char *title,
    uint64_t expires, const char *tok, struct buf *out)
{
	const char	*p;
	int		 r = 0;

	buf_reset(out);
	for (p = tmpl; *p != '\0' && r == 0;) {
		if (strncmp(p, "{host}", 6) == 0) {
			r = buf_puts(out, host);
			p += 6;
		} else if (strncmp(p, "{title}", 7) == 0) {
			r = url_escape(out, title);
			p += 7;
		} else if (strncmp(p, "{expires}", 9) == 0) {
			r = buf_printf(out, "%llu", (unsigned long long)expires);
			p += 9;
		} else if (strncmp(p, "{token}", 7) == 0) {
			r = buf_puts(out, tok != NULL ? tok : "");
			p += 7;
		} else {
			/* The literal run up to the next brace, at once. */
			size_t	n = strcspn(p + 1, "{") + 1;

			r = buf_add(out, p, n);
			p += n;
		}
	}
	return (r);
}

int
dispatch_url(const char *tmpl, const char *host, const char *title,
    uint64_t expires, const unsigned char *secret, size_t secretlen,
    struct buf *out)
{
	char	path[1024], tok[2 * 64 + 1];

	if (expand(tmpl, host, title, expires, NULL, out) == -1)
		return (-1);
	if (secret == NULL || strstr(tmpl, "{token}") == NULL)
		return (0);
	url_path(out->data != NULL ? out->data : "", path, sizeof(path));
	if (dispatch_token(secret, secretlen, expires, path, tok,
	    sizeof(tok)) == -1)
		return (-1);
	return (expand(tmpl, host, title, expires, tok, out));
}

int
dispatch_url_host(const char *url, char *out, size_t outlen)
{
	const char	*p, *at, *e;
	size_t		 n;

	if ((p = strstr(url, "://")) == NULL)
		return (-1);
	p += 3;
	e = p + strcspn(p, "/?#");
	at = memchr(p, '@', (size_t)(e - p));
	if (at != NULL)
		p = at + 1;
	if (*p == '[') {
		e = memchr(p, ']', (size_t)(e - p));
		if (e == NULL)
			return (-1);
		e++;
	} else
		e = p + strcspn(p, ":/?#");
	n = (size_t)(e - p);
	if (n == 0 || n >= outlen)
		return (-1);
	memcpy(out, p, n);
	out[n] = '\0';
	return (0);
}
