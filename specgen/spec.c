// SPDX-License-Identifier: GPL-2.0-or-later
#include "specgen/spec.h"

#include <libgen.h>
#include <time.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "kbuild/makeargs.h"
#include "kbuild/target.h"
#include "specgen/escape.h"
#include "specgen/render.h"

char *spec_flavour_package(const struct spec_manifest *m, const struct kb_target *t,
			   const struct kb_flavour *f)
{
	switch (t->naming) {
	case KB_NAMING_MODULE:
		return kp_asprintf("%s-module", m->name);
	case KB_NAMING_MODULE_ALT:
		return kp_asprintf("%s-module-alt", m->name);
	case KB_NAMING_VENDOR:
		return kp_asprintf("%s-%s", m->vendor_code, m->name);
	case KB_NAMING_VENDOR_ALT:
		return kp_asprintf("%s-%s-alt", m->vendor_code, m->name);
	case KB_NAMING_GUIDE:
		break;
	}
	return kp_asprintf("%s-modules-%s-%s", m->name, kb_flavour_pkg(f), f->kver);
}

int spec_check_conventions(const struct spec_manifest *m, const struct kb_target *t)
{
	for (size_t i = 0; i < t->nflavours && t->kernel_requires; i++) {
		const char *rel = t->flavours[i].release, *dash = strchr(rel, '-');
		if (dash && strchr(dash + 1, '-')) {
			kp_err("%s: flavour %s: kernel_requires = %s cannot name release '%s': rpm "
			       "refuses a version with more than one '-'; set kernel_requires = "
			       "none, or require the kernel through [driver] requires",
			       t->file ? t->file : "target", t->flavours[i].name,
			       t->kernel_requires, rel);
			return -KP_EINPUT;
		}
	}
	for (size_t i = 0; i < t->nflavours; i++)
		for (size_t j = 0; j < i; j++) {
			_cleanup_free_ char *a = spec_flavour_package(m, t, &t->flavours[j]);
			_cleanup_free_ char *b = spec_flavour_package(m, t, &t->flavours[i]);
			if (strcmp(a, b))
				continue;
			kp_err("%s: naming = %s gives flavours %s and %s the same package name "
			       "'%s': build one flavour at a time (--flavour), or use naming = "
			       "guide, which names each package by its flavour and kernel",
			       t->file ? t->file : "target", kb_naming_name(t->naming),
			       t->flavours[j].name, t->flavours[i].name, a);
			return -KP_EINPUT;
		}
	return 0;
}

char *spec_depmod_conf_path(const struct spec_manifest *m, const struct kb_flavour *f)
{
	return kp_asprintf("/etc/depmod.d/%s-%s.conf", m->name, f->release);
}

char *spec_depmod_conf(const struct spec_manifest *m, const struct kb_target *t,
		       const struct spec_flavour *sf)
{
	_cleanup_free_ char *pkg = spec_flavour_package(m, t, sf->f);
	_cleanup_buf_ struct kp_buf b = {0};
	kp_buf_addf(&b, "# %s: its modules in /lib/modules/%s/%s win over the kernel's own.\n", pkg,
		    sf->f->release, t->module_dir);
	/* depmod reads the kernel version as an extended regular expression. */
	_cleanup_buf_ struct kp_buf re = {0};
	kp_buf_adds(&re, "^");
	for (const char *p = sf->f->release; *p; p++)
		if (*p == '.' || *p == '+')
			kp_buf_addf(&re, "[%c]", *p);
		else
			kp_buf_addc(&re, *p);
	kp_buf_adds(&re, "$");
	for (size_t j = 0; j < sf->nmods; j++)
		kp_buf_addf(&b, "override %s %s %s\n", sf->mods[j].name, re.s, t->module_dir);
	return kp_buf_steal(&b);
}

char *spec_rpm_path(const char *package, const char *version, const char *release, const char *arch)
{
	return kp_asprintf("RPMS/%s/%s-%s-%s.%s.rpm", arch, package, version, release, arch);
}

char *spec_srpm_path(const char *name, const char *version, const char *release)
{
	return kp_asprintf("SRPMS/%s-%s-%s.src.rpm", name, version, release);
}

