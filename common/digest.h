/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Digests of files and buffers as lowercase hex: sha256 for the build
 * report and the no-op cache, md5 for the supplemental pack's metadata
 * (XS-PACKAGES, <label>.metadata.md5, <label>.iso.md5), which the
 * XenServer installer checks. OpenSSL's libcrypto sits behind crypto.c,
 * the one file that includes it.
 */
#ifndef KP_DIGEST_H
#define KP_DIGEST_H

#include <stddef.h>

enum kp_digest_algo {
	KP_DIGEST_MD5,	  /* 32 hex digits */
	KP_DIGEST_SHA256, /* 64 hex digits */
};

#define KP_DIGEST_HEX_MAX 65 /* the longest hex digest plus its NUL */

/* The digest of a file's bytes. Returns 0 or -errno (-ENOENT, -EIO, ...). */
int kp_digest_file(enum kp_digest_algo algo, const char *path, char out[KP_DIGEST_HEX_MAX]);
/* The digest of n bytes at buf. */
void kp_digest_buf(enum kp_digest_algo algo, const void *buf, size_t n,
		   char out[KP_DIGEST_HEX_MAX]);

/*
 * A digest fed piece by piece, for bytes read or written once for several
 * purposes (the pack digests each RPM and its ISO as it goes).
 */
struct kp_digest;
struct kp_digest *kp_digest_new(enum kp_digest_algo algo);
void kp_digest_update(struct kp_digest *d, const void *buf, size_t n);
/* The hex digest; frees d. */
void kp_digest_final(struct kp_digest *d, char out[KP_DIGEST_HEX_MAX]);

/* md5 and sha256 of a file in one read. Returns 0 or -errno. */
int kp_md5_sha256_file(const char *path, char md5[33], char sha256[65]);

/* Shorthands for the two uses. */
int kp_sha256_file(const char *path, char out[65]);
int kp_md5_file(const char *path, char out[33]);

#endif
