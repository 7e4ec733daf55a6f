#!/usr/bin/env bats
# vethlab validate: messages, exit statuses, and the limits on its input.

# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr
# shellcheck disable=SC2016 # bash -c gets $VETHLAB from the environment
load helpers

# Three errors, one per stage: the schema (a misspelt key), a value (an
# address out of range) and the checks on the whole model (a sysctl that
# is not per-namespace).
write_bad() {
	cat >bad.yaml <<'EOF'
name: lab
nodes:
  a:
    interfaces:
      eth0: {adresses: [10.0.0.1/24]}
  b:
    interfaces:
      eth0: {addresses: [192.168.2.300/24]}
    sysctls:
      kernel.hostname: 1
links:
  - endpoints: [a:eth0, b:eth0]
EOF
}

BAD_ERRORS=(
	'bad.yaml:5:14: error: unknown key "adresses" in interface "eth0"; did you mean "addresses"?'
	'bad.yaml:8:26: error: invalid address "192.168.2.300/24": not a valid IPv4 address (four numbers 0-255)'
	'bad.yaml:10:7: error: sysctl "kernel.hostname" is not allowed: a topology may set only the per-namespace net.* keys listed in docs/topology-format.md'
	'vethlab validate: bad.yaml: 3 errors'
)

@test "the article is valid: FILE: ok on stdout, exit 0" {
	run -0 --separate-stderr vethlab validate topologies/article.yaml
	assert_output 'topologies/article.yaml: ok'
	assert_equal "$stderr" ''
}

@test "-q and --quiet print nothing for a valid file" {
	run -0 vethlab validate topologies/article.yaml
	assert_output 'topologies/article.yaml: ok'	# what they silence
	run -0 --separate-stderr vethlab validate -q topologies/article.yaml
	assert_output ''
	assert_equal "$stderr" ''
	run -0 --separate-stderr vethlab validate topologies/article.yaml --quiet
	assert_output ''
	assert_equal "$stderr" ''
}

@test "an invalid file: every error as FILE:LINE:COL quoting the value, exit 1" {
	write_bad
	run -1 --separate-stderr vethlab validate bad.yaml
	assert_output ''
	use_stderr
	assert_output "$(printf '%s\n' "${BAD_ERRORS[@]}")"
}

@test "-q does not hide errors" {
	write_bad
	run -1 --separate-stderr vethlab validate -q bad.yaml
	assert_output ''
	use_stderr
	assert_output "$(printf '%s\n' "${BAD_ERRORS[@]}")"
}

@test "all the errors of a file in one run, in file order, counted" {
	cat >many.yaml <<'EOF'
name: many
nodes:
  r1:
    interfaces:
      e0: {addresses: [10.0.0.1/24, 10.0.0.1/24]}
    routes:
      - {to: 10.9.0.0/16, via: 10.8.0.1}
  R2:
    interfaces:
      e0: {mtu: 12}
    sysctl:
      net.ipv4.ip_forward: 1
links:
  - endpoints: [r1:e0, r3:e0]
  - endpoints: [R2:e0]
EOF
	run -1 --separate-stderr vethlab validate many.yaml
	assert_output ''
	use_stderr
	assert_equal "${#lines[@]}" 8
	assert_line --index 0 'many.yaml:5:37: error: address 10.0.0.1 is already on "r1:e0" (line 5); an address appears once per node'
	assert_line --index 1 'many.yaml:7:32: error: gateway 10.8.0.1 is not on-link: no interface of node "r1" has an address in its subnet'
	assert_line --index 2 "many.yaml:8:3: error: invalid node name \"R2\": only lower-case letters, digits and '-' are allowed (1-32 characters: a-z, 0-9, '-')"
	assert_line --index 3 'many.yaml:10:17: error: expected an MTU (a whole number from 68 to 65535), got "12"'
	assert_line --index 4 'many.yaml:11:5: error: unknown key "sysctl" in node "R2"; did you mean "sysctls"?'
	assert_line --index 5 'many.yaml:14:24: error: link endpoint names unknown node "r3"; did you mean "r1"?'
	assert_line --index 6 'many.yaml:15:16: error: a veth link has exactly 2 endpoints, got 1'
	assert_line --index 7 'vethlab validate: many.yaml: 7 errors'
}

