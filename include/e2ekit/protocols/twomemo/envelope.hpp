// OMEMO 2's wire as an envelope (envelope/concept.hpp): the
// OMEMOAuthenticatedMessage of a session and the OMEMOKeyExchange that
// starts one, exactly messages.hpp's forms. The `twomemo` backend
// (protocols/twomemo.hpp) names this type. Not called `omemo2::envelope`:
// inside namespace omemo2 that name would hide the envelope layer's
// namespace from the code beside it.
#ifndef E2EKIT_PROTOCOLS_TWOMEMO_ENVELOPE_HPP
#define E2EKIT_PROTOCOLS_TWOMEMO_ENVELOPE_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/envelope/concept.hpp>
#include <e2ekit/protocols/twomemo/messages.hpp>

#include <cstdint>
#include <string_view>

namespace e2ekit::protocols::omemo2 {

struct envelope_2 {
    using envelope_concept = e2ekit::envelope::envelope_tag;
    static constexpr std::string_view name = "twomemo";
    /// As the `<key>` element tells them apart: its `kex` attribute.
    enum class message_type : std::uint8_t { message = 0, key_exchange = 1 };
    using message = authenticated_message;
    using key_exchange = omemo2::key_exchange;

    static result<message> parse_message(bytes_view b) { return parse_authenticated_message(b); }
    static result<key_exchange> parse_key_exchange(bytes_view b) {
        return omemo2::parse_key_exchange(b);
    }
    static bytes encode_key_exchange(const key_exchange& x) {
        return omemo2::encode_key_exchange(x);
    }
};
static_assert(e2ekit::envelope::wire_format<envelope_2>);

} // namespace e2ekit::protocols::omemo2

#endif
