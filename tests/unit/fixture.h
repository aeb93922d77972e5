/*
 * fixture.h: reading the project's fixtures in the unit tests: whole files
 * under tests/fixtures/ and recorded HTTP messages split into status,
 * head and body.  Header-only, static helpers.
 */
#ifndef FIXTURE_H
#define FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One recorded HTTP message split into status, head and body. */
struct capture {
	long	 status;
	char	*raw;
	char	*head;		/* points into raw */
	char	*body;		/* points into raw */
	size_t	 body_len;
};

static __attribute__((unused)) char *
slurp(const char *rel, size_t *lenp)
{
	const char	*top = getenv("top_srcdir");
	char		 path[4096];
	struct buf	 b;
	char		 chunk[8192];
	size_t		 n;
	FILE		*f;

	snprintf(path, sizeof(path), "%s/tests/fixtures/%s",
	    top != NULL ? top : ".", rel);
	if ((f = fopen(path, "rb")) == NULL) {
		printf("# cannot open %s\n", path);
		*lenp = 0;
		return (xstrdup(""));
	}
	buf_init(&b, 0);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return (buf_steal(&b, lenp));
}

static __attribute__((unused)) void
capture_load(struct capture *c, const char *name, const char *ext)
{
	char	 rel[256];
	char	*sep;
	size_t	 len;

	snprintf(rel, sizeof(rel), "openpegasus/%s.%s", name, ext);
	memset(c, 0, sizeof(*c));
	c->raw = slurp(rel, &len);
	c->head = c->raw;
	if ((sep = strstr(c->raw, "\r\n\r\n")) != NULL) {
		*sep = '\0';
		c->body = sep + 4;
		c->body_len = len - (size_t)(c->body - c->raw);
	} else {
		c->body = c->raw + len;
		c->body_len = 0;
	}
	if (strncmp(c->raw, "HTTP/1.1 ", 9) == 0)
		c->status = strtol(c->raw + 9, NULL, 10);
}

/* A header's value, copied into out; NULL when absent. */
static __attribute__((unused)) const char *
capture_header(const struct capture *c, const char *name, char *out,
    size_t outlen)
{
	const char	*p = c->head, *e;
	size_t		 nl = strlen(name);

	while ((p = strstr(p, "\r\n")) != NULL) {
		p += 2;
		if (strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
			p += nl + 1;
			while (*p == ' ')
				p++;
			e = strstr(p, "\r\n");
			if (e == NULL)
				e = p + strlen(p);
			snprintf(out, outlen, "%.*s", (int)(e - p), p);
			return (out);
		}
	}
	return (NULL);
}

static __attribute__((unused)) void
capture_free(struct capture *c)
{
	free(c->raw);
}

#endif
