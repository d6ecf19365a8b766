// A device's identity key pair as python-omemo keeps it for every backend
// (omemo/identity_key_pair.py): one key that agrees keys as X25519 and signs
// as Ed25519, held either as an Ed25519 seed (what python-omemo generates)
// or as a Curve25519 private key (what it migrates from older stores).
//
// | held as     | X25519 private key          | Ed25519 public key (trust,    | signs              |
// |             |                             | fingerprints)                 |                    |
// |-------------|-----------------------------|-------------------------------|--------------------|
// | seed        | SHA-512(seed)[0..32],       | the seed's (RFC 8032 §5.1.5)  | RFC 8032 with the  |
// |             | clamped                     |                               | seed               |
// | private key | the key, clamped            | aB with its sign bit as it    | the same scalar,   |
// |             |                             | falls (libxeddsa              | not negated        |
// |             |                             | priv_to_ed25519_pub)          |                    |
//
// Either way the signature verifies under that Ed25519 key, whose sign bit
// a Curve25519 u-coordinate does not carry. OMEMO 0.3 publishes the
// Curve25519 form, so the sign bit travels in bit 7 of the signed
// pre-key signature's last byte (python-oldmemo etree.serialize_bundle;
// libsignal-protocol-c's curve25519_sign does the same), where readers
// recover the Ed25519 form from it (bundle.hpp). The same pair serves
// OMEMO 2, which publishes the Ed25519 form itself.
//
// A private key held as it is signs with a deterministic nonce: r =
// SHA-512(prefix ‖ M) as RFC 8032 §5.1.6, with prefix = SHA-512(label ‖
// key)[0..32] (libxeddsa draws r at random instead; any r verifies).
#ifndef E2EKIT_PROTOCOLS_OLDMEMO_IDENTITY_HPP
#define E2EKIT_PROTOCOLS_OLDMEMO_IDENTITY_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/ed25519.hpp>
#include <e2ekit/crypto/sha2.hpp>
#include <e2ekit/crypto/x25519.hpp>
#include <e2ekit/crypto/xeddsa.hpp>
#include <e2ekit/protocols/oldmemo/params.hpp>

#include <algorithm>
#include <optional>
#include <string_view>
#include <utility>

namespace e2ekit::protocols::omemo03 {

/// An identity public key in the Ed25519 form (sign bit included).
using ed25519_public_key = crypto::ed25519::verifying_key;

class identity_key_pair {
public:
    /// A new identity from a fresh seed, as python-omemo makes one.
    template <random_source R>
    static identity_key_pair generate(R& rng) {
        return from_seed(random_secret<crypto::ed25519::seed_size, crypto::ed25519_seed_tag>(rng));
    }

    static identity_key_pair from_seed(const crypto::ed25519::seed& seed) {
        identity_key_pair k;
        k.seed_ = seed.clone();
        k.expanded_ = crypto::ed25519::expand(seed);
        k.ed_public_ = crypto::ed25519::public_from_seed(seed);
        k.finish();
        return k;
    }

    /// From a Curve25519 private key (clamped here, as X25519 reads it).
    static identity_key_pair from_private(const crypto::x25519::private_key& priv) {
        identity_key_pair k;
        const mutable_fixed_view<64> expanded = k.expanded_.mutable_view();
        std::copy(priv.view().begin(), priv.view().end(), expanded.begin());
        crypto::x25519::clamp(expanded.first<32>());
        // The nonce prefix RFC 8032 takes from the seed's hash, from the key.
        static constexpr std::string_view label = "e2ekit oldmemo identity nonce";
        secret<64> h;
        crypto::sha512::hash(h.mutable_view(), as_bytes(label), expanded.first<32>());
        std::copy_n(h.data(), 32, expanded.begin() + 32);
        k.ed_public_ = crypto::xeddsa::ed25519_public_from_private(k.scalar());
        k.finish();
        return k;
    }

    identity_key_pair clone() const {
        identity_key_pair k;
        if (seed_) k.seed_ = seed_->clone();
        k.expanded_ = expanded_.clone();
        k.ed_public_ = ed_public_;
        k.dh_ = key_pair{dh_.priv.clone(), dh_.pub};
        return k;
    }

    /// Whether the pair is held as a seed (else as a Curve25519 private key).
    bool is_seed() const noexcept { return seed_.has_value(); }
    /// The seed, when held as one (to store the identity).
    const std::optional<crypto::ed25519::seed>& seed() const noexcept { return seed_; }

    /// The X25519 pair: X3DH, and the Curve25519 form OMEMO 0.3 publishes.
    const key_pair& dh() const noexcept { return dh_; }
    const public_key& curve25519_public() const noexcept { return dh_.pub; }
    /// The Ed25519 form: what trust decisions and OMEMO 2 name.
    const ed25519_public_key& ed25519_public() const noexcept { return ed_public_; }

    /// An Ed25519 signature under ed25519_public() (RFC 8032 §5.1.6).
    crypto::ed25519::signature sign(bytes_view msg) const {
        return crypto::ed25519::sign_expanded(expanded_, ed_public_, msg);
    }

    /// The signature of a signed pre-key as OMEMO 0.3 publishes it: over
    /// 0x05 ‖ spk, bit 7 of byte 63 set to the sign bit of
    /// ed25519_public() (python-oldmemo etree.serialize_bundle).
    crypto::xeddsa::signature sign_prekey(const public_key& spk) const {
        crypto::xeddsa::signature sig = sign(key_encoding::encode(spk));
        sig[63] = static_cast<byte>(sig[63] | (ed_public_[31] & 0x80));
        return sig;
    }

    friend bool operator==(const identity_key_pair& a, const identity_key_pair& b) noexcept {
        return a.expanded_ == b.expanded_ && a.ed_public_ == b.ed_public_;
    }

private:
    identity_key_pair() = default;

    crypto::x25519::private_key scalar() const {
        return crypto::x25519::private_key(expanded_.view().first<32>());
    }
    void finish() { dh_ = crypto::x25519::from_private(scalar()); }

    std::optional<crypto::ed25519::seed> seed_;
    /// The clamped scalar, then the nonce prefix (RFC 8032 §5.1.5).
    crypto::ed25519::expanded_key expanded_;
    ed25519_public_key ed_public_{};
    key_pair dh_;
};

} // namespace e2ekit::protocols::omemo03

#endif
