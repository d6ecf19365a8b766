// Errors of Olm above the envelope and ratchet layers: what Olm's own
// message encoding, the account and the session's stored form can refuse.
// Generic wire failures keep envelope_error (truncated, unknown_version,
// malformed, invalid_key, authentication_failed: the one opaque MAC
// failure) and ratchet failures ratchet_error.
#ifndef E2EKIT_PROTOCOLS_OLM_ERROR_HPP
#define E2EKIT_PROTOCOLS_OLM_ERROR_HPP

#include <e2ekit/core/error.hpp>

namespace e2ekit::protocols::olm {

enum class olm_error {
    overlong_varint = 1,  ///< a varint longer than its value's type allows
    unknown_one_time_key, ///< a pre-key message names a key the account does not hold
    session_mismatch,     ///< a pre-key message that does not belong to this session
    bad_state,            ///< a stored session or account that is malformed
    unsupported_state,    ///< a stored session or account of another format
    no_session,           ///< no session with this peer (or none that takes the message)
};
E2EKIT_ERROR_ENUM(olm_error)

} // namespace e2ekit::protocols::olm

E2EKIT_ERROR_ENUM_STD(e2ekit::protocols::olm::olm_error)

template <>
struct e2ekit::error_enum_traits<e2ekit::protocols::olm::olm_error> {
    using E = e2ekit::protocols::olm::olm_error;
    static constexpr const char* name = "e2ekit.olm";
    static std::string message(E e) {
        switch (e) {
        case E::overlong_varint: return "overlong varint";
        case E::unknown_one_time_key: return "unknown one-time key";
        case E::session_mismatch: return "pre-key message of another session";
        case E::bad_state: return "malformed stored Olm state";
        case E::unsupported_state: return "unsupported stored Olm state";
        case E::no_session: return "no session";
        }
        return "unknown olm error";
    }
    static condition condition_of(E e) {
        switch (e) {
        case E::overlong_varint: return condition::malformed_input;
        case E::unknown_one_time_key: return condition::not_found;
        case E::session_mismatch: return condition::conflict;
        case E::bad_state: return condition::malformed_input;
        case E::unsupported_state: return condition::unsupported;
        case E::no_session: return condition::not_found;
        }
        return condition::malformed_input;
    }
};

#endif
