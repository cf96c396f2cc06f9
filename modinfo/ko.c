// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The .ko reader. The only file that includes <libelf.h>/<gelf.h>.
 *
 * A module is hostile input (a vendor tarball, a download): libelf is asked
 * to validate what it can, and every offset it hands back is checked again
 * against the bytes we actually hold before anything is dereferenced.
 */
#include "modinfo/ko.h"

#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdint.h>
#include <string.h>

#include "common/fs.h"
#include "common/log.h"
#include "modinfo/unpack.h"

struct mi_ko {
	char *path;
	char *name;
	char *strings; /* our copy of .modinfo, '=' replaced by NUL */
	struct mi_field *fields;
	size_t nfields;
	struct mi_sig sig; /* id_type NULL: not signed */
};

void mi_ko_free(struct mi_ko *ko)
{
	if (!ko)
		return;
	free(ko->path);
	free(ko->name);
	free(ko->strings);
	free(ko->fields);
	mi_sig_release(&ko->sig);
	free(ko);
}

KP_DEFINE_TRIVIAL_CLEANUP_FUNC(Elf *, elf_end);

/*
 * Find .modinfo and copy its bytes out. Returns 0, or -KP_EINPUT after
 * logging; *out is not NUL-terminated by us: the caller proves termination.
 */
static int find_modinfo(const char *path, char *image, size_t size, char **out, size_t *out_len)
{
	_cleanup_(elf_endp) Elf *e = NULL;
	size_t shstrndx, nsections;
	Elf_Scn *scn = NULL;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		kp_err("libelf is out of date: %s", elf_errmsg(-1));
		return -KP_EENV;
	}
	e = elf_memory(image, size);
	if (!e || elf_kind(e) != ELF_K_ELF) {
		kp_err("'%s': not an ELF file (not a kernel module?)", path);
		return -KP_EINPUT;
	}
	if (gelf_getclass(e) == ELFCLASSNONE) {
		kp_err("'%s': unknown ELF class (corrupt module?)", path);
		return -KP_EINPUT;
	}
	if (elf_getshdrnum(e, &nsections) != 0 || nsections == 0) {
		kp_err("'%s': no ELF section headers (truncated or not a kernel module?)", path);
		return -KP_EINPUT;
	}
	if (elf_getshdrstrndx(e, &shstrndx) != 0 || shstrndx >= nsections) {
		kp_err("'%s': invalid section name table index (corrupt module?)", path);
		return -KP_EINPUT;
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *name;
		if (!gelf_getshdr(scn, &sh)) {
			kp_err("'%s': unreadable section header: %s", path, elf_errmsg(-1));
			return -KP_EINPUT;
		}
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name) {
			kp_err("'%s': section name out of range (corrupt module?)", path);
			return -KP_EINPUT;
		}
		if (strcmp(name, ".modinfo") != 0)
			continue;
		if (sh.sh_type == SHT_NOBITS) {
			kp_err("'%s': .modinfo section has no contents (corrupt module?)", path);
			return -KP_EINPUT;
		}
		/* sh_offset + sh_size, checked without overflow. */
		if (sh.sh_offset > size || sh.sh_size > size - sh.sh_offset) {
			kp_err("'%s': .modinfo section lies past the end of the file "
			       "(truncated module?)",
			       path);
			return -KP_EINPUT;
		}
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!d || (d->d_size && !d->d_buf) || d->d_size > sh.sh_size) {
			kp_err("'%s': unreadable .modinfo section: %s", path, elf_errmsg(-1));
			return -KP_EINPUT;
		}
		*out = kp_malloc(d->d_size + 1);
		if (d->d_size) /* an empty section has no buffer at all */
			memcpy(*out, d->d_buf, d->d_size);
		*out_len = d->d_size;
		return 0;
	}
	kp_err("'%s': no .modinfo section (not a kernel module?)", path);
	return -KP_EINPUT;
}

