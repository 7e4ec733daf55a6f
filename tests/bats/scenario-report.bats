#!/usr/bin/env bats
# The reports of `vethlab test`: TAP read by prove, JUnit XML and JSON read
# by python3, and the packet captures written by --artifacts read back by
# tcpdump. Needs root. Labs are t<pid>-p<test number>.

# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr
load helpers

setup_file() {
	kernel_setup_file
}

setup() {
	kernel_setup p
	article_file "$LAB" >art.yaml
}

teardown() {
	kernel_teardown
}

teardown_file() {
	kernel_teardown_file p
}

# TAP's YAML blocks as TAP::Parser reads them: one line per test, "N ok"
# or "N not ok", and for a failed one its message and failed checks.
tap_parse() {
	perl -MTAP::Parser -e '
		my $p = TAP::Parser->new({ source => $ARGV[0] });
		my $n;
		while (my $r = $p->next) {
			if ($r->is_test) {
				$n = $r->number;
				print "$n ", ($r->is_ok ? "ok" : "not ok"), "\n";
			} elsif ($r->is_yaml) {
				my $d = $r->data;
				print "$n message: $d->{message}\n";
				print "$n failed: $_->{what}: $_->{detail}\n"
					for grep { $_->{ok} ne "true" } @{ $d->{checks} };
			}
		}
		print "parse error: $_\n" for $p->parse_errors;
		exit($p->has_problems ? 1 : 0);' "$1"
}

@test "--tap: prove accepts it; every step an ok test line, the plan first" {
	run -0 --separate-stderr "$VETHLAB" test --tap art.yaml
	assert_equal "$stderr" ''
	printf '%s\n' "$output" >run.tap
	local n
	n=$(steps_in art.yaml)
	assert_line --index 0 'TAP version 13'
	assert_line --index 1 "1..$n"
	assert_equal "${#lines[@]}" $((n + 2))
	assert_line --index 2 'ok 1 - arp-drop: ping host -> 192.168.2.1 dev veth0 fails'
	assert_line --index 3 'ok 2 - arp-drop: neigh host veth0 192.168.2.1'
	assert_line --index 4 'ok 3 - lo-reply: set (line 67)'
	assert_line --index $((n + 1)) "ok $n - martian: ping host -> 192.168.2.1 dev veth0 fails"
	refute_line --partial 'not ok'

	run -0 prove --exec cat run.tap
	assert_line --regexp "^Files=1, Tests=$n, "
	assert_line 'Result: PASS'
	run -0 tap_parse run.tap
	refute_output --partial 'not ok'
	assert_lab_gone "$LAB"
}

@test "--tap: prove fails when a step fails, and reads the YAML block of each failure" {
	article_edit art.yaml arp-drop 'state: [incomplete, failed]' 'state: [reachable]'
	article_edit art.yaml other-ip 'via: 192.168.2.254' 'via: 192.168.2.253'
	run -1 --separate-stderr "$VETHLAB" test --tap art.yaml arp-drop other-ip
	assert_equal "$stderr" ''
	printf '%s\n' "$output" >run.tap
	assert_equal "$(grep -c '^not ok ' run.tap)" 2
	assert_line 'not ok 2 - arp-drop: neigh host veth0 192.168.2.1'
	assert_line 'not ok 6 - other-ip: route host to 198.51.100.7'

	run prove --exec cat run.tap
	[ "$status" -ne 0 ] || fail "prove passed a failing run: $output"
	assert_line 'Result: FAIL'
	assert_line --regexp '^  Failed tests?: +2, 6$'
	refute_output --partial 'Parse errors'

	run -1 tap_parse run.tap
	assert_line '2 not ok'
	assert_line --regexp '^2 message: state (incomplete|failed)$'
	assert_line --regexp '^2 failed: neighbour state: expected reachable, got (incomplete|failed)$'
	assert_line '6 not ok'
	assert_line '6 message: unicast dev veth0 via 192.168.2.254'
	assert_line '6 failed: route via: expected via 192.168.2.253, got 192.168.2.254'
	refute_line --partial 'parse error'
	assert_equal "$(grep -c ' failed: ' <<<"$output")" 2
}

