/*
 * test_buf.c: the capped buffer, the checked number parsers, and the
 * shared small rules: host:port splitting and ms -> timeval.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "cimhead.h"
#include "tap.h"

int
main(void)
{
	struct buf	b;
	uint64_t	u;
	int64_t		i;
	char		out[64], host[8];
	unsigned	port;
	struct timeval	tv;

	buf_init(&b, 8);
	ok(buf_puts(&b, "12345678") == 0, "append up to the cap");
	ok(buf_puts(&b, "9") == -1, "append past the cap fails");
	is_int(b.len, 8, "a failed append leaves the length");
	buf_release(&b);

	buf_init(&b, 0);
	buf_xml_escape(&b, "a<b>&\"c'");
	is_str(b.data, "a&lt;b&gt;&amp;&quot;c&apos;", "xml escape");
	buf_reset(&b);
	buf_printf(&b, "%s=%d", "x", 42);
	is_str(b.data, "x=42", "printf");
	buf_reset(&b);
	buf_xml_escape(&b, "plain run, then <tail> & 'end'");
	is_str(b.data, "plain run, then &lt;tail&gt; &amp; &apos;end&apos;",
	    "xml escape: runs between escapes kept whole");
	buf_reset(&b);
	buf_xml_escape(&b, "");
	ok(b.len == 0, "xml escape of nothing adds nothing");
	buf_reset(&b);
	memset(out, 'y', sizeof(out) - 1);
	out[sizeof(out) - 1] = '\0';
	for (i = 0; i < 6; i++)		/* 378 bytes: past the one-pass buffer */
		buf_printf(&b, "%s", out);
	ok(b.len == 6 * (sizeof(out) - 1) && strspn(b.data, "y") == b.len,
	    "printf longer than its stack buffer, appended whole");
	buf_release(&b);
	buf_init(&b, 8);
	ok(buf_printf(&b, "%s", "123456789") == -1 && b.len == 0,
	    "printf past the cap fails and adds nothing");
	ok(buf_xml_escape(&b, "1234&") == -1,
	    "xml escape past the cap fails");
	buf_release(&b);

	ok(parse_u64("18446744073709551615", &u) == 0 &&
	    u == UINT64_MAX, "uint64 max parses exactly");
	ok(parse_u64("18446744073709551616", &u) == -1, "uint64 overflow rejected");
	ok(parse_u64("9007199254740993", &u) == 0 && u == 9007199254740993ULL,
	    "2^53+1 kept exact");
	ok(parse_u64("-1", &u) == -1, "negative rejected for uint64");
	ok(parse_u64("12x", &u) == -1, "trailing junk rejected");
	ok(parse_u64("", &u) == -1, "empty rejected");
	ok(parse_i64("-42", &i) == 0 && i == -42, "int64 negative");
	ok(uri_unescape("CIM_ERR%3A%20x", out, sizeof(out)) == 0 &&
	    strcmp(out, "CIM_ERR: x") == 0, "uri unescape");
	ok(uri_unescape("abcdef", out, 4) == -1, "uri unescape bounded");
	ok(str_casecmp_ascii("BytesTotalPerSec", "bytestotalpersec") == 0,
	    "ascii case-insensitive compare");
	ok(str_casecmp_ascii("Content-Type", "content-typE") == 0 &&
	    str_casecmp_ascii("", "") == 0, "ascii compare: equal");
	ok(str_casecmp_ascii("uint8", "UINT16") > 0 &&
	    str_casecmp_ascii("Uint16", "uint8") < 0 &&
	    str_casecmp_ascii("uint", "UINT8") < 0 &&
	    str_casecmp_ascii("UINT8", "uint") > 0,
	    "ascii compare: order of the lowered bytes, shorter first");
	ok(str_casecmp_ascii("[", "a") < 0 && str_casecmp_ascii("@", "A") < 0,
	    "ascii compare: only letters fold");
	ok(str_casecmp_ascii("\xc4", "\xe4") != 0,
	    "ascii compare: bytes over 0x7f never fold");

	port = 1;
	ok(hostport_split("h:80", host, sizeof(host), 0, &port) == 0 &&
	    strcmp(host, "h") == 0 && port == 80, "h:80");
	ok(hostport_split("[::1]:0", host, sizeof(host), 0, &port) == 0 &&
	    strcmp(host, "::1") == 0 && port == 0, "[::1]:0: brackets removed");
	ok(hostport_split("[::1]:0", host, sizeof(host), 1, &port) == -1,
	    "port 0 below minport 1 refused");
	ok(hostport_split("::1:65535", host, sizeof(host), 1, &port) == 0 &&
	    strcmp(host, "::1") == 0 && port == 65535,
	    "the last colon splits; 65535 accepted");
	ok(hostport_split("[::1", host, sizeof(host), 0, &port) == -1,
	    "[::1: no closing bracket");
	ok(hostport_split("[::1]", host, sizeof(host), 0, &port) == -1,
	    "[::1]: no port");
	ok(hostport_split("[]:80", host, sizeof(host), 0, &port) == -1,
	    "[]:80: empty host");
	ok(hostport_split(":80", host, sizeof(host), 0, &port) == -1,
	    ":80: empty host");
	ok(hostport_split("h:", host, sizeof(host), 0, &port) == -1,
	    "h:: empty port");
	ok(hostport_split("h", host, sizeof(host), 0, &port) == -1,
	    "h: no colon");
	ok(hostport_split("h:65536", host, sizeof(host), 0, &port) == -1,
	    "h:65536: out of range");
	ok(hostport_split("h:-1", host, sizeof(host), 0, &port) == -1,
	    "h:-1: negative");
	ok(hostport_split("h:x", host, sizeof(host), 0, &port) == -1,
	    "h:x: not a number");
	ok(hostport_split("h:80x", host, sizeof(host), 0, &port) == -1,
	    "h:80x: trailing junk");
	ok(hostport_split("1234567:1", host, sizeof(host), 0, &port) == 0 &&
	    strcmp(host, "1234567") == 0, "a host filling the buffer fits");
	ok(hostport_split("12345678:1", host, sizeof(host), 0, &port) == -1,
	    "a host one byte too long refused, not cut");
	ok(hostport_split("[1234567]:1", host, sizeof(host), 0, &port) == 0 &&
	    strcmp(host, "1234567") == 0,
	    "brackets do not count against the buffer");

	ms_to_tv(0, &tv);
	ok(tv.tv_sec == 0 && tv.tv_usec == 0, "0 ms");
	ms_to_tv(999, &tv);
	ok(tv.tv_sec == 0 && tv.tv_usec == 999000, "999 ms: all in usec");
	ms_to_tv(1000, &tv);
	ok(tv.tv_sec == 1 && tv.tv_usec == 0, "1000 ms: one second");
	ms_to_tv(86400001, &tv);
	ok(tv.tv_sec == 86400 && tv.tv_usec == 1000, "a day and 1 ms");
	return (tap_done());
}
