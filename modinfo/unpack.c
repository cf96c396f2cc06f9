// SPDX-License-Identifier: GPL-2.0-or-later
#include "modinfo/unpack.h"

#include <archive.h>
#include <string.h>

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

static void archive_freep(struct archive **a)
{
	if (*a)
		archive_read_free(*a);
}

int mi_unpack(const char *path, const void *data, size_t len, char **out, size_t *out_len)
{
	_cleanup_(archive_freep) struct archive *a = archive_read_new();
	struct archive_entry *entry;
	struct kp_buf b = {0};

	if (!a)
		abort(); /* only fails on allocation, as kp_malloc would */
	archive_read_support_filter_xz(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK ||
	    archive_read_next_header(a, &entry) != ARCHIVE_OK) {
		kp_err("'%s': cannot decompress: %s", path, archive_error_string(a));
		return -KP_EINPUT;
	}
	/* raw accepts anything; without a filter the bytes were not compressed. */
	if (archive_filter_count(a) < 2) {
		kp_err("'%s': not a compressed file (expected xz, gzip or zstd)", path);
		return -KP_EINPUT;
	}
	for (;;) {
		char chunk[65536];
		la_ssize_t n = archive_read_data(a, chunk, sizeof(chunk));
		if (n < 0) {
			kp_err("'%s': cannot decompress: %s", path, archive_error_string(a));
			kp_buf_release(&b);
			return -KP_EINPUT;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > MI_UNPACK_MAX) {
			kp_err("'%s': decompresses to more than %zu MiB (not a kernel module?)",
			       path, MI_UNPACK_MAX >> 20);
			kp_buf_release(&b);
			return -KP_EINPUT;
		}
		kp_buf_add(&b, chunk, (size_t)n);
	}
	*out_len = b.len;
	*out = kp_buf_steal(&b);
	return 0;
}
