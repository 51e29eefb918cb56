// SPDX-License-Identifier: GPL-2.0
/*
 * monitor: follow the "events" multicast group, one line (or one JSON
 * object a line) per event.
 *
 * A listener that falls behind loses events: the kernel drops them and the
 * next recv() fails with ENOBUFS. Going on would leave whoever reads us
 * with a table that silently differs from the kernel's (the failure mode
 * of vxlan neighbour notifications at scale), so monitor says so on
 * stderr and, unless told "noresync", dumps the VNI and FDB tables again
 * between "resync_begin" and "resync_end" lines. The socket stays joined
 * meanwhile: events raised during the dump follow it, in order, so
 * applying them over the dumped state converges on the kernel's.
 *
 * -t and -ts stamp each event as ip monitor does: -t a line of its own
 * before it ("Timestamp: Sun Dec  6 20:01:02 2026 123456 usec"), -ts a
 * prefix ("[2026-12-06T20:01:02.123456] "); with -j, a "timestamp" key,
 * the short form, first in the event's object.
 */
#include <errno.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <libmnl/libmnl.h>

#include "vtepctl.h"

static const char *const event_names[] = {
	[VTEP_EVENT_UNSPEC] = "unknown",
	[VTEP_EVENT_FDB_ADDED] = "fdb_added",
	[VTEP_EVENT_FDB_CHANGED] = "fdb_changed",
	[VTEP_EVENT_FDB_DELETED] = "fdb_deleted",
	[VTEP_EVENT_FDB_LEARNED] = "fdb_learned",
	[VTEP_EVENT_FDB_MOVED] = "fdb_moved",
	[VTEP_EVENT_FDB_AGED] = "fdb_aged",
	[VTEP_EVENT_FDB_MISS] = "fdb_miss",
	[VTEP_EVENT_VNI_ADDED] = "vni_added",
	[VTEP_EVENT_VNI_CHANGED] = "vni_changed",
	[VTEP_EVENT_VNI_DELETED] = "vni_deleted",
	[VTEP_EVENT_PEER_REFUSED] = "peer_refused",
	[VTEP_EVENT_ELEPHANT] = "elephant",
};

_Static_assert(sizeof(event_names) / sizeof(event_names[0]) ==
	       __VTEP_EVENT_END, "an event of enum vtep_event has no name");

const char *event_name(unsigned int ev)
{
	return ev < __VTEP_EVENT_END ? event_names[ev] : "unknown";
}

#define M BIT(0)
#define T(t, a, f) KT(struct monitor_req, t, a, f)

static const struct kw monitor_kws[] = {
	{ "dev", M, 0, 1, 0, NULL, T(KW_DEV, 0, dev) },
	{ "dump", M, 0, 0, 0, NULL, T(KW_TRUE, 0, dump) },
	{ "resync", M, 0, 0, 1, .type = KW_NONE },
	{ "noresync", M, 0, 0, 1, NULL, T(KW_TRUE, 0, noresync) },
	{ NULL },
};

int monitor_parse(int argc, char **argv, struct monitor_req *r)
{
	return obj_parse(&monitor_object, 0, argc, argv, r);
}

static void clock_now(struct timeval *tv)
{
	gettimeofday(tv, NULL);
}

void (*monitor_clock)(struct timeval *tv) = clock_now;

/* The stamp of what comes next, in local time as ip prints it */
static void timestamp(const struct monitor_req *r)
{
	static char tshort[64];
	char day[32], tlong[32];
	struct timeval tv;
	struct tm tm;

	if (!r || !r->timestamp)
		return;
	monitor_clock(&tv);
	localtime_r(&tv.tv_sec, &tm);
	strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(tshort, sizeof(tshort), "%s.%06ld", day, (long)tv.tv_usec);
	if (is_json()) {
		print_first_key("timestamp", tshort);
	} else if (r->timestamp == 2) {
		print_text("[%s] ", tshort);
	} else {
		strftime(tlong, sizeof(tlong), "%a %b %e %H:%M:%S %Y", &tm);
		print_text("Timestamp: %s %ld usec", tlong, (long)tv.tv_usec);
		print_nl();
	}
}

