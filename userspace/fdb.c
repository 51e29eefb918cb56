// SPDX-License-Identifier: GPL-2.0
/*
 * fdb: the MAC table, (VNI, MAC) -> remote VTEP. Static entries come from
 * here; learned ones from the datapath.
 *
 * Bulk loads are the reason for -batch, so there consecutive "fdb add" (or
 * "fdb replace", or "fdb del") lines for one device are not sent one
 * message each: they are queued and sent as VTEP_A_FDB_LIST messages of up
 * to FDB_BATCH_BYTES (a few thousand entries), which the kernel applies
 * whole or not at all (FDB_NEW adds them all, FDB_DEL deletes them all, or
 * neither does anything). With -ignore-missing, deletes go one message a
 * line, so that an absent entry skips only its own line.
 * Any other line sends the queue first (the dispatcher calls fdb_flush), so
 * lines still take effect in file order. When the kernel refuses a list,
 * its extack offset names the entry nest, which maps back to the line it
 * came from; the entries before it, which the kernel rolled back with the
 * list, are sent again, so the table ends up exactly as if the file had
 * been run line by line. A range of one entry goes as a plain VTEP_A_FDB,
 * which is also how a kernel that takes no FDB_DEL list (it answers
 * EINVAL naming no entry) still gets every line, one at a time.
 */
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "vtepctl.h"

#define F(cmd) BIT(FDB_##cmd)
#define SET (F(ADD) | F(REPLACE))
#define ALL (SET | F(DEL) | F(SHOW) | F(FLUSH))

#define T(t, a, f) KT(struct fdb_req, t, a, f)

static const struct kw fdb_kws[] = {
	{ "vni", ALL, SET | F(DEL), 1, 0, NULL, T(KW_VNI, VTEP_FDB_A_VNI, vni) },
	{ "MAC", SET | F(DEL) | F(SHOW), SET | F(DEL), 1, 0, NULL,
	  T(KW_MAC, VTEP_FDB_A_MAC, mac) },
	/* del: only if the entry points there (a late hook, a migrated VM) */
	{ "dst", SET | F(DEL), SET, 1, 0, NULL, T(KW_IP, VTEP_FDB_A_DST, dst) },
	{ "dev", ALL, SET | F(DEL) | F(FLUSH), 1, 0, NULL, T(KW_DEV, 0, dev) },
	{ "static", F(SHOW) | F(FLUSH), 0, 0, 1, NULL,
	  T(KW_CONST, VTEP_FDB_A_TYPE, type), .val = VTEP_FDB_TYPE_STATIC },
	{ "learned", F(SHOW) | F(FLUSH), 0, 0, 1, NULL,
	  T(KW_CONST, VTEP_FDB_A_TYPE, type), .val = VTEP_FDB_TYPE_LEARNED },
	{ NULL },
};

static const struct vtep_op fdb_ops[] = {
	[FDB_ADD] = { "add", VTEP_CMD_FDB_NEW },
	[FDB_REPLACE] = { "replace", VTEP_CMD_FDB_NEW },
	[FDB_DEL] = { "del", VTEP_CMD_FDB_DEL },
	[FDB_SHOW] = { "show", VTEP_CMD_FDB_GET, fdb_print, true },
	[FDB_FLUSH] = { "flush", VTEP_CMD_FDB_FLUSH },
	{ NULL },
};

static int fdb_check(int cmd, void *req)
{
	const struct fdb_req *r = req;

	if (cmd == FDB_SHOW && (r->set & BIT(VTEP_FDB_A_MAC)) &&
	    (!(r->set & BIT(VTEP_FDB_A_VNI)) || !r->dev[0])) {
		pr_err("\"fdb show MAC\" needs \"vni VNI\" and \"dev NAME\"");
		return -1;
	}
	return 0;
}

/* One VTEP_A_FDB nest, as one entry of a batch carries it */
void fdb_put_entry(struct nlmsghdr *nlh, const struct fdb_req *r)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_FDB);

	kw_put(nlh, fdb_kws, r);
	mnl_attr_nest_end(nlh, nest);
}

static const char *const type_names[] = {
	[VTEP_FDB_TYPE_ANY] = "any",
	[VTEP_FDB_TYPE_STATIC] = "static",
	[VTEP_FDB_TYPE_LEARNED] = "learned",
};

/*
 * "00:11:22:33:44:55 vni 100 dst 192.0.2.2 static" or "... learned age
 * 1234ms"; "dev NAME" in text only when the dump was not of one device.
 */
