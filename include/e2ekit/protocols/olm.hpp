// Olm as one alias: Olm's triple DH and the Double Ratchet with Olm's
// params over Olm's wire, byte for byte as libolm 3.2 and python-olm
// (protocols/olm/ holds the params, messages, sessions, accounts and the
// persistent device).
#ifndef E2EKIT_PROTOCOLS_OLM_HPP
#define E2EKIT_PROTOCOLS_OLM_HPP

#include <e2ekit/agreement/triple_dh.hpp>
#include <e2ekit/protocols/olm/account.hpp>
#include <e2ekit/protocols/olm/device.hpp>
#include <e2ekit/protocols/olm/envelope.hpp>
#include <e2ekit/protocols/olm/params.hpp>
#include <e2ekit/protocols/olm/session.hpp>
#include <e2ekit/protocols/protocol.hpp>
#include <e2ekit/ratchet/double_ratchet.hpp>

namespace e2ekit::protocols {

using olm_v1 = protocol<agreement::triple_dh<olm::triple_dh_params>,
                        ratchet::double_ratchet<olm::ratchet_params>, olm::envelope_v1>;
static_assert(composable<olm_v1::agreement_type, olm_v1::ratchet_type, olm_v1::envelope_type>);

} // namespace e2ekit::protocols

#endif
