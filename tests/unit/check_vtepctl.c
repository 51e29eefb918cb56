// SPDX-License-Identifier: GPL-2.0
/*
 * The runner: every suite, TAP on stdout when CK_TAP_LOG_FILE_NAME=- (as
 * `make unit` runs it). Helpers shared by the suites live here too.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "unit.h"

int split(const char *s, char *buf, size_t len, char **argv, int max)
{
	snprintf(buf, len, "%s", s);
	return makeargs(buf, argv, max);
}

void cap_begin(struct cap *c, bool json, bool pretty)
{
	memset(c, 0, sizeof(*c));
	c->out = open_memstream(&c->obuf, &c->olen);
	c->err = open_memstream(&c->ebuf, &c->elen);
	print_setup(c->out, json, pretty);
	err_setup(c->err);
}

void cap_end(struct cap *c)
{
	print_flush();
	fclose(c->out);
	fclose(c->err);
	print_setup(stdout, false, false);
	err_setup(NULL);
}

void cap_free(struct cap *c)
{
	free(c->obuf);
	free(c->ebuf);
}

/* ---- render ---- */

enum kind { K_NONE, K_U8, K_U16, K_U32, K_U64, K_BE16, K_IP4, K_IP6, K_STR,
	    K_FLAG, K_MAC, K_NEST };

struct field {
	const char *name;
	enum kind kind;
	const struct field *sub;
	unsigned int nsub;
};

#define SUB(a) a, (unsigned int)ARRAY_SIZE(a)

static const struct field locals_f[] = {
	[VTEP_LOCAL_A_ADDR] = { "addr", K_IP4 },
	[VTEP_LOCAL_A_ADDR6] = { "addr6", K_IP6 },
};

static const struct field link_f[] = {
	[VTEP_LINK_A_LOCAL] = { "local", K_IP4 },
	[VTEP_LINK_A_LOCAL6] = { "local6", K_IP6 },
	[VTEP_LINK_A_PORT] = { "port", K_BE16 },
	[VTEP_LINK_A_UNDERLAY] = { "underlay", K_U32 },
	[VTEP_LINK_A_TTL] = { "ttl", K_U8 },
	[VTEP_LINK_A_TOS] = { "tos", K_U8 },
	[VTEP_LINK_A_DF] = { "df", K_U8 },
	[VTEP_LINK_A_LEARNING] = { "learning", K_U8 },
	[VTEP_LINK_A_AGEING] = { "ageing", K_U32 },
	[VTEP_LINK_A_FDB_MAX] = { "fdb_max", K_U32 },
	[VTEP_LINK_A_PORT_MIN] = { "port_min", K_U16 },
	[VTEP_LINK_A_PORT_MAX] = { "port_max", K_U16 },
	[VTEP_LINK_A_UDP_CSUM] = { "udp_csum", K_U8 },
	[VTEP_LINK_A_MOVE_NOTICE] = { "move_notice", K_U8 },
	[VTEP_LINK_A_FDB_COUNT] = { "fdb_count", K_U32 },
	[VTEP_LINK_A_VNI_COUNT] = { "vni_count", K_U32 },
	[VTEP_LINK_A_UDP6_ZERO_CSUM_RX] = { "udp6_zero_csum_rx", K_U8 },
	[VTEP_LINK_A_LEARN_MAX] = { "learn_max", K_U32 },
	[VTEP_LINK_A_LEARN_MAX_DEV] = { "learn_max_dev", K_U32 },
	[VTEP_LINK_A_PEER_MAX] = { "peer_max", K_U32 },
	[VTEP_LINK_A_REMOTE_MAX] = { "remote_max", K_U32 },
	[VTEP_LINK_A_RESTEER] = { "resteer", K_U8 },
	[VTEP_LINK_A_FLOWLET_GAP] = { "flowlet_gap", K_U32 },
	[VTEP_LINK_A_SAMPLE] = { "sample", K_U32 },
	[VTEP_LINK_A_ELEPHANT_RATE] = { "elephant_rate", K_U64 },
	[VTEP_LINK_A_LOCALS] = { "locals", K_NEST, SUB(locals_f) },
};

