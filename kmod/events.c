// SPDX-License-Identifier: GPL-2.0
/*
 * The "vtep" generic netlink family and its "events" multicast group.
 *
 * This file owns the family so that the datapath (learning, ageing, misses)
 * can send notifications without depending on netlink.c; netlink.c hands
 * over its operations and policy when it registers the family.
 */
#include <linux/module.h>
#include <net/genetlink.h>

#include "vtep.h"
#include "msg.h"

enum vtep_mcgrp {
	VTEP_MCGRP_EVENTS_IDX,		/* index into vtep_mcgrps[] */
};

/*
 * Events only ever go to the device's namespace. They name tenants' MACs,
 * their underlay addresses and, in misses, whom tenants try to reach, as
 * it happens: where the kernel can (compat.h), listening needs CAP_NET_ADMIN
 * in the namespace's user namespace, like changing the tables. Other
 * kernels let any process of the namespace listen (the uapi says so).
 */
static const struct genl_multicast_group vtep_mcgrps[] = {
	[VTEP_MCGRP_EVENTS_IDX] = { .name = VTEP_MCGRP_EVENTS,
				    VTEP_MCGRP_NET_ADMIN },
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

/* The attributes every event starts with, and its one object. */
static size_t vtep_event_size(size_t obj)
{
	return nla_total_size(sizeof(u32))		/* VTEP_A_IFINDEX */
	     + nla_total_size(IFNAMSIZ)			/* VTEP_A_IFNAME */
	     + nla_total_size(sizeof(u8))		/* VTEP_A_EVENT */
	     + obj;
}

/*
 * Whether anyone listens to the device's events. A batch asks once, not
 * once an entry: a listener that joins meanwhile subscribed after the
 * batch was applied, and is owed none of its events.
 */
bool vtep_events_wanted(struct vtep_dev *vtep)
{
	return genl_has_listeners(&vtep_genl_family, dev_net(vtep->dev),
				  VTEP_MCGRP_EVENTS_IDX);
}

static struct sk_buff *vtep_event_start(struct vtep_dev *vtep,
					enum vtep_event ev, size_t obj,
					void **hdr, gfp_t gfp)
{
	struct sk_buff *skb;

	if (!vtep_events_wanted(vtep))
		return NULL;
	skb = genlmsg_new(vtep_event_size(obj), gfp);
	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &vtep_genl_family, 0, VTEP_CMD_EVENT);
	if (WARN_ON_ONCE(!*hdr || vtep_msg_put_dev(skb, vtep->dev) ||
			 nla_put_u8(skb, VTEP_A_EVENT, ev))) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

/* Sends, or on a failed fill (@err) drops what vtep_event_start() began. */
static void vtep_event_send(struct vtep_dev *vtep, struct sk_buff *skb,
			    void *hdr, int err, gfp_t gfp)
{
	if (WARN_ON_ONCE(err)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	/* -ESRCH when the last listener just left: nothing to report. */
	genlmsg_multicast_netns(&vtep_genl_family, dev_net(vtep->dev), skb, 0,
				VTEP_MCGRP_EVENTS_IDX, gfp);
}

/*
 * Tell listeners about an FDB entry, or a miss (type ANY). @gfp is
 * GFP_ATOMIC from softirq or under a lock. Events are best effort: a
 * listener that falls behind gets ENOBUFS and resynchronises with a dump.
 */
void vtep_event_fdb(struct vtep_dev *vtep, enum vtep_event ev,
		    const struct vtep_fdb_info *i, gfp_t gfp)
{
	struct sk_buff *skb;
	void *hdr;

	skb = vtep_event_start(vtep, ev, vtep_msg_fdb_size(), &hdr, gfp);
	if (skb)
		vtep_event_send(vtep, skb, hdr,
				vtep_msg_put_fdb(skb, i, false), gfp);
}

/* VTEP_A_VNI { ID } for VNI events; called under RTNL, may sleep. */
void vtep_event_vni(struct vtep_dev *vtep, enum vtep_event ev, u32 vni)
{
	struct sk_buff *skb;
	void *hdr;

	might_sleep();
	skb = vtep_event_start(vtep, ev, nla_total_size(0) +
			       nla_total_size(sizeof(u32)), &hdr, GFP_KERNEL);
	if (skb)
		vtep_event_send(vtep, skb, hdr, vtep_msg_put_vni_id(skb, vni),
				GFP_KERNEL);
}

/*
 * A frame of VNI @vni from @src, which the VNI does not accept (receive
 * path, softirq). The caller rate-limits: a stranger's flood must not
 * become a flood of events.
 */
void vtep_event_peer(struct vtep_dev *vtep, u32 vni,
		     const struct vtep_addr *src)
{
	struct sk_buff *skb;
	void *hdr;

	skb = vtep_event_start(vtep, VTEP_EVENT_PEER_REFUSED,
			       vtep_msg_peer_size(), &hdr, GFP_ATOMIC);
	if (skb)
		vtep_event_send(vtep, skb, hdr,
				vtep_msg_put_peer(skb, vni, src,
						  src->family == AF_INET6 ?
						  128 : 32, VTEP_OWNER_ANY),
				GFP_ATOMIC);
}

/* A new elephant flow (transmit path, softirq); the caller rate-limits. */
void vtep_event_elephant(struct vtep_dev *vtep,
			 const struct vtep_flow_info *fi)
{
	struct sk_buff *skb;
	void *hdr;

	skb = vtep_event_start(vtep, VTEP_EVENT_ELEPHANT, vtep_msg_flow_size(),
			       &hdr, GFP_ATOMIC);
	if (skb)
		vtep_event_send(vtep, skb, hdr, vtep_msg_put_flow(skb, fi),
				GFP_ATOMIC);
}
