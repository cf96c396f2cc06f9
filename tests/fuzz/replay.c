// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Without clang: replay files (or every file of the dirs) given on the
 * command line through one harness, so tests/fuzz/regressions/ runs in
 * every build. A crash or sanitizer report fails the test as in libFuzzer.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "common/fs.h"
#include "common/util.h"
#include "tests/fuzz/fuzz.h"

static int replay_file(const char *path)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	if (kp_read_file(path, &data, &len) < 0) {
		fprintf(stderr, "replay: cannot read '%s'\n", path);
		return 1;
	}
	if (len <= FZ_MAX_INPUT)
		LLVMFuzzerTestOneInput((const uint8_t *)data, len);
	return 0;
}

int main(int argc, char **argv)
{
	int bad = 0, n = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0)
			continue; /* a harness without regressions yet */
		if (!S_ISDIR(st.st_mode)) {
			bad |= replay_file(argv[i]);
			n++;
			continue;
		}
		struct kp_strv names = {0};
		kp_list_dir(argv[i], &names);
		for (size_t j = 0; j < names.n; j++) {
			_cleanup_free_ char *p = kp_path_join(argv[i], names.v[j]);
			bad |= replay_file(p);
			n++;
		}
		kp_strv_release(&names);
	}
	printf("replayed %d inputs\n", n);
	return bad;
}
