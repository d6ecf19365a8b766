// Olm's wire messages, byte for byte as libolm 3.2 (src/message.cpp,
// docs/olm.md "The Olm Message format") writes them. Olm's encoding looks
// like protobuf but is its own: one version byte, then tagged fields
// (varint keys, varint or length-delimited values), and for a normal
// message a MAC after them:
//
//   normal (type 1)  = 0x03 ‖ 0x0A len ratchet key ‖ 0x10 varint counter ‖
//                      0x22 len ciphertext ‖ MAC(8)
//   MAC              = HMAC-SHA-256(mac key, all bytes before it), first 8
//   pre-key (type 0) = 0x03 ‖ 0x0A len one-time key ‖ 0x12 len base key ‖
//                      0x1A len identity key ‖ 0x22 len normal message
//
// Parsing as libolm: the version byte first (anything but 3 is refused),
// fields in any order, a repeated field's last value wins, fields of unknown
// tags skipped (varint or length-delimited; other wire types are
// `malformed`). Stricter than libolm, where it does not change what a
// well-formed peer sends: keys must be 32 bytes (`invalid_key`), a varint
// may not run past its type (5 bytes for a 32-bit value, 10 otherwise:
// `overlong_varint`) nor past the input (`truncated`), and a required field
// that is missing is `malformed`. A parsed normal message is not yet
// authentic: `verify_mac` checks it with the ratchet's message keys.
#ifndef E2EKIT_PROTOCOLS_OLM_MESSAGES_HPP
#define E2EKIT_PROTOCOLS_OLM_MESSAGES_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/crypto/x25519.hpp>
#include <e2ekit/envelope/error.hpp>
#include <e2ekit/protocols/olm/error.hpp>
#include <e2ekit/protocols/olm/params.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace e2ekit::protocols::olm {

using public_key = crypto::x25519::public_key;

/// Olm's message types as libolm numbers them (OLM_MESSAGE_TYPE_*).
enum class message_type : std::uint8_t { prekey = 0, normal = 1 };

/// A parsed normal message. `authenticated` and `mac` are views into the
/// wire bytes it was parsed from: keep those alive until `verify_mac`.
struct normal_message {
    public_key ratchet_key{};
    std::uint32_t counter = 0;
    bytes_view ciphertext;
    bytes_view authenticated; ///< version byte .. last field, what the MAC covers
    bytes_view mac;
};

/// A parsed pre-key message; `message` views the normal message inside.
struct prekey_message {
    public_key one_time_key{};
    public_key base_key{};
    public_key identity_key{};
    bytes_view message;
};

/// A pre-key message to encode (owns the inner message).
struct prekey_message_parts {
    public_key one_time_key{};
    public_key base_key{};
    public_key identity_key{};
    bytes message;
    friend bool operator==(const prekey_message_parts&, const prekey_message_parts&) = default;
};

namespace detail {

/// Reads one varint of at most `MaxBytes` bytes at in[pos..]; a value that
/// needs more bits than MaxBytes * 7 allows for its type is overlong too.
template <class T, std::size_t MaxBytes = (sizeof(T) * 8 + 6) / 7>
result<T> read_varint(bytes_view in, std::size_t& pos) noexcept {
    T value = 0;
    for (std::size_t i = 0;; ++i) {
        if (pos >= in.size()) return envelope::envelope_error::truncated;
        if (i >= MaxBytes) return olm_error::overlong_varint;
        const byte b = in[pos++];
        const T part = static_cast<T>(b & 0x7f);
        const unsigned shift = static_cast<unsigned>(7 * i);
        constexpr unsigned bits = sizeof(T) * 8;
        // Bits that would fall off the top of T make the varint overlong.
        if (bits - shift < 7 && (part >> (bits - shift)) != 0) return olm_error::overlong_varint;
        value |= static_cast<T>(part << shift);
        if ((b & 0x80) == 0) return value;
    }
}

inline std::size_t varint_size(std::uint64_t v) noexcept {
    std::size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        ++n;
    }
    return n;
}

