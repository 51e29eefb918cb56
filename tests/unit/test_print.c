// SPDX-License-Identifier: GPL-2.0
/* print.c: one call per field gives text, compact JSON or pretty JSON */
#include <string.h>

#include "unit.h"

/* The same calls an object's printer makes: two entries of a dump */
static void sample(void)
{
	open_json_array(NULL);
	for (unsigned int i = 1; i <= 2; i++) {
		open_json_object(NULL);
		print_uint(PRINT_ANY, "vni", "vni %u ", 100 * i);
		print_string(PRINT_ANY, "dev", "dev %s ", "vtep0");
		print_on_off(PRINT_ANY, "flood", "flood %s ", i == 1);
		print_null("group");
		print_text("only-text ");
		print_u64(PRINT_JSON, "big", "%llu", 1ULL << 40);
		close_json_object();
		print_nl();
	}
	close_json_array();
}

static const struct {
	bool json, pretty;
	const char *want;
} sample_cases[] = {
	{ false, false,
	  "vni 100 dev vtep0 flood on only-text\n"
	  "vni 200 dev vtep0 flood off only-text\n" },
	/* -p without -j: text, as ip prints it */
	{ false, true,
	  "vni 100 dev vtep0 flood on only-text\n"
	  "vni 200 dev vtep0 flood off only-text\n" },
	{ true, false,
	  "[{\"vni\":100,\"dev\":\"vtep0\",\"flood\":true,\"group\":null,"
	  "\"big\":1099511627776},{\"vni\":200,\"dev\":\"vtep0\","
	  "\"flood\":false,\"group\":null,\"big\":1099511627776}]\n" },
	{ true, true,
	  "[\n"
	  "    {\n"
	  "        \"vni\": 100,\n"
	  "        \"dev\": \"vtep0\",\n"
	  "        \"flood\": true,\n"
	  "        \"group\": null,\n"
	  "        \"big\": 1099511627776\n"
	  "    },\n"
	  "    {\n"
	  "        \"vni\": 200,\n"
	  "        \"dev\": \"vtep0\",\n"
	  "        \"flood\": false,\n"
	  "        \"group\": null,\n"
	  "        \"big\": 1099511627776\n"
	  "    }\n"
	  "]\n" },
};

START_TEST(one_call_three_outputs)
{
	struct cap c;

	cap_begin(&c, sample_cases[_i].json, sample_cases[_i].pretty);
	sample();
	cap_end(&c);
	ck_assert_msg(!strcmp(c.obuf, sample_cases[_i].want),
		      "got:\n%s\nwant:\n%s", c.obuf, sample_cases[_i].want);
	cap_free(&c);
}
END_TEST

START_TEST(empty_dump_is_empty_array)
{
	struct cap c;

	cap_begin(&c, true, false);
	open_json_array(NULL);
	close_json_array();
	cap_end(&c);
	ck_assert_str_eq(c.obuf, "[]\n");
	cap_free(&c);
	cap_begin(&c, true, true);
	open_json_array(NULL);
	close_json_array();
	cap_end(&c);
	ck_assert_str_eq(c.obuf, "[]\n");
	cap_free(&c);
}
END_TEST

START_TEST(strings_escaped)
{
	struct cap c;

	cap_begin(&c, true, false);
	open_json_object(NULL);
	print_string(PRINT_ANY, "s", "%s", "a\"b\\c\n\x01");
	open_json_object("inner");
	close_json_object();
	close_json_object();
	cap_end(&c);
	ck_assert_str_eq(c.obuf, "{\"s\":\"a\\\"b\\\\c\\n\\u0001\",\"inner\":{}}\n");
	cap_free(&c);
}
END_TEST

/* Retried dumps: a discarded attempt leaves no trace, a kept one stays */
START_TEST(capture_discard_and_keep)
{
	struct cap c;

	cap_begin(&c, true, false);
	open_json_array(NULL);
	print_capture_begin();
	open_json_object(NULL);
	print_uint(PRINT_ANY, "try", "%u", 1);
	close_json_object();
	print_capture_end(false);
	print_capture_begin();
	open_json_object(NULL);
	print_uint(PRINT_ANY, "try", "%u", 2);
	close_json_object();
	print_capture_end(true);
	open_json_object(NULL);
	print_uint(PRINT_ANY, "after", "%u", 3);
	close_json_object();
	close_json_array();
	cap_end(&c);
	ck_assert_str_eq(c.obuf, "[{\"try\":2},{\"after\":3}]\n");
	cap_free(&c);
}
END_TEST

START_TEST(errors_one_voice)
{
	struct cap c;

	cap_begin(&c, false, false);
	invarg("VLAN must be 1-4094", "4095");
	err_set_location("hook.batch", 12);
	pr_err("%s", "refused");
	pr_warn("%s", "careful");
	pr_msg("%s", "plain");
	err_set_location(NULL, 0);
	err_defer(true);
	pr_err("%s", "held");
	err_defer(false);
	pr_err("%s", "now");
	err_emit_deferred();
	cap_end(&c);
	ck_assert_str_eq(c.ebuf,
			 "Error: argument \"4095\" is wrong: VLAN must be 1-4094\n"
			 "hook.batch:12: Error: refused\n"
			 "hook.batch:12: Warning: careful\n"
			 "hook.batch:12: plain\n"
			 "Error: now\n"
			 "Error: held\n");
	ck_assert_str_eq(c.obuf, "");
	cap_free(&c);
}
END_TEST

Suite *suite_print(void)
{
	Suite *s = suite_create("print");
	TCase *tc = tcase_create("print");

	tcase_add_loop_test(tc, one_call_three_outputs, 0,
			    ARRAY_SIZE(sample_cases));
	tcase_add_test(tc, empty_dump_is_empty_array);
	tcase_add_test(tc, strings_escaped);
	tcase_add_test(tc, capture_discard_and_keep);
	tcase_add_test(tc, errors_one_voice);
	suite_add_tcase(s, tc);
	return s;
}
