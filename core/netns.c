/* Creating, opening and entering network namespaces. The thread that
 * enters one always comes back before it does anything else. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/nsfs.h>

#include "core/caps.h"
#include "core/netns.h"
#include "core/rootless.h"

static dev_t host_dev;
static ino_t host_ino;
static bool host_known;

/* The first call happens before any setns: we are in the host's. */
static void remember_host(void)
{
	struct stat st;

	if (host_known)
		return;
	if (stat("/proc/self/ns/net", &st) == 0) {
		host_dev = st.st_dev;
		host_ino = st.st_ino;
		host_known = true;
	}
}

bool vl_netns_is_host(int fd)
{
	struct stat st;

	remember_host();
	/* unknown counts as host: refuse rather than risk it */
	if (!host_known || fstat(fd, &st) < 0)
		return true;
	return st.st_dev == host_dev && st.st_ino == host_ino;
}

unsigned long vl_netns_ino(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (unsigned long)st.st_ino : 0;
}

static int path_of(const char *name, char *buf, size_t len,
		   struct vl_error *err)
{
	int n = snprintf(buf, len, "%s/%s", vl_netns_dir(), name);

	if (n < 0 || (size_t)n >= len || strchr(name, '/') || !name[0] ||
	    !strcmp(name, ".") || !strcmp(name, ".."))
		return vl_err(err, -EINVAL, "invalid namespace name \"%s\"", name);
	return 0;
}

/* /run/netns must be a shared mount so that namespaces pinned there are
 * seen from every mount namespace; iproute2 sets it up the same way.
 * Rootless, the pins are seen from the keeper's mount namespace alone,
 * which every command on the lab joins: a private directory is enough. */
static int setup_dir(struct vl_error *err)
{
	const char *dir = vl_netns_dir();
	bool bound = false;

	if (mkdir(dir, vl_rootless() ? 0700 : 0755) < 0 && errno != EEXIST)
		return vl_err_sys(err, errno, "mkdir %s", dir);
	if (vl_rootless())
		return 0;
	while (mount("", dir, "none", MS_SHARED | MS_REC, NULL) < 0) {
		if (errno != EINVAL || bound)
			return vl_err_sys(err, errno, "make %s a shared mount", dir);
		if (mount(dir, dir, "none", MS_BIND | MS_REC, NULL) < 0)
			return vl_err_sys(err, errno, "bind-mount %s", dir);
		bound = true;
	}
	return 0;
}

/* /run/netns is root's: cap_dac_override is effective around what is
 * done there, and only then (core/caps.h; errno survives the lowering). */
static int prepare_dir(struct vl_error *err)
{
	static bool done;
	int r;

	if (done)
		return 0;
	vl_caps_dac_raise();
	r = setup_dir(err);
	vl_caps_dac_lower();
	if (r == 0)
		done = true;
	return r;
}

static int check_netns_fd(int fd, const char *path, struct vl_error *err)
{
	struct statfs sfs;

	if (fstatfs(fd, &sfs) < 0)
		return vl_err_sys(err, errno, "statfs %s", path);
	if (sfs.f_type != NSFS_MAGIC || ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET)
		return vl_err(err, -EINVAL, "%s is not a network namespace", path);
	if (vl_netns_is_host(fd))
		return vl_err(err, -EPERM, "%s is the host's own network namespace", path);
	return 0;
}

int vl_netns_open(const char *name, int *fd, struct vl_error *err)
{
	char path[256];
	int r;

	*fd = -1;
	r = path_of(name, path, sizeof(path), err);
	if (r < 0)
		return r;
	vl_caps_dac_raise();
	r = open(path, O_RDONLY | O_CLOEXEC);
	vl_caps_dac_lower();
	if (r < 0) {
		if (errno == ENOENT)
			return -ENOENT;
		return vl_err_sys(err, errno, "open %s", path);
	}
	*fd = r;
	r = check_netns_fd(*fd, path, err);
	if (r < 0) {
		close(*fd);
		*fd = -1;
	}
	return r;
}

int vl_netns_enter(int fd, int *saved, struct vl_error *err)
{
	remember_host();
	if (vl_netns_is_host(fd))
		return vl_err(err, -EPERM, "refusing to enter the host's network namespace");
	*saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*saved < 0)
		return vl_err_sys(err, errno, "open /proc/thread-self/ns/net");
	if (setns(fd, CLONE_NEWNET) < 0) {
		int e = errno;

		close(*saved);
		*saved = -1;
		return vl_err_sys(err, e, "enter network namespace");
	}
	return 0;
}

int vl_netns_leave(int saved, struct vl_error *err)
{
	int r = 0;

	if (setns(saved, CLONE_NEWNET) < 0)
		r = vl_err_sys(err, errno, "return to the original network namespace");
	close(saved);
	return r;
}

