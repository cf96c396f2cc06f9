// SPDX-License-Identifier: GPL-2.0-or-later
#include "tests/fuzz/fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	/*
	 * Inside the dir scripts/fuzz.sh gives, which it removes after each
	 * harness: a crash ends the process without atexit(). Else tmpfs when
	 * there is one: a file per execution costs no disk.
	 */
	const char *parent = getenv("KMODPACK_FUZZ_TMPDIR");
	struct stat st;
	bool shm =
	    stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0;
	tmpdir = parent && *parent ? kp_path_join(parent, "kmodpack-fuzz-XXXXXX")
		 : shm		   ? kp_strdup("/dev/shm/kmodpack-fuzz-XXXXXX")
				   : kp_strdup("/tmp/kmodpack-fuzz-XXXXXX");
	if (!mkdtemp(tmpdir))
		abort();
	atexit(cleanup);
}

const char *fz_file(const char *name, const uint8_t *data, size_t size)
{
	fz_init();
	free(last);
	last = kp_path_join(tmpdir, name);
	/* Not kp_write_file(): its fsync and rename would be most of an execution. */
	int fd = open(last, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ENOENT && strchr(name, '/')) {
		/* "drv/debian/changelog": its dirs, the first time */
		_cleanup_free_ char *dir = kp_strndup(last, strrchr(last, '/') - last);
		if (kp_mkdir_p(dir, 0755) < 0)
			abort();
		fd = open(last, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	}
	if (fd < 0)
		abort();
	for (size_t off = 0; off < size;) {
		ssize_t n = write(fd, data + off, size - off);
		if (n <= 0)
			abort();
		off += (size_t)n;
	}
	close(fd);
	return last;
}

const char *fz_file_tmpdir(const char *name, const uint8_t *data, size_t size)
{
	static bool set;
	if (!set) {
		fz_init();
		setenv("TMPDIR", tmpdir, 1);
		set = true;
	}
	return fz_file(name, data, size);
}

char *fz_string(const uint8_t *data, size_t size)
{
	char *s = kp_malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}
