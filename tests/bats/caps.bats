#!/usr/bin/env bats
# Privileges: before a command does anything, vethlab refuses to run
# set-user-ID, checks that the command has the capabilities it needs (exit
# 4 naming the missing ones, nothing made), keeps those and drops the rest,
# bounding set included. validate and graph need none. setpriv(1) takes
# capabilities away or runs vethlab as nobody. Needs root. Labs are
# t<pid>-c<test number>.
#
# nobody runs files of the test's directory by relative paths: the
# directory is 0755 but bats's run directory above it is 0700.

# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr
# shellcheck disable=SC2016 # $PPID is for the sh that vethlab exec runs
load helpers

setup_file() {
	kernel_setup_file
}

setup() {
	kernel_setup c
	article_file "$LAB" >lab.yaml
}

teardown() {
	kernel_teardown
}

teardown_file() {
	kernel_teardown_file c
}

# needs COMMAND: the capabilities COMMAND needs, in the order vethlab
# names them (cmd/vethlab.c, and vethlab(1) PRIVILEGES).
needs() {
	case $1 in
	validate | graph) echo "" ;;
	up) echo "sys_admin net_admin dac_override" ;;
	plan | status | down) echo "sys_admin dac_override" ;;
	ls) echo "dac_override" ;;
	exec) echo "sys_admin setpcap dac_override" ;;
	test) echo "sys_admin net_admin net_raw setpcap dac_override" ;;
	*) fail "needs: no command $1" ;;
	esac
}

# The setcap line of the message: every capability any command needs.
SETCAP=cap_dac_override,cap_setpcap,cap_net_admin,cap_net_raw,cap_sys_admin+ep

# cap_mask "NAME...": the capabilities as /proc/PID/status shows them
# (numbers from <linux/capability.h>).
cap_mask() {
	local m=0 c b
	for c in $1; do
		case $c in
		dac_override) b=1 ;;
		setpcap) b=8 ;;
		net_admin) b=12 ;;
		net_raw) b=13 ;;
		sys_admin) b=21 ;;
		*) fail "cap_mask: $c" ;;
		esac
		m=$((m | 1 << b))
	done
	printf '%016x' "$m"
}

# setpriv's list: "-all,+a,+b" for "a b".
cap_list() {
	local s=-all c
	for c in $1; do
		s+=",+$c"
	done
	echo "$s"
}

# as_nobody "CAPS" CMD...: CMD as uid and gid 65534, no supplementary
# groups, with CAPS (and no others) as ambient capabilities.
as_nobody() {
	local caps
	caps=$(cap_list "$1")
	shift
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps="$caps" \
		--ambient-caps="$caps" -- "$@"
}

# only "CAPS" CMD...: CMD as root with only CAPS (its bounding set).
only() {
	local caps
	caps=$(cap_list "$1")
	shift
	setpriv --inh-caps=-all --ambient-caps=-all --bounding-set="$caps" -- "$@"
}

# without CAP CMD...: CMD as root with every capability but CAP.
without() {
	local cap=$1
	shift
	setpriv --inh-caps=-all --ambient-caps=-all --bounding-set="-$cap" -- "$@"
}

# caps_seen PID: "Inh Prm Eff Bnd Amb" of PID, as /proc/PID/status has them.
caps_seen() {
	awk '/^Cap(Inh|Prm|Eff|Bnd|Amb):/ {printf "%s%s", sep, $2; sep = " "} END {print ""}' \
		"/proc/$1/status" 2>/dev/null
}

caps_are() {
	[ "$(caps_seen "$1")" = "$2" ]
}

