// Every constant of OMEMO 0.3 (XEP-0384 v0.3, namespace
// eu.siacs.conversations.axolotl) as python-oldmemo 1.0.3 uses it. Its X3DH
// and Double Ratchet are Signal v3's on the wire (same KDF labels, 0x05
// keys, version byte 0x33, 8-byte MAC over sender IK ‖ recipient IK ‖
// message), so the params below are Signal's wherever they agree
// (protocols/signal/params.hpp) and differ only where python-oldmemo does:
//
// | what                      | Signal v3 (libsignal-protocol-c) | OMEMO 0.3 (python-oldmemo)       |
// |---------------------------|----------------------------------|----------------------------------|
// | X3DH                      | F, zero salt, "WhisperText"      | the same; SK is the first 32     |
// |                           |                                  | bytes, exactly Signal's root key |
// | one-time pre-key          | optional                         | required (pk_id is required)     |
// | PN in headers             | last index of the previous chain | its length (python-doubleratchet |
// |                           |                                  | previous_sending_chain_length),  |
// |                           |                                  | which it uses to keep the keys   |
// |                           |                                  | of the previous chain            |
// | skipped keys              | 2000 per message, 2000 per chain | 1000 per message (python-omemo's |
// |                           |                                  | default), 1000 kept              |
// | registration id           | field 5 of the pre-key message   | never written ("unused")         |
// | payload                   | AES-256-CBC, ratchet keys        | AES-128-GCM under a random key;  |
// |                           |                                  | the ratchet carries key ‖ tag    |
//
// The responder's agreed chain goes unused in OMEMO 0.3: python-doubleratchet
// starts the initiator with one DH step from SK against the signed
// pre-key, which is Signal's first sending chain, and a responder only
// answers after it decrypted the first message (its DH step then replaces
// that chain). So `first_sender = responder` reproduces python's keys.
#ifndef E2EKIT_PROTOCOLS_OLDMEMO_PARAMS_HPP
#define E2EKIT_PROTOCOLS_OLDMEMO_PARAMS_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/crypto/aes_gcm.hpp>
#include <e2ekit/crypto/x25519.hpp>
#include <e2ekit/protocols/signal/params.hpp>
#include <e2ekit/ratchet/concept.hpp>

#include <cstddef>
#include <string_view>

namespace e2ekit::protocols::omemo03 {

/// The XML namespace of every OMEMO 0.3 element (XEP-0384 v0.3 §4).
inline constexpr std::string_view namespace_uri = "eu.siacs.conversations.axolotl";

using public_key = crypto::x25519::public_key;
using key_pair = crypto::x25519::key_pair;

/// 0x05 ‖ u: keys in messages, bundles and under the signed pre-key's
/// signature (python-oldmemo StateImpl.serialize_public_key).
using key_encoding = signal::key_encoding;

/// Version byte 0x33, HMAC-SHA-256 truncated to 8 bytes, AES-256-CBC for
/// the key material inside the ratchet (python-oldmemo AEADImpl).
using wire = signal::wire;

/// X3DH exactly as Signal runs it (python-oldmemo StateImpl: info
/// "WhisperText", python-x3dh: 32 x 0xFF, zero salt). Signatures of the
/// signed pre-key are checked in either sign-bit form (bundle.hpp).
using x3dh_params = signal::x3dh_params;

/// The Double Ratchet as python-oldmemo configures python-doubleratchet:
/// Signal's KDFs ("WhisperRatchet", HMAC 0x01 / 0x02 chains,
/// "WhisperMessageKeys" into AES-256-CBC key, MAC key and IV).
struct ratchet_params {
    using double_ratchet_concept = ratchet::double_ratchet_tag;
    using dh = signal::ratchet_params::dh;
    using root_kdf = signal::ratchet_params::root_kdf;
    using chain_kdf = signal::ratchet_params::chain_kdf;
    using message_keys = signal::ratchet_params::message_keys;
    /// python-omemo Backend: max_num_per_session_skipped_keys = 1000, and
    /// the per-message bound defaults to it.
    static constexpr ratchet::limits limits{
        .max_skip = 1000, .max_receiver_chains = 5, .max_skipped_keys_per_chain = 1000};
    static constexpr ratchet::role first_sender = ratchet::role::responder;
    /// python-doubleratchet sends the previous chain's length and, on a
    /// new ratchet key, derives the keys of the old chain up to it.
    static constexpr ratchet::previous_counter_rule previous_counter =
        ratchet::previous_counter_rule::count;
    static constexpr std::string_view state_label = "oldmemo";
};
static_assert(ratchet::double_ratchet_params<ratchet_params>);

/// The payload (XEP-0384 v0.3 §4.5, python-oldmemo encrypt_plaintext):
/// AES-128-GCM under a fresh 16-byte key and 12-byte IV; the 16-byte tag
/// travels with the key inside the ratchet, not in <payload>.
struct payload_params {
    using cipher = crypto::aes_128_gcm;
    static constexpr std::size_t key_size = cipher::key_size;
    static constexpr std::size_t iv_size = cipher::nonce_size;
    static constexpr std::size_t tag_size = cipher::tag_size;
    /// key ‖ tag, what the ratchet encrypts for a message with a payload.
    static constexpr std::size_t key_material_size = key_size + tag_size;
    /// An empty message (no <payload>) carries a key without a tag.
    static constexpr std::size_t empty_key_material_size = key_size;
    /// IVs a reader accepts: python-oldmemo passes any to GCM, which
    /// pyca/cryptography takes from 8 to 128 bytes (old clients sent 16).
    static constexpr std::size_t min_iv_size = 8;
    static constexpr std::size_t max_iv_size = 128;
};

} // namespace e2ekit::protocols::omemo03

#endif
