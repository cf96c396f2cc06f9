// SPDX-License-Identifier: GPL-2.0-or-later
/* [data] resolution: where each key's files land, and what is refused. */
#include "tests/unit/testlib.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "firmware/data.h"

#define KV(k, v, l)                                                                                \
	{                                                                                          \
		(char *)(k), (char *)(v), (l)                                                      \
	}

struct env {
	char *tmp;
	char *drv;
	char *manifest;
};

static int setup(void **state)
{
	struct env *e = kp_calloc(1, sizeof(*e));
	e->tmp = tl_tmpdir();
	e->drv = kp_path_join(e->tmp, "drv");
	e->manifest = kp_path_join(e->drv, "kmodpack.ini");
	tl_write(e->drv, "kmodpack.ini", "[data]\n");
	tl_log_capture();
	tl_log_reset();
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	tl_tmpdir_free(e->tmp);
	free(e->drv);
	free(e->manifest);
	free(e);
	tl_log_reset();
	return 0;
}

static int resolve_src(struct env *e, const char *source, const struct kp_kv *kv, size_t n,
		       struct fw_data **out)
{
	struct fw_data_opts o = {
	    .manifest = e->manifest,
	    .driver_dir = e->drv,
	    .source_dir = source,
	    .name = "helloworld",
	    .version = "1.0",
	    .release = "1",
	};
	*out = NULL;
	return fw_data_load(&o, kv, n, out);
}

static int resolve(struct env *e, const struct kp_kv *kv, size_t n, struct fw_data **out)
{
	struct fw_data_opts o = {
	    .manifest = e->manifest,
	    .driver_dir = e->drv,
	    .name = "helloworld",
	    .version = "1.0",
	    .release = "1",
	};
	*out = NULL;
	return fw_data_load(&o, kv, n, out);
}

static const struct fw_file *find(const struct fw_data *d, const char *dest)
{
	const struct fw_file *f = fw_data_find(d, dest);
	if (!f)
		fail_msg("'%s' not in the file list", dest);
	return f;
}

/* The log must hold this manifest-relative message (FILE:LINE: data.KEY: ...). */
static void assert_logged(struct env *e, int line, const char *key, const char *what)
{
	_cleanup_free_ char *want = kp_asprintf("%s:%d: data.%s: ", e->manifest, line, key);
	const char *log = tl_log_text();
	const char *at = strstr(log, want);
	if (!at || !strstr(at, what))
		fail_msg("expected '%s...%s' in log:\n%s", want, what, log);
}

