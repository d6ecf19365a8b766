// e2ekit's Signal v3 sessions against a real peer speaking the line
// protocol of ../signal_c/PROTOCOL.md (libsignal-protocol-c 2.3.3 through
// signal_c_peer, or npm libsignal 2.0.1 through ../npm/signal_npm_peer.js),
// both ways. e2ekit keeps a session record (current + archived states),
// committed in its stored form after every step:
//
//   signal_v3_interop initiate <peer command...>   e2ekit starts from the peer's bundle
//   signal_v3_interop respond  <peer command...>   the peer starts from e2ekit's bundle
//   signal_v3_interop simultaneous <peer...>       both start a session at once
//   signal_v3_interop reinitiate <peer...>         each side starts a new session while
//                                                  the old one's messages are in flight
//
// Then both converse with random turns, reordering inside the in-flight
// messages of each direction, a few dropped messages and replays (which
// must fail as duplicates and change nothing). Exit 0 on success, 1 on a
// failure, 77 when the peer cannot run here. SIGNAL_V3_SEED replays a run;
// SIGNAL_V3_MESSAGES sets the length (default 1200; 400 for simultaneous
// and reinitiate). What the npm runs avoid, and why, is at simultaneous()
// and reinitiate().
#include <e2ekit/codec/hex.hpp>
#include <e2ekit/protocols/signal/record.hpp>

#include "../../support/peer_process.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using namespace e2ekit;
namespace sig = e2ekit::protocols::signal;
using json = nlohmann::json;

using test::failure;
using test::hex;
using test::peer;
using test::unhex;

sig::public_key key33(const json& j) {
    auto k = sig::key_encoding::decode(unhex(j));
    if (!k) throw failure("peer sent a bad public key");
    return *k;
}

/// One e2ekit device with its session record with the peer, committed to
/// memory in its stored form.
struct device {
    testing::deterministic_random& rng;
    sig::key_pair identity;
    std::uint32_t registration_id;
    identity::signed_prekey<sig::x3dh_params> spk;
    std::vector<identity::one_time_prekey<sig::x3dh_params>> otks;
    sig::session_record record;
    bytes committed; ///< the stored form last committed

    explicit device(testing::deterministic_random& r)
        : rng(r), identity(crypto::x25519::generate(r)),
          registration_id(e2ekit::identity::generate_registration_id(
              r, sig::identity_params::max_registration_id)),
          spk(identity::signed_prekey<sig::x3dh_params>::generate(identity, 42, 1700000000000, r)),
          otks(identity::one_time_prekey<sig::x3dh_params>::generate(1, 5, r)) {}

    result<void> commit(const sig::session_record& r) {
        record = r.clone();
        auto ser = sig::serialize(r);
        committed.assign(ser.data(), ser.data() + ser.size());
        // The stored form must come back as the same record.
        auto back = sig::parse(ser.view());
        if (!back || !(*back == r)) throw failure("record serialisation round trip");
        return ok();
    }

    void initiate(const sig::prekey_bundle& b) {
        auto s = sig::initiate(identity, registration_id, b, rng);
        if (!s) throw failure("e2ekit initiate: " + s.error().message());
        auto step = sig::add_initiated(record, std::move(*s));
        if (!std::move(step).commit([&](const sig::session_record& r) { return commit(r); }))
            throw failure("e2ekit initiate: commit");
    }

    /// A fresh one-time pre-key for a bundle.
    const identity::one_time_prekey<sig::x3dh_params>& fresh_prekey() {
        const std::uint32_t id = otks.empty() ? 1 : otks.back().id + 1;
        auto k = identity::one_time_prekey<sig::x3dh_params>::generate(id, 1, rng);
        otks.push_back(std::move(k[0]));
        return otks.back();
    }

    sig::outgoing encrypt(bytes_view pt) {
        auto step = sig::encrypt(record, pt, rng);
        if (!step) throw failure("e2ekit encrypt: " + step.error().message());
        auto out = std::move(*step).commit([&](const sig::session_record& r) { return commit(r); });
        return std::move(*out);
    }

