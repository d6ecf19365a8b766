// Olm decryption with live sessions on attacker bytes. At start-up a
// deterministic conversation runs between Alice (who started it) and Bob
// (whose account answered her pre-key message); some messages are held
// back, so both sessions hold skipped keys on more than one chain, and Bob's
// account still holds one-time and fallback keys.
//
// Input: a mode byte (mod 4), then
//   0  the rest is a normal message, to Alice and to Bob;
//   1  the rest is a pre-key message: to Bob's account (a new session) and
//      to Bob's session (decrypt, matches_inbound_session);
//   2  message byte, offset (2 bytes), then bytes XORed into one genuine
//      held-back message at that offset;
//   3  message byte, length (2 bytes): a genuine held-back message cut to
//      that length, or the rest appended.
//
// Properties: a refusal is a typed error and no state changes (the stored
// forms are compared after every input); a success is a message whose
// authenticated bytes and MAC are a genuine message's (or, for a new
// session, a genuine pre-key message's one-time, base and identity key),
// with the plaintext that was sent; the next state stores and reads back.
//
// Seeds: E2EKIT_FUZZ_SEEDS_OUT=<dir> replay_olm_decrypt /dev/null writes
// them.
#include <e2ekit/protocols/olm/account.hpp>
#include <e2ekit/protocols/olm/session.hpp>

#include <fuzz/support/seeds.hpp>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

using namespace e2ekit;
using namespace e2ekit::protocols::olm;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

struct sent {
    message_type type;
    bytes body;
    std::string plaintext;
    bool to_bob;
};

struct world {
    testing::deterministic_random rng{77};
    account bob_account;
    session_state alice, bob;
    std::vector<sent> genuine; ///< every message sent
    std::vector<sent> held;    ///< never delivered
    secret_bytes stored_alice, stored_bob, stored_account;

    static std::string text(const secret_bytes& s) {
        return std::string(reinterpret_cast<const char*>(s.data()), s.size());
    }

    sent send(bool from_alice, const std::string& pt) {
        session_state& s = from_alice ? alice : bob;
        auto [next, out] = std::move(*encrypt(s, as_bytes(pt), rng)).split();
        s = std::move(next);
        sent m{out.type, std::move(out.body), pt, from_alice};
        genuine.push_back({m.type, m.body, m.plaintext, m.to_bob});
        return m;
    }
    void deliver(const sent& m) {
        session_state& s = m.to_bob ? bob : alice;
        auto r = decrypt(s, m.type, m.body);
        require(r.has_value());
        auto [next, pt] = std::move(*r).split();
        require(text(pt) == m.plaintext);
        s = std::move(next);
    }

    world() {
        account alice_account = account::create(rng);
        bob_account = account::create(rng);
        bob_account.generate_one_time_keys(4, rng);
        bob_account.generate_fallback_key(rng);
        alice = *alice_account.create_outbound(bob_account.curve25519_key(),
                                               bob_account.one_time_keys().back().key, rng);
        sent first = send(true, "first");
        held.push_back(send(true, "held pre-key"));
        auto in = bob_account.create_inbound(first.body);
        require(in.has_value());
        auto st = std::move(*in).take_state();
        bob_account = std::move(st.account);
        bob = std::move(st.session);
        for (int round = 0; round < 6; ++round) {
            const bool from_alice = round % 2 == 1;
            std::vector<sent> burst;
            for (int i = 0; i < 4; ++i)
                burst.push_back(
                    send(from_alice, "r" + std::to_string(round) + "m" + std::to_string(i)));
            held.push_back(std::move(burst[1]));
            for (int i : {3, 0, 2})
                deliver(burst[static_cast<std::size_t>(i)]);
        }
        stored_alice = serialize(alice);
        stored_bob = serialize(bob);
        stored_account = bob_account.serialize();
    }

