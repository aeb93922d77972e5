/*
 * test_conf.c: cimheadd.conf parsing: defaults, every kind of error with
 * its file:line, secret-file permissions, node names as the man page
 * says, credentials over plain http, and that a bad file yields no config
 * at all.
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cimheadd.h"
#include "tap.h"

static char dir[] = "/tmp/cimhead-conf.XXXXXX";

static void
write_file(const char *name, const char *text, mode_t mode)
{
	char	p[512];
	FILE	*f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	/* A new file each time: permissions start from the umask again. */
	(void)remove(p);
	f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	if (compat_chmod(p, (unsigned)mode) == -1)
		diag("cannot set a file's permissions");
}

static struct conf *
load(const char *text, struct buf *errs, struct buf *warns)
{
	char	p[512];

	write_file("c.conf", text, 0644);
	snprintf(p, sizeof(p), "%s/c.conf", dir);
	buf_reset(errs);
	buf_reset(warns);
	return (conf_load(p, errs, warns));
}

/* Whether creds reads back with the group bit it was written with. */
static int
group_kept(unsigned bit)
{
	char		p[512];
	unsigned	mode = 0;
	int		fd;

	snprintf(p, sizeof(p), "%s/creds", dir);
	if ((fd = open(p, O_RDONLY)) == -1)
		return (0);
	if (compat_file_mode(fd, &mode) == -1)
		mode = 0;
	close(fd);
	return ((mode & bit) != 0);
}

/* errs holds "DIR/c.conf:LINE: ..." and mentions what */
static int
has_err(struct buf *errs, int line, const char *what)
{
	char	pfx[600];

	snprintf(pfx, sizeof(pfx), "%s/c.conf:%d: ", dir, line);
	return (errs->data != NULL && strstr(errs->data, pfx) != NULL &&
	    strstr(errs->data, what) != NULL);
}

/* The balancing keys: defaults, overrides, the strict model, errors. */
static void
test_balance(struct buf *errs, struct buf *warns)
{
	struct conf		*c;
	const struct conf_node	*n;
	static const char	*node = "[node a]\nurl = http://10.0.0.1:5988/\n";
	char			 text[2048];

	snprintf(text, sizeof(text), "[cimheadd]\n%s", node);
	c = load(text, errs, warns);
	ok(c != NULL, "a minimal config loads");
	if (c != NULL) {
		is_int(c->policy.kind, POLICY_LEAST_PREDICTED,
		    "least-predicted is the default");
		ok(c->est.max[EST_CPU] == 100 && c->est.max[EST_MEM] == 100 &&
		    c->est.max[EST_NET] == 100, "thresholds 100 %% by default");
		ok(c->freshness_ms == 3000 && c->est.max_age_ms == 3000,
		    "the pool is on: probe-max-age 3s");
		ok(c->est.max_uses == 64 && c->probe_d == 2 &&
		    c->est.query_rate == 2 && c->est.query_burst == 8,
		    "probe-max-uses 64, probe-d 2, 2 queries/s, burst 8");
		ok(c->est.prior_cost[EST_NET] == 2 && c->est.window_ms == 1000,
		    "session-cost 2, rate-window 1s");
		is_int(c->est.visible_ms, 500, "session-visible 500ms");
		is_int(c->sessions_retry_ms, 60000, "sessions-retry 60s");
		n = conf_node_find(c, "a");
		ok(n != NULL && strcmp(n->sessions_class,
		    "Win32_PerfRawData_W3SVC_WebService") == 0 &&
		    strcmp(n->sessions_property, "CurrentConnections") == 0 &&
		    strcmp(n->sessions_instance, "_Total") == 0,
		    "a node takes the session count defaults");
		conf_free(c);
	}

	snprintf(text, sizeof(text), "[cimheadd]\nfreshness = 0\n"
	    "probe-max-age = 5s\nprobe-max-uses = 0\nprobe-d = 3\n"
	    "probe-query-rate = 0.5\nprobe-query-burst = 12\n"
	    "session-cost = 4\nrate-window = 2s\nmax-net = 95\n"
	    "session-visible = 600ms\n"
	    "sessions-class = Vod_Sessions\nsessions-property = Active\n"
	    "sessions-instance =\n%s[node b]\nurl = http://10.0.0.2:5988/\n"
	    "sessions-class =\n", node);
	c = load(text, errs, warns);
	ok(c != NULL, "every balancing key loads");
	if (c == NULL)
		printf("# %s", errs->data);
	if (c != NULL) {
		ok(c->freshness_ms == 0 && c->est.max_age_ms == 5000,
		    "freshness = 0: the strict model (max-age kept)");
		ok(c->est.max_uses == 0 && c->probe_d == 3 &&
		    c->est.query_rate == 0.5 && c->est.query_burst == 12,
		    "pool keys");
		ok(c->est.prior_cost[EST_CPU] == 4 && c->est.window_ms == 2000 &&
		    c->est.max[EST_NET] == 95 && c->est.visible_ms == 600,
		    "session-cost, rate-window, max, session-visible");
		n = conf_node_find(c, "a");
		ok(n != NULL && strcmp(n->sessions_class, "Vod_Sessions") == 0 &&
		    strcmp(n->sessions_property, "Active") == 0 &&
		    n->sessions_instance[0] == '\0',
		    "[cimheadd]'s session keys; empty instance: summed");
		n = conf_node_find(c, "b");
		ok(n != NULL && n->sessions_class[0] == '\0',
		    "a node turns the count off with an empty class");
		conf_free(c);
	}

	c = load("[cimheadd]\nsessions-class = Bad Class\n"
	    "probe-max-age = 0\nprobe-d = 0\nsessions-instance = a\"b\n"
	    "session-visible = 11s\n"
	    "[node a]\nurl = http://10.0.0.1:5988/\n", errs, warns);
	ok(c == NULL && has_err(errs, 2, "sessions-class") &&
	    has_err(errs, 3, "probe-max-age") && has_err(errs, 4, "probe-d") &&
	    has_err(errs, 5, "sessions-instance") &&
	    has_err(errs, 6, "session-visible"),
	    "bad balancing keys refused with their lines");
}

