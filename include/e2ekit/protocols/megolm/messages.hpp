// Megolm's wire forms (libolm message.cpp _olm_encode_group_message,
// inbound_group_session.c, outbound_group_session.c):
//
//   group message  = 0x03 ‖ 0x08 varint index ‖ 0x12 len ciphertext ‖
//                    MAC 8 ‖ Ed25519 signature 64
//   session key    = 0x02 ‖ index u32 BE ‖ ratchet 128 ‖ signing key 32 ‖
//                    signature 64 over the 165 bytes before it
//   exported key   = 0x01 ‖ index u32 BE ‖ ratchet 128 ‖ signing key 32
//
// The MAC (HMAC-SHA-256, first 8 bytes) covers the message up to it; the
// signature covers everything up to it, MAC included. Unknown tags in a
// group message are skipped, as libolm skips them; a varint may not be
// longer than its value needs bits for.
#ifndef E2EKIT_PROTOCOLS_MEGOLM_MESSAGES_HPP
#define E2EKIT_PROTOCOLS_MEGOLM_MESSAGES_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/envelope/error.hpp>
#include <e2ekit/protocols/megolm/error.hpp>
#include <e2ekit/protocols/olm/messages.hpp>
#include <e2ekit/ratchet/megolm.hpp>

#include <cstdint>
#include <optional>

namespace e2ekit::protocols::megolm {

namespace wire {
inline constexpr byte version = 0x03;
inline constexpr std::uint32_t index_tag = 0x08;
inline constexpr std::uint32_t ciphertext_tag = 0x12;
inline constexpr std::size_t mac_size = 8;
inline constexpr std::size_t signature_size = 64;
inline constexpr byte session_key_version = 0x02;
inline constexpr byte exported_key_version = 0x01;
inline constexpr std::size_t exported_key_size = 1 + 4 + ratchet::megolm_size + 32;
inline constexpr std::size_t session_key_size = exported_key_size + signature_size;
} // namespace wire

/// A parsed group message; every view points into the wire bytes.
struct group_message {
    std::uint32_t index = 0;
    bytes_view ciphertext;
    bytes_view authenticated; ///< what the MAC covers
    bytes_view mac;
    bytes_view signed_part; ///< what the signature covers
    bytes_view signature;
};

inline result<group_message> parse_group_message(bytes_view in) {
    if (in.size() < 1 + wire::mac_size + wire::signature_size)
        return envelope::envelope_error::truncated;
    if (in[0] < wire::version) return envelope::envelope_error::legacy_version;
    if (in[0] > wire::version) return envelope::envelope_error::unknown_version;
    group_message m;
    m.signed_part = in.first(in.size() - wire::signature_size);
    m.signature = in.last(wire::signature_size);
    m.authenticated = m.signed_part.first(m.signed_part.size() - wire::mac_size);
    m.mac = m.signed_part.last(wire::mac_size);
    std::optional<std::uint64_t> index;
    std::optional<bytes_view> ciphertext;
    std::size_t pos = 1;
    while (pos < m.authenticated.size()) {
        E2EKIT_TRY(f, olm::detail::read_field(m.authenticated, pos));
        if (f.key == wire::index_tag) {
            if (f.width > 5 || f.number > 0xffffffffu) return olm::olm_error::overlong_varint;
            index = f.number;
        } else if (f.key == wire::ciphertext_tag) {
            ciphertext = f.data;
        }
    }
    if (!index || !ciphertext) return envelope::envelope_error::malformed;
    m.index = static_cast<std::uint32_t>(*index);
    m.ciphertext = *ciphertext;
    return m;
}

/// The message up to its MAC; the caller appends the MAC and signature.
inline bytes encode_group_body(std::uint32_t index, bytes_view ciphertext) {
    bytes out(1 + 1 + olm::detail::varint_size(index) + 1 +
              olm::detail::varint_size(ciphertext.size()) + ciphertext.size());
    byte* p = out.data();
    *p++ = wire::version;
    *p++ = static_cast<byte>(wire::index_tag);
    p = olm::detail::write_varint(p, index);
    olm::detail::write_bytes_field(p, static_cast<byte>(wire::ciphertext_tag), ciphertext);
    return out;
}

/// A session key or an exported key, parsed; its signature, if any, is
/// checked by the caller (session.hpp), which knows what to verify with.
struct key_parts {
    bool signed_key = false; ///< a session key (0x02), not an export (0x01)
    std::uint32_t index = 0;
    secret<ratchet::megolm_size, ratchet::megolm_data_tag> ratchet_data;
    byte_array<32> signing_key{};
    bytes_view signed_part; ///< session keys: the 165 bytes the signature covers
    bytes_view signature;
};

inline result<key_parts> parse_key(bytes_view in) {
    key_parts k;
    if (in.size() == wire::session_key_size && in[0] == wire::session_key_version) {
        k.signed_key = true;
        k.signed_part = in.first(wire::exported_key_size);
        k.signature = in.last(wire::signature_size);
    } else if (!(in.size() == wire::exported_key_size && in[0] == wire::exported_key_version)) {
        return megolm_error::bad_session_key;
    }
    k.index = static_cast<std::uint32_t>(in[1]) << 24 | static_cast<std::uint32_t>(in[2]) << 16 |
              static_cast<std::uint32_t>(in[3]) << 8 | in[4];
    std::copy_n(in.data() + 5, ratchet::megolm_size, k.ratchet_data.mutable_view().data());
    std::copy_n(in.data() + 5 + ratchet::megolm_size, 32, k.signing_key.begin());
    return k;
}

/// 0x01 or 0x02 ‖ index ‖ ratchet ‖ signing key (the signature, for 0x02,
/// is the caller's to append), in wiped memory.
inline secret_bytes encode_key(byte version, std::uint32_t index, bytes_view ratchet_data,
                               const byte_array<32>& signing_key) {
    secret_bytes out(wire::exported_key_size);
    byte* p = out.mutable_view().data();
    *p++ = version;
    for (int s = 24; s >= 0; s -= 8)
        *p++ = static_cast<byte>(index >> s);
    p = std::copy(ratchet_data.begin(), ratchet_data.end(), p);
    std::copy(signing_key.begin(), signing_key.end(), p);
    return out;
}

} // namespace e2ekit::protocols::megolm

#endif
