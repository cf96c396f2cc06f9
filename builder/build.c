// SPDX-License-Identifier: GPL-2.0-or-later
#include "builder/build.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "builder/cache.h"
#include "common/archive.h"
#include "common/digest.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/outdir.h"
#include "common/runner.h"
#include "common/signals.h"
#include "firmware/data.h"
#include "hcl/hcl.h"
#include "kbuild/target.h"
#include "modinfo/ko.h"
#include "report/report.h"
#include "specgen/manifest.h"
#include "specgen/rpm.h"
#include "specgen/spec.h"
#include "verify/verify.h"

/* Everything one run owns; released in one place. */
struct run {
	const struct bld_build_opts *o;
	struct spec_manifest *m;
	struct kb_target *t;
	struct kp_outdir od;
	long long sde;
	char *srctop;	  /* prepared source tree (the Kbuild dir is srctop/subdir) */
	char **builddirs; /* per flavour: the M= dir's top (a copy of srctop) */
	char **logs;	  /* per flavour: outdir/logs/<flavour>.log */
	struct kp_job *jobs;
	struct bld_flavour_status *st;
	struct spec_flavour *sf;
	struct fw_data *data;	 /* the [data] section resolved, or NULL */
	struct rp_build *report; /* what this run produced, filled step by step */
	bool up_to_date;	 /* the cache matched: nothing was built */
};

int bld_env_source_date_epoch(long long *epoch)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	*epoch = -1;
	if (!s)
		return 0;
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || errno || v < 0 || !isdigit((unsigned char)*s)) {
		kp_err("SOURCE_DATE_EPOCH='%s' is not a number of seconds since 1970: set it to "
		       "e.g. $(git log -1 --format=%%ct), or unset it to use the manifest's "
		       "changelog date",
		       s);
		return -KP_EINPUT;
	}
	*epoch = v;
	return 0;
}

/* ---- progress ---- */

static void report_progress(struct run *rn)
{
	if (rn->o->progress)
		rn->o->progress(rn->o->progress_data, rn->st, rn->t->nflavours);
}

static void set_stage(struct run *rn, enum bld_stage s)
{
	for (size_t i = 0; i < rn->t->nflavours; i++) {
		if (rn->st[i].stage == BLD_FAILED)
			continue;
		rn->st[i].stage = s;
		if (s == BLD_DONE)
			rn->st[i].ended = kp_now();
	}
	report_progress(rn);
}

static void on_jobs(void *data, const struct kp_job *jobs, size_t n)
{
	struct run *rn = data;
	for (size_t i = 0; i < n; i++) {
		struct bld_flavour_status *s = &rn->st[i];
		s->started = jobs[i].started;
		s->stage = jobs[i].state == KP_JOB_QUEUED    ? BLD_QUEUED
			   : jobs[i].state == KP_JOB_RUNNING ? BLD_COMPILING
			   : jobs[i].state == KP_JOB_DONE    ? BLD_COMPILED
							     : BLD_FAILED;
		if (jobs[i].state == KP_JOB_FAILED || jobs[i].state == KP_JOB_DONE)
			s->ended = jobs[i].ended;
	}
	report_progress(rn);
}

/* ---- sources ---- */

