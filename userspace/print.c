// SPDX-License-Identifier: GPL-2.0
/*
 * Output: every field is printed once, through a helper that writes it as
 * text, as JSON, or both (PRINT_FP, PRINT_JSON, PRINT_ANY), in the manner
 * of iproute2's json_print. Text goes through a line buffer so lines end
 * without a trailing space; JSON is written by a small streaming writer.
 *
 * Errors have one voice: "Error: ..." on stderr, one line, prefixed by
 * "FILE:LINE: " inside -batch.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "vtepctl.h"

/* The fmt arguments of the helpers are the callers' literals */
#pragma GCC diagnostic ignored "-Wformat-nonliteral"

#define JSON_DEPTH 16

struct out_state {
	FILE *fp;
	bool json, pretty;
	bool compat;			/* VTEPCTL_JSON_COMPAT: the old keys */
	const char *first_key;		/* written first in the next object */
	const char *first_val;
	int depth;
	bool first[JSON_DEPTH];		/* no element yet at this depth */
	char *line;			/* text line buffer */
	size_t len, cap;
};

static struct out_state out = { .fp = NULL };
static struct out_state saved;
static char *cap_buf;
static size_t cap_len;
static bool capturing;

static FILE *out_fp(void)
{
	return out.fp ? out.fp : stdout;
}

void print_setup(FILE *fp, bool json, bool pretty)
{
	free(out.line);
	memset(&out, 0, sizeof(out));
	out.fp = fp;
	out.json = json;
	out.pretty = json && pretty;	/* -p alone does nothing, as in ip */
	out.compat = json_compat_env();
}

bool is_json(void)
{
	return out.json;
}

/*
 * VTEPCTL_JSON_COMPAT=1 (any value but "" and "0"): JSON keys renamed to
 * ip's and bridge's names are printed under their old names, for one
 * release, so scripts have time to move (vtepctl.8, JSON).
 */
bool json_compat_env(void)
{
	const char *v = getenv("VTEPCTL_JSON_COMPAT");

	return v && *v && strcmp(v, "0");
}

bool json_compat(void)
{
	return out.json && out.compat;
}

/* -s, -d: what a show adds to its default output, as ip's globals */
static struct {
	bool stats, details;
} show_flags;

void print_show_flags(bool stats, bool details)
{
	show_flags.stats = stats;
	show_flags.details = details;
}

bool show_stats(void)
{
	return show_flags.stats;
}

bool show_details(void)
{
	return show_flags.details;
}

void print_first_key(const char *key, const char *val)
{
	out.first_key = key;
	out.first_val = val;
}

/* ---- text ---- */

static void text_vadd(const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	if (out.len + (size_t)n + 1 > out.cap) {
		size_t cap = (out.len + (size_t)n + 1) * 2;
		char *p = realloc(out.line, cap);

		if (!p)
			return;
		out.line = p;
		out.cap = cap;
	}
	vsnprintf(out.line + out.len, out.cap - out.len, fmt, ap);
	out.len += (size_t)n;
}

static void text_add(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	text_vadd(fmt, ap);
	va_end(ap);
}

void print_text(const char *fmt, ...)
{
	va_list ap;

	if (out.json)
		return;
	va_start(ap, fmt);
	text_vadd(fmt, ap);
	va_end(ap);
}

void print_nl(void)
{
	if (out.json)
		return;
	while (out.len && out.line[out.len - 1] == ' ')
		out.len--;
	fwrite(out.line ? out.line : "", 1, out.len, out_fp());
	fputc('\n', out_fp());
	out.len = 0;
}

void print_flush(void)
{
	if (out.len) {
		fwrite(out.line, 1, out.len, out_fp());
		out.len = 0;
	}
	fflush(out_fp());
}

void print_raw(const char *s, size_t len)
{
	if (out.len) {
		fwrite(out.line, 1, out.len, out_fp());
		out.len = 0;
	}
	fwrite(s, 1, len, out_fp());
}

