// SPDX-License-Identifier: GPL-2.0-or-later
/* kmodpack build: options, progress on the terminal, the summary. The work is builder/build.c. */
#include <getopt.h>
#include <unistd.h>

#include "builder/build.h"
#include "cli/cli.h"
#include "common/signals.h"
#include "report/json.h"
#include "report/report.h"
#include "specgen/rpm.h"

static const char usage_text[] =
    "usage: kmodpack build [-t TARGET] [--flavour NAME]... [--all-kernels] [-o OUTDIR] [-j N]\n"
    "                      [-f] [-q] [--json] [--verify] [--gpg-key ID]\n"
    "                      [--sign-key FILE --sign-cert FILE] DRIVER_DIR\n"
    "\n"
    "Build the driver in DRIVER_DIR (its kmodpack.ini) with Kbuild for every flavour\n"
    "of the target at once and package it: a module RPM per flavour, an SRPM, the\n"
    "spec, and a build report, published into OUTDIR all together or not at all.\n"
    "\n"
    "  -t, --target FILE   target file (default: the kernel trees installed here)\n"
    "      --flavour NAME  build only this flavour of the target (repeatable)\n"
    "      --all-kernels   host target: every installed kernel version, not only the\n"
    "                      running or newest one (flavours are named by release)\n"
    "  -o, --output DIR    output dir (default: ./out)\n"
    "  -j, --jobs N        compile jobs in total, shared by all flavours (default: CPUs)\n"
    "      --json          print the build report (JSON) on stdout\n"
    "  -f, --force         build even when nothing changed since the last build\n"
    "      --verify        check the staged packages as 'kmodpack verify' does (install,\n"
    "                      symbols, load under qemu) and publish only if they pass\n"
    "      --gpg-key ID    sign every RPM and the SRPM with this gpg key (passphrase from\n"
    "                      gpg-agent)\n"
    "      --sign-key FILE, --sign-cert FILE\n"
    "                      sign every module, once stripped, with this private key and\n"
    "                      its X.509 certificate (PEM or DER) as the kernel's sign-file\n"
    "                      does, hashed with the flavour's CONFIG_MODULE_SIG_HASH\n"
    "                      (default: the target file's sign_key and sign_cert)\n"
    "  -q, --quiet         no progress, only errors and the result\n"
    "\n"
    "Exit status: 0 built; 1 the build failed; 2 bad input; 3 a kernel tree or tool is\n"
    "missing; 128+N interrupted by signal N.\n";

static const char *const stage_name[] = {
    [BLD_QUEUED] = "queued",	     [BLD_COMPILING] = "compiling", [BLD_COMPILED] = "compiled",
    [BLD_PACKAGING] = "packaging",   [BLD_VERIFYING] = "verifying", [BLD_DONE] = "done",
    [BLD_FAILED] = "failed",	     [BLD_INTERRUPTED] = "interrupted",
    [BLD_NOT_STARTED] = "not started"};

struct progress {
	bool tty;
	enum bld_stage *last; /* what the plain output last printed, per flavour */
	double start;
};

/* A flavour's time so far, or in total once it ended; < 0: none to show. */
static double seconds(const struct bld_flavour_status *s, double now)
{
	if (s->stage == BLD_QUEUED || s->stage == BLD_NOT_STARTED || !s->started)
		return -1;
	bool ended = s->stage == BLD_DONE || s->stage == BLD_FAILED ||
		     s->stage == BLD_INTERRUPTED;
	double t1 = ended && s->ended ? s->ended : now;
	return t1 > s->started ? t1 - s->started : 0.0;
}

/* On a terminal: one line per flavour, redrawn below every message (cli/term.c). */
static void show_tty(const struct bld_flavour_status *st, size_t n, double now)
{
	_cleanup_buf_ struct kp_buf b = {0};
	for (size_t i = 0; i < n; i++) {
		double sec = seconds(&st[i], now);
		kp_buf_addf(&b, "  %-16s %-11s", st[i].name, stage_name[st[i].stage]);
		if (sec >= 0)
			kp_buf_addf(&b, " %6.1fs", sec);
		kp_buf_adds(&b, "\n");
	}
	cli_term_block(b.s ? b.s : "");
}

static void show(void *data, const struct bld_flavour_status *st, size_t n)
{
	struct progress *p = data;
	double now = kp_now();
	if (cli_quiet)
		return;
	if (p->tty) {
		show_tty(st, n, now);
		return;
	}
	if (!p->last) {
		p->last = calloc(n, sizeof(*p->last));
		for (size_t i = 0; i < n; i++)
			p->last[i] = (enum bld_stage) - 1;
	}
	for (size_t i = 0; i < n; i++) {
		if (p->last[i] == st[i].stage)
			continue;
		p->last[i] = st[i].stage;
		if (st[i].stage == BLD_QUEUED)
			continue;
		if (st[i].stage == BLD_NOT_STARTED)
			fprintf(stderr, "kmodpack: %s: not started\n", st[i].name);
		else
			fprintf(stderr, "kmodpack: %s: %s (%.1fs)\n", st[i].name,
				stage_name[st[i].stage], now - p->start);
	}
}

