// SPDX-License-Identifier: GPL-2.0
/*
 * vtep: the generic netlink family's requests (uapi/linux/vtep.h is their
 * spec): the policies, the parsers of the device's and its VNIs' requests,
 * and the dispatch of every command and dump. nl_tables.c parses the
 * requests of the tables (remotes, aliases, peers, neighbours, the FDB);
 * dump.c writes the replies and the dumps; rtnl.c parses the link nest,
 * shared with rtnetlink.
 *
 * Validation is declared in the policies below and done by the genetlink
 * core before a handler runs, strictly: an unknown, truncated or
 * out-of-range attribute never reaches this file. Handlers check only what a
 * policy cannot express (which attributes go together, what the device's
 * state allows) and say what they refused in the extack.
 *
 * Every "do" runs under RTNL, so what it reads and changes is the
 * configuration as one piece.
 */
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netns/generic.h>

#include "vtep.h"
#include "msg.h"
#include "nl.h"

/* Not const: 6.1's struct nla_policy points at a non-const range. */
static struct netlink_range_validation vni_range = {
	.min = 1,
	.max = VTEP_VNI_MAX,
};

static const struct nla_policy vni_policy[VTEP_VNI_A_MAX + 1] = {
	[VTEP_VNI_A_ID]		= NLA_POLICY_FULL_RANGE(NLA_U32, &vni_range),
	[VTEP_VNI_A_VLAN]	= NLA_POLICY_RANGE(NLA_U16, 1, VTEP_VLAN_MAX),
	[VTEP_VNI_A_UNTAGGED]	= { .type = NLA_FLAG },
	[VTEP_VNI_A_GROUP]	= { .type = NLA_BE32 },
	[VTEP_VNI_A_GROUP6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[VTEP_VNI_A_FLOOD]	= NLA_POLICY_MAX(NLA_U8, 1),
	[VTEP_VNI_A_PEERS]	= NLA_POLICY_MAX(NLA_U8, VTEP_PEERS_MAX),
	[VTEP_VNI_A_REMOTES]	= VTEP_READ_ONLY(VTEP_VNI_A_REMOTES),
	[VTEP_VNI_A_FDB_COUNT]	= VTEP_READ_ONLY(VTEP_VNI_A_FDB_COUNT),
	[VTEP_VNI_A_STATS]	= VTEP_READ_ONLY(VTEP_VNI_A_STATS),
	[VTEP_VNI_A_LEARNED]	= VTEP_READ_ONLY(VTEP_VNI_A_LEARNED),
	[VTEP_VNI_A_SUPPRESS]	= NLA_POLICY_MAX(NLA_U8, 1),
	[VTEP_VNI_A_NEIGHS]	= VTEP_READ_ONLY(VTEP_VNI_A_NEIGHS),
};

const struct nla_policy vtep_remote_policy[VTEP_REMOTE_A_MAX + 1] = {
	[VTEP_REMOTE_A_VNI]	= NLA_POLICY_FULL_RANGE(NLA_U32, &vni_range),
	[VTEP_REMOTE_A_ADDR]	= { .type = NLA_BE32 },
	[VTEP_REMOTE_A_ADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[VTEP_REMOTE_A_OWNER]	= { .type = NLA_U8 },	/* KERNEL: nl_tables.c */
};

const struct nla_policy vtep_peer_policy[VTEP_PEER_A_MAX + 1] = {
	[VTEP_PEER_A_VNI]	= NLA_POLICY_FULL_RANGE(NLA_U32, &vni_range),
	[VTEP_PEER_A_ADDR]	= { .type = NLA_BE32 },
	[VTEP_PEER_A_ADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[VTEP_PEER_A_PREFIX]	= NLA_POLICY_RANGE(NLA_U8, 1, 128),
	[VTEP_PEER_A_OWNER]	= { .type = NLA_U8 },	/* KERNEL: nl_tables.c */
};

const struct nla_policy vtep_neigh_policy[VTEP_NEIGH_A_MAX + 1] = {
	[VTEP_NEIGH_A_VNI]	= NLA_POLICY_FULL_RANGE(NLA_U32, &vni_range),
	[VTEP_NEIGH_A_ADDR]	= { .type = NLA_BE32 },
	[VTEP_NEIGH_A_ADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[VTEP_NEIGH_A_LLADDR]	= NLA_POLICY_ETH_ADDR,
	[VTEP_NEIGH_A_OWNER]	= { .type = NLA_U8 },	/* KERNEL: nl_tables.c */
};

const struct nla_policy vtep_alias_policy[VTEP_ALIAS_A_MAX + 1] = {
	[VTEP_ALIAS_A_ADDR]	= { .type = NLA_BE32 },
	[VTEP_ALIAS_A_ADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[VTEP_ALIAS_A_PEER]	= { .type = NLA_BE32 },
	[VTEP_ALIAS_A_PEER6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
};

const struct nla_policy vtep_fdb_policy[VTEP_FDB_A_MAX + 1] = {
	[VTEP_FDB_A_VNI]	= NLA_POLICY_FULL_RANGE(NLA_U32, &vni_range),
	[VTEP_FDB_A_MAC]	= NLA_POLICY_EXACT_LEN(ETH_ALEN),
	[VTEP_FDB_A_DST]	= { .type = NLA_BE32 },
	[VTEP_FDB_A_DST6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[VTEP_FDB_A_TYPE]	= NLA_POLICY_MAX(NLA_U8, VTEP_FDB_TYPE_MAX),
	[VTEP_FDB_A_AGE]	= VTEP_READ_ONLY(VTEP_FDB_A_AGE),
	[VTEP_FDB_A_OWNER]	= { .type = NLA_U8 },	/* KERNEL: nl_tables.c */
};

/*
 * VTEP_A_FDB_RECORDS: a whole number of records, at least one; each
 * record's fields are checked as its entry is read (nl_tables.c), where a
 * refusal can point at the record itself.
 */
static int vtep_fdb_records_check(const struct nlattr *attr,
				  struct netlink_ext_ack *extack)
{
	BUILD_BUG_ON(sizeof(struct vtep_fdb_rec) != 32);
	if (!nla_len(attr) || nla_len(attr) % sizeof(struct vtep_fdb_rec)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "VTEP_A_FDB_RECORDS must hold whole struct vtep_fdb_rec records, at least one");
		return -EINVAL;
	}
	return 0;
}

static const struct nla_policy vtep_policy[VTEP_A_MAX + 1] = {
	[VTEP_A_IFINDEX]	= { .type = NLA_U32 },
	[VTEP_A_IFNAME]		= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[VTEP_A_LINK]		= NLA_POLICY_NESTED(vtep_link_policy),
	[VTEP_A_VNI]		= NLA_POLICY_NESTED(vni_policy),
	[VTEP_A_REMOTE]		= NLA_POLICY_NESTED(vtep_remote_policy),
	[VTEP_A_FDB]		= NLA_POLICY_NESTED(vtep_fdb_policy),
	[VTEP_A_FDB_LIST]	= NLA_POLICY_NESTED_ARRAY(vtep_fdb_policy),
	[VTEP_A_PEER]		= NLA_POLICY_NESTED(vtep_peer_policy),
	[VTEP_A_NEIGH]		= NLA_POLICY_NESTED(vtep_neigh_policy),
	[VTEP_A_STATS]		= VTEP_READ_ONLY(VTEP_A_STATS),
	[VTEP_A_EVENT]		= VTEP_READ_ONLY(VTEP_A_EVENT),
	[VTEP_A_FLOW]		= VTEP_READ_ONLY(VTEP_A_FLOW),
	[VTEP_A_ALIAS]		= NLA_POLICY_NESTED(vtep_alias_policy),
	[VTEP_A_FDB_RECORDS]	= NLA_POLICY_VALIDATE_FN(NLA_BINARY,
							 vtep_fdb_records_check),
	[VTEP_A_FDB_EXPECT]	= { .type = NLA_U32 },
};

/* The device a request names, with a reference the caller drops. */
static struct vtep_dev *req_dev(struct net *net, struct nlattr **attrs,
				struct netlink_ext_ack *extack)
{
	struct nlattr *idx = attrs[VTEP_A_IFINDEX], *name = attrs[VTEP_A_IFNAME];
	struct net_device *dev;

	if (!idx == !name) {
		NL_SET_ERR_MSG_ATTR(extack, name,
				    "Device must be named by exactly one of VTEP_A_IFINDEX and VTEP_A_IFNAME");
		if (!idx)
			NL_SET_ERR_ATTR_MISS(extack, NULL, VTEP_A_IFINDEX);
		return ERR_PTR(-EINVAL);
	}
	dev = idx ? dev_get_by_index(net, nla_get_u32(idx)) :
		    dev_get_by_name(net, nla_data(name));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, idx ?: name, "no such device");
		return ERR_PTR(-ENODEV);
	}
	if (!vtep_is_vtep(dev)) {
		dev_put(dev);
		NL_SET_ERR_MSG_ATTR(extack, idx ?: name, "not a vtep device");
		return ERR_PTR(-EOPNOTSUPP);
	}
	return netdev_priv(dev);
}

/*
 * VNI @id of the device, or NULL with a refusal pointing at @at (its
 * attribute, or an FDB record); under RTNL, which keeps it alive after RCU.
 */
struct vtep_vni *vtep_nl_vni_id(struct vtep_dev *vtep, u32 id,
				const struct nlattr *at,
				struct netlink_ext_ack *extack)
{
	struct vtep_vni *vni;

	rcu_read_lock();
	vni = vtep_vni_lookup(vtep, id);
	rcu_read_unlock();
	if (!vni)
		NL_SET_ERR_MSG_ATTR(extack, at, "VNI is not configured on the device");
	return vni;
}

/* The VNI attribute @id names */
struct vtep_vni *vtep_nl_vni(struct vtep_dev *vtep, struct nlattr *id,
			     struct netlink_ext_ack *extack)
{
	return vtep_nl_vni_id(vtep, nla_get_u32(id), id, extack);
}

/*
 * A peer's address (replication-list entry or FDB destination): exactly one
 * of the IPv4 and IPv6 attributes, unicast, and of the family of the
 * device's local address.
 */
int vtep_nl_peer_addr(const struct vtep_dev *vtep, struct nlattr *nest,
		      struct nlattr *a4, struct nlattr *a6, int type4,
			   struct vtep_addr *addr,
			   struct netlink_ext_ack *extack)
{
	if (!a4 && !a6) {
		NL_SET_ERR_MSG(extack, "Remote address must be given");
		NL_SET_ERR_ATTR_MISS(extack, nest, type4);
		return -EINVAL;
	}
	if (a4 && a6) {
		NL_SET_ERR_MSG_ATTR(extack, a6,
				    "Remote address must be IPv4 or IPv6, not both");
		return -EINVAL;
	}
	vtep_addr_get(addr, a4, a6);
	return vtep_nl_addr_check(vtep, addr, a4 ?: a6, extack);
}

/*
 * A peer's address, read: unicast and of the family of the device's local
 * address; a refusal points at @at (its attribute, or an FDB record).
 */
int vtep_nl_addr_check(const struct vtep_dev *vtep, const struct vtep_addr *addr,
		       const struct nlattr *at, struct netlink_ext_ack *extack)
{
	if (addr->family != vtep->cfg.local.family) {
		NL_SET_ERR_MSG_ATTR(extack, at,
				    "remote address is not of the family of the device's local address");
		return -EAFNOSUPPORT;
	}
	if (!vtep_addr_is_unicast(addr)) {
		NL_SET_ERR_MSG_ATTR(extack, at, "Remote address must be unicast");
		return -EINVAL;
	}
	return 0;
}

static int do_link_set(struct vtep_dev *vtep, struct genl_info *info)
{
	struct nlattr *tb[VTEP_LINK_A_MAX + 1];
	struct vtep_link_cfg lc;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, VTEP_A_LINK))
		return -EINVAL;
	err = nla_parse_nested(tb, VTEP_LINK_A_MAX, info->attrs[VTEP_A_LINK],
			       vtep_link_policy, info->extack);
	if (err)
		return err;
	err = vtep_nl_link_parse(tb, &vtep->cfg, &lc, info->extack);
	return err ?: vtep_dev_configure(vtep, &lc, info->extack);
}

static int do_link_get(struct vtep_dev *vtep, struct genl_info *info)
{
	return vtep_reply_link(info, vtep);
}

/* The VTEP_A_VNI nest of a request, which must hold an ID. */
static int vni_nest(struct genl_info *info, struct nlattr **tb)
{
	int err;

	if (GENL_REQ_ATTR_CHECK(info, VTEP_A_VNI))
		return -EINVAL;
	err = nla_parse_nested(tb, VTEP_VNI_A_MAX, info->attrs[VTEP_A_VNI],
			       vni_policy, info->extack);
	if (!err && NL_REQ_ATTR_CHECK(info->extack, info->attrs[VTEP_A_VNI],
				      tb, VTEP_VNI_A_ID))
		err = -EINVAL;
	return err;
}

/* VTEP_VNI_A_GROUP(6): 0.0.0.0 or :: for none, else a group of our family */
static int group_parse(const struct vtep_dev *vtep, struct nlattr **tb,
		       struct vtep_vni_cfg *vc, struct netlink_ext_ack *extack)
{
	struct nlattr *g4 = tb[VTEP_VNI_A_GROUP], *g6 = tb[VTEP_VNI_A_GROUP6];

	if (!g4 && !g6)
		return 0;
	if (g4 && g6) {
		NL_SET_ERR_MSG_ATTR(extack, g6,
				    "Group must be IPv4 or IPv6, not both");
		return -EINVAL;
	}
	vc->has_group = true;
	vtep_addr_get(&vc->group, g4, g6);
	if (vtep_addr_any(&vc->group)) {
		memset(&vc->group, 0, sizeof(vc->group));
		return 0;
	}
	if (!vtep_addr_is_multicast(&vc->group)) {
		NL_SET_ERR_MSG_ATTR(extack, g4 ?: g6,
				    "Group must be a multicast address");
		return -EINVAL;
	}
	if (vc->group.family != vtep->cfg.local.family) {
		if (g4)
			NL_SET_ERR_MSG_ATTR(extack, g4,
					    "IPv4 group on an IPv6 device");
		else
			NL_SET_ERR_MSG_ATTR(extack, g6,
					    "IPv6 group on an IPv4 device");
		return -EAFNOSUPPORT;
	}
	return 0;
}

/* VNI_NEW and VNI_SET: what to create or change; a new VNI needs a map. */
static int vni_parse(struct vtep_dev *vtep, struct genl_info *info, bool new,
		     struct vtep_vni_cfg *vc)
{
	struct nlattr *nest = info->attrs[VTEP_A_VNI];
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[VTEP_VNI_A_MAX + 1];
	int err;

	err = vni_nest(info, tb);
	if (err)
		return err;
	memset(vc, 0, sizeof(*vc));
	vc->id = nla_get_u32(tb[VTEP_VNI_A_ID]);
	if (tb[VTEP_VNI_A_VLAN] && tb[VTEP_VNI_A_UNTAGGED]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VTEP_VNI_A_UNTAGGED],
				    "VNI must map to a VLAN or to untagged frames, not both");
		return -EINVAL;
	}
	vc->has_map = tb[VTEP_VNI_A_VLAN] || tb[VTEP_VNI_A_UNTAGGED];
	if (tb[VTEP_VNI_A_VLAN])
		vc->vlan = nla_get_u16(tb[VTEP_VNI_A_VLAN]);
	if (new && !vc->has_map) {
		NL_SET_ERR_MSG(extack,
			       "VNI must map to a VLAN or to untagged frames");
		NL_SET_ERR_ATTR_MISS(extack, nest, VTEP_VNI_A_VLAN);
		return -EINVAL;
	}
	vc->has_peers = tb[VTEP_VNI_A_PEERS];
	if (vc->has_peers)
		vc->peers = nla_get_u8(tb[VTEP_VNI_A_PEERS]);
	vc->has_suppress = tb[VTEP_VNI_A_SUPPRESS];
	if (vc->has_suppress)
		vc->suppress = nla_get_u8(tb[VTEP_VNI_A_SUPPRESS]);
	vc->has_flood = tb[VTEP_VNI_A_FLOOD];
	if (vc->has_flood)
		vc->flood = nla_get_u8(tb[VTEP_VNI_A_FLOOD]);
	return group_parse(vtep, tb, vc, extack);
}

