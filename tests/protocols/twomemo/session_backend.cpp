#include <e2ekit/protocols/twomemo/session_backend.hpp>

#include <catch2/catch.hpp>

#include <tests/support/omemo_backend_checks.hpp>

#include <e2ekit/protocols/twomemo.hpp>

using namespace e2ekit;

static_assert(std::is_same_v<session::session_backend_t<protocols::twomemo>,
                             protocols::omemo2::session_backend>);

TEST_CASE("twomemo session backend: own pre-keys", "[protocols][twomemo]") {
    test::check_own_prekeys<protocols::twomemo>();
}

TEST_CASE("twomemo session backend: two managers talk OMEMO 2", "[protocols][twomemo]") {
    test::check_two_managers<protocols::twomemo>();
}

TEST_CASE("twomemo session backend: refusals keep nothing", "[protocols][twomemo]") {
    test::check_refusals<protocols::twomemo>();
}
