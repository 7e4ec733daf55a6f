/* libFuzzer harness for the pure planner. The input is a topology, then
 * (after a NUL byte) control bytes that perturb an "observed" copy of it:
 * nodes missing, interfaces gone or foreign, MTUs, states, addresses,
 * routes and sysctls changed. Besides not crashing, the plan must hold two
 * properties: actions come in phase order, and a lab observed exactly as
 * the file says plans nothing. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "core/plan.h"
#include "core/topo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct ctl {
	const uint8_t *p;
	size_t n, i;
	bool perturbed;
};

/* True with probability 1/ONE_IN, driven by the control bytes. */
static bool roll(struct ctl *c, unsigned one_in)
{
	bool hit;

	if (c->i >= c->n)
		return false;
	hit = c->p[c->i++] % one_in == 0;
	c->perturbed |= hit;
	return hit;
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		abort();
	return d;
}

static void *xpush(void *v, size_t *n, size_t sz)
{
	void *slot = vl_array_push(v, n, sz);

	if (!slot)
		abort();
	return slot;
}

/* What observe would read back after a perfect `up` of D, perturbed. */
static struct vl_lab *observed_from(const struct vl_lab *d, struct ctl *c)
{
	struct vl_lab *o = vl_lab_new(d->file);

	if (!o)
		abort();
	o->name = xstrdup(d->name);
	for (size_t i = 0; i < d->n_nodes; i++) {
		const struct vl_node *dn = &d->nodes[i];
		struct vl_node *on = xpush(&o->nodes, &o->n_nodes, sizeof(*on));

		on->name = xstrdup(dn->name);
		on->present = !roll(c, 13);
		on->stale = !on->present && roll(c, 2);
		if (!on->present)
			continue;
		for (size_t j = 0; j < dn->n_ifaces; j++) {
			const struct vl_iface *w = &dn->ifaces[j];
			struct vl_iface *h;
			size_t k;

			if (j && roll(c, 17))
				continue;	/* gone */
			k = vl_node_iface_index(on, w->name);
			if (k == VL_NONE)
				k = vl_node_add_iface(on, w->name, w->loc);
			if (k == VL_NONE)
				abort();
			h = &on->ifaces[k];
			h->ifindex = (int)(j + 1);
			h->up = roll(c, 19) ? !w->up : w->up;
			h->mtu = w->mtu ? w->mtu : vl_default_mtu(w->name);
			if (roll(c, 19))
				h->mtu += 8;
			h->has_mac = true;
			memcpy(h->mac, w->has_mac ? w->mac : (const unsigned char *)"\2\0\0\0\0\1", 6);
			h->owned = j > 0 && !roll(c, 23);
			h->peer_nsid = -1;
			if (j)
				snprintf(h->kind, sizeof(h->kind), "veth");
			for (size_t a = 0; a < w->n_addrs; a++) {
				struct vl_addr *ad;

				if (roll(c, 17))
					continue;
				ad = xpush(&h->addrs, &h->n_addrs, sizeof(*ad));
				*ad = w->addrs[a];
			}
			if (roll(c, 29)) {
				struct vl_addr *ad = xpush(&h->addrs, &h->n_addrs, sizeof(*ad));

				vl_prefix_parse("198.51.100.77/32", true, &ad->p, &(const char *){ 0 });
			}
		}
		for (size_t r = 0; r < dn->n_routes; r++) {
			struct vl_route *rt;

			if (roll(c, 11))
				continue;
			rt = xpush(&on->routes, &on->n_routes, sizeof(*rt));
			*rt = dn->routes[r];
			rt->dev = dn->routes[r].dev ? xstrdup(dn->routes[r].dev) : NULL;
			if (!rt->has_metric) {
				rt->has_metric = true;
				rt->metric = rt->dst.family == AF_INET6 ? 1024 : 0;
			}
			if (roll(c, 13))
				rt->metric++;
		}
		for (size_t s = 0; s < dn->n_sysctls; s++) {
			struct vl_sysctl *sc;

			if (roll(c, 11))
				continue;
			sc = xpush(&on->sysctls, &on->n_sysctls, sizeof(*sc));
			sc->key = xstrdup(dn->sysctls[s].key);
			sc->value = xstrdup(roll(c, 11) ? "7" : dn->sysctls[s].value);
		}
	}
	/* pair the veth ends as the kernel would report them */
	for (size_t l = 0; l < d->n_links; l++) {
		const struct vl_link *k = &d->links[l];
		struct vl_iface *e[2] = { 0 };

		if (k->n_ends != 2)
			continue;
		for (int x = 0; x < 2; x++) {
			struct vl_node *on = &o->nodes[k->ends[x].node_idx];
			size_t ii = on->present ? vl_node_iface_index(on, k->ends[x].iface) : VL_NONE;

			e[x] = ii == VL_NONE ? NULL : &on->ifaces[ii];
		}
		for (int x = 0; x < 2; x++) {
			if (!e[x] || !e[!x])
				continue;
			e[x]->peer_ifindex = roll(c, 31) ? 99 : e[!x]->ifindex;
			e[x]->peer_nsid = k->ends[0].node_idx == k->ends[1].node_idx ? -1 : 0;
		}
	}
	if (roll(c, 7)) {
		struct vl_node *extra = xpush(&o->nodes, &o->n_nodes, sizeof(*extra));

		extra->name = xstrdup("zz-not-in-file");
		extra->present = true;
	}
	/* routes whose device was dropped would not be reported */
	for (size_t i = 0; i < o->n_nodes; i++) {
		struct vl_node *on = &o->nodes[i];

		for (size_t r = 0; r < on->n_routes; r++) {
			size_t ii = on->routes[r].dev ? vl_node_iface_index(on, on->routes[r].dev) : VL_NONE;

			on->routes[r].oif = ii == VL_NONE ? 0 : on->ifaces[ii].ifindex;
		}
	}
	return o;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t tlen = nul ? (size_t)(nul - data) : size;
	struct ctl c = { nul ? nul + 1 : NULL, nul ? size - tlen - 1 : 0, 0, false };
	struct vl_error err = { 0 };
	struct vl_lab *lab = NULL, *obs;
	struct vl_plan plan;
	struct vl_diags d;
	char line[512];

	if (vl_diags_init(&d, "fuzz") < 0)
		return 0;
	if (vl_topo_parse("fuzz", (const char *)data, tlen, &lab, &d) < 0 ||
	    (vl_topo_validate(lab, &d), d.n_errors)) {
		vl_lab_free(lab);
		vl_diags_fini(&d);
		return 0;
	}
	vl_diags_fini(&d);
	obs = observed_from(lab, &c);
	if (vl_plan_make(lab, obs, &plan, &err) == 0) {
		for (size_t i = 0; i < plan.n; i++) {
			if (i && vl_action_phase(&plan.v[i]) < vl_action_phase(&plan.v[i - 1]))
				abort();	/* out of phase order */
			vl_action_str(&plan.v[i], lab->name, line, sizeof(line));
		}
		/* observed exactly as declared: nothing to do */
		if (!c.perturbed && plan.n) {
			fprintf(stderr, "converged lab planned: %s\n",
				(vl_action_str(&plan.v[0], lab->name, line, sizeof(line)), line));
			abort();
		}
		vl_plan_fini(&plan);
	} else if (!c.perturbed) {
		fprintf(stderr, "plan failed on a converged lab: %s\n", err.msg);
		abort();
	}
	vl_lab_free(obs);
	vl_lab_free(lab);
	return 0;
}