    /// Messages that an archived state decrypted (and so promoted).
    std::size_t from_archived = 0;

    /// The plaintext, or the error; on an error nothing may have changed.
    result<secret_bytes> decrypt(int type, bytes_view body) {
        const bytes before = committed;
        const sig::session_record old = record.clone();
        auto r = decrypt_inner(type, body);
        if (!r && committed != before) throw failure("a failed decrypt changed the state");
        if (r && old.current && record.current->base_key != old.current->base_key &&
            old.find(record.current->base_key))
            ++from_archived;
        return r;
    }

private:
    result<secret_bytes> decrypt_inner(int type, bytes_view body) {
        auto commit_fn = [&](const sig::session_record& r) { return commit(r); };
        if (type == 1) {
            E2EKIT_TRY(step, sig::decrypt(record, body));
            return std::move(step).commit(commit_fn);
        }
        // The pre-keys by id, as a store would find them.
        E2EKIT_TRY(step, sig::decrypt_prekey(
                             record, body, identity, registration_id,
                             [&](std::uint32_t id) { return id == spk.id ? &spk.keys : nullptr; },
                             [&](std::uint32_t id) -> const sig::key_pair* {
                                 for (const auto& k : otks)
                                     if (k.id == id) return &k.keys;
                                 return nullptr;
                             }));
        E2EKIT_TRY(out, std::move(step).commit(commit_fn));
        if (out.used_prekey_id) // used once (X3DH §3.4)
            std::erase_if(otks, [&](const auto& k) { return k.id == *out.used_prekey_id; });
        return std::move(out.plaintext);
    }
};

struct in_flight {
    int type;
    bytes body;
    bytes plaintext;
    std::size_t seq = 0; ///< order of sending, over both directions
};

struct conversation {
    std::mt19937_64& rnd;
    device& me;
    peer& p;
    json addr;
    std::deque<in_flight> to_peer, to_me;
    std::vector<in_flight> delivered_to_peer, delivered_to_me;
    std::size_t sent = 0, delivered = 0, dropped = 0, replays = 0, out_of_order = 0;
    std::size_t total;
    bool npm = false;
    bool has_old_sessions = false;

    bytes random_plaintext() {
        bytes b(rnd() % 200);
        for (auto& x : b)
            x = static_cast<byte>(rnd());
        return b;
    }

    void send_from_me() {
        in_flight m{0, {}, random_plaintext(), sent};
        auto out = me.encrypt(m.plaintext);
        m.type = static_cast<int>(out.type);
        m.body = std::move(out.body);
        to_peer.push_back(std::move(m));
        ++sent;
    }
    void send_from_peer() {
        in_flight m{0, {}, random_plaintext(), sent};
        json r = p.ok({{"cmd", "encrypt"},
                       {"name", addr["name"]},
                       {"device", addr["device"]},
                       {"plaintext", hex(m.plaintext)}});
        m.type = r["type"];
        m.body = unhex(r["body"]);
        to_me.push_back(std::move(m));
        ++sent;
    }

    void deliver_to_peer(in_flight m) {
        json r = p.call({{"cmd", "decrypt"},
                         {"name", addr["name"]},
                         {"device", addr["device"]},
                         {"type", m.type},
                         {"body", hex(m.body)}});
        if (!r.value("ok", false)) throw failure("peer decrypt: " + r.dump());
        if (unhex(r["plaintext"]) != m.plaintext) throw failure("peer decrypted other bytes");
        ++delivered;
        delivered_to_peer.push_back(std::move(m));
    }
    void deliver_to_me(in_flight m) {
        auto r = me.decrypt(m.type, m.body);
        if (!r) throw failure("e2ekit decrypt: " + r.error().message());
        if (!equal_public(r->view(), m.plaintext)) throw failure("e2ekit decrypted other bytes");
        ++delivered;
        delivered_to_me.push_back(std::move(m));
    }

