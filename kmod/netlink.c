// SPDX-License-Identifier: GPL-2.0
/*
 * vtep: the generic netlink family's requests (uapi/linux/vtep.h is their
 * spec): the policies, the checks, and the commands that change state.
 * dump.c writes the replies of the commands that get, and the dumps.
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

/* Not const: 6.1's struct nla_policy points at a non-const range. */
static struct netlink_range_validation vni_range = {
	.min = 1,
	.max = VTEP_VNI_MAX,
};

static struct netlink_range_validation ageing_range = {
	.max = VTEP_AGEING_MAX,
};

#define READ_ONLY(attr) \
	{ .type = NLA_REJECT, .reject_message = #attr " is read only" }

static const struct nla_policy link_policy[VTEP_LINK_A_MAX + 1] = {
	[VTEP_LINK_A_LOCAL]	  = { .type = NLA_BE32 },
	[VTEP_LINK_A_LOCAL6]	  = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[VTEP_LINK_A_PORT]	  = { .type = NLA_BE16 },
	[VTEP_LINK_A_UNDERLAY]	  = { .type = NLA_U32 },
	[VTEP_LINK_A_TTL]	  = { .type = NLA_U8 },
	[VTEP_LINK_A_TOS]	  = { .type = NLA_U8 },
	[VTEP_LINK_A_DF]	  = NLA_POLICY_MAX(NLA_U8, VTEP_DF_MAX),
	[VTEP_LINK_A_LEARNING]	  = NLA_POLICY_MAX(NLA_U8, 1),
	[VTEP_LINK_A_AGEING]	  = NLA_POLICY_FULL_RANGE(NLA_U32, &ageing_range),
	[VTEP_LINK_A_FDB_MAX]	  = { .type = NLA_U32 },
	[VTEP_LINK_A_PORT_MIN]	  = NLA_POLICY_MIN(NLA_U16, 1),
	[VTEP_LINK_A_PORT_MAX]	  = NLA_POLICY_MIN(NLA_U16, 1),
	[VTEP_LINK_A_UDP_CSUM]	  = NLA_POLICY_MAX(NLA_U8, 1),
	[VTEP_LINK_A_MOVE_NOTICE] = NLA_POLICY_MAX(NLA_U8, 1),
	[VTEP_LINK_A_FDB_COUNT]	  = READ_ONLY(VTEP_LINK_A_FDB_COUNT),
	[VTEP_LINK_A_VNI_COUNT]	  = READ_ONLY(VTEP_LINK_A_VNI_COUNT),
};

static const struct nla_policy vni_policy[VTEP_VNI_A_MAX + 1] = {
	[VTEP_VNI_A_ID]		= NLA_POLICY_FULL_RANGE(NLA_U32, &vni_range),
	[VTEP_VNI_A_VLAN]	= NLA_POLICY_RANGE(NLA_U16, 1, VTEP_VLAN_MAX),
	[VTEP_VNI_A_UNTAGGED]	= { .type = NLA_FLAG },
	[VTEP_VNI_A_GROUP]	= { .type = NLA_BE32 },
	[VTEP_VNI_A_GROUP6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[VTEP_VNI_A_FLOOD]	= NLA_POLICY_MAX(NLA_U8, 1),
	[VTEP_VNI_A_REMOTES]	= READ_ONLY(VTEP_VNI_A_REMOTES),
	[VTEP_VNI_A_FDB_COUNT]	= READ_ONLY(VTEP_VNI_A_FDB_COUNT),
	[VTEP_VNI_A_STATS]	= READ_ONLY(VTEP_VNI_A_STATS),
};

static const struct nla_policy remote_policy[VTEP_REMOTE_A_MAX + 1] = {
	[VTEP_REMOTE_A_VNI]	= NLA_POLICY_FULL_RANGE(NLA_U32, &vni_range),
	[VTEP_REMOTE_A_ADDR]	= { .type = NLA_BE32 },
	[VTEP_REMOTE_A_ADDR6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
};

static const struct nla_policy fdb_policy[VTEP_FDB_A_MAX + 1] = {
	[VTEP_FDB_A_VNI]	= NLA_POLICY_FULL_RANGE(NLA_U32, &vni_range),
	[VTEP_FDB_A_MAC]	= NLA_POLICY_EXACT_LEN(ETH_ALEN),
	[VTEP_FDB_A_DST]	= { .type = NLA_BE32 },
	[VTEP_FDB_A_DST6]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[VTEP_FDB_A_TYPE]	= NLA_POLICY_MAX(NLA_U8, VTEP_FDB_TYPE_MAX),
	[VTEP_FDB_A_AGE]	= READ_ONLY(VTEP_FDB_A_AGE),
};

static const struct nla_policy vtep_policy[VTEP_A_MAX + 1] = {
	[VTEP_A_IFINDEX]	= { .type = NLA_U32 },
	[VTEP_A_IFNAME]		= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[VTEP_A_LINK]		= NLA_POLICY_NESTED(link_policy),
	[VTEP_A_VNI]		= NLA_POLICY_NESTED(vni_policy),
	[VTEP_A_REMOTE]		= NLA_POLICY_NESTED(remote_policy),
	[VTEP_A_FDB]		= NLA_POLICY_NESTED(fdb_policy),
	[VTEP_A_FDB_LIST]	= NLA_POLICY_NESTED_ARRAY(fdb_policy),
	[VTEP_A_STATS]		= READ_ONLY(VTEP_A_STATS),
	[VTEP_A_EVENT]		= READ_ONLY(VTEP_A_EVENT),
};

/* A required attribute is absent: say which, in text and in the extack. */
#define missing(extack, nest, tb, type) ({				\
	bool __missing = !(tb)[type];					\
	if (__missing) {						\
		NL_SET_ERR_MSG(extack, "missing attribute " #type);	\
		NL_SET_ERR_ATTR_MISS(extack, nest, type);		\
	}								\
	__missing;							\
})

/* The device a request names, with a reference the caller drops. */
struct vtep_dev *vtep_nl_dev(struct net *net, struct nlattr **attrs,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *idx = attrs[VTEP_A_IFINDEX], *name = attrs[VTEP_A_IFNAME];
	struct net_device *dev;

	if (!idx == !name) {
		NL_SET_ERR_MSG_ATTR(extack, name,
				    "give exactly one of VTEP_A_IFINDEX and VTEP_A_IFNAME");
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

/* The VNI @id names; under RTNL, which keeps it alive after RCU. */
struct vtep_vni *vtep_nl_vni(struct vtep_dev *vtep, struct nlattr *id,
			     struct netlink_ext_ack *extack)
{
	struct vtep_vni *vni;

	rcu_read_lock();
	vni = vtep_vni_lookup(vtep, nla_get_u32(id));
	rcu_read_unlock();
	if (!vni)
		NL_SET_ERR_MSG_ATTR(extack, id, "VNI is not configured on the device");
	return vni;
}

/*
 * A remote VTEP's address (replication-list entry or FDB destination):
 * exactly one of the IPv4 and IPv6 attributes, unicast, and of the family
 * of the device's local address.
 */
static int addr_parse(const struct vtep_dev *vtep, struct nlattr *nest,
		      struct nlattr *a4, struct nlattr *a6, int type4,
		      struct vtep_addr *addr, struct netlink_ext_ack *extack)
{
	struct nlattr *a = a4 ?: a6;
	bool unicast;

	if (!a || (a4 && a6)) {
		NL_SET_ERR_MSG_ATTR(extack, a6,
				    "give one remote address, IPv4 or IPv6");
		if (!a)
			NL_SET_ERR_ATTR_MISS(extack, nest, type4);
		return -EINVAL;
	}
	memset(addr, 0, sizeof(*addr));
	if (a4) {
		addr->family = AF_INET;
		addr->ip4 = nla_get_in_addr(a4);
		unicast = !ipv4_is_multicast(addr->ip4) &&
			  !ipv4_is_lbcast(addr->ip4) &&
			  !ipv4_is_zeronet(addr->ip4);
	} else {
		addr->family = AF_INET6;
		addr->ip6 = nla_get_in6_addr(a6);
		unicast = !ipv6_addr_any(&addr->ip6) &&
			  !ipv6_addr_is_multicast(&addr->ip6);
	}
	if (addr->family != vtep->cfg.local.family) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "remote address is not of the family of the device's local address");
		return -EAFNOSUPPORT;
	}
	if (!unicast) {
		NL_SET_ERR_MSG_ATTR(extack, a, "remote address must be unicast");
		return -EINVAL;
	}
	return 0;
}

static int do_link_set(struct vtep_dev *vtep, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[VTEP_LINK_A_MAX + 1];
	int err;

	if (missing(extack, NULL, info->attrs, VTEP_A_LINK))
		return -EINVAL;
	err = nla_parse_nested(tb, VTEP_LINK_A_MAX, info->attrs[VTEP_A_LINK],
			       link_policy, extack);
	if (err)
		return err;
	if (tb[VTEP_LINK_A_LOCAL] && tb[VTEP_LINK_A_LOCAL6]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VTEP_LINK_A_LOCAL6],
				    "give one of VTEP_LINK_A_LOCAL and VTEP_LINK_A_LOCAL6");
		return -EINVAL;
	}
	return vtep_dev_apply(vtep, tb, extack);
}

