// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The one file behind OpenSSL's libcrypto: digests (digest.h) and module
 * signatures (crypto.h).
 */
#include "common/crypto.h"
#include "common/digest.h"

#include <errno.h>
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"

static const EVP_MD *md_of(enum kp_digest_algo algo)
{
	return algo == KP_DIGEST_MD5 ? EVP_md5() : EVP_sha256();
}

static void to_hex(const unsigned char *md, unsigned int len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (unsigned int i = 0; i < len; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[2 * len] = '\0';
}

/* Allocation failure aborts, as everywhere else (util.h says why). */
static EVP_MD_CTX *ctx_new(enum kp_digest_algo algo)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx || EVP_DigestInit_ex(ctx, md_of(algo), NULL) != 1)
		abort();
	return ctx;
}

static void ctx_finish(EVP_MD_CTX *ctx, char *out)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	if (EVP_DigestFinal_ex(ctx, md, &len) != 1)
		abort();
	EVP_MD_CTX_free(ctx);
	to_hex(md, len, out);
}

struct kp_digest *kp_digest_new(enum kp_digest_algo algo)
{
	return (struct kp_digest *)ctx_new(algo);
}

void kp_digest_update(struct kp_digest *d, const void *buf, size_t n)
{
	EVP_DigestUpdate((EVP_MD_CTX *)d, buf, n);
}

void kp_digest_final(struct kp_digest *d, char out[KP_DIGEST_HEX_MAX])
{
	ctx_finish((EVP_MD_CTX *)d, out);
}

/* Feed a file's bytes to every digest in d (NULL-terminated). */
static int digest_fd(const char *path, struct kp_digest **d)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	char buf[64 * 1024];
	int r = 0;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		if (n == 0)
			break;
		for (size_t i = 0; d[i]; i++)
			kp_digest_update(d[i], buf, (size_t)n);
	}
	close(fd);
	return r;
}

int kp_digest_file(enum kp_digest_algo algo, const char *path, char out[KP_DIGEST_HEX_MAX])
{
	struct kp_digest *d[] = {kp_digest_new(algo), NULL};
	int r = digest_fd(path, d);
	kp_digest_final(d[0], out);
	if (r < 0)
		out[0] = '\0';
	return r;
}

int kp_md5_sha256_file(const char *path, char md5[33], char sha256[65])
{
	struct kp_digest *d[] = {kp_digest_new(KP_DIGEST_MD5), kp_digest_new(KP_DIGEST_SHA256),
				 NULL};
	int r = digest_fd(path, d);
	char hex[KP_DIGEST_HEX_MAX];
	kp_digest_final(d[0], hex);
	memcpy(md5, hex, 33);
	kp_digest_final(d[1], sha256);
	if (r < 0)
		md5[0] = sha256[0] = '\0';
	return r;
}

void kp_digest_buf(enum kp_digest_algo algo, const void *buf, size_t n, char out[KP_DIGEST_HEX_MAX])
{
	EVP_MD_CTX *ctx = ctx_new(algo);
	EVP_DigestUpdate(ctx, buf, n);
	ctx_finish(ctx, out);
}

int kp_sha256_file(const char *path, char out[65])
{
	return kp_digest_file(KP_DIGEST_SHA256, path, out);
}

int kp_md5_file(const char *path, char out[33])
{
	char hex[KP_DIGEST_HEX_MAX];
	int r = kp_digest_file(KP_DIGEST_MD5, path, hex);
	memcpy(out, hex, 33);
	return r;
}

/* ---- module signatures (crypto.h) ---- */

struct kp_signer {
	EVP_PKEY *key;
	X509 *cert;
};

void kp_signer_free(struct kp_signer *s)
{
	if (!s)
		return;
	EVP_PKEY_free(s->key);
	X509_free(s->cert);
	free(s);
}

/* OpenSSL's last reason, for a message; clears its error queue. */
static const char *ossl_reason(void)
{
	unsigned long e = ERR_peek_last_error();
	const char *why = e ? ERR_reason_error_string(e) : NULL;
	ERR_clear_error();
	return why ? why : "unknown format";
}

