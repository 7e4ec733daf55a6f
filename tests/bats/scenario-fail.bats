#!/usr/bin/env bats
# Every kind of assertion of `vethlab test`, shown to fail when it should:
# each test is the article with one expectation flipped (article_edit),
# runs the scenario that holds it, and checks that the run fails (exit 1),
# that the failing check says what was expected and what was seen, that
# exactly that step is "FAIL" for people and "not ok" in TAP, and that the
# lab is gone afterwards. Needs root. Labs are t<pid>-v<test number>.

# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr
load helpers

setup_file() {
	kernel_setup_file
}

setup() {
	kernel_setup v
	article_file "$LAB" >art.yaml
}

teardown() {
	kernel_teardown
}

teardown_file() {
	kernel_teardown_file v
}

# The article's exec scenario: not in the article, added for these tests.
add_exec_scenario() {
	cat >>art.yaml <<'EOF'
  exec:
    steps:
      - exec: {node: host, argv: [sh, -c, "echo hello; exit 0"], expect: {status: 0, output: "^hello"}}
EOF
}

# fails_at SCENARIO STEP_NO STEP_NAME CHECK DETAIL [TAP_DETAIL]: running
# SCENARIO of art.yaml fails at step STEP_NO (named STEP_NAME) and only
# there; the human output has the line "CHECK: DETAIL" right under it; TAP
# has one "not ok" test line, for it, with the failed check and its detail
# (TAP_DETAIL, as escaped in TAP's YAML, when it differs from DETAIL). A
# DETAIL starting with "re:" is an extended regular expression.
fails_at() {
	local sc=$1 no=$2 name=$3 check=$4 detail=$5 tap_detail=${6:-${5//\"/\\\"}}
	local line_re i

	if [[ $detail == re:* ]]; then
		line_re="^        $(re_quote "$check"): ${detail#re:}\$"
		tap_detail=${tap_detail#re:}
	else
		line_re="^        $(re_quote "$check: $detail")\$"
		tap_detail=$(re_quote "$tap_detail")
	fi

	# TAP from the same file as lab $LAB-t, at the same time (faster)
	local pid rc=0
	sed "s/^name: $LAB\$/name: $LAB-t/" art.yaml >art-t.yaml
	"$VETHLAB" test --tap art-t.yaml "$sc" >tap.out 2>tap.err 3>&- &
	pid=$!
	BG_PIDS+=("$pid")

	run -1 --separate-stderr "$VETHLAB" test art.yaml "$sc"
	assert_equal "$stderr" ''
	assert_equal "$(grep -cE '^  FAIL ' <<<"$output")" 1
	assert_line --regexp "^  FAIL +$no "
	assert_line --partial "FAIL  $no $name ("
	assert_line --regexp "$line_re"
	assert_line --regexp '^1 scenario, [0-9]+ steps?: [0-9]+ passed, 1 failed \([0-9.]+ s\)$'
	# the check is the only line under its step's line
	for ((i = 0; i < ${#lines[@]}; i++)); do
		[[ ${lines[i]} == "  FAIL  $no "* ]] && break
	done
	[[ ${lines[i + 1]} =~ $line_re ]] || fail "under the FAIL line: '${lines[i + 1]}'"
	[[ ${lines[i + 2]} != "        "* ]] || fail "a second check failed: '${lines[i + 2]}'"

	wait "$pid" || rc=$?
	assert_lab_gone "$LAB"	# and $LAB-t: its namespaces are "$LAB-t-*"
	assert_equal "TAP run: $rc $(cat tap.err)" 'TAP run: 1 '
	run cat tap.out
	assert_equal "$(grep -c '^not ok ' <<<"$output")" 1
	assert_line "not ok $no - $sc: $name"
	# in the YAML block: the check, not ok, and its detail
	assert_output --regexp "    - what: \"$(re_quote "${check//\"/\\\"}")\"
      ok: false
      detail: \"$tap_detail\"
"
	assert_lab_gone "$LAB-t"
}

# re_quote STRING: STRING as an extended regular expression matching it.
re_quote() {
	sed -E 's/[][\\.*^$+?(){}|/]/\\&/g' <<<"$1"
}

@test "ping: expect ok where the ping fails (arp-drop)" {
	article_edit art.yaml arp-drop 'count: 2, expect: fail' 'count: 2, expect: ok'
	fails_at arp-drop 1 'ping host -> 192.168.2.1 dev veth0' 'ping expected to succeed' \
		'2 sent, 0 received: Destination Host Unreachable (from 192.168.2.11)'
}

@test "ping: expect fail where the ping succeeds (lo-reply)" {
	article_edit art.yaml lo-reply 'expect: ok' 'expect: fail'
	fails_at lo-reply 2 'ping host -> 192.168.2.1 dev veth0 fails' 'ping expected to fail' \
		're:2 sent, 2 received, rtt [0-9.]+/[0-9.]+/[0-9.]+ ms'
}

@test "capture: count \">=1\" -> 0 on an ARP request that is there" {
	article_edit art.yaml arp-drop 'count: ">=1"' 'count: 0'
	fails_at arp-drop 1 'ping host -> 192.168.2.1 dev veth0 fails' \
		'host:veth0 arp-request who-has 192.168.2.1 tell 192.168.2.11 count == 0' 're:expected == 0, saw [1-9][0-9]*'
}

@test "capture: count 0 -> \">=1\" on an ARP reply that never comes" {
	article_edit art.yaml arp-drop 'count: 0' 'count: ">=1"' 2
	fails_at arp-drop 1 'ping host -> 192.168.2.1 dev veth0 fails' \
		'host:veth1 arp-reply count >= 1' 'expected >= 1, saw 0'
}

@test "capture: exact counts: \"==2\" for 2 echo requests holds, \"==3\" fails" {
	article_edit art.yaml lo-reply 'count: ">=2"' 'count: "==2"'
	run -0 "$VETHLAB" test art.yaml lo-reply
	assert_line --regexp '^1 scenario, 3 steps: 3 passed, 0 failed '
	run -0 --separate-stderr "$VETHLAB" test --json art.yaml lo-reply
	assert_equal "$(json_eval "[c['detail'] for c in d['scenarios'][0]['steps'][1]['checks'] if c['what'] == 'host:veth0 icmp-echo-request from 192.168.2.11 to 192.168.2.1 count == 2']" <<<"$output")" \
		'["saw 2"]'

	article_file "$LAB" >art.yaml
	article_edit art.yaml lo-reply 'count: ">=2"' 'count: "==3"' 2
	fails_at lo-reply 2 'ping host -> 192.168.2.1 dev veth0' \
		'host:veth1 icmp-echo-request from 192.168.2.11 to 192.168.2.1 count == 3' 'expected == 3, saw 2'
}

@test "capture: who-has another address" {
	article_edit art.yaml arp-drop 'who-has: 192.168.2.1' 'who-has: 192.168.2.9'
	fails_at arp-drop 1 'ping host -> 192.168.2.1 dev veth0 fails' \
		'host:veth0 arp-request who-has 192.168.2.9 tell 192.168.2.11 count >= 1' 'expected >= 1, saw 0'
}

@test "capture: tell another address" {
	article_edit art.yaml other-ip 'tell: 192.168.2.11' 'tell: 192.168.2.12' 2
	fails_at other-ip 3 'ping host -> 203.0.113.7 dev veth0 fails' \
		'host:veth1 arp-request who-has 203.0.113.7 tell 192.168.2.12 count >= 1' 'expected >= 1, saw 0'
}

@test "capture: arp-reply count 0 -> \">=1\" in other-ip" {
	article_edit art.yaml other-ip 'count: 0' 'count: ">=1"'
	fails_at other-ip 2 'ping host -> 192.168.2.2 dev veth0 fails' \
		'host:veth1 arp-reply count >= 1' 'expected >= 1, saw 0'
}

@test "capture: icmp-echo-reply on lo \">=2\" -> 0" {
	article_edit art.yaml lo-reply 'count: ">=2"' 'count: 0' 3
	fails_at lo-reply 2 'ping host -> 192.168.2.1 dev veth0' \
		'host:lo icmp-echo-reply from 192.168.2.1 to 192.168.2.11 count == 0' 'expected == 0, saw 2'
}

@test "capture: echo replies on veth0 0 -> \">=1\" (they go through lo)" {
	article_edit art.yaml lo-reply 'count: 0' 'count: ">=1"'
	fails_at lo-reply 2 'ping host -> 192.168.2.1 dev veth0' \
		'host:veth0 icmp-echo-reply count >= 1' 'expected >= 1, saw 0'
}

@test "capture: a raw tcpdump filter's count" {
	article_edit art.yaml lo-reply 'count: ">=2"' 'count: "<2"' 4
	fails_at lo-reply 2 'ping host -> 192.168.2.1 dev veth0' \
		'host:lo packets filter "icmp[icmptype] == icmp-echoreply" count < 2' 'expected < 2, saw 2'
}

@test "capture: a raw filter for packets that are not there" {
	article_edit art.yaml lo-reply 'icmp[icmptype] == icmp-echoreply' 'icmp[icmptype] == icmp-echo'
	fails_at lo-reply 2 'ping host -> 192.168.2.1 dev veth0' \
		'host:lo packets filter "icmp[icmptype] == icmp-echo" count >= 2' 'expected >= 2, saw 0'
}

@test "capture: martian's icmp-echo-request count 0 -> \">=1\" (none crosses)" {
	article_edit art.yaml martian 'count: 0' 'count: ">=1"' 2
	fails_at martian 2 'ping host -> 192.168.2.1 dev veth0 fails' \
		'host:veth1 icmp-echo-request count >= 1' 'expected >= 1, saw 0'
}

@test "route: expect dev veth0 where it is lo" {
	article_edit art.yaml lo-reply 'dev: lo' 'dev: veth0'
	fails_at lo-reply 3 'route host to 192.168.2.11 from 192.168.2.1' \
		'route dev' 'expected dev veth0, got lo'
}

@test "route: via the wrong gateway" {
	article_edit art.yaml other-ip 'via: 192.168.2.254' 'via: 192.168.2.253'
	fails_at other-ip 4 'route host to 198.51.100.7' \
		'route via' 'expected via 192.168.2.253, got 192.168.2.254'
}

@test "route: a gateway where there is none" {
	article_edit art.yaml lo-reply 'expect: {dev: lo, type: local}' 'expect: {dev: lo, via: 192.168.2.254}'
	fails_at lo-reply 3 'route host to 192.168.2.11 from 192.168.2.1' \
		'route via' 'expected via 192.168.2.254, got no gateway'
}

@test "route: type local -> unicast" {
	article_edit art.yaml lo-reply 'type: local' 'type: unicast'
	fails_at lo-reply 3 'route host to 192.168.2.11 from 192.168.2.1' \
		'route type' 'expected type unicast, got local'
}

@test "neigh: state [incomplete, failed] -> reachable" {
	article_edit art.yaml arp-drop 'state: [incomplete, failed]' 'state: reachable'
	fails_at arp-drop 2 'neigh host veth0 192.168.2.1' 'neighbour state' \
		're:expected reachable, got (incomplete|failed)'
}

@test "exec: the added exec step passes as written" {
	add_exec_scenario
	run -0 "$VETHLAB" test art.yaml exec
	assert_line --regexp '^  ok +1 exec host sh \([0-9.]+ s\): exit status 0$'
}

@test "exec: expect status 3 where it is 0" {
	add_exec_scenario
	article_edit art.yaml exec 'status: 0' 'status: 3'
	fails_at exec 1 'exec host sh' 'exit status' 'expected 3, got 0'
}

@test "exec: an output regex that does not match" {
	add_exec_scenario
	article_edit art.yaml exec 'output: "^hello"' 'output: "^bye"'
	# one line for people, the line end kept in TAP
	fails_at exec 1 'exec host sh' 'output matches' \
		'expected output matching /^bye/, got "hello "' \
		'expected output matching /^bye/, got \"hello\n\"'
}

@test "a failure in one scenario does not fail the others, and the whole run exits 1" {
	article_edit art.yaml lo-reply 'type: local' 'type: unicast'
	# TAP as lab $LAB-t at the same time
	local pid rc=0
	sed "s/^name: $LAB\$/name: $LAB-t/" art.yaml >art-t.yaml
	"$VETHLAB" test --tap art-t.yaml >tap.out 2>tap.err 3>&- &
	pid=$!
	BG_PIDS+=("$pid")
	run -1 --separate-stderr "$VETHLAB" test art.yaml
	assert_equal "$stderr" ''
	assert_equal "$(grep -cE '^  FAIL ' <<<"$output")" 1
	assert_line --regexp '^4 scenarios, ([0-9]+) steps: [0-9]+ passed, 1 failed '
	wait "$pid" || rc=$?
	assert_equal "TAP run: $rc $(cat tap.err)" 'TAP run: 1 '
	run cat tap.out
	assert_equal "$(grep -c '^not ok ' <<<"$output")" 1
	# arp-drop has 2 steps: lo-reply's route step is the 5th
	assert_line 'not ok 5 - lo-reply: route host to 192.168.2.11 from 192.168.2.1'
	assert_lab_gone "$LAB"
	assert_lab_gone "$LAB-t"
}

@test "the host's network namespace is untouched and no lab of this file is left" {
	host_snapshot >host.after
	run diff -u "$BATS_FILE_TMPDIR/host.before" host.after
	assert_success
	run netns_with_prefix "t${BATS_ROOT_PID}-v"
	assert_output ''
	run ls /run/vethlab
	refute_output --partial "t${BATS_ROOT_PID}-v"
}
