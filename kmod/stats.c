// SPDX-License-Identifier: GPL-2.0
/*
 * Per-CPU counters, one set per device and one per VNI, indexed by enum
 * vtep_stat: traffic, learning, and every drop by its reason.
 */
#include <linux/ethtool.h>
#include <linux/percpu.h>

#include "vtep.h"

/* ethtool -S names, in the order of enum vtep_stat (the uapi order). */
const char vtep_stat_names[__VTEP_STAT_MAX][ETH_GSTRING_LEN] = {
	VTEP_STAT_NAMES
};

int vtep_stats_alloc(struct vtep_pcpu_stats __percpu **stats)
{
	struct vtep_pcpu_stats __percpu *s;
	int cpu;

	/* A device's or a VNI's: charged to the requester's memory cgroup */
	s = alloc_percpu_gfp(struct vtep_pcpu_stats, GFP_KERNEL_ACCOUNT);
	if (!s)
		return -ENOMEM;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(s, cpu)->syncp);
	*stats = s;
	return 0;
}

void vtep_stats_free(struct vtep_pcpu_stats __percpu *stats)
{
	free_percpu(stats);
}

static void vtep_stats_add_one(struct vtep_pcpu_stats __percpu *stats,
			       enum vtep_stat idx, u64 n)
{
	struct vtep_pcpu_stats *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	s->c[idx] += n;
	u64_stats_update_end(&s->syncp);
}

/*
 * Count @n on the device and, when @vni is given, on the VNI too.
 *
 * Callers run with bottom halves disabled: in softirq, in ndo_start_xmit, or
 * under spin_lock_bh(). That pins the CPU and keeps a softirq of this CPU
 * from interleaving its update with ours (which on 32-bit would also break
 * the syncp sequence), so the plain "+=" is safe.
 */
void vtep_stats_add(struct vtep_dev *vtep, struct vtep_vni *vni,
		    enum vtep_stat idx, u64 n)
{
	if (WARN_ON_ONCE(idx >= __VTEP_STAT_MAX))
		return;
	vtep_stats_add_one(vtep->stats, idx, n);
	if (vni)
		vtep_stats_add_one(vni->stats, idx, n);
}

void vtep_stats_inc(struct vtep_dev *vtep, struct vtep_vni *vni,
		    enum vtep_stat idx)
{
	vtep_stats_add(vtep, vni, idx, 1);
}

/*
 * The kernel's drop reason nearest each of ours, so that the skb:kfree_skb
 * tracepoint (perf trace, dropwatch, pwru, retis) says why a frame died. A
 * module cannot add reasons of its own; 6.12 has the VXLAN ones vxlan
 * uses, 6.1 only the core set (Kbuild probes for them). Where none fits
 * the reason is NOT_SPECIFIED and the counter of the same drop names it.
 */
