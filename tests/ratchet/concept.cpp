#include <e2ekit/ratchet/concept.hpp>

#include <catch2/catch.hpp>

#include "../support/ratchet_archetype.hpp"

// Near misses: each lacks exactly one requirement of double_ratchet_params.
namespace {
using base = e2ekit::test::ratchet_archetype;
using namespace e2ekit;

struct no_tag : base {
    using double_ratchet_concept = void;
};
struct no_dh : base {
    using dh = int;
};
struct no_root_kdf : base {
    struct root_kdf {};
};
struct no_chain_kdf : base {
    struct chain_kdf {
        static ratchet::root_step step(const ratchet::chain_key&);
    };
};
struct copyable_keys : base {
    struct message_keys {
        static constexpr std::size_t size = 32;
        static message_keys derive(const ratchet::message_key&);
        explicit message_keys(fixed_view<size>);
        fixed_view<size> view() const;
        message_keys clone() const;
    };
};
struct no_limits : base {
    static constexpr int limits = 0;
};
struct zero_skip : base {
    static constexpr ratchet::limits limits{
        .max_skip = 0, .max_receiver_chains = 1, .max_skipped_keys_per_chain = 1};
};
struct no_first_sender : base {
    static constexpr const char* first_sender = "me";
};
struct no_previous_counter : base {
    static constexpr const char* previous_counter = "n";
};
struct no_label : base {
    static constexpr int state_label = 1;
};
} // namespace

TEST_CASE("double_ratchet_params: the archetype and near misses", "[ratchet][concept]") {
    STATIC_REQUIRE(ratchet::double_ratchet_params<base>);
    STATIC_REQUIRE_FALSE(ratchet::double_ratchet_params<no_tag>);
    STATIC_REQUIRE_FALSE(ratchet::double_ratchet_params<no_dh>);
    STATIC_REQUIRE_FALSE(ratchet::double_ratchet_params<no_root_kdf>);
    STATIC_REQUIRE_FALSE(ratchet::double_ratchet_params<no_chain_kdf>);
    STATIC_REQUIRE_FALSE(ratchet::double_ratchet_params<copyable_keys>);
    STATIC_REQUIRE_FALSE(ratchet::double_ratchet_params<no_limits>);
    STATIC_REQUIRE_FALSE(ratchet::double_ratchet_params<zero_skip>);
    STATIC_REQUIRE_FALSE(ratchet::double_ratchet_params<no_first_sender>);
    STATIC_REQUIRE_FALSE(ratchet::double_ratchet_params<no_previous_counter>);
    STATIC_REQUIRE_FALSE(ratchet::double_ratchet_params<no_label>);
}

// The optional first-chain rule (concept.hpp "First chains").
namespace {
struct from_root : base {
    static constexpr ratchet::first_chain_rule first_chain = ratchet::first_chain_rule::from_root;
};
struct from_root_responder_first : from_root {
    static constexpr ratchet::role first_sender = ratchet::role::responder;
};
struct first_chain_of_wrong_type : base {
    static constexpr const char* first_chain = "root";
};
} // namespace

TEST_CASE("double_ratchet_params: the first-chain rule", "[ratchet][concept]") {
    STATIC_REQUIRE(ratchet::first_chain_of<base> == ratchet::first_chain_rule::agreed);
    STATIC_REQUIRE(ratchet::double_ratchet_params<from_root>);
    STATIC_REQUIRE(ratchet::first_chain_of<from_root> == ratchet::first_chain_rule::from_root);
    STATIC_REQUIRE_FALSE(ratchet::double_ratchet_params<from_root_responder_first>);
    STATIC_REQUIRE_FALSE(ratchet::double_ratchet_params<first_chain_of_wrong_type>);
}
