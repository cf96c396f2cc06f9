// SPDX-License-Identifier: GPL-2.0-or-later
#include "pack/meta.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>

#include "common/digest.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/pathcheck.h"
#include "common/suggest.h"
#include "specgen/manifest.h"

void pk_meta_init(struct pk_meta *m)
{
	*m = (struct pk_meta){.mem = -1};
}

static void free_req(struct pk_requires *r)
{
	free(r->originator);
	free(r->name);
	free(r->test);
	free(r->product);
	free(r->version);
	free(r->build);
}

void pk_meta_release(struct pk_meta *m)
{
	free(m->vendor_code);
	free(m->vendor_name);
	free(m->label);
	free(m->text);
	free(m->product);
	free(m->version);
	free(m->build);
	pk_meta_clear_requires(m);
	kp_strv_release(&m->warnings);
	pk_meta_init(m);
}

void pk_meta_clear_requires(struct pk_meta *m)
{
	for (size_t i = 0; i < m->nreq; i++)
		free_req(&m->req[i]);
	free(m->req);
	m->req = NULL;
	m->nreq = 0;
}

KP_PRINTF(3, 4) static void bad(struct pk_meta *m, const char *where, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *why = kp_vasprintf(fmt, ap);
	va_end(ap);
	kp_err("%s: %s", where, why);
	m->errors++;
}

/* Printable ASCII on one line: it goes into the ISO's volume descriptor and XML. */
static bool plain_text(const char *s)
{
	for (const char *p = s; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return false;
	return true;
}

/*
 * The installer's version rule (guide 7.7.1): at least one dot, numbers
 * between the dots; a hyphen would be read as the start of the build.
 */
static bool pack_version_ok(const char *s)
{
	if (!strchr(s, '.') || strlen(s) > 64)
		return false;
	size_t run = 0;
	for (const char *p = s;; p++) {
		if (*p == '.' || !*p) {
			if (!run)
				return false;
			run = 0;
			if (!*p)
				return true;
		} else if (isalnum((unsigned char)*p)) {
			run++;
		} else {
			return false;
		}
	}
}

static bool build_ok(const char *s)
{
	if (!*s || strlen(s) > 32)
		return false;
	for (const char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '.')
			return false;
	return true;
}

static void set(char **slot, const char *v)
{
	free(*slot);
	*slot = kp_strdup(v);
}

static bool parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = {"true", "yes", "1", "on"};
	static const char *const no[] = {"false", "no", "0", "off"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(v, yes[i]))
			return *out = true;
		if (!strcasecmp(v, no[i]))
			return !(*out = false);
	}
	return false;
}

static bool code_ok(struct pk_meta *m, const char *where, const char *v, const char *what)
{
	if (spec_is_package_name(v))
		return true;
	bad(m, where,
	    "'%s' must be 1 to 64 characters: lowercase letters, digits, '-' and '_' (the %s "
	    "names a directory on the host, guide 6.1.1)",
	    v, what);
	return false;
}

static const char *const tests[] = {"eq", "ne", "lt", "gt", "le", "ge"};

/* "originator=xs name=main test=ge version=6.5.0 [build=B] [product=P]" */
/* The words of a requires line (guide 6.1.3). */
static const char *const requires_keys[] = {"originator", "name",  "test",
					    "version",	  "build", "product"};

