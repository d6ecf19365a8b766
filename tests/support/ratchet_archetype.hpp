// The Double Ratchet params archetype: exactly what
// `e2ekit::ratchet::double_ratchet_params` asks and nothing more, built
// without kdf.hpp's building blocks (its own KDF types, its own message
// keys), with small bounds so that the laws reach them quickly, and the
// other choice of each constant Signal makes (the initiator sends first,
// PN counts messages). It works, so the laws run against it too.
#ifndef E2EKIT_TESTS_SUPPORT_RATCHET_ARCHETYPE_HPP
#define E2EKIT_TESTS_SUPPORT_RATCHET_ARCHETYPE_HPP

#include <e2ekit/crypto/hkdf.hpp>
#include <e2ekit/crypto/hmac.hpp>
#include <e2ekit/crypto/x25519.hpp>
#include <e2ekit/ratchet/concept.hpp>

#include <string_view>

namespace e2ekit::test {

struct ratchet_archetype {
    using double_ratchet_concept = ratchet::double_ratchet_tag;
    using dh = crypto::x25519;

    struct root_kdf {
        static ratchet::root_step step(const ratchet::root_key& rk, bytes_view dh_output) {
            auto okm =
                crypto::hkdf_sha256::derive<64>(dh_output, rk.view(), as_bytes("archetype root"));
            return {ratchet::root_key(okm.view().first<32>()),
                    ratchet::chain_key(okm.view().last<32>())};
        }
    };
    struct chain_kdf {
        static ratchet::chain_step step(const ratchet::chain_key& ck) {
            ratchet::chain_step s;
            crypto::hmac_sha256::compute(s.message.mutable_view(), ck.view(), as_bytes("m"));
            crypto::hmac_sha256::compute(s.next.mutable_view(), ck.view(), as_bytes("c"));
            return s;
        }
    };
    class message_keys {
    public:
        static constexpr std::size_t size = 32;
        static message_keys derive(const ratchet::message_key& mk) {
            return message_keys(mk.view());
        }
        explicit message_keys(fixed_view<size> raw) noexcept : k_(raw) {}
        message_keys(message_keys&&) noexcept = default;
        message_keys& operator=(message_keys&&) noexcept = default;
        fixed_view<size> view() const noexcept { return k_.view(); }
        message_keys clone() const noexcept { return message_keys(view()); }
        friend bool operator==(const message_keys& a, const message_keys& b) noexcept {
            return a.k_ == b.k_;
        }

    private:
        secret<size> k_;
    };

    static constexpr ratchet::limits limits{
        .max_skip = 10, .max_receiver_chains = 2, .max_skipped_keys_per_chain = 5};
    static constexpr ratchet::role first_sender = ratchet::role::initiator;
    static constexpr ratchet::previous_counter_rule previous_counter =
        ratchet::previous_counter_rule::count;
    static constexpr std::string_view state_label = "archetype";
};
static_assert(ratchet::double_ratchet_params<ratchet_archetype>);

} // namespace e2ekit::test

#endif
