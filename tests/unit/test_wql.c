/* test_wql.c: the WQL parser and evaluator, both quote dialects. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock.h"
#include "tap.h"

struct row {
	const char	*name[8];
	enum cim_type	 type[8];
	const char	*text[8];	/* NULL: NULL value */
};

static int
lookup(const char *name, const struct cim_value **v, void *arg)
{
	static struct cim_value	 val;
	static char		*one[1];
	const struct row	*r = arg;
	size_t			 i;

	for (i = 0; i < 8 && r->name[i] != NULL; i++)
		if (str_casecmp_ascii(r->name[i], name) == 0) {
			memset(&val, 0, sizeof(val));
			val.type = r->type[i];
			val.is_null = r->text[i] == NULL;
			val.nvals = r->text[i] != NULL;
			one[0] = (char *)r->text[i];
			val.vals = one;
			*v = &val;
			return (0);
		}
	return (-1);
}

static const struct row proc = {
	{ "Handle", "Caption", "ProcessId", "CommandLine", "Big", "Up",
	  "Neg", NULL },
	{ CIM_T_STRING, CIM_T_STRING, CIM_T_UINT32, CIM_T_STRING, CIM_T_UINT64,
	  CIM_T_BOOLEAN, CIM_T_SINT32 },
	{ "2345", "vodstream.exe", "2345", NULL, "133534123456789012", "TRUE",
	  "-5" },
};

static int
m(const char *text, enum wql_dialect d)
{
	struct wql_query	*q;
	char			 err[256];
	int			 r;

	if ((q = wql_parse(text, d, err, sizeof(err))) == NULL) {
		printf("# parse error: %s\n", err);
		return (-1);
	}
	r = wql_match(q, lookup, (void *)&proc);
	wql_free(q);
	return (r);
}

#define T(q, want) is_int(m(q, WQL_PEGASUS), want, "%s", q)

