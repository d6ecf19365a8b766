#include <e2ekit/protocols/agreement_scheme.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/protocols/signal/params.hpp>

#include <tests/support/protocol_archetypes.hpp>

using namespace e2ekit;

// Near misses: each lacks exactly one requirement of agreement_scheme.
namespace {
using base = test::agreement_scheme_archetype;

struct no_params { // the archetype without `params`
    using dh = base::dh;
    using key_pair = base::key_pair;
    using public_key = base::public_key;
    using peer_bundle = base::peer_bundle;
    using initiated = base::initiated;
    template <random_source R>
    static result<initiated> initiate(const key_pair&, const peer_bundle&, R&);
};
struct no_dh : base {
    using dh = int;
};
struct other_key_pair : base {
    struct key_pair {
        dh::private_key priv;
        dh::public_key pub;
    };
};
struct other_public_key : base {
    using public_key = byte_array<32>;
};
struct bundle_is_a_reference : base {
    using peer_bundle = const base::peer_bundle&;
};
struct no_initiate : base {
    template <random_source R>
    static initiated initiate(const key_pair&, const peer_bundle&, R&);
};
struct initiate_without_rng : base {
    static result<initiated> initiate(const key_pair&, const peer_bundle&);
};
struct initiated_without_base_key : base {
    struct initiated {
        agreement::agreed_keys keys;
    };
    template <random_source R>
    static result<initiated> initiate(const key_pair&, const peer_bundle&, R&);
};
struct initiated_with_other_keys : base {
    struct initiated {
        secret<64> keys;
        public_key base_key;
    };
    template <random_source R>
    static result<initiated> initiate(const key_pair&, const peer_bundle&, R&);
};
} // namespace

TEST_CASE("protocols::agreement_scheme: archetype, x3dh, near misses",
          "[protocols][concept][agreement]") {
    STATIC_REQUIRE(protocols::agreement_scheme<base>);
    STATIC_REQUIRE(protocols::agreement_scheme<agreement::x3dh<protocols::signal::x3dh_params>>);
    STATIC_REQUIRE_FALSE(protocols::agreement_scheme<no_params>);
    STATIC_REQUIRE_FALSE(protocols::agreement_scheme<no_dh>);
    STATIC_REQUIRE_FALSE(protocols::agreement_scheme<other_key_pair>);
    STATIC_REQUIRE_FALSE(protocols::agreement_scheme<other_public_key>);
    STATIC_REQUIRE_FALSE(protocols::agreement_scheme<bundle_is_a_reference>);
    STATIC_REQUIRE_FALSE(protocols::agreement_scheme<no_initiate>);
    STATIC_REQUIRE_FALSE(protocols::agreement_scheme<initiate_without_rng>);
    STATIC_REQUIRE_FALSE(protocols::agreement_scheme<initiated_without_base_key>);
    STATIC_REQUIRE_FALSE(protocols::agreement_scheme<initiated_with_other_keys>);
    STATIC_REQUIRE_FALSE(protocols::agreement_scheme<protocols::signal::x3dh_params>);
}
