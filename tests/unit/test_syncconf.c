// SPDX-License-Identifier: GPL-2.0
/* conf.c: showconf's lines as entries, and what syncconf changes */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "conf.h"

#define LINK "link add vtep0 local 192.0.2.1 port 4789 ttl auto ageing 300\n"
#define V100 "vni add 100 dev vtep0 vlan 10 flood on peers any\n"
#define V200 "vni add 200 dev vtep0 untagged group 239.1.1.2 flood on\n"
#define R2 "remote add 192.0.2.2 vni 100 dev vtep0"
#define F1 "fdb add 02:00:00:00:00:01 vni 100 dst 192.0.2.2 dev vtep0"
#define F2 "fdb add 02:00:00:00:00:02 vni 100 dst 192.0.2.3 dev vtep0"
#define N5 "neigh add 203.0.113.5 lladdr 02:00:00:00:00:05 vni 100 dev vtep0"
#define P24 "peer add 198.51.100.0/24 vni 100 dev vtep0"

static const struct diff_case {
	const char *name, *want, *cur;	/* want: the file, cur: the device */
	uint8_t owner;
	const char *changes;		/* one a line */
} diffs[] = {
	{ "in sync: nothing",
	  LINK V100 R2 " owner conf\n" F1 " owner conf\n",
	  LINK V100 R2 " owner conf\n" F1 " owner conf\n", VTEP_OWNER_CONF,
	  "" },
	{ "a file line without owner is syncconf's",
	  LINK V100 R2 "\n" F1 "\n",
	  LINK V100 R2 " owner conf\n" F1 " owner conf\n", VTEP_OWNER_CONF,
	  "" },
	{ "only what is missing is added",
	  LINK V100 V200 R2 "\n" F1 "\n" F2 "\n" N5 "\n" P24 "\n",
	  LINK V100 F1 " owner conf\n", VTEP_OWNER_CONF,
	  "+ vni 200 untagged group 239.1.1.2 flood on\n"
	  "+ remote 192.0.2.2 vni 100\n"
	  "+ peer 198.51.100.0/24 vni 100\n"
	  "+ fdb 02:00:00:00:00:02 vni 100 dst 192.0.2.3\n"
	  "+ neigh 203.0.113.5 vni 100 lladdr 02:00:00:00:00:05\n" },
	{ "a missing device is created first",
	  LINK V100 F1 "\n", "", VTEP_OWNER_CONF,
	  "+ link vtep0 local 192.0.2.1 port 4789 ttl auto ageing 300\n"
	  "+ vni 100 vlan 10 flood on peers any\n"
	  "+ fdb 02:00:00:00:00:01 vni 100 dst 192.0.2.2\n" },
	{ "only the settings that differ are set",
	  "link add vtep0 local 192.0.2.1 port 4789 ttl 64 ageing 600\n"
	  "vni add 100 dev vtep0 vlan 10 flood off peers any\n",
	  LINK V100, VTEP_OWNER_CONF,
	  "~ link vtep0 ttl 64 ageing 600\n"
	  "~ vni 100 flood off\n" },
	{ "a setting the file leaves out is left alone",
	  "link add vtep0 ageing 300\nvni add 100 dev vtep0 vlan 10\n",
	  LINK V100, VTEP_OWNER_CONF, "" },
	{ "a group the file does not name is removed",
	  "vni add 200 dev vtep0 untagged flood on\n",
	  V200, VTEP_OWNER_CONF, "~ vni 200 group none\n" },
	{ "group none is what a VNI without group has",
	  "vni add 100 dev vtep0 vlan 10 group none\n", V100, VTEP_OWNER_CONF,
	  "" },
	{ "untagged and vlan are one setting",
	  "vni add 100 dev vtep0 untagged\n", V100, VTEP_OWNER_CONF,
	  "~ vni 100 untagged\n" },
	{ "entries go before their VNI, VNIs come before their entries",
	  LINK V200 "remote add 192.0.2.9 vni 200 dev vtep0\n",
	  LINK V100 R2 " owner conf\n" F1 " owner conf\n", VTEP_OWNER_CONF,
	  "+ vni 200 untagged group 239.1.1.2 flood on\n"
	  "- remote 192.0.2.2 vni 100\n"
	  "- fdb 02:00:00:00:00:01 vni 100\n"
	  "- vni 100\n"
	  "+ remote 192.0.2.9 vni 200\n" },
	{ "another owner's entries are never deleted",
	  LINK V100,
	  LINK V100 R2 " owner evpn\n" F1 " owner user\n" F2 "\n"
	  N5 " owner hook\n" P24 " owner evpn\n", VTEP_OWNER_CONF, "" },
	{ "an entry another owner holds is skipped, not replaced",
	  LINK V100 F1 "\n" "fdb add 02:00:00:00:00:02 vni 100 dst 192.0.2.9 dev vtep0\n",
	  LINK V100 F1 " owner evpn\n" F2 " owner 200\n", VTEP_OWNER_CONF,
	  "skipped: fdb 02:00:00:00:00:01 vni 100 is owned by evpn\n"
	  "skipped: fdb 02:00:00:00:00:02 vni 100 is owned by 200\n" },
	{ "an own entry that points elsewhere is replaced",
	  LINK V100 F1 "\n"
	  "neigh add 203.0.113.5 lladdr 02:00:00:00:00:06 vni 100 dev vtep0\n",
	  LINK V100 "fdb add 02:00:00:00:00:01 vni 100 dst 192.0.2.7 dev vtep0 owner conf\n"
	  N5 " owner conf\n", VTEP_OWNER_CONF,
	  "~ fdb 02:00:00:00:00:01 vni 100 dst 192.0.2.2\n"
	  "~ neigh 203.0.113.5 vni 100 lladdr 02:00:00:00:00:06\n" },
	{ "a file line of another owner is not syncconf's",
	  LINK V100 F1 " owner evpn\n" R2 " owner conf\n",
	  LINK V100 F1 " owner conf\n", VTEP_OWNER_CONF,
	  "- fdb 02:00:00:00:00:01 vni 100\n"
	  "+ remote 192.0.2.2 vni 100\n" },
	{ "owner unspec syncs what older tools added",
	  LINK V100 F2 "\n", LINK V100 F1 "\n", VTEP_OWNER_UNSPEC,
	  "- fdb 02:00:00:00:00:01 vni 100\n"
	  "+ fdb 02:00:00:00:00:02 vni 100 dst 192.0.2.3\n" },
	{ "the file defines the aliases",
	  "alias add 198.51.100.12 to 198.51.100.2 dev vtep0\n"
	  "alias add 198.51.100.13 to 198.51.100.2 dev vtep0\n",
	  "alias add 198.51.100.12 to 198.51.100.3 dev vtep0\n"
	  "alias add 198.51.100.14 to 198.51.100.2 dev vtep0\n",
	  VTEP_OWNER_CONF,
	  "- alias 198.51.100.14\n"
	  "~ alias 198.51.100.12 to 198.51.100.2\n"
	  "+ alias 198.51.100.13 to 198.51.100.2\n" },
	{ "a peer without a length is the full address",
	  "peer add 198.51.100.7 vni 100 dev vtep0\n",
	  "peer add 198.51.100.7/32 vni 100 dev vtep0 owner conf\n",
	  VTEP_OWNER_CONF, "" },
	{ "spelling does not matter: MAC case, comments, blank lines",
	  "# the file\n\nfdb add 02:AA:00:00:00:01 vni 100 dst 192.0.2.2 dev vtep0 # x\n",
	  "fdb add 02:aa:00:00:00:01 vni 100 dst 192.0.2.2 dev vtep0 owner conf\n",
	  VTEP_OWNER_CONF, "" },
};

