#!/usr/bin/env bats
# The reconciler against the real kernel: up, plan, down, status, ls and
# exec on labs made for each test, with iproute2 as the independent oracle.
# Needs root. Labs are named t<pid>-r<test number> (kernel_setup in
# helpers.bash); the failure paths (ownership, injected failures, kill -9,
# concurrency, SIGINT) are in reconcile-failure.bats.

# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr
# shellcheck disable=SC2016 # bash -c gets $VETHLAB from the environment
load helpers

setup_file() {
	kernel_setup_file
}

setup() {
	kernel_setup r
}

teardown() {
	kernel_teardown
}

# The host is compared with its state before the file; nothing of the
# file's labs may be left.
teardown_file() {
	kernel_teardown_file r
}

# The inet (or inet6) addresses of IFACE in NS, as a JSON list.
addrs_of() {
	ip -n "$1" -j addr show dev "$2" |
		json_eval "[a['local'] + '/' + str(a['prefixlen']) for a in d[0]['addr_info'] if a['family'] == '${3:-inet}']"
}

# name, kind, admin up, operstate, MTU and peer of every link of NS.
links_of() {
	ip -n "$1" -j -d link |
		json_eval "sorted([l['ifname'], l.get('linkinfo', {}).get('info_kind'), 'UP' in l['flags'], l['operstate'], l['mtu'], l.get('link')] for l in d)"
}

# ifname -> ifindex of every link of NS.
ifindexes_of() {
	ip -n "$1" -j link | json_eval "{l['ifname']: l['ifindex'] for l in d}"
}

@test "article: plan changes nothing, up makes what ip reads back, down removes it all" {
	article_file "$LAB" >art.yaml

	run -0 --separate-stderr "$VETHLAB" plan art.yaml
	local planned=$output
	assert_line "+ netns $LAB-host"
	assert_line '+ veth host:veth0 <-> host:veth1'
	assert_line '+ addr 192.168.2.11/24 dev veth0 (host)'
	assert_line '+ route 198.51.100.0/24 via 192.168.2.254 (host)'
	assert_equal "$stderr" ''
	# plan touched nothing: no namespace, no state, not even a lock file
	assert_lab_gone "$LAB"

	run -0 --separate-stderr "$VETHLAB" up art.yaml
	assert_equal "$stderr" ''
	# one line per change, the changes plan announced
	assert_output "$planned"
	assert_line --index 0 "+ netns $LAB-host"
	assert_line --index 1 '+ veth host:veth0 <-> host:veth1'
	assert_line '~ sysctl net.ipv4.conf.all.rp_filter = 0 (host)'
	assert_line '~ sysctl net.ipv4.conf.veth0.rp_filter = 0 (host)'
	assert_line '~ sysctl net.ipv4.conf.veth1.rp_filter = 0 (host)'
	assert_line '~ sysctl net.ipv4.conf.veth0.accept_local = 1 (host)'
	assert_line '~ sysctl net.ipv4.conf.veth1.accept_local = 1 (host)'
	assert_line '+ addr 192.168.2.11/24 dev veth0 (host)'
	assert_line '+ route 198.51.100.0/24 via 192.168.2.254 (host)'
	refute_line --regexp '^[^-+~]'

	# what the kernel says, through ip
	local ns=$LAB-host
	[ -e "/run/netns/$ns" ] || fail "no namespace $ns"
	assert_equal "$(addrs_of "$ns" veth0)" '["192.168.2.11/24"]'
	assert_equal "$(addrs_of "$ns" veth1)" '[]'
	assert_equal "$(links_of "$ns")" \
		'[["lo", null, true, "UNKNOWN", 65536, null], ["veth0", "veth", true, "UP", 1500, "veth1"], ["veth1", "veth", true, "UP", 1500, "veth0"]]'
	assert_equal "$(ip -n "$ns" -j route | json_eval "[[r.get('gateway'), r['dev'], str(r.get('protocol'))] for r in d if r['dst'] == '198.51.100.0/24']")" \
		'[["192.168.2.254", "veth0", "118"]]'
	assert_equal "$(ns_sysctl "$ns" net/ipv4/conf/all/rp_filter)" 0
	assert_equal "$(ns_sysctl "$ns" net/ipv4/conf/veth0/rp_filter)" 0
	assert_equal "$(ns_sysctl "$ns" net/ipv4/conf/veth1/rp_filter)" 0
	assert_equal "$(ns_sysctl "$ns" net/ipv4/conf/veth0/accept_local)" 1
	assert_equal "$(ns_sysctl "$ns" net/ipv4/conf/veth1/accept_local)" 1
	[ -d "/run/vethlab/$LAB" ] || fail "no state directory /run/vethlab/$LAB"

	run -0 --separate-stderr "$VETHLAB" plan --exit-code art.yaml
	assert_output ''
	assert_equal "$stderr" "no changes: lab $LAB matches art.yaml"

	run -0 --separate-stderr "$VETHLAB" down art.yaml
	assert_output "- netns $LAB-host"
	assert_equal "$stderr" ''
	assert_lab_gone "$LAB"

	# down again, and down of a lab never brought up: nothing to do
	run -0 --separate-stderr "$VETHLAB" down art.yaml
	assert_output ''
	assert_equal "$stderr" ''
	run -0 --separate-stderr "$VETHLAB" down --lab "$LAB-never"
	assert_output ''
	assert_equal "$stderr" ''
	assert_lab_gone "$LAB-never"
}