char *spec_setup_dir(const struct spec_manifest *m)
{
	return kp_asprintf("%s-%s", m->name, m->version);
}

char *spec_template_path(const char *name)
{
	const char *env = getenv("KMODPACK_TEMPLATES");
	if (env && *env)
		return kp_path_join(env, name);
	char exe[4096];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		_cleanup_free_ char *installed =
		    kp_asprintf("%s/../share/kmodpack/templates/%s", dirname(exe), name);
		if (kp_is_file(installed))
			return TAKE_PTR(installed);
	}
	return kp_asprintf("%s/templates/%s", KMODPACK_SOURCE_DIR, name);
}

/* User text of one line (a tag's value): escaped or refused naming the field. */
static int set_line(struct spec_vars *v, const char *var, const char *field, const char *text)
{
	_cleanup_free_ char *esc = NULL;
	int r = spec_escape_line(field, text, &esc);
	if (r == 0)
		spec_vars_set(v, var, esc);
	return r;
}

static int set_token(struct spec_vars *v, const char *var, const char *field, const char *text)
{
	_cleanup_free_ char *esc = NULL;
	int r = spec_escape_token(field, text, &esc);
	if (r == 0)
		spec_vars_set(v, var, esc);
	return r;
}

static int set_text(struct spec_vars *v, const char *var, const char *field, const char *text)
{
	_cleanup_free_ char *esc = NULL;
	int r = spec_escape_text(field, text, &esc);
	if (r == 0)
		spec_vars_set(v, var, esc);
	return r;
}

/*
 * The manifest's changelog: entries that each start with a "* date name - evr"
 * heading line; the heading is one-line text, the body entry text.
 */
static int escape_changelog(const char *text, char **out)
{
	_cleanup_buf_ struct kp_buf b = {0};
	const char *p = text;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t hlen = eol ? (size_t)(eol - p) : strlen(p);
		_cleanup_free_ char *head = kp_strndup(p, hlen);
		p += hlen + (eol ? 1 : 0);
		/* the body runs to the next line that starts an entry */
		const char *next = p;
		while (*next && !(next[0] == '*' && (next == p || next[-1] == '\n')))
			next = strchr(next, '\n') ? strchr(next, '\n') + 1 : next + strlen(next);
		_cleanup_free_ char *body = kp_strndup(p, next - p);
		p = next;
		_cleanup_free_ char *h = NULL, *bd = NULL;
		kp_strstrip(head);
		if (head[0] != '*') {
			kp_err("changelog: '%s' must start an entry with '* '", head);
			return -KP_EINPUT;
		}
		int r = spec_escape_line("changelog heading", kp_strstrip(head + 1), &h);
		if (r == 0)
			r = spec_escape_changelog("changelog", body, &bd);
		if (r < 0)
			return r;
		kp_buf_addf(&b, "%s* %s\n%s\n", b.len ? "\n" : "", h, bd);
	}
	*out = kp_buf_steal(&b);
	return 0;
}

/* A dependency name (Provides: modalias(...)): one token, % escaped. */
static int set_dep(struct spec_vars *v, const char *var, const char *field, const char *dep)
{
	_cleanup_buf_ struct kp_buf b = {0};
	for (const unsigned char *p = (const unsigned char *)dep; *p; p++) {
		if (*p <= ' ' || *p == ',' || *p == '(' || *p == ')' || *p >= 0x7f) {
			kp_err("%s: '%s' cannot be an rpm dependency name (white space, comma, "
			       "parenthesis or non-ASCII byte)",
			       field, dep);
			return -KP_EINPUT;
		}
		kp_buf_adds(&b, *p == '%' ? "%%" : (char[]){(char)*p, 0});
	}
	_cleanup_free_ char *s = kp_buf_steal(&b);
	spec_vars_set(v, var, s);
	return 0;
}

