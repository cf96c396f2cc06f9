// SPDX-License-Identifier: GPL-2.0-or-later
/* Step 9, package: the source tarballs, the spec, librpm, and the artifacts in the report. */
#include "builder/internal.h"

#include <sys/stat.h>

#include "common/archive.h"
#include "common/digest.h"
#include "common/fs.h"
#include "common/gpg.h"
#include "common/log.h"
#include "common/signals.h"
#include "firmware/data.h"
#include "kbuild/target.h"
#include "report/report.h"
#include "specgen/escape.h"
#include "specgen/manifest.h"
#include "specgen/rpm.h"
#include "specgen/spec.h"

/* The staging dir's packaging dirs; the files rpm reads and writes. */
struct pkg_dirs {
	char *sources, *specs, *work, *buildroot, *rpms, *srpms;
	char *specfile, *pspecfile;
};

static void pkg_dirs_release(struct pkg_dirs *d)
{
	free(d->sources);
	free(d->specs);
	free(d->work);
	free(d->buildroot);
	free(d->rpms);
	free(d->srpms);
	free(d->specfile);
	free(d->pspecfile);
}

static bool skip_source(const char *path, void *outdir)
{
	return bld_source_skip(path, outdir);
}

/* Source0 as the guide names it (<name>-<version>/), and the data files as Source1. */
static int make_tarballs(struct bld_run *rn, const struct bld_spec *s, const struct pkg_dirs *d)
{
	_cleanup_free_ char *setup = spec_setup_dir(rn->m);
	_cleanup_free_ char *tarball = kp_path_join(d->sources, s->source0);
	int r = kp_archive_create(rn->srctop, setup, rn->sde, tarball, skip_source, rn->od.dir);
	if (r < 0 || !rn->data)
		return r;
	_cleanup_free_ char *tree = kp_path_join(rn->od.stage, "datatree");
	_cleanup_free_ char *tb = kp_path_join(d->sources, s->source1);
	return kp_archive_create(tree, ".", rn->sde, tb, NULL, NULL);
}

/* The SRPM's spec, and the same without build scripts for the binary packages (rpm.h says why). */
static int write_specs(struct bld_run *rn, struct bld_spec *s, const struct pkg_dirs *d)
{
	_cleanup_free_ char *spec = NULL, *pspec = NULL;
	int r = spec_generate(&s->in, &spec);
	if (r < 0) {
		kp_err_at(&(struct kp_log_where){.file = rn->m->path}, "fix the field named above");
		return r;
	}
	if ((r = kp_write_file(d->specfile, spec, strlen(spec), 0644)) < 0) {
		kp_err("cannot write '%s': %s", d->specfile, strerror(-r));
		return r;
	}
	s->in.build_scripts = false;
	r = spec_generate(&s->in, &pspec);
	s->in.build_scripts = true;
	if (r == 0 && (r = kp_write_file(d->pspecfile, pspec, strlen(pspec), 0644)) < 0)
		kp_err("cannot write '%s': %s", d->pspecfile, strerror(-r));
	return r;
}

/* module_dir = override: each flavour's depmod.d file, in the build root for %files. */
static int stage_depmod_confs(struct bld_run *rn, const struct pkg_dirs *d)
{
	if (!kb_target_depmod_override(rn->t))
		return 0;
	for (size_t i = 0; i < rn->t->nflavours; i++) {
		_cleanup_free_ char *rel = spec_depmod_conf_path(rn->m, &rn->t->flavours[i]);
		_cleanup_free_ char *text = spec_depmod_conf(rn->m, rn->t, &rn->sf[i]);
		_cleanup_free_ char *path = kp_path_join(d->buildroot, rel + 1);
		_cleanup_free_ char *dir = kp_path_join(d->buildroot, "etc/depmod.d");
		int r = kp_mkdir_p(dir, 0755);
		if (r == 0)
			r = kp_write_file(path, text, strlen(text), 0644);
		if (r < 0) {
			kp_err("cannot write '%s': %s", path, strerror(-r));
			return r;
		}
	}
	return 0;
}

