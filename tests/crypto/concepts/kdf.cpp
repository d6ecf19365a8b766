#include <e2ekit/crypto/concepts/kdf.hpp>

#include <catch2/catch.hpp>

#include <tests/support/crypto_primitive_archetypes.hpp>

#include <e2ekit/crypto/hkdf.hpp>

using namespace e2ekit;
using e2ekit::crypto::key_derivation;
using e2ekit::test::archetypes::kdf;

namespace {
struct no_tag : kdf {
    using kdf_concept = int;
};
struct no_bound : kdf {
    static constexpr std::size_t max_output_size = 0;
};
struct derive_returns_void : kdf {
    static void derive(mutable_bytes_view, bytes_view, bytes_view, bytes_view);
    template <std::size_t N, class Tag = void>
    static secret<N, Tag> derive(bytes_view, bytes_view, bytes_view);
};
struct no_fixed_derive : kdf {
    static result<void> derive(mutable_bytes_view, bytes_view, bytes_view, bytes_view);
};
struct fixed_derive_not_secret : kdf {
    static result<void> derive(mutable_bytes_view, bytes_view, bytes_view, bytes_view);
    template <std::size_t N, class Tag = void>
    static byte_array<N> derive(bytes_view, bytes_view, bytes_view);
};
} // namespace

static_assert(key_derivation<kdf>);
static_assert(!key_derivation<no_tag>);
static_assert(!key_derivation<no_bound>);
static_assert(!key_derivation<derive_returns_void>, "too long an output is an error");
static_assert(!key_derivation<no_fixed_derive>);
static_assert(!key_derivation<fixed_derive_not_secret>, "derived keys are secrets");

TEST_CASE("key_derivation: the shipped policies model the concept", "[crypto][concepts]") {
    STATIC_REQUIRE(key_derivation<crypto::hkdf_sha256>);
    STATIC_REQUIRE(key_derivation<crypto::hkdf_sha512>);
}
