/*
 * scenario.c: reads a scenario file (JSON) into node configurations: one
 * node or several (a "count" replicates a node on consecutive ports), each
 * with its bitrate, bandwidth, memory, CPU, processes, auth, WQL dialect,
 * start delay, faults, and optionally static instances pinned for any
 * class so a data set recorded on a real server is served again.  Extra
 * MOF files named by the scenario are added to the schema.  The format is
 * documented in cimmockd(8).
 */
#include "config.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "mock.h"

#define SC_MAX_NODES	4096

static void
sc_default_procs(struct mnode_conf *c)
{
	c->nprocs = 2;
	c->procs = xcalloc(2, sizeof(*c->procs));
	c->procs[0].pid = 4;
	c->procs[0].name = xstrdup("System");
	c->procs[1].pid = 812;
	c->procs[1].name = xstrdup("svchost.exe");
	c->procs[1].cmdline = xstrdup("C:\\Windows\\system32\\svchost.exe -k "
	    "netsvcs");
	c->procs[1].path = xstrdup("C:\\Windows\\system32\\svchost.exe");
}

void
scenario_default(struct scenario *sc, const struct mof_schema *schema,
    size_t n, const char *addr, int port)
{
	size_t	i;
	char	name[64];

	memset(sc, 0, sizeof(*sc));
	sc->nodes = xcalloc(n ? n : 1, sizeof(*sc->nodes));
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "NODE%02zu", i + 1);
		mnode_conf_init(&sc->nodes[i], name);
		strlcpy(sc->nodes[i].addr, addr, sizeof(sc->nodes[i].addr));
		sc->nodes[i].port = port == 0 ? 0 : port + (int)i;
		sc_default_procs(&sc->nodes[i]);
	}
	sc->nnodes = n;
}

void
scenario_clear(struct scenario *sc)
{
	size_t	i;

	for (i = 0; i < sc->nnodes; i++)
		mnode_conf_clear(&sc->nodes[i]);
	free(sc->nodes);
	memset(sc, 0, sizeof(*sc));
}

static int PRINTFLIKE(3, 4)
sc_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return (-1);
}

/* A JSON scalar as CIM wire text; NULL for null. */
static int
sc_text(json_t *v, char *out, size_t outlen, int *is_null)
{
	*is_null = 0;
	if (json_is_null(v)) {
		*is_null = 1;
		return (0);
	}
	if (json_is_string(v))
		return (strlcpy(out, json_string_value(v), outlen) >= outlen ?
		    -1 : 0);
	if (json_is_integer(v)) {
		snprintf(out, outlen, "%lld", (long long)json_integer_value(v));
		return (0);
	}
	if (json_is_real(v)) {
		snprintf(out, outlen, "%.17g", json_real_value(v));
		return (0);
	}
	if (json_is_boolean(v)) {
		strlcpy(out, json_is_true(v) ? "TRUE" : "FALSE", outlen);
		return (0);
	}
	return (-1);
}

static const char *
sc_str(json_t *o, const char *key, const char *def)
{
	json_t	*v = json_object_get(o, key);

	return (json_is_string(v) ? json_string_value(v) : def);
}

static int
sc_u64(json_t *o, const char *key, uint64_t *out, const char *node,
    char *err, size_t errlen)
{
	json_t	*v = json_object_get(o, key);

	if (v == NULL)
		return (0);
	if (json_is_string(v) && parse_u64(json_string_value(v), out) == 0)
		return (0);
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return (sc_err(err, errlen, "node %s: %s: expected a "
		    "non-negative integer", node, key));
	*out = (uint64_t)json_integer_value(v);
	return (0);
}

static int
sc_num(json_t *o, const char *key, double *out, const char *node,
    char *err, size_t errlen)
{
	json_t	*v = json_object_get(o, key);

	if (v == NULL)
		return (0);
	if (!json_is_number(v))
		return (sc_err(err, errlen, "node %s: %s: expected a number",
		    node, key));
	*out = json_number_value(v);
	return (0);
}

static char *
sc_dup_or_null(json_t *o, const char *key)
{
	json_t	*v = json_object_get(o, key);

	return (json_is_string(v) ? xstrdup(json_string_value(v)) : NULL);
}

static int
sc_instances(json_t *arr, const struct mof_schema *schema,
    struct mnode_conf *c, char *err, size_t errlen)
{
	const struct mof_class	*cls;
	struct mock_inst	*in;
	json_t			*it, *props, *v, *e;
	const char		*key;
	char			 text[4096];
	size_t			 i, k;
	int			 is_null;

