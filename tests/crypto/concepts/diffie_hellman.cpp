#include <e2ekit/crypto/concepts/diffie_hellman.hpp>

#include <catch2/catch.hpp>

#include <tests/support/crypto_primitive_archetypes.hpp>

#include <e2ekit/crypto/x25519.hpp>

using namespace e2ekit;
using e2ekit::crypto::diffie_hellman;
using e2ekit::test::archetypes::dh;

// Near misses: each lacks exactly one requirement of the archetype.
namespace {
struct no_tag : dh {
    using dh_concept = void;
};
struct public_key_size_mismatch : dh {
    using public_key = byte_array<32>;
};
struct private_key_not_secret : dh {
    using private_key = byte_array<32>;
};
struct shared_secret_not_secret : dh {
    using shared_secret = bytes;
};
struct no_generate : dh {
    static constexpr int generate = 0;
};
struct no_public_from_private : dh {
    static constexpr int public_from_private = 0;
};
struct agree_without_result : dh {
    static shared_secret agree(const private_key&, fixed_view<33>);
};
struct key_pair_misnamed : dh {
    struct key_pair {
        private_key secret_half;
        public_key pub;
    };
    template <random_source R>
    static key_pair generate(R&);
};
} // namespace

static_assert(diffie_hellman<dh>);
static_assert(!diffie_hellman<no_tag>, "a policy must opt in with dh_tag");
static_assert(!diffie_hellman<public_key_size_mismatch>);
static_assert(!diffie_hellman<private_key_not_secret>, "private keys live in secret<>");
static_assert(!diffie_hellman<shared_secret_not_secret>);
static_assert(!diffie_hellman<no_generate>);
static_assert(!diffie_hellman<no_public_from_private>);
static_assert(!diffie_hellman<agree_without_result>, "agree reports weak keys as an error");
static_assert(!diffie_hellman<key_pair_misnamed>);
static_assert(diffie_hellman<crypto::x25519>);

TEST_CASE("diffie_hellman: the shipped policy models the concept", "[crypto][concepts]") {
    STATIC_REQUIRE(diffie_hellman<crypto::x25519>);
}