int vl_netns_add(const char *name, int *fd, struct vl_error *err)
{
	char path[256];
	int r, pin, saved;

	*fd = -1;
	r = path_of(name, path, sizeof(path), err);
	if (r < 0)
		return r;
	remember_host();
	r = prepare_dir(err);
	if (r < 0)
		return r;
	vl_caps_dac_raise();
	pin = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0);
	vl_caps_dac_lower();
	if (pin < 0) {
		if (errno == EEXIST)
			return vl_err(err, -EEXIST, "namespace %s exists", name);
		return vl_err_sys(err, errno, "create %s", path);
	}
	close(pin);
	saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (saved < 0) {
		r = vl_err_sys(err, errno, "open /proc/thread-self/ns/net");
		goto undo_file;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		r = vl_err_sys(err, errno, "create network namespace %s", name);
		close(saved);
		goto undo_file;
	}
	vl_caps_dac_raise();
	if (mount("/proc/thread-self/ns/net", path, "none", MS_BIND, NULL) < 0)
		r = vl_err_sys(err, errno, "pin network namespace at %s", path);
	else if ((*fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		r = vl_err_sys(err, errno, "open %s", path);
	vl_caps_dac_lower();
	if (vl_netns_leave(saved, err) < 0)
		r = err->code;
	if (r < 0) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		vl_caps_dac_raise();
		umount2(path, MNT_DETACH);
		vl_caps_dac_lower();
		goto undo_file;
	}
	return 0;
undo_file:
	vl_caps_dac_raise();
	unlink(path);
	vl_caps_dac_lower();
	return r;
}

/* Unpin PATH with the capabilities already raised; 0 or -errno, and in
 * *WHAT the step that failed. */
static int unpin(const char *path, const char **what)
{
	*what = "unmount";
	/* EINVAL: not a mount point (a half-made entry); unlink it anyway */
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT)
		return -errno;
	*what = "remove";
	if (unlink(path) < 0 && errno != ENOENT)
		return -errno;
	return 0;
}

int vl_netns_del(const char *name, struct vl_error *err)
{
	char path[256];
	const char *what;
	int r = path_of(name, path, sizeof(path), err);

	if (r < 0)
		return r;
	vl_caps_dac_raise();
	r = unpin(path, &what);
	vl_caps_dac_lower();
	return r < 0 ? vl_err_sys(err, -r, "%s %s", what, path) : 0;
}

int vl_netns_forget(const char *name, struct vl_error *err)
{
	char path[256];
	int r = path_of(name, path, sizeof(path), err);

	if (r < 0)
		return r;
	if (unlink(path) < 0 && errno != ENOENT)
		return vl_err_sys(err, errno, "remove %s", path);
	return 0;
}

/* Each unmount ends in the kernel waiting for an RCU grace period
 * (namespace_unlock: synchronize_rcu_expedited), after the mount lock is
 * dropped: some 15 us when the other CPU is idle, up to a millisecond
 * when it is busy, for instance dismantling the namespaces unpinned just
 * before. Unmounts made by several threads at once share their waits. */
#define UNPIN_THREADS_MAX 32
#define UNPIN_PER_THREAD 8

struct unpinning {
	char *const *names;
	size_t n;
	int *res;
	_Atomic size_t next;
	_Atomic bool stop;
	pthread_mutex_t lock;
	size_t failed;		/* the first name that failed, by index */
	const char *what;
};

static void *unpin_some(void *arg)
{
	struct unpinning *u = arg;
	char path[256];
	const char *what;
	size_t i;

	while (!u->stop && (i = u->next++) < u->n) {
		struct vl_error ignored;

		what = "name";
		u->res[i] = path_of(u->names[i], path, sizeof(path), &ignored);
		if (u->res[i] == 0)
			u->res[i] = unpin(path, &what);
		if (u->res[i] < 0) {
			u->stop = true;
			pthread_mutex_lock(&u->lock);
			if (i < u->failed) {
				u->failed = i;
				u->what = what;
			}
			pthread_mutex_unlock(&u->lock);
		}
	}
	return NULL;
}

int vl_netns_del_all(char *const *names, size_t n, int *res, struct vl_error *err)
{
	struct unpinning u = {
		.names = names, .n = n, .res = res,
		.lock = PTHREAD_MUTEX_INITIALIZER, .failed = n,
	};
	pthread_t threads[UNPIN_THREADS_MAX];
	size_t k = n / UNPIN_PER_THREAD, started = 0;
	sigset_t all, old;

	if (k > UNPIN_THREADS_MAX)
		k = UNPIN_THREADS_MAX;
	for (size_t i = 0; i < n; i++)
		res[i] = 1;
	/* the threads inherit the raised capability, and no signal: those
	 * are for the main thread, which turns them into a flag */
	vl_caps_dac_raise();
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	while (started < k && pthread_create(&threads[started], NULL, unpin_some, &u) == 0)
		started++;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	unpin_some(&u);
	for (size_t i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	vl_caps_dac_lower();
	if (u.failed == n)
		return 0;
	if (!strcmp(u.what, "name"))
		return vl_err(err, -EINVAL, "invalid namespace name \"%s\"", names[u.failed]);
	return vl_err_sys(err, -res[u.failed], "%s %s/%s", u.what, vl_netns_dir(),
			  names[u.failed]);
}
