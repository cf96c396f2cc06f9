/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A module's appended signature, as the kernel's sign-file writes it and
 * kernel/module_signature.c checks it:
 *
 *     module bytes | PKCS#7 DER (sig_len bytes) | struct module_signature | MI_SIG_MAGIC
 *
 * struct module_signature is 12 bytes: algo, hash, id_type, signer_len,
 * key_id_len (u8 each; 0, 0, 2 = PKEY_ID_PKCS7, 0, 0 for PKCS#7), three
 * bytes of padding, and sig_len as a big-endian u32. The bytes come from
 * untrusted files: every length is checked against the file's.
 */
#ifndef MI_SIG_H
#define MI_SIG_H

#include <stddef.h>
#include <stdint.h>

#define MI_SIG_MAGIC "~Module signature appended~\n"
#define MI_SIG_MAGIC_LEN (sizeof(MI_SIG_MAGIC) - 1)
#define MI_SIG_INFO_LEN 12
#define MI_SIG_TRAILER_LEN (MI_SIG_INFO_LEN + MI_SIG_MAGIC_LEN)
#define MI_SIG_PKEY_ID_PKCS7 2

/* Where the parts of a signed module are. */
struct mi_sig_span {
	size_t module_len; /* the bytes that were signed: [0, module_len) */
	size_t sig_off, sig_len;
	uint8_t id_type;
};

/*
 * Find the appended signature in len bytes at data. Returns 1 and fills
 * *s, 0 when there is no magic at the end, -EBADMSG when the trailer is
 * there but malformed (lengths past the file, non-zero fields the kernel
 * rejects for PKCS#7).
 */
int mi_sig_find(const void *data, size_t len, struct mi_sig_span *s);

/* The trailer (struct module_signature + magic) for a PKCS#7 signature of sig_len bytes. */
void mi_sig_trailer(uint32_t sig_len, unsigned char out[MI_SIG_TRAILER_LEN]);

/* What modinfo shows of a signature, formatted as kmod's modinfo does. */
struct mi_sig {
	char *id_type;	 /* "PKCS#7" */
	char *signer;	 /* the certificate issuer's CN */
	char *key;	 /* key id (serial number), "3B:1F:..." */
	char *hash_algo; /* "sha256" */
	char *signature; /* the signature value, "AB:CD:..." */
};

/*
 * Read a signature's facts from a signed module's bytes. Returns 1 and
 * fills *out, 0 when there is no signature or one that is not readable
 * PKCS#7 (as kmod, which then shows no signature fields either).
 */
int mi_sig_read(const void *data, size_t len, struct mi_sig *out);
void mi_sig_release(struct mi_sig *s);

#endif
