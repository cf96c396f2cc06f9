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

static int add_files(IsoImage *image, const struct pk_iso_file *files, size_t n, time_t t)
{
	IsoDir *root = iso_image_get_root(image);
	pin((IsoNode *)root, t, 0555);
	for (size_t i = 0; i < n; i++) {
		const struct pk_iso_file *f = &files[i];
		IsoNode *node = NULL;
		int r;
		if (f->path) {
			r = iso_tree_add_new_node(image, root, f->name, f->path, &node);
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
				r = iso_tree_add_new_file(root, f->name, stream, &file);
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
	}
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
	if ((r = iso_image_new(o->volume_id, &image)) < 0) {
		ret = iso_fail("creating the image", r);
		goto out;
	}
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
