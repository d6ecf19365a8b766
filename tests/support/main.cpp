// The unit-test runner. `--require-vectors` turns a missing vectors folder
// into ctest's "skipped" (exit 77) instead of a silent pass.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <tests/support/vectors.hpp>

#include <cstring>
#include <iostream>
#include <vector>

int main(int argc, char** argv) {
    std::vector<char*> args;
    bool require_vectors = false;
    for (int i = 0; i < argc; ++i) {
        if (std::strcmp(argv[i], "--require-vectors") == 0)
            require_vectors = true;
        else
            args.push_back(argv[i]);
    }
    if (require_vectors && !e2ekit::test::vectors_available()) {
        std::cout << "skipped: no test vectors at '" << e2ekit::test::vectors_dir()
                  << "' (set E2EKIT_VECTORS_DIR)\n";
        return 77;
    }
    return Catch::Session().run(static_cast<int>(args.size()), args.data());
}
