#!/usr/bin/env bats
# vethlab graph: DOT and Mermaid output, that Graphviz accepts what it
# writes, and its exit statuses.

# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr
# shellcheck disable=SC2016 # bash -c gets $VETHLAB from the environment
load helpers

# The article's drawing, as documented: one cluster per namespace, one
# box per interface with its addresses, one edge per veth pair.
article_dot() {
	cat <<'EOF'
graph "article" {
	compound=true;
	node [shape=box, style=rounded];
	subgraph cluster_n0 {
		label="host (netns article-host)";
		n0_i1 [label="veth0\n192.168.2.11/24"];
		n0_i2 [label="veth1"];
	}
	n0_i1 -- n0_i2 [label="veth"];
}
EOF
}

article_mermaid() {
	cat <<'EOF'
flowchart LR
	subgraph n0["host (netns article-host)"]
		n0_i1["veth0<br/>192.168.2.11/24"]
		n0_i2["veth1"]
	end
	n0_i1 ---|veth| n0_i2
EOF
}

# Two nodes, with what is drawn differently: a configured lo, an
# interface declared down with two families of address, an interface that
# only a link names, and a node with nothing else (an empty cluster).
write_two() {
	cat >two.yaml <<'EOF'
name: two
nodes:
  r:
    interfaces:
      lo: {addresses: [10.255.0.1/32]}
      e0: {addresses: [10.0.0.1/24, "2001:db8::1/64"], state: down}
  s: {}
  empty: {}
links:
  - endpoints: [r:e0, s:e1]
EOF
}

# Interface names may hold any byte but '/', ':', '%' and whitespace
# (the kernel's dev_valid_name): a quote and a backslash must be escaped.
write_quotes() {
	cat >quotes.yaml <<'EOF'
name: quotes
nodes:
  left:
    interfaces:
      'a"b': {addresses: [10.0.0.1/24]}
  right:
    interfaces:
      'x\': {addresses: [10.0.0.2/24]}
links:
  - endpoints: ['left:a"b', 'right:x\']
EOF
}

@test "the article in DOT by default" {
	run -0 --separate-stderr vethlab graph topologies/article.yaml
	assert_output "$(article_dot)"
	assert_equal "$stderr" ''
}

@test "-f dot, --format dot and --format=dot are the default" {
	local opts
	for opts in '-f dot' '--format dot' '--format=dot'; do
		# shellcheck disable=SC2086 # split the option from its value
		run -0 --separate-stderr vethlab graph $opts topologies/article.yaml
		assert_output "$(article_dot)"
		assert_equal "$stderr" ''
	done
}

@test "the article in Mermaid with --format mermaid, --format=mermaid and -f mermaid" {
	local opts
	for opts in '--format mermaid' '--format=mermaid' '-f mermaid'; do
		# shellcheck disable=SC2086
		run -0 --separate-stderr vethlab graph topologies/article.yaml $opts
		assert_output "$(article_mermaid)"
		assert_equal "$stderr" ''
	done
}

@test "the last --format wins" {
	run -0 vethlab graph -f dot topologies/article.yaml --format mermaid
	assert_output "$(article_mermaid)"
}

@test "dot -Tsvg renders the article: the cluster, both boxes and the edge" {
	require_dot
	run -0 vethlab graph topologies/article.yaml
	run -0 --separate-stderr dot -Tsvg <<<"$output"
	assert_equal "$stderr" ''
	assert_output --partial '<svg'
	assert_line '<title>cluster_n0</title>'
	assert_line '<title>n0_i1&#45;&#45;n0_i2</title>'
	assert_line --regexp '>host \(netns article&#45;host\)</text>$'
	assert_line --regexp '>veth0</text>$'
	assert_line --regexp '>192\.168\.2\.11/24</text>$'
	assert_line --regexp '>veth1</text>$'
}

@test "lo, a down interface, two address families and empty nodes in DOT" {
	write_two
	run -0 --separate-stderr vethlab graph two.yaml
	assert_equal "$stderr" ''
	assert_output "$(cat <<'EOF'
graph "two" {
	compound=true;
	node [shape=box, style=rounded];
	subgraph cluster_n0 {
		label="r (netns two-r)";
		n0_i0 [label="lo\n10.255.0.1/32"];
		n0_i1 [label="e0 (down)\n10.0.0.1/24\n2001:db8::1/64"];
	}
	subgraph cluster_n1 {
		label="s (netns two-s)";
		n1_i1 [label="e1"];
	}
	subgraph cluster_n2 {
		label="empty (netns two-empty)";
		n2 [shape=point, style=invis];
	}
	n0_i1 -- n1_i1 [label="veth"];
}
EOF
)"
}

@test "dot accepts the two-node lab and draws its three clusters" {
	require_dot
	write_two
	run -0 vethlab graph two.yaml
	run -0 --separate-stderr dot -Tsvg <<<"$output"
	assert_equal "$stderr" ''
	assert_line '<title>cluster_n0</title>'
	assert_line '<title>cluster_n1</title>'
	assert_line '<title>cluster_n2</title>'
	assert_line '<title>n0_i1&#45;&#45;n1_i1</title>'
}

