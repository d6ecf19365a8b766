// Errors of the trust layer. Refusing a key is a decision, not an attack
// detected: both refusals map to `condition::untrusted`, so a client can
// ask its user, while a stored record that does not parse is bad input.
#ifndef E2EKIT_TRUST_ERROR_HPP
#define E2EKIT_TRUST_ERROR_HPP

#include <e2ekit/core/error.hpp>

namespace e2ekit::trust {

enum class trust_error {
    untrusted_identity = 1, ///< the key presented is distrusted (or differs from the pinned one)
    undecided_identity,     ///< nobody has decided about the key presented yet
    bad_record,             ///< a stored identity record that is malformed
};
E2EKIT_ERROR_ENUM(trust_error)

} // namespace e2ekit::trust

E2EKIT_ERROR_ENUM_STD(e2ekit::trust::trust_error)

template <>
struct e2ekit::error_enum_traits<e2ekit::trust::trust_error> {
    using E = e2ekit::trust::trust_error;
    static constexpr const char* name = "e2ekit.trust";
    static std::string message(E e) {
        switch (e) {
        case E::untrusted_identity: return "untrusted identity key";
        case E::undecided_identity: return "identity key awaiting a trust decision";
        case E::bad_record: return "malformed identity record";
        }
        return "unknown trust error";
    }
    static condition condition_of(E e) {
        switch (e) {
        case E::untrusted_identity:
        case E::undecided_identity: return condition::untrusted;
        case E::bad_record: return condition::malformed_input;
        }
        return condition::malformed_input;
    }
};

#endif
