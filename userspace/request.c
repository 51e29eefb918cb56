// SPDX-License-Identifier: GPL-2.0
/*
 * What every object shares: parsing argv by its keyword table, a request
 * reported in one voice, and dumps over one or every vtep device.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "vtepctl.h"

/* Reads of a dump the kernel flagged as interrupted, at most */
#define DUMP_TRIES 10

int obj_parse(const struct vtep_object *o, int cmd, int argc, char **argv,
	      void *req)
{
	const char *name = o->ops[cmd].name;
	int err;

	memset(req, 0, o->req_size);
	err = kw_walk(o->kws, o->name, name ? name : "", (unsigned int)cmd,
		      argc, argv, req);
	if (!err && o->check)
		err = o->check(cmd, req);
	return err;
}

void kw_put(struct nlmsghdr *nlh, const struct kw *tab, const void *req)
{
	uint64_t set = *(const uint64_t *)req;

	for (const struct kw *k = tab; k->name; k++) {
		const char *p = (const char *)req + k->off;

		/* rows of one attribute (static, learned) send it once */
		if (!k->attr || !(set & BIT(k->attr)) || k->type == KW_DEV)
			continue;
		set &= ~BIT(k->attr);
		if (k->type == KW_PORT) {
			mnl_attr_put_u16(nlh, k->attr,
					 htons(*(const uint16_t *)p));
		} else if (k->type == KW_RANGE) {
			mnl_attr_put(nlh, k->attr, 2, p);
			mnl_attr_put(nlh, k->attr + 1, 2, p + 2);
		} else if (k->type < KW_IP || k->type > KW_GROUP) {
			mnl_attr_put(nlh, k->attr, kw_types[k->type].size, p);
		} else if (((const struct vtep_ip *)p)->family == AF_UNSPEC) {
			mnl_attr_put_u32(nlh, k->attr, 0);	/* "none" */
		} else {
			attr_put_ip(nlh, k->attr, k->attr + 1,
				    (const struct vtep_ip *)p);
		}
	}
}

void obj_build(struct nlmsghdr *nlh, const struct vtep_object *o,
	       const void *req)
{
	struct nlattr *nest;

	for (const struct kw *k = o->kws; k->name; k++)
		if (k->type == KW_DEV && !k->attr)
			put_dev(nlh, (const char *)req + k->off);
	if (!*(const uint64_t *)req)
		return;
	nest = mnl_attr_nest_start(nlh, o->nest);
	kw_put(nlh, o->kws, req);
	mnl_attr_nest_end(nlh, nest);
}

bool owner_skip(const struct show_opts *o, const struct nlattr *a)
{
	uint8_t owner;

	if (!o || !o->owner_given)
		return false;
	return !attr_u8(a, &owner) || owner != o->owner;
}

void print_owner(const struct nlattr *a)
{
	const char *name;
	uint8_t owner;

	if (!attr_u8(a, &owner))
		return;
	name = owner_name(owner);
	if (name)
		print_string(owner ? PRINT_ANY : PRINT_JSON, "owner",
			     "owner %s ", name);
	else
		print_uint(PRINT_ANY, "owner", "owner %u ", owner);
}

void owner_default(int cmd_add, int cmd_replace, int cmd, void *req,
		   unsigned int off, unsigned int attr)
{
	uint64_t *set = req;

	if ((cmd == cmd_add || cmd == cmd_replace) && !(*set & BIT(attr))) {
		*((uint8_t *)req + off) = VTEP_OWNER_USER;
		*set |= BIT(attr);
	}
}

int vtep_refused(struct vtep_ctx *ctx, const char *what)
{
	int err = nl_last_error(ctx->nl)->err;

	/* the object, its VNI or its device is not there: nothing to do */
	if (ctx->missing_ok && (err == -ENOENT || err == -ENODEV))
		return 0;
	nl_perror(ctx->nl, what);
	return -1;
}

int vtep_request(struct vtep_ctx *ctx, struct nlmsghdr *nlh, nl_cb cb,
		 void *data, const char *what)
{
	if (nl_request(ctx->nl, nlh, cb, data))
		return vtep_refused(ctx, what);
	return 0;
}

struct vtep_nl *ctx_nl(struct vtep_ctx *ctx)
{
	if (!ctx->nl)
		ctx->nl = nl_open(&ctx->nl_err);
	return ctx->nl;
}

void ctx_failed(struct vtep_ctx *ctx, int status)
{
	if (!ctx->failed++)
		ctx->status = status;
}

int ctx_status(const struct vtep_ctx *ctx)
{
	if (!ctx->nl && ctx->nl_err == -ENOENT)
		return VTEP_EXIT_NO_MODULE;
	return VTEP_EXIT_REFUSED;
}

/* ---- helpers shared by the objects' show commands ---- */

struct names {
	char (*name)[IFNAMSIZ];
	unsigned int n, cap;
};

static int names_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	struct names *ns = data;

	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	if (!attr_str(tb[VTEP_A_IFNAME]))
		return 0;
	if (ns->n == ns->cap) {
		unsigned int cap = ns->cap ? ns->cap * 2 : 16;
		void *p = realloc(ns->name, cap * sizeof(*ns->name));

		if (!p)
			return -ENOMEM;
		ns->name = p;
		ns->cap = cap;
	}
	snprintf(ns->name[ns->n++], IFNAMSIZ, "%s",
		 attr_str(tb[VTEP_A_IFNAME]));
	return 0;
}

