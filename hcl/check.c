// SPDX-License-Identifier: GPL-2.0-or-later
#include "hcl/hcl.h"

#include <string.h>

#include "common/fs.h"
#include "common/log.h"
#include "modinfo/ko.h"

struct hcl_check {
	struct hcl_index *idx;
	const struct hcl_pciids *ids, *usb_ids;
	struct hcl_result *results;
	size_t n, alloc;
};

const char *hcl_verdict_name(enum hcl_verdict v)
{
	return rp_verdict_name((enum rp_verdict)v);
}

struct hcl_check *hcl_check_new(struct hcl_index *idx, const struct hcl_pciids *ids)
{
	struct hcl_check *c = kp_calloc(1, sizeof(*c));
	c->idx = idx;
	c->ids = ids;
	return c;
}

void hcl_check_set_usb_ids(struct hcl_check *c, const struct hcl_pciids *usb_ids)
{
	c->usb_ids = usb_ids;
}

void hcl_check_free(struct hcl_check *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		struct hcl_result *r = &c->results[i];
		hcl_match_release(&r->id);
		free(r->module);
		free(r->source);
		kp_strv_release(&r->claimed_by);
		kp_strv_release(&r->class_possible);
		free(r->hits);
	}
	free(c->results);
	free(c);
}

static void push_unique(struct kp_strv *sv, const char *s)
{
	if (!kp_strv_contains(sv, s))
		kp_strv_push(sv, s);
}

static void name_it(const struct hcl_check *c, struct hcl_result *r)
{
	uint32_t v, d, sv, sd;
	const struct hcl_pciids *ids = r->id.bus == HCL_BUS_USB ? c->usb_ids : c->ids;
	if (!ids || !hcl_match_fixed(&r->id, HCL_VENDOR, &v) || v > 0xffff)
		return;
	r->vendor_name = hcl_pciids_vendor(ids, v);
	if (!hcl_match_fixed(&r->id, HCL_DEVICE, &d) || d > 0xffff)
		return;
	r->device_name = hcl_pciids_device(ids, v, d);
	if (r->id.bus == HCL_BUS_PCI && hcl_match_fixed(&r->id, HCL_SUBVENDOR, &sv) &&
	    hcl_match_fixed(&r->id, HCL_SUBDEVICE, &sd) && sv <= 0xffff && sd <= 0xffff)
		r->subsystem_name = hcl_pciids_subsystem(c->ids, v, d, sv, sd);
}

const struct hcl_result *hcl_check_add(struct hcl_check *c, const struct hcl_match *id,
				       const char *module, const char *source)
{
	bool full = false;

	if (c->n == c->alloc) {
		c->alloc = c->alloc ? c->alloc * 2 : 16;
		c->results = kp_reallocarray(c->results, c->alloc, sizeof(*c->results));
	}
	struct hcl_result *r = &c->results[c->n++];
	*r = (struct hcl_result){0};
	hcl_match_copy(&r->id, id);
	r->module = module ? kp_strdup(module) : NULL;
	r->source = source ? kp_strdup(source) : NULL;
	r->nhits = hcl_index_query(c->idx, id, &r->hits);
	for (size_t i = 0; i < r->nhits; i++) {
		const struct hcl_hit *h = &r->hits[i];
		const struct hcl_match *claim = &h->claim->match;
		/*
		 * Either side narrowing by class only, against a side whose class
		 * is unknown: whether they meet depends on a class nobody stated.
		 */
		if ((hcl_match_is_class_claim(claim) && !hcl_match_class_known(id, claim)) ||
		    (hcl_match_is_class_claim(id) && !hcl_match_class_known(claim, id))) {
			push_unique(&r->class_possible, h->claim->module);
			continue;
		}
		push_unique(&r->claimed_by, h->claim->module);
		/* USB: descriptor bytes the ID does not state are the product's, not a range. */
		bool cond;
		enum hcl_rel rel = hcl_match_relate_assuming(id, claim, &cond);
		if (rel == HCL_SAME || rel == HCL_COVERED)
			full = true;
	}
	kp_strv_sort(&r->claimed_by);
	kp_strv_sort(&r->class_possible);
	r->verdict = full	       ? HCL_VERDICT_SUPPORTED
		     : r->claimed_by.n ? HCL_VERDICT_OVERLAP
				       : HCL_VERDICT_NEW;
	name_it(c, r);
	return r;
}

int hcl_check_add_ko(struct hcl_check *c, const char *path)
{
	struct mi_ko *ko;
	struct kp_strv aliases = {0};
	int r = mi_ko_open(path, &ko), count = 0;
	if (r < 0)
		return r;
	mi_ko_get_all(ko, "alias", &aliases);
	for (size_t i = 0; i < aliases.n; i++) {
		struct hcl_match m;
		if (hcl_match_from_alias(aliases.v[i], &m) < 0)
			continue;
		if (m.glob)
			kp_warn("'%s': alias '%s' is not in the kernel's form (lowercase hex?); "
				"compared as a pattern",
				path, aliases.v[i]);
		hcl_check_add(c, &m, mi_ko_name(ko), path);
		hcl_match_release(&m);
		count++;
	}
	kp_strv_release(&aliases);
	mi_ko_free(ko);
	return count;
}

size_t hcl_check_count(const struct hcl_check *c)
{
	return c->n;
}

const struct hcl_result *hcl_check_result(const struct hcl_check *c, size_t i)
{
	return i < c->n ? &c->results[i] : NULL;
}

