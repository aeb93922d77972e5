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
	/* the DSP0200 parameters (issue 15) */
	int			 deep, local_only, qualifiers, class_origin;
	char			*properties;	/* --properties a,b */
	const char		*assoc_class, *result_class;
	const char		*role, *result_role;
	int			 pull;
	unsigned		 max_object_count;
	size_t			 max_items;
	const char		*resource_uri;
	int			 with_epr;
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
	OPT_DEEP,
	OPT_LOCAL_ONLY,
	OPT_NO_LOCAL_ONLY,
	OPT_QUALIFIERS,
	OPT_NO_QUALIFIERS,
	OPT_CLASS_ORIGIN,
	OPT_PROPERTIES,
	OPT_ASSOC_CLASS,
	OPT_RESULT_CLASS,
	OPT_ROLE,
	OPT_RESULT_ROLE,
	OPT_PULL,
	OPT_MAX_OBJECT_COUNT,
	OPT_MAX_ITEMS,
	OPT_RESOURCE_URI,
	OPT_EPR,
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
	{ "deep",		no_argument,	   NULL, OPT_DEEP },
	{ "local-only",		no_argument,	   NULL, OPT_LOCAL_ONLY },
	{ "no-local-only",	no_argument,	   NULL, OPT_NO_LOCAL_ONLY },
	{ "qualifiers",		no_argument,	   NULL, OPT_QUALIFIERS },
	{ "no-qualifiers",	no_argument,	   NULL, OPT_NO_QUALIFIERS },
	{ "class-origin",	no_argument,	   NULL, OPT_CLASS_ORIGIN },
	{ "properties",		required_argument, NULL, OPT_PROPERTIES },
	{ "assoc-class",	required_argument, NULL, OPT_ASSOC_CLASS },
	{ "result-class",	required_argument, NULL, OPT_RESULT_CLASS },
	{ "role",		required_argument, NULL, OPT_ROLE },
	{ "result-role",	required_argument, NULL, OPT_RESULT_ROLE },
	{ "pull",		no_argument,	   NULL, OPT_PULL },
	{ "max-object-count",	required_argument, NULL, OPT_MAX_OBJECT_COUNT },
	{ "max-items",		required_argument, NULL, OPT_MAX_ITEMS },
	{ "resource-uri",	required_argument, NULL, OPT_RESOURCE_URI },
	{ "epr",		no_argument,	   NULL, OPT_EPR },
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
"  classes     URL [CLASS]             EnumerateClasses (--deep)\n"
"  classnames  URL [CLASS]             EnumerateClassNames (--deep)\n"
"  getclass    URL CLASS               GetClass\n"
"  associators URL OBJECT              Associators (OBJECT: CLASS.KEY=VALUE,...)\n"
"  associatornames URL OBJECT          AssociatorNames\n"
"  references  URL OBJECT              References\n"
"  referencenames URL OBJECT           ReferenceNames\n"
"  create      URL CLASS NAME[:TYPE]=VALUE...   CreateInstance\n"
"  modify      URL OBJECT NAME[:TYPE]=VALUE...  ModifyInstance (those only)\n"
"  delete      URL OBJECT              DeleteInstance\n"
"  getprop     URL OBJECT PROPERTY     GetProperty\n"
"  setprop     URL OBJECT NAME[:TYPE]=VALUE     SetProperty\n"
"  qualifiers  URL [NAME]              EnumerateQualifiers (GetQualifier)\n"
"  createclass URL CLASS[:SUPER] NAME:TYPE[=DEFAULT]...  CreateClass\n"
"  modifyclass URL CLASS[:SUPER] NAME:TYPE[=DEFAULT]...  ModifyClass\n"
"  deleteclass URL CLASS               DeleteClass\n"
"  setqualifier URL NAME:TYPE[=DEFAULT]  SetQualifier (any scope)\n"
"  deletequalifier URL NAME            DeleteQualifier\n"
"  namespaces  URL                     the namespaces (CIM_Namespace)\n"
"  (TYPE may end in [] for an array: NAME:uint32[]=1,2; NAME[:TYPE]\n"
"   without =VALUE is NULL: invoke sends <PARAMVALUE NAME=\"NAME\"/>)\n"
"control a running cimheadd (its admin API):\n"
"  status                              the node table\n"
"  drain|enable|probe|restart NODE     act on one node\n"
"  recovery on|off|status              this head-end restarts dead\n"
"                                      processes, or not (a HA pair)\n"
"options for every command:\n"
"      --format F            json, text, table or mof (classes and\n"
"                            instances); default json (a table for status)\n"
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
"      --resource-uri URI    WS-Man: address URI (default: WinRM's for\n"
"                            Win32_*, DMTF cim-schema for other classes)\n"
"      --epr                 WS-Man enum: EnumerateObjectAndEPR (paths)\n"
"DSP0200 parameters of the WBEM operations:\n"
"      --deep                DeepInheritance (classes, classnames)\n"
"      --local-only          LocalOnly TRUE (--no-local-only FALSE)\n"
"      --qualifiers          IncludeQualifiers TRUE (--no-qualifiers FALSE)\n"
"      --class-origin        IncludeClassOrigin TRUE\n"
"      --properties A,B      PropertyList ('' for none)\n"
"      --assoc-class C       AssocClass (associators, associatornames)\n"
"      --result-class C      ResultClass\n"
"      --role R              Role\n"
"      --result-role R       ResultRole (associators, associatornames)\n"
"      --pull                enum, names, query, associators, references\n"
"                            and their names by the pull operations\n"
"      --max-object-count N  MaxObjectCount per Open/Pull (1000)\n"
"      --max-items N         stop after N items (with --pull: then\n"
"                            CloseEnumeration; else an error past N)\n"
"options for the control commands:\n"
"  -a, --admin HOST:PORT     cimheadd's admin address ($CIMHEAD_ADMIN or\n"
"                            127.0.0.1:8081)\n"
"  -t, --token-file FILE     the admin bearer token, first line of FILE\n"
"exit status: 0 ok, 1 CIM error or refused, 2 usage, 3 transport/auth/timeout\n");
}

