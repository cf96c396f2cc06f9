// SPDX-License-Identifier: GPL-2.0-or-later
/* kmodpack spec: the spec a build would write, without building. */
#include <getopt.h>

#include "builder/build.h"
#include "cli/cli.h"

static const char usage_text[] =
    "usage: kmodpack spec [-t TARGET] DRIVER_DIR\n"
    "\n"
    "Print the spec file kmodpack build would write for DRIVER_DIR, without\n"
    "compiling. Module names come from [driver] modules (default: the driver's\n"
    "name); 'kmodpack build' reads them, and their aliases, from the built modules.\n"
    "\n"
    "  -t, --target FILE   target file (default: the kernel trees installed here)\n";

int cmd_spec(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"target", required_argument, NULL, 't'}, {"help", no_argument, NULL, 'h'}, {0}};
	const char *target = NULL;
	int c;
	optind = 1;
	while ((c = cli_getopt("spec", argc, argv, "t:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			target = optarg;
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

	_cleanup_free_ char *spec = NULL;
	int r = bld_spec_render(argv[optind], target, &spec);
	if (r == 0)
		fputs(spec, stdout);
	return kp_exit_status(r);
}
