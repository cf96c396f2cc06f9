// SPDX-License-Identifier: GPL-2.0-or-later
#include "verify/kmod.h"

#include <errno.h>
#include <libkmod.h>

struct vf_kmod {
	struct kmod_ctx *ctx;
};

int vf_kmod_open(const char *moddir, struct vf_kmod **out)
{
	/* No config paths: the host's modprobe.d must not change the answer. */
	static const char *const no_config[] = {NULL};
	struct kmod_ctx *ctx = kmod_new(moddir, no_config);
	if (!ctx)
		return -ENOMEM;
	kmod_set_log_priority(ctx, 0);
	/*
	 * No kmod_load_resources(): it fails when any index is absent (a
	 * scratch root has no modules.builtin.bin); lookups open what exists.
	 */
	struct vf_kmod *k = kp_calloc(1, sizeof(*k));
	k->ctx = ctx;
	*out = k;
	return 0;
}

void vf_kmod_free(struct vf_kmod *k)
{
	if (!k)
		return;
	kmod_unref(k->ctx);
	free(k);
}

static void names(struct kmod_list *list, struct kp_strv *out)
{
	struct kmod_list *l;
	kmod_list_foreach(l, list)
	{
		struct kmod_module *mod = kmod_module_get_module(l);
		kp_strv_push(out, kmod_module_get_name(mod));
		kmod_module_unref(mod);
	}
}

int vf_kmod_lookup(struct vf_kmod *k, const char *modalias, struct kp_strv *out)
{
	struct kmod_list *list = NULL;
	int r = kmod_module_new_from_lookup(k->ctx, modalias, &list);
	if (r < 0)
		return r;
	names(list, out);
	kmod_module_unref_list(list);
	return 0;
}

int vf_kmod_deps(struct vf_kmod *k, const char *name, struct kp_strv *out)
{
	struct kmod_module *mod = NULL;
	int r = kmod_module_new_from_name(k->ctx, name, &mod);
	if (r < 0)
		return r;
	/* A name the index does not know has no path. */
	if (!kmod_module_get_path(mod)) {
		kmod_module_unref(mod);
		return -ENOENT;
	}
	struct kmod_list *deps = kmod_module_get_dependencies(mod);
	names(deps, out);
	kmod_module_unref_list(deps);
	kmod_module_unref(mod);
	return 0;
}

int vf_kmod_softdeps(struct vf_kmod *k, const char *name, struct kp_strv *out)
{
	struct kmod_module *mod = NULL;
	int r = kmod_module_new_from_name(k->ctx, name, &mod);
	if (r < 0)
		return r;
	struct kmod_list *pre = NULL, *post = NULL;
	r = kmod_module_get_path(mod) ? kmod_module_get_softdeps(mod, &pre, &post) : -ENOENT;
	names(pre, out);
	kmod_module_unref_list(pre);
	kmod_module_unref_list(post);
	kmod_module_unref(mod);
	return r;
}

int vf_kmod_path(struct vf_kmod *k, const char *name, char **out)
{
	struct kmod_module *mod = NULL;
	int r = kmod_module_new_from_name(k->ctx, name, &mod);
	if (r < 0)
		return r;
	const char *path = kmod_module_get_path(mod);
	*out = path ? kp_strdup(path) : NULL;
	kmod_module_unref(mod);
	return path ? 0 : -ENOENT;
}
