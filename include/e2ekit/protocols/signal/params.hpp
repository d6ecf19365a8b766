// Every constant of Signal v3 as libsignal-protocol-c 2.3.3 and npm
// libsignal 2.0.1 use it, in params types for the templates below
// protocols/ (see ../shared/PROTOCOL-NOTES.md, "Signal v3").
#ifndef E2EKIT_PROTOCOLS_SIGNAL_PARAMS_HPP
#define E2EKIT_PROTOCOLS_SIGNAL_PARAMS_HPP

#include <e2ekit/agreement/concept.hpp>
#include <e2ekit/agreement/error.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/crypto/aes_cbc.hpp>
#include <e2ekit/crypto/hkdf.hpp>
#include <e2ekit/crypto/hmac.hpp>
#include <e2ekit/crypto/x25519.hpp>
#include <e2ekit/crypto/xeddsa.hpp>
#include <e2ekit/envelope/framing.hpp>
#include <e2ekit/ratchet/concept.hpp>
#include <e2ekit/ratchet/kdf.hpp>

#include <cstdint>
#include <string_view>

namespace e2ekit::protocols::signal {

/// Public keys on the wire and under signatures: 0x05 ‖ X25519 u
/// (libsignal-protocol-c DJB_TYPE).
using key_encoding = envelope::prefixed_key<0x05, crypto::x25519::public_key_size>;

/// Wire constants of the v3 messages (libsignal-protocol-c src/protocol.c).
struct wire {
    static constexpr std::uint8_t version = 3;
    /// (message version << 4) | current version.
    static constexpr byte version_byte = (version << 4) | version;
    static constexpr std::size_t mac_size = 8;
    using mac = crypto::hmac_sha256;
    using cipher = crypto::aes_256_cbc;
};

/// X3DH as Signal runs it: F = 32 x 0xFF, HKDF-SHA-256 with a zero salt and
/// info "WhisperText"; the signed pre-key is signed in its 33-byte encoding,
/// with XEdDSA, and peers' signatures in libsignal-protocol-c's older
/// curve25519_sign form are accepted too (crypto/xeddsa.hpp).
struct x3dh_params {
    using x3dh_concept = agreement::x3dh_tag;
    using dh = crypto::x25519;
    using kdf = crypto::hkdf_sha256;
    using signature = crypto::xeddsa::signature;
    static constexpr byte_array<32> kdf_prefix = [] {
        byte_array<32> f;
        f.fill(0xff);
        return f;
    }();
    static constexpr byte_array<32> kdf_salt{};
    static constexpr std::string_view kdf_info = "WhisperText";

    template <random_source R>
    static signature sign_prekey(const dh::private_key& identity, const dh::public_key& spk,
                                 R& rng) {
        return crypto::xeddsa::sign(identity, key_encoding::encode(spk), rng);
    }
    static result<void> verify_prekey(const dh::public_key& identity, const dh::public_key& spk,
                                      bytes_view sig) {
        if (!crypto::xeddsa::verify_signal_legacy(identity, key_encoding::encode(spk), sig))
            return agreement::agreement_error::bad_signature;
        return {};
    }
};
static_assert(agreement::x3dh_params<x3dh_params>);

/// The Double Ratchet as libsignal-protocol-c runs it (src/ratchet.c,
/// src/session_cipher.c, src/session_state.c).
struct ratchet_params {
    using double_ratchet_concept = ratchet::double_ratchet_tag;
    using dh = crypto::x25519;
    using root_kdf = ratchet::hkdf_root<crypto::hkdf_sha256, "WhisperRatchet">;
    using chain_kdf = ratchet::hmac_chain<crypto::hmac_sha256, 0x01, 0x02>;
    /// AES-256-CBC key 32 ‖ HMAC-SHA-256 key 32 ‖ IV 16.
    using message_keys =
        ratchet::hkdf_message_keys<crypto::hkdf_sha256, "WhisperMessageKeys",
                                   wire::cipher::key_size, 32, wire::cipher::iv_size>;
    static constexpr ratchet::limits limits{
        .max_skip = 2000, .max_receiver_chains = 5, .max_skipped_keys_per_chain = 2000};
    static constexpr ratchet::role first_sender = ratchet::role::responder;
    static constexpr ratchet::previous_counter_rule previous_counter =
        ratchet::previous_counter_rule::last_index;
    static constexpr std::string_view state_label = "signal_v3";
};
static_assert(ratchet::double_ratchet_params<ratchet_params>);

/// Sender keys as libsignal-protocol-c's group cipher runs them
/// (src/sender_key.c, src/group_cipher.c, src/sender_key_record.c): the
/// chain steps as the Double Ratchet's, message keys are HKDF(seed, zero
/// salt, "WhisperGroup", 48) = IV 16 ‖ AES-256 key 32; a message may skip
/// 2000 keys, 2000 are kept; a record holds 5 states.
struct sender_key_params {
    using sender_key_concept = ratchet::sender_key_tag;
    using chain_kdf = ratchet::hmac_chain<crypto::hmac_sha256, 0x01, 0x02>;
    using message_keys = ratchet::hkdf_iv_and_key<crypto::hkdf_sha256, "WhisperGroup",
                                                  wire::cipher::iv_size, wire::cipher::key_size>;
    static constexpr std::uint32_t max_forward = 2000;
    static constexpr std::size_t max_stored_keys = 2000;
    static constexpr std::size_t max_states = 5;
    static constexpr std::size_t signature_size = crypto::xeddsa::signature_size;
    static constexpr std::string_view state_label = "signal_v3.sender_key";
};
static_assert(ratchet::sender_key_params<sender_key_params>);

/// Identity-level constants (libsignal-protocol-c src/key_helper.c).
struct identity_params {
    /// Registration ids are drawn from 1 .. 16380.
    static constexpr std::uint32_t max_registration_id = 16380;
    /// One-time pre-key ids live in 1 .. 0xFFFFFE; 0xFFFFFF is the last
    /// resort key, never deleted (PRE_KEY_MEDIUM_MAX_VALUE).
    static constexpr std::uint32_t last_resort_prekey_id = 0xFFFFFF;
};

} // namespace e2ekit::protocols::signal

#endif
