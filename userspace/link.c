// SPDX-License-Identifier: GPL-2.0
/*
 * link: vtep devices. Created and deleted over rtnetlink (kind "vtep", the
 * settings in IFLA_INFO_DATA), so "ip link add type vtep" and vtepctl make
 * the same request; changed and shown over the vtep genl family.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "vtepctl.h"

#define L(cmd) BIT(LINK_##cmd)
#define OPT (L(ADD) | L(SET))

/* Every option by link_opts.h's parser; kw_walk has refused repeats */
static int p_opt(void *req, unsigned int i, char **v)
{
	struct link_req *r = req;
	const char *why, *bad;

	if (link_opt_parse(&link_opts[i], v, &r->v, &why, &bad))
		return invarg(why, bad);
	r->set = r->v.given;
	return 0;
}

#define LINK_P(id, ...)							\
	static int p_##id(void *req, char **v) { return p_opt(req, LO_##id, v); }
LINK_OPTS(LINK_P)

/* a row per option of link_opts.h: srcport takes two values, local repeats */
#define LINK_KW(id, kw, ...)						\
	{ kw, OPT, 0, (LO_##id == LO_SRCPORT) + 1, 0, p_##id,		\
	  .many = LO_##id == LO_LOCAL },

static const struct kw link_kws[] = {
	{ "NAME", L(ADD) | L(SET) | L(DEL) | L(SHOW), L(ADD) | L(SET) | L(DEL),
	  1, 0, NULL, KT(struct link_req, KW_DEV, 0, name) },
	LINK_OPTS(LINK_KW)
	{ NULL },
};

static int link_add(struct vtep_ctx *ctx, void *req);
static int link_del(struct vtep_ctx *ctx, void *req);
static int link_show(struct vtep_ctx *ctx, void *req);
static const struct vtep_op link_ops[] = {
	[LINK_ADD] = { "add", .run = link_add },
	[LINK_SET] = { "set", VTEP_CMD_LINK_SET },
	[LINK_DEL] = { "del", .run = link_del },
	[LINK_SHOW] = { "show", .run = link_show },
	{ NULL },
};

#define UNDERLAY_GIVEN(r) ((r)->v.given & BIT(LO_UNDERLAY))

/* Rules across keywords; the underlay named is resolved here, so a
 * missing one stops the command before anything is sent */
static int link_check(int cmd, void *req)
{
	struct link_req *r = req;

	if (cmd == LINK_SET && !r->set) {
		pr_err("nothing to change, try \"vtepctl link help\"");
		return -1;
	}
	if (!UNDERLAY_GIVEN(r) || !r->v.dev[0])
		return 0;	/* "underlay none": ifindex 0 */
	r->v.ifindex = nl_ifindex(r->v.dev);
	if (!r->v.ifindex) {
		pr_err("cannot find device \"%s\"", r->v.dev);
		return -1;
	}
	return 0;
}

static void put_attr(void *msg, unsigned int attr, const void *d, size_t len)
{
	mnl_attr_put(msg, (uint16_t)attr, len, d);
}

static void *put_nest(void *msg, unsigned int attr)
{
	return mnl_attr_nest_start(msg, (uint16_t)attr);
}

static void put_nest_end(void *msg, void *nest)
{
	mnl_attr_nest_end(msg, nest);
}

static void put_opts(struct nlmsghdr *nlh, const struct link_req *r)
{
	const struct link_put p = { put_attr, put_nest, put_nest_end, nlh };

	link_opts_put(&p, &r->v);
}

/* nlh: a bare header; the underlay device travels as IFLA_LINK */
static void link_build_newlink(struct nlmsghdr *nlh, const struct link_req *r)
{
	struct ifinfomsg *ifm;
	struct nlattr *info, *data;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, r->name);
	if (UNDERLAY_GIVEN(r) && r->v.ifindex)
		mnl_attr_put_u32(nlh, IFLA_LINK, r->v.ifindex);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vtep");
	if (r->set & ~BIT(LO_UNDERLAY)) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		put_opts(nlh, r);
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, info);
}

/* nlh: a VTEP_CMD_LINK_SET header; the underlay goes last */
static void link_build_set(struct nlmsghdr *nlh, const void *req)
{
	const struct link_req *r = req;
	struct nlattr *nest;

	put_dev(nlh, r->name);
	nest = mnl_attr_nest_start(nlh, VTEP_A_LINK);
	put_opts(nlh, r);
	if (UNDERLAY_GIVEN(r))
		mnl_attr_put_u32(nlh, VTEP_LINK_A_UNDERLAY, r->v.ifindex);
	mnl_attr_nest_end(nlh, nest);
}

/* ---- link_opts.h's printer on print.c ---- */

static void out_text(const char *s)
{
	print_string(PRINT_FP, NULL, "%s", s);
}

static void out_str(const char *key, const char *v)
{
	if (v)
		print_string(PRINT_JSON, key, "%s", v);
	else
		print_null(key);
}

static void out_uint(const char *key, uint64_t v)
{
	print_u64(PRINT_JSON, key, "%" PRIu64, v);
}

static void out_open(const char *key, bool array)
{
	if (array)
		open_json_array(key);
	else
		open_json_object(key);
}

static void out_close(bool array)
{
	if (array)
		close_json_array();
	else
		close_json_object();
}

static const char *out_ifname(uint32_t ifindex, char *buf)
{
	return nl_ifname(ifindex, buf);
}

static const struct link_printer printer = {
	out_text, out_str, out_uint, print_bool, out_open, out_close,
	out_ifname,
};

static const void *nla_payload(const void *tb, unsigned int attr, size_t *len)
{
	const struct nlattr *a = ((const struct nlattr *const *)tb)[attr];

	if (!a)
		return NULL;
	*len = mnl_attr_get_payload_len(a);
	return mnl_attr_get_payload(a);
}

