// SPDX-License-Identifier: GPL-2.0-or-later
/* kmodpack verify: options and the verdict on the terminal. The work is verify/. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <unistd.h>

#include "builder/build.h"
#include "cli/cli.h"
#include "common/signals.h"
#include "report/json.h"

static const char usage_text[] =
    "usage: kmodpack verify [-t TARGET] [--flavour NAME]... [--all-kernels] [-j N] [--json]\n"
    "                       [--sig-enforce] OUTDIR|DRIVER_DIR\n"
    "       kmodpack verify [-t TARGET] [--json] PACK.iso   (see kmodpack verify PACK.iso --help)\n"
    "\n"
    "Check a finished build (OUTDIR holds its build-report.json) for every flavour:\n"
    "  install   the flavour's module RPM and the data RPM install into a scratch root\n"
    "            with rpm (scripts run when root), depmod indexes every module, alias\n"
    "            and dependency, declared firmware is in /lib/firmware, and 'rpm -e'\n"
    "            leaves no file behind;\n"
    "  symbols   every symbol a module needs is exported by the flavour's kernel\n"
    "            (Module.symvers) or the build's other modules, with the same CRC;\n"
    "  load      the flavour's kernel (its 'image' in the target file) boots under\n"
    "            qemu and loads the modules in dependency order.\n"
    "Given a DRIVER_DIR (with kmodpack.ini), it is built first, as 'kmodpack build\n"
    "--verify': the packages are published only if every check passes.\n"
    "\n"
    "  -t, --target FILE   target file: flavours' trees and images (default: host)\n"
    "      --flavour NAME  only this flavour (repeatable)\n"
    "      --all-kernels   building a DRIVER_DIR for the host target: every installed\n"
    "                      kernel version\n"
    "  -o, --output DIR    output dir when building a DRIVER_DIR (default: ./out)\n"
    "  -j, --jobs N        VMs at once (default: CPUs)\n"
    "      --timeout SEC   time limit per VM (default: 120)\n"
    "      --require-load  a flavour without a kernel image is an error (exit 3),\n"
    "                      not a skipped load check\n"
    "      --sig-enforce   boot with module.sig_enforce=1: the load check becomes the\n"
    "                      kernel's verdict on each module's signature (loaded,\n"
    "                      refused-unsigned, refused-unknown-key, ...); a signed module\n"
    "                      passes when it loads or only its key is unknown to the kernel\n"
    "      --json          print the verdict as JSON on stdout\n"
    "  -q, --quiet         print only failures\n"
    "\n"
    "Exit status: 0 every check passed; 1 a check failed; 2 bad input; 3 a tool\n"
    "(rpm, qemu-system-x86, busybox-static) or kernel image is missing.\n";

static void print_errors(FILE *out, const char *what, const struct rp_check *check)
{
	for (size_t i = 0; i < check->errors.n; i++)
		fprintf(out, "      %s: %s\n", what, check->errors.v[i]);
}

static const char *word(enum rp_status st, const char *ok)
{
	return st == RP_PASS ? ok : rp_status_name(st);
}

static void print_flavour(FILE *out, const struct rp_verify_flavour *f)
{
	fprintf(out, "%s (%s): %s\n", f->name, f->release, f->passed ? "passed" : "FAILED");
	fprintf(out, "  %-18s %-8s rpm -i and -e %s scripts, depmod (%.1fs)\n", "installed",
		rp_status_name(f->install.status), f->scripts ? "with" : "without",
		f->install_seconds);
	print_errors(out, "install", &f->install);
	fprintf(out, "  %-18s %s\n", "symbols resolved", rp_status_name(f->symbols.status));
	print_errors(out, "symbols", &f->symbols);
	const char *lo = rp_status_name(f->load.status);
	if (f->load_reason)
		fprintf(out, "  %-18s %s (%s)\n", "loaded", lo, f->load_reason);
	else if (f->accel)
		fprintf(out, "  %-18s %-8s %s, %.1fs\n", "loaded", lo, f->accel, f->load_seconds);
	else
		fprintf(out, "  %-18s %s\n", "loaded", lo);
	if (f->kernel_modules.n) {
		fprintf(out, "  %-18s", "in-kernel deps");
		for (size_t k = 0; k < f->kernel_modules.n; k++)
			fprintf(out, " %s", f->kernel_modules.v[k]);
		fprintf(out, " (loaded first)\n");
	}
	print_errors(out, "load", &f->load);
	for (size_t k = 0; k < f->nmods; k++) {
		const struct rp_verify_module *m = &f->mods[k];
		fprintf(out, "  %-18s install %s, symbols %s, load %s", m->name,
			word(m->install.status, "passed"), word(m->symbols.status, "resolved"),
			m->sig_verdict ? rp_status_name(m->load.status)
				       : word(m->load.status, "loaded"));
		if (m->sig_verdict)
			fprintf(out, " (module.sig_enforce=1: %s)", m->sig_verdict);
		fputc('\n', out);
		print_errors(out, "install", &m->install);
		print_errors(out, "symbols", &m->symbols);
		print_errors(out, "load", &m->load);
	}
}

void cli_print_verify(FILE *out, const struct rp_verify *res)
{
	for (size_t i = 0; i < res->nflavours; i++)
		if (!cli_quiet || !res->flavours[i].passed)
			print_flavour(out, &res->flavours[i]);
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {{"target", required_argument, NULL, 't'},
					     {"output", required_argument, NULL, 'o'},
					     {"jobs", required_argument, NULL, 'j'},
					     {"timeout", required_argument, NULL, 'T'},
					     {"require-load", no_argument, NULL, 'R'},
					     {"sig-enforce", no_argument, NULL, 'S'},
					     {"json", no_argument, NULL, 'J'},
					     {"quiet", no_argument, NULL, 'q'},
					     {"flavour", required_argument, NULL, 'F'},
					     {"all-kernels", no_argument, NULL, 'A'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	if (cli_verify_is_pack(argc, argv))
		return cmd_verify_pack(argc, argv);
	struct bld_verify_opts vo = {.outdir = "out"};
	_cleanup_strv_ struct kp_strv flavours = {0};
	bool json = false;
	int c;
	optind = 1;
	while ((c = cli_getopt("verify", argc, argv, "t:o:j:qh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			vo.target_file = optarg;
			break;
		case 'o':
			vo.outdir = optarg;
			break;
		case 'j':
			if ((vo.jobs = cli_parse_jobs(optarg)) < 0)
				return cli_usage_error(
				    "verify", "-j needs a number of jobs, not '%s'", optarg);
			break;
		case 'T': {
			char *end;
			vo.timeout = strtod(optarg, &end);
			if (*end || !(vo.timeout > 0))
				return cli_usage_error("verify",
						       "--timeout needs seconds, not '%s'", optarg);
			break;
		}
		case 'R':
			vo.require_load = true;
			break;
		case 'S':
			vo.sig_enforce = true;
			break;
		case 'J':
			json = true;
			break;
		case 'q':
			cli_quiet = true;
			break;
		case 'F':
			kp_strv_push(&flavours, optarg);
			break;
		case 'A':
			vo.select.all_kernels = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			return cli_usage_error("verify", "unknown option");
		}
	}
	vo.select.flavours = (const char *const *)flavours.v;
	vo.select.nflavours = flavours.n;
	if (optind + 1 != argc)
		return cli_usage_error("verify", optind == argc
						     ? "OUTDIR or DRIVER_DIR is missing"
						     : "only one OUTDIR or DRIVER_DIR, please");
	vo.dir = argv[optind];
	if (json)
		cli_json_collect("verify");
	kp_signals_install();
	double t0 = kp_now();
	struct rp_verify *res = NULL;
	int r = bld_verify_dir(&vo, &res);
	if (res && json)
		cli_json_print(rp_verify_to_json(res, true));
	else if (res)
		cli_print_verify(stdout, res);
	if (r <= -KP_EINTR_BASE)
		kp_err("interrupted");
	else if (r == 0 && !cli_quiet)
		fprintf(stderr, "kmodpack: verified in %.1fs: every check passed\n", kp_now() - t0);
	else if (kp_exit_status(r) == 1 && res)
		kp_err("verification failed (%.1fs)", kp_now() - t0);
	/* A verdict, even "failed", is the document; without one, the error is. */
	int status = cli_json_exit(res ? 0 : r);
	rp_verify_free(res);
	return res ? kp_exit_status(r) : status;
}
