// A deterministic Signal v3 conversation between two e2ekit sessions, for
// the Signal fuzz harnesses: the live states the decrypt harness attacks,
// and the genuine messages and states the seed writers start from.
//
// Alice initiates from Bob's bundle (one-time pre-key 1) and both sides take
// turns; some messages are held back (never delivered), so that both final
// states carry skipped message keys on several receiver chains, one chain
// has a gap of 40, and a pre-key message is still outstanding. The script
// keeps more turns than the 5 receiver chains a Signal state holds, so the
// oldest held messages end on evicted chains. Every message is recorded
// with its recipient, its message keys (taken from the recipient's state
// when it was sent) and its plaintext.
#ifndef E2EKIT_FUZZ_SIGNAL_DECRYPT_CONVERSATION_HPP
#define E2EKIT_FUZZ_SIGNAL_DECRYPT_CONVERSATION_HPP

#include <e2ekit/core/random.hpp>
#include <e2ekit/identity/bundle.hpp>
#include <e2ekit/identity/prekeys.hpp>
#include <e2ekit/protocols/signal/messages.hpp>
#include <e2ekit/protocols/signal/record.hpp>
#include <e2ekit/protocols/signal/session.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace e2ekit::fuzz_signal {

namespace sig = e2ekit::protocols::signal;
using spk_t = identity::signed_prekey<sig::x3dh_params>;
using otk_t = identity::one_time_prekey<sig::x3dh_params>;
using message_keys = sig::double_ratchet::message_keys;

inline void require(bool ok) {
    if (!ok) std::abort();
}

enum class side : std::uint8_t { alice, bob };

/// One message as it travelled, with what its recipient needs to check it.
struct sent_message {
    side to = side::bob;
    sig::message_type type = sig::message_type::signal;
    bytes wire;        ///< as sent (a PreKeySignalMessage or a SignalMessage)
    bytes signal_wire; ///< the SignalMessage (inside a pre-key message: its `message`)
    std::optional<message_keys> keys; ///< when the recipient could derive them at send time
    bytes plaintext;
    bool delivered = false;
    bool decryptable = false; ///< by the recipient's final state (new_session: by accept)
    bool new_session = false; ///< a pre-key message of a session Bob does not have
};

struct conversation {
    testing::deterministic_random rng{20261123};
    sig::key_pair alice_id = crypto::x25519::generate(rng);
    sig::key_pair bob_id = crypto::x25519::generate(rng);
    spk_t bob_spk = spk_t::generate(bob_id, 4, 1700000000000, rng);
    std::vector<otk_t> bob_otks = otk_t::generate(1, 3, rng);
    std::uint32_t alice_reg = 11;
    std::uint32_t bob_reg = 22;
    sig::session_state alice;
    sig::session_state bob;
    /// Both states in the middle of the conversation (archived states of
    /// the records the decrypt harness builds).
    sig::session_state alice_mid;
    sig::session_state bob_mid;
    std::vector<sent_message> messages;
    /// Ratchet states met on the way (seeds for the state harness).
    std::vector<secret_bytes> snapshots;

    conversation() { run(); }

    sig::session_state& state_of(side s) { return s == side::alice ? alice : bob; }
    const sig::session_state& state_of(side s) const { return s == side::alice ? alice : bob; }

    /// Bob's keys for a PreKeySignalMessage, as a record's lookup finds them.
    result<sig::responder_keys> lookup(const sig::prekey_signal_message& m) const {
        if (m.signed_prekey_id != bob_spk.id) return sig::signal_error::unknown_signed_prekey;
        const sig::key_pair* otk = nullptr;
        if (m.prekey_id) {
            for (const auto& k : bob_otks)
                if (k.id == *m.prekey_id) otk = &k.keys;
            if (!otk) return sig::signal_error::unknown_prekey;
        }
        return sig::responder_keys{bob_id, bob_reg, bob_spk.keys, otk};
    }

private:
    int counter_ = 0;

    void snapshot() {
        snapshots.push_back(sig::double_ratchet::serialize(alice.ratchet));
        snapshots.push_back(sig::double_ratchet::serialize(bob.ratchet));
    }

    /// `from` encrypts the next message; `deliver` says whether `to` gets it now.
    void send(side from, bool deliver) {
        const side to = from == side::alice ? side::bob : side::alice;
        sent_message m;
        m.to = to;
        const std::string text = std::string(from == side::alice ? "alice " : "bob ") +
                                 std::to_string(counter_++) + " says hello";
        m.plaintext = to_bytes(as_bytes(std::string_view(text)));
        auto e = sig::encrypt(state_of(from), m.plaintext, rng);
        require(e.has_value());
        auto [next, out] = std::move(*e).split();
        state_of(from) = std::move(next);
        m.type = out.type;
        m.wire = std::move(out.body);
        if (m.type == sig::message_type::prekey) {
            auto p = sig::parse_prekey_signal_message(m.wire);
            require(p.has_value());
            m.signal_wire = p->message;
        } else {
            m.signal_wire = m.wire;
        }
        auto parsed = sig::parse_signal_message(m.signal_wire);
        require(parsed.has_value());
        if (to == side::bob && bob.ratchet.receivers.empty() && !bob.ratchet.ratchet_key) {
            // Bob has no session yet: the keys are those accept derives.
        } else {
            auto d = sig::double_ratchet::decrypt_step(
                state_of(to).ratchet,
                {parsed->ratchet_key, parsed->counter, parsed->previous_counter});
            if (d) m.keys = std::move(d->keys);
        }
        if (deliver) {
            receive(m);
            m.delivered = true;
        }
        messages.push_back(std::move(m));
    }

