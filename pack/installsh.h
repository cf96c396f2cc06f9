/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pack's install.sh (guide 4.2, 6.8, 7.2-7.4): templates/install.sh.in
 * with the pack's values. Every value reaches the script through
 * pk_sh_quote() as one single-quoted shell word, so nothing a vendor or an
 * RPM header says is ever read by the shell as code.
 */
#ifndef PK_INSTALLSH_H
#define PK_INSTALLSH_H

#include <stdbool.h>
#include <stddef.h>

#include "pack/meta.h"
#include "pack/rpmhdr.h"

/* s as one single-quoted POSIX shell word. Owned by the caller. */
char *pk_sh_quote(const char *s);

/* A path as a cpio pattern that matches only itself (rpm payloads name files "./path"). */
char *pk_cpio_pattern(const char *path);

/* True for a file the installer shows as a EULA: a regular file whose name ends in "EULA". */
bool pk_is_eula(const struct pk_file *f);

/* Render install.sh for the pack. Returns 0, or -KP_EENV/-KP_EINPUT (logged). */
int pk_install_sh(const struct pk_meta *m, const struct pk_entry *e, size_t n, char **out);

#endif
