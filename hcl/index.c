// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modules.alias is read as text rather than through libkmod: libkmod answers
 * "which modules match this concrete modalias", but relating a module's
 * patterns to the kernel's needs the patterns themselves, and libkmod has no
 * API to enumerate them. The format is one "alias PATTERN MODULE" per line.
 */
#include "hcl/index.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"

struct hcl_index {
	struct hcl_claim *claims;
	size_t n, alloc;
	struct kp_strv modules; /* owns the module names claims point to */
	/* Claims with vendor and device fixed, sorted by (vendor, device). */
	size_t *exact;
	size_t nexact;
	/* Everything else: vendor-wide, class claims, globs. */
	size_t *open;
	size_t nopen;
	bool sorted;
};

struct hcl_index *hcl_index_new(void)
{
	return kp_calloc(1, sizeof(struct hcl_index));
}

void hcl_index_free(struct hcl_index *idx)
{
	if (!idx)
		return;
	for (size_t i = 0; i < idx->n; i++)
		hcl_match_release(&idx->claims[i].match);
	free(idx->claims);
	free(idx->exact);
	free(idx->open);
	kp_strv_release(&idx->modules);
	free(idx);
}

size_t hcl_index_count(const struct hcl_index *idx)
{
	return idx->n;
}

/* Module names repeat thousands of times; keep one copy of the last one seen. */
static const char *intern(struct hcl_index *idx, const char *module)
{
	if (idx->modules.n && !strcmp(idx->modules.v[idx->modules.n - 1], module))
		return idx->modules.v[idx->modules.n - 1];
	kp_strv_push(&idx->modules, module);
	return idx->modules.v[idx->modules.n - 1];
}

static void add_take(struct hcl_index *idx, struct hcl_match *m, const char *module, bool builtin)
{
	if (idx->n == idx->alloc) {
		idx->alloc = idx->alloc ? idx->alloc * 2 : 1024;
		idx->claims = kp_reallocarray(idx->claims, idx->alloc, sizeof(*idx->claims));
	}
	idx->claims[idx->n++] = (struct hcl_claim){*m, intern(idx, module), builtin};
	*m = (struct hcl_match){0};
	idx->sorted = false;
}

void hcl_index_add(struct hcl_index *idx, const struct hcl_match *m, const char *module,
		   bool builtin)
{
	struct hcl_match copy;
	hcl_match_copy(&copy, m);
	add_take(idx, &copy, module, builtin);
}

static int read_text(const char *path, char **text)
{
	int r = kp_read_file(path, text, NULL);
	if (r == -ENOENT) {
		kp_err("'%s': no such file", path);
		return -KP_EENV;
	}
	if (r < 0) {
		kp_err("cannot read '%s': %s", path, strerror(-r));
		return -KP_EINPUT;
	}
	return 0;
}

static void warn_bad(const char *path, size_t bad, size_t first)
{
	if (bad)
		kp_warn("'%s': skipped %zu malformed line%s (first at line %zu)", path, bad,
			bad == 1 ? "" : "s", first);
}

/* A NUL-terminated copy of the len bytes at data; the readers change it in place. */
static char *copy_text(const void *data, size_t len)
{
	char *text = kp_malloc(len + 1);
	if (len)
		memcpy(text, data, len);
	text[len] = '\0';
	return text;
}

static void alias_text(struct hcl_index *idx, const char *path, char *text);

int hcl_index_add_modules_alias(struct hcl_index *idx, const char *path)
{
	_cleanup_free_ char *text = NULL;
	int r = read_text(path, &text);
	if (r < 0)
		return r;
	alias_text(idx, path, text);
	return 0;
}

int hcl_index_add_modules_alias_mem(struct hcl_index *idx, const char *path, const void *data,
				    size_t len)
{
	_cleanup_free_ char *text = copy_text(data, len);
	alias_text(idx, path, text);
	return 0;
}

static void alias_text(struct hcl_index *idx, const char *path, char *text)
{
	size_t lineno = 0, bad = 0, first_bad = 0;
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *words[4], *wsave = NULL;
		int n = 0;
		lineno++; /* strtok_r skips empty lines; counts are only for the warning */
		if (line[0] == '#')
			continue;
		for (char *w = strtok_r(line, " \t\r", &wsave); w && n < 4;
		     w = strtok_r(NULL, " \t\r", &wsave))
			words[n++] = w;
		if (n == 0)
			continue;
		if (n != 3 || strcmp(words[0], "alias") != 0) {
			if (!bad++)
				first_bad = lineno;
			continue;
		}
		struct hcl_match m;
		if (hcl_match_from_alias(words[1], &m) < 0)
			continue; /* acpi*:, of:, hid:, ... are not compared */
		add_take(idx, &m, words[2], false);
	}
	warn_bad(path, bad, first_bad);
}

