#!/usr/bin/env bats
# The reconciler when things go wrong, against the real kernel: objects
# that are not vethlab's, a failure injected at each step, kill -9, many
# `up` at once, SIGINT. Needs root. Labs are named t<pid>-f<test number>
# (kernel_setup in helpers.bash).

# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr
# shellcheck disable=SC2030,SC2031 # BG_PIDS: each test is a subshell of its own
load helpers

setup_file() {
	kernel_setup_file
}

setup() {
	kernel_setup f
}

teardown() {
	kernel_teardown
}

# The host is compared with its state before the file; nothing of the
# file's labs may be left.
teardown_file() {
	kernel_teardown_file f
}

# The article lab, changed in every way a lab can change without losing
# anything: a new veth pair, a sysctl, an address, an MTU, a route.
changed_article() {
	article_file "$LAB" | sed \
		-e 's|^      net.ipv4.conf.veth0.accept_local: 1$|      net.ipv4.conf.veth0.accept_local: 0|' \
		-e 's|^      veth0: {addresses: \[192.168.2.11/24\]}$|      veth0: {addresses: [192.168.2.11/24, 192.168.9.1/24]}|' \
		-e 's|^      veth1: {}$|      veth1: {mtu: 1400}|' \
		-e 's|^      - {to: 198.51.100.0/24, via: 192.168.2.254}$|&\n      - {to: 203.0.113.0/24, via: 192.168.9.254}|' \
		-e 's|^  - endpoints: \[host:veth0, host:veth1\]$|&\n  - endpoints: [host:veth2, host:veth3]|'
}

# chain_file NAME N: nodes n0..n(N-1), n$i:e1 <-> n$((i+1)):e0, a /30 each.
chain_file() {
	local i
	printf 'name: %s\nnodes:\n' "$1"
	for ((i = 0; i < $2; i++)); do
		printf '  n%d:\n    interfaces:\n' "$i"
		if ((i > 0)); then
			printf '      e0: {addresses: [%s]}\n' "$(chain_addr $((i - 1)) 2)"
		fi
		if ((i < $2 - 1)); then
			printf '      e1: {addresses: [%s]}\n' "$(chain_addr "$i" 1)"
		fi
	done
	printf 'links:\n'
	for ((i = 0; i < $2 - 1; i++)); do
		printf '  - endpoints: [n%d:e1, n%d:e0]\n' "$i" $((i + 1))
	done
}

# chain_addr LINK HOST: address HOST (1 or 2) of the /30 of link LINK.
chain_addr() {
	echo "192.168.$(($1 / 64)).$((($1 % 64) * 4 + $2))/30"
}

@test "a namespace made by hand with a node's name: up fails, down leaves it alone" {
	article_file "$LAB" >art.yaml
	ip netns add "$LAB-host"
	local ino
	ino=$(stat -L -c %i "/run/netns/$LAB-host")

	run -1 --separate-stderr "$VETHLAB" up art.yaml
	assert_output ''
	use_stderr
	assert_output "vethlab up: $LAB: namespace $LAB-host exists, not owned by vethlab"
	[ ! -e "/run/vethlab/$LAB" ] || fail "a failed up left /run/vethlab/$LAB"
	[ ! -e "/run/vethlab/$LAB.lock" ] || fail "a failed up left /run/vethlab/$LAB.lock"
	run -1 --separate-stderr "$VETHLAB" plan art.yaml
	use_stderr
	assert_output --partial "$LAB-host exists, not owned by vethlab"

	run -0 --separate-stderr "$VETHLAB" down art.yaml
	assert_output ''
	[ -e "/run/netns/$LAB-host" ] || fail "down removed a namespace that is not vethlab's"
	assert_equal "$(stat -L -c %i "/run/netns/$LAB-host")" "$ino"
	run -0 "$VETHLAB" down --lab "$LAB"
	assert_equal "$(stat -L -c %i "/run/netns/$LAB-host")" "$ino"
	# and nothing was made inside it
	assert_equal "$(ip -n "$LAB-host" -j link | json_eval '[l["ifname"] for l in d]')" '["lo"]'
}

