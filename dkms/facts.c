// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Facts a packager looks up by hand when dkms.conf does not say them:
 * debian/changelog (version, release, history), debian/control (maintainer,
 * summary, homepage), debian/copyright and the sources' MODULE_LICENSE
 * (license), MODULE_DESCRIPTION (summary), and which Makefile declares
 * obj-m (subdir). All of it is read as text; nothing is run.
 */
#include "dkms/derive.h"
#include "dkms/internal.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <regex.h>
#include <time.h>

#include "common/fs.h"
#include "common/log.h"

void dk_fact_set(struct dk_fact *f, char *value, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	dk_fact_release(f);
	f->value = value;
	f->origin = kp_vasprintf(fmt, ap);
	va_end(ap);
}

void dk_fact_release(struct dk_fact *f)
{
	free(f->value);
	free(f->origin);
	*f = (struct dk_fact){0};
}

/* The lines of a file (NULL-terminated list), or false when it cannot be read. */
static bool read_lines(const char *path, struct kp_strv *lines)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	if (kp_read_file(path, &text, &len) < 0 || memchr(text, '\0', len))
		return false;
	const char *p = text;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		if (n && p[n - 1] == '\r')
			n--;
		kp_strv_push_take(lines, kp_strndup(p, n));
		p += eol ? (size_t)(eol - p) + 1 : strlen(p);
	}
	return true;
}

/* ---- debian/changelog ---- */

/* "Thu, 03 Sep 2020 11:23:25 -0600" as rpm's "Thu Sep 03 2020" (the date as written). */
static char *rpm_date(const char *rfc2822)
{
	struct tm tm = {0};
	const char *s = rfc2822;
	while (isspace((unsigned char)*s))
		s++;
	const char *end = strptime(s, "%a, %d %b %Y", &tm);
	if (!end)
		end = strptime(s, "%d %b %Y", &tm);
	if (!end)
		return NULL;
	tm.tm_hour = 12;
	time_t t = timegm(&tm); /* normalises tm_wday from the date */
	struct tm norm;
	gmtime_r(&t, &norm);
	char buf[32];
	strftime(buf, sizeof(buf), "%a %b %d %Y", &norm);
	return kp_strdup(buf);
}

/* A body line of a Debian entry as an rpm changelog line the INI reader keeps. */
static void body_line(struct kp_buf *b, const char *line)
{
	const char *s = line;
	while (isspace((unsigned char)*s))
		s++;
	if (!*s || !strcmp(s, "."))
		return;
	if (*s == '*' || *s == '-' || *s == '+') {
		for (s++; isspace((unsigned char)*s);)
			s++;
		kp_buf_addf(b, "\n- %s", s);
	} else {
		kp_buf_addf(b, "\n  %s", s); /* the entry's text continues */
	}
}

static char *rpm_evr(const char *debver)
{
	const char *v = strchr(debver, ':') ? strchr(debver, ':') + 1 : debver;
	const char *dash = strrchr(v, '-');
	_cleanup_free_ char *up = dash ? kp_strndup(v, dash - v) : kp_strdup(v);
	char bad;
	_cleanup_free_ char *m = dk_rpm_version(up, &bad);
	return kp_asprintf("%s-%s", m ? m : up, dash ? dash + 1 : "1");
}

