#include <e2ekit/core/random.hpp>

#include <catch2/catch.hpp>

using namespace e2ekit;

namespace {
struct not_noexcept {
    void fill(mutable_bytes_view) {}
};
struct no_fill {};
} // namespace
static_assert(!random_source<not_noexcept>, "a source must not throw");
static_assert(!random_source<no_fill>);

TEST_CASE("random: the system source gives distinct draws", "[core][random]") {
    system_random r;
    CHECK(random_array<32>(r) != random_array<32>(r));
    auto s = random_secret<32>(r);
    CHECK_FALSE(ct::is_zero(s.view()));
}

TEST_CASE("random: the deterministic source replays its seed", "[core][random]") {
    testing::deterministic_random a(7), b(7), c(8);
    auto x = random_array<40>(a);
    CHECK(x == random_array<40>(b));
    CHECK(x != random_array<40>(c));
    CHECK(random_array<40>(a) != x); // successive draws differ
    for (int i = 0; i < 1000; ++i)
        CHECK(random_below(a, 10) < 10);
}
