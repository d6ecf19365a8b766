#include <e2ekit/crypto/concepts/signature.hpp>

#include <catch2/catch.hpp>

#include <tests/support/crypto_primitive_archetypes.hpp>

#include <e2ekit/crypto/ed25519.hpp>
#include <e2ekit/crypto/xeddsa.hpp>

using namespace e2ekit;
using e2ekit::crypto::signature_scheme;
using e2ekit::test::archetypes::signer;

namespace {
struct no_tag : signer {
    using signature_concept = crypto::dh_tag;
};
struct signing_key_not_secret : signer {
    using signing_key = byte_array<64>;
};
struct signature_size_mismatch : signer {
    using signature = byte_array<65>;
};
struct no_sign : signer {
    static constexpr int sign = 0;
};
struct sign_needs_more : signer {
    static signature_type sign(const signing_key&, bytes_view, int nonce);
};
struct verify_returns_bool : signer {
    static bool verify(fixed_view<32>, bytes_view, bytes_view);
};
struct verify_takes_fixed_signature : signer {
    // Signatures come from the wire: verify must take any length.
    static result<void> verify(fixed_view<32>, bytes_view, fixed_view<64>);
};
struct no_public_from_private : signer {
    static constexpr int public_from_private = 0;
};
} // namespace

static_assert(signature_scheme<signer>);
static_assert(!signature_scheme<no_tag>);
static_assert(!signature_scheme<signing_key_not_secret>);
static_assert(!signature_scheme<signature_size_mismatch>);
static_assert(!signature_scheme<no_sign>);
static_assert(!signature_scheme<sign_needs_more>);
static_assert(!signature_scheme<verify_returns_bool>);
static_assert(!signature_scheme<verify_takes_fixed_signature>);
static_assert(!signature_scheme<no_public_from_private>);

TEST_CASE("signature_scheme: the shipped policies model the concept", "[crypto][concepts]") {
    STATIC_REQUIRE(signature_scheme<crypto::ed25519>);
    STATIC_REQUIRE(signature_scheme<crypto::xeddsa>);
}
