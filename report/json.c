// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * build-report.json, written and read back: the one file that knows the
 * format (docs/building.md). Keys are written in a fixed order, so the
 * same build gives the same bytes, and a report read and written again
 * is unchanged.
 */
#include "report/json.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"

/* ---- writing ---- */

json_object *rp_json_str(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

json_object *rp_json_strv(const struct kp_strv *v)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < v->n; i++)
		json_object_array_add(a, json_object_new_string(v->v[i]));
	return a;
}

json_object *rp_json_document(const char *name, int version)
{
	json_object *o = json_object_new_object();
	_cleanup_free_ char *schema = kp_asprintf("kmodpack.%s/%d", name, version);
	json_object_object_add(o, "schema", json_object_new_string(schema));
	return o;
}

json_object *rp_json_seconds(double seconds)
{
	/* Written as "%.3f", read back as the same number: a report read and written stays the
	 * same. */
	double ms = (double)(long long)(seconds * 1000 + (seconds < 0 ? -0.5 : 0.5)) / 1000;
	char text[64];
	snprintf(text, sizeof(text), "%.3f", ms);
	return json_object_new_double_s(ms, text);
}

json_object *rp_json_path(const char *path)
{
	if (!path)
		return NULL;
	if (path[0] == '/')
		return json_object_new_string(path);
	_cleanup_free_ char *cwd = getcwd(NULL, 0);
	if (!cwd)
		return json_object_new_string(path);
	_cleanup_free_ char *abs = kp_path_join(cwd, path);
	return json_object_new_string(abs);
}

char *rp_json_text(json_object *o)
{
	return kp_strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
}

static json_object *jstr(const char *s)
{
	return rp_json_str(s);
}

static void add(json_object *o, const char *key, json_object *v)
{
	json_object_object_add(o, key, v);
}

static json_object *hcl_id_json(const struct rp_hcl_id *id)
{
	json_object *o = json_object_new_object();
	add(o, "bus", jstr(id->bus ? id->bus : "pci"));
	add(o, "vendor", jstr(id->vendor));
	add(o, "device", jstr(id->device));
	add(o, "subvendor", jstr(id->subvendor));
	add(o, "subdevice", jstr(id->subdevice));
	add(o, "class", jstr(id->class));
	add(o, "alias", jstr(id->alias));
	add(o, "module", jstr(id->module));
	add(o, "source", jstr(id->source));
	add(o, "verdict", json_object_new_string(rp_verdict_name(id->verdict)));
	add(o, "claimed_by", rp_json_strv(&id->claimed_by));
	add(o, "possible_class_match", rp_json_strv(&id->possible_class_match));
	json_object *claims = json_object_new_array();
	for (size_t i = 0; i < id->nclaims; i++) {
		const struct rp_hcl_claim *c = &id->claims[i];
		json_object *cl = json_object_new_object();
		add(cl, "module", jstr(c->module));
		add(cl, "alias", jstr(c->alias));
		add(cl, "relation", jstr(c->relation));
		add(cl, "class_claim", json_object_new_boolean(c->class_claim));
		add(cl, "builtin", json_object_new_boolean(c->builtin));
		json_object_array_add(claims, cl);
	}
	add(o, "claims", claims);
	add(o, "vendor_name", jstr(id->vendor_name));
	add(o, "device_name", jstr(id->device_name));
	add(o, "subsystem_name", jstr(id->subsystem_name));
	return o;
}

json_object *rp_coverage_to_json(const struct rp_coverage *c, bool document)
{
	json_object *top =
	    document ? rp_json_document("hcl", RP_SCHEMA_HCL) : json_object_new_object();
	json_object *ids = json_object_new_array();
	json_object *summary = json_object_new_object();
	for (size_t i = 0; i < c->nids; i++)
		json_object_array_add(ids, hcl_id_json(&c->ids[i]));
	add(top, "modules_dir", rp_json_path(c->modules_dir));
	add(top, "index", NULL); /* kmodpack hcl names a --modules-alias/--pcimap file here */
	add(top, "ids", ids);
	for (enum rp_verdict v = RP_VERDICT_NEW; v < RP_VERDICT_COUNT; v++)
		add(summary, rp_verdict_name(v), json_object_new_int64((int64_t)c->summary[v]));
	add(top, "summary", summary);
	return top;
}