static void add_requires(struct pk_meta *m, const char *line, const char *where)
{
	struct kp_strv words = {0};
	kp_strv_split_on(&words, line, " \t");
	struct pk_requires r = {0};
	bool ok = true;
	for (size_t i = 0; i < words.n && ok; i++) {
		char *w = words.v[i], *eq = strchr(w, '=');
		if (!eq) {
			bad(m, where, "'%s' is not KEY=VALUE", w);
			ok = false;
			break;
		}
		*eq = '\0';
		const char *v = eq + 1;
		char **slot = !strcmp(w, "originator") ? &r.originator
			      : !strcmp(w, "name")     ? &r.name
			      : !strcmp(w, "test")     ? &r.test
			      : !strcmp(w, "version")  ? &r.version
			      : !strcmp(w, "build")    ? &r.build
			      : !strcmp(w, "product")  ? &r.product
						       : NULL;
		if (!slot) {
			_cleanup_free_ char *tail =
			    kp_suggest_phrase(w, requires_keys, KP_ARRAY_SIZE(requires_keys));
			bad(m, where, "unknown key '%s'%s", w, tail);
			ok = false;
		} else if (*slot) {
			bad(m, where, "'%s' given twice", w);
			ok = false;
		} else {
			*slot = kp_strdup(v);
		}
	}
	kp_strv_release(&words);
	if (ok && (!r.originator || !r.name || !r.test || !r.version)) {
		bad(m, where,
		    "'%s' needs originator=, name=, test= and version= (guide 6.1.3), e.g. "
		    "'originator=xs name=main test=ge version=6.5.0'",
		    line);
		ok = false;
	}
	if (ok &&
	    (!code_ok(m, where, r.originator, "originator") || !code_ok(m, where, r.name, "name")))
		ok = false;
	if (ok) {
		bool known = false;
		for (size_t i = 0; i < KP_ARRAY_SIZE(tests); i++)
			known |= !strcmp(r.test, tests[i]);
		if (!known) {
			bad(m, where,
			    "test '%s' must be one of eq, ne, lt, gt, le, ge (guide 6.1.3)",
			    r.test);
			ok = false;
		}
	}
	if (ok && !pack_version_ok(r.version)) {
		bad(m, where,
		    "version '%s' must be numbers separated by dots, at least one dot; give a "
		    "build with build=",
		    r.version);
		ok = false;
	}
	if (ok && r.build && !build_ok(r.build)) {
		bad(m, where, "build '%s' must be letters, digits and dots", r.build);
		ok = false;
	}
	if (ok && r.product && (!*r.product || !plain_text(r.product))) {
		bad(m, where, "product '%s' must be printable ASCII", r.product);
		ok = false;
	}
	if (!ok) {
		free_req(&r);
		return;
	}
	m->req = kp_reallocarray(m->req, m->nreq + 1, sizeof(*m->req));
	m->req[m->nreq++] = r;
}

/* The keys of [pack] (docs/pack.md), in the order the docs list them. */
static const char *const pack_keys[] = {"label", "text",	"version", "build",
					"mem",	 "homogeneous", "product", "requires"};

