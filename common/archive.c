// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"

int kp_archive_extract(const char *path, const char *dir)
{
	struct archive *a = archive_read_new();
	struct archive *w = archive_write_disk_new();
	archive_read_support_filter_all(a);
	archive_read_support_format_gnutar(a);
	archive_read_support_format_tar(a);
	/*
	 * SECURE_*: no "..", no writing through symlinks. Absolute names are
	 * refused below, before each entry is re-rooted at dir (which makes
	 * every path absolute, so libarchive's own check cannot be used).
	 */
	archive_write_disk_set_options(w, ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM |
					      ARCHIVE_EXTRACT_SECURE_NODOTDOT |
					      ARCHIVE_EXTRACT_SECURE_SYMLINKS);
	int r = 0;
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		kp_err("cannot open source archive '%s': %s", path, archive_error_string(a));
		r = -KP_EINPUT;
		goto out;
	}
	struct archive_entry *e;
	int st;
	while ((st = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		_cleanup_free_ char *name = kp_strdup(archive_entry_pathname(e));
		_cleanup_free_ char *dest = kp_path_join(dir, name);
		if (name[0] == '/' || !strcmp(name, "..") || kp_startswith(name, "../") ||
		    strstr(name, "/../")) {
			kp_err("source archive '%s': entry '%s' points outside the archive", path,
			       name);
			r = -KP_EINPUT;
			goto out;
		}
		int type = archive_entry_filetype(e);
		if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK) {
			kp_warn("source archive '%s': skipping special file '%s'", path, name);
			continue;
		}
		archive_entry_set_pathname(e, dest);
		const char *hl = archive_entry_hardlink(e);
		_cleanup_free_ char *hldest = hl ? kp_path_join(dir, hl) : NULL;
		if (hl)
			archive_entry_set_hardlink(e, hldest);
		archive_entry_set_uid(e, getuid());
		archive_entry_set_gid(e, getgid());
		if (archive_write_header(w, e) != ARCHIVE_OK) {
			kp_err("source archive '%s': cannot unpack '%s': %s", path, name,
			       archive_error_string(w));
			r = -KP_EINPUT;
			goto out;
		}
		const void *buf;
		size_t size;
		la_int64_t off;
		int dr;
		while ((dr = archive_read_data_block(a, &buf, &size, &off)) == ARCHIVE_OK)
			if (archive_write_data_block(w, buf, size, off) != ARCHIVE_OK)
				break;
		if (dr != ARCHIVE_EOF) {
			kp_err("source archive '%s': '%s' is damaged: %s", path, name,
			       archive_error_string(a));
			r = -KP_EINPUT;
			goto out;
		}
		if (archive_write_finish_entry(w) != ARCHIVE_OK) {
			kp_err("source archive '%s': cannot write '%s': %s", path, name,
			       archive_error_string(w));
			r = -KP_EINPUT;
			goto out;
		}
	}
	if (st != ARCHIVE_EOF) {
		kp_err("source archive '%s' is damaged or not a tar archive: %s", path,
		       archive_error_string(a));
		r = -KP_EINPUT;
	}
out:
	archive_read_free(a);
	archive_write_free(w);
	return r;
}

/* Collect every path below dir, relative, sorted: the tarball's order must not depend on readdir.
 */
struct skipper {
	bool (*fn)(const char *path, void *data);
	void *data;
};

static int list_tree(const char *dir, const char *rel, struct kp_strv *out,
		     const struct skipper *sk)
{
	_cleanup_free_ char *path = rel[0] ? kp_path_join(dir, rel) : kp_strdup(dir);
	struct kp_strv names = {0};
	int r = kp_list_dir(path, &names);
	for (size_t i = 0; i < names.n && r == 0; i++) {
		char *sub = rel[0] ? kp_asprintf("%s/%s", rel, names.v[i]) : kp_strdup(names.v[i]);
		_cleanup_free_ char *full = kp_path_join(dir, sub);
		struct stat st;
		if (sk->fn && sk->fn(full, sk->data)) {
			free(sub);
			continue;
		}
		kp_strv_push_take(out, sub);
		if (lstat(full, &st) == 0 && S_ISDIR(st.st_mode))
			r = list_tree(dir, sub, out, sk);
	}
	kp_strv_release(&names);
	return r;
}

int kp_archive_create(const char *dir, const char *prefix, long long mtime, const char *path,
		      bool (*skip)(const char *path, void *data), void *data)
{
	struct kp_strv files = {0};
	struct skipper sk = {skip, data};
	int r = list_tree(dir, "", &files, &sk);
	if (r < 0)
		return r;
	struct archive *a = archive_write_new();
	archive_write_set_format_pax_restricted(a);
	archive_write_add_filter_gzip(a);
	/* No timestamp or name in the gzip header: same input, same bytes. */
	archive_write_set_filter_option(a, "gzip", "timestamp", NULL);
	if (archive_write_open_filename(a, path) != ARCHIVE_OK) {
		kp_err("cannot create '%s': %s", path, archive_error_string(a));
		r = -KP_EFAILED;
		goto out;
	}
	for (size_t i = 0; i <= files.n && r == 0; i++) {
		const char *rel = i == 0 ? "" : files.v[i - 1];
		_cleanup_free_ char *full = rel[0] ? kp_path_join(dir, rel) : kp_strdup(dir);
		_cleanup_free_ char *name =
		    rel[0] ? kp_asprintf("%s/%s", prefix, rel) : kp_strdup(prefix);
		struct stat st;
		if (lstat(full, &st) < 0) {
			r = -errno;
			break;
		}
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, name);
		archive_entry_set_uid(e, 0);
		archive_entry_set_gid(e, 0);
		archive_entry_set_uname(e, "root");
		archive_entry_set_gname(e, "root");
		archive_entry_set_mtime(e, st.st_mtime < mtime ? st.st_mtime : mtime, 0);
		char target[4096];
		if (S_ISDIR(st.st_mode)) {
			archive_entry_set_filetype(e, AE_IFDIR);
			archive_entry_set_perm(e, 0755);
		} else if (S_ISLNK(st.st_mode)) {
			ssize_t n = readlink(full, target, sizeof(target) - 1);
			target[n < 0 ? 0 : n] = '\0';
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_perm(e, 0777);
			archive_entry_set_symlink(e, target);
		} else if (S_ISREG(st.st_mode)) {
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, st.st_mode & 0111 ? 0755 : 0644);
			archive_entry_set_size(e, st.st_size);
		} else {
			archive_entry_free(e);
			continue;
		}
		if (archive_write_header(a, e) != ARCHIVE_OK) {
			kp_err("cannot add '%s' to '%s': %s", full, path, archive_error_string(a));
			r = -KP_EFAILED;
		} else if (S_ISREG(st.st_mode)) {
			_cleanup_free_ char *content = NULL;
			size_t len = 0;
			r = kp_read_file(full, &content, &len);
			if (r == 0 && archive_write_data(a, content, len) != (la_ssize_t)len) {
				kp_err("cannot add '%s' to '%s': %s", full, path,
				       archive_error_string(a));
				r = -KP_EFAILED;
			}
		}
		archive_entry_free(e);
	}
	if (archive_write_close(a) != ARCHIVE_OK && r == 0) {
		kp_err("cannot write '%s': %s", path, archive_error_string(a));
		r = -KP_EFAILED;
	}
out:
	archive_write_free(a);
	kp_strv_release(&files);
	return r;
}
