// SPDX-License-Identifier: GPL-2.0-or-later
/* What a user hands hcl: device IDs, lspci output, a driver dir. */
#include "hcl/hcl.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
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

int hcl_parse_device(const char *spec, struct hcl_match *m)
{
	uint32_t id[4] = {HCL_ANY, HCL_ANY, HCL_ANY, HCL_ANY};
	const char *s = spec;
	int i;

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
		       "e.g. 8086:10fb)",
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
