// Signal v3 wire messages on attacker bytes: every input goes to
// parse_signal_message and to parse_prekey_signal_message (and the
// SignalMessage inside a pre-key message that parses goes to the first).
//
// - A refusal is a typed envelope_error that the framing explains: input
//   too short is `truncated`, a version nibble below or above 3 is
//   `legacy_version` / `unknown_version`, and past those only `malformed`
//   or `invalid_key`; parsing never says `authentication_failed`.
// - An acceptance re-encodes (with e2ekit's encoders) to a message that
//   parses to the same fields. The re-encoding equals the input byte for
//   byte exactly when the input is canonical: version byte 0x33, the
//   fields in field-number order, each once, none unknown, minimal varints
//   (read here with the raw protobuf reader, apart from the decoder).
// - The MAC: verify_mac agrees with OpenSSL's HMAC-SHA-256 over sender IK
//   ‖ receiver IK ‖ version ‖ protobuf, truncated to 8 bytes; a message
//   re-encoded under a key verifies under it, not under another key nor
//   with the identities swapped.
//
// Seeds: E2EKIT_FUZZ_SEEDS_OUT=<dir> replay_signal_messages /dev/null writes
// them (genuine messages of fuzz/signal_decrypt/conversation.hpp and
// malformed variants).
#include <e2ekit/codec/protobuf.hpp>
#include <e2ekit/protocols/signal/messages.hpp>

#include <fuzz/signal_decrypt/conversation.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using namespace e2ekit;
namespace sig = e2ekit::protocols::signal;
namespace pb = e2ekit::codec::protobuf;
using envelope::envelope_error;
using fuzz_signal::require;

namespace {

constexpr byte_array<32> mac_key_a = [] {
    byte_array<32> k{};
    for (std::size_t i = 0; i < k.size(); ++i)
        k[i] = static_cast<byte>(0x40 + i);
    return k;
}();
constexpr byte_array<32> mac_key_b = [] {
    byte_array<32> k = mac_key_a;
    k[31] ^= 0x80;
    return k;
}();
constexpr sig::public_key identity_a = [] {
    sig::public_key k{};
    k.fill(0x11);
    return k;
}();
constexpr sig::public_key identity_b = [] {
    sig::public_key k{};
    k.fill(0x22);
    return k;
}();

/// A refusal before the body: what the framing alone decides.
void check_framing_error(const std::error_code& e, bytes_view in, std::size_t min_size) {
    require(e.category() == category_of<envelope_error>());
    require(e != envelope_error::authentication_failed);
    if (in.size() < min_size) {
        require(e == envelope_error::truncated);
        return;
    }
    require(e != envelope_error::truncated);
    const byte v = in[0] >> 4;
    if (v < 3)
        require(e == envelope_error::legacy_version);
    else if (v > 3)
        require(e == envelope_error::unknown_version);
    else
        require(e == envelope_error::malformed || e == envelope_error::invalid_key);
}

/// The field numbers of a protobuf body in order, or nothing when the raw
/// reader refuses it.
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

/// OpenSSL's HMAC-SHA-256 over the MAC input, first 8 bytes.
byte_array<8> reference_mac(fixed_view<32> key, const sig::public_key& sender,
                            const sig::public_key& receiver, bytes_view authenticated) {
    bytes in;
    const auto s = sig::key_encoding::encode(sender);
    const auto r = sig::key_encoding::encode(receiver);
    in.insert(in.end(), s.begin(), s.end());
    in.insert(in.end(), r.begin(), r.end());
    in.insert(in.end(), authenticated.begin(), authenticated.end());
    byte full[32];
    unsigned len = 0;
    require(HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), in.data(), in.size(), full,
                 &len) != nullptr &&
            len == 32);
    byte_array<8> out;
    std::copy_n(full, 8, out.begin());
    return out;
}

