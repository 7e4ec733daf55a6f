/* Rootless mode: the runtime directory, the keeper that holds a lab's
 * user and mount namespaces, and joining it (core/rootless.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "core/caps.h"
#include "core/rootless.h"

#define KEEPER_COMM "vethlab-keeper"
#define CAPS_MAX 64
#define ROOT_STATE "/run/vethlab"
/* a path under the runtime directory: it, a lab name and a suffix */
#define PATH_LEN (4096 + 256)

static struct {
	bool on;
	char dir[4096];
	char netns[4096 + 8];
	int caps[CAPS_MAX];
	size_t n_caps;
	enum vl_keeper_use use;
	bool joined;
	pid_t child;		/* a keeper this process started: reap it */
	int hold;		/* the runtime directory, flocked shared */
} rl = { .hold = -1 };

const char *vl_state_root(void)
{
	return rl.on ? rl.dir : ROOT_STATE;
}

const char *vl_netns_dir(void)
{
	return rl.on ? rl.netns : "/run/netns";
}

bool vl_rootless(void)
{
	return rl.on;
}

const char *vl_rootless_dir(void)
{
	return rl.on ? rl.dir : "";
}

/* 0 when PATH is a directory (not a symbolic link) of this user's that
 * no one else may write; with PRIVATE, that no one else may even read. */
static int own_dir(const char *path, bool private)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (st.st_uid != geteuid() || (st.st_mode & (private ? 077 : 022)))
		return -EPERM;
	return 0;
}

/* The refusal of a runtime directory that own_dir(..., true) said R of. */
static int not_private(int r, struct vl_error *err)
{
	return vl_err(err, -EPERM,
		      "%s is not a private directory of this user's (%s): remove it, or set XDG_RUNTIME_DIR to a directory of yours",
		      rl.dir, r == -EPERM ? "owner or mode" : strerror(-r));
}

static int pick_dir(struct vl_error *err)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR"), *tmp = getenv("TMPDIR");
	char run_user[64];
	int n, r;

	/* $XDG_RUNTIME_DIR of another user (su without a login keeps
	 * root's) is passed over, not trusted */
	snprintf(run_user, sizeof(run_user), "/run/user/%u", (unsigned)geteuid());
	if (xdg && xdg[0] == '/' && own_dir(xdg, false) == 0)
		n = snprintf(rl.dir, sizeof(rl.dir), "%s/vethlab", xdg);
	else if (own_dir(run_user, false) == 0)
		n = snprintf(rl.dir, sizeof(rl.dir), "%s/vethlab", run_user);
	else
		n = snprintf(rl.dir, sizeof(rl.dir), "%s/vethlab-%u",
			     tmp && tmp[0] == '/' ? tmp : "/tmp", (unsigned)geteuid());
	if (n < 0 || (size_t)n >= sizeof(rl.dir))
		return vl_err(err, -ENAMETOOLONG, "rootless state directory: path too long");
	snprintf(rl.netns, sizeof(rl.netns), "%s/.netns", rl.dir);
	/* a directory someone else made at our name (in /tmp) is refused */
	r = own_dir(rl.dir, true);
	return r < 0 && r != -ENOENT ? not_private(r, err) : 0;
}

int vl_rootless_init(const int *caps, size_t n, enum vl_keeper_use use,
		     struct vl_error *err)
{
	int r;

	if (n > CAPS_MAX)
		return vl_err(err, -EINVAL, "too many capabilities");
	r = pick_dir(err);
	if (r < 0)
		return r;
	memcpy(rl.caps, caps, n * sizeof(*caps));
	rl.n_caps = n;
	rl.use = use;
	rl.on = true;
	/* Nothing outside is needed: the lab's user namespace gives what
	 * the command needs once it is joined. Root alone keeps
	 * CAP_SETFCAP, without which the kernel refuses a user namespace
	 * that maps uid 0 (since Linux 5.12), for the keeper's map. */
	if (geteuid() == 0)
		return vl_caps_keep((const int[]){ CAP_SETFCAP }, 1, err);
	return vl_caps_keep(NULL, 0, err);
}

