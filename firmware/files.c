// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * %files lines for the data package, with paths written so that rpm
 * packages exactly the named file.
 *
 * How a path is written so (and which names are refused, e.g. '%' before a
 * letter, which rpm would read as %attr/%config/...) is spec_files_path()
 * in specgen/escape.c, with what was found about rpm 4.18's %files
 * parsing; the rpmbuild round-trip test in tests/unit/test-firmware-files.c
 * guards it.
 */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "firmware/data.h"
#include "specgen/escape.h"

static const char *attr_of(const struct fw_file *f)
{
	if (f->is_dir)
		return "%dir ";
	switch (f->kind) {
	case FW_KIND_UDEV:
	case FW_KIND_MODPROBE:
	case FW_KIND_CONFIG:
		/* Admins tune these; an upgrade must not overwrite their edits. */
		return "%config(noreplace) ";
	case FW_KIND_BUGTOOL:
		/* Ours to update: an upgrade replaces them, edits are kept as .rpmsave. */
		return "%config ";
	case FW_KIND_DOC:
		return "%doc ";
	case FW_KIND_EULA:
		/* Unlike %doc, --excludedocs does not drop a %license file. */
		return "%license ";
	case FW_KIND_FIRMWARE:
		break;
	}
	return "";
}

int fw_data_render_files(const struct fw_data *d, char **out)
{
	_cleanup_buf_ struct kp_buf b = {0};
	/* Modes come from here, not from the vendor's checkout. */
	kp_buf_adds(&b, "%defattr(0644,root,root,0755)\n");
	for (size_t i = 0; i < d->n_files; i++) {
		const struct fw_file *f = &d->files[i];
		_cleanup_free_ char *p = NULL;
		if (spec_files_path(f->dest, &p) < 0)
			return -KP_EINPUT;
		kp_buf_addf(&b, "%s%s\n", attr_of(f), p);
	}
	*out = kp_buf_steal(&b);
	return 0;
}
