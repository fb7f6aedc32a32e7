# atmp-kb — one non-recursive Makefile. Each part's sources are found by wildcard, so a new module
# needs no edit here; programs are the folder's main.c linked with the folder's other objects and lib/.

VERSION   := 0.1.0
PREFIX    ?= /usr/local
BUILD     ?= build
BIN       ?= bin
DB        ?= kb.db
LISTEN    ?= 127.0.0.1:8080

# plain `make` builds every program (the first rule below would otherwise be atmp-index's alone)
.DEFAULT_GOAL := all

PKGS      := icu-uc icu-i18n libcmark yaml-0.1 libmicrohttpd libcurl jansson zlib
CC        ?= cc
CXX       ?= c++
WARN      := -Wall -Wextra
CFLAGS    ?= -O2 -g
CXXFLAGS  ?= -O2 -g
SAN       ?=
ALL_CFLAGS   = -std=c17 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SAN) -Ilib -DKB_VERSION='"$(VERSION)"' -DKB_WEBDIR='"$(PREFIX)/share/atmp-kb/web"' \
               $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
ALL_CXXFLAGS = -std=c++17 $(WARN) $(CXXFLAGS) $(SAN) -Ilib $(shell xapian-config --cxxflags 2>/dev/null)
LIBS      = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lstemmer \
            $(shell xapian-config --libs 2>/dev/null) -lpthread -lm