void check_signal_message(bytes_view in) {
    auto m = sig::parse_signal_message(in);
    if (!m) {
        check_framing_error(m.error(), in, 1 + sig::wire::mac_size + 1);
        return;
    }
    require(in.size() > 1 + sig::wire::mac_size);
    require(m->authenticated.data() == in.data() &&
            m->authenticated.size() == in.size() - sig::wire::mac_size);
    require(equal_public(m->mac, in.last(sig::wire::mac_size)));

    // The MAC as it came, against an independent HMAC.
    for (const auto& key : {mac_key_a, mac_key_b}) {
        const bool expected =
            equal_public(reference_mac(key, identity_a, identity_b, m->authenticated), m->mac);
        require(sig::verify_mac(*m, key, identity_a, identity_b).has_value() == expected);
    }

    // Re-encoded under a key of ours: the same fields, a MAC that verifies.
    const bytes out = sig::encode_signal_message(m->ratchet_key, m->counter, m->previous_counter,
                                                 m->ciphertext, mac_key_a, identity_a, identity_b);
    auto again = sig::parse_signal_message(out);
    require(again.has_value());
    require(again->ratchet_key == m->ratchet_key && again->counter == m->counter &&
            again->previous_counter == m->previous_counter && again->ciphertext == m->ciphertext);
    require(sig::verify_mac(*again, mac_key_a, identity_a, identity_b).has_value());
    require(!sig::verify_mac(*again, mac_key_b, identity_a, identity_b));
    require(!sig::verify_mac(*again, mac_key_a, identity_b, identity_a));
    require(equal_public(again->mac,
                         reference_mac(mac_key_a, identity_a, identity_b, again->authenticated)));

    const bytes_view body = m->authenticated.subspan(1);
    const auto numbers = field_numbers(body);
    require(numbers.has_value()); // the decoder accepted it
    const bool canonical = in[0] == sig::wire::version_byte &&
                           *numbers == std::vector<std::uint32_t>{1, 2, 3, 4} &&
                           out.size() == in.size();
    require(canonical == equal_public(again->authenticated, m->authenticated));
}

void check_prekey_message(bytes_view in) {
    auto m = sig::parse_prekey_signal_message(in);
    if (!m) {
        check_framing_error(m.error(), in, 2);
        return;
    }
    require(in.size() >= 2 && (in[0] >> 4) == 3);
    const bytes out = sig::encode_prekey_signal_message(*m);
    auto again = sig::parse_prekey_signal_message(out);
    require(again.has_value());
    require(again->registration_id == m->registration_id && again->prekey_id == m->prekey_id &&
            again->signed_prekey_id == m->signed_prekey_id && again->base_key == m->base_key &&
            again->identity_key == m->identity_key && again->message == m->message);
    require(sig::encode_prekey_signal_message(*again) == out);

    const auto numbers = field_numbers(in.subspan(1));
    require(numbers.has_value());
    const std::vector<std::uint32_t> expected = m->prekey_id
                                                    ? std::vector<std::uint32_t>{1, 2, 3, 4, 5, 6}
                                                    : std::vector<std::uint32_t>{2, 3, 4, 5, 6};
    const bool canonical =
        in[0] == sig::wire::version_byte && *numbers == expected && out.size() == in.size();
    require(canonical == equal_public(out, in));

    // The message inside is a SignalMessage (or not) on its own terms.
    check_signal_message(m->message);
}

// --- seeds -------------------------------------------------------------------

bytes with_version(byte v, bytes_view rest) {
    bytes out{v};
    out.insert(out.end(), rest.begin(), rest.end());
    return out;
}

