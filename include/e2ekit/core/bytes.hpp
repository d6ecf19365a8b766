// Byte vocabulary. Sizes travel in types where they are fixed (Monocypher's
// habit): a 32-byte key is a `std::span<const std::uint8_t, 32>`, not a
// pointer and a length checked at run time.
#ifndef E2EKIT_CORE_BYTES_HPP
#define E2EKIT_CORE_BYTES_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

namespace e2ekit {

using byte = std::uint8_t;
using bytes = std::vector<byte>;
using bytes_view = std::span<const byte>;
using mutable_bytes_view = std::span<byte>;

template <std::size_t N>
using byte_array = std::array<byte, N>;

template <std::size_t N>
using fixed_view = std::span<const byte, N>;

template <std::size_t N>
using mutable_fixed_view = std::span<byte, N>;

/// The bytes of a string, without copying.
inline bytes_view as_bytes(std::string_view s) noexcept {
    return {reinterpret_cast<const byte*>(s.data()), s.size()};
}

/// Bytes read as characters, without copying (for text formats).
inline std::string_view as_chars(bytes_view b) noexcept {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

inline bytes to_bytes(bytes_view b) {
    return bytes(b.begin(), b.end());
}

/// Concatenates any number of byte ranges into one vector.
template <class... R>
bytes concat(const R&... parts) {
    bytes out;
    out.reserve((std::size(parts) + ... + 0));
    (out.insert(out.end(), std::begin(parts), std::end(parts)), ...);
    return out;
}

/// Non-constant-time equality, for public data only.
inline bool equal_public(bytes_view a, bytes_view b) noexcept {
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

/// Big-endian fixed-width integer encoding, as most wire formats use.
template <class UInt>
constexpr void store_be(mutable_fixed_view<sizeof(UInt)> out, UInt v) noexcept {
    for (std::size_t i = 0; i < sizeof(UInt); ++i)
        out[sizeof(UInt) - 1 - i] = static_cast<byte>(v >> (8 * i));
}

template <class UInt>
constexpr UInt load_be(fixed_view<sizeof(UInt)> in) noexcept {
    UInt v = 0;
    for (std::size_t i = 0; i < sizeof(UInt); ++i)
        v = static_cast<UInt>((v << 8) | in[i]);
    return v;
}

} // namespace e2ekit

#endif
