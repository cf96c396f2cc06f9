// SPDX-License-Identifier: GPL-2.0-or-later
/* Step 1, the inputs: manifest, target, the build's date and the [data] section. */
#include "builder/internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "common/log.h"
#include "firmware/data.h"
#include "kbuild/target.h"
#include "specgen/manifest.h"

int bld_inputs_load(const char *driver_dir, const char *target_file, bool warn_undated,
		    struct bld_inputs *in)
{
	*in = (struct bld_inputs){0};
	int r;
	if ((r = spec_manifest_load(driver_dir, &in->m)) < 0)
		return r;
	if ((r = kb_target_load(target_file, &in->t)) < 0)
		return r;
	/* The environment, then the manifest, then now (docs/building.md). */
	if ((r = kp_env_source_date_epoch(&in->sde)) < 0)
		return r;
	if (in->sde < 0)
		in->sde = in->m->source_date_epoch;
	if (in->sde < 0) {
		in->sde = (long long)time(NULL);
		in->sde_is_now = true;
		if (warn_undated)
			kp_warn("%s: no changelog or source_date_epoch and no SOURCE_DATE_EPOCH: "
				"using the current time, so the RPMs will not be reproducible",
				in->m->path);
	}
	if (in->m->ndata) {
		struct fw_data_opts fo = {.manifest = in->m->path,
					  .driver_dir = in->m->dir,
					  .source_dir = in->m->source_is_archive ? NULL : in->m->source,
					  .name = in->m->name,
					  .version = in->m->version,
					  .release = in->m->release};
		if ((r = fw_data_load(&fo, in->m->data, in->m->ndata, &in->data)) < 0)
			return r;
	}
	return 0;
}

void bld_inputs_release(struct bld_inputs *in)
{
	fw_data_free(in->data);
	kb_target_free(in->t);
	spec_manifest_free(in->m);
	*in = (struct bld_inputs){0};
}
