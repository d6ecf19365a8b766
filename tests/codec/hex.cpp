#include <e2ekit/codec/hex.hpp>

#include <catch2/catch.hpp>

using namespace e2ekit;
using namespace e2ekit::codec;

TEST_CASE("hex: RFC 4648 §10 vectors", "[codec][hex]") {
    const std::pair<const char*, const char*> v[] = {
        {"", ""},
        {"f", "66"},
        {"fo", "666F"},
        {"foo", "666F6F"},
        {"foob", "666F6F62"},
        {"fooba", "666F6F6261"},
        {"foobar", "666F6F626172"},
    };
    for (const auto& [plain, upper] : v) {
        std::string lower = upper;
        for (auto& c : lower)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        CHECK(hex::encode(as_bytes(plain)) == lower);
        CHECK(equal_public(*hex::decode(upper), as_bytes(plain)));
        CHECK(equal_public(*hex::decode(lower), as_bytes(plain)));
        CHECK(equal_public(hex::decode_secret(upper)->view(), as_bytes(plain)));
    }
}

TEST_CASE("hex: strict decoding", "[codec][hex]") {
    CHECK(hex::decode("abc").error() == decode_error::truncated);
    CHECK(hex::decode("0g").error() == decode_error::invalid_character);
    CHECK(hex::decode("ab cd").error() == decode_error::truncated);
    CHECK(hex::decode("ab:d").error() == decode_error::invalid_character);
    CHECK(hex::decode("0x00").error() == decode_error::invalid_character);
    CHECK(hex::decode(std::string_view("0\0", 2)).error() == decode_error::invalid_character);
    CHECK(*hex::decode("fF00") == bytes{0xff, 0x00});
}

TEST_CASE("hex: fixed-size, secret and caller-buffer decoding", "[codec][hex]") {
    const std::string k = hex::encode(bytes(32, 0xab));
    CHECK(hex::decode_array<32>(k)->at(5) == 0xab);
    CHECK(hex::decode_array<16>(k).error() == decode_error::bad_length);
    auto s = hex::decode_secret<32, struct hex_test_tag>(k);
    REQUIRE(s);
    CHECK(s->view()[0] == 0xab);
    CHECK(hex::decode_secret<31>(k).error() == decode_error::bad_length);
    CHECK(hex::decode_secret<1>("zz").error() == decode_error::invalid_character);
    byte buf[3] = {1, 2, 3};
    CHECK(*hex::decode_to(buf, "0a0b") == 2);
    CHECK(buf[1] == 0x0b);
    CHECK(hex::decode_to(buf, "0a0b0c0d").error() == decode_error::bad_length);
    CHECK(hex::decode_to(buf, "0a0x").error() == decode_error::invalid_character);
    CHECK(buf[0] == 0);
}
