// Errors of the envelope layer: why a wire message was refused before or
// while it was authenticated. A MAC that does not verify is the one opaque
// `authentication_failed`, whatever else was wrong with the message.
#ifndef E2EKIT_ENVELOPE_ERROR_HPP
#define E2EKIT_ENVELOPE_ERROR_HPP

#include <e2ekit/core/error.hpp>

namespace e2ekit::envelope {

enum class envelope_error {
    truncated = 1,         ///< shorter than its framing (version byte, MAC)
    legacy_version,        ///< a version below the supported one
    unknown_version,       ///< a version above the supported one
    malformed,             ///< the body does not parse, or a required field is absent
    invalid_key,           ///< a public key of the wrong length or type byte
    authentication_failed, ///< the MAC did not verify
};
E2EKIT_ERROR_ENUM(envelope_error)

} // namespace e2ekit::envelope

E2EKIT_ERROR_ENUM_STD(e2ekit::envelope::envelope_error)

template <>
struct e2ekit::error_enum_traits<e2ekit::envelope::envelope_error> {
    using E = e2ekit::envelope::envelope_error;
    static constexpr const char* name = "e2ekit.envelope";
    static std::string message(E e) {
        switch (e) {
        case E::truncated: return "message truncated";
        case E::legacy_version: return "legacy message version";
        case E::unknown_version: return "unknown message version";
        case E::malformed: return "malformed message";
        case E::invalid_key: return "invalid key encoding";
        case E::authentication_failed: return "authentication failed";
        }
        return "unknown envelope error";
    }
    static condition condition_of(E e) {
        switch (e) {
        case E::truncated:
        case E::malformed: return condition::malformed_input;
        case E::legacy_version:
        case E::unknown_version: return condition::unsupported;
        case E::invalid_key: return condition::invalid_key;
        case E::authentication_failed: return condition::authentication_failed;
        }
        return condition::malformed_input;
    }
};

#endif
