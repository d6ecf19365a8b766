#include <e2ekit/agreement/x3dh.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/protocols/signal/params.hpp>

using namespace e2ekit;
using params = protocols::signal::x3dh_params;
using x3dh = agreement::x3dh<params>;

namespace {
struct responder {
    crypto::x25519::key_pair identity;
    crypto::x25519::key_pair spk;
    crypto::x25519::key_pair otk;
    params::signature sig;
    explicit responder(testing::deterministic_random& r)
        : identity(crypto::x25519::generate(r)), spk(crypto::x25519::generate(r)),
          otk(crypto::x25519::generate(r)), sig(params::sign_prekey(identity.priv, spk.pub, r)) {}
    x3dh::peer_bundle bundle(bool with_otk) const {
        return {identity.pub, spk.pub, sig, with_otk ? std::optional(otk.pub) : std::nullopt};
    }
};
} // namespace

TEST_CASE("x3dh: both sides agree, with and without a one-time pre-key", "[agreement][x3dh]") {
    testing::deterministic_random rng(1);
    const auto alice = crypto::x25519::generate(rng);
    const responder bob(rng);
    for (bool with_otk : {true, false}) {
        auto i = x3dh::initiate(alice, bob.bundle(with_otk), rng);
        REQUIRE(i);
        auto r = x3dh::respond(bob.identity, bob.spk, with_otk ? &bob.otk : nullptr, alice.pub,
                               i->base_key);
        REQUIRE(r);
        CHECK(i->keys.root == r->root);
        CHECK(i->keys.chain == r->chain);
        CHECK_FALSE(ct::equal(r->root.view(), r->chain.view()));
        // Without the one-time key the responder derives other keys (DH4).
        auto wrong = x3dh::respond(bob.identity, bob.spk, with_otk ? nullptr : &bob.otk, alice.pub,
                                   i->base_key);
        REQUIRE(wrong);
        CHECK_FALSE(i->keys.root == wrong->root);
    }
}

TEST_CASE("x3dh: a bad signed pre-key signature is refused before any DH", "[agreement][x3dh]") {
    testing::deterministic_random rng(2);
    const auto alice = crypto::x25519::generate(rng);
    const responder bob(rng);
    auto b = bob.bundle(true);
    b.signed_prekey_signature[5] ^= 0x10;
    auto i = x3dh::initiate(alice, b, rng);
    REQUIRE_FALSE(i);
    CHECK(i.error() == agreement::agreement_error::bad_signature);
    CHECK(i.error() == condition::authentication_failed);
    b = bob.bundle(true);
    b.signed_prekey[0] ^= 1; // signed by bob, but another key
    CHECK(x3dh::initiate(alice, b, rng).error() == agreement::agreement_error::bad_signature);
}

TEST_CASE("x3dh: a weak base key is refused", "[agreement][x3dh]") {
    testing::deterministic_random rng(3);
    const auto alice = crypto::x25519::generate(rng);
    const responder bob(rng);
    const crypto::x25519::public_key zero{};
    auto r = x3dh::respond(bob.identity, bob.spk, nullptr, alice.pub, zero);
    REQUIRE_FALSE(r);
    CHECK(r.error() == agreement::agreement_error::invalid_key);
}
