/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The coverage check: for each PCI or USB ID a module claims or a user names,
 * which in-kernel modules already claim it and a verdict.
 *
 *   new        no in-kernel claim shares a device with the ID
 *   supported  one in-kernel claim matches every device the ID matches
 *   overlap    in-kernel claims match some, not all, of its devices
 *
 * A class claim (device open, class fixed: pci:v*d*sv*sd*bc01sc08i02*)
 * counts only when the ID fixes every class bit the claim tests; otherwise
 * it is reported apart as a possible class match and leaves the verdict alone.
 * The same holds the other way round: an ID that is itself a class entry
 * (PCI_DEVICE_CLASS) and an in-kernel claim for one device of unknown class.
 */
#ifndef HCL_HCL_H
#define HCL_HCL_H

#include <stddef.h>

#include "common/util.h"
#include "hcl/index.h"
#include "hcl/pci.h"
#include "hcl/pciids.h"
#include "report/report.h"

/* In the order of enum rp_verdict, which carries them in reports. */
enum hcl_verdict {
	HCL_VERDICT_NEW = RP_VERDICT_NEW,
	HCL_VERDICT_SUPPORTED = RP_VERDICT_SUPPORTED,
	HCL_VERDICT_OVERLAP = RP_VERDICT_OVERLAP
};
const char *hcl_verdict_name(enum hcl_verdict v);

struct hcl_result {
	struct hcl_match id;
	char *module; /* ours, from a .ko; NULL for a device */
	char *source; /* the .ko path, "--device", or "FILE:LINE" of lspci input */
	enum hcl_verdict verdict;
	struct kp_strv claimed_by;     /* in-kernel modules, sorted, unique */
	struct kp_strv class_possible; /* class claims the ID's unknown class might meet */
	struct hcl_hit *hits;	       /* every claim sharing a device, class ones included */
	size_t nhits;
	const char *vendor_name; /* borrowed from pci.ids, or NULL */
	const char *device_name;
	const char *subsystem_name;
};

struct hcl_check;

/* ids may be NULL (no names). Both are borrowed and must outlive the check. */
struct hcl_check *hcl_check_new(struct hcl_index *idx, const struct hcl_pciids *ids);
void hcl_check_free(struct hcl_check *c);
/* Names for USB IDs (a usb.ids file read with hcl_pciids_open); borrowed. */
void hcl_check_set_usb_ids(struct hcl_check *c, const struct hcl_pciids *usb_ids);
KP_DEFINE_TRIVIAL_CLEANUP_FUNC(struct hcl_check *, hcl_check_free);

const struct hcl_result *hcl_check_add(struct hcl_check *c, const struct hcl_match *id,
				       const char *module, const char *source);
/*
 * Every "pci:" and "usb:" alias of a module. Returns the number of IDs added
 * (0 for a module with no PCI or USB table), or a negative code after logging.
 */
int hcl_check_add_ko(struct hcl_check *c, const char *path);

size_t hcl_check_count(const struct hcl_check *c);
const struct hcl_result *hcl_check_result(const struct hcl_check *c, size_t i);
size_t hcl_check_count_verdict(const struct hcl_check *c, enum hcl_verdict v);

/*
 * The results as the report model carries them (docs/hcl.md): every ID with
 * its fields, claims and names, and the count per verdict. out->modules_dir
 * is left NULL. Release with rp_coverage_release.
 */
void hcl_check_coverage(const struct hcl_check *c, struct rp_coverage *out);

/*
 * "VVVV:DDDD[:SVVV:SDDD]" or "pci:" and that (PCI), "usb:VVVV:PPPP" (USB), hex.
 * Returns 0 or -KP_EINPUT after logging.
 */
int hcl_parse_device(const char *spec, struct hcl_match *m);
/*
 * `lspci -n`, `-nn`, with or without -v (class, prog-if and Subsystem are
 * used when present). name is for messages. *out gets an array the caller
 * releases with hcl_matches_free. Returns 0, or -KP_EINPUT when no device
 * line was found.
 */
int hcl_parse_lspci(const char *name, const char *text, struct hcl_match **out, size_t *n);
/*
 * `lsusb` (one "Bus 001 Device 002: ID 0bda:8179 Name" line per device) or
 * `lsusb -v` (then bcdDevice, the device class triple and each interface's
 * class triple and number are used: one match per interface, as the kernel
 * matches interfaces). Same contract as hcl_parse_lspci.
 */
int hcl_parse_lsusb(const char *name, const char *text, struct hcl_match **out, size_t *n);
void hcl_matches_free(struct hcl_match *m, size_t n);

/*
 * The modules of a driver dir after a build: every *.ko, *.ko.xz, *.ko.gz,
 * *.ko.zst below dir (hidden dirs skipped), sorted. Returns the number
 * found, or negative after logging when dir cannot be read.
 */
int hcl_find_modules(const char *dir, struct kp_strv *out);

/*
 * The build's hook (issue 3, item 5): check built modules against a
 * flavour's modules_dir (/lib/modules/<release>).
 *
 *   modules_dir  the target kernel's modules dir (modules.alias inside)
 *   pci_ids      a pci.ids path, or NULL for the default; when the default
 *                is missing, names are left out (a warning, not an error)
 *   ko_paths, n  the built modules
 *   coverage     out: the verdicts for the build report, with modules_dir
 *                set; the caller owns it (rp_coverage_release, then free)
 *   warnings     out: one line per ID the kernel already supports, e.g.
 *                "'helloworld.ko': pci 8086:10fb (Intel Corporation 82599ES
 *                ...) is already supported by in-kernel ixgbe"; append-only
 *
 * Returns 0 (whatever the verdicts), -KP_EENV when modules_dir has no
 * alias index, -KP_EINPUT for an unreadable module; all logged.
 */
int hcl_check_modules(const char *modules_dir, const char *pci_ids, const char *const *ko_paths,
		      size_t n, struct rp_coverage **coverage, struct kp_strv *warnings);

#endif
