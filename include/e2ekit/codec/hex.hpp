// Hexadecimal (RFC 4648 §8, "base16") through libsodium's constant-time
// codec. Encoding is lower-case; decoding accepts either case, as §8 allows
// ("case-insensitive"), and nothing else: no separators, no whitespace, an
// even number of digits.
#ifndef E2EKIT_CODEC_HEX_HPP
#define E2EKIT_CODEC_HEX_HPP

#include <e2ekit/codec/error.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>

#include <sodium.h>

#include <string>
#include <string_view>

namespace e2ekit::codec::hex {

/// Lower-case digits, two per byte.
inline std::string encode(bytes_view in) {
    if (in.empty()) return {}; // libsodium declares its pointers non-null
    std::string out(in.size() * 2 + 1, '\0');
    sodium_bin2hex(out.data(), out.size(), in.data(), in.size());
    out.pop_back(); // libsodium writes a terminating NUL
    return out;
}

namespace detail {

/// Decodes exactly in.size() / 2 bytes to `out`; wipes them on failure.
inline result<void> run(byte* out, std::string_view in) noexcept {
    if (in.empty()) return ok(); // libsodium declares its pointers non-null
    const std::size_t n = in.size() / 2;
    std::size_t got = 0;
    if (sodium_hex2bin(out, n, in.data(), in.size(), nullptr, &got, nullptr) != 0 || got != n) {
        ct::wipe(out, n);
        return decode_error::invalid_character;
    }
    return ok();
}

inline result<std::size_t> checked_size(std::string_view in) noexcept {
    if (in.size() % 2) return decode_error::truncated;
    return in.size() / 2;
}

} // namespace detail

/// Decodes public data.
inline result<bytes> decode(std::string_view in) {
    E2EKIT_TRY(n, detail::checked_size(in));
    bytes out(n);
    E2EKIT_CHECK(detail::run(out.data(), in));
    return out;
}

/// Decodes into a caller's buffer; returns the length written (`bad_length`
/// if it does not fit). `out` is wiped on failure.
inline result<std::size_t> decode_to(mutable_bytes_view out, std::string_view in) noexcept {
    E2EKIT_TRY(n, detail::checked_size(in));
    if (n > out.size()) {
        ct::wipe(out);
        return decode_error::bad_length;
    }
    E2EKIT_CHECK(detail::run(out.data(), in));
    return n;
}

/// Decodes exactly N public bytes.
template <std::size_t N>
result<byte_array<N>> decode_array(std::string_view in) noexcept {
    E2EKIT_TRY(n, detail::checked_size(in));
    if (n != N) return decode_error::bad_length;
    byte_array<N> out;
    E2EKIT_CHECK(detail::run(out.data(), in));
    return out;
}

/// Decodes key material of any length, in constant time.
inline result<secret_bytes> decode_secret(std::string_view in) {
    E2EKIT_TRY(n, detail::checked_size(in));
    secret_bytes out(n);
    E2EKIT_CHECK(detail::run(out.data(), in));
    return out;
}

/// Decodes exactly N bytes of key material, in constant time.
template <std::size_t N, class Tag = void>
result<secret<N, Tag>> decode_secret(std::string_view in) noexcept {
    E2EKIT_TRY(n, detail::checked_size(in));
    if (n != N) return decode_error::bad_length;
    secret<N, Tag> out;
    E2EKIT_CHECK(detail::run(out.data(), in));
    return out;
}

} // namespace e2ekit::codec::hex

#endif
