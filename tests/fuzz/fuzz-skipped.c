// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pack/meta.c: any bytes as a pack's SKIPPED-FLAVOURS.txt (read back from
 * an ISO by kmodpack verify), then written again from what was read.
 */
#include <stdlib.h>

#include "pack/meta.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT)
		return 0;
	fz_init();
	char *text = fz_string(data, size);
	struct pk_skipped *v;
	size_t n;
	pk_skipped_parse(text, &v, &n);
	free(pk_skipped_text(v, n));
	for (size_t i = 0; i < n; i++)
		pk_skipped_release(&v[i]);
	free(v);
	free(text);
	return 0;
}
