/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * INI files (manifest, target) through inih, the only file that includes
 * <ini.h>. Adds what inih lacks: the line of every key, continuation lines
 * merged into one value, and a clear error for lines it cannot parse.
 *
 * Syntax: [section], key = value, comments start a line with ; or #, or
 * follow white space with ;. A value continues on following lines that
 * start with white space; a continuation line holding only "." stands for
 * an empty line (so a description can have paragraphs).
 */
#ifndef KP_INI_H
#define KP_INI_H

#include <stddef.h>

#include "common/kv.h"
#include "common/util.h"

struct kp_ini_entry {
	char *section; /* "" before the first [section] */
	struct kp_kv kv;
	/* The file line of each line of kv.value (lines[0] is kv.line): comments
	 * and blank lines may sit between continuation lines. */
	int *lines;
	size_t nlines;
};

struct kp_ini_section {
	char *name;
	int line;
};

struct kp_ini {
	char *path;
	struct kp_ini_entry *e;
	size_t n;
	/* Every [section] header in file order, also empty and repeated ones. */
	struct kp_ini_section *sections;
	size_t nsections;
};

/* Returns 0, -errno (open/read), or -KP_EINPUT after logging "path:line: why". */
int kp_ini_load(const char *path, struct kp_ini **out);
/* The same for INI text held in memory; name stands for the path in messages. */
int kp_ini_parse(const char *name, const char *text, struct kp_ini **out);
/* The same for len bytes in memory (NUL bytes included, and refused as in a
 * file): the one reader kp_ini_load() and kp_ini_parse() call. */
int kp_ini_parse_mem(const char *name, const void *data, size_t len, struct kp_ini **out);
void kp_ini_free(struct kp_ini *ini);
KP_DEFINE_TRIVIAL_CLEANUP_FUNC(struct kp_ini *, kp_ini_free);

#endif