void make_seeds(auto&& put) {
    const auto& c = fuzz_signal::shared_conversation();
    const sig::public_key ratchet_key = c.alice_id.pub;
    const auto rk = sig::key_encoding::encode(ratchet_key);
    const bytes mac(8, 0xAB);

    // Genuine messages: a pre-key message, SignalMessages of both sides.
    put("genuine_prekey", c.messages.front().wire);
    int n = 0;
    for (const auto& m : c.messages)
        if (m.type == sig::message_type::signal && n < 4)
            put("genuine_signal_" + std::to_string(n++), m.wire);
    put("genuine_prekey_inner", c.messages.front().signal_wire);

    // Hand-built SignalMessages: field order, duplicates, unknown fields, varints.
    auto signal_body = [&](auto&& fields) {
        bytes b;
        pb::writer w{pb::vector_sink(b)};
        fields(w);
        bytes out = with_version(0x33, b);
        out.insert(out.end(), mac.begin(), mac.end());
        return out;
    };
    put("signal_canonical", signal_body([&](auto& w) {
            w.add_bytes(1, rk).add_uint32(2, 7).add_uint32(3, 2).add_bytes(4, bytes(32, 0x5A));
        }));
    put("signal_reordered", signal_body([&](auto& w) {
            w.add_uint32(2, 7).add_bytes(1, rk).add_bytes(4, bytes(16, 0x5A)).add_uint32(3, 2);
        }));
    put("signal_no_previous_counter", signal_body([&](auto& w) {
            w.add_bytes(1, rk).add_uint32(2, 0).add_bytes(4, bytes(16, 1));
        }));
    put("signal_no_ciphertext",
        signal_body([&](auto& w) { w.add_bytes(1, rk).add_uint32(2, 1).add_uint32(3, 0); }));
    put("signal_duplicate_counter", signal_body([&](auto& w) {
            w.add_bytes(1, rk).add_uint32(2, 1).add_uint32(2, 2).add_bytes(4, bytes(16, 1));
        }));
    put("signal_unknown_field", signal_body([&](auto& w) {
            w.add_bytes(1, rk).add_uint32(2, 1).add_uint32(3, 0).add_bytes(4, bytes(16, 1));
            w.add_uint64(9, 12345);
        }));
    put("signal_counter_too_big", signal_body([&](auto& w) {
            w.add_bytes(1, rk).add_uint64(2, 0x1'0000'0000ull).add_bytes(4, bytes(16, 1));
        }));
    bytes short_key(rk.begin(), rk.end() - 1);
    put("signal_short_key", signal_body([&](auto& w) {
            w.add_bytes(1, short_key).add_uint32(2, 1).add_bytes(4, bytes(16, 1));
        }));
    bytes djb6(rk.begin(), rk.end());
    djb6[0] = 0x06;
    put("signal_key_type_6", signal_body([&](auto& w) {
            w.add_bytes(1, djb6).add_uint32(2, 1).add_bytes(4, bytes(16, 1));
        }));
    {
        // counter 1 as a two-byte varint 0x81 0x00
        bytes b;
        pb::writer w{pb::vector_sink(b)};
        w.add_bytes(1, rk);
        b.push_back(0x10);
        b.push_back(0x81);
        b.push_back(0x00);
        w.add_uint32(3, 0).add_bytes(4, bytes(16, 1));
        bytes out = with_version(0x33, b);
        out.insert(out.end(), mac.begin(), mac.end());
        put("signal_long_varint", out);
    }
    const bytes& g = c.messages[1].signal_wire;
    put("signal_version_22", with_version(0x22, bytes_view(g).subspan(1)));
    put("signal_version_43", with_version(0x43, bytes_view(g).subspan(1)));
    put("signal_version_34", with_version(0x34, bytes_view(g).subspan(1)));
    put("truncated_9", bytes(g.begin(), g.begin() + 9));
    put("truncated_1", bytes{0x33});
    put("empty", bytes{});

    // Hand-built PreKeySignalMessages.
    const auto ik = sig::key_encoding::encode(c.alice_id.pub);
    auto prekey = [&](auto&& fields) {
        bytes b;
        pb::writer w{pb::vector_sink(b)};
        fields(w);
        return with_version(0x33, b);
    };
    put("prekey_no_one_time_key", prekey([&](auto& w) {
            w.add_bytes(2, rk).add_bytes(3, ik).add_bytes(4, g).add_uint32(5, 22).add_uint32(6, 4);
        }));
    put("prekey_missing_signed_id", prekey([&](auto& w) {
            w.add_uint32(1, 1).add_bytes(2, rk).add_bytes(3, ik).add_bytes(4, g).add_uint32(5, 2);
        }));
    put("prekey_garbage_inner", prekey([&](auto& w) {
            w.add_uint32(1, 1).add_bytes(2, rk).add_bytes(3, ik).add_bytes(4, bytes(12, 0x33));
            w.add_uint32(5, 22).add_uint32(6, 4);
        }));
    put("prekey_bad_identity", prekey([&](auto& w) {
            w.add_uint32(1, 1).add_bytes(2, rk).add_bytes(3, short_key).add_bytes(4, g);
            w.add_uint32(5, 22).add_uint32(6, 4);
        }));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz_signal::write_seeds_if_asked([](auto&& put) {
        make_seeds([&](const std::string& name, const bytes& b) { put(name, b); });
    });
    const bytes_view in(data, size);
    check_signal_message(in);
    check_prekey_message(in);
    return 0;
}
