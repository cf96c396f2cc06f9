// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * common/openpgp.c: the signature packet kmodpack lays out around
 * gpg-agent's answer, read back by gpg itself (--list-packets checks the
 * armour's checksum and parses every field), and the answers it refuses.
 */
#include "tests/unit/testlib.h"

#include <string.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/openpgp.h"
#include "common/util.h"

static struct kp_pgp_sig sig_of(enum kp_pgp_algo algo)
{
	struct kp_pgp_sig s = {.algo = algo, .created = 1600000000};
	for (int i = 0; i < 20; i++)
		s.fpr[i] = (unsigned char)(0xA0 + i);
	return s;
}

/* The v4 header, two hashed subpackets and the trailer, byte for byte (RFC 4880 5.2.4). */
static void test_hashed_tail(void **state)
{
	(void)state;
	struct kp_pgp_sig s = sig_of(KP_PGP_RSA);
	_cleanup_buf_ struct kp_buf b = {0};
	kp_pgp_sig_hashed_tail(&s, &b);
	static const unsigned char head[] = {4, 0x00, 1, 8, 0, 29, 22, 33, 4, 0xA0};
	assert_int_equal(b.len, 6 + 29 + 6);
	assert_memory_equal(b.s, head, sizeof(head));
	static const unsigned char created[] = {5, 2, 0x5F, 0x5E, 0x10, 0x00};
	assert_memory_equal(b.s + 6 + 23, created, sizeof(created));
	static const unsigned char trailer[] = {4, 0xFF, 0, 0, 0, 35};
	assert_memory_equal(b.s + 35, trailer, sizeof(trailer));
}

/* The armoured packet as gpg --list-packets reads it. */
static char *list_packets(const char *dir, const char *asc)
{
	_cleanup_free_ char *path = kp_path_join(dir, "sig.asc");
	assert_int_equal(kp_write_file(path, asc, strlen(asc), 0644), 0);
	return tl_run("GNUPGHOME='%s' gpg --batch --list-packets '%s' 2>&1", dir, path);
}

static void test_eddsa_read_by_gpg(void **state)
{
	struct tl_fixture *fx = *state;
	struct kp_pgp_sig s = sig_of(KP_PGP_EDDSA);
	/* r with a leading zero byte: an MPI carries none. */
	unsigned char sexp[128];
	size_t n = 0;
	memcpy(sexp, "(7:sig-val(5:eddsa(1:r32:", 25);
	n = 25;
	sexp[n++] = 0;
	for (int i = 1; i < 32; i++)
		sexp[n++] = (unsigned char)i;
	memcpy(sexp + n, ")(1:s32:", 8);
	n += 8;
	for (int i = 0; i < 32; i++)
		sexp[n++] = 0xFF;
	memcpy(sexp + n, ")))", 3);
	n += 3;
	_cleanup_free_ char *asc = NULL, *why = NULL;
	size_t len = 0;
	assert_int_equal(
	    kp_pgp_sig_armor(&s, (unsigned char[]){0xAB, 0xCD}, sexp, n, &asc, &len, &why), 0);
	assert_int_equal(len, strlen(asc));
	assert_true(kp_startswith(asc, "-----BEGIN PGP SIGNATURE-----\n\n"));
	_cleanup_free_ char *out = list_packets(fx->dir, asc);
	assert_non_null(strstr(out, ":signature packet: algo 22, keyid ACADAEAFB0B1B2B3"));
	assert_non_null(strstr(out, "version 4, created 1600000000, md5len 0, sigclass 0x00"));
	assert_non_null(strstr(out, "digest algo 8, begin of digest ab cd"));
	assert_non_null(strstr(out, "issuer fpr v4 A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3"));
	assert_non_null(strstr(out, "data: [241 bits]")); /* 31 bytes, the first 0x01 */
	assert_non_null(strstr(out, "data: [256 bits]"));
	assert_non_null(strstr(out, "subpkt 16 len 8 (issuer key ID ACADAEAFB0B1B2B3)"));
	assert_null(strstr(out, "CRC error"));
}

/* A 4096-bit RSA signature: a packet longer than 255 bytes, a two-byte length. */
static void test_rsa_long_packet(void **state)
{
	struct tl_fixture *fx = *state;
	struct kp_pgp_sig s = sig_of(KP_PGP_RSA);
	struct kp_buf sexp = {0};
	kp_buf_adds(&sexp, "(7:sig-val(3:rsa(1:s512:");
	for (int i = 0; i < 512; i++)
		kp_buf_addc(&sexp, (char)(0x80 | i));
	kp_buf_adds(&sexp, ")))");
	_cleanup_free_ char *asc = NULL, *why = NULL;
	size_t len = 0;
	assert_int_equal(
	    kp_pgp_sig_armor(&s, (unsigned char[]){1, 2}, sexp.s, sexp.len, &asc, &len, &why), 0);
	kp_buf_release(&sexp);
	_cleanup_free_ char *out = list_packets(fx->dir, asc);
	assert_non_null(strstr(out, "ctb=89 tag=2 hlen=3"));
	assert_non_null(strstr(out, "data: [4096 bits]"));
	/* armour lines are 64 characters at most, as gpg writes them */
	for (const char *l = asc; *l;) {
		size_t w = strcspn(l, "\n");
		assert_true(w <= 64);
		l += w + (l[w] == '\n');
	}
}

