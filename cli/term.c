// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The one writer of standard error while a live block (build's line per
 * flavour) is on a terminal. The block always sits below everything else:
 * a message first erases the block, prints itself where the block was,
 * then the block is drawn again under it. So nothing printed during a
 * build is ever overwritten, and messages stay in the order they happened.
 */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/cli.h"
#include "common/util.h"

static struct {
	bool live;   /* a block is being shown: messages go above it */
	char *block; /* the block's text, lines ending in '\n' */
	size_t drawn; /* lines of the block on the screen now */
} term;

static size_t columns(void)
{
	struct winsize ws;
	if (ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
		return ws.ws_col;
	return 80;
}

/* Move to the block's first line and clear from there down. */
static void erase(struct kp_buf *b)
{
	if (term.drawn)
		kp_buf_addf(b, "\r\033[%zuA\033[J", term.drawn);
	term.drawn = 0;
}

/*
 * Each line is cut to the terminal's width, so no line wraps and the
 * cursor-up count stays right.
 */
static void draw(struct kp_buf *b)
{
	size_t width = columns() - 1;
	for (const char *p = term.block; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		kp_buf_addf(b, "%.*s\n", (int)(len < width ? len : width), p);
		term.drawn++;
		p += len + (nl ? 1 : 0);
	}
}

static void flush(struct kp_buf *b)
{
	if (b->len)
		fwrite(b->s, 1, b->len, stderr);
	fflush(stderr);
	kp_buf_release(b);
}

void cli_term_message(const char *text)
{
	if (!term.live) {
		fputs(text, stderr);
		return;
	}
	struct kp_buf b = {0};
	erase(&b);
	kp_buf_adds(&b, text);
	draw(&b);
	flush(&b);
}

void cli_term_block(const char *text)
{
	struct kp_buf b = {0};
	term.live = true;
	erase(&b);
	free(term.block);
	term.block = kp_strdup(text);
	draw(&b);
	flush(&b);
}

void cli_term_end(void)
{
	free(term.block);
	term.block = NULL;
	term.drawn = 0;
	term.live = false;
}
