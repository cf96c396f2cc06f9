// SPDX-License-Identifier: GPL-2.0-or-later
/* specgen/manifest.c through the INI layer: any bytes as kmodpack.ini. */
#include "specgen/manifest.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT)
		return 0;
	fz_init();
	struct spec_manifest *m = NULL;
	if (spec_manifest_parse("/nonexistent/kmodpack.ini", data, size, &m) == 0)
		spec_manifest_free(m);
	return 0;
}
