/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The spec file of a driver: one per driver, a binary subpackage per
 * flavour (and the data package), rendered from templates/kmod.spec.in.
 * Every piece of user text passes through specgen/escape.h first.
 */
#ifndef SPEC_SPEC_H
#define SPEC_SPEC_H

#include <stdbool.h>
#include <stddef.h>

#include "common/util.h"
#include "kbuild/target.h"
#include "specgen/manifest.h"

struct spec_module {
	char *name;		/* file name without .ko */
	struct kp_strv aliases; /* modalias strings from .modinfo */
};

struct spec_flavour {
	const struct kb_flavour *f;
	struct spec_module *mods;
	size_t nmods;
};

struct spec_input {
	const struct spec_manifest *m;
	const struct kb_target *t;
	const struct spec_flavour *flavours; /* one per target flavour */
	size_t nflavours;
	const char *source0; /* source tarball file name */
	long long source_date_epoch;
	/* the data package, when there is one */
	const char *data_files;	 /* %files body, already escaped */
	const char *data_source; /* Source1 file name */
	const char *data_version;
	const char *data_release;
	/* false: leave out %prep/%build/%install (the binary packaging spec, see rpm.h) */
	bool build_scripts;
};

/*
 * Package name of a flavour, by the target's naming scheme: guide
 * <name>-modules-<flavour>-<kver>, module <name>-module[-alt], vendor
 * <vendor>-<name>[-alt]. Caller frees.
 */
char *spec_flavour_package(const struct spec_manifest *m, const struct kb_target *t,
			   const struct kb_flavour *f);
/*
 * -KP_EINPUT (logged) when the target's conventions cannot hold: the naming
 * scheme gives two flavours one package name, or kernel_requires would
 * need a release rpm cannot take as a version.
 */
int spec_check_conventions(const struct spec_manifest *m, const struct kb_target *t);
/* module_dir = override: the depmod.d file of a flavour's package and its text. Caller frees. */
char *spec_depmod_conf_path(const struct spec_manifest *m, const struct kb_flavour *f);
char *spec_depmod_conf(const struct spec_manifest *m, const struct kb_target *t,
		       const struct spec_flavour *sf);
/*
 * Where librpm writes a package, relative to the output dir: the one
 * place that knows rpm.c's %_rpmfilename (RPMS/<arch>/<name>-<version>-
 * <release>.<arch>.rpm) and rpm's SRPM name (SRPMS/<name>-<version>-
 * <release>.src.rpm). Caller frees.
 */
char *spec_rpm_path(const char *package, const char *version, const char *release,
		    const char *arch);
char *spec_srpm_path(const char *name, const char *version, const char *release);
/* The directory the source tarball unpacks to: <name>-<version>. Caller frees. */
char *spec_setup_dir(const struct spec_manifest *m);
/* Locate a template: $KMODPACK_TEMPLATES, the installed share dir, the source tree. */
char *spec_template_path(const char *name);

/* Render the spec. Returns 0, or -KP_EINPUT after naming the field that cannot be made safe. */
int spec_generate(const struct spec_input *in, char **out);

#endif