    /// Delivers some of a direction's messages in random order; drops a few
    /// unless told not to.
    template <class F>
    void flush(std::deque<in_flight>& q, F deliver, bool all, bool may_drop = true) {
        const std::size_t n = all ? q.size() : rnd() % (q.size() + 1);
        std::vector<in_flight> batch;
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t at = rnd() % q.size();
            if (at != 0) ++out_of_order;
            batch.push_back(std::move(q[at]));
            q.erase(q.begin() + static_cast<std::ptrdiff_t>(at));
        }
        for (auto& m : batch) {
            if (rnd() % 50 == 0 && m.type == 1 && may_drop) {
                ++dropped;
                continue;
            }
            deliver(std::move(m));
        }
    }

    /// The delivered message sent last. Its chain is the newest the
    /// receiver has seen (a later chain needs a message sent later), so
    /// both sides must still hold it and call the replay a duplicate. (An
    /// older message may sit on a receiver chain already dropped: then both
    /// libraries take its ratchet key for a new one and fail its MAC.)
    template <class V>
    const in_flight& recent(const V& v) {
        return *std::max_element(v.begin(), v.end(),
                                 [](const auto& a, const auto& b) { return a.seq < b.seq; });
    }

    void replay() {
        if (!delivered_to_me.empty() && rnd() % 2) {
            const auto& m = recent(delivered_to_me);
            auto r = me.decrypt(m.type, m.body);
            if (r || r.error() != ratchet::ratchet_error::duplicate_message)
                throw failure("e2ekit accepted a replay or failed otherwise: " +
                              (r ? std::string("ok") : r.error().message()));
            ++replays;
        } else if (!delivered_to_peer.empty()) {
            const auto& m = recent(delivered_to_peer);
            json r = p.call({{"cmd", "decrypt"},
                             {"name", addr["name"]},
                             {"device", addr["device"]},
                             {"type", m.type},
                             {"body", hex(m.body)}});
            // npm reports a replay as a duplicate only when every session
            // of its record says so; with an old session beside it, the
            // other's MAC failure makes it invalid_message.
            const std::string e = r.value("error", "");
            if (r.value("ok", false) ||
                (e != "duplicate" && !(npm && e == "invalid_message" && has_old_sessions)))
                throw failure("peer on a replay: " + r.dump());
            ++replays;
        }
    }

    void deliver_all_to_peer(bool may_drop = true) {
        flush(
            to_peer, [&](in_flight m) { deliver_to_peer(std::move(m)); }, true, may_drop);
    }
    void deliver_all_to_me(bool may_drop = true) {
        flush(
            to_me, [&](in_flight m) { deliver_to_me(std::move(m)); }, true, may_drop);
    }

    /// Random turns until `until` messages were sent; in-flight messages are
    /// left in flight unless `drain`.
    void talk(std::size_t until, bool drain) {
        while (sent < until) {
            const auto k = rnd() % 5;
            const bool mine = rnd() % 2;
            for (std::size_t i = 0; i < k; ++i)
                mine ? send_from_me() : send_from_peer();
            flush(
                to_peer, [&](in_flight m) { deliver_to_peer(std::move(m)); }, to_peer.size() > 12);
            flush(
                to_me, [&](in_flight m) { deliver_to_me(std::move(m)); }, to_me.size() > 12);
            if (rnd() % 20 == 0) replay();
        }
        if (drain) {
            deliver_all_to_peer();
            deliver_all_to_me();
        }
    }

    void run_start() {
        send_from_me();
        deliver_all_to_peer();
    }

    void run(bool me_first) {
        if (me_first) {
            run_start();
        } else {
            send_from_peer();
            deliver_all_to_me();
        }
        talk(total, true);
    }
};

sig::prekey_bundle bundle_of(peer& p) {
    json b = p.ok({{"cmd", "bundle"}});
    sig::prekey_bundle bundle;
    bundle.registration_id = b["registration_id"];
    bundle.device_id = b["device_id"];
    bundle.identity_key = key33(b["identity_key"]);
    bundle.signed_prekey_id = b["signed_prekey_id"];
    bundle.signed_prekey = key33(b["signed_prekey"]);
    const bytes s = unhex(b["signed_prekey_signature"]);
    if (s.size() != bundle.signed_prekey_signature.size()) throw failure("signature size");
    std::copy(s.begin(), s.end(), bundle.signed_prekey_signature.begin());
    if (!b["prekey_id"].is_null()) {
        bundle.one_time_prekey_id = b["prekey_id"].get<std::uint32_t>();
        bundle.one_time_prekey = key33(b["prekey"]);
    }
    return bundle;
}

