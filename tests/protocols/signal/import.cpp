#include <e2ekit/protocols/signal/import.hpp>

#include <catch2/catch.hpp>

#include "../../support/signal_import_records.hpp"

#include <functional>
#include <string>
#include <vector>

using namespace e2ekit;
namespace sig = e2ekit::protocols::signal;
namespace cf = e2ekit::test::signal_c_form;

namespace {

using spk_t = identity::signed_prekey<sig::x3dh_params>;
using otk_t = identity::one_time_prekey<sig::x3dh_params>;

/// Alice and Bob in e2ekit, with messages held back so that their states
/// hold receiver chains with skipped keys. The real libsignal-protocol-c
/// records are in tests/interop/signal_v3_import; here e2ekit's own states,
/// written in libsignal-protocol-c's form, make the round trips and the
/// damaged input.
struct pair_fixture {
    testing::deterministic_random rng{31};
    sig::key_pair alice_id = crypto::x25519::generate(rng);
    sig::key_pair bob_id = crypto::x25519::generate(rng);
    spk_t spk = spk_t::generate(bob_id, 6, 1700000000000, rng);
    std::vector<otk_t> otks = otk_t::generate(1, 1, rng);
    sig::session_state alice;
    sig::session_state bob;
    std::vector<sig::outgoing> held_for_bob, held_for_alice;

    template <class Step>
    static auto commit_into(sig::session_state& into, Step step) {
        auto out = std::move(step).commit([&](const sig::session_state& s) {
            into = s.clone();
            return ok();
        });
        REQUIRE(out);
        return std::move(*out);
    }
    sig::outgoing send(sig::session_state& from, std::string_view text) {
        auto e = sig::encrypt(from, as_bytes(text), rng);
        REQUIRE(e);
        return commit_into(from, std::move(*e));
    }
    static std::string receive(sig::session_state& to, const sig::outgoing& m) {
        if (m.type == sig::message_type::prekey) {
            auto p = sig::parse_prekey_signal_message(m.body);
            REQUIRE(p);
            auto d = sig::decrypt(to, p->message);
            REQUIRE(d);
            return std::string(as_chars(commit_into(to, std::move(*d)).view()));
        }
        auto d = sig::decrypt(to, m.body);
        REQUIRE(d);
        return std::string(as_chars(commit_into(to, std::move(*d)).view()));
    }

    pair_fixture() {
        auto a =
            sig::initiate(alice_id, 11, identity::make_bundle(bob_id, 22, 1, spk, &otks[0]), rng);
        REQUIRE(a);
        alice = std::move(*a);
        auto first = send(alice, "hello");
        auto m = sig::parse_prekey_signal_message(first.body);
        REQUIRE(m);
        auto d = sig::accept({bob_id, 22, spk.keys, &otks[0].keys}, *m);
        REQUIRE(d);
        commit_into(bob, std::move(*d));
        // Three chains each way, the second and third message of each held
        // back.
        for (int round = 0; round < 3; ++round) {
            for (int i = 0; i < 5; ++i) {
                auto out = send(bob, "to alice " + std::to_string(round) + "." + std::to_string(i));
                if (i % 2)
                    held_for_alice.push_back(std::move(out));
                else
                    receive(alice, out);
            }
            for (int i = 0; i < 5; ++i) {
                auto out = send(alice, "to bob " + std::to_string(round) + "." + std::to_string(i));
                if (i % 2)
                    held_for_bob.push_back(std::move(out));
                else
                    receive(bob, out);
            }
        }
        // Bob answers last: his next send needs no new ratchet key, which
        // is the form libsignal-protocol-c stores.
        receive(alice, send(bob, "last"));
        send(alice, "unanswered");
    }
};

bool same_record(const sig::session_record& a, const sig::session_record& b) {
    return a == b;
}

/// Whatever the error, it is one of import_error's.
bool typed(const std::error_code& e) {
    return &e.category() == &category_of<sig::import_error>();
}

template <class T>
std::error_code error_of(const result<T>& r) {
    REQUIRE_FALSE(r);
    return r.error();
}

} // namespace

