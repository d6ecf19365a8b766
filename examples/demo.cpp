// The demo grows with the toolkit; for now it draws a key and shows that
// secrets never print.
#include <e2ekit/core.hpp>

#include <iostream>

int main() {
    e2ekit::system_random rng;
    auto key = e2ekit::random_secret<32>(rng);
    std::cout << "a fresh key prints as " << key << "\n";
}
