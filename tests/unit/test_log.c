/*
 * test_log.c: the log writer holds on its own against text a node or a
 * viewer chose (issue 17, item 10): whatever a message holds, one call
 * writes one line, with no control byte, no invalid UTF-8 and no journald
 * <N> prefix but the writer's own; valid UTF-8 passes as it is.  Checked
 * on stderr as journald reads it (JOURNAL_STREAM set) and on a log file.
 */
#include "config.h"

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cimhead.h"
#include "tap.h"

static char	dir[] = "/tmp/cimhead-log.XXXXXX";
static char	text[65536];
static size_t	textlen;

/* The whole of a file into text; its length, or 0. */
static size_t
slurp(const char *path)
{
	FILE	*f;

	textlen = 0;
	text[0] = '\0';
	if ((f = fopen(path, "rb")) == NULL)
		return (0);
	textlen = fread(text, 1, sizeof(text) - 1, f);
	text[textlen] = '\0';
	fclose(f);
	return (textlen);
}

static size_t
count_lines(void)
{
	size_t	i, n = 0;

	for (i = 0; i < textlen; i++)
		n += text[i] == '\n';
	return (n);
}

/* No byte below 0x20 but the line ends, no DEL, no ESC, no CR. */
static int
clean_bytes(void)
{
	size_t	i;

	for (i = 0; i < textlen; i++)
		if (((unsigned char)text[i] < 0x20 && text[i] != '\n') ||
		    text[i] == 0x7f)
			return (0);
	return (1);
}

/* Lines that start with "<" followed by a digit: journald priorities. */
static size_t
count_prefixes(void)
{
	size_t	i, n = 0;

	for (i = 0; i + 1 < textlen; i++)
		if ((i == 0 || text[i - 1] == '\n') && text[i] == '<' &&
		    text[i + 1] >= '0' && text[i + 1] <= '9')
			n++;
	return (n);
}

/* Every byte >= 0x80 is part of valid UTF-8 that is not a C1 control. */
static int
valid_utf8(void)
{
	const unsigned char	*p = (const unsigned char *)text;
	size_t			 i = 0, len, k;
	unsigned		 cp;

	while (i < textlen) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf)
			len = 2;
		else if (p[i] >= 0xe0 && p[i] <= 0xef)
			len = 3;
		else if (p[i] >= 0xf0 && p[i] <= 0xf4)
			len = 4;
		else
			return (0);
		if (i + len > textlen)
			return (0);
		cp = p[i] & (0x7f >> len);
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return (0);
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
		    cp <= 0x9f)
			return (0);
		i += len;
	}
	return (1);
}

/* The hostile messages, as a node's fault text would bring them. */
static void
log_hostile(void)
{
	/* a fault string with &#10; decoded to a newline, then a forgery */
	log_err("node a: CIM_ERR_FAILED: x\n<3>node b: state down\r\n"
	    "cimheadd: error: forged");
	/* PGErrorDetail %0A / %1B decoded: a terminal escape and a newline */
	log_warn("detail: \x1b]2;owned\x07\x1b[2J\x1b[31mred\n<6>more");
	/* every other control byte and DEL */
	log_info("ctl: \x01\x02\x08\x0b\x0c\x0e\x1f\x7f tab\tend");
	/* invalid UTF-8: a lone Latin-1 byte, overlong, surrogate, C1 CSI */
	log_info("bytes: caf\xe9 \xc0\xaf \xed\xa0\x80 \xc2\x9b" "31m \xff"
	    " cut \xe2\x82");
	/* valid UTF-8 stays as it is */
	log_info("utf8: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 C:\\Temp");
}

static void
check_hostile(const char *where, size_t want_lines, int journald)
{
	is_int(count_lines(), want_lines, "%s: one line per call", where);
	ok(clean_bytes(), "%s: no control byte, ESC or DEL", where);
	ok(valid_utf8(), "%s: only valid UTF-8, no C1 control", where);
	is_int(count_prefixes(), journald ? want_lines : 0,
	    "%s: a <N> prefix only from the writer", where);
	ok(strstr(text, "x\\n<3>node b: state down\\r\\ncimheadd: error: "
	    "forged") != NULL, "%s: CR and LF escaped in place", where);
	ok(strstr(text, "\\x1b]2;owned\\x07\\x1b[2J\\x1b[31mred\\n<6>more") !=
	    NULL, "%s: ESC and BEL as \\xNN", where);
	ok(strstr(text, "ctl: \\x01\\x02\\x08\\x0b\\x0c\\x0e\\x1f\\x7f "
	    "tab\\tend") != NULL, "%s: the other controls and DEL", where);
	ok(strstr(text, "bytes: caf\\xe9 \\xc0\\xaf \\xed\\xa0\\x80 "
	    "\\xc2\\x9b31m \\xff cut \\xe2\\x82") != NULL,
	    "%s: each invalid byte as \\xNN", where);
	ok(strstr(text, "utf8: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
	    "C:\\Temp") != NULL, "%s: valid UTF-8 and backslashes kept", where);
}