/* A config with one command line of len bytes (then a tail), in a buffer. */
static char *
cmd_conf(size_t len, const char *tail)
{
	struct buf	b;
	size_t		i;

	buf_init(&b, 0);
	buf_puts(&b, "[cimheadd]\n[node a]\nurl = http://h:1/cimom\n"
	    "process = vod.exe\ncommand = C:\\vod\\vod.exe");
	for (i = 14; i < len; i++)
		buf_add(&b, i % 10 == 0 ? " " : "x", 1);
	buf_puts(&b, tail);
	return (b.data);
}

/*
 * Issue 16.6: no line limit a real command line reaches (inih's buffer is
 * 200 bytes as Debian builds it); a line past CONF_MAX_LINE is an error,
 * and so is a command Windows would not take.
 */
static void
test_long_lines(struct buf *errs, struct buf *warns)
{
	struct conf		*c;
	const struct conf_node	*n;
	struct buf		 b;
	char			*text, *want;
	size_t			 len;

	text = cmd_conf(300, "\n");
	c = load(text, errs, warns);
	n = c != NULL ? conf_node_find(c, "a") : NULL;
	ok(n != NULL && n->command != NULL && strlen(n->command) == 300,
	    "a 300-byte command line loads whole");
	conf_free(c);
	free(text);

	/* 8 KiB, an inline comment, then more keys that must still count. */
	text = cmd_conf(8192, "   ; the real one\nweight = 3\n"
	    "directory = C:\\vod\n");
	c = load(text, errs, warns);
	if (c == NULL)
		printf("# %s", errs->data);
	n = c != NULL ? conf_node_find(c, "a") : NULL;
	want = cmd_conf(8192, "");
	len = strlen(want) - strlen(strstr(want, "C:\\vod\\vod.exe"));
	ok(n != NULL && n->command != NULL &&
	    strcmp(n->command, want + len) == 0,
	    "an 8 KiB command line loads whole, its inline comment cut");
	ok(n != NULL && n->weight == 3 && n->directory != NULL &&
	    strcmp(n->directory, "C:\\vod") == 0,
	    "the keys after it are read (and counted: line numbers hold)");
	conf_free(c);
	free(want);
	free(text);

	/* The line number of what follows a long line is right. */
	text = cmd_conf(8192, "\nweight = x\n");
	c = load(text, errs, warns);
	ok(c == NULL && has_err(errs, 6, "weight: \"x\""),
	    "an error after an 8 KiB line: its own line number");
	free(text);

	/* A long continuation line, an indented section header after it. */
	text = cmd_conf(5000, "");
	buf_init(&b, 0);
	buf_printf(&b, "[cimheadd]\n[node a]\nurl = http://h:1/cimom\n"
	    "process = vod.exe\ncommand = first\n    %s\n"
	    "  [node b]\nurl = http://h:2/cimom\n", strstr(text, "C:"));
	c = load(b.data, errs, warns);
	buf_release(&b);
	n = c != NULL ? conf_node_find(c, "a") : NULL;
	ok(n != NULL && n->command != NULL && strlen(n->command) == 5000 &&
	    strncmp(n->command, "C:\\vod", 6) == 0,
	    "a 5,000-byte continuation line: its value whole");
	ok(c != NULL && conf_node_find(c, "b") != NULL,
	    "an indented section header starts its section");
	conf_free(c);
	free(text);

	/* Past the line bound: an error, the lines after it still read. */
	text = cmd_conf(100 * 1024, "\nbogus\nweight = -1\n");
	c = load(text, errs, warns);
	ok(c == NULL && has_err(errs, 5, "longer than 65536"),
	    "a 100 KiB line: an error naming the bound");
	ok(has_err(errs, 6, "syntax error") && has_err(errs, 7, "weight"),
	    "the lines after it: their errors too");
	free(text);

	/* Under the line bound, over Windows' command line. */
	text = cmd_conf(40000, "\n");
	c = load(text, errs, warns);
	ok(c == NULL && has_err(errs, 5, "longer than the 32767 characters"),
	    "a 40,000-byte command: refused (CreateProcess takes 32,767)");
	free(text);
	text = cmd_conf(32767, "\n");
	c = load(text, errs, warns);
	ok(c != NULL, "a 32,767-byte command loads");
	conf_free(c);
	free(text);
}

