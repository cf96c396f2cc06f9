/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dkms.conf read as data, never run. dkms.conf is a bash file that DKMS
 * sources; kmodpack reads the subset real files use: assignments
 * (NAME=value, NAME[3]=value, NAME+=value, NAME=(a b c)) quoted the bash
 * way, comments, backslash-newline continuations, and the expansion of
 * DKMS's documented variables and of variables set earlier in the file.
 * Anything that needs a shell (commands, conditionals, pipes, ';', '&&',
 * functions, command substitutions other than the job-count idiom) is
 * refused with file:line.
 *
 * Values keep DKMS's run-time variables as kmodpack's per-flavour
 * placeholders (the make_args syntax of docs/manifest.md): $kernelver is
 * {release}, $kernel_source_dir is {tree}, $arch is {arch}; a literal '{'
 * is written '{{'. Variables that only name DKMS's own directories stay
 * as {dkms_tree}, {dkms_source_tree}, {install_tree}, and the job count
 * ($(nproc), $parallel_jobs) as {jobs}: the reader of a value (dkms/derive.c)
 * maps or refuses them.
 */
#ifndef DK_CONF_H
#define DK_CONF_H

#include <stddef.h>

#include "common/util.h"

struct dk_var {
	char *name;  /* "MAKE" */
	int index;   /* the [#] of NAME[#]=, -1 for a plain NAME= */
	char *value; /* expanded, see above */
	int line;    /* where the assignment starts */
};

struct dk_conf {
	char *path;
	struct dk_var *v; /* every assignment, in file order */
	size_t n;
	/* "path:line: what kmodpack did instead", for idioms it replaced */
	struct kp_strv notes;
};

/*
 * Read dkms.conf text; path names it in messages. Returns 0, or
 * -KP_EINPUT after logging "path:line: why" for the first construct that
 * needs a shell.
 */
int dk_conf_parse(const char *path, const char *text, size_t len, struct dk_conf **out);
/* Read the file at path (-errno when it cannot be read, logged). */
int dk_conf_load(const char *path, struct dk_conf **out);
void dk_conf_free(struct dk_conf *c);
KP_DEFINE_TRIVIAL_CLEANUP_FUNC(struct dk_conf *, dk_conf_free);

/* The last assignment of NAME[index] (index -1: NAME=; NAME= is also NAME[0]), or NULL. */
const struct dk_var *dk_conf_get(const struct dk_conf *c, const char *name, int index);
/* The highest index given for NAME, -1 if none. */
int dk_conf_max_index(const struct dk_conf *c, const char *name);

/*
 * Split a value into the words a shell would run (MAKE, CLEAN), with the
 * same quoting and expansion rules; line is for messages. Refuses what
 * needs a shell as dk_conf_parse does. Returns 0 or -KP_EINPUT (logged).
 */
int dk_conf_words(const struct dk_conf *c, const char *value, int line, struct kp_strv *words);

#endif
