// SPDX-License-Identifier: GPL-2.0
/*
 * The vtep net_device: lifecycle and ndo ops, settings, MTU, its place
 * above its underlay device. The settings arrive as plain structs parsed
 * and checked by rtnl.c and netlink.c; what is checked here is only what
 * needs the device's state. Its VNIs' changes are dev_vni.c's.
 *
 * This file wires the datapath: tx.c's vtep_xmit into the ndo ops, rx.c's
 * receive and GRO callbacks into the underlay's sockets, stats.c's counters
 * into the ndo and ethtool ops.
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/module.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>

#include "vtep.h"
#include "msg.h"

/* Settings that need the underlay socket reopened: only while down */
#define VTEP_LINK_DOWN_ONLY (BIT(VTEP_LINK_A_LOCAL) | BIT(VTEP_LINK_A_LOCAL6) | \
			     BIT(VTEP_LINK_A_PORT) | BIT(VTEP_LINK_A_UNDERLAY) | \
			     BIT(VTEP_LINK_A_UDP6_ZERO_CSUM_RX) | \
			     BIT(VTEP_LINK_A_LOCALS))

static const struct vtep_underlay_ops vtep_rx_ops = {
	.encap_rcv	= vtep_rx_encap,
	.gro_receive	= vtep_rx_gro_receive,
	.gro_complete	= vtep_rx_gro_complete,
};

static bool vtep_is_up(const struct vtep_dev *vtep)
{
	return vtep->dev->flags & IFF_UP;
}

static void vtep_cfg_defaults(struct vtep_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->local.family = AF_INET;
	cfg->nlocals = 1;
	cfg->port = htons(VTEP_DEFAULT_PORT);
	cfg->port_min = VTEP_DEFAULT_PORT_MIN;
	cfg->port_max = VTEP_DEFAULT_PORT_MAX;
	cfg->learning = true;
	cfg->move_notice = true;
	cfg->ageing = VTEP_DEFAULT_AGEING;
	cfg->learn_max = VTEP_DEFAULT_LEARN_MAX;
	cfg->learn_max_dev = VTEP_DEFAULT_LEARN_MAX_DEV;
	cfg->peer_max = VTEP_DEFAULT_PEER_MAX;
	cfg->remote_max = VTEP_DEFAULT_REMOTE_MAX;
	cfg->flowlet_gap = VTEP_DEFAULT_FLOWLET_GAP;
	cfg->sample = VTEP_DEFAULT_SAMPLE;
	cfg->elephant_rate = VTEP_DEFAULT_ELEPHANT_RATE;
}

static unsigned int vtep_overhead(const struct vtep_dev *vtep)
{
	return vtep->cfg.local.family == AF_INET6 ? VTEP_OVERHEAD6 : VTEP_OVERHEAD4;
}

/*
 * The largest inner MTU the underlay carries: its device's, else
 * Ethernet's, less the overhead of the underlay's family; never below the
 * minimum (an underlay MTU below the overhead must not wrap max_mtu).
 */
static int vtep_max_mtu(const struct vtep_dev *vtep)
{
	struct net_device *lower = vtep->lower;
	int mtu = ETH_DATA_LEN;

	/* Not registered yet (newlink): the lower is linked after. */
	if (!lower && vtep->cfg.underlay)
		lower = __dev_get_by_index(vtep->net, vtep->cfg.underlay);
	if (lower)
		mtu = lower->mtu;
	return max_t(int, mtu - vtep_overhead(vtep), ETH_MIN_MTU);
}

/*
 * After a change of the underlay (its device, its MTU, its family), under
 * RTNL: max_mtu follows; an MTU at the old maximum (the default) follows
 * it up or down, a smaller one stays unless it no longer fits.
 */
static void vtep_mtu_update(struct vtep_dev *vtep)
{
	struct net_device *dev = vtep->dev;
	int old = dev->max_mtu, max = vtep_max_mtu(vtep);
	int err;

	dev->max_mtu = max;
	if (dev->mtu == max || (dev->mtu != old && dev->mtu < max))
		return;
	err = dev_set_mtu(dev, max);
	if (err)
		netdev_warn(dev, "cannot follow the underlay's MTU (%d): %d\n",
			    max, err);
}

