// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <search.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/isocheck.h"
#include "common/log.h"
#include "common/pathcheck.h"
#include "common/util.h"

const struct kp_extract_limits kp_source_limits = {
    .max_entry_size = KP_SOURCE_MAX_ENTRY_SIZE,
    .max_total_size = KP_SOURCE_MAX_TOTAL_SIZE,
    .max_entries = KP_SOURCE_MAX_ENTRIES,
};

const struct kp_extract_limits kp_iso_limits = {
    .max_entry_size = 4LL << 30,
    .max_total_size = 16LL << 30,
    .max_entries = 100000,
};

/* One extraction: what it has written so far, for the checks of the next entry. */
struct unpack {
	const char *archive, *what;
	const struct kp_extract_limits *lim;
	int dirfd;
	void *regular;		 /* tsearch tree of the regular files unpacked (clean names) */
	struct kp_strv symlinks; /* clean names of the symlinks unpacked */
	long long entries, total;
};

static int cmp_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

KP_PRINTF(3, 4) static int refuse(const struct unpack *u, const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *why = kp_vasprintf(fmt, ap);
	va_end(ap);
	kp_err("%s '%s': entry '%s' %s: refused, nothing was unpacked (docs/building.md, "
	       "\"What a source archive may hold\")",
	       u->what, u->archive, name, why);
	return -KP_EINPUT;
}

static char *dir_of(const char *name)
{
	const char *slash = strrchr(name, '/');
	return slash ? kp_strndup(name, slash - name) : kp_strdup("");
}

static int check_symlink_target(const struct unpack *u, const char *name, const char *target,
				const char *when)
{
	if (target[0] == '/')
		return refuse(u, name, "is a symlink to the absolute path '%s'", target);
	_cleanup_free_ char *base = dir_of(name);
	int r = kp_path_resolve_in(u->dirfd, base, target, NULL);
	if (r == -EXDEV)
		return refuse(u, name, "is a symlink to '%s', which resolves outside the archive%s",
			      target, when);
	if (r == -ELOOP)
		return refuse(u, name, "is a symlink to '%s' in a loop of symlinks", target);
	return 0;
}

static int check_links(struct unpack *u, struct archive_entry *e, const char *name, int type,
		       char **hl_clean)
{
	_cleanup_free_ char *through = NULL;
	if (kp_path_through_symlink(u->dirfd, name, &through))
		return refuse(u, name, "would be written through the symlink '%s'", through);
	const char *hl = archive_entry_hardlink(e);
	if (hl) {
		if (kp_path_clean(hl, hl_clean) < 0 || !**hl_clean)
			return refuse(u, name, "is a hard link to '%s', outside the archive", hl);
		if (kp_path_through_symlink(u->dirfd, *hl_clean, &through))
			return refuse(u, name, "is a hard link to '%s', through the symlink '%s'",
				      hl, through);
		if (!tfind(*hl_clean, &u->regular, cmp_names))
			return refuse(u, name,
				      "is a hard link to '%s', which is not a regular file "
				      "unpacked earlier from this archive",
				      hl);
	} else if (type == AE_IFLNK) {
		const char *target = archive_entry_symlink(e);
		return check_symlink_target(u, name, target ? target : "", "");
	}
	return 0;
}

static int check_size(struct unpack *u, struct archive_entry *e, const char *name)
{
	const struct kp_extract_limits *l = u->lim;
	if (++u->entries > l->max_entries) {
		kp_err("%s '%s' has more than %lld entries: refused as an archive bomb, nothing "
		       "was unpacked (docs/building.md)",
		       u->what, u->archive, l->max_entries);
		return -KP_EINPUT;
	}
	if (archive_entry_sparse_count(e) > 0)
		return refuse(u, name,
			      "is a sparse file (driver sources never are; repack without "
			      "--sparse)");
	if (archive_entry_size_is_set(e) && archive_entry_size(e) > l->max_entry_size)
		return refuse(u, name,
			      "declares %lld bytes, more than the %lld MiB a file may have",
			      (long long)archive_entry_size(e), l->max_entry_size >> 20);
	return 0;
}