@test "two nodes: each veth end in its node, none in the host; IPv4 and IPv6 ping at once" {
	cat >two.yaml <<EOF
name: $LAB
nodes:
  a:
    interfaces:
      eth0: {addresses: [10.0.0.1/30, "fd00::1/64"]}
  b:
    interfaces:
      eth0: {addresses: [10.0.0.2/30, "fd00::2/64"]}
links:
  - endpoints: [a:eth0, b:eth0]
EOF
	local host_links
	host_links=$(ip -j link | json_eval '[[l["ifindex"], l["ifname"], l.get("address")] for l in d]')

	run -0 --separate-stderr "$VETHLAB" up two.yaml
	assert_line '+ veth a:eth0 <-> b:eth0'
	assert_equal "$stderr" ''

	# the host's links are what they were, and neither end's MAC is there
	assert_equal "$(ip -j link | json_eval '[[l["ifindex"], l["ifname"], l.get("address")] for l in d]')" "$host_links"
	local ea eb mac
	ea=$(ip -n "$LAB-a" -j -d link show eth0 |
		json_eval '[d[0]["linkinfo"]["info_kind"], d[0]["ifindex"], d[0]["link_index"], d[0]["link_netnsid"], d[0]["address"]]')
	eb=$(ip -n "$LAB-b" -j -d link show eth0 |
		json_eval '[d[0]["linkinfo"]["info_kind"], d[0]["ifindex"], d[0]["link_index"], d[0]["link_netnsid"], d[0]["address"]]')
	local -a macs
	mapfile -t macs < <(echo "$ea $eb" | grep -oE '([0-9a-f]{2}:){5}[0-9a-f]{2}')
	assert_equal "${#macs[@]}" 2
	for mac in "${macs[@]}"; do
		run ip -o link show
		refute_output --partial "$mac"
	done
	# veths, each the other's peer, the peer in the other node's namespace
	local ka ia pa na kb ib pb nb
	read -r ka ia pa na _ < <(echo "$ea" | tr -d '[],"')
	read -r kb ib pb nb _ < <(echo "$eb" | tr -d '[],"')
	assert_equal "$ka $kb" 'veth veth'
	assert_equal "$pa" "$ib"
	assert_equal "$pb" "$ia"
	assert_equal "$(ip -n "$LAB-a" -j netns list-id | json_eval "[x.get('name') for x in d if x['nsid'] == $na]")" "[\"$LAB-b\"]"
	assert_equal "$(ip -n "$LAB-b" -j netns list-id | json_eval "[x.get('name') for x in d if x['nsid'] == $nb]")" "[\"$LAB-a\"]"
	assert_equal "$(addrs_of "$LAB-a" eth0)" '["10.0.0.1/30"]'
	assert_equal "$(addrs_of "$LAB-b" eth0 inet6 | json_eval '[a for a in d if not a.startswith("fe80")]')" '["fd00::2/64"]'
	# IPv6 addresses without DAD: usable at once
	assert_equal "$(ip -n "$LAB-a" -j addr show eth0 | json_eval "[[a.get('nodad', False), a.get('tentative', False)] for a in d[0]['addr_info'] if a['local'] == 'fd00::1']")" \
		'[[true, false]]'

	# Before any ping, make sure the command really runs in node a (which
	# only reaches b), and bind the source address, which the host lacks.
	run -0 "$VETHLAB" exec two.yaml a -- readlink /proc/self/ns/net
	assert_output "net:[$(stat -L -c %i "/run/netns/$LAB-a")]"
	# vethlab exec runs without capabilities and under no_new_privs, where
	# Debian's ping (a file-capability binary) cannot start: the test
	# pings with ip netns exec, as root, its own oracle.
	run -0 ip netns exec "$LAB-a" ping -c1 -W2 -I 10.0.0.1 10.0.0.2
	assert_output --partial '1 received'
	run -0 ip netns exec "$LAB-a" ping -6 -c1 -W2 -I fd00::1 fd00::2
	assert_output --partial '1 received'
	run -0 ip netns exec "$LAB-b" ping -6 -c1 -W2 -I fd00::2 fd00::1
	assert_output --partial '1 received'
	run -126 "$VETHLAB" exec two.yaml a -- ping -c1 -W2 -I 10.0.0.1 10.0.0.2
}

