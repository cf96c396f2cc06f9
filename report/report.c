// SPDX-License-Identifier: GPL-2.0-or-later
#include "report/report.h"

#include <stdarg.h>

const char *rp_verdict_name(enum rp_verdict v)
{
	static const char *const names[] = {"new", "supported", "overlap"};
	return v < KP_ARRAY_SIZE(names) ? names[v] : "?";
}

const char *rp_status_name(enum rp_status s)
{
	return s == RP_PASS   ? "passed"
	       : s == RP_FAIL ? "failed"
	       : s == RP_SKIP ? "skipped"
			      : "not run";
}

const char *rp_artifact_kind_name(enum rp_artifact_kind k)
{
	static const char *const names[] = {"rpm", "data-rpm", "srpm", "spec", "debuginfo-rpm"};
	return k < KP_ARRAY_SIZE(names) ? names[k] : "?";
}

void rp_check_fail(struct rp_check *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kp_strv_push_take(&c->errors, kp_vasprintf(fmt, ap));
	va_end(ap);
	c->status = RP_FAIL;
}

void rp_check_release(struct rp_check *c)
{
	kp_strv_release(&c->errors);
	*c = (struct rp_check){0};
}

void rp_coverage_release(struct rp_coverage *c)
{
	for (size_t i = 0; i < c->nids; i++) {
		struct rp_hcl_id *id = &c->ids[i];
		free(id->bus);
		free(id->vendor);
		free(id->device);
		free(id->subvendor);
		free(id->subdevice);
		free(id->class);
		free(id->alias);
		free(id->module);
		free(id->source);
		kp_strv_release(&id->claimed_by);
		kp_strv_release(&id->possible_class_match);
		for (size_t k = 0; k < id->nclaims; k++) {
			free(id->claims[k].module);
			free(id->claims[k].alias);
			free(id->claims[k].relation);
		}
		free(id->claims);
		free(id->vendor_name);
		free(id->device_name);
		free(id->subsystem_name);
	}
	free(c->ids);
	free(c->modules_dir);
	*c = (struct rp_coverage){0};
}

static void verify_module_release(struct rp_verify_module *m)
{
	free(m->name);
	free(m->path);
	rp_check_release(&m->install);
	rp_check_release(&m->symbols);
	rp_check_release(&m->load);
	free(m->load_error);
	free(m->load_errno);
	free(m->sig_verdict);
	kp_strv_release(&m->kernel);
}

void rp_verify_free(struct rp_verify *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->nflavours; i++) {
		struct rp_verify_flavour *f = &v->flavours[i];
		free(f->name);
		free(f->release);
		free(f->image);
		rp_check_release(&f->install);
		rp_check_release(&f->symbols);
		rp_check_release(&f->load);
		free(f->load_reason);
		free(f->accel);
		free(f->console);
		kp_strv_release(&f->kernel_modules);
		for (size_t k = 0; k < f->nmods; k++)
			verify_module_release(&f->mods[k]);
		free(f->mods);
	}
	free(v->flavours);
	free(v);
}

struct rp_build *rp_build_new(void)
{
	return kp_calloc(1, sizeof(struct rp_build));
}

static void flavour_release(struct rp_flavour *f)
{
	free(f->name);
	free(f->release);
	free(f->kver);
	free(f->tree);
	free(f->log);
	for (size_t k = 0; k < f->nmods; k++) {
		struct rp_module *m = &f->mods[k];
		free(m->name);
		free(m->path);
		free(m->vermagic);
		free(m->srcversion);
		free(m->debug_path);
		free(m->sig_signer);
		free(m->sig_key);
		free(m->sig_hashalgo);
		kp_strv_release(&m->aliases);
		kp_strv_release(&m->firmware);
	}
	free(f->mods);
	if (f->hcl)
		rp_coverage_release(f->hcl);
	free(f->hcl);
}

void rp_build_free(struct rp_build *b)
{
	if (!b)
		return;
	free(b->kmodpack_version);
	free(b->driver_name);
	free(b->driver_version);
	free(b->driver_release);
	free(b->manifest);
	free(b->vendor_code);
	free(b->vendor_name);
	free(b->target_name);
	free(b->arch);
	free(b->module_dir);
	for (size_t i = 0; i < b->nflavours; i++)
		flavour_release(&b->flavours[i]);
	free(b->flavours);
	for (size_t i = 0; i < b->nartifacts; i++) {
		free(b->artifacts[i].flavour);
		free(b->artifacts[i].path);
		free(b->artifacts[i].gpg_key);
	}
	free(b->artifacts);
	for (size_t i = 0; i < b->nskipped; i++) {
		free(b->skipped[i].name);
		free(b->skipped[i].release);
		free(b->skipped[i].reason);
	}
	free(b->skipped);
	kp_strv_release(&b->eulas);
	kp_strv_release(&b->firmware_external);
	rp_verify_free(b->verify);
	free(b);
}

/* Grow an array of n elements of size sz by one zeroed element; returns it. */
static void *grow(void **v, size_t *n, size_t sz)
{
	*v = kp_reallocarray(*v, *n + 1, sz);
	void *e = (char *)*v + *n * sz;
	memset(e, 0, sz);
	(*n)++;
	return e;
}

struct rp_flavour *rp_build_add_flavour(struct rp_build *b)
{
	return grow((void **)&b->flavours, &b->nflavours, sizeof(*b->flavours));
}

struct rp_module *rp_flavour_add_module(struct rp_flavour *f)
{
	return grow((void **)&f->mods, &f->nmods, sizeof(*f->mods));
}

struct rp_artifact *rp_build_add_artifact(struct rp_build *b)
{
	return grow((void **)&b->artifacts, &b->nartifacts, sizeof(*b->artifacts));
}

struct rp_skipped *rp_build_add_skipped(struct rp_build *b)
{
	return grow((void **)&b->skipped, &b->nskipped, sizeof(*b->skipped));
}

const struct rp_artifact *rp_build_flavour_rpm(const struct rp_build *b, const char *flavour)
{
	for (size_t i = 0; i < b->nartifacts; i++)
		if (b->artifacts[i].kind == RP_ARTIFACT_RPM && b->artifacts[i].flavour &&
		    !strcmp(b->artifacts[i].flavour, flavour))
			return &b->artifacts[i];
	return NULL;
}

const struct rp_artifact *rp_build_artifact(const struct rp_build *b, enum rp_artifact_kind k)
{
	for (size_t i = 0; i < b->nartifacts; i++)
		if (b->artifacts[i].kind == k)
			return &b->artifacts[i];
	return NULL;
}
