// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dkms/derive.c: the kmodpack.ini a DKMS driver's files give, read back by
 * the manifest reader. Each case is an idiom of a public driver's
 * dkms.conf or debian/ dir, written small.
 */
#include "tests/unit/testlib.h"

#include <string.h>

#include "common/fs.h"
#include "common/log.h"
#include "dkms/derive.h"
#include "specgen/manifest.h"

static const char module_c[] = "// SPDX-License-Identifier: GPL-2.0\n"
			       "#include <linux/module.h>\n"
			       "MODULE_DESCRIPTION(\"A test \" \"driver\");\n"
			       "MODULE_LICENSE(\"GPL\");\n";

/* Derive dir's manifest; NULL when refused. */
static struct dk_derived *derive(const char *dir)
{
	_cleanup_free_ char *conf = dk_find_conf(dir);
	assert_non_null(conf);
	struct dk_derived *d = NULL;
	if (dk_derive(conf, 0, &d) < 0)
		return NULL;
	return d;
}

/* The manifest the derived text gives, through the reader build uses. */
static struct spec_manifest *manifest(const char *dir)
{
	struct spec_manifest *m = NULL;
	if (spec_manifest_load(dir, &m) < 0)
		fail_msg("manifest refused: %s", tl_log_text());
	return m;
}

static void test_rpm_version(void **state)
{
	static const struct {
		const char *in, *out;
	} ok[] = {{"2.10.1-pre", "2.10.1~pre"},
		  {"1.0-rc2", "1.0~rc2"},
		  {"5.6.4.2~20201019", "5.6.4.2~20201019"},
		  {"linux-6.7.y-1", "linux_6.7.y_1"},
		  {"1.0-Beta", "1.0~Beta"},
		  {"3.2-1", "3.2_1"}};
	for (size_t i = 0; i < KP_ARRAY_SIZE(ok); i++) {
		char bad = 0;
		_cleanup_free_ char *v = dk_rpm_version(ok[i].in, &bad);
		assert_non_null(v);
		assert_string_equal(v, ok[i].out);
	}
	char bad = 0;
	assert_null(dk_rpm_version("1.0:2", &bad));
	assert_int_equal(bad, ':');
	assert_null(dk_rpm_version("-1", &bad));
	assert_null(dk_rpm_version("1 0", &bad));
}

static void test_make_idioms(void **state)
{
	struct tl_fixture *fx = *state;
	tl_write(fx->dir, "drv/dkms.conf",
		 "PACKAGE_NAME=Tn40XX\n"
		 "PACKAGE_VERSION=006\n"
		 "MAKE[0]=\"env NV_VERBOSE=1 \\\n"
		 "  make ${parallel_jobs+-j$parallel_jobs} -C ${kernel_source_dir} "
		 "M=${dkms_tree}/${PACKAGE_NAME}/${PACKAGE_VERSION}/build/drivers/net V=1 "
		 "KSRC=/lib/modules/${kernelver}/source KERNEL_UNAME=${kernelver} modules\"\n"
		 "MAKE[1]=\"make old\"\n"
		 "STRIP[0]=no\n");
	tl_write(fx->dir, "drv/drivers/net/Kbuild", "obj-$(CONFIG_TN40) += tn40xx.o\n");
	tl_write(fx->dir, "drv/drivers/net/tn40.c", module_c);
	_cleanup_free_ char *dir = kp_path_join(fx->dir, "drv");
	_cleanup_(dk_derived_freep) struct dk_derived *d = derive(dir);
	assert_non_null(d);
	assert_non_null(strstr(d->ini, "\nname = tn40xx\n"));
	assert_non_null(strstr(d->ini, "\nsubdir = drivers/net\n"));
	assert_non_null(strstr(d->ini, "\nmodules = Tn40XX\n"));
	assert_non_null(strstr(
	    d->ini, "\nmake_args = NV_VERBOSE=1 V=1 KSRC={source_tree} KERNEL_UNAME={release}\n"));
	assert_non_null(strstr(d->ini, "; dkms.conf:5 MAKE[1]: ignored, as DKMS ignores it"));
	assert_non_null(strstr(d->ini, "; dkms.conf:6 STRIP[0]=\"no\": not used"));
	/* MODULE_LICENSE("GPL") with an SPDX GPL-2.0 line */
	assert_non_null(strstr(d->ini, "\nlicense = GPL-2.0-only\n"));
	assert_non_null(strstr(d->ini, "\nsummary = A test driver\n"));
	assert_string_equal(d->mapped, "name 'Tn40XX' as 'tn40xx'");
}

