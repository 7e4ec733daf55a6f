#!/usr/bin/env bats
# `vethlab test`: the article's scenarios run against the real kernel, the
# lab's life around them (brought up and down, --keep, a lab that was up
# already), choosing scenarios, usage errors, scenarios independent of
# each other, and colour. Needs root. Labs are named t<pid>-s<test number>
# (kernel_setup in helpers.bash). The assertions that must fail are in
# scenario-fail.bats, exec steps in scenario-exec.bats, the reports and
# artifacts in scenario-report.bats.

# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr
load helpers

setup_file() {
	kernel_setup_file
}

setup() {
	kernel_setup s
}

teardown() {
	kernel_teardown
}

teardown_file() {
	kernel_teardown_file s
}

ARTICLE_SCENARIOS='arp-drop lo-reply other-ip martian'

# The names of the scenarios in the human output, in order, on one line.
scenarios_run() {
	sed -nE 's/^scenario ([a-z0-9-]+)(:.*)?$/\1/p' <<<"$output" | paste -sd ' '
}

@test "article: test passes every step, one ok line each, the summary, and takes the lab down" {
	article_file "$LAB" >art.yaml
	local n
	n=$(steps_in art.yaml)
	[ "$n" -ge 11 ] || fail "the article has $n steps, expected at least 11"
	assert_lab_gone "$LAB"

	run -0 --separate-stderr "$VETHLAB" test art.yaml
	assert_equal "$stderr" ''
	assert_equal "$(scenarios_run)" "$ARTICLE_SCENARIOS"
	# one line per step, each ok, numbered within its scenario
	assert_equal "$(grep -cE '^  ok +[0-9]+ ' <<<"$output")" "$n"
	refute_line --regexp '^  FAIL'
	assert_line --regexp '^  ok +1 ping host -> 192\.168\.2\.1 dev veth0 fails \([0-9]+\.[0-9]{2} s\): 2 sent, 0 received'
	assert_line --regexp '^  ok +2 ping host -> 192\.168\.2\.1 dev veth0 \([0-9.]+ s\): 2 sent, 2 received'
	assert_line --regexp '^  ok +3 route host to 192\.168\.2\.11 from 192\.168\.2\.1 \([0-9.]+ s\): local dev lo$'
	assert_line --regexp '^  ok +4 route host to 198\.51\.100\.7 \([0-9.]+ s\): unicast dev veth0 via 192\.168\.2\.254$'
	# every line is a scenario, a step or the summary, which is last
	assert_equal "$(grep -cvE '^(scenario [a-z0-9-]+: |  ok +[0-9]+ |4 scenarios, )' <<<"$output")" 0
	assert_line --index $((n + 4)) --regexp "^4 scenarios, $n steps: $n passed, 0 failed \\([0-9]+\\.[0-9]{2} s\\)\$"
	assert_equal "${#lines[@]}" $((n + 5))

	# it was not up before: test took it down, state and lock included
	assert_lab_gone "$LAB"
	run -0 "$VETHLAB" ls
	refute_output --partial "$LAB"
}

@test "--keep leaves the lab up as the file declares it; down removes it" {
	article_file "$LAB" >art.yaml
	# martian changes an address and a sysctl: both are undone at the end
	run -0 --separate-stderr "$VETHLAB" test --keep art.yaml martian
	assert_equal "$stderr" ''
	assert_line --regexp '^1 scenario, 2 steps: 2 passed, 0 failed '
	[ -e "/run/netns/$LAB-host" ] || fail "--keep: namespace $LAB-host is gone"
	[ -d "/run/vethlab/$LAB" ] || fail "--keep: no state /run/vethlab/$LAB"
	run -0 --separate-stderr "$VETHLAB" plan --exit-code art.yaml
	assert_output ''
	assert_equal "$(ns_sysctl "$LAB-host" net/ipv4/conf/veth1/accept_local)" 1
	assert_equal "$(ip -n "$LAB-host" -o -4 addr show dev veth1)" ''
	run -0 "$VETHLAB" ls
	assert_line --regexp "^$LAB +1 namespace\$"

	run -0 --separate-stderr "$VETHLAB" down --lab "$LAB"
	assert_output "- netns $LAB-host"
	assert_lab_gone "$LAB"
}

