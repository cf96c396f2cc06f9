// SPDX-License-Identifier: GPL-2.0-or-later
#include "pack/combine.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/archive.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/signals.h"
#include "common/xml.h"
#include "pack/installsh.h"
#include "pack/iso.h"
#include "pack/meta.h"
#include "pack/packset.h"

/* Files for the image: borrowed paths and owned bytes, freed together. */
struct files {
	struct pk_iso_file *v;
	size_t n;
	struct kp_strv owned; /* names and data the entries point into */
};

static void files_release(struct files *f)
{
	free(f->v);
	kp_strv_release(&f->owned);
}

static const char *own(struct files *f, char *s)
{
	kp_strv_push_take(&f->owned, s);
	return s;
}

static void add_path(struct files *f, char *name, const char *path, mode_t mode)
{
	f->v = kp_reallocarray(f->v, f->n + 1, sizeof(*f->v));
	f->v[f->n++] = (struct pk_iso_file){
	    .name = own(f, name), .path = own(f, kp_strdup(path)), .mode = mode};
}

static void add_data(struct files *f, const char *name, char *data, mode_t mode)
{
	f->v = kp_reallocarray(f->v, f->n + 1, sizeof(*f->v));
	f->v[f->n++] = (struct pk_iso_file){.name = own(f, kp_strdup(name)),
					    .data = own(f, data),
					    .len = strlen(data),
					    .mode = mode};
}

/* Every file of every pack as packages.<name>/<file>, executables kept executable. */
static void add_packs(struct files *f, const struct pk_packset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct pk_setpack *p = &s->packs[i];
		for (size_t k = 0; k < p->files.n; k++) {
			_cleanup_free_ char *path = kp_path_join(p->dir, p->files.v[k]);
			struct stat st;
			mode_t mode = stat(path, &st) == 0 && (st.st_mode & 0111) ? 0555 : 0444;
			add_path(f, kp_asprintf("packages.%s/%s", p->name, p->files.v[k]), path,
				 mode);
		}
	}
}

/* XS-REPOSITORY-LIST: one packages.<name> per line, dependencies first; old lines kept first. */
static char *repository_list(const char *old, const struct pk_packset *s)
{
	struct kp_buf b = {0};
	_cleanup_strv_ struct kp_strv have = {0};
	if (old) {
		kp_strv_split_on(&have, old, "\n");
		for (size_t i = 0; i < have.n; i++) {
			kp_strstrip(have.v[i]);
			if (*have.v[i])
				kp_buf_addf(&b, "%s\n", have.v[i]);
		}
	}
	for (size_t i = 0; i < s->n; i++) {
		_cleanup_free_ char *line = kp_asprintf("packages.%s", s->packs[i].name);
		if (!kp_strv_contains(&have, line))
			kp_buf_addf(&b, "%s\n", line);
	}
	return kp_buf_steal(&b);
}

/*
 * The combined ISO's install.sh: each pack's own install.sh, in
 * XS-REPOSITORY-LIST order, with the options given (--root, --accept-eulas,
 * --nodeps). A pack that is installed already (its exit 3) is no failure;
 * any other failure stops, and the packs before it stay installed.
 */
static char *combined_install_sh(const struct pk_packset *s)
{
	struct kp_buf b = {0};
	kp_buf_adds(&b,
		    "#!/bin/sh\n"
		    "# Installs every supplemental pack on this ISO, each with its own\n"
		    "# install.sh, dependencies first. Written by kmodpack pack combine; the\n"
		    "# options are those of each pack's install.sh (--help lists them).\n"
		    "# Exit status: 0 installed; 3 every pack was installed already; otherwise\n"
		    "# the failing pack's own status (its install.sh --help says which).\n"
		    "set -u\n"
		    "here=$(cd \"$(dirname \"$0\")\" && pwd) || exit 1\n"
		    "fresh=0\n"
		    "for dir in");
	for (size_t i = 0; i < s->n; i++) {
		_cleanup_free_ char *d = kp_asprintf("packages.%s", s->packs[i].name);
		_cleanup_free_ char *q = pk_sh_quote(d);
		kp_buf_addf(&b, " %s", q);
	}
	kp_buf_adds(&b, "; do\n"
			"\tsh \"$here/$dir/install.sh\" \"$@\"\n"
			"\tst=$?\n"
			"\tcase $st in\n"
			"\t0) fresh=1 ;;\n"
			"\t3) ;;\n"
			"\t*)\n"
			"\t\techo \"install.sh: $dir failed (exit $st); the packs before it are "
			"installed\" >&2\n"
			"\t\texit $st\n"
			"\t\t;;\n"
			"\tesac\n"
			"done\n"
			"[ $fresh -eq 1 ] || exit 3\n"
			"exit 0\n");
	return kp_buf_steal(&b);
}

/* SOURCE_DATE_EPOCH, or the newest pack's own time: the same packs give the same ISO. */
static int pick_epoch(const struct pk_packset *s, long long *epoch)
{
	int r = kp_env_source_date_epoch(epoch);
	if (r == 0 && *epoch < 0)
		*epoch = pk_packset_epoch(s);
	return r;
}

