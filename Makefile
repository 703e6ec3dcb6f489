# Muster: `make run` and `make test` do all the set-up on a fresh Debian 12.

BUILD_DIR ?= build
JOBS ?= $(shell nproc)
CONFIG ?= config/muster.yaml

.PHONY: deps build run test bench clean

deps:
	scripts/install-deps

build: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/musterd --config $(CONFIG)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure --timeout 600 -j 2
	tests/fuzz/run-fuzzers.sh $(BUILD_DIR)/fuzz 20

bench: build
	bench/run $(BUILD_DIR)

clean:
	rm -rf $(BUILD_DIR)
