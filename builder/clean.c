// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmodpack clean: remove what kmodpack keeps in an output dir between runs
 * and, when asked, the published build. Only names kmodpack makes, and
 * published files only while they are what it wrote (the report's sha256):
 * anything else found there stays and is named.
 */
#include <errno.h>
#include <unistd.h>

#include "builder/build.h"
#include "common/digest.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/outdir.h"
#include "report/report.h"

struct clean {
	const struct bld_clean_opts *o;
	const char *dir;
	struct kp_strv *removed, *kept;
	int err;
};

static void removed(struct clean *c, const char *rel)
{
	_cleanup_free_ char *p = kp_path_join(c->dir, rel);
	int r = c->o->dry_run ? 0 : kp_rm_rf(p);
	if (r < 0) {
		kp_err("cannot remove '%s': %s", p, strerror(-r));
		c->err = c->err ? c->err : r;
		return;
	}
	if (c->removed)
		kp_strv_push(c->removed, rel);
}

static void kept(struct clean *c, const char *rel, const char *why)
{
	if (c->kept)
		kp_strv_pushf(c->kept, "%s (%s)", rel, why);
}

/* .kmodpack: the build dirs, an unpacked source, stages, the cache key; the lock stays. */
static void clean_state(struct clean *c)
{
	_cleanup_free_ char *state = kp_path_join(c->dir, ".kmodpack");
	_cleanup_strv_ struct kp_strv names = {0};
	if (kp_list_dir(state, &names) < 0)
		return;
	for (size_t i = 0; i < names.n; i++) {
		const char *n = names.v[i];
		_cleanup_free_ char *rel = kp_path_join(".kmodpack", n);
		if (!strcmp(n, "lock"))
			continue;
		if (!strcmp(n, "build") || !strcmp(n, "src") || !strcmp(n, "cache-key") ||
		    kp_startswith(n, "stage-"))
			removed(c, rel);
		else
			kept(c, rel, "not kmodpack's");
	}
}

static void clean_failed_logs(struct clean *c)
{
	_cleanup_free_ char *logs = kp_path_join(c->dir, "logs");
	_cleanup_strv_ struct kp_strv names = {0};
	if (kp_list_dir(logs, &names) < 0)
		return;
	for (size_t i = 0; i < names.n; i++)
		if (kp_endswith(names.v[i], ".failed.log")) {
			_cleanup_free_ char *rel = kp_path_join("logs", names.v[i]);
			removed(c, rel);
		}
}

/* An empty directory kmodpack publishes into (RPMS/x86_64, SRPMS, ...) goes too. */
static void remove_if_empty(struct clean *c, const char *rel)
{
	_cleanup_free_ char *p = kp_path_join(c->dir, rel);
	if (!c->o->dry_run)
		rmdir(p);
}

/* The published build: each artifact while it is what kmodpack wrote, the logs, the report. */
static int clean_published(struct clean *c)
{
	_cleanup_free_ char *rp = kp_path_join(c->dir, RP_BUILD_REPORT_NAME);
	if (!kp_is_file(rp))
		return 0;
	_cleanup_(rp_build_freep) struct rp_build *b = NULL;
	int r = rp_build_read(rp, &b);
	if (r < 0) {
		kp_err("'%s' cannot be read: the published build is left as it is", rp);
		return r;
	}
	bool all_gone = true;
	for (size_t i = 0; i < b->nartifacts; i++) {
		const struct rp_artifact *a = &b->artifacts[i];
		_cleanup_free_ char *p = kp_path_join(c->dir, a->path);
		char sum[65];
		if (kp_sha256_file(p, sum) < 0)
			continue;
		if (strcmp(sum, a->sha256)) {
			kept(c, a->path, "changed since kmodpack wrote it");
			all_gone = false;
		} else {
			removed(c, a->path);
		}
	}
	for (size_t i = 0; i < b->nflavours; i++) {
		const char *log = b->flavours[i].log;
		_cleanup_free_ char *p = log ? kp_path_join(c->dir, log) : NULL;
		if (p && kp_startswith(log, "logs/") && !strstr(log, "..") && kp_is_file(p))
			removed(c, log);
	}
	for (size_t i = 0; i < b->nartifacts; i++) {
		_cleanup_free_ char *d = kp_strdup(b->artifacts[i].path);
		for (char *s; (s = strrchr(d, '/'));) {
			*s = '\0';
			remove_if_empty(c, d);
		}
	}
	remove_if_empty(c, "logs");
	/* The report goes last: while any file it lists is there, it says what that file is. */
	if (all_gone)
		removed(c, RP_BUILD_REPORT_NAME);
	else
		kept(c, RP_BUILD_REPORT_NAME, "it lists the files kept");
	return 0;
}

int bld_clean(const struct bld_clean_opts *o, struct kp_strv *removed_out, struct kp_strv *kept_out)
{
	_cleanup_free_ char *dir = realpath(o->outdir, NULL);
	if (!dir || !kp_is_dir(dir)) {
		kp_err("'%s' is not a directory: nothing to clean", o->outdir);
		return -KP_EINPUT;
	}
	_cleanup_free_ char *state = kp_path_join(dir, ".kmodpack");
	_cleanup_free_ char *rp = kp_path_join(dir, RP_BUILD_REPORT_NAME);
	if (!kp_is_dir(state) && !kp_is_file(rp)) {
		kp_err("'%s' is not a kmodpack output dir (no .kmodpack, no %s): nothing removed",
		       o->outdir, RP_BUILD_REPORT_NAME);
		return -KP_EINPUT;
	}
	/* The lock: a build never sees its build dirs or packages vanish half way. */
	struct kp_outdir od = {.lock_fd = -1};
	int r = kp_outdir_open(dir, &od);
	if (r < 0) {
		kp_outdir_close(&od);
		return r;
	}
	struct clean c = {.o = o, .dir = dir, .removed = removed_out, .kept = kept_out};
	clean_state(&c);
	clean_failed_logs(&c);
	if (o->all)
		r = clean_published(&c);
	kp_outdir_close(&od);
	return r < 0 ? r : c.err;
}
