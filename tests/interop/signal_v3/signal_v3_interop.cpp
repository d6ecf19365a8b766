// e2ekit's Signal v3 sessions against a real peer speaking the line
// protocol of ../signal_c/PROTOCOL.md (libsignal-protocol-c 2.3.3 through
// signal_c_peer), both ways:
//
//   signal_v3_interop initiate <peer command...>   e2ekit starts from the peer's bundle
//   signal_v3_interop respond  <peer command...>   the peer starts from e2ekit's bundle
//
// Then both converse with random turns, reordering inside the in-flight
// messages of each direction, a few dropped messages and replays (which
// must fail as duplicates and change nothing). Exit 0 on success, 1 on a
// failure, 77 when the peer cannot run here. SIGNAL_V3_SEED replays a run;
// SIGNAL_V3_MESSAGES sets the length (default 1200).
#include <e2ekit/codec/hex.hpp>
#include <e2ekit/protocols/signal/session.hpp>

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

/// One e2ekit device with one session to the peer, committed to memory.
struct device {
    testing::deterministic_random& rng;
    sig::key_pair identity;
    std::uint32_t registration_id;
    identity::signed_prekey<sig::x3dh_params> spk;
    std::vector<identity::one_time_prekey<sig::x3dh_params>> otks;
    std::optional<sig::session_state> session;
    bytes committed; ///< the serialised ratchet state last committed

    explicit device(testing::deterministic_random& r)
        : rng(r), identity(crypto::x25519::generate(r)),
          registration_id(e2ekit::identity::generate_registration_id(
              r, sig::identity_params::max_registration_id)),
          spk(identity::signed_prekey<sig::x3dh_params>::generate(identity, 42, 1700000000000, r)),
          otks(identity::one_time_prekey<sig::x3dh_params>::generate(1, 5, r)) {}

    result<void> commit(const sig::session_state& s) {
        session = s.clone();
        auto ser = sig::double_ratchet::serialize(s.ratchet);
        committed.assign(ser.data(), ser.data() + ser.size());
        // The stored form must come back as the same state.
        auto back = sig::double_ratchet::parse(ser.view());
        if (!back || !(*back == s.ratchet)) throw failure("state serialisation round trip");
        return ok();
    }

    sig::outgoing encrypt(bytes_view pt) {
        if (!session) throw failure("e2ekit has no session");
        auto step = sig::encrypt(*session, pt, rng);
        if (!step) throw failure("e2ekit encrypt: " + step.error().message());
        auto out = std::move(*step).commit([&](const sig::session_state& s) { return commit(s); });
        return std::move(*out);
    }

    /// The plaintext, or the error; on an error nothing may have changed.
    result<secret_bytes> decrypt(int type, bytes_view body) {
        const bytes before = committed;
        auto r = decrypt_inner(type, body);
        if (!r && committed != before) throw failure("a failed decrypt changed the state");
        return r;
    }

private:
    result<secret_bytes> decrypt_inner(int type, bytes_view body) {
        auto commit_fn = [&](const sig::session_state& s) { return commit(s); };
        if (type == 1) {
            if (!session) return envelope::envelope_error::malformed;
            E2EKIT_TRY(step, sig::decrypt(*session, body));
            return std::move(step).commit(commit_fn);
        }
        E2EKIT_TRY(m, sig::parse_prekey_signal_message(body));
        if (session && session->base_key == m.base_key) {
            E2EKIT_TRY(step, sig::decrypt(*session, m.message));
            return std::move(step).commit(commit_fn);
        }
        if (m.signed_prekey_id != spk.id) throw failure("unknown signed pre-key id");
        const sig::key_pair* otk = nullptr;
        if (m.prekey_id) {
            for (const auto& k : otks)
                if (k.id == *m.prekey_id) otk = &k.keys;
            if (!otk) throw failure("unknown one-time pre-key id");
        }
        E2EKIT_TRY(step, sig::accept({identity, registration_id, spk.keys, otk}, m));
        auto pt = std::move(step).commit(commit_fn);
        if (pt && m.prekey_id) // used once (X3DH §3.4)
            std::erase_if(otks, [&](const auto& k) { return k.id == *m.prekey_id; });
        return pt;
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

    /// Delivers some of a direction's messages in random order; drops a few.
    template <class F>
    void flush(std::deque<in_flight>& q, F deliver, bool all) {
        const std::size_t n = all ? q.size() : rnd() % (q.size() + 1);
        std::vector<in_flight> batch;
        for (std::size_t i = 0; i < n; ++i) {
            const std::size_t at = rnd() % q.size();
            if (at != 0) ++out_of_order;
            batch.push_back(std::move(q[at]));
            q.erase(q.begin() + static_cast<std::ptrdiff_t>(at));
        }
        for (auto& m : batch) {
            if (rnd() % 50 == 0 && m.type == 1) {
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
            if (r.value("ok", false) || r.value("error", "") != "duplicate")
                throw failure("peer on a replay: " + r.dump());
            ++replays;
        }
    }

    void run(bool me_first) {
        if (me_first) {
            send_from_me();
            flush(
                to_peer, [&](in_flight m) { deliver_to_peer(std::move(m)); }, true);
        } else {
            send_from_peer();
            flush(
                to_me, [&](in_flight m) { deliver_to_me(std::move(m)); }, true);
        }
        while (sent < total) {
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
        flush(
            to_peer, [&](in_flight m) { deliver_to_peer(std::move(m)); }, true);
        flush(
            to_me, [&](in_flight m) { deliver_to_me(std::move(m)); }, true);
    }
};

int run(const std::string& mode, const std::vector<std::string>& cmd) {
    const char* seed_env = std::getenv("SIGNAL_V3_SEED");
    const std::uint64_t seed = seed_env ? std::strtoull(seed_env, nullptr, 10)
                                        : static_cast<std::uint64_t>(std::random_device{}());
    const char* n_env = std::getenv("SIGNAL_V3_MESSAGES");
    const std::size_t total = n_env ? std::strtoull(n_env, nullptr, 10) : 1200;
    std::cerr << "signal_v3 " << mode << " seed " << seed << "\n";
    std::mt19937_64 rnd(seed);
    testing::deterministic_random rng(seed);

    peer p(cmd);
    device me(rng);
    p.ok({{"cmd", "init"}, {"registration_id", 1 + rnd() % 16380}, {"device_id", 1}});
    json addr = {{"name", "e2ekit"}, {"device", 1}};
    conversation conv{rnd, me, p, addr, {}, {}, {}, {}, 0, 0, 0, 0, 0, total};

    if (mode == "initiate") {
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
        auto s0 = sig::initiate(me.identity, me.registration_id, bundle, rng);
        if (!s0) throw failure("e2ekit initiate: " + s0.error().message());
        (void)me.commit(*s0);
        conv.run(true);
    } else {
        const auto& otk = me.otks[rnd() % me.otks.size()];
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
        conv.run(false);
    }
    std::cerr << "signal_v3 " << mode << ": sent " << conv.sent << ", delivered " << conv.delivered
              << ", dropped " << conv.dropped << ", out of order " << conv.out_of_order
              << ", replays refused " << conv.replays << "\n";
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: signal_v3_interop initiate|respond <peer command...>\n";
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