/// The peer starts a session from a fresh bundle of `me`.
void peer_initiates(peer& p, device& me) {
    const auto& otk = me.fresh_prekey();
    p.ok({{"cmd", "process_bundle"},
          {"name", "e2ekit"},
          {"device", 1},
          {"registration_id", me.registration_id},
          {"identity_key", hex(sig::key_encoding::encode(me.identity.pub))},
          {"signed_prekey_id", me.spk.id},
          {"signed_prekey", hex(sig::key_encoding::encode(me.spk.keys.pub))},
          {"signed_prekey_signature", hex(me.spk.signature)},
          {"prekey_id", otk.id},
          {"prekey", hex(sig::key_encoding::encode(otk.keys.pub))}});
}

/// Both sides start a session at once: each processes the other's bundle
/// and sends a few pre-key messages before it has read any of the other's.
/// Each then holds two states (its own initiation, archived, and the one it
/// accepted, current) and every message decrypts with the state it was made
/// for, promoting it; libsignal-c does the same, so the two may swap states
/// back and forth while they talk, and still read everything.
///
/// What npm is spared (PROTOCOL.md): npm keeps the session it accepted as
/// its one open session and tries a message on each of its sessions in
/// turn, so a message of its closed one (its own initiation) may first be
/// tried on the open one, which that breaks for good. So npm answers first,
/// without drops, on the session it accepted; e2ekit decrypts that with its
/// archived state, promotes it, and from then on both use the session npm
/// keeps open: what npm handles correctly.
void simultaneous(conversation& c, device& me, peer& p, bool npm) {
    me.initiate(bundle_of(p));
    peer_initiates(p, me);
    c.has_old_sessions = true;
    const std::size_t burst = 1 + c.rnd() % 3;
    for (std::size_t i = 0; i < burst; ++i) {
        c.send_from_me();
        c.send_from_peer();
    }
    c.deliver_all_to_peer();
    c.deliver_all_to_me();
    if (me.record.archived.size() != 1) throw failure("e2ekit holds not both states");
    if (npm) {
        c.send_from_peer();
        c.deliver_all_to_me(false);
        if (me.from_archived == 0) throw failure("npm's answer did not promote a state");
    }
    c.talk(c.total, true);
}

/// A few messages each way that stay in flight while a side starts over.
void leave_in_flight(conversation& c, bool npm) {
    for (int i = 0; i < 3; ++i) {
        c.send_from_me();
        c.send_from_peer();
    }
    // npm is never sent a message of a session it has closed: see below.
    if (npm) c.deliver_all_to_peer();
}

