/*
 * win32.c: the Windows side of compat.h.  Winsock start-up, the libc
 * functions msvcrt lacks, console controls turned into the reload and stop
 * requests that signals are on POSIX, credential-file permissions read
 * from the DACL, the default paths, and the event log.
 *
 * Console and service controls arrive on threads of their own, while the
 * programs' state belongs to the event loop's thread.  So a control only
 * writes one byte into a loopback socket pair whose other end the loop
 * watches; the loop then runs the same reload or drain path a signal
 * would.  Nothing else crosses threads.
 */
#include "config.h"

#include "cimhead.h"		/* first: winsock2.h before windows.h */

#include <sys/stat.h>

#include <direct.h>
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <aclapi.h>

#include <event2/event.h>
#include <event2/util.h>

struct compat_ctl {
	struct event		*ev;
	evutil_socket_t		 fd[2];		/* [0] the loop reads */
	compat_ctl_cb		 cb;
	void			*arg;
};

/* What a control byte means; the index is the byte (enum compat_post). */
static const struct {
	enum compat_ctl_op	 op;
	const char		*why;
} compat_ctls[] = {
	{ COMPAT_CTL_STOP, "Ctrl-C" },
	{ COMPAT_CTL_STOP, "Ctrl-Break" },
	{ COMPAT_CTL_STOP, "console closed" },
	{ COMPAT_CTL_STOP, "log-off or shutdown" },
	{ COMPAT_CTL_STOP, "service stop" },
	{ COMPAT_CTL_RELOAD, "service paramchange" },
};

/* The one control channel of the process; handlers run on other threads. */
#define CTL_NONE	((evutil_socket_t)-1)
static volatile evutil_socket_t	 compat_ctl_wfd = CTL_NONE;
static HANDLE			 compat_ctl_gone;

int
compat_init(int server)
{
	WSADATA	wsa;

	if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0)
		return (-1);
	/* No "abort, retry, ignore" boxes for a daemon without a desktop. */
	SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
	return (0);
}

char *
strsep(char **sp, const char *delim)
{
	char	*s = *sp, *e;

	if (s == NULL)
		return (NULL);
	e = s + strcspn(s, delim);
	if (*e == '\0')
		*sp = NULL;
	else {
		*e = '\0';
		*sp = e + 1;
	}
	return (s);
}

char *
strndup(const char *s, size_t n)
{
	size_t	 len = strnlen(s, n);
	char	*p;

	if ((p = malloc(len + 1)) == NULL)
		return (NULL);
	memcpy(p, s, len);
	p[len] = '\0';
	return (p);
}

uint64_t
mono_ms(void)
{
	return ((uint64_t)GetTickCount64());
}

uint64_t
wall_ms(void)
{
	FILETIME	ft;
	uint64_t	t;

	/* 100 ns ticks since 1601-01-01; the Unix epoch is 11644473600 s on. */
	GetSystemTimeAsFileTime(&ft);
	t = (uint64_t)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
	return (t / 10000 - UINT64_C(11644473600000));
}

char *
mkdtemp(char *tmpl)
{
	size_t	n = strlen(tmpl);
	char	save[8];
	int	tries;

	if (n < 6 || strcmp(tmpl + n - 6, "XXXXXX") != 0) {
		errno = EINVAL;
		return (NULL);
	}
	memcpy(save, tmpl + n - 6, 7);
	/* _mktemp_s names a file that does not exist yet; _mkdir may race. */
	for (tries = 0; tries < 100; tries++) {
		memcpy(tmpl + n - 6, save, 7);
		if (_mktemp_s(tmpl, n + 1) != 0)
			return (NULL);
		if (_mkdir(tmpl) == 0)
			return (tmpl);
		if (errno != EEXIST)
			return (NULL);
	}
	return (NULL);
}

/* Called on any thread: hands control code to the loop, if there is one. */
void
compat_ctl_post(enum compat_post code)
{
	char			b = (char)code;
	evutil_socket_t		fd = compat_ctl_wfd;

	if (fd != CTL_NONE)
		(void)send(fd, &b, 1, 0);
}

