// SPDX-License-Identifier: GPL-2.0-or-later
#include "modinfo/unpack.h"

#include <string.h>

#include "common/archive.h"
#include "common/log.h"
#include "common/util.h"

bool mi_is_compressed(const void *data, size_t len)
{
	static const unsigned char xz[] = {0xfd, '7', 'z', 'X', 'Z', 0x00};
	static const unsigned char gz[] = {0x1f, 0x8b};
	static const unsigned char zst[] = {0x28, 0xb5, 0x2f, 0xfd};
	return (len >= sizeof(xz) && !memcmp(data, xz, sizeof(xz))) ||
	       (len >= sizeof(gz) && !memcmp(data, gz, sizeof(gz))) ||
	       (len >= sizeof(zst) && !memcmp(data, zst, sizeof(zst)));
}

int mi_unpack(const char *path, const void *data, size_t len, char **out, size_t *out_len)
{
	return kp_archive_decompress(path, data, len, MI_UNPACK_MAX, out, out_len);
}