static json_object *check_json(const struct rp_check *c)
{
	json_object *o = json_object_new_object();
	add(o, "status", json_object_new_string(rp_status_name(c->status)));
	add(o, "errors", rp_json_strv(&c->errors));
	return o;
}

static json_object *verify_module_json(const struct rp_verify_module *m)
{
	json_object *o = json_object_new_object();
	add(o, "name", jstr(m->name));
	add(o, "path", jstr(m->path));
	add(o, "install", check_json(&m->install));
	add(o, "symbols", check_json(&m->symbols));
	json_object *l = check_json(&m->load);
	add(l, "error", jstr(m->load_error));
	add(l, "errno", jstr(m->load_errno));
	add(l, "kernel", rp_json_strv(&m->kernel));
	add(l, "signature", jstr(m->sig_verdict));
	add(o, "load", l);
	return o;
}

static json_object *verify_flavour_json(const struct rp_verify_flavour *f)
{
	json_object *jf = json_object_new_object();
	add(jf, "name", jstr(f->name));
	add(jf, "release", jstr(f->release));
	add(jf, "image", rp_json_path(f->image));
	json_object *ji = check_json(&f->install);
	add(ji, "scripts", json_object_new_boolean(f->scripts));
	add(ji, "seconds", rp_json_seconds(f->install_seconds));
	add(jf, "install", ji);
	add(jf, "symbols", check_json(&f->symbols));
	json_object *jl = check_json(&f->load);
	add(jl, "reason", jstr(f->load_reason));
	add(jl, "accel", jstr(f->accel));
	add(jl, "seconds", f->accel ? rp_json_seconds(f->load_seconds) : NULL);
	add(jl, "log", rp_json_path(f->console));
	add(jl, "kernel_modules", rp_json_strv(&f->kernel_modules));
	add(jf, "load", jl);
	json_object *jm = json_object_new_array();
	for (size_t k = 0; k < f->nmods; k++)
		json_object_array_add(jm, verify_module_json(&f->mods[k]));
	add(jf, "modules", jm);
	add(jf, "passed", json_object_new_boolean(f->passed));
	return jf;
}

json_object *rp_verify_to_json(const struct rp_verify *v, bool document)
{
	json_object *res =
	    document ? rp_json_document("verify", RP_SCHEMA_VERIFY) : json_object_new_object();
	json_object *jfl = json_object_new_array();
	for (size_t i = 0; i < v->nflavours; i++)
		json_object_array_add(jfl, verify_flavour_json(&v->flavours[i]));
	add(res, "passed", json_object_new_boolean(v->passed));
	add(res, "flavours", jfl);
	return res;
}

/* A file of the output dir: relative in the report file, absolute on stdout. */
static json_object *outdir_path(const char *outdir, const char *rel)
{
	if (!outdir || !rel)
		return jstr(rel);
	_cleanup_free_ char *abs = kp_path_join(outdir, rel);
	return json_object_new_string(abs);
}

static json_object *module_json(const struct rp_module *m)
{
	json_object *jm = json_object_new_object();
	add(jm, "name", jstr(m->name));
	add(jm, "path", jstr(m->path));
	add(jm, "debug_path", jstr(m->debug_path));
	add(jm, "vermagic", jstr(m->vermagic));
	add(jm, "srcversion", jstr(m->srcversion));
	add(jm, "aliases", rp_json_strv(&m->aliases));
	add(jm, "firmware", rp_json_strv(&m->firmware));
	json_object *sig = NULL;
	if (m->sig_key) {
		sig = json_object_new_object();
		add(sig, "signer", jstr(m->sig_signer));
		add(sig, "sig_key", jstr(m->sig_key));
		add(sig, "sig_hashalgo", jstr(m->sig_hashalgo));
	}
	add(jm, "signature", sig);
	return jm;
}