LIB_C     := $(wildcard lib/*.c)
LIB_CC    := $(wildcard lib/*.cc)
LIB_OBJ   := $(LIB_C:%.c=$(BUILD)/%.o) $(LIB_CC:%.cc=$(BUILD)/%.o)
LIBA      := $(BUILD)/libatmpkb.a

define program
$(1)_SRC  := $$(filter-out $(2)/main.c,$$(wildcard $(2)/*.c))
$(1)_OBJ  := $$($(1)_SRC:%.c=$$(BUILD)/%.o)
$$(BIN)/$(1): $$(BUILD)/$(2)/main.o $$($(1)_OBJ) $$(LIBA) | $$(BIN)
	$$(CXX) $$(SAN) -o $$@ $$^ $$(LIBS)
endef
$(eval $(call program,atmp-index,indexer))
$(eval $(call program,atmp-searchd,searchd))
$(eval $(call program,atmp-search,client))
PROGRAMS  := $(BIN)/atmp-index $(BIN)/atmp-searchd $(BIN)/atmp-search

# Unit tests: tests/unit/test_X.c, linked with lib/ and the indexer's and the daemon's modules (not
# their mains).
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps run index test unit integration check-corpus clean install relevance fuzz asan
all: deps $(PROGRAMS)

deps:
	@./scripts/deps.sh

$(BIN):
	mkdir -p $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -MMD -MP -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/tests/%: tests/unit/%.c $(atmp-index_OBJ) $(atmp-searchd_OBJ) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -Iindexer -Isearchd -o $@.o -c $<
	$(CXX) $(SAN) -o $@ $@.o $(atmp-index_OBJ) $(atmp-searchd_OBJ) $(LIBA) $(LIBS)

# The index is rebuilt whenever the corpus or the indexer changes.
CORPUS_FILES := $(shell find corpus -name '*.md' -o -name synonyms.txt 2>/dev/null)
$(DB): $(BIN)/atmp-index $(CORPUS_FILES)
	$(BIN)/atmp-index --corpus corpus --db $(DB)

index: all $(DB)

run: index
	$(BIN)/atmp-searchd --db $(DB) --listen $(LISTEN) --web web

check-corpus: all
	$(BIN)/atmp-index --corpus corpus --check

unit: all $(UNIT_BIN)
	@for t in $(UNIT_BIN); do $$t || exit 1; done

test: index $(UNIT_BIN)
	@ATMP_BIN=$(BIN) ./tests/run-all.sh $(UNIT_BIN)

# nDCG@10 and recall@10 per category, for atmp-kb and the Xapian baseline side by side.
relevance: all
	@ATMP_BIN=$(BIN) ./tests/relevance/run.sh $(RELEVANCE_ARGS)

# ---- sanitizers and fuzzing ----
# Fuzz targets (fuzz/fuzz_NAME.c) link with these indexer modules and lib/. Each is built two ways:
# with libFuzzer (clang, `make fuzz`) and with fuzz/replay.c, which runs saved inputs once each.
FUZZ_TARGETS := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
FUZZ_OBJ     := $(BUILD)/indexer/frontmatter.o $(BUILD)/indexer/markdown.o $(BUILD)/indexer/problems.o
FUZZ_SECONDS ?= 30

$(BUILD)/fuzz/replay_%: fuzz/fuzz_%.c fuzz/replay.c fuzz/fuzz.h $(FUZZ_OBJ) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Iindexer -Ifuzz -c -o $@.o $<
	$(CC) $(ALL_CFLAGS) -Ifuzz -c -o $@.main.o fuzz/replay.c
	$(CXX) $(SAN) -o $@ $@.o $@.main.o $(FUZZ_OBJ) $(LIBA) $(LIBS)

$(BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(FUZZ_OBJ) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -Iindexer -Ifuzz -c -o $@.o $<
	$(CXX) $(SAN) -fsanitize=fuzzer -o $@ $@.o $(FUZZ_OBJ) $(LIBA) $(LIBS)

# Every fuzz target for FUZZ_SECONDS (default 30) from its seeds, built with clang (installed from
# Debian when missing, as root) into build/fuzz/; new crashes land in build/fuzz/crashes/. FUZZ_ARGS
# picks targets: make fuzz FUZZ_ARGS="query analyzer".
fuzz:
	@FUZZ_SECONDS=$(FUZZ_SECONDS) ./fuzz/run.sh $(FUZZ_ARGS)

# The unit tests, the fuzz seeds and regressions, and the integration tests, on programs built with
# AddressSanitizer and UndefinedBehaviorSanitizer into build/asan/; leaks and undefined behaviour
# count as failures. Ends with "N passed, N failed" (make test runs it too).
asan:
	@./tests/robust/asan.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/atmp-kb/web
	install -m 755 $(PROGRAMS) $(DESTDIR)$(PREFIX)/bin
	install -m 644 $(wildcard man/*.1) $(DESTDIR)$(PREFIX)/share/man/man1
	cp -R web/. $(DESTDIR)$(PREFIX)/share/atmp-kb/web
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 644 contrib/atmp-search.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/atmp-search

clean:
	rm -rf $(BUILD) $(BIN) $(DB) $(DB).tmp* .pytest_cache tests/integration/__pycache__

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---- benchmarks (issue 8): not part of make test; see bench/README.md ----
BENCH_TOOLS := $(BUILD)/bench/gen $(BUILD)/bench/peer $(BUILD)/bench/qbench $(BUILD)/bench/floor
$(BUILD)/bench/gen: bench/gen.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -D_GNU_SOURCE $(WARN) -O2 -o $@ $< -lm
$(BUILD)/bench/peer: bench/peer.cc
	@mkdir -p $(dir $@)
	$(CXX) -std=c++17 $(WARN) -O2 -g -o $@ $< $(shell xapian-config --cxxflags --libs 2>/dev/null)
$(BUILD)/bench/qbench: $(BUILD)/bench/qbench.o $(LIBA)
	$(CXX) $(SAN) -o $@ $^ $(LIBS)
$(BUILD)/bench/floor: bench/floor.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -D_GNU_SOURCE $(WARN) -O2 -o $@ $< $(shell pkg-config --cflags --libs libmicrohttpd 2>/dev/null) -lpthread

.PHONY: bench bench-replicas
# side by side with the peers and floors; writes bench/RESULTS.md (minutes; BENCH_BUDGET=0: all of 100k)
bench: all $(BENCH_TOOLS)
	@ATMP_BIN=$(BIN) BENCH_TOOLS=$(BUILD)/bench ./bench/run.sh
# two atmp-searchd replicas behind Debian's nginx; both swap their index under wrk load
bench-replicas: all
	@ATMP_BIN=$(BIN) ./bench/replicas.sh