/* An artifact staged by rpm, at the path the builder named it: record its size and sha256. */
static int add_artifact(struct bld_run *rn, char *rel, enum rp_artifact_kind kind,
			const char *flavour)
{
	struct rp_artifact *a = rp_build_add_artifact(rn->report);
	a->kind = kind;
	a->path = rel;
	a->flavour = flavour ? kp_strdup(flavour) : NULL;
	_cleanup_free_ char *path = kp_path_join(rn->od.stage, rel);
	struct stat st;
	if (stat(path, &st) < 0) {
		kp_err("rpm did not produce '%s'", rel);
		return -KP_EFAILED;
	}
	a->size = st.st_size;
	if (kind != RP_ARTIFACT_SPEC) {
		int r = spec_rpm_content_sha256(path, a->content_sha256);
		if (r < 0) {
			kp_err("'%s' is not an RPM rpm can read (%s)", rel,
			       r == -KP_EINPUT ? "no RPM header" : strerror(-r));
			return -KP_EFAILED;
		}
		if (rn->o && rn->o->gpg_key)
			a->gpg_key = kp_strdup(rn->o->gpg_key);
	}
	return kp_sha256_file(path, a->sha256);
}

/* Every package of this build, staged: signed in place with the --gpg-key key. */
static int sign_packages(struct bld_run *rn)
{
	const struct spec_manifest *m = rn->m;
	const struct kb_target *t = rn->t;
	_cleanup_strv_ struct kp_strv paths = {0};
	for (size_t i = 0; i < t->nflavours; i++) {
		_cleanup_free_ char *pkg = spec_flavour_package(m, t, &t->flavours[i]);
		_cleanup_free_ char *rel = spec_rpm_path(pkg, m->version, m->release, t->arch);
		kp_strv_push_take(&paths, kp_path_join(rn->od.stage, rel));
	}
	if (rn->data) {
		_cleanup_free_ char *pkg = kp_asprintf("%s-data", m->name);
		_cleanup_free_ char *rel =
		    spec_rpm_path(pkg, rn->data->version, rn->data->release, "noarch");
		kp_strv_push_take(&paths, kp_path_join(rn->od.stage, rel));
	}
	_cleanup_free_ char *srpm = spec_srpm_path(m->name, m->version, m->release);
	kp_strv_push_take(&paths, kp_path_join(rn->od.stage, srpm));
	for (size_t i = 0; i < t->nflavours; i++) {
		_cleanup_free_ char *pkg = spec_flavour_package(m, t, &t->flavours[i]);
		_cleanup_free_ char *dpkg = kp_asprintf("%s-debuginfo", pkg);
		_cleanup_free_ char *rel = spec_rpm_path(dpkg, m->version, m->release, t->arch);
		kp_strv_push_take(&paths, kp_path_join(rn->od.stage, rel));
	}
	double t0 = kp_now();
	int r = spec_rpm_sign((const char *const *)paths.v, paths.n, rn->o->gpg_key, rn->sde,
			      rn->gpg_created);
	kp_dbg("signed %zu packages with gpg key %s in %.2f s", paths.n, rn->o->gpg_key,
	       kp_now() - t0);
	return r;
}

int bld_gpg_prepare(struct bld_run *rn)
{
	if (!rn->o->gpg_key)
		return 0;
	struct kp_gpg_key k;
	int r = spec_rpm_sign_check(rn->o->gpg_key, &k);
	rn->gpg_created = k.created;
	kp_gpg_key_release(&k);
	return r;
}

/*
 * Every package rpm was asked for, in the report's order: modules, data,
 * SRPM, spec, then the debuginfo packages (last, so readers of older
 * reports find the rest where they were).
 */
