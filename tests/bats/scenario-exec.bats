#!/usr/bin/env bats
# exec steps of `vethlab test`: a command in a node's namespace with no
# capabilities, NoNewPrivs and only fds 0-2, its exit status and output
# checked, a timeout enforced; a command that cannot start fails its step,
# not the run. Also a run interrupted by a signal. Needs root. Labs are
# t<pid>-e<test number>.

# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr
load helpers

setup_file() {
	kernel_setup_file
}

setup() {
	kernel_setup e
}

teardown() {
	# processes the exec steps of the test left (their PIDs in *.pid)
	local f pid
	for f in "$BATS_TEST_TMPDIR"/*.pid; do
		[ -s "$f" ] || continue
		pid=$(cat "$f")
		case $(ps -o args= -p "$pid" 2>/dev/null) in
		sleep*) kill -KILL "$pid" ;;
		esac
	done
	kernel_teardown
}

teardown_file() {
	kernel_teardown_file e
}

# exec_file SCENARIO: a lab of one node with the article's veth pair and one
# scenario whose steps are standard input (YAML, six spaces in).
exec_file() {
	article_head "$LAB"
	echo "  $1:"
	echo "    steps:"
	cat
}

# step_json N KEY: the JSON of step N (from 1) of the first scenario of
# the report in $output, key KEY.
step_json() {
	json_eval "d['scenarios'][0]['steps'][$(($1 - 1))]['$2']" <<<"$output"
}

@test "exec: status and output checked; it runs in the node's namespace" {
	exec_file basics >x.yaml <<'EOF'
      - exec: {node: host, argv: [sh, -c, "echo hello; exit 0"], expect: {status: 0, output: "^hello"}}
      - exec: {node: host, argv: [sh, -c, "echo bye; exit 3"], expect: {status: 3, output: "^bye\n$"}}
      - exec: {node: host, argv: [ip, -o, -4, addr, show, dev, veth0], expect: {output: "inet 192\\.168\\.2\\.11/24"}}
      - exec: {node: host, argv: [ip, -o, link], expect: {output: "^1: lo: [^\n]*\n[23]: veth[01]@veth[01]: [^\n]*\n[23]: veth[01]@veth[01]: [^\n]*\n$"}}
      - exec: {node: host, argv: [sh, -c, "echo out; echo err >&2"], expect: {output: "^out\n$"}}
EOF
	run -0 --separate-stderr "$VETHLAB" test x.yaml
	assert_line --regexp '^  ok +1 exec host sh \([0-9.]+ s\): exit status 0$'
	assert_line --regexp '^  ok +2 exec host sh \([0-9.]+ s\): exit status 3$'
	assert_line --regexp '^  ok +3 exec host ip '
	assert_line --regexp '^  ok +4 exec host ip '
	assert_line --regexp '^  ok +5 exec host sh '
	assert_line --regexp '^1 scenario, 5 steps: 5 passed, 0 failed '
	# the command's own output is in the report, not in vethlab's
	refute_output --partial hello
	assert_lab_gone "$LAB"

	run -0 --separate-stderr "$VETHLAB" test --json x.yaml
	assert_equal "$(step_json 1 measures)" '{"status": 0}'
	assert_equal "$(step_json 2 measures)" '{"status": 3}'
	assert_equal "$(step_json 2 checks)" \
		'[{"detail": "expected 3, got 3", "ok": true, "what": "exit status"}, {"detail": "expected output matching /^bye\n$/, got \"bye\n\"", "ok": true, "what": "output matches"}]'
}

@test "exec: no capabilities, NoNewPrivs, and privileged operations fail" {
	exec_file caps >x.yaml <<'EOF'
      - exec: {node: host, argv: [grep, -E, "^(Cap|NoNewPrivs)", /proc/self/status], expect: {output: "CapInh:\\s+0+\n"}}
      - exec: {node: host, argv: [grep, -E, "^(Cap|NoNewPrivs)", /proc/self/status], expect: {output: "CapPrm:\\s+0+\n"}}
      - exec: {node: host, argv: [grep, -E, "^(Cap|NoNewPrivs)", /proc/self/status], expect: {output: "CapEff:\\s+0+\n"}}
      - exec: {node: host, argv: [grep, -E, "^(Cap|NoNewPrivs)", /proc/self/status], expect: {output: "CapBnd:\\s+0+\n"}}
      - exec: {node: host, argv: [grep, -E, "^(Cap|NoNewPrivs)", /proc/self/status], expect: {output: "CapAmb:\\s+0+\n"}}
      - exec: {node: host, argv: [grep, -E, "^(Cap|NoNewPrivs)", /proc/self/status], expect: {output: "NoNewPrivs:\\s+1\n"}}
      - exec: {node: host, argv: [ip, link, add, vlx0, type, dummy], expect: {status: 2}}
      - exec: {node: host, argv: [ip, -o, link, show, dev, vlx0], expect: {status: 1}}
      - exec: {node: host, argv: [ip, addr, add, 192.0.2.1/32, dev, lo], expect: {status: 2}}
EOF
	run -0 --separate-stderr "$VETHLAB" test x.yaml
	assert_line --regexp '^1 scenario, 9 steps: 9 passed, 0 failed '
	[[ $stderr == *"RTNETLINK answers: Operation not permitted"* ]] || fail "stderr: $stderr"

	# the oracle: what the command printed, read back from the JSON report
	run -0 --separate-stderr "$VETHLAB" test --json x.yaml
	local got
	got=$(json_eval "d['scenarios'][0]['steps'][0]['checks'][1]['detail']" <<<"$output")
	[[ $got == *'CapEff:'$'\t''0000000000000000'$'\n'* ]] || fail "detail: $got"
	[[ $got == *'CapBnd:'$'\t''0000000000000000'$'\n'* ]] || fail "detail: $got"
	[[ $got == *'NoNewPrivs:'$'\t''1'$'\n'* ]] || fail "detail: $got"
	# and vethlab itself does have them: the check above can fail
	grep -qE '^CapEff:\s+0*[1-9a-f]' /proc/self/status || fail "the tests themselves run without capabilities"
}

@test "exec: only fds 0-2 are open in the command, also while captures are open" {
	exec_file fds >x.yaml <<'EOF'
      - exec: {node: host, argv: [ls, /proc/self/fd], expect: {output: "^0\n1\n2\n3\n$"}}
      - exec: {node: host, argv: [ls, /proc/self/fd], expect: {output: "^0\n1\n2\n3\n$"}}
        capture:
          host:veth0:
            - {match: arp-request, count: 0}
          host:lo:
            - {filter: icmp, count: 0}
EOF
	run -0 "$VETHLAB" test x.yaml
	assert_line --regexp '^1 scenario, 2 steps: 2 passed, 0 failed '
	# (3 is ls's own directory; an inherited fd shows as one more)
	run -0 "$VETHLAB" test --json x.yaml
	assert_equal "$(json_eval "[c['detail'] for c in d['scenarios'][0]['steps'][1]['checks']]" <<<"$output")" \
		'["expected 0, got 0", "expected output matching /^0\n1\n2\n3\n$/, got \"0\n1\n2\n3\n\"", "saw 0", "saw 0"]'
}

@test "exec: a timeout is enforced: sleep 5 with timeout 300ms is killed in time" {
	exec_file timeout >x.yaml <<EOF
      - exec: {node: host, argv: [sh, -c, "echo \$\$ >$BATS_TEST_TMPDIR/sleep.pid; exec sleep 5"], timeout: 300ms}
      - exec: {node: host, argv: [sh, -c, "exit 0"]}
EOF
	local t0=$SECONDS
	run -1 --separate-stderr "$VETHLAB" test x.yaml
	[ $((SECONDS - t0)) -le 3 ] || fail "took $((SECONDS - t0)) s"
	assert_equal "$stderr" ''
	assert_line --regexp '^  FAIL +1 exec host sh \([0-9.]+ s\): killed after 300 ms$'
	assert_line '        command finished: still running after 300 ms'
	assert_line --regexp '^  ok +2 exec host sh '
	assert_line --regexp '^1 scenario, 2 steps: 1 passed, 1 failed '
	# the command is gone, not left running
	local pid
	pid=$(cat sleep.pid)
	[ -n "$pid" ] || fail "the command never started"
	! kill -0 "$pid" 2>/dev/null || fail "the timed-out command $pid still runs"
	assert_lab_gone "$LAB"

	run -1 "$VETHLAB" test --json x.yaml
	assert_equal "$(step_json 1 measures)" '{"status": 137}'
	assert_equal "$(step_json 1 reason)" 'killed after 300 ms'
	json_eval "d['scenarios'][0]['steps'][0]['seconds'] < 1.5" <<<"$output" | grep -qx true ||
		fail "step 1 took $(step_json 1 seconds) s"
}

@test "exec: a program that does not exist fails its step with a message, not the run" {
	exec_file missing >x.yaml <<'EOF'
      - exec: {node: host, argv: [vl-no-such-program, --flag]}
      - exec: {node: host, argv: [sh, -c, "echo after"], expect: {output: "^after"}}
      - exec: {node: host, argv: [/nonexistent/bin/tool]}
EOF
	run -1 --separate-stderr "$VETHLAB" test x.yaml
	assert_equal "$stderr" ''
	assert_line --regexp '^  FAIL +1 exec host vl-no-such-program \([0-9.]+ s\): vl-no-such-program: No such file or directory$'
	assert_line '        command started: vl-no-such-program: No such file or directory'
	assert_line --regexp '^  ok +2 exec host sh '
	assert_line --regexp '^  FAIL +3 exec host /nonexistent/bin/tool \([0-9.]+ s\): /nonexistent/bin/tool: No such file or directory$'
	assert_line --regexp '^1 scenario, 3 steps: 1 passed, 2 failed '
	assert_lab_gone "$LAB"
}

@test "exec: a command writing more than the output cap finishes and is checked" {
	exec_file big >x.yaml <<'EOF'
      - exec: {node: host, argv: [sh, -c, "head -c 300000 /dev/zero | tr '\\0' a; echo; echo tail"], timeout: 5s, expect: {output: "^a{1000}"}}
      - exec: {node: host, argv: [sh, -c, "exit 0"]}
EOF
	local t0=$SECONDS
	run -0 "$VETHLAB" test x.yaml
	[ $((SECONDS - t0)) -le 4 ] || fail "took $((SECONDS - t0)) s"
	assert_line --regexp '^1 scenario, 2 steps: 2 passed, 0 failed '
}

@test "exec: a timed-out command's children are killed too" {
	exec_file timeout >x.yaml <<EOF
      - exec: {node: host, argv: [sh, -c, "sleep 5 & echo \$! >$BATS_TEST_TMPDIR/child.pid; wait"], timeout: 300ms}
EOF
	# output to files: nothing waits for the children
	local rc=0 pid
	"$VETHLAB" test x.yaml >out 2>err 3>&- || rc=$?
	assert_equal "$rc" 1
	run cat out
	assert_line --regexp '^  FAIL +1 exec host sh \([0-9.]+ s\): killed after 300 ms$'
	pid=$(cat child.pid)
	[ -n "$pid" ] || fail "the command never started"
	# killed: gone, or a zombie nobody reaps yet (PID 1 here may not)
	local stat
	stat=$(ps -o stat= -p "$pid" || true)
	[ -z "$stat" ] || [[ $stat == Z* ]] || fail "the timed-out command's child $pid still runs: $(ps -o pid=,ppid=,stat=,args= -p "$pid")"

	# through a pipe, test ends when its step does, not 5 s later
	local t0=$SECONDS
	run -1 "$VETHLAB" test x.yaml
	[ $((SECONDS - t0)) -le 2 ] || fail "test x.yaml | ... took $((SECONDS - t0)) s"
}

# Run x.yaml's scenario "slow" (step 1 writes its PID to slow.pid and
# sleeps 0.5 s) with ARGS; SIGTERM it once step 1 runs. RC is its status.
interrupt_run() {
	"$VETHLAB" test "$@" x.yaml >run.out 2>run.err 3>&- &
	local pid=$!
	BG_PIDS+=("$pid")
	wait_for 10 test -s slow.pid || fail "step 1 never started: $(cat run.err)"
	kill -TERM "$pid"
	RC=0
	wait "$pid" || RC=$?
	rm -f slow.pid
}

slow_file() {
	exec_file slow >x.yaml <<EOF
      - exec: {node: host, argv: [sh, -c, "echo \$\$ >$BATS_TEST_TMPDIR/slow.pid; exec sleep 0.5"]}
      - exec: {node: host, argv: [sh, -c, "echo second >$BATS_TEST_TMPDIR/second"]}
EOF
}

@test "SIGTERM during a run: the running command is stopped, nothing more runs, exit 1, the lab is taken down" {
	slow_file
	interrupt_run
	assert_equal "$RC" 1
	assert_equal "$(cat run.err)" 'vethlab test: interrupted in scenario slow'
	[ ! -e second ] || fail "step 2 ran after SIGTERM"
	run cat run.out
	assert_line --regexp '^  FAIL +1 exec host sh \([0-9.]+ s\): killed: the run was interrupted$'
	assert_line --regexp '^  FAIL +2 exec host sh \([0-9.]+ s\): not run: interrupted$'
	assert_lab_gone "$LAB"
}

@test "SIGTERM during a run: the reports list every step, named, the ones not run as failed" {
	# (a nameless "not ok 2 - slow: " and JSON name null, once)
	slow_file
	interrupt_run --tap
	assert_equal "$RC" 1
	run cat run.out
	refute_line --regexp '^(not )?ok [0-9]+ - slow: $'
	assert_line --index 1 '1..2'
	assert_line 'not ok 1 - slow: exec host sh'
	assert_line 'not ok 2 - slow: exec host sh'

	interrupt_run --json
	assert_equal "$RC" 1
	run -0 json_eval "[d['steps'], d['passed'], d['failed'], [t['name'] for t in d['scenarios'][0]['steps']]]" <run.out
	assert_output '[2, 0, 2, ["exec host sh", "exec host sh"]]'

	interrupt_run
	run cat run.out
	local printed
	printed=$(grep -cE '^  (ok|FAIL) +[0-9]+ ' run.out)
	assert_equal "$printed" 2
	assert_line --regexp "^1 scenario, $printed steps?: "
	assert_lab_gone "$LAB"
}

@test "SIGTERM during a run: the reports do not call the interrupted run a success" {
	slow_file
	interrupt_run --tap
	assert_equal "$RC" 1
	run prove --exec cat run.out
	[ "$status" -ne 0 ] || fail "prove passes the TAP of an interrupted run: $(cat run.out)"

	interrupt_run --json --junit run.xml
	assert_equal "$RC" 1
	run -0 json_eval "d['ok']" <run.out
	assert_output 'false'
	run -0 python3 -c '
import xml.dom.minidom as m
t = m.parse("run.xml").documentElement
print(int(t.getAttribute("failures")) + int(t.getAttribute("errors")))'
	[ "$output" -gt 0 ] || fail "JUnit of an interrupted run has no failure or error: $(cat run.xml)"
}

@test "the host's network namespace is untouched and no lab of this file is left" {
	host_snapshot >host.after
	run diff -u "$BATS_FILE_TMPDIR/host.before" host.after
	assert_success
	run netns_with_prefix "t${BATS_ROOT_PID}-e"
	assert_output ''
	run ls /run/vethlab
	refute_output --partial "t${BATS_ROOT_PID}-e"
}
