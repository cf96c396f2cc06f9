// SPDX-License-Identifier: GPL-2.0-or-later
#include "hcl/pci.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "common/util.h"

/* In the order file2alias writes them; the widths are its %08X / %02X. */
static const struct {
	const char *tag;
	unsigned digits;
} fields[HCL_NFIELDS] = {
    {"v", 8}, {"d", 8}, {"sv", 8}, {"sd", 8}, {"bc", 2}, {"sc", 2}, {"i", 2},
};

const char *hcl_bus_name(enum hcl_bus bus)
{
	return bus == HCL_BUS_USB ? "usb" : "pci";
}

static uint32_t full_mask(const struct hcl_match *m, int f)
{
	if (m->bus == HCL_BUS_USB)
		return f <= HCL_USB_PRODUCT ? 0xffffu : f == HCL_USB_BCD ? 0 : 0xffu;
	return fields[f].digits == 8 ? 0xffffffffu : 0xffu;
}

/* Uppercase only: the kernel writes device modaliases in uppercase and kmod matches
 * case-sensitively, so "10fb" in an alias never matches a device. */
int hcl_alias_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One field's digits: hex or '?'. Returns chars consumed, or 0 if not representable. */
size_t hcl_alias_digits(const char *s, unsigned digits, uint32_t *value, uint32_t *mask)
{
	uint32_t v = 0, m = 0;
	for (unsigned i = 0; i < digits; i++) {
		v <<= 4;
		m <<= 4;
		if (s[i] == '?')
			continue;
		int h = hcl_alias_hex(s[i]);
		if (h < 0)
			return 0;
		v |= (uint32_t)h;
		m |= 0xf;
	}
	*value = v;
	*mask = m;
	return digits;
}

static bool parse_structured(const char *s, struct hcl_match *m)
{
	for (int f = 0; f < HCL_NFIELDS; f++) {
		/* A trailing '*' leaves every remaining field open. */
		if (f > 0 && !strcmp(s, "*"))
			return true;
		size_t taglen = strlen(fields[f].tag);
		if (strncmp(s, fields[f].tag, taglen) != 0)
			return false;
		s += taglen;
		if (*s == '*') {
			s++;
			continue;
		}
		size_t n = hcl_alias_digits(s, fields[f].digits, &m->value[f], &m->mask[f]);
		if (!n)
			return false;
		s += n;
	}
	return !strcmp(s, "") || !strcmp(s, "*");
}

int hcl_match_from_alias(const char *alias, struct hcl_match *m)
{
	if (kp_startswith(alias, "usb:"))
		return hcl_usb_from_alias(alias, m);
	if (!kp_startswith(alias, "pci:"))
		return -KP_EINPUT;
	*m = (struct hcl_match){0};
	m->alias = kp_strdup(alias);
	if (!parse_structured(alias + 4, m)) {
		memset(m->value, 0, sizeof(m->value));
		memset(m->mask, 0, sizeof(m->mask));
		m->glob = true;
	}
	return 0;
}

void hcl_alias_render(struct kp_buf *b, uint32_t value, uint32_t mask, unsigned digits,
		      bool upper)
{
	if (!mask) {
		kp_buf_addc(b, '*');
		return;
	}
	for (int i = (int)digits - 1; i >= 0; i--) {
		unsigned nm = (mask >> (4 * i)) & 0xf, nv = (value >> (4 * i)) & 0xf;
		kp_buf_addc(b, nm != 0xf ? '?'
					 : (upper ? "0123456789ABCDEF" : "0123456789abcdef")[nv]);
	}
}

static void render_field(struct kp_buf *b, const struct hcl_match *m, enum hcl_field f, bool upper)
{
	hcl_alias_render(b, m->value[f], m->mask[f], fields[f].digits, upper);
}

