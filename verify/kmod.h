/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The installed module indexes as modprobe reads them: libkmod over the
 * binary indexes depmod wrote into the scratch root (the only file that
 * includes <libkmod.h>). Reading them this way checks what a host would
 * actually resolve, not just that a text line exists.
 */
#ifndef VF_KMOD_H
#define VF_KMOD_H

#include "common/util.h"

struct vf_kmod;

/* Open the indexes of moddir (ROOT/lib/modules/RELEASE), ignoring the host's modprobe.d. */
int vf_kmod_open(const char *moddir, struct vf_kmod **out);
void vf_kmod_free(struct vf_kmod *k);
KP_DEFINE_TRIVIAL_CLEANUP_FUNC(struct vf_kmod *, vf_kmod_free);
/* Module names a modalias resolves to, as modprobe would (appended to out). */
int vf_kmod_lookup(struct vf_kmod *k, const char *modalias, struct kp_strv *out);
/*
 * A module's dependencies as modules.dep records them (names appended to
 * out). -ENOENT when the index does not know the module.
 */
int vf_kmod_deps(struct vf_kmod *k, const char *name, struct kp_strv *out);
/*
 * The modules a module's "pre:" soft dependencies resolve to (modules.softdep,
 * aliases looked up as modprobe does; names appended to out). -ENOENT when the
 * index does not know the module.
 */
int vf_kmod_softdeps(struct vf_kmod *k, const char *name, struct kp_strv *out);
/* The module's file as the index names it (new string), or -ENOENT. */
int vf_kmod_path(struct vf_kmod *k, const char *name, char **out);

#endif
