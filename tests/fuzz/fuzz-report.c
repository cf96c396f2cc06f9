// SPDX-License-Identifier: GPL-2.0-or-later
/* report/json.c: any bytes as build-report.json. */
#include "report/report.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT)
		return 0;
	fz_init();
	struct rp_build *b = NULL;
	if (rp_build_parse("build-report.json", data, size, &b) == 0)
		rp_build_free(b);
	return 0;
}
