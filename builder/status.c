// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmodpack status: what an output dir holds, and whether a build would do
 * anything now. The answer is the no-op check's own (cache.c): the key of
 * the inputs as they are now against the key the last publish stored, and
 * the published files against the report's sha256; the differences
 * between the two keys are the reasons.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "builder/build.h"
#include "builder/cache.h"
#include "builder/internal.h"
#include "common/digest.h"
#include "common/fs.h"
#include "common/log.h"
#include "kbuild/target.h"
#include "report/report.h"
#include "specgen/manifest.h"

#define MAX_REASONS 12

/* A key line split in its label, name and the rest ("kmodpack\t0.1.1" has no name). */
struct key_line {
	const char *line;
	size_t idlen; /* label and name: what identifies the entry */
	const char *label, *rest;
	size_t labellen;
};

static void key_lines(char *key, struct key_line **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	for (char *s = strtok(key, "\n"); s; s = strtok(NULL, "\n")) {
		struct key_line k = {.line = s, .label = s};
		const char *t1 = strchr(s, '\t');
		const char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		k.labellen = t1 ? (size_t)(t1 - s) : strlen(s);
		k.idlen = t2 ? (size_t)(t2 - s) : k.labellen;
		k.rest = t2 ? t2 + 1 : t1 ? t1 + 1 : "";
		*out = kp_realloc(*out, (*n + 1) * sizeof(**out));
		(*out)[(*n)++] = k;
	}
}

static const struct key_line *find_line(const struct key_line *v, size_t n,
					const struct key_line *k)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].idlen == k->idlen && !strncmp(v[i].line, k->line, k->idlen))
			return &v[i];
	return NULL;
}

/* What a file entry of the key is, in words; NULL for entries that are not files. */
static const char *file_word(const struct key_line *k)
{
	static const struct {
		const char *label, *word;
	} words[] = {{"src", "source file"},	     {"manifest", "manifest"},
		     {"target", "target file"},	     {"tree", "kernel tree file"},
		     {"kernel", "kernel's modules.alias"}, {"archive", "source archive"},
		     {"template", "spec template"},
		     {"module-sign-cert", "module signing certificate"}};
	const char *sum = k->rest;
	bool is_sum = !strcmp(sum, "missing") || (strlen(sum) == 64 && !strchr(sum, '\t'));
	if (!is_sum || k->idlen == k->labellen)
		return NULL;
	for (size_t i = 0; i < KP_ARRAY_SIZE(words); i++)
		if (strlen(words[i].label) == k->labellen &&
		    !strncmp(k->label, words[i].label, k->labellen))
			return words[i].word;
	return k->label[0] == '/' ? "data file" : NULL;
}

static void reason(struct bld_status *st, size_t *count, char *text)
{
	if ((*count)++ < MAX_REASONS)
		kp_strv_push_take(&st->why, text);
	else
		free(text);
}

/* One reason per entry of the stored key that the key of now does not have. */
static void diff_keys(struct bld_status *st, char *old, char *now)
{
	_cleanup_free_ struct key_line *o = NULL, *n = NULL;
	size_t no, nn, count = 0;
	key_lines(old, &o, &no);
	key_lines(now, &n, &nn);
	for (size_t i = 0; i < nn; i++) {
		const struct key_line *k = &n[i], *was = find_line(o, no, k);
		const char *w = file_word(k);
		int id = (int)k->idlen, lab = (int)k->labellen;
		const char *name = k->line + k->labellen + (k->idlen > k->labellen);
		int namelen = id - (int)(name - k->line);
		if (was && !strcmp(was->rest, k->rest))
			continue;
		bool is_mode = lab == 4 && !strncmp(k->label, "mode", 4);
		if (is_mode && !was) /* a new file: its "source file added" says it */
			continue;
		if (is_mode)
			reason(st, &count,
			       kp_asprintf("file mode changed: %.*s (was %s, now %s)", namelen, name,
					   was->rest, k->rest));
		else if (w && !strcmp(k->rest, "missing"))
			reason(st, &count, kp_asprintf("%s missing: %.*s", w, namelen, name));
		else if (w && was)
			reason(st, &count, kp_asprintf("%s changed: %.*s", w, namelen, name));
		else if (w)
			reason(st, &count, kp_asprintf("%s added: %.*s", w, namelen, name));
		else if (!was)
			reason(st, &count, kp_asprintf("%.*s: new", id, k->line));
		else
			reason(st, &count,
			       kp_asprintf("%.*s %.*s: was '%s', now '%s'", lab, k->label, namelen,
					   name, was->rest, k->rest));
	}
	for (size_t i = 0; i < no; i++) {
		const struct key_line *k = &o[i];
		if (find_line(n, nn, k) || (k->labellen == 4 && !strncmp(k->label, "mode", 4)))
			continue;
		const char *w = file_word(k);
		const char *name = k->line + k->labellen + (k->idlen > k->labellen);
		int namelen = (int)k->idlen - (int)(name - k->line);
		if (w)
			reason(st, &count, kp_asprintf("%s removed: %.*s", w, namelen, name));
		else
			reason(st, &count, kp_asprintf("%.*s: gone", (int)k->idlen, k->line));
	}
	if (count > MAX_REASONS)
		kp_strv_pushf(&st->why, "... and %zu more", count - MAX_REASONS);
}

