/*
 * fuzz.h: what every fuzz target in tests/fuzz shares.  A target defines
 * LLVMFuzzerTestOneInput (and may define LLVMFuzzerInitialize); libFuzzer
 * drives it under clang, replay.c drives it over the committed inputs in
 * make check under any compiler.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

/*
 * Input cut into NUL-separated fields, each a C string: targets use the
 * first field as the main text and the others as side inputs (headers,
 * a template ...), so a corpus file stays readable.
 */
struct fuzz_fields {
	char	*copy;
	size_t	 len;		/* of the first field */
	size_t	 n;
	char	*f[8];
};

static __attribute__((unused)) void
fuzz_split(const uint8_t *data, size_t size, struct fuzz_fields *ff)
{
	char	*p, *end;

	ff->copy = malloc(size + 1);
	if (ff->copy == NULL)
		abort();
	memcpy(ff->copy, data, size);
	ff->copy[size] = '\0';
	end = ff->copy + size;
	ff->n = 0;
	for (p = ff->copy; ff->n < 8; p += strlen(p) + 1) {
		ff->f[ff->n++] = p;
		if (p + strlen(p) >= end)
			break;
	}
	ff->len = strlen(ff->f[0]);
	while (ff->n < 8)
		ff->f[ff->n++] = NULL;
}

/* The i-th side field, or NULL when the input has fewer. */
static __attribute__((unused)) const char *
fuzz_field(const struct fuzz_fields *ff, size_t i)
{
	return (i < 8 ? ff->f[i] : NULL);
}

#endif
