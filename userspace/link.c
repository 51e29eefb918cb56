// SPDX-License-Identifier: GPL-2.0
/*
 * link: vtep devices. Created and deleted over rtnetlink (kind "vtep", the
 * settings in IFLA_INFO_DATA), so "ip link add type vtep" and vtepctl make
 * the same request; changed and shown over the vtep genl family.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "vtepctl.h"

#define L(cmd) BIT(LINK_##cmd)
#define OPT (L(ADD) | L(SET))

static int p_name(void *req, char **v)
{
	struct link_req *r = req;

	if (parse_ifname(v[0], r->name))
		return invarg("device name must be 1-15 characters, no '/' ':' or spaces",
			      v[0]);
	return 0;
}

static int p_local(void *req, char **v)
{
	struct link_req *r = req;

	if (parse_ip(v[0], &r->local))
		return invarg("not an IPv4 or IPv6 address", v[0]);
	if (ip_is_multicast(&r->local))
		return invarg("the local address must be unicast", v[0]);
	r->set |= BIT(VTEP_LINK_A_LOCAL);
	return 0;
}

static int p_port(void *req, char **v)
{
	struct link_req *r = req;

	if (parse_port(v[0], &r->port))
		return invarg("port must be 1-65535", v[0]);
	r->set |= BIT(VTEP_LINK_A_PORT);
	return 0;
}

static int p_dev(void *req, char **v)
{
	struct link_req *r = req;

	if (parse_ifname(v[0], r->dev))
		return invarg("device name must be 1-15 characters, no '/' ':' or spaces",
			      v[0]);
	r->set |= BIT(VTEP_LINK_A_UNDERLAY);
	return 0;
}

static int p_ttl(void *req, char **v)
{
	struct link_req *r = req;
	uint32_t t = 0;

	if (strcmp(v[0], "auto") && parse_u32(v[0], 1, 255, &t))
		return invarg("TTL must be 1-255 or \"auto\"", v[0]);
	r->ttl = (uint8_t)t;
	r->set |= BIT(VTEP_LINK_A_TTL);
	return 0;
}

/* A TOS byte reads best in hex (0x10), as ip(8) prints it */
static int parse_tos(const char *s, uint8_t *tos)
{
	uint32_t t;
	char *end;

	if (s[0] == '0' && s[1] == 'x' && s[2]) {
		unsigned long v = strtoul(s + 2, &end, 16);

		if (*end || v > 255 || s[2] == '-' || s[2] == '+')
			return -1;
		t = (uint32_t)v;
	} else if (parse_u32(s, 0, 255, &t)) {
		return -1;
	}
	*tos = (uint8_t)t;
	return 0;
}

static int p_tos(void *req, char **v)
{
	struct link_req *r = req;

	if (!strcmp(v[0], "inherit"))
		r->tos = VTEP_TOS_INHERIT;
	else if (parse_tos(v[0], &r->tos) || r->tos == VTEP_TOS_INHERIT)
		return invarg("TOS must be 0-255 (0x00-0xff) or \"inherit\"",
			      v[0]);
	r->set |= BIT(VTEP_LINK_A_TOS);
	return 0;
}

static const char *const df_names[] = {
	[VTEP_DF_UNSET] = "unset",
	[VTEP_DF_SET] = "set",
	[VTEP_DF_INHERIT] = "inherit",
	NULL,
};

static int p_df(void *req, char **v)
{
	struct link_req *r = req;
	int i = find_word(df_names, v[0]);

	if (i < 0)
		return invarg("DF must be \"set\", \"unset\" or \"inherit\"",
			      v[0]);
	r->df = (uint8_t)i;
	r->set |= BIT(VTEP_LINK_A_DF);
	return 0;
}

static int on_off(const char *v, uint8_t *out, uint64_t *set, int attr)
{
	if (parse_on_off(v, out))
		return invarg("expected \"on\" or \"off\"", v);
	*set |= BIT(attr);
	return 0;
}