static BOOL WINAPI
compat_console_cb(DWORD type)
{
	switch (type) {
	case CTRL_C_EVENT:
		compat_ctl_post(COMPAT_POST_CTRL_C);
		return (TRUE);
	case CTRL_BREAK_EVENT:
		compat_ctl_post(COMPAT_POST_CTRL_BREAK);
		return (TRUE);
	case CTRL_LOGOFF_EVENT:
		/* A service outlives the log-off of whoever is at the console. */
		if (compat_in_service())
			return (FALSE);
		/* FALLTHROUGH */
	case CTRL_CLOSE_EVENT:
	case CTRL_SHUTDOWN_EVENT:
		compat_ctl_post(type == CTRL_CLOSE_EVENT ? COMPAT_POST_CLOSE :
		    COMPAT_POST_SHUTDOWN);
		/*
		 * The process ends when this returns: give the drain the few
		 * seconds Windows allows before that.
		 */
		if (compat_ctl_gone != NULL)
			WaitForSingleObject(compat_ctl_gone, 4000);
		return (TRUE);
	}
	return (FALSE);
}

static void
compat_ctl_read_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct compat_ctl	*c = arg;
	unsigned char		 b[16];
	int			 i, n;

	if ((n = recv(fd, (char *)b, sizeof(b), 0)) <= 0)
		return;
	for (i = 0; i < n; i++)
		if (b[i] < nitems(compat_ctls))
			c->cb(compat_ctls[b[i]].op, compat_ctls[b[i]].why,
			    c->arg);
}

struct compat_ctl *
compat_ctl_new(struct event_base *base, compat_ctl_cb cb, void *arg)
{
	struct compat_ctl	*c;

	c = xcalloc(1, sizeof(*c));
	c->cb = cb;
	c->arg = arg;
	if (evutil_socketpair(AF_INET, SOCK_STREAM, 0, c->fd) == -1) {
		free(c);
		return (NULL);
	}
	evutil_make_socket_nonblocking(c->fd[0]);
	c->ev = event_new(base, c->fd[0], EV_READ | EV_PERSIST,
	    compat_ctl_read_cb, c);
	if (c->ev == NULL || event_add(c->ev, NULL) == -1) {
		compat_ctl_free(c);
		return (NULL);
	}
	if (compat_ctl_gone == NULL)
		compat_ctl_gone = CreateEventA(NULL, TRUE, FALSE, NULL);
	else
		ResetEvent(compat_ctl_gone);
	compat_ctl_wfd = c->fd[1];
	SetConsoleCtrlHandler(compat_console_cb, TRUE);
	return (c);
}

void
compat_ctl_free(struct compat_ctl *c)
{
	if (c == NULL)
		return;
	compat_ctl_wfd = CTL_NONE;
	if (c->ev != NULL)
		event_free(c->ev);
	evutil_closesocket(c->fd[0]);
	evutil_closesocket(c->fd[1]);
	free(c);
	if (compat_ctl_gone != NULL)
		SetEvent(compat_ctl_gone);
}

static int
compat_sid_is(PSID sid, const WELL_KNOWN_SID_TYPE *types, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (IsWellKnownSid(sid, types[i]))
			return (1);
	return (0);
}