static json_object *flavour_json(const struct rp_flavour *f, const char *outdir)
{
	json_object *jf = json_object_new_object();
	add(jf, "name", jstr(f->name));
	add(jf, "release", jstr(f->release));
	add(jf, "kver", jstr(f->kver));
	add(jf, "tree", jstr(f->tree));
	add(jf, "log", outdir_path(outdir, f->log));
	add(jf, "seconds", rp_json_seconds(f->compile_seconds));
	json_object *jmods = json_object_new_array();
	for (size_t k = 0; k < f->nmods; k++)
		json_object_array_add(jmods, module_json(&f->mods[k]));
	add(jf, "modules", jmods);
	add(jf, "hcl", f->hcl ? rp_coverage_to_json(f->hcl, false) : NULL);
	return jf;
}

static json_object *artifact_json(const struct rp_artifact *a, const char *outdir)
{
	json_object *o = json_object_new_object();
	add(o, "path", outdir_path(outdir, a->path));
	add(o, "kind", json_object_new_string(rp_artifact_kind_name(a->kind)));
	add(o, "flavour", jstr(a->flavour));
	add(o, "size", json_object_new_int64(a->size));
	add(o, "sha256", json_object_new_string(a->sha256));
	add(o, "content_sha256", jstr(a->content_sha256[0] ? a->content_sha256 : NULL));
	add(o, "gpg_key", jstr(a->gpg_key));
	return o;
}

/* outdir NULL: build-report.json, the file; else the stdout document. */
static json_object *build_json(const struct rp_build *b, const char *outdir, bool up_to_date)
{
	json_object *o = rp_json_document("build", RP_SCHEMA_BUILD);
	add(o, "kmodpack_version", jstr(b->kmodpack_version));
	if (outdir) {
		add(o, "outdir", json_object_new_string(outdir));
		add(o, "up_to_date", json_object_new_boolean(up_to_date));
	}
	json_object *d = json_object_new_object();
	add(d, "name", jstr(b->driver_name));
	add(d, "version", jstr(b->driver_version));
	add(d, "release", jstr(b->driver_release));
	add(d, "manifest", jstr(b->manifest));
	add(o, "driver", d);
	json_object *v = json_object_new_object();
	add(v, "code", jstr(b->vendor_code));
	add(v, "name", jstr(b->vendor_name));
	add(o, "vendor", v);
	json_object *t = json_object_new_object();
	add(t, "name", jstr(b->target_name));
	add(t, "arch", jstr(b->arch));
	add(t, "module_dir", jstr(b->module_dir));
	add(o, "target", t);
	add(o, "source_date_epoch", json_object_new_int64(b->source_date_epoch));
	json_object *fl = json_object_new_array();
	for (size_t i = 0; i < b->nflavours; i++)
		json_object_array_add(fl, flavour_json(&b->flavours[i], outdir));
	add(o, "flavours", fl);
	add(o, "skipped", rp_skipped_to_json(b));
	json_object *arts = json_object_new_array();
	for (size_t i = 0; i < b->nartifacts; i++)
		json_object_array_add(arts, artifact_json(&b->artifacts[i], outdir));
	add(o, "artifacts", arts);
	add(o, "eulas", b->has_data ? rp_json_strv(&b->eulas) : NULL);
	add(o, "firmware_external", b->has_data ? rp_json_strv(&b->firmware_external) : NULL);
	add(o, "verify", b->verify ? rp_verify_to_json(b->verify, false) : NULL);
	return o;
}

json_object *rp_skipped_to_json(const struct rp_build *b)
{
	json_object *sk = json_object_new_array();
	for (size_t i = 0; i < b->nskipped; i++) {
		json_object *js = json_object_new_object();
		add(js, "name", jstr(b->skipped[i].name));
		add(js, "release", jstr(b->skipped[i].release));
		add(js, "reason", jstr(b->skipped[i].reason));
		json_object_array_add(sk, js);
	}
	return sk;
}

json_object *rp_build_to_json(const struct rp_build *b, const char *outdir, bool up_to_date)
{
	return build_json(b, outdir, up_to_date);
}

char *rp_build_to_text(const struct rp_build *b)
{
	json_object *o = build_json(b, NULL, false);
	char *text = rp_json_text(o);
	json_object_put(o);
	return text;
}

int rp_build_write(const struct rp_build *b, const char *path)
{
	_cleanup_free_ char *text = rp_build_to_text(b);
	int r = kp_write_file(path, text, strlen(text), 0644);
	if (r < 0)
		kp_err("cannot write '%s': %s", path, strerror(-r));
	return r;
}

/* ---- reading ---- */

