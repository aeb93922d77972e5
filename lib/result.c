/*
 * result.c: the error struct every layer of the library fills, and the
 * protocol-neutral result of an operation.  It sits below the codecs and
 * the transport, so http.c, cimxml.c and wsman.c share these types
 * without depending on each other.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cimhead.h"

static const char *wbem_errkind_names[] = {
	[WBEM_E_NONE] = "none",
	[WBEM_E_CIM] = "cim",
	[WBEM_E_PROTOCOL] = "protocol",
	[WBEM_E_HTTP] = "http",
	[WBEM_E_AUTH] = "auth",
	[WBEM_E_TRANSPORT] = "transport",
	[WBEM_E_TIMEOUT] = "timeout",
	[WBEM_E_TOOBIG] = "toobig",
	[WBEM_E_CANCELLED] = "cancelled",
	[WBEM_E_USAGE] = "usage",
	[WBEM_E_RESOURCE] = "resource",
};

const char *
wbem_errkind_name(enum wbem_errkind k)
{
	if ((size_t)k >= nitems(wbem_errkind_names))
		return ("unknown");
	return (wbem_errkind_names[k]);
}

/*
 * The length of the UTF-8 sequence at s (at most n bytes there), or 0 when
 * it is not a well-formed one (RFC 3629: no overlongs, no surrogates,
 * nothing past U+10FFFF).
 */
static size_t
wbem_utf8_len(const unsigned char *s, size_t n)
{
	size_t	len, i;

	if (s[0] < 0x80)
		return (1);
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return (0);
	if (n < len)
		return (0);
	for (i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return (0);
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] > 0x9f) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] > 0x8f))
		return (0);
	return (len);
}

/*
 * in into out (size outsize, NUL-terminated) such that every byte is
 * printable text in valid UTF-8: a server's words reach log lines, the
 * terminal and JSON (jansson refuses invalid UTF-8, and the field would
 * vanish), so a newline or ESC must not forge a log line or move the
 * cursor.  C0 controls, DEL and bytes that are not UTF-8 become \xNN,
 * C1 controls (U+0080-U+009F) \u00NN.  A cut falls between characters
 * and escapes, never inside one.  Returns the length written.
 */
size_t
wbem_text_sanitize(char *out, size_t outsize, const char *in)
{
	const unsigned char	*s = (const unsigned char *)in;
	size_t			 o = 0, n, len, need;
	char			 esc[8];

	if (outsize == 0)
		return (0);
	n = strlen(in);
	while (n > 0) {
		len = wbem_utf8_len(s, n);
		if (len == 0 || s[0] < 0x20 || s[0] == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02X", s[0]);
			len = 1;
		} else if (len == 2 && s[0] == 0xc2 && s[1] < 0xa0)
			snprintf(esc, sizeof(esc), "\\u00%02X", s[1]);
		else
			esc[0] = '\0';
		need = esc[0] != '\0' ? strlen(esc) : len;
		if (o + need >= outsize)
			break;
		if (esc[0] != '\0')
			memcpy(out + o, esc, need);
		else
			memcpy(out + o, s, len);
		o += need;
		s += len;
		n -= len;
	}
	out[o] = '\0';
	return (o);
}

/*
 * Clears err first: http_status and wsman_code are set by the caller after.
 * name and the description are sanitised (wbem_text_sanitize): they are
 * usually the server's words.
 */
void
wbem_error_set(struct wbem_error *err, enum wbem_errkind kind, int code,
    const char *name, const char *fmt, ...)
{
	/* twice the field: an escaped text of more input never fits anyway */
	char	text[2 * sizeof(err->description)];
	va_list	ap;

	if (err == NULL)
		return;
	wbem_error_clear(err);
	err->kind = kind;
	err->code = code;
	if (name != NULL)
		wbem_text_sanitize(err->name, sizeof(err->name), name);
	if (fmt != NULL) {
		va_start(ap, fmt);
		(void)vsnprintf(text, sizeof(text), fmt, ap);
		va_end(ap);
		wbem_text_sanitize(err->description,
		    sizeof(err->description), text);
	}
}

void
wbem_error_clear(struct wbem_error *err)
{
	/* field by field: the 600 bytes of text need only their NULs */
	if (err == NULL)
		return;
	err->kind = WBEM_E_NONE;
	err->code = 0;
	err->http_status = 0;
	err->name[0] = '\0';
	err->description[0] = '\0';
	err->wsman_code[0] = '\0';
}

struct wbem_result *
wbem_result_new(enum wbem_result_kind kind)
{
	struct wbem_result	*r;

	r = xcalloc(1, sizeof(*r));
	r->kind = kind;
	cim_value_init(&r->method.ret, CIM_T_NONE);
	return (r);
}

void
wbem_result_free(struct wbem_result *r)
{
	size_t	i;

	if (r == NULL)
		return;
	for (i = 0; i < r->ninst; i++)
		cim_instance_free(r->inst[i]);
	free(r->inst);
	for (i = 0; i < r->npaths; i++)
		cim_path_free(r->paths[i]);
	free(r->paths);
	cim_method_result_clear(&r->method);
	free(r->class_xml);
	for (i = 0; i < r->nclasses; i++)
		free(r->classes[i]);
	free(r->classes);
	free(r->enum_context);
	free(r);
}

/*
 * The room for n + 1 pointers in *a, which holds n: it doubles at 8, 16,
 * 32 ...  A reply of 12,000 items reallocated (and, once past the top of
 * the heap, copied) its array 12,000 times.  Only these two functions
 * grow the arrays, so the room is known from the count alone.
 */
static void *
wbem_result_grow(void *a, size_t n, size_t size)
{
	if (n == 0 || (n >= 8 && (n & (n - 1)) == 0))
		return (xreallocarray(a, n == 0 ? 8 : n * 2, size));
	return (a);
}

void
wbem_result_add_instance(struct wbem_result *r, struct cim_instance *inst)
{
	r->inst = wbem_result_grow(r->inst, r->ninst, sizeof(*r->inst));
	r->inst[r->ninst++] = inst;
}

void
wbem_result_add_path(struct wbem_result *r, struct cim_path *p)
{
	r->paths = wbem_result_grow(r->paths, r->npaths, sizeof(*r->paths));
	r->paths[r->npaths++] = p;
}

void
wbem_result_add_class(struct wbem_result *r, char *xml)
{
	r->classes = wbem_result_grow(r->classes, r->nclasses,
	    sizeof(*r->classes));
	r->classes[r->nclasses++] = xml;
}

void
wbem_result_move(struct wbem_result *dst, struct wbem_result *src)
{
	size_t	i;

	for (i = 0; i < src->ninst; i++)
		wbem_result_add_instance(dst, src->inst[i]);
	for (i = 0; i < src->npaths; i++)
		wbem_result_add_path(dst, src->paths[i]);
	src->ninst = src->npaths = 0;
}
