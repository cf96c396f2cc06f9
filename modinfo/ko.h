/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The .ko reader: the .modinfo key=value strings of a kernel module, read
 * with libelf (the only file that includes <libelf.h>). Used by build, hcl
 * and verify alike. Input is treated as hostile.
 */
#ifndef MI_KO_H
#define MI_KO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/util.h"
#include "modinfo/sig.h"

struct mi_ko;

struct mi_field {
	const char *key;   /* borrowed, valid until mi_ko_free() */
	const char *value; /* borrowed */
};

/*
 * Open and parse path (.ko, or compressed .ko.xz / .ko.gz / .ko.zst).
 * Returns 0, or -KP_EINPUT after logging "'path': what is wrong", or -errno.
 */
int mi_ko_open(const char *path, struct mi_ko **out);
/*
 * The same from bytes already in memory (a build that just read the file).
 * path names the module in messages and in mi_ko_path(); data must stay
 * writable for the call only (libelf's elf_memory wants a char *).
 */
int mi_ko_open_mem(const char *path, void *data, size_t len, struct mi_ko **out);
void mi_ko_free(struct mi_ko *ko);
KP_DEFINE_TRIVIAL_CLEANUP_FUNC(struct mi_ko *, mi_ko_free);

/* Module name: "name" field if present, else the file name without .ko*, '-' -> '_'. */
const char *mi_ko_name(const struct mi_ko *ko);
const char *mi_ko_path(const struct mi_ko *ko);
/* The appended signature (modinfo/sig.h), or NULL when the module has none readable. */
const struct mi_sig *mi_ko_sig(const struct mi_ko *ko);
/* Fields in file order. */
size_t mi_ko_nfields(const struct mi_ko *ko);
const struct mi_field *mi_ko_field(const struct mi_ko *ko, size_t i);
/* First value of key, or NULL. */
const char *mi_ko_get(const struct mi_ko *ko, const char *key);
/* Every value of key, appended in file order (alias, firmware, ...). */
void mi_ko_get_all(const struct mi_ko *ko, const char *key, struct kp_strv *out);

/*
 * A module's symbol linkage, for checking it against a kernel offline:
 * what it needs (undefined symbols), the CRCs it was built against
 * (__versions, present with CONFIG_MODVERSIONS), and what it exports with
 * their CRCs (for modules of one driver that depend on each other).
 */
struct mi_symver {
	char *name;
	uint32_t crc;
	bool has_crc; /* exports: false when the kernel has no modversions */
};

struct mi_ko_syms {
	struct kp_strv needs; /* undefined symbols, each once, in symbol-table order */
	struct mi_symver *versions;
	size_t nversions;
	struct mi_symver *exports;
	size_t nexports;
};

/* Read path's symbols. Returns 0, or -KP_EINPUT after logging what is wrong. */
int mi_ko_read_syms(const char *path, struct mi_ko_syms *out);
/* The same from bytes already in memory, as mi_ko_open_mem() takes them. */
int mi_ko_read_syms_mem(const char *path, void *data, size_t len, struct mi_ko_syms *out);
void mi_ko_syms_release(struct mi_ko_syms *s);

#endif
