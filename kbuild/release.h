/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel releases a driver accepts, as DKMS's BUILD_EXCLUSIVE_KERNEL,
 * _MIN and _MAX decide it (dkms's own semantics, not re-invented): a POSIX
 * extended regular expression matched anywhere in the release (bash's
 * `=~`), and versions compared in DKMS's order (its VER(): every number
 * padded to three digits, then the strings compared byte by byte, so
 * "3.5-rc2" comes after "3.5" and "4.11.999" before "4.12").
 */
#ifndef KB_RELEASE_H
#define KB_RELEASE_H

#include <stdbool.h>

/* DKMS's order of two kernel versions or releases: <0, 0 or >0. */
int kb_release_cmp(const char *a, const char *b);

/*
 * Whether re is a POSIX extended regular expression: 0, or -EINVAL with
 * *why (owned) the reason ("Unmatched ( or \\(").
 */
int kb_release_regex_check(const char *re, char **why);

/* Whether release matches re anywhere (re as kb_release_regex_check accepts it). */
bool kb_release_matches(const char *re, const char *release);

/*
 * Whether v can be a kernel version bound (kernel_min, kernel_max): one
 * word of letters, digits and . - _ + ~ that starts with a digit.
 */
bool kb_release_version_valid(const char *v);

#endif