void hcl_match_from_ids(struct hcl_match *m, uint32_t vendor, uint32_t device, uint32_t subvendor,
			uint32_t subdevice, uint32_t class, uint32_t class_mask)
{
	const uint32_t ids[4] = {vendor, device, subvendor, subdevice};
	struct kp_buf b = {0};

	*m = (struct hcl_match){0};
	for (int f = HCL_VENDOR; f <= HCL_SUBDEVICE; f++) {
		m->mask[f] = ids[f] == HCL_ANY ? 0 : 0xffffffffu;
		m->value[f] = ids[f] & m->mask[f];
	}
	for (int f = HCL_BASECLASS; f <= HCL_INTERFACE; f++) {
		int shift = 8 * (HCL_INTERFACE - f);
		m->mask[f] = (class_mask >> shift) & 0xff;
		m->value[f] = (class >> shift) & m->mask[f];
	}
	kp_buf_adds(&b, "pci:");
	for (int f = 0; f < HCL_NFIELDS; f++) {
		kp_buf_adds(&b, fields[f].tag);
		render_field(&b, m, f, true);
	}
	if (b.s[b.len - 1] != '*')
		kp_buf_addc(&b, '*');
	m->alias = kp_buf_steal(&b);
}

void hcl_match_copy(struct hcl_match *dst, const struct hcl_match *src)
{
	*dst = *src;
	dst->alias = kp_strdup(src->alias);
}

void hcl_match_release(struct hcl_match *m)
{
	free(m->alias);
	m->alias = NULL;
}

/*
 * Either side a glob: decide containment by matching one pattern against the
 * other's text, where a '*' in the text is only absorbed by a wildcard in the
 * pattern. Exact for a concrete device; for two patterns it can miss an
 * overlap (then it says disjoint), never invent one.
 */
static enum hcl_rel relate_glob(const struct hcl_match *a, const struct hcl_match *b)
{
	if (!strcmp(a->alias, b->alias))
		return HCL_SAME;
	bool a_has_b = fnmatch(a->alias, b->alias, 0) == 0;
	bool b_has_a = fnmatch(b->alias, a->alias, 0) == 0;
	if (a_has_b && b_has_a)
		return HCL_SAME;
	if (a_has_b)
		return HCL_COVERS;
	if (b_has_a)
		return HCL_COVERED;
	return HCL_DISJOINT;
}

enum hcl_rel hcl_match_relate(const struct hcl_match *a, const struct hcl_match *b)
{
	bool a_in_b = true, b_in_a = true;

	if (a->bus != b->bus)
		return HCL_DISJOINT;
	if (a->glob || b->glob)
		return relate_glob(a, b);
	if (a->bus == HCL_BUS_USB) {
		if (a->bcd_hi < b->bcd_lo || b->bcd_hi < a->bcd_lo)
			return HCL_DISJOINT;
		if (a->bcd_lo < b->bcd_lo || a->bcd_hi > b->bcd_hi)
			a_in_b = false;
		if (b->bcd_lo < a->bcd_lo || b->bcd_hi > a->bcd_hi)
			b_in_a = false;
	}
	for (int f = 0; f < HCL_MAXFIELDS; f++) {
		if ((a->value[f] ^ b->value[f]) & a->mask[f] & b->mask[f])
			return HCL_DISJOINT;
		/* A bit only b fixes: a also matches devices b rejects. */
		if (b->mask[f] & ~a->mask[f])
			a_in_b = false;
		if (a->mask[f] & ~b->mask[f])
			b_in_a = false;
	}
	if (a_in_b && b_in_a)
		return HCL_SAME;
	if (b_in_a)
		return HCL_COVERS;
	if (a_in_b)
		return HCL_COVERED;
	return HCL_OVERLAP;
}

const char *hcl_rel_name(enum hcl_rel rel)
{
	static const char *const names[] = {"disjoint", "same", "covers", "covered", "overlap"};
	return rel < KP_ARRAY_SIZE(names) ? names[rel] : "?";
}

bool hcl_match_fixed(const struct hcl_match *m, enum hcl_field f, uint32_t *value)
{
	if (m->glob || !full_mask(m, f) || m->mask[f] != full_mask(m, f))
		return false;
	if (value)
		*value = m->value[f];
	return true;
}

/* The class fields of a bus: PCI base class..interface, USB the descriptor bytes. */
static int class_first(const struct hcl_match *m)
{
	return m->bus == HCL_BUS_USB ? HCL_USB_DCLASS : HCL_BASECLASS;
}

