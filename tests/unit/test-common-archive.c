// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Extraction limits and all-or-nothing (common/archive.c) with small
 * limits, and the formats other than tar. The hostile tar cases run
 * through the real `kmodpack build` in tests/cli/test-build-archive-confinement.sh.
 */
#include "common/archive.h"

#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"
#include "tests/unit/testlib.h"

struct fx {
	char *dir;
	char *src;
};

static int setup(void **state)
{
	struct fx *f = kp_calloc(1, sizeof(*f));
	f->dir = tl_tmpdir();
	f->src = kp_path_join(f->dir, "src");
	tl_write(f->src, "top/a.c", "0123456789");
	tl_write(f->src, "top/b.c", "0123456789");
	tl_write(f->src, "top/sub/c.c", "0123456789");
	tl_log_capture();
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	tl_tmpdir_free(f->dir);
	free(f->src);
	free(f);
	return 0;
}

static char *make(struct fx *f, const char *name, const char *tool_args)
{
	char *path = kp_path_join(f->dir, name);
	free(tl_run("cd '%s' && %s '%s' top >/dev/null 2>&1", f->src, tool_args, path));
	return path;
}

static void test_formats(void **state)
{
	struct fx *f = *state;
	_cleanup_free_ char *tgz = make(f, "a.tar.gz", "tar -czf");
	_cleanup_free_ char *out = kp_path_join(f->dir, "out");
	struct kp_extract_opts o = {.what = "test archive"};
	assert_int_equal(kp_archive_extract(tgz, out, &o), 0);
	_cleanup_free_ char *c = kp_path_join(out, "top/sub/c.c");
	assert_true(kp_is_file(c));

	/* A cpio archive is refused unless the caller accepts cpio. */
	_cleanup_free_ char *cpio = kp_path_join(f->dir, "a.cpio");
	free(tl_run("cd '%s' && find top | cpio -o -H newc --quiet > '%s'", f->src, cpio));
	_cleanup_free_ char *out2 = kp_path_join(f->dir, "out2");
	tl_log_reset();
	assert_int_equal(kp_archive_extract(cpio, out2, &o), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "cannot open test archive"));
	assert_false(kp_is_dir(out2));
	o.formats = KP_ARCHIVE_CPIO;
	assert_int_equal(kp_archive_extract(cpio, out2, &o), 0);

	/* The target dir must be new: nothing of an earlier unpack is mixed in. */
	tl_log_reset();
	assert_int_equal(kp_archive_extract(cpio, out2, &o), -EEXIST);
	assert_true(kp_is_dir(out2));
}

/* Overwrite n bytes of a file at off. */
static void patch_bytes(const char *path, long off, const void *bytes, size_t n)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	assert_int_equal(kp_read_file(path, &data, &len), 0);
	assert_true((size_t)off + n <= len);
	memcpy(data + off, bytes, n);
	assert_int_equal(kp_write_file(path, data, len, 0644), 0);
}

