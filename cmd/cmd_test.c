/* vethlab test FILE [SCENARIO...]: run the lab's scenarios and report. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd/commands.h"
#include "core/apply.h"
#include "core/capture.h"
#include "core/reconcile.h"
#include "core/report.h"
#include "core/runner.h"
#include "core/state.h"
#include "core/topo.h"

static const char help[] =
	"Brings the lab up if it is not, runs its scenarios (or the ones\n"
	"named), and takes down what it brought up unless --keep. Each scenario\n"
	"starts from the topology as the file declares it.\n\n"
	"Options:\n"
	"  --tap              TAP on standard output (instead of the lines for people)\n"
	"  --json             JSON on standard output (instead of the lines for people)\n"
	"  --junit PATH       also write JUnit XML to PATH\n"
	"  --artifacts DIR    write each capture as DIR/SCENARIO/NN-NODE-IFACE.pcap\n"
	"  --keep             leave a lab that test brought up, up\n"
	VL_TIMINGS_HELP
	"               and per scenario; the time spent waiting on the network\n"
	"               (pings waiting for replies or timeouts, ARP retries) apart\n"
	"               from vethlab's own work\n\n"
	"Colour on a terminal unless NO_COLOR is set.\n\n"
	"Exit status: 0 every assertion held, 1 an assertion failed or the run\n"
	"broke, 2 usage or invalid file.\n";

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static int write_junit(const char *path, const struct vl_run_result *res)
{
	FILE *f = fopen(path, "we");
	int r;

	if (!f) {
		fprintf(stderr, "vethlab test: write %s: %s\n", path, strerror(errno));
		return -errno;
	}
	r = vl_report_junit(f, res);
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r < 0)
		fprintf(stderr, "vethlab test: write %s: %s\n", path, strerror(-r));
	return r;
}

struct test_opts {
	struct vl_run_opts ro;
	const char *junit;
	bool tap, json, keep;
};

static int test(const char *file, struct test_opts *o)
{
	struct vl_run_result res = { 0 };
	struct vl_error err = { 0 };
	const char *no_color = getenv("NO_COLOR");
	struct sigaction sa = { .sa_handler = on_signal };
	struct vl_lab *lab = NULL;
	struct vl_state st;
	bool brought_up;
	int r, status;

	status = vl_cmd_load("test", file, &lab);
	if (status)
		return status;
	if (!lab->n_scenarios) {
		fprintf(stderr, "vethlab test: %s has no scenarios\n", file);
		vl_lab_free(lab);
		return VL_EXIT_USAGE;
	}
	for (size_t i = 0; i < o->ro.n_only; i++) {
		size_t k;

		for (k = 0; k < lab->n_scenarios; k++)
			if (!strcmp(lab->scenarios[k].name, o->ro.only[i]))
				break;
		if (k == lab->n_scenarios) {
			fprintf(stderr, "vethlab test: %s has no scenario \"%s\"\n", file,
				o->ro.only[i]);
			vl_lab_free(lab);
			return VL_EXIT_USAGE;
		}
	}
	o->ro.human = o->tap || o->json ? NULL : stdout;
	o->ro.colour = o->ro.human && isatty(STDOUT_FILENO) && !(no_color && *no_color);
	r = vl_state_open(&st, lab->name, &err);
	if (r < 0) {
		vl_lab_free(lab);
		return vl_cmd_fail("test", &err);
	}
	brought_up = st.n_netns == 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	r = vl_reconcile(lab, &st, NULL, &interrupted, NULL, &err);
	if (r == 0)
		r = vl_run_scenarios(lab, &st, &o->ro, &res, &err);
	if (brought_up && !o->keep) {
		struct vl_error e2 = { 0 };

		if (vl_teardown(&st, NULL, &e2) == 0)
			vl_state_remove(&st, &e2);
		else if (r == 0)
			err = e2, r = e2.code;
	}
	vl_state_close(&st);
	/* the captures' sockets, closed in the background meanwhile: the
	 * command's time includes them */
	vl_capture_settle();
	/* a report that could not be written is a failed run */
	if ((o->tap && vl_report_tap(stdout, &res) < 0) || (o->json && vl_report_json(stdout, &res) < 0)) {
		fprintf(stderr, "vethlab test: writing the report failed\n");
		status = VL_EXIT_FAIL;
	} else if (!o->tap && !o->json && res.n_scenarios) {
		vl_report_summary(stdout, &res, o->ro.colour);
	}
	if (o->junit && write_junit(o->junit, &res) < 0 && r == 0)
		status = VL_EXIT_FAIL;
	if (r < 0) {
		vl_cmd_fail("test", &err);
		status = VL_EXIT_FAIL;
	} else if (res.failed) {
		status = VL_EXIT_FAIL;
	}
	vl_run_result_fini(&res);
	vl_lab_free(lab);
	return status;
}

int cmd_test(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "tap", no_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "junit", required_argument, NULL, 'u' },
		{ "artifacts", required_argument, NULL, 'a' },
		{ "keep", no_argument, NULL, 'k' },
		{ "timings", optional_argument, NULL, 'T' },
		{ NULL, 0, NULL, 0 },
	};
	struct test_opts o = { .ro = { .interrupted = &interrupted } };
	int c;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			vl_usage(vl_command_find("test"), help);
			return VL_EXIT_OK;
		case 't':
			o.tap = true;
			break;
		case 'j':
			o.json = true;
			break;
		case 'u':
			o.junit = optarg;
			break;
		case 'a':
			o.ro.artifacts = optarg;
			break;
		case 'k':
			o.keep = true;
			break;
		case 'T':
			if (vl_cmd_timings("test", optarg))
				return VL_EXIT_USAGE;
			break;
		default:
			return VL_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "vethlab test: no FILE given\n");
		return VL_EXIT_USAGE;
	}
	if (o.tap && o.json) {
		fprintf(stderr, "vethlab test: --tap and --json both want standard output; choose one\n");
		return VL_EXIT_USAGE;
	}
	o.ro.only = argv + optind + 1;
	o.ro.n_only = (size_t)(argc - optind - 1);
	return vl_cmd_timings_done(test(argv[optind], &o));
}
