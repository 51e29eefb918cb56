// SPDX-License-Identifier: GPL-2.0
/*
 * fdb lines in -batch. Bulk loads are the reason for -batch, so there
 * consecutive "fdb add" (or "fdb replace", or "fdb del") lines for one
 * device are not sent one message each: they are queued and sent as
 * VTEP_A_FDB_LIST messages of up to FDB_BATCH_BYTES (a few thousand
 * entries), which the kernel applies whole or not at all (FDB_NEW adds them
 * all, FDB_DEL deletes them all, or neither does anything). With
 * -ignore-missing, deletes go one message a line, so that an absent entry
 * skips only its own line.
 * Any other line sends the queue first (the dispatcher calls
 * fdb_batch_flush), so lines still take effect in file order. When the
 * kernel refuses a list, its extack offset names the entry nest, which maps
 * back to the line it came from; the entries before it, which the kernel
 * rolled back with the list, are sent again, so the table ends up exactly
 * as if the file had been run line by line. A range of one entry goes as a
 * plain VTEP_A_FDB, which is also how a kernel that takes no FDB_DEL list
 * (it answers EINVAL naming no entry) still gets every line, one at a time.
 *
 * The kernel applies a list inside the sendmsg() that carries it, so a
 * sender that parsed and sent in turn would wait for the kernel as long as
 * it parses. Once a message's worth of lines is queued, a sender thread
 * takes it and does the request and its error handling (the resend above
 * included) while the parser goes on with the next lines:
 *
 *   parser: fill chunk -> hand off ---> fill the next ...   flush: wait
 *   sender:              request, report refusals ...       (joined)
 *
 * - At most SENDER_QUEUE chunks are handed off (the one being sent and one
 *   waiting) besides the one being filled: memory stays bounded.
 * - Only the sender uses the netlink socket while it runs; every flush
 *   (another line, a line that fails to parse, the end of the file) waits
 *   for it to send everything and joins it, so what comes next finds the
 *   socket free and the lines before it applied.
 * - A refusal without -force stops the sender: what was handed off after
 *   it is dropped unsent, the parser sees the stop at its next fdb line or
 *   flush, and the file stops there, as it would have run line by line.
 * - The sender prints a refusal with its own FILE:LINE (pr_at()); the
 *   parser's location, its deferred error and the output buffer are its
 *   own. A line that fails to parse while chunks are in flight is reported
 *   after them (the dispatcher holds its error until the flush), so errors
 *   come in file order; after a refusal without -force it is not reported
 *   at all, since the file stopped before it.
 * - The thread starts with the first full chunk, so single commands and
 *   short files never have one; if it cannot start, the parser sends
 *   itself, as before.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "vtepctl.h"

/* Chunks handed to the sender and not done yet, at most */
#define SENDER_QUEUE 2

#define BATCH_HDR_BYTES (NLMSG_HDRLEN + 4 + MNL_ATTR_HDRLEN + IFNAMSIZ + \
			 MNL_ATTR_HDRLEN)
/* VTEP_A_FDB nest: header, VNI (8), MAC (12), DST (8) or DST6 (20) or,
 * for a delete without a condition, none; OWNER (8) if given */
#define ENTRY_BYTES(fam, own) (4 + 8 + 12 + ((fam) == AF_INET6 ? 20 : \
					     (fam) == AF_INET ? 8 : 0) + \
			       ((own) ? 8 : 0))
/* Entries in one message, at most: the smallest entry, a full message */
#define CHUNK_ENTRIES ((FDB_BATCH_BYTES - BATCH_HDR_BYTES) / \
		       ENTRY_BYTES(0, false))

/* One message's worth of lines: adds (or ...) of one device */
struct fdb_chunk {
	char dev[IFNAMSIZ];
	int cmd;			/* FDB_ADD, FDB_REPLACE or FDB_DEL */
	uint32_t expect;		/* the load's lines from here; 0: unknown */
	unsigned int n;
	size_t bytes;			/* size of its message */
	struct fdb_batch_entry e[CHUNK_ENTRIES];
};

