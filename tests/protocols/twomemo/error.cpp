#include <e2ekit/protocols/twomemo/error.hpp>

#include <catch2/catch.hpp>

#include <system_error>

using namespace e2ekit;
namespace om = e2ekit::protocols::omemo2;

TEST_CASE("twomemo errors: messages and conditions", "[protocols][twomemo]") {
    using E = om::twomemo_error;
    const std::error_code malformed = E::malformed_xml;
    CHECK(malformed.category().name() == std::string("e2ekit.twomemo"));
    CHECK(malformed == condition::malformed_input);
    CHECK(std::error_code(E::bad_key_material) == condition::malformed_input);
    CHECK(std::error_code(E::empty_content) == condition::malformed_input);
    CHECK(std::error_code(E::bad_session) == condition::malformed_input);
    CHECK(std::error_code(E::no_prekey) == condition::not_found);
    CHECK(std::error_code(E::unknown_signed_prekey) == condition::not_found);
    CHECK(std::error_code(E::unknown_prekey) == condition::not_found);
    CHECK(std::error_code(E::unsupported_session) == condition::unsupported);
    for (E e : {E::malformed_xml, E::no_prekey, E::unknown_signed_prekey, E::unknown_prekey,
                E::bad_key_material, E::empty_content, E::bad_session, E::unsupported_session})
        CHECK(std::error_code(e).message() != "unknown twomemo error");
}