void pk_meta_set(struct pk_meta *m, const char *key, const char *v, const char *where)
{
	if (!strcmp(key, "vendor-code")) {
		if (!code_ok(m, where, v, "vendor code"))
			return;
		if (!strcmp(v, "xs"))
			return bad(
			    m, where,
			    "'xs' is reserved for the product's own packs (guide 6.1.1): use "
			    "a code that names your organisation");
		set(&m->vendor_code, v);
	} else if (!strcmp(key, "vendor-name")) {
		if (!*v || !plain_text(v))
			return bad(m, where,
				   "'%s' must be one non-empty line of printable ASCII (it is the "
				   "ISO's application id)",
				   v);
		set(&m->vendor_name, v);
	} else if (!strcmp(key, "label")) {
		if (code_ok(m, where, v, "label"))
			set(&m->label, v);
	} else if (!strcmp(key, "text")) {
		if (!*v || !plain_text(v))
			return bad(m, where, "'%s' must be one non-empty line of printable ASCII",
				   v);
		if (strlen(v) > PK_TEXT_MAX)
			return bad(m, where,
				   "'%s' is %zu characters; at most %d fit the ISO volume id "
				   "(guide 6.1.1): shorten it",
				   v, strlen(v), PK_TEXT_MAX);
		set(&m->text, v);
	} else if (!strcmp(key, "product")) {
		if (!*v || !plain_text(v) || strlen(v) > 64)
			return bad(m, where, "'%s' must be one line of printable ASCII", v);
		set(&m->product, v);
	} else if (!strcmp(key, "version")) {
		if (!pack_version_ok(v))
			return bad(m, where,
				   "'%s' must be numbers separated by dots, with at least one dot "
				   "(guide 7.7.1); no hyphen: give the build with build",
				   v);
		set(&m->version, v);
	} else if (!strcmp(key, "build")) {
		if (!build_ok(v))
			return bad(m, where, "'%s' must be letters, digits and dots", v);
		set(&m->build, v);
	} else if (!strcmp(key, "mem")) {
		char *end;
		errno = 0;
		long mb = strtol(v, &end, 10);
		if (errno || !*v || *end || mb < 0 || mb > 1048576 || !isdigit((unsigned char)*v))
			return bad(m, where,
				   "'%s' must be a whole number of megabytes (guide 6.1.2)", v);
		m->mem = mb;
		if (PK_DOM0_BASE + mb > PK_DOM0_CAP_MB) {
			_cleanup_free_ char *w = kp_asprintf(
			    "%s: %ld MB takes dom0 to %d + %ld = %ld MB, past the %d MB it is "
			    "capped at (guide 6.1.2): the pack will have less than it asks for",
			    where, mb, PK_DOM0_BASE, mb, PK_DOM0_BASE + mb, PK_DOM0_CAP_MB);
			kp_warn("%s", w);
			kp_strv_push(&m->warnings, w);
		}
	} else if (!strcmp(key, "homogeneous")) {
		if (!parse_bool(v, &m->homogeneous))
			return bad(m, where, "'%s' must be true or false", v);
	} else if (!strcmp(key, "requires")) {
		struct kp_strv lines = {0};
		kp_strv_split_on(&lines, v, "\n");
		for (size_t i = 0; i < lines.n; i++)
			if (*kp_strstrip(lines.v[i]))
				add_requires(m, lines.v[i], where);
		kp_strv_release(&lines);
	} else {
		_cleanup_free_ char *tail = kp_suggest_phrase(key, pack_keys, KP_ARRAY_SIZE(pack_keys));
		bad(m, where, "unknown key in [pack]%s", tail);
	}
}

void pk_meta_from_manifest(struct pk_meta *m, const struct spec_manifest *man)
{
	/* [vendor] was validated with the rest of the manifest. */
	if (man->vendor_code)
		set(&m->vendor_code, man->vendor_code);
	if (man->vendor_name)
		set(&m->vendor_name, man->vendor_name);
	for (size_t i = 0; i < man->npack; i++) {
		const struct kp_kv *kv = &man->pack[i];
		/* One requires per line, each named by its own line. */
		struct kp_strv lines = {0};
		if (!strcmp(kv->key, "requires"))
			kp_strv_split_on(&lines, kv->value, "\n");
		else
			kp_strv_push(&lines, kv->value);
		for (size_t l = 0; l < lines.n; l++) {
			_cleanup_free_ char *where =
			    kp_asprintf("%s:%d: %s", man->path, kv->line + (int)l, kv->key);
			if (!strcmp(kv->key, "vendor-code") || !strcmp(kv->key, "vendor-name"))
				bad(m, where, "the vendor is set in [vendor] (code, name)");
			else
				pk_meta_set(m, kv->key, lines.v[l], where);
		}
		kp_strv_release(&lines);
	}
}

int pk_meta_finish(struct pk_meta *m)
{
	static const struct {
		const char *what;
		size_t off;
	} need[] = {
	    {"the vendor code ([vendor] code, or --vendor-code)",
	     offsetof(struct pk_meta, vendor_code)},
	    {"the vendor name ([vendor] name, or --vendor-name)",
	     offsetof(struct pk_meta, vendor_name)},
	    {"the pack's label ([pack] label, or --label)", offsetof(struct pk_meta, label)},
	    {"the pack's text ([pack] text, or --text)", offsetof(struct pk_meta, text)},
	    {"the pack's version ([pack] version, or --version)",
	     offsetof(struct pk_meta, version)},
	};
	if (m->errors)
		return -KP_EINPUT;
	for (size_t i = 0; i < KP_ARRAY_SIZE(need); i++)
		if (!*(char **)((char *)m + need[i].off)) {
			kp_err("%s is missing", need[i].what);
			m->errors++;
		}
	if (!m->product)
		m->product = kp_strdup("XenServer");
	for (size_t i = 0; i < m->nreq; i++)
		if (!m->req[i].product)
			m->req[i].product = kp_strdup(m->product);
	return m->errors ? -KP_EINPUT : 0;
}

