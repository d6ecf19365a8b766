// Errors of Megolm above the envelope: generic wire failures keep
// envelope_error (truncated, legacy/unknown_version, malformed,
// authentication_failed: one opaque code for a bad MAC or signature) and
// varints olm_error::overlong_varint, as Olm's messages do.
#ifndef E2EKIT_PROTOCOLS_MEGOLM_ERROR_HPP
#define E2EKIT_PROTOCOLS_MEGOLM_ERROR_HPP

#include <e2ekit/core/error.hpp>

namespace e2ekit::protocols::megolm {

enum class megolm_error {
    unknown_message_index = 1, ///< an index before the session's first known one
    bad_session_key,           ///< a session key or export that is malformed
    replayed,                  ///< a (session, index) already seen with another event
    bad_state,                 ///< a stored session that is malformed
};
E2EKIT_ERROR_ENUM(megolm_error)

} // namespace e2ekit::protocols::megolm

E2EKIT_ERROR_ENUM_STD(e2ekit::protocols::megolm::megolm_error)

template <>
struct e2ekit::error_enum_traits<e2ekit::protocols::megolm::megolm_error> {
    using E = e2ekit::protocols::megolm::megolm_error;
    static constexpr const char* name = "e2ekit.megolm";
    static std::string message(E e) {
        switch (e) {
        case E::unknown_message_index: return "message index before the first known one";
        case E::bad_session_key: return "malformed session key";
        case E::replayed: return "message index already used by another event";
        case E::bad_state: return "malformed stored Megolm session";
        }
        return "unknown megolm error";
    }
    static condition condition_of(E e) {
        switch (e) {
        case E::unknown_message_index: return condition::not_found;
        case E::bad_session_key: return condition::malformed_input;
        case E::replayed: return condition::conflict;
        case E::bad_state: return condition::malformed_input;
        }
        return condition::malformed_input;
    }
};

#endif