# The same, when the entry appears after observe looked: a dangling
# symbolic link in /run/netns is no namespace to observe, but apply cannot
# create the pin over it. The intent journaled just before is taken back,
# so down never removes the entry.
@test "an entry made by hand between observe and apply: up fails, its intent is taken back, down leaves it" {
	printf 'name: %s\nnodes:\n  a: {}\n' "$LAB" >one.yaml
	printf 'name: %s\nnodes:\n  a: {}\n  b: {}\n' "$LAB" >two.yaml
	run -0 "$VETHLAB" up one.yaml
	ln -s /nonexistent-vethlab-test "/run/netns/$LAB-b"

	run -1 --separate-stderr "$VETHLAB" up two.yaml
	assert_regex "$stderr" "namespace $LAB-b exists, not owned by vethlab"
	assert_equal "$(grep -c "netns $LAB-b\$" "/run/vethlab/$LAB/journal")" 2
	assert_equal "$(tail -n 1 "/run/vethlab/$LAB/journal")" "-netns $LAB-b"

	run -0 --separate-stderr "$VETHLAB" down two.yaml
	assert_output "- netns $LAB-a"
	[ -L "/run/netns/$LAB-b" ] || fail "down removed /run/netns/$LAB-b, which is not vethlab's"
	rm "/run/netns/$LAB-b"
	assert_lab_gone "$LAB"
}

@test "an interface made by hand with a name the file adds: up fails and keeps it" {
	article_file "$LAB" >art.yaml
	changed_article >more.yaml
	grep -q 'host:veth3' more.yaml || fail "the changed article has no veth3"
	run -0 "$VETHLAB" up art.yaml
	local ns=$LAB-host
	add_foreign_iface "$ns" veth3
	local before
	before=$(ns_snapshot "$ns")

	run -1 --separate-stderr "$VETHLAB" up more.yaml
	assert_output ''
	use_stderr
	assert_output --partial 'interface host:veth3 exists, not owned by vethlab'
	assert_equal "${#lines[@]}" 1
	assert_equal "$(ns_snapshot "$ns")" "$before"
	run -1 "$VETHLAB" plan more.yaml
	assert_output --partial 'exists, not owned by vethlab'
	# still usable with its own file
	run -0 "$VETHLAB" plan --exit-code art.yaml
	# down removes the lab's namespace (and what is in it) and nothing else
	run -0 "$VETHLAB" down art.yaml
	assert_lab_gone "$LAB"
}

@test "a veth end deleted by hand and its name taken by another interface: up refuses it" {
	article_file "$LAB" >art.yaml
	run -0 "$VETHLAB" up art.yaml
	local ns=$LAB-host
	ip -n "$ns" link del veth0	# takes its peer veth1 along
	add_foreign_iface "$ns" veth1
	local idx
	idx=$(ip -n "$ns" -j link show veth1 | json_eval 'd[0]["ifindex"]')

	run -1 --separate-stderr "$VETHLAB" up art.yaml
	use_stderr
	assert_output --partial 'interface host:veth1 exists, not owned by vethlab'
	assert_equal "$(ip -n "$ns" -j link show veth1 | json_eval 'd[0]["ifindex"]')" "$idx"
}

