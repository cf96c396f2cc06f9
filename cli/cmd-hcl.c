// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * kmodpack hcl: does the target kernel already claim these PCI or USB IDs?
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
    "                    [--pci-ids FILE] [--usb-ids FILE] [--json]\n"
    "                    [--fail-on=none|overlap|supported]\n"
    "                    (FILE.ko... | DRIVER_DIR | --device VVVV:DDDD[:SVVV:SDDD]... |\n"
    "                     --device usb:VVVV:PPPP... | --lspci FILE|- | --lsusb FILE|-)\n"
    "\n"
    "For each PCI or USB ID a module claims (or each device given), show its names\n"
    "from pci.ids/usb.ids, the in-kernel modules that already claim it, and a verdict:\n"
    "  new        no in-kernel module claims it\n"
    "  supported  an in-kernel module claims every device the ID matches\n"
    "  overlap    in-kernel modules claim some of its devices\n"
    "\n"
    "  --kernel MODDIR        a /lib/modules/<release> dir (default: the running kernel's):\n"
    "                         modules.alias (or modules.pcimap) and modules.builtin.modinfo\n"
    "  --modules-alias FILE   a modules.alias file instead\n"
    "  --pcimap FILE          a legacy modules.pcimap file instead\n"
    "  --pci-ids FILE         the PCI ID database (default " HCL_PCIIDS_DEFAULT ")\n"
    "  --usb-ids FILE         the USB ID database (default " HCL_USBIDS_DEFAULT ",\n"
    "                         names left out when it is missing)\n"
    "  --device ID            VVVV:DDDD or VVVV:DDDD:SVVV:SDDD (hex, PCI), or\n"
    "                         usb:VVVV:PPPP; repeatable\n"
    "  --lspci FILE|-         output of 'lspci -n' or 'lspci -nn' (with -v: class\n"
    "                         prog-if and Subsystem are used too)\n"
    "  --lsusb FILE|-         output of 'lsusb' (with -v: bcdDevice, classes and\n"
    "                         each interface are used too)\n"
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
		printf("(not in %s)", r->id.bus == HCL_BUS_USB ? "usb.ids" : "pci.ids");
	if (r->subsystem_name)
		printf(" [%s]", r->subsystem_name);
	printf("\n");
	if (r->claimed_by.n) {
		printf("    claimed by:");
		for (size_t i = 0; i < r->claimed_by.n; i++)
			printf(" %s", r->claimed_by.v[i]);
		printf("\n");
	}
	/* USB entries for this product that also name descriptor bytes the ID leaves open. */
	for (size_t i = 0; i < r->nhits; i++) {
		bool cond;
		const struct hcl_claim *cl = r->hits[i].claim;
		if (hcl_match_is_class_claim(&cl->match))
			continue;
		hcl_match_relate_assuming(&r->id, &cl->match, &cond);
		if (cond)
			printf("    %s: if the device's descriptors match %s\n", cl->module,
			       cl->match.alias);
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
		       "--json, or give %s)\n",
		       generic, generic == 1 ? "" : "es",
		       r->id.bus == HCL_BUS_USB ? "lsusb -v output with --lsusb" : "--lspci");
	kp_strv_release(&vendor_class);
}

/* lspci or lsusb output, from a file or "-" (stdin). */
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
			kp_err("cannot read from standard input");
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

/* What the command line asks for. */
struct args {
	struct source src;
	const char *pci_ids, *usb_ids, *lspci, *lsusb;
	struct kp_strv devices; /* --device, as given */
	enum fail_on fail_on;
	bool json;
};

