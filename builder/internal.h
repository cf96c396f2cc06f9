/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by the builder/ files; not for other modules. One file per step
 * of docs/building.md, called in order by run_build() in build.c:
 *
 *   1   inputs.c    manifest, target, SOURCE_DATE_EPOCH, [data]
 *   2-4 build.c     take the output dir (common/outdir.c), the no-op
 *                   check (cache.c), the staging dir
 *   5   sources.c   the tree to build from
 *   6   compile.c   a build copy and one make per flavour, at once
 *   7   modules.c   check, stage and describe each flavour's modules
 *       strip.c     each module stripped, its debug data kept apart
 *       sign.c      each stripped module signed (--sign-key/--sign-cert)
 *       verify.c    with --verify, verify/ on the staged build
 *   8   data.c      firmware cross-check and the [data] files
 *   9   package.c   tarballs, spec, RPMs, artifacts
 *   10  publish.c   the report and the all-or-nothing publish
 *
 * progress.c tells the CLI's callback where each flavour is.
 */
#ifndef BLD_INTERNAL_H
#define BLD_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "builder/build.h"
#include "common/outdir.h"
#include "specgen/spec.h"

struct kp_job;
struct kp_signer;
struct rp_build;
struct rp_module;
struct fw_data;

/* A flavour of the target left out of this run, and why. */
struct bld_skipped {
	char *name, *release;
	char *reason;
};

/* What step 1 reads; `kmodpack spec` reads the same (bld_spec_render). */
struct bld_inputs {
	struct spec_manifest *m;
	struct kb_target *t;
	long long sde;		     /* SOURCE_DATE_EPOCH, the manifest's, or now */
	bool sde_is_now;	     /* none was given: the RPMs will not be reproducible */
	struct fw_data *data;	     /* the [data] section resolved, or NULL */
	struct bld_skipped *skipped; /* flavours of the target not in t any more */
	size_t nskipped;
	bool all_kernels; /* the host target of every installed kernel version (--all-kernels) */
};

/*
 * Step 1. warn_undated: warn when the date falls back to now (a build
 * does; `kmodpack spec`, which makes no RPM, does not). Returns 0 or the
 * first error (logged); release in either case.
 */
int bld_inputs_load(const char *driver_dir, const char *target_file,
		    const struct bld_select *select, bool warn_undated, struct bld_inputs *in);
void bld_inputs_release(struct bld_inputs *in);
/*
 * The no-op check's key of these inputs (bld_cache_key) with a line per
 * skipped flavour and why: a flavour that can now be served, or another
 * choice, builds again. build and status compare the same key.
 */
int bld_inputs_key(const struct bld_inputs *in, const char *gpg_key, const char *sign_cert,
		   const char *outdir, char **key);
/*
 * The Kbuild dir top/subdir must hold a Makefile or Kbuild file; if not,
 * the error (at the manifest's subdir line) lists the directories below
 * top whose Makefile or Kbuild declares obj-m. Returns 0 or -KP_EINPUT.
 */
int bld_kbuild_dir_check(const char *manifest, int subdir_line, const char *top,
			 const char *subdir);
/*
 * The same check on a source archive (a tarball source), from its listing
 * without unpacking: a single top directory is the top, as the build takes
 * it; the message names ARCHIVE:TOP/SUBDIR. Returns 0 or -KP_EINPUT.
 */
int bld_kbuild_archive_check(const char *manifest, int subdir_line, const char *archive,
			     const char *subdir);
/* The directories below top (relative, "." for top) whose Makefile or Kbuild declares obj-m. */
void bld_kbuild_dirs(const char *top, struct kp_strv *out);

/* The spec input of step 9, assembled as `kmodpack spec` assembles it. */
struct bld_spec {
	struct spec_input in; /* borrows from the inputs, the flavours and the fields below */
	char *source0, *source1, *data_files;
};
int bld_spec_init(struct bld_spec *s, const struct bld_inputs *in, const struct spec_flavour *sf);
void bld_spec_release(struct bld_spec *s);

