/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Confinement of names read from untrusted archives: every entry name,
 * hard-link target and symlink target is checked here before anything is
 * written, so that no archive can create, change or link a path outside
 * the directory it is unpacked into. Pure path logic plus fstatat and
 * readlinkat below one directory fd; no library behind it.
 */
#ifndef KP_PATHCHECK_H
#define KP_PATHCHECK_H

/* Symlinks followed while resolving one path, as the kernel's MAXSYMLINKS. */
#define KP_PATH_MAX_LINKS 40

/*
 * The clean relative form of an archive member name: "./a//b/" is "a/b",
 * "." and "./" are "" (the top itself). Returns 0, or -EINVAL for an
 * absolute name or one with a ".." component (*out is then NULL).
 */
int kp_path_clean(const char *name, char **out);

/*
 * Resolve target as the kernel would from inside directory base (a clean
 * relative path below dirfd), following every symlink that already exists
 * below dirfd. Returns 0 and the clean relative result in *out (NULL
 * allowed) when it stays below dirfd; -EXDEV when it is absolute or climbs
 * out (directly or through a symlink); -ELOOP after KP_PATH_MAX_LINKS links.
 */
int kp_path_resolve_in(int dirfd, const char *base, const char *target, char **out);

/*
 * Whether a directory component of rel (not its last one) is a symlink
 * below dirfd: writing rel would then go through it. Returns 1 and that
 * component's path in *link (caller frees), or 0.
 */
int kp_path_through_symlink(int dirfd, const char *rel, char **link);

#endif