int fdb_print(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	const struct nlattr *t[VTEP_FDB_A_MAX + 1];
	const struct show_opts *o = data;
	char buf[INET6_ADDRSTRLEN], mac[18];
	struct vtep_ip ip;
	uint32_t vni = 0, age;
	uint8_t type;

	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	attr_parse_nest(tb[VTEP_A_FDB], t, VTEP_FDB_A_MAX);
	if (!t[VTEP_FDB_A_MAC] || mnl_attr_get_payload_len(t[VTEP_FDB_A_MAC]) != 6)
		return 0;
	attr_u32(t[VTEP_FDB_A_VNI], &vni);
	if (o && o->vni && o->vni != vni)
		return 0;

	open_json_object(NULL);
	if (o && o->event)
		print_string(PRINT_ANY, "event", "%s ", o->event);
	print_string(PRINT_ANY, "mac", "%s ",
		     format_mac(mnl_attr_get_payload(t[VTEP_FDB_A_MAC]), mac));
	print_uint(PRINT_ANY, "vni", "vni %u ", vni);
	if (attr_ip(t[VTEP_FDB_A_DST], t[VTEP_FDB_A_DST6], &ip))
		print_string(PRINT_ANY, "dst", "dst %s ",
			     format_ip(&ip, buf, sizeof(buf)));
	else if (!o || !o->event)
		print_null("dst");
	if (attr_str(tb[VTEP_A_IFNAME]))
		print_string(o && o->dev_given ? PRINT_JSON : PRINT_ANY,
			     "ifname", "dev %s ", attr_str(tb[VTEP_A_IFNAME]));
	if (attr_u8(t[VTEP_FDB_A_TYPE], &type) && type &&
	    type <= VTEP_FDB_TYPE_MAX)
		print_string(PRINT_ANY, "type", "%s ", type_names[type]);
	if (attr_u32(t[VTEP_FDB_A_AGE], &age))
		print_uint(PRINT_ANY, "age_ms", "age %ums ", age);
	close_json_object();
	print_nl();
	return 0;
}

static bool fdb_one(const void *req)
{
	return ((const struct fdb_req *)req)->set & BIT(VTEP_FDB_A_MAC);
}

static void fdb_what(const void *req, char *buf, size_t len)
{
	const struct fdb_req *r = req;
	char mac[18];

	if (r->set & BIT(VTEP_FDB_A_MAC))
		snprintf(buf, len, "fdb %s vni %u dev %s",
			 format_mac(r->mac, mac), r->vni, r->dev);
	else
		snprintf(buf, len, "fdb dev %s", r->dev);
}


struct fdb_batch {
	char dev[IFNAMSIZ];
	int cmd;			/* FDB_ADD, FDB_REPLACE or FDB_DEL */
	struct fdb_batch_entry *e;
	unsigned int n, cap;
	size_t bytes;			/* size of the message being queued */
	char *buf;
};

#define BATCH_HDR_BYTES (NLMSG_HDRLEN + 4 + MNL_ATTR_HDRLEN + IFNAMSIZ + \
			 MNL_ATTR_HDRLEN)
/* VTEP_A_FDB nest: header, VNI (8), MAC (12), DST (8) or DST6 (20) or,
 * for a delete without a condition, none */
#define ENTRY_BYTES(fam) (4 + 8 + 12 + ((fam) == AF_INET6 ? 20 : \
					(fam) == AF_INET ? 8 : 0))

/* Entry e as one VTEP_A_FDB nest; a dst of family 0 is left out */
static void put_batch_entry(struct nlmsghdr *nlh, struct fdb_batch_entry *e)
{
	struct fdb_req r = {
		.set = BIT(VTEP_FDB_A_VNI) | BIT(VTEP_FDB_A_MAC),
		.vni = e->vni,
		.dst = e->dst,
	};

	if (e->dst.family)
		r.set |= BIT(VTEP_FDB_A_DST);
	memcpy(r.mac, e->mac, 6);
	e->off = nlh->nlmsg_len;
	fdb_put_entry(nlh, &r);
}

