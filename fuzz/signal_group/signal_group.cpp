// Signal group messages (sender keys, protocols/signal/group.hpp) on
// attacker bytes. Every input goes to both parsers, to the record parser,
// and to group_decrypt against a live member record made deterministically
// (two senders, kept keys for messages not yet delivered):
//
// - A parser's refusal is a typed envelope_error the framing explains
//   (`truncated`, `legacy_version`, `unknown_version`, then `malformed` or,
//   for a distribution's signing key, `invalid_key`). An acceptance
//   re-encodes with e2ekit's encoders to a message that parses to the same
//   fields; the re-encoding equals the input exactly when the input is
//   canonical (0x33, the fields once each in field-number order, none
//   unknown, minimal varints).
// - A stored record that parses serialises to a form that parses to it.
// - group_decrypt: a refusal is one of the documented errors and leaves the
//   record's serialised form byte-identical. As the input, it succeeds only
//   for a genuine message the record has not read, with its plaintext.
//   Then the input is signed again with the key of the sender its key id
//   names (the harness holds both senders' keys), so that the chain and the
//   cipher see fuzzed iterations and ciphertexts past the signature: a
//   success keeps the skip bound and reads as a duplicate afterwards.
// Any violation aborts.
//
// Seeds: E2EKIT_FUZZ_SEEDS_OUT=<dir> replay_signal_group /dev/null writes
// them (genuine messages and distributions of the live group, the record,
// malformed variants).
#include <e2ekit/codec/protobuf.hpp>
#include <e2ekit/protocols/signal/group.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

using namespace e2ekit;
namespace sig = e2ekit::protocols::signal;
namespace pb = e2ekit::codec::protobuf;
using envelope::envelope_error;
using ratchet::ratchet_error;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

bytes to_bytes(bytes_view v) {
    return bytes(v.begin(), v.end());
}

bytes stored(const sig::sender_key_record& r) {
    return to_bytes(sig::serialize(r).view());
}

struct genuine {
    bytes wire;
    bytes plaintext;
    bool readable = false; ///< by the live member record (not read yet, key kept or ahead)
};

/// Two senders in one group and a member who read some of their messages.
struct live_group {
    testing::deterministic_random rng{20261124};
    sig::sender_key_record alice = sig::create_sender_key(rng);
    sig::sender_key_record bob = sig::create_sender_key(rng);
    sig::sender_key_record member;
    bytes alice_distribution;
    bytes bob_distribution;
    std::vector<genuine> messages;
    bytes member_stored;

    live_group() {
        alice_distribution = distribute(alice);
        bob_distribution = distribute(bob);
        // Alice's messages 2, 4, 5 stay behind as kept keys; 7 .. 9 are ahead.
        send(alice, 10, {0, 1, 3, 6});
        // Bob's message 0 is kept, 2 ahead.
        send(bob, 3, {1});
        member_stored = stored(member);
    }

    bytes distribute(const sig::sender_key_record& sender) {
        auto d = sig::distribution_message(sender);
        require(d.has_value());
        auto m = sig::process_distribution(member, d->view());
        require(m.has_value());
        member = std::move(*m);
        return to_bytes(d->view());
    }

    void send(sig::sender_key_record& sender, int n, std::vector<int> read) {
        std::vector<genuine> sent;
        for (int i = 0; i < n; ++i) {
            genuine g;
            g.plaintext = bytes(static_cast<std::size_t>(3 + 7 * i), static_cast<byte>(0x41 + i));
            auto e = sig::group_encrypt(sender, g.plaintext, rng);
            require(e.has_value());
            auto [next, wire] = std::move(*e).split();
            sender = std::move(next);
            g.wire = std::move(wire);
            g.readable = true;
            sent.push_back(std::move(g));
        }
        for (int i : read) {
            auto& g = sent[static_cast<std::size_t>(i)];
            auto d = sig::group_decrypt(member, g.wire);
            require(d.has_value());
            auto [next, pt] = std::move(*d).split();
            require(equal_public(pt.view(), g.plaintext));
            member = std::move(next);
            g.readable = false;
        }
        for (auto& g : sent)
            messages.push_back(std::move(g));
    }

    /// The signing key of the sender whose key id this is (Alice's for any
    /// other id).
    const crypto::xeddsa::prepared_key& signer_for(std::uint32_t key_id) const {
        return key_id == bob.states[0].key_id ? *bob.states[0].signer : *alice.states[0].signer;
    }
};

const live_group& live() {
    static const live_group g;
    return g;
}

std::optional<std::vector<std::uint32_t>> field_numbers(bytes_view body) {
    std::vector<std::uint32_t> out;
    pb::reader r(body);
    pb::field f;
    for (;;) {
        auto more = r.next(f);
        if (!more) return std::nullopt;
        if (!*more) return out;
        out.push_back(f.number);
    }
}

