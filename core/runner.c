/* The scenario runner: steps, captures around them, results. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <regex.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/capture.h"
#include "core/netns.h"
#include "core/nl.h"
#include "core/ping.h"
#include "core/probe.h"
#include "core/reconcile.h"
#include "core/report.h"
#include "core/runner.h"
#include "core/spawn.h"
#include "core/timings.h"

#define EXEC_OUTPUT_MAX (64u * 1024u)

/* Captures kept open from step to step (see vl_capture_restart), for
 * the first few interfaces the run captures on: each opened ahead, by a
 * thread of its own, while the run goes on (opening one allocates and
 * maps a ring of megabytes), and closed after its last step (closing one
 * waits for a grace period in the kernel, see core/capture.c). */
#define MAX_KEPT 4

struct kept_capture {
	char *node, *iface;
	struct vl_capture *c;	/* NULL: none (yet, or opening it failed) */
	bool busy;		/* in use by the running step */
	bool tried;		/* opened ahead, or tried to */
	bool opening;		/* THREAD is opening it */
	pthread_t thread;
	int netns_fd;		/* THREAD's, which closes it */
	/* THREAD's; unused: a step opens it anew and says what is wrong */
	struct vl_error err;
	size_t last_sc, last_step;	/* its last use in the run */
};

struct run {
	const struct vl_lab *lab;
	struct vl_state *st;
	const struct vl_run_opts *o;
	const struct vl_scenario *sc;
	size_t sc_no, step_no;
	struct kept_capture *kept[MAX_KEPT];
	size_t n_kept;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int open_node(const struct run *ru, const char *node, int *fd, struct vl_error *err)
{
	char ns[VL_MAX_NETNS_NAME + 2];
	int r;

	snprintf(ns, sizeof(ns), "%s-%s", ru->lab->name, node);
	r = vl_netns_open(ns, fd, err);
	if (r == -ENOENT)
		return vl_err(err, r, "namespace %s is missing", ns);
	return r;
}

static int open_nl(const struct run *ru, const char *node, struct vl_nl *nl,
		   struct vl_error *err)
{
	int fd, r = open_node(ru, node, &fd, err);

