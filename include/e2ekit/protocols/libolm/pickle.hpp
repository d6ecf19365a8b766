// libolm's pickles, read: the encrypted, base64 forms in which libolm 3.x
// (and every client built on it: python-olm, olm-sdk, matrix-js-sdk's Olm)
// stores accounts, Olm sessions and Megolm group sessions. A client moving
// off libolm reads each pickle here with its pickle key and hands the parts
// to e2ekit's own state (as vodozemac's libolm-compat feature does), so it
// keeps every session it had.
//
// Envelope: unpadded standard base64 of AES-256-CBC(PKCS#7) ciphertext
// followed by the first 8 bytes of HMAC-SHA-256 over that ciphertext; the
// AES key, HMAC key and IV are HKDF-SHA-256(salt empty, the pickle key,
// info "Pickle"), 32 + 32 + 16 bytes. A wrong key and a damaged pickle look
// the same: `authentication_failed`.
//
// Plaintext: big-endian u32 version, then fields; u32 big-endian integers,
// one byte per bool, keys as raw bytes (Curve25519 public 32 then private
// 32; Ed25519 public 32 then the 64-byte expanded private key), lists as a
// u32 count followed by the items.
//
// | pickle                    | versions read | fields                                |
// |---------------------------|---------------|---------------------------------------|
// | account                   | 2, 3, 4       | Ed25519 pair, Curve25519 pair, one-   |
// |                           |               | time keys, fallback keys, next key id |
// | Olm session               | 1             | received flag, the three session keys,|
// |                           |               | root key, sender chain, receiver      |
// |                           |               | chains, skipped message keys          |
// | inbound group session     | 1, 2          | first and latest ratchet (128 bytes + |
// |                           |               | counter), signing key, verified flag  |
// | outbound group session    | 1             | ratchet + counter, Ed25519 pair       |
//
// Account version 1 stored a 32-byte Ed25519 key that libolm itself calls
// compromised: `legacy_account`. Everything secret lands in `secret<>`s and
// the decrypted plaintext is wiped.
#ifndef E2EKIT_PROTOCOLS_LIBOLM_PICKLE_HPP
#define E2EKIT_PROTOCOLS_LIBOLM_PICKLE_HPP

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/error.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/aes_cbc.hpp>
#include <e2ekit/crypto/hkdf.hpp>
#include <e2ekit/crypto/hmac.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace e2ekit::protocols::libolm {

enum class pickle_error {
    authentication_failed = 1, ///< wrong pickle key, or a damaged pickle
    malformed,                 ///< not base64, or the plaintext's fields do not fit
    unknown_version,           ///< a version this reader does not know
    legacy_account,            ///< account version 1: its Ed25519 key is compromised
    too_large,                 ///< beyond max_pickle_chars
};
E2EKIT_ERROR_ENUM(pickle_error)

} // namespace e2ekit::protocols::libolm

E2EKIT_ERROR_ENUM_STD(e2ekit::protocols::libolm::pickle_error)

template <>
struct e2ekit::error_enum_traits<e2ekit::protocols::libolm::pickle_error> {
    using E = e2ekit::protocols::libolm::pickle_error;
    static constexpr const char* name = "e2ekit.libolm.pickle";
    static std::string message(E e) {
        switch (e) {
        case E::authentication_failed: return "pickle does not authenticate under this key";
        case E::malformed: return "malformed pickle";
        case E::unknown_version: return "unknown pickle version";
        case E::legacy_account: return "account pickle version 1 (compromised Ed25519 key)";
        case E::too_large: return "pickle too large";
        }
        return "unknown libolm pickle error";
    }
    static condition condition_of(E e) {
        switch (e) {
        case E::authentication_failed: return condition::authentication_failed;
        case E::malformed: return condition::malformed_input;
        case E::unknown_version:
        case E::legacy_account: return condition::unsupported;
        case E::too_large: return condition::limit_exceeded;
        }
        return condition::malformed_input;
    }
};

