/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The underlay (underlay.c): the per-namespace state, the shared UDP
 * sockets with the VNIs each carries, and multicast joins. Included by
 * vtep.h, after the structs the functions take.
 */
#ifndef _VTEP_UNDERLAY_H
#define _VTEP_UNDERLAY_H

/* underlay.c: the per-netns state, shared UDP sockets, multicast joins */
extern unsigned int vtep_net_id;
struct vtep_net {
	struct list_head devs;		/* vtep_dev whose net is this one, RTNL */
	struct list_head socks;		/* vtep_sock, under RTNL */
};

/* What the file above hands the underlay's sockets (rx.c's functions) */
struct vtep_underlay_ops {
	int (*encap_rcv)(struct sock *sk, struct sk_buff *skb);
	struct sk_buff *(*gro_receive)(struct sock *sk, struct list_head *head,
				       struct sk_buff *skb);
	int (*gro_complete)(struct sock *sk, struct sk_buff *skb, int nhoff);
};

struct vtep_sock {
	struct list_head node;		/* vtep_net->socks, under RTNL */
	struct socket *sock;
	const struct vtep_underlay_ops *ops;
	struct list_head devs;		/* vtep_dev.sock_node, RCU */
	struct rhashtable vnis;		/* vtep_vni.snode by id, RTNL + RCU */
	struct vtep_addr local;
	__be16 port;
	bool zero_csum6_rx;		/* IPv6: accept zero UDP checksums */
	u8 nlocals;			/* local, and more[0, nlocals - 1) */
	struct vtep_addr more[VTEP_LOCAL_ADDRS_MAX - 1];
	struct socket *more_sock[VTEP_LOCAL_ADDRS_MAX - 1];	/* receive only */
	int refcnt;			/* under RTNL */
	struct list_head groups;	/* joined groups, under RTNL */
	struct rcu_head rcu;
};
int vtep_underlay_open(struct vtep_dev *vtep,
		       const struct vtep_underlay_ops *ops);
void vtep_underlay_close(struct vtep_dev *vtep);
int vtep_underlay_claim(struct vtep_dev *vtep, struct vtep_vni *vni,
			struct netlink_ext_ack *extack);
void vtep_underlay_unclaim(struct vtep_dev *vtep, struct vtep_vni *vni);

/* the socket's VNIs, one device each (vtep_underlay_claim()) */
static const struct rhashtable_params vtep_sock_vni_params =
	VTEP_VNI_ID_PARAMS(snode);

/*
 * Receive, under RCU: the VNI @id of the socket, its device in ->vtep.
 * Inline: rx.c looks it up for every frame.
 */
static inline struct vtep_vni *vtep_underlay_vni(struct vtep_sock *vs, u32 id)
{
	return rhashtable_lookup(&vs->vnis, &id, vtep_sock_vni_params);
}
struct vtep_group *vtep_underlay_join(struct vtep_dev *vtep,
				      const struct vtep_addr *group);
void vtep_underlay_leave(struct vtep_dev *vtep, struct vtep_group *g);

#endif /* _VTEP_UNDERLAY_H */
