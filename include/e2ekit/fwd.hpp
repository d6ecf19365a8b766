// Forward declarations of e2ekit's protocol aliases (as nlohmann_json's
// json_fwd.hpp): a header that only names `e2ekit::protocols::signal_v3`
// includes this, not the protocol. It pulls in the params (constants and
// the names of their primitives) and the concepts that constrain the
// templates, not the templates' bodies, the wire codecs or Boost.Hana.
//
// Declared: protocols::signal_v3 (full: e2ekit/protocols/signal.hpp),
// protocols::olm_v1 (full: e2ekit/protocols/olm.hpp), and the OMEMO
// protocol types protocols::oldmemo and protocols::twomemo (full:
// e2ekit/protocols/oldmemo.hpp, twomemo.hpp; each is a protocol<A, R, E>
// and names the backend a session manager drives).
#ifndef E2EKIT_FWD_HPP
#define E2EKIT_FWD_HPP

#include <e2ekit/agreement/concept.hpp>
#include <e2ekit/agreement/triple_dh_concept.hpp>
#include <e2ekit/protocols/olm/params.hpp>
#include <e2ekit/protocols/signal/params.hpp>
#include <e2ekit/ratchet/concept.hpp>

namespace e2ekit {

namespace agreement {
template <x3dh_params P>
struct x3dh;
template <triple_dh_params P>
struct triple_dh;
} // namespace agreement

namespace ratchet {
template <double_ratchet_params P>
class double_ratchet;
} // namespace ratchet

namespace protocols {

template <class Agreement, class Ratchet, class Envelope>
struct protocol;

namespace signal {
struct envelope_v3;
} // namespace signal

using signal_v3 = protocol<agreement::x3dh<signal::x3dh_params>,
                           ratchet::double_ratchet<signal::ratchet_params>, signal::envelope_v3>;

namespace olm {
struct envelope_v1;
} // namespace olm

using olm_v1 = protocol<agreement::triple_dh<olm::triple_dh_params>,
                        ratchet::double_ratchet<olm::ratchet_params>, olm::envelope_v1>;

struct oldmemo;
struct twomemo;

} // namespace protocols
} // namespace e2ekit

#endif
