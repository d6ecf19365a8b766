#include <e2ekit/protocols/twomemo/bundle.hpp>

#include <catch2/catch.hpp>

#include <vector>

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo2;

TEST_CASE("twomemo bundle: made from own keys, signature checked", "[protocols][twomemo]") {
    testing::deterministic_random rng(91);
    const auto id = om::identity_key_pair::generate(rng);
    const auto spk = om::signed_prekey::generate(id.dh, 9, 1700000000000, rng);
    const auto pks = om::prekey::generate(5, 3, rng);
    const auto b = om::make_bundle(id, spk, pks);
    CHECK(b.identity == id.ed25519);
    CHECK(b.signed_prekey_id == 9);
    CHECK(b.signed_prekey == spk.keys.pub);
    CHECK(b.signed_prekey_signature == spk.signature);
    REQUIRE(b.prekeys.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(b.prekeys[i].id == pks[i].id);
        CHECK(b.prekeys[i].key == pks[i].keys.pub);
    }
    CHECK(b.verify());
    CHECK(spk.verify(id.ed25519));

    auto other = b;
    other.signed_prekey[3] ^= 1;
    CHECK(other.verify().error() == agreement::agreement_error::bad_signature);
    other = b;
    other.identity = om::identity_key_pair::generate(rng).ed25519;
    CHECK(other.verify().error() == agreement::agreement_error::bad_signature);
    CHECK(om::make_bundle(id, spk, {}).prekeys.empty());
}
