// Keccak-f[1600] (FIPS 202 §3.3, §3.2.1-3.2.5). The round constants and
// rotation offsets are computed at compile time from the specification's
// own definitions (Algorithms 2 and 5) rather than typed in as tables.
#ifndef E2EKIT_CRYPTO_DETAIL_KECCAK_F1600_HPP
#define E2EKIT_CRYPTO_DETAIL_KECCAK_F1600_HPP

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>

namespace e2ekit::crypto::detail::keccak {

/// The state as 25 lanes, lane (x, y) at index x + 5y.
using lanes = std::array<std::uint64_t, 25>;

inline constexpr int rounds = 24;

/// rc(t) of Algorithm 5: one bit from an LFSR of degree 8.
constexpr bool rc_bit(int t) {
    if (t % 255 == 0) return true;
    unsigned r = 1; // R = 10000000, R[0] in bit 0
    for (int i = 1; i <= t % 255; ++i) {
        r <<= 1; // R = 0 || R
        const unsigned r8 = (r >> 8) & 1;
        r ^= r8 | (r8 << 4) | (r8 << 5) | (r8 << 6);
        r &= 0xff;
    }
    return r & 1;
}

/// The iota constants: bit 2^j - 1 of RC for round i is rc(j + 7i) (§3.2.5).
constexpr std::array<std::uint64_t, rounds> make_round_constants() {
    std::array<std::uint64_t, rounds> rc{};
    for (int i = 0; i < rounds; ++i)
        for (int j = 0; j <= 6; ++j)
            if (rc_bit(j + 7 * i)) rc[i] |= std::uint64_t{1} << ((1u << j) - 1);
    return rc;
}

/// The rho offsets of Algorithm 2: (t + 1)(t + 2)/2 along the walk
/// (x, y) -> (y, 2x + 3y).
constexpr std::array<int, 25> make_rho_offsets() {
    std::array<int, 25> off{};
    int x = 1, y = 0;
    for (int t = 0; t < 24; ++t) {
        off[x + 5 * y] = ((t + 1) * (t + 2) / 2) % 64;
        const int nx = y, ny = (2 * x + 3 * y) % 5;
        x = nx;
        y = ny;
    }
    return off;
}

inline constexpr auto round_constants = make_round_constants();
inline constexpr auto rho_offsets = make_rho_offsets();

// The first two iota constants, as a check on the generator above.
static_assert(round_constants[0] == 1 && round_constants[1] == 0x8082);

/// For each target lane of rho-and-pi, the source lane: A'[x, y] =
/// A[x + 3y, x] (§3.2.3), precomputed so the round loop has no arithmetic
/// on indices.
constexpr std::array<int, 25> make_pi_source() {
    std::array<int, 25> src{};
    for (int x = 0; x < 5; ++x)
        for (int y = 0; y < 5; ++y)
            src[x + 5 * y] = (x + 3 * y) % 5 + 5 * x;
    return src;
}
inline constexpr auto pi_source = make_pi_source();

// The steps below are folds over the 25 lanes so that every index and
// rotation count is a constant: written as loops with computed indices the
// permutation runs 2.5 times slower (g++ 12 -O2 does not unroll them).

/// theta's last step: A[x, y] ^= D[x] (§3.2.1).
template <std::size_t... I>
inline void theta_apply(lanes& a, const std::uint64_t* d, std::index_sequence<I...>) noexcept {
    ((a[I] ^= d[I % 5]), ...);
}

/// rho (§3.2.2) and pi (§3.2.3) together.
template <std::size_t... I>
inline void rho_pi(std::uint64_t* b, const lanes& a, std::index_sequence<I...>) noexcept {
    ((b[I] = std::rotl(a[pi_source[I]], rho_offsets[pi_source[I]])), ...);
}

/// chi (§3.2.4): A[x, y] = B[x, y] ^ (~B[x + 1, y] & B[x + 2, y]).
template <std::size_t... I>
inline void chi(lanes& a, const std::uint64_t* b, std::index_sequence<I...>) noexcept {
    ((a[I] = b[I] ^ (~b[I / 5 * 5 + (I + 1) % 5] & b[I / 5 * 5 + (I + 2) % 5])), ...);
}

inline void permute(lanes& a) noexcept {
    constexpr auto all = std::make_index_sequence<25>{};
    for (int round = 0; round < rounds; ++round) {
        std::uint64_t c[5];
        for (int x = 0; x < 5; ++x)
            c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        const std::uint64_t d[5] = {c[4] ^ std::rotl(c[1], 1), c[0] ^ std::rotl(c[2], 1),
                                    c[1] ^ std::rotl(c[3], 1), c[2] ^ std::rotl(c[4], 1),
                                    c[3] ^ std::rotl(c[0], 1)};
        theta_apply(a, d, all);
        std::uint64_t b[25];
        rho_pi(b, a, all);
        chi(a, b, all);
        a[0] ^= round_constants[round]; // iota (§3.2.5)
    }
}

} // namespace e2ekit::crypto::detail::keccak

#endif
