// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Step 7, module signing (docs/building.md, "Signing modules"): with a
 * key and certificate (--sign-key/--sign-cert, else the target's sign_key/
 * sign_cert), each stripped module gets the kernel's appended signature,
 * as scripts/sign-file writes it: PKCS#7 DER, struct module_signature and
 * the magic string (modinfo/sig.h), made in-process by common/crypto.c
 * with the hash the flavour's kernel checks (CONFIG_MODULE_SIG_HASH).
 *
 * The signature has no signing time and RSA PKCS#1 v1.5 is deterministic:
 * the same key and stripped module give the same bytes, so signed builds
 * stay reproducible. The key file is only read; what identifies the key
 * in the cache key and the report is the certificate (the key must match
 * it), never the private key's content.
 */
#include "builder/internal.h"

#include <errno.h>
#include <limits.h>

#include "common/crypto.h"
#include "common/fs.h"
#include "common/log.h"
#include "kbuild/target.h"
#include "modinfo/sig.h"
#include "report/report.h"

/* The hash a kernel without CONFIG_MODULE_SIG_HASH gets (the kernel's own default). */
#define DEFAULT_SIG_HASH "sha256"

/* The hash flavour i's kernel checks module signatures with; a note when it checks none. */
static int flavour_hash(const struct kb_flavour *f, char **hash)
{
	_cleanup_free_ char *sig = NULL;
	int r = kb_flavour_config_value(f, "CONFIG_MODULE_SIG", &sig);
	if (r == 0 && sig && !strcmp(sig, "y") &&
	    (r = kb_flavour_config_value(f, "CONFIG_MODULE_SIG_HASH", hash)) == 0 && *hash) {
		if (!kp_signer_hash_known(*hash)) {
			kp_err_at(&(struct kp_log_where){.flavour = f->name},
				  "flavour %s: the kernel signs modules with CONFIG_MODULE_SIG_HASH "
				  "\"%s\" ('%s/.config'), a hash this OpenSSL does not know",
				  f->name, *hash, f->tree);
			return -KP_EENV;
		}
		return 0;
	}
	free(*hash);
	*hash = kp_strdup(DEFAULT_SIG_HASH);
	kp_info("flavour %s: %s: modules are signed with %s anyway, a signature this "
		"kernel does not check",
		f->name,
		r == -ENOENT ? "the tree has no .config to read CONFIG_MODULE_SIG_HASH from"
			     : "the kernel has no CONFIG_MODULE_SIG",
		DEFAULT_SIG_HASH);
	return 0;
}

int bld_sign_prepare(struct bld_run *rn)
{
	const struct bld_build_opts *o = rn->o;
	const char *key = o->sign_key ? o->sign_key : rn->t->sign_key;
	const char *cert = o->sign_cert ? o->sign_cert : rn->t->sign_cert;
	if (!key && !cert)
		return 0;
	if (!key || !cert) {
		kp_err("module signing needs both a key and its certificate: %s is given (%s), "
		       "%s is not (--sign-%s FILE, or sign_%s in the target file)",
		       key ? "the key" : "the certificate", key ? key : cert,
		       key ? "the certificate" : "the key", key ? "cert" : "key",
		       key ? "cert" : "key");
		return -KP_EINPUT;
	}
	int r = kp_signer_load(key, cert, &rn->signer);
	if (r < 0)
		return r;
	rn->sign_cert = realpath(cert, NULL);
	if (!rn->sign_cert)
		rn->sign_cert = kp_strdup(cert);
	rn->sig_hash = kp_calloc(rn->t->nflavours, sizeof(char *));
	for (size_t i = 0; i < rn->t->nflavours && r == 0; i++)
		r = flavour_hash(&rn->t->flavours[i], &rn->sig_hash[i]);
	return r;
}

int bld_sign_module(struct bld_run *rn, size_t i, const char *path, struct rp_module *rm)
{
	const char *flavour = rn->t->flavours[i].name;
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r = kp_read_file(path, &data, &len);
	if (r < 0) {
		kp_err("flavour %s: cannot read '%s' to sign it: %s", flavour, path, strerror(-r));
		return r;
	}
	_cleanup_free_ unsigned char *sig = NULL;
	size_t siglen = 0;
	if ((r = kp_signer_sign(rn->signer, rn->sig_hash[i], data, len, &sig, &siglen)) < 0)
		return r;
	if (siglen > UINT32_MAX || len > SIZE_MAX - siglen - MI_SIG_TRAILER_LEN) {
		kp_err("flavour %s: a %zu-byte signature does not fit the trailer", flavour, siglen);
		return -KP_EFAILED;
	}
	size_t n = len + siglen + MI_SIG_TRAILER_LEN;
	_cleanup_free_ unsigned char *out = kp_malloc(n);
	memcpy(out, data, len);
	memcpy(out + len, sig, siglen);
	mi_sig_trailer((uint32_t)siglen, out + len + siglen);
	/* What the report says is read back from the bytes written, as modinfo reads it. */
	struct mi_sig ms = {0};
	if (mi_sig_read(out, n, &ms) != 1) {
		kp_err("flavour %s: the signature made for '%s' does not read back", flavour, path);
		return -KP_EFAILED;
	}
	rm->sig_signer = TAKE_PTR(ms.signer);
	rm->sig_key = TAKE_PTR(ms.key);
	rm->sig_hashalgo = TAKE_PTR(ms.hash_algo);
	mi_sig_release(&ms);
	if ((r = kp_write_file(path, out, n, 0644)) < 0)
		kp_err("cannot write '%s': %s", path, strerror(-r));
	return r;
}
