// SPDX-License-Identifier: GPL-2.0-or-later
#include "modinfo/sig.h"

#include <errno.h>
#include <string.h>

#include "common/crypto.h"
#include "common/util.h"

int mi_sig_find(const void *data, size_t len, struct mi_sig_span *s)
{
	const unsigned char *p = data;
	if (len < MI_SIG_TRAILER_LEN ||
	    memcmp(p + len - MI_SIG_MAGIC_LEN, MI_SIG_MAGIC, MI_SIG_MAGIC_LEN) != 0)
		return 0;
	const unsigned char *ms = p + len - MI_SIG_TRAILER_LEN;
	uint32_t sig_len = (uint32_t)ms[8] << 24 | (uint32_t)ms[9] << 16 | (uint32_t)ms[10] << 8 |
			   (uint32_t)ms[11];
	size_t before = len - MI_SIG_TRAILER_LEN; /* module + signature */
	if (sig_len == 0 || sig_len > before)
		return -EBADMSG;
	/* kernel/module_signature.c: for PKCS#7 everything but id_type and sig_len is 0. */
	if (ms[2] == MI_SIG_PKEY_ID_PKCS7 &&
	    (ms[0] || ms[1] || ms[3] || ms[4] || ms[5] || ms[6] || ms[7]))
		return -EBADMSG;
	s->module_len = before - sig_len;
	s->sig_off = s->module_len;
	s->sig_len = sig_len;
	s->id_type = ms[2];
	return 1;
}

void mi_sig_trailer(uint32_t sig_len, unsigned char out[MI_SIG_TRAILER_LEN])
{
	memset(out, 0, MI_SIG_INFO_LEN);
	out[2] = MI_SIG_PKEY_ID_PKCS7;
	out[8] = (unsigned char)(sig_len >> 24);
	out[9] = (unsigned char)(sig_len >> 16);
	out[10] = (unsigned char)(sig_len >> 8);
	out[11] = (unsigned char)sig_len;
	memcpy(out + MI_SIG_INFO_LEN, MI_SIG_MAGIC, MI_SIG_MAGIC_LEN);
}

/* kmod's modinfo prints binary values as upper-case hex pairs joined by ':'. */
static char *hex_colon(const unsigned char *b, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	char *s = kp_malloc(n ? 3 * n : 1), *o = s;
	for (size_t i = 0; i < n; i++) {
		if (i)
			*o++ = ':';
		*o++ = hex[b[i] >> 4];
		*o++ = hex[b[i] & 15];
	}
	*o = '\0';
	return s;
}

int mi_sig_read(const void *data, size_t len, struct mi_sig *out)
{
	struct mi_sig_span sp;
	*out = (struct mi_sig){0};
	if (mi_sig_find(data, len, &sp) <= 0 || sp.id_type != MI_SIG_PKEY_ID_PKCS7)
		return 0;
	struct kp_pkcs7_info pi;
	if (kp_pkcs7_read((const unsigned char *)data + sp.sig_off, sp.sig_len, &pi) < 0)
		return 0;
	out->id_type = kp_strdup("PKCS#7");
	out->signer = TAKE_PTR(pi.signer);
	out->key = hex_colon(pi.key_id, pi.key_id_len);
	out->hash_algo = TAKE_PTR(pi.hash_algo);
	out->signature = hex_colon(pi.sig, pi.sig_len);
	kp_pkcs7_info_release(&pi);
	return 1;
}

void mi_sig_release(struct mi_sig *s)
{
	free(s->id_type);
	free(s->signer);
	free(s->key);
	free(s->hash_algo);
	free(s->signature);
	*s = (struct mi_sig){0};
}
