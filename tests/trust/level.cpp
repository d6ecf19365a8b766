#include <e2ekit/trust/level.hpp>

#include <catch2/catch.hpp>

#include <string>

using namespace e2ekit;

TEST_CASE("trust::level: three levels, byte forms round-trip, others refused", "[trust][level]") {
    for (auto l : {trust::level::trusted, trust::level::distrusted, trust::level::undecided})
        CHECK(trust::level_from_byte(static_cast<std::uint8_t>(l)) == l);
    int named = 0;
    for (int b = 0; b < 256; ++b)
        named += trust::level_from_byte(static_cast<std::uint8_t>(b)).has_value();
    CHECK(named == 3);
    CHECK_FALSE(trust::level_from_byte(0)); // zero is no decision
    CHECK(std::string(trust::to_string(trust::level::trusted)) == "trusted");
    CHECK(std::string(trust::to_string(trust::level::distrusted)) == "distrusted");
    CHECK(std::string(trust::to_string(trust::level::undecided)) == "undecided");
    CHECK(std::string(trust::to_string(static_cast<trust::level>(0))) == "invalid");
}
