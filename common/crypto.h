/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Module signatures in the kernel's scheme (scripts/sign-file.c): a
 * detached PKCS#7 (CMS) SignedData over the module's bytes, DER, with no
 * certificates and no signed attributes (so no signing time: the same key
 * and module give the same bytes, RSA PKCS#1 v1.5 being deterministic),
 * the signer named by issuer and serial number as the kernel looks keys up.
 * crypto.c is the one file that includes OpenSSL (digest.h is its other
 * half).
 */
#ifndef KP_CRYPTO_H
#define KP_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#include "common/util.h"

struct kp_signer;

/*
 * Load a private key and its X.509 certificate, each PEM or DER. Returns
 * 0, or -KP_EINPUT after logging which file is unreadable, not a key or
 * certificate, or why the two do not belong together.
 */
int kp_signer_load(const char *key_path, const char *cert_path, struct kp_signer **out);
void kp_signer_free(struct kp_signer *s);
KP_DEFINE_TRIVIAL_CLEANUP_FUNC(struct kp_signer *, kp_signer_free);

/* Whether libcrypto knows the digest the kernel config names ("sha256", "sha3-256"). */
bool kp_signer_hash_known(const char *hash);

/*
 * The signature of n bytes at buf with hash. *sig (DER, *siglen bytes) is
 * the caller's. Returns 0 or -KP_EFAILED (logged).
 */
int kp_signer_sign(const struct kp_signer *s, const char *hash, const void *buf, size_t n,
		   unsigned char **sig, size_t *siglen);

/* What a PKCS#7 module signature says, as kmod's modinfo shows it. */
struct kp_pkcs7_info {
	char *signer;	     /* the issuer's commonName, or "" */
	unsigned char *key_id; /* the serial number's bytes */
	size_t key_id_len;
	char *hash_algo; /* "sha256", ... */
	unsigned char *sig; /* the signature value */
	size_t sig_len;
};

/*
 * Read n bytes of (untrusted) DER. Returns 0, or -EBADMSG when they are
 * not a SignedData with one signer.
 */
int kp_pkcs7_read(const void *der, size_t n, struct kp_pkcs7_info *out);
void kp_pkcs7_info_release(struct kp_pkcs7_info *i);

#endif
