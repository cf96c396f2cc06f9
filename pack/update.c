// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An update ISO or driver disk, laid out as XenServer's build-update tool
 * and XCP-ng's create-driver-disk make them (update.xml, Packages/,
 * repodata/ with group "update", and "drivers" on a driver disk, detached
 * signatures of update.xml and repomd.xml), written in process: the update
 * RPM with librpm (specgen/rpm.c), the repo with createrepo_c (repo.c), the
 * signatures with GPGME (common/gpg.c).
 */
#include "pack/update.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/gpg.h"
#include "common/log.h"
#include "common/signals.h"
#include "pack/repo.h"
#include "pack/updatexml.h"
#include "specgen/escape.h"
#include "specgen/rpm.h"

int pk_format_parse(const char *s, enum pk_format *out)
{
	static const char *const names[] = {"legacy", "update", "driver-disk"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(names); i++)
		if (!strcmp(s, names[i])) {
			*out = (enum pk_format)i;
			return 0;
		}
	kp_err("--format '%s': give legacy (XS-REPOSITORY pack, XenServer 6.x/7.0), update "
	       "(XenServer 8 update ISO) or driver-disk (XCP-ng 8.3 driver disk)",
	       s);
	return -KP_EINPUT;
}

const char *pk_format_name(enum pk_format f)
{
	return f == PK_FORMAT_UPDATE	    ? "update"
	       : f == PK_FORMAT_DRIVER_DISK ? "driver-disk"
					    : "legacy";
}

int pk_update_check(const struct pk_update_opts *o, struct pk_update_result *res)
{
	*res = (struct pk_update_result){0};
	int r = 0;
	if (o->uuid && !pk_uuid_valid(o->uuid)) {
		kp_err(
		    "--uuid '%s': not a UUID (8-4-4-4-12 lowercase hex digits, as uuidgen prints)",
		    o->uuid);
		r = -KP_EINPUT;
	}
	if (o->guidance && !pk_guidance_valid(o->guidance)) {
		kp_err("--after-apply '%s': give one of restartHost, restartXAPI, restartPV, "
		       "restartHVM",
		       o->guidance);
		r = -KP_EINPUT;
	}
	if (o->gpg_key) {
		/* It signs the update RPM too: a key rpm can use. */
		struct kp_gpg_key k;
		int rk = spec_rpm_sign_check(o->gpg_key, &k);
		if (rk < 0 && (r == 0 || r == -KP_EINPUT))
			r = rk;
		res->key_fpr = TAKE_PTR(k.fpr);
		res->key_uid = TAKE_PTR(k.uid);
		res->key_created = k.created;
		kp_gpg_key_release(&k);
	}
	return r;
}

void pk_update_result_release(struct pk_update_result *r)
{
	free(r->uuid);
	free(r->update_rpm);
	free(r->key_fpr);
	free(r->key_uid);
	free(r->key_file);
	kp_strv_release(&r->iso_names);
	kp_strv_release(&r->iso_paths);
	kp_strv_release(&r->warnings);
	*r = (struct pk_update_result){0};
}

/* What rpm takes in a Requires without any escaping: no '%', no space, no operator. */
static bool dep_word(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._+-~^:", *s))
			return false;
	return true;
}

static char *update_spec(const struct pk_meta *m, const struct pk_update_info *u,
			 const struct pk_entry *e, size_t n)
{
	_cleanup_free_ char *summary = NULL, *desc = NULL, *text = NULL;
	text = kp_asprintf("The update %s %s (%s), %s: it requires every package of the update "
			   "at its version and release, and records the update as applied "
			   "(/var/update/applied/%s) for xapi.",
			   m->label, m->version, u->uuid, m->text, u->uuid);
	if (spec_escape_line("update summary", m->text, &summary) < 0 ||
	    spec_escape_text("update description", text, &desc) < 0)
		return NULL;
	struct kp_buf b = {0};
	kp_buf_addf(&b,
		    "Name: update-%s\nVersion: %s\nRelease: %s\nSummary: %s\n"
		    "License: GPL-2.0-or-later\nGroup: Applications/System\nBuildArch: noarch\n",
		    m->label, m->version, m->build ? m->build : "1", summary);
	for (size_t i = 0; i < n; i++) {
		const struct pk_rpm *p = e[i].rpm;
		if (!dep_word(p->name) || !dep_word(p->version) || !dep_word(p->release)) {
			kp_err("%s: name, version or release has characters an rpm Requires cannot "
			       "carry",
			       p->path);
			free(kp_buf_steal(&b));
			return NULL;
		}
		kp_buf_addf(&b, "Requires: %s = %s-%s\n", p->name, p->version, p->release);
	}
	kp_buf_addf(&b,
		    "\n%%description\n%s\n\n%%files\n%%defattr(-,root,root,-)\n"
		    "%%attr(0644,root,root) /var/update/applied/%s\n",
		    desc, u->uuid);
	return kp_buf_steal(&b);
}

