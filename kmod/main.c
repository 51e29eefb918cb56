// SPDX-License-Identifier: GPL-2.0
/*
 * vtep: a VXLAN tunnel endpoint. Module init and exit: a ladder, each rung
 * undone in reverse on failure and at exit.
 */
#include <linux/module.h>
#include <net/netns/generic.h>
#include <net/rtnetlink.h>

#include "vtep.h"
#include "scratch.h"


static int __net_init vtep_net_init(struct net *net)
{
	struct vtep_net *vn = net_generic(net, vtep_net_id);

	INIT_LIST_HEAD(&vn->devs);
	INIT_LIST_HEAD(&vn->socks);
	return 0;
}

/*
 * A namespace going away takes with it the vtep devices whose sockets and
 * underlay live in it (vn->devs), wherever the devices sit; those that sit
 * in it with their underlay elsewhere go with the namespace's devices.
 */
static void __net_exit vtep_net_exit_batch(struct list_head *net_list)
{
	struct vtep_dev *vtep, *next;
	struct net *net;
	LIST_HEAD(kill);

	rtnl_lock();
	list_for_each_entry(net, net_list, exit_list) {
		struct vtep_net *vn = net_generic(net, vtep_net_id);

		list_for_each_entry_safe(vtep, next, &vn->devs, net_node)
			unregister_netdevice_queue(vtep->dev, &kill);
	}
	unregister_netdevice_many(&kill);
	rtnl_unlock();

	list_for_each_entry(net, net_list, exit_list) {
		struct vtep_net *vn = net_generic(net, vtep_net_id);

		WARN_ON_ONCE(!list_empty(&vn->devs));
		WARN_ON_ONCE(!list_empty(&vn->socks));
	}
}

static struct pernet_operations vtep_net_ops = {
	.init = vtep_net_init,
	.exit_batch = vtep_net_exit_batch,
	.id = &vtep_net_id,
	.size = sizeof(struct vtep_net),
};

static int __init vtep_init(void)
{
	int err;

	vtep_flow_init();
	err = vtep_peer_cache_init();
	if (err)
		return err;

	err = register_pernet_subsys(&vtep_net_ops);
	if (err)
		goto err_uninit_peer_cache;

	/* Underlay devices' MTU changes and unregistration */
	err = vtep_dev_notifier_init();
	if (err)
		goto err_unregister_pernet;

	/* The genl family first: devices send events on it until they die. */
	err = vtep_netlink_init();
	if (err)
		goto err_uninit_notifier;

	err = vtep_rtnl_init();
	if (err)
		goto err_uninit_netlink;

	pr_info("vtep: VXLAN tunnel endpoint loaded\n");
	return 0;

err_uninit_netlink:
	vtep_netlink_uninit();
	vtep_scratch_uninit();
err_uninit_notifier:
	vtep_dev_notifier_uninit();
err_unregister_pernet:
	unregister_pernet_subsys(&vtep_net_ops);
err_uninit_peer_cache:
	vtep_peer_cache_uninit();
	return err;
}

static void __exit vtep_exit(void)
{
	vtep_rtnl_uninit();
	vtep_netlink_uninit();
	vtep_scratch_uninit();	/* no FDB request can come now */
	vtep_dev_notifier_uninit();
	unregister_pernet_subsys(&vtep_net_ops);
	/*
	 * RCU callbacks of freed entries, remotes and peers run code of this
	 * module, and the last peers go back to their cache in them.
	 */
	rcu_barrier();
	vtep_peer_cache_uninit();
}

module_init(vtep_init);
module_exit(vtep_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("VXLAN tunnel endpoint");
MODULE_AUTHOR("The vtep developers");
MODULE_VERSION(VTEP_VERSION);
MODULE_ALIAS_RTNL_LINK("vtep");
MODULE_ALIAS_GENL_FAMILY(VTEP_GENL_NAME);
