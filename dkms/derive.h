/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A kmodpack.ini derived from what a DKMS driver ships: its dkms.conf (or
 * debian/<pkg>.dkms), debian/changelog, debian/control, debian/copyright,
 * and the sources (MODULE_LICENSE, MODULE_DESCRIPTION, the Makefile that
 * declares obj-m). The result is INI text with a comment above every value
 * saying where it came from; `kmodpack init` writes it, and `kmodpack
 * build/spec` read it through the same manifest reader as a written one
 * (spec_manifest_load), so the two cannot differ.
 */
#ifndef DK_DERIVE_H
#define DK_DERIVE_H

#include "common/util.h"

struct dk_derived {
	char *conf; /* the dkms.conf (or debian/<pkg>.dkms) it came from, absolute */
	char *ini;  /* the kmodpack.ini text */
	/* What a reader of one line should know: "version '2.10.1-pre' as '2.10.1~pre'", or "" */
	char *mapped;
	/* conf's lines of BUILD_EXCLUSIVE_CONFIG and _ARCH, 0 if none: messages about the
	 * kernel_config and kernel_arch they became name the line the user wrote; */
	int exclusive_config_line, exclusive_arch_line;
	/* and of BUILD_EXCLUSIVE_KERNEL, _MIN and _MAX (kernel_release, kernel_min, kernel_max) */
	int exclusive_kernel_line, exclusive_min_line, exclusive_max_line;
};

/*
 * The dkms.conf of driver dir DIR: DIR/dkms.conf, else the one
 * DIR/debian/ *.dkms (the first by name when there are several). NULL
 * when there is none. Caller frees.
 */
char *dk_find_conf(const char *dir);

/*
 * Derive the manifest of the driver in dir (the directory holding
 * dkms.conf, or the parent of debian/ for a debian/<pkg>.dkms). Returns 0,
 * or -KP_EINPUT after logging every problem as file:line.
 */
int dk_derive(const char *conf, unsigned flags, struct dk_derived **out);
/*
 * For `kmodpack init`: a MAKE that runs another program (a script such as
 * ./dkms-make.sh) is left to the reviewer with a "; REVIEW:" comment
 * instead of refused; build and spec, which would build without review,
 * refuse it.
 */
#define DK_DERIVE_FOR_REVIEW 1u
void dk_derived_free(struct dk_derived *d);
KP_DEFINE_TRIVIAL_CLEANUP_FUNC(struct dk_derived *, dk_derived_free);

/*
 * A version as rpm takes it: '-' before a pre-release word (pre, rc,
 * alpha, beta, dev...) becomes '~' so it sorts first, any other '-' '_'.
 * Returns the new string, or NULL when a byte cannot be mapped (*bad set
 * to it). Caller frees.
 */
char *dk_rpm_version(const char *v, char *bad);

#endif
