// SPDX-License-Identifier: GPL-2.0-or-later
/* kmodpack pack combine and pack remaster: options and messages. The work is pack/combine.c. */
#include <getopt.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "common/signals.h"
#include "pack/combine.h"

static const char combine_usage[] =
    "usage: kmodpack pack combine --output FILE.iso [--vol NAME] PACK.iso...\n"
    "\n"
    "Put several finished packs on one ISO (guide 6.6, combine-supplemental-packs.sh):\n"
    "each pack as packages.<name>/, listed dependencies first in XS-REPOSITORY-LIST\n"
    "for the host installer, and an install.sh that runs each pack's own install.sh\n"
    "in that order on a running host. Every package is checked against its pack's\n"
    "XS-PACKAGES first. The same packs give a byte-identical ISO (timestamps from\n"
    "SOURCE_DATE_EPOCH or the newest pack's).\n"
    "\n"
    "  -o, --output FILE  the combined ISO (replaced all at once or not at all)\n"
    "      --vol NAME     its volume id, at most 32 characters (default: FILE's name)\n"
    "\n"
    "Exit status: 0 written; 1 the work failed; 2 bad input (a pack damaged, not a\n"
    "pack, two packs of one name, a dependency cycle, a name too long).\n";

static const char remaster_usage[] =
    "usage: kmodpack pack remaster [--answerfile FILE] [--include FILE|DIR]... [--label L]\n"
    "                              IN.iso OUT.iso [PACK.iso...]\n"
    "\n"
    "Add packs to an installer ISO so the installer installs them with the product\n"
    "(guide 6.7, rebuild-iso.sh): each pack as packages.<name>/, appended to the\n"
    "ISO's XS-REPOSITORY-LIST dependencies first; the answerfile (well-formed XML)\n"
    "as answerfile.xml and every --include at the ISO's top. The input's El Torito\n"
    "boot images (BIOS and EFI) are kept, so OUT.iso boots as IN.iso did.\n"
    "\n"
    "  --answerfile FILE  an automated-installation answerfile\n"
    "  --include PATH     a file or directory to add (repeat for more)\n"
    "  --label L          the volume id, at most 32 characters (default: IN.iso's)\n"
    "\n"
    "Exit status: 0 written; 1 the work failed; 2 bad input.\n";

int cmd_pack_combine(int argc, char **argv)
{
	static const struct option opts[] = {{"output", required_argument, NULL, 'o'},
					     {"vol", required_argument, NULL, 'V'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	struct pk_combine_opts o = {0};
	int c;
	optind = 1;
	while ((c = cli_getopt("pack combine", argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.output = optarg;
			break;
		case 'V':
			o.volume_id = optarg;
			break;
		case 'h':
			fputs(combine_usage, stdout);
			return 0;
		default:
			return cli_usage_error("pack combine", "unknown option");
		}
	}
	if (!o.output)
		return cli_usage_error("pack combine", "--output FILE.iso is missing");
	if (optind == argc)
		return cli_usage_error("pack combine", "no PACK.iso to combine");
	o.isos = (const char *const *)argv + optind;
	o.nisos = (size_t)(argc - optind);
	kp_signals_install();
	int r = pk_combine(&o);
	if (r == 0)
		printf("%s\n", o.output);
	else
		kp_err("pack combine failed: '%s' is as it was", o.output);
	return kp_exit_status(r);
}

int cmd_pack_remaster(int argc, char **argv)
{
	static const struct option opts[] = {{"answerfile", required_argument, NULL, 'a'},
					     {"include", required_argument, NULL, 'i'},
					     {"label", required_argument, NULL, 'l'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	struct pk_remaster_opts o = {0};
	_cleanup_free_ const char **inc = kp_calloc(argc, sizeof(char *));
	int c;
	optind = 1;
	while ((c = cli_getopt("pack remaster", argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			o.answerfile = optarg;
			break;
		case 'i':
			inc[o.nincludes++] = optarg;
			break;
		case 'l':
			o.label = optarg;
			break;
		case 'h':
			fputs(remaster_usage, stdout);
			return 0;
		default:
			return cli_usage_error("pack remaster", "unknown option");
		}
	}
	if (argc - optind < 2)
		return cli_usage_error("pack remaster", "IN.iso and OUT.iso are needed");
	o.input = argv[optind];
	o.output = argv[optind + 1];
	o.includes = inc;
	o.isos = (const char *const *)argv + optind + 2;
	o.nisos = (size_t)(argc - optind - 2);
	kp_signals_install();
	int r = pk_remaster(&o);
	if (r == 0)
		printf("%s\n", o.output);
	else
		kp_err("pack remaster failed: '%s' is as it was", o.output);
	return kp_exit_status(r);
}
