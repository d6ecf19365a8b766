// Trust in the identity keys of owners with several devices (OMEMO: a bare
// JID, each of whose devices has its own identity key). Trust sits on the
// identity key, not on the device: two devices showing one key share its
// level. A key policy decides the level of a key seen for the first time,
// from what is known of the owner's other keys, and what else changes when
// the user decides about a key. key_trust.hpp keeps the levels in a store.
//
// A policy opts in with `using key_policy_concept =
// e2ekit::trust::key_policy_tag;` and then offers, for `others` a
// `std::span<const key_level<P::scheme>>` (the owner's other known keys and
// their levels) and `decided` a `const key_level<P::scheme>&`:
//
// | expression                        | type                                 | semantics        |
// |-----------------------------------|--------------------------------------|------------------|
// | `P::scheme`                       | a `level_scheme`                     | its levels       |
// | `P::first_seen(others)`           | `P::scheme::level_type`              | the level of a   |
// |                                   |                                      | new key          |
// | `P::after_decision(others,        | `std::vector<key_level<P::scheme>>`  | other keys whose |
// |   decided)`                       |                                      | level changes (1)|
//
// (1) Called when the user sets `decided`'s level; each entry returned is
//     one of `others` with its new level, stored in the same commit. A
//     policy decides from its arguments alone and must not throw.
//
// Shipped: `tofu_keys` (tofu.hpp), `btbv` (btbv.hpp), `manual` (manual.hpp).
#ifndef E2EKIT_TRUST_KEY_POLICY_HPP
#define E2EKIT_TRUST_KEY_POLICY_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/trust/scheme.hpp>

#include <concepts>
#include <span>
#include <vector>

namespace e2ekit::trust {

/// One identity key of an owner and its custom level.
template <level_scheme L>
struct key_level {
    bytes key; ///< the identity key, in the protocol's own encoding
    typename L::level_type trust;
    friend bool operator==(const key_level&, const key_level&) = default;
};

/// The opt-in tag: `using key_policy_concept = key_policy_tag;`.
struct key_policy_tag {};

template <class P>
concept key_policy = std::same_as<typename P::key_policy_concept, key_policy_tag> &&
    level_scheme<typename P::scheme> &&
    requires(std::span<const key_level<typename P::scheme>> others,
             const key_level<typename P::scheme>& decided) {
    { P::first_seen(others) } -> std::same_as<typename P::scheme::level_type>;
    {
        P::after_decision(others, decided)
        } -> std::same_as<std::vector<key_level<typename P::scheme>>>;
};

} // namespace e2ekit::trust

#endif
