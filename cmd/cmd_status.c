/* vethlab status FILE | --lab NAME: what a lab has now, and its drift. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "core/plan.h"
#include "core/reconcile.h"
#include "core/rootless.h"
#include "core/state.h"
#include "core/topo.h"
#include "core/util.h"

static const char help[] =
	"Shows each node's namespace, interfaces (state, MTU, MAC, kind,\n"
	"addresses), vethlab's routes and the file's sysctls as the kernel has\n"
	"them, then the drift: what `up` would change to match the file.\n"
	"With --lab, the file is the copy kept by the last successful `up`.\n\n"
	"Options:\n"
	"  --lab NAME   the lab by name\n"
	"  --json       machine-readable output\n\n"
	"Exit status: 0 shown (drift or not), 1 error, 2 usage or invalid file.\n";

static void mac_str(const unsigned char *m, char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void route_text(const struct vl_route *r, char *buf, size_t len)
{
	char d[VL_PREFIX_STRLEN], v[VL_PREFIX_STRLEN];

	if (r->dst.len == 0)
		snprintf(d, sizeof(d), "default");
	else
		vl_prefix_str(&r->dst, d, sizeof(d));
	if (r->has_via)
		vl_addr_str(&r->via, v, sizeof(v));
	snprintf(buf, len, "%s%s%s%s%s", d, r->has_via ? " via " : "", r->has_via ? v : "",
		 r->dev ? " dev " : "", r->dev ? r->dev : "");
}

static void print_text(const struct vl_lab *lab, const struct vl_lab *obs,
		       const struct vl_plan *plan)
{
	char s[VL_PREFIX_STRLEN], m[24], line[512];

	printf("lab %s\n", lab->name);
	for (size_t i = 0; i < obs->n_nodes; i++) {
		const struct vl_node *n = &obs->nodes[i];

		printf("node %s: netns %s-%s %s\n", n->name, lab->name, n->name,
		       n->present ? "present" : n->stale ? "half-made" : "missing");
		for (size_t j = 0; j < n->n_ifaces; j++) {
			const struct vl_iface *f = &n->ifaces[j];

			mac_str(f->mac, m, sizeof(m));
			printf("  %-15s %-4s mtu %-5u %s%s%s", f->name, f->up ? "up" : "down",
			       f->mtu, f->has_mac && j ? m : "", f->kind[0] ? " " : "", f->kind);
			if (!f->owned && j)
				printf(" (not vethlab's)");
			for (size_t a = 0; a < f->n_addrs; a++) {
				vl_prefix_str(&f->addrs[a].p, s, sizeof(s));
				printf(" %s", s);
			}
			putchar('\n');
		}
		for (size_t r = 0; r < n->n_routes; r++) {
			route_text(&n->routes[r], line, sizeof(line));
			printf("  route %s\n", line);
		}
		for (size_t k = 0; k < n->n_sysctls; k++)
			printf("  sysctl %s = %s\n", n->sysctls[k].key, n->sysctls[k].value);
	}
	if (!plan->n) {
		printf("in sync with the file\n");
		return;
	}
	printf("drift (%zu change%s to match the file):\n", plan->n, plan->n == 1 ? "" : "s");
	for (size_t i = 0; i < plan->n; i++) {
		vl_action_str(&plan->v[i], lab->name, line, sizeof(line));
		printf("  %s\n", line);
	}
}

static void print_json(const struct vl_lab *lab, const struct vl_lab *obs,
		       const struct vl_plan *plan)
{
	char s[VL_PREFIX_STRLEN], m[24], line[512];

	printf("{\"lab\": ");
	vl_json_str(stdout, lab->name);
	printf(", \"nodes\": [");
	for (size_t i = 0; i < obs->n_nodes; i++) {
		const struct vl_node *n = &obs->nodes[i];

		printf("%s\n  {\"name\": ", i ? "," : "");
		vl_json_str(stdout, n->name);
		printf(", \"netns\": \"%s-%s\", \"present\": %s, \"interfaces\": [",
		       lab->name, n->name, n->present ? "true" : "false");
		for (size_t j = 0; j < n->n_ifaces; j++) {
			const struct vl_iface *f = &n->ifaces[j];

			mac_str(f->mac, m, sizeof(m));
			printf("%s{\"name\": ", j ? ", " : "");
			vl_json_str(stdout, f->name);
			printf(", \"kind\": ");
			vl_json_str(stdout, f->kind[0] ? f->kind : NULL);
			printf(", \"up\": %s, \"mtu\": %u, \"mac\": ", f->up ? "true" : "false", f->mtu);
			vl_json_str(stdout, f->has_mac ? m : NULL);
			printf(", \"owned\": %s, \"addresses\": [", f->owned ? "true" : "false");
			for (size_t a = 0; a < f->n_addrs; a++) {
				vl_prefix_str(&f->addrs[a].p, s, sizeof(s));
				printf("%s\"%s\"", a ? ", " : "", s);
			}
			printf("]}");
		}
		printf("], \"routes\": [");
		for (size_t r = 0; r < n->n_routes; r++) {
			route_text(&n->routes[r], line, sizeof(line));
			printf("%s", r ? ", " : "");
			vl_json_str(stdout, line);
		}
		printf("], \"sysctls\": {");
		for (size_t k = 0; k < n->n_sysctls; k++) {
			printf("%s", k ? ", " : "");
			vl_json_str(stdout, n->sysctls[k].key);
			printf(": ");
			vl_json_str(stdout, n->sysctls[k].value);
		}
		printf("}}");
	}
	printf("\n], \"in_sync\": %s, \"drift\": ", plan->n ? "false" : "true");
	vl_plan_json(plan, lab->name, stdout);
	printf("}\n");
}

int cmd_status(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "lab", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct vl_error err = { 0 };
	struct vl_lab *lab = NULL, *obs = NULL;
	struct vl_plan plan = { 0 };
	const char *name = NULL;
	char *copy = NULL;
	bool json = false;
	struct vl_state st;
	int c, r, status;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			vl_usage(vl_command_find("status"), help);
			return VL_EXIT_OK;
		case 'l':
			name = optarg;
			break;
		case 'j':
			json = true;
			break;
		default:
			return VL_EXIT_USAGE;
		}
	}
	if ((name && optind != argc) || (!name && optind + 1 != argc)) {
		fprintf(stderr, "vethlab status: expected one FILE or --lab NAME\n");
		return VL_EXIT_USAGE;
	}
	if (name) {
		status = vl_cmd_check_lab_name("status", name);
		if (status)
			return status;
		r = vl_state_open(&st, name, &err);
		if (r < 0)
			return vl_cmd_fail("status", &err);
		copy = vl_state_topology_path(&st);
		r = vl_state_exists(&st) ? 0 : vl_rootless_foreign(name, &err);
		vl_state_close(&st);
		if (r < 0) {
			free(copy);
			return vl_cmd_fail("status", &err);
		}
		if (!copy || access(copy, R_OK) < 0) {
			fprintf(stderr, "vethlab status: lab %s has no saved topology: it is not up, "
				"or its last up failed; use status FILE\n", name);
			free(copy);
			return VL_EXIT_FAIL;
		}
		status = vl_cmd_load("status", copy, &lab);
		free(copy);
	} else {
		status = vl_cmd_load("status", argv[optind], &lab);
	}
	if (status)
		return status;
	if (vl_cmd_observe("status", lab, &obs, &plan) < 0) {
		vl_lab_free(lab);
		return VL_EXIT_FAIL;
	}
	if (json)
		print_json(lab, obs, &plan);
	else
		print_text(lab, obs, &plan);
	vl_plan_fini(&plan);
	vl_lab_free(obs);
	vl_lab_free(lab);
	return VL_EXIT_OK;
}
