// SPDX-License-Identifier: GPL-2.0
/*
 * vtep: the generic netlink commands (uapi/linux/vtep.h is their spec).
 *
 * Validation is declared in the policies below and done by the genetlink
 * core before a handler runs, strictly: an unknown, truncated or
 * out-of-range attribute never reaches this file. Handlers check only what a
 * policy cannot express (which attributes go together, what the device's
 * state allows) and say what they refused in the extack.
 *
 * Every "do" handler runs under RTNL, so what it reads and changes is the
 * configuration as one piece. Dumps of the VNI and remote tables take RTNL
 * per message for the same reason; the FDB dump walks the table under RCU
 * only, so a controller dumping a million entries does not hold up
 * configuration.
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
	[VTEP_LINK_A_LINK]	  = { .type = NLA_U32 },
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
static struct vtep_dev *vtep_get(struct net *net, struct nlattr **attrs,
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
static struct vtep_vni *vni_find(struct vtep_dev *vtep, struct nlattr *id,
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

/* Fills the part of a message that describes one object. */
typedef int (*put_t)(struct sk_buff *skb, const void *obj);

/*
 * One message: the device's index and name, then @put's attributes. In a
 * dump (@cb set) the message is checked against cb->seq, so a reader
 * learns that the table changed under the dump.
 */
static int obj_msg(struct sk_buff *skb, int ifindex, const char *name,
		   u32 portid, u32 seq, u8 cmd, put_t put, const void *obj,
		   struct netlink_callback *cb)
{
	void *hdr = genlmsg_put(skb, portid, seq, &vtep_genl_family,
				cb ? NLM_F_MULTI : 0, cmd);

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, VTEP_A_IFINDEX, ifindex) ||
	    nla_put_string(skb, VTEP_A_IFNAME, name) || put(skb, obj)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	genlmsg_end(skb, hdr);
	return 0;
}

/* Under RTNL: the name cannot change while it is copied. */
static int dump_msg(struct sk_buff *skb, struct netlink_callback *cb,
		    const struct vtep_dev *vtep, u8 cmd, put_t put,
		    const void *obj)
{
	return obj_msg(skb, vtep->dev->ifindex, vtep->dev->name,
		       NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq, cmd,
		       put, obj, cb);
}

static int reply_msg(struct genl_info *info, const struct vtep_dev *vtep,
		     u8 cmd, put_t put, const void *obj)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	int err;

	if (!msg)
		return -ENOMEM;
	err = obj_msg(msg, vtep->dev->ifindex, vtep->dev->name,
		      info->snd_portid, info->snd_seq, cmd, put, obj, NULL);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* Under RTNL, like every put_t below that reads configuration. */
