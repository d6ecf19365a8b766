// The trust policy concept: given what a device knows about a peer's
// identity (nothing, or the stored `record`) and the identity key the peer
// presents now, decide whether to go on and what to pin. The protocol
// (protocols/signal/device.hpp) asks before it stores a session or
// releases a message, and stores the pin in the same commit as the session,
// so a refused key leaves nothing behind.
//
// A type opts in with `using trust_concept = e2ekit::trust::policy_tag;`
// and then must offer, for `known` a `const std::optional<record>&` and
// `presented` a `bytes_view` (the identity key in the protocol's encoding):
//
// | expression                     | type         | semantics                         |
// |--------------------------------|--------------|-----------------------------------|
// | `P::trust_concept`             | `policy_tag` | the opt-in (1)                    |
// | `P::decide(known, presented)`  | `verdict`    | the level of `presented`, and     |
// |                                |              | whether to pin it (2)             |
//
// (1) A type that merely has a `decide` is not a policy.
// (2) `verdict::trust` is the core level (level.hpp) of the key presented:
//     only `trusted` lets the protocol go on; `distrusted` becomes
//     `trust_error::untrusted_identity` and `undecided`
//     `trust_error::undecided_identity` (see `enforce`). With `pin` set the
//     protocol stores `record{presented, trust}` for the peer, replacing
//     what was known, in the commit of the step that asked (and only if
//     that step succeeds). A policy decides from its arguments alone: the
//     same arguments give the same verdict, and it must not throw.
//
// What the user decides (accepting a changed key, distrusting one) is not
// the policy's business: the protocol stores the user's record directly,
// and the policy reads it the next time.
//
// Shipped: tofu.hpp (trust on first use). Owners with several identity
// keys (OMEMO's devices) use key_policy.hpp instead: TOFU, BTBV and manual
// trust over custom level schemes, kept by key_trust.hpp.
#ifndef E2EKIT_TRUST_CONCEPT_HPP
#define E2EKIT_TRUST_CONCEPT_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/trust/error.hpp>
#include <e2ekit/trust/level.hpp>
#include <e2ekit/trust/record.hpp>

#include <concepts>
#include <optional>

namespace e2ekit::trust {

/// The opt-in tag: `using trust_concept = policy_tag;`.
struct policy_tag {};

/// A policy's answer about one presented key.
struct verdict {
    level trust = level::undecided;
    bool pin = false; ///< store `record{presented, trust}` with the step's commit

    friend bool operator==(const verdict&, const verdict&) = default;
};

namespace detail {

template <class P>
concept opts_into_policy = requires {
    typename P::trust_concept;
}
&&std::same_as<typename P::trust_concept, policy_tag>;

template <class P>
concept decides = requires(const std::optional<record>& known, bytes_view presented) {
    { P::decide(known, presented) } -> std::same_as<verdict>;
};

} // namespace detail

template <class P>
concept policy = detail::opts_into_policy<P> && detail::decides<P>;

/// The verdict as the protocol acts on it: go on only when trusted.
inline result<void> enforce(const verdict& v) {
    switch (v.trust) {
    case level::trusted: return ok();
    case level::distrusted: return trust_error::untrusted_identity;
    case level::undecided: return trust_error::undecided_identity;
    }
    return trust_error::untrusted_identity;
}

} // namespace e2ekit::trust

#endif
