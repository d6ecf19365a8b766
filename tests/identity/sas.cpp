#include <e2ekit/identity/sas.hpp>

#include <catch2/catch.hpp>

#include <array>
#include <stdexcept>

// python-olm is the judge of the bytes and MACs (tests/interop/sas_python);
// here the two sides agreeing and the bit layout of emoji and decimals.

using namespace e2ekit;

TEST_CASE("identity::sas: both sides agree; emoji and decimal bit layout", "[identity][sas]") {
    testing::deterministic_random rng(5);
    auto a = identity::sas::create(rng);
    auto b = identity::sas::create(rng);
    CHECK_THROWS_AS(a.generate_bytes("x", 6), std::logic_error);
    REQUIRE(a.set_their_key(b.public_key()));
    REQUIRE(b.set_their_key(a.public_key()));
    CHECK(a.generate_bytes("info", 6) == b.generate_bytes("info", 6));
    CHECK_FALSE(a.generate_bytes("info", 6) == a.generate_bytes("other", 6));
    CHECK(a.mac_base64(as_bytes("k"), "i") == b.mac_base64(as_bytes("k"), "i"));
    CHECK(a.mac_base64(as_bytes("k"), "i").size() == 43);
    CHECK(a.mac_libolm_legacy(as_bytes("k"), "i").size() == 43);
    CHECK(a.set_their_key(crypto::x25519::public_key{}).error() ==
          crypto::crypto_error::invalid_key);

    const byte ones[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    CHECK(identity::sas::emoji(fixed_view<6>(ones, 6)) ==
          std::array<std::uint8_t, 7>{63, 63, 63, 63, 63, 63, 63});
    CHECK(identity::sas::decimal(fixed_view<5>(ones, 5)) ==
          std::array<std::uint16_t, 3>{9191, 9191, 9191});
    // 000001 000010 000011 ...: the first six bits are the first index.
    const byte steps[6] = {0x04, 0x20, 0xc4, 0x14, 0x61, 0xc0};
    CHECK(identity::sas::emoji(fixed_view<6>(steps, 6)) ==
          std::array<std::uint8_t, 7>{1, 2, 3, 4, 5, 6, 7});
    const byte zero[5] = {};
    CHECK(identity::sas::decimal(fixed_view<5>(zero, 5)) ==
          std::array<std::uint16_t, 3>{1000, 1000, 1000});
}
