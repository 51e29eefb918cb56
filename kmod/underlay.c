// SPDX-License-Identifier: GPL-2.0
/*
 * The underlay: the per-namespace state, UDP sockets and multicast
 * memberships. Knows no datapath and parses no VXLAN header: device.c hands
 * it the socket callbacks (rx.c's receive and GRO) when the device opens.
 *
 * One socket per (namespace, family, local address, port), shared by every
 * vtep device with that configuration, found on the namespace's list under
 * RTNL. Its receive options (IPv6 zero checksums) are the first device's;
 * a device that wants others cannot share it, and cannot open. A device with a local address gets a socket bound to that address,
 * so tunnel packets for the host's other addresses are not ours to take.
 * A device with several local addresses (cfg.more) gets one more socket
 * bound to each, delivering to the same vtep_sock: a wildcard socket
 * would take the host's other addresses too. Such a vtep_sock is shared
 * only by devices with the very same list.
 *
 * Such a bound socket does not see multicast: UDP hands a datagram sent to
 * a group only to sockets bound to the wildcard or to the group itself. So
 * on a bound socket each joined group gets a receive-only socket of its own,
 * bound to the group address (with SO_REUSEPORT semantics, so other sockets
 * of other local addresses can bind the same group and each gets a copy,
 * see vtep_sock_bind()), delivering to the same vtep_sock. A wildcard socket joins groups itself.
 *
 * Teardown: a device leaves vs->devs (RCU) and waits a grace period before
 * its close returns, so no receiver still holds it. The last device out
 * releases the sockets; udp_tunnel_sock_release() waits for receivers that
 * still hold the vtep_sock through sk_user_data.
 */
#include <linux/igmp.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/netns/generic.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "vtep.h"

unsigned int vtep_net_id __read_mostly;

/*
 * A multicast membership of a socket, shared by the VNIs (of any device on
 * the socket) that joined it: each VNI that joined holds one count and the
 * pointer (vni->mc), so a rollback or a leave undoes only its own join.
 */
struct vtep_group {
	struct list_head node;		/* vtep_sock.groups, under RTNL */
	struct vtep_addr addr;
	int ifindex;			/* asked for: the device's cfg.underlay */
	int joined_ifindex;		/* IPv4: the device the join resolved */
	int refcnt;
	struct socket *sock;		/* own socket, or NULL: joined on vs->sock */
};

/* ---- sockets ---- */

/*
 * A UDP socket bound to @addr:@port (and to @ifindex if not 0). @reuse lets
 * several of our sockets bind the same multicast group: SO_REUSEPORT, not
 * SO_REUSEADDR, which would let any process of the namespace bind the
 * group and port too, join the group, and read a copy of every frame
 * tenants flood (tests/topo/group_reuse.sh). SO_REUSEPORT admits only
 * sockets of the same owner: ours are all made root's of the initial user
 * namespace, whoever opened the device, so they always share, and no one
 * else can join them. (Multicast UDP gives every bound socket a copy;
 * SO_REUSEPORT does not share datagrams out among them.)
 */
static struct socket *vtep_sock_bind(struct net *net,
				     const struct vtep_addr *addr, __be16 port,
				     int ifindex, bool reuse)
{
	struct sockaddr_storage ss = {};
	struct socket *sock;
	int len, err;

	err = sock_create_kern(net, addr->family, SOCK_DGRAM, IPPROTO_UDP,
			       &sock);
	if (err)
		return ERR_PTR(err);

	if (addr->family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		/* An IPv4 device has its own socket: no mapped addresses here. */
		err = ip6_sock_set_v6only(sock->sk);
		if (err)
			goto err_release;
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = addr->ip6;
		sin6->sin6_port = port;
		len = sizeof(*sin6);
	} else {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = addr->ip4;
		sin->sin_port = port;
		len = sizeof(*sin);
	}
	if (reuse) {
		SOCK_INODE(sock)->i_uid = GLOBAL_ROOT_UID;
		sock->sk->sk_uid = GLOBAL_ROOT_UID;
		sock->sk->sk_reuseport = 1;
	}
	if (ifindex) {
		err = sock_bindtoindex(sock->sk, ifindex, true);
		if (err)
			goto err_release;
	}
	err = kernel_bind(sock, (struct sockaddr *)&ss, len);
	if (err)
		goto err_release;
	return sock;

err_release:
	sock_release(sock);
	return ERR_PTR(err);
}

