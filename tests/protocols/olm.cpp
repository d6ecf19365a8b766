#include <e2ekit/protocols/olm.hpp>

#include <catch2/catch.hpp>

#include <type_traits>

using namespace e2ekit;

TEST_CASE("olm_v1: the alias is Olm's triple DH, Olm's ratchet and Olm's wire",
          "[protocols][olm]") {
    using p = protocols::olm_v1;
    static_assert(std::is_same_v<p::agreement_params, protocols::olm::triple_dh_params>);
    static_assert(std::is_same_v<p::ratchet_params, protocols::olm::ratchet_params>);
    static_assert(std::is_same_v<p::envelope_type, protocols::olm::envelope_v1>);
    static_assert(p::envelope_type::name == "olm_v1");
    static_assert(p::ratchet_params::first_sender == ratchet::role::initiator);
    SUCCEED();
}
