// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * USB aliases in the match model of hcl/pci.h. The kernel's file2alias
 * (do_usb_entry) writes one MODULE_DEVICE_TABLE(usb, ...) entry as
 *
 *   usb:v0BDAp8179d*dc*dsc*dp*icFFiscFFipFFin*
 *
 * a field per match_flags bit (USB_DEVICE_ID_MATCH_VENDOR, _PRODUCT,
 * _DEV_CLASS, ..., _INT_NUMBER), "*" when the flag is clear, and the
 * bcdDevice range (USB_DEVICE_ID_MATCH_DEV_LO/HI) split into patterns of
 * fixed leading digits, one digit range and a "*" for the rest:
 * "d0[1-2]*" is 0x0100..0x02FF, "d013[0-3]" is 0x0130..0x0133. A device's
 * modalias (usb_if_uevent) has every field fixed: "d0200dc00dsc00dp00icFF...".
 * Each of these is a value/mask per field plus a bcdDevice interval, so two
 * patterns relate exactly; anything else is kept as a glob (fnmatch).
 */
#include "hcl/pci.h"

#include <string.h>

#include "common/log.h"
#include "common/util.h"

static const struct {
	const char *tag;
	unsigned digits;
} ufields[HCL_USB_NFIELDS] = {
    {"v", 4},  {"p", 4},   {"d", 4},  {"dc", 2}, {"dsc", 2},
    {"dp", 2}, {"ic", 2}, {"isc", 2}, {"ip", 2}, {"in", 2},
};

/* Digits are read and written as for PCI: hcl_alias_hex(), _digits(), _render() (pci.c). */

/* "[3-9A-C]", "[9A]", "[0-3]": the set of one hex digit; must be one run. */
static size_t parse_bracket(const char *s, unsigned *lo, unsigned *hi)
{
	unsigned set = 0;
	size_t i = 1;
	if (s[0] != '[')
		return 0;
	while (s[i] && s[i] != ']') {
		int a = hcl_alias_hex(s[i]), b;
		if (a < 0)
			return 0;
		if (s[i + 1] == '-' && s[i + 2] && s[i + 2] != ']') {
			if ((b = hcl_alias_hex(s[i + 2])) < a)
				return 0;
			i += 3;
		} else {
			b = a;
			i++;
		}
		for (int d = a; d <= b; d++)
			set |= 1u << d;
	}
	if (s[i] != ']' || !set)
		return 0;
	*lo = (unsigned)__builtin_ctz(set);
	*hi = 31u - (unsigned)__builtin_clz(set);
	if (set != ((2u << *hi) - (1u << *lo)))
		return 0; /* not contiguous: not what file2alias writes */
	return i + 1;
}

/*
 * The bcdDevice part: leading hex digits, at most one digit range, then "*"
 * (the rest open) unless all four digits were given. Returns chars consumed.
 */
static size_t parse_bcd(const char *s, uint16_t *lo, uint16_t *hi)
{
	size_t i = 0;
	unsigned k = 0, prefix = 0, rlo = 0, rhi = 15;
	bool range = false, star = false;

	while (k < 4 && hcl_alias_hex(s[i]) >= 0) {
		prefix = prefix << 4 | (unsigned)hcl_alias_hex(s[i]);
		i++;
		k++;
	}
	if (k < 4 && s[i] == '[') {
		size_t n = parse_bracket(s + i, &rlo, &rhi);
		if (!n)
			return 0;
		i += n;
		range = true;
	}
	if (s[i] == '*') {
		star = true;
		i++;
	}
	unsigned n = k + (range ? 1 : 0);
	if (n < 4 && !star)
		return 0;
	unsigned rest = 4 - n; /* digits the '*' stands for */
	uint32_t base = (uint32_t)prefix << (4 * (4 - k));
	uint32_t l = base, h;
	if (range) {
		l |= rlo << (4 * rest);
		h = base | rhi << (4 * rest) | ((1u << (4 * rest)) - 1);
	} else {
		h = base | ((1u << (4 * (4 - k))) - 1);
	}
	*lo = (uint16_t)l;
	*hi = (uint16_t)h;
	return i;
}

static bool parse_structured(const char *s, struct hcl_match *m)
{
	bool star = false; /* the last thing read was a '*': it absorbs whatever follows */
	m->bcd_lo = 0;
	m->bcd_hi = 0xffff;
	for (int f = 0; f < HCL_USB_NFIELDS; f++) {
		/* A trailing '*' leaves every remaining field open (older kernels have no "in"). */
		if (f > 0 && (!strcmp(s, "*") || (star && !*s)))
			return true;
		size_t taglen = strlen(ufields[f].tag);
		if (strncmp(s, ufields[f].tag, taglen) != 0)
			return false;
		s += taglen;
		if (f == HCL_USB_BCD) {
			size_t n = parse_bcd(s, &m->bcd_lo, &m->bcd_hi);
			if (!n)
				return false;
			star = s[n - 1] == '*';
			s += n;
			continue;
		}
		if (*s == '*') {
			s++;
			star = true;
			continue;
		}
		size_t n = hcl_alias_digits(s, ufields[f].digits, &m->value[f], &m->mask[f]);
		if (!n)
			return false;
		s += n;
		star = false;
	}
	return !strcmp(s, "") || !strcmp(s, "*");
}