/* One line for the modules' signatures: how many, by which key. */
static void print_signed(const struct rp_build *b)
{
	size_t n = 0, all = 0;
	const struct rp_module *first = NULL;
	for (size_t i = 0; i < b->nflavours; i++)
		for (size_t k = 0; k < b->flavours[i].nmods; k++, all++)
			if (b->flavours[i].mods[k].sig_key && (n++, !first))
				first = &b->flavours[i].mods[k];
	if (first)
		fprintf(stderr, "kmodpack: %zu of %zu modules signed by '%s' (key %s, %s)\n", n, all,
			first->sig_signer, first->sig_key, first->sig_hashalgo);
}

int cmd_build(int argc, char **argv)
{
	static const struct option opts[] = {{"target", required_argument, NULL, 't'},
					     {"output", required_argument, NULL, 'o'},
					     {"jobs", required_argument, NULL, 'j'},
					     {"json", no_argument, NULL, 'J'},
					     {"quiet", no_argument, NULL, 'q'},
					     {"force", no_argument, NULL, 'f'},
					     {"verify", no_argument, NULL, 'V'},
					     {"flavour", required_argument, NULL, 'F'},
					     {"all-kernels", no_argument, NULL, 'A'},
					     {"gpg-key", required_argument, NULL, 'G'},
					     {"sign-key", required_argument, NULL, 'K'},
					     {"sign-cert", required_argument, NULL, 'C'},
					     {"help", no_argument, NULL, 'h'},
					     {0}};
	struct bld_build_opts o = {.outdir = "out"};
	_cleanup_strv_ struct kp_strv flavours = {0};
	bool json = false;
	int c;
	optind = 1;
	while ((c = cli_getopt("build", argc, argv, "t:o:j:qfh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			o.target_file = optarg;
			break;
		case 'o':
			o.outdir = optarg;
			break;
		case 'j':
			if ((o.jobs = cli_parse_jobs(optarg)) < 0)
				return cli_usage_error(
				    "build", "-j needs a number of jobs, not '%s'", optarg);
			break;
		case 'J':
			json = true;
			break;
		case 'q':
			cli_quiet = true;
			break;
		case 'f':
			o.force = true;
			break;
		case 'V':
			o.verify = true;
			break;
		case 'F':
			kp_strv_push(&flavours, optarg);
			break;
		case 'A':
			o.select.all_kernels = true;
			break;
		case 'G':
			if (!spec_rpm_keyid_ok(optarg))
				return cli_usage_error(
				    "build",
				    "--gpg-key '%s': use a key id, fingerprint or "
				    "e-mail address (letters, digits and @._+-)",
				    optarg);
			o.gpg_key = optarg;
			break;
		case 'K':
			o.sign_key = optarg;
			break;
		case 'C':
			o.sign_cert = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			return cli_usage_error("build", "unknown option");
		}
	}
	o.select.flavours = (const char *const *)flavours.v;
	o.select.nflavours = flavours.n;
	if (optind + 1 != argc)
		return cli_usage_error("build", optind == argc ? "DRIVER_DIR is missing"
							       : "only one DRIVER_DIR, please");
	o.driver_dir = argv[optind];
	if (json)
		cli_json_collect("build");

	struct progress p = {.tty = isatty(2) && !getenv("KMODPACK_PLAIN"), .start = kp_now()};
	o.progress = show;
	o.progress_data = &p;
	kp_signals_install();

	struct bld_build_result res;
	int r = bld_build(&o, &res);
	/* The flavours' last lines stay; what follows prints under them. */
	cli_term_end();
	free(p.last);
	if (r < 0) {
		if (r <= -KP_EINTR_BASE)
			kp_err("interrupted: the output dir is as it was");
		else if (kp_exit_status(r) == 1)
			kp_err("build failed: the output dir '%s' is as it was", o.outdir);
		return cli_json_exit(r);
	}
	if (json) {
		cli_json_print(rp_build_to_json(res.report, res.outdir, res.up_to_date));
		cli_json_exit(0);
	} else if (!cli_quiet) {
		if (res.up_to_date)
			fprintf(stderr,
				"kmodpack: up to date (nothing changed since the last build); "
				"packages in %s:\n",
				res.outdir);
		else
			fprintf(stderr, "kmodpack: built in %.1fs; packages in %s:\n",
				kp_now() - p.start, res.outdir);
		for (size_t i = 0; i < res.report->nartifacts; i++) {
			const struct rp_artifact *a = &res.report->artifacts[i];
			if (a->kind != RP_ARTIFACT_SPEC)
				printf("%s/%s\n", res.outdir, a->path);
		}
		print_signed(res.report);
		fprintf(stderr, "kmodpack: build report: %s\n", res.report_path);
	}
	if (res.report->verify && !json && !cli_quiet)
		cli_print_verify(stderr, res.report->verify);
	bld_build_result_release(&res);
	return 0;
}
