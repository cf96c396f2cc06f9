// SPDX-License-Identifier: GPL-2.0-or-later
#include "common/openpgp.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "common/log.h"

#define PGP_SIG_BINARY	0x00 /* signature of a binary document */
#define PGP_HASH_SHA256 8
#define SUB_CREATED	2  /* signature creation time */
#define SUB_ISSUER	16 /* issuer key id (unhashed, for older readers) */
#define SUB_ISSUER_FPR	33 /* issuer fingerprint */

static void put8(struct kp_buf *b, unsigned v)
{
	kp_buf_addc(b, (char)(v & 0xff));
}

static void put16(struct kp_buf *b, unsigned v)
{
	put8(b, v >> 8);
	put8(b, v);
}

static void put32(struct kp_buf *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b, v);
}

/* The hashed part of the packet: version through the hashed subpackets. */
static void hashed_part(const struct kp_pgp_sig *s, struct kp_buf *b)
{
	put8(b, 4);
	put8(b, PGP_SIG_BINARY);
	put8(b, s->algo);
	put8(b, PGP_HASH_SHA256);
	/* Subpackets: a one-byte length (type and body), the type, the body. */
	put16(b, (2 + 21) + (2 + 4));
	put8(b, 1 + 21);
	put8(b, SUB_ISSUER_FPR);
	put8(b, 4); /* key version */
	kp_buf_add(b, (const char *)s->fpr, sizeof(s->fpr));
	put8(b, 1 + 4);
	put8(b, SUB_CREATED);
	put32(b, (uint32_t)s->created);
}

void kp_pgp_sig_hashed_tail(const struct kp_pgp_sig *s, struct kp_buf *out)
{
	size_t start = out->len;
	hashed_part(s, out);
	size_t hashed = out->len - start;
	put8(out, 4);
	put8(out, 0xff);
	put32(out, (uint32_t)hashed);
}

/*
 * The values of a sig-val S-expression in canonical form, e.g.
 * (7:sig-val(5:eddsa(1:r32:...)(1:s32:...))): the algorithm's name and the
 * atoms after "r" and "s". Anything else in it is refused rather than
 * guessed at.
 */
struct sexp_sig {
	const unsigned char *alg, *r, *s;
	size_t alg_len, r_len, s_len;
};

/* One atom "LEN:BYTES" at *p; advances *p. */
static bool atom(const unsigned char **p, const unsigned char *end, const unsigned char **v,
		 size_t *n)
{
	size_t len = 0;
	const unsigned char *q = *p;
	if (q >= end || *q < '0' || *q > '9' || (*q == '0' && q + 1 < end && q[1] != ':'))
		return false;
	for (; q < end && *q >= '0' && *q <= '9'; q++) {
		if (len > (size_t)(end - q)) /* longer than what is left: no need to read on */
			return false;
		len = len * 10 + (size_t)(*q - '0');
	}
	if (q >= end || *q != ':' || len > (size_t)(end - q - 1))
		return false;
	*v = q + 1;
	*n = len;
	*p = q + 1 + len;
	return true;
}

static bool atom_is(const unsigned char *v, size_t n, const char *s)
{
	return n == strlen(s) && !memcmp(v, s, n);
}

static bool parse_sig_val(const unsigned char *p, size_t n, struct sexp_sig *out)
{
	const unsigned char *end = p + n, *v;
	size_t len;
	*out = (struct sexp_sig){0};
	/* (7:sig-val(ALG */
	if (p >= end || *p++ != '(' || !atom(&p, end, &v, &len) || !atom_is(v, len, "sig-val") ||
	    p >= end || *p++ != '(' || !atom(&p, end, &out->alg, &out->alg_len))
		return false;
	/* (NAME VALUE) ... */
	while (p < end && *p == '(') {
		p++;
		const unsigned char *name, *val;
		size_t nlen, vlen;
		if (!atom(&p, end, &name, &nlen) || !atom(&p, end, &val, &vlen) || p >= end ||
		    *p++ != ')')
			return false;
		if (atom_is(name, nlen, "r") && !out->r) {
			out->r = val;
			out->r_len = vlen;
		} else if (atom_is(name, nlen, "s") && !out->s) {
			out->s = val;
			out->s_len = vlen;
		} else {
			return false;
		}
	}
	/* ))  and nothing after: the agent ends its data there. */
	return end - p == 2 && p[0] == ')' && p[1] == ')';
}