/* Where a value sits, for messages: "flavours[1].modules[0]". */
struct rd {
	const char *path;
	bool quiet;
	int err;
	int version; /* of the build schema: 1 had no "schema" key */
};

static void bad(struct rd *rd, const char *where, const char *key, const char *what)
{
	if (rd->err == 0 && !rd->quiet)
		kp_err("'%s': %s%s%s %s: not a kmodpack build report (rebuild to write a new "
		       "one)",
		       rd->path, where, *where ? "." : "", key, what);
	rd->err = -KP_EINPUT;
}

static json_object *get(struct rd *rd, json_object *o, const char *where, const char *key,
			json_type type, bool required)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(o, key, &v) || !v) {
		if (required)
			bad(rd, where, key, "is missing");
		return NULL;
	}
	/* json-c reads 2.0 as a double and 2 as an int: both are numbers here. */
	bool ok = json_object_is_type(v, type) ||
		  (type == json_type_double && json_object_is_type(v, json_type_int));
	if (!ok) {
		static const char *const names[] = {
		    [json_type_null] = "null",	      [json_type_boolean] = "a boolean",
		    [json_type_double] = "a number",  [json_type_int] = "an integer",
		    [json_type_object] = "an object", [json_type_array] = "an array",
		    [json_type_string] = "a string"};
		_cleanup_free_ char *msg = kp_asprintf("is not %s", names[type]);
		bad(rd, where, key, msg);
		return NULL;
	}
	return v;
}

static char *get_str(struct rd *rd, json_object *o, const char *where, const char *key,
		     bool required)
{
	json_object *v = get(rd, o, where, key, json_type_string, required);
	return v ? kp_strdup(json_object_get_string(v)) : NULL;
}

static void get_strv(struct rd *rd, json_object *o, const char *where, const char *key,
		     struct kp_strv *out)
{
	json_object *a = get(rd, o, where, key, json_type_array, true);
	for (size_t i = 0; a && i < json_object_array_length(a); i++) {
		json_object *s = json_object_array_get_idx(a, i);
		if (!json_object_is_type(s, json_type_string)) {
			bad(rd, where, key, "holds something other than strings");
			return;
		}
		kp_strv_push(out, json_object_get_string(s));
	}
}

static bool get_bool(struct rd *rd, json_object *o, const char *where, const char *key)
{
	json_object *v = get(rd, o, where, key, json_type_boolean, true);
	return v && json_object_get_boolean(v);
}

static double get_double(struct rd *rd, json_object *o, const char *where, const char *key,
			 bool required)
{
	json_object *v = get(rd, o, where, key, json_type_double, required);
	return v ? json_object_get_double(v) : 0;
}

static long long get_int(struct rd *rd, json_object *o, const char *where, const char *key)
{
	json_object *v = get(rd, o, where, key, json_type_int, true);
	return v ? (long long)json_object_get_int64(v) : 0;
}

/* An array of objects: its length, and each element checked to be an object. */
static size_t get_objects(struct rd *rd, json_object *o, const char *where, const char *key,
			  json_object **arr)
{
	*arr = get(rd, o, where, key, json_type_array, true);
	size_t n = *arr ? json_object_array_length(*arr) : 0;
	for (size_t i = 0; i < n; i++)
		if (!json_object_is_type(json_object_array_get_idx(*arr, i), json_type_object)) {
			bad(rd, where, key, "holds something other than objects");
			return 0;
		}
	return n;
}

static int enum_of(const char *s, const char *(*name)(unsigned), unsigned n)
{
	for (unsigned i = 0; s && i < n; i++)
		if (!strcmp(s, name(i)))
			return (int)i;
	return -1;
}

static const char *verdict_name(unsigned v)
{
	return rp_verdict_name(v);
}
static const char *status_name(unsigned v)
{
	return rp_status_name(v);
}
static const char *kind_name(unsigned v)
{
	return rp_artifact_kind_name(v);
}

