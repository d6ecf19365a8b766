#include <e2ekit/storage/detail/crc32c.hpp>

#include <catch2/catch.hpp>

#include <numeric>
#include <vector>

using e2ekit::byte;
using e2ekit::bytes;
using e2ekit::bytes_view;
using e2ekit::storage::detail::crc32c;

TEST_CASE("crc32c: published check values", "[storage][crc32c]") {
    // The CRC catalogue's check value for CRC-32/ISCSI ("123456789").
    CHECK(crc32c(e2ekit::as_bytes("123456789")) == 0xE3069283u);
    // RFC 3720, Appendix B.4: 32 bytes of zeros, of ones, increasing and
    // decreasing.
    bytes zeros(32, 0x00), ones(32, 0xFF), up(32), down(32);
    std::iota(up.begin(), up.end(), byte{0});
    for (std::size_t i = 0; i < 32; ++i)
        down[i] = static_cast<byte>(31 - i);
    CHECK(crc32c(zeros) == 0x8A9136AAu);
    CHECK(crc32c(ones) == 0x62A8AB43u);
    CHECK(crc32c(up) == 0x46DD794Eu);
    CHECK(crc32c(down) == 0x113FDB5Cu);
    CHECK(crc32c({}) == 0u);
}

TEST_CASE("crc32c: continues across pieces", "[storage][crc32c]") {
    bytes data(1000);
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<byte>(i * 7 + 3);
    const auto whole = crc32c(data);
    for (std::size_t cut : {0u, 1u, 7u, 8u, 9u, 500u, 999u, 1000u}) {
        const bytes_view v(data);
        CHECK(crc32c(v.subspan(cut), crc32c(v.first(cut))) == whole);
    }
    static_assert(crc32c(bytes_view{}) == 0u, "usable at compile time");
}

TEST_CASE("crc32c: the hardware and table paths agree", "[storage][crc32c]") {
    using e2ekit::storage::detail::crc32c_portable;
    bytes data(4099);
    for (std::size_t i = 0; i < data.size(); ++i)
        data[i] = static_cast<byte>((i * 2654435761u) >> 13);
    for (std::size_t n : {0u, 1u, 7u, 8u, 9u, 63u, 64u, 65u, 4099u}) {
        const bytes_view v = bytes_view(data).first(n);
        CHECK(crc32c(v) == crc32c_portable(v));
        CHECK(crc32c(v, 0x12345678u) == crc32c_portable(v, 0x12345678u));
    }
}
