// SPDX-License-Identifier: GPL-2.0-or-later
/* verify/symbols.c's Module.symvers reader, reached as its unit test does. */
#include "verify/symbols.c"

#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT)
		return 0;
	struct symvers sv = {0};
	if (symvers_load(fz_file("Module.symvers", data, size), &sv) == 0) {
		symvers_find(&sv, "printk");
		symvers_find(&sv, "module_layout");
	}
	free(sv.text);
	free(sv.e);
	return 0;
}