static __dead void
usage_error(const char *fmt, ...) PRINTFLIKE(1, 2);
static void	 cli_check_text(const char *, const char *);
static int	 cli_exit_status(const struct wbem_error *);
static const char *cli_hint(const struct cli *, const char *,
		    const struct wbem_request *, const struct wbem_error *,
		    char *, size_t);
static void	 cli_report(const struct wbem_error *, const char *);

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

/* NAME:TYPE[]=a,b,c: an array, its members split at commas. */
static void
cli_param_array(struct cim_property *p, const char *arg, const char *colon,
    const char *eq)
{
	enum cim_type	 t;
	char		*tname, *vals, *v, *next;

	tname = xstrndup(colon + 1, eq - colon - 3);
	if (cim_type_parse(tname, &t) == -1 || t == CIM_T_REFERENCE ||
	    t == CIM_T_OBJECT)
		usage_error("unknown array type \"%s[]\" in %s", tname, arg);
	free(tname);
	p->name = xstrndup(arg, colon - arg);
	cim_value_init(&p->v, t);
	p->v.is_array = 1;
	p->v.is_null = 0;
	vals = xstrdup(eq + 1);
	for (v = vals; *vals != '\0' && v != NULL; v = next) {
		if ((next = strchr(v, ',')) != NULL)
			*next++ = '\0';
		if (cim_value_check(t, v) == -1)
			usage_error("%s: \"%s\" is not a valid %s", p->name, v,
			    cim_type_name(t));
		cim_value_add(&p->v, v);
	}
	free(vals);
}

/*
 * NAME[:TYPE[[]]] without "=": a NULL value of that type; untyped, no
 * type at all (a PARAMVALUE without PARAMTYPE, as pywbem sends a None).
 */
static void
cli_param_null(struct cim_property *p, const char *arg)
{
	const char	*colon = strchr(arg, ':');
	enum cim_type	 t = CIM_T_NONE;	/* untyped: no PARAMTYPE */
	char		*tname;
	size_t		 len;
	int		 array = 0;

	if (colon != NULL) {
		len = strlen(colon + 1);
		if (len > 2 && strcmp(colon + 1 + len - 2, "[]") == 0) {
			array = 1;
			len -= 2;
		}
		tname = xstrndup(colon + 1, len);
		if (cim_type_parse(tname, &t) == -1 ||
		    t == CIM_T_REFERENCE || t == CIM_T_OBJECT)
			usage_error("unknown parameter type \"%s\" in %s",
			    tname, arg);
		free(tname);
		p->name = xstrndup(arg, colon - arg);
	} else
		p->name = xstrdup(arg);
	if (*p->name == '\0')
		usage_error("parameter must be NAME[:TYPE]=VALUE or "
		    "NAME[:TYPE] (NULL): %s", arg);
	cim_value_init(&p->v, t);
	p->v.is_array = array;
	p->v.is_null = 1;
}

