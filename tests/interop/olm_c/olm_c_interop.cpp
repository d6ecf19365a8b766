// e2ekit's Olm sessions against libolm 3.2 (olm_c_peer, PROTOCOL.md) or
// python-olm (../olm_python/peer.py, the same protocol), both ways: `initiate` (e2ekit starts from libolm's identity and one-time key)
// and `respond` (libolm starts from e2ekit's), then a conversation of
// OLM_MESSAGES (default 1,200) messages with random turns, reordering and
// drops. Along the way: both sides name the session alike, pre-key
// messages until the first answer and matches_inbound_session agree,
// forged and replayed messages are refused on both sides (e2ekit's state
// unchanged), and e2ekit's stored session is re-read now and then; then
// libolm's bound on skipped keys (a gap of 2000) judged by both sides. A
// second run starts from the responder's fallback key. Exit 0 on success,
// 1 on failure, 77 when the peer is not built. OLM_SEED replays a run.
//
// Reordering stays inside libolm's bounds (and e2ekit's): libolm keeps 40
// skipped keys over all chains and 5 receiver chains, so at most 8
// messages are in flight each way, each delivery takes one of the 4
// oldest (a message is not held back past a few ratchet turns) and 1 in
// 40 is dropped.
#include <e2ekit/codec/base64.hpp>
#include <e2ekit/protocols/olm.hpp>

#include <tests/support/peer_process.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <string>
#include <vector>

using namespace e2ekit;
namespace olm = e2ekit::protocols::olm;
using peer_failure = e2ekit::test::failure;
using e2ekit::test::json;
using e2ekit::test::peer;

namespace {

using b64 = codec::base64::standard_unpadded;

std::string enc(bytes_view b) {
    return codec::base64::encode<b64>(b);
}

bytes dec(const json& j) {
    auto r = codec::base64::decode<b64>(j.get<std::string>());
    if (!r) throw peer_failure("peer sent bad base64");
    return std::move(*r);
}

olm::public_key key_of(const json& j) {
    bytes b = dec(j);
    if (b.size() != 32) throw peer_failure("peer sent a key of the wrong size");
    olm::public_key k;
    std::copy(b.begin(), b.end(), k.begin());
    return k;
}

std::string text(const secret_bytes& s) {
    return std::string(reinterpret_cast<const char*>(s.view().data()), s.view().size());
}

void expect(bool ok, const std::string& what) {
    if (!ok) throw peer_failure(what);
}

struct message {
    olm::message_type type;
    bytes body;
    std::string plaintext;
};

/// e2ekit's side: an account and one session, kept in stored form as a
/// client would keep them (every step committed before its payload).
struct e2ekit_side {
    testing::deterministic_random& rng;
    olm::account account;
    olm::session_state session;
    secret_bytes stored_session;
    int commits = 0;

    result<void> store(const olm::session_state& s) {
        stored_session = olm::serialize(s);
        // Now and then, work on from the stored form alone.
        if (++commits % 97 == 0) {
            auto back = olm::parse_session(stored_session.view());
            if (!back || !(*back == s)) throw peer_failure("stored session does not read back");
        }
        return {};
    }

    message send(const std::string& pt) {
        auto step = olm::encrypt(session, as_bytes(pt), rng);
        if (!step) throw peer_failure("e2ekit encrypt: " + step.error().message());
        auto out = std::move(*step).commit([&](const auto& s) { return store(s); });
        session = std::move(*olm::parse_session(stored_session.view()));
        return {out->type, std::move(out->body), pt};
    }

    std::string receive(const message& m) {
        if (m.type == olm::message_type::prekey) {
            auto match = olm::matches_inbound_session(session, m.body);
            expect(match && *match, "a pre-key message of this session does not match");
        }
        auto step = olm::decrypt(session, m.type, m.body);
        if (!step) throw peer_failure("e2ekit decrypt: " + step.error().message());
        auto pt = std::move(*step).commit([&](const auto& s) { return store(s); });
        session = std::move(*olm::parse_session(stored_session.view()));
        return text(*pt);
    }
};

struct libolm_side {
    peer& p;
    int session = 0;

