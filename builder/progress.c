// SPDX-License-Identifier: GPL-2.0-or-later
/* Progress of each flavour through the steps, for the CLI's callback. */
#include "builder/internal.h"

#include "common/log.h"
#include "common/runner.h"
#include "common/signals.h"
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

void bld_progress_end(struct bld_run *rn, int r)
{
	bool intr = r <= -KP_EINTR_BASE || kp_check_interrupted() < 0;
	double now = kp_now();
	for (size_t i = 0; i < rn->t->nflavours; i++) {
		struct bld_flavour_status *s = &rn->st[i];
		switch (s->stage) {
		case BLD_QUEUED:
			s->stage = BLD_NOT_STARTED;
			s->started = s->ended = 0;
			break;
		case BLD_COMPILING:
		case BLD_PACKAGING:
		case BLD_VERIFYING:
			s->stage = intr ? BLD_INTERRUPTED : BLD_FAILED;
			s->ended = now;
			break;
		case BLD_COMPILED:
			/* Compiled, but the run ended before its package: it is not built. */
			if (intr) {
				s->stage = BLD_INTERRUPTED;
				s->ended = now;
			}
			break;
		default:
			break;
		}
	}
	bld_progress_report(rn);
}