/*
 * A key or certificate: PEM first, then DER, as sign-file accepts them.
 * NULL with *err set when the file cannot be read, else with *why.
 */
static void *read_pem_or_der(const char *path, bool cert, int *err, const char **why)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = kp_read_file(path, &data, &len);
	if (r < 0 || len > INT_MAX) {
		*err = r < 0 ? r : -EFBIG;
		return NULL;
	}
	BIO *b = BIO_new_mem_buf(data, (int)len);
	if (!b)
		abort();
	void *v = cert ? (void *)PEM_read_bio_X509(b, NULL, NULL, NULL)
		       : (void *)PEM_read_bio_PrivateKey(b, NULL, NULL, (void *)"");
	if (!v) {
		ERR_clear_error();
		BIO_reset(b);
		v = cert ? (void *)d2i_X509_bio(b, NULL) : (void *)d2i_PrivateKey_bio(b, NULL);
	}
	BIO_free(b);
	if (!v)
		*why = ossl_reason();
	return v;
}

int kp_signer_load(const char *key_path, const char *cert_path, struct kp_signer **out)
{
	_cleanup_(kp_signer_freep) struct kp_signer *s = kp_calloc(1, sizeof(*s));
	const char *why = NULL;
	int err = 0;
	if (!(s->key = read_pem_or_der(key_path, false, &err, &why))) {
		if (err)
			kp_err("sign key '%s': %s", key_path, strerror(-err));
		else
			kp_err("sign key '%s': not a private key in PEM or DER (%s); an encrypted "
			       "key needs its passphrase removed (openssl pkey -in KEY -out PLAIN)",
			       key_path, why);
		return -KP_EINPUT;
	}
	if (!(s->cert = read_pem_or_der(cert_path, true, &err, &why))) {
		if (err)
			kp_err("sign cert '%s': %s", cert_path, strerror(-err));
		else
			kp_err("sign cert '%s': not an X.509 certificate in PEM or DER (%s)",
			       cert_path, why);
		return -KP_EINPUT;
	}
	if (X509_check_private_key(s->cert, s->key) != 1) {
		ERR_clear_error();
		kp_err("sign key '%s' does not belong to the certificate '%s'", key_path,
		       cert_path);
		return -KP_EINPUT;
	}
	*out = TAKE_PTR(s);
	return 0;
}

bool kp_signer_hash_known(const char *hash)
{
	return EVP_get_digestbyname(hash) != NULL;
}

int kp_signer_sign(const struct kp_signer *s, const char *hash, const void *buf, size_t n,
		   unsigned char **sig, size_t *siglen)
{
	const EVP_MD *md = EVP_get_digestbyname(hash);
	if (n > INT_MAX) {
		kp_err("cannot sign %zu bytes: more than OpenSSL's memory BIO takes", n);
		return -KP_EFAILED;
	}
	BIO *in = BIO_new_mem_buf(buf, (int)n);
	if (!in)
		abort();
	/* sign-file's flags: detached, binary, no certificates, no attributes. */
	unsigned flags = CMS_NOCERTS | CMS_PARTIAL | CMS_BINARY | CMS_DETACHED;
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, flags);
	int len = -1;
	if (md && cms &&
	    CMS_add1_signer(cms, s->cert, s->key, md,
			    CMS_NOCERTS | CMS_BINARY | CMS_NOSMIMECAP | CMS_NOATTR) &&
	    CMS_final(cms, in, NULL, CMS_NOCERTS | CMS_BINARY) == 1) {
		unsigned char *der = NULL;
		len = i2d_CMS_ContentInfo(cms, &der);
		if (len > 0) {
			*sig = kp_malloc((size_t)len);
			memcpy(*sig, der, (size_t)len);
			*siglen = (size_t)len;
		}
		OPENSSL_free(der);
	}
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	if (len <= 0) {
		kp_err("cannot sign with hash '%s': %s", hash, md ? ossl_reason() : "unknown hash");
		return -KP_EFAILED;
	}
	return 0;
}