static void read_hcl_id(struct rd *rd, json_object *o, const char *where, struct rp_hcl_id *id)
{
	id->bus = get_str(rd, o, where, "bus", false); /* absent in reports before USB */
	id->vendor = get_str(rd, o, where, "vendor", false);
	id->device = get_str(rd, o, where, "device", false);
	id->subvendor = get_str(rd, o, where, "subvendor", false);
	id->subdevice = get_str(rd, o, where, "subdevice", false);
	id->class = get_str(rd, o, where, "class", false);
	id->alias = get_str(rd, o, where, "alias", true);
	id->module = get_str(rd, o, where, "module", false);
	id->source = get_str(rd, o, where, "source", false);
	_cleanup_free_ char *verdict = get_str(rd, o, where, "verdict", true);
	int v = enum_of(verdict, verdict_name, RP_VERDICT_COUNT);
	if (verdict && v < 0)
		bad(rd, where, "verdict", "is not new, supported or overlap");
	id->verdict = v < 0 ? RP_VERDICT_NEW : (enum rp_verdict)v;
	get_strv(rd, o, where, "claimed_by", &id->claimed_by);
	get_strv(rd, o, where, "possible_class_match", &id->possible_class_match);
	json_object *arr;
	size_t n = get_objects(rd, o, where, "claims", &arr);
	id->claims = kp_calloc(n, sizeof(*id->claims));
	for (size_t i = 0; i < n; i++, id->nclaims++) {
		json_object *c = json_object_array_get_idx(arr, i);
		_cleanup_free_ char *w = kp_asprintf("%s.claims[%zu]", where, i);
		struct rp_hcl_claim *cl = &id->claims[i];
		cl->module = get_str(rd, c, w, "module", true);
		cl->alias = get_str(rd, c, w, "alias", true);
		cl->relation = get_str(rd, c, w, "relation", true);
		cl->class_claim = get_bool(rd, c, w, "class_claim");
		cl->builtin = get_bool(rd, c, w, "builtin");
	}
	id->vendor_name = get_str(rd, o, where, "vendor_name", false);
	id->device_name = get_str(rd, o, where, "device_name", false);
	id->subsystem_name = get_str(rd, o, where, "subsystem_name", false);
}

static void read_coverage(struct rd *rd, json_object *o, const char *where, struct rp_coverage *c)
{
	json_object *arr;
	size_t n = get_objects(rd, o, where, "ids", &arr);
	c->ids = kp_calloc(n, sizeof(*c->ids));
	for (size_t i = 0; i < n; i++, c->nids++) {
		_cleanup_free_ char *w = kp_asprintf("%s.ids[%zu]", where, i);
		read_hcl_id(rd, json_object_array_get_idx(arr, i), w, &c->ids[i]);
	}
	json_object *s = get(rd, o, where, "summary", json_type_object, true);
	_cleanup_free_ char *ws = kp_asprintf("%s.summary", where);
	for (enum rp_verdict v = RP_VERDICT_NEW; s && v < RP_VERDICT_COUNT; v++)
		c->summary[v] = (size_t)get_int(rd, s, ws, rp_verdict_name(v));
	c->modules_dir = get_str(rd, o, where, "modules_dir", false);
}

static void read_check(struct rd *rd, json_object *o, const char *where, const char *key,
		       struct rp_check *c)
{
	json_object *v = get(rd, o, where, key, json_type_object, true);
	if (!v)
		return;
	_cleanup_free_ char *w = kp_asprintf("%s.%s", where, key);
	_cleanup_free_ char *st = get_str(rd, v, w, "status", true);
	int s = enum_of(st, status_name, RP_SKIP + 1);
	if (st && s < 0)
		bad(rd, w, "status", "is not passed, failed, skipped or not run");
	c->status = s < 0 ? RP_NOTRUN : (enum rp_status)s;
	get_strv(rd, v, w, "errors", &c->errors);
}

static void read_verify_module(struct rd *rd, json_object *o, const char *where,
			       struct rp_verify_module *m)
{
	m->name = get_str(rd, o, where, "name", true);
	m->path = get_str(rd, o, where, "path", true);
	read_check(rd, o, where, "install", &m->install);
	read_check(rd, o, where, "symbols", &m->symbols);
	read_check(rd, o, where, "load", &m->load);
	json_object *l = get(rd, o, where, "load", json_type_object, true);
	if (!l)
		return;
	_cleanup_free_ char *w = kp_asprintf("%s.load", where);
	m->load_error = get_str(rd, l, w, "error", false);
	m->load_errno = get_str(rd, l, w, "errno", false);
	m->sig_verdict = get_str(rd, l, w, "signature", false);
	get_strv(rd, l, w, "kernel", &m->kernel);
}