static int p_learning(void *req, char **v)
{
	struct link_req *r = req;

	return on_off(v[0], &r->learning, &r->set, VTEP_LINK_A_LEARNING);
}

static int p_udpcsum(void *req, char **v)
{
	struct link_req *r = req;

	return on_off(v[0], &r->udp_csum, &r->set, VTEP_LINK_A_UDP_CSUM);
}

static int p_move(void *req, char **v)
{
	struct link_req *r = req;

	return on_off(v[0], &r->move_notice, &r->set,
		      VTEP_LINK_A_MOVE_NOTICE);
}

static int p_ageing(void *req, char **v)
{
	struct link_req *r = req;

	if (parse_seconds(v[0], &r->ageing))
		return invarg("ageing must be 0-1000000 seconds (0 = never)",
			      v[0]);
	r->set |= BIT(VTEP_LINK_A_AGEING);
	return 0;
}

static int p_max_fdb(void *req, char **v)
{
	struct link_req *r = req;

	if (parse_u32(v[0], 0, UINT32_MAX, &r->fdb_max))
		return invarg("max-fdb must be 0-4294967295 (0 = no limit)",
			      v[0]);
	r->set |= BIT(VTEP_LINK_A_FDB_MAX);
	return 0;
}

static int p_srcport(void *req, char **v)
{
	struct link_req *r = req;

	if (parse_port(v[0], &r->port_min))
		return invarg("source ports must be 1-65535", v[0]);
	if (parse_port(v[1], &r->port_max) || r->port_max < r->port_min)
		return invarg("source ports must be MIN MAX, MIN <= MAX <= 65535",
			      v[1]);
	r->set |= BIT(VTEP_LINK_A_PORT_MIN) | BIT(VTEP_LINK_A_PORT_MAX);
	return 0;
}

static const struct kw link_kws[] = {
	{ "NAME", L(ADD) | L(SET) | L(DEL) | L(SHOW), L(ADD) | L(SET) | L(DEL),
	  1, 0, p_name },
	{ "local", OPT, 0, 1, 0, p_local },
	{ "port", OPT, 0, 1, 0, p_port },
	{ "dev", OPT, 0, 1, 0, p_dev },
	{ "ttl", OPT, 0, 1, 0, p_ttl },
	{ "tos", OPT, 0, 1, 0, p_tos },
	{ "df", OPT, 0, 1, 0, p_df },
	{ "learning", OPT, 0, 1, 0, p_learning },
	{ "ageing", OPT, 0, 1, 0, p_ageing },
	{ "max-fdb", OPT, 0, 1, 0, p_max_fdb },
	{ "srcport", OPT, 0, 2, 0, p_srcport },
	{ "udpcsum", OPT, 0, 1, 0, p_udpcsum },
	{ "move-notice", OPT, 0, 1, 0, p_move },
	{ NULL },
};

static const char *const link_cmds[] = { "add", "set", "del", "show", NULL };

int link_parse(int cmd, int argc, char **argv, struct link_req *r)
{
	int err;

	memset(r, 0, sizeof(*r));
	err = kw_walk(link_kws, "link", link_cmds[cmd], (unsigned int)cmd,
		      argc, argv, r);
	if (err)
		return err;
	if (cmd == LINK_SET && !r->set) {
		pr_err("nothing to change, try \"vtepctl link help\"");
		return -1;
	}
	return 0;
}

