#include <e2ekit/protocols/protocol.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/crypto/x25519.hpp>

#include <tests/support/envelope_archetype.hpp>
#include <tests/support/protocol_archetypes.hpp>

#include <type_traits>

using namespace e2ekit;

namespace {
using A = test::agreement_scheme_archetype;
using R = test::ratchet_scheme_archetype;
using E = test::envelope_archetype;

/// The ratchet archetype on another curve than the agreement's.
struct R_x25519 : R {
    using dh = crypto::x25519;
};
} // namespace

TEST_CASE("protocols::protocol: choices checked by their concepts, exposed as nested types",
          "[protocols][protocol]") {
    STATIC_REQUIRE(protocols::composable<A, R, E>);
    using P = protocols::protocol<A, R, E>;
    STATIC_REQUIRE(std::is_same_v<P::agreement_type, A>);
    STATIC_REQUIRE(std::is_same_v<P::ratchet_type, R>);
    STATIC_REQUIRE(std::is_same_v<P::envelope_type, E>);
    STATIC_REQUIRE(std::is_same_v<P::agreement_params, A::params>);
    STATIC_REQUIRE(std::is_same_v<P::ratchet_params, R::params>);
    STATIC_REQUIRE(std::is_same_v<P::dh, test::archetypes::dh>);
    STATIC_REQUIRE(std::is_empty_v<P>);

    // Each choice in a wrong place, or a choice that is no model.
    STATIC_REQUIRE_FALSE(protocols::composable<R, R, E>);
    STATIC_REQUIRE_FALSE(protocols::composable<A, A, E>);
    STATIC_REQUIRE_FALSE(protocols::composable<A, R, A>);
    STATIC_REQUIRE_FALSE(protocols::composable<E, R, A>);
    STATIC_REQUIRE_FALSE(protocols::composable<A, R, int>);
    // Every choice a model, but two curves.
    STATIC_REQUIRE(protocols::ratchet_scheme<R_x25519>);
    STATIC_REQUIRE_FALSE(protocols::same_curve<A, R_x25519>);
    STATIC_REQUIRE_FALSE(protocols::composable<A, R_x25519, E>);
}
