#include <e2ekit/protocols/oldmemo/session.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo03;
namespace sig = e2ekit::protocols::signal;

namespace {

struct device {
    om::identity_key_pair id;
    om::signed_prekey spk;
    std::vector<om::prekey> pks;

    explicit device(testing::deterministic_random& rng)
        : id(om::identity_key_pair::generate(rng)),
          spk(om::generate_signed_prekey(id, 5, 1700000000, rng)),
          pks(om::generate_prekeys(1, 4, rng)) {}
    om::bundle bundle() const { return om::make_bundle(id, spk, pks); }
};

struct pair_fixture {
    testing::deterministic_random rng{41};
    device alice{rng};
    device bob{rng};
    om::session a;
    om::session b;

    template <class Step>
    static auto commit_into(om::session& into, Step step) {
        auto out = std::move(step).commit([&](const om::session& s) {
            into = s.clone();
            return ok();
        });
        REQUIRE(out);
        return std::move(*out);
    }

    om::plain_key_material material() { return om::encrypt_plaintext(rng, bytes{1}).key_material; }

    om::encrypted_key_material send(om::session& from, const om::plain_key_material& km) {
        auto e = om::encrypt_key_material(from, km, rng);
        REQUIRE(e);
        return commit_into(from, std::move(*e));
    }

    /// The authenticated message of a <key>, key exchange or not.
    static bytes message_of(const om::encrypted_key_material& k) {
        if (!k.prekey) return k.data;
        auto x = om::parse_key_exchange(k.data);
        REQUIRE(x);
        return x->message;
    }

    om::plain_key_material receive(om::session& on, const om::encrypted_key_material& k) {
        auto d = om::decrypt_key_material(on, message_of(k));
        REQUIRE(d);
        return commit_into(on, std::move(*d));
    }

    void start() {
        auto s = om::build_session_active(alice.id, bob.bundle(), rng);
        REQUIRE(s);
        a = std::move(*s);
        CHECK(a.initiation == om::initiation::active);
        CHECK_FALSE(a.confirmed);
        const auto km = material();
        const auto first = send(a, km);
        REQUIRE(first.prekey);
        auto x = om::parse_key_exchange(first.data);
        REQUIRE(x);
        CHECK(x->identity_key == alice.id.curve25519_public());
        CHECK(x->signed_prekey_id == 5);
        CHECK(x->prekey_id == a.exchange.prekey_id);
        auto step = om::build_session_passive(bob.id, std::span(&bob.spk, 1), bob.pks, *x);
        REQUIRE(step);
        auto acc = commit_into(b, std::move(*step));
        CHECK(acc.key_material == km);
        CHECK(acc.consumed_prekey_id == x->prekey_id);
        CHECK(b.initiation == om::initiation::passive);
        CHECK(om::builds_same_session(b, *x));
        std::erase_if(bob.pks, [&](const om::prekey& p) { return p.id == x->prekey_id; });
    }
};

sig::signal_message header_of(const bytes& message) {
    auto m = om::parse_authenticated_message(message);
    REQUIRE(m);
    return *m;
}

} // namespace

TEST_CASE("oldmemo session: the key exchange until the first answer",
          "[protocols][oldmemo][session]") {
    pair_fixture f;
    f.start();
    // Alice has not heard from Bob: her key material still carries the
    // key exchange, which Bob takes on the session it built.
    const auto km = f.material();
    const auto again = f.send(f.a, km);
    REQUIRE(again.prekey);
    auto x = om::parse_key_exchange(again.data);
    REQUIRE(x);
    auto step = om::accept_key_exchange(&f.b, f.bob.id, std::span(&f.bob.spk, 1), f.bob.pks, *x);
    REQUIRE(step);
    auto acc = f.commit_into(f.b, std::move(*step));
    CHECK(acc.key_material == km);
    CHECK_FALSE(acc.consumed_prekey_id); // the same session: no pre-key used
    // Bob answers without one; Alice is confirmed and stops sending it.
    const auto reply_km = f.material();
    const auto reply = f.send(f.b, reply_km);
    CHECK_FALSE(reply.prekey);
    CHECK(f.receive(f.a, reply) == reply_km);
    CHECK(f.a.confirmed);
    const auto later = f.send(f.a, f.material());
    CHECK_FALSE(later.prekey);
    (void)f.receive(f.b, later);
    // Empty messages' key material (16 bytes) travels the same way.
    const auto empty = om::encrypt_empty(f.rng).key_material;
    CHECK(f.receive(f.b, f.send(f.a, empty)) == empty);
    CHECK(f.receive(f.a, f.send(f.b, empty)) == empty);
}