static void test_every_key(void **state)
{
	struct env *e = *state;
	tl_write(e->drv, "data/firmware/helloworld/hello.fw",
		 "\x7f"
		 "FW\x01");
	tl_write(e->drv, "data/firmware/top.bin", "x");
	tl_write(e->drv, "data/udev/99-helloworld.rules", "# rule\n");
	tl_write(e->drv, "data/modprobe/helloworld.conf", "options helloworld debug=1\n");
	tl_write(e->drv, "data/helloworld.cfg", "k=v\n");
	tl_write(e->drv, "data/doc/README", "read me\n");
	tl_write(e->drv, "data/doc/examples/one.txt", "1\n");
	tl_write(e->drv, "data/helloworld-EULA", "terms\n");
	tl_write(e->drv, "data/bugtool/helloworld.xml", "<capability pii=\"no\"/>\n");
	tl_write(e->drv, "data/bugtool/helloworld/stuff.xml",
		 "<collect>\n<files>/var/log/helloworld.log</files>\n</collect>\n");
	struct kp_kv kv[] = {
	    KV("version", "2.5", 2),
	    KV("release", "3", 3),
	    KV("firmware", "data/firmware", 4),
	    KV("firmware_external", "other/fw.bin, more.bin", 5),
	    KV("udev", "data/udev/99-helloworld.rules", 6),
	    KV("modprobe", "data/modprobe", 7),
	    KV("config", "data/helloworld.cfg", 8),
	    KV("doc", "data/doc", 9),
	    KV("bugtool", "data/bugtool", 10),
	    KV("eula", "data/helloworld-EULA", 11),
	};
	_cleanup_(fw_data_freep) struct fw_data *d = NULL;
	assert_int_equal(resolve(e, kv, KP_ARRAY_SIZE(kv), &d), 0);
	assert_string_equal(tl_log_text(), "");
	assert_string_equal(d->version, "2.5");
	assert_string_equal(d->release, "3");
	assert_string_equal(d->docdir, "/usr/share/doc/helloworld-data-2.5");

	const struct fw_file *f = find(d, "/lib/firmware/helloworld/hello.fw");
	assert_int_equal(f->kind, FW_KIND_FIRMWARE);
	assert_int_equal(f->mode, 0644);
	assert_false(f->is_dir);
	assert_int_equal(f->line, 4);
	_cleanup_free_ char *src = realpath(e->drv, NULL);
	_cleanup_free_ char *want_src = kp_asprintf("%s/data/firmware/helloworld/hello.fw", src);
	assert_string_equal(f->src, want_src);
	find(d, "/lib/firmware/top.bin");

	f = find(d, "/lib/firmware/helloworld");
	assert_true(f->is_dir);
	assert_int_equal(f->mode, 0755);
	/* System directories belong to the system, never to the data RPM. */
	assert_null(fw_data_find(d, "/lib/firmware"));
	assert_null(fw_data_find(d, "/etc"));
	assert_null(fw_data_find(d, "/etc/udev/rules.d"));
	assert_null(fw_data_find(d, "/etc/xensource/bugtool"));

	assert_int_equal(find(d, "/etc/udev/rules.d/99-helloworld.rules")->kind, FW_KIND_UDEV);
	assert_int_equal(find(d, "/etc/modprobe.d/helloworld.conf")->kind, FW_KIND_MODPROBE);
	assert_int_equal(find(d, "/etc/helloworld.cfg")->kind, FW_KIND_CONFIG);
	assert_int_equal(find(d, "/usr/share/doc/helloworld-data-2.5/README")->kind, FW_KIND_DOC);
	find(d, "/usr/share/doc/helloworld-data-2.5/examples/one.txt");
	assert_true(find(d, "/usr/share/doc/helloworld-data-2.5")->is_dir);
	assert_true(find(d, "/usr/share/doc/helloworld-data-2.5/examples")->is_dir);
	assert_int_equal(find(d, "/etc/xensource/bugtool/helloworld.xml")->kind, FW_KIND_BUGTOOL);
	find(d, "/etc/xensource/bugtool/helloworld/stuff.xml");
	assert_true(find(d, "/etc/xensource/bugtool/helloworld")->is_dir);
	assert_int_equal(find(d, "/usr/share/doc/helloworld-data-2.5/helloworld-EULA")->kind,
			 FW_KIND_EULA);

	assert_int_equal(d->firmware_external.n, 2);
	assert_string_equal(d->firmware_external.v[0], "other/fw.bin");
	assert_string_equal(d->firmware_external.v[1], "more.bin");
	assert_int_equal(d->eulas.n, 1);
	assert_string_equal(d->eulas.v[0], "/usr/share/doc/helloworld-data-2.5/helloworld-EULA");

	for (size_t i = 1; i < d->n_files; i++)
		assert_true(strcmp(d->files[i - 1].dest, d->files[i].dest) < 0);
}

static void test_defaults_from_driver(void **state)
{
	struct env *e = *state;
	tl_write(e->drv, "README", "r\n");
	struct kp_kv kv[] = {KV("doc", "README", 2)};
	_cleanup_(fw_data_freep) struct fw_data *d = NULL;
	assert_int_equal(resolve(e, kv, 1, &d), 0);
	assert_string_equal(d->version, "1.0");
	assert_string_equal(d->release, "1");
	find(d, "/usr/share/doc/helloworld-data-1.0/README");
}

