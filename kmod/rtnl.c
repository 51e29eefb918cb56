// SPDX-License-Identifier: GPL-2.0
/*
 * The link nest and rtnetlink: the policy of the device's settings
 * (IFLA_INFO_DATA for "ip link", VTEP_A_LINK for genl: the same nest, the
 * same policy and parser, so both refuse the same requests with the same
 * words), and the rtnl_link_ops that create, change and describe a vtep
 * device. device.c gets the parsed settings as a struct vtep_link_cfg.
 */
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <net/rtnetlink.h>

#include "vtep.h"
#include "msg.h"

/* Limits beyond what fits the policy's s16 min/max go through a range. */
static struct netlink_range_validation ageing_range = {
	.max = VTEP_AGEING_MAX,
};

static struct netlink_range_validation gap_range = {
	.min = 1,
	.max = VTEP_FLOWLET_GAP_MAX,
};

static struct netlink_range_validation sample_range = {
	.max = VTEP_SAMPLE_MAX,
};

static struct netlink_range_validation rate_range = {
	.min = VTEP_ELEPHANT_RATE_MIN,
	.max = U64_MAX,
};

static const struct nla_policy locals_policy[VTEP_LOCAL_A_MAX + 1] = {
	[VTEP_LOCAL_A_ADDR]	  = { .type = NLA_BE32 },
	[VTEP_LOCAL_A_ADDR6]	  = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
};

/* rtnetlink's IFLA_INFO_DATA and genl's VTEP_A_LINK: one nest, one policy */
const struct nla_policy vtep_link_policy[VTEP_LINK_A_MAX + 1] = {
	[VTEP_LINK_A_LOCAL]	  = { .type = NLA_BE32 },
	[VTEP_LINK_A_LOCAL6]	  = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[VTEP_LINK_A_PORT]	  = NLA_POLICY_MIN(NLA_BE16, 1),
	[VTEP_LINK_A_UNDERLAY]	  = { .type = NLA_U32 },
	[VTEP_LINK_A_TTL]	  = { .type = NLA_U8 },
	[VTEP_LINK_A_TOS]	  = { .type = NLA_U8 },
	[VTEP_LINK_A_DF]	  = NLA_POLICY_MAX(NLA_U8, VTEP_DF_MAX),
	[VTEP_LINK_A_LEARNING]	  = NLA_POLICY_MAX(NLA_U8, 1),
	[VTEP_LINK_A_AGEING]	  = NLA_POLICY_FULL_RANGE(NLA_U32, &ageing_range),
	[VTEP_LINK_A_FDB_MAX]	  = { .type = NLA_U32 },
	[VTEP_LINK_A_PORT_MIN]	  = NLA_POLICY_MIN(NLA_U16, 1),
	[VTEP_LINK_A_PORT_MAX]	  = NLA_POLICY_MIN(NLA_U16, 1),
	[VTEP_LINK_A_UDP_CSUM]	  = NLA_POLICY_MAX(NLA_U8, 1),
	[VTEP_LINK_A_MOVE_NOTICE] = NLA_POLICY_MAX(NLA_U8, 1),
	[VTEP_LINK_A_FDB_COUNT]	  = VTEP_READ_ONLY(VTEP_LINK_A_FDB_COUNT),
	[VTEP_LINK_A_VNI_COUNT]	  = VTEP_READ_ONLY(VTEP_LINK_A_VNI_COUNT),
	[VTEP_LINK_A_UDP6_ZERO_CSUM_RX] = NLA_POLICY_MAX(NLA_U8, 1),
	[VTEP_LINK_A_LEARN_MAX]	  = { .type = NLA_U32 },
	[VTEP_LINK_A_PEER_MAX]	  = { .type = NLA_U32 },
	[VTEP_LINK_A_REMOTE_MAX]  = { .type = NLA_U32 },
	[VTEP_LINK_A_RESTEER]	  = NLA_POLICY_MAX(NLA_U8, 1),
	[VTEP_LINK_A_FLOWLET_GAP] = NLA_POLICY_FULL_RANGE(NLA_U32, &gap_range),
	[VTEP_LINK_A_SAMPLE]	  = NLA_POLICY_FULL_RANGE(NLA_U32, &sample_range),
	[VTEP_LINK_A_ELEPHANT_RATE] = NLA_POLICY_FULL_RANGE(NLA_U64, &rate_range),
	[VTEP_LINK_A_LOCALS]	  = NLA_POLICY_NESTED(locals_policy),
	[VTEP_LINK_A_LEARN_MAX_DEV] = { .type = NLA_U32 },
};

