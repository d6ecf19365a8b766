// What a device does with its pre-keys: when a new session uses up a
// one-time pre-key, when to make more, when to rotate the signed pre-key.
// A session manager asks its policy and does it in the batch of the step
// that triggered it (python-omemo's SessionManager: rotation every 7 days,
// refill to 100 at 99 or fewer, pre-keys kept while catching up with
// history and deleted after).
//
// A policy opts in with `using prekey_policy_concept =
// e2ekit::session::prekey_policy_tag;` and offers, for `u` a `prekey_use`:
//
// | expression              | type                   | semantics                        |
// |-------------------------|------------------------|----------------------------------|
// | `P::on_used(u)`         | `prekey_action`        | a one-time pre-key a new session |
// |                         |                        | used: erase it, or hide it from  |
// |                         |                        | the bundle and keep it (1)       |
// | `P::on_confirmed()`     | `prekey_action`        | the same key once the peer has   |
// |                         |                        | answered in that session (2)     |
// | `P::refill_at`          | `std::size_t`          | refill when this many or fewer   |
// |                         |                        | are visible (3)                  |
// | `P::refill_to`          | `std::size_t`          | ... up to this many              |
// | `P::rotation_period`    | `std::chrono::seconds` | signed pre-key age that rotates  |
// |                         |                        | it; the old one is kept one more |
// |                         |                        | period                           |
//
// (1) A hidden key still opens sessions: a peer that fetched the bundle
//     before the key was used may start another session with it (two
//     senders during a history catch-up), or send the key exchange again.
// (2) `hide` again means "never erase on confirmation" (keys are then
//     erased only by `erase_hidden`, a caller's decision).
// (3) 0 < refill_at < refill_to.
//
// Shipped: `delete_on_use` (python-omemo's behaviour) and
// `keep_until_confirmed`.
#ifndef E2EKIT_SESSION_PREKEY_POLICY_HPP
#define E2EKIT_SESSION_PREKEY_POLICY_HPP

#include <chrono>
#include <concepts>
#include <cstddef>

namespace e2ekit::session {

enum class prekey_action { erase, hide };

/// The circumstances of a one-time pre-key's use.
struct prekey_use {
    /// The device is catching up with messages sent while it was offline
    /// (python-omemo's history synchronisation mode).
    bool catching_up = false;
};

struct prekey_policy_tag {};

template <class P>
concept prekey_policy = std::same_as<typename P::prekey_policy_concept, prekey_policy_tag> &&
    requires(const prekey_use& u) {
    { P::on_used(u) } -> std::same_as<prekey_action>;
    { P::on_confirmed() } -> std::same_as<prekey_action>;
    { P::refill_at } -> std::convertible_to<std::size_t>;
    { P::refill_to } -> std::convertible_to<std::size_t>;
    { P::rotation_period } -> std::convertible_to<std::chrono::seconds>;
} &&(P::refill_at > 0) && (P::refill_at < P::refill_to);

/// python-omemo's defaults: a used key goes at once, unless the device is
/// catching up (then at the end of the catch-up); refill to 100 at 99;
/// rotate weekly.
struct delete_on_use {
    using prekey_policy_concept = prekey_policy_tag;
    static constexpr std::size_t refill_at = 99;
    static constexpr std::size_t refill_to = 100;
    static constexpr std::chrono::seconds rotation_period{7 * 24 * 60 * 60};
    static constexpr prekey_action on_used(const prekey_use& u) noexcept {
        return u.catching_up ? prekey_action::hide : prekey_action::erase;
    }
    static constexpr prekey_action on_confirmed() noexcept { return prekey_action::erase; }
};
static_assert(prekey_policy<delete_on_use>);

/// A used key stays (hidden) until the peer answers in the session it
/// opened, so a key exchange that is sent again, or a second device that
/// raced for the same key, still gets through; then it goes.
struct keep_until_confirmed {
    using prekey_policy_concept = prekey_policy_tag;
    static constexpr std::size_t refill_at = 99;
    static constexpr std::size_t refill_to = 100;
    static constexpr std::chrono::seconds rotation_period{7 * 24 * 60 * 60};
    static constexpr prekey_action on_used(const prekey_use&) noexcept {
        return prekey_action::hide;
    }
    static constexpr prekey_action on_confirmed() noexcept { return prekey_action::erase; }
};
static_assert(prekey_policy<keep_until_confirmed>);

/// What a device's pre-keys need now.
struct prekey_plan {
    std::size_t generate = 0; ///< one-time pre-keys to make
    bool rotate_signed = false;
    friend bool operator==(const prekey_plan&, const prekey_plan&) = default;
};

template <prekey_policy P>
constexpr prekey_plan plan_prekeys(std::size_t visible, std::chrono::seconds signed_age) noexcept {
    prekey_plan p;
    if (visible <= P::refill_at) p.generate = P::refill_to - visible;
    p.rotate_signed = signed_age >= P::rotation_period;
    return p;
}

} // namespace e2ekit::session

#endif
