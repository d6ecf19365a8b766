#include <e2ekit/trust/key_policy.hpp>

#include <catch2/catch.hpp>

#include <span>
#include <vector>

using namespace e2ekit;
using trust::core_scheme;
using trust::key_level;
using trust::level;

namespace {

struct archetype {
    using key_policy_concept = trust::key_policy_tag;
    using scheme = core_scheme;
    static level first_seen(std::span<const key_level<scheme>>);
    static std::vector<key_level<scheme>> after_decision(std::span<const key_level<scheme>>,
                                                         const key_level<scheme>&);
};
struct no_tag {
    using scheme = core_scheme;
    static level first_seen(std::span<const key_level<scheme>>);
    static std::vector<key_level<scheme>> after_decision(std::span<const key_level<scheme>>,
                                                         const key_level<scheme>&);
};
struct scheme_not_a_scheme {
    using key_policy_concept = trust::key_policy_tag;
    using scheme = int;
    static level first_seen(std::span<const key_level<core_scheme>>);
    static std::vector<key_level<core_scheme>>
    after_decision(std::span<const key_level<core_scheme>>, const key_level<core_scheme>&);
};
struct first_seen_without_others {
    using key_policy_concept = trust::key_policy_tag;
    using scheme = core_scheme;
    static level first_seen();
    static std::vector<key_level<scheme>> after_decision(std::span<const key_level<scheme>>,
                                                         const key_level<scheme>&);
};
struct first_seen_wrong_type {
    using key_policy_concept = trust::key_policy_tag;
    using scheme = core_scheme;
    static bool first_seen(std::span<const key_level<scheme>>);
    static std::vector<key_level<scheme>> after_decision(std::span<const key_level<scheme>>,
                                                         const key_level<scheme>&);
};
struct no_after_decision {
    using key_policy_concept = trust::key_policy_tag;
    using scheme = core_scheme;
    static level first_seen(std::span<const key_level<scheme>>);
};

} // namespace

TEST_CASE("trust::key_policy: the archetype and near misses", "[trust][key_policy]") {
    STATIC_REQUIRE(trust::key_policy<archetype>);
    STATIC_REQUIRE_FALSE(trust::key_policy<no_tag>);
    STATIC_REQUIRE_FALSE(trust::key_policy<scheme_not_a_scheme>);
    STATIC_REQUIRE_FALSE(trust::key_policy<first_seen_without_others>);
    STATIC_REQUIRE_FALSE(trust::key_policy<first_seen_wrong_type>);
    STATIC_REQUIRE_FALSE(trust::key_policy<no_after_decision>);
    const key_level<core_scheme> a{bytes(32, 1), level::trusted};
    CHECK(a == key_level<core_scheme>{bytes(32, 1), level::trusted});
    CHECK_FALSE(a == key_level<core_scheme>{bytes(32, 1), level::undecided});
}