/* Patch 4 bytes of a file, little-endian, at off. */
static void patch_le32(const char *path, long off, uint32_t v)
{
	unsigned char b[4];
	for (int i = 0; i < 4; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	patch_bytes(path, off, b, sizeof(b));
}

/*
 * An ISO whose volume descriptor does not fit the file is refused before
 * libarchive reads it: a root directory length of 0xFFFFFFFF made libarchive
 * allocate 4 GiB (fuzz-packset), and a cut-short image is named as such.
 */
static void test_iso_descriptors(void **state)
{
	struct fx *f = *state;
	_cleanup_free_ char *iso = make(f, "a.iso", "xorriso -as mkisofs -quiet -r -o");
	_cleanup_free_ char *out = kp_path_join(f->dir, "out");
	struct kp_extract_opts o = {.what = "pack ISO", .formats = KP_ARCHIVE_ISO9660};
	assert_int_equal(kp_archive_extract(iso, out, &o), 0);
	/* mkisofs puts the contents of the dir it is given at the top */
	_cleanup_free_ char *c = kp_path_join(out, "sub/c.c");
	assert_true(kp_is_file(c));

	/* The primary descriptor (sector 16): its root directory's length, at 156 + 10. */
	_cleanup_free_ char *big = kp_path_join(f->dir, "big.iso");
	free(tl_run("cp '%s' '%s'", iso, big));
	patch_le32(big, 16 * 2048 + 166, 0xFFFFFFFF);
	_cleanup_free_ char *out2 = kp_path_join(f->dir, "out2");
	tl_log_reset();
	assert_int_equal(kp_archive_extract(big, out2, &o), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "is damaged or cut short: its volume descriptor "
					      "(sector 16) gives a root directory ending at"));
	assert_false(kp_is_dir(out2));

	/* Cut short: the volume is larger than the file. */
	_cleanup_free_ char *cut = kp_path_join(f->dir, "cut.iso");
	free(tl_run("head -c 40960 '%s' > '%s'", iso, cut));
	tl_log_reset();
	assert_int_equal(kp_archive_extract(cut, out2, &o), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "gives a volume of"));
	assert_non_null(strstr(tl_log_text(), "and the file has 40960"));
	assert_false(kp_is_dir(out2));
}

/* A copy of the image iso, named name, to damage. */
static char *copy_of(struct fx *f, const char *iso, const char *name)
{
	char *path = kp_path_join(f->dir, name);
	free(tl_run("cp '%s' '%s'", iso, path));
	return path;
}

/* iso is refused with msg, and nothing is unpacked. */
static void assert_refused(const char *iso, const char *out, const struct kp_extract_opts *o,
			   const char *msg)
{
	tl_log_reset();
	assert_int_equal(kp_archive_extract(iso, out, o), -KP_EINPUT);
	if (!strstr(tl_log_text(), msg))
		fail_msg("want '%s' in: %s", msg, tl_log_text());
	assert_false(kp_is_dir(out));
}

/* A SUSP "CE" entry (Rock Ridge continuation) at off: the area at block:offset, len bytes. */
static void patch_ce(const char *path, long off, uint32_t block, uint32_t offset, uint32_t len)
{
	unsigned char p[28];
	memcpy(p, "CE\x1c\x01", 4);
	uint32_t v[3] = {block, offset, len};
	for (int i = 0; i < 3; i++)
		for (int b = 0; b < 4; b++) {
			p[4 + 8 * i + b] = (unsigned char)(v[i] >> (8 * b));	 /* little-endian */
			p[4 + 8 * i + 7 - b] = (unsigned char)(v[i] >> (8 * b)); /* big-endian */
		}
	patch_bytes(path, off, p, sizeof(p));
}

/* Copy n bytes of a file from one offset to another. */
static void copy_bytes(const char *path, long from, long to, size_t n)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	assert_int_equal(kp_read_file(path, &data, &len), 0);
	assert_true((size_t)from + n <= len && (size_t)to + n <= len);
	memmove(data + to, data + from, n);
	assert_int_equal(kp_write_file(path, data, len, 0644), 0);
}

/* The file offset of the root directory's record named name (ISO 9660 name). */
static long find_record(const char *path, const char *name)
{
	_cleanup_free_ char *data = NULL;
	size_t n = 0;
	assert_int_equal(kp_read_file(path, &data, &n), 0);
	const unsigned char *d = (const unsigned char *)data;
	const unsigned char *root = d + 16 * 2048 + 156;
	size_t dir = (size_t)(root[2] | root[3] << 8) * 2048;
	for (size_t p = dir; p < dir + 2048 && d[p]; p += d[p])
		if (d[p + 32] == strlen(name) && !memcmp(d + p + 33, name, strlen(name)))
			return (long)p;
	fail_msg("no record '%s' in the root directory", name);
	return -1;
}

