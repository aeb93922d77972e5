/*
 * compat.h: the one place that knows whether the programs run on a POSIX
 * system or on Windows (mingw-w64).  cimhead.h includes it, so modules see
 * one set of names: sockets, queue macros, the few libc functions Windows
 * lacks, the process controls (reload, stop) that signals deliver on POSIX
 * and console or service controls deliver on Windows, where logs and
 * configuration live, and what a credential file's permissions allow.
 * Only compat/ tests _WIN32; the implementations are compat/posix.c and
 * compat/win32.c (with the service module compat/service_win32.c).
 */
#ifndef COMPAT_H
#define COMPAT_H

#include <stddef.h>
#include <stdint.h>

#ifdef _WIN32
/* winsock2.h must come before windows.h, which it includes itself. */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#ifndef NOMINMAX
#define NOMINMAX
#endif
#include <winsock2.h>
#include <ws2tcpip.h>
#include <time.h>

#include "queue.h"

/* C99 printf (%zu, %lld): configure sets __USE_MINGW_ANSI_STDIO. */
#define COMPAT_PRINTF	__gnu_printf__

/* An fd opened with O_CLOEXEC must not reach a child: O_NOINHERIT says so. */
#ifndef O_CLOEXEC
#define O_CLOEXEC	0x0080		/* _O_NOINHERIT */
#endif
/* fopen(3) mode: "e" is glibc's close-on-exec; msvcrt spells it "N". */
#define FOPEN_RE	"rN"

/*
 * libcurl with OpenSSL has no CA bundle file on Windows: without --cacert,
 * http.c asks it to verify against the system's certificate store.
 */
#define COMPAT_CURL_NATIVE_CA	1

/* lib/hclient.c speaks POSIX sockets: libcurl does every transfer here. */
#define COMPAT_HCLIENT	0

#define gmtime_r(t, tm)	(gmtime_s((tm), (t)) == 0 ? (tm) : NULL)
#define explicit_bzero(p, n)	SecureZeroMemory((p), (n))

/* shutdown(2)'s write side, as winsock spells it. */
#ifndef SHUT_WR
#define SHUT_WR		SD_SEND
#endif

char	*strsep(char **, const char *);
char	*strndup(const char *, size_t);
char	*mkdtemp(char *);

/*
 * win32.c: posts a console or service control to the loop that
 * compat_ctl_new set up; safe from any thread.
 */
enum compat_post {
	COMPAT_POST_CTRL_C,
	COMPAT_POST_CTRL_BREAK,
	COMPAT_POST_CLOSE,
	COMPAT_POST_SHUTDOWN,
	COMPAT_POST_SVC_STOP,
	COMPAT_POST_SVC_PARAMCHANGE,
};
void	 compat_ctl_post(enum compat_post);

#else /* POSIX */
#include <sys/types.h>
#include <sys/queue.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#define FOPEN_RE	"re"
#define COMPAT_PRINTF	__printf__
#define COMPAT_CURL_NATIVE_CA	0	/* the distribution's CA bundle */
#define COMPAT_HCLIENT	1	/* lib/hclient.c under http.c */
#endif

struct event_base;

/*
 * Process set-up every program calls before its first socket: Winsock on
 * Windows.  server: also no death by a write to a socket the peer closed
 * (SIGPIPE ignored on POSIX; Windows has no such signal).  -1 when
 * unusable.
 */
int	 compat_init(int server);

/*
 * Reload and stop requests for an event loop.  POSIX: SIGHUP reloads,
 * SIGTERM and SIGINT stop.  Windows: Ctrl-C, Ctrl-Break, closing the
 * console, log-off, shutdown and the service's stop control stop; the
 * service's paramchange control reloads.  The callback runs in the loop's
 * thread; why names the source for the log ("SIGTERM", "Ctrl-C" ...).
 */
enum compat_ctl_op {
	COMPAT_CTL_RELOAD,
	COMPAT_CTL_STOP,
};
typedef void	(*compat_ctl_cb)(enum compat_ctl_op, const char *why, void *);
struct compat_ctl;
struct compat_ctl *compat_ctl_new(struct event_base *, compat_ctl_cb, void *);
void	 compat_ctl_free(struct compat_ctl *);

/*
 * The permission bits of an open regular file, POSIX style: 0600 is
 * private to its owner.  On Windows they are read from the file's DACL:
 * an allow entry for Everyone, Users, Authenticated Users, Anonymous or
 * Guests gives the "others" bits, one for any other SID than the owner,
 * SYSTEM and Administrators gives the "group" bits.  -1 (errno set) if
 * the file cannot be examined or is not a regular file.
 */
int	 compat_file_mode(int fd, unsigned *mode);
/*
 * The reverse, for tests and tools: gives path the permissions of POSIX
 * mode.  Windows: a DACL of its own (nothing inherited) giving the owner,
 * SYSTEM and Administrators full control, the owner's primary group read
 * (and write) for the group bits, Everyone read (and write) for the
 * others bits; a DACL already private to the owner stays as it is when
 * mode asks for that.  -1 (errno set) on failure.
 */
/*
 * The descriptor limit, raised toward want as far as allowed; returns the
 * limit now in force (UINT64_MAX: none, as for Windows sockets).
 */
uint64_t compat_fd_limit(uint64_t want);
/*
 * 1 if fd is the stream systemd connected to journald: JOURNAL_STREAM
 * names its device:inode (sd_journal_stream_fd(3)), so a stream the
 * program was given anew, or a variable inherited past it, does not
 * count.  Always 0 on Windows.
 */
int	 compat_fd_is_journal(int fd);
int	 compat_chmod(const char *path, unsigned mode);

/*
 * Paths: whether path is absolute, and the length of its directory part
 * (0 when it has none).  Windows: "/" and "\\" both separate, and "X:\\"
 * starts an absolute path.
 */
int	 compat_path_absolute(const char *path);
size_t	 compat_path_dirlen(const char *path);

/*
 * Where things live.  compat_conf_path: the default configuration file
 * named name (POSIX: sysconfdir/name; Windows:
 * %ProgramData%\cimhead\name).  compat_data_path: a data file (POSIX:
 * datadir/name; Windows: <exe dir>\..\share\cimhead\name).  Both return
 * a static string.
 */
const char *compat_conf_path(const char *sysconfdir, const char *name);
const char *compat_data_path(const char *datadir, const char *name);

/*
 * The system log: syslog(3) on POSIX, the Windows event log (source
 * progname) on Windows.  level is a syslog level (3 err .. 7 debug).
 */
void	 compat_syslog_open(const char *progname);
void	 compat_syslog(int level, const char *msg);

/*
 * The Windows service: action is "install", "remove" or "run".  install
 * registers this executable to start as "--service run -f conf", with
 * "--log-file logfile" too unless logfile is NULL (both made absolute:
 * the SCM starts services in System32); run hands
 * the process to the service control manager and calls run(conf) in the
 * service thread, reporting RUNNING before and STOPPED after; a stop
 * control reaches run() as a COMPAT_CTL_STOP.  Returns the exit status.
 * On POSIX every action is refused with status 2.
 */
typedef int	(*compat_service_main)(const char *conf);
int	 compat_service(const char *name, const char *action,
	    const char *conf, const char *logfile, compat_service_main run);
/* 1 while run() is running under the service control manager. */
int	 compat_in_service(void);

#endif /* COMPAT_H */