TEST_CASE("oldmemo session: PN is the previous chain's length (python-doubleratchet)",
          "[protocols][oldmemo][session]") {
    pair_fixture f;
    f.start(); // Alice's first chain: 1 message
    const auto m1 = f.send(f.a, f.material());
    const auto m2 = f.send(f.a, f.material());
    CHECK(header_of(f.message_of(m2)).counter == 2);
    (void)f.receive(f.b, m1);
    const auto r = f.send(f.b, f.material());
    // Bob's sending chain before this one was the unused agreed chain.
    CHECK(header_of(r.data).previous_counter == 0);
    CHECK(header_of(r.data).counter == 0);
    (void)f.receive(f.a, r);
    const auto next = f.send(f.a, f.material());
    CHECK(header_of(next.data).previous_counter == 3);
    CHECK(header_of(next.data).counter == 0);
    // m2, from Alice's old chain, still decrypts after the turn.
    (void)f.receive(f.b, next);
    (void)f.receive(f.b, m2);
}

TEST_CASE("oldmemo session: out of order, replays, python-omemo's skip bound",
          "[protocols][oldmemo][session]") {
    pair_fixture f;
    f.start();
    (void)f.receive(f.a, f.send(f.b, f.material()));
    std::vector<om::encrypted_key_material> sent;
    std::vector<om::plain_key_material> kms;
    for (int i = 0; i < 6; ++i) {
        kms.push_back(f.material());
        sent.push_back(f.send(f.a, kms.back()));
    }
    for (int i = 5; i >= 0; --i)
        CHECK(f.receive(f.b, sent[static_cast<std::size_t>(i)]) ==
              kms[static_cast<std::size_t>(i)]);
    for (const auto& m : sent)
        CHECK(om::decrypt_key_material(f.b, f.message_of(m)).error() ==
              ratchet::ratchet_error::duplicate_message);
    // 1000 skipped keys are derived, 1001 are not.
    std::vector<om::encrypted_key_material> many;
    for (int i = 0; i < 1002; ++i)
        many.push_back(f.send(f.a, f.material()));
    CHECK(om::decrypt_key_material(f.b, many[1001].data).error() ==
          ratchet::ratchet_error::too_far_ahead);
    (void)f.receive(f.b, many[1000]);
    (void)f.receive(f.b, many[1001]);
    (void)f.receive(f.b, many[0]);
}

TEST_CASE("oldmemo session: refusals change nothing", "[protocols][oldmemo][session]") {
    pair_fixture f;
    f.start();
    const auto km = f.material();
    const auto m = f.send(f.b, km);
    const om::session before = f.a.clone();
    for (std::size_t i = 1; i < m.data.size(); i += 3) {
        bytes bad = m.data;
        bad[i] ^= 0x01;
        auto r = om::decrypt_key_material(f.a, bad);
        CHECK_FALSE(r);
    }
    bytes bad_mac = m.data;
    bad_mac.back() ^= 0x40;
    CHECK(om::decrypt_key_material(f.a, bad_mac).error() ==
          envelope::envelope_error::authentication_failed);
    CHECK(f.a == before);
    CHECK(f.receive(f.a, m) == km);

    // Key material of a size no payload has: refused after the MAC.
    auto step = om::double_ratchet::encrypt_step(f.b.ratchet, f.rng);
    REQUIRE(step);
    const bytes ct = om::wire::cipher::encrypt(step->keys.cipher_key(), step->keys.iv(), bytes(20));
    const bytes odd = sig::encode_signal_message(
        step->hdr.ratchet_key, step->hdr.counter, step->hdr.previous_counter, ct,
        step->keys.mac_key(), f.b.local_identity, f.b.remote_identity);
    CHECK(om::decrypt_key_material(f.a, odd).error() == om::oldmemo_error::bad_key_material);
}

TEST_CASE("oldmemo session: what building refuses", "[protocols][oldmemo][session]") {
    pair_fixture f;
    om::bundle b = f.bob.bundle();
    b.signed_prekey_signature[0] ^= 1;
    CHECK(om::build_session_active(f.alice.id, b, f.rng).error() ==
          agreement::agreement_error::bad_signature);
    b = f.bob.bundle();
    b.prekeys.clear();
    CHECK(om::build_session_active(f.alice.id, b, f.rng).error() == om::oldmemo_error::no_prekey);
    b = f.bob.bundle();
    CHECK(om::build_session_active(f.alice.id, b, 99u, f.rng).error() ==
          om::oldmemo_error::unknown_prekey);
    auto chosen = om::build_session_active(f.alice.id, b, 3u, f.rng);
    REQUIRE(chosen);
    CHECK(chosen->exchange.prekey_id == 3);
    const auto k = f.send(*chosen, f.material());
    auto x = om::parse_key_exchange(k.data);
    REQUIRE(x);
    CHECK(x->prekey_id == 3);

    // The responder's keys looked up by id.
    CHECK(om::build_session_passive(f.bob.id, {}, f.bob.pks, *x).error() ==
          om::oldmemo_error::unknown_signed_prekey);
    const auto others = std::span<const om::prekey>(f.bob.pks).first(2);
    CHECK(om::build_session_passive(f.bob.id, std::span(&f.bob.spk, 1), others, *x).error() ==
          om::oldmemo_error::unknown_prekey);
    // Another initiator identity than the one that agreed: the MAC fails.
    om::key_exchange forged = *x;
    forged.identity_key = f.bob.id.curve25519_public();
    CHECK(
        om::build_session_passive(f.bob.id, std::span(&f.bob.spk, 1), f.bob.pks, forged).error() ==
        envelope::envelope_error::authentication_failed);
    // A second signed pre-key (kept after a rotation) is found by its id.
    const auto rotated = om::generate_signed_prekey(f.bob.id, 6, 1700600000, f.rng);
    std::vector<om::signed_prekey> spks;
    spks.push_back({rotated.id, {rotated.keys.priv.clone(), rotated.keys.pub}, 0, {}});
    spks.push_back({f.bob.spk.id, {f.bob.spk.keys.priv.clone(), f.bob.spk.keys.pub}, 0, {}});
    auto ok_step = om::build_session_passive(f.bob.id, spks, f.bob.pks, *x);
    REQUIRE(ok_step);
    CHECK(ok_step->state().exchange == chosen->exchange);
}

