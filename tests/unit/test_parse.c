// SPDX-License-Identifier: GPL-2.0
/* parse.c: single arguments, good and bad, and the keyword walker */
#include <arpa/inet.h>
#include <string.h>

#include "unit.h"

static const struct {
	const char *in;
	int ok;
	uint32_t want;
} vni_cases[] = {
	{ "1", 1, 1 },
	{ "100", 1, 100 },
	{ "16777215", 1, 16777215 },
	{ "010", 1, 10 },		/* decimal, not octal */
	{ "0", 0, 0 },
	{ "16777216", 0, 0 },		/* 2^24 */
	{ "4294967296", 0, 0 },
	{ "99999999999999999999999", 0, 0 },
	{ "-1", 0, 0 },
	{ "+1", 0, 0 },
	{ " 1", 0, 0 },
	{ "1 ", 0, 0 },
	{ "1x", 0, 0 },
	{ "0x10", 0, 0 },
	{ "", 0, 0 },
	{ "vni", 0, 0 },
};

START_TEST(vni_values)
{
	uint32_t v = 0xdead;
	int r = parse_vni(vni_cases[_i].in, &v);

	ck_assert_msg((r == 0) == vni_cases[_i].ok,
		      "parse_vni(\"%s\") returned %d, want %s",
		      vni_cases[_i].in, r, vni_cases[_i].ok ? "ok" : "error");
	if (vni_cases[_i].ok)
		ck_assert_msg(v == vni_cases[_i].want,
			      "parse_vni(\"%s\") = %u, want %u",
			      vni_cases[_i].in, v, vni_cases[_i].want);
	else
		ck_assert_msg(v == 0xdead, "a refused VNI changed the output");
}
END_TEST

static const struct {
	const char *in;
	int ok;
	uint16_t want;
} vlan_cases[] = {
	{ "1", 1, 1 },
	{ "10", 1, 10 },
	{ "4094", 1, 4094 },
	{ "0", 0, 0 },
	{ "4095", 0, 0 },
	{ "65536", 0, 0 },
	{ "-5", 0, 0 },
	{ "ten", 0, 0 },
	{ "", 0, 0 },
};

START_TEST(vlan_values)
{
	uint16_t v = 0;
	int r = parse_vlan(vlan_cases[_i].in, &v);

	ck_assert_msg((r == 0) == vlan_cases[_i].ok,
		      "parse_vlan(\"%s\") returned %d", vlan_cases[_i].in, r);
	if (vlan_cases[_i].ok)
		ck_assert_msg(v == vlan_cases[_i].want,
			      "parse_vlan(\"%s\") = %u", vlan_cases[_i].in, v);
}
END_TEST

static const struct {
	const char *in;
	int ok;
	uint16_t want;
} port_cases[] = {
	{ "1", 1, 1 }, { "4789", 1, 4789 }, { "65535", 1, 65535 },
	{ "0", 0, 0 }, { "65536", 0, 0 }, { "http", 0, 0 },
};

START_TEST(port_values)
{
	uint16_t v = 0;
	int r = parse_port(port_cases[_i].in, &v);

	ck_assert_msg((r == 0) == port_cases[_i].ok,
		      "parse_port(\"%s\") returned %d", port_cases[_i].in, r);
	if (port_cases[_i].ok)
		ck_assert_msg(v == port_cases[_i].want,
			      "parse_port(\"%s\") = %u", port_cases[_i].in, v);
}
END_TEST

