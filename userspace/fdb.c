// SPDX-License-Identifier: GPL-2.0
/*
 * fdb: the MAC table, (VNI, MAC) -> remote VTEP. Static entries come from
 * here; learned ones from the datapath. In -batch, adds and deletes are
 * queued and sent in lists: see fdb_batch.c.
 */
#include <stdlib.h>
#include <string.h>
#include <libmnl/libmnl.h>

#include "vtepctl.h"

#define F(cmd) BIT(FDB_##cmd)
#define SET (F(ADD) | F(REPLACE))
#define ALL (SET | F(DEL) | F(SHOW) | F(FLUSH))

#define T(t, a, f) KT(struct fdb_req, t, a, f)

static const struct kw fdb_kws[] = {
	{ "vni", ALL, SET | F(DEL), 1, 0, NULL, T(KW_VNI, VTEP_FDB_A_VNI, vni) },
	{ "MAC", SET | F(DEL) | F(SHOW), SET | F(DEL), 1, 0, NULL,
	  T(KW_MAC, VTEP_FDB_A_MAC, mac) },
	/* del: only if the entry points there (a late hook, a migrated VM) */
	{ "dst", SET | F(DEL), SET, 1, 0, NULL, T(KW_IP, VTEP_FDB_A_DST, dst) },
	{ "dev", ALL, SET | F(DEL) | F(FLUSH), 1, 0, NULL, T(KW_DEV, 0, dev) },
	{ "static", F(SHOW) | F(FLUSH), 0, 0, 1, NULL,
	  T(KW_CONST, VTEP_FDB_A_TYPE, type), .val = VTEP_FDB_TYPE_STATIC },
	{ "learned", F(SHOW) | F(FLUSH), 0, 0, 1, NULL,
	  T(KW_CONST, VTEP_FDB_A_TYPE, type), .val = VTEP_FDB_TYPE_LEARNED },
	/* last: a batch entry (fdb_batch.c) puts it after dst too */
	{ "owner", ALL, 0, 1, 0, NULL, T(KW_OWNER, VTEP_FDB_A_OWNER, owner) },
	{ NULL },
};

static const struct vtep_op fdb_ops[] = {
	[FDB_ADD] = { "add", VTEP_CMD_FDB_NEW },
	[FDB_REPLACE] = { "replace", VTEP_CMD_FDB_NEW },
	[FDB_DEL] = { "del", VTEP_CMD_FDB_DEL },
	[FDB_SHOW] = { "show", VTEP_CMD_FDB_GET, fdb_print, true },
	[FDB_FLUSH] = { "flush", VTEP_CMD_FDB_FLUSH },
	{ NULL },
};

static int fdb_check(int cmd, void *req)
{
	const struct fdb_req *r = req;

	if (cmd == FDB_SHOW && (r->set & BIT(VTEP_FDB_A_MAC)) &&
	    (!(r->set & BIT(VTEP_FDB_A_VNI)) || !r->dev[0])) {
		pr_err("\"fdb show MAC\" needs \"vni VNI\" and \"dev NAME\"");
		return -1;
	}
	owner_default(FDB_ADD, FDB_REPLACE, cmd, req,
		      offsetof(struct fdb_req, owner), VTEP_FDB_A_OWNER);
	return 0;
}

/* One VTEP_A_FDB nest, as one entry of a batch carries it (fdb_batch.c
 * writes it directly; the unit tests hold the two to the same bytes) */
void fdb_put_entry(struct nlmsghdr *nlh, const struct fdb_req *r)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, VTEP_A_FDB);

	kw_put(nlh, fdb_kws, r);
	mnl_attr_nest_end(nlh, nest);
}

static const char *const type_names[] = {
	[VTEP_FDB_TYPE_ANY] = "any",
	[VTEP_FDB_TYPE_STATIC] = "static",
	[VTEP_FDB_TYPE_LEARNED] = "learned",
};

/*
 * "00:11:22:33:44:55 vni 100 dst 192.0.2.2 static owner evpn" or "...
 * learned owner kernel age 1234ms"; "dev NAME" in text only when the dump
 * was not of one device. JSON as bridge -j fdb show has it: "mac",
 * "ifname", "dst", "vni", "state" ("permanent" static, "" learned),
 * "owner", "updated" (seconds since the entry was last refreshed);
 * VTEPCTL_JSON_COMPAT: "type", "age_ms".
 */
