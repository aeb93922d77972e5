/*
 * main.c: cimheadd, the head-end daemon.  Options, the one event base,
 * process controls (SIGHUP reloads, SIGTERM/SIGINT drain and stop; on
 * Windows the console and service controls, see compat/) and sd_notify.
 * The top of the daemon: it calls every module and none calls it.  The
 * only file that exits.
 *
 * It runs in the foreground and logs to stderr, which is what systemd
 * (Type=notify) and journald want; a supervisor handles the rest.  On
 * Windows the supervisor is the service control manager (--service).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "cimheadd.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"
#endif
/* the one default: $(sysconfdir)/cimhead/cimheadd.conf, as the unit reads */
#define CONFDIR	SYSCONFDIR "/cimhead"

static const char	*port_file;
static const char	*log_file;
static int		 verbose;

#define MAIN_DISPATCH_SLICE_MS	5	/* probe replies, then a look around */

static void	main_ctl_cb(enum compat_ctl_op, const char *, void *);
static void	main_exit_cb(evutil_socket_t, short, void *);
static void	main_watchdog_cb(evutil_socket_t, short, void *);
static void	main_drained(struct daemon *);

static const struct option main_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ "log-file", required_argument, NULL, 'L' },
	{ "service", required_argument, NULL, 'S' },
	{ NULL, 0, NULL, 0 },
};

static __dead void
usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: cimheadd [-dnv] [-f file] [-P portfile] [--log-file file]\n"
	    "                [--service install|remove|run]\n"
	    "  -f FILE      configuration (default %s)\n"
	    "  -n           check the configuration, print problems, exit\n"
	    "  -P FILE      write the bound viewer and admin addresses to FILE\n"
	    "  -d, -v       debug logging (each query, each decision)\n"
	    "  --log-file FILE  log to FILE (appended) instead of stderr\n"
	    "  --service ACTION Windows only: install or remove the cimheadd\n"
	    "               service (it starts with -f FILE), or run as it\n"
	    "  -h, --help   this text;  -V, --version  the version\n"
	    "Runs in the foreground and logs to stderr (journald-friendly).\n"
	    "SIGHUP reloads the configuration; SIGTERM drains and exits\n"
	    "(on Windows: Ctrl-C or the service stop control drains).\n"
	    "See cimheadd(8) and cimheadd.conf(5).\n",
	    compat_conf_path(CONFDIR, "cimheadd.conf"));
	exit(status);
}

/* Gives the nodes of a new config their nodes, by name, state kept. */
static void
main_apply_conf(struct daemon *d, struct conf *nc)
{
	struct node	**nn, *n;
	size_t		  i, k;

	nn = xcalloc(nc->nnodes, sizeof(*nn));
	for (i = 0; i < nc->nnodes; i++) {
		for (k = 0; k < d->nnodes; k++) {
			if (d->nodes[k] != NULL &&
			    strcmp(d->nodes[k]->name, nc->nodes[i].name) == 0) {
				nn[i] = d->nodes[k];
				d->nodes[k] = NULL;
				break;
			}
		}
	}
	/* Nodes gone from the config: their calls cancelled, then freed. */
	for (k = 0; k < d->nnodes; k++) {
		if ((n = d->nodes[k]) == NULL)
			continue;
		events_add(d->events, wall_ms(), EVENTS_RELOAD, 0, n->name,
		    "removed from the config");
		probe_node_release(n);
		node_free(n);
	}
	free(d->nodes);
	d->nodes = nn;
	d->nnodes = nc->nnodes;
	d->conf = nc;
	for (i = 0; i < nc->nnodes; i++) {
		if (nn[i] != NULL) {
			node_configure(nn[i], &nc->nodes[i]);
			if (nc->nodes[i].enabled && nn[i]->state ==
			    NODE_DISABLED)
				node_set_state(nn[i], NODE_SUSPECT,
				    "enabled in the config");
		} else {
			nn[i] = node_new(d, &nc->nodes[i]);
			events_add(d->events, wall_ms(), EVENTS_RELOAD, 0,
			    nn[i]->name, "added");
		}
	}
}

