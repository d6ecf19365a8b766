#include <e2ekit/protocols/twomemo/session.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo2;

namespace {

struct pair_fixture {
    testing::deterministic_random rng{31};
    om::identity_key_pair alice_id = om::identity_key_pair::generate(rng);
    om::identity_key_pair bob_id = om::identity_key_pair::generate(rng);
    std::vector<om::signed_prekey> spks = [this] {
        std::vector<om::signed_prekey> v;
        v.push_back(om::signed_prekey::generate(bob_id.dh, 7, 0, rng));
        return v;
    }();
    std::vector<om::prekey> pks = om::prekey::generate(100, 3, rng);
    om::session alice;
    om::session bob;

    om::bundle bob_bundle() const { return om::make_bundle(bob_id, spks[0], pks); }

    template <class Step>
    static auto commit_into(om::session& into, Step step) {
        auto out = std::move(step).commit([&](const om::session& s) {
            into = s.clone();
            return ok();
        });
        REQUIRE(out);
        return std::move(*out);
    }

    om::plain_key_material material(std::string_view text) {
        auto p = om::encrypt_plaintext(rng, as_bytes(text));
        return std::move(p.key_material);
    }

    om::encrypted_key_material send(om::session& from, const om::plain_key_material& km) {
        auto e = om::encrypt_key_material(from, km, rng);
        REQUIRE(e);
        return commit_into(from, std::move(*e));
    }

    static om::authenticated_message message_of(const om::encrypted_key_material& e) {
        if (e.kex) {
            auto x = om::parse_key_exchange(e.data);
            REQUIRE(x);
            return x->message;
        }
        auto m = om::parse_authenticated_message(e.data);
        REQUIRE(m);
        return std::move(*m);
    }

    om::plain_key_material receive(om::session& to, const om::encrypted_key_material& e) {
        auto d = om::decrypt_key_material(to, message_of(e));
        REQUIRE(d);
        return commit_into(to, std::move(*d));
    }

    /// Alice starts from Bob's bundle; Bob answers the key exchange.
    void start() {
        auto a = om::build_session_active(alice_id, bob_bundle(), rng);
        REQUIRE(a);
        alice = std::move(*a);
        CHECK(alice.sends_key_exchange());
        const auto km = material("hello");
        auto first = send(alice, km);
        REQUIRE(first.kex);
        auto x = om::parse_key_exchange(first.data);
        REQUIRE(x);
        CHECK(x->identity == alice_id.ed25519);
        CHECK(x->signed_prekey_id == 7);
        CHECK(x->prekey_id >= 100);
        CHECK(x->prekey_id < 103);
        CHECK(om::builds_same_session(alice, *x));
        auto p = om::build_session_passive(bob_id, spks, pks, *x);
        REQUIRE(p);
        auto got = commit_into(bob, std::move(*p));
        CHECK(got.key_material == km);
        CHECK(got.consumed_prekey_id == x->prekey_id);
        CHECK(om::builds_same_session(bob, *x));
        CHECK(bob.how == om::initiation::passive);
        CHECK(bob.remote_identity == alice_id.ed25519);
        CHECK(bob.ad() == alice.ad());
    }

    static bytes stored(const om::session& s) {
        auto b = om::serialize(s);
        return bytes(b.data(), b.data() + b.size());
    }
};

} // namespace

TEST_CASE("twomemo session: key exchanges until confirmed, then plain messages",
          "[protocols][twomemo]") {
    pair_fixture f;
    f.start();
    // Alice keeps sending the same key exchange until she hears from Bob.
    const auto km2 = f.material("second");
    auto second = f.send(f.alice, km2);
    REQUIRE(second.kex);
    auto x2 = om::parse_key_exchange(second.data);
    REQUIRE(x2);
    CHECK(om::builds_same_session(f.bob, *x2));
    CHECK(f.receive(f.bob, second) == km2);
    // Bob never sends key exchanges.
    const auto km3 = f.material("reply");
    auto reply = f.send(f.bob, km3);
    CHECK_FALSE(reply.kex);
    CHECK_FALSE(f.alice.confirmed);
    CHECK(f.receive(f.alice, reply) == km3);
    CHECK(f.alice.confirmed);
    CHECK_FALSE(f.alice.sends_key_exchange());
    auto plain = f.send(f.alice, km2);
    CHECK_FALSE(plain.kex);
    CHECK(f.receive(f.bob, plain) == km2);
}

