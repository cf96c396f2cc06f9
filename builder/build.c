// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmodpack build: run_build() calls the steps of docs/building.md in
 * order, each in the file named in builder/internal.h; this file owns the
 * run (its allocation and release) and the report's head.
 */
#include "builder/build.h"

#include <unistd.h>

#include "builder/cache.h"
#include "builder/internal.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/crypto.h"
#include "common/outdir.h"
#include "common/runner.h"
#include "common/signals.h"
#include "kbuild/target.h"
#include "report/report.h"
#include "specgen/manifest.h"
#include "specgen/spec.h"

static void run_release(struct bld_run *rn)
{
	size_t n = rn->t ? rn->t->nflavours : 0;
	for (size_t i = 0; i < n; i++) {
		free(rn->builddirs ? rn->builddirs[i] : NULL);
		free(rn->logs ? rn->logs[i] : NULL);
		if (rn->sf) {
			for (size_t k = 0; k < rn->sf[i].nmods; k++) {
				free(rn->sf[i].mods[k].name);
				kp_strv_release(&rn->sf[i].mods[k].aliases);
			}
			free(rn->sf[i].mods);
		}
	}
	for (size_t i = 0; rn->sig_hash && i < n; i++)
		free(rn->sig_hash[i]);
	free(rn->sig_hash);
	free(rn->sign_cert);
	kp_signer_free(rn->signer);
	free(rn->builddirs);
	free(rn->logs);
	free(rn->jobs);
	free(rn->st);
	free(rn->sf);
	free(rn->srctop);
	free(rn->key);
	kp_outdir_close(&rn->od);
	bld_inputs_release(&rn->in);
	rp_build_free(rn->report);
}

/* The report's head, and one entry per flavour that the steps fill. */
static struct rp_build *report_new(struct bld_run *rn)
{
	const struct spec_manifest *m = rn->m;
	const struct kb_target *t = rn->t;
	struct rp_build *b = rp_build_new();
	b->kmodpack_version = kp_strdup(KMODPACK_VERSION);
	b->driver_name = kp_strdup(m->name);
	b->driver_version = kp_strdup(m->version);
	b->driver_release = kp_strdup(m->release);
	b->manifest = kp_strdup(m->path);
	b->vendor_code = kp_strdup(m->vendor_code);
	b->vendor_name = kp_strdup(m->vendor_name);
	b->target_name = kp_strdup(t->name);
	b->arch = kp_strdup(t->arch);
	b->module_dir = kp_strdup(t->module_dir);
	b->source_date_epoch = rn->sde;
	for (size_t i = 0; i < t->nflavours; i++) {
		const struct kb_flavour *f = &t->flavours[i];
		struct rp_flavour *rf = rp_build_add_flavour(b);
		rf->name = kp_strdup(f->name);
		rf->release = kp_strdup(f->release);
		rf->kver = kp_strdup(f->kver);
		rf->tree = kp_strdup(f->tree);
		rf->log = kp_asprintf("logs/%s.log", f->name);
	}
	for (size_t i = 0; i < rn->in.nskipped; i++) {
		struct rp_skipped *s = rp_build_add_skipped(b);
		s->name = kp_strdup(rn->in.skipped[i].name);
		s->release = kp_strdup(rn->in.skipped[i].release);
		s->reason = kp_strdup(rn->in.skipped[i].reason);
	}
	return b;
}

/* Per-flavour state the steps fill, and the report's head. */
static void run_init(struct bld_run *rn)
{
	rn->m = rn->in.m;
	rn->t = rn->in.t;
	rn->data = rn->in.data;
	rn->sde = rn->in.sde;
	size_t n = rn->t->nflavours;
	rn->builddirs = kp_calloc(n, sizeof(char *));
	rn->logs = kp_calloc(n, sizeof(char *));
	rn->jobs = kp_calloc(n, sizeof(*rn->jobs));
	rn->st = kp_calloc(n, sizeof(*rn->st));
	rn->sf = kp_calloc(n, sizeof(*rn->sf));
	for (size_t i = 0; i < n; i++)
		rn->st[i].name = rn->t->flavours[i].name;
	rn->report = report_new(rn);
}

