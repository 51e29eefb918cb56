// SPDX-License-Identifier: GPL-2.0
/*
 * vtep: what the generic netlink family answers. Replies to the commands
 * that get, and the dumps, which resume across messages: netlink.c parses
 * and checks the requests (into the dump's struct vtep_dump), this file
 * walks the tables and writes the messages, with msg.c's fills.
 *
 * A message shows one state of what it describes. Replies read
 * configuration (device, VNIs, remotes) under RTNL, which every writer of
 * it holds. Dumps take no RTNL: reading needs no privilege, and a reader
 * looping over dumps must not hold up every `ip link` of the host. They run
 * under RCU, each message doing a bounded amount of work (DUMP_BUDGET), and
 * rely on what RCU readers may read: the device's settings under cfg_seq,
 * VNIs and remotes through their RCU pointers and lists, with the dump's
 * generation check telling the reader when they changed under it. FDB
 * entries change under learning, so each is copied once and the message is
 * written from the copy.
 */
#include <linux/etherdevice.h>
#include <linux/rcupdate.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netns/generic.h>

#include "vtep.h"
#include "fdb.h"
#include "msg.h"

/* Fills the part of a message that describes one object. */
typedef int (*put_t)(struct sk_buff *skb, const void *obj);

/*
 * One message: the device's index and name, then @put's attributes. In a
 * dump (@cb set) the message is checked against cb->seq, so a reader
 * learns that the table changed under the dump.
 */
static int obj_msg(struct sk_buff *skb, const struct net_device *dev,
		   u32 portid, u32 seq, u8 cmd, put_t put, const void *obj,
		   struct netlink_callback *cb)
{
	void *hdr = genlmsg_put(skb, portid, seq, &vtep_genl_family,
				cb ? NLM_F_MULTI : 0, cmd);

