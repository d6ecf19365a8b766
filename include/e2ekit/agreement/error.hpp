// Errors of the agreement layer.
#ifndef E2EKIT_AGREEMENT_ERROR_HPP
#define E2EKIT_AGREEMENT_ERROR_HPP

#include <e2ekit/core/error.hpp>

namespace e2ekit::agreement {

enum class agreement_error {
    bad_signature = 1, ///< the signed pre-key's signature did not verify
    invalid_key,       ///< a public key gives a weak (all-zero) DH output
};
E2EKIT_ERROR_ENUM(agreement_error)

} // namespace e2ekit::agreement

E2EKIT_ERROR_ENUM_STD(e2ekit::agreement::agreement_error)

template <>
struct e2ekit::error_enum_traits<e2ekit::agreement::agreement_error> {
    using E = e2ekit::agreement::agreement_error;
    static constexpr const char* name = "e2ekit.agreement";
    static std::string message(E e) {
        switch (e) {
        case E::bad_signature: return "signed pre-key signature did not verify";
        case E::invalid_key: return "invalid key";
        }
        return "unknown agreement error";
    }
    static condition condition_of(E e) {
        switch (e) {
        case E::bad_signature: return condition::authentication_failed;
        case E::invalid_key: return condition::invalid_key;
        }
        return condition::malformed_input;
    }
};

#endif
