// SPDX-License-Identifier: GPL-2.0
/*
 * The "vtep" generic netlink family and its "events" multicast group.
 *
 * This file owns the family so that the datapath (learning, ageing, misses)
 * can send notifications without depending on netlink.c; netlink.c hands
 * over its operations and policy when it registers the family.
 */
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <net/genetlink.h>

#include "vtep.h"

enum vtep_mcgrp {
	VTEP_MCGRP_EVENTS_IDX,		/* index into vtep_mcgrps[] */
};

/*
 * Listening needs no privilege, like dumping the tables (the uapi: "those
 * that get need nothing"); events only ever go to the device's namespace.
 */
static const struct genl_multicast_group vtep_mcgrps[] = {
	[VTEP_MCGRP_EVENTS_IDX] = { .name = VTEP_MCGRP_EVENTS },
};

/* Filled in at module init by vtep_events_register(), read-only after. */
struct genl_family vtep_genl_family __ro_after_init = {
	.name		= VTEP_GENL_NAME,
	.version	= VTEP_GENL_VERSION,
	.netnsok	= true,
	.parallel_ops	= false,	/* every op runs under genl_mutex */
	.mcgrps		= vtep_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(vtep_mcgrps),
	/* every command is new: strict attribute and header validation */
	.resv_start_op	= VTEP_CMD_MAX + 1,
	.module		= THIS_MODULE,
};

int vtep_events_register(const struct genl_ops *ops, unsigned int n_ops,
			 const struct nla_policy *policy, unsigned int maxattr)
{
	if (WARN_ON(n_ops > U8_MAX))
		return -EINVAL;
	vtep_genl_family.ops = ops;
	vtep_genl_family.n_ops = n_ops;
	vtep_genl_family.policy = policy;
	vtep_genl_family.maxattr = maxattr;
	return genl_register_family(&vtep_genl_family);
}

void vtep_events_unregister(void)
{
	genl_unregister_family(&vtep_genl_family);
}

int vtep_nla_put_addr(struct sk_buff *skb, int attr4, int attr6,
		      const struct vtep_addr *a)
{
	switch (a->family) {
	case AF_INET:
		return nla_put_in_addr(skb, attr4, a->ip4);
	case AF_INET6:
		return nla_put_in6_addr(skb, attr6, &a->ip6);
	}
	return 0;		/* no address: no attribute */
}

static bool vtep_events_wanted(struct vtep_dev *vtep)
{
	return genl_has_listeners(&vtep_genl_family, dev_net(vtep->dev),
				  VTEP_MCGRP_EVENTS_IDX);
}

/* The attributes every event starts with. */
static size_t vtep_event_hdr_size(void)
{
	return nla_total_size(sizeof(u32))		/* VTEP_A_IFINDEX */
	     + nla_total_size(IFNAMSIZ)			/* VTEP_A_IFNAME */
	     + nla_total_size(sizeof(u8));		/* VTEP_A_EVENT */
}

static size_t vtep_event_fdb_size(void)
{
	return vtep_event_hdr_size()
	     + nla_total_size(0)			/* VTEP_A_FDB nest */
	     + nla_total_size(sizeof(u32))		/* VTEP_FDB_A_VNI */
	     + nla_total_size(ETH_ALEN)			/* VTEP_FDB_A_MAC */
	     + nla_total_size(sizeof(struct in6_addr))	/* DST or DST6 */
	     + nla_total_size(sizeof(u8));		/* VTEP_FDB_A_TYPE */
}

static size_t vtep_event_vni_size(void)
{
	return vtep_event_hdr_size()
	     + nla_total_size(0)			/* VTEP_A_VNI nest */
	     + nla_total_size(sizeof(u32));		/* VTEP_VNI_A_ID */
}

static void *vtep_event_start(struct sk_buff *skb, struct vtep_dev *vtep,
			      enum vtep_event ev)
{
	void *hdr;

