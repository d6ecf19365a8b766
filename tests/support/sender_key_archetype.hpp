// The sender-key params archetype: exactly what
// `e2ekit::ratchet::sender_key_params` asks and nothing more, built without
// kdf.hpp's building blocks (its own chain KDF, its own message keys), with
// small bounds so that tests reach them quickly. It works, so the chain's
// tests run against it as well as against the building blocks.
#ifndef E2EKIT_TESTS_SUPPORT_SENDER_KEY_ARCHETYPE_HPP
#define E2EKIT_TESTS_SUPPORT_SENDER_KEY_ARCHETYPE_HPP

#include <e2ekit/crypto/hmac.hpp>
#include <e2ekit/ratchet/concept.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace e2ekit::test {

struct sender_key_archetype {
    using sender_key_concept = ratchet::sender_key_tag;

    struct chain_kdf {
        static ratchet::chain_step step(const ratchet::chain_key& ck) {
            ratchet::chain_step s;
            crypto::hmac_sha256::compute(s.message.mutable_view(), ck.view(), as_bytes("m"));
            crypto::hmac_sha256::compute(s.next.mutable_view(), ck.view(), as_bytes("c"));
            return s;
        }
    };

    /// The message key itself, moved into its own secret type.
    class message_keys {
    public:
        static message_keys derive(const ratchet::message_key& mk) {
            return message_keys(mk.view());
        }
        message_keys(message_keys&&) noexcept = default;
        message_keys& operator=(message_keys&&) noexcept = default;
        fixed_view<32> view() const noexcept { return k_.view(); }

    private:
        explicit message_keys(fixed_view<32> raw) noexcept : k_(raw) {}
        secret<32> k_;
    };

    static constexpr std::uint32_t max_forward = 10;
    static constexpr std::size_t max_stored_keys = 4;
    static constexpr std::string_view state_label = "archetype.sender_key";
};

static_assert(ratchet::sender_key_params<sender_key_archetype>);

} // namespace e2ekit::test

#endif