/* ---- JSON ---- */

static void json_indent(void)
{
	fputc('\n', out_fp());
	for (int i = 0; i < out.depth; i++)
		fputs("    ", out_fp());
}

static void json_string(const char *s)
{
	FILE *fp = out_fp();

	fputc('"', fp);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(fp, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", fp);
		else if (c == '\t')
			fputs("\\t", fp);
		else if (c < 0x20)
			fprintf(fp, "\\u%04x", c);
		else
			fputc(c, fp);
	}
	fputc('"', fp);
}

/* Separator, indentation and key before a value at the current depth */
static void json_start(const char *key)
{
	if (out.depth > 0) {
		if (!out.first[out.depth])
			fputc(',', out_fp());
		out.first[out.depth] = false;
		if (out.pretty)
			json_indent();
	}
	if (key && out.depth > 0) {
		json_string(key);
		fputs(out.pretty ? ": " : ":", out_fp());
	}
}

static void json_open(const char *key, char c)
{
	json_start(key);
	fputc(c, out_fp());
	if (out.depth < JSON_DEPTH - 1)
		out.depth++;
	out.first[out.depth] = true;
}

static void json_close(char c)
{
	bool empty = out.first[out.depth];

	if (out.depth > 0)
		out.depth--;
	if (out.pretty && !empty)
		json_indent();
	fputc(c, out_fp());
	if (out.depth == 0)
		fputc('\n', out_fp());
}

void open_json_array(const char *key)
{
	if (out.json)
		json_open(key, '[');
}

void open_json_object(const char *key)
{
	const char *k = out.first_key;

	if (!out.json)
		return;
	json_open(key, '{');
	if (k && out.depth <= 2) {	/* a line's object, or a show's */
		out.first_key = NULL;
		print_string(PRINT_JSON, k, "%s", out.first_val);
	}
}

void close_json_array(void)
{
	if (out.json)
		json_close(']');
}

void close_json_object(void)
{
	if (out.json)
		json_close('}');
}

void print_string(int type, const char *key, const char *fmt, const char *v)
{
	if (out.json) {
		if (!(type & PRINT_JSON))
			return;
		json_start(key);
		json_string(v);
	} else if (type & PRINT_FP) {
		text_add(fmt, v);
	}
}

void print_uint(int type, const char *key, const char *fmt, unsigned int v)
{
	if (out.json) {
		if (!(type & PRINT_JSON))
			return;
		json_start(key);
		fprintf(out_fp(), "%u", v);
	} else if (type & PRINT_FP) {
		text_add(fmt, v);
	}
}

void print_u64(int type, const char *key, const char *fmt, uint64_t v)
{
	if (out.json) {
		if (!(type & PRINT_JSON))
			return;
		json_start(key);
		fprintf(out_fp(), "%llu", (unsigned long long)v);
	} else if (type & PRINT_FP) {
		text_add(fmt, (unsigned long long)v);	/* fmt: %llu */
	}
}

void print_on_off(int type, const char *key, const char *fmt, bool v)
{
	if (out.json) {
		if (!(type & PRINT_JSON))
			return;
		json_start(key);
		fputs(v ? "true" : "false", out_fp());
	} else if (type & PRINT_FP) {
		text_add(fmt, v ? "on" : "off");
	}
}

void print_bool(const char *key, bool v)
{
	print_on_off(PRINT_JSON, key, "%s", v);
}

void print_vni_dev_end(uint32_t vni, const char *dev)
{
	print_uint(PRINT_ANY, "vni", "vni %u ", vni);
	if (dev)
		print_string(PRINT_ANY, "ifname", "dev %s ", dev);
	close_json_object();
	print_nl();
}

void print_null(const char *key)
{
	if (out.json) {
		json_start(key);
		fputs("null", out_fp());
	}
}

