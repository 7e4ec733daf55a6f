/* A lab's namespaces, opened once per run. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include <linux/net_namespace.h>
#include <linux/rtnetlink.h>

#include "core/netns.h"
#include "core/nsset.h"
#include "core/sysctl.h"

static int cmp_ns(const void *a, const void *b)
{
	return strcmp(((const struct vl_ns *)a)->node, ((const struct vl_ns *)b)->node);
}

static int add(struct vl_nsset *s, const char *lab, const char *node, bool in_file)
{
	struct vl_ns *ns = vl_array_push(&s->v, &s->n, sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	ns->fd = -1;
	ns->in_file = in_file;
	for (size_t i = 0; i < VL_NS_SYSDIRS; i++)
		ns->sysdir[i].fd = -1;
	snprintf(ns->name, sizeof(ns->name), "%s-%s", lab, node);
	ns->node = strdup(node);
	return ns->node ? 0 : -ENOMEM;
}

/* A run keeps, per namespace, its descriptor, its socket and a /proc/sys
 * directory or two open: raise the soft limit on descriptors as far as
 * the hard one allows, if a lab this large needs it. */
static void enough_fds(size_t n)
{
	rlim_t need = (rlim_t)n * 4 + 256;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= need)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need ? need : rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);	/* best effort: EMFILE says the rest */
}

int vl_nsset_init(struct vl_nsset *s, const struct vl_lab *desired,
		  const struct vl_state *st, struct vl_error *err)
{
	size_t plen = strlen(desired->name), k = 0;
	int r = 0;

	memset(s, 0, sizeof(*s));
	if (vl_nl_mem_init(&s->mem) < 0)
		return vl_err(err, -ENOMEM, "namespaces: out of memory");
	for (size_t i = 0; r == 0 && i < desired->n_nodes; i++)
		r = add(s, desired->name, desired->nodes[i].name, true);
	/* the journal's: nodes the file may no longer have */
	for (size_t i = 0; r == 0 && st && i < st->n_netns; i++)
		if (!strncmp(st->netns[i], desired->name, plen) && st->netns[i][plen] == '-')
			r = add(s, desired->name, st->netns[i] + plen + 1, false);
	if (r < 0) {
		vl_nsset_fini(s);
		return vl_err(err, r, "namespaces: out of memory");
	}
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_ns);
	/* a journal node the file has too is there twice: keep one */
	for (size_t i = 0; i < s->n; i++) {
		if (k && !strcmp(s->v[k - 1].node, s->v[i].node)) {
			s->v[k - 1].in_file |= s->v[i].in_file;
			free(s->v[i].node);
			continue;
		}
		s->v[k++] = s->v[i];
	}
	s->n = k;
	enough_fds(s->n);
	return 0;
}

static void close_one(struct vl_ns *ns)
{
	if (ns->nl_open)
		vl_nl_close(&ns->nl);
	ns->nl_open = false;
	if (ns->fd >= 0)
		close(ns->fd);
	ns->fd = -1;
	for (size_t i = 0; i < VL_NS_SYSDIRS; i++) {
		if (ns->sysdir[i].fd >= 0)
			close(ns->sysdir[i].fd);
		ns->sysdir[i].fd = -1;
		ns->sysdir[i].name[0] = '\0';
	}
	vl_ns_if_forget(ns);
	free(ns->nsids);
	ns->nsids = NULL;
	ns->n_nsids = 0;
}

void vl_nsset_fini(struct vl_nsset *s)
{
	for (size_t i = 0; i < s->n; i++) {
		close_one(&s->v[i]);
		free(s->v[i].node);
	}
	free(s->v);
	vl_nl_mem_fini(&s->mem);
	memset(s, 0, sizeof(*s));
}

struct vl_ns *vl_nsset_find(struct vl_nsset *s, const char *node)
{
	struct vl_ns key = { .node = (char *)node };

	return s->n ? bsearch(&key, s->v, s->n, sizeof(*s->v), cmp_ns) : NULL;
}

