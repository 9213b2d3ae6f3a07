# Charter — top-level build.
#
# Libraries, one per stage, so that each consumer links only what it needs:
#   libcharter   runtime/   load + verify .chb, scan, report (what a gateway links)
#   libcharterc  grammar/ + compiler/   source -> .chb (links libcharter for `test`)
#   libchextract extract/   documents -> text + positions (the checker only)
# Binaries: charterc (cli/charterc_*.c), charter (cli/charter_*.c),
# charter-gateway (gateway/*.c).  Files cli/common_*.c go into both CLIs.
# Tests: every tests/test_*.c is a cmocka runner; tests/e2e/*.sh are
# end-to-end scripts.  Component fragments in mk/*.mk add targets.
#
# Variants: `make BUILD=build-asan SAN=1` (what `make asan` does),
# `make COVERAGE=1 BUILD=build-cov`.

BUILD ?= build
PREFIX ?= /usr/local
DESTDIR ?=
CC ?= cc
SAN ?=
COVERAGE ?=
OPT ?= -O2

PKGS_RT := libpcre2-8
PKGS_EXTRACT := libxml-2.0 libzip poppler-glib
PKGS_GW := jansson libmicrohttpd libcurl
PKGS_TEST := cmocka

pc = $(shell pkg-config --cflags $(1) 2>/dev/null)
pl = $(shell pkg-config --libs $(1) 2>/dev/null)

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
CFLAGS_BASE := -std=c11 $(OPT) -g $(WARN) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
  -Iinclude -I. -I$(BUILD)/gen -fPIC
ifeq ($(SAN),1)
  CFLAGS_BASE += -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
  LDFLAGS_SAN := -fsanitize=address,undefined
endif
ifeq ($(COVERAGE),1)
  CFLAGS_BASE += --coverage -O0 -fprofile-update=atomic
  LDFLAGS_SAN += --coverage
endif
CFLAGS ?=
ALL_CFLAGS = $(CFLAGS_BASE) $(CFLAGS)
LDFLAGS ?=
ALL_LDFLAGS = $(LDFLAGS_SAN) $(LDFLAGS) -pthread