@test "drift made by hand: status and plan show it, up repairs exactly it" {
	# the article, with an address on veth1 too (deleting veth0's would
	# take the route with it)
	article_file "$LAB" | sed 's|^      veth1: {}$|      veth1: {addresses: [192.168.4.1/24]}|' >drift.yaml
	grep -q '192.168.4.1/24' drift.yaml || fail "sed did not add the address"
	run -0 "$VETHLAB" up drift.yaml
	run -0 --separate-stderr "$VETHLAB" status --lab "$LAB"
	assert_line --index 0 "lab $LAB"
	assert_line "node host: netns $LAB-host present"
	assert_line 'in sync with the file'
	assert_equal "$stderr" ''
	run -0 "$VETHLAB" status --json drift.yaml
	assert_equal "$(echo "$output" | json_eval '[d["in_sync"], d["drift"]]')" '[true, []]'

	local ns=$LAB-host
	ip -n "$ns" addr del 192.168.4.1/24 dev veth1
	ip netns exec "$ns" sh -c 'echo 0 >/proc/sys/net/ipv4/conf/veth0/accept_local'
	ip -n "$ns" link set veth1 down

	# the three changes, in any order
	local drift
	drift=$(printf '%s\n' \
		'+ addr 192.168.4.1/24 dev veth1 (host)' \
		'~ link host:veth1 up' \
		'~ sysctl net.ipv4.conf.veth0.accept_local 0 -> 1 (host)')
	run -0 --separate-stderr "$VETHLAB" status drift.yaml
	assert_equal "$stderr" ''
	refute_line 'in sync with the file'
	# the last lines: the heading, then the changes indented
	assert_equal "${lines[-4]}" 'drift (3 changes to match the file):'
	assert_equal "$(printf '%s\n' "${lines[@]: -3}" | sed 's/^  //' | LC_ALL=C sort)" "$drift"
	run -0 "$VETHLAB" status --lab "$LAB"
	assert_equal "${lines[-4]}" 'drift (3 changes to match the file):'
	run -0 "$VETHLAB" status --json drift.yaml
	echo "$output" | python3 -m json.tool >/dev/null || fail "status --json is not JSON: $output"
	assert_equal "$(echo "$output" | json_eval 'd["in_sync"]')" false
	assert_equal "$(echo "$output" | json_eval '"\n".join(sorted(x["text"] for x in d["drift"]))')" "$drift"

	run -2 --separate-stderr "$VETHLAB" plan --exit-code drift.yaml
	assert_equal "$(LC_ALL=C sort <<<"$output")" "$drift"
	assert_equal "$stderr" ''

	run -0 --separate-stderr "$VETHLAB" up drift.yaml
	assert_equal "$(LC_ALL=C sort <<<"$output")" "$drift"
	assert_equal "$stderr" ''
	assert_equal "$(addrs_of "$ns" veth1)" '["192.168.4.1/24"]'
	assert_equal "$(ns_sysctl "$ns" net/ipv4/conf/veth0/accept_local)" 1
	assert_equal "$(ip -n "$ns" -j link show veth1 | json_eval '"UP" in d[0]["flags"]')" true

	run -0 "$VETHLAB" plan --exit-code drift.yaml
	run -0 "$VETHLAB" status --json drift.yaml
	assert_equal "$(echo "$output" | json_eval '[d["in_sync"], d["drift"]]')" '[true, []]'
	run -0 "$VETHLAB" status --lab "$LAB" --json
	assert_equal "$(echo "$output" | json_eval '[d["lab"], d["in_sync"]]')" "[\"$LAB\", true]"
}

