/*
 * posix.c: the POSIX side of compat.h.  Signals become reload and stop
 * requests through libevent, the system log is syslog(3), permissions are
 * the mode bits, and there is no service control manager.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include <event2/event.h>

#include "cimhead.h"

struct compat_ctl {
	struct event	*ev[3];
	compat_ctl_cb	 cb;
	void		*arg;
};

static const struct {
	int			 sig;
	enum compat_ctl_op	 op;
	const char		*name;
} compat_sigs[] = {
	{ SIGHUP, COMPAT_CTL_RELOAD, "SIGHUP" },
	{ SIGTERM, COMPAT_CTL_STOP, "SIGTERM" },
	{ SIGINT, COMPAT_CTL_STOP, "SIGINT" },
};

int
compat_init(int server)
{
	/* A peer that hangs up shows as EPIPE, not as our death. */
	if (server)
		signal(SIGPIPE, SIG_IGN);
	return (0);
}

static void
compat_signal_cb(evutil_socket_t sig, short ev, void *arg)
{
	struct compat_ctl	*c = arg;
	size_t			 i;

	for (i = 0; i < nitems(compat_sigs); i++)
		if (compat_sigs[i].sig == sig)
			c->cb(compat_sigs[i].op, compat_sigs[i].name, c->arg);
}

struct compat_ctl *
compat_ctl_new(struct event_base *base, compat_ctl_cb cb, void *arg)
{
	struct compat_ctl	*c;
	size_t			 i;

	c = xcalloc(1, sizeof(*c));
	c->cb = cb;
	c->arg = arg;
	for (i = 0; i < nitems(compat_sigs); i++) {
		c->ev[i] = evsignal_new(base, compat_sigs[i].sig,
		    compat_signal_cb, c);
		if (c->ev[i] == NULL || evsignal_add(c->ev[i], NULL) == -1) {
			compat_ctl_free(c);
			return (NULL);
		}
	}
	return (c);
}

void
compat_ctl_free(struct compat_ctl *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < nitems(c->ev); i++)
		if (c->ev[i] != NULL)
			event_free(c->ev[i]);
	free(c);
}

uint64_t
mono_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

uint64_t
wall_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000);
}

int
compat_file_mode(int fd, unsigned *mode)
{
	struct stat	st;

	if (fstat(fd, &st) == -1)
		return (-1);
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return (-1);
	}
	*mode = (unsigned)st.st_mode & 07777;
	return (0);
}

uint64_t
compat_fd_limit(uint64_t want)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return (UINT64_MAX);
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		rl.rlim_cur = rl.rlim_max != RLIM_INFINITY &&
		    rl.rlim_max < want ? rl.rlim_max : (rlim_t)want;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
			return (UINT64_MAX);
	}
	return (rl.rlim_cur == RLIM_INFINITY ? UINT64_MAX :
	    (uint64_t)rl.rlim_cur);
}

int
compat_fd_is_journal(int fd)
{
	const char		*s = getenv("JOURNAL_STREAM");
	char			*end;
	unsigned long long	 dev, ino;
	struct stat		 st;

	if (s == NULL || *s < '0' || *s > '9')
		return (0);
	errno = 0;
	dev = strtoull(s, &end, 10);
	if (errno != 0 || *end != ':' || end[1] < '0' || end[1] > '9')
		return (0);
	ino = strtoull(end + 1, &end, 10);
	if (errno != 0 || *end != '\0' || fstat(fd, &st) == -1)
		return (0);
	return ((unsigned long long)st.st_dev == dev &&
	    (unsigned long long)st.st_ino == ino);
}

int
compat_chmod(const char *path, unsigned mode)
{
	return (chmod(path, (mode_t)mode));
}

int
compat_path_absolute(const char *path)
{
	return (path[0] == '/');
}

size_t
compat_path_dirlen(const char *path)
{
	const char	*slash = strrchr(path, '/');

	return (slash != NULL ? (size_t)(slash - path) : 0);
}

const char *
compat_conf_path(const char *sysconfdir, const char *name)
{
	static char	path[1024];

	snprintf(path, sizeof(path), "%s/%s", sysconfdir, name);
	return (path);
}

const char *
compat_data_path(const char *datadir, const char *name)
{
	static char	path[1024];

	snprintf(path, sizeof(path), "%s/%s", datadir, name);
	return (path);
}

void
compat_syslog_open(const char *progname)
{
	openlog(progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
compat_syslog(int level, const char *msg)
{
	syslog(level, "%s", msg);
}

int
compat_service(const char *name, const char *action, const char *conf,
    const char *logfile, compat_service_main run)
{
	fprintf(stderr, "%s: --service %s: Windows only; here use a "
	    "supervisor such as systemd (see %s(8))\n", name, action, name);
	return (2);
}

int
compat_in_service(void)
{
	return (0);
}