/* VNI_NEW, VNI_SET and VNI_DEL; device.c does what needs its state. */
static int do_vni_change(struct vtep_dev *vtep, struct genl_info *info)
{
	u8 cmd = info->genlhdr->cmd;
	struct nlattr *tb[VTEP_VNI_A_MAX + 1];
	struct vtep_vni_cfg vc;
	int err;

	if (cmd == VTEP_CMD_VNI_DEL) {
		err = vni_nest(info, tb);
		return err ?: vtep_dev_vni_del(vtep,
					       nla_get_u32(tb[VTEP_VNI_A_ID]),
					       info->extack);
	}
	err = vni_parse(vtep, info, cmd == VTEP_CMD_VNI_NEW, &vc);
	if (err)
		return err;
	if (cmd == VTEP_CMD_VNI_NEW)
		return vtep_dev_vni_add(vtep, &vc, info->nlhdr->nlmsg_flags &
					NLM_F_REPLACE, info->extack);
	return vtep_dev_vni_set(vtep, &vc, info->extack);
}

static int do_vni_get(struct vtep_dev *vtep, struct genl_info *info)
{
	struct nlattr *tb[VTEP_VNI_A_MAX + 1];
	struct vtep_vni *vni;
	int err;

	err = vni_nest(info, tb);
	if (err)
		return err;
	vni = vtep_nl_vni(vtep, tb[VTEP_VNI_A_ID], info->extack);
	return vni ? vtep_reply_vni(info, vtep, vni) : -ENOENT;
}

