// SPDX-License-Identifier: GPL-2.0-or-later
/* verify/symbols.c's Module.symvers reader (symvers_load() reads the file and calls
 * symvers_parse()), reached as its unit test does. */
#include "verify/symbols.c"

#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT)
		return 0;
	fz_init();
	struct symvers sv = {0};
	symvers_parse(data, size, &sv);
	symvers_find(&sv, "printk");
	symvers_find(&sv, "module_layout");
	free(sv.text);
	free(sv.e);
	return 0;
}