TEST_CASE("signal import: libsignal-protocol-c's form of a state comes back as the state",
          "[protocols][signal][import]") {
    pair_fixture f;
    REQUIRE(f.bob.ratchet.receivers.size() >= 3);
    REQUIRE(f.bob.ratchet.receivers.front().skipped.size() == 0);
    REQUIRE_FALSE(f.bob.ratchet.receivers.back().skipped.empty());

    for (const sig::session_state* s : {&f.bob, &f.alice}) {
        auto imported = sig::import_session_state(cf::encode(cf::from_state(*s)));
        REQUIRE(imported);
        CHECK(*imported == *s);
        // e2ekit's own stored form takes it as it is.
        auto stored = sig::double_ratchet::serialize(imported->ratchet);
        auto back = sig::double_ratchet::parse(stored.view());
        REQUIRE(back);
        CHECK(*back == s->ratchet);
    }

    // The imported Bob reads what he had missed (stored message keys) and
    // goes on talking.
    auto bob = sig::import_session_state(cf::encode(cf::from_state(f.bob)));
    REQUIRE(bob);
    for (const auto& m : f.held_for_bob)
        CHECK(pair_fixture::receive(*bob, m).rfind("to bob", 0) == 0);
    for (const auto& m : f.held_for_alice)
        CHECK(pair_fixture::receive(f.alice, m).rfind("to alice", 0) == 0);
    CHECK(pair_fixture::receive(f.alice, f.send(*bob, "after import")) == "after import");
    CHECK(pair_fixture::receive(*bob, f.send(f.alice, "and back")) == "and back");
}

TEST_CASE("signal import: an initiator's unacknowledged pre-key message survives",
          "[protocols][signal][import]") {
    testing::deterministic_random rng{3};
    const auto alice_id = crypto::x25519::generate(rng);
    const auto bob_id = crypto::x25519::generate(rng);
    const auto spk = spk_t::generate(bob_id, 0x7fffff01, 0, rng);
    auto a = sig::initiate(alice_id, 5, identity::make_bundle(bob_id, 6, 1, spk), rng);
    REQUIRE(a);
    auto e = sig::encrypt(*a, as_bytes(std::string_view("first")), rng);
    REQUIRE(e);
    sig::session_state alice;
    (void)std::move(*e).commit([&](const sig::session_state& s) {
        alice = s.clone();
        return ok();
    });
    REQUIRE(alice.unacknowledged);
    CHECK_FALSE(alice.unacknowledged->prekey_id);

    auto imported = sig::import_session_state(cf::encode(cf::from_state(alice)));
    REQUIRE(imported);
    CHECK(*imported == alice);

    // libsignal-protocol-c writes the signed pre-key id as an int32: ids
    // above 2^31 - 1 arrive sign-extended.
    auto form = cf::from_state(alice);
    form.pending_prekey->signed_prekey_id = -5;
    auto negative = sig::import_session_state(cf::encode(form));
    REQUIRE(negative);
    CHECK(negative->unacknowledged->signed_prekey_id == 0xFFFFFFFBu);
}

TEST_CASE("signal import: records keep their archived states, newest first",
          "[protocols][signal][import]") {
    pair_fixture f, g;
    sig::session_record r;
    r.current = f.bob.clone();
    r.archived.push_back(std::make_shared<const sig::session_state>(g.bob.clone()));
    r.archived.push_back(std::make_shared<const sig::session_state>(g.alice.clone()));
    const auto form = cf::from_record(r);
    auto imported = sig::import_session_record(cf::encode(form));
    REQUIRE(imported);
    CHECK(same_record(*imported, r));
    auto stored = sig::serialize(*imported);
    auto back = sig::parse(stored.view());
    REQUIRE(back);
    CHECK(same_record(*back, r));

    SECTION("a blank current state (archive_current_state) is no current state") {
        auto blank = form;
        blank.current = cf::blank();
        auto b = sig::import_session_record(cf::encode(blank));
        REQUIRE(b);
        CHECK_FALSE(b->current);
        CHECK(b->archived.size() == 2);
        CHECK(error_of(sig::import_session_state(cf::encode(cf::blank()))) ==
              sig::import_error::missing_field);
    }
    SECTION("blank archived states are skipped") {
        auto blank = form;
        blank.previous.insert(blank.previous.begin(), cf::blank());
        auto b = sig::import_session_record(cf::encode(blank));
        REQUIRE(b);
        CHECK(same_record(*b, r));
    }
    SECTION("no state at all is an empty record") {
        auto b = sig::import_session_record({});
        REQUIRE(b);
        CHECK_FALSE(b->current);
        CHECK(b->archived.empty());
    }
    SECTION("at most 40 archived states") {
        auto many = form;
        many.previous.resize(sig::max_archived_states, form.previous[0]);
        auto ok40 = sig::import_session_record(cf::encode(many));
        REQUIRE(ok40);
        CHECK(ok40->archived.size() == sig::max_archived_states);
        many.previous.push_back(form.previous[0]);
        CHECK(error_of(sig::import_session_record(cf::encode(many))) ==
              sig::import_error::limit_exceeded);
    }
}

