// SPDX-License-Identifier: GPL-2.0-or-later
/* kmodpack clean: kmodpack's state in an output dir, and with --all its packages. The work is builder/clean.c. */
#include <getopt.h>

#include "builder/build.h"
#include "cli/cli.h"

static const char usage_text[] =
    "usage: kmodpack clean [--all] [-n] [-q] [OUTDIR]\n"
    "\n"
    "Remove what kmodpack keeps in OUTDIR (default: ./out) between runs: the\n"
    "per-flavour build dirs, an unpacked source archive, staging dirs and the\n"
    "up-to-date key under .kmodpack/, and logs/<flavour>.failed.log. The next build\n"
    "builds everything. The published packages stay unless --all. Files kmodpack\n"
    "did not make, and published files changed since it wrote them, stay and are\n"
    "named. Waits for a build running in OUTDIR (its lock).\n"
    "\n"
    "      --all           also the published build: the RPMs, SRPM, spec and logs its\n"
    "                      build-report.json lists, then the report\n"
    "  -n, --dry-run       say what would be removed, remove nothing\n"
    "  -q, --quiet         print nothing but errors\n"
    "\n"
    "Exit status: 0 cleaned; 1 a file could not be removed; 2 OUTDIR is not a\n"
    "kmodpack output dir.\n";

int cmd_clean(int argc, char **argv)
{
	static const struct option opts[] = {{"all", no_argument, NULL, 'A'},
					     {"dry-run", no_argument, NULL, 'n'},
					     {"quiet", no_argument, NULL, 'q'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	struct bld_clean_opts o = {.outdir = "out"};
	int c;
	optind = 1;
	while ((c = cli_getopt("clean", argc, argv, "nqh", opts, NULL)) != -1) {
		switch (c) {
		case 'A':
			o.all = true;
			break;
		case 'n':
			o.dry_run = true;
			break;
		case 'q':
			cli_quiet = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			return cli_usage_error("clean", "unknown option");
		}
	}
	if (argc - optind > 1)
		return cli_usage_error("clean", "only one OUTDIR, please");
	if (optind < argc)
		o.outdir = argv[optind];
	_cleanup_strv_ struct kp_strv removed = {0}, kept = {0};
	int r = bld_clean(&o, &removed, &kept);
	if (!cli_quiet) {
		for (size_t i = 0; i < removed.n; i++)
			printf("%s %s\n", o.dry_run ? "would remove" : "removed", removed.v[i]);
		for (size_t i = 0; i < kept.n; i++)
			printf("kept %s\n", kept.v[i]);
		if (r == 0 && !removed.n)
			fprintf(stderr, "kmodpack: nothing to clean in '%s'\n", o.outdir);
	}
	return kp_exit_status(r);
}
