/* SPDX-License-Identifier: GPL-2.0 */
/* The ip plugin in the unit tests (iplink_harness.c) */
#ifndef IPLINK_HARNESS_H
#define IPLINK_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

/* ip link ... type vtep ARGV: its attributes appended to n; -1 and
 * ip's error text in err if it refuses */
int iph_parse(int argc, char **argv, struct nlmsghdr *n, char *err,
	      size_t errlen);
/* ip -d [-j] link show: the plugin's part, from tb (VTEP_LINK_A_MAX + 1) */
void iph_print(struct rtattr **tb, bool json, char *buf, size_t len);
/* ip link help vtep */
void iph_usage(char *buf, size_t len);

#endif
