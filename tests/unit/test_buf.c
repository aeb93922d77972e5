/* test_buf.c: the capped buffer and the checked number parsers. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cimhead.h"
#include "tap.h"

int
main(void)
{
	struct buf	b;
	uint64_t	u;
	int64_t		i;
	char		out[64];

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
	return (tap_done());
}
