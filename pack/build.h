/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kmodpack build, the whole flow: manifest and target, Kbuild for every
 * flavour at once, module checks, spec, RPMs, publish. The CLI only parses
 * options and shows progress.
 */
#ifndef PK_BUILD_H
#define PK_BUILD_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

enum pk_stage {
	PK_QUEUED,
	PK_COMPILING,
	PK_COMPILED,
	PK_PACKAGING,
	PK_VERIFYING,
	PK_DONE,
	PK_FAILED
};

struct pk_flavour_status {
	const char *name;
	enum pk_stage stage;
	double started, ended; /* kp_now() */
};

typedef void (*pk_progress_fn)(void *data, const struct pk_flavour_status *st, size_t n);

struct pk_build_opts {
	const char *driver_dir;
	const char *target_file;  /* NULL: the host target */
	const char *outdir;	  /* default "out" */
	int jobs;		  /* total job budget; <= 0: number of CPUs */
	bool force;		  /* build even when nothing changed since the last build */
	bool verify;		  /* run verify/ on the staged build; publish only if it passes */
	double verify_timeout;	  /* per VM, seconds; <= 0: verify's default */
	bool verify_require_load; /* a flavour without a kernel image fails verification */
	pk_progress_fn progress;
	void *progress_data;
};

struct pk_build_result {
	struct json_object *report; /* the build report (owned) */
	char *outdir;		    /* absolute */
	char *report_path;	    /* outdir/build-report.json */
	bool up_to_date;	    /* nothing changed: the last build's artifacts stand */
};

int pk_build(const struct pk_build_opts *o, struct pk_build_result *res);
void pk_build_result_release(struct pk_build_result *res);

/*
 * Whether a path below the driver's sources stays out of builds, the SRPM
 * tarball and the cache key: VCS data, kmodpack's state, objects of an
 * in-tree build, and the output dir when it sits inside the sources.
 */
bool pk_source_skip(const char *path, const char *outdir);

/* SOURCE_DATE_EPOCH from the environment: 0 and *epoch=-1 when unset, -KP_EINPUT when malformed. */
int pk_env_source_date_epoch(long long *epoch);

#endif
