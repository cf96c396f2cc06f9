// SPDX-License-Identifier: GPL-2.0-or-later
#include "specgen/manifest.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "common/fs.h"
#include "common/ini.h"
#include "common/log.h"
#include "specgen/escape.h"
#include "common/suggest.h"
#include "dkms/derive.h"
#include "kbuild/makeargs.h"
#include "kbuild/release.h"

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

struct loader {
	struct spec_manifest *m;
	const char *path;
	int errors;
	const char *section;
	struct kp_strv refused;		  /* section.key already reported: not "missing" as well */
	struct kp_strv given;		  /* section.key of every key of a known section */
	const struct kp_ini_entry *entry; /* the entry being read: its value's lines */
	char *changelog_evr;		  /* the first changelog entry's version-release */
	int changelog_evr_line;
};

/* The file line of line i (0-based) of the value being read. */
static int value_line(const struct loader *l, const struct kp_kv *kv, size_t i)
{
	if (l->entry && &l->entry->kv == kv && i < l->entry->nlines)
		return l->entry->lines[i];
	return kv->line;
}

/* As bad(), at line i of a multi-line value. */
KP_PRINTF(4, 5)
static void bad_line(struct loader *l, const struct kp_kv *kv, size_t i, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *why = kp_vasprintf(fmt, ap);
	va_end(ap);
	kp_err_at(&(struct kp_log_where){.file = l->path, .line = value_line(l, kv, i)}, "%s: %s",
		  kv->key, why);
	l->errors++;
	kp_strv_pushf(&l->refused, "%s.%s", l->section, kv->key);
}

KP_PRINTF(3, 4) static void bad(struct loader *l, const struct kp_kv *kv, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *why = kp_vasprintf(fmt, ap);
	va_end(ap);
	kp_err_at(&(struct kp_log_where){.file = l->path, .line = kv->line}, "%s: %s", kv->key,
		  why);
	l->errors++;
	kp_strv_pushf(&l->refused, "%s.%s", l->section, kv->key);
}

static void set(char **slot, const char *value)
{
	free(*slot);
	*slot = kp_strdup(value);
}

static void set_name(struct loader *l, const struct kp_kv *kv)
{
	if (!spec_is_package_name(kv->value))
		return bad(l, kv,
			   "'%s' must be 1 to 64 characters: lowercase letters, digits, "
			   "'-' and '_' (it names the package and the module directory)",
			   kv->value);
	set(&l->m->name, kv->value);
}

static void set_version(struct loader *l, const struct kp_kv *kv)
{
	const char *k = kv->key, *v = kv->value;
	if (!spec_is_rpm_version(v))
		return bad(l, kv,
			   "'%s' is not usable as an RPM %s: use letters, digits "
			   "and . _ + ~ ^, starting with a letter or digit (no '-')",
			   v, k);
	set(!strcmp(k, "version") ? &l->m->version : &l->m->release, v);
}

/* summary, license, url: one non-empty line. */
static void set_line(struct loader *l, const struct kp_kv *kv)
{
	const char *k = kv->key, *v = kv->value;
	struct spec_manifest *m = l->m;
	if (!one_line(v))
		return bad(l, kv, "must be one line (continuation lines are not allowed here)");
	if (!*v)
		return bad(l, kv, "is empty");
	if (!strcmp(k, "url") && strpbrk(v, " \t"))
		return bad(l, kv, "'%s' must be one word: rpm's URL takes a single token", v);
	if (!strcmp(k, "packager") && *v == '%')
		return bad(l, kv, "must not start with '%%' (rpm drops such a packager)");
	set(!strcmp(k, "summary")   ? &m->summary
	    : !strcmp(k, "license") ? &m->license
	    : !strcmp(k, "url")	    ? &m->url
				    : &m->packager,
	    v);
}

/* requires, provides, conflicts, obsoletes: "a >= 1.0, b", each checked as rpm reads it. */
static void set_deps(struct loader *l, const struct kp_kv *kv)
{
	struct spec_manifest *m = l->m;
	const char *k = kv->key;
	struct kp_strv *deps = !strcmp(k, "requires")	 ? &m->requires
			       : !strcmp(k, "provides")	 ? &m->provides
			       : !strcmp(k, "conflicts") ? &m->conflicts
							 : &m->obsoletes;
	_cleanup_strv_ struct kp_strv raw = {0};
	kp_strv_split_on(&raw, kv->value, ",\n");
	for (size_t i = 0; i < raw.n; i++) {
		char *d = kp_strstrip(raw.v[i]);
		const char *why = spec_dep_problem(d);
		if (why)
			return bad(l, kv, "'%s' is not an rpm dependency: %s", d, why);
	}
	if (raw.n == 0)
		return bad(l, kv, "is empty");
	kp_strv_release(deps);
	for (size_t i = 0; i < raw.n; i++)
		kp_strv_push(deps, kp_strstrip(raw.v[i]));
}

