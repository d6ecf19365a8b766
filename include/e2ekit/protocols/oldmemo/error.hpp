// Errors of OMEMO 0.3 above the envelope and ratchet layers. Wire and
// ratchet failures keep their own codes: envelope_error (truncated,
// versions, malformed, invalid_key and authentication_failed, the one
// opaque code for a MAC, padding or GCM tag that does not verify),
// ratchet_error (duplicate_message, too_far_ahead...) and
// agreement_error::bad_signature for a bundle whose signed pre-key does
// not verify. `xml_error` says why an element form was refused.
#ifndef E2EKIT_PROTOCOLS_OLDMEMO_ERROR_HPP
#define E2EKIT_PROTOCOLS_OLDMEMO_ERROR_HPP

#include <e2ekit/core/error.hpp>

namespace e2ekit::protocols::omemo03 {

enum class oldmemo_error {
    no_prekey = 1,         ///< a bundle without one-time pre-keys (python-oldmemo requires one)
    unknown_prekey,        ///< a key exchange names a one-time pre-key not held
    unknown_signed_prekey, ///< ... or a signed pre-key not held
    bad_key_material,      ///< key material of another size than 16 or 32 bytes
    empty_content,         ///< a payload to decrypt where the message has none
    bad_iv,                ///< an IV outside the 8 .. 128 bytes GCM is given
    bad_session,           ///< a stored session that is malformed
    unsupported_session,   ///< a stored session of another format or label
};
E2EKIT_ERROR_ENUM(oldmemo_error)

enum class xml_error {
    malformed = 1,     ///< not one well-formed XML element
    wrong_element,     ///< an element of another name or namespace than expected
    missing_element,   ///< a required child element is absent
    duplicate_element, ///< a child element that may occur once occurs twice
    missing_attribute, ///< a required attribute is absent
    bad_attribute,     ///< an attribute that is not an xs:unsignedInt / xs:boolean
    bad_base64,        ///< element text that is not base64
    bad_key,           ///< a key that is not 0x05 ‖ 32 bytes, a signature not 64 bytes
};
E2EKIT_ERROR_ENUM(xml_error)

} // namespace e2ekit::protocols::omemo03

E2EKIT_ERROR_ENUM_STD(e2ekit::protocols::omemo03::oldmemo_error)
E2EKIT_ERROR_ENUM_STD(e2ekit::protocols::omemo03::xml_error)

template <>
struct e2ekit::error_enum_traits<e2ekit::protocols::omemo03::oldmemo_error> {
    using E = e2ekit::protocols::omemo03::oldmemo_error;
    static constexpr const char* name = "e2ekit.oldmemo";
    static std::string message(E e) {
        switch (e) {
        case E::no_prekey: return "bundle without one-time pre-keys";
        case E::unknown_prekey: return "unknown one-time pre-key";
        case E::unknown_signed_prekey: return "unknown signed pre-key";
        case E::bad_key_material: return "key material of a wrong size";
        case E::empty_content: return "message without payload";
        case E::bad_iv: return "IV of an unsupported size";
        case E::bad_session: return "malformed stored session";
        case E::unsupported_session: return "unsupported stored session format";
        }
        return "unknown oldmemo error";
    }
    static condition condition_of(E e) {
        switch (e) {
        case E::no_prekey:
        case E::unknown_prekey:
        case E::unknown_signed_prekey: return condition::not_found;
        case E::bad_key_material:
        case E::empty_content:
        case E::bad_iv:
        case E::bad_session: return condition::malformed_input;
        case E::unsupported_session: return condition::unsupported;
        }
        return condition::malformed_input;
    }
};

template <>
struct e2ekit::error_enum_traits<e2ekit::protocols::omemo03::xml_error> {
    using E = e2ekit::protocols::omemo03::xml_error;
    static constexpr const char* name = "e2ekit.oldmemo.xml";
    static std::string message(E e) {
        switch (e) {
        case E::malformed: return "malformed XML";
        case E::wrong_element: return "unexpected element";
        case E::missing_element: return "missing element";
        case E::duplicate_element: return "duplicate element";
        case E::missing_attribute: return "missing attribute";
        case E::bad_attribute: return "malformed attribute";
        case E::bad_base64: return "malformed base64";
        case E::bad_key: return "malformed key or signature";
        }
        return "unknown oldmemo XML error";
    }
    static condition condition_of(E e) {
        switch (e) {
        case E::bad_key: return condition::invalid_key;
        default: return condition::malformed_input;
        }
    }
};

#endif
