/* Hostile and oversized input: "billion laughs", deep nesting, empty and
 * huge files, and each of the limits that bound what one file may cost
 * (core/topo.h, core/model.h). Each is refused with one clear error, and
 * quickly. The large inputs are built in memory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/model.h"
#include "tests/unit/testlib.h"

/* A growing text buffer; open_memstream keeps the tests short. */
struct text {
	FILE *f;
	char *s;
	size_t len;
};

static void text_open(struct text *t)
{
	t->s = NULL;
	t->len = 0;
	t->f = open_memstream(&t->s, &t->len);
	assert_non_null(t->f);
}

static void text_close(struct text *t)
{
	assert_int_equal(fclose(t->f), 0);
	t->f = NULL;
}

static double cpu_seconds(clock_t since)
{
	return (double)(clock() - since) / CLOCKS_PER_SEC;
}

/* Exactly one diagnostic, an error, with this position and message. */
static void assert_one(struct tl_run *t, unsigned line, unsigned col,
		       const char *msg)
{
	if (t->d.n != 1 || t->d.n_errors != 1)
		tl_dump("expected exactly one error", &t->d);
	assert_int_equal(t->d.n, 1);
	assert_int_equal(t->d.n_errors, 1);
	assert_string_equal(t->d.v[0].msg, msg);
	assert_int_equal(t->d.v[0].loc.line, line);
	assert_int_equal(t->d.v[0].loc.col, col);
}

/* The fixture, through the file path, as a user would run it. */
static void test_billion_laughs_file(void **state)
{
	struct vl_error err = { 0 };
	struct vl_lab *lab;
	struct vl_diags d;
	clock_t t0 = clock();
	int r;

	(void)state;
	assert_int_equal(vl_diags_init(&d, "laughs"), 0);
	r = vl_topo_load("tests/fixtures/invalid/yaml-billion-laughs.yaml", &lab, &d, &err);
	assert_int_equal(r, -EINVAL);
	assert_null(lab);
	assert_int_equal(d.n_errors, 1);
	assert_string_equal(d.v[0].msg,
			    "YAML anchors (&lol1) are not supported; write the value out");
	vl_diags_fini(&d);
	/* nothing is expanded: far below a second even under ASan */
	assert_true(cpu_seconds(t0) < 1.0);
}

/* A bigger bomb (30 levels of 30 aliases: 30^30 leaves if expanded),
 * with its first anchor deep inside a node instead of at the top. */
static void test_billion_laughs_deep(void **state)
{
	struct text t;
	struct tl_run run;
	clock_t t0 = clock();

	(void)state;
	text_open(&t);
	fprintf(t.f, "name: lol\nnodes:\n  a:\n    sysctls:\n");
	fprintf(t.f, "      x: &l0 \"lol\"\n");
	for (int i = 1; i < 30; i++) {
		fprintf(t.f, "      k%d: &l%d [", i, i);
		for (int j = 0; j < 30; j++)
			fprintf(t.f, "%s*l%d", j ? ", " : "", i - 1);
		fprintf(t.f, "]\n");
	}
	text_close(&t);
	tl_run(&run, t.s);
	assert_int_equal(run.parse_rc, -EINVAL);
	assert_null(run.lab);
	assert_one(&run, 5, 10, "YAML anchors (&l0) are not supported; write the value out");
	tl_run_fini(&run);
	free(t.s);
	assert_true(cpu_seconds(t0) < 1.0);
}

/* Aliases with no anchor in the file at all: refused at the first. */
static void test_aliases_only(void **state)
{
	struct text t;
	struct tl_run run;

	(void)state;
	text_open(&t);
	fprintf(t.f, "name: t\nnodes:\n  a: [");
	for (int i = 0; i < 10000; i++)
		fprintf(t.f, "%s*x", i ? ", " : "");
	fprintf(t.f, "]\n");
	text_close(&t);
	tl_run(&run, t.s);
	assert_int_equal(run.parse_rc, -EINVAL);
	assert_one(&run, 3, 7, "YAML aliases (*x) are not supported; write the value out");
	tl_run_fini(&run);
	free(t.s);
}

