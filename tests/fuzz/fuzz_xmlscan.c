/*
 * fuzz_xmlscan.c: xml_sax_parse's own scanner (lib/xmlscan.c) against
 * libxml2, on any input.  When the scanner takes a document, libxml2 must
 * take it too and give the same events (saxdiff.h: names, namespaces,
 * declarations, attribute values, lines, text, the return); when it
 * leaves one to libxml2 it must have called no handler, and xml_sax_parse
 * must then answer exactly as libxml2 alone.  Any difference aborts.
 * The first byte: bit 0 picks small caps (depth 8, 4 KiB) or the
 * defaults; bits 1-7, when not 0, the start handler that gives up.
 */
#include "config.h"

#include <stdio.h>

#include "cimhead.h"
#include "codec_int.h"
#include "fuzz.h"
#include "saxdiff.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	xml_global_init();
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	why[1024];
	int	small;

	if (size < 1)
		return (0);
	small = data[0] & 1;
	if (saxdiff((const char *)data + 1, size - 1,
	    small ? 4096 : XML_MAX_BYTES_DEFAULT,
	    small ? 8 : XML_MAX_DEPTH_DEFAULT, data[0] >> 1, why,
	    sizeof(why)) == -1) {
		fprintf(stderr, "fuzz_xmlscan: %s\n", why);
		abort();
	}
	return (0);
}
