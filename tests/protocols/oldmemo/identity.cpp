#include <e2ekit/protocols/oldmemo/identity.hpp>

#include <catch2/catch.hpp>

#include <tests/support/vectors.hpp>

#include <string>

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo03;
using e2ekit::test::tohex;
using e2ekit::test::unhex;

namespace {

crypto::ed25519::seed seed_of(const std::string& hex) {
    const auto b = unhex(hex);
    return crypto::ed25519::seed(fixed_view<32>(b.data(), 32));
}

} // namespace

// RFC 8032 §7.1 TEST 1 and TEST 2: a seed identity is the seed's Ed25519
// key and signs as RFC 8032 does.
TEST_CASE("oldmemo identity: a seed is its RFC 8032 key pair", "[protocols][oldmemo][identity]") {
    struct kat {
        const char *seed, *pub, *msg, *sig;
    };
    const kat kats[] = {
        {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
         "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
         "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
        {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
         "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
         "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
         "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    };
    for (const auto& k : kats) {
        const auto id = om::identity_key_pair::from_seed(seed_of(k.seed));
        CHECK(id.is_seed());
        REQUIRE(id.seed());
        CHECK(*id.seed() == seed_of(k.seed));
        CHECK(tohex(id.ed25519_public()) == k.pub);
        CHECK(tohex(id.sign(unhex(k.msg))) == k.sig);
        // The X25519 half is the Ed25519 key's birational image (RFC 7748
        // §4.1), and the scalar the seed's hash gives (libsodium's
        // crypto_sign_ed25519_sk_to_curve25519 conversion).
        auto u = crypto::xeddsa::curve25519_from_ed25519(id.ed25519_public());
        REQUIRE(u);
        CHECK(id.curve25519_public() == *u);
        CHECK(id.dh().pub == crypto::x25519::public_from_private(id.dh().priv));
    }
}

// RFC 7748 §6.1: Alice's private key and public u.
TEST_CASE("oldmemo identity: a Curve25519 private key", "[protocols][oldmemo][identity]") {
    const auto priv_bytes =
        unhex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    const crypto::x25519::private_key priv(fixed_view<32>(priv_bytes.data(), 32));
    const auto id = om::identity_key_pair::from_private(priv);
    CHECK_FALSE(id.is_seed());
    CHECK_FALSE(id.seed());
    CHECK(tohex(id.curve25519_public()) ==
          "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    // Its Ed25519 form is aB with the sign bit as it falls (libxeddsa
    // priv_to_ed25519_pub), the u-coordinate's image under that bit.
    CHECK(id.ed25519_public() == crypto::xeddsa::ed25519_public_from_private(priv));
    CHECK(id.ed25519_public() ==
          crypto::xeddsa::ed25519_from_curve25519(id.curve25519_public(),
                                                  (id.ed25519_public()[31] & 0x80) != 0));
    const bytes msg{1, 2, 3};
    const auto sig = id.sign(msg);
    CHECK(crypto::ed25519::verify(id.ed25519_public(), msg, sig));
    CHECK(id.sign(msg) == sig); // deterministic nonce
    CHECK_FALSE(crypto::ed25519::verify(id.ed25519_public(), bytes{1, 2}, sig));
}

TEST_CASE("oldmemo identity: pre-key signatures carry the sign bit",
          "[protocols][oldmemo][identity]") {
    testing::deterministic_random rng(3);
    int seen[2][2] = {};
    for (int i = 0; i < 64; ++i) {
        const bool seed = i % 2 == 0;
        const auto id =
            seed ? om::identity_key_pair::generate(rng)
                 : om::identity_key_pair::from_private(crypto::x25519::generate(rng).priv);
        const bool bit = (id.ed25519_public()[31] & 0x80) != 0;
        ++seen[seed][bit];
        const auto spk = crypto::x25519::generate(rng).pub;
        const auto sig = id.sign_prekey(spk);
        CHECK(((sig[63] & 0x80) != 0) == bit);
        // libsignal-protocol-c's and python-oldmemo's reading of it.
        CHECK(crypto::xeddsa::verify_signal_legacy(id.curve25519_public(),
                                                   om::key_encoding::encode(spk), sig));
        auto plain = sig;
        plain[63] &= 0x7f;
        CHECK(crypto::ed25519::verify(id.ed25519_public(), om::key_encoding::encode(spk), plain));
        CHECK(om::x3dh_params::verify_prekey(id.curve25519_public(), spk, sig));
        auto other = sig;
        other[63] ^= 0x80;
        CHECK_FALSE(om::x3dh_params::verify_prekey(id.curve25519_public(), spk, other));
    }
    CHECK(seen[0][0] > 0);
    CHECK(seen[0][1] > 0);
    CHECK(seen[1][0] > 0);
    CHECK(seen[1][1] > 0);
}

TEST_CASE("oldmemo identity: clones, equality, nothing printed", "[protocols][oldmemo][identity]") {
    testing::deterministic_random rng(4);
    const auto a = om::identity_key_pair::generate(rng);
    const auto b = om::identity_key_pair::generate(rng);
    const auto c = a.clone();
    CHECK(c == a);
    CHECK_FALSE(b == a);
    CHECK(c.dh().priv == a.dh().priv);
    REQUIRE(c.seed());
    CHECK(*c.seed() == *a.seed());
    const auto p = om::identity_key_pair::from_private(a.dh().priv);
    // The same scalar held as a key: the same DH half; the Ed25519 form is
    // the one the scalar gives, which is the seed's.
    CHECK(p.curve25519_public() == a.curve25519_public());
    CHECK(p.ed25519_public() == a.ed25519_public());
    CHECK(p.clone() == p);
}
