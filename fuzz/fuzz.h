/* fuzz — what the fuzz targets share: a failed property aborts with a message, so libFuzzer (and the
 * replay driver) report it as a crash and keep the input.
 *
 * Each target is one file, fuzz/fuzz_NAME.c, defining LLVMFuzzerTestOneInput (and, where it needs
 * set-up, LLVMFuzzerInitialize). It is linked either with libFuzzer (clang -fsanitize=fuzzer, `make
 * fuzz`) or with fuzz/replay.c, which runs saved inputs once each (the seeds and the regressions,
 * in the sanitizer build of `make asan`). */
#ifndef KB_FUZZ_H
#define KB_FUZZ_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define PROPERTY(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

#endif
