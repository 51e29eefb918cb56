// SPDX-License-Identifier: GPL-2.0
/*
 * The life of a vtep device, driven the way operators drive it: `ip link`.
 * Each test runs in a fresh network namespace (the harness forks per test,
 * so the namespace dies with the test).
 */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "vtep_sh.h"

/*
 * Ask the kernel about a device by ioctl (sysfs shows the initial
 * namespace's devices, not this test's); -1 if that fails.
 */
static int dev_ioctl(const char *name, unsigned long req, struct ifreq *ifr)
{
	int fd, ret;

	memset(ifr, 0, sizeof(*ifr));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	strncpy(ifr->ifr_name, name, IFNAMSIZ - 1);
	ret = ioctl(fd, req, ifr);
	close(fd);
	return ret;
}

static int dev_mtu(const char *name)
{
	struct ifreq ifr;

	return dev_ioctl(name, SIOCGIFMTU, &ifr) < 0 ? -1 : ifr.ifr_mtu;
}

static int dev_flags(const char *name)
{
	struct ifreq ifr;

	return dev_ioctl(name, SIOCGIFFLAGS, &ifr) < 0 ? -1 : ifr.ifr_flags;
}

FIXTURE(netns) {
	int dummy;
};

FIXTURE_SETUP(netns)
{
	ASSERT_EQ(0, unshare(CLONE_NEWNET)) TH_LOG("unshare: %s", strerror(errno));
	ASSERT_EQ(0, sh("ip link set lo up"));
}

FIXTURE_TEARDOWN(netns)
{
}

TEST_F(netns, ip_link_adds_and_deletes_a_vtep_device)
{
	ASSERT_EQ(0, sh("ip link add vtep0 type vtep"));
	ASSERT_NE(0, if_nametoindex("vtep0"));
	EXPECT_EQ(0, sh("ip -d link show vtep0 | grep -q 'vtep'"));
	ASSERT_EQ(0, sh("ip link del vtep0"));
	EXPECT_EQ(0, if_nametoindex("vtep0"));
}

TEST_F(netns, device_goes_up_and_down)
{
	ASSERT_EQ(0, sh("ip link add vtep0 type vtep"));
	ASSERT_EQ(0, sh("ip link set vtep0 up"));
	EXPECT_TRUE(dev_flags("vtep0") & IFF_UP);
	ASSERT_EQ(0, sh("ip link set vtep0 down"));
	EXPECT_FALSE(dev_flags("vtep0") & IFF_UP);
	/* Up again: the underlay socket is reopened, not leaked. */
	ASSERT_EQ(0, sh("ip link set vtep0 up"));
	EXPECT_TRUE(dev_flags("vtep0") & IFF_UP);
	ASSERT_EQ(0, sh("ip link del vtep0"));
}

TEST_F(netns, two_devices_share_one_port)
{
	ASSERT_EQ(0, sh("ip link add vtep0 type vtep"));
	ASSERT_EQ(0, sh("ip link add vtep1 type vtep"));
	ASSERT_EQ(0, sh("ip link set vtep0 up"));
	ASSERT_EQ(0, sh("ip link set vtep1 up"));
	EXPECT_TRUE(dev_flags("vtep1") & IFF_UP);
	/* Deleting a device that is up closes its share of the socket. */
	ASSERT_EQ(0, sh("ip link del vtep0"));
	ASSERT_EQ(0, sh("ip link set vtep1 down"));
	ASSERT_EQ(0, sh("ip link set vtep1 up"));
}

TEST_F(netns, default_mtu_leaves_room_for_the_ipv4_headers)
{
	ASSERT_EQ(0, sh("ip link add vtep0 type vtep"));
	EXPECT_EQ(1450, dev_mtu("vtep0"));
	/* A larger MTU than the underlay carries is refused. */
	EXPECT_NE(0, sh("ip link set vtep0 mtu 1451"));
	EXPECT_EQ(0, sh("ip link set vtep0 mtu 1400"));
	EXPECT_EQ(1400, dev_mtu("vtep0"));
}

TEST_F(netns, mtu_follows_the_underlay_device)
{
	ASSERT_EQ(0, sh("ip link add u0 mtu 9000 type veth peer name u1"));
	ASSERT_EQ(0, sh("ip link add vtep0 link u0 type vtep"));
	EXPECT_EQ(8950, dev_mtu("vtep0"));
}

TEST_F(netns, refuses_an_underlay_that_does_not_exist)
{
	EXPECT_NE(0, sh("ip link add vtep0 link nosuchdev type vtep"));
	EXPECT_EQ(0, if_nametoindex("vtep0"));
}

TEST_F(netns, cannot_move_to_another_namespace)
{
	ASSERT_EQ(0, sh("ip link add vtep0 type vtep"));
	ASSERT_EQ(0, sh("ip netns add vtep-lifecycle-other"));
	EXPECT_NE(0, sh("ip link set vtep0 netns vtep-lifecycle-other"));
	EXPECT_NE(0, if_nametoindex("vtep0"));
	sh("ip netns del vtep-lifecycle-other");
}

TEST_F(netns, is_invisible_from_another_namespace)
{
	ASSERT_EQ(0, sh("ip link add vtep0 type vtep"));
	ASSERT_EQ(0, sh("ip netns add vtep-lifecycle-peek"));
	EXPECT_NE(0, sh("ip -n vtep-lifecycle-peek link show vtep0"));
	sh("ip netns del vtep-lifecycle-peek");
}

TEST_F(netns, counts_in_ethtool_statistics)
{
	ASSERT_EQ(0, sh("ip link add vtep0 type vtep"));
	EXPECT_EQ(0, sh("ethtool -S vtep0 | grep -q 'tx_packets: 0'"));
	EXPECT_EQ(0, sh("ethtool -i vtep0 | grep -q 'driver: vtep'"));
}

/*
 * A namespace that dies with an up device in it takes the device (and its
 * socket) along; the VM runner fails the run if the kernel log complains.
 */
TEST(namespace_deletion_takes_its_devices)
{
	int i, status;

	for (i = 0; i < 3; i++) {
		pid_t pid = fork();

		ASSERT_GE(pid, 0);
		if (pid == 0) {
			if (unshare(CLONE_NEWNET))
				_exit(1);
			if (sh("ip link add vtep0 type vtep") ||
			    sh("ip link add vtep1 type vtep") ||
			    sh("ip link set vtep0 up") || sh("ip link set vtep1 up"))
				_exit(2);
			_exit(0);
		}
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFEXITED(status));
		EXPECT_EQ(0, WEXITSTATUS(status));
	}
}

TEST_HARNESS_MAIN
