// SPDX-License-Identifier: GPL-2.0
/*
 * The vtep net_device: lifecycle, settings (shared by rtnetlink and genl),
 * VNI changes that need the underlay (group joins), MTU and ethtool.
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/ipv6.h>
#include <linux/module.h>
#include <net/ip.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>

#include "vtep.h"

/* Limits beyond what fits the policy's s16 min/max go through a range. */
static struct netlink_range_validation vtep_ageing_range = {
	.max = VTEP_AGEING_MAX,
};

static const struct nla_policy vtep_link_policy[VTEP_LINK_A_MAX + 1] = {
	[VTEP_LINK_A_LOCAL]	  = { .type = NLA_BE32 },
	[VTEP_LINK_A_LOCAL6]	  = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[VTEP_LINK_A_PORT]	  = NLA_POLICY_MIN(NLA_BE16, 1),
	[VTEP_LINK_A_UNDERLAY]	  = { .type = NLA_U32 },
	[VTEP_LINK_A_TTL]	  = { .type = NLA_U8 },
	[VTEP_LINK_A_TOS]	  = { .type = NLA_U8 },
	[VTEP_LINK_A_DF]	  = NLA_POLICY_MAX(NLA_U8, VTEP_DF_MAX),
	[VTEP_LINK_A_LEARNING]	  = NLA_POLICY_MAX(NLA_U8, 1),
	[VTEP_LINK_A_AGEING]	  = NLA_POLICY_FULL_RANGE(NLA_U32, &vtep_ageing_range),
	[VTEP_LINK_A_FDB_MAX]	  = { .type = NLA_U32 },
	[VTEP_LINK_A_PORT_MIN]	  = NLA_POLICY_MIN(NLA_U16, 1),
	[VTEP_LINK_A_PORT_MAX]	  = NLA_POLICY_MIN(NLA_U16, 1),
	[VTEP_LINK_A_UDP_CSUM]	  = NLA_POLICY_MAX(NLA_U8, 1),
	[VTEP_LINK_A_MOVE_NOTICE] = NLA_POLICY_MAX(NLA_U8, 1),
	[VTEP_LINK_A_FDB_COUNT]	  = { .type = NLA_REJECT },
	[VTEP_LINK_A_VNI_COUNT]	  = { .type = NLA_REJECT },
};

bool vtep_is_vtep(const struct net_device *dev)
{
	return dev->rtnl_link_ops == &vtep_link_ops;
}

static void vtep_cfg_defaults(struct vtep_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->local.family = AF_INET;
	cfg->port = htons(VTEP_DEFAULT_PORT);
	cfg->port_min = VTEP_DEFAULT_PORT_MIN;
	cfg->port_max = VTEP_DEFAULT_PORT_MAX;
	cfg->learning = true;
	cfg->move_notice = true;
	cfg->ageing = VTEP_DEFAULT_AGEING;
}

static unsigned int vtep_overhead(const struct vtep_dev *vtep)
{
	return vtep->cfg.local.family == AF_INET6 ? VTEP_OVERHEAD6 : VTEP_OVERHEAD4;
}

/* The largest inner MTU the underlay carries: its device's, else Ethernet's. */
static int vtep_max_mtu(const struct vtep_dev *vtep)
{
	struct net_device *lower;
	int mtu = ETH_DATA_LEN;

	if (vtep->cfg.link) {
		lower = __dev_get_by_index(vtep->net, vtep->cfg.link);
		if (lower)
			mtu = lower->mtu;
	}
	return mtu - vtep_overhead(vtep);
}

/*
 * Check settings against each other and the device's state before touching
 * anything, so a refused request changes nothing.
 */