static int do_stats_get(struct vtep_dev *vtep, struct genl_info *info)
{
	struct nlattr *tb[VTEP_VNI_A_MAX + 1];
	struct vtep_vni *vni = NULL;
	int err;

	if (info->attrs[VTEP_A_VNI]) {
		err = vni_nest(info, tb);
		if (err)
			return err;
		vni = vtep_nl_vni(vtep, tb[VTEP_VNI_A_ID], info->extack);
		if (!vni)
			return -ENOENT;
	}
	return vtep_reply_stats(info, vtep, vni);
}

typedef int (*handler_t)(struct vtep_dev *vtep, struct genl_info *info);

static const handler_t handlers[__VTEP_CMD_MAX] = {
	[VTEP_CMD_LINK_GET]	= do_link_get,
	[VTEP_CMD_LINK_SET]	= do_link_set,
	[VTEP_CMD_VNI_NEW]	= do_vni_change,
	[VTEP_CMD_VNI_SET]	= do_vni_change,
	[VTEP_CMD_VNI_DEL]	= do_vni_change,
	[VTEP_CMD_VNI_GET]	= do_vni_get,
	[VTEP_CMD_REMOTE_NEW]	= vtep_nl_remote_change,
	[VTEP_CMD_REMOTE_DEL]	= vtep_nl_remote_change,
	[VTEP_CMD_FDB_NEW]	= vtep_nl_fdb_change,
	[VTEP_CMD_FDB_DEL]	= vtep_nl_fdb_change,
	[VTEP_CMD_FDB_GET]	= vtep_nl_fdb_get,
	[VTEP_CMD_FDB_FLUSH]	= vtep_nl_fdb_flush,
	[VTEP_CMD_STATS_GET]	= do_stats_get,
	[VTEP_CMD_PEER_NEW]	= vtep_nl_peer_change,
	[VTEP_CMD_PEER_DEL]	= vtep_nl_peer_change,
	[VTEP_CMD_PEER_GET]	= vtep_nl_peer_get,
	[VTEP_CMD_NEIGH_NEW]	= vtep_nl_neigh_change,
	[VTEP_CMD_NEIGH_DEL]	= vtep_nl_neigh_change,
	[VTEP_CMD_ALIAS_NEW]	= vtep_nl_alias_change,
	[VTEP_CMD_ALIAS_DEL]	= vtep_nl_alias_change,
	[VTEP_CMD_ALIAS_GET]	= vtep_nl_alias_get,
};

