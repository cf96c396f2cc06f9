// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Step 7, the modules: which .ko files each flavour built, their vermagic,
 * the manifest's list, the buildroot (stripped, with their debug data
 * apart: strip.c), what the report says of each, and the HCL pre-check.
 */
#include "builder/internal.h"

#include "common/fs.h"
#include "common/log.h"
#include "hcl/hcl.h"
#include "kbuild/target.h"
#include "modinfo/ko.h"
#include "report/report.h"
#include "specgen/manifest.h"
#include "specgen/spec.h"

/* Built modules of one flavour: modules.order when Kbuild writes one, else every .ko. */
static void find_kos(const char *dir, struct kp_strv *out)
{
	struct kp_strv names = {0};
	kp_list_dir(dir, &names);
	for (size_t i = 0; i < names.n; i++) {
		if (names.v[i][0] == '.')
			continue;
		_cleanup_free_ char *p = kp_path_join(dir, names.v[i]);
		if (kp_endswith(names.v[i], ".ko") && kp_is_file(p))
			kp_strv_push(out, p);
		else if (kp_is_dir(p))
			find_kos(p, out);
	}
	kp_strv_release(&names);
}

static void built_modules(const char *mdir, struct kp_strv *out)
{
	_cleanup_free_ char *order = kp_path_join(mdir, "modules.order");
	_cleanup_free_ char *text = NULL;
	if (kp_read_file(order, &text, NULL) == 0) {
		for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
			kp_strstrip(line);
			if (!*line)
				continue;
			/* Kbuild 6.2+ lists "x.o" for the module x.ko (one byte longer). */
			_cleanup_free_ char *p =
			    kp_endswith(line, ".o")
				? kp_asprintf("%s/%.*s.ko", mdir, (int)strlen(line) - 2, line)
				: kp_path_join(mdir, line);
			if (kp_is_file(p) && !kp_strv_contains(out, p))
				kp_strv_push(out, p);
		}
	}
	if (out->n == 0)
		find_kos(mdir, out);
	kp_strv_sort(out);
}

static char *module_file_name(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	return kp_strndup(b, strlen(b) - 3);
}

/*
 * The HCL pre-check (guide 7.10) when the flavour names the kernel's own
 * modules dir: the result goes into the report, one warning per PCI ID
 * the kernel already supports. Not a failure: the vendor decides.
 */
static int check_coverage(struct bld_run *rn, size_t i, const struct kp_strv *kos)
{
	const struct kb_flavour *f = &rn->t->flavours[i];
	struct kp_strv warnings = {0};
	int r = hcl_check_modules(f->modules_dir, NULL, (const char *const *)kos->v, kos->n,
				  &rn->report->flavours[i].hcl, &warnings);
	if (r < 0) {
		kp_err_at(&(struct kp_log_where){.flavour = f->name},
			  "flavour %s: cannot check PCI coverage against '%s' (modules_dir in %s)",
			  f->name, f->modules_dir, rn->t->file ? rn->t->file : "the host target");
		kp_strv_release(&warnings);
		return r;
	}
	for (size_t k = 0; k < warnings.n; k++)
		kp_warn("flavour %s: %s", f->name, warnings.v[k]);
	kp_strv_release(&warnings);
	return 0;
}

/* Every module the manifest names must have been built. */
static int check_named(struct bld_run *rn, size_t i, const struct kp_strv *names)
{
	const struct spec_manifest *m = rn->m;
	int r = 0;
	for (size_t k = 0; k < m->modules.n; k++) {
		if (kp_strv_contains(names, m->modules.v[k]))
			continue;
		_cleanup_buf_ struct kp_buf built = {0};
		for (size_t j = 0; j < names->n; j++)
			kp_buf_addf(&built, "%s%s", j ? ", " : "", names->v[j]);
		kp_err_at(&(struct kp_log_where){.file = m->path, .flavour = rn->t->flavours[i].name},
			  "modules: '%s' was not built for flavour %s (built: %s)", m->modules.v[k],
			  rn->t->flavours[i].name, built.s ? built.s : "");
		r = -KP_EFAILED;
	}
	return r;
}

/*
 * One module of flavour i: its vermagic must name the flavour's release;
 * it goes into the buildroot (destdir), the spec and the report.
 */