/* Steps 2 and 3: take the output dir; true when the published build still stands. */
static int take_outdir(struct bld_run *rn)
{
	int r = kp_outdir_open(rn->o->outdir ? rn->o->outdir : "out", &rn->od);
	if (r == 0)
		r = bld_inputs_key(&rn->in, rn->o->gpg_key, rn->sign_cert, rn->od.dir, &rn->key);
	if (r < 0 || rn->o->force)
		return r;
	struct rp_build *published = NULL;
	_cleanup_free_ char *why = NULL;
	if (bld_cache_fresh(rn->od.state, rn->od.dir, rn->key, &published, &why)) {
		/* Nothing changed: the published build stands, nothing is written. */
		rp_build_free(rn->report);
		rn->report = published;
		rn->up_to_date = true;
	} else if (why) {
		kp_info("rebuilding: %s", why);
	}
	return 0;
}

/* Step 7 for every flavour, with the compile time each took. */
static int stage_modules(struct bld_run *rn)
{
	int r = 0;
	for (size_t i = 0; i < rn->t->nflavours && r == 0; i++) {
		rn->report->flavours[i].compile_seconds = rn->jobs[i].ended - rn->jobs[i].started;
		r = bld_modules_stage(rn, i);
	}
	return r;
}

/* The steps of docs/building.md, in order. */
static int run_build(struct bld_run *rn)
{
	const struct bld_build_opts *o = rn->o;
	int r;
	if ((r = bld_inputs_load(o->driver_dir, o->target_file, &o->select, true, &rn->in)) <
	    0) /* 1 */
		return r;
	run_init(rn);
	if ((r = bld_sign_prepare(rn)) < 0 || /* 7's key, before anything is built */
	    (r = bld_gpg_prepare(rn)) < 0)    /* and 9's */
		return r;
	if ((r = take_outdir(rn)) < 0) /* 2, 3 */
		return r;
	if (rn->up_to_date)
		return o->verify ? bld_verify(rn, rn->od.dir) : 0;
	if ((r = kp_outdir_stage(&rn->od)) < 0 ||		   /* 4 */
	    (r = bld_sources_prepare(rn)) < 0 ||		   /* 5 */
	    (r = bld_compile(rn)) < 0 ||			   /* 6 */
	    (r = kp_check_interrupted()) < 0 ||			   /* */
	    (r = stage_modules(rn)) < 0 ||			   /* 7 */
	    (rn->data && (r = bld_data_stage(rn)) < 0) ||	   /* 8 */
	    (r = bld_package(rn)) < 0 ||			   /* 9 */
	    (o->verify && (r = bld_verify(rn, rn->od.stage)) < 0)) /* 7, --verify */
		return r;
	return bld_publish(rn); /* 10 */
}

int bld_build(const struct bld_build_opts *o, struct bld_build_result *res)
{
	struct bld_run rn = {.o = o, .od = {.lock_fd = -1}};
	*res = (struct bld_build_result){0};
	int r = run_build(&rn);
	if (r < 0 && rn.st)
		bld_progress_end(&rn, r);
	if (r == 0) {
		res->report = TAKE_PTR(rn.report);
		res->outdir = kp_strdup(rn.od.dir);
		res->report_path = kp_path_join(rn.od.dir, RP_BUILD_REPORT_NAME);
		res->up_to_date = rn.up_to_date;
	}
	int ir = kp_check_interrupted();
	run_release(&rn);
	return ir < 0 ? ir : r;
}

void bld_build_result_release(struct bld_build_result *res)
{
	rp_build_free(res->report);
	free(res->outdir);
	free(res->report_path);
	*res = (struct bld_build_result){0};
}