static void vtep_sock_setup(struct net *net, struct socket *sock,
			    struct vtep_sock *vs)
{
	struct udp_tunnel_sock_cfg cfg = {
		.sk_user_data = vs,
		.encap_type = 1,	/* UDP_ENCAP_ESPINUDP_NON_IKE: any non-zero */
		.encap_rcv = vs->ops->encap_rcv,
		.gro_receive = vs->ops->gro_receive,
		.gro_complete = vs->ops->gro_complete,
	};

	/* RFC 6936: the checksum is checked before encap_rcv, if at all. */
	if (vs->zero_csum6_rx)
		udp_set_no_check6_rx(sock->sk, true);
	/* Also turns multicast loopback off: we never receive our own floods. */
	setup_udp_tunnel_sock(net, sock, &cfg);
}

/* The socket's IPv6 zero-checksum setting the device asks for */
static bool vtep_zero_csum6_rx(const struct vtep_dev *vtep)
{
	return vtep->cfg.local.family == AF_INET6 &&
	       vtep->cfg.udp6_zero_csum_rx;
}

/* The device's local address, or the wildcard of its family */
static void vtep_local(const struct vtep_dev *vtep, struct vtep_addr *local)
{
	*local = vtep->cfg.local;
	if (local->family != AF_INET6)
		local->family = AF_INET;
}

/* The same local addresses, in the same order, as the device's */
static bool vtep_sock_same_locals(const struct vtep_sock *vs,
				  const struct vtep_dev *vtep)
{
	unsigned int i;

	if (vs->nlocals != vtep->cfg.nlocals)
		return false;
	for (i = 0; i + 1 < vs->nlocals; i++)
		if (!vtep_addr_equal(&vs->more[i], &vtep->cfg.more[i]))
			return false;
	return true;
}

static void vtep_sock_release_more(struct vtep_sock *vs)
{
	unsigned int i;

	for (i = 0; i + 1 < vs->nlocals; i++)
		if (vs->more_sock[i])
			udp_tunnel_sock_release(vs->more_sock[i]);
}

/* A link-local address means nothing without its link. */
static int vtep_local_ifindex(const struct vtep_dev *vtep,
			      const struct vtep_addr *a)
{
	if (a->family == AF_INET6 &&
	    (ipv6_addr_type(&a->ip6) & IPV6_ADDR_LINKLOCAL))
		return vtep->cfg.underlay;
	return 0;
}

/* The receive-only sockets of the device's other local addresses */
static int vtep_sock_bind_more(struct vtep_dev *vtep, struct vtep_sock *vs)
{
	struct socket *sock;
	unsigned int i;

	vs->nlocals = vtep->cfg.nlocals;
	for (i = 0; i + 1 < vs->nlocals; i++) {
		vs->more[i] = vtep->cfg.more[i];
		sock = vtep_sock_bind(vtep->net, &vs->more[i], vs->port,
				      vtep_local_ifindex(vtep, &vs->more[i]),
				      false);
		if (IS_ERR(sock)) {
			vtep_sock_release_more(vs);
			return PTR_ERR(sock);
		}
		vs->more_sock[i] = sock;
		vtep_sock_setup(vtep->net, sock, vs);
	}
	return 0;
}

/* ---- the socket's VNIs: one device per VNI ---- */