/*
 * Make @lower (NULL: none) the device's underlay in the graph of stacked
 * devices, as vlan and macvlan do: the device is @lower's upper device.
 * The core refuses a link that closes a loop (a vtep whose underlay is,
 * through any number of devices, itself) and one that stacks more than
 * MAX_NEST_DEV devices; both would recurse without bound in the MTU
 * notifier and in unregistration. The new link is made before the old
 * one goes, so a refusal leaves the device as it was. Under RTNL, while
 * the device is registered.
 */
static int vtep_lower_set(struct vtep_dev *vtep, struct net_device *lower,
			  struct netlink_ext_ack *extack)
{
	int err;

	ASSERT_RTNL();
	if (lower == vtep->lower)
		return 0;
	if (lower) {
		err = netdev_upper_dev_link(lower, vtep->dev, extack);
		if (err == -EBUSY) {
			NL_SET_ERR_MSG(extack,
				       "Underlay device is this device or stacked on it (a loop)");
			return err;
		}
		if (err == -EMLINK) {
			NL_SET_ERR_MSG(extack,
				       "Too many devices stacked on the underlay device");
			return err;
		}
		if (err)
			return err;
	}
	if (vtep->lower)
		netdev_upper_dev_unlink(vtep->lower, vtep->dev);
	vtep->lower = lower;
	return 0;
}

/*
 * Store @from as the device's settings. The datapath reads them without a
 * lock, a field at a time (READ_ONCE), so each is written once, whole; the
 * port range is one word, so no reader pairs an old bound with a new one.
 * The local address changes only while the device is down, when no
 * datapath reads it.
 */
static void vtep_cfg_publish(struct vtep_cfg *to, const struct vtep_cfg *from)
{
	const struct vtep_link_field *f;
	unsigned int i;

	to->local = from->local;
	to->nlocals = from->nlocals;
	memcpy(to->more, from->more, sizeof(to->more));
	for (i = 0; i < vtep_n_link_fields; i++) {
		f = &vtep_link_fields[i];
		if (f->attr == VTEP_LINK_A_PORT_MIN ||
		    f->attr == VTEP_LINK_A_PORT_MAX)
			continue;
		switch (f->len) {
		case 1:
			WRITE_ONCE(*((u8 *)to + f->off), *((const u8 *)from + f->off));
			break;
		case 2:
			WRITE_ONCE(*(u16 *)((u8 *)to + f->off),
				   *(const u16 *)((const u8 *)from + f->off));
			break;
		case 8:
			WRITE_ONCE(*(u64 *)((u8 *)to + f->off),
				   *(const u64 *)((const u8 *)from + f->off));
			break;
		default:
			BUILD_BUG_ON(sizeof(from->ageing) != 4);
			WRITE_ONCE(*(u32 *)((u8 *)to + f->off),
				   *(const u32 *)((const u8 *)from + f->off));
		}
	}
	WRITE_ONCE(to->port_range, from->port_range);
}

/*
 * Apply settings from rtnetlink (IFLA_INFO_DATA) or genl (VTEP_A_LINK),
 * under RTNL. What the request says was checked when it was parsed; here
 * only what the device's state allows, before anything changes, so a
 * refused request changes nothing.
 */
int vtep_dev_configure(struct vtep_dev *vtep, const struct vtep_link_cfg *lc,
		       struct netlink_ext_ack *extack)
{
	const struct vtep_cfg *cfg = &lc->cfg;
	bool ageing_changed, sample_changed;
	struct net_device *lower = NULL;
	int err;

	ASSERT_RTNL();
	if (vtep_is_up(vtep) && (lc->set & VTEP_LINK_DOWN_ONLY)) {
		NL_SET_ERR_MSG(extack,
			       "Cannot change the underlay of a device that is up");
		return -EBUSY;
	}
	if (cfg->local.family != vtep->cfg.local.family && vtep->vni_count) {
		NL_SET_ERR_MSG(extack,
			       "Cannot change the address family of a device with VNIs");
		return -EBUSY;
	}
	if (vtep_learn_limits_check(vtep, cfg, extack))
		return -EINVAL;
	if ((lc->set & BIT(VTEP_LINK_A_UNDERLAY)) && cfg->underlay) {
		lower = __dev_get_by_index(vtep->net, cfg->underlay);
		if (!lower) {
			NL_SET_ERR_MSG(extack, "Underlay device does not exist");
			return -ENODEV;
		}
	}
	/* The last check: it links the new underlay (newlink: after register) */
	if ((lc->set & BIT(VTEP_LINK_A_UNDERLAY)) &&
	    vtep->dev->reg_state == NETREG_REGISTERED) {
		err = vtep_lower_set(vtep, lower, extack);
		if (err)
			return err;
	}

