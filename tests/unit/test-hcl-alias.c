// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The PCI and USB match model and the verdicts built on it: alias and pcimap
 * parsing, the relation between two matches, class claims, subsystem IDs,
 * lowercase and malformed input.
 */
#include "tests/unit/testlib.h"

#include <json-c/json.h>
#include <string.h>

#include "common/fs.h"
#include "common/log.h"
#include "hcl/hcl.h"
#include "report/json.h"

#define ALIAS(vd) "pci:" vd

static struct hcl_match alias(const char *s)
{
	struct hcl_match m;
	assert_int_equal(hcl_match_from_alias(s, &m), 0);
	return m;
}

static enum hcl_rel rel(const char *a, const char *b)
{
	struct hcl_match x = alias(a), y = alias(b);
	enum hcl_rel r = hcl_match_relate(&x, &y);
	hcl_match_release(&x);
	hcl_match_release(&y);
	return r;
}

static void test_parse_kernel_form(void **state)
{
	struct hcl_match m = alias("pci:v00008086d000010FBsv*sd*bc*sc*i*");
	uint32_t v;
	assert_false(m.glob);
	assert_true(hcl_match_fixed(&m, HCL_VENDOR, &v));
	assert_int_equal(v, 0x8086);
	assert_true(hcl_match_fixed(&m, HCL_DEVICE, &v));
	assert_int_equal(v, 0x10fb);
	assert_false(hcl_match_fixed(&m, HCL_SUBVENDOR, NULL));
	char *id = hcl_match_format_id(&m);
	assert_string_equal(id, "8086:10fb");
	free(id);
	assert_null(hcl_match_format_class(&m));
	hcl_match_release(&m);

	m = alias("pci:v*d*sv*sd*bc01sc08i02*");
	assert_false(m.glob);
	assert_true(hcl_match_is_class_claim(&m));
	char *cls = hcl_match_format_class(&m);
	assert_string_equal(cls, "010802");
	free(cls);
	hcl_match_release(&m);

	/* vendor-wide with class: still a class claim (device open) */
	m = alias("pci:v00008086d*sv*sd*bc04sc03i00*");
	assert_true(hcl_match_is_class_claim(&m));
	hcl_match_release(&m);
	/* vendor-wide without class: a vendor claim, not a class claim */
	m = alias("pci:v00001AF4d*sv*sd*bc*sc*i*");
	assert_false(m.glob);
	assert_false(hcl_match_is_class_claim(&m));
	hcl_match_release(&m);
}

static void test_parse_short_and_odd(void **state)
{
	/* MODULE_ALIAS-style: stops after the device, trailing '*' opens the rest */
	struct hcl_match m = alias("pci:v0000104Cd0000803B*");
	assert_false(m.glob);
	assert_int_equal(m.mask[HCL_SUBVENDOR], 0);
	hcl_match_release(&m);
	/* '?' nibbles are representable */
	m = alias("pci:v00008086d000010F?sv*sd*bc*sc*i*");
	assert_false(m.glob);
	assert_int_equal(m.mask[HCL_DEVICE], 0xfffffff0);
	char *d = hcl_match_format_field(&m, HCL_DEVICE);
	assert_string_equal(d, "10f?");
	free(d);
	hcl_match_release(&m);
	/* lowercase hex: kmod matches case-sensitively, the model keeps it as a glob */
	m = alias("pci:v00008086d000010fbsv*sd*bc*sc*i*");
	assert_true(m.glob);
	hcl_match_release(&m);
	/* character classes, wrong field order, junk: globs, never dropped */
	const char *odd[] = {"pci:v0000808[56]d*sv*sd*bc*sc*i*", "pci:d00001234v00008086*",
			     "pci:v8086d10fb", "pci:", "pci:*"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(odd); i++) {
		m = alias(odd[i]);
		assert_string_equal(m.alias, odd[i]);
		hcl_match_release(&m);
	}
	/* neither a PCI nor a USB alias */
	assert_int_equal(hcl_match_from_alias("acpi*:PNP0C14:*", &m), -KP_EINPUT);
	assert_int_equal(hcl_match_from_alias("hid:b0003g*v0000046Dp0000C52B", &m), -KP_EINPUT);
}

