// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * GPGME, in process: gpgme drives the gpg engine installed with it, and gpg
 * asks gpg-agent for the secret key, so a passphrase is typed into the
 * agent's pinentry (or the agent has it cached), never into kmodpack.
 */
#include "common/gpg.h"

#include <errno.h>
#include <gpgme.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/util.h"

void kp_gpg_key_release(struct kp_gpg_key *k)
{
	free(k->fpr);
	free(k->uid);
	*k = (struct kp_gpg_key){0};
}

/* One context for OpenPGP; home is a GnuPG home dir, or NULL for the user's. */
static int new_ctx(const char *home, gpgme_ctx_t *ctx)
{
	static bool ready;
	if (!ready) {
		gpgme_check_version(NULL);
		ready = true;
	}
	gpgme_error_t e = gpgme_engine_check_version(GPGME_PROTOCOL_OpenPGP);
	if (e) {
		kp_err("gpg: no usable OpenPGP engine: %s (apt-get install gnupg)",
		       gpgme_strerror(e));
		return -KP_EENV;
	}
	if ((e = gpgme_new(ctx)) == 0 &&
	    (e = gpgme_set_protocol(*ctx, GPGME_PROTOCOL_OpenPGP)) == 0 && home)
		e = gpgme_ctx_set_engine_info(*ctx, GPGME_PROTOCOL_OpenPGP, NULL, home);
	if (e) {
		kp_err("gpg: %s", gpgme_strerror(e));
		gpgme_release(*ctx);
		*ctx = NULL;
		return -KP_EENV;
	}
	gpgme_set_armor(*ctx, 1);
	return 0;
}

static bool key_usable(gpgme_key_t k)
{
	return !k->revoked && !k->expired && !k->disabled && !k->invalid && k->can_sign;
}

int kp_gpg_find_key(const char *id, struct kp_gpg_key *out)
{
	*out = (struct kp_gpg_key){0};
	gpgme_ctx_t ctx;
	int r = new_ctx(NULL, &ctx);
	if (r < 0)
		return r;
	gpgme_error_t e = gpgme_op_keylist_start(ctx, id, 1);
	gpgme_key_t k, found = NULL;
	size_t n = 0, usable = 0;
	while (!e && !(e = gpgme_op_keylist_next(ctx, &k))) {
		n++;
		if (key_usable(k) && !found) {
			found = k;
			usable++;
			continue;
		}
		if (key_usable(k))
			usable++;
		gpgme_key_unref(k);
	}
	gpgme_op_keylist_end(ctx);
	if (usable == 1) {
		out->fpr = kp_strdup(found->subkeys ? found->subkeys->fpr : found->fpr);
		out->uid = kp_strdup(found->uids && found->uids->uid ? found->uids->uid : "");
	} else if (usable > 1)
		kp_err("--gpg-key '%s': %zu secret keys match; give the fingerprint of one", id,
		       usable);
	else if (n > 0)
		kp_err("--gpg-key '%s': the secret key is expired, revoked, disabled or cannot "
		       "sign",
		       id);
	else
		kp_err("--gpg-key '%s': no such secret key in the keyring (%s; gpg "
		       "--list-secret-keys shows them)",
		       id, getenv("GNUPGHOME") ? "$GNUPGHOME" : "~/.gnupg");
	if (found)
		gpgme_key_unref(found);
	gpgme_release(ctx);
	return usable == 1 ? 0 : -KP_EINPUT;
}

/* The bytes of a gpgme data object, as a NUL-terminated copy; releases d. */
static char *take_data(gpgme_data_t d, size_t *len)
{
	size_t n = 0;
	char *m = gpgme_data_release_and_get_mem(d, &n);
	char *s = kp_malloc(n + 1);
	if (n)
		memcpy(s, m, n);
	s[n] = '\0';
	gpgme_free(m);
	if (len)
		*len = n;
	return s;
}

int kp_gpg_sign(const char *fpr, const void *data, size_t n, char **asc, size_t *asc_len)
{
	*asc = NULL;
	gpgme_ctx_t ctx;
	int r = new_ctx(NULL, &ctx);
	if (r < 0)
		return r;
	gpgme_key_t key = NULL;
	gpgme_data_t in = NULL, sig = NULL;
	gpgme_error_t e = gpgme_get_key(ctx, fpr, &key, 1);
	if (!e)
		e = gpgme_signers_add(ctx, key);
	if (!e)
		e = gpgme_data_new_from_mem(&in, data, n, 0);
	if (!e)
		e = gpgme_data_new(&sig);
	if (!e)
		e = gpgme_op_sign(ctx, in, sig, GPGME_SIG_MODE_DETACH);
	gpgme_sign_result_t res = e ? NULL : gpgme_op_sign_result(ctx);
	if (!e && (!res || !res->signatures || res->invalid_signers))
		e = gpg_error(GPG_ERR_UNUSABLE_SECKEY);
	if (e) {
		kp_err("gpg: cannot sign with key %s: %s (the passphrase is asked by gpg-agent: "
		       "is it running, with a pinentry or the passphrase cached?)",
		       fpr, gpgme_strerror(e));
		r = -KP_EFAILED;
		gpgme_data_release(sig);
	} else
		*asc = take_data(sig, asc_len);
	gpgme_data_release(in);
	gpgme_key_unref(key);
	gpgme_release(ctx);
	return r;
}

