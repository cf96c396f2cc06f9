/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bytes of an OpenPGP v4 detached signature (RFC 4880, 5.2.3) of a
 * binary document, built here so that its creation time is ours to choose:
 * GPGME has no way to pass gpg a time, and a signature stamped with the
 * clock would make every signed update ISO differ. gpg-agent still makes
 * the private-key operation (common/gpg.c hands it the digest), so this
 * file holds no secret and links no library: it lays out packets, reads
 * the agent's answer (a canonical S-expression) and armours the result.
 */
#ifndef KP_OPENPGP_H
#define KP_OPENPGP_H

#include <stddef.h>

#include "common/util.h"

/* OpenPGP public-key algorithm ids (RFC 4880 9.1, RFC 6637, RFC 8032's use in OpenPGP). */
enum kp_pgp_algo {
	KP_PGP_RSA = 1,
	KP_PGP_DSA = 17,
	KP_PGP_ECDSA = 19,
	KP_PGP_EDDSA = 22,
};

/* What the signature says of itself: every field is hashed or names the key. */
struct kp_pgp_sig {
	enum kp_pgp_algo algo;
	unsigned char fpr[20]; /* the signing (sub)key's v4 fingerprint */
	long long created;     /* the signature creation time, seconds since 1970 */
};

/*
 * The bytes hashed after the document (SHA-256, the one hash kmodpack
 * signs with): the v4 header, the hashed subpackets (creation time, issuer
 * fingerprint) and the trailer. Appended to out.
 */
void kp_pgp_sig_hashed_tail(const struct kp_pgp_sig *s, struct kp_buf *out);

/*
 * The ASCII-armoured signature packet, from the digest's first two bytes
 * and gpg-agent's PKSIGN answer, n bytes at sexp: "(7:sig-val(3:rsa(1:s..)))"
 * and the like for dsa, ecdsa and eddsa (r and s). Returns 0 with *asc
 * (NUL-terminated, owned by the caller) and its length, or -KP_EINPUT with
 * *why (owned) when the answer is not a signature of s->algo.
 */
int kp_pgp_sig_armor(const struct kp_pgp_sig *s, const unsigned char left16[2], const void *sexp,
		     size_t n, char **asc, size_t *asc_len, char **why);

#endif
