#!/usr/bin/env bats
# --timings on up, plan, down and test: the report on standard error, as
# lines or as one line of JSON (the keys a benchmark script reads), and
# standard output exactly as without it. Needs root. Labs are named
# t<pid>-m<test number> (kernel_setup in helpers.bash).

# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr
load helpers

setup_file() {
	kernel_setup_file
}

setup() {
	kernel_setup m
}

teardown() {
	kernel_teardown
}

teardown_file() {
	kernel_teardown_file m
}

# check_json COMMAND: the JSON report on standard input has the keys of
# the contract, with the six stages in order and sane numbers; prints
# the apply actions as "kind count" lines.
check_json() {
	python3 -c '
import json, sys
cmd = sys.argv[1]
text = sys.stdin.read()
assert text.count("\n") == 1 and text.endswith("}\n"), "not one line: %r" % text
d = json.loads(text)
assert d["command"] == cmd, d["command"]
assert isinstance(d["total_ms"], (int, float)) and d["total_ms"] > 0
names = [p["name"] for p in d["phases"]]
assert names[:6] == ["parse", "validate", "observe", "plan", "apply", "verify"], names
total = 0
for p in d["phases"]:
    assert isinstance(p["ms"], (int, float)) and p["ms"] >= 0, p
    total += p["ms"]
    assert ("actions" in p) == (p["name"] == "apply"), p
assert total <= d["total_ms"] + 0.01, (total, d["total_ms"])
apply = d["phases"][4]
for a in apply["actions"]:
    assert set(a) == {"kind", "count", "ms"}, a
    assert a["count"] > 0 and a["ms"] >= 0, a
    print(a["kind"], a["count"])
if cmd == "test":
    assert abs(d["own_ms"] + d["wait_ms"] - d["total_ms"]) < 0.0015, d
    assert 0 < d["wait_ms"] < d["total_ms"], d
    assert sum(s["wait_ms"] for s in d["scenarios"]) <= d["wait_ms"] + 0.01
    for s in d["scenarios"]:
        assert set(s) == {"name", "ms", "wait_ms"}, s
        assert 0 <= s["wait_ms"] <= s["ms"], s
else:
    assert "wait_ms" not in d and "scenarios" not in d, d
' "$1"
}

@test "up, plan and down: stdout unchanged, the report on stderr as lines" {
	article_file "$LAB" >art.yaml
	run -0 --separate-stderr "$VETHLAB" plan art.yaml
	local planned=$output

	run -0 --separate-stderr "$VETHLAB" plan --timings art.yaml
	assert_output "$planned"
	use_stderr
	assert_line --index 0 --regexp '^timings: plan [0-9]+\.[0-9]{3} ms$'
	assert_line --regexp '^  parse +[0-9]+\.[0-9]{3} ms$'
	assert_line --regexp '^  observe +[0-9]+\.[0-9]{3} ms$'
	assert_line --regexp '^  verify +0\.000 ms$'

	run -0 --separate-stderr "$VETHLAB" up --timings=text art.yaml
	assert_output "$planned"
	use_stderr
	assert_line --index 0 --regexp '^timings: up [0-9]+\.[0-9]{3} ms$'
	local p
	for p in parse validate observe plan apply verify; do
		assert_line --regexp "^  $p +[0-9]+\\.[0-9]{3} ms\$"
	done
	# apply by kind of action: how many, and how long
	assert_line --regexp '^    netns_add +1 x [0-9]+\.[0-9]{3} ms$'
	assert_line --regexp '^    link_add +1 x [0-9]+\.[0-9]{3} ms$'
	assert_line --regexp '^    sysctl_set +6 x [0-9]+\.[0-9]{3} ms$'
	refute_line --partial 'scenario'

	# converged: nothing applied, and still a report
	run -0 --separate-stderr "$VETHLAB" up --timings art.yaml
	assert_output ''
	use_stderr
	assert_line --regexp '^  apply +0\.000 ms$'
	refute_line --regexp '^    '

	run -0 --separate-stderr "$VETHLAB" down --timings art.yaml
	assert_output "- netns $LAB-host"
	use_stderr
	assert_line --index 0 --regexp '^timings: down [0-9]+\.[0-9]{3} ms$'
	assert_line --regexp '^    netns_del +1 x [0-9]+\.[0-9]{3} ms$'
	assert_lab_gone "$LAB"
}

