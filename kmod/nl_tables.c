// SPDX-License-Identifier: GPL-2.0
/*
 * vtep: the requests that change or read a device's tables (remotes,
 * aliases, peer allowances, neighbours, the FDB), for netlink.c's dispatch.
 * Their attributes were checked against netlink.c's policies before a
 * handler runs; what is checked here is what a policy cannot say (which
 * attributes go together, and what the device's state allows). Every
 * handler runs under RTNL.
 */
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/ipv6.h>

#include "vtep.h"
#include "msg.h"
#include "nl.h"
#include "scratch.h"

/*
 * A request's OWNER attribute @a (enum vtep_owner): without one, UNSPEC
 * for what a NEW stores, VTEP_OWNER_ANY for what a DEL or FLUSH (@match)
 * matches. KERNEL names learned FDB entries only: no request gives it.
 */
static int owner_get(struct nlattr *a, bool match, int *owner,
		     struct netlink_ext_ack *extack)
{
	if (!a) {
		*owner = match ? VTEP_OWNER_ANY : VTEP_OWNER_UNSPEC;
		return 0;
	}
	*owner = nla_get_u8(a);
	if (*owner == VTEP_OWNER_KERNEL) {
		NL_SET_ERR_MSG_ATTR(extack, a,
				    "Owner KERNEL is the kernel's own (learned entries): not for requests");
		return -EINVAL;
	}
	return 0;
}

/*
 * The nest @type of a REMOTE or PEER command (their VNI and addresses are
 * attributes 1, 2 and 3 alike): parsed with @policy into @tb, the VNI
 * found and the address checked.
 */
static int vni_addr_nest(struct vtep_dev *vtep, struct genl_info *info,
			 int type, const struct nla_policy *policy,
			 unsigned int maxtype, struct nlattr **tb,
			 struct vtep_vni **vni, struct vtep_addr *addr)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *nest = info->attrs[type];
	int err;

	BUILD_BUG_ON((int)VTEP_REMOTE_A_VNI != (int)VTEP_PEER_A_VNI ||
		     (int)VTEP_REMOTE_A_ADDR != (int)VTEP_PEER_A_ADDR ||
		     (int)VTEP_REMOTE_A_ADDR6 != (int)VTEP_PEER_A_ADDR6);
	if (GENL_REQ_ATTR_CHECK(info, type))
		return -EINVAL;
	err = nla_parse_nested(tb, maxtype, nest, policy, extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, VTEP_REMOTE_A_VNI))
		return -EINVAL;
	*vni = vtep_nl_vni(vtep, tb[VTEP_REMOTE_A_VNI], extack);
	if (!*vni)
		return -ENOENT;
	return vtep_nl_peer_addr(vtep, nest, tb[VTEP_REMOTE_A_ADDR],
			       tb[VTEP_REMOTE_A_ADDR6], VTEP_REMOTE_A_ADDR, addr,
			       extack);
}

int vtep_nl_remote_change(struct vtep_dev *vtep, struct genl_info *info)
{
	struct nlattr *tb[VTEP_REMOTE_A_MAX + 1];
	bool del = info->genlhdr->cmd == VTEP_CMD_REMOTE_DEL;
	struct vtep_addr addr;
	struct vtep_vni *vni;
	int err, owner;

	err = vni_addr_nest(vtep, info, VTEP_A_REMOTE, vtep_remote_policy,
			    VTEP_REMOTE_A_MAX, tb, &vni, &addr);
	if (err)
		return err;
	err = owner_get(tb[VTEP_REMOTE_A_OWNER], del, &owner, info->extack);
	if (err)
		return err;
	if (del)
		err = vtep_vni_remote_remove(vtep, vni, &addr, owner,
					     info->extack);
	else
		err = vtep_vni_remote_new(vtep, vni, &addr, owner,
					  info->nlhdr->nlmsg_flags &
					  NLM_F_REPLACE, info->extack);
	/* One copy of a flood per peer, however many of its addresses */
	if (!err && vtep_alias_any(vtep))
		vtep_alias_dedup(vtep, vni);
	return err;
}

/*
 * VTEP_A_ALIAS { ADDR|ADDR6, PEER|PEER6 }: ADDR is another address of the
 * peer PEER; a delete names ADDR only.
 */