static void test_glob_keeps_path_below_wildcard(void **state)
{
	struct env *e = *state;
	tl_write(e->drv, "fw/acme/a.bin", "a");
	tl_write(e->drv, "fw/acme/b.bin", "b");
	tl_write(e->drv, "fw/acme/notes.txt", "n");
	struct kp_kv kv[] = {KV("firmware", "fw/*/*.bin", 3)};
	_cleanup_(fw_data_freep) struct fw_data *d = NULL;
	assert_int_equal(resolve(e, kv, 1, &d), 0);
	find(d, "/lib/firmware/acme/a.bin");
	find(d, "/lib/firmware/acme/b.bin");
	assert_true(find(d, "/lib/firmware/acme")->is_dir);
	assert_null(fw_data_find(d, "/lib/firmware/acme/notes.txt"));
}

static void test_glob_matching_nothing(void **state)
{
	struct env *e = *state;
	tl_write(e->drv, "fw/a.txt", "a");
	struct kp_kv kv[] = {KV("firmware", "fw/*.bin", 7)};
	struct fw_data *d;
	assert_int_equal(resolve(e, kv, 1, &d), -KP_EINPUT);
	assert_null(d);
	assert_logged(e, 7, "firmware", "'fw/*.bin' matches no file");
}

static void test_dotdot_escape(void **state)
{
	struct env *e = *state;
	tl_write(e->tmp, "outside.rules", "x");
	struct kp_kv kv[] = {KV("udev", "../outside.rules", 4)};
	struct fw_data *d;
	assert_int_equal(resolve(e, kv, 1, &d), -KP_EINPUT);
	assert_logged(e, 4, "udev", "leaves the driver dir");
}

static void test_absolute_path(void **state)
{
	struct env *e = *state;
	struct kp_kv kv[] = {KV("config", "/etc/passwd", 5)};
	struct fw_data *d;
	assert_int_equal(resolve(e, kv, 1, &d), -KP_EINPUT);
	assert_logged(e, 5, "config", "'/etc/passwd' is an absolute path");
}

static void test_symlink_escape(void **state)
{
	struct env *e = *state;
	tl_write(e->tmp, "secret.bin", "s");
	tl_write(e->drv, "fw/good.bin", "g");
	_cleanup_free_ char *target = kp_path_join(e->tmp, "secret.bin");
	_cleanup_free_ char *link1 = kp_path_join(e->drv, "link.bin");
	_cleanup_free_ char *link2 = kp_path_join(e->drv, "fw/inner.bin");
	assert_int_equal(symlink(target, link1), 0);
	assert_int_equal(symlink(target, link2), 0);

	/* Named directly, and met while walking a tree. */
	struct kp_kv kv[] = {KV("doc", "link.bin", 6), KV("firmware", "fw", 8)};
	struct fw_data *d;
	assert_int_equal(resolve(e, kv, 2, &d), -KP_EINPUT);
	assert_logged(e, 6, "doc", "link.bin' is a symlink pointing outside the driver dir");
	assert_logged(e, 8, "firmware", "inner.bin' is a symlink pointing outside the driver dir");
}

static void test_symlink_inside_is_followed(void **state)
{
	struct env *e = *state;
	tl_write(e->drv, "fw/real.bin", "r");
	_cleanup_free_ char *link = kp_path_join(e->drv, "fw/alias.bin");
	assert_int_equal(symlink("real.bin", link), 0);
	struct kp_kv kv[] = {KV("firmware", "fw", 2)};
	_cleanup_(fw_data_freep) struct fw_data *d = NULL;
	assert_int_equal(resolve(e, kv, 1, &d), 0);
	const struct fw_file *f = find(d, "/lib/firmware/alias.bin");
	assert_true(kp_endswith(f->src, "/fw/real.bin"));
}

static void test_missing_file(void **state)
{
	struct env *e = *state;
	struct kp_kv kv[] = {KV("modprobe", "modprobe/helloworld.conf", 9)};
	struct fw_data *d;
	assert_int_equal(resolve(e, kv, 1, &d), -KP_EINPUT);
	assert_logged(e, 9, "modprobe", "modprobe/helloworld.conf' does not exist");
}

