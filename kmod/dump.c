// SPDX-License-Identifier: GPL-2.0
/*
 * vtep: what the generic netlink family answers. Replies to the commands
 * that get, and the dumps, which resume across messages: netlink.c parses
 * and checks the requests, this file writes the messages.
 *
 * A message shows one state of what it describes. Configuration (device,
 * VNIs, remotes) is read under RTNL, which every writer of it holds. FDB
 * entries change under learning, so each is copied once under RCU and the
 * message is written from the copy.
 */
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netns/generic.h>

#include "vtep.h"

/* Fills the part of a message that describes one object. */
typedef int (*put_t)(struct sk_buff *skb, const void *obj);

/*
 * One message: the device's index and name, then @put's attributes. In a
 * dump (@cb set) the message is checked against cb->seq, so a reader
 * learns that the table changed under the dump.
 */
static int obj_msg(struct sk_buff *skb, int ifindex, const char *name,
		   u32 portid, u32 seq, u8 cmd, put_t put, const void *obj,
		   struct netlink_callback *cb)
{
	void *hdr = genlmsg_put(skb, portid, seq, &vtep_genl_family,
				cb ? NLM_F_MULTI : 0, cmd);

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, VTEP_A_IFINDEX, ifindex) ||
	    nla_put_string(skb, VTEP_A_IFNAME, name) || put(skb, obj)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	genlmsg_end(skb, hdr);
	return 0;
}

/* Under RTNL: the name cannot change while it is copied. */
static int dump_msg(struct sk_buff *skb, struct netlink_callback *cb,
		    const struct vtep_dev *vtep, u8 cmd, put_t put,
		    const void *obj)
{
	return obj_msg(skb, vtep->dev->ifindex, vtep->dev->name,
		       NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq, cmd,
		       put, obj, cb);
}

static int reply_msg(struct genl_info *info, const struct vtep_dev *vtep,
		     u8 cmd, put_t put, const void *obj)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	int err;

	if (!msg)
		return -ENOMEM;
	err = obj_msg(msg, vtep->dev->ifindex, vtep->dev->name,
		      info->snd_portid, info->snd_seq, cmd, put, obj, NULL);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* Under RTNL, like every put_t below that reads configuration. */
