// SPDX-License-Identifier: GPL-2.0-or-later
/* Dispatcher: kmodpack COMMAND [ARGS]. */
#include "cli/cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <string.h>

int cli_verbose;
bool cli_quiet;
bool cli_list_options;
bool cli_help_command;

struct kp_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static int cmd_help(int argc, char **argv);

static const struct kp_cmd commands[] = {
    {"build", cmd_build, "build a driver for every flavour of a target and package it as RPMs"},
    {"spec", cmd_spec, "print the spec file a build would use, without building"},
    {"init", cmd_init, "write a driver's kmodpack.ini, derived from its dkms.conf"},
    {"targets", cmd_targets, "list targets and their flavours"},
    {"hcl", cmd_hcl, "check whether a kernel already claims a module's or device's PCI IDs"},
    {"modinfo", cmd_modinfo, "print the .modinfo fields of kernel modules"},
    {"pack", cmd_pack, "make a supplemental pack: an installable ISO of RPMs with its metadata"},
    {"verify", cmd_verify, "install, symbol-check and boot-load a build's packages per flavour"},
    {"status", cmd_status, "show what an output dir holds, for which kernels, and whether it is up to date"},
    {"clean", cmd_clean, "remove kmodpack's state from an output dir (--all: its packages too)"},
    {"help", cmd_help, "show a command's options"},
};

static void log_to_stderr(void *data, enum kp_log_prio prio, const char *msg)
{
	static const char *const prefix[] = {"error: ", "warning: ", "", ""};
	if (prio == KP_LOG_DEBUG && cli_verbose < 1)
		return;
	if (prio == KP_LOG_INFO && cli_quiet)
		return;
	_cleanup_free_ char *line = kp_asprintf("kmodpack: %s%s%s", prefix[prio], msg,
					       msg[0] && msg[strlen(msg) - 1] == '\n' ? "" : "\n");
	cli_term_message(line);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "kmodpack %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'kmodpack help %s'.\n", cmd);
	return kp_exit_status(-KP_EINPUT);
}

/*
 * One line per option: "--long -s ARG", or "--long - ARG" without a short
 * name, "- -s ARG" without a long one; ARG is value, none or optional.
 */
static void print_options(const char *shorts, const struct option *opts)
{
	static const char *const arg[] = {"none", "value", "optional"};
	for (const struct option *o = opts; o->name; o++) {
		bool has_short = o->val > 0 && o->val < 128 && o->val != ':' && o->val != '+' &&
				 strchr(shorts, o->val);
		if (has_short)
			printf("--%s -%c %s\n", o->name, o->val, arg[o->has_arg]);
		else
			printf("--%s - %s\n", o->name, arg[o->has_arg]);
	}
	/* Short options without a long name. */
	for (const char *c = shorts; *c; c++) {
		if (*c == ':' || *c == '+' || *c == '-')
			continue;
		bool named = false;
		for (const struct option *o = opts; o->name; o++)
			named = named || o->val == *c;
		if (!named)
			printf("- -%c %s\n", *c, c[1] == ':' ? "value" : "none");
	}
}

int cli_getopt(const char *cmd, int argc, char **argv, const char *shorts,
	       const struct option *opts, int *idx)
{
	if (cli_list_options) {
		print_options(shorts, opts);
		exit(0);
	}
	/* A leading ':' makes getopt return ':' for a missing value and print nothing. */
	char sh[128];
	bool plus = shorts[0] == '+';
	snprintf(sh, sizeof(sh), "%s:%s", plus ? "+" : "", shorts + plus);
	opterr = 0;
	int c = getopt_long(argc, argv, sh, opts, idx);
	if (c != '?' && c != ':')
		return c;
	const char *word = argv[optind - 1];
	if (c == ':')
		cli_usage_error(cmd, "option '%s' needs a value", word);
	else if (optopt)
		cli_usage_error(cmd, "unknown option '-%c'", optopt);
	else
		cli_usage_error(cmd, "unknown or ambiguous option '%.*s'",
				(int)strcspn(word, "="), word);
	exit(kp_exit_status(-KP_EINPUT));
}