static void test_relation(void **state)
{
	const char *ixgbe = "pci:v00008086d000010FBsv*sd*bc*sc*i*";
	assert_int_equal(rel(ixgbe, ixgbe), HCL_SAME);
	assert_int_equal(rel(ixgbe, "pci:v00008086d000010FB*"), HCL_SAME);
	assert_int_equal(rel(ixgbe, "pci:v00008086d00001528sv*sd*bc*sc*i*"), HCL_DISJOINT);
	assert_int_equal(rel(ixgbe, "pci:v00008087d000010FBsv*sd*bc*sc*i*"), HCL_DISJOINT);
	/* subsystem-specific: the generic ID covers the subsystem one */
	const char *sub = "pci:v00008086d000010FBsv00001028sd00001F72bc*sc*i*";
	assert_int_equal(rel(ixgbe, sub), HCL_COVERS);
	assert_int_equal(rel(sub, ixgbe), HCL_COVERED);
	assert_int_equal(rel(sub, "pci:v00008086d000010FBsv00001028sd00001F73bc*sc*i*"),
			 HCL_DISJOINT);
	/* vendor-wide */
	assert_int_equal(
	    rel("pci:v00001AF4d00001000sv*sd*bc*sc*i*", "pci:v00001AF4d*sv*sd*bc*sc*i*"),
	    HCL_COVERED);
	/* neither contains the other: subvendor fixed on one side, class on the other */
	assert_int_equal(rel("pci:v00008086d000010FBsv00001028sd*bc*sc*i*",
			     "pci:v00008086d000010FBsv*sd*bc02sc00i*"),
			 HCL_OVERLAP);
	/* class claims */
	const char *nvme = "pci:v*d*sv*sd*bc01sc08i02*";
	assert_int_equal(rel("pci:v0000144Dd0000A808sv*sd*bc01sc08i02*", nvme), HCL_COVERED);
	assert_int_equal(rel("pci:v0000144Dd0000A808sv*sd*bc02sc00i00*", nvme), HCL_DISJOINT);
	assert_int_equal(rel("pci:v0000144Dd0000A808sv*sd*bc*sc*i*", nvme), HCL_OVERLAP);
	/* '?' nibble: a range of devices */
	assert_int_equal(rel("pci:v00008086d000010F?sv*sd*bc*sc*i*", ixgbe), HCL_COVERS);
}

static void test_relation_glob(void **state)
{
	/* a lowercase kernel alias never matches a real (uppercase) device */
	assert_int_equal(
	    rel("pci:v00008086d000010FBsv*sd*bc*sc*i*", "pci:v00008086d000010fbsv*sd*bc*sc*i*"),
	    HCL_DISJOINT);
	/* a character class still matches by glob */
	struct hcl_match dev, k;
	hcl_match_from_ids(&dev, 0x8086, 0x10fb, HCL_ANY, HCL_ANY, 0, 0);
	assert_string_equal(dev.alias, "pci:v00008086d000010FBsv*sd*bc*sc*i*");
	k = alias("pci:v00008086d000010F[AB]sv*sd*bc*sc*i*");
	assert_int_equal(hcl_match_relate(&dev, &k), HCL_COVERED);
	hcl_match_release(&k);
	hcl_match_release(&dev);
}

static void test_from_ids_pcimap(void **state)
{
	struct hcl_match m;
	/* pcimap: 0xffffffff = any, class 0x010802 with mask 0xffffff */
	hcl_match_from_ids(&m, HCL_ANY, HCL_ANY, HCL_ANY, HCL_ANY, 0x010802, 0xffffff);
	assert_string_equal(m.alias, "pci:v*d*sv*sd*bc01sc08i02*");
	assert_true(hcl_match_is_class_claim(&m));
	hcl_match_release(&m);
	hcl_match_from_ids(&m, 0x8086, 0x1000, HCL_ANY, HCL_ANY, 0, 0);
	assert_string_equal(m.alias, "pci:v00008086d00001000sv*sd*bc*sc*i*");
	hcl_match_release(&m);
	/* class mask on base class only */
	hcl_match_from_ids(&m, 0x8086, HCL_ANY, HCL_ANY, HCL_ANY, 0x0c0000, 0xff0000);
	assert_string_equal(m.alias, "pci:v00008086d*sv*sd*bc0Csc*i*");
	hcl_match_release(&m);
}

