// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * verify --sig-enforce: the flavour's kernel boots with module.sig_enforce=1
 * (vm.c), so it loads only modules signed by a key it holds, and says why
 * it refuses the others (kernel/module/signing.c, module_sig_check(): one
 * pr_notice per reason, EKEYREJECTED to insmod):
 *
 *   "Loading of unsigned module is rejected"               refused-unsigned
 *   "Loading of module with unavailable key is rejected"   refused-unknown-key
 *   "Loading of module with unsupported crypto is rejected" refused-unsupported-crypto
 *
 * and a signature that does not verify fails with EKEYREJECTED or EBADMSG
 * without such a line (refused-bad-signature). refused-unknown-key is the
 * kernel having parsed the signature and looked its key up: what a module
 * signed with the vendor's key gets from a kernel that does not (yet)
 * trust that key. So a module the build signed passes when it loads or is
 * refused for its unknown key; an unsigned one fails (it would not load on
 * a host that enforces signatures), and so does a signed one the kernel
 * calls unsigned or whose signature it rejects.
 */
#include "verify/internal.h"

#include <string.h>

static bool said(const struct vf_module *m, const char *text)
{
	for (size_t i = 0; i < m->kernel.n; i++)
		if (strstr(m->kernel.v[i], text))
			return true;
	return false;
}

static const char *verdict_of(const struct vf_module *m)
{
	if (m->load.status == RP_PASS)
		return "loaded";
	if (said(m, "Loading of unsigned module is rejected"))
		return "refused-unsigned";
	if (said(m, "Loading of module with unavailable key is rejected"))
		return "refused-unknown-key";
	if (said(m, "Loading of module with unsupported crypto is rejected"))
		return "refused-unsupported-crypto";
	if (m->load_errno &&
	    (!strcmp(m->load_errno, "EKEYREJECTED") || !strcmp(m->load_errno, "EBADMSG")))
		return "refused-bad-signature";
	return NULL; /* failed for another reason: the load check says which */
}

void vf_sig_judge(struct vf_flavour *f)
{
	for (size_t i = 0; i < f->nmods; i++) {
		struct vf_module *m = &f->mods[i];
		if (m->load.status == RP_NOTRUN)
			continue;
		const char *v = verdict_of(m);
		free(m->sig_verdict);
		m->sig_verdict = v ? kp_strdup(v) : NULL;
		if (!v)
			continue;
		bool expected = m->sig_key ? !strcmp(v, "loaded") || !strcmp(v, "refused-unknown-key")
					   : !strcmp(v, "refused-unsigned");
		rp_check_release(&m->load);
		if (expected && m->sig_key) {
			m->load.status = RP_PASS;
		} else if (!m->sig_key && !strcmp(v, "refused-unsigned")) {
			rp_check_fail(&m->load,
				      "module.sig_enforce=1: the kernel refuses it as unsigned: "
				      "build with --sign-key and --sign-cert");
		} else if (!m->sig_key) {
			rp_check_fail(&m->load,
				      "module.sig_enforce=1: unsigned, yet %s: this kernel does not "
				      "enforce module signatures (CONFIG_MODULE_SIG?)",
				      v);
		} else {
			rp_check_fail(&m->load,
				      "module.sig_enforce=1: signed with key %s, but the kernel's "
				      "verdict is %s",
				      m->sig_key, v);
		}
	}
}
