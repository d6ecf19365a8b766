// Every constant of OMEMO 2 (XEP-0384 0.8, `urn:xmpp:omemo:2`) as
// python-twomemo 1.0.3 uses it, in params types for the templates below
// protocols/ (see ../shared/PROTOCOL-NOTES.md, "OMEMO 2"). Each constant
// names where python-twomemo (twomemo/twomemo.py), python-x3dh
// (x3dh/base_state.py) or python-doubleratchet sets it.
#ifndef E2EKIT_PROTOCOLS_TWOMEMO_PARAMS_HPP
#define E2EKIT_PROTOCOLS_TWOMEMO_PARAMS_HPP

#include <e2ekit/agreement/concept.hpp>
#include <e2ekit/agreement/error.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/crypto/aes_cbc.hpp>
#include <e2ekit/crypto/ed25519.hpp>
#include <e2ekit/crypto/hkdf.hpp>
#include <e2ekit/crypto/hmac.hpp>
#include <e2ekit/crypto/x25519.hpp>
#include <e2ekit/crypto/xeddsa.hpp>
#include <e2ekit/protocols/twomemo/identity.hpp>
#include <e2ekit/ratchet/concept.hpp>
#include <e2ekit/ratchet/kdf.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace e2ekit::protocols::omemo2 {

/// The XML namespace of every OMEMO 2 element and the backend's name
/// (twomemo.NAMESPACE).
inline constexpr std::string_view namespace_uri = "urn:xmpp:omemo:2";

/// Wire constants of the key transport (twomemo.AEADImpl).
struct wire {
    /// HMAC-SHA-256 tags are truncated to 16 bytes
    /// (AUTHENTICATION_TAG_TRUNCATED_LENGTH), in OMEMOAuthenticatedMessage
    /// and after the payload alike.
    static constexpr std::size_t mac_size = 16;
    using mac = crypto::hmac_sha256;
    using cipher = crypto::aes_256_cbc;
    /// Public keys are raw 32-byte keys, no type byte
    /// (StateImpl._encode_public_key returns the key as it is).
    static constexpr std::size_t key_size = 32;
    /// The associated data: both identity keys (IDENTITY_KEY_ENCODING_LENGTH
    /// x 2), the initiator's first.
    static constexpr std::size_t associated_data_size = 2 * key_size;
};

/// The payload encryption (Twomemo.encrypt_plaintext): 32 random bytes,
/// HKDF-SHA-256 with a 32-zero-byte salt and info "OMEMO Payload" to 80
/// bytes = AES-256-CBC key 32 ‖ HMAC-SHA-256 key 32 ‖ IV 16; the
/// ciphertext's HMAC truncated to 16 bytes travels beside the key
/// (PlainKeyMaterialImpl: key 32 ‖ tag 16).
struct payload_params {
    using kdf = crypto::hkdf_sha256;
    static constexpr std::string_view info = "OMEMO Payload";
    static constexpr std::size_t key_size = 32; ///< PlainKeyMaterialImpl.KEY_LENGTH
    static constexpr std::size_t tag_size = wire::mac_size;
    static constexpr std::size_t cipher_key_size = wire::cipher::key_size;
    static constexpr std::size_t mac_key_size = 32;
    static constexpr std::size_t iv_size = wire::cipher::iv_size;
};

/// X3DH as python-x3dh runs it for twomemo (StateImpl with
/// IdentityKeyFormat.ED_25519, HashFunction.SHA_256, INFO "OMEMO X3DH"):
/// F = 32 x 0xFF, a 32-zero-byte salt; the identity key is Ed25519 on the
/// wire and under the signature, mapped to X25519 for the DHs
/// (ed25519_pub_to_curve25519_pub); the signed pre-key is signed as its raw
/// 32 bytes. SK is 32 bytes: the agreement's root key (agreement/concept.hpp
/// on SK), the chain key is not used (the ratchet starts from the root,
/// ratchet_params::first_chain).
struct x3dh_params {
    using x3dh_concept = agreement::x3dh_tag;
    using dh = crypto::x25519;
    using kdf = crypto::hkdf_sha256;
    using signature = crypto::ed25519::signature;
    using identity_key = omemo2::identity_key;
    static constexpr byte_array<32> kdf_prefix = [] {
        byte_array<32> f;
        f.fill(0xff);
        return f;
    }();
    static constexpr byte_array<32> kdf_salt{};
    static constexpr std::string_view kdf_info = "OMEMO X3DH";

