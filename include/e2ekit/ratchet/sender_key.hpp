// A sender-key chain: one sender's symmetric hash ratchet, shared with
// every member of a group through a distribution message (Signal's "sender
// keys", libsignal-protocol-c src/group_cipher.c, src/sender_key_state.c).
// No DH: each message key comes from the chain key, which then moves on; a
// signature by the sender authenticates the messages (the protocol layer
// does that, protocols/signal/group.hpp).
//
// As double_ratchet.hpp, the steps are pure over a value-type state: they
// return the keys for one message and the state that follows, and never
// change the state they are given. The caller commits the state before it
// uses the keys (pending.hpp). A receiver may be up to `P::max_forward`
// messages behind the sender; the message keys it skips are kept (at most
// `P::max_stored_keys`, the oldest dropped first) so late messages still
// decrypt, once. An iteration behind the chain whose key is not kept is
// `duplicate_message`; one more than `P::max_forward` ahead is
// `too_far_ahead` (libsignal-protocol-c group_cipher_get_sender_key).
#ifndef E2EKIT_RATCHET_SENDER_KEY_HPP
#define E2EKIT_RATCHET_SENDER_KEY_HPP

#include <e2ekit/codec/describe.hpp>
#include <e2ekit/codec/protobuf_message.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/ratchet/concept.hpp>
#include <e2ekit/ratchet/error.hpp>
#include <e2ekit/ratchet/keys.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace e2ekit::ratchet {

template <sender_key_params P>
class sender_key {
public:
    using params = P;
    using message_keys = typename P::message_keys;

    /// A message key kept for a message that has not arrived yet, in its
    /// unexpanded form (as libsignal-protocol-c stores it:
    /// SenderKeyStateStructure.SenderMessageKey {iteration, seed}).
    struct stored_key {
        std::uint32_t iteration = 0;
        message_key seed;
    };

    struct state {
        chain_key chain;                 ///< for message `iteration`
        std::uint32_t iteration = 0;     ///< of the next message
        std::vector<stored_key> skipped; ///< ascending iteration, oldest first

        state clone() const;
        /// Structural equality, constant time in the secrets.
        friend bool operator==(const state& a, const state& b) noexcept { return equal(a, b); }

    private:
        static bool equal(const state& a, const state& b) noexcept;
    };

    /// The keys for one message and the state after it.
    struct step {
        std::uint32_t iteration = 0;
        message_keys keys;
        state next;
    };

    /// A chain starting at `iteration` (a distribution message's).
    static state start(chain_key chain, std::uint32_t iteration);

    /// The sender's next message (its iteration is `s.iteration`).
    /// `chain_exhausted` when the counter would pass 2^32 - 1.
    static result<step> encrypt_step(const state& s);

    /// The keys for a received message's iteration: a kept key (used up),
    /// or the chain advanced to it, keeping the keys it passes.
    static result<step> decrypt_step(const state& s, std::uint32_t iteration);

    /// e2ekit's own versioned form of a state (protobuf, format 1), bound
    /// to `P::state_label`. It holds secrets, so it comes as secret_bytes.
    static secret_bytes serialize(const state& s);

    /// The inverse, strict: a malformed form or broken invariant is
    /// `bad_state`; another format version or params label is
    /// `unsupported_state`.
    static result<state> parse(bytes_view stored);

    // --- the state as a described struct, for records that nest it ---------

    struct wire_key {
        std::uint32_t iteration = 0;
        byte_array<key_size> seed{};
        friend constexpr auto describe(codec::tag<wire_key>) {
            using namespace codec;
            return fields(required<1, kind::uint32>("iteration", &wire_key::iteration),
                          required<2, kind::bytes>("seed", &wire_key::seed));
        }
    };

    struct wire_state {
        byte_array<key_size> chain{};
        std::uint32_t iteration = 0;
        std::vector<wire_key> skipped;
        friend constexpr auto describe(codec::tag<wire_state>) {
            using namespace codec;
            return fields(required<1, kind::bytes>("chainKey", &wire_state::chain),
                          field<2, kind::uint32>("iteration", &wire_state::iteration),
                          field<3, kind::repeated<kind::message>>("skipped", &wire_state::skipped));
        }
        /// Its secrets are wiped with it.
        ~wire_state() { wipe(); }
        wire_state() = default;
        wire_state(const wire_state&) = default;
        wire_state(wire_state&&) noexcept = default;
        wire_state& operator=(const wire_state&) = default;
        wire_state& operator=(wire_state&&) noexcept = default;
        void wipe() noexcept;
    };

    static wire_state to_wire(const state& s);

    /// Strict: kept keys ascending, behind the chain, within the bound.
    static result<state> from_wire(const wire_state& w);
};

} // namespace e2ekit::ratchet

#include <e2ekit/ratchet/impl/sender_key.hpp>

#endif