int vl_rootless_hold(struct vl_error *err)
{
	if (!rl.on || rl.hold >= 0)
		return 0;
	for (;;) {
		struct stat a, b;
		int fd, r;

		if (mkdir(rl.dir, 0700) < 0 && errno != EEXIST)
			return vl_err_sys(err, errno, "mkdir %s", rl.dir);
		r = own_dir(rl.dir, true);
		if (r == -ENOENT)
			continue;
		if (r < 0)
			return not_private(r, err);
		fd = open(rl.dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0)
			return vl_err_sys(err, errno, "open %s", rl.dir);
		while (flock(fd, LOCK_SH) < 0) {
			if (errno != EINTR) {
				r = vl_err_sys(err, errno, "lock %s", rl.dir);
				close(fd);
				return r;
			}
		}
		/* removed while we waited: make it again */
		if (fstat(fd, &a) == 0 && lstat(rl.dir, &b) == 0 &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
			rl.hold = fd;
			return 0;
		}
		close(fd);
	}
}

/* PID's start time (clock ticks since boot) and name, from /proc; -ESRCH
 * for a process that has ended (a zombie not reaped yet). */
static int proc_stat(pid_t pid, unsigned long long *start, char *comm, size_t clen)
{
	char path[64], buf[1024], *l, *r, *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	buf[n] = '\0';
	/* "PID (COMM) S PPID ...": COMM may hold spaces and parentheses */
	l = strchr(buf, '(');
	r = strrchr(buf, ')');
	if (!l || !r || r < l || (size_t)(r - l - 1) >= clen)
		return -EINVAL;
	memcpy(comm, l + 1, (size_t)(r - l - 1));
	comm[r - l - 1] = '\0';
	/* field 22 is the start time; the state (field 3) follows ") " */
	p = r + 2;
	if (*p == 'Z' || *p == 'X')
		return -ESRCH;
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return -EINVAL;
		p++;
	}
	*start = strtoull(p, NULL, 10);
	return 0;
}

static char *keeper_path(const char *lab, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s.keeper", rl.dir, lab);
	return buf;
}

/* 1 and *PID when LAB's keeper runs, 0 when it has none, -ESRCH when its
 * keeper died (the record names a process that is gone). */
static int keeper_find(const char *lab, pid_t *pid)
{
	char path[PATH_LEN], buf[64], comm[32];
	unsigned long long start = 0, seen;
	int fd, p = 0;
	ssize_t n;

	fd = open(keeper_path(lab, path, sizeof(path)), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -ESRCH;
	buf[n] = '\0';
	if (sscanf(buf, "%d %llu", &p, &start) != 2 || p <= 0)
		return -ESRCH;
	if (proc_stat(p, &seen, comm, sizeof(comm)) < 0 || seen != start ||
	    strcmp(comm, KEEPER_COMM))
		return -ESRCH;
	*pid = p;
	return 1;
}

static int write_file(const char *path, const char *s)
{
	size_t len = strlen(s);
	int fd = open(path, O_WRONLY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return errno;
	if (write(fd, s, len) != (ssize_t)len)
		r = errno ? errno : EIO;
	close(fd);
	return r;
}

/* The keeper: in a user namespace of its own where UID and GID are 0,
 * a mount namespace owned by it (mounts made there, the namespace pins,
 * stay there) and an empty network namespace: the one commands go back
 * to between lab namespaces (the host's is not theirs to enter). Reports 0 or an errno on READY, then waits for
 * SIGTERM holding nothing else: no files, no directory, no terminal. */
static void keeper_main(int ready, uid_t uid, gid_t gid)
{
	char map[64];
	sigset_t term;
	int e = 0, null;

	setsid();
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET) < 0)
		e = errno;
	if (!e) {
		/* EACCES/ENOENT: a kernel without setgroups control */
		int s = write_file("/proc/self/setgroups", "deny");

		if (s && s != ENOENT)
			e = s;
	}
	if (!e) {
		snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
		e = write_file("/proc/self/uid_map", map);
	}
	if (!e) {
		snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
		e = write_file("/proc/self/gid_map", map);
	}
	prctl(PR_SET_NAME, KEEPER_COMM, 0, 0, 0);
	/* vethlab with file capabilities is not dumpable, and /proc/PID/ns
	 * of a process that is not is closed to its own user */
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	if (chdir("/") < 0 && !e)
		e = errno;
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		e = e ? e : EBADF;
	/* nothing of the command's: its lock, its pipes to a test harness */
	if (ready > 3)
		close_range(3, (unsigned)ready - 1, 0);
	close_range((unsigned)ready + 1, ~0U, 0);
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, NULL);
	if (write(ready, &e, sizeof(e)) != sizeof(e) || e)
		_exit(1);
	close(ready);
	for (;;)
		if (sigwaitinfo(&term, NULL) == SIGTERM)
			_exit(0);
}