    /// RFC 7748 §4.1's map, u = (1 + y) / (1 - y); keys libsodium refuses
    /// (small order, non-canonical, off the curve) are invalid.
    static result<dh::public_key> identity_dh(const identity_key& ik) {
        auto u = crypto::xeddsa::curve25519_from_ed25519(ik);
        if (!u) return agreement::agreement_error::invalid_key;
        return *u;
    }
    template <random_source R>
    static signature sign_prekey(const dh::private_key& identity, const dh::public_key& spk,
                                 R& rng) {
        return omemo2::sign(identity, spk, rng);
    }
    static result<void> verify_prekey(const identity_key& identity, const dh::public_key& spk,
                                      bytes_view sig) {
        if (!crypto::ed25519::verify(identity, spk, sig))
            return agreement::agreement_error::bad_signature;
        return {};
    }
};
static_assert(agreement::x3dh_params<x3dh_params>);

/// The Double Ratchet as python-doubleratchet runs it for twomemo:
/// - root chain: HKDF-SHA-256, salt = root key, info "OMEMO Root Chain",
///   64 bytes = root ‖ chain (RootChainKDFImpl over KDFChain);
/// - message chains: HMAC-SHA-256 over the constant b"\x02\x01" one byte at
///   a time, the first output the next chain key, the second the message
///   key: ck' = HMAC(ck, 0x02), mk = HMAC(ck, 0x01) (MessageChainKDFImpl,
///   MESSAGE_CHAIN_CONSTANT);
/// - message keys: HKDF-SHA-256, zero salt, info "OMEMO Message Key
///   Material", 80 bytes = AES-256-CBC key 32 ‖ HMAC key 32 ‖ IV 16
///   (AEADImpl.__derive);
/// - the chains start from SK alone: the initiator sends first on
///   KDF_RK(SK, DH(fresh, signed pre-key)) (DoubleRatchet
///   .encrypt_initial_message / decrypt_initial_message);
/// - PN is the length of the previous sending chain
///   (previous_sending_chain_length);
/// - bounds: Twomemo's defaults, 1,000 skipped message keys per session and
///   per message. python keeps one receiving chain and the skipped keys of
///   older ones (derived with PN); this ratchet keeps up to 5 receiver
///   chains with up to 1,000 skipped keys each, which opens the same
///   messages.
struct ratchet_params {
    using double_ratchet_concept = ratchet::double_ratchet_tag;
    using dh = crypto::x25519;
    using root_kdf = ratchet::hkdf_root<crypto::hkdf_sha256, "OMEMO Root Chain">;
    using chain_kdf = ratchet::hmac_chain<crypto::hmac_sha256, 0x01, 0x02>;
    using message_keys =
        ratchet::hkdf_message_keys<crypto::hkdf_sha256, "OMEMO Message Key Material",
                                   wire::cipher::key_size, 32, wire::cipher::iv_size>;
    static constexpr ratchet::limits limits{
        .max_skip = 1000, .max_receiver_chains = 5, .max_skipped_keys_per_chain = 1000};
    static constexpr ratchet::role first_sender = ratchet::role::initiator;
    static constexpr ratchet::first_chain_rule first_chain = ratchet::first_chain_rule::from_root;
    static constexpr ratchet::previous_counter_rule previous_counter =
        ratchet::previous_counter_rule::count;
    static constexpr std::string_view state_label = "twomemo";
};
static_assert(ratchet::double_ratchet_params<ratchet_params>);

} // namespace e2ekit::protocols::omemo2

#endif
