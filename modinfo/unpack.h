/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Decompression of .ko.xz / .ko.gz / .ko.zst, private to modinfo/, through
 * common/archive.c (the one libarchive file): its "raw" format gives every
 * filter kmod supports without linking three compression libraries.
 */
#ifndef MI_UNPACK_H
#define MI_UNPACK_H

#include <stdbool.h>
#include <stddef.h>

/* Largest decompressed module we accept; real ones are a few MiB. */
#define MI_UNPACK_MAX ((size_t)256 << 20)

/* True when data starts with an xz, gzip or zstd magic number. */
bool mi_is_compressed(const void *data, size_t len);

/*
 * Decompress data (read from path, used only in messages) into a new
 * buffer. Returns 0, or -KP_EINPUT after logging what is wrong.
 */
int mi_unpack(const char *path, const void *data, size_t len, char **out, size_t *out_len);

#endif