/*
 * ctx->queue while fdb lines are queued. The parser fills `fill`; the rest
 * is the sender's (or the parser's, when there is no thread) and, with a
 * thread, shared under lock.
 */
struct fdb_pipe {
	struct fdb_chunk *fill;
	/* constant while a thread runs */
	struct vtep_nl *nl;
	const char *file;
	bool force;
	char *buf;			/* the message being sent */
	bool thread_up, no_thread;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* qn or done changed */
	/* under lock */
	struct fdb_chunk *q[SENDER_QUEUE];	/* q[qhead] is being sent */
	unsigned int qhead, qn;
	bool done;			/* no more chunks: exit when empty */
	unsigned int refused;		/* not yet counted by the parser */
	bool stopped;			/* refused without -force; also atomic */
};

/* A lock or wait that fails is a bug here, not a condition to handle */
static void must(int err, const char *what)
{
	if (err) {
		pr_at(NULL, 0, "Error", "%s: %s", what, strerror(err));
		abort();
	}
}

/* ---- messages ---- */

static char *put_attr(char *p, uint16_t type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)p;

	a->nla_type = type;
	a->nla_len = (uint16_t)(MNL_ATTR_HDRLEN + len);
	memcpy(p + MNL_ATTR_HDRLEN, data, len);
	memset(p + MNL_ATTR_HDRLEN + len, 0, MNL_ALIGN(len) - len);
	return p + MNL_ATTR_HDRLEN + MNL_ALIGN(len);
}

/*
 * Entry e as one VTEP_A_FDB nest, as fdb_put_entry() would build it (VNI,
 * MAC, then DST or DST6, then OWNER; a dst of family 0 is left out, as an
 * owner not given), written directly: the keyword table's walk cost more
 * than the rest of a line's parse.
 */
static void put_batch_entry(struct nlmsghdr *nlh, struct fdb_batch_entry *e)
{
	char *start = (char *)nlh + nlh->nlmsg_len, *p;

	e->off = nlh->nlmsg_len;
	p = start + MNL_ATTR_HDRLEN;
	p = put_attr(p, VTEP_FDB_A_VNI, &e->vni, 4);
	p = put_attr(p, VTEP_FDB_A_MAC, e->mac, 6);
	if (e->dst.family == AF_INET6)
		p = put_attr(p, VTEP_FDB_A_DST6, &e->dst.v6, 16);
	else if (e->dst.family == AF_INET)
		p = put_attr(p, VTEP_FDB_A_DST, &e->dst.v4, 4);
	if (e->has_owner)
		p = put_attr(p, VTEP_FDB_A_OWNER, &e->owner, 1);
	((struct nlattr *)start)->nla_type = NLA_F_NESTED | VTEP_A_FDB;
	((struct nlattr *)start)->nla_len = (uint16_t)(p - start);
	nlh->nlmsg_len += (uint32_t)(p - start);
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
		if (nlh->nlmsg_len + ENTRY_BYTES(e[i].dst.family,
						 e[i].has_owner) > limit)
			break;
		put_batch_entry(nlh, &e[i]);
	}
	mnl_attr_nest_end(nlh, list);
	return i;
}

/*
 * Entries [0, n) that fit in limit as one VTEP_A_FDB_RECORDS attribute:
 * fixed records the module reads without parsing a nest per entry (it
 * spent a third of its instructions per entry there). e->off is each
 * record's offset, which a refusal's extack names.
 */