/* N nested flow lists as the whole document. */
static char *flow_lists(int n)
{
	char *s = malloc((size_t)n * 2 + 3);

	assert_non_null(s);
	memset(s, '[', (size_t)n);
	s[n] = '1';
	memset(s + n + 1, ']', (size_t)n);
	strcpy(s + 2 * n + 1, "\n");
	return s;
}

static void test_nesting_40_flow(void **state)
{
	char *s = flow_lists(40);
	struct tl_run run;

	(void)state;
	tl_run(&run, s);
	assert_int_equal(run.parse_rc, -EINVAL);
	/* the 33rd opening bracket */
	assert_one(&run, 1, 33, "nesting deeper than 32 levels");
	tl_run_fini(&run);
	free(s);
}

/* 40 levels of block mappings, the way nesting looks in a real file. */
static void test_nesting_40_block(void **state)
{
	struct text t;
	struct tl_run run;

	(void)state;
	text_open(&t);
	for (int i = 0; i < 40; i++)
		fprintf(t.f, "%*sk%d:\n", 2 * i, "", i);
	fprintf(t.f, "%*sleaf: 1\n", 80, "");
	text_close(&t);
	tl_run(&run, t.s);
	assert_int_equal(run.parse_rc, -EINVAL);
	/* the 33rd mapping starts at its first key: line 33, indent 64 */
	assert_one(&run, 33, 65, "nesting deeper than 32 levels");
	tl_run_fini(&run);
	free(t.s);
}

/* 32 levels are allowed: the file is then wrong for other reasons. */
static void test_nesting_32_allowed(void **state)
{
	char *s = flow_lists(32);
	struct tl_run run;

	(void)state;
	tl_run(&run, s);
	assert_int_equal(run.parse_rc, 0);
	assert_int_equal(tl_find(&run.d, "nesting"), (size_t)-1);
	assert_one(&run, 1, 1,
		   "expected a mapping with \"name\" and \"nodes\" at the top, got a list");
	tl_run_fini(&run);
	free(s);
}

static void test_empty(void **state)
{
	static const char *const empties[] = { "", "\n\n", "   \n", "# only a comment\n" };
	const char *msg = "the file is empty; expected a mapping with \"name\" and \"nodes\"";
	struct vl_error err = { 0 };
	struct tl_run run;
	struct vl_lab *lab;
	struct vl_diags d;

	(void)state;
	for (size_t i = 0; i < sizeof(empties) / sizeof(empties[0]); i++) {
		tl_run(&run, empties[i]);
		assert_int_equal(run.parse_rc, -EINVAL);
		assert_null(run.lab);
		assert_one(&run, 1, 1, msg);
		tl_run_fini(&run);
	}
	/* a 0-byte file, read as a file */
	assert_int_equal(vl_diags_init(&d, "/dev/null"), 0);
	assert_int_equal(vl_topo_load("/dev/null", &lab, &d, &err), -EINVAL);
	assert_null(lab);
	assert_int_equal(d.n_errors, 1);
	assert_string_equal(d.v[0].msg, msg);
	assert_string_equal(err.msg, "/dev/null: 1 error");
	vl_diags_fini(&d);
}