static int link_put(struct sk_buff *skb, const void *obj)
{
	struct nlattr *nest = nla_nest_start(skb, VTEP_A_LINK);

	if (!nest || vtep_dev_fill_cfg(skb, obj))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int vni_put(struct sk_buff *skb, const void *obj)
{
	const struct vtep_vni *vni = obj;
	struct nlattr *nest = nla_nest_start(skb, VTEP_A_VNI);

	if (!nest || nla_put_u32(skb, VTEP_VNI_A_ID, vni->id) ||
	    (vni->vlan ? nla_put_u16(skb, VTEP_VNI_A_VLAN, vni->vlan) :
			 nla_put_flag(skb, VTEP_VNI_A_UNTAGGED)) ||
	    vtep_nla_put_addr(skb, VTEP_VNI_A_GROUP, VTEP_VNI_A_GROUP6,
			      &vni->group) ||
	    nla_put_u8(skb, VTEP_VNI_A_FLOOD, READ_ONCE(vni->flood)) ||
	    nla_put_u32(skb, VTEP_VNI_A_REMOTES, READ_ONCE(vni->nremotes)) ||
	    nla_put_u32(skb, VTEP_VNI_A_FDB_COUNT,
			atomic_read(&vni->fdb_count)) ||
	    vtep_stats_fill(skb, VTEP_VNI_A_STATS, vni->stats))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* One remote of a VNI's replication list */
struct remote_obj {
	u32 vni;
	const struct vtep_addr *addr;
};

static int remote_put(struct sk_buff *skb, const void *obj)
{
	const struct remote_obj *r = obj;
	struct nlattr *nest = nla_nest_start(skb, VTEP_A_REMOTE);

	if (!nest || nla_put_u32(skb, VTEP_REMOTE_A_VNI, r->vni) ||
	    vtep_nla_put_addr(skb, VTEP_REMOTE_A_ADDR, VTEP_REMOTE_A_ADDR6,
			      r->addr))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* Device or VNI counters; @vni NULL for the device's */
struct stats_obj {
	const struct vtep_vni *vni;
	const struct vtep_pcpu_stats __percpu *stats;
};

static int stats_put(struct sk_buff *skb, const void *obj)
{
	const struct stats_obj *st = obj;
	struct nlattr *nest;

	if (st->vni) {
		nest = nla_nest_start(skb, VTEP_A_VNI);
		if (!nest || nla_put_u32(skb, VTEP_VNI_A_ID, st->vni->id))
			return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return vtep_stats_fill(skb, VTEP_A_STATS, st->stats);
}

/*
 * What a reply says about an FDB entry, read once under RCU: learning and
 * replacement change an entry in place, and a reply must show one state
 * of it, not parts of two.
 */
struct fdb_snap {
	u32 vni;
	u8 mac[ETH_ALEN];
	u8 type;
	u32 age;
	struct vtep_addr dst;
};

static bool fdb_snap(const struct vtep_fdb *f, struct fdb_snap *s)
{
	const struct vtep_remote *r = rcu_dereference(f->remote);
	u8 flags = READ_ONCE(f->flags);

	if (!r || (flags & VTEP_FDB_LOCAL))
		return false;
	s->vni = f->key.vni;
	ether_addr_copy(s->mac, f->key.mac);
	s->dst = r->addr;
	s->type = flags & VTEP_FDB_STATIC ? VTEP_FDB_TYPE_STATIC :
					    VTEP_FDB_TYPE_LEARNED;
	s->age = jiffies_to_msecs(jiffies - READ_ONCE(f->seen));
	return true;
}

static int fdb_put(struct sk_buff *skb, const void *obj)
{
	const struct fdb_snap *s = obj;
	struct nlattr *nest = nla_nest_start(skb, VTEP_A_FDB);

	if (!nest || nla_put_u32(skb, VTEP_FDB_A_VNI, s->vni) ||
	    nla_put(skb, VTEP_FDB_A_MAC, ETH_ALEN, s->mac) ||
	    vtep_nla_put_addr(skb, VTEP_FDB_A_DST, VTEP_FDB_A_DST6, &s->dst) ||
	    nla_put_u8(skb, VTEP_FDB_A_TYPE, s->type) ||
	    (s->type == VTEP_FDB_TYPE_LEARNED &&
	     nla_put_u32(skb, VTEP_FDB_A_AGE, s->age)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int do_link_get(struct vtep_dev *vtep, struct genl_info *info)
{
	return reply_msg(info, vtep, VTEP_CMD_LINK_GET, link_put, vtep);
}

static int do_vni_get(struct vtep_dev *vtep, struct genl_info *info)
{
	struct nlattr *tb[VTEP_VNI_A_MAX + 1];
	struct vtep_vni *vni;
	int err;

	err = vtep_nl_vni_parse(info, tb);
	if (err)
		return err;
	vni = vtep_nl_vni(vtep, tb[VTEP_VNI_A_ID], info->extack);
	if (!vni)
		return -ENOENT;
	return reply_msg(info, vtep, VTEP_CMD_VNI_GET, vni_put, vni);
}

static int do_fdb_get(struct vtep_dev *vtep, struct genl_info *info)
{
	struct vtep_nl_fdb req;
	struct vtep_fdb *f;
	struct fdb_snap s;
	bool found;
	int err;

	err = vtep_nl_fdb_parse(vtep, info->attrs[VTEP_A_FDB], false, &req,
				info->extack);
	if (err)
		return err;
	rcu_read_lock();
	f = vtep_fdb_lookup(vtep, req.vni->id, req.mac);
	found = f && fdb_snap(f, &s);
	rcu_read_unlock();
	if (!found) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[VTEP_A_FDB],
				    "no such FDB entry");
		return -ENOENT;
	}
	return reply_msg(info, vtep, VTEP_CMD_FDB_GET, fdb_put, &s);
}

static int do_stats_get(struct vtep_dev *vtep, struct genl_info *info)
{
	struct stats_obj st = { .stats = vtep->stats };
	struct nlattr *tb[VTEP_VNI_A_MAX + 1];
	int err;

	if (info->attrs[VTEP_A_VNI]) {
		err = vtep_nl_vni_parse(info, tb);
		if (err)
			return err;
		st.vni = vtep_nl_vni(vtep, tb[VTEP_VNI_A_ID], info->extack);
		if (!st.vni)
			return -ENOENT;
		st.stats = st.vni->stats;
	}
	return reply_msg(info, vtep, VTEP_CMD_STATS_GET, stats_put, &st);
}

/* The "do" of the commands that get: one reply, under RTNL. */
int vtep_nl_get(struct vtep_dev *vtep, struct genl_info *info)
{
	switch (info->genlhdr->cmd) {
	case VTEP_CMD_LINK_GET:
		return do_link_get(vtep, info);
	case VTEP_CMD_VNI_GET:
		return do_vni_get(vtep, info);
	case VTEP_CMD_FDB_GET:
		return do_fdb_get(vtep, info);
	case VTEP_CMD_STATS_GET:
		return do_stats_get(vtep, info);
	}
	return -EOPNOTSUPP;
}

/*
 * A dump's state between messages, in cb->ctx. It holds no reference: the
 * device is looked up again, under RTNL, for every message. A reader that
 * stops reading half way (and reading needs no privilege) must not keep
 * the device, or its namespace, from going away.
 */
struct dump_ctx {
	int ifindex;			/* the device */
	u32 pos;			/* next device, VLAN slot or FDB bucket */
	u32 sub;			/* next remote of the slot's VNI, or
					 * entry of the bucket */
	u32 vni;			/* filter, 0 = any */
	u32 seq0;			/* FDB: the first message's sequence */
	unsigned long tbl;		/* FDB: the bucket table walked */
	const char *errmsg;		/* with err */
	s16 err;			/* a refusal .start could not send */
	u8 type;			/* FDB filter */
	bool remotes;			/* slot dump: remotes, not VNIs */
	bool sent;			/* a message went out */
	bool moved;			/* FDB: a resize moved entries under it */
};

static struct dump_ctx *dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct dump_ctx) > sizeof(cb->ctx));
	return (struct dump_ctx *)cb->ctx;
}

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

/* The dump's device, or NULL if it went; under RTNL. */
static struct vtep_dev *dump_dev(struct netlink_callback *cb)
{
	struct net_device *dev;

	ASSERT_RTNL();
	dev = __dev_get_by_index(sock_net(cb->skb->sk), dump_ctx(cb)->ifindex);
	return dev && vtep_is_vtep(dev) ? netdev_priv(dev) : NULL;
}

static int link_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(cb->skb->sk);
	struct vtep_net *vn = net_generic(net, vtep_net_id);
	struct dump_ctx *d = dump_ctx(cb);
	struct vtep_dev *vtep;
	u32 i = 0;

	rtnl_lock();
	cb->seq = net->dev_base_seq;
	list_for_each_entry(vtep, &vn->devs, net_node) {
		if (i++ < d->pos)
			continue;
		if (dump_msg(skb, cb, vtep, VTEP_CMD_LINK_GET, link_put, vtep))
			break;
		d->pos = i;
	}
	rtnl_unlock();
	return skb->len;
}

/*
 * Checks the request of a VNI, remote or FDB dump: the device, and the
 * filter in VTEP_A_REMOTE { VNI } or VTEP_A_FDB { VNI, TYPE }.
 */
static int dump_setup(struct netlink_callback *cb,
		      struct netlink_ext_ack *extack)
{
	u8 cmd = genl_dumpit_info(cb)->op.cmd;
	struct nlattr **attrs = vtep_dump_attrs(cb);
	struct dump_ctx *d = dump_ctx(cb);
	struct vtep_dev *vtep;
	int err = 0;

	if (cmd == VTEP_CMD_LINK_GET)
		return 0;
	vtep = vtep_nl_dev(sock_net(cb->skb->sk), attrs, extack);
	if (IS_ERR(vtep))
		return PTR_ERR(vtep);
	d->ifindex = vtep->dev->ifindex;
	if (cmd == VTEP_CMD_REMOTE_GET) {
		d->remotes = true;
		err = vtep_nl_remote_filter(vtep, attrs[VTEP_A_REMOTE], &d->vni,
					    extack);
	} else if (cmd == VTEP_CMD_FDB_GET) {
		err = vtep_nl_fdb_filter(vtep, attrs[VTEP_A_FDB], &d->vni,
					 &d->type, extack);
	}
	dev_put(vtep->dev);
	return err;
}

/*
 * Before 6.5, genetlink gives .start no extack, so a refusal there would
 * lose its message: it is kept and sent from the first dumpit instead,
 * which has one.
 */
int vtep_nl_dump_start(struct netlink_callback *cb)
{
	struct netlink_ext_ack ext = {};
	struct dump_ctx *d = dump_ctx(cb);
	int err;

	if (cb->extack)
		return dump_setup(cb, cb->extack);
	err = dump_setup(cb, &ext);
	if (err) {
		d->err = err;
		d->errmsg = ext._msg;
	}
	return 0;
}

/*
 * VNIs and remotes are dumped in VLAN order through vlan_map: every VNI
 * holds exactly one slot (VLAN N, or 0 for untagged), so the map lists
 * each once and gives a cursor that survives between messages.
 */
static int slot_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dump_ctx *d = dump_ctx(cb);
	struct vtep_vni_remote *vr;
	struct vtep_dev *vtep;
	struct remote_obj r;
	struct vtep_vni *vni;
	u32 i;

	rtnl_lock();
	vtep = dump_dev(cb);
	if (!vtep) {
		rtnl_unlock();
		return dump_gone(cb);
	}
	cb->seq = 1;
	for (; d->pos < VLAN_N_VID; d->pos++, d->sub = 0) {
		vni = rtnl_dereference(vtep->vlan_map[d->pos]);
		if (!vni || (d->vni && vni->id != d->vni))
			continue;
		if (!d->remotes) {
			if (dump_msg(skb, cb, vtep, VTEP_CMD_VNI_GET, vni_put,
				     vni))
				break;
			continue;
		}
		i = 0;
		r.vni = vni->id;
		list_for_each_entry_rcu(vr, &vni->remotes, node,
					lockdep_rtnl_is_held()) {
			if (i++ < d->sub)
				continue;
			r.addr = &vr->remote->addr;
			if (dump_msg(skb, cb, vtep, VTEP_CMD_REMOTE_GET,
				     remote_put, &r))
				goto out;
			d->sub = i;
		}
	}
out:
	rtnl_unlock();
	return skb->len;
}