    message send(const std::string& pt) {
        json r = p.ok({{"cmd", "encrypt"}, {"session", session}, {"plaintext", pt}});
        return {static_cast<olm::message_type>(r["type"].get<int>()), dec(r["body"]), pt};
    }
    json receive(const message& m) {
        return p.call({{"cmd", "decrypt"},
                       {"session", session},
                       {"type", static_cast<int>(m.type)},
                       {"body", enc(m.body)}});
    }
};

void check_session_ids(e2ekit_side& e, libolm_side& l) {
    json r = l.p.ok({{"cmd", "session_id"}, {"session", l.session}});
    expect(r["id"] == enc(olm::id_of(e.session)), "session ids differ");
}

/// Refusals on both sides, with e2ekit's state unchanged.
void check_refusals(e2ekit_side& e, libolm_side& l, const message& delivered_to_e2ekit) {
    const olm::session_state before = e.session.clone();
    // A replay.
    auto replay = olm::decrypt(e.session, delivered_to_e2ekit.type, delivered_to_e2ekit.body);
    expect(!replay, "e2ekit accepted a replayed message");
    // A forged message: libolm's, one bit changed in the ciphertext.
    message forged = l.send("forged");
    forged.body[forged.body.size() - 9] ^= 0x01;
    auto bad = olm::decrypt(e.session, forged.type, forged.body);
    expect(!bad && bad.error() == envelope::envelope_error::authentication_failed,
           "e2ekit accepted a forged message");
    expect(e.session == before, "a refused message changed e2ekit's session");
    // The other way round.
    message mine = e.send("to be forged");
    message forged2{mine.type, mine.body, mine.plaintext};
    forged2.body[forged2.body.size() - 1] ^= 0x80;
    json r = l.receive(forged2);
    expect(!r.value("ok", false), "libolm accepted a forged message");
    // The genuine one still decrypts.
    r = l.receive(mine);
    expect(r.value("ok", false) && r["plaintext"] == mine.plaintext,
           "libolm refused a genuine message after a forged one");
}

/// libolm's MAX_MESSAGE_GAP (2000) judged by both sides: each sends 2002
/// messages; the receiver refuses the last (2001 keys past its chain),
/// takes the one before it, then the last.
void check_gap(e2ekit_side& e, libolm_side& l) {
    // In step first: the last message each way delivered, so no drop
    // widens the gaps below.
    for (int i = 0; i < 2; ++i) {
        message m = e.send("sync");
        expect(l.receive(m)["plaintext"] == "sync", "libolm refused a sync message");
        expect(e.receive(l.send("sync")) == "sync", "e2ekit refused a sync message");
    }
    std::vector<message> from_l, from_e;
    for (int i = 0; i < 2002; ++i) {
        from_l.push_back(l.send("gap " + std::to_string(i)));
        from_e.push_back(e.send("gap " + std::to_string(i)));
    }
    const olm::session_state before = e.session.clone();
    auto far = olm::decrypt(e.session, from_l[2001].type, from_l[2001].body);
    expect(!far && far.error() == ratchet::ratchet_error::too_far_ahead,
           "e2ekit took a message 2001 keys ahead");
    expect(e.session == before, "a refused gap changed e2ekit's session");
    json r = l.receive(from_e[2001]);
    expect(!r.value("ok", false), "libolm took a message 2001 keys ahead");
    expect(e.receive(from_l[2000]) == "gap 2000", "e2ekit refused a gap of 2000");
    expect(e.receive(from_l[2001]) == "gap 2001", "e2ekit refused the next message");
    r = l.receive(from_e[2000]);
    expect(r.value("ok", false) && r["plaintext"] == "gap 2000", "libolm refused a gap of 2000");
    r = l.receive(from_e[2001]);
    expect(r.value("ok", false) && r["plaintext"] == "gap 2001", "libolm refused the next message");
}

void converse(e2ekit_side& e, libolm_side& l, testing::deterministic_random& rng, int total) {
    std::deque<message> to_e, to_l;
    int sent = 0, delivered = 0, dropped = 0;
    message last_to_e{};
    bool have_last = false, refusals_checked = false;
    auto deliver_one = [&](std::deque<message>& q, bool to_e2ekit) {
        const std::size_t i =
            random_below(rng, static_cast<std::uint32_t>(std::min<std::size_t>(q.size(), 4)));
        message m = std::move(q[i]);
        q.erase(q.begin() + static_cast<std::ptrdiff_t>(i));
        if (random_below(rng, 40) == 0) {
            ++dropped;
            return;
        }
        if (to_e2ekit) {
            expect(e.receive(m) == m.plaintext, "e2ekit decrypted something else");
            last_to_e = std::move(m);
            have_last = true;
        } else {
            json r = l.receive(m);
            if (!r.value("ok", false)) throw peer_failure("libolm refused message: " + r.dump());
            expect(r["plaintext"] == m.plaintext, "libolm decrypted something else");
        }
        ++delivered;
    };
    while (sent < total || !to_e.empty() || !to_l.empty()) {
        const std::uint32_t action = random_below(rng, 4);
        if (sent < total && action < 2) {
            const bool from_e = action == 0;
            auto& q = from_e ? to_l : to_e;
            if (q.size() < 8) {
                const std::string pt = "message " + std::to_string(sent) + " " +
                                       std::string(random_below(rng, 200), 'x');
                q.push_back(from_e ? e.send(pt) : l.send(pt));
                ++sent;
                continue;
            }
        }
        auto& q = (action % 2 == 0) ? to_e : to_l;
        if (!q.empty()) deliver_one(q, &q == &to_e);
        if (sent >= total / 2 && !refusals_checked && have_last) {
            while (!to_e.empty() || !to_l.empty())
                deliver_one(to_e.empty() ? to_l : to_e, !to_e.empty());
            check_refusals(e, l, last_to_e);
            refusals_checked = true;
        }
    }
    expect(refusals_checked, "the refusals were not checked");
    std::cerr << "  " << sent << " sent, " << delivered << " delivered, " << dropped
              << " dropped\n";
}

int run(const std::string& mode, const std::string& peer_path, std::uint64_t seed, int total) {
    testing::deterministic_random rng(seed);
    for (bool fallback : {false, true}) {
        peer p({peer_path, std::to_string(seed)});
        json ids = p.ok({{"cmd", "create_account"}})["identity_keys"];
        e2ekit_side e{rng, olm::account::create(rng), {}, {}, 0};
        libolm_side l{p, 0};
        const olm::public_key peer_curve = key_of(ids["curve25519"]);

        // The peer's signature checks with e2ekit's Ed25519.
        json sig = p.ok({{"cmd", "sign"}, {"message", "{\"device_id\":\"X\"}"}});
        expect(static_cast<bool>(crypto::ed25519::verify(
                   key_of(ids["ed25519"]), as_bytes(std::string_view("{\"device_id\":\"X\"}")),
                   dec(sig["signature"]))),
               "libolm's signature does not verify");
        // And e2ekit's with libolm's; a changed message fails.
        const std::string signed_text = "{\"algorithms\":[\"m.olm.v1.curve25519-aes-sha2\"]}";
        const auto mine = e.account.sign(as_bytes(signed_text));
        expect(p.ok({{"cmd", "verify"},
                     {"key", enc(e.account.ed25519_key())},
                     {"message", signed_text},
                     {"signature", enc(mine)}})["valid"] == true,
               "the peer refused e2ekit's signature");
        expect(p.ok({{"cmd", "verify"},
                     {"key", enc(e.account.ed25519_key())},
                     {"message", signed_text + " "},
                     {"signature", enc(mine)}})["valid"] == false,
               "the peer took e2ekit's signature over another message");

        if (mode == "initiate") {
            json keys =
                fallback ? p.ok({{"cmd", "generate_fallback_key"}})["fallback_key"]
                         : p.ok({{"cmd", "generate_one_time_keys"}, {"count", 5}})["one_time_keys"];
            const olm::public_key otk = key_of(keys["curve25519"].begin().value());
            auto s = e.account.create_outbound(peer_curve, otk, rng);
            if (!s) throw peer_failure("create_outbound: " + s.error().message());
            e.session = std::move(*s);
            message first = e.send("hello libolm");
            expect(first.type == olm::message_type::prekey, "first message is not pre-key");
            json r = p.ok({{"cmd", "create_inbound"},
                           {"identity_key", enc(e.account.curve25519_key())},
                           {"body", enc(first.body)}});
            expect(r["plaintext"] == "hello libolm", "libolm decrypted something else");
            l.session = r["session"];
            // A second pre-key message belongs to the session on both sides.
            message again = e.send("again");
            expect(again.type == olm::message_type::prekey, "second message is not pre-key");
            expect(p.ok({{"cmd", "matches_inbound"},
                         {"session", l.session},
                         {"body", enc(again.body)},
                         {"identity_key", enc(e.account.curve25519_key())}})["matches"],
                   "libolm: the pre-key message does not match its session");
            expect(l.receive(again)["plaintext"] == "again", "libolm refused a pre-key message");
        } else {
            if (fallback)
                e.account.generate_fallback_key(rng);
            else
                e.account.generate_one_time_keys(5, rng);
            const auto otk = fallback ? e.account.unpublished_fallback_key()->key
                                      : e.account.one_time_keys().front().key;
            (void)e.account.mark_keys_as_published();
            json r = p.ok({{"cmd", "create_outbound"},
                           {"identity_key", enc(e.account.curve25519_key())},
                           {"one_time_key", enc(otk)}});
            l.session = r["session"];
            message first = l.send("hello e2ekit");
            expect(first.type == olm::message_type::prekey, "libolm's first is not pre-key");
            auto in = e.account.create_inbound(first.body, &peer_curve);
            if (!in) throw peer_failure("create_inbound: " + in.error().message());
            auto [state, pt] = std::move(*in).split();
            expect(text(pt) == "hello e2ekit", "e2ekit decrypted something else");
            expect(!state.account.find_key(otk) == !fallback,
                   "one-time key kept or fallback key removed");
            e.account = std::move(state.account);
            e.session = std::move(state.session);
            message again = l.send("again");
            expect(e.receive(again) == "again", "e2ekit refused a second pre-key message");
        }
        check_session_ids(e, l);
        converse(e, l, rng, fallback ? total / 4 : total);
        check_session_ids(e, l);
        if (!fallback) check_gap(e, l);
        json r = p.ok({{"cmd", "session_id"}, {"session", l.session}});
        expect(r["has_received"] == true, "libolm never received");
        std::cerr << "olm " << mode << (fallback ? " (fallback key)" : "") << ": ok\n";
    }
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: olm_c_interop initiate|respond <peer program>\n";
        return 1;
    }
    if (access(argv[2], X_OK) != 0) {
        std::cerr << argv[2] << " is not built: skipped\n";
        return 77;
    }
    const char* seed_env = std::getenv("OLM_SEED");
    const std::uint64_t seed = seed_env ? std::strtoull(seed_env, nullptr, 10) : 20261123;
    const char* n_env = std::getenv("OLM_MESSAGES");
    const int total = n_env ? std::atoi(n_env) : 1200;
    try {
        return run(argv[1], argv[2], seed, total);
    } catch (const std::exception& e) {
        std::cerr << "olm " << argv[1] << " FAILED (OLM_SEED=" << seed << "): " << e.what() << "\n";
        return 1;
    }
}
