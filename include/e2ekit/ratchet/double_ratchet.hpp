// The Double Ratchet (Signal, "The Double Ratchet Algorithm", rev. 1, 2016)
// as pure steps over a value-type state: `encrypt_step` and `decrypt_step`
// never change the state they are given; they return the keys for one
// message together with the state that follows. The caller makes that
// state durable first and only then uses the keys (pending.hpp), so a crash
// can neither lose a session nor reuse a message key; a message whose MAC
// then fails is dropped together with its next state.
//
// Everything protocol-specific comes from the params (concept.hpp): the DH,
// the KDFs, the message-key expansion, the bounds, and who sends first.
//
// The DH ratchet turns lazily, as libolm does: receiving a new ratchet key
// derives the receiving chain (§3.5 DHRatchet, first half) and drops the
// sending chain; the next `encrypt_step` draws the fresh key pair and
// derives the sending chain (second half). The keys and the wire are those
// of the eager form libsignal-protocol-c uses (it draws the key while
// decrypting); decryption needs no randomness, and a second new ratchet key
// before this side has answered is met with the key the peer knows.
//
// Skipped message keys (§3.5 SkipMessageKeys) are kept per receiver chain,
// oldest first, at most `limits.max_skipped_keys_per_chain` (the oldest is
// dropped); a message may skip at most `limits.max_skip` keys; at most
// `limits.max_receiver_chains` receiver chains are kept. A counter behind
// its chain whose key is not stored is `duplicate_message`.
#ifndef E2EKIT_RATCHET_DOUBLE_RATCHET_HPP
#define E2EKIT_RATCHET_DOUBLE_RATCHET_HPP

#include <e2ekit/codec/describe.hpp>
#include <e2ekit/codec/protobuf_message.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/ratchet/concept.hpp>
#include <e2ekit/ratchet/error.hpp>
#include <e2ekit/ratchet/keys.hpp>

#include <cstdint>
#include <optional>
#include <vector>

namespace e2ekit::ratchet {

template <double_ratchet_params P>
class double_ratchet {
public:
    using params = P;
    using dh = typename P::dh;
    using public_key = typename dh::public_key;
    using key_pair = typename dh::key_pair;
    using message_keys = typename P::message_keys;

    /// A message key kept for a message that has not arrived yet.
    struct skipped_key {
        std::uint32_t index = 0;
        message_keys keys;
    };

    struct receiver_chain {
        public_key ratchet_key{};         ///< the peer's, as in the header
        chain_key key;                    ///< for message `index`
        std::uint32_t index = 0;          ///< the next counter to derive
        std::vector<skipped_key> skipped; ///< ascending index, oldest first
    };

    struct sending_chain {
        chain_key key;           ///< for message `index`
        std::uint32_t index = 0; ///< the counter of the next message
    };

    struct state {
        root_key root;
        /// This side's current ratchet key pair; absent only before the
        /// first send of a side that starts receiving.
        std::optional<key_pair> ratchet_key;
        /// The chain on `ratchet_key`; absent when the next send must turn
        /// the DH ratchet first.
        std::optional<sending_chain> sending;
        std::uint32_t previous_counter = 0;    ///< PN for the headers to come
        std::vector<receiver_chain> receivers; ///< oldest first; back() is the newest

        state clone() const;
        /// Structural equality, constant time in the secrets.
        friend bool operator==(const state& a, const state& b) noexcept { return equal(a, b); }

    private:
        static bool equal(const state& a, const state& b) noexcept;
    };

    /// What travels beside each message (§3.1 HEADER).
    struct header {
        public_key ratchet_key{};
        std::uint32_t counter = 0;
        std::uint32_t previous_counter = 0;
        friend bool operator==(const header&, const header&) = default;
    };

    struct encrypted {
        header hdr;
        message_keys keys;
        state next;
    };

    struct decrypted {
        message_keys keys;
        state next;
    };

    /// The side whose first sending chain is the agreed one, with its
    /// ratchet key pair (Signal: the responder's signed pre-key).
    static state start_sending(root_key root, chain_key chain, key_pair ours);

    /// The side that first receives on the agreed chain, from the peer's
    /// ratchet key (Signal: the initiator, with the signed pre-key).
    static state start_receiving(root_key root, chain_key chain, const public_key& theirs);

    /// The next message's header and keys. `rng` is drawn from only when
    /// the DH ratchet turns (a new sending chain).
    template <random_source R>
    static result<encrypted> encrypt_step(const state& s, R& rng);

    /// The keys for a received header (not yet authenticated: the caller
    /// verifies the message with them before it commits `next`).
    static result<decrypted> decrypt_step(const state& s, const header& h);

    /// e2ekit's own versioned form of a state (protobuf, format 1), bound
    /// to `P::state_label`. It holds secrets, so it comes as secret_bytes.
    static secret_bytes serialize(const state& s);

    /// The inverse, strict: any malformed form, broken invariant or bound is
    /// `bad_state`; another format version or params label is
    /// `unsupported_state`.
    static result<state> parse(bytes_view stored);
};

} // namespace e2ekit::ratchet

#include <e2ekit/ratchet/impl/double_ratchet.hpp>

#endif