static void test_parse_device(void **state)
{
	struct hcl_match m;
	tl_log_capture();
	assert_int_equal(hcl_parse_device("8086:10FB", &m), 0);
	assert_string_equal(m.alias, "pci:v00008086d000010FBsv*sd*bc*sc*i*");
	hcl_match_release(&m);
	assert_int_equal(hcl_parse_device("8086:10fb:1028:1f72", &m), 0);
	char *id = hcl_match_format_id(&m);
	assert_string_equal(id, "8086:10fb:1028:1f72");
	free(id);
	hcl_match_release(&m);
	const char *bad[] = {"8086",	   "8086:", "8086:10fb:1028", "8086:10fbb", "xyzw:10fb",
			     "8086:10fb:", "",	    "8086-10fb"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(bad); i++) {
		tl_log_reset();
		assert_int_equal(hcl_parse_device(bad[i], &m), -KP_EINPUT);
		assert_non_null(strstr(tl_log_text(), "not a PCI ID"));
	}
	tl_log_reset();
}

static const char alias_file[] =
    "# Aliases extracted from modules themselves.\n"
    "alias pci:v00008086d000010FBsv*sd*bc*sc*i* ixgbe\n"
    "alias pci:v00008086d000010FBsv00001028sd00001F72bc*sc*i* dellnic\n"
    "alias pci:v*d*sv*sd*bc01sc08i02* nvme\n"
    "alias pci:v00008086d*sv*sd*bc04sc03i00* snd_hda_intel\n"
    "alias pci:v00001AF4d*sv*sd*bc*sc*i* virtio_pci\n"
    "alias pci:v000010DEd00001234sv00001043sd*bc*sc*i* nvsub\n"
    "alias usb:v0BDAp8153d*dc*dsc*dp*ic*isc*ip*in* r8152\n"
    "alias acpi*:PNP0C14:* wmi\n"
    "this is not an alias line\n"
    "alias pci:v00008086d000015B8sv*sd*bc*sc*i*\n";

static struct hcl_index *load(const char *text)
{
	char *dir = tl_tmpdir();
	tl_write(dir, "modules.alias", text);
	char *p = kp_path_join(dir, "modules.alias");
	struct hcl_index *idx = hcl_index_new();
	assert_int_equal(hcl_index_add_modules_alias(idx, p), 0);
	free(p);
	tl_tmpdir_free(dir);
	return idx;
}

static const struct hcl_result *check_dev(struct hcl_check *c, uint32_t v, uint32_t d, uint32_t sv,
					  uint32_t sd, uint32_t cls, uint32_t mask)
{
	struct hcl_match m;
	hcl_match_from_ids(&m, v, d, sv, sd, cls, mask);
	const struct hcl_result *r = hcl_check_add(c, &m, NULL, "test");
	hcl_match_release(&m);
	return r;
}