	ageing_changed = cfg->ageing != vtep->cfg.ageing;
	sample_changed = cfg->sample != vtep->cfg.sample;
	/* Dumps read the whole of it without RTNL, under cfg_seq. */
	preempt_disable();
	write_seqcount_begin(&vtep->cfg_seq);
	vtep_cfg_publish(&vtep->cfg, cfg);
	write_seqcount_end(&vtep->cfg_seq);
	preempt_enable();
	/* TTL, TOS, underlay and source may all route differently now. */
	vtep_route_flush(&vtep->routes);
	if (ageing_changed && vtep_is_up(vtep))
		vtep_fdb_ageing_start(vtep);
	if (sample_changed)
		vtep_elephant_resample(vtep);
	if (vtep->dev->reg_state == NETREG_REGISTERED)
		vtep_mtu_update(vtep);
	return 0;
}

/*
 * rtnl_link_ops.newlink, its settings parsed: configure, size the MTU
 * (@mtu_given: the request set dev->mtu) and register. @net is the
 * creator's namespace (src_net): the underlay device is named there, and
 * there the device's sockets live, wherever the device itself is created
 * (like vxlan: "ip link add ... netns X" keeps the underlay outside X).
 */
int vtep_dev_newlink(struct net_device *dev, struct net *net,
		     const struct vtep_link_cfg *lc, bool mtu_given,
		     struct netlink_ext_ack *extack)
{
	struct vtep_dev *vtep = netdev_priv(dev);
	struct vtep_net *vn;
	int err;

	vtep->net = net;
	err = vtep_dev_configure(vtep, lc, extack);
	if (err)
		return err;

	dev->max_mtu = vtep_max_mtu(vtep);
	if (!mtu_given) {
		dev->mtu = dev->max_mtu;
	} else if (dev->mtu > dev->max_mtu) {
		NL_SET_ERR_MSG(extack, "MTU is larger than the underlay carries");
		return -EINVAL;
	}

	err = register_netdevice(dev);
	if (err)
		return err;
	if (vtep->cfg.underlay) {
		err = vtep_lower_set(vtep, __dev_get_by_index(vtep->net,
							      vtep->cfg.underlay),
				     extack);
		if (err) {
			/* The core frees it: it is registered now */
			unregister_netdevice(dev);
			return err;
		}
	}
	vn = net_generic(vtep->net, vtep_net_id);
	list_add(&vtep->net_node, &vn->devs);
	return 0;
}

/* ---- net_device_ops ---- */

static int vtep_open(struct net_device *dev)
{
	struct vtep_dev *vtep = netdev_priv(dev);
	int err;

	err = vtep_underlay_open(vtep, &vtep_rx_ops);
	if (err)
		return err;
	err = vtep_dev_groups(vtep, true);
	if (err) {
		/* Leaves only the groups this open joined (vni->mc). */
		vtep_dev_groups(vtep, false);
		vtep_underlay_close(vtep);
		return err;
	}
	/* Routes cached before a stop may name an old source address. */
	vtep_route_flush(&vtep->routes);
	vtep_fdb_ageing_start(vtep);
	netif_start_queue(dev);
	return 0;
}

static int vtep_stop(struct net_device *dev)
{
	struct vtep_dev *vtep = netdev_priv(dev);

	netif_stop_queue(dev);
	vtep_fdb_ageing_stop(vtep);
	vtep_dev_groups(vtep, false);
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
	err = vtep_peer_init(vtep);
	if (err)
		goto err_uninit_vni;
	err = vtep_allow_init(vtep);
	if (err)
		goto err_free_peers;
	err = vtep_alias_init(vtep);
	if (err)
		goto err_free_allow;
	/* Refused-peer events: a burst of 10, then one per second */
	ratelimit_state_init(&vtep->refused_rs, HZ, 10);
	ratelimit_set_flags(&vtep->refused_rs, RATELIMIT_MSG_ON_RELEASE);
	err = vtep_route_init(&vtep->routes);
	if (err)
		goto err_free_aliases;
	err = vtep_elephant_init(vtep);
	if (err)
		goto err_destroy_routes;
	err = vtep_neigh_init(vtep);
	if (err)
		goto err_free_elephants;
	err = vtep_fdb_init(vtep);
	if (err)
		goto err_free_neighs;
	return 0;

err_free_neighs:
	vtep_neigh_free(vtep);
err_free_elephants:
	vtep_elephant_free(vtep);
err_destroy_routes:
	vtep_route_destroy(&vtep->routes);
err_free_aliases:
	vtep_alias_free(vtep);
err_free_allow:
	vtep_allow_free(vtep);
err_free_peers:
	vtep_peer_free(vtep);
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
	vtep_lower_set(vtep, NULL, NULL);
	/* Entries first: unlinking one touches its VNI's list. */
	vtep_fdb_uninit(vtep);
	vtep_neigh_uninit(vtep);
	vtep_vni_uninit(vtep);
	gro_cells_destroy(&vtep->gro);
}

