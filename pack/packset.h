/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Finished packs read back from their ISOs, for `pack combine` and `pack
 * remaster` (guide 6.6, 6.7): each ISO is unpacked with the confined
 * extraction every archive gets, its XS-REPOSITORY names the pack and what
 * it requires, its packages are checked against XS-PACKAGES (size, md5) so
 * a damaged pack is never passed on, and the set is ordered so that a pack
 * comes after the packs of the set it requires. A combined ISO given as
 * input (XS-REPOSITORY-LIST) contributes each of its packs.
 */
#ifndef PK_PACKSET_H
#define PK_PACKSET_H

#include <stddef.h>

#include "common/util.h"

struct pk_setpack {
	char *originator, *name; /* XS-REPOSITORY's originator= and name= */
	char *from;		 /* the ISO it came from (and its sub-dir), for messages */
	char *dir;		 /* where it is unpacked */
	struct kp_strv files;	 /* every file in dir, relative, sorted */
	struct kp_strv requires; /* "originator:name" of the packs it requires */
	long long mtime;	 /* its XS-REPOSITORY's time in the ISO */
};

struct pk_packset {
	char *work; /* temp dir everything is unpacked into; removed by _free */
	struct pk_setpack *packs;
	size_t n;
};

/*
 * Unpack and check isos[0..n) into a new temp dir below $TMPDIR. Returns 0,
 * -KP_EINPUT (logged: not a pack, damaged, two packs of one name, a
 * dependency cycle), or -errno.
 */
int pk_packset_load(const char *const *isos, size_t n, struct pk_packset **out);
/* Put every pack after the packs of the set it requires; keeps the given order otherwise. */
int pk_packset_order(struct pk_packset *s);
void pk_packset_free(struct pk_packset *s);
KP_DEFINE_TRIVIAL_CLEANUP_FUNC(struct pk_packset *, pk_packset_free);

/* The newest XS-REPOSITORY time of the set: the default epoch of what is made from it. */
long long pk_packset_epoch(const struct pk_packset *s);

#endif
