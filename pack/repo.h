/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Yum repository metadata, written and read with the createrepo_c library
 * (repo.c is the only file that includes it): repodata/repomd.xml with the
 * primary, filelists and other lists (gzip, named by their sha256 as
 * createrepo_c names them) and a comps groups file (plain and gzip). No
 * sqlite databases: dnf and yum read the XML, and sqlite files are not
 * reproducible. Every timestamp is the given epoch and the revision is
 * that epoch, so the same packages give the same bytes.
 */
#ifndef PK_REPO_H
#define PK_REPO_H

#include <stddef.h>

/*
 * Write root/repodata/ for the packages at root/hrefs[i] (e.g.
 * "Packages/x.rpm"), with comps (the groups file's bytes). Returns 0,
 * -KP_EINPUT (a package createrepo_c cannot read) or -KP_EFAILED (logged).
 */
int pk_repo_write(const char *root, const char *const *hrefs, size_t n, const char *comps,
		  long long epoch);

/* One package as the repo's primary list names it. */
struct pk_repo_pkg {
	char *name, *evr, *arch; /* evr: [epoch:]version-release */
	char *href;		 /* location, relative to the repo's root */
	char *checksum_type;	 /* "sha256", ... */
	char *checksum;
	unsigned long long size;
};

struct pk_repo {
	char *revision;
	char *primary_href, *group_href; /* group_href: NULL without a groups file */
	struct pk_repo_pkg *pkgs;
	size_t npkgs;
};

/*
 * Read root/repodata/repomd.xml and the primary list it names (untrusted:
 * a location must stay inside root, and the primary file's checksum must be
 * what repomd.xml says). Returns 0, or -KP_EINPUT after logging what is
 * wrong as "repodata/...: ...".
 */
int pk_repo_read(const char *root, struct pk_repo *out);
void pk_repo_release(struct pk_repo *r);

#endif
