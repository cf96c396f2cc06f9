// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The symbol check, offline: what the kernel's module loader will do with
 * each undefined symbol, decided from the flavour's Module.symvers and the
 * exports of the build's other modules. A missing symbol is the kernel's
 * "Unknown symbol"; a CRC that differs from the one the module recorded in
 * __versions is "disagrees about version of symbol" (module_layout among
 * them: a module built for another kernel); GPL-only and namespaced
 * exports are refused to modules that may not use them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/fs.h"
#include "common/log.h"
#include "modinfo/ko.h"
#include "verify/internal.h"

struct export
{
	const char *name; /* into the symvers text */
	const char *owner;
	const char *ns; /* "" when none */
	uint32_t crc;
	bool gpl_only;
};

struct symvers {
	char *text;
	struct export *e;
	size_t n;
};

static int cmp_export(const void *a, const void *b)
{
	return strcmp(((const struct export *)a)->name, ((const struct export *)b)->name);
}

static void symvers_parse_text(struct symvers *sv);

/* Module.symvers's len bytes, copied: the reader below and the fuzz harness come here. */
static void symvers_parse(const void *data, size_t len, struct symvers *sv)
{
	sv->text = kp_malloc(len + 1);
	if (len)
		memcpy(sv->text, data, len);
	sv->text[len] = '\0';
	symvers_parse_text(sv);
}

static int symvers_load(const char *path, struct symvers *sv)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = kp_read_file(path, &data, &len);
	if (r < 0)
		return r;
	symvers_parse(data, len, sv);
	return 0;
}