static int vtep_cfg_check(struct vtep_dev *vtep, struct nlattr *tb[],
			  struct vtep_cfg *cfg, struct netlink_ext_ack *extack)
{
	bool up = vtep->dev->flags & IFF_UP;
	static const int down_only[] = {
		VTEP_LINK_A_LOCAL, VTEP_LINK_A_LOCAL6, VTEP_LINK_A_PORT,
		VTEP_LINK_A_UNDERLAY,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(down_only); i++) {
		if (up && tb[down_only[i]]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[down_only[i]],
					    "Cannot change the underlay of a device that is up");
			return -EBUSY;
		}
	}
	if (tb[VTEP_LINK_A_LOCAL] && tb[VTEP_LINK_A_LOCAL6]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VTEP_LINK_A_LOCAL6],
				    "Local address is either IPv4 or IPv6, not both");
		return -EINVAL;
	}
	if (tb[VTEP_LINK_A_LOCAL]) {
		cfg->local.family = AF_INET;
		cfg->local.ip4 = nla_get_in_addr(tb[VTEP_LINK_A_LOCAL]);
		if (ipv4_is_multicast(cfg->local.ip4) ||
		    ipv4_is_lbcast(cfg->local.ip4)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VTEP_LINK_A_LOCAL],
					    "Local address must be unicast");
			return -EINVAL;
		}
	}
	if (tb[VTEP_LINK_A_LOCAL6]) {
		cfg->local.family = AF_INET6;
		cfg->local.ip6 = nla_get_in6_addr(tb[VTEP_LINK_A_LOCAL6]);
		if (ipv6_addr_is_multicast(&cfg->local.ip6)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VTEP_LINK_A_LOCAL6],
					    "Local address must be unicast");
			return -EINVAL;
		}
	}
	if (cfg->local.family != vtep->cfg.local.family && vtep->vni_count) {
		NL_SET_ERR_MSG(extack,
			       "Cannot change the address family of a device with VNIs");
		return -EBUSY;
	}
	if (tb[VTEP_LINK_A_UNDERLAY]) {
		cfg->link = nla_get_u32(tb[VTEP_LINK_A_UNDERLAY]);
		if (cfg->link && !__dev_get_by_index(vtep->net, cfg->link)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VTEP_LINK_A_UNDERLAY],
					    "Underlay device does not exist");
			return -ENODEV;
		}
	}
	if (tb[VTEP_LINK_A_PORT_MIN])
		cfg->port_min = nla_get_u16(tb[VTEP_LINK_A_PORT_MIN]);
	if (tb[VTEP_LINK_A_PORT_MAX])
		cfg->port_max = nla_get_u16(tb[VTEP_LINK_A_PORT_MAX]);
	if (cfg->port_min > cfg->port_max) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VTEP_LINK_A_PORT_MIN] ?:
				    tb[VTEP_LINK_A_PORT_MAX],
				    "Source port range is empty (min > max)");
		return -EINVAL;
	}
	return 0;
}

/* Apply settings from rtnetlink (IFLA_INFO_DATA) or genl (VTEP_A_LINK). */
int vtep_dev_apply(struct vtep_dev *vtep, struct nlattr *tb[],
		   struct netlink_ext_ack *extack)
{
	struct vtep_cfg cfg = vtep->cfg;
	bool ageing_changed;
	int err;

	ASSERT_RTNL();
	err = vtep_cfg_check(vtep, tb, &cfg, extack);
	if (err)
		return err;

	if (tb[VTEP_LINK_A_PORT])
		cfg.port = nla_get_be16(tb[VTEP_LINK_A_PORT]);
	if (tb[VTEP_LINK_A_TTL])
		cfg.ttl = nla_get_u8(tb[VTEP_LINK_A_TTL]);
	if (tb[VTEP_LINK_A_TOS])
		cfg.tos = nla_get_u8(tb[VTEP_LINK_A_TOS]);
	if (tb[VTEP_LINK_A_DF])
		cfg.df = nla_get_u8(tb[VTEP_LINK_A_DF]);
	if (tb[VTEP_LINK_A_LEARNING])
		cfg.learning = nla_get_u8(tb[VTEP_LINK_A_LEARNING]);
	if (tb[VTEP_LINK_A_AGEING])
		cfg.ageing = nla_get_u32(tb[VTEP_LINK_A_AGEING]);
	if (tb[VTEP_LINK_A_FDB_MAX])
		cfg.fdb_max = nla_get_u32(tb[VTEP_LINK_A_FDB_MAX]);
	if (tb[VTEP_LINK_A_UDP_CSUM])
		cfg.udp_csum = nla_get_u8(tb[VTEP_LINK_A_UDP_CSUM]);
	if (tb[VTEP_LINK_A_MOVE_NOTICE])
		cfg.move_notice = nla_get_u8(tb[VTEP_LINK_A_MOVE_NOTICE]);

