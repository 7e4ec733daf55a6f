# Shared by the vethlab CLI tests: bats-support and bats-assert, the
# binary under test, and a scratch directory per test.
#
# tests/run sets VETHLAB (build/vethlab, or build-asan/vethlab for the
# sanitizer build) and VL_ROOT; the defaults let `bats tests/bats` run
# from a checkout after `make`. None of these tests needs privilege or
# touches the kernel's network state.

bats_require_minimum_version 1.5.0	# run -N, run --separate-stderr

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

: "${VL_ROOT:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
: "${VETHLAB:=$VL_ROOT/build/vethlab}"
export VL_ROOT VETHLAB	# for the tests that need a shell (bash -c)

# Each test runs in its own empty directory, so that messages name short
# relative paths; "topologies" points at the repository's, so the article
# is "topologies/article.yaml" as in the documentation.
setup() {
	[ -x "$VETHLAB" ] || fail "VETHLAB=$VETHLAB is not an executable: run make first"
	cd "$BATS_TEST_TMPDIR" || fail "cannot enter $BATS_TEST_TMPDIR"
	ln -s "$VL_ROOT/topologies" topologies
}

vethlab() {
	"$VETHLAB" "$@"
}

# bats-assert only reads $output and $lines. After `run --separate-stderr`
# and the checks on standard output, this points them at standard error.
# shellcheck disable=SC2034,SC2154 # bats's variables
use_stderr() {
	output=$stderr
	lines=("${stderr_lines[@]}")
}

# Graphviz is a test dependency (make deps): missing, it is a failure.
require_dot() {
	command -v dot >/dev/null || fail "graphviz's dot is not installed (make deps)"
}

# --- Kernel tests (reconcile*.bats) ---------------------------------------
# These run as root against the real kernel. Every lab a test makes is
# named after the test: LAB=t<bats pid>-<file tag><test number>, so its
# namespaces are "$LAB-<node>" and parallel runs never collide; a test that
# needs more labs names them "$LAB-<suffix>". Nothing is ever configured in
# the host's namespace.

# kernel_setup TAG: like setup() above, and sets LAB for this test.
kernel_setup() {
	[ "$(id -u)" = 0 ] || skip "needs root: brings labs up in network namespaces"
	[ -x "$VETHLAB" ] || fail "VETHLAB=$VETHLAB is not an executable: run make first"
	cd "$BATS_TEST_TMPDIR" || fail "cannot enter $BATS_TEST_TMPDIR"
	ln -s "$VL_ROOT/topologies" topologies
	LAB="t${BATS_ROOT_PID}-$1${BATS_TEST_NUMBER}"
	BG_PIDS=()
}

# Stop the background processes this test started and has not waited for
# (by PID, SIGTERM: an interrupted `up` rolls back), bring down every lab
# of the test, then remove whatever is left with the test's prefix.
kernel_teardown() {
	local pid job lab ns
	local -a jobs_left
	mapfile -t jobs_left < <(jobs -rp)
	for pid in "${BG_PIDS[@]}"; do
		for job in "${jobs_left[@]}"; do
			if [ "$pid" = "$job" ]; then
				kill "$pid" 2>/dev/null
				wait "$pid" 2>/dev/null
			fi
		done
	done
	[ -n "${LAB:-}" ] || return 0
	for lab in $(test_labs "$LAB"); do
		"$VETHLAB" down --lab "$lab" >/dev/null 2>&1
	done
	for ns in $(netns_with_prefix "$LAB-"); do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "/run/vethlab/$LAB" "/run/vethlab/$LAB.lock" "/run/vethlab/$LAB"-*
	return 0
}