/* conf_load's report, a line a message; a warning's label is the level's. */
static void
main_log_lines(enum log_level lvl, const char *text)
{
	const char	*p, *e, *w;

	for (p = text; p != NULL && *p != '\0'; p = *e ? e + 1 : e) {
		e = p + strcspn(p, "\n");
		if (lvl == LOG_LVL_ERR) {
			log_err("%.*s", (int)(e - p), p);
			continue;
		}
		/* Within this line only: a report may hold thousands. */
		for (w = p; w + 11 <= e && strncmp(w, ": warning: ", 11) != 0;
		    w++)
			;
		if (w + 11 <= e)
			log_warn("%.*s: %.*s", (int)(w - p), p,
			    (int)(e - w - 11), w + 11);
		else
			log_warn("%.*s", (int)(e - p), p);
	}
}

/* Messages in a report: its lines. */
static size_t
main_count_lines(const char *text)
{
	size_t	n = 0;

	for (; text != NULL && *text != '\0'; text++)
		n += *text == '\n';
	return (n);
}

/*
 * Three priorities: viewers, the admin side and every timer at the
 * default (1); http.c puts the probe replies at the lowest (2), and they
 * yield every MAIN_DISPATCH_SLICE_MS, so under a flood of replies (a
 * round over a thousand nodes) a viewer's request and the round's
 * decision deadline still run on time instead of after every reply
 * already read.
 */
static struct event_base *
main_base_new(void)
{
	struct event_config	*cfg;
	struct event_base	*base;
	struct timeval		 tv;

	if ((cfg = event_config_new()) == NULL)
		return (NULL);
	ms_to_tv(MAIN_DISPATCH_SLICE_MS, &tv);
	if (event_config_set_max_dispatch_interval(cfg, &tv, -1, 2) == -1)
		log_warn("libevent: no dispatch interval; probe replies "
		    "may delay viewers under load");
	base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	if (base != NULL && event_base_priority_init(base, 3) == -1)
		log_warn("libevent: no priorities; probe replies may delay "
		    "viewers under load");
	return (base);
}

static void
main_reload(struct daemon *d)
{
	struct conf	*nc, *old;
	struct buf	 errs, warns;
	size_t		 i;

	sdnotify_reloading();
	buf_init(&errs, CONF_REPORT_MAX);
	buf_init(&warns, CONF_REPORT_MAX);
	nc = conf_load(d->conf->path, &errs, &warns);
	main_log_lines(LOG_LVL_WARN, warns.data);
	if (nc == NULL) {
		main_log_lines(LOG_LVL_ERR, errs.data);
		metrics_config_loaded(d, 0, 0);
		events_add(d->events, wall_ms(), EVENTS_RELOAD, 1, "",
		    "reload failed: keeping the running config");
	} else {
		if (strcmp(nc->listen, d->conf->listen) != 0 ||
		    strcmp(nc->admin_listen, d->conf->admin_listen) != 0)
			log_warn("listen addresses change only on restart");
		/*
		 * Freed at once: past main_apply_conf() every node points
		 * into the new config, removed nodes are gone with their
		 * calls, and a WBEM call in flight owns copies of its URL,
		 * credentials and request (wbem_start), so nothing points
		 * into the old one.  (Keeping it would grow the daemon by a
		 * config each reload.)
		 */
		old = d->conf;
		main_apply_conf(d, nc);
		recovery_reconfigure(d, old);
		conf_free(old);
		/* Before the new nodes' probes: descriptors for them. */
		frontend_reconfigure(d);
		admin_reconfigure(d);
		for (i = 0; i < d->nnodes; i++)
			if (node_probeable(d->nodes[i]))
				probe_node(d->nodes[i]);
		probe_idle_arm(d);
		metrics_config_loaded(d, 1, wall_ms());
		log_set_stamp(nc->log_stamp);
		events_add(d->events, wall_ms(), EVENTS_RELOAD, 0, "",
		    "reloaded %s: %zu nodes, policy %s", nc->path,
		    nc->nnodes, policy_kind_name(nc->policy.kind));
	}
	/* Reopened whether or not the config loaded: logrotate's HUP. */
	if (accesslog_open(d) == -1)
		log_err("access-log %s: %s (still writing where it was)",
		    d->conf->access_log, strerror(errno));
	buf_release(&errs);
	buf_release(&warns);
	sdnotify_ready();
}