int
main(void)
{
	struct wql_query	*q;
	char			 err[256], big[600];
	size_t			 i;
	static const char *const broken[] = {
		"", "SELECT", "SELECT *", "SELECT * FROM", "SELECT FROM X",
		"SELECT * FROM X WHERE", "SELECT * FROM X WHERE A =",
		"SELECT * FROM X WHERE = 3", "SELECT * FROM X WHERE (A = 1",
		"SELECT * FROM X WHERE A = 1)", "SELECT * FROM X WHERE A == 1",
		"SELECT * FROM X WHERE A = \"x", "SELECT a,, b FROM X",
		"SELECT * FROM X Y", "SELECT * FROM X WHERE A IS 3",
		"SELECT * FROM X WHERE A < NULL", "SELECT * FROM X WHERE NOT",
		"SELECT * FROM X WHERE A = 1 AND", "SELECT * FROM X WHERE 1 = 2",
		"SELECT * FROM X WHERE A = 1x", "DELETE FROM X", "SELECT * FROM 3",
		"SELECT * FROM X WHERE A = @", "SELECT * FROM X WHERE A ! 3",
	};

	q = wql_parse("select Name, PercentProcessorTime FROM "
	    "Win32_PerfRawData_PerfOS_Processor where Name = \"_Total\"",
	    WQL_PEGASUS, err, sizeof(err));
	ok(q != NULL, "parse projection with WHERE");
	if (q != NULL) {
		is_str(wql_class(q), "Win32_PerfRawData_PerfOS_Processor",
		    "class");
		is_int(wql_nselect(q), 2, "two selected properties");
		is_str(wql_select(q, 1), "PercentProcessorTime", "select[1]");
		is_int(wql_nrefs(q), 2, "referenced properties deduplicated");
		wql_free(q);
	}
	q = wql_parse("SELECT * FROM Win32_Process", WQL_PEGASUS, err,
	    sizeof(err));
	ok(q != NULL && wql_nselect(q) == 0, "SELECT * has no list");
	ok(q != NULL && wql_match(q, lookup, (void *)&proc) == 1,
	    "no WHERE matches");
	wql_free(q);

	/* the quote dialects */
	q = wql_parse("SELECT * FROM Win32_Process WHERE Caption = "
	    "'vodstream.exe'", WQL_PEGASUS, err, sizeof(err));
	ok(q == NULL, "pegasus: single quotes rejected");
	is_str(err, "single-quoted string literal", "pegasus: reason");
	is_int(m("SELECT * FROM Win32_Process WHERE Caption = 'vodstream.exe'",
	    WQL_WINDOWS), 1, "windows: single quotes accepted");
	is_int(m("SELECT * FROM Win32_Process WHERE Caption = \"vodstream.exe\"",
	    WQL_WINDOWS), 1, "windows: double quotes accepted");

	T("SELECT * FROM W WHERE Caption = \"vodstream.exe\"", 1);
	T("SELECT * FROM W WHERE caption = \"VODSTREAM.EXE\"", 1);
	T("SELECT * FROM W WHERE Caption = \"nosuch.exe\"", 0);
	T("SELECT * FROM W WHERE Caption <> \"nosuch.exe\"", 1);
	T("SELECT * FROM W WHERE Caption != \"vodstream.exe\"", 0);
	T("SELECT * FROM W WHERE ProcessId > 1000", 1);
	T("SELECT * FROM W WHERE ProcessId >= 2345", 1);
	T("SELECT * FROM W WHERE ProcessId < 2345", 0);
	T("SELECT * FROM W WHERE ProcessId <= 2345", 1);
	T("SELECT * FROM W WHERE 1000 < ProcessId", 1);
	T("SELECT * FROM W WHERE ProcessId = \"2345\"", 1);
	T("SELECT * FROM W WHERE ProcessId > 2344.5", 1);
	T("SELECT * FROM W WHERE Big > 133534123456789011", 1);
	T("SELECT * FROM W WHERE Big = 133534123456789013", 0);
	T("SELECT * FROM W WHERE Neg < 0", 1);
	T("SELECT * FROM W WHERE Neg > -6", 1);
	T("SELECT * FROM W WHERE Up = TRUE", 1);
	T("SELECT * FROM W WHERE Up = false", 0);
	T("SELECT * FROM W WHERE CommandLine IS NULL", 1);
	T("SELECT * FROM W WHERE CommandLine IS NOT NULL", 0);
	T("SELECT * FROM W WHERE Caption IS NOT NULL", 1);
	T("SELECT * FROM W WHERE CommandLine = \"x\"", 0);
	T("SELECT * FROM W WHERE NOT CommandLine = \"x\"", 0);
	T("SELECT * FROM W WHERE CommandLine = NULL", 1);
	T("SELECT * FROM W WHERE NoSuchProp = 1", 0);
	T("SELECT * FROM W WHERE ProcessId = 1 OR Caption = \"vodstream.exe\"", 1);
	T("SELECT * FROM W WHERE ProcessId = 1 AND Caption = \"vodstream.exe\"", 0);
	T("SELECT * FROM W WHERE NOT ProcessId = 1", 1);
	T("SELECT * FROM W WHERE NOT (ProcessId = 1 OR Handle = \"2345\")", 0);
	T("SELECT * FROM W WHERE ProcessId = 1 OR Handle = \"2345\" AND "
	    "Up = FALSE", 0);
	T("SELECT * FROM W WHERE (ProcessId = 2345 OR Handle = \"x\") AND "
	    "Up = TRUE", 1);
	T("SELECT * FROM W WHERE Caption = \"a \\\" b\"", 0);

	for (i = 0; i < nitems(broken); i++) {
		err[0] = '\0';
		q = wql_parse(broken[i], WQL_WINDOWS, err, sizeof(err));
		ok(q == NULL && err[0] != '\0', "malformed: '%s' (%s)",
		    broken[i], err);
		wql_free(q);
	}
	/* deep nesting is refused, not a stack overflow */
	memset(big, '(', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	{
		char	text[1024];

		snprintf(text, sizeof(text), "SELECT * FROM X WHERE %s", big);
		q = wql_parse(text, WQL_WINDOWS, err, sizeof(err));
		ok(q == NULL, "deep nesting refused (%s)", err);
	}
	/* every prefix of a valid query fails or parses, never crashes */
	{
		const char *full = "SELECT a, b FROM X WHERE (a = 'x' OR NOT "
		    "b >= -3.5) AND c IS NOT NULL";
		char	pre[128];
		size_t	n, fails = 0;

		for (n = 0; n < strlen(full); n++) {
			memcpy(pre, full, n);
			pre[n] = '\0';
			q = wql_parse(pre, WQL_WINDOWS, err, sizeof(err));
			if (q == NULL)
				fails++;
			else
				(void)wql_match(q, lookup, (void *)&proc);
			wql_free(q);
		}
		ok(fails > 0, "prefixes: %zu of %zu rejected cleanly", fails,
		    strlen(full));
	}
	ok(wql_dialect_parse("Windows", &(enum wql_dialect){0}) == 0 &&
	    wql_dialect_parse("sql", &(enum wql_dialect){0}) == -1,
	    "dialect names");
	return (tap_done());
}