void kp_pkcs7_info_release(struct kp_pkcs7_info *i)
{
	free(i->signer);
	free(i->key_id);
	free(i->hash_algo);
	free(i->sig);
	*i = (struct kp_pkcs7_info){0};
}

static unsigned char *dup_bytes(const unsigned char *p, size_t n)
{
	unsigned char *d = kp_malloc(n ? n : 1);
	if (n)
		memcpy(d, p, n);
	return d;
}

/* The issuer's commonName, or "" (kmod's modinfo shows the same). */
static char *issuer_cn(const X509_NAME *issuer)
{
	int idx = issuer ? X509_NAME_get_index_by_NID(issuer, NID_commonName, -1) : -1;
	const ASN1_STRING *d = idx >= 0 ? X509_NAME_ENTRY_get_data(X509_NAME_get_entry(issuer, idx))
					: NULL;
	if (!d)
		return kp_strdup("");
	return kp_strndup((const char *)ASN1_STRING_get0_data(d), (size_t)ASN1_STRING_length(d));
}

/* Signer, key id and hash of the one signer; false when it lacks any. */
static bool read_signer(CMS_SignerInfo *si, struct kp_pkcs7_info *out)
{
	ASN1_OCTET_STRING *skid = NULL;
	X509_NAME *issuer = NULL;
	ASN1_INTEGER *sno = NULL;
	X509_ALGOR *dig = NULL, *salg = NULL;
	const ASN1_OBJECT *obj = NULL;
	if (CMS_SignerInfo_get0_signer_id(si, &skid, &issuer, &sno) != 1)
		return false;
	CMS_SignerInfo_get0_algs(si, NULL, NULL, &dig, &salg);
	ASN1_OCTET_STRING *sv = CMS_SignerInfo_get0_signature(si);
	if (!dig || !sv)
		return false;
	X509_ALGOR_get0(&obj, NULL, NULL, dig);
	const char *sn = obj ? OBJ_nid2sn(OBJ_obj2nid(obj)) : NULL;
	if (!sn || OBJ_obj2nid(obj) == NID_undef)
		return false;
	out->hash_algo = kp_strdup(sn);
	for (char *c = out->hash_algo; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	if (sno) {
		BIGNUM *bn = ASN1_INTEGER_to_BN(sno, NULL);
		if (!bn)
			return false;
		out->key_id_len = (size_t)BN_num_bytes(bn);
		out->key_id = kp_malloc(out->key_id_len ? out->key_id_len : 1);
		BN_bn2bin(bn, out->key_id);
		BN_free(bn);
	} else if (skid) {
		out->key_id_len = (size_t)ASN1_STRING_length(skid);
		out->key_id = dup_bytes(ASN1_STRING_get0_data(skid), out->key_id_len);
	} else {
		return false;
	}
	out->signer = issuer_cn(issuer);
	out->sig_len = (size_t)ASN1_STRING_length(sv);
	out->sig = dup_bytes(ASN1_STRING_get0_data(sv), out->sig_len);
	return true;
}

int kp_pkcs7_read(const void *der, size_t n, struct kp_pkcs7_info *out)
{
	*out = (struct kp_pkcs7_info){0};
	if (n == 0 || n > INT_MAX)
		return -EBADMSG;
	const unsigned char *p = der;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)n);
	STACK_OF(CMS_SignerInfo) *sis = cms ? CMS_get0_SignerInfos(cms) : NULL;
	bool ok = sis && sk_CMS_SignerInfo_num(sis) == 1 &&
		  read_signer(sk_CMS_SignerInfo_value(sis, 0), out);
	CMS_ContentInfo_free(cms);
	ERR_clear_error();
	if (!ok) {
		kp_pkcs7_info_release(out);
		return -EBADMSG;
	}
	return 0;
}