# while_reading WANT FILE CMD...: starts CMD (a program that executes
# vethlab in its own process, not a function), which reads its topology
# from standard input (a FIFO, empty for now), checks that while it
# waits its capabilities become WANT ("Inh Prm Eff Bnd Amb"), then feeds
# it FILE and waits for it: $status, and its output in out and err.
while_reading() {
	local want=$1 file=$2 w pid seen
	shift 2
	rm -f fifo
	mkfifo fifo
	exec {w}<>fifo
	"$@" <fifo >out 2>err {w}>&- 3>&- &
	pid=$!
	BG_PIDS+=("$pid")
	if ! wait_for 5 caps_are "$pid" "$want"; then
		seen=$(caps_seen "$pid")
		exec {w}>&-
		wait "$pid" || true
		fail "$*: capabilities while reading its file: $seen, not $want"
	fi
	cat "$file" >&"$w"
	exec {w}>&-
	status=0
	wait "$pid" || status=$?
}

@test "validate and graph work as nobody without any capability; up as root without any does not" {
	run -0 as_nobody "" "$VETHLAB" validate topologies/article.yaml
	assert_output 'topologies/article.yaml: ok'
	run -0 as_nobody "" "$VETHLAB" graph topologies/article.yaml
	assert_line --index 0 'graph "article" {'
	# and as root with an empty bounding set, which leaves root nothing
	run -0 only "" "$VETHLAB" validate lab.yaml
	run -0 only "" "$VETHLAB" graph --format mermaid lab.yaml

	# root without capabilities cannot bring a lab up: every one is
	# missing (nobody would go rootless instead: rootless.bats)
	run -4 --separate-stderr only "" "$VETHLAB" up lab.yaml
	assert_equal "$output" ''
	assert_equal "$stderr" "vethlab: up needs cap_sys_admin, cap_net_admin and cap_dac_override, and this process lacks cap_sys_admin, cap_net_admin and cap_dac_override: run as root, grant file capabilities (setcap $SETCAP vethlab), or run rootless (vethlab --rootless up)"
	assert_lab_gone "$LAB"
}

@test "without any one capability it needs, each command exits 4, names it, and makes nothing" {
	local line cap
	local -a argv
	for line in "up lab.yaml" "plan lab.yaml" "status lab.yaml" "status --lab $LAB" \
		"down lab.yaml" "ls" "exec lab.yaml host -- true" "test lab.yaml"; do
		read -ra argv <<<"$line"
		for cap in $(needs "${argv[0]}"); do
			run --separate-stderr without "$cap" "$VETHLAB" "${argv[@]}"
			[ "$status" -eq 4 ] || fail "$line without $cap: exit $status: $stderr"
			assert_equal "$output" ''
			[[ $stderr == "vethlab: ${argv[0]} needs "*", and this process lacks cap_$cap: run as root, grant file capabilities (setcap $SETCAP vethlab), or run rootless (vethlab --rootless ${argv[0]})" ]] ||
				fail "$line without $cap: $stderr"
			assert_lab_gone "$LAB"
		done
	done
	assert_equal "$stderr" "vethlab: test needs cap_sys_admin, cap_net_admin, cap_net_raw, cap_setpcap and cap_dac_override, and this process lacks cap_dac_override: run as root, grant file capabilities (setcap $SETCAP vethlab), or run rootless (vethlab --rootless test)"

	# a lab that is up is left as it is
	run -0 "$VETHLAB" up lab.yaml
	run -4 without sys_admin "$VETHLAB" down lab.yaml
	[ -n "$(netns_with_prefix "$LAB-")" ] || fail "down without cap_sys_admin removed the namespace"
	[ -e "/run/vethlab/$LAB/journal" ] || fail "down without cap_sys_admin removed the state"
	sed 's#192\.168\.2\.11/24#192.168.2.12/24#' lab.yaml >moved.yaml
	run -4 without net_admin "$VETHLAB" up moved.yaml
	run -0 "$VETHLAB" plan --exit-code lab.yaml
	run -2 "$VETHLAB" plan --exit-code moved.yaml
}

