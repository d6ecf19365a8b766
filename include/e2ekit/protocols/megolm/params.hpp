// Megolm's constants (Matrix's olm docs/megolm.md, libolm megolm.c and
// inbound/outbound_group_session.c) for ratchet::megolm.
#ifndef E2EKIT_PROTOCOLS_MEGOLM_PARAMS_HPP
#define E2EKIT_PROTOCOLS_MEGOLM_PARAMS_HPP

#include <e2ekit/crypto/hkdf.hpp>
#include <e2ekit/crypto/hmac.hpp>
#include <e2ekit/ratchet/kdf.hpp>
#include <e2ekit/ratchet/megolm.hpp>

namespace e2ekit::protocols::megolm {

struct ratchet_params {
    using megolm_concept = ratchet::megolm_tag;
    using mac = crypto::hmac_sha256;
    /// HKDF-SHA-256 over the whole ratchet, empty salt, "MEGOLM_KEYS":
    /// AES-256 key 32, HMAC-SHA-256 key 32, CBC IV 16.
    using message_keys = ratchet::hkdf_message_keys<crypto::hkdf_sha256, "MEGOLM_KEYS", 32, 32, 16>;
};
static_assert(ratchet::megolm_params<ratchet_params>);

using ratchet_type = ratchet::megolm<ratchet_params>;

} // namespace e2ekit::protocols::megolm

#endif
