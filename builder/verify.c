// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Step 7 with --verify: verify/ on the staged build (or the published one
 * when up to date).
 */
#include "builder/internal.h"

#include "common/fs.h"
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
			     .require_load = rn->o->verify_require_load};
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

