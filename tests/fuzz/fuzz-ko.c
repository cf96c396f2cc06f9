// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modinfo/ko.c: any bytes as a module, plain and compressed (.xz, .gz, .zst:
 * mi_unpack() tells them by their magic, as the path readers do), and every
 * reader a command uses on an opened one, from memory: mi_ko_open() and
 * mi_ko_read_syms() read the file and call these.
 */
#include <stdlib.h>
#include <string.h>

#include "modinfo/ko.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT || size < 1)
		return 0;
	fz_init();
	/* The first byte picks the name, so one corpus covers all; libelf wants
	 * writable bytes, and a reader may not change the next one's input. */
	static const char *const names[] = {"m.ko", "m.ko.xz", "m.ko.gz", "m.ko.zst"};
	const char *name = names[data[0] & 3];
	char *copy = malloc(size);
	memcpy(copy, data + 1, size - 1);
	struct mi_ko *ko = NULL;
	if (mi_ko_open_mem(name, copy, size - 1, &ko) == 0) {
		mi_ko_name(ko);
		mi_ko_free(ko);
	}
	memcpy(copy, data + 1, size - 1);
	struct mi_ko_syms syms = {0};
	if (mi_ko_read_syms_mem(name, copy, size - 1, &syms) == 0)
		mi_ko_syms_release(&syms);
	free(copy);
	return 0;
}
