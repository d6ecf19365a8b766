#include <e2ekit/identity/bundle.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/protocols/signal/params.hpp>

using namespace e2ekit;
using params = protocols::signal::x3dh_params;

TEST_CASE("identity: a bundle carries what X3DH needs", "[identity][bundle]") {
    testing::deterministic_random rng(1);
    const auto id = crypto::x25519::generate(rng);
    const auto spk = identity::signed_prekey<params>::generate(id, 3, 0, rng);
    const auto otks = identity::one_time_prekey<params>::generate(1, 2, rng);
    const auto b = identity::make_bundle<params>(id, 77, 2, spk, &otks[1]);
    CHECK(b.registration_id == 77);
    CHECK(b.device_id == 2);
    CHECK(b.signed_prekey_id == 3);
    CHECK(b.one_time_prekey_id == 2u);
    const auto peer = b.for_agreement();
    CHECK(peer.identity_key == id.pub);
    CHECK(peer.one_time_prekey == otks[1].keys.pub);
    CHECK(
        params::verify_prekey(peer.identity_key, peer.signed_prekey, peer.signed_prekey_signature));
    const auto without = identity::make_bundle<params>(id, 77, 2, spk);
    CHECK_FALSE(without.one_time_prekey_id);
    CHECK_FALSE(without.for_agreement().one_time_prekey);
}