/// Mid-conversation, each side in turn starts a new session while messages
/// of the old one are in flight both ways: they arrive after the new
/// session's first messages and decrypt with the archived state, which is
/// promoted; a message on the new session promotes that one back.
///
/// What npm is spared (PROTOCOL.md): once npm has accepted or started a new
/// session it is never sent a message of the old one (it may try it on the
/// new session first, which breaks that session for good), and e2ekit,
/// after old messages promoted the old state, hears from npm on the new
/// session (no drops) before it sends again. libsignal-c gets e2ekit's old
/// messages last, after it accepted the new session, and promotes the old
/// state as e2ekit does.
void reinitiate(conversation& c, device& me, peer& p, bool npm) {
    c.run_start();
    c.talk(c.total / 3, false);

    // The peer starts over.
    leave_in_flight(c, npm);
    std::deque<in_flight> old_to_me = std::exchange(c.to_me, {});
    std::deque<in_flight> old_to_peer = std::exchange(c.to_peer, {});
    peer_initiates(p, me);
    c.has_old_sessions = true;
    for (int i = 0; i < 3; ++i)
        c.send_from_peer();
    c.deliver_all_to_me();
    if (me.record.archived.empty()) throw failure("e2ekit kept no archived state");
    const std::size_t promoted = me.from_archived;
    c.to_me = std::move(old_to_me);
    c.deliver_all_to_me();
    if (me.from_archived == promoted) throw failure("no old message promoted the old state");
    c.to_peer = std::move(old_to_peer); // libsignal-c only: npm has none left
    c.deliver_all_to_peer();
    c.send_from_peer();
    c.deliver_all_to_me(false);
    c.talk(2 * c.total / 3, false);

    // Now e2ekit starts over.
    leave_in_flight(c, npm);
    old_to_me = std::exchange(c.to_me, {});
    old_to_peer = std::exchange(c.to_peer, {});
    me.initiate(bundle_of(p));
    for (int i = 0; i < 3; ++i)
        c.send_from_me();
    c.deliver_all_to_peer();
    const std::size_t promoted2 = me.from_archived;
    c.to_me = std::move(old_to_me);
    c.deliver_all_to_me();
    if (me.from_archived == promoted2) throw failure("no old message promoted the old state");
    c.to_peer = std::move(old_to_peer);
    c.deliver_all_to_peer();
    // The peer answers on the state it holds current; e2ekit follows.
    c.send_from_peer();
    c.deliver_all_to_me(false);
    c.send_from_me();
    c.deliver_all_to_peer();
    c.talk(c.total, true);
}

int run(const std::string& mode, const std::vector<std::string>& cmd) {
    const char* seed_env = std::getenv("SIGNAL_V3_SEED");
    const std::uint64_t seed = seed_env ? std::strtoull(seed_env, nullptr, 10)
                                        : static_cast<std::uint64_t>(std::random_device{}());
    const char* n_env = std::getenv("SIGNAL_V3_MESSAGES");
    const std::size_t total = n_env ? std::strtoull(n_env, nullptr, 10)
                              : (mode == "initiate" || mode == "respond") ? 1200
                                                                          : 400;
    std::cerr << "signal_v3 " << mode << " seed " << seed << "\n";
    std::mt19937_64 rnd(seed);
    testing::deterministic_random rng(seed);
    const bool npm = cmd[0].find("node") != std::string::npos;

    peer p(cmd);
    device me(rng);
    p.ok({{"cmd", "init"}, {"registration_id", 1 + rnd() % 16380}, {"device_id", 1}});
    json addr = {{"name", "e2ekit"}, {"device", 1}};
    conversation conv{rnd, me, p, addr, {}, {}, {}, {}, 0, 0, 0, 0, 0, total, npm};

    if (mode == "initiate") {
        me.initiate(bundle_of(p));
        conv.run(true);
    } else if (mode == "respond") {
        peer_initiates(p, me);
        conv.run(false);
    } else if (mode == "simultaneous") {
        simultaneous(conv, me, p, npm);
    } else if (mode == "reinitiate") {
        me.initiate(bundle_of(p));
        reinitiate(conv, me, p, npm);
    } else {
        throw failure("unknown mode " + mode);
    }
    std::cerr << "signal_v3 " << mode << ": sent " << conv.sent << ", delivered " << conv.delivered
              << ", dropped " << conv.dropped << ", out of order " << conv.out_of_order
              << ", replays refused " << conv.replays << ", archived states "
              << me.record.archived.size() << ", decrypted by an archived state "
              << me.from_archived << "\n";
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: signal_v3_interop initiate|respond|simultaneous|reinitiate <peer "
                     "command...>\n";
        return 1;
    }
    std::vector<std::string> cmd(argv + 2, argv + argc);
    if (access(cmd[0].c_str(), X_OK) != 0) {
        std::cerr << cmd[0] << " is not built: skipped\n";
        return 77;
    }
    try {
        return run(argv[1], cmd);
    } catch (const std::exception& e) {
        std::cerr << "signal_v3 " << argv[1] << " FAILED: " << e.what() << "\n";
        return 1;
    }
}
