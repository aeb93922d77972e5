/*
 * service_win32.c: cimheadd as a Windows service.  "install" registers
 * this executable with the service control manager (SCM) to start
 * automatically as "<exe> --service run -f <conf>"; "remove" stops and
 * deletes it; "run" is what the SCM starts: the process connects to the
 * SCM's dispatcher and the daemon runs in the service thread.
 *
 * Status as the SCM wants it: START_PENDING while connecting, RUNNING
 * while the daemon's loop runs, STOP_PENDING from the stop control (which
 * the loop receives as the same drain as SIGTERM on POSIX, through
 * compat_ctl_post) to the end of the drain, then STOPPED with the
 * daemon's exit status.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cimhead.h"

static char			 svc_name[64];
static const char		*svc_conf;
static compat_service_main	 svc_run;
static SERVICE_STATUS_HANDLE	 svc_handle;
static SERVICE_STATUS		 svc_status;
static volatile LONG		 svc_running;

int
compat_in_service(void)
{
	return (svc_running != 0);
}

static void
svc_set(DWORD state, DWORD exitcode)
{
	svc_status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
	svc_status.dwCurrentState = state;
	svc_status.dwControlsAccepted = state == SERVICE_RUNNING ?
	    SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN |
	    SERVICE_ACCEPT_PARAMCHANGE : 0;
	if (exitcode != 0) {
		svc_status.dwWin32ExitCode = ERROR_SERVICE_SPECIFIC_ERROR;
		svc_status.dwServiceSpecificExitCode = exitcode;
	} else
		svc_status.dwWin32ExitCode = NO_ERROR;
	/* Pending states promise progress within the wait hint. */
	svc_status.dwWaitHint = state == SERVICE_START_PENDING ||
	    state == SERVICE_STOP_PENDING ? 30000 : 0;
	if (state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING)
		svc_status.dwCheckPoint++;
	else
		svc_status.dwCheckPoint = 0;
	SetServiceStatus(svc_handle, &svc_status);
}

static DWORD WINAPI
svc_ctrl(DWORD ctrl, DWORD type, LPVOID data, LPVOID ctx)
{
	switch (ctrl) {
	case SERVICE_CONTROL_STOP:
	case SERVICE_CONTROL_SHUTDOWN:
		svc_set(SERVICE_STOP_PENDING, 0);
		compat_ctl_post(COMPAT_POST_SVC_STOP);
		return (NO_ERROR);
	case SERVICE_CONTROL_PARAMCHANGE:
		compat_ctl_post(COMPAT_POST_SVC_PARAMCHANGE);
		return (NO_ERROR);
	case SERVICE_CONTROL_INTERROGATE:
		return (NO_ERROR);
	}
	return (ERROR_CALL_NOT_IMPLEMENTED);
}

static void WINAPI
svc_main(DWORD argc, LPSTR *argv)
{
	int	rc;

	svc_handle = RegisterServiceCtrlHandlerExA(svc_name, svc_ctrl, NULL);
	if (svc_handle == NULL)
		return;
	svc_set(SERVICE_START_PENDING, 0);
	InterlockedExchange(&svc_running, 1);
	svc_set(SERVICE_RUNNING, 0);
	rc = svc_run(svc_conf);
	InterlockedExchange(&svc_running, 0);
	svc_set(SERVICE_STOPPED, (DWORD)rc);
}

static void
svc_error(const char *name, const char *what)
{
	char	msg[256];
	DWORD	e = GetLastError();

	if (FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM |
	    FORMAT_MESSAGE_IGNORE_INSERTS, NULL, e, 0, msg, sizeof(msg),
	    NULL) == 0)
		snprintf(msg, sizeof(msg), "error %lu", (unsigned long)e);
	msg[strcspn(msg, "\r\n")] = '\0';
	fprintf(stderr, "%s: %s: %s\n", name, what, msg);
}

