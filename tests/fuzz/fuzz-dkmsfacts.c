// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dkms/facts.c through dk_derive: what `kmodpack init` reads besides
 * dkms.conf, from a public driver's tree. The first byte picks the
 * dkms.conf (a version of its own, or #MODULE_VERSION# taken from
 * debian/changelog); the rest, split at NUL bytes (which no reader takes
 * in a text file), is debian/changelog, debian/control, debian/copyright,
 * the Makefile, foo.c and lic.h, in that order; a part not given is an
 * empty file.
 *
 * Beyond not crashing: derive.c promises INI text the manifest reader
 * reads back, so when every part is printable ASCII (no byte the INI
 * reader refuses on purpose), the INI layer must read what it derived.
 */
#include <stdlib.h>
#include <string.h>

#include "common/ini.h"
#include "dkms/derive.h"
#include "tests/fuzz/fuzz.h"

static const char *const parts[] = {
    "drv/debian/changelog", "drv/debian/control", "drv/debian/copyright",
    "drv/Makefile",	    "drv/foo.c",	  "drv/lic.h"};

static bool printable(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((p[i] < 0x20 && p[i] != '\n' && p[i] != '\t' && p[i] != '\0') || p[i] >= 0x7f)
			return false;
	return true;
}

/*
 * Smaller than FZ_MAX_INPUT: the readers are line by line, and every line
 * of six files costs allocations (and ASan a stack trace each); 8 KiB holds
 * a few changelog entries, a control stanza and a module's source.
 * scripts/fuzz.sh passes the same number to libFuzzer as -max_len.
 */
#define FACTS_MAX_INPUT (8 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > FACTS_MAX_INPUT)
		return 0;
	fz_init();
	const uint8_t *p = data + 1, *end = data + size;
	for (size_t i = 0; i < KP_ARRAY_SIZE(parts); i++) {
		const uint8_t *nul = p < end ? memchr(p, '\0', end - p) : NULL;
		const uint8_t *e = nul ? nul : end;
		fz_file(parts[i], p, p < end ? (size_t)(e - p) : 0);
		p = nul ? nul + 1 : end;
	}
	static const char own[] = "PACKAGE_NAME=\"foo\"\nPACKAGE_VERSION=\"1.0\"\n"
				  "BUILT_MODULE_NAME[0]=\"foo\"\n";
	static const char deb[] = "PACKAGE_NAME=\"foo\"\nPACKAGE_VERSION=\"#MODULE_VERSION#\"\n"
				  "BUILT_MODULE_NAME[0]=\"foo\"\n";
	const char *conf = data[0] & 1 ? deb : own;
	const char *path = fz_file("drv/dkms.conf", (const uint8_t *)conf, strlen(conf));
	struct dk_derived *d = NULL;
	if (dk_derive(path, DK_DERIVE_FOR_REVIEW, &d) < 0)
		return 0;
	struct kp_ini *ini = NULL;
	if (kp_ini_parse("kmodpack.ini", d->ini, &ini) < 0) {
		if (printable(data + 1, size - 1))
			abort(); /* derive wrote INI text that its own reader refuses */
	} else {
		kp_ini_free(ini);
	}
	dk_derived_free(d);
	return 0;
}
