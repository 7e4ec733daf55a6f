/* core/report.c: the exact text of each report for a small run, escaping
 * of hostile strings (quotes, markup, line ends, control characters,
 * bytes that are not UTF-8), and that the real consumers accept the
 * output: prove for TAP (and TAP::Parser for its YAML blocks), Python's
 * minidom for JUnit XML, Python's json module for JSON. Those tools are
 * build dependencies (python3, perl's prove); a missing one fails the
 * test rather than skipping it. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/report.h"
#include "core/scenario.h"
#include "tests/unit/testlib.h"

/* --- building results --- */

static void run_init(struct vl_run_result *r, const char *lab, size_t n, double secs)
{
	memset(r, 0, sizeof(*r));
	if (lab)
		assert_non_null(r->lab = strdup(lab));
	r->n_scenarios = n;
	if (n)
		assert_non_null(r->scenarios = calloc(n, sizeof(*r->scenarios)));
	r->seconds = secs;
}

/* Scenario I of R with room for CAP steps, N of them in use. */
static struct vl_scenario_result *scenario(struct vl_run_result *r, size_t i,
					   const char *name, const char *desc,
					   bool ok, double secs, size_t n, size_t cap)
{
	struct vl_scenario_result *sc = &r->scenarios[i];

	assert_non_null(sc->name = strdup(name));
	if (desc)
		assert_non_null(sc->description = strdup(desc));
	sc->ok = ok;
	sc->seconds = secs;
	sc->n_steps = n;
	if (cap)
		assert_non_null(sc->steps = calloc(cap, sizeof(*sc->steps)));
	return sc;
}

static struct vl_step_result *step(struct vl_scenario_result *sc, size_t i,
				   const char *name, double secs, const char *reason)
{
	struct vl_step_result *st = &sc->steps[i];

	assert_non_null(st->name = strdup(name));
	st->ok = true;		/* a failing vl_step_check clears it */
	st->seconds = secs;
	if (reason)
		assert_int_equal(vl_step_reason(st, "%s", reason), 0);
	return st;
}

/* The counters the runner keeps, which the reports do not trust. */
static void count(struct vl_run_result *r)
{
	r->steps = r->passed = r->failed = 0;
	for (size_t i = 0; i < r->n_scenarios; i++)
		for (size_t j = 0; j < r->scenarios[i].n_steps; j++) {
			r->steps++;
			if (r->scenarios[i].steps[j].ok)
				r->passed++;
			else
				r->failed++;
		}
}

/* Two scenarios, three steps, the second one failing. With ALL_PASS, the
 * failing check passes too. */
static void sample(struct vl_run_result *r, bool all_pass)
{
	struct vl_scenario_result *sc;
	struct vl_step_result *st;

	run_init(r, "demo", 2, 1.2341);
	sc = scenario(r, 0, "arp-drop", "veth1 has no address, so ARP replies stop",
		      all_pass, 1.2151, 2, 2);
	st = step(sc, 0, "ping host -> 192.168.2.1", 0.2103, "2 sent, 2 received");
	assert_int_equal(vl_step_check(st, true, "ping replies", "2 of 2"), 0);
	assert_int_equal(vl_step_measure(st, "sent", true, "%d", 2), 0);
	assert_int_equal(vl_step_measure(st, "received", true, "%d", 2), 0);
	assert_int_equal(vl_step_measure(st, "rtt_avg_ms", true, "%s", "0.045"), 0);
	st = step(sc, 1, "ping host -> 192.168.2.1 after set", 1.0049, "2 sent, 0 received");
	assert_int_equal(vl_step_check(st, all_pass, "host:veth1 arp-reply == 0",
				       "saw %d", all_pass ? 0 : 1), 0);
	assert_int_equal(vl_step_check(st, true, "host:veth1 arp-request >= 1",
				       "saw %d", 2), 0);
	assert_int_equal(vl_step_measure(st, "sent", true, "2"), 0);
	assert_int_equal(vl_step_measure(st, "why", false, "timeout"), 0);
	assert_int_equal(vl_step_artifact(st, "/tmp/vethlab-1/host-veth1.pcap"), 0);
	assert_true(st->ok == all_pass);
	sc = scenario(r, 1, "routes", NULL, true, 0.0123, 1, 1);
	step(sc, 0, "route host 10.0.0.1", 0.0004, "dev veth0 via 192.168.2.1");
	count(r);
}

/* Every kind of trouble a string can bring: quotes, markup characters, a
 * backslash, line ends and a tab, C0 controls with an escape sequence,
 * DEL, a C1 control (U+009B, CSI), valid UTF-8 (é, U+1F642), '#', then
 * bytes that are not UTF-8: a stray byte, an overlong form (2 bytes), a
 * surrogate (3), a value past U+10FFFF (4), a lead byte without its
 * continuation, and a sequence cut by the end of the string (2): 13 bad
 * bytes, each replaced on its own. */
#define HOSTILE                                                           \
	"q\"uote 'apos' <lt> &amp \\back\nline\ttab\r\x01\x1b[0m\x7f"      \
	"\xc2\x9b \xc3\xa9 \xf0\x9f\x99\x82 #hash "                        \
	"\xff\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\xc3(\xe2\x82"

#define FFFD "\xef\xbf\xbd"

