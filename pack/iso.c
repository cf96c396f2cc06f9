// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libisofs is global-state C: iso_init()/iso_finish() bracket each write,
 * and its messages are queued rather than printed (the library never
 * prints), then turned into kp_err by their code.
 *
 * Reproducibility: the volume descriptors' times come from a fixed
 * "uuid" timestamp, every node's times and the Rock Ridge times from the
 * epoch, owners are root, and nothing from the disk's inodes or the
 * clock reaches the image.
 */
#include "pack/iso.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <stdint.h> /* libisofs.h uses it without including it */
/* libisofs.h then defines struct burn_source, which we read the image from. */
#define LIBISOFS_WITHOUT_LIBBURN 1

#include <libisofs/libisofs.h>

#include "common/digest.h"
#include "common/log.h"
#include "common/util.h"

static int iso_fail(const char *what, int code)
{
	kp_err("ISO image: %s: %s", what, iso_error_to_msg(code));
	return -KP_EFAILED;
}

static void pin(IsoNode *node, time_t t, mode_t mode)
{
	iso_node_set_mtime(node, t);
	iso_node_set_atime(node, t);
	iso_node_set_ctime(node, t);
	iso_node_set_uid(node, 0);
	iso_node_set_gid(node, 0);
	iso_node_set_permissions(node, mode);
}

/* The directory that holds path's last component, made (and pinned) as needed. */
static int parent_dir(IsoImage *image, const char *path, time_t t, IsoDir **out, const char **base)
{
	IsoDir *dir = iso_image_get_root(image);
	const char *p = path;
	for (const char *slash; (slash = strchr(p, '/'));) {
		_cleanup_free_ char *name = kp_strndup(p, slash - p);
		IsoNode *node = NULL;
		int r = iso_dir_get_node(dir, name, &node);
		if (r == 1 && iso_node_get_type(node) != LIBISO_DIR) {
			kp_err("ISO image: '%s' is a file, so '%s' cannot go below it", name, path);
			return -KP_EFAILED;
		}
		if (r != 1) {
			IsoDir *made = NULL;
			if ((r = iso_tree_add_new_dir(dir, name, &made)) < 0)
				return iso_fail("adding a directory", r);
			pin((IsoNode *)made, t, 0555);
			node = (IsoNode *)made;
		}
		dir = (IsoDir *)node;
		p = slash + 1;
	}
	*out = dir;
	*base = p;
	return 0;
}