@test "--tap: a step name with # and \\ cannot turn into a directive" {
	article_head "$LAB" >odd.yaml
	cat >>odd.yaml <<'EOF'
  odd:
    steps:
      - exec: {node: host, argv: [sh, -c, "exit 1"]}
        name: "fails # SKIP not really"
      - exec: {node: host, argv: [sh, -c, "exit 0"]}
        name: "passes # TODO \\ back"
EOF
	run -1 --separate-stderr "$VETHLAB" test --tap odd.yaml
	printf '%s\n' "$output" >run.tap
	assert_line 'not ok 1 - odd: fails \# SKIP not really'
	assert_line 'ok 2 - odd: passes \# TODO \\ back'
	run prove --exec cat run.tap
	[ "$status" -ne 0 ] || fail "prove took the failure for a skip: $output"
	assert_line --regexp '^  Failed test: +1$'
	refute_output --regexp 'skipped|TODO passed'
}

@test "--junit: well-formed XML, a testsuite per scenario, a testcase per step, failures with their message" {
	article_edit art.yaml lo-reply 'type: local' 'type: unicast'
	article_edit art.yaml lo-reply 'count: 0' 'count: ">=1"'
	run -1 --separate-stderr "$VETHLAB" test --tap --junit out.xml art.yaml
	assert_equal "$stderr" ''
	# the steps, in order, as TAP names them: "scenario: step"
	sed -nE 's/^(not )?ok [0-9]+ - //p' <<<"$output" >tap.names
	[ -s out.xml ] || fail "no out.xml"

	run -0 python3 -c '
import sys, xml.dom.minidom as m
d = m.parse("out.xml")
top = d.documentElement
assert top.tagName == "testsuites", top.tagName
print("suites", top.getAttribute("name"), top.getAttribute("tests"), top.getAttribute("failures"))
for s in top.getElementsByTagName("testsuite"):
    cases = s.getElementsByTagName("testcase")
    print("suite", s.getAttribute("name"), s.getAttribute("tests"), len(cases), s.getAttribute("failures"))
    for c in cases:
        assert c.getAttribute("classname") == "'"$LAB"'." + s.getAttribute("name"), c.getAttribute("classname")
        print("case", s.getAttribute("name") + ": " + c.getAttribute("name"), file=open("junit.names", "a"))
        float(c.getAttribute("time"))
        for f in c.getElementsByTagName("failure"):
            print("failure", c.getAttribute("name") + " | " + f.getAttribute("message") + " | " + " / ".join(f.firstChild.data.split("\n")))
'
	local n
	n=$(steps_in art.yaml)
	assert_line --index 0 "suites vethlab $LAB $n 2"
	assert_line --regexp '^suite arp-drop ([0-9]+) \1 0$'
	assert_line 'suite lo-reply 3 3 2'
	assert_line --regexp '^suite other-ip ([0-9]+) \1 0$'
	assert_line --regexp '^suite martian ([0-9]+) \1 0$'
	assert_equal "$(grep -c '^suite ' <<<"$output")" 4
	assert_line --regexp '^failure ping host -> 192\.168\.2\.1 dev veth0 \| 2 sent, 2 received, rtt [0-9./]+ ms \| host:veth0 icmp-echo-reply count >= 1: expected >= 1, saw 0$'
	assert_line 'failure route host to 192.168.2.11 from 192.168.2.1 | local dev lo | route type: expected type unicast, got local'
	assert_equal "$(grep -c '^failure ' <<<"$output")" 2
	# one testcase per step: the same steps as TAP's, in the same order
	sed 's/^case //' junit.names >junit.steps
	diff -u tap.names junit.steps || fail "JUnit's testcases differ from the steps"
	assert_lab_gone "$LAB"
}

@test "--junit to a path that cannot be written: exit 1, said, lab still taken down" {
	run -1 --separate-stderr "$VETHLAB" test --junit no-such-dir/out.xml art.yaml lo-reply
	assert_line --regexp '^1 scenario, 3 steps: 3 passed, 0 failed '
	assert_equal "$stderr" 'vethlab test: write no-such-dir/out.xml: No such file or directory'
	assert_lab_gone "$LAB"
}

