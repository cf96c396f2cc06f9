// SPDX-License-Identifier: GPL-2.0-or-later
#include "pack/pack.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/archive.h"
#include "common/digest.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/outdir.h"
#include "common/signals.h"
#include "pack/installsh.h"
#include "pack/iso.h"
#include "pack/order.h"
#include "report/report.h"
#include "specgen/manifest.h"

/* The inputs as RPM files: a build output dir stands for the RPMs its report lists. */
struct inputs {
	struct kp_strv rpms;
	struct kp_strv srpms; /* the builds' SRPMs: the sources a --bundle ships */
	struct kp_strv built; /* the RPMs that came from builds (their sources are known) */
	char *manifest;	      /* the first build's kmodpack.ini, while it exists */
	long long epoch;      /* the newest build's source_date_epoch, -1 without builds */
	struct pk_skipped *skipped; /* the flavours each build left out */
	size_t nskipped;
};

/* The module names of a build, sorted and joined: what verify knows a driver by. */
static char *build_modules(const struct rp_build *b)
{
	_cleanup_strv_ struct kp_strv names = {0};
	for (size_t i = 0; i < b->nflavours; i++)
		for (size_t k = 0; k < b->flavours[i].nmods; k++)
			if (!kp_strv_contains(&names, b->flavours[i].mods[k].name))
				kp_strv_push(&names, b->flavours[i].mods[k].name);
	kp_strv_sort(&names);
	struct kp_buf m = {0};
	for (size_t i = 0; i < names.n; i++)
		kp_buf_addf(&m, "%s%s", i ? " " : "", names.v[i]);
	return kp_buf_steal(&m);
}

/* The build's skipped flavours, as the pack records them. */
static void add_skipped(const struct rp_build *b, struct inputs *in)
{
	if (b->nskipped == 0)
		return;
	_cleanup_free_ char *mods = build_modules(b);
	for (size_t i = 0; i < b->nskipped; i++) {
		in->skipped = kp_reallocarray(in->skipped, in->nskipped + 1, sizeof(*in->skipped));
		in->skipped[in->nskipped++] =
		    (struct pk_skipped){.driver = kp_strdup(b->driver_name),
					.modules = kp_strdup(mods),
					.flavour = kp_strdup(b->skipped[i].name),
					.release = kp_strdup(b->skipped[i].release),
					.reason = kp_strdup(b->skipped[i].reason)};
	}
}

static int add_build(const char *dir, struct inputs *in)
{
	_cleanup_free_ char *path = kp_path_join(dir, RP_BUILD_REPORT_NAME);
	if (!kp_is_file(path)) {
		kp_err("'%s' is a directory without %s: give a 'kmodpack build' output dir or "
		       "RPM files",
		       dir, RP_BUILD_REPORT_NAME);
		return -KP_EINPUT;
	}
	_cleanup_(rp_build_freep) struct rp_build *b = NULL;
	int r = rp_build_read(path, &b);
	if (r < 0) {
		if (r != -KP_EINPUT)
			kp_err("cannot read '%s': %s", path, strerror(-r));
		return r;
	}
	size_t before = in->rpms.n;
	/* The module and data RPMs; the SRPM is the GPL source that ships beside the pack. */
	for (size_t i = 0; i < b->nartifacts; i++)
		if (b->artifacts[i].kind == RP_ARTIFACT_RPM ||
		    b->artifacts[i].kind == RP_ARTIFACT_DATA_RPM) {
			kp_strv_push_take(&in->rpms, kp_path_join(dir, b->artifacts[i].path));
			kp_strv_push(&in->built, in->rpms.v[in->rpms.n - 1]);
		} else if (b->artifacts[i].kind == RP_ARTIFACT_SRPM)
			kp_strv_push_take(&in->srpms, kp_path_join(dir, b->artifacts[i].path));
	if (in->rpms.n == before) {
		kp_err("'%s' lists no RPMs: build the driver again", path);
		return -KP_EINPUT;
	}
	if (!in->manifest && b->manifest && kp_is_file(b->manifest))
		in->manifest = kp_strdup(b->manifest);
	if (b->source_date_epoch > in->epoch)
		in->epoch = b->source_date_epoch;
	add_skipped(b, in);
	return 0;
}

static int expand_inputs(const struct pk_pack_opts *o, struct inputs *in)
{
	int ret = 0;
	in->epoch = -1;
	for (size_t i = 0; i < o->ninputs; i++) {
		int r = 0;
		if (kp_is_dir(o->inputs[i]))
			r = add_build(o->inputs[i], in);
		else
			kp_strv_push(&in->rpms, o->inputs[i]);
		if (r < 0 && (ret == 0 || ret == -KP_EINPUT))
			ret = r;
	}
	return ret;
}

