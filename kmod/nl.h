/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vtep: what netlink.c (policies, dispatch, dumps) and nl_tables.c (the
 * tables' requests) share. Only those two files include it.
 */
#ifndef VTEP_NL_H
#define VTEP_NL_H

#include "vtep.h"

extern const struct nla_policy vtep_remote_policy[VTEP_REMOTE_A_MAX + 1];
extern const struct nla_policy vtep_peer_policy[VTEP_PEER_A_MAX + 1];
extern const struct nla_policy vtep_neigh_policy[VTEP_NEIGH_A_MAX + 1];
extern const struct nla_policy vtep_alias_policy[VTEP_ALIAS_A_MAX + 1];
extern const struct nla_policy vtep_fdb_policy[VTEP_FDB_A_MAX + 1];

/* netlink.c: what every request's parser needs */
struct vtep_vni *vtep_nl_vni(struct vtep_dev *vtep, struct nlattr *id,
			     struct netlink_ext_ack *extack);
struct vtep_vni *vtep_nl_vni_id(struct vtep_dev *vtep, u32 id,
				const struct nlattr *at,
				struct netlink_ext_ack *extack);
int vtep_nl_peer_addr(const struct vtep_dev *vtep, struct nlattr *nest,
		      struct nlattr *a4, struct nlattr *a6, int type4,
		      struct vtep_addr *addr, struct netlink_ext_ack *extack);
int vtep_nl_addr_check(const struct vtep_dev *vtep, const struct vtep_addr *addr,
		       const struct nlattr *at, struct netlink_ext_ack *extack);

/* nl_tables.c: the handlers of the tables' commands, and dump filters */
int vtep_nl_remote_change(struct vtep_dev *vtep, struct genl_info *info);
int vtep_nl_alias_change(struct vtep_dev *vtep, struct genl_info *info);
int vtep_nl_alias_get(struct vtep_dev *vtep, struct genl_info *info);
int vtep_nl_peer_change(struct vtep_dev *vtep, struct genl_info *info);
int vtep_nl_peer_get(struct vtep_dev *vtep, struct genl_info *info);
int vtep_nl_neigh_change(struct vtep_dev *vtep, struct genl_info *info);
int vtep_nl_fdb_change(struct vtep_dev *vtep, struct genl_info *info);
int vtep_nl_fdb_get(struct vtep_dev *vtep, struct genl_info *info);
int vtep_nl_fdb_flush(struct vtep_dev *vtep, struct genl_info *info);
int vtep_nl_vni_filter(struct vtep_dev *vtep, struct nlattr *nest,
		       const struct nla_policy *policy, unsigned int maxtype,
		       u32 *vni, struct netlink_ext_ack *extack);
int vtep_nl_fdb_filter(struct vtep_dev *vtep, struct nlattr *nest, u32 *vni,
		       u8 *type, int *owner, struct netlink_ext_ack *extack);

#endif
