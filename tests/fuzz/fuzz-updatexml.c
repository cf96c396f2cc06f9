// SPDX-License-Identifier: GPL-2.0-or-later
/* pack/updatexml.c: any bytes as an update ISO's update.xml and as its comps groups file. */
#include <stdlib.h>

#include "pack/updatexml.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT)
		return 0;
	fz_init();
	struct pk_update_info u;
	if (pk_update_parse("update.xml", (const char *)data, size, &u) == 0) {
		char *again = pk_update_xml(&u);
		free(again);
		pk_update_info_release(&u);
	}
	struct pk_comps c;
	if (pk_comps_parse("comps.xml", (const char *)data, size, &c) == 0) {
		(void)pk_comps_group(&c, "drivers");
		pk_comps_release(&c);
	}
	return 0;
}