static void
main_exit_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct daemon	*d = arg;

	event_base_loopexit(d->base, NULL);
}

/* Give the last replies a moment on the wire, then leave the loop. */
static void
main_drained(struct daemon *d)
{
	struct timeval	tv;

	ms_to_tv(200, &tv);
	event_base_once(d->base, -1, EV_TIMEOUT, main_exit_cb, d, &tv);
}

static void
main_drain(struct daemon *d)
{
	struct timeval	tv;

	if (d->draining)
		return;
	d->draining = 1;
	sdnotify_stopping();
	log_info("draining: %zu viewers parked", frontend_parked(d));
	frontend_stop_accepting(d);
	d->drained_cb = main_drained;
	if (frontend_parked(d) == 0) {
		main_drained(d);
		return;
	}
	/* Parked viewers end with their round; this is only a backstop. */
	ms_to_tv((uint64_t)d->conf->decision_timeout_ms + 2000, &tv);
	event_base_once(d->base, -1, EV_TIMEOUT, main_exit_cb, d, &tv);
}

static void
main_ctl_cb(enum compat_ctl_op op, const char *why, void *arg)
{
	struct daemon	*d = arg;

	switch (op) {
	case COMPAT_CTL_RELOAD:
		log_info("%s: reloading", why);
		main_reload(d);
		break;
	case COMPAT_CTL_STOP:
		log_info("%s: drain, then stop", why);
		main_drain(d);
		break;
	}
}

static void
main_watchdog_cb(evutil_socket_t fd, short ev, void *arg)
{
	sdnotify_watchdog();
}

/*
 * The daemon proper, from the config file to the end of the drain: in the
 * console, or in the service thread under the Windows SCM.  Returns the
 * exit status.
 */
static int
main_run(const char *file)
{
	struct daemon		 d;
	struct compat_ctl	*ctl;
	struct event		*wd = NULL;
	struct buf		 errs, warns;
	struct timeval		 tv;
	size_t			 i;
	unsigned		 wd_ms;

	if (log_file != NULL) {
		if (log_open_file(log_file) == -1) {
			log_err("%s: %s", log_file, strerror(errno));
			return (1);
		}
	} else if (compat_in_service())
		log_init("cimheadd", verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO, 1);

	memset(&d, 0, sizeof(d));
	buf_init(&errs, CONF_REPORT_MAX);
	buf_init(&warns, CONF_REPORT_MAX);
	d.conf = conf_load(file, &errs, &warns);
	main_log_lines(LOG_LVL_WARN, warns.data);
	if (d.conf == NULL)
		main_log_lines(LOG_LVL_ERR, errs.data);
	buf_release(&errs);
	buf_release(&warns);
	if (d.conf == NULL)
		return (1);
	metrics_config_loaded(&d, 1, wall_ms());

	if (compat_init(1) == -1)
		fatal("compat_init");
	xml_global_init();
	if ((d.base = main_base_new()) == NULL)
		fatal("event_base_new");
	log_set_stamp(d.conf->log_stamp);
	if (accesslog_open(&d) == -1) {
		log_err("access-log %s: %s", d.conf->access_log,
		    strerror(errno));
		return (1);
	}
	if ((d.http = http_ctx_new(d.base)) == NULL)
		fatal("http_ctx_new");
	balance_seed(&d, (uint32_t)(mono_ms() ^ (uint64_t)getpid() << 16));
	d.events = events_new(EVENTS_CAP);
	d.decisions = decisions_new();
	d.last_viewer_ms = mono_ms();
	d.nodes = xcalloc(d.conf->nnodes, sizeof(*d.nodes));
	d.nnodes = d.conf->nnodes;
	for (i = 0; i < d.nnodes; i++)
		d.nodes[i] = node_new(&d, &d.conf->nodes[i]);

	if (frontend_start(&d, d.conf->listen) == -1 ||
	    admin_start(&d, d.conf->admin_listen) == -1) {
		log_err("cannot start the listeners");
		return (1);
	}
	if ((ctl = compat_ctl_new(d.base, main_ctl_cb, &d)) == NULL)
		fatal("compat_ctl_new");
	if ((wd_ms = sdnotify_watchdog_ms()) != 0) {
		wd = event_new(d.base, -1, EV_PERSIST, main_watchdog_cb, &d);
		ms_to_tv(wd_ms / 2, &tv);
		event_add(wd, &tv);
	}
	/* A first look at every node, so the dashboard has something. */
	for (i = 0; i < d.nnodes; i++)
		if (node_probeable(d.nodes[i]))
			probe_node(d.nodes[i]);
	probe_idle_arm(&d);
	if (port_file != NULL && listen_port_file(&d, port_file) == -1)
		log_warn("cannot write %s: %s", port_file, strerror(errno));
	log_info("listening for viewers on %s, admin on %s; %zu nodes, "
	    "policy %s", d.front_addr, d.admin_addr, d.nnodes,
	    policy_kind_name(d.conf->policy.kind));
	sdnotify_ready();

	event_base_dispatch(d.base);

	log_info("stopping");
	frontend_free(&d);
	accesslog_free(&d);
	admin_free(&d);
	probe_shutdown(&d);
	for (i = 0; i < d.nnodes; i++)
		node_free(d.nodes[i]);
	free(d.nodes);
	http_ctx_free(d.http);
	compat_ctl_free(ctl);
	if (wd != NULL)
		event_free(wd);
	event_base_free(d.base);
	events_free(d.events);
	decisions_free(d.decisions);
	conf_free(d.conf);
	return (0);
}

