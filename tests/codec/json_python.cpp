#include <e2ekit/codec/json_python.hpp>

#include <catch2/catch.hpp>

#include <tests/support/vectors.hpp>

#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>

using namespace e2ekit;
using e2ekit::codec::decode_error;
namespace json = e2ekit::codec::json;
using e2ekit::test::unhex;

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

TEST_CASE("json_python: identical to CPython's json.dumps", "[codec][json][peer]") {
    const std::string out = run("/usr/bin/python3 " E2EKIT_SOURCE_DIR
                                "/tests/codec/peers/json_dumps_peer.py 5 3000 2>/dev/null");
    if (out.empty()) {
        WARN("skipped: /usr/bin/python3 is not available");
        return;
    }
    std::size_t n = 0, start = 0;
    for (std::size_t end; (end = out.find('\n', start)) != std::string::npos; start = end + 1) {
        const auto line = out.substr(start, end - start);
        const auto tab = line.find('\t');
        const auto input = unhex(line.substr(0, tab));
        const auto expected = unhex(line.substr(tab + 1));
        INFO(as_chars(input));
        const auto doc = nlohmann::ordered_json::parse(as_chars(input));
        auto got = json::python_dumps(doc);
        REQUIRE(got);
        CHECK(*got == as_chars(expected));
        ++n;
    }
    CHECK(n == 3000);
}

TEST_CASE("json_python: refuses what JSON cannot carry", "[codec][json]") {
    CHECK(json::python_dumps(nlohmann::json(std::numeric_limits<double>::quiet_NaN())).error() ==
          decode_error::unexpected_type);
    CHECK(json::python_dumps(nlohmann::json(std::numeric_limits<double>::infinity())).error() ==
          decode_error::unexpected_type);
    CHECK(json::python_dumps(nlohmann::json("\xff")).error() == decode_error::invalid_utf8);
    CHECK(json::python_dumps(nlohmann::json("\xed\xa0\x80")).error() ==
          decode_error::invalid_utf8); // a UTF-8-encoded surrogate
    CHECK(json::python_dumps(nlohmann::json::binary({1, 2})).error() ==
          decode_error::unexpected_type);
    nlohmann::json deep = nlohmann::json::array();
    for (int i = 0; i < 10; ++i)
        deep = nlohmann::json::array({deep});
    CHECK(json::python_dumps(deep, 5).error() == decode_error::too_deep);
    CHECK(json::python_dumps(deep, 11).has_value());
}
