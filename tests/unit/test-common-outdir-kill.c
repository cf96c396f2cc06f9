// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * common/outdir.c when a publish is SIGKILLed between two renames: the
 * next kp_outdir_open (every build, verify and pack) must see the whole new
 * set, never new RPMs beside the old report.
 */
#include "tests/unit/testlib.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/outdir.h"
#include "common/util.h"

#define NFILES 3000

static char *rpm_name(size_t i)
{
	return kp_asprintf("RPMS/x86_64/m-%04zu.rpm", i);
}

static char *content_of(const char *dir, const char *rel)
{
	_cleanup_free_ char *path = kp_path_join(dir, rel);
	char *text = NULL;
	return kp_read_file(path, &text, NULL) == 0 ? text : kp_strdup("(missing)");
}

static void test_killed_publish_is_finished(void **state)
{
	struct tl_fixture *fx = *state;
	_cleanup_free_ char *out = kp_path_join(fx->dir, "out");
	for (size_t i = 0; i < NFILES; i++) {
		_cleanup_free_ char *rel = rpm_name(i);
		tl_write(out, rel, "old");
	}
	tl_write(out, "build-report.json", "old");

	pid_t run = fork();
	assert_true(run >= 0);
	if (run == 0) {
		struct kp_outdir od;
		if (kp_outdir_open(out, &od) < 0 || kp_outdir_stage(&od) < 0)
			_exit(1);
		for (size_t i = 0; i < NFILES; i++) {
			_cleanup_free_ char *rel = rpm_name(i);
			tl_write(od.stage, rel, "new");
		}
		tl_write(od.stage, "build-report.json", "new");
		static const char *const top[] = {"build-report.json", NULL};
		kp_outdir_publish(&od, top);
		pause(); /* killed here at the latest */
		_exit(0);
	}
	/*
	 * Kill it as soon as the first RPM is replaced: the report comes last.
	 * Staging 3,000 files takes seconds on a loaded machine, so wait for
	 * that as long as it takes (ctest's timeout bounds the test); a fixed
	 * 2 s wait killed the run before its publish began, and the test failed.
	 */
	_cleanup_free_ char *first = rpm_name(0);
	bool replaced = false;
	while (!replaced) {
		_cleanup_free_ char *c = content_of(out, first);
		replaced = !strcmp(c, "new");
		if (!replaced && waitpid(run, NULL, WNOHANG) == run)
			fail_msg("the publishing child ended before it published");
		usleep(1000);
	}
	kill(run, SIGKILL);
	waitpid(run, NULL, 0);

	struct kp_outdir od;
	tl_log_reset();
	assert_int_equal(kp_outdir_open(out, &od), 0);
	size_t nnew = 0;
	for (size_t i = 0; i < NFILES; i++) {
		_cleanup_free_ char *rel = rpm_name(i);
		_cleanup_free_ char *c = content_of(out, rel);
		nnew += !strcmp(c, "new");
	}
	_cleanup_free_ char *report = content_of(out, "build-report.json");
	assert_string_equal(report, "new");
	assert_int_equal(nnew, NFILES);
	kp_outdir_close(&od);

	/* Finished once: the journal and the stage are gone. */
	_cleanup_free_ char *state_dir = kp_path_join(out, ".kmodpack");
	_cleanup_free_ char *left = tl_run("ls -A '%s'", state_dir);
	assert_string_equal(left, "lock\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_killed_publish_is_finished, tl_setup_tmpdir,
					    tl_teardown_tmpdir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