int vtep_nl_alias_change(struct vtep_dev *vtep, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[VTEP_A_ALIAS];
	struct nlattr *tb[VTEP_ALIAS_A_MAX + 1];
	struct vtep_addr addr, peer;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, VTEP_A_ALIAS))
		return -EINVAL;
	err = nla_parse_nested(tb, VTEP_ALIAS_A_MAX, nest, vtep_alias_policy,
			       info->extack);
	if (err)
		return err;
	err = vtep_nl_peer_addr(vtep, nest, tb[VTEP_ALIAS_A_ADDR],
				tb[VTEP_ALIAS_A_ADDR6], VTEP_ALIAS_A_ADDR, &addr,
			      info->extack);
	if (err)
		return err;
	if (info->genlhdr->cmd == VTEP_CMD_ALIAS_DEL)
		return vtep_alias_del(vtep, &addr, info->extack);
	err = vtep_nl_peer_addr(vtep, nest, tb[VTEP_ALIAS_A_PEER],
				tb[VTEP_ALIAS_A_PEER6], VTEP_ALIAS_A_PEER, &peer,
			      info->extack);
	return err ?: vtep_alias_add(vtep, &addr, &peer,
				     info->nlhdr->nlmsg_flags & NLM_F_REPLACE,
				     info->extack);
}

int vtep_nl_alias_get(struct vtep_dev *vtep, struct genl_info *info)
{
	return vtep_reply_aliases(info, vtep);
}

/*
 * VTEP_A_PEER { VNI, ADDR|ADDR6, [PREFIX], [OWNER] }: an address or prefix
 * allowed to send the VNI's frames. The prefix length defaults to the
 * whole address and may not exceed it.
 */
int vtep_nl_peer_change(struct vtep_dev *vtep, struct genl_info *info)
{
	bool del = info->genlhdr->cmd == VTEP_CMD_PEER_DEL;
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *tb[VTEP_PEER_A_MAX + 1];
	struct vtep_addr addr;
	struct vtep_vni *vni;
	int err, owner;
	u8 plen, bits;

	err = vni_addr_nest(vtep, info, VTEP_A_PEER, vtep_peer_policy,
			    VTEP_PEER_A_MAX, tb, &vni, &addr);
	if (err)
		return err;
	bits = addr.family == AF_INET6 ? 128 : 32;
	plen = tb[VTEP_PEER_A_PREFIX] ? nla_get_u8(tb[VTEP_PEER_A_PREFIX]) : bits;
	if (plen > bits) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VTEP_PEER_A_PREFIX],
				    "Prefix is longer than the address");
		return -EINVAL;
	}
	err = owner_get(tb[VTEP_PEER_A_OWNER], del, &owner, extack);
	if (err)
		return err;
	if (del)
		return vtep_allow_del(vtep, vni, &addr, plen, owner, extack);
	return vtep_allow_add(vtep, vni, &addr, plen, owner,
			      info->nlhdr->nlmsg_flags & NLM_F_REPLACE, extack);
}

/* PEER_GET: VTEP_A_PEER { VNI }, the VNI's explicit allowances */
int vtep_nl_peer_get(struct vtep_dev *vtep, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[VTEP_A_PEER];
	struct nlattr *tb[VTEP_PEER_A_MAX + 1];
	struct vtep_vni *vni;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, VTEP_A_PEER))
		return -EINVAL;
	err = nla_parse_nested(tb, VTEP_PEER_A_MAX, nest, vtep_peer_policy,
			       info->extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, nest, tb, VTEP_PEER_A_VNI))
		return -EINVAL;
	vni = vtep_nl_vni(vtep, tb[VTEP_PEER_A_VNI], info->extack);
	return vni ? vtep_reply_peers(info, vtep, vni) : -ENOENT;
}

/*
 * VTEP_A_NEIGH { VNI, ADDR|ADDR6, [LLADDR], [OWNER] }: an overlay
 * neighbour of the VNI, of either family whatever the underlay's; LLADDR
 * for an add.
 */
