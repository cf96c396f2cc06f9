// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmodpack hcl: does the target kernel already claim these PCI IDs?
 * (guide 7.10, done by a tool instead of by hand). See docs/hcl.md.
 */
#include "cli/cli.h"

#include <getopt.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "common/fs.h"
#include "hcl/hcl.h"
#include "report/json.h"

static const char usage_text[] =
    "usage: kmodpack hcl [--kernel MODDIR | --modules-alias FILE | --pcimap FILE]\n"
    "                    [--pci-ids FILE] [--json] [--fail-on=none|overlap|supported]\n"
    "                    (FILE.ko... | DRIVER_DIR | --device VVVV:DDDD[:SVVV:SDDD]... |\n"
    "                     --lspci FILE|-)\n"
    "\n"
    "For each PCI ID a module claims (or each device given), show its names from\n"
    "pci.ids, the in-kernel modules that already claim it, and a verdict:\n"
    "  new        no in-kernel module claims it\n"
    "  supported  an in-kernel module claims every device the ID matches\n"
    "  overlap    in-kernel modules claim some of its devices\n"
    "\n"
    "  --kernel MODDIR        a /lib/modules/<release> dir (default: the running kernel's):\n"
    "                         modules.alias (or modules.pcimap) and modules.builtin.modinfo\n"
    "  --modules-alias FILE   a modules.alias file instead\n"
    "  --pcimap FILE          a legacy modules.pcimap file instead\n"
    "  --pci-ids FILE         the PCI ID database (default " HCL_PCIIDS_DEFAULT ")\n"
    "  --device ID            VVVV:DDDD or VVVV:DDDD:SVVV:SDDD (hex); repeatable\n"
    "  --lspci FILE|-         output of 'lspci -n' or 'lspci -nn' (with -v: class\n"
    "                         prog-if and Subsystem are used too)\n"
    "  DRIVER_DIR             every *.ko (.xz, .gz, .zst) below it, e.g. after a build\n"
    "  --json                 print {\"ids\": [...], \"summary\": {...}}\n"
    "  --fail-on=WHAT         exit 1 when an ID is: overlap or supported (overlap, the\n"
    "                         default), supported only (supported), never (none)\n"
    "  -h, --help             show this help\n"
    "\n"
    "Exit status: 0 no conflict, 1 conflicts per --fail-on, 2 bad input, 3 no kernel\n"
    "index or pci.ids.\n";

enum fail_on { FAIL_NONE, FAIL_OVERLAP, FAIL_SUPPORTED };

struct source {
	const char *kernel, *alias, *pcimap;
};

static int load_index(const struct source *src, struct hcl_index *idx, char **label)
{
	if (src->alias) {
		*label = kp_strdup(src->alias);
		return hcl_index_add_modules_alias(idx, src->alias);
	}
	if (src->pcimap) {
		*label = kp_strdup(src->pcimap);
		return hcl_index_add_pcimap(idx, src->pcimap);
	}
	if (src->kernel) {
		*label = kp_strdup(src->kernel);
	} else {
		struct utsname u;
		uname(&u);
		*label = kp_asprintf("/lib/modules/%s", u.release);
		kp_info("no --kernel given; using the running kernel's '%s'", *label);
	}
	return hcl_index_add_kernel(idx, *label);
}

