// Megolm as one name: the Megolm ratchet with Megolm's params, its
// messages, session keys and exports (protocols/megolm/), byte for byte as
// libolm 3.2. Megolm has no key agreement (session keys travel over Olm),
// so it is not a protocol<Agreement, Ratchet, Envelope>: `megolm_v1` names
// its params, ratchet and the Matrix algorithm it implements.
#ifndef E2EKIT_PROTOCOLS_MEGOLM_HPP
#define E2EKIT_PROTOCOLS_MEGOLM_HPP

#include <e2ekit/protocols/megolm/messages.hpp>
#include <e2ekit/protocols/megolm/params.hpp>
#include <e2ekit/protocols/megolm/replay.hpp>
#include <e2ekit/protocols/megolm/session.hpp>
#include <e2ekit/ratchet/megolm.hpp>

#include <string_view>

namespace e2ekit::protocols {

namespace megolm {
template <ratchet::megolm_params P>
struct group_protocol {
    using params = P;
    using ratchet_type = ratchet::megolm<P>;
    /// The Matrix event algorithm (m.room.encrypted "algorithm").
    static constexpr std::string_view algorithm = "m.megolm.v1.aes-sha2";
};
} // namespace megolm

using megolm_v1 = megolm::group_protocol<megolm::ratchet_params>;

} // namespace e2ekit::protocols

#endif