/* JOURNAL_STREAM naming fd's device:inode, as systemd sets it. */
static void
journal_stream_of(int fd)
{
	struct stat	st;
	char		v[64];

	if (fstat(fd, &st) == -1)
		return;
	snprintf(v, sizeof(v), "%llu:%llu", (unsigned long long)st.st_dev,
	    (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", v, 1);
}

/* s is "YYYY-MM-DDTHH:MM:SS.mmmZ " then rest. */
static int
stamped(const char *s, const char *rest)
{
	static const char	pat[] = "dddd-dd-ddTdd:dd:dd.dddZ ";
	size_t			i;

	for (i = 0; pat[i] != '\0'; i++)
		if (pat[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != pat[i])
			return (0);
	return (strncmp(s + i, rest, strlen(rest)) == 0);
}

/* stderr into path; -1 if it cannot be. */
static int
stderr_to(const char *path)
{
	int	fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		return (-1);
	if (dup2(fd, 2) == -1) {
		close(fd);
		return (-1);
	}
	close(fd);
	return (0);
}

int
main(void)
{
	char	path[512], big[3000];
	int	saved;

	if (mkdtemp(dir) == NULL) {
		diag("mkdtemp failed");
		return (1);
	}

	/* stderr as journald reads it: "<N>" then the message */
	snprintf(path, sizeof(path), "%s/stderr", dir);
	fflush(stderr);
	saved = dup(2);
	if (saved == -1 || stderr_to(path) == -1) {
		diag("cannot redirect stderr");
		return (1);
	}
	journal_stream_of(2);
	log_init("test_log", LOG_LVL_DEBUG, 0);
	log_hostile();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	unsetenv("JOURNAL_STREAM");
	slurp(path);
	check_hostile("journald stderr", 5, 1);
	ok(strncmp(text, "<3>node a:", 10) == 0,
	    "journald's stream: the level prefix, no time (journald's own)");

	/*
	 * Issue 16.4: JOURNAL_STREAM inherited, naming another stream:
	 * stderr is not journald's, so lines have their time, no <N>.
	 */
	snprintf(path, sizeof(path), "%s/stderr2", dir);
	fflush(stderr);
	saved = dup(2);
	if (saved == -1 || stderr_to(path) == -1) {
		diag("cannot redirect stderr");
		return (1);
	}
	setenv("JOURNAL_STREAM", "8:1234", 1);
	log_init("test_log", LOG_LVL_DEBUG, 0);
	log_info("plain");
	log_set_stamp(LOG_STAMP_OFF);
	log_info("unstamped");
	log_set_stamp(LOG_STAMP_AUTO);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	unsetenv("JOURNAL_STREAM");
	slurp(path);
	unlink(path);
	is_int(count_prefixes(), 0, "another stream's JOURNAL_STREAM: no <N>");
	ok(stamped(text, "test_log: info: plain\n"),
	    "... the time first, UTC to the millisecond: %.40s", text);
	ok(strstr(text, "\ntest_log: info: unstamped\n") != NULL,
	    "log-timestamps = off: none");
	ok(log_time(1765081033123ull, path, sizeof(path)) == 24 &&
	    strcmp(path, "2025-12-07T04:17:13.123Z") == 0,
	    "log_time: %s", path);

	/* a log file: "time prog: level: message" */
	snprintf(path, sizeof(path), "%s/file.log", dir);
	ok(log_open_file(path) == 0, "log_open_file");
	log_hostile();
	slurp(path);
	check_hostile("log file", 5, 0);

	/* a message at the size bound, all of it escaped: still one line */
	memset(big, '\n', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	log_info("%s", big);
	slurp(path);
	is_int(count_lines(), 6, "2047 newlines: one line");
	ok(clean_bytes(), "2047 newlines: all escaped");

	unlink(path);
	snprintf(path, sizeof(path), "%s/stderr", dir);
	unlink(path);
	rmdir(dir);
	return (tap_done());
}