	json_array_foreach(arr, i, it) {
		key = sc_str(it, "class", "");
		if ((cls = mof_class_find(schema, key)) == NULL)
			return (sc_err(err, errlen, "node %s: instance %zu: "
			    "unknown class '%s'", c->name, i, key));
		props = json_object_get(it, "properties");
		if (!json_is_object(props))
			return (sc_err(err, errlen, "node %s: instance %zu: "
			    "'properties' must be an object", c->name, i));
		in = inst_new(cls);
		/* a pinned instance has exactly the properties given */
		in->absent = xcalloc(in->nprops ? in->nprops : 1, 1);
		memset(in->absent, 1, in->nprops);
		json_object_foreach(props, key, v) {
			const struct mof_prop *p = mof_prop_find(cls, key);
			struct cim_value *slot;

			if (p == NULL) {
				inst_free(in);
				return (sc_err(err, errlen, "node %s: class %s "
				    "has no property '%s'", c->name, cls->name,
				    key));
			}
			slot = &in->props[p - cls->props].v;
			in->absent[p - cls->props] = 0;
			if (json_is_array(v) && p->is_array) {
				mval_clear(slot);
				slot->is_null = 0;
				json_array_foreach(v, k, e) {
					if (sc_text(e, text, sizeof(text),
					    &is_null) == -1 || is_null)
						continue;
					slot->vals = xreallocarray(slot->vals,
					    slot->nvals + 1, sizeof(char *));
					slot->vals[slot->nvals++] =
					    xstrdup(text);
				}
				continue;
			}
			if (sc_text(v, text, sizeof(text), &is_null) == -1) {
				inst_free(in);
				return (sc_err(err, errlen, "node %s: %s.%s: "
				    "bad value", c->name, cls->name, key));
			}
			inst_set(in, p->name, is_null ? NULL : text);
		}
		inst_list_add(&c->pinned, in);
	}
	return (0);
}


/*
 * "create_rc": {"PROGRAM": N, "PREFIX*": N, "*": N}: what
 * Win32_Process.Create answers for a program (0: it starts).
 */
static int
sc_create_rc(json_t *o, struct mnode_conf *c, char *err, size_t errlen)
{
	const char	*key;
	json_t		*v;

	if (!json_is_object(o))
		return (sc_err(err, errlen, "node %s: create_rc must be an "
		    "object of program paths and return codes", c->name));
	while (c->ncreate_rc > 0)
		free(c->create_rc[--c->ncreate_rc].program);
	free(c->create_rc);
	c->create_rc = xcalloc(json_object_size(o) + 1,
	    sizeof(*c->create_rc));
	json_object_foreach(o, key, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > UINT32_MAX || *key == '\0')
			return (sc_err(err, errlen, "node %s: create_rc \"%s\": "
			    "a return code 0..4294967295", c->name, key));
		c->create_rc[c->ncreate_rc].program = xstrdup(key);
		c->create_rc[c->ncreate_rc].rc =
		    (uint32_t)json_integer_value(v);
		c->ncreate_rc++;
	}
	return (0);
}

