// SPDX-License-Identifier: GPL-2.0
/*
 * vni: the VNIs of a device, each mapped to a VLAN or to untagged frames,
 * with an optional multicast group and a flood policy.
 */
#include <errno.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "vtepctl.h"

#define V(cmd) BIT(VNI_##cmd)
#define MUT (V(ADD) | V(REPLACE) | V(SET))
#define ALL (MUT | V(DEL) | V(SHOW))
#define CMD_COUNT (VNI_SHOW + 1)

static int p_vni(void *req, char **v)
{
	struct vni_req *r = req;

	if (parse_vni(v[0], &r->vni))
		return invarg("VNI must be 1-16777215", v[0]);
	r->set |= BIT(VTEP_VNI_A_ID);
	return 0;
}

static int p_dev(void *req, char **v)
{
	struct vni_req *r = req;

	if (parse_ifname(v[0], r->dev))
		return invarg("device name must be 1-15 characters, no '/' ':' or spaces",
			      v[0]);
	return 0;
}

static int p_vlan(void *req, char **v)
{
	struct vni_req *r = req;

	if (parse_vlan(v[0], &r->vlan))
		return invarg("VLAN must be 1-4094", v[0]);
	r->set |= BIT(VTEP_VNI_A_VLAN);
	return 0;
}

static int p_untagged(void *req, char **v)
{
	struct vni_req *r = req;

	r->set |= BIT(VTEP_VNI_A_UNTAGGED);
	return 0;
}

static int p_group(void *req, char **v)
{
	struct vni_req *r = req;

	r->set |= BIT(VTEP_VNI_A_GROUP);
	if (!strcmp(v[0], "none")) {
		memset(&r->group, 0, sizeof(r->group));
		return 0;
	}
	if (parse_ip(v[0], &r->group))
		return invarg("not an IPv4 or IPv6 address", v[0]);
	if (!ip_is_multicast(&r->group))
		return invarg("group must be a multicast address", v[0]);
	return 0;
}

static int p_flood(void *req, char **v)
{
	struct vni_req *r = req;

	if (parse_on_off(v[0], &r->flood))
		return invarg("expected \"on\" or \"off\"", v[0]);
	r->set |= BIT(VTEP_VNI_A_FLOOD);
	return 0;
}

static const struct kw vni_kws[] = {
	{ "VNI", ALL, MUT | V(DEL), 1, 0, p_vni },
	{ "dev", ALL, MUT | V(DEL), 1, 0, p_dev },
	{ "vlan", MUT, 0, 1, 1, p_vlan },
	{ "untagged", MUT, 0, 0, 1, p_untagged },
	{ "group", MUT, 0, 1, 0, p_group },
	{ "flood", MUT, 0, 1, 0, p_flood },
	{ NULL },
};

static const char *const vni_cmds[] = {
	"add", "replace", "set", "del", "show", NULL
};

int vni_parse(int cmd, int argc, char **argv, struct vni_req *r)
{
	int err;

	memset(r, 0, sizeof(*r));
	err = kw_walk(vni_kws, "vni", vni_cmds[cmd], (unsigned int)cmd,
		      argc, argv, r);
	if (err)
		return err;
	if ((cmd == VNI_ADD || cmd == VNI_REPLACE) &&
	    !(r->set & (BIT(VTEP_VNI_A_VLAN) | BIT(VTEP_VNI_A_UNTAGGED)))) {
		pr_err("\"vlan\" or \"untagged\" is required for \"vni %s\"",
		       vni_cmds[cmd]);
		return -1;
	}
	return 0;
}

/* nlh: a VNI_NEW/SET/DEL/GET header; a dump has no VTEP_A_VNI */
void vni_build(struct nlmsghdr *nlh, const struct vni_req *r)
{
	struct nlattr *nest;

	put_dev(nlh, r->dev);
	if (!r->set)
		return;
	nest = mnl_attr_nest_start(nlh, VTEP_A_VNI);
	if (r->set & BIT(VTEP_VNI_A_ID))
		mnl_attr_put_u32(nlh, VTEP_VNI_A_ID, r->vni);
	if (r->set & BIT(VTEP_VNI_A_VLAN))
		mnl_attr_put_u16(nlh, VTEP_VNI_A_VLAN, r->vlan);
	if (r->set & BIT(VTEP_VNI_A_UNTAGGED))
		mnl_attr_put(nlh, VTEP_VNI_A_UNTAGGED, 0, NULL);
	if (r->set & BIT(VTEP_VNI_A_GROUP)) {
		if (r->group.family == AF_UNSPEC)	/* "none" */
			mnl_attr_put_u32(nlh, VTEP_VNI_A_GROUP, 0);
		else
			attr_put_ip(nlh, VTEP_VNI_A_GROUP, VTEP_VNI_A_GROUP6,
				    &r->group);
	}
	if (r->set & BIT(VTEP_VNI_A_FLOOD))
		mnl_attr_put_u8(nlh, VTEP_VNI_A_FLOOD, r->flood);
	mnl_attr_nest_end(nlh, nest);
}

