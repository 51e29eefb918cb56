// SPDX-License-Identifier: GPL-2.0
/*
 * remote: a VNI's head-end replication list, the unicast VTEPs that get a
 * copy of each broadcast, multicast and unknown-unicast frame.
 */
#include <stddef.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "vtepctl.h"

#define R(cmd) BIT(REMOTE_##cmd)
#define MUT (R(ADD) | R(REPLACE) | R(DEL))

#define T(t, a, f) KT(struct remote_req, t, a, f)

static const struct kw remote_kws[] = {
	{ "vni", MUT | R(SHOW), MUT, 1, 0, NULL,
	  T(KW_VNI, VTEP_REMOTE_A_VNI, vni) },
	{ "ADDR", MUT, MUT, 1, 0, NULL, T(KW_IP, VTEP_REMOTE_A_ADDR, addr) },
	{ "dev", MUT | R(SHOW), MUT, 1, 0, NULL, T(KW_DEV, 0, dev) },
	{ "owner", MUT | R(SHOW), 0, 1, 0, NULL,
	  T(KW_OWNER, VTEP_REMOTE_A_OWNER, owner) },
	{ NULL },
};

static int remote_check(int cmd, void *req)
{
	owner_default(REMOTE_ADD, REMOTE_REPLACE, cmd, req,
		      offsetof(struct remote_req, owner), VTEP_REMOTE_A_OWNER);
	return 0;
}

static int remote_print(const struct nlmsghdr *nlh, void *data);
static const struct vtep_op remote_ops[] = {
	[REMOTE_ADD] = { "add", VTEP_CMD_REMOTE_NEW },
	[REMOTE_REPLACE] = { "replace", VTEP_CMD_REMOTE_NEW },
	[REMOTE_DEL] = { "del", VTEP_CMD_REMOTE_DEL },
	[REMOTE_SHOW] = { "show", VTEP_CMD_REMOTE_GET, remote_print, true },
	{ NULL },
};

/* "192.0.2.2 owner evpn vni 100 dev vtep0" */
static int remote_print(const struct nlmsghdr *nlh, void *data)
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
	if ((o && o->vni && o->vni != vni) ||
	    owner_skip(o, t[VTEP_REMOTE_A_OWNER]))
		return 0;
	open_json_object(NULL);
	/* "dst", as the remote VTEP of an FDB entry (and bridge fdb's) */
	print_string(PRINT_ANY, "dst", "%s ", format_ip(&ip, buf, sizeof(buf)));
	print_owner(t[VTEP_REMOTE_A_OWNER]);
	print_vni_dev_end(vni, attr_str(tb[VTEP_A_IFNAME]));
	return 0;
}

static void remote_what(const void *req, char *buf, size_t len)
{
	const struct remote_req *r = req;

	format_at(buf, len, "remote", &r->addr, r->vni, r->dev);
}

const struct vtep_object remote_object = {
	VTEP_OBJECT(remote, REMOTE_SHOW),
	.summary = "head-end replication lists: unicast VTEPs flooded to",
	.help =
	"Usage: vtepctl remote { add | replace | del } ADDR vni VNI dev NAME\n"
	"                      [ owner OWNER ]\n"
	"       vtepctl remote show [ dev NAME ] [ vni VNI ] [ owner OWNER ]\n"
	"Where: ADDR  := unicast IPv4 or IPv6 address of a remote VTEP\n"
	"       VNI   := 1-16777215\n"
	"       OWNER := { unspec | user | conf | evpn | hook | 0-255 }\n"
	"add fails if ADDR is listed; replace succeeds either way, and gives it\n"
	"OWNER. add and replace store owner user unless given; del with owner\n"
	"deletes ADDR only if it is OWNER's.\n",
	.check = remote_check,
	.nest = VTEP_A_REMOTE,
	.what = remote_what,
};
