// SPDX-License-Identifier: GPL-2.0-or-later
/* common/xml.c: any bytes as untrusted XML. */
#include "common/xml.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT)
		return 0;
	fz_init();
	struct kp_xml_node *root = NULL;
	if (kp_xml_parse("x.xml", (const char *)data, size, &root) == 0)
		kp_xml_free(root);
	return 0;
}