static void test_unknown_key(void **state)
{
	struct env *e = *state;
	struct kp_kv kv[] = {KV("firmwares", "fw", 12)};
	struct fw_data *d;
	assert_int_equal(resolve(e, kv, 1, &d), -KP_EINPUT);
	assert_logged(e, 12, "firmwares",
		      "unknown key in [data]: did you mean 'firmware'? (known: version, release, "
		      "firmware, firmware_external, udev, modprobe, config, doc, bugtool, eula)");
	/* Nothing close: the known keys only. */
	struct kp_kv far[] = {KV("colour", "red", 13)};
	assert_int_equal(resolve(e, far, 1, &d), -KP_EINPUT);
	assert_logged(e, 13, "colour", "unknown key in [data] (known: version, release,");
}

static void test_invalid_version_and_release(void **state)
{
	struct env *e = *state;
	struct kp_kv kv[] = {KV("version", "1.0-2", 2), KV("release", "%{dist}", 3)};
	struct fw_data *d;
	assert_int_equal(resolve(e, kv, 2, &d), -KP_EINPUT);
	assert_logged(e, 2, "version", "'1.0-2' is not a valid RPM version");
	assert_logged(e, 3, "release", "'%{dist}' is not a valid RPM release");
}

static void test_every_problem_reported(void **state)
{
	struct env *e = *state;
	tl_write(e->drv, "udev/x.txt", "x");
	struct kp_kv kv[] = {
	    KV("udev", "udev/x.txt", 3),
	    KV("doc", "nothere", 4),
	    KV("bogus", "1", 5),
	    KV("udev", "udev/x.txt", 6),
	};
	struct fw_data *d;
	assert_int_equal(resolve(e, kv, KP_ARRAY_SIZE(kv), &d), -KP_EINPUT);
	assert_logged(e, 3, "udev", "udev only reads files whose name ends in .rules");
	assert_logged(e, 4, "doc", "does not exist");
	assert_logged(e, 5, "bogus", "unknown key");
	assert_logged(e, 6, "udev", "given twice (first at line 3)");
}

static void test_special_names(void **state)
{
	struct env *e = *state;
	static const char *const names[] = {"a b.bin",	 "50%.bin", "x[1].bin",
					    "star*.bin", "q?.bin",  "%1name.bin"};
	for (size_t i = 0; i < KP_ARRAY_SIZE(names); i++) {
		_cleanup_free_ char *rel = kp_asprintf("fw/%s", names[i]);
		tl_write(e->drv, rel, names[i]);
	}
	tl_write(e->drv, "doc/read me, first.txt", "r");
	tl_write(e->drv, "doc/x1.txt", "decoy");
	tl_write(e->drv, "doc/x[1].txt", "literal");
	/* Quoted: a literal name, no glob, spaces and commas kept. */
	struct kp_kv kv[] = {KV("firmware", "fw", 2),
			     KV("doc", "\"doc/read me, first.txt\" \"doc/x[1].txt\"", 3)};
	_cleanup_(fw_data_freep) struct fw_data *d = NULL;
	assert_int_equal(resolve(e, kv, 2, &d), 0);
	for (size_t i = 0; i < KP_ARRAY_SIZE(names); i++) {
		_cleanup_free_ char *dest = kp_asprintf("/lib/firmware/%s", names[i]);
		find(d, dest);
	}
	find(d, "/usr/share/doc/helloworld-data-1.0/read me, first.txt");
	find(d, "/usr/share/doc/helloworld-data-1.0/x[1].txt");
	assert_null(fw_data_find(d, "/usr/share/doc/helloworld-data-1.0/x1.txt"));
}

static void test_unpackageable_name(void **state)
{
	struct env *e = *state;
	tl_write(e->drv, "fw/back\\slash.bin", "b");
	struct kp_kv kv[] = {KV("firmware", "fw", 4)};
	struct fw_data *d;
	assert_int_equal(resolve(e, kv, 1, &d), -KP_EINPUT);
	assert_logged(e, 4, "firmware", "cannot be packaged");
}