int vtep_nl_neigh_change(struct vtep_dev *vtep, struct genl_info *info)
{
	bool del = info->genlhdr->cmd == VTEP_CMD_NEIGH_DEL;
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *nest = info->attrs[VTEP_A_NEIGH];
	struct nlattr *tb[VTEP_NEIGH_A_MAX + 1];
	struct vtep_addr addr;
	struct vtep_vni *vni;
	int err, owner;
	const u8 *mac;

	if (GENL_REQ_ATTR_CHECK(info, VTEP_A_NEIGH))
		return -EINVAL;
	err = nla_parse_nested(tb, VTEP_NEIGH_A_MAX, nest, vtep_neigh_policy,
			       extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, VTEP_NEIGH_A_VNI))
		return -EINVAL;
	if (!tb[VTEP_NEIGH_A_ADDR] == !tb[VTEP_NEIGH_A_ADDR6]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "Neighbour needs one address, IPv4 or IPv6");
		return -EINVAL;
	}
	vtep_addr_get(&addr, tb[VTEP_NEIGH_A_ADDR], tb[VTEP_NEIGH_A_ADDR6]);
	if (!vtep_addr_is_unicast(&addr) ||
	    (addr.family == AF_INET ? ipv4_is_loopback(addr.ip4) :
				      ipv6_addr_loopback(&addr.ip6))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VTEP_NEIGH_A_ADDR] ?:
				    tb[VTEP_NEIGH_A_ADDR6],
				    "Neighbour address must be unicast");
		return -EINVAL;
	}
	vni = vtep_nl_vni(vtep, tb[VTEP_NEIGH_A_VNI], extack);
	if (!vni)
		return -ENOENT;
	err = owner_get(tb[VTEP_NEIGH_A_OWNER], del, &owner, extack);
	if (err)
		return err;
	if (del)
		return vtep_neigh_del(vtep, vni, &addr, owner, extack);
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, VTEP_NEIGH_A_LLADDR))
		return -EINVAL;
	mac = nla_data(tb[VTEP_NEIGH_A_LLADDR]);
	if (!is_valid_ether_addr(mac)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VTEP_NEIGH_A_LLADDR],
				    "Neighbour MAC must be unicast and not zero");
		return -EINVAL;
	}
	return vtep_neigh_add(vtep, vni, &addr, mac, owner,
			      info->nlhdr->nlmsg_flags & NLM_F_REPLACE, extack);
}

/*
 * A VTEP_A_FDB nest: VNI and MAC; the destination for an add, and for a
 * delete optionally (it must then match), as the owner.
 */
static int fdb_parse(struct vtep_dev *vtep, struct nlattr *nest, u8 cmd,
		     struct vtep_fdb_cfg *e, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VTEP_FDB_A_MAX + 1];
	int err, owner;

	/*
	 * No policy here: genetlink checked the whole request against
	 * vtep_policy before the op ran, and that checks VTEP_A_FDB, and
	 * each entry of VTEP_A_FDB_LIST (a nested array), against
	 * vtep_fdb_policy too. Checking again cost 500 of the kernel's
	 * 3,000 instructions an entry of a batch (make bench-insns,
	 * install-1m); this only sorts the attributes into @tb.
	 */
	err = nla_parse_nested(tb, VTEP_FDB_A_MAX, nest, NULL, extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, VTEP_FDB_A_VNI) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, VTEP_FDB_A_MAC))
		return -EINVAL;
	memset(e, 0, sizeof(*e));
	ether_addr_copy(e->mac, nla_data(tb[VTEP_FDB_A_MAC]));
	if (!is_valid_ether_addr(e->mac)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VTEP_FDB_A_MAC],
				    "VTEP_FDB_A_MAC must be a unicast address");
		return -EINVAL;
	}
	e->vni = vtep_nl_vni(vtep, tb[VTEP_FDB_A_VNI], extack);
	if (!e->vni)
		return -ENOENT;
	if (cmd == VTEP_CMD_FDB_GET)
		return 0;
	err = owner_get(tb[VTEP_FDB_A_OWNER], cmd == VTEP_CMD_FDB_DEL, &owner,
			extack);
	if (err)
		return err;
	e->match_owner = owner != VTEP_OWNER_ANY;
	e->owner = e->match_owner ? owner : VTEP_OWNER_UNSPEC;
	if (cmd == VTEP_CMD_FDB_DEL) {
		if (!tb[VTEP_FDB_A_DST] && !tb[VTEP_FDB_A_DST6])
			return 0;
		e->match_dst = true;
	} else if (tb[VTEP_FDB_A_TYPE] &&
		   nla_get_u8(tb[VTEP_FDB_A_TYPE]) == VTEP_FDB_TYPE_LEARNED) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VTEP_FDB_A_TYPE],
				    "FDB entries of the control plane must be static");
		return -EOPNOTSUPP;
	}
	return vtep_nl_peer_addr(vtep, nest, tb[VTEP_FDB_A_DST],
			       tb[VTEP_FDB_A_DST6], VTEP_FDB_A_DST, &e->dst,
			       extack);
}

