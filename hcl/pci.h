/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The PCI match model: one structured form for a module alias
 * ("pci:v00008086d000010FBsv*sd*bc*sc*i*", as the kernel's file2alias writes
 * it), a legacy modules.pcimap row, and a device a user names. Each of the
 * seven fields is a value and a bit mask (mask bit set = that bit must be
 * equal), so "*", a fixed value, a "?" nibble and a pcimap class_mask are
 * all the same thing, and two matches can be related exactly.
 *
 * A pattern the model cannot represent (lowercase hex, character classes,
 * fields out of order) is kept as a glob and compared with fnmatch, as kmod
 * would match it against a device: it is never dropped.
 */
#ifndef HCL_PCI_H
#define HCL_PCI_H

#include <stdbool.h>
#include <stdint.h>

enum hcl_field {
	HCL_VENDOR,
	HCL_DEVICE,
	HCL_SUBVENDOR,
	HCL_SUBDEVICE,
	HCL_BASECLASS,
	HCL_SUBCLASS,
	HCL_INTERFACE,
	HCL_NFIELDS,
};

/* pcimap and the kernel's PCI_ANY_ID. */
#define HCL_ANY 0xffffffffu

struct hcl_match {
	uint32_t value[HCL_NFIELDS];
	uint32_t mask[HCL_NFIELDS]; /* 0 = any value */
	bool glob;		    /* not representable: compare alias by fnmatch */
	char *alias;		    /* owned: the pattern as read, or rendered in kernel form */
};

enum hcl_rel {
	HCL_DISJOINT, /* no device matches both */
	HCL_SAME,     /* exactly the same devices */
	HCL_COVERS,   /* a matches every device b matches, and more */
	HCL_COVERED,  /* b matches every device a matches, and more */
	HCL_OVERLAP,  /* some devices match both, each matches some the other does not */
};

/*
 * Parse a "pci:" alias. Returns 0 (m->glob tells whether it was
 * representable), or -KP_EINPUT without logging when alias is not a pci: alias.
 */
int hcl_match_from_alias(const char *alias, struct hcl_match *m);
/*
 * A pcimap row or a device: HCL_ANY for vendor..subdevice means any; class
 * is 0xBBSSII and class_mask says which of its bits matter (0: any class).
 */
void hcl_match_from_ids(struct hcl_match *m, uint32_t vendor, uint32_t device, uint32_t subvendor,
			uint32_t subdevice, uint32_t class, uint32_t class_mask);
void hcl_match_copy(struct hcl_match *dst, const struct hcl_match *src);
void hcl_match_release(struct hcl_match *m);

enum hcl_rel hcl_match_relate(const struct hcl_match *a, const struct hcl_match *b);
const char *hcl_rel_name(enum hcl_rel rel);

/* True when field f is fully fixed; *value gets it. */
bool hcl_match_fixed(const struct hcl_match *m, enum hcl_field f, uint32_t *value);
/*
 * A class claim leaves the device open and narrows by class only
 * (pci:v*d*sv*sd*bc01sc08i02*): it says nothing about a device whose
 * class is unknown.
 */
bool hcl_match_is_class_claim(const struct hcl_match *m);
/* True when every class bit m2 (a class claim) tests is known in m. */
bool hcl_match_class_known(const struct hcl_match *m, const struct hcl_match *claim);

/*
 * Display forms, owned by the caller. Field: "8086" (4 lowercase hex digits
 * when the whole field is fixed and fits), "1?fb" for open nibbles, NULL for
 * any. Class: "0c0330", "0108??", or NULL when no class bit is fixed. Id:
 * "8086:10fb", "8086:10fb:17aa:2233", "*:*" ... with " class 0108??" added
 * when a class is fixed; a glob gives its alias.
 */
char *hcl_match_format_field(const struct hcl_match *m, enum hcl_field f);
char *hcl_match_format_class(const struct hcl_match *m);
char *hcl_match_format_id(const struct hcl_match *m);

#endif