char *pk_metadata_md5(const char *xs_repository, const char *xs_packages)
{
	_cleanup_free_ char *both = kp_asprintf("%s%s", xs_repository, xs_packages);
	char hex[KP_DIGEST_HEX_MAX];
	kp_digest_buf(KP_DIGEST_MD5, both, strlen(both), hex);
	return kp_asprintf("%s\n", hex);
}

void pk_xml_escape(struct kp_buf *b, const char *s, bool attribute)
{
	for (const char *p = s; *p; p++) {
		switch (*p) {
		case '&':
			kp_buf_adds(b, "&amp;");
			break;
		case '<':
			kp_buf_adds(b, "&lt;");
			break;
		case '>':
			kp_buf_adds(b, "&gt;");
			break;
		case '"':
			kp_buf_adds(b, attribute ? "&quot;" : "\"");
			break;
		/* An attribute's parser turns raw white space into spaces: keep it as it was. */
		case '\t':
		case '\n':
		case '\r':
			if (attribute)
				kp_buf_addf(b, "&#%d;", *p);
			else
				kp_buf_addc(b, *p);
			break;
		default:
			kp_buf_addc(b, *p);
		}
	}
}

static void attr(struct kp_buf *b, const char *name, const char *value)
{
	kp_buf_addf(b, " %s=\"", name);
	pk_xml_escape(b, value, true);
	kp_buf_addc(b, '"');
}

/*
 * The layout is the DDK builder's (minidom's pretty printer, then text
 * pulled onto its element's line): no XML declaration, two-space indent, a
 * newline after every line including the last. The installer recomputes
 * the metadata md5 over these bytes, so they must never vary.
 */
char *pk_xs_repository(const struct pk_meta *m)
{
	struct kp_buf b = {0};
	kp_buf_adds(&b, "<repository");
	attr(&b, "originator", m->vendor_code);
	attr(&b, "name", m->label);
	attr(&b, "product", m->product);
	attr(&b, "version", m->version);
	if (m->build)
		attr(&b, "build", m->build);
	if (m->mem >= 0)
		kp_buf_addf(&b, " memory-requirement-mb=\"%ld\"", m->mem);
	if (m->homogeneous)
		attr(&b, "enforce-homogeneity", "true");
	kp_buf_adds(&b, ">\n  <description>");
	pk_xml_escape(&b, m->text, false);
	kp_buf_adds(&b, "</description>\n");
	for (size_t i = 0; i < m->nreq; i++) {
		const struct pk_requires *r = &m->req[i];
		kp_buf_adds(&b, "  <requires");
		attr(&b, "originator", r->originator);
		attr(&b, "name", r->name);
		attr(&b, "test", r->test);
		attr(&b, "product", r->product);
		attr(&b, "version", r->version);
		if (r->build)
			attr(&b, "build", r->build);
		kp_buf_adds(&b, "/>\n");
	}
	kp_buf_adds(&b, "</repository>\n");
	return kp_buf_steal(&b);
}

char *pk_xs_packages(const struct pk_entry *e, size_t n)
{
	struct kp_buf b = {0};
	kp_buf_adds(&b, "<packages>\n");
	for (size_t i = 0; i < n; i++) {
		const struct pk_rpm *r = e[i].rpm;
		kp_buf_adds(&b, "  <package");
		attr(&b, "label", r->name);
		attr(&b, "type", e[i].kind.type == PK_PKG_DRIVER_RPM ? "driver-rpm" : "rpm");
		kp_buf_addf(&b, " size=\"%llu\"", r->size);
		attr(&b, "md5", r->md5);
		if (e[i].kind.kernel)
			attr(&b, "kernel", e[i].kind.kernel);
		if (e[i].kind.options)
			attr(&b, "options", e[i].kind.options);
		kp_buf_addc(&b, '>');
		pk_xml_escape(&b, r->filename, false);
		kp_buf_adds(&b, "</package>\n");
	}
	kp_buf_adds(&b, "</packages>\n");
	return kp_buf_steal(&b);
}

