// SPDX-License-Identifier: GPL-2.0
/*
 * The attributes of every message vtep sends: replies, dumps, events and
 * rtnetlink's IFLA_INFO_DATA. Each object is written by one function here,
 * so a reply and an event about it say the same thing the same way.
 *
 * Callers hold what keeps the object stable: RTNL for configuration, and
 * an FDB entry is copied first (struct vtep_fdb_info).
 */
#include <linux/etherdevice.h>
#include <net/netlink.h>

#include "vtep.h"
#include "msg.h"

#define FIELD(a, f) { .attr = (a), .off = offsetof(struct vtep_cfg, f), \
		      .len = sizeof_field(struct vtep_cfg, f) }

/*
 * The settings that travel as they are stored, in the order messages carry
 * them: netlink.c takes them from a request with the same table. Each
 * field's size is its attribute's (u8 for the booleans).
 */
const struct vtep_link_field vtep_link_fields[] = {
	FIELD(VTEP_LINK_A_PORT, port),
	FIELD(VTEP_LINK_A_UNDERLAY, underlay),
	FIELD(VTEP_LINK_A_TTL, ttl),
	FIELD(VTEP_LINK_A_TOS, tos),
	FIELD(VTEP_LINK_A_DF, df),
	FIELD(VTEP_LINK_A_LEARNING, learning),
	FIELD(VTEP_LINK_A_AGEING, ageing),
	FIELD(VTEP_LINK_A_FDB_MAX, fdb_max),
	FIELD(VTEP_LINK_A_PORT_MIN, port_min),
	FIELD(VTEP_LINK_A_PORT_MAX, port_max),
	FIELD(VTEP_LINK_A_UDP_CSUM, udp_csum),
	FIELD(VTEP_LINK_A_MOVE_NOTICE, move_notice),
	FIELD(VTEP_LINK_A_UDP6_ZERO_CSUM_RX, udp6_zero_csum_rx),
	FIELD(VTEP_LINK_A_LEARN_MAX, learn_max),
	FIELD(VTEP_LINK_A_PEER_MAX, peer_max),
	FIELD(VTEP_LINK_A_REMOTE_MAX, remote_max),
	FIELD(VTEP_LINK_A_RESTEER, resteer),
	FIELD(VTEP_LINK_A_FLOWLET_GAP, flowlet_gap),
	FIELD(VTEP_LINK_A_SAMPLE, sample),
	FIELD(VTEP_LINK_A_ELEPHANT_RATE, elephant_rate),
	FIELD(VTEP_LINK_A_LEARN_MAX_DEV, learn_max_dev),
};

const unsigned int vtep_n_link_fields = ARRAY_SIZE(vtep_link_fields);

/* The device a message is about: VTEP_A_IFINDEX and VTEP_A_IFNAME */
int vtep_msg_put_dev(struct sk_buff *skb, const struct net_device *dev)
{
	if (nla_put_u32(skb, VTEP_A_IFINDEX, dev->ifindex) ||
	    nla_put_string(skb, VTEP_A_IFNAME, dev->name))
		return -EMSGSIZE;
	return 0;
}

