#!/usr/bin/env bats
# Rootless mode: the article lab run by users without any privilege, in
# user namespaces they own (core/rootless.h). The users are two numeric
# uids no one else has (picked from the run's PID, so parallel runs never
# share one); setpriv(1) runs vethlab as them. Each has its own runtime
# directory ($XDG_RUNTIME_DIR) under the test's work directory, which is
# 0755 so that they can run the copied binary and read the topology.
# Needs root for the set-up only. Labs are t<pid>-r<test number>.
#
# What must be left after `down`: no process of the user (the keeper is
# gone), no namespace, no file in the runtime directory; and never
# anything in /run/netns, /run/vethlab or the host's namespace.

# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr
# shellcheck disable=SC2016 # $$ is for the sh that vethlab exec runs
load helpers

setup_file() {
	kernel_setup_file
}

setup() {
	kernel_setup r
	U1=$((300000 + (BATS_ROOT_PID % 50000) * 2))
	U2=$((U1 + 1))
	W=$(mktemp -d /tmp/vethlab-rl.XXXXXX)
	chmod 755 "$W"
	cp "$VETHLAB" "$W/vethlab"
	article_file "$LAB" >"$W/lab.yaml"
	chmod 644 "$W/lab.yaml"
	local u
	for u in "$U1" "$U2"; do
		mkdir -m 700 "$W/run-$u" "$W/out-$u"
		chown "$u:$u" "$W/run-$u" "$W/out-$u"
	done
}

teardown() {
	local u lab pid
	for u in "$U1" "$U2"; do
		for lab in "$LAB" "$LAB-b"; do
			as "$u" ./vethlab --rootless down --lab "$lab" >/dev/null 2>&1
		done
		# the test's uids are its own: whatever runs as them, it started
		for pid in $(pgrep -u "$u"); do
			kill -KILL "$pid" 2>/dev/null
		done
	done
	rm -rf "$W"
	kernel_teardown
}

teardown_file() {
	kernel_teardown_file r
}

# as UID CMD...: CMD in the work directory as UID (group UID, no other
# group, no capability), with its own runtime directory.
as() {
	local u=$1
	shift
	(cd "$W" && XDG_RUNTIME_DIR="$W/run-$u" setpriv --reuid="$u" --regid="$u" \
		--clear-groups --inh-caps=-all -- "$@")
}

# keeper_of UID: the PID of UID's running keepers (zombies not counted).
keeper_of() {
	ps -u "$1" -o pid=,stat=,comm= | awk '$2 !~ /^Z/ && $3 == "vethlab-keeper" {print $1}'
}

# ended PID: PID runs no more (a zombie not reaped yet has ended).
ended() {
	[ -z "$(ps -p "$1" -o stat= | grep -v '^Z')" ]
}

live_processes() {
	ps -u "$1" -o pid=,stat=,comm= | awk '$2 !~ /^Z/'
}

no_live_process() {
	[ -z "$(live_processes "$1")" ]
}

# assert_nothing_left UID: no process of UID (the keeper ended), nothing
# in its runtime directory, nothing of the lab's in /run/netns or
# /run/vethlab.
assert_nothing_left() {
	wait_for 5 no_live_process "$1" || fail "processes of $1 remain: $(live_processes "$1")"
	local files
	files=$(find "$W/run-$1" -mindepth 1)
	[ -z "$files" ] || fail "the runtime directory of $1 is not empty: $files"
	assert_lab_gone "$LAB"
}