TEST_CASE("twomemo session: a conversation with reordering and empty messages",
          "[protocols][twomemo]") {
    pair_fixture f;
    f.start();
    std::mt19937 shuffle(5);
    for (int turn = 0; turn < 8; ++turn) {
        auto& from = turn % 2 ? f.bob : f.alice;
        auto& to = turn % 2 ? f.alice : f.bob;
        std::vector<std::pair<om::encrypted_key_material, om::plain_key_material>> batch;
        for (int i = 0; i < 6; ++i) {
            auto km = i == 3 ? om::plain_key_material::make_empty()
                             : f.material("m" + std::to_string(turn) + "." + std::to_string(i));
            auto e = f.send(from, km);
            batch.emplace_back(std::move(e), std::move(km));
        }
        std::shuffle(batch.begin(), batch.end(), shuffle);
        for (const auto& [e, km] : batch) {
            const auto got = f.receive(to, e);
            CHECK(got == km);
            CHECK(got.empty() == km.empty());
        }
    }
}

TEST_CASE("twomemo session: a failed decrypt changes nothing", "[protocols][twomemo]") {
    pair_fixture f;
    f.start();
    auto e = f.send(f.bob, f.material("to alice"));
    auto m = pair_fixture::message_of(e);
    const bytes before = pair_fixture::stored(f.alice);

    auto bad_mac = m;
    bad_mac.mac[0] ^= 1;
    auto r = om::decrypt_key_material(f.alice, bad_mac);
    REQUIRE_FALSE(r);
    CHECK(r.error() == envelope::envelope_error::authentication_failed);
    CHECK(r.error() == condition::authentication_failed);

    auto bad_ct = m;
    bad_ct.ciphertext[0] ^= 1; // the MAC covers the OMEMOMessage bytes, not this copy
    bad_ct.message = codec::protobuf::encode(om::proto::omemo_message{
        bad_ct.counter, bad_ct.previous_counter,
        bytes(bad_ct.ratchet_key.begin(), bad_ct.ratchet_key.end()), bad_ct.ciphertext});
    CHECK(om::decrypt_key_material(f.alice, bad_ct).error() ==
          envelope::envelope_error::authentication_failed);

    // Another session's associated data (the identity keys swapped).
    auto swapped = f.alice.clone();
    std::swap(swapped.local_identity, swapped.remote_identity);
    swapped.exchange.identity =
        swapped.how == om::initiation::active ? swapped.local_identity : swapped.remote_identity;
    CHECK(om::decrypt_key_material(swapped, m).error() ==
          envelope::envelope_error::authentication_failed);
    CHECK(pair_fixture::stored(f.alice) == before);

    // The genuine message still opens, once.
    auto ok_step = om::decrypt_key_material(f.alice, m);
    REQUIRE(ok_step);
    pair_fixture::commit_into(f.alice, std::move(*ok_step));
    auto replay = om::decrypt_key_material(f.alice, m);
    REQUIRE_FALSE(replay);
    CHECK(replay.error() == ratchet::ratchet_error::duplicate_message);
}

TEST_CASE("twomemo session: a key material of a wrong length is refused after its MAC",
          "[protocols][twomemo]") {
    pair_fixture f;
    f.start();
    // Encrypt 40 bytes by hand with Bob's next message keys.
    auto step = om::double_ratchet::encrypt_step(f.bob.ratchet, f.rng);
    REQUIRE(step);
    const bytes odd(40, 7);
    auto m = om::seal(step->hdr.ratchet_key, step->hdr.counter, step->hdr.previous_counter,
                      om::wire::cipher::encrypt(step->keys.cipher_key(), step->keys.iv(), odd),
                      step->keys.mac_key(), f.bob.ad());
    auto r = om::decrypt_key_material(f.alice, m);
    REQUIRE_FALSE(r);
    CHECK(r.error() == om::twomemo_error::bad_key_material);
}

TEST_CASE("twomemo session: active start refusals", "[protocols][twomemo]") {
    pair_fixture f;
    auto b = f.bob_bundle();
    b.prekeys.clear();
    auto none = om::build_session_active(f.alice_id, b, f.rng);
    REQUIRE_FALSE(none);
    CHECK(none.error() == om::twomemo_error::no_prekey);

    b = f.bob_bundle();
    b.signed_prekey_signature[10] ^= 4;
    auto sig = om::build_session_active(f.alice_id, b, f.rng);
    REQUIRE_FALSE(sig);
    CHECK(sig.error() == agreement::agreement_error::bad_signature);
    CHECK_FALSE(b.verify());

    b = f.bob_bundle();
    b.identity = f.alice_id.ed25519; // another identity did not sign it
    CHECK(om::build_session_active(f.alice_id, b, f.rng).error() ==
          agreement::agreement_error::bad_signature);
    CHECK(f.bob_bundle().verify());
}