/* The settings both RTM_NEWLINK's IFLA_INFO_DATA and LINK_SET carry */
void link_build_info(struct nlmsghdr *nlh, const struct link_req *r)
{
	if (r->set & BIT(VTEP_LINK_A_LOCAL))
		attr_put_ip(nlh, VTEP_LINK_A_LOCAL, VTEP_LINK_A_LOCAL6,
			    &r->local);
	if (r->set & BIT(VTEP_LINK_A_PORT))
		mnl_attr_put_u16(nlh, VTEP_LINK_A_PORT, htons(r->port));
	if (r->set & BIT(VTEP_LINK_A_TTL))
		mnl_attr_put_u8(nlh, VTEP_LINK_A_TTL, r->ttl);
	if (r->set & BIT(VTEP_LINK_A_TOS))
		mnl_attr_put_u8(nlh, VTEP_LINK_A_TOS, r->tos);
	if (r->set & BIT(VTEP_LINK_A_DF))
		mnl_attr_put_u8(nlh, VTEP_LINK_A_DF, r->df);
	if (r->set & BIT(VTEP_LINK_A_LEARNING))
		mnl_attr_put_u8(nlh, VTEP_LINK_A_LEARNING, r->learning);
	if (r->set & BIT(VTEP_LINK_A_AGEING))
		mnl_attr_put_u32(nlh, VTEP_LINK_A_AGEING, r->ageing);
	if (r->set & BIT(VTEP_LINK_A_FDB_MAX))
		mnl_attr_put_u32(nlh, VTEP_LINK_A_FDB_MAX, r->fdb_max);
	if (r->set & BIT(VTEP_LINK_A_PORT_MIN)) {
		mnl_attr_put_u16(nlh, VTEP_LINK_A_PORT_MIN, r->port_min);
		mnl_attr_put_u16(nlh, VTEP_LINK_A_PORT_MAX, r->port_max);
	}
	if (r->set & BIT(VTEP_LINK_A_UDP_CSUM))
		mnl_attr_put_u8(nlh, VTEP_LINK_A_UDP_CSUM, r->udp_csum);
	if (r->set & BIT(VTEP_LINK_A_MOVE_NOTICE))
		mnl_attr_put_u8(nlh, VTEP_LINK_A_MOVE_NOTICE, r->move_notice);
}

/* nlh: a bare header; the underlay device travels as IFLA_LINK */
void link_build_newlink(struct nlmsghdr *nlh, const struct link_req *r)
{
	struct ifinfomsg *ifm;
	struct nlattr *info, *data;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, r->name);
	if (r->set & BIT(VTEP_LINK_A_UNDERLAY))
		mnl_attr_put_u32(nlh, IFLA_LINK, r->link);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vtep");
	if (r->set & ~BIT(VTEP_LINK_A_UNDERLAY)) {
		data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
		link_build_info(nlh, r);
		mnl_attr_nest_end(nlh, data);
	}
	mnl_attr_nest_end(nlh, info);
}

/* nlh: a VTEP_CMD_LINK_SET header */
void link_build_set(struct nlmsghdr *nlh, const struct link_req *r)
{
	struct nlattr *nest;

	put_dev(nlh, r->name);
	nest = mnl_attr_nest_start(nlh, VTEP_A_LINK);
	link_build_info(nlh, r);
	if (r->set & BIT(VTEP_LINK_A_UNDERLAY))
		mnl_attr_put_u32(nlh, VTEP_LINK_A_UNDERLAY, r->link);
	mnl_attr_nest_end(nlh, nest);
}

static void print_u8_on_off(const struct nlattr *a, const char *key,
			    const char *fmt)
{
	uint8_t v;

	if (attr_u8(a, &v))
		print_on_off(PRINT_ANY, key, fmt, v);
}

static void print_u32_attr(const struct nlattr *a, const char *key,
			   const char *fmt)
{
	uint32_t v;

	if (attr_u32(a, &v))
		print_uint(PRINT_ANY, key, fmt, v);
}

