// e2ekit's Signal sender keys (protocols/signal/group.hpp) against
// libsignal-protocol-c 2.3.3's group cipher, through signal_c_peer
// (../signal_c/PROTOCOL.md), both ways:
//
//   signal_v3_group_driver send    <peer command...>   e2ekit sends, the peer reads
//   signal_v3_group_driver receive <peer command...>   the peer sends, e2ekit reads
//
// Each run: several hundred messages with random lengths, delivered out of
// order within a window, a few dropped; a member who joins late (a
// distribution at a later iteration); a second sender key while the first
// one's messages are in flight (send) or a second group (receive); replays
// refused as duplicates by the receiving side; forged messages (bit flips,
// another signing key under the sender's key id) refused; then the skip
// bound: a message 2000 ahead is read, one 2001 ahead refused, and the
// keys in between still read once. e2ekit's record goes through its stored
// form after every step, and every message e2ekit refuses leaves that form
// byte-identical.
//
// Exit 0 on success, 1 on failure, 77 when the peer is not built.
// SIGNAL_V3_SEED=<n> replays a run (the seed is printed).
#include <e2ekit/protocols/signal/group.hpp>

#include "../../support/peer_process.hpp"

#include <algorithm>
#include <cstdlib>
#include <deque>
#include <iostream>
#include <optional>
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

/// libsignal-protocol-c's bound (group_cipher.c: "Over 2000 messages into
/// the future!"), spelled here apart from e2ekit's params so that the test
/// judges them.
constexpr std::uint32_t max_forward = 2000;

/// A group command for the peer: `group`, and the sender's address.
json group_cmd(const std::string& cmd, const std::string& group, const std::string& sender,
               json more = json::object()) {
    more["cmd"] = cmd;
    more["group"] = group;
    more["name"] = sender;
    more["device"] = 1;
    return more;
}

struct message {
    bytes body;
    bytes plaintext;
    std::uint32_t key_id = 0;
    std::uint32_t iteration = 0;
    std::string group;
};

message make_message(bytes body, bytes plaintext, std::string group = {}) {
    auto p = sig::parse_sender_key_message(body);
    if (!p) throw failure("a message that does not parse: " + p.error().message());
    return {std::move(body), std::move(plaintext), p->key_id, p->iteration, std::move(group)};
}

struct counts {
    std::size_t sent = 0, delivered = 0, dropped = 0, out_of_order = 0, replays = 0, forged = 0,
                late = 0;
};

struct run {
    std::mt19937_64 rnd;
    testing::deterministic_random rng;
    peer& p;
    counts c;
    std::deque<message> in_flight;
    std::vector<message> delivered;

    run(std::uint64_t seed, peer& pp) : rnd(seed), rng(seed), p(pp) {}

    bytes random_plaintext() {
        bytes b(rnd() % 400);
        for (auto& x : b)
            x = static_cast<byte>(rnd());
        return b;
    }

    /// Delivers in random order within a window until `keep` are left; one
    /// in fifty is dropped.
    template <class Deliver>
    void drain(std::size_t keep, Deliver&& deliver) {
        while (in_flight.size() > keep) {
            const std::size_t at = rnd() % std::min<std::size_t>(in_flight.size(), 8);
            if (at) ++c.out_of_order;
            message m = std::move(in_flight[at]);
            in_flight.erase(in_flight.begin() + static_cast<std::ptrdiff_t>(at));
            if (rnd() % 50 == 0) {
                ++c.dropped;
                continue;
            }
            deliver(m);
            ++c.delivered;
            delivered.push_back(std::move(m));
        }
    }

    bytes flip(bytes b) {
        b[rnd() % b.size()] ^= static_cast<byte>(1u << (rnd() % 8));
        return b;
    }

    void report(const std::string& mode) const {
        std::cerr << "group " << mode << ": sent " << c.sent << ", delivered " << c.delivered
                  << ", dropped " << c.dropped << ", out of order " << c.out_of_order
                  << ", replays refused " << c.replays << ", forgeries refused " << c.forged
                  << ", read by the late member " << c.late << "\n";
    }
};

