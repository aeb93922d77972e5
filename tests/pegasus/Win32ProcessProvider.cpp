// Win32ProcessProvider.cpp: the method provider behind Win32_Process.Create
// for the OpenPegasus the "pegasus" test suite runs (tests/PEGASUS.md).
//
// Create(CommandLine, CurrentDirectory, ProcessStartupInformation) really
// starts the command line as a child process, as WMI does on Windows, and
// answers like WMI: 0 and the new ProcessId; 21 (invalid parameter) without
// a CommandLine; 9 (path not found) when the program or the directory does
// not exist; 2 (access denied) when the program may not be executed; 8
// (unknown failure) when fork or the repository fails.  The command line is
// split Windows-style: a double-quoted stretch is one word (the quotes are
// removed), otherwise words end at blanks; backslashes are literal.  The
// program (the first word) must be an absolute path; a bare name is 9.
//
// The Win32_Process instances themselves live in the repository
// (repositoryIsDefaultInstanceProvider=true): this provider creates one
// (Handle and ProcessId the pid, Caption and Name the program's file name,
// CommandLine, ExecutablePath) before Create returns, and deletes it when
// the child exits, from a thread that waits for it.  So
//   SELECT Handle, Caption FROM Win32_Process WHERE Caption = "x"
// answers whether the processes started through Create still run, and
// static instances loaded with cimmofl stay as they were.

#include <Pegasus/Common/Config.h>
#include <Pegasus/Common/String.h>
#include <Pegasus/Common/CIMInstance.h>
#include <Pegasus/Common/CIMObjectPath.h>
#include <Pegasus/Common/CIMParamValue.h>
#include <Pegasus/Common/OperationContext.h>
#include <Pegasus/Provider/CIMMethodProvider.h>
#include <Pegasus/Provider/CIMOMHandle.h>

#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <string>
#include <vector>

PEGASUS_USING_PEGASUS;

namespace {

enum {
	RC_OK = 0,
	RC_ACCESS_DENIED = 2,
	RC_UNKNOWN_FAILURE = 8,
	RC_PATH_NOT_FOUND = 9,
	RC_INVALID_PARAMETER = 21
};

std::vector<std::string>
split_command_line(const std::string &s)
{
	std::vector<std::string> words;
	std::string w;
	bool inword = false, quoted = false;

	for (size_t i = 0; i < s.size(); i++) {
		char c = s[i];
		if (c == '"') {
			quoted = !quoted;
			inword = true;
		} else if ((c == ' ' || c == '\t') && !quoted) {
			if (inword)
				words.push_back(w);
			w.clear();
			inword = false;
		} else {
			w += c;
			inword = true;
		}
	}
	if (inword)
		words.push_back(w);
	return words;
}

std::string
base_name(const std::string &path)
{
	size_t slash = path.rfind('/');
	return slash == std::string::npos ? path : path.substr(slash + 1);
}

class Win32ProcessProvider;

struct Watch {
	Win32ProcessProvider *prov;
	CIMNamespaceName ns;
	CIMObjectPath path;
	pid_t pid;
};

class Win32ProcessProvider : public CIMMethodProvider {
public:
	Win32ProcessProvider() : _cimom(0) {}
	virtual ~Win32ProcessProvider() { delete _cimom; }

	virtual void initialize(CIMOMHandle &cimom)
	{
		_cimom = new CIMOMHandle(cimom);
		// The watcher threads call back into the CIMOM: the module
		// must stay loaded as long as the server runs.
		_cimom->disallowProviderUnload();
	}

	virtual void terminate() { delete this; }

	virtual void invokeMethod(const OperationContext &context,
	    const CIMObjectPath &ref, const CIMName &method,
	    const Array<CIMParamValue> &in,
	    MethodResultResponseHandler &handler);

	void forget(Watch *w);

private:
	Uint32 create(const CIMNamespaceName &ns, const String &cmdline,
	    const String &dir, Uint32 &pid_out);

