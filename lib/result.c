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
};

const char *
wbem_errkind_name(enum wbem_errkind k)
{
	if ((size_t)k >= nitems(wbem_errkind_names))
		return ("unknown");
	return (wbem_errkind_names[k]);
}

/* Clears err first: http_status and wsman_code are set by the caller after. */
void
wbem_error_set(struct wbem_error *err, enum wbem_errkind kind, int code,
    const char *name, const char *fmt, ...)
{
	va_list	ap;

	if (err == NULL)
		return;
	wbem_error_clear(err);
	err->kind = kind;
	err->code = code;
	if (name != NULL)
		strlcpy(err->name, name, sizeof(err->name));
	if (fmt != NULL) {
		va_start(ap, fmt);
		(void)vsnprintf(err->description, sizeof(err->description),
		    fmt, ap);
		va_end(ap);
	}
}

void
wbem_error_clear(struct wbem_error *err)
{
	if (err != NULL)
		memset(err, 0, sizeof(*err));
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
	free(r);
}

void
wbem_result_add_instance(struct wbem_result *r, struct cim_instance *inst)
{
	r->inst = xreallocarray(r->inst, r->ninst + 1, sizeof(*r->inst));
	r->inst[r->ninst++] = inst;
}

void
wbem_result_add_path(struct wbem_result *r, struct cim_path *p)
{
	r->paths = xreallocarray(r->paths, r->npaths + 1, sizeof(*r->paths));
	r->paths[r->npaths++] = p;
}
