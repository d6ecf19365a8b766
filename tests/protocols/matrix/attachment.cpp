#include <e2ekit/protocols/matrix/attachment.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace e2ekit;
namespace mx = e2ekit::protocols::matrix;

TEST_CASE("matrix attachment v2: round trip, the JWK, refusals", "[protocols][matrix]") {
    testing::deterministic_random rng(12);
    const bytes file(5000, 0x42);
    auto a = mx::encrypt_attachment(file, rng);
    CHECK(a.ciphertext.size() == file.size());
    CHECK(a.info["v"] == "v2");
    CHECK(a.info["key"]["alg"] == "A256CTR");
    CHECK(a.info["key"]["k"].get<std::string>().size() == 43); // 32 bytes, base64url unpadded
    auto iv =
        codec::base64::decode<codec::base64::standard_unpadded>(a.info["iv"].get<std::string>())
            .value();
    CHECK(bytes(iv.begin() + 8, iv.end()) == bytes(8, 0));
    auto pt = mx::decrypt_attachment(a.ciphertext, a.info);
    REQUIRE(pt);
    CHECK(to_bytes(pt->view()) == file);

    auto changed = a.ciphertext;
    changed[100] ^= 1;
    CHECK(mx::decrypt_attachment(changed, a.info).error() ==
          mx::matrix_error::authentication_failed);
    auto info = a.info;
    info["v"] = "v1";
    CHECK(mx::decrypt_attachment(a.ciphertext, info).error() ==
          mx::matrix_error::unsupported_version);
    for (const char* field : {"key", "iv", "hashes"}) {
        auto i = a.info;
        i.erase(field);
        CHECK(mx::decrypt_attachment(a.ciphertext, i).error() == mx::matrix_error::malformed);
    }
    info = a.info;
    info["key"]["alg"] = "A128CTR";
    CHECK(mx::decrypt_attachment(a.ciphertext, info).error() == mx::matrix_error::malformed);
    info = a.info;
    info["key"]["key_ops"] = {"encrypt"};
    CHECK(mx::decrypt_attachment(a.ciphertext, info).error() == mx::matrix_error::malformed);
    info = a.info;
    info["key"]["k"] = "short";
    CHECK(mx::decrypt_attachment(a.ciphertext, info).error() == mx::matrix_error::malformed);
    CHECK(mx::decrypt_attachment(a.ciphertext, nlohmann::json::array()).error() ==
          mx::matrix_error::malformed);
}