/* Everything one run owns; released in one place (build.c). */
struct bld_run {
	const struct bld_build_opts *o;
	struct bld_inputs in;
	/* borrowed from in, for brevity in every step */
	const struct spec_manifest *m;
	const struct kb_target *t;
	const struct fw_data *data;
	long long sde;
	long long gpg_created; /* --gpg-key's signing subkey: made then (bld_gpg_prepare) */

	struct kp_outdir od;
	char *key;	  /* the cache key of this run's inputs */
	char *srctop;	  /* prepared source tree (the Kbuild dir is srctop/subdir) */
	char **builddirs; /* per flavour: the M= dir's top (a copy of srctop) */
	char **logs;	  /* per flavour: outdir/logs/<flavour>.log */
	struct kp_job *jobs;
	struct bld_flavour_status *st;
	struct spec_flavour *sf; /* per flavour: the modules the spec packages */
	struct rp_build *report; /* what this run produced, filled step by step */
	bool up_to_date;	 /* the cache matched: nothing was built */
	struct kp_signer *signer; /* module signing key and certificate, or NULL */
	char *sign_cert;	  /* its certificate file (absolute), or NULL */
	char **sig_hash;	  /* per flavour: the hash its kernel checks, with signer */
};

/* progress.c */
void bld_progress_report(struct bld_run *rn);
void bld_progress_set(struct bld_run *rn, enum bld_stage s);
void bld_progress_jobs(void *data, const struct kp_job *jobs, size_t n);
/*
 * The run ended with r < 0: flavours at work become failed, or interrupted
 * when a signal ended it; queued ones never started. Reported once more.
 */
void bld_progress_end(struct bld_run *rn, int r);

/* sources.c: step 5, and the copy step 6 builds in. */
/*
 * Whether a path below the driver's sources stays out of builds, the SRPM
 * tarball and the cache key (cache.c): VCS data, kmodpack's state, objects
 * of an in-tree build, and the output dir when it sits inside the sources.
 */
bool bld_source_skip(const char *path, const char *outdir);
int bld_sources_prepare(struct bld_run *rn);
/*
 * Bring dst up to date with src, copying only files whose content changed,
 * so Kbuild's own timestamps make the next build incremental. Files only
 * in dst (objects) stay. skip_abs: a path to leave out (the output dir when
 * it sits inside the sources).
 */
int bld_sources_sync(const char *src, const char *dst, const char *skip_abs);

/* compile.c: step 6. */
int bld_compile(struct bld_run *rn);
/*
 * Keep a failed flavour's log as logs/<flavour>.failed.log beside the
 * published build; returns the path to show the user.
 */
const char *bld_keep_log(struct bld_run *rn, size_t i);

/* modules.c: step 7, for flavour i. */
int bld_modules_stage(struct bld_run *rn, size_t i);

/*
 * strip.c: step 7, module src of flavour i as the package ships it: dest
 * without debug sections and with a GNU debuglink to debug, which gets
 * them (objcopy, as modules_install and find-debuginfo do).
 */
int bld_strip_module(struct bld_run *rn, size_t i, const char *src, const char *dest,
		     const char *debug);

/*
 * sign.c: step 7. bld_sign_prepare() loads the key and certificate (the
 * options', else the target's) and each flavour's hash, before anything
 * is built; nothing when neither is given. bld_sign_module() appends the
 * signature to the stripped module at path and records it in rm.
 */
int bld_sign_prepare(struct bld_run *rn);
int bld_sign_module(struct bld_run *rn, size_t i, const char *path, struct rp_module *rm);

/* verify.c: build --verify on dir (the stage, or the outdir when up to date). */
int bld_verify(struct bld_run *rn, const char *dir);

/* data.c: step 8. */
int bld_data_stage(struct bld_run *rn);

/*
 * package.c: step 9. bld_gpg_prepare() finds --gpg-key's secret key before
 * anything is built (a missing or ambiguous key: exit 2, output dir as it
 * was); nothing without --gpg-key.
 */
int bld_gpg_prepare(struct bld_run *rn);
int bld_package(struct bld_run *rn);

/* publish.c: step 10. */
int bld_publish(struct bld_run *rn);

#endif
