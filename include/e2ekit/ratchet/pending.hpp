// A step whose new state must be made durable before its payload (a
// plaintext, a ciphertext, message keys) may be used: DESIGN "States are
// types, and commits come before plaintext". `commit(fn)` enforces the
// order: the payload comes out only when `fn` stored the state. A caller
// that commits many steps in one batch reads `state()` for each, commits
// once, then calls `release()` on each.
#ifndef E2EKIT_RATCHET_PENDING_HPP
#define E2EKIT_RATCHET_PENDING_HPP

#include <e2ekit/core/result.hpp>

#include <concepts>
#include <utility>

namespace e2ekit::ratchet {

template <class State, class Payload>
class [[nodiscard]] pending {
public:
    using state_type = State;
    using payload_type = Payload;

    pending(State next, Payload payload) : state_(std::move(next)), payload_(std::move(payload)) {}

    /// The state to make durable.
    const State& state() const noexcept { return state_; }

    /// Calls `store(state())`; the payload only if it succeeded. On failure
    /// the payload is destroyed (wiped, when it is a secret).
    template <class Store>
    requires std::same_as<std::invoke_result_t<Store, const State&>, result<void>> result<Payload>
    commit(Store&& store) && {
        if (auto r = std::forward<Store>(store)(std::as_const(state_)); !r) return r.error();
        return std::move(payload_);
    }

    /// The payload, for a caller that has already made `state()` durable
    /// (batched commits).
    Payload release() && { return std::move(payload_); }

    /// The state, moved out (after it was committed, to keep working on it).
    State take_state() && { return std::move(state_); }

    /// Both parts, uncommitted, for a step that wraps this one in a larger
    /// state (a session state into its record): the larger step is then
    /// committed instead.
    std::pair<State, Payload> split() && { return {std::move(state_), std::move(payload_)}; }

private:
    State state_;
    Payload payload_;
};

} // namespace e2ekit::ratchet

#endif
