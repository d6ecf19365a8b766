// The trust archetype: a policy that offers exactly what
// `e2ekit::trust::policy` asks (the tag and a static `decide`), so that
// generic code compiled against it uses nothing more. It trusts every key
// and pins none, which no shipped policy does: a protocol that still stores
// or refuses something with it is deciding on its own.
#ifndef E2EKIT_TESTS_SUPPORT_TRUST_ARCHETYPE_HPP
#define E2EKIT_TESTS_SUPPORT_TRUST_ARCHETYPE_HPP

#include <e2ekit/trust/concept.hpp>

#include <optional>

namespace e2ekit::test {

struct trust_archetype {
    using trust_concept = trust::policy_tag;
    trust_archetype() = delete;

    static trust::verdict decide(const std::optional<trust::record>&, bytes_view) {
        return {trust::level::trusted, false};
    }
};
static_assert(trust::policy<trust_archetype>);

} // namespace e2ekit::test

#endif