/* update-<label>, built with librpm into work/rpm, moved to root/Packages. */
static int build_update_rpm(const struct pk_meta *m, const struct pk_update_info *u,
			    const char *update_xml, const struct pk_entry *e, size_t n,
			    long long epoch, const char *work, const char *root,
			    struct pk_update_result *res)
{
	/* Signed with the pack's key (res->key_fpr) when there is one. */
	_cleanup_free_ char *spec = update_spec(m, u, e, n);
	if (!spec)
		return -KP_EINPUT;
	_cleanup_free_ char *dir = kp_path_join(work, "rpm");
	_cleanup_free_ char *specfile = kp_path_join(dir, "update.spec");
	_cleanup_free_ char *buildroot = kp_path_join(dir, "buildroot");
	_cleanup_free_ char *applied = kp_path_join(buildroot, "var/update/applied");
	_cleanup_free_ char *xmlfile = kp_path_join(applied, u->uuid);
	_cleanup_free_ char *rpmdir = kp_path_join(dir, "out");
	_cleanup_free_ char *wdir = kp_path_join(dir, "work");
	int r = kp_mkdir_p(applied, 0755);
	if (r == 0)
		r = kp_write_file(specfile, spec, strlen(spec), 0644);
	if (r == 0)
		r = kp_write_file(xmlfile, update_xml, strlen(update_xml), 0644);
	if (r < 0) {
		kp_err("cannot write into '%s': %s", dir, strerror(-r));
		return r;
	}
	const char *arch = "x86_64";
	for (size_t i = 0; i < n; i++)
		if (strcmp(e[i].rpm->arch, "noarch")) {
			arch = e[i].rpm->arch;
			break;
		}
	struct spec_rpm_opts ro = {.specfile = specfile,
				   .binary_specfile = specfile,
				   .buildroot = buildroot,
				   .rpmdir = rpmdir,
				   .workdir = wdir,
				   .arch = arch,
				   .source_date_epoch = epoch,
				   .binary = true};
	if ((r = spec_rpm_build(&ro)) < 0)
		return r;
	res->update_rpm = kp_asprintf("update-%s-%s-%s.noarch.rpm", m->label, m->version,
				      m->build ? m->build : "1");
	_cleanup_free_ char *built = kp_asprintf("%s/noarch/%s", rpmdir, res->update_rpm);
	/* Before the repo is written: primary.xml gives the signed package's sha256.
	 * The signature's time is the pack's epoch (or the key's creation, if later). */
	if (res->key_fpr && (r = spec_rpm_sign((const char *const[]){built}, 1, res->key_fpr, epoch,
					       res->key_created)) < 0)
		return r;
	_cleanup_free_ char *dst = kp_asprintf("%s/Packages/%s", root, res->update_rpm);
	if (rename(built, dst) < 0) {
		r = -errno;
		kp_err("cannot move '%s' to '%s': %s", built, dst, strerror(-r));
	}
	return r;
}

static int write_in(const char *root, const char *name, const char *data, size_t len)
{
	_cleanup_free_ char *path = kp_path_join(root, name);
	int r = kp_write_file(path, data, len, 0644);
	if (r < 0)
		kp_err("cannot write '%s': %s", path, strerror(-r));
	return r;
}

/* name.asc: a detached, armoured signature of root/name. */
static int sign_file(const char *root, const char *name, const char *fpr, long long when)
{
	_cleanup_free_ char *path = kp_path_join(root, name);
	_cleanup_free_ char *data = NULL, *asc = NULL, *ascname = kp_asprintf("%s.asc", name);
	size_t len = 0, alen = 0;
	int r = kp_read_file(path, &data, &len);
	if (r < 0) {
		kp_err("cannot read '%s': %s", path, strerror(-r));
		return r;
	}
	if ((r = kp_gpg_sign(fpr, data, len, when, &asc, &alen)) < 0)
		return r;
	return write_in(root, ascname, asc, alen);
}

