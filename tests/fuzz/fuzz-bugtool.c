// SPDX-License-Identifier: GPL-2.0-or-later
/* firmware/bugtool.c (and common/xml.c below it): any bytes as both kinds of file. */
#include "firmware/bugtool.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT)
		return 0;
	fz_init();
	const char *text = (const char *)data;
	fw_bugtool_check_mem("x.xml", text, size, FW_BUGTOOL_CATEGORY);
	fw_bugtool_check_mem("x.xml", text, size, FW_BUGTOOL_COLLECT);
	enum fw_bugtool_role role;
	fw_bugtool_role_mem("x.xml", text, size, &role);
	return 0;
}
