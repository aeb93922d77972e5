/*
 * tap.h: a minimal TAP producer for the C unit tests, read by automake's
 * tap-driver.sh.  Each check prints one "ok"/"not ok" line; tap_done()
 * prints the plan and returns the exit status.
 */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"	/* COMPAT_PRINTF: C99 formats on Windows too */

static int tap_n, tap_failed;

static void __attribute__((unused, format(COMPAT_PRINTF, 2, 3)))
ok(int cond, const char *fmt, ...)
{
	va_list	ap;

	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

#define is_str(got, want, ...) do {					\
	const char *tap_g = (got), *tap_w = (want);			\
	int tap_c = (tap_g == NULL && tap_w == NULL) ||			\
	    (tap_g != NULL && tap_w != NULL && strcmp(tap_g, tap_w) == 0); \
	ok(tap_c, __VA_ARGS__);						\
	if (!tap_c)							\
		printf("#   got: '%s'\n#  want: '%s'\n",			\
		    tap_g ? tap_g : "(null)", tap_w ? tap_w : "(null)");	\
} while (0)

#define is_int(got, want, ...) do {					\
	long long tap_g = (long long)(got), tap_w = (long long)(want);	\
	ok(tap_g == tap_w, __VA_ARGS__);				\
	if (tap_g != tap_w)						\
		printf("#   got: %lld\n#  want: %lld\n", tap_g, tap_w);	\
} while (0)

static void __attribute__((unused))
diag(const char *msg)
{
	printf("# %s\n", msg);
}

/*
 * tap_slow(MS): an upper time bound of a check, times CIMHEAD_TEST_SLOWDOWN
 * (scripts/sanitize sets 3: ASan runs the code 2-3 times slower).  Unset,
 * the bound stays as written, so a normal build is checked as tightly.
 */
static uint64_t __attribute__((unused))
tap_slow(uint64_t ms)
{
	const char	*s = getenv("CIMHEAD_TEST_SLOWDOWN");
	unsigned long	 f = s != NULL ? strtoul(s, NULL, 10) : 1;

	return (ms * (f >= 1 && f <= 20 ? f : 1));
}

static int __attribute__((unused))
tap_done(void)
{
	printf("1..%d\n", tap_n);
	return (tap_failed ? 1 : 0);
}

#endif
