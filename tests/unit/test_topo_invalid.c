/* The invalid fixtures: one test case per .yaml file in tests/fixtures/invalid.
 *
 * Each fixture states at its top, as comment lines
 *
 *	# expect: LINE:COL: error: MESSAGE
 *
 * every diagnostic that loading it must produce, in output order. The
 * test compares the whole list, count and text, so a fixture fails on a
 * missing error, an extra one (a cascade), a moved position or a reworded
 * message alike. Adding a fixture adds a test; no code changes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "tests/unit/testlib.h"

#define FIXTURES "tests/fixtures/invalid"
#define EXPECT "# expect: "

/* The "# expect: " lines of BUF, in order. Only comment lines are read:
 * the NUL and bad UTF-8 fixtures put their bytes after them. */
static int read_expect(const char *buf, size_t len, struct tl_list *want)
{
	size_t el = strlen(EXPECT);

	want->v = NULL;
	want->n = 0;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - (buf + i)) : len - i;

		if (ll >= el && !memcmp(buf + i, EXPECT, el)) {
			char **grown = realloc(want->v, (want->n + 1) * sizeof(*grown));

			if (!grown)
				return -ENOMEM;
			want->v = grown;
			want->v[want->n] = strndup(buf + i + el, ll - el);
			if (!want->v[want->n])
				return -ENOMEM;
			want->n++;
		}
		i += ll + 1;
	}
	return 0;
}

static void test_fixture(void **state)
{
	const char *path = *state;
	struct vl_error err = { 0 };
	struct tl_list want;
	struct vl_lab *lab;
	struct vl_diags d;
	char errmsg[sizeof(err.msg)];
	size_t len, n_err_lines = 0, n_errors;
	bool same;
	char *buf;
	int r;

	assert_int_equal(vl_read_file(path, VL_MAX_FILE_SIZE, &buf, &len), 0);
	assert_int_equal(read_expect(buf, len, &want), 0);
	free(buf);
	/* a fixture that expects nothing would pass for any output */
	if (!want.n) {
		tl_list_free(&want);
		fail_msg("%s has no \"%s\" line", path, EXPECT);
	}
	for (size_t i = 0; i < want.n; i++)
		if (strstr(want.v[i], ": error: "))
			n_err_lines++;

	assert_int_equal(vl_diags_init(&d, path), 0);
	r = vl_topo_load(path, &lab, &d, &err);

	same = d.n == want.n && !d.truncated;
	for (size_t i = 0; same && i < d.n; i++)
		same = !strcmp(tl_diag(&d, i), want.v[i]);
	if (!same) {
		print_message("# %s: expected %zu diagnostic(s):\n", path, want.n);
		for (size_t i = 0; i < want.n; i++)
			print_message("#   %s\n", want.v[i]);
		tl_dump("got", &d);
	}
	snprintf(errmsg, sizeof(errmsg), "%s: %zu error%s", path, n_err_lines,
		 n_err_lines == 1 ? "" : "s");
	n_errors = d.n_errors;
	vl_lab_free(lab);
	tl_list_free(&want);
	vl_diags_fini(&d);

	/* the contract of vl_topo_load for a file with errors */
	assert_int_equal(r, -EINVAL);
	assert_null(lab);
	assert_int_equal(err.code, -EINVAL);
	assert_true(same);
	assert_int_equal(n_errors, n_err_lines);
	assert_string_equal(err.msg, errmsg);
}

int main(void)
{
	struct CMUnitTest *tests;
	struct tl_list list;
	int r;

	r = tl_list_dir(FIXTURES, ".yaml", &list);
	if (r < 0) {
		fprintf(stderr, "%s: %s\n", FIXTURES, strerror(-r));
		return 1;
	}
	/* an empty directory would be an all-green run that tested nothing */
	if (!list.n) {
		fprintf(stderr, "%s: no fixtures\n", FIXTURES);
		return 1;
	}
	tests = tl_tests_for(&list, test_fixture);
	if (!tests)
		return 1;
	r = _cmocka_run_group_tests("invalid fixtures", tests, list.n, NULL, NULL);
	free(tests);
	tl_list_free(&list);
	return r;
}
