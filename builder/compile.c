// SPDX-License-Identifier: GPL-2.0-or-later
/* Step 6, compile: a copy of the sources and one make per flavour, all at once. */
#include "builder/internal.h"

#include <stdio.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/runner.h"
#include "kbuild/makeargs.h"
#include "kbuild/target.h"
#include "specgen/manifest.h"

/*
 * A failed flavour's log must outlive the staging dir, and must not
 * replace the log of the build that is published: it is kept beside it as
 * logs/<flavour>.failed.log. Returns the path to show the user.
 */
const char *bld_keep_log(struct bld_run *rn, size_t i)
{
	const char *name = rn->t->flavours[i].name;
	char *kept = kp_asprintf("%s/logs/%s.failed.log", rn->od.dir, name);
	_cleanup_free_ char *dir = kp_path_join(rn->od.dir, "logs");
	if (kp_mkdir_p(dir, 0755) < 0 || rename(rn->logs[i], kept) < 0) {
		free(kept);
		return rn->logs[i];
	}
	free(rn->logs[i]);
	return rn->logs[i] = kept;
}

/* Names in the build copy mean nothing to the user: point at their own sources. */
static char *user_path(const struct bld_run *rn, size_t i, const char *line)
{
	const char *bd = rn->builddirs[i];
	const char *hit = strstr(line, bd);
	if (!hit || rn->m->source_is_archive)
		return kp_strdup(line);
	return kp_asprintf("%.*s%s%s", (int)(hit - line), line, rn->srctop, hit + strlen(bd));
}

/* The first compiler errors in a log, for the message; the log has the rest. */
static char *first_errors(const struct bld_run *rn, size_t i)
{
	_cleanup_free_ char *text = NULL;
	if (kp_read_file(rn->logs[i], &text, NULL) < 0)
		return kp_strdup("");
	struct kp_buf errs = {0}, make = {0};
	int ne = 0, nm = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		if (ne < 6 && (strstr(line, ": error:") || strstr(line, ": fatal error:") ||
			       strstr(line, "ERROR:"))) {
			_cleanup_free_ char *shown = user_path(rn, i, line);
			kp_buf_addf(&errs, "    %s\n", shown);
			ne++;
		} else if (nm < 3 && strstr(line, "***")) {
			kp_buf_addf(&make, "    %s\n", line);
			nm++;
		}
	}
	/* Compiler lines name file:line; make's own lines only when there are none. */
	if (ne) {
		kp_buf_release(&make);
		return kp_buf_steal(&errs);
	}
	kp_buf_release(&errs);
	return kp_buf_steal(&make);
}

int bld_compile(struct bld_run *rn)
{
	const struct spec_manifest *m = rn->m;
	size_t n = rn->t->nflavours;
	/* Logs are staged: published with the build, or kept as .failed.log (keep_log). */
	_cleanup_free_ char *logdir = kp_path_join(rn->od.stage, "logs");
	_cleanup_free_ char *bdir = kp_path_join(rn->od.state, "build");
	int r = kp_mkdir_p(logdir, 0755);
	if (r == 0)
		r = kp_mkdir_p(bdir, 0755);
	if (r < 0) {
		kp_err("cannot create '%s': %s", logdir, strerror(-r));
		return r;
	}
	/* When the output dir sits inside the sources, never copy it into a build. */
	const char *skip = kp_startswith(rn->od.dir, rn->srctop) ? rn->od.dir : NULL;
	const char *user_kcflags = getenv("KCFLAGS");
	char ***argvs = kp_calloc(n, sizeof(char **));
	for (size_t i = 0; i < n && r == 0; i++) {
		const struct kb_flavour *f = &rn->t->flavours[i];
		rn->builddirs[i] = kp_path_join(bdir, f->name);
		rn->logs[i] = kp_asprintf("%s/%s.log", logdir, f->name);
		if ((r = bld_sources_sync(rn->srctop, rn->builddirs[i], skip)) < 0) {
			kp_err_at(&(struct kp_log_where){.flavour = f->name},
				  "flavour %s: cannot copy the sources to '%s': %s", f->name,
				  rn->builddirs[i], strerror(-r));
			break;
		}
		_cleanup_free_ char *mdir = kp_path_join(rn->builddirs[i], m->subdir);
		struct kp_strv av = {0};
		kp_strv_push(&av, "make");
		if (m->own_makefile) {
			/* The driver's Makefile is the entry; its make_args name the tree. */
			kp_strv_pushf(&av, "-C%s", mdir);
		} else {
			kp_strv_pushf(&av, "-C%s", f->tree);
			kp_strv_pushf(&av, "M=%s", mdir);
		}
		/* Map the build dir out of debug info and __FILE__: same sources, same .ko. */
		kp_strv_pushf(&av, "KCFLAGS=%s%s-ffile-prefix-map=%s=/usr/src/%s-%s",
			      user_kcflags ? user_kcflags : "", user_kcflags ? " " : "",
			      rn->builddirs[i], m->name, m->version);
		/* {tree}, {release}, ... for this flavour; one argv entry per word. */
		struct kb_make_vars mv;
		kb_make_vars_of(rn->t, f, &mv);
		for (size_t a = 0; a < m->make_args.n; a++)
			kp_strv_push_take(&av, kb_make_arg_expand(m->make_args.v[a], &mv));
		if (!m->own_makefile)
			kp_strv_push(&av, "modules");
		argvs[i] = av.v;
		rn->jobs[i] = (struct kp_job){.name = f->name,
					      .argv = av.v,
					      .cwd = rn->builddirs[i],
					      .logpath = rn->logs[i],
					      .make = true};
		rn->st[i] = (struct bld_flavour_status){.name = f->name};
	}
	if (r == 0) {
		int jobs = rn->o->jobs > 0 ? rn->o->jobs : kp_ncpus();
		r = kp_run_jobs(rn->jobs, n, jobs, bld_progress_jobs, rn);
	}
	for (size_t i = 0; i < n; i++) {
		for (char **p = argvs[i]; p && *p; p++)
			free(*p);
		free(argvs[i]);
		rn->jobs[i].argv = NULL;
	}
	free(argvs);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		if (rn->jobs[i].state == KP_JOB_DONE)
			continue;
		_cleanup_free_ char *errs = first_errors(rn, i);
		const char *log = bld_keep_log(rn, i);
		kp_err_at(&(struct kp_log_where){.flavour = rn->t->flavours[i].name, .log = log},
			  "flavour %s (%s): compiling failed (make exited with %d):\n%s    full "
			  "log: %s",
			  rn->t->flavours[i].name, rn->t->flavours[i].release,
			  rn->jobs[i].exit_status, errs, log);
		r = -KP_EFAILED;
	}
	return r;
}
