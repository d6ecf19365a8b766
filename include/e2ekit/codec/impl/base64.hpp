// Bodies of e2ekit/codec/base64.hpp.
#ifndef E2EKIT_CODEC_IMPL_BASE64_HPP
#define E2EKIT_CODEC_IMPL_BASE64_HPP

#include <array>

namespace e2ekit::codec::base64 {
namespace detail {

template <class V>
constexpr int sodium_variant() noexcept {
    if constexpr (V::pad == padding::required)
        return V::url_safe ? sodium_base64_VARIANT_URLSAFE : sodium_base64_VARIANT_ORIGINAL;
    else
        return V::url_safe ? sodium_base64_VARIANT_URLSAFE_NO_PADDING
                           : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
}

template <class V>
constexpr bool in_alphabet(char c) noexcept {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
    return V::url_safe ? (c == '-' || c == '_') : (c == '+' || c == '/');
}

/// The text to hand to libsodium, its variant and the exact decoded length,
/// worked out from the length and the '=' at the end only (public).
struct plan {
    std::string_view body; ///< what libsodium reads (padding included if required)
    int sodium_variant;
    std::size_t size;   ///< exact decoded length
    std::size_t digits; ///< base64 digits in `body` (padding excluded)
};

/// A length that cannot be right; a stray character is the better report.
template <class V>
decode_error bad_shape(std::string_view in, decode_error e) noexcept {
    for (char c : in)
        if (c != '=' && !in_alphabet<V>(c)) return decode_error::invalid_character;
    return e;
}

template <class V>
result<plan> make_plan(std::string_view in) noexcept {
    // libsodium takes bytes >= 0x80 for digits (see ct::has_high_bit; found
    // by fuzz/codec_base64).
    if (ct::has_high_bit(in)) return decode_error::invalid_character;
    std::string_view body = in;
    std::size_t pads = 0;
    if constexpr (V::pad == padding::required) {
        if (in.size() % 4) return bad_shape<V>(in, decode_error::bad_padding);
        while (pads < 2 && pads < in.size() && in[in.size() - 1 - pads] == '=')
            ++pads;
        return plan{in, sodium_variant<V>(), in.size() / 4 * 3 - pads, in.size() - pads};
    } else {
        if constexpr (V::pad == padding::optional) {
            while (pads < 2 && pads < in.size() && in[in.size() - 1 - pads] == '=')
                ++pads;
            if (pads && in.size() % 4) return bad_shape<V>(in, decode_error::bad_padding);
            body = in.substr(0, in.size() - pads);
        }
        if (body.size() % 4 == 1) return bad_shape<V>(in, decode_error::truncated);
        return plan{body, sodium_variant<V>(),
                    body.size() / 4 * 3 + (body.size() % 4 ? body.size() % 4 - 1 : 0), body.size()};
    }
}

/// Why libsodium refused `in`: only called on failure, on text that is
/// already known to be rejected.
template <class V>
decode_error diagnose(std::string_view in) noexcept {
    const auto eq = in.find('=');
    for (std::size_t i = 0; i < in.size() && i < eq; ++i)
        if (!in_alphabet<V>(in[i])) return decode_error::invalid_character;
    if (eq != std::string_view::npos) {
        if constexpr (V::pad == padding::none) return decode_error::bad_padding;
        const bool tail_only = in.find_first_not_of('=', eq) == std::string_view::npos;
        if (!tail_only || in.size() - eq > 2 || in.size() % 4) return decode_error::bad_padding;
    }
    return decode_error::non_canonical;
}

/// Decodes into exactly p.size bytes at `out`; wipes them on failure.
template <class V>
result<void> run(byte* out, const plan& p, std::string_view in) noexcept {
    // libsodium declares its pointers non-null, even for empty ranges.
    if (p.body.empty()) return ok();
    byte none = 0;
    std::size_t n = 0;
    if (sodium_base642bin(p.size ? out : &none, p.size, p.body.data(), p.body.size(), nullptr, &n,
                          nullptr, p.sodium_variant) != 0 ||
        n != p.size) {
        ct::wipe(out, p.size);
        return diagnose<V>(in);
    }
    return ok();
}

template <class V>
inline constexpr std::array<byte, 256> digit_table = [] {
    std::array<byte, 256> t{};
    t.fill(0xFF);
    for (unsigned c = 0; c < 256; ++c)
        if (in_alphabet<V>(static_cast<char>(c))) {
            if (c >= 'A' && c <= 'Z')
                t[c] = static_cast<byte>(c - 'A');
            else if (c >= 'a' && c <= 'z')
                t[c] = static_cast<byte>(c - 'a' + 26);
            else if (c >= '0' && c <= '9')
                t[c] = static_cast<byte>(c - '0' + 52);
            else if (c == '+' || c == '-')
                t[c] = 62;
            else
                t[c] = 63;
        }
    return t;
}();

/// Public data only: a table lookup per character is several times faster
/// than libsodium's constant-time arithmetic, and indexes memory by the
/// text, which is why decode_secret never comes here. Same acceptance as
/// run(); the fuzz harness checks that the two agree.
template <class V>
result<void> run_public(byte* out, const plan& p, std::string_view in) noexcept {
    const auto& t = digit_table<V>;
    const auto* s = reinterpret_cast<const unsigned char*>(p.body.data());
    const std::size_t full = p.digits / 4, rest = p.digits % 4;
    unsigned bad = 0;
    byte* o = out;
    for (std::size_t g = 0; g < full; ++g, s += 4, o += 3) {
        const unsigned a = t[s[0]], b = t[s[1]], c = t[s[2]], d = t[s[3]];
        bad |= a | b | c | d;
        const unsigned v = a << 18 | b << 12 | c << 6 | d;
        o[0] = static_cast<byte>(v >> 16);
        o[1] = static_cast<byte>(v >> 8);
        o[2] = static_cast<byte>(v);
    }
    if (rest >= 2) {
        const unsigned a = t[s[0]], b = t[s[1]], c = rest == 3 ? t[s[2]] : 0;
        bad |= a | b | c;
        const unsigned v = a << 18 | b << 12 | c << 6;
        o[0] = static_cast<byte>(v >> 16);
        if (rest == 3) o[1] = static_cast<byte>(v >> 8);
        // RFC 4648 §3.5: the bits below the last whole byte must be zero.
        if (v & (rest == 2 ? 0xFFFFu : 0xFFu)) bad |= 0x100;
    }
    // A stray '=' in a padded body is not a digit either.
    if (bad & ~0x3Fu) {
        ct::wipe(out, p.size);
        return diagnose<V>(in);
    }
    return ok();
}

} // namespace detail

template <class V>
requires is_variant_v<V> std::string encode(bytes_view in) {
    if (in.empty()) return {}; // libsodium declares its pointers non-null
    constexpr int sv = detail::sodium_variant<V>();
    std::string out(sodium_base64_ENCODED_LEN(in.size(), sv), '\0');
    sodium_bin2base64(out.data(), out.size(), in.data(), in.size(), sv);
    out.resize(out.size() - 1); // libsodium writes a terminating NUL
    return out;
}

template <class V>
requires is_variant_v<V> result<std::size_t> decode_to(mutable_bytes_view out, std::string_view in)
noexcept {
    E2EKIT_TRY(p, detail::make_plan<V>(in));
    if (p.size > out.size()) {
        ct::wipe(out);
        return decode_error::bad_length;
    }
    E2EKIT_CHECK(detail::run_public<V>(out.data(), p, in));
    return p.size;
}

template <class V>
requires is_variant_v<V> result<bytes> decode(std::string_view in) {
    E2EKIT_TRY(p, detail::make_plan<V>(in));
    bytes out(p.size);
    E2EKIT_CHECK(detail::run_public<V>(out.data(), p, in));
    return out;
}

template <std::size_t N, class V>
requires is_variant_v<V> result<byte_array<N>> decode_array(std::string_view in)
noexcept {
    E2EKIT_TRY(p, detail::make_plan<V>(in));
    if (p.size != N) return decode_error::bad_length;
    byte_array<N> out;
    E2EKIT_CHECK(detail::run_public<V>(out.data(), p, in));
    return out;
}

template <class V>
requires is_variant_v<V> result<secret_bytes> decode_secret(std::string_view in) {
    E2EKIT_TRY(p, detail::make_plan<V>(in));
    secret_bytes out(p.size);
    E2EKIT_CHECK(detail::run<V>(out.data(), p, in));
    return out;
}

template <std::size_t N, class Tag, class V>
requires is_variant_v<V> result<secret<N, Tag>> decode_secret(std::string_view in)
noexcept {
    E2EKIT_TRY(p, detail::make_plan<V>(in));
    if (p.size != N) return decode_error::bad_length;
    secret<N, Tag> out;
    E2EKIT_CHECK(detail::run<V>(out.data(), p, in));
    return out;
}

} // namespace e2ekit::codec::base64

#endif
