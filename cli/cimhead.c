/*
 * cimhead.c: the command-line WBEM client.  It turns its arguments into one
 * wbem_request and one wbem_target, runs it with wbem_run, and prints the
 * result as JSON or text; cli/print.c does the printing.  The exit status
 * tells a script what went wrong (see cimhead(1)), and stderr says how to
 * fix the common mistakes (cli_hint).  Passwords never come from the
 * command line, where ps(1) and shell history would show them.
 *
 * One grammar for every command: the options are parsed here, before or
 * after the operation, for the WBEM operations and the control commands
 * (status, drain ..., cli/ctl.c) alike; an option that only one kind of
 * command uses is refused by the other, not silently ignored.
 */
#include "config.h"

#include <curl/curl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cimhead.h"
#include "cli.h"
#include "ctl.h"

#define CLI_TIMEOUT_DEFAULT	10000
#define CLI_NS_DEFAULT		"root/cimv2"
#define CLI_PASSWORD_MAX	1024
#define CLI_OPTNAME_MAX		64	/* "--allow-unencrypted" and the like */

struct cli {
	const char		*user;
	const char		*password_file;
	const char		*cacert;
	int			 insecure;
	unsigned		 timeout_ms;
	size_t			 max_response;
	enum http_auth		 auth;
	enum wbem_proto		 proto;
	const char		*ns;
	enum cli_format		 format;
	int			 verbose;
	int			 no_trailers;
	int			 allow_unencrypted;
	unsigned		 max_elements;
	int			 format_set;
	const char		*admin;		/* control commands: -a */
	const char		*token_file;	/* control commands: -t */
	char			 wbem_opt[CLI_OPTNAME_MAX]; /* a WBEM-only option */
	char			 ctl_opt[CLI_OPTNAME_MAX]; /* a control-only one */
};

enum {
	OPT_PASSWORD_FILE = 256,
	OPT_CACERT,
	OPT_INSECURE,
	OPT_TIMEOUT,
	OPT_PROTOCOL,
	OPT_NAMESPACE,
	OPT_FORMAT,
	OPT_AUTH,
	OPT_MAX_RESPONSE,
	OPT_NO_TRAILERS,
	OPT_PASSWORD,
	OPT_ALLOW_UNENCRYPTED,
	OPT_MAX_ELEMENTS,
};

