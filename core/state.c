/* The per-lab lock and the journal of owned objects. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/caps.h"
#include "core/model.h"
#include "core/netns.h"
#include "core/rootless.h"
#include "core/state.h"
#include "core/util.h"

#define JOURNAL "journal"
#define TOPOLOGY "topology.yaml"

static char *join(const char *a, const char *b, const char *c)
{
	char *s;

	if (asprintf(&s, "%s%s%s", a, b, c) < 0)
		return NULL;
	return s;
}

/* The files of the state root (/run/vethlab) are root's or the lab's maker's: each call
 * on them has cap_dac_override effective for that call only (a no-op for
 * root and without the capability; errno is kept: core/caps.h). */
static int own_open(const char *path, int flags, mode_t mode)
{
	int fd;

	vl_caps_dac_raise();
	fd = open(path, flags, mode);
	vl_caps_dac_lower();
	return fd;
}

static int own_mkdir(const char *path, mode_t mode)
{
	int r;

	vl_caps_dac_raise();
	r = mkdir(path, mode);
	vl_caps_dac_lower();
	return r;
}

static int own_unlink(const char *path)
{
	int r;

	vl_caps_dac_raise();
	r = unlink(path);
	vl_caps_dac_lower();
	return r;
}

static int own_rmdir(const char *path)
{
	int r;

	vl_caps_dac_raise();
	r = rmdir(path);
	vl_caps_dac_lower();
	return r;
}

static int own_rename(const char *from, const char *to)
{
	int r;

	vl_caps_dac_raise();
	r = rename(from, to);
	vl_caps_dac_lower();
	return r;
}

static FILE *own_fopen(const char *path, const char *mode)
{
	FILE *f;

	vl_caps_dac_raise();
	f = fopen(path, mode);
	vl_caps_dac_lower();
	return f;
}

static DIR *own_opendir(const char *path)
{
	DIR *d;

	vl_caps_dac_raise();
	d = opendir(path);
	vl_caps_dac_lower();
	return d;
}

/* The state root: root's and readable by all (ls), or rootless this
 * user's alone. */
static int make_root(struct vl_error *err)
{
	const char *root = vl_state_root();

	if (vl_rootless())
		return vl_rootless_hold(err);
	if (own_mkdir(root, 0755) < 0 && errno != EEXIST)
		return vl_err_sys(err, errno, "mkdir %s", root);
	return 0;
}

/* flock on a file that `down` may unlink: after locking, make sure the
 * path still names the file we locked, or we would hold a lock nobody
 * else can see. A killed holder's lock goes with its process. */
