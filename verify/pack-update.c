// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An update ISO or driver disk read back as xapi and the host installer
 * read it: update.xml (xapi's pool_update parses it and refuses the update
 * without name-label, uuid, version or name-description), the detached
 * signatures of update.xml and repodata/repomd.xml (xapi checks both with
 * gpg), every package against the sha256 the primary list gives it (what
 * the installer checks before installing), and the groups: "update" (what
 * xapi applies), "drivers" (what the installer looks for in a driver disk
 * with `dnf group list`, then installs).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/digest.h"
#include "common/fs.h"
#include "common/gpg.h"
#include "common/log.h"
#include "common/pathcheck.h"
#include "pack/repo.h"
#include "pack/updatexml.h"
#include "specgen/rpm.h"
#include "verify/pack-internal.h"

#define fail vf_pack_fail
#define skip vf_pack_skip

struct upd {
	struct pv *p;
	struct pk_update_info u;
	struct pk_repo repo;
	struct pk_comps comps;
	bool drivers; /* the repo has group "drivers": a driver disk */
};

static void iso_md5(struct upd *u)
{
	struct pv *p = u->p;
	const char *iso = p->o->iso;
	const char *slash = strrchr(iso, '/');
	_cleanup_free_ char *path =
	    slash ? kp_asprintf("%.*s/%s.iso.md5", (int)(slash - iso), iso, u->u.name_label)
		  : kp_asprintf("%s.iso.md5", u->u.name_label);
	_cleanup_free_ char *text = NULL;
	if (kp_read_file(path, &text, NULL) < 0) {
		kp_strv_pushf(&p->res->checks[VF_PACK_METADATA].lines,
			      "%s.iso.md5 not beside the ISO: not compared", u->u.name_label);
		return;
	}
	text[strcspn(text, " \t\n")] = '\0';
	char got[KP_DIGEST_HEX_MAX];
	int r = kp_digest_file(KP_DIGEST_MD5, iso, got);
	if (r < 0 || strcmp(got, text))
		fail(p, VF_PACK_METADATA, "%s.iso.md5 says %s; the ISO has md5 %s", u->u.name_label,
		     text, r < 0 ? strerror(-r) : got);
}

/* update.xml and the repo index: what must parse for xapi to take the ISO at all. */
static int read_meta(struct upd *u)
{
	struct pv *p = u->p;
	_cleanup_free_ char *path = kp_path_join(p->isodir, "update.xml");
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r = kp_read_file(path, &buf, &len);
	if (r < 0) {
		kp_err("%s: cannot read update.xml: %s", p->o->iso, strerror(-r));
		return -KP_EINPUT;
	}
	if (pk_update_parse("update.xml", buf, len, &u->u) < 0) {
		kp_err("%s: update.xml is not what xapi takes (see above)", p->o->iso);
		return -KP_EINPUT;
	}
	if (pk_repo_read(p->isodir, &u->repo) < 0) {
		kp_err("%s: the yum repository cannot be read (see above)", p->o->iso);
		return -KP_EINPUT;
	}
	p->res->label = kp_strdup(u->u.name_label);
	p->res->originator = kp_strdup("");
	p->res->uuid = kp_strdup(u->u.uuid);
	p->res->version = kp_strdup(u->u.version);
	kp_strv_push(&p->res->packs, u->u.name_label);
	iso_md5(u);
	return 0;
}

/* One detached signature, against keys. */
static void check_sig(struct upd *u, const char *name, const char *keys, size_t klen,
		      const char *keyname)
{
	struct pv *p = u->p;
	_cleanup_free_ char *path = kp_path_join(p->isodir, name);
	_cleanup_free_ char *apath = kp_asprintf("%s.asc", path);
	_cleanup_free_ char *data = NULL, *sig = NULL, *signer = NULL, *why = NULL;
	size_t dlen = 0, slen = 0;
	if (kp_read_file(path, &data, &dlen) < 0 || kp_read_file(apath, &sig, &slen) < 0) {
		fail(p, VF_PACK_SIGNATURES, "%s.asc: missing: xapi refuses the update", name);
		return;
	}
	if (kp_gpg_verify(keys, klen, data, dlen, sig, slen, &signer, &why) < 0)
		fail(p, VF_PACK_SIGNATURES, "%s.asc: %s (checked against %s)", name, why, keyname);
	else
		kp_strv_pushf(&p->res->checks[VF_PACK_SIGNATURES].lines,
			      "%s.asc: good signature by %s (%s)", name, signer, keyname);
}

