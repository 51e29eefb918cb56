// SPDX-License-Identifier: GPL-2.0
/*
 * -batch FILE: one command a line, run in one process over one netlink
 * socket, stopping at the first refused line (FILE:LINE: Error: ...) unless
 * -force. This file only reads and splits lines; what a line does is the
 * dispatcher's business (and coalescing, the business of the object that
 * queues lines: see fdb.c).
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vtepctl.h"

/* What makeargs() sees in a byte: one table look-up a character */
enum { C_END = 1, C_BLANK = 2, C_QUOTE = 4, C_COMMENT = 8 };

static const unsigned char char_class[256] = {
	[0] = C_END,
	[' '] = C_BLANK, ['\t'] = C_BLANK, ['\r'] = C_BLANK, ['\n'] = C_BLANK,
	['"'] = C_QUOTE, ['\''] = C_QUOTE,
	['#'] = C_COMMENT,
};

#define CLASS(c) char_class[(unsigned char)(c)]

/* The bytes a -batch line may be read past its NUL (see word_end()) */
#define LINE_PAD 8

/*
 * The end of a word: its first blank byte or the line's end. With @padded
 * the line is followed by LINE_PAD readable bytes (the -batch reader's
 * buffer is), and eight bytes are looked at a time: a subtract and two
 * masks flag the bytes below '!' (each blank is one, so is NUL), the first
 * flagged byte is a true one, and only a control character that is no
 * blank sends the walk on. About three instructions a word's byte fewer
 * than the table walk, on every word of a million-line batch.
 */
static char *word_end(char *p, bool padded)
{
	const uint64_t ones = 0x0101010101010101ULL;

	while (padded) {
		uint64_t x, below;

		memcpy(&x, p, sizeof(x));
		x = le64toh(x);
		below = (x - ones * '!') & ~x & ones * 0x80;
		if (!below) {
			p += sizeof(x);
			continue;
		}
		p += __builtin_ctzll(below) >> 3;
		if (CLASS(*p) & (C_END | C_BLANK))
			return p;
		p++;
	}
	while (!(CLASS(*p) & (C_END | C_BLANK)))
		p++;
	return p;
}

/*
 * Split a line into words in place: blanks separate, '...' and "..."
 * quote, and a word starting with '#' starts a comment. Returns the
 * number of words, -1 for too many, -2 for an unterminated quote.
 */
static int split_words(char *line, char **argv, int max, bool padded)
{
	char *p = line;
	int argc = 0;

	for (;;) {
		while (CLASS(*p) & C_BLANK)
			p++;
		if (CLASS(*p) & (C_END | C_COMMENT))
			break;
		if (argc == max)
			return -1;
		if (CLASS(*p) & C_QUOTE) {
			char *end = strchr(p + 1, *p);

			if (!end)
				return -2;
			*end = 0;
			argv[argc++] = p + 1;
			p = end + 1;
			continue;
		}
		argv[argc++] = p;
		p = word_end(p, padded);
		if (*p)
			*p++ = 0;
	}
	if (argc < max)
		argv[argc] = NULL;
	return argc;
}

int makeargs(char *line, char **argv, int max)
{
	return split_words(line, argv, max, false);
}

/* makeargs() of a line followed by LINE_PAD readable bytes */
int makeargs_padded(char *line, char **argv, int max)
{
	return split_words(line, argv, max, true);
}

/* ---- the file ---- */

/*
 * Lines come from blocks read whole (a million-line file is read in 256
 * calls, not split by stdio a line at a time); a line longer than the
 * buffer grows it. The buffer has LINE_PAD + 1 bytes past cap, zeroed
 * past the data after every read, so every line it hands out may be read
 * LINE_PAD bytes past its end.
 */
#define READ_BLOCK (256 * 1024)

struct reader {
	int fd;
	char *buf;
	size_t cap;			/* buf holds cap + LINE_PAD + 1 */
	size_t start, end;		/* the bytes not yet handed out */
	bool eof;
};

/* The next line, NUL-terminated in place without its newline, or NULL */
static char *next_line(struct reader *r)
{
	for (;;) {
		char *line = r->buf + r->start;
		char *nl = memchr(line, '\n', r->end - r->start);
		ssize_t n;

		if (nl) {
			*nl = 0;
			r->start = (size_t)(nl - r->buf) + 1;
			return line;
		}
		if (r->eof) {
			if (r->start == r->end)
				return NULL;
			r->buf[r->end] = 0;	/* the last line has no newline */
			r->start = r->end;
			return line;
		}
		memmove(r->buf, line, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
		if (r->end == r->cap) {
			char *p = realloc(r->buf, r->cap * 2 + LINE_PAD + 1);

			if (!p) {
				pr_err("out of memory");
				return NULL;
			}
			r->buf = p;
			r->cap *= 2;
		}
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)		/* a read error ends the file, as getline's did */
			r->eof = true;
		else
			r->end += (size_t)n;
		memset(r->buf + r->end, 0, LINE_PAD + 1);
	}
}

/*
 * The lines of regular file @fd, read through once (and @fd put back at
 * its start), or 0: a load's size, said to the kernel ahead (fdb lines,
 * VTEP_A_FDB_EXPECT), so that its table is sized once. A pipe is not
 * read twice: its load goes without.
 */
static unsigned int count_lines(int fd, char *buf, size_t size)
{
	unsigned int lines = 0;
	struct stat st;
	bool tail = false;
	ssize_t n;

	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		return 0;
	while ((n = read(fd, buf, size)) > 0 || (n < 0 && errno == EINTR)) {
		const char *p = buf, *end = buf + (n > 0 ? n : 0);

		while ((p = memchr(p, '\n', (size_t)(end - p)))) {
			lines++;
			p++;
		}
		if (n > 0)
			tail = buf[n - 1] != '\n';
	}
	if (n < 0 || lseek(fd, 0, SEEK_SET))
		return 0;
	return lines + tail;
}

int batch_read(struct vtep_ctx *ctx, const char *file,
	       int (*line_fn)(struct vtep_ctx *ctx, int argc, char **argv),
	       int (*flush)(struct vtep_ctx *ctx))
{
	bool is_stdin = !strcmp(file, "-");
	struct reader r = { .cap = READ_BLOCK };
	char *line, *argv[BATCH_MAX_ARGS + 1];

	r.fd = is_stdin ? STDIN_FILENO : open(file, O_RDONLY | O_CLOEXEC);
	if (r.fd < 0) {
		pr_err("cannot open \"%s\": %s", file, strerror(errno));
		return VTEP_EXIT_USAGE;
	}
	r.buf = malloc(r.cap + LINE_PAD + 1);
	if (!r.buf) {
		pr_err("out of memory");
		if (!is_stdin)
			close(r.fd);
		return VTEP_EXIT_REFUSED;
	}
	ctx->batch_file = is_stdin ? "stdin" : file;
	ctx->batch_lines = count_lines(r.fd, r.buf, r.cap);
	while ((line = next_line(&r))) {
		int argc, status = VTEP_EXIT_USAGE;

		ctx->line++;
		err_set_location(ctx->batch_file, ctx->line);
		argc = makeargs_padded(line, argv, BATCH_MAX_ARGS);
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
	free(r.buf);
	if (!is_stdin)
		close(r.fd);
	return ctx->failed ? ctx->status : 0;
}
