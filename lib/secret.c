/*
 * secret.c: the one reader of secret files (node credentials, the admin
 * token, the token secret, the CLI's password and token files) and the
 * one wipe of the secrets read, so cimheadd, cimhead and cimmockd apply
 * the same rule, documented in cimheadd.conf(5):
 *
 *	- only a regular file, named itself: a symbolic link, a FIFO, a
 *	  device or a directory is refused, and opening one never blocks;
 *	- readable or writable by others: refused;
 *	- writable by the group: refused (anyone in it could swap the secret);
 *	- readable by the group: a warning (a service group is common);
 *	- larger than the caller's bound: refused, never silently cut.
 *
 * The permission bits come from compat_file_mode: the mode on POSIX, the
 * file's DACL on Windows.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cimhead.h"

/*
 * Flags that exist on one platform only: absent, they ask for nothing.
 * Windows lacks the first two (a link there is followed, and its named
 * pipes live outside the file system, where a name in a configuration
 * file does not reach them by accident); it has a text mode, which would
 * rewrite the secret's bytes.
 */
#ifdef O_NOFOLLOW
#define SECRET_NOFOLLOW	O_NOFOLLOW
#else
#define SECRET_NOFOLLOW	0
#endif
#ifdef O_NONBLOCK
#define SECRET_NONBLOCK	O_NONBLOCK
#else
#define SECRET_NONBLOCK	0
#endif
#ifdef O_BINARY
#define SECRET_BINARY	O_BINARY
#else
#define SECRET_BINARY	0
#endif

#define SECRET_FIX	"(chmod 600 it)"

/*
 * Why open failed.  O_NOFOLLOW reports a link as ELOOP (Linux, OpenBSD)
 * or EMLINK (FreeBSD); lstat tells that apart from a real loop.
 */
static void
secret_open_error(const char *path, int err, char *why, size_t whylen)
{
#ifdef O_NOFOLLOW
	struct stat	st;

	if ((err == ELOOP || err == EMLINK) && lstat(path, &st) == 0 &&
	    S_ISLNK(st.st_mode)) {
		snprintf(why, whylen, "a symbolic link; name the file itself");
		return;
	}
#else
	(void)path;
#endif
	snprintf(why, whylen, "%s", strerror(err));
}

/* 0: the rule allows mode; 1: allows it with a warning; -1: refuses it. */
static int
secret_check_mode(unsigned mode, char *why, size_t whylen)
{
	if (mode & (S_IROTH | S_IWOTH)) {
		snprintf(why, whylen, "readable or writable by others "
		    SECRET_FIX);
		return (-1);
	}
	if (mode & S_IWGRP) {
		snprintf(why, whylen, "writable by its group " SECRET_FIX);
		return (-1);
	}
	if (mode & S_IRGRP) {
		snprintf(why, whylen, "readable by its group " SECRET_FIX);
		return (1);
	}
	return (0);
}

int
secret_read(const char *path, size_t max, char **out, size_t *lenp,
    char *why, size_t whylen)
{
	char		*data = NULL;
	size_t		 len = 0;
	ssize_t		 n = 0;
	unsigned	 mode;
	int		 fd, rc;

	*out = NULL;
	*lenp = 0;
	if (whylen > 0)
		why[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC | SECRET_NONBLOCK |
	    SECRET_NOFOLLOW | SECRET_BINARY);
	if (fd == -1) {
		secret_open_error(path, errno, why, whylen);
		return (-1);
	}
	/* The opened file itself: a rename after open changes nothing. */
	if (compat_file_mode(fd, &mode) == -1) {
		if (errno == EINVAL)
			snprintf(why, whylen, "not a regular file");
		else
			snprintf(why, whylen, "%s", strerror(errno));
		close(fd);
		return (-1);
	}
	if ((rc = secret_check_mode(mode, why, whylen)) == -1) {
		close(fd);
		return (-1);
	}
	/* One byte more than allowed tells a long file from a full one. */
	data = xmalloc(max + 2);
	for (;;) {
		n = read(fd, data + len, max + 1 - len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len > max)
			break;
	}
	close(fd);
	if (n == -1) {
		snprintf(why, whylen, "%s", strerror(errno));
		goto fail;
	}
	if (len > max) {
		snprintf(why, whylen, "longer than %zu bytes", max);
		goto fail;
	}
	data[len] = '\0';
	*out = data;
	*lenp = len;
	return (rc);
fail:
	secret_wipe(data, len);
	free(data);
	return (-1);
}

void
secret_wipe(void *p, size_t n)
{
	if (p == NULL || n == 0)
		return;
#if defined(HAVE_EXPLICIT_BZERO) || defined(explicit_bzero)
	explicit_bzero(p, n);
#else
	{
		/* Stores through a volatile pointer are never dropped. */
		volatile unsigned char	*v = p;

		while (n-- > 0)
			*v++ = 0;
	}
#endif
}

void
secret_free(char *s)
{
	if (s == NULL)
		return;
	secret_wipe(s, strlen(s));
	free(s);
}
