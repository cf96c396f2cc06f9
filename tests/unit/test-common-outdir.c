// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * common/outdir.c: the output dir's lock, staging, and the all-or-nothing
 * publish. A second run on the same dir (a forked child here) must wait for
 * the first; a publish that fails half-way must leave the output dir with
 * exactly the files and contents it had before.
 */
#include "tests/unit/testlib.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/outdir.h"
#include "common/util.h"

struct fixture {
	char *dir;
	char *out; /* dir/out, not created yet */
};

static int setup(void **state)
{
	struct fixture *fx = kp_calloc(1, sizeof(*fx));
	fx->dir = tl_tmpdir();
	fx->out = kp_path_join(fx->dir, "out");
	tl_log_capture();
	tl_log_reset();
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;
	tl_tmpdir_free(fx->dir);
	free(fx->out);
	free(fx);
	tl_log_reset();
	return 0;
}

static char *slurp(const char *dir, const char *rel)
{
	_cleanup_free_ char *path = kp_path_join(dir, rel);
	char *text = NULL;
	if (kp_read_file(path, &text, NULL) < 0)
		return NULL;
	return text;
}

static void assert_content(const char *dir, const char *rel, const char *want)
{
	_cleanup_free_ char *got = slurp(dir, rel);
	if (!got)
		fail_msg("'%s/%s' is missing", dir, rel);
	assert_string_equal(got, want);
}

static void assert_absent(const char *dir, const char *rel)
{
	_cleanup_free_ char *path = kp_path_join(dir, rel);
	struct stat st;
	if (lstat(path, &st) == 0)
		fail_msg("'%s' exists", path);
}

/* Every file below dir (not .kmodpack) as "path=content\n", sorted. */
static void snapshot_walk(const char *root, const char *rel, struct kp_strv *sv)
{
	_cleanup_free_ char *path = rel ? kp_path_join(root, rel) : kp_strdup(root);
	DIR *d = opendir(path);
	assert_non_null(d);
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
		    (!rel && !strcmp(de->d_name, ".kmodpack")))
			continue;
		_cleanup_free_ char *sub =
		    rel ? kp_path_join(rel, de->d_name) : kp_strdup(de->d_name);
		_cleanup_free_ char *full = kp_path_join(root, sub);
		if (kp_is_dir(full)) {
			snapshot_walk(root, sub, sv);
			continue;
		}
		_cleanup_free_ char *text = slurp(root, sub);
		kp_strv_pushf(sv, "%s=%s\n", sub, text ? text : "(unreadable)");
	}
	closedir(d);
}

static char *snapshot(const char *dir)
{
	struct kp_strv sv = {0};
	snapshot_walk(dir, NULL, &sv);
	kp_strv_sort(&sv);
	struct kp_buf b = {0};
	for (size_t i = 0; i < sv.n; i++)
		kp_buf_adds(&b, sv.v[i]);
	kp_strv_release(&sv);
	return kp_buf_steal(&b);
}