/*
 * Claim @vni of an open device on its socket, under RTNL. Two devices
 * with the same local address and port share a socket; a VNI on it
 * belongs to one of them, or receive could hand one tenant's frames to
 * another (root of another namespace adding the same VNI to a device of
 * its own on the same address). Like vxlan: -EEXIST for the second. A
 * device that is down claims nothing; it claims every VNI at open.
 */
int vtep_underlay_claim(struct vtep_dev *vtep, struct vtep_vni *vni,
			struct netlink_ext_ack *extack)
{
	struct vtep_sock *vs = rtnl_dereference(vtep->sock);
	int err;

	ASSERT_RTNL();
	if (!vs || vni->claimed)
		return 0;
	err = rhashtable_lookup_insert_fast(&vs->vnis, &vni->snode,
					    vtep_sock_vni_params);
	if (err == -EEXIST)
		NL_SET_ERR_MSG(extack,
			       "VNI is in use by another device on this local address and port");
	if (err)
		return err;
	vni->claimed = true;
	return 0;
}

void vtep_underlay_unclaim(struct vtep_dev *vtep, struct vtep_vni *vni)
{
	struct vtep_sock *vs = rtnl_dereference(vtep->sock);

	ASSERT_RTNL();
	if (!vs || !vni->claimed)
		return;
	WARN_ON_ONCE(rhashtable_remove_fast(&vs->vnis, &vni->snode,
					    vtep_sock_vni_params));
	vni->claimed = false;
}

/*
 * Claim (or, @claim false, give back) every VNI of the device. Each VNI
 * holds one slot of the VLAN map (0: untagged), so walking the map under
 * RTNL meets each exactly once. On a refusal, the ones claimed are given
 * back and the VNI is named in *@id.
 */
static int vtep_claim_all(struct vtep_dev *vtep, bool claim, u32 *id)
{
	struct vtep_vni *vni;
	unsigned int vid;
	int err;

	for (vid = 0; vid < VLAN_N_VID; vid++) {
		vni = rtnl_dereference(vtep->vlan_map[vid]);
		if (!vni)
			continue;
		if (!claim) {
			vtep_underlay_unclaim(vtep, vni);
			continue;
		}
		err = vtep_underlay_claim(vtep, vni, NULL);
		if (err) {
			*id = vni->id;
			vtep_claim_all(vtep, false, id);
			return err;
		}
	}
	return 0;
}

static struct vtep_sock *vtep_sock_create(struct vtep_dev *vtep,
					  const struct vtep_underlay_ops *ops)
{
	struct vtep_sock *vs;
	struct socket *sock;
	int ifindex, err;

	vs = kzalloc(sizeof(*vs), GFP_KERNEL);
	if (!vs)
		return ERR_PTR(-ENOMEM);
	err = rhashtable_init(&vs->vnis, &vtep_sock_vni_params);
	if (err) {
		kfree(vs);
		return ERR_PTR(err);
	}
	INIT_LIST_HEAD(&vs->devs);
	INIT_LIST_HEAD(&vs->groups);
	vtep_local(vtep, &vs->local);
	vs->port = vtep->cfg.port;
	vs->zero_csum6_rx = vtep_zero_csum6_rx(vtep);
	vs->ops = ops;

	ifindex = vtep_local_ifindex(vtep, &vs->local);
	sock = vtep_sock_bind(vtep->net, &vs->local, vs->port, ifindex, false);
	if (IS_ERR(sock)) {
		err = PTR_ERR(sock);
		goto err_free;
	}
	vs->sock = sock;
	vtep_sock_setup(vtep->net, sock, vs);
	err = vtep_sock_bind_more(vtep, vs);
	if (err)
		goto err_release;
	return vs;

err_release:
	udp_tunnel_sock_release(sock);
err_free:
	rhashtable_destroy(&vs->vnis);
	kfree(vs);
	return ERR_PTR(err);
}

