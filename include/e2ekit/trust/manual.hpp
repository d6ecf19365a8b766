// Manual trust: every new identity key waits for the user's decision. The
// choice for users with reason to expect active attacks, and what
// Conversations did before BTBV: nothing is sent to or accepted from a key
// until someone says yes.
#ifndef E2EKIT_TRUST_MANUAL_HPP
#define E2EKIT_TRUST_MANUAL_HPP

#include <e2ekit/trust/key_policy.hpp>
#include <e2ekit/trust/scheme.hpp>

#include <span>
#include <vector>

namespace e2ekit::trust {

struct manual {
    using key_policy_concept = key_policy_tag;
    using scheme = core_scheme;

    static level first_seen(std::span<const key_level<scheme>>) noexcept {
        return level::undecided;
    }
    static std::vector<key_level<scheme>> after_decision(std::span<const key_level<scheme>>,
                                                         const key_level<scheme>&) {
        return {};
    }
};
static_assert(key_policy<manual>);

} // namespace e2ekit::trust

#endif