static bool junk_name(const char *name)
{
	/* VCS data, our own state, and Kbuild products of an in-tree build. */
	static const char *const names[] = {".git",	     ".svn",	      ".hg",
					    ".kmodpack",     ".tmp_versions", "Module.symvers",
					    "modules.order", "Module.markers"};
	static const char *const exts[] = {".o", ".ko", ".mod", ".mod.c", ".cmd", ".a"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return true;
	for (size_t i = 0; i < KP_ARRAY_SIZE(exts); i++)
		if (kp_endswith(name, exts[i]))
			return true;
	return false;
}

static bool same_content(const char *a, const char *b)
{
	struct stat sa, sb;
	if (stat(a, &sa) < 0 || stat(b, &sb) < 0 || sa.st_size != sb.st_size ||
	    (sa.st_mode & 0777) != (sb.st_mode & 0777))
		return false;
	_cleanup_free_ char *x = NULL, *y = NULL;
	size_t lx, ly;
	if (kp_read_file(a, &x, &lx) < 0 || kp_read_file(b, &y, &ly) < 0)
		return false;
	return lx == ly && memcmp(x, y, lx) == 0;
}

bool bld_source_skip(const char *path, const char *outdir)
{
	const char *base = strrchr(path, '/');
	return junk_name(base ? base + 1 : path) || (outdir && !strcmp(path, outdir));
}

static bool skip_source(const char *path, void *outdir)
{
	return bld_source_skip(path, outdir);
}

/*
 * Bring dst up to date with src, copying only files whose content changed,
 * so Kbuild's own timestamps make the next build incremental. Files only
 * in dst (objects) stay. skip_abs: a path to leave out (the output dir when
 * it sits inside the sources).
 */
static int sync_tree(const char *src, const char *dst, const char *skip_abs)
{
	if (mkdir(dst, 0755) < 0 && errno != EEXIST)
		return -errno;
	struct kp_strv names = {0};
	int r = kp_list_dir(src, &names);
	for (size_t i = 0; r == 0 && i < names.n; i++) {
		_cleanup_free_ char *s = kp_path_join(src, names.v[i]);
		_cleanup_free_ char *t = kp_path_join(dst, names.v[i]);
		if (bld_source_skip(s, skip_abs))
			continue;
		struct stat st;
		if (lstat(s, &st) < 0) {
			r = -errno;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			r = sync_tree(s, t, skip_abs);
		} else if (S_ISREG(st.st_mode)) {
			if (!same_content(s, t)) {
				unlink(t);
				r = kp_copy_file(s, t, st.st_mode & 0777);
			}
		} else if (S_ISLNK(st.st_mode)) {
			char a[4096], b[4096];
			ssize_t na = readlink(s, a, sizeof(a) - 1),
				nb = readlink(t, b, sizeof(b) - 1);
			if (na < 0) {
				r = -errno;
				break;
			}
			if (nb != na || memcmp(a, b, na)) {
				a[na] = '\0';
				kp_rm_rf(t);
				if (symlink(a, t) < 0)
					r = -errno;
			}
		}
	}
	kp_strv_release(&names);
	return r;
}

/* The tree to build from: the source dir, or the archive unpacked (its single top dir). */
static int prepare_source(struct run *rn)
{
	const struct spec_manifest *m = rn->m;
	if (!m->source_is_archive) {
		rn->srctop = kp_strdup(m->source);
	} else {
		_cleanup_free_ char *dir = kp_path_join(rn->od.state, "src");
		struct kp_extract_opts xo = {.what = "source archive"};
		kp_rm_rf(dir);
		/* Confined to dir, and nothing of a refused archive stays (archive.h). */
		int r = kp_archive_extract(m->source, dir, &xo);
		if (r < 0)
			return r;
		/* Any top directory name works, including a bare version like "2.1/". */
		struct kp_strv top = {0};
		if ((r = kp_list_dir(dir, &top)) < 0)
			return r;
		_cleanup_free_ char *only = top.n == 1 ? kp_path_join(dir, top.v[0]) : NULL;
		kp_strv_release(&top);
		rn->srctop = only && kp_is_dir(only) ? TAKE_PTR(only) : TAKE_PTR(dir);
	}
	_cleanup_free_ char *kdir = kp_path_join(rn->srctop, m->subdir);
	_cleanup_free_ char *mk = kp_path_join(kdir, "Makefile");
	_cleanup_free_ char *kb = kp_path_join(kdir, "Kbuild");
	if (!kp_is_file(mk) && !kp_is_file(kb)) {
		kp_err("%s: no Makefile or Kbuild file in '%s': set [driver] subdir to the "
		       "directory of the driver's Kbuild Makefile",
		       m->path, kdir);
		return -KP_EINPUT;
	}
	return 0;
}

/* ---- compile ---- */

/*
 * A failed flavour's log must outlive the staging dir, and must not
 * replace the log of the build that is published: it is kept beside it as
 * logs/<flavour>.failed.log. Returns the path to show the user.
 */
static const char *keep_log(struct run *rn, size_t i)
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
static char *user_path(const struct run *rn, size_t i, const char *line)
{
	const char *bd = rn->builddirs[i];
	const char *hit = strstr(line, bd);
	if (!hit || rn->m->source_is_archive)
		return kp_strdup(line);
	return kp_asprintf("%.*s%s%s", (int)(hit - line), line, rn->srctop, hit + strlen(bd));
}

/* The first compiler errors in a log, for the message; the log has the rest. */
static char *first_errors(const struct run *rn, size_t i)
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

static int compile(struct run *rn)
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
		if ((r = sync_tree(rn->srctop, rn->builddirs[i], skip)) < 0) {
			kp_err("cannot copy the sources to '%s': %s", rn->builddirs[i],
			       strerror(-r));
			break;
		}
		_cleanup_free_ char *mdir = kp_path_join(rn->builddirs[i], m->subdir);
		struct kp_strv av = {0};
		kp_strv_push(&av, "make");
		kp_strv_pushf(&av, "-C%s", f->tree);
		kp_strv_pushf(&av, "M=%s", mdir);
		/* Map the build dir out of debug info and __FILE__: same sources, same .ko. */
		kp_strv_pushf(&av, "KCFLAGS=%s%s-ffile-prefix-map=%s=/usr/src/%s-%s",
			      user_kcflags ? user_kcflags : "", user_kcflags ? " " : "",
			      rn->builddirs[i], m->name, m->version);
		for (size_t a = 0; a < m->make_args.n; a++)
			kp_strv_push(&av, m->make_args.v[a]);
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
		r = kp_run_jobs(rn->jobs, n, jobs, on_jobs, rn);
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
		const char *log = keep_log(rn, i);
		kp_err("flavour %s (%s): compiling failed (make exited with %d):\n%s    full "
		       "log: %s",
		       rn->t->flavours[i].name, rn->t->flavours[i].release, rn->jobs[i].exit_status,
		       errs, log);
		r = -KP_EFAILED;
	}
	return r;
}