/* Every "do": find the device, run the command's handler, under RTNL. */
static int vtep_nl_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vtep_dev *vtep;
	int err;

	/* Which VNIs a device has is tenants' state (see vtep_ops) */
	if (info->genlhdr->cmd == VTEP_CMD_STATS_GET && info->attrs[VTEP_A_VNI] &&
	    !netlink_ns_capable(skb, genl_info_net(info)->user_ns,
				CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG(info->extack, "A VNI's counters need CAP_NET_ADMIN");
		return -EPERM;
	}
	rtnl_lock();
	vtep = req_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(vtep)) {
		err = PTR_ERR(vtep);
	} else {
		err = handlers[info->genlhdr->cmd](vtep, info);
		dev_put(vtep->dev);
	}
	rtnl_unlock();
	return err;
}

/*
 * Checks the request of a VNI, remote, neighbour or FDB dump: the device,
 * and the filter in VTEP_A_REMOTE|NEIGH { VNI } or VTEP_A_FDB { VNI,
 * TYPE }, into the dump's state (struct vtep_dump).
 */
static int dump_setup(struct netlink_callback *cb,
		      struct netlink_ext_ack *extack)
{
	u8 cmd = genl_dumpit_info(cb)->op.cmd;
	struct nlattr **attrs = vtep_dump_attrs(cb);
	struct vtep_dump *d = vtep_dump_ctx(cb);
	struct vtep_dev *vtep;
	int err = 0;

