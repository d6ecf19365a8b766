// Errors of the Matrix formats (key export files, encrypted attachments,
// event contents). A wrong passphrase and a damaged file are one
// `authentication_failed`: the MAC cannot tell them apart.
#ifndef E2EKIT_PROTOCOLS_MATRIX_ERROR_HPP
#define E2EKIT_PROTOCOLS_MATRIX_ERROR_HPP

#include <e2ekit/core/error.hpp>

namespace e2ekit::protocols::matrix {

enum class matrix_error {
    malformed = 1,         ///< not the format: armour, base64, lengths, JSON fields
    unsupported_version,   ///< a version byte or "v" this reader does not know
    authentication_failed, ///< wrong passphrase, or a MAC or hash that does not match
    too_large,             ///< beyond the format's bounds
    wrong_party, ///< a payload naming another sender, recipient, key or room than expected
};
E2EKIT_ERROR_ENUM(matrix_error)

} // namespace e2ekit::protocols::matrix

E2EKIT_ERROR_ENUM_STD(e2ekit::protocols::matrix::matrix_error)

template <>
struct e2ekit::error_enum_traits<e2ekit::protocols::matrix::matrix_error> {
    using E = e2ekit::protocols::matrix::matrix_error;
    static constexpr const char* name = "e2ekit.matrix";
    static std::string message(E e) {
        switch (e) {
        case E::malformed: return "malformed Matrix file";
        case E::unsupported_version: return "unsupported version";
        case E::authentication_failed: return "authentication failed";
        case E::too_large: return "too large";
        case E::wrong_party: return "sender, recipient, key or room is not the expected one";
        }
        return "unknown matrix error";
    }
    static condition condition_of(E e) {
        switch (e) {
        case E::malformed: return condition::malformed_input;
        case E::unsupported_version: return condition::unsupported;
        case E::authentication_failed: return condition::authentication_failed;
        case E::too_large: return condition::limit_exceeded;
        case E::wrong_party: return condition::authentication_failed;
        }
        return condition::malformed_input;
    }
};

#endif