	ageing_changed = cfg.ageing != vtep->cfg.ageing;
	/*
	 * The datapath reads single fields with READ_ONCE; the fields that
	 * belong together (address, port, link) only change while down.
	 */
	vtep->cfg = cfg;
	if (ageing_changed && (vtep->dev->flags & IFF_UP))
		vtep_fdb_ageing_start(vtep);
	return 0;
}

int vtep_dev_fill_cfg(struct sk_buff *skb, const struct vtep_dev *vtep)
{
	const struct vtep_cfg *cfg = &vtep->cfg;

	if (vtep_nla_put_addr(skb, VTEP_LINK_A_LOCAL, VTEP_LINK_A_LOCAL6,
			      &cfg->local) ||
	    nla_put_be16(skb, VTEP_LINK_A_PORT, cfg->port) ||
	    nla_put_u32(skb, VTEP_LINK_A_UNDERLAY, cfg->link) ||
	    nla_put_u8(skb, VTEP_LINK_A_TTL, cfg->ttl) ||
	    nla_put_u8(skb, VTEP_LINK_A_TOS, cfg->tos) ||
	    nla_put_u8(skb, VTEP_LINK_A_DF, cfg->df) ||
	    nla_put_u8(skb, VTEP_LINK_A_LEARNING, cfg->learning) ||
	    nla_put_u32(skb, VTEP_LINK_A_AGEING, cfg->ageing) ||
	    nla_put_u32(skb, VTEP_LINK_A_FDB_MAX, cfg->fdb_max) ||
	    nla_put_u16(skb, VTEP_LINK_A_PORT_MIN, cfg->port_min) ||
	    nla_put_u16(skb, VTEP_LINK_A_PORT_MAX, cfg->port_max) ||
	    nla_put_u8(skb, VTEP_LINK_A_UDP_CSUM, cfg->udp_csum) ||
	    nla_put_u8(skb, VTEP_LINK_A_MOVE_NOTICE, cfg->move_notice) ||
	    nla_put_u32(skb, VTEP_LINK_A_FDB_COUNT,
			atomic_read(&vtep->fdb_count)) ||
	    nla_put_u32(skb, VTEP_LINK_A_VNI_COUNT, READ_ONCE(vtep->vni_count)))
		return -EMSGSIZE;
	return 0;
}

/* The size of vtep_dev_fill_cfg()'s attributes. */
static size_t vtep_cfg_size(void)
{
	return nla_total_size(sizeof(struct in6_addr)) +	/* LOCAL or LOCAL6 */
	       nla_total_size(sizeof(__be16)) +		/* PORT */
	       nla_total_size(sizeof(u32)) +		/* LINK */
	       nla_total_size(sizeof(u8)) * 3 +		/* TTL, TOS, DF */
	       nla_total_size(sizeof(u8)) +		/* LEARNING */
	       nla_total_size(sizeof(u32)) * 2 +	/* AGEING, FDB_MAX */
	       nla_total_size(sizeof(u16)) * 2 +	/* PORT_MIN, PORT_MAX */
	       nla_total_size(sizeof(u8)) * 2 +		/* UDP_CSUM, MOVE_NOTICE */
	       nla_total_size(sizeof(u32)) * 2;		/* FDB_COUNT, VNI_COUNT */
}

