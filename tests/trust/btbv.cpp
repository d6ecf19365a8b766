#include <e2ekit/trust/btbv.hpp>

#include <catch2/catch.hpp>

using namespace e2ekit;
using trust::btbv;
using trust::btbv_level;
using trust::level;
using entry = trust::key_level<trust::btbv_scheme>;

TEST_CASE("trust::btbv_scheme: four levels, two of them trusted", "[trust][btbv]") {
    STATIC_REQUIRE(trust::level_scheme<trust::btbv_scheme>);
    using S = trust::btbv_scheme;
    CHECK(S::core(btbv_level::blindly_trusted) == level::trusted);
    CHECK(S::core(btbv_level::verified) == level::trusted);
    CHECK(S::core(btbv_level::undecided) == level::undecided);
    CHECK(S::core(btbv_level::distrusted) == level::distrusted);
    for (auto l : {btbv_level::blindly_trusted, btbv_level::verified, btbv_level::undecided,
                   btbv_level::distrusted})
        CHECK(S::from_name(S::name(l)) == l);
    CHECK_FALSE(S::from_name("TRUSTED"));
}

TEST_CASE("trust::btbv: blind trust until the first verification", "[trust][btbv]") {
    STATIC_REQUIRE(trust::key_policy<btbv>);
    // Nothing verified: new keys are trusted blindly, even beside a
    // distrusted one.
    CHECK(btbv::first_seen({}) == btbv_level::blindly_trusted);
    const entry blind[] = {{bytes(32, 1), btbv_level::blindly_trusted},
                           {bytes(32, 2), btbv_level::distrusted}};
    CHECK(btbv::first_seen(blind) == btbv_level::blindly_trusted);

    // Verifying one key ends blind trust in the others; distrust stays.
    const auto changes = btbv::after_decision(blind, {bytes(32, 3), btbv_level::verified});
    REQUIRE(changes.size() == 1);
    CHECK(changes[0] == entry{bytes(32, 1), btbv_level::undecided});
    // Any other decision changes nothing else.
    CHECK(btbv::after_decision(blind, {bytes(32, 3), btbv_level::distrusted}).empty());
    CHECK(btbv::after_decision(blind, {bytes(32, 3), btbv_level::blindly_trusted}).empty());

    // Once one is verified, new keys wait.
    const entry verified[] = {{bytes(32, 1), btbv_level::verified}};
    CHECK(btbv::first_seen(verified) == btbv_level::undecided);
}
