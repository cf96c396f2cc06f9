// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pack/packset.c: any bytes as a finished pack's ISO (as `pack combine` and
 * `verify` read one): extracted through common/archive.c (ISO 9660,
 * confined and bounded), then its XS-REPOSITORY-LIST, XS-REPOSITORY and
 * XS-PACKAGES read, and the set ordered. libarchive reads the ISO from a
 * file, so the input is one, in the temp dir on tmpfs, which is also where
 * the reader unpacks it (TMPDIR).
 */
#include <stdlib.h>
#include <string.h>

#include "pack/packset.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT)
		return 0;
	const char *iso = fz_file_tmpdir("pack.iso", data, size);
	const char *const isos[] = {iso};
	struct pk_packset *s = NULL;
	if (pk_packset_load(isos, 1, &s) == 0) {
		pk_packset_order(s);
		pk_packset_free(s);
	}
	return 0;
}