@test "--json: parses; ok, steps, passed, failed; checks and measures of each step" {
	run -0 --separate-stderr "$VETHLAB" test --json art.yaml
	assert_equal "$stderr" ''
	printf '%s\n' "$output" >run.json
	run -0 python3 -m json.tool run.json
	local n
	n=$(steps_in art.yaml)
	run -0 json_eval "[d['lab'], d['ok'], d['steps'], d['passed'], d['failed'], [s['name'] for s in d['scenarios']], sum(len(s['steps']) for s in d['scenarios'])]" <run.json
	assert_output "[\"$LAB\", true, $n, $n, 0, [\"arp-drop\", \"lo-reply\", \"other-ip\", \"martian\"], $n]"
	# every step: name, ok, reason, seconds, checks (all ok), measures, artifacts
	run -0 json_eval "sorted(set(tuple(sorted(t)) for s in d['scenarios'] for t in s['steps']))" <run.json
	assert_output '[["artifacts", "checks", "measures", "name", "ok", "reason", "seconds"]]'
	run -0 json_eval "[c for s in d['scenarios'] for t in s['steps'] for c in t['checks'] if c['ok'] is not True]" <run.json
	assert_output '[]'

	local sc='d["scenarios"]'
	# ping: sent, received (numbers)
	run -0 json_eval "[{k: v for k, v in ${sc}[1]['steps'][1]['measures'].items() if k in ('sent', 'received', 'errors')}, type(${sc}[1]['steps'][1]['measures']['rtt_avg_ms']).__name__]" <run.json
	assert_output '[{"errors": 0, "received": 2, "sent": 2}, "float"]'
	run -0 json_eval "{k: v for k, v in ${sc}[0]['steps'][0]['measures'].items() if k in ('sent', 'received')}" <run.json
	assert_output '{"received": 0, "sent": 2}'
	# the ping's checks: the ping's own, then one per capture assertion
	run -0 json_eval "[[c['what'], c['detail']] for c in ${sc}[0]['steps'][0]['checks']]" <run.json
	assert_line --partial '["ping expected to fail", "2 sent, 0 received: Destination Host Unreachable (from 192.168.2.11)"]'
	assert_line --regexp '\["host:veth0 arp-request who-has 192\.168\.2\.1 tell 192\.168\.2\.11 count >= 1", "saw [1-9][0-9]*"\]'
	assert_line --partial '["host:veth1 arp-reply count == 0", "saw 0"]'
	# neigh: state; route: dev, type, via; set: changes
	run -0 json_eval "${sc}[0]['steps'][1]['measures']" <run.json
	assert_output --regexp '^\{"state": "(incomplete|failed)"\}$'
	run -0 json_eval "${sc}[1]['steps'][2]['measures']" <run.json
	assert_output '{"dev": "lo", "type": "local"}'
	run -0 json_eval "${sc}[2]['steps'][3]['measures']" <run.json
	assert_output '{"dev": "veth0", "type": "unicast", "via": "192.168.2.254"}'
	run -0 json_eval "[${sc}[1]['steps'][0]['measures'], ${sc}[3]['steps'][0]['measures']]" <run.json
	assert_output '[{"changes": 1}, {"changes": 2}]'
	assert_lab_gone "$LAB"
}

@test "--json of a failing run: ok false, the failed step and its failed check" {
	article_edit art.yaml other-ip 'dev: veth0, via: 192.168.2.254' 'dev: veth1, via: 192.168.2.254'
	run -1 --separate-stderr "$VETHLAB" test --json art.yaml other-ip
	assert_equal "$stderr" ''
	printf '%s\n' "$output" >run.json
	run -0 json_eval "[d['ok'], d['steps'], d['passed'], d['failed'], [s['ok'] for s in d['scenarios']], [t['ok'] for t in d['scenarios'][0]['steps']]]" <run.json
	assert_output '[false, 4, 3, 1, [false], [true, true, true, false]]'
	run -0 json_eval "[c for c in d['scenarios'][0]['steps'][3]['checks'] if not c['ok']]" <run.json
	assert_output '[{"detail": "expected dev veth1, got veth0", "ok": false, "what": "route dev"}]'
}