/*
 * One message's worth of the FDB, from bucket d->pos, entry d->sub on;
 * under RCU. The cursor stays on an entry that does not fit, so nothing
 * is skipped or sent twice while the table holds still. When it does not,
 * the generation moves (every insert and removal bumps it) and the
 * messages say so; a resize moves the entries to a new table without
 * that, and is caught by the table's identity and its future_tbl.
 */
static void fdb_walk(struct sk_buff *skb, struct netlink_callback *cb,
		     struct vtep_dev *vtep)
{
	struct dump_ctx *d = dump_ctx(cb);
	struct bucket_table *tbl;
	struct rhash_head *pos;
	struct vtep_fdb *f;
	struct fdb_snap s;
	u32 i;

	tbl = rht_dereference_rcu(vtep->fdb.tbl, &vtep->fdb);
	if (d->tbl != (unsigned long)tbl) {
		/* Another table than the last message walked: start over. */
		if (d->tbl)
			d->moved = true;
		d->tbl = (unsigned long)tbl;
		d->pos = 0;
		d->sub = 0;
	}
	if (rcu_access_pointer(tbl->future_tbl))
		d->moved = true;	/* entries leaving for a new table */
	for (; d->pos < tbl->size; d->pos++, d->sub = 0) {
		i = 0;
		rht_for_each_entry_rcu(f, pos, tbl, d->pos, node) {
			if (i++ < d->sub)
				continue;
			if (fdb_snap(f, &s) && (!d->vni || s.vni == d->vni) &&
			    (!d->type || s.type == d->type)) {
				if (!d->sent)
					d->seq0 = cb->seq;
				if (dump_msg(skb, cb, vtep, VTEP_CMD_FDB_GET,
					     fdb_put, &s))
					return;
				d->sent = true;
			}
			d->sub = i;
		}
	}
}

