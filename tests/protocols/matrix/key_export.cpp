#include <e2ekit/protocols/matrix/key_export.hpp>

#include <catch2/catch.hpp>

#include <string>

// Independent implementations are the judge of the bytes
// (tests/interop/matrix_python); here round trips and refusals.

using namespace e2ekit;
namespace mx = e2ekit::protocols::matrix;

TEST_CASE("matrix key export: round trip, armour and refusals", "[protocols][matrix]") {
    testing::deterministic_random rng(11);
    const std::string json = R"([{"algorithm":"m.megolm.v1.aes-sha2","session_id":"x"}])";
    auto file = mx::export_keys(as_bytes(json), "correct horse", rng, 1000);
    REQUIRE(file);
    CHECK(file->rfind("-----BEGIN MEGOLM SESSION DATA-----\n", 0) == 0);
    CHECK(file->find("-----END MEGOLM SESSION DATA-----\n") != std::string::npos);
    auto back = mx::import_keys(*file, "correct horse");
    REQUIRE(back);
    CHECK(std::string(as_chars(back->view())) == json);
    // Whitespace and CRLF line ends are fine.
    std::string crlf;
    for (char c : *file) {
        if (c == '\n') crlf += '\r';
        crlf += c;
    }
    CHECK(mx::import_keys("  " + crlf, "correct horse"));

    CHECK(mx::import_keys(*file, "wrong").error() == mx::matrix_error::authentication_failed);
    std::string damaged = *file;
    damaged[60] = damaged[60] == 'A' ? 'B' : 'A';
    CHECK_FALSE(mx::import_keys(damaged, "correct horse"));
    CHECK(mx::import_keys("no armour", "x").error() == mx::matrix_error::malformed);
    CHECK(mx::import_keys(
              "-----BEGIN MEGOLM SESSION DATA-----\n@@@\n-----END MEGOLM SESSION DATA-----", "x")
              .error() == mx::matrix_error::malformed);
    CHECK(mx::import_keys(
              "-----BEGIN MEGOLM SESSION DATA-----\nAQID\n-----END MEGOLM SESSION DATA-----", "x")
              .error() == mx::matrix_error::malformed);
    // Version 2 and an absurd round count, with a valid armour.
    std::string b64;
    for (char c : std::string_view(*file).substr(36, file->find("-----END") - 36))
        if (c != '\n') b64 += c;
    auto raw = codec::base64::decode<codec::base64::standard>(b64).value();
    auto rearmour = [](bytes_view b) {
        return "-----BEGIN MEGOLM SESSION DATA-----\n" +
               codec::base64::encode<codec::base64::standard>(b) +
               "\n-----END MEGOLM SESSION DATA-----\n";
    };
    CHECK(mx::import_keys(rearmour(raw), "correct horse"));
    auto v2 = raw;
    v2[0] = 2;
    CHECK(mx::import_keys(rearmour(v2), "x").error() == mx::matrix_error::unsupported_version);
    auto many = raw;
    many[33] = 0xff;
    CHECK(mx::import_keys(rearmour(many), "x").error() == mx::matrix_error::too_large);
    auto none = raw;
    none[33] = none[34] = none[35] = none[36] = 0;
    CHECK(mx::import_keys(rearmour(none), "x").error() == mx::matrix_error::malformed);
    CHECK(mx::export_keys(as_bytes(json), "p", rng, 0).error() == mx::matrix_error::too_large);
    // The IV's bit 63 is clear.
    CHECK((raw[17 + 8] & 0x80) == 0);
}