/* The target file the stored key names ("target\tPATH\tSHA256"), or NULL: the host's. */
static char *stored_target(const char *key)
{
	_cleanup_free_ char *copy = kp_strdup(key);
	_cleanup_free_ struct key_line *v = NULL;
	size_t n;
	key_lines(copy, &v, &n);
	for (size_t i = 0; i < n; i++)
		if (v[i].labellen == 6 && !strncmp(v[i].label, "target", 6) && file_word(&v[i]))
			return kp_strndup(v[i].line + 7, v[i].idlen - 7);
	return NULL;
}

/*
 * The flavours the last build was asked for with --flavour, as the stored
 * key says ("skipped\tNAME\tRELEASE\tnot selected (--flavour)"): status
 * asks about the same choice. False when it made none.
 */
static bool stored_choice(const char *key, const struct rp_build *b, struct kp_strv *out)
{
	static const char not_chosen[] = "not selected (--flavour)";
	_cleanup_free_ char *copy = kp_strdup(key);
	_cleanup_free_ struct key_line *v = NULL;
	size_t n;
	bool made = false;
	key_lines(copy, &v, &n);
	for (size_t i = 0; i < b->nflavours; i++)
		kp_strv_push(out, b->flavours[i].name);
	for (size_t i = 0; i < n; i++) {
		if (v[i].labellen != 7 || strncmp(v[i].label, "skipped", 7))
			continue;
		/* skipped\tNAME\tRELEASE\tREASON: rest is "RELEASE\tREASON" */
		const char *reason = strchr(v[i].rest, '\t');
		_cleanup_free_ char *name = kp_strndup(v[i].line + 8, v[i].idlen - 8);
		if (reason && !strcmp(reason + 1, not_chosen))
			made = true;
		else if (!kp_strv_contains(out, name))
			kp_strv_push(out, name);
	}
	if (!made)
		kp_strv_release(out);
	return made;
}

