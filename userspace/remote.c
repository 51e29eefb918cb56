// SPDX-License-Identifier: GPL-2.0
/*
 * remote: a VNI's head-end replication list, the unicast VTEPs that get a
 * copy of each broadcast, multicast and unknown-unicast frame.
 */
#include <string.h>
#include <libmnl/libmnl.h>

#include "vtepctl.h"

#define R(cmd) BIT(REMOTE_##cmd)
#define MUT (R(ADD) | R(REPLACE) | R(DEL))
#define CMD_COUNT (REMOTE_SHOW + 1)

static int p_addr(void *req, char **v)
{
	struct remote_req *r = req;

	if (parse_ip(v[0], &r->addr))
		return invarg("not an IPv4 or IPv6 address", v[0]);
	r->set |= BIT(VTEP_REMOTE_A_ADDR);
	return 0;
}

static int p_vni(void *req, char **v)
{
	struct remote_req *r = req;

	if (parse_vni(v[0], &r->vni))
		return invarg("VNI must be 1-16777215", v[0]);
	r->set |= BIT(VTEP_REMOTE_A_VNI);
	return 0;
}

static int p_dev(void *req, char **v)
{
	struct remote_req *r = req;

	if (parse_ifname(v[0], r->dev))
		return invarg("device name must be 1-15 characters, no '/' ':' or spaces",
			      v[0]);
	return 0;
}

static const struct kw remote_kws[] = {
	{ "ADDR", MUT, MUT, 1, 0, p_addr },
	{ "vni", MUT | R(SHOW), MUT, 1, 0, p_vni },
	{ "dev", MUT | R(SHOW), MUT, 1, 0, p_dev },
	{ NULL },
};

static const char *const remote_cmds[] = {
	"add", "replace", "del", "show", NULL
};

int remote_parse(int cmd, int argc, char **argv, struct remote_req *r)
{
	memset(r, 0, sizeof(*r));
	return kw_walk(remote_kws, "remote", remote_cmds[cmd],
		       (unsigned int)cmd, argc, argv, r);
}

void remote_build(struct nlmsghdr *nlh, const struct remote_req *r)
{
	struct nlattr *nest;

	put_dev(nlh, r->dev);
	if (!r->set)
		return;
	nest = mnl_attr_nest_start(nlh, VTEP_A_REMOTE);
	if (r->set & BIT(VTEP_REMOTE_A_VNI))
		mnl_attr_put_u32(nlh, VTEP_REMOTE_A_VNI, r->vni);
	if (r->set & BIT(VTEP_REMOTE_A_ADDR))
		attr_put_ip(nlh, VTEP_REMOTE_A_ADDR, VTEP_REMOTE_A_ADDR6,
			    &r->addr);
	mnl_attr_nest_end(nlh, nest);
}

/* "192.0.2.2 vni 100 dev vtep0" */
int remote_print(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	const struct nlattr *t[VTEP_REMOTE_A_MAX + 1];
	const struct show_opts *o = data;
	char buf[INET6_ADDRSTRLEN];
	struct vtep_ip ip;
	uint32_t vni = 0;

	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	attr_parse_nest(tb[VTEP_A_REMOTE], t, VTEP_REMOTE_A_MAX);
	if (!attr_ip(t[VTEP_REMOTE_A_ADDR], t[VTEP_REMOTE_A_ADDR6], &ip))
		return 0;
	attr_u32(t[VTEP_REMOTE_A_VNI], &vni);
	if (o && o->vni && o->vni != vni)
		return 0;
	open_json_object(NULL);
	print_string(PRINT_ANY, "addr", "%s ", format_ip(&ip, buf, sizeof(buf)));
	print_uint(PRINT_ANY, "vni", "vni %u ", vni);
	if (tb[VTEP_A_IFNAME] &&
	    !mnl_attr_validate(tb[VTEP_A_IFNAME], MNL_TYPE_NUL_STRING))
		print_string(PRINT_ANY, "dev", "dev %s ",
			     mnl_attr_get_str(tb[VTEP_A_IFNAME]));
	close_json_object();
	print_nl();
	return 0;
}

static int remote_show_dev(struct vtep_ctx *ctx, const char *ifname,
			   void *data)
{
	const struct show_opts *o = data;
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct remote_req r = { 0 };
	struct nlmsghdr *nlh;

	snprintf(r.dev, sizeof(r.dev), "%s", ifname);
	/* as in fdb show: without "dev", a device lacking the VNI lists none */
	if (o->vni && o->dev_given) {
		r.vni = o->vni;
		r.set = BIT(VTEP_REMOTE_A_VNI);
	}
	nlh = nl_genl_msg(ctx->nl, buf, VTEP_CMD_REMOTE_GET, 0);
	remote_build(nlh, &r);
	return dump_print(ctx, nlh, remote_print, data);
}

static int remote_run(struct vtep_ctx *ctx, int cmd, int argc, char **argv)
{
	static const uint8_t genl_cmd[CMD_COUNT] = {
		[REMOTE_ADD] = VTEP_CMD_REMOTE_NEW,
		[REMOTE_REPLACE] = VTEP_CMD_REMOTE_NEW,
		[REMOTE_DEL] = VTEP_CMD_REMOTE_DEL,
	};
	static const uint16_t flags[CMD_COUNT] = {
		[REMOTE_ADD] = NLM_F_CREATE | NLM_F_EXCL,
		[REMOTE_REPLACE] = NLM_F_CREATE | NLM_F_REPLACE,
	};
	char buf[MNL_SOCKET_BUFFER_SIZE], what[128], ip[INET6_ADDRSTRLEN];
	struct nlmsghdr *nlh;
	struct remote_req r;
	struct vtep_nl *nl;
	int err;

	err = remote_parse(cmd, argc, argv, &r);
	if (err == KW_HELP) {
		fputs(remote_object.help, stdout);
		return 0;
	}
	if (err)
		return -1;
	nl = ctx_nl(ctx);
	if (!nl)
		return -1;
	if (cmd == REMOTE_SHOW) {
		struct show_opts o = { .dev_given = r.dev[0], .vni = r.vni };

		open_json_array(NULL);
		err = for_each_vtep(ctx, r.dev, remote_show_dev, &o);
		close_json_array();
		return err;
	}
	nlh = nl_genl_msg(nl, buf, genl_cmd[cmd], flags[cmd]);
	remote_build(nlh, &r);
	if (nl_request(nl, nlh, NULL, NULL)) {
		snprintf(what, sizeof(what), "remote %s vni %u dev %s",
			 format_ip(&r.addr, ip, sizeof(ip)), r.vni, r.dev);
		nl_perror(nl, what);
		return -1;
	}
	return 0;
}

const struct vtep_object remote_object = {
	.name = "remote",
	.summary = "head-end replication lists: unicast VTEPs flooded to",
	.help =
	"Usage: vtepctl remote { add | replace | del } ADDR vni VNI dev NAME\n"
	"       vtepctl remote show [ dev NAME ] [ vni VNI ]\n"
	"Where: ADDR := unicast IPv4 or IPv6 address of a remote VTEP\n"
	"       VNI  := 1-16777215\n"
	"add fails if ADDR is listed; replace succeeds either way.\n",
	.cmds = remote_cmds,
	.default_cmd = REMOTE_SHOW,
	.kws = remote_kws,
	.run = remote_run,
};
