// SPDX-License-Identifier: GPL-2.0-or-later
/* TEMPORARY placeholder while the command is written; replaced before release. */
#include "cli/cli.h"

int cmd_spec(int argc, char **argv)
{
	fprintf(stderr, "kmodpack spec: not built yet\n");
	return 3;
}