int vl_ns_open(struct vl_ns *ns, struct vl_error *err)
{
	return ns->fd >= 0 ? 0 : vl_netns_open(ns->name, &ns->fd, err);
}

int vl_ns_nl(struct vl_nsset *s, struct vl_ns *ns, struct vl_nl **nl,
	     struct vl_error *err)
{
	int r = vl_ns_open(ns, err);

	if (r == -ENOENT)
		return vl_err(err, r, "namespace %s is missing", ns->name);
	if (r < 0)
		return r;
	if (!ns->nl_open) {
		r = vl_nl_open(&ns->nl, ns->fd, &s->mem, err);
		if (r < 0)
			return vl_err_wrap(err, "%s", ns->name);
		ns->nl_open = true;
	}
	*nl = &ns->nl;
	return 0;
}

void vl_ns_close(struct vl_nsset *s, struct vl_ns *ns)
{
	size_t idx = (size_t)(ns - s->v);

	close_one(ns);
	/* the ids others gave it go with it */
	for (size_t i = 0; i < s->n; i++) {
		struct vl_ns *o = &s->v[i];
		size_t k = 0;

		for (size_t j = 0; j < o->n_nsids; j++)
			if (o->nsids[j].peer != idx)
				o->nsids[k++] = o->nsids[j];
		o->n_nsids = k;
	}
}

int vl_ns_if_learn(struct vl_ns *ns, const char *name, int index)
{
	struct vl_ns_if *c;

	for (size_t i = 0; i < ns->n_ifs; i++)
		if (!strcmp(ns->ifs[i].name, name)) {
			ns->ifs[i].index = index;
			return 0;
		}
	c = vl_array_push(&ns->ifs, &ns->n_ifs, sizeof(*c));
	if (!c)
		return -ENOMEM;
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->index = index;
	return 0;
}

int vl_ns_if_index(const struct vl_ns *ns, const char *name)
{
	for (size_t i = 0; i < ns->n_ifs; i++)
		if (!strcmp(ns->ifs[i].name, name))
			return ns->ifs[i].index;
	return 0;
}

void vl_ns_if_forget(struct vl_ns *ns)
{
	free(ns->ifs);
	ns->ifs = NULL;
	ns->n_ifs = 0;
}

struct nsid_answers {
	unsigned seq0;
	int *ids;	/* by request */
};

static int nsid_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nsid_answers *a = data;
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(struct rtgenmsg)) {
		if (mnl_attr_get_type(attr) == NETNSA_NSID &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			a->ids[nlh->nlmsg_seq - a->seq0] = (int)mnl_attr_get_u32(attr);
	}
	return MNL_CB_OK;
}

static int known_nsid(const struct vl_ns *ns, size_t peer, int *id)
{
	for (size_t j = 0; j < ns->n_nsids; j++)
		if (ns->nsids[j].peer == peer) {
			*id = ns->nsids[j].id;
			return 1;
		}
	return 0;
}