	if (r < 0)
		return r;
	r = vl_nl_open(nl, fd, NULL, err);
	close(fd);
	return r;
}

static int mkdirs(const char *path)
{
	char buf[4096];
	size_t n = strlen(path);

	if (n >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, n + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

/* --- the actions --- */

static int do_ping(const struct run *ru, const struct vl_ping_step *p,
		   struct vl_step_result *res, struct vl_error *err)
{
	struct vl_ping_opts o = { .dev = p->dev, .src = p->has_src ? &p->src : NULL,
				  .dst = p->to, .count = p->count,
				  .interval_ms = p->interval_ms, .timeout_ms = p->timeout_ms };
	struct vl_ping_result pr;
	bool ok;
	int r = open_node(ru, p->from, &o.netns_fd, err);

	if (r < 0)
		return r;
	r = vl_ping(&o, &pr, err);
	close(o.netns_fd);
	if (r < 0)
		return vl_err_wrap(err, "%s", p->from);
	vl_step_measure(res, "sent", true, "%u", pr.sent);
	vl_step_measure(res, "received", true, "%u", pr.received);
	vl_step_measure(res, "errors", true, "%u", pr.errors);
	if (pr.received) {
		vl_step_measure(res, "rtt_min_ms", true, "%.3f", pr.rtt_min_ms);
		vl_step_measure(res, "rtt_avg_ms", true, "%.3f", pr.rtt_avg_ms);
		vl_step_measure(res, "rtt_max_ms", true, "%.3f", pr.rtt_max_ms);
	}
	if (pr.error)
		vl_step_measure(res, "error", false, "%s", strerror(pr.error));
	vl_step_reason(res, "%s", pr.summary);
	/* ok: every request answered; fail: none was. Some of each is
	 * neither, and fails both. */
	if (p->expect == VL_EXPECT_OK) {
		ok = pr.sent && pr.received == pr.sent;
		vl_step_check(res, ok, "ping expected to succeed", "%s", pr.summary);
	} else {
		ok = pr.received == 0;
		vl_step_check(res, ok, "ping expected to fail", "%s", pr.summary);
	}
	return 0;
}

static int do_route(const struct run *ru, const struct vl_route_step *rs,
		    struct vl_step_result *res, struct vl_error *err)
{
	struct vl_route_answer a;
	char via[VL_PREFIX_STRLEN] = "", want[VL_PREFIX_STRLEN];
	struct vl_nl nl;
	int r = open_nl(ru, rs->node, &nl, err);

	if (r < 0)
		return r;
	r = vl_route_get(&nl, &rs->to, rs->has_from ? &rs->from : NULL, rs->iif, rs->oif, &a, err);
	vl_nl_close(&nl);
	if (r < 0)
		return r;
	if (a.has_via)
		vl_addr_str(&a.via, via, sizeof(via));
	if (a.error) {
		vl_step_reason(res, "no route: %s", strerror(-a.error));
		vl_step_measure(res, "error", false, "%s", strerror(-a.error));
	} else {
		vl_step_reason(res, "%s%s%s%s%s", a.type, a.dev[0] ? " dev " : "", a.dev,
			       a.has_via ? " via " : "", via);
		vl_step_measure(res, "type", false, "%s", a.type);
		if (a.dev[0])
			vl_step_measure(res, "dev", false, "%s", a.dev);
		if (a.has_via)
			vl_step_measure(res, "via", false, "%s", via);
	}
	if (rs->want_dev)
		vl_step_check(res, !a.error && !strcmp(a.dev, rs->want_dev), "route dev",
			      "expected dev %s, got %s", rs->want_dev, a.error ? "no route" :
			      a.dev[0] ? a.dev : "none");
	if (rs->has_want_via) {
		vl_addr_str(&rs->want_via, want, sizeof(want));
		vl_step_check(res, !a.error && a.has_via && vl_addr_equal(&a.via, &rs->want_via),
			      "route via", "expected via %s, got %s", want,
			      a.has_via ? via : "no gateway");
	}
	if (rs->want_type)
		vl_step_check(res, !strcmp(a.type, rs->want_type), "route type",
			      "expected type %s, got %s", rs->want_type, a.type);
	return 0;
}

static int do_neigh(const struct run *ru, const struct vl_neigh_step *ns,
		    struct vl_step_result *res, struct vl_error *err)
{
	char state[32], want[256] = "";
	bool ok = false;
	size_t w = 0;
	struct vl_nl nl;
	int r = open_nl(ru, ns->node, &nl, err);

	if (r < 0)
		return r;
	r = vl_neigh_state(&nl, ns->dev, &ns->addr, state, sizeof(state), err);
	vl_nl_close(&nl);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ns->n_states; i++) {
		ok |= !strcmp(state, ns->states[i]);
		if (w < sizeof(want))
			w += (size_t)snprintf(want + w, sizeof(want) - w, "%s%s", i ? " or " : "",
					      ns->states[i]);
	}
	vl_step_measure(res, "state", false, "%s", state);
	vl_step_reason(res, "state %s", state);
	vl_step_check(res, ok, "neighbour state", "expected %s, got %s", want, state);
	return 0;
}

static int do_set(const struct run *ru, const struct vl_step *st,
		  struct vl_step_result *res, struct vl_error *err)
{
	size_t changes;
	int r = vl_reconcile(st->target, ru->st, NULL, ru->o->interrupted, &changes, err);

	if (r < 0)
		return r;
	vl_step_measure(res, "changes", true, "%zu", changes);
	vl_step_reason(res, "%zu change%s applied and verified", changes, changes == 1 ? "" : "s");
	return 0;
}

/* Read the child's output until it closes it, the deadline passes or the
 * run is interrupted. */
static size_t read_output(int fd, char *buf, size_t cap, double deadline, bool *timed_out,
			  volatile sig_atomic_t *interrupted)
{
	size_t n = 0;

	*timed_out = false;
	for (;;) {
		struct pollfd p = { fd, POLLIN, 0 };
		double left = deadline - now();
		ssize_t k;
		char sink[4096];

		if (left <= 0 || (interrupted && *interrupted)) {
			*timed_out = true;
			break;
		}
		/* wake up now and then to see a signal's flag */
		if (poll(&p, 1, left > 0.1 ? 100 : (int)(left * 1000) + 1) <= 0) {
			if (errno == EINTR)
				continue;
			continue;
		}
		/* past the cap, keep reading so the child is not blocked */
		k = n + 1 < cap ? read(fd, buf + n, cap - n - 1) : read(fd, sink, sizeof(sink));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		if (n + 1 < cap)
			n += (size_t)k;
	}
	buf[n] = '\0';
	return n;
}

static int do_exec(const struct run *ru, const struct vl_exec_step *x,
		   struct vl_step_result *res, struct vl_error *err)
{
	int fd, pipefd[2], r, wst = 0, status;
	double deadline;
	char *out;
	bool timed_out;
	pid_t pid;

	r = open_node(ru, x->node, &fd, err);
	if (r < 0)
		return r;
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		close(fd);
		return vl_err_sys(err, errno, "pipe");
	}
	r = vl_spawn(fd, x->argv, pipefd[1], &pid, err);
	close(fd);
	close(pipefd[1]);
	if (r < 0) {
		close(pipefd[0]);
		/* a command that cannot start is a failed step, not a broken run */
		vl_step_reason(res, "%s", err->msg);
		vl_step_check(res, false, "command started", "%s", err->msg);
		return 0;
	}
	out = malloc(EXEC_OUTPUT_MAX);
	if (!out) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		close(pipefd[0]);
		return vl_err(err, -ENOMEM, "exec output");
	}
	deadline = now() + x->timeout_ms / 1000.0;
	read_output(pipefd[0], out, EXEC_OUTPUT_MAX, deadline, &timed_out, ru->o->interrupted);
	close(pipefd[0]);
	/* it may close its output and go on: the deadline holds for exiting */
	while (!timed_out) {
		pid_t w = waitpid(pid, &wst, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			break;
		if (now() >= deadline || (ru->o->interrupted && *ru->o->interrupted)) {
			timed_out = true;
			break;
		}
		nanosleep(&(struct timespec){ 0, 2000000 }, NULL);
	}
	if (timed_out) {
		/* ours: the group our child leads, with whatever it started */
		kill(-pid, SIGKILL);
		while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
			;
	}
	status = WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst);
	vl_step_measure(res, "status", true, "%d", status);
	if (timed_out && ru->o->interrupted && *ru->o->interrupted) {
		vl_step_reason(res, "killed: the run was interrupted");
		vl_step_check(res, false, "command finished", "interrupted");
	} else if (timed_out) {
		vl_step_reason(res, "killed after %u ms", x->timeout_ms);
		vl_step_check(res, false, "command finished", "still running after %u ms",
			      x->timeout_ms);
	} else {
		vl_step_reason(res, "exit status %d", status);
		vl_step_check(res, status == (x->has_status ? x->status : 0), "exit status",
			      "expected %d, got %d", x->has_status ? x->status : 0, status);
	}
	if (x->output) {
		regex_t re;

		if (regcomp(&re, x->output, REG_EXTENDED | REG_NOSUB) == 0) {
			bool ok = regexec(&re, out, 0, NULL, 0) == 0;
			size_t len = strlen(out);

			vl_step_check(res, ok, "output matches", "expected output matching /%s/, got %s%.*s%s",
				      x->output, len ? "\"" : "nothing", len > 200 ? 200 : (int)len,
				      out, len > 200 ? "...\"" : len ? "\"" : "");
			regfree(&re);
		}
	}
	free(out);
	return 0;
}

