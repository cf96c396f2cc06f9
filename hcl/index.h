/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel's own PCI and USB claims: every "pci:" and "usb:" alias of its modules (from
 * modules.alias, modules.builtin.modinfo or a legacy modules.pcimap), indexed
 * so that one query costs a binary search plus the few claims that leave the
 * device open.
 */
#ifndef HCL_INDEX_H
#define HCL_INDEX_H

#include <stdbool.h>
#include <stddef.h>

#include "common/util.h"
#include "hcl/pci.h"

struct hcl_claim {
	struct hcl_match match;
	const char *module; /* borrowed from the index */
	bool builtin;
};

struct hcl_hit {
	const struct hcl_claim *claim;
	enum hcl_rel rel; /* relation of the queried match to the claim */
};

struct hcl_index;

struct hcl_index *hcl_index_new(void);
void hcl_index_free(struct hcl_index *idx);
KP_DEFINE_TRIVIAL_CLEANUP_FUNC(struct hcl_index *, hcl_index_free);

/*
 * Readers; each returns 0, or -KP_EENV for a missing file / -KP_EINPUT for
 * an unreadable one, after logging. Malformed lines are skipped with one
 * warning per file that counts them.
 */
int hcl_index_add_modules_alias(struct hcl_index *idx, const char *path);
int hcl_index_add_builtin_modinfo(struct hcl_index *idx, const char *path);
int hcl_index_add_pcimap(struct hcl_index *idx, const char *path);
/* The same for the len bytes of the file path, already in memory (copied): the
 * readers above read the file and parse it as these do. Return 0. */
int hcl_index_add_modules_alias_mem(struct hcl_index *idx, const char *path, const void *data,
				    size_t len);
int hcl_index_add_builtin_modinfo_mem(struct hcl_index *idx, const char *path, const void *data,
				      size_t len);
int hcl_index_add_pcimap_mem(struct hcl_index *idx, const char *path, const void *data, size_t len);
/*
 * A /lib/modules/<release> dir: modules.alias (or, for kernels that predate
 * it, modules.pcimap) plus modules.builtin.modinfo when present.
 */
int hcl_index_add_kernel(struct hcl_index *idx, const char *moddir);

void hcl_index_add(struct hcl_index *idx, const struct hcl_match *m, const char *module,
		   bool builtin);
size_t hcl_index_count(const struct hcl_index *idx);

/*
 * Every claim that shares a device with m, in load order. *hits is
 * replaced by a new array the caller frees.
 */
size_t hcl_index_query(struct hcl_index *idx, const struct hcl_match *m, struct hcl_hit **hits);

#endif