int for_each_vtep(struct vtep_ctx *ctx, const char *dev,
		  int (*fn)(struct vtep_ctx *ctx, const char *ifname,
			    void *data),
		  void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct names ns = { 0 };
	struct vtep_nl *nl;
	int err = 0, tries = 0;

	nl = ctx_nl(ctx);
	if (!nl)
		return -1;
	if (dev && *dev)
		return fn(ctx, dev, data);
	do {
		ns.n = 0;
		err = nl_dump(nl, nl_genl_msg(nl, buf, VTEP_CMD_LINK_GET, 0),
			      names_cb, &ns);
	} while (err == -EINTR && ++tries < DUMP_TRIES);
	if (err && err != -EINTR) {
		nl_perror(nl, "listing vtep devices");
		free(ns.name);
		return -1;
	}
	for (unsigned int i = 0; i < ns.n && !err; i++)
		err = fn(ctx, ns.name[i], data);
	free(ns.name);
	return err ? -1 : 0;
}

int dump_print(struct vtep_ctx *ctx, struct nlmsghdr *nlh, nl_cb cb,
	       void *data)
{
	struct vtep_nl *nl = ctx_nl(ctx);
	int err, tries = 0;

	if (!nl)
		return -1;
	/*
	 * An interrupted dump (the table changed, or it was being resized)
	 * is read again whole, after a pause that grows: 10, 20, 40 ... ms.
	 */
	for (;;) {
		print_capture_begin();
		err = nl_dump(nl, nlh, cb, data);
		if (err != -EINTR || ++tries == DUMP_TRIES)
			break;
		print_capture_end(false);
		usleep(10000U << (tries < 6 ? tries - 1 : 5));
	}
	print_capture_end(true);
	if (err == -EINTR) {
		/* the kernel still returns each stable entry exactly once */
		pr_warn("the table kept changing during the dump; entries changed meanwhile may be missing or stale");
		err = 0;
	}
	if (err) {
		const struct nlattr *tb[VTEP_A_MAX + 1];
		char what[IFNAMSIZ + 8] = "";

		/* name the device the dump was of */
		attr_parse_genl(nlh, tb, VTEP_A_MAX);
		if (attr_str(tb[VTEP_A_IFNAME]))
			snprintf(what, sizeof(what), "dev %s",
				 attr_str(tb[VTEP_A_IFNAME]));
		nl_perror(nl, what[0] ? what : NULL);
		return -1;
	}
	return 0;
}


/* ---- show: a get or a dump per device ---- */

/* "owner X" of a show: a filter of what is printed, never sent (the
 * kernel's dumps and gets take no owner) */
static void show_owner(const struct vtep_object *o, void *req,
		       struct show_opts *opts)
{
	uint64_t *set = req;

	for (const struct kw *k = o->kws; k->name; k++) {
		if (k->type == KW_OWNER && (*set & BIT(k->attr))) {
			opts->owner_given = true;
			opts->owner = *((uint8_t *)req + k->off);
			*set &= ~BIT(k->attr);
		}
	}
}

struct show {
	const struct vtep_object *o;
	void *req;
	char *dev;			/* the request's ifname */
	uint8_t genl;
	nl_cb cb;
	bool dump;
	struct show_opts opts;
};

static int show_dev(struct vtep_ctx *ctx, const char *ifname, void *data)
{
	struct show *s = data;
	char buf[MNL_SOCKET_BUFFER_SIZE], what[128];
	struct nlmsghdr *nlh;

	if (s->dev != ifname)
		snprintf(s->dev, IFNAMSIZ, "%s", ifname);
	nlh = nl_genl_msg(ctx->nl, buf, s->genl, 0);
	obj_build(nlh, s->o, s->req);
	if (s->dump)
		return dump_print(ctx, nlh, s->cb, &s->opts);
	s->o->what(s->req, what, sizeof(what));
	return vtep_request(ctx, nlh, s->cb, &s->opts, what);
}

int obj_show(struct vtep_ctx *ctx, const struct vtep_object *o, void *req,
	     uint8_t genl, nl_cb cb, bool dump)
{
	struct show s = { .o = o, .req = req, .genl = genl, .cb = cb,
			  .dump = dump };
	uint64_t *set = req, vni_bit = 0;
	int err;

	for (const struct kw *k = o->kws; k->name; k++) {
		if (k->type == KW_DEV && !k->attr)
			s.dev = (char *)req + k->off;
		if (k->type == KW_VNI) {
			memcpy(&s.opts.vni, (char *)req + k->off, 4);
			vni_bit = BIT(k->attr);
		}
	}
	show_owner(o, req, &s.opts);
	s.opts.dev_given = s.dev[0];
	/*
	 * Without "dev", a device that lacks the VNI is no error: it has no
	 * entry in it. The print callbacks filter by opts.vni, so the kernel
	 * filters only when one device was named (and says so if it lacks
	 * the VNI).
	 */
	if (!s.opts.dev_given)
		*set &= ~vni_bit;
	open_json_array(NULL);
	err = for_each_vtep(ctx, s.dev, show_dev, &s);
	close_json_array();
	return err ? -1 : 0;
}

int obj_get(struct vtep_ctx *ctx, const struct vtep_object *o, void *req,
	    uint8_t genl, nl_cb cb)
{
	struct show_opts opts = { .dev_given = true };
	char buf[MNL_SOCKET_BUFFER_SIZE], what[128];
	struct nlmsghdr *nlh;
	int err;

	show_owner(o, req, &opts);
	nlh = nl_genl_msg(ctx->nl, buf, genl, 0);
	obj_build(nlh, o, req);
	o->what(req, what, sizeof(what));
	open_json_array(NULL);
	err = vtep_request(ctx, nlh, cb, &opts, what);
	close_json_array();
	return err;
}
