// Errors of Signal sessions above one ratchet state: what the record, the
// pre-key lookup and the stored form can refuse. Wire and ratchet failures
// keep their own codes (envelope_error, ratchet_error).
#ifndef E2EKIT_PROTOCOLS_SIGNAL_ERROR_HPP
#define E2EKIT_PROTOCOLS_SIGNAL_ERROR_HPP

#include <e2ekit/core/error.hpp>

namespace e2ekit::protocols::signal {

enum class signal_error {
    no_session = 1,               ///< no session state with this peer (or none that could send)
    unknown_prekey,               ///< a PreKeySignalMessage names a one-time pre-key not held
    unknown_signed_prekey,        ///< ... or a signed pre-key not held
    untrusted_identity,           ///< the peer's identity key is not the trusted one
    bad_record,                   ///< a stored session record that is malformed
    unsupported_record,           ///< a stored session record of another format
    fingerprint_version_mismatch, ///< a scanned fingerprint of another version, or incomplete
};
E2EKIT_ERROR_ENUM(signal_error)

} // namespace e2ekit::protocols::signal

E2EKIT_ERROR_ENUM_STD(e2ekit::protocols::signal::signal_error)

template <>
struct e2ekit::error_enum_traits<e2ekit::protocols::signal::signal_error> {
    using E = e2ekit::protocols::signal::signal_error;
    static constexpr const char* name = "e2ekit.signal";
    static std::string message(E e) {
        switch (e) {
        case E::no_session: return "no session";
        case E::unknown_prekey: return "unknown one-time pre-key";
        case E::unknown_signed_prekey: return "unknown signed pre-key";
        case E::untrusted_identity: return "untrusted identity key";
        case E::bad_record: return "malformed session record";
        case E::unsupported_record: return "unsupported session record format";
        case E::fingerprint_version_mismatch: return "fingerprint version mismatch";
        }
        return "unknown signal error";
    }
    static condition condition_of(E e) {
        switch (e) {
        case E::no_session: return condition::not_found;
        case E::unknown_prekey:
        case E::unknown_signed_prekey: return condition::not_found;
        case E::untrusted_identity: return condition::untrusted;
        case E::bad_record: return condition::malformed_input;
        case E::unsupported_record:
        case E::fingerprint_version_mismatch: return condition::unsupported;
        }
        return condition::malformed_input;
    }
};

#endif