/* --- steps and scenarios --- */

static void capture_path(const struct run *ru, const struct vl_capture_spec *cs,
			 char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s/%02zu-%s-%s.pcap", ru->o->artifacts, ru->sc->name,
		 ru->step_no, cs->node, cs->iface);
}

static struct kept_capture *kept_of(struct run *ru, const struct vl_capture *c)
{
	for (size_t i = 0; c && i < ru->n_kept; i++)
		if (ru->kept[i]->c == c)
			return ru->kept[i];
	return NULL;
}

static struct kept_capture *kept_for(struct run *ru, const char *node, const char *iface)
{
	for (size_t i = 0; i < ru->n_kept; i++)
		if (!strcmp(ru->kept[i]->node, node) && !strcmp(ru->kept[i]->iface, iface))
			return ru->kept[i];
	return NULL;
}

static void *open_ahead(void *data)
{
	struct kept_capture *k = data;

	vl_capture_open(k->netns_fd, k->iface, NULL, &k->c, &k->err);
	close(k->netns_fd);
	return NULL;
}

static bool selected(const struct vl_run_opts *o, const char *name);

/* Open K's capture in a thread of its own. Best effort: what fails here
 * is opened by its step, which says why. */
static void open_ahead_start(struct run *ru, struct kept_capture *k)
{
	struct vl_error ignored = { 0 };
	sigset_t all, old;

	if (k->tried || k->c)
		return;
	k->tried = true;
	if (open_node(ru, k->node, &k->netns_fd, &ignored) < 0)
		return;
	/* signals are for the main thread, which turns them into a flag */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	k->opening = pthread_create(&k->thread, NULL, open_ahead, k) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!k->opening)
		close(k->netns_fd);
}

