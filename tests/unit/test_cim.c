/* test_cim.c: the value model, literal checks, paths and status names. */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cimhead.h"
#include "tap.h"

static void
test_types(void)
{
	enum cim_type	t;
	int		i, bad;
	char		up[32], *p;

	is_str(cim_type_name(CIM_T_UINT64), "uint64", "type name uint64");
	is_str(cim_type_name(CIM_T_DATETIME), "datetime", "type name datetime");
	ok(cim_type_parse("sint32", &t) == 0 && t == CIM_T_SINT32,
	    "parse sint32");
	ok(cim_type_parse("instance", &t) == 0 && t == CIM_T_OBJECT,
	    "PARAMTYPE instance is an embedded object");
	ok(cim_type_parse("uint128", &t) == -1, "unknown type refused");
	for (i = CIM_T_STRING, bad = 0; i <= CIM_T_OBJECT; i++) {
		strlcpy(up, cim_type_name((enum cim_type)i), sizeof(up));
		for (p = up; *p != '\0'; p++)
			*p = toupper((unsigned char)*p);
		if (cim_type_parse(cim_type_name((enum cim_type)i), &t) != 0 ||
		    t != (enum cim_type)i || cim_type_parse(up, &t) != 0 ||
		    t != (enum cim_type)i)
			bad++;
	}
	is_int(bad, 0, "every type name parses, in either case");
	ok(cim_type_parse("", &t) == -1 && cim_type_parse("u", &t) == -1 &&
	    cim_type_parse("none", &t) == -1 && cim_type_parse("Uint32x", &t) ==
	    -1, "empty, a prefix, none, a longer name refused");
	ok(cim_type_is_integer(CIM_T_SINT8) && !cim_type_is_integer(CIM_T_REAL32),
	    "integer types");
	ok(cim_type_is_real(CIM_T_REAL64), "real types");
}

static void
test_checks(void)
{
	ok(cim_value_check(CIM_T_UINT64, "18446744073709551615") == 0,
	    "uint64 max accepted");
	ok(cim_value_check(CIM_T_UINT64, "18446744073709551616") == -1,
	    "uint64 max + 1 refused");
	ok(cim_value_check(CIM_T_UINT64, "9007199254740993") == 0,
	    "uint64 2^53 + 1 accepted");
	ok(cim_value_check(CIM_T_UINT64, "-1") == -1, "negative uint64 refused");
	ok(cim_value_check(CIM_T_SINT64, "-9223372036854775808") == 0,
	    "sint64 min accepted");
	ok(cim_value_check(CIM_T_SINT64, "-9223372036854775809") == -1,
	    "sint64 min - 1 refused");
	ok(cim_value_check(CIM_T_SINT64, "9223372036854775807") == 0,
	    "sint64 max accepted");
	ok(cim_value_check(CIM_T_SINT64, "9223372036854775808") == -1,
	    "sint64 max + 1 refused");
	ok(cim_value_check(CIM_T_UINT8, "255") == 0 &&
	    cim_value_check(CIM_T_UINT8, "256") == -1, "uint8 range");
	ok(cim_value_check(CIM_T_SINT8, "-128") == 0 &&
	    cim_value_check(CIM_T_SINT8, "-129") == -1 &&
	    cim_value_check(CIM_T_SINT8, "128") == -1, "sint8 range");
	ok(cim_value_check(CIM_T_UINT16, "65535") == 0 &&
	    cim_value_check(CIM_T_UINT16, "65536") == -1, "uint16 range");
	ok(cim_value_check(CIM_T_SINT16, "-32768") == 0 &&
	    cim_value_check(CIM_T_SINT16, "32768") == -1, "sint16 range");
	ok(cim_value_check(CIM_T_UINT32, "4294967295") == 0 &&
	    cim_value_check(CIM_T_UINT32, "4294967296") == -1, "uint32 range");
	ok(cim_value_check(CIM_T_SINT32, "-2147483648") == 0 &&
	    cim_value_check(CIM_T_SINT32, "2147483648") == -1, "sint32 range");
	ok(cim_value_check(CIM_T_UINT32, "abc") == -1, "letters refused");
	ok(cim_value_check(CIM_T_UINT32, "") == -1, "empty integer refused");
	ok(cim_value_check(CIM_T_UINT32, " 1") == -1 &&
	    cim_value_check(CIM_T_UINT32, "1 ") == -1, "whitespace refused");
	ok(cim_value_check(CIM_T_UINT32, "0x1F") == 0, "hex accepted");
	ok(cim_value_check(CIM_T_UINT32, "1.5") == -1, "fraction refused");
	ok(cim_value_check(CIM_T_BOOLEAN, "TRUE") == 0 &&
	    cim_value_check(CIM_T_BOOLEAN, "false") == 0 &&
	    cim_value_check(CIM_T_BOOLEAN, "yes") == -1, "booleans");
	ok(cim_value_check(CIM_T_REAL64, "1.5e10") == 0 &&
	    cim_value_check(CIM_T_REAL64, "-2.5E-3") == 0 &&
	    cim_value_check(CIM_T_REAL64, "x") == -1, "reals");
	ok(cim_value_check(CIM_T_REAL64, "inf") == -1 &&
	    cim_value_check(CIM_T_REAL64, "nan") == -1 &&
	    cim_value_check(CIM_T_REAL64, "0x1p3") == -1 &&
	    cim_value_check(CIM_T_REAL32, " 1.0") == -1,
	    "no inf, nan, hex floats or blanks in reals");
	ok(cim_value_check(CIM_T_REAL64, "INF") == 0 &&
	    cim_value_check(CIM_T_REAL32, "-INF") == 0 &&
	    cim_value_check(CIM_T_REAL64, "NaN") == 0,
	    "the XML Schema special reals INF, -INF, NaN");
	ok(cim_value_check(CIM_T_DATETIME, "20261123192357.000000+000") == 0,
	    "datetime timestamp");
	ok(cim_value_check(CIM_T_DATETIME, "00000001132312.000000:000") == 0,
	    "datetime interval");
	ok(cim_value_check(CIM_T_DATETIME, "2026-11-23") == -1,
	    "ISO date refused as datetime");
	ok(cim_value_check(CIM_T_CHAR16, "x") == 0 &&
	    cim_value_check(CIM_T_CHAR16, "\xc3\x9c") == 0 &&
	    cim_value_check(CIM_T_CHAR16, "xy") == -1, "char16");
	ok(cim_value_check(CIM_T_STRING, "") == 0, "empty string is a string");
}

