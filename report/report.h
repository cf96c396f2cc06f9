/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a build produced, as one typed model: the build flow fills it, the
 * no-op cache, verify, the CLI and the supplemental pack read it. JSON is
 * only its file format (build-report.json, docs/building.md): json.c is the
 * one file that writes and reads it, so no other module parses JSON.
 *
 * Reading a finished build (e.g. `kmodpack pack OUTDIR`):
 *
 *     _cleanup_(rp_build_freep) struct rp_build *b = NULL;
 *     _cleanup_free_ char *path = kp_path_join(outdir, RP_BUILD_REPORT_NAME);
 *     int r = rp_build_read(path, &b);      // 0, or -KP_EINPUT/-errno, logged
 *     for (size_t i = 0; r == 0 && i < b->nartifacts; i++)
 *             if (b->artifacts[i].kind == RP_ARTIFACT_RPM)
 *                     ... kp_path_join(outdir, b->artifacts[i].path) ...
 *
 * Every string is owned by the struct holding it; rp_build_free releases
 * the whole tree. Optional values are NULL (JSON null or left out).
 */
#ifndef RP_REPORT_H
#define RP_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/util.h"

#define RP_BUILD_REPORT_NAME "build-report.json"

/* ---- hcl: the coverage verdicts (docs/hcl.md) ---- */

enum rp_verdict { RP_VERDICT_NEW, RP_VERDICT_SUPPORTED, RP_VERDICT_OVERLAP, RP_VERDICT_COUNT };
const char *rp_verdict_name(enum rp_verdict v);

/* An in-kernel claim that shares a device with an ID. */
struct rp_hcl_claim {
	char *module, *alias;
	char *relation; /* "same", "covers", "covered", "overlaps" (hcl_rel_name) */
	bool class_claim, builtin;
};

struct rp_hcl_id {
	char *bus; /* "pci" or "usb" */
	/* the fields as hex text ("8086"), NULL when open; for USB device is the product */
	char *vendor, *device, *subvendor, *subdevice, *class;
	char *alias;
	char *module; /* ours; NULL for a device given by ID */
	char *source; /* the .ko path, "--device", "FILE:LINE" of lspci input */
	enum rp_verdict verdict;
	struct kp_strv claimed_by;	     /* in-kernel modules, sorted, unique */
	struct kp_strv possible_class_match; /* class claims an unknown class might meet */
	struct rp_hcl_claim *claims;
	size_t nclaims;
	char *vendor_name, *device_name, *subsystem_name; /* from pci.ids, or NULL */
};

struct rp_coverage {
	struct rp_hcl_id *ids;
	size_t nids;
	size_t summary[RP_VERDICT_COUNT]; /* IDs per verdict */
	char *modules_dir;		  /* the kernel checked against; NULL outside a build */
};

void rp_coverage_release(struct rp_coverage *c);

/* ---- verify: the verdicts (docs/verify.md) ---- */

enum rp_status { RP_NOTRUN, RP_PASS, RP_FAIL, RP_SKIP };
const char *rp_status_name(enum rp_status s);

struct rp_check {
	enum rp_status status;
	struct kp_strv errors; /* what failed, one line each */
};

/* Mark c failed with one more line of why. */
void rp_check_fail(struct rp_check *c, const char *fmt, ...) KP_PRINTF(2, 3);
void rp_check_release(struct rp_check *c);

struct rp_verify_module {
	char *name, *path;
	struct rp_check install, symbols, load;
	char *load_error;      /* insmod's message, or NULL */
	char *load_errno;      /* "ENODEV", or NULL */
	struct kp_strv kernel; /* dmesg lines while it loaded */
	/* verify --sig-enforce: the kernel's verdict on its signature, else NULL */
	char *sig_verdict; /* loaded, refused-unsigned, refused-unknown-key, refused-... */
};

struct rp_verify_flavour {
	char *name, *release;
	char *image; /* the kernel booted, or NULL */
	struct rp_check install, symbols, load;
	bool scripts; /* rpm ran the scriptlets */
	double install_seconds;
	char *load_reason; /* why the load check was skipped, or NULL */
	char *accel;	   /* qemu's accelerator when a VM ran, else NULL */
	double load_seconds;
	char *console; /* the VM console log, or NULL */
	/* In-kernel modules the VM loaded first (the driver's dependency closure), in order. */
	struct kp_strv kernel_modules;
	struct rp_verify_module *mods;
	size_t nmods;
	bool passed;
};

struct rp_verify {
	bool passed;
	struct rp_verify_flavour *flavours;
	size_t nflavours;
};

void rp_verify_free(struct rp_verify *v);
KP_DEFINE_TRIVIAL_CLEANUP_FUNC(struct rp_verify *, rp_verify_free);

/* ---- the build ---- */