unsigned int fdb_batch_build_records(struct nlmsghdr *nlh, const char *dev,
				     struct fdb_batch_entry *e, unsigned int n,
				     size_t limit)
{
	struct vtep_fdb_rec *r;
	struct nlattr *a;
	unsigned int i;

	put_dev(nlh, dev);
	a = (struct nlattr *)((char *)nlh + nlh->nlmsg_len);
	r = (struct vtep_fdb_rec *)((char *)a + MNL_ATTR_HDRLEN);
	nlh->nlmsg_len += MNL_ATTR_HDRLEN;
	for (i = 0; i < n && nlh->nlmsg_len + sizeof(*r) <= limit; i++, r++) {
		memset(r, 0, sizeof(*r));
		r->vni = e[i].vni;
		memcpy(r->mac, e[i].mac, 6);
		r->family = (uint8_t)e[i].dst.family;
		if (e[i].dst.family == AF_INET6)
			memcpy(r->dst, &e[i].dst.v6, 16);
		else if (e[i].dst.family == AF_INET)
			memcpy(r->dst, &e[i].dst.v4, 4);
		if (e[i].has_owner) {
			r->flags = VTEP_FDB_REC_F_OWNER;
			r->owner = e[i].owner;
		}
		e[i].off = nlh->nlmsg_len;
		nlh->nlmsg_len += sizeof(*r);
	}
	a->nla_type = VTEP_A_FDB_RECORDS;
	a->nla_len = (uint16_t)(MNL_ATTR_HDRLEN + i * sizeof(*r));
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

/* ---- sending: the sender thread's, or the parser's without one ---- */

static void report(const struct fdb_pipe *p, const struct fdb_chunk *c,
		   const struct fdb_batch_entry *e)
{
	char mac[18], buf[64];

	pr_at(p->file, e->line, "Error", "fdb %s vni %u dev %s: %s",
	      format_mac(e->mac, mac), e->vni, c->dev,
	      nl_errmsg(p->nl, buf, sizeof(buf)));
}

/* Send entries [lo, hi) of c; returns how many were refused */
static unsigned int send_range(struct fdb_pipe *p, struct fdb_chunk *c,
			       unsigned int lo, unsigned int hi)
{
	unsigned int refused = 0;

	while (lo < hi) {
		const struct nl_ext *ext = nl_last_error(p->nl);
		struct nlmsghdr *nlh;
		unsigned int n, i;
		int k;

		nlh = nl_genl_msg(p->nl, p->buf,
				  c->cmd == FDB_DEL ? VTEP_CMD_FDB_DEL :
				  VTEP_CMD_FDB_NEW,
				  c->cmd == FDB_ADD ? NLM_F_CREATE | NLM_F_EXCL :
				  c->cmd == FDB_REPLACE ?
				  NLM_F_CREATE | NLM_F_REPLACE : 0);
		if (hi - lo == 1) {
			put_dev(nlh, c->dev);
			put_batch_entry(nlh, &c->e[lo]);
			n = 1;
		} else if (nl_has_attr(p->nl, VTEP_A_FDB_RECORDS)) {
			n = fdb_batch_build_records(nlh, c->dev, c->e + lo,
						    hi - lo, FDB_BATCH_BYTES);
		} else {
			n = fdb_batch_build(nlh, c->dev, c->e + lo, hi - lo,
					    FDB_BATCH_BYTES);
		}
		/* adds: how many the load may still bring, for the table */
		if (c->expect && c->cmd != FDB_DEL &&
		    nl_has_attr(p->nl, VTEP_A_FDB_EXPECT))
			mnl_attr_put_u32(nlh, VTEP_A_FDB_EXPECT, c->expect);
		if (!nl_request_quiet(p->nl, nlh, NULL, NULL)) {
			if (ext->msg[0])	/* a warning: at the first line */
				pr_at(p->file, c->e[lo].line, "Warning", "%s",
				      ext->msg);
			lo += n;
			continue;
		}
		k = -1;
		if (ext->has_off)
			k = fdb_batch_find(c->e + lo, n, ext->off);
		if (k < 0 && n > 1) {
			/* no entry named: find it by sending one at a time */
			for (i = lo; i < lo + n; i++) {
				unsigned int r = send_range(p, c, i, i + 1);

				refused += r;
				if (r && !p->force)
					return refused;
			}
			lo += n;
			continue;
		}
		k = k < 0 ? 0 : k;
		report(p, c, &c->e[lo + (unsigned int)k]);
		refused++;
		/* the list was rolled back: its entries before k go again */
		if (k > 0) {
			unsigned int r = send_range(p, c, lo,
						    lo + (unsigned int)k);

			refused += r;
			if (r && !p->force)
				return refused;
		}
		if (!p->force)
			return refused;
		lo += (unsigned int)k + 1;
	}
	return refused;
}

static void *sender(void *arg)
{
	struct fdb_pipe *p = arg;

	must(pthread_mutex_lock(&p->lock), "pthread_mutex_lock");
	for (;;) {
		struct fdb_chunk *c;
		unsigned int refused = 0;
		bool stopped;

		while (!p->qn && !p->done)
			must(pthread_cond_wait(&p->cond, &p->lock),
			     "pthread_cond_wait");
		if (!p->qn)
			break;
		c = p->q[p->qhead];
		stopped = p->stopped;
		must(pthread_mutex_unlock(&p->lock), "pthread_mutex_unlock");
		if (!stopped)		/* after a stop, chunks are dropped */
			refused = send_range(p, c, 0, c->n);
		free(c);
		must(pthread_mutex_lock(&p->lock), "pthread_mutex_lock");
		p->qhead = (p->qhead + 1) % SENDER_QUEUE;
		p->qn--;
		p->refused += refused;
		if (refused && !p->force)
			__atomic_store_n(&p->stopped, true, __ATOMIC_RELEASE);
		must(pthread_cond_signal(&p->cond), "pthread_cond_signal");
	}
	must(pthread_mutex_unlock(&p->lock), "pthread_mutex_unlock");
	return NULL;
}

/* Start the sender, or say (no_thread) that the parser sends itself */
static void sender_start(struct fdb_pipe *p)
{
	int err;

	p->no_thread = true;
	if (pthread_mutex_init(&p->lock, NULL))
		return;
	if (pthread_cond_init(&p->cond, NULL))
		goto err_destroy_lock;
	print_flush();		/* output before the thread's errors */
	err = pthread_create(&p->thread, NULL, sender, p);
	if (err)
		goto err_destroy_cond;
	p->thread_up = true;
	p->no_thread = false;
	return;

err_destroy_cond:
	must(pthread_cond_destroy(&p->cond), "pthread_cond_destroy");
err_destroy_lock:
	must(pthread_mutex_destroy(&p->lock), "pthread_mutex_destroy");
}

/* Wait until everything handed off is done, and join the sender */
static void sender_stop(struct fdb_pipe *p)
{
	if (!p->thread_up)
		return;
	must(pthread_mutex_lock(&p->lock), "pthread_mutex_lock");
	p->done = true;
	must(pthread_cond_signal(&p->cond), "pthread_cond_signal");
	must(pthread_mutex_unlock(&p->lock), "pthread_mutex_unlock");
	must(pthread_join(p->thread, NULL), "pthread_join");
	p->thread_up = false;
	must(pthread_cond_destroy(&p->cond), "pthread_cond_destroy");
	must(pthread_mutex_destroy(&p->lock), "pthread_mutex_destroy");
}

/* ---- the parser's side ---- */

/* Count what the sender refused since last asked; true once stopped */
static bool collect(struct vtep_ctx *ctx, struct fdb_pipe *p,
		    unsigned int *refused)
{
	unsigned int n;
	bool stopped;

	if (p->thread_up)
		must(pthread_mutex_lock(&p->lock), "pthread_mutex_lock");
	n = p->refused;
	p->refused = 0;
	stopped = p->stopped;
	if (p->thread_up)
		must(pthread_mutex_unlock(&p->lock), "pthread_mutex_unlock");
	for (unsigned int i = 0; i < n; i++)
		ctx_failed(ctx, VTEP_EXIT_REFUSED);
	if (refused)
		*refused += n;
	return stopped;
}

/* Give chunk c to the sender (which frees it), starting it if may_start;
 * without a sender, send it here */
static void hand_off(struct fdb_pipe *p, struct fdb_chunk *c, bool may_start)
{
	unsigned int refused;

	if (may_start && !p->thread_up && !p->no_thread)
		sender_start(p);
	if (!p->thread_up) {
		print_flush();		/* output before the errors */
		refused = p->stopped ? 0 : send_range(p, c, 0, c->n);
		free(c);
		p->refused += refused;
		if (refused && !p->force)
			p->stopped = true;
		return;
	}
	must(pthread_mutex_lock(&p->lock), "pthread_mutex_lock");
	while (p->qn == SENDER_QUEUE)
		must(pthread_cond_wait(&p->cond, &p->lock), "pthread_cond_wait");
	p->q[(p->qhead + p->qn++) % SENDER_QUEUE] = c;
	must(pthread_cond_signal(&p->cond), "pthread_cond_signal");
	must(pthread_mutex_unlock(&p->lock), "pthread_mutex_unlock");
}

/* Send what is queued, wait for the sender and free the queue; returns
 * the entries refused since the parser last counted */
int fdb_batch_flush(struct vtep_ctx *ctx)
{
	struct fdb_pipe *p = ctx->queue;
	unsigned int refused = 0;

	if (!p)
		return 0;
	if (p->fill && p->fill->n)
		hand_off(p, p->fill, false);	/* no thread for one chunk */
	else
		free(p->fill);
	sender_stop(p);
	collect(ctx, p, &refused);
	free(p->buf);
	free(p);
	ctx->queue = NULL;
	return (int)refused;
}

static struct fdb_pipe *pipe_new(struct vtep_ctx *ctx)
{
	struct fdb_pipe *p = calloc(1, sizeof(*p));

	if (p)
		p->buf = malloc(FDB_BATCH_BYTES + MNL_SOCKET_BUFFER_SIZE);
	if (!p || !p->buf) {
		free(p);
		pr_err("out of memory");
		return NULL;
	}
	p->nl = ctx->nl;
	p->file = ctx->batch_file;
	p->force = ctx->force;
	ctx->queue = p;
	return p;
}

/* The stop of a refusal without -force, counted; or out of memory */
static int queue_failed(struct vtep_ctx *ctx, struct fdb_pipe *p)
{
	free(p->fill);
	p->fill = NULL;
	collect(ctx, p, NULL);
	return -1;
}

int fdb_batch_queue(struct vtep_ctx *ctx, int cmd, const struct fdb_req *r)
{
	int family = r->set & BIT(VTEP_FDB_A_DST) ? r->dst.family : 0;
	bool has_owner = r->set & BIT(VTEP_FDB_A_OWNER);
	size_t size = ENTRY_BYTES(family, has_owner);
	struct fdb_pipe *p = ctx->queue;
	struct fdb_batch_entry *e;
	struct fdb_chunk *c;

	if (!ctx_nl(ctx))
		return -1;
	if (!p)
		p = pipe_new(ctx);
	if (!p)
		return -1;
	if (__atomic_load_n(&p->stopped, __ATOMIC_ACQUIRE))
		return queue_failed(ctx, p);
	c = p->fill;
	if (c && (cmd != c->cmd || strcmp(c->dev, r->dev) ||
		  c->bytes + size > FDB_BATCH_BYTES)) {
		hand_off(p, c, true);
		c = p->fill = NULL;
		if (collect(ctx, p, NULL))
			return queue_failed(ctx, p);
	}
	if (!c) {
		c = malloc(sizeof(*c));
		if (!c) {
			pr_err("out of memory");
			return queue_failed(ctx, p);
		}
		memcpy(c->dev, r->dev, sizeof(c->dev));
		c->cmd = cmd;
		c->expect = ctx->batch_lines >= ctx->line ?
			    ctx->batch_lines - ctx->line + 1 : 0;
		c->n = 0;
		c->bytes = BATCH_HDR_BYTES;
		p->fill = c;
	}
	e = &c->e[c->n++];
	e->vni = r->vni;
	memcpy(e->mac, r->mac, 6);
	e->dst = r->dst;
	e->dst.family = family;
	e->has_owner = has_owner;
	e->owner = r->owner;
	e->line = ctx->line;
	c->bytes += size;
	return 1;
}
