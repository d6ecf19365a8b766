// Base58 with the Bitcoin alphabet, and Base58Check (payload followed by the
// first four bytes of SHA-256(SHA-256(payload))), as DIMP addresses use.
// Each leading zero byte is one leading '1'; the rest is the big-endian
// number written in base 58. With that rule every byte string has exactly
// one spelling, so decoding is canonical without further checks.
//
// The conversion is quadratic in the length, so decoding refuses inputs
// longer than `max_chars` (default 1 KiB) with `too_large` before doing any
// work. Base58 is for public data (addresses): it is not constant time.
#ifndef E2EKIT_CODEC_BASE58_HPP
#define E2EKIT_CODEC_BASE58_HPP

#include <e2ekit/codec/error.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/detail/sodium.hpp>
#include <e2ekit/core/result.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace e2ekit::codec::base58 {

inline constexpr std::string_view alphabet =
    "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// The default bound on decoder input, in characters.
inline constexpr std::size_t default_max_chars = 1024;

namespace detail {

inline constexpr std::array<signed char, 256> digit_table = [] {
    std::array<signed char, 256> t{};
    for (auto& v : t)
        v = -1;
    for (std::size_t i = 0; i < alphabet.size(); ++i)
        t[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
    return t;
}();

/// Multiplies the big-endian number in digits[size - used, size) by `from`
/// and adds `carry`, in base `to`; returns the new count of used digits.
inline std::size_t mul_add(byte* digits, std::size_t size, std::size_t used, unsigned from,
                           unsigned to, unsigned carry) noexcept {
    std::size_t i = 0;
    for (std::size_t k = size; k-- > 0 && (carry != 0 || i < used); ++i) {
        carry += from * digits[k];
        digits[k] = static_cast<byte>(carry % to);
        carry /= to;
    }
    return i;
}

} // namespace detail

/// Encodes `in`; quadratic in its length (meant for addresses and keys).
inline std::string encode(bytes_view in) {
    std::size_t zeros = 0;
    while (zeros < in.size() && in[zeros] == 0)
        ++zeros;
    // log(256) / log(58) < 1.37: room for every base-58 digit of the rest.
    const std::size_t size = (in.size() - zeros) * 137 / 100 + 1;
    bytes digits(size);
    std::size_t used = 0;
    for (std::size_t i = zeros; i < in.size(); ++i)
        used = detail::mul_add(digits.data(), size, used, 256, 58, in[i]);
    std::string out(zeros, '1');
    out.reserve(zeros + used);
    for (std::size_t k = size - used; k < size; ++k)
        out += alphabet[digits[k]];
    return out;
}

/// Decodes `in`: `invalid_character` outside the alphabet, `too_large`
/// beyond `max_chars`.
inline result<bytes> decode(std::string_view in, std::size_t max_chars = default_max_chars) {
    if (in.size() > max_chars) return decode_error::too_large;
    std::size_t ones = 0;
    while (ones < in.size() && in[ones] == '1')
        ++ones;
    // log(58) / log(256) < 0.733: room for every byte of the rest.
    const std::size_t size = (in.size() - ones) * 733 / 1000 + 1;
    bytes num(size);
    std::size_t used = 0;
    for (std::size_t i = ones; i < in.size(); ++i) {
        const int d = detail::digit_table[static_cast<unsigned char>(in[i])];
        if (d < 0) return decode_error::invalid_character;
        used = detail::mul_add(num.data(), size, used, 58, 256, static_cast<unsigned>(d));
    }
    bytes out(ones, 0);
    out.insert(out.end(), num.end() - static_cast<std::ptrdiff_t>(used), num.end());
    return out;
}

} // namespace e2ekit::codec::base58

namespace e2ekit::codec::base58check {

inline constexpr std::size_t checksum_size = 4;

namespace detail {

inline byte_array<checksum_size> checksum(bytes_view payload) noexcept {
    e2ekit::detail::ensure_sodium();
    byte_array<crypto_hash_sha256_BYTES> h;
    crypto_hash_sha256(h.data(), payload.data(), payload.size());
    crypto_hash_sha256(h.data(), h.data(), h.size());
    byte_array<checksum_size> c;
    std::copy_n(h.begin(), checksum_size, c.begin());
    return c;
}

} // namespace detail

/// base58(payload || first 4 bytes of SHA-256(SHA-256(payload))).
inline std::string encode(bytes_view payload) {
    const auto c = detail::checksum(payload);
    return base58::encode(concat(payload, c));
}

/// The payload, once its checksum matches (`bad_checksum` otherwise;
/// `truncated` when fewer than four bytes decode).
inline result<bytes> decode(std::string_view in,
                            std::size_t max_chars = base58::default_max_chars) {
    E2EKIT_TRY(all, base58::decode(in, max_chars));
    if (all.size() < checksum_size) return decode_error::truncated;
    const bytes_view payload(all.data(), all.size() - checksum_size);
    const auto c = detail::checksum(payload);
    if (!equal_public(c, bytes_view(all).subspan(payload.size())))
        return decode_error::bad_checksum;
    all.resize(payload.size());
    return all;
}

} // namespace e2ekit::codec::base58check

#endif