int
compat_file_mode(int fd, unsigned *mode)
{
	/* Anyone at all, or any local account: the "others" of POSIX. */
	static const WELL_KNOWN_SID_TYPE	 others[] = {
		WinWorldSid, WinBuiltinUsersSid, WinAuthenticatedUserSid,
		WinAnonymousSid, WinBuiltinGuestsSid, WinInteractiveSid,
		WinNetworkSid,
	};
	/* Those who can read every file anyway, like root. */
	static const WELL_KNOWN_SID_TYPE	 trusted[] = {
		WinLocalSystemSid, WinBuiltinAdministratorsSid,
		WinCreatorOwnerSid,
	};
	const ACCESS_MASK	 rd = FILE_READ_DATA | GENERIC_READ | GENERIC_ALL;
	const ACCESS_MASK	 wr = FILE_WRITE_DATA | FILE_APPEND_DATA |
				    GENERIC_WRITE | GENERIC_ALL;
	struct _stat64		 st;
	PSECURITY_DESCRIPTOR	 sd = NULL;
	PSID			 owner = NULL;
	PACL			 dacl = NULL;
	ACCESS_ALLOWED_ACE	*ace;
	intptr_t		 h;
	unsigned		 m = S_IRUSR | S_IWUSR, r, w;
	DWORD			 i;

	if (_fstat64(fd, &st) == -1)
		return (-1);
	if ((st.st_mode & _S_IFMT) != _S_IFREG) {
		errno = EINVAL;
		return (-1);
	}
	if ((h = _get_osfhandle(fd)) == -1)
		return (-1);
	if (GetSecurityInfo((HANDLE)h, SE_FILE_OBJECT,
	    OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION, &owner,
	    NULL, &dacl, NULL, &sd) != ERROR_SUCCESS) {
		errno = EACCES;
		return (-1);
	}
	if (dacl == NULL) {
		/* No DACL at all: everyone has every right. */
		m |= S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH;
	} else {
		for (i = 0; i < dacl->AceCount; i++) {
			if (!GetAce(dacl, i, (void **)&ace))
				continue;
			if (ace->Header.AceType != ACCESS_ALLOWED_ACE_TYPE ||
			    (ace->Header.AceFlags & INHERIT_ONLY_ACE))
				continue;
			r = (ace->Mask & rd) != 0;
			w = (ace->Mask & wr) != 0;
			if (!r && !w)
				continue;
			if ((owner != NULL && EqualSid(&ace->SidStart, owner)) ||
			    compat_sid_is(&ace->SidStart, trusted,
			    nitems(trusted)))
				continue;
			if (compat_sid_is(&ace->SidStart, others,
			    nitems(others)))
				m |= (r ? S_IROTH : 0) | (w ? S_IWOTH : 0);
			else
				m |= (r ? S_IRGRP : 0) | (w ? S_IWGRP : 0);
		}
	}
	LocalFree(sd);
	*mode = m;
	return (0);
}

/*
 * Winsock sockets are handles, not C runtime descriptors: no per-process
 * table caps them, and libevent's Windows backend grows its sets.
 */
uint64_t
compat_fd_limit(uint64_t want)
{
	(void)want;
	return (UINT64_MAX);
}

/* No journald on Windows. */
int
compat_fd_is_journal(int fd)
{
	(void)fd;
	return (0);
}

