/* core/timings.c: phases count only their own time, the phases verify
 * runs are verify's, actions and waits add up, and the report's text and
 * JSON shapes. One collector per process: the tests build on each other
 * and run in order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/plan.h"
#include "core/timings.h"
#include "tests/unit/testlib.h"

/* At least MS milliseconds, counted in nanoseconds: in whole
 * milliseconds a negative nanosecond difference (across a second) is
 * rounded up, and the spin ended up to a millisecond early. */
static void spin_ms(int ms)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do
		clock_gettime(CLOCK_MONOTONIC, &t);
	while ((t.tv_sec - t0.tv_sec) * 1000000000LL + (t.tv_nsec - t0.tv_nsec) <
	       ms * 1000000LL);
}

/* The report, in memory (the caller frees it). */
static char *report(void)
{
	static char *buf;
	static size_t len;
	FILE *f;

	buf = NULL;
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	vl_timings_report(f);
	fclose(f);
	return buf;
}

/* The number after KEY in the JSON text. */
static double num_after(const char *json, const char *key)
{
	const char *p = strstr(json, key);

	if (!p)
		fail_msg("no %s in %s", key, json);
	return strtod(p + strlen(key), NULL);
}

static void test_off(void **state)
{
	enum vl_timings_format fmt;
	char *out;

	(void)state;
	assert_int_equal(vl_timings_now(), 0);
	vl_timings_begin(VL_PHASE_APPLY);
	vl_timings_end(VL_PHASE_APPLY);
	out = report();
	assert_string_equal(out, "");
	free(out);
	assert_int_equal(vl_timings_parse(NULL, &fmt), 0);
	assert_int_equal(fmt, VL_TIMINGS_TEXT);
	assert_int_equal(vl_timings_parse("json", &fmt), 0);
	assert_int_equal(fmt, VL_TIMINGS_JSON);
	assert_int_equal(vl_timings_parse("xml", &fmt), -EINVAL);
}

static void test_json(void **state)
{
	char *out;
	double apply, verify, observe, total;

	(void)state;
	vl_timings_enable("up", VL_TIMINGS_JSON);
	vl_timings_begin(VL_PHASE_OBSERVE);
	spin_ms(5);
	vl_timings_end(VL_PHASE_OBSERVE);
	vl_timings_begin(VL_PHASE_APPLY);
	spin_ms(10);
	/* verify inside apply: its own time, and its observe is its own */
	vl_timings_begin(VL_PHASE_VERIFY);
	vl_timings_begin(VL_PHASE_OBSERVE);
	spin_ms(100);
	vl_timings_end(VL_PHASE_OBSERVE);
	vl_timings_end(VL_PHASE_VERIFY);
	vl_timings_end(VL_PHASE_APPLY);
	vl_timings_action(VL_ADDR_ADD, 3, 4000000);
	vl_timings_action(VL_ADDR_ADD, 1, 1000000);
	vl_timings_action(VL_NETNS_ADD, 2, 2000000);
	out = report();
	assert_int_equal(strchr(out, '\n') - out + 1, (long)strlen(out));
	assert_true(!strncmp(out, "{\"command\":\"up\",\"total_ms\":", 27));
	total = num_after(out, "\"total_ms\":");
	observe = num_after(out, "{\"name\":\"observe\",\"ms\":");
	apply = num_after(out, "{\"name\":\"apply\",\"ms\":");
	verify = num_after(out, "{\"name\":\"verify\",\"ms\":");
	/* no upper bounds, which a loaded machine could break: verify's
	 * 100 ms counted in apply, or its observe in observe, would make
	 * either more than half of verify */
	assert_true(observe >= 5);
	assert_true(apply >= 10);
	assert_true(verify >= 100);
	assert_true(observe < verify / 2);
	assert_true(apply < verify / 2);
	assert_true(total >= observe + apply + verify);
	/* in the stages' order, apply's actions in the plan's */
	assert_non_null(strstr(out, "\"phases\":[{\"name\":\"parse\",\"ms\":0.000},"
				    "{\"name\":\"validate\",\"ms\":0.000},{\"name\":\"observe\""));
	assert_non_null(strstr(out, "\"actions\":[{\"kind\":\"netns_add\",\"count\":2,\"ms\":2.000},"
				    "{\"kind\":\"addr_add\",\"count\":4,\"ms\":5.000}]}"));
	assert_null(strstr(out, "rollback"));
	assert_null(strstr(out, "wait_ms"));
	free(out);
}

static void test_test_text(void **state)
{
	char *out;

	(void)state;
	vl_timings_enable("test", VL_TIMINGS_TEXT);
	vl_timings_begin(VL_PHASE_STEPS);
	vl_timings_wait(30000000);
	vl_timings_end(VL_PHASE_STEPS);
	vl_timings_scenario("arp-drop", 40000000, 30000000);
	assert_int_equal(vl_timings_waited(), 30000000);
	out = report();
	assert_true(!strncmp(out, "timings: test ", 14));
	assert_non_null(strstr(out, "\n  steps      "));
	assert_non_null(strstr(out, "\n  scenario arp-drop 40.000 ms, waiting 30.000 ms\n"));
	assert_non_null(strstr(out, "\n  waiting on the network 30.000 ms, vethlab's own work "));
	free(out);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_off),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_test_text),
	};

	return cmocka_run_group_tests_name("timings", tests, NULL, NULL);
}