static const struct option cli_longopts[] = {
	{ "user",		required_argument, NULL, 'u' },
	{ "password-file",	required_argument, NULL, OPT_PASSWORD_FILE },
	{ "cacert",		required_argument, NULL, OPT_CACERT },
	{ "insecure",		no_argument,	   NULL, OPT_INSECURE },
	{ "timeout",		required_argument, NULL, OPT_TIMEOUT },
	{ "protocol",		required_argument, NULL, OPT_PROTOCOL },
	{ "namespace",		required_argument, NULL, OPT_NAMESPACE },
	{ "format",		required_argument, NULL, OPT_FORMAT },
	{ "auth",		required_argument, NULL, OPT_AUTH },
	{ "max-response",	required_argument, NULL, OPT_MAX_RESPONSE },
	{ "no-trailers",	no_argument,	   NULL, OPT_NO_TRAILERS },
	{ "allow-unencrypted", no_argument, NULL, OPT_ALLOW_UNENCRYPTED },
	{ "max-elements",	required_argument, NULL, OPT_MAX_ELEMENTS },
	{ "admin",		required_argument, NULL, 'a' },
	{ "token-file",		required_argument, NULL, 't' },
	{ "verbose",		no_argument,	   NULL, 'v' },
	{ "help",		no_argument,	   NULL, 'h' },
	{ "version",		no_argument,	   NULL, 'V' },
	/* caught only to explain why there is no such option */
	{ "password",		optional_argument, NULL, OPT_PASSWORD },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *fp)
{
	fprintf(fp,
"usage: cimhead [options] <op> URL ...   (options before or after <op>)\n"
"  query  URL WQL                      ExecQuery (WQL)\n"
"  enum   URL CLASS                    EnumerateInstances\n"
"  names  URL CLASS                    EnumerateInstanceNames\n"
"  get    URL CLASS KEY=VALUE...       GetInstance\n"
"  invoke URL CLASS[.KEY=VALUE,...] METHOD [NAME[:TYPE]=VALUE...]\n"
"control a running cimheadd (its admin API):\n"
"  status                              the node table\n"
"  drain|enable|probe|restart NODE     act on one node\n"
"options for every command:\n"
"      --format F            json, text or table; default json (a table\n"
"                            for status)\n"
"  -j                        the same as --format json\n"
"      --timeout MS          deadline for the whole operation (10000)\n"
"  -v, --verbose             show the HTTP exchange on stderr (twice: bodies)\n"
"  -h, --help                this text\n"
"  -V, --version             the version\n"
"options for the WBEM operations:\n"
"  -u, --user USER           user name (password: --password-file or\n"
"                            the CIMHEAD_PASSWORD environment variable)\n"
"      --password-file FILE  read the password from the first line of FILE\n"
"      --auth SCHEME         basic (default), digest, ntlm, negotiate, any\n"
"      --cacert FILE         trust the CA certificates in FILE\n"
"      --insecure            do not verify the server's TLS certificate\n"
"      --max-response BYTES  most read in all replies of one operation\n"
"                            (16777216)\n"
"      --protocol P          cimxml (default) or wsman\n"
"      --namespace NS        CIM namespace (default root/cimv2)\n"
"      --no-trailers         do not ask for HTTP trailers (CIM-XML)\n"
"      --allow-unencrypted   plain http for WS-Man, and for CIM-XML with -u\n"
"                            (the credentials travel in the clear)\n"
"      --max-elements N      WS-Man items per Enumerate/Pull (32)\n"
"options for the control commands:\n"
"  -a, --admin HOST:PORT     cimheadd's admin address ($CIMHEAD_ADMIN or\n"
"                            127.0.0.1:8081)\n"
"  -t, --token-file FILE     the admin bearer token, first line of FILE\n"
"exit status: 0 ok, 1 CIM error or refused, 2 usage, 3 transport/auth/timeout\n");
}

static __dead void
usage_error(const char *fmt, ...) PRINTFLIKE(1, 2);

static __dead void
usage_error(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "cimhead: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'cimhead --help'.\n");
	exit(CLI_EXIT_USAGE);
}

/*
 * The password: the first line of --password-file, else CIMHEAD_PASSWORD.
 * Returns an allocated string (secret_free it), or NULL when neither is
 * given.  The file follows the rule of every secret file (secret.c).
 */
static char *
cli_password(const char *file)
{
	char		*data, why[256];
	const char	*env;
	size_t		 len, n;

	if (file == NULL) {
		env = getenv("CIMHEAD_PASSWORD");
		return (env != NULL ? xstrdup(env) : NULL);
	}
	switch (secret_read(file, SECRET_MAX, &data, &len, why, sizeof(why))) {
	case -1:
		usage_error("--password-file %s: %s", file, why);
	case 1:
		fprintf(stderr, "cimhead: warning: password file %s: %s\n",
		    file, why);
		break;
	}
	n = strcspn(data, "\n");
	if (n > 0 && data[n - 1] == '\r')
		n--;
	/* The first line only: the rest is wiped now, not at exit. */
	secret_wipe(data + n, len - n);
	if (n > CLI_PASSWORD_MAX) {
		secret_free(data);
		usage_error("--password-file %s: first line longer than %d "
		    "bytes", file, CLI_PASSWORD_MAX);
	}
	return (data);
}

/* Arguments that end up in XML must not hold control characters. */
static void
cli_check_text(const char *what, const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
			usage_error("%s: control characters cannot be sent "
			    "in CIM-XML", what);
}

/*
 * CIM-XML: URL http[s]://host[:port]/<namespace>.  The POST goes to /cimom
 * on that host; the path names the namespace (empty or /cimom: default).
 * Returns the endpoint URL (allocated) and sets *nsp (allocated or NULL).
 */
