// A program outside the tree, built against the installed headers.
#include <e2ekit/core.hpp>

#include <cstdio>

int main() {
    e2ekit::system_random rng;
    auto a = e2ekit::random_secret<32>(rng);
    auto b = a.clone();
    if (!(a == b)) return 1;
    std::puts("consumer: ok");
    return 0;
}
