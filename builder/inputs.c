// SPDX-License-Identifier: GPL-2.0-or-later
/* Step 1, the inputs: manifest, target, the build's date and the [data] section. */
#include "builder/internal.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <regex.h>
#include <string.h>
#include <stdlib.h>
#include <time.h>

#include "common/archive.h"
#include "common/fs.h"
#include "common/pathcheck.h"
#include "common/log.h"
#include "firmware/data.h"
#include "kbuild/release.h"
#include "kbuild/target.h"
#include "specgen/manifest.h"
#include "specgen/spec.h"

/* The text of a Makefile or Kbuild file that declares modules: obj-m or obj-$(CONFIG_X). */
static bool text_declares_modules(const char *text, size_t len)
{
	if (!text || memchr(text, '\0', len))
		return false;
	regex_t re;
	if (regcomp(&re, "(^|\n)[ \t]*obj-(m|\\$\\([A-Za-z0-9_]+\\))[ \t]*[:+]?=",
		    REG_EXTENDED | REG_NOSUB))
		return false;
	bool found = !regexec(&re, text, 0, NULL, 0);
	regfree(&re);
	return found;
}

static bool declares_modules(const char *path)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	return kp_read_file(path, &text, &len) == 0 && text_declares_modules(text, len);
}

static bool is_kbuild_file(const char *rel)
{
	const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
	return !strcmp(base, "Makefile") || !strcmp(base, "Kbuild");
}

void bld_kbuild_dirs(const char *top, struct kp_strv *out)
{
	_cleanup_strv_ struct kp_strv all = {0};
	kp_list_tree(top, &all);
	kp_strv_sort(&all);
	for (size_t i = 0; i < all.n; i++) {
		const char *rel = all.v[i];
		const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
		if (strcmp(base, "Makefile") && strcmp(base, "Kbuild"))
			continue;
		if (strstr(rel, ".git/") || strstr(rel, ".kmodpack/"))
			continue;
		_cleanup_free_ char *path = kp_path_join(top, rel);
		_cleanup_free_ char *dir = kp_strndup(rel, base - rel - (base > rel));
		if (declares_modules(path) && !kp_strv_contains(out, *dir ? dir : "."))
			kp_strv_push(out, *dir ? dir : ".");
	}
}

/* The error of a subdir without Makefile or Kbuild, listing dirs (those declaring obj-m). */
static int no_kbuild_dir(const char *manifest, int subdir_line, const char *kdir, const char *top,
			 const struct kp_strv *dirs)
{
	_cleanup_buf_ struct kp_buf list = {0};
	for (size_t i = 0; i < dirs->n && i < 10; i++)
		kp_buf_addf(&list, "%s'%s'", i ? ", " : "", dirs->v[i]);
	if (dirs->n > 10)
		kp_buf_addf(&list, " and %zu more", dirs->n - 10);
	struct kp_log_where at = {.file = manifest, .line = subdir_line};
	if (dirs->n)
		kp_err_at(
		    &at,
		    "no Makefile or Kbuild file in '%s': set [driver] subdir to the "
		    "directory of the driver's Kbuild Makefile; directories of the source '%s' "
		    "that declare obj-m: %s",
		    kdir, top, list.s);
	else
		kp_err_at(&at,
			  "no Makefile or Kbuild file in '%s', and none below '%s' declares obj-m: "
			  "set [driver] source and subdir to the driver's Kbuild Makefile",
			  kdir, top);
	return -KP_EINPUT;
}

int bld_kbuild_dir_check(const char *manifest, int subdir_line, const char *top, const char *subdir)
{
	_cleanup_free_ char *kdir = *subdir ? kp_path_join(top, subdir) : kp_strdup(top);
	_cleanup_free_ char *mk = kp_path_join(kdir, "Makefile");
	_cleanup_free_ char *kb = kp_path_join(kdir, "Kbuild");
	if (kp_is_file(mk) || kp_is_file(kb))
		return 0;
	_cleanup_strv_ struct kp_strv dirs = {0};
	bld_kbuild_dirs(top, &dirs);
	return no_kbuild_dir(manifest, subdir_line, kdir, top, &dirs);
}