/* A name rpm's %files parser would read as an attribute (a setuid file). */
static void test_attribute_like_name(void **state)
{
	struct env *e = *state;
	tl_write(e->drv, "fw/%attr(4755,root,root)x.bin", "b");
	struct kp_kv kv[] = {KV("firmware", "fw", 4)};
	struct fw_data *d;
	assert_int_equal(resolve(e, kv, 1, &d), -KP_EINPUT);
	assert_logged(e, 4, "firmware", "cannot be packaged");
}

static void test_eula(void **state)
{
	struct env *e = *state;
	tl_write(e->drv, "doc/acme-EULA", "terms");
	tl_write(e->drv, "license.txt", "terms");
	struct kp_kv kv[] = {KV("doc", "doc", 2), KV("eula", "license.txt", 3)};
	struct fw_data *d;
	assert_int_equal(resolve(e, kv, 2, &d), -KP_EINPUT);
	assert_logged(e, 3, "eula", "must end in 'EULA'");

	/* Found among the docs without being named as a EULA. */
	tl_log_reset();
	_cleanup_(fw_data_freep) struct fw_data *ok = NULL;
	assert_int_equal(resolve(e, kv, 1, &ok), 0);
	assert_int_equal(ok->eulas.n, 1);
	assert_string_equal(ok->eulas.v[0], "/usr/share/doc/helloworld-data-1.0/acme-EULA");
}

static void test_installed_twice(void **state)
{
	struct env *e = *state;
	tl_write(e->drv, "a/README", "1");
	tl_write(e->drv, "b/README", "2");
	struct kp_kv kv[] = {KV("doc", "a/README b/README", 5)};
	struct fw_data *d;
	assert_int_equal(resolve(e, kv, 1, &d), -KP_EINPUT);
	assert_logged(e, 5, "doc", "README' is installed twice");
}

static void test_config_tree_in_system_dir(void **state)
{
	struct env *e = *state;
	tl_write(e->drv, "etc/logrotate.d/helloworld", "/var/log/hw.log {}\n");
	tl_write(e->drv, "etc/helloworld/hw.conf", "x\n");
	struct kp_kv kv[] = {KV("config", "etc", 2)};
	_cleanup_(fw_data_freep) struct fw_data *d = NULL;
	assert_int_equal(resolve(e, kv, 1, &d), 0);
	find(d, "/etc/logrotate.d/helloworld");
	assert_null(fw_data_find(d, "/etc/logrotate.d"));
	assert_true(find(d, "/etc/helloworld")->is_dir);
	find(d, "/etc/helloworld/hw.conf");
}

static void test_bugtool_layout(void **state)
{
	struct env *e = *state;
	/* A new category without collect files is never loaded by xen-bugtool. */
	tl_write(e->drv, "bt/lonely.xml", "<capability/>\n");
	/* Extending a category that exists nowhere. */
	tl_write(e->drv, "bt/nosuch/x.xml", "<collect><command>true</command></collect>\n");
	/* Redefining one of the guide's categories. */
	tl_write(e->drv, "bt/yum.xml", "<capability/>\n");
	tl_write(e->drv, "bt/yum/x.xml", "<collect><command>true</command></collect>\n");
	/* Extending an existing one is fine. */
	tl_write(e->drv, "bt/network-status/acme.xml",
		 "<collect>\n<command label=\"acme\">acme-status</command>\n</collect>\n");
	struct kp_kv kv[] = {KV("bugtool", "bt", 6)};
	struct fw_data *d;
	assert_int_equal(resolve(e, kv, 1, &d), -KP_EINPUT);
	assert_logged(e, 6, "bugtool", "new category 'lonely' has no collect file");
	assert_logged(e, 6, "bugtool", "extends category 'nosuch'");
	assert_logged(e, 6, "bugtool", "redefines the existing category 'yum'");
	assert_null(strstr(tl_log_text(), "network-status"));
}