static char *readme(const struct pk_update_opts *o, const struct pk_meta *m,
		    const struct pk_update_result *res, const char *iso)
{
	struct kp_buf b = {0};
	bool dd = o->format == PK_FORMAT_DRIVER_DISK;
	kp_buf_addf(&b, "%s %s %s (%s)\n\n", dd ? "Driver disk" : "Update", m->label, m->version,
		    m->text);
	kp_buf_addf(&b, "uuid: %s\n", res->uuid);
	if (res->key_fpr) {
		kp_buf_addf(&b,
			    "Signed by: %s\nKey fingerprint: %s\n\n"
			    "update.xml and repodata/repomd.xml carry detached signatures (.asc)\n"
			    "by this key; %s is its public key. Compare the fingerprint with\n"
			    "the one %s publishes before you trust it. On each host:\n\n"
			    "  cp %s /etc/pki/rpm-gpg/\n"
			    "  rpm --import /etc/pki/rpm-gpg/%s\n"
			    "  gpg --homedir /opt/xensource/gpg --import /etc/pki/rpm-gpg/%s\n\n"
			    "(yum checks the repo and its packages with the key named in\n"
			    "update.xml's key=, xapi checks update.xml.asc and repomd.xml.asc\n"
			    "with its own keyring.) Check the signatures yourself with:\n\n"
			    "  gpgv --keyring ./%s.gpg update.xml.asc update.xml\n"
			    "  (after: gpg --dearmor < %s > %s.gpg)\n\n",
			    res->key_uid, res->key_fpr, res->key_file,
			    m->vendor_name ? m->vendor_name : m->vendor_code, res->key_file,
			    res->key_file, res->key_file, res->key_file, res->key_file,
			    res->key_file);
	} else
		kp_buf_adds(&b,
			    "UNSIGNED: made without --gpg-key. xapi refuses an update without\n"
			    "update.xml.asc and repodata/repomd.xml.asc; use this ISO for tests\n"
			    "only.\n\n");
	if (dd)
		kp_buf_addf(&b,
			    "Install: boot the XCP-ng 8.3 installer, press F9 (or choose to load\n"
			    "a driver) and give this disk (%s on a CD, USB stick or URL); the\n"
			    "installer installs its \"drivers\" group (%s and the drivers it\n"
			    "requires) into the installer and the new host. On an installed host,\n"
			    "it is applied like an update:\n\n",
			    iso, res->update_rpm);
	else
		kp_buf_adds(&b, "Install on a XenServer 8 / XCP-ng 8.3 pool:\n\n");
	kp_buf_addf(&b,
		    "  xe update-upload file-name=%s\n"
		    "  xe update-pool-apply uuid=%s     (or update-apply host-uuid=...)\n\n"
		    "xapi installs the group \"update\": %s, which requires\n"
		    "every package under Packages/ at its version and release.\n",
		    iso, res->uuid, res->update_rpm);
	return kp_buf_steal(&b);
}

/* Every file below root, on the ISO as it is; the payload read from where it was given. */
static void iso_list(const char *root, const struct pk_entry *e, size_t n,
		     struct pk_update_result *res)
{
	_cleanup_strv_ struct kp_strv all = {0};
	kp_list_tree(root, &all);
	kp_strv_sort(&all);
	for (size_t i = 0; i < all.n; i++) {
		_cleanup_free_ char *path = kp_path_join(root, all.v[i]);
		if (!kp_is_file(path))
			continue;
		const char *src = NULL;
		for (size_t k = 0; k < n && !src; k++)
			if (kp_startswith(all.v[i], "Packages/") &&
			    !strcmp(all.v[i] + 9, e[k].rpm->filename))
				src = e[k].rpm->path;
		kp_strv_push(&res->iso_names, all.v[i]);
		kp_strv_push(&res->iso_paths, src ? src : path);
	}
}

/* Packages/: a link to each payload (the ISO reads the file itself). */
static int link_payload(const char *root, const struct pk_entry *e, size_t n)
{
	_cleanup_free_ char *pkgs = kp_path_join(root, "Packages");
	int r = kp_mkdir_p(pkgs, 0755);
	for (size_t i = 0; r == 0 && i < n; i++) {
		_cleanup_free_ char *l = kp_path_join(pkgs, e[i].rpm->filename);
		if (symlink(e[i].rpm->path, l) < 0)
			r = -errno;
	}
	if (r < 0)
		kp_err("cannot fill '%s': %s", pkgs, strerror(-r));
	return r;
}