/*
 * Issue 16.6: every error in one run.  A refused section (bad name,
 * twice, one node too many) used to hide the checks of the whole file;
 * its keys are checked too.  Warnings are labelled.
 */
static void
test_every_error(struct buf *errs, struct buf *warns)
{
	struct conf	*c;
	struct buf	 b, e;
	size_t		 i, nl;
	char		 p[512];

	c = load("[cimheadd]\n"
	    "policy = nope\n"
	    "junk line\n"
	    "[node -bad]\n"
	    "url = ftp://x\n"
	    "nokey = 1\n"
	    "[node a]\n"
	    "process = vod.exe\n"
	    "[node a]\n"
	    "weight = heavy\n"
	    "[node b]\n"
	    "url = https://h:1/cimom\n"
	    "insecure = yes\n"
	    "more junk\n", errs, warns);
	ok(c == NULL, "a file with errors: no config");
	ok(has_err(errs, 2, "policy") && has_err(errs, 3, "syntax error") &&
	    has_err(errs, 14, "syntax error"),
	    "every syntax error, not the first only");
	ok(has_err(errs, 4, "bad node name") &&
	    has_err(errs, 5, "url: \"ftp://x\"") &&
	    has_err(errs, 6, "unknown key \"nokey\""),
	    "a bad node name, and its section's keys still checked");
	ok(has_err(errs, 9, "defined twice") && has_err(errs, 10, "weight"),
	    "a node defined twice, and its keys still checked");
	ok(has_err(errs, 7, "node a: no url"),
	    "the checks of the whole file run after a bad node name");
	snprintf(p, sizeof(p), "%s/c.conf:11: warning: node b: TLS "
	    "verification is off", dir);
	ok(warns->data != NULL && strstr(warns->data, p) != NULL,
	    "warnings say so: file:line: warning: ...");
	snprintf(p, sizeof(p), "%s/c.conf:7: warning: node a: no command",
	    dir);
	ok(warns->data != NULL && strstr(warns->data, p) != NULL,
	    "... those of a file with errors too");

	/* The node limit: one too many is an error naming it. */
	buf_init(&b, 0);
	for (i = 0; i <= 1024; i++)
		buf_printf(&b, "[node n%zu]\nurl = https://h:1/cimom\n", i);
	buf_puts(&b, "weight = x\n");
	c = load(b.data, errs, warns);
	ok(c == NULL && has_err(errs, 2049, "too many nodes: at most 1024") &&
	    has_err(errs, 2051, "weight"),
	    "node 1,025: an error naming the limit; its keys still checked");
	buf_release(&b);

	/* More than 64 KiB of messages: all of them, in a report-sized buf. */
	buf_init(&b, 0);
	buf_puts(&b, "[cimheadd]\n");
	for (i = 0; i < 3000; i++)
		buf_printf(&b, "junk %zu\n", i);
	buf_init(&e, CONF_REPORT_MAX);
	c = conf_parse(b.data, "a-rather-long-name-for-the-config-file.conf",
	    &e, NULL);
	for (nl = 0, i = 0; e.data != NULL && i < e.len; i++)
		nl += e.data[i] == '\n';
	ok(c == NULL && e.len > 65536 && nl == 3001 &&
	    strstr(e.data, ".conf:3001: syntax") != NULL,
	    "3,000 bad lines: %zu messages, %zu bytes, none lost", nl, e.len);
	buf_release(&e);
	/* Past the bound, a count of what is not shown. */
	buf_init(&e, 4096);
	c = conf_parse(b.data, "x.conf", &e, NULL);
	ok(c == NULL && e.data != NULL && e.len < 4096 &&
	    strstr(e.data, "more messages not shown") != NULL,
	    "a report past its buffer: the rest counted, not cut mid-line");
	buf_release(&e);
	buf_release(&b);
}

