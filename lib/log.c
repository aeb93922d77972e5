/*
 * log.c: one logging path for every program.  Messages go to stderr (which
 * journald captures with the level prefix it understands), to the system
 * log (syslog, or the Windows event log, through compat/) or to a file.
 * Callers log state changes at info and per-query detail at debug; nothing
 * here ever sees a credential, by rule of the callers.
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

void
log_init(const char *progname, enum log_level lvl, int use_syslog)
{
	log_progname = progname;
	log_level = lvl;
	log_syslog = use_syslog;
	if (use_syslog)
		compat_syslog_open(progname);
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
	char			 msg[2048], when[32];
	time_t			 now;
	struct tm		 tm;

	if (lvl > log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_file != NULL) {
		/* A file has no journald to stamp it; flushed per line. */
		now = time(NULL);
		if (gmtime_r(&now, &tm) == NULL ||
		    strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
			when[0] = '\0';
		fprintf(log_file, "%s %s: %s: %s\n", when, log_progname,
		    name[lvl], msg);
		fflush(log_file);
		return;
	}
	if (log_syslog) {
		compat_syslog(prio[lvl], msg);
		return;
	}
	/* <N> is the sd-daemon(3) level prefix; journald strips it. */
	if (getenv("JOURNAL_STREAM") != NULL)
		fprintf(stderr, "<%d>%s\n", prio[lvl], msg);
	else
		fprintf(stderr, "%s: %s: %s\n", log_progname, name[lvl], msg);
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
