/* SPDX-License-Identifier: GPL-2.0-or-later */
/* File-system helpers. All return 0 or -errno and log nothing. */
#ifndef KP_FS_H
#define KP_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

char *kp_path_join(const char *a, const char *b);
/* The last component of path (the text after its last '/'), inside path. */
const char *kp_basename(const char *path);
bool kp_is_dir(const char *path);
bool kp_is_file(const char *path);
int kp_mkdir_p(const char *path, mode_t mode);
/* Remove a file or a whole tree; a missing path is not an error. */
int kp_rm_rf(const char *path);
int kp_read_file(const char *path, char **out, size_t *len);
/* Write via a temp file in the same directory, fsync, rename into place. */
int kp_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode);
int kp_write_file(const char *path, const void *data, size_t len, mode_t mode);
int kp_copy_file(const char *src, const char *dst, mode_t mode);
/*
 * The mode kmodpack gives a copied source file, whatever the original's
 * group/other bits or the umask: 0755 when any execute bit is set, else
 * 0644. The build copy, the SRPM tarball and the up-to-date key use it, so
 * sources as git and tarballs leave them (0664) count as unchanged.
 */
static inline mode_t kp_normal_file_mode(mode_t mode)
{
	return mode & 0111 ? 0755 : 0644;
}
/*
 * The names in a directory, sorted (never "." or ".."): walks that feed
 * archives, cache keys or copies must not depend on readdir's order.
 */
struct kp_strv;
int kp_list_dir(const char *path, struct kp_strv *names);
/*
 * Every non-directory (files, symlinks, ...) below dir, as paths relative
 * to dir, in sorted tree order; symlinks are not followed. Directories
 * that cannot be read are left out.
 */
void kp_list_tree(const char *dir, struct kp_strv *out);

#endif
