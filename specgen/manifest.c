// SPDX-License-Identifier: GPL-2.0-or-later
#include "specgen/manifest.h"

#include <ctype.h>
#include <errno.h>
#include <time.h>

#include "common/fs.h"
#include "common/ini.h"
#include "common/log.h"

bool spec_is_package_name(const char *s)
{
	if (!*s || strlen(s) > 64 || !(islower((unsigned char)*s) || isdigit((unsigned char)*s)))
		return false;
	for (const char *p = s; *p; p++)
		if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '-' &&
		    *p != '_')
			return false;
	return true;
}

bool spec_is_rpm_version(const char *s)
{
	/* rpm's rule for Version/Release: no '-', no white space; we also keep
	 * out everything that means something to rpm or the shell. */
	if (!*s || strlen(s) > 64 || !isalnum((unsigned char)*s))
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._+~^", *p))
			return false;
	return true;
}

long long spec_changelog_epoch(const char *changelog)
{
	if (!changelog)
		return -1;
	const char *p = changelog;
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '*')
		return -1;
	struct tm tm = {0};
	const char *end = strptime(p + 1, " %a %b %d %Y", &tm);
	if (!end)
		return -1;
	return (long long)timegm(&tm);
}

static bool one_line(const char *s)
{
	for (const char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r')
			return false;
	return true;
}

static bool make_arg_ok(const char *a)
{
	/* NAME=VALUE, passed as one argv element to make and quoted in the spec. */
	const char *eq = strchr(a, '=');
	if (!eq || eq == a)
		return false;
	for (const char *p = a; p < eq; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
	for (const char *p = eq + 1; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._,/:+=-", *p))
			return false;
	return true;
}

struct loader {
	struct spec_manifest *m;
	const char *path;
	int errors;
	const char *section;
	struct kp_strv refused; /* section.key already reported: not "missing" as well */
};

KP_PRINTF(3, 4) static void bad(struct loader *l, const struct kp_kv *kv, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *why = kp_vasprintf(fmt, ap);
	va_end(ap);
	kp_err("%s:%d: %s: %s", l->path, kv->line, kv->key, why);
	l->errors++;
	kp_strv_pushf(&l->refused, "%s.%s", l->section, kv->key);
}

static void set(char **slot, const char *value)
{
	free(*slot);
	*slot = kp_strdup(value);
}

static void on_driver(struct loader *l, const struct kp_kv *kv)
{
	struct spec_manifest *m = l->m;
	const char *k = kv->key, *v = kv->value;

	if (!strcmp(k, "name")) {
		if (!spec_is_package_name(v))
			return bad(l, kv,
				   "'%s' must be lowercase letters, digits, '-' and '_' "
				   "(it names the package and the module directory)",
				   v);
		set(&m->name, v);
	} else if (!strcmp(k, "version") || !strcmp(k, "release")) {
		if (!spec_is_rpm_version(v))
			return bad(l, kv,
				   "'%s' is not usable as an RPM %s: use letters, digits "
				   "and . _ + ~ ^, starting with a letter or digit (no '-')",
				   v, k);
		set(!strcmp(k, "version") ? &m->version : &m->release, v);
	} else if (!strcmp(k, "summary") || !strcmp(k, "license") || !strcmp(k, "url")) {
		if (!one_line(v))
			return bad(l, kv,
				   "must be one line (continuation lines are not allowed "
				   "here)");
		if (!*v)
			return bad(l, kv, "is empty");
		set(!strcmp(k, "summary")   ? &m->summary
		    : !strcmp(k, "license") ? &m->license
					    : &m->url,
		    v);
	} else if (!strcmp(k, "description")) {
		set(&m->description, v);
	} else if (!strcmp(k, "changelog")) {
		if (spec_changelog_epoch(v) < 0)
			return bad(l, kv,
				   "must start with an rpm changelog heading such as "
				   "'* Wed Nov 25 2026 Name <mail> - 1.0-1'");
		set(&m->changelog, v);
	} else if (!strcmp(k, "source")) {
		set(&m->source, v);
		m->source_line = kv->line;
	} else if (!strcmp(k, "subdir")) {
		if (v[0] == '/' || strstr(v, "..") || !one_line(v))
			return bad(l, kv, "'%s' must be a relative path inside the source", v);
		set(&m->subdir, v);
	} else if (!strcmp(k, "modules")) {
		kp_strv_release(&m->modules);
		kp_strv_split(&m->modules, v);
		for (size_t i = 0; i < m->modules.n; i++) {
			char *mod = m->modules.v[i];
			if (kp_endswith(mod, ".ko"))
				mod[strlen(mod) - 3] = '\0';
			for (char *p = mod; *p; p++)
				if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
					return bad(l, kv, "'%s' is not a module name", mod);
		}
	} else if (!strcmp(k, "make_args")) {
		kp_strv_release(&m->make_args);
		kp_strv_split_on(&m->make_args, v, " \t\r\n");
		for (size_t i = 0; i < m->make_args.n; i++)
			if (!make_arg_ok(m->make_args.v[i]))
				return bad(l, kv,
					   "'%s' must be NAME=VALUE with a value of letters, "
					   "digits and ._,/:+=- only",
					   m->make_args.v[i]);
	} else if (!strcmp(k, "source_date_epoch")) {
		char *end;
		errno = 0;
		long long e = strtoll(v, &end, 10);
		if (errno || !*v || *end || e < 0)
			return bad(l, kv, "'%s' is not a number of seconds since 1970", v);
		m->source_date_epoch = e;
	} else {
		bad(l, kv,
		    "unknown key in [driver] (known: name, version, release, summary, "
		    "license, description, url, source, subdir, modules, make_args, "
		    "changelog, source_date_epoch)");
	}
}

static void on_vendor(struct loader *l, const struct kp_kv *kv)
{
	struct spec_manifest *m = l->m;
	if (!strcmp(kv->key, "code")) {
		if (!spec_is_package_name(kv->value))
			return bad(l, kv,
				   "'%s' must be one lowercase word: letters, digits, '-' "
				   "and '_' (guide 6.1.1)",
				   kv->value);
		if (!strcmp(kv->value, "xs"))
			return bad(l, kv,
				   "'xs' is reserved for the product's own packs: use a "
				   "code that names your organisation");
		set(&m->vendor_code, kv->value);
	} else if (!strcmp(kv->key, "name")) {
		if (!one_line(kv->value) || !*kv->value)
			return bad(l, kv, "must be one non-empty line");
		set(&m->vendor_name, kv->value);
	} else {
		bad(l, kv, "unknown key in [vendor] (known: code, name)");
	}
}

/* Sections another module validates: kept as read, with their lines. */
static void keep_raw(struct kp_kv **v, size_t *n, const struct kp_kv *kv)
{
	*v = kp_reallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = (struct kp_kv){
	    .key = kp_strdup(kv->key), .value = kp_strdup(kv->value), .line = kv->line};
}

static void free_raw(struct kp_kv *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}

static void require(struct loader *l, const char *what, const char *key, const char *value)
{
	if (value || kp_strv_contains(&l->refused, key))
		return;
	kp_err("%s: %s is missing", l->path, what);
	l->errors++;
}

/* Read the manifest's INI file; every way it can be missing or unreadable is bad input. */
static int read_manifest_ini(const char *dir_or_file, const char *path, struct kp_ini **ini)
{
	int r = kp_ini_load(path, ini);
	if (r == -ENOENT && !kp_is_dir(dir_or_file) && !kp_endswith(dir_or_file, ".ini")) {
		kp_err("'%s': no such driver directory", dir_or_file);
		return -KP_EINPUT;
	}
	if (r == -ENOENT) {
		kp_err("no manifest '%s': a driver directory needs a kmodpack.ini (see "
		       "'man kmodpack' or docs/manifest.md)",
		       path);
		return -KP_EINPUT;
	}
	if (r < 0 && r != -KP_EINPUT) {
		kp_err("cannot read '%s': %s", path, strerror(-r));
		return -KP_EINPUT;
	}
	return r;
}

/* m->dir and m->path, absolute: messages and the build report name them wherever run from. */
static void set_manifest_paths(struct spec_manifest *m, const char *path)
{
	_cleanup_free_ char *dir = kp_strdup(path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	m->dir = realpath(slash ? dir : ".", NULL);
	if (!m->dir)
		m->dir = kp_strdup(slash ? dir : ".");
	m->path = kp_path_join(m->dir, slash ? slash + 1 : path);
}

static void add_data_entry(struct spec_manifest *m, const struct kp_kv *kv)
{
	if (!m->data_line)
		m->data_line = kv->line;
	keep_raw(&m->data, &m->ndata, kv);
}

static void read_sections(struct loader *l, const struct kp_ini *ini)
{
	_cleanup_strv_ struct kp_strv seen = {0};
	for (size_t i = 0; i < ini->n; i++) {
		const char *sec = ini->e[i].section;
		const struct kp_kv *kv = &ini->e[i].kv;
		_cleanup_free_ char *id = kp_asprintf("%s.%s", sec, kv->key);
		if (kp_strv_contains(&seen, id)) {
			bad(l, kv, "given twice in [%s]", sec);
			continue;
		}
		kp_strv_push(&seen, id);
		l->section = sec;
		if (!strcmp(sec, "driver")) {
			on_driver(l, kv);
		} else if (!strcmp(sec, "vendor")) {
			on_vendor(l, kv);
		} else if (!strcmp(sec, "data")) {
			add_data_entry(l->m, kv);
		} else if (!strcmp(sec, "pack")) {
			keep_raw(&l->m->pack, &l->m->npack, kv);
		} else {
			kp_err("%s:%d: unknown section [%s] (known: [driver], [vendor], [data], "
			       "[pack])",
			       l->path, kv->line, sec);
			l->errors++;
		}
	}
}

static void require_keys_and_defaults(struct loader *l)
{
	struct spec_manifest *m = l->m;
	require(l, "[driver] name", "driver.name", m->name);
	require(l, "[driver] version", "driver.version", m->version);
	require(l, "[driver] summary", "driver.summary", m->summary);
	require(l, "[driver] license", "driver.license", m->license);
	require(l, "[vendor] code", "vendor.code", m->vendor_code);
	require(l, "[vendor] name", "vendor.name", m->vendor_name);
	if (!m->release)
		m->release = kp_strdup("1");
	if (!m->description && m->summary)
		m->description = kp_strdup(m->summary);
	if (!m->subdir)
		m->subdir = kp_strdup("");
	if (m->source_date_epoch < 0)
		m->source_date_epoch = spec_changelog_epoch(m->changelog);
}

/* m->source made absolute and checked: a directory or a tarball libarchive reads. */
static void resolve_source(struct loader *l)
{
	struct spec_manifest *m = l->m;
	_cleanup_free_ char *src = kp_path_join(m->dir, m->source ? m->source : ".");
	free(m->source);
	m->source = realpath(src, NULL);
	_cleanup_free_ char *where = m->source_line
					 ? kp_asprintf("%s:%d: source", m->path, m->source_line)
					 : kp_asprintf("%s: source (default '.')", m->path);
	if (!m->source) {
		kp_err("%s: '%s' does not exist: set [driver] source to the driver's source "
		       "directory or tarball",
		       where, src);
		l->errors++;
	} else if (!kp_is_dir(m->source)) {
		static const char *const exts[] = {".tar", ".tar.gz", ".tgz", ".tar.bz2",
						   ".tar.xz"};
		for (size_t i = 0; i < KP_ARRAY_SIZE(exts); i++)
			m->source_is_archive |= kp_endswith(m->source, exts[i]);
		if (!m->source_is_archive) {
			kp_err("%s: '%s' is neither a directory nor a .tar, .tar.gz, .tar.bz2 "
			       "or .tar.xz archive",
			       where, m->source);
			l->errors++;
		}
	}
}

int spec_manifest_load(const char *dir_or_file, struct spec_manifest **out)
{
	_cleanup_free_ char *path = kp_is_dir(dir_or_file)
					? kp_path_join(dir_or_file, SPEC_MANIFEST_NAME)
					: kp_strdup(dir_or_file);
	_cleanup_(kp_ini_freep) struct kp_ini *ini = NULL;
	int r = read_manifest_ini(dir_or_file, path, &ini);
	if (r < 0)
		return r;

	_cleanup_(spec_manifest_freep) struct spec_manifest *m = kp_calloc(1, sizeof(*m));
	m->source_date_epoch = -1;
	set_manifest_paths(m, path);
	struct loader l = {.m = m, .path = m->path};
	read_sections(&l, ini);
	require_keys_and_defaults(&l);
	resolve_source(&l);
	kp_strv_release(&l.refused);
	if (l.errors)
		return -KP_EINPUT;
	*out = TAKE_PTR(m);
	return 0;
}

void spec_manifest_free(struct spec_manifest *m)
{
	if (!m)
		return;
	free(m->path);
	free(m->dir);
	free(m->name);
	free(m->version);
	free(m->release);
	free(m->summary);
	free(m->license);
	free(m->description);
	free(m->url);
	free(m->source);
	free(m->subdir);
	kp_strv_release(&m->modules);
	kp_strv_release(&m->make_args);
	free(m->changelog);
	free(m->vendor_code);
	free(m->vendor_name);
	free_raw(m->data, m->ndata);
	free_raw(m->pack, m->npack);
	free(m);
}