/*
 * Where the root's "." record continues: the file offset of its CE entry, and
 * the block, offset and length of the area it names.
 */
static void root_ce(const char *path, long *at, uint32_t *block, uint32_t *offset, uint32_t *len)
{
	_cleanup_free_ char *data = NULL;
	size_t n = 0;
	assert_int_equal(kp_read_file(path, &data, &n), 0);
	const unsigned char *d = (const unsigned char *)data;
	const unsigned char *root = d + 16 * 2048 + 156;
	const unsigned char *rec = d + (size_t)(root[2] | root[3] << 8) * 2048;
	/* "." has a 1-byte name: the SUSP entries start at 34, SP first */
	for (const unsigned char *p = rec + 34; p + 4 <= rec + rec[0]; p += p[2]) {
		assert_true(p[2] >= 4);
		if (!memcmp(p, "CE", 2)) {
			*at = (long)(p - d);
			*block = p[4] | p[5] << 8;
			*offset = p[12] | p[13] << 8;
			*len = p[20] | p[21] << 8;
			return;
		}
	}
	fail_msg("xorriso wrote no continuation for the root's record");
}

/*
 * Rock Ridge continuations (SUSP CE) that point back into an area already
 * read kept libarchive 3.6 reading it for ever (fuzz-packset: an 80 KB pack
 * ISO). They are refused before libarchive reads the image; a chain that
 * moves forward, as in any real image, is read.
 */
static void test_iso_continuations(void **state)
{
	struct fx *f = *state;
	_cleanup_free_ char *iso = make(f, "a.iso", "xorriso -as mkisofs -quiet -r -o");
	/* xorriso keeps the root's RRIP identification (ER) in a continuation area */
	long at = 0;
	uint32_t block = 0, offset = 0, len = 0;
	root_ce(iso, &at, &block, &offset, &len);
	assert_true(len >= 28 + 28);
	struct kp_extract_opts o = {.what = "pack ISO", .formats = KP_ARCHIVE_ISO9660};
	_cleanup_free_ char *out = kp_path_join(f->dir, "out");

	/* The area continues into itself. */
	_cleanup_free_ char *loop = copy_of(f, iso, "loop.iso");
	long area = (long)block * 2048 + offset;
	patch_ce(loop, area, block, offset, len);
	assert_refused(loop, out, &o, "continues (SUSP CE) back into an area it has already used");

	/* Two continuations in one area. */
	_cleanup_free_ char *two = copy_of(f, iso, "two.iso");
	patch_ce(two, area, block, offset + len, 0);
	patch_ce(two, area + 28, block, offset + len, 0);
	assert_refused(two, out, &o, "two Rock Ridge continuations");

	/* An area inside the one before it. */
	_cleanup_free_ char *in = copy_of(f, iso, "inside.iso");
	patch_ce(in, area, block, offset + 28, len - 28);
	assert_refused(in, out, &o, "back into an area");

	/*
	 * Directories that add up to more than the image (names for overlapping
	 * extents, which no mastering tool writes): a.c made a directory of the
	 * whole file. The walk that checks continuations stays bounded by the image.
	 */
	_cleanup_free_ char *over = copy_of(f, iso, "overlap.iso");
	long rec = find_record(over, "A.C;1");
	struct stat st;
	assert_int_equal(stat(over, &st), 0);
	patch_le32(over, rec + 2, 0);
	patch_le32(over, rec + 10, (uint32_t)st.st_size);
	unsigned char flags = 0x02; /* a.c's record flags: a directory */
	patch_bytes(over, rec + 25, &flags, 1);
	assert_refused(over, out, &o, "its directories add up to more than");

	/*
	 * A chain that moves forward is read: the root continues into a new area
	 * after the first, which continues into a copy of the first after itself.
	 */
	_cleanup_free_ char *fwd = copy_of(f, iso, "forward.iso");
	assert_true(offset + len + 28 + len <= 2048);
	copy_bytes(fwd, area, area + len + 28, len);
	patch_ce(fwd, at, block, offset + len, 28);
	patch_ce(fwd, area + len, block, offset + len + 28, len);
	tl_log_reset();
	assert_int_equal(kp_archive_extract(fwd, out, &o), 0);
	_cleanup_free_ char *c = kp_path_join(out, "sub/c.c");
	assert_true(kp_is_file(c));
}