@test "the same lab in Mermaid: flowchart LR, one subgraph ... end per node, ---|veth|" {
	write_two
	run -0 --separate-stderr vethlab graph --format mermaid two.yaml
	assert_equal "$stderr" ''
	assert_output "$(cat <<'EOF'
flowchart LR
	subgraph n0["r (netns two-r)"]
		n0_i0["lo<br/>10.255.0.1/32"]
		n0_i1["e0 (down)<br/>10.0.0.1/24<br/>2001:db8::1/64"]
	end
	subgraph n1["s (netns two-s)"]
		n1_i1["e1"]
	end
	subgraph n2["empty (netns two-empty)"]
	end
	n0_i1 ---|veth| n1_i1
EOF
)"
}

@test "a quote and a backslash in interface names are escaped in DOT" {
	write_quotes
	run -0 --separate-stderr vethlab validate quotes.yaml
	assert_output 'quotes.yaml: ok'
	run -0 --separate-stderr vethlab graph quotes.yaml
	assert_equal "$stderr" ''
	assert_line "$(printf '\t\tn0_i1 [label="a\\"b\\n10.0.0.1/24"];')"
	assert_line "$(printf '\t\tn1_i1 [label="x\\\\\\n10.0.0.2/24"];')"
}

@test "dot accepts the quoted names and shows them as written" {
	require_dot
	write_quotes
	run -0 vethlab graph quotes.yaml
	run -0 --separate-stderr dot -Tsvg <<<"$output"
	assert_equal "$stderr" ''
	assert_output --partial '<svg'
	assert_line --regexp '>a&quot;b</text>$'
	assert_line --regexp '>x\\</text>$'
	assert_line '<title>n0_i1&#45;&#45;n1_i1</title>'
}

@test "a quote in an interface name is an entity in Mermaid" {
	write_quotes
	run -0 --separate-stderr vethlab graph -f mermaid quotes.yaml
	assert_equal "$stderr" ''
	assert_line "$(printf '\t\tn0_i1["a#quot;b<br/>10.0.0.1/24"]')"
	assert_line "$(printf '\t\tn1_i1["x\\<br/>10.0.0.2/24"]')"
}

@test "- reads standard input" {
	run -0 --separate-stderr vethlab graph - <topologies/article.yaml
	assert_output "$(article_dot)"
	assert_equal "$stderr" ''
}

@test "an unknown format is a usage error, exit 2" {
	run -2 --separate-stderr vethlab graph --format svg topologies/article.yaml
	assert_output ''
	use_stderr
	assert_output 'vethlab graph: unknown format "svg"; use dot or mermaid'
	run -2 --separate-stderr vethlab graph --format= topologies/article.yaml
	assert_output ''
	use_stderr
	assert_output 'vethlab graph: unknown format ""; use dot or mermaid'
}

@test "--format without a value is a usage error, exit 2" {
	run -2 --separate-stderr vethlab graph topologies/article.yaml -f
	assert_output ''
	use_stderr
	assert_output 'vethlab graph: -f needs a value: dot or mermaid'
}

@test "no FILE, two FILEs and unknown options are usage errors, exit 2" {
	run -2 --separate-stderr vethlab graph
	assert_output ''
	use_stderr
	assert_output 'vethlab graph: no FILE given'
	run -2 --separate-stderr vethlab graph topologies/article.yaml topologies/article.yaml
	assert_output ''
	use_stderr
	assert_output 'vethlab graph: one FILE at a time'
	run -2 --separate-stderr vethlab graph --dot topologies/article.yaml
	assert_output ''
	use_stderr
	assert_output 'vethlab graph: unknown option "--dot"'
}

@test "an invalid file: its errors on stderr, nothing on stdout, exit 1" {
	cat >bad.yaml <<'EOF'
name: bad
nodes:
  a:
    interfaces:
      e0: {addresses: [10.0.0.1/33]}
links:
  - endpoints: [a:e0, b:e0]
EOF
	run -1 --separate-stderr vethlab graph bad.yaml
	assert_output ''
	use_stderr
	assert_output "$(printf '%s\n' \
		'bad.yaml:5:24: error: invalid address "10.0.0.1/33": prefix length is out of range for IPv4 (0-32)' \
		'bad.yaml:7:23: error: link endpoint names unknown node "b"; did you mean "a"?' \
		'vethlab graph: bad.yaml: 2 errors')"
}

@test "a missing file: its path and the system's reason, nothing on stdout, exit 1" {
	run -1 --separate-stderr vethlab graph missing.yaml
	assert_output ''
	use_stderr
	assert_output 'vethlab graph: read missing.yaml: No such file or directory'
}

@test "a failed write is reported, exit 1" {
	[ -c /dev/full ] || fail "this test needs /dev/full"
	run -1 --separate-stderr bash -c '"$VETHLAB" graph topologies/article.yaml >/dev/full'
	assert_output ''
	use_stderr
	assert_output 'vethlab graph: write: No space left on device'
}
