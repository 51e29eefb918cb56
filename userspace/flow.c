// SPDX-License-Identifier: GPL-2.0
/*
 * flows: the elephant flows a device found by sampling what it sends, with
 * the outer source port each takes now and how often it moved.
 */
#include <arpa/inet.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "vtepctl.h"

#define F BIT(FLOWS_SHOW)
#define T(t, a, f) KT(struct flows_req, t, a, f)

static const struct kw flows_kws[] = {
	{ "dev", F, 0, 1, 0, NULL, T(KW_DEV, 0, dev) },
	{ NULL },
};

static const struct vtep_op flows_ops[] = {
	[FLOWS_SHOW] = { "show", VTEP_CMD_FLOW_GET, flow_print, true },
	{ NULL },
};

static void print_ip_attr(const struct nlattr *a4, const struct nlattr *a6,
			  const char *key, const char *fmt)
{
	char buf[INET6_ADDRSTRLEN];
	struct vtep_ip ip;

	if (attr_ip(a4, a6, &ip))
		print_string(PRINT_ANY, key, fmt, format_ip(&ip, buf, sizeof(buf)));
}

static void print_mac_attr(const struct nlattr *a, const char *key,
			   const char *fmt)
{
	char buf[18];

	if (a && mnl_attr_get_payload_len(a) == 6)
		print_string(PRINT_ANY, key, fmt,
			     format_mac(mnl_attr_get_payload(a), buf));
}

static void print_port_attr(const struct nlattr *a, const char *key,
			    const char *fmt)
{
	uint16_t v;

	if (attr_u16(a, &v))
		print_uint(PRINT_ANY, key, fmt, ntohs(v));
}

/*
 * One elephant: "vni 100 proto 6 10.0.0.1 -> 10.0.0.2 sport 40000 dport
 * 5201 rate 123456789 outer-sport 51234 outer-src 192.0.2.1 moves 3
 * dev vtep0"; an event (monitor) starts with its name.
 */
int flow_print(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	const struct nlattr *t[VTEP_FLOW_A_MAX + 1];
	const struct show_opts *o = data;
	uint32_t u32 = 0;
	uint64_t rate;
	uint8_t proto;
	const char *dev;

	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	if (!tb[VTEP_A_FLOW])
		return 0;
	dev = attr_str(tb[VTEP_A_IFNAME]);
	attr_parse_nest(tb[VTEP_A_FLOW], t, VTEP_FLOW_A_MAX);
	open_json_object(NULL);
	if (o && o->event)
		print_string(PRINT_ANY, "event", "%s ", o->event);
	attr_u32(t[VTEP_FLOW_A_VNI], &u32);
	print_uint(PRINT_ANY, "vni", "vni %u ", u32);
	if (attr_u8(t[VTEP_FLOW_A_PROTO], &proto))
		print_uint(PRINT_ANY, "proto", "proto %u ", proto);
	print_ip_attr(t[VTEP_FLOW_A_SRC], t[VTEP_FLOW_A_SRC6], "src", "%s ");
	print_mac_attr(t[VTEP_FLOW_A_SRC_MAC], "src_mac", "%s ");
	print_text("-> ");
	print_ip_attr(t[VTEP_FLOW_A_DST], t[VTEP_FLOW_A_DST6], "dst", "%s ");
	print_mac_attr(t[VTEP_FLOW_A_DST_MAC], "dst_mac", "%s ");
	print_port_attr(t[VTEP_FLOW_A_SPORT], "sport", "sport %u ");
	print_port_attr(t[VTEP_FLOW_A_DPORT], "dport", "dport %u ");
	if (attr_u64(t[VTEP_FLOW_A_RATE], &rate))
		print_u64(PRINT_ANY, "rate", "rate %llu ", rate);
	print_port_attr(t[VTEP_FLOW_A_OUTER_SPORT], "outer_sport",
			"outer-sport %u ");
	print_ip_attr(t[VTEP_FLOW_A_OUTER_SRC], t[VTEP_FLOW_A_OUTER_SRC6],
		      "outer_src", "outer-src %s ");
	if (attr_u32(t[VTEP_FLOW_A_MOVES], &u32))
		print_uint(PRINT_ANY, "moves", "moves %u ", u32);
	if (dev && !(o && o->dev_given))
		print_string(PRINT_ANY, "ifname", "dev %s ", dev);
	close_json_object();
	print_nl();
	return 0;
}

static void flows_what(const void *req, char *buf, size_t len)
{
	const struct flows_req *r = req;

	snprintf(buf, len, "flows of dev %s", r->dev);
}

const struct vtep_object flows_object = {
	VTEP_OBJECT(flows, FLOWS_SHOW),
	.summary = "the elephant flows a device found by sampling",
	.help =
	"Usage: vtepctl flows show [ dev NAME ]\n"
	"Lists the elephants: flows sent at elephant-rate or more (see\n"
	"vtepctl link help: sample, elephant-rate, resteer, flowlet-gap), with\n"
	"their VNI, inner addresses, protocol and ports (MACs if not IP), the\n"
	"estimated rate in bytes/s, the outer source port and address they\n"
	"take now, and how many times re-steering moved them.\n",
	.what = flows_what,
};