/* ---- VNIs: the parts that need the device's state or its underlay ---- */

static int vtep_parse_group(struct vtep_dev *vtep, struct nlattr *tb[],
			    struct vtep_addr *group,
			    struct netlink_ext_ack *extack)
{
	struct nlattr *a4 = tb[VTEP_VNI_A_GROUP], *a6 = tb[VTEP_VNI_A_GROUP6];
	sa_family_t family = vtep->cfg.local.family;

	if (a4 && a6) {
		NL_SET_ERR_MSG_ATTR(extack, a6, "Group is either IPv4 or IPv6, not both");
		return -EINVAL;
	}
	memset(group, 0, sizeof(*group));
	if (a4) {
		group->ip4 = nla_get_in_addr(a4);
		if (!group->ip4)
			return 0;		/* 0.0.0.0: no group */
		if (family != AF_INET) {
			NL_SET_ERR_MSG_ATTR(extack, a4, "IPv4 group on an IPv6 device");
			return -EAFNOSUPPORT;
		}
		if (!ipv4_is_multicast(group->ip4)) {
			NL_SET_ERR_MSG_ATTR(extack, a4, "Group is not a multicast address");
			return -EINVAL;
		}
		group->family = AF_INET;
	}
	if (a6) {
		group->ip6 = nla_get_in6_addr(a6);
		if (ipv6_addr_any(&group->ip6))
			return 0;
		if (family != AF_INET6) {
			NL_SET_ERR_MSG_ATTR(extack, a6, "IPv6 group on an IPv4 device");
			return -EAFNOSUPPORT;
		}
		if (!ipv6_addr_is_multicast(&group->ip6)) {
			NL_SET_ERR_MSG_ATTR(extack, a6, "Group is not a multicast address");
			return -EINVAL;
		}
		group->family = AF_INET6;
	}
	return 0;
}

/* VLAN id, 0 for untagged, -1 when the request names neither. */
static int vtep_parse_map(struct nlattr *tb[], struct netlink_ext_ack *extack)
{
	if (tb[VTEP_VNI_A_VLAN] && tb[VTEP_VNI_A_UNTAGGED]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VTEP_VNI_A_UNTAGGED],
				    "A VNI maps to a VLAN or to untagged frames, not both");
		return -EINVAL;
	}
	if (tb[VTEP_VNI_A_VLAN])
		return nla_get_u16(tb[VTEP_VNI_A_VLAN]);
	if (tb[VTEP_VNI_A_UNTAGGED])
		return 0;
	return -1;
}

static bool vtep_is_up(const struct vtep_dev *vtep)
{
	return vtep->dev->flags & IFF_UP;
}

/* Move a VNI to another group, joining the new one before leaving the old. */
static int vtep_vni_regroup(struct vtep_dev *vtep, struct vtep_vni *vni,
			    const struct vtep_addr *group)
{
	struct vtep_addr old = vni->group;
	int err;

	if (vtep_addr_equal(&old, group))
		return 0;
	if (vtep_is_up(vtep) && group->family) {
		err = vtep_underlay_join(vtep, group);
		if (err)
			return err;
	}
	spin_lock_bh(&vtep->lock);
	vni->group = *group;
	spin_unlock_bh(&vtep->lock);
	if (vtep_is_up(vtep) && old.family)
		vtep_underlay_leave(vtep, &old);
	return 0;
}

static int vtep_vni_update(struct vtep_dev *vtep, struct vtep_vni *vni,
			   struct nlattr *tb[], struct netlink_ext_ack *extack)
{
	struct vtep_addr group;
	int map, err;