int cli_parse_jobs(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (!*s || *end || n < 1 || n > 4096)
		return -1;
	return (int)n;
}

static void usage(FILE *f)
{
	fprintf(
	    f, "usage: kmodpack [--version] [--help] COMMAND [ARGS]\n\n"
	       "Build kernel-module RPMs for every flavour of a kernel, and check PCI coverage.\n\n"
	       "Commands:\n");
	for (size_t i = 0; i < KP_ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].help);
	fprintf(
	    f, "\n'kmodpack help COMMAND' or 'kmodpack COMMAND --help' shows a command's options;\n"
	       "'man kmodpack' has the whole story (in the sources: 'man -l docs/kmodpack.1').\n");
}

static const char help_usage[] =
    "usage: kmodpack help [COMMAND [SUBCOMMAND]]\n"
    "       kmodpack help --commands\n"
    "       kmodpack help --options COMMAND [SUBCOMMAND]\n"
    "\n"
    "Show COMMAND's options, as 'kmodpack COMMAND --help' does; without COMMAND,\n"
    "the list of commands. SUBCOMMAND: combine or remaster for pack, PACK.iso for\n"
    "verify.\n"
    "\n"
    "      --commands  list the commands, one per line\n"
    "      --options   list the options COMMAND accepts, one per line: the long name,\n"
    "                  the short one (- for none) and 'value' when it takes one\n"
    "  -h, --help      show this help\n";

static const struct kp_cmd *find_command(const char *name)
{
	for (size_t i = 0; i < KP_ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	fprintf(stderr, "kmodpack: '%s' is not a command; see 'kmodpack --help'\n", name);
	return NULL;
}

/* kmodpack help [--commands | --options] [COMMAND [SUBCOMMAND]] */
static int cmd_help(int argc, char **argv)
{
	bool list = argc > 1 && !strcmp(argv[1], "--options");
	if (argc > 1 && !strcmp(argv[1], "--commands")) {
		for (size_t i = 0; i < KP_ARRAY_SIZE(commands); i++)
			puts(commands[i].name);
		return 0;
	}
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs(help_usage, stdout);
		return 0;
	}
	int first = list ? 2 : 1;
	if (argc <= first) {
		if (list)
			return cli_usage_error("help", "--options needs a COMMAND");
		usage(stdout);
		return 0;
	}
	if (argc - first > 2 || argv[first][0] == '-')
		return cli_usage_error("help", "usage: kmodpack help [--options] COMMAND [SUBCOMMAND]");
	const struct kp_cmd *cmd = find_command(argv[first]);
	if (!cmd)
		return kp_exit_status(-KP_EINPUT);
	if (cmd->fn == cmd_help) {
		if (list)
			fputs("--commands - none\n--options - none\n--help -h none\n", stdout);
		else
			fputs(help_usage, stdout);
		return 0;
	}
	char *hargv[4] = {argv[first], NULL, NULL, NULL};
	int n = 1;
	if (argc - first == 2)
		hargv[n++] = argv[first + 1];
	if (!list)
		hargv[n++] = "--help";
	cli_list_options = list;
	cli_help_command = true;
	int r = cmd->fn(n, hargv);
	if (list) /* cli_getopt exits; the command took another path */
		return cli_usage_error("help", "no options of '%s %s'", argv[first],
				       n > 1 ? hargv[1] : "");
	return r;
}

int main(int argc, char **argv)
{
	kp_log_set(log_to_stderr, NULL);
	if (argc < 2) {
		usage(stderr);
		return kp_exit_status(-KP_EINPUT);
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
		printf("kmodpack %s\n", KMODPACK_VERSION);
		return 0;
	}
	const struct kp_cmd *cmd = find_command(name);
	if (!cmd)
		return kp_exit_status(-KP_EINPUT);
	return cmd->fn(argc - 1, argv + 1);
}
