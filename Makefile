# The two commands of the README: `make run` and `make test`. Both install what is missing
# first (scripts/install-deps), then build with CMake + Ninja.
#   make          release build (hardened) -> build/aicos
#   make debug    ASan + UBSan build -> build/debug/aicos
#   make run      build, then serve the console on SQLite (Ctrl-C stops it)
#   make test     ASan + UBSan build, then every test (unit, integration on SQLite and
#                 PostgreSQL, style); also builds the hardened release to keep it warning-free,
#                 then runs `make tsan`
#   make tsan     ThreadSanitizer build (build/tsan) of the multi-threaded tests, then those
#   make fuzz     clang + libFuzzer build of the fuzz targets (build/fuzz; tests/fuzz)
#   make format   rewrite sources with clang-format

SHELL := /bin/bash
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all deps release debug run test tsan fuzz format check-format clean

# The tests whose code runs threads: the HTTP server (libmicrohttpd's thread pool), concurrent
# database writers and migrations, the sync scheduler in `aicos worker` beside `aicos serve`,
# and the sandbox's activity and webhook threads.
TSAN_TARGETS := aicos temu-sandbox test_http_server test_db test_migrate test_sync_workers \
                test_sandbox
TSAN_TESTS := ^(test_http_server|test_db|test_migrate|test_sync_workers_sqlite|test_sandbox)$$
FUZZ_TARGETS := $(addsuffix _libfuzzer,temu_envelope temu_sign temu_webhook json_strict form \
                router deploy_env deploy_caddyfile xlsx csv airwallex)

all: release

deps:
	@scripts/install-deps

release: deps
	@cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DAICOS_BUILD_TESTS=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build build/release -j $(JOBS)
	@ln -sf release/aicos build/aicos
	@ln -sf release/temu-sandbox build/temu-sandbox
	@ln -sf release/track-sandbox build/track-sandbox
	@ln -sf release/payout-sandbox build/payout-sandbox
	@ln -sf release/temu-statements build/temu-statements

debug: deps
	@cmake -S . -B build/debug -G Ninja -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS) >/dev/null
	@cmake --build build/debug -j $(JOBS)

run: release
	@scripts/run-dev

test: debug release
	@cd build/debug && ctest --output-on-failure -j $(JOBS) $(CTEST_FLAGS)
	@$(MAKE) --no-print-directory tsan

tsan: deps
	@cmake -S . -B build/tsan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DAICOS_TSAN=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build build/tsan -j $(JOBS) --target $(TSAN_TARGETS)
	@rm -rf build/tsan/tsan-logs && mkdir -p build/tsan/tsan-logs
	@cd build/tsan && ctest --output-on-failure -j $(JOBS) -R '$(TSAN_TESTS)'
	@if compgen -G 'build/tsan/tsan-logs/race*' >/dev/null; then cat build/tsan/tsan-logs/race*; \
	  echo "ThreadSanitizer reported the races above"; exit 1; fi

fuzz: deps
	@command -v clang >/dev/null || { echo "make fuzz needs clang (apt-get install clang)"; exit 1; }
	@cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_COMPILER=clang \
	  -DAICOS_LIBFUZZER=ON -DAICOS_BUILD_SANDBOX=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build build/fuzz -j $(JOBS) --target $(FUZZ_TARGETS)

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i

check-format:
	@tests/style/check-style

clean:
	@rm -rf build

# make soak     (off by default, minutes) the kill -9 crash runs (>= 25 kills per database),
#               the carrier tracking limits over 40 rounds of two refresh processes
#               and 10 minutes of HTTP at 256 connections through Caddy (scripts/soak)
.PHONY: soak
soak: debug release
	@scripts/soak

# make bench    release build, then every benchmark, each printing its tables and ratios and
#               writing them into docs/benchmarks.md: HTTP core against bare MHD
#               (bench/run-http-bench, ~45 s), the statement cache (bench/run-store-bench,
#               ~1 min), the orders list at 1k/50k/1M orders and /api/v1/orders, /integrations,
#               /healthz against nginx (bench/run-list-bench, ~10 min), the sync ingest against
#               the C and Python references with bytes per order (bench/run-ingest-bench, ~5
#               min); the rows of issue 17's table that no benchmark measures yet are listed
#               at the end
.PHONY: bench
bench: deps
	@bench/run-http-bench
	@bench/run-store-bench
	@bench/run-list-bench
	@bench/run-ingest-bench
	@echo "bench: not measured by any benchmark yet (issue 17): Temu budget use at 150 ms per"
	@echo "       request, requests per synced page"

# make bench-ingest release build, then the sync ingest benchmark (bench/run-ingest-bench): the
#                   engine against the fair C and the Python references on SQLite and a
#                   private PostgreSQL, bytes per order; writes docs/benchmarks.md; about 5 min
.PHONY: bench-ingest
bench-ingest: deps
	@bench/run-ingest-bench

# make bench-store  release build, then the statement-cache benchmark (bench/run-store-bench) on
#                   SQLite and a private PostgreSQL; writes docs/benchmarks.md; about 1 min
.PHONY: bench-store
bench-store: deps
	@bench/run-store-bench