static bool want_kbuild_file(const char *name)
{
	return is_kbuild_file(name);
}

/*
 * The same check on a source archive, from its listing: nothing is
 * unpacked. As the build unpacks it, a single top directory is the
 * source's top; the Makefiles and Kbuild files are read to list those that
 * declare obj-m.
 */
int bld_kbuild_archive_check(const char *manifest, int subdir_line, const char *archive,
			     const char *subdir)
{
	struct kp_extract_opts xo = {.what = "source archive"};
	struct kp_archive_member *m = NULL;
	size_t n = 0;
	/* A Makefile bigger than this is no driver's Kbuild file: listed as not declaring obj-m. */
	int r = kp_archive_list(archive, &xo, want_kbuild_file, KP_SOURCE_MAX_ENTRY_SIZE, &m, &n);
	if (r < 0)
		return r;
	/* One top-level name that is a directory: the build takes it as the top. */
	_cleanup_free_ char *prefix = NULL;
	bool one_top = n > 0;
	for (size_t i = 0; i < n && one_top; i++) {
		size_t len = strcspn(m[i].name, "/");
		if (!prefix)
			prefix = kp_strndup(m[i].name, len);
		one_top = strlen(prefix) == len && !strncmp(prefix, m[i].name, len) &&
			  (m[i].name[len] == '/' || m[i].dir);
	}
	size_t skip = one_top ? strlen(prefix) + 1 : 0;
	_cleanup_free_ char *want_dir = NULL;
	if (kp_path_clean(subdir, &want_dir) < 0)
		want_dir = kp_strdup(subdir); /* absolute or "..": no member is there */
	_cleanup_strv_ struct kp_strv dirs = {0};
	bool found = false;
	for (size_t i = 0; i < n; i++) {
		if (m[i].dir || strlen(m[i].name) <= skip || !is_kbuild_file(m[i].name) ||
		    strstr(m[i].name, ".git/"))
			continue;
		const char *rel = m[i].name + skip;
		const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
		_cleanup_free_ char *dir = kp_strndup(rel, base - rel - (base > rel));
		if (!strcmp(dir, want_dir))
			found = true;
		if (text_declares_modules(m[i].data, m[i].len) &&
		    !kp_strv_contains(&dirs, *dir ? dir : "."))
			kp_strv_push(&dirs, *dir ? dir : ".");
	}
	kp_archive_members_free(m, n);
	if (found)
		return 0;
	kp_strv_sort(&dirs);
	/* "drv.tar.gz:drv-1.0/sub" names a directory inside the archive. */
	_cleanup_free_ char *top = one_top ? kp_asprintf("%s:%s", archive, prefix) : kp_strdup(archive);
	_cleanup_free_ char *kdir = !*subdir ? kp_strdup(top)
				    : one_top ? kp_asprintf("%s/%s", top, subdir)
					      : kp_asprintf("%s:%s", archive, subdir);
	return no_kbuild_dir(manifest, subdir_line, kdir, top, &dirs);
}

/* SOURCE_DATE_EPOCH is the RPMs' build time: rpm keeps it as unsigned 32-bit seconds. */
static int check_epoch(const struct bld_inputs *in, bool from_env)
{
	if (in->sde <= 4294967295LL)
		return 0;
	if (from_env)
		kp_err(
		    "SOURCE_DATE_EPOCH=%lld is past 4294967295 (February 2106), the last time an "
		    "rpm package can hold: set it to e.g. $(git log -1 --format=%%ct)",
		    in->sde);
	else
		kp_err_at(&(struct kp_log_where){.file = in->m->path},
			  "the changelog's date gives %lld, past 4294967295 (February 2106), the "
			  "last time an rpm package can hold",
			  in->sde);
	return -KP_EINPUT;
}

/* Move flavour i of the target to in->skipped, with why (taken). */
static void skip_flavour(struct bld_inputs *in, size_t i, char *why)
{
	struct kb_target *t = in->t;
	struct kb_flavour *f = &t->flavours[i];
	in->skipped = kp_reallocarray(in->skipped, in->nskipped + 1, sizeof(*in->skipped));
	in->skipped[in->nskipped++] = (struct bld_skipped){
	    .name = kp_strdup(f->name), .release = kp_strdup(f->release), .reason = why};
	kb_target_remove(t, i);
}