static const struct {
	const char *in;
	int ok;
	uint8_t want[6];
} mac_cases[] = {
	{ "00:11:22:33:44:55", 1, { 0, 0x11, 0x22, 0x33, 0x44, 0x55 } },
	{ "AA:bb:Cc:dD:ee:FF", 1, { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff } },
	{ "0:1:2:3:4:5", 1, { 0, 1, 2, 3, 4, 5 } },
	{ "02:00:00:00:00:0a", 1, { 2, 0, 0, 0, 0, 10 } },
	{ "00:11:22:33:44", 0, { 0 } },
	{ "00:11:22:33:44:55:66", 0, { 0 } },
	{ "00-11-22-33-44-55", 0, { 0 } },
	{ "001:1:2:3:4:5", 0, { 0 } },
	{ "gg:11:22:33:44:55", 0, { 0 } },
	{ "00:11:22:33:44:55 ", 0, { 0 } },
	{ "00:11:22:33:44:", 0, { 0 } },
	{ ":00:11:22:33:44", 0, { 0 } },
	{ "0011.2233.4455", 0, { 0 } },
	{ "", 0, { 0 } },
};

START_TEST(mac_values)
{
	uint8_t m[6] = { 0 };
	int r = parse_mac(mac_cases[_i].in, m);

	ck_assert_msg((r == 0) == mac_cases[_i].ok,
		      "parse_mac(\"%s\") returned %d", mac_cases[_i].in, r);
	if (mac_cases[_i].ok)
		ck_assert_msg(!memcmp(m, mac_cases[_i].want, 6),
			      "parse_mac(\"%s\") gave other bytes",
			      mac_cases[_i].in);
}
END_TEST

static const struct {
	const char *in;
	int family;		/* 0: refused */
	bool mcast;
} ip_cases[] = {
	{ "192.0.2.1", AF_INET, false },
	{ "198.51.100.255", AF_INET, false },
	{ "239.1.1.1", AF_INET, true },
	{ "224.0.0.1", AF_INET, true },
	{ "2001:db8::1", AF_INET6, false },
	{ "ff0e::1", AF_INET6, true },
	{ "::", AF_INET6, false },
	{ "192.0.2", 0, false },
	{ "192.0.2.256", 0, false },
	{ "192.0.2.1/24", 0, false },
	{ "2001:db8::g", 0, false },
	{ "fe80::1%eth0", 0, false },
	{ "host.example", 0, false },
	{ "", 0, false },
};

START_TEST(ip_values)
{
	struct vtep_ip ip = { 0 };
	char buf[INET6_ADDRSTRLEN];
	int r = parse_ip(ip_cases[_i].in, &ip);

	ck_assert_msg((r == 0) == (ip_cases[_i].family != 0),
		      "parse_ip(\"%s\") returned %d", ip_cases[_i].in, r);
	if (r)
		return;
	ck_assert_msg(ip.family == ip_cases[_i].family,
		      "parse_ip(\"%s\"): family %d", ip_cases[_i].in,
		      ip.family);
	ck_assert_msg(ip_is_multicast(&ip) == ip_cases[_i].mcast,
		      "ip_is_multicast(\"%s\") wrong", ip_cases[_i].in);
	ck_assert_str_eq(format_ip(&ip, buf, sizeof(buf)), ip_cases[_i].in);
}
END_TEST

static const struct {
	const char *in;
	int ok;
} name_cases[] = {
	{ "vtep0", 1 }, { "a", 1 }, { "abcdefghijklmno", 1 },
	{ "abcdefghijklmnop", 0 }, { "", 0 }, { "a/b", 0 }, { "a b", 0 },
	{ "a:1", 0 }, { ".", 0 }, { "..", 0 }, { "a\tb", 0 },
	{ "...", 1 }, { ".a", 1 }, { "a\nb", 0 }, { "a\vb", 0 }, { "a\fb", 0 },
	{ "a\rb", 0 }, { "\xc3\xa9", 1 },
};

START_TEST(ifname_values)
{
	char name[IFNAMSIZ] = "";
	int r = parse_ifname(name_cases[_i].in, name);

	ck_assert_msg((r == 0) == name_cases[_i].ok,
		      "parse_ifname(\"%s\") returned %d", name_cases[_i].in, r);
	if (!r)
		ck_assert_str_eq(name, name_cases[_i].in);
}
END_TEST

