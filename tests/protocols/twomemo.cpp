#include <e2ekit/protocols/twomemo.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <type_traits>
#include <vector>

using namespace e2ekit;
using backend = e2ekit::protocols::twomemo;
namespace om = e2ekit::protocols::omemo2;

TEST_CASE("twomemo: the protocol's choices", "[protocols][twomemo]") {
    STATIC_REQUIRE(std::is_same_v<backend::agreement_type, agreement::x3dh<om::x3dh_params>>);
    STATIC_REQUIRE(
        std::is_same_v<backend::ratchet_type, ratchet::double_ratchet<om::ratchet_params>>);
    STATIC_REQUIRE(std::is_same_v<backend::envelope_type, om::envelope_2>);
    STATIC_REQUIRE(protocols::composable<backend::agreement_type, backend::ratchet_type,
                                         backend::envelope_type>);
    STATIC_REQUIRE(backend::namespace_uri == "urn:xmpp:omemo:2");
}

TEST_CASE("twomemo: two devices through the backend surface and the XML forms",
          "[protocols][twomemo]") {
    testing::deterministic_random rng(121);
    const auto alice = backend::identity_key_pair::generate(rng);
    const auto bob = backend::identity_key_pair::generate(rng);
    std::vector<backend::signed_prekey> spks;
    spks.push_back(backend::signed_prekey::generate(bob.dh, 1, 0, rng));
    auto pks = backend::prekey::generate(1, 5, rng);

    // Bob publishes; Alice reads the element and starts.
    auto published =
        backend::parse_bundle(backend::bundle_xml(backend::make_bundle(bob, spks[0], pks)));
    REQUIRE(published);
    auto a = backend::build_session_active(alice, *published, rng);
    REQUIRE(a);
    backend::session as = std::move(*a);

    const auto send = [&](backend::session& s, std::uint32_t sid, std::uint32_t rid,
                          const std::string& text) {
        auto p = backend::encrypt_plaintext(rng, as_bytes(text));
        auto e = backend::encrypt_key_material(s, p.key_material, rng);
        REQUIRE(e);
        auto km = std::move(*e).commit([&](const backend::session& next) {
            s = next.clone();
            return ok();
        });
        REQUIRE(km);
        return backend::encrypted_xml({sid, {{"x@y", {{rid, std::move(*km)}}}}, p.ciphertext});
    };

    const std::string first = send(as, 10, 20, "hello bob");
    auto m = backend::parse_encrypted(first);
    REQUIRE(m);
    const auto& key = m->recipients.at(0).keys.at(0).material;
    REQUIRE(key.kex);
    auto x = backend::parse_key_exchange(key.data);
    REQUIRE(x);
    auto p = backend::build_session_passive(bob, spks, pks, *x);
    REQUIRE(p);
    backend::session bs;
    auto payload = std::move(*p).commit([&](const backend::session& s) {
        bs = s.clone();
        return ok();
    });
    REQUIRE(payload);
    CHECK(payload->consumed_prekey_id == x->prekey_id);
    auto pt = backend::decrypt_plaintext(m->payload, payload->key_material);
    REQUIRE(pt);
    CHECK(as_chars(pt->view()) == "hello bob");

    const std::string reply = send(bs, 20, 10, "hello alice");
    auto r = backend::parse_encrypted(reply);
    REQUIRE(r);
    REQUIRE_FALSE(r->recipients[0].keys[0].material.kex);
    auto msg = backend::parse_message(r->recipients[0].keys[0].material.data);
    REQUIRE(msg);
    auto d = backend::decrypt_key_material(as, *msg);
    REQUIRE(d);
    auto km = std::move(*d).commit([&](const backend::session& s) {
        as = s.clone();
        return ok();
    });
    REQUIRE(km);
    auto pt2 = backend::decrypt_plaintext(r->payload, *km);
    REQUIRE(pt2);
    CHECK(as_chars(pt2->view()) == "hello alice");
    CHECK(as.confirmed);

    // Stored and re-read, the sessions go on.
    auto stored = backend::serialize_session(as);
    auto back = backend::parse_session(stored.view());
    REQUIRE(back);
    CHECK(*back == as);
    CHECK(backend::ed25519_form(alice.ed25519) == alice.ed25519);
    auto empty = backend::encrypt_empty(rng);
    CHECK(empty.ciphertext.empty());
    CHECK(empty.key_material.empty());
}
