// Errors of the ratchet layer. A ratchet step never authenticates (the
// envelope's MAC does, with the keys the step returns), so these codes say
// only what the header or the stored state asks that the ratchet cannot do.
#ifndef E2EKIT_RATCHET_ERROR_HPP
#define E2EKIT_RATCHET_ERROR_HPP

#include <e2ekit/core/error.hpp>

namespace e2ekit::ratchet {

enum class ratchet_error {
    duplicate_message = 1, ///< the counter is behind its chain and its key is gone: a replay
    too_far_ahead,         ///< the counter skips more keys than the params allow
    chain_exhausted,       ///< a chain counter would pass 2^32 - 1
    no_sending_key,        ///< a new ratchet key arrived before this side had one to answer
    invalid_ratchet_key,   ///< the peer's ratchet key gives a weak DH output
    bad_state,             ///< a serialised state that is malformed or breaks an invariant
    unsupported_state,     ///< a serialised state of another format version or other params
};
E2EKIT_ERROR_ENUM(ratchet_error)

} // namespace e2ekit::ratchet

E2EKIT_ERROR_ENUM_STD(e2ekit::ratchet::ratchet_error)

template <>
struct e2ekit::error_enum_traits<e2ekit::ratchet::ratchet_error> {
    using E = e2ekit::ratchet::ratchet_error;
    static constexpr const char* name = "e2ekit.ratchet";
    static std::string message(E e) {
        switch (e) {
        case E::duplicate_message: return "duplicate message";
        case E::too_far_ahead: return "message too far ahead of its chain";
        case E::chain_exhausted: return "chain counter exhausted";
        case E::no_sending_key: return "no own ratchet key to answer a new ratchet key";
        case E::invalid_ratchet_key: return "invalid ratchet key";
        case E::bad_state: return "malformed ratchet state";
        case E::unsupported_state: return "unsupported ratchet state format";
        }
        return "unknown ratchet error";
    }
    static condition condition_of(E e) {
        switch (e) {
        case E::duplicate_message: return condition::conflict;
        case E::too_far_ahead:
        case E::chain_exhausted: return condition::limit_exceeded;
        case E::no_sending_key: return condition::conflict;
        case E::invalid_ratchet_key: return condition::invalid_key;
        case E::bad_state: return condition::malformed_input;
        case E::unsupported_state: return condition::unsupported;
        }
        return condition::malformed_input;
    }
};

#endif
