#include <e2ekit/identity/prekeys.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/protocols/signal/params.hpp>

#include <set>

using namespace e2ekit;
using params = protocols::signal::x3dh_params;

TEST_CASE("identity: signed pre-keys verify under their identity only", "[identity][prekeys]") {
    testing::deterministic_random rng(1);
    const auto id = crypto::x25519::generate(rng);
    const auto other = crypto::x25519::generate(rng);
    auto spk = identity::signed_prekey<params>::generate(id, 9, 1234, rng);
    CHECK(spk.id == 9);
    CHECK(spk.timestamp == 1234);
    CHECK(spk.verify(id.pub));
    CHECK_FALSE(spk.verify(other.pub));
    spk.signature[0] ^= 1;
    CHECK_FALSE(spk.verify(id.pub));
}

TEST_CASE("identity: one-time pre-keys and registration ids", "[identity][prekeys]") {
    testing::deterministic_random rng(2);
    auto keys = identity::one_time_prekey<params>::generate(7, 4, rng);
    REQUIRE(keys.size() == 4);
    std::set<crypto::x25519::public_key> pubs;
    for (std::uint32_t i = 0; i < 4; ++i) {
        CHECK(keys[i].id == 7 + i);
        pubs.insert(keys[i].keys.pub);
    }
    CHECK(pubs.size() == 4);
    for (int i = 0; i < 1000; ++i) {
        const auto r = identity::generate_registration_id(
            rng, protocols::signal::identity_params::max_registration_id);
        CHECK(r >= 1);
        CHECK(r <= 16380);
    }
}
