#include <e2ekit/protocols/twomemo/params.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/agreement/x3dh.hpp>
#include <e2ekit/ratchet/double_ratchet.hpp>

#include <tests/support/laws/ratchet.hpp>

#include <optional>

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo2;

// Each constant is checked against the primitive it names, computed here
// with the crypto layer directly (python-twomemo's values are checked by
// tests/interop/twomemo_python against the package itself).

TEST_CASE("twomemo params: the concepts, and the constants python-twomemo uses",
          "[protocols][twomemo]") {
    STATIC_REQUIRE(agreement::x3dh_params<om::x3dh_params>);
    STATIC_REQUIRE(ratchet::double_ratchet_params<om::ratchet_params>);
    STATIC_REQUIRE(std::is_same_v<agreement::identity_key_t<om::x3dh_params>, om::identity_key>);
    STATIC_REQUIRE(ratchet::first_chain_of<om::ratchet_params> ==
                   ratchet::first_chain_rule::from_root);
    STATIC_REQUIRE(om::ratchet_params::first_sender == ratchet::role::initiator);
    STATIC_REQUIRE(om::ratchet_params::previous_counter == ratchet::previous_counter_rule::count);
    STATIC_REQUIRE(om::wire::mac_size == 16);
    STATIC_REQUIRE(om::ratchet_params::limits.max_skip == 1000);
    CHECK(om::namespace_uri == "urn:xmpp:omemo:2");
    CHECK(om::x3dh_params::kdf_info == "OMEMO X3DH");
    CHECK(om::payload_params::info == "OMEMO Payload");
    for (auto b : om::x3dh_params::kdf_prefix)
        CHECK(b == 0xff);
    for (auto b : om::x3dh_params::kdf_salt)
        CHECK(b == 0);
}

TEST_CASE("twomemo params: ratchet KDFs", "[protocols][twomemo]") {
    testing::deterministic_random rng(41);
    // Message chain: ck' = HMAC(ck, 0x02), mk = HMAC(ck, 0x01).
    const auto ck = random_secret<32, ratchet::chain_key_tag>(rng);
    const auto step = om::ratchet_params::chain_kdf::step(ck);
    const byte_array<1> one{0x01}, two{0x02};
    CHECK(ct::equal(step.message.view(), crypto::hmac_sha256::tag_of(ck.view(), one)));
    CHECK(ct::equal(step.next.view(), crypto::hmac_sha256::tag_of(ck.view(), two)));
    // Root chain: HKDF(salt = rk, ikm = DH, "OMEMO Root Chain", 64) = rk' ‖ ck.
    const auto rk = random_secret<32, ratchet::root_key_tag>(rng);
    const bytes dh(32, 0x42);
    const auto rs = om::ratchet_params::root_kdf::step(rk, dh);
    const auto okm = crypto::hkdf_sha256::derive<64>(dh, rk.view(), as_bytes("OMEMO Root Chain"));
    CHECK(ct::equal(rs.root.view(), okm.view().first<32>()));
    CHECK(ct::equal(rs.chain.view(), okm.view().last<32>()));
    // Message keys: HKDF(mk, 32 zero bytes, "OMEMO Message Key Material", 80).
    const auto mk = random_secret<32, ratchet::message_key_tag>(rng);
    const auto keys = om::ratchet_params::message_keys::derive(mk);
    const byte_array<32> zero{};
    const auto expanded =
        crypto::hkdf_sha256::derive<80>(mk.view(), zero, as_bytes("OMEMO Message Key Material"));
    CHECK(ct::equal(keys.cipher_key(), expanded.view().first<32>()));
    CHECK(ct::equal(keys.mac_key(), expanded.view().subspan<32, 32>()));
    CHECK(ct::equal(keys.iv(), expanded.view().last<16>()));
}

TEST_CASE("twomemo params: Double Ratchet laws", "[protocols][twomemo]") {
    test::laws::check_double_ratchet<om::ratchet_params>();
}

TEST_CASE("twomemo params: X3DH with Ed25519 identity keys", "[protocols][twomemo]") {
    using x3dh = agreement::x3dh<om::x3dh_params>;
    testing::deterministic_random rng(42);
    // Identities with both sign bits of their Ed25519 key: the signature
    // must verify under the key as published, whatever its sign.
    bool seen[2] = {false, false};
    for (int i = 0; i < 64 && !(seen[0] && seen[1]); ++i) {
        const auto alice = om::identity_key_pair::generate(rng);
        const auto bob = om::identity_key_pair::generate(rng);
        seen[bob.ed25519[31] >> 7] = true;
        const auto spk = crypto::x25519::generate(rng);
        const auto opk = crypto::x25519::generate(rng);
        const auto sig = om::x3dh_params::sign_prekey(bob.dh.priv, spk.pub, rng);
        // An Ed25519 signature of the raw 32 bytes (RFC 8032, libsodium).
        REQUIRE(crypto::ed25519::verify(bob.ed25519, spk.pub, sig));
        REQUIRE(om::x3dh_params::verify_prekey(bob.ed25519, spk.pub, sig));
        auto i1 = x3dh::initiate(alice.dh, {bob.ed25519, spk.pub, sig, opk.pub}, rng);
        REQUIRE(i1);
        auto r = x3dh::respond(bob.dh, spk, &opk, alice.ed25519, i1->base_key);
        REQUIRE(r);
        CHECK(r->root == i1->keys.root);
        // The map to X25519 is the identity's own X25519 key.
        auto u = om::x3dh_params::identity_dh(bob.ed25519);
        REQUIRE(u);
        CHECK(*u == bob.dh.pub);
    }
    CHECK(seen[0]);
    CHECK(seen[1]);

    const auto bob = om::identity_key_pair::generate(rng);
    const auto spk = crypto::x25519::generate(rng);
    auto sig = om::x3dh_params::sign_prekey(bob.dh.priv, spk.pub, rng);
    auto other = spk.pub;
    other[0] ^= 1;
    CHECK(om::x3dh_params::verify_prekey(bob.ed25519, other, sig).error() ==
          agreement::agreement_error::bad_signature);
    sig[40] ^= 0x10; // a changed signature

    CHECK_FALSE(om::x3dh_params::verify_prekey(bob.ed25519, spk.pub, sig));
    // A small-order Ed25519 key has no X25519 form of use.
    const om::identity_key identity_point{1};
    CHECK(om::x3dh_params::identity_dh(identity_point).error() ==
          agreement::agreement_error::invalid_key);
}