@test "a user without privilege: up goes rootless with a notice, a second up changes nothing, plan, status, ls, down leaves nothing" {
	run -0 --separate-stderr as "$U1" ./vethlab up lab.yaml
	assert_line "+ netns $LAB-host"
	assert_line "+ addr 192.168.2.11/24 dev veth0 (host)"
	assert_equal "$stderr" "vethlab: no root and no capabilities: running rootless, labs in $W/run-$U1/vethlab (--rootless says so)"
	# one keeper, the user's, in a user namespace of its own
	local k
	k=$(keeper_of "$U1")
	[ -n "$k" ] && [ "$(wc -w <<<"$k")" = 1 ] || fail "keepers: '$k'"
	[ "$(readlink "/proc/$k/ns/user")" != "$(readlink /proc/self/ns/user)" ] ||
		fail "the keeper is in the host's user namespace"
	assert_equal "$(awk '/^Uid:/ {print $2}' "/proc/$k/status")" "$U1"
	# nothing of it where root's labs are
	assert_lab_gone "$LAB"
	[ -f "$W/run-$U1/vethlab/$LAB/journal" ] || fail "no journal under XDG_RUNTIME_DIR"

	# nothing to change, and no notice with --rootless
	run -0 --separate-stderr as "$U1" ./vethlab --rootless up lab.yaml
	assert_output ''
	assert_equal "$stderr" ''
	assert_equal "$(keeper_of "$U1")" "$k"
	run -0 --separate-stderr as "$U1" ./vethlab --rootless plan --exit-code lab.yaml
	assert_equal "$stderr" "no changes: lab $LAB matches lab.yaml"
	run -0 as "$U1" ./vethlab --rootless status lab.yaml
	assert_line "node host: netns $LAB-host present"
	assert_line --partial "veth0           up   mtu 1500"
	assert_line "in sync with the file"
	run -0 as "$U1" ./vethlab --rootless status --lab "$LAB" --json
	assert_equal "$(json_eval 'd["in_sync"]' <<<"$output")" true
	run -0 as "$U1" ./vethlab --rootless ls
	assert_output --regexp "^$LAB +1 namespace$"

	run -0 as "$U1" ./vethlab --rootless down lab.yaml
	assert_output "- netns $LAB-host"
	assert_nothing_left "$U1"
}

@test "rootless test: the article's scenarios pass, with pcap files and JUnit written as the user; nothing left" {
	run -0 as "$U1" ./vethlab --rootless test lab.yaml --artifacts "out-$U1/art" \
		--junit "out-$U1/report.xml"
	assert_line --regexp "^4 scenarios, 11 steps: 11 passed, 0 failed \([0-9.]+ s\)$"
	# the captures are real: the ARP request nobody answers, on both ends
	local f
	for f in arp-drop/01-host-veth0.pcap arp-drop/01-host-veth1.pcap; do
		[ "$(stat -c %u "$W/out-$U1/art/$f")" = "$U1" ] || fail "$f is not the user's"
		run -0 tcpdump -nr "$W/out-$U1/art/$f"
		assert_line --partial "ARP, Request who-has 192.168.2.1 tell 192.168.2.11"
	done
	# and the echo reply through lo
	run -0 tcpdump -nr "$W/out-$U1/art/lo-reply/02-host-lo.pcap"
	assert_line --regexp "192\.168\.2\.1 > 192\.168\.2\.11: ICMP echo reply"
	python3 - "$W/out-$U1/report.xml" <<-'EOF' || fail "JUnit report"
		import sys, xml.etree.ElementTree as ET
		r = ET.parse(sys.argv[1]).getroot()
		cases = r.findall(".//testcase")
		assert len(cases) == 11, len(cases)
		assert not r.findall(".//failure"), "failures"
	EOF
	assert_nothing_left "$U1"
}

@test "rootless exec: the child is root of the lab's user namespace, mapped to the user, with CapEff 0, NoNewPrivs 1 and fds 0-2" {
	run -0 as "$U1" ./vethlab --rootless up lab.yaml
	run -0 as "$U1" ./vethlab --rootless exec lab.yaml host -- sh -c \
		'grep -E "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):" /proc/$$/status; ls /proc/$$/fd; cat /proc/$$/uid_map; ip -br addr show dev veth0'
	assert_line --regexp '^CapEff:\s+0{16}$'
	assert_line --regexp '^CapPrm:\s+0{16}$'
	assert_line --regexp '^CapBnd:\s+0{16}$'
	assert_line --regexp '^CapAmb:\s+0{16}$'
	assert_line --regexp '^NoNewPrivs:\s+1$'
	assert_line --regexp "^ +0 +$U1 +1$"
	assert_line --regexp '^veth0@veth1 +UP +192\.168\.2\.11/24'
	# fds: exactly 0, 1 and 2
	assert_equal "$(grep -cx '[0-9]\+' <<<"$output")" 3
	assert_line 0
	assert_line 1
	assert_line 2
	# and it ran in the lab's namespace, not the host's: the host has no
	# such address
	run -0 ip -o addr show to 192.168.2.11
	assert_output ''
	run -0 as "$U1" ./vethlab --rootless down lab.yaml
	assert_nothing_left "$U1"
}

