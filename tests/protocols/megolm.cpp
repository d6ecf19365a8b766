#include <e2ekit/protocols/megolm.hpp>

#include <catch2/catch.hpp>

#include <type_traits>

TEST_CASE("megolm_v1: the alias names Megolm's params and ratchet", "[protocols][megolm]") {
    using namespace e2ekit;
    STATIC_REQUIRE(std::is_same_v<protocols::megolm_v1::params, protocols::megolm::ratchet_params>);
    STATIC_REQUIRE(
        std::is_same_v<protocols::megolm_v1::ratchet_type, protocols::megolm::ratchet_type>);
    STATIC_REQUIRE(protocols::megolm_v1::algorithm == "m.megolm.v1.aes-sha2");
}