static void
test_instance(void)
{
	struct cim_instance		*inst;
	const struct cim_property	*p;
	struct cim_value		 v, c;

	inst = cim_instance_new("Win32_Process");
	cim_instance_add(inst, "Handle", CIM_T_STRING, "2345");
	cim_instance_add(inst, "CommandLine", CIM_T_STRING, NULL);
	cim_instance_add(inst, "Empty", CIM_T_STRING, "");
	is_str(cim_instance_text(inst, "handle"), "2345",
	    "lookup is case-insensitive");
	p = cim_instance_get(inst, "COMMANDLINE");
	ok(p != NULL && p->v.is_null && p->v.nvals == 0, "NULL property");
	is_str(cim_instance_text(inst, "CommandLine"), NULL,
	    "NULL property has no text");
	is_str(cim_instance_text(inst, "Empty"), "", "empty string kept");
	ok(cim_instance_get(inst, "nosuch") == NULL, "missing property");
	cim_instance_free(inst);
	cim_instance_free(NULL);

	cim_value_init(&v, CIM_T_UINT8);
	v.is_array = 1;
	cim_value_add(&v, "1");
	cim_value_add(&v, NULL);
	cim_value_add(&v, "3");
	cim_value_copy(&c, &v);
	ok(c.is_array && c.nvals == 3 && c.vals[1] == NULL &&
	    strcmp(c.vals[2], "3") == 0, "array copy keeps NULL members");
	cim_value_clear(&v);
	cim_value_clear(&c);
	ok(v.nvals == 0 && v.vals == NULL, "clear empties");
}