/* At a step's start, with ONLY_STEP its captures' (opened in parallel,
 * the step waits for them), else the ones later steps need (opened
 * while the step runs). */
static void open_ahead_all(struct run *ru, const struct vl_step *st, bool only_step)
{
	for (size_t i = 0; i < ru->n_kept; i++) {
		bool in_step = false;

		for (size_t c = 0; c < st->n_captures && !in_step; c++)
			in_step = !strcmp(st->captures[c].node, ru->kept[i]->node) &&
				  !strcmp(st->captures[c].iface, ru->kept[i]->iface);
		if (in_step == only_step)
			open_ahead_start(ru, ru->kept[i]);
	}
}

/* The interfaces the run captures on (the first MAX_KEPT), with their
 * last steps. */
static void plan_captures(struct run *ru)
{
	for (size_t i = 0; i < ru->lab->n_scenarios; i++) {
		const struct vl_scenario *sc = &ru->lab->scenarios[i];

		if (!selected(ru->o, sc->name))
			continue;
		for (size_t j = 0; j < sc->n_steps; j++) {
			for (size_t c = 0; c < sc->steps[j].n_captures; c++) {
				const struct vl_capture_spec *cs = &sc->steps[j].captures[c];
				struct kept_capture *k = kept_for(ru, cs->node, cs->iface);

				if (!k && ru->n_kept < MAX_KEPT && (k = calloc(1, sizeof(*k)))) {
					k->node = strdup(cs->node);
					k->iface = strdup(cs->iface);
					if (!k->node || !k->iface) {
						free(k->node);
						free(k->iface);
						free(k);
						continue;
					}
					ru->kept[ru->n_kept++] = k;
				}
				if (k) {
					k->last_sc = i;
					k->last_step = j;
				}
			}
		}
	}
}

static void opened(struct kept_capture *k)
{
	if (k->opening)
		pthread_join(k->thread, NULL);
	k->opening = false;
}

/* A capture for CS in the namespace NETNS_FD: the one kept from an
 * earlier step (or opened ahead) when it still fits, else a new one. */