/*
 * gpg-agent 2.2's own answers to PKSIGN for an RSA, Ed25519, NIST P-256 and
 * DSA key (captured with gpg-connect-agent /datafile; the fuzz harness's
 * seeds, its first byte the algorithm): each becomes a packet gpg reads.
 */
static void test_real_agent_answers(void **state)
{
	struct tl_fixture *fx = *state;
	static const struct {
		const char *file, *algo, *bits;
	} in[] = {
	    {"seed-rsa", "algo 1,", "bits]"},
	    {"seed-eddsa", "algo 22,", "bits]"},
	    {"seed-ecdsa", "algo 19,", "bits]"},
	    {"seed-dsa", "algo 17,", "bits]"},
	};
	static const enum kp_pgp_algo algos[] = {KP_PGP_RSA, KP_PGP_EDDSA, KP_PGP_ECDSA,
						 KP_PGP_DSA};
	for (size_t i = 0; i < KP_ARRAY_SIZE(in); i++) {
		_cleanup_free_ char *rel =
		    kp_path_join("tests/fuzz/regressions/pgpsig", in[i].file);
		_cleanup_free_ char *path = tl_src(rel);
		_cleanup_free_ char *data = NULL;
		size_t n = 0;
		assert_int_equal(kp_read_file(path, &data, &n), 0);
		struct kp_pgp_sig s = sig_of(algos[(unsigned char)data[0] % 4]);
		_cleanup_free_ char *asc = NULL, *why = NULL;
		size_t len = 0;
		if (kp_pgp_sig_armor(&s, (unsigned char[]){1, 2}, data + 1, n - 1, &asc, &len,
				     &why))
			fail_msg("%s: %s", in[i].file, why);
		_cleanup_free_ char *out = list_packets(fx->dir, asc);
		assert_non_null(strstr(out, in[i].algo));
		assert_non_null(strstr(out, in[i].bits));
	}
}

/* Answers that are not a signature of the key's algorithm: refused, never guessed at. */
static void test_answers_refused(void **state)
{
	(void)state;
	static const struct {
		enum kp_pgp_algo algo;
		const char *sexp, *why;
	} in[] = {
	    {KP_PGP_RSA, "", "not a (sig-val"},
	    {KP_PGP_RSA, "(7:sig-val(3:rsa(1:s1:\x01))", "not a (sig-val"},   /* one ')' short */
	    {KP_PGP_RSA, "(7:sig-val(3:rsa(1:s1:\x01))))", "not a (sig-val"}, /* one too many */
	    {KP_PGP_RSA, "(7:sig-val(3:rsa(1:s9:\x01)))", "not a (sig-val"}, /* atom past the end */
	    {KP_PGP_RSA, "(7:sig-val(3:rsa(1:s99999999999999999999:\x01)))", "not a (sig-val"},
	    {KP_PGP_RSA, "(7:sig-val(3:rsa(1:s01:\x01)))", "not a (sig-val"}, /* leading zero */
	    {KP_PGP_RSA, "(7:sig-val(3:rsa(1:x1:\x01)))", "not a (sig-val"},  /* unknown value */
	    {KP_PGP_RSA, "(7:sig-val(3:rsa(1:s1:\x01)(1:s1:\x01)))", "not a (sig-val"}, /* twice */
	    {KP_PGP_RSA, "(7:sig-vat(3:rsa(1:s1:\x01)))", "not a (sig-val"},
	    {KP_PGP_RSA, "(7:sig-val(5:eddsa(1:r1:\x01)(1:s1:\x01)))", "signed with 'eddsa'"},
	    {KP_PGP_EDDSA, "(7:sig-val(5:eddsa(1:r1:\x01)))", "lacks its values"},
	    {KP_PGP_RSA, "(7:sig-val(3:rsa(1:s1:\x01)(1:r1:\x01)))", "lacks its values"},
	    {KP_PGP_RSA, "(7:sig-val(3:rsa(1:s0:)))", "lacks its values"}, /* empty */
	};
	for (size_t i = 0; i < KP_ARRAY_SIZE(in); i++) {
		struct kp_pgp_sig s = sig_of(in[i].algo);
		_cleanup_free_ char *asc = NULL, *why = NULL;
		size_t len = 0;
		assert_int_equal(kp_pgp_sig_armor(&s, (unsigned char[]){0, 0}, in[i].sexp,
						  strlen(in[i].sexp), &asc, &len, &why),
				 -KP_EINPUT);
		assert_null(asc);
		if (!strstr(why, in[i].why))
			fail_msg("answer %zu: '%s' does not say '%s'", i, why, in[i].why);
	}
	/* an all-zero value: no MPI */
	struct kp_pgp_sig s = sig_of(KP_PGP_RSA);
	_cleanup_free_ char *asc = NULL, *why = NULL;
	size_t len = 0;
	static const char zero[] = "(7:sig-val(3:rsa(1:s2:\0\0)))";
	assert_int_equal(
	    kp_pgp_sig_armor(&s, (unsigned char[]){0, 0}, zero, sizeof(zero) - 1, &asc, &len, &why),
	    -KP_EINPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hashed_tail),
	    cmocka_unit_test_setup_teardown(test_eddsa_read_by_gpg, tl_setup_tmpdir,
					    tl_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_rsa_long_packet, tl_setup_tmpdir,
					    tl_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_real_agent_answers, tl_setup_tmpdir,
					    tl_teardown_tmpdir),
	    cmocka_unit_test(test_answers_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
