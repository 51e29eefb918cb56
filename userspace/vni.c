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

#define T(t, a, f) KT(struct vni_req, t, a, f)

/* "peers any" (the default) or "peers known" */
static int p_peers(void *req, char **val)
{
	struct vni_req *r = req;

	if (!strcmp(val[0], "any"))
		r->peers = VTEP_PEERS_ANY;
	else if (!strcmp(val[0], "known"))
		r->peers = VTEP_PEERS_KNOWN;
	else
		return invarg("expected \"any\" or \"known\"", val[0]);
	r->set |= BIT(VTEP_VNI_A_PEERS);
	return 0;
}

static const struct kw vni_kws[] = {
	{ "VNI", ALL, MUT | V(DEL), 1, 0, NULL, T(KW_VNI, VTEP_VNI_A_ID, vni) },
	{ "dev", ALL, MUT | V(DEL), 1, 0, NULL, T(KW_DEV, 0, dev) },
	{ "vlan", MUT, 0, 1, 1, NULL, T(KW_VLAN, VTEP_VNI_A_VLAN, vlan) },
	{ "untagged", MUT, 0, 0, 1, NULL,
	  T(KW_NONE, VTEP_VNI_A_UNTAGGED, vni) },
	{ "group", MUT, 0, 1, 0, NULL, T(KW_GROUP, VTEP_VNI_A_GROUP, group),
	  .why = "group must be a multicast address" },
	{ "flood", MUT, 0, 1, 0, NULL, T(KW_ON_OFF, VTEP_VNI_A_FLOOD, flood) },
	{ "peers", MUT, 0, 1, 0, p_peers, T(KW_U8, VTEP_VNI_A_PEERS, peers) },
	{ "suppress", MUT, 0, 1, 0, NULL,
	  T(KW_ON_OFF, VTEP_VNI_A_SUPPRESS, suppress) },
	{ NULL },
};

static const struct vtep_op vni_ops[] = {
	[VNI_ADD] = { "add", VTEP_CMD_VNI_NEW },
	[VNI_REPLACE] = { "replace", VTEP_CMD_VNI_NEW },
	[VNI_SET] = { "set", VTEP_CMD_VNI_SET },
	[VNI_DEL] = { "del", VTEP_CMD_VNI_DEL },
	[VNI_SHOW] = { "show", VTEP_CMD_VNI_GET, vni_print, true },
	{ NULL },
};

static int vni_check(int cmd, void *req)
{
	const struct vni_req *r = req;

	if ((cmd == VNI_ADD || cmd == VNI_REPLACE) &&
	    !(r->set & (BIT(VTEP_VNI_A_VLAN) | BIT(VTEP_VNI_A_UNTAGGED)))) {
		pr_err("\"vlan\" or \"untagged\" is required for \"vni %s\"",
		       vni_ops[cmd].name);
		return -1;
	}
	return 0;
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
	if (attr_str(tb[VTEP_A_IFNAME]))
		print_string(PRINT_ANY, "ifname", "dev %s ",
			     attr_str(tb[VTEP_A_IFNAME]));
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
	if (attr_u8(t[VTEP_VNI_A_PEERS], &u8))
		print_string(PRINT_ANY, "peers", "peers %s ",
			     u8 == VTEP_PEERS_KNOWN ? "known" : "any");
	if (attr_u8(t[VTEP_VNI_A_SUPPRESS], &u8))
		print_on_off(PRINT_ANY, "suppress", "suppress %s ", u8);
	if (attr_u32(t[VTEP_VNI_A_REMOTES], &u32))
		print_uint(PRINT_ANY, "remote_count", "remotes %u ", u32);
	if (attr_u32(t[VTEP_VNI_A_FDB_COUNT], &u32))
		print_uint(PRINT_ANY, "fdb_count", "fdb %u ", u32);
	if (attr_u32(t[VTEP_VNI_A_LEARNED], &u32))
		print_uint(PRINT_ANY, "learned_count", "learned %u ", u32);
	if (attr_u32(t[VTEP_VNI_A_NEIGHS], &u32))
		print_uint(PRINT_ANY, "neigh_count", "neighs %u ", u32);
	if (o && o->stats)
		print_counters(o->stats);	/* -s */
	close_json_object();
	print_nl();
	return 0;
}

static void vni_what(const void *req, char *buf, size_t len)
{
	const struct vni_req *r = req;

	snprintf(buf, len, "vni %u dev %s", r->vni, r->dev);
}

static bool vni_one(const void *req)
{
	const struct vni_req *r = req;

	return r->dev[0] && r->vni;
}

const struct vtep_object vni_object = {
	VTEP_OBJECT(vni, VNI_SHOW),
	.summary = "map VNIs to VLANs, set their group and flood policy",
	.help =
	"Usage: vtepctl vni { add | replace } VNI dev NAME { vlan VID | untagged }\n"
	"                   [ group { ADDR | none } ] [ flood { on | off } ]\n"
	"                   [ peers { any | known } ] [ suppress { on | off } ]\n"
	"       vtepctl vni set VNI dev NAME [ vlan VID | untagged ]\n"
	"                   [ group { ADDR | none } ] [ flood { on | off } ]\n"
	"                   [ peers { any | known } ] [ suppress { on | off } ]\n"
	"       vtepctl vni del VNI dev NAME\n"
	"       vtepctl vni show [ VNI ] [ dev NAME ]\n"
	"Where: VNI  := 1-16777215\n"
	"       VID  := 1-4094, the VLAN of the frames on NAME; untagged: no tag\n"
	"       ADDR := multicast group of the device's address family\n"
	"add fails if the VNI exists; replace creates it or updates it in place.\n"
	"flood: flood unknown unicast (default on).\n"
	"peers: accept frames from any underlay source (default), or only from\n"
	"known peers: remotes, static FDB destinations, \"vtepctl peer\" prefixes.\n"
	"suppress: answer local ARP/ND requests from \"vtepctl neigh\" (default off).\n",
	.check = vni_check,
	.nest = VTEP_A_VNI,
	.what = vni_what,
	.one = vni_one,
};