static void test_bugtool_single_files_by_role(void **state)
{
	struct env *e = *state;
	tl_write(e->drv, "s/acme.xml", "<capability pii=\"maybe\"/>\n");
	tl_write(e->drv, "s/acme/files.xml",
		 "<collect>\n<files>/etc/acme.conf</files>\n</collect>\n");
	struct kp_kv kv[] = {KV("bugtool", "s/acme/files.xml s/acme.xml", 2)};
	_cleanup_(fw_data_freep) struct fw_data *d = NULL;
	assert_int_equal(resolve(e, kv, 1, &d), 0);
	find(d, "/etc/xensource/bugtool/acme.xml");
	find(d, "/etc/xensource/bugtool/acme/files.xml");
}

static void test_bugtool_xml_violation_names_xml_line(void **state)
{
	struct env *e = *state;
	tl_write(e->drv, "bt/acme.xml", "<capability\n pii=\"no\"/>\n");
	tl_write(e->drv, "bt/acme/x.xml",
		 "<collect>\n<files>/a</files>\n<directory pattern=\"(\">/var/log</directory>\n"
		 "</collect>\n");
	struct kp_kv kv[] = {KV("bugtool", "bt", 2)};
	struct fw_data *d;
	assert_int_equal(resolve(e, kv, 1, &d), -KP_EINPUT);
	assert_non_null(strstr(tl_log_text(), "/bt/acme/x.xml:3: <directory>: pattern=\"(\""));
}

static void test_firmware_external_names(void **state)
{
	struct env *e = *state;
	struct kp_kv kv[] = {KV("firmware_external", "/lib/firmware/x.bin ../y.bin", 3)};
	struct fw_data *d;
	assert_int_equal(resolve(e, kv, 1, &d), -KP_EINPUT);
	assert_logged(e, 3, "firmware_external", "'/lib/firmware/x.bin' is not a firmware name");
	assert_logged(e, 3, "firmware_external", "'../y.bin' is not a firmware name");
}

/* The example driver's data files, with the [data] section docs/data-rpm.md gives. */
static void test_example_driver(void **state)
{
	_cleanup_free_ char *drv = tl_src("drivers/example-helloworld");
	_cleanup_free_ char *manifest = kp_path_join(drv, "kmodpack.ini");
	struct kp_kv kv[] = {
	    KV("firmware", "data/firmware", 2),
	    KV("udev", "data/udev/99-helloworld.rules", 3),
	    KV("modprobe", "data/modprobe/helloworld.conf", 4),
	    KV("doc", "data/doc/README", 5),
	    KV("bugtool", "data/bugtool", 6),
	};
	struct fw_data_opts o = {.manifest = manifest,
				 .driver_dir = drv,
				 .name = "helloworld",
				 .version = "1.0",
				 .release = "1"};
	_cleanup_(fw_data_freep) struct fw_data *d = NULL;
	assert_int_equal(fw_data_load(&o, kv, KP_ARRAY_SIZE(kv), &d), 0);
	assert_string_equal(tl_log_text(), "");
	static const char *const dests[] = {
	    "/etc/modprobe.d/helloworld.conf",
	    "/etc/udev/rules.d/99-helloworld.rules",
	    "/etc/xensource/bugtool/helloworld",
	    "/etc/xensource/bugtool/helloworld.xml",
	    "/etc/xensource/bugtool/helloworld/stuff.xml",
	    "/lib/firmware/helloworld",
	    "/lib/firmware/helloworld/hello.fw",
	    "/usr/share/doc/helloworld-data-1.0",
	    "/usr/share/doc/helloworld-data-1.0/README",
	};
	assert_int_equal(d->n_files, KP_ARRAY_SIZE(dests));
	for (size_t i = 0; i < d->n_files; i++)
		assert_string_equal(d->files[i].dest, dests[i]);
	const char *wanted[] = {"helloworld/hello.fw"};
	struct fw_module_firmware mod = {"helloworld", wanted, 1};
	assert_int_equal(fw_data_check_firmware(d, &mod, 1), 0);
}


/* ---- destinations: "SRC -> DEST" ---- */