TEST_CASE("signal import: truncated input is a typed error", "[protocols][signal][import]") {
    pair_fixture f;
    const bytes state = cf::encode(cf::from_state(f.bob));
    // aliceBaseKey is the last field libsignal-protocol-c writes and is
    // required: every proper prefix fails.
    for (std::size_t n = 0; n < state.size(); ++n) {
        auto r = sig::import_session_state(bytes_view(state).first(n));
        REQUIRE_FALSE(r);
        REQUIRE(typed(r.error()));
    }
    // A record has no end marker: a cut between two states is a record
    // with fewer archived states; any other cut fails.
    sig::session_record rec;
    rec.current = f.bob.clone();
    rec.archived.push_back(std::make_shared<const sig::session_state>(f.alice.clone()));
    rec.archived.push_back(std::make_shared<const sig::session_state>(f.bob.clone()));
    const bytes whole = cf::encode(cf::from_record(rec));
    std::size_t shorter = 0;
    for (std::size_t n = 0; n < whole.size(); ++n) {
        auto r = sig::import_session_record(bytes_view(whole).first(n));
        if (r) {
            ++shorter;
            REQUIRE(r->archived.size() < rec.archived.size());
        } else {
            REQUIRE(typed(r.error()));
        }
    }
    CHECK(shorter == 3); // nothing, the current state, and one archived

    // One bit flipped anywhere: a typed error, or a state that is still
    // whole (a flipped key or counter), which e2ekit's stored form keeps.
    std::size_t still_whole = 0;
    for (std::size_t i = 0; i < state.size(); ++i) {
        bytes flipped = state;
        flipped[i] ^= static_cast<byte>(1u << (i % 8));
        auto r = sig::import_session_state(flipped);
        if (!r) {
            REQUIRE(typed(r.error()));
            continue;
        }
        ++still_whole;
        auto stored = sig::double_ratchet::serialize(r->ratchet);
        REQUIRE(sig::double_ratchet::parse(stored.view()));
    }
    CHECK(still_whole > 0);
}