/* Split the section into key=value fields, in place. */
static int parse_fields(const char *path, struct mi_ko *ko, size_t len)
{
	char *s = ko->strings;
	size_t alloc = 0;

	if (len == 0) {
		kp_err("'%s': .modinfo section is empty (not a kernel module?)", path);
		return -KP_EINPUT;
	}
	if (s[len - 1] != '\0') {
		kp_err("'%s': .modinfo does not end in a NUL byte (truncated or corrupt module?)",
		       path);
		return -KP_EINPUT;
	}
	for (size_t i = 0; i < len;) {
		/* modpost and the linker align entries with NUL padding. */
		if (s[i] == '\0') {
			i++;
			continue;
		}
		char *str = s + i;
		size_t n = strlen(str); /* bounded: s[len - 1] is NUL */
		i += n + 1;
		if (ko->nfields == alloc) {
			alloc = alloc ? alloc * 2 : 32;
			ko->fields = kp_reallocarray(ko->fields, alloc, sizeof(*ko->fields));
		}
		char *eq = strchr(str, '=');
		if (eq)
			*eq = '\0';
		/* A string without '=' is kept as a key with an empty value, as kmod does. */
		ko->fields[ko->nfields++] = (struct mi_field){str, eq ? eq + 1 : str + n};
	}
	return 0;
}

static char *name_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	const char *dot = strstr(base, ".ko");
	char *name = dot ? kp_strndup(base, dot - base) : kp_strdup(base);
	for (char *p = name; *p; p++)
		if (*p == '-')
			*p = '_';
	return name;
}

int mi_ko_open_mem(const char *path, void *data, size_t len, struct mi_ko **out)
{
	_cleanup_(mi_ko_freep) struct mi_ko *ko = kp_calloc(1, sizeof(*ko));
	_cleanup_free_ char *plain = NULL;
	size_t section_len = 0;
	int r;

	if (mi_is_compressed(data, len)) {
		size_t plain_len;
		r = mi_unpack(path, data, len, &plain, &plain_len);
		if (r < 0)
			return r;
		data = plain;
		len = plain_len;
	}
	r = find_modinfo(path, data, len, &ko->strings, &section_len);
	if (r < 0)
		return r;
	r = parse_fields(path, ko, section_len);
	if (r < 0)
		return r;
	mi_sig_read(data, len, &ko->sig);
	ko->path = kp_strdup(path);
	const char *name = mi_ko_get(ko, "name");
	ko->name = name && *name ? kp_strdup(name) : name_from_path(path);
	*out = TAKE_PTR(ko);
	return 0;
}

int mi_ko_open(const char *path, struct mi_ko **out)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	int r;

	if (!kp_is_file(path)) {
		kp_err("'%s': %s", path,
		       kp_is_dir(path) ? "is a directory, not a module" : "no such file");
		return -KP_EINPUT;
	}
	r = kp_read_file(path, &data, &len);
	if (r < 0) {
		kp_err("cannot read '%s': %s", path, strerror(-r));
		return -KP_EINPUT;
	}
	return mi_ko_open_mem(path, data, len, out);
}

const struct mi_sig *mi_ko_sig(const struct mi_ko *ko)
{
	return ko->sig.id_type ? &ko->sig : NULL;
}

const char *mi_ko_name(const struct mi_ko *ko)
{
	return ko->name;
}

const char *mi_ko_path(const struct mi_ko *ko)
{
	return ko->path;
}

size_t mi_ko_nfields(const struct mi_ko *ko)
{
	return ko->nfields;
}

const struct mi_field *mi_ko_field(const struct mi_ko *ko, size_t i)
{
	return i < ko->nfields ? &ko->fields[i] : NULL;
}

const char *mi_ko_get(const struct mi_ko *ko, const char *key)
{
	for (size_t i = 0; i < ko->nfields; i++)
		if (!strcmp(ko->fields[i].key, key))
			return ko->fields[i].value;
	return NULL;
}

void mi_ko_get_all(const struct mi_ko *ko, const char *key, struct kp_strv *out)
{
	for (size_t i = 0; i < ko->nfields; i++)
		if (!strcmp(ko->fields[i].key, key))
			kp_strv_push(out, ko->fields[i].value);
}