static const struct {
	const char *in;
	int ok;
	uint64_t want;
} u64_cases[] = {
	{ "0", 1, 0 },
	{ "18446744073709551615", 1, UINT64_MAX },
	{ "000018446744073709551615", 1, UINT64_MAX },
	{ "18446744073709551616", 0, 0 },
	{ "18446744073709551620", 0, 0 },
	{ "99999999999999999999", 0, 0 },
	{ "184467440737095516150", 0, 0 },
	{ "1-", 0, 0 },
	{ "", 0, 0 },
};

START_TEST(u64_values)
{
	uint64_t v = 7;
	int r = parse_u64(u64_cases[_i].in, 0, UINT64_MAX, &v);

	ck_assert_msg((r == 0) == u64_cases[_i].ok, "parse_u64(\"%s\") returned %d",
		      u64_cases[_i].in, r);
	ck_assert_msg(v == (u64_cases[_i].ok ? u64_cases[_i].want : 7),
		      "parse_u64(\"%s\") = %llu", u64_cases[_i].in,
		      (unsigned long long)v);
}
END_TEST

/*
 * parse_ip() reads the plain IPv6 forms itself: it must take exactly what
 * inet_pton() takes, as the same address, over strings made of what
 * addresses are made of (and some of what they are not).
 */
static void ip_agrees(const char *s)
{
	struct vtep_ip ip = { 0 };
	unsigned char want[16] = { 0 };
	int family = 0;

	if (inet_pton(AF_INET, s, want) == 1)
		family = AF_INET;
	else if (inet_pton(AF_INET6, s, want) == 1)
		family = AF_INET6;
	ck_assert_msg(parse_ip(s, &ip) == (family ? 0 : -1),
		      "parse_ip(\"%s\") disagrees with inet_pton", s);
	if (!family)
		return;
	ck_assert_msg(ip.family == family, "parse_ip(\"%s\"): family %d", s,
		      ip.family);
	ck_assert_msg(!memcmp(&ip.v6, want, family == AF_INET ? 4 : 16),
		      "parse_ip(\"%s\"): other bytes", s);
}

/*
 * ip_agrees() over 200,000 strings of min to min + spread - 1 characters
 * from alphabet's first common ones (all of it in every every-th string),
 * drawn from seed.
 */
static void ip_agrees_random(unsigned int seed, const char *alphabet,
			     unsigned int common, unsigned int every,
			     unsigned int min, unsigned int spread)
{
	unsigned int all = strlen(alphabet);
	char s[64];

	for (unsigned int i = 0; i < 200000; i++) {
		unsigned int len;

		seed = seed * 1103515245 + 12345;
		len = min + (seed >> 16) % spread;
		for (unsigned int j = 0; j < len; j++) {
			seed = seed * 1103515245 + 12345;
			s[j] = alphabet[(seed >> 16) % (i % every ? common : all)];
		}
		s[len] = 0;
		ip_agrees(s);
	}
}

START_TEST(ip_agrees_with_inet_pton)
{
	static const char *const fixed[] = {
		"::", "::1", "1::", "1::2", ":", ":::", "1:::2", "::1::",
		"1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
		"1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3::5:6:7:8",
		"1::3:4:5:6:7:8", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8",
		"12345::", "0000:0:00:000:0000::ffff", "ABCD:ef01::Ff",
		"1:", ":1", "1::2:", "::ffff:192.0.2.1", "1::2%eth0",
		"2001:db8:1::0:1", "g::", "1 ::", "::-1",
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(fixed); i++)
		ip_agrees(fixed[i]);
	/* mostly hex digits and colons, every fourth string a stray too */
	ip_agrees_random(1, "0123456789abcdefABCDEF:::::.g%", 27, 4, 0, 40);
}
END_TEST

