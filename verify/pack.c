// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A finished supplemental pack, read back as the host installer reads it:
 * the ISO is unpacked with the same confined extraction as every archive
 * (common/archive.c), its XS-REPOSITORY and XS-PACKAGES are parsed, every
 * package is checked against what the metadata says and what its own RPM
 * header says, and the pack's install.sh installs it into a scratch root
 * (rpm --root, its own database), is run a second time to see it say
 * "already installed", and everything is erased again.
 */
#include "verify/pack.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/archive.h"
#include "common/digest.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/pathcheck.h"
#include "common/xml.h"
#include "common/runner.h"
#include "kbuild/target.h"
#include "pack/meta.h"
#include "pack/order.h"
#include "pack/rpmhdr.h"
#include "verify/internal.h"
#include "verify/pack-internal.h"

static struct vf_pack_check *check(struct pv *p, enum vf_pack_check_id id)
{
	return &p->res->checks[id];
}

void vf_pack_fail(struct pv *p, enum vf_pack_check_id id, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	struct vf_pack_check *c = check(p, id);
	kp_strv_push_take(&c->lines, kp_vasprintf(fmt, ap));
	va_end(ap);
	c->status = VF_PACK_FAILED;
}

#define fail vf_pack_fail

void vf_pack_skip(struct pv *p, enum vf_pack_check_id id, const char *why)
{
	struct vf_pack_check *c = check(p, id);
	if (c->status == VF_PACK_PASSED && c->lines.n == 0) {
		c->status = VF_PACK_SKIPPED;
		kp_strv_push(&c->lines, why);
	}
}

#define skip vf_pack_skip

/* ---- metadata ---- */

static int read_xml(struct pv *p, const char *name, const char *root, struct kp_xml_node **out)
{
	_cleanup_free_ char *path = kp_path_join(p->cur->dir, name);
	if (!kp_is_file(path)) {
		kp_err("'%s' is not a supplemental pack: it has no %s%s (guide 6.1)", p->o->iso,
		       p->cur->prefix, name);
		return -KP_EINPUT;
	}
	int r = kp_xml_read(path, out);
	if (r < 0)
		return -KP_EINPUT;
	if (strcmp((*out)->name, root)) {
		kp_err("%s:%d: the root element is <%s>, not <%s>", path, (*out)->line,
		       (*out)->name, root);
		return -KP_EINPUT;
	}
	return 0;
}

/* The first word of a file beside the ISO, or NULL when there is none. */
static char *sibling_md5(const char *iso, const char *name)
{
	_cleanup_free_ char *dir = kp_strdup(iso);
	char *slash = strrchr(dir, '/');
	_cleanup_free_ char *path =
	    slash ? (*slash = '\0', kp_path_join(dir, name)) : kp_strdup(name);
	_cleanup_free_ char *text = NULL;
	if (kp_read_file(path, &text, NULL) < 0)
		return NULL;
	return kp_strndup(text, strcspn(text, " \t\n"));
}

static void check_md5_files(struct pv *p)
{
	const char *label = p->res->label;
	_cleanup_free_ char *mname = kp_asprintf("%s.metadata.md5", label);
	_cleanup_free_ char *iname = kp_asprintf("%s.iso.md5", label);
	_cleanup_free_ char *want_meta = sibling_md5(p->o->iso, mname);
	_cleanup_free_ char *want_iso = sibling_md5(p->o->iso, iname);
	if (want_meta) {
		_cleanup_free_ char *a = kp_path_join(p->isodir, "XS-REPOSITORY");
		_cleanup_free_ char *b = kp_path_join(p->isodir, "XS-PACKAGES");
		_cleanup_free_ char *ta = NULL, *tb = NULL;
		size_t la = 0, lb = 0;
		/* both were read as XML already; a read that fails here counts as empty */
		if (kp_read_file(a, &ta, &la) < 0)
			la = 0;
		if (kp_read_file(b, &tb, &lb) < 0)
			lb = 0;
		_cleanup_free_ char *both = kp_malloc(la + lb + 1);
		if (la)
			memcpy(both, ta, la);
		if (lb)
			memcpy(both + la, tb, lb);
		char got[KP_DIGEST_HEX_MAX];
		kp_digest_buf(KP_DIGEST_MD5, both, la + lb, got);
		if (strcmp(got, want_meta))
			fail(p, VF_PACK_METADATA,
			     "%s says %s; XS-REPOSITORY followed by XS-PACKAGES has md5 %s", mname,
			     want_meta, got);
	}
	if (want_iso) {
		char got[KP_DIGEST_HEX_MAX];
		int r = kp_digest_file(KP_DIGEST_MD5, p->o->iso, got);
		if (r < 0 || strcmp(got, want_iso))
			fail(p, VF_PACK_METADATA, "%s says %s; the ISO has md5 %s", iname, want_iso,
			     r < 0 ? strerror(-r) : got);
	}
	if (!want_meta || !want_iso)
		kp_strv_pushf(&check(p, VF_PACK_METADATA)->lines,
			      "%s%s%s not beside the ISO: not compared", !want_meta ? mname : "",
			      !want_meta && !want_iso ? " and " : "", !want_iso ? iname : "");
}

