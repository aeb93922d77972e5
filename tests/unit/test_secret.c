/*
 * test_secret.c: the one rule for secret files (lib/secret.c), on POSIX:
 * modes, file types that are not files (a FIFO must not block), symbolic
 * links, the size bound, empty files, and that the wipe zeroes.  The
 * Windows ACL half of the rule is checked by test_conf under wine and by
 * tests/win/smoke.sh.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cimhead.h"
#include "tap.h"

static char	dir[] = "/tmp/cimhead-secret.XXXXXX";
static char	why[256];

static const char *
path_of(const char *name)
{
	static char	p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return (p);
}

static void
write_file(const char *name, const char *text, size_t len, mode_t mode)
{
	FILE	*f;

	(void)remove(path_of(name));
	if ((f = fopen(path_of(name), "w")) == NULL) {
		diag("cannot create a test file");
		return;
	}
	if (len > 0)
		fwrite(text, 1, len, f);
	fclose(f);
	if (chmod(path_of(name), mode) == -1)
		diag("cannot set a file's permissions");
}

/* secret_read's return value for path; the data is checked and freed. */
static int
read_path(const char *path, size_t max, const char *want)
{
	char	*data = NULL;
	size_t	 len = 0;
	int	 rc;

	rc = secret_read(path, max, &data, &len, why, sizeof(why));
	if (rc == -1 && data != NULL) {
		diag("refused, yet data returned");
		rc = -2;
	}
	if (rc != -1 && want != NULL && (data == NULL ||
	    len != strlen(want) || strcmp(data, want) != 0)) {
		diag("read back something else");
		rc = -2;
	}
	secret_wipe(data, len);
	free(data);
	return (rc);
}

static int
read_as(const char *name, size_t max, const char *want)
{
	return (read_path(path_of(name), max, want));
}

int
main(void)
{
	char		 big[65], wipe[32], target[512];
	uint64_t	 t0;
	size_t		 i;
	int		 zero;

	if (mkdtemp(dir) == NULL)
		return (1);

	write_file("s", "0123456789abcdef\n", 17, 0600);
	is_int(read_as("s", 4096, "0123456789abcdef\n"), 0, "0600: read whole");
	is_str(why, "", "0600: no warning");
	write_file("s", "0123456789abcdef\n", 17, 0400);
	is_int(read_as("s", 4096, "0123456789abcdef\n"), 0, "0400: read");

	write_file("s", "pw\n", 3, 0640);
	is_int(read_as("s", 4096, "pw\n"), 1, "0640: read, with a warning");
	ok(strstr(why, "readable by its group") != NULL, "... saying so");

	write_file("s", "pw\n", 3, 0644);
	is_int(read_as("s", 4096, NULL), -1, "0644: refused");
	ok(strstr(why, "readable or writable by others") != NULL,
	    "... by others");
	write_file("s", "pw\n", 3, 0602);
	is_int(read_as("s", 4096, NULL), -1, "0602 (others write): refused");
	write_file("s", "pw\n", 3, 0620);
	is_int(read_as("s", 4096, NULL), -1, "0620 (group write): refused");
	ok(strstr(why, "writable by its group") != NULL, "... by the group");
	write_file("s", "pw\n", 3, 0700);
	is_int(read_as("s", 4096, "pw\n"), 0,
	    "0700: the owner's execute bit does not matter");

	/* Without O_NONBLOCK the open itself would wait for a writer. */
	(void)remove(path_of("fifo"));
	if (mkfifo(path_of("fifo"), 0600) == -1)
		diag("mkfifo failed");
	alarm(10);		/* a blocked read fails the test, not CI */
	t0 = mono_ms();
	is_int(read_as("fifo", 4096, NULL), -1, "a FIFO: refused");
	ok(mono_ms() - t0 < 2000, "... at once, without blocking");
	alarm(0);
	is_str(why, "not a regular file", "... as not a regular file");

	write_file("s", "pw\n", 3, 0600);
	(void)remove(path_of("link"));
	snprintf(target, sizeof(target), "%s", path_of("s"));
	if (symlink(target, path_of("link")) == -1)
		diag("symlink failed");
	is_int(read_as("link", 4096, NULL), -1,
	    "a symbolic link to a good file: refused");
	ok(strstr(why, "symbolic link") != NULL, "... as a link");

	is_int(read_path(dir, 4096, NULL), -1, "a directory: refused");
	is_int(read_path("/dev/null", 4096, NULL), -1, "a device: refused");
	is_str(why, "not a regular file", "... as not a regular file");

	memset(big, 'x', sizeof(big));
	write_file("s", big, 64, 0600);
	ok(read_as("s", 64, NULL) == 0, "exactly the bound: read");
	write_file("s", big, 65, 0600);
	is_int(read_as("s", 64, NULL), -1, "one byte over the bound: refused");
	ok(strstr(why, "longer than 64 bytes") != NULL, "... saying the bound");

	write_file("s", "", 0, 0600);
	is_int(read_as("s", 4096, ""), 0, "an empty file: read, empty");

	is_int(read_as("missing", 4096, NULL), -1, "a missing file: refused");
	is_str(why, strerror(ENOENT), "... with the system's reason");

	memset(wipe, 'k', sizeof(wipe));
	secret_wipe(wipe, sizeof(wipe));
	for (zero = 1, i = 0; i < sizeof(wipe); i++)
		zero &= wipe[i] == 0;
	ok(zero, "secret_wipe zeroes every byte");
	/* No-ops on NULL: a crash here fails the test. */
	secret_wipe(NULL, 5);
	secret_free(NULL);
	secret_free(xstrdup("token"));

	(void)remove(path_of("s"));
	(void)remove(path_of("fifo"));
	(void)remove(path_of("link"));
	if (rmdir(dir) == -1)
		diag("cleanup failed");
	return (tap_done());
}