static int take_capture(struct run *ru, int netns_fd, const struct vl_capture_spec *cs,
			const char *path, struct vl_capture **out, struct vl_error *err)
{
	struct kept_capture *k = kept_for(ru, cs->node, cs->iface);
	int r;

	if (k && k->busy)
		k = NULL;	/* named twice in one step: a second one */
	if (k) {
		opened(k);
		if (k->c) {
			r = vl_capture_restart(k->c, netns_fd, path, err);
			if (r == 0) {
				k->busy = true;
				*out = k->c;
				return 0;
			}
			/* made anew, or not as it was: a new socket */
			vl_capture_close(k->c);
			k->c = NULL;
			if (r != -ESTALE)
				return r;
		}
	}
	r = vl_capture_open(netns_fd, cs->iface, path, out, err);
	if (r == 0 && k) {
		k->c = *out;
		k->busy = true;
	}
	return r;
}

/* After the step: a kept capture waits for its next step, or is closed
 * after its last; another is closed. */
static void give_back(struct run *ru, struct vl_capture *c)
{
	struct kept_capture *k = kept_of(ru, c);

	if (!k) {
		vl_capture_close(c);
		return;
	}
	vl_capture_end(c);
	k->busy = false;
	if (k->last_sc == ru->sc_no && k->last_step + 1 == ru->step_no) {
		vl_capture_close(c);
		k->c = NULL;
	}
}

static void close_kept(struct run *ru)
{
	for (size_t i = 0; i < ru->n_kept; i++) {
		opened(ru->kept[i]);
		vl_capture_close(ru->kept[i]->c);
		free(ru->kept[i]->node);
		free(ru->kept[i]->iface);
		free(ru->kept[i]);
	}
	ru->n_kept = 0;
}

static int step(struct run *ru, const struct vl_step *st, struct vl_step_result *res,
		struct vl_error *err)
{
	struct vl_capture **caps = NULL;
	double t0 = now();
	int r = 0;

	res->ok = true;
	res->name = strdup(st->name);
	if (!res->name)
		return vl_err(err, -ENOMEM, "step");
	if (st->n_captures && !(caps = calloc(st->n_captures, sizeof(*caps))))
		return vl_err(err, -ENOMEM, "captures");
	if (st->n_captures && ru->o->artifacts) {
		char dir[4096];

		snprintf(dir, sizeof(dir), "%s/%s", ru->o->artifacts, ru->sc->name);
		r = mkdirs(dir);
		if (r < 0)
			vl_err_sys(err, r, "create %s", dir);
	}
	/* the captures count exactly this step's packets */
	if (st->n_captures)
		open_ahead_all(ru, st, true);
	for (size_t c = 0; r == 0 && c < st->n_captures; c++) {
		const struct vl_capture_spec *cs = &st->captures[c];
		char path[4096];
		int fd;

		if (ru->o->artifacts)
			capture_path(ru, cs, path, sizeof(path));
		r = open_node(ru, cs->node, &fd, err);
		if (r == 0) {
			r = take_capture(ru, fd, cs, ru->o->artifacts ? path : NULL, &caps[c], err);
			close(fd);
		}
		if (r < 0)
			vl_err_wrap(err, "%s", cs->node);
		else if (ru->o->artifacts)
			vl_step_artifact(res, path);
	}
	/* the later steps' captures, opened while this one runs */
	if (st->n_captures)
		open_ahead_all(ru, st, false);
	if (r == 0) {
		switch (st->kind) {
		case VL_STEP_PING:
			r = do_ping(ru, &st->u.ping, res, err);
			break;
		case VL_STEP_ROUTE:
			r = do_route(ru, &st->u.route, res, err);
			break;
		case VL_STEP_NEIGH:
			r = do_neigh(ru, &st->u.neigh, res, err);
			break;
		case VL_STEP_SET:
			r = do_set(ru, st, res, err);
			break;
		case VL_STEP_EXEC:
			r = do_exec(ru, &st->u.exec, res, err);
			break;
		}
	}
	for (size_t c = 0; r == 0 && c < st->n_captures; c++) {
		const struct vl_capture_spec *cs = &st->captures[c];

		r = vl_capture_drain(caps[c], err);
		for (size_t m = 0; r == 0 && m < cs->n_matches; m++) {
			const struct vl_match *mt = &cs->matches[m];
			char filter[1024], want[32];
			unsigned seen;

			r = vl_match_filter(mt, filter, sizeof(filter));
			if (r < 0)
				vl_err(err, r, "%s: no filter can express it", mt->text);
			else
				r = vl_capture_count(caps[c], filter, &seen, err);
			if (r < 0)
				break;
			vl_count_str(&mt->count, want, sizeof(want));
			if (vl_count_holds(&mt->count, seen))
				vl_step_check(res, true, mt->text, "saw %u", seen);
			else
				vl_step_check(res, false, mt->text, "expected %s, saw %u", want, seen);
		}
	}
	for (size_t c = 0; c < st->n_captures; c++)
		give_back(ru, caps ? caps[c] : NULL);
	free(caps);
	res->seconds = now() - t0;
	if (r < 0) {
		/* the step could not run: a failure of the step, said why */
		res->ok = false;
		vl_step_reason(res, "%s", err->msg);
	} else if (!res->ok && !res->reason) {
		vl_step_reason(res, "a check failed");
	}
	return r;
}

