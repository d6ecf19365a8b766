// OMEMO 0.3 bundles (XEP-0384 v0.3 §4.3): the identity key in its
// Curve25519 form, the signed pre-key with its id and signature, and the
// one-time pre-keys with their ids. The signature covers 0x05 ‖ spk and
// carries the sign bit of the Ed25519 form of the identity key in bit 7 of
// its last byte (identity.hpp); a reader takes the Ed25519 form from there
// and checks the signature under it (python-oldmemo etree.parse_bundle,
// then python-x3dh's ed25519_verify), which is exactly
// crypto::xeddsa::verify_signal_legacy. The element form is in xml.hpp.
//
// A device's own keys are identity/prekeys.hpp's types under these params;
// `generate_signed_prekey` signs with the identity pair held either way.
#ifndef E2EKIT_PROTOCOLS_OLDMEMO_BUNDLE_HPP
#define E2EKIT_PROTOCOLS_OLDMEMO_BUNDLE_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/crypto/xeddsa.hpp>
#include <e2ekit/identity/prekeys.hpp>
#include <e2ekit/protocols/oldmemo/identity.hpp>
#include <e2ekit/protocols/oldmemo/params.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace e2ekit::protocols::omemo03 {

/// A device's signed pre-key: id, key pair, timestamp (the caller's unit;
/// python-x3dh keeps seconds) and the signature as published.
using signed_prekey = identity::signed_prekey<x3dh_params>;
/// A device's one-time pre-key.
using prekey = identity::one_time_prekey<x3dh_params>;

template <random_source R>
signed_prekey generate_signed_prekey(const identity_key_pair& identity, std::uint32_t id,
                                     std::uint64_t timestamp, R& rng) {
    signed_prekey s{id, crypto::x25519::generate(rng), timestamp, {}};
    s.signature = identity.sign_prekey(s.keys.pub);
    return s;
}

/// `count` one-time pre-keys with ids first, first + 1, ...
template <random_source R>
std::vector<prekey> generate_prekeys(std::uint32_t first, std::uint32_t count, R& rng) {
    return prekey::generate(first, count, rng);
}

struct prekey_public {
    std::uint32_t id = 0;
    public_key key{};
    friend bool operator==(const prekey_public&, const prekey_public&) = default;
};

struct bundle {
    public_key identity_key{}; ///< Curve25519 u
    std::uint32_t signed_prekey_id = 0;
    public_key signed_prekey{};
    /// As published: byte 63 bit 7 is the Ed25519 identity key's sign bit.
    crypto::xeddsa::signature signed_prekey_signature{};
    std::vector<prekey_public> prekeys;

    /// The Ed25519 form of the identity key, as python-oldmemo reads it.
    ed25519_public_key identity_key_ed25519() const {
        return crypto::xeddsa::ed25519_from_curve25519(identity_key,
                                                       (signed_prekey_signature[63] & 0x80) != 0);
    }

    /// Whether the identity key signed the signed pre-key;
    /// `agreement_error::bad_signature` otherwise.
    result<void> verify() const {
        return x3dh_params::verify_prekey(identity_key, signed_prekey, signed_prekey_signature);
    }

    friend bool operator==(const bundle&, const bundle&) = default;
};

/// The bundle a device publishes (python-oldmemo get_bundle: every
/// visible one-time pre-key).
inline bundle make_bundle(const identity_key_pair& identity, const signed_prekey& spk,
                          std::span<const prekey> prekeys) {
    bundle b{identity.curve25519_public(), spk.id, spk.keys.pub, spk.signature, {}};
    b.prekeys.reserve(prekeys.size());
    for (const auto& p : prekeys)
        b.prekeys.push_back({p.id, p.keys.pub});
    return b;
}

} // namespace e2ekit::protocols::omemo03

#endif