@test "up on a converged lab prints nothing and makes no kernel event" {
	article_file "$LAB" >art.yaml
	run -0 "$VETHLAB" up art.yaml
	local ns=$LAB-host
	wait_dad "$ns"
	monitor_start "$ns" mon.txt

	run -0 --separate-stderr "$VETHLAB" up art.yaml
	assert_output ''
	assert_equal "$stderr" ''

	monitor_end "$ns" mon.txt
	run monitor_window mon.txt
	assert_output ''

	# the control: a change that up does make shows in the same monitor
	ip -n "$ns" link set veth1 mtu 1400
	run -0 "$VETHLAB" up art.yaml
	assert_output '~ link host:veth1 mtu 1400 -> 1500'
	wait_for 5 grep -qE '^\[LINK\][0-9]+: veth1@veth0: .* mtu 1500 ' mon.txt ||
		fail "the monitor did not see up's change: $(cat mon.txt)"
}

@test "a new MTU on one link changes that link in place and nothing else" {
	local f
	for f in 1 2; do
		local mtu=''
		[ "$f" = 2 ] && mtu=', mtu: 1400'
		cat >"m$f.yaml" <<EOF
name: $LAB
nodes:
  a:
    interfaces:
      e0: {addresses: [192.168.10.1/24]}
      e1: {addresses: [192.168.11.1/24]$mtu}
  b:
    interfaces:
      e0: {addresses: [192.168.10.2/24]}
      e1: {addresses: [192.168.11.2/24]$mtu}
links:
  - endpoints: [a:e0, b:e0]
  - endpoints: [a:e1, b:e1]
EOF
	done
	run -0 "$VETHLAB" up m1.yaml
	wait_dad "$LAB-a" "$LAB-b"
	local ia ib
	ia=$(ifindexes_of "$LAB-a")
	ib=$(ifindexes_of "$LAB-b")
	monitor_start "$LAB-a" mon-a.txt
	monitor_start "$LAB-b" mon-b.txt

	run -0 --separate-stderr "$VETHLAB" up m2.yaml
	assert_output "$(printf '%s\n' '~ link a:e1 mtu 1500 -> 1400' '~ link b:e1 mtu 1500 -> 1400')"
	assert_equal "$stderr" ''

	monitor_end "$LAB-a" mon-a.txt
	monitor_end "$LAB-b" mon-b.txt
	# same interfaces, same indexes: nothing was recreated
	assert_equal "$(ifindexes_of "$LAB-a")" "$ia"
	assert_equal "$(ifindexes_of "$LAB-b")" "$ib"
	assert_equal "$(links_of "$LAB-a")" \
		'[["e0", "veth", true, "UP", 1500, null], ["e1", "veth", true, "UP", 1400, null], ["lo", null, true, "UNKNOWN", 65536, null]]'
	assert_equal "$(links_of "$LAB-b")" \
		'[["e0", "veth", true, "UP", 1500, null], ["e1", "veth", true, "UP", 1400, null], ["lo", null, true, "UNKNOWN", 65536, null]]'
	# the only events: e1's new MTU, up all along (no flap)
	local side
	for side in a b; do
		run monitor_window "mon-$side.txt"
		assert_line --index 0 --regexp '^\[LINK\][0-9]+: e1@[^ ]+ <[^>]*,UP,LOWER_UP> mtu 1400 '
		refute_line --regexp '^\[LINK\][0-9]+: (e0|lo)'
		refute_line --regexp 'Deleted|state DOWN|NO-CARRIER|\[ADDR\]|\[ROUTE\]'
	done
	run -0 "$VETHLAB" plan --exit-code m2.yaml
}