/* The VTEP_A_VNI nest of a request, which must hold an ID. */
int vtep_nl_vni_parse(struct genl_info *info, struct nlattr **tb)
{
	struct nlattr *nest = info->attrs[VTEP_A_VNI];
	int err;

	if (missing(info->extack, NULL, info->attrs, VTEP_A_VNI))
		return -EINVAL;
	err = nla_parse_nested(tb, VTEP_VNI_A_MAX, nest, vni_policy,
			       info->extack);
	if (!err && missing(info->extack, nest, tb, VTEP_VNI_A_ID))
		err = -EINVAL;
	return err;
}

/* What VNI settings must satisfy whatever the device's state. */
static int vni_check(struct nlattr *nest, struct nlattr **tb, bool new,
		     struct netlink_ext_ack *extack)
{
	struct nlattr *g4 = tb[VTEP_VNI_A_GROUP], *g6 = tb[VTEP_VNI_A_GROUP6];
	struct in6_addr a6;

	if (tb[VTEP_VNI_A_VLAN] && tb[VTEP_VNI_A_UNTAGGED]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VTEP_VNI_A_UNTAGGED],
				    "give one of VTEP_VNI_A_VLAN and VTEP_VNI_A_UNTAGGED");
		return -EINVAL;
	}
	if (new && !tb[VTEP_VNI_A_VLAN] && !tb[VTEP_VNI_A_UNTAGGED]) {
		NL_SET_ERR_MSG(extack,
			       "missing attribute VTEP_VNI_A_VLAN or VTEP_VNI_A_UNTAGGED");
		NL_SET_ERR_ATTR_MISS(extack, nest, VTEP_VNI_A_VLAN);
		return -EINVAL;
	}
	if (g4 && g6) {
		NL_SET_ERR_MSG_ATTR(extack, g6,
				    "give one of VTEP_VNI_A_GROUP and VTEP_VNI_A_GROUP6");
		return -EINVAL;
	}
	if (g4 && nla_get_in_addr(g4) &&
	    !ipv4_is_multicast(nla_get_in_addr(g4))) {
		NL_SET_ERR_MSG_ATTR(extack, g4,
				    "VTEP_VNI_A_GROUP must be a multicast address");
		return -EINVAL;
	}
	if (g6) {
		a6 = nla_get_in6_addr(g6);
		if (!ipv6_addr_any(&a6) && !ipv6_addr_is_multicast(&a6)) {
			NL_SET_ERR_MSG_ATTR(extack, g6,
					    "VTEP_VNI_A_GROUP6 must be a multicast address");
			return -EINVAL;
		}
	}
	return 0;
}