static int
sc_node(json_t *o, const struct mof_schema *schema, struct mnode_conf *c,
    char *err, size_t errlen)
{
	json_t		*v, *p;
	const char	*s;
	uint64_t	 u;
	size_t		 i;
	char		 msg[256];

	if (sc_u64(o, "port", &u, c->name, err, errlen) == -1)
		return (-1);
	if (json_object_get(o, "port") != NULL) {
		if (u > 65535)
			return (sc_err(err, errlen, "node %s: bad port",
			    c->name));
		c->port = (int)u;
	}
	strlcpy(c->host, sc_str(o, "host", c->host), sizeof(c->host));
	strlcpy(c->addr, sc_str(o, "addr", c->addr), sizeof(c->addr));
	strlcpy(c->cpu_model, sc_str(o, "cpu_model", c->cpu_model),
	    sizeof(c->cpu_model));
	strlcpy(c->netif, sc_str(o, "netif", c->netif), sizeof(c->netif));
	if (sc_u64(o, "bitrate", &c->bitrate, c->name, err, errlen) == -1 ||
	    sc_u64(o, "title_bytes", &c->title_bytes, c->name, err,
	    errlen) == -1 ||
	    sc_u64(o, "bandwidth", &c->load.bandwidth, c->name, err,
	    errlen) == -1 ||
	    sc_u64(o, "memory", &c->load.mem_total, c->name, err,
	    errlen) == -1 ||
	    sc_u64(o, "memory_used", &c->load.mem_base_used, c->name, err,
	    errlen) == -1 ||
	    sc_u64(o, "stream_memory", &c->load.stream_mem, c->name, err,
	    errlen) == -1 ||
	    sc_u64(o, "background_bps", &c->load.background_bps, c->name, err,
	    errlen) == -1 ||
	    sc_num(o, "base_cpu", &c->load.base_cpu, c->name, err,
	    errlen) == -1 ||
	    sc_num(o, "stream_cpu", &c->load.stream_cpu, c->name, err,
	    errlen) == -1)
		return (-1);
	if (c->bitrate == 0 || c->title_bytes == 0)
		return (sc_err(err, errlen, "node %s: bitrate and title_bytes "
		    "must be > 0", c->name));
	u = c->load.ncpu;
	if (sc_u64(o, "cpus", &u, c->name, err, errlen) == -1)
		return (-1);
	if (u == 0 || u > 1024)
		return (sc_err(err, errlen, "node %s: cpus 1..1024", c->name));
	c->load.ncpu = (unsigned)u;
	u = c->start_delay_ms;
	if (sc_u64(o, "start_delay_ms", &u, c->name, err, errlen) == -1)
		return (-1);
	c->start_delay_ms = u > 600000 ? 600000 : (unsigned)u;
	if ((s = sc_str(o, "dialect", NULL)) != NULL &&
	    wql_dialect_parse(s, &c->dialect) == -1)
		return (sc_err(err, errlen, "node %s: dialect must be pegasus "
		    "or windows", c->name));
	if ((s = sc_str(o, "mode", NULL)) != NULL) {
		if (strcmp(s, "process") == 0)
			c->mode = PROC_MODE_PROCESS;
		else if (strcmp(s, "service") == 0)
			c->mode = PROC_MODE_SERVICE;
		else
			return (sc_err(err, errlen, "node %s: mode must be "
			    "process or service", c->name));
	}
	strlcpy(c->service, sc_str(o, "service", c->service),
	    sizeof(c->service));
	if ((v = json_object_get(o, "auth")) != NULL) {
		if (!json_is_string(json_object_get(v, "user")))
			return (sc_err(err, errlen, "node %s: auth.user "
			    "missing", c->name));
		free(c->user);
		free(c->password);
		c->user = sc_dup_or_null(v, "user");
		c->password = sc_dup_or_null(v, "password");
	}
	if ((v = json_object_get(o, "wsman")) != NULL) {
		u = c->wsman_quota;
		if (sc_u64(v, "quota", &u, c->name, err, errlen) == -1)
			return (-1);
		if (u == 0 || u > 10000)
			return (sc_err(err, errlen, "node %s: wsman.quota "
			    "1..10000", c->name));
		c->wsman_quota = (unsigned)u;
		u = c->wsman_ctx_ttl_ms;
		if (sc_u64(v, "context_ttl_ms", &u, c->name, err,
		    errlen) == -1)
			return (-1);
		c->wsman_ctx_ttl_ms = u > 3600000 ? 3600000 : (unsigned)u;
		c->wsman_deny = json_is_true(json_object_get(v, "deny"));
	}
	if ((v = json_object_get(o, "stream_process")) != NULL) {
		strlcpy(c->stream_proc, sc_str(v, "name", c->stream_proc),
		    sizeof(c->stream_proc));
		if (json_object_get(v, "command_line") != NULL) {
			free(c->stream_cmdline);
			c->stream_cmdline = sc_dup_or_null(v, "command_line");
		}
		if (json_object_get(v, "path") != NULL) {
			free(c->stream_path);
			c->stream_path = sc_dup_or_null(v, "path");
		}
		u = c->stream_pid;
		if (sc_u64(v, "pid", &u, c->name, err, errlen) == -1)
			return (-1);
		c->stream_pid = (uint32_t)u;
	}
	if ((v = json_object_get(o, "processes")) != NULL) {
		if (!json_is_array(v))
			return (sc_err(err, errlen, "node %s: processes must "
			    "be an array", c->name));
		for (i = 0; i < c->nprocs; i++) {
			free(c->procs[i].name);
			free(c->procs[i].cmdline);
			free(c->procs[i].path);
		}
		free(c->procs);
		c->procs = xcalloc(json_array_size(v) + 1, sizeof(*c->procs));
		c->nprocs = 0;
		json_array_foreach(v, i, p) {
			u = 0;
			if (sc_u64(p, "pid", &u, c->name, err, errlen) == -1)
				return (-1);
			if (u == 0 || u > UINT32_MAX || !json_is_string(
			    json_object_get(p, "name")))
				return (sc_err(err, errlen, "node %s: process "
				    "%zu needs pid and name", c->name, i));
			c->procs[c->nprocs].pid = (uint32_t)u;
			c->procs[c->nprocs].name = sc_dup_or_null(p, "name");
			c->procs[c->nprocs].cmdline =
			    sc_dup_or_null(p, "command_line");
			c->procs[c->nprocs].path = sc_dup_or_null(p, "path");
			c->nprocs++;
		}
	}
	if ((v = json_object_get(o, "list_starting")) != NULL) {
		if (!json_is_boolean(v))
			return (sc_err(err, errlen, "node %s: list_starting "
			    "must be true or false", c->name));
		c->list_starting = json_is_true(v);
	}
	if ((v = json_object_get(o, "model")) != NULL) {
		if (!json_is_boolean(v))
			return (sc_err(err, errlen, "node %s: model must be "
			    "true or false", c->name));
		c->no_model = json_is_false(v);
	}
	if ((v = json_object_get(o, "create_rc")) != NULL &&
	    sc_create_rc(v, c, err, errlen) == -1)
		return (-1);
	if ((v = json_object_get(o, "fault")) != NULL &&
	    mctl_fault_from_json(v, &c->fault, msg, sizeof(msg)) == -1)
		return (sc_err(err, errlen, "node %s: %s", c->name, msg));
	if ((v = json_object_get(o, "instances")) != NULL &&
	    sc_instances(v, schema, c, err, errlen) == -1)
		return (-1);
	return (0);
}

