// Errors of the DIMP layer (MKM identities, DKD messages). JSON that is not
// JSON, or a field of the wrong JSON type, keeps the codec's decode_error;
// what is refused here is JSON that is well formed but not DIMP. Every
// failed signature, fingerprint, key decryption or content decryption is
// the one opaque `authentication_failed`.
#ifndef E2EKIT_PROTOCOLS_DIMP_ERROR_HPP
#define E2EKIT_PROTOCOLS_DIMP_ERROR_HPP

#include <e2ekit/core/error.hpp>

namespace e2ekit::protocols::dimp {

enum class dimp_error {
    invalid_id = 1,        ///< not `name@address/terminal` (empty part, stray '@' or '/')
    invalid_address,       ///< neither base58check, 0x-hex nor a broadcast address
    bad_checksum,          ///< base58check or EIP-55 checksum does not match
    unsupported_algorithm, ///< a key algorithm DIMP does not name
    invalid_key,           ///< key data that does not parse as its algorithm's key
    unsupported_meta,      ///< a meta type other than 1 (MKM), 2 (BTC), 4 (ETH)
    invalid_meta,          ///< seed/fingerprint missing where needed, present where not
    id_mismatch,           ///< the meta does not generate this ID, or a document names another
    invalid_document,      ///< no data/signature, `data` not a JSON object, bad visa key
    invalid_message,       ///< a message without the fields its layer needs
    no_key,                ///< no `keys` entry for this receiver and no cached key
    authentication_failed, ///< signature, fingerprint, key or content decryption failed
    too_large,             ///< an ID, address or field beyond its bound
    unknown_entity,        ///< no meta (or no members, no private key) for this ID
    outdated,              ///< a document no newer than the one already held
};
E2EKIT_ERROR_ENUM(dimp_error)

} // namespace e2ekit::protocols::dimp

E2EKIT_ERROR_ENUM_STD(e2ekit::protocols::dimp::dimp_error)

template <>
struct e2ekit::error_enum_traits<e2ekit::protocols::dimp::dimp_error> {
    using E = e2ekit::protocols::dimp::dimp_error;
    static constexpr const char* name = "e2ekit.dimp";
    static std::string message(E e) {
        switch (e) {
        case E::invalid_id: return "invalid ID";
        case E::invalid_address: return "invalid address";
        case E::bad_checksum: return "address checksum mismatch";
        case E::unsupported_algorithm: return "unsupported key algorithm";
        case E::invalid_key: return "invalid key";
        case E::unsupported_meta: return "unsupported meta type";
        case E::invalid_meta: return "invalid meta";
        case E::id_mismatch: return "ID does not match its meta";
        case E::invalid_document: return "invalid document";
        case E::invalid_message: return "invalid message";
        case E::no_key: return "no message key";
        case E::authentication_failed: return "authentication failed";
        case E::too_large: return "value too large";
        case E::unknown_entity: return "unknown entity";
        case E::outdated: return "document not newer than the one held";
        }
        return "unknown dimp error";
    }
    static condition condition_of(E e) {
        switch (e) {
        case E::invalid_id:
        case E::invalid_address:
        case E::bad_checksum:
        case E::invalid_meta:
        case E::invalid_document:
        case E::invalid_message: return condition::malformed_input;
        case E::unsupported_algorithm:
        case E::unsupported_meta: return condition::unsupported;
        case E::invalid_key: return condition::invalid_key;
        case E::id_mismatch:
        case E::authentication_failed: return condition::authentication_failed;
        case E::no_key: return condition::not_found;
        case E::too_large: return condition::limit_exceeded;
        case E::unknown_entity: return condition::not_found;
        case E::outdated: return condition::conflict;
        }
        return condition::malformed_input;
    }
};

#endif
