/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The output dir's safety: a lock so two runs never interleave, a staging
 * dir on the same file system, and a publish step that moves every staged
 * artifact into place or none of them.
 */
#ifndef PK_PUBLISH_H
#define PK_PUBLISH_H

struct pk_outdir {
	char *dir;   /* the output dir, absolute */
	char *state; /* dir/.kmodpack: lock, staging, build dirs */
	char *stage; /* dir/.kmodpack/stage-XXXXXX, NULL until staged */
	int lock_fd;
};

/*
 * Create dir if needed and take its lock, waiting for a run that holds it
 * (a message says so). Returns 0, -errno, or the interrupt code.
 */
int pk_outdir_open(const char *dir, struct pk_outdir *o);
/* Make a fresh staging dir (o->stage). */
int pk_outdir_stage(struct pk_outdir *o);
/*
 * Move every file below o->stage's RPMS/, SRPMS/, SPECS/ and the named
 * top-level files or dirs into o->dir, replacing files of the same name. When a
 * rename fails, the files already moved are put back as they were.
 */
int pk_outdir_publish(struct pk_outdir *o, const char *const *top_files);
/* Remove the staging dir and release the lock. */
void pk_outdir_close(struct pk_outdir *o);

#endif
