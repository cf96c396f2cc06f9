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

typedef void (*bld_progress_fn)(void *data, const struct bld_flavour_status *st, size_t n);

struct bld_build_opts {
	const char *driver_dir;
	const char *target_file;  /* NULL: the host target */
	const char *outdir;	  /* default "out" */
	int jobs;		  /* total job budget; <= 0: number of CPUs */
	bool force;		  /* build even when nothing changed since the last build */
	bool verify;		  /* run verify/ on the staged build; publish only if it passes */
	double verify_timeout;	  /* per VM, seconds; <= 0: verify's default */
	bool verify_require_load; /* a flavour without a kernel image fails verification */
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
	const char *dir;	 /* a build's output dir, or a driver dir to build */
	const char *outdir;	 /* where a driver dir is built; default "out" */
	const char *target_file; /* NULL: the host target */
	int jobs;		 /* compile jobs and VMs at once; <= 0: number of CPUs */
	double timeout;		 /* per VM, seconds; <= 0: verify's default */
	bool require_load;	 /* a flavour without a kernel image fails */
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
int bld_spec_render(const char *driver_dir, const char *target_file, char **spec);

#endif