@test "as root with exactly the capabilities vethlab(1) lists, each command works" {
	run -0 only "$(needs up)" "$VETHLAB" up lab.yaml
	assert_line "+ netns $LAB-host"
	run -0 --separate-stderr only "$(needs plan)" "$VETHLAB" plan lab.yaml
	assert_equal "$stderr" "no changes: lab $LAB matches lab.yaml"
	run -0 only "$(needs status)" "$VETHLAB" status lab.yaml
	assert_line 'in sync with the file'
	run -0 only "$(needs status)" "$VETHLAB" status --lab "$LAB"
	assert_line 'in sync with the file'
	run -0 only "$(needs ls)" "$VETHLAB" ls
	assert_line --regexp "^$LAB +1 namespace\$"
	run -0 only "$(needs exec)" "$VETHLAB" exec lab.yaml host -- ip -o -4 addr show dev veth0
	assert_output --partial 'inet 192.168.2.11/24'
	# pings with captures, set steps, route and neighbour lookups
	run -0 only "$(needs test)" "$VETHLAB" test lab.yaml --artifacts art --junit junit.xml
	assert_line --regexp '^4 scenarios, 11 steps: 11 passed, 0 failed '
	[ -s art/lo-reply/02-host-lo.pcap ] || fail "no pcap written"
	run -0 only "$(needs down)" "$VETHLAB" down lab.yaml
	assert_output "- netns $LAB-host"
	assert_lab_gone "$LAB"
	# test on a lab that is not up brings it up and down again
	run -0 only "$(needs test)" "$VETHLAB" test lab.yaml lo-reply
	assert_lab_gone "$LAB"
}

@test "vethlab keeps only what the command needs: its capabilities while it reads its file" {
	local zero=0000000000000000 cmd mask
	for cmd in validate graph up plan status exec test down; do
		mask=$(cap_mask "$(needs "$cmd")")
		case $cmd in
		exec) while_reading "$zero $mask $mask $zero $zero" lab.yaml "$VETHLAB" exec - host -- true ;;
		*) while_reading "$zero $mask $mask $zero $zero" lab.yaml "$VETHLAB" "$cmd" - ;;
		esac
		[ "$status" -eq 0 ] || fail "$cmd -: exit $status: $(cat err)"
	done
	assert_lab_gone "$LAB"

	# Without CAP_SETPCAP the bounding set cannot be emptied, and stays;
	# the rest is dropped all the same.
	local bnd
	bnd=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
	bnd=$(printf '%016x' $((0x$bnd & ~(1 << 8))))
	mask=$(cap_mask "$(needs up)")
	# (setpriv, not without: CMD must exec, keeping its process ID)
	while_reading "$zero $mask $mask $bnd $zero" lab.yaml \
		setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-setpcap -- "$VETHLAB" up -
	[ "$status" -eq 0 ] || fail "up - without cap_setpcap: exit $status: $(cat err)"
	[ "$bnd" != "$zero" ] || fail "the bounding set of the tests is empty"
}

@test "exec steps still drop everything after vethlab emptied its bounding set; vethlab test holds only its own" {
	local mask
	mask=$(cap_mask "$(needs test)")
	{
		article_head "$LAB"
		cat <<'EOF'
  caps:
    steps:
      - exec: {node: host, argv: [sh, -c, "grep ^Cap /proc/$PPID/status"], expect: {output: "^CapInh:\\s+0{16}\nCapPrm:\\s+MASK\nCapEff:\\s+MASK\nCapBnd:\\s+0{16}\nCapAmb:\\s+0{16}\n$"}}
      - exec: {node: host, argv: [grep, ^Cap, /proc/self/status], expect: {output: "^CapInh:\\s+0{16}\nCapPrm:\\s+0{16}\nCapEff:\\s+0{16}\nCapBnd:\\s+0{16}\nCapAmb:\\s+0{16}\n$"}}
EOF
	} | sed "s/MASK/$mask/g" >x.yaml
	run -0 --separate-stderr "$VETHLAB" test x.yaml
	assert_line --regexp '^  ok +1 exec host sh '
	assert_line --regexp '^  ok +2 exec host grep '
	assert_line --regexp '^1 scenario, 2 steps: 2 passed, 0 failed '
	assert_lab_gone "$LAB"

	# vethlab exec: the command has nothing, vethlab only exec's row
	run -0 "$VETHLAB" up lab.yaml
	run -0 "$VETHLAB" exec lab.yaml host -- sh -c 'grep ^Cap /proc/$PPID/status'
	mask=$(cap_mask "$(needs exec)")
	assert_line --regexp "^CapEff:\s+$mask\$"
	assert_line --regexp '^CapBnd:\s+0{16}$'
	run -0 "$VETHLAB" exec lab.yaml host -- grep ^Cap /proc/self/status
	assert_line --regexp '^CapPrm:\s+0{16}$'
	assert_line --regexp '^CapEff:\s+0{16}$'
	assert_line --regexp '^CapBnd:\s+0{16}$'
}