static bool is_lower_digit(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/*
 * The version of an entry's first line, "foo-dkms (1:2.0-1) unstable;
 * ...": a source name ([a-z0-9][a-z0-9.+-]*), blanks, then the version in
 * parentheses. NULL for any other line. Matched by hand, not with
 * regexec(): a changelog has thousands of lines, and glibc's regexec
 * allocates on each.
 */
static const char *entry_version(const char *l, size_t *n)
{
	const char *p = l;
	if (!is_lower_digit(*p))
		return NULL;
	while (is_lower_digit(*p) || *p == '.' || *p == '+' || *p == '-')
		p++;
	if (*p != ' ')
		return NULL;
	while (*p == ' ')
		p++;
	if (*p != '(')
		return NULL;
	const char *v = ++p;
	while (*p && *p != ' ' && *p != '(' && *p != ')')
		p++;
	if (*p != ')' || p == v)
		return NULL;
	*n = (size_t)(p - v);
	return v;
}

int dk_changelog_read(const char *dir, struct dk_changelog *cl)
{
	*cl = (struct dk_changelog){0};
	_cleanup_free_ char *path = kp_path_join(dir, "debian/changelog");
	_cleanup_strv_ struct kp_strv lines = {0};
	if (!kp_is_file(path) || !read_lines(path, &lines))
		return 0;
	_cleanup_buf_ struct kp_buf out = {0};
	_cleanup_buf_ struct kp_buf body = {0};
	_cleanup_free_ char *evr = NULL;
	int ret = 0;
	for (size_t i = 0; i < lines.n; i++) {
		const char *l = lines.v[i];
		size_t vn;
		const char *vp = entry_version(l, &vn);
		if (vp) {
			free(evr);
			_cleanup_free_ char *v = kp_strndup(vp, vn);
			evr = rpm_evr(v);
			kp_buf_release(&body);
			if (!cl->top_version) {
				cl->top_version = TAKE_PTR(v);
				cl->top_line = (int)i + 1;
			}
		} else if (kp_startswith(l, " -- ") && evr) {
			/* " -- Name <mail>  date" */
			const char *gt = strchr(l, '>');
			_cleanup_free_ char *date = gt ? rpm_date(gt + 1) : NULL;
			if (!date) {
				kp_err("%s:%zu: not a Debian changelog trailer ' -- Name <mail>  "
				       "Day, DD Mon YYYY HH:MM:SS +ZZZZ'",
				       path, i + 1);
				ret = -KP_EINPUT;
				break;
			}
			_cleanup_free_ char *who = kp_strndup(l + 4, gt - l - 3);
			kp_strstrip(who);
			if (!cl->author)
				cl->author = kp_strdup(who);
			kp_buf_addf(&out, "%s* %s %s - %s%s", out.len ? "\n" : "", date, who, evr,
				    body.len ? body.s : "\n- (no entry text)");
			kp_buf_release(&body);
			free(evr);
			evr = NULL;
		} else if (evr && (l[0] == ' ' || l[0] == '\t')) {
			body_line(&body, l);
		}
	}
	if (ret == 0 && out.len)
		cl->rpm = kp_buf_steal(&out);
	return ret;
}

void dk_changelog_release(struct dk_changelog *cl)
{
	free(cl->top_version);
	free(cl->rpm);
	free(cl->author);
	*cl = (struct dk_changelog){0};
}

/* ---- debian/control, debian/copyright ---- */

/* Field of an RFC 822 style stanza starting at lines[i]; its first line and its line number. */
static void control_field(const struct kp_strv *lines, const char *path, size_t from,
			  const char *field, struct dk_fact *f, bool with_long)
{
	size_t flen = strlen(field);
	for (size_t i = from; i < lines->n && lines->v[i][0]; i++) {
		const char *l = lines->v[i];
		if (strncasecmp(l, field, flen) || l[flen] != ':')
			continue;
		_cleanup_free_ char *v = kp_strdup(l + flen + 1);
		kp_strstrip(v);
		if (!*v)
			return;
		if (with_long) {
			/* the extended description: continuation lines, " ." a paragraph break */
			_cleanup_buf_ struct kp_buf b = {0};
			for (size_t j = i + 1;
			     j < lines->n && (lines->v[j][0] == ' ' || lines->v[j][0] == '\t');
			     j++) {
				_cleanup_free_ char *t = kp_strdup(lines->v[j]);
				kp_strstrip(t);
				kp_buf_addf(&b, "%s%s", b.len ? "\n" : "", strcmp(t, ".") ? t : "");
			}
			dk_fact_set(f, kp_buf_steal(&b), "%s:%zu %s", path, i + 2, field);
			return;
		}
		dk_fact_set(f, TAKE_PTR(v), "%s:%zu %s", path, i + 1, field);
		return;
	}
}

/* The first line of the stanza after the one holding line i. */
static size_t next_stanza(const struct kp_strv *lines, size_t i)
{
	while (i < lines->n && lines->v[i][0])
		i++;
	while (i < lines->n && !lines->v[i][0])
		i++;
	return i;
}

void dk_control_read(const char *dir, struct dk_control *ctl)
{
	*ctl = (struct dk_control){0};
	_cleanup_strv_ struct kp_strv lines = {0};
	_cleanup_free_ char *path = kp_path_join(dir, "debian/control");
	if (read_lines(path, &lines)) {
		const char *rel = "debian/control";
		control_field(&lines, rel, 0, "Maintainer", &ctl->maintainer, false);
		control_field(&lines, rel, 0, "Homepage", &ctl->homepage, false);
		/* the binary stanzas: prefer the -dkms package's description */
		for (size_t i = next_stanza(&lines, 0); i < lines.n; i = next_stanza(&lines, i)) {
			struct dk_fact pkg = {0};
			control_field(&lines, rel, i, "Package", &pkg, false);
			bool dkms = pkg.value && kp_endswith(pkg.value, "-dkms");
			dk_fact_release(&pkg);
			if (ctl->summary.value && !dkms)
				continue;
			control_field(&lines, rel, i, "Description", &ctl->summary, false);
			control_field(&lines, rel, i, "Description", &ctl->description, true);
			if (dkms)
				break;
		}
	}
	kp_strv_release(&lines);
	_cleanup_free_ char *cpath = kp_path_join(dir, "debian/copyright");
	if (read_lines(cpath, &lines)) {
		/* DEP-5: the License of the "Files: *" stanza */
		for (size_t i = 0; i < lines.n; i = next_stanza(&lines, i)) {
			if (strcmp(lines.v[i], "Files: *"))
				continue;
			struct dk_fact lic = {0};
			control_field(&lines, "debian/copyright", i, "License", &lic, false);
			char *spdx = lic.value ? dk_spdx(lic.value) : NULL;
			if (spdx)
				dk_fact_set(&ctl->license, spdx, "%s License: %s", lic.origin,
					    lic.value);
			dk_fact_release(&lic);
			break;
		}
	}
}

void dk_control_release(struct dk_control *ctl)
{
	dk_fact_release(&ctl->maintainer);
	dk_fact_release(&ctl->summary);
	dk_fact_release(&ctl->description);
	dk_fact_release(&ctl->homepage);
	dk_fact_release(&ctl->license);
}

/* ---- licenses ---- */

char *dk_spdx(const char *name)
{
	static const struct {
		const char *from, *to;
	} map[] = {
	    /* deprecated SPDX ids and Debian copyright short names */
	    {"GPL-2.0", "GPL-2.0-only"},
	    {"GPL-2", "GPL-2.0-only"},
	    {"GPL-2.0+", "GPL-2.0-or-later"},
	    {"GPL-2+", "GPL-2.0-or-later"},
	    {"GPL-3.0", "GPL-3.0-only"},
	    {"GPL-3", "GPL-3.0-only"},
	    {"GPL-3.0+", "GPL-3.0-or-later"},
	    {"GPL-3+", "GPL-3.0-or-later"},
	    {"LGPL-2.1", "LGPL-2.1-only"},
	    {"LGPL-2.1+", "LGPL-2.1-or-later"},
	    {"BSD-3-clause", "BSD-3-Clause"},
	    {"BSD-2-clause", "BSD-2-Clause"},
	    {"Expat", "MIT"},
	};
	static const char *const ids[] = {
	    "GPL-2.0-only",	 "GPL-2.0-or-later", "GPL-3.0-only",
	    "GPL-3.0-or-later",	 "LGPL-2.1-only",    "LGPL-2.1-or-later",
	    "BSD-3-Clause",	 "BSD-2-Clause",     "MIT",
	    "MPL-1.1",		 "MPL-2.0",	     "ISC",
	    "Linux-syscall-note"};
	_cleanup_strv_ struct kp_strv w = {0};
	kp_strv_split_on(&w, name, " \t()");
	_cleanup_buf_ struct kp_buf b = {0};
	for (size_t i = 0; i < w.n; i++) {
		const char *t = w.v[i];
		if (!strcasecmp(t, "or") || !strcasecmp(t, "and") || !strcasecmp(t, "with")) {
			kp_buf_addf(&b, " %s ",
				    !strcasecmp(t, "or")    ? "OR"
				    : !strcasecmp(t, "and") ? "AND"
							    : "WITH");
			continue;
		}
		const char *id = NULL;
		for (size_t j = 0; j < KP_ARRAY_SIZE(map) && !id; j++)
			if (!strcmp(t, map[j].from))
				id = map[j].to;
		for (size_t j = 0; j < KP_ARRAY_SIZE(ids) && !id; j++)
			if (!strcmp(t, ids[j]))
				id = ids[j];
		if (!id)
			return NULL; /* something we do not know: leave it to the packager */
		kp_buf_adds(&b, id);
	}
	return b.len ? kp_buf_steal(&b) : NULL;
}

/*
 * MODULE_LICENSE strings (the kernel's license-rules.rst) as SPDX. The
 * kernel's "GPL" says GPL v2 without "only" or "or later"; the sources'
 * SPDX line settles that when there is one.
 */
static const char *module_license_spdx(const char *s, const char **why)
{
	static const struct {
		const char *from, *to, *why;
	} map[] = {
	    {"GPL", "GPL-2.0-only", "the kernel's \"GPL\" is GPL v2; no SPDX line says 'or later'"},
	    {"GPL v2", "GPL-2.0-only", NULL},
	    {"GPL and additional rights", "GPL-2.0-only OR MIT",
	     "the kernel documents \"GPL and additional rights\" as GPL v2 or MIT"},
	    {"Dual MIT/GPL", "GPL-2.0-only OR MIT", NULL},
	    {"Dual BSD/GPL", "GPL-2.0-only OR BSD-3-Clause",
	     "which BSD license only the sources say: check them"},
	    {"Dual MPL/GPL", "GPL-2.0-only OR MPL-1.1", "which MPL version only the sources say"},
	};
	for (size_t i = 0; i < KP_ARRAY_SIZE(map); i++)
		if (!strcmp(s, map[i].from)) {
			*why = map[i].why;
			return map[i].to;
		}
	return NULL;
}

/* ---- the sources ---- */

static bool is_ident_start(char ch)
{
	return isalpha((unsigned char)ch) || ch == '_';
}

/*
 * How many macros deep a MODULE_LICENSE(X) is followed (X defined as Y,
 * Y as "GPL"): drivers use one level; "#define A B" with "#define B A"
 * must end.
 */
#define C_STRING_DEPTH 4

/*
 * The string literal(s) at p ("a" "b"), or a macro's when p names one
 * #defined in texts, followed at most depth levels.
 */
static char *c_string(const char *p, const struct kp_strv *texts, int depth)
{
	while (isspace((unsigned char)*p))
		p++;
	if (is_ident_start(*p)) {
		if (depth == 0)
			return NULL;
		const char *e = p;
		while (isalnum((unsigned char)*e) || *e == '_')
			e++;
		_cleanup_free_ char *name = kp_strndup(p, e - p);
		_cleanup_free_ char *def = kp_asprintf("#define %s ", name);
		for (size_t i = 0; i < texts->n; i++) {
			const char *d = strstr(texts->v[i], def);
			if (d)
				return c_string(d + strlen(def), texts, depth - 1);
		}
		return NULL;
	}
	_cleanup_buf_ struct kp_buf b = {0};
	while (*p == '"') {
		for (p++; *p && *p != '"' && *p != '\n'; p++) {
			if (*p == '\\' && p[1])
				p++;
			kp_buf_addc(&b, *p);
		}
		if (*p != '"')
			return NULL;
		p++;
		while (*p == ' ' || *p == '\t' || (*p == '\\' && p[1] == '\n') || *p == '\n')
			p++;
	}
	return b.len ? kp_buf_steal(&b) : NULL;
}

static int line_of(const char *text, const char *at)
{
	int line = 1;
	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

/*
 * Calls of a macro find_macro() reads before it gives up: a driver has
 * one MODULE_LICENSE per module. Each may look up a #define in every
 * file, so without a bound a file of MODULE_LICENSE(X) calls took time
 * quadratic in the sources' size.
 */
#define FIND_MACRO_CALLS 64

/*
 * The first MACRO("...") in the .c files, with its file:line. unread, when
 * not NULL, gets the first call whose argument could not be followed
 * ("foo.c:3 MODULE_LICENSE(NAME)"), for the message when none could.
 */
static void find_macro(const struct kp_strv *files, const struct kp_strv *texts, const char *macro,
		       struct dk_fact *f, char **file_text, char **unread)
{
	_cleanup_free_ char *call = kp_asprintf("%s(", macro);
	int calls = 0;
	for (size_t i = 0; i < files->n; i++) {
		if (!kp_endswith(files->v[i], ".c"))
			continue;
		for (const char *p = strstr(texts->v[i], call); p; p = strstr(p + 1, call)) {
			if (p > texts->v[i] && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
				continue;
			if (++calls > FIND_MACRO_CALLS)
				return;
			char *s = c_string(p + strlen(call), texts, C_STRING_DEPTH);
			if (!s) {
				if (unread && !*unread) {
					size_t n = strcspn(p, ")\n");
					n += p[n] == ')';
					*unread = kp_asprintf("%s:%d %.*s", files->v[i],
							      line_of(texts->v[i], p),
							      (int)(n > 80 ? 80 : n), p);
				}
				continue;
			}
			dk_fact_set(f, s, "%s:%d %s", files->v[i], line_of(texts->v[i], p), macro);
			if (file_text)
				*file_text = texts->v[i];
			return;
		}
	}
}

/*
 * "obj-m :=" or "obj-$(CONFIG_X) +=" at the start of a line. Compiled once:
 * regcomp() was most of the cost of a call, made for every Makefile and
 * Kbuild of a tree.
 */
static regex_t obj_m_re;
static bool obj_m_ok;
static void obj_m_compile(void)
{
	obj_m_ok = !regcomp(&obj_m_re, "(^|\n)[ \t]*obj-(m|\\$\\([A-Za-z0-9_]+\\))[ \t]*[:+]?=",
			    REG_EXTENDED | REG_NOSUB);
}

bool dk_declares_modules(const char *dir, const char *rel)
{
	static const char *const names[] = {"Kbuild", "Makefile"};
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, obj_m_compile);
	if (!obj_m_ok)
		return false;
	bool found = false;
	for (size_t i = 0; i < KP_ARRAY_SIZE(names) && !found; i++) {
		_cleanup_free_ char *sub = kp_path_join(rel, names[i]);
		_cleanup_free_ char *path = kp_path_join(dir, *rel ? sub : names[i]);
		_cleanup_free_ char *text = NULL;
		size_t len;
		if (kp_read_file(path, &text, &len) == 0 && !memchr(text, '\0', len))
			found = !regexec(&obj_m_re, text, 0, NULL, 0);
	}
	return found;
}

void dk_obj_config(const char *dir, const char *rel, struct dk_fact *f)
{
	_cleanup_free_ char *mk = kp_path_join(rel, "Makefile");
	_cleanup_free_ char *path = kp_path_join(dir, *rel ? mk : "Makefile");
	_cleanup_free_ char *text = NULL;
	size_t len;
	if (kp_read_file(path, &text, &len) < 0 || memchr(text, '\0', len))
		return;
	regex_t obj, set;
	if (regcomp(&obj,
		    "(^|\n)[ \t]*obj-\\$\\((CONFIG_[A-Za-z0-9_]+)\\)[ \t]*[:+]?=", REG_EXTENDED))
		return;
	regmatch_t m[3];
	bool found = !regexec(&obj, text, 3, m, 0);
	regfree(&obj);
	if (!found)
		return;
	_cleanup_free_ char *name = kp_strndup(text + m[2].rm_so, m[2].rm_eo - m[2].rm_so);
	_cleanup_free_ char *re =
	    kp_asprintf("(^|\n)[ \t]*(export[ \t]+)?%s[ \t]*[:?]?=[ \t]*m[ \t]*(\n|$)", name);
	if (regcomp(&set, re, REG_EXTENDED))
		return;
	found = !regexec(&set, text, 1, m, 0);
	regfree(&set);
	if (found)
		dk_fact_set(f, kp_asprintf("%s=m", name),
			    "%s:%d sets %s = m for the make it runs itself, not for Kbuild, which "
			    "kmodpack runs directly",
			    *rel ? mk : "Makefile",
			    line_of(text, text + m[0].rm_so + (text[m[0].rm_so] == '\n')), name);
}

static bool skipped(const char *rel)
{
	return kp_startswith(rel, ".git/") || strstr(rel, "/.git/") ||
	       kp_startswith(rel, "debian/");
}

void dk_sources_read(const char *dir, struct dk_sources *s)
{
	*s = (struct dk_sources){0};
	_cleanup_strv_ struct kp_strv all = {0}, files = {0}, texts = {0};
	kp_list_tree(dir, &all);
	size_t best_depth = (size_t)-1;
	for (size_t i = 0; i < all.n; i++) {
		const char *rel = all.v[i];
		const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
		if (kp_startswith(rel, "debian/") &&
		    (kp_endswith(rel, ".udev") || kp_endswith(rel, ".modprobe")))
			kp_strv_push(&s->data, rel);
		if (skipped(rel))
			continue;
		if (!strcmp(base, "Makefile") || !strcmp(base, "Kbuild")) {
			_cleanup_free_ char *d = kp_strndup(rel, base - rel - (base > rel));
			size_t depth = 0;
			for (const char *p = d; *p; p++)
				depth += *p == '/';
			depth += *d != '\0';
			if (depth < best_depth && dk_declares_modules(dir, d)) {
				best_depth = depth;
				dk_fact_set(&s->kbuild_dir, kp_strdup(d), "%s declares obj-m", rel);
			}
		}
		if (kp_endswith(rel, ".c") || kp_endswith(rel, ".h")) {
			_cleanup_free_ char *path = kp_path_join(dir, rel);
			char *text = NULL;
			size_t len;
			if (kp_read_file(path, &text, &len) < 0 || memchr(text, '\0', len)) {
				free(text);
				continue;
			}
			kp_strv_push(&files, rel);
			kp_strv_push_take(&texts, text);
		}
	}
	char *lic_text = NULL;
	struct dk_fact raw = {0};
	find_macro(&files, &texts, "MODULE_LICENSE", &raw, &lic_text, &s->license_unread);
	find_macro(&files, &texts, "MODULE_DESCRIPTION", &s->summary, NULL, NULL);
	if (raw.value) {
		/* an SPDX line near the top of the same file settles "GPL" */
		const char *spdx = strstr(lic_text, "SPDX-License-Identifier:");
		_cleanup_free_ char *id = NULL;
		if (spdx && line_of(lic_text, spdx) <= 5) {
			const char *e = spdx + strlen("SPDX-License-Identifier:");
			id = kp_strndup(e, strcspn(e, "\n"));
			char *close = strstr(id, "*/");
			if (close)
				*close = '\0';
			kp_strstrip(id);
		}
		const char *why = NULL;
		char *mapped = id ? dk_spdx(id) : NULL;
		if (mapped) {
			dk_fact_set(&s->license, mapped,
				    "%s(\"%s\"), and its file's SPDX line '%s'", raw.origin,
				    raw.value, id);
		} else if (module_license_spdx(raw.value, &why)) {
			dk_fact_set(&s->license, kp_strdup(module_license_spdx(raw.value, &why)),
				    "%s(\"%s\")%s%s", raw.origin, raw.value, why ? ": " : "",
				    why ? why : "");
		} else {
			dk_fact_set(&s->license, kp_strdup(raw.value),
				    "%s, as written: not a license kmodpack knows an SPDX name for",
				    raw.origin);
		}
	}
	dk_fact_release(&raw);
}

void dk_sources_release(struct dk_sources *s)
{
	dk_fact_release(&s->license);
	dk_fact_release(&s->summary);
	dk_fact_release(&s->kbuild_dir);
	free(s->license_unread);
	kp_strv_release(&s->data);
}