static void test_index_and_verdicts(void **state)
{
	tl_log_capture();
	tl_log_reset();
	struct hcl_index *idx = load(alias_file);
	/* 6 pci lines and 1 usb; acpi ignored; 2 malformed lines reported once */
	assert_int_equal(hcl_index_count(idx), 7);
	assert_non_null(strstr(tl_log_text(), "skipped 2 malformed lines"));
	struct hcl_check *c = hcl_check_new(idx, NULL);

	const struct hcl_result *r = check_dev(c, 0x8086, 0x10fb, HCL_ANY, HCL_ANY, 0, 0);
	assert_int_equal(r->verdict, HCL_VERDICT_SUPPORTED);
	/* the subsystem-specific claim shares devices too, so both are named */
	assert_int_equal(r->claimed_by.n, 2);
	assert_string_equal(r->claimed_by.v[0], "dellnic");
	assert_string_equal(r->claimed_by.v[1], "ixgbe");
	/* class unknown: nvme and snd_hda_intel are possible, not claims */
	assert_int_equal(r->class_possible.n, 2);

	/* a subsystem ID only the generic claim and the subsystem claim cover */
	r = check_dev(c, 0x8086, 0x10fb, 0x1028, 0x1f72, 0, 0);
	assert_int_equal(r->verdict, HCL_VERDICT_SUPPORTED);

	/* ours generic, kernel only claims one subsystem: overlap */
	r = check_dev(c, 0x10de, 0x1234, HCL_ANY, HCL_ANY, 0, 0);
	assert_int_equal(r->verdict, HCL_VERDICT_OVERLAP);
	assert_string_equal(r->claimed_by.v[0], "nvsub");

	/* class known and matching: the class claim counts */
	r = check_dev(c, 0x144d, 0xa808, HCL_ANY, HCL_ANY, 0x010802, 0xffffff);
	assert_int_equal(r->verdict, HCL_VERDICT_SUPPORTED);
	assert_string_equal(r->claimed_by.v[0], "nvme");
	/* class known, not matching */
	r = check_dev(c, 0x144d, 0xa808, HCL_ANY, HCL_ANY, 0x020000, 0xffffff);
	assert_int_equal(r->verdict, HCL_VERDICT_NEW);
	assert_int_equal(r->class_possible.n, 0);
	/* class partly known (lspci -n gives no prog-if): still only possible */
	r = check_dev(c, 0x144d, 0xa808, HCL_ANY, HCL_ANY, 0x010800, 0xffff00);
	assert_int_equal(r->verdict, HCL_VERDICT_NEW);
	assert_string_equal(r->class_possible.v[0], "nvme");
	/* class unknown */
	r = check_dev(c, 0x144d, 0xa808, HCL_ANY, HCL_ANY, 0, 0);
	assert_int_equal(r->verdict, HCL_VERDICT_NEW);
	assert_int_equal(r->claimed_by.n, 0);

	/* vendor-wide claim */
	r = check_dev(c, 0x1af4, 0x1041, HCL_ANY, HCL_ANY, 0, 0);
	assert_int_equal(r->verdict, HCL_VERDICT_SUPPORTED);
	/* ours vendor-wide: overlaps every claim of that vendor */
	r = check_dev(c, 0x8086, HCL_ANY, HCL_ANY, HCL_ANY, 0, 0);
	assert_int_equal(r->verdict, HCL_VERDICT_OVERLAP);

	assert_int_equal(hcl_check_count(c), 9);
	assert_int_equal(hcl_check_count_verdict(c, HCL_VERDICT_NEW), 3);

	/* JSON shape the CLI contract promises */
	struct rp_coverage cov;
	hcl_check_coverage(c, &cov);
	json_object *j = rp_coverage_to_json(&cov, false), *ids, *e, *v;
	rp_coverage_release(&cov);
	assert_true(json_object_object_get_ex(j, "ids", &ids));
	e = json_object_array_get_idx(ids, 0);
	assert_true(json_object_object_get_ex(e, "vendor", &v));
	assert_string_equal(json_object_get_string(v), "8086");
	assert_true(json_object_object_get_ex(e, "subvendor", &v));
	assert_null(v);
	assert_true(json_object_object_get_ex(e, "verdict", &v));
	assert_string_equal(json_object_get_string(v), "supported");
	assert_true(json_object_object_get_ex(e, "claimed_by", &v));
	assert_int_equal(json_object_array_length(v), 2);
	json_object_put(j);

	hcl_check_free(c);
	hcl_index_free(idx);
	tl_log_reset();
}

static void test_pcimap(void **state)
{
	char *dir = tl_tmpdir();
	tl_write(dir, "modules.pcimap",
		 "# pci module         vendor     device     subvendor  subdevice  class      "
		 "class_mask driver_data\n"
		 "e1000                0x00008086 0x00001000 0xffffffff 0xffffffff 0x00000000 "
		 "0x00000000 0x0\r\n"
		 "ahci                 0xffffffff 0xffffffff 0xffffffff 0xffffffff 0x00010601 "
		 "0x00ffffff 0x0\n"
		 "broken               0x8086 zzz\n"
		 "tg3                  0x000014e4 0x00001644 0x000010b7 0x00001000 0x00000000 "
		 "0x00000000 0x0");
	char *p = kp_path_join(dir, "modules.pcimap");
	struct hcl_index *idx = hcl_index_new();
	tl_log_capture();
	tl_log_reset();
	assert_int_equal(hcl_index_add_pcimap(idx, p), 0);
	assert_int_equal(hcl_index_count(idx), 3);
	assert_non_null(strstr(tl_log_text(), "skipped 1 malformed line"));
	struct hcl_check *c = hcl_check_new(idx, NULL);
	assert_int_equal(check_dev(c, 0x8086, 0x1000, HCL_ANY, HCL_ANY, 0, 0)->verdict,
			 HCL_VERDICT_SUPPORTED);
	assert_int_equal(check_dev(c, 0x14e4, 0x1644, HCL_ANY, HCL_ANY, 0, 0)->verdict,
			 HCL_VERDICT_OVERLAP);
	assert_int_equal(check_dev(c, 0x14e4, 0x1644, 0x10b7, 0x1000, 0, 0)->verdict,
			 HCL_VERDICT_SUPPORTED);
	assert_int_equal(
	    check_dev(c, 0x1b4b, 0x9230, HCL_ANY, HCL_ANY, 0x010601, 0xffffff)->verdict,
	    HCL_VERDICT_SUPPORTED);
	hcl_check_free(c);
	hcl_index_free(idx);
	free(p);
	tl_tmpdir_free(dir);
	tl_log_reset();
}