static char *
cli_cimxml_url(const char *url, char **nsp)
{
	const char	*auth, *path, *end;
	char		*ns, *base, *p;
	size_t		 n;
	struct buf	 b;

	*nsp = NULL;
	if (strncmp(url, "http://", 7) == 0)
		auth = url + 7;
	else if (strncmp(url, "https://", 8) == 0)
		auth = url + 8;
	else
		usage_error("URL must start with http:// or https://: %s", url);
	path = auth + strcspn(auth, "/?#");
	if (path == auth)
		usage_error("URL has no host: %s", url);
	if (memchr(auth, '@', path - auth) != NULL)
		usage_error("URL must not hold user or password: use -u and "
		    "--password-file");
	if (*path == '?' || *path == '#' || strpbrk(path, "?#") != NULL)
		usage_error("URL must not have a query or fragment: %s", url);
	buf_init(&b, 0);
	buf_add(&b, url, path - url);
	buf_puts(&b, "/cimom");
	base = buf_steal(&b, NULL);

	while (*path == '/')
		path++;
	end = path + strlen(path);
	while (end > path && end[-1] == '/')
		end--;
	n = end - path;
	if (n == 0 || (n == 5 && strncmp(path, "cimom", 5) == 0))
		return (base);
	ns = xstrndup(path, n);
	p = xmalloc(n + 1);
	if (uri_unescape(ns, p, n + 1) == -1)
		usage_error("bad namespace in URL: %s", url);
	free(ns);
	*nsp = p;
	return (base);
}

/* One KEY=VALUE of `get`, typed like the keys of cim_path_parse. */
static void
cli_add_key(struct cim_path *path, const char *arg)
{
	struct cim_path	*tmp;
	struct buf	 b;

	cli_check_text("key", arg);
	if (strchr(arg, '=') == NULL || *arg == '=')
		usage_error("key must be KEY=VALUE: %s", arg);
	buf_init(&b, 0);
	buf_printf(&b, "X.%s", arg);
	tmp = cim_path_new(NULL, NULL);
	if (cim_path_parse(b.data, tmp) == -1 || tmp->nkeys != 1)
		usage_error("bad key (quote string values: K=\\\"v\\\"): %s",
		    arg);
	cim_path_add_key(path, tmp->keys[0].name, tmp->keys[0].type,
	    tmp->keys[0].value);
	cim_path_free(tmp);
	buf_release(&b);
}

/* One NAME[:TYPE]=VALUE of `invoke`; untyped parameters are strings. */
static void
cli_param(struct cim_property *p, const char *arg)
{
	const char	*eq, *colon;
	enum cim_type	 t = CIM_T_STRING;
	char		*tname;

	cli_check_text("parameter", arg);
	if ((eq = strchr(arg, '=')) == NULL || eq == arg)
		usage_error("parameter must be NAME=VALUE or NAME:TYPE=VALUE: "
		    "%s", arg);
	colon = memchr(arg, ':', eq - arg);
	memset(p, 0, sizeof(*p));
	if (colon != NULL) {
		tname = xstrndup(colon + 1, eq - colon - 1);
		if (cim_type_parse(tname, &t) == -1 ||
		    t == CIM_T_REFERENCE || t == CIM_T_OBJECT)
			usage_error("unknown parameter type \"%s\" in %s",
			    tname, arg);
		free(tname);
		if (cim_value_check(t, eq + 1) == -1)
			usage_error("parameter %.*s: \"%s\" is not a valid %s",
			    (int)(colon - arg), arg, eq + 1, cim_type_name(t));
		p->name = xstrndup(arg, colon - arg);
	} else
		p->name = xstrndup(arg, eq - arg);
	cim_value_init(&p->v, t);
	cim_value_add(&p->v, eq + 1);
}

/*
 * Which commands an option serves: 0 every command, 1 the WBEM operations
 * only, 2 the control commands only.  Options not listed are WBEM ones.
 */
static int
cli_opt_scope(int ch)
{
	switch (ch) {
	case OPT_FORMAT:
	case OPT_TIMEOUT:
	case 'j':
	case 'v':
		return (0);
	case 'a':
	case 't':
		return (2);
	default:
		return (1);
	}
}

static int
cli_format_parse(const char *s, enum cli_format *f)
{
	if (strcmp(s, "json") == 0)
		*f = CLI_FMT_JSON;
	else if (strcmp(s, "text") == 0)
		*f = CLI_FMT_TEXT;
	else if (strcmp(s, "table") == 0)
		*f = CLI_FMT_TABLE;
	else
		return (-1);
	return (0);
}