inline byte* write_varint(byte* out, std::uint64_t v) noexcept {
    while (v >= 0x80) {
        *out++ = static_cast<byte>((v & 0x7f) | 0x80);
        v >>= 7;
    }
    *out++ = static_cast<byte>(v);
    return out;
}

inline byte* write_bytes_field(byte* out, byte tag, bytes_view v) noexcept {
    *out++ = tag;
    out = write_varint(out, v.size());
    return std::copy(v.begin(), v.end(), out);
}

/// One field: its key and, for a length-delimited one, its value.
struct wire_field {
    std::uint32_t key = 0;
    std::uint64_t number = 0; ///< a varint field's value
    std::size_t width = 0;    ///< bytes of that varint
    bytes_view data;          ///< a length-delimited field's value
};

/// Reads the next field of `in` at `pos`; unknown wire types are malformed.
inline result<wire_field> read_field(bytes_view in, std::size_t& pos) noexcept {
    wire_field f;
    E2EKIT_TRY(key, read_varint<std::uint32_t>(in, pos));
    f.key = key;
    switch (key & 7) {
    case 0: {
        const std::size_t start = pos;
        E2EKIT_TRY(n, read_varint<std::uint64_t>(in, pos));
        f.number = n;
        f.width = pos - start;
        return f;
    }
    case 2: {
        E2EKIT_TRY(len, read_varint<std::uint32_t>(in, pos));
        if (len > in.size() - pos) return envelope::envelope_error::truncated;
        f.data = in.subspan(pos, len);
        pos += len;
        return f;
    }
    default: return envelope::envelope_error::malformed;
    }
}

inline result<void> check_version(bytes_view in) noexcept {
    if (in.empty()) return envelope::envelope_error::truncated;
    if (in[0] < wire::version) return envelope::envelope_error::legacy_version;
    if (in[0] > wire::version) return envelope::envelope_error::unknown_version;
    return {};
}

inline result<public_key> key_of(bytes_view v) noexcept {
    if (v.size() != wire::key_size) return envelope::envelope_error::invalid_key;
    public_key k;
    std::copy(v.begin(), v.end(), k.begin());
    return k;
}

} // namespace detail

/// Parses a normal (type 1) message; the MAC is split off, not checked.
inline result<normal_message> parse_normal_message(bytes_view in) {
    if (in.size() < 1 + wire::mac_size) return envelope::envelope_error::truncated;
    E2EKIT_CHECK(detail::check_version(in));
    const bytes_view body = in.first(in.size() - wire::mac_size);
    std::optional<bytes_view> ratchet_key;
    std::optional<std::uint64_t> counter;
    std::optional<bytes_view> ciphertext;
    std::size_t pos = 1;
    while (pos < body.size()) {
        E2EKIT_TRY(f, detail::read_field(body, pos));
        switch (f.key) {
        case wire::ratchet_key_tag: ratchet_key = f.data; break;
        case wire::counter_tag:
            // The counter is 32 bits: 5 bytes of varint at most.
            if (f.width > 5 || f.number > 0xffffffffu) return olm_error::overlong_varint;
            counter = f.number;
            break;
        case wire::ciphertext_tag: ciphertext = f.data; break;
        default: break; // unknown tags are skipped, as libolm skips them
        }
    }
    if (!ratchet_key || !counter || !ciphertext) return envelope::envelope_error::malformed;
    E2EKIT_TRY(rk, detail::key_of(*ratchet_key));
    normal_message m;
    m.ratchet_key = rk;
    m.counter = static_cast<std::uint32_t>(*counter);
    m.ciphertext = *ciphertext;
    m.authenticated = body;
    m.mac = in.last(wire::mac_size);
    return m;
}