# test_labs NAME: NAME and the labs "NAME-*" that have state.
test_labs() {
	local f
	echo "$1"
	for f in /run/vethlab/"$1"-*; do
		[ -e "$f" ] || continue
		f=${f##*/}
		[ "${f%.lock}" = "$f" ] && echo "$f"
	done
}

# netns_with_prefix PREFIX: the namespaces in /run/netns starting with it.
# The directory is read, not `ip netns list`: that opens every entry to
# ask for its id, and says "Peer netns reference is invalid" on stderr for
# an entry another process has just unmounted and not yet removed (a lab
# going down in a parallel run).
netns_with_prefix() {
	local f
	for f in /run/netns/"$1"*; do
		{ [ -e "$f" ] || [ -L "$f" ]; } && echo "${f#/run/netns/}"
	done
	return 0
}

# assert_lab_gone NAME: no namespace of lab NAME, no state, no lock file.
assert_lab_gone() {
	local left
	left=$(netns_with_prefix "$1-")
	[ -z "$left" ] || fail "namespaces of lab $1 remain: $left"
	[ ! -e "/run/vethlab/$1" ] || fail "/run/vethlab/$1 remains: $(ls -l "/run/vethlab/$1")"
	[ ! -e "/run/vethlab/$1.lock" ] || fail "/run/vethlab/$1.lock remains"
}

# article_file NAME: the article's topology, renamed to lab NAME.
article_file() {
	sed "s/^name: article\$/name: $1/" "$VL_ROOT/topologies/article.yaml"
}

# json_eval EXPR: evaluates the Python expression EXPR with d = the JSON
# document on standard input; prints a string as is, anything else as JSON.
# (python3 is a test dependency, jq is not.)
json_eval() {
	python3 -c '
import json, sys
d = json.load(sys.stdin)
r = eval(sys.argv[1])
print(r if isinstance(r, str) else json.dumps(r, sort_keys=True))' "$1"
}

# ns_sysctl NS KEY: the value of /proc/sys/KEY (a path) inside NS.
ns_sysctl() {
	ip netns exec "$1" cat "/proc/sys/$2"
}

# wait_for SECONDS CMD...: run CMD every 20 ms until it succeeds; fails
# when it never did.
wait_for() {
	local limit=$(($1 * 50)) i
	shift
	for ((i = 0; i < limit; i++)); do
		"$@" && return 0
		sleep 0.02
	done
	return 1
}

no_tentative() {
	[ -z "$(ip -n "$1" -6 addr show tentative)" ]
}

# wait_dad NS...: until no IPv6 address is tentative in these namespaces
# (the kernel's link-local addresses finish DAD about a second after a
# link comes up and that makes address and route events).
wait_dad() {
	local ns
	for ns in "$@"; do
		wait_for 10 no_tentative "$ns" || fail "IPv6 DAD did not finish in $ns"
	done
}

# ns_snapshot NS: links, addresses, routes (both families) and every
# conf sysctl of NS, with address lifetimes left out, for before/after
# comparisons.
ns_snapshot() {
	ip -n "$1" -j -d link
	echo
	ip -n "$1" -j addr | sed -E 's/"(valid|preferred)_life_time":[0-9]+,?//g'
	echo
	ip -n "$1" -j route
	echo
	ip -n "$1" -j -6 route
	echo
	ip netns exec "$1" sh -c 'grep -r . /proc/sys/net/ipv4/conf /proc/sys/net/ipv6/conf /proc/sys/net/ipv4/ip_forward 2>/dev/null' | sort
}

# host_snapshot: the same for the host's namespace, read without
# entering anything: links, addresses, routes and a few global sysctls.
host_snapshot() {
	ip -j link
	echo
	ip -j addr | sed -E 's/"(valid|preferred)_life_time":[0-9]+,?//g'
	echo
	ip -j route | sed -E 's/"expires":[0-9]+,?//g'
	echo
	ip -j -6 route | sed -E 's/"expires":[0-9]+,?//g'
	echo
	local k
	for k in ip_forward conf/all/rp_filter conf/all/accept_local conf/default/rp_filter \
		conf/default/accept_local; do
		echo "$k=$(cat "/proc/sys/net/ipv4/$k")"
	done
}

# monitor_start NS FILE: `ip monitor` of NS, one line per event, into
# FILE in the background (PID in BG_PIDS). Returns once it is listening and
# has seen the start mark (203.0.113.1/32 added to and deleted from lo).
# Every kind of object vethlab configures is watched: links, addresses,
# routes, rules and settings (netconf); not the neighbour table, which the
# kernel changes on its own timers (an entry going stale) whatever runs.
monitor_start() {
	ip -n "$1" -o monitor label link address route rule netconf nsid >"$2" 2>&1 3>&- &
	BG_PIDS+=("$!")
	local i
	for ((i = 0; i < 100; i++)); do
		ip -n "$1" addr add 203.0.113.1/32 dev lo
		ip -n "$1" addr del 203.0.113.1/32 dev lo
		wait_for 1 grep -q 'Deleted local 203\.0\.113\.1 ' "$2" && return 0
	done
	fail "ip monitor of $1 never saw the start mark"
}

# monitor_end NS FILE: the end mark (203.0.113.2/32 added and deleted),
# once it shows in FILE every earlier event of NS is there too.
monitor_end() {
	ip -n "$1" addr add 203.0.113.2/32 dev lo
	ip -n "$1" addr del 203.0.113.2/32 dev lo
	wait_for 5 grep -q 'Deleted local 203\.0\.113\.2 ' "$2" ||
		fail "ip monitor of $1 never saw the end mark"
}

# monitor_window FILE: the events between the last start mark and the end
# mark: what happened in the namespace in between.
monitor_window() {
	awk '/Deleted local 203\.0\.113\.1 /{n = 0; next}
	     /203\.0\.113\.2\//{exit}
	     {buf[n++] = $0}
	     END {for (i = 0; i < n; i++) print buf[i]}' "$1"
}

# add_foreign_iface NS NAME: an interface made by hand, not by vethlab:
# a dummy, or an ifb where the kernel has no dummy driver.
add_foreign_iface() {
	ip -n "$1" link add "$2" type dummy 2>/dev/null ||
		ip -n "$1" link add "$2" type ifb 2>/dev/null ||
		ip -n "$1" link add "$2" type bridge
}

# known_bug MESSAGE: skips a test that shows a known bug of vethlab, so the
# suite stays green; VL_TEST_BUGS=1 runs it anyway, to see it fail.
known_bug() {
	[ -n "${VL_TEST_BUGS:-}" ] || skip "BUG: $1"
}

# kernel_setup_file / kernel_teardown_file TAG: around a file of kernel
# tests. The teardown removes whatever the file's labs left (a test's own
# teardown should have) and fails when there was any, or when the host's
# network namespace is not as it was before the file.
kernel_setup_file() {
	host_snapshot >"$BATS_FILE_TMPDIR/host.before"
}

kernel_teardown_file() {
	local prefix="t${BATS_ROOT_PID}-$1" left state ns status=0
	left=$(netns_with_prefix "$prefix")
	state=$(find /run/vethlab -maxdepth 1 -name "$prefix*" 2>/dev/null)
	for ns in $left; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$left$state" ]; then
		echo "left behind by the tests: $left $state" >&2
		status=1
	fi
	rm -rf "/run/vethlab/$prefix"*
	host_snapshot >"$BATS_FILE_TMPDIR/host.after"
	if ! diff -u "$BATS_FILE_TMPDIR/host.before" "$BATS_FILE_TMPDIR/host.after" >&2; then
		echo "the host's network namespace changed during the tests" >&2
		status=1
	fi
	return "$status"
}

# --- Scenario tests (scenario*.bats) --------------------------------------

# article_edit FILE SCENARIO OLD NEW [NTH]: replaces the NTH (default 1st)
# occurrence of the text OLD inside scenario SCENARIO of FILE (a copy of
# the article) by NEW; fails when there is no such occurrence, so that a
# variant never silently equals the original.
article_edit() {
	python3 -c '
import re, sys
path, scen, old, new = sys.argv[1:5]
nth = int(sys.argv[5]) if len(sys.argv) > 5 else 1
lines = open(path).read().split("\n")
try:
    start = lines.index("  %s:" % scen, lines.index("scenarios:"))
except ValueError:
    sys.exit("no scenario %s in %s" % (scen, path))
end = start + 1
while end < len(lines) and not re.match(r"^(  )?[a-z0-9-]+:\s*$", lines[end]):
    end += 1
seen = 0
for i in range(start + 1, end):
    k = lines[i].count(old)
    if seen + k >= nth:
        parts = lines[i].split(old)
        j = nth - seen
        lines[i] = old.join(parts[:j]) + new + old.join(parts[j:])
        open(path, "w").write("\n".join(lines))
        sys.exit(0)
    seen += k
sys.exit("%r occurs %d times in scenario %s of %s, not %d" % (old, seen, scen, path, nth))
' "$@" || fail "article_edit $*"
}

# article_head NAME: the article's topology renamed to lab NAME, up to and
# including the line "scenarios:", for files with scenarios of their own.
article_head() {
	article_file "$1" | sed '/^scenarios:$/q'
}

# article_scenario SCENARIO: the article's scenario SCENARIO, as it is
# written under "scenarios:" (to put scenarios in another order).
article_scenario() {
	awk -v s="  $1:" '
		$0 == s {on = 1; print; next}
		on && /^(  )?[a-z0-9-]+:[ \t]*$/ {on = 0}
		on' "$VL_ROOT/topologies/article.yaml" | grep . ||
		fail "no scenario $1 in the article"
}

# steps_in FILE: the number of steps of FILE's scenarios (list items six
# spaces in, below "scenarios:").
steps_in() {
	sed -n '/^scenarios:$/,$p' "$1" | grep -cE '^      - '
}
