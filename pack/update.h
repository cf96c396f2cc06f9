/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The XenServer 8 update ISO and the XCP-ng 8.3 driver disk (`kmodpack
 * pack --format=update|driver-disk`): a signed yum repository instead of
 * the 6.x XS-REPOSITORY/XS-PACKAGES pack. What goes on the ISO:
 *
 *   update.xml, update.xml.asc         what xapi and the host installer read
 *   Packages/NAME.rpm                  the payload, and update-<label>, which
 *                                      requires each payload at its
 *                                      version-release and installs update.xml
 *                                      as /var/update/applied/<uuid>
 *   repodata/                          repomd.xml (+ .asc), primary, filelists,
 *                                      other, the groups (update; drivers)
 *   RPM-GPG-KEY-<vendor>, README.txt   the public key and what to do with it
 */
#ifndef PK_UPDATE_H
#define PK_UPDATE_H

#include <stddef.h>

#include "common/util.h"
#include "pack/meta.h"

enum pk_format { PK_FORMAT_LEGACY, PK_FORMAT_UPDATE, PK_FORMAT_DRIVER_DISK };

/* "legacy", "update", "driver-disk"; returns 0 or -KP_EINPUT (logged). */
int pk_format_parse(const char *s, enum pk_format *out);
const char *pk_format_name(enum pk_format f);

struct pk_update_opts {
	enum pk_format format;
	const char *gpg_key;  /* sign with this key (id, fingerprint, user id); NULL: unsigned */
	const char *uuid;     /* NULL: derived from vendor, label, version and build */
	const char *guidance; /* after-apply-guidance, or NULL */
};

struct pk_update_result {
	char *uuid;
	char *update_rpm;	      /* the update-<label> RPM's file name */
	char *key_fpr, *key_uid;      /* the signing key; NULL when unsigned */
	long long key_created;	      /* when its signing subkey was made */
	char *key_file;		      /* its name on the ISO; NULL when unsigned */
	unsigned long long inst_size; /* installation-size */
	struct kp_strv iso_names;     /* every file of the ISO... */
	struct kp_strv iso_paths;     /* ...and where it is read from */
	struct kp_strv warnings;
};
void pk_update_result_release(struct pk_update_result *r);

/*
 * Check the options before anything is written: uuid, guidance, the key
 * (spec_rpm_sign_check). Logged. res is emptied; with --gpg-key it gets the
 * key found (key_fpr, key_uid, key_created), which pk_update_build signs
 * with: the key is looked up once.
 */
int pk_update_check(const struct pk_update_opts *o, struct pk_update_result *res);

/*
 * Write the update's tree into work (an empty dir on the output dir's file
 * system): update.xml, the update RPM (librpm), the repo (createrepo_c),
 * the signatures and key (GPGME), the README, and skipped (the text of
 * SKIPPED-FLAVOURS.txt, or NULL), so res->iso_names lists every file. Returns
 * 0, -KP_EINPUT, -KP_EFAILED, -errno (all logged). res is as pk_update_check
 * left it.
 */
int pk_update_build(const struct pk_update_opts *o, const struct pk_meta *m,
		    const struct pk_entry *e, size_t n, long long epoch, const char *skipped,
		    const char *work, struct pk_update_result *res);

#endif
