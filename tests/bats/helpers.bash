# Shared by the vethlab CLI tests: bats-support and bats-assert, the
# binary under test, and a scratch directory per test.
#
# tests/run sets VETHLAB (build/vethlab, or build-asan/vethlab for the
# sanitizer build) and VL_ROOT; the defaults let `bats tests/bats` run
# from a checkout after `make`. None of these tests needs privilege or
# touches the kernel's network state.

bats_require_minimum_version 1.5.0	# run -N, run --separate-stderr

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

: "${VL_ROOT:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
: "${VETHLAB:=$VL_ROOT/build/vethlab}"
export VL_ROOT VETHLAB	# for the tests that need a shell (bash -c)

# Each test runs in its own empty directory, so that messages name short
# relative paths; "topologies" points at the repository's, so the article
# is "topologies/article.yaml" as in the documentation.
setup() {
	[ -x "$VETHLAB" ] || fail "VETHLAB=$VETHLAB is not an executable: run make first"
	cd "$BATS_TEST_TMPDIR" || fail "cannot enter $BATS_TEST_TMPDIR"
	ln -s "$VL_ROOT/topologies" topologies
}

vethlab() {
	"$VETHLAB" "$@"
}

# bats-assert only reads $output and $lines. After `run --separate-stderr`
# and the checks on standard output, this points them at standard error.
# shellcheck disable=SC2034,SC2154 # bats's variables
use_stderr() {
	output=$stderr
	lines=("${stderr_lines[@]}")
}

# Graphviz is a test dependency (make deps): missing, it is a failure.
require_dot() {
	command -v dot >/dev/null || fail "graphviz's dot is not installed (make deps)"
}
