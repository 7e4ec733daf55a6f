/* Reporting a scenario run: for people (one line per step, colour on a
 * terminal), TAP for prove, JUnit XML for CI systems, JSON for tools. */
#ifndef VL_REPORT_H
#define VL_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "core/scenario.h"

/* One step as it finishes, for people ("ok   ping host -> 192.168.2.1:
 * ..."; failing checks indented below). COLOUR adds ANSI colours. */
void vl_report_step(FILE *f, const struct vl_scenario_result *sc,
		    const struct vl_step_result *st, bool colour);
/* "scenario arp-drop: veth1 has no address, so ..." before its steps. */
void vl_report_scenario_start(FILE *f, const char *name, const char *description,
			      bool colour);
/* "3 scenarios, 9 steps: 9 passed, 0 failed (1.23 s)". */
void vl_report_summary(FILE *f, const struct vl_run_result *r, bool colour);

/* Whole-run reports; -errno when writing fails. */
int vl_report_tap(FILE *f, const struct vl_run_result *r);
int vl_report_junit(FILE *f, const struct vl_run_result *r);
int vl_report_json(FILE *f, const struct vl_run_result *r);

#endif
