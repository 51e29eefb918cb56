// SPDX-License-Identifier: GPL-2.0
/*
 * link_vtep.so: the "vtep" link kind for iproute2's ip(8).
 *
 *   ip link add vtep0 type vtep local 192.0.2.1 underlay eth0 port 4789
 *   ip link set vtep0 type vtep learning off ageing 600
 *   ip -d link show vtep0      ip -j -d link show vtep0      ip link help vtep
 *
 * ip dlopens $IP_LIB_DIR/link_vtep.so (default /usr/lib/<multiarch>/ip)
 * and looks up vtep_link_util, the one symbol this object exports. The
 * settings travel in IFLA_INFO_DATA as the VTEP_LINK_A_* attributes of
 * uapi/linux/vtep.h, the same the module takes from vtepctl. Nothing of
 * vtepctl (nor libmnl) is linked in: its names would clash with ip's.
 * The keywords, the usage, the text line and the JSON keys are vtepctl's
 * link grammar: both are built from the table of ../link_opts.h and its
 * code in ../link_opts.c, compiled in here (libc only). "dev IF" is taken
 * for "underlay IF", as for vxlan. tests/topo/iplink_plugin.sh diffs
 * "ip -j -d link show" against "vtepctl -j link show".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <linux/vtep.h>

#include "iproute2.h"
#include "link_opts.h"

#define EXPORT __attribute__((visibility("default")))

static void usage(FILE *f)
{
	fputs("Usage: ... vtep [ LINK_OPTIONS ]\n"
	      "Where: LINK_OPTIONS := LINK_OPTION [ LINK_OPTION ... ], each once (local\n"
	      "       up to 8 times), LINK_OPTION one of:\n"
	      LINK_OPTS_USAGE
	      "\"dev IF\" is the same as \"underlay IF\". VNIs, remotes and FDB\n"
	      "entries are programmed with vtepctl(8).\n", f);
}

static void put_attr(void *msg, unsigned int attr, const void *d, size_t len)
{
	addattr_l(msg, IPLINK_REQ_MAX, (int)attr, d, (int)len);
}

static void *put_nest(void *msg, unsigned int attr)
{
	return addattr_nest(msg, IPLINK_REQ_MAX, (int)attr);
}

static void put_nest_end(void *msg, void *nest)
{
	addattr_nest_end(msg, nest);
}

#define NEXT_ARG() do { argv++; if (--argc <= 0) incomplete_command(); } while (0)

/* Each keyword once (local up to 8 times), as in ip's other kinds */
static int vtep_parse_opt(struct link_util *lu, int argc, char **argv,
			  struct nlmsghdr *n)
{
	const struct link_put put = { put_attr, put_nest, put_nest_end, n };
	struct link_vals vals = { 0 };
	const char *why, *bad;
	uint32_t seen = 0;

	for (; argc > 0; argc--, argv++) {
		const char *key = *argv;
		const struct link_opt *o;
		uint32_t bit;

		if (!strcmp(key, "help")) {
			usage(stdout);
			return -1;
		}
		o = link_opt_find(strcmp(key, "dev") ? key : "underlay");
		if (!o) {
			fprintf(stderr, "vtep: unknown option \"%s\"?\n", key);
			usage(stderr);
			return -1;
		}
		NEXT_ARG();
		if (o->type == LT_RANGE)
			NEXT_ARG();
		bit = 1u << (o - link_opts);
		if ((seen & bit) && !(o->flags & LO_MANY))
			duparg2(key, *argv);
		seen |= bit;
		if (link_opt_parse(o, o->type == LT_RANGE ? argv - 1 : argv,
				   &vals, &why, &bad))
			invarg(why, bad);
	}
	link_opts_put(&put, &vals);
	if (!(vals.given & (1u << LO_UNDERLAY)))
		return 0;
	if (vals.dev[0]) {
		vals.ifindex = ll_name_to_index(vals.dev);
		if (!vals.ifindex)
			invarg("underlay device does not exist", vals.dev);
	}
	addattr32(n, IPLINK_REQ_MAX, VTEP_LINK_A_UNDERLAY, vals.ifindex);
	return 0;
}

/* ---- link_opts.h's printer on ip's json_print ---- */

static void out_text(const char *s)
{
	print_color_string(PRINT_FP, COLOR_NONE, NULL, "%s", s);
}

static void out_str(const char *key, const char *v)
{
	if (v)
		print_color_string(PRINT_JSON, COLOR_NONE, key, NULL, v);
	else
		print_color_null(PRINT_JSON, COLOR_NONE, key, NULL, NULL);
}

static void out_uint(const char *key, uint64_t v)
{
	print_color_u64(PRINT_JSON, COLOR_NONE, key, NULL, v);
}

static void out_bool(const char *key, bool v)
{
	print_color_bool(PRINT_JSON, COLOR_NONE, key, NULL, v);
}

static void out_open(const char *key, bool array)
{
	if (array)
		open_json_array(PRINT_JSON, key);
	else
		open_json_object(key);
}

static void out_close(bool array)
{
	if (array)
		close_json_array(PRINT_JSON, NULL);
	else
		close_json_object();
}

static const char *out_ifname(uint32_t ifindex, char *buf)
{
	const char *name = ll_index_to_name(ifindex);

	if (!name)
		return NULL;
	snprintf(buf, 16, "%s", name);
	return buf;
}

static const struct link_printer printer = {
	out_text, out_str, out_uint, out_bool, out_open, out_close,
	out_ifname,
};

static const void *rta_payload(const void *tb, unsigned int attr, size_t *len)
{
	struct rtattr *a = ((struct rtattr *const *)tb)[attr];

	if (!a)
		return NULL;
	*len = RTA_PAYLOAD(a);
	return RTA_DATA(a);
}

static void vtep_print_opt(struct link_util *lu, FILE *f, struct rtattr *tb[])
{
	if (tb)
		link_opts_print(&printer, rta_payload, tb);
}

static void vtep_print_help(struct link_util *lu, int argc, char **argv,
			    FILE *f)
{
	usage(f);
}

/* Not const: ip links it into its list of kinds through ->next */
EXPORT struct link_util vtep_link_util = {
	.id		= "vtep",
	.maxattr	= VTEP_LINK_A_MAX,
	.parse_opt	= vtep_parse_opt,
	.print_opt	= vtep_print_opt,
	.print_help	= vtep_print_help,
};
