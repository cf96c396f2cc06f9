/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * make_args: extra make arguments with per-flavour variables, as the
 * manifest's [driver] make_args (and dkms.conf's MAKE) give them:
 *
 *   make_args = KSRC={tree} BUILD_KERNEL={release} CONFIG_FOO=m CC="distcc gcc-12"
 *
 * Words are separated by white space; "..." keeps spaces inside one word
 * (the quotes are dropped). Each word is one argv entry of make, never
 * seen by a shell. Variables: {tree} (what make -C gets), {source_tree},
 * {release} (uname -r), {kver}, {arch}, {flavour}; '{{' is a literal '{'.
 */
#ifndef KB_MAKEARGS_H
#define KB_MAKEARGS_H

#include "common/util.h"

struct kb_target;
struct kb_flavour;

/* The values of the variables for one flavour; borrowed strings. */
struct kb_make_vars {
	const char *tree, *source_tree, *release, *kver, *arch, *flavour;
};
void kb_make_vars_of(const struct kb_target *t, const struct kb_flavour *f, struct kb_make_vars *v);

/*
 * Split make_args text into words (appended to *words). -EINVAL with *why
 * (allocated, the caller frees) for an unclosed quote or a quote over
 * several lines.
 */
int kb_make_args_split(const char *text, struct kp_strv *words, char **why);
/*
 * Check one word: NAME=VALUE, the value of letters, digits, ._,/:+=- ,
 * spaces and known {variables}. 0, or -EINVAL with *why (allocated).
 */
int kb_make_arg_check(const char *arg, char **why);
/* A checked word with the variables replaced by v's values (allocated). */
char *kb_make_arg_expand(const char *arg, const struct kb_make_vars *v);

#endif
