// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * common/openpgp.c: any bytes as gpg-agent's PKSIGN answer. The first byte
 * picks the key's algorithm (RSA, EdDSA, ECDSA, DSA); the seeds are real
 * answers of gpg-agent 2.2 for keys of each (tests/fuzz/regressions/pgpsig).
 */
#include <stdlib.h>
#include <string.h>

#include "common/log.h"
#include "common/openpgp.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > FZ_MAX_INPUT)
		return 0;
	fz_init();
	static const enum kp_pgp_algo algos[] = {KP_PGP_RSA, KP_PGP_EDDSA, KP_PGP_ECDSA,
						 KP_PGP_DSA};
	struct kp_pgp_sig s = {.algo = algos[data[0] % 4], .created = 1600000000};
	memset(s.fpr, 0xA5, sizeof(s.fpr));
	/* A copy of exactly the answer's bytes, so a read past the end is caught. */
	size_t n = size - 1;
	unsigned char *answer = malloc(n ? n : 1);
	memcpy(answer, data + 1, n);
	char *asc = NULL, *why = NULL;
	size_t len = 0;
	int r =
	    kp_pgp_sig_armor(&s, (const unsigned char[]){0x12, 0x34}, answer, n, &asc, &len, &why);
	/* Either an armoured signature or a reason, never both or neither. */
	if (r == 0 && (!asc || why || strlen(asc) != len ||
		       strncmp(asc, "-----BEGIN PGP SIGNATURE-----\n\n", 31) ||
		       !strstr(asc, "\n-----END PGP SIGNATURE-----\n")))
		abort();
	if (r < 0 && (asc || !why))
		abort();
	free(asc);
	free(why);
	free(answer);
	return 0;
}