/*
 * A single-quoted WQL query rewritten with double quotes, for the hint;
 * NULL when the query holds a double quote (no blind rewrite then).
 */
static const char *
cli_wql_dq(const char *q, char *out, size_t outlen)
{
	size_t	i;

	if (strchr(q, '"') != NULL || strlcpy(out, q, outlen) >= outlen)
		return (NULL);
	for (i = 0; out[i] != '\0'; i++)
		if (out[i] == '\'')
			out[i] = '"';
	return (out);
}

/*
 * The fix for a common error, in words a user can act on, or NULL.  The
 * reasons come from what real servers answer (PROTOCOL-NOTES.md):
 * OpenPegasus refuses single-quoted WQL literals with CIM error 15.
 */
static const char *
cli_hint(const struct cli *o, const char *url, const struct wbem_request *req,
    const struct wbem_error *err, char *buf, size_t len)
{
	char		 dq[1024];
	const char	*q;

	switch (err->kind) {
	case WBEM_E_CIM:
		if (err->code != 15 || req->op != WBEM_OP_QUERY ||
		    req->query == NULL || strchr(req->query, '\'') == NULL)
			return (NULL);
		q = cli_wql_dq(req->query, dq, sizeof(dq));
		snprintf(buf, len, "OpenPegasus takes WQL string literals in "
		    "double quotes only%s%s", q != NULL ? ": " : " (\"x\")",
		    q != NULL ? q : "");
		return (buf);
	case WBEM_E_USAGE:
		if (o->allow_unencrypted || strncasecmp(url, "http://", 7) != 0 ||
		    strstr(err->description, "plain http") == NULL)
			return (NULL);
		snprintf(buf, len, "use an https:// URL, or add "
		    "--allow-unencrypted to send over plain http anyway");
		return (buf);
	case WBEM_E_AUTH:
		if (o->user == NULL)
			snprintf(buf, len, "the server wants credentials: give "
			    "-u USER and --password-file FILE (or "
			    "CIMHEAD_PASSWORD)");
		else
			snprintf(buf, len, "the server refused user %s: check "
			    "-u, the password in --password-file FILE (or "
			    "CIMHEAD_PASSWORD) and --auth SCHEME", o->user);
		return (buf);
	case WBEM_E_TIMEOUT:
		snprintf(buf, len, "no reply within %u ms: raise --timeout MS",
		    o->timeout_ms);
		return (buf);
	case WBEM_E_TOOBIG:
		snprintf(buf, len, "raise --max-response BYTES, or ask for "
		    "less (a WHERE clause, fewer properties)");
		return (buf);
	case WBEM_E_TRANSPORT:
		break;
	default:
		return (NULL);
	}
	switch (err->code) {
	case CURLE_COULDNT_RESOLVE_HOST:
		snprintf(buf, len, "the host name in the URL does not resolve: "
		    "check its spelling, or give an IP address");
		return (buf);
	case CURLE_COULDNT_CONNECT:
		snprintf(buf, len, "nothing accepts connections there: check "
		    "the host and port in the URL (CIM-XML 5988 http, 5989 "
		    "https; WS-Man 5985 http, 5986 https) and that the server "
		    "runs");
		return (buf);
	case CURLE_PEER_FAILED_VERIFICATION:
		if (o->cacert == NULL)
			snprintf(buf, len, "the server's certificate is not "
			    "signed by a CA this system trusts: give its CA "
			    "certificate with --cacert FILE (--insecure skips "
			    "the check)");
		else
			snprintf(buf, len, "the server's certificate is not "
			    "signed by the CA in --cacert %s, or not for the "
			    "host name in the URL", o->cacert);
		return (buf);
	case CURLE_SSL_CACERT_BADFILE:
		snprintf(buf, len, "--cacert FILE must hold PEM certificates");
		return (buf);
	case CURLE_SSL_CONNECT_ERROR:
		snprintf(buf, len, "no TLS handshake: if the port serves plain "
		    "http, use an http:// URL");
		return (buf);
	}
	return (NULL);
}

