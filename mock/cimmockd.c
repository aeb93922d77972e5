/*
 * main.c: cimmockd, a mock cluster node for the cimhead tests, benchmarks
 * and demo.  One process serves many virtual nodes, each on its own port
 * (CIM-XML at /cimom, WS-Man at /wsman, the stream endpoint at
 * /vod/<title>), plus one
 * control port.  When every listener is bound it prints one line per node
 * (and writes them to --ready-file), so scripts can use port 0.  The only
 * file that exits.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <libxml/parser.h>

#include "mock.h"

#ifndef PKGDATADIR
#define PKGDATADIR "/usr/local/share/cimhead"
#endif

static void	mock_ctl_cb(enum compat_ctl_op, const char *, void *);

static __dead void
usage(int status)
{
	fprintf(status ? stderr : stdout,
"usage: cimmockd [-hv] [--addr ADDR] [--port PORT] [--nodes N]\n"
"                [--control-port PORT] [--scenario FILE] [--schema FILE]\n"
"                [--dialect pegasus|windows] [--ready-file FILE]\n"
"                [--log-level err|warn|info|debug]\n"
"  --addr ADDR          address to bind (default 127.0.0.1)\n"
"  --port PORT          first CIM-XML/stream port; nodes use consecutive\n"
"                       ports; 0 (default) gives each node an ephemeral one\n"
"  --nodes N            number of default nodes NODE01.. (default 1)\n"
"  --control-port PORT  control API port (default 0: ephemeral)\n"
"  --scenario FILE      JSON scenario (nodes, load, processes, faults,\n"
"                       pinned instances); overrides --nodes\n"
"  --schema FILE        MOF schema (default %s)\n"
"  --dialect D          WQL quote dialect of default nodes\n"
"  --ready-file FILE    also write the ready lines to FILE\n"
"  --token-secret-file FILE  streams need cimheadd's signed URLs\n"
"                       (?e={expires}&t={token}); 403 otherwise\n"
"  -v                   more logging (repeatable)\n"
"  -h, --help           this help\n"
"Each node serves CIM-XML (POST any URI), WS-Management as WinRM at\n"
"/wsman (same data and faults; scenario \"wsman\": {quota, context_ttl_ms,\n"
"deny}), and streams at /vod/TITLE.\n"
"Ready lines: node NAME cimom URL control URL stream URL\n",
	    compat_data_path(PKGDATADIR, "win32.mof"));
	exit(status);
}

/* SIGTERM/SIGINT, or Ctrl-C on Windows, stop; there is nothing to reload. */
static void
mock_ctl_cb(enum compat_ctl_op op, const char *why, void *arg)
{
	if (op != COMPAT_CTL_STOP)
		return;
	log_info("%s: stopping", why);
	event_base_loopbreak(arg);
}

/* Writes the ready lines to path atomically (tmp + rename). */
static int
mock_ready_file(const char *path, const char *text)
{
	char	tmp[4096];
	FILE	*f;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return (-1);
	if ((f = fopen(tmp, "w")) == NULL)
		return (-1);
	if (fputs(text, f) == EOF || fclose(f) == EOF) {
		unlink(tmp);
		return (-1);
	}
	return (rename(tmp, path));
}

/*
 * The secret cimheadd signs stream URLs with (its token-secret-file),
 * read by the rule of every secret file: at least 16 bytes once the
 * trailing CRs and LFs are cut, as cimheadd's conf.c cuts them.
 */
