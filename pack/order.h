/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What each RPM is to the installer, and the order it installs them in
 * (guide 6.2). Both come from the RPM headers alone: the kernel a driver
 * RPM belongs to is where its files go (/lib/modules/<release>/...), never
 * its name, and the order follows what each package requires and what the
 * others provide (names, versions and file paths), as rpm itself matches
 * them.
 */
#ifndef PK_ORDER_H
#define PK_ORDER_H

#include <stdbool.h>
#include <stddef.h>

#include "common/util.h"
#include "pack/rpmhdr.h"

enum pk_pkg_type { PK_PKG_RPM, PK_PKG_DRIVER_RPM };

struct pk_kind {
	enum pk_pkg_type type; /* driver-rpm iff the Group ends in "/Kernel" */
	char *kernel;	       /* driver-rpm: the release it installs into, or "any" */
	const char *options;   /* rpm options for the installer ("-i" for kernels), or NULL */
};

/*
 * Classify r. Returns 0, or -KP_EINPUT (logged) for an RPM the installer
 * would mishandle: a driver RPM installing into several kernels, or a
 * non-driver RPM installing kernel modules.
 */
int pk_kind_of(const struct pk_rpm *r, struct pk_kind *out);
void pk_kind_release(struct pk_kind *k);

/*
 * The install order of rpms[0..n): order[k] is the index of the k-th
 * package. Every package comes after those in the list that provide what
 * it requires; packages that do not depend on each other keep their given
 * order. A cycle is refused, naming its packages (-KP_EINPUT, logged).
 * With reorder false the given order is kept, and each package that
 * comes before something it requires adds a line to warnings.
 */
int pk_order(struct pk_rpm *const *rpms, size_t n, bool reorder, size_t *order,
	     struct kp_strv *warnings);

#endif