	if (cmd == VTEP_CMD_LINK_GET)
		return 0;
	vtep = req_dev(sock_net(cb->skb->sk), attrs, extack);
	if (IS_ERR(vtep))
		return PTR_ERR(vtep);
	d->ifindex = vtep->dev->ifindex;
	if (cmd == VTEP_CMD_REMOTE_GET) {
		d->remotes = true;
		err = vtep_nl_vni_filter(vtep, attrs[VTEP_A_REMOTE], vtep_remote_policy,
					 VTEP_REMOTE_A_MAX, &d->vni, extack);
	} else if (cmd == VTEP_CMD_NEIGH_GET) {
		d->neighs = true;
		err = vtep_nl_vni_filter(vtep, attrs[VTEP_A_NEIGH], vtep_neigh_policy,
					 VTEP_NEIGH_A_MAX, &d->vni, extack);
	} else if (cmd == VTEP_CMD_FDB_GET) {
		err = vtep_nl_fdb_filter(vtep, attrs[VTEP_A_FDB], &d->vni, &d->type,
					 NULL, extack);
	}
	dev_put(vtep->dev);
	return err;
}

/*
 * Before 6.5, genetlink gives .start no extack, so a refusal there would
 * lose its message: it is kept and sent from the first dumpit instead,
 * which has one.
 */
