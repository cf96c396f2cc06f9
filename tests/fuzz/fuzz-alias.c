// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * hcl/index.c and hcl/pci.c: any bytes as modules.alias, modules.pcimap
 * and modules.builtin.modinfo (from memory: the path readers read the file
 * and parse it as the _mem readers do), then the PCI and USB match model
 * queried with the first aliases of the input (pci: and usb: lines, the
 * kernel's form or not).
 */
#include <stdlib.h>

#include "hcl/index.h"
#include "hcl/pci.h"
#include "tests/fuzz/fuzz.h"

/* A query walks every wildcard claim: querying each of thousands of lines
 * would make an execution quadratic in the input, which the tool never is
 * (it queries a host's few dozen devices). */
#define FZ_MAX_QUERIES 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FZ_MAX_INPUT)
		return 0;
	fz_init();
	struct hcl_index *idx = hcl_index_new();
	hcl_index_add_modules_alias_mem(idx, "modules.alias", data, size);
	hcl_index_add_pcimap_mem(idx, "modules.pcimap", data, size);
	hcl_index_add_builtin_modinfo_mem(idx, "modules.builtin.modinfo", data, size);
	hcl_index_count(idx);

	/* Lines that read as an alias are also devices to look up. */
	char *text = fz_string(data, size);
	int queries = 0;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && queries < FZ_MAX_QUERIES;
	     l = strtok_r(NULL, "\n", &save)) {
		struct hcl_match m = {0};
		/* "alias PATTERN MODULE" lines: the pattern is the device */
		char *w = kp_startswith(l, "alias ") ? l + strlen("alias ") : l;
		char *sp = strchr(w, ' ');
		if (sp)
			*sp = '\0';
		if (hcl_match_from_alias(w, &m) < 0)
			continue;
		queries++;
		struct hcl_hit *hits = NULL;
		size_t nh = hcl_index_query(idx, &m, &hits);
		for (size_t i = 0; i < nh; i++) {
			bool cond;
			hcl_match_relate_assuming(&m, &hits[i].claim->match, &cond);
		}
		free(hits);
		free(hcl_match_format_id(&m));
		hcl_match_release(&m);
	}
	free(text);
	hcl_index_free(idx);
	return 0;
}
