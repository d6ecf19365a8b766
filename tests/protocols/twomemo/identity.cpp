#include <e2ekit/protocols/twomemo/identity.hpp>

#include <catch2/catch.hpp>

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo2;

TEST_CASE("twomemo identity: from a seed as python-omemo keeps it", "[protocols][twomemo]") {
    testing::deterministic_random rng(61);
    for (int i = 0; i < 16; ++i) {
        const auto seed = random_secret<32, crypto::ed25519_seed_tag>(rng);
        const auto id = om::identity_key_pair::from_seed(seed);
        // The published key is the seed's own Ed25519 key (RFC 8032 §5.1.5).
        CHECK(id.ed25519 == crypto::ed25519::public_from_seed(seed));
        // The scalar is libsodium's crypto_sign_ed25519_sk_to_curve25519 of
        // the seed's key pair, and its X25519 key the Ed25519 key mapped.
        const auto kp = crypto::ed25519::from_seed(seed);
        crypto::x25519::private_key expected;
        REQUIRE(crypto_sign_ed25519_sk_to_curve25519(expected.mutable_view().data(),
                                                     kp.priv.data()) == 0);
        CHECK(id.dh.priv == expected);
        auto u = crypto::xeddsa::curve25519_from_ed25519(id.ed25519);
        REQUIRE(u);
        CHECK(*u == id.dh.pub);
        // From the scalar alone: the same pair (IdentityKeyPairPriv).
        const auto again = om::identity_key_pair::from_private(id.dh.priv.clone());
        CHECK(again.ed25519 == id.ed25519);
        CHECK(again.dh.pub == id.dh.pub);
        const auto copy = id.clone();
        CHECK(copy.dh.priv == id.dh.priv);
        CHECK(copy.ed25519 == id.ed25519);
    }
}

TEST_CASE("twomemo identity: signatures verify under the published key", "[protocols][twomemo]") {
    testing::deterministic_random rng(62);
    int sign_bit_set = 0;
    for (int i = 0; i < 32; ++i) {
        const auto id = om::identity_key_pair::generate(rng);
        sign_bit_set += id.ed25519[31] >> 7;
        const bytes msg = {1, 2, 3, static_cast<byte>(i)};
        const auto a = om::sign(id.dh.priv, msg, rng);
        const auto b = om::sign(id.dh.priv, msg, rng);
        CHECK(crypto::ed25519::verify(id.ed25519, msg, a));
        CHECK(crypto::ed25519::verify(id.ed25519, msg, b));
        CHECK(a != b); // a fresh nonce prefix each time
        CHECK_FALSE(crypto::ed25519::verify(id.ed25519, bytes{1, 2, 3}, a));
        // Not the XEdDSA key: that one has sign bit 0 whatever aB's is.
        if (id.ed25519[31] >> 7) {
            auto forced = id.ed25519;
            forced[31] &= 0x7f;
            CHECK_FALSE(crypto::ed25519::verify(forced, msg, a));
        }
    }
    CHECK(sign_bit_set > 0);
    CHECK(sign_bit_set < 32);
}
