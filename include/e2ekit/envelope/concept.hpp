// The envelope concept: a protocol's wire format for one-to-one sessions,
// as `protocols::protocol<Agreement, Ratchet, Envelope>` takes it. It names
// the kinds of message the wire carries and parses the two every
// X3DH-style session has: the ratchet's own message and the
// session-starting key exchange (X3DH §3.3 "initial message"; Signal's
// PreKeySignalMessage, OMEMO 2's OMEMOKeyExchange, Olm's pre-key message).
//
// A type opts in with `using envelope_concept = e2ekit::envelope::envelope_tag;`
// and then must offer, for `b` a `bytes_view` and `x` a
// `const E::key_exchange&`:
//
// | expression                   | type                               | semantics                   |
// |------------------------------|------------------------------------|-----------------------------|
// | `E::envelope_concept`        | `envelope_tag`                     | the opt-in                  |
// | `E::name`                    | `std::string_view` constant        | names the wire format       |
// | `typename E::message_type`   | an enumeration                     | the kinds of message, as    |
// |                              |                                    | transports label them       |
// | `typename E::message`        | a movable object type              | a ratchet message, parsed,  |
// |                              |                                    | not yet authentic           |
// | `E::parse_message(b)`        | `result<E::message>`               | strict parse (1)            |
// | `typename E::key_exchange`   | a movable object type              | a session-starting message  |
// | `E::parse_key_exchange(b)`   | `result<E::key_exchange>`          | strict parse (1)            |
// | `E::encode_key_exchange(x)`  | `bytes`                            | its wire form (2)           |
//
// (1) Anything malformed is a typed error (envelope_error or the format's
//     own); a parse never throws, asserts or reads past `b`. A parsed
//     message is authenticated later, with the keys its ratchet step
//     derives: that is why a ratchet message has no encode here (its wire
//     form needs the message keys; the protocol writes it).
// (2) Canonical: `encode_key_exchange(*parse_key_exchange(
//     encode_key_exchange(x))) == encode_key_exchange(x)`.
//
// Laws: tests/support/laws/envelope.hpp (round trip, empty and random
// input refused without throwing). Group formats (sender keys, Megolm)
// carry no key exchange and get a concept of their own.
#ifndef E2EKIT_ENVELOPE_CONCEPT_HPP
#define E2EKIT_ENVELOPE_CONCEPT_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>

#include <concepts>
#include <string_view>
#include <type_traits>

namespace e2ekit::envelope {

/// The opt-in tag: `using envelope_concept = envelope_tag;`.
struct envelope_tag {};

namespace detail {

template <class E>
concept opts_into_envelope = requires {
    typename E::envelope_concept;
}
&&std::same_as<typename E::envelope_concept, envelope_tag>;

template <class E>
concept names_its_wire = requires {
    { E::name } -> std::convertible_to<std::string_view>;
    typename E::message_type;
}
&&std::is_enum_v<typename E::message_type>;

template <class E>
concept parses_messages = requires(bytes_view b) {
    typename E::message;
    { E::parse_message(b) } -> std::same_as<result<typename E::message>>;
}
&&std::is_object_v<typename E::message>&& std::movable<typename E::message>;

template <class E>
concept exchanges_keys = requires(bytes_view b) {
    typename E::key_exchange;
    { E::parse_key_exchange(b) } -> std::same_as<result<typename E::key_exchange>>;
}
&&std::is_object_v<typename E::key_exchange>&&
    std::movable<typename E::key_exchange>&& requires(const typename E::key_exchange& x) {
    { E::encode_key_exchange(x) } -> std::same_as<bytes>;
};

} // namespace detail

template <class E>
concept wire_format = detail::opts_into_envelope<E> && detail::names_its_wire<E> &&
    detail::parses_messages<E> && detail::exchanges_keys<E>;

} // namespace e2ekit::envelope

#endif
