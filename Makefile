# The two commands of the README: `make run` and `make test`. Both install what is missing
# first (scripts/install-deps), then build with CMake + Ninja.
#   make          release build (hardened) -> build/aicos
#   make debug    ASan + UBSan build -> build/debug/aicos
#   make run      build, then serve the console on SQLite (Ctrl-C stops it)
#   make test     ASan + UBSan build, then every test (unit, integration on SQLite and
#                 PostgreSQL, style); also builds the hardened release to keep it warning-free
#   make format   rewrite sources with clang-format

SHELL := /bin/bash
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all deps release debug run test format check-format clean

all: release

deps:
	@scripts/install-deps

release: deps
	@cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DAICOS_BUILD_TESTS=OFF $(CMAKE_FLAGS) >/dev/null
	@cmake --build build/release -j $(JOBS)
	@ln -sf release/aicos build/aicos
	@ln -sf release/temu-sandbox build/temu-sandbox
	@ln -sf release/track-sandbox build/track-sandbox

debug: deps
	@cmake -S . -B build/debug -G Ninja -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS) >/dev/null
	@cmake --build build/debug -j $(JOBS)

run: release
	@scripts/run-dev

test: debug release
	@cd build/debug && ctest --output-on-failure -j $(JOBS) $(CTEST_FLAGS)

format:
	@git ls-files '*.c' '*.h' | xargs clang-format -i

check-format:
	@tests/style/check-style

clean:
	@rm -rf build

# make soak     (off by default, minutes) the kill -9 crash runs (>= 25 kills per database)
#               and 10 minutes of HTTP at 256 connections through Caddy (scripts/soak)
.PHONY: soak
soak: debug release
	@scripts/soak

# make bench    release build, then the HTTP benchmark (bench/run-http-bench), which prints its
#               tables and writes them into docs/benchmarks.md; about 45 s
.PHONY: bench
bench: deps
	@bench/run-http-bench