@test "a failure injected at each step of a fresh up: all rolled back, nothing left" {
	article_file "$LAB" >art.yaml
	run -0 "$VETHLAB" plan art.yaml
	local -a steps=("${lines[@]}")
	local n=${#steps[@]} step
	[ "$n" -ge 8 ] || fail "only $n actions planned: ${steps[*]}"

	for ((step = 1; step <= n; step++)); do
		run -1 --separate-stderr env VETHLAB_TEST_FAIL_AT=$step "$VETHLAB" up art.yaml
		# the actions before the failing one were done and are listed
		assert_equal "${#lines[@]}" $((step - 1))
		use_stderr
		assert_output --partial "${steps[step - 1]}: injected failure (VETHLAB_TEST_FAIL_AT=$step)"
		assert_output --partial "rolled back $((step - 1)) change"
		refute_output --partial 'rollback incomplete'
		assert_equal "${#lines[@]}" 1
		assert_lab_gone "$LAB"
	done
	# one step further there is nothing to fail: the count was right
	VETHLAB_TEST_FAIL_AT=$((n + 1)) run -0 "$VETHLAB" up art.yaml
	run -0 "$VETHLAB" plan --exit-code art.yaml
}

@test "a failure injected at each step of a change to a lab puts the kernel back as it was" {
	article_file "$LAB" >art.yaml
	changed_article >more.yaml
	run -0 "$VETHLAB" up art.yaml
	local ns=$LAB-host
	wait_dad "$ns"
	local before
	before=$(ns_snapshot "$ns")
	run -0 "$VETHLAB" plan more.yaml
	local -a steps=("${lines[@]}")
	local n=${#steps[@]} step
	# a new veth, a sysctl, an address, an MTU and a route
	assert_line '+ veth host:veth2 <-> host:veth3'
	assert_line '~ sysctl net.ipv4.conf.veth0.accept_local 1 -> 0 (host)'
	assert_line '+ addr 192.168.9.1/24 dev veth0 (host)'
	assert_line '~ link host:veth1 mtu 1500 -> 1400'
	assert_line '+ route 203.0.113.0/24 via 192.168.9.254 (host)'

	for ((step = 1; step <= n; step++)); do
		run -1 --separate-stderr env VETHLAB_TEST_FAIL_AT=$step "$VETHLAB" up more.yaml
		use_stderr
		assert_output --partial "${steps[step - 1]}: injected failure (VETHLAB_TEST_FAIL_AT=$step)"
		assert_output --partial 'rolled back'
		refute_output --partial 'rollback incomplete'
		assert_equal "${#lines[@]}" 1
		assert_equal "$(ns_snapshot "$ns")" "$before"
		run -0 --separate-stderr "$VETHLAB" plan --exit-code art.yaml
		# the copy kept for status --lab is still the one that was up
		run -0 "$VETHLAB" status --lab "$LAB"
		assert_line 'in sync with the file'
	done
	run -0 "$VETHLAB" up more.yaml
	run -0 "$VETHLAB" plan --exit-code more.yaml
}

@test "a failure after a link is removed: the link comes back with its addresses, routes and sysctls" {
	article_file "$LAB" >art.yaml
	cat >bare.yaml <<EOF
name: $LAB
nodes:
  host:
    sysctls:
      net.ipv4.conf.all.rp_filter: 2
EOF
	run -0 "$VETHLAB" up art.yaml
	local ns=$LAB-host
	wait_dad "$ns"
	run -0 "$VETHLAB" plan bare.yaml
	assert_output "$(printf '%s\n' '- veth host:veth1 <-> host:veth0' \
		'~ sysctl net.ipv4.conf.all.rp_filter 0 -> 2 (host)')"
	# a recreated veth has new ifindexes: compare what the file says,
	# and the addresses and routes as ip reads them
	local addrs routes
	addrs=$(ip -n "$ns" -j addr | json_eval "sorted([l['ifname'], a['local'], a['prefixlen']] for l in d for a in l['addr_info'] if a['family'] == 'inet')")
	routes=$(ip -n "$ns" -j route | json_eval "sorted([r['dst'], r.get('gateway'), r['dev'], str(r.get('protocol'))] for r in d)")

	run -1 --separate-stderr env VETHLAB_TEST_FAIL_AT=2 "$VETHLAB" up bare.yaml
	use_stderr
	assert_output --partial 'injected failure'
	assert_output --partial 'rolled back'
	refute_output --partial 'rollback incomplete'
	assert_equal "${#lines[@]}" 1
	assert_equal "$(ip -n "$ns" -j addr | json_eval "sorted([l['ifname'], a['local'], a['prefixlen']] for l in d for a in l['addr_info'] if a['family'] == 'inet')")" "$addrs"
	assert_equal "$(ip -n "$ns" -j route | json_eval "sorted([r['dst'], r.get('gateway'), r['dev'], str(r.get('protocol'))] for r in d)")" "$routes"
	run -0 "$VETHLAB" plan --exit-code art.yaml
}

# The requests of one namespace go to the kernel in one batch, and the
# kernel runs every request of a batch even after one fails: the ones
# after the failure are done, printed, and rolled back with the rest.
@test "a failure in the middle of a batch: the requests around it are rolled back, exactly" {
	article_file "$LAB" >art.yaml
	article_file "$LAB" | sed \
		-e 's|^      veth0: {addresses: \[192.168.2.11/24\]}$|      veth0: {addresses: [192.168.2.11/24, 192.168.9.1/24]}|' \
		-e 's|^      - {to: 198.51.100.0/24, via: 192.168.2.254}$|&\n      - {to: 203.0.113.0/26, via: 192.168.2.254}\n      - {to: 203.0.113.64/26, via: 192.168.2.254}\n      - {to: 203.0.113.128/26, via: 192.168.2.254}|' \
		>routes.yaml
	run -0 "$VETHLAB" up art.yaml
	local ns=$LAB-host
	wait_dad "$ns"
	run -0 "$VETHLAB" plan routes.yaml
	assert_output "$(printf '%s\n' '+ addr 192.168.9.1/24 dev veth0 (host)' \
		'+ route 203.0.113.0/26 via 192.168.2.254 (host)' \
		'+ route 203.0.113.64/26 via 192.168.2.254 (host)' \
		'+ route 203.0.113.128/26 via 192.168.2.254 (host)')"
	# the second route's destination taken by a route that is not vethlab's
	ip -n "$ns" route add 203.0.113.64/26 via 192.168.2.254
	local before
	before=$(ns_snapshot "$ns")

	run -1 --separate-stderr "$VETHLAB" up routes.yaml
	# done, in the plan's order: all but the one that failed
	assert_output "$(printf '%s\n' '+ addr 192.168.9.1/24 dev veth0 (host)' \
		'+ route 203.0.113.0/26 via 192.168.2.254 (host)' \
		'+ route 203.0.113.128/26 via 192.168.2.254 (host)')"
	use_stderr
	assert_output "vethlab up: up $LAB: add route 203.0.113.64/26 in host: File exists; rolled back 3 changes"
	# the kernel as it was: the hand-made route kept, nothing of ours added
	assert_equal "$(ns_snapshot "$ns")" "$before"
	run -0 "$VETHLAB" plan --exit-code art.yaml
}

@test "kill -9 at any step of up, then down: nothing is left" {
	article_file "$LAB" >art.yaml
	run -0 "$VETHLAB" plan art.yaml
	local n=${#lines[@]} k
	for k in 1 2 3 $((n / 2 + 1)) "$n"; do
		run -137 env VETHLAB_TEST_KILL_AT="$k" "$VETHLAB" up art.yaml
		run -0 --separate-stderr "$VETHLAB" down art.yaml
		assert_equal "$stderr" ''
		assert_lab_gone "$LAB"
	done
}

@test "kill -9 at a step of up, then up again: converges" {
	article_file "$LAB" >art.yaml
	run -0 "$VETHLAB" plan art.yaml
	local n=${#lines[@]} k
	for k in 2 3 $((n - 1)) "$n"; do
		run -137 env VETHLAB_TEST_KILL_AT="$k" "$VETHLAB" up art.yaml
		run -2 "$VETHLAB" plan --exit-code art.yaml
		run -0 --separate-stderr "$VETHLAB" up art.yaml
		assert_equal "$stderr" ''
		run -0 "$VETHLAB" plan --exit-code art.yaml
		run -0 "$VETHLAB" status --lab "$LAB"
		assert_line 'in sync with the file'
		assert_equal "$(ip -n "$LAB-host" -j addr show veth0 | json_eval "[a['local'] for a in d[0]['addr_info'] if a['family'] == 'inet']")" \
			'["192.168.2.11"]'
		assert_equal "$(ip -n "$LAB-host" -j route | json_eval "[str(r.get('protocol')) for r in d if r['dst'] == '198.51.100.0/24']")" '["118"]'
		run -0 "$VETHLAB" down art.yaml
		assert_lab_gone "$LAB"
	done
}

# (up failed with "namespace ... exists, not owned by vethlab" before
# da10e85: the plan put "+ netns (recreate)" before "- netns (recreate)")
@test "a namespace entry cut short by a crash (an empty pin file) is recreated by up" {
	article_file "$LAB" >art.yaml
	run -0 "$VETHLAB" up art.yaml
	# What a crash between creating /run/netns/L-host and bind-mounting
	# the namespace on it leaves: an empty file, journaled as ours.
	umount "/run/netns/$LAB-host"
	[ -f "/run/netns/$LAB-host" ] || fail "no pin file left"
	run -0 "$VETHLAB" plan art.yaml
	assert_line --index 0 "- netns $LAB-host (recreate)"
	run -0 --separate-stderr "$VETHLAB" up art.yaml
	assert_equal "$stderr" ''
	run -0 "$VETHLAB" plan --exit-code art.yaml
}

@test "20 up of one lab at once: all succeed silently, one lab, converged" {
	article_file "$LAB" >art.yaml
	run -0 "$VETHLAB" plan art.yaml
	local planned=$output
	local -a pids=()
	local i
	for ((i = 1; i <= 20; i++)); do
		"$VETHLAB" up art.yaml >"out.$i" 2>"err.$i" 3>&- &
		pids+=("$!")
		BG_PIDS+=("$!")
	done
	local -a rcs=()
	for ((i = 1; i <= 20; i++)); do
		local rc=0
		wait "${pids[i - 1]}" || rc=$?
		rcs+=("$rc")
	done
	assert_equal "${rcs[*]}" "$(printf '0 %.0s' {1..20} | sed 's/ $//')"
	for ((i = 1; i <= 20; i++)); do
		[ ! -s "err.$i" ] || fail "up #$i wrote on stderr: $(cat "err.$i")"
	done
	# one of them made the lab, the others found nothing to do
	run cat out.{1..20}
	assert_output "$planned"
	run -0 "$VETHLAB" plan --exit-code art.yaml
	run -0 "$VETHLAB" ls
	assert_line --regexp "^$LAB +1 namespace\$"
	assert_equal "$(netns_with_prefix "$LAB-")" "$LAB-host"
}

@test "3 labs brought up in parallel all succeed" {
	local k rc
	local -a pids=()
	for k in 1 2 3; do
		article_file "$LAB-p$k" >"p$k.yaml"
		"$VETHLAB" up "p$k.yaml" >"out.$k" 2>"err.$k" 3>&- &
		pids+=("$!")
		BG_PIDS+=("$!")
	done
	for k in 1 2 3; do
		rc=0
		wait "${pids[k - 1]}" || rc=$?
		assert_equal "up p$k.yaml: $rc $(cat "err.$k")" "up p$k.yaml: 0 "
		run -0 "$VETHLAB" plan --exit-code "p$k.yaml"
		[ -e "/run/netns/$LAB-p$k-host" ] || fail "no namespace $LAB-p$k-host"
		assert_equal "$(ip -n "$LAB-p$k-host" -j addr show veth0 | json_eval "[a['local'] for a in d[0]['addr_info'] if a['family'] == 'inet']")" \
			'["192.168.2.11"]'
	done
	for k in 1 2 3; do
		run -0 "$VETHLAB" down "p$k.yaml"
		assert_lab_gone "$LAB-p$k"
	done
}

# Start `up chain.yaml`, wait until it has made some progress (5 lines of
# output, or node n5's namespace), send it SIGINT; UP_RC is its status.
interrupt_up() {
	"$VETHLAB" up chain.yaml >up.out 2>up.err 3>&- &
	local pid=$! k
	BG_PIDS+=("$pid")
	for ((k = 0; k < 3000; k++)); do
		[ -e "/run/netns/$LAB-n5" ] && break
		[ "$(wc -l <up.out)" -ge 5 ] && break
		jobs -rp | grep -qx "$pid" || break	# finished already
		sleep 0.005
	done
	if jobs -rp | grep -qx "$pid"; then
		kill -INT "$pid"
	fi
	UP_RC=0
	wait "$pid" || UP_RC=$?
}

@test "SIGINT during up: it stops, rolls back and leaves nothing" {
	local size
	for size in 100 400; do
		chain_file "$LAB" "$size" >chain.yaml
		run -0 "$VETHLAB" validate chain.yaml
		interrupt_up
		[ "$UP_RC" = 0 ] || break
		# it finished before the signal: take it down, try a longer one
		echo "# up of a $size-node chain finished before SIGINT" >&3
		run -0 "$VETHLAB" down chain.yaml
		assert_lab_gone "$LAB"
	done
	if [ "$UP_RC" = 0 ]; then
		return 0	# too fast twice: accepted, and taken down above
	fi
	run cat up.err
	assert_equal "$UP_RC" 1
	assert_output --regexp "^vethlab up: up $LAB: interrupted before \"[^\"]+\"; rolled back [0-9]+ changes?\$"
	assert_output --partial 'interrupted'
	assert_output --partial 'rolled back'
	refute_output --partial 'rollback incomplete'
	assert_lab_gone "$LAB"
}

@test "the host's network namespace is untouched and no lab of this file is left" {
	host_snapshot >host.after
	run diff -u "$BATS_FILE_TMPDIR/host.before" host.after
	assert_success
	run netns_with_prefix "t${BATS_ROOT_PID}-f"
	assert_output ''
	run ls /run/vethlab
	refute_output --partial "t${BATS_ROOT_PID}-f"
}