static void print_result(const struct hcl_result *r)
{
	_cleanup_free_ char *id = hcl_match_format_id(&r->id);
	const char *vn = r->vendor_name, *dn = r->device_name;

	if (r->module)
		printf("%s ", r->module);
	printf("%s  %s  ", id, hcl_verdict_name(r->verdict));
	if (vn || dn)
		printf("%s%s%s", vn ? vn : "(unknown vendor)", dn ? " " : "", dn ? dn : "");
	else
		printf("(not in pci.ids)");
	if (r->subsystem_name)
		printf(" [%s]", r->subsystem_name);
	printf("\n");
	if (r->claimed_by.n) {
		printf("    claimed by:");
		for (size_t i = 0; i < r->claimed_by.n; i++)
			printf(" %s", r->claimed_by.v[i]);
		printf("\n");
	}
	/*
	 * Without a known class every class driver (xhci_pci, nvme, ...) might
	 * match; name only the vendor's own, count the rest (all in --json).
	 */
	size_t generic = 0;
	struct kp_strv vendor_class = {0};
	for (size_t i = 0; i < r->nhits; i++) {
		const struct hcl_match *cm = &r->hits[i].claim->match;
		if (!hcl_match_is_class_claim(cm) || hcl_match_class_known(&r->id, cm))
			continue;
		if (hcl_match_fixed(cm, HCL_VENDOR, NULL)) {
			if (!kp_strv_contains(&vendor_class, r->hits[i].claim->module))
				kp_strv_push(&vendor_class, r->hits[i].claim->module);
		} else {
			generic++;
		}
	}
	if (vendor_class.n) {
		printf("    possible class match (device class not known):");
		for (size_t i = 0; i < vendor_class.n; i++)
			printf(" %s", vendor_class.v[i]);
		printf("\n");
	}
	if (generic)
		printf("    %zu generic class driver alias%s may match too (class not known; see "
		       "--json, or give --lspci)\n",
		       generic, generic == 1 ? "" : "es");
	kp_strv_release(&vendor_class);
}

static int read_lspci(const char *path, char **text)
{
	if (!strcmp(path, "-")) {
		struct kp_buf b = {0};
		char chunk[65536];
		size_t n;
		while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
			kp_buf_add(&b, chunk, n);
		if (ferror(stdin)) {
			kp_buf_release(&b);
			kp_err("cannot read lspci output from standard input");
			return -KP_EINPUT;
		}
		*text = kp_buf_steal(&b);
		return 0;
	}
	int r = kp_read_file(path, text, NULL);
	if (r < 0) {
		kp_err("cannot read '%s': %s", path, strerror(-r));
		return -KP_EINPUT;
	}
	return 0;
}