/*
 * Lines rpm would not keep as text (docs/spec-safety.md): '%' starts a
 * section or directive even escaped, '#' is a comment. Reported at their
 * file line; returns how many.
 */
static int text_lines_ok(struct loader *l, const struct kp_kv *kv, size_t from, size_t to,
			 const char *const *lines)
{
	int bad_lines = 0;
	for (size_t i = from; i < to; i++) {
		const char *t = lines[i] + strspn(lines[i], " \t");
		if (*t == '%')
			bad_line(l, kv, i,
				 "this line starts with '%%', which rpm reads as spec syntax "
				 "(%%files, %%post, %%include...) even when escaped: reword it "
				 "(e.g. 'percent' or a word first)");
		else if (*t == '#')
			bad_line(l, kv, i,
				 "this line starts with '#', which rpm drops as a comment: "
				 "reword it (a word first)");
		else
			continue;
		bad_lines++;
	}
	return bad_lines;
}

static void set_description(struct loader *l, const struct kp_kv *kv)
{
	_cleanup_free_ char *text = kp_strdup(kv->value);
	_cleanup_strv_ struct kp_strv all = {0};
	for (char *p = text, *nl; p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		kp_strv_push(&all, p);
	}
	if (text_lines_ok(l, kv, 0, all.n, (const char *const *)all.v))
		return;
	set(&l->m->description, kv->value);
}

static const char *const week_days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static int index_of(const char *s, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, v[i]))
			return (int)i;
	return -1;
}

/*
 * One heading "* Wed Nov 25 2026 Name <mail> - 1.0-1": its date as an
 * epoch and its last word, or a message saying what rpm would refuse or
 * warn about ("bad date", "bogus date in %changelog").
 */
static char *parse_heading(const char *h, long long *epoch, char **last_word)
{
	char dow[8] = "", mon[8] = "";
	int day = 0, year = 0, used = 0;
	if (sscanf(h, "* %7s %7s %d %d %n", dow, mon, &day, &year, &used) < 4 || !used)
		return kp_strdup("the heading must be '* Day Mon DD YYYY Name <mail> - "
				 "version-release', e.g. '* Wed Nov 25 2026 Name <mail> - 1.0-1'");
	int wd = index_of(dow, week_days, KP_ARRAY_SIZE(week_days));
	int mo = index_of(mon, months, KP_ARRAY_SIZE(months));
	if (wd < 0)
		return kp_asprintf(
		    "'%s' is not a day of the week as rpm writes them (Mon, Tue, ...)", dow);
	if (mo < 0)
		return kp_asprintf("'%s' is not a month as rpm writes them (Jan, Feb, ...)", mon);
	/* rpm reads years 1990 to 2999 but keeps dates as unsigned 32-bit seconds. */
	if (year < 1990 || year > 2105)
		return kp_asprintf("year %d is outside 1990 to 2105, the dates an rpm package can "
				   "hold",
				   year);
	struct tm tm = {.tm_year = year - 1900, .tm_mon = mo, .tm_mday = day, .tm_hour = 12};
	time_t t = timegm(&tm);
	if (day < 1 || tm.tm_mon != mo || tm.tm_mday != day)
		return kp_asprintf("%s %d %d is not a date", mon, day, year);
	if (tm.tm_wday != wd)
		return kp_asprintf("%s %s %02d %d: that date is a %s (rpm prints 'bogus date in "
				   "%%changelog' for it)",
				   dow, mon, day, year, week_days[tm.tm_wday]);
	const char *rest = h + used;
	if (!*rest)
		return kp_strdup("the heading names no packager after the date (rpm: 'missing "
				 "name in %%changelog')");
	const char *sp = strrchr(rest, ' ');
	*last_word = kp_strdup(sp ? sp + 1 : rest);
	*epoch = (long long)t - 12 * 3600;
	return NULL;
}

/* "1.0-1" or "2:1.0-1": a version-release; the epoch, if any, is dropped. */
static bool is_evr(const char *w)
{
	const char *colon = strchr(w, ':');
	const char *vr = colon ? colon + 1 : w;
	const char *dash = strchr(vr, '-');
	return dash && dash > vr && dash[1] && !strchr(dash + 1, '-') && !strpbrk(vr, "<>@");
}

/*
 * The changelog as rpm reads it, checked line by line: every entry's
 * heading (a real date, the right weekday, a year rpm keeps, a packager),
 * some text under it, entries newest first, and no line rpm would read as
 * spec syntax. The first entry's version-release is compared with the
 * package's once every key is read (check_changelog_evr).
 */