@test "another user: with the capabilities of each row, cap_dac_override included, every command works" {
	# /run/vethlab and /run/netns are root's: without cap_dac_override,
	# nothing can be made there
	run -4 --separate-stderr as_nobody "sys_admin net_admin" "$VETHLAB" up lab.yaml
	[[ $stderr == *", and this process lacks cap_dac_override: "* ]] || fail "$stderr"
	assert_lab_gone "$LAB"

	run -0 as_nobody "$(needs up)" "$VETHLAB" up lab.yaml
	assert_line "+ netns $LAB-host"
	run -0 as_nobody "$(needs plan)" "$VETHLAB" plan --exit-code lab.yaml
	run -0 as_nobody "$(needs status)" "$VETHLAB" status lab.yaml
	assert_line 'in sync with the file'
	run -0 as_nobody "$(needs ls)" "$VETHLAB" ls
	assert_line --regexp "^$LAB +1 namespace\$"
	run -0 as_nobody "$(needs exec)" "$VETHLAB" exec lab.yaml host -- id -u
	assert_output 65534
	run -0 as_nobody "$(needs test)" "$VETHLAB" test lab.yaml lo-reply
	assert_line --regexp '^1 scenario, 3 steps: 3 passed, 0 failed '
	# root (with cap_dac_override) sees and can take down nobody's lab
	run -0 "$VETHLAB" status --lab "$LAB"
	run -0 as_nobody "$(needs down)" "$VETHLAB" down lab.yaml
	assert_output "- netns $LAB-host"
	assert_lab_gone "$LAB"
}

@test "a copy with the file capabilities the message suggests works for nobody" {
	cp "$VETHLAB" vethlab-fcaps
	# control: without file capabilities nobody runs rootless (plan
	# changes nothing, and says it is rootless)
	run -0 --separate-stderr as_nobody "" ./vethlab-fcaps plan lab.yaml
	[[ $stderr == "vethlab: no root and no capabilities: running rootless, labs in "* ]] ||
		fail "not rootless: $stderr"
	setcap "$SETCAP" vethlab-fcaps
	run -0 getcap vethlab-fcaps
	assert_output --partial cap_sys_admin
	run -0 as_nobody "" ./vethlab-fcaps up lab.yaml
	assert_line "+ netns $LAB-host"
	run -0 as_nobody "" ./vethlab-fcaps exec lab.yaml host -- sh -c 'id -u; grep ^CapEff /proc/self/status'
	assert_line 65534
	assert_line --regexp '^CapEff:\s+0{16}$'
	run -0 as_nobody "" ./vethlab-fcaps down lab.yaml
	assert_lab_gone "$LAB"
}