/* The pair keys: recovery = on|off, ready-window and its default. */
static void
test_ha(struct buf *errs, struct buf *warns)
{
	struct conf		*c;
	static const char	*node = "[node a]\nurl = http://10.0.0.1:5988/\n";
	char			 text[1024];

	snprintf(text, sizeof(text), "[cimheadd]\n%s", node);
	if ((c = load(text, errs, warns)) != NULL) {
		ok(c->recovery == 1 && c->ready_window_ms == 10000,
		    "recovery on, ready-window 10s by default");
		conf_free(c);
	} else
		ok(0, "a minimal config loads");
	snprintf(text, sizeof(text), "[cimheadd]\nquery-timeout = 5s\n%s",
	    node);
	if ((c = load(text, errs, warns)) != NULL) {
		is_int(c->ready_window_ms, 15000, "ready-window unset follows "
		    "query-timeout (three of them)");
		conf_free(c);
	} else
		ok(0, "query-timeout 5s loads");
	snprintf(text, sizeof(text), "[cimheadd]\nrecovery = off\n"
	    "ready-window = 4s\n%s", node);
	if ((c = load(text, errs, warns)) != NULL) {
		ok(c->recovery == 0 && c->ready_window_ms == 4000,
		    "recovery = off, ready-window = 4s");
		ok(warns->data == NULL || strstr(warns->data, "ready-window") ==
		    NULL, "no warning: 4s is twice query-timeout (2s)");
		conf_free(c);
	} else
		ok(0, "recovery = off loads");
	snprintf(text, sizeof(text), "[cimheadd]\nready-window = 3s\n%s",
	    node);
	c = load(text, errs, warns);
	ok(c != NULL && warns->data != NULL &&
	    strstr(warns->data, "may flap") != NULL,
	    "ready-window under twice query-timeout: a warning");
	conf_free(c);
	c = load("[cimheadd]\nrecovery = maybe\n"
	    "[node a]\nurl = http://10.0.0.1:5988/\n", errs, warns);
	ok(c == NULL && has_err(errs, 2, "recovery"), "recovery = maybe "
	    "refused with its line");
	conf_free(c);
	c = load("[cimheadd]\nready-window = 500ms\n"
	    "[node a]\nurl = http://10.0.0.1:5988/\n", errs, warns);
	ok(c == NULL && errs->data != NULL && strstr(errs->data,
	    "ready-window must be at least 1s") != NULL,
	    "ready-window 500ms refused");
	conf_free(c);
}