int
main(int argc, char *argv[])
{
	struct conf	*conf;
	struct buf	 errs, warns;
	const char	*file, *service = NULL;
	int		 ch, check = 0;

	file = compat_conf_path(CONFDIR, "cimheadd.conf");
	log_init("cimheadd", LOG_LVL_INFO, 0);
#if defined(__GLIBC__)
	/*
	 * A node's oversize reply is read up to max-response (1 MB) and
	 * freed.  glibc then raises its mmap threshold to that size, the
	 * next such buffers come from the heap, and a small block allocated
	 * above one keeps its pages: the soak's RSS stepped up 1.7 MB at an
	 * oversize fault and stayed (CI failed "RSS flat" at +11 %).  A fixed
	 * threshold keeps large buffers mapped on their own and returned
	 * when freed.
	 */
	(void)mallopt(M_MMAP_THRESHOLD, 128 * 1024);
#endif
	while ((ch = getopt_long(argc, argv, "df:hnP:vV", main_longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'd':
		case 'v':
			verbose++;
			break;
		case 'f':
			file = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'P':
			port_file = optarg;
			break;
		case 'L':
			log_file = optarg;
			break;
		case 'S':
			service = optarg;
			break;
		case 'h':
			usage(0);
		case 'V':
			printf("cimheadd %s\n", PACKAGE_VERSION);
			exit(0);
		default:
			usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	if (verbose)
		log_set_level(LOG_LVL_DEBUG);

	if (check) {
		buf_init(&errs, CONF_REPORT_MAX);
		buf_init(&warns, CONF_REPORT_MAX);
		conf = conf_load(file, &errs, &warns);
		if (warns.data != NULL)
			fputs(warns.data, stderr);
		if (conf == NULL) {
			fputs(errs.data != NULL ? errs.data : "", stderr);
			fprintf(stderr, "%s: not loaded: %zu errors, %zu "
			    "warnings\n", file, main_count_lines(errs.data),
			    main_count_lines(warns.data));
		} else {
			printf("%s: ok (%zu nodes)\n", file, conf->nnodes);
			conf_free(conf);
		}
		/* Freed so a leak checker sees none in -n either. */
		buf_release(&errs);
		buf_release(&warns);
		return (conf == NULL);
	}
	if (service != NULL)
		return (compat_service("cimheadd", service, file, log_file,
		    main_run));
	return (main_run(file));
}
