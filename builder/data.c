// SPDX-License-Identifier: GPL-2.0-or-later
/* Step 8, the data files: the firmware cross-check and the staged [data] files. */
#include "builder/internal.h"

#include "common/fs.h"
#include "common/log.h"
#include "firmware/data.h"
#include "report/report.h"

/*
 * The data RPM's files: every firmware a module declares must be shipped or
 * declared external; then the files go into the buildroot and, at their
 * install paths, into Source1 so the SRPM rebuilds the same package.
 */
int bld_data_stage(struct bld_run *rn)
{
	const struct fw_data *d = rn->data;
	/* One entry per module: flavours declare the same firmware, keep each name once. */
	struct fw_module_firmware *mods = NULL;
	const char ***names = NULL;
	size_t nmods = 0;
	for (size_t i = 0; i < rn->report->nflavours; i++) {
		const struct rp_flavour *rf = &rn->report->flavours[i];
		for (size_t k = 0; k < rf->nmods; k++) {
			const struct rp_module *rm = &rf->mods[k];
			size_t j = 0;
			while (j < nmods && strcmp(mods[j].module, rm->name))
				j++;
			if (j == nmods && rm->firmware.n) {
				mods = kp_reallocarray(mods, nmods + 1, sizeof(*mods));
				names = kp_reallocarray(names, nmods + 1, sizeof(*names));
				names[nmods] = NULL;
				mods[nmods++] = (struct fw_module_firmware){.module = rm->name};
			}
			for (size_t x = 0; x < rm->firmware.n; x++) {
				bool seen = false;
				for (size_t y = 0; y < mods[j].n_names && !seen; y++)
					seen = !strcmp(names[j][y], rm->firmware.v[x]);
				if (seen)
					continue;
				names[j] =
				    kp_reallocarray(names[j], mods[j].n_names + 1, sizeof(char *));
				names[j][mods[j].n_names++] = rm->firmware.v[x];
				mods[j].names = names[j];
			}
		}
	}
	int r = fw_data_check_firmware(d, mods, nmods);
	for (size_t j = 0; j < nmods; j++)
		free(names[j]);
	free(mods);
	free(names);
	if (r < 0)
		return r;

	_cleanup_free_ char *tree = kp_path_join(rn->od.stage, "datatree");
	_cleanup_free_ char *root = kp_path_join(rn->od.stage, "buildroot");
	for (size_t i = 0; i < d->n_files && r == 0; i++) {
		const struct fw_file *f = &d->files[i];
		for (int pass = 0; pass < 2 && r == 0; pass++) {
			_cleanup_free_ char *dst = kp_path_join(pass ? root : tree, f->dest + 1);
			_cleanup_free_ char *parent = kp_strdup(dst);
			*strrchr(parent, '/') = '\0';
			if ((r = kp_mkdir_p(f->is_dir ? dst : parent, 0755)) == 0 && !f->is_dir)
				r = kp_copy_file(f->src, dst, f->mode);
			if (r < 0)
				kp_err("cannot stage '%s': %s", dst, strerror(-r));
		}
	}
	return r;
}