static int read_metadata(struct pv *p)
{
	struct subpack *sp = p->cur;
	int r = read_xml(p, "XS-REPOSITORY", "repository", &sp->repo);
	if (r == 0)
		r = read_xml(p, "XS-PACKAGES", "packages", &sp->pkgs);
	if (r < 0)
		return r;
	static const char *const need[] = {"originator", "name", "product", "version"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(need); i++)
		if (!kp_xml_attr(sp->repo, need[i]))
			fail(p, VF_PACK_METADATA,
			     "%sXS-REPOSITORY:%d: <repository> has no %s=", sp->prefix,
			     sp->repo->line, need[i]);
	sp->label = kp_xml_attr(sp->repo, "name") ?: "";
	sp->originator = kp_xml_attr(sp->repo, "originator") ?: "";
	kp_strv_pushf(&p->res->packs, "%s:%s", sp->originator, sp->label);
	return 0;
}

/*
 * The ISO's packs: the top when it holds XS-REPOSITORY, else each dir its
 * XS-REPOSITORY-LIST names (a combined ISO, guide 6.6).
 */
static int find_packs(struct pv *p)
{
	_cleanup_strv_ struct kp_strv dirs = {0};
	int r = pk_repository_list_read(p->o->iso, p->isodir, &dirs);
	if (r == -ENOENT)
		kp_strv_push(&dirs, ""); /* a single pack: the ISO's top */
	else if (r < 0)
		return r;
	p->sp = kp_calloc(dirs.n + 1, sizeof(*p->sp));
	for (size_t i = 0; i < dirs.n; i++) {
		const char *clean = dirs.v[i];
		struct subpack *sp = &p->sp[p->nsp++];
		sp->dir = *clean ? kp_path_join(p->isodir, clean) : kp_strdup(p->isodir);
		sp->prefix = *clean ? kp_asprintf("%s/", clean) : kp_strdup("");
	}
	for (size_t i = 0; i < p->nsp; i++) {
		p->cur = &p->sp[i];
		if ((r = read_metadata(p)) < 0)
			return r;
	}
	/* A single pack names its md5 files; a combined ISO has none of its own. */
	const char *base = strrchr(p->o->iso, '/') ? strrchr(p->o->iso, '/') + 1 : p->o->iso;
	bool single = p->nsp == 1 && !p->sp[0].prefix[0];
	p->res->label = kp_strdup(single ? p->sp[0].label : base);
	p->res->originator = kp_strdup(single ? p->sp[0].originator : "");
	if (single)
		check_md5_files(p);
	return 0;
}

/* ---- packages ---- */