@test "up, plan and down: the JSON report has the contract's keys, and apply counts what up printed" {
	article_file "$LAB" >art.yaml
	run -0 --separate-stderr "$VETHLAB" plan art.yaml
	local planned=$output n=${#lines[@]}

	run -0 --separate-stderr "$VETHLAB" plan --timings=json art.yaml
	assert_output "$planned"
	run check_json plan <<<"$stderr"
	assert_success
	assert_output ''

	run -0 --separate-stderr "$VETHLAB" up --timings=json art.yaml
	assert_output "$planned"
	run check_json up <<<"$stderr"
	assert_success
	# one action per line printed, of the kinds printed
	assert_equal "$(awk '{n += $2} END {print n}' <<<"$output")" "$n"
	assert_line 'netns_add 1'
	assert_line 'link_add 1'
	assert_line 'route_add 1'

	run -0 --separate-stderr "$VETHLAB" down --timings=json art.yaml
	assert_output "- netns $LAB-host"
	run check_json down <<<"$stderr"
	assert_success
	assert_output 'netns_del 1'
	assert_lab_gone "$LAB"
}

@test "a failed up still reports, rollback included" {
	article_file "$LAB" >art.yaml
	run -1 --separate-stderr env VETHLAB_TEST_FAIL_AT=3 "$VETHLAB" up --timings=json art.yaml
	assert_equal "${#lines[@]}" 2
	use_stderr
	assert_line --index 0 --partial 'injected failure'
	run check_json up <<<"${stderr_lines[1]}"
	assert_success
	assert_equal "$(json_eval '[p["name"] for p in d["phases"]][6:]' <<<"${stderr_lines[1]}")" '["rollback"]'
	assert_lab_gone "$LAB"
}

@test "test: per scenario, and the time waiting on the network apart from vethlab's own" {
	article_file "$LAB" >art.yaml
	run -0 --separate-stderr "$VETHLAB" test art.yaml arp-drop lo-reply
	assert_equal "$stderr" ''
	# the report's times vary from run to run: compare without them
	local plain
	plain=$(sed -E 's/[0-9]+\.[0-9]+/T/g' <<<"$output")

	run -0 --separate-stderr "$VETHLAB" test --timings=json art.yaml arp-drop lo-reply
	assert_equal "$(sed -E 's/[0-9]+\.[0-9]+/T/g' <<<"$output")" "$plain"
	run check_json test <<<"$stderr"
	assert_success
	assert_equal "$(json_eval '[s["name"] for s in d["scenarios"]]' <<<"$stderr")" \
		'["arp-drop", "lo-reply"]'
	# arp-drop's ping waits for the ARP retries to give up
	assert_equal "$(json_eval 'd["scenarios"][0]["wait_ms"] > 100' <<<"$stderr")" 'true'
	assert_equal "$(json_eval '"steps" in [p["name"] for p in d["phases"]]' <<<"$stderr")" 'true'

	run -0 --separate-stderr "$VETHLAB" test --tap --timings art.yaml lo-reply
	assert_line --regexp '^ok 1 '
	use_stderr
	assert_line --index 0 --regexp '^timings: test [0-9]+\.[0-9]{3} ms$'
	assert_line --regexp '^  steps +[0-9]+\.[0-9]{3} ms$'
	assert_line --regexp '^  scenario lo-reply [0-9]+\.[0-9]{3} ms, waiting [0-9]+\.[0-9]{3} ms$'
	assert_line --regexp "^  waiting on the network [0-9]+\\.[0-9]{3} ms, vethlab's own work [0-9]+\\.[0-9]{3} ms\$"
	assert_lab_gone "$LAB"
}

@test "--timings takes text or json only, and is a usage error otherwise" {
	article_file "$LAB" >art.yaml
	local cmd
	for cmd in up plan down test; do
		run -2 --separate-stderr "$VETHLAB" "$cmd" --timings=xml art.yaml
		assert_output ''
		assert_equal "$stderr" "vethlab $cmd: --timings takes text or json, not \"xml\""
	done
	run -1 --separate-stderr "$VETHLAB" plan --exit-code --timings=yaml art.yaml
	assert_lab_gone "$LAB"
	run -0 "$VETHLAB" up --help
	assert_line --partial '--timings[=text|json]'
}