/* Exit status for an error: see cimhead(1). */
static int
cli_exit_status(const struct wbem_error *err)
{
	switch (err->kind) {
	case WBEM_E_NONE:
		return (CLI_EXIT_OK);
	case WBEM_E_CIM:
		return (CLI_EXIT_CIM);
	case WBEM_E_PROTOCOL:
		/* a CIMError header: the server refused the request */
		if (err->http_status >= 400 && err->name[0] != '\0')
			return (CLI_EXIT_CIM);
		return (CLI_EXIT_TRANSPORT);
	case WBEM_E_USAGE:
		return (CLI_EXIT_USAGE);
	default:
		return (CLI_EXIT_TRANSPORT);
	}
}

static void
cli_report(const struct wbem_error *err, const char *hint)
{
	if (err->kind == WBEM_E_CIM)
		fprintf(stderr, "cimhead: %s (%d): %s\n", err->name, err->code,
		    err->description);
	else if (err->name[0] != '\0' && err->http_status != 0)
		fprintf(stderr, "cimhead: %s error: HTTP %ld %s: %s\n",
		    wbem_errkind_name(err->kind), err->http_status, err->name,
		    err->description);
	else
		fprintf(stderr, "cimhead: %s error: %s\n",
		    wbem_errkind_name(err->kind), err->description);
	if (hint != NULL)
		fprintf(stderr, "cimhead: %s\n", hint);
}

