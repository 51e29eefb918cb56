// SPDX-License-Identifier: GPL-2.0
/*
 * -batch FILE: one command a line, run in one process over one netlink
 * socket, stopping at the first refused line (FILE:LINE: Error: ...) unless
 * -force.
 *
 * Bulk loads are the reason for this mode, so consecutive "fdb add" (or
 * "fdb replace") lines for one device are not sent one message each: they
 * are queued and sent as VTEP_A_FDB_LIST messages of up to FDB_BATCH_BYTES
 * (a few thousand entries), which the kernel applies whole or not at all.
 * Any other line sends the queue first, so lines still take effect in file
 * order. When the kernel refuses a list, its extack offset names the entry
 * nest, which maps back to the line it came from; the entries before it,
 * which the kernel rolled back with the list, are sent again, so the table
 * ends up exactly as if the file had been run line by line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "vtepctl.h"

struct fdb_batch {
	char dev[IFNAMSIZ];
	bool replace;
	struct fdb_batch_entry *e;
	unsigned int n, cap;
	size_t bytes;			/* size of the message being queued */
	char *buf;
};

#define BATCH_HDR_BYTES (NLMSG_HDRLEN + 4 + MNL_ATTR_HDRLEN + IFNAMSIZ + \
			 MNL_ATTR_HDRLEN)
/* VTEP_A_FDB nest: header, VNI (8), MAC (12), DST (8) or DST6 (20) */
#define ENTRY_BYTES(fam) (4 + 8 + 12 + ((fam) == AF_INET6 ? 20 : 8))

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

/* ---- FDB coalescing ---- */

unsigned int fdb_batch_build(struct nlmsghdr *nlh, const char *dev,
			     struct fdb_batch_entry *e, unsigned int n,
			     size_t limit)
{
	struct nlattr *list;
	unsigned int i;

	put_dev(nlh, dev);
	list = mnl_attr_nest_start(nlh, VTEP_A_FDB_LIST);
	for (i = 0; i < n; i++) {
		struct fdb_req r = {
			.set = BIT(VTEP_FDB_A_VNI) | BIT(VTEP_FDB_A_MAC) |
			       BIT(VTEP_FDB_A_DST),
			.vni = e[i].vni,
			.dst = e[i].dst,
		};

		if (nlh->nlmsg_len + ENTRY_BYTES(e[i].dst.family) > limit)
			break;
		memcpy(r.mac, e[i].mac, 6);
		e[i].off = nlh->nlmsg_len;
		fdb_put_entry(nlh, &r);
	}
	mnl_attr_nest_end(nlh, list);
	return i;
}

