# vethlab: the library (core/), the CLI (cmd/), tests, sanitizer and fuzz
# builds. Objects go under $(O) (build/ by default), so `make asan` and
# `make fuzz` never mix objects with the normal build. `make V=1` shows
# the commands.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=
O ?= build
PKG_CONFIG ?= pkg-config
FUZZ_TIME ?= 60

PKGS := yaml-0.1 libmnl libcap-ng libpcap
VERSION := $(shell cat VERSION)

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wmissing-prototypes -Wshadow \
	  -Wformat=2 -Wstrict-prototypes -Wno-format-nonliteral \
	  -fno-strict-aliasing
CPPFLAGS += -I. -D_GNU_SOURCE -DVL_VERSION='"$(VERSION)"' \
	    $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
LDLIBS += $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
TEST_LDLIBS := $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null)

ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-6s %s\n'
endif

CORE_SRC := $(sort $(wildcard core/*.c))
CMD_SRC := $(sort $(wildcard cmd/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
CORE_OBJ := $(CORE_SRC:%.c=$(O)/%.o)
CMD_OBJ := $(CMD_SRC:%.c=$(O)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(O)/tests/%)
LIB := $(O)/libvethlab.a
BIN := $(O)/vethlab

# What `make deps` installs when missing (Debian package names).
DEBS := build-essential pkg-config libyaml-dev libmnl-dev libcap-ng-dev \
	libpcap-dev libcmocka-dev bats bats-assert bats-support iproute2 \
	clang libclang-rt-14-dev graphviz tcpdump python3 iputils-ping \
	libcap2-bin

.PHONY: all deps check check-unit check-bats asan fuzz fuzz-build install \
	uninstall clean demo ci pkgcheck

all: $(BIN) $(UNIT_BIN)

# Say which library is missing before the compiler says it confusingly.
pkgcheck:
	@$(PKG_CONFIG) --exists --print-errors $(PKGS) cmocka || \
	  { echo "missing build dependencies: run 'make deps' (as root)" >&2; exit 1; }

$(O)/%.o: %.c | pkgcheck
	$(say) CC $<
	@mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(CORE_OBJ)
	$(say) AR $@
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BIN): $(CMD_OBJ) $(LIB)
	$(say) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(CMD_OBJ) $(LIB) $(LDLIBS)

$(O)/tests/%: $(O)/tests/unit/%.o $(LIB)
	$(say) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS) $(TEST_LDLIBS)

# Missing Debian packages, installed non-interactively; nothing when all
# are present, so it is cheap to run every time.
deps:
	@missing=$$(for p in $(DEBS); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; \
	  done); \
	if [ -n "$$missing" ]; then \
	  echo "installing:" $$missing; \
	  apt-get update && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	else echo "all build and test dependencies are installed"; fi

check: all
	@tests/run $(O) all

check-unit: all
	@tests/run $(O) unit

check-bats: all
	@tests/run $(O) bats

# The same tests, built with AddressSanitizer and UndefinedBehaviorSanitizer
# (leak checking included) and stopping at the first report.
asan:
	@$(MAKE) --no-print-directory O=build-asan \
	  CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined" check

# libFuzzer: fuzz_topo runs any bytes through parse + validate + graph;
# fuzz_plan checks the planner's properties on perturbed observed states.
# Seeded from topologies/ and the test fixtures; crashers go to
# tests/fuzz/regressions, which the unit tests replay. FUZZ_TIME is per
# target (FUZZ_TIME=3600 for a long run).
FUZZ_CORE := $(CORE_SRC)
FUZZ_TARGETS := $(O)-fuzz/fuzz_topo $(O)-fuzz/fuzz_plan
fuzz-build: $(FUZZ_TARGETS)

$(O)-fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_CORE) $(wildcard core/*.h)
	$(say) FUZZ $@
	@mkdir -p $(@D)
	$(Q)clang -std=gnu11 -g -O1 -I. -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=all $(shell $(PKG_CONFIG) --cflags $(PKGS)) -o $@ \
	  $< $(FUZZ_CORE) $(shell $(PKG_CONFIG) --libs $(PKGS))

fuzz: $(FUZZ_TARGETS)
	@mkdir -p tests/fuzz/regressions
	@for t in topo plan; do \
	  mkdir -p $(O)-fuzz/corpus-$$t; \
	  cp topologies/*.yaml tests/fixtures/*/*.yaml $(O)-fuzz/corpus-$$t/ 2>/dev/null; \
	  echo "  FUZZ   $$t for $(FUZZ_TIME) s"; \
	  $(O)-fuzz/fuzz_$$t -max_total_time=$(FUZZ_TIME) -max_len=8192 -timeout=10 \
	    -rss_limit_mb=1024 -dict=tests/fuzz/topo.dict -print_final_stats=1 \
	    -artifact_prefix=tests/fuzz/regressions/$$t- $(O)-fuzz/corpus-$$t \
	    >$(O)-fuzz/$$t.log 2>&1 || { tail -n 40 $(O)-fuzz/$$t.log; exit 1; }; \
	  grep -h 'stat::number_of_executed_units' $(O)-fuzz/$$t.log; \
	done

# The main job: build, check and bring up the article lab, run its
# scenarios (the article's observations, with pcap files under
# build/artifacts) and show it (see README.md). The lab stays up to be
# explored; `vethlab down topologies/article.yaml` removes it.
demo: all
	$(BIN) validate topologies/article.yaml
	$(BIN) up topologies/article.yaml
	$(BIN) test topologies/article.yaml --artifacts $(O)/artifacts
	$(BIN) status topologies/article.yaml
	@echo "The lab is up: try '$(BIN) exec topologies/article.yaml host -- ip addr';"
	@echo "'$(BIN) down topologies/article.yaml' removes it."

# What CI runs: sanitizers and a short fuzz first, the plain suite last so
# that its summary is the final line.
ci:
	@$(MAKE) --no-print-directory asan
	@$(MAKE) --no-print-directory fuzz FUZZ_TIME=60
	@$(MAKE) --no-print-directory bench-smoke
	@$(MAKE) --no-print-directory check

# The benchmark of issue 6 (bench/README.md): build/bench/measure times a
# command, build/bench/minimal is the raw-netlink baseline. `bench` runs
# the whole suite (minutes); `bench-smoke` only N=10, once, and fails only
# when a bring-up is wrong or something is left behind, never on times.
BENCH_BIN := $(O)/bench/measure $(O)/bench/minimal
DEBS += jq
.PHONY: bench bench-smoke bench-build

bench-build: $(BIN) $(BENCH_BIN)

$(BENCH_BIN): $(O)/bench/%: $(O)/bench/%.o
	$(say) LD $@
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

bench: bench-build
	@bench/run --build $(O)

bench-smoke: bench-build
	@bench/run --build $(O) --smoke

-include $(BENCH_BIN:=.d)

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/vethlab
	install -m 0644 docs/vethlab.1 $(DESTDIR)$(MANDIR)/man1/vethlab.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/vethlab $(DESTDIR)$(MANDIR)/man1/vethlab.1

clean:
	rm -rf build build-asan build-fuzz $(O) $(O)-fuzz

# test objects are intermediates of a chain of rules: keep them
.SECONDARY:

-include $(CORE_OBJ:.o=.d) $(CMD_OBJ:.o=.d) $(UNIT_SRC:tests/unit/%.c=$(O)/tests/unit/%.d)
