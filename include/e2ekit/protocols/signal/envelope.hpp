// Signal v3's wire as an envelope (envelope/concept.hpp): SignalMessage
// and PreKeySignalMessage version 3, exactly messages.hpp's forms. The
// `signal_v3` alias (protocols/signal.hpp) names this type. Not called
// `signal::envelope`: inside namespace signal that name would hide the
// envelope layer's namespace (`envelope::envelope_error`) from the code
// beside it.
#ifndef E2EKIT_PROTOCOLS_SIGNAL_ENVELOPE_HPP
#define E2EKIT_PROTOCOLS_SIGNAL_ENVELOPE_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/envelope/concept.hpp>
#include <e2ekit/protocols/signal/messages.hpp>
#include <e2ekit/protocols/signal/params.hpp>
#include <e2ekit/protocols/signal/session.hpp>

#include <cstdint>
#include <string_view>

namespace e2ekit::protocols::signal {

struct envelope_v3 {
    using envelope_concept = e2ekit::envelope::envelope_tag;
    static constexpr std::string_view name = "signal_v3";
    static constexpr std::uint8_t version = wire::version;
    using message_type = signal::message_type;
    using message = signal_message;
    using key_exchange = prekey_signal_message;

    /// A parsed SignalMessage holds views into `b` (its MAC is checked
    /// later, over those bytes): keep them alive while it is used.
    static result<message> parse_message(bytes_view b) { return parse_signal_message(b); }
    static result<key_exchange> parse_key_exchange(bytes_view b) {
        return parse_prekey_signal_message(b);
    }
    static bytes encode_key_exchange(const key_exchange& x) {
        return encode_prekey_signal_message(x);
    }
};
static_assert(e2ekit::envelope::wire_format<envelope_v3>);

} // namespace e2ekit::protocols::signal

#endif
