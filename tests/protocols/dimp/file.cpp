#include <e2ekit/protocols/dimp/file.hpp>

#include <catch2/catch.hpp>

#include <tests/support/dimp_cdn.hpp>
#include <tests/support/dimp_vectors.hpp>

#include <string>

using namespace e2ekit;
namespace dimp = e2ekit::protocols::dimp;
using dimp::dimp_error;
using e2ekit::test::unhex;
namespace tv = e2ekit::test::dimp;

TEST_CASE("dimp file: the file content of messages.json, uploaded and downloaded",
          "[protocols][dimp][file][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto messages = tv::load_ordered("messages.json");
    const auto& p = tv::by(messages.at("pipelines"), "label", "alice_to_carol_file_content");
    const auto& cdn_file = p.at("cdn_file");
    const auto& want = p.at("instant_message").at("content");
    auto password = dimp::symmetric_key::from_json(nlohmann::json(cdn_file.at("password")));
    REQUIRE(password);
    const auto iv = *codec::base64::decode_array<16>(cdn_file.at("iv_base64").get<std::string>());
    const auto plaintext = unhex(cdn_file.at("plaintext_hex"));
    // Upload: the payload is the reference's, byte for byte, and the
    // content has its fields in its order.
    test::memory_cdn cdn;
    dimp::message_map head;
    head["type"] = want.at("type");
    head["sn"] = want.at("sn");
    head["time"] = want.at("time");
    auto content = dimp::upload_file(cdn, head, "report.pdf", plaintext, *password, iv);
    REQUIRE(content);
    const std::string url = content->at("URL");
    CHECK(test::tohex(cdn.files.at(url)) == cdn_file.at("encrypted_upload_hex").get<std::string>());
    auto expected = want;
    expected["URL"] = url;
    CHECK(*content == expected);
    // Download from the URL the reference's content names.
    test::memory_cdn theirs;
    theirs.files[want.at("URL")] = unhex(cdn_file.at("encrypted_upload_hex"));
    auto parsed = dimp::content::parse(want);
    REQUIRE(parsed);
    CHECK(parsed->type() == dimp::content_types::file);
    auto got = dimp::download_file(theirs, *parsed);
    REQUIRE(got);
    CHECK(test::tohex(got->view()) == cdn_file.at("plaintext_hex").get<std::string>());
}

TEST_CASE("dimp file: bad file contents and payloads", "[protocols][dimp][file]") {
    test::memory_cdn cdn;
    testing::deterministic_random rng(5);
    auto password = dimp::symmetric_key::generate_aes(rng);
    dimp::message_map head = {{"type", "16"}, {"sn", 1}};
    auto content = dimp::upload_file(cdn, head, "x.bin", bytes(100, 7), password, {});
    REQUIRE(content);
    auto parsed = dimp::content::parse(*content);
    REQUIRE(parsed);
    CHECK(dimp::download_file(cdn, *parsed)->view().size() == 100);
    // A damaged payload, a missing file, missing fields.
    cdn.files.begin()->second.back() ^= 1;
    auto r = dimp::download_file(cdn, *parsed);
    CHECK((!r || r->view().size() != 100));
    for (const char* field : {"URL", "key"}) {
        auto c = *content;
        c.erase(field);
        CHECK(dimp::download_file(cdn, *dimp::content::parse(c)).error() ==
              dimp_error::invalid_message);
    }
    auto c = *content;
    c["IV"] = "short";
    CHECK(dimp::download_file(cdn, *dimp::content::parse(c)).error() ==
          dimp_error::invalid_message);
    c = *content;
    c["URL"] = "mem://elsewhere";
    CHECK_FALSE(dimp::download_file(cdn, *dimp::content::parse(c)));
    CHECK(dimp::upload_file(cdn, head, "x", bytes(1), dimp::symmetric_key::plain(), {}).error() ==
          dimp_error::invalid_message);
}