/// Parses a pre-key (type 0) message; the normal message inside is kept
/// as bytes, parsed when it is decrypted.
inline result<prekey_message> parse_prekey_message(bytes_view in) {
    E2EKIT_CHECK(detail::check_version(in));
    std::optional<bytes_view> otk, base, identity, message;
    std::size_t pos = 1;
    while (pos < in.size()) {
        E2EKIT_TRY(f, detail::read_field(in, pos));
        switch (f.key) {
        case wire::one_time_key_tag: otk = f.data; break;
        case wire::base_key_tag: base = f.data; break;
        case wire::identity_key_tag: identity = f.data; break;
        case wire::message_tag: message = f.data; break;
        default: break;
        }
    }
    if (!otk || !base || !identity || !message) return envelope::envelope_error::malformed;
    prekey_message m;
    E2EKIT_TRY(o, detail::key_of(*otk));
    E2EKIT_TRY(b, detail::key_of(*base));
    E2EKIT_TRY(i, detail::key_of(*identity));
    m.one_time_key = o;
    m.base_key = b;
    m.identity_key = i;
    m.message = *message;
    return m;
}

/// The size of a normal message with `ciphertext_size` bytes of ciphertext.
inline std::size_t normal_message_size(std::uint32_t counter,
                                       std::size_t ciphertext_size) noexcept {
    return 1 + 2 + wire::key_size + 1 + detail::varint_size(counter) + 1 +
           detail::varint_size(ciphertext_size) + ciphertext_size + wire::mac_size;
}

/// Writes a normal message's header fields into `out` (sized by
/// normal_message_size) and returns where its ciphertext goes.
inline mutable_bytes_view write_normal_header(mutable_bytes_view out, const public_key& ratchet_key,
                                              std::uint32_t counter,
                                              std::size_t ciphertext_size) noexcept {
    byte* p = out.data();
    *p++ = wire::version;
    p = detail::write_bytes_field(p, wire::ratchet_key_tag, ratchet_key);
    *p++ = wire::counter_tag;
    p = detail::write_varint(p, counter);
    *p++ = wire::ciphertext_tag;
    p = detail::write_varint(p, ciphertext_size);
    return {p, ciphertext_size};
}

/// Writes the MAC over everything before the last `mac_size` bytes.
inline void seal_normal_message(mutable_bytes_view out, fixed_view<32> mac_key) {
    wire::mac::tag t;
    wire::mac::compute(t, mac_key, bytes_view(out).first(out.size() - wire::mac_size));
    std::copy_n(t.begin(), wire::mac_size, out.end() - wire::mac_size);
    ct::wipe(t);
}

/// A whole normal message around a ciphertext (tests, fuzzing).
inline bytes encode_normal_message(const public_key& ratchet_key, std::uint32_t counter,
                                   bytes_view ciphertext, fixed_view<32> mac_key) {
    bytes out(normal_message_size(counter, ciphertext.size()));
    auto ct = write_normal_header(out, ratchet_key, counter, ciphertext.size());
    std::copy(ciphertext.begin(), ciphertext.end(), ct.begin());
    seal_normal_message(out, mac_key);
    return out;
}

/// `authentication_failed` unless the message's MAC verifies.
inline result<void> verify_mac(const normal_message& m, fixed_view<32> mac_key) {
    if (!wire::mac::verify(mac_key, m.mac, m.authenticated))
        return envelope::envelope_error::authentication_failed;
    return {};
}

inline bytes encode_prekey_message(const public_key& one_time_key, const public_key& base_key,
                                   const public_key& identity_key, bytes_view message) {
    bytes out(1 + 3 * (2 + wire::key_size) + 1 + detail::varint_size(message.size()) +
              message.size());
    byte* p = out.data();
    *p++ = wire::version;
    p = detail::write_bytes_field(p, wire::one_time_key_tag, one_time_key);
    p = detail::write_bytes_field(p, wire::base_key_tag, base_key);
    p = detail::write_bytes_field(p, wire::identity_key_tag, identity_key);
    detail::write_bytes_field(p, wire::message_tag, message);
    return out;
}

inline bytes encode_prekey_message(const prekey_message_parts& m) {
    return encode_prekey_message(m.one_time_key, m.base_key, m.identity_key, m.message);
}

inline result<prekey_message_parts> parse_prekey_message_parts(bytes_view in) {
    E2EKIT_TRY(m, parse_prekey_message(in));
    return prekey_message_parts{m.one_time_key, m.base_key, m.identity_key, to_bytes(m.message)};
}

} // namespace e2ekit::protocols::olm

#endif