static void test_file_too_large(void **state)
{
	char path[] = "/tmp/vethlab-test-XXXXXX";
	size_t len = VL_MAX_FILE_SIZE + 1;
	struct vl_error err = { 0 };
	struct tl_run run;
	struct vl_lab *lab;
	struct vl_diags d;
	char msg[128];
	char *big;
	int fd, r;

	(void)state;
	/* in memory: refused before parsing */
	big = malloc(len);
	assert_non_null(big);
	memset(big, '#', len);
	tl_run_text(&run, big, len);
	free(big);
	snprintf(msg, sizeof(msg), "file is larger than %u bytes", VL_MAX_FILE_SIZE);
	assert_int_equal(run.parse_rc, -EINVAL);
	assert_one(&run, 1, 1, msg);
	tl_run_fini(&run);

	/* as a file: refused before reading (a sparse file costs nothing) */
	fd = mkstemp(path);
	assert_true(fd >= 0);
	r = ftruncate(fd, (off_t)len);
	close(fd);
	assert_int_equal(vl_diags_init(&d, path), 0);
	if (r == 0)
		r = vl_topo_load(path, &lab, &d, &err);
	unlink(path);
	assert_int_equal(r, -EFBIG);
	assert_null(lab);
	assert_int_equal(d.n, 0);
	snprintf(msg, sizeof(msg), "%s: larger than the %u-byte limit for a topology",
		 path, VL_MAX_FILE_SIZE);
	assert_string_equal(err.msg, msg);
	vl_diags_fini(&d);
}

static void test_unreadable(void **state)
{
	struct vl_error err = { 0 };
	struct vl_lab *lab;
	struct vl_diags d;

	(void)state;
	assert_int_equal(vl_diags_init(&d, "x"), 0);
	assert_int_equal(vl_topo_load("tests/fixtures/no-such.yaml", &lab, &d, &err), -ENOENT);
	assert_null(lab);
	assert_int_equal(d.n, 0);
	assert_string_equal(err.msg, "read tests/fixtures/no-such.yaml: No such file or directory");
	assert_int_equal(vl_topo_load("tests/fixtures", &lab, &d, &err), -EISDIR);
	assert_null(lab);
	vl_diags_fini(&d);
}

/* More YAML values than VL_MAX_YAML_NODES: refused while reading. */
static void test_too_many_values(void **state)
{
	size_t n = VL_MAX_YAML_NODES;	/* + the list itself: one too many */
	struct tl_run run;
	char *s, msg[96];

	(void)state;
	s = malloc(2 * n + 2);
	assert_non_null(s);
	s[0] = '[';
	for (size_t i = 0; i < n; i++) {
		s[1 + 2 * i] = '0';
		s[2 + 2 * i] = ',';
	}
	s[2 * n] = ']';
	s[2 * n + 1] = '\0';
	tl_run(&run, s);
	free(s);
	assert_int_equal(run.parse_rc, -EINVAL);
	snprintf(msg, sizeof(msg), "more than %d YAML values; refusing to read further",
		 VL_MAX_YAML_NODES);
	/* at the last value, column 2n */
	assert_one(&run, 1, (unsigned)(2 * n), msg);
	tl_run_fini(&run);
}

/* Finish the text T, load it into RUN, and free it. */
static void run_text(struct tl_run *run, struct text *t)
{
	text_close(t);
	tl_run(run, t->s);
	free(t->s);
	t->s = NULL;
}

static void test_limit_addresses(void **state)
{
	struct text t;
	struct tl_run run;
	char msg[96];

	(void)state;
	text_open(&t);
	fprintf(t.f, "name: t\nnodes:\n  a:\n    interfaces:\n      eth0:\n        addresses: [");
	for (int i = 0; i <= VL_MAX_ADDRS_PER_IFACE; i++)
		fprintf(t.f, "%s10.%d.%d.1/24", i ? ", " : "", i / 256, i % 256);
	fprintf(t.f, "]\n  b:\nlinks:\n  - endpoints: [a:eth0, b:eth0]\n");
	run_text(&run, &t);
	snprintf(msg, sizeof(msg), "more than %d addresses on interface \"eth0\"",
		 VL_MAX_ADDRS_PER_IFACE);
	assert_one(&run, 6, 20, msg);
	tl_run_fini(&run);
}

static void test_limit_sysctls(void **state)
{
	struct text t;
	struct tl_run run;
	char msg[96];

	(void)state;
	text_open(&t);
	fprintf(t.f, "name: t\nnodes:\n  a:\n    sysctls:\n");
	for (int i = 0; i <= VL_MAX_SYSCTLS_PER_NODE; i++)
		fprintf(t.f, "      net.ipv4.conf.e%d.forwarding: 1\n", i);
	run_text(&run, &t);
	snprintf(msg, sizeof(msg), "more than %d sysctls in node \"a\"",
		 VL_MAX_SYSCTLS_PER_NODE);
	assert_one(&run, 5, 7, msg);
	tl_run_fini(&run);
}