int
main(void)
{
	struct buf		 errs, warns;
	struct conf		*c;
	const struct conf_node	*n;
	unsigned		 ms;
	static const char	*files[] = { "c.conf", "creds", "secret", "tok" };
	char			 cmd[600], huge[SECRET_MAX + 2];
	size_t			 i;

	if (mkdtemp(dir) == NULL)
		return (1);
	buf_init(&errs, 0);
	buf_init(&warns, 0);

	ok(conf_parse_duration("500ms", &ms) == 0 && ms == 500, "500ms");
	ok(conf_parse_duration("2s", &ms) == 0 && ms == 2000, "2s");
	ok(conf_parse_duration("1m", &ms) == 0 && ms == 60000, "1m");
	ok(conf_parse_duration("250", &ms) == 0 && ms == 250, "bare = ms");
	ok(conf_parse_duration("-1s", &ms) == -1, "negative refused");
	ok(conf_parse_duration("5 s", &ms) == -1, "junk refused");
	ok(conf_parse_duration("99999999h", &ms) == -1, "overflow refused");
	test_balance(&errs, &warns);
	test_ha(&errs, &warns);

	write_file("creds", "vod\ns3cret pass\n", 0600);
	write_file("secret", "0123456789abcdef0123456789\n", 0600);
	c = load("# a comment\n"
	    "[cimheadd]\n"
	    "listen = 127.0.0.1:0\n"
	    "policy = two-choices\n"
	    "weight-net = 3\n"
	    "max-cpu = 80\n"
	    "decision-timeout = 300ms\n"
	    "freshness = 1s\n"
	    "token-secret-file = secret\n"
	    "\n"
	    "[node a]\n"
	    "url = http://127.0.0.1:5988/cimom\n"
	    "credentials = creds\n"
	    "allow-unencrypted = yes\n"
	    "auth = basic\n"
	    "weight = 2.5\n"
	    "process = vodserver.exe\n"
	    "command = C:\\vod\\vodserver.exe --port 8554\n"
	    "directory = C:\\vod\n"
	    "stream-url = http://{host}:8554/{title}?e={expires}&t={token}\n"
	    "[node b]\n"
	    "url = https://10.0.0.2:5989/cimom\n"
	    "service = VodService\n"
	    "protocol = wsman\n", &errs, &warns);
	ok(c != NULL, "good config loads");
	if (c == NULL)
		printf("# %s", errs.data);
	if (c != NULL) {
		is_str(c->listen, "127.0.0.1:0", "listen");
		is_str(c->admin_listen, "127.0.0.1:8081", "admin-listen default");
		is_int(c->policy.kind, POLICY_TWO_CHOICES, "policy");
		ok(c->policy.w_net == 3 && c->policy.w_cpu == 1, "weights");
		ok(c->est.max[EST_CPU] == 80 && c->est.max[EST_NET] == 100,
		    "thresholds (of learned capacity; 100 by default)");
		is_int(c->decision_timeout_ms, 300, "decision-timeout");
		is_int(c->freshness_ms, 1000, "freshness");
		is_int(c->est.max_age_ms, 1000, "freshness is probe-max-age");
		is_int(c->query_timeout_ms, 2000, "query-timeout default");
		is_int(c->token_secret_len, 26, "secret read, newline cut");
		is_int(c->nnodes, 2, "two nodes");
		n = conf_node_find(c, "a");
		ok(n != NULL && strcmp(n->user, "vod") == 0 &&
		    strcmp(n->password, "s3cret pass") == 0, "credentials read");
		ok(n != NULL && n->weight == 2.5, "weight");
		ok(n != NULL && strcmp(n->command,
		    "C:\\vod\\vodserver.exe --port 8554") == 0, "command");
		is_int(n != NULL ? n->line : 0, 11, "node line");
		n = conf_node_find(c, "b");
		ok(n != NULL && n->proto == WBEM_PROTO_WSMAN &&
		    strcmp(n->service, "VodService") == 0 &&
		    strcmp(n->ns, "root/cimv2") == 0, "node b");
		ok(conf_node_find(c, "zz") == NULL, "unknown node");
	}
	conf_free(c);

	c = load("[cimheadd]\n"
	    "policy = fastest\n"
	    "bogus = 1\n"
	    "max-cpu = 120\n"
	    "query-timeout = soon\n"
	    "[node a]\n"
	    "url = ftp://x\n"
	    "weight = 0\n"
	    "[node a]\n"
	    "[other]\n"
	    "this line is not ini\n", &errs, &warns);
	ok(c == NULL, "bad config: no conf");
	ok(has_err(&errs, 2, "policy"), "line 2: policy");
	ok(has_err(&errs, 3, "unknown key \"bogus\""), "line 3: unknown key");
	ok(has_err(&errs, 4, "max-cpu"), "line 4: out of range");
	ok(has_err(&errs, 5, "bad duration"), "line 5: duration");
	ok(has_err(&errs, 7, "url"), "line 7: url scheme");
	ok(has_err(&errs, 8, "weight"), "line 8: weight 0");
	ok(has_err(&errs, 9, "defined twice"), "line 9: duplicate node");
	ok(has_err(&errs, 10, "unknown section"), "line 10: section");
	ok(has_err(&errs, 11, "syntax"), "line 11: syntax error");

	c = load("[node a]\nurl = http://h:1/cimom\nprocess = a\"b\n",
	    &errs, &warns);
	ok(c == NULL && has_err(&errs, 3, "quotes"), "quote in process name");

	write_file("creds", "vod\npw\n", 0644);
	c = load("[node a]\nurl = https://h:1/cimom\ncredentials = creds\n",
	    &errs, &warns);
	ok(c == NULL && strstr(errs.data, "by others") != NULL,
	    "world-readable credentials refused");
	write_file("creds", "vod\npw\n", 0640);
	c = load("[node a]\nurl = https://h:1/cimom\ncredentials = creds\n",
	    &errs, &warns);
	if (!group_kept(S_IRGRP)) {
		/* wine keeps a file's ACL as Unix mode bits: no group entry */
		tap_n++;
		printf("ok %d # SKIP no group ACL entry here\n", tap_n);
	} else
		ok(c != NULL && warns.data != NULL &&
		    strstr(warns.data, "group") != NULL,
		    "group-readable credentials: a warning");
	conf_free(c);
	write_file("creds", "vod\npw\n", 0620);
	c = load("[node a]\nurl = https://h:1/cimom\ncredentials = creds\n",
	    &errs, &warns);
	if (!group_kept(S_IWGRP)) {
		tap_n++;
		printf("ok %d # SKIP no group ACL entry here\n", tap_n);
	} else
		ok(c == NULL && strstr(errs.data, "writable by its group") !=
		    NULL, "group-writable credentials refused");
	conf_free(c);
	memset(huge, 'p', sizeof(huge) - 1);
	huge[0] = 'u';
	huge[1] = '\n';
	huge[sizeof(huge) - 1] = '\0';
	write_file("creds", huge, 0600);
	c = load("[node a]\nurl = https://h:1/cimom\ncredentials = creds\n",
	    &errs, &warns);
	ok(c == NULL && has_err(&errs, 1, "longer than 4096 bytes"),
	    "credentials over 4096 bytes refused, not cut");
	/* One byte under: text mode on Windows writes "\r\n". */
	huge[SECRET_MAX - 1] = '\0';
	write_file("creds", huge, 0600);
	c = load("[node a]\nurl = https://h:1/cimom\ncredentials = creds\n",
	    &errs, &warns);
	ok(c != NULL && strlen(c->nodes[0].password) == SECRET_MAX - 3,
	    "credentials just under 4096 bytes read whole");
	conf_free(c);
	write_file("tok", "0123456789abcdefXYZ\nsecond line\n", 0600);
	c = load("[cimheadd]\nadmin-token-file = tok\n"
	    "[node a]\nurl = http://h:1/cimom\n", &errs, &warns);
	ok(c != NULL && strcmp(c->admin_token, "0123456789abcdefXYZ") == 0,
	    "admin token: the first line");
	conf_free(c);
	write_file("tok", "0123456789abcdefXYZ\n", 0644);
	c = load("[cimheadd]\nadmin-token-file = tok\n"
	    "[node a]\nurl = http://h:1/cimom\n", &errs, &warns);
	ok(c == NULL && has_err(&errs, 2, "by others"),
	    "world-readable admin token refused");
	write_file("secret", "0123456789abcdef0123\n", 0644);
	c = load("[cimheadd]\ntoken-secret-file = secret\n"
	    "[node a]\nurl = http://h:1/cimom\n", &errs, &warns);
	ok(c == NULL && has_err(&errs, 2, "by others"),
	    "world-readable token secret refused");
	write_file("secret", "", 0600);
	c = load("[cimheadd]\ntoken-secret-file = secret\n"
	    "[node a]\nurl = http://h:1/cimom\n", &errs, &warns);
	ok(c == NULL && has_err(&errs, 2, "at least 16 bytes"),
	    "an empty token secret: too short");

	/* The library's parsers: any case, the CLI's spellings. */
	c = load("[node a]\nurl = https://h:1/wsman\nprotocol = WSMAN\n"
	    "auth = Digest\n[node b]\nurl = http://h:2/cimom\n"
	    "protocol = CimXml\nauth = NEGOTIATE\n", &errs, &warns);
	ok(c != NULL && c->nodes[0].proto == WBEM_PROTO_WSMAN &&
	    c->nodes[0].auth == HTTP_AUTH_DIGEST &&
	    c->nodes[1].proto == WBEM_PROTO_CIMXML &&
	    c->nodes[1].auth == HTTP_AUTH_NEGOTIATE,
	    "protocol = WSMAN, auth = Digest: accepted");
	conf_free(c);
	c = load("[node a]\nurl = http://h:1/cimom\nprotocol = soap\n"
	    "auth = kerberos\n", &errs, &warns);
	ok(c == NULL && has_err(&errs, 3, "is not cimxml or wsman") &&
	    has_err(&errs, 4, "is not any, basic"),
	    "unknown protocol and auth refused");

	/* listen and admin-listen: hostport_split's rule. */
	c = load("[cimheadd]\nlisten = [::1]:0\nadmin-listen = [::1]:0\n"
	    "[node a]\nurl = http://h:1/cimom\n", &errs, &warns);
	ok(c != NULL, "[::1]:0 accepted, and loopback needs no token");
	conf_free(c);
	c = load("[cimheadd]\nlisten = [::1\nadmin-listen = :80\n"
	    "[node a]\nurl = http://h:1/cimom\n", &errs, &warns);
	ok(c == NULL && has_err(&errs, 2, "listen") &&
	    has_err(&errs, 3, "admin-listen"), "\"[::1\" and \":80\" refused");
	c = load("[cimheadd]\nlisten = h:65536\n"
	    "[node a]\nurl = http://h:1/cimom\n", &errs, &warns);
	ok(c == NULL && has_err(&errs, 2, "listen"), "port 65536 refused");
	c = load("[cimheadd]\nadmin-listen = 127.example.com:8081\n"
	    "[node a]\nurl = http://h:1/cimom\n", &errs, &warns);
	ok(c == NULL && strstr(errs.data, "admin-token-file") != NULL,
	    "a name starting 127. is not loopback: needs a token");
	c = load("[cimheadd]\nadmin-listen = 127.0.0.2:0\n"
	    "[node a]\nurl = http://h:1/cimom\n", &errs, &warns);
	ok(c != NULL, "127.0.0.2 is loopback: no token needed");
	conf_free(c);

	write_file("creds", "vodonly", 0600);
	c = load("[node a]\nurl = https://h:1/cimom\ncredentials = creds\n",
	    &errs, &warns);
	ok(c == NULL && has_err(&errs, 1, "line 2"), "credentials format");

	c = load("[node a]\nprocess = x.exe\n", &errs, &warns);
	ok(c == NULL && has_err(&errs, 1, "no url"), "node without url");
	c = load("[cimheadd]\nlisten = 127.0.0.1:1\n", &errs, &warns);
	ok(c == NULL && strstr(errs.data, "no [node") != NULL, "no nodes");
	c = load("[cimheadd]\nadmin-listen = 0.0.0.0:8081\n"
	    "[node a]\nurl = http://h:1/cimom\n", &errs, &warns);
	ok(c == NULL && strstr(errs.data, "admin-token-file") != NULL,
	    "public admin needs a token");
	c = load("[node a]\nurl = http://h:1/cimom\nprocess = a\n"
	    "service = b\n", &errs, &warns);
	ok(c == NULL && has_err(&errs, 1, "exclusive"),
	    "process and service exclusive");
	c = load("[node a]\nurl = http://h:1/cimom\n"
	    "stream-url = http://{host}/{token}/{title}\n", &errs, &warns);
	ok(c == NULL && strstr(errs.data, "query part") != NULL,
	    "token in stream path refused");

	c = load("[node w]\nurl = http://h:5985/wsman\nprotocol = wsman\n",
	    &errs, &warns);
	ok(c == NULL && has_err(&errs, 1, "plain http is refused"),
	    "plain-http wsman refused without allow-unencrypted");
	c = load("[node w]\nurl = http://h:5985/wsman\nprotocol = wsman\n"
	    "allow-unencrypted = yes\n", &errs, &warns);
	ok(c != NULL && c->nodes[0].allow_unencrypted == 1 &&
	    warns.data != NULL && strstr(warns.data, "in the clear") != NULL,
	    "allow-unencrypted = yes: loads, with a warning");
	conf_free(c);
	c = load("[node w]\nurl = https://h:5986/wsman\nprotocol = wsman\n",
	    &errs, &warns);
	ok(c != NULL && c->nodes[0].allow_unencrypted == 0 &&
	    warns.len == 0, "https wsman: no key needed, no warning");
	conf_free(c);
	c = load("[node w]\nurl = http://h:5985/wsman\nprotocol = wsman\n"
	    "allow-unencrypted = maybe\n", &errs, &warns);
	ok(c == NULL && has_err(&errs, 4, "allow-unencrypted"),
	    "allow-unencrypted takes yes or no");
	c = load("[node a]\nurl = https://h:1/cimom\nallow-unencrypted = yes\n",
	    &errs, &warns);
	ok(c != NULL && warns.data != NULL &&
	    strstr(warns.data, "no effect on an https url") != NULL,
	    "allow-unencrypted on an https node: a warning");
	conf_free(c);

	/* cimxml credentials over plain http: refused unless allowed */
	write_file("creds", "vod\npw\n", 0600);
	c = load("[cimheadd]\n[node a]\nurl = http://h:1/cimom\n"
	    "credentials = creds\n", &errs, &warns);
	ok(c == NULL && has_err(&errs, 2, "node a: credentials over plain "
	    "http are refused"), "cimxml credentials over plain http: "
	    "refused, naming the node");
	c = load("[node a]\nurl = http://h:1/cimom\ncredentials = creds\n"
	    "allow-unencrypted = yes\n", &errs, &warns);
	ok(c != NULL && warns.data != NULL && strstr(warns.data,
	    "node a: credentials over plain http (allow-unencrypted) travel "
	    "in the clear; auth = any never sends them in Basic") != NULL,
	    "allowed explicitly: loads, warning that any is not Basic");
	conf_free(c);
	c = load("[node a]\nurl = http://h:1/cimom\ncredentials = creds\n"
	    "allow-unencrypted = yes\nauth = basic\n", &errs, &warns);
	ok(c != NULL && warns.data != NULL && strstr(warns.data,
	    "travel in the clear\n") != NULL,
	    "allowed with auth = basic: loads, warning of the clear text");
	conf_free(c);
	c = load("[node a]\nurl = http://h:1/cimom\n", &errs, &warns);
	ok(c != NULL && warns.len == 0,
	    "cimxml over plain http without credentials: nothing to say");
	conf_free(c);
	c = load("[node a]\nurl = http://h:1/cimom\nallow-unencrypted = yes\n",
	    &errs, &warns);
	ok(c != NULL && warns.len == 0,
	    "allow-unencrypted on a plain cimxml node without credentials: "
	    "no warning");
	conf_free(c);

	/* node names: what cimheadd.conf(5) says, nothing else */
	{
		static const char *bad[] = {
			"caf\xe9", "caf\xc3\xa9", "a\\b", "a\"b", "a/b",
			"a b", "a%b", "a#b", "a?b", "a:b", "a{b}", "<b>",
			"-a", ".", "..", ".a", "_a", "a\x7f", "a\x01b",
			"0123456789012345678901234567890123456789"
			"012345678901234567890123",
		};
		static const char *good[] = {
			"a", "vod1", "node-2.example_x", "A9",
			"0123456789012345678901234567890123456789"
			"01234567890123456789012",
		};
		char	 conf[600];
		int	 all;

		for (all = 1, i = 0; i < nitems(bad); i++) {
			snprintf(conf, sizeof(conf), "[node %s]\n"
			    "url = http://h:1/cimom\n", bad[i]);
			c = load(conf, &errs, &warns);
			if (c != NULL || !has_err(&errs, 1, "bad node name")) {
				printf("# accepted: [node %s]\n", bad[i]);
				all = 0;
			}
			conf_free(c);
		}
		ok(all, "node names outside [A-Za-z0-9._-], leading "
		    "punctuation, 64 bytes: refused");
		c = load("[node caf\xe9\x1b]\nurl = http://h:1/cimom\n", &errs,
		    &warns);
		ok(c == NULL && strstr(errs.data, "\"caf\\xe9\\x1b\"") !=
		    NULL, "the message shows a bad name's bytes escaped");
		for (all = 1, i = 0; i < nitems(good); i++) {
			snprintf(conf, sizeof(conf), "[node %s]\n"
			    "url = http://h:1/cimom\n", good[i]);
			c = load(conf, &errs, &warns);
			if (c == NULL || conf_node_find(c, good[i]) == NULL) {
				printf("# refused: [node %s]\n", good[i]);
				all = 0;
			}
			conf_free(c);
		}
		ok(all, "letters, digits, '.', '_', '-', up to 63 bytes: "
		    "accepted");
	}

	/* viewer-header-timeout: follows a long decision-timeout unless set */
	c = load("[cimheadd]\ndecision-timeout = 20s\n"
	    "[node a]\nurl = http://h:1/cimom\n", &errs, &warns);
	ok(c != NULL && c->viewer_header_timeout_ms == 25000,
	    "viewer-header-timeout unset: decision-timeout + 5s");
	conf_free(c);
	c = load("[cimheadd]\n"
	    "[node a]\nurl = http://h:1/cimom\n", &errs, &warns);
	ok(c != NULL && c->viewer_header_timeout_ms == 10000,
	    "viewer-header-timeout default 10s");
	conf_free(c);
	c = load("[cimheadd]\ndecision-timeout = 20s\n"
	    "viewer-header-timeout = 5s\n"
	    "[node a]\nurl = http://h:1/cimom\n", &errs, &warns);
	ok(c == NULL && errs.data != NULL &&
	    strstr(errs.data, "viewer-header-timeout must be longer") != NULL,
	    "viewer-header-timeout set below decision-timeout: an error");

	test_long_lines(&errs, &warns);
	test_every_error(&errs, &warns);

	/* Issue 16.4: the log keys. */
	c = load("[cimheadd]\n[node a]\nurl = https://h:1/cimom\n", &errs,
	    &warns);
	ok(c != NULL && c->access_log == NULL &&
	    c->log_stamp == LOG_STAMP_AUTO,
	    "no access log, log-timestamps auto: the defaults");
	conf_free(c);
	c = load("[cimheadd]\naccess-log = logs/access.log\n"
	    "log-timestamps = off\n[node a]\nurl = https://h:1/cimom\n",
	    &errs, &warns);
	snprintf(cmd, sizeof(cmd), "%s/logs/access.log", dir);
	ok(c != NULL && c->access_log != NULL &&
	    strcmp(c->access_log, cmd) == 0 && c->log_stamp == LOG_STAMP_OFF,
	    "access-log relative to the config's directory; off");
	conf_free(c);
	c = load("[cimheadd]\naccess-log = -\nlog-timestamps = on\n"
	    "[node a]\nurl = https://h:1/cimom\n", &errs, &warns);
	ok(c != NULL && strcmp(c->access_log, "-") == 0 &&
	    c->log_stamp == LOG_STAMP_ON, "access-log = - (stderr); on");
	conf_free(c);
	c = load("[cimheadd]\nlog-timestamps = sometimes\n"
	    "[node a]\nurl = https://h:1/cimom\n", &errs, &warns);
	ok(c == NULL && has_err(&errs, 2, "log-timestamps"),
	    "log-timestamps: auto, on or off only");

	buf_reset(&errs);
	ok(conf_load("/nonexistent/cimheadd.conf", &errs, &warns) == NULL &&
	    strstr(errs.data, "/nonexistent/cimheadd.conf:0:") != NULL,
	    "missing file");

	/* Issue 17: the admin listener's keys. */
	c = load("[cimheadd]\n[node a]\nurl = https://h:1/cimom\n",
	    &errs, &warns);
	ok(c != NULL && c->max_admin_conns == 64 &&
	    c->admin_header_timeout_ms == 10000 &&
	    c->max_admin_output == 64u * 1024 * 1024 && c->admin_hosts == NULL,
	    "admin listener defaults: 64 connections, 10s, 64 MiB, no names");
	conf_free(c);
	c = load("[cimheadd]\nadmin-host = Head.Example.net a-b\n"
	    "admin-host = other\nmax-admin-connections = 8\n"
	    "admin-header-timeout = 2s\nmax-admin-output = 2097152\n"
	    "[node a]\nurl = https://h:1/cimom\n", &errs, &warns);
	ok(c != NULL && c->admin_hosts != NULL &&
	    strcmp(c->admin_hosts, " head.example.net a-b other ") == 0 &&
	    c->max_admin_conns == 8 && c->admin_header_timeout_ms == 2000 &&
	    c->max_admin_output == 2097152,
	    "admin-host (repeated, lower-cased), the caps as given");
	conf_free(c);
	c = load("[cimheadd]\nadmin-host = ok evil/x\n"
	    "max-admin-output = 1000\n"
	    "[node a]\nurl = https://h:1/cimom\n", &errs, &warns);
	ok(c == NULL && errs.data != NULL &&
	    strstr(errs.data, "c.conf:2: admin-host: \"evil/x\" is not a "
	    "host name") != NULL &&
	    strstr(errs.data, "c.conf:3: max-admin-output") != NULL,
	    "a bad admin-host name, a small max-admin-output: errors");
	c = load("[cimheadd]\nadmin-header-timeout = 0\n"
	    "[node a]\nurl = https://h:1/cimom\n", &errs, &warns);
	ok(c == NULL && errs.data != NULL &&
	    strstr(errs.data, "admin-header-timeout must be at least") != NULL,
	    "admin-header-timeout 0: an error");

	buf_release(&errs);
	buf_release(&warns);
	for (i = 0; i < nitems(files); i++) {
		snprintf(cmd, sizeof(cmd), "%s/%s", dir, files[i]);
		(void)remove(cmd);
	}
	if (rmdir(dir) == -1)
		diag("cleanup failed");
	return (tap_done());
}