/* A step's time, but for the reconciles of set steps, is the "steps"
 * phase of --timings. */
static int run_step(struct run *ru, const struct vl_step *st, struct vl_step_result *res,
		    struct vl_error *err)
{
	int r;

	vl_timings_begin(VL_PHASE_STEPS);
	r = step(ru, st, res, err);
	vl_timings_end(VL_PHASE_STEPS);
	return r;
}

/* Every scenario starts from the file's topology and with no learned
 * neighbours, so that none depends on what ran before it. */
static int fresh_start(struct run *ru, struct vl_error *err)
{
	int r = vl_reconcile(ru->lab, ru->st, NULL, ru->o->interrupted, NULL, err);

	vl_timings_begin(VL_PHASE_STEPS);
	for (size_t i = 0; r == 0 && i < ru->lab->n_nodes; i++) {
		struct vl_nl nl;

		r = open_nl(ru, ru->lab->nodes[i].name, &nl, err);
		if (r == 0) {
			r = vl_neigh_flush(&nl, err);
			vl_nl_close(&nl);
		}
	}
	vl_timings_end(VL_PHASE_STEPS);
	return r;
}

/* Steps FROM.. of SC, reported as failed without running: a report never
 * shows fewer steps than the scenario has, nor a success it did not see. */
static void not_run(struct vl_run_result *res, struct vl_scenario_result *sr,
		    const struct vl_scenario *sc, size_t from, const char *why,
		    const struct vl_run_opts *o)
{
	for (size_t k = from; k < sc->n_steps; k++) {
		struct vl_step_result *sres = &sr->steps[sr->n_steps++];

		sres->name = strdup(sc->steps[k].name);
		vl_step_reason(sres, "%s", why);
		res->steps++;
		res->failed++;
		sr->ok = false;
		if (o->human)
			vl_report_step(o->human, sr, sres, o->colour);
	}
}

static bool selected(const struct vl_run_opts *o, const char *name)
{
	for (size_t i = 0; i < o->n_only; i++)
		if (!strcmp(o->only[i], name))
			return true;
	return o->n_only == 0;
}

int vl_run_scenarios(const struct vl_lab *lab, struct vl_state *st,
		     const struct vl_run_opts *o, struct vl_run_result *res,
		     struct vl_error *err)
{
	struct run ru = { .lab = lab, .st = st, .o = o };
	double t0 = now();
	int r = 0;

