// Errors of the crypto layer. Every failed MAC, tag, padding or signature
// check is the one opaque `authentication_failed`: which of them failed is
// exactly what an attacker must not learn.
#ifndef E2EKIT_CRYPTO_ERROR_HPP
#define E2EKIT_CRYPTO_ERROR_HPP

#include <e2ekit/core/error.hpp>

namespace e2ekit::crypto {

enum class crypto_error {
    authentication_failed = 1, ///< MAC, AEAD tag, padding or signature did not verify
    invalid_key,               ///< wrong size, not on the curve, low order, bad encoding
    invalid_argument,          ///< a length or parameter the primitive does not accept
    unsupported,               ///< the algorithm or key type is not available
    backend_failure,           ///< the underlying library failed for another reason
};
E2EKIT_ERROR_ENUM(crypto_error)

} // namespace e2ekit::crypto

E2EKIT_ERROR_ENUM_STD(e2ekit::crypto::crypto_error)

template <>
struct e2ekit::error_enum_traits<e2ekit::crypto::crypto_error> {
    using E = e2ekit::crypto::crypto_error;
    static constexpr const char* name = "e2ekit.crypto";
    static std::string message(E e) {
        switch (e) {
        case E::authentication_failed: return "authentication failed";
        case E::invalid_key: return "invalid key";
        case E::invalid_argument: return "invalid argument";
        case E::unsupported: return "unsupported algorithm";
        case E::backend_failure: return "crypto backend failure";
        }
        return "unknown crypto error";
    }
    static condition condition_of(E e) {
        switch (e) {
        case E::authentication_failed: return condition::authentication_failed;
        case E::invalid_key: return condition::invalid_key;
        case E::invalid_argument: return condition::malformed_input;
        case E::unsupported: return condition::unsupported;
        case E::backend_failure: return condition::io_failure;
        }
        return condition::malformed_input;
    }
};

#endif
