// SPDX-License-Identifier: GPL-2.0-or-later
/* kbuild/target.c through the INI layer: any bytes as a target file. */
#include "kbuild/target.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT)
		return 0;
	fz_init();
	struct kb_target *t = NULL;
	if (kb_target_parse("target.ini", data, size, &t) == 0)
		kb_target_free(t);
	return 0;
}
