#include <e2ekit/protocols/oldmemo/session_backend.hpp>

#include <catch2/catch.hpp>

#include <tests/support/omemo_backend_checks.hpp>

#include <e2ekit/protocols/oldmemo.hpp>

using namespace e2ekit;

static_assert(std::is_same_v<session::session_backend_t<protocols::oldmemo>,
                             protocols::omemo03::session_backend>);

TEST_CASE("oldmemo session backend: own pre-keys", "[protocols][oldmemo]") {
    test::check_own_prekeys<protocols::oldmemo>();
}

TEST_CASE("oldmemo session backend: two managers talk OMEMO 0.3", "[protocols][oldmemo]") {
    test::check_two_managers<protocols::oldmemo>();
}

TEST_CASE("oldmemo session backend: refusals keep nothing", "[protocols][oldmemo]") {
    test::check_refusals<protocols::oldmemo>();
}
