/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The RPM builder: librpm's build API, in process (the only file that
 * includes the <rpm/...> headers). kmodpack compiles and stages files itself, so only
 * the packaging stages run here: no %prep/%build/%install shell, no
 * rpmbuild child.
 */
#ifndef SPEC_RPM_H
#define SPEC_RPM_H

#include <stdbool.h>

struct spec_rpm_opts {
	const char *specfile; /* rendered spec to parse: the SRPM's, with its build scripts */
	/*
	 * The same spec without %prep/%build/%install, for the binary
	 * packages: rpm then runs the build stages as no-ops, and does not
	 * mark the packages rpmlib(ShortCircuited), which would make them
	 * uninstallable without --nodeps. NULL: use specfile.
	 */
	const char *binary_specfile;
	const char *buildroot;	     /* already populated with every %files path */
	const char *sourcedir;	     /* holds the spec's Source files (for the SRPM) */
	const char *rpmdir;	     /* binary RPMs land in rpmdir/<arch>/ */
	const char *srpmdir;	     /* SRPM lands here */
	const char *workdir;	     /* scratch dir for rpm's own temp files */
	const char *arch;	     /* RPM target arch, e.g. x86_64 */
	long long source_date_epoch; /* build time and mtime clamp; reproducible */
	/*
	 * The Packager of every package, as %packager (escaped by
	 * spec_escape_line: rpm expands it). Not a tag in the spec, which
	 * rpmlint faults (hardcoded-packager-tag) and a rebuild in the
	 * product's build system sets itself. NULL: none.
	 */
	const char *packager;
	bool binary;		     /* build the binary packages */
	bool source;		     /* build the SRPM */
};

/* Returns 0, or -KP_EFAILED after logging rpm's own messages. */
int spec_rpm_build(const struct spec_rpm_opts *o);


#endif
