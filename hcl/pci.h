/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The match model for PCI and USB IDs: one structured form for a module alias
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
#include <stddef.h>
#include <stdint.h>

enum hcl_bus { HCL_BUS_PCI, HCL_BUS_USB };
const char *hcl_bus_name(enum hcl_bus bus);

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

/*
 * USB (file2alias's do_usb_entry, "usb:vVVVVpPPPPdBCDdcXXdscXXdpXXicXXiscXXipXXinXX"):
 * vendor and product share the PCI slots 0 and 1; bcdDevice is a range
 * (bcd_lo..bcd_hi) because MODULE_DEVICE_TABLE expresses USB_DEVICE_VER as
 * digit ranges; the rest are the device's and the interface's descriptor
 * bytes.
 */
enum hcl_usb_field {
	HCL_USB_VENDOR,
	HCL_USB_PRODUCT,
	HCL_USB_BCD, /* unused in value/mask: see bcd_lo, bcd_hi */
	HCL_USB_DCLASS,
	HCL_USB_DSUBCLASS,
	HCL_USB_DPROTOCOL,
	HCL_USB_ICLASS,
	HCL_USB_ISUBCLASS,
	HCL_USB_IPROTOCOL,
	HCL_USB_INUMBER,
	HCL_USB_NFIELDS,
};

#define HCL_MAXFIELDS HCL_USB_NFIELDS

/* pcimap and the kernel's PCI_ANY_ID. */
#define HCL_ANY 0xffffffffu

struct hcl_match {
	enum hcl_bus bus;
	uint32_t value[HCL_MAXFIELDS];
	uint32_t mask[HCL_MAXFIELDS]; /* 0 = any value */
	uint16_t bcd_lo, bcd_hi;      /* USB bcdDevice range, 0..0xffff = any */
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
 * The pieces of an alias field both buses share (pci.c, used by usb.c):
 * one uppercase hex digit (the kernel writes device modaliases in
 * uppercase and kmod matches case-sensitively) or -1; a field of digits
 * hex digits or '?' nibbles read into value/mask (returns the chars
 * consumed, or 0 when it is not that); and the same written back, '?'
 * for an open nibble, '*' for a field open entirely.
 */
int hcl_alias_hex(char c);
size_t hcl_alias_digits(const char *s, unsigned digits, uint32_t *value, uint32_t *mask);
struct kp_buf;
void hcl_alias_render(struct kp_buf *b, uint32_t value, uint32_t mask, unsigned digits,
		      bool upper);

/*
 * Parse a "pci:" or "usb:" alias. Returns 0 (m->glob tells whether it was
 * representable), or -KP_EINPUT without logging for any other alias.
 */
int hcl_match_from_alias(const char *alias, struct hcl_match *m);
/* hcl/usb.c: the "usb:" part of hcl_match_from_alias. */
int hcl_usb_from_alias(const char *alias, struct hcl_match *m);
/*
 * A USB device or interface: HCL_ANY for what is not known. bcd is a
 * bcdDevice value or HCL_ANY; cls[] are bDeviceClass, bDeviceSubClass,
 * bDeviceProtocol, bInterfaceClass, bInterfaceSubClass, bInterfaceProtocol,
 * bInterfaceNumber (each HCL_ANY or 0..255). The alias is rendered in the
 * kernel's form, as the device's modalias when everything is known.
 */
void hcl_usb_from_ids(struct hcl_match *m, uint32_t vendor, uint32_t product, uint32_t bcd,
		      const uint32_t cls[7]);
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

/* True when field f is fully fixed (for its bus's width); *value gets it. */
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
 * USB: the relation of id to claim when the claim's descriptor fields that
 * id leaves entirely open are taken as met. A vid:pid names one product, so
 * "icFFiscFFipFF" in the kernel's entry for it is a fact about that product
 * we do not know, not a part of the ID's devices the kernel leaves out.
 * *conditional is set when the claim had such fields. For PCI, an id that
 * does not fix vendor and product, or a class claim, it is hcl_match_relate.
 */
enum hcl_rel hcl_match_relate_assuming(const struct hcl_match *id, const struct hcl_match *claim,
				       bool *conditional);

/*
 * Display forms, owned by the caller. Field: "8086" (4 lowercase hex digits
 * when the whole field is fixed and fits), "1?fb" for open nibbles, NULL for
 * any. Class: "0c0330", "0108??", or NULL when no class bit is fixed. Id:
 * "8086:10fb", "8086:10fb:17aa:2233", "*:*" ... with " class 0108??" added
 * when a class is fixed; a glob gives its alias. USB: "usb:0bda:8179" with
 * " bcd 0100-02ff", " dev ff/ff/ff", " if ff/??/??", " in 00" for what is
 * fixed; its class is NULL.
 */
char *hcl_match_format_field(const struct hcl_match *m, enum hcl_field f);
char *hcl_match_format_class(const struct hcl_match *m);
char *hcl_match_format_id(const struct hcl_match *m);
/* hcl/usb.c: the USB forms of the two above. */
char *hcl_usb_format_field(const struct hcl_match *m, int f);
char *hcl_usb_format_id(const struct hcl_match *m);

#endif
