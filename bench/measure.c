/* measure: runs one command and reports its wall time (CLOCK_MONOTONIC,
 * from just before fork to the reaping of the child) and the child's
 * resource usage from wait4: peak RSS (of the largest single process
 * among the child and the descendants it waited for), user and system
 * CPU time. bench/run times every step with it.
 *
 *   measure [-o FILE] [--] COMMAND [ARG...]
 *
 * prints one line, to FILE (appended) or to standard error:
 *
 *   wall_s=1.234567 user_s=0.100000 sys_s=0.900000 maxrss_kb=5120 status=0
 *
 * status is the command's exit status, or 128+N when signal N ended it;
 * measure exits with the same. SIGINT, SIGTERM and SIGHUP are passed on
 * to the command, which measure then waits for. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t child = -1;

static void forward(int sig)
{
	if (child > 0)
		kill((pid_t)child, sig);
}

static double seconds(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static double tv_seconds(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static int usage(void)
{
	fputs("Usage: measure [-o FILE] [--] COMMAND [ARG...]\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	const char *out_path = NULL;
	struct timespec t0, t1;
	struct sigaction sa;
	struct rusage ru;
	int i = 1, wstatus, status;
	FILE *out = stderr;
	pid_t pid;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if (!strcmp(argv[i], "-o") && i + 1 < argc)
			out_path = argv[++i];
		else
			return usage();
	}
	if (i >= argc)
		return usage();
	if (out_path) {
		out = fopen(out_path, "ae");
		if (!out) {
			fprintf(stderr, "measure: %s: %s\n", out_path, strerror(errno));
			return 2;
		}
	}

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "measure: fork: %s\n", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		execvp(argv[i], argv + i);
		fprintf(stderr, "measure: %s: %s\n", argv[i], strerror(errno));
		_exit(127);
	}
	child = pid;
	while (wait4(pid, &wstatus, 0, &ru) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "measure: wait4: %s\n", strerror(errno));
			return 2;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);

	if (WIFEXITED(wstatus))
		status = WEXITSTATUS(wstatus);
	else
		status = 128 + WTERMSIG(wstatus);
	fprintf(out, "wall_s=%.6f user_s=%.6f sys_s=%.6f maxrss_kb=%ld status=%d\n",
		seconds(&t0, &t1), tv_seconds(&ru.ru_utime), tv_seconds(&ru.ru_stime),
		ru.ru_maxrss, status);
	if (out != stderr && fclose(out) != 0) {
		fprintf(stderr, "measure: %s: %s\n", out_path, strerror(errno));
		return 2;
	}
	return status;
}
