/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The two small XML files of a XenServer 8 update ISO / XCP-ng 8.3 driver
 * disk, written and read back:
 *  - update.xml, what xapi's pool_update reads (and copies to
 *    /var/update/applied/<uuid> once applied) and how the host installer
 *    recognises an update or driver-disk repository:
 *      <update name-label= version= uuid= installation-size=
 *              after-apply-guidance= key= control=>
 *        <name-description>...</name-description>
 *      </update>
 *  - the comps groups file: group "update" (xapi applies it) and, on a
 *    driver disk, group "drivers" (the installer installs @drivers).
 * The readers take untrusted bytes (through common/xml.c) and name the
 * file and line of every problem.
 */
#ifndef PK_UPDATEXML_H
#define PK_UPDATEXML_H

#include <stdbool.h>
#include <stddef.h>

#include "common/util.h"

struct pk_update_info {
	char *name_label, *version, *uuid, *description;
	char *guidance; /* after-apply-guidance, or NULL */
	char *key;	/* the public key's file name, or NULL (unsigned) */
	char *control;	/* the control package, or NULL */
	unsigned long long installation_size;
};
void pk_update_info_release(struct pk_update_info *u);

/* The values after-apply-guidance may take (xapi's update_after_apply_guidance). */
bool pk_guidance_valid(const char *s);
/* 8-4-4-4-12 lowercase hex digits, as build-update and xapi take them. */
bool pk_uuid_valid(const char *s);
/*
 * A name-based UUID (RFC 9562 version 8: the first 128 bits of the sha256
 * of a fixed namespace and name, with the version and variant bits set):
 * the same name always gives the same UUID. out holds 37 bytes.
 */
void pk_uuid_from_name(const char *name, char out[37]);

/* update.xml's bytes, with an XML declaration and a newline at the end. */
char *pk_update_xml(const struct pk_update_info *u);

/*
 * Parse update.xml (name for messages). Returns 0, or -KP_EINPUT after
 * logging each problem as "name:line: ..." (not well-formed, not <update>,
 * a required attribute or <name-description> missing, a bad uuid, size or
 * guidance).
 */
int pk_update_parse(const char *name, const char *buf, size_t n, struct pk_update_info *out);

struct pk_comps_group {
	char *id;
	struct kp_strv packages; /* its <packagereq> names */
};
struct pk_comps {
	struct pk_comps_group *groups;
	size_t n;
};
void pk_comps_release(struct pk_comps *c);
const struct pk_comps_group *pk_comps_group(const struct pk_comps *c, const char *id);

/* The groups file: groups "update" and, with drivers, "drivers", each requiring packages. */
char *pk_comps_xml(const char *name, const char *const *packages, size_t n, bool drivers);
/* Parse a groups file. Returns 0 or -KP_EINPUT (logged as "name:line: ..."). */
int pk_comps_parse(const char *name, const char *buf, size_t n, struct pk_comps *out);

#endif