int fdb_print(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[VTEP_A_MAX + 1];
	const struct nlattr *t[VTEP_FDB_A_MAX + 1];
	const struct show_opts *o = data;
	char buf[INET6_ADDRSTRLEN], mac[18];
	bool compat = json_compat();
	struct vtep_ip ip;
	uint32_t vni = 0, age;
	uint8_t type;

	attr_parse_genl(nlh, tb, VTEP_A_MAX);
	attr_parse_nest(tb[VTEP_A_FDB], t, VTEP_FDB_A_MAX);
	if (!t[VTEP_FDB_A_MAC] || mnl_attr_get_payload_len(t[VTEP_FDB_A_MAC]) != 6)
		return 0;
	attr_u32(t[VTEP_FDB_A_VNI], &vni);
	if ((o && o->vni && o->vni != vni) || owner_skip(o, t[VTEP_FDB_A_OWNER]))
		return 0;

	open_json_object(NULL);
	if (o && o->event)
		print_string(PRINT_ANY, "event", "%s ", o->event);
	print_string(PRINT_ANY, "mac", "%s ",
		     format_mac(mnl_attr_get_payload(t[VTEP_FDB_A_MAC]), mac));
	print_uint(PRINT_ANY, "vni", "vni %u ", vni);
	if (attr_ip(t[VTEP_FDB_A_DST], t[VTEP_FDB_A_DST6], &ip))
		print_string(PRINT_ANY, "dst", "dst %s ",
			     format_ip(&ip, buf, sizeof(buf)));
	else if (!o || !o->event)
		print_null("dst");
	if (attr_str(tb[VTEP_A_IFNAME]))
		print_string(o && o->dev_given ? PRINT_JSON : PRINT_ANY,
			     "ifname", "dev %s ", attr_str(tb[VTEP_A_IFNAME]));
	if (attr_u8(t[VTEP_FDB_A_TYPE], &type) && type &&
	    type <= VTEP_FDB_TYPE_MAX) {
		print_string(compat ? PRINT_ANY : PRINT_FP, "type", "%s ",
			     type_names[type]);
		if (!compat)
			print_string(PRINT_JSON, "state", "%s",
				     type == VTEP_FDB_TYPE_STATIC ?
				     "permanent" : "");
	}
	print_owner(t[VTEP_FDB_A_OWNER]);
	if (attr_u32(t[VTEP_FDB_A_AGE], &age)) {
		print_uint(compat ? PRINT_ANY : PRINT_FP, "age_ms", "age %ums ",
			   age);
		if (!compat)
			print_uint(PRINT_JSON, "updated", "%u", age / 1000);
	}
	close_json_object();
	print_nl();
	return 0;
}

static bool fdb_one(const void *req)
{
	return ((const struct fdb_req *)req)->set & BIT(VTEP_FDB_A_MAC);
}

static void fdb_what(const void *req, char *buf, size_t len)
{
	const struct fdb_req *r = req;
	char mac[18];

	if (r->set & BIT(VTEP_FDB_A_MAC))
		snprintf(buf, len, "fdb %s vni %u dev %s",
			 format_mac(r->mac, mac), r->vni, r->dev);
	else
		snprintf(buf, len, "fdb dev %s", r->dev);
}

/* -batch: queue an add, replace or delete (1), leave other commands (0),
 * -1. With -ignore-missing a delete is not queued: each absent entry must
 * be skipped alone, and a list would stop at the first. */
static int fdb_queue(struct vtep_ctx *ctx, int cmd, const void *req)
{
	if (cmd != FDB_ADD && cmd != FDB_REPLACE && cmd != FDB_DEL)
		return 0;
	if (cmd == FDB_DEL && ctx->ignore_missing)
		return 0;
	return fdb_batch_queue(ctx, cmd, req);
}

const struct vtep_object fdb_object = {
	VTEP_OBJECT(fdb, FDB_SHOW),
	.summary = "static MAC entries; show, delete and flush the MAC table",
	.help =
	"Usage: vtepctl fdb { add | replace } MAC vni VNI dst ADDR dev NAME\n"
	"                   [ owner OWNER ]\n"
	"       vtepctl fdb del MAC vni VNI dev NAME [ dst ADDR ] [ owner OWNER ]\n"
	"       vtepctl fdb show [ dev NAME ] [ vni VNI ] [ static | learned ]\n"
	"                   [ owner OWNER ]\n"
	"       vtepctl fdb show MAC vni VNI dev NAME [ owner OWNER ]\n"
	"       vtepctl fdb flush dev NAME [ vni VNI ] [ static | learned ]\n"
	"                   [ owner OWNER ]\n"
	"Where: MAC   := xx:xx:xx:xx:xx:xx\n"
	"       VNI   := 1-16777215\n"
	"       ADDR  := IPv4 or IPv6 address of the remote VTEP\n"
	"       OWNER := { unspec | kernel | user | conf | evpn | hook | 0-255 }\n"
	"add fails if (VNI, MAC) exists; replace creates or overwrites it.\n"
	"add and replace store owner user unless given; learned entries are\n"
	"the kernel's.\n"
	"del with dst deletes the entry only if it points at ADDR; with owner,\n"
	"only if it is OWNER's. flush with owner deletes OWNER's static entries.\n"
	"In -batch, consecutive adds (or deletes) for one device go in few large\n"
	"messages.\n",
	.check = fdb_check,
	.nest = VTEP_A_FDB,
	.what = fdb_what,
	.one = fdb_one,
	.batch = fdb_queue,
	.flush = fdb_batch_flush,
};