static void builtin_text(struct hcl_index *idx, char *text, size_t len);

/* NUL-separated "module.key=value" strings, as the kernel build writes them. */
int hcl_index_add_builtin_modinfo(struct hcl_index *idx, const char *path)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = kp_read_file(path, &text, &len);
	if (r == -ENOENT) {
		kp_err("'%s': no such file", path);
		return -KP_EENV;
	}
	if (r < 0) {
		kp_err("cannot read '%s': %s", path, strerror(-r));
		return -KP_EINPUT;
	}
	builtin_text(idx, text, len);
	return 0;
}

int hcl_index_add_builtin_modinfo_mem(struct hcl_index *idx, const char *path, const void *data,
				      size_t len)
{
	_cleanup_free_ char *text = copy_text(data, len);
	builtin_text(idx, text, len);
	return 0;
}

/* text[len] is NUL (kp_read_file and copy_text terminate), so the last string is too. */
static void builtin_text(struct hcl_index *idx, char *text, size_t len)
{
	for (size_t i = 0; i < len;) {
		char *s = text + i;
		size_t n = strlen(s);
		i += n + 1;
		char *dot = strchr(s, '.');
		if (!dot || !kp_startswith(dot + 1, "alias="))
			continue;
		*dot = '\0';
		struct hcl_match m;
		if (hcl_match_from_alias(dot + 1 + strlen("alias="), &m) < 0)
			continue;
		add_take(idx, &m, s, true);
	}
}

static bool parse_u32(const char *s, uint32_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 16);
	if (errno || end == s || *end || v > 0xffffffffull)
		return false;
	*out = (uint32_t)v;
	return true;
}

/*
 * The 2.6-era format the guide (7.10) points at:
 * module vendor device subvendor subdevice class class_mask driver_data
 */
static void pcimap_text(struct hcl_index *idx, const char *path, char *text);

int hcl_index_add_pcimap(struct hcl_index *idx, const char *path)
{
	_cleanup_free_ char *text = NULL;
	int r = read_text(path, &text);
	if (r < 0)
		return r;
	pcimap_text(idx, path, text);
	return 0;
}

int hcl_index_add_pcimap_mem(struct hcl_index *idx, const char *path, const void *data, size_t len)
{
	_cleanup_free_ char *text = copy_text(data, len);
	pcimap_text(idx, path, text);
	return 0;
}

static void pcimap_text(struct hcl_index *idx, const char *path, char *text)
{
	size_t lineno = 0, bad = 0, first_bad = 0;
	char *save = NULL;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *w[9], *wsave = NULL;
		uint32_t v[6];
		int n = 0;
		lineno++;
		if (line[0] == '#')
			continue;
		for (char *t = strtok_r(line, " \t\r", &wsave); t && n < 9;
		     t = strtok_r(NULL, " \t\r", &wsave))
			w[n++] = t;
		if (n == 0)
			continue;
		bool ok = n == 8;
		for (int i = 0; ok && i < 6; i++)
			ok = parse_u32(w[i + 1], &v[i]);
		if (!ok) {
			if (!bad++)
				first_bad = lineno;
			continue;
		}
		struct hcl_match m;
		hcl_match_from_ids(&m, v[0], v[1], v[2], v[3], v[4], v[5]);
		add_take(idx, &m, w[0], false);
	}
	warn_bad(path, bad, first_bad);
}

int hcl_index_add_kernel(struct hcl_index *idx, const char *moddir)
{
	_cleanup_free_ char *alias = kp_path_join(moddir, "modules.alias");
	_cleanup_free_ char *pcimap = kp_path_join(moddir, "modules.pcimap");
	_cleanup_free_ char *builtin = kp_path_join(moddir, "modules.builtin.modinfo");
	int r;

	if (!kp_is_dir(moddir)) {
		kp_err("'%s': no such directory (give a /lib/modules/<release> dir)", moddir);
		return -KP_EENV;
	}
	if (kp_is_file(alias))
		r = hcl_index_add_modules_alias(idx, alias);
	else if (kp_is_file(pcimap))
		r = hcl_index_add_pcimap(idx, pcimap);
	else {
		kp_err("'%s': no modules.alias or modules.pcimap (run 'depmod -b ROOT RELEASE' "
		       "or install the kernel's modules)",
		       moddir);
		return -KP_EENV;
	}
	if (r < 0)
		return r;
	if (kp_is_file(builtin))
		r = hcl_index_add_builtin_modinfo(idx, builtin);
	return r;
}

