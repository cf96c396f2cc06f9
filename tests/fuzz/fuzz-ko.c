// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modinfo/ko.c: any bytes as a module, plain and (by the name's suffix)
 * compressed, and every reader a command uses on an opened one.
 */
#include "modinfo/ko.h"
#include "tests/fuzz/fuzz.h"

static void read_all(const char *path)
{
	struct mi_ko *ko = NULL;
	if (mi_ko_open(path, &ko) == 0) {
		mi_ko_name(ko);
		mi_ko_free(ko);
	}
	struct mi_ko_syms syms = {0};
	if (mi_ko_read_syms(path, &syms) == 0)
		mi_ko_syms_release(&syms);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT || size < 1)
		return 0;
	/* The first byte picks the container, so one corpus covers all. */
	static const char *const names[] = {"m.ko", "m.ko.xz", "m.ko.gz", "m.ko.zst"};
	read_all(fz_file(names[data[0] & 3], data + 1, size - 1));
	return 0;
}