TEST_CASE("signal import: bad session states", "[protocols][signal][import]") {
    pair_fixture f;
    const cf::session good = cf::from_state(f.bob);
    REQUIRE(sig::import_session_state(cf::encode(good)));
    using E = sig::import_error;
    const auto with = [&](const std::function<void(cf::session&)>& damage) {
        cf::session s = good;
        damage(s);
        return sig::import_session_state(cf::encode(s));
    };

    SECTION("versions other than 3") {
        CHECK(error_of(with([](auto& s) { s.version = 2; })) == E::unsupported_version);
        CHECK(error_of(with([](auto& s) { s.version = 4; })) == E::unsupported_version);
        CHECK(error_of(with([](auto& s) { s.version.reset(); })) == E::missing_field);
        // In a record, a version 2 state fails the whole import.
        cf::record r{good, {good}};
        r.previous[0].version = 2;
        CHECK(error_of(sig::import_session_record(cf::encode(r))) == E::unsupported_version);
    }
    SECTION("wrong sizes and key types") {
        CHECK(error_of(with([](auto& s) { s.root->pop_back(); })) == E::bad_size);
        CHECK(error_of(with([](auto& s) { s.root->push_back(0); })) == E::bad_size);
        CHECK(error_of(with([](auto& s) { s.local_identity->erase(s.local_identity->begin()); })) ==
              E::bad_size);
        CHECK(error_of(with([](auto& s) { (*s.remote_identity)[0] = 0x06; })) == E::invalid_key);
        CHECK(error_of(with([](auto& s) { (*s.alice_base_key)[0] = 0x00; })) == E::invalid_key);
        CHECK(error_of(with([](auto& s) { s.sender->ratchet_private->pop_back(); })) ==
              E::bad_size);
        CHECK(error_of(with([](auto& s) { s.sender->chain_key->key->push_back(1); })) ==
              E::bad_size);
        CHECK(error_of(with([](auto& s) { s.receivers[0].chain_key->key->clear(); })) ==
              E::bad_size);
        CHECK(error_of(with([](auto& s) { s.receivers.back().message_keys[0].iv->pop_back(); })) ==
              E::bad_size);
        CHECK(error_of(with([](auto& s) {
                  s.receivers.back().message_keys[0].cipher_key->push_back(0);
              })) == E::bad_size);
        CHECK(error_of(with([](auto& s) {
                  s.receivers.back().message_keys[0].mac_key->clear();
              })) == E::bad_size);
        CHECK(error_of(with([](auto& s) { s.receivers[0].ratchet_key->resize(32); })) ==
              E::bad_size);
    }
    SECTION("missing parts") {
        CHECK(error_of(with([](auto& s) { s.root.reset(); })) == E::missing_field);
        CHECK(error_of(with([](auto& s) { s.local_identity.reset(); })) == E::missing_field);
        CHECK(error_of(with([](auto& s) { s.remote_identity.reset(); })) == E::missing_field);
        CHECK(error_of(with([](auto& s) { s.alice_base_key.reset(); })) == E::missing_field);
        CHECK(error_of(with([](auto& s) { s.sender.reset(); })) == E::missing_field);
        CHECK(error_of(with([](auto& s) { s.sender->ratchet_private.reset(); })) ==
              E::missing_field);
        CHECK(error_of(with([](auto& s) { s.sender->ratchet_key.reset(); })) == E::missing_field);
        CHECK(error_of(with([](auto& s) { s.sender->chain_key->index.reset(); })) ==
              E::missing_field);
        CHECK(error_of(with([](auto& s) { s.receivers[0].chain_key.reset(); })) ==
              E::missing_field);
        CHECK(error_of(with([](auto& s) { s.receivers[0].ratchet_key.reset(); })) ==
              E::missing_field);
        CHECK(error_of(with([](auto& s) { s.receivers.back().message_keys[0].index.reset(); })) ==
              E::missing_field);
        CHECK(error_of(with([](auto& s) {
                  s.pending_prekey = cf::pending_prekey{1, s.alice_base_key, std::nullopt};
              })) == E::missing_field);
        // What libsignal-protocol-c always writes but the import can do without.
        auto lean = with([](auto& s) {
            s.previous_counter.reset();
            s.needs_refresh.reset();
        });
        CHECK(lean);
    }
    SECTION("a private key that is not the public key's") {
        CHECK(error_of(with([&](auto& s) {
                  s.sender->ratchet_private = cf::raw(f.alice_id.priv.view());
              })) == E::key_mismatch);
    }
    SECTION("a pending key exchange") {
        CHECK(error_of(with([](auto& s) {
                  s.pending_key_exchange = bytes{0x08, 0x01};
              })) == E::unsupported_state);
    }
    SECTION("bounds libsignal-protocol-c keeps") {
        CHECK(error_of(with([](auto& s) {
                  while (s.receivers.size() <= sig::ratchet_params::limits.max_receiver_chains) {
                      auto c = s.receivers[0];
                      (*c.ratchet_key)[1] ^= static_cast<byte>(s.receivers.size());
                      s.receivers.push_back(c);
                  }
              })) == E::limit_exceeded);
        CHECK(error_of(with([](auto& s) {
                  auto& c = s.receivers.back();
                  const auto k = c.message_keys[0];
                  c.message_keys.clear();
                  c.chain_key->index = 5000;
                  for (std::uint32_t i = 0;
                       i <= sig::ratchet_params::limits.max_skipped_keys_per_chain; ++i) {
                      c.message_keys.push_back(k);
                      c.message_keys.back().index = i;
                  }
              })) == E::limit_exceeded);
    }
    SECTION("parts that contradict each other") {
        CHECK(error_of(with([](auto& s) {
                  auto& k = s.receivers.back().message_keys;
                  REQUIRE(k.size() >= 2);
                  std::swap(k[0], k[1]);
              })) == E::inconsistent);
        CHECK(error_of(with([](auto& s) {
                  auto& c = s.receivers.back();
                  c.message_keys.back().index = *c.chain_key->index;
              })) == E::inconsistent);
        CHECK(error_of(with([](auto& s) {
                  auto& k = s.receivers.back().message_keys;
                  k.push_back(k.back());
              })) == E::inconsistent);
        CHECK(error_of(with([](auto& s) { s.receivers.push_back(s.receivers[0]); })) ==
              E::inconsistent);
        CHECK(error_of(with([](auto& s) {
                  s.receivers[0].ratchet_private = s.sender->ratchet_private;
              })) == E::inconsistent);
        CHECK(error_of(with([](auto& s) {
                  s.sender->message_keys.push_back(s.receivers.back().message_keys[0]);
              })) == E::inconsistent);
        CHECK(error_of(with([](auto& s) {
                  s.pending_prekey = cf::pending_prekey{1, s.local_identity, 2};
              })) == E::inconsistent);
    }
    SECTION("not the protobuf libsignal-protocol-c writes") {
        bytes twice = cf::encode(good);
        {
            codec::protobuf::writer w{codec::protobuf::vector_sink(twice)};
            w.add_uint32(1, 3);
        }
        CHECK(error_of(sig::import_session_state(twice)) == E::malformed);
        bytes wrong_type;
        {
            codec::protobuf::writer w{codec::protobuf::vector_sink(wrong_type)};
            w.add_bytes(1, bytes{3});
        }
        CHECK(error_of(sig::import_session_state(wrong_type)) == E::malformed);
        CHECK(error_of(sig::import_session_state(bytes{0xff, 0xff, 0xff})) == E::malformed);
        // Unknown fields are skipped, as protobuf does.
        bytes extra = cf::encode(good);
        {
            codec::protobuf::writer w{codec::protobuf::vector_sink(extra)};
            w.add_uint32(99, 7);
        }
        CHECK(sig::import_session_state(extra));
    }
}

