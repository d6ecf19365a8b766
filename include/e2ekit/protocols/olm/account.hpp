// An Olm account (libolm src/account.cpp): a Curve25519 identity key for
// the triple DH, an Ed25519 key that signs (device keys, one-time keys),
// up to 100 one-time keys and up to two fallback keys (the current one and
// the one before it, kept until `forget_old_fallback_key`).
//
// Key ids count up from 1 over one-time and fallback keys together; a new
// one-time key goes in front and the 101st drops the oldest, as in libolm.
// `one_time_keys()` lists the keys not yet published, `mark_keys_as_published`
// marks them (and the fallback key). A pre-key message may use a one-time
// key (removed when the session is made: `create_inbound`) or a fallback
// key (kept).
//
// The Ed25519 key is held expanded (RFC 8032 §5.1.5), which is all libolm
// pickles keep: an account made here also keeps its seed, one migrated
// from libolm (protocols/libolm/import.hpp) cannot, and both sign alike.
//
// The account is a value: the caller keeps it (and stores its `serialize`
// form) where it keeps its sessions; `create_inbound` hands back the next
// account and the new session as one pending step, so the used one-time
// key is gone from storage before the plaintext is released.
#ifndef E2EKIT_PROTOCOLS_OLM_ACCOUNT_HPP
#define E2EKIT_PROTOCOLS_OLM_ACCOUNT_HPP

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/codec/describe.hpp>
#include <e2ekit/codec/protobuf_message.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/ed25519.hpp>
#include <e2ekit/crypto/x25519.hpp>
#include <e2ekit/protocols/olm/error.hpp>
#include <e2ekit/protocols/olm/messages.hpp>
#include <e2ekit/protocols/olm/params.hpp>
#include <e2ekit/protocols/olm/session.hpp>
#include <e2ekit/ratchet/pending.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace e2ekit::protocols::olm {

using ed25519_public_key = crypto::ed25519::verifying_key;
using ed25519_signature = crypto::ed25519::signature;

/// A one-time or fallback key with its id and whether it was published.
struct account_key {
    std::uint32_t id = 0;
    bool published = false;
    key_pair key;
    account_key clone() const { return {id, published, {key.priv.clone(), key.pub}}; }
};

/// A public key as a server is told of it.
struct published_key {
    std::uint32_t id = 0;
    public_key key{};
    friend bool operator==(const published_key&, const published_key&) = default;
};

/// libolm's key id string: the id as 4 big-endian bytes, unpadded base64
/// (1 is "AAAAAQ").
inline std::string key_id_string(std::uint32_t id) {
    const byte_array<4> be{static_cast<byte>(id >> 24), static_cast<byte>(id >> 16),
                           static_cast<byte>(id >> 8), static_cast<byte>(id)};
    return codec::base64::encode<codec::base64::standard_unpadded>(be);
}

class account;
struct inbound_state;
using inbound_step = ratchet::pending<inbound_state, secret_bytes>;

class account {
public:
    using params = account_params;
    static constexpr std::size_t max_one_time_keys = params::max_one_time_keys;

    /// Fresh identity keys from `rng` (libolm olm_create_account).
    template <random_source R>
    static account create(R& rng) {
        account a;
        a.set_seed(random_secret<crypto::ed25519::seed_size, crypto::ed25519_seed_tag>(rng));
        a.identity_ = crypto::x25519::generate(rng);
        return a;
    }

    /// An account from its parts (a migrated one): `invalid_key` for an
    /// Ed25519 key whose scalar is zero, `bad_state` when the keys break
    /// what the member functions keep (at most 100 one-time keys, ids
    /// unique, below `next_key_id` and newest first; no previous fallback
    /// key without a current one).
    static result<account> from_parts(crypto::ed25519::expanded_key signing, key_pair identity,
                                      std::vector<account_key> one_time_keys,
                                      std::optional<account_key> fallback,
                                      std::optional<account_key> previous_fallback,
                                      std::uint32_t next_key_id);

    account clone() const {
        account a;
        if (seed_) a.seed_ = seed_->clone();
        a.expanded_ = expanded_.clone();
        a.ed25519_ = ed25519_;
        a.identity_ = {identity_.priv.clone(), identity_.pub};
        a.one_time_keys_.reserve(one_time_keys_.size());
        for (const auto& k : one_time_keys_)
            a.one_time_keys_.push_back(k.clone());
        if (fallback_) a.fallback_ = fallback_->clone();
        if (previous_fallback_) a.previous_fallback_ = previous_fallback_->clone();
        a.next_key_id_ = next_key_id_;
        return a;
    }

    const key_pair& identity_key_pair() const noexcept { return identity_; }
    const public_key& curve25519_key() const noexcept { return identity_.pub; }
    const ed25519_public_key& ed25519_key() const noexcept { return ed25519_; }

    /// Ed25519 over `message` (libolm olm_account_sign).
    ed25519_signature sign(bytes_view message) const {
        return crypto::ed25519::sign_expanded(expanded_, ed25519_, message);
    }