@test "a link, an address and a route removed from the file are removed from the kernel" {
	cat >full.yaml <<EOF
name: $LAB
nodes:
  a:
    interfaces:
      e0: {addresses: [192.168.10.1/24, 192.168.12.1/24]}
      e1: {addresses: [192.168.11.1/24]}
    routes:
      - {to: 198.51.100.0/24, via: 192.168.10.2}
      - {to: 192.0.2.0/24, via: 192.168.10.2}
      - {to: 203.0.113.0/24, via: 192.168.11.2}
  b:
    interfaces:
      e0: {addresses: [192.168.10.2/24]}
      e1: {addresses: [192.168.11.2/24]}
links:
  - endpoints: [a:e0, b:e0]
  - endpoints: [a:e1, b:e1]
EOF
	cat >less.yaml <<EOF
name: $LAB
nodes:
  a:
    interfaces:
      e0: {addresses: [192.168.10.1/24]}
    routes:
      - {to: 198.51.100.0/24, via: 192.168.10.2}
  b:
    interfaces:
      e0: {addresses: [192.168.10.2/24]}
links:
  - endpoints: [a:e0, b:e0]
EOF
	run -0 "$VETHLAB" up full.yaml
	local ia
	ia=$(ip -n "$LAB-a" -j link show e0 | json_eval 'd[0]["ifindex"]')
	run -0 --separate-stderr "$VETHLAB" up less.yaml
	assert_equal "$stderr" ''
	assert_line '- route 192.0.2.0/24 via 192.168.10.2 dev e0 (a)'
	assert_line '- addr 192.168.12.1/24 dev e0 (a)'
	assert_line '- veth a:e1 <-> b:e1'
	refute_line --partial '198.51.100.0/24'
	refute_line --partial 'e0 <->'

	run ip -n "$LAB-a" -o link show e1
	assert_failure
	run ip -n "$LAB-b" -o link show e1
	assert_failure
	assert_equal "$(addrs_of "$LAB-a" e0)" '["192.168.10.1/24"]'
	assert_equal "$(ip -n "$LAB-a" -j link show e0 | json_eval 'd[0]["ifindex"]')" "$ia"
	assert_equal "$(ip -n "$LAB-a" -j route | json_eval "sorted([r['dst'], r.get('gateway'), str(r.get('protocol'))] for r in d)")" \
		'[["192.168.10.0/24", null, "kernel"], ["198.51.100.0/24", "192.168.10.2", "118"]]'
	run -0 "$VETHLAB" plan --exit-code less.yaml
	run -2 "$VETHLAB" plan --exit-code full.yaml
}

@test "a node removed from the file: its namespace and its link go" {
	cat >abc.yaml <<EOF
name: $LAB
nodes:
  a:
    interfaces:
      e0: {addresses: [192.168.10.1/24]}
  b:
    interfaces:
      e0: {addresses: [192.168.10.2/24]}
      e1: {addresses: [192.168.11.1/24]}
  c:
    interfaces:
      e0: {addresses: [192.168.11.2/24]}
    routes:
      - {to: 192.0.2.0/24, via: 192.168.11.1}
links:
  - endpoints: [a:e0, b:e0]
  - endpoints: [b:e1, c:e0]
EOF
	cat >ab.yaml <<EOF
name: $LAB
nodes:
  a:
    interfaces:
      e0: {addresses: [192.168.10.1/24]}
  b:
    interfaces:
      e0: {addresses: [192.168.10.2/24]}
links:
  - endpoints: [a:e0, b:e0]
EOF
	run -0 "$VETHLAB" up abc.yaml
	[ -e "/run/netns/$LAB-c" ] || fail "no namespace $LAB-c"
	run -0 --separate-stderr "$VETHLAB" up ab.yaml
	assert_equal "$stderr" ''
	assert_line "- netns $LAB-c"
	[ ! -e "/run/netns/$LAB-c" ] || fail "namespace $LAB-c is still there"
	run ip netns list
	refute_line --regexp "^$LAB-c( |\$)"
	run ip -n "$LAB-b" -o link show e1
	assert_failure
	run -0 "$VETHLAB" plan --exit-code ab.yaml
	run -0 "$VETHLAB" ls
	assert_line --regexp "^$LAB +2 namespaces\$"
	run -0 "$VETHLAB" down --lab "$LAB"
	assert_lab_gone "$LAB"
}

# Fresh namespaces number their first veth alike (ifindex 2, peer 2):
# the peer of c:e0 must be found in d, not in a (up exited 1 with
# "interface a:e0 exists, not owned by vethlab" before da10e85).
@test "two separate pairs removed from the file with their nodes: up converges" {
	cat >four.yaml <<EOF
name: $LAB
nodes:
  a:
    interfaces:
      e0: {addresses: [192.168.10.1/24]}
  b:
    interfaces:
      e0: {addresses: [192.168.10.2/24]}
  c:
    interfaces:
      e0: {addresses: [192.168.13.2/24]}
  d:
    interfaces:
      e0: {addresses: [192.168.13.1/24]}
links:
  - endpoints: [a:e0, b:e0]
  - endpoints: [c:e0, d:e0]
EOF
	head -n 8 four.yaml >two.yaml	# nodes a and b
	printf '%s\n' 'links:' '  - endpoints: [a:e0, b:e0]' >>two.yaml
	run -0 "$VETHLAB" up four.yaml
	run -0 --separate-stderr "$VETHLAB" up two.yaml
	refute_line --partial 'a:e0'
	assert_line "- netns $LAB-c"
	assert_line "- netns $LAB-d"
	assert_equal "$stderr" ''
	run -0 --separate-stderr "$VETHLAB" plan --exit-code two.yaml
	assert_equal "$stderr" "no changes: lab $LAB matches two.yaml"
	run -0 "$VETHLAB" status --lab "$LAB"
	refute_output --partial "not vethlab's"
}