	hdr = genlmsg_put(skb, 0, 0, &vtep_genl_family, 0, VTEP_CMD_EVENT);
	if (!hdr)
		return NULL;
	if (nla_put_u32(skb, VTEP_A_IFINDEX, vtep->dev->ifindex) ||
	    nla_put_string(skb, VTEP_A_IFNAME, vtep->dev->name) ||
	    nla_put_u8(skb, VTEP_A_EVENT, ev))
		return NULL;
	return hdr;
}

static void vtep_event_send(struct vtep_dev *vtep, struct sk_buff *skb,
			    void *hdr, gfp_t gfp)
{
	genlmsg_end(skb, hdr);
	/* -ESRCH when the last listener just left: nothing to report. */
	genlmsg_multicast_netns(&vtep_genl_family, dev_net(vtep->dev), skb, 0,
				VTEP_MCGRP_EVENTS_IDX, gfp);
}

static int vtep_event_fdb_fill(struct sk_buff *skb, u32 vni, const u8 *mac,
			       const struct vtep_addr *dst, u8 flags)
{
	struct nlattr *nest;
	u8 type;

	nest = nla_nest_start(skb, VTEP_A_FDB);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, VTEP_FDB_A_VNI, vni) ||
	    nla_put(skb, VTEP_FDB_A_MAC, ETH_ALEN, mac))
		return -EMSGSIZE;
	/* A miss has no entry behind it: no destination, no type. */
	if (dst) {
		type = flags & VTEP_FDB_STATIC ? VTEP_FDB_TYPE_STATIC :
						 VTEP_FDB_TYPE_LEARNED;
		if (vtep_nla_put_addr(skb, VTEP_FDB_A_DST, VTEP_FDB_A_DST6,
				      dst) ||
		    nla_put_u8(skb, VTEP_FDB_A_TYPE, type))
			return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Tell listeners about an FDB entry: VTEP_A_FDB { VNI, MAC, [DST|DST6,
 * TYPE] }. @dst is NULL for a miss. @gfp is GFP_ATOMIC from softirq or
 * under a lock. Events are best effort: a listener that falls behind gets
 * ENOBUFS and resynchronises with a dump.
 */
void vtep_event_fdb(struct vtep_dev *vtep, enum vtep_event ev, u32 vni,
		    const u8 *mac, const struct vtep_addr *dst, u8 flags,
		    gfp_t gfp)
{
	struct sk_buff *skb;
	void *hdr;

	if (!vtep_events_wanted(vtep))
		return;
	skb = genlmsg_new(vtep_event_fdb_size(), gfp);
	if (!skb)
		return;
	hdr = vtep_event_start(skb, vtep, ev);
	if (WARN_ON_ONCE(!hdr ||
			 vtep_event_fdb_fill(skb, vni, mac, dst, flags))) {
		nlmsg_free(skb);
		return;
	}
	vtep_event_send(vtep, skb, hdr, gfp);
}

/* VTEP_A_VNI { ID } for VNI events; called under RTNL, may sleep. */
void vtep_event_vni(struct vtep_dev *vtep, enum vtep_event ev, u32 vni)
{
	struct sk_buff *skb;
	struct nlattr *nest;
	void *hdr;

	might_sleep();
	if (!vtep_events_wanted(vtep))
		return;
	skb = genlmsg_new(vtep_event_vni_size(), GFP_KERNEL);
	if (!skb)
		return;
	hdr = vtep_event_start(skb, vtep, ev);
	nest = hdr ? nla_nest_start(skb, VTEP_A_VNI) : NULL;
	if (WARN_ON_ONCE(!nest || nla_put_u32(skb, VTEP_VNI_A_ID, vni))) {
		nlmsg_free(skb);
		return;
	}
	nla_nest_end(skb, nest);
	vtep_event_send(vtep, skb, hdr, GFP_KERNEL);
}
