// SPDX-License-Identifier: GPL-2.0-or-later
#include "kbuild/release.h"

#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <string.h>

#include "common/util.h"

/* DKMS's VER(): runs of one or two digits padded to three with zeros. */
static char *padded(const char *s)
{
	struct kp_buf b = {0};
	for (const char *p = s; *p;) {
		if (!isdigit((unsigned char)*p)) {
			kp_buf_addc(&b, *p++);
			continue;
		}
		size_t n = strspn(p, "0123456789");
		for (size_t k = n; k < 3; k++)
			kp_buf_addc(&b, '0');
		kp_buf_add(&b, p, n);
		p += n;
	}
	return kp_buf_steal(&b);
}

int kb_release_cmp(const char *a, const char *b)
{
	_cleanup_free_ char *pa = padded(a), *pb = padded(b);
	return strcmp(pa, pb);
}

int kb_release_regex_check(const char *re, char **why)
{
	*why = NULL;
	regex_t rx;
	int r = regcomp(&rx, re, REG_EXTENDED | REG_NOSUB);
	if (r == 0) {
		regfree(&rx);
		return 0;
	}
	char msg[256];
	regerror(r, &rx, msg, sizeof(msg));
	*why = kp_strdup(msg);
	return -EINVAL;
}

bool kb_release_matches(const char *re, const char *release)
{
	regex_t rx;
	if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	bool match = regexec(&rx, release, 0, NULL, 0) == 0;
	regfree(&rx);
	return match;
}

bool kb_release_version_valid(const char *v)
{
	if (!isdigit((unsigned char)*v))
		return false;
	for (const char *p = v; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(".-_+~", *p))
			return false;
	return true;
}