/* ---- modules ---- */

/* Built modules of one flavour: modules.order when Kbuild writes one, else every .ko. */
static void find_kos(const char *dir, struct kp_strv *out)
{
	struct kp_strv names = {0};
	kp_list_dir(dir, &names);
	for (size_t i = 0; i < names.n; i++) {
		if (names.v[i][0] == '.')
			continue;
		_cleanup_free_ char *p = kp_path_join(dir, names.v[i]);
		if (kp_endswith(names.v[i], ".ko") && kp_is_file(p))
			kp_strv_push(out, p);
		else if (kp_is_dir(p))
			find_kos(p, out);
	}
	kp_strv_release(&names);
}

static void built_modules(const char *mdir, struct kp_strv *out)
{
	_cleanup_free_ char *order = kp_path_join(mdir, "modules.order");
	_cleanup_free_ char *text = NULL;
	if (kp_read_file(order, &text, NULL) == 0) {
		for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
			kp_strstrip(line);
			if (!*line)
				continue;
			_cleanup_free_ char *p = kp_path_join(mdir, line);
			if (kp_endswith(p, ".o"))
				strcpy(p + strlen(p) - 2, ".ko");
			if (kp_is_file(p) && !kp_strv_contains(out, p))
				kp_strv_push(out, p);
		}
	}
	if (out->n == 0)
		find_kos(mdir, out);
	kp_strv_sort(out);
}

static char *module_file_name(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	return kp_strndup(b, strlen(b) - 3);
}

/*
 * Check and stage one flavour's modules: vermagic must name the flavour's
 * release, every module named in the manifest must exist; only those (or
 * all, when none are named) go into the buildroot.
 */
/*
 * The HCL pre-check (guide 7.10) when the flavour names the kernel's own
 * modules dir: the result goes into the report, one warning per PCI ID
 * the kernel already supports. Not a failure: the vendor decides.
 */