#ifdef VTEP_HAVE_VXLAN_DROP_REASONS
#define R(vxlan, core)	SKB_DROP_REASON_##vxlan
#else
#define R(vxlan, core)	SKB_DROP_REASON_##core
#endif
static const enum skb_drop_reason vtep_skb_reasons[__VTEP_STAT_MAX] = {
	[VTEP_STAT_DROP_NO_VNI]		= R(VXLAN_VNI_NOT_FOUND, NOT_SPECIFIED),
	[VTEP_STAT_DROP_NO_ROUTE]	= SKB_DROP_REASON_IP_OUTNOROUTES,
	[VTEP_STAT_DROP_TOO_BIG]	= SKB_DROP_REASON_PKT_TOO_BIG,
	[VTEP_STAT_DROP_FLOOD_OFF]	= R(NO_TX_TARGET, NOT_SPECIFIED),
	[VTEP_STAT_DROP_NO_DEST]	= R(NO_TX_TARGET, NOT_SPECIFIED),
	[VTEP_STAT_DROP_TX_ERROR]	= SKB_DROP_REASON_NOMEM,
	[VTEP_STAT_DROP_BAD_FLAGS]	= R(VXLAN_INVALID_HDR, UNHANDLED_PROTO),
	[VTEP_STAT_DROP_BAD_RESERVED]	= R(VXLAN_INVALID_HDR, UNHANDLED_PROTO),
	[VTEP_STAT_DROP_TOO_SHORT]	= SKB_DROP_REASON_PKT_TOO_SMALL,
	[VTEP_STAT_DROP_UNKNOWN_VNI]	= R(VXLAN_VNI_NOT_FOUND, NOT_SPECIFIED),
	[VTEP_STAT_DROP_BAD_INNER]	= SKB_DROP_REASON_PKT_TOO_SMALL,
	[VTEP_STAT_DROP_LOOP]		= R(LOCAL_MAC, NOT_SPECIFIED),
	[VTEP_STAT_DROP_RX_ERROR]	= SKB_DROP_REASON_NOMEM,
	[VTEP_STAT_DROP_BAD_SRC_MAC]	= R(MAC_INVALID_SOURCE, NOT_SPECIFIED),
	[VTEP_STAT_DROP_PEER]		= SKB_DROP_REASON_NOT_SPECIFIED,
};

#undef R

/*
 * Drop @skb, counted under @idx (device and VNI) and freed with the
 * kernel's nearest reason, or with @why where the caller knows better.
 */
void vtep_drop(struct vtep_dev *vtep, struct vtep_vni *vni,
	       struct sk_buff *skb, enum vtep_stat idx,
	       enum skb_drop_reason why)
{
	BUILD_BUG_ON(ARRAY_SIZE(vtep_skb_reasons) != __VTEP_STAT_MAX);
	vtep_stats_inc(vtep, vni, idx);	/* WARNs on an index out of range */
	if (why == SKB_NOT_DROPPED_YET && idx < __VTEP_STAT_MAX)
		why = vtep_skb_reasons[idx];
	/* a counter that is no drop has no reason in the table: 0 */
	kfree_skb_reason(skb, why ?: SKB_DROP_REASON_NOT_SPECIFIED);
}

static void vtep_stats_pkt_one(struct vtep_pcpu_stats __percpu *stats,
			       enum vtep_stat idx, unsigned int len)
{
	struct vtep_pcpu_stats *s = this_cpu_ptr(stats);

	u64_stats_update_begin(&s->syncp);
	s->c[idx]++;
	s->c[idx + 1] += len;
	u64_stats_update_end(&s->syncp);
}

/*
 * One packet of @len bytes sent or delivered: @idx is VTEP_STAT_TX_PACKETS
 * or VTEP_STAT_RX_PACKETS, its byte counter the next one. One update per
 * set of counters instead of two, on the path every packet takes.
 */
void vtep_stats_packet(struct vtep_dev *vtep, struct vtep_vni *vni,
		       enum vtep_stat idx, unsigned int len)
{
	BUILD_BUG_ON(VTEP_STAT_TX_BYTES != VTEP_STAT_TX_PACKETS + 1 ||
		     VTEP_STAT_RX_BYTES != VTEP_STAT_RX_PACKETS + 1);
	vtep_stats_pkt_one(vtep->stats, idx, len);
	vtep_stats_pkt_one(vni->stats, idx, len);
}

/* Sum every CPU's counters into @out (a reader: never blocks writers). */
void vtep_stats_sum(const struct vtep_pcpu_stats __percpu *stats,
		    u64 out[__VTEP_STAT_MAX])
{
	u64 snap[__VTEP_STAT_MAX];
	unsigned int start, i;
	int cpu;

	memset(out, 0, sizeof(u64) * __VTEP_STAT_MAX);
	for_each_possible_cpu(cpu) {
		const struct vtep_pcpu_stats *s = per_cpu_ptr(stats, cpu);

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			memcpy(snap, s->c, sizeof(snap));
		} while (u64_stats_fetch_retry(&s->syncp, start));
		for (i = 0; i < __VTEP_STAT_MAX; i++)
			out[i] += snap[i];
	}
}

