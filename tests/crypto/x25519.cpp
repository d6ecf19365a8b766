#include <e2ekit/crypto/x25519.hpp>

#include <catch2/catch.hpp>

#include <tests/support/vectors.hpp>

using namespace e2ekit;
using namespace e2ekit::crypto;
using e2ekit::test::tohex;
using e2ekit::test::unhex;

namespace {
x25519::private_key priv_from_hex(const std::string& h) {
    const auto b = unhex(h);
    return x25519::private_key(fixed_view<32>(b.data(), 32));
}
} // namespace

// RFC 7748 §6.1.
TEST_CASE("x25519: RFC 7748 section 6.1", "[crypto][x25519]") {
    auto a = x25519::from_private(
        priv_from_hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
    auto b = x25519::from_private(
        priv_from_hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
    CHECK(tohex(a.pub) == "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    CHECK(tohex(b.pub) == "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    auto ab = x25519::agree(a.priv, b.pub);
    auto ba = x25519::agree(b.priv, a.pub);
    REQUIRE(ab);
    REQUIRE(ba);
    CHECK(tohex(ab->view()) == "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    CHECK(*ab == *ba);
}

TEST_CASE("x25519: generated keys are clamped and agree", "[crypto][x25519]") {
    system_random rng;
    for (int i = 0; i < 20; ++i) {
        auto a = x25519::generate(rng);
        auto b = x25519::generate(rng);
        CHECK((a.priv.view()[0] & 7) == 0);
        CHECK((a.priv.view()[31] & 0xc0) == 0x40);
        CHECK(x25519::public_from_private(a.priv) == a.pub);
        auto s1 = x25519::agree(a.priv, b.pub);
        auto s2 = x25519::agree(b.priv, a.pub);
        REQUIRE(s1);
        REQUIRE(s2);
        CHECK(*s1 == *s2);
    }
}

TEST_CASE("x25519: small-order peer keys are invalid_key", "[crypto][x25519]") {
    testing::deterministic_random rng(1);
    auto a = x25519::generate(rng);
    // u = 0 and u = 1 are points of small order (RFC 7748 §6.1 note).
    x25519::public_key zero{}, one{};
    one[0] = 1;
    for (const auto& p : {zero, one}) {
        auto r = x25519::agree(a.priv, p);
        REQUIRE_FALSE(r);
        CHECK(r.error() == crypto_error::invalid_key);
        CHECK(r.error() == condition::invalid_key);
    }
}

// Wycheproof x25519_test.json. Every `valid` case must give the expected
// secret. The `acceptable` cases are public keys RFC 7748 tells us to take
// as they are (twist points, non-canonical u >= p, bit 255 set): we accept
// them and must then match `shared`, except the low-order ones whose
// secret is all zero, which we reject (invalid_key). So a rejected
// acceptable case must have an all-zero expected secret.
TEST_CASE("x25519: Wycheproof x25519_test.json", "[crypto][x25519][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    int zero_rejected = 0;
    auto t = e2ekit::test::run_wycheproof(
        "x25519_test.json", [&](const nlohmann::json&, const nlohmann::json& tc) {
            const auto pub = unhex(tc.at("public"));
            const auto priv = unhex(tc.at("private"));
            const auto shared = unhex(tc.at("shared"));
            REQUIRE(pub.size() == 32);
            REQUIRE(priv.size() == 32);
            auto r = x25519::agree(x25519::private_key(fixed_view<32>(priv.data(), 32)),
                                   fixed_view<32>(pub.data(), 32));
            if (!r) {
                CHECK(r.error() == crypto_error::invalid_key);
                CHECK(ct::is_zero(shared));
                ++zero_rejected;
                return false;
            }
            CHECK(tohex(r->view()) == tohex(shared));
            return equal_public(r->view(), shared);
        });
    CHECK(t.valid == 264);
    CHECK(t.invalid == 0);
    CHECK(t.acceptable_rejected == zero_rejected);
    CHECK(t.acceptable_accepted + t.acceptable_rejected == 254);
    WARN("x25519_test.json: " << t.valid << " valid passed, " << t.acceptable_accepted
                              << " acceptable accepted, " << t.acceptable_rejected
                              << " acceptable (all-zero secret) rejected");
}