/* VNI_NEW, VNI_SET and VNI_DEL; device.c does what needs its state. */
static int do_vni_change(struct vtep_dev *vtep, struct genl_info *info)
{
	bool new = info->genlhdr->cmd == VTEP_CMD_VNI_NEW;
	struct nlattr *tb[VTEP_VNI_A_MAX + 1];
	int err;

	err = vtep_nl_vni_parse(info, tb);
	if (err)
		return err;
	if (info->genlhdr->cmd == VTEP_CMD_VNI_DEL)
		return vtep_dev_vni_del(vtep, nla_get_u32(tb[VTEP_VNI_A_ID]),
					info->extack);
	err = vni_check(info->attrs[VTEP_A_VNI], tb, new, info->extack);
	if (err)
		return err;
	if (new)
		return vtep_dev_vni_add(vtep, tb, info->nlhdr->nlmsg_flags &
					NLM_F_REPLACE, info->extack);
	return vtep_dev_vni_set(vtep, tb, info->extack);
}

static int do_remote_change(struct vtep_dev *vtep, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[VTEP_A_REMOTE];
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[VTEP_REMOTE_A_MAX + 1];
	struct vtep_addr addr;
	struct vtep_vni *vni;
	int err;

	if (missing(extack, NULL, info->attrs, VTEP_A_REMOTE))
		return -EINVAL;
	err = nla_parse_nested(tb, VTEP_REMOTE_A_MAX, nest, remote_policy,
			       extack);
	if (err)
		return err;
	if (missing(extack, nest, tb, VTEP_REMOTE_A_VNI))
		return -EINVAL;
	vni = vtep_nl_vni(vtep, tb[VTEP_REMOTE_A_VNI], extack);
	if (!vni)
		return -ENOENT;
	err = addr_parse(vtep, nest, tb[VTEP_REMOTE_A_ADDR],
			 tb[VTEP_REMOTE_A_ADDR6], VTEP_REMOTE_A_ADDR, &addr,
			 extack);
	if (err)
		return err;
	if (info->genlhdr->cmd == VTEP_CMD_REMOTE_DEL)
		return vtep_vni_remote_del(vtep, vni, &addr, extack);
	return vtep_vni_remote_add(vtep, vni, &addr, info->nlhdr->nlmsg_flags &
				   NLM_F_REPLACE, extack);
}