	memset(res, 0, sizeof(*res));
	res->lab = strdup(lab->name);
	res->scenarios = calloc(lab->n_scenarios + 1, sizeof(*res->scenarios));
	if (!res->lab || !res->scenarios)
		return vl_err(err, -ENOMEM, "run");
	plan_captures(&ru);
	for (size_t i = 0; r == 0 && i < lab->n_scenarios; i++) {
		const struct vl_scenario *sc = &lab->scenarios[i];
		struct vl_scenario_result *sr;
		double s0 = now();
		int64_t ts0 = vl_timings_now(), w0 = vl_timings_waited();

		if (!selected(o, sc->name))
			continue;
		sr = &res->scenarios[res->n_scenarios++];
		sr->name = strdup(sc->name);
		sr->description = sc->description ? strdup(sc->description) : NULL;
		sr->ok = true;
		sr->steps = calloc(sc->n_steps + 1, sizeof(*sr->steps));
		if (!sr->name || !sr->steps) {
			r = vl_err(err, -ENOMEM, "run");
			break;
		}
		if (o->human)
			vl_report_scenario_start(o->human, sc->name, sc->description, o->colour);
		ru.sc = sc;
		ru.sc_no = i;
		r = fresh_start(&ru, err);
		if (r < 0) {
			vl_err_wrap(err, "scenario %s: back to the file's topology", sc->name);
			break;
		}
		for (size_t j = 0; j < sc->n_steps; j++) {
			struct vl_step_result *sres;

			if (o->interrupted && *o->interrupted) {
				r = vl_err(err, -EINTR, "interrupted in scenario %s", sc->name);
				not_run(res, sr, sc, j, "not run: interrupted", o);
				break;
			}
			sres = &sr->steps[sr->n_steps++];
			ru.step_no = j + 1;
			r = run_step(&ru, &sc->steps[j], sres, err);
			res->steps++;
			if (sres->ok) {
				res->passed++;
			} else {
				res->failed++;
				sr->ok = false;
			}
			if (o->human)
				vl_report_step(o->human, sr, sres, o->colour);
			/* a step that could not run leaves the scenario's state
			 * unknown: the rest of it would prove nothing, and is
			 * reported as not run */
			if (r < 0) {
				r = 0;
				not_run(res, sr, sc, j + 1,
					"not run: an earlier step of the scenario could not run", o);
				break;
			}
		}
		sr->seconds = now() - s0;
		vl_timings_scenario(sc->name, vl_timings_now() - ts0, vl_timings_waited() - w0);
	}
	/* an interrupted run lists the scenarios it did not start, failed */
	for (size_t i = 0; r == -EINTR && i < lab->n_scenarios; i++) {
		const struct vl_scenario *sc = &lab->scenarios[i];
		struct vl_scenario_result *sr;
		bool seen = false;

		for (size_t k = 0; k < res->n_scenarios; k++)
			seen |= !strcmp(res->scenarios[k].name, sc->name);
		if (seen || !selected(o, sc->name))
			continue;
		sr = &res->scenarios[res->n_scenarios++];
		sr->name = strdup(sc->name);
		sr->description = sc->description ? strdup(sc->description) : NULL;
		sr->steps = calloc(sc->n_steps + 1, sizeof(*sr->steps));
		if (!sr->name || !sr->steps)
			break;
		not_run(res, sr, sc, 0, "not run: interrupted", o);
	}
	res->seconds = now() - t0;
	/* their sockets close in the background (core/capture.c), while the
	 * lab is put back */
	close_kept(&ru);
	/* the lab as the file declares it, whatever the scenarios did */
	if (r == 0 || r == -EINTR) {
		struct vl_error e2 = { 0 };
		int r2 = vl_reconcile(lab, st, NULL, NULL, NULL, &e2);

		if (r == 0 && r2 < 0) {
			*err = e2;
			r = vl_err_wrap(err, "after the scenarios: back to the file's topology");
		}
	}
	return r;
}