@test "past 100 problems: the first 100 and the true count" {
	{
		echo 'name: flood'
		echo 'nodes:'
		for i in $(seq 1 150); do
			echo "  N$i: {}"
		done
	} >flood.yaml
	run -1 --separate-stderr vethlab validate flood.yaml
	assert_output ''
	use_stderr
	local why="only lower-case letters, digits and '-' are allowed (1-32 characters: a-z, 0-9, '-')"
	assert_equal "${#lines[@]}" 102
	assert_line --index 0 "flood.yaml:3:3: error: invalid node name \"N1\": $why"
	assert_line --index 99 "flood.yaml:102:3: error: invalid node name \"N100\": $why"
	assert_line --index 100 'flood.yaml: too many problems; only the first 100 are shown (150 errors, 0 warnings in all)'
	assert_line --index 101 'vethlab validate: flood.yaml: 150 errors'
}

@test "several files: each is reported, one bad one makes exit 1" {
	write_bad
	run -1 --separate-stderr vethlab validate bad.yaml topologies/article.yaml
	assert_output 'topologies/article.yaml: ok'
	use_stderr
	assert_output "$(printf '%s\n' "${BAD_ERRORS[@]}")"
}

@test "several valid files: one ok line each, exit 0" {
	cp topologies/article.yaml copy.yaml
	run -0 --separate-stderr vethlab validate topologies/article.yaml copy.yaml
	assert_output "$(printf '%s\n' 'topologies/article.yaml: ok' 'copy.yaml: ok')"
	assert_equal "$stderr" ''
}

@test "a missing file: its path and the system's reason, exit 1" {
	run -1 --separate-stderr vethlab validate missing.yaml topologies/article.yaml
	assert_output 'topologies/article.yaml: ok'
	use_stderr
	assert_output 'vethlab validate: read missing.yaml: No such file or directory'
}

@test "a directory is refused, exit 1" {
	run -1 --separate-stderr vethlab validate topologies/
	assert_output ''
	use_stderr
	assert_output 'vethlab validate: read topologies/: Is a directory'
}

@test "- reads standard input" {
	run -0 --separate-stderr vethlab validate - <topologies/article.yaml
	assert_output '-: ok'
	assert_equal "$stderr" ''
	printf 'name: in\nnodes:\n  a: {interfaces: {e0: {mtu: 1}}}\n' >in.yaml
	run -1 --separate-stderr vethlab validate - <in.yaml
	assert_output ''
	use_stderr
	assert_line --index 0 '-:3:20: error: interface "e0" of node "a" is on no link; add it to "links"'
	assert_line --index 1 '-:3:30: error: expected an MTU (a whole number from 68 to 65535), got "1"'
	assert_line --index 2 'vethlab validate: -: 2 errors'
	assert_equal "${#lines[@]}" 3
}

@test "no FILE is a usage error, exit 2" {
	run -2 --separate-stderr vethlab validate
	assert_output ''
	use_stderr
	assert_output 'vethlab validate: no FILE given'
	run -2 --separate-stderr vethlab validate -q --
	assert_output ''
	use_stderr
	assert_output 'vethlab validate: no FILE given'
}

@test "an unknown option is a usage error and nothing is validated, exit 2" {
	run -2 --separate-stderr vethlab validate topologies/article.yaml --strict
	assert_output ''
	use_stderr
	assert_output 'vethlab validate: unknown option "--strict"'
}

@test "\"billion laughs\": anchors are refused at once, nothing expanded" {
	cat >laughs.yaml <<'EOF'
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
EOF
	# 9^9 "lol"s if expanded; timeout exits 124 if it tries
	run -1 --separate-stderr timeout 10 "$VETHLAB" validate laughs.yaml
	assert_output ''
	use_stderr
	assert_output "$(printf '%s\n' \
		'laughs.yaml:1:4: error: YAML anchors (&a) are not supported; write the value out' \
		'vethlab validate: laughs.yaml: 1 error')"
}