    /// Makes `n` new one-time keys; past 100 the oldest go.
    template <random_source R>
    void generate_one_time_keys(std::size_t n, R& rng) {
        for (std::size_t i = 0; i < n; ++i) {
            account_key k{++next_key_id_, false, crypto::x25519::generate(rng)};
            one_time_keys_.insert(one_time_keys_.begin(), std::move(k));
            if (one_time_keys_.size() > max_one_time_keys) one_time_keys_.pop_back();
        }
    }

    /// The one-time keys not yet published, newest first (libolm's order).
    std::vector<published_key> one_time_keys() const {
        std::vector<published_key> out;
        for (const auto& k : one_time_keys_)
            if (!k.published) out.push_back({k.id, k.key.pub});
        return out;
    }
    std::size_t one_time_key_count() const noexcept { return one_time_keys_.size(); }

    /// Marks every one-time key and the fallback key published; returns
    /// how many one-time keys were not.
    std::size_t mark_keys_as_published() noexcept {
        std::size_t n = 0;
        for (auto& k : one_time_keys_) {
            n += k.published ? 0 : 1;
            k.published = true;
        }
        if (fallback_) fallback_->published = true;
        return n;
    }

    /// A new fallback key; the current one becomes the previous one (the
    /// one before that is forgotten).
    template <random_source R>
    void generate_fallback_key(R& rng) {
        if (fallback_) previous_fallback_ = std::move(fallback_);
        fallback_ = account_key{++next_key_id_, false, crypto::x25519::generate(rng)};
    }

    /// Forgets the previous fallback key (once the server has surely
    /// handed out the new one).
    void forget_old_fallback_key() noexcept { previous_fallback_.reset(); }

    /// The current fallback key unless it was published.
    std::optional<published_key> unpublished_fallback_key() const {
        if (!fallback_ || fallback_->published) return std::nullopt;
        return published_key{fallback_->id, fallback_->key.pub};
    }
    std::optional<published_key> fallback_key() const {
        if (!fallback_) return std::nullopt;
        return published_key{fallback_->id, fallback_->key.pub};
    }
    std::optional<published_key> previous_fallback_key() const {
        if (!previous_fallback_) return std::nullopt;
        return published_key{previous_fallback_->id, previous_fallback_->key.pub};
    }

    /// The key pair of a one-time or fallback public key, if held.
    const key_pair* find_key(const public_key& pub) const noexcept {
        for (const auto& k : one_time_keys_)
            if (k.key.pub == pub) return &k.key;
        if (fallback_ && fallback_->key.pub == pub) return &fallback_->key;
        if (previous_fallback_ && previous_fallback_->key.pub == pub)
            return &previous_fallback_->key;
        return nullptr;
    }

    /// Removes the one-time key a session used (libolm
    /// olm_remove_one_time_keys); fallback keys stay. Whether one went.
    bool remove_one_time_key(const public_key& pub) {
        for (auto it = one_time_keys_.begin(); it != one_time_keys_.end(); ++it)
            if (it->key.pub == pub) {
                one_time_keys_.erase(it);
                return true;
            }
        return false;
    }

    /// Starts a session with a peer (session.hpp create_outbound).
    template <random_source R>
    result<session_state> create_outbound(const public_key& their_identity,
                                          const public_key& their_one_time_key, R& rng) const {
        return olm::create_outbound(identity_, their_identity, their_one_time_key, rng);
    }

    /// A new session from a pre-key message, its plaintext, and the account
    /// without the one-time key it used, as one step to commit.
    /// `their_identity`, when given, must be the sender's identity key.
    result<inbound_step> create_inbound(bytes_view prekey_wire,
                                        const public_key* their_identity = nullptr) const;

    /// e2ekit's own versioned stored form (protobuf, format 1).
    secret_bytes serialize() const;
    /// The inverse, strict: malformed is `bad_state`, another format
    /// `unsupported_state`.
    static result<account> parse(bytes_view stored);

    friend bool operator==(const account& a, const account& b) noexcept {
        return ct::equal(a.serialize().view(), b.serialize().view());
    }

private:
    void set_seed(crypto::ed25519::seed s) {
        expanded_ = crypto::ed25519::expand(s);
        ed25519_ = crypto::ed25519::public_from_seed(s);
        seed_ = std::move(s);
    }
    static result<void> check_keys(std::size_t one_time_keys,
                                   const std::vector<std::uint32_t>& ids_newest_first,
                                   std::optional<std::uint32_t> fallback,
                                   std::optional<std::uint32_t> previous_fallback,
                                   std::uint32_t next_key_id);

    std::optional<crypto::ed25519::seed> seed_; ///< absent for a migrated account
    crypto::ed25519::expanded_key expanded_;
    ed25519_public_key ed25519_{};
    key_pair identity_;
    std::vector<account_key> one_time_keys_; ///< newest first
    std::optional<account_key> fallback_;
    std::optional<account_key> previous_fallback_;
    std::uint32_t next_key_id_ = 0;
};

/// What an inbound session commits: the account without the used one-time
/// key, and the session.
struct inbound_state {
    olm::account account;
    session_state session;
};

} // namespace e2ekit::protocols::olm

#include <e2ekit/protocols/olm/impl/account.hpp>

#endif