@test "exec: runs in the node with fds 0-2 only, passes the exit status through" {
	article_file "$LAB" >art.yaml
	run -0 "$VETHLAB" up art.yaml

	run -7 "$VETHLAB" exec art.yaml host -- sh -c 'exit 7'
	run -127 --separate-stderr "$VETHLAB" exec art.yaml host -- no-such-command-vethlab
	assert_equal "$stderr" 'vethlab exec: no-such-command-vethlab: No such file or directory'
	# killed by a signal: 128 + N
	run -143 "$VETHLAB" exec art.yaml host -- sh -c 'kill -TERM $$'

	run -0 "$VETHLAB" exec art.yaml host -- ip -j link
	assert_equal "$(echo "$output" | json_eval 'sorted(l["ifname"] for l in d)')" '["lo", "veth0", "veth1"]'
	run -0 "$VETHLAB" exec art.yaml host -- readlink /proc/self/ns/net
	assert_output "net:[$(stat -L -c %i "/run/netns/$LAB-host")]"

	# 0, 1, 2 and ls's own directory: not bats's fd 3, nor 7 and 8
	run -0 "$VETHLAB" exec art.yaml host -- ls /proc/self/fd 7</dev/null 8>/dev/null
	assert_output "$(printf '%s\n' 0 1 2 3)"
	# standard input is passed through
	run -0 bash -c '"$VETHLAB" exec "$1" host -- cat <<<"through"' _ art.yaml
	assert_output 'through'

	run -2 --separate-stderr "$VETHLAB" exec art.yaml nosuchnode -- true
	assert_output ''
	assert_equal "$stderr" "vethlab exec: lab $LAB has no node \"nosuchnode\""

	run -0 "$VETHLAB" down art.yaml
	run -1 --separate-stderr "$VETHLAB" exec art.yaml host -- true
	assert_output ''
	assert_equal "$stderr" "vethlab exec: namespace $LAB-host is not this lab's; is the lab up?"
	assert_lab_gone "$LAB"
}

@test "ls lists the lab while it is up, and not after down" {
	article_file "$LAB" >art.yaml
	# another lab of this test stays up throughout, so that ls always has
	# something to list whatever else runs on the machine (see the next
	# test for an empty list)
	article_file "$LAB-keep" >keep.yaml
	run -0 "$VETHLAB" up keep.yaml
	run -0 --separate-stderr "$VETHLAB" ls
	assert_line --regexp "^$LAB-keep +1 namespace\$"
	refute_line --regexp "^$LAB "
	run -0 "$VETHLAB" up art.yaml

	run -0 --separate-stderr "$VETHLAB" ls
	assert_line --regexp "^$LAB +1 namespace\$"
	assert_line --regexp "^$LAB-keep +1 namespace\$"
	assert_equal "$stderr" ''
	run -0 --separate-stderr "$VETHLAB" ls --json
	echo "$output" | python3 -m json.tool >/dev/null || fail "ls --json is not JSON: $output"
	assert_equal "$(echo "$output" | json_eval "[x for x in d if x['lab'] == '$LAB']")" \
		"[{\"lab\": \"$LAB\", \"namespaces\": 1}]"

	run -0 "$VETHLAB" down --lab "$LAB"
	run -0 "$VETHLAB" ls
	refute_line --regexp "^$LAB "
	assert_line --regexp "^$LAB-keep +1 namespace\$"
	run -0 "$VETHLAB" ls --json
	assert_equal "$(echo "$output" | json_eval "[x for x in d if x['lab'] == '$LAB']")" '[]'
	run -0 "$VETHLAB" down keep.yaml
}

