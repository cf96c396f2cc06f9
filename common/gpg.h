/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OpenPGP through GPGME (gpg.c is the only file that includes <gpgme.h>):
 * detached ASCII-armoured signatures made with a key of the user's keyring
 * (its passphrase, if any, asked by gpg-agent, never taken by kmodpack),
 * the public key exported for a pack, and detached signatures checked
 * against one given public key (or keyring file) in a throw-away GnuPG home,
 * never the user's trust database.
 */
#ifndef KP_GPG_H
#define KP_GPG_H

#include <stddef.h>

/* The signing key as found in the keyring: what a report and the messages name. */
struct kp_gpg_key {
	char *fpr; /* fingerprint, upper-case hex */
	char *uid; /* its first user id, e.g. "Example Updates <u@example.com>" */
	/*
	 * When the subkey that signs was made. A signature dated before it is
	 * refused by gpgv ("public key is N days newer than the signature"),
	 * so kmodpack dates its signatures no earlier (kp_gpg_sign_time).
	 */
	long long created;
	int algo; /* that subkey's algorithm (enum kp_pgp_algo), 0: none kmodpack signs with */
};
void kp_gpg_key_release(struct kp_gpg_key *k);

/*
 * Find the one secret key id (a fingerprint, key id or user id) names in
 * the keyring ($GNUPGHOME or ~/.gnupg) that can sign. Returns 0, -KP_EINPUT
 * (none, several, expired, revoked, cannot sign; logged) or -KP_EENV (no
 * gpg engine; logged).
 */
int kp_gpg_find_key(const char *id, struct kp_gpg_key *out);

/*
 * A detached, ASCII-armoured signature of n bytes at data by key fpr
 * (from kp_gpg_find_key; its newest usable signing subkey signs, as gpg
 * would pick), SHA-256, created at when (seconds since 1970): the same
 * bytes and time give the same signature (RSA PKCS#1 v1.5 and EdDSA are
 * deterministic, and gpg-agent makes DSA and ECDSA ones by RFC 6979).
 * *asc is NUL-terminated, owned by the caller. Returns 0, -KP_EINPUT (when
 * out of range), -KP_EENV (no gpg-agent) or -KP_EFAILED (the agent refused,
 * no passphrase...); logged.
 */
int kp_gpg_sign(const char *fpr, const void *data, size_t n, long long when, char **asc,
		size_t *asc_len);

/*
 * The time kmodpack dates a signature by a key made at created (struct
 * kp_gpg_key's): the reproducible epoch of what is signed, or the key's
 * creation time if that is later. Both are fixed for the same inputs and
 * key, so the signature stays the same.
 */
long long kp_gpg_sign_time(long long created, long long epoch);

/* The ASCII-armoured public key fpr. Returns 0 or -KP_EFAILED (logged). */
int kp_gpg_export(const char *fpr, char **armored, size_t *len);

/*
 * Check a detached signature of data against the public key(s) in keys
 * (armoured or binary, as exported), imported into a temporary GnuPG home.
 * Returns 0 with *signer the fingerprint of the good signature's key, or
 * -KP_EFAILED with *why set (bad signature, unknown key, not a signature,
 * no usable key in keys); nothing is logged. Both strings owned by the caller.
 */
int kp_gpg_verify(const void *keys, size_t keys_len, const void *data, size_t n, const void *sig,
		  size_t sig_len, char **signer, char **why);

#endif
