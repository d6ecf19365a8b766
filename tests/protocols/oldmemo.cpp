#include <e2ekit/protocols/oldmemo.hpp>

#include <catch2/catch.hpp>

#include <type_traits>
#include <vector>

using namespace e2ekit;
using e2ekit::protocols::oldmemo;

TEST_CASE("oldmemo: one type, a protocol and a backend", "[protocols][oldmemo]") {
    STATIC_REQUIRE(protocols::composable<oldmemo::agreement_type, oldmemo::ratchet_type,
                                         oldmemo::envelope_type>);
    STATIC_REQUIRE(std::is_same_v<oldmemo::agreement_params, protocols::signal::x3dh_params>);
    STATIC_REQUIRE(std::is_same_v<oldmemo::ratchet_params, protocols::omemo03::ratchet_params>);
    CHECK(oldmemo::namespace_uri == "eu.siacs.conversations.axolotl");

    // Two devices through the backend API alone, everything via XML.
    testing::deterministic_random rng(71);
    const auto alice = oldmemo::identity_key_pair::generate(rng);
    const auto bob = oldmemo::identity_key_pair::generate(rng);
    const auto spk = oldmemo::generate_signed_prekey(bob, 1, 0, rng);
    auto pks = oldmemo::generate_prekeys(1, 10, rng);
    auto bundle =
        oldmemo::parse_bundle(oldmemo::serialize_bundle(oldmemo::make_bundle(bob, spk, pks)));
    REQUIRE(bundle);
    auto a = oldmemo::build_session_active(alice, *bundle, rng);
    REQUIRE(a);

    auto payload = oldmemo::encrypt_plaintext(rng, as_bytes(std::string_view("hello")));
    auto step = oldmemo::encrypt_key_material(*a, payload.key_material, rng);
    REQUIRE(step);
    auto [a_next, key] = std::move(*step).split();
    oldmemo::encrypted_element e{
        1, {{2, key.prekey, key.data}}, payload.content.iv, payload.content.ciphertext};
    auto received = oldmemo::parse_encrypted(oldmemo::serialize_encrypted(e));
    REQUIRE(received);
    const auto* k = received->key_for(2);
    REQUIRE(k);
    REQUIRE(k->prekey);
    auto x = oldmemo::parse_key_exchange(k->data);
    REQUIRE(x);
    CHECK(oldmemo::encode_key_exchange(*x) == k->data);
    auto acc = oldmemo::accept_key_exchange(nullptr, bob, std::span(&spk, 1), pks, *x);
    REQUIRE(acc);
    auto [b_session, accepted] = std::move(*acc).split();
    auto pt = oldmemo::decrypt_plaintext(received->content(), accepted.key_material);
    REQUIRE(pt);
    CHECK(as_chars(pt->view()) == "hello");

    // Sessions survive their stored form; Bob answers.
    auto b_back = oldmemo::parse_session(oldmemo::serialize_session(b_session).view());
    REQUIRE(b_back);
    auto empty = oldmemo::encrypt_empty(rng);
    auto reply = oldmemo::encrypt_key_material(*b_back, empty.key_material, rng);
    REQUIRE(reply);
    auto [b_next, reply_key] = std::move(*reply).split();
    CHECK_FALSE(reply_key.prekey);
    auto got = oldmemo::decrypt_key_material(a_next, reply_key.data);
    REQUIRE(got);
    CHECK(std::move(*got).release() == empty.key_material);
    const std::vector<std::uint32_t> ids{1, 2};
    CHECK(*oldmemo::parse_device_list(oldmemo::serialize_device_list(ids)) == ids);
}
