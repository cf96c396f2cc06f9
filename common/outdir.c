// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/signals.h"
#include "common/util.h"

#define JOURNAL "publish-journal"

/* A journal entry names a file below the stage and the output dir, nothing outside them. */
static bool entry_ok(const char *f)
{
	return *f && f[0] != '/' && !kp_startswith(f, "../") && !strstr(f, "/../") &&
	       strcmp(f, "..") && !kp_endswith(f, "/..");
}

/*
 * A publish writes a journal (the stage's name, then every file it moves,
 * NUL-separated) before its first rename and removes it after its last.
 * A run killed in between leaves it; whoever takes the lock next (build,
 * verify, pack) rolls forward from the surviving stage before it looks at
 * anything, so nobody works on new RPMs beside an old report. Forward, not
 * back: the staged set is whole, and what it replaced may already be gone.
 */
static int finish_killed_publish(struct kp_outdir *o)
{
	_cleanup_free_ char *journal = kp_path_join(o->state, JOURNAL);
	_cleanup_free_ char *text = NULL;
	size_t len = 0;
	int r = kp_read_file(journal, &text, &len);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		kp_err("cannot read '%s': %s", journal, strerror(-r));
		return r;
	}
	const char *end = text + len;
	if (!len || !kp_startswith(text, "stage-") || strchr(text, '/') || end[-1] != '\0') {
		kp_err("'%s' is damaged: remove it and rebuild", journal);
		return -KP_EFAILED;
	}
	_cleanup_free_ char *stage = kp_path_join(o->state, text);
	for (const char *f = text + strlen(text) + 1; f < end; f += strlen(f) + 1) {
		if (!entry_ok(f)) {
			kp_err("'%s' is damaged: remove it and rebuild", journal);
			return -KP_EFAILED;
		}
		_cleanup_free_ char *src = kp_path_join(stage, f);
		if (access(src, F_OK) != 0)
			continue; /* moved before the kill */
		_cleanup_free_ char *dst = kp_path_join(o->dir, f);
		_cleanup_free_ char *parent = kp_strdup(dst);
		*strrchr(parent, '/') = '\0';
		if ((r = kp_mkdir_p(parent, 0755)) < 0 || (rename(src, dst) < 0 && (r = -errno))) {
			kp_err("cannot finish publishing '%s' for a killed run: %s", dst,
			       strerror(-r));
			return r;
		}
	}
	kp_info("finished publishing what a killed kmodpack run had started in '%s'", o->dir);
	kp_rm_rf(stage);
	unlink(journal);
	return 0;
}

static int write_journal(const struct kp_outdir *o, const struct kp_strv *files)
{
	_cleanup_buf_ struct kp_buf b = {0};
	const char *name = strrchr(o->stage, '/') + 1;
	kp_buf_add(&b, name, strlen(name) + 1);
	for (size_t i = 0; i < files->n; i++)
		kp_buf_add(&b, files->v[i], strlen(files->v[i]) + 1);
	_cleanup_free_ char *journal = kp_path_join(o->state, JOURNAL);
	int r = kp_write_file_atomic(journal, b.s, b.len, 0644);
	if (r < 0)
		kp_err("cannot write '%s': %s", journal, strerror(-r));
	return r;
}

static void remove_journal(const struct kp_outdir *o)
{
	_cleanup_free_ char *journal = kp_path_join(o->state, JOURNAL);
	unlink(journal);
}

static int lock_outdir_at(const char *dir, struct kp_outdir *o)
{
	*o = (struct kp_outdir){.lock_fd = -1};
	int r = kp_mkdir_p(dir, 0755);
	if (r < 0) {
		kp_err("cannot create output dir '%s': %s", dir, strerror(-r));
		return r;
	}
	o->dir = realpath(dir, NULL);
	if (!o->dir)
		return -errno;
	o->state = kp_path_join(o->dir, ".kmodpack");
	if ((r = kp_mkdir_p(o->state, 0755)) < 0) {
		kp_err("cannot create '%s': %s", o->state, strerror(-r));
		return r;
	}
	_cleanup_free_ char *lock = kp_path_join(o->state, "lock");
	o->lock_fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (o->lock_fd < 0) {
		r = -errno;
		kp_err("cannot open lock '%s': %s", lock, strerror(-r));
		return r;
	}
	if (flock(o->lock_fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK)
		return -errno;
	kp_info("waiting for another kmodpack run on '%s' to finish", o->dir);
	while (flock(o->lock_fd, LOCK_EX) < 0) {
		if (errno != EINTR)
			return -errno;
		if ((r = kp_check_interrupted()) < 0)
			return r;
	}
	return 0;
}

int kp_outdir_open(const char *dir, struct kp_outdir *o)
{
	int r = lock_outdir_at(dir, o);
	return r < 0 ? r : finish_killed_publish(o);
}

int kp_outdir_stage(struct kp_outdir *o)
{
	/* Stale stages of killed runs: we hold the lock, so nobody else owns them. */
	DIR *d = opendir(o->state);
	size_t stale = 0;
	if (d) {
		struct dirent *de;
		while ((de = readdir(d)))
			if (kp_startswith(de->d_name, "stage-")) {
				_cleanup_free_ char *p = kp_path_join(o->state, de->d_name);
				kp_rm_rf(p);
				stale++;
			}
		closedir(d);
	}
	/* Said once, however many runs were killed: the user may wonder where they went. */
	if (stale)
		kp_info("removed the unpublished work of %zu killed kmodpack run%s in '%s'", stale,
			stale == 1 ? "" : "s", o->state);
	o->stage = kp_path_join(o->state, "stage-XXXXXX");
	if (!mkdtemp(o->stage)) {
		int r = -errno;
		kp_err("cannot create staging dir in '%s': %s", o->state, strerror(-r));
		free(o->stage);
		o->stage = NULL;
		return r;
	}
	return 0;
}

struct moved {
	char *dst;
	char *backup; /* NULL when dst did not exist before */
};

static int collect(const char *root, const char *rel, struct kp_strv *out)
{
	_cleanup_free_ char *path = kp_path_join(root, rel);
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode)) {
		kp_strv_push(out, rel);
		return 0;
	}
	struct kp_strv names = {0};
	int r = kp_list_dir(path, &names);
	for (size_t i = 0; r == 0 && i < names.n; i++) {
		_cleanup_free_ char *sub = kp_path_join(rel, names.v[i]);
		r = collect(root, sub, out);
	}
	kp_strv_release(&names);
	return r;
}