/*
 * A parsed batch of FDB_NEW or FDB_DEL applied; *bad names a refused
 * entry. An add may say how many entries its load still brings
 * (VTEP_A_FDB_EXPECT), for the tables to take that size once.
 */
static int fdb_apply(struct vtep_dev *vtep, struct genl_info *info,
		     const struct vtep_fdb_cfg *e, unsigned int n,
		     unsigned int *bad)
{
	bool replace = info->nlhdr->nlmsg_flags & NLM_F_REPLACE;
	struct nlattr *expect = info->attrs[VTEP_A_FDB_EXPECT];

	if (info->genlhdr->cmd == VTEP_CMD_FDB_NEW)
		return vtep_fdb_add_batch(vtep, e, n, replace,
					  expect ? nla_get_u32(expect) : 0,
					  bad, info->extack);
	return vtep_fdb_del_batch(vtep, e, n, bad, info->extack);
}

/* Point a refusal at record @r of a VTEP_A_FDB_RECORDS batch */
#define REC_ERR(extack, r, msg) \
	NL_SET_ERR_MSG_ATTR(extack, (const struct nlattr *)(r), msg)

/*
 * A record of VTEP_A_FDB_RECORDS, checked as fdb_parse() checks a nest.
 * @last is the VNI of the record before, if any: a batch is mostly of one
 * VNI, whose lookup is then spared.
 */
static int fdb_rec_parse(struct vtep_dev *vtep, const struct vtep_fdb_rec *r,
			 u8 cmd, struct vtep_vni *last, struct vtep_fdb_cfg *e,
			 struct netlink_ext_ack *extack)
{
	bool del = cmd == VTEP_CMD_FDB_DEL;
	const u32 *w;

	memset(e, 0, sizeof(*e));
	if (r->flags & ~VTEP_FDB_REC_F_OWNER || r->reserved[0] ||
	    r->reserved[1] || r->reserved[2]) {
		REC_ERR(extack, r, "Unknown flags or reserved bytes set in an FDB record");
		return -EINVAL;
	}
	if (!r->vni || r->vni > VTEP_VNI_MAX) {
		REC_ERR(extack, r, "VNI is not configured on the device");
		return -ERANGE;
	}
	e->vni = last && last->id == r->vni ? last :
		 vtep_nl_vni_id(vtep, r->vni, (const struct nlattr *)r, extack);
	if (!e->vni)
		return -ENOENT;
	ether_addr_copy(e->mac, r->mac);
	if (!is_valid_ether_addr(e->mac)) {
		REC_ERR(extack, r, "An FDB record's MAC must be a unicast address");
		return -EINVAL;
	}
	if (r->flags & VTEP_FDB_REC_F_OWNER) {
		if (r->owner == VTEP_OWNER_KERNEL) {
			REC_ERR(extack, r, "Owner KERNEL is the kernel's own (learned entries): not for requests");
			return -EINVAL;
		}
		e->match_owner = true;
		e->owner = r->owner;
	}	/* else no owner: UNSPEC (0) for an add, any for a delete */
	if (!r->family && del)
		return 0;
	e->match_dst = del;
	e->dst.family = r->family;
	/* the records are 4-byte aligned, as the attribute's data is */
	w = (const u32 *)r->dst;
	if (r->family == AF_INET && !(w[1] | w[2] | w[3])) {
		memcpy(&e->dst.ip4, r->dst, 4);
	} else if (r->family == AF_INET6) {
		memcpy(&e->dst.ip6, r->dst, 16);
	} else {
		REC_ERR(extack, r, "An FDB record's destination must be AF_INET (the rest zero) or AF_INET6");
		return -EINVAL;
	}
	return vtep_nl_addr_check(vtep, &e->dst, (const struct nlattr *)r,
				  extack);
}

