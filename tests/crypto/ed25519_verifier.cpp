#include <e2ekit/crypto/ed25519_verifier.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/crypto/ed25519.hpp>
#include <tests/support/vectors.hpp>

#include <sodium.h>

#include <vector>

using namespace e2ekit;
using namespace e2ekit::crypto;
using e2ekit::test::unhex;

namespace {

bool sodium_verify(fixed_view<32> pub, bytes_view msg, bytes_view sig) {
    return sig.size() == 64 &&
           crypto_sign_ed25519_verify_detached(sig.data(), msg.data(), msg.size(), pub.data()) == 0;
}

/// The prepared verdict, taken on the table path (the first use goes to
/// libsodium): a fresh verifier is used once on a genuine signature first.
bool table_verify(const ed25519_verifier& v, bytes_view msg, bytes_view sig, bool negated = false) {
    const bool r =
        negated ? v.verify_negated(msg, sig).has_value() : v.verify(msg, sig).has_value();
    REQUIRE(v.accelerated());
    return r;
}

ed25519_verifier warmed(fixed_view<32> pub) {
    auto v = ed25519_verifier::prepare(pub).value();
    (void)v.verify(bytes{}, bytes(64, 0)); // the first use, through libsodium
    return v;
}

byte_array<32> flip_sign(fixed_view<32> k) {
    byte_array<32> out;
    std::copy(k.begin(), k.end(), out.begin());
    out[31] ^= 0x80;
    return out;
}

} // namespace

TEST_CASE("ed25519_verifier: the table path agrees with libsodium", "[crypto][ed25519]") {
    testing::deterministic_random rng(77);
    int accepted = 0;
    for (int k = 0; k < 40; ++k) {
        const auto kp = ed25519::generate(rng);
        const auto v = warmed(kp.pub);
        CHECK(v.key() == kp.pub);
        for (int m = 0; m < 8; ++m) {
            bytes msg(static_cast<std::size_t>(m * 37), 0);
            rng.fill(msg);
            const auto sig = ed25519::sign(kp.priv, msg);
            CHECK(table_verify(v, msg, sig));
            ++accepted;
            // Mangled: one bit anywhere in R or s, the message, s + L.
            for (std::size_t bit = 0; bit < 512; bit += 13) {
                auto bad = sig;
                bad[bit / 8] ^= static_cast<byte>(1u << (bit % 8));
                CHECK(table_verify(v, msg, bad) == sodium_verify(kp.pub, msg, bad));
            }
            auto other = msg;
            other.push_back(1);
            CHECK_FALSE(table_verify(v, other, sig));
            CHECK_FALSE(table_verify(v, msg, bytes_view(sig).first(63)));
            // Under -A a signature by A fails, as libsodium says.
            CHECK(table_verify(v, msg, sig, true) == sodium_verify(flip_sign(kp.pub), msg, sig));
        }
    }
    CHECK(accepted == 320);
}

TEST_CASE("ed25519_verifier: signatures under -A through verify_negated", "[crypto][ed25519]") {
    // A key pair whose public key is -A: scalar a' = L - a. libsodium signs
    // with the seed's scalar only, so build -A's signatures by hand: R = rB,
    // s = r + h a' with h over the encoding of -A.
    testing::deterministic_random rng(78);
    for (int k = 0; k < 10; ++k) {
        byte_array<64> wide;
        rng.fill(wide);
        byte_array<32> a;
        crypto_core_ed25519_scalar_reduce(a.data(), wide.data());
        byte_array<32> neg_a;
        crypto_core_ed25519_scalar_negate(neg_a.data(), a.data());
        byte_array<32> pub;
        REQUIRE(crypto_scalarmult_ed25519_base_noclamp(pub.data(), a.data()) == 0);
        const auto v = warmed(pub);
        const auto neg_pub = flip_sign(pub);
        const bytes msg{1, 2, 3, static_cast<byte>(k)};
        rng.fill(wide);
        byte_array<32> r;
        crypto_core_ed25519_scalar_reduce(r.data(), wide.data());
        byte_array<64> sig;
        REQUIRE(crypto_scalarmult_ed25519_base_noclamp(sig.data(), r.data()) == 0);
        byte_array<64> hram;
        crypto_hash_sha512_state st;
        crypto_hash_sha512_init(&st);
        crypto_hash_sha512_update(&st, sig.data(), 32);
        crypto_hash_sha512_update(&st, neg_pub.data(), 32);
        crypto_hash_sha512_update(&st, msg.data(), msg.size());
        crypto_hash_sha512_final(&st, hram.data());
        byte_array<32> h, ha;
        crypto_core_ed25519_scalar_reduce(h.data(), hram.data());
        crypto_core_ed25519_scalar_mul(ha.data(), h.data(), neg_a.data());
        crypto_core_ed25519_scalar_add(sig.data() + 32, ha.data(), r.data());
        REQUIRE(sodium_verify(neg_pub, msg, sig));
        CHECK(table_verify(v, msg, sig, true));
        CHECK_FALSE(table_verify(v, msg, sig, false));
    }
}

TEST_CASE("ed25519_verifier: keys every signature would fail under", "[crypto][ed25519]") {
    // The identity, a point of order 2 (y = -1), y = 0 (order 4), a
    // non-canonical y (p), and a y with no x.
    bytes ident(32, 0);
    ident[0] = 1;
    bytes minus_one(32, 0xff);
    minus_one[0] = 0xec;
    minus_one[31] = 0x7f;
    bytes p(32, 0xff);
    p[0] = 0xed;
    p[31] = 0x7f;
    for (const auto& k : {ident, minus_one, bytes(32, 0), p})
        CHECK(ed25519_verifier::prepare(fixed_view<32>(k.data(), 32)).error() ==
              crypto_error::invalid_key);
    int no_x = 0;
    for (byte y = 2; y < 40; ++y) {
        bytes k(32, 0);
        k[0] = y;
        if (!ed25519_verifier::prepare(fixed_view<32>(k.data(), 32))) ++no_x;
    }
    CHECK(no_x > 0);
}

// Every case of Wycheproof's ed25519_test.json, on both paths.
TEST_CASE("ed25519_verifier: Wycheproof ed25519_test.json", "[crypto][ed25519][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    auto t = e2ekit::test::run_wycheproof(
        "ed25519_test.json", [](const nlohmann::json& g, const nlohmann::json& tc) {
            const auto pk = unhex(g.at("publicKey").at("pk"));
            const auto msg = unhex(tc.at("msg"));
            const auto sig = unhex(tc.at("sig"));
            auto v = ed25519_verifier::prepare(fixed_view<32>(pk.data(), 32));
            if (!v) return false;
            const bool first = v->verify(msg, sig).has_value();
            const bool second = v->verify(msg, sig).has_value();
            CHECK(v->accelerated() == (sig.size() == 64)); // others stop at their length
            CHECK(first == second);
            return second;
        });
    CHECK(t.valid == 88);
    CHECK(t.invalid == 63);
}
