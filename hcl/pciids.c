// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pci.ids is ~40,000 lines; it is read once into one buffer, names point into
 * it, and lookups are binary searches over three sorted key arrays.
 */
#include "hcl/pciids.h"

#include <errno.h>
#include <string.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"

struct entry {
	uint64_t key;
	const char *name;
};

struct table {
	struct entry *v;
	size_t n, alloc;
};

struct hcl_pciids {
	char *text;
	struct table vendors, devices, subsystems;
};

static void table_add(struct table *t, uint64_t key, const char *name)
{
	if (t->n == t->alloc) {
		t->alloc = t->alloc ? t->alloc * 2 : 1024;
		t->v = kp_reallocarray(t->v, t->alloc, sizeof(*t->v));
	}
	t->v[t->n++] = (struct entry){key, name};
}

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	return x->key < y->key ? -1 : x->key > y->key;
}

static void table_sort(struct table *t)
{
	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), cmp_entry);
}

static const char *table_find(const struct table *t, uint64_t key)
{
	if (!t->n)
		return NULL; /* bsearch on a NULL base is undefined even for 0 items */
	struct entry k = {key, NULL};
	const struct entry *e = bsearch(&k, t->v, t->n, sizeof(*t->v), cmp_entry);
	return e ? e->name : NULL;
}

/* 4 lowercase-or-uppercase hex digits; pci.ids writes lowercase. */
static bool hex4(const char *s, uint16_t *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = s[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return false;
	}
	*out = (uint16_t)v;
	return true;
}

/* After the ID: at least one blank, then the name (pci.ids uses two spaces). */
static const char *name_after(const char *s)
{
	if (*s != ' ' && *s != '\t')
		return NULL;
	s += strspn(s, " \t");
	return *s ? s : NULL;
}

static void parse(struct hcl_pciids *ids)
{
	uint16_t vendor = 0, device = 0;
	bool have_vendor = false, have_device = false;

	for (char *line = ids->text; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		size_t len = strlen(line);
		if (len && line[len - 1] == '\r')
			line[--len] = '\0';
		char *next = nl ? nl + 1 : NULL;
		uint16_t a, b;
		const char *name;

		if (line[0] == '#' || len == 0) {
			/* comment or blank: keeps the current vendor */
		} else if (line[0] == 'C' && line[1] == ' ') {
			/* The class list comes last; its lines are not vendors. */
			break;
		} else if (line[0] != '\t') {
			have_vendor = hex4(line, &vendor) && (name = name_after(line + 4));
			have_device = false;
			if (have_vendor)
				table_add(&ids->vendors, vendor, name);
		} else if (line[1] != '\t') {
			have_device =
			    have_vendor && hex4(line + 1, &device) && (name = name_after(line + 5));
			if (have_device)
				table_add(&ids->devices, (uint64_t)vendor << 16 | device, name);
		} else if (have_device && hex4(line + 2, &a) && line[6] == ' ' &&
			   hex4(line + 7, &b) && (name = name_after(line + 11))) {
			table_add(&ids->subsystems,
				  (uint64_t)vendor << 48 | (uint64_t)device << 32 |
				      (uint64_t)a << 16 | b,
				  name);
		}
		line = next;
	}
	table_sort(&ids->vendors);
	table_sort(&ids->devices);
	table_sort(&ids->subsystems);
}

/* Parse text (NUL-terminated, taken over) as the pci.ids file path. */
static void parse_text(const char *path, char *text, struct hcl_pciids **out)
{
	struct hcl_pciids *ids = kp_calloc(1, sizeof(*ids));
	ids->text = text;
	parse(ids);
	if (ids->vendors.n == 0)
		kp_warn("'%s': no vendor entries (is it a pci.ids file?)", path);
	*out = ids;
}

int hcl_pciids_open(const char *path, struct hcl_pciids **out)
{
	char *text;
	int r = kp_read_file(path, &text, NULL);

	if (r == -ENOENT) {
		kp_err("'%s': no such file (install pciutils or pci.ids, or pass --pci-ids FILE)",
		       path);
		return -KP_EENV;
	}
	if (r < 0) {
		kp_err("cannot read '%s': %s", path, strerror(-r));
		return -KP_EINPUT;
	}
	parse_text(path, text, out);
	return 0;
}

int hcl_pciids_parse(const char *path, const void *data, size_t len, struct hcl_pciids **out)
{
	char *text = kp_malloc(len + 1);
	if (len)
		memcpy(text, data, len);
	text[len] = '\0';
	parse_text(path, text, out);
	return 0;
}

void hcl_pciids_free(struct hcl_pciids *ids)
{
	if (!ids)
		return;
	free(ids->vendors.v);
	free(ids->devices.v);
	free(ids->subsystems.v);
	free(ids->text);
	free(ids);
}

const char *hcl_pciids_vendor(const struct hcl_pciids *ids, uint16_t vendor)
{
	return table_find(&ids->vendors, vendor);
}

const char *hcl_pciids_device(const struct hcl_pciids *ids, uint16_t vendor, uint16_t device)
{
	return table_find(&ids->devices, (uint64_t)vendor << 16 | device);
}

const char *hcl_pciids_subsystem(const struct hcl_pciids *ids, uint16_t vendor, uint16_t device,
				 uint16_t subvendor, uint16_t subdevice)
{
	return table_find(&ids->subsystems, (uint64_t)vendor << 48 | (uint64_t)device << 32 |
						(uint64_t)subvendor << 16 | subdevice);
}
