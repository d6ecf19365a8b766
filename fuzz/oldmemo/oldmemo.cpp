// Fuzzes OMEMO 0.3's wire parsers and decrypt paths (protocols/oldmemo/) on
// live sessions. At start-up a fixed conversation runs: Alice builds her
// session from Bob's bundle and sends key exchanges, Bob builds his from the
// first and answers, Alice sends more; some of Alice's messages are never
// delivered. Each input then goes, without committing, to:
//
//   mode 0  the rest as an authenticated message, to Bob and to Alice;
//   mode 1  the rest as a key exchange: parsed (and re-encoded), then taken
//           by Bob on his session and with no session (fresh pre-keys);
//   mode 2  message byte, offset byte, then bytes XORed into a genuine
//           message (key exchange or authenticated), delivered as mode 0/1;
//   mode 3  the rest as a stored session;
//   mode 4  the rest as <iv> (12 bytes) and <payload> under a genuine key
//           material.
//
// Properties: failures are typed (envelope, ratchet, agreement, oldmemo
// errors; never a stored-state error) and no session changes (stored forms
// compared); a success is a message genuinely sent to that side, whose key
// material is the one sent (a key exchange: from Alice's identity and base
// key, as points); a parsed key exchange re-encodes to a form that parses to itself;
// a stored session that parses serializes to a form that parses to the
// same session; a payload opens only as the genuine one.
// Seeds: E2EKIT_FUZZ_SEEDS_OUT=<dir> replay_oldmemo /dev/null writes them.
#include <e2ekit/protocols/oldmemo/session.hpp>

#include <e2ekit/core/random.hpp>

#include <fuzz/support/seeds.hpp>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <span>
#include <string>
#include <vector>

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo03;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

template <class E>
bool is(const std::error_code& e) {
    return e.category() == category_of<E>();
}

void check_error(const std::error_code& e) {
    require(is<envelope::envelope_error>(e) || is<ratchet::ratchet_error>(e) ||
            is<agreement::agreement_error>(e) || is<om::oldmemo_error>(e));
    require(e != ratchet::ratchet_error::bad_state &&
            e != ratchet::ratchet_error::unsupported_state && e != om::oldmemo_error::bad_session &&
            e != om::oldmemo_error::unsupported_session);
}

struct sent {
    om::encrypted_key_material key;
    om::plain_key_material km;
};

struct world {
    testing::deterministic_random rng{7};
    om::identity_key_pair alice_id = om::identity_key_pair::generate(rng);
    om::identity_key_pair bob_id = om::identity_key_pair::generate(rng);
    om::signed_prekey spk = om::generate_signed_prekey(bob_id, 1, 0, rng);
    std::vector<om::prekey> pks = om::generate_prekeys(1, 3, rng);
    om::session alice, bob;
    std::vector<sent> to_bob;   ///< every key material Alice sent
    std::vector<sent> to_alice; ///< every key material Bob sent
    om::encrypted_payload payload = om::encrypt_plaintext(rng, as_bytes(std::string_view("hi")));

    template <class Step>
    static auto commit(om::session& into, Step step) {
        auto [next, out] = std::move(step).split();
        into = std::move(next);
        return std::move(out);
    }

    sent send(om::session& from) {
        auto km = om::encrypt_plaintext(rng, bytes{1}).key_material;
        auto k = commit(from, std::move(*om::encrypt_key_material(from, km, rng)));
        return {std::move(k), std::move(km)};
    }

    static bytes inner(const om::encrypted_key_material& k) {
        return k.prekey ? om::parse_key_exchange(k.data)->message : k.data;
    }

    world() {
        alice = *om::build_session_active(alice_id, om::make_bundle(bob_id, spk, pks), rng);
        for (int i = 0; i < 3; ++i)
            to_bob.push_back(send(alice));
        auto x = *om::parse_key_exchange(to_bob[0].key.data);
        (void)commit(bob,
                     std::move(*om::build_session_passive(bob_id, std::span(&spk, 1), pks, x)));
        to_alice.push_back(send(bob));
        // Alice hears Bob; her next messages are authenticated messages on a
        // new chain. Bob has received only the first: the rest stay in flight.
        (void)commit(alice, std::move(*om::decrypt_key_material(alice, to_alice[0].key.data)));
        for (int i = 0; i < 3; ++i)
            to_bob.push_back(send(alice));
        to_alice.push_back(send(bob)); // never delivered
    }

    /// The key material of a genuine message with these bytes, or null.
    static const sent* genuine(const std::vector<sent>& all, bytes_view message) {
        for (const auto& s : all)
            if (equal_public(inner(s.key), message)) return &s;
        return nullptr;
    }
};

const world& the_world() {
    static const world w;
    return w;
}