static void read_packages(struct pv *p, struct subpack *sp)
{
	p->l = kp_reallocarray(p->l, p->n + sp->pkgs->nchildren + 1, sizeof(*p->l));
	for (size_t i = 0; i < sp->pkgs->nchildren; i++) {
		const struct kp_xml_node *el = &sp->pkgs->children[i];
		struct listed *l = &p->l[p->n];
		if (strcmp(el->name, "package")) {
			fail(p, VF_PACK_METADATA, "%sXS-PACKAGES:%d: <%s> where <package> belongs",
			     sp->prefix, el->line, el->name);
			continue;
		}
		_cleanup_free_ char *name = kp_strdup(el->text);
		kp_strstrip(name);
		kp_strv_push(&sp->listed, name);
		char *file = kp_asprintf("%s%s", sp->prefix, name);
		*l = (struct listed){.el = el,
				     .file = file,
				     .path = kp_path_join(sp->dir, name),
				     .label = kp_xml_attr(el, "label"),
				     .type = kp_xml_attr(el, "type"),
				     .kernel = kp_xml_attr(el, "kernel"),
				     .md5 = kp_xml_attr(el, "md5"),
				     .size = kp_xml_attr(el, "size")};
		p->n++;
		kp_strv_push(&p->res->packages, file);
		if (!*name || strchr(name, '/') || !strcmp(name, "..")) {
			fail(p, VF_PACK_PACKAGES,
			     "%sXS-PACKAGES:%d: '%s' is not a file name in the pack", sp->prefix,
			     el->line, name);
			continue;
		}
		struct stat st;
		if (lstat(l->path, &st) < 0 || !S_ISREG(st.st_mode)) {
			fail(p, VF_PACK_PACKAGES,
			     "%s: listed in XS-PACKAGES (line %d), not in the ISO", file, el->line);
			continue;
		}
		if (pk_rpm_read(l->path, &l->rpm) < 0) {
			fail(p, VF_PACK_PACKAGES, "%s: not a readable RPM (see the message above)",
			     file);
			continue;
		}
		_cleanup_free_ char *size = kp_asprintf("%llu", l->rpm->size);
		if (!l->size || strcmp(l->size, size))
			fail(p, VF_PACK_PACKAGES, "%s: %s bytes, XS-PACKAGES says size=\"%s\"",
			     file, size, l->size ? l->size : "");
		if (!l->md5 || strcmp(l->md5, l->rpm->md5))
			fail(p, VF_PACK_PACKAGES, "%s: md5 %s, XS-PACKAGES says md5=\"%s\"", file,
			     l->rpm->md5, l->md5 ? l->md5 : "");
	}
}

/* RPMs in the ISO that XS-PACKAGES does not list are never installed: a mistake. */
static void check_unlisted(struct pv *p, const struct subpack *sp)
{
	_cleanup_strv_ struct kp_strv names = {0};
	kp_list_dir(sp->dir, &names);
	for (size_t i = 0; i < names.n; i++)
		if (kp_endswith(names.v[i], ".rpm") && !kp_strv_contains(&sp->listed, names.v[i]))
			fail(p, VF_PACK_PACKAGES, "%s%s: in the ISO but not listed in XS-PACKAGES",
			     sp->prefix, names.v[i]);
}

/* ---- kinds, placement, flavours ---- */

static void check_kinds(struct pv *p)
{
	for (size_t i = 0; i < p->n; i++) {
		struct listed *l = &p->l[i];
		if (!l->rpm)
			continue;
		if (pk_kind_of(l->rpm, &l->kind) < 0) {
			fail(p, VF_PACK_KINDS, "%s: the installer would mishandle it (see above)",
			     l->file);
			continue;
		}
		const char *type = l->kind.type == PK_PKG_DRIVER_RPM ? "driver-rpm" : "rpm";
		if (!l->type || strcmp(l->type, type))
			fail(p, VF_PACK_KINDS,
			     "%s: XS-PACKAGES says type=\"%s\", its Group '%s' makes it %s",
			     l->file, l->type ? l->type : "", l->rpm->group, type);
		if (l->kind.kernel && (!l->kernel || strcmp(l->kernel, l->kind.kernel)))
			fail(p, VF_PACK_KINDS,
			     "%s: XS-PACKAGES says kernel=\"%s\", its files install into %s",
			     l->file, l->kernel ? l->kernel : "", l->kind.kernel);
		if (!l->label || strcmp(l->label, l->rpm->name))
			fail(p, VF_PACK_KINDS, "%s: XS-PACKAGES says label=\"%s\", the RPM is %s",
			     l->file, l->label ? l->label : "", l->rpm->name);
	}
}

static bool is_module(const char *path)
{
	return kp_endswith(path, ".ko") || kp_endswith(path, ".ko.xz") ||
	       kp_endswith(path, ".ko.gz") || kp_endswith(path, ".ko.zst");
}

