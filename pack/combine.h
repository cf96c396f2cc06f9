/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Several finished packs on one ISO (guide 6.6, combine-supplemental-packs.sh)
 * and packs added to an installer ISO that keeps booting (guide 6.7,
 * rebuild-iso.sh). Both lay each pack out as packages.<name>/ and list
 * those dirs, dependencies first, in XS-REPOSITORY-LIST, which the host
 * installer reads; a combined ISO also gets an install.sh that runs each
 * pack's own install.sh in that order on a running host.
 */
#ifndef PK_COMBINE_H
#define PK_COMBINE_H

#include <stddef.h>

struct pk_combine_opts {
	const char *output;	 /* the ISO to write; replaced all at once or not at all */
	const char *volume_id;	 /* --vol; default: the output's base name without .iso */
	const char *const *isos; /* the packs (or combined packs) */
	size_t nisos;
};

/* Returns 0, -KP_EINPUT (logged), -KP_EFAILED or -errno (logged). */
int pk_combine(const struct pk_combine_opts *o);

struct pk_remaster_opts {
	const char *input;	     /* the installer ISO */
	const char *output;	     /* replaced all at once or not at all */
	const char *label;	     /* --label: volume id; default: the input's */
	const char *answerfile;	     /* --answerfile: checked to be well-formed XML */
	const char *const *includes; /* --include FILE|DIR: added at the top */
	size_t nincludes;
	const char *const *isos; /* packs to add */
	size_t nisos;
};

int pk_remaster(const struct pk_remaster_opts *o);

#endif