@test "two users' labs of the same name never collide, nor with root's lab of that name" {
	run -0 as "$U1" ./vethlab --rootless up lab.yaml
	assert_line "+ netns $LAB-host"
	run -0 as "$U2" ./vethlab --rootless up lab.yaml
	assert_line "+ netns $LAB-host"
	run -0 "$VETHLAB" up "$W/lab.yaml"
	assert_line "+ netns $LAB-host"
	[ -e "/run/netns/$LAB-host" ] || fail "root's lab is not in /run/netns"
	local k1 k2
	k1=$(keeper_of "$U1")
	k2=$(keeper_of "$U2")
	[ -n "$k1" ] && [ -n "$k2" ] && [ "$k1" != "$k2" ] || fail "keepers: $k1 / $k2"
	[ "$(readlink "/proc/$k1/ns/user")" != "$(readlink "/proc/$k2/ns/user")" ] ||
		fail "the two users share a user namespace"

	# one user's down is its own
	run -0 as "$U1" ./vethlab --rootless down lab.yaml
	assert_output "- netns $LAB-host"
	run -0 as "$U2" ./vethlab --rootless status lab.yaml
	assert_line "in sync with the file"
	run -0 "$VETHLAB" status "$W/lab.yaml"
	assert_line "in sync with the file"
	wait_for 5 no_live_process "$U1" || fail "U1's keeper remains"

	run -0 as "$U2" ./vethlab --rootless down lab.yaml
	run -0 "$VETHLAB" down "$W/lab.yaml"
	assert_nothing_left "$U1"
	assert_nothing_left "$U2"
}

@test "rootless refuses what is out of its reach: root's labs, another user's, the host's namespace" {
	run -0 "$VETHLAB" up "$W/lab.yaml"
	local ino
	ino=$(stat -L -c %i "/run/netns/$LAB-host")
	run -1 --separate-stderr as "$U1" ./vethlab --rootless down --lab "$LAB"
	assert_equal "$stderr" "vethlab down: down $LAB: you have no rootless lab $LAB; /run/vethlab/$LAB is a lab of root's, which rootless vethlab cannot touch (run vethlab as root for it)"
	run -1 --separate-stderr as "$U1" ./vethlab --rootless status --lab "$LAB"
	[[ $stderr == *"/run/vethlab/$LAB is a lab of root's"* ]] || fail "$stderr"
	run -1 --separate-stderr as "$U1" ./vethlab --rootless exec lab.yaml host -- true
	[[ $stderr == *"/run/vethlab/$LAB is a lab of root's"* ]] || fail "$stderr"
	# root's lab is untouched
	assert_equal "$(stat -L -c %i "/run/netns/$LAB-host")" "$ino"
	run -0 "$VETHLAB" down "$W/lab.yaml"

	# another user's lab is not there for U2 at all
	run -0 as "$U1" ./vethlab --rootless up lab.yaml
	run -0 as "$U2" ./vethlab --rootless down --lab "$LAB"
	assert_output ''
	run -0 as "$U1" ./vethlab --rootless status lab.yaml
	assert_line "in sync with the file"
	# and the host's network namespace is not U1's to change: the
	# keeper's (the one commands return to) is an empty one of its own
	local k
	k=$(keeper_of "$U1")
	[ "$(readlink "/proc/$k/ns/net")" != "$(readlink /proc/self/ns/net)" ] ||
		fail "the keeper is in the host's network namespace"
	run -0 as "$U1" ./vethlab --rootless down lab.yaml
	assert_nothing_left "$U1"
	assert_nothing_left "$U2"
}

@test "a keeper killed with SIGKILL takes the lab's namespaces with it; the next command says so and starts clean" {
	run -0 as "$U1" ./vethlab --rootless up lab.yaml
	local k
	k=$(keeper_of "$U1")
	kill -KILL "$k"
	wait_for 5 ended "$k" || fail "keeper $k lives"
	run -0 --separate-stderr as "$U1" ./vethlab --rootless up lab.yaml
	assert_line "+ netns $LAB-host"
	assert_equal "$stderr" "vethlab: lab $LAB: its keeper is gone, and its namespaces with it; forgetting its state"
	[ "$(keeper_of "$U1")" != "$k" ] || fail "the old keeper"
	run -0 as "$U1" ./vethlab --rootless plan --exit-code lab.yaml
	run -0 as "$U1" ./vethlab --rootless down lab.yaml
	assert_nothing_left "$U1"
}