static void
test_paths(void)
{
	struct cim_path	*p, *d;
	struct buf	 b;

	p = cim_path_new("root/cimv2", NULL);
	ok(cim_path_parse("Win32_Process.Handle=\"2345\"", p) == 0,
	    "parse one key");
	is_str(p->classname, "Win32_Process", "class");
	ok(p->nkeys == 1 && p->keys[0].type == CIM_T_STRING &&
	    strcmp(p->keys[0].value, "2345") == 0, "quoted key is a string");
	is_str(p->ns, "root/cimv2", "namespace kept");
	cim_path_free(p);

	p = cim_path_new(NULL, NULL);
	ok(cim_path_parse("C.a=\"x\\\"y,z\\\\\",b=3,c=TRUE,d=-4,e=1.5,f=bare",
	    p) == 0, "parse many keys with escapes");
	ok(p->nkeys == 6, "six keys");
	if (p->nkeys == 6) {
		is_str(p->keys[0].value, "x\"y,z\\", "escapes inside quotes");
		ok(p->keys[1].type == CIM_T_UINT64, "unquoted number numeric");
		ok(p->keys[2].type == CIM_T_BOOLEAN, "TRUE boolean");
		ok(p->keys[3].type == CIM_T_SINT64, "negative signed");
		ok(p->keys[4].type == CIM_T_REAL64, "real");
		ok(p->keys[5].type == CIM_T_STRING, "bare word is a string");
	}
	buf_init(&b, 0);
	cim_path_format(p, &b);
	is_str(b.data, "C.a=\"x\\\"y,z\\\\\",b=3,c=TRUE,d=-4,e=1.5,f=\"bare\"",
	    "format back");
	d = cim_path_new(NULL, NULL);
	ok(cim_path_parse(b.data, d) == 0 && d->nkeys == 6 &&
	    strcmp(d->keys[0].value, "x\"y,z\\") == 0, "format/parse round trip");
	cim_path_free(d);
	buf_release(&b);
	cim_path_free(p);

	p = cim_path_new(NULL, NULL);
	ok(cim_path_parse("//node1.example.com/root/cimv2:Win32_Service."
	    "Name=\"vod\"", p) == 0, "parse with host and namespace");
	is_str(p->host, "node1.example.com", "host");
	is_str(p->ns, "root/cimv2", "namespace");
	is_str(p->classname, "Win32_Service", "class after namespace");
	d = cim_path_dup(p);
	buf_init(&b, 0);
	cim_path_format(d, &b);
	is_str(b.data, "//node1.example.com/root/cimv2:Win32_Service."
	    "Name=\"vod\"", "dup + format with host");
	buf_release(&b);
	cim_path_free(d);
	cim_path_free(p);

	p = cim_path_new(NULL, NULL);
	ok(cim_path_parse("Win32_Process", p) == 0 && p->nkeys == 0,
	    "class only");
	ok(cim_path_parse("", p) == -1, "empty refused");
	ok(cim_path_parse("C.k=\"open", p) == -1, "unterminated quote refused");
	ok(cim_path_parse("C.k", p) == -1, "key without = refused");
	ok(cim_path_parse("C.=1", p) == -1, "empty key name refused");
	ok(cim_path_parse("C.k=\"a\"x", p) == -1, "junk after quote refused");
	ok(cim_path_parse("C.k=", p) == -1, "empty unquoted value refused");
	ok(cim_path_parse("Bad-Class", p) == -1, "bad class name refused");
	cim_path_free(p);
	cim_path_free(NULL);

	/* a reference key's value is quoted, so the text parses back */
	p = cim_path_new("root/cimv2", "Assoc");
	cim_path_add_key(p, "Ref", CIM_T_REFERENCE,
	    "root/cimv2:C.k=\"a,b\"");
	cim_path_add_key(p, "N", CIM_T_UINT32, "7");
	buf_init(&b, 0);
	cim_path_format(p, &b);
	is_str(b.data, "root/cimv2:Assoc.Ref=\"root/cimv2:C.k=\\\"a,b\\\"\",N=7",
	    "reference key quoted and escaped");
	d = cim_path_new(NULL, NULL);
	ok(cim_path_parse(b.data, d) == 0 && d->nkeys == 2 &&
	    strcmp(d->keys[0].value, "root/cimv2:C.k=\"a,b\"") == 0 &&
	    strcmp(d->keys[1].value, "7") == 0,
	    "reference key survives format and parse");
	cim_path_free(d);
	buf_release(&b);
	cim_path_free(p);
}

static void
test_status(void)
{
	struct wbem_error	e;
	int			i, all = 1;

	is_str(cim_status_name(6), "CIM_ERR_NOT_FOUND", "status 6");
	is_str(cim_status_name(15), "CIM_ERR_INVALID_QUERY", "status 15");
	is_str(cim_status_name(17), "CIM_ERR_METHOD_NOT_FOUND", "status 17");
	/* what OpenPegasus says of an unknown context (pywbem's recording) */
	is_str(cim_status_name(21), "CIM_ERR_INVALID_ENUMERATION_CONTEXT",
	    "status 21");
	is_str(cim_status_name(27), "CIM_ERR_SERVER_LIMITS_EXCEEDED",
	    "status 27, as cimmockd and WinRM's QuotaLimit use it");
	for (i = 1; i <= 28; i++)
		if (strncmp(cim_status_name(i), "CIM_ERR_", 8) != 0 ||
		    strcmp(cim_status_name(i), "CIM_ERR_UNKNOWN") == 0)
			all = 0;
	ok(all, "every DSP0200 code 1..28 has its own name");
	is_str(cim_status_name(999), "CIM_ERR_UNKNOWN", "unknown code");
	is_str(cim_status_name(-1), "CIM_ERR_UNKNOWN", "negative code");

	wbem_error_set(&e, WBEM_E_CIM, 6, "CIM_ERR_NOT_FOUND", "no %s", "x");
	ok(e.kind == WBEM_E_CIM && e.code == 6, "error set");
	is_str(e.description, "no x", "error description");
	wbem_error_clear(&e);
	ok(e.kind == WBEM_E_NONE && e.name[0] == '\0', "error clear");
	wbem_error_set(NULL, WBEM_E_CIM, 1, NULL, "ignored");
	is_str(wbem_errkind_name(WBEM_E_AUTH), "auth", "errkind name");
	is_str(wbem_op_name(WBEM_OP_QUERY), "ExecQuery", "op name");
	is_str(wbem_op_name(WBEM_OP_ENUM_NAMES), "EnumerateInstanceNames",
	    "op name enum names");
}

static void
test_result(void)
{
	struct wbem_result	*r;

	r = wbem_result_new(WBEM_R_INSTANCES);
	wbem_result_add_instance(r, cim_instance_new("A"));
	wbem_result_add_instance(r, cim_instance_new("B"));
	wbem_result_add_path(r, cim_path_new("root/cimv2", "A"));
	ok(r->ninst == 2 && r->npaths == 1, "result holds what it was given");
	wbem_result_free(r);
	wbem_result_free(NULL);
}

int
main(void)
{
	test_types();
	test_checks();
	test_instance();
	test_paths();
	test_status();
	test_result();
	return (tap_done());
}
