#include <e2ekit/envelope/framing.hpp>

#include <catch2/catch.hpp>

using namespace e2ekit;

TEST_CASE("framing: version byte, body, truncated MAC", "[envelope][framing]") {
    const bytes wire{0x33, 1, 2, 3, 9, 9, 9, 9};
    auto f = envelope::split_mac_frame<4>(wire);
    REQUIRE(f);
    CHECK(f->version == 0x33);
    CHECK(equal_public(f->body, bytes{1, 2, 3}));
    CHECK(equal_public(f->authenticated, bytes{0x33, 1, 2, 3}));
    CHECK(equal_public(f->mac, bytes{9, 9, 9, 9}));
    for (std::size_t n = 0; n <= 5; ++n) {
        auto t = envelope::split_mac_frame<4>(bytes_view(wire).first(n));
        REQUIRE_FALSE(t);
        CHECK(t.error() == envelope::envelope_error::truncated);
    }
}

TEST_CASE("framing: keys behind a type byte", "[envelope][framing]") {
    using djb = envelope::prefixed_key<0x05, 32>;
    byte_array<32> k;
    for (std::size_t i = 0; i < k.size(); ++i)
        k[i] = static_cast<byte>(i);
    const auto e = djb::encode(k);
    CHECK(e[0] == 0x05);
    auto d = djb::decode(e);
    REQUIRE(d);
    CHECK(*d == k);
    auto wrong_type = e;
    wrong_type[0] = 0x06;
    CHECK(djb::decode(wrong_type).error() == envelope::envelope_error::invalid_key);
    CHECK(djb::decode(bytes_view(e).first(32)).error() == envelope::envelope_error::invalid_key);
    CHECK(djb::decode(k).error() == envelope::envelope_error::invalid_key);
}