/*
 * One NAME[:TYPE]=VALUE of `invoke`; untyped parameters are strings.
 * NAME[:TYPE] alone, without "=", is NULL ("NAME=" is the empty string).
 */
static void
cli_param(struct cim_property *p, const char *arg)
{
	const char	*eq, *colon;
	enum cim_type	 t = CIM_T_STRING;
	char		*tname;

	cli_check_text("parameter", arg);
	memset(p, 0, sizeof(*p));
	if ((eq = strchr(arg, '=')) == NULL) {
		cli_param_null(p, arg);
		return;
	}
	if (eq == arg)
		usage_error("parameter must be NAME=VALUE or NAME:TYPE=VALUE: "
		    "%s", arg);
	colon = memchr(arg, ':', eq - arg);
	if (colon != NULL && eq - colon > 3 && eq[-2] == '[' && eq[-1] == ']') {
		cli_param_array(p, arg, colon, eq);
		return;
	}
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

/* OBJECT: CLASS or CLASS.KEY=VALUE,...; keys required when need_keys. */
static struct cim_path *
cli_object(const char *op, const char *arg, const char *ns, int need_keys)
{
	struct cim_path	*path;

	cli_check_text("object", arg);
	path = cim_path_new(ns, NULL);
	if (cim_path_parse(arg, path) == -1)
		usage_error("%s: bad object path (quote string keys: "
		    "Class.Key=\\\"v\\\"): %s", op, arg);
	if (need_keys && path->nkeys == 0)
		usage_error("%s needs an instance: CLASS.KEY=VALUE,...: %s",
		    op, arg);
	return (path);
}

/* "a,b" into a NULL-terminated list (allocated); "" into an empty one. */
static char **
cli_split(const char *s)
{
	char		**l;
	const char	 *p, *e;
	size_t		  n = 0;

	l = xcalloc(strlen(s) + 2, sizeof(*l));
	for (p = s; *p != '\0'; p = *e == ',' ? e + 1 : e) {
		e = p + strcspn(p, ",");
		if (e > p)
			l[n++] = xstrndup(p, e - p);
	}
	return (l);
}

/*
 * GetProperty's value as an instance of one property, with the path
 * asked for, so every output format shows it as it shows instances.
 */
static struct wbem_result *
cli_prop_result(struct wbem_result *res, const struct cim_path *path,
    const char *name)
{
	struct wbem_result	*r;
	struct cim_instance	*inst;

	r = wbem_result_new(WBEM_R_INSTANCES);
	inst = cim_instance_new(path->classname);
	inst->path = cim_path_dup(path);
	cim_value_copy(&cim_instance_add(inst, name, res->method.ret.type,
	    NULL)->v, &res->method.ret);
	wbem_result_add_instance(r, inst);
	wbem_result_free(res);
	return (r);
}

/*
 * The namespaces, as pywbem finds them: the instance names of
 * CIM_Namespace in the Interop namespace (interop, root/interop,
 * root/PG_InterOp, or --namespace), else __Namespace under root.  A
 * candidate that does not exist (CIM errors 3, 5, 6) is passed over.
 */
static int
cli_namespaces(const struct cli *o, const struct wbem_target *t,
    const char *url)
{
	static const char * const interop[] = { "interop", "root/interop",
	    "root/PG_InterOp" };
	struct wbem_request	 req;
	struct wbem_result	*res = NULL;
	struct wbem_error	 err;
	const char		*name, *hint;
	char			 hintbuf[1536];
	char			**names;
	size_t			 i, j, n = 0;
	int			 rc, root = 0;

	memset(&req, 0, sizeof(req));
	req.op = WBEM_OP_ENUM_NAMES;
	req.classname = "CIM_Namespace";
	for (i = 0; i <= nitems(interop) && res == NULL; i++) {
		if (o->ns != NULL && i == 0)
			req.ns = o->ns;
		else if (o->ns != NULL || i == nitems(interop)) {
			req.ns = "root";
			req.classname = "__Namespace";
			root = 1;
			i = nitems(interop);
		} else
			req.ns = interop[i];
		res = wbem_run(t, &req, &err);
		if (res == NULL && !(err.kind == WBEM_E_CIM &&
		    (err.code == CIM_ERR_INVALID_NAMESPACE ||
		    err.code == CIM_ERR_INVALID_CLASS ||
		    err.code == CIM_ERR_NOT_FOUND)))
			break;
	}
	if (res == NULL) {
		rc = cli_exit_status(&err);
		hint = cli_hint(o, url, &req, &err, hintbuf, sizeof(hintbuf));
		print_error(stdout, o->format, &err, hint);
		cli_report(&err, hint);
		return (rc);
	}
	names = xcalloc(res->npaths + 1, sizeof(*names));
	for (i = 0; i < res->npaths; i++) {
		name = NULL;
		for (j = 0; j < res->paths[i]->nkeys; j++)
			if (str_casecmp_ascii(res->paths[i]->keys[j].name,
			    "Name") == 0)
				name = res->paths[i]->keys[j].value;
		if (name == NULL)
			continue;
		if (root) {
			struct buf	b;

			buf_init(&b, 0);
			buf_printf(&b, "root/%s", name);
			names[n++] = buf_steal(&b, NULL);
		} else
			names[n++] = xstrdup(name);
	}
	rc = print_names(stdout, o->format, "NAMESPACE", names, n) == 0 ?
	    CLI_EXIT_OK : CLI_EXIT_TRANSPORT;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	wbem_result_free(res);
	if (fflush(stdout) == EOF)
		rc = CLI_EXIT_TRANSPORT;
	return (rc);
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
	else if (strcmp(s, "mof") == 0)
		*f = CLI_FMT_MOF;
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
	struct cim_instance	*inst = NULL;
	const char		*superclass;
	char			*clsname = NULL;
	char			**proplist = NULL;
	long			 l;
	int			 ch, i, nargs, status, li, nparams = 0;

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
				usage_error("--format: json, text, table or mof: "
				    "%s", optarg);
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
		case OPT_DEEP:
			o.deep = 1;
			break;
		case OPT_LOCAL_ONLY:
			o.local_only = 1;
			break;
		case OPT_NO_LOCAL_ONLY:
			o.local_only = -1;
			break;
		case OPT_QUALIFIERS:
			o.qualifiers = 1;
			break;
		case OPT_NO_QUALIFIERS:
			o.qualifiers = -1;
			break;
		case OPT_CLASS_ORIGIN:
			o.class_origin = 1;
			break;
		case OPT_PROPERTIES:
			cli_check_text("--properties", optarg);
			o.properties = optarg;
			break;
		case OPT_ASSOC_CLASS:
			cli_check_text("--assoc-class", optarg);
			o.assoc_class = optarg;
			break;
		case OPT_RESULT_CLASS:
			cli_check_text("--result-class", optarg);
			o.result_class = optarg;
			break;
		case OPT_ROLE:
			cli_check_text("--role", optarg);
			o.role = optarg;
			break;
		case OPT_RESULT_ROLE:
			cli_check_text("--result-role", optarg);
			o.result_role = optarg;
			break;
		case OPT_PULL:
			o.pull = 1;
			break;
		case OPT_MAX_OBJECT_COUNT:
			if (parse_long_range(optarg, 1, 100000000, &l) == -1)
				usage_error("--max-object-count: 1 to "
				    "100000000: %s", optarg);
			o.max_object_count = (unsigned)l;
			break;
		case OPT_MAX_ITEMS:
			if (parse_long_range(optarg, 1, 100000000, &l) == -1)
				usage_error("--max-items: 1 to 100000000: %s",
				    optarg);
			o.max_items = (size_t)l;
			break;
		case OPT_RESOURCE_URI:
			cli_check_text("--resource-uri", optarg);
			o.resource_uri = optarg;
			break;
		case OPT_EPR:
			o.with_epr = 1;
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
		if (o.format == CLI_FMT_MOF)
			usage_error("--format mof is for classes and instances, "
			    "not for %s", argv[0]);
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
	log_set_stamp(LOG_STAMP_OFF);	/* a command's messages, not a log */
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
	req.local_only = o.local_only;
	req.qualifiers = o.qualifiers;
	req.class_origin = o.class_origin;
	req.assoc_class = o.assoc_class;
	req.result_class = o.result_class;
	req.role = o.role;
	req.result_role = o.result_role;
	req.max_object_count = o.max_object_count;
	req.resource_uri = o.resource_uri;
	req.with_epr = o.with_epr;
	t.max_items = o.max_items;
	if (o.properties != NULL)
		req.proplist = (const char * const *)(proplist =
		    cli_split(o.properties));
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
		path = cli_object(op, argv[0], t.ns, 0);
		cli_check_text("method", argv[1]);
		if (nargs > 2)
			params = xcalloc(nargs - 2, sizeof(*params));
		for (i = 2; i < nargs; i++)
			cli_param(&params[i - 2], argv[i]);
		nparams = nargs > 2 ? nargs - 2 : 0;
		req.op = WBEM_OP_INVOKE;
		req.classname = path->classname;
		req.path = path;
		req.method = argv[1];
		req.nparams = nargs > 2 ? nargs - 2 : 0;
		req.params = params;
	} else if (strcmp(op, "classes") == 0 ||
	    strcmp(op, "classnames") == 0) {
		if (nargs > 1)
			usage_error("%s URL [CLASS]", op);
		if (nargs == 1)
			cli_check_text("class", argv[0]);
		req.op = op[5] == 'n' ? WBEM_OP_CLASS_NAMES : WBEM_OP_CLASSES;
		req.classname = nargs == 1 ? argv[0] : NULL;
		req.deep = o.deep;
	} else if (strcmp(op, "getclass") == 0) {
		if (nargs != 1)
			usage_error("getclass URL CLASS");
		cli_check_text("class", argv[0]);
		req.op = WBEM_OP_GET_CLASS;
		req.classname = argv[0];
	} else if (strcmp(op, "associators") == 0 ||
	    strcmp(op, "associatornames") == 0 ||
	    strcmp(op, "references") == 0 ||
	    strcmp(op, "referencenames") == 0) {
		if (nargs != 1)
			usage_error("%s URL OBJECT", op);
		path = cli_object(op, argv[0], t.ns, 0);
		req.path = path;
		if (strcmp(op, "associators") == 0)
			req.op = WBEM_OP_ASSOCIATORS;
		else if (strcmp(op, "associatornames") == 0)
			req.op = WBEM_OP_ASSOCIATOR_NAMES;
		else if (strcmp(op, "references") == 0)
			req.op = WBEM_OP_REFERENCES;
		else
			req.op = WBEM_OP_REFERENCE_NAMES;
		if (op[0] == 'r' && (o.assoc_class != NULL ||
		    o.result_role != NULL))
			usage_error("%s takes no --assoc-class or "
			    "--result-role", op);
	} else if (strcmp(op, "create") == 0 || strcmp(op, "modify") == 0) {
		if (nargs < 1 || (op[0] == 'm' && nargs < 2))
			usage_error("%s URL %s NAME[:TYPE]=VALUE...", op,
			    op[0] == 'c' ? "CLASS" : "OBJECT");
		if (op[0] == 'c') {
			cli_check_text("class", argv[0]);
			inst = cim_instance_new(argv[0]);
			req.op = WBEM_OP_CREATE;
			req.classname = argv[0];
		} else {
			path = cli_object(op, argv[0], t.ns, 1);
			inst = cim_instance_new(path->classname);
			req.op = WBEM_OP_MODIFY;
			req.path = path;
		}
		params = xcalloc(nargs, sizeof(*params));
		for (i = 1; i < nargs; i++) {
			cli_param(&params[i - 1], argv[i]);
			cim_value_copy(&cim_instance_add(inst,
			    params[i - 1].name, params[i - 1].v.type,
			    NULL)->v, &params[i - 1].v);
		}
		nparams = nargs - 1;
		req.instance = inst;
		/* modify: only what was given, unless --properties says */
		if (op[0] == 'm' && req.proplist == NULL) {
			proplist = xcalloc(nargs, sizeof(*proplist));
			for (i = 1; i < nargs; i++)
				proplist[i - 1] = xstrdup(params[i - 1].name);
			req.proplist = (const char * const *)proplist;
		}
	} else if (strcmp(op, "createclass") == 0 ||
	    strcmp(op, "modifyclass") == 0) {
		if (nargs < 1)
			usage_error("%s URL CLASS[:SUPERCLASS] NAME:TYPE[=DEFAULT]"
			    "...", op);
		cli_check_text("class", argv[0]);
		superclass = strchr(argv[0], ':');
		clsname = superclass == NULL ? xstrdup(argv[0]) :
		    xstrndup(argv[0], superclass - argv[0]);
		inst = cim_instance_new(clsname);
		if (superclass != NULL)
			req.superclass = ++superclass;
		params = xcalloc(nargs, sizeof(*params));
		for (i = 1; i < nargs; i++) {
			if (strchr(argv[i], ':') == NULL ||
			    (strchr(argv[i], '=') != NULL &&
			    strchr(argv[i], ':') > strchr(argv[i], '=')))
				usage_error("%s: a property is NAME:TYPE or "
				    "NAME:TYPE=DEFAULT: %s", op, argv[i]);
			cli_param(&params[i - 1], argv[i]);
			cim_value_copy(&cim_instance_add(inst,
			    params[i - 1].name, params[i - 1].v.type,
			    NULL)->v, &params[i - 1].v);
		}
		nparams = nargs - 1;
		req.op = op[0] == 'c' ? WBEM_OP_CREATE_CLASS :
		    WBEM_OP_MODIFY_CLASS;
		req.classname = inst->classname;
		req.instance = inst;
	} else if (strcmp(op, "deleteclass") == 0) {
		if (nargs != 1)
			usage_error("deleteclass URL CLASS");
		cli_check_text("class", argv[0]);
		req.op = WBEM_OP_DELETE_CLASS;
		req.classname = argv[0];
	} else if (strcmp(op, "setqualifier") == 0) {
		if (nargs != 1 || strchr(argv[0], ':') == NULL ||
		    (strchr(argv[0], '=') != NULL &&
		    strchr(argv[0], ':') > strchr(argv[0], '=')))
			usage_error("setqualifier URL NAME:TYPE[=DEFAULT]");
		params = xcalloc(1, sizeof(*params));
		cli_param(&params[0], argv[0]);
		nparams = 1;
		req.op = WBEM_OP_SET_QUALIFIER;
		req.propname = params[0].name;
		req.newvalue = &params[0].v;
	} else if (strcmp(op, "deletequalifier") == 0) {
		if (nargs != 1)
			usage_error("deletequalifier URL NAME");
		cli_check_text("qualifier", argv[0]);
		req.op = WBEM_OP_DELETE_QUALIFIER;
		req.propname = argv[0];
	} else if (strcmp(op, "delete") == 0) {
		if (nargs != 1)
			usage_error("delete URL OBJECT");
		path = cli_object(op, argv[0], t.ns, 1);
		req.op = WBEM_OP_DELETE;
		req.path = path;
	} else if (strcmp(op, "getprop") == 0) {
		if (nargs != 2)
			usage_error("getprop URL OBJECT PROPERTY");
		path = cli_object(op, argv[0], t.ns, 1);
		cli_check_text("property", argv[1]);
		req.op = WBEM_OP_GET_PROPERTY;
		req.path = path;
		req.propname = argv[1];
	} else if (strcmp(op, "setprop") == 0) {
		if (nargs != 2)
			usage_error("setprop URL OBJECT NAME[:TYPE]=VALUE");
		path = cli_object(op, argv[0], t.ns, 1);
		params = xcalloc(1, sizeof(*params));
		cli_param(&params[0], argv[1]);
		nparams = 1;
		req.op = WBEM_OP_SET_PROPERTY;
		req.path = path;
		req.propname = params[0].name;
		req.newvalue = &params[0].v;
	} else if (strcmp(op, "qualifiers") == 0) {
		if (nargs > 1)
			usage_error("qualifiers URL [NAME]");
		if (nargs == 1)
			cli_check_text("qualifier", argv[0]);
		req.op = nargs == 1 ? WBEM_OP_GET_QUALIFIER :
		    WBEM_OP_ENUM_QUALIFIERS;
		req.propname = nargs == 1 ? argv[0] : NULL;
	} else if (strcmp(op, "namespaces") == 0) {
		if (nargs != 0)
			usage_error("namespaces URL");
		status = cli_namespaces(&o, &t, url);
		secret_free(password);
		free(endpoint);
		free(url_ns);
		return (status);
	} else
		usage_error("unknown operation \"%s\" (query, enum, names, get, "
		    "invoke, classes, classnames, getclass, associators, "
		    "associatornames, references, referencenames, create, "
		    "modify, delete, getprop, setprop, qualifiers, "
		    "createclass, modifyclass, deleteclass, setqualifier, "
		    "deletequalifier, namespaces)",
		    op);
	if (o.pull) {
		switch (req.op) {
		case WBEM_OP_ENUM:
			req.op = WBEM_OP_OPEN_ENUM;
			break;
		case WBEM_OP_ENUM_NAMES:
			req.op = WBEM_OP_OPEN_ENUM_PATHS;
			break;
		case WBEM_OP_QUERY:
			req.op = WBEM_OP_OPEN_QUERY;
			break;
		case WBEM_OP_ASSOCIATORS:
			req.op = WBEM_OP_OPEN_ASSOCIATORS;
			break;
		case WBEM_OP_ASSOCIATOR_NAMES:
			req.op = WBEM_OP_OPEN_ASSOCIATOR_PATHS;
			break;
		case WBEM_OP_REFERENCES:
			req.op = WBEM_OP_OPEN_REFERENCES;
			break;
		case WBEM_OP_REFERENCE_NAMES:
			req.op = WBEM_OP_OPEN_REFERENCE_PATHS;
			break;
		default:
			usage_error("--pull is for enum, names, query, "
			    "associators, references and their names, not %s",
			    op);
		}
		if (o.proto != WBEM_PROTO_CIMXML)
			usage_error("--pull is a CIM-XML option (WS-Man "
			    "always pulls)");
		if (req.path != NULL && req.path->nkeys == 0)
			usage_error("--pull %s needs an instance (CLASS.KEY="
			    "VALUE), not a class", op);
	} else if (o.max_object_count != 0)
		usage_error("--max-object-count goes with --pull");
	if (o.deep && req.op != WBEM_OP_CLASSES &&
	    req.op != WBEM_OP_CLASS_NAMES)
		usage_error("--deep is for classes and classnames "
		    "(enum is always deep)");

	res = wbem_run(&t, &req, &err);
	if (res != NULL && req.op == WBEM_OP_GET_PROPERTY)
		res = cli_prop_result(res, path, req.propname);
	/* associators/references of a class answer with classes */
	if (res != NULL && res->kind == WBEM_R_INSTANCES && res->ninst == 0 &&
	    res->nclasses > 0)
		res->kind = WBEM_R_CLASSES;
	if (res != NULL && res->truncated &&
	    res->close_err.kind == WBEM_E_NONE)
		fprintf(stderr, "cimhead: stopped at --max-items %zu; the "
		    "enumeration was closed\n", o.max_items);
	/*
	 * The items are printed; the server's refusal to close keeps its
	 * status (as a CloseEnumeration of one's own would) on stderr and
	 * in the exit status.
	 */
	if (res != NULL && res->truncated &&
	    res->close_err.kind != WBEM_E_NONE)
		fprintf(stderr, "cimhead: stopped at --max-items %zu; "
		    "CloseEnumeration failed: %s%s%s\n", o.max_items,
		    res->close_err.name, res->close_err.name[0] != '\0' ?
		    ": " : "", res->close_err.description);
	if (res != NULL) {
		status = print_result(stdout, o.format, res, path) == 0 ?
		    CLI_EXIT_OK : CLI_EXIT_TRANSPORT;
		if (status == CLI_EXIT_OK && res->truncated &&
		    res->close_err.kind != WBEM_E_NONE)
			status = cli_exit_status(&res->close_err);
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

	for (i = 0; params != NULL && i < nparams; i++)
		cim_property_clear(&params[i]);
	free(params);
	cim_instance_free(inst);
	free(clsname);
	for (i = 0; proplist != NULL && proplist[i] != NULL; i++)
		free(proplist[i]);
	free(proplist);
	cim_path_free(path);
	secret_free(password);
	free(endpoint);
	free(url_ns);
	return (status);
}
