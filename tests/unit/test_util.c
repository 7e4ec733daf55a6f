/* core/util.c and core/diag.c: "did you mean" suggestions, quoting of
 * user text inside messages, whole-file reads, and the ordering, limit and
 * format of diagnostics. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag.h"
#include "core/topo.h"
#include "core/util.h"
#include "tests/unit/testlib.h"

/* The suggestion for WORD among the NULL-terminated CANDS, or NULL. */
static const char *suggest(const char *word, const char *const *cands)
{
	struct vl_suggest s;

	vl_suggest_init(&s, word);
	for (size_t i = 0; cands[i]; i++)
		vl_suggest_add(&s, cands[i]);
	return vl_suggest_get(&s);
}

static void assert_suggest(const char *word, const char *const *cands,
			   const char *want)
{
	const char *got = suggest(word, cands);

	if (want && (!got || strcmp(got, want)))
		fail_msg("\"%s\": expected \"%s\", got %s%s%s", word, want,
			 got ? "\"" : "", got ? got : "nothing", got ? "\"" : "");
	if (!want && got)
		fail_msg("\"%s\": expected no suggestion, got \"%s\"", word, got);
}

static void test_suggest(void **state)
{
	static const char *const top[] = { "name", "nodes", "links", NULL };
	static const char *const iface[] = { "addresses", "mtu", "mac", "state", NULL };
	static const char *const ifs[] = { "lo", "eth0", "eth1", NULL };

	(void)state;
	/* one deletion, one insertion, one substitution */
	assert_suggest("adresses", iface, "addresses");
	assert_suggest("addressses", iface, "addresses");
	assert_suggest("nane", top, "name");
	/* an adjacent swap is one edit (plain Levenshtein would say two) */
	assert_suggest("ndoes", top, "nodes");
	assert_suggest("nmae", top, "name");
	assert_suggest("lniks", top, "links");
	/* far from everything */
	assert_suggest("colour", iface, NULL);
	assert_suggest("routes", top, NULL);
	assert_suggest("", top, NULL);
	/* an exact match is not a suggestion */
	assert_suggest("mtu", iface, NULL);
	/* ties go to the first candidate; a closer later one wins */
	assert_suggest("eth2", ifs, "eth0");
	assert_suggest("mtuu", (const char *const[]){ "mac", "mtus", "mtu", NULL }, "mtus");
	assert_suggest("mtuu", (const char *const[]){ "mtuuuu", "mtu", NULL }, "mtu");
	/* short words (< 6) allow one edit */
	assert_suggest("stat", iface, "state");
	assert_suggest("sta", iface, NULL);
	assert_suggest("abcde", (const char *const[]){ "abcxy", NULL }, NULL);
	/* longer ones a third of their length: 6 letters, 2 edits */
	assert_suggest("abcdef", (const char *const[]){ "abcdxy", NULL }, "abcdxy");
	assert_suggest("abcdef", (const char *const[]){ "abcxyz", NULL }, NULL);
	assert_suggest("net.ipv4.ip_froward",
		       (const char *const[]){ "net.ipv4.ip_forward", "net.ipv4.ip_default_ttl", NULL },
		       "net.ipv4.ip_forward");
}

/* Words past the distance table's size get no suggestion, and no crash. */
static void test_suggest_long(void **state)
{
	char a[200], b[200];

	(void)state;
	memset(a, 'x', sizeof(a) - 1);
	a[sizeof(a) - 1] = '\0';
	memcpy(b, a, sizeof(b));
	b[0] = 'y';
	assert_null(suggest(a, (const char *const[]){ b, NULL }));
	/* 64 characters still fit the table */
	a[64] = '\0';
	b[64] = '\0';
	assert_string_equal(suggest(a, (const char *const[]){ b, NULL }), b);
}

static void test_q_escapes(void **state)
{
	(void)state;
	assert_string_equal(vl_q("plain"), "plain");
	assert_string_equal(vl_q(""), "");
	assert_string_equal(vl_q("a\"b"), "a\\\"b");
	assert_string_equal(vl_q("a\\b"), "a\\\\b");
	assert_string_equal(vl_q("tab\there"), "tab\\x09here");
	assert_string_equal(vl_q("\n\r\x01\x1f\x7f"), "\\x0a\\x0d\\x01\\x1f\\x7f");
	/* UTF-8 passes through */
	assert_string_equal(vl_q("caf\xc3\xa9 \xe2\x82\xac"), "caf\xc3\xa9 \xe2\x82\xac");
	/* vl_qn takes a length: a NUL inside is shown, not an end */
	assert_string_equal(vl_qn("a\0b", 3), "a\\x00b");
	assert_string_equal(vl_qn("abcdef", 3), "abc");
}

