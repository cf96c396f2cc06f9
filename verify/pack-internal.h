/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared by verify/pack.c (legacy and combined packs) and
 * verify/pack-update.c (update ISOs and driver disks); not for other modules.
 */
#ifndef VF_PACK_INTERNAL_H
#define VF_PACK_INTERNAL_H

#include "common/xml.h"
#include "pack/order.h"
#include "pack/rpmhdr.h"
#include "verify/pack.h"

/* One pack on the ISO: the ISO's top, or packages.<name>/ of a combined ISO. */
struct subpack {
	char *dir;    /* where it is unpacked */
	char *prefix; /* "" or "packages.<name>/": how its files are named in messages */
	struct kp_xml_node *repo, *pkgs;
	const char *originator, *label; /* borrowed from repo */
	struct kp_strv listed;		/* the file names its XS-PACKAGES lists */
};

/* One package as XS-PACKAGES lists it, and its RPM read from the ISO. */
struct listed {
	const struct kp_xml_node *el;
	char *file; /* prefix + the element's text, trimmed: for messages */
	char *path; /* where it is unpacked */
	const char *label, *type, *kernel, *md5, *size;
	struct pk_rpm *rpm; /* NULL when missing or unreadable */
	struct pk_kind kind;
};

struct pv {
	const struct vf_pack_opts *o;
	struct vf_pack_result *res;
	char *work; /* temp dir: iso/ (the unpacked pack) and root/ (the scratch root) */
	char *isodir;
	struct subpack *sp; /* one, or one per line of XS-REPOSITORY-LIST */
	size_t nsp;
	struct subpack *cur; /* the one being read */
	struct listed *l;
	size_t n;
};

/* A failed check with one line saying why; a skipped one (unless it failed already). */
void vf_pack_fail(struct pv *p, enum vf_pack_check_id id, const char *fmt, ...) KP_PRINTF(3, 4);
void vf_pack_skip(struct pv *p, enum vf_pack_check_id id, const char *why);

/* Checks on p->l[] whatever the format: guide 7.2 placement, every flavour of the target. */
void vf_pack_check_placement(struct pv *p);
void vf_pack_check_flavours(struct pv *p);

/*
 * An update ISO or driver disk unpacked at p->isodir: metadata (update.xml,
 * repomd, iso.md5), signatures, packages (sha256 and size from primary),
 * groups and kinds; fills p->l[]. Returns 0 (verdicts in p->res) or
 * -KP_EINPUT when it cannot be read as one (logged).
 */
int vf_pack_update_read(struct pv *p);

#endif