/*
 * Attach the device to the socket for its (family, local address, port),
 * creating it if it is the first. Under RTNL, while the device opens.
 */
int vtep_underlay_open(struct vtep_dev *vtep,
		       const struct vtep_underlay_ops *ops)
{
	struct vtep_net *vn = net_generic(vtep->net, vtep_net_id);
	struct vtep_addr local;
	struct vtep_sock *vs;
	u32 id = 0;
	int err;

	ASSERT_RTNL();
	if (WARN_ON(rtnl_dereference(vtep->sock)))
		return -EBUSY;

	vtep_local(vtep, &local);
	list_for_each_entry(vs, &vn->socks, node) {
		if (vs->port != vtep->cfg.port ||
		    !vtep_addr_equal(&vs->local, &local))
			continue;
		if (!vtep_sock_same_locals(vs, vtep)) {
			netdev_info(vtep->dev,
				    "another device on this address and port has other local addresses\n");
			return -EBUSY;
		}
		if (vs->zero_csum6_rx != vtep_zero_csum6_rx(vtep)) {
			netdev_info(vtep->dev,
				    "another device on this address and port has the other udp6zerocsumrx setting\n");
			return -EBUSY;
		}
		goto found;
	}
	vs = vtep_sock_create(vtep, ops);
	if (IS_ERR(vs)) {
		netdev_dbg(vtep->dev, "cannot open the underlay socket: %ld\n",
			   PTR_ERR(vs));
		return PTR_ERR(vs);
	}
	list_add(&vs->node, &vn->socks);
found:
	vs->refcnt++;
	list_add_rcu(&vtep->sock_node, &vs->devs);
	rcu_assign_pointer(vtep->sock, vs);
	err = vtep_claim_all(vtep, true, &id);
	if (err) {
		netdev_info(vtep->dev,
			    "VNI %u is in use by another device on this local address and port\n",
			    id);
		vtep_underlay_close(vtep);
	}
	return err;
}

/*
 * Join or leave @group on @sock. An IPv4 join with no device asks the
 * routing table which one, and says which in *@ifindex: the leave must
 * name that device, since the route may be gone or point elsewhere by
 * then, and a membership left behind makes the socket's release take RTNL,
 * which our callers hold.
 */
static int vtep_mc(struct socket *sock, const struct vtep_addr *group,
		   int *ifindex, bool join)
{
	struct sock *sk = sock->sk;
	int err;

	lock_sock(sk);
	if (group->family == AF_INET6) {
		/* IPv6 leaves by address on ifindex 0, any device. */
		if (join)
			err = ipv6_stub->ipv6_sock_mc_join(sk, *ifindex,
							   &group->ip6);
		else
			err = ipv6_stub->ipv6_sock_mc_drop(sk, *ifindex,
							   &group->ip6);
	} else {
		struct ip_mreqn mreq = {
			.imr_multiaddr.s_addr = group->ip4,
			.imr_ifindex = *ifindex,
		};

		if (join) {
			err = ip_mc_join_group(sk, &mreq);
			if (!err)	/* the device the route chose */
				*ifindex = mreq.imr_ifindex;
		} else {
			err = ip_mc_leave_group(sk, &mreq);
		}
	}
	release_sock(sk);
	return err;
}

/*
 * Leave explicitly, then close: a socket closed with memberships drops
 * them itself, but takes RTNL to do it, which our callers hold.
 */
static void vtep_group_free(struct vtep_sock *vs, struct vtep_group *g)
{
	WARN_ON_ONCE(vtep_mc(g->sock ?: vs->sock, &g->addr, &g->joined_ifindex,
			     false));
	if (g->sock)
		udp_tunnel_sock_release(g->sock);
	kfree(g);
}