# down unpins the namespaces in threads, all at once (core/netns.c): each
# is named once, a pin already removed by hand is no error, and nothing is
# left.
@test "down of a 60-node lab unpins every namespace once; one already gone is fine" {
	"$VL_ROOT/bench/gen-topology" chain 60 --lab "$LAB" >chain.yaml
	run -0 "$VETHLAB" up chain.yaml
	assert_equal "$(netns_with_prefix "$LAB-" | wc -w)" 60
	ip netns del "$LAB-n17"

	run -0 --separate-stderr "$VETHLAB" down chain.yaml
	assert_equal "$stderr" ''
	assert_equal "$(grep -c '^- netns ' <<<"$output")" 60
	assert_equal "$(sort <<<"$output" | uniq -d)" ''
	for i in 1 17 30 60; do
		assert_line "- netns $LAB-n$i"
	done
	assert_lab_gone "$LAB"
}

# A run keeps about three descriptors per namespace open; with a soft
# limit of 64, a 40-node lab needs more, and vethlab raises the limit
# towards the hard one (core/nsset.c) instead of failing with EMFILE.
@test "a lab that needs more descriptors than the soft limit: up, plan and down still work" {
	"$VL_ROOT/bench/gen-topology" chain 40 --lab "$LAB" >chain.yaml
	run -0 --separate-stderr bash -c 'ulimit -Sn 64 && "$VETHLAB" up chain.yaml'
	assert_equal "$stderr" ''
	assert_equal "$(netns_with_prefix "$LAB-" | wc -w)" 40
	run -0 bash -c 'ulimit -Sn 64 && "$VETHLAB" plan --exit-code chain.yaml'
	run -0 bash -c 'ulimit -Sn 64 && "$VETHLAB" down chain.yaml'
	assert_equal "$(grep -c '^- netns ' <<<"$output")" 40
	assert_lab_gone "$LAB"
}

# down FILE needs only the lab's name. The very file the lab was brought
# up from (the copy in its state) is not parsed again, so its warnings are
# not repeated; any other file is checked in full, and an invalid one
# changes nothing.
@test "down FILE: the file the lab came from is not checked again, a changed one is" {
	printf 'name: %s\nnodes:\n  a:\n    interfaces:\n      lo: {addresses: [10.9.0.0/24]}\n' \
		"$LAB" >w.yaml
	run -0 --separate-stderr "$VETHLAB" up w.yaml
	assert_regex "$stderr" 'warning: "10.9.0.0/24" is the network address'
	run -0 --separate-stderr "$VETHLAB" down w.yaml
	assert_equal "$stderr" ''
	assert_output "- netns $LAB-a"
	assert_lab_gone "$LAB"

	# the same lab from a file that differs: checked, warnings and all
	run -0 "$VETHLAB" up w.yaml
	printf '# changed\n' >>w.yaml
	run -0 --separate-stderr "$VETHLAB" down w.yaml
	assert_regex "$stderr" 'warning: "10.9.0.0/24" is the network address'
	assert_output "- netns $LAB-a"
	assert_lab_gone "$LAB"

	# an invalid file naming a lab that is up: refused, the lab stays
	run -0 "$VETHLAB" up w.yaml
	printf 'bogus: 1\n' >>w.yaml
	run -2 --separate-stderr "$VETHLAB" down w.yaml
	assert_regex "$stderr" 'unknown key "bogus"'
	assert_output ''
	assert_equal "$(netns_with_prefix "$LAB-")" "$LAB-a"
	run -0 "$VETHLAB" down --lab "$LAB"
	assert_lab_gone "$LAB"
}

# A pin that cannot be removed (its directory read-only, in a mount
# namespace of the test's own) fails down, names the file, and keeps the
# lab's state; a down where it can be removed finishes the job.
@test "down that cannot remove a pin fails naming it, keeps the lab, and a second down ends it" {
	"$VL_ROOT/bench/gen-topology" chain 20 --lab "$LAB" >chain.yaml
	run -0 "$VETHLAB" up chain.yaml

	run -1 --separate-stderr unshare -m --propagation private \
		sh -c 'mount -o remount,bind,ro /run/netns && exec "$VETHLAB" down --lab "$1"' _ "$LAB"
	assert_output ''
	assert_regex "$stderr" "^vethlab down: down $LAB: remove /run/netns/$LAB-n[0-9]+: Read-only file system\$"
	run -0 "$VETHLAB" ls
	assert_line --regexp "^$LAB +20 namespaces\$"
	assert_equal "$(netns_with_prefix "$LAB-" | wc -w)" 20

	run -0 "$VETHLAB" down --lab "$LAB"
	assert_equal "$(grep -c '^- netns ' <<<"$output")" 20
	assert_lab_gone "$LAB"
}

