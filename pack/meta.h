/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The supplemental pack's metadata (guide 6.1, 7.7.1): the values the DDK's
 * build-supplemental-pack.sh took as options, read from the [pack] and
 * [vendor] sections of kmodpack.ini and from command-line options, each
 * validated with where it came from ("FILE:LINE: key" or "--option"), and
 * written as the XS-REPOSITORY and XS-PACKAGES files the host installer
 * reads, byte for byte as the DDK's builder laid them out.
 */
#ifndef PK_META_H
#define PK_META_H

#include <stdbool.h>
#include <stddef.h>

#include "common/util.h"
#include "pack/order.h"
#include "pack/rpmhdr.h"

/* A pack this one depends on (guide 6.1.3). */
struct pk_requires {
	char *originator, *name, *test, *product, *version;
	char *build; /* or NULL */
};

struct pk_meta {
	char *vendor_code; /* originator= */
	char *vendor_name; /* the ISO's application id */
	char *label;	   /* name=, and the output files' base name */
	char *text;	   /* <description>, and the ISO's volume id */
	char *product;	   /* default "XenServer" */
	char *version;
	char *build;		 /* or NULL */
	long mem;		 /* memory-requirement-mb=, -1 when not given */
	bool homogeneous;	 /* enforce-homogeneity="true" */
	struct pk_requires *req; /* in the order given */
	size_t nreq;

	int errors;		 /* problems logged so far */
	struct kp_strv warnings; /* for the report (also logged) */
};

#define PK_TEXT_MAX    32  /* the ISO volume id (guide 6.1.1) */
#define PK_DOM0_BASE   300 /* MB dom0 uses for itself (guide 6.1.2) */
#define PK_DOM0_CAP_MB 752 /* what dom0 may be given at most */

void pk_meta_init(struct pk_meta *m);
void pk_meta_release(struct pk_meta *m);

/*
 * Set one value. key is the [pack] key or the option's long name without
 * "--" (vendor-code, vendor-name, label, text, product, version, build, mem,
 * homogeneous, requires); where says where it came from, for messages.
 * A later call for the same key wins, except requires, which adds (one per
 * line). A bad value is logged and counted in m->errors.
 */
void pk_meta_set(struct pk_meta *m, const char *key, const char *value, const char *where);
/* Forget the requires set so far: --requires on the command line replaces the manifest's. */
void pk_meta_clear_requires(struct pk_meta *m);

struct spec_manifest;
/* Take [vendor] and [pack] from a driver manifest (kmodpack.ini). */
void pk_meta_from_manifest(struct pk_meta *m, const struct spec_manifest *man);

/* Check that everything required was given; returns 0 or -KP_EINPUT (all logged). */
int pk_meta_finish(struct pk_meta *m);

/* One package of the pack, in install order, as XS-PACKAGES lists it. */
struct pk_entry {
	const struct pk_rpm *rpm;
	struct pk_kind kind;
};

/* The two files' bytes: stable for the same input. Owned by the caller. */
char *pk_xs_repository(const struct pk_meta *m);
char *pk_xs_packages(const struct pk_entry *e, size_t n);

/* <label>.metadata.md5: the md5 of XS-REPOSITORY's bytes then XS-PACKAGES', and a newline. */
char *pk_metadata_md5(const char *xs_repository, const char *xs_packages);

/*
 * A kernel flavour a driver of the pack is not built for: its `kmodpack
 * build` skipped it (the build report's skipped[]), and the pack records it
 * in PK_SKIPPED_FILE on the ISO, so an installer and `kmodpack verify` see
 * it was left out on purpose.
 */
struct pk_skipped {
	char *driver;  /* the build's package name */
	char *modules; /* its module names, sorted, space-separated: what makes the driver */
	char *flavour, *release, *reason;
};

#define PK_SKIPPED_FILE "SKIPPED-FLAVOURS.txt"

void pk_skipped_release(struct pk_skipped *s);
/* The file's text: a comment saying what it is, then one tab-separated line each. Owned. */
char *pk_skipped_text(const struct pk_skipped *s, size_t n);
/*
 * Read the file's text back (comment lines and malformed lines are left
 * out). *out is an array of *n, release each and free it.
 */
void pk_skipped_parse(const char *text, struct pk_skipped **out, size_t *n);

/*
 * The XS-REPOSITORY-LIST of a pack ISO unpacked at isodir (guide 6.6: a
 * combined ISO names its packs' dirs, one a line); iso names the ISO in
 * messages. *dirs gets each line cleaned (kp_path_clean): never empty,
 * never outside the ISO. Returns 0, -ENOENT when there is no list (a
 * single pack), or -KP_EINPUT, logged: a NUL byte, no line at all, or a
 * line that is not a dir of the ISO (with its number). pack combine and
 * verify read the list through this, so they cannot disagree on an ISO.
 */
int pk_repository_list_read(const char *iso, const char *isodir, struct kp_strv *dirs);

/* XML-escape s for an attribute value (quot) or element text, appended to b. */
void pk_xml_escape(struct kp_buf *b, const char *s, bool attribute);

#endif