/* The manifest's requires, provides, conflicts and obsoletes, in that order, as "deps". */
static int set_deps(struct spec_vars *v, const struct spec_manifest *m)
{
	const struct {
		const char *tag, *field;
		const struct kp_strv *deps;
	} lists[] = {{"Requires", "requires", &m->requires},
		     {"Provides", "provides", &m->provides},
		     {"Conflicts", "conflicts", &m->conflicts},
		     {"Obsoletes", "obsoletes", &m->obsoletes}};
	spec_vars_list(v, "deps");
	for (size_t i = 0; i < KP_ARRAY_SIZE(lists); i++)
		for (size_t k = 0; k < lists[i].deps->n; k++) {
			_cleanup_free_ char *dep = NULL;
			int r = spec_escape_dep(lists[i].field, lists[i].deps->v[k], &dep);
			if (r < 0)
				return r;
			struct spec_vars *dv = spec_vars_add(v, "deps");
			spec_vars_set(dv, "TAG", lists[i].tag);
			spec_vars_set(dv, "DEP", dep);
		}
	return 0;
}

/* words, wrapped at 79 columns as rpmlint wants description lines (description-line-too-long). */
static char *wrap79(const char *words)
{
	_cleanup_buf_ struct kp_buf b = {0};
	size_t col = 0;
	for (const char *p = words; *p;) {
		size_t n = strcspn(p, " ");
		if (col && col + 1 + n > 79) {
			kp_buf_adds(&b, "\n");
			col = 0;
		} else if (col) {
			kp_buf_adds(&b, " ");
			col++;
		}
		_cleanup_free_ char *w = kp_strndup(p, n);
		kp_buf_adds(&b, w);
		col += n;
		p += n;
		p += strspn(p, " ");
	}
	return kp_buf_steal(&b);
}

static char *default_changelog(const struct spec_input *in)
{
	char date[64];
	time_t t = (time_t)in->source_date_epoch;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a %b %d %Y", &tm);
	return kp_asprintf("* %s %s - %s-%s\n- Packaged by kmodpack", date, in->m->vendor_name,
			   in->m->version, in->m->release);
}

/* Names and versions, which the manifest and target loaders validated. */
static void set_package_vars(struct spec_vars *v, const struct spec_input *in)
{
	const struct spec_manifest *m = in->m;
	spec_vars_set(v, "KMODPACK_VERSION", KMODPACK_VERSION);
	spec_vars_set(v, "TARGET", in->t->name);
	spec_vars_setf(v, "MANIFEST", "%s", "kmodpack.ini");
	spec_vars_setf(v, "SRPM", "%s-%s-%s.src.rpm", m->name, m->version, m->release);
	spec_vars_set(v, "NAME", m->name);
	spec_vars_set(v, "VERSION", m->version);
	spec_vars_set(v, "RELEASE", m->release);
	spec_vars_set(v, "ARCH", in->t->arch);
	spec_vars_set(v, "MODULE_DIR", in->t->module_dir);
	spec_vars_set(v, "INITRD", in->m->initrd && in->t->initrd == KB_INITRD_DRACUT ? "1" : "");
	spec_vars_set(v, "SOURCE0", in->source0);
	spec_vars_set(v, "SUBDIR", m->subdir[0] ? m->subdir : ".");
	_cleanup_free_ char *setup = spec_setup_dir(m);
	spec_vars_set(v, "SETUP_DIR", setup);

	spec_vars_set(v, "DATA", in->data_files ? "1" : "");
	spec_vars_set(v, "BUILD_SCRIPTS", in->build_scripts ? "1" : "");
	if (in->data_files) {
		spec_vars_setf(v, "DATA_PKG", "%s-data", m->name);
		spec_vars_set(v, "DATA_VERSION", in->data_version);
		spec_vars_set(v, "DATA_RELEASE", in->data_release);
		spec_vars_set(v, "DATA_FILES", in->data_files);
		spec_vars_set(v, "DATA_SOURCE", in->data_source);
	}
}