static void print_link_attrs(const struct nlattr **t)
{
	char buf[INET6_ADDRSTRLEN], name[IFNAMSIZ];
	struct vtep_ip ip;
	uint16_t u16, u16b;
	uint32_t u32;
	uint8_t u8;

	if (attr_ip(t[VTEP_LINK_A_LOCAL], t[VTEP_LINK_A_LOCAL6], &ip))
		print_string(PRINT_ANY, "local", "local %s ",
			     format_ip(&ip, buf, sizeof(buf)));
	else
		print_null("local");
	if (attr_u16(t[VTEP_LINK_A_PORT], &u16))
		print_uint(PRINT_ANY, "port", "port %u ", ntohs(u16));
	if (attr_u32(t[VTEP_LINK_A_UNDERLAY], &u32) && u32)
		print_string(PRINT_ANY, "link", "dev %s ", nl_ifname(u32, name));
	else
		print_null("link");
	if (attr_u8(t[VTEP_LINK_A_TTL], &u8)) {
		print_uint(PRINT_JSON, "ttl", "%u", u8);
		if (u8)
			print_uint(PRINT_FP, NULL, "ttl %u ", u8);
		else
			print_text("ttl auto ");
	}
	if (attr_u8(t[VTEP_LINK_A_TOS], &u8)) {
		print_uint(PRINT_JSON, "tos", "%u", u8);
		if (u8 == 1)
			print_text("tos inherit ");
		else
			print_uint(PRINT_FP, NULL, "tos 0x%02x ", u8);
	}
	if (attr_u8(t[VTEP_LINK_A_DF], &u8) && u8 <= VTEP_DF_MAX)
		print_string(PRINT_ANY, "df", "df %s ", df_names[u8]);
	print_u8_on_off(t[VTEP_LINK_A_LEARNING], "learning", "learning %s ");
	print_u32_attr(t[VTEP_LINK_A_AGEING], "ageing", "ageing %u ");
	print_u32_attr(t[VTEP_LINK_A_FDB_MAX], "max_fdb", "max-fdb %u ");
	if (attr_u16(t[VTEP_LINK_A_PORT_MIN], &u16) &&
	    attr_u16(t[VTEP_LINK_A_PORT_MAX], &u16b)) {
		print_uint(PRINT_ANY, "port_min", "srcport %u ", u16);
		print_uint(PRINT_ANY, "port_max", "%u ", u16b);
	}
	print_u8_on_off(t[VTEP_LINK_A_UDP_CSUM], "udp_csum", "udpcsum %s ");
	print_u8_on_off(t[VTEP_LINK_A_MOVE_NOTICE], "move_notice",
			"move-notice %s ");
	print_u32_attr(t[VTEP_LINK_A_VNI_COUNT], "vni_count", "vnis %u ");
	print_u32_attr(t[VTEP_LINK_A_FDB_COUNT], "fdb_count", "fdb %u ");
}

/* One VTEP_CMD_LINK_GET reply: "5: vtep0: local 192.0.2.1 port 4789 ..." */
int link_print(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	const struct nlattr *t[VTEP_LINK_A_MAX + 1];
	uint32_t ifindex = 0;

	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	if (!tb[VTEP_A_IFNAME] ||
	    mnl_attr_validate(tb[VTEP_A_IFNAME], MNL_TYPE_NUL_STRING))
		return 0;
	attr_u32(tb[VTEP_A_IFINDEX], &ifindex);
	attr_parse_nest(tb[VTEP_A_LINK], t, VTEP_LINK_A_MAX);

	open_json_object(NULL);
	print_uint(PRINT_ANY, "ifindex", "%u: ", ifindex);
	print_string(PRINT_ANY, "ifname", "%s: ",
		     mnl_attr_get_str(tb[VTEP_A_IFNAME]));
	print_link_attrs(t);
	close_json_object();
	print_nl();
	return 0;
}

static int resolve_dev(struct link_req *r)
{
	if (!(r->set & BIT(VTEP_LINK_A_UNDERLAY)))
		return 0;
	r->link = nl_ifindex(r->dev);
	if (!r->link) {
		pr_err("cannot find device \"%s\"", r->dev);
		return -1;
	}
	return 0;
}

static int ifindex_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];

	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	attr_u32(tb[VTEP_A_IFINDEX], data);
	return 0;
}