TEST_CASE("oldmemo session: another key exchange replaces the session",
          "[protocols][oldmemo][session]") {
    pair_fixture f;
    f.start();
    (void)f.receive(f.a, f.send(f.b, f.material()));
    // Alice lost her session and starts again from Bob's bundle.
    auto s = om::build_session_active(f.alice.id, f.bob.bundle(), f.rng);
    REQUIRE(s);
    om::session fresh = std::move(*s);
    const auto km = f.material();
    const auto k = f.send(fresh, km);
    REQUIRE(k.prekey);
    auto x = om::parse_key_exchange(k.data);
    REQUIRE(x);
    CHECK_FALSE(om::builds_same_session(f.b, *x));
    auto step = om::accept_key_exchange(&f.b, f.bob.id, std::span(&f.bob.spk, 1), f.bob.pks, *x);
    REQUIRE(step);
    auto acc = f.commit_into(f.b, std::move(*step));
    CHECK(acc.key_material == km);
    CHECK(acc.consumed_prekey_id == x->prekey_id);
    CHECK(f.b.exchange.base_key == x->base_key);
    // The healed session works both ways.
    CHECK(f.receive(fresh, f.send(f.b, km)) == km);
    // A replayed key exchange whose pre-key is gone builds nothing.
    std::erase_if(f.bob.pks, [&](const om::prekey& p) { return p.id == x->prekey_id; });
    CHECK(om::accept_key_exchange(nullptr, f.bob.id, std::span(&f.bob.spk, 1), f.bob.pks, *x)
              .error() == om::oldmemo_error::unknown_prekey);
    // On the session it built, the same exchange (whatever spelling of its
    // base key) is a replay.
    om::key_exchange respelled = *x;
    respelled.base_key[31] |= 0x80;
    CHECK(om::builds_same_session(f.b, respelled));
    CHECK(om::accept_key_exchange(&f.b, f.bob.id, std::span(&f.bob.spk, 1), f.bob.pks, respelled)
              .error() == ratchet::ratchet_error::duplicate_message);
    // An active session never takes a key exchange as its own.
    CHECK_FALSE(om::builds_same_session(fresh, *x));
}

TEST_CASE("oldmemo session: stored form", "[protocols][oldmemo][session]") {
    pair_fixture f;
    f.start();
    (void)f.receive(f.b, f.send(f.a, f.material()));
    for (const om::session* s : {&f.a, &f.b}) {
        const auto stored = om::serialize(*s);
        auto back = om::parse_session(stored.view());
        REQUIRE(back);
        CHECK(*back == *s);
        CHECK(om::serialize(*back) == stored);
        // Cut anywhere: refused.
        for (std::size_t n = 0; n < stored.size(); n += 7)
            CHECK_FALSE(om::parse_session(stored.view().first(n)));
    }
    namespace sf = om::detail::session_form;
    const auto stored = om::serialize(f.a);
    auto w = codec::protobuf::decode<sf::stored>(stored.view());
    REQUIRE(w);
    const auto reencode = [](const sf::stored& x) { return codec::protobuf::encode(x); };
    auto v = *w;
    v.label = "signal_v3";
    CHECK(om::parse_session(reencode(v)).error() == om::oldmemo_error::unsupported_session);
    v = *w;
    v.format = 2;
    CHECK(om::parse_session(reencode(v)).error() == om::oldmemo_error::unsupported_session);
    v = *w;
    v.initiation = 3;
    CHECK(om::parse_session(reencode(v)).error() == om::oldmemo_error::bad_session);
    v = *w;
    v.exchange_identity = v.remote_identity; // Alice initiated: the exchange is hers
    CHECK(om::parse_session(reencode(v)).error() == om::oldmemo_error::bad_session);
    v = *w;
    v.ratchet.resize(v.ratchet.size() / 2);
    CHECK(om::parse_session(reencode(v)).error() == om::oldmemo_error::bad_session);
    CHECK(om::parse_session(bytes{0xff, 0xff}).error() == om::oldmemo_error::bad_session);
}