/*
 * A dump may be interrupted by concurrent changes and retried; what it
 * printed meanwhile goes to memory and reaches the real output only when
 * the dump is kept, so no entry is printed twice.
 */
void print_capture_begin(void)
{
	FILE *mem;

	if (out.len) {
		fwrite(out.line, 1, out.len, out_fp());
		out.len = 0;
	}
	mem = open_memstream(&cap_buf, &cap_len);
	capturing = mem != NULL;
	if (!capturing)
		return;		/* no memory: print as it comes */
	saved = out;
	out.fp = mem;
	out.line = NULL;
	out.len = out.cap = 0;
}

void print_capture_end(bool keep)
{
	struct out_state now = out;

	if (!capturing)
		return;
	capturing = false;
	fclose(now.fp);
	out = saved;
	if (keep) {
		fwrite(cap_buf, 1, cap_len, out_fp());
		/* carry the JSON position and any partial text line over */
		out.depth = now.depth;
		memcpy(out.first, now.first, sizeof(out.first));
		if (now.len)
			text_add("%.*s", (int)now.len, now.line);
	}
	free(now.line);
	free(cap_buf);
	cap_buf = NULL;
	cap_len = 0;
}

/* ---- errors ---- */

static FILE *err_out;
static const char *err_file;
static unsigned int err_line;
static bool deferring;
static char deferred[1200];	/* location, kind and message */

void err_setup(FILE *err)
{
	err_out = err;
}

void err_set_location(const char *file, unsigned int line)
{
	err_file = file;
	err_line = line;
}

/*
 * In -batch, a parse error on an FDB line is held back until the entries
 * queued before it are sent: if one of those is refused, that earlier
 * line is the first error and the held one is dropped.
 */
void err_defer(bool on)
{
	deferring = on;
	if (on)
		deferred[0] = 0;
}

bool err_emit_deferred(void)
{
	bool had = deferred[0] != 0;

	if (had)
		fputs(deferred, err_out ? err_out : stderr);
	deferred[0] = 0;
	return had;
}

/*
 * One diagnostic line, "[FILE:LINE: ][KIND: ]MESSAGE\n", into buf: the
 * shape every error, warning and message takes, whichever thread prints it.
 */
static void err_format(char *buf, size_t size, const char *file,
		       unsigned int line, const char *kind, const char *fmt,
		       va_list ap)
{
	char msg[768], loc[320] = "";

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (file)
		snprintf(loc, sizeof(loc), "%.300s:%u: ", file, line);
	snprintf(buf, size, "%s%s%s%s\n", loc, kind ? kind : "",
		 kind ? ": " : "", msg);
}

static void err_vprint(const char *kind, const char *fmt, va_list ap)
{
	char text[sizeof(deferred)];

	if (deferring) {
		err_format(deferred, sizeof(deferred), err_file, err_line,
			   kind, fmt, ap);
		return;
	}
	err_format(text, sizeof(text), err_file, err_line, kind, fmt, ap);
	print_flush();
	fputs(text, err_out ? err_out : stderr);
}

/*
 * For a thread other than the parser's (fdb's -batch sender): the location
 * is the caller's, nothing is deferred and the output buffer is not
 * touched (the parser flushed it before the thread started). One fputs,
 * so a line is never split by another thread's.
 */
void pr_at(const char *file, unsigned int line, const char *kind,
	   const char *fmt, ...)
{
	char text[sizeof(deferred)];
	va_list ap;

	va_start(ap, fmt);
	err_format(text, sizeof(text), file, line, kind, fmt, ap);
	va_end(ap);
	fputs(text, err_out ? err_out : stderr);
}

void pr_msg(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vprint(NULL, fmt, ap);
	va_end(ap);
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vprint("Error", fmt, ap);
	va_end(ap);
}

void pr_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vprint("Warning", fmt, ap);
	va_end(ap);
}

int invarg(const char *why, const char *arg)
{
	pr_err("argument \"%s\" is wrong: %s", arg, why);
	return -1;
}
