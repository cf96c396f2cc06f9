// SPDX-License-Identifier: GPL-2.0-or-later
#include "tests/fuzz/fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"

static char *tmpdir;
static char *last;

static void quiet(void *data, enum kp_log_prio prio, const char *msg)
{
}

static void cleanup(void)
{
	if (tmpdir)
		kp_rm_rf(tmpdir);
	free(tmpdir);
	free(last);
}

void fz_init(void)
{
	if (tmpdir)
		return;
	kp_log_set(quiet, NULL);
	tmpdir = kp_strdup("/tmp/kmodpack-fuzz-XXXXXX");
	if (!mkdtemp(tmpdir))
		abort();
	atexit(cleanup);
}

const char *fz_file(const char *name, const uint8_t *data, size_t size)
{
	fz_init();
	free(last);
	last = kp_path_join(tmpdir, name);
	if (kp_write_file(last, data, size, 0644) < 0)
		abort();
	return last;
}

char *fz_string(const uint8_t *data, size_t size)
{
	char *s = kp_malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}
