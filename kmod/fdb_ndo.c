// SPDX-License-Identifier: GPL-2.0
/*
 * The FDB through rtnetlink, as the kernel's vxlan offers it: `bridge fdb
 * add|replace|append|del|show ... dev vtep0 [self]` (RTM_NEWNEIGH and
 * RTM_DELNEIGH of family AF_BRIDGE, the device's ndo_fdb_*), so the tool an
 * operator already knows reads and edits the table vtepctl does.
 *
 *   bridge fdb add MAC dev vtep0 dst ADDR [vni VNI | vlan VID]
 *   bridge fdb append 00:00:00:00:00:00 dev vtep0 dst ADDR vni VNI
 *
 * The VNI is NDA_VNI, or the one mapped to the request's VLAN, or the
 * device's untagged one. A unicast MAC is a static entry (learned ones
 * come from the data plane); the all-zero MAC is, as in vxlan, a flood
 * destination: a remote of the VNI's replication list. Everything else
 * vxlan takes (a port other than the device's, an ifindex, a source VNI, a
 * nexthop group, several destinations for one MAC) is refused by name.
 * Requests go through the same functions as vtepctl's (all checks, limits,
 * events); a dump lists entries and remotes only to a requester with
 * CAP_NET_ADMIN over the namespace, as the genl family's reads require.
 *
 * rtnetlink parses these attributes with no policy, so each one used is
 * checked here, length first.
 */
#include <linux/etherdevice.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <net/netlink.h>

#include "vtep.h"

/* The attributes a request may carry (LLADDR and VLAN rtnetlink read). */
static int ndo_attrs_check(const struct vtep_dev *vtep, struct nlattr *tb[],
			   struct netlink_ext_ack *extack)
{
	int i;

	for (i = 0; i <= NDA_MAX; i++) {
		if (!tb[i])
			continue;
		switch (i) {
		case NDA_LLADDR:
		case NDA_VLAN:
		case NDA_DST:
			break;
		case NDA_VNI:
			if (nla_len(tb[i]) != sizeof(u32)) {
				NL_SET_ERR_MSG_ATTR(extack, tb[i], "NDA_VNI must be a u32");
				return -EINVAL;
			}
			break;
		case NDA_PORT:
			if (nla_len(tb[i]) != sizeof(__be16) ||
			    nla_get_be16(tb[i]) != vtep->cfg.port) {
				NL_SET_ERR_MSG_ATTR(extack, tb[i],
						    "a vtep sends to its own UDP port only");
				return -EOPNOTSUPP;
			}
			break;
		default:
			NL_SET_ERR_MSG_ATTR(extack, tb[i],
					    "vtep takes dst, vni, vlan and port only");
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

/* NDA_VNI, else the VNI of the request's VLAN (0: the untagged one) */
static struct vtep_vni *ndo_vni(struct vtep_dev *vtep, struct nlattr *tb[],
				u16 vid, struct netlink_ext_ack *extack)
{
	struct vtep_vni *vni;

	if (tb[NDA_VNI]) {
		vni = vtep_vni_lookup(vtep, nla_get_u32(tb[NDA_VNI]));
		if (!vni) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NDA_VNI], "no such VNI on the device");
			return ERR_PTR(-ENOENT);
		}
		if (vid && READ_ONCE(vni->vlan) != vid) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NDA_VNI],
					    "the VNI is not the one of that VLAN");
			return ERR_PTR(-EINVAL);
		}
		return vni;
	}
	vni = rtnl_dereference(vtep->vlan_map[vid]);
	if (vni)
		return vni;
	if (vid)
		NL_SET_ERR_MSG(extack, "no VNI is mapped to that VLAN");
	else
		NL_SET_ERR_MSG(extack, "no untagged VNI: name one (vni VNI or vlan VID)");
	return ERR_PTR(-ENOENT);
}

