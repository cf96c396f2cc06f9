/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Archives through libarchive (the one file that includes it): unpacking
 * untrusted archives confined to one directory, packing the SRPM's source
 * tarball reproducibly.
 */
#ifndef KP_ARCHIVE_H
#define KP_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>

/* The archive formats an extraction accepts. */
enum kp_archive_format {
	KP_ARCHIVE_TAR = 1 << 0,     /* tar, pax, GNU tar; any compression filter */
	KP_ARCHIVE_CPIO = 1 << 1,    /* e.g. an RPM payload */
	KP_ARCHIVE_ISO9660 = 1 << 2, /* a pack or installer ISO */
};

/* Bounds against archive bombs; an entry or archive past one is refused. */
struct kp_extract_limits {
	long long max_entry_size; /* bytes of one file, declared or real */
	long long max_total_size; /* bytes of all files together */
	long long max_entries;	  /* entries of every type, skipped ones too */
};

/*
 * Driver sources: the largest source file of a real driver is a few MiB
 * (register headers, firmware as C arrays; Linux 6.1's largest file is
 * under 15 MiB), the largest driver trees hold a few thousand files.
 * 64 MiB per file, 1 GiB in all, 20,000 entries (docs/building.md).
 */
#define KP_SOURCE_MAX_ENTRY_SIZE (64LL << 20)
#define KP_SOURCE_MAX_TOTAL_SIZE (1LL << 30)
#define KP_SOURCE_MAX_ENTRIES	 20000LL
extern const struct kp_extract_limits kp_source_limits;

/* A pack or installer ISO: RPMs and installer images, larger than sources, still bounded. */
extern const struct kp_extract_limits kp_iso_limits;

struct kp_extract_opts {
	const char *what; /* how messages name the archive: "source archive" */
	unsigned formats; /* KP_ARCHIVE_* accepted; 0: tar */
	const struct kp_extract_limits *limits; /* NULL: kp_source_limits */
};

/*
 * Unpack an archive into dir, which must not exist: it is created, and on
 * any failure removed again with everything written so far, so a refused
 * archive leaves nothing behind. Every entry is confined to dir: absolute
 * names, ".." components, hard links to anything but a regular file
 * unpacked earlier from the same archive, symlinks whose target resolves
 * (through earlier symlinks too) outside dir, and writes through symlinks
 * are refused; so are sparse entries and anything past the limits.
 * Device nodes, FIFOs and sockets are skipped with a warning. Files are
 * owned by the caller, modes lose set-id, sticky and group/other write bits.
 *
 * libarchive's own checks (no absolute paths, no "..", no writes through
 * symlinks) are on as well: for them the process's working directory is
 * dir while entries are written, so this is not for use from threads.
 * Returns 0, -KP_EINPUT after logging what is wrong (archive, entry and
 * target named), or -errno.
 */
int kp_archive_extract(const char *archive, const char *dir, const struct kp_extract_opts *o);

/*
 * Read the member called name (a clean relative path) of an archive into
 * a new buffer of at most max bytes, without unpacking anything else.
 * Returns 0, -ENOENT when there is no such regular file, or -KP_EINPUT
 * (logged) when the archive cannot be read or the member is too large.
 */
int kp_archive_read_member(const char *archive, const struct kp_extract_opts *o, const char *name,
			   size_t max, char **out, size_t *len);

/* One entry of an archive's listing. */
struct kp_archive_member {
	char *name;	/* clean relative path ("drv-1.0/src/Makefile") */
	bool dir;	/* a directory entry (files and symlinks are not) */
	char *data;	/* the bytes of a regular file want() asked for, else NULL */
	size_t len;
};

/*
 * List an archive's entries without unpacking anything: every entry (the
 * top "./" left out), and the bytes of the regular files for which
 * want(name) is true, at most max each. The checks kp_archive_extract()
 * makes of each header apply, with its messages: the limits of o->limits
 * (NULL: kp_source_limits) on entries and declared sizes, sparse entries,
 * names outside the archive; links are not resolved (extraction does).
 * Returns 0, or -KP_EINPUT (logged) when the archive cannot be read or is
 * refused, or a wanted member is larger than max.
 */
int kp_archive_list(const char *archive, const struct kp_extract_opts *o,
		    bool (*want)(const char *name), size_t max, struct kp_archive_member **out,
		    size_t *n);
void kp_archive_members_free(struct kp_archive_member *m, size_t n);

/*
 * Decompress one xz, gzip or zstd stream (a .ko.xz, say) held in memory
 * into a new buffer, refusing output past max bytes (a decompression
 * bomb). path names the data in messages. Returns 0, or -KP_EINPUT after
 * logging what is wrong.
 */
int kp_archive_decompress(const char *path, const void *data, size_t len, size_t max, char **out,
			  size_t *out_len);

/*
 * Pack the tree at dir into a reproducible .tar.gz at path, every entry
 * below prefix/ (e.g. "helloworld-1.0"), sorted by name, owned by root,
 * with mtimes clamped to mtime. Entries for which skip(full path, data)
 * is true are left out, with everything below them (skip may be NULL).
 * Returns 0 or -errno / -KP_EFAILED.
 */
int kp_archive_create(const char *dir, const char *prefix, long long mtime, const char *path,
		      bool (*skip)(const char *path, void *data), void *data);

/* One member of a zip: its name in the archive and the file it is read from. */
struct kp_zip_member {
	const char *name;
	const char *path;
};

/*
 * Write a zip at path holding the members in the given order, stored
 * without compression (they are ISOs and RPMs, compressed already), every
 * entry owned by root, mode 0644, timestamped mtime: the same files give
 * the same bytes. Returns 0 or -KP_EFAILED/-errno (logged).
 */
int kp_archive_zip(const char *path, const struct kp_zip_member *m, size_t n, long long mtime);

#endif
