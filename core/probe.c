/* Route lookups and the neighbour table over rtnetlink. */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "core/model.h"
#include "core/nl.h"
#include "core/probe.h"

struct route_ctx {
	struct vl_route_answer *ans;
	struct vl_nl *nl;
	int oif;
	int family;
};

static const char *rtn_name(unsigned type)
{
	static const char *const names[] = {
		[RTN_UNSPEC] = "none", [RTN_UNICAST] = "unicast", [RTN_LOCAL] = "local",
		[RTN_BROADCAST] = "broadcast", [RTN_ANYCAST] = "anycast",
		[RTN_MULTICAST] = "multicast", [RTN_BLACKHOLE] = "blackhole",
		[RTN_UNREACHABLE] = "unreachable", [RTN_PROHIBIT] = "prohibit",
		[RTN_THROW] = "throw", [RTN_NAT] = "nat",
	};

	return type < sizeof(names) / sizeof(names[0]) && names[type] ? names[type] : "other";
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct route_ctx *c = data;
	const struct nlattr *a;
	unsigned bytes = vl_addr_bytes(rtm->rtm_family);

	snprintf(c->ans->type, sizeof(c->ans->type), "%s", rtn_name(rtm->rtm_type));
	mnl_attr_for_each(a, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(a)) {
		case RTA_OIF:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				c->oif = (int)mnl_attr_get_u32(a);
			break;
		case RTA_GATEWAY:
			if (mnl_attr_get_payload_len(a) == bytes) {
				c->ans->has_via = true;
				c->ans->via.family = rtm->rtm_family;
				c->ans->via.len = (unsigned char)(bytes * 8);
				memcpy(c->ans->via.addr, mnl_attr_get_payload(a), bytes);
			}
			break;
		}
	}
	return MNL_CB_OK;
}

static int name_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg))
		if (mnl_attr_get_type(a) == IFLA_IFNAME &&
		    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
			snprintf(data, IFNAMSIZ, "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

static int ifname_of(struct vl_nl *nl, int index, char *name, struct vl_error *err)
{
	struct nlmsghdr *nlh = vl_nl_req(nl, RTM_GETLINK, 0, sizeof(struct ifinfomsg));

	((struct ifinfomsg *)mnl_nlmsg_get_payload(nlh))->ifi_index = index;
	name[0] = '\0';
	return vl_nl_query(nl, nlh, name_cb, name, err, "look up interface %d", index);
}

int vl_route_get(struct vl_nl *nl, const struct vl_prefix *to,
		 const struct vl_prefix *from, const char *iif, const char *oif,
		 struct vl_route_answer *ans, struct vl_error *err)
{
	unsigned bytes = vl_addr_bytes(to->family);
	struct route_ctx c = { ans, nl, 0, to->family };
	struct vl_error kerr = { 0 };
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int r, iif_index = 0, oif_index = 0;
	bool ok;

	memset(ans, 0, sizeof(*ans));
	/* devices are named: their indexes first, as the request shares the
	 * socket's buffer */
	if (iif && (r = vl_nl_ifindex(nl, iif, &iif_index, err)) < 0)
		return r;
	if (oif && (r = vl_nl_ifindex(nl, oif, &oif_index, err)) < 0)
		return r;
	nlh = vl_nl_req(nl, RTM_GETROUTE, 0, sizeof(*rtm));
	rtm = mnl_nlmsg_get_payload(nlh);
	rtm->rtm_family = (unsigned char)to->family;
	rtm->rtm_dst_len = (unsigned char)(bytes * 8);
	ok = vl_nl_put(nl, nlh, RTA_DST, bytes, to->addr);
	if (from) {
		rtm->rtm_src_len = (unsigned char)(bytes * 8);
		ok = ok && vl_nl_put(nl, nlh, RTA_SRC, bytes, from->addr);
	}
	if (iif_index)
		ok = ok && vl_nl_put_u32(nl, nlh, RTA_IIF, (uint32_t)iif_index);
	if (oif_index)
		ok = ok && vl_nl_put_u32(nl, nlh, RTA_OIF, (uint32_t)oif_index);
	if (!ok)
		return vl_err(err, -EMSGSIZE, "route lookup request too large");
	/* no route is an answer, not a failure of the lookup itself */
	r = vl_nl_query(nl, nlh, route_cb, &c, &kerr, "route lookup");
	if (r < 0) {
		ans->error = r;
		snprintf(ans->type, sizeof(ans->type), "error");
		return 0;
	}
	if (c.oif && (r = ifname_of(nl, c.oif, ans->dev, err)) < 0)
		return r;
	return 0;
}

struct neigh_ctx {
	int index;
	const struct vl_prefix *addr;
	int state;		/* -1: no entry */
};

static int neigh_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ndmsg *nd = mnl_nlmsg_get_payload(nlh);
	struct neigh_ctx *c = data;
	const struct nlattr *a;

	if (nd->ndm_ifindex != c->index || nd->ndm_family != c->addr->family)
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*nd))
		if (mnl_attr_get_type(a) == NDA_DST &&
		    mnl_attr_get_payload_len(a) == vl_addr_bytes(nd->ndm_family) &&
		    !memcmp(mnl_attr_get_payload(a), c->addr->addr, vl_addr_bytes(nd->ndm_family)))
			c->state = nd->ndm_state;
	return MNL_CB_OK;
}

