/*
 * replay.c: main() for the regression runs of the fuzz targets, built with
 * any compiler and no libFuzzer.  It feeds every file of the target's seed
 * corpus (tests/fuzz/corpus/<target>/) and of its regression inputs
 * (tests/fuzz/regress/<target>/: inputs that once crashed) to
 * LLVMFuzzerTestOneInput, each in a buffer of exactly its size so a
 * sanitizer build sees over-reads.  A crash kills the run before its last
 * line, which the TAP driver reports as a failure.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#ifndef FUZZ_TARGET
#error FUZZ_TARGET must name the target
#endif

/* Defined by the targets that need one-time setup. */
int	LLVMFuzzerInitialize(int *, char ***) __attribute__((weak));

static int
replay_file(const char *path)
{
	unsigned char	*data;
	long		 len;
	FILE		*f;

	if ((f = fopen(path, "rb")) == NULL)
		return (-1);
	if (fseek(f, 0, SEEK_END) == -1 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) == -1) {
		fclose(f);
		return (-1);
	}
	/* malloc(0) may be NULL: keep one byte, pass the true length. */
	if ((data = malloc((size_t)len + 1)) == NULL ||
	    fread(data, 1, (size_t)len, f) != (size_t)len) {
		free(data);
		fclose(f);
		return (-1);
	}
	fclose(f);
	if (len > 0) {
		unsigned char *exact = malloc((size_t)len);

		if (exact == NULL) {
			free(data);
			return (-1);
		}
		memcpy(exact, data, (size_t)len);
		free(data);
		data = exact;
	}
	LLVMFuzzerTestOneInput(data, (size_t)len);
	free(data);
	return (0);
}

/* Replays every regular file of dir; -1 when dir cannot be read. */
static int
replay_dir(const char *dir, size_t *np, size_t *nbad)
{
	struct dirent	**ents;
	char		  path[4096];
	int		  i, n, rc;

	if ((n = scandir(dir, &ents, NULL, alphasort)) == -1) {
		printf("# %s: %s\n", dir, strerror(errno));
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			rc = snprintf(path, sizeof(path), "%s/%s", dir,
			    ents[i]->d_name);
			/* Flushed first: a crash names its input. */
			printf("# %s\n", path);
			fflush(stdout);
			if (rc < 0 || (size_t)rc >= sizeof(path) ||
			    replay_file(path) == -1) {
				printf("# cannot read %s\n", path);
				(*nbad)++;
			} else
				(*np)++;
		}
		free(ents[i]);
	}
	free(ents);
	return (0);
}

int
main(int argc, char **argv)
{
	const char	*top = getenv("top_srcdir");
	const char	*kinds[] = { "corpus", "regress" };
	char		 dir[4096];
	size_t		 i, n, nbad;
	int		 rc, fails = 0;

	if (top == NULL)
		top = ".";
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	printf("1..2\n");
	for (i = 0; i < 2; i++) {
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/%s/%s", top,
		    kinds[i], FUZZ_TARGET);
		n = nbad = 0;
		rc = replay_dir(dir, &n, &nbad);
		/* A seed corpus is never empty; a regress dir may be. */
		if (rc == -1 || nbad != 0 || (i == 0 && n == 0)) {
			printf("not ok %zu - %s: %zu inputs, %zu unreadable\n",
			    i + 1, kinds[i], n, nbad);
			fails++;
		} else
			printf("ok %zu - %s: %zu inputs replayed\n", i + 1,
			    kinds[i], n);
	}
	return (fails != 0);
}