@test "a copy with file capabilities uses cap_dac_override only for its own files, not for the files nobody names" {
	local zero=0000000000000000 mask eff
	cp "$VETHLAB" vethlab-fcaps
	setcap "$SETCAP" vethlab-fcaps
	# root's, for root only: a directory, a topology, and a file to spoil
	mkdir -m 0700 rootdir
	cp lab.yaml secret.yaml
	chmod 0600 secret.yaml
	echo root >victim.xml
	chmod 0644 victim.xml
	# nobody's, for the reports
	install -d -o 65534 -g 65534 reports

	# while it reads its file, cap_dac_override is permitted, not effective
	mask=$(cap_mask "$(needs up)")
	eff=$(cap_mask "sys_admin net_admin")
	while_reading "$zero $mask $eff $zero $zero" lab.yaml \
		setpriv --reuid=65534 --regid=65534 --clear-groups -- ./vethlab-fcaps up -
	[ "$status" -eq 0 ] || fail "up - as nobody: exit $status: $(cat err)"
	run -0 as_nobody "" ./vethlab-fcaps down lab.yaml
	assert_lab_gone "$LAB"

	# files nobody names are opened with nobody's rights
	run --separate-stderr as_nobody "" ./vethlab-fcaps validate secret.yaml
	[ "$status" -ne 0 ] || fail "validate of root's 0600 file worked"
	[[ $stderr == *"Permission denied"* ]] || fail "validate: $stderr"
	run --separate-stderr as_nobody "" ./vethlab-fcaps up secret.yaml
	[ "$status" -ne 0 ] && [ "$status" -ne 4 ] || fail "up of root's 0600 file: exit $status"
	[[ $stderr == *"Permission denied"* ]] || fail "up: $stderr"
	assert_lab_gone "$LAB"
	run --separate-stderr as_nobody "" ./vethlab-fcaps test lab.yaml lo-reply --junit rootdir/x.xml
	assert_equal "$status" 1
	[[ $stderr == *"write rootdir/x.xml: Permission denied"* ]] || fail "test --junit: $stderr"
	run -0 ls -A rootdir
	assert_output ''
	assert_lab_gone "$LAB"
	run --separate-stderr as_nobody "" ./vethlab-fcaps test lab.yaml lo-reply --junit victim.xml
	assert_equal "$status" 1
	[[ $stderr == *"write victim.xml: Permission denied"* ]] || fail "test --junit: $stderr"
	assert_equal "$(cat victim.xml)" root
	assert_lab_gone "$LAB"
	run as_nobody "" ./vethlab-fcaps test lab.yaml lo-reply --artifacts rootdir/art
	assert_equal "$status" 1
	assert_output --partial "create rootdir/art/lo-reply: Permission denied"
	run -0 ls -A rootdir
	assert_output ''
	assert_lab_gone "$LAB"

	# a readable topology and nobody's own directory: everything works
	run -0 as_nobody "" ./vethlab-fcaps up lab.yaml
	assert_line "+ netns $LAB-host"
	run -0 as_nobody "" ./vethlab-fcaps status lab.yaml
	assert_line 'in sync with the file'
	run -0 as_nobody "" ./vethlab-fcaps ls
	assert_line --regexp "^$LAB +1 namespace\$"
	run -0 as_nobody "" ./vethlab-fcaps test lab.yaml lo-reply --junit reports/junit.xml --artifacts reports/art
	assert_line --regexp '^1 scenario, 3 steps: 3 passed, 0 failed '
	[ -s reports/junit.xml ] || fail "no JUnit report"
	[ -s reports/art/lo-reply/02-host-lo.pcap ] || fail "no pcap written"
	assert_equal "$(stat -c %u reports/junit.xml)" 65534
	run -0 as_nobody "" ./vethlab-fcaps down lab.yaml
	assert_output "- netns $LAB-host"
	assert_lab_gone "$LAB"
}

