// Errors of OMEMO 2 (twomemo) above the envelope, agreement and ratchet
// layers: what its XML element forms, bundles, key exchanges, payloads and
// stored sessions can refuse. Wire failures keep envelope_error (malformed
// protobuf, a key of the wrong length, and `authentication_failed`, the one
// opaque failure of every MAC and padding check, the payload's included);
// the X3DH keeps agreement_error (a bad signed pre-key signature) and the
// ratchet ratchet_error (replays, skips beyond the bound).
#ifndef E2EKIT_PROTOCOLS_TWOMEMO_ERROR_HPP
#define E2EKIT_PROTOCOLS_TWOMEMO_ERROR_HPP

#include <e2ekit/core/error.hpp>

namespace e2ekit::protocols::omemo2 {

enum class twomemo_error {
    malformed_xml = 1,     ///< not XML, or not the element form XEP-0384's schema gives
    no_prekey,             ///< a bundle without one-time pre-keys (python-twomemo needs one)
    unknown_signed_prekey, ///< a key exchange names a signed pre-key not held
    unknown_prekey,        ///< ... or a one-time pre-key not held
    bad_key_material,      ///< decrypted key material of another length than 32 or 48 bytes
    empty_content,         ///< a payload to decrypt that is empty (an empty OMEMO message)
    bad_session,           ///< a stored session that is malformed
    unsupported_session,   ///< a stored session of another format
};
E2EKIT_ERROR_ENUM(twomemo_error)

} // namespace e2ekit::protocols::omemo2

E2EKIT_ERROR_ENUM_STD(e2ekit::protocols::omemo2::twomemo_error)

template <>
struct e2ekit::error_enum_traits<e2ekit::protocols::omemo2::twomemo_error> {
    using E = e2ekit::protocols::omemo2::twomemo_error;
    static constexpr const char* name = "e2ekit.twomemo";
    static std::string message(E e) {
        switch (e) {
        case E::malformed_xml: return "malformed OMEMO 2 element";
        case E::no_prekey: return "bundle without one-time pre-keys";
        case E::unknown_signed_prekey: return "unknown signed pre-key";
        case E::unknown_prekey: return "unknown one-time pre-key";
        case E::bad_key_material: return "key material of a wrong length";
        case E::empty_content: return "empty content";
        case E::bad_session: return "malformed stored session";
        case E::unsupported_session: return "unsupported stored session format";
        }
        return "unknown twomemo error";
    }
    static condition condition_of(E e) {
        switch (e) {
        case E::malformed_xml:
        case E::bad_key_material:
        case E::empty_content:
        case E::bad_session: return condition::malformed_input;
        case E::no_prekey:
        case E::unknown_signed_prekey:
        case E::unknown_prekey: return condition::not_found;
        case E::unsupported_session: return condition::unsupported;
        }
        return condition::malformed_input;
    }
};

#endif