static void test_q_truncation(void **state)
{
	char in[512], want[512];

	(void)state;
	/* 64 characters are shown whole */
	memset(in, 'a', 64);
	in[64] = '\0';
	assert_string_equal(vl_q(in), in);
	/* the 65th is cut, and "..." says so */
	memset(in, 'a', 65);
	in[65] = '\0';
	memset(want, 'a', 64);
	strcpy(want + 64, "...");
	assert_string_equal(vl_q(in), want);

	/* characters are counted, not bytes: 64 two-byte characters whole */
	for (int i = 0; i < 64; i++)
		memcpy(in + 2 * i, "\xc3\xa9", 2);
	in[128] = '\0';
	assert_string_equal(vl_q(in), in);
	/* 63 ASCII, then "é", then more: the cut keeps "é" whole */
	memset(in, 'a', 63);
	strcpy(in + 63, "\xc3\xa9" "bcd");
	memset(want, 'a', 63);
	strcpy(want + 63, "\xc3\xa9...");
	assert_string_equal(vl_q(in), want);
	/* 63 ASCII, then a 3-byte and a 4-byte character: cut after the
	 * 3-byte one, never inside the 4-byte one */
	memset(in, 'a', 63);
	strcpy(in + 63, "\xe2\x82\xac" "\xf0\x9f\x98\x80");
	memset(want, 'a', 63);
	strcpy(want + 63, "\xe2\x82\xac...");
	assert_string_equal(vl_q(in), want);
	/* 65 four-byte characters: 64 of them, then "..." */
	for (int i = 0; i < 65; i++)
		memcpy(in + 4 * i, "\xf0\x9f\x98\x80", 4);
	in[260] = '\0';
	memcpy(want, in, 256);
	strcpy(want + 256, "...");
	assert_string_equal(vl_q(in), want);
	/* escapes count as one character each: 65 control bytes */
	memset(in, '\x01', 65);
	in[65] = '\0';
	want[0] = '\0';
	for (int i = 0; i < 64; i++)
		strcat(want, "\\x01");
	strcat(want, "...");
	assert_string_equal(vl_q(in), want);
}

/* The few rotating buffers let one message quote several values. */
static void test_q_rotation(void **state)
{
	const char *a, *b, *c;
	char msg[64];

	(void)state;
	a = vl_q("one");
	b = vl_q("two");
	c = vl_q("th\"ree");
	snprintf(msg, sizeof(msg), "%s %s %s", a, b, c);
	assert_string_equal(msg, "one two th\\\"ree");
	assert_ptr_not_equal(a, b);
	assert_ptr_not_equal(b, c);
	assert_ptr_not_equal(a, c);
}