/* VTEP_LINK_A_LOCALS { ADDR(6) ... }: every local address, the primary first */
static int locals_put(struct sk_buff *skb, const struct vtep_cfg *cfg)
{
	struct nlattr *nest = nla_nest_start(skb, VTEP_LINK_A_LOCALS);
	unsigned int i, n;

	if (!nest)
		return -EMSGSIZE;
	/* A dump reads it under cfg_seq, which retries a torn copy. */
	n = min_t(unsigned int, READ_ONCE(cfg->nlocals), VTEP_LOCAL_ADDRS_MAX);
	for (i = 0; i < n; i++)
		if (vtep_addr_put(skb, VTEP_LOCAL_A_ADDR, VTEP_LOCAL_A_ADDR6,
				  vtep_cfg_local(cfg, i)))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* The device's settings and counts, the inside of VTEP_A_LINK. */
int vtep_msg_put_link(struct sk_buff *skb, const struct vtep_dev *vtep)
{
	const struct vtep_link_field *f;
	unsigned int i;

	/* The table's byte offsets and the booleans sent as u8 */
	BUILD_BUG_ON(sizeof(struct vtep_cfg) > U8_MAX);
	BUILD_BUG_ON(sizeof(bool) != sizeof(u8));
	if (vtep_addr_put(skb, VTEP_LINK_A_LOCAL, VTEP_LINK_A_LOCAL6,
			  &vtep->cfg.local))
		return -EMSGSIZE;
	if (vtep->cfg.nlocals > 1 && locals_put(skb, &vtep->cfg))
		return -EMSGSIZE;
	for (i = 0; i < vtep_n_link_fields; i++) {
		f = &vtep_link_fields[i];
		if (nla_put(skb, f->attr, f->len, (const u8 *)&vtep->cfg + f->off))
			return -EMSGSIZE;
	}
	if (nla_put_u32(skb, VTEP_LINK_A_FDB_COUNT,
			atomic_read(&vtep->fdb_count)) ||
	    nla_put_u32(skb, VTEP_LINK_A_VNI_COUNT, READ_ONCE(vtep->vni_count)))
		return -EMSGSIZE;
	return 0;
}

size_t vtep_msg_link_size(void)
{
	size_t size = nla_total_size(sizeof(struct in6_addr)) +	/* LOCAL(6) */
		      nla_total_size(sizeof(u32)) * 2 +	/* FDB_, VNI_COUNT */
		      nla_total_size(0) +			/* LOCALS */
		      nla_total_size(sizeof(struct in6_addr)) *	/* its ADDR(6) */
		      VTEP_LOCAL_ADDRS_MAX;
	unsigned int i;

	for (i = 0; i < vtep_n_link_fields; i++)
		size += nla_total_size(vtep_link_fields[i].len);
	return size;
}

/* VTEP_A_VNI { ID, VLAN or UNTAGGED, GROUP(6), FLOOD, counts }; RTNL */
int vtep_msg_put_vni(struct sk_buff *skb, const struct vtep_vni *vni)
{
	struct nlattr *nest = nla_nest_start(skb, VTEP_A_VNI);

	if (!nest || nla_put_u32(skb, VTEP_VNI_A_ID, vni->id) ||
	    (vni->vlan ? nla_put_u16(skb, VTEP_VNI_A_VLAN, vni->vlan) :
			 nla_put_flag(skb, VTEP_VNI_A_UNTAGGED)) ||
	    vtep_addr_put(skb, VTEP_VNI_A_GROUP, VTEP_VNI_A_GROUP6,
			  vtep_vni_group(vni)) ||
	    nla_put_u8(skb, VTEP_VNI_A_FLOOD, READ_ONCE(vni->flood)) ||
	    nla_put_u8(skb, VTEP_VNI_A_PEERS, READ_ONCE(vni->peers)) ||
	    nla_put_u8(skb, VTEP_VNI_A_SUPPRESS, READ_ONCE(vni->suppress)) ||
	    nla_put_u32(skb, VTEP_VNI_A_NEIGHS, READ_ONCE(vni->nneighs)) ||
	    nla_put_u32(skb, VTEP_VNI_A_REMOTES, READ_ONCE(vni->nremotes)) ||
	    nla_put_u32(skb, VTEP_VNI_A_FDB_COUNT,
			atomic_read(&vni->fdb_count)) ||
	    nla_put_u32(skb, VTEP_VNI_A_LEARNED, atomic_read(&vni->learned)) ||
	    vtep_stats_fill(skb, VTEP_VNI_A_STATS, vni->stats))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* VTEP_A_VNI { ID }: the VNI of an event or of counters */
int vtep_msg_put_vni_id(struct sk_buff *skb, u32 id)
{
	struct nlattr *nest = nla_nest_start(skb, VTEP_A_VNI);

	if (!nest || nla_put_u32(skb, VTEP_VNI_A_ID, id))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* VTEP_A_REMOTE { VNI, ADDR(6), OWNER }: one entry of a replication list */
int vtep_msg_put_remote(struct sk_buff *skb, u32 vni,
			const struct vtep_addr *addr, u8 owner)
{
	struct nlattr *nest = nla_nest_start(skb, VTEP_A_REMOTE);

	if (!nest || nla_put_u32(skb, VTEP_REMOTE_A_VNI, vni) ||
	    vtep_addr_put(skb, VTEP_REMOTE_A_ADDR, VTEP_REMOTE_A_ADDR6, addr) ||
	    nla_put_u8(skb, VTEP_REMOTE_A_OWNER, owner))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * VTEP_A_PEER { VNI, ADDR|ADDR6, PREFIX, [OWNER] }: an allowance, or
 * (@owner VTEP_OWNER_ANY: none) a refused source
 */
int vtep_msg_put_peer(struct sk_buff *skb, u32 vni,
		      const struct vtep_addr *addr, u8 plen, int owner)
{
	struct nlattr *nest = nla_nest_start(skb, VTEP_A_PEER);

	if (!nest || nla_put_u32(skb, VTEP_PEER_A_VNI, vni) ||
	    vtep_addr_put(skb, VTEP_PEER_A_ADDR, VTEP_PEER_A_ADDR6, addr) ||
	    nla_put_u8(skb, VTEP_PEER_A_PREFIX, plen) ||
	    (owner != VTEP_OWNER_ANY &&
	     nla_put_u8(skb, VTEP_PEER_A_OWNER, owner)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* VTEP_A_NEIGH { VNI, ADDR|ADDR6, LLADDR, OWNER }: one overlay neighbour */
int vtep_msg_put_neigh(struct sk_buff *skb, u32 vni,
		       const struct vtep_addr *addr, const u8 *mac, u8 owner)
{
	struct nlattr *nest = nla_nest_start(skb, VTEP_A_NEIGH);

	if (!nest || nla_put_u32(skb, VTEP_NEIGH_A_VNI, vni) ||
	    vtep_addr_put(skb, VTEP_NEIGH_A_ADDR, VTEP_NEIGH_A_ADDR6, addr) ||
	    nla_put(skb, VTEP_NEIGH_A_LLADDR, ETH_ALEN, mac) ||
	    nla_put_u8(skb, VTEP_NEIGH_A_OWNER, owner))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

size_t vtep_msg_peer_size(void)
{
	return nla_total_size(0)				/* VTEP_A_PEER */
	     + nla_total_size(sizeof(u32))			/* VNI */
	     + nla_total_size(sizeof(struct in6_addr))	/* ADDR(6) */
	     + nla_total_size(sizeof(u8))			/* PREFIX */
	     + nla_total_size(sizeof(u8));			/* OWNER */
}

/* VTEP_A_ALIAS { ADDR|ADDR6, PEER|PEER6 }: another address of a peer */
int vtep_msg_put_alias(struct sk_buff *skb, const struct vtep_addr *alias,
		       const struct vtep_addr *peer)
{
	struct nlattr *nest = nla_nest_start(skb, VTEP_A_ALIAS);

	if (!nest ||
	    vtep_addr_put(skb, VTEP_ALIAS_A_ADDR, VTEP_ALIAS_A_ADDR6, alias) ||
	    vtep_addr_put(skb, VTEP_ALIAS_A_PEER, VTEP_ALIAS_A_PEER6, peer))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

size_t vtep_msg_alias_size(void)
{
	return nla_total_size(0)				/* VTEP_A_ALIAS */
	     + nla_total_size(sizeof(struct in6_addr)) * 2;	/* ADDR(6), PEER(6) */
}

/*
 * VTEP_A_FDB { VNI, MAC, [DST(6), TYPE, OWNER], [AGE] }. A miss (type ANY)
 * has no entry behind it, so no destination, type or owner; @age adds the
 * age of a learned entry (dumps and gets; events do not carry it). A
 * learned entry's owner is the kernel, whatever the copy says.
 */
int vtep_msg_put_fdb(struct sk_buff *skb, const struct vtep_fdb_info *i,
		     bool age)
{
	struct nlattr *nest = nla_nest_start(skb, VTEP_A_FDB);

	if (!nest || nla_put_u32(skb, VTEP_FDB_A_VNI, i->vni) ||
	    nla_put(skb, VTEP_FDB_A_MAC, ETH_ALEN, i->mac))
		return -EMSGSIZE;
	if (i->type != VTEP_FDB_TYPE_ANY &&
	    (vtep_addr_put(skb, VTEP_FDB_A_DST, VTEP_FDB_A_DST6, &i->dst) ||
	     nla_put_u8(skb, VTEP_FDB_A_TYPE, i->type) ||
	     nla_put_u8(skb, VTEP_FDB_A_OWNER,
			i->type == VTEP_FDB_TYPE_LEARNED ? VTEP_OWNER_KERNEL :
							   i->owner)))
		return -EMSGSIZE;
	if (age && i->type == VTEP_FDB_TYPE_LEARNED &&
	    nla_put_u32(skb, VTEP_FDB_A_AGE, i->age))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* The room vtep_msg_put_fdb() takes at most */
size_t vtep_msg_fdb_size(void)
{
	return nla_total_size(0)				/* VTEP_A_FDB */
	     + nla_total_size(sizeof(u32))			/* VNI */
	     + nla_total_size(ETH_ALEN)				/* MAC */
	     + nla_total_size(sizeof(struct in6_addr))		/* DST(6) */
	     + nla_total_size(sizeof(u8))			/* TYPE */
	     + nla_total_size(sizeof(u8))			/* OWNER */
	     + nla_total_size(sizeof(u32));			/* AGE */
}

/*
 * VTEP_A_FLOW { VNI, PROTO, SRC(6), DST(6), SPORT, DPORT or SRC_MAC,
 * DST_MAC, RATE, OUTER_SPORT, OUTER_SRC(6), MOVES }: an elephant. The
 * rate is a u64 without a pad attribute, as counters are.
 */
int vtep_msg_put_flow(struct sk_buff *skb, const struct vtep_flow_info *fi)
{
	struct nlattr *nest = nla_nest_start(skb, VTEP_A_FLOW);
	const struct vtep_flow_tuple *t = &fi->t;

	if (!nest || nla_put_u32(skb, VTEP_FLOW_A_VNI, fi->vni))
		return -EMSGSIZE;
	if (t->src.family == AF_UNSPEC) {
		if (nla_put(skb, VTEP_FLOW_A_SRC_MAC, ETH_ALEN, t->smac) ||
		    nla_put(skb, VTEP_FLOW_A_DST_MAC, ETH_ALEN, t->dmac))
			return -EMSGSIZE;
	} else if (nla_put_u8(skb, VTEP_FLOW_A_PROTO, t->proto) ||
		   vtep_addr_put(skb, VTEP_FLOW_A_SRC, VTEP_FLOW_A_SRC6,
				 &t->src) ||
		   vtep_addr_put(skb, VTEP_FLOW_A_DST, VTEP_FLOW_A_DST6,
				 &t->dst) ||
		   nla_put_be16(skb, VTEP_FLOW_A_SPORT, t->sport) ||
		   nla_put_be16(skb, VTEP_FLOW_A_DPORT, t->dport)) {
		return -EMSGSIZE;
	}
	if (nla_put(skb, VTEP_FLOW_A_RATE, sizeof(fi->rate), &fi->rate) ||
	    nla_put_be16(skb, VTEP_FLOW_A_OUTER_SPORT, fi->outer_sport) ||
	    vtep_addr_put(skb, VTEP_FLOW_A_OUTER_SRC, VTEP_FLOW_A_OUTER_SRC6,
			  &fi->outer_src) ||
	    nla_put_u32(skb, VTEP_FLOW_A_MOVES, fi->moves))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* The room vtep_msg_put_flow() takes at most */
size_t vtep_msg_flow_size(void)
{
	return nla_total_size(0)				/* VTEP_A_FLOW */
	     + nla_total_size(sizeof(u32))			/* VNI */
	     + nla_total_size(sizeof(u8))			/* PROTO */
	     + nla_total_size(sizeof(struct in6_addr)) * 2	/* SRC(6), DST(6) */
	     + nla_total_size(sizeof(__be16)) * 2		/* SPORT, DPORT */
	     + nla_total_size(sizeof(u64))			/* RATE */
	     + nla_total_size(sizeof(__be16))			/* OUTER_SPORT */
	     + nla_total_size(sizeof(struct in6_addr))		/* OUTER_SRC(6) */
	     + nla_total_size(sizeof(u32));			/* MOVES */
}
