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
//
// A step copies only what it changes. The receiver chains and each chain's
// skipped keys are `shared_vector`s: the state a step returns shares them
// with the state it was given until it changes one, and then copies that
// one alone. An encrypt shares every receiver chain; a decrypt copies the
// chain list (a few keys) and the skipped keys of the chain it uses, never
// those of the other chains (Signal keeps up to 5 x 2000 expanded keys,
// 800 kB, which a whole-state copy would move on every message).
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

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace e2ekit::ratchet {

/// A vector that states made one from another share, read-only, until one
/// of them changes it; that one then changes a copy of its own (elements
/// copied with `clone()`). Reading is through the const members; changing,
/// through the members below them or `edit()`. A reference they give is
/// good until this vector is next copied: never keep one across a copy.
/// Sharing is thread-safe as `std::shared_ptr` is: states in different
/// threads may share; one state is not changed from two threads.
template <class T>
class shared_vector {
public:
    using value_type = T;
    using const_iterator = typename std::vector<T>::const_iterator;

    shared_vector() noexcept = default;
    explicit shared_vector(std::vector<T> items) {
        if (!items.empty()) p_ = std::make_shared<std::vector<T>>(std::move(items));
    }

    std::size_t size() const noexcept { return p_ ? p_->size() : 0; }
    bool empty() const noexcept { return size() == 0; }
    const_iterator begin() const noexcept { return items().begin(); }
    const_iterator end() const noexcept { return items().end(); }
    const T& front() const noexcept { return items().front(); }
    const T& back() const noexcept { return items().back(); }
    const T& operator[](std::size_t i) const noexcept { return items()[i]; }

    /// Whether both hold the same elements, not merely equal ones.
    bool shares(const shared_vector& o) const noexcept { return p_ == o.p_; }

    /// The elements, to change; copied first when shared.
    std::vector<T>& edit() {
        if (!p_)
            p_ = std::make_shared<std::vector<T>>();
        else if (p_.use_count() > 1)
            p_ = std::make_shared<std::vector<T>>(copy(0, p_->size(), none_skipped));
        return *p_;
    }
    void reserve(std::size_t n) { edit().reserve(n); }
    void push_back(T&& v) { edit().push_back(std::move(v)); }
    void clear() noexcept { p_.reset(); }
    /// Removes element `i`; a shared vector is copied once, without it.
    void erase_at(std::size_t i) {
        if (p_.use_count() > 1)
            p_ = std::make_shared<std::vector<T>>(copy(0, p_->size(), i));
        else
            p_->erase(p_->begin() + static_cast<std::ptrdiff_t>(i));
    }
    /// Removes the first `n`; a shared vector is copied once, without them.
    void erase_front(std::size_t n) {
        if (n == 0) return;
        if (n >= size())
            clear();
        else if (p_.use_count() > 1)
            p_ = std::make_shared<std::vector<T>>(copy(n, p_->size(), none_skipped));
        else
            p_->erase(p_->begin(), p_->begin() + static_cast<std::ptrdiff_t>(n));
    }

private:
    static constexpr std::size_t none_skipped = static_cast<std::size_t>(-1);

    std::vector<T> copy(std::size_t first, std::size_t last, std::size_t skip) const {
        std::vector<T> out;
        out.reserve(last - first - (skip >= first && skip < last ? 1 : 0));
        for (std::size_t i = first; i < last; ++i)
            if (i != skip) out.push_back((*p_)[i].clone());
        return out;
    }
    const std::vector<T>& items() const noexcept {
        static const std::vector<T> none;
        return p_ ? *p_ : none;
    }

    std::shared_ptr<std::vector<T>> p_;
};

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
        skipped_key clone() const { return {index, keys.clone()}; }
    };

    struct receiver_chain {
        public_key ratchet_key{};           ///< the peer's, as in the header
        chain_key key;                      ///< for message `index`
        std::uint32_t index = 0;            ///< the next counter to derive
        shared_vector<skipped_key> skipped; ///< ascending index, oldest first
        /// A copy that shares the skipped keys.
        receiver_chain clone() const { return {ratchet_key, key.clone(), index, skipped}; }
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
        std::uint32_t previous_counter = 0;      ///< PN for the headers to come
        shared_vector<receiver_chain> receivers; ///< oldest first; back() is the newest

        /// A copy; it shares the receiver chains and skipped keys (see
        /// shared_vector) until either state changes them.
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

    /// With `first_chain_rule::from_root` (concept.hpp), the initiator
    /// (§3.3 RatchetInitAlice): a fresh ratchet key pair from `rng` and the
    /// sending chain KDF_RK(sk, DH(it, theirs)), `theirs` being the
    /// responder's first ratchet key (its signed pre-key). A weak DH output
    /// is `invalid_ratchet_key`.
    template <random_source R>
    static result<state> start_initiator(root_key sk, const public_key& theirs, R& rng);

    /// ... and the responder (§3.3 RatchetInitBob): `sk` and its ratchet key
    /// pair `ours` (the signed pre-key), no chain until the first message.
    static state start_responder(root_key sk, key_pair ours);

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