/* --flavour NAME..., else the target file's flavours = NAMES: the others are not built. */
static int select_by_name(struct bld_inputs *in, const struct bld_select *sel)
{
	struct kb_target *t = in->t;
	struct kp_strv cli = {.v = (char **)sel->flavours, .n = sel->nflavours};
	const struct kp_strv *want = sel->nflavours ? &cli : &t->select;
	if (want->n == 0)
		return 0;
	_cleanup_free_ char *from =
	    sel->nflavours ? kp_strdup("--flavour")
			   : kp_asprintf("flavours, %s:%d", kp_basename(t->file), t->select_line);
	for (size_t k = 0; k < want->n; k++) {
		if (kb_target_find(t, want->v[k]))
			continue;
		_cleanup_buf_ struct kp_buf known = {0};
		for (size_t i = 0; i < t->nflavours; i++)
			kp_buf_addf(&known, "%s%s", i ? ", " : "", t->flavours[i].name);
		/* From the target file's flavours line: that file and line, as data too. */
		struct kp_log_where at = {.file = t->file, .line = t->select_line};
		if (sel->nflavours)
			kp_err("--flavour: no flavour '%s' in target %s (its flavours: %s)",
			       want->v[k], t->name, known.s ? known.s : "none");
		else
			kp_err_at(&at, "target.flavours: no flavour '%s' in target %s (its flavours: %s)",
				  want->v[k], t->name, known.s ? known.s : "none");
		return -KP_EINPUT;
	}
	for (size_t i = t->nflavours; i-- > 0;)
		if (!kp_strv_contains(want, t->flavours[i].name))
			skip_flavour(in, i, kp_asprintf("not selected (%s)", from));
	return 0;
}

/* kernel_arch, kernel_release, kernel_min/max and kernel_config: why flavour f cannot be served, or NULL. */
static int unmet_requirements(const struct spec_manifest *m, const struct kb_target *t,
			      const struct kb_flavour *f, char **why)
{
	*why = NULL;
	/* The file by its name only: the reason is recorded in the report and on the
	 * pack's ISO, which must not depend on where the driver was checked out. */
	const char *mname = kp_basename(m->path);
	const char *arch = f->arch ? f->arch : t->arch;
	bool arch_ok = m->kernel_arch.n == 0;
	for (size_t i = 0; !arch_ok && i < m->kernel_arch.n; i++)
		arch_ok = fnmatch(m->kernel_arch.v[i], arch, 0) == 0;
	if (!arch_ok) {
		*why = kp_asprintf("its arch %s is not in kernel_arch (%s:%d)", arch, mname,
				   m->kernel_arch_line);
		return 0;
	}
	const char *rel = f->release;
	if (m->kernel_release && !kb_release_matches(m->kernel_release, rel)) {
		*why = kp_asprintf("its release %s does not match kernel_release '%s' (%s:%d)", rel,
				   m->kernel_release, mname, m->kernel_release_line);
		return 0;
	}
	if (m->kernel_min && kb_release_cmp(rel, m->kernel_min) < 0) {
		*why = kp_asprintf("its release %s is older than kernel_min %s (%s:%d)", rel,
				   m->kernel_min, mname, m->kernel_min_line);
		return 0;
	}
	if (m->kernel_max && kb_release_cmp(rel, m->kernel_max) > 0) {
		*why = kp_asprintf("its release %s is newer than kernel_max %s (%s:%d)", rel,
				   m->kernel_max, mname, m->kernel_max_line);
		return 0;
	}
	if (m->kernel_config.n == 0)
		return 0;
	_cleanup_strv_ struct kp_strv unmet = {0};
	int r = kb_flavour_check_config(f, &m->kernel_config, &unmet);
	if (r < 0 || unmet.n == 0)
		return r;
	struct kp_buf b = {0};
	for (size_t i = 0; i < unmet.n; i++)
		kp_buf_addf(&b, "%s%s", i ? ", " : "", unmet.v[i]);
	kp_buf_addf(&b, " (kernel_config, %s:%d)", mname, m->kernel_config_line);
	*why = kp_buf_steal(&b);
	return 0;
}