static int check_coverage(struct run *rn, size_t i, const struct kp_strv *kos)
{
	const struct kb_flavour *f = &rn->t->flavours[i];
	struct kp_strv warnings = {0};
	int r = hcl_check_modules(f->modules_dir, NULL, (const char *const *)kos->v, kos->n,
				  &rn->report->flavours[i].hcl, &warnings);
	if (r < 0) {
		kp_err("flavour %s: cannot check PCI coverage against '%s' (modules_dir in %s)",
		       f->name, f->modules_dir, rn->t->file ? rn->t->file : "the host target");
		kp_strv_release(&warnings);
		return r;
	}
	for (size_t k = 0; k < warnings.n; k++)
		kp_warn("flavour %s: %s", f->name, warnings.v[k]);
	kp_strv_release(&warnings);
	return 0;
}

static int stage_modules(struct run *rn, size_t i)
{
	struct rp_flavour *rf = &rn->report->flavours[i];
	const struct kb_flavour *f = &rn->t->flavours[i];
	const struct spec_manifest *m = rn->m;
	_cleanup_free_ char *mdir = kp_path_join(rn->builddirs[i], m->subdir);
	struct kp_strv kos = {0};
	built_modules(mdir, &kos);
	int r = 0;
	if (kos.n == 0) {
		kp_err("flavour %s: make succeeded but built no module (.ko) in '%s': does the "
		       "Makefile set obj-m? see %s",
		       f->name, mdir, keep_log(rn, i));
		kp_strv_release(&kos);
		return -KP_EFAILED;
	}
	struct kp_strv names = {0};
	for (size_t k = 0; k < kos.n; k++)
		kp_strv_push_take(&names, module_file_name(kos.v[k]));
	for (size_t k = 0; k < m->modules.n; k++)
		if (!kp_strv_contains(&names, m->modules.v[k])) {
			_cleanup_free_ char *built = kp_strdup("");
			for (size_t j = 0; j < names.n; j++) {
				char *b = kp_asprintf("%s%s%s", built, j ? ", " : "", names.v[j]);
				free(built);
				built = b;
			}
			kp_err("%s: modules: '%s' was not built for flavour %s (built: %s)",
			       m->path, m->modules.v[k], f->name, built);
			r = -KP_EFAILED;
		}

	_cleanup_free_ char *destdir = kp_asprintf("%s/buildroot/lib/modules/%s/%s", rn->od.stage,
						   f->release, rn->t->module_dir);
	if (r == 0 && (r = kp_mkdir_p(destdir, 0755)) < 0)
		kp_err("cannot create '%s': %s", destdir, strerror(-r));

	struct spec_flavour *sf = &rn->sf[i];
	sf->f = f;
	sf->mods = kp_calloc(kos.n, sizeof(*sf->mods));
	for (size_t k = 0; k < kos.n && r == 0; k++) {
		if (m->modules.n && !kp_strv_contains(&m->modules, names.v[k])) {
			kp_warn("flavour %s: module '%s' was built but is not in [driver] modules: "
				"not packaged",
				f->name, names.v[k]);
			continue;
		}
		struct mi_ko *ko = NULL;
		if ((r = mi_ko_open(kos.v[k], &ko)) < 0) {
			r = -KP_EFAILED;
			break;
		}
		const char *vermagic = mi_ko_get(ko, "vermagic");
		size_t rl = strlen(f->release);
		if (!vermagic || strncmp(vermagic, f->release, rl) ||
		    (vermagic[rl] != ' ' && vermagic[rl] != '\0')) {
			kp_err("flavour %s: module '%s' has vermagic '%s', not release %s: the "
			       "tree '%s' does not build modules for this kernel",
			       f->name, kos.v[k], vermagic ? vermagic : "(none)", f->release,
			       f->tree);
			mi_ko_free(ko);
			r = -KP_EFAILED;
			break;
		}
		struct spec_module *sm = &sf->mods[sf->nmods++];
		sm->name = kp_strdup(names.v[k]);
		mi_ko_get_all(ko, "alias", &sm->aliases);

		_cleanup_free_ char *dest = kp_asprintf("%s/%s.ko", destdir, sm->name);
		if ((r = kp_copy_file(kos.v[k], dest, 0644)) < 0)
			kp_err("cannot stage '%s': %s", dest, strerror(-r));

		struct rp_module *rm = rp_flavour_add_module(rf);
		rm->name = kp_strdup(sm->name);
		rm->path = kp_asprintf("/lib/modules/%s/%s/%s.ko", f->release, rn->t->module_dir,
				       sm->name);
		rm->vermagic = kp_strdup(vermagic);
		const char *srcv = mi_ko_get(ko, "srcversion");
		rm->srcversion = srcv ? kp_strdup(srcv) : NULL;
		mi_ko_get_all(ko, "alias", &rm->aliases);
		mi_ko_get_all(ko, "firmware", &rm->firmware);
		mi_ko_free(ko);
	}
	if (r == 0 && f->modules_dir)
		r = check_coverage(rn, i, &kos);
	kp_strv_release(&names);
	kp_strv_release(&kos);
	return r;
}