    void unchanged() const {
        require(ct::equal(serialize(alice).view(), stored_alice.view()));
        require(ct::equal(serialize(bob).view(), stored_bob.view()));
        require(ct::equal(bob_account.serialize().view(), stored_account.view()));
    }

    /// A success must be a genuine message's normal part, to that side.
    void check_success(bytes_view normal_wire, bool to_bob, const secret_bytes& pt,
                       const session_state& next) const {
        bool found = false;
        for (const auto& g : genuine) {
            if (g.to_bob != to_bob) continue;
            bytes inner = g.body;
            if (g.type == message_type::prekey)
                inner = to_bytes(parse_prekey_message(g.body)->message);
            if (inner == to_bytes(normal_wire)) {
                require(text(pt) == g.plaintext);
                found = true;
            }
        }
        require(found);
        auto back = parse_session(serialize(next).view());
        require(back.has_value() && *back == next);
    }

    void normal_to_both(bytes_view in) const {
        for (bool to_bob : {false, true}) {
            auto r = decrypt(to_bob ? bob : alice, message_type::normal, in);
            if (!r) {
                require(r.error().value() != 0);
                continue;
            }
            auto [next, pt] = std::move(*r).split();
            check_success(in, to_bob, pt, next);
        }
    }

    void prekey_to_bob(bytes_view in) const {
        auto m = matches_inbound_session(bob, in);
        auto r = decrypt(bob, message_type::prekey, in);
        if (r) {
            require(m.has_value());
            auto p = parse_prekey_message(in);
            auto [next, pt] = std::move(*r).split();
            check_success(p->message, true, pt, next);
        } else {
            require(r.error().value() != 0);
        }
        auto n = bob_account.create_inbound(in);
        if (!n) {
            require(n.error().value() != 0);
            return;
        }
        // A new session only from a genuine pre-key message's keys: all of
        // Alice's used Bob's first one-time key, which the account no longer
        // holds, so none can succeed.
        require(false);
    }
};

world& the_world() {
    static world w;
    return w;
}

void write_seeds(const char* dir) {
    world& w = the_world();
    int n = 0;
    auto put = [&](byte mode, const bytes& b) {
        std::ofstream f(std::string(dir) + "/seed_" + std::to_string(n++), std::ios::binary);
        f.put(static_cast<char>(mode));
        f.write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
    };
    for (const auto& h : w.held)
        put(h.type == message_type::prekey ? 1 : 0, h.body);
    put(0, w.genuine.back().body);
    put(2, bytes{1, 0, 40, 0xff});
    put(2, bytes{3, 0, 0, 0x01});
    put(3, bytes{2, 0, 30});
    put(3, bytes{4, 0xff, 0xff, 0x10, 0x80, 0x80});
    put(1, bytes{0x03, 0x0A, 0x20});
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    e2ekit::fuzz::write_seeds_once([](const char* dir) { write_seeds(dir); });
    const world& w = the_world();
    if (size == 0) return 0;
    const bytes_view rest(reinterpret_cast<const byte*>(data) + 1, size - 1);
    switch (data[0] % 4) {
    case 0: w.normal_to_both(rest); break;
    case 1: w.prekey_to_bob(rest); break;
    case 2:
    case 3: {
        if (rest.size() < 3) break;
        const sent& h = w.held[rest[0] % w.held.size()];
        const std::size_t at = static_cast<std::size_t>(rest[1]) << 8 | rest[2];
        bytes b = h.body;
        if (data[0] % 4 == 2) {
            for (std::size_t i = 3; i < rest.size() && b.size() > 0; ++i)
                b[(at + i - 3) % b.size()] ^= rest[i];
        } else if (at < b.size()) {
            b.resize(at);
        } else {
            for (std::size_t i = 3; i < rest.size(); ++i)
                b.push_back(rest[i]);
        }
        if (h.type == message_type::prekey)
            w.prekey_to_bob(b);
        else
            w.normal_to_both(b);
        break;
    }
    }
    w.unchanged();
    return 0;
}