static void test_refused(void **state)
{
	struct tl_fixture *fx = *state;
	static const struct {
		const char *conf, *msg;
	} cases[] = {
	    {"PACKAGE_NAME=x\nPACKAGE_VERSION=1\nMAKE=\"kernelver=$kernelver ./dkms-make.sh\"\n",
	     "dkms.conf:3: MAKE runs './dkms-make.sh', not make"},
	    {"PACKAGE_NAME=x\nPACKAGE_VERSION=1\nPATCH[0]=fix.patch\n",
	     "dkms.conf:3: PATCH[0]: patches DKMS applies before building"},
	    {"PACKAGE_NAME=x\nPACKAGE_VERSION=1\nBUILT_MODULE_NAME[0]=x\nDEST_MODULE_NAME[0]=y\n",
	     "dkms.conf:4: DEST_MODULE_NAME[0]='y' renames module 'x'"},
	    {"PACKAGE_NAME=x\nPACKAGE_VERSION=\"#MODULE_VERSION#\"\n",
	     "dkms.conf:2: PACKAGE_VERSION is the placeholder '#MODULE_VERSION#'"},
	    {"PACKAGE_NAME=x\nPACKAGE_VERSION=1:2\n",
	     "dkms.conf:2: PACKAGE_VERSION '1:2': ':' cannot be part of an RPM version"},
	    {"PACKAGE_NAME=x\nPACKAGE_VERSION=1\nMAKE=\"make WLAN_ROOT=$dkms_tree/x/1/build\"\n",
	     "dkms.conf:3: MAKE: 'WLAN_ROOT={dkms_tree}/x/1/build' names a directory of DKMS's "
	     "own"},
	    {"PACKAGE_NAME=x\nPACKAGE_VERSION=1\nMAKE=\"make 'CFLAGS=-O2 -g'\"\n",
	     "dkms.conf:3: MAKE: 'CFLAGS=-O2 -g' cannot be a make_args word"},
	    {"PACKAGE_NAME=x\nPACKAGE_VERSION=1\nMAKE[1]=\"make\"\nMAKE_MATCH[1]=\"^4\"\n",
	     "dkms.conf:3: MAKE[1] with MAKE_MATCH[1]"},
	    {"PACKAGE_VERSION=1\n", "dkms.conf: no PACKAGE_NAME"},
	    /* found by fuzz-dkms: [1] without [0] once read a NULL location */
	    {"PACKAGE_NAME=x\nPACKAGE_VERSION=1\nBUILT_MODULE_NAME[1]=y\n",
	     "dkms.conf: BUILT_MODULE_NAME[0] is missing (DKMS numbers modules from 0)"},
	};
	for (size_t i = 0; i < KP_ARRAY_SIZE(cases); i++) {
		tl_log_reset();
		_cleanup_free_ char *rel = kp_asprintf("d%zu/dkms.conf", i);
		tl_write(fx->dir, rel, cases[i].conf);
		_cleanup_free_ char *src = kp_asprintf("d%zu/x.c", i);
		tl_write(fx->dir, src, module_c);
		_cleanup_free_ char *mk = kp_asprintf("d%zu/Makefile", i);
		tl_write(fx->dir, mk, "obj-m := x.o\n");
		_cleanup_free_ char *dir = kp_asprintf("%s/d%zu", fx->dir, i);
		struct dk_derived *d = derive(dir);
		if (d || !strstr(tl_log_text(), cases[i].msg))
			fail_msg("case %zu: want '%s', got '%s'", i, cases[i].msg, tl_log_text());
	}
}