/* One scenario, one failing step, hostile text everywhere. */
static void hostile(struct vl_run_result *r)
{
	struct vl_scenario_result *sc;
	struct vl_step_result *st;

	run_init(r, "lab&<x>", 1, 0.5);
	sc = scenario(r, 0, "sc \"1\" <&> 'x'", "multi\nline", false, 0.5, 1, 1);
	st = step(sc, 0, "step #1 \\ <b>\ttab", 0.5, HOSTILE);
	assert_int_equal(vl_step_check(st, false, "cap <x> & \"y\"", "saw \x01 1\n2"), 0);
	assert_int_equal(vl_step_measure(st, "k\"ey", true, "1.5"), 0);
	assert_int_equal(vl_step_measure(st, "bad\xff", true, "0,5"), 0);
	assert_int_equal(vl_step_artifact(st, "/tmp/a b/\xff.pcap"), 0);
	count(r);
}

/* --- rendering and files --- */

typedef int (*report_fn)(FILE *f, const struct vl_run_result *r);

/* The report FN makes of R, as a string the caller frees. */
static char *render(report_fn fn, const struct vl_run_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(fn(f, r), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(strlen(buf), len);	/* no NUL inside */
	return buf;
}

/* What `vethlab test` prints for people: each scenario's heading, its
 * steps as they finish, the summary. */
static char *render_human(const struct vl_run_result *r, bool colour)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	for (size_t i = 0; i < r->n_scenarios; i++) {
		const struct vl_scenario_result *sc = &r->scenarios[i];

		vl_report_scenario_start(f, sc->name, sc->description, colour);
		for (size_t j = 0; j < sc->n_steps; j++)
			vl_report_step(f, sc, &sc->steps[j], colour);
	}
	vl_report_summary(f, r, colour);
	assert_int_equal(fclose(f), 0);
	return buf;
}

struct tmp {
	char path[64];
};