static void inputs_release(struct inputs *in)
{
	kp_strv_release(&in->rpms);
	kp_strv_release(&in->srpms);
	kp_strv_release(&in->built);
	free(in->manifest);
	for (size_t i = 0; i < in->nskipped; i++)
		pk_skipped_release(&in->skipped[i]);
	free(in->skipped);
}

static int load_meta(const struct pk_pack_opts *o, const char *manifest, struct pk_meta *m)
{
	pk_meta_init(m);
	if (manifest) {
		struct spec_manifest *man = NULL;
		int r = spec_manifest_load(manifest, &man);
		if (r < 0)
			return r;
		pk_meta_from_manifest(m, man);
		spec_manifest_free(man);
	}
	/* Options win: --requires replaces the manifest's list rather than adding to it. */
	for (size_t i = 0; i < o->noptions; i++)
		if (!strcmp(o->options[i].key, "requires")) {
			pk_meta_clear_requires(m);
			break;
		}
	for (size_t i = 0; i < o->noptions; i++) {
		_cleanup_free_ char *where = kp_asprintf("--%s", o->options[i].key);
		pk_meta_set(m, o->options[i].key, o->options[i].value, where);
	}
	return pk_meta_finish(m);
}

/* Read every package's header; all problems are logged before giving up. */
static int read_rpms(const struct kp_strv *paths, struct pk_rpm ***out)
{
	struct pk_rpm **rpms = kp_calloc(paths->n + 1, sizeof(*rpms));
	int ret = 0;
	for (size_t i = 0; i < paths->n; i++) {
		const char *in = paths->v[i];
		int r = pk_rpm_read(in, &rpms[i]);
		if (r == 0 && rpms[i]->source) {
			kp_err("'%s' is a source RPM: a pack holds binary RPMs only (the GPL "
			       "sources ship beside the pack, guide 5.6)",
			       in);
			r = -KP_EINPUT;
		}
		if (r < 0 && (ret == 0 || ret == -KP_EINPUT))
			ret = r;
		if ((r = kp_check_interrupted()) < 0) {
			ret = r;
			break;
		}
	}
	/* Names the ISO and rpm would confuse. */
	for (size_t i = 0; ret == 0 && i < paths->n; i++)
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(rpms[i]->filename, rpms[j]->filename)) {
				kp_err("'%s' and '%s' have the same file name: a pack holds each "
				       "file once",
				       rpms[j]->path, rpms[i]->path);
				ret = -KP_EINPUT;
			} else if (!strcmp(rpms[i]->name, rpms[j]->name) &&
				   !strcmp(rpms[i]->arch, rpms[j]->arch)) {
				kp_err("'%s' and '%s' are both the package %s: give one version",
				       rpms[j]->path, rpms[i]->path, rpms[i]->name);
				ret = -KP_EINPUT;
			}
		}
	*out = rpms;
	return ret;
}

static void free_rpms(struct pk_rpm **rpms, size_t n)
{
	for (size_t i = 0; rpms && i < n; i++)
		pk_rpm_free(rpms[i]);
	free(rpms);
}

/*
 * SOURCE_DATE_EPOCH when set, else the newest of the builds' epochs and the
 * packages' build times: the same input, the same image.
 */
static int pick_epoch(struct pk_rpm *const *rpms, size_t n, long long builds, long long *out)
{
	int r = kp_env_source_date_epoch(out);
	if (r < 0 || *out >= 0)
		return r;
	*out = builds > 0 ? builds : 0;
	for (size_t i = 0; i < n; i++)
		if (rpms[i]->buildtime > *out)
			*out = rpms[i]->buildtime;
	return 0;
}

static int write_text(const char *dir, const char *name, const char *text)
{
	_cleanup_free_ char *path = kp_path_join(dir, name);
	int r = kp_write_file(path, text, strlen(text), 0644);
	if (r < 0)
		kp_err("cannot write '%s': %s", path, strerror(-r));
	return r;
}

