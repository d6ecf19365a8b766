#include <e2ekit/codec/json.hpp>

#include <catch2/catch.hpp>

#include <tests/support/vectors.hpp>

#include <cstdio>
#include <memory>
#include <string>

using namespace e2ekit;
using e2ekit::codec::decode_error;
namespace json = e2ekit::codec::json;
using e2ekit::test::unhex;

namespace {
std::string canon(std::string_view text) {
    auto r = json::canonicalize(text);
    return r ? *r : "error: " + r.error().message();
}
} // namespace

TEST_CASE("json: Matrix spec canonical JSON examples", "[codec][json]") {
    // Matrix spec, Appendices, "Canonical JSON", Examples.
    CHECK(canon("{}") == "{}");
    CHECK(canon("{\n    \"one\": 1,\n    \"two\": \"Two\"\n}") == R"({"one":1,"two":"Two"})");
    CHECK(canon("{\n    \"b\": \"2\",\n    \"a\": \"1\"\n}") == R"({"a":"1","b":"2"})");
    CHECK(canon(R"({"b":"2","a":"1"})") == R"({"a":"1","b":"2"})");
    CHECK(canon(R"({
    "auth": {
        "success": true,
        "mxid": "@john.doe:example.com",
        "profile": {
            "display_name": "John Doe",
            "three_pids": [
                {
                    "medium": "email",
                    "address": "john.doe@example.org"
                },
                {
                    "medium": "msisdn",
                    "address": "123456789"
                }
            ]
        }
    }
})") == R"({"auth":{"mxid":"@john.doe:example.com","profile":{"display_name":"John Doe","three_pids":[{"address":"john.doe@example.org","medium":"email"},{"address":"123456789","medium":"msisdn"}]},"success":true}})");
    CHECK(canon("{\n    \"a\": \"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\"\n}") ==
          "{\"a\":\"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\"}");
    CHECK(canon("{\n    \"\xe6\x9c\xac\": 2,\n    \"\xe6\x97\xa5\": 1\n}") ==
          "{\"\xe6\x97\xa5\":1,\"\xe6\x9c\xac\":2}");
    CHECK(canon(R"({"a": "\u65E5"})") == "{\"a\":\"\xe6\x97\xa5\"}");
    CHECK(canon(R"({"a": null})") == R"({"a":null})");
    CHECK(canon(R"({"a": -0, "b": 1e10})") == R"({"a":0,"b":10000000000})");
}

TEST_CASE("json: canonical escapes follow the spec grammar", "[codec][json]") {
    // Short escapes where the grammar has them, \u00xx in lower case for the
    // other controls, and nothing else escaped (not '/', DEL or U+2028).
    CHECK(canon(R"(["\u0000\u0001\b\t\n\u000B\f\r\u001F\u0020\"\\\/\u007f\u2028"])") ==
          "[\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f \\\"\\\\/\x7f\xe2\x80\xa8\"]");
    // Astral characters: a surrogate-pair escape becomes four UTF-8 bytes.
    CHECK(canon(R"(["\ud83d\ude00"])") == "[\"\xf0\x9f\x98\x80\"]");
    // Code point order, not UTF-16 order: U+FFFF sorts before U+1F600.
    CHECK(canon(R"({"\ud83d\ude00":1,"\uffff":2,"z":3})") ==
          "{\"z\":3,\"\xef\xbf\xbf\":2,\"\xf0\x9f\x98\x80\":1}");
}

TEST_CASE("json: canonical numbers", "[codec][json]") {
    CHECK(canon("9007199254740991") == "9007199254740991");
    CHECK(canon("-9007199254740991") == "-9007199254740991");
    CHECK(json::canonicalize("9007199254740992").error() == decode_error::out_of_range);
    CHECK(json::canonicalize("-9007199254740992").error() == decode_error::out_of_range);
    CHECK(json::canonicalize("18446744073709551615").error() == decode_error::out_of_range);
    CHECK(json::canonicalize("1e300").error() == decode_error::out_of_range);
    CHECK(json::canonicalize("[1.5]").error() == decode_error::unexpected_type);
    CHECK(json::canonicalize("0.1").error() == decode_error::unexpected_type);
    CHECK(json::canonicalize("1e400").error() == decode_error::out_of_range); // at parse
    CHECK(canon("1.0") == "1");
    CHECK(canon("-0.0") == "0");
    CHECK(canon("[100e-2]") == "[1]");
    CHECK(json::canonical(nlohmann::json(std::nan(""))).error() == decode_error::unexpected_type);
    CHECK(json::canonical(nlohmann::json::binary({1, 2})).error() == decode_error::unexpected_type);
}

