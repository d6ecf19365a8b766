// A pre-key bundle (X3DH §2.5, §3.2): what a server hands an initiator so
// that it can start a session with a device that is offline.
#ifndef E2EKIT_IDENTITY_BUNDLE_HPP
#define E2EKIT_IDENTITY_BUNDLE_HPP

#include <e2ekit/agreement/concept.hpp>
#include <e2ekit/agreement/x3dh.hpp>
#include <e2ekit/identity/prekeys.hpp>

#include <cstdint>
#include <optional>

namespace e2ekit::identity {

template <agreement::x3dh_params P>
struct prekey_bundle {
    using public_key = typename P::dh::public_key;

    std::uint32_t registration_id = 0;
    std::uint32_t device_id = 0;
    public_key identity_key{};
    std::uint32_t signed_prekey_id = 0;
    public_key signed_prekey{};
    typename P::signature signed_prekey_signature{};
    std::optional<std::uint32_t> one_time_prekey_id;
    std::optional<public_key> one_time_prekey;

    /// The keys X3DH takes from it.
    typename agreement::x3dh<P>::peer_bundle for_agreement() const {
        return {identity_key, signed_prekey, signed_prekey_signature,
                one_time_prekey_id ? one_time_prekey : std::nullopt};
    }

    friend bool operator==(const prekey_bundle&, const prekey_bundle&) = default;
};

/// The bundle of a device's keys, with or without a one-time pre-key.
template <agreement::x3dh_params P>
prekey_bundle<P> make_bundle(const typename P::dh::key_pair& identity,
                             std::uint32_t registration_id, std::uint32_t device_id,
                             const signed_prekey<P>& spk, const one_time_prekey<P>* otk = nullptr) {
    prekey_bundle<P> b{registration_id, device_id,     identity.pub, spk.id,
                       spk.keys.pub,    spk.signature, std::nullopt, std::nullopt};
    if (otk) {
        b.one_time_prekey_id = otk->id;
        b.one_time_prekey = otk->keys.pub;
    }
    return b;
}

} // namespace e2ekit::identity

#endif
