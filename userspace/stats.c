// SPDX-License-Identifier: GPL-2.0
/*
 * stats: a device's counters, or one VNI's. The VTEP_A_STATS nest holds
 * one u64 per counter, attribute type i being counter i of enum vtep_stat,
 * so the names below follow that enum's order; a counter a newer module
 * appends shows as "stat_N" until this table learns its name.
 */
#include <string.h>
#include <libmnl/libmnl.h>

#include "vtepctl.h"

const char *const vtep_stat_names[] = {
	VTEP_STAT_NAMES
	NULL,
};

_Static_assert(sizeof(vtep_stat_names) / sizeof(vtep_stat_names[0]) ==
	       __VTEP_STAT_MAX + 1, "a counter of enum vtep_stat has no name");

#define S(cmd) BIT(STATS_##cmd)

#define T(t, a, f) KT(struct stats_req, t, a, f)

/* -o text (the default) or -o prom */
static int p_format(void *req, char **val)
{
	struct stats_req *r = req;

	if (!strcmp(val[0], "text")) {
		r->format = STATS_FMT_TEXT;
	} else if (!strcmp(val[0], "prom")) {
		r->format = STATS_FMT_PROM;
	} else {
		pr_err("output format \"%s\" is unknown: \"-o\" takes \"text\" or \"prom\"",
		       val[0]);
		return -1;
	}
	return 0;
}

static const struct kw stats_kws[] = {
	{ "dev", S(SHOW), 0, 1, 0, NULL, T(KW_DEV, 0, dev) },
	{ "vni", S(SHOW), 0, 1, 0, NULL, T(KW_VNI, VTEP_VNI_A_ID, vni) },
	{ "-o", S(SHOW), 0, 1, 0, p_format, T(KW_U8, 0, format) },
	{ NULL },
};

static int stats_print(const struct nlmsghdr *nlh, void *data);
static int stats_run(struct vtep_ctx *ctx, void *req);
static const struct vtep_op stats_ops[] = {
	[STATS_SHOW] = { "show", VTEP_CMD_STATS_GET, stats_print,
			 .run = stats_run },
	{ NULL },
};

static int stats_check(int cmd, void *req)
{
	const struct stats_req *r = req;

	if (r->vni && !r->dev[0]) {
		pr_err("\"stats show vni VNI\" needs \"dev NAME\"");
		return -1;
	}
	if (r->format == STATS_FMT_PROM && is_json()) {
		pr_err("\"-o prom\" and \"-j\" cannot be used together");
		return -1;
	}
	return 0;
}

/* show: text or JSON by the printer below, or the Prometheus format */
static int stats_run(struct vtep_ctx *ctx, void *req)
{
	const struct stats_req *r = req;

	if (r->format == STATS_FMT_PROM)
		return prom_run(ctx, r);
	return obj_show(ctx, &stats_object, req, VTEP_CMD_STATS_GET,
			stats_print, false);
}

/*
 * Text, one counter a line as ethtool -S has it:
 *   dev vtep0 vni 100
 *       tx_packets 12
 * JSON: {"ifindex": 5, "ifname": "vtep0", "vni": 100, "stats": {...}}
 */
static int stats_print(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	const struct nlattr *vt[VTEP_VNI_A_MAX + 1];
	const struct nlattr *a;
	uint32_t ifindex = 0, vni;
	const char *ifname = attr_parse_dev(nlh, tb, &ifindex);

	if (!tb[VTEP_A_STATS] || !ifname)
		return 0;
	attr_parse_nest(tb[VTEP_A_VNI], vt, VTEP_VNI_A_MAX);
	open_json_object(NULL);
	print_uint(PRINT_JSON, "ifindex", "%u", ifindex);
	print_string(PRINT_ANY, "ifname", "dev %s ", ifname);
	if (attr_u32(vt[VTEP_VNI_A_ID], &vni))
		print_uint(PRINT_ANY, "vni", "vni %u ", vni);
	print_nl();
	open_json_object("stats");
	mnl_attr_for_each_nested(a, tb[VTEP_A_STATS]) {
		uint16_t t = mnl_attr_get_type(a);
		char name[32];
		uint64_t v;

		if (!attr_u64(a, &v))
			continue;
		if (t < __VTEP_STAT_MAX)
			snprintf(name, sizeof(name), "%s", vtep_stat_names[t]);
		else
			snprintf(name, sizeof(name), "stat_%u", t);
		print_u64(PRINT_JSON, name, "%llu", v);
		print_text("    %-18s %llu\n", name, (unsigned long long)v);
	}
	close_json_object();
	close_json_object();
	return 0;
}

static void stats_what(const void *req, char *buf, size_t len)
{
	const struct stats_req *r = req;

	if (r->vni)
		snprintf(buf, len, "stats dev %s vni %u", r->dev, r->vni);
	else
		snprintf(buf, len, "stats dev %s", r->dev);
}

const struct vtep_object stats_object = {
	VTEP_OBJECT(stats, STATS_SHOW),
	.summary = "counters of a device or of one of its VNIs, drops by reason",
	.help =
	"Usage: vtepctl stats [ show ] [ dev NAME ] [ vni VNI ] [ -o FORMAT ]\n"
	"Where: VNI := 1-16777215, a VNI of NAME (needs dev)\n"
	"       FORMAT := { text | prom }: prom is the Prometheus text format\n"
	"       0.0.4 (node_exporter's textfile collector): without dev, every\n"
	"       device and each of its VNIs; see vtepctl(8), PROMETHEUS\n"
	"Counters: tx_packets tx_bytes rx_packets rx_bytes tx_flood tx_move_notice\n"
	"          fdb_learned fdb_moved fdb_aged and drop_REASON, one per reason\n"
	"          a frame was dropped (drop_no_vni, drop_unknown_vni, ...).\n",
	.nest = VTEP_A_VNI,
	.check = stats_check,
	.what = stats_what,
};
