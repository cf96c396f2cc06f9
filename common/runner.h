/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one way kmodpack starts child processes: from an argv vector, never a
 * shell string, with output captured to a log file. kp_run_jobs() runs
 * several children (one make per flavour) under one job budget: kmodpack
 * acts as a GNU make jobserver, so N jobs run at most in total, not N per
 * flavour.
 */
#ifndef KP_RUNNER_H
#define KP_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum kp_job_state { KP_JOB_QUEUED, KP_JOB_RUNNING, KP_JOB_DONE, KP_JOB_FAILED };

struct kp_job {
	/* filled by the caller */
	const char *name;    /* shown in progress and errors */
	char *const *argv;   /* argv[0] is looked up in PATH */
	const char *cwd;     /* or NULL */
	const char *logpath; /* stdout and stderr go here (created/truncated) */
	bool make;	     /* give it the jobserver through MAKEFLAGS */
	double timeout;	     /* seconds; 0: none. Past it the child's group is killed */
	/* filled by the runner */
	enum kp_job_state state;
	int exit_status;       /* 0..255, or 128+sig when killed */
	double started, ended; /* kp_now() */
	pid_t pid;
	bool timed_out; /* killed for running past timeout (state is KP_JOB_FAILED) */
};

typedef void (*kp_progress_fn)(void *data, const struct kp_job *jobs, size_t n);

/*
 * Run jobs, at most max_jobs compile jobs in total. progress (may be NULL)
 * is called when a job changes state and about every 200 ms. Returns 0 when
 * all ran (check each job's state for its result), -KP_EENV when a program
 * is missing, or -(KP_EINTR_BASE+sig) when interrupted: then every child's
 * process group has been killed and reaped.
 */
int kp_run_jobs(struct kp_job *jobs, size_t n, int max_jobs, kp_progress_fn progress, void *data);

/* Run one command to completion, output to logpath; returns its exit status or <0. */
int kp_run(char *const *argv, const char *cwd, const char *logpath);

#endif