static char *changes_of(const struct diff_case *t, uint8_t cur_owner)
{
	struct conf want = { .dev = "vtep0" }, cur = { .dev = "vtep0" };
	char *w = strdup(t->want), *c = strdup(t->cur), *out;
	struct conf_diff d;
	size_t len;
	FILE *f;

	ck_assert_msg(!conf_parse(&want, w, "want", t->owner),
		      "%s: the file does not parse", t->name);
	ck_assert_msg(!conf_parse(&cur, c, "cur", cur_owner),
		      "%s: the device does not parse", t->name);
	ck_assert_int_eq(conf_diff(&want, &cur, t->owner, &d), 0);
	f = open_memstream(&out, &len);
	for (unsigned int i = 0; i < d.n; i++) {
		char line[1024];

		conf_format_change(&d.c[i], line, sizeof(line));
		fprintf(f, "%s\n", line);
	}
	fclose(f);
	conf_diff_free(&d);
	conf_free(&want);
	conf_free(&cur);
	free(w);
	free(c);
	return out;
}

START_TEST(diff)
{
	const struct diff_case *t = &diffs[_i];
	char *out = changes_of(t, VTEP_OWNER_UNSPEC);

	ck_assert_msg(!strcmp(out, t->changes), "%s:\nwant:\n%sgot:\n%s",
		      t->name, t->changes, out);
	free(out);
}
END_TEST

