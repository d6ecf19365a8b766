#include <e2ekit/core/bytes.hpp>

#include <catch2/catch.hpp>

using namespace e2ekit;

TEST_CASE("bytes: concat, views and big-endian integers", "[core][bytes]") {
    byte_array<2> a{1, 2};
    bytes b{3};
    CHECK(concat(a, b, as_bytes("x")) == bytes{1, 2, 3, 'x'});
    CHECK(as_chars(as_bytes("hi")) == "hi");
    byte_array<4> be{};
    store_be<std::uint32_t>(be, 0x01020304u);
    CHECK(be == byte_array<4>{1, 2, 3, 4});
    CHECK(load_be<std::uint32_t>(be) == 0x01020304u);
    CHECK(equal_public(a, bytes{1, 2}));
    CHECK_FALSE(equal_public(a, bytes{1}));
}