/* FDB_NEW and FDB_DEL of a VTEP_A_FDB_RECORDS batch */
static int fdb_records_change(struct vtep_dev *vtep, struct genl_info *info)
{
	const struct vtep_fdb_rec *r = nla_data(info->attrs[VTEP_A_FDB_RECORDS]);
	unsigned int n = nla_len(info->attrs[VTEP_A_FDB_RECORDS]) / sizeof(*r);
	struct netlink_ext_ack *extack = info->extack;
	u8 cmd = info->genlhdr->cmd;
	struct vtep_fdb_cfg *e;
	unsigned int i, bad;
	int err = 0;

	if (info->attrs[VTEP_A_FDB] || info->attrs[VTEP_A_FDB_LIST]) {
		NL_SET_ERR_MSG_ATTR(extack, info->attrs[VTEP_A_FDB_RECORDS],
				    "A request carries one of VTEP_A_FDB, VTEP_A_FDB_LIST and VTEP_A_FDB_RECORDS");
		return -EINVAL;
	}
	e = vtep_scratch_get(VTEP_SCRATCH_CFG, n, sizeof(*e));
	if (!e)
		return -ENOMEM;
	for (i = 0; i < n && !err; i++)
		err = fdb_rec_parse(vtep, &r[i], cmd, i ? e[i - 1].vni : NULL,
				    &e[i], extack);
	if (!err) {
		err = fdb_apply(vtep, info, e, n, &bad);
		if (err)
			NL_SET_BAD_ATTR(extack, (const struct nlattr *)&r[bad]);
	}
	vtep_scratch_put(VTEP_SCRATCH_CFG, e);
	return err;
}

/* The VTEP_A_FDB nests of a request: the one, or every one of the list */
static int fdb_nests(struct genl_info *info, struct nlattr ***at,
		     unsigned int *n)
{
	struct nlattr *list = info->attrs[VTEP_A_FDB_LIST];
	struct nlattr *a;
	int rem;

	*n = 0;
	if (info->attrs[VTEP_A_FDB] && list) {
		NL_SET_ERR_MSG_ATTR(info->extack, list,
				    "A request carries VTEP_A_FDB or VTEP_A_FDB_LIST, not both");
		return -EINVAL;
	}
	if (!list) {
		if (GENL_REQ_ATTR_CHECK(info, VTEP_A_FDB))
			return -EINVAL;
		*at = kmalloc(sizeof(**at), GFP_KERNEL);
		if (!*at)
			return -ENOMEM;
		(*at)[(*n)++] = info->attrs[VTEP_A_FDB];
		return 0;
	}
	nla_for_each_nested(a, list, rem) {
		if (nla_type(a) != VTEP_A_FDB) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "VTEP_A_FDB_LIST must hold VTEP_A_FDB entries only");
			return -EINVAL;
		}
		(*n)++;
	}
	*at = kvmalloc_array(*n ?: 1, sizeof(**at), GFP_KERNEL_ACCOUNT);
	if (!*at)
		return -ENOMEM;
	*n = 0;
	nla_for_each_nested(a, list, rem)
		(*at)[(*n)++] = a;
	return 0;
}

/*
 * FDB_NEW and FDB_DEL, of one entry or a batch: every entry is parsed and
 * checked before fdb.c applies the whole batch or none of it; an error
 * points at the entry refused.
 */
int vtep_nl_fdb_change(struct vtep_dev *vtep, struct genl_info *info)
{
	struct netlink_ext_ack *extack = info->extack;
	u8 cmd = info->genlhdr->cmd;
	struct vtep_fdb_cfg *e = NULL;
	struct nlattr **at = NULL;
	unsigned int n, i, bad;
	int err;

	if (info->attrs[VTEP_A_FDB_RECORDS])
		return fdb_records_change(vtep, info);
	err = fdb_nests(info, &at, &n);
	if (err || !n)
		goto out;
	e = vtep_scratch_get(VTEP_SCRATCH_CFG, n, sizeof(*e));
	if (!e) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		err = fdb_parse(vtep, at[i], cmd, &e[i], extack);
		if (err) {
			NL_SET_BAD_ATTR(extack, at[i]);
			goto out;
		}
	}
	err = fdb_apply(vtep, info, e, n, &bad);
	if (err)
		NL_SET_BAD_ATTR(extack, at[bad]);
