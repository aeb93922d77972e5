/* test_mof.c: the MOF subset reader, on schemas/win32.mof and bad input. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock.h"
#include "tap.h"

static int
parse(struct mof_schema *s, const char *text, char *err, size_t errlen)
{
	return (mof_parse(s, text, strlen(text), "t.mof", err, errlen));
}

static void
bad(const char *text, const char *want, const char *what)
{
	struct mof_schema	s;
	char			err[256] = "";

	memset(&s, 0, sizeof(s));
	ok(parse(&s, text, err, sizeof(err)) == -1, "%s: rejected", what);
	is_str(err, want, "%s: file:line message", what);
	is_int(s.nclasses, 0, "%s: schema unchanged", what);
	mof_schema_clear(&s);
}

int
main(void)
{
	struct mof_schema	 s;
	const struct mof_class	*c;
	const struct mof_method	*m;
	const struct mof_prop	*p;
	char			 path[4096], err[256];
	const char		*srcdir;

	memset(&s, 0, sizeof(s));
	if ((srcdir = getenv("top_srcdir")) == NULL)
		srcdir = ".";
	snprintf(path, sizeof(path), "%s/schemas/win32.mof", srcdir);
	ok(mof_load_file(&s, path, err, sizeof(err)) == 0, "win32.mof loads");
	if (s.nclasses == 0)
		diag(err);
	c = mof_class_find(&s, "win32_process");
	ok(c != NULL, "class lookup is case-insensitive");
	if (c == NULL)
		return (tap_done());
	p = mof_prop_find(c, "Handle");
	ok(p != NULL && mof_prop_is_key(p), "Handle is the [Key]");
	p = mof_prop_find(c, "ProcessId");
	ok(p != NULL && p->type == CIM_T_UINT32 && !mof_prop_is_key(p),
	    "ProcessId uint32, not a key");
	m = mof_method_find(c, "Create");
	ok(m != NULL && m->type == CIM_T_UINT32, "Create returns uint32");
	ok(m != NULL && mof_qual_true(m->quals, m->nquals, "Static"),
	    "Create is [Static]");
	is_int(m ? m->nparams : 0, 4, "Create has 4 parameters");
	if (m != NULL && m->nparams == 4) {
		is_str(m->params[0].name, "CommandLine", "first parameter");
		ok(mof_qual_true(m->params[0].quals, m->params[0].nquals,
		    "IN"), "CommandLine is [IN]");
		ok(!mof_qual_true(m->params[3].quals, m->params[3].nquals,
		    "IN") && mof_qual_find(m->params[3].quals,
		    m->params[3].nquals, "IN") != NULL, "ProcessId is IN(false)");
		ok(mof_qual_true(m->params[3].quals, m->params[3].nquals,
		    "OUT"), "ProcessId is [OUT]");
		is_str(mof_qual_find(m->params[2].quals, m->params[2].nquals,
		    "EmbeddedInstance")->value, "Win32_ProcessStartup",
		    "string qualifier value");
	}
	c = mof_class_find(&s, "Win32_Service");
	m = c ? mof_method_find(c, "StartService") : NULL;
	ok(m != NULL && m->nparams == 0 &&
	    !mof_qual_true(m->quals, m->nquals, "Static"),
	    "StartService: instance method, no parameters");
	c = mof_class_find(&s, "Win32_ProcessStartup");
	p = c ? mof_prop_find(c, "EnvironmentVariables") : NULL;
	ok(p != NULL && p->is_array && p->type == CIM_T_STRING, "string array");
	c = mof_class_find(&s, "Win32_PerfRawData_PerfOS_Processor");
	p = c ? mof_prop_find(c, "Timestamp_Sys100NS") : NULL;
	ok(p != NULL && p->type == CIM_T_UINT64, "uint64 counter");
	ok(mof_class_find(&s, "NoSuchClass") == NULL, "unknown class");

	/* inheritance, REF, defaults, comments, pragmas */
	ok(parse(&s, "#pragma namespace(\"root/cimv2\")\n"
	    "/* block */ class A { [Key] string K; uint8 V = 3; };\n"
	    "// line\nclass B : A { A REF Other; sint64 N[]; };\n",
	    err, sizeof(err)) == 0, "superclass, REF, default, comments");
	c = mof_class_find(&s, "B");
	ok(c != NULL && c->nprops == 4, "B inherits A's properties");
	p = c ? mof_prop_find(c, "K") : NULL;
	ok(p != NULL && mof_prop_is_key(p), "inherited key keeps [Key]");
	p = c ? mof_prop_find(c, "Other") : NULL;
	ok(p != NULL && p->type == CIM_T_REFERENCE &&
	    strcmp(p->refclass, "A") == 0, "REF property");
	mof_schema_clear(&s);

	bad("class A {\n  string X\n};\n", "t.mof:3: expected ';' near '}'",
	    "missing semicolon");
	bad("class A {\n  strng X;\n};\n", "t.mof:2: unknown type 'strng'",
	    "unknown type");
	bad("\n\nclass A : Nope { };", "t.mof:3: unknown superclass Nope",
	    "unknown superclass");
	bad("class A { [Key string K; };", "t.mof:1: expected ']' near 'string'",
	    "unclosed qualifier list");
	bad("class A {\n string S = \"abc\n\";};",
	    "t.mof:2: newline in string", "newline in string");
	bad("class A { };\nclass A { };", "t.mof:2: class A defined twice",
	    "duplicate class");
	bad("class A {\n uint32 M([IN] string x;\n};",
	    "t.mof:2: expected ',' or ')' near ';'", "unclosed parameter list");
	bad("/* never closed\n\n", "t.mof:1: unterminated comment",
	    "unterminated comment");
	bad("instance of A { };", "t.mof:1: expected 'class' near 'instance'",
	    "unsupported construct");
	bad("class A { string X; }", "t.mof:1: expected ';' near 'end of file'",
	    "end of file");
	ok(mof_load_file(&s, "/nonexistent/x.mof", err, sizeof(err)) == -1 &&
	    strncmp(err, "/nonexistent/x.mof: ", 20) == 0, "missing file");
	return (tap_done());
}