static int vtep_nl_dump_start(struct netlink_callback *cb)
{
	struct vtep_dump *d = vtep_dump_ctx(cb);
	struct netlink_ext_ack ext = {};
	int err;

	if (cb->extack)
		return dump_setup(cb, cb->extack);
	err = dump_setup(cb, &ext);
	if (err) {
		d->err = err;
		d->errmsg = ext._msg;
	}
	return 0;
}

static int vtep_nl_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vtep_dump *d = vtep_dump_ctx(cb);

	if (d->err) {
		if (cb->extack)
			cb->extack->_msg = d->errmsg;
		return d->err;
	}
	switch (genl_dumpit_info(cb)->op.cmd) {
	case VTEP_CMD_LINK_GET:
		return vtep_dump_links(skb, cb);
	case VTEP_CMD_FDB_GET:
		return vtep_dump_fdb(skb, cb);
	case VTEP_CMD_FLOW_GET:
		return vtep_dump_flows(skb, cb);
	}
	return vtep_dump_slots(skb, cb);
}

/*
 * The rule of the safety model (vtep.h): what names tenants' state (their
 * VNIs, MACs, flows, neighbours, peers) needs CAP_NET_ADMIN in the user
 * namespace that owns the device's network namespace, to change it, to
 * read it, and to hear its events (events.c); the device's settings and
 * counters are anyone's in the namespace, as rtnetlink shows them.
 */
