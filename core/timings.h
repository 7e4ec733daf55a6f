/* Where a command's time goes (--timings): the reconciler's phases,
 * apply's actions by kind, and for scenarios the time spent waiting on
 * the network. One collector per process, on the monotonic clock; when
 * it is off every call is one test of a flag. */
#ifndef VL_TIMINGS_H
#define VL_TIMINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum vl_phase {
	VL_PHASE_PARSE,
	VL_PHASE_VALIDATE,
	VL_PHASE_OBSERVE,
	VL_PHASE_PLAN,
	VL_PHASE_APPLY,
	VL_PHASE_VERIFY,
	VL_PHASE_ROLLBACK,	/* listed only when it ran */
	VL_PHASE_STEPS,		/* scenario steps, outside the reconciles */
	VL_PHASE_MAX
};

enum vl_timings_format {
	VL_TIMINGS_OFF,
	VL_TIMINGS_TEXT,
	VL_TIMINGS_JSON,
};

/* The argument of --timings: NULL or "text", "json". -EINVAL otherwise. */
int vl_timings_parse(const char *arg, enum vl_timings_format *fmt);
/* Start collecting for COMMAND ("up"); the total counts from the start
 * of the process. */
void vl_timings_enable(const char *command, enum vl_timings_format fmt);
/* Monotonic nanoseconds; 0 when timings are off, so that callers may
 * stamp unconditionally. */
int64_t vl_timings_now(void);

/* Phases nest, and each counts only its own time: verify, which runs
 * inside apply, pauses it. The observe and plan that verify runs are
 * verify's, not phases of their own. Every begin has its end. */
void vl_timings_begin(enum vl_phase phase);
void vl_timings_end(enum vl_phase phase);

/* COUNT actions of KIND (an enum vl_act) done by apply, in NS. */
void vl_timings_action(int kind, size_t count, int64_t ns);

/* NS spent blocked waiting for packets or their timeouts (ping). */
void vl_timings_wait(int64_t ns);
/* All the waiting so far. */
int64_t vl_timings_waited(void);
/* One scenario of `test`: its wall time and its waiting. */
void vl_timings_scenario(const char *name, int64_t ns, int64_t wait_ns);

/* The report, to F (standard error): lines for people, or one line of
 * JSON. Nothing when timings are off. */
void vl_timings_report(FILE *f);

#endif
