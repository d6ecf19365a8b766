#include <e2ekit/crypto/concepts/aead.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/crypto/aes_cbc.hpp>
#include <e2ekit/crypto/aes_gcm.hpp>
#include <tests/support/cipher_archetypes.hpp>

using namespace e2ekit;
using crypto::aead;
using crypto::aead_tag;

namespace near_miss {

using K = fixed_view<32>;
using N = fixed_view<12>;
using T = fixed_view<16>;
using MT = mutable_fixed_view<16>;

// Each type lacks exactly one requirement of `aead`.
struct no_tag {
    static constexpr std::size_t key_size = 32, nonce_size = 12, tag_size = 16;
    static bytes seal(K, N, bytes_view, bytes_view);
    static result<secret_bytes> open(K, N, bytes_view, bytes_view);
    static void seal_detached(mutable_bytes_view, MT, K, N, bytes_view, bytes_view);
    static result<void> open_detached(mutable_bytes_view, K, N, bytes_view, bytes_view, T);
};
struct no_tag_size {
    using aead_concept = aead_tag;
    static constexpr std::size_t key_size = 32, nonce_size = 12;
    static bytes seal(K, N, bytes_view, bytes_view);
    static result<secret_bytes> open(K, N, bytes_view, bytes_view);
    static void seal_detached(mutable_bytes_view, MT, K, N, bytes_view, bytes_view);
    static result<void> open_detached(mutable_bytes_view, K, N, bytes_view, bytes_view, T);
};
struct combined_only {
    using aead_concept = aead_tag;
    static constexpr std::size_t key_size = 32, nonce_size = 12, tag_size = 16;
    static bytes seal(K, N, bytes_view, bytes_view);
    static result<secret_bytes> open(K, N, bytes_view, bytes_view);
};
struct detached_only {
    using aead_concept = aead_tag;
    static constexpr std::size_t key_size = 32, nonce_size = 12, tag_size = 16;
    static void seal_detached(mutable_bytes_view, MT, K, N, bytes_view, bytes_view);
    static result<void> open_detached(mutable_bytes_view, K, N, bytes_view, bytes_view, T);
};
struct open_without_result {
    using aead_concept = aead_tag;
    static constexpr std::size_t key_size = 32, nonce_size = 12, tag_size = 16;
    static bytes seal(K, N, bytes_view, bytes_view);
    static secret_bytes open(K, N, bytes_view, bytes_view);
    static void seal_detached(mutable_bytes_view, MT, K, N, bytes_view, bytes_view);
    static result<void> open_detached(mutable_bytes_view, K, N, bytes_view, bytes_view, T);
};
struct no_aad {
    using aead_concept = aead_tag;
    static constexpr std::size_t key_size = 32, nonce_size = 12, tag_size = 16;
    static bytes seal(K, N, bytes_view);
    static result<secret_bytes> open(K, N, bytes_view);
    static void seal_detached(mutable_bytes_view, MT, K, N, bytes_view, bytes_view);
    static result<void> open_detached(mutable_bytes_view, K, N, bytes_view, bytes_view, T);
};
struct nonce_size_mismatch {
    using aead_concept = aead_tag;
    static constexpr std::size_t key_size = 32, nonce_size = 24, tag_size = 16;
    static bytes seal(K, N, bytes_view, bytes_view);
    static result<secret_bytes> open(K, N, bytes_view, bytes_view);
    static void seal_detached(mutable_bytes_view, MT, K, N, bytes_view, bytes_view);
    static result<void> open_detached(mutable_bytes_view, K, N, bytes_view, bytes_view, T);
};

} // namespace near_miss

static_assert(aead<test::aead_archetype>);
static_assert(aead<crypto::aes_128_gcm> && aead<crypto::aes_256_gcm>);
static_assert(aead<crypto::aes_gcm<192, 16>>);
static_assert(!aead<crypto::aes_256_cbc>, "CBC is not authenticated");
static_assert(!aead<near_miss::no_tag>, "opting in is explicit");
static_assert(!aead<near_miss::no_tag_size>);
static_assert(!aead<near_miss::combined_only>, "OMEMO 0.3 needs the detached form");
static_assert(!aead<near_miss::detached_only>);
static_assert(!aead<near_miss::open_without_result>);
static_assert(!aead<near_miss::no_aad>);
static_assert(!aead<near_miss::nonce_size_mismatch>);

TEST_CASE("aead concept: the archetype round-trips", "[crypto][concepts][aead]") {
    byte_array<32> k{};
    byte_array<12> n{};
    const bytes sealed = test::aead_archetype::seal(k, n, {}, as_bytes("abc"));
    CHECK(sealed.size() == 3 + test::aead_archetype::tag_size);
    auto pt = test::aead_archetype::open(k, n, {}, sealed);
    REQUIRE(pt);
    CHECK(pt->size() == 3);
}
