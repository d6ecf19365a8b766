// Points of edwards25519 (RFC 8032 §5.1, a = -1) for Ed25519 verification
// with a fixed key: extended coordinates (Hisil, Wong, Carter, Dawson,
// "Twisted Edwards curves revisited", 2008, §3.1 and §4.2: unified addition
// and doubling, complete for a = -1 and non-square d), and fixed-base comb
// tables: for a point P, (j + 1) * 256^i * P for i < 32, j < 8, in affine
// (y + x, y - x, 2dxy) form. [s]P is then 64 table additions and four
// doublings for a scalar in signed radix-16 digits (the layout of the base
// point table in Bernstein et al., "High-speed high-security signatures",
// §4), so a key that verifies many signatures pays its doublings once.
//
// Public data only (verification): lookups and branches follow the digits.
// Constants (d, sqrt(-1), the base point) are computed from their
// definitions, not transcribed.
#ifndef E2EKIT_CRYPTO_DETAIL_GE25519_HPP
#define E2EKIT_CRYPTO_DETAIL_GE25519_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/crypto/detail/fe25519.hpp>

#include <array>
#include <cstdint>
#include <optional>

namespace e2ekit::crypto::detail::ge25519 {

using fe25519::fe;

struct constants {
    fe d, d2, sqrtm1;
};

inline const constants& curve() {
    static const constants c = [] {
        namespace f = fe25519;
        constants k;
        // d = -121665 / 121666 (RFC 8032 §5.1).
        k.d = f::neg(f::mul(f::from_u64(121665), f::invert(f::from_u64(121666))));
        k.d2 = f::carry(f::add(k.d, k.d));
        // 2 is not a square mod p (p = 5 mod 8), so 2^((p-1)/4) squares to -1;
        // (p-1)/4 = 2^253 - 5.
        k.sqrtm1 = f::mul(f::sq_n(f::from_u64(2), 253), f::invert(f::from_u64(32)));
        return k;
    }();
    return c;
}

/// Extended coordinates: x = X/Z, y = Y/Z, xy = T/Z.
struct p3 {
    fe X, Y, Z, T;
};

/// An affine point ready for mixed addition.
struct niels {
    fe ypx, ymx, xy2d;
};

inline p3 identity() noexcept {
    p3 r;
    r.Y = fe25519::from_u64(1);
    r.Z = fe25519::from_u64(1);
    return r;
}

/// P + Q, or P - Q when `minus` (-Q swaps y+x with y-x and negates 2dxy).
inline p3 madd(const p3& p, const niels& q, bool minus) noexcept {
    namespace f = fe25519;
    const fe& qp = minus ? q.ymx : q.ypx;
    const fe& qm = minus ? q.ypx : q.ymx;
    const fe a = f::mul(f::sub(p.Y, p.X), qm);
    const fe b = f::mul(f::add(p.Y, p.X), qp);
    const fe c = f::mul(p.T, q.xy2d);
    const fe d = f::add(p.Z, p.Z);
    const fe e = f::sub(b, a);
    const fe h = f::add(b, a);
    const fe fv = minus ? f::add(d, c) : f::sub(d, c);
    const fe g = minus ? f::sub(d, c) : f::add(d, c);
    return {f::mul(e, fv), f::mul(g, h), f::mul(fv, g), f::mul(e, h)};
}

/// P + Q, both extended (table building).
inline p3 add(const p3& p, const p3& q) noexcept {
    namespace f = fe25519;
    const fe a = f::mul(f::sub(p.Y, p.X), f::sub(q.Y, q.X));
    const fe b = f::mul(f::add(p.Y, p.X), f::add(q.Y, q.X));
    const fe c = f::mul(f::mul(p.T, curve().d2), q.T);
    const fe zz = f::mul(p.Z, q.Z);
    const fe d = f::add(zz, zz);
    const fe e = f::sub(b, a);
    const fe h = f::add(b, a);
    const fe fv = f::sub(d, c);
    const fe g = f::add(d, c);
    return {f::mul(e, fv), f::mul(g, h), f::mul(fv, g), f::mul(e, h)};
}

/// 2P ("dbl-2008-hwcd" with a = -1).
inline p3 dbl(const p3& p) noexcept {
    namespace f = fe25519;
    const fe a = f::sq(p.X);
    const fe b = f::sq(p.Y);
    const fe zz = f::sq(p.Z);
    const fe c = f::add(zz, zz);
    const fe ab = f::add(a, b);
    const fe e = f::sub(f::sq(f::add(p.X, p.Y)), ab);
    const fe g = f::carry(f::sub(b, a));
    const fe fv = f::sub(g, c);
    const fe h = f::sub(fe{}, ab);
    return {f::mul(e, fv), f::mul(g, h), f::mul(fv, g), f::mul(e, h)};
}

/// The encoding of RFC 8032 §5.1.2: y, with x's low bit in bit 255.
inline byte_array<32> encode(const p3& p) noexcept {
    namespace f = fe25519;
    const fe zi = f::invert(p.Z);
    const fe x = f::mul(p.X, zi);
    auto out = f::to_bytes(f::mul(p.Y, zi));
    out[31] = static_cast<byte>(out[31] | (f::is_negative(x) ? 0x80 : 0));
    return out;
}

/// y < p for the low 255 bits (the sign bit is not looked at).
inline bool canonical_y(fixed_view<32> s) noexcept {
    byte_array<32> y{};
    for (std::size_t i = 0; i < 32; ++i)
        y[i] = s[i];
    y[31] &= 0x7f;
    const auto again = fe25519::to_bytes(fe25519::from_bytes(y));
    return again == y;
}

/// RFC 8032 §5.1.3 decoding, y canonical; nullopt when no x exists. An
/// x = 0 with the sign bit set decodes to x = 0 (the caller refuses those
/// points as of small order).
inline std::optional<p3> decode(fixed_view<32> s) noexcept {
    namespace f = fe25519;
    if (!canonical_y(s)) return std::nullopt;
    const fe y = f::from_bytes(s);
    const fe one = f::from_u64(1);
    const fe yy = f::sq(y);
    const fe u = f::carry(f::sub(yy, one));
    const fe v = f::carry(f::add(f::mul(yy, curve().d), one));
    // x = u v^3 (u v^7)^((p-5)/8) (§5.1.3 step 2).
    const fe v3 = f::mul(f::sq(v), v);
    const fe uv7 = f::mul(f::mul(u, v3), f::mul(v3, v));
    fe x = f::mul(f::mul(u, v3), f::pow_p58(uv7));
    const fe vxx = f::mul(v, f::sq(x));
    if (!f::equal(vxx, u)) {
        if (!f::equal(vxx, f::neg(u))) return std::nullopt;
        x = f::mul(x, curve().sqrtm1);
    }
    if (f::is_negative(x) != ((s[31] & 0x80) != 0)) x = f::neg(x);
    p3 r;
    r.X = x;
    r.Y = y;
    r.Z = one;
    r.T = f::mul(x, y);
    return r;
}

/// [8]P is the identity.
inline bool small_order(const p3& p) noexcept {
    const p3 q = dbl(dbl(dbl(p)));
    return fe25519::is_zero(q.X) && fe25519::equal(q.Y, q.Z);
}

/// (j + 1) * 256^i * P.
struct comb_table {
    std::array<std::array<niels, 8>, 32> t;
};

inline void fill(comb_table& out, const p3& point) {
    namespace f = fe25519;
    std::array<p3, 256> pts;
    p3 base = point;
    for (std::size_t i = 0; i < 32; ++i) {
        p3* row = &pts[i * 8];
        row[0] = base;
        row[1] = dbl(base);
        for (std::size_t j = 2; j < 8; ++j)
            row[j] = (j % 2 == 1) ? dbl(row[j / 2]) : add(row[j - 1], base);
        if (i + 1 < 32) base = dbl(dbl(dbl(dbl(dbl(dbl(dbl(dbl(base))))))));
    }
    // One inversion for all 256 Z (Montgomery's trick).
    std::array<fe, 256> prefix;
    fe acc = f::from_u64(1);
    for (std::size_t k = 0; k < 256; ++k) {
        prefix[k] = acc;
        acc = f::mul(acc, pts[k].Z);
    }
    fe inv = f::invert(acc);
    for (std::size_t k = 256; k-- > 0;) {
        const fe zi = f::mul(inv, prefix[k]);
        inv = f::mul(inv, pts[k].Z);
        const fe x = f::mul(pts[k].X, zi);
        const fe y = f::mul(pts[k].Y, zi);
        niels& n = out.t[k / 8][k % 8];
        n.ypx = f::carry(f::add(y, x));
        n.ymx = f::carry(f::sub(y, x));
        n.xy2d = f::mul(f::mul(x, y), curve().d2);
    }
}

/// The base point B: y = 4/5, x even (RFC 8032 §5.1).
inline const comb_table& base_table() {
    static const comb_table t = [] {
        namespace f = fe25519;
        const auto y = f::to_bytes(f::mul(f::from_u64(4), f::invert(f::from_u64(5))));
        comb_table c;
        fill(c, *decode(y));
        return c;
    }();
    return t;
}

/// A 256-bit little-endian scalar below 2^255 as 64 digits in [-8, 8].
inline std::array<signed char, 64> radix16(fixed_view<32> a) noexcept {
    std::array<signed char, 64> e{};
    for (std::size_t i = 0; i < 32; ++i) {
        e[2 * i] = static_cast<signed char>(a[i] & 15);
        e[2 * i + 1] = static_cast<signed char>((a[i] >> 4) & 15);
    }
    int carry = 0;
    for (std::size_t i = 0; i < 63; ++i) {
        int v = e[i] + carry;
        carry = (v + 8) >> 4;
        e[i] = static_cast<signed char>(v - (carry << 4));
    }
    e[63] = static_cast<signed char>(e[63] + carry);
    return e;
}

inline p3 add_digit(const p3& acc, const comb_table& t, std::size_t i, int d, bool negate) {
    if (d == 0) return acc;
    const bool minus = (d < 0) != negate;
    return madd(acc, t.t[i][static_cast<std::size_t>((d < 0 ? -d : d) - 1)], minus);
}

/// [a]P + [b]Q with P and Q given by their tables; `negate_q` gives
/// [a]P - [b]Q. Scalars below 2^253 (reduced mod L).
inline p3 double_scalarmult(fixed_view<32> a, const comb_table& p, fixed_view<32> b,
                            const comb_table& q, bool negate_q) {
    const auto ea = radix16(a);
    const auto eb = radix16(b);
    p3 r = identity();
    for (std::size_t i = 0; i < 32; ++i) {
        r = add_digit(r, p, i, ea[2 * i + 1], false);
        r = add_digit(r, q, i, eb[2 * i + 1], negate_q);
    }
    r = dbl(dbl(dbl(dbl(r))));
    for (std::size_t i = 0; i < 32; ++i) {
        r = add_digit(r, p, i, ea[2 * i], false);
        r = add_digit(r, q, i, eb[2 * i], negate_q);
    }
    return r;
}

} // namespace e2ekit::crypto::detail::ge25519

#endif