/*
 * The packages' own signatures, as `rpm -K` checks them on a host that
 * imported the key: yum installs an update with gpgcheck=1, so every
 * package must be signed by it; the installer's driver-disk path does not
 * check packages, so there an unsigned payload is said, not failed. The
 * update-<label> RPM kmodpack makes is signed whenever the pack is.
 */
static void check_rpm_sigs(struct upd *u, const char *keys, size_t klen, const char *keyname)
{
	struct pv *p = u->p;
	_cleanup_free_ char *update = kp_asprintf("update-%s", u->u.name_label);
	for (size_t i = 0; i < u->repo.npkgs; i++) {
		const struct pk_repo_pkg *q = &u->repo.pkgs[i];
		_cleanup_free_ char *clean = NULL, *signer = NULL, *why = NULL;
		if (kp_path_clean(q->href, &clean) < 0 || !*clean)
			continue; /* check_packages says so */
		_cleanup_free_ char *path = kp_path_join(p->isodir, clean);
		if (!kp_is_file(path))
			continue;
		int r = spec_rpm_check_sig(path, keys, klen, &signer, &why);
		if (r == 0)
			kp_strv_pushf(&p->res->checks[VF_PACK_SIGNATURES].lines,
				      "%s: rpm signature OK, key %s (%s)", clean, signer, keyname);
		else if (r == 1 && u->drivers && strcmp(q->name, update))
			kp_strv_pushf(&p->res->checks[VF_PACK_SIGNATURES].lines,
				      "%s: not signed: the installer loads it from a driver disk, "
				      "yum with gpgcheck=1 refuses it as an update (kmodpack build "
				      "--gpg-key)",
				      clean);
		else if (r == 1)
			fail(p, VF_PACK_SIGNATURES,
			     "%s: not signed: yum with gpgcheck=1 refuses it (kmodpack build "
			     "--gpg-key, then pack again)",
			     clean);
		else
			fail(p, VF_PACK_SIGNATURES, "%s: %s (rpm -K with %s)", clean, why, keyname);
	}
}

static void check_signatures(struct upd *u)
{
	struct pv *p = u->p;
	_cleanup_free_ char *asc = kp_path_join(p->isodir, "update.xml.asc");
	if (!u->u.key && !kp_is_file(asc)) {
		if (u->drivers)
			skip(p, VF_PACK_SIGNATURES,
			     "unsigned: the installer loads an unsigned driver disk, xapi refuses "
			     "it "
			     "as an update");
		else
			fail(
			    p, VF_PACK_SIGNATURES,
			    "unsigned (no key= in update.xml, no update.xml.asc): xapi refuses the "
			    "update; pack it with --gpg-key");
		return;
	}
	if (!u->u.key)
		fail(p, VF_PACK_SIGNATURES,
		     "update.xml has no key=: a host cannot tell which key checks its packages");
	_cleanup_free_ char *keys = NULL, *keyname = NULL;
	size_t klen = 0;
	if (p->o->keyring) {
		int r = kp_read_file(p->o->keyring, &keys, &klen);
		if (r < 0) {
			fail(p, VF_PACK_SIGNATURES, "--keyring %s: %s", p->o->keyring,
			     strerror(-r));
			return;
		}
		keyname = kp_asprintf("--keyring %s", p->o->keyring);
	} else if (u->u.key) {
		/* xapi takes the key's base name; so does this. */
		const char *base = strrchr(u->u.key, '/') ? strrchr(u->u.key, '/') + 1 : u->u.key;
		_cleanup_free_ char *kpath = kp_path_join(p->isodir, base);
		if (!*base || !strcmp(base, "..") || kp_read_file(kpath, &keys, &klen) < 0) {
			fail(p, VF_PACK_SIGNATURES,
			     "update.xml names the key %s, which is not on the ISO: give --keyring",
			     base);
			return;
		}
		keyname = kp_asprintf("the ISO's own %s", base);
		kp_strv_pushf(
		    &p->res->checks[VF_PACK_SIGNATURES].lines,
		    "checked against the key on the ISO: proves the files unchanged since "
		    "signing, not who signed them (--keyring: the vendor's key)");
	} else
		return;
	check_sig(u, "update.xml", keys, klen, keyname);
	check_sig(u, "repodata/repomd.xml", keys, klen, keyname);
	check_rpm_sigs(u, keys, klen, keyname);
}

