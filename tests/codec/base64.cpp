#include <e2ekit/codec/base64.hpp>

#include <catch2/catch.hpp>

#include <tests/support/vectors.hpp>

#include <string>

using namespace e2ekit;
using namespace e2ekit::codec;
using e2ekit::test::unhex;

namespace {
// RFC 4648 §10 test vectors.
const std::pair<const char*, const char*> rfc4648[] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

std::string unpad(std::string s) {
    while (!s.empty() && s.back() == '=')
        s.pop_back();
    return s;
}
} // namespace

TEST_CASE("base64: RFC 4648 §10 vectors, every variant", "[codec][base64]") {
    for (const auto& [plain, enc] : rfc4648) {
        const auto in = as_bytes(plain);
        CHECK(base64::encode(in) == enc);
        CHECK(base64::encode<base64::url>(in) == enc);
        CHECK(base64::encode<base64::standard_unpadded>(in) == unpad(enc));
        CHECK(base64::encode<base64::url_unpadded>(in) == unpad(enc));
        CHECK(base64::encode<base64::standard_optional_padding>(in) == unpad(enc));

        CHECK(equal_public(*base64::decode(enc), in));
        CHECK(equal_public(*base64::decode<base64::url>(enc), in));
        CHECK(equal_public(*base64::decode<base64::standard_unpadded>(unpad(enc)), in));
        CHECK(equal_public(*base64::decode<base64::standard_optional_padding>(enc), in));
        CHECK(equal_public(*base64::decode<base64::standard_optional_padding>(unpad(enc)), in));
        CHECK(equal_public(*base64::decode<base64::url_optional_padding>(unpad(enc)), in));
        CHECK(equal_public(base64::decode_secret(enc)->view(), in));
        CHECK(base64::encoded_size(std::string_view(plain).size()) == std::string_view(enc).size());
        CHECK(base64::encoded_size<base64::url_unpadded>(std::string_view(plain).size()) ==
              unpad(enc).size());
    }
}

TEST_CASE("base64: alphabets differ in two characters", "[codec][base64]") {
    const auto b = unhex("fbff");
    CHECK(base64::encode(b) == "+/8=");
    CHECK(base64::encode<base64::url>(b) == "-_8=");
    CHECK(base64::decode("-_8=").error() == decode_error::invalid_character);
    CHECK(base64::decode<base64::url>("+/8=").error() == decode_error::invalid_character);
    CHECK(*base64::decode<base64::url_unpadded>("-_8") == b);
}

TEST_CASE("base64: strict decoding", "[codec][base64]") {
    // Padding where none is allowed, missing or misplaced.
    CHECK(base64::decode("Zg").error() == decode_error::bad_padding);
    CHECK(base64::decode("Zg=").error() == decode_error::bad_padding);
    CHECK(base64::decode("Zg===").error() == decode_error::bad_padding);
    CHECK(base64::decode("Z===").error() == decode_error::bad_padding);
    CHECK(base64::decode("Zg==Zg==").error() == decode_error::bad_padding);
    CHECK(base64::decode("Z=g=").error() == decode_error::bad_padding);
    CHECK(base64::decode<base64::standard_unpadded>("Zg==").error() == decode_error::bad_padding);
    CHECK(base64::decode<base64::standard_optional_padding>("Zg=").error() ==
          decode_error::bad_padding);
    CHECK(base64::decode<base64::standard_optional_padding>("Z===").error() ==
          decode_error::bad_padding);
    // One character left over cannot hold a byte.
    CHECK(base64::decode<base64::standard_unpadded>("Zm9vY").error() == decode_error::truncated);
    // Non-zero trailing bits (RFC 4648 §3.5): "Zh==" would also read as "f".
    CHECK(base64::decode("Zh==").error() == decode_error::non_canonical);
    CHECK(base64::decode<base64::standard_unpadded>("Zm9=").error() == decode_error::bad_padding);
    CHECK(base64::decode<base64::standard_unpadded>("Zm8").has_value());
    CHECK(base64::decode<base64::standard_unpadded>("Zm9").error() == decode_error::non_canonical);
    CHECK(base64::decode<base64::standard_unpadded>("Zm-").error() ==
          decode_error::invalid_character);
    CHECK(base64::decode<base64::standard_unpadded>("Zm+").error() == decode_error::non_canonical);
    // No whitespace, no line breaks, no NUL.
    CHECK(base64::decode("Zm9v YmFy").error() == decode_error::invalid_character);
    CHECK(base64::decode("Zm9v\nYmFy").error() == decode_error::invalid_character);
    CHECK(base64::decode(std::string_view("Zm9\0", 4)).error() == decode_error::invalid_character);
    CHECK(base64::decode("Zm9v").error() == std::error_code{});
    // libsodium 1.0.18 alone decodes these: every byte >= 0x80 is a "digit" to it.
    for (int c = 0x80; c < 0x100; ++c) {
        const std::string s = std::string("AAA") + static_cast<char>(c);
        CHECK(base64::decode(s).error() == decode_error::invalid_character);
        CHECK(base64::decode<base64::url_unpadded>(s).error() == decode_error::invalid_character);
        CHECK(base64::decode_secret<3, void, base64::url>(s).error() ==
              decode_error::invalid_character);
        CHECK(base64::decode_secret<base64::standard_optional_padding>(s).error() ==
              decode_error::invalid_character);
    }
    CHECK(base64::decode("Zh==").error() == condition::malformed_input);
}

TEST_CASE("base64: fixed-size and caller-buffer decoding", "[codec][base64]") {
    const std::string key32 = base64::encode<base64::standard_unpadded>(bytes(32, 7));
    auto pub = base64::decode_array<32, base64::standard_optional_padding>(key32);
    REQUIRE(pub);
    CHECK(*pub == byte_array<32>{7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
                                 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7});
    CHECK(base64::decode_array<31, base64::standard_unpadded>(key32).error() ==
          decode_error::bad_length);

    auto sk = base64::decode_secret<32, struct test_tag, base64::standard_optional_padding>(key32);
    REQUIRE(sk);
    CHECK(sk->view()[31] == 7);
    CHECK(base64::decode_secret<33, void, base64::standard_unpadded>(key32).error() ==
          decode_error::bad_length);
    CHECK(base64::decode_secret<1>("Zh==").error() == decode_error::non_canonical);

    byte buf[4] = {9, 9, 9, 9};
    CHECK(*base64::decode_to(buf, "Zm9v") == 3);
    CHECK(buf[0] == 'f');
    CHECK(base64::decode_to(mutable_bytes_view(buf, 2), "Zm9v").error() ==
          decode_error::bad_length);
    CHECK(buf[0] == 0); // wiped on failure
    CHECK(base64::decode_to(buf, "Zh==").error() == decode_error::non_canonical);
    CHECK(buf[0] == 0);
}

TEST_CASE("base64: round trip over every length and byte", "[codec][base64]") {
    bytes b;
    for (int n = 0; n < 70; ++n) {
        CHECK(*base64::decode(base64::encode(b)) == b);
        CHECK(*base64::decode<base64::url_unpadded>(base64::encode<base64::url_unpadded>(b)) == b);
        CHECK(*base64::decode<base64::standard_optional_padding>(base64::encode(b)) == b);
        b.push_back(static_cast<byte>(n * 37 + 200));
    }
}