/// A record through its stored form and back (as if the program restarted).
sig::sender_key_record reload(const sig::sender_key_record& r) {
    auto back = sig::parse_sender_key_record(sig::serialize(r).view());
    if (!back) throw failure("e2ekit record does not parse back: " + back.error().message());
    if (!(*back == r)) throw failure("e2ekit record parsed back different");
    return std::move(*back);
}

bytes stored(const sig::sender_key_record& r) {
    auto s = sig::serialize(r);
    return bytes(s.data(), s.data() + s.size());
}

// --- e2ekit sends, libsignal-c reads -----------------------------------------

int send(std::uint64_t seed, peer& p, std::size_t total) {
    run r(seed, p);
    const std::string group = "interop-group";
    sig::sender_key_record sender = sig::create_sender_key(r.rng);
    const auto distribute = [&](const std::string& as) {
        auto d = sig::distribution_message(sender);
        if (!d) throw failure("e2ekit distribution_message: " + d.error().message());
        p.ok(group_cmd("group_process", group, as, {{"distribution", hex(d->view())}}));
        auto parsed = sig::parse_sender_key_distribution(d->view());
        return std::pair{parsed->key_id, parsed->iteration};
    };
    distribute("e2ekit");
    // The peer knows the late member's copy of the key under another name.
    std::optional<std::pair<std::uint32_t, std::uint32_t>> late;
    bool late_old_checked = false, late_new_key_checked = false;

    // What the peer's copy under the late member's name makes of a message.
    const auto late_reads = [&](const message& m) {
        if (!late) return;
        if (m.key_id != late->first) {
            if (late_new_key_checked) return;
            // libsignal-c: no state of that id (SG_ERR_INVALID_KEY_ID -> invalid message).
            json l =
                p.call(group_cmd("group_decrypt", group, "e2ekit-late", {{"body", hex(m.body)}}));
            if (l.value("ok", false)) throw failure("late member read another key's message");
            late_new_key_checked = true;
            return;
        }
        json l = p.call(group_cmd("group_decrypt", group, "e2ekit-late", {{"body", hex(m.body)}}));
        if (m.iteration >= late->second) {
            if (!l.value("ok", false) || unhex(l["plaintext"]) != m.plaintext)
                throw failure("late member on a message after it joined: " + l.dump());
            ++r.c.late;
        } else {
            if (l.value("ok", false) || l["error"] != "duplicate")
                throw failure("late member on a message before it joined: " + l.dump());
            late_old_checked = true;
        }
    };
    const auto peer_reads = [&](const message& m) {
        json reply = p.ok(group_cmd("group_decrypt", group, "e2ekit", {{"body", hex(m.body)}}));
        if (unhex(reply["plaintext"]) != m.plaintext) throw failure("peer read other bytes");
        late_reads(m);
    };
    const auto encrypt = [&](bytes_view plaintext) {
        auto e = sig::group_encrypt(sender, plaintext, r.rng);
        if (!e) throw failure("e2ekit group_encrypt: " + e.error().message());
        auto [next, body] = std::move(*e).split();
        sender = reload(next);
        ++r.c.sent;
        return make_message(std::move(body), bytes(plaintext.begin(), plaintext.end()));
    };

    for (std::size_t i = 0; i < total; ++i) {
        if (i == total / 3) {
            late = distribute("e2ekit-late");
            // A message read before the late member joined is not for it.
            if (!r.delivered.empty()) late_reads(r.delivered.back());
        }
        if (i == 2 * total / 3) { // a new sender key, the old one's messages in flight
            sender = sig::create_sender_key(r.rng);
            distribute("e2ekit");
        }
        r.in_flight.push_back(encrypt(r.random_plaintext()));
        r.drain(r.rnd() % 12, peer_reads);
        if (!r.delivered.empty() && r.rnd() % 25 == 0) {
            const message& old =
                r.delivered[r.delivered.size() - 1 -
                            r.rnd() % std::min<std::size_t>(r.delivered.size(), 20)];
            json reply =
                p.call(group_cmd("group_decrypt", group, "e2ekit", {{"body", hex(old.body)}}));
            if (reply.value("ok", false) || reply["error"] != "duplicate")
                throw failure("peer on a replay: " + reply.dump());
            ++r.c.replays;
        }
        if (!r.in_flight.empty() && r.rnd() % 25 == 0) {
            json reply = p.call(group_cmd("group_decrypt", group, "e2ekit",
                                          {{"body", hex(r.flip(r.in_flight.back().body))}}));
            if (reply.value("ok", false)) throw failure("peer read a forged message");
            ++r.c.forged;
        }
    }
    r.drain(0, peer_reads);
    if (!late_old_checked || !late_new_key_checked || !r.c.late)
        throw failure("the run never reached the late member's cases");

    // Another signing key under the sender's key id.
    auto forger = sig::create_sender_key(r.rng);
    forger.states[0].key_id = sender.states[0].key_id;
    auto f = sig::group_encrypt(forger, as_bytes("forged"), r.rng);
    json reply = p.call(
        group_cmd("group_decrypt", group, "e2ekit", {{"body", hex(std::move(*f).release())}}));
    if (reply.value("ok", false) || reply["error"] != "invalid_message")
        throw failure("peer on another signing key: " + reply.dump());
    ++r.c.forged;

    // The skip bound: 2000 ahead is read, 2001 refused until the chain moved.
    // (A message read first puts the peer's chain where the sender's is,
    // whatever was dropped last.)
    peer_reads(encrypt(as_bytes("in step")));
    std::vector<message> ahead;
    for (std::uint32_t i = 0; i <= max_forward + 1; ++i)
        ahead.push_back(encrypt(bytes{static_cast<byte>(i)}));
    json too_far = p.call(
        group_cmd("group_decrypt", group, "e2ekit", {{"body", hex(ahead[max_forward + 1].body)}}));
    if (too_far.value("ok", false) || too_far["error"] != "invalid_message")
        throw failure("peer on a message 2001 ahead: " + too_far.dump());
    for (std::size_t i :
         {std::size_t{max_forward}, std::size_t{max_forward + 1}, std::size_t{5}, std::size_t{0}})
        peer_reads(ahead[i]);
    json again =
        p.call(group_cmd("group_decrypt", group, "e2ekit", {{"body", hex(ahead[5].body)}}));
    if (again.value("ok", false) || again["error"] != "duplicate")
        throw failure("peer on a kept key read twice: " + again.dump());
    r.report("send");
    return 0;
}