static bool in_repo(const struct upd *u, const char *name)
{
	for (size_t i = 0; i < u->repo.npkgs; i++)
		if (!strcmp(u->repo.pkgs[i].name, name))
			return true;
	return false;
}

/* Every package of the primary list: there, its size and sha256; then read with librpm. */
static void check_packages(struct upd *u)
{
	struct pv *p = u->p;
	p->l = kp_calloc(u->repo.npkgs + 1, sizeof(*p->l));
	_cleanup_strv_ struct kp_strv listed = {0};
	for (size_t i = 0; i < u->repo.npkgs; i++) {
		const struct pk_repo_pkg *q = &u->repo.pkgs[i];
		_cleanup_free_ char *clean = NULL;
		if (kp_path_clean(q->href, &clean) < 0 || !*clean) {
			fail(p, VF_PACK_PACKAGES, "primary list: '%s' is not a file of the ISO",
			     q->href);
			continue;
		}
		struct listed *l = &p->l[p->n++];
		*l = (struct listed){.file = kp_strdup(clean),
				     .path = kp_path_join(p->isodir, clean)};
		kp_strv_push(&p->res->packages, clean);
		kp_strv_push(&listed, clean);
		struct stat st;
		if (lstat(l->path, &st) < 0 || !S_ISREG(st.st_mode)) {
			fail(p, VF_PACK_PACKAGES, "%s: in the primary list, not on the ISO", clean);
			continue;
		}
		char sum[KP_DIGEST_HEX_MAX];
		int r = kp_digest_file(KP_DIGEST_SHA256, l->path, sum);
		if (strcmp(q->checksum_type, "sha256"))
			fail(
			    p, VF_PACK_PACKAGES,
			    "%s: the primary list gives a %s checksum; the installer checks sha256",
			    clean, q->checksum_type);
		else if (r < 0 || strcmp(sum, q->checksum)) {
			fail(p, VF_PACK_PACKAGES,
			     "%s: sha256 %s, the primary list says %s: the package was changed "
			     "after "
			     "the repo was made",
			     clean, r < 0 ? strerror(-r) : sum, q->checksum);
			continue;
		}
		if ((unsigned long long)st.st_size != q->size)
			fail(p, VF_PACK_PACKAGES, "%s: %lld bytes, the primary list says %llu",
			     clean, (long long)st.st_size, q->size);
		if (pk_rpm_read(l->path, &l->rpm) < 0) {
			fail(p, VF_PACK_PACKAGES, "%s: not a readable RPM (see the message above)",
			     clean);
			continue;
		}
		_cleanup_free_ char *evr = kp_asprintf("%s-%s", l->rpm->version, l->rpm->release);
		const char *qevr = strchr(q->evr, ':') ? strchr(q->evr, ':') + 1 : q->evr;
		if (strcmp(l->rpm->name, q->name) || strcmp(evr, qevr))
			fail(p, VF_PACK_PACKAGES,
			     "%s: the RPM is %s-%s, the primary list says %s-%s", clean,
			     l->rpm->name, evr, q->name, q->evr);
	}
	/* An RPM on the ISO that the repo does not list is never installed. */
	_cleanup_strv_ struct kp_strv all = {0};
	kp_list_tree(p->isodir, &all);
	for (size_t i = 0; i < all.n; i++)
		if (kp_endswith(all.v[i], ".rpm") && !kp_strv_contains(&listed, all.v[i]))
			fail(p, VF_PACK_PACKAGES,
			     "%s: on the ISO but not in the repo's primary list: never installed",
			     all.v[i]);
	_cleanup_free_ char *upd = kp_asprintf("update-%s", u->u.name_label);
	if (!in_repo(u, upd))
		fail(p, VF_PACK_PACKAGES,
		     "no package %s in the repo: the installer installs it for update %s", upd,
		     u->u.name_label);
	if (u->u.control && *u->u.control && !in_repo(u, u->u.control))
		fail(p, VF_PACK_PACKAGES, "update.xml's control=\"%s\" is not in the repo",
		     u->u.control);
}