static const char *const script_keys[SPEC_NSCRIPTS] = {"pre", "post", "preun", "postun"};

const char *spec_script_key(enum spec_script s)
{
	return script_keys[s];
}

/*
 * A vendor scriptlet file, relative to the driver's directory: read as
 * bytes, never sourced or expanded; refused here (naming the file and its
 * line) when rpm could not carry it verbatim.
 */
static void set_script(struct loader *l, const struct kp_kv *kv)
{
	struct spec_manifest *m = l->m;
	size_t k = 0;
	while (strcmp(script_keys[k], kv->key))
		k++;
	if (!one_line(kv->value) || !*kv->value)
		return bad(l, kv, "'%s' must name one file", kv->value);
	_cleanup_free_ char *path = kp_path_join(m->dir, kv->value);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	struct stat st;
	/* A regular file of bounded size: never a device or FIFO that reads forever. */
	if (stat(path, &st) < 0)
		return bad(l, kv, "cannot read '%s': %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return bad(l, kv, "'%s' is not a regular file", path);
	if (st.st_size > 65536)
		return bad(l, kv, "'%s' is %lld bytes: scriptlets of more than 64 KiB are refused",
			   path, (long long)st.st_size);
	int r = kp_read_file(path, &text, &len);
	if (r < 0)
		return bad(l, kv, "cannot read '%s': %s", path, strerror(-r));
	if (strlen(text) != len)
		return bad(l, kv, "'%s' holds a NUL byte: a scriptlet is text", path);
	_cleanup_free_ char *esc = NULL;
	if (spec_escape_script_file(kv->key, path, text, &esc) < 0)
		return bad(l, kv, "'%s' cannot be carried verbatim into %%%s (fix the line above)",
			   kv->value, kv->key);
	set(&m->script_path[k], path);
	free(m->script[k]);
	m->script[k] = TAKE_PTR(text);
}

static void set_initrd(struct loader *l, const struct kp_kv *kv)
{
	const char *v = kv->value;
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		l->m->initrd = true;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		l->m->initrd = false;
	else
		bad(l, kv, "'%s' must be yes or no", v);
}

/*
 * How make is entered. kbuild (the default): make -C <tree> M=<dir> modules,
 * the kernel's Makefile reads the driver's Kbuild part. makefile: make -C
 * <dir> with the driver's own default target, for Makefiles (Intel's) that
 * generate headers or pick flags before they call Kbuild themselves.
 */
static void set_make_entry(struct loader *l, const struct kp_kv *kv)
{
	if (!strcmp(kv->value, "kbuild"))
		l->m->own_makefile = false;
	else if (!strcmp(kv->value, "makefile"))
		l->m->own_makefile = true;
	else
		bad(l, kv,
		    "'%s' must be kbuild (make -C <tree> M=<dir> modules) or makefile "
		    "(make -C <dir>: the driver's own Makefile calls Kbuild)",
		    kv->value);
}

static void set_changelog(struct loader *l, const struct kp_kv *kv)
{
	if (spec_changelog_epoch(kv->value) < 0)
		return bad(l, kv,
			   "must start with an rpm changelog heading such as "
			   "'* Wed Nov 25 2026 Name <mail> - 1.0-1'");
	_cleanup_free_ char *text = kp_strdup(kv->value);
	_cleanup_strv_ struct kp_strv all = {0};
	for (char *p = text, *nl; p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		kp_strv_push(&all, p);
	}
	int errors = l->errors;
	long long prev = -1;
	size_t head = 0, nbody = 0;
	for (size_t i = 0; i <= all.n; i++) {
		bool is_head = i < all.n && all.v[i][0] == '*';
		if (i == all.n || is_head) {
			if (i > 0 && nbody == 0)
				bad_line(l, kv, head,
					 "this entry has no text under its heading (rpm: 'no "
					 "description in %%changelog')");
			if (i == all.n)
				break;
			head = i;
			nbody = 0;
			long long epoch = -1;
			_cleanup_free_ char *word = NULL;
			_cleanup_free_ char *why = parse_heading(all.v[i], &epoch, &word);
			if (why) {
				bad_line(l, kv, i, "%s", why);
				continue;
			}
			if (prev >= 0 && epoch > prev)
				bad_line(
				    l, kv, i,
				    "this entry is newer than the one above it: rpm wants the "
				    "newest first ('%%changelog not in descending chronological "
				    "order')");
			prev = epoch;
			if (i == 0 && word && is_evr(word)) {
				free(l->changelog_evr);
				l->changelog_evr = kp_strdup(word);
				l->changelog_evr_line = value_line(l, kv, i);
			}
			continue;
		}
		if (all.v[i][strspn(all.v[i], " \t")])
			nbody++;
		text_lines_ok(l, kv, i, i + 1, (const char *const *)all.v);
	}
	if (l->errors == errors)
		set(&l->m->changelog, kv->value);
}

/* The newest changelog entry should be for the package being built: its version-release. */
static void check_changelog_evr(struct loader *l)
{
	const struct spec_manifest *m = l->m;
	if (!l->changelog_evr || !m->version || !m->changelog)
		return;
	const char *colon = strchr(l->changelog_evr, ':');
	const char *evr = colon ? colon + 1 : l->changelog_evr;
	_cleanup_free_ char *want = kp_asprintf("%s-%s", m->version, m->release ? m->release : "1");
	if (!strcmp(evr, want))
		return;
	/* rpm takes it; rpmlint warns (incoherent-version-in-changelog): so do we, at its line. */
	kp_log_at(KP_LOG_WARN,
		  &(struct kp_log_where){.file = l->path, .line = l->changelog_evr_line},
		  "changelog: the newest entry is for %s, but [driver] version and release make "
		  "%s: add an entry for %s at the top, or fix version/release",
		  evr, want, want);
}

static void set_source(struct loader *l, const struct kp_kv *kv)
{
	set(&l->m->source, kv->value);
	l->m->source_line = kv->line;
}

static void set_subdir(struct loader *l, const struct kp_kv *kv)
{
	const char *v = kv->value;
	if (v[0] == '/' || strstr(v, "..") || !one_line(v))
		return bad(l, kv, "'%s' must be a relative path inside the source", v);
	set(&l->m->subdir, v);
	l->m->subdir_line = kv->line;
}

static void set_modules(struct loader *l, const struct kp_kv *kv)
{
	struct spec_manifest *m = l->m;
	kp_strv_release(&m->modules);
	kp_strv_split(&m->modules, kv->value);
	for (size_t i = 0; i < m->modules.n; i++) {
		char *mod = m->modules.v[i];
		if (kp_endswith(mod, ".ko"))
			mod[strlen(mod) - 3] = '\0';
		for (char *p = mod; *p; p++)
			if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-')
				return bad(l, kv, "'%s' is not a module name", mod);
	}
}

/* Checked here, expanded per flavour by the build (kbuild/makeargs.h). */
static void set_make_args(struct loader *l, const struct kp_kv *kv)
{
	struct spec_manifest *m = l->m;
	_cleanup_free_ char *why = NULL;
	kp_strv_release(&m->make_args);
	if (kb_make_args_split(kv->value, &m->make_args, &why) < 0)
		return bad(l, kv, "%s", why);
	for (size_t i = 0; i < m->make_args.n; i++)
		if (kb_make_arg_check(m->make_args.v[i], &why) < 0)
			return bad(l, kv, "%s", why);
}

/* kernel_config = CONFIG_USB !CONFIG_FOO: options each flavour's kernel must (not) have. */
static void set_kernel_config(struct loader *l, const struct kp_kv *kv)
{
	struct spec_manifest *m = l->m;
	kp_strv_release(&m->kernel_config);
	kp_strv_split(&m->kernel_config, kv->value);
	for (size_t i = 0; i < m->kernel_config.n; i++) {
		const char *o = m->kernel_config.v[i] + (m->kernel_config.v[i][0] == '!');
		bool ok = kp_startswith(o, "CONFIG_") && o[7];
		for (const char *p = o; ok && *p; p++)
			ok = isupper((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_';
		if (!ok)
			return bad(l, kv,
				   "'%s' is not a kernel option: write CONFIG_NAME (the kernel "
				   "must have it, =y or =m) or !CONFIG_NAME (it must not)",
				   m->kernel_config.v[i]);
	}
	m->kernel_config_line = kv->line;
}

/* kernel_release = ^6\.1\.: a regular expression each flavour's release must match. */
static void set_kernel_release(struct loader *l, const struct kp_kv *kv)
{
	struct spec_manifest *m = l->m;
	_cleanup_free_ char *why = NULL;
	if (!*kv->value)
		return bad(l, kv, "is empty: give a regular expression the kernel releases match");
	if (kb_release_regex_check(kv->value, &why) < 0)
		return bad(l, kv,
			   "'%s' is not a POSIX extended regular expression: %s (as DKMS's "
			   "BUILD_EXCLUSIVE_KERNEL, matched anywhere in the release)",
			   kv->value, why);
	set(&m->kernel_release, kv->value);
	m->kernel_release_line = kv->line;
}

/* kernel_min = 5.10, kernel_max = 6.2: the kernel versions the driver builds for. */
static void set_kernel_bound(struct loader *l, const struct kp_kv *kv)
{
	struct spec_manifest *m = l->m;
	if (!kb_release_version_valid(kv->value))
		return bad(l, kv,
			   "'%s' is not a kernel version such as 5.10 or 6.1.0-57: one word "
			   "of letters, digits and . - _ + ~ that starts with a digit",
			   kv->value);
	bool min = !strcmp(kv->key, "kernel_min");
	set(min ? &m->kernel_min : &m->kernel_max, kv->value);
	*(min ? &m->kernel_min_line : &m->kernel_max_line) = kv->line;
}

/* kernel_arch = x86_64 i?86: the architectures (glob patterns) the driver builds for. */
static void set_kernel_arch(struct loader *l, const struct kp_kv *kv)
{
	struct spec_manifest *m = l->m;
	kp_strv_release(&m->kernel_arch);
	kp_strv_split(&m->kernel_arch, kv->value);
	for (size_t i = 0; i < m->kernel_arch.n; i++)
		for (const char *p = m->kernel_arch.v[i]; *p; p++)
			if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) &&
			    !strchr("_*?[]-", *p))
				return bad(l, kv,
					   "'%s' is not an architecture such as x86_64, "
					   "aarch64 or i?86 (lowercase, glob patterns allowed)",
					   m->kernel_arch.v[i]);
	if (m->kernel_arch.n == 0)
		return bad(l, kv, "is empty: name the architectures the driver builds for");
	m->kernel_arch_line = kv->line;
}

static void set_source_date_epoch(struct loader *l, const struct kp_kv *kv)
{
	const char *v = kv->value;
	char *end;
	errno = 0;
	long long e = strtoll(v, &end, 10);
	if (errno || !*v || *end || e < 0)
		return bad(l, kv, "'%s' is not a number of seconds since 1970", v);
	if (e > 4294967295LL)
		return bad(l, kv,
			   "%lld is past 4294967295 (February 2106), the last time an rpm "
			   "package can hold",
			   e);
	l->m->source_date_epoch = e;
}

static void set_vendor_code(struct loader *l, const struct kp_kv *kv)
{
	if (!spec_is_package_name(kv->value))
		return bad(l, kv,
			   "'%s' must be one lowercase word of 1 to 64 characters: "
			   "letters, digits, '-' and '_' (guide 6.1.1)",
			   kv->value);
	if (!strcmp(kv->value, "xs"))
		return bad(l, kv,
			   "'xs' is reserved for the product's own packs: use a "
			   "code that names your organisation");
	set(&l->m->vendor_code, kv->value);
}

static void set_vendor_name(struct loader *l, const struct kp_kv *kv)
{
	if (!one_line(kv->value) || !*kv->value)
		return bad(l, kv, "must be one non-empty line");
	set(&l->m->vendor_name, kv->value);
}

/*
 * The keys of [driver] and [vendor], one row each, in the order the docs
 * list them. A new key is a row here (and a line in docs/manifest.md):
 * "unknown key" messages, their did-you-mean and the "missing" checks all
 * come from this table.
 */
static const struct key_rule {
	const char *section, *key;
	bool required;
	void (*set)(struct loader *l, const struct kp_kv *kv);
} key_rules[] = {
    {"driver", "name", true, set_name},
    {"driver", "version", true, set_version},
    {"driver", "release", false, set_version},
    {"driver", "summary", true, set_line},
    {"driver", "license", true, set_line},
    {"driver", "description", false, set_description},
    {"driver", "url", false, set_line},
    {"driver", "packager", false, set_line},
    {"driver", "source", false, set_source},
    {"driver", "subdir", false, set_subdir},
    {"driver", "modules", false, set_modules},
    {"driver", "make_args", false, set_make_args},
    {"driver", "make_entry", false, set_make_entry},
    {"driver", "kernel_config", false, set_kernel_config},
    {"driver", "kernel_arch", false, set_kernel_arch},
    {"driver", "kernel_release", false, set_kernel_release},
    {"driver", "kernel_min", false, set_kernel_bound},
    {"driver", "kernel_max", false, set_kernel_bound},
    {"driver", "changelog", false, set_changelog},
    {"driver", "source_date_epoch", false, set_source_date_epoch},
    {"driver", "requires", false, set_deps},
    {"driver", "provides", false, set_deps},
    {"driver", "conflicts", false, set_deps},
    {"driver", "obsoletes", false, set_deps},
    {"driver", "pre", false, set_script},
    {"driver", "post", false, set_script},
    {"driver", "preun", false, set_script},
    {"driver", "postun", false, set_script},
    {"driver", "initrd", false, set_initrd},
    {"vendor", "code", true, set_vendor_code},
    {"vendor", "name", true, set_vendor_name},
};

static void keep_data(struct loader *l, const struct kp_kv *kv);
static void keep_pack(struct loader *l, const struct kp_kv *kv);

/*
 * The manifest's sections. keep: a section another module validates, kept
 * raw with its lines; NULL: its keys are the rows of key_rules.
 */
static const struct section_rule {
	const char *name;
	void (*keep)(struct loader *l, const struct kp_kv *kv);
} section_rules[] = {
    {"driver", NULL},
    {"vendor", NULL},
    {"data", keep_data},
    {"pack", keep_pack},
};

static const struct section_rule *find_section(const char *name)
{
	for (size_t i = 0; i < KP_ARRAY_SIZE(section_rules); i++)
		if (!strcmp(section_rules[i].name, name))
			return &section_rules[i];
	return NULL;
}

/* The closest known section name to name, or NULL. */
static const char *suggest_section(const char *name)
{
	const char *known[KP_ARRAY_SIZE(section_rules)];
	for (size_t i = 0; i < KP_ARRAY_SIZE(section_rules); i++)
		known[i] = section_rules[i].name;
	int k = kp_suggest(name, known, KP_ARRAY_SIZE(known));
	return k < 0 ? NULL : known[k];
}

/* "name, version, ..." of a section, and the row closest to key (or -1). */
static char *known_keys(const char *section, const char *key, int *closest)
{
	const char *names[KP_ARRAY_SIZE(key_rules)] = {0};
	struct kp_buf b = {0};
	for (size_t i = 0; i < KP_ARRAY_SIZE(key_rules); i++) {
		if (strcmp(key_rules[i].section, section))
			continue;
		names[i] = key_rules[i].key;
		kp_buf_adds(&b, b.len ? ", " : "");
		kp_buf_adds(&b, key_rules[i].key);
	}
	*closest = key ? kp_suggest(key, names, KP_ARRAY_SIZE(names)) : -1;
	return kp_buf_steal(&b);
}

static const struct key_rule *find_key(const char *section, const char *key)
{
	for (size_t i = 0; i < KP_ARRAY_SIZE(key_rules); i++)
		if (!strcmp(key_rules[i].section, section) && !strcmp(key_rules[i].key, key))
			return &key_rules[i];
	return NULL;
}

static void unknown_key(struct loader *l, const struct kp_kv *kv)
{
	int closest;
	_cleanup_free_ char *known = known_keys(l->section, kv->key, &closest);
	if (closest < 0)
		return bad(l, kv, "unknown key in [%s] (known: %s)", l->section, known);
	/* What was meant is reported here, not also as missing. */
	kp_strv_pushf(&l->refused, "%s.%s", l->section, key_rules[closest].key);
	bad(l, kv, "unknown key in [%s]: did you mean '%s'? (known: %s)", l->section,
	    key_rules[closest].key, known);
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

/* Read the manifest's INI file; every way it can be missing or unreadable is bad input. */
static int read_manifest_file(const char *dir_or_file, const char *path, char **data, size_t *len)
{
	int r = kp_read_file(path, data, len);
	if (r == -ENOENT && !kp_is_dir(dir_or_file) && !kp_endswith(dir_or_file, ".ini")) {
		kp_err("'%s': no such driver directory", dir_or_file);
		return -KP_EINPUT;
	}
	if (r == -ENOENT) {
		kp_err("no manifest '%s': a driver directory needs a kmodpack.ini, or a "
		       "dkms.conf to derive one from (see 'man kmodpack' or docs/manifest.md)",
		       path);
		return -KP_EINPUT;
	}
	if (r < 0) {
		kp_err("cannot read '%s': %s", path, strerror(-r));
		return -KP_EINPUT;
	}
	return 0;
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

static void keep_data(struct loader *l, const struct kp_kv *kv)
{
	if (!l->m->data_line)
		l->m->data_line = kv->line;
	keep_raw(&l->m->data, &l->m->ndata, kv);
}

static void keep_pack(struct loader *l, const struct kp_kv *kv)
{
	keep_raw(&l->m->pack, &l->m->npack, kv);
}

/*
 * An unknown [section] is reported once, at its header, with the closest
 * known name; its keys are not reported again, and the keys it gives of
 * the section meant are not reported as missing.
 */
static void unknown_sections(struct loader *l, const struct kp_ini *ini)
{
	_cleanup_strv_ struct kp_strv told = {0};
	for (size_t i = 0; i < ini->nsections; i++) {
		const char *sec = ini->sections[i].name;
		if (find_section(sec) || kp_strv_contains(&told, sec))
			continue;
		kp_strv_push(&told, sec);
		const char *meant = suggest_section(sec);
		struct kp_log_where at = {.file = l->path, .line = ini->sections[i].line};
		if (meant)
			kp_err_at(&at,
				  "unknown section [%s]: did you mean [%s]? (known: [driver], "
				  "[vendor], [data], [pack])",
				  sec, meant);
		else
			kp_err_at(
			    &at, "unknown section [%s] (known: [driver], [vendor], [data], [pack])",
			    sec);
		l->errors++;
		for (size_t k = 0; meant && k < ini->n; k++) {
			int c = -1;
			if (strcmp(ini->e[k].section, sec))
				continue;
			free(known_keys(meant, ini->e[k].kv.key, &c));
			if (c >= 0)
				kp_strv_pushf(&l->refused, "%s.%s", meant, key_rules[c].key);
		}
	}
}

/* A key before any [section]: name the section it belongs in when it is a known key. */
static void outside_section(struct loader *l, const struct kp_kv *kv)
{
	for (size_t i = 0; i < KP_ARRAY_SIZE(key_rules); i++)
		if (!strcmp(key_rules[i].key, kv->key)) {
			kp_strv_pushf(&l->refused, "%s.%s", key_rules[i].section, kv->key);
			return bad(l, kv, "is outside any section: put it under [%s]",
				   key_rules[i].section);
		}
	bad(l, kv, "is outside any section: put it under [driver], [vendor], [data] or [pack]");
}

static void read_sections(struct loader *l, const struct kp_ini *ini)
{
	unknown_sections(l, ini);
	for (size_t i = 0; i < ini->n; i++) {
		const char *sec = ini->e[i].section;
		const struct kp_kv *kv = &ini->e[i].kv;
		const struct section_rule *sr = find_section(sec);
		l->section = sec;
		if (!*sec) {
			outside_section(l, kv);
			continue;
		}
		if (!sr)
			continue; /* reported once at its header */
		_cleanup_free_ char *id = kp_asprintf("%s.%s", sec, kv->key);
		if (kp_strv_contains(&l->given, id)) {
			bad(l, kv, "given twice in [%s]", sec);
			continue;
		}
		kp_strv_push(&l->given, id);
		if (sr->keep) {
			sr->keep(l, kv);
			continue;
		}
		const struct key_rule *kr = find_key(sec, kv->key);
		if (!kr) {
			unknown_key(l, kv);
			continue;
		}
		l->entry = &ini->e[i];
		kr->set(l, kv);
		l->entry = NULL;
	}
}

static void require_keys_and_defaults(struct loader *l)
{
	struct spec_manifest *m = l->m;
	for (size_t i = 0; i < KP_ARRAY_SIZE(key_rules); i++) {
		const struct key_rule *kr = &key_rules[i];
		if (!kr->required)
			continue;
		_cleanup_free_ char *id = kp_asprintf("%s.%s", kr->section, kr->key);
		if (kp_strv_contains(&l->given, id) || kp_strv_contains(&l->refused, id))
			continue;
		kp_err_at(&(struct kp_log_where){.file = l->path}, "[%s] %s is missing",
			  kr->section, kr->key);
		l->errors++;
	}
	if (!m->release)
		m->release = kp_strdup("1");
	if (!m->description && m->summary)
		m->description = kp_strdup(m->summary);
	if (!m->packager && m->vendor_name)
		m->packager = kp_strdup(m->vendor_name);
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
	struct kp_log_where at = {.file = m->path, .line = m->source_line};
	const char *where = m->source_line ? "source" : "source (default '.')";
	if (!m->source) {
		kp_err_at(&at,
			  "%s: '%s' does not exist: set [driver] source to the driver's source "
			  "directory or tarball",
			  where, src);
		l->errors++;
	} else if (!kp_is_dir(m->source)) {
		static const char *const exts[] = {".tar", ".tar.gz", ".tgz", ".tar.bz2",
						   ".tar.xz"};
		for (size_t i = 0; i < KP_ARRAY_SIZE(exts); i++)
			m->source_is_archive |= kp_endswith(m->source, exts[i]);
		if (!m->source_is_archive) {
			kp_err_at(&at,
				  "%s: '%s' is neither a directory nor a .tar, .tar.gz, .tar.bz2 "
				  "or .tar.xz archive",
				  where, m->source);
			l->errors++;
		}
	}
}

/* The model from a read INI file; m->path and m->dir are set. */
static int load_ini(struct spec_manifest *m, const struct kp_ini *ini, const char *where)
{
	struct loader l = {.m = m, .path = where};
	read_sections(&l, ini);
	require_keys_and_defaults(&l);
	check_changelog_evr(&l);
	resolve_source(&l);
	kp_strv_release(&l.refused);
	kp_strv_release(&l.given);
	free(l.changelog_evr);
	return l.errors ? -KP_EINPUT : 0;
}

/*
 * A DKMS driver without a kmodpack.ini: the manifest derived from its
 * dkms.conf, read by the same reader as a written one. Messages name the
 * derived text as `kmodpack init` would write it.
 */
int spec_manifest_from_derived(const struct dk_derived *d, struct spec_manifest **out)
{
	_cleanup_free_ char *dir = kp_strdup(d->conf);
	*strrchr(dir, '/') = '\0';
	if (kp_endswith(d->conf, ".dkms") && kp_endswith(dir, "/debian"))
		*strrchr(dir, '/') = '\0';
	const char *rel = d->conf + strlen(dir) + 1;
	_cleanup_free_ char *where =
	    kp_asprintf("%s/%s (derived from %s)", dir, SPEC_MANIFEST_NAME, rel);
	_cleanup_(kp_ini_freep) struct kp_ini *ini = NULL;
	int r = kp_ini_parse(where, d->ini, &ini);
	if (r < 0)
		return r == -KP_EINPUT ? r : -KP_EINPUT;
	_cleanup_(spec_manifest_freep) struct spec_manifest *m = kp_calloc(1, sizeof(*m));
	m->source_date_epoch = -1;
	m->dir = TAKE_PTR(dir);
	m->path = kp_strdup(d->conf);
	m->derived = true;
	if ((r = load_ini(m, ini, where)) < 0)
		return r;
	/* Later messages name m->path, the dkms.conf: with the lines the user wrote there. */
	m->kernel_config_line = d->exclusive_config_line;
	m->kernel_arch_line = d->exclusive_arch_line;
	m->kernel_release_line = d->exclusive_kernel_line;
	m->kernel_min_line = d->exclusive_min_line;
	m->kernel_max_line = d->exclusive_max_line;
	*out = TAKE_PTR(m);
	return 0;
}

static int load_derived(const char *conf, struct spec_manifest **out)
{
	_cleanup_(dk_derived_freep) struct dk_derived *d = NULL;
	int r = dk_derive(conf, 0, &d);
	if (r < 0)
		return r;
	if ((r = spec_manifest_from_derived(d, out)) < 0) {
		kp_err("%s: 'kmodpack init' writes the derived kmodpack.ini, with the lines named "
		       "above, to fix",
		       d->conf);
		return r;
	}
	kp_info("no %s in %s: using the one derived from %s%s%s ('kmodpack init' writes it for "
		"review)",
		SPEC_MANIFEST_NAME, (*out)->dir, d->conf + strlen((*out)->dir) + 1,
		*d->mapped ? ", with " : "", d->mapped);
	return 0;
}

static bool is_dkms_conf(const char *path)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	return !strcmp(base, "dkms.conf") || kp_endswith(base, ".dkms");
}

int spec_manifest_load(const char *dir_or_file, struct spec_manifest **out)
{
	bool is_dir = kp_is_dir(dir_or_file);
	_cleanup_free_ char *path =
	    is_dir ? kp_path_join(dir_or_file, SPEC_MANIFEST_NAME) : kp_strdup(dir_or_file);
	if (!is_dir && is_dkms_conf(path) && kp_is_file(path))
		return load_derived(path, out);
	if (is_dir && !kp_is_file(path)) {
		_cleanup_free_ char *conf = dk_find_conf(dir_or_file);
		if (conf)
			return load_derived(conf, out);
	}
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = read_manifest_file(dir_or_file, path, &data, &len);
	if (r < 0)
		return r;
	return spec_manifest_parse(path, data, len, out);
}

int spec_manifest_parse(const char *path, const void *data, size_t len, struct spec_manifest **out)
{
	_cleanup_(kp_ini_freep) struct kp_ini *ini = NULL;
	int r = kp_ini_parse_mem(path, data, len, &ini);
	if (r < 0 && r != -KP_EINPUT) {
		kp_err("cannot read '%s': %s", path, strerror(-r));
		return -KP_EINPUT;
	}
	if (r < 0)
		return r;

	_cleanup_(spec_manifest_freep) struct spec_manifest *m = kp_calloc(1, sizeof(*m));
	m->source_date_epoch = -1;
	set_manifest_paths(m, path);
	if ((r = load_ini(m, ini, m->path)) < 0)
		return r;
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
	free(m->packager);
	kp_strv_release(&m->requires);
	kp_strv_release(&m->provides);
	kp_strv_release(&m->conflicts);
	kp_strv_release(&m->obsoletes);
	free(m->source);
	free(m->subdir);
	kp_strv_release(&m->modules);
	kp_strv_release(&m->make_args);
	kp_strv_release(&m->kernel_config);
	kp_strv_release(&m->kernel_arch);
	free(m->kernel_release);
	free(m->kernel_min);
	free(m->kernel_max);
	free(m->changelog);
	for (size_t i = 0; i < SPEC_NSCRIPTS; i++) {
		free(m->script_path[i]);
		free(m->script[i]);
	}
	free(m->vendor_code);
	free(m->vendor_name);
	free_raw(m->data, m->ndata);
	free_raw(m->pack, m->npack);
	free(m);
}
