/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The output dir's safety: a lock so two runs never interleave, a staging
 * dir on the same file system, and a publish step that moves every staged
 * artifact into place or none of them.
 */
#ifndef KP_OUTDIR_H
#define KP_OUTDIR_H

struct kp_outdir {
	char *dir;   /* the output dir, absolute */
	char *state; /* dir/.kmodpack: lock, staging, build dirs */
	char *stage; /* dir/.kmodpack/stage-XXXXXX, NULL until staged */
	int lock_fd;
};

/*
 * Create dir if needed and take its lock, waiting for a run that holds it
 * (a message says so); then finish the publish of a run that was killed
 * half way (a message says so too). Returns 0, -errno, or the interrupt code.
 */
int kp_outdir_open(const char *dir, struct kp_outdir *o);
/* Make a fresh staging dir (o->stage). */
int kp_outdir_stage(struct kp_outdir *o);
/*
 * Move every file below o->stage's RPMS/, SRPMS/, SPECS/ and the named
 * top-level files or dirs into o->dir, replacing files of the same name. When a
 * rename fails, the files already moved are put back as they were.
 */
int kp_outdir_publish(struct kp_outdir *o, const char *const *top_files);
/* Remove the staging dir and release the lock. */
void kp_outdir_close(struct kp_outdir *o);

#endif
