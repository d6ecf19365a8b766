// OMEMO 0.3's wire as an envelope (envelope/concept.hpp): the
// authenticated message and the key exchange of messages.hpp. The message
// types are the <key> element's two forms (XEP-0384 v0.3 §4.5: prekey="true"
// marks a key exchange).
#ifndef E2EKIT_PROTOCOLS_OLDMEMO_ENVELOPE_HPP
#define E2EKIT_PROTOCOLS_OLDMEMO_ENVELOPE_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/envelope/concept.hpp>
#include <e2ekit/protocols/oldmemo/messages.hpp>

#include <cstdint>
#include <string_view>

namespace e2ekit::protocols::omemo03 {

enum class message_type : std::uint8_t { authenticated = 1, key_exchange = 2 };

struct envelope_03 {
    using envelope_concept = e2ekit::envelope::envelope_tag;
    static constexpr std::string_view name = "oldmemo";
    using message_type = omemo03::message_type;
    using message = authenticated_message;
    using key_exchange = omemo03::key_exchange;

    /// A parsed message holds views into `b` (its MAC is checked later,
    /// over those bytes): keep them alive while it is used.
    static result<message> parse_message(bytes_view b) { return parse_authenticated_message(b); }
    static result<key_exchange> parse_key_exchange(bytes_view b) {
        return omemo03::parse_key_exchange(b);
    }
    static bytes encode_key_exchange(const key_exchange& x) {
        return omemo03::encode_key_exchange(x);
    }
};
static_assert(e2ekit::envelope::wire_format<envelope_03>);

} // namespace e2ekit::protocols::omemo03

#endif
