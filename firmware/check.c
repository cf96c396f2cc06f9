// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * MODULE_FIRMWARE cross-check: a module that asks request_firmware() for a
 * file nobody ships fails at probe time on the customer's host, long after
 * the build said yes. Catch it here.
 */
#include <string.h>

#include "common/log.h"
#include "firmware/data.h"

#define FIRMWARE_PREFIX "/lib/firmware/"

static bool shipped(const struct fw_data *d, const char *name)
{
	_cleanup_free_ char *dest = kp_asprintf(FIRMWARE_PREFIX "%s", name);
	const struct fw_file *f = fw_data_find(d, dest);
	return f && !f->is_dir && f->kind == FW_KIND_FIRMWARE;
}

/* A shipped firmware file with name's file name, at another path; NULL if none. */
static const struct fw_file *shipped_elsewhere(const struct fw_data *d, const char *name)
{
	const char *base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	for (size_t i = 0; i < d->n_files; i++) {
		const struct fw_file *f = &d->files[i];
		if (f->kind == FW_KIND_FIRMWARE && !f->is_dir && kp_endswith(f->dest, base) &&
		    f->dest[strlen(f->dest) - strlen(base) - 1] == '/')
			return f;
	}
	return NULL;
}

/*
 * Not a name under /lib/firmware: the kernel loads FIRMWARE_PREFIX NAME, so a
 * name that is absolute, empty or climbs out with ".." can never be
 * shipped, and neither [data] nor firmware_external may say otherwise.
 */
static bool outside_firmware(const char *name)
{
	if (!*name || name[0] == '/')
		return true;
	for (const char *c = name; c;) {
		const char *slash = strchr(c, '/');
		size_t len = slash ? (size_t)(slash - c) : strlen(c);
		if ((len == 2 && !strncmp(c, "..", 2)) || (len == 1 && c[0] == '.'))
			return true;
		c = slash ? slash + 1 : NULL;
	}
	return false;
}

static bool declared(const struct fw_module_firmware *mods, size_t n_mods, const char *name)
{
	for (size_t i = 0; i < n_mods; i++)
		for (size_t j = 0; j < mods[i].n_names; j++)
			if (strcmp(mods[i].names[j], name) == 0)
				return true;
	return false;
}

int fw_data_check_firmware(const struct fw_data *d, const struct fw_module_firmware *mods,
			   size_t n_mods)
{
	int missing = 0;
	for (size_t i = 0; i < n_mods; i++) {
		for (size_t j = 0; j < mods[i].n_names; j++) {
			const char *name = mods[i].names[j];
			/* A module may repeat a name; say it once. */
			bool repeat = false;
			for (size_t k = 0; k < j; k++)
				repeat |= strcmp(mods[i].names[k], name) == 0;
			if (repeat)
				continue;
			if (outside_firmware(name)) {
				missing++;
				kp_err("firmware '%s' wanted by module '%s' is not a file "
				       "under " FIRMWARE_PREFIX ": no package can ship it; fix "
				       "MODULE_FIRMWARE in the module's source (names are relative "
				       "to " FIRMWARE_PREFIX ", without '..')",
				       name, mods[i].module);
				continue;
			}
			if (shipped(d, name) || kp_strv_contains(&d->firmware_external, name))
				continue;
			const struct fw_file *f = shipped_elsewhere(d, name);
			missing++;
			if (f) {
				/* The kernel looks in exactly one place: the one it asked for. */
				_cleanup_free_ char *dir = kp_strdup(name);
				char *slash = strrchr(dir, '/');
				if (slash)
					slash[1] = '\0';
				kp_err("firmware '%s' wanted by module '%s' would be installed at "
				       "'%s', but the kernel loads '" FIRMWARE_PREFIX "%s': give it "
				       "a destination (firmware = SRC -> " FIRMWARE_PREFIX "%s)",
				       name, mods[i].module, f->dest, name, slash ? dir : "");
				continue;
			}
			kp_err("firmware '%s' wanted by module '%s' is not shipped: add it to "
			       "[data] firmware or list it in firmware_external",
			       name, mods[i].module);
		}
	}

	for (size_t i = 0; i < d->n_files; i++) {
		const struct fw_file *f = &d->files[i];
		if (f->kind != FW_KIND_FIRMWARE || f->is_dir)
			continue;
		const char *name = f->dest + strlen(FIRMWARE_PREFIX);
		if (!declared(mods, n_mods, name))
			kp_warn("firmware '%s' is shipped but no module declares it "
				"(MODULE_FIRMWARE)",
				name);
	}
	for (size_t i = 0; i < d->firmware_external.n; i++) {
		const char *name = d->firmware_external.v[i];
		if (shipped(d, name))
			kp_warn("firmware '%s' is listed in firmware_external but also shipped "
				"here",
				name);
	}
	return missing ? -KP_EFAILED : 0;
}
