/*
 * log.c: one logging path for every program.  Messages go to stderr (which
 * journald captures with the level prefix it understands), to the system
 * log (syslog, or the Windows event log, through compat/) or to a file.
 * A line on stderr starts with its time (UTC, to the millisecond) unless
 * stderr is journald's own stream, which stamps lines itself: a
 * JOURNAL_STREAM variable alone is not enough (a child of the service,
 * or stderr sent elsewhere, inherits it).
 * Callers log state changes at info and per-query detail at debug; nothing
 * here ever sees a credential, by rule of the callers.
 *
 * Messages carry text a node or a viewer chose (fault strings, headers,
 * titles), so the writer escapes on its own whatever the callers did: one
 * call is one line, with no CR, LF, ESC or other control character and no
 * invalid UTF-8, and a journald <N> prefix only ever comes from here.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cimhead.h"

static const char	*log_progname = "cimhead";
static enum log_level	 log_level = LOG_LVL_INFO;
static int		 log_syslog;
static FILE		*log_file;
static int		 log_journal;	/* stderr is journald's stream */
static enum log_stamp	 log_stamp = LOG_STAMP_AUTO;

/* Room for a message whose every byte became a four-byte escape. */
#define LOG_MSG_MAX	2048
#define LOG_OUT_MAX	(LOG_MSG_MAX * 4 + 1)

/*
 * The length of the valid UTF-8 sequence at p (at most n bytes), or 0: no
 * overlong forms, no surrogates, nothing past U+10FFFF, and no C1 control
 * (U+0080..U+009F), which some terminals obey like ESC [.
 */
static size_t
log_utf8_len(const unsigned char *p, size_t n)
{
	size_t		len, i;
	unsigned	cp;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return (0);
	if (n < len)
		return (0);
	cp = p[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
	    (cp >= 0x80 && cp <= 0x9f))
		return (0);
	return (len);
}

/*
 * in, made safe for one log line, into out (LOG_OUT_MAX bytes): \r, \n,
 * \t for those, \xNN for any other control byte, DEL and each byte of
 * invalid UTF-8.  A backslash stays as it is: Windows paths are common
 * here, and without a real newline no line can be forged anyway.
 */
static void
log_escape(const char *in, char *out)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)in;
	size_t			 n = strlen(in), o = 0, u;

	while (n > 0) {
		if (*p >= 0x20 && *p < 0x7f) {
			out[o++] = (char)*p++;
			n--;
			continue;
		}
		if (*p >= 0x80 && (u = log_utf8_len(p, n)) != 0) {
			memcpy(out + o, p, u);
			o += u;
			p += u;
			n -= u;
			continue;
		}
		out[o++] = '\\';
		if (*p == '\r')
			out[o++] = 'r';
		else if (*p == '\n')
			out[o++] = 'n';
		else if (*p == '\t')
			out[o++] = 't';
		else {
			out[o++] = 'x';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 0xf];
		}
		p++;
		n--;
	}
	out[o] = '\0';
}

void
log_init(const char *progname, enum log_level lvl, int use_syslog)
{
	log_progname = progname;
	log_level = lvl;
	log_syslog = use_syslog;
	log_journal = compat_fd_is_journal(2);
	if (use_syslog)
		compat_syslog_open(progname);
}

void
log_set_stamp(enum log_stamp st)
{
	log_stamp = st;
}

int
log_stamp_parse(const char *s, enum log_stamp *out)
{
	if (strcmp(s, "auto") == 0)
		*out = LOG_STAMP_AUTO;
	else if (strcmp(s, "on") == 0 || strcmp(s, "yes") == 0)
		*out = LOG_STAMP_ON;
	else if (strcmp(s, "off") == 0 || strcmp(s, "no") == 0)
		*out = LOG_STAMP_OFF;
	else
		return (-1);
	return (0);
}

size_t
log_time(uint64_t ms, char *out, size_t outlen)
{
	time_t		secs = (time_t)(ms / 1000);
	struct tm	tm;
	size_t		n;
	int		k;

	if (outlen == 0)
		return (0);
	out[0] = '\0';
	if (gmtime_r(&secs, &tm) == NULL ||
	    (n = strftime(out, outlen, "%Y-%m-%dT%H:%M:%S", &tm)) == 0)
		return (0);
	k = snprintf(out + n, outlen - n, ".%03uZ", (unsigned)(ms % 1000));
	if (k < 0 || (size_t)k >= outlen - n) {
		out[0] = '\0';
		return (0);
	}
	return (n + (size_t)k);
}

int
log_open_file(const char *path)
{
	FILE	*f;

	if ((f = fopen(path, "a")) == NULL)
		return (-1);
	if (log_file != NULL)
		fclose(log_file);
	log_file = f;
	return (0);
}

void
log_set_level(enum log_level lvl)
{
	log_level = lvl;
}

enum log_level
log_get_level(void)
{
	return (log_level);
}

void
log_vmsg(enum log_level lvl, const char *fmt, va_list ap)
{
	/* syslog(3) levels: err, warning, info, debug */
	static const int	 prio[] = { 3, 4, 6, 7 };
	static const char	*name[] = { "error", "warning", "info", "debug" };
	char			 raw[LOG_MSG_MAX], msg[LOG_OUT_MAX], when[40];
	int			 stamp;

	if (lvl > log_level)
		return;
	vsnprintf(raw, sizeof(raw), fmt, ap);
	log_escape(raw, msg);
	if (log_file != NULL) {
		/* A file has no journald to stamp it; flushed per line. */
		log_time(wall_ms(), when, sizeof(when));
		fprintf(log_file, "%s %s: %s: %s\n", when, log_progname,
		    name[lvl], msg);
		fflush(log_file);
		return;
	}
	if (log_syslog) {
		compat_syslog(prio[lvl], msg);
		return;
	}
	stamp = log_stamp == LOG_STAMP_ON ||
	    (log_stamp == LOG_STAMP_AUTO && !log_journal);
	when[0] = '\0';
	if (stamp && log_time(wall_ms(), when, sizeof(when) - 1) != 0)
		strlcat(when, " ", sizeof(when));
	/* <N> is the sd-daemon(3) level prefix; journald strips it. */
	if (log_journal)
		fprintf(stderr, "<%d>%s%s\n", prio[lvl], when, msg);
	else
		fprintf(stderr, "%s%s: %s: %s\n", when, log_progname,
		    name[lvl], msg);
}

#define LOG_FN(fn, lvl)					\
void								\
fn(const char *fmt, ...)					\
{								\
	va_list	ap;						\
								\
	va_start(ap, fmt);					\
	log_vmsg(lvl, fmt, ap);					\
	va_end(ap);						\
}
LOG_FN(log_err, LOG_LVL_ERR)
LOG_FN(log_warn, LOG_LVL_WARN)
LOG_FN(log_info, LOG_LVL_INFO)
LOG_FN(log_debug, LOG_LVL_DEBUG)

void
fatal(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vmsg(LOG_LVL_ERR, fmt, ap);
	va_end(ap);
	abort();
}