/* "vni 100 dev vtep0 vlan 10 group 239.1.1.1 flood on remotes 2 fdb 5" */
int vni_print(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	const struct nlattr *t[VTEP_VNI_A_MAX + 1];
	const struct show_opts *o = data;
	char buf[INET6_ADDRSTRLEN];
	struct vtep_ip ip;
	uint32_t id, u32;
	uint16_t vlan;
	uint8_t u8;

	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	attr_parse_nest(tb[VTEP_A_VNI], t, VTEP_VNI_A_MAX);
	if (!attr_u32(t[VTEP_VNI_A_ID], &id) || (o && o->vni && o->vni != id))
		return 0;

	open_json_object(NULL);
	if (o && o->event)
		print_string(PRINT_ANY, "event", "%s ", o->event);
	print_uint(PRINT_ANY, "vni", "vni %u ", id);
	if (tb[VTEP_A_IFNAME] &&
	    !mnl_attr_validate(tb[VTEP_A_IFNAME], MNL_TYPE_NUL_STRING))
		print_string(PRINT_ANY, "dev", "dev %s ",
			     mnl_attr_get_str(tb[VTEP_A_IFNAME]));
	if (attr_u16(t[VTEP_VNI_A_VLAN], &vlan)) {
		print_uint(PRINT_ANY, "vlan", "vlan %u ", vlan);
		print_bool("untagged", false);
	} else if (t[VTEP_VNI_A_UNTAGGED]) {
		print_null("vlan");
		print_text("untagged ");
		print_bool("untagged", true);
	}
	if (attr_ip(t[VTEP_VNI_A_GROUP], t[VTEP_VNI_A_GROUP6], &ip) &&
	    ip_is_multicast(&ip))
		print_string(PRINT_ANY, "group", "group %s ",
			     format_ip(&ip, buf, sizeof(buf)));
	else if (!o || !o->event)
		print_null("group");
	if (attr_u8(t[VTEP_VNI_A_FLOOD], &u8))
		print_on_off(PRINT_ANY, "flood", "flood %s ", u8);
	if (attr_u32(t[VTEP_VNI_A_REMOTES], &u32))
		print_uint(PRINT_ANY, "remotes", "remotes %u ", u32);
	if (attr_u32(t[VTEP_VNI_A_FDB_COUNT], &u32))
		print_uint(PRINT_ANY, "fdb_count", "fdb %u ", u32);
	close_json_object();
	print_nl();
	return 0;
}

static int vni_show_dev(struct vtep_ctx *ctx, const char *ifname, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct vni_req r = { 0 };
	struct nlmsghdr *nlh;

	snprintf(r.dev, sizeof(r.dev), "%s", ifname);
	nlh = nl_genl_msg(ctx->nl, buf, VTEP_CMD_VNI_GET, 0);
	vni_build(nlh, &r);
	return dump_print(ctx, nlh, vni_print, data);
}

static int vni_show(struct vtep_ctx *ctx, const struct vni_req *r)
{
	struct show_opts o = { .dev_given = r->dev[0], .vni = r->vni };
	char buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	struct vtep_nl *nl = ctx_nl(ctx);
	struct nlmsghdr *nlh;
	int err;

	if (!nl)
		return -1;
	open_json_array(NULL);
	if (r->dev[0] && r->vni) {
		nlh = nl_genl_msg(nl, buf, VTEP_CMD_VNI_GET, 0);
		vni_build(nlh, r);
		err = nl_request(nl, nlh, vni_print, &o);
		if (err) {
			snprintf(what, sizeof(what), "vni %u dev %s", r->vni,
				 r->dev);
			nl_perror(nl, what);
		}
	} else {
		err = for_each_vtep(ctx, r->dev, vni_show_dev, &o);
	}
	close_json_array();
	return err ? -1 : 0;
}

static int vni_run(struct vtep_ctx *ctx, int cmd, int argc, char **argv)
{
	static const uint8_t genl_cmd[CMD_COUNT] = {
		[VNI_ADD] = VTEP_CMD_VNI_NEW,
		[VNI_REPLACE] = VTEP_CMD_VNI_NEW,
		[VNI_SET] = VTEP_CMD_VNI_SET,
		[VNI_DEL] = VTEP_CMD_VNI_DEL,
	};
	static const uint16_t flags[CMD_COUNT] = {
		[VNI_ADD] = NLM_F_CREATE | NLM_F_EXCL,
		[VNI_REPLACE] = NLM_F_CREATE | NLM_F_REPLACE,
	};
	char buf[MNL_SOCKET_BUFFER_SIZE], what[64];
	struct nlmsghdr *nlh;
	struct vtep_nl *nl;
	struct vni_req r;
	int err;

	err = vni_parse(cmd, argc, argv, &r);
	if (err == KW_HELP) {
		fputs(vni_object.help, stdout);
		return 0;
	}
	if (err)
		return -1;
	if (cmd == VNI_SHOW)
		return vni_show(ctx, &r);
	nl = ctx_nl(ctx);
	if (!nl)
		return -1;
	nlh = nl_genl_msg(nl, buf, genl_cmd[cmd], flags[cmd]);
	vni_build(nlh, &r);
	if (nl_request(nl, nlh, NULL, NULL)) {
		snprintf(what, sizeof(what), "vni %u dev %s", r.vni, r.dev);
		nl_perror(nl, what);
		return -1;
	}
	return 0;
}

const struct vtep_object vni_object = {
	.name = "vni",
	.summary = "map VNIs to VLANs, set their group and flood policy",
	.help =
	"Usage: vtepctl vni { add | replace } VNI dev NAME { vlan VID | untagged }\n"
	"                   [ group { ADDR | none } ] [ flood { on | off } ]\n"
	"       vtepctl vni set VNI dev NAME [ vlan VID | untagged ]\n"
	"                   [ group { ADDR | none } ] [ flood { on | off } ]\n"
	"       vtepctl vni del VNI dev NAME\n"
	"       vtepctl vni show [ VNI ] [ dev NAME ]\n"
	"Where: VNI  := 1-16777215\n"
	"       VID  := 1-4094, the VLAN of the frames on NAME; untagged: no tag\n"
	"       ADDR := multicast group of the device's address family\n"
	"add fails if the VNI exists; replace creates it or updates it in place.\n"
	"flood: flood unknown unicast (default on).\n",
	.cmds = vni_cmds,
	.default_cmd = VNI_SHOW,
	.kws = vni_kws,
	.run = vni_run,
};
