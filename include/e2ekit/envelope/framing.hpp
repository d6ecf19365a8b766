// Framing that Signal v3, OMEMO 0.3 and Olm messages share: a version byte,
// a body, and a MAC truncated to a fixed length at the end; and public keys
// that travel behind a type byte (Signal's 0x05 "DJB" keys).
//
// Signal v3 (libsignal-protocol-c src/protocol.c): the version byte is
// (message version << 4) | current version; a reader looks at the high
// nibble only. Olm (libolm docs/olm.md) writes one plain version byte.
#ifndef E2EKIT_ENVELOPE_FRAMING_HPP
#define E2EKIT_ENVELOPE_FRAMING_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/envelope/error.hpp>

#include <algorithm>
#include <cstddef>

namespace e2ekit::envelope {

/// A framed message cut into its parts (views into the input).
struct mac_frame {
    byte version = 0;
    bytes_view authenticated; ///< version byte and body: what the MAC covers
    bytes_view body;
    bytes_view mac;
};

/// Cuts `wire` into version byte ‖ body ‖ MAC of `MacSize` bytes. The body
/// may not be empty (`truncated`).
template <std::size_t MacSize>
result<mac_frame> split_mac_frame(bytes_view wire) noexcept {
    if (wire.size() <= 1 + MacSize) return envelope_error::truncated;
    mac_frame f;
    f.version = wire[0];
    f.authenticated = wire.first(wire.size() - MacSize);
    f.body = f.authenticated.subspan(1);
    f.mac = wire.last(MacSize);
    return f;
}

/// A public key of `KeySize` bytes behind a one-byte type `Type`.
template <byte Type, std::size_t KeySize>
struct prefixed_key {
    static constexpr byte type = Type;
    static constexpr std::size_t key_size = KeySize;
    static constexpr std::size_t encoded_size = KeySize + 1;

    static byte_array<encoded_size> encode(fixed_view<KeySize> key) noexcept {
        byte_array<encoded_size> out;
        out[0] = Type;
        std::copy(key.begin(), key.end(), out.begin() + 1);
        return out;
    }

    /// Exactly the type byte and KeySize bytes; anything else is
    /// `invalid_key` (libsignal-protocol-c curve_decode_point refuses the
    /// same).
    static result<byte_array<KeySize>> decode(bytes_view encoded) noexcept {
        if (encoded.size() != encoded_size || encoded[0] != Type)
            return envelope_error::invalid_key;
        byte_array<KeySize> key;
        std::copy(encoded.begin() + 1, encoded.end(), key.begin());
        return key;
    }
};

} // namespace e2ekit::envelope

#endif
