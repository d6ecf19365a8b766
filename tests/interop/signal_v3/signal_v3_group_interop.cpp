// e2ekit's Signal sender keys against libsignal-protocol-c's group cipher
// (through signal_c_peer, ../signal_c/PROTOCOL.md), both ways:
//
//   signal_v3_group_interop send    <peer command...>   e2ekit sends, the peer reads
//   signal_v3_group_interop receive <peer command...>   the peer sends, e2ekit reads
//
// Messages arrive reordered within a window, a few are dropped, replays
// must fail as duplicates and forged ones (bit flips, another signing key
// under the same key id) as invalid, changing nothing. Halfway the sender
// starts a new sender key while messages of the old one are in flight
// (send mode).
// npm libsignal 2.0.1 has no sender keys, so it has no such test. Exit 0 on
// success, 1 on failure, 77 when the peer cannot run. SIGNAL_V3_SEED
// replays a run.
#include <e2ekit/protocols/signal/group.hpp>

#include "../../support/peer_process.hpp"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <random>
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

json group_of(const std::string& sender) {
    return {{"group", "interop-group"}, {"name", sender}, {"device", 1}};
}

json with(json base, const json& more) {
    for (auto& [k, v] : more.items())
        base[k] = v;
    return base;
}

struct message {
    bytes body;
    bytes plaintext;
};

struct counts {
    std::size_t delivered = 0, dropped = 0, replays = 0, forged = 0, out_of_order = 0;
};

bytes random_plaintext(std::mt19937_64& rnd) {
    bytes b(rnd() % 300);
    for (auto& x : b)
        x = static_cast<byte>(rnd());
    return b;
}

/// Takes messages from `q` in random order within a window; `deliver`
/// returns false when the receiver refused.
template <class Deliver>
void drain(std::mt19937_64& rnd, std::deque<message>& q, counts& c, Deliver deliver,
           std::size_t keep) {
    while (q.size() > keep) {
        const std::size_t at = rnd() % std::min<std::size_t>(q.size(), 8);
        if (at) ++c.out_of_order;
        message m = std::move(q[at]);
        q.erase(q.begin() + static_cast<std::ptrdiff_t>(at));
        if (rnd() % 50 == 0) {
            ++c.dropped;
            continue;
        }
        deliver(m);
        ++c.delivered;
    }
}

bytes forge_flip(std::mt19937_64& rnd, bytes b) {
    b[1 + rnd() % (b.size() - 1)] ^= static_cast<byte>(1u << (rnd() % 8));
    return b;
}

int send(peer& p, std::mt19937_64& rnd, testing::deterministic_random& rng, std::size_t total) {
    const json g = group_of("e2ekit");
    auto sender = sig::create_sender_key(rng);
    const auto distribute = [&] {
        auto d = sig::distribution_message(sender);
        if (!d) throw failure("distribution");
        p.ok(with(g, {{"cmd", "group_process"}, {"distribution", hex(d->view())}}));
    };
    distribute();

    counts c;
    std::deque<message> q;
    message last;
    bytes last_sent;
    const auto deliver = [&](const message& m) {
        json r = p.ok(with(g, {{"cmd", "group_decrypt"}, {"body", hex(m.body)}}));
        if (unhex(r["plaintext"]) != m.plaintext) throw failure("peer decrypted other bytes");
        last = m;
    };
    for (std::size_t i = 0; i < total; ++i) {
        if (i == total / 2) { // a new sender key; the old one's messages still in flight
            sender = sig::create_sender_key(rng);
            distribute();
        }
        message m{{}, random_plaintext(rnd)};
        auto e = sig::group_encrypt(sender, m.plaintext, rng);
        if (!e) throw failure("e2ekit group_encrypt: " + e.error().message());
        auto [next, body] = std::move(*e).split();
        sender = std::move(next);
        m.body = std::move(body);
        last_sent = m.body;
        q.push_back(std::move(m));
        drain(rnd, q, c, deliver, rnd() % 12);
        if (!last.body.empty() && rnd() % 25 == 0) {
            json r = p.call(with(g, {{"cmd", "group_decrypt"}, {"body", hex(last.body)}}));
            if (r.value("ok", false) || r["error"] != "duplicate")
                throw failure("peer on a replay: " + r.dump());
            ++c.replays;
        }
        if (rnd() % 25 == 0) {
            json r = p.call(
                with(g, {{"cmd", "group_decrypt"}, {"body", hex(forge_flip(rnd, last_sent))}}));
            if (r.value("ok", false)) throw failure("peer accepted a forged message");
            ++c.forged;
        }
    }
    drain(rnd, q, c, deliver, 0);

    // Another signing key under the sender's key id.
    auto forger = sig::create_sender_key(rng);
    forger.states[0].key_id = sender.states[0].key_id;
    auto f = sig::group_encrypt(forger, as_bytes("forged"), rng);
    json r = p.call(with(g, {{"cmd", "group_decrypt"}, {"body", hex(std::move(*f).release())}}));
    if (r.value("ok", false) || r["error"] != "invalid_message")
        throw failure("peer on another signing key: " + r.dump());
    std::cerr << "group send: delivered " << c.delivered << ", dropped " << c.dropped
              << ", out of order " << c.out_of_order << ", replays refused " << c.replays
              << ", forgeries refused " << c.forged + 1 << "\n";
    return 0;
}