/* ---- report ---- */

/* An artifact staged by rpm, at the path the builder named it: record its size and sha256. */
static int add_artifact(struct run *rn, char *rel, enum rp_artifact_kind kind, const char *flavour)
{
	struct rp_artifact *a = rp_build_add_artifact(rn->report);
	a->kind = kind;
	a->path = rel;
	a->flavour = flavour ? kp_strdup(flavour) : NULL;
	_cleanup_free_ char *path = kp_path_join(rn->od.stage, rel);
	struct stat st;
	if (stat(path, &st) < 0) {
		kp_err("rpm did not produce '%s'", rel);
		return -KP_EFAILED;
	}
	a->size = st.st_size;
	return kp_sha256_file(path, a->sha256);
}

/* ---- the flow ---- */

static void run_release(struct run *rn)
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
	fw_data_free(rn->data);
	free(rn->builddirs);
	free(rn->logs);
	free(rn->jobs);
	free(rn->st);
	free(rn->sf);
	free(rn->srctop);
	kp_outdir_close(&rn->od);
	spec_manifest_free(rn->m);
	kb_target_free(rn->t);
	rp_build_free(rn->report);
}

/*
 * The data RPM's files: every firmware a module declares must be shipped or
 * declared external; then the files go into the buildroot and, at their
 * install paths, into Source1 so the SRPM rebuilds the same package.
 */
static int stage_data(struct run *rn)
{
	const struct fw_data *d = rn->data;
	/* One entry per module: flavours declare the same firmware, keep each name once. */
	struct fw_module_firmware *mods = NULL;
	const char ***names = NULL;
	size_t nmods = 0;
	for (size_t i = 0; i < rn->report->nflavours; i++) {
		const struct rp_flavour *rf = &rn->report->flavours[i];
		for (size_t k = 0; k < rf->nmods; k++) {
			const struct rp_module *rm = &rf->mods[k];
			size_t j = 0;
			while (j < nmods && strcmp(mods[j].module, rm->name))
				j++;
			if (j == nmods && rm->firmware.n) {
				mods = kp_reallocarray(mods, nmods + 1, sizeof(*mods));
				names = kp_reallocarray(names, nmods + 1, sizeof(*names));
				names[nmods] = NULL;
				mods[nmods++] = (struct fw_module_firmware){.module = rm->name};
			}
			for (size_t x = 0; x < rm->firmware.n; x++) {
				bool seen = false;
				for (size_t y = 0; y < mods[j].n_names && !seen; y++)
					seen = !strcmp(names[j][y], rm->firmware.v[x]);
				if (seen)
					continue;
				names[j] =
				    kp_reallocarray(names[j], mods[j].n_names + 1, sizeof(char *));
				names[j][mods[j].n_names++] = rm->firmware.v[x];
				mods[j].names = names[j];
			}
		}
	}
	int r = fw_data_check_firmware(d, mods, nmods);
	for (size_t j = 0; j < nmods; j++)
		free(names[j]);
	free(mods);
	free(names);
	if (r < 0)
		return r;

	_cleanup_free_ char *tree = kp_path_join(rn->od.stage, "datatree");
	_cleanup_free_ char *root = kp_path_join(rn->od.stage, "buildroot");
	for (size_t i = 0; i < d->n_files && r == 0; i++) {
		const struct fw_file *f = &d->files[i];
		for (int pass = 0; pass < 2 && r == 0; pass++) {
			_cleanup_free_ char *dst = kp_path_join(pass ? root : tree, f->dest + 1);
			_cleanup_free_ char *parent = kp_strdup(dst);
			*strrchr(parent, '/') = '\0';
			if ((r = kp_mkdir_p(f->is_dir ? dst : parent, 0755)) == 0 && !f->is_dir)
				r = kp_copy_file(f->src, dst, f->mode);
			if (r < 0)
				kp_err("cannot stage '%s': %s", dst, strerror(-r));
		}
	}
	return r;
}