/* Copy the entry's data, counting real bytes against the limits. */
static int copy_data(struct unpack *u, struct archive *a, struct archive *w, const char *name)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	long long written = 0;
	int dr;
	while ((dr = archive_read_data_block(a, &buf, &size, &off)) == ARCHIVE_OK) {
		written += size;
		u->total += size;
		if (written > u->lim->max_entry_size)
			return refuse(u, name, "holds more than the %lld MiB a file may have",
				      u->lim->max_entry_size >> 20);
		if (u->total > u->lim->max_total_size) {
			kp_err("%s '%s' unpacks to more than %lld MiB: refused as an archive "
			       "bomb, nothing was unpacked (docs/building.md)",
			       u->what, u->archive, u->lim->max_total_size >> 20);
			return -KP_EINPUT;
		}
		if (archive_write_data_block(w, buf, size, off) != ARCHIVE_OK)
			return refuse(u, name, "cannot be written: %s", archive_error_string(w));
	}
	if (dr != ARCHIVE_EOF)
		return refuse(u, name, "is damaged: %s", archive_error_string(a));
	return 0;
}

/* Set-id, sticky and group/other write bits never come from an archive. */
static void sanitize(struct archive_entry *e, int type)
{
	mode_t perm = archive_entry_perm(e) & 0755;
	archive_entry_set_perm(e, perm | (type == AE_IFDIR ? 0700 : 0600));
	archive_entry_set_uid(e, getuid());
	archive_entry_set_gid(e, getgid());
	archive_entry_set_uname(e, NULL);
	archive_entry_set_gname(e, NULL);
}

static void remember(struct unpack *u, const char *name, int type, bool hardlink)
{
	void *found = tfind(name, &u->regular, cmp_names);
	if ((type == AE_IFREG || hardlink) && !found) {
		char *copy = kp_strdup(name);
		tsearch(copy, &u->regular, cmp_names);
	} else if (type != AE_IFREG && !hardlink && found) {
		char *old = *(char **)found;
		tdelete(name, &u->regular, cmp_names);
		free(old);
	}
	if (type == AE_IFLNK && !kp_strv_contains(&u->symlinks, name))
		kp_strv_push(&u->symlinks, name);
}

static int unpack_entry(struct unpack *u, struct archive *a, struct archive *w,
			struct archive_entry *e)
{
	const char *raw = archive_entry_pathname(e);
	_cleanup_free_ char *name = NULL, *hl = NULL;
	int r = check_size(u, e, raw ? raw : "");
	if (r < 0)
		return r;
	if (!raw || kp_path_clean(raw, &name) < 0)
		return refuse(u, raw ? raw : "(no name)",
			      "points outside the archive (absolute "
			      "or '..')");
	/* A hard link's own type is often unset (tar): it is a regular file. */
	int type = archive_entry_hardlink(e) ? AE_IFREG : (int)archive_entry_filetype(e);
	if (!name[0])
		return 0; /* "./": the top dir itself */
	if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK) {
		kp_warn("%s '%s': skipping special file '%s' (device, FIFO or socket)", u->what,
			u->archive, name);
		return 0;
	}
	if ((r = check_links(u, e, name, type, &hl)) < 0)
		return r;
	archive_entry_set_pathname(e, name);
	if (hl)
		archive_entry_set_hardlink(e, hl);
	sanitize(e, type);
	if (archive_write_header(w, e) != ARCHIVE_OK)
		return refuse(u, name, "cannot be unpacked: %s", archive_error_string(w));
	if ((r = copy_data(u, a, w, name)) < 0)
		return r;
	if (archive_write_finish_entry(w) != ARCHIVE_OK)
		return refuse(u, name, "cannot be written: %s", archive_error_string(w));
	remember(u, name, type, hl != NULL);
	return 0;
}

