// SPDX-License-Identifier: GPL-2.0
/*
 * alias: peers with several underlay addresses. "alias add B to A" says B
 * is another address of the peer whose primary address is A, so that
 * learning sees no move between them, a flood reaches the peer once and a
 * VNI that takes known peers only takes all of its addresses.
 */
#include <string.h>
#include <linux/genetlink.h>
#include <libmnl/libmnl.h>

#include "vtepctl.h"

#define A(cmd) BIT(ALIAS_##cmd)
#define ADD (A(ADD) | A(REPLACE))
#define MUT (ADD | A(DEL))

#define T(t, a, f) KT(struct alias_req, t, a, f)

static const struct kw alias_kws[] = {
	{ "ADDR", MUT, MUT, 1, 0, NULL, T(KW_UNICAST, VTEP_ALIAS_A_ADDR, addr),
	  .why = "the address must be unicast" },
	{ "to", ADD, ADD, 1, 0, NULL, T(KW_UNICAST, VTEP_ALIAS_A_PEER, peer),
	  .why = "the peer's address must be unicast" },
	{ "dev", MUT | A(SHOW), MUT, 1, 0, NULL, T(KW_DEV, 0, dev) },
	{ NULL },
};

static int alias_print(const struct nlmsghdr *nlh, void *data);
static const struct vtep_op alias_ops[] = {
	[ALIAS_ADD] = { "add", VTEP_CMD_ALIAS_NEW },
	[ALIAS_REPLACE] = { "replace", VTEP_CMD_ALIAS_NEW },
	[ALIAS_DEL] = { "del", VTEP_CMD_ALIAS_DEL },
	[ALIAS_SHOW] = { "show", VTEP_CMD_ALIAS_GET, alias_print },
	{ NULL },
};

/* One line per alias: "198.51.100.12 to 198.51.100.2 dev vtep0" */
static int alias_print(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	const char *dev;
	struct nlattr *a;

	(void)data;
	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	dev = attr_str(tb[VTEP_A_IFNAME]);
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		const struct nlattr *t[VTEP_ALIAS_A_MAX + 1];
		char buf[INET6_ADDRSTRLEN];
		struct vtep_ip addr, peer;

		if (mnl_attr_get_type(a) != VTEP_A_ALIAS)
			continue;
		attr_parse_nest(a, t, VTEP_ALIAS_A_MAX);
		if (!attr_ip(t[VTEP_ALIAS_A_ADDR], t[VTEP_ALIAS_A_ADDR6], &addr) ||
		    !attr_ip(t[VTEP_ALIAS_A_PEER], t[VTEP_ALIAS_A_PEER6], &peer))
			continue;
		open_json_object(NULL);
		print_string(PRINT_ANY, "addr", "%s ",
			     format_ip(&addr, buf, sizeof(buf)));
		print_string(PRINT_ANY, "peer", "to %s ",
			     format_ip(&peer, buf, sizeof(buf)));
		if (dev)
			print_string(PRINT_ANY, "ifname", "dev %s ", dev);
		close_json_object();
		print_nl();
	}
	return 0;
}

static void alias_what(const void *req, char *buf, size_t len)
{
	const struct alias_req *r = req;
	char ip[INET6_ADDRSTRLEN];

	if (r->set & BIT(VTEP_ALIAS_A_ADDR))
		snprintf(buf, len, "alias %s dev %s",
			 format_ip(&r->addr, ip, sizeof(ip)), r->dev);
	else
		snprintf(buf, len, "aliases of dev %s", r->dev);
}

const struct vtep_object alias_object = {
	VTEP_OBJECT(alias, ALIAS_SHOW),
	.summary = "peers with several underlay addresses (peer sets)",
	.help =
	"Usage: vtepctl alias { add | replace } ADDR to PEER dev NAME\n"
	"       vtepctl alias del ADDR dev NAME\n"
	"       vtepctl alias show [ dev NAME ]\n"
	"Where: ADDR := unicast IPv4 or IPv6 address, another address of PEER\n"
	"       PEER := the peer's primary address (or any address of its set)\n"
	"A peer set is a primary address and up to 7 aliases (256 aliases per\n"
	"device). Frames from any address of a set are learned behind the\n"
	"primary, a MAC seen behind two addresses of a set has not moved, a\n"
	"flood reaches the set once, and a VNI with \"peers known\" takes every\n"
	"address of a set one of whose addresses it knows. del of a primary\n"
	"removes its whole set. add fails if ADDR is in a set; replace succeeds\n"
	"if it is in PEER's.\n",
	.nest = VTEP_A_ALIAS,
	.what = alias_what,
};