/* TEXT in a new temporary file. */
static void tmp_write(struct tmp *t, const char *text)
{
	size_t len = strlen(text);
	int fd;

	strcpy(t->path, "/tmp/vl-test-report-XXXXXX");
	fd = mkstemp(t->path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

static void tmp_remove(struct tmp *t)
{
	unlink(t->path);
}

/* Runs a shell command (stderr joined to stdout); its exit status, -1
 * when it did not exit. *OUT gets the output (caller frees). */
static int sh(char **out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int sh(char **out, const char *fmt, ...)
{
	char *cmd, *buf = NULL, chunk[4096];
	size_t len = 0, n;
	va_list ap;
	FILE *p, *o;
	int st, rc;

	va_start(ap, fmt);
	rc = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	assert_true(rc >= 0);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(o = open_memstream(&buf, &len));
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		fwrite(chunk, 1, n, o);
	assert_int_equal(fclose(o), 0);
	st = pclose(p);
	free(cmd);
	*out = buf;
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The command's exit status must be WANT, and its output contain NEEDLE
 * (when not NULL). */
static void expect_status(int want, const char *needle, const char *what,
			  const char *fmt, const char *path)
{
	char *out;
	int st = sh(&out, fmt, path);

	if (st != want)
		fail_msg("%s: exit status %d, expected %d; output:\n%s", what, st, want, out);
	if (needle && !strstr(out, needle))
		fail_msg("%s: no \"%s\" in the output:\n%s", what, needle, out);
	free(out);
}

/* The given validators, as the brief of the reports names them. */
#define XML_CHECK "python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' %s 2>&1"
#define JSON_CHECK "python3 -m json.tool %s 2>&1"
#define PROVE "prove --exec cat %s 2>&1"

static void expect_valid(report_fn fn, const char *text)
{
	struct tmp t;

	tmp_write(&t, text);
	if (fn == vl_report_junit)
		expect_status(0, NULL, "minidom", XML_CHECK, t.path);
	else
		expect_status(0, NULL, "json.tool", JSON_CHECK, t.path);
	tmp_remove(&t);
}

/* What the consumer reads back from TEXT: the output of the script
 * SCRIPT_TEXT run by INTERP on a file holding TEXT. */
static char *read_back(const char *interp, const char *script_text, const char *text)
{
	struct tmp script, data;
	char *out;
	int st;

	tmp_write(&script, script_text);
	tmp_write(&data, text);
	st = sh(&out, "%s %s %s 2>&1", interp, script.path, data.path);
	tmp_remove(&script);
	tmp_remove(&data);
	if (st != 0)
		fail_msg("%s: exit status %d; output:\n%s", interp, st, out);
	return out;
}

/* TAP::Parser's view: each test line, and each YAML block as data. */
static const char tap_reader[] =
	"use strict; use warnings; use TAP::Parser; use JSON::PP;\n"
	"open my $fh, '<', $ARGV[0] or die \"$ARGV[0]: $!\";\n"
	"my $tap = do { local $/; <$fh> };\n"
	"my $p = TAP::Parser->new({ tap => $tap });\n"
	"my @out;\n"
	"while (my $r = $p->next) {\n"
	"  push @out, { n => $r->number, ok => $r->is_actual_ok ? 1 : 0,\n"
	"    desc => $r->description, directive => $r->directive } if $r->is_test;\n"
	"  push @out, { yaml => $r->data } if $r->is_yaml;\n"
	"  push @out, { plan => $r->plan } if $r->is_plan;\n"
	"}\n"
	"print JSON::PP->new->canonical->encode({ results => \\@out,\n"
	"  errors => [ $p->parse_errors ] }), \"\\n\";\n";

/* minidom's view of every testsuite and testcase. */
static const char xml_reader[] =
	"import json, sys, xml.dom.minidom as m\n"
	"def text(n):\n"
	"    return \"\".join(c.data for c in n.childNodes)\n"
	"d = m.parse(sys.argv[1]).documentElement\n"
	"out = [d.getAttribute(\"name\")]\n"
	"for s in d.getElementsByTagName(\"testsuite\"):\n"
	"    out.append(s.getAttribute(\"name\"))\n"
	"    for c in s.getElementsByTagName(\"testcase\"):\n"
	"        out.append(c.getAttribute(\"classname\"))\n"
	"        out.append(c.getAttribute(\"name\"))\n"
	"        for f in c.getElementsByTagName(\"failure\"):\n"
	"            out += [f.getAttribute(\"message\"), text(f)]\n"
	"        for o in c.getElementsByTagName(\"system-out\"):\n"
	"            out.append(text(o))\n"
	"print(json.dumps(out))\n";

/* Python's json module's view, in canonical form. */
static const char json_reader[] =
	"import json, sys\n"
	"with open(sys.argv[1], encoding=\"utf-8\") as f:\n"
	"    d = json.load(f)\n"
	"print(json.dumps(d, sort_keys=True))\n";

/* --- people --- */

static void test_human_sample(void **state)
{
	struct vl_run_result r;
	char *out;

	(void)state;
	sample(&r, false);
	out = render_human(&r, false);
	assert_string_equal(out,
		"scenario arp-drop: veth1 has no address, so ARP replies stop\n"
		"  ok    1 ping host -> 192.168.2.1 (0.21 s): 2 sent, 2 received\n"
		"  FAIL  2 ping host -> 192.168.2.1 after set (1.00 s): 2 sent, 0 received\n"
		"        host:veth1 arp-reply == 0: saw 1\n"
		"scenario routes\n"
		"  ok    1 route host 10.0.0.1 (0.00 s): dev veth0 via 192.168.2.1\n"
		"2 scenarios, 3 steps: 2 passed, 1 failed (1.23 s)\n");
	free(out);
	vl_run_result_fini(&r);
}

static void test_human_colour(void **state)
{
	struct vl_run_result r;
	char *out;

	(void)state;
	sample(&r, false);
	out = render_human(&r, true);
	assert_string_equal(out,
		"scenario \033[1marp-drop\033[0m: veth1 has no address, so ARP replies stop\n"
		"  \033[32mok\033[0m    1 ping host -> 192.168.2.1 (0.21 s): 2 sent, 2 received\n"
		"  \033[31mFAIL\033[0m  2 ping host -> 192.168.2.1 after set (1.00 s): 2 sent, 0 received\n"
		"        host:veth1 arp-reply == 0: saw 1\n"
		"scenario \033[1mroutes\033[0m\n"
		"  \033[32mok\033[0m    1 route host 10.0.0.1 (0.00 s): dev veth0 via 192.168.2.1\n"
		"2 scenarios, 3 steps: 2 passed, \033[31m1 failed\033[0m (1.23 s)\n");
	free(out);
	vl_run_result_fini(&r);

	/* nothing failed: no red */
	sample(&r, true);
	out = render_human(&r, true);
	assert_non_null(strstr(out, "2 scenarios, 3 steps: 3 passed, 0 failed (1.23 s)\n"));
	assert_null(strstr(out, "\033[31m"));
	free(out);
	vl_run_result_fini(&r);
}

/* Hostile text stays on its line and cannot reach the terminal as
 * control characters; singular counts. */
static void test_human_hostile(void **state)
{
	struct vl_run_result r;
	char *out;

	(void)state;
	hostile(&r);
	out = render_human(&r, false);
	assert_string_equal(out,
		"scenario sc \"1\" <&> 'x': multi line\n"
		"  FAIL  1 step #1 \\ <b> tab (0.50 s): q\"uote 'apos' <lt> &amp \\back line tab "
		"??[0m?? \xc3\xa9 \xf0\x9f\x99\x82 #hash ???????????" "(??\n"
		"        cap <x> & \"y\": saw ? 1 2\n"
		"1 scenario, 1 step: 0 passed, 1 failed (0.50 s)\n");
	free(out);
	vl_run_result_fini(&r);
}

/* The step's number is its place in the scenario, also for the slot just
 * past the steps stored so far; a step from elsewhere gets none. A step
 * without a reason, and a failing check without a detail. */
static void test_human_step_number(void **state)
{
	struct vl_run_result r;
	struct vl_scenario_result *sc;
	struct vl_step_result other = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	run_init(&r, NULL, 1, 0);
	sc = scenario(&r, 0, "s", "", true, 0, 1, 3);
	step(sc, 0, "first", 0.001, NULL);
	step(sc, 1, "second", 0.006, "fine");
	other.name = "elsewhere";
	other.ok = true;
	assert_non_null(f = open_memstream(&buf, &len));
	vl_report_scenario_start(f, "s", "", false);
	vl_report_scenario_start(f, "t", NULL, false);
	vl_report_step(f, sc, &sc->steps[0], false);
	vl_report_step(f, sc, &sc->steps[1], false);
	vl_report_step(f, sc, &other, false);
	assert_int_equal(vl_step_check(&sc->steps[2], false, "no detail", "%s", ""), 0);
	sc->steps[2].name = strdup("third");
	vl_report_step(f, sc, &sc->steps[2], false);	/* past n_steps + 1 */
	sc->n_steps = 3;
	vl_report_summary(f, &r, false);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(buf,
		"scenario s\n"
		"scenario t\n"
		"  ok    1 first (0.00 s)\n"
		"  ok    2 second (0.01 s): fine\n"
		"  ok    elsewhere (0.00 s)\n"
		"  FAIL  third (0.00 s)\n"
		"        no detail\n"
		"1 scenario, 3 steps: 2 passed, 1 failed (0.00 s)\n");
	free(buf);
	vl_run_result_fini(&r);
}

/* --- TAP --- */

static void test_tap_sample(void **state)
{
	struct vl_run_result r;
	char *out;

	(void)state;
	sample(&r, false);
	out = render(vl_report_tap, &r);
	assert_string_equal(out,
		"TAP version 13\n"
		"1..3\n"
		"ok 1 - arp-drop: ping host -> 192.168.2.1\n"
		"not ok 2 - arp-drop: ping host -> 192.168.2.1 after set\n"
		"  ---\n"
		"  message: \"2 sent, 0 received\"\n"
		"  seconds: 1.005\n"
		"  checks:\n"
		"    - what: \"host:veth1 arp-reply == 0\"\n"
		"      ok: false\n"
		"      detail: \"saw 1\"\n"
		"    - what: \"host:veth1 arp-request >= 1\"\n"
		"      ok: true\n"
		"      detail: \"saw 2\"\n"
		"  measures:\n"
		"    \"sent\": 2\n"
		"    \"why\": \"timeout\"\n"
		"  artifacts:\n"
		"    - \"/tmp/vethlab-1/host-veth1.pcap\"\n"
		"  ...\n"
		"ok 3 - routes: route host 10.0.0.1\n");
	free(out);
	vl_run_result_fini(&r);
}

/* prove passes a run without failures and fails one with a failure,
 * also when the failing step's name looks like a TODO directive. */
static void test_tap_prove(void **state)
{
	struct vl_run_result r;
	struct tmp t;
	char *out;

	(void)state;
	sample(&r, true);
	out = render(vl_report_tap, &r);
	assert_null(strstr(out, "not ok"));
	tmp_write(&t, out);
	expect_status(0, "All tests successful", "prove, all passing", PROVE, t.path);
	tmp_remove(&t);
	free(out);
	vl_run_result_fini(&r);

	sample(&r, false);
	out = render(vl_report_tap, &r);
	tmp_write(&t, out);
	expect_status(1, "Failed 1/3 subtests", "prove, one failing", PROVE, t.path);
	tmp_remove(&t);
	free(out);

	free(r.scenarios[0].steps[1].name);
	r.scenarios[0].steps[1].name = strdup("flaky # TODO later");
	out = render(vl_report_tap, &r);
	assert_non_null(strstr(out, "not ok 2 - arp-drop: flaky \\# TODO later\n"));
	tmp_write(&t, out);
	expect_status(1, "Failed 1/3 subtests", "prove, failing step named like a TODO", PROVE, t.path);
	tmp_remove(&t);
	free(out);
	vl_run_result_fini(&r);
}

/* TAP::Parser reads back the YAML block: every string as it was, with
 * only the bytes that are not UTF-8 replaced; no parse errors. */
static void test_tap_parse(void **state)
{
	struct vl_run_result r;
	char *out, *got;

	(void)state;
	sample(&r, false);
	out = render(vl_report_tap, &r);
	got = read_back("perl", tap_reader, out);
	assert_string_equal(got,
		"{\"errors\":[],\"results\":["
		"{\"plan\":\"1..3\"},"
		"{\"desc\":\"- arp-drop: ping host -> 192.168.2.1\",\"directive\":\"\",\"n\":1,\"ok\":1},"
		"{\"desc\":\"- arp-drop: ping host -> 192.168.2.1 after set\",\"directive\":\"\",\"n\":2,\"ok\":0},"
		"{\"yaml\":{\"artifacts\":[\"/tmp/vethlab-1/host-veth1.pcap\"],"
		"\"checks\":[{\"detail\":\"saw 1\",\"ok\":\"false\",\"what\":\"host:veth1 arp-reply == 0\"},"
		"{\"detail\":\"saw 2\",\"ok\":\"true\",\"what\":\"host:veth1 arp-request >= 1\"}],"
		"\"measures\":{\"sent\":\"2\",\"why\":\"timeout\"},"
		"\"message\":\"2 sent, 0 received\",\"seconds\":\"1.005\"}},"
		"{\"desc\":\"- routes: route host 10.0.0.1\",\"directive\":\"\",\"n\":3,\"ok\":1}"
		"]}\n");
	free(got);
	free(out);
	vl_run_result_fini(&r);

	hostile(&r);
	out = render(vl_report_tap, &r);
	assert_string_equal(out,
		"TAP version 13\n"
		"1..1\n"
		"not ok 1 - sc \"1\" <&> 'x': step \\#1 \\\\ <b> tab\n"
		"  ---\n"
		"  message: \"q\\\"uote 'apos' <lt> &amp \\\\back\\nline\\ttab\\r\\x01\\x1b[0m\\x7f"
		"\\x9b \xc3\xa9 \xf0\x9f\x99\x82 #hash "
		FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD "(" FFFD FFFD "\"\n"
		"  seconds: 0.500\n"
		"  checks:\n"
		"    - what: \"cap <x> & \\\"y\\\"\"\n"
		"      ok: false\n"
		"      detail: \"saw \\x01 1\\n2\"\n"
		"  measures:\n"
		"    \"k\\\"ey\": 1.5\n"
		"    \"bad" FFFD "\": \"0,5\"\n"
		"  artifacts:\n"
		"    - \"/tmp/a b/" FFFD ".pcap\"\n"
		"  ...\n");
	/* JSON::PP writes the bytes it read, escaping only controls, quotes
	 * and backslashes; \x9b became the byte 0x9b */
	got = read_back("perl", tap_reader, out);
	assert_string_equal(got,
		"{\"errors\":[],\"results\":["
		"{\"plan\":\"1..1\"},"
		"{\"desc\":\"- sc \\\"1\\\" <&> 'x': step \\\\#1 \\\\\\\\ <b> tab\",\"directive\":\"\",\"n\":1,\"ok\":0},"
		"{\"yaml\":{\"artifacts\":[\"/tmp/a b/" FFFD ".pcap\"],"
		"\"checks\":[{\"detail\":\"saw \\u0001 1\\n2\",\"ok\":\"false\",\"what\":\"cap <x> & \\\"y\\\"\"}],"
		"\"measures\":{\"bad" FFFD "\":\"0,5\",\"k\\\"ey\":\"1.5\"},"
		"\"message\":\"q\\\"uote 'apos' <lt> &amp \\\\back\\nline\\ttab\\r\\u0001\\u001b[0m\x7f"
		"\x9b \xc3\xa9 \xf0\x9f\x99\x82 #hash "
		FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD "(" FFFD FFFD "\","
		"\"seconds\":\"0.500\"}}"
		"]}\n");
	free(got);
	free(out);
	vl_run_result_fini(&r);
}

static void test_tap_empty(void **state)
{
	struct vl_run_result r;
	struct tmp t;
	char *out;

	(void)state;
	run_init(&r, "empty", 0, 0);
	out = render(vl_report_tap, &r);
	assert_string_equal(out, "TAP version 13\n1..0\n");
	tmp_write(&t, out);
	expect_status(0, "skipped", "prove, no steps", PROVE, t.path);
	tmp_remove(&t);
	free(out);
	vl_run_result_fini(&r);
}

/* --- JUnit --- */

static void test_junit_sample(void **state)
{
	struct vl_run_result r;
	char *out;

	(void)state;
	sample(&r, false);
	out = render(vl_report_junit, &r);
	assert_string_equal(out,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"vethlab demo\" tests=\"3\" failures=\"1\" errors=\"0\" time=\"1.234\">\n"
		"  <testsuite name=\"arp-drop\" tests=\"2\" failures=\"1\" errors=\"0\" time=\"1.215\">\n"
		"    <testcase classname=\"demo.arp-drop\" name=\"ping host -&gt; 192.168.2.1\" time=\"0.210\">\n"
		"      <system-out>sent=2\nreceived=2\nrtt_avg_ms=0.045\n</system-out>\n"
		"    </testcase>\n"
		"    <testcase classname=\"demo.arp-drop\" name=\"ping host -&gt; 192.168.2.1 after set\" time=\"1.005\">\n"
		"      <failure message=\"2 sent, 0 received\">host:veth1 arp-reply == 0: saw 1</failure>\n"
		"      <system-out>sent=2\nwhy=timeout\nartifact: /tmp/vethlab-1/host-veth1.pcap\n</system-out>\n"
		"    </testcase>\n"
		"  </testsuite>\n"
		"  <testsuite name=\"routes\" tests=\"1\" failures=\"0\" errors=\"0\" time=\"0.012\">\n"
		"    <testcase classname=\"demo.routes\" name=\"route host 10.0.0.1\" time=\"0.000\"/>\n"
		"  </testsuite>\n"
		"</testsuites>\n");
	expect_valid(vl_report_junit, out);
	free(out);
	vl_run_result_fini(&r);
}

static void test_junit_hostile(void **state)
{
	struct vl_run_result r;
	char *out, *got;

	(void)state;
	hostile(&r);
	out = render(vl_report_junit, &r);
	assert_non_null(strstr(out, "<testsuites name=\"vethlab lab&amp;&lt;x&gt;\" "));
	assert_non_null(strstr(out,
		"<testcase classname=\"lab&amp;&lt;x&gt;.sc &quot;1&quot; &lt;&amp;&gt; &apos;x&apos;\" "
		"name=\"step #1 \\ &lt;b&gt;&#9;tab\" time=\"0.500\">\n"));
	assert_non_null(strstr(out,
		"<failure message=\"q&quot;uote &apos;apos&apos; &lt;lt&gt; &amp;amp \\back&#10;line&#9;tab&#13;"
		FFFD FFFD "[0m" FFFD FFFD " \xc3\xa9 \xf0\x9f\x99\x82 #hash "
		FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD FFFD "(" FFFD FFFD "\">"
		"cap &lt;x&gt; &amp; &quot;y&quot;: saw " FFFD " 1\n2</failure>\n"));
	expect_valid(vl_report_junit, out);
	/* what a consumer reads: the original text, less what XML 1.0
	 * cannot carry */
	got = read_back("python3", xml_reader, out);
	assert_string_equal(got,
		"[\"vethlab lab&<x>\", \"sc \\\"1\\\" <&> 'x'\", \"lab&<x>.sc \\\"1\\\" <&> 'x'\", "
		"\"step #1 \\\\ <b>\\ttab\", "
		"\"q\\\"uote 'apos' <lt> &amp \\\\back\\nline\\ttab\\r\\ufffd\\ufffd[0m\\ufffd\\ufffd "
		"\\u00e9 \\ud83d\\ude42 #hash \\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd"
		"\\ufffd\\ufffd\\ufffd(\\ufffd\\ufffd\", "
		"\"cap <x> & \\\"y\\\": saw \\ufffd 1\\n2\", "
		"\"k\\\"ey=1.5\\nbad\\ufffd=0,5\\nartifact: /tmp/a b/\\ufffd.pcap\\n\"]\n");
	free(got);
	free(out);
	vl_run_result_fini(&r);
}

/* No lab name, a scenario without steps, a failing step without reason
 * or checks and with nothing to put in system-out. */
static void test_junit_edges(void **state)
{
	struct vl_run_result r;
	struct vl_scenario_result *sc;
	char *out;

	(void)state;
	run_init(&r, NULL, 2, -1);
	scenario(&r, 0, "nothing", NULL, false, 0, 0, 0);
	sc = scenario(&r, 1, "bare", NULL, false, 0.25, 1, 1);
	step(sc, 0, "exec", 0.25, NULL)->ok = false;
	out = render(vl_report_junit, &r);
	assert_string_equal(out,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"vethlab\" tests=\"1\" failures=\"1\" errors=\"0\" time=\"0.000\">\n"
		"  <testsuite name=\"nothing\" tests=\"0\" failures=\"0\" errors=\"0\" time=\"0.000\"/>\n"
		"  <testsuite name=\"bare\" tests=\"1\" failures=\"1\" errors=\"0\" time=\"0.250\">\n"
		"    <testcase classname=\"bare\" name=\"exec\" time=\"0.250\">\n"
		"      <failure message=\"failed\"></failure>\n"
		"    </testcase>\n"
		"  </testsuite>\n"
		"</testsuites>\n");
	expect_valid(vl_report_junit, out);
	free(out);
	vl_run_result_fini(&r);

	run_init(&r, "empty", 0, 0);
	out = render(vl_report_junit, &r);
	assert_string_equal(out,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"vethlab empty\" tests=\"0\" failures=\"0\" errors=\"0\" time=\"0.000\">\n"
		"</testsuites>\n");
	expect_valid(vl_report_junit, out);
	free(out);
	vl_run_result_fini(&r);
}

/* --- JSON --- */

static void test_json_sample(void **state)
{
	struct vl_run_result r;
	char *out;

	(void)state;
	sample(&r, false);
	out = render(vl_report_json, &r);
	assert_string_equal(out,
		"{\"lab\":\"demo\",\"ok\":false,\"steps\":3,\"passed\":2,\"failed\":1,\"seconds\":1.234,"
		"\"scenarios\":["
		"{\"name\":\"arp-drop\",\"description\":\"veth1 has no address, so ARP replies stop\","
		"\"ok\":false,\"seconds\":1.215,\"steps\":["
		"{\"name\":\"ping host -> 192.168.2.1\",\"ok\":true,\"reason\":\"2 sent, 2 received\","
		"\"seconds\":0.210,\"checks\":[{\"what\":\"ping replies\",\"ok\":true,\"detail\":\"2 of 2\"}],"
		"\"measures\":{\"sent\":2,\"received\":2,\"rtt_avg_ms\":0.045},\"artifacts\":[]},"
		"{\"name\":\"ping host -> 192.168.2.1 after set\",\"ok\":false,\"reason\":\"2 sent, 0 received\","
		"\"seconds\":1.005,\"checks\":["
		"{\"what\":\"host:veth1 arp-reply == 0\",\"ok\":false,\"detail\":\"saw 1\"},"
		"{\"what\":\"host:veth1 arp-request >= 1\",\"ok\":true,\"detail\":\"saw 2\"}],"
		"\"measures\":{\"sent\":2,\"why\":\"timeout\"},"
		"\"artifacts\":[\"/tmp/vethlab-1/host-veth1.pcap\"]}]},"
		"{\"name\":\"routes\",\"description\":null,\"ok\":true,\"seconds\":0.012,\"steps\":["
		"{\"name\":\"route host 10.0.0.1\",\"ok\":true,\"reason\":\"dev veth0 via 192.168.2.1\","
		"\"seconds\":0.000,\"checks\":[],\"measures\":{},\"artifacts\":[]}]}]}\n");
	expect_valid(vl_report_json, out);
	free(out);
	vl_run_result_fini(&r);

	/* all passing: the run and its scenarios say ok */
	sample(&r, true);
	out = render(vl_report_json, &r);
	assert_non_null(strstr(out, "{\"lab\":\"demo\",\"ok\":true,\"steps\":3,\"passed\":3,\"failed\":0,"));
	assert_non_null(strstr(out, "{\"name\":\"arp-drop\",\"description\":\"veth1 has no address, so ARP replies stop\",\"ok\":true,"));
	free(out);
	vl_run_result_fini(&r);
}

static void test_json_hostile(void **state)
{
	struct vl_run_result r;
	char *out, *got;

	(void)state;
	hostile(&r);
	out = render(vl_report_json, &r);
	expect_valid(vl_report_json, out);
	got = read_back("python3", json_reader, out);
	assert_string_equal(got,
		"{\"failed\": 1, \"lab\": \"lab&<x>\", \"ok\": false, \"passed\": 0, \"scenarios\": ["
		"{\"description\": \"multi\\nline\", \"name\": \"sc \\\"1\\\" <&> 'x'\", \"ok\": false, "
		"\"seconds\": 0.5, \"steps\": [{\"artifacts\": [\"/tmp/a b/\\ufffd.pcap\"], "
		"\"checks\": [{\"detail\": \"saw \\u0001 1\\n2\", \"ok\": false, \"what\": \"cap <x> & \\\"y\\\"\"}], "
		"\"measures\": {\"bad\\ufffd\": \"0,5\", \"k\\\"ey\": 1.5}, "
		"\"name\": \"step #1 \\\\ <b>\\ttab\", \"ok\": false, "
		"\"reason\": \"q\\\"uote 'apos' <lt> &amp \\\\back\\nline\\ttab\\r\\u0001\\u001b[0m\\u007f"
		"\\u009b \\u00e9 \\ud83d\\ude42 #hash \\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd"
		"\\ufffd\\ufffd\\ufffd(\\ufffd\\ufffd\", "
		"\"seconds\": 0.5}]}], \"seconds\": 0.5, \"steps\": 1}\n");
	free(got);
	free(out);
	vl_run_result_fini(&r);
}

/* The run's and a scenario's "ok": false when any step failed or when
 * the runner marked the scenario failed (a scenario can fail before its
 * steps: it has none then); no lab is null. */
static void test_json_ok(void **state)
{
	struct vl_run_result r;
	struct vl_scenario_result *sc;
	char *out;

	(void)state;
	run_init(&r, NULL, 1, 0);
	scenario(&r, 0, "setup", NULL, false, 0, 0, 0);
	out = render(vl_report_json, &r);
	assert_string_equal(out,
		"{\"lab\":null,\"ok\":false,\"steps\":0,\"passed\":0,\"failed\":0,\"seconds\":0.000,"
		"\"scenarios\":[{\"name\":\"setup\",\"description\":null,\"ok\":false,"
		"\"seconds\":0.000,\"steps\":[]}]}\n");
	expect_valid(vl_report_json, out);
	free(out);
	vl_run_result_fini(&r);

	/* the runner said ok, a step says otherwise: the step wins */
	run_init(&r, "l", 1, 0);
	sc = scenario(&r, 0, "s", NULL, true, 0, 2, 2);
	step(sc, 0, "a", 0, NULL);
	step(sc, 1, "b", 0, NULL)->ok = false;
	out = render(vl_report_json, &r);
	assert_string_equal(out,
		"{\"lab\":\"l\",\"ok\":false,\"steps\":2,\"passed\":1,\"failed\":1,\"seconds\":0.000,"
		"\"scenarios\":[{\"name\":\"s\",\"description\":null,\"ok\":false,\"seconds\":0.000,"
		"\"steps\":[{\"name\":\"a\",\"ok\":true,\"reason\":null,\"seconds\":0.000,"
		"\"checks\":[],\"measures\":{},\"artifacts\":[]},"
		"{\"name\":\"b\",\"ok\":false,\"reason\":null,\"seconds\":0.000,"
		"\"checks\":[],\"measures\":{},\"artifacts\":[]}]}]}\n");
	free(out);
	vl_run_result_fini(&r);
}

/* The UTF-8 decoder at its edges: the smallest and largest value of each
 * length pass, overlong forms, surrogates, values past U+10FFFF, stray
 * continuation bytes and cut sequences become one U+FFFD per byte. XML
 * also replaces U+FFFE and U+FFFF, which it cannot carry. */
static void test_utf8(void **state)
{
	static const struct {
		const char *in, *json, *xml;
	} cases[] = {
		{ "\x7e", "~", "~" },
		{ "\xc2\x80", "\xc2\x80", FFFD },		/* U+0080, a C1 control */
		{ "\xc2\xa0", "\xc2\xa0", "\xc2\xa0" },
		{ "\xdf\xbf", "\xdf\xbf", "\xdf\xbf" },
		{ "\xc0\xaf", FFFD FFFD, FFFD FFFD },
		{ "\xc1\xbf", FFFD FFFD, FFFD FFFD },
		{ "\xe0\x80\xaf", FFFD FFFD FFFD, FFFD FFFD FFFD },
		{ "\xe0\xa0\x80", "\xe0\xa0\x80", "\xe0\xa0\x80" },
		{ "\xed\x9f\xbf", "\xed\x9f\xbf", "\xed\x9f\xbf" },
		{ "\xed\xa0\x80", FFFD FFFD FFFD, FFFD FFFD FFFD },
		{ "\xed\xbf\xbf", FFFD FFFD FFFD, FFFD FFFD FFFD },
		{ "\xee\x80\x80", "\xee\x80\x80", "\xee\x80\x80" },
		{ "\xef\xbf\xbd", FFFD, FFFD },
		{ "\xef\xbf\xbe", "\xef\xbf\xbe", FFFD },
		{ "\xef\xbf\xbf", "\xef\xbf\xbf", FFFD },
		{ "\xf0\x8f\xbf\xbf", FFFD FFFD FFFD FFFD, FFFD FFFD FFFD FFFD },
		{ "\xf0\x90\x80\x80", "\xf0\x90\x80\x80", "\xf0\x90\x80\x80" },
		{ "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf" },
		{ "\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD, FFFD FFFD FFFD FFFD },
		{ "\xf5\x80\x80\x80", FFFD FFFD FFFD FFFD, FFFD FFFD FFFD FFFD },
		{ "\xf8\x88\x80\x80\x80", FFFD FFFD FFFD FFFD FFFD, FFFD FFFD FFFD FFFD FFFD },
		{ "\xfe\xff", FFFD FFFD, FFFD FFFD },
		{ "a\x80" "b", "a" FFFD "b", "a" FFFD "b" },
		{ "\xe2\x82x", FFFD FFFD "x", FFFD FFFD "x" },
		{ "\xc3\xc3\xa9", FFFD "\xc3\xa9", FFFD "\xc3\xa9" },
		{ "\xf0\x9f\x99", FFFD FFFD FFFD, FFFD FFFD FFFD },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vl_run_result r;
		struct vl_scenario_result *sc;
		char *json, *xml, *want;

		run_init(&r, "u", 1, 0);
		sc = scenario(&r, 0, "s", NULL, false, 0, 1, 1);
		step(sc, 0, "x", 0, cases[i].in)->ok = false;
		json = render(vl_report_json, &r);
		xml = render(vl_report_junit, &r);
		assert_true(asprintf(&want, "\"reason\":\"%s\"", cases[i].json) > 0);
		if (!strstr(json, want))
			fail_msg("case %zu: want %s in %s", i, want, json);
		free(want);
		assert_true(asprintf(&want, "<failure message=\"%s\">", cases[i].xml) > 0);
		if (!strstr(xml, want))
			fail_msg("case %zu: want %s in %s", i, want, xml);
		free(want);
		free(json);
		free(xml);
		vl_run_result_fini(&r);
	}
}

/* A measure marked as a number is printed bare only when it is a JSON
 * number; otherwise quoted. Same rule in TAP's YAML. */
static void test_json_numbers(void **state)
{
	static const char *const good[] = { "0", "-0", "7", "-12", "0.5", "-1.25", "1e9",
					    "2E-3", "1.5e+10", "10", NULL };
	static const char *const bad[] = { "", "-", "01", "1.", ".5", "+1", "1e", "1e+",
					   "0x10", "nan", "inf", "1,5", " 1", "1 ",
					   "--1", "1.2.3", NULL };
	struct vl_run_result r;
	struct vl_scenario_result *sc;
	struct vl_step_result *st;
	char *out, *tap, want[64];

	(void)state;
	run_init(&r, "n", 1, 0);
	sc = scenario(&r, 0, "s", NULL, false, 0, 1, 1);
	st = step(sc, 0, "m", 0, NULL);
	st->ok = false;
	for (size_t i = 0; good[i]; i++)
		assert_int_equal(vl_step_measure(st, "k", true, "%s", good[i]), 0);
	for (size_t i = 0; bad[i]; i++)
		assert_int_equal(vl_step_measure(st, "k", true, "%s", bad[i]), 0);
	/* a string measure is quoted even when it looks like a number */
	assert_int_equal(vl_step_measure(st, "s", false, "42"), 0);
	out = render(vl_report_json, &r);
	tap = render(vl_report_tap, &r);
	for (size_t i = 0; good[i]; i++) {
		snprintf(want, sizeof(want), "\"k\":%s,", good[i]);
		if (!strstr(out, want))
			fail_msg("%s not bare in %s", good[i], out);
		snprintf(want, sizeof(want), "    \"k\": %s\n", good[i]);
		if (!strstr(tap, want))
			fail_msg("%s not bare in %s", good[i], tap);
	}
	for (size_t i = 0; bad[i]; i++) {
		snprintf(want, sizeof(want), "\"k\":\"%s\"", bad[i]);
		if (!strstr(out, want))
			fail_msg("\"%s\" not quoted in %s", bad[i], out);
		snprintf(want, sizeof(want), "    \"k\": \"%s\"\n", bad[i]);
		if (!strstr(tap, want))
			fail_msg("\"%s\" not quoted in %s", bad[i], tap);
	}
	assert_non_null(strstr(out, "\"s\":\"42\"}"));
	assert_non_null(strstr(tap, "    \"s\": \"42\"\n"));
	expect_valid(vl_report_json, out);
	free(tap);
	free(out);
	vl_run_result_fini(&r);
}

/* Times: fixed decimals, rounded; negative and NaN as zero; huge ones
 * capped rather than overflowing. */
static void test_times(void **state)
{
	static const struct {
		double v;
		const char *json, *human;
	} cases[] = {
		{ 0, "0.000", "0.00" },
		{ 0.0004, "0.000", "0.00" },
		{ 0.0006, "0.001", "0.00" },
		{ 0.0051, "0.005", "0.01" },
		{ 1.9996, "2.000", "2.00" },
		{ 59.25, "59.250", "59.25" },
		{ 12345.6789, "12345.679", "12345.68" },
		{ -3, "0.000", "0.00" },
		{ NAN, "0.000", "0.00" },
		{ 1e300, "1000000000.000", "1000000000.00" },
	};
	struct vl_run_result r;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[128], *out;

		run_init(&r, "t", 0, cases[i].v);
		out = render(vl_report_json, &r);
		snprintf(want, sizeof(want), "\"seconds\":%s,", cases[i].json);
		if (!strstr(out, want))
			fail_msg("%g: want %s in %s", cases[i].v, want, out);
		free(out);
		out = render(vl_report_junit, &r);
		snprintf(want, sizeof(want), " time=\"%s\">", cases[i].json);
		if (!strstr(out, want))
			fail_msg("%g: want %s in %s", cases[i].v, want, out);
		free(out);
		out = render_human(&r, false);
		snprintf(want, sizeof(want), "0 scenarios, 0 steps: 0 passed, 0 failed (%s s)\n",
			 cases[i].human);
		assert_string_equal(out, want);
		free(out);
		vl_run_result_fini(&r);
	}
}

/* A write that fails is reported, with the errno of the failure. */
static void test_write_error(void **state)
{
	static const report_fn fns[] = { vl_report_tap, vl_report_junit, vl_report_json };
	struct vl_run_result r;

	(void)state;
	sample(&r, false);
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		FILE *f = fopen("/dev/full", "w");

		assert_non_null(f);
		assert_int_equal(fns[i](f, &r), -ENOSPC);
		fclose(f);
	}
	/* and a stream that works reports 0 */
	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		FILE *f = fopen("/dev/null", "w");

		assert_non_null(f);
		assert_int_equal(fns[i](f, &r), 0);
		assert_int_equal(fclose(f), 0);
	}
	vl_run_result_fini(&r);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_human_sample),
		cmocka_unit_test(test_human_colour),
		cmocka_unit_test(test_human_hostile),
		cmocka_unit_test(test_human_step_number),
		cmocka_unit_test(test_tap_sample),
		cmocka_unit_test(test_tap_prove),
		cmocka_unit_test(test_tap_parse),
		cmocka_unit_test(test_tap_empty),
		cmocka_unit_test(test_junit_sample),
		cmocka_unit_test(test_junit_hostile),
		cmocka_unit_test(test_junit_edges),
		cmocka_unit_test(test_json_sample),
		cmocka_unit_test(test_json_hostile),
		cmocka_unit_test(test_json_ok),
		cmocka_unit_test(test_json_numbers),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_times),
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
