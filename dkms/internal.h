/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Shared by dkms/derive.c and dkms/facts.c: one fact and where it came from. */
#ifndef DK_INTERNAL_H
#define DK_INTERNAL_H

#include "common/util.h"

struct dk_fact {
	char *value;  /* NULL: not found */
	char *origin; /* "debian/control:3 Maintainer", for the comment above the key */
};

void dk_fact_set(struct dk_fact *f, char *value, const char *fmt, ...) KP_PRINTF(3, 4);
void dk_fact_release(struct dk_fact *f);

/* debian/changelog as rpm %changelog entries, newest first. */
struct dk_changelog {
	char *top_version; /* the first entry's version as written, e.g. "1:2.10.1-3" */
	int top_line;
	char *rpm;    /* the entries in rpm's format, NULL if there is no changelog */
	char *author; /* the first entry's "Name <mail>" */
};
/* Read dir/debian/changelog. 0 when absent (all NULL), -KP_EINPUT when unreadable as one. */
int dk_changelog_read(const char *dir, struct dk_changelog *cl);
void dk_changelog_release(struct dk_changelog *cl);

/* What debian/control and debian/copyright say. */
struct dk_control {
	struct dk_fact maintainer; /* "Name <mail>" */
	struct dk_fact summary, description, homepage, license;
};
void dk_control_read(const char *dir, struct dk_control *ctl);
void dk_control_release(struct dk_control *ctl);

/* What the sources say: MODULE_LICENSE, MODULE_DESCRIPTION, obj-m. */
struct dk_sources {
	struct dk_fact license;	   /* rpm License tag, mapped */
	struct dk_fact summary;	   /* MODULE_DESCRIPTION */
	struct dk_fact kbuild_dir; /* the shallowest directory declaring obj-m, "" for the top */
	struct kp_strv data;	   /* debian/ files with .udev or .modprobe names */
	/* "foo.c:3 MODULE_LICENSE(NAME)": the first call whose string could not be followed */
	char *license_unread;
};
void dk_sources_read(const char *dir, struct dk_sources *s);
void dk_sources_release(struct dk_sources *s);
/* Whether dir/rel holds a Makefile or Kbuild that declares modules (obj-m, obj-$(CONFIG_X)). */
bool dk_declares_modules(const char *dir, const char *rel);
/*
 * 'obj-$(CONFIG_X) := x.o' in dir/rel's Makefile, where the same Makefile
 * sets CONFIG_X = m only when make runs it (Realtek's 'export CONFIG_X = m'
 * outside the Kbuild branch): "CONFIG_X=m" for make_args, with its line.
 */
void dk_obj_config(const char *dir, const char *rel, struct dk_fact *f);
/* An SPDX expression for a Debian copyright or SPDX license name, or NULL. */
char *dk_spdx(const char *name);

#endif
