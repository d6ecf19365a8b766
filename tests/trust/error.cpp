#include <e2ekit/trust/error.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <system_error>

using namespace e2ekit;

TEST_CASE("trust_error: refusals are untrusted, a bad record is malformed input",
          "[trust][error]") {
    using E = trust::trust_error;
    std::error_code untrusted = E::untrusted_identity, undecided = E::undecided_identity,
                    bad = E::bad_record;
    CHECK(std::string(untrusted.category().name()) == "e2ekit.trust");
    CHECK(untrusted == condition::untrusted);
    CHECK(undecided == condition::untrusted);
    CHECK(bad == condition::malformed_input);
    CHECK(untrusted != undecided);
    CHECK(untrusted.message() == "untrusted identity key");
    CHECK(undecided.message() == "identity key awaiting a trust decision");
    CHECK(bad.message() == "malformed identity record");
    CHECK(std::error_code(static_cast<E>(77)).message() == "unknown trust error");
}