void deliver_message(const world& w, bytes_view in) {
    for (const bool to_bob : {true, false}) {
        const om::session& s = to_bob ? w.bob : w.alice;
        const auto before = om::serialize(s);
        auto r = om::decrypt_key_material(s, in);
        require(ct::equal(om::serialize(s).view(), before.view()));
        if (!r) {
            check_error(r.error());
            continue;
        }
        const sent* g = world::genuine(to_bob ? w.to_bob : w.to_alice, in);
        require(g != nullptr);
        require(r->state().confirmed);
        auto back = om::parse_session(om::serialize(r->state()).view());
        require(back && *back == r->state());
        require(std::move(*r).release() == g->km);
    }
}

void deliver_key_exchange(const world& w, bytes_view in) {
    auto x = om::parse_key_exchange(in);
    if (!x) {
        check_error(x.error());
        return;
    }
    const bytes again = om::encode_key_exchange(*x);
    auto reparsed = om::parse_key_exchange(again);
    require(reparsed && *reparsed == *x && om::encode_key_exchange(*reparsed) == again);
    const auto before = om::serialize(w.bob);
    for (const om::session* existing : {&w.bob, static_cast<const om::session*>(nullptr)}) {
        auto r = om::accept_key_exchange(existing, w.bob_id, std::span(&w.spk, 1), w.pks, *x);
        require(ct::equal(om::serialize(w.bob).view(), before.view()));
        if (!r) {
            check_error(r.error());
            continue;
        }
        const sent* g = world::genuine(w.to_bob, x->message);
        require(g != nullptr && g->key.prekey);
        // Alice's keys, possibly spelled otherwise (X25519 reads bit 255
        // away): the same points.
        require(om::detail::canonical_u(x->identity_key) == w.alice_id.curve25519_public());
        require(om::detail::canonical_u(r->state().exchange.base_key) == w.alice.exchange.base_key);
        require(std::move(*r).release().key_material == g->km);
    }
}

void write_seed(const std::string& dir, const std::string& name, byte mode, bytes_view body) {
    std::ofstream f(dir + "/" + name, std::ios::binary);
    f.put(static_cast<char>(mode));
    f.write(reinterpret_cast<const char*>(body.data()), static_cast<std::streamsize>(body.size()));
}

void write_seeds(const std::string& dir) {
    const world& w = the_world();
    for (std::size_t i = 0; i < w.to_bob.size(); ++i) {
        const auto& k = w.to_bob[i].key;
        write_seed(dir, "to_bob_" + std::to_string(i), k.prekey ? 1 : 0, k.data);
        write_seed(dir, "flip_" + std::to_string(i), 2,
                   bytes{static_cast<byte>(i), static_cast<byte>(5 + 7 * i), 0x01});
    }
    write_seed(dir, "to_alice_1", 0, w.to_alice[1].key.data);
    auto cut = w.to_bob[4].key.data;
    cut.resize(cut.size() / 2);
    write_seed(dir, "message_cut", 0, cut);
    auto mac = w.to_bob[5].key.data;
    mac.back() ^= 0x20;
    write_seed(dir, "message_bad_mac", 0, mac);
    write_seed(dir, "garbage_kex", 1, bytes{0x33, 0x08, 0x01, 0x12, 0x00});
    write_seed(dir, "stored_alice", 3, om::serialize(w.alice).view());
    write_seed(dir, "stored_bob", 3, om::serialize(w.bob).view());
    write_seed(dir, "payload", 4, concat(w.payload.content.iv, w.payload.content.ciphertext));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    e2ekit::fuzz::write_seeds_once([](const char* dir) { write_seeds(dir); });
    if (size == 0) return 0;
    const bytes_view in(data + 1, size - 1);
    const world& w = the_world();
    switch (data[0] % 5) {
    case 0: deliver_message(w, in); break;
    case 1: deliver_key_exchange(w, in); break;
    case 2: {
        if (in.size() < 2) break;
        const auto& k = w.to_bob[in[0] % w.to_bob.size()].key;
        bytes changed = k.data;
        const std::size_t at = in[1] % changed.size();
        for (std::size_t i = 2; i < in.size() && at + i - 2 < changed.size(); ++i)
            changed[at + i - 2] ^= in[i];
        if (k.prekey)
            deliver_key_exchange(w, changed);
        else
            deliver_message(w, changed);
        break;
    }
    case 3: {
        auto s = om::parse_session(in);
        if (!s) {
            require(s.error() == om::oldmemo_error::bad_session ||
                    s.error() == om::oldmemo_error::unsupported_session);
            break;
        }
        const auto stored = om::serialize(*s);
        auto again = om::parse_session(stored.view());
        require(again && *again == *s && om::serialize(*again) == stored);
        break;
    }
    default: {
        if (in.size() < om::payload_params::iv_size) break;
        const om::content c{to_bytes(in.subspan(om::payload_params::iv_size)),
                            to_bytes(in.first(om::payload_params::iv_size))};
        auto r = om::decrypt_plaintext(c, w.payload.key_material);
        if (r) {
            require(c == w.payload.content);
            require(as_chars(r->view()) == "hi");
        } else {
            require(r.error() == condition::authentication_failed ||
                    r.error() == om::oldmemo_error::empty_content);
        }
        break;
    }
    }
    return 0;
}
