// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * GPGME, in process: gpgme drives the gpg engine installed with it, and gpg
 * asks gpg-agent for the secret key, so a passphrase is typed into the
 * agent's pinentry (or the agent has it cached), never into kmodpack.
 * Signatures are made a step lower, through GPGME's Assuan connection to
 * gpg-agent: gpg cannot be given a signature time through GPGME, so
 * common/openpgp.c lays out the packet with the time the caller gives and
 * the agent signs its digest, with the key and passphrase it holds.
 */
#include "common/gpg.h"

#include <errno.h>
#include <gpgme.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/digest.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/openpgp.h"
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

/*
 * The subkey gpg itself signs with: of the usable subkeys (the primary key
 * is the first) that can sign and whose secret part the keyring holds, the
 * newest.
 */
static gpgme_subkey_t signing_subkey(gpgme_key_t key)
{
	gpgme_subkey_t best = NULL;
	for (gpgme_subkey_t k = key->subkeys; k; k = k->next)
		if (k->can_sign && k->secret && !k->revoked && !k->expired && !k->disabled &&
		    !k->invalid && k->keygrip && k->fpr &&
		    (!best || k->timestamp > best->timestamp))
			best = k;
	return best;
}

static int pgp_algo(gpgme_pubkey_algo_t a)
{
	switch (a) {
	case GPGME_PK_RSA:
	case GPGME_PK_RSA_S:
		return KP_PGP_RSA;
	case GPGME_PK_DSA:
		return KP_PGP_DSA;
	case GPGME_PK_ECDSA:
		return KP_PGP_ECDSA;
	case GPGME_PK_EDDSA:
		return KP_PGP_EDDSA;
	default:
		return 0;
	}
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
		gpgme_subkey_t sub = signing_subkey(found);
		out->created = sub ? sub->timestamp : 0;
		out->algo = sub ? pgp_algo(sub->pubkey_algo) : 0;
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

static int hex_byte(const char *h)
{
	int v = 0;
	for (int i = 0; i < 2; i++) {
		char c = h[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* An Assuan line's argument: '%', CR and LF percent-escaped, and '+' too (SETKEYDESC). */
static void assuan_escape(struct kp_buf *b, const char *s, bool plus_is_space)
{
	for (; *s; s++) {
		if (*s == '%' || *s == '\r' || *s == '\n' || (plus_is_space && *s == '+'))
			kp_buf_addf(b, "%%%02X", (unsigned char)*s);
		else if (plus_is_space && *s == ' ')
			kp_buf_addc(b, '+');
		else
			kp_buf_addc(b, *s);
	}
}

static gpgme_error_t collect(void *opaque, const void *data, size_t n)
{
	kp_buf_add(opaque, data, n);
	return 0;
}

/* One command to gpg-agent; its data lines, if any, appended to data. */
static gpgme_error_t agent_do(gpgme_ctx_t a, const char *cmd, struct kp_buf *data)
{
	gpgme_error_t op = 0;
	gpgme_error_t e = gpgme_op_assuan_transact_ext(a, cmd, data ? collect : NULL, data, NULL,
						       NULL, NULL, NULL, &op);
	return e ? e : op;
}

/* A connection to the user's gpg-agent, told where a pinentry can ask. */
static int agent_connect(gpgme_ctx_t *a)
{
	*a = NULL;
	const char *sock = gpgme_get_dirinfo("agent-socket");
	gpgme_error_t e = sock ? gpgme_new(a) : gpg_error(GPG_ERR_NOT_FOUND);
	if (!e && (e = gpgme_set_protocol(*a, GPGME_PROTOCOL_ASSUAN)) == 0)
		e = gpgme_ctx_set_engine_info(*a, GPGME_PROTOCOL_ASSUAN, sock, NULL);
	/* As gpg does: the pinentry goes where the user is. */
	static const struct {
		const char *env, *opt;
	} where[] = {{"GPG_TTY", "ttyname"}, {"TERM", "ttytype"}, {"DISPLAY", "display"}};
	for (size_t i = 0; i < KP_ARRAY_SIZE(where) && !e; i++) {
		const char *v = getenv(where[i].env);
		if (!v || !*v)
			continue;
		_cleanup_buf_ struct kp_buf cmd = {0};
		kp_buf_addf(&cmd, "OPTION %s=", where[i].opt);
		assuan_escape(&cmd, v, false);
		e = agent_do(*a, cmd.s, NULL);
	}
	if (e) {
		kp_err("gpg: cannot talk to gpg-agent at '%s': %s (gpg starts it; check with: "
		       "gpg-connect-agent /bye)",
		       sock ? sock : "?", gpgme_strerror(e));
		gpgme_release(*a);
		*a = NULL;
		return -KP_EENV;
	}
	return 0;
}

long long kp_gpg_sign_time(long long created, long long epoch)
{
	return created > epoch ? created : epoch;
}

int kp_gpg_sign(const char *fpr, const void *data, size_t n, long long when, char **asc,
		size_t *asc_len)
{
	*asc = NULL;
	if (when < 0 || when > 0xffffffffLL) {
		kp_err("gpg: a signature time of %lld is outside OpenPGP's range (1970 to 2106)",
		       when);
		return -KP_EINPUT;
	}
	gpgme_ctx_t ctx;
	int r = new_ctx(NULL, &ctx);
	if (r < 0)
		return r;
	/* Listing the secret key also starts gpg-agent if it is not running. */
	gpgme_key_t key = NULL;
	gpgme_error_t e = gpgme_get_key(ctx, fpr, &key, 1);
	gpgme_release(ctx);
	if (e) {
		kp_err("gpg: cannot find the secret key %s: %s", fpr, gpgme_strerror(e));
		return -KP_EFAILED;
	}
	gpgme_subkey_t sub = signing_subkey(key);
	struct kp_pgp_sig sig = {0};
	if (!sub || !(sig.algo = pgp_algo(sub->pubkey_algo)) || strlen(sub->fpr) != 40) {
		kp_err("gpg: key %s has no secret subkey kmodpack can sign with (RSA, DSA, ECDSA "
		       "or EdDSA, v4, not expired or revoked)",
		       fpr);
		gpgme_key_unref(key);
		return -KP_EFAILED;
	}
	/* Never before the key: gpgv would refuse it. */
	sig.created = kp_gpg_sign_time(sub->timestamp, when);
	for (int i = 0; i < 20; i++)
		sig.fpr[i] = (unsigned char)hex_byte(sub->fpr + 2 * i);
	_cleanup_free_ char *grip = kp_strdup(sub->keygrip);
	_cleanup_free_ char *uid =
	    kp_strdup(key->uids && key->uids->uid ? key->uids->uid : "(no user id)");
	gpgme_key_unref(key);

	/* SHA-256 of the document, then of the packet's hashed part and trailer. */
	_cleanup_buf_ struct kp_buf tail = {0};
	kp_pgp_sig_hashed_tail(&sig, &tail);
	struct kp_digest *d = kp_digest_new(KP_DIGEST_SHA256);
	kp_digest_update(d, data, n);
	kp_digest_update(d, tail.s, tail.len);
	char hex[KP_DIGEST_HEX_MAX];
	kp_digest_final(d, hex);
	unsigned char left16[2] = {(unsigned char)hex_byte(hex), (unsigned char)hex_byte(hex + 2)};

	/* The agent signs the digest with the key it holds, asking for its passphrase. */
	gpgme_ctx_t a;
	if ((r = agent_connect(&a)) < 0)
		return r;
	_cleanup_buf_ struct kp_buf desc = {0}, answer = {0};
	kp_buf_adds(&desc, "SETKEYDESC ");
	_cleanup_free_ char *text =
	    kp_asprintf("kmodpack signs an update with key %s:\n\"%s\"", fpr, uid);
	assuan_escape(&desc, text, true);
	_cleanup_free_ char *sigkey = kp_asprintf("SIGKEY %s", grip);
	_cleanup_free_ char *sethash = kp_asprintf("SETHASH --hash=sha256 %s", hex);
	if ((e = agent_do(a, sigkey, NULL)) == 0 && (e = agent_do(a, desc.s, NULL)) == 0 &&
	    (e = agent_do(a, sethash, NULL)) == 0)
		e = agent_do(a, "PKSIGN", &answer);
	gpgme_release(a);
	if (e) {
		kp_err("gpg: gpg-agent cannot sign with key %s: %s (the passphrase is asked by "
		       "gpg-agent's pinentry: set GPG_TTY=$(tty), or cache it in the agent)",
		       fpr, gpgme_strerror(e));
		return -KP_EFAILED;
	}
	_cleanup_free_ char *why = NULL;
	if (kp_pgp_sig_armor(&sig, left16, answer.s, answer.len, asc, asc_len, &why) < 0) {
		kp_err("gpg: cannot sign with key %s: %s", fpr, why);
		return -KP_EFAILED;
	}
	return 0;
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
