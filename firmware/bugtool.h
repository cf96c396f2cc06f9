/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Server Status Report (xen-bugtool) files, guide 6.5: a new category is
 * /etc/xensource/bugtool/<category>.xml holding one <capability>; what a
 * category collects is in /etc/xensource/bugtool/<category>/<any>.xml,
 * each holding one <collect>. This is the only place libxml2 is used for
 * them.
 */
#ifndef FW_BUGTOOL_H
#define FW_BUGTOOL_H

#include <stdbool.h>
#include <stddef.h>

enum fw_bugtool_role {
	FW_BUGTOOL_CATEGORY, /* <capability> */
	FW_BUGTOOL_COLLECT,  /* <collect> */
};

/*
 * Read the root element to tell a category file from a collect file.
 * Malformed XML is logged as `file:line: ...` and gives -KP_EINPUT.
 */
int fw_bugtool_role(const char *path, enum fw_bugtool_role *role);
/* The same for the len bytes of the file path, already in memory. */
int fw_bugtool_role_mem(const char *path, const char *data, size_t len, enum fw_bugtool_role *role);

/*
 * Check a file against the rules for its role, logging every violation as
 * `file:line: what is wrong` before returning -KP_EINPUT.
 */
int fw_bugtool_check(const char *path, enum fw_bugtool_role role);
/* The same for the len bytes of the file path, already in memory. */
int fw_bugtool_check_mem(const char *path, const char *data, size_t len, enum fw_bugtool_role role);

/* One of the existing categories the guide lets packs extend (6.5.1). */
bool fw_bugtool_is_existing_category(const char *name);

#endif