static void read_verify_flavour(struct rd *rd, json_object *o, const char *where,
				struct rp_verify_flavour *f)
{
	f->name = get_str(rd, o, where, "name", true);
	f->release = get_str(rd, o, where, "release", true);
	f->image = get_str(rd, o, where, "image", false);
	read_check(rd, o, where, "install", &f->install);
	read_check(rd, o, where, "symbols", &f->symbols);
	read_check(rd, o, where, "load", &f->load);
	json_object *in = get(rd, o, where, "install", json_type_object, true);
	json_object *lo = get(rd, o, where, "load", json_type_object, true);
	if (!in || !lo)
		return;
	_cleanup_free_ char *wi = kp_asprintf("%s.install", where);
	_cleanup_free_ char *wl = kp_asprintf("%s.load", where);
	f->scripts = get_bool(rd, in, wi, "scripts");
	f->install_seconds = get_double(rd, in, wi, "seconds", true);
	f->load_reason = get_str(rd, lo, wl, "reason", false);
	f->accel = get_str(rd, lo, wl, "accel", false);
	f->load_seconds = get_double(rd, lo, wl, "seconds", f->accel != NULL);
	f->console = get_str(rd, lo, wl, rd->version >= 2 ? "log" : "console", false);
	if (json_object_object_get_ex(lo, "kernel_modules", NULL)) /* absent before issue 12 */
		get_strv(rd, lo, wl, "kernel_modules", &f->kernel_modules);
	json_object *arr;
	size_t n = get_objects(rd, o, where, "modules", &arr);
	f->mods = kp_calloc(n, sizeof(*f->mods));
	for (size_t k = 0; k < n; k++, f->nmods++) {
		_cleanup_free_ char *w = kp_asprintf("%s.modules[%zu]", where, k);
		read_verify_module(rd, json_object_array_get_idx(arr, k), w, &f->mods[k]);
	}
	f->passed = get_bool(rd, o, where, "passed");
}

static struct rp_verify *read_verify(struct rd *rd, json_object *o)
{
	struct rp_verify *v = kp_calloc(1, sizeof(*v));
	v->passed = get_bool(rd, o, "verify", "passed");
	json_object *arr;
	size_t n = get_objects(rd, o, "verify", "flavours", &arr);
	v->flavours = kp_calloc(n, sizeof(*v->flavours));
	for (size_t i = 0; i < n; i++, v->nflavours++) {
		_cleanup_free_ char *w = kp_asprintf("verify.flavours[%zu]", i);
		read_verify_flavour(rd, json_object_array_get_idx(arr, i), w, &v->flavours[i]);
	}
	return v;
}

static void read_flavour(struct rd *rd, json_object *o, const char *where, struct rp_flavour *f)
{
	f->name = get_str(rd, o, where, "name", true);
	f->release = get_str(rd, o, where, "release", true);
	f->kver = get_str(rd, o, where, "kver", true);
	f->tree = get_str(rd, o, where, "tree", true);
	f->log = get_str(rd, o, where, "log", true);
	f->compile_seconds =
	    get_double(rd, o, where, rd->version >= 2 ? "seconds" : "compile_seconds", true);
	json_object *arr;
	size_t n = get_objects(rd, o, where, "modules", &arr);
	f->mods = kp_calloc(n, sizeof(*f->mods));
	for (size_t k = 0; k < n; k++, f->nmods++) {
		json_object *jm = json_object_array_get_idx(arr, k);
		_cleanup_free_ char *w = kp_asprintf("%s.modules[%zu]", where, k);
		struct rp_module *m = &f->mods[k];
		m->name = get_str(rd, jm, w, "name", true);
		m->path = get_str(rd, jm, w, "path", true);
		m->debug_path = get_str(rd, jm, w, "debug_path", false);
		m->vermagic = get_str(rd, jm, w, "vermagic", true);
		m->srcversion = get_str(rd, jm, w, "srcversion", false);
		get_strv(rd, jm, w, "aliases", &m->aliases);
		get_strv(rd, jm, w, "firmware", &m->firmware);
		json_object *sig = get(rd, jm, w, "signature", json_type_object, false);
		if (sig) {
			_cleanup_free_ char *ws = kp_asprintf("%s.signature", w);
			m->sig_signer = get_str(rd, sig, ws, "signer", true);
			m->sig_key = get_str(rd, sig, ws, "sig_key", true);
			m->sig_hashalgo = get_str(rd, sig, ws, "sig_hashalgo", true);
		}
	}
	json_object *h = get(rd, o, where, "hcl", json_type_object, false);
	if (h) {
		_cleanup_free_ char *w = kp_asprintf("%s.hcl", where);
		f->hcl = kp_calloc(1, sizeof(*f->hcl));
		read_coverage(rd, h, w, f->hcl);
	}
}