int cmd_hcl(int argc, char **argv)
{
	enum {
		OPT_KERNEL = 256,
		OPT_ALIAS,
		OPT_PCIMAP,
		OPT_PCIIDS,
		OPT_JSON,
		OPT_FAIL,
		OPT_DEVICE,
		OPT_LSPCI
	};
	static const struct option opts[] = {
	    {"kernel", required_argument, NULL, OPT_KERNEL},
	    {"modules-alias", required_argument, NULL, OPT_ALIAS},
	    {"pcimap", required_argument, NULL, OPT_PCIMAP},
	    {"pci-ids", required_argument, NULL, OPT_PCIIDS},
	    {"json", no_argument, NULL, OPT_JSON},
	    {"fail-on", required_argument, NULL, OPT_FAIL},
	    {"device", required_argument, NULL, OPT_DEVICE},
	    {"lspci", required_argument, NULL, OPT_LSPCI},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	struct source src = {0};
	const char *pci_ids = HCL_PCIIDS_DEFAULT, *lspci = NULL;
	struct kp_strv devices = {0};
	enum fail_on fail_on = FAIL_OVERLAP;
	bool json = false;
	int c, r, nsources = 0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_KERNEL:
			src.kernel = optarg;
			nsources++;
			break;
		case OPT_ALIAS:
			src.alias = optarg;
			nsources++;
			break;
		case OPT_PCIMAP:
			src.pcimap = optarg;
			nsources++;
			break;
		case OPT_PCIIDS:
			pci_ids = optarg;
			break;
		case OPT_JSON:
			json = true;
			break;
		case OPT_FAIL:
			if (!strcmp(optarg, "none"))
				fail_on = FAIL_NONE;
			else if (!strcmp(optarg, "overlap"))
				fail_on = FAIL_OVERLAP;
			else if (!strcmp(optarg, "supported"))
				fail_on = FAIL_SUPPORTED;
			else {
				kp_strv_release(&devices);
				return cli_usage_error("hcl",
						       "'%s': --fail-on takes none, overlap "
						       "or supported",
						       optarg);
			}
			break;
		case OPT_DEVICE:
			kp_strv_push(&devices, optarg);
			break;
		case OPT_LSPCI:
			lspci = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			kp_strv_release(&devices);
			return 0;
		default:
			kp_strv_release(&devices);
			return cli_usage_error("hcl", "unknown or incomplete option");
		}
	}
	if (nsources > 1) {
		kp_strv_release(&devices);
		return cli_usage_error("hcl", "give one of --kernel, --modules-alias, --pcimap");
	}
	if (optind >= argc && !devices.n && !lspci) {
		kp_strv_release(&devices);
		return cli_usage_error("hcl", "nothing to check: give modules, a driver dir, "
					      "--device or --lspci");
	}

	_cleanup_(hcl_index_freep) struct hcl_index *idx = hcl_index_new();
	_cleanup_(hcl_pciids_freep) struct hcl_pciids *ids = NULL;
	_cleanup_(hcl_check_freep) struct hcl_check *check = NULL;
	_cleanup_free_ char *label = NULL;
	struct kp_strv modules = {0};

	/* Inputs first: a typo in an ID should not wait for the index to load. */
	struct hcl_match *devs = kp_calloc(devices.n, sizeof(*devs));
	size_t ndevs = 0;
	r = 0;
	for (size_t i = 0; i < devices.n && r == 0; i++)
		if ((r = hcl_parse_device(devices.v[i], &devs[i])) == 0)
			ndevs++;
	for (int i = optind; i < argc && r == 0; i++) {
		if (kp_is_dir(argv[i])) {
			int n = hcl_find_modules(argv[i], &modules);
			if (n == 0) {
				kp_err("'%s': no built modules (*.ko) below it (build the driver "
				       "first, or name the .ko files)",
				       argv[i]);
				r = -KP_EINPUT;
			} else if (n < 0)
				r = n;
		} else {
			kp_strv_push(&modules, argv[i]);
		}
	}
	struct hcl_match *lsdevs = NULL;
	size_t nlsdevs = 0;
	_cleanup_free_ char *lstext = NULL;
	if (r == 0 && lspci && (r = read_lspci(lspci, &lstext)) == 0)
		r = hcl_parse_lspci(strcmp(lspci, "-") ? lspci : "<stdin>", lstext, &lsdevs,
				    &nlsdevs);

	if (r == 0)
		r = load_index(&src, idx, &label);
	if (r == 0)
		r = hcl_pciids_open(pci_ids, &ids);
	if (r == 0) {
		check = hcl_check_new(idx, ids);
		for (size_t i = 0; i < modules.n && r >= 0; i++) {
			r = hcl_check_add_ko(check, modules.v[i]);
			if (r == 0)
				kp_warn("'%s': no PCI IDs (not a PCI driver?)", modules.v[i]);
		}
		if (r > 0)
			r = 0;
		for (size_t i = 0; i < ndevs && r == 0; i++)
			hcl_check_add(check, &devs[i], NULL, "--device");
		for (size_t i = 0; i < nlsdevs && r == 0; i++)
			hcl_check_add(check, &lsdevs[i], NULL, lspci);
	}
	hcl_matches_free(devs, ndevs);
	hcl_matches_free(lsdevs, nlsdevs);
	kp_strv_release(&devices);
	kp_strv_release(&modules);
	if (r < 0)
		return kp_exit_status(r);

	if (json) {
		struct rp_coverage cov;
		hcl_check_coverage(check, &cov);
		json_object *top = rp_coverage_to_json(&cov);
		rp_coverage_release(&cov);
		json_object_object_add(top, "kernel", json_object_new_string(label));
		puts(json_object_to_json_string_ext(top, JSON_C_TO_STRING_PRETTY |
							     JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(top);
	} else {
		for (size_t i = 0; i < hcl_check_count(check); i++)
			print_result(hcl_check_result(check, i));
		printf("%zu ID%s: %zu new, %zu supported, %zu overlap (kernel: %s)\n",
		       hcl_check_count(check), hcl_check_count(check) == 1 ? "" : "s",
		       hcl_check_count_verdict(check, HCL_VERDICT_NEW),
		       hcl_check_count_verdict(check, HCL_VERDICT_SUPPORTED),
		       hcl_check_count_verdict(check, HCL_VERDICT_OVERLAP), label);
	}
	size_t sup = hcl_check_count_verdict(check, HCL_VERDICT_SUPPORTED);
	size_t ovl = hcl_check_count_verdict(check, HCL_VERDICT_OVERLAP);
	if ((fail_on == FAIL_OVERLAP && (sup || ovl)) || (fail_on == FAIL_SUPPORTED && sup))
		return 1;
	return 0;
}
