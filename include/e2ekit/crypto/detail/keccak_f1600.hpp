// Keccak-f[1600] (FIPS 202 §3.3, §3.2.1-3.2.5). The round constants and
// rotation offsets are computed at compile time from the specification's
// own definitions (Algorithms 2 and 5) rather than typed in as tables.
#ifndef E2EKIT_CRYPTO_DETAIL_KECCAK_F1600_HPP
#define E2EKIT_CRYPTO_DETAIL_KECCAK_F1600_HPP

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

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

inline void permute(lanes& a) noexcept {
    for (int round = 0; round < rounds; ++round) {
        // theta
        std::uint64_t c[5];
        for (int x = 0; x < 5; ++x)
            c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
        for (int x = 0; x < 5; ++x) {
            const std::uint64_t d = c[(x + 4) % 5] ^ std::rotl(c[(x + 1) % 5], 1);
            for (int y = 0; y < 25; y += 5)
                a[x + y] ^= d;
        }
        // rho and pi: B[y, 2x + 3y] = rot(A[x, y]), i.e. A'[x, y] = A[x + 3y, x]
        lanes b;
        for (int x = 0; x < 5; ++x)
            for (int y = 0; y < 5; ++y)
                b[y + 5 * ((2 * x + 3 * y) % 5)] = std::rotl(a[x + 5 * y], rho_offsets[x + 5 * y]);
        // chi
        for (int y = 0; y < 25; y += 5)
            for (int x = 0; x < 5; ++x)
                a[x + y] = b[x + y] ^ (~b[(x + 1) % 5 + y] & b[(x + 2) % 5 + y]);
        // iota
        a[0] ^= round_constants[round];
    }
}

} // namespace e2ekit::crypto::detail::keccak

#endif