/* (bus, vendor, device): PCI IDs may use 32 bits, so the bus is compared apart. */
static uint64_t exact_key(const struct hcl_claim *c)
{
	return (uint64_t)c->match.value[HCL_VENDOR] << 32 | c->match.value[HCL_DEVICE];
}

static int cmp_key(const struct hcl_claim *c, enum hcl_bus bus, uint64_t key)
{
	if (c->match.bus != bus)
		return c->match.bus < bus ? -1 : 1;
	uint64_t k = exact_key(c);
	return k < key ? -1 : k > key;
}

static struct hcl_index *sort_ctx;

static int cmp_exact(const void *a, const void *b)
{
	const struct hcl_claim *ca = &sort_ctx->claims[*(const size_t *)a];
	const struct hcl_claim *cb = &sort_ctx->claims[*(const size_t *)b];
	int c = cmp_key(ca, cb->match.bus, exact_key(cb));
	if (c)
		return c;
	/* Keep load order within one key so results are stable. */
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static void build(struct hcl_index *idx)
{
	free(idx->exact);
	free(idx->open);
	idx->exact = kp_calloc(idx->n, sizeof(size_t));
	idx->open = kp_calloc(idx->n, sizeof(size_t));
	idx->nexact = idx->nopen = 0;
	for (size_t i = 0; i < idx->n; i++) {
		const struct hcl_match *m = &idx->claims[i].match;
		if (hcl_match_fixed(m, HCL_VENDOR, NULL) && hcl_match_fixed(m, HCL_DEVICE, NULL))
			idx->exact[idx->nexact++] = i;
		else
			idx->open[idx->nopen++] = i;
	}
	sort_ctx = idx;
	qsort(idx->exact, idx->nexact, sizeof(size_t), cmp_exact);
	sort_ctx = NULL;
	idx->sorted = true;
}

static void consider(struct hcl_index *idx, const struct hcl_match *m, size_t i,
		     struct hcl_hit **hits, size_t *n, size_t *alloc)
{
	enum hcl_rel rel = hcl_match_relate(m, &idx->claims[i].match);
	if (rel == HCL_DISJOINT)
		return;
	if (*n == *alloc) {
		*alloc = *alloc ? *alloc * 2 : 8;
		*hits = kp_reallocarray(*hits, *alloc, sizeof(**hits));
	}
	(*hits)[(*n)++] = (struct hcl_hit){&idx->claims[i], rel};
}

static int cmp_hit(const void *a, const void *b)
{
	const struct hcl_claim *x = ((const struct hcl_hit *)a)->claim;
	const struct hcl_claim *y = ((const struct hcl_hit *)b)->claim;
	return x < y ? -1 : x > y;
}

size_t hcl_index_query(struct hcl_index *idx, const struct hcl_match *m, struct hcl_hit **hits)
{
	size_t n = 0, alloc = 0;
	uint32_t vendor, device;

	*hits = NULL;
	if (!idx->sorted)
		build(idx);
	if (hcl_match_fixed(m, HCL_VENDOR, &vendor) && hcl_match_fixed(m, HCL_DEVICE, &device)) {
		uint64_t key = (uint64_t)vendor << 32 | device;
		size_t lo = 0, hi = idx->nexact;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (cmp_key(&idx->claims[idx->exact[mid]], m->bus, key) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (size_t i = lo;
		     i < idx->nexact && !cmp_key(&idx->claims[idx->exact[i]], m->bus, key); i++)
			consider(idx, m, idx->exact[i], hits, &n, &alloc);
	} else {
		for (size_t i = 0; i < idx->nexact; i++)
			consider(idx, m, idx->exact[i], hits, &n, &alloc);
	}
	for (size_t i = 0; i < idx->nopen; i++)
		consider(idx, m, idx->open[i], hits, &n, &alloc);
	if (n > 1)
		qsort(*hits, n, sizeof(**hits), cmp_hit);
	return n;
}
