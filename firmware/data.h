/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The data RPM: the manifest's [data] section resolved into the list of
 * files to package (guide 5.1, 6.5, 6.8, 7.2, 7.6), the MODULE_FIRMWARE
 * cross-check, and the %files lines of the data package.
 *
 * Call sequence for the build:
 *
 *	struct fw_data *d;
 *	r = fw_data_load(&opts, kvs, n_kvs, &d);      // logs every problem, -KP_EINPUT
 *	r = fw_data_check_firmware(d, mods, n_mods);  // after the .ko files are read
 *	for each d->files[i]: stage into the buildroot (mkdir 0755 / copy 0644)
 *	r = fw_data_render_files(d, &text);           // the data package's %files body
 *	... d->eulas for the build report ...
 *	fw_data_free(d);
 */
#ifndef FW_DATA_H
#define FW_DATA_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "common/kv.h"
#include "common/util.h"

enum fw_kind {
	FW_KIND_FIRMWARE, /* /lib/firmware/... */
	FW_KIND_UDEV,	  /* /etc/udev/rules.d/ */
	FW_KIND_MODPROBE, /* /etc/modprobe.d/ */
	FW_KIND_CONFIG,	  /* /etc/ */
	FW_KIND_DOC,	  /* /usr/share/doc/<name>-data-<version>/ */
	FW_KIND_BUGTOOL,  /* /etc/xensource/bugtool/ */
	FW_KIND_EULA,	  /* /usr/share/doc/<name>-data-<version>/, listed for the pack installer */
};

/* "firmware", "udev", ...: the [data] key that produces the kind. */
const char *fw_kind_name(enum fw_kind kind);

struct fw_file {
	/*
	 * Absolute, symlink-free source path inside the driver dir, or NULL
	 * for a directory the package creates itself (the doc dir, a bugtool
	 * category dir made of single files).
	 */
	char *src;
	char *dest;  /* absolute install path, no trailing slash */
	mode_t mode; /* 0644 for files, 0755 for directories */
	bool is_dir; /* a directory the package owns (%dir) */
	enum fw_kind kind;
	int line; /* manifest line of the key that brought it in */
};

struct fw_data {
	char *version; /* data RPM version (default: the driver's) */
	char *release;
	char *docdir; /* /usr/share/doc/<name>-data-<version> */
	/* Every file and owned directory, sorted by dest (strcmp). */
	struct fw_file *files;
	size_t n_files;
	/* Firmware names modules may load that another package ships. */
	struct kp_strv firmware_external;
	/*
	 * Install paths of the EULA files (guide 6.8: a name ending in
	 * "EULA"), whichever key shipped them; the pack installer shows these.
	 */
	struct kp_strv eulas;
};

struct fw_data_opts {
	const char
	    *manifest; /* the kmodpack.ini path, for messages; paths are relative to its dir */
	const char *driver_dir; /* no path may leave it and the source dir */
	const char *source_dir; /* the driver's source when a directory, else NULL */
	const char *name;	/* package base name: <name>-data */
	const char *version;	/* defaults for [data] version/release: the driver's */
	const char *release;
};

/*
 * Resolve the [data] entries (as the manifest parser hands them over) into
 * the file list. Every problem is logged as `FILE:LINE: data.KEY: ...`
 * (bugtool XML problems as `XMLFILE:LINE: ...`) and all of them are
 * reported before failing with -KP_EINPUT.
 */
int fw_data_load(const struct fw_data_opts *o, const struct kp_kv *kv, size_t n_kv,
		 struct fw_data **out);
void fw_data_free(struct fw_data *d);
KP_DEFINE_TRIVIAL_CLEANUP_FUNC(struct fw_data *, fw_data_free);

/* Look a file up by install path; NULL when the package does not ship it. */
const struct fw_file *fw_data_find(const struct fw_data *d, const char *dest);

/* The firmware names one built module declares (.modinfo firmware= fields). */
struct fw_module_firmware {
	const char *module;
	const char *const *names;
	size_t n_names;
};

/*
 * Every declared name must be shipped (/lib/firmware/NAME) or listed in
 * firmware_external: each missing one is logged with the module that wants
 * it and the result is -KP_EFAILED. Shipped firmware no module declares is
 * a warning only.
 */
int fw_data_check_firmware(const struct fw_data *d, const struct fw_module_firmware *mods,
			   size_t n_mods);

/*
 * The %files body of the data package (without the "%files" line):
 * %defattr, %dir for owned directories, %config(noreplace) for udev,
 * modprobe and config files, %config for bugtool files, %doc for docs and
 * %license for EULAs. Every path is written with spec_files_path() (specgen/escape.h).
 */
int fw_data_render_files(const struct fw_data *d, char **out);

/*
 * Write an absolute path so that rpm 4.18's %files packages exactly that
 * file: returns the quoted token, or NULL when rpm cannot name it (control
 * characters, '"', '\\', '{', '}'). See firmware/files.c for why.
 */

#endif