/* The entry whose nest holds offset off of the message, or -1 */
int fdb_batch_find(const struct fdb_batch_entry *e, unsigned int n,
		   uint32_t off)
{
	unsigned int lo = 0, hi = n;

	if (!n || off < e[0].off)
		return -1;
	while (hi - lo > 1) {		/* last entry with e.off <= off */
		unsigned int mid = lo + (hi - lo) / 2;

		if (e[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	return (int)lo;
}

static void report(struct vtep_ctx *ctx, const struct fdb_batch *b,
		   const struct fdb_batch_entry *e)
{
	char what[80], mac[18];

	snprintf(what, sizeof(what), "fdb %s vni %u dev %s",
		 format_mac(e->mac, mac), e->vni, b->dev);
	err_set_location(ctx->batch_file, e->line);
	nl_perror(ctx->nl, what);
	err_set_location(ctx->batch_file, ctx->line);
}

/* Send entries [lo, hi); returns how many were refused */
static unsigned int send_range(struct vtep_ctx *ctx, struct fdb_batch *b,
			       unsigned int lo, unsigned int hi)
{
	unsigned int refused = 0;

	while (lo < hi) {
		struct nlmsghdr *nlh;
		unsigned int n, i;
		int k;

		nlh = nl_genl_msg(ctx->nl, b->buf, VTEP_CMD_FDB_NEW,
				  b->replace ? NLM_F_CREATE | NLM_F_REPLACE :
					       NLM_F_CREATE | NLM_F_EXCL);
		n = fdb_batch_build(nlh, b->dev, b->e + lo, hi - lo,
				    FDB_BATCH_BYTES);
		if (!nl_request(ctx->nl, nlh, NULL, NULL)) {
			lo += n;
			continue;
		}
		k = -1;
		if (nl_last_error(ctx->nl)->has_off)
			k = fdb_batch_find(b->e + lo, n,
					   nl_last_error(ctx->nl)->off);
		if (k < 0 && n > 1) {
			/* no entry named: find it by sending one at a time */
			for (i = lo; i < lo + n; i++) {
				unsigned int r = send_range(ctx, b, i, i + 1);

				refused += r;
				if (r && !ctx->force)
					return refused;
			}
			lo += n;
			continue;
		}
		k = k < 0 ? 0 : k;
		report(ctx, b, &b->e[lo + (unsigned int)k]);
		refused++;
		/* the list was rolled back: its entries before k go again */
		if (k > 0) {
			unsigned int r = send_range(ctx, b, lo,
						    lo + (unsigned int)k);

			refused += r;
			if (r && !ctx->force)
				return refused;
		}
		if (!ctx->force)
			return refused;
		lo += (unsigned int)k + 1;
	}
	return refused;
}

int fdb_batch_flush(struct vtep_ctx *ctx)
{
	struct fdb_batch *b = ctx->fdbb;
	unsigned int refused;

	if (!b || !b->n)
		return 0;
	refused = send_range(ctx, b, 0, b->n);
	b->n = 0;
	b->bytes = 0;
	ctx->failed += refused;
	return (int)refused;
}

int fdb_batch_add(struct vtep_ctx *ctx, const struct fdb_req *r, bool replace)
{
	struct fdb_batch *b = ctx->fdbb;
	size_t size = ENTRY_BYTES(r->dst.family);
	struct fdb_batch_entry *e;

	if (!ctx_nl(ctx))
		return -1;
	if (b->n && (replace != b->replace || strcmp(b->dev, r->dev) ||
		     b->bytes + size > FDB_BATCH_BYTES)) {
		if (fdb_batch_flush(ctx) && !ctx->force)
			return -1;
	}
	if (!b->n) {
		memcpy(b->dev, r->dev, sizeof(b->dev));
		b->replace = replace;
		b->bytes = BATCH_HDR_BYTES;
	}
	if (b->n == b->cap) {
		unsigned int cap = b->cap ? b->cap * 2 : 1024;
		void *p = realloc(b->e, cap * sizeof(*b->e));

		if (!p) {
			pr_err("out of memory");
			return -1;
		}
		b->e = p;
		b->cap = cap;
	}
	e = &b->e[b->n++];
	e->vni = r->vni;
	memcpy(e->mac, r->mac, 6);
	e->dst = r->dst;
	e->line = ctx->line;
	b->bytes += size;
	return 0;
}

void fdb_batch_free(struct vtep_ctx *ctx)
{
	if (!ctx->fdbb)
		return;
	free(ctx->fdbb->e);
	free(ctx->fdbb->buf);
	free(ctx->fdbb);
	ctx->fdbb = NULL;
}

/* ---- the file ---- */

int run_batch(struct vtep_ctx *ctx, const char *file)
{
	bool is_stdin = !strcmp(file, "-");
	char *line = NULL, *argv[BATCH_MAX_ARGS + 1];
	size_t cap = 0;
	FILE *f;

	f = is_stdin ? stdin : fopen(file, "r");
	if (!f) {
		pr_err("cannot open \"%s\": %s", file, strerror(errno));
		return 1;
	}
	ctx->batch_file = is_stdin ? "stdin" : file;
	ctx->fdbb = calloc(1, sizeof(*ctx->fdbb));
	if (ctx->fdbb)
		ctx->fdbb->buf = malloc(FDB_BATCH_BYTES + MNL_SOCKET_BUFFER_SIZE);
	if (!ctx->fdbb || !ctx->fdbb->buf) {
		pr_err("out of memory");
		fdb_batch_free(ctx);
		if (!is_stdin)
			fclose(f);
		return 1;
	}
	while (getline(&line, &cap, f) >= 0) {
		int argc;

		ctx->line++;
		err_set_location(ctx->batch_file, ctx->line);
		argc = makeargs(line, argv, BATCH_MAX_ARGS);
		if (argc == 0)
			continue;
		if (argc < 0) {
			if (fdb_batch_flush(ctx) && !ctx->force)
				break;
			pr_err("%s", argc == -1 ? "too many words on the line" :
			       "unterminated quote");
		} else if (!vtep_dispatch(ctx, argc, argv)) {
			continue;
		}
		ctx->failed++;
		if (!ctx->force)
			break;
	}
	fdb_batch_flush(ctx);
	print_flush();
	err_set_location(NULL, 0);
	free(line);
	fdb_batch_free(ctx);
	if (!is_stdin)
		fclose(f);
	return ctx->failed ? 1 : 0;
}
