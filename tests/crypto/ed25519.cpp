#include <e2ekit/crypto/ed25519.hpp>

#include <catch2/catch.hpp>

#include <tests/support/vectors.hpp>

using namespace e2ekit;
using namespace e2ekit::crypto;
using e2ekit::test::tohex;
using e2ekit::test::unhex;

// RFC 8032 §7.1, TEST 1 and TEST 2.
TEST_CASE("ed25519: RFC 8032 section 7.1", "[crypto][ed25519]") {
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
        const auto seed_bytes = unhex(k.seed);
        const ed25519::seed seed(fixed_view<32>(seed_bytes.data(), 32));
        const auto kp = ed25519::from_seed(seed);
        CHECK(tohex(kp.pub) == k.pub);
        CHECK(ed25519::public_from_seed(seed) == kp.pub);
        CHECK(ed25519::public_from_private(kp.priv) == kp.pub);
        CHECK(ed25519::seed_of(kp.priv) == seed);
        const auto msg = unhex(k.msg);
        const auto sig = ed25519::sign(kp.priv, msg);
        CHECK(tohex(sig) == k.sig);
        CHECK(ed25519::verify(kp.pub, msg, sig));
    }
}

TEST_CASE("ed25519: tampering and malformed signatures fail", "[crypto][ed25519]") {
    testing::deterministic_random rng(5);
    const auto kp = ed25519::generate(rng);
    const bytes msg{1, 2, 3, 4, 5};
    const auto sig = ed25519::sign(kp.priv, msg);
    REQUIRE(ed25519::verify(kp.pub, msg, sig));
    for (std::size_t i = 0; i < sig.size(); i += 7) {
        auto s = sig;
        s[i] ^= 0x10;
        CHECK(ed25519::verify(kp.pub, msg, s).error() == crypto_error::authentication_failed);
    }
    CHECK_FALSE(ed25519::verify(kp.pub, bytes{1, 2, 3, 4}, sig));
    CHECK_FALSE(ed25519::verify(kp.pub, msg, bytes_view(sig).first(63)));
    CHECK_FALSE(ed25519::verify(kp.pub, msg, concat(sig, bytes{0})));
    CHECK_FALSE(ed25519::verify(kp.pub, msg, bytes{}));
    auto other = kp.pub;
    other[0] ^= 1;
    CHECK_FALSE(ed25519::verify(other, msg, sig));
    // s + L: the same signature made malleable; strict verification refuses.
    auto mall = sig;
    static constexpr byte L[32] = {0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7,
                                   0xa2, 0xde, 0xf9, 0xde, 0x14, 0,    0,    0,    0,    0,    0,
                                   0,    0,    0,    0,    0,    0,    0,    0,    0,    0x10};
    unsigned carry = 0;
    for (std::size_t i = 0; i < 32; ++i) {
        const unsigned v = mall[32 + i] + L[i] + carry;
        mall[32 + i] = static_cast<byte>(v);
        carry = v >> 8;
    }
    CHECK_FALSE(ed25519::verify(kp.pub, msg, mall));
}

// Wycheproof ed25519_test.json: every valid signature verifies, every
// invalid one (malleable s, bad encodings, truncated, trailing garbage) fails.
TEST_CASE("ed25519: Wycheproof ed25519_test.json", "[crypto][ed25519][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    auto t = e2ekit::test::run_wycheproof(
        "ed25519_test.json", [](const nlohmann::json& g, const nlohmann::json& tc) {
            const auto pk = unhex(g.at("publicKey").at("pk"));
            REQUIRE(pk.size() == 32);
            const auto msg = unhex(tc.at("msg"));
            const auto sig = unhex(tc.at("sig"));
            auto r = ed25519::verify(fixed_view<32>(pk.data(), 32), msg, sig);
            if (!r) CHECK(r.error() == crypto_error::authentication_failed);
            return r.has_value();
        });
    CHECK(t.valid == 88);
    CHECK(t.invalid == 63);
}

// The expanded form signs exactly as the seed does (RFC 8032 §7.1's keys),
// and its public key is the seed's.
TEST_CASE("ed25519: expanded keys sign as their seeds do", "[crypto][ed25519]") {
    const char* seeds[] = {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                           "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"};
    testing::deterministic_random rng(9);
    for (const char* hex : seeds) {
        const auto b = unhex(hex);
        const ed25519::seed seed(fixed_view<32>(b.data(), 32));
        const auto kp = ed25519::from_seed(seed);
        const auto ex = ed25519::expand(seed);
        REQUIRE(ed25519::public_from_expanded(ex).value() == kp.pub);
        for (std::size_t n : {0, 1, 100, 1000}) {
            bytes msg(n);
            rng.fill(msg);
            const auto sig = ed25519::sign_expanded(ex, kp.pub, msg);
            CHECK(sig == ed25519::sign(kp.priv, msg));
            CHECK(ed25519::verify(kp.pub, msg, sig));
        }
    }
    CHECK(ed25519::public_from_expanded(ed25519::expanded_key{}).error() ==
          crypto_error::invalid_key);
}