/* Record the dirs between top (which exists) and dir that do not exist yet, outermost first. */
static void note_missing_dirs(const char *top, const char *dir, struct kp_strv *made)
{
	if (!strcmp(dir, top) || kp_is_dir(dir) || kp_strv_contains(made, dir))
		return;
	_cleanup_free_ char *parent = kp_strdup(dir);
	char *slash = strrchr(parent, '/');
	if (!slash || slash == parent)
		return;
	*slash = '\0';
	note_missing_dirs(top, parent, made);
	kp_strv_push(made, dir);
}

int kp_outdir_publish(struct kp_outdir *o, const char *const *top_files)
{
	static const char *const dirs[] = {"RPMS", "SRPMS", "SPECS"};
	struct kp_strv files = {0};
	int r = 0;
	for (size_t i = 0; i < KP_ARRAY_SIZE(dirs) && r == 0; i++)
		r = collect(o->stage, dirs[i], &files);
	for (size_t i = 0; top_files && top_files[i] && r == 0; i++)
		r = collect(o->stage, top_files[i], &files);
	kp_strv_sort(&files);

	_cleanup_free_ char *bakdir = kp_path_join(o->stage, ".backup");
	struct moved *done = kp_calloc(files.n + 1, sizeof(*done));
	size_t ndone = 0;
	struct kp_strv made = {0}; /* dirs this publish created, for the undo */
	if (r == 0)
		r = kp_mkdir_p(bakdir, 0700);
	if (r == 0)
		r = write_journal(o, &files);
	for (size_t i = 0; i < files.n && r == 0; i++) {
		_cleanup_free_ char *src = kp_path_join(o->stage, files.v[i]);
		char *dst = kp_path_join(o->dir, files.v[i]);
		_cleanup_free_ char *parent = kp_strdup(dst);
		*strrchr(parent, '/') = '\0';
		char *backup = NULL;
		note_missing_dirs(o->dir, parent, &made);
		if ((r = kp_mkdir_p(parent, 0755)) < 0) {
			kp_err("cannot create '%s': %s", parent, strerror(-r));
			free(dst);
			break;
		}
		if (access(dst, F_OK) == 0) {
			backup = kp_asprintf("%s/%zu", bakdir, i);
			if (link(dst, backup) < 0) {
				r = -errno;
				kp_err("cannot keep a copy of '%s' while publishing: %s", dst,
				       strerror(-r));
				free(backup);
				free(dst);
				break;
			}
		}
		if (rename(src, dst) < 0) {
			r = -errno;
			kp_err("cannot publish '%s': %s", dst, strerror(-r));
			free(backup);
			free(dst);
			break;
		}
		done[ndone++] = (struct moved){.dst = dst, .backup = backup};
	}
	/*
	 * On failure undo in reverse: the output dir goes back to what it was.
	 * The journal goes first, or the next run would roll forward a half
	 * undone publish; a kill during the undo itself is not covered.
	 */
	remove_journal(o);
	for (size_t i = ndone; r < 0 && i-- > 0;) {
		struct moved *m = &done[i];
		if (m->backup ? rename(m->backup, m->dst) : unlink(m->dst))
			kp_err("could not restore '%s': %s", m->dst, strerror(errno));
	}
	/* Deepest first; a dir that holds something else stays. */
	for (size_t i = made.n; r < 0 && i-- > 0;)
		rmdir(made.v[i]);
	kp_strv_release(&made);
	for (size_t i = 0; i < ndone; i++) {
		free(done[i].dst);
		free(done[i].backup);
	}
	free(done);
	kp_strv_release(&files);
	return r;
}

void kp_outdir_close(struct kp_outdir *o)
{
	if (o->stage)
		kp_rm_rf(o->stage);
	if (o->lock_fd >= 0)
		close(o->lock_fd);
	free(o->stage);
	free(o->state);
	free(o->dir);
	*o = (struct kp_outdir){.lock_fd = -1};
}