/* A later entry can make an earlier symlink resolve elsewhere: check the final tree. */
static int check_final_symlinks(struct unpack *u)
{
	for (size_t i = 0; i < u->symlinks.n; i++) {
		const char *name = u->symlinks.v[i];
		char target[4096];
		ssize_t n = readlinkat(u->dirfd, name, target, sizeof(target) - 1);
		if (n < 0)
			continue; /* replaced by a later entry */
		target[n] = '\0';
		int r =
		    check_symlink_target(u, name, target, " once the whole archive is unpacked");
		if (r < 0)
			return r;
	}
	return 0;
}

static struct archive *open_reader(const char *path, const struct kp_extract_opts *o)
{
	unsigned formats = o->formats ? o->formats : KP_ARCHIVE_TAR;
	/*
	 * An ISO is checked first for what libarchive would not survive (common/isocheck.c),
	 * and read as it is, not through a decompressor, so that the check sees what
	 * libarchive reads.
	 */
	if (formats == KP_ARCHIVE_ISO9660 && kp_iso_check(path, o->what ? o->what : "ISO") < 0)
		return NULL;
	struct archive *a = archive_read_new();
	if (formats & (KP_ARCHIVE_TAR | KP_ARCHIVE_CPIO))
		archive_read_support_filter_all(a);
	if (formats & KP_ARCHIVE_TAR) {
		archive_read_support_format_gnutar(a);
		archive_read_support_format_tar(a);
	}
	if (formats & KP_ARCHIVE_CPIO)
		archive_read_support_format_cpio(a);
	if (formats & KP_ARCHIVE_ISO9660)
		archive_read_support_format_iso9660(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK) {
		kp_err("cannot open %s '%s': %s", o->what, path, archive_error_string(a));
		archive_read_free(a);
		return NULL;
	}
	return a;
}