/* BUILD_EXCLUSIVE_CONFIG and _ARCH become kernel_config and kernel_arch. */
static void test_exclusive(void **state)
{
	struct tl_fixture *fx = *state;
	static const struct {
		const char *arch, *want;
	} cases[] = {
	    {"x86_64", "kernel_arch = *x86_64*\n"},
	    {"i.86", "kernel_arch = *i?86*\n"},
	    {"^(x86_64|aarch64)$", "kernel_arch = x86_64 aarch64\n"},
	    {"x86_64|ppc64le", "kernel_arch = *x86_64* *ppc64le*\n"},
	    {"^x86_.*", "kernel_arch = x86_*\n"},
	    {"^arm[v0-9]*$", NULL},
	    {"x86(_64)?", NULL},
	    /* no alternative: put() was handed NULL (fuzz-dkms) */
	    {"^", NULL},
	    {"|", NULL},
	    {"^$", NULL},
	};
	for (size_t i = 0; i < KP_ARRAY_SIZE(cases); i++) {
		tl_log_reset();
		_cleanup_free_ char *conf = kp_asprintf(
		    "PACKAGE_NAME=x\nPACKAGE_VERSION=1\nBUILD_EXCLUSIVE_CONFIG=\"CONFIG_USB "
		    "!CONFIG_PREEMPT_RT\"\nBUILD_EXCLUSIVE_ARCH=\"%s\"\n",
		    cases[i].arch);
		_cleanup_free_ char *rel = kp_asprintf("e%zu/dkms.conf", i);
		tl_write(fx->dir, rel, conf);
		_cleanup_free_ char *mk = kp_asprintf("e%zu/Makefile", i);
		tl_write(fx->dir, mk, "obj-m := x.o\n");
		_cleanup_free_ char *src = kp_asprintf("e%zu/x.c", i);
		tl_write(fx->dir, src, module_c);
		_cleanup_free_ char *dir = kp_asprintf("%s/e%zu", fx->dir, i);
		_cleanup_(dk_derived_freep) struct dk_derived *d = derive(dir);
		if (!cases[i].want) {
			assert_null(d);
			assert_non_null(strstr(tl_log_text(), "dkms.conf:4: BUILD_EXCLUSIVE_ARCH"));
			continue;
		}
		assert_non_null(d);
		assert_non_null(
		    strstr(d->ini, "\nkernel_config = CONFIG_USB !CONFIG_PREEMPT_RT\n"));
		if (!strstr(d->ini, cases[i].want))
			fail_msg("%s: want '%s' in\n%s", cases[i].arch, cases[i].want, d->ini);
	}
}

/* Realtek's Makefile sets CONFIG_X = m only for the make it runs; Kbuild needs it given. */
static void test_obj_config(void **state)
{
	struct tl_fixture *fx = *state;
	tl_write(fx->dir, "drv/dkms.conf",
		 "PACKAGE_NAME=rtl\nPACKAGE_VERSION=1\nBUILT_MODULE_NAME[0]=88XXau\n");
	tl_write(fx->dir, "drv/Makefile",
		 "ifneq ($(KERNELRELEASE),)\n"
		 "obj-$(CONFIG_88XXAU) := 88XXau.o\n"
		 "else\n"
		 "export CONFIG_88XXAU = m\n"
		 "all:\n\t$(MAKE) -C $(KSRC) M=$(PWD) modules\n"
		 "endif\n");
	tl_write(fx->dir, "drv/os.c", module_c);
	_cleanup_free_ char *dir = kp_path_join(fx->dir, "drv");
	_cleanup_(spec_manifest_freep) struct spec_manifest *m = manifest(dir);
	assert_int_equal(m->make_args.n, 1);
	assert_string_equal(m->make_args.v[0], "CONFIG_88XXAU=m");
	_cleanup_(dk_derived_freep) struct dk_derived *d = derive(dir);
	assert_non_null(strstr(d->ini, "; Makefile:4 sets CONFIG_88XXAU = m for the make it runs "
				       "itself, not for Kbuild"));
	/* a kernel option the Makefile does not set is the kernel's business */
	tl_write(fx->dir, "drv/Makefile", "obj-$(CONFIG_88XXAU) := 88XXau.o\n");
	_cleanup_(spec_manifest_freep) struct spec_manifest *m2 = manifest(dir);
	assert_int_equal(m2->make_args.n, 0);
}

/*
 * MODULE_LICENSE(NAME) with NAME #defined, as some vendors write it: the
 * string is followed through macros a few levels deep. A macro defined as
 * another that is not a string, or two defined as each other, gives no
 * license, and the message names the call (before, the second level
 * crashed `kmodpack init`: a NULL list of files); so does a file of a
 * thousand unusable calls, read in bounded time.
 */