/* NDA_DST: a unicast address of the device's family */
static int ndo_dst(const struct vtep_dev *vtep, const struct nlattr *a,
		   struct vtep_addr *addr, struct netlink_ext_ack *extack)
{
	memset(addr, 0, sizeof(*addr));
	if (nla_len(a) == sizeof(struct in_addr)) {
		addr->family = AF_INET;
		addr->ip4 = nla_get_in_addr(a);
	} else if (nla_len(a) == sizeof(struct in6_addr)) {
		addr->family = AF_INET6;
		addr->ip6 = nla_get_in6_addr(a);
	} else {
		NL_SET_ERR_MSG_ATTR(extack, a, "NDA_DST must be an IPv4 or IPv6 address");
		return -EINVAL;
	}
	if (addr->family != vtep->cfg.local.family) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "dst is not of the family of the device's local address");
		return -EAFNOSUPPORT;
	}
	if (!vtep_addr_is_unicast(addr)) {
		NL_SET_ERR_MSG_ATTR(extack, a, "dst must be unicast");
		return -EINVAL;
	}
	return 0;
}

/* What add and del share: the attributes, the VNI, the MAC, the dst */
static int ndo_parse(struct vtep_dev *vtep, struct nlattr *tb[],
		     const unsigned char *addr, u16 vid, bool need_dst,
		     struct vtep_fdb_cfg *e, struct netlink_ext_ack *extack)
{
	int err;

	memset(e, 0, sizeof(*e));
	err = ndo_attrs_check(vtep, tb, extack);
	if (err)
		return err;
	e->vni = ndo_vni(vtep, tb, vid, extack);
	if (IS_ERR(e->vni))
		return PTR_ERR(e->vni);
	ether_addr_copy(e->mac, addr);
	if (!is_zero_ether_addr(addr) && !is_valid_ether_addr(addr)) {
		NL_SET_ERR_MSG(extack, "MAC must be unicast, or all-zero (a flood destination)");
		return -EINVAL;
	}
	if (!tb[NDA_DST]) {
		if (!need_dst && !is_zero_ether_addr(addr))
			return 0;
		NL_SET_ERR_MSG(extack, "dst must be given");
		return -EINVAL;
	}
	e->match_dst = true;
	return ndo_dst(vtep, tb[NDA_DST], &e->dst, extack);
}

int vtep_ndo_fdb_add(struct ndmsg *ndm, struct nlattr *tb[],
		     struct net_device *dev, const unsigned char *addr,
		     u16 vid, u16 flags, struct netlink_ext_ack *extack)
{
	struct vtep_dev *vtep = netdev_priv(dev);
	struct vtep_fdb_cfg e;
	unsigned int bad;
	int err;

	ASSERT_RTNL();
	/* bridge(8): permanent (its default) or static; not dynamic */
	if (!(ndm->ndm_state & (NUD_PERMANENT | NUD_NOARP))) {
		NL_SET_ERR_MSG(extack,
			       "entries made by hand are static on a vtep: permanent or static, not dynamic");
		return -EINVAL;
	}
	err = ndo_parse(vtep, tb, addr, vid, true, &e, extack);
	if (err)
		return err;
	if (is_zero_ether_addr(addr)) {
		err = vtep_vni_remote_add(vtep, e.vni, &e.dst,
					  flags & NLM_F_REPLACE, extack);
		if (!err && vtep_alias_any(vtep))
			vtep_alias_dedup(vtep, e.vni);
		return err;
	}
	if (flags & NLM_F_APPEND) {
		NL_SET_ERR_MSG(extack,
			       "a MAC has one destination on a vtep: replace it, or append flood destinations (MAC 00:00:00:00:00:00)");
		return -EOPNOTSUPP;
	}
	e.match_dst = false;
	return vtep_fdb_add_batch(vtep, &e, 1, flags & NLM_F_REPLACE, 0, &bad,
				  extack);
}

int vtep_ndo_fdb_del(struct ndmsg *ndm, struct nlattr *tb[],
		     struct net_device *dev, const unsigned char *addr,
		     u16 vid, struct netlink_ext_ack *extack)
{
	struct vtep_dev *vtep = netdev_priv(dev);
	struct vtep_fdb_cfg e;
	unsigned int bad;
	int err;

	ASSERT_RTNL();
	err = ndo_parse(vtep, tb, addr, vid, false, &e, extack);
	if (err)
		return err;
	if (is_zero_ether_addr(addr))
		return vtep_vni_remote_del(vtep, e.vni, &e.dst, extack);
	return vtep_fdb_del_batch(vtep, &e, 1, &bad, extack);
}

/*
 * One RTM_NEWNEIGH: an entry (@i), or a remote (@i->mac all-zero: a flood
 * destination, listed as vxlan lists one)
 */