/*
 * Write the counters as a nest @attrtype holding one attribute per counter:
 * attribute type i carries counter i of enum vtep_stat, as the uapi says.
 *
 * Encoding: each counter is a plain 8-byte attribute written with nla_put(),
 * without the 64-bit alignment padding nla_put_u64_64bit() would insert.
 * That padding needs a pad attribute type of its own, and every type of this
 * nest, 0 included, is a counter. So a counter's payload is only 4-byte
 * aligned: readers copy it out (libmnl's mnl_attr_get_u64() does a memcpy)
 * rather than dereference a u64 pointer.
 */
int vtep_stats_fill(struct sk_buff *skb, int attrtype,
		    const struct vtep_pcpu_stats __percpu *stats)
{
	u64 c[__VTEP_STAT_MAX];
	struct nlattr *nest;
	int i;

	vtep_stats_sum(stats, c);
	nest = nla_nest_start(skb, attrtype);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < __VTEP_STAT_MAX; i++) {
		if (nla_put(skb, i, sizeof(u64), &c[i])) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* The netdev view: standard counters summed from the per-reason ones. */
void vtep_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s)
{
	struct vtep_dev *vtep = netdev_priv(dev);
	u64 c[__VTEP_STAT_MAX];

	vtep_stats_sum(vtep->stats, c);
	s->tx_packets = c[VTEP_STAT_TX_PACKETS];
	s->tx_bytes = c[VTEP_STAT_TX_BYTES];
	s->rx_packets = c[VTEP_STAT_RX_PACKETS];
	s->rx_bytes = c[VTEP_STAT_RX_BYTES];
	s->tx_dropped = c[VTEP_STAT_DROP_NO_VNI] + c[VTEP_STAT_DROP_NO_ROUTE] +
			c[VTEP_STAT_DROP_TOO_BIG] + c[VTEP_STAT_DROP_FLOOD_OFF] +
			c[VTEP_STAT_DROP_NO_DEST] + c[VTEP_STAT_DROP_TX_ERROR];
	s->tx_carrier_errors = c[VTEP_STAT_DROP_NO_ROUTE];
	s->rx_dropped = c[VTEP_STAT_DROP_UNKNOWN_VNI] +
			c[VTEP_STAT_DROP_BAD_INNER] + c[VTEP_STAT_DROP_LOOP] +
			c[VTEP_STAT_DROP_RX_ERROR] +
			c[VTEP_STAT_DROP_BAD_SRC_MAC] + c[VTEP_STAT_DROP_PEER];
	s->rx_frame_errors = c[VTEP_STAT_DROP_BAD_FLAGS] +
			     c[VTEP_STAT_DROP_BAD_RESERVED] +
			     c[VTEP_STAT_DROP_TOO_SHORT];
	s->rx_errors = s->rx_frame_errors;
}

/* ethtool -S: every counter by name (device.c wires these in) */
void vtep_stats_drvinfo(struct net_device *dev, struct ethtool_drvinfo *info)
{
	strscpy(info->driver, "vtep", sizeof(info->driver));
	strscpy(info->version, "1", sizeof(info->version));
}

int vtep_stats_sset_count(struct net_device *dev, int sset)
{
	return sset == ETH_SS_STATS ? __VTEP_STAT_MAX : -EOPNOTSUPP;
}

void vtep_stats_strings(struct net_device *dev, u32 sset, u8 *buf)
{
	if (sset == ETH_SS_STATS)
		memcpy(buf, vtep_stat_names, sizeof(vtep_stat_names));
}

void vtep_stats_ethtool(struct net_device *dev, struct ethtool_stats *stats,
			u64 *data)
{
	struct vtep_dev *vtep = netdev_priv(dev);

	vtep_stats_sum(vtep->stats, data);
}
