#include <e2ekit/crypto/xeddsa.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/crypto/ed25519.hpp>

using namespace e2ekit;
using namespace e2ekit::crypto;

namespace {

// What libsignal-protocol-c 2.3.3's curve25519_sign produces (see
// xeddsa.hpp): the clamped scalar as it is, never negated, and the sign bit
// of A = aB stored in bit 7 of byte 63. Built here from libxeddsa's
// explicit-scalar signer; tests/interop/xeddsa checks it against the real
// library.
xeddsa::signature legacy_sign(const xeddsa::signing_key& k, bytes_view msg) {
    secret<32> a = k.clone().retag<void>();
    x25519::clamp(a.mutable_view());
    byte_array<64> z{};
    testing::deterministic_random rng(77);
    rng.fill(z);
    xeddsa::signature sig;
    ed25519_priv_sign(sig.data(), a.data(), msg.data(), static_cast<std::uint32_t>(msg.size()),
                      z.data());
    sig[63] |= xeddsa::ed25519_public_from_private(k)[31] & 0x80;
    return sig;
}

} // namespace

TEST_CASE("xeddsa: signatures verify and are randomised", "[crypto][xeddsa]") {
    system_random rng;
    for (int i = 0; i < 200; ++i) {
        const auto kp = xeddsa::generate(rng);
        bytes msg(static_cast<std::size_t>(i));
        if (i) rng.fill(msg); // the random sources want a non-null buffer
        const auto sig = xeddsa::sign(kp.priv, msg);
        REQUIRE(xeddsa::verify(kp.pub, msg, sig));
        CHECK((sig[63] & 0x80) == 0);
        CHECK(xeddsa::verify_signal_legacy(kp.pub, msg, sig));
        // A fresh nonce each time (XEdDSA §3.3 Z).
        CHECK(xeddsa::sign(kp.priv, msg) != sig);
        // And it is an Ed25519 signature under the sign-0 Edwards key.
        CHECK(ed25519::verify(xeddsa::ed25519_from_curve25519(kp.pub), msg, sig));
    }
}

TEST_CASE("xeddsa: a deterministic nonce source reproduces signatures", "[crypto][xeddsa]") {
    testing::deterministic_random keys(1), n1(2), n2(2);
    const auto kp = xeddsa::generate(keys);
    const bytes msg{9, 8, 7};
    CHECK(xeddsa::sign(kp.priv, msg, n1) == xeddsa::sign(kp.priv, msg, n2));
}

TEST_CASE("xeddsa: an unclamped private key signs like its clamped form", "[crypto][xeddsa]") {
    testing::deterministic_random rng(12);
    auto raw = random_secret<32, x25519_private_key_tag>(rng);
    raw.mutable_view()[0] |= 7;
    raw.mutable_view()[31] |= 0x80;
    const auto pub = xeddsa::public_from_private(raw);
    const bytes msg{1};
    CHECK(xeddsa::verify(pub, msg, xeddsa::sign(raw, msg)));
}

TEST_CASE("xeddsa: tampering fails", "[crypto][xeddsa]") {
    testing::deterministic_random rng(3);
    const auto kp = xeddsa::generate(rng);
    const auto other = xeddsa::generate(rng);
    const bytes msg{1, 2, 3};
    const auto sig = xeddsa::sign(kp.priv, msg, rng);
    for (std::size_t i = 0; i < 64; ++i) {
        auto s = sig;
        s[i] ^= static_cast<byte>(1u << (i % 8));
        CHECK(xeddsa::verify(kp.pub, msg, s).error() == crypto_error::authentication_failed);
        CHECK_FALSE(xeddsa::verify_signal_legacy(kp.pub, msg, s));
    }
    CHECK_FALSE(xeddsa::verify(other.pub, msg, sig));
    CHECK_FALSE(xeddsa::verify(kp.pub, bytes{1, 2}, sig));
    CHECK_FALSE(xeddsa::verify(kp.pub, msg, bytes_view(sig).first(63)));
    CHECK_FALSE(xeddsa::verify(kp.pub, msg, concat(sig, bytes{0})));
}

TEST_CASE("xeddsa: u-coordinates >= p are rejected (XEdDSA 3.3)", "[crypto][xeddsa]") {
    xeddsa::verifying_key p{};
    p.fill(0xff);
    p[0] = 0xed;
    p[31] = 0x7f;
    CHECK_FALSE(xeddsa::is_canonical_u(p));
    auto below = p;
    below[0] = 0xec;
    CHECK(xeddsa::is_canonical_u(below));
    auto top = xeddsa::verifying_key{};
    top[31] = 0x80;
    CHECK_FALSE(xeddsa::is_canonical_u(top));

    // A real key with bit 255 set: same point for X25519, refused for signatures.
    testing::deterministic_random rng(4);
    const auto kp = xeddsa::generate(rng);
    const bytes msg{5};
    const auto sig = xeddsa::sign(kp.priv, msg);
    auto high = kp.pub;
    high[31] |= 0x80;
    CHECK_FALSE(xeddsa::verify(high, msg, sig));
    CHECK_FALSE(xeddsa::verify_signal_legacy(high, msg, sig));
}