static void test_sysctl_key_iface(void **state)
{
	static const struct {
		const char *key, *iface;
	} cases[] = {
		{ "net.ipv4.conf.eth0.rp_filter", "eth0" },
		{ "net.ipv6.conf.veth1.forwarding", "veth1" },
		{ "net.ipv4.neigh.eth0.ucast_solicit", "eth0" },
		{ "net.ipv6.neigh.eth0.retrans_time_ms", "eth0" },
		{ "net.ipv4.conf.eth0.100.forwarding", "eth0.100" },
		{ "net.ipv4.conf.all.rp_filter", NULL },
		{ "net.ipv4.conf.default.rp_filter", NULL },
		{ "net.ipv4.neigh.default.gc_stale_time", NULL },
		/* "all" and "default" only as the whole name */
		{ "net.ipv4.conf.allx.rp_filter", "allx" },
		{ "net.ipv4.conf.defaults.rp_filter", "defaults" },
		{ "net.ipv4.ip_forward", NULL },
		{ "net.ipv4.conf.eth0", NULL },
		{ "kernel.hostname", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = 0;
		const char *dev = vl_sysctl_key_iface(cases[i].key, &len);

		if (!cases[i].iface) {
			if (dev)
				fail_msg("%s: expected no interface, got \"%.*s\"",
					 cases[i].key, (int)len, dev);
			continue;
		}
		if (!dev || len != strlen(cases[i].iface) ||
		    memcmp(dev, cases[i].iface, len))
			fail_msg("%s: expected \"%s\"", cases[i].key, cases[i].iface);
		/* it points into the key */
		assert_true(dev > cases[i].key &&
			    dev < cases[i].key + strlen(cases[i].key));
	}
}

static void test_read_file(void **state)
{
	size_t len = 99;
	char *buf = NULL;

	(void)state;
	assert_int_equal(vl_read_file("tests/fixtures/valid/minimal.yaml", 4096,
				      &buf, &len), 0);
	assert_non_null(buf);
	assert_int_equal(strlen(buf), len);
	assert_non_null(strstr(buf, "name: min\n"));
	free(buf);
	/* one byte over the limit */
	assert_int_equal(vl_read_file("tests/fixtures/valid/minimal.yaml", len - 1,
				      &buf, &len), -EFBIG);
	assert_int_equal(vl_read_file("tests/fixtures/no-such-file.yaml", 4096,
				      &buf, &len), -ENOENT);
	assert_int_equal(vl_read_file("tests/fixtures", 4096, &buf, &len), -EISDIR);
	/* a character device has no size: read to the end */
	assert_int_equal(vl_read_file("/dev/null", 4096, &buf, &len), 0);
	assert_int_equal(len, 0);
	assert_string_equal(buf, "");
	free(buf);
}

static void test_diags(void **state)
{
	struct vl_diags d;
	char buf[128];

	(void)state;
	assert_int_equal(vl_diags_init(&d, "f.yaml"), 0);
	vl_diag_err(&d, ((struct vl_loc){ 3, 5 }), "third %d", 3);
	vl_diag_warn(&d, ((struct vl_loc){ 1, 9 }), "second");
	vl_diag_err(&d, ((struct vl_loc){ 1, 2 }), "first");
	vl_diag_err(&d, ((struct vl_loc){ 3, 5 }), "fourth, same place");
	vl_diag_err(&d, ((struct vl_loc){ 0, 0 }), "whole file");
	assert_int_equal(d.n, 5);
	assert_int_equal(d.n_errors, 4);
	assert_int_equal(d.n_warnings, 1);
	vl_diags_sort(&d);
	/* by line then column; equal places keep the order found */
	assert_string_equal(tl_diag(&d, 0), "0:0: error: whole file");
	assert_string_equal(tl_diag(&d, 1), "1:2: error: first");
	assert_string_equal(tl_diag(&d, 2), "1:9: warning: second");
	assert_string_equal(tl_diag(&d, 3), "3:5: error: third 3");
	assert_string_equal(tl_diag(&d, 4), "3:5: error: fourth, same place");
	/* vl_diag_format truncates like snprintf and says how long it is */
	assert_int_equal(vl_diag_format(&d.v[1], buf, 6), (int)strlen("1:2: error: first"));
	assert_string_equal(buf, "1:2: ");
	vl_diags_fini(&d);
}

/* Past VL_MAX_DIAGS, one note stands for the rest; the ones shown are the
 * first by position, even when found last. */
static void test_diags_limit(void **state)
{
	struct vl_diags d;
	char *out = NULL;
	size_t outlen = 0;
	unsigned lines = 0;
	FILE *f;

	(void)state;
	assert_int_equal(vl_diags_init(&d, "big.yaml"), 0);
	/* found in reverse file order, as a later check may well do */
	for (unsigned i = VL_MAX_DIAGS + 20; i > 0; i--)
		vl_diag_err(&d, ((struct vl_loc){ i, 1 }), "error at %u", i);
	assert_int_equal(d.n_errors, VL_MAX_DIAGS + 20);
	assert_true(d.n >= VL_MAX_DIAGS);
	vl_diags_sort(&d);
	f = open_memstream(&out, &outlen);
	assert_non_null(f);
	vl_diags_print(&d, f);
	fclose(f);
	for (const char *c = out; (c = strchr(c, '\n')); c++)
		lines++;
	assert_int_equal(lines, VL_MAX_DIAGS + 1);
	assert_non_null(strstr(out, "big.yaml:1:1: error: error at 1\n"));
	assert_non_null(strstr(out, "big.yaml:100:1: error: error at 100\n"));
	assert_null(strstr(out, "error at 101\n"));
	assert_non_null(strstr(out, "big.yaml: too many problems; only the first 100 are shown (120 errors, 0 warnings in all)\n"));
	free(out);
	vl_diags_fini(&d);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_suggest),
		cmocka_unit_test(test_suggest_long),
		cmocka_unit_test(test_q_escapes),
		cmocka_unit_test(test_q_truncation),
		cmocka_unit_test(test_q_rotation),
		cmocka_unit_test(test_sysctl_key_iface),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_diags),
		cmocka_unit_test(test_diags_limit),
	};

	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