static void test_dest_firmware_dir_and_rename(void **state)
{
	struct env *e = *state;
	tl_write(e->drv, "fw/rtl8188efw.bin", "f");
	tl_write(e->drv, "fw/tree/a/b.bin", "b");
	tl_write(e->drv, "fw/x1.bin", "1");
	tl_write(e->drv, "fw/x2.bin", "2");
	struct kp_kv kv[] = {
	    KV("firmware",
	       "fw/rtl8188efw.bin -> /lib/firmware/rtlwifi/, fw/tree->vendor/ "
	       "fw/x*.bin -> /lib/firmware/acme/x/ \"fw/x1.bin\" -> acme/renamed.bin",
	       2),
	};
	_cleanup_(fw_data_freep) struct fw_data *d = NULL;
	assert_int_equal(resolve(e, kv, 1, &d), 0);
	assert_string_equal(tl_log_text(), "");
	find(d, "/lib/firmware/rtlwifi/rtl8188efw.bin");
	assert_true(find(d, "/lib/firmware/rtlwifi")->is_dir);
	find(d, "/lib/firmware/vendor/a/b.bin");
	assert_true(find(d, "/lib/firmware/vendor/a")->is_dir);
	find(d, "/lib/firmware/acme/x/x1.bin");
	find(d, "/lib/firmware/acme/x/x2.bin");
	find(d, "/lib/firmware/acme/renamed.bin");
	assert_true(find(d, "/lib/firmware/acme")->is_dir);
	assert_null(fw_data_find(d, "/lib/firmware/rtl8188efw.bin"));
	assert_null(fw_data_find(d, "/lib/firmware"));
}

static void test_dest_debian_udev_from_source(void **state)
{
	struct env *e = *state;
	_cleanup_free_ char *src = kp_path_join(e->tmp, "src");
	tl_write(src, "debian/r8188eu.udev", "# rules\n");
	tl_write(src, "debian/r8188eu.modprobe", "options r8188eu x=1\n");
	tl_write(src, "debian/copyright", "c\n");
	tl_write(src, "LICENSE", "terms\n");
	struct kp_kv kv[] = {
	    KV("udev", "../src/debian/r8188eu.udev -> /etc/udev/rules.d/60-r8188eu.rules", 2),
	    KV("modprobe", "../src/debian/r8188eu.modprobe -> r8188eu.conf", 3),
	    KV("doc", "../src/debian/copyright -> /usr/share/doc/r8188eu/", 4),
	    KV("eula", "../src/LICENSE -> r8188eu-EULA", 5),
	    KV("config", "../src/debian/copyright -> /etc/default/r8188eu", 6),
	};
	_cleanup_(fw_data_freep) struct fw_data *d = NULL;
	assert_int_equal(resolve_src(e, src, kv, KP_ARRAY_SIZE(kv), &d), 0);
	find(d, "/etc/udev/rules.d/60-r8188eu.rules");
	find(d, "/etc/modprobe.d/r8188eu.conf");
	find(d, "/usr/share/doc/r8188eu/copyright");
	assert_true(find(d, "/usr/share/doc/r8188eu")->is_dir);
	find(d, "/usr/share/doc/helloworld-data-1.0/r8188eu-EULA");
	assert_int_equal(d->eulas.n, 1);
	find(d, "/etc/default/r8188eu");
	/* /etc/default belongs to the system */
	assert_null(fw_data_find(d, "/etc/default"));
	fw_data_free(TAKE_PTR(d));

	/* without the source dir, the same paths leave the driver dir */
	tl_log_reset();
	assert_int_equal(resolve(e, kv, 1, &d), -KP_EINPUT);
	assert_logged(e, 2, "udev", "leaves the driver dir");
	/* and with it, nothing outside both */
	tl_write(e->tmp, "elsewhere/x.rules", "x");
	struct kp_kv out[] = {KV("udev", "../elsewhere/x.rules", 7)};
	tl_log_reset();
	assert_int_equal(resolve_src(e, src, out, 1, &d), -KP_EINPUT);
	assert_logged(e, 7, "udev", "is neither in the driver dir");
}