// --- libsignal-c sends, e2ekit reads -----------------------------------------

int receive(std::uint64_t seed, peer& p, std::size_t total) {
    run r(seed, p);
    const std::string group = "interop-group", group2 = "interop-group-2";
    const auto create = [&](const std::string& g) {
        json d = p.ok(group_cmd("group_create", g, "peer"));
        sig::sender_key_record rec;
        auto next = sig::process_distribution(rec, unhex(d["distribution"]));
        if (!next) throw failure("e2ekit process_distribution: " + next.error().message());
        auto parsed = sig::parse_sender_key_distribution(unhex(d["distribution"]));
        return std::pair{std::move(*next), parsed->iteration};
    };
    sig::sender_key_record record = create(group).first;
    std::optional<sig::sender_key_record> late, second;
    std::uint32_t late_from = 0;
    bool late_old_checked = false, cross_checked = false;

    // A refused message: the expected error (when given), the record as it was.
    const auto refused = [&](const sig::sender_key_record& rec, bytes_view body,
                             std::optional<std::error_code> want) {
        const bytes before = stored(rec);
        auto d = sig::group_decrypt(rec, body);
        if (d) throw failure("e2ekit read a message it must refuse");
        if (want && d.error() != *want)
            throw failure("e2ekit refused with " + d.error().message() + ", not " +
                          want->message());
        if (stored(rec) != before) throw failure("a refused message changed the record");
    };
    const auto read = [&](sig::sender_key_record& rec, const message& m) {
        auto d = sig::group_decrypt(rec, m.body);
        if (!d) throw failure("e2ekit group_decrypt: " + d.error().message());
        auto [next, pt] = std::move(*d).split();
        if (!equal_public(pt.view(), m.plaintext)) throw failure("e2ekit read other bytes");
        rec = reload(next);
    };
    const auto e2ekit_reads = [&](const message& m) {
        if (m.group == group2) {
            read(*second, m);
            if (!cross_checked) {
                refused(record, m.body, sig::signal_error::no_session);
                cross_checked = true;
            }
            return;
        }
        read(record, m);
        if (!late) return;
        if (m.iteration >= late_from) {
            read(*late, m);
            ++r.c.late;
        } else {
            refused(*late, m.body, ratchet::ratchet_error::duplicate_message);
            late_old_checked = true;
        }
    };
    const auto encrypt = [&](const std::string& g, bytes plaintext) {
        json reply = p.ok(group_cmd("group_encrypt", g, "peer", {{"plaintext", hex(plaintext)}}));
        ++r.c.sent;
        return make_message(unhex(reply["body"]), std::move(plaintext), g);
    };

    for (std::size_t i = 0; i < total; ++i) {
        if (i == total / 3) {
            // libsignal-c hands out its state as it is now: a late member's copy.
            auto [rec, from] = create(group);
            late = std::move(rec);
            late_from = from;
            // A message read before the late member joined is not for it.
            if (!r.delivered.empty())
                refused(*late, r.delivered.back().body, ratchet::ratchet_error::duplicate_message);
            late_old_checked = !r.delivered.empty();
        }
        if (i == 2 * total / 3) second = create(group2).first;
        const std::string& g = second && r.rnd() % 3 == 0 ? group2 : group;
        r.in_flight.push_back(encrypt(g, r.random_plaintext()));
        r.drain(r.rnd() % 12, e2ekit_reads);
        if (!r.delivered.empty() && r.rnd() % 25 == 0) {
            const message& old =
                r.delivered[r.delivered.size() - 1 -
                            r.rnd() % std::min<std::size_t>(r.delivered.size(), 20)];
            refused(old.group == group2 ? *second : record, old.body,
                    ratchet::ratchet_error::duplicate_message);
            ++r.c.replays;
        }
        if (!r.in_flight.empty() && r.rnd() % 25 == 0) {
            const message& m = r.in_flight.back();
            refused(m.group == group2 ? *second : record, r.flip(m.body), std::nullopt);
            ++r.c.forged;
        }
    }
    r.drain(0, e2ekit_reads);
    if (!late_old_checked || !cross_checked || !r.c.late)
        throw failure("the run never reached the late member's or the second group's cases");

    // The skip bound, as libsignal-c's: 2000 ahead is read, 2001 refused.
    read(record, encrypt(group, bytes{0x01}));
    std::vector<message> ahead;
    for (std::uint32_t i = 0; i <= max_forward + 1; ++i)
        ahead.push_back(encrypt(group, bytes{static_cast<byte>(i)}));
    refused(record, ahead[max_forward + 1].body, ratchet::ratchet_error::too_far_ahead);
    for (std::size_t i :
         {std::size_t{max_forward}, std::size_t{max_forward + 1}, std::size_t{5}, std::size_t{0}})
        read(record, ahead[i]);
    refused(record, ahead[5].body, ratchet::ratchet_error::duplicate_message);
    r.report("receive");
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::cerr << "usage: signal_v3_group_driver send|receive <peer command...>\n";
        return 1;
    }
    const std::vector<std::string> cmd(argv + 2, argv + argc);
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
        peer p(cmd);
        p.ok({{"cmd", "init"}});
        if (mode == "send") return send(seed, p, 600);
        if (mode == "receive") return receive(seed, p, 600);
        std::cerr << "unknown mode\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "signal_v3 group " << mode << " seed " << seed << " FAILED: " << e.what()
                  << "\n";
        return 1;
    }
}
