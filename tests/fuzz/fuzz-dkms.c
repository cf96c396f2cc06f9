// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dkms/: any bytes as a dkms.conf. The parser with its MAKE and CLEAN split
 * into words, then the whole derivation (MAKE's mapping, versions, the
 * INI text) from the file in a temp dir of its own.
 */
#include "dkms/conf.h"
#include "dkms/derive.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT)
		return 0;
	fz_init();
	struct dk_conf *c = NULL;
	if (dk_conf_parse("dkms.conf", (const char *)data, size, &c) < 0)
		return 0;
	static const char *const split[] = {"MAKE", "CLEAN"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(split); i++) {
		const struct dk_var *v = dk_conf_get(c, split[i], 0);
		struct kp_strv words = {0};
		if (v)
			dk_conf_words(c, v->value, v->line, &words);
		kp_strv_release(&words);
	}
	dk_conf_free(c);
	struct dk_derived *d = NULL;
	if (dk_derive(fz_file("dkms.conf", data, size),
		      size && (data[0] & 1) ? DK_DERIVE_FOR_REVIEW : 0, &d) == 0)
		dk_derived_free(d);
	return 0;
}