RT_SRC := $(sort $(wildcard runtime/*.c))
CC_SRC := $(sort $(wildcard compiler/*.c))
EX_SRC := $(sort $(wildcard extract/*.c))
GEN_SRC := $(BUILD)/gen/lexer.c $(BUILD)/gen/parser.c

RT_OBJ := $(RT_SRC:%.c=$(BUILD)/obj/%.o)
CC_OBJ := $(CC_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/lexer.o $(BUILD)/obj/gen/parser.o
EX_OBJ := $(EX_SRC:%.c=$(BUILD)/obj/%.o)

LIB_RT := $(BUILD)/libcharter.a
LIB_RT_SO := $(BUILD)/libcharter.so
LIB_CC := $(BUILD)/libcharterc.a
LIB_EX := $(BUILD)/libchextract.a

LIBS_RT := $(call pl,$(PKGS_RT)) -lm
LIBS_EX := $(call pl,$(PKGS_EXTRACT))
LIBS_GW := $(call pl,$(PKGS_GW))
LIBS_TEST := $(call pl,$(PKGS_TEST))

CHARTERC_SRC := $(sort $(wildcard cli/charterc_*.c cli/common_*.c))
CHARTER_SRC := $(sort $(wildcard cli/charter_*.c cli/common_*.c))
GATEWAY_SRC := $(sort $(wildcard gateway/*.c))

BINS := $(BUILD)/charterc $(BUILD)/charter
ifneq ($(GATEWAY_SRC),)
BINS += $(BUILD)/charter-gateway
endif

TEST_SRC := $(sort $(wildcard tests/test_*.c))
TEST_BINS := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_SUPPORT := $(sort $(wildcard tests/support/*.c))
# Header-only fixtures and references the suites include (a change rebuilds them).
TEST_HEADERS := $(wildcard tests/*.h)

# Component fragments (mk/*.mk) append to these and add their own targets.
BENCH_TARGETS :=
FUZZ_TARGETS :=
-include mk/*.mk

.PHONY: all deps deps-extra demo test unit e2e portable asan fuzz bench install clean
.DEFAULT_GOAL := all

all: $(LIB_RT) $(LIB_RT_SO) $(LIB_CC) $(LIB_EX) $(BINS) $(BUILD)/charter.pc

deps:
	@sh scripts/install-deps.sh

deps-extra:
	@sh scripts/install-deps.sh --extra

# ---- generated parser and lexer
$(BUILD)/gen/parser.c $(BUILD)/gen/parser.h: grammar/parser.y
	@mkdir -p $(BUILD)/gen
	bison -Wall -Werror --defines=$(BUILD)/gen/parser.h -o $(BUILD)/gen/parser.c $<

$(BUILD)/gen/lexer.c $(BUILD)/gen/lexer.h: grammar/lexer.l $(BUILD)/gen/parser.h
	@mkdir -p $(BUILD)/gen
	flex --header-file=$(BUILD)/gen/lexer.h -o $(BUILD)/gen/lexer.c $<

# Generated C is not held to -Wextra's unused-function noise from flex.
$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c $(BUILD)/gen/parser.h $(BUILD)/gen/lexer.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Wno-unused-function -Wno-sign-compare -Wno-missing-prototypes -Wno-shadow -MMD -MP -c -o $@ $<

$(BUILD)/obj/runtime/%.o: runtime/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DCH_BUILDING_LIBRARY -fvisibility=hidden $(call pc,$(PKGS_RT)) -MMD -MP -c -o $@ $<

$(BUILD)/obj/compiler/%.o: compiler/%.c $(BUILD)/gen/parser.h $(BUILD)/gen/lexer.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(call pc,$(PKGS_RT)) -MMD -MP -c -o $@ $<

$(BUILD)/obj/extract/%.o: extract/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(call pc,$(PKGS_EXTRACT)) -MMD -MP -c -o $@ $<

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(call pc,$(PKGS_RT) $(PKGS_EXTRACT) $(PKGS_GW) $(PKGS_TEST)) -MMD -MP -c -o $@ $<

$(LIB_RT): $(RT_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(LIB_RT_SO): $(RT_OBJ)
	$(CC) -shared -Wl,-soname,libcharter.so.0 $(ALL_LDFLAGS) -o $@ $^ $(LIBS_RT)

$(LIB_CC): $(CC_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(LIB_EX): $(EX_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/charterc: $(CHARTERC_SRC:%.c=$(BUILD)/obj/%.o) $(LIB_CC) $(LIB_RT)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIB_CC) $(LIB_RT) $(LIBS_RT)

$(BUILD)/charter: $(CHARTER_SRC:%.c=$(BUILD)/obj/%.o) $(LIB_CC) $(LIB_EX) $(LIB_RT)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIB_CC) $(LIB_EX) $(LIB_RT) $(LIBS_EX) $(call pl,jansson) $(LIBS_RT)

$(BUILD)/charter-gateway: $(GATEWAY_SRC:%.c=$(BUILD)/obj/%.o) $(LIB_RT)
	$(CC) $(ALL_LDFLAGS) -o $@ $(filter %.o,$^) $(LIB_RT) $(LIBS_GW) $(LIBS_RT)

$(BUILD)/charter.pc: scripts/charter.pc.in
	@mkdir -p $(BUILD)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(shell sed -n 's/.*CH_VERSION_STRING "\(.*\)"/\1/p' include/charter.h)|g' $< > $@

# ---- tests
# tests/test_rt_*.c link only the runtime, tests/test_ex_*.c the extractor and
# the runtime, every other runner links everything.
TEST_CFLAGS = $(ALL_CFLAGS) -Wno-missing-prototypes $(call pc,$(PKGS_RT) $(PKGS_EXTRACT) $(PKGS_TEST))

$(BUILD)/tests/test_rt_%: tests/test_rt_%.c $(TEST_SUPPORT) $(LIB_RT) $(TEST_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(TEST_SUPPORT) $(LIB_RT) $(ALL_LDFLAGS) $(LIBS_RT) $(LIBS_TEST)

$(BUILD)/tests/test_ex_%: tests/test_ex_%.c $(TEST_SUPPORT) $(LIB_EX) $(LIB_RT) $(TEST_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(TEST_SUPPORT) $(LIB_EX) $(LIB_RT) $(ALL_LDFLAGS) $(LIBS_EX) $(LIBS_RT) $(LIBS_TEST)

$(BUILD)/tests/%: tests/%.c $(TEST_SUPPORT) $(LIB_CC) $(LIB_EX) $(LIB_RT) $(TEST_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(TEST_CFLAGS) -o $@ $< $(TEST_SUPPORT) \
	  $(LIB_CC) $(LIB_EX) $(LIB_RT) $(ALL_LDFLAGS) $(LIBS_EX) $(LIBS_RT) $(LIBS_TEST)

unit: all $(TEST_BINS)
	@fail=0; for t in $(TEST_BINS); do \
	  echo "== $$t"; BUILD=$(BUILD) $$t || fail=1; done; exit $$fail

e2e: all
	@BUILD=$(BUILD) sh tests/e2e/run.sh

test: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory unit e2e portable

# The runtime's unit tests again with its SSE2 paths compiled out: the
# portable code is what other processors run, and x86 would never test it.
PORTABLE_TESTS := test_runtime test_scan test_rt_normalize test_rt_detect test_rt_detect_keyword test_rt_detect_named test_rt_detect_table
portable:
	@$(MAKE) --no-print-directory BUILD=build-portable CFLAGS=-DCH_NO_SIMD \
	  $(PORTABLE_TESTS:%=build-portable/tests/%) >/dev/null
	@fail=0; for t in $(PORTABLE_TESTS); do \
	  echo "== build-portable/tests/$$t (CH_NO_SIMD)"; BUILD=build-portable build-portable/tests/$$t || fail=1; done; exit $$fail

asan:
	@$(MAKE) --no-print-directory BUILD=build-asan SAN=1 CC=clang OPT=-O1 unit e2e

demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh $(BUILD)

bench: all
	@sh bench/bench_compile.sh $(BUILD)
	@sh bench/bench_screen.sh $(BUILD)
	@sh bench/bench_extract.sh $(BUILD)
	@for t in $(BENCH_TARGETS); do $(MAKE) --no-print-directory $$t || exit 1; done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/share/charter/charters
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(LIB_RT) $(LIB_CC) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(LIB_RT_SO) $(DESTDIR)$(PREFIX)/lib/libcharter.so.0
	ln -sf libcharter.so.0 $(DESTDIR)$(PREFIX)/lib/libcharter.so
	install -m 644 include/*.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(BUILD)/charter.pc $(DESTDIR)$(PREFIX)/lib/pkgconfig/
	install -m 644 charters/*.charter charters/*.csv $(DESTDIR)$(PREFIX)/share/charter/charters/

clean:
	rm -rf build build-asan build-cov build-fuzz build-portable coverage

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# ---- fuzzing (libFuzzer, clang): every fuzz/fuzz_*.c is a target linked
# against all libraries built with coverage instrumentation in build-fuzz/.
# Seeds: FUZZ_SEEDS_<target> (directories or files), set here or in mk/*.mk.
FUZZ_SECONDS ?= 60
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_SRC:fuzz/%.c=build-fuzz/%)
FUZZ_SEEDS_fuzz_compile ?= charters tests/golden/diag tests/golden/dump
FUZZ_SEEDS_fuzz_chb ?= build-fuzz/seeds/chb
FUZZ_SEEDS_fuzz_gateway_request ?= build-fuzz/seeds/gateway
# extra sources and libraries of targets that test code outside the libraries
FUZZ_EXTRA_fuzz_gateway_request = gateway/gw_request.c gateway/gw_alloc.c $(call pl,jansson)
FUZZ_SEEDS_fuzz_scan ?= examples/submissions
FUZZ_SEEDS_fuzz_detect ?= fuzz/seeds/detect
FUZZ_SEEDS_fuzz_extract ?= build-fuzz/seeds/extract
FUZZ_CFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer

# Relinked when any library source changes, not only the target's own.
FUZZ_DEPS := $(RT_SRC) $(CC_SRC) $(EX_SRC) $(wildcard runtime/*.h compiler/*.h extract/*.h include/*.h grammar/*)
# The libraries in one sub-make (a stamp), so that `make -j fuzz-build`
# does not run one per target over the same objects.
build-fuzz/libs.stamp: $(FUZZ_DEPS)
	@$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang OPT=-O1 CFLAGS="$(FUZZ_CFLAGS)" \
	  build-fuzz/libcharter.a build-fuzz/libcharterc.a build-fuzz/libchextract.a
	@touch $@
build-fuzz/%: fuzz/%.c build-fuzz/libs.stamp $(TEST_HEADERS)
	clang -std=c11 -g -O1 -Iinclude -I. -D_DEFAULT_SOURCE -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	  $(call pc,$(PKGS_RT) $(PKGS_EXTRACT) jansson) -o $@ $< $(FUZZ_EXTRA_$(notdir $@)) build-fuzz/libcharterc.a \
	  build-fuzz/libchextract.a build-fuzz/libcharter.a $(LIBS_EX) $(LIBS_RT) -pthread

fuzz-build: $(FUZZ_BINS)

# One bounded run per target; the log keeps libFuzzer's full output, the
# summary lines go to the terminal; a crash fails the target.
define run_fuzz
	@mkdir -p build-fuzz/corpus/$(1); echo "== $(1) ($(FUZZ_SECONDS) s)"; \
	build-fuzz/$(1) -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	  -artifact_prefix=build-fuzz/$(1)- build-fuzz/corpus/$(1) $(wildcard $(FUZZ_SEEDS_$(1))) > build-fuzz/$(1).log 2>&1; \
	rc=$$?; grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb)|ERROR|SUMMARY" build-fuzz/$(1).log; \
	if [ $$rc -ne 0 ]; then echo "-- $(1) failed; end of its log:"; tail -n 60 build-fuzz/$(1).log; \
	  for a in build-fuzz/$(1)-*; do [ -f "$$a" ] && { echo "-- artifact $$a (base64):"; head -c 4096 "$$a" | base64; }; done; fi; exit $$rc

endef

# Seeds that are generated: compiled charters, and documents of every
# format (tests/e2e/mkdocs.py) plus the shared corpus when present, each
# prefixed with the format byte fuzz_extract expects (not slow.pdf, made to
# outlast any time limit: in process, as fuzz_extract reads PDFs, it would
# only report a timeout).
fuzz-seeds: all
	@mkdir -p build-fuzz/seeds/chb build-fuzz/seeds/extract build-fuzz/seeds/gateway
	@printf '\001{"model":"m","messages":[{"role":"user","content":"Mon NIR : 2 84 05 2A 004 017 64"}]}' > build-fuzz/seeds/gateway/chat
	@printf '\003{"model":"m","stream":true,"messages":[{"role":"user","content":[{"type":"text","text":"hi"},{"type":"image_url","image_url":{"url":"x"}}]}]}' > build-fuzz/seeds/gateway/parts
	@printf '\000{"model":"m","prompt":["a","b"]}' > build-fuzz/seeds/gateway/completions
	@for c in charters/*.charter; do $(BUILD)/charterc compile $$c -o build-fuzz/seeds/chb/$$(basename $$c .charter).chb; done
	@python3 tests/e2e/mkdocs.py build-fuzz/seeds/docs >/dev/null
	@python3 -c "import os,sys;\
m={'docx':0,'pptx':0,'odt':1,'odp':1,'html':2,'pdf':3,'md':4,'txt':5,'rtf':5,'doc':5};\
roots=['build-fuzz/seeds/docs','../shared/corpus/pandoc'];\
[open('build-fuzz/seeds/extract/%d-%s'%(i,f),'wb').write(bytes([m[f.rsplit('.',1)[1]]])+open(os.path.join(d,f),'rb').read()[:1<<20])\
 for r in roots if os.path.isdir(r) for d,_,fs in os.walk(r) for i,f in enumerate(fs) if f.rsplit('.',1)[-1] in m and f != 'slow.pdf']"

fuzz: fuzz-build fuzz-seeds
	$(foreach b,$(FUZZ_BINS),$(call run_fuzz,$(notdir $(b))))

# ---- static analysis and coverage (issue: hardening)
LINT_SRC := $(RT_SRC) $(CC_SRC) $(EX_SRC) $(sort $(wildcard cli/*.c gateway/*.c))
lint: all
	cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,portability,performance \
	  --inline-suppr --suppressions-list=scripts/cppcheck.supp -Iinclude -I. -I$(BUILD)/gen \
	  -D__GNUC__ $(LINT_SRC)
	clang-tidy --quiet $(LINT_SRC) -- -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
	  -Iinclude -I. -I$(BUILD)/gen $(call pc,$(PKGS_RT) $(PKGS_EXTRACT) $(PKGS_GW)) 2>&1 | \
	  grep -E "(warning|error):" | tee $(BUILD)/clang-tidy.log; test ! -s $(BUILD)/clang-tidy.log

coverage:
	@rm -rf build-cov
	@# a build that fails is an error (it once gave a silent 0%); a test that
	@# fails at -O0 with coverage is reported, and the figures still printed
	@$(MAKE) --no-print-directory BUILD=build-cov COVERAGE=1 all $(TEST_BINS:$(BUILD)/%=build-cov/%) >/dev/null
	@$(MAKE) --no-print-directory BUILD=build-cov COVERAGE=1 unit e2e >build-cov/run.log 2>&1 || \
	  { echo "coverage: some tests failed under coverage (build-cov/run.log):"; grep -E "FAILED|^not ok|FAIL" build-cov/run.log | head -20; }
	gcovr --root . --filter compiler/ --filter runtime/ --object-directory build-cov --gcov-ignore-parse-errors \
	  --exclude-unreachable-branches --print-summary -o build-cov/coverage.txt
	@cat build-cov/coverage.txt | tail -n 20

# The cmocka suites, then the end-to-end scripts with BUILD=build-vg: a
# directory of wrappers that run the real binaries under memcheck (exit 99
# on any error or leak, which fails the test that ran it) and keep a log per
# process; any non-empty log fails the target too.  VALGRIND=1 tells the
# scripts to skip the cases that only measure time or size (100 MB inputs,
# the gateway's RSS checks) and to allow for memcheck's slowness.
VG := valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
  --trace-children=no --child-silent-after-fork=yes
valgrind: all $(TEST_BINS) gateway-tools
	@fail=0; for t in $(TEST_BINS); do \
	  case $$t in *test_ex_corpus*) continue;; esac; \
	  $(VG) $$t >/dev/null 2>$(BUILD)/vg.log || \
	  { echo "valgrind: $$t"; cat $(BUILD)/vg.log | head -40; fail=1; }; done; \
	rm -rf build-vg; mkdir -p build-vg/logs build-vg/bench build-vg/tests; \
	for b in charterc charter charter-gateway; do \
	  printf '#!/bin/sh\nexec %s --log-file=%s/build-vg/logs/%s.%%p.log %s/$(BUILD)/%s "$$@"\n' \
	    "$(VG)" "$(CURDIR)" $$b "$(CURDIR)" $$b > build-vg/$$b; chmod +x build-vg/$$b; done; \
	ln -s $(CURDIR)/$(BUILD)/bench/gw-load build-vg/bench/gw-load; \
	ln -s $(CURDIR)/$(BUILD)/tests/gateway build-vg/tests/gateway; \
	VALGRIND=1 BUILD=build-vg sh tests/e2e/run.sh > build-vg/e2e.log 2>&1 || fail=1; \
	grep -E "FAIL|passed|exited" build-vg/e2e.log; \
	for l in build-vg/logs/*.log; do [ -s "$$l" ] && { echo "valgrind: $$l"; head -40 "$$l"; fail=1; }; done; \
	echo "valgrind: $$(ls build-vg/logs | wc -l) processes checked"; exit $$fail

.PHONY: lint coverage valgrind fuzz fuzz-build