/* Write to a temp file beside out, then rename: out is replaced whole or not at all. */
static int write_iso(struct pk_iso_opts *io, const struct files *f, const char *out)
{
	_cleanup_free_ char *tmp = kp_asprintf("%s.kmodpack-XXXXXX", out);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int r = -errno;
		kp_err("cannot create '%s': %s", tmp, strerror(-r));
		return r;
	}
	close(fd);
	struct pk_iso_sums sums;
	int r = pk_iso_write(io, f->v, f->n, tmp, &sums);
	if (r == 0)
		r = kp_check_interrupted();
	if (r == 0 && rename(tmp, out) < 0) {
		r = -errno;
		kp_err("cannot move '%s' to '%s': %s", tmp, out, strerror(-r));
	}
	if (r < 0)
		unlink(tmp);
	return r;
}

static int check_vol(const char *vol, const char *option)
{
	if (strlen(vol) > PK_TEXT_MAX) {
		kp_err("%s '%s' has %zu characters; an ISO volume id has at most %d", option, vol,
		       strlen(vol), PK_TEXT_MAX);
		return -KP_EINPUT;
	}
	return 0;
}

int pk_combine(const struct pk_combine_opts *o)
{
	_cleanup_free_ char *defvol = NULL;
	const char *vol = o->volume_id;
	if (!vol) {
		const char *b = strrchr(o->output, '/');
		defvol = kp_strdup(b ? b + 1 : o->output);
		if (kp_endswith(defvol, ".iso"))
			defvol[strlen(defvol) - 4] = '\0';
		vol = defvol;
	}
	int r = check_vol(vol, o->volume_id ? "--vol" : "the output's name (set --vol)");
	if (r < 0)
		return r;
	if (o->nisos < 1) {
		kp_err("no pack to combine: give one or more pack ISOs");
		return -KP_EINPUT;
	}
	_cleanup_(pk_packset_freep) struct pk_packset *s = NULL;
	if ((r = pk_packset_load(o->isos, o->nisos, &s)) < 0 || (r = pk_packset_order(s)) < 0)
		return r;
	struct pk_iso_opts io = {.volume_id = vol, .application_id = "kmodpack pack combine"};
	if ((r = pick_epoch(s, &io.epoch)) < 0)
		return r;
	struct files f = {0};
	add_packs(&f, s);
	add_data(&f, "XS-REPOSITORY-LIST", repository_list(NULL, s), 0444);
	add_data(&f, "install.sh", combined_install_sh(s), 0555);
	r = write_iso(&io, &f, o->output);
	files_release(&f);
	return r;
}

/* --include: a file, or a directory with everything below it, at the ISO's top. */
static int add_include(struct files *f, const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0) {
		int r = -errno;
		kp_err("--include '%s': %s", path, strerror(-r));
		return -KP_EINPUT;
	}
	_cleanup_free_ char *copy = kp_strdup(path);
	while (strlen(copy) > 1 && kp_endswith(copy, "/"))
		copy[strlen(copy) - 1] = '\0';
	const char *base = strrchr(copy, '/') ? strrchr(copy, '/') + 1 : copy;
	if (!S_ISDIR(st.st_mode)) {
		add_path(f, kp_strdup(base), path, st.st_mode & 0111 ? 0555 : 0444);
		return 0;
	}
	/* Regular files only: a symlink would be followed out of the directory by libisofs. */
	_cleanup_strv_ struct kp_strv all = {0};
	kp_list_tree(copy, &all);
	for (size_t i = 0; i < all.n; i++) {
		_cleanup_free_ char *full = kp_path_join(copy, all.v[i]);
		if (lstat(full, &st) == 0 && S_ISREG(st.st_mode))
			add_path(f, kp_asprintf("%s/%s", base, all.v[i]), full,
				 st.st_mode & 0111 ? 0555 : 0444);
	}
	return 0;
}

static int check_answerfile(const char *path)
{
	_cleanup_(kp_xml_freep) struct kp_xml_node *root = NULL;
	int r = kp_xml_read(path, &root);
	if (r < 0) {
		kp_err("--answerfile '%s' is not well-formed XML (see above): the installer would "
		       "stop at it",
		       path);
		return -KP_EINPUT;
	}
	return 0;
}

int pk_remaster(const struct pk_remaster_opts *o)
{
	int r = o->label ? check_vol(o->label, "--label") : 0;
	if (r == 0 && o->answerfile)
		r = check_answerfile(o->answerfile);
	if (r < 0)
		return r;
	/* The installer's own list: the packs added come after the repositories it has. */
	struct kp_extract_opts xo = {
	    .what = "installer ISO", .formats = KP_ARCHIVE_ISO9660, .limits = &kp_iso_limits};
	_cleanup_free_ char *old = NULL;
	size_t len = 0;
	r = kp_archive_read_member(o->input, &xo, "XS-REPOSITORY-LIST", 1 << 20, &old, &len);
	if (r < 0 && r != -ENOENT)
		return r;
	_cleanup_(pk_packset_freep) struct pk_packset *s = NULL;
	if ((r = pk_packset_load(o->isos, o->nisos, &s)) < 0 || (r = pk_packset_order(s)) < 0)
		return r;
	struct pk_iso_opts io = {.volume_id = o->label, .base = o->input};
	if ((r = pick_epoch(s, &io.epoch)) < 0)
		return r;
	struct files f = {0};
	add_packs(&f, s);
	add_data(&f, "XS-REPOSITORY-LIST", repository_list(old, s), 0444);
	if (o->answerfile)
		add_path(&f, kp_strdup("answerfile.xml"), o->answerfile, 0444);
	for (size_t i = 0; i < o->nincludes && r == 0; i++)
		r = add_include(&f, o->includes[i]);
	if (r == 0)
		r = write_iso(&io, &f, o->output);
	files_release(&f);
	return r;
}