#define DO_ADMIN(c) \
	{ .cmd = (c), .doit = vtep_nl_doit, .flags = GENL_UNS_ADMIN_PERM }
/* A get; all but REMOTE_, FLOW_ and NEIGH_GET answer a "do" too. */
#define GET(c, d, f) { .cmd = (c), .doit = (d), .start = vtep_nl_dump_start, \
		       .dumpit = vtep_nl_dumpit, .flags = (f) }
#define ADMIN GENL_UNS_ADMIN_PERM

static const struct genl_ops vtep_ops[] = {
	GET(VTEP_CMD_LINK_GET, vtep_nl_doit, 0),
	DO_ADMIN(VTEP_CMD_LINK_SET),
	DO_ADMIN(VTEP_CMD_VNI_NEW),
	DO_ADMIN(VTEP_CMD_VNI_SET),
	DO_ADMIN(VTEP_CMD_VNI_DEL),
	GET(VTEP_CMD_VNI_GET, vtep_nl_doit, ADMIN),
	DO_ADMIN(VTEP_CMD_REMOTE_NEW),
	DO_ADMIN(VTEP_CMD_REMOTE_DEL),
	GET(VTEP_CMD_REMOTE_GET, NULL, ADMIN),
	DO_ADMIN(VTEP_CMD_FDB_NEW),
	DO_ADMIN(VTEP_CMD_FDB_DEL),
	GET(VTEP_CMD_FDB_GET, vtep_nl_doit, ADMIN),
	DO_ADMIN(VTEP_CMD_FDB_FLUSH),
	{ .cmd = VTEP_CMD_STATS_GET, .doit = vtep_nl_doit },
	DO_ADMIN(VTEP_CMD_PEER_NEW),
	DO_ADMIN(VTEP_CMD_PEER_DEL),
	DO_ADMIN(VTEP_CMD_PEER_GET),
	GET(VTEP_CMD_FLOW_GET, NULL, ADMIN),
	DO_ADMIN(VTEP_CMD_NEIGH_NEW),
	DO_ADMIN(VTEP_CMD_NEIGH_DEL),
	GET(VTEP_CMD_NEIGH_GET, NULL, ADMIN),
	DO_ADMIN(VTEP_CMD_ALIAS_NEW),
	DO_ADMIN(VTEP_CMD_ALIAS_DEL),
	DO_ADMIN(VTEP_CMD_ALIAS_GET),
};

int vtep_netlink_init(void)
{
	return vtep_events_register(vtep_ops, ARRAY_SIZE(vtep_ops), vtep_policy,
				    VTEP_A_MAX);
}

void vtep_netlink_uninit(void)
{
	vtep_events_unregister();
}
