// libolm 3.2 pickles read by e2ekit (protocols/libolm/pickle.hpp). libolm
// makes an account with one-time and fallback keys, Olm sessions that have
// sent, received and skipped messages, and Megolm outbound and inbound group
// sessions (one imported at a later index); it pickles each under a pickle
// key, and every field e2ekit reads is checked against what libolm's own
// API says of the object: identity keys, one-time and fallback keys, session
// ids, ratchets (against libolm's session keys and exports), indexes and the
// verified flag. Wrong keys, damaged and truncated pickles, and pickles of
// another kind fail with typed errors. E2EKIT_SEED=<n> replays a run.
#include <e2ekit/protocols/libolm/pickle.hpp>

#include <tests/support/expect.hpp>

#include <e2ekit/protocols/libolm/import.hpp>
#include <e2ekit/protocols/olm/account.hpp>

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/crypto/ed25519.hpp>
#include <e2ekit/crypto/sha2.hpp>

#include <nlohmann/json.hpp>
#include <olm/inbound_group_session.h>
#include <olm/olm.h>
#include <olm/outbound_group_session.h>
#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

using namespace e2ekit;
namespace lo = e2ekit::protocols::libolm;
namespace olm = e2ekit::protocols::olm;

namespace {

testing::deterministic_random* rng = nullptr;

std::vector<std::uint8_t> random_bytes(std::size_t n) {
    std::vector<std::uint8_t> out(n);
    rng->fill(out);
    return out;
}

void check_olm(std::size_t r, const char* what) {
    if (r == olm_error()) {
        std::fprintf(stderr, "libolm: %s failed\n", what);
        std::exit(1);
    }
}

std::string b64(bytes_view b) {
    return codec::base64::encode<codec::base64::standard_unpadded>(b);
}

bytes unb64(const std::string& s) {
    return codec::base64::decode<codec::base64::standard_unpadded>(s).value();
}

struct account {
    std::vector<std::uint8_t> mem;
    OlmAccount* a;
    account() : mem(olm_account_size()), a(olm_account(mem.data())) {
        auto r = random_bytes(olm_create_account_random_length(a));
        check_olm(olm_create_account(a, r.data(), r.size()), "create account");
    }
    nlohmann::json identity() {
        std::string s(olm_account_identity_keys_length(a), '\0');
        check_olm(olm_account_identity_keys(a, s.data(), s.size()), "identity keys");
        return nlohmann::json::parse(s);
    }
    nlohmann::json one_time_keys() {
        std::string s(olm_account_one_time_keys_length(a), '\0');
        check_olm(olm_account_one_time_keys(a, s.data(), s.size()), "one-time keys");
        return nlohmann::json::parse(s);
    }
    nlohmann::json fallback() {
        std::string s(olm_account_unpublished_fallback_key_length(a), '\0');
        check_olm(olm_account_unpublished_fallback_key(a, s.data(), s.size()), "fallback key");
        return nlohmann::json::parse(s);
    }
    void generate(std::size_t n) {
        auto r = random_bytes(olm_account_generate_one_time_keys_random_length(a, n));
        check_olm(olm_account_generate_one_time_keys(a, n, r.data(), r.size()), "generate");
    }
    void generate_fallback() {
        auto r = random_bytes(olm_account_generate_fallback_key_random_length(a));
        check_olm(olm_account_generate_fallback_key(a, r.data(), r.size()), "fallback");
    }
    std::string pickle(const std::string& key) {
        std::string out(olm_pickle_account_length(a), '\0');
        check_olm(olm_pickle_account(a, key.data(), key.size(), out.data(), out.size()), "pickle");
        return out;
    }
    std::string curve() { return identity()["curve25519"]; }
};

struct session {
    std::vector<std::uint8_t> mem;
    OlmSession* s;
    session() : mem(olm_session_size()), s(olm_session(mem.data())) {}
    std::pair<std::size_t, std::string> encrypt(const std::string& pt) {
        const std::size_t type = olm_encrypt_message_type(s);
        auto r = random_bytes(olm_encrypt_random_length(s));
        std::string m(olm_encrypt_message_length(s, pt.size()), '\0');
        check_olm(olm_encrypt(s, pt.data(), pt.size(), r.data(), r.size(), m.data(), m.size()),
                  "encrypt");
        return {type, m};
    }
    std::string decrypt(std::size_t type, std::string m) {
        std::string copy = m;
        const std::size_t max = olm_decrypt_max_plaintext_length(s, type, copy.data(), copy.size());
        check_olm(max, "decrypt length");
        std::string pt(max, '\0');
        const std::size_t n = olm_decrypt(s, type, m.data(), m.size(), pt.data(), pt.size());
        check_olm(n, "decrypt");
        pt.resize(n);
        return pt;
    }
    std::string id() {
        std::string out(olm_session_id_length(s), '\0');
        check_olm(olm_session_id(s, out.data(), out.size()), "session id");
        return out;
    }
    std::string pickle(const std::string& key) {
        std::string out(olm_pickle_session_length(s), '\0');
        check_olm(olm_pickle_session(s, key.data(), key.size(), out.data(), out.size()), "pickle");
        return out;
    }
    static session from_pickle(std::string p, const std::string& key) {
        session r;
        check_olm(olm_unpickle_session(r.s, key.data(), key.size(), p.data(), p.size()),
                  "unpickle");
        return r;
    }
};

/// e2ekit's side of a conversation: an imported session, stepped in memory.
struct e2e_side {
    olm::session_state st;
    std::pair<std::size_t, std::string> encrypt(const std::string& pt) {
        auto [next, out] = olm::encrypt(st, as_bytes(pt), *rng).value().split();
        st = std::move(next);
        return {static_cast<std::size_t>(out.type), std::string(as_chars(out.body))};
    }
    std::string decrypt(const std::pair<std::size_t, std::string>& m) {
        auto step = olm::decrypt(st, static_cast<olm::message_type>(m.first), as_bytes(m.second));
        if (!step) {
            std::fprintf(stderr, "e2ekit decrypt: %s\n", step.error().message().c_str());
            ++test::expect_failures();
            return {};
        }
        auto [next, pt] = std::move(*step).split();
        st = std::move(next);
        return std::string(as_chars(pt.view()));
    }
};

std::string raw_of(const std::pair<std::size_t, std::string>& m) {
    // libolm's API speaks base64; e2ekit's session the raw wire bytes.
    return std::string(as_chars(unb64(m.second)));
}

void test_account(const std::string& key) {
    account acc;
    acc.generate(5);
    acc.generate_fallback();
    const auto first_fallback = acc.fallback();
    olm_account_mark_keys_as_published(acc.a);
    acc.generate(3); // unpublished
    acc.generate_fallback();
    const auto otks = acc.one_time_keys()["curve25519"];
    const auto second_fallback = acc.fallback()["curve25519"];
    const auto id = acc.identity();

    auto a = lo::parse_account(acc.pickle(key), as_bytes(key));
    if (!a) {
        std::fprintf(stderr, "account: %s\n", a.error().message().c_str());
        ++test::expect_failures();
        return;
    }
    E2EKIT_EXPECT(a->version == 4);
    E2EKIT_EXPECT(b64(a->identity.public_key) == id["curve25519"]);
    E2EKIT_EXPECT(b64(a->signing.public_key) == id["ed25519"]);
    // The private halves belong to the public ones.
    byte_array<32> pub;
    crypto_scalarmult_curve25519_base(pub.data(), a->identity.private_key.data());
    E2EKIT_EXPECT(pub == a->identity.public_key);
    byte_array<32> scalar;
    std::copy_n(a->signing.private_key.data(), 32, scalar.begin());
    byte_array<32> edpub;
    E2EKIT_EXPECT(crypto_scalarmult_ed25519_base_noclamp(edpub.data(), scalar.data()) == 0);
    E2EKIT_EXPECT(edpub == a->signing.public_key);
    // The expanded key signs as libolm signs with it (Ed25519 is deterministic).
    {
        const crypto::ed25519::expanded_key ex(a->signing.private_key.view());
        E2EKIT_EXPECT(crypto::ed25519::public_from_expanded(ex).value() == a->signing.public_key);
        const std::string msg = "{\"device_id\":\"E2EKIT\"}";
        std::string sig(olm_account_signature_length(acc.a), '\0');
        check_olm(olm_account_sign(acc.a, msg.data(), msg.size(), sig.data(), sig.size()), "sign");
        E2EKIT_EXPECT(
            sig == b64(crypto::ed25519::sign_expanded(ex, a->signing.public_key, as_bytes(msg))));
    }
    // 8 one-time keys, 5 published; the unpublished ones are libolm's list.
    E2EKIT_EXPECT(a->one_time_keys.size() == 8);
    std::size_t unpublished = 0;
    for (const auto& k : a->one_time_keys) {
        crypto_scalarmult_curve25519_base(pub.data(), k.key.private_key.data());
        E2EKIT_EXPECT(pub == k.key.public_key);
        if (k.published) continue;
        ++unpublished;
        const byte id_be[4] = {static_cast<byte>(k.id >> 24), static_cast<byte>(k.id >> 16),
                               static_cast<byte>(k.id >> 8), static_cast<byte>(k.id)};
        const std::string name = b64(bytes_view(id_be, 4));
        E2EKIT_EXPECT(otks.contains(name) && otks[name] == b64(k.key.public_key));
    }
    E2EKIT_EXPECT(unpublished == 3);
    // Both fallback keys: the current one unpublished, the previous one the first.
    E2EKIT_EXPECT(a->fallback && a->previous_fallback);
    if (a->fallback && a->previous_fallback) {
        E2EKIT_EXPECT(!a->fallback->published && a->previous_fallback->published);
        E2EKIT_EXPECT(second_fallback.size() == 1 &&
                      second_fallback.begin().value() == b64(a->fallback->key.public_key));
        E2EKIT_EXPECT(first_fallback["curve25519"].begin().value() ==
                      b64(a->previous_fallback->key.public_key));
    }
    // libolm numbers keys from the counter it keeps: the newest key has its value.
    E2EKIT_EXPECT(a->fallback && a->next_key_id == a->fallback->id);

    // Imported, the account signs, lists its keys and takes sessions as libolm's did.
    auto imported = lo::import_account(acc.pickle(key), as_bytes(key));
    E2EKIT_EXPECT(imported.has_value());
    if (imported) {
        E2EKIT_EXPECT(b64(imported->curve25519_key()) == id["curve25519"]);
        E2EKIT_EXPECT(b64(imported->ed25519_key()) == id["ed25519"]);
        const std::string msg = "signed by a migrated account";
        std::string sig(olm_account_signature_length(acc.a), '\0');
        check_olm(olm_account_sign(acc.a, msg.data(), msg.size(), sig.data(), sig.size()), "sign");
        E2EKIT_EXPECT(b64(imported->sign(as_bytes(msg))) == sig);
        const auto listed = imported->one_time_keys();
        E2EKIT_EXPECT(listed.size() == otks.size());
        for (const auto& k : listed)
            E2EKIT_EXPECT(otks.contains(olm::key_id_string(k.id)) &&
                          otks[olm::key_id_string(k.id)] == b64(k.key));
        E2EKIT_EXPECT(imported->unpublished_fallback_key() &&
                      b64(imported->unpublished_fallback_key()->key) ==
                          second_fallback.begin().value());
        // A libolm peer starts sessions on one of those one-time keys and on
        // the fallback key; the imported account answers both.
        for (const std::string& target : {otks.begin().value().get<std::string>(),
                                          second_fallback.begin().value().get<std::string>()}) {
            account carol;
            session out;
            const std::string curve = id["curve25519"];
            auto r = random_bytes(olm_create_outbound_session_random_length(out.s));
            check_olm(olm_create_outbound_session(out.s, carol.a, curve.data(), curve.size(),
                                                  target.data(), target.size(), r.data(), r.size()),
                      "outbound to the migrated account");
            auto m = out.encrypt("to a migrated account");
            auto step = imported->create_inbound(unb64(m.second));
            E2EKIT_EXPECT(step.has_value());
            if (step) {
                auto [st, pt] = std::move(*step).split();
                E2EKIT_EXPECT(std::string(as_chars(pt.view())) == "to a migrated account");
                // The one-time key is used up; the fallback key stays.
                E2EKIT_EXPECT(st.account.one_time_key_count() +
                                  (target == otks.begin().value() ? 1 : 0) ==
                              imported->one_time_key_count());
            }
        }
        // The stored form keeps the expanded key and reads back equal.
        auto again = olm::account::parse(imported->serialize().view());
        E2EKIT_EXPECT(again.has_value() && *again == *imported);
    }

    // Bad input.
    const std::string p = acc.pickle(key);
    E2EKIT_EXPECT(lo::parse_account(p, as_bytes(key + "x")).error() ==
                  lo::pickle_error::authentication_failed);
    std::string damaged = p;
    damaged[damaged.size() / 2] = damaged[damaged.size() / 2] == 'A' ? 'B' : 'A';
    E2EKIT_EXPECT(lo::parse_account(damaged, as_bytes(key)).error() ==
                  lo::pickle_error::authentication_failed);
    // Cut short: whole blocks gone (the MAC no longer matches), or a cut
    // through base64 (non-canonical tail bits).
    const bytes raw = unb64(p);
    E2EKIT_EXPECT(
        lo::parse_account(b64(bytes_view(raw).first(raw.size() - 16)), as_bytes(key)).error() ==
        lo::pickle_error::authentication_failed);
    for (std::size_t cut = 1; cut < 6; ++cut)
        E2EKIT_EXPECT(!lo::parse_account(p.substr(0, p.size() - cut), as_bytes(key)));
    E2EKIT_EXPECT(lo::parse_account(p + "!", as_bytes(key)).error() == lo::pickle_error::malformed);
    E2EKIT_EXPECT(lo::parse_session(p, as_bytes(key)).error() == lo::pickle_error::unknown_version);
}

void test_session(const std::string& key) {
    account alice, bob;
    bob.generate(1);
    const std::string otk = bob.one_time_keys()["curve25519"].begin().value();
    olm_account_mark_keys_as_published(bob.a);
    const std::string bob_curve = bob.curve();

    session out;
    auto r = random_bytes(olm_create_outbound_session_random_length(out.s));
    check_olm(olm_create_outbound_session(out.s, alice.a, bob_curve.data(), bob_curve.size(),
                                          otk.data(), otk.size(), r.data(), r.size()),
              "outbound session");
    auto first = out.encrypt("hello bob");
    session in;
    std::string m = first.second;
    check_olm(olm_create_inbound_session(in.s, bob.a, m.data(), m.size()), "inbound session");
    E2EKIT_EXPECT(in.decrypt(first.first, first.second) == "hello bob");
    // Bob answers; Alice reads one of three, so two keys are skipped.
    auto b1 = in.encrypt("one");
    auto b2 = in.encrypt("two");
    auto b3 = in.encrypt("three");
    E2EKIT_EXPECT(out.decrypt(b3.first, b3.second) == "three");
    (void)b1;
    (void)b2;

    // Both sides as they stand, pickled; each is then imported into e2ekit and
    // goes on talking with a libolm copy of the other.
    const std::string alice_pickle = out.pickle(key), bob_pickle = in.pickle(key);
    {
        auto imported = lo::import_session(alice_pickle, as_bytes(key));
        E2EKIT_EXPECT(imported.has_value());
        if (imported) {
            e2e_side alice_e2e{std::move(*imported)};
            session bob_olm = session::from_pickle(bob_pickle, key);
            auto to_raw = [](std::pair<std::size_t, std::string> m) {
                return std::pair<std::size_t, std::string>{m.first, raw_of(m)};
            };
            // The two messages libolm skipped, then new ones both ways.
            E2EKIT_EXPECT(alice_e2e.decrypt(to_raw(b2)) == "two");
            E2EKIT_EXPECT(alice_e2e.decrypt(to_raw(b1)) == "one");
            E2EKIT_EXPECT(alice_e2e.decrypt(to_raw(bob_olm.encrypt("four"))) == "four");
            for (int round = 0; round < 5; ++round) {
                auto m = alice_e2e.encrypt("from e2ekit " + std::to_string(round));
                E2EKIT_EXPECT(m.first == 1);
                E2EKIT_EXPECT(bob_olm.decrypt(m.first, b64(as_bytes(m.second))) ==
                              "from e2ekit " + std::to_string(round));
                auto r1 = bob_olm.encrypt("reply a");
                auto r2 = bob_olm.encrypt("reply b");
                E2EKIT_EXPECT(alice_e2e.decrypt(to_raw(r2)) == "reply b");
                E2EKIT_EXPECT(alice_e2e.decrypt(to_raw(r1)) == "reply a");
            }
        }
    }
    {
        auto imported = lo::import_session(bob_pickle, as_bytes(key));
        E2EKIT_EXPECT(imported.has_value());
        if (imported) {
            e2e_side bob_e2e{std::move(*imported)};
            session alice_olm = session::from_pickle(alice_pickle, key);
            for (int round = 0; round < 5; ++round) {
                auto m = bob_e2e.encrypt("bob on e2ekit " + std::to_string(round));
                E2EKIT_EXPECT(alice_olm.decrypt(m.first, b64(as_bytes(m.second))) ==
                              "bob on e2ekit " + std::to_string(round));
                auto r = alice_olm.encrypt("alice on libolm");
                E2EKIT_EXPECT(bob_e2e.decrypt({r.first, raw_of(r)}) == "alice on libolm");
            }
        }
    }

    for (session* s : {&out, &in}) {
        auto parsed = lo::parse_session(s->pickle(key), as_bytes(key));
        if (!parsed) {
            std::fprintf(stderr, "session: %s\n", parsed.error().message().c_str());
            ++test::expect_failures();
            continue;
        }
        // The session id is SHA-256 over the three keys, as libolm makes it.
        byte_array<32> digest;
        crypto::sha256::hash(digest, concat(parsed->alice_identity_key, parsed->alice_base_key,
                                            parsed->bob_one_time_key));
        E2EKIT_EXPECT(b64(digest) == s->id());
        E2EKIT_EXPECT(b64(parsed->alice_identity_key) == alice.curve());
        E2EKIT_EXPECT(b64(parsed->bob_one_time_key) == otk);
        if (s == &out) {
            // Alice received: a receiver chain, no sender chain until she sends
            // again, and Bob's two unread messages as skipped keys.
            E2EKIT_EXPECT(parsed->received_message);
            E2EKIT_EXPECT(!parsed->sender);
            E2EKIT_EXPECT(parsed->receivers.size() == 1);
            E2EKIT_EXPECT(parsed->skipped.size() == 2);
            for (const auto& k : parsed->skipped) {
                E2EKIT_EXPECT(k.ratchet_key == parsed->receivers[0].ratchet_key);
                E2EKIT_EXPECT(k.index < 2);
            }
            E2EKIT_EXPECT(parsed->receivers[0].chain.index == 3);
        } else {
            E2EKIT_EXPECT(parsed->received_message);
            E2EKIT_EXPECT(parsed->sender && parsed->sender->chain.index == 3);
            E2EKIT_EXPECT(parsed->skipped.empty());
        }
    }
}

bytes session_key_of(OlmOutboundGroupSession* s) {
    std::string k(olm_outbound_group_session_key_length(s), '\0');
    check_olm(
        olm_outbound_group_session_key(s, reinterpret_cast<std::uint8_t*>(k.data()), k.size()),
        "session key");
    return unb64(k);
}

bytes export_at(OlmInboundGroupSession* s, std::uint32_t index) {
    std::string k(olm_export_inbound_group_session_length(s), '\0');
    check_olm(olm_export_inbound_group_session(s, reinterpret_cast<std::uint8_t*>(k.data()),
                                               k.size(), index),
              "export");
    return unb64(k);
}

void test_group(const std::string& key) {
    std::vector<std::uint8_t> om(olm_outbound_group_session_size());
    OlmOutboundGroupSession* out = olm_outbound_group_session(om.data());
    auto r = random_bytes(olm_init_outbound_group_session_random_length(out));
    check_olm(olm_init_outbound_group_session(out, r.data(), r.size()), "init outbound");
    const bytes key0 = session_key_of(out);
    std::vector<std::string> msgs;
    for (int i = 0; i < 7; ++i) {
        const std::string pt = "group message " + std::to_string(i);
        std::string m(olm_group_encrypt_message_length(out, pt.size()), '\0');
        check_olm(olm_group_encrypt(out, reinterpret_cast<const std::uint8_t*>(pt.data()),
                                    pt.size(), reinterpret_cast<std::uint8_t*>(m.data()), m.size()),
                  "group encrypt");
        msgs.push_back(m);
    }
    const bytes key7 = session_key_of(out);
    std::string op(olm_pickle_outbound_group_session_length(out), '\0');
    check_olm(olm_pickle_outbound_group_session(out, key.data(), key.size(), op.data(), op.size()),
              "pickle outbound");
    auto o = lo::parse_outbound_group_session(op, as_bytes(key));
    E2EKIT_EXPECT(o.has_value());
    if (o) {
        // Session key: 0x02 | index u32 BE | ratchet 128 | public key 32 | signature 64.
        E2EKIT_EXPECT(o->ratchet.counter == 7 &&
                      olm_outbound_group_session_message_index(out) == 7);
        E2EKIT_EXPECT(key7.size() == 229 && key7[0] == 2);
        E2EKIT_EXPECT(std::equal(key7.begin() + 5, key7.begin() + 133, o->ratchet.data.data()));
        E2EKIT_EXPECT(
            std::equal(key7.begin() + 133, key7.begin() + 165, o->signing.public_key.begin()));
        std::string id(olm_outbound_group_session_id_length(out), '\0');
        check_olm(olm_outbound_group_session_id(out, reinterpret_cast<std::uint8_t*>(id.data()),
                                                id.size()),
                  "group id");
        E2EKIT_EXPECT(id == b64(o->signing.public_key));
        byte_array<32> scalar, pub;
        std::copy_n(o->signing.private_key.data(), 32, scalar.begin());
        E2EKIT_EXPECT(crypto_scalarmult_ed25519_base_noclamp(pub.data(), scalar.data()) == 0);
        E2EKIT_EXPECT(pub == o->signing.public_key);
        // Each group message ends with the session key's signature over the rest.
        const crypto::ed25519::expanded_key ex(o->signing.private_key.view());
        for (const auto& m : msgs) {
            const bytes raw = unb64(m);
            const bytes_view body = bytes_view(raw).first(raw.size() - 64);
            const auto sig = crypto::ed25519::sign_expanded(ex, o->signing.public_key, body);
            E2EKIT_EXPECT(std::equal(sig.begin(), sig.end(), raw.end() - 64));
        }
    }

    // Inbound from the session key at 0, having read messages 2 and 5.
    std::vector<std::uint8_t> im(olm_inbound_group_session_size());
    OlmInboundGroupSession* in = olm_inbound_group_session(im.data());
    const std::string k0 = b64(key0);
    check_olm(olm_init_inbound_group_session(in, reinterpret_cast<const std::uint8_t*>(k0.data()),
                                             k0.size()),
              "init inbound");
    for (int i : {2, 5}) {
        std::string m = msgs[static_cast<std::size_t>(i)];
        std::string copy = m;
        const std::size_t max = olm_group_decrypt_max_plaintext_length(
            in, reinterpret_cast<std::uint8_t*>(copy.data()), copy.size());
        check_olm(max, "group decrypt length");
        std::string pt(max, '\0');
        std::uint32_t index = 0;
        check_olm(olm_group_decrypt(in, reinterpret_cast<std::uint8_t*>(m.data()), m.size(),
                                    reinterpret_cast<std::uint8_t*>(pt.data()), pt.size(), &index),
                  "group decrypt");
    }
    auto pickle_in = [&](OlmInboundGroupSession* s) {
        std::string p(olm_pickle_inbound_group_session_length(s), '\0');
        check_olm(olm_pickle_inbound_group_session(s, key.data(), key.size(), p.data(), p.size()),
                  "pickle inbound");
        return p;
    };
    auto g = lo::parse_inbound_group_session(pickle_in(in), as_bytes(key));
    E2EKIT_EXPECT(g.has_value());
    if (g) {
        E2EKIT_EXPECT(g->version == 2);
        E2EKIT_EXPECT(g->initial.counter == 0 &&
                      olm_inbound_group_session_first_known_index(in) == 0);
        const bytes e0 = export_at(in, 0);
        E2EKIT_EXPECT(std::equal(e0.begin() + 5, e0.begin() + 133, g->initial.data.data()));
        const bytes el = export_at(in, g->latest.counter);
        E2EKIT_EXPECT(std::equal(el.begin() + 5, el.begin() + 133, g->latest.data.data()));
        E2EKIT_EXPECT(g->latest.counter >= 5);
        E2EKIT_EXPECT(std::equal(key0.begin() + 133, key0.begin() + 165, g->signing_key.begin()));
        E2EKIT_EXPECT(g->signing_key_verified);
    }

    // Imported at index 4 (an export: no signature, so not verified).
    const std::string e4 = b64(export_at(in, 4));
    std::vector<std::uint8_t> im2(olm_inbound_group_session_size());
    OlmInboundGroupSession* imported = olm_inbound_group_session(im2.data());
    check_olm(olm_import_inbound_group_session(
                  imported, reinterpret_cast<const std::uint8_t*>(e4.data()), e4.size()),
              "import");
    auto h = lo::parse_inbound_group_session(pickle_in(imported), as_bytes(key));
    E2EKIT_EXPECT(h.has_value());
    if (h) {
        E2EKIT_EXPECT(h->initial.counter == 4 && h->latest.counter == 4);
        E2EKIT_EXPECT(!h->signing_key_verified && !olm_inbound_group_session_is_verified(imported));
        const bytes e = export_at(in, 4);
        E2EKIT_EXPECT(std::equal(e.begin() + 5, e.begin() + 133, h->initial.data.data()));
    }
    // Imported into e2ekit: the outbound session goes on at index 7, read
    // by libolm's inbound session; the inbound one reads libolm's next message.
    {
        auto sender = lo::import_outbound_group_session(op, as_bytes(key));
        E2EKIT_EXPECT(sender.has_value());
        if (sender) {
            auto [next, m] =
                e2ekit::protocols::megolm::encrypt(*sender, as_bytes("from e2ekit")).split();
            std::string wire = b64(m);
            std::string copy = wire;
            const std::size_t max = olm_group_decrypt_max_plaintext_length(
                in, reinterpret_cast<std::uint8_t*>(copy.data()), copy.size());
            std::string pt(max == olm_error() ? 0 : max, '\0');
            std::uint32_t index = 0;
            const std::size_t n =
                max == olm_error()
                    ? olm_error()
                    : olm_group_decrypt(in, reinterpret_cast<std::uint8_t*>(wire.data()),
                                        wire.size(), reinterpret_cast<std::uint8_t*>(pt.data()),
                                        pt.size(), &index);
            E2EKIT_EXPECT(n != olm_error() && pt.substr(0, n) == "from e2ekit" && index == 7);
            E2EKIT_EXPECT(next.ratchet.counter == 8);
        }
        auto reader = lo::import_inbound_group_session(pickle_in(in), as_bytes(key));
        E2EKIT_EXPECT(reader.has_value());
        if (reader) {
            const std::string pt = "eighth";
            std::string m(olm_group_encrypt_message_length(out, pt.size()), '\0');
            check_olm(olm_group_encrypt(out, reinterpret_cast<const std::uint8_t*>(pt.data()),
                                        pt.size(), reinterpret_cast<std::uint8_t*>(m.data()),
                                        m.size()),
                      "group encrypt");
            auto step = e2ekit::protocols::megolm::decrypt(*reader, unb64(m));
            E2EKIT_EXPECT(step.has_value());
            if (step) {
                auto d = std::move(*step).release();
                E2EKIT_EXPECT(std::string(as_chars(d.plaintext.view())) == pt && d.index == 7);
            }
        }
    }
    E2EKIT_EXPECT(lo::parse_outbound_group_session(pickle_in(in), as_bytes(key)).error() ==
                  lo::pickle_error::unknown_version);
    E2EKIT_EXPECT(lo::parse_inbound_group_session(op, as_bytes("wrong")).error() ==
                  lo::pickle_error::authentication_failed);
}

} // namespace

int main() {
    const char* seed = std::getenv("E2EKIT_SEED");
    testing::deterministic_random r(seed ? std::strtoull(seed, nullptr, 10) : 2026);
    rng = &r;
    if (sodium_init() < 0) return 1;
    for (const std::string& key :
         {std::string("DEFAULT_PICKLE_KEY"), std::string(), std::string(100, 'k')}) {
        test_account(key);
        test_session(key);
        test_group(key);
    }
    return test::expect_summary(
        "libolm pickles: accounts, sessions, group sessions read and checked");
}