@test "a lab that was up stays up, exactly as the file declares it (set steps undone)" {
	article_file "$LAB" >art.yaml
	run -0 "$VETHLAB" up art.yaml
	wait_dad "$LAB-host"
	ns_snapshot "$LAB-host" >before

	run -0 --separate-stderr "$VETHLAB" test art.yaml
	assert_equal "$stderr" ''
	assert_equal "$(scenarios_run)" "$ARTICLE_SCENARIOS"
	assert_line --regexp '^4 scenarios, ([0-9]+) steps: [0-9]+ passed, 0 failed '

	[ -d "/run/vethlab/$LAB" ] || fail "test took down a lab it did not bring up"
	run -0 --separate-stderr "$VETHLAB" plan --exit-code art.yaml
	assert_output ''
	assert_equal "$stderr" "no changes: lab $LAB matches art.yaml"
	# links (same ifindexes), addresses, routes and sysctls as before
	ns_snapshot "$LAB-host" >after
	diff -u before after || fail "the lab's namespace differs after test"
}

@test "test repairs a lab that drifted before running, and leaves it as declared" {
	article_file "$LAB" >art.yaml
	run -0 "$VETHLAB" up art.yaml
	# drift: veth0's address gone, accept_local off on veth0
	ip -n "$LAB-host" addr del 192.168.2.11/24 dev veth0
	ip netns exec "$LAB-host" sh -c 'echo 0 >/proc/sys/net/ipv4/conf/veth0/accept_local'
	run -2 "$VETHLAB" plan --exit-code art.yaml

	run -0 --separate-stderr "$VETHLAB" test art.yaml lo-reply
	assert_line --regexp '^1 scenario, 3 steps: 3 passed, 0 failed '
	run -0 "$VETHLAB" plan --exit-code art.yaml
	assert_equal "$(ns_sysctl "$LAB-host" net/ipv4/conf/veth0/accept_local)" 1
}

@test "one scenario by name runs only it; several run in the file's order" {
	article_file "$LAB" >art.yaml
	run -0 --separate-stderr "$VETHLAB" test art.yaml lo-reply
	assert_equal "$stderr" ''
	assert_equal "$(scenarios_run)" 'lo-reply'
	assert_line --index 0 --regexp '^scenario lo-reply: with 192\.168\.2\.1 on veth1'
	assert_equal "$(grep -cE '^  ok +[0-9]+ ' <<<"$output")" 3
	assert_line --regexp '^1 scenario, 3 steps: 3 passed, 0 failed \([0-9.]+ s\)$'
	refute_output --partial 'arp-drop'
	assert_lab_gone "$LAB"

	run -0 --separate-stderr "$VETHLAB" test art.yaml martian arp-drop
	assert_equal "$(scenarios_run)" 'arp-drop martian'
	assert_line --regexp '^2 scenarios, 4 steps: 4 passed, 0 failed '
	assert_lab_gone "$LAB"
}

@test "usage errors exit 2 without bringing anything up" {
	article_file "$LAB" >art.yaml

	run -2 --separate-stderr "$VETHLAB" test art.yaml lo-reply no-such-scenario
	assert_output ''
	assert_equal "$stderr" 'vethlab test: art.yaml has no scenario "no-such-scenario"'

	article_head "$LAB" | sed '/^scenarios:$/d' >bare.yaml
	run -0 "$VETHLAB" validate bare.yaml
	run -2 --separate-stderr "$VETHLAB" test bare.yaml
	assert_output ''
	assert_equal "$stderr" 'vethlab test: bare.yaml has no scenarios'

	run -2 --separate-stderr "$VETHLAB" test --tap --json art.yaml
	assert_output ''
	assert_equal "$stderr" 'vethlab test: --tap and --json both want standard output; choose one'

	run -2 --separate-stderr "$VETHLAB" test
	assert_equal "$stderr" 'vethlab test: no FILE given'

	run -2 --separate-stderr "$VETHLAB" test --no-such-option art.yaml
	assert_output ''

	# invalid: in the topology, and in a scenario (located)
	sed 's#192\.168\.2\.11/24#192.168.2.311/24#' art.yaml >bad-topo.yaml
	run -2 --separate-stderr "$VETHLAB" test bad-topo.yaml
	assert_output ''
	[[ $stderr == *"bad-topo.yaml:"*"error:"*"192.168.2.311"* ]] || fail "stderr: $stderr"

	cp art.yaml bad-count.yaml
	article_edit bad-count.yaml arp-drop 'count: ">=1"' 'count: "~1"'
	run -2 --separate-stderr "$VETHLAB" test bad-count.yaml
	assert_output ''
	[[ $stderr == bad-count.yaml:*': error: expected a count like 0, "==4", ">=1" or "<3", got "~1"'* ]] ||
		fail "stderr: $stderr"

	cp art.yaml bad-node.yaml
	article_edit bad-node.yaml lo-reply '{node: host, to: 192.168.2.11' '{node: hots, to: 192.168.2.11'
	run -2 --separate-stderr "$VETHLAB" test bad-node.yaml lo-reply
	[[ $stderr == *'error: unknown node "hots"; did you mean "host"?'* ]] || fail "stderr: $stderr"

	# none of these brought the lab up
	assert_lab_gone "$LAB"
}