int receive(peer& p, std::mt19937_64& rnd, std::size_t total) {
    const json g = group_of("peer");
    sig::sender_key_record record;
    // (libsignal-c's create_session hands out the state it has, so the
    // peer cannot start a new key; send mode covers a sender's new key.)
    json d = p.ok(with(g, {{"cmd", "group_create"}}));
    auto first = sig::process_distribution(record, unhex(d["distribution"]));
    if (!first) throw failure("e2ekit process_distribution: " + first.error().message());
    record = std::move(*first);

    const auto stored = [&] {
        auto s = sig::serialize(record);
        return bytes(s.data(), s.data() + s.size());
    };
    const auto refused = [&](bytes_view body, std::error_code want) {
        const bytes before = stored();
        auto r = sig::group_decrypt(record, body);
        if (r) throw failure("e2ekit accepted a bad message");
        if (want && r.error() != want) throw failure("e2ekit refused with " + r.error().message());
        if (stored() != before) throw failure("a refused message changed the record");
    };

    counts c;
    std::deque<message> q;
    message last;
    bytes last_sent;
    const auto deliver = [&](const message& m) {
        auto r = sig::group_decrypt(record, m.body);
        if (!r) throw failure("e2ekit group_decrypt: " + r.error().message());
        auto [next, pt] = std::move(*r).split();
        if (!equal_public(pt.view(), m.plaintext)) throw failure("e2ekit decrypted other bytes");
        record = std::move(next);
        last = m;
    };
    for (std::size_t i = 0; i < total; ++i) {
        message m{{}, random_plaintext(rnd)};
        json r = p.ok(with(g, {{"cmd", "group_encrypt"}, {"plaintext", hex(m.plaintext)}}));
        m.body = unhex(r["body"]);
        last_sent = m.body;
        q.push_back(std::move(m));
        drain(rnd, q, c, deliver, rnd() % 12);
        if (!last.body.empty() && rnd() % 25 == 0) {
            refused(last.body, ratchet::ratchet_error::duplicate_message);
            ++c.replays;
        }
        if (rnd() % 25 == 0) {
            refused(forge_flip(rnd, last_sent), {});
            ++c.forged;
        }
    }
    drain(rnd, q, c, deliver, 0);
    // A message too far ahead of the chain.
    for (int i = 0; i < 2001; ++i)
        p.ok(with(g, {{"cmd", "group_encrypt"}, {"plaintext", "00"}}));
    json far = p.ok(with(g, {{"cmd", "group_encrypt"}, {"plaintext", "01"}}));
    refused(unhex(far["body"]), ratchet::ratchet_error::too_far_ahead);
    std::cerr << "group receive: delivered " << c.delivered << ", dropped " << c.dropped
              << ", out of order " << c.out_of_order << ", replays refused " << c.replays
              << ", forgeries refused " << c.forged << "\n";
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: signal_v3_group_interop send|receive <peer command...>\n";
        return 1;
    }
    std::vector<std::string> cmd(argv + 2, argv + argc);
    if (access(cmd[0].c_str(), X_OK) != 0) {
        std::cerr << cmd[0] << " is not built: skipped\n";
        return 77;
    }
    const char* seed_env = std::getenv("SIGNAL_V3_SEED");
    const std::uint64_t seed = seed_env ? std::strtoull(seed_env, nullptr, 10)
                                        : static_cast<std::uint64_t>(std::random_device{}());
    const std::string mode = argv[1];
    std::cerr << "signal_v3 group " << mode << " seed " << seed << "\n";
    try {
        std::mt19937_64 rnd(seed);
        testing::deterministic_random rng(seed);
        peer p(cmd);
        p.ok({{"cmd", "init"}});
        if (mode == "send") return send(p, rnd, rng, 800);
        if (mode == "receive") return receive(p, rnd, 800);
        std::cerr << "unknown mode\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "signal_v3 group " << mode << " FAILED: " << e.what() << "\n";
        return 1;
    }
}
