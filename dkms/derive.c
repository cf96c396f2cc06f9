// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dkms.conf + debian/ + the sources -> kmodpack.ini text (see derive.h).
 * Every value gets a comment naming where it came from; every dkms.conf
 * directive kmodpack does not need gets a comment saying why; what it
 * cannot honour is an error with file:line.
 */
#include "dkms/derive.h"

#include <ctype.h>
#include <errno.h>

#include "common/fs.h"
#include "common/log.h"
#include "dkms/conf.h"
#include "dkms/internal.h"
#include "kbuild/release.h"

struct deriv {
	unsigned flags;	      /* DK_DERIVE_* */
	const char *dir;      /* the driver dir, absolute */
	const char *conf_rel; /* dkms.conf as a path relative to dir */
	struct dk_conf *c;
	struct dk_changelog cl;
	struct dk_control ctl;
	struct dk_sources src;
	struct kp_buf ini;
	struct kp_strv top;    /* comments above [driver] */
	struct kp_strv mapped; /* for the one line build and spec print */
	int errors;
	/* from MAKE */
	struct kp_strv make_args;
	char *make_subdir;
	int make_line;
	bool make_own; /* MAKE's -C names the driver's dir: its own Makefile is the entry */
	bool make_m;   /* MAKE passes M= (or SUBDIRS=): Kbuild is entered directly */
	int exclusive_config_line, exclusive_arch_line;
	int exclusive_kernel_line, exclusive_min_line, exclusive_max_line;
};

KP_PRINTF(3, 4) static void bad(struct deriv *d, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *why = kp_vasprintf(fmt, ap);
	va_end(ap);
	if (line)
		kp_err("%s/%s:%d: %s", d->dir, d->conf_rel, line, why);
	else
		kp_err("%s/%s: %s", d->dir, d->conf_rel, why);
	d->errors++;
}

static const char *conf_value(const struct deriv *d, const char *name, int index, int *line)
{
	const struct dk_var *v = dk_conf_get(d->c, name, index);
	if (line)
		*line = v ? v->line : 0;
	return v ? v->value : NULL;
}

/* ---- writing INI text the manifest reader reads back unchanged ---- */

/* One line of a value: no ' ;' (an INI comment), no leading ';' or '#' on a continuation. */
static void put_line(struct kp_buf *b, const char *line, bool first)
{
	_cleanup_free_ char *l = kp_strdup(line);
	kp_strstrip(l);
	if (!first) {
		kp_buf_adds(b, "  ");
		if (!*l) {
			kp_buf_adds(b, ".\n");
			return;
		}
	}
	/* a comment to the INI reader, or its empty-line marker */
	if (*l == ';' || *l == '#' || (!first && !strcmp(l, ".")))
		kp_buf_adds(b, "- ");
	for (const char *p = l; *p; p++) {
		if (isspace((unsigned char)*p)) {
			const char *q = p;
			while (isspace((unsigned char)*q))
				q++;
			if (*q == ';') {
				p = q - 1;
				continue;
			}
		}
		kp_buf_addc(b, *p);
	}
	kp_buf_addc(b, '\n');
}

