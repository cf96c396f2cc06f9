// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Step 7, each module as the package ships it: debug sections removed, as
 * `make modules_install INSTALL_MOD_STRIP=1` does (strip --strip-debug),
 * and the debug data kept in a .debug file under /usr/lib/debug with a GNU
 * debuglink in the module, as rpm's find-debuginfo lays it out; the
 * debuginfo package of each flavour holds those files (docs/building.md).
 *
 * Why binutils' objcopy through common/runner.c, not libelf: a module is a
 * relocatable object whose debug sections carry relocations (.rela.debug_*)
 * and symbols that point at them. Removing sections means renumbering the
 * section and symbol tables and the relocations' links, and the .debug file
 * must keep the relocations so gdb and crash can apply them; objcopy does
 * exactly this and is what the kernel's own modules_install and rpm's
 * find-debuginfo run. binutils is already needed (the compiler's
 * assembler and linker). Its output is a function of its input only, so
 * stripped modules stay reproducible.
 */
#include "builder/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/runner.h"

/*
 * Run objcopy with args; on failure show what it said. Its output goes to a
 * file in $TMPDIR, not the staging dir: when the output dir's file system
 * is full, "No space left on device" must still reach the user.
 */
static int objcopy(const char *flavour, const char *src, char *const *args)
{
	const char *tmp = getenv("TMPDIR");
	_cleanup_free_ char *log =
	    kp_asprintf("%s/kmodpack-objcopy-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(log);
	if (fd < 0) {
		int r = -errno;
		kp_err("cannot create '%s': %s", log, strerror(-r));
		return r;
	}
	close(fd);
	int st = kp_run(args, NULL, log);
	_cleanup_free_ char *text = NULL;
	kp_read_file(log, &text, NULL);
	unlink(log);
	if (st < 0) {
		if (st == -KP_EENV)
			kp_err("cannot run objcopy to strip the modules: install binutils");
		return st;
	}
	if (st != 0) {
		kp_err_at(&(struct kp_log_where){.flavour = flavour},
			  "flavour %s: objcopy exited with %d on '%s': %s", flavour, st, src,
			  text && *kp_strstrip(text) ? text : "(no output)");
		return -KP_EFAILED;
	}
	return 0;
}

int bld_strip_module(struct bld_run *rn, size_t i, const char *src, const char *dest,
		     const char *debug)
{
	const char *flavour = rn->t->flavours[i].name;
	_cleanup_free_ char *ddir = kp_strdup(debug);
	*strrchr(ddir, '/') = '\0';
	int r = kp_mkdir_p(ddir, 0755);
	if (r < 0) {
		kp_err("cannot create '%s': %s", ddir, strerror(-r));
		return r;
	}
	char *keep[] = {"objcopy", "--only-keep-debug", (char *)src, (char *)debug, NULL};
	if ((r = objcopy(flavour, src, keep)) < 0)
		return r;
	/* The debuglink names the .debug file's base name and its CRC32. */
	_cleanup_free_ char *link = kp_asprintf("--add-gnu-debuglink=%s", debug);
	char *strip[] = {"objcopy", "--strip-debug", link, (char *)src, (char *)dest, NULL};
	if ((r = objcopy(flavour, src, strip)) < 0)
		return r;
	if (chmod(dest, 0644) < 0 || chmod(debug, 0644) < 0) {
		r = -errno;
		kp_err("cannot set the mode of '%s': %s", dest, strerror(-r));
	}
	return r;
}
