// SPDX-License-Identifier: GPL-2.0-or-later
/* Progress of each flavour through the steps, for the CLI's callback. */
#include "builder/internal.h"

#include "common/runner.h"
#include "common/util.h"
#include "kbuild/target.h"

void bld_progress_report(struct bld_run *rn)
{
	if (rn->o->progress)
		rn->o->progress(rn->o->progress_data, rn->st, rn->t->nflavours);
}

void bld_progress_set(struct bld_run *rn, enum bld_stage s)
{
	for (size_t i = 0; i < rn->t->nflavours; i++) {
		if (rn->st[i].stage == BLD_FAILED)
			continue;
		rn->st[i].stage = s;
		if (s == BLD_DONE)
			rn->st[i].ended = kp_now();
	}
	bld_progress_report(rn);
}

void bld_progress_jobs(void *data, const struct kp_job *jobs, size_t n)
{
	struct bld_run *rn = data;
	for (size_t i = 0; i < n; i++) {
		struct bld_flavour_status *s = &rn->st[i];
		s->started = jobs[i].started;
		s->stage = jobs[i].state == KP_JOB_QUEUED    ? BLD_QUEUED
			   : jobs[i].state == KP_JOB_RUNNING ? BLD_COMPILING
			   : jobs[i].state == KP_JOB_DONE    ? BLD_COMPILED
							     : BLD_FAILED;
		if (jobs[i].state == KP_JOB_FAILED || jobs[i].state == KP_JOB_DONE)
			s->ended = jobs[i].ended;
	}
	bld_progress_report(rn);
}