static int class_last(const struct hcl_match *m)
{
	return m->bus == HCL_BUS_USB ? HCL_USB_INUMBER : HCL_INTERFACE;
}

bool hcl_match_is_class_claim(const struct hcl_match *m)
{
	uint32_t any = 0;
	if (m->glob || m->mask[HCL_DEVICE] != 0)
		return false;
	for (int f = class_first(m); f <= class_last(m); f++)
		any |= m->mask[f];
	return any != 0;
}

bool hcl_match_class_known(const struct hcl_match *m, const struct hcl_match *claim)
{
	if (m->glob || m->bus != claim->bus)
		return false;
	for (int f = class_first(claim); f <= class_last(claim); f++)
		if (claim->mask[f] & ~m->mask[f])
			return false;
	return true;
}

enum hcl_rel hcl_match_relate_assuming(const struct hcl_match *id, const struct hcl_match *claim,
				       bool *conditional)
{
	*conditional = false;
	if (id->bus != HCL_BUS_USB || claim->bus != HCL_BUS_USB || id->glob || claim->glob ||
	    !hcl_match_fixed(id, HCL_VENDOR, NULL) || !hcl_match_fixed(id, HCL_DEVICE, NULL) ||
	    hcl_match_is_class_claim(claim))
		return hcl_match_relate(id, claim);
	struct hcl_match c = *claim;
	for (int f = HCL_USB_DCLASS; f <= HCL_USB_INUMBER; f++)
		if (!id->mask[f] && c.mask[f]) {
			c.mask[f] = c.value[f] = 0;
			*conditional = true;
		}
	return hcl_match_relate(id, &c);
}

char *hcl_match_format_field(const struct hcl_match *m, enum hcl_field f)
{
	if (m->glob || !m->mask[f])
		return NULL;
	if (m->bus == HCL_BUS_USB)
		return hcl_usb_format_field(m, (int)f);
	/* IDs are 16 bits in practice; show 4 digits when the top half is fixed zero. */
	if (fields[f].digits == 8 && (m->mask[f] & 0xffff0000u) == 0xffff0000u &&
	    !(m->value[f] & 0xffff0000u)) {
		struct hcl_match low = *m;
		low.mask[f] &= 0xffff;
		struct kp_buf b = {0};
		for (int i = 3; i >= 0; i--) {
			unsigned nm = (low.mask[f] >> (4 * i)) & 0xf,
				 nv = (low.value[f] >> (4 * i)) & 0xf;
			kp_buf_addc(&b, nm != 0xf ? '?' : "0123456789abcdef"[nv]);
		}
		return kp_buf_steal(&b);
	}
	struct kp_buf b = {0};
	render_field(&b, m, f, false);
	return kp_buf_steal(&b);
}

char *hcl_match_format_class(const struct hcl_match *m)
{
	if (m->glob || m->bus != HCL_BUS_PCI || !(m->mask[HCL_BASECLASS] | m->mask[HCL_SUBCLASS] | m->mask[HCL_INTERFACE]))
		return NULL;
	struct kp_buf b = {0};
	for (int f = HCL_BASECLASS; f <= HCL_INTERFACE; f++) {
		if (m->mask[f])
			render_field(&b, m, f, false);
		else
			kp_buf_adds(&b, "??");
	}
	return kp_buf_steal(&b);
}

char *hcl_match_format_id(const struct hcl_match *m)
{
	if (m->glob)
		return kp_strdup(m->alias);
	if (m->bus == HCL_BUS_USB)
		return hcl_usb_format_id(m);
	struct kp_buf b = {0};
	int last = m->mask[HCL_SUBVENDOR] || m->mask[HCL_SUBDEVICE] ? HCL_SUBDEVICE : HCL_DEVICE;
	for (int f = HCL_VENDOR; f <= last; f++) {
		_cleanup_free_ char *s = hcl_match_format_field(m, f);
		if (f > HCL_VENDOR)
			kp_buf_addc(&b, ':');
		kp_buf_adds(&b, s ? s : "*");
	}
	_cleanup_free_ char *cls = hcl_match_format_class(m);
	if (cls)
		kp_buf_addf(&b, " class %s", cls);
	return kp_buf_steal(&b);
}