unsigned int fdb_batch_build(struct nlmsghdr *nlh, const char *dev,
			     struct fdb_batch_entry *e, unsigned int n,
			     size_t limit)
{
	struct nlattr *list;
	unsigned int i;

	put_dev(nlh, dev);
	list = mnl_attr_nest_start(nlh, VTEP_A_FDB_LIST);
	for (i = 0; i < n; i++) {
		if (nlh->nlmsg_len + ENTRY_BYTES(e[i].dst.family) > limit)
			break;
		put_batch_entry(nlh, &e[i]);
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

		nlh = nl_genl_msg(ctx->nl, b->buf, fdb_ops[b->cmd].genl,
				  b->cmd == FDB_ADD ? NLM_F_CREATE | NLM_F_EXCL :
				  b->cmd == FDB_REPLACE ?
				  NLM_F_CREATE | NLM_F_REPLACE : 0);
		if (hi - lo == 1) {
			put_dev(nlh, b->dev);
			put_batch_entry(nlh, &b->e[lo]);
			n = 1;
		} else {
			n = fdb_batch_build(nlh, b->dev, b->e + lo, hi - lo,
					    FDB_BATCH_BYTES);
		}
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

/* Send what is queued and free the queue; returns the refused entries */
static int fdb_flush(struct vtep_ctx *ctx)
{
	struct fdb_batch *b = ctx->queue;
	unsigned int refused = 0;

	if (!b)
		return 0;
	if (b->n)
		refused = send_range(ctx, b, 0, b->n);
	for (unsigned int i = 0; i < refused; i++)
		ctx_failed(ctx, VTEP_EXIT_REFUSED);
	free(b->e);
	free(b->buf);
	free(b);
	ctx->queue = NULL;
	return (int)refused;
}

static struct fdb_batch *queue_new(struct vtep_ctx *ctx)
{
	struct fdb_batch *b = calloc(1, sizeof(*b));

	if (b)
		b->buf = malloc(FDB_BATCH_BYTES + MNL_SOCKET_BUFFER_SIZE);
	if (!b || !b->buf) {
		free(b);
		pr_err("out of memory");
		return NULL;
	}
	ctx->queue = b;
	return b;
}

/* -batch: queue an add, replace or delete (1), leave other commands (0),
 * -1. With -ignore-missing a delete is not queued: each absent entry must
 * be skipped alone, and a list would stop at the first. */
static int fdb_queue(struct vtep_ctx *ctx, int cmd, const void *req)
{
	const struct fdb_req *r = req;
	int family = r->set & BIT(VTEP_FDB_A_DST) ? r->dst.family : 0;
	size_t size = ENTRY_BYTES(family);
	struct fdb_batch *b = ctx->queue;
	struct fdb_batch_entry *e;

	if (cmd != FDB_ADD && cmd != FDB_REPLACE && cmd != FDB_DEL)
		return 0;
	if (cmd == FDB_DEL && ctx->ignore_missing)
		return 0;
	if (!ctx_nl(ctx))
		return -1;
	if (b && b->n && (cmd != b->cmd || strcmp(b->dev, r->dev) ||
			  b->bytes + size > FDB_BATCH_BYTES)) {
		if (fdb_flush(ctx) && !ctx->force)
			return -1;
		b = NULL;
	}
	if (!b && !(b = queue_new(ctx)))
		return -1;
	if (!b->n) {
		memcpy(b->dev, r->dev, sizeof(b->dev));
		b->cmd = cmd;
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
	e->dst.family = family;
	e->line = ctx->line;
	b->bytes += size;
	return 1;
}

const struct vtep_object fdb_object = {
	VTEP_OBJECT(fdb, FDB_SHOW),
	.summary = "static MAC entries; show, delete and flush the MAC table",
	.help =
	"Usage: vtepctl fdb { add | replace } MAC vni VNI dst ADDR dev NAME\n"
	"       vtepctl fdb del MAC vni VNI dev NAME [ dst ADDR ]\n"
	"       vtepctl fdb show [ dev NAME ] [ vni VNI ] [ static | learned ]\n"
	"       vtepctl fdb show MAC vni VNI dev NAME\n"
	"       vtepctl fdb flush dev NAME [ vni VNI ] [ static | learned ]\n"
	"Where: MAC  := xx:xx:xx:xx:xx:xx\n"
	"       VNI  := 1-16777215\n"
	"       ADDR := IPv4 or IPv6 address of the remote VTEP\n"
	"add fails if (VNI, MAC) exists; replace creates or overwrites it.\n"
	"del with dst deletes the entry only if it points at ADDR.\n"
	"In -batch, consecutive adds (or deletes) for one device go in few large\n"
	"messages.\n",
	.check = fdb_check,
	.nest = VTEP_A_FDB,
	.what = fdb_what,
	.one = fdb_one,
	.batch = fdb_queue,
	.flush = fdb_flush,
};