static int
svc_install(const char *name, const char *conf, const char *logfile)
{
	SC_HANDLE		 scm, svc;
	SERVICE_DESCRIPTIONA	 desc;
	char			 exe[MAX_PATH], full[MAX_PATH], log[MAX_PATH];
	char			 cmd[3 * MAX_PATH + 64];
	DWORD			 n;

	n = GetModuleFileNameA(NULL, exe, sizeof(exe));
	if (n == 0 || n >= sizeof(exe)) {
		svc_error(name, "cannot find this executable");
		return (1);
	}
	/* The SCM starts us in System32: the config path must be absolute. */
	n = GetFullPathNameA(conf, sizeof(full), full, NULL);
	if (n == 0 || n >= sizeof(full)) {
		svc_error(name, conf);
		return (1);
	}
	log[0] = '\0';
	if (logfile != NULL) {
		n = GetFullPathNameA(logfile, sizeof(log), log, NULL);
		if (n == 0 || n >= sizeof(log)) {
			svc_error(name, logfile);
			return (1);
		}
	}
	if ((size_t)snprintf(cmd, sizeof(cmd),
	    "\"%s\" --service run -f \"%s\"%s%s%s", exe, full,
	    log[0] != '\0' ? " --log-file \"" : "", log,
	    log[0] != '\0' ? "\"" : "") >= sizeof(cmd)) {
		fprintf(stderr, "%s: paths too long\n", name);
		return (1);
	}
	if ((scm = OpenSCManagerA(NULL, NULL, SC_MANAGER_CREATE_SERVICE)) ==
	    NULL) {
		svc_error(name, "cannot open the service control manager "
		    "(run as an administrator)");
		return (1);
	}
	svc = CreateServiceA(scm, name, "cimhead head-end (cimheadd)",
	    SERVICE_ALL_ACCESS, SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START,
	    SERVICE_ERROR_NORMAL, cmd, NULL, NULL, "Tcpip\0\0", NULL, NULL);
	if (svc == NULL) {
		svc_error(name, "cannot create the service");
		CloseServiceHandle(scm);
		return (1);
	}
	desc.lpDescription = "Redirects video-on-demand viewers to the least "
	    "loaded cluster node, from the nodes' WBEM load figures.";
	ChangeServiceConfig2A(svc, SERVICE_CONFIG_DESCRIPTION, &desc);
	printf("%s: service installed: %s\n", name, cmd);
	CloseServiceHandle(svc);
	CloseServiceHandle(scm);
	return (0);
}

static int
svc_remove(const char *name)
{
	SC_HANDLE	 scm, svc;
	SERVICE_STATUS	 st;
	int		 i;

	if ((scm = OpenSCManagerA(NULL, NULL, SC_MANAGER_CONNECT)) == NULL) {
		svc_error(name, "cannot open the service control manager "
		    "(run as an administrator)");
		return (1);
	}
	svc = OpenServiceA(scm, name, DELETE | SERVICE_STOP |
	    SERVICE_QUERY_STATUS);
	if (svc == NULL) {
		svc_error(name, "cannot open the service");
		CloseServiceHandle(scm);
		return (1);
	}
	/* A running service is stopped first, and given its drain. */
	if (ControlService(svc, SERVICE_CONTROL_STOP, &st)) {
		for (i = 0; i < 60 && QueryServiceStatus(svc, &st) &&
		    st.dwCurrentState != SERVICE_STOPPED; i++)
			Sleep(500);
	}
	if (!DeleteService(svc)) {
		svc_error(name, "cannot delete the service");
		CloseServiceHandle(svc);
		CloseServiceHandle(scm);
		return (1);
	}
	printf("%s: service removed\n", name);
	CloseServiceHandle(svc);
	CloseServiceHandle(scm);
	return (0);
}

int
compat_service(const char *name, const char *action, const char *conf,
    const char *logfile, compat_service_main run)
{
	SERVICE_TABLE_ENTRYA	table[2];

	if (strcmp(action, "install") == 0)
		return (svc_install(name, conf, logfile));
	if (strcmp(action, "remove") == 0)
		return (svc_remove(name));
	if (strcmp(action, "run") != 0) {
		fprintf(stderr, "%s: --service %s: expected install, remove "
		    "or run\n", name, action);
		return (2);
	}
	snprintf(svc_name, sizeof(svc_name), "%s", name);
	svc_conf = conf;
	svc_run = run;
	memset(table, 0, sizeof(table));
	table[0].lpServiceName = svc_name;
	table[0].lpServiceProc = svc_main;
	if (!StartServiceCtrlDispatcherA(table)) {
		if (GetLastError() == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT)
			fprintf(stderr, "%s: --service run is for the service "
			    "control manager; in a console run %s without "
			    "--service\n", name, name);
		else
			svc_error(name, "StartServiceCtrlDispatcher");
		return (1);
	}
	return ((int)svc_status.dwServiceSpecificExitCode);
}