/* A VTEP_A_FDB nest: VNI and MAC, and for an add the destination. */
int vtep_nl_fdb_parse(struct vtep_dev *vtep, struct nlattr *nest, bool add,
		      struct vtep_nl_fdb *req, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VTEP_FDB_A_MAX + 1];
	int err;

	if (!nest) {
		NL_SET_ERR_MSG(extack, "missing attribute VTEP_A_FDB");
		NL_SET_ERR_ATTR_MISS(extack, NULL, VTEP_A_FDB);
		return -EINVAL;
	}
	err = nla_parse_nested(tb, VTEP_FDB_A_MAX, nest, fdb_policy, extack);
	if (err)
		return err;
	if (missing(extack, nest, tb, VTEP_FDB_A_VNI) ||
	    missing(extack, nest, tb, VTEP_FDB_A_MAC))
		return -EINVAL;
	req->mac = nla_data(tb[VTEP_FDB_A_MAC]);
	if (!is_valid_ether_addr(req->mac)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VTEP_FDB_A_MAC],
				    "VTEP_FDB_A_MAC must be a unicast address");
		return -EINVAL;
	}
	req->vni = vtep_nl_vni(vtep, tb[VTEP_FDB_A_VNI], extack);
	if (!req->vni)
		return -ENOENT;
	if (!add)
		return 0;
	if (tb[VTEP_FDB_A_TYPE] &&
	    nla_get_u8(tb[VTEP_FDB_A_TYPE]) == VTEP_FDB_TYPE_LEARNED) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VTEP_FDB_A_TYPE],
				    "entries added by the control plane are static");
		return -EOPNOTSUPP;
	}
	return addr_parse(vtep, nest, tb[VTEP_FDB_A_DST], tb[VTEP_FDB_A_DST6],
			  VTEP_FDB_A_DST, &req->dst, extack);
}

/*
 * Adds one checked entry; *created says whether it is new, rather than an
 * entry NLM_F_REPLACE overwrote. Under RTNL, which every control-plane
 * writer of the FDB holds; learning may still add the entry in between,
 * and is then counted as this request's.
 */
static int fdb_add(struct vtep_dev *vtep, const struct vtep_nl_fdb *req,
		   bool replace, bool *created, struct netlink_ext_ack *extack)
{
	int err;

	*created = true;
	if (replace) {
		rcu_read_lock();
		*created = !vtep_fdb_lookup(vtep, req->vni->id, req->mac);
		rcu_read_unlock();
	}
	err = vtep_fdb_add(vtep, req->vni, req->mac, &req->dst, replace,
			   extack);
	if (err == -ENOSPC && extack && !extack->_msg)
		NL_SET_ERR_MSG(extack, "FDB is full (VTEP_LINK_A_FDB_MAX)");
	return err;
}

/*
 * A batch applies whole or not at all. Every entry is checked before the
 * first is added, so only what the table itself refuses (a duplicate, the
 * limit, memory) stops it half way; the entries this message created are
 * then deleted again. An entry NLM_F_REPLACE overwrote keeps its new
 * destination: the old one is not kept to put back.
 */
