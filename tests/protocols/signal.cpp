#include <e2ekit/protocols/signal.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/protocols/signal/session.hpp>

#include <type_traits>

using namespace e2ekit;
namespace sig = e2ekit::protocols::signal;
using protocols::signal_v3;

TEST_CASE("signal_v3: the alias names Signal's agreement, ratchet and wire",
          "[protocols][signal][alias]") {
    STATIC_REQUIRE(std::is_same_v<signal_v3::agreement_type, agreement::x3dh<sig::x3dh_params>>);
    STATIC_REQUIRE(
        std::is_same_v<signal_v3::ratchet_type, ratchet::double_ratchet<sig::ratchet_params>>);
    STATIC_REQUIRE(std::is_same_v<signal_v3::envelope_type, sig::envelope_v3>);
    STATIC_REQUIRE(std::is_same_v<signal_v3::dh, crypto::x25519>);
    STATIC_REQUIRE(signal_v3::envelope_type::name == "signal_v3");
    STATIC_REQUIRE(signal_v3::envelope_type::version == 3);
}

TEST_CASE("signal_v3: a session written against the alias's choices alone",
          "[protocols][signal][alias]") {
    // X3DH from the agreement choice, the Double Ratchet from the ratchet
    // choice, the first message's keys from the wire choice: the same
    // steps session.hpp takes, named through signal_v3.
    using A = signal_v3::agreement_type;
    using R = signal_v3::ratchet_type;
    using E = signal_v3::envelope_type;
    testing::deterministic_random rng{41};
    const auto alice = A::dh::generate(rng), bob = A::dh::generate(rng);
    const auto spk = identity::signed_prekey<A::params>::generate(bob, 1, 0, rng);
    A::peer_bundle bundle{bob.pub, spk.keys.pub, spk.signature, std::nullopt};

    auto init = A::initiate(alice, bundle, rng);
    REQUIRE(init);
    auto resp = A::respond(bob, spk.keys, nullptr, alice.pub, init->base_key);
    REQUIRE(resp);
    CHECK(init->keys.root.view()[0] == resp->root.view()[0]);
    CHECK(ct::equal(init->keys.root.view(), resp->root.view()));
    CHECK(ct::equal(init->keys.chain.view(), resp->chain.view()));

    auto a_state = R::start_receiving(std::move(init->keys.root).retag<ratchet::root_key_tag>(),
                                      std::move(init->keys.chain).retag<ratchet::chain_key_tag>(),
                                      spk.keys.pub);
    auto b_state = R::start_sending(std::move(resp->root).retag<ratchet::root_key_tag>(),
                                    std::move(resp->chain).retag<ratchet::chain_key_tag>(),
                                    A::key_pair{spk.keys.priv.clone(), spk.keys.pub});
    auto sent = R::encrypt_step(a_state, rng);
    REQUIRE(sent);
    auto got = R::decrypt_step(b_state, sent->hdr);
    REQUIRE(got);
    CHECK(ct::equal(sent->keys.view(), got->keys.view()));

    // The wire choice parses what session.hpp writes.
    sig::session_state s;
    s.local_identity = alice.pub;
    s.remote_identity = bob.pub;
    s.base_key = init->base_key;
    s.unacknowledged = sig::unacknowledged_prekey{std::nullopt, spk.id, init->base_key};
    s.ratchet = std::move(sent->next);
    auto out = sig::encrypt(s, as_bytes("hi"), rng);
    REQUIRE(out);
    const auto wire = std::move(*out).release();
    REQUIRE(wire.type == E::message_type::prekey);
    auto kx = E::parse_key_exchange(wire.body);
    REQUIRE(kx);
    CHECK(kx->base_key == init->base_key);
    CHECK(E::encode_key_exchange(*kx) == wire.body);
    CHECK(E::parse_message(kx->message));
}