	map = vtep_parse_map(tb, extack);
	if (map < -1)
		return map;
	err = vtep_parse_group(vtep, tb, &group, extack);
	if (err)
		return err;
	if (map >= 0 && map != vni->vlan) {
		err = vtep_vni_remap(vtep, vni, map, extack);
		if (err)
			return err;
	}
	if (tb[VTEP_VNI_A_GROUP] || tb[VTEP_VNI_A_GROUP6]) {
		err = vtep_vni_regroup(vtep, vni, &group);
		if (err) {
			NL_SET_ERR_MSG(extack, "Cannot join the multicast group");
			return err;
		}
	}
	if (tb[VTEP_VNI_A_FLOOD])
		WRITE_ONCE(vni->flood, nla_get_u8(tb[VTEP_VNI_A_FLOOD]));
	vtep_event_vni(vtep, VTEP_EVENT_VNI_CHANGED, vni->id);
	return 0;
}

int vtep_dev_vni_add(struct vtep_dev *vtep, struct nlattr *tb[], bool replace,
		     struct netlink_ext_ack *extack)
{
	struct vtep_addr group;
	struct vtep_vni *vni;
	u32 id;
	int map, err;

	ASSERT_RTNL();
	id = nla_get_u32(tb[VTEP_VNI_A_ID]);
	vni = vtep_vni_lookup(vtep, id);
	if (vni) {
		if (!replace) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VTEP_VNI_A_ID], "VNI exists");
			return -EEXIST;
		}
		return vtep_vni_update(vtep, vni, tb, extack);
	}

	map = vtep_parse_map(tb, extack);
	if (map < -1)
		return map;
	if (map < 0) {
		NL_SET_ERR_MSG(extack, "A new VNI needs a VLAN or untagged");
		return -EINVAL;
	}
	err = vtep_parse_group(vtep, tb, &group, extack);
	if (err)
		return err;
	vni = vtep_vni_create(vtep, id, map, &group,
			      tb[VTEP_VNI_A_FLOOD] ?
			      nla_get_u8(tb[VTEP_VNI_A_FLOOD]) : true, extack);
	if (IS_ERR(vni))
		return PTR_ERR(vni);
	if (vtep_is_up(vtep) && group.family) {
		err = vtep_underlay_join(vtep, &group);
		if (err) {
			NL_SET_ERR_MSG(extack, "Cannot join the multicast group");
			vtep_vni_destroy(vtep, vni);
			return err;
		}
	}
	vtep_event_vni(vtep, VTEP_EVENT_VNI_ADDED, id);
	return 0;
}

int vtep_dev_vni_set(struct vtep_dev *vtep, struct nlattr *tb[],
		     struct netlink_ext_ack *extack)
{
	struct vtep_vni *vni;

	ASSERT_RTNL();
	vni = vtep_vni_lookup(vtep, nla_get_u32(tb[VTEP_VNI_A_ID]));
	if (!vni) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VTEP_VNI_A_ID], "VNI does not exist");
		return -ENOENT;
	}
	return vtep_vni_update(vtep, vni, tb, extack);
}

int vtep_dev_vni_del(struct vtep_dev *vtep, u32 id,
		     struct netlink_ext_ack *extack)
{
	struct vtep_vni *vni;

	ASSERT_RTNL();
	vni = vtep_vni_lookup(vtep, id);
	if (!vni) {
		NL_SET_ERR_MSG(extack, "VNI does not exist");
		return -ENOENT;
	}
	if (vtep_is_up(vtep) && vni->group.family)
		vtep_underlay_leave(vtep, &vni->group);
	vtep_vni_destroy(vtep, vni);
	vtep_event_vni(vtep, VTEP_EVENT_VNI_DELETED, id);
	return 0;
}

/* ---- net_device_ops ---- */