static int stage_one(struct bld_run *rn, size_t i, const char *path, const char *name,
		     const char *destdir, const char *debugdir)
{
	const struct kb_flavour *f = &rn->t->flavours[i];
	_cleanup_(mi_ko_freep) struct mi_ko *ko = NULL;
	if (mi_ko_open(path, &ko) < 0)
		return -KP_EFAILED;
	const char *vermagic = mi_ko_get(ko, "vermagic");
	size_t rl = strlen(f->release);
	if (!vermagic || strncmp(vermagic, f->release, rl) ||
	    (vermagic[rl] != ' ' && vermagic[rl] != '\0')) {
		kp_err_at(&(struct kp_log_where){.flavour = f->name},
			  "flavour %s: module '%s' has vermagic '%s', not release %s: the "
			  "tree '%s' does not build modules for this kernel",
			  f->name, path, vermagic ? vermagic : "(none)", f->release, f->tree);
		return -KP_EFAILED;
	}
	struct spec_flavour *sf = &rn->sf[i];
	struct spec_module *sm = &sf->mods[sf->nmods++];
	sm->name = kp_strdup(name);
	mi_ko_get_all(ko, "alias", &sm->aliases);

	_cleanup_free_ char *dest = kp_asprintf("%s/%s.ko", destdir, name);
	_cleanup_free_ char *debug = kp_asprintf("%s/%s.ko.debug", debugdir, name);
	int r = bld_strip_module(rn, i, path, dest, debug);

	struct rp_module *rm = rp_flavour_add_module(&rn->report->flavours[i]);
	if (r == 0 && rn->signer)
		r = bld_sign_module(rn, i, dest, rm);
	rm->name = kp_strdup(name);
	rm->path = kp_asprintf("/lib/modules/%s/%s/%s.ko", f->release, rn->t->module_dir, name);
	rm->debug_path = kp_asprintf("%s%s.debug", RP_DEBUG_DIR, rm->path);
	rm->vermagic = kp_strdup(vermagic);
	const char *srcv = mi_ko_get(ko, "srcversion");
	rm->srcversion = srcv ? kp_strdup(srcv) : NULL;
	for (size_t k = 0; k < sm->aliases.n; k++)
		kp_strv_push(&rm->aliases, sm->aliases.v[k]);
	mi_ko_get_all(ko, "firmware", &rm->firmware);
	return r;
}

/*
 * Step 7 for flavour i: the modules it built (modules.order, else every
 * .ko), checked against the manifest's list; only those named (or all,
 * when none are) are staged. Then the HCL pre-check.
 */
int bld_modules_stage(struct bld_run *rn, size_t i)
{
	const struct kb_flavour *f = &rn->t->flavours[i];
	const struct spec_manifest *m = rn->m;
	_cleanup_free_ char *mdir = kp_path_join(rn->builddirs[i], m->subdir);
	_cleanup_strv_ struct kp_strv kos = {0};
	_cleanup_strv_ struct kp_strv names = {0};
	built_modules(mdir, &kos);
	if (kos.n == 0) {
		const char *log = bld_keep_log(rn, i);
		kp_err_at(&(struct kp_log_where){.flavour = f->name, .log = log},
			  "flavour %s: make succeeded but built no module (.ko) in '%s': does the "
			  "Makefile set obj-m? see %s",
			  f->name, mdir, log);
		return -KP_EFAILED;
	}
	for (size_t k = 0; k < kos.n; k++)
		kp_strv_push_take(&names, module_file_name(kos.v[k]));
	int r = check_named(rn, i, &names);

	_cleanup_free_ char *destdir = kp_asprintf("%s/buildroot/lib/modules/%s/%s", rn->od.stage,
						   f->release, rn->t->module_dir);
	_cleanup_free_ char *debugdir =
	    kp_asprintf("%s/buildroot" RP_DEBUG_DIR "/lib/modules/%s/%s", rn->od.stage, f->release,
			rn->t->module_dir);
	if (r == 0 && (r = kp_mkdir_p(destdir, 0755)) < 0)
		kp_err("cannot create '%s': %s", destdir, strerror(-r));
	rn->sf[i].f = f;
	rn->sf[i].mods = kp_calloc(kos.n, sizeof(*rn->sf[i].mods));
	for (size_t k = 0; k < kos.n && r == 0; k++) {
		if (m->modules.n && !kp_strv_contains(&m->modules, names.v[k])) {
			kp_warn("flavour %s: module '%s' was built but is not in [driver] modules: "
				"not packaged",
				f->name, names.v[k]);
			continue;
		}
		r = stage_one(rn, i, kos.v[k], names.v[k], destdir, debugdir);
	}
	if (r == 0 && f->modules_dir)
		r = check_coverage(rn, i, &kos);
	return r;
}