/* 0: go on; otherwise the exit status (after help or a usage error). */
static int parse_args(int argc, char **argv, struct args *a)
{
	enum {
		OPT_KERNEL = 256,
		OPT_ALIAS,
		OPT_PCIMAP,
		OPT_PCIIDS,
		OPT_JSON,
		OPT_FAIL,
		OPT_DEVICE,
		OPT_LSPCI,
		OPT_LSUSB,
		OPT_USBIDS
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
	    {"lsusb", required_argument, NULL, OPT_LSUSB},
	    {"usb-ids", required_argument, NULL, OPT_USBIDS},
	    {"help", no_argument, NULL, 'h'},
	    {0},
	};
	int c, nsources = 0;
	optind = 0;
	while ((c = cli_getopt("hcl", argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_KERNEL:
			a->src.kernel = optarg;
			nsources++;
			break;
		case OPT_ALIAS:
			a->src.alias = optarg;
			nsources++;
			break;
		case OPT_PCIMAP:
			a->src.pcimap = optarg;
			nsources++;
			break;
		case OPT_PCIIDS:
			a->pci_ids = optarg;
			break;
		case OPT_JSON:
			a->json = true;
			break;
		case OPT_FAIL:
			if (!strcmp(optarg, "none"))
				a->fail_on = FAIL_NONE;
			else if (!strcmp(optarg, "overlap"))
				a->fail_on = FAIL_OVERLAP;
			else if (!strcmp(optarg, "supported"))
				a->fail_on = FAIL_SUPPORTED;
			else
				return cli_usage_error("hcl",
						       "'%s': --fail-on takes none, overlap "
						       "or supported",
						       optarg);
			break;
		case OPT_DEVICE:
			kp_strv_push(&a->devices, optarg);
			break;
		case OPT_LSPCI:
			a->lspci = optarg;
			break;
		case OPT_LSUSB:
			a->lsusb = optarg;
			break;
		case OPT_USBIDS:
			a->usb_ids = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return -1;
		default:
			return cli_usage_error("hcl", "unknown or incomplete option");
		}
	}
	if (nsources > 1)
		return cli_usage_error("hcl", "give one of --kernel, --modules-alias, --pcimap");
	if (a->lspci && a->lsusb && !strcmp(a->lspci, "-") && !strcmp(a->lsusb, "-"))
		return cli_usage_error("hcl", "--lspci - and --lsusb - cannot both read stdin");
	if (optind >= argc && !a->devices.n && !a->lspci && !a->lsusb)
		return cli_usage_error("hcl", "nothing to check: give modules, a driver dir, "
					      "--device, --lspci or --lsusb");
	return 0;
}

/* The IDs to check: devices, modules (a dir means every .ko below it), lspci/lsusb output. */
struct inputs {
	struct hcl_match *devs, *lsdevs, *usbdevs;
	size_t ndevs, nlsdevs, nusbdevs;
	struct kp_strv modules;
};

static void inputs_release(struct inputs *in)
{
	hcl_matches_free(in->devs, in->ndevs);
	hcl_matches_free(in->lsdevs, in->nlsdevs);
	hcl_matches_free(in->usbdevs, in->nusbdevs);
	kp_strv_release(&in->modules);
}

static int read_inputs(const struct args *a, char **names, int n, struct inputs *in)
{
	int r = 0;
	in->devs = kp_calloc(a->devices.n, sizeof(*in->devs));
	for (size_t i = 0; i < a->devices.n && r == 0; i++)
		if ((r = hcl_parse_device(a->devices.v[i], &in->devs[i])) == 0)
			in->ndevs++;
	for (int i = 0; i < n && r == 0; i++) {
		if (!kp_is_dir(names[i])) {
			kp_strv_push(&in->modules, names[i]);
			continue;
		}
		int found = hcl_find_modules(names[i], &in->modules);
		if (found == 0) {
			kp_err("'%s': no built modules (*.ko) below it (build the driver "
			       "first, or name the .ko files)",
			       names[i]);
			r = -KP_EINPUT;
		} else if (found < 0)
			r = found;
	}
	_cleanup_free_ char *lstext = NULL;
	if (r == 0 && a->lspci && (r = read_lspci(a->lspci, &lstext)) == 0)
		r = hcl_parse_lspci(strcmp(a->lspci, "-") ? a->lspci : "<stdin>", lstext,
				    &in->lsdevs, &in->nlsdevs);
	_cleanup_free_ char *ustext = NULL;
	if (r == 0 && a->lsusb && (r = read_lspci(a->lsusb, &ustext)) == 0)
		r = hcl_parse_lsusb(strcmp(a->lsusb, "-") ? a->lsusb : "<stdin>", ustext,
				    &in->usbdevs, &in->nusbdevs);
	return r;
}

/* Load the kernel's index and pci.ids, and check every input against them. */
static int check_inputs(const struct args *a, const struct inputs *in, struct hcl_index *idx,
			struct hcl_pciids **ids, struct hcl_check **check, char **label)
{
	int r = load_index(&a->src, idx, label);
	if (r == 0)
		r = hcl_pciids_open(a->pci_ids, &ids[0]);
	/* usb.ids: required when named, else used when installed (package usb.ids). */
	if (r == 0 && (a->usb_ids || kp_is_file(HCL_USBIDS_DEFAULT)))
		r = hcl_pciids_open(a->usb_ids ? a->usb_ids : HCL_USBIDS_DEFAULT, &ids[1]);
	if (r < 0)
		return r;
	*check = hcl_check_new(idx, ids[0]);
	hcl_check_set_usb_ids(*check, ids[1]);
	for (size_t i = 0; i < in->modules.n && r >= 0; i++) {
		r = hcl_check_add_ko(*check, in->modules.v[i]);
		if (r == 0)
			kp_warn("'%s': no PCI or USB IDs (no MODULE_DEVICE_TABLE(pci|usb, ...))",
				in->modules.v[i]);
	}
	if (r < 0)
		return r;
	for (size_t i = 0; i < in->ndevs; i++)
		hcl_check_add(*check, &in->devs[i], NULL, "--device");
	for (size_t i = 0; i < in->nlsdevs; i++)
		hcl_check_add(*check, &in->lsdevs[i], NULL, a->lspci);
	for (size_t i = 0; i < in->nusbdevs; i++)
		hcl_check_add(*check, &in->usbdevs[i], NULL, a->lsusb);
	if (!ids[1])
		for (size_t i = 0; i < hcl_check_count(*check); i++)
			if (hcl_check_result(*check, i)->id.bus == HCL_BUS_USB) {
				kp_warn("'%s': no such file; USB names left out (install the "
					"usb.ids package or pass --usb-ids FILE)",
					HCL_USBIDS_DEFAULT);
				break;
			}
	return 0;
}

/* modules_dir: the kernel's dir checked against; index: the file given instead of one. */
static void print_json(const struct hcl_check *check, const struct source *src, const char *label)
{
	struct rp_coverage cov;
	hcl_check_coverage(check, &cov);
	json_object *top = rp_coverage_to_json(&cov, true);
	rp_coverage_release(&cov);
	bool file = src->alias || src->pcimap;
	json_object_object_add(top, "modules_dir", file ? NULL : rp_json_path(label));
	json_object_object_add(top, "index", file ? rp_json_path(label) : NULL);
	cli_json_print(top);
}

static void print_text(const struct hcl_check *check, const char *label)
{
	for (size_t i = 0; i < hcl_check_count(check); i++)
		print_result(hcl_check_result(check, i));
	printf("%zu ID%s: %zu new, %zu supported, %zu overlap (kernel: %s)\n",
	       hcl_check_count(check), hcl_check_count(check) == 1 ? "" : "s",
	       hcl_check_count_verdict(check, HCL_VERDICT_NEW),
	       hcl_check_count_verdict(check, HCL_VERDICT_SUPPORTED),
	       hcl_check_count_verdict(check, HCL_VERDICT_OVERLAP), label);
}

int cmd_hcl(int argc, char **argv)
{
	_cleanup_(hcl_index_freep) struct hcl_index *idx = hcl_index_new();
	struct hcl_pciids *ids[2] = {NULL, NULL}; /* pci.ids, usb.ids */
	_cleanup_(hcl_check_freep) struct hcl_check *check = NULL;
	_cleanup_free_ char *label = NULL;
	struct args a = {.pci_ids = HCL_PCIIDS_DEFAULT, .fail_on = FAIL_OVERLAP};
	struct inputs in = {0};
	int st = parse_args(argc, argv, &a);
	if (st != 0) {
		kp_strv_release(&a.devices);
		return st < 0 ? 0 : st;
	}
	if (a.json)
		cli_json_collect("hcl");
	/* Inputs first: a typo in an ID should not wait for the index to load. */
	int r = read_inputs(&a, argv + optind, argc - optind, &in);
	if (r == 0)
		r = check_inputs(&a, &in, idx, ids, &check, &label);
	inputs_release(&in);
	kp_strv_release(&a.devices);
	if (r < 0) {
		hcl_pciids_free(ids[0]);
		hcl_pciids_free(ids[1]);
		return cli_json_exit(r);
	}
	cli_json_exit(0);
	if (a.json)
		print_json(check, &a.src, label);
	else
		print_text(check, label);
	/* The check borrows the names; it is freed after them but does not read them. */
	hcl_pciids_free(ids[0]);
	hcl_pciids_free(ids[1]);
	size_t sup = hcl_check_count_verdict(check, HCL_VERDICT_SUPPORTED);
	size_t ovl = hcl_check_count_verdict(check, HCL_VERDICT_OVERLAP);
	/* Conflicts per --fail-on: the check's work found what the user asked to fail on. */
	if ((a.fail_on == FAIL_OVERLAP && (sup || ovl)) || (a.fail_on == FAIL_SUPPORTED && sup))
		return kp_exit_status(-KP_EFAILED);
	return 0;
}
