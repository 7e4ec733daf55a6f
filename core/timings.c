/* The --timings collector: exclusive phase times on a small stack,
 * action and scenario tallies, and the text and JSON reports. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/plan.h"
#include "core/timings.h"
#include "core/util.h"

#define MAX_DEPTH 16

static const char *const phase_names[VL_PHASE_MAX] = {
	[VL_PHASE_PARSE] = "parse",	[VL_PHASE_VALIDATE] = "validate",
	[VL_PHASE_OBSERVE] = "observe", [VL_PHASE_PLAN] = "plan",
	[VL_PHASE_APPLY] = "apply",	[VL_PHASE_VERIFY] = "verify",
	[VL_PHASE_ROLLBACK] = "rollback", [VL_PHASE_STEPS] = "steps",
};

struct scenario_time {
	char *name;
	int64_t ns, wait_ns;
};

static struct {
	enum vl_timings_format fmt;
	const char *command;
	int64_t start;
	int64_t phase_ns[VL_PHASE_MAX];
	unsigned phase_runs[VL_PHASE_MAX];
	/* the open phases; a phase begun inside verify is folded into it */
	struct {
		enum vl_phase phase;
		bool folded;
	} stack[MAX_DEPTH];
	size_t depth;
	int64_t since;		/* when the top of the stack last resumed */
	size_t act_count[VL_ACT_MAX];
	int64_t act_ns[VL_ACT_MAX];
	int64_t wait_ns;
	struct scenario_time *scenarios;
	size_t n_scenarios;
} T;

static int64_t clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* total_ms is the whole command's: count from the start of the process */
__attribute__((constructor)) static void process_start(void)
{
	T.start = clock_ns();
}

int vl_timings_parse(const char *arg, enum vl_timings_format *fmt)
{
	if (!arg || !strcmp(arg, "text"))
		*fmt = VL_TIMINGS_TEXT;
	else if (!strcmp(arg, "json"))
		*fmt = VL_TIMINGS_JSON;
	else
		return -EINVAL;
	return 0;
}

void vl_timings_enable(const char *command, enum vl_timings_format fmt)
{
	T.fmt = fmt;
	T.command = command;
}

int64_t vl_timings_now(void)
{
	return T.fmt ? clock_ns() : 0;
}

/* Charge the time since the last switch to the phase on top. */
static int64_t charge(void)
{
	int64_t t = clock_ns();

	if (T.depth && !T.stack[T.depth - 1].folded)
		T.phase_ns[T.stack[T.depth - 1].phase] += t - T.since;
	T.since = t;
	return t;
}

void vl_timings_begin(enum vl_phase phase)
{
	bool folded;

	if (!T.fmt || T.depth == MAX_DEPTH)
		return;
	folded = T.depth && (T.stack[T.depth - 1].folded ||
			     T.stack[T.depth - 1].phase == VL_PHASE_VERIFY);
	charge();
	T.stack[T.depth].phase = phase;
	T.stack[T.depth].folded = folded;
	T.depth++;
	if (!folded)
		T.phase_runs[phase]++;
}

void vl_timings_end(enum vl_phase phase)
{
	if (!T.fmt || !T.depth || T.stack[T.depth - 1].phase != phase)
		return;
	if (T.stack[T.depth - 1].folded) {
		/* its time stays with the phase it is folded into */
		T.depth--;
		return;
	}
	charge();
	T.depth--;
}

void vl_timings_action(int kind, size_t count, int64_t ns)
{
	if (!T.fmt || kind < 0 || kind >= VL_ACT_MAX)
		return;
	T.act_count[kind] += count;
	T.act_ns[kind] += ns;
}

void vl_timings_wait(int64_t ns)
{
	if (T.fmt)
		T.wait_ns += ns;
}

int64_t vl_timings_waited(void)
{
	return T.wait_ns;
}

void vl_timings_scenario(const char *name, int64_t ns, int64_t wait_ns)
{
	struct scenario_time *s;

	if (!T.fmt)
		return;
	s = vl_array_push(&T.scenarios, &T.n_scenarios, sizeof(*s));
	if (!s)
		return;		/* a report without it beats none */
	s->name = strdup(name);
	s->ns = ns;
	s->wait_ns = wait_ns;
}

