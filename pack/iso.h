/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pack's ISO 9660 image, written in process with libisofs (iso.c is
 * the only file that includes it): Rock Ridge and Joliet long names, as the
 * DDK's `mkisofs -J -joliet-long -r` made them, and every timestamp pinned
 * to one epoch, so the same files give the same bytes.
 */
#ifndef PK_ISO_H
#define PK_ISO_H

#include <stddef.h>
#include <sys/types.h>

struct pk_iso_file {
	const char *name; /* path in the image ("a/b": directories are made), no ".." */
	const char *path; /* read from here, or NULL: */
	const char *data; /* these bytes (not copied until pk_iso_write) */
	size_t len;
	mode_t mode; /* permission bits recorded in Rock Ridge */
};

struct pk_iso_opts {
	const char *volume_id;	    /* at most 32 characters; NULL with base: base's */
	const char *application_id; /* at most 128 characters; NULL with base: base's */
	long long epoch;	    /* every timestamp in the image */
	/*
	 * An existing image to start from (pack remaster): its tree, volume
	 * id and El Torito boot images (BIOS and EFI) are kept, files given
	 * replace those of the same path, and a boot image that carries an
	 * isolinux boot info table gets it rewritten for its new place.
	 */
	const char *base;
};

/* What was written, digested on the way out (no second read of the image). */
struct pk_iso_sums {
	unsigned long long size;
	char md5[33], sha256[65];
};

/*
 * Write files into a new image (or into a copy of o->base) at out (created, or truncated). Returns
 * 0, -errno (logged) when out cannot be written, or -KP_EFAILED (logged) when libisofs refuses. On
 * failure out may hold a partial image: write it into a staging dir.
 */
int pk_iso_write(const struct pk_iso_opts *o, const struct pk_iso_file *files, size_t n,
		 const char *out, struct pk_iso_sums *sums);

#endif
