#include <e2ekit/crypto/concepts/cipher.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/crypto/aes_cbc.hpp>
#include <e2ekit/crypto/aes_ctr.hpp>
#include <e2ekit/crypto/aes_gcm.hpp>
#include <tests/support/cipher_archetypes.hpp>

using namespace e2ekit;
using crypto::cipher;
using crypto::cipher_tag;

namespace near_miss {

// Each type lacks exactly one requirement of `cipher`.
struct no_tag {
    static constexpr std::size_t key_size = 16, iv_size = 16;
    static bytes encrypt(fixed_view<16>, fixed_view<16>, bytes_view);
    static result<secret_bytes> decrypt(fixed_view<16>, fixed_view<16>, bytes_view);
};
struct wrong_tag {
    using cipher_concept = crypto::aead_tag;
    static constexpr std::size_t key_size = 16, iv_size = 16;
    static bytes encrypt(fixed_view<16>, fixed_view<16>, bytes_view);
    static result<secret_bytes> decrypt(fixed_view<16>, fixed_view<16>, bytes_view);
};
struct no_key_size {
    using cipher_concept = cipher_tag;
    static constexpr std::size_t iv_size = 16;
    static bytes encrypt(fixed_view<16>, fixed_view<16>, bytes_view);
    static result<secret_bytes> decrypt(fixed_view<16>, fixed_view<16>, bytes_view);
};
struct runtime_key_size {
    using cipher_concept = cipher_tag;
    static inline std::size_t key_size = 16; // not a constant
    static constexpr std::size_t iv_size = 16;
    static bytes encrypt(fixed_view<16>, fixed_view<16>, bytes_view);
    static result<secret_bytes> decrypt(fixed_view<16>, fixed_view<16>, bytes_view);
};
struct no_decrypt {
    using cipher_concept = cipher_tag;
    static constexpr std::size_t key_size = 16, iv_size = 16;
    static bytes encrypt(fixed_view<16>, fixed_view<16>, bytes_view);
};
struct decrypt_returns_public_bytes {
    using cipher_concept = cipher_tag;
    static constexpr std::size_t key_size = 16, iv_size = 16;
    static bytes encrypt(fixed_view<16>, fixed_view<16>, bytes_view);
    static result<bytes> decrypt(fixed_view<16>, fixed_view<16>, bytes_view);
};
struct encrypt_takes_wrong_key_size {
    using cipher_concept = cipher_tag;
    static constexpr std::size_t key_size = 16, iv_size = 16;
    static bytes encrypt(fixed_view<32>, fixed_view<16>, bytes_view);
    static result<secret_bytes> decrypt(fixed_view<16>, fixed_view<16>, bytes_view);
};

} // namespace near_miss

static_assert(cipher<test::cipher_archetype>);
static_assert(cipher<crypto::aes_256_cbc> && cipher<crypto::aes_256_ctr>);
static_assert(!cipher<crypto::aes_256_gcm>, "an AEAD is not an unauthenticated cipher");
static_assert(!cipher<near_miss::no_tag>, "opting in is explicit");
static_assert(!cipher<near_miss::wrong_tag>);
static_assert(!cipher<near_miss::no_key_size>);
static_assert(!cipher<near_miss::runtime_key_size>);
static_assert(!cipher<near_miss::no_decrypt>);
static_assert(!cipher<near_miss::decrypt_returns_public_bytes>, "plaintexts are secrets");
static_assert(!cipher<near_miss::encrypt_takes_wrong_key_size>);

TEST_CASE("cipher concept: the archetype round-trips", "[crypto][concepts][cipher]") {
    byte_array<16> k{};
    byte_array<8> iv{};
    const bytes ct = test::cipher_archetype::encrypt(k, iv, as_bytes("x"));
    auto pt = test::cipher_archetype::decrypt(k, iv, ct);
    REQUIRE(pt);
    CHECK(pt->size() == 1);
}