/* Guide 7.2: modules in the target's module dir, firmware, udev rules, docs, config. */
void vf_pack_check_placement(struct pv *p)
{
	const char *mdir = p->o->target ? p->o->target->module_dir : "extra";
	for (size_t i = 0; i < p->n; i++) {
		const struct listed *l = &p->l[i];
		for (size_t k = 0; l->rpm && k < l->rpm->nfiles; k++) {
			const char *f = l->rpm->files[k].path;
			bool dir = S_ISDIR(l->rpm->files[k].mode);
			_cleanup_free_ char *want =
			    l->kind.kernel
				? kp_asprintf("/lib/modules/%s/%s/", l->kind.kernel, mdir)
				: NULL;
			if ((is_module(f) || (kp_startswith(f, "/lib/modules/") && !dir)) &&
			    !(want && kp_startswith(f, want)))
				fail(p, VF_PACK_PLACEMENT,
				     "%s: %s: kernel modules go in /lib/modules/<release>/%s/",
				     l->file, f, mdir);
			else if (kp_endswith(f, ".rules") && !dir &&
				 !kp_startswith(f, "/etc/udev/rules.d/"))
				fail(p, VF_PACK_PLACEMENT,
				     "%s: %s: udev rules go in /etc/udev/rules.d/", l->file, f);
			else if (strstr(f, "/firmware/") && !dir &&
				 !kp_startswith(f, "/lib/firmware/"))
				fail(p, VF_PACK_PLACEMENT,
				     "%s: %s: firmware goes in /lib/firmware/", l->file, f);
			else if (strstr(f, "/doc/") && !dir && !kp_startswith(f, "/usr/share/doc/"))
				fail(p, VF_PACK_PLACEMENT,
				     "%s: %s: documentation goes in /usr/share/doc/", l->file, f);
		}
	}
}

/* The set of module file names a driver RPM installs, sorted and joined: what makes a driver. */
static char *module_set(const struct pk_rpm *r)
{
	_cleanup_strv_ struct kp_strv names = {0};
	for (size_t k = 0; k < r->nfiles; k++)
		if (is_module(r->files[k].path))
			kp_strv_push(&names, strrchr(r->files[k].path, '/') + 1);
	kp_strv_sort(&names);
	struct kp_buf b = {0};
	for (size_t i = 0; i < names.n; i++)
		kp_buf_addf(&b, "%s%s", i ? " " : "", names.v[i]);
	return kp_buf_steal(&b);
}

/* The module names of a driver RPM (file names without .ko...), sorted and joined. */
static char *module_names(const struct pk_rpm *r)
{
	_cleanup_strv_ struct kp_strv names = {0};
	for (size_t k = 0; k < r->nfiles; k++) {
		if (!is_module(r->files[k].path))
			continue;
		const char *base = strrchr(r->files[k].path, '/') + 1;
		kp_strv_push_take(&names, kp_strndup(base, strstr(base, ".ko") - base));
	}
	kp_strv_sort(&names);
	struct kp_buf b = {0};
	for (size_t i = 0; i < names.n; i++)
		kp_buf_addf(&b, "%s%s", i ? " " : "", names.v[i]);
	return kp_buf_steal(&b);
}

/* Every PK_SKIPPED_FILE of the ISO: its top, and each pack's dir of a combined one. */
static void read_skipped(const struct pv *p, struct pk_skipped **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	_cleanup_strv_ struct kp_strv dirs = {0};
	kp_strv_push(&dirs, p->isodir);
	for (size_t i = 0; i < p->nsp; i++)
		if (!kp_strv_contains(&dirs, p->sp[i].dir))
			kp_strv_push(&dirs, p->sp[i].dir);
	for (size_t i = 0; i < dirs.n; i++) {
		_cleanup_free_ char *path = kp_path_join(dirs.v[i], PK_SKIPPED_FILE);
		_cleanup_free_ char *text = NULL;
		struct pk_skipped *v;
		size_t nv;
		if (kp_read_file(path, &text, NULL) < 0)
			continue;
		pk_skipped_parse(text, &v, &nv);
		*out = kp_reallocarray(*out, *n + nv + 1, sizeof(**out));
		memcpy(*out + *n, v, nv * sizeof(*v));
		*n += nv;
		free(v);
	}
}

/* The record of the driver with these modules skipping release, or NULL. */
static const struct pk_skipped *find_skipped(const struct pk_skipped *v, size_t n,
					     const char *modules, const char *release)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].modules, modules) && !strcmp(v[i].release, release))
			return &v[i];
	return NULL;
}

