/*
 * fuzz_title.c: what cimheadd does with a viewer's request path and a
 * node's stream_url: dispatch_title_check (the only gate between a URL
 * path and a node's media directory), dispatch_template_check,
 * dispatch_url (with and without a token) and dispatch_url_host.
 *
 * Input: NUL-separated fields
 *	raw title (still %-escaped) \0 stream_url template \0 node URL
 * A title the check lets through must expand, in a fixed template, to
 * printable ASCII with no "." or ".." segment.
 */
#include "config.h"

#include <stdio.h>

#include "cimheadd.h"
#include "fuzz.h"

#define FIXED_TMPL	"http://{host}/vod/{title}?e={expires}&t={token}"

static void
check_url(const struct buf *b)
{
	size_t	i;

	for (i = 0; i < b->len; i++)
		if (b->data[i] <= 0x20 || b->data[i] >= 0x7f)
			abort();	/* raw byte in the redirect */
	if (b->len < 16 || memcmp(b->data, "http://node/vod/", 16) != 0)
		abort();
	for (i = 15; i < b->len && b->data[i] != '?'; i++) {
		if (b->data[i] != '/')
			continue;
		if (b->data[i + 1] == '.' && (b->data[i + 2] == '/' ||
		    b->data[i + 2] == '?' || (b->data[i + 2] == '.' &&
		    (b->data[i + 3] == '/' || b->data[i + 3] == '?'))))
			abort();	/* a dot segment got through */
		if (b->data[i + 1] == '/' || b->data[i + 1] == '?')
			abort();	/* an empty segment got through */
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char secret[] = "0123456789abcdef";
	struct fuzz_fields	 ff;
	struct buf		 b;
	char			 title[DISPATCH_TITLE_MAX + 1], why[256];
	char			 host[256];
	const char		*tmpl, *url;

	fuzz_split(data, size, &ff);
	buf_init(&b, 0);
	if (dispatch_title_check(ff.f[0], title, sizeof(title)) == 0) {
		if (strlen(title) > DISPATCH_TITLE_MAX)
			abort();
		if (dispatch_url(FIXED_TMPL, "node", title, 1700000000,
		    secret, sizeof(secret) - 1, &b) != 0)
			abort();
		check_url(&b);
		tmpl = fuzz_field(&ff, 1);
		if (tmpl != NULL &&
		    dispatch_template_check(tmpl, why, sizeof(why)) == 0) {
			dispatch_url(tmpl, "node", title, 1, NULL, 0, &b);
			dispatch_url(tmpl, "node", title, 1, secret,
			    sizeof(secret) - 1, &b);
		}
	}
	if ((url = fuzz_field(&ff, 2)) != NULL &&
	    dispatch_url_host(url, host, sizeof(host)) == 0 &&
	    strlen(host) >= sizeof(host))
		abort();
	buf_release(&b);
	free(ff.copy);
	return (0);
}
