/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The .ko reader: the .modinfo key=value strings of a kernel module, read
 * with libelf (the only file that includes <libelf.h>). Used by build, hcl
 * and verify alike. Input is treated as hostile.
 */
#ifndef MI_KO_H
#define MI_KO_H

#include <stddef.h>

#include "common/util.h"

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

/* Module name: "name" field if present, else the file name without .ko*, '-' -> '_'. */
const char *mi_ko_name(const struct mi_ko *ko);
const char *mi_ko_path(const struct mi_ko *ko);
/* Fields in file order. */
size_t mi_ko_nfields(const struct mi_ko *ko);
const struct mi_field *mi_ko_field(const struct mi_ko *ko, size_t i);
/* First value of key, or NULL. */
const char *mi_ko_get(const struct mi_ko *ko, const char *key);
/* Every value of key, appended in file order (alias, firmware, ...). */
void mi_ko_get_all(const struct mi_ko *ko, const char *key, struct kp_strv *out);

#endif