static int link_del(struct vtep_nl *nl, const struct link_req *r)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	uint32_t ifindex = 0;

	snprintf(what, sizeof(what), "link %s", r->name);
	/* ask the vtep family first: deleting eth0 by a typo is refused */
	nlh = nl_genl_msg(nl, buf, VTEP_CMD_LINK_GET, 0);
	put_dev(nlh, r->name);
	if (nl_request(nl, nlh, ifindex_cb, &ifindex)) {
		nl_perror(nl, what);
		return -1;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_DELLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = (int)ifindex;
	if (!ifindex)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, r->name);
	if (nl_rtnl_request(nl, nlh)) {
		nl_perror(nl, what);
		return -1;
	}
	return 0;
}

static int link_run(struct vtep_ctx *ctx, int cmd, int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	struct nlmsghdr *nlh;
	struct link_req r;
	struct vtep_nl *nl;
	int err;

	err = link_parse(cmd, argc, argv, &r);
	if (err == KW_HELP) {
		fputs(link_object.help, stdout);
		return 0;
	}
	if (err || resolve_dev(&r))
		return -1;
	nl = ctx_nl(ctx);
	if (!nl)
		return -1;
	snprintf(what, sizeof(what), "link %s", r.name);
	switch (cmd) {
	case LINK_ADD:
		link_build_newlink(mnl_nlmsg_put_header(buf), &r);
		err = nl_rtnl_request(nl, (struct nlmsghdr *)buf);
		break;
	case LINK_SET:
		nlh = nl_genl_msg(nl, buf, VTEP_CMD_LINK_SET, 0);
		link_build_set(nlh, &r);
		err = nl_request(nl, nlh, NULL, NULL);
		break;
	case LINK_DEL:
		return link_del(nl, &r);
	default:
		nlh = nl_genl_msg(nl, buf, VTEP_CMD_LINK_GET, 0);
		open_json_array(NULL);
		if (r.name[0]) {
			put_dev(nlh, r.name);
			err = nl_request(nl, nlh, link_print, NULL);
			close_json_array();
			break;
		}
		err = dump_print(ctx, nlh, link_print, NULL);
		close_json_array();
		return err;
	}
	if (err) {
		nl_perror(nl, what);
		return -1;
	}
	return 0;
}

const struct vtep_object link_object = {
	.name = "link",
	.summary = "create, change, delete and show vtep devices",
	.help =
	"Usage: vtepctl link add NAME [ LINK_OPTIONS ]\n"
	"       vtepctl link set NAME LINK_OPTIONS\n"
	"       vtepctl link del NAME\n"
	"       vtepctl link show [ NAME ]\n"
	"Where: LINK_OPTIONS := [ local ADDR ] [ port PORT ] [ dev IF ]\n"
	"                       [ ttl { TTL | auto } ] [ tos { TOS | inherit } ]\n"
	"                       [ df { set | unset | inherit } ]\n"
	"                       [ learning { on | off } ] [ ageing SECS ]\n"
	"                       [ max-fdb N ] [ srcport MIN MAX ]\n"
	"                       [ udpcsum { on | off } ] [ move-notice { on | off } ]\n"
	"       ADDR := local IPv4 or IPv6 address (its family is the underlay's)\n"
	"       PORT := 1-65535, UDP destination port (default 4789)\n"
	"       IF   := underlay device, for multicast and for binding\n"
	"       TTL  := 1-255; auto: the route's\n"
	"       TOS  := 0-255 or 0x00-0xff; inherit: from the inner header\n"
	"       SECS := 0-1000000, learned entries' ageing time (default 300, 0 = never)\n"
	"       N    := 0-4294967295, FDB entries at most (default 0 = no limit)\n"
	"       MIN MAX := UDP source port range (default 32768 65535)\n",
	.cmds = link_cmds,
	.default_cmd = LINK_SHOW,
	.kws = link_kws,
	.run = link_run,
};