int vl_ns_nsids(struct vl_nsset *s, struct vl_ns *ns, struct vl_ns *const *peers,
		size_t n, int *ids, struct vl_error *err)
{
	struct nsid_answers ans;
	size_t asked = 0, *which;
	struct vl_nl *nl;
	int r, *errors;
	char (*msgs)[VL_NL_MSGLEN];

	which = calloc(n + 1, sizeof(*which));
	errors = calloc(n + 1, sizeof(*errors));
	msgs = calloc(n + 1, sizeof(*msgs));
	ans.ids = calloc(n + 1, sizeof(*ans.ids));
	if (!which || !errors || !msgs || !ans.ids) {
		r = vl_err(err, -ENOMEM, "namespace ids: out of memory");
		goto out;
	}
	r = vl_ns_nl(s, ns, &nl, err);
	if (r < 0)
		goto out;
	ans.seq0 = vl_nl_batch_start(nl);
	for (size_t i = 0; i < n; i++) {
		struct nlmsghdr *nlh;

		ids[i] = -1;
		if (known_nsid(ns, (size_t)(peers[i] - s->v), &ids[i]))
			continue;
		nlh = vl_nl_req(nl, RTM_GETNSID, 0, sizeof(struct rtgenmsg));
		if (!nlh || !vl_nl_put_u32(nl, nlh, NETNSA_FD, (uint32_t)peers[i]->fd)) {
			vl_nl_batch_cancel(nl);
			r = vl_err(err, -ENOMEM, "namespace id of %s", peers[i]->name);
			goto out;
		}
		((struct rtgenmsg *)mnl_nlmsg_get_payload(nlh))->rtgen_family = AF_UNSPEC;
		ans.ids[asked] = -1;
		which[asked++] = i;
	}
	r = vl_nl_batch_send(nl, nsid_cb, &ans, errors, msgs, err);
	for (size_t k = 0; r == 0 && k < asked; k++) {
		size_t i = which[k];

		if (errors[k]) {
			char what[128];

			snprintf(what, sizeof(what), "namespace id of %s", peers[i]->name);
			r = vl_nl_error(err, errors[k] > 0 ? -EIO : errors[k], msgs[k], what);
			break;
		}
		ids[i] = ans.ids[k];
		/* remembered: an id lasts as long as both namespaces */
		if (!known_nsid(ns, (size_t)(peers[i] - s->v), &ids[i])) {
			size_t m = ns->n_nsids;

			if (!vl_array_push(&ns->nsids, &ns->n_nsids, sizeof(*ns->nsids)))
				continue;	/* asked again next time */
			ns->nsids[m].peer = (size_t)(peers[i] - s->v);
			ns->nsids[m].id = ids[i];
		}
	}
out:
	free(which);
	free(errors);
	free(msgs);
	free(ans.ids);
	return r;
}

/* KEY's directory under /proc/sys/net ("ipv4"), opened once while
 * inside NS, and the rest of its path. */
static int sysdir(struct vl_ns *ns, const char *key, char *path, size_t len,
		  int *dirfd, const char **rel)
{
	static const char prefix[] = "/proc/sys/net/";
	char *slash, dir[64];
	int r = vl_sysctl_path(key, path, len);
	size_t fam;

	if (r < 0)
		return r;
	*dirfd = AT_FDCWD;
	*rel = path;
	if (strncmp(path, prefix, sizeof(prefix) - 1) ||
	    !(slash = strchr(path + sizeof(prefix) - 1, '/')))
		return 0;
	fam = (size_t)(slash - (path + sizeof(prefix) - 1));
	if (fam >= sizeof(ns->sysdir[0].name))
		return 0;
	for (size_t i = 0; i < VL_NS_SYSDIRS; i++) {
		if (ns->sysdir[i].fd < 0) {
			snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
			ns->sysdir[i].fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (ns->sysdir[i].fd < 0)
				return 0;	/* the full path will say why */
			snprintf(ns->sysdir[i].name, sizeof(ns->sysdir[i].name), "%.*s",
				 (int)fam, path + sizeof(prefix) - 1);
		}
		if (strlen(ns->sysdir[i].name) == fam &&
		    !strncmp(ns->sysdir[i].name, path + sizeof(prefix) - 1, fam)) {
			*dirfd = ns->sysdir[i].fd;
			*rel = slash + 1;
			return 0;
		}
	}
	return 0;
}

int vl_ns_sysctl_read(struct vl_ns *ns, const char *key, char *buf, size_t len)
{
	char path[512];
	const char *rel;
	int dirfd, r = sysdir(ns, key, path, sizeof(path), &dirfd, &rel);

	return r < 0 ? r : vl_sysctl_read_at(dirfd, rel, buf, len);
}

int vl_ns_sysctl_write(struct vl_ns *ns, const char *key, const char *value)
{
	char path[512];
	const char *rel;
	int dirfd, r = sysdir(ns, key, path, sizeof(path), &dirfd, &rel);

	return r < 0 ? r : vl_sysctl_write_at(dirfd, rel, value);
}