/* NL_SET_ERR_MSG_ATTR() takes only a literal; these are literals too. */
static int locals_refuse(struct netlink_ext_ack *extack,
			 const struct nlattr *at, const char *why)
{
	NL_SET_BAD_ATTR(extack, at);
	if (extack)
		extack->_msg = why;
	return -EINVAL;
}

/*
 * VTEP_LINK_A_LOCALS: the device's addresses, the primary first; one
 * family, each once, unicast (the wildcard only alone), at most
 * VTEP_LOCAL_ADDRS_MAX.
 */
static int locals_parse(const struct nlattr *nest, struct vtep_cfg *cfg,
			struct netlink_ext_ack *extack)
{
	const struct nlattr *at;
	unsigned int n = 0, i;
	struct vtep_addr a;
	int rem;

	nla_for_each_nested(at, nest, rem) {
		if (nla_type(at) != VTEP_LOCAL_A_ADDR &&
		    nla_type(at) != VTEP_LOCAL_A_ADDR6)
			return locals_refuse(extack, at, "Local addresses must be VTEP_LOCAL_A_ADDR or VTEP_LOCAL_A_ADDR6");
		if (n == VTEP_LOCAL_ADDRS_MAX)
			return locals_refuse(extack, at, "A device has at most 8 local addresses");
		vtep_addr_get(&a, nla_type(at) == VTEP_LOCAL_A_ADDR ? at : NULL,
			      at);
		if (n && a.family != cfg->local.family)
			return locals_refuse(extack, at, "Local addresses must all be IPv4 or all IPv6");
		if (!vtep_addr_is_unicast(&a) && (n || !vtep_addr_any(&a)))
			return locals_refuse(extack, at, "Local addresses must be unicast (the wildcard only alone)");
		for (i = 0; i < n; i++)
			if (vtep_addr_equal(vtep_cfg_local(cfg, i), &a))
				return locals_refuse(extack, at, "Local address given twice");
		*(n ? &cfg->more[n - 1] : &cfg->local) = a;
		n++;
	}
	if (!n)
		return locals_refuse(extack, nest, "LOCALS must hold an address");
	if (n > 1 && vtep_addr_any(&cfg->local))
		return locals_refuse(extack, nest, "Local addresses must be unicast (the wildcard only alone)");
	cfg->nlocals = n;
	return 0;
}

/*
 * A VTEP_LINK_A nest (genl's VTEP_A_LINK or rtnetlink's IFLA_INFO_DATA,
 * checked by vtep_link_policy) into the settings it leads to from @cur.
 * device.c checks what the device's state allows.
 */
int vtep_nl_link_parse(struct nlattr **tb, const struct vtep_cfg *cur,
		       struct vtep_link_cfg *lc, struct netlink_ext_ack *extack)
{
	struct nlattr *l4 = tb[VTEP_LINK_A_LOCAL], *l6 = tb[VTEP_LINK_A_LOCAL6];
	struct vtep_cfg *cfg = &lc->cfg;
	const struct vtep_link_field *f;
	unsigned int i;

	BUILD_BUG_ON(VTEP_LINK_A_MAX >= 32);
	lc->cfg = *cur;
	lc->set = 0;
	for (i = 1; i <= VTEP_LINK_A_MAX; i++)
		if (tb[i])
			lc->set |= BIT(i);
	if ((l4 && l6) || ((l4 || l6) && tb[VTEP_LINK_A_LOCALS])) {
		NL_SET_ERR_MSG_ATTR(extack, l6 ?: tb[VTEP_LINK_A_LOCALS],
				    "Local address must be IPv4 or IPv6 or a list, not two of them");
		return -EINVAL;
	}
	if (tb[VTEP_LINK_A_LOCALS]) {
		int err = locals_parse(tb[VTEP_LINK_A_LOCALS], cfg, extack);

		if (err)
			return err;
	}
	if (l4 || l6) {
		cfg->nlocals = 1;
		vtep_addr_get(&cfg->local, l4, l6);
		if (!vtep_addr_any(&cfg->local) &&
		    !vtep_addr_is_unicast(&cfg->local)) {
			NL_SET_ERR_MSG_ATTR(extack, l4 ?: l6,
					    "Local address must be unicast");
			return -EINVAL;
		}
	}
	/* The policy checked each one's type and range. */
	for (i = 0; i < vtep_n_link_fields; i++) {
		f = &vtep_link_fields[i];
		if (tb[f->attr])
			memcpy((u8 *)cfg + f->off, nla_data(tb[f->attr]), f->len);
	}
	if (cfg->port_min > cfg->port_max) {
		NL_SET_ERR_MSG_ATTR(extack, tb[VTEP_LINK_A_PORT_MIN] ?:
				    tb[VTEP_LINK_A_PORT_MAX],
				    "Source port range must not be empty (min > max)");
		return -EINVAL;
	}
	return 0;
}

