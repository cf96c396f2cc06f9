/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kmodpack verify: prove that a build's packages install and erase cleanly
 * in a scratch root (the real rpm), that every symbol its modules need is
 * exported by the flavour's kernel with the CRC they were built against
 * (offline, from Module.symvers), and that the modules load in the
 * flavour's own kernel (booted under qemu from a kmodpack-made initramfs).
 */
#ifndef VF_VERIFY_H
#define VF_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

struct kb_target;
struct rp_build;
struct rp_verify;

#define VF_DEFAULT_TIMEOUT 120.0

struct vf_opts {
	const char *dir;		/* a build's output dir, or its staging dir (same layout) */
	const struct rp_build *report;	/* its build report; NULL: read dir/build-report.json */
	const struct kb_target *target; /* flavours' images and trees; NULL: load target_file */
	const char *target_file;	/* NULL: the host target */
	const char *logdir;		/* rpm, depmod and VM console logs; NULL: dir/logs */
	int jobs;			/* VMs at once; <= 0: number of CPUs */
	double timeout;			/* per VM, seconds; <= 0: VF_DEFAULT_TIMEOUT */
	bool require_load;	     /* a flavour without a kernel image is an error, not a skip */
	bool sig_enforce; /* boot with module.sig_enforce=1: the load check judges signatures */
	const char *const *flavours; /* only these flavours of the report (--flavour); n = 0: all */
	size_t nflavours;
};

/*
 * Run every check for every flavour of the report. *result (always set
 * unless the inputs could not be read; rp_verify_free) is the verdict:
 * passed, and per flavour and module the install, symbol and load results.
 * Returns 0 when all passed, -KP_EFAILED when a check failed, -KP_EENV when
 * a tool or kernel image is missing (logged with the package to install),
 * -KP_EINPUT when the report or target cannot be used, or the interrupt code.
 */
int vf_verify(const struct vf_opts *o, struct rp_verify **result);

/* Log every failed check of a verdict (kp_err), for callers that print no table. */
void vf_log_failures(const struct rp_verify *result);

#endif
