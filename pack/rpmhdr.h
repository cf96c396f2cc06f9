/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a supplemental pack needs to know about an RPM, read from its
 * header with librpm (rpmhdr.c is the pack's only file that includes it):
 * name, version, group, files, requires, provides, and the file's own size
 * and digests. The old pack builder scraped `rpm -q` and `rpm -ivv --test`
 * output and guessed the kernel from the package name; the header says it.
 */
#ifndef PK_RPMHDR_H
#define PK_RPMHDR_H

#include <stdbool.h>
#include <stddef.h>

#include "common/util.h"

/* A dependency's comparison, as rpm's RPMSENSE_LESS/GREATER/EQUAL bits. */
enum {
	PK_DEP_LESS = 1 << 0,
	PK_DEP_GREATER = 1 << 1,
	PK_DEP_EQUAL = 1 << 2,
};

struct pk_dep {
	char *name;
	char *evr; /* "" when unversioned */
	unsigned flags;
};

struct pk_file {
	char *path; /* absolute, as installed */
	unsigned mode;
};

struct pk_rpm {
	char *path;	/* absolute */
	char *filename; /* its base name: the name inside the pack */
	char *name, *version, *release, *arch;
	char *group, *summary;
	bool source;			 /* an SRPM */
	long long buildtime;		 /* seconds since 1970 */
	unsigned long long size;	 /* bytes of the file (XS-PACKAGES size=) */
	unsigned long long payload_size; /* bytes it installs */
	char md5[33], sha256[65];
	struct pk_file *files;
	size_t nfiles;
	struct pk_dep *requires; /* without rpmlib(...) and rich dependencies */
	size_t nrequires;
	struct pk_dep *provides;
	size_t nprovides;
};

/*
 * Read an RPM's header and digest its bytes. Returns 0, or -KP_EINPUT
 * (logged: not an RPM, a damaged header) or -errno (logged).
 */
int pk_rpm_read(const char *path, struct pk_rpm **out);
void pk_rpm_free(struct pk_rpm *r);
KP_DEFINE_TRIVIAL_CLEANUP_FUNC(struct pk_rpm *, pk_rpm_free);

/* True when prov (a Provides) satisfies req (a Requires), by rpm's rules. */
bool pk_dep_satisfies(const struct pk_dep *req, const struct pk_dep *prov);

/* "name >= 1.0-1", for messages. Owned by the caller. */
char *pk_dep_str(const struct pk_dep *d);

#endif
