// SPDX-License-Identifier: GPL-2.0-or-later
/* Step 10, publish: the report, then every staged file at once (common/outdir.c). */
#include "builder/internal.h"

#include <unistd.h>

#include "builder/cache.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/signals.h"
#include "kbuild/target.h"
#include "report/report.h"

int bld_publish(struct bld_run *rn)
{
	_cleanup_free_ char *rpath = kp_path_join(rn->od.stage, RP_BUILD_REPORT_NAME);
	int r;
	if ((r = rp_build_write(rn->report, rpath)) < 0)
		return r;
	if ((r = kp_check_interrupted()) < 0)
		return r;
	static const char *const top[] = {RP_BUILD_REPORT_NAME, "logs", NULL};
	if ((r = kp_outdir_publish(&rn->od, top)) < 0)
		return r;
	if (bld_cache_store(rn->od.state, rn->key) < 0)
		kp_warn("cannot record the build in '%s': the next run rebuilds", rn->od.state);
	/* A failure's log that this build superseded would only mislead. */
	for (size_t i = 0; i < rn->t->nflavours; i++) {
		_cleanup_free_ char *old =
		    kp_asprintf("%s/logs/%s.failed.log", rn->od.dir, rn->t->flavours[i].name);
		unlink(old);
	}
	bld_progress_set(rn, BLD_DONE);
	return 0;
}