/* Applying the changes to cur leaves nothing to change: the diff of the
 * file against itself is empty, whatever the order of its lines */
START_TEST(file_against_itself)
{
	const struct diff_case *t = &diffs[_i];
	struct diff_case self = { t->name, t->want, t->want, t->owner, "" };
	char *out = changes_of(&self, t->owner);

	ck_assert_msg(!out[0], "%s: %s", t->name, out);
	free(out);
}
END_TEST

static const struct bad_case {
	const char *text, *err;		/* err: in what is printed */
} bads[] = {
	{ "fdb del 02:00:00:00:00:01 vni 100 dev vtep0\n",
	  "only the lines showconf writes" },
	{ "link set vtep0 ageing 10\n", "only the lines showconf writes" },
	{ "vni add 100 dev vtep0 vlan 1\n\nstats show dev vtep0\n", "f:3" },
	{ "vni add 100 dev vtep1 vlan 1\n", "of dev \"vtep1\", not \"vtep0\"" },
	{ "link add vtep1 ageing 10\n", "of dev \"vtep1\"" },
	{ F1 "\n" F1 " owner conf\n",
	  "f:2: Error: fdb 02:00:00:00:00:01 vni 100 is given again (first at line 1)" },
	{ F1 " owner nobody\n", "OWNER must be" },
	{ F1 " owner conf owner evpn\n", "given twice" },
	{ "vni add 100 dev vtep0 flood maybe\n", "f:1" },
	{ "fdb add 02:00:00:00:00:01 vni 100 dev vtep0\n", "\"dst\" is required" },
	{ "remote add 192.0.2.2 vni 100 dev vtep0 owner\n", "needs a name" },
	{ "link add \"vtep0 ageing 10\n", "f:1: Error: unterminated quote" },
};

START_TEST(bad_file)
{
	const struct bad_case *t = &bads[_i];
	struct conf c = { .dev = "vtep0" };
	char *text = strdup(t->text);
	struct cap cap;
	int err;

	cap_begin(&cap, false, false);
	err = conf_parse(&c, text, "f", VTEP_OWNER_CONF);
	cap_end(&cap);
	ck_assert_msg(err, "%s: parsed", t->text);
	ck_assert_msg(strstr(cap.ebuf, t->err), "%s: said \"%s\", not \"%s\"",
		      t->text, cap.ebuf, t->err);
	cap_free(&cap);
	conf_free(&c);
	free(text);
}
END_TEST

START_TEST(owner_names)
{
	char buf[4];
	uint8_t o;

	for (unsigned int i = 0; i <= VTEP_OWNER_HOOK + 1; i++) {
		const char *n = conf_owner_name((uint8_t)i, buf);

		ck_assert_int_eq(conf_owner_parse(n, &o), 0);
		ck_assert_msg(o == i, "%s parses as %u, not %u", n, o, i);
	}
	ck_assert_str_eq(conf_owner_name(VTEP_OWNER_EVPN, buf), "evpn");
	ck_assert_str_eq(conf_owner_name(255, buf), "255");
}
END_TEST

Suite *suite_syncconf(void)
{
	Suite *s = suite_create("syncconf");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, diff, 0, ARRAY_SIZE(diffs));
	tcase_add_loop_test(tc, file_against_itself, 0, ARRAY_SIZE(diffs));
	tcase_add_loop_test(tc, bad_file, 0, ARRAY_SIZE(bads));
	tcase_add_test(tc, owner_names);
	suite_add_tcase(s, tc);
	return s;
}
