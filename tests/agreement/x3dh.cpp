#include <e2ekit/agreement/x3dh.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/crypto/hkdf.hpp>
#include <e2ekit/protocols/signal/params.hpp>

#include <type_traits>
#include <utility>

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

namespace {
// An identity form of its own (concept.hpp "Identity keys"): the Curve25519
// key with a flag its map refuses, so that both sides can be seen to go
// through the map.
struct flagged_identity {
    crypto::x25519::public_key key{};
    bool usable = true;
};
struct flagged_params : params {
    using identity_key = flagged_identity;
    static result<dh::public_key> identity_dh(const identity_key& k) {
        if (!k.usable) return agreement::agreement_error::invalid_key;
        return k.key;
    }
    static result<void> verify_prekey(const identity_key& ik, const dh::public_key& spk,
                                      bytes_view sig) {
        return params::verify_prekey(ik.key, spk, sig);
    }
};
using flagged_x3dh = agreement::x3dh<flagged_params>;

// Near misses of the identity form: each lacks one part of it.
struct form_without_map : params {
    using identity_key = flagged_identity;
    static result<void> verify_prekey(const identity_key&, const dh::public_key&, bytes_view);
};
struct map_of_wrong_type : flagged_params {
    static dh::public_key identity_dh(const identity_key&);
};
struct verify_of_dh_form : params {
    using identity_key = flagged_identity;
    static result<dh::public_key> identity_dh(const identity_key&);
};
} // namespace

TEST_CASE("x3dh_params: identity forms and near misses", "[agreement][x3dh]") {
    STATIC_REQUIRE(agreement::x3dh_params<params>);
    STATIC_REQUIRE(std::is_same_v<agreement::identity_key_t<params>, crypto::x25519::public_key>);
    STATIC_REQUIRE(agreement::x3dh_params<flagged_params>);
    STATIC_REQUIRE(std::is_same_v<agreement::identity_key_t<flagged_params>, flagged_identity>);
    STATIC_REQUIRE(std::is_same_v<flagged_x3dh::identity_key, flagged_identity>);
    STATIC_REQUIRE_FALSE(agreement::x3dh_params<form_without_map>);
    STATIC_REQUIRE_FALSE(agreement::x3dh_params<map_of_wrong_type>);
    STATIC_REQUIRE_FALSE(agreement::x3dh_params<verify_of_dh_form>);
}

TEST_CASE("x3dh: an identity form enters the DHs through its map", "[agreement][x3dh]") {
    testing::deterministic_random rng(4);
    const auto alice = crypto::x25519::generate(rng);
    const responder bob(rng);
    const auto ephemeral = crypto::x25519::generate(rng);
    const auto copy = [](const crypto::x25519::key_pair& k) {
        return crypto::x25519::key_pair{k.priv.clone(), k.pub};
    };
    auto plain = x3dh::initiate_with(alice, bob.bundle(true), copy(ephemeral));
    REQUIRE(plain);
    const flagged_x3dh::peer_bundle fb{{bob.identity.pub, true}, bob.spk.pub, bob.sig, bob.otk.pub};
    auto flagged = flagged_x3dh::initiate_with(alice, fb, copy(ephemeral));
    REQUIRE(flagged);
    // The map is the identity here: the same keys as without a form.
    CHECK(flagged->keys.root == plain->keys.root);
    CHECK(flagged->keys.chain == plain->keys.chain);
    auto r = flagged_x3dh::respond(bob.identity, bob.spk, &bob.otk, {alice.pub, true},
                                   flagged->base_key);
    REQUIRE(r);
    CHECK(r->root == plain->keys.root);

    // A key the map refuses: invalid_key on both sides, after the signature.
    auto unusable = fb;
    unusable.identity_key.usable = false;
    auto i = flagged_x3dh::initiate(alice, unusable, rng);
    REQUIRE_FALSE(i);
    CHECK(i.error() == agreement::agreement_error::invalid_key);
    unusable.signed_prekey_signature[0] ^= 1;
    CHECK(flagged_x3dh::initiate(alice, unusable, rng).error() ==
          agreement::agreement_error::bad_signature);
    auto refused = flagged_x3dh::respond(bob.identity, bob.spk, &bob.otk, {alice.pub, false},
                                         flagged->base_key);
    REQUIRE_FALSE(refused);
    CHECK(refused.error() == agreement::agreement_error::invalid_key);
}

TEST_CASE("x3dh: the root key is the first 32 bytes of the KDF output", "[agreement][x3dh]") {
    // concept.hpp: a protocol whose SK is 32 bytes takes the root key as SK
    // (RFC 5869 §2.3, T(1) does not depend on the length asked for).
    testing::deterministic_random rng(5);
    const auto alice = crypto::x25519::generate(rng);
    const responder bob(rng);
    const auto ephemeral = crypto::x25519::generate(rng);
    auto i = x3dh::initiate_with(alice, bob.bundle(false),
                                 crypto::x25519::key_pair{ephemeral.priv.clone(), ephemeral.pub});
    REQUIRE(i);
    bytes ikm(32, 0xff);
    for (const auto& [k, p] :
         {std::pair{&alice.priv, &bob.spk.pub}, std::pair{&ephemeral.priv, &bob.identity.pub},
          std::pair{&ephemeral.priv, &bob.spk.pub}}) {
        auto s = crypto::x25519::agree(*k, *p);
        REQUIRE(s);
        ikm.insert(ikm.end(), s->data(), s->data() + s->size());
    }
    const byte_array<32> salt{};
    auto sk = crypto::hkdf_sha256::derive<32>(ikm, salt, as_bytes(params::kdf_info));
    CHECK(ct::equal(sk.view(), i->keys.root.view()));
}
