// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hcl/index.c and hcl/pci.c: any bytes as modules.alias, modules.pcimap
 * and modules.builtin.modinfo, then the PCI and USB match model queried
 * with each alias of the input (pci: and usb: lines, the kernel's form or not).
 */
#include <stdlib.h>

#include "hcl/index.h"
#include "hcl/pci.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT)
		return 0;
	struct hcl_index *idx = hcl_index_new();
	hcl_index_add_modules_alias(idx, fz_file("modules.alias", data, size));
	hcl_index_add_pcimap(idx, fz_file("modules.pcimap", data, size));
	hcl_index_add_builtin_modinfo(idx, fz_file("modules.builtin.modinfo", data, size));
	hcl_index_count(idx);

	/* Each line that reads as an alias is also a device to look up. */
	char *text = fz_string(data, size);
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		struct hcl_match m = {0};
		if (hcl_match_from_alias(l, &m) < 0)
			continue;
		struct hcl_hit *hits = NULL;
		size_t nh = hcl_index_query(idx, &m, &hits);
		for (size_t i = 0; i < nh; i++) {
			bool cond;
			hcl_match_relate_assuming(&m, &hits[i].claim->match, &cond);
		}
		free(hits);
		free(hcl_match_format_id(&m));
		hcl_match_release(&m);
	}
	free(text);
	hcl_index_free(idx);
	return 0;
}
