// Trust on first use: the first identity key a peer presents is pinned and
// trusted; a different key later is refused (`untrusted_identity`) until
// the user accepts it, which stores a new record. A record the user marked
// distrusted or undecided keeps that level for its own key. This is what
// libsignal-protocol-c's clients do with is_trusted_identity /
// save_identity, and what OMEMO calls TOFU.
#ifndef E2EKIT_TRUST_TOFU_HPP
#define E2EKIT_TRUST_TOFU_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/trust/concept.hpp>
#include <e2ekit/trust/level.hpp>
#include <e2ekit/trust/record.hpp>

#include <optional>

namespace e2ekit::trust {

struct tofu {
    using trust_concept = policy_tag;

    static verdict decide(const std::optional<record>& known, bytes_view presented) noexcept {
        if (!known) return {level::trusted, true};
        if (equal_public(known->key, presented)) return {known->trust, false};
        // A changed key: refused, and the pinned one stays.
        return {level::distrusted, false};
    }
};
static_assert(policy<tofu>);

} // namespace e2ekit::trust

#endif