/* ... and the dotted quads too (parse_ip4_plain()) */
START_TEST(ipv4_agrees_with_inet_pton)
{
	static const char *const fixed[] = {
		"0.0.0.0", "192.0.2.1", "255.255.255.255", "256.0.0.1",
		"1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04", "1.2.3.0",
		"1..3.4", ".1.2.3", "1.2.3.", "1.2.3.4 ", " 1.2.3.4", "1.2.3.4x",
		"999.1.1.1", "1.2.3.2555", "00.0.0.0", "198.51.100.100", "",
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(fixed); i++)
		ip_agrees(fixed[i]);
	/* digits and dots, every eighth string an 'x' too */
	ip_agrees_random(7, "0123456789....25x", 16, 8, 7, 12);
}
END_TEST

START_TEST(on_off_and_seconds)
{
	uint8_t on = 7;
	uint32_t s = 7;

	ck_assert_int_eq(parse_on_off("on", &on), 0);
	ck_assert_int_eq(on, 1);
	ck_assert_int_eq(parse_on_off("off", &on), 0);
	ck_assert_int_eq(on, 0);
	ck_assert_int_eq(parse_on_off("yes", &on), -1);
	ck_assert_int_eq(parse_on_off("ON", &on), -1);
	ck_assert_int_eq(parse_on_off("", &on), -1);
	ck_assert_int_eq(parse_seconds("0", &s), 0);
	ck_assert_int_eq(s, 0);
	ck_assert_int_eq(parse_seconds("1000000", &s), 0);
	ck_assert_int_eq(s, 1000000);
	ck_assert_int_eq(parse_seconds("1000001", &s), -1);
	ck_assert_int_eq(parse_seconds("5m", &s), -1);
}
END_TEST

START_TEST(format_mac_pads)
{
	uint8_t m[6] = { 0, 1, 0xab, 0x10, 0xff, 2 };
	char buf[18];

	ck_assert_str_eq(format_mac(m, buf), "00:01:ab:10:ff:02");
}
END_TEST

/* ---- the walker, on a small grammar of its own ---- */

struct toy {
	int pos, a, b1, b2, flag, x, y;
};

static int t_pos(void *r, char **v) { ((struct toy *)r)->pos = v[0][0]; return 0; }
static int t_a(void *r, char **v) { ((struct toy *)r)->a = v[0][0]; return 0; }
static int t_b(void *r, char **v)
{
	((struct toy *)r)->b1 = v[0][0];
	((struct toy *)r)->b2 = v[1][0];
	return 0;
}
static int t_flag(void *r, char **v) { ((struct toy *)r)->flag = 1; return 0; }
static int t_x(void *r, char **v) { ((struct toy *)r)->x = 1; return 0; }
static int t_y(void *r, char **v) { ((struct toy *)r)->y = 1; return 0; }
static int t_bad(void *r, char **v) { return invarg("always wrong", v[0]); }

static const struct kw toy_kws[] = {
	{ "POS", BIT(0) | BIT(1), BIT(1), 1, 0, .parse = t_pos },
	{ "a", BIT(0) | BIT(1), BIT(0), 1, 0, .parse = t_a },
	{ "b", BIT(0), 0, 2, 0, .parse = t_b },
	{ "flag", BIT(0), 0, 0, 0, .parse = t_flag },
	{ "x", BIT(0), 0, 0, 1, .parse = t_x },
	{ "y", BIT(0), 0, 0, 1, .parse = t_y },
	{ "bad", BIT(0), 0, 1, 0, .parse = t_bad },
	{ NULL },
};