	CIMOMHandle *_cimom;
};

String
param_string(const Array<CIMParamValue> &in, const char *name, bool &given)
{
	given = false;
	for (Uint32 i = 0; i < in.size(); i++) {
		if (!String::equalNoCase(in[i].getParameterName(), name))
			continue;
		CIMValue v = in[i].getValue();
		if (v.isNull())
			return String();
		if (v.getType() != CIMTYPE_STRING || v.isArray())
			throw CIMException(CIM_ERR_INVALID_PARAMETER,
			    String(name) + " must be a string");
		String s;
		v.get(s);
		given = true;
		return s;
	}
	return String();
}

void *
watch_thread(void *arg)
{
	Watch *w = static_cast<Watch *>(arg);
	int st;
	pid_t r;

	do {
		r = waitpid(w->pid, &st, 0);
	} while (r < 0 && errno == EINTR);
	if (r < 0) {
		// Someone else reaps our children (SIGCHLD ignored): poll.
		while (kill(w->pid, 0) == 0 || errno != ESRCH)
			usleep(100000);
	}
	w->prov->forget(w);
	delete w;
	return 0;
}

void
Win32ProcessProvider::forget(Watch *w)
{
	try {
		_cimom->deleteInstance(OperationContext(), w->ns, w->path);
	} catch (...) {
		// Deleted by a client already: nothing to do.
	}
}

Uint32
Win32ProcessProvider::create(const CIMNamespaceName &ns,
    const String &cmdline, const String &dir, Uint32 &pid_out)
{
	std::string cl((const char *)cmdline.getCString());
	std::string cwd((const char *)dir.getCString());
	std::vector<std::string> words = split_command_line(cl);
	struct stat sb;

	if (words.empty())
		return RC_INVALID_PARAMETER;
	const std::string &prog = words[0];
	if (prog[0] != '/' || stat(prog.c_str(), &sb) != 0)
		return RC_PATH_NOT_FOUND;
	if (!S_ISREG(sb.st_mode) || access(prog.c_str(), X_OK) != 0)
		return RC_ACCESS_DENIED;
	if (!cwd.empty() && (stat(cwd.c_str(), &sb) != 0 ||
	    !S_ISDIR(sb.st_mode)))
		return RC_PATH_NOT_FOUND;

	std::vector<char *> argv;
	for (size_t i = 0; i < words.size(); i++)
		argv.push_back(const_cast<char *>(words[i].c_str()));
	argv.push_back(0);

	// A close-on-exec pipe carries exec's errno back: EOF means the
	// program runs.
	int pfd[2];
	if (pipe2(pfd, O_CLOEXEC) != 0)
		return RC_UNKNOWN_FAILURE;
	pid_t pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return RC_UNKNOWN_FAILURE;
	}
	if (pid == 0) {
		// The child: its own session, no descriptor of the server's
		// (its listening sockets must not outlive it), default signals.
		sigset_t all;
		int e, fd, maxfd;

		setsid();
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, 0);
		for (int s = 1; s < NSIG; s++)
			signal(s, SIG_DFL);
		fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		maxfd = (int)sysconf(_SC_OPEN_MAX);
		if (maxfd < 0 || maxfd > 65536)
			maxfd = 65536;
		for (fd = 3; fd < maxfd; fd++)
			if (fd != pfd[1])
				close(fd);
		if (!cwd.empty() && chdir(cwd.c_str()) != 0) {
			e = errno;
			(void)write(pfd[1], &e, sizeof(e));
			_exit(127);
		}
		execv(argv[0], &argv[0]);
		e = errno;
		(void)write(pfd[1], &e, sizeof(e));
		_exit(127);
	}
	close(pfd[1]);
	int err = 0;
	ssize_t n;
	do {
		n = read(pfd[0], &err, sizeof(err));
	} while (n < 0 && errno == EINTR);
	close(pfd[0]);
	if (n > 0) {
		waitpid(pid, 0, 0);
		if (err == ENOENT || err == ENOTDIR)
			return RC_PATH_NOT_FOUND;
		if (err == EACCES || err == EPERM)
			return RC_ACCESS_DENIED;
		return RC_UNKNOWN_FAILURE;
	}

	char pidbuf[32];
	snprintf(pidbuf, sizeof(pidbuf), "%ld", (long)pid);
	String name(base_name(prog).c_str());
	CIMInstance inst("Win32_Process");
	inst.addProperty(CIMProperty("Handle", String(pidbuf)));
	inst.addProperty(CIMProperty("Caption", name));
	inst.addProperty(CIMProperty("Name", name));
	inst.addProperty(CIMProperty("ProcessId", Uint32(pid)));
	inst.addProperty(CIMProperty("CommandLine", cmdline));
	inst.addProperty(CIMProperty("ExecutablePath", String(prog.c_str())));
	Array<CIMKeyBinding> keys;
	keys.append(CIMKeyBinding("Handle", String(pidbuf),
	    CIMKeyBinding::STRING));
	CIMObjectPath path(String(), CIMNamespaceName(), "Win32_Process", keys);
	inst.setPath(path);
	try {
		_cimom->createInstance(OperationContext(), ns, inst);
	} catch (...) {
		kill(pid, SIGKILL);
		waitpid(pid, 0, 0);
		return RC_UNKNOWN_FAILURE;
	}

	Watch *w = new Watch;
	w->prov = this;
	w->ns = ns;
	w->path = path;
	w->pid = pid;
	pthread_t t;
	pthread_attr_t a;
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &a, watch_thread, w) != 0) {
		// Without a watcher the instance would outlive the process.
		delete w;
		kill(pid, SIGKILL);
		waitpid(pid, 0, 0);
		try {
			_cimom->deleteInstance(OperationContext(), ns, path);
		} catch (...) {
		}
		pthread_attr_destroy(&a);
		return RC_UNKNOWN_FAILURE;
	}
	pthread_attr_destroy(&a);
	pid_out = (Uint32)pid;
	return RC_OK;
}

void
Win32ProcessProvider::invokeMethod(const OperationContext &,
    const CIMObjectPath &ref, const CIMName &method,
    const Array<CIMParamValue> &in, MethodResultResponseHandler &handler)
{
	if (!ref.getClassName().equal("Win32_Process") ||
	    !method.equal("Create"))
		throw CIMException(CIM_ERR_METHOD_NOT_AVAILABLE);

	bool has_cl, has_dir;
	String cl = param_string(in, "CommandLine", has_cl);
	String dir = param_string(in, "CurrentDirectory", has_dir);
	Uint32 pid = 0;
	CIMNamespaceName ns = ref.getNameSpace();
	if (ns.isNull())
		ns = CIMNamespaceName("root/cimv2");
	Uint32 rc = has_cl ? create(ns, cl, dir, pid) :
	    (Uint32)RC_INVALID_PARAMETER;

	handler.processing();
	if (rc == RC_OK)
		handler.deliverParamValue(CIMParamValue("ProcessId",
		    CIMValue(pid)));
	handler.deliver(CIMValue(rc));
	handler.complete();
}

} // namespace

extern "C" PEGASUS_EXPORT CIMProvider *
PegasusCreateProvider(const String &name)
{
	if (String::equalNoCase(name, "CimheadWin32ProcessProvider"))
		return new Win32ProcessProvider();
	return 0;
}
