// SPDX-License-Identifier: GPL-2.0-or-later
/* hcl/pciids.c: any bytes as pci.ids, then a few lookups. */
#include "hcl/pciids.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT)
		return 0;
	fz_init();
	struct hcl_pciids *ids = NULL;
	if (hcl_pciids_parse("pci.ids", data, size, &ids) < 0)
		return 0;
	hcl_pciids_vendor(ids, 0x8086);
	hcl_pciids_device(ids, 0x8086, 0x1533);
	hcl_pciids_subsystem(ids, 0x8086, 0x1533, 0x8086, 0x0001);
	hcl_pciids_free(ids);
	return 0;
}
