// SPDX-License-Identifier: GPL-2.0-or-later
/* What a user hands hcl: device IDs, lspci or lsusb output, a driver dir. */
#include "hcl/hcl.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/fs.h"
#include "common/log.h"

/* 1-4 hex digits, either case (lspci and pci.ids write lowercase, users both). */
static const char *hex16(const char *s, uint32_t *out)
{
	uint32_t v = 0;
	int n = 0;
	while (n < 4 && isxdigit((unsigned char)s[n])) {
		char c = (char)tolower((unsigned char)s[n]);
		v = v << 4 | (uint32_t)(c <= '9' ? c - '0' : c - 'a' + 10);
		n++;
	}
	if (!n || isxdigit((unsigned char)s[n]))
		return NULL;
	*out = v;
	return s + n;
}

static int parse_usb_device(const char *spec, struct hcl_match *m)
{
	uint32_t v, p;
	const char *s = hex16(spec + 4, &v);
	if (!s || *s != ':' || !(s = hex16(s + 1, &p)) || *s) {
		kp_err("'%s': not a USB ID (expected usb:VVVV:PPPP in hex, e.g. usb:0bda:8179)",
		       spec);
		return -KP_EINPUT;
	}
	hcl_usb_from_ids(m, v, p, HCL_ANY, NULL);
	return 0;
}

int hcl_parse_device(const char *spec, struct hcl_match *m)
{
	uint32_t id[4] = {HCL_ANY, HCL_ANY, HCL_ANY, HCL_ANY};
	const char *s = spec;
	int i;

	if (kp_startswith(spec, "usb:"))
		return parse_usb_device(spec, m);
	if (kp_startswith(spec, "pci:"))
		s += 4;

	for (i = 0; i < 4; i++) {
		s = hex16(s, &id[i]);
		if (!s)
			break;
		if (*s == '\0' || i == 3)
			break;
		if (*s++ != ':') {
			s = NULL;
			break;
		}
	}
	if (!s || *s || (i != 1 && i != 3)) {
		kp_err("'%s': not a PCI ID (expected VVVV:DDDD or VVVV:DDDD:SVVV:SDDD in hex, "
		       "e.g. 8086:10fb; a USB ID is usb:VVVV:PPPP)",
		       spec);
		return -KP_EINPUT;
	}
	hcl_match_from_ids(m, id[0], id[1], id[2], id[3], 0, 0);
	return 0;
}

void hcl_matches_free(struct hcl_match *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		hcl_match_release(&m[i]);
	free(m);
}

/* "00:19.0" or "0000:00:19.0" at the start of a line. */
static bool is_slot(const char *s, const char **end)
{
	size_t n = strcspn(s, " \t");
	const char *dot = memchr(s, '.', n);
	if (!n || !dot || dot == s || s[n] == '\0')
		return false;
	for (const char *p = s; p < s + n; p++)
		if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
			return false;
	*end = s + n;
	return true;
}

/* Last "hhhh:hhhh" in [s, e), bracketed (-nn) or bare (-n). */
static bool last_pair(const char *s, const char *e, uint32_t *a, uint32_t *b)
{
	bool found = false;
	for (const char *p = s; p + 9 <= e; p++) {
		uint32_t x, y;
		const char *q;
		if (p > s && isxdigit((unsigned char)p[-1]))
			continue;
		if (!(q = hex16(p, &x)) || q != p + 4 || *q != ':' || !(q = hex16(q + 1, &y)) ||
		    q != p + 9)
			continue;
		*a = x;
		*b = y;
		found = true;
	}
	return found;
}

/* Class: -n writes " 0200: " after the slot, -nn writes "[0200]: ". */
static bool find_class(const char *s, uint32_t *cls)
{
	for (const char *p = s; *p; p++) {
		const char *q;
		uint32_t c;
		if (p[0] == '[' && (q = hex16(p + 1, &c)) && q == p + 5 && q[0] == ']' &&
		    q[1] == ':') {
			*cls = c;
			return true;
		}
		if ((p[0] == ' ') && (q = hex16(p + 1, &c)) && q == p + 5 && q[0] == ':' &&
		    q[1] == ' ') {
			*cls = c;
			return true;
		}
	}
	return false;
}

