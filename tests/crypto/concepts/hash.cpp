#include <e2ekit/crypto/concepts/hash.hpp>

#include <catch2/catch.hpp>

#include <tests/support/crypto_primitive_archetypes.hpp>

#include <e2ekit/crypto/sha2.hpp>

#include <string>
#include <vector>

using namespace e2ekit;
using e2ekit::crypto::bytes_like;
using e2ekit::crypto::hash_function;
using e2ekit::test::archetypes::hasher;

namespace {
struct no_tag : hasher {
    using hash_concept = crypto::mac_tag;
};
struct digest_size_mismatch : hasher {
    using digest = byte_array<20>;
};
struct block_smaller_than_digest : hasher {
    static constexpr std::size_t block_size = 16;
};
struct not_variadic : hasher {
    static void hash(mutable_fixed_view<32>, bytes_view);
};
struct no_digest_of : hasher {
    static constexpr int digest_of = 0;
};
struct state_without_reset : hasher {
    struct state {
        void update(bytes_view);
        void final(mutable_fixed_view<32>);
    };
};
struct state_not_copyable : hasher {
    struct state {
        state() = default;
        state(const state&) = delete;
        void update(bytes_view);
        void final(mutable_fixed_view<32>);
        void reset();
    };
};
} // namespace

static_assert(hash_function<hasher>);
static_assert(!hash_function<no_tag>);
static_assert(!hash_function<digest_size_mismatch>);
static_assert(!hash_function<block_smaller_than_digest>);
static_assert(!hash_function<not_variadic>, "hash takes any number of parts");
static_assert(!hash_function<no_digest_of>);
static_assert(!hash_function<state_without_reset>);
static_assert(!hash_function<state_not_copyable>, "HMAC forks states by copying");

static_assert(bytes_like<byte_array<4>>);
static_assert(bytes_like<std::vector<byte>>);
static_assert(bytes_like<fixed_view<32>>);
static_assert(!bytes_like<std::string>, "text goes through as_bytes()");
static_assert(!bytes_like<byte>);

TEST_CASE("hash_function: the shipped policies model the concept", "[crypto][concepts]") {
    STATIC_REQUIRE(hash_function<crypto::sha256>);
    STATIC_REQUIRE(hash_function<crypto::sha512>);
    STATIC_REQUIRE(hash_function<crypto::sha256_evp>);
    STATIC_REQUIRE(hash_function<crypto::sha512_evp>);
}
