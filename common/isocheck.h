/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An ISO 9660 image checked before libarchive reads it (common/archive.c
 * calls this): the structures libarchive 3.6 trusts and a damaged or
 * crafted image can set to anything. No library; reads the file only.
 */
#ifndef KP_ISOCHECK_H
#define KP_ISOCHECK_H

/*
 * 0 when libarchive may read the image at path, -KP_EINPUT (said, with
 * what the caller calls the image, e.g. "pack ISO") when it is damaged in a
 * way libarchive would not survive. A file it cannot open or that has no
 * volume descriptor is left to libarchive to refuse (0).
 */
int kp_iso_check(const char *path, const char *what);

#endif