static const struct field vni_f[] = {
	[VTEP_VNI_A_ID] = { "id", K_U32 },
	[VTEP_VNI_A_VLAN] = { "vlan", K_U16 },
	[VTEP_VNI_A_UNTAGGED] = { "untagged", K_FLAG },
	[VTEP_VNI_A_GROUP] = { "group", K_IP4 },
	[VTEP_VNI_A_GROUP6] = { "group6", K_IP6 },
	[VTEP_VNI_A_FLOOD] = { "flood", K_U8 },
	[VTEP_VNI_A_REMOTES] = { "remotes", K_U32 },
	[VTEP_VNI_A_FDB_COUNT] = { "fdb_count", K_U32 },
	[VTEP_VNI_A_LEARNED] = { "learned", K_U32 },
};

static const struct field remote_f[] = {
	[VTEP_REMOTE_A_VNI] = { "vni", K_U32 },
	[VTEP_REMOTE_A_ADDR] = { "addr", K_IP4 },
	[VTEP_REMOTE_A_ADDR6] = { "addr6", K_IP6 },
	[VTEP_REMOTE_A_OWNER] = { "owner", K_U8 },
};

static const struct field fdb_f[] = {
	[VTEP_FDB_A_VNI] = { "vni", K_U32 },
	[VTEP_FDB_A_MAC] = { "mac", K_MAC },
	[VTEP_FDB_A_DST] = { "dst", K_IP4 },
	[VTEP_FDB_A_DST6] = { "dst6", K_IP6 },
	[VTEP_FDB_A_TYPE] = { "type", K_U8 },
	[VTEP_FDB_A_AGE] = { "age", K_U32 },
	[VTEP_FDB_A_OWNER] = { "owner", K_U8 },
};

static const struct field alias_f[] = {
	[VTEP_ALIAS_A_ADDR] = { "addr", K_IP4 },
	[VTEP_ALIAS_A_ADDR6] = { "addr6", K_IP6 },
	[VTEP_ALIAS_A_PEER] = { "peer", K_IP4 },
	[VTEP_ALIAS_A_PEER6] = { "peer6", K_IP6 },
};

static const struct field fdb_list_f[] = {
	[VTEP_A_FDB] = { "fdb", K_NEST, SUB(fdb_f) },
};

static const struct field top_f[] = {
	[VTEP_A_IFINDEX] = { "ifindex", K_U32 },
	[VTEP_A_IFNAME] = { "ifname", K_STR },
	[VTEP_A_LINK] = { "link", K_NEST, SUB(link_f) },
	[VTEP_A_VNI] = { "vni", K_NEST, SUB(vni_f) },
	[VTEP_A_REMOTE] = { "remote", K_NEST, SUB(remote_f) },
	[VTEP_A_FDB] = { "fdb", K_NEST, SUB(fdb_f) },
	[VTEP_A_FDB_LIST] = { "fdb_list", K_NEST, SUB(fdb_list_f) },
	[VTEP_A_EVENT] = { "event", K_U8 },
	[VTEP_A_ALIAS] = { "alias", K_NEST, SUB(alias_f) },
};

static const struct field info_f[] = {
	[IFLA_INFO_KIND] = { "kind", K_STR },
	[IFLA_INFO_DATA] = { "data", K_NEST, SUB(link_f) },
};

static const struct field rtnl_f[] = {
	[IFLA_IFNAME] = { "ifname", K_STR },
	[IFLA_LINK] = { "link", K_U32 },
	[IFLA_LINKINFO] = { "linkinfo", K_NEST, SUB(info_f) },
};