void vtep_underlay_close(struct vtep_dev *vtep)
{
	struct vtep_sock *vs = rtnl_dereference(vtep->sock);
	struct vtep_group *g, *next;

	ASSERT_RTNL();
	if (!vs)
		return;
	vtep_claim_all(vtep, false, NULL);
	RCU_INIT_POINTER(vtep->sock, NULL);
	list_del_rcu(&vtep->sock_node);
	/*
	 * A receiver on another CPU may have found this device on vs->devs,
	 * a sender may hold vs: let them finish before the caller tears down
	 * what they use.
	 */
	synchronize_net();

	if (--vs->refcnt)
		return;
	list_del(&vs->node);
	/* Every VNI leaves what it joined before its device closes. */
	WARN_ON_ONCE(!list_empty(&vs->groups));
	list_for_each_entry_safe(g, next, &vs->groups, node) {
		list_del(&g->node);
		vtep_group_free(vs, g);
	}
	vtep_sock_release_more(vs);
	udp_tunnel_sock_release(vs->sock);
	/* No socket delivers to vs now: no receiver reads the table. */
	WARN_ON_ONCE(atomic_read(&vs->vnis.nelems));
	rhashtable_destroy(&vs->vnis);
	kfree_rcu(vs, rcu);
}

static struct vtep_group *vtep_group_find(struct vtep_sock *vs,
					  const struct vtep_addr *addr,
					  int ifindex)
{
	struct vtep_group *g;

	list_for_each_entry(g, &vs->groups, node)
		if (g->ifindex == ifindex && vtep_addr_equal(&g->addr, addr))
			return g;
	return NULL;
}

/*
 * Join @group on the device's underlay link (cfg.underlay; 0 lets the routing
 * table choose), for one VNI, which keeps the membership returned until it
 * hands it to vtep_underlay_leave(). NULL if the device is down (no
 * socket: device.c joins every VNI's group when it opens). A group is
 * joined once per socket and link however many VNIs and devices use it.
 */
struct vtep_group *vtep_underlay_join(struct vtep_dev *vtep,
				      const struct vtep_addr *group)
{
	struct vtep_sock *vs = rtnl_dereference(vtep->sock);
	int ifindex = vtep->cfg.underlay;
	struct vtep_group *g;
	int err;

	ASSERT_RTNL();
	if (!vs)
		return NULL;
	if (group->family != vs->local.family)
		return ERR_PTR(-EAFNOSUPPORT);

	g = vtep_group_find(vs, group, ifindex);
	if (g) {
		g->refcnt++;
		return g;
	}

	g = kzalloc(sizeof(*g), GFP_KERNEL_ACCOUNT);
	if (!g)
		return ERR_PTR(-ENOMEM);
	g->addr = *group;
	g->ifindex = ifindex;
	g->joined_ifindex = ifindex;
	g->refcnt = 1;

	if (!vtep_addr_any(&vs->local)) {
		g->sock = vtep_sock_bind(vtep->net, group, vs->port, ifindex,
					 true);
		if (IS_ERR(g->sock)) {
			err = PTR_ERR(g->sock);
			goto err_free;
		}
		vtep_sock_setup(vtep->net, g->sock, vs);
	}
	err = vtep_mc(g->sock ?: vs->sock, group, &g->joined_ifindex, true);
	if (err)
		goto err_release;
	list_add(&g->node, &vs->groups);
	return g;

err_release:
	if (g->sock)
		udp_tunnel_sock_release(g->sock);
err_free:
	kfree(g);
	netdev_dbg(vtep->dev, "cannot join the multicast group: %d\n", err);
	return ERR_PTR(err);
}

/* Give back a membership vtep_underlay_join() returned, while still up. */
void vtep_underlay_leave(struct vtep_dev *vtep, struct vtep_group *g)
{
	struct vtep_sock *vs = rtnl_dereference(vtep->sock);

	ASSERT_RTNL();
	if (WARN_ON_ONCE(!vs) || --g->refcnt)
		return;
	list_del(&g->node);
	vtep_group_free(vs, g);
}
