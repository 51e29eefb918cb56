// SPDX-License-Identifier: GPL-2.0
/*
 * The safety model (kmod/vtep.h, README "Who may do what"): what holds
 * whatever the sequence of requests and whoever sends them.
 *  - no loop and no unbounded stack of devices through the underlay;
 *  - one owner per (socket, VNI): two devices on one local address and
 *    port never both take a VNI's frames;
 *  - creating a device needs CAP_NET_ADMIN in the initial user namespace,
 *    unless the module parameter userns_create says otherwise.
 * Each test runs in a fresh network namespace (vtep_dev) or makes its own.
 */
#include <grp.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "vtep_fixture.h"
#include "vtep_sh.h"

#define USERNS_PARAM	"/sys/module/vtep/parameters/userns_create"

/* rtnetlink: vtep @name, local @local, on the underlay @link (IFLA_LINK) */
static int newlink_on(struct vnl *rt, const char *name, const char *local,
		      int link)
{
	struct nlmsghdr *nlh = vnl_msg(rt, RTM_NEWLINK,
				       NLM_F_CREATE | NLM_F_EXCL);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	struct nlattr *info, *data;

	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_LINK, link);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vtep");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, VTEP_LINK_A_LOCAL, vnl_ip4(local));
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return vnl_run(rt, nlh, NULL, NULL);
}

/* ---- the graph of devices ---- */

/*
 * vtep0 on a dummy at MTU 65535, va on vtep0; vtep0 onto va would be a
 * loop, and vtep0 onto itself too. On 509df23 the first was accepted and
 * the MTU notifier recursed until the stack guard page (a host panic).
 */
TEST_F(vtep_dev, an_underlay_loop_is_refused)
{
	int d0, va;

	ASSERT_EQ(0, sh("ip link add d0 type dummy && ip link set d0 mtu 65535"));
	d0 = if_nametoindex("d0");
	ASSERT_OK(link_set_u32(self->nl, self->ifindex, VTEP_LINK_A_UNDERLAY, d0));
	ASSERT_EQ(0, newlink_on(self->rt, "va", "192.0.2.2", self->ifindex))
		TH_LOG("va on vtep0: %s", self->rt->msg);
	va = if_nametoindex("va");
	ASSERT_NE(0, va);

	ASSERT_REFUSED(link_set_u32(self->nl, self->ifindex, VTEP_LINK_A_UNDERLAY,
				    va), EBUSY, "loop");
	ASSERT_REFUSED(link_set_u32(self->nl, self->ifindex, VTEP_LINK_A_UNDERLAY,
				    self->ifindex),
		       EBUSY, "loop");
	/* refused whole: vtep0 is still on d0, and d0 takes both with it */
	ASSERT_EQ(0, sh("ip link set d0 mtu 9000"));
	ASSERT_EQ(0, sh("ip link del d0"));
	EXPECT_EQ(0, if_nametoindex("vtep0"));
	EXPECT_EQ(0, if_nametoindex("va"));
}

/*
 * A stack of vteps, each on the one before, ends where the core's nesting
 * limit (MAX_NEST_DEV, 8 devices) does; deleting the bottom device takes
 * every one of them (one nested unregister per level, so bounded too).
 */
TEST_F(vtep_dev, a_stack_of_devices_is_bounded)
{
	char name[IFNAMSIZ], below[IFNAMSIZ] = "d0";
	int i, err = 0;

	ASSERT_EQ(0, sh("ip link add d0 type dummy && ip link set d0 mtu 65535"));
	for (i = 1; i <= 24; i++) {
		snprintf(name, sizeof(name), "s%d", i);
		err = newlink_on(self->rt, name, "192.0.2.3",
				 if_nametoindex(below));
		if (err)
			break;
		strcpy(below, name);
	}
	EXPECT_EQ(-EMLINK, err) TH_LOG("device %d: %s", i, self->rt->msg);
	EXPECT_GE(8, i - 1) TH_LOG("%d devices stacked", i - 1);
	EXPECT_NE(NULL, strstr(self->rt->msg, "stacked"))
		TH_LOG("extack \"%s\"", self->rt->msg);
	/* and the same limit through genl: the top device onto another */
	ASSERT_EQ(0, sh("ip link add d1 type dummy"));
	ASSERT_EQ(0, sh("ip link add t1 link d1 type vtep"));
	EXPECT_EQ(-EMLINK, link_set_u32(self->nl, if_nametoindex("t1"),
					VTEP_LINK_A_UNDERLAY, if_nametoindex(below)));
	ASSERT_EQ(0, sh("ip link del d0"));
	EXPECT_EQ(0, if_nametoindex("s1"));
	EXPECT_EQ(0, if_nametoindex(below));
}

/* ---- one owner per (socket, VNI) ---- */

static int dev_is_up(const char *name)
{
	struct ifreq ifr = {};
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ret;

	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	ret = fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) ? -1 :
	      !!(ifr.ifr_flags & IFF_UP);
	if (fd >= 0)
		close(fd);
	return ret;
}