static void out(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void out(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static void render_attr(const struct nlattr *a, const struct field *f,
			unsigned int n, char *buf, size_t len);

static void render_nest(const struct nlattr *nest, const struct field *f,
			unsigned int n, char *buf, size_t len)
{
	const struct nlattr *a;
	bool first = true;

	mnl_attr_for_each_nested(a, nest) {
		if (!first)
			out(buf, len, " ");
		first = false;
		render_attr(a, f, n, buf, len);
	}
}

static void render_attr(const struct nlattr *a, const struct field *f,
			unsigned int n, char *buf, size_t len)
{
	uint16_t t = mnl_attr_get_type(a);
	uint16_t plen = mnl_attr_get_payload_len(a);
	const void *p = mnl_attr_get_payload(a);
	static const uint16_t want[] = {
		[K_U8] = 1, [K_U16] = 2, [K_U32] = 4, [K_U64] = 8,
		[K_BE16] = 2, [K_IP4] = 4, [K_IP6] = 16, [K_FLAG] = 0,
		[K_MAC] = 6,
	};
	char ip[INET6_ADDRSTRLEN];
	const uint8_t *m = p;
	uint32_t u32;
	uint64_t u64;
	uint16_t u16;

	if (t >= n || f[t].kind == K_NONE) {
		out(buf, len, "?%u", t);
		return;
	}
	f += t;
	if (f->kind != K_STR && f->kind != K_NEST && plen != want[f->kind]) {
		out(buf, len, "%s=BADLEN", f->name);
		return;
	}
	switch (f->kind) {
	case K_U8:
		out(buf, len, "%s=%u", f->name, m[0]);
		break;
	case K_U16:
		memcpy(&u16, p, 2);
		out(buf, len, "%s=%u", f->name, u16);
		break;
	case K_BE16:
		memcpy(&u16, p, 2);
		out(buf, len, "%s=%u", f->name, ntohs(u16));
		break;
	case K_U32:
		memcpy(&u32, p, 4);
		out(buf, len, "%s=%u", f->name, u32);
		break;
	case K_U64:
		memcpy(&u64, p, 8);
		out(buf, len, "%s=%llu", f->name, (unsigned long long)u64);
		break;
	case K_IP4:
	case K_IP6:
		inet_ntop(f->kind == K_IP4 ? AF_INET : AF_INET6, p, ip,
			  sizeof(ip));
		out(buf, len, "%s=%s", f->name, ip);
		break;
	case K_STR:
		if (!plen || ((const char *)p)[plen - 1])
			out(buf, len, "%s=NOTNUL", f->name);
		else
			out(buf, len, "%s=%s", f->name, (const char *)p);
		break;
	case K_FLAG:
		out(buf, len, "%s", f->name);
		break;
	case K_MAC:
		out(buf, len, "%s=%02x:%02x:%02x:%02x:%02x:%02x", f->name,
		    m[0], m[1], m[2], m[3], m[4], m[5]);
		break;
	case K_NEST:
		out(buf, len, "%s{", f->name);
		render_nest(a, f->sub, f->nsub, buf, len);
		out(buf, len, "}");
		break;
	default:
		break;
	}
}

const char *render(const struct nlmsghdr *nlh, enum schema s, char *buf,
		   size_t len)
{
	const struct field *f = s == SCHEMA_GENL ? top_f : rtnl_f;
	unsigned int n = s == SCHEMA_GENL ? ARRAY_SIZE(top_f) :
					    ARRAY_SIZE(rtnl_f);
	size_t hdr = s == SCHEMA_GENL ? GENL_HDRLEN : sizeof(struct ifinfomsg);
	const struct nlattr *a;
	bool first = true;

	buf[0] = 0;
	mnl_attr_for_each(a, nlh, hdr) {
		if (!first)
			out(buf, len, " ");
		first = false;
		render_attr(a, f, n, buf, len);
	}
	return buf;
}

/* ---- the stand-in kernel ---- */

uint8_t genl_cmd_of(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);

	return g->cmd;
}

int fake_kernel(struct nlmsghdr *nlh, nl_cb cb, void *data,
		struct nl_ext *ext, void *priv)
{
	struct fake *f = priv;
	int err = f->err;

	if (f->n < FAKE_MSGS && nlh->nlmsg_len <= sizeof(f->msg[0]))
		memcpy(f->msg[f->n], nlh, nlh->nlmsg_len);
	f->n++;
	if (f->reply)
		err = f->reply(f, nlh, cb, data, ext);
	if (err && f->ext_msg && !ext->msg[0])
		snprintf(ext->msg, sizeof(ext->msg), "%s", f->ext_msg);
	return err;
}

struct nlmsghdr *reply_start(void *buf, uint8_t cmd, const char *ifname,
			     uint32_t ifindex)
{
	struct nlmsghdr *nlh = genl_msg(buf, 0x42, cmd, 0);

	nlh->nlmsg_flags = 0;
	mnl_attr_put_u32(nlh, VTEP_A_IFINDEX, ifindex);
	mnl_attr_put_strz(nlh, VTEP_A_IFNAME, ifname);
	return nlh;
}

int run_cmd(const char *line, struct fake *f, bool json, struct cap *c)
{
	struct vtep_ctx opts = { .json = json };

	return run_cmd_opts(line, f, &opts, c);
}

int run_cmd_opts(const char *line, struct fake *f,
		 const struct vtep_ctx *opts, struct cap *c)
{
	struct vtep_ctx ctx = *opts;
	bool json = opts->json;
	char buf[1024], *argv[64];
	int argc, r;

	ctx.nl = nl_fake(fake_kernel, f);
	argc = split(line, buf, sizeof(buf), argv, 63);
	cap_begin(c, json, false);
	r = vtep_dispatch(&ctx, argc, argv);
	cap_end(c);
	nl_close(ctx.nl);
	return r;
}

void check_cmd(const struct cmd_case *c)
{
	static struct fake f;
	const struct nlmsghdr *nlh = (void *)f.msg[0];
	bool rtnl = c->type == RTM_NEWLINK;
	char got[1024];
	struct cap cap;
	int r;

	memset(&f, 0, sizeof(f));
	r = run_cmd(c->line, &f, false, &cap);
	ck_assert_msg(r == c->ret, "\"%s\": returned %d", c->line, r);
	ck_assert_msg(!strcmp(cap.ebuf, c->err),
		      "\"%s\": stderr \"%s\", want \"%s\"", c->line,
		      cap.ebuf, c->err);
	cap_free(&cap);
	if (c->ret) {
		ck_assert_msg(f.n == 0, "\"%s\": refused, yet sent", c->line);
		return;
	}
	if (rtnl)
		ck_assert_uint_eq(nlh->nlmsg_type, RTM_NEWLINK);
	else
		ck_assert_uint_eq(genl_cmd_of(nlh), c->type);
	ck_assert_msg((nlh->nlmsg_flags & ~(NLM_F_REQUEST | NLM_F_ACK)) ==
		      c->flags, "\"%s\": flags 0x%x", c->line,
		      nlh->nlmsg_flags);
	render(nlh, rtnl ? SCHEMA_RTNL : SCHEMA_GENL, got, sizeof(got));
	ck_assert_msg(!strcmp(got, c->attrs), "\"%s\": sent\n  %s\nwant\n  %s",
		      c->line, got, c->attrs);
}

int main(void)
{
	SRunner *sr = srunner_create(suite_parse());
	int failed;

	srunner_add_suite(sr, suite_print());
	srunner_add_suite(sr, suite_netlink());
	srunner_add_suite(sr, suite_link());
	srunner_add_suite(sr, suite_link_opts());
	srunner_add_suite(sr, suite_vni());
	srunner_add_suite(sr, suite_remote());
	srunner_add_suite(sr, suite_alias());
	srunner_add_suite(sr, suite_fdb());
	srunner_add_suite(sr, suite_stats());
	srunner_add_suite(sr, suite_prom());
	srunner_add_suite(sr, suite_showconf());
	srunner_add_suite(sr, suite_syncconf());
	srunner_add_suite(sr, suite_monitor());
	srunner_add_suite(sr, suite_batch());
	srunner_add_suite(sr, suite_cli());
	/* TAP on stdout: keep it pure, the summary is in the TAP lines */
	srunner_run_all(sr, getenv("CK_TAP_LOG_FILE_NAME") ? CK_SILENT :
							     CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
