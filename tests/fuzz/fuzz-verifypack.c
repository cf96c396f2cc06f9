// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * verify/pack.c, pack-update.c: any bytes as the ISO `kmodpack verify
 * PACK.iso` checks: a supplemental pack (XS-REPOSITORY-LIST,
 * XS-REPOSITORY, XS-PACKAGES, the packages' headers, SKIPPED-FLAVOURS,
 * md5 files) or an update ISO or driver disk (update.xml, the yum repo,
 * signatures). Everything verify reads; not its install check, which would
 * run the ISO's install.sh (vf_pack_opts.no_install). As in fuzz-packset,
 * the ISO is a file in the temp dir on tmpfs, which is also TMPDIR, where
 * verify unpacks it.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz.h"
#include "verify/pack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT)
		return 0;
	const char *iso = fz_file_tmpdir("pack.iso", data, size);
	struct vf_pack_opts o = {.iso = iso, .logdir = getenv("TMPDIR"), .no_install = true};
	struct vf_pack_result res;
	vf_pack_verify(&o, &res);
	vf_pack_result_release(&res);
	return 0;
}