int monitor_print_event(const struct nlmsghdr *nlh, void *data)
{
	const struct monitor_req *r = data;
	const struct nlattr *tb[VTEP_A_MAX + 1];
	struct show_opts o = { 0 };
	const char *ifname = "";
	uint8_t ev = 0;

	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	attr_u8(tb[VTEP_A_EVENT], &ev);
	if (attr_str(tb[VTEP_A_IFNAME]))
		ifname = attr_str(tb[VTEP_A_IFNAME]);
	if (r && r->dev[0] && strcmp(r->dev, ifname))
		return 0;
	timestamp(r);
	o.event = event_name(ev);
	if (tb[VTEP_A_FDB]) {
		fdb_print(nlh, &o);
	} else if (tb[VTEP_A_VNI]) {
		vni_print(nlh, &o);
	} else if (tb[VTEP_A_PEER]) {
		peer_print(nlh, &o);
	} else if (tb[VTEP_A_FLOW]) {
		flow_print(nlh, &o);
	} else {
		open_json_object(NULL);
		print_string(PRINT_ANY, "event", "%s ", o.event);
		print_string(PRINT_ANY, "ifname", "dev %s ", ifname);
		close_json_object();
		print_nl();
	}
	print_first_key(NULL, NULL);	/* unused if the event printed nothing */
	print_flush();
	return 0;
}

static void marker(const struct monitor_req *r, const char *what)
{
	timestamp(r);
	open_json_object(NULL);
	print_string(PRINT_ANY, "event", "%s", what);
	close_json_object();
	print_nl();
	print_flush();
}

static int resync_dev(struct vtep_ctx *ctx, const char *ifname, void *data)
{
	struct show_opts vo = { .event = "vni_present" };
	struct show_opts fo = { .event = "fdb_present" };
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;

	nlh = nl_genl_msg(ctx->nl, buf, VTEP_CMD_VNI_GET, 0);
	put_dev(nlh, ifname);
	if (dump_print(ctx, nlh, vni_print, &vo))
		return -1;
	nlh = nl_genl_msg(ctx->nl, buf, VTEP_CMD_FDB_GET, 0);
	put_dev(nlh, ifname);
	return dump_print(ctx, nlh, fdb_print, &fo);
}

static int resync(struct vtep_ctx *ctx, const struct monitor_req *r)
{
	int err;

	marker(r, "resync_begin");
	err = for_each_vtep(ctx, r->dev, resync_dev, NULL);
	marker(r, "resync_end");
	print_flush();
	return err;
}

static int monitor_run(struct vtep_ctx *ctx, void *req)
{
	struct monitor_req *r = req;
	int err;

	r->timestamp = ctx->timestamp;
	if (nl_monitor_open(ctx->nl))
		return -1;
	/* joined first, dumped second: nothing falls in between */
	if (r->dump && resync(ctx, r))
		return -1;
	for (;;) {
		err = nl_monitor_recv(ctx->nl, monitor_print_event, req);
		if (err == -ENOBUFS) {
			if (r->noresync) {
				pr_warn("events lost (overrun), no resync (\"noresync\"): tables shown so far may be stale");
				continue;
			}
			pr_warn("events lost (overrun), resync: dumping the VNI and FDB tables again");
			if (resync(ctx, r))
				return -1;
			continue;
		}
		if (err) {
			pr_err("receiving events: %s", strerror(-err));
			return -1;
		}
	}
}

static const struct vtep_op monitor_ops[] = {
	{ NULL, .run = monitor_run },
	{ NULL },
};

const struct vtep_object monitor_object = {
	.name = "monitor",
	.summary = "print events as they happen; resynchronise after an overrun",
	.help =
	"Usage: vtepctl monitor [ dev NAME ] [ dump ] [ resync | noresync ]\n"
	"Prints one line (with -j, one JSON object a line) per event:\n"
	"  fdb_added fdb_changed fdb_deleted fdb_learned fdb_moved fdb_aged\n"
	"  fdb_miss vni_added vni_changed vni_deleted\n"
	"dump: first print the current VNIs and FDB (vni_present, fdb_present\n"
	"      lines between resync_begin and resync_end), then follow events.\n"
	"When events are lost (the socket overran), a warning goes to stderr and,\n"
	"with resync (the default), the tables are dumped again the same way;\n"
	"noresync only warns.\n"
	"With vtepctl -t, a \"Timestamp: ...\" line comes before each event; -ts, a\n"
	"[YYYY-MM-DDTHH:MM:SS.USEC] prefix; with -j, a \"timestamp\" key.\n",
	.kws = monitor_kws,
	.req_size = sizeof(struct monitor_req),
	.ops = monitor_ops,
};
