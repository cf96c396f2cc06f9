/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Tar archives through libarchive: unpacking driver sources, packing the SRPM's source tarball. */
#ifndef KP_ARCHIVE_H
#define KP_ARCHIVE_H

#include <stdbool.h>

/*
 * Unpack a .tar/.tar.gz/.tar.bz2/.tar.xz into dir (which must exist).
 * Refuses absolute paths, "..", and links that point outside dir. Returns 0,
 * or -KP_EINPUT after logging what is wrong with the archive.
 */
int kp_archive_extract(const char *archive, const char *dir);

/*
 * Pack the tree at dir into a reproducible .tar.gz at path, every entry
 * below prefix/ (e.g. "helloworld-1.0"), sorted by name, owned by root,
 * with mtimes clamped to mtime. Entries for which skip(full path, data)
 * is true are left out, with everything below them (skip may be NULL).
 * Returns 0 or -errno / -KP_EFAILED.
 */
int kp_archive_create(const char *dir, const char *prefix, long long mtime, const char *path,
		      bool (*skip)(const char *path, void *data), void *data);

#endif