static const struct {
	unsigned int cmd;
	const char *args;
	int ret;
	const char *err;	/* expected error line, "" if none */
	struct toy want;
} walk_cases[] = {
	{ 0, "a 1", 0, "", { .a = '1' } },
	{ 0, "p a 1 b 2 3 flag x", 0, "",
	  { .pos = 'p', .a = '1', .b1 = '2', .b2 = '3', .flag = 1, .x = 1 } },
	{ 0, "a 1 p", 0, "", { .pos = 'p', .a = '1' } },
	{ 1, "q", 0, "", { .pos = 'q' } },
	{ 0, "", -1, "Error: \"a\" is required for \"toy zero\"\n", { 0 } },
	{ 1, "", -1, "Error: \"POS\" is required for \"toy one\"\n", { 0 } },
	{ 0, "a 1 a 2", -1,
	  "Error: duplicate \"a\": \"2\" is the second value\n", { 0 } },
	{ 0, "a 1 flag flag", -1, "Error: duplicate \"flag\"\n", { 0 } },
	{ 0, "a", -1, "Error: \"a\" needs a value, try \"vtepctl toy help\"\n",
	  { 0 } },
	{ 0, "a 1 b 2", -1,
	  "Error: \"b\" needs two values, try \"vtepctl toy help\"\n", { 0 } },
	{ 0, "a 1 x y", -1, "Error: \"x\" and \"y\" cannot be used together\n",
	  { 0 } },
	{ 0, "a 1 p q", -1,
	  "Error: unknown keyword \"q\" for \"toy zero\", try \"vtepctl toy help\"\n",
	  { 0 } },
	/* a keyword of another command is no keyword here */
	{ 1, "q flag", -1,
	  "Error: unknown keyword \"flag\" for \"toy one\", try \"vtepctl toy help\"\n",
	  { 0 } },
	/* exact keywords: no prefix matching */
	{ 0, "a 1 fla", 0, "", { .pos = 'f', .a = '1' } },
	{ 0, "a 1 bad z", -1, "Error: argument \"z\" is wrong: always wrong\n",
	  { 0 } },
	{ 0, "a 1 help", KW_HELP, "", { 0 } },
};

START_TEST(walk)
{
	static const char *const names[] = { "zero", "one" };
	char buf[128], *argv[16];
	struct toy t = { 0 };
	struct cap c;
	int argc, r;

	argc = split(walk_cases[_i].args, buf, sizeof(buf), argv, 16);
	cap_begin(&c, false, false);
	r = kw_walk(toy_kws, "toy", names[walk_cases[_i].cmd],
		    walk_cases[_i].cmd, argc, argv, &t);
	cap_end(&c);
	ck_assert_msg(r == walk_cases[_i].ret, "\"%s\": returned %d, want %d",
		      walk_cases[_i].args, r, walk_cases[_i].ret);
	ck_assert_msg(!strcmp(c.ebuf, walk_cases[_i].err),
		      "\"%s\": stderr \"%s\", want \"%s\"",
		      walk_cases[_i].args, c.ebuf, walk_cases[_i].err);
	if (r == 0)
		ck_assert_msg(!memcmp(&t, &walk_cases[_i].want, sizeof(t)),
			      "\"%s\": parsed into other values",
			      walk_cases[_i].args);
	cap_free(&c);
}
END_TEST

Suite *suite_parse(void)
{
	Suite *s = suite_create("parse");
	TCase *tc = tcase_create("parse");

	tcase_add_loop_test(tc, vni_values, 0, ARRAY_SIZE(vni_cases));
	tcase_add_loop_test(tc, vlan_values, 0, ARRAY_SIZE(vlan_cases));
	tcase_add_loop_test(tc, port_values, 0, ARRAY_SIZE(port_cases));
	tcase_add_loop_test(tc, mac_values, 0, ARRAY_SIZE(mac_cases));
	tcase_add_loop_test(tc, ip_values, 0, ARRAY_SIZE(ip_cases));
	tcase_add_test(tc, ip_agrees_with_inet_pton);
	tcase_add_test(tc, ipv4_agrees_with_inet_pton);
	tcase_add_loop_test(tc, u64_values, 0, ARRAY_SIZE(u64_cases));
	tcase_add_loop_test(tc, ifname_values, 0, ARRAY_SIZE(name_cases));
	tcase_add_test(tc, on_off_and_seconds);
	tcase_add_test(tc, format_mac_pads);
	tcase_add_loop_test(tc, walk, 0, ARRAY_SIZE(walk_cases));
	suite_add_tcase(s, tc);
	return s;
}
