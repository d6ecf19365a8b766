// Errors of the codec layer: why a text or binary encoding was refused.
// Every code means "the input is not what this decoder accepts"; the two
// bounds (size, depth) are limit_exceeded so that callers can tell hostile
// volume from plain garbage. Messages never quote the input.
#ifndef E2EKIT_CODEC_ERROR_HPP
#define E2EKIT_CODEC_ERROR_HPP

#include <e2ekit/core/error.hpp>

namespace e2ekit::codec {

enum class decode_error {
    truncated = 1,     ///< the input ends inside a value (varint, length, base64 quantum)
    invalid_character, ///< a character outside the alphabet (base64, hex, base58)
    bad_padding,       ///< base64 padding missing, misplaced or not allowed
    non_canonical,     ///< a second encoding of the same value (base64 trailing bits...)
    bad_checksum,      ///< base58check checksum does not match
    too_large,         ///< the input exceeds the decoder's size bound
    too_deep,          ///< nesting exceeds the decoder's depth bound
    bad_varint,        ///< a varint longer than 10 bytes or above 2^64 - 1
    bad_tag,           ///< a protobuf field number or wire type that cannot occur
    unexpected_type,   ///< a known field or JSON value of the wrong type
    missing_field,     ///< a required field is absent
    duplicate_field,   ///< a field or JSON key that may occur once occurs twice
    bad_length,        ///< a value of the wrong length for its slot (fixed-size keys)
    out_of_range,      ///< a number outside its type's range
    trailing_data,     ///< bytes left over after a complete value
    invalid_utf8,      ///< text that is not well-formed UTF-8 (or a lone surrogate)
    syntax_error,      ///< the text is not in the grammar (JSON)
};
E2EKIT_ERROR_ENUM(decode_error)

} // namespace e2ekit::codec

E2EKIT_ERROR_ENUM_STD(e2ekit::codec::decode_error)

template <>
struct e2ekit::error_enum_traits<e2ekit::codec::decode_error> {
    using E = e2ekit::codec::decode_error;
    static constexpr const char* name = "e2ekit.codec";
    static std::string message(E e) {
        switch (e) {
        case E::truncated: return "input truncated";
        case E::invalid_character: return "invalid character";
        case E::bad_padding: return "bad padding";
        case E::non_canonical: return "non-canonical encoding";
        case E::bad_checksum: return "checksum mismatch";
        case E::too_large: return "input too large";
        case E::too_deep: return "nesting too deep";
        case E::bad_varint: return "malformed varint";
        case E::bad_tag: return "invalid field tag or wire type";
        case E::unexpected_type: return "value of unexpected type";
        case E::missing_field: return "required field missing";
        case E::duplicate_field: return "duplicate field";
        case E::bad_length: return "value of wrong length";
        case E::out_of_range: return "number out of range";
        case E::trailing_data: return "trailing data";
        case E::invalid_utf8: return "invalid UTF-8";
        case E::syntax_error: return "syntax error";
        }
        return "unknown decode error";
    }
    static condition condition_of(E e) {
        switch (e) {
        case E::too_large:
        case E::too_deep: return condition::limit_exceeded;
        default: return condition::malformed_input;
        }
    }
};

#endif