/*
 * The FDB dump: entries under RCU, the device under RTNL (which also keeps
 * its name from changing while it is copied into the messages).
 */
static int fdb_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dump_ctx *d = dump_ctx(cb);
	struct vtep_dev *vtep;
	u32 gen;

	rtnl_lock();
	vtep = dump_dev(cb);
	if (!vtep) {
		rtnl_unlock();
		return dump_gone(cb);
	}
	/* Odd, so never 0, which turns the check off. */
	gen = atomic_read(&vtep->generation);
	cb->seq = (gen << 1) | 1;
	rcu_read_lock();
	fdb_walk(skb, cb, vtep);
	rcu_read_unlock();
	rtnl_unlock();
	/*
	 * At the end, make NLMSG_DONE carry NLM_F_DUMP_INTR too if the table
	 * changed at any time during the dump, as the uapi promises, even
	 * when an earlier message was the one that saw it.
	 */
	if (!skb->len && d->sent && (cb->seq != d->seq0 || d->moved))
		return dump_gone(cb);
	return skb->len;
}

int vtep_nl_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct dump_ctx *d = dump_ctx(cb);

	if (d->err) {
		if (cb->extack)
			cb->extack->_msg = d->errmsg;
		return d->err;
	}
	switch (genl_dumpit_info(cb)->op.cmd) {
	case VTEP_CMD_LINK_GET:
		return link_dumpit(skb, cb);
	case VTEP_CMD_FDB_GET:
		return fdb_dumpit(skb, cb);
	}
	return slot_dumpit(skb, cb);
}