@test "a rootless up that fails leaves nothing: no keeper, no state" {
	# a gateway the kernel refuses only at up time would do; simplest is
	# an injected failure at the third action
	run -1 env VETHLAB_TEST_FAIL_AT=3 XDG_RUNTIME_DIR="$W/run-$U1" \
		setpriv --reuid="$U1" --regid="$U1" --clear-groups --inh-caps=-all -- \
		sh -c "cd '$W' && ./vethlab --rootless up lab.yaml"
	assert_output --partial "rolled back"
	assert_nothing_left "$U1"
}

@test "the runtime directory: \$XDG_RUNTIME_DIR/vethlab, else \$TMPDIR/vethlab-UID; one that is not the user's own is refused" {
	mkdir -m 1777 "$W/tmp"
	# no XDG_RUNTIME_DIR (and no /run/user/UID for this uid): TMPDIR
	run -0 --separate-stderr env -u XDG_RUNTIME_DIR TMPDIR="$W/tmp" \
		setpriv --reuid="$U1" --regid="$U1" --clear-groups --inh-caps=-all -- \
		sh -c "cd '$W' && ./vethlab plan lab.yaml"
	assert_equal "$stderr" "vethlab: no root and no capabilities: running rootless, labs in $W/tmp/vethlab-$U1 (--rootless says so)"
	[ ! -e "$W/tmp/vethlab-$U1" ] || fail "plan left $W/tmp/vethlab-$U1"
	# an XDG_RUNTIME_DIR of someone else's (root's) is passed over
	run -0 --separate-stderr env XDG_RUNTIME_DIR="$W" TMPDIR="$W/tmp" \
		setpriv --reuid="$U1" --regid="$U1" --clear-groups --inh-caps=-all -- \
		sh -c "cd '$W' && ./vethlab plan lab.yaml"
	[[ $stderr == *"labs in $W/tmp/vethlab-$U1 "* ]] || fail "$stderr"
	# a vethlab-UID made by someone else in the shared directory is refused
	mkdir -m 700 "$W/tmp/vethlab-$U1"
	run -4 --separate-stderr env -u XDG_RUNTIME_DIR TMPDIR="$W/tmp" \
		setpriv --reuid="$U1" --regid="$U1" --clear-groups --inh-caps=-all -- \
		sh -c "cd '$W' && ./vethlab up lab.yaml"
	assert_equal "$stderr" "vethlab: rootless: $W/tmp/vethlab-$U1 is not a private directory of this user's (owner or mode): remove it, or set XDG_RUNTIME_DIR to a directory of yours"
	assert_equal "$output" ''
	[ -z "$(find "$W/tmp/vethlab-$U1" -mindepth 1)" ] || fail "something was made"
	wait_for 5 no_live_process "$U1" || fail "a process of $U1 remains"
}

@test "root may ask for rootless too: the lab is in a user namespace, not in /run/netns" {
	mkdir -m 700 "$W/run-root"
	run -0 env XDG_RUNTIME_DIR="$W/run-root" "$VETHLAB" --rootless up "$W/lab.yaml"
	assert_line "+ netns $LAB-host"
	assert_lab_gone "$LAB"
	[ -f "$W/run-root/vethlab/$LAB/journal" ] || fail "no journal under XDG_RUNTIME_DIR"
	run -0 env XDG_RUNTIME_DIR="$W/run-root" "$VETHLAB" --rootless exec "$W/lab.yaml" host -- \
		cat /proc/self/uid_map
	assert_output --regexp '^ +0 +0 +1$'
	local k
	read -r k _ <"$W/run-root/vethlab/$LAB.keeper"
	assert_equal "$(ps -p "$k" -o comm=)" vethlab-keeper
	run -0 env XDG_RUNTIME_DIR="$W/run-root" "$VETHLAB" --rootless down "$W/lab.yaml"
	[ -z "$(find "$W/run-root" -mindepth 1)" ] || fail "state left: $(find "$W/run-root")"
	wait_for 5 ended "$k" || fail "root's keeper $k remains"
}
