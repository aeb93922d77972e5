/*
 * fuzz_xml.c: xml_parse_safe, the one libxml2 entry point every XML reader
 * here goes through: no entities, no DTD, size and depth caps.  The first
 * byte picks small caps (depth 8, 4 KiB) or the defaults.
 */
#include "config.h"

#include <libxml/tree.h>

#include "cimhead.h"
#include "fuzz.h"

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	xml_global_init();
	return (0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wbem_error	 err;
	struct _xmlDoc		*doc;
	int			 small;

	if (size < 1)
		return (0);
	small = data[0] & 1;
	memset(&err, 0, sizeof(err));
	doc = xml_parse_safe((const char *)data + 1, size - 1,
	    small ? 4096 : XML_MAX_BYTES_DEFAULT,
	    small ? 8 : XML_MAX_DEPTH_DEFAULT, &err);
	if (doc != NULL)
		xmlFreeDoc(doc);
	else if (err.kind != WBEM_E_PROTOCOL)
		abort();	/* the documented failure kind */
	return (0);
}
