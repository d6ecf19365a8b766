#include <e2ekit/trust/manual.hpp>

#include <catch2/catch.hpp>

using namespace e2ekit;
using trust::level;

TEST_CASE("trust::manual: every new key waits for the user", "[trust][manual]") {
    STATIC_REQUIRE(trust::key_policy<trust::manual>);
    using entry = trust::key_level<trust::core_scheme>;
    CHECK(trust::manual::first_seen({}) == level::undecided);
    const entry known[] = {{bytes(32, 1), level::trusted}, {bytes(32, 2), level::distrusted}};
    CHECK(trust::manual::first_seen(known) == level::undecided);
    CHECK(trust::manual::after_decision(known, {bytes(32, 3), level::trusted}).empty());
}
