// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pack/repo.c's reader (createrepo_c's parsers behind it): the first byte
 * picks what the rest is. 0: a primary list, under a repomd.xml that names
 * it with its true sha256, so the bytes reach the primary parser; else: a
 * repomd.xml (its locations must stay inside the repo).
 */
#include <stdio.h>
#include <string.h>

#include "common/digest.h"
#include "common/fs.h"
#include "pack/repo.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > FZ_MAX_INPUT)
		return 0;
	static char root[4096];
	if (!root[0]) {
		/* fz_file writes into its temp dir, which has no repo/repodata/ of its own. */
		const char *probe = fz_file("probe", (const uint8_t *)"", 0);
		char repodata[4200];
		snprintf(root, sizeof(root), "%.*s/repo", (int)(strlen(probe) - strlen("/probe")),
			 probe);
		snprintf(repodata, sizeof(repodata), "%s/repodata", root);
		kp_mkdir_p(repodata, 0755);
	}
	if (data[0] == 0) {
		char sum[KP_DIGEST_HEX_MAX];
		kp_digest_buf(KP_DIGEST_SHA256, data + 1, size - 1, sum);
		fz_file("repo/repodata/primary.xml", data + 1, size - 1);
		char x[1024];
		int n = snprintf(
		    x, sizeof(x),
		    "<?xml version=\"1.0\"?>\n<repomd "
		    "xmlns=\"http://linux.duke.edu/metadata/repo\">\n<revision>1</revision>\n"
		    "<data type=\"primary\"><checksum type=\"sha256\">%s</checksum>"
		    "<location href=\"repodata/primary.xml\"/></data>\n</repomd>\n",
		    sum);
		fz_file("repo/repodata/repomd.xml", (const uint8_t *)x, (size_t)n);
	} else
		fz_file("repo/repodata/repomd.xml", data + 1, size - 1);
	struct pk_repo r;
	if (pk_repo_read(root, &r) == 0)
		pk_repo_release(&r);
	return 0;
}
