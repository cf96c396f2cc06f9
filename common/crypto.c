// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/digest.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

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
