#include <e2ekit/protocols/oldmemo/error.hpp>

#include <catch2/catch.hpp>

#include <system_error>

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo03;

TEST_CASE("oldmemo errors: messages and conditions", "[protocols][oldmemo][error]") {
    for (int i = 1; i <= 8; ++i) {
        const std::error_code ec = static_cast<om::oldmemo_error>(i);
        CHECK(ec.message() != "unknown oldmemo error");
        CHECK(std::string(ec.category().name()) == "e2ekit.oldmemo");
    }
    for (int i = 1; i <= 8; ++i) {
        const std::error_code ec = static_cast<om::xml_error>(i);
        CHECK(ec.message() != "unknown oldmemo XML error");
        CHECK((ec == condition::malformed_input || ec == condition::invalid_key));
    }
    CHECK(std::error_code(om::oldmemo_error::unknown_prekey) == condition::not_found);
    CHECK(std::error_code(om::oldmemo_error::no_prekey) == condition::not_found);
    CHECK(std::error_code(om::oldmemo_error::bad_session) == condition::malformed_input);
    CHECK(std::error_code(om::oldmemo_error::unsupported_session) == condition::unsupported);
    CHECK(std::error_code(om::xml_error::bad_key) == condition::invalid_key);
    CHECK(std::error_code(om::xml_error::missing_element) == condition::malformed_input);
}