/* The manifest's free text, escaped or refused naming the field. */
static int set_user_text_vars(struct spec_vars *v, const struct spec_input *in)
{
	const struct spec_manifest *m = in->m;
	_cleanup_free_ char *changelog =
	    m->changelog ? kp_strdup(m->changelog) : default_changelog(in);
	_cleanup_free_ char *esc = NULL;
	int r;
	if ((r = set_line(v, "SUMMARY", "summary", m->summary)) < 0 ||
	    (r = set_line(v, "LICENSE", "license", m->license)) < 0 ||
	    (m->url && (r = set_token(v, "URL", "url", m->url)) < 0) ||
	    (r = set_line(v, "VENDOR", "vendor.name", m->vendor_name)) < 0 ||
	    (r = set_deps(v, m)) < 0 ||
	    (r = set_text(v, "DESCRIPTION", "description", m->description)) < 0 ||
	    (r = escape_changelog(changelog, &esc)) < 0)
		return r;
	if (!m->url)
		spec_vars_set(v, "URL", "");
	spec_vars_set(v, "CHANGELOG", esc);
	static const char *const vars[SPEC_NSCRIPTS] = {"SCRIPT_PRE", "SCRIPT_POST", "SCRIPT_PREUN",
							"SCRIPT_POSTUN"};
	for (size_t i = 0; i < SPEC_NSCRIPTS; i++) {
		_cleanup_free_ char *body = NULL;
		if (m->script[i] &&
		    (r = spec_escape_script_file(spec_script_key(i), m->script_path[i],
						 m->script[i], &body)) < 0)
			return r;
		spec_vars_set(v, vars[i], body ? body : "");
	}
	return 0;
}

/*
 * The flavour's make_args for %build, each word in '...': the variables
 * expanded as the build expands them, except {tree}, which becomes the
 * flavour's kmodpack_tree_N macro so that overriding it moves both.
 * Words and values were checked (kbuild/makeargs.h): no ', %, or \\.
 */
static void set_make_args(struct spec_vars *fv, const struct spec_input *in,
			  const struct kb_flavour *f, size_t idx)
{
	const struct spec_manifest *m = in->m;
	_cleanup_free_ char *tree = kp_asprintf("%%{kmodpack_tree_%zu}", idx);
	struct kb_make_vars mv;
	kb_make_vars_of(in->t, f, &mv);
	mv.tree = tree;
	_cleanup_buf_ struct kp_buf args = {0};
	for (size_t i = 0; i < m->make_args.n; i++) {
		_cleanup_free_ char *a = kb_make_arg_expand(m->make_args.v[i], &mv);
		kp_buf_addf(&args, "%s'%s'", i ? " " : "", a);
	}
	spec_vars_set(fv, "MAKE_ARGS", args.s ? args.s : "");
	/* Where make starts: as the build's argv does (builder/compile.c). */
	_cleanup_free_ char *dir =
	    kp_asprintf("%%{_builddir}/kmodpack-%s/%s", f->name, m->subdir[0] ? m->subdir : ".");
	_cleanup_free_ char *entry =
	    m->own_makefile ? kp_asprintf("-C %s", dir) : kp_asprintf("-C %s M=%s", tree, dir);
	spec_vars_set(fv, "MAKE_ENTRY", entry);
	spec_vars_set(fv, "MAKE_TARGET", m->own_makefile ? "" : " modules");
}