static int keeper_start(pid_t *pid, struct vl_error *err)
{
	int p[2], e = 0;
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0)
		return vl_err_sys(err, errno, "pipe");
	*pid = fork();
	if (*pid < 0) {
		close(p[0]);
		close(p[1]);
		return vl_err_sys(err, errno, "start the lab's keeper");
	}
	if (*pid == 0) {
		close(p[0]);
		keeper_main(p[1], geteuid(), getegid());
	}
	close(p[1]);
	do
		n = read(p[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n != sizeof(e) || e) {
		waitpid(*pid, NULL, 0);
		if (n != sizeof(e))
			return vl_err(err, -ECHILD, "the lab's keeper died as it started");
		if (e == EPERM || e == ENOSPC || e == EINVAL || e == EACCES)
			return vl_err(err, -e,
				      "cannot create a user namespace (%s): this system does not let users have one; see sysctl user.max_user_namespaces (and kernel.unprivileged_userns_clone or kernel.apparmor_restrict_unprivileged_userns where they exist), or run vethlab as root",
				      strerror(e));
		return vl_err_sys(err, e, "set up the lab's user namespace");
	}
	rl.child = *pid;
	return 0;
}

static int keeper_record(const char *lab, pid_t pid, struct vl_error *err)
{
	char path[PATH_LEN], tmp[PATH_LEN + 8], buf[64], comm[32];
	unsigned long long start;
	int fd, len, r = 0;

	r = proc_stat(pid, &start, comm, sizeof(comm));
	if (r < 0)
		return vl_err_sys(err, -r, "read /proc/%d/stat", (int)pid);
	keeper_path(lab, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	len = snprintf(buf, sizeof(buf), "%d %llu\n", (int)pid, start);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return vl_err_sys(err, errno, "create %s", tmp);
	if (write(fd, buf, (size_t)len) != len)
		r = vl_err_sys(err, errno ? errno : EIO, "write %s", tmp);
	close(fd);
	if (r == 0 && rename(tmp, path) < 0)
		r = vl_err_sys(err, errno, "rename %s", tmp);
	if (r < 0)
		unlink(tmp);
	return r;
}

/* SIGTERM, then SIGKILL if it lingers; by pidfd, checked to still be the
 * keeper the record names (or our child, not reaped yet), so that a
 * reused PID is never signalled. */
static void keeper_stop(const char *lab, pid_t pid)
{
	struct pollfd pfd = { .events = POLLIN };
	pid_t again;

	pfd.fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd.fd >= 0 &&
	    (pid == rl.child || (keeper_find(lab, &again) == 1 && again == pid))) {
		syscall(SYS_pidfd_send_signal, pfd.fd, SIGTERM, NULL, 0);
		if (poll(&pfd, 1, 2000) <= 0) {
			syscall(SYS_pidfd_send_signal, pfd.fd, SIGKILL, NULL, 0);
			poll(&pfd, 1, 2000);
		}
	}
	if (pfd.fd >= 0)
		close(pfd.fd);
	if (pid == rl.child) {
		waitpid(pid, NULL, 0);
		rl.child = 0;
	}
}

