/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A deliberately small template language for spec files (templates/NAME.spec.in):
 *
 *   @NAME@                 the value of NAME (inserted as is: the caller
 *                          escapes user text before it becomes a value)
 *   @for LIST@ ... @end@   the block once per item of LIST; inside, names
 *                          are looked up in the item first, then outside
 *   @if NAME@ ... @end@    the block when NAME is a non-empty value or list
 *   @@                     a literal @
 *
 * Unknown names are errors, so a typo in a template cannot silently render
 * an empty Version: tag. Blocks nest at most 64 deep; a rendering
 * takes at most 16 steps (a directive and the text before it, each time a
 * block repeats it) per directive and item of the model, or 100,000 if that
 * is more, and writes at most 256 MiB: beyond that it is an error.
 */
#ifndef SPEC_RENDER_H
#define SPEC_RENDER_H

#include <stddef.h>

#include "common/util.h"

struct spec_vars;

struct spec_vars *spec_vars_new(void);
void spec_vars_free(struct spec_vars *v);
KP_DEFINE_TRIVIAL_CLEANUP_FUNC(struct spec_vars *, spec_vars_free);
/* Set NAME to a copy of value. */
void spec_vars_set(struct spec_vars *v, const char *name, const char *value);
void spec_vars_setf(struct spec_vars *v, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Make NAME an empty list if it is not a list yet (a @for@ over nothing). */
void spec_vars_list(struct spec_vars *v, const char *list);
/* Append a new item to list NAME and return it (owned by v). */
struct spec_vars *spec_vars_add(struct spec_vars *v, const char *list);

/*
 * Render tmpl (its name, for messages) with v. Returns 0 and an owned
 * string, or -KP_EINPUT after logging "name:line: what is wrong".
 */
int spec_render(const char *name, const char *tmpl, const struct spec_vars *v, char **out);

#endif