namespace e2ekit::protocols::libolm {

/// Far above any real pickle (an account with libolm's 100 one-time keys is
/// under 10 KiB; a session with its 40 skipped keys under 4 KiB).
inline constexpr std::size_t max_pickle_chars = 1 << 20;

struct curve25519_pair {
    byte_array<32> public_key{};
    secret<32> private_key;
};

struct ed25519_pair {
    byte_array<32> public_key{};
    /// The expanded form: the clamped scalar, then the nonce prefix.
    secret<64> private_key;
};

struct one_time_key {
    std::uint32_t id = 0;
    bool published = false;
    curve25519_pair key;
};

struct account {
    std::uint32_t version = 0;
    ed25519_pair signing;
    curve25519_pair identity;
    std::vector<one_time_key> one_time_keys;
    std::optional<one_time_key> fallback;
    std::optional<one_time_key> previous_fallback;
    std::uint32_t next_key_id = 0;
};

struct chain_key {
    secret<32> key;
    std::uint32_t index = 0;
};

struct sender_chain {
    curve25519_pair ratchet_key;
    chain_key chain;
};

struct receiver_chain {
    byte_array<32> ratchet_key{};
    chain_key chain;
};

struct skipped_key {
    byte_array<32> ratchet_key{};
    secret<32> message_key;
    std::uint32_t index = 0;
};

struct session {
    bool received_message = false;
    byte_array<32> alice_identity_key{}; ///< the initiator's Curve25519 identity key
    byte_array<32> alice_base_key{};     ///< the initiator's ephemeral key
    byte_array<32> bob_one_time_key{};   ///< the responder's one-time key
    secret<32> root_key;
    std::optional<sender_chain> sender; ///< libolm keeps at most one
    std::vector<receiver_chain> receivers;
    std::vector<skipped_key> skipped;
};

struct megolm_ratchet {
    secret<128> data;
    std::uint32_t counter = 0;
};

struct inbound_group_session {
    std::uint32_t version = 0;
    megolm_ratchet initial; ///< at the first known index
    megolm_ratchet latest;
    byte_array<32> signing_key{};
    /// Version 1 did not record it; libolm then assumes true.
    bool signing_key_verified = true;
};

struct outbound_group_session {
    megolm_ratchet ratchet;
    ed25519_pair signing;
};

namespace detail {

struct pickle_keys {
    secret<32> aes;
    secret<32> mac;
    byte_array<16> iv{};
};

inline pickle_keys derive_keys(bytes_view pickle_key) {
    const auto okm = crypto::hkdf_sha256::derive<80>(pickle_key, bytes_view{}, as_bytes("Pickle"));
    pickle_keys k;
    std::copy_n(okm.data(), 32, k.aes.mutable_view().data());
    std::copy_n(okm.data() + 32, 32, k.mac.mutable_view().data());
    std::copy_n(okm.data() + 64, 16, k.iv.data());
    return k;
}

/// A cursor over the plaintext; every read is bounds-checked and a short
/// read fails the whole parse.
class reader {
public:
    explicit reader(bytes_view in) noexcept : in_(in) {}

