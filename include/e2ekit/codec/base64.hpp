// Base64 (RFC 4648 §4 and §5). Encoding and `decode_secret` go through
// libsodium's constant-time codec; `decode`, `decode_to` and `decode_array`
// are for public data and use a lookup table (several times faster, see
// bench/codec.cpp) with exactly the same acceptance, which fuzz/codec_base64
// checks against the libsodium path. Decoding is strict: a character
// outside the alphabet, padding where the variant has none (or none where it
// requires it), and non-zero trailing bits (RFC 4648 §3.5: "decoders MAY
// reject", we do) are all refused, so every byte string has exactly one
// accepted spelling per variant.
//
// | variant                     | alphabet   | encode    | decode accepts     |
// |-----------------------------|------------|-----------|--------------------|
// | `standard`                  | §4 `+/`    | padded    | padded only        |
// | `standard_unpadded`         | §4 `+/`    | unpadded  | unpadded only      |
// | `url`                       | §5 `-_`    | padded    | padded only        |
// | `url_unpadded`              | §5 `-_`    | unpadded  | unpadded only      |
// | `standard_optional_padding` | §4 `+/`    | unpadded  | both (Matrix)      |
// | `url_optional_padding`      | §5 `-_`    | unpadded  | both               |
//
// Matrix writes unpadded standard base64 and tells readers to accept both
// forms (Matrix spec, Appendices, "Unpadded Base64"): that is
// `standard_optional_padding`.
//
// libsodium 1.0.18 accepts any byte >= 0x80 as a digit; e2ekit refuses
// such text before libsodium sees it (impl/base64.hpp).
//
// `decode_secret` writes straight into wiped storage and touches the key
// bytes only inside libsodium's constant-time decoder; what it branches on
// outside it (length, position of '=') is public.
#ifndef E2EKIT_CODEC_BASE64_HPP
#define E2EKIT_CODEC_BASE64_HPP

#include <e2ekit/codec/error.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>

#include <sodium.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <type_traits>

namespace e2ekit::codec::base64 {

/// What a variant does with '=' padding.
enum class padding {
    required, ///< written, and demanded on input
    none,     ///< never written, refused on input
    optional, ///< never written, accepted on input when it is exactly right
};

/// A base64 variant: alphabet (RFC 4648 §4 or §5) and padding rule.
template <bool UrlSafe, padding Pad>
struct variant {
    static constexpr bool url_safe = UrlSafe;
    static constexpr padding pad = Pad;
};

using standard = variant<false, padding::required>;
using standard_unpadded = variant<false, padding::none>;
using url = variant<true, padding::required>;
using url_unpadded = variant<true, padding::none>;
using standard_optional_padding = variant<false, padding::optional>;
using url_optional_padding = variant<true, padding::optional>;

template <class V>
inline constexpr bool is_variant_v = false;
template <bool U, padding P>
inline constexpr bool is_variant_v<variant<U, P>> = true;

/// Length of the encoding of `n` bytes.
template <class V = standard>
requires is_variant_v<V>
constexpr std::size_t encoded_size(std::size_t n) noexcept {
    if constexpr (V::pad == padding::required)
        return (n + 2) / 3 * 4;
    else
        return n / 3 * 4 + (n % 3 ? n % 3 + 1 : 0);
}

template <class V = standard>
requires is_variant_v<V> std::string encode(bytes_view in);

/// Decodes public data.
template <class V = standard>
requires is_variant_v<V> result<bytes> decode(std::string_view in);

/// Decodes into a caller's buffer (no allocation); returns the length
/// written. `bad_length` if the data does not fit. `out` is wiped on failure.
template <class V = standard>
requires is_variant_v<V> result<std::size_t> decode_to(mutable_bytes_view out, std::string_view in)
noexcept;

/// Decodes exactly N public bytes (a public key, a signature).
template <std::size_t N, class V = standard>
requires is_variant_v<V> result<byte_array<N>> decode_array(std::string_view in)
noexcept;

/// Decodes key material of any length, in constant time.
template <class V = standard>
requires is_variant_v<V> result<secret_bytes> decode_secret(std::string_view in);

/// Decodes exactly N bytes of key material, in constant time; `bad_length`
/// when the text does not encode N bytes.
template <std::size_t N, class Tag = void, class V = standard>
requires is_variant_v<V> result<secret<N, Tag>> decode_secret(std::string_view in)
noexcept;

} // namespace e2ekit::codec::base64

#include <e2ekit/codec/impl/base64.hpp>

#endif