void vf_pack_check_flavours(struct pv *p)
{
	const struct kb_target *t = p->o->target;
	if (!t) {
		skip(p, VF_PACK_FLAVOURS, "no target given (-t): flavours not compared");
		return;
	}
	struct pk_skipped *skipped;
	size_t nskipped;
	read_skipped(p, &skipped, &nskipped);
	for (size_t i = 0; i < p->n; i++) {
		const struct listed *l = &p->l[i];
		if (!l->rpm || l->kind.type != PK_PKG_DRIVER_RPM)
			continue;
		_cleanup_free_ char *set = module_set(l->rpm);
		_cleanup_free_ char *names = module_names(l->rpm);
		for (size_t f = 0; f < t->nflavours; f++) {
			const struct kb_flavour *fl = &t->flavours[f];
			bool found = false;
			for (size_t j = 0; j < p->n && !found; j++) {
				const struct listed *m = &p->l[j];
				if (!m->rpm || m->kind.type != PK_PKG_DRIVER_RPM ||
				    !m->kind.kernel || strcmp(m->kind.kernel, fl->release))
					continue;
				_cleanup_free_ char *mset = module_set(m->rpm);
				found = !strcmp(set, mset);
			}
			if (found)
				continue;
			/* Left out by its build because the kernel cannot serve it: recorded, fine.
			 * Left out by a choice (--flavour): the driver could serve it. */
			const struct pk_skipped *k = find_skipped(skipped, nskipped, names, fl->release);
			if (k && !kp_startswith(k->reason, "not selected"))
				kp_strv_pushf(&check(p, VF_PACK_FLAVOURS)->lines,
					      "%s (%s) is not built for flavour %s (%s): its build "
					      "skipped it: %s (%s)",
					      k->driver, set, fl->name, fl->release, k->reason,
					      PK_SKIPPED_FILE);
			else if (k)
				fail(p, VF_PACK_FLAVOURS,
				     "%s (%s) is not built for flavour %s (%s) of target %s: its "
				     "build left it out (%s), though the driver can serve it: build "
				     "that flavour too",
				     l->file, set, fl->name, fl->release, t->name, k->reason);
			else
				fail(p, VF_PACK_FLAVOURS,
				     "%s (%s) is not built for flavour %s (%s) of target %s",
				     l->file, set, fl->name, fl->release, t->name);
		}
	}
	for (size_t i = 0; i < nskipped; i++)
		pk_skipped_release(&skipped[i]);
	free(skipped);
	/* Each missing flavour is named once per driver RPM: keep the first of duplicates. */
	struct vf_pack_check *c = check(p, VF_PACK_FLAVOURS);
	_cleanup_strv_ struct kp_strv uniq = {0};
	for (size_t i = 0; i < c->lines.n; i++)
		if (!kp_strv_contains(&uniq, c->lines.v[i]))
			kp_strv_push(&uniq, c->lines.v[i]);
	kp_strv_release(&c->lines);
	c->lines = uniq;
	uniq = (struct kp_strv){0};
}

/* ---- install ---- */

static int run_logged(struct pv *p, const char *step, const char *cwd, struct kp_strv *av,
		      char **log)
{
	const char *label = p->res->label;
	*log = kp_asprintf("%s/verify-pack-%s-%s.log", p->o->logdir, label, step);
	int r = kp_mkdir_p(p->o->logdir, 0755);
	if (r == 0)
		r = kp_run(av->v, cwd, *log);
	kp_strv_release(av);
	return r;
}

/* Whether a requires names a pack of this very ISO: installed before it, nothing to fake. */
static bool on_the_iso(const struct pv *p, const char *orig, const char *name)
{
	for (size_t i = 0; i < p->nsp; i++)
		if (!strcmp(p->sp[i].originator, orig) && !strcmp(p->sp[i].label, name))
			return true;
	return false;
}

