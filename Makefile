# The two entry points of README.md. Everything real happens in CMake and in
# scripts/; this file only names the jobs. Both install their own Debian
# packages first (scripts/deps.sh is idempotent).

.PHONY: all build demo check format clean

all: build

build:
	./scripts/deps.sh
	cmake -S . -B build -DCMAKE_C_COMPILER=clang
	cmake --build build -j2

demo:
	./scripts/demo.sh

check:
	./scripts/check.sh

format:
	clang-format -i installer/*/*.[ch] kickstart/*.[ch] ui/*.[ch] tests/unit/*.[ch] tests/fuzz/*.c

clean:
	rm -rf build build-*