    bool u32(std::uint32_t& v) noexcept {
        if (in_.size() - pos_ < 4) return false;
        v = static_cast<std::uint32_t>(in_[pos_]) << 24 |
            static_cast<std::uint32_t>(in_[pos_ + 1]) << 16 |
            static_cast<std::uint32_t>(in_[pos_ + 2]) << 8 | in_[pos_ + 3];
        pos_ += 4;
        return true;
    }
    bool u8(std::uint8_t& v) noexcept {
        if (pos_ >= in_.size()) return false;
        v = in_[pos_++];
        return true;
    }
    bool boolean(bool& v) noexcept {
        std::uint8_t b = 0;
        if (!u8(b)) return false;
        v = b != 0;
        return true;
    }
    bool raw(mutable_bytes_view out) noexcept {
        if (in_.size() - pos_ < out.size()) return false;
        std::copy_n(in_.data() + pos_, out.size(), out.data());
        pos_ += out.size();
        return true;
    }
    /// A list count that cannot exceed what is left, `item` bytes each.
    bool count(std::uint32_t& n, std::size_t item) noexcept {
        return u32(n) && n <= (in_.size() - pos_) / item;
    }
    bool done() const noexcept { return pos_ == in_.size(); }

private:
    bytes_view in_;
    std::size_t pos_ = 0;
};

inline bool read(reader& r, curve25519_pair& k) {
    return r.raw(k.public_key) && r.raw(k.private_key.mutable_view());
}
inline bool read(reader& r, ed25519_pair& k) {
    return r.raw(k.public_key) && r.raw(k.private_key.mutable_view());
}
inline bool read(reader& r, one_time_key& k) {
    return r.u32(k.id) && r.boolean(k.published) && read(r, k.key);
}
inline bool read(reader& r, chain_key& c) {
    return r.raw(c.key.mutable_view()) && r.u32(c.index);
}
inline bool read(reader& r, megolm_ratchet& m) {
    return r.raw(m.data.mutable_view()) && r.u32(m.counter);
}

inline constexpr std::size_t one_time_key_size = 4 + 1 + 64;

} // namespace detail

/// The plaintext of a pickle: base64, then MAC, then AES-256-CBC.
inline result<secret_bytes> decrypt(std::string_view pickle, bytes_view pickle_key) {
    if (pickle.size() > max_pickle_chars) return pickle_error::too_large;
    auto raw = codec::base64::decode<codec::base64::standard_unpadded>(pickle);
    if (!raw) return pickle_error::malformed;
    if (raw->size() < 16 + 8) return pickle_error::authentication_failed;
    const bytes_view ct = bytes_view(*raw).first(raw->size() - 8);
    const bytes_view tag = bytes_view(*raw).last(8);
    const auto keys = detail::derive_keys(pickle_key);
    crypto::hmac_sha256::tag full;
    crypto::hmac_sha256::compute(full, keys.mac.view(), ct);
    const bool genuine = ct::equal(bytes_view(full).first(8), tag);
    ct::wipe(full);
    ct::unpoison(genuine); // the verdict is public (core/ct.hpp)
    if (!genuine) return pickle_error::authentication_failed;
    auto pt = crypto::aes_256_cbc::decrypt(keys.aes.view(), keys.iv, ct);
    if (!pt) return pickle_error::authentication_failed;
    return std::move(*pt);
}

// Each kind reads from its decrypted plaintext (`*_plaintext`, what the
// fuzz harness drives) or from the pickle and its key.

inline result<account> parse_account_plaintext(bytes_view pt) {
    detail::reader r(pt);
    account a;
    if (!r.u32(a.version)) return pickle_error::malformed;
    if (a.version == 1) return pickle_error::legacy_account;
    if (a.version < 2 || a.version > 4) return pickle_error::unknown_version;
    std::uint32_t n = 0;
    if (!detail::read(r, a.signing) || !detail::read(r, a.identity) ||
        !r.count(n, detail::one_time_key_size))
        return pickle_error::malformed;
    a.one_time_keys.resize(n);
    for (auto& k : a.one_time_keys)
        if (!detail::read(r, k)) return pickle_error::malformed;
    if (a.version == 3) {
        // Both slots always written; "published" said which ones were set.
        one_time_key current, previous;
        if (!detail::read(r, current) || !detail::read(r, previous)) return pickle_error::malformed;
        if (current.published) {
            a.fallback = std::move(current);
            if (previous.published) a.previous_fallback = std::move(previous);
        }
    } else if (a.version == 4) {
        std::uint8_t fallbacks = 0;
        if (!r.u8(fallbacks) || fallbacks > 2) return pickle_error::malformed;
        if (fallbacks >= 1) {
            a.fallback.emplace();
            if (!detail::read(r, *a.fallback)) return pickle_error::malformed;
        }
        if (fallbacks == 2) {
            a.previous_fallback.emplace();
            if (!detail::read(r, *a.previous_fallback)) return pickle_error::malformed;
        }
    }
    if (!r.u32(a.next_key_id) || !r.done()) return pickle_error::malformed;
    return a;
}

inline result<session> parse_session_plaintext(bytes_view pt) {
    detail::reader r(pt);
    std::uint32_t version = 0;
    if (!r.u32(version)) return pickle_error::malformed;
    if (version != 1) return pickle_error::unknown_version;
    session s;
    std::uint32_t senders = 0;
    if (!r.boolean(s.received_message) || !r.raw(s.alice_identity_key) ||
        !r.raw(s.alice_base_key) || !r.raw(s.bob_one_time_key) ||
        !r.raw(s.root_key.mutable_view()) || !r.count(senders, 100) || senders > 1)
        return pickle_error::malformed;
    if (senders == 1) {
        s.sender.emplace();
        if (!detail::read(r, s.sender->ratchet_key) || !detail::read(r, s.sender->chain))
            return pickle_error::malformed;
    }
    std::uint32_t n = 0;
    if (!r.count(n, 32 + 36)) return pickle_error::malformed;
    s.receivers.resize(n);
    for (auto& c : s.receivers)
        if (!r.raw(c.ratchet_key) || !detail::read(r, c.chain)) return pickle_error::malformed;
    if (!r.count(n, 32 + 36)) return pickle_error::malformed;
    s.skipped.resize(n);
    for (auto& k : s.skipped)
        if (!r.raw(k.ratchet_key) || !r.raw(k.message_key.mutable_view()) || !r.u32(k.index))
            return pickle_error::malformed;
    // A session has a sender chain or a receiver chain (it was made by
    // sending or by receiving); libolm never writes one with neither.
    if (!r.done() || (!s.sender && s.receivers.empty())) return pickle_error::malformed;
    return s;
}

inline result<inbound_group_session> parse_inbound_group_session_plaintext(bytes_view pt) {
    detail::reader r(pt);
    inbound_group_session g;
    if (!r.u32(g.version)) return pickle_error::malformed;
    if (g.version != 1 && g.version != 2) return pickle_error::unknown_version;
    if (!detail::read(r, g.initial) || !detail::read(r, g.latest) || !r.raw(g.signing_key))
        return pickle_error::malformed;
    if (g.version == 2 && !r.boolean(g.signing_key_verified)) return pickle_error::malformed;
    if (!r.done() || g.latest.counter < g.initial.counter) return pickle_error::malformed;
    return g;
}

inline result<outbound_group_session> parse_outbound_group_session_plaintext(bytes_view pt) {
    detail::reader r(pt);
    std::uint32_t version = 0;
    if (!r.u32(version)) return pickle_error::malformed;
    if (version != 1) return pickle_error::unknown_version;
    outbound_group_session g;
    if (!detail::read(r, g.ratchet) || !detail::read(r, g.signing) || !r.done())
        return pickle_error::malformed;
    return g;
}

inline result<account> parse_account(std::string_view pickle, bytes_view pickle_key) {
    E2EKIT_TRY(pt, decrypt(pickle, pickle_key));
    return parse_account_plaintext(pt.view());
}
inline result<session> parse_session(std::string_view pickle, bytes_view pickle_key) {
    E2EKIT_TRY(pt, decrypt(pickle, pickle_key));
    return parse_session_plaintext(pt.view());
}
inline result<inbound_group_session> parse_inbound_group_session(std::string_view pickle,
                                                                 bytes_view pickle_key) {
    E2EKIT_TRY(pt, decrypt(pickle, pickle_key));
    return parse_inbound_group_session_plaintext(pt.view());
}
inline result<outbound_group_session> parse_outbound_group_session(std::string_view pickle,
                                                                   bytes_view pickle_key) {
    E2EKIT_TRY(pt, decrypt(pickle, pickle_key));
    return parse_outbound_group_session_plaintext(pt.view());
}

} // namespace e2ekit::protocols::libolm

#endif