/*
 * vtep0 and vtep1 share 192.0.2.1:4789, so one socket. On 509df23 both
 * could take VNI 100, and receive handed its frames to whichever device
 * opened last: root of another namespace took a tenant's traffic.
 */
TEST_F(vtep_dev, a_vni_of_a_shared_socket_has_one_owner)
{
	int v1;

	ASSERT_EQ(0, sh("ip link add d0 type dummy && ip addr add 192.0.2.1/24 dev d0 && ip link set d0 up"));
	ASSERT_EQ(0, vnl_newlink_vtep(self->rt, "vtep1", "192.0.2.1"));
	v1 = if_nametoindex("vtep1");
	ASSERT_OK(vni_new(self->nl, self->ifindex, 100, 10, NULL, 0));
	ASSERT_EQ(0, sh("ip link set vtep0 up && ip link set vtep1 up"));

	ASSERT_REFUSED(vni_new(self->nl, v1, 100, 10, NULL, 0), EEXIST,
		       "in use by another device");
	ASSERT_OK(vni_new(self->nl, v1, 200, 20, NULL, 0));
	/* down, vtep1 may hold VNI 100 in its table, but cannot come up */
	ASSERT_EQ(0, sh("ip link set vtep1 down"));
	ASSERT_OK(vni_new(self->nl, v1, 100, 10, NULL, 0));
	EXPECT_NE(0, sh("ip link set vtep1 up"));
	EXPECT_EQ(0, dev_is_up("vtep1"));
	/* a refused open gave back what it took: VNI 200 is free again */
	ASSERT_OK(vni_new(self->nl, self->ifindex, 200, 20, NULL, 0));
	ASSERT_OK(vnl_vni(self->nl, VTEP_CMD_VNI_DEL, 0, self->ifindex,
			  VNL_NEST(VNI_ID(200))));
	/* the owner closes: the VNI is free for the other device */
	ASSERT_EQ(0, sh("ip link set vtep0 down"));
	EXPECT_EQ(0, sh("ip link set vtep1 up"));
	EXPECT_NE(0, sh("ip link set vtep0 up"));
	/* and deleting the VNI frees it too */
	ASSERT_OK(vnl_vni(self->nl, VTEP_CMD_VNI_DEL, 0, v1,
			  VNL_NEST(VNI_ID(100))));
	EXPECT_EQ(0, sh("ip link set vtep0 up"));
}

/* ---- who may create a device ---- */

/*
 * As nobody, become root of a new user and network namespace (what any
 * local user can do on Debian's defaults), then try to create a vtep and
 * build the loop of the first test. The child's exit status: 0 if every
 * step went as @allowed says, else the step that did not.
 */
static int as_userns_root(bool allowed)
{
	char map[32];
	struct vnl *rt, *nl;
	int va, vb, err;

	if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
		return 10;
	/* A change of uid leaves /proc/self root's; as unshare -U after exec */
	if (prctl(PR_SET_DUMPABLE, 1))
		return 10;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
		return 11;
	snprintf(map, sizeof(map), "0 65534 1");
	if (write_file("/proc/self/setgroups", "deny") ||
	    write_file("/proc/self/uid_map", map) ||
	    write_file("/proc/self/gid_map", map))
		return 12;
	rt = vnl_open(NETLINK_ROUTE);
	nl = vnl_open(NETLINK_GENERIC);
	if (!rt || !nl)
		return 13;
	if (sh("ip link add d0 type dummy && ip link set d0 mtu 65535"))
		return 14;
	err = newlink_on(rt, "va", "192.0.2.1", if_nametoindex("d0"));
	if (!allowed) {
		if (err != -EPERM || !strstr(rt->msg, "initial user namespace"))
			return 20;
		return 0;
	}
	if (err)
		return 30;
	va = if_nametoindex("va");
	if (newlink_on(rt, "vb", "192.0.2.2", va))
		return 31;
	vb = if_nametoindex("vb");
	if (link_set_u32(nl, va, VTEP_LINK_A_UNDERLAY, vb) != -EBUSY)
		return 32;
	return sh("ip link del d0") || if_nametoindex("vb") ? 33 : 0;
}

static int run_as_userns_root(bool allowed)
{
	int status;
	pid_t pid = fork();

	if (pid == 0)
		_exit(as_userns_root(allowed));
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

TEST(a_user_namespace_creates_a_device_only_when_allowed)
{
	ASSERT_EQ(0, access(USERNS_PARAM, W_OK))
		TH_LOG("%s: %s", USERNS_PARAM, strerror(errno));
	ASSERT_EQ(0, write_file(USERNS_PARAM, "N"));
	EXPECT_EQ(0, run_as_userns_root(false));
	/* allowed by the administrator: the loop is still refused there */
	ASSERT_EQ(0, write_file(USERNS_PARAM, "Y"));
	EXPECT_EQ(0, run_as_userns_root(true));
	ASSERT_EQ(0, write_file(USERNS_PARAM, "N"));
}

TEST_HARNESS_MAIN
