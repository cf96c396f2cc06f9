/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The RPM builder: librpm's build API, in process (the only file that
 * includes the <rpm/...> headers). kmodpack compiles and stages files itself, so only
 * the packaging stages run here: no %prep/%build/%install shell, no
 * rpmbuild child.
 */
#ifndef SPEC_RPM_H
#define SPEC_RPM_H

#include <stdbool.h>
#include <stddef.h>

struct spec_rpm_opts {
	const char *specfile; /* rendered spec to parse: the SRPM's, with its build scripts */
	/*
	 * The same spec without %prep/%build/%install, for the binary
	 * packages: rpm then runs the build stages as no-ops, and does not
	 * mark the packages rpmlib(ShortCircuited), which would make them
	 * uninstallable without --nodeps. NULL: use specfile.
	 */
	const char *binary_specfile;
	const char *buildroot;	     /* already populated with every %files path */
	const char *sourcedir;	     /* holds the spec's Source files (for the SRPM) */
	const char *rpmdir;	     /* binary RPMs land in rpmdir/<arch>/ */
	const char *srpmdir;	     /* SRPM lands here */
	const char *workdir;	     /* scratch dir for rpm's own temp files */
	const char *arch;	     /* RPM target arch, e.g. x86_64 */
	long long source_date_epoch; /* build time and mtime clamp; reproducible */
	/*
	 * The Packager of every package, as %packager (escaped by
	 * spec_escape_line: rpm expands it). Not a tag in the spec, which
	 * rpmlint faults (hardcoded-packager-tag) and a rebuild in the
	 * product's build system sets itself. NULL: none.
	 */
	const char *packager;
	bool binary; /* build the binary packages */
	bool source; /* build the SRPM */
};

/* Returns 0, or -KP_EFAILED after logging rpm's own messages. */
int spec_rpm_build(const struct spec_rpm_opts *o);

/*
 * The secret key keyid names, checked before anything is built: one key
 * in gpg's keyring, which can sign, with an algorithm rpm reads (RSA,
 * DSA, EdDSA; Debian's rpm 4.18 refuses ECDSA signatures). Returns 0 with
 * *key (if not NULL; the caller releases it) what kp_gpg_find_key found,
 * -KP_EINPUT or -KP_EENV (logged; *key is left empty).
 */
struct kp_gpg_key;
int spec_rpm_sign_check(const char *keyid, struct kp_gpg_key *key);

/*
 * Sign packages in place with librpmsign (rpmPkgSign), which runs gpg:
 * a header signature and a header+payload one (RPMSIGN_FLAG_RPMV3, for
 * the products' older rpm). keyid is gpg's -u (a key id, fingerprint or
 * e-mail: letters, digits and @._+-); the passphrase comes from
 * gpg-agent. The signature's creation time is source_date_epoch, or
 * key_created (the signing key's creation, from spec_rpm_sign_check) when
 * that is later: gpg's --faked-system-time, so the same inputs give the
 * same signed bytes.
 * Returns 0, -KP_EINPUT (a bad keyid), -KP_EENV (no gpg), or -KP_EFAILED
 * after logging gpg's messages.
 */
int spec_rpm_sign(const char *const *paths, size_t n, const char *keyid,
		  long long source_date_epoch, long long key_created);
/*
 * Check a package's signature as `rpm -K` does with the public key in keys
 * imported (armoured or binary; every key of it, with its subkeys): 0 with
 * *signer the signing key's id (hex), 1 when the package carries no
 * signature, -KP_EFAILED (bad signature, another key, unreadable) or
 * -KP_EINPUT (not an RPM) with *why set. Nothing is logged; both strings
 * owned by the caller.
 */
int spec_rpm_check_sig(const char *path, const void *keys, size_t klen, char **signer, char **why);
/* True when keyid has only the characters spec_rpm_sign() accepts. */
bool spec_rpm_keyid_ok(const char *keyid);

/*
 * Where an RPM's main header starts, from its first 112 bytes (the lead and
 * the signature header's intro): 0, or -KP_EINPUT when they are not an
 * RPM's. Signing changes only what comes before that offset.
 */
int spec_rpm_header_offset(const unsigned char *head, size_t len, unsigned long long *off);
/*
 * sha256 (hex) of an RPM's main header and payload: the bytes a signature
 * covers, the same before and after `rpmsign --addsign`. 0, -KP_EINPUT
 * when path is not an RPM, or -errno; logs nothing.
 */
int spec_rpm_content_sha256(const char *path, char out[65]);

#endif
