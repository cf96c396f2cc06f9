// SPDX-License-Identifier: GPL-2.0-or-later
/* common/ini.c: any bytes as an INI file. */
#include "common/ini.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT)
		return 0;
	fz_init();
	struct kp_ini *ini = NULL;
	if (kp_ini_parse_mem("x.ini", data, size, &ini) == 0)
		kp_ini_free(ini);
	return 0;
}
