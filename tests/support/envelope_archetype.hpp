// The envelope archetype: a wire format that offers exactly what
// `e2ekit::envelope::wire_format` asks. It works (a kind byte, then the
// body), so the envelope laws run against it as against the real ones.
#ifndef E2EKIT_TESTS_SUPPORT_ENVELOPE_ARCHETYPE_HPP
#define E2EKIT_TESTS_SUPPORT_ENVELOPE_ARCHETYPE_HPP

#include <e2ekit/envelope/concept.hpp>
#include <e2ekit/envelope/error.hpp>

#include <cstdint>
#include <string_view>

namespace e2ekit::test {

struct envelope_archetype {
    using envelope_concept = envelope::envelope_tag;
    static constexpr std::string_view name = "archetype";
    enum class message_type : std::uint8_t { message = 1, key_exchange = 2 };

    struct message {
        bytes body;
    };
    struct key_exchange {
        bytes body;
    };

    static result<message> parse_message(bytes_view b) {
        if (b.empty()) return envelope::envelope_error::truncated;
        if (b[0] != 1) return envelope::envelope_error::malformed;
        return message{to_bytes(b.subspan(1))};
    }
    static result<key_exchange> parse_key_exchange(bytes_view b) {
        if (b.empty()) return envelope::envelope_error::truncated;
        if (b[0] != 2) return envelope::envelope_error::malformed;
        return key_exchange{to_bytes(b.subspan(1))};
    }
    static bytes encode_key_exchange(const key_exchange& x) {
        bytes out{2};
        out.insert(out.end(), x.body.begin(), x.body.end());
        return out;
    }
};
static_assert(envelope::wire_format<envelope_archetype>);

} // namespace e2ekit::test

#endif