/*
 * An image with Joliet names and no Rock Ridge (genisoimage -J without -R)
 * is read by its Joliet tree, whose paths libarchive 3.6 builds in a
 * 1,024-byte buffer, writing past it on the longest (fixed upstream in
 * 750e8d7b). Such paths are refused; an ordinary Joliet image is read.
 */
static void test_iso_joliet_paths(void **state)
{
	struct fx *f = *state;
	struct kp_extract_opts o = {.what = "pack ISO", .formats = KP_ARCHIVE_ISO9660};
	_cleanup_free_ char *plain = make(f, "j.iso", "genisoimage -quiet -J -o");
	_cleanup_free_ char *out = kp_path_join(f->dir, "out");
	assert_int_equal(kp_archive_extract(plain, out, &o), 0);
	_cleanup_free_ char *c = kp_path_join(out, "sub/c.c");
	assert_true(kp_is_file(c));

	/* 9 levels of 60-character names: 1,100 bytes of UTF-16 path */
	free(
	    tl_run("cd '%s' && d=top/deep && for i in 1 2 3 4 5 6 7 8 9; do "
		   "d=$d/$(printf 'level%%02d%%053d' $i 0); done && mkdir -p $d && echo x > $d/f.c",
		   f->src));
	_cleanup_free_ char *deep = make(f, "deep.iso", "genisoimage -quiet -J -joliet-long -D -o");
	_cleanup_free_ char *out2 = kp_path_join(f->dir, "out2");
	assert_refused(deep, out2, &o, "is longer than 1000 bytes (UTF-16)");

	/* With Rock Ridge, libarchive reads the primary's names: the same tree is read. */
	_cleanup_free_ char *rr =
	    make(f, "deep-rr.iso", "genisoimage -quiet -J -joliet-long -R -o");
	assert_int_equal(kp_archive_extract(rr, out2, &o), 0);

	/*
	 * The overflow itself: a directory whose path is exactly 1,024 bytes
	 * of UTF-16 (512 characters), so that the '/' before its child goes
	 * past the buffer. valgrind shows Debian 12's libarchive
	 * (3.6.2-1+deb12u5) writing those 2 bytes on this image.
	 */
	_cleanup_free_ char *out3 = kp_path_join(f->dir, "out3");
	free(tl_run("cd '%s' && rm -rf top/deep && d=top/edge && for n in 101 100 100 101 101; do "
		    "d=$d/$(printf \"%%0${n}d\" 0); done && mkdir -p $d && echo x > $d/f.c",
		    f->src));
	_cleanup_free_ char *edge = make(f, "edge.iso", "genisoimage -quiet -J -joliet-long -o");
	assert_refused(edge, out3, &o, "is longer than 1000 bytes (UTF-16)");
}

static void test_limits(void **state)
{
	struct fx *f = *state;
	_cleanup_free_ char *tar = make(f, "a.tar", "tar -cf");
	_cleanup_free_ char *out = kp_path_join(f->dir, "out");
	struct kp_extract_limits lim = {
	    .max_entry_size = 1 << 20, .max_total_size = 1 << 20, .max_entries = 3};
	struct kp_extract_opts o = {.what = "test archive", .limits = &lim};

	/* top/, a.c, b.c, sub/, c.c: five entries. */
	tl_log_reset();
	assert_int_equal(kp_archive_extract(tar, out, &o), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "has more than 3 entries"));
	assert_false(kp_is_dir(out)); /* what was unpacked before is gone */

	lim.max_entries = 100;
	lim.max_entry_size = 9;
	tl_log_reset();
	assert_int_equal(kp_archive_extract(tar, out, &o), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "declares 10 bytes"));
	assert_false(kp_is_dir(out));

	lim.max_entry_size = 100;
	lim.max_total_size = 25; /* the third file crosses it */
	tl_log_reset();
	assert_int_equal(kp_archive_extract(tar, out, &o), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "unpacks to more than"));
	assert_false(kp_is_dir(out));

	lim.max_total_size = 30;
	assert_int_equal(kp_archive_extract(tar, out, &o), 0);
}