static int record_artifacts(struct bld_run *rn)
{
	const struct spec_manifest *m = rn->m;
	const struct kb_target *t = rn->t;
	int r = 0;
	for (size_t i = 0; i < t->nflavours && r == 0; i++) {
		_cleanup_free_ char *pkg = spec_flavour_package(m, t, &t->flavours[i]);
		r = add_artifact(rn, spec_rpm_path(pkg, m->version, m->release, t->arch),
				 RP_ARTIFACT_RPM, t->flavours[i].name);
	}
	if (r == 0 && rn->data) {
		_cleanup_free_ char *pkg = kp_asprintf("%s-data", m->name);
		r = add_artifact(rn,
				 spec_rpm_path(pkg, rn->data->version, rn->data->release, "noarch"),
				 RP_ARTIFACT_DATA_RPM, NULL);
		rn->report->has_data = true;
		for (size_t i = 0; i < rn->data->eulas.n; i++)
			kp_strv_push(&rn->report->eulas, rn->data->eulas.v[i]);
		for (size_t i = 0; i < rn->data->firmware_external.n; i++)
			kp_strv_push(&rn->report->firmware_external,
				     rn->data->firmware_external.v[i]);
	}
	if (r == 0)
		r = add_artifact(rn, spec_srpm_path(m->name, m->version, m->release),
				 RP_ARTIFACT_SRPM, NULL);
	if (r == 0)
		r = add_artifact(rn, kp_asprintf("SPECS/%s.spec", m->name), RP_ARTIFACT_SPEC, NULL);
	for (size_t i = 0; i < t->nflavours && r == 0; i++) {
		_cleanup_free_ char *pkg = spec_flavour_package(m, t, &t->flavours[i]);
		_cleanup_free_ char *dpkg = kp_asprintf("%s-debuginfo", pkg);
		r = add_artifact(rn, spec_rpm_path(dpkg, m->version, m->release, t->arch),
				 RP_ARTIFACT_DEBUGINFO_RPM, t->flavours[i].name);
	}
	return r;
}

int bld_package(struct bld_run *rn)
{
	const char *stage = rn->od.stage;
	_cleanup_free_ char *specname = kp_asprintf("%s.spec", rn->m->name);
	struct pkg_dirs d = {.sources = kp_path_join(stage, "SOURCES"),
			     .specs = kp_path_join(stage, "SPECS"),
			     .work = kp_path_join(stage, "rpmwork"),
			     .buildroot = kp_path_join(stage, "buildroot"),
			     .rpms = kp_path_join(stage, "RPMS"),
			     .srpms = kp_path_join(stage, "SRPMS")};
	d.specfile = kp_path_join(d.specs, specname);
	d.pspecfile = kp_path_join(d.work, "packaging.spec");
	struct bld_spec s = {0};
	_cleanup_free_ char *packager = NULL;
	int r;
	bld_progress_set(rn, BLD_PACKAGING);
	if ((r = spec_escape_line("packager", rn->m->packager, &packager)) < 0) {
		kp_err_at(&(struct kp_log_where){.file = rn->m->path}, "fix the field named above");
		goto out;
	}
	if ((r = kp_mkdir_p(d.sources, 0755)) < 0 || (r = kp_mkdir_p(d.specs, 0755)) < 0 ||
	    (r = kp_mkdir_p(d.work, 0755)) < 0 || (r = bld_spec_init(&s, &rn->in, rn->sf)) < 0 ||
	    (r = make_tarballs(rn, &s, &d)) < 0 || (r = write_specs(rn, &s, &d)) < 0 ||
	    (r = stage_depmod_confs(rn, &d)) < 0)
		goto out;
	struct spec_rpm_opts ro = {.specfile = d.specfile,
				   .binary_specfile = d.pspecfile,
				   .buildroot = d.buildroot,
				   .sourcedir = d.sources,
				   .rpmdir = d.rpms,
				   .srpmdir = d.srpms,
				   .workdir = d.work,
				   .arch = rn->t->arch,
				   .source_date_epoch = rn->sde,
				   .packager = packager,
				   .binary = true,
				   .source = true};
	if ((r = spec_rpm_build(&ro)) < 0 || (r = kp_check_interrupted()) < 0)
		goto out;
	if (rn->o->gpg_key && ((r = sign_packages(rn)) < 0 || (r = kp_check_interrupted()) < 0))
		goto out;
	r = record_artifacts(rn);
out:
	bld_spec_release(&s);
	pkg_dirs_release(&d);
	return r;
}