int
scenario_load(const char *path, struct mof_schema *schema,
    struct scenario *sc, char *err, size_t errlen)
{
	json_t		*root, *nodes, *o, *mofs, *m;
	json_error_t	 jerr;
	struct mnode_conf base;
	char		 dir[4096], mpath[8192], name[64], msg[512];
	const char	*nm;
	uint64_t	 count;
	size_t		 i, k;
	int		 rc = -1;

	memset(sc, 0, sizeof(*sc));
	if ((root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL)
		return (sc_err(err, errlen, "%s:%d: %s", path, jerr.line,
		    jerr.text));
	strlcpy(dir, path, sizeof(dir));
	strlcpy(dir, dirname(dir), sizeof(dir));
	mofs = json_object_get(root, "mof");
	json_array_foreach(mofs, i, m) {
		if (!json_is_string(m))
			continue;
		if (compat_path_absolute(json_string_value(m)))
			strlcpy(mpath, json_string_value(m), sizeof(mpath));
		else
			snprintf(mpath, sizeof(mpath), "%s/%s", dir,
			    json_string_value(m));
		if (mof_load_file(schema, mpath, msg, sizeof(msg)) == -1) {
			sc_err(err, errlen, "%s", msg);
			goto done;
		}
	}
	nodes = json_object_get(root, "nodes");
	if (!json_is_array(nodes) || json_array_size(nodes) == 0) {
		sc_err(err, errlen, "%s: 'nodes' must be a non-empty array",
		    path);
		goto done;
	}
	json_array_foreach(nodes, i, o) {
		nm = sc_str(o, "name", NULL);
		snprintf(name, sizeof(name), "%s", nm ? nm : "NODE");
		count = 1;
		if (sc_u64(o, "count", &count, name, err, errlen) == -1)
			goto done;
		if (count == 0 || sc->nnodes + count > SC_MAX_NODES) {
			sc_err(err, errlen, "%s: too many nodes", path);
			goto done;
		}
		mnode_conf_init(&base, name);
		sc_default_procs(&base);
		if (sc_node(o, schema, &base, err, errlen) == -1) {
			mnode_conf_clear(&base);
			goto done;
		}
		sc->nodes = xreallocarray(sc->nodes, sc->nnodes + count,
		    sizeof(*sc->nodes));
		for (k = 0; k < count; k++) {
			struct mnode_conf *c = &sc->nodes[sc->nnodes++];

			mnode_conf_copy(c, &base);
			if (count > 1 || nm == NULL) {
				if ((size_t)snprintf(c->name, sizeof(c->name),
				    "%.50s%02zu", name, k + 1) >= sizeof(c->name))
					fatal("node name overflow");
				if (strcmp(base.host, name) == 0)
					strlcpy(c->host, c->name,
					    sizeof(c->host));
			}
			if (base.port != 0)
				c->port = base.port + (int)k;
		}
		mnode_conf_clear(&base);
	}
	for (i = 0; i < sc->nnodes; i++)
		for (k = i + 1; k < sc->nnodes; k++)
			if (str_casecmp_ascii(sc->nodes[i].name,
			    sc->nodes[k].name) == 0) {
				sc_err(err, errlen, "%s: node name %s used "
				    "twice", path, sc->nodes[i].name);
				goto done;
			}
	rc = 0;
done:
	if (rc == -1)
		scenario_clear(sc);
	json_decref(root);
	return (rc);
}