int hcl_parse_lspci(const char *name, const char *text, struct hcl_match **out, size_t *n)
{
	_cleanup_free_ struct hcl_match *v = NULL;
	size_t count = 0, lineno = 0, bad = 0;
	/* The device being read: its Subsystem line may follow under -v. */
	uint32_t vendor = 0, device = 0, cls = 0, cls_mask = 0;
	bool open = false;

	*out = NULL;
	*n = 0;
	for (const char *line = text; line && *line; lineno++) {
		const char *nl = strchr(line, '\n');
		const char *e = nl ? nl : line + strlen(line);
		const char *next = nl ? nl + 1 : NULL;
		_cleanup_free_ char *l = kp_strndup(line, e - line);
		const char *slot_end;
		uint32_t a, b;
		line = next;

		if (l[0] == '\t' || l[0] == ' ') {
			const char *t = l + strspn(l, " \t");
			if (open && kp_startswith(t, "Subsystem:") &&
			    last_pair(t, t + strlen(t), &a, &b)) {
				hcl_match_release(&v[count - 1]);
				hcl_match_from_ids(&v[count - 1], vendor, device, a, b, cls,
						   cls_mask);
			}
			continue;
		}
		open = false;
		if (!*kp_strstrip(l))
			continue;
		if (!is_slot(l, &slot_end) ||
		    !last_pair(slot_end, slot_end + strlen(slot_end), &a, &b)) {
			if (!bad++)
				kp_warn("'%s:%zu': not an 'lspci -n' device line; skipped", name,
					lineno + 1);
			continue;
		}
		vendor = a;
		device = b;
		cls = cls_mask = 0;
		if (find_class(slot_end, &cls)) {
			cls <<= 8;
			cls_mask = 0xffff00;
			const char *pi = strstr(slot_end, "(prog-if ");
			uint32_t iface;
			const char *q;
			if (pi && (q = hex16(pi + 9, &iface)) && q == pi + 11) {
				cls |= iface;
				cls_mask |= 0xff;
			}
		}
		v = kp_reallocarray(v, count + 1, sizeof(*v));
		hcl_match_from_ids(&v[count++], vendor, device, HCL_ANY, HCL_ANY, cls, cls_mask);
		open = true;
	}
	if (bad > 1)
		kp_warn("'%s': %zu lines skipped in all", name, bad);
	if (!count) {
		kp_err("'%s': no devices found (give the output of 'lspci -n' or 'lspci -nn')",
		       name);
		return -KP_EINPUT;
	}
	*out = TAKE_PTR(v);
	*n = count;
	return 0;
}

/* ---- lsusb ---- */

/* The fields of lsusb -v we use, as HCL_ANY until seen. */
struct usb_dev {
	uint32_t vendor, product, bcd;
	uint32_t dev[3];      /* bDeviceClass, SubClass, Protocol */
	uint32_t (*ifs)[4];   /* per interface: class, subclass, protocol, number */
	size_t nifs;
	bool in_device;       /* inside "Device Descriptor:" (not the Qualifier) */
	bool in_iface;        /* inside an Interface Descriptor */
	bool cur;             /* ifs[nifs - 1] is that descriptor's (setting 0, not capped) */
};

static void usb_dev_reset(struct usb_dev *d, uint32_t v, uint32_t p)
{
	free(d->ifs);
	*d = (struct usb_dev){v, p, HCL_ANY, {HCL_ANY, HCL_ANY, HCL_ANY}, NULL, 0, false, false,
			      false};
}

/* "bcdDevice            2.00": lsusb prints it as %2x.%02x. */
static bool parse_bcd(const char *s, uint32_t *out)
{
	uint32_t hi, lo;
	const char *q = hex16(s, &hi);
	if (!q || *q != '.' || hi > 0xff || !(q = hex16(q + 1, &lo)) || q - s < 4 || lo > 0xff)
		return false;
	*out = hi << 8 | lo;
	return true;
}

/* A decimal byte, then blank, end, or a description. */
static bool parse_byte(const char *s, uint32_t *out)
{
	char *end;
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || v > 255 || (*end && *end != ' ' && *end != '\t'))
		return false;
	*out = (uint32_t)v;
	return true;
}

/* "  key   value": value of key when the line's first word is key. */
static const char *field(const char *t, const char *key)
{
	size_t n = strlen(key);
	if (strncmp(t, key, n) != 0 || (t[n] != ' ' && t[n] != '\t'))
		return NULL;
	return t + n + strspn(t + n, " \t");
}

static void usb_dev_line(struct usb_dev *d, const char *t)
{
	static const char *const dkeys[3] = {"bDeviceClass", "bDeviceSubClass", "bDeviceProtocol"};
	static const char *const ikeys[4] = {"bInterfaceClass", "bInterfaceSubClass",
					     "bInterfaceProtocol", "bInterfaceNumber"};
	const char *v;
	uint32_t x;

	if (!strcmp(t, "Interface Descriptor:")) {
		d->in_iface = true;
		d->cur = d->in_device && d->nifs < 256;
		if (d->cur) {
			d->ifs = kp_reallocarray(d->ifs, d->nifs + 1, sizeof(*d->ifs));
			for (int i = 0; i < 4; i++)
				d->ifs[d->nifs][i] = HCL_ANY;
			d->nifs++;
		}
		return;
	}
	if (!d->in_device)
		return;
	if ((v = field(t, "bcdDevice")) && parse_bcd(v, &x)) {
		d->bcd = x;
		return;
	}
	if (!d->in_iface) {
		for (int i = 0; i < 3; i++)
			if ((v = field(t, dkeys[i])) && parse_byte(v, &x))
				d->dev[i] = x;
		return;
	}
	if (!d->cur)
		return;
	if ((v = field(t, "bAlternateSetting")) && parse_byte(v, &x) && x != 0) {
		/* Another setting of the same interface: the kernel matches setting 0. */
		d->cur = false;
		d->nifs--;
		return;
	}
	for (int i = 0; i < 4; i++)
		if ((v = field(t, ikeys[i])) && parse_byte(v, &x))
			d->ifs[d->nifs - 1][i] = x;
}