/* ---- symbols ---- */

void mi_ko_syms_release(struct mi_ko_syms *s)
{
	kp_strv_release(&s->needs);
	for (size_t i = 0; i < s->nversions; i++)
		free(s->versions[i].name);
	for (size_t i = 0; i < s->nexports; i++)
		free(s->exports[i].name);
	free(s->versions);
	free(s->exports);
	*s = (struct mi_ko_syms){0};
}

static uint32_t get_u32(const unsigned char *p, bool big)
{
	return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
		   : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static struct mi_symver *export_slot(struct mi_ko_syms *s, const char *name)
{
	for (size_t i = 0; i < s->nexports; i++)
		if (!strcmp(s->exports[i].name, name))
			return &s->exports[i];
	s->exports = kp_reallocarray(s->exports, s->nexports + 1, sizeof(*s->exports));
	s->exports[s->nexports] = (struct mi_symver){.name = kp_strdup(name)};
	return &s->exports[s->nexports++];
}

/*
 * __versions: struct modversion_info { unsigned long crc; char name[64 -
 * sizeof(unsigned long)]; }, in the module's own word size and byte order.
 */
static int read_versions(const char *path, Elf_Data *d, int cls, bool big, struct mi_ko_syms *s)
{
	size_t word = cls == ELFCLASS64 ? 8 : 4;
	const unsigned char *b = d->d_buf;
	if (d->d_size % 64) {
		kp_err("'%s': __versions is not a whole number of entries (corrupt module?)", path);
		return -KP_EINPUT;
	}
	for (size_t off = 0; off < d->d_size; off += 64) {
		const char *name = (const char *)b + off + word;
		size_t n = strnlen(name, 64 - word);
		if (n == 64 - word) {
			kp_err("'%s': unterminated name in __versions (corrupt module?)", path);
			return -KP_EINPUT;
		}
		/* The CRC is the low 32 bits of the word, wherever byte order puts them. */
		uint32_t crc = get_u32(b + off + (big ? word - 4 : 0), big);
		s->versions = kp_reallocarray(s->versions, s->nversions + 1, sizeof(*s->versions));
		s->versions[s->nversions++] =
		    (struct mi_symver){.name = kp_strndup(name, n), .crc = crc, .has_crc = true};
	}
	return 0;
}

static int read_symtab(const char *path, Elf *e, Elf_Scn *scn, const GElf_Shdr *sh, bool big,
		       struct mi_ko_syms *s)
{
	Elf_Data *d = elf_getdata(scn, NULL);
	if (!d || !sh->sh_entsize) {
		kp_err("'%s': unreadable symbol table: %s", path, elf_errmsg(-1));
		return -KP_EINPUT;
	}
	size_t n = sh->sh_size / sh->sh_entsize;
	for (size_t i = 1; i < n; i++) {
		GElf_Sym sym;
		if (!gelf_getsym(d, (int)i, &sym)) {
			kp_err("'%s': unreadable symbol %zu (corrupt module?)", path, i);
			return -KP_EINPUT;
		}
		const char *name = elf_strptr(e, sh->sh_link, sym.st_name);
		if (!name) {
			kp_err("'%s': symbol name out of range (corrupt module?)", path);
			return -KP_EINPUT;
		}
		if (!*name || GELF_ST_TYPE(sym.st_info) == STT_SECTION)
			continue;
		if (sym.st_shndx == SHN_UNDEF) {
			/* The loader leaves a missing weak symbol at 0: not a need. */
			if (GELF_ST_BIND(sym.st_info) == STB_WEAK)
				continue;
			if (!kp_strv_contains(&s->needs, name))
				kp_strv_push(&s->needs, name);
		} else if (kp_startswith(name, "__ksymtab_")) {
			export_slot(s, name + strlen("__ksymtab_"));
		} else if (kp_startswith(name, "__crc_")) {
			struct mi_symver *v = export_slot(s, name + strlen("__crc_"));
			/* Before 5.19 a CRC was an absolute symbol; since, 4 bytes in __kcrctab. */
			if (sym.st_shndx == SHN_ABS) {
				v->crc = (uint32_t)sym.st_value;
				v->has_crc = true;
				continue;
			}
			Elf_Scn *cs = elf_getscn(e, sym.st_shndx);
			Elf_Data *cd = cs ? elf_getdata(cs, NULL) : NULL;
			if (!cd || !cd->d_buf || sym.st_value > cd->d_size ||
			    cd->d_size - sym.st_value < 4) {
				kp_err("'%s': CRC of '%s' lies outside its section (corrupt "
				       "module?)",
				       path, name + strlen("__crc_"));
				return -KP_EINPUT;
			}
			v->crc = get_u32((const unsigned char *)cd->d_buf + sym.st_value, big);
			v->has_crc = true;
		}
	}
	return 0;
}

static int read_syms(const char *path, char *image, size_t size, struct mi_ko_syms *s)
{
	_cleanup_(elf_endp) Elf *e = NULL;
	size_t shstrndx;
	Elf_Scn *scn = NULL;
	GElf_Ehdr eh;
	bool have_symtab = false;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		kp_err("libelf is out of date: %s", elf_errmsg(-1));
		return -KP_EENV;
	}
	e = elf_memory(image, size);
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
		kp_err("'%s': not an ELF file (not a kernel module?)", path);
		return -KP_EINPUT;
	}
	int cls = gelf_getclass(e);
	bool big = eh.e_ident[EI_DATA] == ELFDATA2MSB;
	if (elf_getshdrstrndx(e, &shstrndx) != 0) {
		kp_err("'%s': invalid section name table index (corrupt module?)", path);
		return -KP_EINPUT;
	}
	int r = 0;
	while (r == 0 && (scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		if (!gelf_getshdr(scn, &sh)) {
			kp_err("'%s': unreadable section header: %s", path, elf_errmsg(-1));
			return -KP_EINPUT;
		}
		const char *name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name) {
			kp_err("'%s': section name out of range (corrupt module?)", path);
			return -KP_EINPUT;
		}
		if (sh.sh_type == SHT_NOBITS || sh.sh_offset > size ||
		    sh.sh_size > size - sh.sh_offset)
			continue;
		if (sh.sh_type == SHT_SYMTAB) {
			have_symtab = true;
			r = read_symtab(path, e, scn, &sh, big, s);
		} else if (!strcmp(name, "__versions")) {
			Elf_Data *d = elf_getdata(scn, NULL);
			if (!d || (d->d_size && !d->d_buf)) {
				kp_err("'%s': unreadable __versions: %s", path, elf_errmsg(-1));
				return -KP_EINPUT;
			}
			r = read_versions(path, d, cls, big, s);
		}
	}
	if (r == 0 && !have_symtab) {
		kp_err("'%s': no symbol table (stripped with --strip-all? the kernel cannot "
		       "load it either)",
		       path);
		r = -KP_EINPUT;
	}
	return r;
}

int mi_ko_read_syms(const char *path, struct mi_ko_syms *out)
{
	_cleanup_free_ char *data = NULL;
	size_t len = 0;
	*out = (struct mi_ko_syms){0};
	int r = kp_read_file(path, &data, &len);
	if (r < 0) {
		kp_err("cannot read '%s': %s", path, strerror(-r));
		return -KP_EINPUT;
	}
	return mi_ko_read_syms_mem(path, data, len, out);
}

int mi_ko_read_syms_mem(const char *path, void *data, size_t len, struct mi_ko_syms *out)
{
	_cleanup_free_ char *plain = NULL;
	*out = (struct mi_ko_syms){0};
	char *image = data;
	int r;
	if (mi_is_compressed(data, len)) {
		if ((r = mi_unpack(path, data, len, &plain, &len)) < 0)
			return r;
		image = plain;
	}
	r = read_syms(path, image, len, out);
	if (r < 0)
		mi_ko_syms_release(out);
	return r;
}