/* Where the debuginfo packages put each module's debug data: RP_DEBUG_DIR + path + ".debug". */
#define RP_DEBUG_DIR "/usr/lib/debug"

struct rp_module {
	char *name;	  /* file name without .ko */
	char *path;	  /* install path: /lib/modules/<release>/<module_dir>/<name>.ko */
	char *debug_path; /* its debug data, RP_DEBUG_DIR<path>.debug; NULL in older reports */
	char *vermagic;	  /* never NULL in a build's report */
	char *srcversion; /* or NULL */
	struct kp_strv aliases;
	struct kp_strv firmware; /* MODULE_FIRMWARE names, e.g. "helloworld/hello.fw" */
	/* Its appended signature as modinfo shows it; all NULL: not signed. */
	char *sig_signer;   /* the certificate issuer's CN */
	char *sig_key;	    /* the key id (certificate serial), "3B:1F:..." */
	char *sig_hashalgo; /* "sha256" */
};

struct rp_flavour {
	char *name, *release, *kver, *tree;
	char *log; /* relative to the outdir: logs/<flavour>.log */
	double compile_seconds;
	struct rp_module *mods;
	size_t nmods;
	struct rp_coverage *hcl; /* with the flavour's modules_dir, else NULL */
};

enum rp_artifact_kind {
	RP_ARTIFACT_RPM,
	RP_ARTIFACT_DATA_RPM,
	RP_ARTIFACT_SRPM,
	RP_ARTIFACT_SPEC,
	RP_ARTIFACT_DEBUGINFO_RPM, /* a flavour's debug data; not in a pack (docs/pack.md) */
	RP_ARTIFACT_KIND_COUNT
};
const char *rp_artifact_kind_name(enum rp_artifact_kind k);

struct rp_artifact {
	enum rp_artifact_kind kind;
	char *flavour; /* RP_ARTIFACT_RPM and _DEBUGINFO_RPM only, else NULL */
	char *path;    /* relative to the outdir */
	long long size;
	char sha256[65];
	/*
	 * Packages: sha256 of the main header and payload (spec_rpm_content_sha256),
	 * which signing leaves alone: a package signed after the build is still
	 * this build's. "" for the spec.
	 */
	char content_sha256[65];
	char *gpg_key; /* the key kmodpack signed it with, or NULL */
};

/* A flavour of the target the build left out, and why. */
struct rp_skipped {
	char *name, *release;
	/* "CONFIG_USB is not set (kernel_config, FILE:LINE)", "not selected (--flavour)" */
	char *reason;
};

struct rp_build {
	char *kmodpack_version;
	char *driver_name, *driver_version, *driver_release, *manifest;
	char *vendor_code, *vendor_name;
	char *target_name, *arch, *module_dir;
	long long source_date_epoch;
	struct rp_flavour *flavours;
	size_t nflavours;
	struct rp_skipped *skipped; /* flavours of the target not built */
	size_t nskipped;
	struct rp_artifact *artifacts;
	size_t nartifacts;
	bool has_data; /* a [data] section: eulas and firmware_external are meaningful */
	struct kp_strv eulas, firmware_external;
	struct rp_verify *verify; /* with build --verify, else NULL */
};

struct rp_build *rp_build_new(void);
void rp_build_free(struct rp_build *b);
KP_DEFINE_TRIVIAL_CLEANUP_FUNC(struct rp_build *, rp_build_free);

/* Append a zeroed element and return it (the array grows by one). */
struct rp_flavour *rp_build_add_flavour(struct rp_build *b);
struct rp_module *rp_flavour_add_module(struct rp_flavour *f);
struct rp_artifact *rp_build_add_artifact(struct rp_build *b);
struct rp_skipped *rp_build_add_skipped(struct rp_build *b);

/* The module RPM of a flavour, or NULL. */
const struct rp_artifact *rp_build_flavour_rpm(const struct rp_build *b, const char *flavour);
/* The first artifact of a kind, or NULL. */
const struct rp_artifact *rp_build_artifact(const struct rp_build *b, enum rp_artifact_kind k);

/* ---- the file (json.c) ---- */

/* Write b as build-report.json text to path (0 or -errno, logged). */
int rp_build_write(const struct rp_build *b, const char *path);
/* The same text, for `build --json` (owned by the caller). */
char *rp_build_to_text(const struct rp_build *b);
/*
 * Read and validate a build report. Every problem is logged with the file's
 * path and returns -KP_EINPUT; an unreadable file returns -errno.
 */
int rp_build_read(const char *path, struct rp_build **out);
/* The same, logging nothing: for callers to whom a bad report only means "rebuild". */
int rp_build_try_read(const char *path, struct rp_build **out);
/* rp_build_read() of the len bytes of the file path, already in memory. */
int rp_build_parse(const char *path, const void *data, size_t len, struct rp_build **out);

#endif