/* Make the scratch root meet one <requires>: the product's version, or a recorded pack. */
static int fake_requirement(struct pv *p, const char *root, const struct kp_xml_node *q,
			    struct kp_buf *inv)
{
	if (strcmp(q->name, "requires"))
		return 0;
	const char *orig = kp_xml_attr(q, "originator") ?: "", *name = kp_xml_attr(q, "name") ?: "",
		   *test = kp_xml_attr(q, "test") ?: "", *ver = kp_xml_attr(q, "version") ?: "",
		   *build = kp_xml_attr(q, "build");
	if (on_the_iso(p, orig, name))
		return 0;
	/* "gt" needs more than the version: one more dot-part is greater. */
	_cleanup_free_ char *have = kp_asprintf("%s%s", ver, !strcmp(test, "gt") ? ".1" : "");
	if (!strcmp(test, "lt") || !strcmp(test, "ne"))
		kp_strv_pushf(&check(p, VF_PACK_INSTALL)->lines,
			      "requires %s:%s %s %s: the scratch root has no version below it",
			      orig, name, test, ver);
	if (!strcmp(orig, "xs") && !strcmp(name, "main")) {
		kp_buf_addf(inv, "PRODUCT_VERSION='%s'\n", have);
		if (build)
			kp_buf_addf(inv, "BUILD_NUMBER='%s'\n", build);
		return 0;
	}
	_cleanup_free_ char *rec =
	    kp_asprintf("%s/etc/xensource/installed-repos/%s:%s/XS-REPOSITORY", root, orig, name);
	_cleanup_free_ char *dir = kp_strndup(rec, strrchr(rec, '/') - rec);
	_cleanup_free_ char *x = kp_asprintf(
	    "<repository originator=\"%s\" name=\"%s\" version=\"%s\"%s%s%s/>\n", orig, name, have,
	    build ? " build=\"" : "", build ? build : "", build ? "\"" : "");
	int r = kp_mkdir_p(dir, 0755);
	return r < 0 ? r : kp_write_file(rec, x, strlen(x), 0644);
}

/*
 * The host the pack expects: its product in /etc/xensource-inventory, and
 * every pack it requires (from outside the ISO) recorded at a version that
 * meets the test, so that install.sh's own checks pass in the scratch root.
 */
static int fake_host(struct pv *p, const char *root)
{
	_cleanup_free_ char *inv = kp_path_join(root, "etc/xensource-inventory");
	const char *product = kp_xml_attr(p->sp[0].repo, "product") ?: "XenServer";
	_cleanup_buf_ struct kp_buf b = {0};
	kp_buf_addf(&b, "PRODUCT_BRAND='%s'\n", product);
	int r = 0;
	for (size_t i = 0; i < p->nsp && r == 0; i++)
		for (size_t k = 0; k < p->sp[i].repo->nchildren && r == 0; k++)
			r = fake_requirement(p, root, &p->sp[i].repo->children[k], &b);
	return r < 0 ? r : kp_write_file(inv, b.s ? b.s : "", b.len, 0644);
}

static void rpm_root(struct kp_strv *av, const char *root)
{
	kp_strv_push(av, "rpm");
	kp_strv_push(av, "--root");
	kp_strv_push(av, root);
	kp_strv_push(av, "--dbpath");
	kp_strv_push(av, "/var/lib/rpm");
}

/* rpm's database and temp files, and depmod's indexes, which a driver's %postun rebuilds. */
static bool leftover_ok(const char *rel)
{
	const char *idx = kp_startswith(rel, "lib/modules/") ? strchr(rel + 12, '/') : NULL;
	return kp_startswith(rel, "var/lib/rpm/") || kp_startswith(rel, "var/tmp/") ||
	       (idx && kp_startswith(idx, "/modules.") && !strchr(idx + 1, '/'));
}

static int install_sh(struct pv *p, const char *root, const char *step, int want)
{
	_cleanup_strv_ struct kp_strv av = {0};
	_cleanup_free_ char *log = NULL;
	_cleanup_free_ char *script = kp_path_join(p->isodir, "install.sh");
	kp_strv_push(&av, "sh");
	kp_strv_push(&av, script);
	kp_strv_push(&av, "--root");
	kp_strv_push(&av, root);
	kp_strv_push(&av, "--accept-eulas");
	kp_strv_push(&av, "--nodeps");
	int st = run_logged(p, step, p->isodir, &av, &log);
	if (st >= 0 && st != want)
		fail(p, VF_PACK_INSTALL, "%s: install.sh exited with %d, expected %d: see %s", step,
		     st, want, log);
	return st < 0 ? st : 0;
}