@test "root keeps cap_dac_override effective: another user's files, and another user's labs" {
	local zero=0000000000000000 mask
	cp "$VETHLAB" vethlab-fcaps
	setcap "$SETCAP" vethlab-fcaps
	mkdir -m 0700 rootdir
	# nobody's home, 0700, and nobody's 0600 topology in it (sudo vethlab up ~/lab.yaml)
	install -d -m 0700 -o 65534 -g 65534 home
	install -m 0600 -o 65534 -g 65534 lab.yaml home/lab.yaml

	mask=$(cap_mask "$(needs up)")
	while_reading "$zero $mask $mask $zero $zero" lab.yaml ./vethlab-fcaps up -
	[ "$status" -eq 0 ] || fail "up - as root: exit $status: $(cat err)"
	run -0 "$VETHLAB" down lab.yaml

	run -0 ./vethlab-fcaps up home/lab.yaml
	assert_line "+ netns $LAB-host"
	run -0 only "$(needs test)" "$VETHLAB" test home/lab.yaml lo-reply --junit rootdir/x.xml --artifacts rootdir/art
	[ -s rootdir/x.xml ] || fail "no JUnit report"
	[ -s rootdir/art/lo-reply/02-host-lo.pcap ] || fail "no pcap written"
	run -0 only "$(needs down)" "$VETHLAB" down home/lab.yaml
	assert_lab_gone "$LAB"

	# nobody's lab (state 0700 and 0600, nobody's): root sees it and takes it down
	run -0 as_nobody "" ./vethlab-fcaps up lab.yaml
	run -0 ./vethlab-fcaps status --lab "$LAB"
	assert_line 'in sync with the file'
	run -0 only "$(needs ls)" "$VETHLAB" ls
	assert_line --regexp "^$LAB +1 namespace\$"
	run -0 ./vethlab-fcaps down lab.yaml
	assert_output "- netns $LAB-host"
	assert_lab_gone "$LAB"
}

@test "set-user-ID and set-group-ID copies are refused with the reason; exit 4, nothing made" {
	# a mount with nosuid would make the copies plain ones
	run -0 findmnt -n -o OPTIONS -T .
	[[ ,$output, != *,nosuid,* ]] || fail "$BATS_TEST_TMPDIR is on a nosuid mount"
	cp "$VETHLAB" vethlab-suid
	chmod 4755 vethlab-suid
	run -4 --separate-stderr as_nobody "" ./vethlab-suid validate topologies/article.yaml
	assert_equal "$output" ''
	assert_equal "$stderr" "vethlab: refusing to run set-user-ID or set-group-ID (uid 65534, effective uid 0, gid 65534, effective gid 65534): a set-user-ID lab tool would let any user reconfigure this machine's namespaces and mounts; grant capabilities to a copy that only a trusted group may run (setcap) instead, or run it rootless (vethlab --rootless COMMAND)"
	run -4 as_nobody "" ./vethlab-suid --version
	run -4 as_nobody "" ./vethlab-suid up lab.yaml
	assert_lab_gone "$LAB"
	# root running it is not set-user-ID: the IDs are the same
	run -0 ./vethlab-suid validate lab.yaml

	chmod 2755 vethlab-suid
	run -4 --separate-stderr as_nobody "" ./vethlab-suid validate lab.yaml
	[[ $stderr == *"(uid 65534, effective uid 65534, gid 65534, effective gid 0)"* ]] || fail "$stderr"

	# control: the same copy without the bits runs
	chmod 0755 vethlab-suid
	run -0 as_nobody "" ./vethlab-suid validate lab.yaml
}

@test "help, the version and usage errors need no privilege; --help after -- is the command's" {
	run -0 as_nobody "" "$VETHLAB" up --help
	assert_line --index 0 'Usage: vethlab up FILE'
	run -0 as_nobody "" "$VETHLAB" test lab.yaml --he
	assert_line --index 0 --partial 'Usage: vethlab test FILE'
	run -0 as_nobody "" "$VETHLAB" exec -h
	assert_line --index 0 --partial 'Usage: vethlab exec FILE NODE'
	run -0 as_nobody "" "$VETHLAB" --version
	run -2 as_nobody "" "$VETHLAB" frobnicate
	run -2 as_nobody "" "$VETHLAB"
	# after --, --help is an argument of COMMAND: exec needs its privileges
	# (root without capabilities: nobody would go rootless)
	run -4 --separate-stderr only "" "$VETHLAB" exec lab.yaml host -- true --help
	[[ $stderr == "vethlab: exec needs "* ]] || fail "$stderr"
	# the check comes before the arguments are read
	run -4 only "" "$VETHLAB" up
}