static int package(struct run *rn)
{
	const struct spec_manifest *m = rn->m;
	const struct kb_target *t = rn->t;
	const char *stage = rn->od.stage;
	int r;

	set_stage(rn, BLD_PACKAGING);
	_cleanup_free_ char *sources = kp_path_join(stage, "SOURCES");
	_cleanup_free_ char *specs = kp_path_join(stage, "SPECS");
	_cleanup_free_ char *work = kp_path_join(stage, "rpmwork");
	_cleanup_free_ char *setup = spec_setup_dir(m);
	_cleanup_free_ char *source0 = kp_asprintf("%s.tar.gz", setup);
	_cleanup_free_ char *tarball = kp_path_join(sources, source0);
	if ((r = kp_mkdir_p(sources, 0755)) < 0 || (r = kp_mkdir_p(specs, 0755)) < 0 ||
	    (r = kp_mkdir_p(work, 0755)) < 0)
		return r;
	/* The SRPM carries the sources as the guide names them: <name>-<version>/. */
	if ((r = kp_archive_create(rn->srctop, setup, rn->sde, tarball, skip_source, rn->od.dir)) <
	    0)
		return r;

	struct spec_input in = {.m = m,
				.t = t,
				.flavours = rn->sf,
				.nflavours = t->nflavours,
				.source0 = source0,
				.source_date_epoch = rn->sde,
				.build_scripts = true};
	_cleanup_free_ char *data_files = NULL;
	_cleanup_free_ char *source1 = NULL;
	if (rn->data) {
		const struct fw_data *d = rn->data;
		source1 = kp_asprintf("%s-data-%s.tar.gz", m->name, d->version);
		_cleanup_free_ char *tree = kp_path_join(stage, "datatree");
		_cleanup_free_ char *tb = kp_path_join(sources, source1);
		if ((r = kp_archive_create(tree, ".", rn->sde, tb, NULL, NULL)) < 0)
			return r;
		if ((r = fw_data_render_files(d, &data_files)) < 0)
			return r;
		in.data_files = data_files;
		in.data_source = source1;
		in.data_version = d->version;
		in.data_release = d->release;
	}
	_cleanup_free_ char *spec = NULL;
	if ((r = spec_generate(&in, &spec)) < 0) {
		kp_err("%s: fix the field named above", m->path);
		return r;
	}
	_cleanup_free_ char *specname = kp_asprintf("%s.spec", m->name);
	_cleanup_free_ char *specfile = kp_path_join(specs, specname);
	if ((r = kp_write_file(specfile, spec, strlen(spec), 0644)) < 0) {
		kp_err("cannot write '%s': %s", specfile, strerror(-r));
		return r;
	}
	/* The same spec without build scripts, for the binary packages (rpm.h says why). */
	_cleanup_free_ char *pspec = NULL;
	_cleanup_free_ char *pspecfile = kp_path_join(work, "packaging.spec");
	in.build_scripts = false;
	if ((r = spec_generate(&in, &pspec)) < 0)
		return r;
	if ((r = kp_write_file(pspecfile, pspec, strlen(pspec), 0644)) < 0) {
		kp_err("cannot write '%s': %s", pspecfile, strerror(-r));
		return r;
	}

	_cleanup_free_ char *buildroot = kp_path_join(stage, "buildroot");
	_cleanup_free_ char *rpmdir = kp_path_join(stage, "RPMS");
	_cleanup_free_ char *srpmdir = kp_path_join(stage, "SRPMS");
	struct spec_rpm_opts ro = {.specfile = specfile,
				   .binary_specfile = pspecfile,
				   .buildroot = buildroot,
				   .sourcedir = sources,
				   .rpmdir = rpmdir,
				   .srpmdir = srpmdir,
				   .workdir = work,
				   .arch = t->arch,
				   .source_date_epoch = rn->sde,
				   .binary = true,
				   .source = true};
	if ((r = spec_rpm_build(&ro)) < 0)
		return r;
	if ((r = kp_check_interrupted()) < 0)
		return r;

	for (size_t i = 0; i < t->nflavours && r == 0; i++) {
		_cleanup_free_ char *pkg = spec_flavour_package(m, &t->flavours[i]);
		r = add_artifact(rn, spec_rpm_path(pkg, m->version, m->release, t->arch),
				 RP_ARTIFACT_RPM, t->flavours[i].name);
	}
	if (r == 0 && rn->data) {
		_cleanup_free_ char *pkg = kp_asprintf("%s-data", m->name);
		r = add_artifact(rn,
				 spec_rpm_path(pkg, rn->data->version, rn->data->release, "noarch"),
				 RP_ARTIFACT_DATA_RPM, NULL);
		rn->report->has_data = true;
		for (size_t i = 0; i < rn->data->eulas.n; i++)
			kp_strv_push(&rn->report->eulas, rn->data->eulas.v[i]);
		for (size_t i = 0; i < rn->data->firmware_external.n; i++)
			kp_strv_push(&rn->report->firmware_external,
				     rn->data->firmware_external.v[i]);
	}
	if (r == 0)
		r = add_artifact(rn, spec_srpm_path(m->name, m->version, m->release),
				 RP_ARTIFACT_SRPM, NULL);
	if (r == 0)
		r = add_artifact(rn, kp_asprintf("SPECS/%s", specname), RP_ARTIFACT_SPEC, NULL);
	return r;
}