static int take_lock(struct vl_state *st, struct vl_error *err)
{
	for (;;) {
		struct stat a, b;
		int fd = own_open(st->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

		if (fd < 0)
			return vl_err_sys(err, errno, "open %s", st->lock_path);
		while (flock(fd, LOCK_EX) < 0) {
			if (errno != EINTR) {
				int e = errno;

				close(fd);
				return vl_err_sys(err, e, "lock %s", st->lock_path);
			}
		}
		if (fstat(fd, &a) == 0 && stat(st->lock_path, &b) == 0 &&
		    a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
			st->lock_fd = fd;
			return 0;
		}
		close(fd);
	}
}

static int push_str(char ***v, size_t *n, const char *s)
{
	char **slot;
	char *c = strdup(s);

	if (!c)
		return -ENOMEM;
	slot = vl_array_push(v, n, sizeof(*slot));
	if (!slot) {
		free(c);
		return -ENOMEM;
	}
	*slot = c;
	return 0;
}

/* --- the index: (kind, name[, name]) -> position in the kind's array,
 * open addressing with tombstones, rebuilt from the arrays as it fills --- */

enum { IX_NETNS = 1, IX_IF, IX_SYSCTL };

struct ix_slot {
	unsigned char kind;	/* 0: empty */
	bool dead;
	size_t pos;
};

struct vl_state_index {
	struct ix_slot *v;
	size_t cap, used;	/* used counts the dead too */
};

static size_t ix_hash(int kind, const char *a, const char *b)
{
	size_t h = 2166136261u ^ (size_t)kind;

	for (; *a; a++)
		h = (h ^ (unsigned char)*a) * 16777619u;
	h = (h ^ 0xff) * 16777619u;
	for (; b && *b; b++)
		h = (h ^ (unsigned char)*b) * 16777619u;
	return h;
}

static void ix_names(const struct vl_state *st, int kind, size_t pos, const char **a,
		     const char **b)
{
	*b = NULL;
	if (kind == IX_NETNS) {
		*a = st->netns[pos];
	} else if (kind == IX_IF) {
		*a = st->ifs[pos].node;
		*b = st->ifs[pos].iface;
	} else {
		*a = st->sysctls[pos].node;
		*b = st->sysctls[pos].key;
	}
}

/* The slot of (KIND, A, B), or NULL. */
static struct ix_slot *ix_find(const struct vl_state *st, int kind, const char *a,
			       const char *b)
{
	const struct vl_state_index *ix = st->index;

	if (!ix || !ix->cap)
		return NULL;
	for (size_t i = ix_hash(kind, a, b) & (ix->cap - 1);; i = (i + 1) & (ix->cap - 1)) {
		struct ix_slot *sl = &ix->v[i];
		const char *x, *y;

		if (!sl->kind)
			return NULL;
		if (sl->dead || sl->kind != kind)
			continue;
		ix_names(st, kind, sl->pos, &x, &y);
		if (!strcmp(x, a) && (!b || !strcmp(y, b)))
			return sl;
	}
}

static void ix_put(struct vl_state_index *ix, const struct vl_state *st, int kind, size_t pos)
{
	const char *a, *b;
	size_t i;

	ix_names(st, kind, pos, &a, &b);
	for (i = ix_hash(kind, a, b) & (ix->cap - 1); ix->v[i].kind; i = (i + 1) & (ix->cap - 1))
		;
	ix->v[i] = (struct ix_slot){ .kind = (unsigned char)kind, .pos = pos };
	ix->used++;
}

/* Room for one more: at most half full, the dead included. */
static int ix_room(struct vl_state *st)
{
	struct vl_state_index *ix = st->index;
	size_t live = st->n_netns + st->n_ifs + st->n_sysctls + 1, cap = 64;
	struct ix_slot *v;

	if (!ix && !(ix = st->index = calloc(1, sizeof(*ix))))
		return -ENOMEM;
	if ((ix->used + 1) * 2 <= ix->cap)
		return 0;
	while (cap < live * 4)
		cap *= 2;
	v = calloc(cap, sizeof(*v));
	if (!v)
		return -ENOMEM;
	free(ix->v);
	ix->v = v;
	ix->cap = cap;
	ix->used = 0;
	for (size_t i = 0; i < st->n_netns; i++)
		ix_put(ix, st, IX_NETNS, i);
	for (size_t i = 0; i < st->n_ifs; i++)
		ix_put(ix, st, IX_IF, i);
	for (size_t i = 0; i < st->n_sysctls; i++)
		ix_put(ix, st, IX_SYSCTL, i);
	return 0;
}

/* The record at POS of KIND goes: the last one moves into its place. */
static void ix_drop(struct vl_state *st, int kind, struct ix_slot *sl, size_t last)
{
	size_t pos = sl->pos;
	const char *a, *b;

	sl->dead = true;
	if (pos == last)
		return;
	ix_names(st, kind, last, &a, &b);
	ix_find(st, kind, a, b)->pos = pos;
}

static void drop_netns(struct vl_state *st, const char *name)
{
	struct ix_slot *sl = ix_find(st, IX_NETNS, name, NULL);
	size_t i;

	if (!sl)
		return;
	i = sl->pos;
	ix_drop(st, IX_NETNS, sl, st->n_netns - 1);
	free(st->netns[i]);
	st->netns[i] = st->netns[--st->n_netns];
}

static void drop_if(struct vl_state *st, const char *node, const char *iface)
{
	struct ix_slot *sl = ix_find(st, IX_IF, node, iface);
	size_t i;

	if (!sl)
		return;
	i = sl->pos;
	ix_drop(st, IX_IF, sl, st->n_ifs - 1);
	free(st->ifs[i].node);
	free(st->ifs[i].iface);
	st->ifs[i] = st->ifs[--st->n_ifs];
}

static void drop_sysctl(struct vl_state *st, const char *node, const char *key)
{
	struct ix_slot *sl = ix_find(st, IX_SYSCTL, node, key);
	size_t i;

	if (!sl)
		return;
	i = sl->pos;
	ix_drop(st, IX_SYSCTL, sl, st->n_sysctls - 1);
	free(st->sysctls[i].node);
	free(st->sysctls[i].key);
	free(st->sysctls[i].orig);
	st->sysctls[i] = st->sysctls[--st->n_sysctls];
}

static int remember_sysctl(struct vl_state *st, char op, const char *node,
			   const char *key, const char *orig)
{
	struct vl_owned_sysctl *o;

	if (op == '-') {
		drop_sysctl(st, node, key);
		return 0;
	}
	if (vl_state_sysctl_orig(st, node, key))
		return 0;	/* the first value seen is the one to restore */
	if (ix_room(st) < 0)
		return -ENOMEM;
	o = vl_array_push(&st->sysctls, &st->n_sysctls, sizeof(*o));
	if (!o)
		return -ENOMEM;
	o->node = strdup(node);
	o->key = strdup(key);
	o->orig = strdup(orig);
	if (!o->node || !o->key || !o->orig) {
		free(o->node);
		free(o->key);
		free(o->orig);
		st->n_sysctls--;
		return -ENOMEM;
	}
	ix_put(st->index, st, IX_SYSCTL, st->n_sysctls - 1);
	return 0;
}

static int remember(struct vl_state *st, char op, const char *what,
		    const char *a, const char *b)
{
	if (!strcmp(what, "netns")) {
		if (op == '-') {
			drop_netns(st, a);
			return 0;
		}
		if (vl_state_owns_netns(st, a))
			return 0;
		if (ix_room(st) < 0 || push_str(&st->netns, &st->n_netns, a) < 0)
			return -ENOMEM;
		ix_put(st->index, st, IX_NETNS, st->n_netns - 1);
		return 0;
	}
	if (!strcmp(what, "if") && b) {
		struct vl_owned_if *o;

		if (op == '-') {
			drop_if(st, a, b);
			return 0;
		}
		if (vl_state_owns_if(st, a, b))
			return 0;
		if (ix_room(st) < 0)
			return -ENOMEM;
		o = vl_array_push(&st->ifs, &st->n_ifs, sizeof(*o));
		if (!o)
			return -ENOMEM;
		o->node = strdup(a);
		o->iface = strdup(b);
		if (!o->node || !o->iface) {
			free(o->node);
			free(o->iface);
			st->n_ifs--;
			return -ENOMEM;
		}
		ix_put(st->index, st, IX_IF, st->n_ifs - 1);
		return 0;
	}
	return 0;	/* unknown records come from a newer vethlab: skip */
}

static int read_journal(struct vl_state *st, struct vl_error *err)
{
	char *path = join(st->dir, "/", JOURNAL), *line = NULL;
	size_t cap = 0;
	FILE *f;
	int r = 0;

	if (!path)
		return vl_err(err, -ENOMEM, "journal path");
	f = own_fopen(path, "re");
	if (!f) {
		r = errno == ENOENT ? 0 : vl_err_sys(err, errno, "read %s", path);
		free(path);
		return r;
	}
	while (r == 0 && getline(&line, &cap, f) > 0) {
		char what[16], a[256], b[256];
		int n;

		/* a line cut short by a crash has no newline: ignore it */
		if (!strchr(line, '\n'))
			continue;
		*strchr(line, '\n') = '\0';
		/* "+sysctl NODE KEY VALUE": the value may hold spaces */
		if (!strncmp(line + 1, "sysctl ", 7)) {
			int end = 0;

			if (sscanf(line + 8, "%255s %255s %n", a, b, &end) >= 2 && end)
				r = remember_sysctl(st, line[0], a, b, line + 8 + end);
			else if (line[0] == '-' && sscanf(line + 8, "%255s %255s", a, b) == 2)
				r = remember_sysctl(st, '-', a, b, NULL);
			continue;
		}
		n = sscanf(line + 1, "%15s %255s %255s", what, a, b);
		if ((line[0] == '+' || line[0] == '-') && n >= 2)
			r = remember(st, line[0], what, a, n == 3 ? b : NULL);
	}
	if (r < 0)
		vl_err(err, r, "read %s", path);
	free(line);
	fclose(f);
	free(path);
	return r;
}

static void clear_lists(struct vl_state *st)
{
	for (size_t i = 0; i < st->n_netns; i++)
		free(st->netns[i]);
	free(st->netns);
	st->netns = NULL;
	st->n_netns = 0;
	for (size_t i = 0; i < st->n_ifs; i++) {
		free(st->ifs[i].node);
		free(st->ifs[i].iface);
	}
	free(st->ifs);
	st->ifs = NULL;
	st->n_ifs = 0;
	for (size_t i = 0; i < st->n_sysctls; i++) {
		free(st->sysctls[i].node);
		free(st->sysctls[i].key);
		free(st->sysctls[i].orig);
	}
	free(st->sysctls);
	st->sysctls = NULL;
	st->n_sysctls = 0;
	if (st->index)
		free(st->index->v);
	free(st->index);
	st->index = NULL;
}

static int remove_files(struct vl_state *st, struct vl_error *err);

/* Rootless, a lab whose keeper died lost its namespaces with it: the
 * journal lists what is gone, and the pins left are plain files. */
static int forget_dead(struct vl_state *st, struct vl_error *err)
{
	int r = read_journal(st, err);

	for (size_t i = 0; r == 0 && i < st->n_netns; i++)
		r = vl_netns_forget(st->netns[i], err);
	if (r == 0)
		r = remove_files(st, err);
	if (r == 0)
		fprintf(stderr, "vethlab: lab %s: its keeper is gone, and its namespaces with it; forgetting its state\n",
			st->lab);
	clear_lists(st);
	return r;
}

int vl_state_open(struct vl_state *st, const char *lab, struct vl_error *err)
{
	int r;

	memset(st, 0, sizeof(*st));
	st->lock_fd = -1;
	st->journal_fd = -1;
	st->lab = strdup(lab);
	st->dir = join(vl_state_root(), "/", lab);
	st->lock_path = st->dir ? join(st->dir, ".lock", "") : NULL;
	if (!st->lab || !st->dir || !st->lock_path) {
		vl_state_close(st);
		return vl_err(err, -ENOMEM, "lab state");
	}
	r = make_root(err);
	if (r == 0)
		r = take_lock(st, err);
	/* rootless: into the lab's keeper, or a new one (core/rootless.h) */
	if (r == 0)
		r = vl_rootless_attach(lab, err);
	if (r == 1) {
		r = forget_dead(st, err);
		if (r == 0)
			r = vl_rootless_attach(lab, err);
	}
	if (r == 0)
		r = read_journal(st, err);
	if (r < 0)
		vl_state_close(st);
	return r;
}

void vl_state_close(struct vl_state *st)
{
	if (st->journal_fd >= 0)
		close(st->journal_fd);
	/* A lab with no state (plan or status of a lab that is not up, or
	 * one that is down now) leaves no lock file behind, and rootless no
	 * keeper; take_lock copes with the unlink. */
	if (st->lock_fd >= 0 && st->dir && !vl_state_exists(st)) {
		own_unlink(st->lock_path);
		vl_rootless_detach(st->lab);
	}
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	clear_lists(st);
	free(st->lab);
	free(st->dir);
	free(st->lock_path);
	memset(st, 0, sizeof(*st));
	st->lock_fd = -1;
	st->journal_fd = -1;
}

bool vl_state_exists(const struct vl_state *st)
{
	struct stat sb;

	return stat(st->dir, &sb) == 0;
}

static int note(struct vl_state *st, struct vl_error *err, const char *fmt, ...)
{
	char line[600];
	va_list ap;
	int n;

	if (st->journal_fd < 0) {
		char *path = join(st->dir, "/", JOURNAL);

		if (!path)
			return vl_err(err, -ENOMEM, "journal path");
		if (own_mkdir(st->dir, 0700) < 0 && errno != EEXIST) {
			n = vl_err_sys(err, errno, "mkdir %s", st->dir);
			free(path);
			return n;
		}
		st->journal_fd = own_open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
		if (st->journal_fd < 0) {
			n = vl_err_sys(err, errno, "open %s", path);
			free(path);
			return n;
		}
		free(path);
		/* a record cut short by a crash is ignored when read; end it so
		 * that it does not swallow the next one */
		if (lseek(st->journal_fd, -1, SEEK_END) >= 0) {
			char last;

			if (read(st->journal_fd, &last, 1) == 1 && last != '\n' &&
			    write(st->journal_fd, "\n", 1) != 1)
				return vl_err_sys(err, errno ? errno : EIO, "write the journal of lab %s", st->lab);
		}
	}
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One write per record: a crash leaves whole lines or a cut last
	 * line, never a mix. No fsync: the journal has to survive the
	 * process, not the machine (a reboot takes the namespaces too). */
	if (n < 0 || (size_t)n >= sizeof(line) || write(st->journal_fd, line, (size_t)n) != n)
		return vl_err_sys(err, errno ? errno : EIO, "write the journal of lab %s", st->lab);
	return 0;
}

int vl_state_add_netns(struct vl_state *st, const char *name, struct vl_error *err)
{
	int r = note(st, err, "+netns %s\n", name);

	return r < 0 ? r : remember(st, '+', "netns", name, NULL);
}

int vl_state_del_netns(struct vl_state *st, const char *name, struct vl_error *err)
{
	int r = note(st, err, "-netns %s\n", name);

	return r < 0 ? r : remember(st, '-', "netns", name, NULL);
}

int vl_state_add_if(struct vl_state *st, const char *node, const char *iface,
		    struct vl_error *err)
{
	int r = note(st, err, "+if %s %s\n", node, iface);

	return r < 0 ? r : remember(st, '+', "if", node, iface);
}

int vl_state_del_if(struct vl_state *st, const char *node, const char *iface,
		    struct vl_error *err)
{
	int r = note(st, err, "-if %s %s\n", node, iface);

	return r < 0 ? r : remember(st, '-', "if", node, iface);
}

int vl_state_add_sysctl(struct vl_state *st, const char *node, const char *key,
			const char *orig, struct vl_error *err)
{
	int r;

	if (vl_state_sysctl_orig(st, node, key))
		return 0;
	r = note(st, err, "+sysctl %s %s %s\n", node, key, orig);
	return r < 0 ? r : remember_sysctl(st, '+', node, key, orig);
}

int vl_state_del_sysctl(struct vl_state *st, const char *node, const char *key,
			struct vl_error *err)
{
	int r;

	if (!vl_state_sysctl_orig(st, node, key))
		return 0;
	r = note(st, err, "-sysctl %s %s\n", node, key);
	return r < 0 ? r : remember_sysctl(st, '-', node, key, NULL);
}

const char *vl_state_sysctl_orig(const struct vl_state *st, const char *node,
				 const char *key)
{
	const struct ix_slot *sl = ix_find(st, IX_SYSCTL, node, key);

	return sl ? st->sysctls[sl->pos].orig : NULL;
}

bool vl_state_owns_netns(const struct vl_state *st, const char *name)
{
	return ix_find(st, IX_NETNS, name, NULL) != NULL;
}

bool vl_state_owns_if(const struct vl_state *st, const char *node, const char *iface)
{
	return ix_find(st, IX_IF, node, iface) != NULL;
}

int vl_state_compact(struct vl_state *st, struct vl_error *err)
{
	char *path = join(st->dir, "/", JOURNAL), *tmp = join(st->dir, "/", JOURNAL ".tmp");
	FILE *f = NULL;
	int r = 0;

	if (!path || !tmp) {
		r = vl_err(err, -ENOMEM, "journal path");
		goto out;
	}
	{
		/* as private as the journal it replaces */
		int fd = own_open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		f = fd < 0 ? NULL : fdopen(fd, "w");
		if (!f) {
			r = vl_err_sys(err, errno, "open %s", tmp);
			if (fd >= 0)
				close(fd);
			goto out;
		}
	}
	for (size_t i = 0; i < st->n_netns; i++)
		fprintf(f, "+netns %s\n", st->netns[i]);
	for (size_t i = 0; i < st->n_ifs; i++)
		fprintf(f, "+if %s %s\n", st->ifs[i].node, st->ifs[i].iface);
	for (size_t i = 0; i < st->n_sysctls; i++)
		fprintf(f, "+sysctl %s %s %s\n", st->sysctls[i].node, st->sysctls[i].key,
			st->sysctls[i].orig);
	if (fclose(f) != 0) {
		f = NULL;
		r = vl_err_sys(err, errno, "write %s", tmp);
		goto out;
	}
	f = NULL;
	/* rename is atomic: a crash leaves the old journal or the new one */
	if (own_rename(tmp, path) < 0) {
		r = vl_err_sys(err, errno, "rename %s", tmp);
		goto out;
	}
	if (st->journal_fd >= 0) {
		close(st->journal_fd);
		st->journal_fd = -1;
	}
out:
	if (r < 0)
		own_unlink(tmp);
	free(path);
	free(tmp);
	return r;
}

char *vl_state_topology_path(const struct vl_state *st)
{
	return join(st->dir, "/", TOPOLOGY);
}

int vl_state_save_topology(struct vl_state *st, const char *buf, size_t len,
			   struct vl_error *err)
{
	char *path = vl_state_topology_path(st), *tmp = join(st->dir, "/", TOPOLOGY ".tmp");
	int fd, r = 0;

	if (!path || !tmp) {
		r = vl_err(err, -ENOMEM, "topology path");
		goto out;
	}
	if (own_mkdir(st->dir, 0700) < 0 && errno != EEXIST) {
		r = vl_err_sys(err, errno, "mkdir %s", st->dir);
		goto out;
	}
	fd = own_open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = vl_err_sys(err, errno, "open %s", tmp);
		goto out;
	}
	if (write(fd, buf, len) != (ssize_t)len)
		r = vl_err_sys(err, errno ? errno : EIO, "write %s", tmp);
	close(fd);
	if (r == 0 && own_rename(tmp, path) < 0)
		r = vl_err_sys(err, errno, "rename %s", tmp);
	if (r < 0)
		own_unlink(tmp);
out:
	free(path);
	free(tmp);
	return r;
}