TEST_CASE("signal import: pre-keys, signed pre-keys and identity key pairs",
          "[protocols][signal][import]") {
    testing::deterministic_random rng{12};
    const auto id = crypto::x25519::generate(rng);
    const auto spk = spk_t::generate(id, 77, 1700000000123, rng);
    const auto otks = otk_t::generate(0xFFFFFF, 1, rng);
    const auto& otk = otks[0];
    const auto other = crypto::x25519::generate(rng);
    using E = sig::import_error;
    const bytes id_pub = cf::key33(id.pub), id_priv = cf::raw(id.priv.view());

    auto ik = sig::import_identity_key_pair(cf::identity_key_pair(id_pub, id_priv));
    REQUIRE(ik);
    CHECK(ik->pub == id.pub);
    CHECK(ik->priv == id.priv);
    CHECK(error_of(sig::import_identity_key_pair(cf::identity_key_pair(id_pub, std::nullopt))) ==
          E::missing_field);
    CHECK(error_of(sig::import_identity_key_pair(
              cf::identity_key_pair(id_pub, cf::raw(other.priv.view())))) == E::key_mismatch);
    CHECK(error_of(sig::import_identity_key_pair(cf::identity_key_pair(
              bytes(id_pub.begin() + 1, id_pub.end()), id_priv))) == E::bad_size);
    // A private key as X25519 reads it, unclamped bits set: the same key.
    bytes unclamped = id_priv;
    unclamped[0] |= 7;
    unclamped[31] |= 0x80;
    auto clamped = sig::import_identity_key_pair(cf::identity_key_pair(id_pub, unclamped));
    REQUIRE(clamped);
    CHECK(clamped->priv == id.priv);

    const bytes otk_pub = cf::key33(otk.keys.pub), otk_priv = cf::raw(otk.keys.priv.view());
    auto p = sig::import_prekey(cf::prekey(otk.id, otk_pub, otk_priv));
    REQUIRE(p);
    CHECK(p->id == otk.id);
    CHECK(p->keys.pub == otk.keys.pub);
    CHECK(p->keys.priv == otk.keys.priv);
    CHECK(error_of(sig::import_prekey(cf::prekey(std::nullopt, otk_pub, otk_priv))) ==
          E::missing_field);
    CHECK(error_of(sig::import_prekey(cf::prekey(1, otk_pub, id_priv))) == E::key_mismatch);
    CHECK(error_of(sig::import_prekey(cf::prekey(1, otk_pub, bytes(31)))) == E::bad_size);

    const bytes spk_pub = cf::key33(spk.keys.pub), spk_priv = cf::raw(spk.keys.priv.view());
    const bytes sig_bytes(spk.signature.begin(), spk.signature.end());
    auto s = sig::import_signed_prekey(
        cf::signed_prekey(spk.id, spk_pub, spk_priv, sig_bytes, spk.timestamp));
    REQUIRE(s);
    CHECK(s->id == 77);
    CHECK(s->timestamp == spk.timestamp);
    CHECK(s->signature == spk.signature);
    CHECK(s->keys.priv == spk.keys.priv);
    CHECK(s->verify(id.pub));
    CHECK_FALSE(s->verify(other.pub));
    CHECK(error_of(sig::import_signed_prekey(cf::signed_prekey(
              spk.id, spk_pub, spk_priv, std::nullopt, spk.timestamp))) == E::missing_field);
    CHECK(error_of(sig::import_signed_prekey(cf::signed_prekey(
              spk.id, spk_pub, spk_priv, bytes(sig_bytes.begin(), sig_bytes.end() - 1),
              spk.timestamp))) == E::bad_size);
    // The timestamp is a fixed64; as a varint it is another message.
    bytes varint_time = cf::signed_prekey(spk.id, spk_pub, spk_priv, sig_bytes, std::nullopt);
    {
        codec::protobuf::writer w{codec::protobuf::vector_sink(varint_time)};
        w.add_uint64(5, spk.timestamp);
    }
    CHECK(error_of(sig::import_signed_prekey(varint_time)) == E::malformed);

    // Every truncation of each is a typed error.
    const bytes forms[] = {cf::identity_key_pair(id_pub, id_priv),
                           cf::prekey(otk.id, otk_pub, otk_priv),
                           cf::signed_prekey(spk.id, spk_pub, spk_priv, sig_bytes, spk.timestamp)};
    for (const auto& form : forms)
        for (std::size_t n = 0; n < form.size(); ++n) {
            const bytes_view cut = bytes_view(form).first(n);
            const std::error_code errs[] = {
                sig::import_identity_key_pair(cut) ? std::error_code{}
                                                   : sig::import_identity_key_pair(cut).error(),
                sig::import_prekey(cut) ? std::error_code{} : sig::import_prekey(cut).error(),
                sig::import_signed_prekey(cut) ? std::error_code{}
                                               : sig::import_signed_prekey(cut).error()};
            for (const auto& e : errs)
                if (e) REQUIRE(typed(e));
        }
}

TEST_CASE("signal import: error codes", "[protocols][signal][import]") {
    const std::error_code e = sig::import_error::bad_size;
    CHECK(e == condition::malformed_input);
    CHECK(std::error_code(sig::import_error::key_mismatch) == condition::invalid_key);
    CHECK(std::error_code(sig::import_error::unsupported_version) == condition::unsupported);
    CHECK(std::error_code(sig::import_error::limit_exceeded) == condition::limit_exceeded);
    CHECK(std::string(e.category().name()) == "e2ekit.signal.import");
    CHECK_FALSE(e.message().empty());
}
