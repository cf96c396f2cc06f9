// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Step 5, the sources: the tree to build from, what of it stays out of
 * builds, the SRPM and the cache key, and the per-flavour copy that keeps
 * Kbuild incremental.
 */
#include "builder/internal.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/archive.h"
#include "common/fs.h"
#include "common/log.h"
#include "specgen/manifest.h"

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

/*
 * Whether the build copy t of s holds the same bytes. Only content counts:
 * the copy's mode is normalised (kp_normal_file_mode), so the original's
 * group-write bit (git's 0664) is no difference, and mtimes differ by
 * design (the copy's is when it was made). A size check first saves the
 * read for most edits. An mtime shortcut would be wrong: tar and git
 * checkout give an older mtime to new content.
 */
static bool same_content(const char *s, const struct stat *ss, const char *t)
{
	struct stat st;
	if (lstat(t, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size != ss->st_size)
		return false;
	_cleanup_free_ char *x = NULL, *y = NULL;
	size_t lx, ly;
	if (kp_read_file(s, &x, &lx) < 0 || kp_read_file(t, &y, &ly) < 0)
		return false;
	return lx == ly && memcmp(x, y, lx) == 0;
}

/*
 * Bring the copy t of the regular file s (stat ss) up to date. Unchanged
 * content keeps its mtime, so Kbuild does not recompile it; only a changed
 * mode is set in place.
 */
static int sync_file(const char *s, const struct stat *ss, const char *t)
{
	mode_t mode = kp_normal_file_mode(ss->st_mode);
	struct stat st;
	if (same_content(s, ss, t)) {
		if (stat(t, &st) == 0 && (st.st_mode & 07777) == mode)
			return 0;
		return chmod(t, mode) < 0 ? -errno : 0;
	}
	kp_rm_rf(t);
	int r = kp_copy_file(s, t, mode);
	/* Not the umask's idea of the mode: the one the key and the tarball use. */
	if (r == 0 && chmod(t, mode) < 0)
		r = -errno;
	return r;
}

bool bld_source_skip(const char *path, const char *outdir)
{
	const char *base = strrchr(path, '/');
	return junk_name(base ? base + 1 : path) || (outdir && !strcmp(path, outdir));
}

/*
 * Bring dst up to date with src, copying only files whose content changed,
 * so Kbuild's own timestamps make the next build incremental. Files only
 * in dst (objects) stay. skip_abs: a path to leave out (the output dir when
 * it sits inside the sources).
 */
int bld_sources_sync(const char *src, const char *dst, const char *skip_abs)
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
			r = bld_sources_sync(s, t, skip_abs);
		} else if (S_ISREG(st.st_mode)) {
			r = sync_file(s, &st, t);
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
int bld_sources_prepare(struct bld_run *rn)
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
	/* As bld_inputs_load() checks a directory source, once the archive is unpacked. */
	return bld_kbuild_dir_check(m->path, m->subdir_line, rn->srctop, m->subdir);
}
