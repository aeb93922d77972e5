/*
 * fuzz_cim_path.c: the object path parser (cim_path_parse), which reads
 * paths from the command line and from CIMObject headers.  A path it
 * accepts must format back to text that parses to the same text again.
 */
#include "config.h"

#include <stdio.h>

#include "cimhead.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_fields	 ff;
	struct cim_path		*p, *q;
	struct buf		 b1, b2;

	fuzz_split(data, size, &ff);
	p = cim_path_new("root/cimv2", NULL);
	buf_init(&b1, 0);
	buf_init(&b2, 0);
	if (cim_path_parse(ff.f[0], p) == 0 && p->classname != NULL &&
	    cim_path_format(p, &b1) == 0) {
		buf_add(&b1, "", 1);
		q = cim_path_new("root/cimv2", NULL);
		if (cim_path_parse(b1.data, q) != 0)
			abort();	/* our own output does not parse */
		if (cim_path_format(q, &b2) != 0)
			abort();
		buf_add(&b2, "", 1);
		if (b1.len != b2.len || memcmp(b1.data, b2.data, b1.len) != 0)
			abort();	/* format o parse is not stable */
		cim_path_free(q);
	}
	buf_release(&b1);
	buf_release(&b2);
	cim_path_free(p);
	free(ff.copy);
	return (0);
}
