// SPDX-License-Identifier: GPL-2.0-or-later
#include "pack/installsh.h"

#include <errno.h>
#include <sys/stat.h>

#include "common/fs.h"
#include "common/log.h"
#include "specgen/render.h"
#include "specgen/spec.h"

char *pk_sh_quote(const char *s)
{
	/* Inside '...' every byte is literal except ' itself, which closes, escapes, reopens. */
	struct kp_buf b = {0};
	kp_buf_addc(&b, '\'');
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			kp_buf_adds(&b, "'\\''");
		else
			kp_buf_addc(&b, *p);
	}
	kp_buf_addc(&b, '\'');
	return kp_buf_steal(&b);
}

char *pk_cpio_pattern(const char *path)
{
	/* cpio matches with fnmatch: a backslash makes the next byte literal. */
	struct kp_buf b = {0};
	kp_buf_addc(&b, '.');
	for (const char *p = path; *p; p++) {
		if (strchr("*?[]\\", *p))
			kp_buf_addc(&b, '\\');
		kp_buf_addc(&b, *p);
	}
	return kp_buf_steal(&b);
}

bool pk_is_eula(const struct pk_file *f)
{
	return S_ISREG(f->mode) && kp_endswith(f->path, "EULA");
}

static void set(struct spec_vars *v, const char *name, const char *value)
{
	_cleanup_free_ char *q = pk_sh_quote(value ? value : "");
	spec_vars_set(v, name, q);
}

static void setf(struct spec_vars *v, const char *name, const char *fmt, ...) KP_PRINTF(3, 4);
static void setf(struct spec_vars *v, const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *s = kp_vasprintf(fmt, ap);
	va_end(ap);
	set(v, name, s);
}

/* What the script knows a package by: its file, and the name and version-release rpm -q shows. */
static void set_ids(struct spec_vars *v, const struct pk_rpm *r)
{
	set(v, "FILE", r->filename);
	set(v, "NAME", r->name);
	setf(v, "VR", "%s-%s", r->version, r->release);
}

int pk_install_sh(const struct pk_meta *m, const struct pk_entry *e, size_t n, char **out)
{
	_cleanup_(spec_vars_freep) struct spec_vars *v = spec_vars_new();
	set(v, "ORIGINATOR", m->vendor_code);
	set(v, "LABEL", m->label);
	set(v, "TEXT", m->text);
	set(v, "PRODUCT", m->product);
	set(v, "VERSION", m->version);
	set(v, "BUILD", m->build);
	spec_vars_list(v, "packages");
	spec_vars_list(v, "requires");
	spec_vars_list(v, "eulas");
	for (size_t i = 0; i < n; i++) {
		const struct pk_rpm *r = e[i].rpm;
		struct spec_vars *p = spec_vars_add(v, "packages");
		set_ids(p, r);
		set(p, "MD5", r->md5);
		setf(p, "SIZE", "%llu", r->size);
		set(p, "MODE", e[i].kind.options && !strcmp(e[i].kind.options, "-i") ? "i" : "U");
		for (size_t f = 0; f < r->nfiles; f++) {
			if (!pk_is_eula(&r->files[f]))
				continue;
			struct spec_vars *u = spec_vars_add(v, "eulas");
			_cleanup_free_ char *pat = pk_cpio_pattern(r->files[f].path);
			set_ids(u, r);
			set(u, "PATTERN", pat);
			set(u, "PATH", r->files[f].path);
		}
	}
	for (size_t i = 0; i < m->nreq; i++) {
		const struct pk_requires *q = &m->req[i];
		struct spec_vars *p = spec_vars_add(v, "requires");
		set(p, "ORIGINATOR", q->originator);
		set(p, "NAME", q->name);
		set(p, "TEST", q->test);
		set(p, "VERSION", q->version);
		set(p, "BUILD", q->build);
		set(p, "PRODUCT", q->product);
	}

	_cleanup_free_ char *path = spec_template_path("install.sh.in");
	_cleanup_free_ char *tmpl = NULL;
	int r = kp_read_file(path, &tmpl, NULL);
	if (r < 0) {
		kp_err("cannot read the install.sh template '%s': %s (set KMODPACK_TEMPLATES to "
		       "the templates dir)",
		       path, strerror(-r));
		return -KP_EENV;
	}
	return spec_render(path, tmpl, v, out);
}
