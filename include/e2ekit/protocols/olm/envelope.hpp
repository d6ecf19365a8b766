// Olm's wire as an envelope (envelope/concept.hpp): normal (type 1) and
// pre-key (type 0) messages, exactly messages.hpp's forms. The `olm_v1`
// alias (protocols/olm.hpp) names this type.
#ifndef E2EKIT_PROTOCOLS_OLM_ENVELOPE_HPP
#define E2EKIT_PROTOCOLS_OLM_ENVELOPE_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/envelope/concept.hpp>
#include <e2ekit/protocols/olm/messages.hpp>
#include <e2ekit/protocols/olm/params.hpp>

#include <cstdint>
#include <string_view>

namespace e2ekit::protocols::olm {

struct envelope_v1 {
    using envelope_concept = e2ekit::envelope::envelope_tag;
    static constexpr std::string_view name = "olm_v1";
    static constexpr std::uint8_t version = wire::version;
    using message_type = olm::message_type;
    using message = normal_message;
    using key_exchange = prekey_message_parts;

    /// A parsed normal message holds views into `b` (its MAC is checked
    /// later, over those bytes): keep them alive while it is used.
    static result<message> parse_message(bytes_view b) { return parse_normal_message(b); }
    static result<key_exchange> parse_key_exchange(bytes_view b) {
        return parse_prekey_message_parts(b);
    }
    static bytes encode_key_exchange(const key_exchange& x) { return encode_prekey_message(x); }
};
static_assert(e2ekit::envelope::wire_format<envelope_v1>);

} // namespace e2ekit::protocols::olm

#endif
