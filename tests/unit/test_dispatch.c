/*
 * test_dispatch.c: title checks (traversal, characters, UTF-8, length),
 * URL templates, and the signed token checked against an HMAC computed
 * here the way a node would.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "cimheadd.h"
#include "tap.h"

static int
title(const char *raw, char *out)
{
	return (dispatch_title_check(raw, out, DISPATCH_TITLE_MAX + 1));
}

int
main(void)
{
	char		out[DISPATCH_TITLE_MAX + 1], why[256], host[256];
	char		tok[65], want[65], longt[400];
	unsigned char	md[32];
	unsigned int	mdlen, i;
	const char	*secret = "0123456789abcdef0123";
	struct buf	b;

	ok(title("movie.mp4", out) == 0 && strcmp(out, "movie.mp4") == 0,
	    "plain title");
	ok(title("series/s01/e01.mp4", out) == 0, "subdirectories allowed");
	ok(title("My%20Movie%20(2008).mp4", out) == 0 &&
	    strcmp(out, "My Movie (2008).mp4") == 0, "escapes decoded");
	ok(title("%ED%95%9C%EA%B5%AD.mp4", out) == 0, "UTF-8 Korean title");
	ok(title("../etc/passwd", out) == -1, "traversal ..");
	ok(title("a/../../b", out) == -1, "traversal in the middle");
	ok(title("%2e%2e/secret", out) == -1, "escaped traversal");
	ok(title("a/./b", out) == -1, "dot segment");
	ok(title("/abs", out) == -1, "leading slash (empty segment)");
	ok(title("a//b", out) == -1, "empty segment");
	ok(title("a/", out) == -1, "trailing slash");
	ok(title("a\\b", out) == -1, "backslash");
	ok(title("a%5cb", out) == -1, "escaped backslash");
	ok(title("a%00b", out) == -1, "NUL");
	ok(title("a%0ab", out) == -1, "newline");
	ok(title("a\"b", out) == -1, "quote");
	ok(title("a<b>", out) == -1, "angle brackets");
	ok(title("a?b", out) == -1, "question mark");
	ok(title("%C0%AF", out) == -1, "overlong UTF-8");
	ok(title("%ED%A0%80", out) == -1, "UTF-8 surrogate");
	ok(title("%FF", out) == -1, "invalid UTF-8 byte");
	ok(title("%E4%B8", out) == -1, "truncated UTF-8");
	ok(title("", out) == -1, "empty title");
	memset(longt, 'a', 255);
	longt[255] = '\0';
	ok(title(longt, out) == 0, "255 bytes accepted");
	longt[255] = 'a';
	longt[256] = '\0';
	ok(title(longt, out) == -1, "256 bytes refused");

	ok(dispatch_template_check("http://{host}:8554/vod/{title}", why,
	    sizeof(why)) == 0, "template ok");
	ok(dispatch_template_check("http://{host}/{title}?e={expires}&t={token}",
	    why, sizeof(why)) == 0, "template with token ok");
	ok(dispatch_template_check("http://{host}/{token}/{title}", why,
	    sizeof(why)) == -1, "token in the path refused");
	ok(dispatch_template_check("http://{host}/{name}", why,
	    sizeof(why)) == -1, "unknown placeholder refused");
	ok(dispatch_template_check("ftp://{host}/{title}", why,
	    sizeof(why)) == -1, "bad scheme refused");
	ok(dispatch_template_check("http://{host}/x", why,
	    sizeof(why)) == -1, "no title refused");

	ok(dispatch_url_host("http://user@node1.example:5988/cimom", host,
	    sizeof(host)) == 0 && strcmp(host, "node1.example") == 0,
	    "host from node URL");
	ok(dispatch_url_host("https://[::1]:5989", host, sizeof(host)) == 0 &&
	    strcmp(host, "[::1]") == 0, "IPv6 host kept in brackets");
	ok(dispatch_url_host("nourl", host, sizeof(host)) == -1, "no scheme");

	buf_init(&b, 4096);
	ok(dispatch_url("http://{host}:8554/vod/{title}", "10.0.0.1",
	    "My Movie.mp4", 0, NULL, 0, &b) == 0, "expand");
	is_str(b.data, "http://10.0.0.1:8554/vod/My%20Movie.mp4",
	    "title escaped in the URL");
	ok(dispatch_url("http://{host}/v/{title}?e={expires}&t={token}",
	    "h", "a/b.mp4", 1700000000, (const unsigned char *)secret,
	    strlen(secret), &b) == 0, "signed expand");
	HMAC(EVP_sha256(), secret, (int)strlen(secret),
	    (const unsigned char *)"1700000000:/v/a/b.mp4", 21, md, &mdlen);
	for (i = 0; i < mdlen; i++)
		snprintf(want + 2 * i, 3, "%02x", md[i]);
	snprintf(longt, sizeof(longt), "http://h/v/a/b.mp4?e=1700000000&t=%s",
	    want);
	is_str(b.data, longt, "token = HMAC-SHA256(secret, expires:path)");
	ok(dispatch_token((const unsigned char *)secret, strlen(secret),
	    1700000001, "/v/a/b.mp4", tok, sizeof(tok)) == 0 &&
	    strcmp(tok, want) != 0, "another expiry, another token");
	buf_release(&b);
	return (tap_done());
}