static void test_license_macro(void **state)
{
	struct tl_fixture *fx = *state;
	tl_write(fx->dir, "drv/dkms.conf", "PACKAGE_NAME=foo\nPACKAGE_VERSION=1\n");
	tl_write(fx->dir, "drv/Makefile", "obj-m += foo.o\n");
	tl_write(fx->dir, "drv/lic.h", "#define DRV_LICENSE \"Dual BSD/GPL\"\n");
	tl_write(
	    fx->dir, "drv/foo.c",
	    "#include \"lic.h\"\n#define FOO_LICENSE DRV_LICENSE\nMODULE_LICENSE(FOO_LICENSE);\n");
	_cleanup_free_ char *dir = kp_path_join(fx->dir, "drv");
	_cleanup_(dk_derived_freep) struct dk_derived *d = derive(dir);
	assert_non_null(d);
	assert_non_null(strstr(d->ini, "\nlicense = GPL-2.0-only OR BSD-3-Clause\n"));

	static const char *const none[] = {
	    "#define FOO_LICENSE OTHER_NAME\nMODULE_LICENSE(FOO_LICENSE);\n",
	    "#define A B\n#define B A\nMODULE_LICENSE(A);\n",
	};
	static const char *const said[] = {"foo.c:2 MODULE_LICENSE(FOO_LICENSE) names no string",
					   "foo.c:3 MODULE_LICENSE(A) names no string"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(none); i++) {
		tl_write(fx->dir, "drv/foo.c", none[i]);
		tl_log_reset();
		assert_null(derive(dir));
		if (!strstr(tl_log_text(), said[i]))
			fail_msg("want '%s' in: %s", said[i], tl_log_text());
	}

	struct kp_buf b = {0};
	kp_buf_adds(&b, "#define X Y\n");
	for (int i = 0; i < 1000; i++)
		kp_buf_adds(&b, "MODULE_LICENSE(X);\n");
	kp_buf_adds(&b, "MODULE_LICENSE(\"GPL\");\n");
	_cleanup_free_ char *many = kp_buf_steal(&b);
	tl_write(fx->dir, "drv/foo.c", many);
	tl_log_reset();
	assert_null(derive(dir));
	assert_non_null(strstr(tl_log_text(), "foo.c:2 MODULE_LICENSE(X) names no string"));
}

/* morrownr's MAKE="kernelver=$kernelver ./dkms-make.sh": refused for build, left to review by init.
 */
static void test_make_script_for_review(void **state)
{
	struct tl_fixture *fx = *state;
	tl_write(fx->dir, "drv/dkms.conf",
		 "PACKAGE_NAME=\"rtl88x2bu\"\nPACKAGE_VERSION=\"5.13.1\"\n"
		 "BUILT_MODULE_NAME[0]=\"88x2bu\"\nMAKE=\"kernelver=$kernelver ./dkms-make.sh\"\n");
	tl_write(fx->dir, "drv/Makefile", "obj-m := 88x2bu.o\n");
	tl_write(fx->dir, "drv/os.c", module_c);
	_cleanup_free_ char *dir = kp_path_join(fx->dir, "drv");
	_cleanup_free_ char *conf = kp_path_join(dir, "dkms.conf");
	struct dk_derived *refused = NULL;
	assert_int_equal(dk_derive(conf, 0, &refused), -KP_EINPUT);
	_cleanup_(dk_derived_freep) struct dk_derived *d = NULL;
	assert_int_equal(dk_derive(conf, DK_DERIVE_FOR_REVIEW, &d), 0);
	assert_non_null(
	    strstr(d->ini, "; REVIEW: dkms.conf:4 MAKE runs './dkms-make.sh', not make"));
	assert_null(strstr(d->ini, "\nmake_args ="));
	/* an assignment before the script is not passed on either: it was the script's */
	assert_null(strstr(d->ini, "kernelver={release}"));
}

/* Intel's MAKE="make -C src/ KSRC=...": DKMS runs the driver's own Makefile, and so does kmodpack. */
static void test_make_own_makefile(void **state)
{
	struct tl_fixture *fx = *state;
	tl_write(fx->dir, "drv/dkms.conf",
		 "PACKAGE_NAME=\"igb\"\nPACKAGE_VERSION=\"5.18.7\"\n"
		 "BUILT_MODULE_NAME[0]=\"igb\"\nBUILT_MODULE_LOCATION[0]=\"src/\"\n"
		 "MAKE[0]=\"make -C src/ KSRC=$kernel_source_dir BUILD_KERNEL=$kernelver\"\n");
	tl_write(fx->dir, "drv/src/Makefile", "obj-m := igb.o\n");
	tl_write(fx->dir, "drv/src/igb.c", module_c);
	_cleanup_free_ char *dir = kp_path_join(fx->dir, "drv");
	_cleanup_(spec_manifest_freep) struct spec_manifest *m = manifest(dir);
	assert_true(m->own_makefile);
	assert_string_equal(m->subdir, "src/");
	/* the kernel's Makefile entered with M=: Kbuild directly, as before */
	tl_write(fx->dir, "drv/dkms.conf",
		 "PACKAGE_NAME=\"igb\"\nPACKAGE_VERSION=\"5.18.7\"\n"
		 "BUILT_MODULE_NAME[0]=\"igb\"\nBUILT_MODULE_LOCATION[0]=\"src/\"\n"
		 "MAKE[0]=\"make -C $kernel_source_dir M=$dkms_tree/igb/5.18.7/build/src\"\n");
	_cleanup_(spec_manifest_freep) struct spec_manifest *m2 = manifest(dir);
	assert_false(m2->own_makefile);
}

