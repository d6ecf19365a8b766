// Every constant of Olm as libolm 3.2 (src/session.cpp, src/ratchet.cpp,
// src/account.cpp, src/message.cpp) uses it, in params types for the
// templates below protocols/ (see ../shared/PROTOCOL-NOTES.md, "Olm").
#ifndef E2EKIT_PROTOCOLS_OLM_PARAMS_HPP
#define E2EKIT_PROTOCOLS_OLM_PARAMS_HPP

#include <e2ekit/agreement/triple_dh_concept.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/crypto/aes_cbc.hpp>
#include <e2ekit/crypto/ed25519.hpp>
#include <e2ekit/crypto/hkdf.hpp>
#include <e2ekit/crypto/hmac.hpp>
#include <e2ekit/crypto/sha2.hpp>
#include <e2ekit/crypto/x25519.hpp>
#include <e2ekit/ratchet/concept.hpp>
#include <e2ekit/ratchet/kdf.hpp>

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace e2ekit::protocols::olm {

/// Wire constants of Olm messages (libolm src/message.cpp, docs/olm.md
/// "The Olm Message format").
struct wire {
    static constexpr std::uint8_t version = 3;
    /// HMAC-SHA-256 over the whole encoded message, first 8 bytes.
    static constexpr std::size_t mac_size = 8;
    using mac = crypto::hmac_sha256;
    using cipher = crypto::aes_256_cbc;
    static constexpr std::size_t key_size = crypto::x25519::public_key_size;

    // Tags (field << 3 | wire type) of a normal message.
    static constexpr std::uint8_t ratchet_key_tag = 0x0A;
    static constexpr std::uint8_t counter_tag = 0x10;
    static constexpr std::uint8_t ciphertext_tag = 0x22;
    // Tags of a pre-key message.
    static constexpr std::uint8_t one_time_key_tag = 0x0A;
    static constexpr std::uint8_t base_key_tag = 0x12;
    static constexpr std::uint8_t identity_key_tag = 0x1A;
    static constexpr std::uint8_t message_tag = 0x22;
};

/// The triple DH as libolm runs it: HKDF-SHA-256, empty salt, "OLM_ROOT".
struct triple_dh_params {
    using triple_dh_concept = agreement::triple_dh_tag;
    using dh = crypto::x25519;
    using kdf = crypto::hkdf_sha256;
    static constexpr bytes_view kdf_salt{};
    static constexpr std::string_view kdf_info = "OLM_ROOT";
};
static_assert(agreement::triple_dh_params<triple_dh_params>);

/// The Double Ratchet as libolm runs it (src/ratchet.cpp): root steps
/// HKDF(salt = root key, DH, "OLM_RATCHET"), chain steps HMAC(ck, 0x01) /
/// HMAC(ck, 0x02), message keys HKDF(mk, empty salt, "OLM_KEYS", 80) =
/// AES-256 key 32 ‖ HMAC key 32 ‖ IV 16 (src/cipher.cpp).
///
/// Limits: a message may skip at most MAX_MESSAGE_GAP = 2000 keys (checked
/// as counter - chain index, also on a new chain); 5 receiver chains are
/// kept, the oldest dropped (MAX_RECEIVER_CHAINS). libolm keeps 40 skipped
/// keys in ONE list over all chains (MAX_SKIPPED_MESSAGE_KEYS, the oldest
/// dropped); e2ekit's ratchet bounds them per chain, so 40 per chain here
/// (vodozemac's choice): every message libolm can still decrypt, e2ekit
/// can too.
struct ratchet_params {
    using double_ratchet_concept = ratchet::double_ratchet_tag;
    using dh = crypto::x25519;
    using root_kdf = ratchet::hkdf_root<crypto::hkdf_sha256, "OLM_RATCHET">;
    using chain_kdf = ratchet::hmac_chain<crypto::hmac_sha256, 0x01, 0x02>;
    using message_keys =
        ratchet::hkdf_message_keys<crypto::hkdf_sha256, "OLM_KEYS", wire::cipher::key_size, 32,
                                   wire::cipher::iv_size>;
    static constexpr ratchet::limits limits{
        .max_skip = 2000, .max_receiver_chains = 5, .max_skipped_keys_per_chain = 40};
    /// Alice sends first, on the agreed chain, with a fresh ratchet key
    /// (libolm Ratchet::initialise_as_alice).
    static constexpr ratchet::role first_sender = ratchet::role::initiator;
    /// Olm headers carry no previous-chain counter; what is kept is the
    /// count, as the Double Ratchet spec has it.
    static constexpr ratchet::previous_counter_rule previous_counter =
        ratchet::previous_counter_rule::count;
    static constexpr std::string_view state_label = "olm_v1";
};
static_assert(ratchet::double_ratchet_params<ratchet_params>);

/// Account constants (libolm include/olm/account.hh, src/account.cpp).
struct account_params {
    using identity_dh = crypto::x25519;
    using signing = crypto::ed25519;
    /// One-time keys kept; generating more drops the oldest.
    static constexpr std::size_t max_one_time_keys = 100;
    /// Fallback keys kept: the current one and the one before it.
    static constexpr std::size_t max_fallback_keys = 2;
    /// Session ids: SHA-256(I_A ‖ E_A ‖ E_B) (libolm Session::session_id).
    using session_id_hash = crypto::sha256;
};

} // namespace e2ekit::protocols::olm

#endif
