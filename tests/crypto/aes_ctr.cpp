#include <e2ekit/crypto/aes_ctr.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/core/random.hpp>
#include <tests/support/vectors.hpp>

#include <openssl/evp.h>

using namespace e2ekit;
using namespace e2ekit::crypto;
using e2ekit::test::unhex;

namespace {

// NIST SP 800-38A, Appendix F.5: the four-block plaintext shared by all
// CTR examples, and the initial counter block.
const char* const sp800_38a_plaintext =
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
const char* const sp800_38a_counter = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

template <class C>
void check_sp800_38a(const char* key_hex, const char* ct_hex) {
    const auto key = unhex(key_hex);
    const auto iv = unhex(sp800_38a_counter);
    const auto pt = unhex(sp800_38a_plaintext);
    const fixed_view<C::key_size> k(key.data(), C::key_size);
    const fixed_view<16> v(iv.data(), 16);
    CHECK(test::tohex(C::encrypt(k, v, pt)) == ct_hex);
    auto back = C::decrypt(k, v, unhex(ct_hex));
    REQUIRE(back);
    CHECK(equal_public(back->view(), pt));
}

/// One AES block encryption through plain ECB, to compute expected CTR key
/// stream blocks independently of the CTR code path.
byte_array<16> ecb_block(bytes_view key, bytes_view block) {
    byte_array<16> out{};
    EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
    int n = 0;
    REQUIRE(EVP_EncryptInit_ex2(c, EVP_aes_256_ecb(), key.data(), nullptr, nullptr) == 1);
    EVP_CIPHER_CTX_set_padding(c, 0);
    REQUIRE(EVP_EncryptUpdate(c, out.data(), &n, block.data(), 16) == 1);
    EVP_CIPHER_CTX_free(c);
    return out;
}

} // namespace

TEST_CASE("aes_ctr: NIST SP 800-38A F.5.1 and F.5.5", "[crypto][aes_ctr]") {
    check_sp800_38a<aes_128_ctr>(
        "2b7e151628aed2a6abf7158809cf4f3c",
        "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
        "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee");
    check_sp800_38a<aes_256_ctr>(
        "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
        "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
        "2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6");
}

TEST_CASE("aes_ctr: the counter is one 128-bit big-endian integer (Matrix)", "[crypto][aes_ctr]") {
    // Matrix attachments: a carry out of the low 64 bits reaches the high
    // half, and all-ones wraps to zero.
    byte_array<32> key{};
    for (std::size_t i = 0; i < key.size(); ++i)
        key[i] = static_cast<byte>(i);
    const bytes zeros(48, 0);

    byte_array<16> iv{};
    for (std::size_t i = 8; i < 16; ++i)
        iv[i] = 0xff; // low half all ones
    const bytes ks = aes_256_ctr::encrypt(key, iv, zeros);
    byte_array<16> next{};
    next[7] = 1; // the carry
    CHECK(equal_public(bytes_view(ks).subspan(16, 16), ecb_block(key, next)));

    iv.fill(0xff);
    const bytes wrap = aes_256_ctr::encrypt(key, iv, zeros);
    byte_array<16> zero_block{};
    CHECK(equal_public(bytes_view(wrap).first(16), ecb_block(key, iv)));
    CHECK(equal_public(bytes_view(wrap).subspan(16, 16), ecb_block(key, zero_block)));
}

TEST_CASE("aes_ctr: in place and streamed equal one shot", "[crypto][aes_ctr]") {
    testing::deterministic_random rng(3);
    auto key = random_secret<32>(rng);
    const auto iv = random_array<16>(rng);
    bytes pt(1000);
    rng.fill(pt);
    const bytes ct = aes_256_ctr::encrypt(key.view(), iv, pt);
    CHECK(ct.size() == pt.size());

    bytes inplace = pt;
    aes_256_ctr::apply(inplace, key.view(), iv);
    CHECK(inplace == ct);

    // Chunk sizes that straddle block boundaries in every way.
    aes_256_ctr::stream s(key.view(), iv);
    bytes streamed = pt;
    std::size_t off = 0, step = 1;
    while (off < streamed.size()) {
        const std::size_t n = std::min(step, streamed.size() - off);
        s.update(mutable_bytes_view(streamed).subspan(off, n));
        off += n;
        step = step * 3 % 37 + 1;
    }
    CHECK(streamed == ct);

    auto back = aes_256_ctr::decrypt(key.view(), iv, ct);
    REQUIRE(back);
    CHECK(equal_public(back->view(), pt));
    CHECK(aes_256_ctr::encrypt(key.view(), iv, {}).empty());
}

TEST_CASE("aes_ctr: mismatched buffers are misuse", "[crypto][aes_ctr]") {
    byte_array<16> key{}, iv{};
    bytes out(3);
    CHECK_THROWS_AS(aes_128_ctr::apply(out, key, iv, as_bytes("four")), std::invalid_argument);
    aes_128_ctr::stream s(key, iv);
    CHECK_THROWS_AS(s.update(out, as_bytes("four")), std::invalid_argument);
}