/* The report's head, and one entry per flavour that the steps fill. */
static struct rp_build *report_new(struct run *rn)
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
	return b;
}

/* build --verify: the verdict goes into the report; a failure stops the publish. */
static int verify_build(struct run *rn, const char *dir)
{
	set_stage(rn, BLD_VERIFYING);
	_cleanup_free_ char *logdir = kp_path_join(rn->od.dir, "logs");
	struct vf_opts vo = {.dir = dir,
			     .report = rn->report,
			     .target = rn->t,
			     .logdir = logdir,
			     .jobs = rn->o->jobs,
			     .timeout = rn->o->verify_timeout,
			     .require_load = rn->o->verify_require_load};
	struct rp_verify *v = NULL;
	int r = vf_verify(&vo, &v);
	if (v) {
		if (r < 0)
			vf_log_failures(v);
		rp_verify_free(rn->report->verify);
		rn->report->verify = v;
	}
	return r;
}

static int run_build(struct run *rn)
{
	const struct bld_build_opts *o = rn->o;
	int r;
	if ((r = spec_manifest_load(o->driver_dir, &rn->m)) < 0)
		return r;
	if ((r = kb_target_load(o->target_file, &rn->t)) < 0)
		return r;
	if ((r = bld_env_source_date_epoch(&rn->sde)) < 0)
		return r;
	if (rn->sde < 0)
		rn->sde = rn->m->source_date_epoch;
	if (rn->sde < 0) {
		rn->sde = (long long)time(NULL);
		kp_warn("%s: no changelog or source_date_epoch and no SOURCE_DATE_EPOCH: using "
			"the current time, so the RPMs will not be reproducible",
			rn->m->path);
	}

	size_t n = rn->t->nflavours;
	rn->builddirs = kp_calloc(n, sizeof(char *));
	rn->logs = kp_calloc(n, sizeof(char *));
	rn->jobs = kp_calloc(n, sizeof(*rn->jobs));
	rn->st = kp_calloc(n, sizeof(*rn->st));
	rn->sf = kp_calloc(n, sizeof(*rn->sf));
	for (size_t i = 0; i < n; i++)
		rn->st[i].name = rn->t->flavours[i].name;
	rn->report = report_new(rn);

	if (rn->m->ndata) {
		struct fw_data_opts fo = {.manifest = rn->m->path,
					  .driver_dir = rn->m->dir,
					  .name = rn->m->name,
					  .version = rn->m->version,
					  .release = rn->m->release};
		if ((r = fw_data_load(&fo, rn->m->data, rn->m->ndata, &rn->data)) < 0)
			return r;
	}
	if ((r = kp_outdir_open(o->outdir ? o->outdir : "out", &rn->od)) < 0)
		return r;
	_cleanup_free_ char *key = NULL;
	if ((r = bld_cache_key(rn->m, rn->t, rn->data, rn->sde, rn->od.dir, &key)) < 0)
		return r;
	struct rp_build *published = NULL;
	if (!o->force && bld_cache_fresh(rn->od.state, rn->od.dir, key, &published)) {
		/* Nothing changed: the published build stands, nothing is written. */
		rp_build_free(rn->report);
		rn->report = published;
		rn->up_to_date = true;
		return o->verify ? verify_build(rn, rn->od.dir) : 0;
	}
	if ((r = kp_outdir_stage(&rn->od)) < 0)
		return r;
	if ((r = prepare_source(rn)) < 0)
		return r;
	if ((r = compile(rn)) < 0)
		return r;
	if ((r = kp_check_interrupted()) < 0)
		return r;

	for (size_t i = 0; i < n && r == 0; i++) {
		rn->report->flavours[i].compile_seconds = rn->jobs[i].ended - rn->jobs[i].started;
		r = stage_modules(rn, i);
	}
	if (r < 0)
		return r;
	if (rn->data && (r = stage_data(rn)) < 0)
		return r;
	if ((r = package(rn)) < 0)
		return r;
	if (o->verify && (r = verify_build(rn, rn->od.stage)) < 0)
		return r;

	_cleanup_free_ char *rpath = kp_path_join(rn->od.stage, RP_BUILD_REPORT_NAME);
	if ((r = rp_build_write(rn->report, rpath)) < 0)
		return r;
	if ((r = kp_check_interrupted()) < 0)
		return r;
	static const char *const top[] = {RP_BUILD_REPORT_NAME, "logs", NULL};
	if ((r = kp_outdir_publish(&rn->od, top)) < 0)
		return r;
	if (bld_cache_store(rn->od.state, key) < 0)
		kp_warn("cannot record the build in '%s': the next run rebuilds", rn->od.state);
	/* A failure's log that this build superseded would only mislead. */
	for (size_t i = 0; i < rn->t->nflavours; i++) {
		_cleanup_free_ char *old =
		    kp_asprintf("%s/logs/%s.failed.log", rn->od.dir, rn->t->flavours[i].name);
		unlink(old);
	}
	set_stage(rn, BLD_DONE);
	return 0;
}

int bld_build(const struct bld_build_opts *o, struct bld_build_result *res)
{
	struct run rn = {.o = o, .od = {.lock_fd = -1}};
	*res = (struct bld_build_result){0};
	int r = run_build(&rn);
	if (r < 0 && rn.st) {
		for (size_t i = 0; rn.t && i < rn.t->nflavours; i++)
			if (rn.st[i].stage != BLD_COMPILED && rn.st[i].stage != BLD_DONE)
				rn.st[i].stage = BLD_FAILED;
		report_progress(&rn);
	}
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