static int check_installed(struct pv *p, const char *root)
{
	for (size_t i = 0; i < p->n; i++) {
		if (!p->l[i].rpm)
			continue;
		_cleanup_strv_ struct kp_strv av = {0};
		_cleanup_free_ char *log = NULL;
		rpm_root(&av, root);
		kp_strv_push(&av, "-q");
		kp_strv_push(&av, p->l[i].rpm->name);
		int st = run_logged(p, "query", NULL, &av, &log);
		if (st < 0)
			return st;
		if (st != 0)
			fail(p, VF_PACK_INSTALL, "%s is not installed after install.sh: see %s",
			     p->l[i].rpm->name, log);
	}
	for (size_t i = 0; i < p->nsp; i++) {
		_cleanup_free_ char *rec =
		    kp_asprintf("%s/etc/xensource/installed-repos/%s:%s/XS-REPOSITORY", root,
				p->sp[i].originator, p->sp[i].label);
		if (!kp_is_file(rec))
			fail(p, VF_PACK_INSTALL, "install.sh did not record the pack in %s", rec);
	}
	return 0;
}

static int erase(struct pv *p, const char *root)
{
	_cleanup_strv_ struct kp_strv av = {0};
	_cleanup_free_ char *log = NULL;
	rpm_root(&av, root);
	kp_strv_push(&av, "-e");
	kp_strv_push(&av, "--nodeps");
	for (size_t i = p->n; i-- > 0;)
		if (p->l[i].rpm)
			kp_strv_push(&av, p->l[i].rpm->name);
	int st = run_logged(p, "erase", NULL, &av, &log);
	if (st > 0)
		fail(p, VF_PACK_INSTALL, "rpm -e of the pack's packages exited with %d: see %s", st,
		     log);
	/* The record is install.sh's, not rpm's: the installer's own uninstall removes it. */
	for (size_t i = 0; i < p->nsp; i++) {
		_cleanup_free_ char *rec = kp_asprintf("%s/etc/xensource/installed-repos/%s:%s",
						       root, p->sp[i].originator, p->sp[i].label);
		kp_rm_rf(rec);
	}
	return st < 0 ? st : 0;
}

static int check_install(struct pv *p)
{
	if (p->o->no_install) {
		skip(p, VF_PACK_INSTALL, "not asked for");
		return 0;
	}
	if (geteuid() != 0) {
		skip(
		    p, VF_PACK_INSTALL,
		    "needs root: rpm runs the packages' scriptlets chrooted into the scratch root");
		return 0;
	}
	if (!kp_is_file("/bin/busybox")) {
		skip(p, VF_PACK_INSTALL,
		     "no static busybox at /bin/busybox for the scriptlets (apt-get install "
		     "busybox-static)");
		return 0;
	}
	_cleanup_free_ char *root = kp_path_join(p->work, "root");
	_cleanup_strv_ struct kp_strv applets = {0}, before = {0}, after = {0};
	_cleanup_free_ char *alog = kp_asprintf("%s/verify-pack-applets.log", p->work);
	int r = vf_busybox_applets("/bin/busybox", alog, &applets);
	if (r == 0)
		r = vf_root_populate(root, "/bin/busybox", &applets);
	if (r == 0)
		r = fake_host(p, root);
	if (r < 0) {
		kp_err("cannot prepare the scratch root '%s': %s", root, strerror(-r));
		return r;
	}
	kp_list_tree(root, &before);
	if ((r = install_sh(p, root, "install", 0)) < 0 || (r = check_installed(p, root)) < 0 ||
	    (r = install_sh(p, root, "install-again", 3)) < 0 || (r = erase(p, root)) < 0)
		return r;
	kp_list_tree(root, &after);
	for (size_t i = 0; i < after.n; i++)
		if (!kp_strv_contains(&before, after.v[i]) && !leftover_ok(after.v[i]))
			fail(p, VF_PACK_INSTALL, "/%s is left behind after rpm -e", after.v[i]);
	return 0;
}

static void release_pv(struct pv *p)
{
	for (size_t i = 0; p->l && i < p->n; i++) {
		pk_rpm_free(p->l[i].rpm);
		pk_kind_release(&p->l[i].kind);
		free(p->l[i].file);
		free(p->l[i].path);
	}
	free(p->l);
	for (size_t i = 0; p->sp && i < p->nsp; i++) {
		kp_xml_free(p->sp[i].repo);
		kp_xml_free(p->sp[i].pkgs);
		free(p->sp[i].dir);
		free(p->sp[i].prefix);
		kp_strv_release(&p->sp[i].listed);
	}
	free(p->sp);
	if (p->work)
		kp_rm_rf(p->work);
	free(p->work);
	free(p->isodir);
}

