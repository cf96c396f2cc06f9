// SPDX-License-Identifier: GPL-2.0-or-later
/* firmware/bugtool.c (and common/xml.c below it): any bytes as both kinds of file. */
#include "firmware/bugtool.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT)
		return 0;
	const char *p = fz_file("x.xml", data, size);
	fw_bugtool_check(p, FW_BUGTOOL_CATEGORY);
	fw_bugtool_check(p, FW_BUGTOOL_COLLECT);
	enum fw_bugtool_role role;
	fw_bugtool_role(p, &role);
	return 0;
}
