/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The driver manifest, kmodpack.ini: what the DDK Makefile's variables
 * (SPEC, VENDOR_CODE, VENDOR_NAME, RPM_VERSION, RPM_RELEASE, ...) said, as
 * one validated model. Every problem is reported as "file:line: key: why".
 */
#ifndef SPEC_MANIFEST_H
#define SPEC_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>

#include "common/kv.h"
#include "common/util.h"

#define SPEC_MANIFEST_NAME "kmodpack.ini"

/* The vendor scriptlets a manifest may name ([driver] pre, post, preun, postun). */
enum spec_script { SPEC_SCRIPT_PRE, SPEC_SCRIPT_POST, SPEC_SCRIPT_PREUN, SPEC_SCRIPT_POSTUN,
		   SPEC_NSCRIPTS };
/* The key and rpm section of a scriptlet: "post", "%post". */
const char *spec_script_key(enum spec_script s);

struct spec_manifest {
	char *path;   /* the manifest file (a dkms.conf when derived) */
	char *dir;    /* the driver's directory, absolute */
	bool derived; /* no kmodpack.ini: derived from path, a dkms.conf (dkms/derive.h) */

	/* [driver] */
	char *name;    /* package and module base name */
	char *version; /* RPM version */
	char *release; /* RPM release, default "1" */
	char *summary; /* one line */
	char *license;
	char *description; /* may span lines; default: summary */
	char *url;	   /* or NULL */
	char *packager;	   /* the Packager tag; default: the vendor name */
	/* extra dependencies of every module package, each "NAME [OP VERSION]" */
	struct kp_strv requires, provides, conflicts, obsoletes;
	char *source;	   /* absolute: a directory or a tarball */
	int source_line;   /* line of the source key, 0 when defaulted */
	bool source_is_archive;
	char *subdir;		     /* where the Kbuild Makefile sits inside the source, or "" */
	int subdir_line;	     /* line of the subdir key, 0 when defaulted */
	struct kp_strv modules;	     /* expected module names (no .ko); empty: whatever is built */
	struct kp_strv make_args;    /* extra NAME=VALUE make arguments, {variables} unexpanded
				      * (kbuild/makeargs.h) */
	struct kp_strv kernel_config; /* CONFIG_X (must be y/m), !CONFIG_Y (must not) */
	int kernel_config_line;
	/* kernel_release: a POSIX extended regular expression the flavour's release must
	 * match (DKMS's BUILD_EXCLUSIVE_KERNEL), or NULL; kernel_min, kernel_max: the
	 * releases it may range over, in DKMS's order (kbuild/release.h), or NULL */
	char *kernel_release, *kernel_min, *kernel_max;
	int kernel_release_line, kernel_min_line, kernel_max_line;
	struct kp_strv kernel_arch; /* glob patterns of the architectures served; empty: all */
	int kernel_arch_line;
	char *changelog;	     /* rpm %changelog text, or NULL */
	/* vendor scriptlet files: absolute path and content as read (checked by
	 * spec_escape_script), or NULL */
	char *script_path[SPEC_NSCRIPTS];
	char *script[SPEC_NSCRIPTS];
	bool own_makefile; /* make_entry = makefile: make -C <subdir> runs the driver's Makefile */
	bool initrd; /* initrd = yes: needed at boot, the initrd is regenerated (target's initrd) */
	long long source_date_epoch; /* from source_date_epoch or the changelog; -1 if neither */

	/* [vendor] */
	char *vendor_code;
	char *vendor_name;

	/* [data], raw: resolved by firmware/ */
	struct kp_kv *data;
	size_t ndata;
	int data_line; /* line of the [data] section's first key, 0 if none */

	/* [pack], raw: the supplemental pack's metadata, validated by pack/meta.c */
	struct kp_kv *pack;
	size_t npack;
};

/*
 * Load DIR/kmodpack.ini (or a manifest file path). A DIR without one but
 * with a dkms.conf (or debian/<pkg>.dkms), or the path of such a file,
 * gives the manifest derived from it (docs/from-dkms.md). Returns 0, or
 * -KP_EINPUT after logging every problem found.
 */
int spec_manifest_load(const char *dir_or_file, struct spec_manifest **out);
/*
 * The manifest of the len bytes of a kmodpack.ini at path (which names it
 * in messages and gives the driver dir): spec_manifest_load() reads the
 * file and calls this, and the fuzz harness calls it with its input.
 */
int spec_manifest_parse(const char *path, const void *data, size_t len, struct spec_manifest **out);
/*
 * The manifest of derived INI text (dkms/derive.h), read as a written
 * kmodpack.ini is; messages name it "DIR/kmodpack.ini (derived from
 * dkms.conf)". Logs nothing on success.
 */
struct dk_derived;
int spec_manifest_from_derived(const struct dk_derived *d, struct spec_manifest **out);
void spec_manifest_free(struct spec_manifest *m);
KP_DEFINE_TRIVIAL_CLEANUP_FUNC(struct spec_manifest *, spec_manifest_free);

/* The validators, shared with other modules: true when s is acceptable. */
bool spec_is_package_name(const char *s); /* lowercase letters, digits, '-' '_' */
bool spec_is_rpm_version(const char *s);  /* usable as RPM Version/Release */
/* Parse an rpm changelog heading's date ("* Wed Nov 25 2026 ...") to an epoch. */
long long spec_changelog_epoch(const char *changelog);

#endif