# The pcap files of art.yaml's captures under DIR, as "SCENARIO/FILE".
pcaps_in() {
	(cd "$1" && find . -type f | sed 's#^\./##' | sort)
}

@test "--artifacts: a pcap per capture, DIR/SCENARIO/NN-NODE-IFACE.pcap, listed in the report" {
	run -0 --separate-stderr "$VETHLAB" test --json --artifacts art art.yaml
	assert_equal "$stderr" ''
	printf '%s\n' "$output" >run.json
	run -0 pcaps_in art
	assert_output "arp-drop/01-host-veth0.pcap
arp-drop/01-host-veth1.pcap
lo-reply/02-host-lo.pcap
lo-reply/02-host-veth0.pcap
lo-reply/02-host-veth1.pcap
martian/02-host-lo.pcap
martian/02-host-veth1.pcap
other-ip/02-host-veth1.pcap
other-ip/03-host-veth1.pcap"
	# the report names the same files
	run -0 json_eval "sorted(a for s in d['scenarios'] for t in s['steps'] for a in t['artifacts'])" <run.json
	assert_output "$(pcaps_in art | sed 's#^#art/#' |
		python3 -c 'import json, sys; print(json.dumps(sorted(l.strip() for l in sys.stdin)))')"

	local f
	for f in arp-drop/01-host-veth0 arp-drop/01-host-veth1; do
		run -0 tcpdump -n -r "art/$f.pcap"
		assert_output --partial 'ARP, Request who-has 192.168.2.1 tell 192.168.2.11'
		refute_output --partial 'ARP, Reply'
	done
	run -0 tcpdump -n -r art/lo-reply/02-host-lo.pcap
	assert_output --partial 'IP 192.168.2.1 > 192.168.2.11: ICMP echo reply'
	assert_equal "$(grep -c 'ICMP echo reply' <<<"$output")" 2
	for f in lo-reply/02-host-veth0 lo-reply/02-host-veth1; do
		run -0 tcpdump -n -r "art/$f.pcap"
		assert_output --partial 'IP 192.168.2.11 > 192.168.2.1: ICMP echo request'
		refute_output --partial 'ICMP echo reply'
	done
	run -0 tcpdump -n -r art/other-ip/02-host-veth1.pcap
	assert_output --partial 'ARP, Request who-has 192.168.2.2 tell 192.168.2.11'
	run -0 tcpdump -n -r art/other-ip/03-host-veth1.pcap
	assert_output --partial 'ARP, Request who-has 203.0.113.7 tell 192.168.2.11'
	refute_output --partial 'ARP, Reply'
	run -0 tcpdump -n -r art/martian/02-host-veth1.pcap
	assert_output --partial 'ARP, Request who-has 192.168.2.1 tell 192.168.2.11'
	refute_output --partial 'ICMP echo request'
	assert_lab_gone "$LAB"
}

@test "--artifacts where a directory cannot be made: the capturing step fails and says why" {
	touch plainfile
	run -1 --separate-stderr "$VETHLAB" test --artifacts plainfile/art art.yaml arp-drop
	assert_equal "$stderr" ''
	assert_line --regexp '^  FAIL +1 ping host -> 192\.168\.2\.1 dev veth0 fails \([0-9.]+ s\): create plainfile/art/arp-drop: Not a directory$'
	# the rest of the scenario proves nothing: reported as not run
	assert_line --regexp '^  FAIL +2 neigh host veth0 192\.168\.2\.1 \([0-9.]+ s\): not run: an earlier step of the scenario could not run$'
	assert_line --regexp '^1 scenario, 2 steps: 0 passed, 2 failed '
	assert_lab_gone "$LAB"
}

@test "the host's network namespace is untouched and no lab of this file is left" {
	host_snapshot >host.after
	run diff -u "$BATS_FILE_TMPDIR/host.before" host.after
	assert_success
	run netns_with_prefix "t${BATS_ROOT_PID}-p"
	assert_output ''
	run ls /run/vethlab
	refute_output --partial "t${BATS_ROOT_PID}-p"
}