/* Enter PID's user namespace (where this process then has every
 * capability, of which it keeps the command's), its mount namespace
 * (where the lab's namespaces are pinned) and its network namespace. Entering a mount namespace
 * moves the process to its root: the working directory comes back, so
 * that relative paths (--junit, --artifacts) mean what they meant. */
static int join(pid_t pid, struct vl_error *err)
{
	static const struct {
		const char *name;
		int type;
	} ns[] = { { "user", CLONE_NEWUSER }, { "mnt", CLONE_NEWNS }, { "net", CLONE_NEWNET } };
	int fd[3] = { -1, -1, -1 }, cwd = -1, r = 0;
	char path[64];

	/* all opened first: after the user namespace, /proc/PID may not be
	 * ours to read */
	for (size_t i = 0; r == 0 && i < 3; i++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns[i].name);
		fd[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (fd[i] < 0)
			r = vl_err_sys(err, errno, "open %s (the lab's keeper)", path);
	}
	if (r == 0)
		cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	for (size_t i = 0; r == 0 && i < 3; i++)
		if (setns(fd[i], ns[i].type) < 0)
			r = vl_err_sys(err, errno, "join the %s namespace of the lab's keeper (pid %d)",
				       ns[i].name, (int)pid);
	if (r == 0 && cwd >= 0 && fchdir(cwd) < 0)
		r = vl_err_sys(err, errno, "return to the working directory");
	for (size_t i = 0; i < 3; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	if (cwd >= 0)
		close(cwd);
	if (r == 0)
		r = vl_caps_keep(rl.caps, rl.n_caps, err);
	if (r == 0)
		rl.joined = true;
	return r;
}

int vl_rootless_attach(const char *lab, struct vl_error *err)
{
	char path[PATH_LEN];
	pid_t pid = 0;
	int r;

	if (!rl.on || rl.use == VL_KEEPER_NONE || rl.joined)
		return 0;
	r = keeper_find(lab, &pid);
	if (r == -ESRCH) {
		/* core/state.c forgets what the dead keeper took with it */
		unlink(keeper_path(lab, path, sizeof(path)));
		return 1;
	}
	if (r == 1)
		return join(pid, err);
	if (rl.use != VL_KEEPER_START)
		return 0;
	r = keeper_start(&pid, err);
	if (r < 0)
		return r;
	r = keeper_record(lab, pid, err);
	if (r == 0)
		r = join(pid, err);
	if (r < 0) {
		keeper_stop(lab, pid);
		unlink(keeper_path(lab, path, sizeof(path)));
	}
	return r;
}

void vl_rootless_detach(const char *lab)
{
	char path[PATH_LEN];
	pid_t pid;

	if (!rl.on)
		return;
	if (rl.use != VL_KEEPER_NONE && keeper_find(lab, &pid) == 1) {
		keeper_stop(lab, pid);
		unlink(keeper_path(lab, path, sizeof(path)));
	}
	/* Only when no other rootless vethlab of this user's runs (they hold
	 * the directory shared); ENOTEMPTY: other labs are there. */
	if (rl.hold >= 0 && flock(rl.hold, LOCK_EX | LOCK_NB) == 0) {
		rmdir(rl.netns);
		rmdir(rl.dir);
	}
}

int vl_rootless_foreign(const char *lab, struct vl_error *err)
{
	char path[PATH_LEN];
	struct stat sb;

	if (!rl.on)
		return 0;
	snprintf(path, sizeof(path), ROOT_STATE "/%s", lab);
	if (stat(path, &sb) == 0)
		return vl_err(err, -EPERM,
			      "you have no rootless lab %s; %s is a lab of root's, which rootless vethlab cannot touch (run vethlab as root for it)",
			      lab, path);
	return 0;
}
