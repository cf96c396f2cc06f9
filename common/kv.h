/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A key = value pair read from an INI file, with where it was read. */
#ifndef KP_KV_H
#define KP_KV_H

struct kp_kv {
	char *key;
	char *value; /* multi-line values joined with '\n' */
	int line;    /* 1-based line of the key in its file */
};

#endif