/* Join (or, with join false, leave) the group of every VNI. */
static int vtep_groups(struct vtep_dev *vtep, bool join)
{
	struct rhashtable_iter iter;
	struct vtep_vni *vni;
	int err = 0;

	rhashtable_walk_enter(&vtep->vnis, &iter);
	rhashtable_walk_start(&iter);
	while ((vni = rhashtable_walk_next(&iter))) {
		if (IS_ERR(vni))
			continue;	/* -EAGAIN: the table resized */
		if (!vni->group.family)
			continue;
		rhashtable_walk_stop(&iter);
		if (join)
			err = vtep_underlay_join(vtep, &vni->group);
		else
			vtep_underlay_leave(vtep, &vni->group);
		rhashtable_walk_start(&iter);
		if (err)
			break;
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
	return err;
}

static int vtep_open(struct net_device *dev)
{
	struct vtep_dev *vtep = netdev_priv(dev);
	int err;

	err = vtep_underlay_open(vtep, vtep_rx_encap);
	if (err)
		return err;
	err = vtep_groups(vtep, true);
	if (err) {
		/* Leaving is safe for groups never joined: refcounts say so. */
		vtep_groups(vtep, false);
		vtep_underlay_close(vtep);
		return err;
	}
	vtep_fdb_ageing_start(vtep);
	netif_start_queue(dev);
	return 0;
}

static int vtep_stop(struct net_device *dev)
{
	struct vtep_dev *vtep = netdev_priv(dev);

	netif_stop_queue(dev);
	vtep_fdb_ageing_stop(vtep);
	vtep_groups(vtep, false);
	vtep_underlay_close(vtep);
	return 0;
}

static int vtep_dev_init(struct net_device *dev)
{
	struct vtep_dev *vtep = netdev_priv(dev);
	int err;

	err = vtep_stats_alloc(&vtep->stats);
	if (err)
		return err;
	err = gro_cells_init(&vtep->gro, dev);
	if (err)
		goto err_free_stats;
	err = vtep_vni_init(vtep);
	if (err)
		goto err_destroy_gro;
	err = vtep_fdb_init(vtep);
	if (err)
		goto err_uninit_vni;
	return 0;

err_uninit_vni:
	vtep_vni_uninit(vtep);
err_destroy_gro:
	gro_cells_destroy(&vtep->gro);
err_free_stats:
	vtep_stats_free(vtep->stats);
	return err;
}

/* Runs under RTNL once the device is closed: no new lookups can start. */
static void vtep_dev_uninit(struct net_device *dev)
{
	struct vtep_dev *vtep = netdev_priv(dev);

	list_del_init(&vtep->net_node);
	vtep_vni_uninit(vtep);
	vtep_fdb_uninit(vtep);
	gro_cells_destroy(&vtep->gro);
}

/*
 * After the last device reference: the FDB tables (an FDB dump holds a
 * reference and a walker in them until it ends), then the counters, read
 * until the last RCU reader is gone.
 */
static void vtep_dev_free(struct net_device *dev)
{
	struct vtep_dev *vtep = netdev_priv(dev);

	vtep_fdb_free(vtep);
	vtep_stats_free(vtep->stats);
}

static int vtep_change_mtu(struct net_device *dev, int mtu)
{
	struct vtep_dev *vtep = netdev_priv(dev);

	if (mtu > vtep_max_mtu(vtep))
		return -EINVAL;
	dev->mtu = mtu;
	return 0;
}

static const struct net_device_ops vtep_netdev_ops = {
	.ndo_init		= vtep_dev_init,
	.ndo_uninit		= vtep_dev_uninit,
	.ndo_open		= vtep_open,
	.ndo_stop		= vtep_stop,
	.ndo_start_xmit		= vtep_xmit,
	.ndo_get_stats64	= vtep_get_stats64,
	.ndo_change_mtu		= vtep_change_mtu,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

/* ---- rtnl_link_ops ---- */

static struct device_type vtep_type = {
	.name = "vtep",
};

static void vtep_setup(struct net_device *dev)
{
	struct vtep_dev *vtep = netdev_priv(dev);
	netdev_features_t features;

	ether_setup(dev);
	dev->netdev_ops = &vtep_netdev_ops;
	dev->ethtool_ops = &vtep_ethtool_ops;
	dev->needs_free_netdev = true;
	dev->priv_destructor = vtep_dev_free;
	SET_NETDEV_DEVTYPE(dev, &vtep_type);

	features = NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
		   NETIF_F_FRAGLIST | NETIF_F_GSO_SOFTWARE |
		   NETIF_F_HW_VLAN_CTAG_TX;
	dev->features |= features;
	dev->hw_features |= features;
	dev->hw_enc_features |= NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_RXCSUM |
				NETIF_F_GSO_SOFTWARE;
	vtep_set_lltx(dev);
	vtep_set_netns_immutable(dev);
	netif_keep_dst(dev);
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE | IFF_NO_QUEUE;
	dev->needed_headroom = LL_MAX_HEADER + VTEP_OVERHEAD6;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;
	eth_hw_addr_random(dev);

	vtep->dev = dev;
	spin_lock_init(&vtep->lock);
	INIT_LIST_HEAD(&vtep->net_node);
	INIT_LIST_HEAD(&vtep->sock_node);
	vtep_cfg_defaults(&vtep->cfg);
}

static int vtep_validate(struct nlattr *tb[], struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS] &&
	    (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN ||
	     !is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS])))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
				    "Address must be a unicast Ethernet address");
		return -EADDRNOTAVAIL;
	}
	return 0;
}

