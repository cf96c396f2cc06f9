// SPDX-License-Identifier: GPL-2.0-or-later
/* kmodpack init: write the kmodpack.ini derived from a DKMS driver's dkms.conf. */
#include <errno.h>
#include <getopt.h>

#include "cli/cli.h"
#include "common/fs.h"
#include "dkms/derive.h"
#include "specgen/manifest.h"

static const char usage_text[] =
    "usage: kmodpack init [--force] [--stdout] DRIVER_DIR\n"
    "\n"
    "Write DRIVER_DIR/kmodpack.ini, derived from the driver's dkms.conf (or\n"
    "debian/<pkg>.dkms), debian/changelog, debian/control, debian/copyright and\n"
    "the sources (MODULE_LICENSE, MODULE_DESCRIPTION, the Makefile declaring\n"
    "obj-m). A comment above every value says where it came from; review it and\n"
    "commit it. dkms.conf is read as data, never run: what needs a shell is an\n"
    "error naming its line. See docs/from-dkms.md.\n"
    "\n"
    "  -f, --force    replace an existing kmodpack.ini\n"
    "      --stdout   print the manifest instead of writing it\n";

static int write_manifest(const char *dir, const struct dk_derived *d, bool force)
{
	_cleanup_free_ char *path = kp_path_join(dir, SPEC_MANIFEST_NAME);
	if (kp_is_file(path) && !force) {
		kp_err("'%s' exists: kmodpack reads it, not dkms.conf; use --force to replace it "
		       "with one derived from %s",
		       path, d->conf);
		return -KP_EINPUT;
	}
	int r = kp_write_file_atomic(path, d->ini, strlen(d->ini), 0644);
	if (r < 0) {
		kp_err("cannot write '%s': %s", path, strerror(-r));
		return -KP_EENV;
	}
	size_t guessed = 0, review = 0;
	for (const char *p = strstr(d->ini, "; GUESSED"); p; p = strstr(p + 1, "; GUESSED"))
		guessed++;
	for (const char *p = strstr(d->ini, "; REVIEW"); p; p = strstr(p + 1, "; REVIEW"))
		review++;
	kp_info("wrote %s from %s%s%s%s; %zu value%s guessed%s: review the comments, then commit "
		"it",
		path, d->conf, *d->mapped ? " (" : "", d->mapped, *d->mapped ? ")" : "", guessed,
		guessed == 1 ? "" : "s",
		review ? ", and REVIEW marks what kmodpack could not map" : "");
	return 0;
}

int cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {{"force", no_argument, NULL, 'f'},
					     {"stdout", no_argument, NULL, 256},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	bool force = false, to_stdout = false;
	int c;
	optind = 1;
	while ((c = cli_getopt("init", argc, argv, "fh", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			force = true;
			break;
		case 256:
			to_stdout = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			return cli_usage_error("init", "unknown option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("init", "one DRIVER_DIR, please");
	const char *dir = argv[optind];
	if (!kp_is_dir(dir)) {
		kp_err("'%s': no such driver directory", dir);
		return kp_exit_status(-KP_EINPUT);
	}
	_cleanup_free_ char *conf = dk_find_conf(dir);
	if (!conf) {
		kp_err("no dkms.conf or debian/*.dkms in '%s': nothing to derive a kmodpack.ini "
		       "from (docs/manifest.md says how to write one)",
		       dir);
		return kp_exit_status(-KP_EINPUT);
	}
	_cleanup_(dk_derived_freep) struct dk_derived *d = NULL;
	int r = dk_derive(conf, DK_DERIVE_FOR_REVIEW, &d);
	if (r < 0)
		return kp_exit_status(r);
	/*
	 * Read back as build and spec would read it. A text the manifest reader
	 * refuses is still written (or printed): its messages name the lines to fix.
	 */
	struct spec_manifest *m = NULL;
	int check = spec_manifest_from_derived(d, &m);
	spec_manifest_free(m);
	if (to_stdout)
		fputs(d->ini, stdout);
	else
		r = write_manifest(dir, d, force);
	if (r == 0 && check < 0)
		kp_err("the kmodpack.ini derived from %s does not read back as a manifest: fix the "
		       "lines named above",
		       d->conf);
	return kp_exit_status(r < 0 ? r : check);
}
