// SPDX-License-Identifier: GPL-2.0-or-later
/* kmodpack spec: the spec a build would write, without building. */
#include <getopt.h>
#include <json-c/json.h>

#include "builder/build.h"
#include "cli/cli.h"
#include "report/json.h"

static const char usage_text[] =
    "usage: kmodpack spec [-t TARGET] [--flavour NAME]... [--all-kernels] [--json] DRIVER_DIR\n"
    "\n"
    "Print the spec file kmodpack build would write for DRIVER_DIR, without\n"
    "compiling. Module names come from [driver] modules (default: the driver's\n"
    "name); 'kmodpack build' reads them, and their aliases, from the built modules.\n"
    "\n"
    "  -t, --target FILE   target file (default: the kernel trees installed here)\n"
    "      --flavour NAME  only this flavour of the target (repeatable)\n"
    "      --all-kernels   host target: every installed kernel version\n"
    "      --json          print {\"spec\": TEXT, ...}, or the errors, as JSON (docs/json.md)\n"
    "\n"
    "Runs every check 'kmodpack build' runs before compiling: exit status 0 means\n"
    "the manifest and target are good; 2 bad input, 3 a kernel tree is missing.\n";

int cmd_spec(int argc, char **argv)
{
	static const struct option opts[] = {{"target", required_argument, NULL, 't'},
					     {"json", no_argument, NULL, 'J'},
					     {"flavour", required_argument, NULL, 'F'},
					     {"all-kernels", no_argument, NULL, 'A'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	const char *target = NULL;
	bool json = false;
	_cleanup_strv_ struct kp_strv flavours = {0};
	struct bld_select sel = {0};
	int c;
	optind = 1;
	while ((c = cli_getopt("spec", argc, argv, "t:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			target = optarg;
			break;
		case 'F':
			kp_strv_push(&flavours, optarg);
			break;
		case 'A':
			sel.all_kernels = true;
			break;
		case 'J':
			json = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			return cli_usage_error("spec", "unknown option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("spec", "one DRIVER_DIR, please");

	if (json)
		cli_json_collect("spec");
	_cleanup_free_ char *spec = NULL;
	sel.flavours = (const char *const *)flavours.v;
	sel.nflavours = flavours.n;
	int r = bld_spec_render(argv[optind], target, &sel, &spec);
	if (r == 0 && json) {
		json_object *o = rp_json_document("spec", 1);
		json_object_object_add(o, "path", rp_json_path(argv[optind]));
		json_object_object_add(o, "spec", json_object_new_string(spec));
		cli_json_print(o);
	} else if (r == 0) {
		fputs(spec, stdout);
	}
	return cli_json_exit(r);
}