/* Milliseconds with three decimals, whatever the locale. */
static void ms(FILE *f, int64_t ns)
{
	int64_t us = (ns < 0 ? 0 : ns) / 1000;

	fprintf(f, "%lld.%03lld", (long long)(us / 1000), (long long)(us % 1000));
}

/* The six stages always (0 when they did not run, so that a reader
 * finds every name); rollback and steps when they ran. */
static bool listed(enum vl_phase p)
{
	return p <= VL_PHASE_VERIFY || T.phase_runs[p];
}

static void report_text(FILE *f, int64_t total)
{
	fprintf(f, "timings: %s ", T.command);
	ms(f, total);
	fputs(" ms\n", f);
	for (int p = 0; p < VL_PHASE_MAX; p++) {
		if (!listed(p))
			continue;
		fprintf(f, "  %-10s ", phase_names[p]);
		ms(f, T.phase_ns[p]);
		fputs(" ms\n", f);
		for (int k = 0; p == VL_PHASE_APPLY && k < VL_ACT_MAX; k++) {
			if (!T.act_count[k])
				continue;
			fprintf(f, "    %-11s %6zu x ", vl_act_name(k), T.act_count[k]);
			ms(f, T.act_ns[k]);
			fputs(" ms\n", f);
		}
	}
	if (strcmp(T.command, "test"))
		return;
	for (size_t i = 0; i < T.n_scenarios; i++) {
		fprintf(f, "  scenario %s ", T.scenarios[i].name ? T.scenarios[i].name : "?");
		ms(f, T.scenarios[i].ns);
		fputs(" ms, waiting ", f);
		ms(f, T.scenarios[i].wait_ns);
		fputs(" ms\n", f);
	}
	fputs("  waiting on the network ", f);
	ms(f, T.wait_ns);
	fputs(" ms, vethlab's own work ", f);
	ms(f, (total / 1000 - T.wait_ns / 1000) * 1000);
	fputs(" ms\n", f);
}

static void report_json(FILE *f, int64_t total)
{
	bool first = true;

	fputs("{\"command\":", f);
	vl_json_str(f, T.command);
	fputs(",\"total_ms\":", f);
	ms(f, total);
	fputs(",\"phases\":[", f);
	for (int p = 0; p < VL_PHASE_MAX; p++) {
		bool first_act = true;

		if (!listed(p))
			continue;
		fprintf(f, "%s{\"name\":\"%s\",\"ms\":", first ? "" : ",", phase_names[p]);
		ms(f, T.phase_ns[p]);
		first = false;
		if (p == VL_PHASE_APPLY) {
			fputs(",\"actions\":[", f);
			for (int k = 0; k < VL_ACT_MAX; k++) {
				if (!T.act_count[k])
					continue;
				fprintf(f, "%s{\"kind\":\"%s\",\"count\":%zu,\"ms\":",
					first_act ? "" : ",", vl_act_name(k), T.act_count[k]);
				ms(f, T.act_ns[k]);
				fputc('}', f);
				first_act = false;
			}
			fputc(']', f);
		}
		fputc('}', f);
	}
	fputc(']', f);
	if (!strcmp(T.command, "test")) {
		fputs(",\"wait_ms\":", f);
		ms(f, T.wait_ns);
		/* in whole microseconds, so that own_ms + wait_ms is total_ms */
		fputs(",\"own_ms\":", f);
		ms(f, (total / 1000 - T.wait_ns / 1000) * 1000);
		fputs(",\"scenarios\":[", f);
		for (size_t i = 0; i < T.n_scenarios; i++) {
			fputs(i ? ",{\"name\":" : "{\"name\":", f);
			vl_json_str(f, T.scenarios[i].name);
			fputs(",\"ms\":", f);
			ms(f, T.scenarios[i].ns);
			fputs(",\"wait_ms\":", f);
			ms(f, T.scenarios[i].wait_ns);
			fputc('}', f);
		}
		fputc(']', f);
	}
	fputs("}\n", f);
}

void vl_timings_report(FILE *f)
{
	int64_t total;

	if (!T.fmt)
		return;
	total = clock_ns() - T.start;
	if (T.fmt == VL_TIMINGS_JSON)
		report_json(f, total);
	else
		report_text(f, total);
	fflush(f);
	for (size_t i = 0; i < T.n_scenarios; i++)
		free(T.scenarios[i].name);
	free(T.scenarios);
	T.scenarios = NULL;
	T.n_scenarios = 0;
}
