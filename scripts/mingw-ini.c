/*
 * mingw-ini.c: the inih API (ini.h of Debian's libinih-dev, version 55)
 * for the Windows cross build, used by scripts/mingw-deps.sh only when the
 * Debian mirror cannot serve the libinih source package.  Written for
 * cimhead, not taken from inih: it parses with inih's default settings,
 * which are the ones Debian builds with, so cimheadd reads a config the
 * same way on both systems:
 *
 *   - a UTF-8 byte order mark on line 1 is skipped;
 *   - leading and trailing white space is dropped from every line;
 *   - ';' or '#' at the start of a line starts a comment, and ';' after
 *     white space starts an inline comment (not on a continuation line);
 *   - "[name]" starts a section, "name = value" or "name: value" is a
 *     pair, an indented line after a pair continues that pair's value
 *     (the handler is called again with the same name);
 *   - anything else, or a handler returning 0, is an error: parsing goes
 *     on and the first bad line number is returned (0 if none);
 *   - section and key names are cut to 49 bytes, lines to 199 bytes.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <ini.h>

#define INI_NAME_MAX	50

/* The run-time settings ini.h declares; the parser uses their defaults. */
bool	 ini_allow_multiline = INI_ALLOW_MULTILINE;
bool	 ini_allow_bom = INI_ALLOW_BOM;
char	*ini_start_comment_prefixes = INI_START_COMMENT_PREFIXES;
bool	 ini_allow_inline_comments = INI_ALLOW_INLINE_COMMENTS;
char	*ini_inline_comment_prefixes = INI_INLINE_COMMENT_PREFIXES;
bool	 ini_use_stack = INI_USE_STACK;
int	 ini_max_line = INI_MAX_LINE;
bool	 ini_allow_realloc = INI_ALLOW_REALLOC;
int	 ini_initial_alloc = INI_INITIAL_ALLOC;
bool	 ini_stop_on_first_error = INI_STOP_ON_FIRST_ERROR;
bool	 ini_allow_no_value = INI_ALLOW_NO_VALUE;

struct ini_str {
	const char	*p;
};

static char *
ini_rstrip(char *s)
{
	size_t	 n = strlen(s);

	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return (s);
}

static char *
ini_lskip(char *s)
{
	while (*s != '\0' && isspace((unsigned char)*s))
		s++;
	return (s);
}

/*
 * The first of the bytes in stop, or the start of an inline comment (a
 * prefix right after white space), or the end of s.
 */
static char *
ini_find(char *s, const char *stop)
{
	int	 after_space = 0;

	for (; *s != '\0'; s++) {
		if (stop != NULL && strchr(stop, *s) != NULL)
			break;
		if (after_space && strchr(INI_INLINE_COMMENT_PREFIXES, *s) != NULL)
			break;
		after_space = isspace((unsigned char)*s);
	}
	return (s);
}

static void
ini_copy(char *dst, const char *src)
{
	size_t	 n = strlen(src);

	if (n > INI_NAME_MAX - 1)
		n = INI_NAME_MAX - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

int
ini_parse_stream(ini_reader reader, void *stream, ini_handler handler,
    void *user)
{
	char	 line[INI_MAX_LINE];
	char	 section[INI_NAME_MAX] = "", prev[INI_NAME_MAX] = "";
	char	*start, *end, *name, *value;
	int	 lineno = 0, error = 0;

	while (reader(line, (int)sizeof(line), stream) != NULL) {
		lineno++;
		start = line;
		if (lineno == 1 && (unsigned char)start[0] == 0xEF &&
		    (unsigned char)start[1] == 0xBB &&
		    (unsigned char)start[2] == 0xBF)
			start += 3;
		start = ini_lskip(ini_rstrip(start));

		if (*start == '\0' ||
		    strchr(INI_START_COMMENT_PREFIXES, *start) != NULL)
			continue;
		if (prev[0] != '\0' && start > line) {
			/*
			 * An indented line continues the previous value,
			 * taken whole: inih 55 looks for no inline comment
			 * there.
			 */
			if (!handler(user, section, prev, start) && error == 0)
				error = lineno;
		} else if (*start == '[') {
			end = ini_find(start + 1, "]");
			if (*end == ']') {
				*end = '\0';
				ini_copy(section, start + 1);
				prev[0] = '\0';
			} else if (error == 0)
				error = lineno;
		} else {
			end = ini_find(start, "=:");
			if (*end != '=' && *end != ':') {
				if (error == 0)
					error = lineno;
				continue;
			}
			*end = '\0';
			name = ini_rstrip(start);
			value = end + 1;
			end = ini_find(value, NULL);
			*end = '\0';
			value = ini_rstrip(ini_lskip(value));
			ini_copy(prev, name);
			if (!handler(user, section, name, value) && error == 0)
				error = lineno;
		}
	}
	return (error);
}

static char *
ini_file_reader(char *str, int num, void *stream)
{
	return (fgets(str, num, stream));
}

int
ini_parse_file(FILE *file, ini_handler handler, void *user)
{
	return (ini_parse_stream(ini_file_reader, file, handler, user));
}

int
ini_parse(const char *filename, ini_handler handler, void *user)
{
	FILE	*f;
	int	 r;

	if ((f = fopen(filename, "r")) == NULL)
		return (-1);
	r = ini_parse_file(f, handler, user);
	fclose(f);
	return (r);
}

/* Like fgets on a string: up to num - 1 bytes, through the next newline. */
static char *
ini_string_reader(char *str, int num, void *stream)
{
	struct ini_str	*s = stream;
	size_t		 n;

	if (*s->p == '\0' || num < 2)
		return (NULL);
	n = strcspn(s->p, "\n");
	if (s->p[n] == '\n')
		n++;
	if (n > (size_t)num - 1)
		n = (size_t)num - 1;
	memcpy(str, s->p, n);
	str[n] = '\0';
	s->p += n;
	return (str);
}

int
ini_parse_string(const char *string, ini_handler handler, void *user)
{
	struct ini_str	 s = { string };

	return (ini_parse_stream(ini_string_reader, &s, handler, user));
}