/* The legacy pack's files: XS-REPOSITORY, XS-PACKAGES, install.sh and the RPMs. */
static struct pk_iso_file *legacy_files(const struct pk_pack_result *res, const char *repo,
					const char *pkgs, const char *install, size_t *nfiles)
{
	*nfiles = res->nentries + 3;
	struct pk_iso_file *files = kp_calloc(*nfiles + 1, sizeof(*files));
	files[0] = (struct pk_iso_file){
	    .name = "XS-REPOSITORY", .data = repo, .len = strlen(repo), .mode = 0444};
	files[1] = (struct pk_iso_file){
	    .name = "XS-PACKAGES", .data = pkgs, .len = strlen(pkgs), .mode = 0444};
	files[2] = (struct pk_iso_file){
	    .name = "install.sh", .data = install, .len = strlen(install), .mode = 0555};
	for (size_t i = 0; i < res->nentries; i++)
		files[3 + i] = (struct pk_iso_file){.name = res->entries[i].rpm->filename,
						    .path = res->entries[i].rpm->path,
						    .mode = 0444};
	return files;
}

/* An update ISO's or driver disk's files, made in dir/.update (update.c). */
static int update_files(const struct pk_pack_opts *o, const char *dir, struct pk_pack_result *res,
			const char *skipped, struct pk_iso_file **files, size_t *nfiles)
{
	_cleanup_free_ char *work = kp_path_join(dir, ".update");
	int r = pk_update_build(&o->update, &res->meta, res->entries, res->nentries, res->epoch,
				skipped, work, &res->update);
	for (size_t i = 0; i < res->update.warnings.n; i++) {
		kp_warn("%s", res->update.warnings.v[i]);
		kp_strv_push(&res->warnings, res->update.warnings.v[i]);
	}
	if (r < 0)
		return r;
	*nfiles = res->update.iso_names.n;
	*files = kp_calloc(*nfiles + 1, sizeof(**files));
	for (size_t i = 0; i < *nfiles; i++)
		(*files)[i] = (struct pk_iso_file){.name = res->update.iso_names.v[i],
						   .path = res->update.iso_paths.v[i],
						   .mode = 0444};
	return 0;
}

/* Write the ISO and the md5 files into the staging dir. */
static int stage(const struct pk_pack_opts *o, const char *dir, struct pk_pack_result *res,
		 const char *repo, const char *pkgs, const char *install)
{
	const struct pk_meta *m = &res->meta;
	size_t nfiles = 0;
	struct pk_iso_file *files = NULL;
	int r = 0;
	/* The record of the flavours left out: in an update's tree, or added to a legacy pack's
	 * files (legacy_files leaves room for it). */
	_cleanup_free_ char *skipped =
	    res->nskipped ? pk_skipped_text(res->skipped, res->nskipped) : NULL;
	if (res->format != PK_FORMAT_LEGACY) {
		if ((r = update_files(o, dir, res, skipped, &files, &nfiles)) < 0)
			return r;
	} else {
		files = legacy_files(res, repo, pkgs, install, &nfiles);
		if (skipped)
			files[nfiles++] = (struct pk_iso_file){.name = PK_SKIPPED_FILE,
							       .data = skipped,
							       .len = strlen(skipped),
							       .mode = 0444};
	}
	struct pk_iso_opts io = {
	    .volume_id = m->text, .application_id = m->vendor_name, .epoch = res->epoch};
	_cleanup_free_ char *iso_path = kp_path_join(dir, res->iso);
	kp_info("writing %s (%s, %zu packages)", res->iso, pk_format_name(res->format),
		res->nentries + (res->format != PK_FORMAT_LEGACY));
	struct pk_iso_sums sums;
	r = pk_iso_write(&io, files, nfiles, iso_path, &sums);
	free(files);
	if (r < 0 || (r = kp_check_interrupted()) < 0)
		return r;
	res->iso_size = sums.size;
	memcpy(res->iso_md5_hex, sums.md5, sizeof(res->iso_md5_hex));
	memcpy(res->iso_sha256, sums.sha256, sizeof(res->iso_sha256));
	_cleanup_free_ char *iso_md5 = kp_asprintf("%s  %s\n", res->iso_md5_hex, res->iso);
	if (res->metadata_md5) {
		_cleanup_free_ char *meta_md5 = pk_metadata_md5(repo, pkgs);
		memcpy(res->metadata_md5_hex, meta_md5, 32);
		if ((r = write_text(dir, res->metadata_md5, meta_md5)) < 0)
			return r;
	}
	if ((r = write_text(dir, res->iso_md5, iso_md5)) < 0)
		return r;
	return kp_check_interrupted();
}