TEST_CASE("twomemo session: passive start refusals", "[protocols][twomemo]") {
    pair_fixture f;
    auto a = om::build_session_active(f.alice_id, f.bob_bundle(), f.rng);
    REQUIRE(a);
    auto first = f.send(*a, f.material("hi"));
    auto x = om::parse_key_exchange(first.data);
    REQUIRE(x);

    auto y = *x;
    y.signed_prekey_id = 8;
    CHECK(om::build_session_passive(f.bob_id, f.spks, f.pks, y).error() ==
          om::twomemo_error::unknown_signed_prekey);
    y = *x;
    y.prekey_id = 99;
    CHECK(om::build_session_passive(f.bob_id, f.spks, f.pks, y).error() ==
          om::twomemo_error::unknown_prekey);
    // Another one-time pre-key than the one used: other keys, the MAC fails.
    y = *x;
    y.prekey_id = x->prekey_id == 100 ? 101 : 100;
    CHECK(om::build_session_passive(f.bob_id, f.spks, f.pks, y).error() ==
          envelope::envelope_error::authentication_failed);
    // A forged identity key: other keys too.
    y = *x;
    y.identity = f.bob_id.ed25519;
    CHECK(om::build_session_passive(f.bob_id, f.spks, f.pks, y).error() ==
          envelope::envelope_error::authentication_failed);
    // An identity key that is no Ed25519 point of use: the agreement refuses it.
    y = *x;
    y.identity = {};
    CHECK(om::build_session_passive(f.bob_id, f.spks, f.pks, y).error() ==
          agreement::agreement_error::invalid_key);
    // A tampered first message.
    y = *x;
    y.message.mac[15] ^= 0x80;
    CHECK(om::build_session_passive(f.bob_id, f.spks, f.pks, y).error() ==
          envelope::envelope_error::authentication_failed);
    CHECK(om::build_session_passive(f.bob_id, f.spks, f.pks, *x));
}

TEST_CASE("twomemo session: stored form round trip and strict parse", "[protocols][twomemo]") {
    pair_fixture f;
    f.start();
    f.receive(f.bob, f.send(f.alice, f.material("x")));
    for (const auto* s : {&f.alice, &f.bob}) {
        auto stored = om::serialize(*s);
        auto back = om::parse_session(stored.view());
        REQUIRE(back);
        CHECK(*back == *s);
        CHECK(pair_fixture::stored(*back) == pair_fixture::stored(*s));
    }
    // The re-read session goes on.
    auto again = om::parse_session(om::serialize(f.bob).view());
    REQUIRE(again);
    const auto km = f.material("after");
    CHECK(f.receive(f.alice, f.send(*again, km)) == km);

    const bytes good = pair_fixture::stored(f.alice);
    for (std::size_t cut : {std::size_t{0}, std::size_t{1}, good.size() / 2, good.size() - 1}) {
        auto r = om::parse_session(bytes_view(good).first(cut));
        REQUIRE_FALSE(r);
        CHECK(r.error() == om::twomemo_error::bad_session);
    }
    namespace form = om::detail::session_form;
    auto w = codec::protobuf::decode<form::stored>(good);
    REQUIRE(w);
    auto reencode = [](const form::stored& s) { return codec::protobuf::encode(s); };
    auto v = *w;
    v.format = 2;
    CHECK(om::parse_session(reencode(v)).error() == om::twomemo_error::unsupported_session);
    v = *w;
    v.label = "signal_v3.record";
    CHECK(om::parse_session(reencode(v)).error() == om::twomemo_error::unsupported_session);
    v = *w;
    v.initiation = 3;
    CHECK(om::parse_session(reencode(v)).error() == om::twomemo_error::bad_session);
    v = *w;
    v.exchange_identity = v.remote_identity; // alice initiated: it must be hers
    CHECK(om::parse_session(reencode(v)).error() == om::twomemo_error::bad_session);
    v = *w;
    v.ratchet.resize(v.ratchet.size() - 1);
    CHECK(om::parse_session(reencode(v)).error() == om::twomemo_error::bad_session);
}