/// A parser's refusal: what the framing alone decides, then `malformed`
/// (or `invalid_key` where a key is read).
void check_framing_error(const std::error_code& e, bytes_view in, std::size_t min_size,
                         bool reads_key) {
    require(e.category() == category_of<envelope_error>());
    if (in.size() < min_size) {
        require(e == envelope_error::truncated);
        return;
    }
    const byte v = in[0] >> 4;
    if (v < 3)
        require(e == envelope_error::legacy_version);
    else if (v > 3)
        require(e == envelope_error::unknown_version);
    else
        require(e == envelope_error::malformed || (reads_key && e == envelope_error::invalid_key));
}

void check_message_parse(bytes_view in) {
    auto m = sig::parse_sender_key_message(in);
    if (!m) {
        check_framing_error(m.error(), in, 1 + sig::sender_key_params::signature_size + 1, false);
        return;
    }
    require(m->signed_part.data() == in.data() && m->signed_part.size() + 64 == in.size());
    require(m->signature.data() == in.data() + in.size() - 64 && m->signature.size() == 64);

    testing::deterministic_random rng{7};
    const bytes out = sig::encode_sender_key_message(m->key_id, m->iteration, m->ciphertext,
                                                     live().signer_for(m->key_id), rng);
    auto again = sig::parse_sender_key_message(out);
    require(again.has_value());
    require(again->key_id == m->key_id && again->iteration == m->iteration &&
            again->ciphertext == m->ciphertext);
    const auto numbers = field_numbers(m->signed_part.subspan(1));
    require(numbers.has_value()); // the decoder accepted it
    const bool canonical = in[0] == sig::wire::version_byte &&
                           *numbers == std::vector<std::uint32_t>{1, 2, 3} &&
                           again->signed_part.size() == m->signed_part.size();
    require(canonical == equal_public(again->signed_part, m->signed_part));
}

void check_distribution_parse(bytes_view in) {
    auto d = sig::parse_sender_key_distribution(in);
    if (!d) {
        check_framing_error(d.error(), in, 2, true);
        return;
    }
    const auto out = sig::encode_sender_key_distribution(*d);
    auto again = sig::parse_sender_key_distribution(out.view());
    require(again.has_value());
    require(again->key_id == d->key_id && again->iteration == d->iteration &&
            again->chain_key == d->chain_key && again->signing_key == d->signing_key);
    require(sig::encode_sender_key_distribution(*again) == out);
    const auto numbers = field_numbers(in.subspan(1));
    require(numbers.has_value());
    const bool canonical = in[0] == sig::wire::version_byte &&
                           *numbers == std::vector<std::uint32_t>{1, 2, 3, 4} &&
                           out.size() == in.size();
    require(canonical == equal_public(out.view(), in));

    // A member reads it: a new state first, at most five, or nothing new.
    const auto& g = live();
    auto next = sig::process_distribution(g.member, in);
    require(next.has_value());
    require(!next->states.empty() && next->states.size() <= sig::sender_key_params::max_states);
    require(next->states.front().key_id == d->key_id || *next == g.member);
    require(stored(g.member) == g.member_stored);
}

void check_record_parse(bytes_view in) {
    auto r = sig::parse_sender_key_record(in);
    if (!r) {
        require(r.error() == sig::signal_error::bad_record ||
                r.error() == sig::signal_error::unsupported_record);
        return;
    }
    const auto out = sig::serialize(*r);
    auto again = sig::parse_sender_key_record(out.view());
    require(again.has_value());
    require(*again == *r);
    require(sig::serialize(*again) == out);
}

/// The errors a refused group message may carry.
bool documented(const std::error_code& e) {
    return e == envelope_error::truncated || e == envelope_error::legacy_version ||
           e == envelope_error::unknown_version || e == envelope_error::malformed ||
           e == envelope_error::authentication_failed || e == sig::signal_error::no_session ||
           e == ratchet_error::duplicate_message || e == ratchet_error::too_far_ahead ||
           e == ratchet_error::chain_exhausted;
}

/// After a success: the new record round-trips and reads the same message
/// as a duplicate.
void check_after_success(const sig::sender_key_record& next, bytes_view in) {
    auto back = sig::parse_sender_key_record(sig::serialize(next).view());
    require(back.has_value() && *back == next);
    auto again = sig::group_decrypt(next, in);
    require(!again && again.error() == ratchet_error::duplicate_message);
}

