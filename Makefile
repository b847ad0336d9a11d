# One command each: `make demo` runs the main job on samples/, `make test` runs every suite.
# Both install what they need (Debian packages) first.

BUILD   ?= build
JOBS    ?= $(shell nproc)
PACKAGES = cmake g++ make pkg-config libcli11-dev libsimdjson-dev libfmt-dev \
           libre2-dev libboost-test-dev libhowardhinnant-date-dev tzdata \
           libgmime-3.0-dev libphonenumber-dev libssl-dev groff mandoc jq \
           chromium fonts-dejavu-core
SUDO    := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

.PHONY: all deps build test demo bench clean

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

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

demo: build
	samples/demo.sh $(BUILD)/parcours

bench: build
	@dpkg-query -W -f='$${Status}' hyperfine 2>/dev/null | grep -q 'ok installed' || \
	  (DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq hyperfine time </dev/null)
	bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD)