bool vl_state_saved_is(const char *lab, const char *buf, size_t len)
{
	char *dir = join(vl_state_root(), "/", lab);
	char *path = dir ? join(dir, "/", TOPOLOGY) : NULL;
	bool same = false;
	struct stat sb;
	char *saved;
	int fd;

	free(dir);
	if (!path)
		return false;
	fd = own_open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
	free(path);
	if (fd < 0)
		return false;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && (size_t)sb.st_size == len &&
	    (saved = malloc(len ? len : 1))) {
		size_t got = 0;
		ssize_t n = 1;

		while (got < len && (n = read(fd, saved + got, len - got)) > 0)
			got += (size_t)n;
		same = got == len && !memcmp(saved, buf, len);
		free(saved);
	}
	close(fd);
	return same;
}

/* The journal, the saved topology and the lab's directory; not the lock. */
static int remove_files(struct vl_state *st, struct vl_error *err)
{
	static const char *const files[] = { JOURNAL, JOURNAL ".tmp", TOPOLOGY, TOPOLOGY ".tmp" };

	if (st->journal_fd >= 0) {
		close(st->journal_fd);
		st->journal_fd = -1;
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char *p = join(st->dir, "/", files[i]);

		if (!p)
			return vl_err(err, -ENOMEM, "state path");
		if (own_unlink(p) < 0 && errno != ENOENT) {
			int r = vl_err_sys(err, errno, "remove %s", p);

			free(p);
			return r;
		}
		free(p);
	}
	if (own_rmdir(st->dir) < 0 && errno != ENOENT)
		return vl_err_sys(err, errno, "remove %s", st->dir);
	return 0;
}

int vl_state_remove(struct vl_state *st, struct vl_error *err)
{
	int r = remove_files(st, err);

	if (r < 0)
		return r;
	/* Unlinking the lock we hold is safe: take_lock re-checks the path. */
	if (own_unlink(st->lock_path) < 0 && errno != ENOENT)
		return vl_err_sys(err, errno, "remove %s", st->lock_path);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int vl_state_list(char ***labs, size_t *n, struct vl_error *err)
{
	const char *root = vl_state_root();
	DIR *d = own_opendir(root);
	struct dirent *e;

	*labs = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : vl_err_sys(err, errno, "open %s", root);
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || e->d_type != DT_DIR)
			continue;
		if (push_str(labs, n, e->d_name) < 0) {
			closedir(d);
			vl_state_list_free(*labs, *n);
			return vl_err(err, -ENOMEM, "list labs");
		}
	}
	closedir(d);
	if (*n)
		qsort(*labs, *n, sizeof(**labs), cmp_str);
	return 0;
}

void vl_state_list_free(char **labs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(labs[i]);
	free(labs);
}
