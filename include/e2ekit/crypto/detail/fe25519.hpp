// Arithmetic modulo p = 2^255 - 19 in five 51-bit limbs (the radix of
// Bernstein et al., "High-speed high-security signatures", §5), for the
// public-key side of Ed25519 verification only (ge25519.hpp). Nothing here
// handles secrets: the functions branch and index on their inputs.
//
// Limb bounds: `from_bytes`, `mul`, `sq` and `carry` give limbs < 2^51 +
// 2^13; `add` and `sub` of such inputs give limbs < 2^54, which `mul` and
// `sq` take without overflowing their 128-bit sums (5 * 19 * 2^108 < 2^116).
// Chaining two `add`s or `sub`s without a `mul` or `carry` between them is
// not allowed.
#ifndef E2EKIT_CRYPTO_DETAIL_FE25519_HPP
#define E2EKIT_CRYPTO_DETAIL_FE25519_HPP

#include <e2ekit/core/bytes.hpp>

#include <array>
#include <cstdint>

namespace e2ekit::crypto::detail::fe25519 {

using u64 = std::uint64_t;
// GCC and Clang on 64-bit targets; `__extension__` keeps -Wpedantic quiet.
__extension__ typedef unsigned __int128 u128;

struct fe {
    std::array<u64, 5> v{};
};

inline constexpr u64 mask51 = (u64{1} << 51) - 1;

inline fe from_u64(u64 x) noexcept {
    fe r;
    r.v[0] = x & mask51;
    r.v[1] = x >> 51;
    return r;
}

inline u64 load64(const byte* p) noexcept {
    u64 r = 0;
    for (int i = 7; i >= 0; --i)
        r = (r << 8) | p[i];
    return r;
}

/// The low 255 bits of a little-endian encoding (bit 255 ignored), not
/// reduced: a value in [p, 2^255) stays as it is (see `is_canonical`).
inline fe from_bytes(fixed_view<32> s) noexcept {
    const byte* p = s.data();
    fe r;
    r.v[0] = load64(p) & mask51;
    r.v[1] = (load64(p + 6) >> 3) & mask51;
    r.v[2] = (load64(p + 12) >> 6) & mask51;
    r.v[3] = (load64(p + 19) >> 1) & mask51;
    r.v[4] = (load64(p + 24) >> 12) & mask51;
    return r;
}

inline fe carry(const fe& a) noexcept {
    fe r = a;
    u64 c = 0;
    for (int i = 0; i < 5; ++i) {
        r.v[i] += c;
        c = r.v[i] >> 51;
        r.v[i] &= mask51;
    }
    r.v[0] += 19 * c;
    c = r.v[0] >> 51;
    r.v[0] &= mask51;
    r.v[1] += c;
    return r;
}

inline fe add(const fe& a, const fe& b) noexcept {
    fe r;
    for (int i = 0; i < 5; ++i)
        r.v[i] = a.v[i] + b.v[i];
    return r;
}

/// a - b + 4p, so that no limb goes below zero for b's limbs < 2^53.
inline fe sub(const fe& a, const fe& b) noexcept {
    constexpr u64 four_p0 = 4 * ((u64{1} << 51) - 19);
    constexpr u64 four_pi = 4 * ((u64{1} << 51) - 1);
    fe r;
    r.v[0] = a.v[0] + four_p0 - b.v[0];
    for (int i = 1; i < 5; ++i)
        r.v[i] = a.v[i] + four_pi - b.v[i];
    return r;
}

inline fe neg(const fe& a) noexcept {
    return carry(sub(fe{}, a));
}

inline fe reduce_wide(const std::array<u128, 5>& t) noexcept {
    fe r;
    u128 c = 0;
    u64 lo[5];
    for (int i = 0; i < 5; ++i) {
        const u128 x = t[i] + c;
        lo[i] = static_cast<u64>(x) & mask51;
        c = x >> 51;
    }
    // c < 2^66: fold it back once through 19 * 2^255 = 19 (mod p).
    const u128 x0 = static_cast<u128>(lo[0]) + c * 19;
    r.v[0] = static_cast<u64>(x0) & mask51;
    const u128 x1 = static_cast<u128>(lo[1]) + (x0 >> 51);
    r.v[1] = static_cast<u64>(x1) & mask51;
    r.v[2] = lo[2] + static_cast<u64>(x1 >> 51);
    r.v[3] = lo[3];
    r.v[4] = lo[4];
    return r;
}

inline fe mul(const fe& a, const fe& b) noexcept {
    const u64 a0 = a.v[0], a1 = a.v[1], a2 = a.v[2], a3 = a.v[3], a4 = a.v[4];
    const u64 b0 = b.v[0], b1 = b.v[1], b2 = b.v[2], b3 = b.v[3], b4 = b.v[4];
    const u64 b1_19 = 19 * b1, b2_19 = 19 * b2, b3_19 = 19 * b3, b4_19 = 19 * b4;
    std::array<u128, 5> t;
    t[0] =
        (u128)a0 * b0 + (u128)a1 * b4_19 + (u128)a2 * b3_19 + (u128)a3 * b2_19 + (u128)a4 * b1_19;
    t[1] = (u128)a0 * b1 + (u128)a1 * b0 + (u128)a2 * b4_19 + (u128)a3 * b3_19 + (u128)a4 * b2_19;
    t[2] = (u128)a0 * b2 + (u128)a1 * b1 + (u128)a2 * b0 + (u128)a3 * b4_19 + (u128)a4 * b3_19;
    t[3] = (u128)a0 * b3 + (u128)a1 * b2 + (u128)a2 * b1 + (u128)a3 * b0 + (u128)a4 * b4_19;
    t[4] = (u128)a0 * b4 + (u128)a1 * b3 + (u128)a2 * b2 + (u128)a3 * b1 + (u128)a4 * b0;
    return reduce_wide(t);
}

inline fe sq(const fe& a) noexcept {
    const u64 a0 = a.v[0], a1 = a.v[1], a2 = a.v[2], a3 = a.v[3], a4 = a.v[4];
    const u64 d0 = 2 * a0, d1 = 2 * a1, d2 = 2 * a2, d3 = 2 * a3;
    const u64 a3_19 = 19 * a3, a4_19 = 19 * a4;
    std::array<u128, 5> t;
    t[0] = (u128)a0 * a0 + (u128)d1 * a4_19 + (u128)d2 * a3_19;
    t[1] = (u128)d0 * a1 + (u128)d2 * a4_19 + (u128)a3 * a3_19;
    t[2] = (u128)d0 * a2 + (u128)a1 * a1 + (u128)d3 * a4_19;
    t[3] = (u128)d0 * a3 + (u128)d1 * a2 + (u128)a4 * a4_19;
    t[4] = (u128)d0 * a4 + (u128)d1 * a3 + (u128)a2 * a2;
    return reduce_wide(t);
}

inline fe sq_n(fe a, int n) noexcept {
    for (int i = 0; i < n; ++i)
        a = sq(a);
    return a;
}

/// The canonical encoding (fully reduced below p).
inline byte_array<32> to_bytes(const fe& a) noexcept {
    fe t = carry(carry(a));
    // t < 2^255 + small: subtract p when t >= p, i.e. when t + 19 >= 2^255.
    u64 q = (t.v[0] + 19) >> 51;
    for (int i = 1; i < 5; ++i)
        q = (t.v[i] + q) >> 51;
    t.v[0] += 19 * q;
    u64 c = 0;
    for (int i = 0; i < 5; ++i) {
        t.v[i] += c;
        c = t.v[i] >> 51;
        t.v[i] &= mask51;
    }
    byte_array<32> out{};
    // Pack 5 x 51 bits into 255 bits.
    u64 acc = 0;
    int bits = 0, o = 0;
    for (int i = 0; i < 5; ++i) {
        u128 x = (static_cast<u128>(t.v[i]) << bits) | acc;
        bits += 51;
        while (bits >= 8 && o < 32) {
            out[static_cast<std::size_t>(o++)] = static_cast<byte>(x);
            x >>= 8;
            bits -= 8;
        }
        acc = static_cast<u64>(x);
    }
    if (o < 32) out[static_cast<std::size_t>(o)] = static_cast<byte>(acc);
    return out;
}

inline bool is_zero(const fe& a) noexcept {
    const auto b = to_bytes(a);
    byte acc = 0;
    for (byte x : b)
        acc |= x;
    return acc == 0;
}

inline bool equal(const fe& a, const fe& b) noexcept {
    return is_zero(sub(a, b));
}

/// The low bit of the canonical value (RFC 8032 §5.1.2: "negative" x).
inline bool is_negative(const fe& a) noexcept {
    return (to_bytes(a)[0] & 1) != 0;
}

/// z^(2^250 - 1), and z^11 on the side: the shared start of both chains.
inline fe pow_2_250_1(const fe& z, fe& z11) noexcept {
    const fe z2 = sq(z);
    const fe z9 = mul(z, sq_n(z2, 2));
    z11 = mul(z2, z9);
    const fe z_5 = mul(z9, sq(z11));            // 2^5 - 1
    const fe z_10 = mul(sq_n(z_5, 5), z_5);     // 2^10 - 1
    const fe z_20 = mul(sq_n(z_10, 10), z_10);  // 2^20 - 1
    const fe z_40 = mul(sq_n(z_20, 20), z_20);  // 2^40 - 1
    const fe z_50 = mul(sq_n(z_40, 10), z_10);  // 2^50 - 1
    const fe z_100 = mul(sq_n(z_50, 50), z_50); // 2^100 - 1
    const fe z_200 = mul(sq_n(z_100, 100), z_100);
    return mul(sq_n(z_200, 50), z_50); // 2^250 - 1
}

/// z^(p - 2) = 1/z (0 for 0).
inline fe invert(const fe& z) noexcept {
    fe z11;
    const fe t = pow_2_250_1(z, z11);
    return mul(sq_n(t, 5), z11); // 2^255 - 32 + 11
}

/// z^((p - 5) / 8) = z^(2^252 - 3), for square roots.
inline fe pow_p58(const fe& z) noexcept {
    fe z11;
    const fe t = pow_2_250_1(z, z11);
    return mul(sq_n(t, 2), z);
}

} // namespace e2ekit::crypto::detail::fe25519

#endif
