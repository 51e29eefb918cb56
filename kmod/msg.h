/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vtep: the netlink messages the module sends, replies, dumps and events,
 * and the attributes they carry. Included by the files that build or send
 * them (device.c, dump.c, events.c, msg.c, netlink.c, nl_tables.c,
 * rtnl.c), not by the datapath's.
 */
#ifndef VTEP_MSG_H
#define VTEP_MSG_H

#include "vtep.h"

/* dump.c: the replies of the commands that get, and the dumps */
int vtep_reply_link(struct genl_info *info, struct vtep_dev *vtep);
int vtep_reply_vni(struct genl_info *info, struct vtep_dev *vtep,
		   const struct vtep_vni *vni);
int vtep_reply_fdb(struct genl_info *info, struct vtep_dev *vtep,
		   const struct vtep_fdb_cfg *e);
int vtep_reply_peers(struct genl_info *info, struct vtep_dev *vtep,
		     const struct vtep_vni *vni);
int vtep_reply_stats(struct genl_info *info, struct vtep_dev *vtep,
		     const struct vtep_vni *vni);
int vtep_reply_aliases(struct genl_info *info, struct vtep_dev *vtep);
int vtep_dump_links(struct sk_buff *skb, struct netlink_callback *cb);
int vtep_dump_slots(struct sk_buff *skb, struct netlink_callback *cb);
int vtep_dump_fdb(struct sk_buff *skb, struct netlink_callback *cb);
int vtep_dump_flows(struct sk_buff *skb, struct netlink_callback *cb);

/* msg.c: the attributes of every reply and event */
struct vtep_link_field {		/* a setting sent and taken as is */
	u16 attr;
	u8 off, len;			/* in struct vtep_cfg */
};
extern const struct vtep_link_field vtep_link_fields[];
extern const unsigned int vtep_n_link_fields;
int vtep_msg_put_dev(struct sk_buff *skb, const struct net_device *dev);
int vtep_msg_put_link(struct sk_buff *skb, const struct vtep_dev *vtep);
size_t vtep_msg_link_size(void);
int vtep_msg_put_vni(struct sk_buff *skb, const struct vtep_vni *vni);
int vtep_msg_put_vni_id(struct sk_buff *skb, u32 id);
int vtep_msg_put_remote(struct sk_buff *skb, u32 vni,
			const struct vtep_addr *addr, u8 owner);
int vtep_msg_put_fdb(struct sk_buff *skb, const struct vtep_fdb_info *i,
		     bool age);
size_t vtep_msg_fdb_size(void);
int vtep_msg_put_peer(struct sk_buff *skb, u32 vni,
		      const struct vtep_addr *addr, u8 plen, int owner);
size_t vtep_msg_peer_size(void);
int vtep_msg_put_alias(struct sk_buff *skb, const struct vtep_addr *alias,
		       const struct vtep_addr *peer);
size_t vtep_msg_alias_size(void);
int vtep_msg_put_flow(struct sk_buff *skb, const struct vtep_flow_info *fi);
int vtep_msg_put_neigh(struct sk_buff *skb, u32 vni,
		       const struct vtep_addr *addr, const u8 *mac, u8 owner);
size_t vtep_msg_flow_size(void);

#endif /* VTEP_MSG_H */
