/*
 * fuzz_mof.c: cimmockd's MOF subset reader (mock/mof.c).  The input is one
 * MOF file; what parses is looked up again class by class, property by
 * property and method by method, then freed.
 */
#include "config.h"

#include <stdio.h>

#include "mock.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mof_schema	 s;
	const struct mof_class	*c;
	char			 err[256];
	size_t			 i, j;

	memset(&s, 0, sizeof(s));
	err[0] = '\0';
	if (mof_parse(&s, (const char *)data, size, "fuzz.mof", err,
	    sizeof(err)) == 0) {
		for (i = 0; i < s.nclasses; i++) {
			c = mof_class_find(&s, s.classes[i].name);
			if (c == NULL)
				abort();
			for (j = 0; j < c->nprops; j++) {
				if (mof_prop_find(c, c->props[j].name) == NULL)
					abort();
				mof_prop_is_key(&c->props[j]);
			}
			for (j = 0; j < c->nmethods; j++)
				if (mof_method_find(c,
				    c->methods[j].name) == NULL)
					abort();
			mof_qual_true(c->quals, c->nquals, "Abstract");
		}
	} else if (err[0] == '\0')
		abort();	/* refused without a reason */
	mof_schema_clear(&s);
	return (0);
}