    void receive(const sent_message& m) {
        sig::session_state& to = state_of(m.to);
        result<sig::decrypt_step> d = envelope::envelope_error::malformed;
        if (m.type == sig::message_type::prekey && !bob.ratchet.ratchet_key) {
            auto p = sig::parse_prekey_signal_message(m.wire);
            require(p.has_value());
            auto keys = lookup(*p);
            require(keys.has_value());
            d = sig::accept(*keys, *p);
        } else {
            d = sig::decrypt(to, m.signal_wire);
        }
        require(d.has_value());
        auto [next, pt] = std::move(*d).split();
        require(equal_public(pt.view(), m.plaintext));
        to = std::move(next);
    }

    void run() {
        auto a =
            sig::initiate(alice_id, alice_reg,
                          identity::make_bundle(bob_id, bob_reg, 1, bob_spk, &bob_otks[0]), rng);
        require(a.has_value());
        alice = std::move(*a);
        // Pre-key messages until Bob answers; one stays outstanding.
        send(side::alice, true);
        send(side::alice, false);
        send(side::alice, true);
        snapshot();
        // Turns with held messages: skipped keys on several chains.
        const bool pattern[][4] = {{true, false, true, false}, {true, false, true, true},
                                   {false, true, true, false}, {true, true, false, true},
                                   {false, false, true, true}, {true, false, false, true}};
        side turn = side::bob;
        for (const auto& p : pattern) {
            for (bool deliver : p)
                send(turn, deliver);
            turn = turn == side::alice ? side::bob : side::alice;
            snapshot();
        }
        // A gap of 40 on one of Alice's receiver chains.
        for (int i = 0; i < 40; ++i)
            send(side::bob, false);
        send(side::bob, true);
        snapshot();
        alice_mid = alice.clone();
        bob_mid = bob.clone();
        // More turns than the receiver chains a state keeps: the oldest are evicted.
        for (int round = 0; round < 4; ++round) {
            send(side::alice, true);
            send(side::alice, false);
            send(side::alice, round % 2 == 0);
            send(side::bob, true);
            send(side::bob, false);
            send(side::bob, round % 2 == 1);
        }
        // A last message each way that is never delivered: keys ahead of the chains.
        send(side::alice, false);
        send(side::bob, false);
        snapshot();
        // What the final states can still decrypt (the steps are pure).
        for (auto& m : messages) {
            if (m.delivered) continue;
            auto d = sig::decrypt(state_of(m.to), m.signal_wire);
            m.decryptable = d.has_value();
            if (d) require(equal_public(std::move(*d).release().view(), m.plaintext));
        }
        new_session_message();
    }

    /// Alice starts a second session (one-time pre-key 2) and its first
    /// message stays undelivered: only accept can decrypt it.
    void new_session_message() {
        auto a =
            sig::initiate(alice_id, alice_reg,
                          identity::make_bundle(bob_id, bob_reg, 1, bob_spk, &bob_otks[1]), rng);
        require(a.has_value());
        sent_message m;
        m.to = side::bob;
        m.new_session = true;
        m.plaintext = to_bytes(as_bytes(std::string_view("alice starts again")));
        auto e = sig::encrypt(*a, m.plaintext, rng);
        require(e.has_value());
        auto out = std::move(*e).release();
        require(out.type == sig::message_type::prekey);
        m.type = out.type;
        m.wire = std::move(out.body);
        auto p = sig::parse_prekey_signal_message(m.wire);
        require(p.has_value());
        m.signal_wire = p->message;
        auto keys = lookup(*p);
        require(keys.has_value());
        auto d = sig::accept(*keys, *p);
        require(d.has_value());
        require(equal_public(std::move(*d).release().view(), m.plaintext));
        m.decryptable = true;
        messages.push_back(std::move(m));
    }
};

/// The one conversation of a process (built on first use: a few ms).
inline const conversation& shared_conversation() {
    static const conversation c;
    return c;
}

/// Writes seeds into `dir` (named files) when the harness runs with
/// E2EKIT_FUZZ_SEEDS_OUT=<dir>, then ends the process.
template <class Make>
void write_seeds_if_asked(Make&& make) {
    const char* out = std::getenv("E2EKIT_FUZZ_SEEDS_OUT");
    if (!out) return;
    std::filesystem::create_directories(out);
    std::size_t n = 0;
    make([&](const std::string& name, bytes_view data) {
        std::ofstream f(std::filesystem::path(out) / name, std::ios::binary | std::ios::trunc);
        f.write(reinterpret_cast<const char*>(data.data()),
                static_cast<std::streamsize>(data.size()));
        require(static_cast<bool>(f));
        ++n;
    });
    std::printf("wrote %zu seeds to %s\n", n, out);
    std::exit(0);
}

} // namespace e2ekit::fuzz_signal

#endif