static void test_lspci(void **state)
{
	static const char text[] =
	    "00:00.0 0600: 8086:3e30 (rev 0d)\n"
	    "00:14.0 USB controller [0c03]: Intel Corporation Cannon Lake PCH USB 3.1 xHCI "
	    "Host Controller [8086:a36d] (rev 10) (prog-if 30 [XHCI])\n"
	    "\tSubsystem: Lenovo Device [17aa:3136]\n"
	    "\tFlags: bus master, medium devsel, latency 0, IRQ 125\n"
	    "\n"
	    "0000:01:00.0 0108: 144d:a808\r\n"
	    "garbage\n";
	struct hcl_match *m;
	size_t n;
	tl_log_capture();
	tl_log_reset();
	assert_int_equal(hcl_parse_lspci("lspci.txt", text, &m, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(m[0].alias, "pci:v00008086d00003E30sv*sd*bc06sc00i*");
	assert_string_equal(m[1].alias, "pci:v00008086d0000A36Dsv000017AAsd00003136bc0Csc03i30*");
	assert_string_equal(m[2].alias, "pci:v0000144Dd0000A808sv*sd*bc01sc08i*");
	assert_non_null(strstr(tl_log_text(), "lspci.txt:7"));
	hcl_matches_free(m, n);
	tl_log_reset();
	assert_int_equal(hcl_parse_lspci("x", "hello\nworld", &m, &n), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "no devices found"));
	tl_log_reset();
}


/* ---- USB ---- */

static void bcd_of(const char *a, unsigned lo, unsigned hi)
{
	struct hcl_match m = alias(a);
	assert_false(m.glob);
	assert_int_equal(m.bus, HCL_BUS_USB);
	assert_int_equal(m.bcd_lo, lo);
	assert_int_equal(m.bcd_hi, hi);
	hcl_match_release(&m);
}

static void test_usb_parse(void **state)
{
	(void)state;
	struct hcl_match m = alias("usb:v0BDAp8179d*dc*dsc*dp*icFFiscFFipFFin*");
	uint32_t v;
	assert_false(m.glob);
	assert_true(hcl_match_fixed(&m, HCL_VENDOR, &v));
	assert_int_equal(v, 0x0bda);
	assert_true(hcl_match_fixed(&m, HCL_DEVICE, &v));
	assert_int_equal(v, 0x8179);
	assert_int_equal(m.mask[HCL_USB_ICLASS], 0xff);
	assert_int_equal(m.value[HCL_USB_IPROTOCOL], 0xff);
	assert_int_equal(m.mask[HCL_USB_DCLASS], 0);
	assert_false(hcl_match_is_class_claim(&m));
	char *id = hcl_match_format_id(&m);
	assert_string_equal(id, "usb:0bda:8179 if ff/ff/ff");
	free(id);
	hcl_match_release(&m);

	/* file2alias's bcdDevice ranges (do_usb_entry_multi), as in Debian's modules.alias */
	bcd_of("usb:v13FDp3940d0[0-2]*dc*dsc*dp*ic*isc*ip*in*", 0x0000, 0x02ff);
	bcd_of("usb:v13FDp3940d030*dc*dsc*dp*ic*isc*ip*in*", 0x0300, 0x030f);
	bcd_of("usb:v1645p0007d013[0-3]dc*dsc*dp*ic*isc*ip*in*", 0x0130, 0x0133);
	bcd_of("usb:v0D96p410Ad[1-9]*dc*dsc*dp*ic*isc*ip*in*", 0x1000, 0x9fff);
	bcd_of("usb:v0D96p5200d00[1-9]*dc*dsc*dp*ic*isc*ip*in*", 0x0010, 0x009f);
	bcd_of("usb:v0000p0000d0[7-9A-C]*dc*", 0x0700, 0x0cff);
	bcd_of("usb:v0000p0000d01[9A]*dc*", 0x0190, 0x01af);
	bcd_of("usb:v0000p0000d0100dc*dsc*dp*ic*isc*ip*in*", 0x0100, 0x0100);
	bcd_of("usb:v0000p0000d*dc*dsc*dp*ic*isc*ip*in*", 0, 0xffff);
	/* an older kernel without "in", and a bare trailing '*' */
	bcd_of("usb:v05ACp1402d*dc*dsc*dp*ic*isc*ip*", 0, 0xffff);
	bcd_of("usb:v05ACp1402*", 0, 0xffff);

	/* a class claim: product open, interface class fixed */
	m = alias("usb:v*p*d*dc*dsc*dp*ic08isc06ip50in*");
	assert_true(hcl_match_is_class_claim(&m));
	hcl_match_release(&m);

	/* not the kernel's form: a glob, never dropped */
	const char *odd[] = {"usb:v0bdap8179d*", "usb:v0BDAp8179d0[3-1]*dc*", "usb:v0BDAp8179d01dc*",
			     "usb:v0BDAp8179d[0-2][0-9]*dc*", "usb:", "usb:v0BDA", "usb:v*p*d*dcX"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(odd); i++) {
		m = alias(odd[i]);
		assert_true(m.glob);
		assert_int_equal(m.bus, HCL_BUS_USB);
		assert_string_equal(m.alias, odd[i]);
		hcl_match_release(&m);
	}
}

static void test_usb_relation(void **state)
{
	(void)state;
	const char *any = "usb:v13FDp3940d*dc*dsc*dp*ic*isc*ip*in*";
	const char *low = "usb:v13FDp3940d0[0-2]*dc*dsc*dp*ic*isc*ip*in*";
	const char *v3 = "usb:v13FDp3940d030*dc*dsc*dp*ic*isc*ip*in*";
	const char *v03 = "usb:v13FDp3940d03*dc*dsc*dp*ic*isc*ip*in*";
	assert_int_equal(rel(any, low), HCL_COVERS);
	assert_int_equal(rel(low, any), HCL_COVERED);
	assert_int_equal(rel(low, v3), HCL_DISJOINT);
	assert_int_equal(rel(v03, v3), HCL_COVERS);
	assert_int_equal(rel(low, low), HCL_SAME);
	/* never related across buses, even with the same numbers */
	assert_int_equal(rel("usb:v8086p10FBd*dc*dsc*dp*ic*isc*ip*in*", "pci:v00008086d000010FBsv*sd*bc*sc*i*"),
			 HCL_DISJOINT);
	/* a device's modalias against a claim */
	assert_int_equal(rel("usb:v0E8Dp7961d0100dcEFdsc02dp01icFFiscFFipFFin03",
			     "usb:v0E8Dp7961d*dc*dsc*dp*icFFiscFFipFFin*"),
			 HCL_COVERED);
	assert_int_equal(rel("usb:v0E8Dp7961d0100dcEFdsc02dp01icE0isc01ip01in00",
			     "usb:v0E8Dp7961d*dc*dsc*dp*icFFiscFFipFFin*"),
			 HCL_DISJOINT);

	/* vid:pid alone: the interface the kernel's entry names is assumed met */
	struct hcl_match id, claim;
	bool cond;
	hcl_usb_from_ids(&id, 0x0e8d, 0x7961, HCL_ANY, NULL);
	assert_string_equal(id.alias, "usb:v0E8Dp7961d*dc*dsc*dp*ic*isc*ip*in*");
	claim = alias("usb:v0E8Dp7961d*dc*dsc*dp*icFFiscFFipFFin*");
	assert_int_equal(hcl_match_relate(&id, &claim), HCL_COVERS);
	assert_int_equal(hcl_match_relate_assuming(&id, &claim, &cond), HCL_SAME);
	assert_true(cond);
	hcl_match_release(&claim);
	/* but not the bcdDevice range: a revision is part of what the ID names */
	claim = alias("usb:v0E8Dp7961d0[0-2]*dc*dsc*dp*ic*isc*ip*in*");
	assert_int_equal(hcl_match_relate_assuming(&id, &claim, &cond), HCL_COVERS);
	assert_false(cond);
	hcl_match_release(&claim);
	hcl_match_release(&id);

	/* a fully known interface renders as the kernel's modalias */
	const uint32_t cls[7] = {0xef, 0x02, 0x01, 0xff, 0xff, 0xff, 0x03};
	hcl_usb_from_ids(&id, 0x0e8d, 0x7961, 0x0100, cls);
	assert_string_equal(id.alias, "usb:v0E8Dp7961d0100dcEFdsc02dp01icFFiscFFipFFin03*");
	hcl_match_release(&id);
}

static void test_usb_device_and_lsusb(void **state)
{
	(void)state;
	struct hcl_match m;
	assert_int_equal(hcl_parse_device("usb:0bda:8179", &m), 0);
	assert_int_equal(m.bus, HCL_BUS_USB);
	hcl_match_release(&m);
	assert_int_equal(hcl_parse_device("pci:8086:10fb", &m), 0);
	assert_int_equal(m.bus, HCL_BUS_PCI);
	hcl_match_release(&m);
	tl_log_capture();
	assert_int_equal(hcl_parse_device("usb:0bda", &m), -KP_EINPUT);
	assert_int_equal(hcl_parse_device("usb:0bda:8179:1", &m), -KP_EINPUT);
	assert_int_equal(hcl_parse_device("usb:0bdaa:8179", &m), -KP_EINPUT);

	struct hcl_match *v;
	size_t n;
	const char *plain = "Bus 001 Device 003: ID 0bda:8179 Realtek Semiconductor Corp. RTL8188EUS\n"
			    "Bus 001 Device 001: ID 1d6b:0002\n";
	assert_int_equal(hcl_parse_lsusb("t", plain, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].alias, "usb:v0BDAp8179d*dc*dsc*dp*ic*isc*ip*in*");
	assert_string_equal(v[1].alias, "usb:v1D6Bp0002d*dc*dsc*dp*ic*isc*ip*in*");
	hcl_matches_free(v, n);
	/* -v: bcdDevice and device class from the Device Descriptor, not the Qualifier */
	const char *verbose = "Bus 001 Device 002: ID 13fd:3940 Initio\n"
			      "Device Descriptor:\n"
			      "  bDeviceClass            0 \n"
			      "  bDeviceSubClass         0 \n"
			      "  bDeviceProtocol         0 \n"
			      "  bcdDevice            3.09\n"
			      "    Interface Descriptor:\n"
			      "      bInterfaceNumber        0\n"
			      "      bAlternateSetting       0\n"
			      "      bInterfaceClass         8 Mass Storage\n"
			      "      bInterfaceSubClass      6 SCSI\n"
			      "      bInterfaceProtocol     80 Bulk-Only\n"
			      "Device Qualifier (for other device speed):\n"
			      "  bDeviceClass          239 Miscellaneous Device\n";
	assert_int_equal(hcl_parse_lsusb("t", verbose, &v, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].alias, "usb:v13FDp3940d0309dc00dsc00dp00ic08isc06ip50in00*");
	hcl_matches_free(v, n);
	assert_int_equal(hcl_parse_lsusb("t", "Bus 1 Device: ID x\nnothing\n", &v, &n), -KP_EINPUT);
	assert_int_equal(hcl_parse_lsusb("t", "", &v, &n), -KP_EINPUT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_kernel_form),
	    cmocka_unit_test(test_parse_short_and_odd),
	    cmocka_unit_test(test_relation),
	    cmocka_unit_test(test_relation_glob),
	    cmocka_unit_test(test_from_ids_pcimap),
	    cmocka_unit_test(test_parse_device),
	    cmocka_unit_test(test_index_and_verdicts),
	    cmocka_unit_test(test_pcimap),
	    cmocka_unit_test(test_lspci),
	    cmocka_unit_test(test_usb_parse),
	    cmocka_unit_test(test_usb_relation),
	    cmocka_unit_test(test_usb_device_and_lsusb),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