static void read_artifact(struct rd *rd, json_object *o, const char *where, struct rp_artifact *a)
{
	a->path = get_str(rd, o, where, "path", true);
	_cleanup_free_ char *kind = get_str(rd, o, where, "kind", true);
	int k = enum_of(kind, kind_name, RP_ARTIFACT_KIND_COUNT);
	if (kind && k < 0)
		bad(rd, where, "kind", "is not rpm, data-rpm, srpm, spec or debuginfo-rpm");
	a->kind = k < 0 ? RP_ARTIFACT_RPM : (enum rp_artifact_kind)k;
	a->flavour = get_str(rd, o, where, "flavour",
			     a->kind == RP_ARTIFACT_RPM || a->kind == RP_ARTIFACT_DEBUGINFO_RPM);
	a->size = get_int(rd, o, where, "size");
	_cleanup_free_ char *sum = get_str(rd, o, where, "sha256", true);
	if (sum && strlen(sum) != 64)
		bad(rd, where, "sha256", "is not 64 hex digits");
	else if (sum)
		memcpy(a->sha256, sum, 65);
	_cleanup_free_ char *content = get_str(rd, o, where, "content_sha256", false);
	if (content && strlen(content) != 64)
		bad(rd, where, "content_sha256", "is not 64 hex digits");
	else if (content)
		memcpy(a->content_sha256, content, 65);
	a->gpg_key = get_str(rd, o, where, "gpg_key", false);
	/* The path is joined to the outdir by every reader: it must stay below it. */
	if (a->path && (a->path[0] == '/' || strstr(a->path, "..")))
		bad(rd, where, "path", "is not a path below the output dir");
}

/*
 * Which build schema the report follows: reports of kmodpack 0.1 have no
 * "schema" (version 1: compile_seconds, load.console); newer versions
 * than this reader knows are refused rather than misread.
 */
static void read_schema(struct rd *rd, json_object *o)
{
	_cleanup_free_ char *schema = get_str(rd, o, "", "schema", false);
	rd->version = 1;
	if (!schema)
		return;
	char *end = "";
	long v = kp_startswith(schema, "kmodpack.build/")
		     ? strtol(schema + strlen("kmodpack.build/"), &end, 10)
		     : 0;
	if (v < 2 || *end) {
		bad(rd, "", "schema", "is not kmodpack.build/N");
	} else if (v > RP_SCHEMA_BUILD) {
		if (!rd->quiet)
			kp_err("'%s': written by a newer kmodpack (schema %s; this one reads "
			       "kmodpack.build/%d and older): rebuild, or use that kmodpack",
			       rd->path, schema, RP_SCHEMA_BUILD);
		rd->err = -KP_EINPUT;
	}
	rd->version = (int)v;
}