int
compat_chmod(const char *path, unsigned mode)
{
	EXPLICIT_ACCESSA	 ea[5];
	union {
		TOKEN_USER		u;
		TOKEN_PRIMARY_GROUP	g;
		char			b[256];
	}			 user, group;
	char			 sys[SECURITY_MAX_SID_SIZE];
	char			 adm[SECURITY_MAX_SID_SIZE];
	char			 world[SECURITY_MAX_SID_SIZE];
	HANDLE			 tok;
	PACL			 acl = NULL;
	DWORD			 n, rc, i = 0;
	unsigned		 cur;
	int			 fd;

	/* Already private and asked to stay so: the DACL is left as it is. */
	if ((mode & 077) == 0 && (fd = _open(path, _O_RDONLY)) != -1) {
		rc = compat_file_mode(fd, &cur) == 0 && (cur & 077) == 0;
		_close(fd);
		if (rc)
			return (0);
	}
	if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok))
		goto fail;
	if (!GetTokenInformation(tok, TokenUser, &user, sizeof(user), &n) ||
	    !GetTokenInformation(tok, TokenPrimaryGroup, &group, sizeof(group),
	    &n)) {
		CloseHandle(tok);
		goto fail;
	}
	CloseHandle(tok);
	n = sizeof(sys);
	if (!CreateWellKnownSid(WinLocalSystemSid, NULL, sys, &n))
		goto fail;
	n = sizeof(adm);
	if (!CreateWellKnownSid(WinBuiltinAdministratorsSid, NULL, adm, &n))
		goto fail;
	memset(ea, 0, sizeof(ea));
	ea[i].Trustee.ptstrName = user.u.User.Sid;
	ea[i++].grfAccessPermissions = GENERIC_ALL;
	ea[i].Trustee.ptstrName = sys;
	ea[i++].grfAccessPermissions = GENERIC_ALL;
	ea[i].Trustee.ptstrName = adm;
	ea[i++].grfAccessPermissions = GENERIC_ALL;
	if (mode & (S_IRGRP | S_IWGRP)) {
		ea[i].Trustee.ptstrName = group.g.PrimaryGroup;
		ea[i++].grfAccessPermissions = (mode & S_IRGRP ? GENERIC_READ :
		    0) | (mode & S_IWGRP ? GENERIC_WRITE : 0);
	}
	if (mode & (S_IROTH | S_IWOTH)) {
		n = sizeof(world);
		if (!CreateWellKnownSid(WinWorldSid, NULL, world, &n))
			goto fail;
		ea[i].Trustee.ptstrName = world;
		ea[i++].grfAccessPermissions = (mode & S_IROTH ? GENERIC_READ :
		    0) | (mode & S_IWOTH ? GENERIC_WRITE : 0);
	}
	for (n = 0; n < i; n++) {
		ea[n].grfAccessMode = SET_ACCESS;
		ea[n].Trustee.TrusteeForm = TRUSTEE_IS_SID;
	}
	rc = SetEntriesInAclA(i, ea, NULL, &acl);
	if (rc == ERROR_SUCCESS)
		rc = SetNamedSecurityInfoA((char *)path, SE_FILE_OBJECT,
		    DACL_SECURITY_INFORMATION |
		    PROTECTED_DACL_SECURITY_INFORMATION, NULL, NULL, acl, NULL);
	LocalFree(acl);
	if (rc == ERROR_SUCCESS)
		return (0);
fail:
	errno = EACCES;
	return (-1);
}

int
compat_path_absolute(const char *path)
{
	if (path[0] == '/' || path[0] == '\\')
		return (1);
	return (((path[0] >= 'A' && path[0] <= 'Z') ||
	    (path[0] >= 'a' && path[0] <= 'z')) && path[1] == ':' &&
	    (path[2] == '/' || path[2] == '\\'));
}

size_t
compat_path_dirlen(const char *path)
{
	const char	*p, *sep = NULL;

	for (p = path; *p != '\0'; p++)
		if (*p == '/' || *p == '\\')
			sep = p;
	return (sep != NULL ? (size_t)(sep - path) : 0);
}

const char *
compat_conf_path(const char *sysconfdir, const char *name)
{
	static char	 path[MAX_PATH + 64];
	const char	*pd;

	if ((pd = getenv("ProgramData")) == NULL || *pd == '\0')
		pd = "C:\\ProgramData";
	snprintf(path, sizeof(path), "%s\\cimhead\\%s", pd, name);
	return (path);
}

const char *
compat_data_path(const char *datadir, const char *name)
{
	static char	 path[MAX_PATH + 64];
	char		 exe[MAX_PATH], *sep;
	DWORD		 n;

	n = GetModuleFileNameA(NULL, exe, sizeof(exe));
	if (n == 0 || n >= sizeof(exe) || (sep = strrchr(exe, '\\')) == NULL) {
		snprintf(path, sizeof(path), "%s\\%s", datadir, name);
		return (path);
	}
	*sep = '\0';
	snprintf(path, sizeof(path), "%s\\..\\share\\cimhead\\%s", exe, name);
	return (path);
}

static HANDLE	compat_evlog;

void
compat_syslog_open(const char *progname)
{
	if (compat_evlog == NULL)
		compat_evlog = RegisterEventSourceA(NULL, progname);
}

void
compat_syslog(int level, const char *msg)
{
	WORD	type;

	if (compat_evlog == NULL)
		return;
	if (level <= 3)
		type = EVENTLOG_ERROR_TYPE;
	else if (level == 4)
		type = EVENTLOG_WARNING_TYPE;
	else
		type = EVENTLOG_INFORMATION_TYPE;
	ReportEventA(compat_evlog, type, 0, 0, NULL, 1, 0, &msg, NULL);
}
