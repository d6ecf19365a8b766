#include <e2ekit/trust/scheme.hpp>

#include <catch2/catch.hpp>

#include <optional>
#include <string_view>

using namespace e2ekit;
using trust::level;

namespace {

// A client's own levels, as an application of python-omemo would keep them.
enum class mine { friend_, stranger, blocked };
struct my_scheme {
    using level_scheme_concept = trust::level_scheme_tag;
    using level_type = mine;
    static level core(mine m) {
        return m == mine::friend_   ? level::trusted
               : m == mine::blocked ? level::distrusted
                                    : level::undecided;
    }
    static std::string_view name(mine m) {
        return m == mine::friend_ ? "friend" : m == mine::blocked ? "blocked" : "stranger";
    }
    static std::optional<mine> from_name(std::string_view s) {
        for (auto m : {mine::friend_, mine::stranger, mine::blocked})
            if (name(m) == s) return m;
        return std::nullopt;
    }
};

struct no_tag {
    using level_type = mine;
    static level core(mine);
    static std::string_view name(mine);
    static std::optional<mine> from_name(std::string_view);
};
struct no_core {
    using level_scheme_concept = trust::level_scheme_tag;
    using level_type = mine;
    static std::string_view name(mine);
    static std::optional<mine> from_name(std::string_view);
};
struct core_to_bool {
    using level_scheme_concept = trust::level_scheme_tag;
    using level_type = mine;
    static bool core(mine);
    static std::string_view name(mine);
    static std::optional<mine> from_name(std::string_view);
};
struct no_from_name {
    using level_scheme_concept = trust::level_scheme_tag;
    using level_type = mine;
    static level core(mine);
    static std::string_view name(mine);
};
struct from_name_without_failure {
    using level_scheme_concept = trust::level_scheme_tag;
    using level_type = mine;
    static level core(mine);
    static std::string_view name(mine);
    static mine from_name(std::string_view);
};

} // namespace

TEST_CASE("trust::level_scheme: the core scheme, a custom one and near misses", "[trust][scheme]") {
    STATIC_REQUIRE(trust::level_scheme<trust::core_scheme>);
    STATIC_REQUIRE(trust::level_scheme<my_scheme>);
    STATIC_REQUIRE_FALSE(trust::level_scheme<no_tag>);
    STATIC_REQUIRE_FALSE(trust::level_scheme<no_core>);
    STATIC_REQUIRE_FALSE(trust::level_scheme<core_to_bool>);
    STATIC_REQUIRE_FALSE(trust::level_scheme<no_from_name>);
    STATIC_REQUIRE_FALSE(trust::level_scheme<from_name_without_failure>);

    // python-omemo's names (omemo.types.TrustLevel), both ways.
    for (level l : {level::trusted, level::distrusted, level::undecided}) {
        CHECK(trust::core_scheme::core(l) == l);
        CHECK(trust::core_scheme::from_name(trust::core_scheme::name(l)) == l);
    }
    CHECK(trust::core_scheme::name(level::trusted) == "TRUSTED");
    CHECK(trust::core_scheme::name(level::distrusted) == "DISTRUSTED");
    CHECK(trust::core_scheme::name(level::undecided) == "UNDECIDED");
    CHECK_FALSE(trust::core_scheme::from_name("trusted"));
    CHECK_FALSE(trust::core_scheme::from_name(""));
    CHECK(my_scheme::core(*my_scheme::from_name("blocked")) == level::distrusted);
}