/* One subpackage per flavour, its modules and their aliases. */
static int set_flavour_vars(struct spec_vars *v, const struct spec_input *in)
{
	spec_vars_list(v, "flavours");
	for (size_t i = 0; i < in->nflavours; i++) {
		const struct spec_flavour *sf = &in->flavours[i];
		struct spec_vars *fv = spec_vars_add(v, "flavours");
		_cleanup_free_ char *pkg = spec_flavour_package(in->m, in->t, sf->f);
		spec_vars_setf(fv, "IDX", "%zu", i + 1);
		spec_vars_set(fv, "FLAVOUR", sf->f->name);
		spec_vars_set(fv, "KREL", sf->f->release);
		/* The SRPM builds where the product's devel package puts the tree. */
		spec_vars_set(fv, "TREE", sf->f->devel_tree ? sf->f->devel_tree : sf->f->tree);
		_cleanup_free_ char *devel =
		    !sf->f->devel_package ? kp_strdup("")
		    : sf->f->devel_version
			? kp_asprintf("%s = %s", sf->f->devel_package, sf->f->devel_version)
			: kp_strdup(sf->f->devel_package);
		spec_vars_set(fv, "DEVEL_REQ", devel);
		_cleanup_free_ char *kreq =
		    in->t->kernel_requires
			? kp_asprintf("%s = %s", in->t->kernel_requires, sf->f->release)
			: kp_strdup("");
		spec_vars_set(fv, "KERNEL_REQ", kreq);
		_cleanup_free_ char *conf_path =
		    kb_target_depmod_override(in->t) ? spec_depmod_conf_path(in->m, sf->f) : NULL;
		_cleanup_free_ char *conf = conf_path ? spec_depmod_conf(in->m, in->t, sf) : NULL;
		_cleanup_free_ char *conf_esc = NULL;
		if (conf) {
			int r = spec_escape_script("depmod.d file", conf, &conf_esc);
			if (r < 0)
				return r;
		}
		/* Only an initrd that exists is remade: in the installer's chroot the
		 * kernel's own is made later, with the module in place (guide 7.2). */
		_cleanup_free_ char *initrd = kp_asprintf(
		    "if [ -e '/boot/initrd-%s.img' ] && command -v dracut >/dev/null 2>&1; then\n"
		    "\tdracut -f '/boot/initrd-%s.img' '%s' >/dev/null 2>&1 || :\n"
		    "fi",
		    sf->f->release, sf->f->release, sf->f->release);
		spec_vars_set(fv, "INITRD_LINES", initrd);
		spec_vars_set(fv, "DEPMOD_CONF", conf_path ? conf_path : "");
		spec_vars_set(fv, "DEPMOD_TEXT", conf_esc ? conf_esc : "");
		set_make_args(fv, in, sf->f, i + 1);
		spec_vars_set(fv, "PKG", pkg);
		_cleanup_free_ char *text =
		    kp_asprintf("This package holds the modules built for the %s kernel %s.",
				sf->f->name, sf->f->release);
		_cleanup_free_ char *wrapped = wrap79(text);
		/* rpmlint's summary-too-long is over 79 characters: the kernel as fits. */
		_cleanup_free_ char *krel = kp_asprintf(" (kernel %s)", sf->f->release);
		_cleanup_free_ char *kfl = kp_asprintf(" (%s kernel)", sf->f->name);
		size_t len = strlen(in->m->summary);
		spec_vars_set(fv, "SUMMARY_KERNEL",
			      len + strlen(krel) <= 79	? krel
			      : len + strlen(kfl) <= 79 ? kfl
							: "");
		spec_vars_set(fv, "FLAVOUR_TEXT", wrapped);
		spec_vars_list(fv, "modules");
		for (size_t j = 0; j < sf->nmods; j++) {
			const struct spec_module *mod = &sf->mods[j];
			struct spec_vars *mv = spec_vars_add(fv, "modules");
			spec_vars_set(mv, "MODULE", mod->name);
			spec_vars_list(mv, "aliases");
			for (size_t k = 0; k < mod->aliases.n; k++) {
				_cleanup_free_ char *field =
				    kp_asprintf("alias of module '%s'", mod->name);
				struct spec_vars *av = spec_vars_add(mv, "aliases");
				int r = set_dep(av, "ALIAS", field, mod->aliases.v[k]);
				if (r < 0)
					return r;
			}
		}
	}
	return 0;
}

int spec_generate(const struct spec_input *in, char **out)
{
	_cleanup_(spec_vars_freep) struct spec_vars *v = spec_vars_new();
	int r;
	set_package_vars(v, in);
	if ((r = set_user_text_vars(v, in)) < 0 || (r = set_flavour_vars(v, in)) < 0)
		return r;

	_cleanup_free_ char *tmpl_path = spec_template_path("kmod.spec.in");
	_cleanup_free_ char *tmpl = NULL;
	if ((r = kp_read_file(tmpl_path, &tmpl, NULL)) < 0) {
		kp_err("cannot read spec template '%s': %s (set KMODPACK_TEMPLATES to the "
		       "templates dir)",
		       tmpl_path, strerror(-r));
		return -KP_EENV;
	}
	return spec_render(tmpl_path, tmpl, v, out);
}
