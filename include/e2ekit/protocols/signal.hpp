// Signal v3 as one alias: X3DH and the Double Ratchet with Signal's params
// over the v3 wire, byte for byte as libsignal-protocol-c 2.3 and npm
// libsignal 2.0.1 (protocols/signal/ holds the params, messages, sessions,
// records, sender keys, fingerprints and the persistent device).
#ifndef E2EKIT_PROTOCOLS_SIGNAL_HPP
#define E2EKIT_PROTOCOLS_SIGNAL_HPP

#include <e2ekit/agreement/x3dh.hpp>
#include <e2ekit/fwd.hpp>
#include <e2ekit/protocols/protocol.hpp>
#include <e2ekit/protocols/signal/envelope.hpp>
#include <e2ekit/protocols/signal/params.hpp>
#include <e2ekit/ratchet/double_ratchet.hpp>

namespace e2ekit::protocols {

using signal_v3 = protocol<agreement::x3dh<signal::x3dh_params>,
                           ratchet::double_ratchet<signal::ratchet_params>, signal::envelope_v3>;
static_assert(
    composable<signal_v3::agreement_type, signal_v3::ratchet_type, signal_v3::envelope_type>);

} // namespace e2ekit::protocols

#endif