static const struct {
	const char *name, *what;
} check_names[VF_PACK_NCHECKS] = {
    [VF_PACK_METADATA] = {"metadata", "XS-REPOSITORY and XS-PACKAGES parse; the md5 files match"},
    [VF_PACK_SIGNATURES] = {"signatures", "update.xml.asc and repomd.xml.asc are good signatures"},
    [VF_PACK_PACKAGES] = {"packages", "every listed package is in the ISO with its size and md5"},
    [VF_PACK_GROUPS] = {"groups",
			"the groups a host installs are there, with packages of the repo"},
    [VF_PACK_KINDS] = {"kinds", "type=, kernel= and label= are what the RPM headers say"},
    [VF_PACK_PLACEMENT] = {"placement",
			   "modules, firmware, udev rules and docs where guide 7.2 puts them"},
    [VF_PACK_FLAVOURS] = {"flavours", "every driver is built for every flavour of the target "
				      "(or recorded as skipped by its build)"},
    [VF_PACK_INSTALL] = {"install", "install.sh installs into a scratch root, a second run finds "
				    "it installed, rpm -e leaves nothing"},
};

int vf_pack_verify(const struct vf_pack_opts *o, struct vf_pack_result *res)
{
	*res = (struct vf_pack_result){0};
	for (size_t i = 0; i < VF_PACK_NCHECKS; i++)
		res->checks[i] = (struct vf_pack_check){.name = check_names[i].name,
							.what = check_names[i].what};
	struct pv p = {.o = o, .res = res};
	const char *tmp = getenv("TMPDIR");
	p.work = kp_asprintf("%s/kmodpack-verify-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(p.work)) {
		int r = -errno;
		kp_err("cannot create a temp dir '%s': %s", p.work, strerror(-r));
		free(TAKE_PTR(p.work));
		return r;
	}
	p.isodir = kp_path_join(p.work, "iso");
	struct kp_extract_opts xo = {
	    .what = "pack ISO", .formats = KP_ARCHIVE_ISO9660, .limits = &kp_iso_limits};
	int r = kp_archive_extract(o->iso, p.isodir, &xo);
	_cleanup_free_ char *update_xml = kp_path_join(p.isodir, "update.xml");
	_cleanup_free_ char *xs_repo = kp_path_join(p.isodir, "XS-REPOSITORY");
	_cleanup_free_ char *xs_list = kp_path_join(p.isodir, "XS-REPOSITORY-LIST");
	bool update =
	    r == 0 && kp_is_file(update_xml) && !kp_is_file(xs_repo) && !kp_is_file(xs_list);
	res->format = "legacy";
	if (update) {
		/* xapi and the installer read update.xml and the yum repo (pack-update.c). */
		r = vf_pack_update_read(&p);
		if (r == 0) {
			vf_pack_check_placement(&p);
			vf_pack_check_flavours(&p);
			skip(&p, VF_PACK_INSTALL, "not run here: no install.sh to run");
		}
	} else {
		res->checks[VF_PACK_SIGNATURES].status = VF_PACK_NA;
		res->checks[VF_PACK_GROUPS].status = VF_PACK_NA;
	}
	if (r == 0 && !update)
		r = find_packs(&p);
	if (r == 0 && !update) {
		for (size_t i = 0; i < p.nsp; i++) {
			read_packages(&p, &p.sp[i]);
			check_unlisted(&p, &p.sp[i]);
		}
		check_kinds(&p);
		vf_pack_check_placement(&p);
		vf_pack_check_flavours(&p);
		r = check_install(&p);
	}
	release_pv(&p);
	if (r < 0)
		return r;
	for (size_t i = 0; i < VF_PACK_NCHECKS; i++)
		if (res->checks[i].status == VF_PACK_FAILED)
			return -KP_EFAILED;
	return 0;
}

void vf_pack_result_release(struct vf_pack_result *res)
{
	free(res->uuid);
	free(res->version);
	free(res->label);
	free(res->originator);
	kp_strv_release(&res->packages);
	kp_strv_release(&res->packs);
	for (size_t i = 0; i < VF_PACK_NCHECKS; i++)
		kp_strv_release(&res->checks[i].lines);
	*res = (struct vf_pack_result){0};
}