static void test_dest_refused(void **state)
{
	struct env *e = *state;
	tl_write(e->drv, "fw/a.bin", "a");
	tl_write(e->drv, "x.udev", "u");
	tl_write(e->drv, "b/helloworld.xml", "<capability/>");
	struct kp_kv kv[] = {
	    KV("firmware", "fw/a.bin -> /opt/fw/", 2),
	    KV("udev", "x.udev -> /etc/udev/rules.d/sub/70-x.rules", 3),
	    KV("udev", "x.udev -> 70-x.udev", 4),
	    KV("doc", "fw/a.bin -> /etc/doc/", 5),
	    KV("config", "fw/a.bin -> ../../../root/.ssh/authorized_keys", 6),
	    KV("modprobe", "-> x.conf", 7),
	    KV("eula", "fw/a.bin ->", 8),
	    KV("bugtool", "b/helloworld.xml -> cat/", 9),
	};
	for (size_t i = 0; i < KP_ARRAY_SIZE(kv); i++) {
		struct fw_data *d;
		tl_log_reset();
		assert_int_equal(resolve(e, &kv[i], 1, &d), -KP_EINPUT);
	}
	struct fw_data *d;
	tl_log_reset();
	assert_int_equal(resolve(e, &kv[0], 1, &d), -KP_EINPUT);
	assert_logged(e, 2, "firmware", "destination '/opt/fw/' is outside /lib/firmware");
	tl_log_reset();
	assert_int_equal(resolve(e, &kv[1], 1, &d), -KP_EINPUT);
	assert_logged(e, 3, "udev", "udev files are installed flat in /etc/udev/rules.d");
	tl_log_reset();
	assert_int_equal(resolve(e, &kv[2], 1, &d), -KP_EINPUT);
	assert_logged(e, 4, "udev", "udev only reads files whose name ends in .rules");
	tl_log_reset();
	assert_int_equal(resolve(e, &kv[3], 1, &d), -KP_EINPUT);
	assert_logged(e, 5, "doc", "is outside /usr/share/doc");
	tl_log_reset();
	assert_int_equal(resolve(e, &kv[4], 1, &d), -KP_EINPUT);
	assert_logged(e, 6, "config", "no '.' or '..' components");
	tl_log_reset();
	assert_int_equal(resolve(e, &kv[5], 1, &d), -KP_EINPUT);
	assert_logged(e, 7, "modprobe", "'->' must stand between a file and its destination");
	tl_log_reset();
	assert_int_equal(resolve(e, &kv[6], 1, &d), -KP_EINPUT);
	assert_logged(e, 8, "eula", "'->' at the end");
	tl_log_reset();
	assert_int_equal(resolve(e, &kv[7], 1, &d), -KP_EINPUT);
	assert_logged(e, 9, "bugtool", "take no destination");
}

static void test_dest_two_on_one_path(void **state)
{
	struct env *e = *state;
	tl_write(e->drv, "a.bin", "a");
	tl_write(e->drv, "b.bin", "b");
	struct kp_kv kv[] = {KV("firmware", "a.bin -> x/fw.bin b.bin -> /lib/firmware/x/fw.bin", 2)};
	struct fw_data *d;
	assert_int_equal(resolve(e, kv, 1, &d), -KP_EINPUT);
	assert_logged(e, 2, "firmware", "'/lib/firmware/x/fw.bin' is installed twice");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_every_key, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_defaults_from_driver, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_glob_keeps_path_below_wildcard, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_glob_matching_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dotdot_escape, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_absolute_path, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_symlink_escape, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_symlink_inside_is_followed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unknown_key, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_invalid_version_and_release, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_every_problem_reported, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_special_names, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unpackageable_name, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_attribute_like_name, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_eula, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_installed_twice, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_config_tree_in_system_dir, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bugtool_layout, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bugtool_single_files_by_role, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bugtool_xml_violation_names_xml_line, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_firmware_external_names, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_example_driver, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dest_firmware_dir_and_rename, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dest_debian_udev_from_source, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dest_refused, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_dest_two_on_one_path, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
