#include <e2ekit/core/error.hpp>

#include <catch2/catch.hpp>

using namespace e2ekit;

TEST_CASE("error: conditions have stable names and messages", "[core][error]") {
    std::error_condition c = condition::authentication_failed;
    CHECK(std::string(c.category().name()) == "e2ekit");
    CHECK(c.message() == "authentication failed");
    CHECK(std::error_condition(condition::io_failure).message() == "I/O failure");
    CHECK(std::error_condition(condition::untrusted).message() == "untrusted");
}
