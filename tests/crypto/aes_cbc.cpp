#include <e2ekit/crypto/aes_cbc.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/core/random.hpp>
#include <tests/support/vectors.hpp>

#include <string>
#include <type_traits>

using namespace e2ekit;
using namespace e2ekit::crypto;
using e2ekit::test::unhex;

namespace {

template <std::size_t Bits>
bool wycheproof_case(const nlohmann::json& tc) {
    using C = aes_cbc<Bits>;
    const auto key = unhex(tc.at("key"));
    const auto iv = unhex(tc.at("iv"));
    const auto msg = unhex(tc.at("msg"));
    const auto ct = unhex(tc.at("ct"));
    if (key.size() != C::key_size || iv.size() != C::iv_size) return false;
    const fixed_view<C::key_size> k(key.data(), C::key_size);
    const fixed_view<16> v(iv.data(), 16);
    auto pt = C::decrypt(k, v, ct);
    if (!pt) {
        CHECK(pt.error() == crypto_error::authentication_failed);
        return false;
    }
    // A valid case must also encrypt to exactly the published ciphertext.
    return equal_public(pt->view(), msg) && C::encrypt(k, v, msg) == ct;
}

} // namespace

TEST_CASE("aes_cbc: Wycheproof aes_cbc_pkcs5_test.json", "[crypto][aes_cbc][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto t =
        test::run_wycheproof("aes_cbc_pkcs5_test.json", [](const auto& g, const auto& tc) {
            switch (g.at("keySize").template get<int>()) {
            case 128: return wycheproof_case<128>(tc);
            case 192: return wycheproof_case<192>(tc);
            case 256: return wycheproof_case<256>(tc);
            }
            return false;
        });
    CHECK(t.valid == 72);
    CHECK(t.invalid == 144);
}

TEST_CASE("aes_cbc: round trip at every length around the block size", "[crypto][aes_cbc]") {
    testing::deterministic_random rng(1);
    auto key = random_secret<32>(rng);
    const auto iv = random_array<16>(rng);
    for (std::size_t n = 0; n <= 70; ++n) {
        bytes pt(n);
        rng.fill(pt);
        const bytes ct = aes_256_cbc::encrypt(key.view(), iv, pt);
        CHECK(ct.size() == aes_256_cbc::padded_size(n));
        CHECK(ct.size() % 16 == 0);
        CHECK(ct.size() > n);
        auto back = aes_256_cbc::decrypt(key.view(), iv, ct);
        REQUIRE(back);
        CHECK(equal_public(back->view(), pt));
    }
}

TEST_CASE("aes_cbc: every malformed ciphertext is the one opaque error", "[crypto][aes_cbc]") {
    testing::deterministic_random rng(2);
    auto key = random_secret<16>(rng);
    const auto iv = random_array<16>(rng);
    const bytes ct = aes_128_cbc::encrypt(key.view(), iv, as_bytes("attack at dawn!!x"));
    REQUIRE(ct.size() == 32);

    auto expect_auth = [&](bytes_view c) {
        auto r = aes_128_cbc::decrypt(key.view(), iv, c);
        REQUIRE_FALSE(r);
        CHECK(r.error() == crypto_error::authentication_failed);
        CHECK(r.error() == condition::authentication_failed);
    };
    expect_auth({});                       // empty
    expect_auth(bytes_view(ct).first(31)); // truncated
    expect_auth(bytes_view(ct).first(17)); // not whole blocks
    bytes longer = ct;
    longer.push_back(0);
    expect_auth(longer);

    // The plaintext ends in 15 bytes of 0x0f; flipping bits of the last one
    // through the previous block makes it 0x0e (inconsistent), 0, 0x11 or
    // 0xff (out of range).
    for (int delta : {0x0e ^ 0x0f, 0x0f ^ 0x00, 0x0f ^ 0x11, 0x0f ^ 0xff}) {
        bytes t = ct;
        t[15] ^= static_cast<byte>(delta);
        expect_auth(t);
    }
    // A wrong key almost surely breaks the padding.
    auto other = random_secret<16>(rng);
    auto r = aes_128_cbc::decrypt(other.view(), iv, ct);
    if (!r) CHECK(r.error() == crypto_error::authentication_failed);
}

TEST_CASE("aes_cbc: constant-time PKCS#7 check", "[crypto][aes_cbc]") {
    using e2ekit::crypto::detail::evp::pkcs7_unpad_length;
    byte_array<16> b{};
    for (unsigned pad = 1; pad <= 16; ++pad) {
        b.fill(0xAA);
        for (unsigned i = 0; i < pad; ++i)
            b[15 - i] = static_cast<byte>(pad);
        CHECK(pkcs7_unpad_length(b) == pad);
        if (pad > 1) {
            b[16 - pad] ^= 1; // first padding byte wrong
            CHECK(pkcs7_unpad_length(b) == 0);
        }
    }
    b.fill(0);
    CHECK(pkcs7_unpad_length(b) == 0);
    b.fill(17);
    CHECK(pkcs7_unpad_length(b) == 0);
    b.fill(0xff);
    CHECK(pkcs7_unpad_length(b) == 0);
}

TEST_CASE("aes_cbc: an output buffer of the wrong size is misuse", "[crypto][aes_cbc]") {
    byte_array<32> key{};
    byte_array<16> iv{};
    bytes out(16);
    CHECK_THROWS_AS(aes_256_cbc::encrypt_into(out, key, iv, as_bytes("sixteen bytes!!!")),
                    std::invalid_argument);
    out.resize(32);
    CHECK_NOTHROW(aes_256_cbc::encrypt_into(out, key, iv, as_bytes("sixteen bytes!!!")));
    static_assert(aes_256_cbc::padded_size(0) == 16 && aes_256_cbc::padded_size(16) == 32);
}