/*
 * After the last device reference, when no RCU reader is left: the FDB
 * tables (vtep_fdb_uninit() emptied them), the cached routes, the peers
 * (every entry has let go of its own), then the counters.
 */
static void vtep_dev_free(struct net_device *dev)
{
	struct vtep_dev *vtep = netdev_priv(dev);

	vtep_fdb_free(vtep);
	vtep_neigh_free(vtep);
	vtep_elephant_free(vtep);
	vtep_route_destroy(&vtep->routes);
	vtep_alias_free(vtep);
	vtep_allow_free(vtep);
	vtep_peer_free(vtep);
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
	.ndo_fdb_add		= vtep_ndo_fdb_add,
	.ndo_fdb_del		= vtep_ndo_fdb_del,
	.ndo_fdb_dump		= vtep_ndo_fdb_dump,
};

static const struct ethtool_ops vtep_ethtool_ops = {
	.get_drvinfo		= vtep_stats_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_sset_count		= vtep_stats_sset_count,
	.get_strings		= vtep_stats_strings,
	.get_ethtool_stats	= vtep_stats_ethtool,
};

bool vtep_is_vtep(const struct net_device *dev)
{
	return dev->netdev_ops == &vtep_netdev_ops;
}

/* ---- the underlay device's life ---- */

/*
 * Follow the underlay devices: a new MTU resizes the vtep devices on top
 * (vtep_mtu_update()); one that goes away (deleted, or moved to another
 * namespace) takes them with it, as vlan, macvlan and vxlan do, since
 * their ifindex would name nothing, or another device, from then on.
 */
static int vtep_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct vtep_dev *vtep, *next;
	struct vtep_net *vn;
	LIST_HEAD(kill);

	if (event != NETDEV_CHANGEMTU && event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	vn = net_generic(dev_net(dev), vtep_net_id);
	list_for_each_entry_safe(vtep, next, &vn->devs, net_node) {
		if (vtep->lower != dev)
			continue;
		/*
		 * Unlinked now, even if the vtep goes in the same batch (a
		 * namespace's exit): the core checks @dev has no upper device
		 * left before the vtep's own uninit would unlink it.
		 */
		if (event == NETDEV_UNREGISTER)
			vtep_lower_set(vtep, NULL, NULL);
		if (vtep->dev->reg_state != NETREG_REGISTERED)
			continue;
		if (event == NETDEV_CHANGEMTU)
			vtep_mtu_update(vtep);
		else
			unregister_netdevice_queue(vtep->dev, &kill);
	}
	unregister_netdevice_many(&kill);
	return NOTIFY_DONE;
}

static struct notifier_block vtep_notifier = {
	.notifier_call = vtep_netdev_event,
};

int vtep_dev_notifier_init(void)
{
	return register_netdevice_notifier(&vtep_notifier);
}

void vtep_dev_notifier_uninit(void)
{
	unregister_netdevice_notifier(&vtep_notifier);
}

/* ---- setup ---- */

static struct device_type vtep_type = {
	.name = "vtep",
};

/* rtnl_link_ops.setup: a new device with the default settings */
void vtep_dev_setup(struct net_device *dev)
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
	seqcount_init(&vtep->cfg_seq);
	/*
	 * Miss events: 200 a second at most, per device, so one namespace's
	 * misses cannot silence another's. The suppressed count is reported
	 * on release, that is never: no log noise.
	 */
	ratelimit_state_init(&vtep->miss_rs, HZ, 200);
	ratelimit_set_flags(&vtep->miss_rs, RATELIMIT_MSG_ON_RELEASE);
	/* ICMP too-big replies (pmtu.c): 50 a second, as icmp_msgs_burst */
	ratelimit_state_init(&vtep->pmtu_rs, HZ, 50);
	ratelimit_set_flags(&vtep->pmtu_rs, RATELIMIT_MSG_ON_RELEASE);
}