/* <label>.zip: what a vendor releases (guide 5.6), from the staged files and the SRPMs. */
static int stage_bundle(const char *dir, const struct pk_pack_result *res)
{
	size_t n = 0;
	struct kp_zip_member *m = kp_calloc(3 + res->sources.n, sizeof(*m));
	_cleanup_strv_ struct kp_strv owned = {0};
	const char *staged[] = {res->iso, res->metadata_md5, res->iso_md5};
	for (size_t i = 0; i < 3; i++) {
		if (!staged[i])
			continue; /* no metadata md5 for an update ISO */
		kp_strv_push_take(&owned, kp_path_join(dir, staged[i]));
		m[n++] = (struct kp_zip_member){.name = staged[i], .path = owned.v[owned.n - 1]};
	}
	for (size_t i = 0; i < res->sources.n; i++) {
		const char *base = strrchr(res->sources.v[i], '/');
		kp_strv_pushf(&owned, "sources/%s", base ? base + 1 : res->sources.v[i]);
		m[n++] =
		    (struct kp_zip_member){.name = owned.v[owned.n - 1], .path = res->sources.v[i]};
	}
	_cleanup_free_ char *path = kp_path_join(dir, res->bundle);
	kp_info("writing %s (the pack and %zu source package%s)", res->bundle, res->sources.n,
		res->sources.n == 1 ? "" : "s");
	int r = kp_archive_zip(path, m, n, res->epoch);
	free(m);
	return r < 0 ? r : kp_check_interrupted();
}

/* Stage the outputs, then publish them together; on failure the output dir is as it was. */
static int write_outputs(const struct pk_pack_opts *o, struct pk_pack_result *res, const char *repo,
			 const char *pkgs, const char *install)
{
	struct kp_outdir od = {.lock_fd = -1};
	int r = kp_outdir_open(o->outdir ? o->outdir : "out", &od);
	if (r < 0)
		return r;
	res->outdir = kp_strdup(od.dir);
	if ((r = kp_outdir_stage(&od)) == 0 &&
	    (r = stage(o, od.stage, res, repo, pkgs, install)) == 0 &&
	    (!res->bundle || (r = stage_bundle(od.stage, res)) == 0)) {
		/* No metadata md5 for an update ISO: the list stops at the first NULL. */
		const char *top[5] = {res->iso, res->iso_md5};
		size_t k = 2;
		if (res->metadata_md5)
			top[k++] = res->metadata_md5;
		if (res->bundle)
			top[k++] = res->bundle;
		r = kp_outdir_publish(&od, top);
	}
	kp_outdir_close(&od);
	return r;
}

/*
 * The sources a bundle ships: the SRPM of every build given. A driver RPM
 * given as a file has no known source: the GPL wants one, so that is refused.
 */
static int bundle_sources(const struct inputs *in, struct pk_rpm *const *rpms, size_t n,
			  struct kp_strv *out)
{
	int r = 0;
	for (size_t i = 0; i < n; i++) {
		if (!rpms[i] || !kp_endswith(rpms[i]->group ? rpms[i]->group : "", "/Kernel"))
			continue;
		/* rpms[i] was read from in->rpms.v[i]. */
		if (!kp_strv_contains(&in->built, in->rpms.v[i])) {
			kp_err("--bundle: no source for the driver RPM '%s': give the 'kmodpack "
			       "build' output dir it came from (its SRPM is the GPL source, guide "
			       "5.6)",
			       rpms[i]->path);
			r = -KP_EINPUT;
		}
	}
	if (r == 0)
		for (size_t i = 0; i < in->srpms.n; i++)
			if (!kp_strv_contains(out, in->srpms.v[i]))
				kp_strv_push(out, in->srpms.v[i]);
	return r;
}