out:
	vtep_scratch_put(VTEP_SCRATCH_CFG, e);
	kvfree(at);
	return err;
}

/* FDB_GET: the entry a VTEP_A_FDB { VNI, MAC } names */
int vtep_nl_fdb_get(struct vtep_dev *vtep, struct genl_info *info)
{
	struct nlattr *nest = info->attrs[VTEP_A_FDB];
	struct vtep_fdb_cfg e;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, VTEP_A_FDB))
		return -EINVAL;
	err = fdb_parse(vtep, nest, VTEP_CMD_FDB_GET, &e, info->extack);
	if (err)
		return err;
	err = vtep_reply_fdb(info, vtep, &e);
	if (err == -ENOENT)
		NL_SET_ERR_MSG_ATTR(info->extack, nest, "no such FDB entry");
	return err;
}

/*
 * The optional { VNI } filter of a remote or neighbour dump: the VNI is
 * attribute 1 of both nests, each parsed with its own policy.
 */
int vtep_nl_vni_filter(struct vtep_dev *vtep, struct nlattr *nest,
		       const struct nla_policy *policy, unsigned int maxtype,
		      u32 *vni, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VTEP_NEIGH_A_MAX + 1];
	int err;

	BUILD_BUG_ON((int)VTEP_REMOTE_A_VNI != (int)VTEP_NEIGH_A_VNI ||
		     VTEP_REMOTE_A_MAX > VTEP_NEIGH_A_MAX);
	*vni = 0;
	if (!nest)
		return 0;
	err = nla_parse_nested(tb, maxtype, nest, policy, extack);
	if (err || !tb[VTEP_REMOTE_A_VNI])
		return err;
	if (!vtep_nl_vni(vtep, tb[VTEP_REMOTE_A_VNI], extack))
		return -ENOENT;
	*vni = nla_get_u32(tb[VTEP_REMOTE_A_VNI]);
	return 0;
}

/*
 * The optional { VNI, TYPE } filter of an FDB dump, or { VNI, TYPE, OWNER }
 * of a flush (@owner given): a dump's reader filters owners itself.
 */
int vtep_nl_fdb_filter(struct vtep_dev *vtep, struct nlattr *nest, u32 *vni,
		       u8 *type, int *owner, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[VTEP_FDB_A_MAX + 1];
	int err, i;

	*vni = 0;
	*type = VTEP_FDB_TYPE_ANY;
	if (owner)
		*owner = VTEP_OWNER_ANY;
	if (!nest)
		return 0;
	err = nla_parse_nested(tb, VTEP_FDB_A_MAX, nest, vtep_fdb_policy, extack);
	if (err)
		return err;
	for (i = VTEP_FDB_A_MAC; i <= VTEP_FDB_A_DST6; i++) {
		if (tb[i]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[i],
					    "FDB filter must hold only VTEP_FDB_A_VNI, _TYPE and (a flush) _OWNER");
			return -EINVAL;
		}
	}
	if (tb[VTEP_FDB_A_VNI]) {
		if (!vtep_nl_vni(vtep, tb[VTEP_FDB_A_VNI], extack))
			return -ENOENT;
		*vni = nla_get_u32(tb[VTEP_FDB_A_VNI]);
	}
	if (tb[VTEP_FDB_A_TYPE])
		*type = nla_get_u8(tb[VTEP_FDB_A_TYPE]);
	if (!owner) {
		if (tb[VTEP_FDB_A_OWNER]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[VTEP_FDB_A_OWNER],
					    "FDB dumps do not filter on VTEP_FDB_A_OWNER");
			return -EINVAL;
		}
		return 0;
	}
	return owner_get(tb[VTEP_FDB_A_OWNER], true, owner, extack);
}

int vtep_nl_fdb_flush(struct vtep_dev *vtep, struct genl_info *info)
{
	int err, owner;
	u32 vni;
	u8 type;

	err = vtep_nl_fdb_filter(vtep, info->attrs[VTEP_A_FDB], &vni, &type,
				 &owner, info->extack);
	if (!err)
		vtep_fdb_flush(vtep, vni ? vtep_vni_lookup(vtep, vni) : NULL,
			       type, owner);
	return err;
}