static int vtep_newlink(struct net *src_net, struct net_device *dev,
			struct nlattr *tb[], struct nlattr *data[],
			struct netlink_ext_ack *extack)
{
	struct vtep_dev *vtep = netdev_priv(dev);
	struct vtep_net *vn;
	struct nlattr *none[VTEP_LINK_A_MAX + 1] = {};
	int err;

	vtep->net = dev_net(dev);
	if (tb[IFLA_LINK] && !(data && data[VTEP_LINK_A_UNDERLAY])) {
		vtep->cfg.link = nla_get_u32(tb[IFLA_LINK]);
		if (!__dev_get_by_index(vtep->net, vtep->cfg.link)) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_LINK],
					    "Underlay device does not exist");
			return -ENODEV;
		}
	}
	err = vtep_dev_apply(vtep, data ?: none, extack);
	if (err)
		return err;

	dev->max_mtu = vtep_max_mtu(vtep);
	if (!tb[IFLA_MTU])
		dev->mtu = dev->max_mtu;
	else if (dev->mtu > dev->max_mtu) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_MTU],
				    "MTU is larger than the underlay carries");
		return -EINVAL;
	}

	err = register_netdevice(dev);
	if (err)
		return err;
	vn = net_generic(vtep->net, vtep_net_id);
	list_add(&vtep->net_node, &vn->devs);
	return 0;
}

static int vtep_changelink(struct net_device *dev, struct nlattr *tb[],
			   struct nlattr *data[],
			   struct netlink_ext_ack *extack)
{
	struct vtep_dev *vtep = netdev_priv(dev);
	struct nlattr *none[VTEP_LINK_A_MAX + 1] = {};
	int err;

	err = vtep_dev_apply(vtep, data ?: none, extack);
	if (err)
		return err;
	dev->max_mtu = vtep_max_mtu(vtep);
	return 0;
}

static size_t vtep_get_size(const struct net_device *dev)
{
	return vtep_cfg_size();
}

static int vtep_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	return vtep_dev_fill_cfg(skb, netdev_priv(dev));
}

struct rtnl_link_ops vtep_link_ops __read_mostly = {
	.kind		= "vtep",
	.maxtype	= VTEP_LINK_A_MAX,
	.policy		= vtep_link_policy,
	.priv_size	= sizeof(struct vtep_dev),
	.setup		= vtep_setup,
	.validate	= vtep_validate,
	.newlink	= vtep_newlink,
	.changelink	= vtep_changelink,
	.get_size	= vtep_get_size,
	.fill_info	= vtep_fill_info,
};

int vtep_device_init(void)
{
	return rtnl_link_register(&vtep_link_ops);
}

/* Deletes every vtep device in every namespace. */
void vtep_device_uninit(void)
{
	rtnl_link_unregister(&vtep_link_ops);
}
