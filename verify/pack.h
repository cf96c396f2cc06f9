/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kmodpack verify PACK.iso: a finished supplemental pack read back the way
 * the host installer reads it (guide 4.2, 6, 7.7), then installed into a
 * scratch root with its own install.sh and erased again.
 */
#ifndef VF_PACK_H
#define VF_PACK_H

#include <stdbool.h>
#include <stddef.h>

#include "common/util.h"

struct kb_target;

/* VF_PACK_NA: the check does not apply to this kind of ISO; it is not shown. */
enum vf_pack_status { VF_PACK_PASSED, VF_PACK_FAILED, VF_PACK_SKIPPED, VF_PACK_NA };

/* One check of the pack: its verdict and one line per problem (or the skip reason). */
struct vf_pack_check {
	const char *name; /* "metadata", "packages", ... (static) */
	const char *what; /* one line: what the check proves (static) */
	enum vf_pack_status status;
	struct kp_strv lines;
};

enum vf_pack_check_id {
	VF_PACK_METADATA,   /* XS-REPOSITORY/XS-PACKAGES (update.xml, repomd) well-formed, md5s */
	VF_PACK_SIGNATURES, /* update ISO: update.xml.asc and repomd.xml.asc good (GPGME) */
	VF_PACK_PACKAGES,   /* every listed package present, size and md5 (sha256), none unlisted */
	VF_PACK_GROUPS,	    /* update ISO: groups update (and drivers) with packages of the repo */
	VF_PACK_KINDS,	    /* type= and kernel= as the RPM headers say */
	VF_PACK_PLACEMENT,  /* every file where the guide puts it */
	VF_PACK_FLAVOURS,   /* every driver built for every flavour of the target */
	VF_PACK_INSTALL,    /* install.sh into a scratch root; again: already installed; erase */
	VF_PACK_NCHECKS
};

struct vf_pack_result {
	char *label, *originator; /* of a single pack; a combined ISO: its file name, "" */
	const char *format;	  /* "legacy", "update" or "driver-disk" (static) */
	char *uuid, *version;	  /* of an update ISO (update.xml), else NULL */
	struct kp_strv packs;	  /* "originator:name" of each pack, in install order */
	struct kp_strv packages;  /* file names, in XS-PACKAGES order (combined: dir/name) */
	struct vf_pack_check checks[VF_PACK_NCHECKS];
};

struct vf_pack_opts {
	const char *iso;
	const struct kb_target *target; /* flavours and module dir the pack must serve */
	const char *logdir;		/* install.sh and rpm logs go here */
	/*
	 * Update ISOs: check the signatures against the public keys in this
	 * file (armoured or binary), not the key shipped on the ISO. NULL: the
	 * ISO's own key, which proves the files unchanged since signing but
	 * not who signed them.
	 */
	const char *keyring;
	/*
	 * Read and check the ISO only: the install check (its install.sh and
	 * rpm in a scratch root) is skipped. The fuzz harness sets it; a
	 * crafted ISO's install.sh is nothing to run once per input.
	 */
	bool no_install;
};

/*
 * Run every check. Returns 0 when all passed or were skipped, -KP_EFAILED
 * when one failed (res says which and why), -KP_EINPUT when the ISO cannot
 * be read as a pack, -KP_EENV when rpm is missing; messages are logged.
 */
int vf_pack_verify(const struct vf_pack_opts *o, struct vf_pack_result *res);
void vf_pack_result_release(struct vf_pack_result *res);

#endif
