// SPDX-License-Identifier: GPL-2.0
/*
 * neigh: a VNI's overlay neighbours (a tenant host's IPv4 or IPv6 address
 * and its MAC), from which the device answers its local hosts' ARP
 * requests and neighbour solicitations when the VNI suppresses them
 * ("vni set VNI dev NAME suppress on").
 */
#include <stddef.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "vtepctl.h"

#define N(cmd) BIT(NEIGH_##cmd)
#define MUT (N(ADD) | N(REPLACE) | N(DEL))
#define NEW (N(ADD) | N(REPLACE))

#define T(t, a, f) KT(struct neigh_req, t, a, f)

static const struct kw neigh_kws[] = {
	{ "ADDR", MUT, MUT, 1, 0, NULL, T(KW_UNICAST, VTEP_NEIGH_A_ADDR, addr),
	  .why = "ADDR must be a unicast IPv4 or IPv6 address" },
	{ "lladdr", NEW, NEW, 1, 0, NULL,
	  T(KW_MAC, VTEP_NEIGH_A_LLADDR, mac) },
	{ "vni", MUT | N(SHOW), MUT, 1, 0, NULL,
	  T(KW_VNI, VTEP_NEIGH_A_VNI, vni) },
	{ "dev", MUT | N(SHOW), MUT, 1, 0, NULL, T(KW_DEV, 0, dev) },
	{ "owner", MUT | N(SHOW), 0, 1, 0, NULL,
	  T(KW_OWNER, VTEP_NEIGH_A_OWNER, owner) },
	{ NULL },
};

static int neigh_check(int cmd, void *req)
{
	owner_default(NEIGH_ADD, NEIGH_REPLACE, cmd, req,
		      offsetof(struct neigh_req, owner), VTEP_NEIGH_A_OWNER);
	return 0;
}

static int neigh_print(const struct nlmsghdr *nlh, void *data);
static const struct vtep_op neigh_ops[] = {
	[NEIGH_ADD] = { "add", VTEP_CMD_NEIGH_NEW },
	[NEIGH_REPLACE] = { "replace", VTEP_CMD_NEIGH_NEW },
	[NEIGH_DEL] = { "del", VTEP_CMD_NEIGH_DEL },
	[NEIGH_SHOW] = { "show", VTEP_CMD_NEIGH_GET, neigh_print, true },
	{ NULL },
};

/* "203.0.113.5 lladdr 02:00:00:00:00:05 owner evpn vni 100 dev vtep0"; JSON
 * as ip -j neigh has it: "dst", "lladdr", "dev" ("ifname" with
 * VTEPCTL_JSON_COMPAT) */
static int neigh_print(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	const struct nlattr *t[VTEP_NEIGH_A_MAX + 1];
	const struct show_opts *o = data;
	char buf[INET6_ADDRSTRLEN], mac[18];
	struct vtep_ip ip;
	uint32_t vni = 0;

	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	attr_parse_nest(tb[VTEP_A_NEIGH], t, VTEP_NEIGH_A_MAX);
	if (!attr_ip(t[VTEP_NEIGH_A_ADDR], t[VTEP_NEIGH_A_ADDR6], &ip) ||
	    !t[VTEP_NEIGH_A_LLADDR] ||
	    mnl_attr_get_payload_len(t[VTEP_NEIGH_A_LLADDR]) != 6)
		return 0;
	attr_u32(t[VTEP_NEIGH_A_VNI], &vni);
	if ((o && o->vni && o->vni != vni) ||
	    owner_skip(o, t[VTEP_NEIGH_A_OWNER]))
		return 0;
	open_json_object(NULL);
	print_string(PRINT_ANY, "dst", "%s ", format_ip(&ip, buf, sizeof(buf)));
	print_string(PRINT_ANY, "lladdr", "lladdr %s ",
		     format_mac(mnl_attr_get_payload(t[VTEP_NEIGH_A_LLADDR]),
				mac));
	print_owner(t[VTEP_NEIGH_A_OWNER]);
	print_uint(PRINT_ANY, "vni", "vni %u ", vni);
	if (attr_str(tb[VTEP_A_IFNAME]))
		print_string(PRINT_ANY, json_compat() ? "ifname" : "dev",
			     "dev %s ", attr_str(tb[VTEP_A_IFNAME]));
	close_json_object();
	print_nl();
	return 0;
}

static void neigh_what(const void *req, char *buf, size_t len)
{
	const struct neigh_req *r = req;

	format_at(buf, len, "neigh", &r->addr, r->vni, r->dev);
}

const struct vtep_object neigh_object = {
	VTEP_OBJECT(neigh, NEIGH_SHOW),
	.summary = "overlay neighbours a VNI answers ARP and ND for",
	.help =
	"Usage: vtepctl neigh { add | replace } ADDR lladdr MAC vni VNI dev NAME\n"
	"                     [ owner OWNER ]\n"
	"       vtepctl neigh del ADDR vni VNI dev NAME [ owner OWNER ]\n"
	"       vtepctl neigh show [ dev NAME ] [ vni VNI ] [ owner OWNER ]\n"
	"Where: ADDR  := a tenant host's unicast IPv4 or IPv6 address\n"
	"       MAC   := its unicast MAC, xx:xx:xx:xx:xx:xx\n"
	"       VNI   := 1-16777215\n"
	"       OWNER := { unspec | user | conf | evpn | hook | 0-255 }\n"
	"With \"vtepctl vni set VNI dev NAME suppress on\", the device answers\n"
	"local hosts' ARP requests and IPv6 neighbour solicitations for ADDR\n"
	"with MAC itself instead of flooding them (counted in arp_suppressed and\n"
	"nd_suppressed); gratuitous ARP, ARP probes and duplicate address\n"
	"detection always go through. At most 65536 entries per VNI.\n"
	"add fails if ADDR has an entry; replace succeeds either way, and gives\n"
	"it MAC and OWNER. add and replace store owner user unless given; del\n"
	"with owner deletes ADDR's entry only if it is OWNER's.\n",
	.check = neigh_check,
	.nest = VTEP_A_NEIGH,
	.what = neigh_what,
};