void pk_skipped_release(struct pk_skipped *s)
{
	free(s->driver);
	free(s->modules);
	free(s->flavour);
	free(s->release);
	free(s->reason);
	*s = (struct pk_skipped){0};
}

/* One field of a line: tabs and line ends become spaces. */
static void add_field(struct kp_buf *b, const char *s, char end)
{
	for (const char *p = s ? s : ""; *p; p++)
		kp_buf_addc(b, *p == '\t' || *p == '\n' || *p == '\r' ? ' ' : *p);
	kp_buf_addc(b, end);
}

char *pk_skipped_text(const struct pk_skipped *s, size_t n)
{
	struct kp_buf b = {0};
	kp_buf_adds(&b, "# Kernel flavours the drivers of this pack are NOT built for: their\n"
			"# 'kmodpack build' skipped them, for the reason given. A host running\n"
			"# one of these kernels gets no module of that driver from this pack.\n"
			"# One line each: driver, its modules, flavour, kernel release, reason\n"
			"# (separated by tabs).\n");
	for (size_t i = 0; i < n; i++) {
		add_field(&b, s[i].driver, '\t');
		add_field(&b, s[i].modules, '\t');
		add_field(&b, s[i].flavour, '\t');
		add_field(&b, s[i].release, '\t');
		add_field(&b, s[i].reason, '\n');
	}
	return kp_buf_steal(&b);
}

void pk_skipped_parse(const char *text, struct pk_skipped **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	_cleanup_strv_ struct kp_strv lines = {0};
	kp_strv_split_on(&lines, text, "\n");
	for (size_t i = 0; i < lines.n; i++) {
		if (lines.v[i][0] == '#')
			continue;
		char *f[5] = {0};
		char *p = lines.v[i];
		size_t k = 0;
		for (; k < 5 && p; k++) {
			f[k] = p;
			p = k < 4 ? strchr(p, '\t') : NULL;
			if (p)
				*p++ = '\0';
		}
		if (k < 5 || !f[4] || !*f[0] || !*f[2] || !*f[3])
			continue;
		*out = kp_reallocarray(*out, *n + 1, sizeof(**out));
		(*out)[(*n)++] = (struct pk_skipped){.driver = kp_strdup(f[0]),
						     .modules = kp_strdup(f[1]),
						     .flavour = kp_strdup(f[2]),
						     .release = kp_strdup(f[3]),
						     .reason = kp_strdup(f[4])};
	}
}

int pk_repository_list_read(const char *iso, const char *isodir, struct kp_strv *dirs)
{
	_cleanup_free_ char *list = kp_path_join(isodir, "XS-REPOSITORY-LIST");
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	if (!kp_is_file(list))
		return -ENOENT;
	int r = kp_read_file(list, &text, &len);
	if (r < 0) {
		kp_err("%s: cannot read its XS-REPOSITORY-LIST: %s", iso, strerror(-r));
		return -KP_EINPUT;
	}
	if (memchr(text, '\0', len)) {
		kp_err("%s: XS-REPOSITORY-LIST is not text (it holds a NUL byte)", iso);
		return -KP_EINPUT;
	}
	_cleanup_strv_ struct kp_strv lines = {0};
	kp_strv_split_on(&lines, text, "\n");
	if (!lines.n) {
		kp_err("%s: XS-REPOSITORY-LIST names no pack directory", iso);
		return -KP_EINPUT;
	}
	for (size_t i = 0; i < lines.n; i++) {
		_cleanup_free_ char *dir = NULL;
		kp_strstrip(lines.v[i]);
		if (kp_path_clean(lines.v[i], &dir) < 0 || !*dir) {
			kp_err("%s: XS-REPOSITORY-LIST:%zu: '%s' is not a directory of the ISO",
			       iso, i + 1, lines.v[i]);
			return -KP_EINPUT;
		}
		kp_strv_push_take(dirs, TAKE_PTR(dir));
	}
	return 0;
}