static int add_one(IsoImage *image, const struct pk_iso_file *f, time_t t)
{
	IsoDir *dir = NULL;
	const char *name = NULL;
	int r = parent_dir(image, f->name, t, &dir, &name);
	if (r < 0)
		return r;
	/* A file of the same path in a base image is replaced. */
	IsoNode *old = NULL;
	if (iso_dir_get_node(dir, name, &old) == 1) {
		if (iso_node_get_type(old) == LIBISO_DIR) {
			kp_err("ISO image: '%s' is a directory in the image it starts from",
			       f->name);
			return -KP_EFAILED;
		}
		if ((r = iso_node_remove(old)) < 0)
			return iso_fail("replacing a file", r);
	}
	IsoNode *node = NULL;
	if (f->path) {
		/* libisofs reads local files by absolute path only. */
		_cleanup_free_ char *abs = realpath(f->path, NULL);
		if (!abs) {
			r = -errno;
			kp_err("ISO image: cannot add '%s': %s", f->path, strerror(-r));
			return r;
		}
		r = iso_tree_add_new_node(image, dir, name, abs, &node);
	} else {
		/* The stream owns and frees its buffer. */
		unsigned char *copy = kp_malloc(f->len + 1);
		memcpy(copy, f->data, f->len);
		IsoStream *stream = NULL;
		r = iso_memory_stream_new(copy, f->len, &stream);
		if (r < 0) {
			free(copy);
		} else {
			IsoFile *file = NULL;
			/* The new file takes over the stream's reference. */
			r = iso_tree_add_new_file(dir, name, stream, &file);
			if (r < 0)
				iso_stream_unref(stream);
			node = (IsoNode *)file;
		}
	}
	if (r < 0) {
		_cleanup_free_ char *what = kp_asprintf("adding '%s'", f->name);
		return iso_fail(what, r);
	}
	pin(node, t, f->mode);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Two files of one path in the list are a mistake; only a base image's files are replaced. */
static int check_unique(const struct pk_iso_file *files, size_t n)
{
	const char **names = kp_calloc(n ? n : 1, sizeof(*names));
	for (size_t i = 0; i < n; i++)
		names[i] = files[i].name;
	qsort(names, n, sizeof(*names), cmp_names);
	int r = 0;
	for (size_t i = 1; i < n && r == 0; i++)
		if (!strcmp(names[i - 1], names[i])) {
			kp_err("ISO image: adding '%s': two files of that name", names[i]);
			r = -KP_EFAILED;
		}
	free(names);
	return r;
}

static int add_files(IsoImage *image, const struct pk_iso_file *files, size_t n, time_t t)
{
	int r = check_unique(files, n);
	if (r < 0)
		return r;
	IsoDir *root = iso_image_get_root(image);
	pin((IsoNode *)root, t, 0555);
	for (size_t i = 0; i < n && r == 0; i++)
		r = add_one(image, &files[i], t);
	return r;
}

/*
 * isolinux (and GRUB's El Torito image, when made with -boot-info-table)
 * carries at byte 8 the block of the primary volume descriptor, 16, and
 * at byte 12 its own block: both change when the image is written anew,
 * so such a boot image must be patched again, as mkisofs -boot-info-table
 * did when the input was made.
 */
static bool has_boot_info_table(IsoFile *file)
{
	IsoStream *st = file ? iso_file_get_stream(file) : NULL;
	unsigned char head[16];
	if (!st || iso_stream_open(st) < 0)
		return false;
	int n = iso_stream_read(st, head, sizeof(head));
	iso_stream_close(st);
	return n == (int)sizeof(head) && head[8] == 16 && !head[9] && !head[10] && !head[11];
}

static int import_base(IsoImage *image, const char *base)
{
	IsoDataSource *src = NULL;
	IsoReadOpts *ropts = NULL;
	IsoReadImageFeatures *features = NULL;
	int r = iso_data_source_new_from_file(base, &src);
	if (r >= 0)
		r = iso_read_opts_new(&ropts, 0);
	if (r >= 0)
		r = iso_image_import(image, src, ropts, &features);
	if (features)
		iso_read_image_features_destroy(features);
	if (ropts)
		iso_read_opts_free(ropts);
	if (src)
		iso_data_source_unref(src);
	if (r < 0) {
		kp_err("'%s': cannot read it as an ISO 9660 image: %s", base, iso_error_to_msg(r));
		return -KP_EINPUT;
	}
	int nboot = 0;
	ElToritoBootImage **boots = NULL;
	IsoFile **nodes = NULL;
	if (iso_image_get_all_boot_imgs(image, &nboot, &boots, &nodes, 0) == 1)
		for (int i = 0; i < nboot; i++)
			if (has_boot_info_table(nodes[i]))
				el_torito_set_isolinux_options(boots[i], 1, 0);
	free(boots);
	free(nodes);
	return 0;
}

static int set_opts(IsoWriteOpts *opts, time_t t)
{
	/* YYYYMMDDhhmmsscc, recorded as GMT: the volume descriptors' creation/modification times.
	 */
	char uuid[32];
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(uuid, sizeof(uuid), "%Y%m%d%H%M%S00", &tm);
	int r;
	if ((r = iso_write_opts_set_rockridge(opts, 1)) < 0 ||
	    /*
	     * RRIP 1.10, as mkisofs -r wrote: its PX entries carry no file serial
	     * numbers, which libisofs would otherwise derive from the order of
	     * the source files' disk inodes.
	     */
	    (r = iso_write_opts_set_rrip_version_1_10(opts, 1)) < 0 ||
	    (r = iso_write_opts_set_joliet(opts, 1)) < 0 ||
	    (r = iso_write_opts_set_joliet_long_names(opts, 1)) < 0 ||
	    (r = iso_write_opts_set_joliet_longer_paths(opts, 1)) < 0 ||
	    /* Joliet names as Windows and mkisofs write them: no ";1", no added ".". */
	    (r = iso_write_opts_set_omit_version_numbers(opts, 2)) < 0 ||
	    (r = iso_write_opts_set_no_force_dots(opts, 2)) < 0 ||
	    /* The volume id as given, as mkisofs -V wrote it, not folded to ISO d-characters. */
	    (r = iso_write_opts_set_relaxed_vol_atts(opts, 1)) < 0 ||
	    (r = iso_write_opts_set_always_gmt(opts, 1)) < 0 ||
	    (r = iso_write_opts_set_replace_timestamps(opts, 2)) < 0 ||
	    (r = iso_write_opts_set_default_timestamp(opts, t)) < 0 ||
	    (r = iso_write_opts_set_dir_rec_mtime(opts, 1)) < 0 ||
	    (r = iso_write_opts_set_replace_mode(opts, 0, 0, 2, 2)) < 0 ||
	    (r = iso_write_opts_set_default_uid(opts, 0)) < 0 ||
	    (r = iso_write_opts_set_default_gid(opts, 0)) < 0 ||
	    (r = iso_write_opts_set_pvd_times(opts, t, t, 0, 0, uuid)) < 0)
		return iso_fail("setting the write options", r);
	return 0;
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int write_out(struct burn_source *src, const char *out, struct pk_iso_sums *sums)
{
	int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		int e = errno;
		kp_err("cannot create '%s': %s", out, strerror(e));
		return -e;
	}
	/*
	 * libisofs hands out the image one 2 KiB block per read (a larger
	 * read returns 0 for a last, shorter piece); blocks are gathered
	 * into 1 MiB writes.
	 */
	enum { BLOCK = 2048, CHUNK = 512 * BLOCK };
	unsigned char *buf = kp_malloc(CHUNK);
	struct kp_digest *md5 = kp_digest_new(KP_DIGEST_MD5);
	struct kp_digest *sha = kp_digest_new(KP_DIGEST_SHA256);
	int ret = 0, n;
	size_t fill = 0;
	do {
		n = src->read_xt(src, buf + fill, BLOCK);
		if (n > 0)
			fill += (size_t)n;
		if (fill && (fill + BLOCK > CHUNK || n <= 0)) {
			kp_digest_update(md5, buf, fill);
			kp_digest_update(sha, buf, fill);
			sums->size += fill;
			if ((ret = write_all(fd, buf, fill)) < 0) {
				kp_err("cannot write '%s': %s", out, strerror(-ret));
				break;
			}
			fill = 0;
		}
	} while (n > 0);
	if (ret == 0 && n < 0)
		ret = iso_fail("writing the image", n);
	if (ret < 0 && src->cancel)
		src->cancel(src); /* stop libisofs' writer thread before it is freed */
	if (ret == 0 && fsync(fd) < 0) {
		ret = -errno;
		kp_err("cannot write '%s': %s", out, strerror(-ret));
	}
	if (close(fd) < 0 && ret == 0) {
		ret = -errno;
		kp_err("cannot write '%s': %s", out, strerror(-ret));
	}
	free(buf);
	char hex[KP_DIGEST_HEX_MAX];
	kp_digest_final(md5, hex);
	memcpy(sums->md5, hex, sizeof(sums->md5));
	kp_digest_final(sha, sums->sha256);
	return ret;
}

int pk_iso_write(const struct pk_iso_opts *o, const struct pk_iso_file *files, size_t n,
		 const char *out, struct pk_iso_sums *sums)
{
	*sums = (struct pk_iso_sums){0};
	int r = iso_init();
	if (r < 0)
		return iso_fail("initialising libisofs", r);
	/* Queue messages, print none: failures come back as codes. */
	iso_set_msgs_severities("NEVER", "NEVER", "kmodpack");

	time_t t = (time_t)o->epoch;
	IsoImage *image = NULL;
	IsoWriteOpts *opts = NULL;
	struct burn_source *src = NULL;
	int ret = 0;
	if ((r = iso_image_new(o->volume_id ? o->volume_id : "", &image)) < 0) {
		ret = iso_fail("creating the image", r);
		goto out;
	}
	if (o->base && (ret = import_base(image, o->base)) < 0)
		goto out;
	if (o->volume_id)
		iso_image_set_volume_id(image, o->volume_id);
	if (o->application_id)
		iso_image_set_application_id(image, o->application_id);
	/* Not the library's own name and version: the image must not change with them. */
	iso_image_set_data_preparer_id(image, "");
	iso_image_set_system_id(image, "LINUX");
	if ((ret = add_files(image, files, n, t)) < 0)
		goto out;
	/* Profile 0: plain ISO 9660 level 1 to start from; Rock Ridge and Joliet added. */
	if ((r = iso_write_opts_new(&opts, 0)) < 0) {
		ret = iso_fail("creating the write options", r);
		goto out;
	}
	if ((ret = set_opts(opts, t)) < 0)
		goto out;
	if ((r = iso_image_create_burn_source(image, opts, &src)) < 0) {
		ret = iso_fail("preparing the image", r);
		goto out;
	}
	ret = write_out(src, out, sums);
	src->free_data(src);
	free(src);
out:
	if (opts)
		iso_write_opts_free(opts);
	if (image)
		iso_image_unref(image);
	iso_finish();
	return ret;
}