TEST_CASE("json: parse refuses hostile and malformed text", "[codec][json]") {
    // A depth bomb fails at the 65th bracket, without recursing.
    const std::string bomb = std::string(1'000'000, '[') + std::string(1'000'000, ']');
    CHECK(json::parse(bomb, {.max_size = 4'000'000}).error() == decode_error::too_deep);
    std::string objects;
    for (int i = 0; i < 200'000; ++i)
        objects += "{\"a\":";
    CHECK(json::parse(objects).error() == decode_error::too_deep);
    CHECK(json::parse(std::string(64, '[') + std::string(64, ']')).has_value());
    CHECK(json::parse(std::string(65, '[') + std::string(65, ']')).error() ==
          decode_error::too_deep);
    CHECK(json::parse(bomb).error() == decode_error::too_large);
    CHECK(json::parse(bomb).error() == condition::limit_exceeded);
    // A deep document built in memory is refused by canonical, not crashed on.
    nlohmann::json deep = nlohmann::json::array();
    for (int i = 0; i < 100; ++i)
        deep = nlohmann::json::array({std::move(deep)});
    CHECK(json::canonical(deep).error() == decode_error::too_deep);
    CHECK(json::canonical(deep, 200).has_value());

    CHECK(json::parse(R"({"a":1,"a":2})").error() == decode_error::duplicate_field);
    CHECK(json::parse(R"({"a":{"b":1},"c":{"b":2}})").has_value());
    CHECK(json::parse("\"\xff\"").error() == decode_error::invalid_utf8);
    CHECK(json::parse("\"\xc0\xaf\"").error() == decode_error::invalid_utf8);     // overlong '/'
    CHECK(json::parse("\"\xed\xa0\x80\"").error() == decode_error::invalid_utf8); // raw surrogate
    CHECK(json::parse(R"("\ud800")").error() == decode_error::invalid_utf8);
    CHECK(json::parse(R"("\udc00\ud800")").error() == decode_error::invalid_utf8);
    CHECK(json::parse("{\"a\":").error() == decode_error::truncated);
    CHECK(json::parse("").error() == decode_error::truncated);
    CHECK(json::parse("[1] 2").error() == decode_error::trailing_data);
    CHECK(json::parse("[1,]").error() == decode_error::syntax_error);
    CHECK(json::parse("{'a':1}").error() == decode_error::syntax_error);
    CHECK(json::parse("[01]").error() == decode_error::syntax_error);
    CHECK(json::parse("\"a\nb\"").error() == decode_error::syntax_error);
    CHECK(json::parse("/* c */ 1").error() == decode_error::syntax_error);
    CHECK(json::parse("NaN").error() == decode_error::syntax_error);
    // nlohmann alone would stop at the NUL and accept both of these.
    CHECK(json::parse(std::string_view("1\0", 2)).error() == decode_error::syntax_error);
    CHECK(json::parse(std::string_view("{}\0{\"a\":1}", 10)).error() == decode_error::syntax_error);
    CHECK(json::parse(std::string_view("\"a\0\"", 4)).error() == decode_error::syntax_error);
    CHECK(json::parse(" \t\r\n1 \n").value() == 1);
}

TEST_CASE("json: canonical refuses what it cannot write", "[codec][json]") {
    CHECK(json::canonical(nlohmann::json("\xff")).error() == decode_error::invalid_utf8);
    CHECK(json::canonical(nlohmann::json({{"\xc3", 1}})).error() == decode_error::invalid_utf8);
    CHECK(json::canonical(nlohmann::json("\xf4\x90\x80\x80")).error() ==
          decode_error::invalid_utf8);                                      // above U+10FFFF
    CHECK(json::canonical(nlohmann::json("\xf4\x8f\xbf\xbf")).has_value()); // U+10FFFF
    CHECK(json::canonical(nlohmann::json(std::uint64_t{1} << 60)).error() ==
          decode_error::out_of_range);
}

TEST_CASE("json: typed accessors", "[codec][json]") {
    const auto doc = *json::parse(R"({
        "user_id": "@alice:example.org", "n": -5, "u": 18446744073709551615,
        "ok": true, "keys": {"ed25519:DEV": "l8Hft5qXKn1vfHrg3p4+W8gELQVo8N13JkluMfmn2sQ"},
        "list": [], "pad": "Zm8=", "f": 1.0
    })");
    CHECK(*json::get_string(doc, "user_id") == "@alice:example.org");
    CHECK(*json::get_int(doc, "n") == -5);
    CHECK(json::get_uint(doc, "n").error() == decode_error::out_of_range);
    CHECK(*json::get_uint(doc, "u") == ~std::uint64_t{0});
    CHECK(json::get_int(doc, "u").error() == decode_error::out_of_range);
    CHECK(json::get_int(doc, "f").error() == decode_error::unexpected_type);
    CHECK(*json::get_bool(doc, "ok"));
    CHECK(json::get_bool(doc, "n").error() == decode_error::unexpected_type);
    CHECK(json::get_string(doc, "missing").error() == decode_error::missing_field);
    CHECK(json::get_string(doc, "n").error() == decode_error::unexpected_type);
    CHECK(json::get_string(nlohmann::json::array(), "n").error() == decode_error::unexpected_type);
    CHECK((*json::get_array(doc, "list"))->empty());
    CHECK(json::get_array(doc, "keys").error() == decode_error::unexpected_type);
    auto keys = json::get_object(doc, "keys");
    REQUIRE(keys);
    auto k = json::get_fixed_bytes<32>(**keys, "ed25519:DEV");
    REQUIRE(k);
    auto s = json::get_secret<32>(**keys, "ed25519:DEV");
    REQUIRE(s);
    CHECK(equal_public(s->view(), *k));
    CHECK(json::get_fixed_bytes<31>(**keys, "ed25519:DEV").error() == decode_error::bad_length);
    CHECK(*json::get_bytes(doc, "pad") == bytes{'f', 'o'});
    CHECK(json::get_bytes<codec::base64::standard_unpadded>(doc, "pad").error() ==
          decode_error::bad_padding);
    CHECK(json::find(doc, "ok") != nullptr);
    CHECK(json::find(doc, "nope") == nullptr);
}