/* sv->text, Module.symvers: "0xCRC\tsymbol\tmodule\tEXPORT_SYMBOL[_GPL][\tns]" per line. */
static void symvers_parse_text(struct symvers *sv)
{
	size_t alloc = 0;
	for (char *save = NULL, *l = strtok_r(sv->text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *f[5] = {0};
		size_t nf = 0;
		for (char *p = l; nf < 5; nf++) {
			f[nf] = p;
			char *t = strchr(p, '\t');
			if (!t) {
				nf++;
				break;
			}
			*t = '\0';
			p = t + 1;
		}
		if (nf < 4)
			continue;
		if (sv->n == alloc) {
			alloc = alloc ? alloc * 2 : 4096;
			sv->e = kp_reallocarray(sv->e, alloc, sizeof(*sv->e));
		}
		sv->e[sv->n++] = (struct export){.name = f[1],
						 .owner = f[2],
						 .ns = f[4] ? f[4] : "",
						 .crc = (uint32_t)strtoul(f[0], NULL, 16),
						 .gpl_only = strstr(f[3], "_GPL") != NULL};
	}
	/* An empty or all-invalid file leaves sv->e NULL, which qsort must not see. */
	if (sv->n > 1)
		qsort(sv->e, sv->n, sizeof(*sv->e), cmp_export);
}

static const struct export *symvers_find(const struct symvers *sv, const char *name)
{
	struct export key = {.name = name};
	if (!sv->n)
		return NULL;
	return bsearch(&key, sv->e, sv->n, sizeof(*sv->e), cmp_export);
}

static const struct mi_symver *find_ver(const struct mi_symver *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

/* The kernel's license_is_gpl_compatible(). */
static bool gpl_compatible(const char *l)
{
	static const char *const ok[] = {
	    "GPL",	    "GPL v2",	    "GPL and additional rights",
	    "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"};
	for (size_t i = 0; l && i < KP_ARRAY_SIZE(ok); i++)
		if (!strcmp(l, ok[i]))
			return true;
	return false;
}

/*
 * module_layout and friends: in __versions without being undefined. When
 * they differ the module was built for another kernel. Returns whether it
 * was.
 */
static bool check_layout(struct vf_flavour *f, struct vf_module *m, const struct mi_ko_syms *s,
			 const struct symvers *sv)
{
	size_t before = m->symbols.errors.n;
	for (size_t k = 0; k < s->nversions; k++) {
		const struct mi_symver *want = &s->versions[k];
		if (kp_strv_contains(&s->needs, want->name))
			continue;
		const struct export *e = symvers_find(sv, want->name);
		if (e && e->crc != want->crc)
			rp_check_fail(&m->symbols,
				      "disagrees about version of symbol %s: 0x%08x in the "
				      "module, 0x%08x in %s (built for another kernel?)",
				      want->name, want->crc, e->crc, f->release);
	}
	return m->symbols.errors.n > before;
}

/* What the kernel's export of sym requires of module m: CRC, license, namespace. */
static void check_export(struct vf_flavour *f, struct vf_module *m, const char *sym,
			 const struct mi_symver *want, const struct export *e, bool kernel_crcs,
			 bool other_kernel, size_t *other_crcs)
{
	if (kernel_crcs && want && want->crc != e->crc && other_kernel)
		(*other_crcs)++;
	else if (kernel_crcs && want && want->crc != e->crc)
		rp_check_fail(&m->symbols,
			      "disagrees about version of symbol %s: 0x%08x in the "
			      "module, 0x%08x in %s",
			      sym, want->crc, e->crc, f->release);
	if (e->gpl_only && !gpl_compatible(m->license))
		rp_check_fail(&m->symbols,
			      "symbol %s is GPL-only (%s) and the module's license "
			      "is '%s'",
			      sym, e->owner, m->license ? m->license : "(none)");
	if (*e->ns && !kp_strv_contains(&m->import_ns, e->ns))
		rp_check_fail(&m->symbols,
			      "symbol %s is in namespace %s, which the module does "
			      "not import (MODULE_IMPORT_NS)",
			      sym, e->ns);
}

/* Every symbol module i needs, from the build's other modules or the kernel. */
static void check_module(struct vf_flavour *f, size_t i, const struct mi_ko_syms *syms,
			 const struct symvers *sv, bool kernel_crcs)
{
	struct vf_module *m = &f->mods[i];
	const struct mi_ko_syms *s = &syms[i];
	/* When the layout differs, every other CRC differing says nothing more: count those. */
	bool other_kernel = kernel_crcs && check_layout(f, m, s, sv);
	size_t other_crcs = 0;
	for (size_t k = 0; k < s->needs.n; k++) {
		const char *sym = s->needs.v[k];
		const struct mi_symver *want = find_ver(s->versions, s->nversions, sym);
		/* The build's own modules first: the loader sees them once loaded. */
		const struct mi_symver *own = NULL;
		const char *owner = NULL;
		for (size_t j = 0; j < f->nmods && !own; j++)
			if (j != i && (own = find_ver(syms[j].exports, syms[j].nexports, sym)))
				owner = f->mods[j].name;
		if (own) {
			if (want && own->has_crc && want->crc != own->crc)
				rp_check_fail(&m->symbols,
					      "symbol %s: CRC 0x%08x recorded, module %s "
					      "exports 0x%08x",
					      sym, want->crc, owner, own->crc);
			continue;
		}
		const struct export *e = symvers_find(sv, sym);
		if (!e)
			rp_check_fail(&m->symbols,
				      "Unknown symbol %s: neither the %s kernel nor a module of "
				      "this build exports it",
				      sym, f->release);
		else
			check_export(f, m, sym, want, e, kernel_crcs, other_kernel, &other_crcs);
	}
	if (other_crcs)
		rp_check_fail(&m->symbols, "and %zu more symbols with CRCs of another kernel",
			      other_crcs);
	if (m->symbols.status == RP_NOTRUN)
		m->symbols.status = RP_PASS;
}

int vf_symbol_check(struct vf_run *v, struct vf_flavour *f)
{
	struct symvers sv = {0};
	_cleanup_free_ char *svpath = kp_path_join(f->tree, "Module.symvers");
	int r = symvers_load(svpath, &sv);
	if (r < 0) {
		kp_err("flavour %s: cannot read '%s': %s (the symbol check needs the tree's "
		       "Module.symvers)",
		       f->name, svpath, strerror(-r));
		return -KP_EENV;
	}
	bool kernel_crcs = false; /* a kernel without modversions lists 0x00000000 */
	for (size_t i = 0; i < sv.n && !kernel_crcs; i++)
		kernel_crcs = sv.e[i].crc != 0;

	struct mi_ko_syms *syms = kp_calloc(f->nmods, sizeof(*syms));
	bool *read = kp_calloc(f->nmods, sizeof(bool));
	for (size_t i = 0; i < f->nmods; i++) {
		_cleanup_free_ char *file = kp_path_join(f->root, f->mods[i].path + 1);
		read[i] = kp_is_file(file) && mi_ko_read_syms(file, &syms[i]) == 0;
	}
	for (size_t i = 0; i < f->nmods; i++) {
		if (read[i])
			check_module(f, i, syms, &sv, kernel_crcs);
		else
			rp_check_fail(&f->mods[i].symbols,
				      "%s is not installed or not a readable module",
				      f->mods[i].path);
	}
	f->symbols.status = RP_PASS;
	for (size_t i = 0; i < f->nmods; i++) {
		if (f->mods[i].symbols.status == RP_FAIL)
			f->symbols.status = RP_FAIL;
		mi_ko_syms_release(&syms[i]);
	}
	free(syms);
	free(read);
	free(sv.text);
	free(sv.e);
	return 0;
}