/* An OpenPGP MPI: its length in bits, then its bytes without leading zeros. */
static bool put_mpi(struct kp_buf *b, const unsigned char *v, size_t n)
{
	while (n && !*v) {
		v++;
		n--;
	}
	if (!n || n > 8192) /* zero, or beyond any key's size: not a signature */
		return false;
	unsigned top = 8;
	while (!(v[0] & (1u << (top - 1))))
		top--;
	put16(b, (unsigned)((n - 1) * 8 + top));
	kp_buf_add(b, (const char *)v, n);
	return true;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 of n bytes at p, with a newline every 64 characters (as gpg writes armour). */
static void put_base64(struct kp_buf *b, const unsigned char *p, size_t n, bool wrap)
{
	size_t col = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		kp_buf_addc(b, b64[(v >> 18) & 63]);
		kp_buf_addc(b, b64[(v >> 12) & 63]);
		kp_buf_addc(b, i + 1 < n ? b64[(v >> 6) & 63] : '=');
		kp_buf_addc(b, i + 2 < n ? b64[v & 63] : '=');
		col += 4;
		if (wrap && col == 64 && i + 3 < n) {
			kp_buf_addc(b, '\n');
			col = 0;
		}
	}
}

/* The armour's checksum (RFC 4880 6.1). */
static uint32_t crc24(const unsigned char *p, size_t n)
{
	uint32_t crc = 0xB704CEu;
	for (size_t i = 0; i < n; i++) {
		crc ^= (uint32_t)p[i] << 16;
		for (int k = 0; k < 8; k++) {
			crc <<= 1;
			if (crc & 0x1000000u)
				crc ^= 0x1864CFBu;
		}
	}
	return crc & 0xFFFFFFu;
}

static const char *algo_name(enum kp_pgp_algo a)
{
	switch (a) {
	case KP_PGP_RSA:
		return "rsa";
	case KP_PGP_DSA:
		return "dsa";
	case KP_PGP_ECDSA:
		return "ecdsa";
	case KP_PGP_EDDSA:
		return "eddsa";
	}
	return "?";
}

int kp_pgp_sig_armor(const struct kp_pgp_sig *s, const unsigned char left16[2], const void *sexp,
		     size_t n, char **asc, size_t *asc_len, char **why)
{
	*asc = NULL;
	*why = NULL;
	struct sexp_sig v;
	const char *want = algo_name(s->algo);
	if (!parse_sig_val(sexp, n, &v)) {
		*why = kp_strdup("gpg-agent's answer is not a (sig-val ...) S-expression");
		return -KP_EINPUT;
	}
	if (!atom_is(v.alg, v.alg_len, want)) {
		*why = kp_asprintf("gpg-agent signed with '%.*s', the key is %s", (int)v.alg_len,
				   (const char *)v.alg, want);
		return -KP_EINPUT;
	}
	_cleanup_buf_ struct kp_buf body = {0};
	hashed_part(s, &body);
	put16(&body, 2 + 8);
	put8(&body, 1 + 8);
	put8(&body, SUB_ISSUER);
	kp_buf_add(&body, (const char *)s->fpr + 12, 8); /* a v4 key id: the low 64 bits */
	put8(&body, left16[0]);
	put8(&body, left16[1]);
	bool ok = s->algo == KP_PGP_RSA
		      ? v.s && !v.r && put_mpi(&body, v.s, v.s_len)
		      : v.r && v.s && put_mpi(&body, v.r, v.r_len) && put_mpi(&body, v.s, v.s_len);
	if (!ok) {
		*why = kp_asprintf("gpg-agent's %s signature lacks its values", want);
		return -KP_EINPUT;
	}
	/* An old-format packet header, tag 2 (signature), one or two length bytes. */
	_cleanup_buf_ struct kp_buf pkt = {0};
	if (body.len < 256) {
		put8(&pkt, 0x88);
		put8(&pkt, (unsigned)body.len);
	} else {
		put8(&pkt, 0x89);
		put16(&pkt, (unsigned)body.len);
	}
	kp_buf_add(&pkt, body.s, body.len);

	struct kp_buf a = {0};
	kp_buf_adds(&a, "-----BEGIN PGP SIGNATURE-----\n\n");
	put_base64(&a, (const unsigned char *)pkt.s, pkt.len, true);
	uint32_t crc = crc24((const unsigned char *)pkt.s, pkt.len);
	unsigned char c[3] = {crc >> 16, (crc >> 8) & 0xff, crc & 0xff};
	kp_buf_adds(&a, "\n=");
	put_base64(&a, c, 3, false);
	kp_buf_adds(&a, "\n-----END PGP SIGNATURE-----\n");
	*asc_len = a.len;
	*asc = kp_buf_steal(&a);
	return 0;
}