TEST_CASE("xeddsa: libsignal-protocol-c's sign-bit form", "[crypto][xeddsa]") {
    testing::deterministic_random rng(6);
    int with_bit = 0, without_bit = 0;
    for (int i = 0; i < 64; ++i) {
        const auto kp = xeddsa::generate(rng);
        const bytes msg{static_cast<byte>(i), 1, 2};
        const auto sig = legacy_sign(kp.priv, msg);
        CHECK(xeddsa::verify_signal_legacy(kp.pub, msg, sig));
        const bool sign_bit = (xeddsa::ed25519_public_from_private(kp.priv)[31] & 0x80) != 0;
        CHECK(((sig[63] & 0x80) != 0) == sign_bit);
        // Spec XEdDSA accepts that form only when the bit is 0.
        CHECK(xeddsa::verify(kp.pub, msg, sig).has_value() == !sign_bit);
        ++(sign_bit ? with_bit : without_bit);
        // The legacy verifier still checks everything else.
        auto s = sig;
        s[5] ^= 1;
        CHECK_FALSE(xeddsa::verify_signal_legacy(kp.pub, msg, s));
        s = sig;
        s[63] ^= 0x80; // the wrong sign: a different Edwards key
        CHECK_FALSE(xeddsa::verify_signal_legacy(kp.pub, msg, s));
    }
    CHECK(with_bit > 0);
    CHECK(without_bit > 0);
}

TEST_CASE("xeddsa: Curve25519 <-> Ed25519 public keys", "[crypto][xeddsa]") {
    testing::deterministic_random rng(8);
    for (int i = 0; i < 50; ++i) {
        const auto kp = xeddsa::generate(rng);
        const auto a = xeddsa::ed25519_public_from_private(kp.priv);
        const bool sign_bit = (a[31] & 0x80) != 0;
        CHECK(xeddsa::ed25519_from_curve25519(kp.pub, sign_bit) == a);
        auto a0 = a;
        a0[31] &= 0x7f;
        CHECK(xeddsa::ed25519_from_curve25519(kp.pub) == a0);
        auto back = xeddsa::curve25519_from_ed25519(a);
        REQUIRE(back);
        CHECK(*back == kp.pub);
        // An Ed25519 identity key (OMEMO 2) maps to the Curve25519 key
        // whose X25519 agrees with the same seed's scalar.
        const auto ed = ed25519::generate(rng);
        auto u = xeddsa::curve25519_from_ed25519(ed.pub);
        REQUIRE(u);
        CHECK(xeddsa::ed25519_from_curve25519(*u, (ed.pub[31] & 0x80) != 0) == ed.pub);
    }
    // The identity point (y = 1) is refused by libsodium.
    xeddsa::ed25519_public_key identity{};
    identity[0] = 1;
    CHECK(xeddsa::curve25519_from_ed25519(identity).error() == crypto_error::invalid_key);
}

TEST_CASE("xeddsa: prepared signing and verifying keys", "[crypto][xeddsa]") {
    testing::deterministic_random rng(9);
    for (int i = 0; i < 40; ++i) {
        const auto kp = xeddsa::generate(rng);
        const xeddsa::prepared_key signer(kp.priv);
        const xeddsa::prepared_verifier verifier(kp.pub);
        // A = aB with sign bit 0: the key a verifier derives from u.
        CHECK(signer.ed25519_public() == xeddsa::ed25519_from_curve25519(kp.pub));
        const bytes msg(static_cast<std::size_t>(i), static_cast<byte>(i));
        testing::deterministic_random z1(100 + static_cast<std::uint64_t>(i));
        testing::deterministic_random z2(100 + static_cast<std::uint64_t>(i));
        const auto sig = xeddsa::sign(signer, msg, z1);
        CHECK(sig == xeddsa::sign(kp.priv, msg, z2));
        CHECK(xeddsa::verify(kp.pub, msg, sig));
        CHECK(xeddsa::verify_signal_legacy(verifier, msg, sig));
        auto bad = sig;
        bad[static_cast<std::size_t>(i) % 64] ^= 0x04;
        CHECK_FALSE(xeddsa::verify_signal_legacy(verifier, msg, bad));
        CHECK(bool(xeddsa::verify_signal_legacy(verifier, msg, bad)) ==
              bool(xeddsa::verify_signal_legacy(kp.pub, msg, bad)));
    }
    // A u-coordinate >= p never verifies.
    xeddsa::verifying_key big;
    big.fill(0xff);
    big[31] = 0x7f;
    CHECK_FALSE(
        xeddsa::verify_signal_legacy(xeddsa::prepared_verifier(big), bytes{}, xeddsa::signature{}));
}