static int vtep_validate(struct nlattr *tb[], struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS] &&
	    (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN ||
	     !is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS])))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
				    "Address must be a unicast Ethernet address");
		return -EADDRNOTAVAIL;
	}
	return 0;
}

/* IFLA_INFO_DATA, absent or not, as changes to the device's settings */
static int vtep_rtnl_parse(struct net_device *dev, struct nlattr *data[],
			   struct vtep_link_cfg *lc,
			   struct netlink_ext_ack *extack)
{
	struct nlattr *none[VTEP_LINK_A_MAX + 1] = {};
	struct vtep_dev *vtep = netdev_priv(dev);

	return vtep_nl_link_parse(data ?: none, &vtep->cfg, lc, extack);
}

/*
 * Who may create a device (the safety model, vtep.h): by default only a
 * caller with CAP_NET_ADMIN in the initial user namespace. Root of a user
 * namespace of its own (which any local user can make on Debian's
 * defaults, and which the module's autoload aliases reach) may create one
 * only when the host's administrator says so with this parameter.
 */
static bool userns_create;
module_param(userns_create, bool, 0644);
MODULE_PARM_DESC(userns_create,
		 "Let root of a non-initial user namespace create vtep devices (default: N)");

/*
 * IFLA_LINK names the underlay device too, unless the nest does; either is
 * an ifindex of the creator's namespace (@src_net), where "ip link add
 * link IF" looked IF up, even when the device is created in another one.
 */
static int vtep_newlink(struct net *src_net, struct net_device *dev,
			struct nlattr *tb[], struct nlattr *data[],
			struct netlink_ext_ack *extack)
{
	struct vtep_link_cfg lc;
	int err;

	/* The caller's: rtnetlink runs newlink in the requester's context */
	if (!READ_ONCE(userns_create) && !capable(CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG(extack,
			       "Creating a vtep device needs CAP_NET_ADMIN in the initial user namespace (see the module parameter userns_create)");
		return -EPERM;
	}
	err = vtep_rtnl_parse(dev, data, &lc, extack);
	if (err)
		return err;
	if (tb[IFLA_LINK] && !(lc.set & BIT(VTEP_LINK_A_UNDERLAY))) {
		lc.cfg.underlay = nla_get_u32(tb[IFLA_LINK]);
		lc.set |= BIT(VTEP_LINK_A_UNDERLAY);
	}
	return vtep_dev_newlink(dev, src_net, &lc, tb[IFLA_MTU], extack);
}

static int vtep_changelink(struct net_device *dev, struct nlattr *tb[],
			   struct nlattr *data[],
			   struct netlink_ext_ack *extack)
{
	struct vtep_link_cfg lc;

	return vtep_rtnl_parse(dev, data, &lc, extack) ?:
	       vtep_dev_configure(netdev_priv(dev), &lc, extack);
}

static size_t vtep_get_size(const struct net_device *dev)
{
	return vtep_msg_link_size();
}

static int vtep_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	return vtep_msg_put_link(skb, netdev_priv(dev));
}

static struct rtnl_link_ops vtep_link_ops __read_mostly = {
	.kind		= "vtep",
	.maxtype	= VTEP_LINK_A_MAX,
	.policy		= vtep_link_policy,
	.priv_size	= sizeof(struct vtep_dev),
	.setup		= vtep_dev_setup,
	.validate	= vtep_validate,
	.newlink	= vtep_newlink,
	.changelink	= vtep_changelink,
	.get_size	= vtep_get_size,
	.fill_info	= vtep_fill_info,
};

int vtep_rtnl_init(void)
{
	return rtnl_link_register(&vtep_link_ops);
}

/* Deletes every vtep device in every namespace. */
void vtep_rtnl_uninit(void)
{
	rtnl_link_unregister(&vtep_link_ops);
}