static const char *nud_name(int state)
{
	if (state < 0)
		return "none";
	if (state & NUD_PERMANENT)
		return "permanent";
	if (state & NUD_NOARP)
		return "noarp";
	if (state & NUD_FAILED)
		return "failed";
	if (state & NUD_INCOMPLETE)
		return "incomplete";
	if (state & NUD_REACHABLE)
		return "reachable";
	if (state & NUD_STALE)
		return "stale";
	if (state & NUD_DELAY)
		return "delay";
	if (state & NUD_PROBE)
		return "probe";
	return "none";
}

int vl_neigh_state(struct vl_nl *nl, const char *dev, const struct vl_prefix *addr,
		   char *state, size_t len, struct vl_error *err)
{
	struct neigh_ctx c = { 0, addr, -1 };
	struct nlmsghdr *nlh;
	int r = vl_nl_ifindex(nl, dev, &c.index, err);

	if (r < 0)
		return r;
	nlh = vl_nl_req(nl, RTM_GETNEIGH, 0, sizeof(struct ndmsg));
	((struct ndmsg *)mnl_nlmsg_get_payload(nlh))->ndm_family = (unsigned char)addr->family;
	r = vl_nl_dump(nl, nlh, neigh_cb, NULL, &c, err, "dump neighbours");
	if (r < 0)
		return r;
	snprintf(state, len, "%s", nud_name(c.state));
	return 0;
}

struct learned {
	struct ndmsg *v;	/* family, ifindex and the address after it */
	unsigned char (*dst)[16];
	size_t n, cap;
};

static int learned_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ndmsg *nd = mnl_nlmsg_get_payload(nlh);
	struct learned *l = data;
	const struct nlattr *a;

	if (nd->ndm_state & (NUD_PERMANENT | NUD_NOARP))
		return MNL_CB_OK;
	mnl_attr_for_each(a, nlh, sizeof(*nd)) {
		if (mnl_attr_get_type(a) != NDA_DST ||
		    mnl_attr_get_payload_len(a) != vl_addr_bytes(nd->ndm_family))
			continue;
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 16;
			struct ndmsg *v = realloc(l->v, cap * sizeof(*v));
			unsigned char (*d)[16];

			if (!v)
				return MNL_CB_ERROR;
			l->v = v;
			d = realloc(l->dst, cap * sizeof(*d));
			if (!d)
				return MNL_CB_ERROR;
			l->dst = d;
			l->cap = cap;
		}
		l->v[l->n] = *nd;
		memcpy(l->dst[l->n], mnl_attr_get_payload(a), vl_addr_bytes(nd->ndm_family));
		l->n++;
	}
	return MNL_CB_OK;
}

static void reset_learned(void *data)
{
	((struct learned *)data)->n = 0;
}

int vl_neigh_flush(struct vl_nl *nl, struct vl_error *err)
{
	struct learned l = { 0 };
	struct nlmsghdr *nlh;
	int r;

	nlh = vl_nl_req(nl, RTM_GETNEIGH, 0, sizeof(struct ndmsg));
	r = vl_nl_dump(nl, nlh, learned_cb, reset_learned, &l, err, "dump neighbours");
	for (size_t i = 0; r == 0 && i < l.n; i++) {
		struct ndmsg *nd;

		nlh = vl_nl_req(nl, RTM_DELNEIGH, 0, sizeof(*nd));
		nd = mnl_nlmsg_get_payload(nlh);
		nd->ndm_family = l.v[i].ndm_family;
		nd->ndm_ifindex = l.v[i].ndm_ifindex;
		if (!vl_nl_put(nl, nlh, NDA_DST, vl_addr_bytes(nd->ndm_family), l.dst[i])) {
			r = vl_err(err, -EMSGSIZE, "neighbour request too large");
			break;
		}
		r = vl_nl_talk(nl, nlh, err, "forget a neighbour");
		/* gone meanwhile (it expired): fine */
		if (r == -ENOENT)
			r = 0;
	}
	free(l.v);
	free(l.dst);
	return r;
}
