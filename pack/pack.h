/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `kmodpack pack`: RPMs in, a supplemental pack out (guide 3, 6):
 *
 *   1. the inputs: build output dirs (their reports' RPMs) and RPM files;
 *      the metadata: [vendor] and [pack] of kmodpack.ini, then options
 *   2. every RPM's header (rpmhdr.c), what each is to the installer (order.c)
 *   3. the install order (order.c)
 *   4. XS-REPOSITORY, XS-PACKAGES (meta.c) and install.sh (installsh.c)
 *   5. the ISO (iso.c) and the two md5 files, staged in the output dir
 *   6. published all together, or the output dir is left as it was
 */
#ifndef PK_PACK_H
#define PK_PACK_H

#include <stdbool.h>
#include <stddef.h>

#include "common/kv.h"
#include "common/util.h"
#include "pack/meta.h"
#include "pack/update.h"

struct pk_pack_opts {
	const char *outdir;	   /* default "out" */
	const char *const *inputs; /* RPM files (build output dirs: not yet) */
	size_t ninputs;
	const char *manifest;	     /* kmodpack.ini or its driver dir, or NULL */
	const struct kp_kv *options; /* metadata from the command line: key = option name */
	size_t noptions;
	bool no_reorder;
	/*
	 * Also write <label>.zip (guide 5.6): the ISO, both md5 files and the
	 * SRPMs of the builds given (the GPL sources), under sources/.
	 */
	bool bundle;
	/*
	 * legacy (the default): XS-REPOSITORY, XS-PACKAGES and install.sh, as
	 * the guide's 6.x hosts install; update / driver-disk: update.xml and a
	 * yum repository (update.h), with the options given there.
	 */
	struct pk_update_opts update;
};

struct pk_eula {
	const char *rpm; /* the package's file name (borrowed from its entry) */
	char *path;	 /* as installed */
};

struct pk_pack_result {
	struct pk_meta meta;
	struct pk_entry *entries; /* in install order; each owns its rpm */
	size_t nentries;
	struct pk_eula *eulas;
	size_t neulas;
	struct kp_strv warnings;
	char *outdir;			    /* absolute */
	char *iso, *metadata_md5, *iso_md5; /* the published files' names in outdir;
					       metadata_md5: NULL for update formats */
	enum pk_format format;
	struct pk_update_result update; /* update / driver-disk: what went on the ISO */
	char *bundle;			/* <label>.zip with --bundle, else NULL */
	struct kp_strv sources;		/* the SRPMs in the bundle (paths as read) */
	/* Flavours the builds given skipped (their reports' skipped[]), in the order
	 * given; on the ISO as PK_SKIPPED_FILE when there are any. */
	struct pk_skipped *skipped;
	size_t nskipped;
	char iso_md5_hex[33], iso_sha256[65], metadata_md5_hex[33];
	unsigned long long iso_size;
	long long epoch; /* the ISO's timestamps */
};

/*
 * Make the pack. Returns 0, -KP_EINPUT (bad metadata or RPMs, all logged),
 * -KP_EFAILED, -errno, or the interrupt code; on failure the output dir is
 * as it was. The result is filled on success; release it in any case.
 */
int pk_pack(const struct pk_pack_opts *o, struct pk_pack_result *res);
void pk_pack_result_release(struct pk_pack_result *res);

#endif
