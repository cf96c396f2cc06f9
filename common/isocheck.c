// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libarchive 3.6 (Debian 12's) trusts three structures of an ISO 9660 image
 * that a damaged or crafted one can set to anything (the first two found by
 * fuzz-packset, the third read in libarchive's history); all are checked here
 * before libarchive opens the file:
 *
 * - The root directory's length in a volume descriptor: libarchive reads the
 *   root with one read-ahead of that size, before checking it against
 *   anything (0xFFFFFFFF: 4 GiB allocated for a 68 KB file).
 * - Rock Ridge continuation areas (SUSP "CE" entries, IEEE P1281 5.1): a
 *   continuation that points back into an area already read makes libarchive
 *   read that area again, for ever (an 80 KB pack ISO kept it busy with no
 *   end in sight). libarchive fixed it in 2026 (ee62525, "reject overlapping
 *   Rock Ridge CE continuations"); until the distributions carry that, every
 *   chain must move forward, one continuation per area, as SUSP says.
 * - The length of a Joliet path: libarchive builds it in a 1,024-byte buffer
 *   and wrote the 2-byte separator past it when the parent's path filled it
 *   (a heap overflow, fixed upstream in 2026, 750e8d7b). Where libarchive
 *   reads the Joliet tree (no Rock Ridge in the primary), each path must be
 *   at most 1,000 bytes and each directory named once, so that the path the
 *   walk sees is the one libarchive builds.
 *
 * The walk reads the descriptors, each directory once and each record's
 * continuation areas, within fixed bounds far above any real image (an
 * installer ISO has a few hundred directories, continuation chains of one or
 * two areas). It finds a CE entry exactly where libarchive looks for one: the
 * skip the root's SP entry gives, the entry sanity rules, ST ending an area.
 */
#include "common/isocheck.h"

#include <errno.h>
#include <fcntl.h>
#include <search.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"
#include "common/util.h"

#define ISO_SECTOR	    2048
#define ISO_MAX_DESCRIPTORS 64
#define ISO_MAX_DIRS	    65536
#define ISO_MAX_DIR_BYTES   (64ULL << 20) /* all directories together, at most */
#define ISO_MAX_CE_CHAIN    32		  /* continuation areas of one record */
#define DR_NAME		    33		  /* a directory record's name starts here */
/* below libarchive's 1,024-byte path buffer, with room for its separator */
#define ISO_JOLIET_PATH_MAX 1000

struct iso {
	int fd;
	unsigned long long size; /* of the file */
	const char *path, *what;
	/* the volume being walked */
	unsigned bs;	     /* its logical block size */
	int susp;	     /* its root carries SUSP's SP entry, */
	unsigned susp_skip;  /* and the skip that gives */
	unsigned char *area; /* bs bytes: one continuation area */
	unsigned path_max;   /* Joliet names read by libarchive: longest path, bytes */
	/* directories seen over all volumes: a tree of their (offset, length), and a queue */
	void *seen;
	struct dir {
		unsigned long long off, len;
		unsigned path; /* bytes of its path, "/" as 2 (UTF-16) */
	} * queue;
	size_t nqueue, aqueue, next;
	unsigned long long dir_bytes;
};

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

KP_PRINTF(2, 3)
static int damaged(struct iso *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	_cleanup_free_ char *why = kp_vasprintf(fmt, ap);
	va_end(ap);
	kp_err("%s '%s' is damaged: %s; make the ISO again (it is not one a mastering "
	       "tool writes)",
	       s->what, s->path, why);
	return -KP_EINPUT;
}

static int read_at(struct iso *s, void *buf, size_t len, unsigned long long off)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = pread(s->fd, (char *)buf + got, len - got, (off_t)(off + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			kp_err("cannot read %s '%s' at byte %llu: %s", s->what, s->path, off + got,
			       n < 0 ? strerror(errno) : "the file ends there");
			return -KP_EINPUT;
		}
		got += (size_t)n;
	}
	return 0;
}

static int cmp_extent(const void *a, const void *b)
{
	const unsigned long long *x = a, *y = b;
	if (x[0] != y[0])
		return x[0] < y[0] ? -1 : 1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

/*
 * Queue a directory to walk, once; one that leaves the file libarchive
 * refuses itself. path: the bytes of its path.
 */
static int add_dir(struct iso *s, unsigned long long off, unsigned long long len, unsigned path)
{
	if (len == 0 || off > s->size || len > s->size - off)
		return 0;
	unsigned long long key[2] = {off, len};
	if (tfind(key, &s->seen, cmp_extent)) {
		/* In a tree that libarchive names by Joliet paths, a path must be one path. */
		if (s->path_max)
			return damaged(s, "two directory records name the directory at byte %llu",
				       off);
		return 0; /* walked already (a loop, or two names for one directory) */
	}
	if (s->nqueue == ISO_MAX_DIRS)
		return damaged(s, "it has more than %d directories", ISO_MAX_DIRS);
	/* Directories have extents of their own: together they fit in the image. */
	unsigned long long cap = s->size < ISO_MAX_DIR_BYTES ? s->size : ISO_MAX_DIR_BYTES;
	if ((s->dir_bytes += len) > cap)
		return damaged(s,
			       "its directories add up to more than %llu bytes (the image's "
			       "size, at most %llu MiB)",
			       cap, ISO_MAX_DIR_BYTES >> 20);
	unsigned long long *node = kp_malloc(sizeof(key));
	memcpy(node, key, sizeof(key));
	if (!tsearch(node, &s->seen, cmp_extent))
		abort(); /* out of memory: as kp_malloc does */
	if (s->nqueue == s->aqueue) {
		s->aqueue = s->aqueue ? 2 * s->aqueue : 16;
		s->queue = kp_reallocarray(s->queue, s->aqueue, sizeof(*s->queue));
	}
	s->queue[s->nqueue++] = (struct dir){off, len, path};
	return 0;
}

/*
 * The SUSP entries from p to end, then the continuation areas they chain to:
 * at most one CE entry per area, each area after the one before it.
 */
static int check_susp(struct iso *s, const unsigned char *p, const unsigned char *end,
		      unsigned long long rec_off)
{
	unsigned long long prev_end = 0;
	for (int links = 0;; links++) {
		const unsigned char *ce = NULL;
		/* libarchive's rules for where the entries stop */
		for (; end - p >= 4 && p[0] >= 'A' && p[0] <= 'Z' && p[1] >= 'A' && p[1] <= 'Z' &&
		       p[2] >= 4 && p[2] <= end - p;
		     p += p[2]) {
			if (p[0] == 'S' && p[1] == 'T' && p[2] == 4 && p[3] == 1)
				break;
			if (p[0] != 'C' || p[1] != 'E' || p[2] != 28 || p[3] != 1)
				continue;
			if (ce)
				return damaged(
				    s,
				    "the directory record at byte %llu has two Rock Ridge "
				    "continuations (SUSP CE) in one area",
				    rec_off);
			ce = p;
		}
		if (!ce)
			return 0;
		unsigned long long off = le32(ce + 12), len = le32(ce + 20);
		unsigned long long start = (unsigned long long)le32(ce + 4) * s->bs + off;
		if (off + len > s->bs || start > s->size || len > s->size - start)
			return damaged(s,
				       "the directory record at byte %llu continues (SUSP CE) at "
				       "byte %llu, %llu bytes, outside its block or the file",
				       rec_off, start, len);
		if (start < prev_end)
			return damaged(s,
				       "the directory record at byte %llu continues (SUSP CE) back "
				       "into an area it has already used (byte %llu, before %llu)",
				       rec_off, start, prev_end);
		if (links == ISO_MAX_CE_CHAIN)
			return damaged(s,
				       "the directory record at byte %llu has more than %d "
				       "continuation areas (SUSP CE)",
				       rec_off, ISO_MAX_CE_CHAIN);
		int r = read_at(s, s->area, (size_t)len, start);
		if (r < 0)
			return r;
		prev_end = start + len;
		p = s->area;
		end = s->area + len;
	}
}

/*
 * One directory: its records block by block as libarchive reads them; each
 * subdirectory queued, each record's SUSP entries checked. A record
 * libarchive would refuse ends the walk of this directory (it stops there).
 */
static int walk_dir(struct iso *s, const struct dir *dir, int is_root)
{
	unsigned long long off = dir->off, len = dir->len;
	/* whole blocks, as libarchive reads them, but not past the file */
	unsigned long long step = (len + s->bs - 1) / s->bs * s->bs;
	if (step > s->size - off)
		step = s->size - off;
	_cleanup_free_ unsigned char *buf = kp_malloc(step ? (size_t)step : 1);
	int r = read_at(s, buf, (size_t)step, off);
	if (r < 0)
		return r;
	for (unsigned long long blk = 0; blk < step; blk += s->bs) {
		const unsigned char *p = buf + blk;
		const unsigned char *b = buf + (blk + s->bs < step ? blk + s->bs : step);
		for (; b - p > DR_NAME && p[0] != 0 && p[0] <= b - p; p += p[0]) {
			unsigned dr_len = p[0], name_len = p[32];
			if (dr_len < DR_NAME + 1 || name_len == 0 || name_len > dr_len - DR_NAME)
				return 0;
			int dot = name_len == 1 && (p[DR_NAME] == 0 || p[DR_NAME] == 1);
			unsigned path = dir->path + 2 + name_len;
			if (s->path_max && !dot && path > s->path_max)
				return damaged(
				    s,
				    "the path of the record at byte %llu is longer than %u "
				    "bytes (UTF-16)",
				    off + (unsigned long long)(p - buf), s->path_max);
			if ((p[25] & 0x02) && !dot &&
			    (r = add_dir(s, (unsigned long long)le32(p + 2) * s->bs, le32(p + 10),
					 path)) < 0)
				return r;
			if (!s->susp)
				continue;
			/* the root's own record: its SUSP entries follow the SP entry */
			unsigned su = DR_NAME + name_len + !(name_len & 1) + s->susp_skip +
				      (is_root && p == buf ? 7 : 0);
			if (su < dr_len &&
			    (r = check_susp(s, p + su, p + dr_len,
					    off + (unsigned long long)(p - buf))) < 0)
				return r;
		}
	}
	return 0;
}

/* Whether the volume's root record (its "." entry) starts with SUSP's SP entry. */
static int read_sp(struct iso *s, unsigned long long root)
{
	unsigned char rec[255];
	s->susp = 0;
	s->susp_skip = 0;
	size_t have = root < s->size && s->size - root < sizeof(rec) ? s->size - root : sizeof(rec);
	if (root >= s->size || have < DR_NAME + 1)
		return 0;
	int r = read_at(s, rec, have, root);
	if (r < 0)
		return r;
	unsigned dr_len = rec[0], name_len = rec[32];
	unsigned sp = DR_NAME + name_len + !(name_len & 1);
	if (dr_len >= sp + 7 && dr_len <= have && !memcmp(rec + sp, "SP\x07\x01\xbe\xef", 6)) {
		s->susp = 1;
		s->susp_skip = rec[sp + 6];
	}
	return 0;
}

static int walk_volume(struct iso *s, unsigned long long root, unsigned long long root_len)
{
	int r = read_sp(s, root);
	if (r < 0)
		return r;
	free(s->area);
	s->area = kp_malloc(s->bs);
	size_t first = s->nqueue;
	if ((r = add_dir(s, root, root_len, 0)) < 0)
		return r;
	for (s->next = first; s->next < s->nqueue; s->next++) {
		struct dir d = s->queue[s->next]; /* add_dir may move the queue */
		if ((r = walk_dir(s, &d, s->next == first)) < 0)
			return r;
	}
	return 0;
}

int kp_iso_check(const char *path, const char *what)
{
	struct iso s = {.path = path, .what = what, .fd = open(path, O_RDONLY | O_CLOEXEC)};
	if (s.fd < 0)
		return 0; /* libarchive says why it cannot open it */
	struct stat st;
	int r = fstat(s.fd, &st) < 0 ? -errno : 0;
	s.size = (unsigned long long)st.st_size;
	int primary_susp = 0;
	/* The descriptors start at sector 16 and end with a terminator (type 255). */
	for (int i = 0; r == 0 && i < ISO_MAX_DESCRIPTORS; i++) {
		unsigned char vd[ISO_SECTOR];
		if (pread(s.fd, vd, sizeof(vd), (off_t)(16 + i) * ISO_SECTOR) !=
			(ssize_t)sizeof(vd) ||
		    memcmp(vd + 1, "CD001", 5) || vd[0] == 255)
			break;
		if (vd[0] != 1 && vd[0] != 2)
			continue;
		s.bs = (unsigned)vd[128] | (unsigned)vd[129] << 8;
		unsigned long long volume = (unsigned long long)le32(vd + 80) * s.bs;
		/* The root directory's record: its extent (location, length) at 156 + 2, + 10. */
		unsigned long long root = (unsigned long long)le32(vd + 158) * s.bs;
		unsigned long long root_end = root + le32(vd + 166);
		if (s.bs == 0 || volume > s.size || root_end > s.size) {
			kp_err("%s '%s' is damaged or cut short: its volume descriptor (sector %d) "
			       "gives %s %llu bytes, and the file has %llu; copy or make the ISO "
			       "again",
			       what, path, 16 + i,
			       s.bs == 0	 ? "a block size of 0, a volume of"
			       : volume > s.size ? "a volume of"
						 : "a root directory ending at",
			       s.bs == 0 || volume > s.size ? volume : root_end, s.size);
			r = -KP_EINPUT;
			break;
		}
		/*
		 * libarchive names entries by the Joliet tree only when the primary
		 * has no Rock Ridge (SUSP), in a path buffer of 1,024 bytes.
		 */
		bool joliet = vd[0] == 2 && vd[88] == '%' && vd[89] == '/' &&
			      (vd[90] == '@' || vd[90] == 'C' || vd[90] == 'E');
		s.path_max = joliet && !primary_susp ? ISO_JOLIET_PATH_MAX : 0;
		r = walk_volume(&s, root, root_end - root);
		if (vd[0] == 1)
			primary_susp = s.susp;
	}
	tdestroy(s.seen, free);
	free(s.queue);
	free(s.area);
	close(s.fd);
	return r;
}