@test "two runs of one lab at once: both pass, serialized, and the lab is gone" {
	article_file "$LAB" >art.yaml
	local p1 p2 rc1=0 rc2=0
	"$VETHLAB" test art.yaml lo-reply >out.1 2>err.1 3>&- &
	p1=$!
	BG_PIDS+=("$p1")
	"$VETHLAB" test art.yaml lo-reply >out.2 2>err.2 3>&- &
	p2=$!
	BG_PIDS+=("$p2")
	wait "$p1" || rc1=$?
	wait "$p2" || rc2=$?
	assert_equal "$rc1 $rc2 $(cat err.1 err.2)" '0 0 '
	run cat out.1 out.2
	assert_equal "$(grep -c ' 3 passed, 0 failed ' <<<"$output")" 2
	assert_lab_gone "$LAB"
}

# --- scenario independence ------------------------------------------------

# Two scenarios: one gives veth1 an address, learns a neighbour and takes
# veth1 down; the other expects none of that. In FILE, in the order given.
independence_file() {
	article_head "$LAB"
	local s
	for s in "$@"; do
		case $s in
		with-address)
			cat <<'EOF'
  with-address:
    steps:
      - set: {nodes: {host: {interfaces: {veth1: {addresses: [192.168.2.1/24]}}}}}
      - ping: {from: host, dev: veth0, to: 192.168.2.1, count: 1, expect: ok}
      - neigh: {node: host, dev: veth0, to: 192.168.2.1, expect: {state: reachable}}
      - exec: {node: host, argv: [ip, -o, -4, addr, show, dev, veth1], expect: {output: "inet 192\\.168\\.2\\.1/24"}}
      - link: {node: host, iface: veth1, state: down}
      - exec: {node: host, argv: [ip, -o, link, show, dev, veth1], expect: {output: "state DOWN"}}
EOF
			;;
		without-address)
			cat <<'EOF'
  without-address:
    steps:
      - exec: {node: host, argv: [ip, -o, -4, addr, show, dev, veth1], expect: {output: "^$"}}
      - exec: {node: host, argv: [ip, -o, link, show, dev, veth1], expect: {output: "state UP"}}
      - neigh: {node: host, dev: veth0, to: 192.168.2.1, expect: {state: none}}
      - ping: {from: host, dev: veth0, to: 192.168.2.1, count: 1, expect: fail}
EOF
			;;
		esac
	done
}

@test "independence: a scenario that sets veth1's address does not leak into the next one" {
	independence_file with-address without-address >ab.yaml
	run -0 "$VETHLAB" validate ab.yaml
	run -0 --separate-stderr "$VETHLAB" test ab.yaml
	assert_equal "$stderr" ''
	assert_equal "$(scenarios_run)" 'with-address without-address'
	assert_line --regexp '^2 scenarios, 10 steps: 10 passed, 0 failed '
	assert_lab_gone "$LAB"

	# the other order, and each alone
	independence_file without-address with-address >ba.yaml
	run -0 "$VETHLAB" test ba.yaml
	assert_equal "$(scenarios_run)" 'without-address with-address'
	assert_line --regexp '^2 scenarios, 10 steps: 10 passed, 0 failed '
	run -0 "$VETHLAB" test ab.yaml without-address
	assert_line --regexp '^1 scenario, 4 steps: 4 passed, 0 failed '
	assert_lab_gone "$LAB"
}

@test "independence check can fail: without the reset, veth1 would keep its address" {
	# the same check in one scenario after the set step fails, so the
	# passes above mean the runner reset the topology between scenarios
	independence_file with-address >one.yaml
	cat >>one.yaml <<'EOF'
      - exec: {node: host, argv: [ip, -o, -4, addr, show, dev, veth1], expect: {output: "^$"}}
EOF
	run -1 "$VETHLAB" test one.yaml
	assert_line --regexp '^  FAIL +7 exec host ip '
	assert_line --regexp '^        output matches: expected output matching /\^\$/, got ".*inet 192\.168\.2\.1/24'
}