/* A run holding the lock now: a shared lock, not granted while it holds its exclusive one. */
static bool lock_busy(const char *state)
{
	_cleanup_free_ char *lock = kp_path_join(state, "lock");
	int fd = open(lock, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool busy = flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return busy;
}

static void check_artifacts(struct bld_status *st)
{
	for (size_t i = 0; i < st->report->nartifacts; i++) {
		const struct rp_artifact *a = &st->report->artifacts[i];
		_cleanup_free_ char *p = kp_path_join(st->outdir, a->path);
		char sum[65];
		if (kp_sha256_file(p, sum) < 0)
			kp_strv_pushf(&st->why, "published file missing: %s", a->path);
		else if (!bld_artifact_same(a, p))
			kp_strv_pushf(&st->why, "published file changed since the build: %s",
				      a->path);
	}
}

/* Whether a build would do anything now, and why: the no-op check's key, compared. */
static void check_fresh(struct bld_status *st, const char *target_given)
{
	_cleanup_free_ char *state = kp_path_join(st->outdir, ".kmodpack");
	_cleanup_free_ char *old = NULL;
	bool have_key = bld_cache_load(state, &old) == 0;
	st->target_file = target_given ? kp_strdup(target_given) : have_key ? stored_target(old) : NULL;
	st->fresh = BLD_FRESH_UNKNOWN;
	/* The manifest's path is absolute (spec_manifest_load): its dir is the driver dir. */
	const char *mf = st->report->manifest;
	const char *slash = mf ? strrchr(mf, '/') : NULL;
	if (slash && mf[0] == '/')
		st->driver_dir = slash == mf ? kp_strdup("/") : kp_strndup(mf, slash - mf);
	if (!st->driver_dir) {
		kp_strv_push(&st->why, "cannot tell: driver dir unknown (the build report names no manifest)");
		return;
	}
	if (!kp_is_dir(st->driver_dir)) {
		kp_strv_pushf(&st->why, "cannot tell: the driver dir '%s' is gone", st->driver_dir);
		return;
	}
	if (st->target_file && !kp_is_file(st->target_file)) {
		kp_strv_pushf(&st->why, "cannot tell: the target file '%s' is not found from here (give -t)",
			      st->target_file);
		return;
	}
	_cleanup_(bld_inputs_release) struct bld_inputs in = {0};
	_cleanup_strv_ struct kp_strv chosen = {0};
	struct bld_select sel = {0};
	if (have_key && stored_choice(old, st->report, &chosen))
		sel = (struct bld_select){.flavours = (const char *const *)chosen.v,
					  .nflavours = chosen.n};
	/* A build of every installed kernel (--all-kernels): asked about the same kernels. */
	sel.all_kernels = have_key && !st->target_file && strstr(old, "\nall-kernels\tyes\n");
	if (bld_inputs_load(st->driver_dir, st->target_file, &sel, false, &in) < 0) {
		kp_strv_pushf(&st->why, "cannot tell: the driver's manifest or the target does not load "
					"(see the errors above)");
		return;
	}
	_cleanup_free_ char *now = NULL;
	/* The key the last build was signed with: status asks about the same build. */
	const char *gk = have_key ? strstr(old, "\ngpg-key\t") : NULL;
	_cleanup_free_ char *gpg_key = gk ? kp_strndup(gk + 9, strcspn(gk + 9, "\n")) : NULL;
	if (gpg_key && !strcmp(gpg_key, "(none)")) {
		free(gpg_key);
		gpg_key = NULL;
	}
	/* And the module signing certificate it used (its file now). */
	const char *sc = have_key ? strstr(old, "\nmodule-sign-cert\t") : NULL;
	_cleanup_free_ char *sign_cert = sc ? kp_strndup(sc + 18, strcspn(sc + 18, "\t\n")) : NULL;
	if (sign_cert && !strcmp(sign_cert, "(none)")) {
		free(sign_cert);
		sign_cert = NULL;
	}
	if (bld_inputs_key(&in, gpg_key, sign_cert, st->outdir, &now) < 0) {
		kp_strv_push(&st->why, "cannot tell: the inputs cannot be read");
		return;
	}
	st->fresh = BLD_FRESH_NO;
	if (!have_key)
		kp_strv_push(&st->why, "kmodpack's state is gone (.kmodpack/cache-key): the next "
				       "build builds everything");
	else if (in.sde_is_now)
		kp_strv_pushf(&st->why, "%s: no changelog, source_date_epoch or SOURCE_DATE_EPOCH: "
					"every build is dated now, so none is ever up to date",
			      in.m->path);
	else if (strcmp(old, now))
		diff_keys(st, old, now);
	check_artifacts(st);
	if (st->why.n == 0)
		st->fresh = BLD_FRESH_YES;
}

int bld_status_read(const char *outdir, const char *target_file, struct bld_status *st)
{
	*st = (struct bld_status){0};
	st->outdir = realpath(outdir, NULL);
	if (!st->outdir || !kp_is_dir(st->outdir)) {
		kp_err("'%s' is not a directory: nothing built there", outdir);
		return -KP_EINPUT;
	}
	_cleanup_free_ char *state = kp_path_join(st->outdir, ".kmodpack");
	st->busy = lock_busy(state);
	_cleanup_free_ char *logs = kp_path_join(st->outdir, "logs");
	_cleanup_strv_ struct kp_strv names = {0};
	if (kp_list_dir(logs, &names) == 0)
		for (size_t i = 0; i < names.n; i++)
			if (kp_endswith(names.v[i], ".failed.log"))
				kp_strv_pushf(&st->failed_logs, "logs/%s", names.v[i]);
	_cleanup_free_ char *rp = kp_path_join(st->outdir, RP_BUILD_REPORT_NAME);
	if (!kp_is_file(rp))
		return 0;
	int r = rp_build_read(rp, &st->report);
	if (r < 0)
		return r;
	check_fresh(st, target_file);
	return 0;
}

void bld_status_release(struct bld_status *st)
{
	free(st->outdir);
	rp_build_free(st->report);
	free(st->driver_dir);
	free(st->target_file);
	kp_strv_release(&st->why);
	kp_strv_release(&st->failed_logs);
	*st = (struct bld_status){0};
}