void check_decrypt(bytes_view in) {
    const auto& g = live();
    auto d = sig::group_decrypt(g.member, in);
    require(stored(g.member) == g.member_stored);
    if (!d) {
        require(documented(d.error()));
    } else {
        const auto it = std::find_if(g.messages.begin(), g.messages.end(),
                                     [&](const genuine& m) { return equal_public(m.wire, in); });
        require(it != g.messages.end() && it->readable);
        auto [next, pt] = std::move(*d).split();
        require(equal_public(pt.view(), it->plaintext));
        check_after_success(next, in);
    }

    // Signed again by the sender the key id names: past the signature.
    auto m = sig::parse_sender_key_message(in);
    if (!m) return;
    testing::deterministic_random rng{8};
    const bytes resigned = sig::encode_sender_key_message(m->key_id, m->iteration, m->ciphertext,
                                                          g.signer_for(m->key_id), rng);
    auto r = sig::group_decrypt(g.member, resigned);
    require(stored(g.member) == g.member_stored);
    const auto state = std::find_if(g.member.states.begin(), g.member.states.end(),
                                    [&](const auto& s) { return s.key_id == m->key_id; });
    if (state == g.member.states.end()) {
        require(!r && r.error() == sig::signal_error::no_session);
        return;
    }
    const auto& chain = state->chain;
    const bool kept = std::any_of(chain.skipped.begin(), chain.skipped.end(),
                                  [&](const auto& k) { return k.iteration == m->iteration; });
    if (m->iteration < chain.iteration && !kept) {
        require(!r && r.error() == ratchet_error::duplicate_message);
        return;
    }
    if (m->iteration >= chain.iteration &&
        m->iteration - chain.iteration > sig::sender_key_params::max_forward) {
        require(!r && r.error() == ratchet_error::too_far_ahead);
        return;
    }
    if (!r) {
        // Only the cipher (or the counter's very end) is left to refuse it.
        require(r.error() == envelope_error::authentication_failed ||
                r.error() == ratchet_error::chain_exhausted);
        return;
    }
    auto [next, pt] = std::move(*r).split();
    // A genuine message's body reads as that message.
    for (const auto& gm : g.messages)
        if (equal_public(bytes_view(gm.wire).first(gm.wire.size() - 64), m->signed_part))
            require(equal_public(pt.view(), gm.plaintext));
    require(next.states.size() == g.member.states.size());
    check_after_success(next, resigned);
}

// --- seeds -------------------------------------------------------------------

template <class Put>
void make_seeds(Put&& put) {
    const auto& g = live();
    put("distribution_alice", g.alice_distribution);
    put("distribution_bob", g.bob_distribution);
    put("record_member", g.member_stored);
    put("record_alice", stored(g.alice));
    // Alice's read 0, kept 2, ahead 7; Bob's kept 0 and read 1.
    for (std::size_t i : {0u, 2u, 7u, 10u, 11u}) {
        const auto& m = g.messages[i];
        put((m.readable ? "message_unread_" : "message_read_") + std::to_string(i), m.wire);
    }

    const bytes& m = g.messages[2].wire;
    bytes flipped = m;
    flipped[flipped.size() - 10] ^= 0x20;
    put("message_bad_signature", flipped);
    bytes version = m;
    version[0] = 0x23;
    put("message_version_23", version);
    put("message_truncated", bytes(m.begin(), m.begin() + 60));

    testing::deterministic_random rng{9};
    const auto alice_id = g.alice.states[0].key_id;
    const bytes ct(16, 0x5A);
    put("message_far_ahead",
        sig::encode_sender_key_message(alice_id, 4000, ct, g.signer_for(alice_id), rng));
    put("message_unknown_key",
        sig::encode_sender_key_message(alice_id ^ 1, 7, ct, g.signer_for(alice_id), rng));

    // Hand-built distributions: a missing field, a bad key type, a long varint.
    const auto sk = sig::key_encoding::encode(g.alice.states[0].signing_public);
    auto distribution = [&](auto&& fields) {
        bytes b{sig::wire::version_byte};
        pb::writer w{pb::vector_sink(b)};
        fields(w);
        return b;
    };
    put("distribution_no_chain_key",
        distribution([&](auto& w) { w.add_uint32(1, 5).add_uint32(2, 0).add_bytes(4, sk); }));
    bytes djb6(sk.begin(), sk.end());
    djb6[0] = 0x06;
    put("distribution_key_type_6", distribution([&](auto& w) {
            w.add_uint32(1, 5).add_uint32(2, 0).add_bytes(3, bytes(32, 1)).add_bytes(4, djb6);
        }));
    put("distribution_reordered", distribution([&](auto& w) {
            w.add_bytes(4, sk).add_bytes(3, bytes(32, 1)).add_uint32(2, 9).add_uint32(1, 5);
        }));
    put("empty", bytes{});
}

void write_seeds_if_asked() {
    const char* out = std::getenv("E2EKIT_FUZZ_SEEDS_OUT");
    if (!out) return;
    std::filesystem::create_directories(out);
    std::size_t n = 0;
    make_seeds([&](const std::string& name, bytes_view data) {
        std::ofstream f(std::filesystem::path(out) / name, std::ios::binary | std::ios::trunc);
        f.write(reinterpret_cast<const char*>(data.data()),
                static_cast<std::streamsize>(data.size()));
        require(static_cast<bool>(f));
        ++n;
    });
    std::printf("wrote %zu seeds to %s\n", n, out);
    std::exit(0);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    write_seeds_if_asked();
    const bytes_view in(data, size);
    check_message_parse(in);
    check_distribution_parse(in);
    check_record_parse(in);
    check_decrypt(in);
    return 0;
}
