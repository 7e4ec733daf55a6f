/* Scenarios: steps that change the lab and checks that prove what is and
 * is not reachable (pings, packet captures with counted matches, route
 * and neighbour lookups, commands), and the results they produce. */
#ifndef VL_SCENARIO_H
#define VL_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"
#include "core/diag.h"

struct vl_lab;

/* A count assertion: "0", "4", "==4", "!=0", ">=1", "<=3", ">2", "<5". */
enum vl_cmp { VL_CMP_EQ, VL_CMP_NE, VL_CMP_GE, VL_CMP_LE, VL_CMP_GT, VL_CMP_LT };

struct vl_count {
	enum vl_cmp op;
	uint32_t n;
};

bool vl_count_holds(const struct vl_count *c, uint32_t seen);
/* ">= 1" and the like, for messages. */
void vl_count_str(const struct vl_count *c, char *buf, size_t len);

/* Packets a capture assertion counts. The shorthands become a tcpdump
 * filter (vl_match_filter in core/capture.h), ANDed with FILTER. */
enum vl_match_kind {
	VL_MATCH_ANY,			/* only FILTER, or every packet */
	VL_MATCH_ARP_REQUEST,
	VL_MATCH_ARP_REPLY,
	VL_MATCH_ICMP_ECHO_REQUEST,	/* IPv4 and IPv6 */
	VL_MATCH_ICMP_ECHO_REPLY,
};

struct vl_match {
	struct vl_loc loc;
	enum vl_match_kind kind;
	bool has_who_has, has_tell, has_from, has_to;
	struct vl_prefix who_has;	/* ARP: the address asked for */
	struct vl_prefix tell;		/* ARP: the sender's address */
	struct vl_prefix from, to;	/* IP source and destination */
	char *filter;			/* tcpdump syntax, or NULL */
	struct vl_count count;		/* default ">=1" */
	char *text;			/* the assertion as the user reads it */
};

struct vl_capture_spec {
	char *node, *iface;
	struct vl_loc loc;
	struct vl_match *matches;
	size_t n_matches;
};

enum vl_step_kind {
	VL_STEP_PING,
	VL_STEP_ROUTE,
	VL_STEP_NEIGH,
	VL_STEP_SET,
	VL_STEP_EXEC,
};

enum vl_expect { VL_EXPECT_OK, VL_EXPECT_FAIL };

struct vl_ping_step {
	char *from, *dev;	/* node; interface to bind to, or NULL */
	bool has_src;
	struct vl_prefix src, to;
	uint32_t count, interval_ms, timeout_ms;
	enum vl_expect expect;
};

struct vl_route_step {
	char *node, *iif, *oif;	/* iif: as if received on; oif: sent via */
	bool has_from;
	struct vl_prefix to, from;
	/* expectations; NULL/false when not checked */
	char *want_dev;
	bool has_want_via;
	struct vl_prefix want_via;
	char *want_type;	/* "unicast", "local", "unreachable", ... */
};

struct vl_neigh_step {
	char *node, *dev;
	struct vl_prefix addr;
	char **states;		/* any of these: "incomplete", "failed", "none", ... */
	size_t n_states;
};

struct vl_exec_step {
	char *node;
	char **argv;		/* NULL-terminated */
	uint32_t timeout_ms;
	bool has_status;
	int status;		/* expected exit status, default 0 */
	char *output;		/* extended regex that stdout must match, or NULL */
};

struct vl_step {
	enum vl_step_kind kind;
	struct vl_loc loc;
	char *name;		/* given, or made from the step ("ping host -> 192.168.2.1") */
	union {
		struct vl_ping_step ping;
		struct vl_route_step route;
		struct vl_neigh_step neigh;
		struct vl_exec_step exec;
	} u;
	/* VL_STEP_SET: the whole topology as it is after this step */
	struct vl_lab *target;
	struct vl_capture_spec *captures;
	size_t n_captures;
};

struct vl_scenario {
	char *name, *description;
	struct vl_loc loc;
	struct vl_step *steps;
	size_t n_steps;
};

void vl_scenario_fini(struct vl_scenario *s);

/* --- results --- */

/* One measured value, for JSON ("sent": 2, "why": "timeout"). */
struct vl_measure {
	char *key;
	char *value;
	bool number;		/* print without quotes */
};

/* One assertion inside a step (a capture count, the ping's outcome). */
struct vl_check {
	char *what;		/* "host:veth1 arp-reply count == 0" */
	bool ok;
	char *detail;		/* "saw 0", or why it failed: "expected >= 1, saw 0" */
};

struct vl_step_result {
	char *name;
	bool ok;
	char *reason;		/* one line: why it failed, or what happened */
	double seconds;
	struct vl_check *checks;
	size_t n_checks;
	struct vl_measure *measures;
	size_t n_measures;
	char **artifacts;	/* pcap files written */
	size_t n_artifacts;
};

struct vl_scenario_result {
	char *name, *description;
	bool ok;
	double seconds;
	struct vl_step_result *steps;
	size_t n_steps;
};

struct vl_run_result {
	char *lab;
	struct vl_scenario_result *scenarios;
	size_t n_scenarios;
	size_t steps, passed, failed;
	double seconds;
};

void vl_run_result_fini(struct vl_run_result *r);

/* Builders, all copying their strings; they return -ENOMEM or 0. */
int vl_step_measure(struct vl_step_result *s, const char *key, bool number,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
int vl_step_check(struct vl_step_result *s, bool ok, const char *what,
		  const char *detail_fmt, ...) __attribute__((format(printf, 4, 5)));
int vl_step_reason(struct vl_step_result *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int vl_step_artifact(struct vl_step_result *s, const char *path);

#endif