/* debian/<pkg>.dkms, changelog, control and copyright, through the manifest reader. */
static void test_debian(void **state)
{
	struct tl_fixture *fx = *state;
	tl_write(fx->dir, "drv/debian/foo-dkms.dkms",
		 "PACKAGE_NAME=\"foo\"\nPACKAGE_VERSION=\"#MODULE_VERSION#\"\n"
		 "BUILT_MODULE_NAME[0]=foo\nBUILT_MODULE_LOCATION[0]=\"./src/\"\n");
	tl_write(fx->dir, "drv/debian/changelog",
		 "foo-dkms (1:2.0-rc1-2ubuntu1) jammy; urgency=low\n"
		 "\n"
		 "  * Fix ; the build # on 6.1\n"
		 "  * A line\n"
		 "\n"
		 " -- Jane Doe <jane@example.org>  Tue, 01 Dec 2026 00:30:00 +0000\n");
	tl_write(fx->dir, "drv/debian/control",
		 "Source: foo-dkms\nMaintainer: Jane Doe <jane@example.org>\n\n"
		 "Package: foo-dkms\nDescription: Foo driver (DKMS)\n # not a comment\n .\n second "
		 ";x\n");
	tl_write(fx->dir, "drv/debian/copyright",
		 "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\n"
		 "Files: *\nLicense: GPL-2+\n");
	tl_write(fx->dir, "drv/src/Makefile", "obj-m += foo.o\n");
	tl_write(fx->dir, "drv/src/foo.c", "#include <linux/module.h>\n");
	tl_write(fx->dir, "drv/debian/foo-dkms.modprobe", "options foo x=1\n");
	_cleanup_free_ char *dir = kp_path_join(fx->dir, "drv");
	_cleanup_(spec_manifest_freep) struct spec_manifest *m = manifest(dir);
	assert_true(m->derived);
	assert_string_equal(m->version, "2.0~rc1");
	assert_string_equal(m->release, "2ubuntu1");
	assert_string_equal(m->subdir, "src");
	assert_string_equal(m->license, "GPL-2.0-or-later");
	assert_string_equal(m->summary, "Foo driver (DKMS)");
	assert_string_equal(m->description, "- # not a comment\n\nsecond;x");
	assert_string_equal(m->vendor_code, "jane-doe");
	assert_string_equal(m->vendor_name, "Jane Doe");
	assert_string_equal(m->changelog, "* Tue Dec 01 2026 Jane Doe <jane@example.org> - "
					  "2.0~rc1-2ubuntu1\n- Fix; the build # on 6.1\n- A line");
	assert_int_equal(m->source_date_epoch, 1796083200);
	_cleanup_free_ char *conf = kp_path_join(dir, "debian/foo-dkms.dkms");
	assert_string_equal(m->path, conf);
	assert_string_equal(m->dir, dir);
	assert_non_null(strstr(tl_log_text(), "using the one derived from debian/foo-dkms.dkms"));
	/* the build report names the .dkms file: loading it again gives the same manifest */
	_cleanup_(spec_manifest_freep) struct spec_manifest *again = manifest(conf);
	assert_string_equal(again->version, "2.0~rc1");
	_cleanup_(dk_derived_freep) struct dk_derived *d = derive(dir);
	assert_non_null(strstr(
	    d->ini, "; debian/foo-dkms.modprobe: modprobe options dh_installmodules installs as "
		    "/etc/modprobe.d/foo-dkms.conf; to ship them: [data] modprobe = "
		    "debian/foo-dkms.modprobe -> /etc/modprobe.d/foo-dkms.conf"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rpm_version),
	    cmocka_unit_test_setup_teardown(test_make_idioms, tl_setup_tmpdir, tl_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_refused, tl_setup_tmpdir, tl_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_exclusive, tl_setup_tmpdir, tl_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_make_own_makefile, tl_setup_tmpdir,
					    tl_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_make_script_for_review, tl_setup_tmpdir,
					    tl_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_obj_config, tl_setup_tmpdir, tl_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_license_macro, tl_setup_tmpdir,
					    tl_teardown_tmpdir),
	    cmocka_unit_test_setup_teardown(test_debian, tl_setup_tmpdir, tl_teardown_tmpdir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
