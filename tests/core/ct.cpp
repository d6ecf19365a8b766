#include <e2ekit/core/ct.hpp>

#include <catch2/catch.hpp>

using namespace e2ekit;

TEST_CASE("ct: equality, zero test and wiping", "[core][ct]") {
    bytes a{1, 2, 3}, b{1, 2, 3}, c{1, 2, 4};
    CHECK(ct::equal(a, b));
    CHECK_FALSE(ct::equal(a, c));
    CHECK_FALSE(ct::equal(a, bytes{1, 2}));
    CHECK(ct::equal(bytes{}, bytes{}));
    CHECK_FALSE(ct::is_zero(a));
    ct::wipe(a);
    CHECK(ct::is_zero(a));
    ct::poison(b.data(), b.size());
    ct::unpoison(b.data(), b.size());
}

TEST_CASE("ct: high-bit scan for text libsodium's base64 would misread", "[core][ct]") {
    CHECK_FALSE(ct::has_high_bit("QUJD+/=="));
    CHECK_FALSE(ct::has_high_bit(""));
    CHECK(ct::has_high_bit("AAA\xf5"));
    CHECK(ct::has_high_bit(std::string_view("\x80", 1)));
}