static void read_build(struct rd *rd, json_object *o, struct rp_build *b)
{
	read_schema(rd, o);
	if (rd->err < 0)
		return;
	b->kmodpack_version = get_str(rd, o, "", "kmodpack_version", true);
	json_object *d = get(rd, o, "", "driver", json_type_object, true);
	json_object *v = get(rd, o, "", "vendor", json_type_object, true);
	json_object *t = get(rd, o, "", "target", json_type_object, true);
	if (!d || !v || !t)
		return;
	b->driver_name = get_str(rd, d, "driver", "name", true);
	b->driver_version = get_str(rd, d, "driver", "version", true);
	b->driver_release = get_str(rd, d, "driver", "release", true);
	b->manifest = get_str(rd, d, "driver", "manifest", true);
	b->vendor_code = get_str(rd, v, "vendor", "code", true);
	b->vendor_name = get_str(rd, v, "vendor", "name", true);
	b->target_name = get_str(rd, t, "target", "name", true);
	b->arch = get_str(rd, t, "target", "arch", true);
	b->module_dir = get_str(rd, t, "target", "module_dir", true);
	b->source_date_epoch = get_int(rd, o, "", "source_date_epoch");
	json_object *arr;
	size_t n = get_objects(rd, o, "", "flavours", &arr);
	b->flavours = kp_calloc(n, sizeof(*b->flavours));
	for (size_t i = 0; i < n; i++, b->nflavours++) {
		_cleanup_free_ char *w = kp_asprintf("flavours[%zu]", i);
		read_flavour(rd, json_object_array_get_idx(arr, i), w, &b->flavours[i]);
	}
	/* Reports of kmodpack 0.1.1 and before have no "skipped". */
	if (get(rd, o, "", "skipped", json_type_array, false)) {
		n = get_objects(rd, o, "", "skipped", &arr);
		for (size_t i = 0; i < n; i++) {
			_cleanup_free_ char *w = kp_asprintf("skipped[%zu]", i);
			json_object *js = json_object_array_get_idx(arr, i);
			struct rp_skipped *s = rp_build_add_skipped(b);
			s->name = get_str(rd, js, w, "name", true);
			s->release = get_str(rd, js, w, "release", true);
			s->reason = get_str(rd, js, w, "reason", true);
		}
	}
	n = get_objects(rd, o, "", "artifacts", &arr);
	b->artifacts = kp_calloc(n, sizeof(*b->artifacts));
	for (size_t i = 0; i < n; i++, b->nartifacts++) {
		_cleanup_free_ char *w = kp_asprintf("artifacts[%zu]", i);
		read_artifact(rd, json_object_array_get_idx(arr, i), w, &b->artifacts[i]);
	}
	b->has_data = get(rd, o, "", "eulas", json_type_array, false) != NULL;
	if (b->has_data) {
		get_strv(rd, o, "", "eulas", &b->eulas);
		get_strv(rd, o, "", "firmware_external", &b->firmware_external);
	}
	json_object *jv = get(rd, o, "", "verify", json_type_object, false);
	if (jv)
		b->verify = read_verify(rd, jv);
}

static int parse_text(const char *path, const char *text, bool quiet, struct rp_build **out);

static int read_file(const char *path, bool quiet, struct rp_build **out)
{
	*out = NULL;
	_cleanup_free_ char *text = NULL;
	int r = kp_read_file(path, &text, NULL);
	if (r < 0) {
		if (!quiet)
			kp_err("cannot read '%s': %s", path, strerror(-r));
		return r;
	}
	return parse_text(path, text, quiet, out);
}

int rp_build_parse(const char *path, const void *data, size_t len, struct rp_build **out)
{
	*out = NULL;
	/* NUL-terminated as kp_read_file() leaves a file's bytes */
	_cleanup_free_ char *text = kp_malloc(len + 1);
	if (len)
		memcpy(text, data, len);
	text[len] = '\0';
	return parse_text(path, text, false, out);
}

/* The one reader of build reports: text is the file path's bytes, NUL-terminated. */
static int parse_text(const char *path, const char *text, bool quiet, struct rp_build **out)
{
	enum json_tokener_error jerr;
	json_object *o = json_tokener_parse_verbose(text, &jerr);
	if (!o || !json_object_is_type(o, json_type_object)) {
		if (!quiet)
			kp_err("'%s': not a JSON build report (%s)", path,
			       o ? "not an object" : json_tokener_error_desc(jerr));
		json_object_put(o);
		return -KP_EINPUT;
	}
	struct rd rd = {.path = path, .quiet = quiet};
	struct rp_build *b = rp_build_new();
	read_build(&rd, o, b);
	json_object_put(o);
	if (rd.err < 0) {
		rp_build_free(b);
		return rd.err;
	}
	*out = b;
	return 0;
}

int rp_build_read(const char *path, struct rp_build **out)
{
	return read_file(path, false, out);
}

int rp_build_try_read(const char *path, struct rp_build **out)
{
	return read_file(path, true, out);
}
