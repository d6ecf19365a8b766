#include <e2ekit/core/result.hpp>

#include <catch2/catch.hpp>

#include <memory>
#include <string>

namespace demo {
enum class parse_error { truncated = 1, bad_tag };
E2EKIT_ERROR_ENUM(parse_error)
} // namespace demo
E2EKIT_ERROR_ENUM_STD(demo::parse_error)

template <>
struct e2ekit::error_enum_traits<demo::parse_error> {
    static constexpr const char* name = "demo.parse";
    static std::string message(demo::parse_error e) {
        return e == demo::parse_error::truncated ? "truncated" : "bad tag";
    }
    static condition condition_of(demo::parse_error) { return condition::malformed_input; }
};

using namespace e2ekit;

namespace {
result<int> parse(int x) {
    if (x < 0) return demo::parse_error::truncated;
    return x * 2;
}
result<std::string> twice(int x) {
    E2EKIT_TRY(v, parse(x));
    return std::to_string(v);
}
result<void> check(int x) {
    E2EKIT_CHECK(twice(x));
    return ok();
}
} // namespace

TEST_CASE("result: value or typed error", "[core][result]") {
    auto good = parse(21);
    REQUIRE(good);
    CHECK(*good == 42);
    auto bad = parse(-1);
    REQUIRE_FALSE(bad);
    CHECK(bad.error() == demo::parse_error::truncated);
    CHECK(bad.error() == condition::malformed_input);
    CHECK(bad.error() != condition::authentication_failed);
    CHECK(bad.error().message() == "truncated");
    CHECK(std::string(bad.error().category().name()) == "demo.parse");
    CHECK_THROWS_AS(bad.value(), bad_result_access);
}

TEST_CASE("result: propagation and move-only values", "[core][result]") {
    CHECK(*twice(4) == "8");
    CHECK(twice(-4).error() == demo::parse_error::truncated);
    CHECK(check(1));
    CHECK(check(-1).error() == demo::parse_error::truncated);
    result<std::unique_ptr<int>> p{std::make_unique<int>(7)};
    auto moved = std::move(p);
    CHECK(**moved == 7);
    auto chained =
        std::move(moved).and_then([](std::unique_ptr<int> v) -> result<int> { return *v + 1; });
    CHECK(*chained == 8);
}