namespace {
std::string run(const std::string& cmd) {
    std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
    if (!p) return {};
    std::string out;
    char buf[4096];
    for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p.get())) > 0;)
        out.append(buf, n);
    return out;
}
} // namespace

TEST_CASE("json: canonical JSON identical to python3-canonicaljson", "[codec][json][peer]") {
    const std::string out = run("/usr/bin/python3 " E2EKIT_SOURCE_DIR
                                "/tests/codec/peers/canonicaljson_peer.py 11 2000 2>/dev/null");
    if (out.empty()) {
        WARN("skipped: /usr/bin/python3 with python3-canonicaljson is not available");
        return;
    }
    std::size_t n = 0, start = 0;
    for (std::size_t end; (end = out.find('\n', start)) != std::string::npos; start = end + 1) {
        const auto line = out.substr(start, end - start);
        const auto tab = line.find('\t');
        const auto input = unhex(line.substr(0, tab));
        const auto expected = unhex(line.substr(tab + 1));
        INFO(as_chars(input));
        auto got = json::canonicalize(as_chars(input));
        REQUIRE(got);
        CHECK(*got == as_chars(expected));
        // Canonical text is a fixed point.
        CHECK(*json::canonicalize(*got) == *got);
        ++n;
    }
    CHECK(n == 2000);
}
