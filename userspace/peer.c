// SPDX-License-Identifier: GPL-2.0
/*
 * peer: the underlay addresses and prefixes a VNI accepts frames from when
 * it accepts known peers only ("vni set VNI dev NAME peers known"), beyond
 * its replication list and the destinations of its static FDB entries.
 */
#include <stdlib.h>
#include <linux/genetlink.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "vtepctl.h"

#define P(cmd) BIT(PEER_##cmd)
#define MUT (P(ADD) | P(REPLACE) | P(DEL))
#define ALL (MUT | P(SHOW))

#define T(t, a, f) KT(struct peer_req, t, a, f)

/* "198.51.100.0/24" or "2001:db8::1": an address, or a prefix of one */
static int p_prefix(void *req, char **val)
{
	struct peer_req *r = req;
	char buf[INET6_ADDRSTRLEN + 5], *slash;
	uint32_t len;

	snprintf(buf, sizeof(buf), "%s", val[0]);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (parse_ip(buf, &r->addr) || ip_is_multicast(&r->addr))
		return invarg("PREFIX must be a unicast IPv4 or IPv6 address, with an optional /LEN",
			      val[0]);
	if (slash) {
		if (parse_u32(slash, 1, r->addr.family == AF_INET6 ? 128 : 32,
			      &len))
			return invarg("prefix length must be 1-32 (IPv4) or 1-128 (IPv6)",
				      val[0]);
		r->plen = (uint8_t)len;
		r->set |= BIT(VTEP_PEER_A_PREFIX);
	}
	r->set |= BIT(VTEP_PEER_A_ADDR);
	return 0;
}

static const struct kw peer_kws[] = {
	{ "PREFIX", MUT, MUT, 1, 0, p_prefix,
	  T(KW_IP, VTEP_PEER_A_ADDR, addr) },
	{ "vni", ALL, ALL, 1, 0, NULL, T(KW_VNI, VTEP_PEER_A_VNI, vni) },
	{ "dev", ALL, ALL, 1, 0, NULL, T(KW_DEV, 0, dev) },
	{ "owner", ALL, 0, 1, 0, NULL, T(KW_OWNER, VTEP_PEER_A_OWNER, owner) },
	{ NULL },
};

static int peer_check(int cmd, void *req)
{
	owner_default(PEER_ADD, PEER_REPLACE, cmd, req,
		      offsetof(struct peer_req, owner), VTEP_PEER_A_OWNER);
	return 0;
}

static const struct vtep_op peer_ops[] = {
	[PEER_ADD] = { "add", VTEP_CMD_PEER_NEW },
	[PEER_REPLACE] = { "replace", VTEP_CMD_PEER_NEW },
	[PEER_DEL] = { "del", VTEP_CMD_PEER_DEL },
	[PEER_SHOW] = { "show", VTEP_CMD_PEER_GET, peer_print },
	{ NULL },
};

static void peer_build(struct nlmsghdr *nlh, const void *req)
{
	const struct peer_req *r = req;
	struct nlattr *nest;

	put_dev(nlh, r->dev);
	nest = mnl_attr_nest_start(nlh, VTEP_A_PEER);
	mnl_attr_put_u32(nlh, VTEP_PEER_A_VNI, r->vni);
	if (r->set & BIT(VTEP_PEER_A_ADDR))
		attr_put_ip(nlh, VTEP_PEER_A_ADDR, VTEP_PEER_A_ADDR6, &r->addr);
	if (r->set & BIT(VTEP_PEER_A_PREFIX))
		mnl_attr_put_u8(nlh, VTEP_PEER_A_PREFIX, r->plen);
	if (r->set & BIT(VTEP_PEER_A_OWNER))
		mnl_attr_put_u8(nlh, VTEP_PEER_A_OWNER, r->owner);
	mnl_attr_nest_end(nlh, nest);
}

/* One line per allowance: "198.51.100.0/24 owner conf vni 100 dev vtep0";
 * an event (monitor) names the source refused, of no owner */
int peer_print(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	const struct show_opts *o = data;
	const char *dev;
	struct nlattr *a;

	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	dev = attr_str(tb[VTEP_A_IFNAME]);
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		const struct nlattr *t[VTEP_PEER_A_MAX + 1];
		char ip[INET6_ADDRSTRLEN], buf[INET6_ADDRSTRLEN + 5];
		struct vtep_ip addr;
		uint32_t vni = 0;
		uint8_t plen = 0;

		if (mnl_attr_get_type(a) != VTEP_A_PEER)
			continue;
		attr_parse_nest(a, t, VTEP_PEER_A_MAX);
		if (!attr_ip(t[VTEP_PEER_A_ADDR], t[VTEP_PEER_A_ADDR6], &addr) ||
		    owner_skip(o, t[VTEP_PEER_A_OWNER]))
			continue;
		attr_u32(t[VTEP_PEER_A_VNI], &vni);
		attr_u8(t[VTEP_PEER_A_PREFIX], &plen);
		snprintf(buf, sizeof(buf), "%s/%u",
			 format_ip(&addr, ip, sizeof(ip)), plen);
		open_json_object(NULL);
		if (o && o->event)
			print_string(PRINT_ANY, "event", "%s ", o->event);
		print_string(PRINT_ANY, "prefix", "%s ", buf);
		print_owner(t[VTEP_PEER_A_OWNER]);
		print_vni_dev_end(vni, dev);
	}
	return 0;
}

static void peer_what(const void *req, char *buf, size_t len)
{
	const struct peer_req *r = req;

	if (r->set & BIT(VTEP_PEER_A_ADDR))
		format_at(buf, len, "peer", &r->addr, r->vni, r->dev);
	else
		snprintf(buf, len, "peers of vni %u dev %s", r->vni, r->dev);
}

static bool peer_one(const void *req)
{
	(void)req;
	return true;
}

const struct vtep_object peer_object = {
	VTEP_OBJECT(peer, PEER_SHOW),
	.summary = "underlay sources a VNI accepts when it takes known peers only",
	.help =
	"Usage: vtepctl peer { add | replace | del } PREFIX vni VNI dev NAME\n"
	"                    [ owner OWNER ]\n"
	"       vtepctl peer show vni VNI dev NAME [ owner OWNER ]\n"
	"Where: PREFIX := ADDR[/LEN], a unicast IPv4 or IPv6 address or prefix\n"
	"       VNI    := 1-16777215\n"
	"       OWNER  := { unspec | user | conf | evpn | hook | 0-255 }\n"
	"A VNI set to \"peers known\" (vtepctl vni set VNI dev NAME peers known)\n"
	"accepts frames only from its remotes, the destinations of its static\n"
	"FDB entries and the prefixes added here (at most 64, 16 of them shorter\n"
	"than an address); others are dropped and counted (drop_peer).\n"
	"add fails if PREFIX is listed; replace succeeds either way, and gives\n"
	"it OWNER. add and replace store owner user unless given; del with\n"
	"owner deletes PREFIX only if it is OWNER's.\n",
	.check = peer_check,
	.nest = VTEP_A_PEER,
	.build = peer_build,
	.what = peer_what,
	.one = peer_one,
};
