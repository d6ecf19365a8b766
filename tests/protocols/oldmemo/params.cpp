#include <e2ekit/protocols/oldmemo/params.hpp>

#include <catch2/catch.hpp>

#include <type_traits>

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo03;
namespace sig = e2ekit::protocols::signal;

TEST_CASE("oldmemo params: Signal's where python-oldmemo agrees, its own where it differs",
          "[protocols][oldmemo][params]") {
    STATIC_REQUIRE(ratchet::double_ratchet_params<om::ratchet_params>);
    STATIC_REQUIRE(agreement::x3dh_params<om::x3dh_params>);
    STATIC_REQUIRE(std::is_same_v<om::x3dh_params, sig::x3dh_params>);
    STATIC_REQUIRE(std::is_same_v<om::ratchet_params::root_kdf, sig::ratchet_params::root_kdf>);
    STATIC_REQUIRE(std::is_same_v<om::ratchet_params::chain_kdf, sig::ratchet_params::chain_kdf>);
    STATIC_REQUIRE(
        std::is_same_v<om::ratchet_params::message_keys, sig::ratchet_params::message_keys>);
    STATIC_REQUIRE(om::wire::version_byte == 0x33);
    STATIC_REQUIRE(om::wire::mac_size == 8);
    STATIC_REQUIRE(om::key_encoding::type == 0x05);
    CHECK(om::namespace_uri == "eu.siacs.conversations.axolotl");
    CHECK(om::ratchet_params::state_label != sig::ratchet_params::state_label);
    // python-doubleratchet's header PN is the previous chain's length.
    STATIC_REQUIRE(om::ratchet_params::previous_counter == ratchet::previous_counter_rule::count);
    STATIC_REQUIRE(om::ratchet_params::first_sender == ratchet::role::responder);
    // python-omemo's default bounds on skipped keys.
    STATIC_REQUIRE(om::ratchet_params::limits.max_skip == 1000);
    STATIC_REQUIRE(om::ratchet_params::limits.max_skipped_keys_per_chain == 1000);
    // AES-128-GCM, 12-byte IV, key ‖ tag in the ratchet.
    STATIC_REQUIRE(om::payload_params::key_size == 16);
    STATIC_REQUIRE(om::payload_params::iv_size == 12);
    STATIC_REQUIRE(om::payload_params::key_material_size == 32);
    STATIC_REQUIRE(om::payload_params::empty_key_material_size == 16);
}
