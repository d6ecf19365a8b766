// Message shapes the codec tests and fuzzers share: Signal's
// WhisperTextProtocol.proto field numbers, described with codec/describe.hpp.
// The protocol's own types live in protocols/signal/; these exist so the
// codec layer is tested without depending on a layer above it.
#ifndef E2EKIT_TESTS_SUPPORT_CODEC_MESSAGES_HPP
#define E2EKIT_TESTS_SUPPORT_CODEC_MESSAGES_HPP

#include <e2ekit/codec/describe.hpp>

#include <cstdint>
#include <optional>

namespace e2ekit::test::sample {

struct signal_message {
    bytes ratchet_key;
    std::uint32_t counter = 0;
    std::uint32_t previous_counter = 0;
    bytes ciphertext;
    friend bool operator==(const signal_message&, const signal_message&) = default;
    friend constexpr auto describe(codec::tag<signal_message>) {
        using namespace codec;
        return fields(required<1, kind::bytes>("ratchetKey", &signal_message::ratchet_key),
                      required<2, kind::uint32>("counter", &signal_message::counter),
                      field<3, kind::uint32>("previousCounter", &signal_message::previous_counter),
                      required<4, kind::bytes>("ciphertext", &signal_message::ciphertext));
    }
};

struct pre_key_signal_message {
    std::optional<std::uint32_t> pre_key_id;
    byte_array<33> base_key{};
    byte_array<33> identity_key{};
    bytes message;
    std::optional<std::uint32_t> registration_id;
    std::optional<std::uint32_t> signed_pre_key_id;
    friend bool operator==(const pre_key_signal_message&, const pre_key_signal_message&) = default;
    friend constexpr auto describe(codec::tag<pre_key_signal_message>) {
        using namespace codec;
        using M = pre_key_signal_message;
        return fields(field<1, kind::uint32>("preKeyId", &M::pre_key_id),
                      required<2, kind::bytes>("baseKey", &M::base_key),
                      required<3, kind::bytes>("identityKey", &M::identity_key),
                      required<4, kind::bytes>("message", &M::message),
                      field<5, kind::uint32>("registrationId", &M::registration_id),
                      field<6, kind::uint32>("signedPreKeyId", &M::signed_pre_key_id));
    }
};

} // namespace e2ekit::test::sample

#endif