	if (!hdr)
		return -EMSGSIZE;
	if (vtep_msg_put_dev(skb, dev) || put(skb, obj)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * Under RCU. dev->name is copied without the rename lock, which modules
 * cannot take: a message written during a rename of the device may carry
 * the old name or the new; VTEP_A_IFINDEX is what names the device.
 */
static int dump_msg(struct sk_buff *skb, struct netlink_callback *cb,
		    const struct vtep_dev *vtep, u8 cmd, put_t put,
		    const void *obj)
{
	return obj_msg(skb, vtep->dev, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq, cmd,
		       put, obj, cb);
}

static int reply_msg(struct genl_info *info, const struct vtep_dev *vtep,
		     u8 cmd, put_t put, const void *obj)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	int err;

	if (!msg)
		return -ENOMEM;
	err = obj_msg(msg, vtep->dev, info->snd_portid, info->snd_seq, cmd, put, obj, NULL);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * Under RTNL (a reply) or RCU (a dump): the settings are written again
 * if a LINK_SET changed them while they were copied.
 */
static int link_put(struct sk_buff *skb, const void *obj)
{
	const struct vtep_dev *vtep = obj;
	struct nlattr *nest;
	unsigned int seq;

	for (;;) {
		seq = read_seqcount_begin(&vtep->cfg_seq);
		nest = nla_nest_start(skb, VTEP_A_LINK);
		if (!nest || vtep_msg_put_link(skb, vtep))
			return -EMSGSIZE;
		if (!read_seqcount_retry(&vtep->cfg_seq, seq))
			break;
		nla_nest_cancel(skb, nest);
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* VNIs and remotes: under RTNL (a reply) or RCU (a dump, see the top). */
static int vni_put(struct sk_buff *skb, const void *obj)
{
	return vtep_msg_put_vni(skb, obj);
}

/* One remote of a VNI's replication list */
struct remote_obj {
	u32 vni;
	const struct vtep_addr *addr;
	u8 owner;
};

static int remote_put(struct sk_buff *skb, const void *obj)
{
	const struct remote_obj *r = obj;

	return vtep_msg_put_remote(skb, r->vni, r->addr, r->owner);
}

/* Device or VNI counters; @vni NULL for the device's */
struct stats_obj {
	const struct vtep_vni *vni;
	const struct vtep_pcpu_stats __percpu *stats;
};

static int stats_put(struct sk_buff *skb, const void *obj)
{
	const struct stats_obj *st = obj;

	if (st->vni && vtep_msg_put_vni_id(skb, st->vni->id))
		return -EMSGSIZE;
	return vtep_stats_fill(skb, VTEP_A_STATS, st->stats);
}

static int fdb_put(struct sk_buff *skb, const void *obj)
{
	return vtep_msg_put_fdb(skb, obj, true);
}

int vtep_reply_link(struct genl_info *info, struct vtep_dev *vtep)
{
	return reply_msg(info, vtep, VTEP_CMD_LINK_GET, link_put, vtep);
}

int vtep_reply_vni(struct genl_info *info, struct vtep_dev *vtep,
		   const struct vtep_vni *vni)
{
	return reply_msg(info, vtep, VTEP_CMD_VNI_GET, vni_put, vni);
}

/* -ENOENT when @e names no entry (a local MAC is none). */
int vtep_reply_fdb(struct genl_info *info, struct vtep_dev *vtep,
		   const struct vtep_fdb_cfg *e)
{
	struct vtep_fdb_info i;
	struct vtep_fdb *f;
	bool found;

	rcu_read_lock();
	f = vtep_fdb_lookup(vtep, e->vni->id, e->mac);
	found = f && vtep_fdb_snap(f, &i);
	rcu_read_unlock();
	if (!found)
		return -ENOENT;
	return reply_msg(info, vtep, VTEP_CMD_FDB_GET, fdb_put, &i);
}

/* Every explicit allowance of a VNI (at most VTEP_ALLOW_MAX: one message) */
static int peers_put(struct sk_buff *skb, const void *obj)
{
	const struct vtep_vni *vni = obj;
	const struct vtep_allow_set *set;
	unsigned int i;

	set = rtnl_dereference(vni->allowed);
	for (i = 0; set && i < set->n; i++)
		if (vtep_msg_put_peer(skb, vni->id, &set->e[i].addr,
				      set->e[i].plen, set->e[i].owner))
			return -EMSGSIZE;
	return 0;
}

int vtep_reply_peers(struct genl_info *info, struct vtep_dev *vtep,
		     const struct vtep_vni *vni)
{
	BUILD_BUG_ON(VTEP_ALLOW_MAX * 48 > NLMSG_GOODSIZE - 256);
	return reply_msg(info, vtep, VTEP_CMD_PEER_GET, peers_put, vni);
}

static int aliases_put(struct sk_buff *skb, const void *obj)
{
	const struct vtep_dev *vtep = obj;
	const struct vtep_pset *set;
	unsigned int i;

	list_for_each_entry(set, &vtep->psets, node)
		for (i = 1; i < set->n; i++)
			if (vtep_msg_put_alias(skb, &set->a[i], &set->a[0]))
				return -EMSGSIZE;
	return 0;
}

/* Every alias of the device, in one message: there are at most 256. */
int vtep_reply_aliases(struct genl_info *info, struct vtep_dev *vtep)
{
	size_t size = nla_total_size(sizeof(u32)) + nla_total_size(IFNAMSIZ) +
		      vtep->nalias * vtep_msg_alias_size();
	struct sk_buff *msg = genlmsg_new(size, GFP_KERNEL);
	int err;

	ASSERT_RTNL();
	if (!msg)
		return -ENOMEM;
	err = obj_msg(msg, vtep->dev, info->snd_portid, info->snd_seq,
		      VTEP_CMD_ALIAS_GET, aliases_put, vtep, NULL);
	if (WARN_ON_ONCE(err)) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* The device's counters, or with @vni the VNI's */
int vtep_reply_stats(struct genl_info *info, struct vtep_dev *vtep,
		     const struct vtep_vni *vni)
{
	struct stats_obj st = {
		.vni = vni,
		.stats = vni ? vni->stats : vtep->stats,
	};

	return reply_msg(info, vtep, VTEP_CMD_STATS_GET, stats_put, &st);
}

/*
 * A dump's state between messages (struct vtep_dump, in cb->ctx) holds no
 * reference: the device is looked up again, under RCU, for every message.
 * A reader that stops reading half way (and reading needs no privilege)
 * must not keep the device, or its namespace, from going away.
 *
 * Visits (FDB buckets and entries) one message may make: a filter that
 * matches nothing must not walk a million entries in one go, with the
 * genl mutex held. A message that ran out of budget before it had
 * anything to say goes out empty (the reader's recv() returns 0) and the
 * next one resumes from the cursor.
 */
#define DUMP_BUDGET	4096

/*
 * Ends a dump whose device went away under it: NLMSG_DONE then carries
 * NLM_F_DUMP_INTR, if anything was sent, so the reader knows the dump is
 * short. (cb->prev_seq is 0 when nothing was checked yet.)
 */
static int dump_gone(struct netlink_callback *cb)
{
	if (cb->prev_seq)
		cb->seq = cb->prev_seq + 2;
	return 0;
}

/*
 * Ends a dump with NLMSG_DONE carrying NLM_F_DUMP_INTR, even when no
 * message went out before (the check then needs a previous sequence).
 */
static int dump_intr(struct netlink_callback *cb)
{
	if (!cb->prev_seq)
		cb->prev_seq = 1;
	cb->seq = cb->prev_seq + 2;
	return 0;
}

/*
 * Under RCU: the dump's device, in the caller's namespace; NULL if it went
 * away. A device found here is not torn down (ndo_uninit) before the
 * reader's grace period ends.
 */
static struct vtep_dev *dump_dev(struct netlink_callback *cb)
{
	struct net_device *dev;

	dev = dev_get_by_index_rcu(sock_net(cb->skb->sk),
				   vtep_dump_ctx(cb)->ifindex);
	if (dev && vtep_is_vtep(dev))
		return netdev_priv(dev);
	return NULL;
}

/*
 * The vtep devices of the caller's namespace: those that sit in it (their
 * sockets and underlay may be in the namespace that created them).
 */
int vtep_dump_links(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(cb->skb->sk);
	struct vtep_dump *d = vtep_dump_ctx(cb);
	struct net_device *dev;
	u32 i = 0;

	rcu_read_lock();
	cb->seq = READ_ONCE(net->dev_base_seq);
	for_each_netdev_rcu(net, dev) {
		if (!vtep_is_vtep(dev) || i++ < d->pos)
			continue;
		if (dump_msg(skb, cb, netdev_priv(dev), VTEP_CMD_LINK_GET,
			     link_put, netdev_priv(dev)))
			break;
		d->pos = i;
	}
	rcu_read_unlock();
	return skb->len;
}

static int neigh_put(struct sk_buff *skb, const void *obj)
{
	const struct vtep_neigh *n = obj;

	/* Never changed once published (neigh.c): no torn read */
	return vtep_msg_put_neigh(skb, n->key.vni, &n->key.addr, n->mac,
				  n->owner);
}

/*
 * The remotes (or neighbours) of @vni from the d->sub'th on, one message
 * each; false when the message is full.
 */
static bool slot_list_put(struct sk_buff *skb, struct netlink_callback *cb,
			  struct vtep_dev *vtep, struct vtep_vni *vni)
{
	struct vtep_dump *d = vtep_dump_ctx(cb);
	struct vtep_vni_remote *vr;
	struct vtep_neigh *n;
	struct remote_obj r;
	u32 i = 0;

	if (d->neighs) {
		hlist_for_each_entry_rcu(n, &vni->neighs, vnode) {
			if (i++ < d->sub)
				continue;
			if (dump_msg(skb, cb, vtep, VTEP_CMD_NEIGH_GET,
				     neigh_put, n))
				return false;
			d->sub = i;
		}
		return true;
	}
	r.vni = vni->id;
	list_for_each_entry_rcu(vr, &vni->remotes, node) {
		if (i++ < d->sub)
			continue;
		r.addr = &vr->peer->addr;
		r.owner = READ_ONCE(vr->owner);
		if (dump_msg(skb, cb, vtep, VTEP_CMD_REMOTE_GET, remote_put,
			     &r))
			return false;
		d->sub = i;
	}
	return true;
}

/*
 * VNIs, remotes and neighbours are dumped in VLAN order through vlan_map: every VNI
 * holds exactly one slot (VLAN N, or 0 for untagged), so the map lists
 * each once and gives a cursor that survives between messages.
 */
int vtep_dump_slots(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vtep_dump *d = vtep_dump_ctx(cb);
	struct vtep_dev *vtep;
	struct vtep_vni *vni;

	rcu_read_lock();
	vtep = dump_dev(cb);
	if (!vtep) {
		rcu_read_unlock();
		return dump_gone(cb);
	}
	/* Odd, so never 0; moves with every VNI or remote change. */
	cb->seq = (READ_ONCE(vtep->vni_gen) << 1) | 1;
	if (!d->seq0)
		d->seq0 = cb->seq;
	for (; d->pos < VLAN_N_VID; d->pos++, d->sub = 0) {
		vni = rcu_dereference(vtep->vlan_map[d->pos]);
		if (!vni || (d->vni && vni->id != d->vni))
			continue;
		if (!d->remotes && !d->neighs) {
			if (dump_msg(skb, cb, vtep, VTEP_CMD_VNI_GET, vni_put,
				     vni))
				break;
			continue;
		}
		if (!slot_list_put(skb, cb, vtep, vni))
			break;
	}
	rcu_read_unlock();
	/* NLMSG_DONE says it too if anything changed since the first pass. */
	if (!skb->len && cb->seq != d->seq0)
		return dump_intr(cb);
	return skb->len;
}

/*
 * One message's worth of the FDB, from bucket d->pos, entry d->sub on;
 * under RCU. The cursor stays on an entry that does not fit, so nothing
 * is skipped or sent twice while the table holds still. When it does not,
 * the generation moves (every insert and removal bumps it) and the
 * messages say so; a resize moves the entries to a new array without
 * that, and is caught by the table's count of resizes and its array's
 * future, before and after the walk (a resize may start, or end, while
 * this message is written): entries already in the new array are not in
 * this one, so the dump is flagged, and the reader dumps again.
 *
 * At most DUMP_BUDGET buckets and entries are visited; false if the walk
 * stopped before the end of the table (full message or budget spent).
 */
static bool fdb_walk(struct sk_buff *skb, struct netlink_callback *cb,
		     struct vtep_dev *vtep)
{
	struct vtep_dump *d = vtep_dump_ctx(cb);
	unsigned int budget = DUMP_BUDGET;
	/* the array, then the count of resizes (read after: see htab.c) */
	struct vtep_hbkt *tbl = rcu_dereference(vtep->fdb.tbl);
	unsigned long id = (unsigned long)READ_ONCE(vtep->fdb.resizes) + 1;
	struct vtep_hnode *pos;
	struct vtep_fdb *f;
	struct vtep_fdb_info s;
	bool done = false;
	u32 i;

	if (d->tbl != id) {
		/* Another array than the last message walked: start over. */
		if (d->tbl)
			d->moved = true;
		d->tbl = id;
		d->pos = 0;
		d->sub = 0;
	}
	if (rcu_access_pointer(tbl->future))
		d->moved = true;	/* entries leaving for a new array */
	for (; d->pos <= tbl->mask; d->pos++, d->sub = 0) {
		if (!budget--)
			goto out;
		i = 0;
		for (pos = rcu_dereference(tbl->b[d->pos]); pos;
		     pos = rcu_dereference(pos->next)) {
			f = container_of(pos, struct vtep_fdb, node);
			if (i++ < d->sub)
				continue;
			if (!budget--)
				goto out;	/* d->sub is this entry */
			/* the key never changes: filter on the VNI uncopied */
			if ((!d->vni || f->key.vni == d->vni) &&
			    vtep_fdb_snap(f, &s) &&
			    (!d->type || s.type == d->type)) {
				if (!d->sent)
					d->seq0 = cb->seq;
				if (dump_msg(skb, cb, vtep, VTEP_CMD_FDB_GET,
					     fdb_put, &s))
					goto out;
				d->sent = true;
			}
			d->sub = i;
		}
	}
	done = true;
out:
	smp_rmb();	/* the chains walked, then the count of resizes */
	if (READ_ONCE(vtep->fdb.resizes) + 1UL != id ||
	    rcu_access_pointer(tbl->future))
		d->moved = true;
	return done;
}

/*
 * The FDB dump: the device and its entries under RCU, a bounded walk per
 * message. A message the budget left empty is still sent (a positive
 * return, with nothing in @skb): returning 0 would end the dump.
 */
int vtep_dump_fdb(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vtep_dump *d = vtep_dump_ctx(cb);
	struct vtep_dev *vtep;
	bool done;
	u32 gen;

	rcu_read_lock();
	vtep = dump_dev(cb);
	if (!vtep) {
		rcu_read_unlock();
		return dump_gone(cb);
	}
	/* Odd, so never 0, which turns the check off. */
	gen = atomic_read(&vtep->generation);
	cb->seq = (gen << 1) | 1;
	done = fdb_walk(skb, cb, vtep);
	rcu_read_unlock();
	if (!done)
		return skb->len ?: 1;
	/*
	 * At the end, make NLMSG_DONE carry NLM_F_DUMP_INTR too if the table
	 * changed at any time during the dump, as the uapi promises, even
	 * when an earlier message was the one that saw it, and even when no
	 * entry was sent: a resize under way can hide every entry from the
	 * walk, and an empty table must not then look like a clean one.
	 */
	if (!skb->len && (d->moved || (d->sent && cb->seq != d->seq0)))
		return dump_intr(cb);
	return skb->len;
}

static int flow_put(struct sk_buff *skb, const void *obj)
{
	return vtep_msg_put_flow(skb, obj);
}

/* The device's elephants, one message each, in slot order */
int vtep_dump_flows(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct vtep_dump *d = vtep_dump_ctx(cb);
	struct vtep_flow_info fi;
	struct vtep_dev *vtep;

	rcu_read_lock();
	vtep = dump_dev(cb);
	if (!vtep) {
		rcu_read_unlock();
		return dump_gone(cb);
	}
	for (; d->pos < VTEP_ELEPHANT_SLOTS; d->pos++) {
		if (!vtep_elephant_snap(vtep, d->pos, &fi))
			continue;
		if (dump_msg(skb, cb, vtep, VTEP_CMD_FLOW_GET, flow_put, &fi))
			break;
	}
	rcu_read_unlock();
	return skb->len;
}
