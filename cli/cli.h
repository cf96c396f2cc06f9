/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line: one cmd_<name>() per subcommand, printing and exit codes live here only. */
#ifndef KP_CLI_H
#define KP_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "common/log.h"

int cmd_build(int argc, char **argv);
int cmd_spec(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_targets(int argc, char **argv);
int cmd_hcl(int argc, char **argv);
int cmd_modinfo(int argc, char **argv);
int cmd_verify(int argc, char **argv);
int cmd_pack(int argc, char **argv);
int cmd_status(int argc, char **argv);
int cmd_clean(int argc, char **argv);
/* pack combine / pack remaster (cmd-pack-combine.c), reached through cmd_pack. */
int cmd_pack_combine(int argc, char **argv);
int cmd_pack_remaster(int argc, char **argv);
/* verify PACK.iso (cmd-verify-pack.c): cmd_verify hands over when cli_verify_is_pack(). */
int cmd_verify_pack(int argc, char **argv);
bool cli_verify_is_pack(int argc, char **argv);

struct rp_verify;
/* The verify verdict as a table (cmd-verify.c; build --verify prints it too). */
void cli_print_verify(FILE *out, const struct rp_verify *verdict);

struct json_object;
/*
 * --json (cli/json.c, docs/json.md): cli_json_collect() starts collecting
 * the command's errors; cli_json_exit(r) returns the exit status for r and,
 * when r < 0 after cli_json_collect(), first prints the error document on
 * stdout. cli_json_print() prints a document and releases it.
 */
void cli_json_collect(const char *command);
int cli_json_exit(int r);
void cli_json_print(struct json_object *o);

/* Print "kmodpack <cmd>: usage" text for argv[0] and return 2. */
int cli_usage_error(const char *cmd, const char *fmt, ...) KP_PRINTF(2, 3);
struct option;
/*
 * getopt_long for command cmd, with one clear usage error (exit 2) for an
 * unknown option or a missing value, instead of getopt's own message plus
 * the command's. With `kmodpack help --options COMMAND` (cli_list_options)
 * it prints the table it was given, one option per line, and exits 0: the
 * help/man test and the bash completion read the options from the binary.
 */
int cli_getopt(const char *cmd, int argc, char **argv, const char *shorts,
	       const struct option *opts, int *idx);
extern bool cli_list_options;
/* Run by `kmodpack help`: a PACK.iso argument need not exist to show verify's pack help. */
extern bool cli_help_command;

/* Parse a positive job count for -j; returns -1 when it is not one. */
int cli_parse_jobs(const char *s);
/*
 * Standard error while a live block is on a terminal (term.c). Messages
 * (the log callback's lines) print above the block, which is redrawn
 * below them; cli_term_block() replaces the block's text (lines ending in
 * '\n'); cli_term_end() leaves the block on the screen as it is and
 * prints later messages under it.
 */
void cli_term_message(const char *text);
void cli_term_block(const char *text);
void cli_term_end(void);

/* Verbosity: 0 normal, 1 -v; quiet hides info messages. */
extern int cli_verbose;
extern bool cli_quiet;

#endif
