/* Privileges in phases, as bubblewrap does them: refuse set-user-ID,
 * check what the command needs, keep only that (the programs vethlab
 * runs drop even that before exec: core/spawn.c). */
#include <cap-ng.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>
#include <linux/capability.h>

#include "core/caps.h"

/* Every capability number the kernel could have: 64 bits in two words. */
#define CAPS_MAX 64

const char *vl_caps_name(int cap, char *buf, size_t len)
{
	const char *name = cap >= 0 ? capng_capability_to_name((unsigned)cap) : NULL;

	if (name)
		snprintf(buf, len, "cap_%s", name);
	else
		snprintf(buf, len, "cap_%d", cap);
	return buf;
}

static void append(char *buf, size_t len, const char *fmt, ...) VL_PRINTF(3, 4);

static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* "a", "a and b", "a, b and c" */
static void list(char *buf, size_t len, const int *caps, size_t n)
{
	char name[32];

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++)
		append(buf, len, "%s%s", i == 0 ? "" : i + 1 == n ? " and " : ", ",
		       vl_caps_name(caps[i], name, sizeof(name)));
}

int vl_caps_require(const char *cmd, const int *caps, size_t n,
		    const int *setcap, size_t n_setcap, struct vl_error *err)
{
	char need[512], lacks[512], line[512] = "", name[32];
	int missing[CAPS_MAX];
	size_t n_missing = 0;

	if (capng_get_caps_process() < 0)
		return vl_err_sys(err, errno ? errno : EPERM, "read this process's capabilities");
	for (size_t i = 0; i < n; i++)
		if (capng_have_capability(CAPNG_EFFECTIVE, (unsigned)caps[i]) != 1 &&
		    n_missing < CAPS_MAX)
			missing[n_missing++] = caps[i];
	if (!n_missing)
		return 0;
	list(need, sizeof(need), caps, n);
	list(lacks, sizeof(lacks), missing, n_missing);
	for (size_t i = 0; i < n_setcap; i++)
		append(line, sizeof(line), "%s%s", i ? "," : "",
		       vl_caps_name(setcap[i], name, sizeof(name)));
	return vl_err(err, -EPERM,
		      "%s needs %s, and this process lacks %s: run as root, grant file "
		      "capabilities (setcap %s+ep vethlab), or run rootless "
		      "(vethlab --rootless %s)", cmd, need, lacks, line, cmd);
}

/* Checked, not trusted: a capability that survived the drop is a bug of
 * ours or of the library, and vethlab must not go on with it. */
static int check_kept(const bool *keep, bool bounds_empty, struct vl_error *err)
{
	char name[32];

	if (capng_get_caps_process() < 0)
		return vl_err_sys(err, errno ? errno : EPERM, "read this process's capabilities");
	for (int cap = 0; cap < CAPS_MAX; cap++) {
		bool e = capng_have_capability(CAPNG_EFFECTIVE, (unsigned)cap) == 1;
		bool p = capng_have_capability(CAPNG_PERMITTED, (unsigned)cap) == 1;
		bool i = capng_have_capability(CAPNG_INHERITABLE, (unsigned)cap) == 1;
		bool b = capng_have_capability(CAPNG_BOUNDING_SET, (unsigned)cap) == 1;
		bool a = prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, cap, 0, 0) == 1;

		if (e != keep[cap] || p != keep[cap] || i || a || (bounds_empty && b))
			return vl_err(err, -EPERM, "%s is still %s after dropping capabilities",
				      vl_caps_name(cap, name, sizeof(name)),
				      i ? "inheritable" : a ? "ambient" :
				      (e || p) ? "held" : b ? "in the bounding set" : "missing");
	}
	return 0;
}