size_t hcl_check_count_verdict(const struct hcl_check *c, enum hcl_verdict v)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++)
		n += c->results[i].verdict == v;
	return n;
}

static void coverage_id(const struct hcl_result *r, struct rp_hcl_id *id)
{
	id->bus = kp_strdup(hcl_bus_name(r->id.bus));
	id->vendor = hcl_match_format_field(&r->id, HCL_VENDOR);
	id->device = hcl_match_format_field(&r->id, HCL_DEVICE);
	id->subvendor = hcl_match_format_field(&r->id, HCL_SUBVENDOR);
	id->subdevice = hcl_match_format_field(&r->id, HCL_SUBDEVICE);
	id->class = hcl_match_format_class(&r->id);
	id->alias = kp_strdup(r->id.alias);
	id->module = r->module ? kp_strdup(r->module) : NULL;
	id->source = r->source ? kp_strdup(r->source) : NULL;
	/* enum hcl_verdict and enum rp_verdict list the verdicts in the same order. */
	id->verdict = (enum rp_verdict)r->verdict;
	for (size_t i = 0; i < r->claimed_by.n; i++)
		kp_strv_push(&id->claimed_by, r->claimed_by.v[i]);
	for (size_t i = 0; i < r->class_possible.n; i++)
		kp_strv_push(&id->possible_class_match, r->class_possible.v[i]);
	id->claims = kp_calloc(r->nhits, sizeof(*id->claims));
	id->nclaims = r->nhits;
	for (size_t i = 0; i < r->nhits; i++) {
		const struct hcl_hit *h = &r->hits[i];
		id->claims[i] =
		    (struct rp_hcl_claim){.module = kp_strdup(h->claim->module),
					  .alias = kp_strdup(h->claim->match.alias),
					  .relation = kp_strdup(hcl_rel_name(h->rel)),
					  .class_claim = hcl_match_is_class_claim(&h->claim->match),
					  .builtin = h->claim->builtin};
	}
	id->vendor_name = r->vendor_name ? kp_strdup(r->vendor_name) : NULL;
	id->device_name = r->device_name ? kp_strdup(r->device_name) : NULL;
	id->subsystem_name = r->subsystem_name ? kp_strdup(r->subsystem_name) : NULL;
}

void hcl_check_coverage(const struct hcl_check *c, struct rp_coverage *out)
{
	*out = (struct rp_coverage){.ids = kp_calloc(c->n, sizeof(*out->ids)), .nids = c->n};
	for (size_t i = 0; i < c->n; i++) {
		coverage_id(&c->results[i], &out->ids[i]);
		out->summary[c->results[i].verdict]++;
	}
}

int hcl_check_modules(const char *modules_dir, const char *pci_ids, const char *const *ko_paths,
		      size_t n, struct rp_coverage **coverage, struct kp_strv *warnings)
{
	_cleanup_(hcl_index_freep) struct hcl_index *idx = hcl_index_new();
	_cleanup_(hcl_pciids_freep) struct hcl_pciids *ids = NULL, *usb_ids = NULL;
	_cleanup_(hcl_check_freep) struct hcl_check *c = NULL;
	int r;

	r = hcl_index_add_kernel(idx, modules_dir);
	if (r < 0)
		return r;
	r = hcl_pciids_open(pci_ids ? pci_ids : HCL_PCIIDS_DEFAULT, &ids);
	if (r < 0) {
		if (pci_ids)
			return r;
		kp_warn("PCI device names left out of the hcl report");
	}
	c = hcl_check_new(idx, ids);
	/* USB names only when the database is there: most modules are PCI. */
	if (kp_is_file(HCL_USBIDS_DEFAULT) && hcl_pciids_open(HCL_USBIDS_DEFAULT, &usb_ids) == 0)
		hcl_check_set_usb_ids(c, usb_ids);
	for (size_t i = 0; i < n; i++) {
		size_t first = hcl_check_count(c);
		r = hcl_check_add_ko(c, ko_paths[i]);
		if (r < 0)
			return r;
		const char *base = strrchr(ko_paths[i], '/');
		base = base ? base + 1 : ko_paths[i];
		for (size_t j = first; j < hcl_check_count(c); j++) {
			const struct hcl_result *res = hcl_check_result(c, j);
			if (res->verdict != HCL_VERDICT_SUPPORTED)
				continue;
			_cleanup_free_ char *id = hcl_match_format_id(&res->id);
			_cleanup_free_ char *by = NULL;
			struct kp_buf b = {0};
			for (size_t k = 0; k < res->claimed_by.n; k++)
				kp_buf_addf(&b, "%s%s", k ? ", " : "", res->claimed_by.v[k]);
			by = kp_buf_steal(&b);
			/* USB ids format as "usb:0bda:8179"; PCI ones get their bus named. */
			const char *bus = res->id.bus == HCL_BUS_USB ? "" : "pci ";
			if (res->vendor_name || res->device_name)
				kp_strv_pushf(
				    warnings, "'%s': %s%s (%s %s) is already supported by in-kernel %s",
				    base, bus, id, res->vendor_name ? res->vendor_name : "?",
				    res->device_name ? res->device_name : "?", by);
			else
				kp_strv_pushf(warnings,
					      "'%s': %s%s is already supported by in-kernel %s", base,
					      bus, id, by);
		}
	}
	struct rp_coverage *cov = kp_calloc(1, sizeof(*cov));
	hcl_check_coverage(c, cov);
	cov->modules_dir = kp_strdup(modules_dir);
	*coverage = cov;
	return 0;
}
