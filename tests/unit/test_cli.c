// SPDX-License-Identifier: GPL-2.0
/*
 * cli.c: dispatch, and the agreement of help, man page and parser: every
 * command and keyword an object's parser accepts is in its help text and
 * in vtepctl.8, so neither can fall behind the code.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

/* w as a whole word of text: not inside a longer keyword like max-fdb */
static bool has_word(const char *text, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = strstr(text, w); p; p = strstr(p + 1, w)) {
		char before = p == text ? ' ' : p[-1];
		char after = p[n];

		if (!isalnum((unsigned char)before) && before != '-' &&
		    before != '_' && !isalnum((unsigned char)after) &&
		    after != '-' && after != '_')
			return true;
	}
	return false;
}

static unsigned int nobjects(void)
{
	unsigned int n = 0;

	while (vtep_objects[n])
		n++;
	return n;
}

START_TEST(help_lists_every_keyword)
{
	const struct vtep_object *o = vtep_objects[_i];

	for (int i = 0; o->ops && o->ops[i].name; i++)
		ck_assert_msg(has_word(o->help, o->ops[i].name),
			      "\"%s help\" does not list command \"%s\"",
			      o->name, o->ops[i].name);
	for (const struct kw *k = o->kws; k && k->name; k++)
		ck_assert_msg(has_word(o->help, k->name),
			      "\"%s help\" does not list \"%s\"", o->name,
			      k->name);
	ck_assert_msg(!strncmp(o->help, "Usage: vtepctl ", 15),
		      "\"%s help\" does not start with the usage", o->name);
}
END_TEST

START_TEST(usage_lists_every_object)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	vtep_usage(f);
	fclose(f);
	for (unsigned int i = 0; vtep_objects[i]; i++)
		ck_assert_msg(has_word(text, vtep_objects[i]->name),
			      "usage lacks \"%s\"", vtep_objects[i]->name);
	ck_assert(has_word(text, "-json") || strstr(text, "-j[son]"));
	free(text);
}
END_TEST

/* The man page, with groff's escapes taken out */
static char *man_page(void)
{
	static const char *const paths[] = { "userspace/vtepctl.8",
					     "../userspace/vtepctl.8",
					     "../../userspace/vtepctl.8" };
	char *text = NULL, *out;
	size_t len = 0, j = 0;
	FILE *f = NULL;

	for (unsigned int i = 0; i < ARRAY_SIZE(paths) && !f; i++)
		f = fopen(paths[i], "r");
	ck_assert_msg(f != NULL, "vtepctl.8 not found");
	ck_assert(getdelim(&text, &len, 0, f) > 0);
	fclose(f);
	out = malloc(strlen(text) + 1);
	for (size_t i = 0; text[i]; i++) {
		if (text[i] == '\\' && text[i + 1] == 'f' && text[i + 2]) {
			i += 2;		/* \fB \fI \fR \fP */
			continue;
		}
		if (text[i] == '\\' && (text[i + 1] == '-' || text[i + 1] == '&' ||
					text[i + 1] == '|')) {
			i++;
			if (text[i] == '-')
				out[j++] = '-';
			continue;
		}
		out[j++] = text[i];
	}
	out[j] = 0;
	free(text);
	return out;
}

START_TEST(man_page_lists_every_keyword)
{
	const struct vtep_object *o = vtep_objects[_i];
	char *man = man_page();

	ck_assert_msg(has_word(man, o->name), "vtepctl.8 lacks object \"%s\"",
		      o->name);
	for (int i = 0; o->ops && o->ops[i].name; i++)
		ck_assert_msg(has_word(man, o->ops[i].name),
			      "vtepctl.8 lacks command \"%s %s\"", o->name,
			      o->ops[i].name);
	for (const struct kw *k = o->kws; k && k->name; k++)
		ck_assert_msg(has_word(man, k->name),
			      "vtepctl.8 lacks \"%s\" of \"%s\"", k->name,
			      o->name);
	free(man);
}
END_TEST

START_TEST(man_page_lists_options)
{
	static const char *const opts[] = { "-j", "-json", "-p", "-pretty",
					    "-batch", "-force", "-V",
					    "-version", "-h", "-help" };
	char *man = man_page();

	for (unsigned int i = 0; i < ARRAY_SIZE(opts); i++)
		ck_assert_msg(strstr(man, opts[i]), "vtepctl.8 lacks %s", opts[i]);
	for (const char *s = "NAME\0SYNOPSIS\0DESCRIPTION\0OPTIONS\0COMMANDS\0"
			     "EXAMPLES\0EXIT STATUS\0SEE ALSO\0"; *s; s += strlen(s) + 1)
		ck_assert_msg(strstr(man, s), "vtepctl.8 lacks section %s", s);
	free(man);
}
END_TEST

static const struct {
	const char *line;
	int ret;
	const char *out;	/* prefix of stdout */
	const char *err;
} dispatch_cases[] = {
	{ "frob", VTEP_EXIT_USAGE, "", "Object \"frob\" is unknown, try \"vtepctl help\".\n" },
	{ "vni frob", VTEP_EXIT_USAGE, "", "Command \"frob\" is unknown, try \"vtepctl vni help\".\n" },
	{ "Vni show", VTEP_EXIT_USAGE, "", "Object \"Vni\" is unknown, try \"vtepctl help\".\n" },
	{ "vn show", VTEP_EXIT_USAGE, "", "Object \"vn\" is unknown, try \"vtepctl help\".\n" },
	{ "help frob", VTEP_EXIT_USAGE, "", "Object \"frob\" is unknown, try \"vtepctl help\".\n" },
	{ "vni help", 0, "Usage: vtepctl vni ", "" },
	{ "fdb add help", 0, "Usage: vtepctl fdb ", "" },
	{ "help fdb", 0, "Usage: vtepctl fdb ", "" },
	{ "monitor help", 0, "Usage: vtepctl monitor ", "" },
};

START_TEST(dispatch)
{
	struct fake f = { 0 };
	char path[] = "/tmp/vtepctl-unit-out-XXXXXX";
	char buf[4096] = "";
	struct cap c;
	FILE *saved;
	int fd, r;

	/* help goes to the real stdout: point it at a file meanwhile */
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	fflush(stdout);
	saved = stdout;
	stdout = fdopen(fd, "w+");
	r = run_cmd(dispatch_cases[_i].line, &f, false, &c);
	fflush(stdout);
	rewind(stdout);
	buf[fread(buf, 1, sizeof(buf) - 1, stdout)] = 0;
	fclose(stdout);
	stdout = saved;
	unlink(path);
	ck_assert_msg(r == dispatch_cases[_i].ret, "\"%s\": returned %d",
		      dispatch_cases[_i].line, r);
	ck_assert_str_eq(c.ebuf, dispatch_cases[_i].err);
	ck_assert_msg(!strncmp(buf, dispatch_cases[_i].out,
			       strlen(dispatch_cases[_i].out)),
		      "\"%s\": stdout \"%.60s\"", dispatch_cases[_i].line, buf);
	ck_assert_uint_eq(f.n, 0);
	cap_free(&c);
}
END_TEST

Suite *suite_cli(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");

	tcase_add_loop_test(tc, help_lists_every_keyword, 0, (int)nobjects());
	tcase_add_test(tc, usage_lists_every_object);
	tcase_add_loop_test(tc, man_page_lists_every_keyword, 0, (int)nobjects());
	tcase_add_test(tc, man_page_lists_options);
	tcase_add_loop_test(tc, dispatch, 0, ARRAY_SIZE(dispatch_cases));
	suite_add_tcase(s, tc);
	return s;
}