@test "independence: martian (accept_local 0 on veth1) before lo-reply, lo-reply still passes" {
	{
		article_head "$LAB"
		article_scenario martian
		article_scenario lo-reply
		article_scenario arp-drop
	} >reordered.yaml
	run -0 "$VETHLAB" validate reordered.yaml
	run -0 --separate-stderr "$VETHLAB" test reordered.yaml
	assert_equal "$stderr" ''
	assert_equal "$(scenarios_run)" 'martian lo-reply arp-drop'
	assert_line --regexp '^3 scenarios, 7 steps: 7 passed, 0 failed '
	assert_lab_gone "$LAB"
}

# --- colour -------------------------------------------------------------

@test "no escape sequences when the output is a pipe, with or without NO_COLOR" {
	article_file "$LAB" >art.yaml
	article_edit art.yaml lo-reply 'dev: lo' 'dev: veth0'	# a FAIL line and a red count too
	local esc=$'\033'
	run -1 env -u NO_COLOR "$VETHLAB" test art.yaml lo-reply
	assert_line --regexp '^  FAIL +3 '
	refute_output --partial "$esc"
	run -1 env NO_COLOR=1 "$VETHLAB" test art.yaml lo-reply
	assert_line --regexp '^  FAIL +3 '
	refute_output --partial "$esc"
}

@test "colour on a terminal unless NO_COLOR is set (script(1) for a TTY)" {
	command -v script >/dev/null || skip "util-linux script is not installed"
	article_file "$LAB" >art.yaml
	local esc=$'\033'
	run -0 env -u NO_COLOR script -qec "\"$VETHLAB\" test art.yaml lo-reply" /dev/null
	assert_output --partial "scenario ${esc}[1mlo-reply${esc}[0m"
	assert_output --partial "  ${esc}[32mok${esc}[0m    1 set"
	run -0 env NO_COLOR=1 script -qec "\"$VETHLAB\" test art.yaml lo-reply" /dev/null
	assert_output --partial '  ok    1 set'
	refute_output --partial "$esc"
	# an empty NO_COLOR does not count (no-color.org)
	run -0 env NO_COLOR= script -qec "\"$VETHLAB\" test art.yaml lo-reply" /dev/null
	assert_output --partial "${esc}[32mok"
	# never in TAP
	run -0 env -u NO_COLOR script -qec "\"$VETHLAB\" test --tap art.yaml lo-reply" /dev/null
	assert_output --partial 'ok 1 - lo-reply: set'
	refute_output --partial "$esc"
	assert_lab_gone "$LAB"
}

# A capture is kept open from one step to the next on the same interface
# (opening one costs a ring of megabytes, closing one a grace period):
# it must still count only its own step's packets, and not outlive the
# interface it was opened on.
@test "captures count only their own step, kept from step to step or not" {
	article_head "$LAB" >kept.yaml
	cat >>kept.yaml <<'EOF'
  kept:
    steps:
      - set: {nodes: {host: {interfaces: {veth1: {addresses: [192.168.2.1/24]}}}}}
      - ping: {from: host, dev: veth0, to: 192.168.2.1, count: 2, interval: 10ms, expect: ok}
        capture:
          host:veth1:
            - {match: icmp-echo-request, count: 2}
          host:lo:
            - {match: icmp-echo-reply, count: 2}
      # between two steps: seen by no capture
      - ping: {from: host, dev: veth0, to: 192.168.2.1, count: 3, interval: 10ms, expect: ok}
      - ping: {from: host, dev: veth0, to: 192.168.2.1, count: 1, expect: ok}
        capture:
          host:veth1:
            - {match: icmp-echo-request, count: 1}
          host:lo:
            - {match: icmp-echo-reply, count: 1}
      # another MTU: not the interface the kept capture was opened on
      - set: {nodes: {host: {interfaces: {veth1: {mtu: 1400, addresses: [192.168.2.1/24]}}}}}
      - ping: {from: host, dev: veth0, to: 192.168.2.1, count: 1, expect: ok}
        capture:
          host:veth1:
            - {match: icmp-echo-request, count: 1}
EOF
	run -0 "$VETHLAB" validate kept.yaml
	run -0 --separate-stderr "$VETHLAB" test kept.yaml
	refute_line --partial 'FAIL'
	assert_line --regexp '^1 scenario, 6 steps: 6 passed, 0 failed '
	assert_lab_gone "$LAB"
}

@test "the host's network namespace is untouched and no lab of this file is left" {
	host_snapshot >host.after
	run diff -u "$BATS_FILE_TMPDIR/host.before" host.after
	assert_success
	run netns_with_prefix "t${BATS_ROOT_PID}-s"
	assert_output ''
	run ls /run/vethlab
	refute_output --partial "t${BATS_ROOT_PID}-s"
}
