/*
 * log.c: one logging path for every program.  Messages go to stderr (which
 * journald captures with the level prefix it understands) or to syslog.
 * Callers log state changes at info and per-query detail at debug; nothing
 * here ever sees a credential, by rule of the callers.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "cimhead.h"

static const char	*log_progname = "cimhead";
static enum log_level	 log_level = LOG_LVL_INFO;
static int		 log_syslog;

void
log_init(const char *progname, enum log_level lvl, int use_syslog)
{
	log_progname = progname;
	log_level = lvl;
	log_syslog = use_syslog;
	if (use_syslog)
		openlog(progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
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
	static const int	 prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	static const char	*name[] = { "error", "warning", "info", "debug" };
	char			 msg[2048];

	if (lvl > log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_syslog) {
		syslog(prio[lvl], "%s", msg);
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
