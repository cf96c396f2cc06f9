// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modinfo/sig.c and the PKCS#7 reader behind it (common/crypto.c): any
 * bytes as a signed module's tail. Two shapes from one input: the bytes
 * as they are (the trailer's own length checks), and the bytes as the
 * PKCS#7 part with a well-formed trailer appended, so the DER reader sees
 * every input rather than only those that happen to end in the magic.
 */
#include <stdlib.h>
#include <string.h>

#include "modinfo/sig.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT)
		return 0;
	fz_init();
	struct mi_sig s = {0};
	struct mi_sig_span sp;
	/* A copy of exactly size bytes, so a read past the end is caught. */
	unsigned char *raw = malloc(size ? size : 1);
	memcpy(raw, data, size);
	if (mi_sig_find(raw, size, &sp) == 1 &&
	    (sp.sig_off + sp.sig_len > size || sp.module_len != sp.sig_off))
		abort();
	mi_sig_read(raw, size, &s);
	mi_sig_release(&s);
	free(raw);

	size_t n = size + MI_SIG_TRAILER_LEN;
	unsigned char *signed_ = malloc(n);
	memcpy(signed_, data, size);
	mi_sig_trailer((uint32_t)size, signed_ + size);
	mi_sig_read(signed_, n, &s);
	mi_sig_release(&s);
	free(signed_);
	return 0;
}