int kp_gpg_export(const char *fpr, char **armored, size_t *len)
{
	*armored = NULL;
	gpgme_ctx_t ctx;
	int r = new_ctx(NULL, &ctx);
	if (r < 0)
		return r;
	gpgme_data_t out = NULL;
	gpgme_error_t e = gpgme_data_new(&out);
	if (!e)
		e = gpgme_op_export(ctx, fpr, GPGME_EXPORT_MODE_MINIMAL, out);
	if (e) {
		kp_err("gpg: cannot export the public key %s: %s", fpr, gpgme_strerror(e));
		gpgme_data_release(out);
		r = -KP_EFAILED;
	} else {
		*armored = take_data(out, len);
		if (*len == 0) {
			kp_err("gpg: the public key %s exported as nothing", fpr);
			free(*armored);
			*armored = NULL;
			r = -KP_EFAILED;
		}
	}
	gpgme_release(ctx);
	return r;
}

/* A fresh GnuPG home: gpg wants it private. */
static char *temp_home(void)
{
	const char *tmp = getenv("TMPDIR");
	char *home = kp_asprintf("%s/kmodpack-gpg-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(home)) {
		free(home);
		return NULL;
	}
	return home;
}

static int verify_in(gpgme_ctx_t ctx, const void *keys, size_t keys_len, const void *data, size_t n,
		     const void *sig, size_t sig_len, char **signer, char **why)
{
	gpgme_data_t k = NULL, d = NULL, s = NULL;
	gpgme_error_t e = gpgme_data_new_from_mem(&k, keys, keys_len, 0);
	if (!e)
		e = gpgme_op_import(ctx, k);
	gpgme_import_result_t imp = e ? NULL : gpgme_op_import_result(ctx);
	gpgme_data_release(k);
	if (e || !imp || imp->considered == 0 || (imp->imported == 0 && imp->unchanged == 0)) {
		*why = kp_asprintf("no OpenPGP public key to check against%s%s", e ? ": " : "",
				   e ? gpgme_strerror(e) : "");
		return -KP_EFAILED;
	}
	e = gpgme_data_new_from_mem(&d, data, n, 0);
	if (!e)
		e = gpgme_data_new_from_mem(&s, sig, sig_len, 0);
	if (!e)
		e = gpgme_op_verify(ctx, s, d, NULL);
	gpgme_verify_result_t res = e ? NULL : gpgme_op_verify_result(ctx);
	gpgme_data_release(d);
	gpgme_data_release(s);
	int r = -KP_EFAILED;
	if (e)
		*why = kp_asprintf("not a signature gpg can read: %s", gpgme_strerror(e));
	else if (!res || !res->signatures)
		*why = kp_strdup("no signature in it");
	else {
		gpgme_signature_t g = res->signatures;
		gpgme_err_code_t c = gpgme_err_code(g->status);
		if (c == GPG_ERR_NO_ERROR) {
			*signer = kp_strdup(g->fpr ? g->fpr : "");
			r = 0;
		} else if (c == GPG_ERR_BAD_SIGNATURE)
			*why = kp_strdup("BAD signature: the file was changed after it was signed");
		else if (c == GPG_ERR_NO_PUBKEY)
			*why = kp_asprintf("signed by key %s, which is not the key given",
					   g->fpr ? g->fpr : "?");
		else
			*why = kp_asprintf("signature not valid: %s", gpgme_strerror(g->status));
	}
	return r;
}

int kp_gpg_verify(const void *keys, size_t keys_len, const void *data, size_t n, const void *sig,
		  size_t sig_len, char **signer, char **why)
{
	*signer = *why = NULL;
	_cleanup_free_ char *home = temp_home();
	if (!home) {
		*why = kp_asprintf("cannot create a temporary GnuPG home: %s", strerror(errno));
		return -KP_EFAILED;
	}
	gpgme_ctx_t ctx;
	int r = new_ctx(home, &ctx);
	if (r < 0)
		*why = kp_strdup("no usable gpg engine");
	else {
		r = verify_in(ctx, keys, keys_len, data, n, sig, sig_len, signer, why);
		gpgme_release(ctx);
	}
	kp_rm_rf(home);
	return r < 0 ? -KP_EFAILED : 0;
}
