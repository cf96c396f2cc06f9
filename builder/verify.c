// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Step 7 with --verify: verify/ on the staged build (or the published one
 * when up to date); and `kmodpack verify DIR`, which builds a driver dir or
 * verifies an output dir.
 */
#include "builder/internal.h"

#include "common/fs.h"
#include "common/log.h"
#include "common/outdir.h"
#include "report/report.h"
#include "verify/verify.h"

/* build --verify: the verdict goes into the report; a failure stops the publish. */
int bld_verify(struct bld_run *rn, const char *dir)
{
	bld_progress_set(rn, BLD_VERIFYING);
	_cleanup_free_ char *logdir = kp_path_join(rn->od.dir, "logs");
	struct vf_opts vo = {.dir = dir,
			     .report = rn->report,
			     .target = rn->t,
			     .logdir = logdir,
			     .jobs = rn->o->jobs,
			     .timeout = rn->o->verify_timeout,
			     .require_load = rn->o->verify_require_load,
			     .sig_enforce = rn->o->verify_sig_enforce};
	struct rp_verify *v = NULL;
	int r = vf_verify(&vo, &v);
	if (v) {
		if (r < 0)
			vf_log_failures(v);
		rp_verify_free(rn->report->verify);
		rn->report->verify = v;
	}
	return r;
}

int bld_verify_dir(const struct bld_verify_opts *o, struct rp_verify **result)
{
	*result = NULL;
	if (!kp_is_dir(o->dir)) {
		kp_err("'%s' is not a directory: give a build's output dir or a driver dir",
		       o->dir);
		return -KP_EINPUT;
	}
	_cleanup_free_ char *ini = kp_path_join(o->dir, "kmodpack.ini");
	if (kp_is_file(ini)) {
		/* A driver: build it, verify the staged build, publish only if it passes. */
		struct bld_build_opts bo = {.driver_dir = o->dir,
					    .target_file = o->target_file,
					    .select = o->select,
					    .outdir = o->outdir ? o->outdir : "out",
					    .jobs = o->jobs,
					    .verify = true,
					    .verify_timeout = o->timeout,
					    .verify_require_load = o->require_load,
					    .verify_sig_enforce = o->sig_enforce};
		struct bld_build_result br;
		int r = bld_build(&bo, &br);
		if (r == 0) {
			*result = TAKE_PTR(br.report->verify);
			bld_build_result_release(&br);
		}
		return r;
	}
	/* Hold the output dir's lock: a build must not replace RPMs under us. */
	struct kp_outdir od = {.lock_fd = -1};
	int r = kp_outdir_open(o->dir, &od);
	if (r < 0)
		return r;
	struct vf_opts vo = {.dir = od.dir,
			     .target_file = o->target_file,
			     .flavours = o->select.flavours,
			     .nflavours = o->select.nflavours,
			     .jobs = o->jobs,
			     .timeout = o->timeout,
			     .require_load = o->require_load,
			     .sig_enforce = o->sig_enforce};
	r = vf_verify(&vo, result);
	kp_outdir_close(&od);
	return r;
}