static int fdb_add_list(struct vtep_dev *vtep, struct nlattr *list,
			bool replace, struct netlink_ext_ack *extack)
{
	unsigned long *created;
	struct vtep_nl_fdb req;
	int n = 0, i, rem, err = 0;
	struct nlattr *e;
	bool new;

	nla_for_each_nested(e, list, rem) {
		if (nla_type(e) != VTEP_A_FDB) {
			NL_SET_ERR_MSG_ATTR(extack, e,
					    "VTEP_A_FDB_LIST holds VTEP_A_FDB entries only");
			return -EINVAL;
		}
		err = vtep_nl_fdb_parse(vtep, e, true, &req, extack);
		if (err) {
			NL_SET_BAD_ATTR(extack, e);
			return err;
		}
		n++;
	}
	created = bitmap_zalloc(n ?: 1, GFP_KERNEL);
	if (!created)
		return -ENOMEM;
	i = 0;
	nla_for_each_nested(e, list, rem) {
		err = vtep_nl_fdb_parse(vtep, e, true, &req, extack) ?:
		      fdb_add(vtep, &req, replace, &new, extack);
		if (err) {
			NL_SET_BAD_ATTR(extack, e);
			break;
		}
		if (new)
			__set_bit(i, created);
		i++;
	}
	if (err) {
		n = i;
		i = 0;
		nla_for_each_nested(e, list, rem) {
			if (i == n)
				break;
			if (test_bit(i++, created) &&
			    !vtep_nl_fdb_parse(vtep, e, false, &req, NULL))
				vtep_fdb_del(vtep, req.vni->id, req.mac);
		}
	}
	bitmap_free(created);
	return err;
}

static int do_fdb_new(struct vtep_dev *vtep, struct genl_info *info)
{
	bool replace = info->nlhdr->nlmsg_flags & NLM_F_REPLACE;
	struct nlattr *list = info->attrs[VTEP_A_FDB_LIST];
	struct nlattr *one = info->attrs[VTEP_A_FDB];
	struct netlink_ext_ack *extack = info->extack;
	struct vtep_nl_fdb req;
	bool created;
	int err;

	if (!one == !list) {
		NL_SET_ERR_MSG_ATTR(extack, list,
				    "give one of VTEP_A_FDB and VTEP_A_FDB_LIST");
		if (!one)
			NL_SET_ERR_ATTR_MISS(extack, NULL, VTEP_A_FDB);
		return -EINVAL;
	}
	if (list)
		return fdb_add_list(vtep, list, replace, extack);
	err = vtep_nl_fdb_parse(vtep, one, true, &req, extack);
	return err ?: fdb_add(vtep, &req, replace, &created, extack);
}

static int do_fdb_del(struct vtep_dev *vtep, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[VTEP_A_FDB];
	struct vtep_nl_fdb req;
	int err;

	err = vtep_nl_fdb_parse(vtep, nest, false, &req, info->extack);
	if (err)
		return err;
	err = vtep_fdb_del(vtep, req.vni->id, req.mac);
	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "no such FDB entry");
	return err;
}

/* The optional { VNI } filter of a remote dump. */
int vtep_nl_remote_filter(struct vtep_dev *vtep, struct nlattr *nest,
			  u32 *vni, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VTEP_REMOTE_A_MAX + 1];
	int err;

	*vni = 0;
	if (!nest)
		return 0;
	err = nla_parse_nested(tb, VTEP_REMOTE_A_MAX, nest, remote_policy,
			       extack);
	if (err || !tb[VTEP_REMOTE_A_VNI])
		return err;
	if (!vtep_nl_vni(vtep, tb[VTEP_REMOTE_A_VNI], extack))
		return -ENOENT;
	*vni = nla_get_u32(tb[VTEP_REMOTE_A_VNI]);
	return 0;
}