int
main(int argc, char *argv[])
{
	struct cli		 o;
	struct wbem_target	 t;
	struct wbem_request	 req;
	struct wbem_result	*res;
	struct wbem_error	 err;
	struct cim_path		*path = NULL;
	struct cim_property	*params = NULL;
	struct ctl_opts		 co;
	const char		*op, *url, *hint;
	char			*password = NULL, *endpoint = NULL;
	char			*url_ns = NULL, hintbuf[1536], *seen;
	long			 l;
	int			 ch, i, nargs, status, li;

	memset(&o, 0, sizeof(o));
	o.timeout_ms = CLI_TIMEOUT_DEFAULT;
	o.auth = HTTP_AUTH_BASIC;
	o.proto = WBEM_PROTO_CIMXML;
	o.format = CLI_FMT_JSON;

	/* our own messages: getopt's would echo "--passw=secret" */
	opterr = 0;
	while ((li = -1, ch = getopt_long(argc, argv, ":u:pvhVa:t:j",
	    cli_longopts, &li)) != -1) {
		/* remembered to refuse it for the other kind of command */
		if (ch != ':' && ch != '?' && cli_opt_scope(ch) != 0) {
			seen = cli_opt_scope(ch) == 1 ? o.wbem_opt : o.ctl_opt;
			if (li >= 0)
				snprintf(seen, CLI_OPTNAME_MAX, "--%s",
				    cli_longopts[li].name);
			else
				snprintf(seen, CLI_OPTNAME_MAX, "-%c", ch);
		}
		switch (ch) {
		case 'u':
			o.user = optarg;
			break;
		case 'p':
		case OPT_PASSWORD:
			/* never echo what followed: it may be the password */
			usage_error("there is no password option: a password "
			    "on the command line is visible to every user "
			    "(ps, shell history); use --password-file FILE or "
			    "the CIMHEAD_PASSWORD environment variable");
		case OPT_PASSWORD_FILE:
			o.password_file = optarg;
			break;
		case OPT_CACERT:
			o.cacert = optarg;
			break;
		case OPT_INSECURE:
			o.insecure = 1;
			break;
		case OPT_TIMEOUT:
			if (parse_long_range(optarg, 1, 3600000, &l) == -1)
				usage_error("--timeout: milliseconds, 1 to "
				    "3600000: %s", optarg);
			o.timeout_ms = (unsigned)l;
			break;
		case OPT_MAX_RESPONSE:
			if (parse_long_range(optarg, 1, 1L << 30, &l) == -1)
				usage_error("--max-response: bytes, 1 to "
				    "1073741824: %s", optarg);
			o.max_response = (size_t)l;
			break;
		case OPT_PROTOCOL:
			if (wbem_proto_parse(optarg, &o.proto) == -1)
				usage_error("--protocol: cimxml or wsman: %s",
				    optarg);
			break;
		case OPT_NAMESPACE:
			cli_check_text("--namespace", optarg);
			o.ns = optarg;
			break;
		case OPT_FORMAT:
			if (cli_format_parse(optarg, &o.format) == -1)
				usage_error("--format: json, text or table: %s",
				    optarg);
			o.format_set = 1;
			break;
		case 'j':
			o.format = CLI_FMT_JSON;
			o.format_set = 1;
			break;
		case 'a':
			o.admin = optarg;
			break;
		case 't':
			o.token_file = optarg;
			break;
		case OPT_AUTH:
			if (http_auth_parse(optarg, &o.auth) == -1)
				usage_error("--auth: basic, digest, ntlm, "
				    "negotiate or any: %s", optarg);
			break;
		case OPT_NO_TRAILERS:
			o.no_trailers = 1;
			break;
		case OPT_ALLOW_UNENCRYPTED:
			o.allow_unencrypted = 1;
			break;
		case OPT_MAX_ELEMENTS:
			if (parse_long_range(optarg, 1, WSMAN_MAX_ELEMENTS_MAX,
			    &l) == -1)
				usage_error("--max-elements: 1 to %d: %s",
				    WSMAN_MAX_ELEMENTS_MAX, optarg);
			o.max_elements = (unsigned)l;
			break;
		case 'v':
			o.verbose++;
			break;
		case 'h':
			usage(stdout);
			return (CLI_EXIT_OK);
		case 'V':
			printf("cimhead %s\n", PACKAGE_VERSION);
			return (CLI_EXIT_OK);
		case ':':
			usage_error("option %.*s needs a value",
			    (int)strcspn(argv[optind - 1], "="),
			    argv[optind - 1]);
		default:
			if (optopt != 0 && optopt < 256)
				usage_error("unknown option -%c", optopt);
			usage_error("unknown, ambiguous or misused option %.*s",
			    (int)strcspn(argv[optind - 1], "="),
			    argv[optind - 1]);
		}
	}
	argc -= optind;
	argv += optind;

	/* status, drain, ...: the daemon's admin API (cli/ctl.c) */
	if (argc > 0 && ctl_is_command(argv[0])) {
		if (o.wbem_opt[0] != '\0')
			usage_error("%s is for the WBEM operations, not for %s",
			    o.wbem_opt, argv[0]);
		memset(&co, 0, sizeof(co));
		co.admin = o.admin;
		co.token_file = o.token_file;
		co.format = o.format;
		co.format_set = o.format_set;
		co.timeout_ms = o.timeout_ms;
		co.verbose = o.verbose;
		return (ctl_main(&co, argc, argv));
	}
	if (argc < 2)
		usage_error("an operation and a URL are needed");
	if (o.ctl_opt[0] != '\0')
		usage_error("%s is for the control commands (status, drain, "
		    "enable, probe, restart), not for %s", o.ctl_opt, argv[0]);
	op = argv[0];
	url = argv[1];
	nargs = argc - 2;
	argv += 2;

	if (compat_init(0) == -1) {
		fprintf(stderr, "cimhead: cannot start Winsock\n");
		return (1);
	}
	log_init("cimhead", o.verbose >= 2 ? LOG_LVL_DEBUG :
	    o.verbose == 1 ? LOG_LVL_INFO : LOG_LVL_WARN, 0);
	xml_global_init();

	memset(&t, 0, sizeof(t));
	t.proto = o.proto;
	if (o.proto == WBEM_PROTO_CIMXML) {
		endpoint = cli_cimxml_url(url, &url_ns);
		t.url = endpoint;
	} else {
		if (strncmp(url, "http://", 7) != 0 &&
		    strncmp(url, "https://", 8) != 0)
			usage_error("URL must start with http:// or https://: "
			    "%s", url);
		t.url = url;
	}
	t.ns = o.ns != NULL ? o.ns : url_ns != NULL ? url_ns :
	    CLI_NS_DEFAULT;
	if (o.user != NULL) {
		password = cli_password(o.password_file);
		if (password == NULL && o.auth != HTTP_AUTH_NEGOTIATE)
			usage_error("-u %s needs a password: --password-file "
			    "FILE or CIMHEAD_PASSWORD", o.user);
		t.user = o.user;
		t.password = password != NULL ? password : "";
	} else if (o.password_file != NULL)
		usage_error("--password-file without -u USER");
	/*
	 * The library refuses it too; here, after the password file's own
	 * checks, the message can name the option.
	 */
	if (o.user != NULL && o.proto == WBEM_PROTO_CIMXML &&
	    !o.allow_unencrypted && strncasecmp(t.url, "https://", 8) != 0) {
		secret_free(password);
		usage_error("-u over plain http sends the password in the "
		    "clear: use an https:// URL, or --allow-unencrypted");
	}
	t.auth = o.auth;
	t.cacert = o.cacert;
	t.insecure = o.insecure;
	t.timeout_ms = o.timeout_ms;
	t.max_response = o.max_response;
	t.want_trailers = !o.no_trailers;
	t.verbose = o.verbose > 0;
	t.allow_unencrypted = o.allow_unencrypted;
	t.max_elements = o.max_elements;

	memset(&req, 0, sizeof(req));
	req.ns = t.ns;
	req.deep = 1;
	if (strcmp(op, "query") == 0) {
		if (nargs != 1)
			usage_error("query URL WQL");
		cli_check_text("query", argv[0]);
		req.op = WBEM_OP_QUERY;
		req.query = argv[0];
		req.query_lang = "WQL";
	} else if (strcmp(op, "enum") == 0 || strcmp(op, "names") == 0) {
		if (nargs != 1)
			usage_error("%s URL CLASS", op);
		cli_check_text("class", argv[0]);
		req.op = op[0] == 'e' ? WBEM_OP_ENUM : WBEM_OP_ENUM_NAMES;
		req.classname = argv[0];
	} else if (strcmp(op, "get") == 0) {
		if (nargs < 1)
			usage_error("get URL CLASS KEY=VALUE...");
		path = cim_path_new(t.ns, NULL);
		cli_check_text("class", argv[0]);
		if (cim_path_parse(argv[0], path) == -1 || path->nkeys != 0)
			usage_error("get: bad class name: %s", argv[0]);
		for (i = 1; i < nargs; i++)
			cli_add_key(path, argv[i]);
		req.op = WBEM_OP_GET;
		req.classname = path->classname;
		req.path = path;
	} else if (strcmp(op, "invoke") == 0) {
		if (nargs < 2)
			usage_error("invoke URL CLASS[.KEY=VALUE,...] METHOD "
			    "[NAME[:TYPE]=VALUE...]");
		path = cim_path_new(t.ns, NULL);
		cli_check_text("object", argv[0]);
		cli_check_text("method", argv[1]);
		if (cim_path_parse(argv[0], path) == -1)
			usage_error("invoke: bad object path (quote string "
			    "keys: Class.Key=\\\"v\\\"): %s", argv[0]);
		if (nargs > 2)
			params = xcalloc(nargs - 2, sizeof(*params));
		for (i = 2; i < nargs; i++)
			cli_param(&params[i - 2], argv[i]);
		req.op = WBEM_OP_INVOKE;
		req.classname = path->classname;
		req.path = path;
		req.method = argv[1];
		req.nparams = nargs > 2 ? nargs - 2 : 0;
		req.params = params;
	} else
		usage_error("unknown operation \"%s\" (query, enum, names, get, "
		    "invoke)", op);

	res = wbem_run(&t, &req, &err);
	if (res != NULL) {
		status = print_result(stdout, o.format, res, path) == 0 ?
		    CLI_EXIT_OK : CLI_EXIT_TRANSPORT;
		wbem_result_free(res);
	} else {
		if (err.kind == WBEM_E_NONE)
			wbem_error_set(&err, WBEM_E_PROTOCOL, 0, NULL,
			    "no result");
		status = cli_exit_status(&err);
		hint = cli_hint(&o, url, &req, &err, hintbuf, sizeof(hintbuf));
		print_error(stdout, o.format, &err, hint);
		cli_report(&err, hint);
	}
	if (fflush(stdout) == EOF && status == CLI_EXIT_OK)
		status = CLI_EXIT_TRANSPORT;

	for (i = 0; params != NULL && i < nargs - 2; i++)
		cim_property_clear(&params[i]);
	free(params);
	cim_path_free(path);
	secret_free(password);
	free(endpoint);
	free(url_ns);
	return (status);
}