static void usb_dev_emit(struct usb_dev *d, struct hcl_match **v, size_t *count)
{
	size_t n = d->nifs ? d->nifs : 1;
	*v = kp_reallocarray(*v, *count + n, sizeof(**v));
	for (size_t i = 0; i < n; i++) {
		uint32_t cls[7] = {d->dev[0], d->dev[1], d->dev[2], HCL_ANY, HCL_ANY, HCL_ANY,
				   HCL_ANY};
		if (d->nifs)
			for (int k = 0; k < 4; k++)
				cls[3 + k] = d->ifs[i][k];
		hcl_usb_from_ids(&(*v)[(*count)++], d->vendor, d->product, d->bcd, cls);
	}
}

/* "Bus 001 Device 002: ID 0bda:8179 ..." */
static bool bus_line(const char *l, uint32_t *vendor, uint32_t *product)
{
	unsigned bus, dev;
	int pos = -1;
	const char *q;
	if (sscanf(l, "Bus %3u Device %3u: ID %n", &bus, &dev, &pos) != 2 || pos < 0)
		return false;
	q = hex16(l + pos, vendor);
	if (!q || q != l + pos + 4 || *q != ':')
		return false;
	const char *e = hex16(q + 1, product);
	return e && e == q + 5 && (*e == '\0' || *e == ' ');
}

int hcl_parse_lsusb(const char *name, const char *text, struct hcl_match **out, size_t *n)
{
	_cleanup_free_ struct hcl_match *v = NULL;
	size_t count = 0, lineno = 0, bad = 0;
	struct usb_dev d = {0};
	bool open = false;

	*out = NULL;
	*n = 0;
	for (const char *line = text; line && *line; lineno++) {
		const char *nl = strchr(line, '\n');
		const char *e = nl ? nl : line + strlen(line);
		_cleanup_free_ char *l = kp_strndup(line, e - line);
		uint32_t a, b;
		line = nl ? nl + 1 : NULL;

		bool indented = l[0] == ' ' || l[0] == '\t';
		char *t = kp_strstrip(l);
		if (!*t)
			continue;
		if (bus_line(t, &a, &b)) {
			if (open)
				usb_dev_emit(&d, &v, &count);
			usb_dev_reset(&d, a, b);
			open = true;
			continue;
		}
		if (open && indented) {
			usb_dev_line(&d, t);
			continue;
		}
		if (open) {
			/* -v's sections: "Device Descriptor:", "Device Qualifier (...):",
			 * "Device Status: 0x0000", "Couldn't open device, ...": only the
			 * first describes what the kernel matches. */
			d.in_device = !strcmp(t, "Device Descriptor:");
			continue;
		}
		if (!bad++)
			kp_warn("'%s:%zu': not an 'lsusb' device line; skipped", name, lineno + 1);
	}
	if (open)
		usb_dev_emit(&d, &v, &count);
	usb_dev_reset(&d, 0, 0);
	if (bad > 1)
		kp_warn("'%s': %zu lines skipped in all", name, bad);
	if (!count) {
		kp_err("'%s': no devices found (give the output of 'lsusb' or 'lsusb -v')", name);
		return -KP_EINPUT;
	}
	*out = TAKE_PTR(v);
	*n = count;
	return 0;
}

static bool is_module_name(const char *name)
{
	return kp_endswith(name, ".ko") || kp_endswith(name, ".ko.xz") ||
	       kp_endswith(name, ".ko.gz") || kp_endswith(name, ".ko.zst");
}

static int walk(const char *dir, struct kp_strv *out, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	if (!d) {
		int r = -errno;
		kp_err("cannot read '%s': %s", dir, strerror(-r));
		return r == -ENOENT || r == -ENOTDIR ? -KP_EINPUT : r;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue; /* ., .., and Kbuild's .tmp_versions and friends */
		_cleanup_free_ char *p = kp_path_join(dir, de->d_name);
		if (is_module_name(de->d_name) && kp_is_file(p))
			kp_strv_push(out, p);
		else if (depth < 16 && de->d_type != DT_LNK && kp_is_dir(p))
			walk(p, out, depth + 1);
	}
	closedir(d);
	return 0;
}

int hcl_find_modules(const char *dir, struct kp_strv *out)
{
	size_t before = out->n;
	int r = walk(dir, out, 0);
	if (r < 0)
		return r;
	/* Sort only what we added, so output order does not depend on readdir. */
	struct kp_strv mine = {.v = out->v + before, .n = out->n - before};
	kp_strv_sort(&mine);
	return (int)(out->n - before);
}
