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
	BLD_FAILED
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

/*
 * Whether a path below the driver's sources stays out of builds, the SRPM
 * tarball and the cache key: VCS data, kmodpack's state, objects of an
 * in-tree build, and the output dir when it sits inside the sources.
 */
bool bld_source_skip(const char *path, const char *outdir);

/* SOURCE_DATE_EPOCH from the environment: 0 and *epoch=-1 when unset, -KP_EINPUT when malformed. */
int bld_env_source_date_epoch(long long *epoch);

#endif