static int ndo_fdb_fill(struct sk_buff *skb, const struct net_device *dev,
			const struct vtep_fdb_info *i, u32 portid, u32 seq)
{
	struct nda_cacheinfo ci = { 0 };
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;
	bool learned = i->type == VTEP_FDB_TYPE_LEARNED;

	nlh = nlmsg_put(skb, portid, seq, RTM_NEWNEIGH, sizeof(*ndm),
			NLM_F_MULTI);
	if (!nlh)
		return -EMSGSIZE;
	ndm = nlmsg_data(nlh);
	memset(ndm, 0, sizeof(*ndm));
	ndm->ndm_family = AF_BRIDGE;
	ndm->ndm_state = learned ? NUD_REACHABLE : NUD_PERMANENT;
	ndm->ndm_flags = NTF_SELF;
	ndm->ndm_ifindex = dev->ifindex;
	ndm->ndm_type = RTN_UNICAST;
	ci.ndm_used = jiffies_to_clock_t(msecs_to_jiffies(i->age));
	ci.ndm_updated = ci.ndm_used;
	ci.ndm_confirmed = ci.ndm_used;
	if (nla_put(skb, NDA_LLADDR, ETH_ALEN, i->mac) ||
	    (i->dst.family == AF_INET6 ?
	     nla_put_in6_addr(skb, NDA_DST, &i->dst.ip6) :
	     nla_put_in_addr(skb, NDA_DST, i->dst.ip4)) ||
	    nla_put_u32(skb, NDA_VNI, i->vni) ||
	    (learned && nla_put(skb, NDA_CACHEINFO, sizeof(ci), &ci))) {
		nlmsg_cancel(skb, nlh);
		return -EMSGSIZE;
	}
	nlmsg_end(skb, nlh);
	return 0;
}

/*
 * rtnetlink resumes a dump by count: entries before cb->args[2] were sent
 * by an earlier message. The walk order holds while the table does (a
 * change between messages may skip or repeat an entry, as with any
 * rtnetlink neighbour dump); vtepctl's dump flags that, this one cannot.
 * A count is a walk from the start each message: for tables of hundreds
 * of thousands, `vtepctl fdb show` is the one that scales.
 */
int vtep_ndo_fdb_dump(struct sk_buff *skb, struct netlink_callback *cb,
		      struct net_device *dev, struct net_device *filter_dev,
		      int *idx)
{
	struct vtep_dev *vtep = netdev_priv(dev);
	u32 portid = NETLINK_CB(cb->skb).portid;
	u32 seq = cb->nlh->nlmsg_seq;
	struct vtep_vni_remote *vr;
	struct vtep_hbkt *tbl;
	struct vtep_fdb_info s;
	struct vtep_hnode *pos;
	struct vtep_fdb *f;
	int err = 0;
	u16 v;
	u32 b;

	/* Tenants' MACs and addresses: for the namespace's admin only */
	if (!netlink_net_capable(cb->skb, CAP_NET_ADMIN))
		return 0;
	rcu_read_lock();
	for (v = 0; v < VLAN_N_VID && !err; v++) {
		struct vtep_vni *vni = rcu_dereference(vtep->vlan_map[v]);

		if (!vni)
			continue;
		list_for_each_entry_rcu(vr, &vni->remotes, node) {
			if (*idx >= cb->args[2]) {
				memset(&s, 0, sizeof(s));
				s.vni = vni->id;
				s.type = VTEP_FDB_TYPE_STATIC;
				s.dst = vr->peer->addr;
				err = ndo_fdb_fill(skb, dev, &s, portid, seq);
				if (err)
					break;
			}
			(*idx)++;
		}
	}
	tbl = rcu_dereference(vtep->fdb.tbl);
	for (b = 0; b <= tbl->mask && !err; b++) {
		for (pos = rcu_dereference(tbl->b[b]); pos;
		     pos = rcu_dereference(pos->next)) {
			f = container_of(pos, struct vtep_fdb, node);
			if (!vtep_fdb_snap(f, &s))
				continue;
			if (*idx >= cb->args[2]) {
				err = ndo_fdb_fill(skb, dev, &s, portid, seq);
				if (err)
					break;
			}
			(*idx)++;
		}
	}
	rcu_read_unlock();
	return err;
}