/* The optional { VNI, TYPE } filter of an FDB dump or flush. */
int vtep_nl_fdb_filter(struct vtep_dev *vtep, struct nlattr *nest, u32 *vni,
		       u8 *type, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VTEP_FDB_A_MAX + 1];
	int err, i;

	*vni = 0;
	*type = VTEP_FDB_TYPE_ANY;
	if (!nest)
		return 0;
	err = nla_parse_nested(tb, VTEP_FDB_A_MAX, nest, fdb_policy, extack);
	if (err)
		return err;
	for (i = VTEP_FDB_A_MAC; i <= VTEP_FDB_A_DST6; i++) {
		if (tb[i]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[i],
					    "an FDB filter takes only VTEP_FDB_A_VNI and VTEP_FDB_A_TYPE");
			return -EINVAL;
		}
	}
	if (tb[VTEP_FDB_A_VNI]) {
		if (!vtep_nl_vni(vtep, tb[VTEP_FDB_A_VNI], extack))
			return -ENOENT;
		*vni = nla_get_u32(tb[VTEP_FDB_A_VNI]);
	}
	if (tb[VTEP_FDB_A_TYPE])
		*type = nla_get_u8(tb[VTEP_FDB_A_TYPE]);
	return 0;
}

static int do_fdb_flush(struct vtep_dev *vtep, struct genl_info *info)
{
	u32 vni;
	u8 type;
	int err;

	err = vtep_nl_fdb_filter(vtep, info->attrs[VTEP_A_FDB], &vni, &type,
			 info->extack);
	if (!err)
		vtep_fdb_flush(vtep, vni, type);
	return err;
}

typedef int (*handler_t)(struct vtep_dev *vtep, struct genl_info *info);

static const handler_t handlers[__VTEP_CMD_MAX] = {
	[VTEP_CMD_LINK_GET]	= vtep_nl_get,
	[VTEP_CMD_LINK_SET]	= do_link_set,
	[VTEP_CMD_VNI_NEW]	= do_vni_change,
	[VTEP_CMD_VNI_SET]	= do_vni_change,
	[VTEP_CMD_VNI_DEL]	= do_vni_change,
	[VTEP_CMD_VNI_GET]	= vtep_nl_get,
	[VTEP_CMD_REMOTE_NEW]	= do_remote_change,
	[VTEP_CMD_REMOTE_DEL]	= do_remote_change,
	[VTEP_CMD_FDB_NEW]	= do_fdb_new,
	[VTEP_CMD_FDB_DEL]	= do_fdb_del,
	[VTEP_CMD_FDB_GET]	= vtep_nl_get,
	[VTEP_CMD_FDB_FLUSH]	= do_fdb_flush,
	[VTEP_CMD_STATS_GET]	= vtep_nl_get,
};

/* Every "do": find the device, run the command's handler, under RTNL. */
static int vtep_nl_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vtep_dev *vtep;
	int err;

	rtnl_lock();
	vtep = vtep_nl_dev(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(vtep)) {
		err = PTR_ERR(vtep);
	} else {
		err = handlers[info->genlhdr->cmd](vtep, info);
		dev_put(vtep->dev);
	}
	rtnl_unlock();
	return err;
}

/* Changes need CAP_NET_ADMIN in the namespace's user namespace. */
#define DO_ADMIN(c) \
	{ .cmd = (c), .doit = vtep_nl_doit, .flags = GENL_UNS_ADMIN_PERM }
/* Gets need nothing; all but REMOTE_GET answer a "do" too. */
#define GET(c, d) { .cmd = (c), .doit = (d), .start = vtep_nl_dump_start, \
		    .dumpit = vtep_nl_dumpit }

static const struct genl_ops vtep_ops[] = {
	GET(VTEP_CMD_LINK_GET, vtep_nl_doit),
	DO_ADMIN(VTEP_CMD_LINK_SET),
	DO_ADMIN(VTEP_CMD_VNI_NEW),
	DO_ADMIN(VTEP_CMD_VNI_SET),
	DO_ADMIN(VTEP_CMD_VNI_DEL),
	GET(VTEP_CMD_VNI_GET, vtep_nl_doit),
	DO_ADMIN(VTEP_CMD_REMOTE_NEW),
	DO_ADMIN(VTEP_CMD_REMOTE_DEL),
	GET(VTEP_CMD_REMOTE_GET, NULL),
	DO_ADMIN(VTEP_CMD_FDB_NEW),
	DO_ADMIN(VTEP_CMD_FDB_DEL),
	GET(VTEP_CMD_FDB_GET, vtep_nl_doit),
	DO_ADMIN(VTEP_CMD_FDB_FLUSH),
	{ .cmd = VTEP_CMD_STATS_GET, .doit = vtep_nl_doit },
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
