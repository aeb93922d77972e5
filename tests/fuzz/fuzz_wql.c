/*
 * fuzz_wql.c: cimmockd's WQL parser and evaluator (mock/wql.c) in both
 * quote dialects.  The first byte picks the dialect; the rest is the
 * query.  A query that parses is evaluated against one Win32_Process-like
 * row with every value kind (strings, unsigned and signed integers,
 * booleans, reals, NULL, a uint64 past 2^53).
 */
#include "config.h"

#include <stdio.h>

#include "mock.h"
#include "fuzz.h"

struct row {
	const char	*name;
	enum cim_type	 type;
	const char	*text;		/* NULL: a NULL value */
};

static const struct row row[] = {
	{ "Handle", CIM_T_STRING, "2345" },
	{ "Caption", CIM_T_STRING, "vodstream.exe" },
	{ "ProcessId", CIM_T_UINT32, "2345" },
	{ "CommandLine", CIM_T_STRING, NULL },
	{ "Big", CIM_T_UINT64, "133534123456789012" },
	{ "Up", CIM_T_BOOLEAN, "TRUE" },
	{ "Neg", CIM_T_SINT32, "-5" },
	{ "Load", CIM_T_REAL64, "0.25" },
	{ "Name", CIM_T_STRING, "it's \"quoted\"" },
};

static int
lookup(const char *name, const struct cim_value **v, void *arg)
{
	static struct cim_value	 val;
	static char		*one[1];
	size_t			 i;

	for (i = 0; i < sizeof(row) / sizeof(row[0]); i++)
		if (str_casecmp_ascii(row[i].name, name) == 0) {
			memset(&val, 0, sizeof(val));
			val.type = row[i].type;
			val.is_null = row[i].text == NULL;
			val.nvals = row[i].text != NULL;
			one[0] = (char *)row[i].text;
			val.vals = one;
			*v = &val;
			return (0);
		}
	return (-1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wql_query	*q;
	char			*text, err[256];
	size_t			 i, n = 0;

	if (size < 1)
		return (0);
	text = malloc(size);
	if (text == NULL)
		abort();
	memcpy(text, data + 1, size - 1);
	text[size - 1] = '\0';
	err[0] = '\0';
	q = wql_parse(text, (data[0] & 1) ? WQL_WINDOWS : WQL_PEGASUS, err,
	    sizeof(err));
	if (q != NULL) {
		n += strlen(wql_class(q));
		for (i = 0; i < wql_nselect(q); i++)
			n += strlen(wql_select(q, i));
		for (i = 0; i < wql_nrefs(q); i++)
			n += strlen(wql_ref(q, i));
		n += (size_t)wql_match(q, lookup, NULL);
		wql_free(q);
	} else if (err[0] == '\0')
		abort();	/* refused without a reason */
	free(text);
	return (n == (size_t)-1);
}