static int read_groups(struct upd *u)
{
	struct pv *p = u->p;
	if (!u->repo.group_href)
		return 0;
	_cleanup_free_ char *clean = NULL, *buf = NULL;
	size_t len = 0;
	kp_path_clean(u->repo.group_href, &clean);
	_cleanup_free_ char *path = kp_path_join(p->isodir, clean ? clean : "");
	if (kp_read_file(path, &buf, &len) < 0 ||
	    pk_comps_parse(u->repo.group_href, buf, len, &u->comps) < 0) {
		kp_err("%s: the groups file %s cannot be read (see above)", p->o->iso,
		       u->repo.group_href);
		return -KP_EINPUT;
	}
	u->drivers = pk_comps_group(&u->comps, "drivers") != NULL;
	return 0;
}

static void check_group(struct upd *u, const char *id, const char *who)
{
	struct pv *p = u->p;
	const struct pk_comps_group *g = pk_comps_group(&u->comps, id);
	if (!g) {
		fail(p, VF_PACK_GROUPS, "no group \"%s\" in %s: %s", id,
		     u->repo.group_href ? u->repo.group_href : "the repo (it has no groups file)",
		     who);
		return;
	}
	if (g->packages.n == 0)
		fail(p, VF_PACK_GROUPS, "group \"%s\" lists no package", id);
	for (size_t i = 0; i < g->packages.n; i++)
		if (!in_repo(u, g->packages.v[i]))
			fail(p, VF_PACK_GROUPS, "group \"%s\" names %s, which is not in the repo",
			     id, g->packages.v[i]);
	if (p->res->checks[VF_PACK_GROUPS].status != VF_PACK_FAILED)
		kp_strv_pushf(&p->res->checks[VF_PACK_GROUPS].lines, "\"%s\": %zu package%s (%s)",
			      id, g->packages.n, g->packages.n == 1 ? "" : "s", who);
}

static void check_kinds(struct upd *u)
{
	struct pv *p = u->p;
	for (size_t i = 0; i < p->n; i++)
		if (p->l[i].rpm && pk_kind_of(p->l[i].rpm, &p->l[i].kind) < 0)
			fail(p, VF_PACK_KINDS, "%s: a host would mishandle it (see above)",
			     p->l[i].file);
}

static const char *const update_what[VF_PACK_NCHECKS] = {
    [VF_PACK_METADATA] = "update.xml as xapi reads it; the repo index; the md5 file",
    [VF_PACK_SIGNATURES] = "update.xml.asc and repomd.xml.asc are good signatures, and so are "
			   "the packages' own (as rpm -K with the key imported)",
    [VF_PACK_PACKAGES] = "every package of the primary list is on the ISO with its sha256 "
			 "and size, and no other",
    [VF_PACK_KINDS] = "each driver RPM installs into one kernel release",
    [VF_PACK_INSTALL] = "xapi or the installer installs it with yum",
};

int vf_pack_update_read(struct pv *p)
{
	struct upd u = {.p = p};
	for (size_t i = 0; i < VF_PACK_NCHECKS; i++)
		if (update_what[i])
			p->res->checks[i].what = update_what[i];
	int r = read_meta(&u);
	if (r == 0)
		r = read_groups(&u);
	if (r == 0) {
		p->res->format = u.drivers ? "driver-disk" : "update";
		check_signatures(&u);
		check_packages(&u);
		check_group(&u, "update", "what xapi applies");
		if (u.drivers)
			check_group(&u, "drivers",
				    "what the installer installs from a driver disk");
		check_kinds(&u);
	}
	pk_update_info_release(&u.u);
	pk_repo_release(&u.repo);
	pk_comps_release(&u.comps);
	return r;
}
