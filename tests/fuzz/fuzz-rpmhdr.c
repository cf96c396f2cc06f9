// SPDX-License-Identifier: GPL-2.0-or-later
/* pack/rpmhdr.c: any bytes as an RPM given to kmodpack pack. */
#include "pack/rpmhdr.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT)
		return 0;
	struct pk_rpm *r = NULL;
	if (pk_rpm_read(fz_file("x.rpm", data, size), &r) == 0)
		pk_rpm_free(r);
	return 0;
}