@test "an alias without an anchor is refused too" {
	printf 'name: *lab\nnodes: {a: {}}\n' >alias.yaml
	run -1 --separate-stderr vethlab validate alias.yaml
	assert_output ''
	use_stderr
	assert_output "$(printf '%s\n' \
		'alias.yaml:1:7: error: YAML aliases (*lab) are not supported; write the value out' \
		'vethlab validate: alias.yaml: 1 error')"
}

@test "a file over 8 MiB is refused by its size, from a file or a pipe" {
	head -c $((8 * 1024 * 1024 + 1)) /dev/zero | tr '\0' '#' >big.yaml
	run -1 --separate-stderr vethlab validate big.yaml
	assert_output ''
	use_stderr
	assert_output 'vethlab validate: big.yaml: larger than the 8388608-byte limit for a topology'
	run -1 --separate-stderr vethlab validate - <big.yaml
	assert_output ''
	use_stderr
	assert_output 'vethlab validate: -: larger than the 8388608-byte limit for a topology'
}

@test "a valid file of exactly 8 MiB is read, from a file or a pipe" {
	local pad
	cp topologies/article.yaml limit.yaml
	pad=$((8 * 1024 * 1024 - $(stat -c %s limit.yaml)))
	yes '# padding up to the size limit' | head -c "$pad" >>limit.yaml
	assert_equal "$(stat -c %s limit.yaml)" 8388608
	run -0 --separate-stderr vethlab validate limit.yaml
	assert_output 'limit.yaml: ok'
	assert_equal "$stderr" ''
	run -0 --separate-stderr bash -c 'cat limit.yaml | "$VETHLAB" validate -'
	assert_output '-: ok'
	assert_equal "$stderr" ''
}

@test "an empty file is invalid and says what is expected" {
	: >empty.yaml
	run -1 --separate-stderr vethlab validate empty.yaml
	assert_output ''
	use_stderr
	assert_output "$(printf '%s\n' \
		'empty.yaml:1:1: error: the file is empty; expected a mapping with "name" and "nodes"' \
		'vethlab validate: empty.yaml: 1 error')"
}

@test "a tab in the indentation is pointed at" {
	printf 'name: t\nnodes:\n\ta: {}\n' >tab.yaml
	run -1 --separate-stderr vethlab validate tab.yaml
	assert_output ''
	use_stderr
	assert_output "$(printf '%s\n' \
		'tab.yaml:3:1: error: a tab; YAML is indented with spaces only' \
		'vethlab validate: tab.yaml: 1 error')"
}

@test "a repeated key is an error naming the first one" {
	printf 'name: a\nnodes: {a: {}}\nname: b\n' >dup.yaml
	run -1 --separate-stderr vethlab validate dup.yaml
	assert_output ''
	use_stderr
	assert_output "$(printf '%s\n' \
		'dup.yaml:3:1: error: duplicate key "name" (first at line 1, column 1)' \
		'vethlab validate: dup.yaml: 1 error')"
}

@test "warnings are printed but do not make a file invalid" {
	cat >warn.yaml <<'YAML'
name: t
nodes:
  a: {interfaces: {e0: {addresses: [10.0.0.0/24]}, e1: {addresses: [10.0.1.255/24]}}}
links: [{endpoints: [a:e0, a:e1]}]
YAML
	run --separate-stderr vethlab validate warn.yaml
	assert_success
	assert_output "warn.yaml: ok"
	use_stderr
	assert_line --index 0 'warn.yaml:3:37: warning: "10.0.0.0/24" is the network address of its subnet; did you mean a host address?'
	assert_line --index 1 'warn.yaml:3:69: warning: "10.0.1.255/24" is the broadcast address of its subnet; did you mean a host address?'
}