KP_PRINTF(4, 5)
static void put(struct deriv *d, const char *key, const char *value, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *origin = kp_vasprintf(fmt, ap);
	va_end(ap);
	for (char *p = origin; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	kp_buf_addf(&d->ini, "; %s\n%s = ", origin, key);
	const char *p = value;
	bool first = true;
	do {
		const char *eol = strchr(p, '\n');
		_cleanup_free_ char *line = eol ? kp_strndup(p, eol - p) : kp_strdup(p);
		put_line(&d->ini, line, first);
		first = false;
		p = eol ? eol + 1 : NULL;
	} while (p);
}

/* ---- version ---- */

static bool prerelease_word(const char *s)
{
	static const char *const words[] = {"pre",  "rc",	"alpha", "beta",    "dev",
					    "test", "snapshot", "git",	 "preview", "nightly"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(words); i++) {
		size_t n = strlen(words[i]);
		if (!strncasecmp(s, words[i], n) && !isalpha((unsigned char)s[n]))
			return true;
	}
	return false;
}

char *dk_rpm_version(const char *v, char *bad)
{
	if (!isalnum((unsigned char)*v)) {
		*bad = *v;
		return NULL;
	}
	_cleanup_free_ char *out = kp_strdup(v);
	for (char *p = out; *p; p++) {
		if (*p == '-') {
			*p = prerelease_word(p + 1) ? '~' : '_';
		} else if (!isalnum((unsigned char)*p) && !strchr("._+~^", *p)) {
			*bad = *p;
			return NULL;
		}
	}
	if (strlen(out) > 64) {
		*bad = out[64];
		return NULL;
	}
	return TAKE_PTR(out);
}

static char *debian_upstream(const char *debver, char **revision)
{
	const char *v = strchr(debver, ':') ? strchr(debver, ':') + 1 : debver;
	const char *dash = strrchr(v, '-');
	*revision = dash ? kp_strdup(dash + 1) : NULL;
	return dash ? kp_strndup(v, dash - v) : kp_strdup(v);
}

static void derive_version(struct deriv *d)
{
	int line;
	const char *raw = conf_value(d, "PACKAGE_VERSION", -1, &line);
	if (!raw || !*raw)
		return bad(d, line, "no PACKAGE_VERSION: DKMS requires one, and so does kmodpack");
	_cleanup_free_ char *rev = NULL, *up = NULL;
	if (d->cl.top_version)
		up = debian_upstream(d->cl.top_version, &rev);
	_cleanup_free_ char *version = NULL, *origin = NULL;
	const char *ph = strstr(raw, "#MODULE_VERSION#");
	if (ph) {
		if (!up)
			return bad(d, line,
				   "PACKAGE_VERSION is the placeholder '#MODULE_VERSION#', which "
				   "dh_dkms fills from debian/changelog, and there is no "
				   "debian/changelog: write a kmodpack.ini with [driver] version");
		version = kp_asprintf("%.*s%s%s", (int)(ph - raw), raw, up,
				      ph + strlen("#MODULE_VERSION#"));
		origin = kp_asprintf("debian/changelog:%d (%s), for %s:%d PACKAGE_VERSION=\"%s\"",
				     d->cl.top_line, d->cl.top_version, d->conf_rel, line, raw);
	} else {
		version = kp_strdup(raw);
		origin = kp_asprintf("%s:%d PACKAGE_VERSION", d->conf_rel, line);
	}
	char c = 0;
	_cleanup_free_ char *rpmv = dk_rpm_version(version, &c);
	if (!rpmv)
		return bad(d, line,
			   "PACKAGE_VERSION '%s': '%c' cannot be part of an RPM version: write a "
			   "kmodpack.ini with [driver] version",
			   version, c);
	if (strcmp(rpmv, version)) {
		kp_strv_pushf(&d->mapped, "version '%s' as '%s'", version, rpmv);
		put(d, "version", rpmv,
		    "%s '%s', in rpm's rules ('-' is rpm's release separator%s)", origin, version,
		    strchr(rpmv, '~') ? "; '~' sorts a pre-release before the release" : "");
	} else {
		put(d, "version", rpmv, "%s", origin);
	}
	/* the release: the Debian revision when the changelog is about this version */
	if (rev && up && (ph || !strcmp(up, version))) {
		_cleanup_free_ char *rel = dk_rpm_version(rev, &c);
		if (rel) {
			put(d, "release", rel, "debian/changelog:%d: the Debian revision of %s",
			    d->cl.top_line, d->cl.top_version);
			return;
		}
	}
	put(d, "release", "1", "default: the first packaging of this version");
}

/* ---- MAKE ---- */

/* A path made of the build dir DKMS uses, or the source dir: the part below it, or NULL. */
static const char *below_build_dir(const struct deriv *d, const char *path)
{
	const char *name = conf_value(d, "PACKAGE_NAME", -1, NULL);
	const char *ver = conf_value(d, "PACKAGE_VERSION", -1, NULL);
	if (!name || !ver)
		return NULL;
	_cleanup_free_ char *build = kp_asprintf("{dkms_tree}/%s/%s/build", name, ver);
	_cleanup_free_ char *src = kp_asprintf("{dkms_source_tree}/%s-%s", name, ver);
	const char *rest = NULL;
	if (kp_startswith(path, build))
		rest = path + strlen(build);
	else if (kp_startswith(path, src))
		rest = path + strlen(src);
	if (!rest || (*rest && *rest != '/'))
		return NULL;
	while (*rest == '/')
		rest++;
	return rest;
}

/* A directory for -C or M=: true with *sub set when it is the driver's own (or below it). */
static bool own_dir(const struct deriv *d, const char *dir, const char **sub)
{
	if (!strcmp(dir, "{tree}"))
		return false;
	*sub = below_build_dir(d, dir);
	if (*sub)
		return true;
	if (dir[0] != '/' && !strchr(dir, '{') && !strstr(dir, "..")) {
		*sub = kp_startswith(dir, "./") ? dir + 2 : dir;
		return true;
	}
	return false;
}

/* Kernel tree paths real files spell out, as the per-flavour placeholders. */
static char *map_paths(const char *v)
{
	static const struct {
		const char *from, *to;
	} map[] = {
	    {"/lib/modules/{release}/build", "{tree}"},
	    {"/usr/lib/modules/{release}/build", "{tree}"},
	    {"{install_tree}/{release}/build", "{tree}"},
	    {"/lib/modules/{release}/source", "{source_tree}"},
	    {"/usr/lib/modules/{release}/source", "{source_tree}"},
	    {"{install_tree}/{release}/source", "{source_tree}"},
	    {"/usr/src/linux-headers-{release}", "{tree}"},
	};
	_cleanup_buf_ struct kp_buf b = {0};
	for (const char *p = v; *p;) {
		bool hit = false;
		for (size_t i = 0; i < KP_ARRAY_SIZE(map) && !hit; i++)
			if (kp_startswith(p, map[i].from)) {
				size_t n = strlen(map[i].from);
				if (p[n] == '/' && p[n + 1] == '\0')
					n++; /* a trailing slash */
				kp_buf_adds(&b, map[i].to);
				p += n;
				hit = true;
			}
		if (!hit)
			kp_buf_addc(&b, *p++);
	}
	return kp_buf_steal(&b);
}

static bool make_value_ok(const char *v)
{
	for (const char *p = v; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._,/:+=-{}", *p))
			return false;
	return true;
}

/* NAME=VALUE from MAKE: mapped into make_args, or refused. */
static void make_assignment(struct deriv *d, const char *w, int line, const char *how)
{
	_cleanup_free_ char *m = map_paths(w);
	const char *eq = strchr(m, '=');
	if (!strcmp(eq + 1, "{jobs}")) {
		kp_strv_pushf(&d->top,
			      "%s:%d MAKE: '%s' dropped: kmodpack's job budget (-j) applies",
			      d->conf_rel, line, w);
		return;
	}
	static const char *const dkms_only[] = {"{dkms_tree}", "{dkms_source_tree}",
						"{install_tree}", "{jobs}"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(dkms_only); i++)
		if (strstr(m, dkms_only[i]))
			return bad(d, line,
				   "MAKE: '%s' names a directory of DKMS's own (%s), which has no "
				   "counterpart in a kmodpack build: write a kmodpack.ini with "
				   "[driver] make_args",
				   w, dkms_only[i]);
	if (!make_value_ok(m))
		return bad(d, line,
			   "MAKE: '%s' cannot be a make_args word (letters, digits and ._,/:+=- "
			   "only, no spaces or quotes): write a kmodpack.ini with [driver] "
			   "make_args",
			   w);
	kp_strv_push(&d->make_args, m);
	if (strcmp(m, w) || how || strchr(m, '{'))
		kp_strv_pushf(&d->top, "%s:%d MAKE: '%s' passed as make argument '%s'%s%s",
			      d->conf_rel, line, w, m, how ? how : "",
			      strchr(m, '{') ? " ({tree}, {release}, {arch} are each flavour's)"
					     : "");
}

static bool is_assignment(const char *w)
{
	const char *p = w;
	if (!isalpha((unsigned char)*p) && *p != '_')
		return false;
	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	return *p == '=';
}

static void make_directory(struct deriv *d, const char *opt, const char *dir, int line)
{
	const char *sub;
	if (!strcmp(dir, "{tree}")) {
		kp_strv_pushf(&d->top, "%s:%d MAKE: '%s%s' is what kmodpack runs for every flavour",
			      d->conf_rel, line, opt, dir);
	} else if (own_dir(d, dir, &sub)) {
		free(d->make_subdir);
		d->make_subdir = kp_strdup(sub);
		d->make_line = line;
		d->make_own = true;
	} else {
		bad(d, line,
		    "MAKE: '%s%s' is neither the kernel tree nor a directory of the driver: "
		    "write a kmodpack.ini",
		    opt, dir);
	}
}

static void make_word(struct deriv *d, const struct kp_strv *w, size_t *i, int line)
{
	static const char *const targets[] = {"all", "modules", "default", "module", "build"};
	const char *a = w->v[*i];
	if (!strcmp(a, "-C") && *i + 1 < w->n) {
		make_directory(d, "-C ", w->v[++*i], line);
	} else if (kp_startswith(a, "-C") || kp_startswith(a, "--directory=")) {
		make_directory(d, a[1] == 'C' ? "-C" : "--directory=",
			       strchr(a, '=') ? strchr(a, '=') + 1 : a + 2, line);
	} else if (kp_startswith(a, "M=") || kp_startswith(a, "SUBDIRS=")) {
		const char *dir = strchr(a, '=') + 1;
		const char *sub;
		if (!own_dir(d, dir, &sub))
			return bad(d, line,
				   "MAKE: '%s' is not a directory of the driver: write a "
				   "kmodpack.ini",
				   a);
		free(d->make_subdir);
		d->make_subdir = kp_strdup(sub);
		d->make_line = line;
		d->make_m = true;
	} else if (!strcmp(a, "-j") || kp_startswith(a, "-j") || kp_startswith(a, "--jobs")) {
		if (!strcmp(a, "-j") && *i + 1 < w->n && isdigit((unsigned char)w->v[*i + 1][0]))
			++*i;
		kp_strv_pushf(&d->top,
			      "%s:%d MAKE: '%s' dropped: kmodpack's job budget (-j) applies",
			      d->conf_rel, line, a);
	} else if (!strcmp(a, "-s") || !strcmp(a, "--silent") ||
		   !strcmp(a, "--no-print-directory")) {
		kp_strv_pushf(&d->top, "%s:%d MAKE: '%s' dropped: kmodpack logs make's output",
			      d->conf_rel, line, a);
	} else if (is_assignment(a)) {
		make_assignment(d, a, line, NULL);
	} else {
		for (size_t t = 0; t < KP_ARRAY_SIZE(targets); t++)
			if (!strcmp(a, targets[t])) {
				kp_strv_pushf(&d->top,
					      "%s:%d MAKE: target '%s' dropped: kmodpack runs "
					      "Kbuild's modules target itself",
					      d->conf_rel, line, a);
				return;
			}
		bad(d, line,
		    "MAKE: '%s' is not an argument kmodpack can pass on (it runs make -C <tree> "
		    "M=<build dir> itself): write a kmodpack.ini with [driver] make_args",
		    a);
	}
}

static void derive_make(struct deriv *d)
{
	int line;
	for (int i = 1; i <= dk_conf_max_index(d->c, "MAKE"); i++) {
		int l;
		if (!conf_value(d, "MAKE", i, &l))
			continue;
		if (conf_value(d, "MAKE_MATCH", i, NULL))
			bad(d, l,
			    "MAKE[%d] with MAKE_MATCH[%d]: a make command for some kernels only; "
			    "kmodpack builds every flavour the same way: write a kmodpack.ini",
			    i, i);
		else
			kp_strv_pushf(&d->top,
				      "%s:%d MAKE[%d]: ignored, as DKMS ignores it without "
				      "MAKE_MATCH[%d]",
				      d->conf_rel, l, i, i);
	}
	if (conf_value(d, "MAKE_MATCH", 0, &line))
		bad(d, line,
		    "MAKE_MATCH[0]: a make command for some kernels only; kmodpack builds every "
		    "flavour the same way: write a kmodpack.ini");
	const char *make = conf_value(d, "MAKE", 0, &line);
	if (!make)
		return; /* DKMS's default is what kmodpack does: make -C <tree> M=<build dir> */
	_cleanup_strv_ struct kp_strv w = {0};
	if (dk_conf_words(d->c, make, line, &w) < 0) {
		d->errors++;
		return;
	}
	size_t first = w.n && !strcmp(w.v[0], "env"), i = first;
	while (i < w.n && is_assignment(w.v[i]))
		i++;
	bool is_make = i < w.n && (!strcmp(w.v[i], "make") || !strcmp(w.v[i], "/usr/bin/make") ||
				   !strcmp(w.v[i], "$(MAKE)"));
	if (!is_make && (d->flags & DK_DERIVE_FOR_REVIEW)) {
		kp_strv_pushf(&d->top,
			      "REVIEW: %s:%d MAKE runs '%s', not make, and kmodpack runs nothing "
			      "but make: set [driver] make_args to the arguments it passes to make",
			      d->conf_rel, line, i < w.n ? w.v[i] : "");
		kp_strv_pushf(&d->mapped, "MAKE's '%s' left to review", i < w.n ? w.v[i] : "");
		return;
	}
	for (size_t a = first; is_make && a < i; a++)
		make_assignment(d, w.v[a], line,
				" (an environment variable of make, passed as a make argument)");
	if (!is_make)
		return bad(d, line,
			   "MAKE runs '%s', not make: kmodpack runs make itself and runs nothing "
			   "else; write a kmodpack.ini with [driver] make_args for what that "
			   "command passes to make",
			   i < w.n ? w.v[i] : "");
	for (i++; i < w.n; i++)
		make_word(d, &w, &i, line);
}

/* ---- modules, subdir ---- */

static bool module_name_ok(const char *s)
{
	if (!*s)
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
			return false;
	return true;
}

static void derive_modules(struct deriv *d, char **location)
{
	int max = -1;
	static const char *const family[] = {"BUILT_MODULE_NAME", "BUILT_MODULE_LOCATION",
					     "DEST_MODULE_NAME", "DEST_MODULE_LOCATION"};
	for (size_t f = 0; f < KP_ARRAY_SIZE(family); f++)
		if (dk_conf_max_index(d->c, family[f]) > max)
			max = dk_conf_max_index(d->c, family[f]);
	_cleanup_buf_ struct kp_buf mods = {0};
	_cleanup_buf_ struct kp_buf lines = {0};
	bool same_location = true;
	for (int i = 0; i <= (max < 0 ? 0 : max); i++) {
		int line;
		const char *name = conf_value(d, "BUILT_MODULE_NAME", i, &line);
		if (!name && max <= 0)
			name = conf_value(d, "PACKAGE_NAME", -1, &line);
		if (!name) {
			bad(d, 0, "BUILT_MODULE_NAME[%d] is missing (DKMS numbers modules from 0)",
			    i);
			continue;
		}
		if (!module_name_ok(name)) {
			bad(d, line, "BUILT_MODULE_NAME[%d]: '%s' is not a module name", i, name);
			continue;
		}
		int dl;
		const char *dest = conf_value(d, "DEST_MODULE_NAME", i, &dl);
		if (dest && strcmp(dest, name))
			bad(d, dl,
			    "DEST_MODULE_NAME[%d]='%s' renames module '%s': kmodpack installs "
			    "modules under the name they are built with",
			    i, dest, name);
		const char *loc = conf_value(d, "BUILT_MODULE_LOCATION", i, NULL);
		_cleanup_free_ char *l = kp_strdup(loc ? loc : "");
		while (kp_startswith(l, "./"))
			memmove(l, l + 2, strlen(l) - 1);
		while (*l && l[strlen(l) - 1] == '/')
			l[strlen(l) - 1] = '\0';
		if (i == 0)
			*location = kp_strdup(l);
		else if (!*location || strcmp(*location, l))
			same_location = false;
		kp_buf_addf(&mods, "%s%s", mods.len ? " " : "", name);
		kp_buf_addf(&lines, "%s%d", lines.len ? "," : "", line);
	}
	if (!same_location) {
		free(*location);
		*location = NULL;
	}
	if (mods.len)
		put(d, "modules", mods.s, "%s:%s BUILT_MODULE_NAME", d->conf_rel, lines.s);
}

/* The Kbuild dir, relative to the driver dir ("" for the top), or NULL (reported). */
static const char *derive_subdir(struct deriv *d, const char *location)
{
	if (d->make_subdir) {
		if (*d->make_subdir)
			put(d, "subdir", d->make_subdir, "%s:%d MAKE's directory", d->conf_rel,
			    d->make_line);
		return d->make_subdir;
	}
	if (dk_declares_modules(d->dir, ""))
		return ""; /* the top: the default */
	if (location && *location && dk_declares_modules(d->dir, location)) {
		put(d, "subdir", location,
		    "%s BUILT_MODULE_LOCATION, whose Makefile declares obj-m", d->conf_rel);
		return location;
	}
	if (d->src.kbuild_dir.value) {
		put(d, "subdir", d->src.kbuild_dir.value, "%s", d->src.kbuild_dir.origin);
		return d->src.kbuild_dir.value;
	}
	bad(d, 0,
	    "no Makefile or Kbuild file in '%s' or below declares obj-m: write a kmodpack.ini "
	    "with [driver] subdir",
	    d->dir);
	return NULL;
}

/* CONFIG_X=m for a Makefile that sets it only outside Kbuild (dk_obj_config). */
static void derive_obj_config(struct deriv *d, const char *subdir)
{
	struct dk_fact f = {0};
	if (subdir)
		dk_obj_config(d->dir, subdir, &f);
	if (f.value) {
		size_t n = strchr(f.value, '=') - f.value + 1;
		bool given = false;
		for (size_t i = 0; i < d->make_args.n; i++)
			given |= !strncmp(d->make_args.v[i], f.value, n);
		if (!given) {
			kp_strv_push(&d->make_args, f.value);
			kp_strv_pushf(&d->top, "%s: make argument '%s' added", f.origin, f.value);
		}
	}
	dk_fact_release(&f);
}

/* ---- flavours the driver cannot serve ---- */

/* One alternative of BUILD_EXCLUSIVE_ARCH's regular expression as a glob, or NULL. */
static char *arch_glob(const char *re)
{
	_cleanup_buf_ struct kp_buf b = {0};
	const char *p = re, *end = re + strlen(re);
	bool head = *p == '^', tail = end > p && end[-1] == '$';
	p += head;
	end -= tail;
	if (!head)
		kp_buf_addc(&b, '*');
	for (; p < end; p++) {
		if (isalnum((unsigned char)*p) || *p == '_' || *p == '-') {
			kp_buf_addc(&b, *p);
		} else if (*p == '.' && p + 1 < end && p[1] == '*') {
			kp_buf_addc(&b, '*');
			p++;
		} else if (*p == '.') {
			kp_buf_addc(&b, '?');
		} else if (*p == '\\' && p + 1 < end && p[1] == '.') {
			kp_buf_addc(&b, '.');
			p++;
		} else if (*p == '[') {
			const char *close = memchr(p, ']', end - p);
			if (!close)
				return NULL;
			kp_buf_add(&b, p, close - p + 1);
			p = close;
		} else {
			return NULL; /* +, ?, {n}, nested groups: not a glob */
		}
	}
	if (!tail && !(b.len && b.s[b.len - 1] == '*'))
		kp_buf_addc(&b, '*');
	return kp_buf_steal(&b);
}

/* BUILD_EXCLUSIVE_KERNEL, _MIN, _MAX: the same tests, as kernel_release, kernel_min, kernel_max. */
static void derive_exclusive_kernel(struct deriv *d)
{
	int line;
	const char *re = conf_value(d, "BUILD_EXCLUSIVE_KERNEL", -1, &line);
	if (re && *re) {
		_cleanup_free_ char *why = NULL;
		if (kb_release_regex_check(re, &why) < 0)
			return bad(d, line,
				   "BUILD_EXCLUSIVE_KERNEL '%s' is not a POSIX extended regular "
				   "expression: %s",
				   re, why);
		d->exclusive_kernel_line = line;
		put(d, "kernel_release", re,
		    "%s:%d BUILD_EXCLUSIVE_KERNEL: a flavour whose release does not match is "
		    "skipped",
		    d->conf_rel, line);
	}
	static const struct {
		const char *var, *key, *what;
	} bounds[] = {{"BUILD_EXCLUSIVE_KERNEL_MIN", "kernel_min", "older"},
		      {"BUILD_EXCLUSIVE_KERNEL_MAX", "kernel_max", "newer"}};
	for (size_t i = 0; i < KP_ARRAY_SIZE(bounds); i++) {
		const char *v = conf_value(d, bounds[i].var, -1, &line);
		if (!v || !*v)
			continue;
		if (!kb_release_version_valid(v))
			return bad(d, line,
				   "%s '%s' is not a kernel version such as 5.10 or 6.1.0-57",
				   bounds[i].var, v);
		*(i ? &d->exclusive_max_line : &d->exclusive_min_line) = line;
		put(d, bounds[i].key, v,
		    "%s:%d %s: a flavour whose release is %s is skipped (DKMS's version order)",
		    d->conf_rel, line, bounds[i].var, bounds[i].what);
	}
}

static void derive_exclusive(struct deriv *d)
{
	int line;
	const char *config = conf_value(d, "BUILD_EXCLUSIVE_CONFIG", -1, &line);
	if (config) {
		_cleanup_strv_ struct kp_strv w = {0};
		kp_strv_split_on(&w, config, " \t\n");
		for (size_t i = 0; i < w.n; i++) {
			const char *o = w.v[i] + (w.v[i][0] == '!');
			bool ok = kp_startswith(o, "CONFIG_") && o[7];
			for (const char *p = o; ok && *p; p++)
				ok = isalnum((unsigned char)*p) || *p == '_';
			if (!ok)
				return bad(d, line,
					   "BUILD_EXCLUSIVE_CONFIG: '%s' is not a kernel option "
					   "(CONFIG_FOO or !CONFIG_FOO)",
					   w.v[i]);
		}
		d->exclusive_config_line = line;
		if (w.n)
			put(d, "kernel_config", config,
			    "%s:%d BUILD_EXCLUSIVE_CONFIG: a flavour whose kernel lacks these is "
			    "skipped",
			    d->conf_rel, line);
	}
	const char *arch = conf_value(d, "BUILD_EXCLUSIVE_ARCH", -1, &line);
	if (arch && *arch) {
		/* "x86_64|aarch64", "^(x86_64|i.86)$": alternatives of simple patterns */
		_cleanup_free_ char *re = kp_strdup(arch);
		size_t n = strlen(re);
		if (n > 4 && !strncmp(re, "^(", 2) && !strcmp(re + n - 2, ")$")) {
			memmove(re + 1, re + 2, n - 3);
			re[n - 3] = '$';
			re[n - 2] = '\0';
		}
		bool head = re[0] == '^', tail = re[0] && re[strlen(re) - 1] == '$';
		_cleanup_strv_ struct kp_strv alts = {0};
		kp_strv_split_on(&alts, re + head, "|");
		_cleanup_buf_ struct kp_buf globs = {0};
		for (size_t i = 0; i < alts.n; i++) {
			char *a = alts.v[i];
			if (tail && i == alts.n - 1)
				a[strlen(a) - 1] = '\0';
			_cleanup_free_ char *alt =
			    kp_asprintf("%s%s%s", head ? "^" : "", a, tail ? "$" : "");
			_cleanup_free_ char *g = arch_glob(alt);
			if (!g || !*g)
				return bad(d, line,
					   "BUILD_EXCLUSIVE_ARCH '%s' is a regular expression "
					   "kmodpack cannot turn into arch patterns: write a "
					   "kmodpack.ini with [driver] kernel_arch",
					   arch);
			kp_buf_addf(&globs, "%s%s", globs.len ? " " : "", g);
		}
		/* "^" or "|": no alternative at all (the fuzzer's; bash reads it as any arch) */
		if (!globs.len)
			return bad(d, line,
				   "BUILD_EXCLUSIVE_ARCH '%s' names no arch: remove it, or write a "
				   "kmodpack.ini with [driver] kernel_arch",
				   arch);
		d->exclusive_arch_line = line;
		put(d, "kernel_arch", globs.s,
		    "%s:%d BUILD_EXCLUSIVE_ARCH '%s' as shell patterns: a flavour of another arch "
		    "is skipped",
		    d->conf_rel, line, arch);
	}
}

/* ---- directives kmodpack does not need ---- */

static void note_directives(struct deriv *d)
{
	static const struct {
		const char *name, *why;
		bool refuse;
	} table[] = {
	    {"CLEAN", "not needed: kmodpack builds in its own copy of the sources", false},
	    {"AUTOINSTALL", "not needed: each module RPM installs for its own kernel", false},
	    {"REMAKE_INITRD", "not used: the target's conventions decide about the initrd", false},
	    {"NO_WEAK_MODULES", "not used: kmodpack builds per kernel, no weak-updates links",
	     false},
	    {"STRIP", "not used: kmodpack's packaging decides about stripping", false},
	    {"DEST_MODULE_LOCATION",
	     "not used: the target's module_dir decides where modules install (default extra)",
	     false},
	    {"MODULES_CONF", "not used: ship modprobe files with [data] modprobe", false},
	    {"OBSOLETE_BY", "not used: choose the flavours to build instead", false},
	    {"BUILD_DEPENDS", "not used: kmodpack does not build other DKMS packages first", false},
	    {"BUILD_DEPENDS_REBUILD", "not used", false},
	    {"POST_ADD", "not run: kmodpack runs no scripts of the driver", false},
	    {"POST_BUILD", "not run: kmodpack runs no scripts of the driver", false},
	    {"POST_INSTALL", "not run: kmodpack runs no scripts of the driver", false},
	    {"POST_REMOVE", "not run: kmodpack runs no scripts of the driver", false},
	    {"PRE_INSTALL", "not run: kmodpack runs no scripts of the driver", false},

	    {"PRE_BUILD",
	     "a script DKMS runs before building; kmodpack runs no scripts of the driver: "
	     "run it yourself and ship its result, then write a kmodpack.ini",
	     true},
	    {"PATCH",
	     "patches DKMS applies before building; kmodpack builds the sources as they "
	     "are: apply them to the sources you package, then write a kmodpack.ini",
	     true},
	    {"PATCH_MATCH",
	     "patches DKMS applies before building; kmodpack builds the sources as they "
	     "are: apply them to the sources you package, then write a kmodpack.ini",
	     true},
	};
	for (size_t i = 0; i < d->c->n; i++) {
		const struct dk_var *v = &d->c->v[i];
		for (size_t t = 0; t < KP_ARRAY_SIZE(table); t++) {
			if (strcmp(v->name, table[t].name))
				continue;
			_cleanup_free_ char *name = v->index < 0
							? kp_strdup(v->name)
							: kp_asprintf("%s[%d]", v->name, v->index);
			if (table[t].refuse)
				bad(d, v->line, "%s: %s", name, table[t].why);
			else
				kp_strv_pushf(&d->top, "%s:%d %s=\"%s\": %s", d->conf_rel, v->line,
					      name, v->value, table[t].why);
		}
	}
}

static void note_data_file(struct deriv *d, const char *rel);

/* ---- the rest of [driver], [vendor] ---- */

static char *slug(const char *s)
{
	_cleanup_buf_ struct kp_buf b = {0};
	for (const char *p = s; *p && b.len < 64; p++) {
		if (isalnum((unsigned char)*p))
			kp_buf_addc(&b, (char)tolower((unsigned char)*p));
		else if (b.len && b.s[b.len - 1] != '-')
			kp_buf_addc(&b, '-');
	}
	while (b.len && b.s[b.len - 1] == '-')
		b.s[--b.len] = '\0';
	return b.len ? kp_buf_steal(&b) : NULL;
}

static void derive_texts(struct deriv *d, const char *name)
{
	if (d->src.summary.value)
		put(d, "summary", d->src.summary.value, "%s", d->src.summary.origin);
	else if (d->ctl.summary.value)
		put(d, "summary", d->ctl.summary.value, "%s", d->ctl.summary.origin);
	else {
		_cleanup_free_ char *s = kp_asprintf("The %s kernel module", name);
		put(d, "summary", s,
		    "GUESSED: no MODULE_DESCRIPTION in the sources and no "
		    "debian/control: write what the driver is for");
	}
	if (d->src.license.value)
		put(d, "license", d->src.license.value, "%s", d->src.license.origin);
	else if (d->ctl.license.value)
		put(d, "license", d->ctl.license.value, "%s", d->ctl.license.origin);
	else if (d->src.license_unread)
		bad(d, 0,
		    "no license found: %s names no string kmodpack can follow (a literal, or a "
		    "#define of one), and debian/copyright has no 'Files: *' License: write a "
		    "kmodpack.ini with [driver] license",
		    d->src.license_unread);
	else
		bad(d, 0,
		    "no license found: no MODULE_LICENSE in the sources and no 'Files: *' "
		    "License in debian/copyright: write a kmodpack.ini with [driver] license");
	if (d->ctl.description.value && *d->ctl.description.value)
		put(d, "description", d->ctl.description.value, "%s", d->ctl.description.origin);
	if (d->ctl.homepage.value && !strpbrk(d->ctl.homepage.value, " \t"))
		put(d, "url", d->ctl.homepage.value, "%s", d->ctl.homepage.origin);
}

static void derive_vendor(struct deriv *d)
{
	const struct dk_fact *m = &d->ctl.maintainer;
	_cleanup_free_ char *who = NULL, *origin = NULL;
	if (m->value) {
		who = kp_strdup(m->value);
		origin = kp_strdup(m->origin);
	} else if (d->cl.author) {
		who = kp_strdup(d->cl.author);
		origin = kp_asprintf("debian/changelog:%d's trailer", d->cl.top_line);
	}
	if (who && strchr(who, '<'))
		*strchr(who, '<') = '\0';
	if (who)
		kp_strstrip(who);
	_cleanup_free_ char *code = who ? slug(who) : NULL;
	kp_buf_adds(&d->ini, "\n[vendor]\n");
	if (!code || !strcmp(code, "xs")) {
		put(d, "code", "unknown",
		    "GUESSED: nothing in debian/ names a maintainer: use your organisation's "
		    "code (guide 6.1.1)");
		put(d, "name", "Unknown", "GUESSED: use your organisation's name");
		return;
	}
	put(d, "code", code, "GUESSED from %s '%s': use your organisation's code (guide 6.1.1)",
	    origin, who);
	put(d, "name", who, "%s", origin);
}

static void derive_ini(struct deriv *d)
{
	int line;
	const char *pname = conf_value(d, "PACKAGE_NAME", -1, &line);
	_cleanup_free_ char *name = pname ? kp_strdup(pname) : NULL;
	if (!name || !*name)
		return bad(d, line, "no PACKAGE_NAME: DKMS requires one, and so does kmodpack");
	for (char *p = name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	if (!module_name_ok(name) || !isalnum((unsigned char)name[0]) || strlen(name) > 64)
		bad(d, line,
		    "PACKAGE_NAME '%s' cannot name a package (lowercase letters, digits, '-' and "
		    "'_'): write a kmodpack.ini with [driver] name",
		    pname);

	kp_buf_adds(&d->ini, "[driver]\n");
	if (strcmp(name, pname)) {
		kp_strv_pushf(&d->mapped, "name '%s' as '%s'", pname, name);
		put(d, "name", name, "%s:%d PACKAGE_NAME '%s', lowercase as package names are",
		    d->conf_rel, line, pname);
	} else {
		put(d, "name", name, "%s:%d PACKAGE_NAME", d->conf_rel, line);
	}
	derive_version(d);
	derive_texts(d, name);
	derive_make(d);
	_cleanup_free_ char *location = NULL;
	derive_modules(d, &location);
	derive_obj_config(d, derive_subdir(d, location));
	if (d->make_args.n) {
		_cleanup_buf_ struct kp_buf b = {0};
		for (size_t i = 0; i < d->make_args.n; i++)
			kp_buf_addf(&b, "%s%s", i ? " " : "", d->make_args.v[i]);
		const struct dk_var *make = dk_conf_get(d->c, "MAKE", 0);
		if (make)
			put(d, "make_args", b.s, "%s:%d MAKE (see the notes at the top)",
			    d->conf_rel, make->line);
		else
			put(d, "make_args", b.s, "the notes at the top");
	}
	if (d->make_own && !d->make_m)
		put(d, "make_entry", "makefile",
		    "%s:%d MAKE is 'make -C' the driver's dir without M=: DKMS runs the driver's "
		    "own Makefile, which calls Kbuild itself",
		    d->conf_rel, d->make_line);
	derive_exclusive(d);
	derive_exclusive_kernel(d);
	if (d->cl.rpm)
		put(d, "changelog", d->cl.rpm,
		    "debian/changelog, in rpm's format (dates as written, newest first)");
	derive_vendor(d);
	note_directives(d);
	for (size_t i = 0; i < d->src.data.n; i++)
		note_data_file(d, d->src.data.v[i]);
}

/* debian/<pkg>.udev and .modprobe: where Debian's helpers install them, as a [data] line. */
static void note_data_file(struct deriv *d, const char *rel)
{
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	bool udev = kp_endswith(base, ".udev");
	_cleanup_free_ char *pkg = kp_strndup(base, strrchr(base, '.') - base);
	if (udev)
		kp_strv_pushf(
		    &d->top,
		    "%s: udev rules dh_installudev installs as 60-%s.rules; to ship them: "
		    "[data] udev = %s -> 60-%s.rules",
		    rel, pkg, rel, pkg);
	else
		kp_strv_pushf(&d->top,
			      "%s: modprobe options dh_installmodules installs as "
			      "/etc/modprobe.d/%s.conf; to ship them: [data] modprobe = %s -> "
			      "/etc/modprobe.d/%s.conf",
			      rel, pkg, rel, pkg);
}

char *dk_find_conf(const char *dir)
{
	_cleanup_free_ char *conf = kp_path_join(dir, "dkms.conf");
	if (kp_is_file(conf))
		return TAKE_PTR(conf);
	_cleanup_free_ char *deb = kp_path_join(dir, "debian");
	_cleanup_strv_ struct kp_strv names = {0};
	if (kp_list_dir(deb, &names) < 0)
		return NULL;
	for (size_t i = 0; i < names.n; i++) {
		_cleanup_free_ char *p = kp_path_join(deb, names.v[i]);
		if (kp_endswith(names.v[i], ".dkms") && kp_is_file(p))
			return TAKE_PTR(p);
	}
	return NULL;
}

int dk_derive(const char *conf, unsigned flags, struct dk_derived **out)
{
	_cleanup_free_ char *abs = realpath(conf, NULL);
	if (!abs) {
		kp_err("cannot read '%s': %s", conf, strerror(errno));
		return -KP_EINPUT;
	}
	/* the driver dir: dkms.conf's own, or the parent of debian/ */
	_cleanup_free_ char *dir = kp_strdup(abs);
	*strrchr(dir, '/') = '\0';
	if (kp_endswith(abs, ".dkms") && kp_endswith(dir, "/debian"))
		*strrchr(dir, '/') = '\0';
	struct deriv d = {.flags = flags, .dir = dir, .conf_rel = abs + strlen(dir) + 1};
	int r = dk_conf_load(abs, &d.c);
	if (r < 0)
		return r == -KP_EINPUT ? r : -KP_EINPUT;
	if ((r = dk_changelog_read(dir, &d.cl)) < 0)
		d.errors++;
	dk_control_read(dir, &d.ctl);
	dk_sources_read(dir, &d.src);
	derive_ini(&d);

	_cleanup_buf_ struct kp_buf text = {0};
	kp_buf_addf(&text,
		    "; kmodpack.ini derived by 'kmodpack init' from %s, debian/ and the sources.\n"
		    "; Review every value (the comment above it says where it came from), then\n"
		    "; commit this file: kmodpack reads it instead of %s from then on.\n",
		    d.conf_rel, d.conf_rel);
	for (size_t i = 0; i < d.c->notes.n; i++)
		kp_buf_addf(&text, "; %s\n", d.c->notes.v[i] + strlen(dir) + 1);
	for (size_t i = 0; i < d.top.n; i++)
		kp_buf_addf(&text, "; %s\n", d.top.v[i]);
	kp_buf_addf(&text, "\n%s", d.ini.s ? d.ini.s : "");

	_cleanup_buf_ struct kp_buf mapped = {0};
	for (size_t i = 0; i < d.mapped.n; i++)
		kp_buf_addf(&mapped, "%s%s", i ? ", " : "", d.mapped.v[i]);
	int errors = d.errors;
	dk_conf_free(d.c);
	dk_changelog_release(&d.cl);
	dk_control_release(&d.ctl);
	dk_sources_release(&d.src);
	kp_buf_release(&d.ini);
	kp_strv_release(&d.top);
	kp_strv_release(&d.mapped);
	kp_strv_release(&d.make_args);
	free(d.make_subdir);
	if (errors)
		return -KP_EINPUT;
	struct dk_derived *res = kp_calloc(1, sizeof(*res));
	res->conf = TAKE_PTR(abs);
	res->ini = kp_buf_steal(&text);
	res->mapped = kp_buf_steal(&mapped);
	res->exclusive_config_line = d.exclusive_config_line;
	res->exclusive_arch_line = d.exclusive_arch_line;
	res->exclusive_kernel_line = d.exclusive_kernel_line;
	res->exclusive_min_line = d.exclusive_min_line;
	res->exclusive_max_line = d.exclusive_max_line;
	*out = res;
	return 0;
}

void dk_derived_free(struct dk_derived *d)
{
	if (!d)
		return;
	free(d->conf);
	free(d->ini);
	free(d->mapped);
	free(d);
}
