// An OMEMO 2 bundle (XEP-0384 §5.3.2, python-twomemo's BundleImpl over
// x3dh.Bundle): the Ed25519 identity key, the signed pre-key with its id
// and signature, and the one-time pre-keys with their ids. Its XML element
// form is in xml.hpp. The signature is checked where the bundle is used
// (session.hpp, build_session_active), or with `verify`.
#ifndef E2EKIT_PROTOCOLS_TWOMEMO_BUNDLE_HPP
#define E2EKIT_PROTOCOLS_TWOMEMO_BUNDLE_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/crypto/ed25519.hpp>
#include <e2ekit/crypto/x25519.hpp>
#include <e2ekit/identity/prekeys.hpp>
#include <e2ekit/protocols/twomemo/identity.hpp>
#include <e2ekit/protocols/twomemo/params.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace e2ekit::protocols::omemo2 {

/// A device's own signed pre-key (id, key pair, timestamp, signature by
/// the identity's scalar: identity_key_pair::dh).
using signed_prekey = identity::signed_prekey<x3dh_params>;
/// A device's own one-time pre-key (id, key pair).
using prekey = identity::one_time_prekey<x3dh_params>;

/// A published one-time pre-key: `<pk id="...">`.
struct prekey_entry {
    std::uint32_t id = 0;
    crypto::x25519::public_key key{};
    friend bool operator==(const prekey_entry&, const prekey_entry&) = default;
};

struct bundle {
    identity_key identity{};                              ///< `<ik>`
    std::uint32_t signed_prekey_id = 0;                   ///< `<spk id>`
    crypto::x25519::public_key signed_prekey{};           ///< `<spk>`
    crypto::ed25519::signature signed_prekey_signature{}; ///< `<spks>`
    std::vector<prekey_entry> prekeys;                    ///< `<prekeys>`

    /// Whether the identity key signed the signed pre-key (its raw 32
    /// bytes, Ed25519): `agreement_error::bad_signature` otherwise.
    result<void> verify() const {
        return x3dh_params::verify_prekey(identity, signed_prekey, signed_prekey_signature);
    }

    friend bool operator==(const bundle&, const bundle&) = default;
};

/// The bundle a device publishes from its own keys.
inline bundle make_bundle(const identity_key_pair& identity, const signed_prekey& spk,
                          std::span<const prekey> prekeys) {
    bundle b{identity.ed25519, spk.id, spk.keys.pub, spk.signature, {}};
    b.prekeys.reserve(prekeys.size());
    for (const auto& pk : prekeys)
        b.prekeys.push_back({pk.id, pk.keys.pub});
    return b;
}

} // namespace e2ekit::protocols::omemo2

#endif