/*
 * Step 1's choice of flavours: by name, then what the driver requires of
 * the kernel. A flavour that cannot be served is skipped with one line;
 * when none is left there is nothing to build.
 */
static int select_flavours(struct bld_inputs *in, const struct bld_select *sel)
{
	struct kb_target *t = in->t;
	int r = select_by_name(in, sel);
	for (size_t i = t->nflavours; r == 0 && i-- > 0;) {
		char *why = NULL;
		if ((r = unmet_requirements(in->m, t, &t->flavours[i], &why)) < 0 || !why)
			continue;
		kp_info("flavour %s (%s) skipped: %s", t->flavours[i].name, t->flavours[i].release,
			why);
		skip_flavour(in, i, why);
	}
	if (r == 0 && t->nflavours == 0) {
		kp_err_at(&(struct kp_log_where){.file = in->m->path},
			  "no flavour of target %s left to build (see the lines above): choose "
			  "another target, or check kernel_config, kernel_arch, kernel_release, "
			  "kernel_min and kernel_max",
			  t->name);
		return -KP_EINPUT;
	}
	return r;
}

int bld_inputs_load(const char *driver_dir, const char *target_file,
		    const struct bld_select *select, bool warn_undated, struct bld_inputs *in)
{
	*in = (struct bld_inputs){0};
	static const struct bld_select none = {0};
	const struct bld_select *sel = select ? select : &none;
	int r;
	if ((r = spec_manifest_load(driver_dir, &in->m)) < 0)
		return r;
	if (sel->all_kernels && target_file) {
		kp_err_at(&(struct kp_log_where){.file = target_file},
			  "--all-kernels is for the host target: this target file names its "
			  "flavours' trees itself");
		return -KP_EINPUT;
	}
	in->all_kernels = sel->all_kernels;
	struct kb_load_opts lo = {.all_kernels = sel->all_kernels};
	if ((r = kb_target_load_opts(target_file, &lo, &in->t)) < 0 ||
	    (r = select_flavours(in, sel)) < 0 || (r = spec_check_conventions(in->m, in->t)) < 0)
		return r;
	/* The environment, then the manifest, then now (docs/building.md). */
	if ((r = kp_env_source_date_epoch(&in->sde)) < 0)
		return r;
	bool from_env = in->sde >= 0;
	if (in->sde < 0)
		in->sde = in->m->source_date_epoch;
	if ((r = check_epoch(in, from_env)) < 0)
		return r;
	/* An archive is checked from its listing (build's step 5 unpacks it, and checks again). */
	if (in->m->source_is_archive)
		r = bld_kbuild_archive_check(in->m->path, in->m->subdir_line, in->m->source,
					     in->m->subdir);
	else
		r = bld_kbuild_dir_check(in->m->path, in->m->subdir_line, in->m->source,
					 in->m->subdir);
	if (r < 0)
		return r;
	if (in->sde < 0) {
		in->sde = (long long)time(NULL);
		in->sde_is_now = true;
		if (warn_undated)
			kp_warn("%s: no changelog or source_date_epoch and no SOURCE_DATE_EPOCH: "
				"using the current time, so the RPMs will not be reproducible",
				in->m->path);
	}
	if (in->m->ndata) {
		struct fw_data_opts fo = {.manifest = in->m->path,
					  .driver_dir = in->m->dir,
					  .source_dir = in->m->source_is_archive ? NULL : in->m->source,
					  .name = in->m->name,
					  .version = in->m->version,
					  .release = in->m->release};
		if ((r = fw_data_load(&fo, in->m->data, in->m->ndata, &in->data)) < 0)
			return r;
	}
	return 0;
}

void bld_inputs_release(struct bld_inputs *in)
{
	for (size_t i = 0; i < in->nskipped; i++) {
		free(in->skipped[i].name);
		free(in->skipped[i].release);
		free(in->skipped[i].reason);
	}
	free(in->skipped);
	fw_data_free(in->data);
	kb_target_free(in->t);
	spec_manifest_free(in->m);
	*in = (struct bld_inputs){0};
}
