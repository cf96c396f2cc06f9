/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by the verify/ files; not for other modules. */
#ifndef VF_INTERNAL_H
#define VF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "common/runner.h"
#include "common/util.h"
#include "report/report.h"

struct vf_module {
	char *name;    /* kernel module name ('-' as '_') */
	char *path;    /* install path, /lib/modules/<release>/<dir>/<name>.ko */
	char *relpath; /* the same below /lib/modules/<release>/, as modules.dep names it */
	struct kp_strv aliases, firmware, depends, import_ns;
	struct kp_strv softdep_pre; /* its softdep= "pre:" names (modules or aliases) */
	char *license;
	struct rp_check install, symbols, load;
	struct kp_strv kernel; /* dmesg lines while it loaded */
	char *load_error;      /* insmod's message */
	char *load_errno;      /* "ENODEV", from that message */
	const char *sig_key;   /* borrowed from the report: the key it is signed with, or NULL */
	char *sig_verdict;     /* with sig_enforce: the kernel's verdict (sigenforce.c) */
};

/* An in-kernel module the driver's modules need, loaded before them. */
struct vf_kernel_module {
	char *name;
	char *src;   /* its file in the kernel's modules dir (may be compressed) */
	char *dest;  /* lib/modules/<release>/... in the initramfs, uncompressed */
	bool soft;   /* only a "pre:" soft dependency: loaded if it can be, as modprobe does */
	bool loaded; /* the VM's insmod of it succeeded */
};

struct vf_flavour {
	const char *name, *release, *tree; /* borrowed from the build report */
	const char *image;		   /* borrowed from the target, or NULL */
	char *rpm, *data_rpm;		   /* absolute paths; data_rpm may be NULL */
	struct vf_module *mods;
	size_t nmods;
	size_t *order; /* load order: indexes into mods, dependencies first */
	char *kmoddir; /* the kernel's own /lib/modules/<release> (modules.dep), or NULL */
	struct vf_kernel_module *kmods; /* dependency closure from kmoddir, load order */
	size_t nkmods;
	char *root;    /* scratch root */
	char *initrd;
	char *console; /* VM console log */
	struct rp_check install, symbols, load;
	const char *load_skipped; /* why the load check did not run */
	const char *accel;
	bool booted; /* the VM's init ran */
	double install_seconds, load_seconds;
};

struct vf_run {
	const char *dir;
	char *logdir;
	char *work; /* temp dir for roots and initramfs images */
	double timeout;
	int jobs;
	struct vf_flavour *fl;
	size_t n;
	struct kp_strv fw_external; /* firmware another package ships */
	bool scripts;		    /* rpm scriptlets run (needs root for rpm's chroot) */
	char *busybox;		    /* static busybox, when some flavour boots */
	struct kp_strv applets;	    /* busybox --list */
	char *rpm_bin, *depmod_bin, *qemu_bin;
	bool sig_enforce; /* the VMs boot with module.sig_enforce=1 */
};

/*
 * install.c: a scratch root's skeleton (bin, dev/null, etc/passwd, the rpm
 * database dir) with busybox and its applets in /bin when busybox is given,
 * so scriptlets find a shell and nothing runs on the host's own files.
 */
int vf_root_populate(const char *root, const char *busybox, const struct kp_strv *applets);
/* verify.c: the applets a busybox has ('busybox --list', output to logpath). */
int vf_busybox_applets(const char *busybox, const char *logpath, struct kp_strv *out);
/* install.c: the scratch-root install, depmod, index checks and erase. */
int vf_install_check(struct vf_run *v, struct vf_flavour *f);
/* symbols.c: every needed symbol exported with the same CRC. */
int vf_symbol_check(struct vf_run *v, struct vf_flavour *f);
/* vm.c: build the initramfs from the installed root (before the erase). */
int vf_make_initramfs(struct vf_run *v, struct vf_flavour *f);
/* vm.c: boot every flavour that has an initramfs and an image, in parallel. */
int vf_load_check(struct vf_run *v);
/*
 * sigenforce.c: with module.sig_enforce=1, each module's load result
 * becomes the kernel's verdict on its signature (loaded, refused-unsigned,
 * refused-unknown-key, ...), from insmod's result and the kernel's lines;
 * the load check passes when the verdict is what the module's signing
 * (the report's) predicts. Called by vm.c once the console is read.
 */
void vf_sig_judge(struct vf_flavour *f);
/* vm.c: the accelerator qemu should use here, and why. */
const char *vf_pick_accel(const char **why);

#endif