static int link_put(struct sk_buff *skb, const void *obj)
{
	struct nlattr *nest = nla_nest_start(skb, VTEP_A_LINK);

	if (!nest || vtep_dev_fill_cfg(skb, obj))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int vni_put(struct sk_buff *skb, const void *obj)
{
	const struct vtep_vni *vni = obj;
	struct nlattr *nest = nla_nest_start(skb, VTEP_A_VNI);

	if (!nest || nla_put_u32(skb, VTEP_VNI_A_ID, vni->id) ||
	    (vni->vlan ? nla_put_u16(skb, VTEP_VNI_A_VLAN, vni->vlan) :
			 nla_put_flag(skb, VTEP_VNI_A_UNTAGGED)) ||
	    vtep_nla_put_addr(skb, VTEP_VNI_A_GROUP, VTEP_VNI_A_GROUP6,
			      &vni->group) ||
	    nla_put_u8(skb, VTEP_VNI_A_FLOOD, READ_ONCE(vni->flood)) ||
	    nla_put_u32(skb, VTEP_VNI_A_REMOTES, READ_ONCE(vni->nremotes)) ||
	    nla_put_u32(skb, VTEP_VNI_A_FDB_COUNT,
			atomic_read(&vni->fdb_count)) ||
	    vtep_stats_fill(skb, VTEP_VNI_A_STATS, vni->stats))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* One remote of a VNI's replication list */
struct remote_obj {
	u32 vni;
	const struct vtep_addr *addr;
};

static int remote_put(struct sk_buff *skb, const void *obj)
{
	const struct remote_obj *r = obj;
	struct nlattr *nest = nla_nest_start(skb, VTEP_A_REMOTE);

	if (!nest || nla_put_u32(skb, VTEP_REMOTE_A_VNI, r->vni) ||
	    vtep_nla_put_addr(skb, VTEP_REMOTE_A_ADDR, VTEP_REMOTE_A_ADDR6,
			      r->addr))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Device or VNI counters; @vni NULL for the device's */
struct stats_obj {
	const struct vtep_vni *vni;
	const struct vtep_pcpu_stats __percpu *stats;
};

static int stats_put(struct sk_buff *skb, const void *obj)
{
	const struct stats_obj *st = obj;
	struct nlattr *nest;

	if (st->vni) {
		nest = nla_nest_start(skb, VTEP_A_VNI);
		if (!nest || nla_put_u32(skb, VTEP_VNI_A_ID, st->vni->id))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return vtep_stats_fill(skb, VTEP_A_STATS, st->stats);
}

/*
 * What a reply says about an FDB entry, read once under RCU: learning and
 * replacement change an entry in place, and a reply must show one state
 * of it, not parts of two.
 */
struct fdb_snap {
	u32 vni;
	u8 mac[ETH_ALEN];
	u8 type;
	u32 age;
	struct vtep_addr dst;
};

static bool fdb_snap(const struct vtep_fdb *f, struct fdb_snap *s)
{
	const struct vtep_remote *r = rcu_dereference(f->remote);
	u8 flags = READ_ONCE(f->flags);

	if (!r || (flags & VTEP_FDB_LOCAL))
		return false;
	s->vni = f->key.vni;
	ether_addr_copy(s->mac, f->key.mac);
	s->dst = r->addr;
	s->type = flags & VTEP_FDB_STATIC ? VTEP_FDB_TYPE_STATIC :
					    VTEP_FDB_TYPE_LEARNED;
	s->age = jiffies_to_msecs(jiffies - READ_ONCE(f->seen));
	return true;
}

static int fdb_put(struct sk_buff *skb, const void *obj)
{
	const struct fdb_snap *s = obj;
	struct nlattr *nest = nla_nest_start(skb, VTEP_A_FDB);

	if (!nest || nla_put_u32(skb, VTEP_FDB_A_VNI, s->vni) ||
	    nla_put(skb, VTEP_FDB_A_MAC, ETH_ALEN, s->mac) ||
	    vtep_nla_put_addr(skb, VTEP_FDB_A_DST, VTEP_FDB_A_DST6, &s->dst) ||
	    nla_put_u8(skb, VTEP_FDB_A_TYPE, s->type) ||
	    (s->type == VTEP_FDB_TYPE_LEARNED &&
	     nla_put_u32(skb, VTEP_FDB_A_AGE, s->age)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int do_link_get(struct vtep_dev *vtep, struct genl_info *info)
{
	return reply_msg(info, vtep, VTEP_CMD_LINK_GET, link_put, vtep);
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
static int vni_parse(struct genl_info *info, struct nlattr **tb)
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

	err = vni_parse(info, tb);
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

static int do_vni_get(struct vtep_dev *vtep, struct genl_info *info)
{
	struct nlattr *tb[VTEP_VNI_A_MAX + 1];
	struct vtep_vni *vni;
	int err;

	err = vni_parse(info, tb);
	if (err)
		return err;
	vni = vni_find(vtep, tb[VTEP_VNI_A_ID], info->extack);
	if (!vni)
		return -ENOENT;
	return reply_msg(info, vtep, VTEP_CMD_VNI_GET, vni_put, vni);
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
	vni = vni_find(vtep, tb[VTEP_REMOTE_A_VNI], extack);
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

/* One FDB entry of a request */
struct fdb_req {
	struct vtep_vni *vni;
	const u8 *mac;
	struct vtep_addr dst;
};

static int fdb_parse(struct vtep_dev *vtep, struct nlattr *nest, bool add,
		     struct fdb_req *req, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VTEP_FDB_A_MAX + 1];
	int err;

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
	req->vni = vni_find(vtep, tb[VTEP_FDB_A_VNI], extack);
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
static int fdb_add(struct vtep_dev *vtep, const struct fdb_req *req,
		   bool replace, bool *created, struct netlink_ext_ack *extack)
{
	int err;

	rcu_read_lock();
	*created = !vtep_fdb_lookup(vtep, req->vni->id, req->mac);
	rcu_read_unlock();
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
	struct fdb_req req;
	int n = 0, i, rem, err = 0;
	struct nlattr *e;
	bool new;

	nla_for_each_nested(e, list, rem) {
		if (nla_type(e) != VTEP_A_FDB) {
			NL_SET_ERR_MSG_ATTR(extack, e,
					    "VTEP_A_FDB_LIST holds VTEP_A_FDB entries only");
			return -EINVAL;
		}
		err = fdb_parse(vtep, e, true, &req, extack);
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
		err = fdb_parse(vtep, e, true, &req, extack) ?:
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
			    !fdb_parse(vtep, e, false, &req, NULL))
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
	struct fdb_req req;
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
	err = fdb_parse(vtep, one, true, &req, extack);
	return err ?: fdb_add(vtep, &req, replace, &created, extack);
}

/* FDB_DEL, and FDB_GET's "do" */
static int do_fdb_entry(struct vtep_dev *vtep, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[VTEP_A_FDB];
	struct fdb_req req;
	struct vtep_fdb *f;
	struct fdb_snap s;
	bool found = false;
	int err;

	if (missing(info->extack, NULL, info->attrs, VTEP_A_FDB))
		return -EINVAL;
	err = fdb_parse(vtep, nest, false, &req, info->extack);
	if (err)
		return err;
	if (info->genlhdr->cmd == VTEP_CMD_FDB_DEL) {
		found = !vtep_fdb_del(vtep, req.vni->id, req.mac);
	} else {
		rcu_read_lock();
		f = vtep_fdb_lookup(vtep, req.vni->id, req.mac);
		found = f && fdb_snap(f, &s);
		rcu_read_unlock();
	}
	if (!found) {
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "no such FDB entry");
		return -ENOENT;
	}
	if (info->genlhdr->cmd == VTEP_CMD_FDB_DEL)
		return 0;
	return reply_msg(info, vtep, VTEP_CMD_FDB_GET, fdb_put, &s);
}

/* The optional { VNI, TYPE } filter of an FDB dump or flush. */
static int fdb_filter(struct vtep_dev *vtep, struct nlattr *nest, u32 *vni,
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
		if (!vni_find(vtep, tb[VTEP_FDB_A_VNI], extack))
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

	err = fdb_filter(vtep, info->attrs[VTEP_A_FDB], &vni, &type,
			 info->extack);
	if (!err)
		vtep_fdb_flush(vtep, vni, type);
	return err;
}

static int do_stats_get(struct vtep_dev *vtep, struct genl_info *info)
{
	struct stats_obj st = { .stats = vtep->stats };
	struct nlattr *tb[VTEP_VNI_A_MAX + 1];
	int err;

	if (info->attrs[VTEP_A_VNI]) {
		err = vni_parse(info, tb);
		if (err)
			return err;
		st.vni = vni_find(vtep, tb[VTEP_VNI_A_ID], info->extack);
		if (!st.vni)
			return -ENOENT;
		st.stats = st.vni->stats;
	}
	return reply_msg(info, vtep, VTEP_CMD_STATS_GET, stats_put, &st);
}

typedef int (*handler_t)(struct vtep_dev *vtep, struct genl_info *info);

static const handler_t handlers[__VTEP_CMD_MAX] = {
	[VTEP_CMD_LINK_GET]	= do_link_get,
	[VTEP_CMD_LINK_SET]	= do_link_set,
	[VTEP_CMD_VNI_NEW]	= do_vni_change,
	[VTEP_CMD_VNI_SET]	= do_vni_change,
	[VTEP_CMD_VNI_DEL]	= do_vni_change,
	[VTEP_CMD_VNI_GET]	= do_vni_get,
	[VTEP_CMD_REMOTE_NEW]	= do_remote_change,
	[VTEP_CMD_REMOTE_DEL]	= do_remote_change,
	[VTEP_CMD_FDB_NEW]	= do_fdb_new,
	[VTEP_CMD_FDB_DEL]	= do_fdb_entry,
	[VTEP_CMD_FDB_GET]	= do_fdb_entry,
	[VTEP_CMD_FDB_FLUSH]	= do_fdb_flush,
	[VTEP_CMD_STATS_GET]	= do_stats_get,
};

/* Every "do": find the device, run the command's handler, under RTNL. */
static int vtep_nl_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct vtep_dev *vtep;
	int err;

	rtnl_lock();
	vtep = vtep_get(genl_info_net(info), info->attrs, info->extack);
	if (IS_ERR(vtep)) {
		err = PTR_ERR(vtep);
	} else {
		err = handlers[info->genlhdr->cmd](vtep, info);
		dev_put(vtep->dev);
	}
	rtnl_unlock();
	return err;
}

/* A dump's state between messages, kept in cb->ctx */
struct dump_ctx {
	struct vtep_dev *vtep;		/* held from .start to .done */
	union {
		struct rhashtable_iter *iter;	/* FDB: the walk */
		const char *errmsg;		/* with err */
	};
	u32 pos;			/* next device, or next VLAN slot */
	u32 sub;			/* next remote of that slot's VNI */
	u32 vni;			/* filter, 0 = any */
	u32 seq0;			/* FDB: cb->seq of the first message */
	u16 restarts;			/* FDB: resizes that rewound the walk */
	s16 err;			/* a refusal .start could not send */
	u8 type;			/* FDB filter */
	bool remotes;			/* slot dump: remotes, not VNIs */
	bool sent;			/* FDB: a message went out */
	bool pending;			/* FDB: the walk's entry did not fit */
};

static struct dump_ctx *dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct dump_ctx) > sizeof(cb->ctx));
	return (struct dump_ctx *)cb->ctx;
}

static int link_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(cb->skb->sk);
	struct vtep_net *vn = net_generic(net, vtep_net_id);
	struct dump_ctx *d = dump_ctx(cb);
	struct vtep_dev *vtep;
	u32 i = 0;

	rtnl_lock();
	cb->seq = net->dev_base_seq;
	list_for_each_entry(vtep, &vn->devs, net_node) {
		if (i++ < d->pos)
			continue;
		if (dump_msg(skb, cb, vtep, VTEP_CMD_LINK_GET, link_put, vtep))
			break;
		d->pos = i;
	}
	rtnl_unlock();
	return skb->len;
}

static int dev_dump_done(struct netlink_callback *cb)
{
	struct dump_ctx *d = dump_ctx(cb);

	if (d->vtep)
		dev_put(d->vtep->dev);
	return 0;
}

/*
 * The VNI, remote and FDB dumps start here: the device, and the filter in
 * VTEP_A_REMOTE { VNI } or VTEP_A_FDB { VNI, TYPE }. (.done is not called
 * when .start fails: this cleans up itself.)
 */
static int dump_setup(struct netlink_callback *cb,
		      struct netlink_ext_ack *extack)
{
	struct nlattr **attrs = vtep_dump_attrs(cb);
	struct nlattr *tb[VTEP_REMOTE_A_MAX + 1];
	struct dump_ctx *d = dump_ctx(cb);
	struct vtep_dev *vtep;
	struct nlattr *nest;
	int err = 0;

	vtep = vtep_get(sock_net(cb->skb->sk), attrs, extack);
	if (IS_ERR(vtep))
		return PTR_ERR(vtep);
	d->vtep = vtep;
	switch (genl_dumpit_info(cb)->op.cmd) {
	case VTEP_CMD_REMOTE_GET:
		d->remotes = true;
		nest = attrs[VTEP_A_REMOTE];
		if (nest)
			err = nla_parse_nested(tb, VTEP_REMOTE_A_MAX, nest,
					       remote_policy, extack);
		if (!err && nest && tb[VTEP_REMOTE_A_VNI]) {
			d->vni = nla_get_u32(tb[VTEP_REMOTE_A_VNI]);
			if (!vni_find(vtep, tb[VTEP_REMOTE_A_VNI], extack))
				err = -ENOENT;
		}
		break;
	case VTEP_CMD_FDB_GET:
		err = fdb_filter(vtep, attrs[VTEP_A_FDB], &d->vni, &d->type,
				 extack);
		if (err)
			break;
		d->iter = kmalloc(sizeof(*d->iter), GFP_KERNEL);
		if (!d->iter)
			err = -ENOMEM;
		else
			rhashtable_walk_enter(&vtep->fdb, d->iter);
		break;
	}
	if (err) {
		dev_put(vtep->dev);
		d->vtep = NULL;
	}
	return err;
}

/*
 * Before 6.5, genetlink gives .start no extack, so a refusal there would
 * lose its message: it is kept and sent from the first dumpit instead,
 * which has one.
 */
static int dev_dump_start(struct netlink_callback *cb)
{
	struct netlink_ext_ack ext = {};
	struct dump_ctx *d = dump_ctx(cb);
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

static int dump_refused(struct netlink_callback *cb)
{
	struct dump_ctx *d = dump_ctx(cb);

	if (cb->extack)
		cb->extack->_msg = d->errmsg;
	return d->err;
}

/*
 * VNIs and remotes are dumped in VLAN order through vlan_map: every VNI
 * holds exactly one slot (VLAN N, or 0 for untagged), so the map lists
 * each once and gives a cursor that survives between messages.
 */
static int slot_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dump_ctx *d = dump_ctx(cb);
	struct vtep_dev *vtep = d->vtep;
	struct vtep_vni_remote *vr;
	struct remote_obj r;
	struct vtep_vni *vni;
	u32 i;

	if (d->err)
		return dump_refused(cb);
	rtnl_lock();
	for (; vtep->dev->reg_state == NETREG_REGISTERED &&
	       d->pos < VLAN_N_VID; d->pos++, d->sub = 0) {
		vni = rtnl_dereference(vtep->vlan_map[d->pos]);
		if (!vni || (d->vni && vni->id != d->vni))
			continue;
		if (!d->remotes) {
			if (dump_msg(skb, cb, vtep, VTEP_CMD_VNI_GET, vni_put,
				     vni))
				break;
			continue;
		}
		i = 0;
		r.vni = vni->id;
		list_for_each_entry_rcu(vr, &vni->remotes, node,
					lockdep_rtnl_is_held()) {
			if (i++ < d->sub)
				continue;
			r.addr = &vr->remote->addr;
			if (dump_msg(skb, cb, vtep, VTEP_CMD_REMOTE_GET,
				     remote_put, &r))
				goto out;
			d->sub = i;
		}
	}
out:
	rtnl_unlock();
	return skb->len;
}

/*
 * The FDB table goes away in ndo_uninit (under RTNL), with entries freed
 * at once, not after a grace period. So the walk runs under RTNL too, and
 * only while the device is registered; once it is not, the walker is
 * linked into a freed table and must never be touched again.
 */
static bool fdb_dump_alive(struct dump_ctx *d)
{
	ASSERT_RTNL();
	if (d->iter && d->vtep->dev->reg_state != NETREG_REGISTERED) {
		kfree(d->iter);
		d->iter = NULL;
	}
	return d->iter;
}

static int fdb_dump_done(struct netlink_callback *cb)
{
	struct dump_ctx *d = dump_ctx(cb);

	rtnl_lock();
	if (!d->err && fdb_dump_alive(d)) {
		rhashtable_walk_exit(d->iter);
		kfree(d->iter);
	}
	rtnl_unlock();
	return dev_dump_done(cb);
}

/*
 * What each message is checked against: it moves with every change to the
 * table and every resize that rewound the walk (entries already sent then
 * come again). Odd, so never 0, which would turn the check off.
 */
static u32 fdb_dump_seq(struct dump_ctx *d)
{
	return ((atomic_read(&d->vtep->generation) + d->restarts) << 1) | 1;
}

static int fdb_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dump_ctx *d = dump_ctx(cb);
	struct rhashtable_iter *iter;
	struct vtep_fdb *f;
	struct fdb_snap s;

	if (d->err)
		return dump_refused(cb);
	rtnl_lock();
	if (!fdb_dump_alive(d))
		goto out;
	iter = d->iter;
	if (rhashtable_walk_start_check(iter) == -EAGAIN) {
		/* A resize rewound the walk; the entry it stood on is stale. */
		iter->p = NULL;
		d->restarts += d->sent;
	}
	cb->seq = fdb_dump_seq(d);
	f = d->pending ? rhashtable_walk_peek(iter) : rhashtable_walk_next(iter);
	for (d->pending = false; f; f = rhashtable_walk_next(iter)) {
		if (IS_ERR(f)) {
			if (PTR_ERR(f) != -EAGAIN)
				break;
			d->restarts += d->sent;
			cb->seq = fdb_dump_seq(d);
			continue;
		}
		if (!fdb_snap(f, &s) || (d->vni && s.vni != d->vni) ||
		    (d->type && s.type != d->type))
			continue;
		if (!d->sent)
			d->seq0 = cb->seq;
		if (dump_msg(skb, cb, d->vtep, VTEP_CMD_FDB_GET, fdb_put, &s)) {
			d->pending = true;
			break;
		}
		d->sent = true;
	}
	rhashtable_walk_stop(iter);
	/*
	 * At the end, make NLMSG_DONE carry NLM_F_DUMP_INTR too if the table
	 * changed at any time during the dump, as the uapi promises, even
	 * when an earlier message was the one that saw it.
	 */
	if (!d->pending && d->sent && cb->seq != d->seq0)
		cb->seq = cb->prev_seq + 2;
out:
	rtnl_unlock();
	return skb->len;
}

#define ADMIN GENL_UNS_ADMIN_PERM

static const struct genl_ops vtep_ops[] = {
	{ .cmd = VTEP_CMD_LINK_GET, .doit = vtep_nl_doit,
	  .dumpit = link_dumpit },
	{ .cmd = VTEP_CMD_LINK_SET, .doit = vtep_nl_doit, .flags = ADMIN },
	{ .cmd = VTEP_CMD_VNI_NEW, .doit = vtep_nl_doit, .flags = ADMIN },
	{ .cmd = VTEP_CMD_VNI_SET, .doit = vtep_nl_doit, .flags = ADMIN },
	{ .cmd = VTEP_CMD_VNI_DEL, .doit = vtep_nl_doit, .flags = ADMIN },
	{ .cmd = VTEP_CMD_VNI_GET, .doit = vtep_nl_doit,
	  .start = dev_dump_start, .dumpit = slot_dumpit,
	  .done = dev_dump_done },
	{ .cmd = VTEP_CMD_REMOTE_NEW, .doit = vtep_nl_doit, .flags = ADMIN },
	{ .cmd = VTEP_CMD_REMOTE_DEL, .doit = vtep_nl_doit, .flags = ADMIN },
	{ .cmd = VTEP_CMD_REMOTE_GET, .start = dev_dump_start,
	  .dumpit = slot_dumpit, .done = dev_dump_done },
	{ .cmd = VTEP_CMD_FDB_NEW, .doit = vtep_nl_doit, .flags = ADMIN },
	{ .cmd = VTEP_CMD_FDB_DEL, .doit = vtep_nl_doit, .flags = ADMIN },
	{ .cmd = VTEP_CMD_FDB_GET, .doit = vtep_nl_doit,
	  .start = dev_dump_start, .dumpit = fdb_dumpit,
	  .done = fdb_dump_done },
	{ .cmd = VTEP_CMD_FDB_FLUSH, .doit = vtep_nl_doit, .flags = ADMIN },
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