/* True when someone holds the lock on dir (tried through a new open file). */
static bool is_locked(const char *dir)
{
	_cleanup_free_ char *lock = kp_path_join(dir, ".kmodpack/lock");
	int fd = open(lock, O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	bool locked = flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK;
	close(fd);
	return locked;
}

static void test_open_creates_dir_and_lock(void **state)
{
	struct fixture *fx = *state;
	struct kp_outdir o;
	assert_false(kp_is_dir(fx->out));
	assert_int_equal(kp_outdir_open(fx->out, &o), 0);
	_cleanup_free_ char *real = realpath(fx->out, NULL);
	assert_non_null(real);
	assert_string_equal(o.dir, real);
	_cleanup_free_ char *state_dir = kp_path_join(real, ".kmodpack");
	assert_string_equal(o.state, state_dir);
	assert_true(kp_is_dir(state_dir));
	assert_null(o.stage);
	assert_true(o.lock_fd >= 0);
	assert_true(is_locked(fx->out));
	/* The lock fd must not leak into the compilers kmodpack starts. */
	assert_true(fcntl(o.lock_fd, F_GETFD) & FD_CLOEXEC);

	kp_outdir_close(&o);
	assert_int_equal(o.lock_fd, -1);
	assert_false(is_locked(fx->out));

	/* An existing dir, and a nested one that does not exist yet. */
	assert_int_equal(kp_outdir_open(fx->out, &o), 0);
	kp_outdir_close(&o);
	_cleanup_free_ char *deep = kp_path_join(fx->dir, "a/b/c");
	assert_int_equal(kp_outdir_open(deep, &o), 0);
	assert_true(kp_is_dir(deep));
	kp_outdir_close(&o);
}

static void test_open_fails_on_file(void **state)
{
	struct fixture *fx = *state;
	tl_write(fx->dir, "out", "a file, not a dir");
	struct kp_outdir o;
	assert_true(kp_outdir_open(fx->out, &o) < 0);
	assert_non_null(strstr(tl_log_text(), fx->out));
	kp_outdir_close(&o);
}

/*
 * The child reports, through a pipe, 'w' just before it opens the dir,
 * then "a <time>" once it holds the lock and "l <log>" with what it logged.
 */
static void child_open(const char *out, int wfd, int held_fd)
{
	/* The parent's lock fd is inherited: close it, or the child would hold the lock itself. */
	close(held_fd);
	tl_log_reset();
	struct kp_outdir o;
	(void)!write(wfd, "w", 1);
	int r = kp_outdir_open(out, &o);
	double t = kp_now();
	dprintf(wfd, "a %d %.6f\n", r, t);
	dprintf(wfd, "l %s", tl_log_text());
	kp_outdir_close(&o);
	_exit(r == 0 ? 0 : 1);
}

static void test_second_open_waits(void **state)
{
	struct fixture *fx = *state;
	struct kp_outdir o;
	assert_int_equal(kp_outdir_open(fx->out, &o), 0);

	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		child_open(fx->out, p[1], o.lock_fd);
	}
	close(p[1]);
	char c = 0;
	assert_int_equal(read(p[0], &c, 1), 1);
	assert_int_equal(c, 'w');
	/* Give the child time to reach flock(); it must still be waiting after. */
	struct pollfd pfd = {.fd = p[0], .events = POLLIN};
	assert_int_equal(poll(&pfd, 1, 300), 0);
	double closed = kp_now();
	kp_outdir_close(&o);

	char buf[4096];
	size_t len = 0;
	ssize_t n;
	while ((n = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
	close(p[0]);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);

	int r = -1;
	double acquired = 0;
	assert_int_equal(sscanf(buf, "a %d %lf", &r, &acquired), 2);
	assert_int_equal(r, 0);
	/* Ordering only: the child got the lock after the parent let it go. */
	assert_true(acquired >= closed);
	/* And it told the user why it was waiting. */
	assert_non_null(strstr(buf, "waiting for another kmodpack run"));
}

static void test_stage_removes_stale(void **state)
{
	struct fixture *fx = *state;
	struct kp_outdir o;
	assert_int_equal(kp_outdir_open(fx->out, &o), 0);
	/* Left behind by killed runs. */
	tl_write(o.state, "stage-abc123/RPMS/x86_64/old.rpm", "stale");
	tl_write(o.state, "stage-zzz/.backup/0", "stale");
	tl_write(o.state, "build-amd64/keep.o", "not a stage");
	assert_int_equal(kp_outdir_stage(&o), 0);
	assert_non_null(o.stage);
	assert_true(kp_startswith(o.stage, o.state));
	assert_true(kp_is_dir(o.stage));
	_cleanup_free_ char *prefix = kp_path_join(o.state, "stage-");
	assert_true(kp_startswith(o.stage, prefix));
	assert_absent(o.state, "stage-abc123");
	assert_absent(o.state, "stage-zzz");
	/* Said once, both counted. */
	const char *log = tl_log_text();
	const char *said = strstr(log, "removed the unpublished work of 2 killed kmodpack runs in");
	assert_non_null(said);
	assert_null(strstr(said + 1, "removed the unpublished work"));
	assert_content(o.state, "build-amd64/keep.o", "not a stage");
	/* The new stage is empty. */
	_cleanup_free_ char *snap = snapshot(o.stage);
	assert_string_equal(snap, "");

	_cleanup_free_ char *stage = kp_strdup(o.stage);
	kp_outdir_close(&o);
	assert_false(kp_is_dir(stage));
	assert_content(fx->out, ".kmodpack/build-amd64/keep.o", "not a stage");
}

static void test_publish(void **state)
{
	struct fixture *fx = *state;
	struct kp_outdir o;
	assert_int_equal(kp_outdir_open(fx->out, &o), 0);
	tl_write(fx->out, "RPMS/x86_64/hello-modules-amd64.rpm", "old amd64");
	tl_write(fx->out, "RPMS/x86_64/other-driver.rpm", "another driver");
	tl_write(fx->out, "build-report.json", "{\"old\": true}");
	tl_write(fx->out, "logs/amd64.log", "old log");

	assert_int_equal(kp_outdir_stage(&o), 0);
	tl_write(o.stage, "RPMS/x86_64/hello-modules-amd64.rpm", "new amd64");
	tl_write(o.stage, "RPMS/x86_64/hello-modules-cloud-amd64.rpm", "new cloud");
	tl_write(o.stage, "RPMS/noarch/hello-data.rpm", "new data");
	tl_write(o.stage, "SRPMS/hello.src.rpm", "new srpm");
	tl_write(o.stage, "SPECS/hello.spec", "new spec");
	tl_write(o.stage, "build-report.json", "{\"new\": true}");
	tl_write(o.stage, "scratch/junk.o", "not an artifact");
	tl_write(o.stage, "unnamed.txt", "not named");

	const char *const top[] = {"build-report.json", "not-staged.json", NULL};
	assert_int_equal(kp_outdir_publish(&o, top), 0);
	assert_content(fx->out, "RPMS/x86_64/hello-modules-amd64.rpm", "new amd64");
	assert_content(fx->out, "RPMS/x86_64/hello-modules-cloud-amd64.rpm", "new cloud");
	assert_content(fx->out, "RPMS/noarch/hello-data.rpm", "new data");
	assert_content(fx->out, "SRPMS/hello.src.rpm", "new srpm");
	assert_content(fx->out, "SPECS/hello.spec", "new spec");
	assert_content(fx->out, "build-report.json", "{\"new\": true}");
	/* Files of other drivers and logs are left alone. */
	assert_content(fx->out, "RPMS/x86_64/other-driver.rpm", "another driver");
	assert_content(fx->out, "logs/amd64.log", "old log");
	/* Only RPMS, SRPMS, SPECS and named files are published. */
	assert_absent(fx->out, "scratch");
	assert_absent(fx->out, "unnamed.txt");
	assert_absent(fx->out, "not-staged.json");
	/* Moved, not copied. */
	assert_absent(o.stage, "SPECS/hello.spec");

	_cleanup_free_ char *stage = kp_strdup(o.stage);
	kp_outdir_close(&o);
	assert_false(kp_is_dir(stage));
	assert_content(fx->out, "SPECS/hello.spec", "new spec");
}

static void test_publish_failure_rolls_back(void **state)
{
	struct fixture *fx = *state;
	struct kp_outdir o;
	assert_int_equal(kp_outdir_open(fx->out, &o), 0);
	tl_write(fx->out, "RPMS/x86_64/hello-modules-amd64.rpm", "old amd64");
	tl_write(fx->out, "SPECS/hello.spec", "old spec");
	tl_write(fx->out, "build-report.json", "old report");
	/* Where the SRPM should go is a non-empty directory: that rename fails. */
	tl_write(fx->out, "SRPMS/hello.src.rpm/keep", "in the way");
	_cleanup_free_ char *before = snapshot(fx->out);

	assert_int_equal(kp_outdir_stage(&o), 0);
	/* Published in sorted order: these three move before the SRPM fails. */
	tl_write(o.stage, "RPMS/x86_64/hello-modules-amd64.rpm", "new amd64");
	tl_write(o.stage, "RPMS/x86_64/hello-modules-cloud-amd64.rpm", "new cloud");
	tl_write(o.stage, "SPECS/hello.spec", "new spec");
	tl_write(o.stage, "SRPMS/hello.src.rpm", "new srpm");
	tl_write(o.stage, "build-report.json", "new report");

	const char *const top[] = {"build-report.json", NULL};
	tl_log_reset();
	assert_true(kp_outdir_publish(&o, top) < 0);
	assert_non_null(strstr(tl_log_text(), "SRPMS/hello.src.rpm"));
	assert_null(strstr(tl_log_text(), "could not restore"));

	/* Exactly as before: old contents back, new files gone. */
	_cleanup_free_ char *after = snapshot(fx->out);
	assert_string_equal(after, before);
	assert_content(fx->out, "RPMS/x86_64/hello-modules-amd64.rpm", "old amd64");
	assert_absent(fx->out, "RPMS/x86_64/hello-modules-cloud-amd64.rpm");
	assert_content(fx->out, "SPECS/hello.spec", "old spec");
	assert_content(fx->out, "build-report.json", "old report");

	_cleanup_free_ char *stage = kp_strdup(o.stage);
	kp_outdir_close(&o);
	assert_false(kp_is_dir(stage));
	assert_string_equal(after, before);
}

static void test_publish_failure_first_run(void **state)
{
	struct fixture *fx = *state;
	struct kp_outdir o;
	assert_int_equal(kp_outdir_open(fx->out, &o), 0);
	/* A first run: nothing published yet, but a blocker at the last file. */
	tl_write(fx->out, "build-report.json/keep", "in the way");
	_cleanup_free_ char *before = snapshot(fx->out);

	assert_int_equal(kp_outdir_stage(&o), 0);
	tl_write(o.stage, "RPMS/x86_64/a.rpm", "a");
	tl_write(o.stage, "SPECS/a.spec", "spec");
	tl_write(o.stage, "build-report.json", "report");
	const char *const top[] = {"build-report.json", NULL};
	assert_true(kp_outdir_publish(&o, top) < 0);
	_cleanup_free_ char *after = snapshot(fx->out);
	assert_string_equal(after, before);
	assert_absent(fx->out, "RPMS/x86_64/a.rpm");
	assert_absent(fx->out, "SPECS/a.spec");
	/* The dirs the failed publish created are gone too. */
	assert_absent(fx->out, "RPMS/x86_64");
	assert_absent(fx->out, "RPMS");
	assert_absent(fx->out, "SPECS");
	kp_outdir_close(&o);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_open_creates_dir_and_lock),
	    T(test_open_fails_on_file),
	    T(test_second_open_waits),
	    T(test_stage_removes_stale),
	    T(test_publish),
	    T(test_publish_failure_rolls_back),
	    T(test_publish_failure_first_run),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
