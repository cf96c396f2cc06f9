// SPDX-License-Identifier: GPL-2.0-or-later
/* hcl/input.c: any bytes as lspci or lsusb output, and as one device given with --device. */
#include <stdlib.h>

#include "hcl/hcl.h"
#include "hcl/pci.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT)
		return 0;
	fz_init();
	char *text = fz_string(data, size);
	struct hcl_match *m = NULL;
	size_t n = 0;
	if (hcl_parse_lspci("lspci", text, &m, &n) == 0)
		hcl_matches_free(m, n);
	if (hcl_parse_lsusb("lsusb", text, &m, &n) == 0) {
		for (size_t i = 0; i < n; i++)
			free(hcl_match_format_id(&m[i]));
		hcl_matches_free(m, n);
	}
	struct hcl_match one = {0};
	if (hcl_parse_device(text, &one) == 0)
		hcl_match_release(&one);
	free(text);
	return 0;
}
