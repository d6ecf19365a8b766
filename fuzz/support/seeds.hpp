// Seeds that a harness writes itself: run the replay binary once with
// E2EKIT_FUZZ_SEEDS_OUT=<dir> and it calls `write(dir)` before its first
// input (`replay_<target> /dev/null` is enough). Harnesses build their
// genuine seeds from the same fixed world they fuzz, so the corpus and the
// harness cannot drift apart.
#ifndef E2EKIT_FUZZ_SUPPORT_SEEDS_HPP
#define E2EKIT_FUZZ_SUPPORT_SEEDS_HPP

#include <cstdlib>

namespace e2ekit::fuzz {

template <class Write>
void write_seeds_once(Write&& write) {
    static const bool done = [&] {
        if (const char* dir = std::getenv("E2EKIT_FUZZ_SEEDS_OUT")) write(dir);
        return true;
    }();
    (void)done;
}

} // namespace e2ekit::fuzz

#endif