static int
mock_token_secret(const char *path)
{
	char	*data, why[256];
	size_t	 len, n;

	switch (secret_read(path, SECRET_MAX, &data, &len, why, sizeof(why))) {
	case -1:
		fprintf(stderr, "cimmockd: %s: %s\n", path, why);
		return (-1);
	case 1:
		fprintf(stderr, "cimmockd: warning: %s: %s\n", path, why);
		break;
	}
	for (n = len; n > 0 && (data[n - 1] == '\n' || data[n - 1] == '\r');)
		n--;
	if (n < 16) {
		fprintf(stderr, "cimmockd: %s: the secret needs at least 16 "
		    "bytes\n", path);
		secret_wipe(data, len);
		free(data);
		return (-1);
	}
	mnode_token_secret((unsigned char *)data, n);
	secret_wipe(data, len);
	free(data);
	return (0);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "addr", required_argument, NULL, 'a' },
		{ "port", required_argument, NULL, 'p' },
		{ "nodes", required_argument, NULL, 'n' },
		{ "control-port", required_argument, NULL, 'c' },
		{ "scenario", required_argument, NULL, 's' },
		{ "schema", required_argument, NULL, 'S' },
		{ "dialect", required_argument, NULL, 'd' },
		{ "ready-file", required_argument, NULL, 'r' },
		{ "token-secret-file", required_argument, NULL, 'T' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct event_base	*base;
	struct compat_ctl	*cc;
	struct mof_schema	 schema;
	struct scenario		 sc;
	struct mnode		**nodes;
	struct mctl		*ctl;
	struct buf		 ready;
	const char		*addr = "127.0.0.1", *scenario = NULL;
	const char		*schema_path = NULL;
	const char		*ready_file = NULL;
	enum log_level		 lvl = LOG_LVL_INFO;
	enum wql_dialect	 dialect = WQL_PEGASUS;
	char			 err[1024];
	long			 port = 0, cport = 0, nnodes = 1;
	size_t			 i;
	int			 ch, status = 1;

	while ((ch = getopt_long(argc, argv, "hv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'a':
			addr = optarg;
			break;
		case 'p':
			if (parse_long_range(optarg, 0, 65535, &port) == -1)
				usage(2);
			break;
		case 'n':
			if (parse_long_range(optarg, 1, 4096, &nnodes) == -1)
				usage(2);
			break;
		case 'c':
			if (parse_long_range(optarg, 0, 65535, &cport) == -1)
				usage(2);
			break;
		case 's':
			scenario = optarg;
			break;
		case 'S':
			schema_path = optarg;
			break;
		case 'd':
			if (wql_dialect_parse(optarg, &dialect) == -1)
				usage(2);
			break;
		case 'r':
			ready_file = optarg;
			break;
		case 'T':
			if (mock_token_secret(optarg) == -1)
				return (1);
			break;
		case 'l':
			if (strcmp(optarg, "err") == 0)
				lvl = LOG_LVL_ERR;
			else if (strcmp(optarg, "warn") == 0)
				lvl = LOG_LVL_WARN;
			else if (strcmp(optarg, "info") == 0)
				lvl = LOG_LVL_INFO;
			else if (strcmp(optarg, "debug") == 0)
				lvl = LOG_LVL_DEBUG;
			else
				usage(2);
			break;
		case 'v':
			if (lvl < LOG_LVL_DEBUG)
				lvl++;
			break;
		case 'h':
			usage(0);
		default:
			usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	log_init("cimmockd", lvl, 0);
	xmlInitParser();
	if (compat_init(1) == -1)
		fatal("compat_init");
	if (schema_path == NULL)
		schema_path = compat_data_path(PKGDATADIR, "win32.mof");

	memset(&schema, 0, sizeof(schema));
	if (mof_load_file(&schema, schema_path, err, sizeof(err)) == -1) {
		log_err("%s", err);
		return (1);
	}
	if (scenario != NULL) {
		if (scenario_load(scenario, &schema, &sc, err,
		    sizeof(err)) == -1) {
			log_err("%s", err);
			mof_schema_clear(&schema);
			return (1);
		}
	} else {
		scenario_default(&sc, &schema, (size_t)nnodes, addr, (int)port);
		for (i = 0; i < sc.nnodes; i++)
			sc.nodes[i].dialect = dialect;
	}

	if ((base = event_base_new()) == NULL)
		fatal("event_base_new");
	nodes = xcalloc(sc.nnodes, sizeof(*nodes));
	buf_init(&ready, 0);
	ctl = NULL;
	for (i = 0; i < sc.nnodes; i++)
		if ((nodes[i] = mnode_new(base, &schema, &sc.nodes[i], err,
		    sizeof(err))) == NULL) {
			log_err("%s: %s", err, strerror(errno));
			goto done;
		}
	if ((ctl = mctl_new(base, addr, (int)cport, nodes, sc.nnodes)) == NULL) {
		log_err("control port %s:%ld: %s", addr, cport,
		    strerror(errno));
		goto done;
	}
	for (i = 0; i < sc.nnodes; i++) {
		const struct mnode_conf *nc = mnode_conf(nodes[i]);

		buf_printf(&ready, "node %s cimom http://%s:%d/cimom "
		    "control http://%s:%d/nodes/%s stream http://%s:%d/vod/\n",
		    nc->name, nc->addr, mnode_port(nodes[i]), addr,
		    mctl_port(ctl), nc->name, nc->addr, mnode_port(nodes[i]));
	}
	fputs(ready.data, stdout);
	fflush(stdout);
	if (ready_file != NULL && mock_ready_file(ready_file,
	    ready.data) == -1) {
		log_err("%s: %s", ready_file, strerror(errno));
		goto done;
	}
	log_info("%zu node(s) ready, control port %d", sc.nnodes,
	    mctl_port(ctl));

	if ((cc = compat_ctl_new(base, mock_ctl_cb, base)) == NULL)
		fatal("compat_ctl_new");
	event_base_dispatch(base);
	compat_ctl_free(cc);
	status = 0;
done:
	mctl_free(ctl);
	for (i = 0; i < sc.nnodes; i++)
		mnode_free(nodes[i]);
	free(nodes);
	buf_release(&ready);
	scenario_clear(&sc);
	mof_schema_clear(&schema);
	event_base_free(base);
	xmlCleanupParser();
	return (status);
}