# In a private mount namespace, over a tmpfs: the machine's labs are not
# seen and nothing outside is touched.
@test "ls with no lab: an empty list, exit 0" {
	local empty='mount -t tmpfs vl-test /run && mkdir /run/vethlab && exec "$VETHLAB" "$@"'
	run -0 --separate-stderr unshare -m --propagation private sh -c "$empty" _ ls
	assert_output ''
	assert_equal "$stderr" ''
	run -0 --separate-stderr unshare -m --propagation private sh -c "$empty" _ ls --json
	assert_output '[]'
	assert_equal "$stderr" ''
	# what kill -9 before the first action leaves: a lock file, no lab
	run -0 --separate-stderr unshare -m --propagation private \
		sh -c 'mount -t tmpfs vl-test /run && mkdir /run/vethlab && : >/run/vethlab/x.lock && exec "$VETHLAB" ls'
	assert_output ''
	assert_equal "$stderr" ''
	# no /run/vethlab at all
	run -0 --separate-stderr unshare -m --propagation private \
		sh -c 'mount -t tmpfs vl-test /run && exec "$VETHLAB" ls'
	assert_output ''
	assert_equal "$stderr" ''
}

@test "up of an invalid file exits 2 and creates nothing" {
	article_file "$LAB" | sed 's|192.168.2.11/24|192.168.2.311/24|' >bad-addr.yaml
	article_file "$LAB" | sed 's|^    routes:|    rootes:|' >bad-key.yaml
	article_file "$LAB" | sed 's|net.ipv4.conf.all.rp_filter: 0|kernel.hostname: 0|' >bad-sysctl.yaml
	printf 'name: %s\nnodes: {host: [unclosed\n' "$LAB" >bad-yaml.yaml
	local f
	for f in bad-addr bad-key bad-sysctl bad-yaml; do
		run -2 --separate-stderr "$VETHLAB" up "$f.yaml"
		assert_output ''
		use_stderr
		assert_line --index 0 --regexp "^$f\\.yaml:[0-9]+:[0-9]+: error: "
		# diagnostics and the count, nothing else (a sanitizer report)
		[[ ${lines[-1]} =~ ^vethlab\ up:\ $f\.yaml:\ [0-9]+\ errors?$ ]] ||
			fail "last line on stderr: ${lines[-1]}"
		run grep -cvE "^($f\\.yaml:[0-9]+:[0-9]+: error: |vethlab up: $f\\.yaml: [0-9]+ errors?\$)" <<<"$stderr"
		assert_output 0
		assert_lab_gone "$LAB"
	done
}

@test "a global forwarding key and a per-interface one: every change converges" {
	# conf.all.forwarding (and ip_forward) is copied onto every interface
	# by the kernel: the per-interface key must be written after it, also
	# when only the global key changes or goes back to its first value
	cat >fw1.yaml <<EOF
name: $LAB
nodes:
  a:
    sysctls:
      net.ipv4.conf.e0.forwarding: 0
      net.ipv4.conf.all.forwarding: 1
    interfaces: {e0: {addresses: [10.0.0.1/30]}}
  b: {interfaces: {e0: {addresses: [10.0.0.2/30]}}}
links: [{endpoints: [a:e0, b:e0]}]
EOF
	sed 's/conf.all.forwarding: 1/conf.all.forwarding: 0/' fw1.yaml >fw2.yaml
	grep -v 'all.forwarding' fw1.yaml >fw3.yaml
	sed 's/net.ipv4.conf.all.forwarding: 1/net.ipv4.ip_forward: 1/' fw1.yaml >fw4.yaml
	local f want_all
	for f in fw1:1 fw2:0 fw1:1 fw3:0 fw4:1; do
		want_all=${f#*:}
		f=${f%:*}
		run -0 "$VETHLAB" up "$f.yaml"
		run -0 "$VETHLAB" plan --exit-code "$f.yaml"
		assert_equal "$(ns_sysctl "$LAB-a" net/ipv4/conf/e0/forwarding)" 0
		assert_equal "$(ns_sysctl "$LAB-a" net/ipv4/conf/all/forwarding)" "$want_all"
	done
}

@test "the host's network namespace is untouched and no lab of this file is left" {
	host_snapshot >host.after
	run diff -u "$BATS_FILE_TMPDIR/host.before" host.after
	assert_success
	run netns_with_prefix "t${BATS_ROOT_PID}-r"
	assert_output ''
	run ls /run/vethlab
	refute_output --partial "t${BATS_ROOT_PID}-r"
}
