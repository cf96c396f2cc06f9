// SPDX-License-Identifier: GPL-2.0-or-later
/* kmodpack verify: options and the verdict on the terminal. The work is verify/. */
#include <getopt.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <unistd.h>

#include "builder/build.h"
#include "cli/cli.h"
#include "common/fs.h"
#include "common/outdir.h"
#include "common/signals.h"
#include "verify/verify.h"

static const char usage_text[] =
    "usage: kmodpack verify [-t TARGET] [-j N] [--json] OUTDIR|DRIVER_DIR\n"
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
    "  -o, --output DIR    output dir when building a DRIVER_DIR (default: ./out)\n"
    "  -j, --jobs N        VMs at once (default: CPUs)\n"
    "      --timeout SEC   time limit per VM (default: 120)\n"
    "      --require-load  a flavour without a kernel image is an error (exit 3),\n"
    "                      not a skipped load check\n"
    "      --json          print the verdict as JSON on stdout\n"
    "  -q, --quiet         print only failures\n"
    "\n"
    "Exit status: 0 every check passed; 1 a check failed; 2 bad input; 3 a tool\n"
    "(rpm, qemu-system-x86, busybox-static) or kernel image is missing.\n";

static const char *status(json_object *check)
{
	return json_object_get_string(json_object_object_get(check, "status"));
}

static void print_errors(FILE *out, const char *what, json_object *check)
{
	json_object *e = json_object_object_get(check, "errors");
	for (size_t i = 0; e && i < json_object_array_length(e); i++)
		fprintf(out, "      %s: %s\n", what,
			json_object_get_string(json_object_array_get_idx(e, i)));
}

static const char *word(const char *st, const char *ok)
{
	return !strcmp(st, "passed") ? ok : st;
}

void cli_print_verify(FILE *out, json_object *res)
{
	json_object *jfl = json_object_object_get(res, "flavours");
	for (size_t i = 0; jfl && i < json_object_array_length(jfl); i++) {
		json_object *f = json_object_array_get_idx(jfl, i);
		bool ok = json_object_get_boolean(json_object_object_get(f, "passed"));
		json_object *in = json_object_object_get(f, "install");
		json_object *sy = json_object_object_get(f, "symbols");
		json_object *lo = json_object_object_get(f, "load");
		if (cli_quiet && ok)
			continue;
		fprintf(out, "%s (%s): %s\n",
			json_object_get_string(json_object_object_get(f, "name")),
			json_object_get_string(json_object_object_get(f, "release")),
			ok ? "passed" : "FAILED");
		fprintf(out, "  %-18s %-8s rpm -i and -e %s scripts, depmod (%.1fs)\n", "installed",
			status(in),
			json_object_get_boolean(json_object_object_get(in, "scripts")) ? "with"
										       : "without",
			json_object_get_double(json_object_object_get(in, "seconds")));
		print_errors(out, "install", in);
		fprintf(out, "  %-18s %s\n", "symbols resolved", status(sy));
		print_errors(out, "symbols", sy);
		json_object *reason = json_object_object_get(lo, "reason");
		json_object *accel = json_object_object_get(lo, "accel");
		if (reason)
			fprintf(out, "  %-18s %s (%s)\n", "loaded", status(lo),
				json_object_get_string(reason));
		else if (accel)
			fprintf(out, "  %-18s %-8s %s, %.1fs\n", "loaded", status(lo),
				json_object_get_string(accel),
				json_object_get_double(json_object_object_get(lo, "seconds")));
		else
			fprintf(out, "  %-18s %s\n", "loaded", status(lo));
		print_errors(out, "load", lo);
		json_object *mods = json_object_object_get(f, "modules");
		for (size_t k = 0; mods && k < json_object_array_length(mods); k++) {
			json_object *m = json_object_array_get_idx(mods, k);
			json_object *mi = json_object_object_get(m, "install");
			json_object *ms = json_object_object_get(m, "symbols");
			json_object *ml = json_object_object_get(m, "load");
			fprintf(out, "  %-18s install %s, symbols %s, load %s\n",
				json_object_get_string(json_object_object_get(m, "name")),
				word(status(mi), "passed"), word(status(ms), "resolved"),
				word(status(ml), "loaded"));
			print_errors(out, "install", mi);
			print_errors(out, "symbols", ms);
			print_errors(out, "load", ml);
		}
	}
}

int cmd_verify(int argc, char **argv)
{
	static const struct option opts[] = {{"target", required_argument, NULL, 't'},
					     {"output", required_argument, NULL, 'o'},
					     {"jobs", required_argument, NULL, 'j'},
					     {"timeout", required_argument, NULL, 'T'},
					     {"require-load", no_argument, NULL, 'R'},
					     {"json", no_argument, NULL, 'J'},
					     {"quiet", no_argument, NULL, 'q'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	struct vf_opts vo = {0};
	const char *outdir = "out";
	bool json = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "t:o:j:qh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			vo.target_file = optarg;
			break;
		case 'o':
			outdir = optarg;
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
		case 'J':
			json = true;
			break;
		case 'q':
			cli_quiet = true;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			return cli_usage_error("verify", "unknown option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error("verify", optind == argc
						     ? "OUTDIR or DRIVER_DIR is missing"
						     : "only one OUTDIR or DRIVER_DIR, please");
	const char *dir = argv[optind];
	if (!kp_is_dir(dir)) {
		kp_err("'%s' is not a directory: give a build's output dir or a driver dir", dir);
		return 2;
	}
	kp_signals_install();
	double t0 = kp_now();
	json_object *res = NULL;
	int r;
	_cleanup_free_ char *ini = kp_path_join(dir, "kmodpack.ini");
	if (kp_is_file(ini)) {
		/* A driver: build it, verify the staged build, publish only if it passes. */
		struct bld_build_opts bo = {.driver_dir = dir,
					    .target_file = vo.target_file,
					    .outdir = outdir,
					    .jobs = vo.jobs,
					    .verify = true,
					    .verify_timeout = vo.timeout,
					    .verify_require_load = vo.require_load};
		struct bld_build_result br;
		r = bld_build(&bo, &br);
		if (r == 0) {
			res = json_object_get(json_object_object_get(br.report, "verify"));
			bld_build_result_release(&br);
		}
	} else {
		/* Hold the output dir's lock: a build must not replace RPMs under us. */
		struct kp_outdir od = {.lock_fd = -1};
		if ((r = kp_outdir_open(dir, &od)) == 0) {
			vo.dir = od.dir;
			r = vf_verify(&vo, &res);
			kp_outdir_close(&od);
		}
	}
	if (res && json)
		puts(json_object_to_json_string_ext(res, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
	else if (res)
		cli_print_verify(stdout, res);
	if (r <= -KP_EINTR_BASE)
		kp_err("interrupted");
	else if (r == 0 && !cli_quiet)
		fprintf(stderr, "kmodpack: verified in %.1fs: every check passed\n", kp_now() - t0);
	else if (kp_exit_status(r) == 1 && res)
		kp_err("verification failed (%.1fs)", kp_now() - t0);
	json_object_put(res);
	return kp_exit_status(r);
}