/* Modes lose group/other write and set-id bits; owner bits are kept usable. */
static void test_modes(void **state)
{
	struct fx *f = *state;
	_cleanup_free_ char *a = kp_path_join(f->src, "top/a.c");
	_cleanup_free_ char *b = kp_path_join(f->src, "top/b.c");
	assert_int_equal(chmod(a, 04775), 0);
	assert_int_equal(chmod(b, 0444), 0);
	_cleanup_free_ char *tar = make(f, "a.tar", "tar -cf");
	_cleanup_free_ char *out = kp_path_join(f->dir, "out");
	struct kp_extract_opts o = {.what = "test archive"};
	assert_int_equal(kp_archive_extract(tar, out, &o), 0);
	struct stat st;
	_cleanup_free_ char *oa = kp_path_join(out, "top/a.c");
	_cleanup_free_ char *ob = kp_path_join(out, "top/b.c");
	assert_int_equal(stat(oa, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(stat(ob, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
}

static bool want_c(const char *name)
{
	return kp_endswith(name, "/c.c");
}

/* A listing reads no more than asked, unpacks nothing, and keeps to the limits. */
static void test_list(void **state)
{
	struct fx *f = *state;
	_cleanup_free_ char *tgz = make(f, "l.tar.gz", "tar -czf");
	struct kp_extract_opts o = {.what = "test archive"};
	struct kp_archive_member *m;
	size_t n;
	assert_int_equal(kp_archive_list(tgz, &o, want_c, 100, &m, &n), 0);
	_cleanup_strv_ struct kp_strv names = {0};
	for (size_t i = 0; i < n; i++) {
		kp_strv_pushf(&names, "%s%s", m[i].name, m[i].dir ? "/" : "");
		if (!strcmp(m[i].name, "top/sub/c.c")) {
			assert_int_equal(m[i].len, 10);
			assert_memory_equal(m[i].data, "0123456789", 10);
		} else {
			assert_null(m[i].data);
		}
	}
	kp_archive_members_free(m, n);
	kp_strv_sort(&names);
	assert_int_equal(names.n, 5);
	assert_string_equal(names.v[0], "top/");
	assert_string_equal(names.v[4], "top/sub/c.c");
	/* A wanted member past max is refused, named. */
	tl_log_reset();
	assert_int_equal(kp_archive_list(tgz, &o, want_c, 9, &m, &n), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "cannot read 'top/sub/c.c'"));
	struct kp_extract_limits lim = {
	    .max_entry_size = 1 << 20, .max_total_size = 1 << 20, .max_entries = 3};
	o.limits = &lim;
	tl_log_reset();
	assert_int_equal(kp_archive_list(tgz, &o, NULL, 0, &m, &n), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "has more than 3 entries"));
	/* Not an archive. */
	_cleanup_free_ char *junk = kp_path_join(f->dir, "junk.tar");
	tl_write(f->dir, "junk.tar", "not a tar at all, just text that is long enough to be read");
	o.limits = NULL;
	tl_log_reset();
	assert_int_equal(kp_archive_list(junk, &o, NULL, 0, &m, &n), -KP_EINPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_formats, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_iso_descriptors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_iso_continuations, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_iso_joliet_paths, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_list, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_modes, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
