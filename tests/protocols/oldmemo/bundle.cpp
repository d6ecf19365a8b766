#include <e2ekit/protocols/oldmemo/bundle.hpp>

#include <catch2/catch.hpp>

#include <vector>

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo03;

TEST_CASE("oldmemo bundle: what a device publishes verifies", "[protocols][oldmemo][bundle]") {
    testing::deterministic_random rng(11);
    for (int i = 0; i < 16; ++i) {
        const auto id =
            i % 2 ? om::identity_key_pair::generate(rng)
                  : om::identity_key_pair::from_private(crypto::x25519::generate(rng).priv);
        const auto spk = om::generate_signed_prekey(id, 7, 1700000000, rng);
        CHECK(spk.id == 7);
        CHECK(spk.timestamp == 1700000000);
        CHECK(spk.verify(id.curve25519_public()));
        const auto pks = om::generate_prekeys(100, 3, rng);
        REQUIRE(pks.size() == 3);
        CHECK(pks[2].id == 102);
        const om::bundle b = om::make_bundle(id, spk, pks);
        CHECK(b.identity_key == id.curve25519_public());
        CHECK(b.signed_prekey_id == 7);
        CHECK(b.signed_prekey == spk.keys.pub);
        REQUIRE(b.prekeys.size() == 3);
        CHECK(b.prekeys[1] == om::prekey_public{101, pks[1].keys.pub});
        CHECK(b.verify());
        // python-oldmemo's reading of the identity key: the Ed25519 form
        // the signature's bit 7 names.
        CHECK(b.identity_key_ed25519() == id.ed25519_public());
    }
}

TEST_CASE("oldmemo bundle: a changed bundle does not verify", "[protocols][oldmemo][bundle]") {
    testing::deterministic_random rng(12);
    const auto id = om::identity_key_pair::generate(rng);
    const auto spk = om::generate_signed_prekey(id, 1, 0, rng);
    const om::bundle good = om::make_bundle(id, spk, {});
    REQUIRE(good.verify());
    for (std::size_t i = 0; i < 64; i += 5) {
        om::bundle b = good;
        b.signed_prekey_signature[i] ^= 0x04;
        CHECK(b.verify().error() == agreement::agreement_error::bad_signature);
    }
    om::bundle b = good;
    b.signed_prekey_signature[63] ^= 0x80; // the other Ed25519 key
    CHECK_FALSE(b.verify());
    b = good;
    b.signed_prekey[3] ^= 1;
    CHECK_FALSE(b.verify());
    b = good;
    b.identity_key = om::identity_key_pair::generate(rng).curve25519_public();
    CHECK_FALSE(b.verify());
    b = good;
    b.identity_key[31] |= 0x80; // a u-coordinate >= p
    CHECK_FALSE(b.verify());
}
