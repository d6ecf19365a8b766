// Runs each secret-handling path once with its secret inputs poisoned. Under
// valgrind, a branch or table index on a poisoned byte fails the test; the
// results are unpoisoned only where they become public (a verdict).
#include <e2ekit/core.hpp>

#include <cstdio>
#include <cstdlib>

namespace {

using namespace e2ekit;

int checks = 0;

template <class F>
void check(const char* name, F&& f) {
    f();
    ++checks;
    std::printf("ctgrind: %s\n", name);
}

template <std::size_t N>
secret<N> poisoned_secret(byte fill) {
    byte_array<N> raw;
    raw.fill(fill);
    secret<N> s{raw};
    ct::poison(s.data(), N);
    return s;
}

} // namespace

int main() {
    check("ct::equal on secrets", [] {
        auto a = poisoned_secret<32>(1), b = poisoned_secret<32>(1);
        bool same = a == b;
        ct::unpoison(same);
        if (!same) std::abort();
    });
    check("ct::is_zero on a secret", [] {
        auto a = poisoned_secret<32>(0);
        bool zero = ct::is_zero(a.view());
        ct::unpoison(zero);
        if (!zero) std::abort();
    });
    std::printf("ctgrind: %d checks ran\n", checks);
    return 0;
}
