/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Vendor, device and subsystem names from the PCI ID database (pci.ids).
 * usb.ids has the same vendor/device layout and is read by the same code.
 */
#ifndef HCL_PCIIDS_H
#define HCL_PCIIDS_H

#include <stdint.h>

#include "common/util.h"

#define HCL_PCIIDS_DEFAULT "/usr/share/misc/pci.ids"
#define HCL_USBIDS_DEFAULT "/usr/share/misc/usb.ids" /* Debian's usb.ids package */

struct hcl_pciids;

/*
 * Read a pci.ids file (LF or CRLF, with or without a final newline; lines
 * that are not vendor, device or subsystem entries are skipped). Returns 0,
 * -KP_EENV when the file does not exist, or -KP_EINPUT; both logged.
 */
int hcl_pciids_open(const char *path, struct hcl_pciids **out);
/* The same for the len bytes of the file path, already in memory (copied). */
int hcl_pciids_parse(const char *path, const void *data, size_t len, struct hcl_pciids **out);
void hcl_pciids_free(struct hcl_pciids *ids);
KP_DEFINE_TRIVIAL_CLEANUP_FUNC(struct hcl_pciids *, hcl_pciids_free);

/* Names are borrowed; NULL when the database does not know the ID. */
const char *hcl_pciids_vendor(const struct hcl_pciids *ids, uint16_t vendor);
const char *hcl_pciids_device(const struct hcl_pciids *ids, uint16_t vendor, uint16_t device);
const char *hcl_pciids_subsystem(const struct hcl_pciids *ids, uint16_t vendor, uint16_t device,
				 uint16_t subvendor, uint16_t subdevice);

#endif
