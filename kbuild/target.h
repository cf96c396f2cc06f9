/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Targets and flavours: which kernel trees a driver is built against.
 *
 * A target comes from an INI file (-t FILE) or, without one, from the kernel
 * trees installed on this machine (the built-in "host" target). Each
 * flavour's release is read from its tree; kver and flavour names come from
 * splitting the releases (kb_split_releases) unless the file states them.
 */
#ifndef KB_TARGET_H
#define KB_TARGET_H

#include <stdbool.h>
#include <stddef.h>

#include "common/util.h"

struct kb_flavour {
	char *name;	   /* "xen", "amd64", "cloud-amd64"; unique in its target */
	char *pkg_flavour; /* the flavour in package names when it is not name: a host
			    * target of several kernel versions names its flavours by
			    * release ("6.1.0-56-amd64") and packages them as "amd64" */
	char *tree;	   /* Kbuild tree (absolute, symlinks resolved) */
	char *source_tree; /* the kernel's source tree: the tree's own source (Debian's
			    * -common dir, a 'source' link), else the tree itself */
	char *release;	   /* uname -r of that kernel */
	char *kver;	   /* release without the flavour suffix, for RPM names */
	char *arch;	   /* RPM arch of the tree's .config, or NULL if unknown */
	char *modules_dir; /* the kernel's own /lib/modules/<release>, or NULL */
	char *image;	   /* bootable kernel image, or NULL */
	/* What the SRPM needs to rebuild in the product's build system (target keys
	 * devel_package, devel_version, devel_tree): BuildRequires
	 * "<devel_package> = <devel_version>", and the path the package installs the
	 * tree at, written into the spec instead of tree. NULL: not given. */
	char *devel_package, *devel_version, *devel_tree;
	int line; /* line of its section in the target file, 0 for host */
};

/* How module packages are named (target key `naming`, docs/targets.md). */
enum kb_naming {
	KB_NAMING_GUIDE,      /* <name>-modules-<flavour>-<kver> (guide 7.7.2) */
	KB_NAMING_MODULE,     /* <name>-module (XCP-ng) */
	KB_NAMING_MODULE_ALT, /* <name>-module-alt */
	KB_NAMING_VENDOR,     /* <vendor>-<name> (XenServer 8, XCP-ng) */
	KB_NAMING_VENDOR_ALT, /* <vendor>-<name>-alt */
};

/* How the initrd is regenerated in %post/%postun (target key `initrd`). */
enum kb_initrd {
	KB_INITRD_NONE,
	KB_INITRD_DRACUT, /* dracut -f /boot/initrd-<release>.img <release>, when that exists */
};

struct kb_target {
	char *name;	  /* "xenserver-6.5.0", or "host" */
	char *file;	  /* target file, NULL for host */
	char *arch;	  /* RPM arch */
	char *module_dir; /* below /lib/modules/<release>/, default "extra" */
	enum kb_naming naming;
	char *kernel_requires; /* "kernel-uname-r": Requires: <it> = <release>; NULL: none */
	enum kb_initrd initrd;
	struct kb_flavour *flavours;
	size_t nflavours;
	char **skipped; /* host target: trees left out, with why */
	size_t nskipped;
	char *sign_key;	  /* module signing key file (absolute or relative to the cwd), or NULL */
	char *sign_cert;  /* its X.509 certificate file, or NULL */
	struct kp_strv select; /* a target file's `flavours`: those to build; empty: all */
	int select_line;
};

struct kb_load_opts {
	/* The host target: every installed kernel version, not only the running or
	 * newest one (several versions: each flavour is named by its release). */
	bool all_kernels;
};

/* Load a target file, or the host target when path is NULL. */
int kb_target_load(const char *path, struct kb_target **out);
int kb_target_load_opts(const char *path, const struct kb_load_opts *o, struct kb_target **out);
/* The target file path given as its len bytes: kb_target_load() reads the
 * file and calls this (so does the fuzz harness, with its input). */
int kb_target_parse(const char *path, const void *data, size_t len, struct kb_target **out);
/* True when the module dir is "override": a depmod.d file gives its modules priority. */
bool kb_target_depmod_override(const struct kb_target *t);
/* The naming scheme's name ("guide", "module", ...) and back; -1 when unknown. */
const char *kb_naming_name(enum kb_naming n);
/* The initrd setting's name ("none", "dracut"). */
const char *kb_initrd_name(enum kb_initrd i);
/* The flavour part of f's package names (pkg_flavour, else name). */
const char *kb_flavour_pkg(const struct kb_flavour *f);
void kb_target_free(struct kb_target *t);
KP_DEFINE_TRIVIAL_CLEANUP_FUNC(struct kb_target *, kb_target_free);
const struct kb_flavour *kb_target_find(const struct kb_target *t, const char *flavour);
/* Remove (and free) flavour i; the later ones move up. */
void kb_target_remove(struct kb_target *t, size_t i);

/*
 * Read a tree's release: include/generated/utsrelease.h, then
 * include/config/kernel.release. -KP_EENV (logged) when the tree is not a
 * prepared Kbuild tree.
 */
int kb_tree_read_release(const char *tree, char **release);
/* RPM arch from the tree's .config, or NULL. */
char *kb_tree_read_arch(const char *tree);

/*
 * Check the flavour's kernel configuration (the tree's .config, else
 * include/config/auto.conf) against options as the manifest's
 * kernel_config gives them: CONFIG_X must be y or m, !CONFIG_Y must not.
 * Each option not satisfied is appended to *unmet as a phrase for a
 * message ("CONFIG_USB is not set", "CONFIG_FOO=y is set"). -KP_EENV
 * (logged) when the tree has no configuration to read.
 */
int kb_flavour_check_config(const struct kb_flavour *f, const struct kp_strv *want,
			    struct kp_strv *unmet);

/*
 * The value of opt ("CONFIG_MODULE_SIG_HASH") in the flavour's kernel
 * configuration (.config, else include/config/auto.conf), quotes removed;
 * *value NULL when the option is not set. -ENOENT when the tree has no
 * configuration to read (not logged).
 */
int kb_flavour_config_value(const struct kb_flavour *f, const char *opt, char **value);

/*
 * Split n releases into kver and flavour name. Releases of one product
 * share a kver and differ by a suffix that starts with a letter
 * ("...1014xen"/"...1014kdump", "6.1.0-56-amd64"/"6.1.0-56-cloud-amd64");
 * a lone release splits at its first dash-separated part that starts with a
 * letter, or before its trailing letters. Returns 0, or -EINVAL when a
 * release has no recognisable flavour suffix (outputs then hold the best
 * guess: the whole release as kver and "default" as flavour).
 */
int kb_split_releases(const char *const *releases, size_t n, char **kvers, char **flavours);

#endif
