#!/usr/bin/env bats
# vethlab's global options, usage and command dispatch.

# shellcheck disable=SC2154 # $stderr is set by run --separate-stderr
load helpers

@test "--help prints the usage with every command on stdout and exits 0" {
	run -0 --separate-stderr vethlab --help
	assert_line --index 0 'Usage: vethlab [--help] [--version] [--rootless] COMMAND [ARGS...]'
	assert_line '  validate  check topology files; the kernel is not touched'
	assert_line '  graph     draw a topology as Graphviz DOT or Mermaid'
	assert_line "'vethlab COMMAND --help' describes one command; man vethlab describes them all."
	assert_equal "$stderr" ''
}

@test "-h and help are --help" {
	run -0 vethlab --help
	local expected=$output
	run -0 --separate-stderr vethlab -h
	assert_output "$expected"
	assert_equal "$stderr" ''
	run -0 --separate-stderr vethlab help
	assert_output "$expected"
	assert_equal "$stderr" ''
}

@test "--version and -V print vethlab and the content of VERSION" {
	local version
	version=$(cat "$VL_ROOT/VERSION")
	[ -n "$version" ] || fail "VERSION is empty"
	run -0 --separate-stderr vethlab --version
	assert_output "vethlab $version"
	assert_equal "$stderr" ''
	run -0 --separate-stderr vethlab -V
	assert_output "vethlab $version"
}

@test "no arguments: the usage on stderr, nothing on stdout, exit 2" {
	run -0 vethlab --help
	local usage=$output
	run -2 --separate-stderr vethlab
	assert_output ''
	use_stderr
	assert_output "$usage"
}

@test "an unknown command is named on stderr, exit 2" {
	run -2 --separate-stderr vethlab frobnicate topologies/article.yaml
	assert_output ''
	use_stderr
	assert_output "vethlab: unknown command \"frobnicate\"; see 'vethlab --help'"
}

@test "an unknown global option is named on stderr, exit 2" {
	run -2 --separate-stderr vethlab --frob validate topologies/article.yaml
	assert_output ''
	use_stderr
	# today "unknown command"; "unknown option" would be as right
	assert_output --regexp "^vethlab: unknown (command|option) \"--frob\"; see 'vethlab --help'\$"
}

@test "validate --help and -h describe validate and exit 0" {
	run -0 --separate-stderr vethlab validate --help
	assert_line --index 0 'Usage: vethlab validate FILE...'
	assert_line '  -q, --quiet   print nothing for valid files'
	assert_line 'Exit status: 0 all files valid, 1 some file invalid or unreadable, 2 usage.'
	assert_equal "$stderr" ''
	local expected=$output
	run -0 vethlab validate -h
	assert_output "$expected"
}

@test "validate FILE --help prints the help and validates nothing" {
	run -0 vethlab validate --help
	local expected=$output
	run -0 --separate-stderr vethlab validate no-such-file.yaml --help
	assert_line --index 0 'Usage: vethlab validate FILE...'
	assert_output "$expected"
	assert_equal "$stderr" ''
}

@test "validate -- --help takes --help as a file name" {
	run -1 --separate-stderr vethlab validate -- --help
	assert_output ''
	use_stderr
	assert_output 'vethlab validate: read --help: No such file or directory'
}

@test "graph --help and -h describe graph and exit 0" {
	run -0 --separate-stderr vethlab graph --help
	assert_line --index 0 'Usage: vethlab graph FILE [--format dot|mermaid]'
	assert_line '  -f, --format dot|mermaid   output format (default dot)'
	assert_line 'Exit status: 0 drawn, 1 invalid or unreadable file, 2 usage.'
	assert_equal "$stderr" ''
	local expected=$output
	run -0 vethlab graph -h
	assert_output "$expected"
}