int hcl_usb_from_alias(const char *alias, struct hcl_match *m)
{
	if (!kp_startswith(alias, "usb:"))
		return -KP_EINPUT;
	*m = (struct hcl_match){.bus = HCL_BUS_USB, .bcd_hi = 0xffff};
	m->alias = kp_strdup(alias);
	if (!parse_structured(alias + 4, m)) {
		*m = (struct hcl_match){.bus = HCL_BUS_USB, .bcd_hi = 0xffff, .alias = m->alias};
		m->glob = true;
	}
	return 0;
}

static void render(struct kp_buf *b, const struct hcl_match *m, int f)
{
	hcl_alias_render(b, m->value[f], m->mask[f], ufields[f].digits, true);
}

void hcl_usb_from_ids(struct hcl_match *m, uint32_t vendor, uint32_t product, uint32_t bcd,
		      const uint32_t cls[7])
{
	struct kp_buf b = {0};
	const uint32_t ids[2] = {vendor, product};

	*m = (struct hcl_match){.bus = HCL_BUS_USB, .bcd_hi = 0xffff};
	for (int f = HCL_USB_VENDOR; f <= HCL_USB_PRODUCT; f++) {
		m->mask[f] = ids[f] == HCL_ANY ? 0 : 0xffff;
		m->value[f] = ids[f] & m->mask[f];
	}
	if (bcd != HCL_ANY)
		m->bcd_lo = m->bcd_hi = (uint16_t)bcd;
	for (int f = HCL_USB_DCLASS; f <= HCL_USB_INUMBER; f++) {
		uint32_t c = cls ? cls[f - HCL_USB_DCLASS] : HCL_ANY;
		m->mask[f] = c == HCL_ANY ? 0 : 0xff;
		m->value[f] = c & m->mask[f];
	}
	kp_buf_adds(&b, "usb:");
	for (int f = 0; f < HCL_USB_NFIELDS; f++) {
		kp_buf_adds(&b, ufields[f].tag);
		if (f != HCL_USB_BCD)
			render(&b, m, f);
		else if (bcd != HCL_ANY)
			kp_buf_addf(&b, "%04X", (unsigned)m->bcd_lo);
		else
			kp_buf_addc(&b, '*');
	}
	if (b.s[b.len - 1] != '*')
		kp_buf_addc(&b, '*');
	m->alias = kp_buf_steal(&b);
}

char *hcl_usb_format_field(const struct hcl_match *m, int f)
{
	if (m->glob || f < 0 || f >= HCL_USB_NFIELDS || f == HCL_USB_BCD || !m->mask[f])
		return NULL;
	struct kp_buf b = {0};
	for (int i = (int)ufields[f].digits - 1; i >= 0; i--) {
		unsigned nm = (m->mask[f] >> (4 * i)) & 0xf, nv = (m->value[f] >> (4 * i)) & 0xf;
		kp_buf_addc(&b, nm != 0xf ? '?' : "0123456789abcdef"[nv]);
	}
	return kp_buf_steal(&b);
}

/* " dev ff/ff/??" for a triple with something fixed. */
static void add_triple(struct kp_buf *b, const struct hcl_match *m, const char *label, int first)
{
	if (!(m->mask[first] | m->mask[first + 1] | m->mask[first + 2]))
		return;
	kp_buf_addf(b, " %s ", label);
	for (int f = first; f < first + 3; f++) {
		_cleanup_free_ char *s = hcl_usb_format_field(m, f);
		kp_buf_addf(b, "%s%s", f > first ? "/" : "", s ? s : "??");
	}
}

char *hcl_usb_format_id(const struct hcl_match *m)
{
	if (m->glob)
		return kp_strdup(m->alias);
	struct kp_buf b = {0};
	_cleanup_free_ char *v = hcl_usb_format_field(m, HCL_USB_VENDOR);
	_cleanup_free_ char *p = hcl_usb_format_field(m, HCL_USB_PRODUCT);
	kp_buf_addf(&b, "usb:%s:%s", v ? v : "*", p ? p : "*");
	if (m->bcd_lo == m->bcd_hi)
		kp_buf_addf(&b, " bcd %04x", (unsigned)m->bcd_lo);
	else if (m->bcd_lo != 0 || m->bcd_hi != 0xffff)
		kp_buf_addf(&b, " bcd %04x-%04x", (unsigned)m->bcd_lo, (unsigned)m->bcd_hi);
	add_triple(&b, m, "dev", HCL_USB_DCLASS);
	add_triple(&b, m, "if", HCL_USB_ICLASS);
	_cleanup_free_ char *in = hcl_usb_format_field(m, HCL_USB_INUMBER);
	if (in)
		kp_buf_addf(&b, " in %s", in);
	return kp_buf_steal(&b);
}