/* One VTEP_CMD_LINK_GET reply: "5: vtep0: local 192.0.2.1 port 4789 ...";
 * with -s (data: struct show_opts with stats), the device's counters */
static int link_print(const struct nlmsghdr *nlh, void *data)
{
	const struct show_opts *o = data;
	const struct nlattr *tb[VTEP_A_MAX + 1];
	const struct nlattr *t[VTEP_LINK_A_MAX + 1];
	uint32_t ifindex = 0;
	const char *ifname = attr_parse_dev(nlh, tb, &ifindex);

	if (!ifname)
		return 0;
	attr_parse_nest(tb[VTEP_A_LINK], t, VTEP_LINK_A_MAX);
	open_json_object(NULL);
	print_uint(PRINT_ANY, "ifindex", "%u: ", ifindex);
	print_string(PRINT_ANY, "ifname", "%s: ", ifname);
	link_opts_print(&printer, nla_payload, t);
	if (o && o->stats)
		print_counters(o->stats);	/* -s */
	close_json_object();
	print_nl();
	return 0;
}

/* A reply kept whole, for later (one message: the last one wins) */
static int keep_msg(const struct nlmsghdr *nlh, void *data)
{
	struct nlmsghdr **m = data;

	free(*m);
	*m = malloc(nlh->nlmsg_len);
	if (!*m)
		return -ENOMEM;
	memcpy(*m, nlh, nlh->nlmsg_len);
	return 0;
}

/* -s link show, one device: its counters first, then its settings with them */
static int link_stats_dev(struct vtep_ctx *ctx, const char *ifname, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	struct show_opts o = { .dev_given = true };
	char buf[MNL_SOCKET_BUFFER_SIZE], what[IFNAMSIZ + 16];
	struct nlmsghdr *stats = NULL, *nlh;
	int err;

	nlh = nl_genl_msg(ctx->nl, buf, VTEP_CMD_STATS_GET, 0);
	put_dev(nlh, ifname);
	snprintf(what, sizeof(what), "stats dev %s", ifname);
	err = vtep_request(ctx, nlh, keep_msg, &stats, what);
	if (!err && stats) {
		attr_parse_genl(stats, tb, VTEP_A_MAX);
		o.stats = tb[VTEP_A_STATS];
		nlh = nl_genl_msg(ctx->nl, buf, VTEP_CMD_LINK_GET, 0);
		put_dev(nlh, ifname);
		snprintf(what, sizeof(what), "link %s", ifname);
		err = vtep_request(ctx, nlh, link_print, &o, what);
	}
	free(stats);
	return err;
}

static int ifindex_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];

	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	attr_u32(tb[VTEP_A_IFINDEX], data);
	return 0;
}

static void link_what(const void *req, char *buf, size_t len)
{
	const struct link_req *r = req;

	snprintf(buf, len, "link %s", r->name);
}

static int link_del(struct vtep_ctx *ctx, void *req)
{
	const struct link_req *r = req;
	struct vtep_nl *nl = ctx->nl;
	char buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	uint32_t ifindex = 0;

	link_what(r, what, sizeof(what));
	/* ask the vtep family first: deleting eth0 by a typo is refused */
	nlh = nl_genl_msg(nl, buf, VTEP_CMD_LINK_GET, 0);
	put_dev(nlh, r->name);
	if (vtep_request(ctx, nlh, ifindex_cb, &ifindex, what))
		return -1;
	if (nl_last_error(nl)->err)
		return 0;	/* not there, and -ignore-missing */
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_DELLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)ifindex;
	if (!ifindex)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, r->name);
	if (nl_rtnl_request(nl, nlh))
		return vtep_refused(ctx, what);
	return 0;
}

static int link_add(struct vtep_ctx *ctx, void *req)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[64];

	link_build_newlink(mnl_nlmsg_put_header(buf), req);
	if (nl_rtnl_request(ctx->nl, (struct nlmsghdr *)buf)) {
		link_what(req, what, sizeof(what));
		nl_perror(ctx->nl, what);
		return -1;
	}
	return 0;
}

static int link_show(struct vtep_ctx *ctx, void *req)
{
	const struct link_req *r = req;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int err;

	if (ctx->stats) {
		open_json_array(NULL);
		err = for_each_vtep(ctx, r->name[0] ? r->name : NULL,
				    link_stats_dev, NULL);
		close_json_array();
		return err ? -1 : 0;
	}
	if (r->name[0])
		return obj_get(ctx, &link_object, req, VTEP_CMD_LINK_GET,
			       link_print);
	open_json_array(NULL);
	err = dump_print(ctx, nl_genl_msg(ctx->nl, buf, VTEP_CMD_LINK_GET, 0),
			 link_print, NULL);
	close_json_array();
	return err;
}

const struct vtep_object link_object = {
	VTEP_OBJECT(link, LINK_SHOW),
	.summary = "create, change, delete and show vtep devices",
	.help =
	"Usage: vtepctl link add NAME [ LINK_OPTIONS ]\n"
	"       vtepctl link set NAME LINK_OPTIONS\n"
	"       vtepctl link del NAME\n"
	"       vtepctl link show [ NAME ]\n"
	"Where: LINK_OPTIONS := LINK_OPTION [ LINK_OPTION ... ], each once (local\n"
	"       up to 8 times), LINK_OPTION one of:\n"
	LINK_OPTS_USAGE
	"local, port, underlay and udp6zerocsumrx change only while the device is\n"
	"down. resteer on moves elephants to a random outer source port at gaps\n"
	"longer than flowlet-gap, never inside a burst; see vtepctl flows.\n",
	.check = link_check,
	.build = link_build_set,
	.what = link_what,
};