int pk_pack(const struct pk_pack_opts *o, struct pk_pack_result *res)
{
	*res = (struct pk_pack_result){0};
	struct inputs in = {0};
	int ri = expand_inputs(o, &in);
	int r = load_meta(o, o->manifest ? o->manifest : in.manifest, &res->meta);
	if (r == 0 || (ri < 0 && ri != -KP_EINPUT))
		r = ri;
	if (o->update.format == PK_FORMAT_LEGACY &&
	    (o->update.gpg_key || o->update.uuid || o->update.guidance)) {
		kp_err("--gpg-key, --uuid and --after-apply are for --format=update or "
		       "--format=driver-disk: a legacy pack has no update.xml and no signatures");
		r = r < 0 ? r : -KP_EINPUT;
	} else if (o->update.format != PK_FORMAT_LEGACY) {
		int ru = pk_update_check(&o->update, &res->update);
		if (r == 0 || (ru < 0 && ru != -KP_EINPUT))
			r = ru;
	}
	if (o->ninputs == 0) {
		kp_err("no packages: give 'kmodpack build' output dirs or RPM files to pack");
		r = r < 0 ? r : -KP_EINPUT;
	}
	struct pk_rpm **rpms = NULL;
	int rr = read_rpms(&in.rpms, &rpms);
	if (r == 0 || (rr < 0 && rr != -KP_EINPUT))
		r = rr; /* an interrupt or a system error wins over bad input */
	size_t n = in.rpms.n;
	long long build_epoch = in.epoch;
	if (o->bundle && r == 0)
		r = bundle_sources(&in, rpms, n, &res->sources);
	res->skipped = TAKE_PTR(in.skipped);
	res->nskipped = in.nskipped;
	in.nskipped = 0;
	inputs_release(&in);

	/* Every package's kind, also when another was refused: all problems at once. */
	struct pk_kind *kinds = kp_calloc(n + 1, sizeof(*kinds));
	for (size_t i = 0; i < n && (r == 0 || r == -KP_EINPUT); i++)
		if (rpms[i] && pk_kind_of(rpms[i], &kinds[i]) < 0)
			r = -KP_EINPUT;
	size_t *order = kp_calloc(n + 1, sizeof(*order));
	if (r == 0)
		r = pk_order(rpms, n, !o->no_reorder, order, &res->warnings);
	for (size_t i = 0; r == 0 && i < res->warnings.n; i++)
		kp_warn("%s", res->warnings.v[i]);
	if (r == 0)
		r = pick_epoch(rpms, n, build_epoch, &res->epoch);
	if (r < 0) {
		for (size_t i = 0; i < n; i++)
			pk_kind_release(&kinds[i]);
		free(kinds);
		free(order);
		free_rpms(rpms, n);
		return r;
	}

	/* From here the entries own the packages, in install order. */
	res->entries = kp_calloc(n, sizeof(*res->entries));
	res->nentries = n;
	for (size_t k = 0; k < n; k++) {
		res->entries[k] = (struct pk_entry){.rpm = rpms[order[k]], .kind = kinds[order[k]]};
		const struct pk_rpm *p = rpms[order[k]];
		for (size_t f = 0; f < p->nfiles; f++) {
			if (!pk_is_eula(&p->files[f]))
				continue;
			res->eulas =
			    kp_reallocarray(res->eulas, res->neulas + 1, sizeof(*res->eulas));
			res->eulas[res->neulas++] = (struct pk_eula){
			    .rpm = p->filename, .path = kp_strdup(p->files[f].path)};
		}
	}
	free(kinds);
	free(order);
	free(rpms);
	for (size_t i = 0; i < res->meta.warnings.n; i++)
		kp_strv_push(&res->warnings, res->meta.warnings.v[i]);
	for (size_t i = 0; i < res->nskipped; i++) {
		const struct pk_skipped *k = &res->skipped[i];
		kp_info("%s is not built for flavour %s (%s): %s (recorded in %s on the ISO)",
			k->driver, k->flavour, k->release, k->reason, PK_SKIPPED_FILE);
	}

	res->iso = kp_asprintf("%s.iso", res->meta.label);
	res->format = o->update.format;
	res->metadata_md5 = res->format == PK_FORMAT_LEGACY
				? kp_asprintf("%s.metadata.md5", res->meta.label)
				: NULL;
	res->iso_md5 = kp_asprintf("%s.iso.md5", res->meta.label);
	res->bundle = o->bundle ? kp_asprintf("%s.zip", res->meta.label) : NULL;
	_cleanup_free_ char *repo = pk_xs_repository(&res->meta);
	_cleanup_free_ char *pkgs = pk_xs_packages(res->entries, n);
	_cleanup_free_ char *install = NULL;
	if (res->format == PK_FORMAT_LEGACY &&
	    (r = pk_install_sh(&res->meta, res->entries, n, &install)) < 0)
		return r;
	return write_outputs(o, res, repo, pkgs, install);
}

void pk_pack_result_release(struct pk_pack_result *res)
{
	pk_meta_release(&res->meta);
	for (size_t i = 0; i < res->nentries; i++) {
		pk_rpm_free((struct pk_rpm *)res->entries[i].rpm);
		pk_kind_release(&res->entries[i].kind);
	}
	free(res->entries);
	for (size_t i = 0; i < res->neulas; i++)
		free(res->eulas[i].path);
	free(res->eulas);
	kp_strv_release(&res->warnings);
	free(res->outdir);
	free(res->iso);
	free(res->metadata_md5);
	pk_update_result_release(&res->update);
	free(res->iso_md5);
	free(res->bundle);
	kp_strv_release(&res->sources);
	for (size_t i = 0; i < res->nskipped; i++)
		pk_skipped_release(&res->skipped[i]);
	free(res->skipped);
	*res = (struct pk_pack_result){0};
}
