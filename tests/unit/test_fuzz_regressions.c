/* Replays every input the fuzzer saved in tests/fuzz/regressions (one
 * test case each) through parse, validate and graph, the way
 * tests/fuzz/fuzz_topo.c drives them. A replay fails by crashing, leaking
 * or reading out of bounds under `make asan`, or by breaking the
 * load contract checked below. An empty or missing directory is normal:
 * the harness then checks itself on the fixtures. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/graph.h"
#include "core/util.h"
#include "tests/unit/testlib.h"

#define REGRESSIONS "tests/fuzz/regressions"

/* What must hold for any input, however broken. Returns the number of
 * errors found, for the self-checks. */
static size_t replay(const char *buf, size_t len)
{
	struct vl_lab *lab = NULL;
	struct vl_diags d;
	size_t n_errors;
	FILE *sink;
	int r;

	assert_int_equal(vl_diags_init(&d, "replay"), 0);
	r = vl_topo_parse("replay", buf, len, &lab, &d);
	/* -EINVAL: nothing to validate, and it says why */
	assert_true(r == 0 || r == -EINVAL);
	if (r < 0) {
		assert_null(lab);
		assert_true(d.n_errors > 0);
	} else {
		assert_non_null(lab);
		vl_topo_validate(lab, &d);
	}
	vl_diags_sort(&d);
	for (size_t i = 0; i < d.n; i++) {
		assert_non_null(d.v[i].msg);
		assert_true(d.v[i].msg[0] != '\0');
		/* 0:0 is "the whole file"; otherwise both are 1-based */
		assert_true((d.v[i].loc.line == 0) == (d.v[i].loc.col == 0));
		if (i)
			assert_true(d.v[i - 1].loc.line < d.v[i].loc.line ||
				    (d.v[i - 1].loc.line == d.v[i].loc.line &&
				     d.v[i - 1].loc.col <= d.v[i].loc.col));
	}
	sink = fopen("/dev/null", "w");
	assert_non_null(sink);
	/* only a lab without errors is ever drawn */
	if (lab && !d.n_errors) {
		assert_int_equal(vl_graph_write(lab, VL_GRAPH_DOT, sink), 0);
		assert_int_equal(vl_graph_write(lab, VL_GRAPH_MERMAID, sink), 0);
	}
	vl_diags_print(&d, sink);
	fclose(sink);
	n_errors = d.n_errors;
	vl_lab_free(lab);
	vl_diags_fini(&d);
	return n_errors;
}

static void test_regression(void **state)
{
	const char *path = *state;
	size_t len;
	char *buf;

	/* the fuzzer runs with -max_len=8192; leave room for hand-made ones */
	assert_int_equal(vl_read_file(path, VL_MAX_FILE_SIZE + 1, &buf, &len), 0);
	replay(buf, len);
	free(buf);
}

/* The harness itself: it must see a valid file as valid, an invalid one
 * as invalid, and take bytes no C string could hold. */
static void test_harness(void **state)
{
	static const char nul[] = "name: t\nnodes:\n  a\0:\n";
	size_t len;
	char *buf;

	(void)state;
	assert_int_equal(vl_read_file("tests/fixtures/valid/article.yaml",
				      VL_MAX_FILE_SIZE, &buf, &len), 0);
	assert_int_equal(replay(buf, len), 0);
	/* the same bytes cut short at every 7th length never crash */
	for (size_t n = 0; n < len; n += 7)
		replay(buf, n);
	free(buf);
	assert_int_equal(vl_read_file("tests/fixtures/invalid/many-errors.yaml",
				      VL_MAX_FILE_SIZE, &buf, &len), 0);
	assert_true(replay(buf, len) > 1);
	free(buf);
	assert_int_equal(replay(nul, sizeof(nul) - 1), 1);
}

int main(void)
{
	struct CMUnitTest *tests;
	struct tl_list list;
	int r;

	r = tl_list_dir(REGRESSIONS, "", &list);
	if (r < 0 && r != -ENOENT) {
		fprintf(stderr, "%s: %s\n", REGRESSIONS, strerror(-r));
		return 1;
	}
	tests = calloc(list.n + 1, sizeof(*tests));
	if (!tests)
		return 1;
	tests[0].name = "replay harness self-check";
	tests[0].test_func = test_harness;
	for (size_t i = 0; i < list.n; i++) {
		tests[i + 1].name = list.v[i];
		tests[i + 1].test_func = test_regression;
		tests[i + 1].initial_state = list.v[i];
	}
	r = _cmocka_run_group_tests("fuzz regressions", tests, list.n + 1, NULL, NULL);
	free(tests);
	tl_list_free(&list);
	return r;
}
