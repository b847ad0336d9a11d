# One command each: `make demo` runs the main job on samples/, `make test` runs every suite.
# Both install what they need (Debian packages) first. `make test` also
# builds everything with clang under AddressSanitizer and UBSan (build-asan)
# and runs the whole suite there, the fuzz harnesses briefly included.
# `make fuzz FUZZ_SECONDS=600` fuzzes each parser for longer (build-fuzz).

BUILD   ?= build
JOBS    ?= $(shell nproc)
PACKAGES = cmake g++ make pkg-config libcli11-dev libsimdjson-dev libfmt-dev \
           libre2-dev libboost-test-dev libhowardhinnant-date-dev tzdata \
           libgmime-3.0-dev libphonenumber-dev libssl-dev groff mandoc jq \
           clang libclang-rt-14-dev chromium fonts-dejavu-core
FUZZ_SECONDS ?= 60
# The clang builds: RelWithDebInfo, so that sanitizer reports name lines.
CLANG_CMAKE = -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++
SAN_ENV = ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
SUDO    := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: all deps build test asan tsan fuzz demo bench clean

all: build

deps:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing </dev/null; \
	fi

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# The sanitizer suites run first: the last line is the main suite's summary.
test: build asan tsan
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

asan: deps
	cmake -S . -B build-asan $(CLANG_CMAKE) -DPARCOURS_SANITIZE=ON -DPARCOURS_FUZZ=ON >/dev/null
	cmake --build build-asan -j $(JOBS)
	cd build-asan && $(SAN_ENV) ctest --output-on-failure -j $(JOBS)

# The threaded paths under ThreadSanitizer: the unit tests (the reader with 1
# to 8 threads, the parallel sorts) and the case that runs every computing
# tool with 1, 2 and 8 threads.
tsan: deps
	cmake -S . -B build-tsan $(CLANG_CMAKE) -DPARCOURS_TSAN=ON >/dev/null
	cmake --build build-tsan -j $(JOBS) --target parcours unit_tests parcours-gen
	cd build-tsan && TSAN_OPTIONS=halt_on_error=1 ctest --output-on-failure -j $(JOBS) -R '^(unit|case/faults/threads)$$'

fuzz: deps
	cmake -S . -B build-fuzz $(CLANG_CMAKE) -DPARCOURS_FUZZ=ON >/dev/null
	cmake --build build-fuzz -j $(JOBS) --target fuzzers
	$(SAN_ENV) tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

demo: build
	samples/demo.sh $(BUILD)/parcours

bench: build
	@dpkg-query -W -f='$${Status}' hyperfine 2>/dev/null | grep -q 'ok installed' || \
	  (DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq hyperfine time </dev/null)
	@# DuckDB, for the side-by-side comparison: left out when npm is missing or fails.
	@command -v npm >/dev/null || echo "make bench: npm is missing; DuckDB is left out"
	@if command -v npm >/dev/null && ! [ bench/duckdb/node_modules/.package-lock.json -nt bench/duckdb/package-lock.json ]; then \
	  npm ci --prefix bench/duckdb --no-audit --no-fund || echo "make bench: npm ci failed; DuckDB is left out"; \
	fi
	bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) build-asan build-tsan build-fuzz
