/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kmodpack build, the whole flow: manifest and target, Kbuild for every
 * flavour at once, module checks, spec, RPMs, publish. The CLI only parses
 * options and shows progress.
 */
#ifndef BLD_BUILD_H
#define BLD_BUILD_H

#include <stdbool.h>
#include <stddef.h>

#include "common/util.h"

struct rp_build;

enum bld_stage {
	BLD_QUEUED,
	BLD_COMPILING,
	BLD_COMPILED,
	BLD_PACKAGING,
	BLD_VERIFYING,
	BLD_DONE,
	BLD_FAILED,
	BLD_INTERRUPTED, /* a signal stopped the run while this flavour was at work */
	BLD_NOT_STARTED	 /* the run ended (failure or signal) before this flavour began */
};

struct bld_flavour_status {
	const char *name;
	enum bld_stage stage;
	double started, ended; /* kp_now() */
};

/*
 * Which flavours of the target a command builds (docs/building.md,
 * "Choosing flavours"): by name, else the target file's `flavours`, else
 * all; of those, the ones whose kernel the manifest's kernel_config and
 * kernel_arch accept.
 */
struct bld_select {
	const char *const *flavours; /* --flavour NAME, repeatable; n = 0: no choice */
	size_t nflavours;
	bool all_kernels; /* host target: every installed kernel version, not one */
};

typedef void (*bld_progress_fn)(void *data, const struct bld_flavour_status *st, size_t n);

struct bld_build_opts {
	const char *driver_dir;
	const char *target_file;  /* NULL: the host target */
	struct bld_select select; /* which flavours */
	const char *outdir;	  /* default "out" */
	int jobs;		  /* total job budget; <= 0: number of CPUs */
	bool force;		  /* build even when nothing changed since the last build */
	const char *gpg_key;	  /* sign the packages with this gpg key (librpmsign), or NULL */
	const char *sign_key;	  /* sign the modules with this key (PEM/DER), or NULL: the target's */
	const char *sign_cert;	  /* and this X.509 certificate, or NULL: the target's */
	bool verify;		  /* run verify/ on the staged build; publish only if it passes */
	double verify_timeout;	  /* per VM, seconds; <= 0: verify's default */
	bool verify_require_load; /* a flavour without a kernel image fails verification */
	bool verify_sig_enforce;  /* verify boots with module.sig_enforce=1 */
	bld_progress_fn progress;
	void *progress_data;
};

struct bld_build_result {
	struct rp_build *report; /* the build report (owned) */
	char *outdir;		 /* absolute */
	char *report_path;	 /* outdir/build-report.json */
	bool up_to_date;	 /* nothing changed: the last build's artifacts stand */
};

int bld_build(const struct bld_build_opts *o, struct bld_build_result *res);
void bld_build_result_release(struct bld_build_result *res);

struct rp_verify;

struct bld_verify_opts {
	const char *dir;	  /* a build's output dir, or a driver dir to build */
	const char *outdir;	  /* where a driver dir is built; default "out" */
	const char *target_file;  /* NULL: the host target */
	struct bld_select select; /* which flavours: a driver dir's build, or the output dir's */
	int jobs;		  /* compile jobs and VMs at once; <= 0: number of CPUs */
	double timeout;		  /* per VM, seconds; <= 0: verify's default */
	bool require_load;	  /* a flavour without a kernel image fails */
	bool sig_enforce;	  /* boot with module.sig_enforce=1: judge the signatures */
};

/*
 * kmodpack verify: a driver dir (with kmodpack.ini) is built with --verify
 * and published only if it passes; an output dir is verified under its
 * lock, so a build cannot replace its RPMs meanwhile. *result is the
 * verdict (rp_verify_free) when the checks ran; after a failed build with
 * --verify, the failures have been logged and *result is NULL.
 */
int bld_verify_dir(const struct bld_verify_opts *o, struct rp_verify **result);

/*
 * The spec `kmodpack build` would render for driver_dir and target_file
 * (NULL: the host target), with the manifest's module names standing in
 * for the modules a build finds. *spec is owned by the caller.
 */
int bld_spec_render(const char *driver_dir, const char *target_file,
		    const struct bld_select *select, char **spec);

/* ---- kmodpack status and kmodpack clean (status.c, clean.c) ---- */

enum bld_freshness { BLD_FRESH_UNKNOWN, BLD_FRESH_YES, BLD_FRESH_NO };

struct bld_status {
	char *outdir;		 /* absolute */
	struct rp_build *report; /* the published build, or NULL: nothing built there */
	char *driver_dir;	 /* the report's manifest's dir, or NULL */
	char *target_file;	 /* as given, else the one the last build used; NULL: host */
	bool busy;		 /* a kmodpack run holds the output dir's lock now */
	enum bld_freshness fresh;
	struct kp_strv why;	    /* not up to date, or cannot tell: one reason a line */
	struct kp_strv failed_logs; /* logs/<flavour>.failed.log: the last run that failed */
};

/*
 * What is built in outdir, and whether a build of its driver dir (the one
 * its report names) for target_file (NULL: the one the last build used,
 * else the host) would do anything now, and why. Reads only, and takes no
 * lock. Returns 0 (also when nothing is built there), -ENOENT when outdir
 * is not a directory (logged), or the report's read error (logged).
 */
int bld_status_read(const char *outdir, const char *target_file, struct bld_status *st);
void bld_status_release(struct bld_status *st);

struct bld_clean_opts {
	const char *outdir;
	bool all;     /* also the published build: its artifacts, logs and report */
	bool dry_run; /* say what would go, remove nothing */
};

/*
 * Under the output dir's lock, remove what kmodpack keeps between runs
 * (.kmodpack/build, src, stage-*, the cache key, logs/<flavour>.failed.log)
 * and, with all, the published build the report lists, where each file is
 * still what kmodpack wrote (same sha256). Files kmodpack did not make stay.
 * *removed and *kept (may be NULL) list paths relative to outdir; kept
 * says why in " (...)".
 */
int bld_clean(const struct bld_clean_opts *o, struct kp_strv *removed, struct kp_strv *kept);

#endif