static int make_repo(const struct pk_update_opts *o, const struct pk_meta *m,
		     const struct pk_entry *e, size_t n, long long epoch, const char *root,
		     const struct pk_update_result *res)
{
	_cleanup_strv_ struct kp_strv hrefs = {0}, names = {0};
	kp_strv_pushf(&names, "update-%s", m->label);
	for (size_t i = 0; i < n; i++) {
		kp_strv_pushf(&hrefs, "Packages/%s", e[i].rpm->filename);
		kp_strv_push(&names, e[i].rpm->name);
	}
	kp_strv_pushf(&hrefs, "Packages/%s", res->update_rpm);
	_cleanup_free_ char *comps = pk_comps_xml(m->label, (const char *const *)names.v, names.n,
						  o->format == PK_FORMAT_DRIVER_DISK);
	return pk_repo_write(root, (const char *const *)hrefs.v, hrefs.n, comps, epoch);
}

/* update.xml and repomd.xml signed at the pack's epoch: the same pack, the same bytes. */
static int sign_all(const struct pk_update_opts *o, const struct pk_meta *m, const char *root,
		    long long epoch, struct pk_update_result *res)
{
	_cleanup_free_ char *pub = NULL;
	size_t plen = 0;
	int r;
	if ((r = sign_file(root, "update.xml", res->key_fpr, epoch)) < 0 ||
	    (r = sign_file(root, "repodata/repomd.xml", res->key_fpr, epoch)) < 0 ||
	    (r = kp_gpg_export(res->key_fpr, &pub, &plen)) < 0)
		return r;
	return write_in(root, res->key_file, pub, plen);
}

int pk_update_build(const struct pk_update_opts *o, const struct pk_meta *m,
		    const struct pk_entry *e, size_t n, long long epoch, const char *skipped,
		    const char *work, struct pk_update_result *res)
{
	/* The key pk_update_check found is kept; the rest is made here. */
	*res = (struct pk_update_result){
	    .key_fpr = res->key_fpr, .key_uid = res->key_uid, .key_created = res->key_created};
	if (o->gpg_key && !res->key_fpr) {
		kp_err("internal error: --gpg-key '%s' was not checked before the update was built",
		       o->gpg_key);
		return -KP_EFAILED;
	}
	if (o->uuid)
		res->uuid = kp_strdup(o->uuid);
	else {
		char u[37];
		_cleanup_free_ char *name = kp_asprintf("%s\n%s\n%s\n%s", m->vendor_code, m->label,
							m->version, m->build ? m->build : "");
		pk_uuid_from_name(name, u);
		res->uuid = kp_strdup(u);
	}
	if (o->gpg_key) {
		res->key_file = kp_asprintf("RPM-GPG-KEY-%s", m->vendor_code);
	} else {
		kp_strv_push(&res->warnings,
			     "unsigned (no --gpg-key): xapi refuses an update ISO without "
			     "update.xml.asc and repodata/repomd.xml.asc; fine for tests, not for "
			     "a release");
	}
	for (size_t i = 0; i < n; i++)
		res->inst_size += e[i].rpm->payload_size;
	struct pk_update_info u = {.name_label = m->label,
				   .version = m->version,
				   .uuid = res->uuid,
				   .description = m->text,
				   .guidance = (char *)o->guidance,
				   .key = res->key_file,
				   .installation_size = res->inst_size};
	_cleanup_free_ char *xml = pk_update_xml(&u);
	_cleanup_free_ char *root = kp_path_join(work, "root");
	_cleanup_free_ char *iso = kp_asprintf("%s.iso", m->label);
	int r;
	if ((r = link_payload(root, e, n)) < 0 ||
	    (r = build_update_rpm(m, &u, xml, e, n, epoch, work, root, res)) < 0 ||
	    (r = kp_check_interrupted()) < 0 || (r = make_repo(o, m, e, n, epoch, root, res)) < 0 ||
	    (r = write_in(root, "update.xml", xml, strlen(xml))) < 0 ||
	    (res->key_fpr && (r = sign_all(o, m, root, epoch, res)) < 0) ||
	    (r = kp_check_interrupted()) < 0)
		return r;
	_cleanup_free_ char *text = readme(o, m, res, iso);
	if ((r = write_in(root, "README.txt", text, strlen(text))) < 0 ||
	    (skipped && (r = write_in(root, PK_SKIPPED_FILE, skipped, strlen(skipped))) < 0))
		return r;
	iso_list(root, e, n, res);
	return 0;
}
