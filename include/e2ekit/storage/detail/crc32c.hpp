// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of
// iSCSI (RFC 3720 §12.1, Appendix B.4) and of ext4 and Btrfs metadata. The
// filesystem store uses it to tell a torn or rotten record from a good one;
// it is no defence against someone who may write the files (a MAC is).
// Slicing-by-8 with tables built at compile time, or the SSE 4.2
// instruction where the CPU has one.
#ifndef E2EKIT_STORAGE_DETAIL_CRC32C_HPP
#define E2EKIT_STORAGE_DETAIL_CRC32C_HPP

#include <e2ekit/core/bytes.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace e2ekit::storage::detail {

using crc32c_tables = std::array<std::array<std::uint32_t, 256>, 8>;

constexpr crc32c_tables make_crc32c_tables() noexcept {
    crc32c_tables t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t c = i;
        for (int k = 0; k < 8; ++k)
            c = (c >> 1) ^ ((c & 1u) ? 0x82F63B78u : 0u);
        t[0][i] = c;
    }
    for (std::size_t j = 1; j < 8; ++j)
        for (std::size_t i = 0; i < 256; ++i)
            t[j][i] = (t[j - 1][i] >> 8) ^ t[0][t[j - 1][i] & 0xFFu];
    return t;
}

inline constexpr crc32c_tables crc32c_table = make_crc32c_tables();

/// The portable CRC (slicing-by-8); usable at compile time.
constexpr std::uint32_t crc32c_portable(bytes_view data, std::uint32_t crc = 0) noexcept {
    const auto& t = crc32c_table;
    std::uint32_t c = ~crc;
    std::size_t i = 0;
    for (; i + 8 <= data.size(); i += 8) {
        const std::uint32_t lo =
            c ^ (std::uint32_t{data[i]} | std::uint32_t{data[i + 1]} << 8 |
                 std::uint32_t{data[i + 2]} << 16 | std::uint32_t{data[i + 3]} << 24);
        c = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24] ^
            t[3][data[i + 4]] ^ t[2][data[i + 5]] ^ t[1][data[i + 6]] ^ t[0][data[i + 7]];
    }
    for (; i < data.size(); ++i)
        c = (c >> 8) ^ t[0][(c ^ data[i]) & 0xFFu];
    return ~c;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define E2EKIT_STORAGE_CRC32C_SSE42 1
/// SSE 4.2's CRC32 instruction computes exactly this polynomial, about ten
/// times faster than the tables; chosen at run time when the CPU has it.
[[gnu::target("sse4.2")]] inline std::uint32_t crc32c_sse42(bytes_view data,
                                                            std::uint32_t crc) noexcept {
    std::uint64_t c = ~crc;
    const byte* p = data.data();
    std::size_t n = data.size();
    for (; n >= 8; n -= 8, p += 8) {
        std::uint64_t w;
        std::memcpy(&w, p, 8); // little-endian load, as the instruction expects
        c = __builtin_ia32_crc32di(c, w);
    }
    auto c32 = static_cast<std::uint32_t>(c);
    for (; n > 0; --n, ++p)
        c32 = __builtin_ia32_crc32qi(c32, *p);
    return ~c32;
}

inline bool cpu_has_sse42() noexcept {
    static const bool has = __builtin_cpu_supports("sse4.2");
    return has;
}
#endif

/// Continues a CRC: crc32c(b, crc32c(a)) is the CRC of a followed by b.
constexpr std::uint32_t crc32c(bytes_view data, std::uint32_t crc = 0) noexcept {
#ifdef E2EKIT_STORAGE_CRC32C_SSE42
    if (!std::is_constant_evaluated() && cpu_has_sse42()) return crc32c_sse42(data, crc);
#endif
    return crc32c_portable(data, crc);
}

} // namespace e2ekit::storage::detail

#endif