int vl_caps_keep(const int *caps, size_t n, struct vl_error *err)
{
	bool keep[CAPS_MAX] = { false }, bounds_empty = false;
	char name[32];

	if (capng_get_caps_process() < 0)
		return vl_err_sys(err, errno ? errno : EPERM, "read this process's capabilities");
	for (size_t i = 0; i < n; i++) {
		if (caps[i] < 0 || caps[i] >= CAPS_MAX)
			return vl_err(err, -EINVAL, "no capability %d", caps[i]);
		keep[caps[i]] = capng_have_capability(CAPNG_PERMITTED, (unsigned)caps[i]) == 1;
	}
	/* The bounding set first, while CAP_SETPCAP is still ours; all of
	 * it: it only limits what an execve may grant, and vethlab never
	 * executes a program with its privileges. The programs it runs
	 * (core/spawn.c) then have nothing left to drop. */
	if (capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP) == 1) {
		capng_clear(CAPNG_SELECT_BOUNDS);
		if (capng_apply(CAPNG_SELECT_BOUNDS) < 0)
			return vl_err_sys(err, errno ? errno : EPERM,
					  "empty the capability bounding set");
		bounds_empty = true;
	}
	/* Without CAP_SETPCAP the kernel refuses PR_CAPBSET_DROP (EPERM):
	 * the bounding set stays as it is. It matters only at execve, and
	 * vethlab executes programs only through core/spawn.c, whose child
	 * empties its bounding set or does not exec; so exec and test need
	 * CAP_SETPCAP, and the other commands can do without. */
	capng_clear(CAPNG_SELECT_CAPS);
	for (int cap = 0; cap < CAPS_MAX; cap++)
		if (keep[cap] &&
		    capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, (unsigned)cap) < 0)
			return vl_err(err, -EINVAL, "keep %s", vl_caps_name(cap, name, sizeof(name)));
	/* capset: lowering effective, permitted and inheritable needs no
	 * privilege, so a failure here is real */
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		return vl_err_sys(err, errno ? errno : EPERM, "drop capabilities");
	/* The kernel already dropped every ambient capability that is not
	 * both permitted and inheritable (none now); clearing says so.
	 * EINVAL: a kernel before 4.3, which has no ambient set. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return vl_err_sys(err, errno, "clear the ambient capabilities");
	return check_kept(keep, bounds_empty, err);
}

bool vl_caps_setuid(struct vl_error *err)
{
	uid_t uid = getuid(), euid = geteuid();
	gid_t gid = getgid(), egid = getegid();
	bool stuck;

	/* The IDs, not AT_SECURE: the kernel sets AT_SECURE for set-ID
	 * programs but also for a file with capabilities run by a user other
	 * than root, which is a way vethlab recommends. */
	if (uid == euid && gid == egid)
		return false;
	/* Give the raised IDs back first (the group while the user may still
	 * change it), so that nothing more runs with them; leaving root this
	 * way also clears every capability. Going back to the real IDs is
	 * always allowed, so a failure is odd: the refusal stands anyway. */
	stuck = setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0;
	vl_err(err, -EPERM,
	       "refusing to run set-user-ID or set-group-ID (uid %u, effective uid %u, "
	       "gid %u, effective gid %u): a set-user-ID lab tool would let any user "
	       "reconfigure this machine's namespaces and mounts; grant capabilities to "
	       "a copy that only a trusted group may run (setcap) instead, or run it rootless "
	       "(vethlab --rootless COMMAND)%s",
	       (unsigned)uid, (unsigned)euid, (unsigned)gid, (unsigned)egid,
	       stuck ? " (giving up the raised IDs failed too)" : "");
	return true;
}

/* Make CAP_DAC_OVERRIDE effective (RAISE) or not, if it is permitted and
 * the real user is not root. The library's state is read afresh each
 * time: capng_apply sets every set from it, and it must be the process's
 * as it is now. */
static void dac_effective(bool raise)
{
	int saved = errno;

	if (getuid() == 0)
		goto out;
	/* capget on our own process and capset within the permitted set
	 * need no privilege, so neither should fail. Should one fail anyway:
	 * a failed raise only makes the operation it was for fail (EACCES,
	 * reported there); a failed lowering would leave every file open to
	 * the user, so vethlab stops rather than go on with it. */
	if (capng_get_caps_process() < 0)
		goto failed;
	if (capng_have_capability(CAPNG_PERMITTED, CAP_DAC_OVERRIDE) != 1)
		goto out;
	if (capng_have_capability(CAPNG_EFFECTIVE, CAP_DAC_OVERRIDE) == (raise ? 1 : 0))
		goto out;
	if (capng_update(raise ? CAPNG_ADD : CAPNG_DROP, CAPNG_EFFECTIVE, CAP_DAC_OVERRIDE) < 0 ||
	    capng_apply(CAPNG_SELECT_CAPS) < 0)
		goto failed;
	goto out;
failed:
	if (!raise) {
		fputs("vethlab: cannot make cap_dac_override ineffective\n", stderr);
		abort();
	}
out:
	errno = saved;
}

void vl_caps_dac_raise(void)
{
	dac_effective(true);
}

void vl_caps_dac_lower(void)
{
	dac_effective(false);
}
