// SPDX-License-Identifier: GPL-2.0-or-later
/* Dispatcher: kmodpack COMMAND [ARGS]. */
#include "cli/cli.h"

#include <stdarg.h>
#include <string.h>

int cli_verbose;
bool cli_quiet;

struct kp_cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct kp_cmd commands[] = {
    {"build", cmd_build, "build a driver for every flavour of a target and package it as RPMs"},
    {"spec", cmd_spec, "print the spec file a build would use, without building"},
    {"targets", cmd_targets, "list targets and their flavours"},
    {"hcl", cmd_hcl, "check whether a kernel already claims a module's or device's PCI IDs"},
    {"modinfo", cmd_modinfo, "print the .modinfo fields of kernel modules"},
    {"pack", cmd_pack, "make a supplemental pack: an installable ISO of RPMs with its metadata"},
    {"verify", cmd_verify, "install, symbol-check and boot-load a build's packages per flavour"},
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
	       "'man kmodpack' has the whole story.\n");
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
	if (!strcmp(name, "help")) {
		if (argc < 3) {
			usage(stdout);
			return 0;
		}
		name = argv[2];
		char *hargv[] = {(char *)name, "--help", NULL};
		for (size_t i = 0; i < KP_ARRAY_SIZE(commands); i++)
			if (!strcmp(commands[i].name, name))
				return commands[i].fn(2, hargv);
		fprintf(stderr, "kmodpack: '%s' is not a command; see 'kmodpack --help'\n", name);
		return kp_exit_status(-KP_EINPUT);
	}
	for (size_t i = 0; i < KP_ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "kmodpack: '%s' is not a command; see 'kmodpack --help'\n", name);
	return kp_exit_status(-KP_EINPUT);
}