static int unpack_all(struct unpack *u, struct archive *a)
{
	struct archive *w = archive_write_disk_new();
	/*
	 * libarchive's own confinement, in addition to ours: names are made
	 * relative to dir (the working directory meanwhile) so that its
	 * absolute-path check applies to names and hard-link targets alike.
	 */
	archive_write_disk_set_options(
	    w, ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
		   ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
	struct archive_entry *e;
	int st, r = 0;
	while (r == 0 && (st = archive_read_next_header(a, &e)) == ARCHIVE_OK)
		r = unpack_entry(u, a, w, e);
	if (r == 0 && st != ARCHIVE_EOF) {
		kp_err("%s '%s' is damaged or not an archive kmodpack reads: %s", u->what,
		       u->archive, archive_error_string(a));
		r = -KP_EINPUT;
	}
	if (r == 0)
		r = check_final_symlinks(u);
	if (archive_write_close(w) != ARCHIVE_OK && r == 0) {
		kp_err("%s '%s': cannot finish unpacking: %s", u->what, u->archive,
		       archive_error_string(w));
		r = -KP_EINPUT;
	}
	archive_write_free(w);
	return r;
}

int kp_archive_extract(const char *path, const char *dir, const struct kp_extract_opts *o)
{
	struct unpack u = {.archive = path,
			   .what = o->what ? o->what : "archive",
			   .lim = o->limits ? o->limits : &kp_source_limits,
			   .dirfd = -1};
	struct archive *a = open_reader(path, o);
	if (!a)
		return -KP_EINPUT;
	int r = 0, cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0 || mkdir(dir, 0755) < 0) {
		r = -errno;
		kp_err("cannot create '%s' to unpack %s '%s': %s", dir, u.what, path, strerror(-r));
		goto out;
	}
	if ((u.dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    fchdir(u.dirfd) < 0) {
		r = -errno;
		kp_err("cannot enter '%s': %s", dir, strerror(-r));
	} else {
		r = unpack_all(&u, a);
	}
	if (fchdir(cwd) < 0)
		abort(); /* every relative path the caller holds would now be wrong */
	if (r < 0)
		kp_rm_rf(dir);
out:
	if (cwd >= 0)
		close(cwd);
	if (u.dirfd >= 0)
		close(u.dirfd);
	tdestroy(u.regular, free);
	kp_strv_release(&u.symlinks);
	archive_read_free(a);
	return r;
}

static void archive_freep(struct archive **a)
{
	if (*a)
		archive_read_free(*a);
}

/* Read the current entry's data into m, at most max bytes. */
static int read_member_data(struct archive *a, const char *what, const char *archive, size_t max,
			    struct kp_archive_member *m)
{
	_cleanup_buf_ struct kp_buf b = {0};
	char chunk[65536];
	la_ssize_t got;
	while ((got = archive_read_data(a, chunk, sizeof(chunk))) > 0 && b.len <= max)
		kp_buf_add(&b, chunk, (size_t)got);
	if (got < 0 || b.len > max) {
		kp_err("%s '%s': cannot read '%s': %s", what, archive, m->name,
		       got < 0 ? archive_error_string(a) : "larger than the limit");
		return -KP_EINPUT;
	}
	m->len = b.len;
	m->data = kp_buf_steal(&b);
	return 0;
}

int kp_archive_read_member(const char *archive, const struct kp_extract_opts *o, const char *name,
			   size_t max, char **out, size_t *len)
{
	*out = NULL;
	_cleanup_(archive_freep) struct archive *a = open_reader(archive, o);
	if (!a)
		return -KP_EINPUT;
	struct archive_entry *e;
	int st;
	while ((st = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		_cleanup_free_ char *clean = NULL;
		const char *raw = archive_entry_pathname(e);
		if (!raw || kp_path_clean(raw, &clean) < 0 || strcmp(clean, name) ||
		    archive_entry_filetype(e) != AE_IFREG)
			continue;
		if (archive_entry_size(e) > (la_int64_t)max) {
			kp_err("%s '%s': '%s' is larger than %zu bytes", o->what, archive, name,
			       max);
			return -KP_EINPUT;
		}
		struct kp_archive_member m = {.name = (char *)name};
		int r = read_member_data(a, o->what, archive, max, &m);
		if (r == 0) {
			*out = m.data;
			*len = m.len;
		}
		return r;
	}
	if (st != ARCHIVE_EOF) {
		kp_err("%s '%s' is damaged or not an archive kmodpack reads: %s", o->what, archive,
		       archive_error_string(a));
		return -KP_EINPUT;
	}
	return -ENOENT;
}

void kp_archive_members_free(struct kp_archive_member *m, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(m[i].name);
		free(m[i].data);
	}
	free(m);
}

int kp_archive_list(const char *archive, const struct kp_extract_opts *o,
		    bool (*want)(const char *name), size_t max, struct kp_archive_member **out,
		    size_t *n)
{
	*out = NULL;
	*n = 0;
	/* The checks extraction makes of each header, with its messages. */
	struct unpack u = {.archive = archive,
			   .what = o->what ? o->what : "archive",
			   .lim = o->limits ? o->limits : &kp_source_limits};
	_cleanup_(archive_freep) struct archive *a = open_reader(archive, o);
	if (!a)
		return -KP_EINPUT;
	struct kp_archive_member *v = NULL;
	size_t nv = 0;
	struct archive_entry *e;
	int st, r = 0;
	while (r == 0 && (st = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		const char *raw = archive_entry_pathname(e);
		if ((r = check_size(&u, e, raw ? raw : "")) < 0)
			break;
		char *clean = NULL;
		if (!raw || kp_path_clean(raw, &clean) < 0) {
			r = refuse(&u, raw ? raw : "(no name)",
				   "points outside the archive (absolute or '..')");
			break;
		}
		if (archive_entry_size_is_set(e))
			u.total += archive_entry_size(e);
		if (u.total > u.lim->max_total_size) {
			free(clean);
			kp_err("%s '%s' unpacks to more than %lld MiB: refused as an archive "
			       "bomb, nothing was unpacked (docs/building.md)",
			       u.what, archive, u.lim->max_total_size >> 20);
			r = -KP_EINPUT;
			break;
		}
		if (!*clean) {
			free(clean);
			continue; /* "./": the top dir itself */
		}
		v = kp_reallocarray(v, nv + 1, sizeof(*v));
		struct kp_archive_member *m = &v[nv++];
		*m = (struct kp_archive_member){.name = clean,
						.dir = archive_entry_filetype(e) == AE_IFDIR};
		if (archive_entry_filetype(e) == AE_IFREG && want && want(clean))
			r = read_member_data(a, u.what, archive, max, m);
	}
	if (r == 0 && st != ARCHIVE_EOF) {
		kp_err("%s '%s' is damaged or not an archive kmodpack reads: %s", u.what, archive,
		       archive_error_string(a));
		r = -KP_EINPUT;
	}
	if (r < 0) {
		kp_archive_members_free(v, nv);
		return r;
	}
	*out = v;
	*n = nv;
	return 0;
}

int kp_archive_decompress(const char *path, const void *data, size_t len, size_t max, char **out,
			  size_t *out_len)
{
	_cleanup_(archive_freep) struct archive *a = archive_read_new();
	struct archive_entry *entry;
	_cleanup_buf_ struct kp_buf b = {0};

	if (!a)
		abort(); /* only fails on allocation, as kp_malloc would */
	archive_read_support_filter_xz(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_memory(a, data, len) != ARCHIVE_OK ||
	    archive_read_next_header(a, &entry) != ARCHIVE_OK) {
		kp_err("'%s': cannot decompress: %s", path, archive_error_string(a));
		return -KP_EINPUT;
	}
	/* raw accepts anything; without a filter the bytes were not compressed. */
	if (archive_filter_count(a) < 2) {
		kp_err("'%s': not a compressed file (expected xz, gzip or zstd)", path);
		return -KP_EINPUT;
	}
	for (;;) {
		char chunk[65536];
		la_ssize_t n = archive_read_data(a, chunk, sizeof(chunk));
		if (n < 0) {
			kp_err("'%s': cannot decompress: %s", path, archive_error_string(a));
			return -KP_EINPUT;
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > max) {
			kp_err("'%s': decompresses to more than %zu MiB (not a kernel module?)",
			       path, max >> 20);
			return -KP_EINPUT;
		}
		kp_buf_add(&b, chunk, (size_t)n);
	}
	*out_len = b.len;
	*out = kp_buf_steal(&b);
	return 0;
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
			archive_entry_set_perm(e, kp_normal_file_mode(st.st_mode));
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

static int zip_member(struct archive *a, const struct kp_zip_member *m, long long mtime,
		      const char *zip)
{
	int fd = open(m->path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		int r = -errno;
		kp_err("cannot add '%s' to '%s': %s", m->path, zip, strerror(-r));
		if (fd >= 0)
			close(fd);
		return r;
	}
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, m->name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, st.st_size);
	archive_entry_set_uid(e, 0);
	archive_entry_set_gid(e, 0);
	archive_entry_set_mtime(e, mtime, 0);
	int r = archive_write_header(a, e) == ARCHIVE_OK ? 0 : -KP_EFAILED;
	char buf[65536];
	ssize_t n = 0;
	while (r == 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		if (archive_write_data(a, buf, (size_t)n) != n)
			r = -KP_EFAILED;
	if (r == 0 && n < 0)
		r = -errno;
	if (r == -KP_EFAILED)
		kp_err("cannot add '%s' to '%s': %s", m->path, zip, archive_error_string(a));
	else if (r < 0)
		kp_err("cannot read '%s': %s", m->path, strerror(-r));
	archive_entry_free(e);
	close(fd);
	return r;
}

int kp_archive_zip(const char *path, const struct kp_zip_member *m, size_t n, long long mtime)
{
	struct archive *a = archive_write_new();
	int r = 0;
	if (archive_write_set_format_zip(a) != ARCHIVE_OK ||
	    archive_write_set_format_option(a, "zip", "compression", "store") != ARCHIVE_OK ||
	    archive_write_open_filename(a, path) != ARCHIVE_OK) {
		kp_err("cannot create '%s': %s", path, archive_error_string(a));
		r = -KP_EFAILED;
	}
	for (size_t i = 0; i < n && r == 0; i++)
		r = zip_member(a, &m[i], mtime, path);
	if (archive_write_close(a) != ARCHIVE_OK && r == 0) {
		kp_err("cannot write '%s': %s", path, archive_error_string(a));
		r = -KP_EFAILED;
	}
	archive_write_free(a);
	return r;
}
