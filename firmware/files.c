// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * %files lines for the data package, with paths written so that rpm
 * packages exactly the named file.
 *
 * What rpm 4.18 does with a %files path (found with throwaway specs and
 * rpmbuild -bb, then read in build/files.c and rpmio/rpmglob.c):
 *
 *  1. The line is macro-expanded three times before the file is looked up
 *     (when the spec is read, when the file list is processed, and in
 *     rpmGenPath()), so a literal '%' must be written as eight: "%%%%%%%%".
 *     "%%" only survives where what follows is not a macro name
 *     ("50%.txt" works, "%{name}" does not).
 *  2. The line is split on white space unless the path is in double quotes;
 *     there is no escape for '"' inside quotes.
 *  3. If the path holds a glob character (* ? [ or a well-formed {a,b}),
 *     rpm globs it (glob(3) with GLOB_BRACE) and packages every match:
 *     "star*.bin" also takes "starZ.bin". A backslash does not help: rpm
 *     then looks for a file with the backslash in its name. What works is a
 *     bracket expression matching the one character: [*] [?] [[].
 *  4. A globbed path first goes through poptParseArgvString(), which splits
 *     on white space and eats quotes and backslashes: inside a glob a space
 *     must be "\ " and a "'" must be "\'".
 *  5. rpm refuses control characters in file names outright.
 *
 * So: quote every path, write '%' as eight, and when the name has a glob
 * character, bracket the glob characters and backslash spaces and single
 * quotes. Names with '"', '\', '{', '}' or control characters are refused
 * before packaging (fw_rpm_files_path_problem) rather than packaged as
 * something else.
 */
#include <errno.h>
#include <string.h>

#include "common/log.h"
#include "firmware/data.h"

const char *fw_rpm_files_path_problem(const char *path)
{
	if (path[0] != '/')
		return "is not absolute";
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			return "contains a control character, which rpm refuses";
		if (*p == '"')
			return "contains '\"', which rpm's %files cannot quote";
		if (*p == '\\')
			return "contains '\\', which rpm's %files unescapes";
		if (*p == '{' || *p == '}')
			return "contains '{' or '}', which rpm's %files may expand as a glob";
	}
	return NULL;
}

char *fw_rpm_files_path(const char *path)
{
	if (fw_rpm_files_path_problem(path))
		return NULL;
	bool glob = strpbrk(path, "*?[") != NULL;
	struct kp_buf b = {0};
	kp_buf_addc(&b, '"');
	for (const char *p = path; *p; p++) {
		if (*p == '%') {
			kp_buf_adds(&b, "%%%%%%%%");
			continue;
		}
		if (glob) {
			switch (*p) {
			case '*':
				kp_buf_adds(&b, "[*]");
				continue;
			case '?':
				kp_buf_adds(&b, "[?]");
				continue;
			case '[':
				kp_buf_adds(&b, "[[]");
				continue;
			case ' ':
				kp_buf_adds(&b, "\\ ");
				continue;
			case '\'':
				kp_buf_adds(&b, "\\'");
				continue;
			}
		}
		kp_buf_addc(&b, *p);
	}
	kp_buf_addc(&b, '"');
	return kp_buf_steal(&b);
}

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
	struct kp_buf b = {0};
	/* Modes come from here, not from the vendor's checkout. */
	kp_buf_adds(&b, "%defattr(0644,root,root,0755)\n");
	for (size_t i = 0; i < d->n_files; i++) {
		const struct fw_file *f = &d->files[i];
		_cleanup_free_ char *p = fw_rpm_files_path(f->dest);
		if (!p) {
			kp_err("cannot write '%s' in %%files: it %s", f->dest,
			       fw_rpm_files_path_problem(f->dest));
			kp_buf_release(&b);
			return -EINVAL;
		}
		kp_buf_addf(&b, "%s%s\n", attr_of(f), p);
	}
	*out = kp_buf_steal(&b);
	return 0;
}
