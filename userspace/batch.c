// SPDX-License-Identifier: GPL-2.0
/*
 * -batch FILE: one command a line, run in one process over one netlink
 * socket, stopping at the first refused line (FILE:LINE: Error: ...) unless
 * -force. This file only reads and splits lines; what a line does is the
 * dispatcher's business (and coalescing, the business of the object that
 * queues lines: see fdb.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vtepctl.h"

/*
 * Split a line into words in place: blanks separate, '...' and "..."
 * quote, and a word starting with '#' starts a comment. Returns the
 * number of words, -1 for too many, -2 for an unterminated quote.
 */
int makeargs(char *line, char **argv, int max)
{
	char *p = line;
	int argc = 0;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p || *p == '#')
			break;
		if (argc == max)
			return -1;
		if (*p == '"' || *p == '\'') {
			char *end = strchr(p + 1, *p);

			if (!end)
				return -2;
			*end = 0;
			argv[argc++] = p + 1;
			p = end + 1;
			continue;
		}
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			p++;
		if (*p)
			*p++ = 0;
	}
	if (argc < max)
		argv[argc] = NULL;
	return argc;
}

/* ---- the file ---- */

int batch_read(struct vtep_ctx *ctx, const char *file,
	       int (*line_fn)(struct vtep_ctx *ctx, int argc, char **argv),
	       int (*flush)(struct vtep_ctx *ctx))
{
	bool is_stdin = !strcmp(file, "-");
	char *line = NULL, *argv[BATCH_MAX_ARGS + 1];
	size_t cap = 0;
	FILE *f;

	f = is_stdin ? stdin : fopen(file, "r");
	if (!f) {
		pr_err("cannot open \"%s\": %s", file, strerror(errno));
		return VTEP_EXIT_USAGE;
	}
	ctx->batch_file = is_stdin ? "stdin" : file;
	while (getline(&line, &cap, f) >= 0) {
		int argc, status = VTEP_EXIT_USAGE;

		ctx->line++;
		err_set_location(ctx->batch_file, ctx->line);
		argc = makeargs(line, argv, BATCH_MAX_ARGS);
		if (argc == 0)
			continue;
		if (argc < 0) {
			if (flush(ctx) && !ctx->force)
				break;
			pr_err("%s", argc == -1 ? "too many words on the line" :
			       "unterminated quote");
		} else {
			status = line_fn(ctx, argc, argv);
			if (!status)
				continue;
		}
		ctx_failed(ctx, status);
		if (!ctx->force)
			break;
	}
	flush(ctx);
	print_flush();
	err_set_location(NULL, 0);
	free(line);
	if (!is_stdin)
		fclose(f);
	return ctx->failed ? ctx->status : 0;
}