static void test_limit_routes(void **state)
{
	struct text t;
	struct tl_run run;
	char msg[96];

	(void)state;
	text_open(&t);
	fprintf(t.f, "name: t\nnodes:\n  a:\n    routes:\n");
	for (int i = 0; i <= VL_MAX_ROUTES_PER_NODE; i++)
		fprintf(t.f, "      - {to: 10.%d.%d.0/24, dev: eth0}\n", i / 256, i % 256);
	run_text(&run, &t);
	snprintf(msg, sizeof(msg), "more than %d routes in node \"a\"",
		 VL_MAX_ROUTES_PER_NODE);
	assert_one(&run, 5, 7, msg);
	tl_run_fini(&run);
}

static void test_limit_interfaces(void **state)
{
	struct text t;
	struct tl_run run;
	char msg[96];
	size_t i;

	(void)state;
	text_open(&t);
	fprintf(t.f, "name: t\nnodes:\n  a:\n    interfaces:\n");
	for (int k = 0; k <= VL_MAX_IFACES_PER_NODE; k++)
		fprintf(t.f, "      e%d:\n", k);
	run_text(&run, &t);
	snprintf(msg, sizeof(msg), "more than %d interfaces in node \"a\"",
		 VL_MAX_IFACES_PER_NODE);
	i = tl_find(&run.d, msg);
	assert_int_not_equal(i, (size_t)-1);
	assert_int_equal(run.d.v[i].loc.line, 5);
	assert_int_equal(run.d.v[i].loc.col, 7);
	/* no more than the limit is ever read */
	assert_non_null(run.lab);
	assert_true(run.lab->nodes[0].n_ifaces <= VL_MAX_IFACES_PER_NODE + 1);
	tl_run_fini(&run);
}

static void test_limit_nodes(void **state)
{
	struct text t;
	struct tl_run run;
	char msg[64];

	(void)state;
	text_open(&t);
	fprintf(t.f, "name: t\nnodes:\n");
	for (int i = 0; i <= VL_MAX_NODES; i++)
		fprintf(t.f, "  n%d:\n", i);
	run_text(&run, &t);
	snprintf(msg, sizeof(msg), "more than %d nodes", VL_MAX_NODES);
	assert_one(&run, 3, 3, msg);
	assert_int_equal(run.lab->n_nodes, 0);
	tl_run_fini(&run);
}

static void test_limit_links(void **state)
{
	struct text t;
	struct tl_run run;
	char msg[64];

	(void)state;
	text_open(&t);
	fprintf(t.f, "name: t\nnodes:\n  a:\n  b:\nlinks:\n");
	for (int i = 0; i <= VL_MAX_LINKS; i++)
		fprintf(t.f, "  - endpoints: [a:e%d, b:e%d]\n", i, i);
	run_text(&run, &t);
	snprintf(msg, sizeof(msg), "more than %d links", VL_MAX_LINKS);
	assert_one(&run, 6, 3, msg);
	assert_int_equal(run.lab->n_links, 0);
	tl_run_fini(&run);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_billion_laughs_file),
		cmocka_unit_test(test_billion_laughs_deep),
		cmocka_unit_test(test_aliases_only),
		cmocka_unit_test(test_nesting_40_flow),
		cmocka_unit_test(test_nesting_40_block),
		cmocka_unit_test(test_nesting_32_allowed),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_file_too_large),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_too_many_values),
		cmocka_unit_test(test_limit_addresses),
		cmocka_unit_test(test_limit_sysctls),
		cmocka_unit_test(test_limit_routes),
		cmocka_unit_test(test_limit_interfaces),
		cmocka_unit_test(test_limit_nodes),
		cmocka_unit_test(test_limit_links),
	};

	return cmocka_run_group_tests_name("limits", tests, NULL, NULL);
}
