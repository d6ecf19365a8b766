// Trust on first use: the first identity key a peer presents is pinned and
// trusted; a different key later is refused (`untrusted_identity`) until
// the user accepts it, which stores a new record. A record the user marked
// distrusted or undecided keeps that level for its own key. This is what
// libsignal-protocol-c's clients do with is_trusted_identity /
// save_identity, and what OMEMO calls TOFU.
//
// `tofu_keys` is the same rule for owners with several identity keys
// (key_policy.hpp): an owner's first key is trusted; a key that appears
// when others are already known waits for the user (undecided), since a
// new device and a server adding one look the same.
#ifndef E2EKIT_TRUST_TOFU_HPP
#define E2EKIT_TRUST_TOFU_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/trust/concept.hpp>
#include <e2ekit/trust/key_policy.hpp>
#include <e2ekit/trust/level.hpp>
#include <e2ekit/trust/record.hpp>

#include <optional>
#include <span>
#include <vector>

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

struct tofu_keys {
    using key_policy_concept = key_policy_tag;
    using scheme = core_scheme;

    static level first_seen(std::span<const key_level<scheme>> others) noexcept {
        return others.empty() ? level::trusted : level::undecided;
    }
    static std::vector<key_level<scheme>> after_decision(std::span<const key_level<scheme>>,
                                                         const key_level<scheme>&) {
        return {};
    }
};
static_assert(key_policy<tofu_keys>);

} // namespace e2ekit::trust

#endif
