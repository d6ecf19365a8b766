// protocol<Agreement, Ratchet, Envelope>: a protocol as a list of choices,
// each checked against its concept (DESIGN "The shape we aim for"):
//
//   using signal_v3 = protocol<agreement::x3dh<signal::x3dh_params>,
//                              ratchet::double_ratchet<signal::ratchet_params>,
//                              signal::envelope_v3>;
//
// | choice      | concept                                 | exposed as        |
// |-------------|-----------------------------------------|-------------------|
// | `Agreement` | `protocols::agreement_scheme`           | `agreement_type`  |
// | `Ratchet`   | `protocols::ratchet_scheme`             | `ratchet_type`    |
// | `Envelope`  | `envelope::wire_format`                 | `envelope_type`   |
// | together    | the agreement's DH is the ratchet's (1) |                   |
//
// (1) The agreed keys start the ratchet with keys of the agreement's
//     curve (Signal: the responder's signed pre-key is its first ratchet
//     key pair), so both must name one DH.
//
// The template is declared without constraints (e2ekit/fwd.hpp declares it
// and the aliases cheaply); the checks are static_asserts that fire when
// the type is completed, each naming the choice that failed.
// `protocols::composable<A, R, E>` is the same check as a concept.
#ifndef E2EKIT_PROTOCOLS_PROTOCOL_HPP
#define E2EKIT_PROTOCOLS_PROTOCOL_HPP

#include <e2ekit/envelope/concept.hpp>
#include <e2ekit/protocols/agreement_scheme.hpp>
#include <e2ekit/protocols/ratchet_scheme.hpp>

#include <concepts>

namespace e2ekit::protocols {

template <class A, class R>
concept same_curve = requires {
    typename A::dh;
    typename R::dh;
}
&&std::same_as<typename A::dh, typename R::dh>;

template <class A, class R, class E>
concept composable =
    agreement_scheme<A> && ratchet_scheme<R> && envelope::wire_format<E> && same_curve<A, R>;

template <class Agreement, class Ratchet, class Envelope>
struct protocol {
    static_assert(
        agreement_scheme<Agreement>,
        "protocol<A, R, E>: A is not a key agreement scheme (protocols/agreement_scheme.hpp)");
    static_assert(ratchet_scheme<Ratchet>,
                  "protocol<A, R, E>: R is not a ratchet scheme (protocols/ratchet_scheme.hpp)");
    static_assert(envelope::wire_format<Envelope>,
                  "protocol<A, R, E>: E is not a wire format (envelope/concept.hpp)");
    static_assert(same_curve<Agreement, Ratchet>,
                  "protocol<A, R, E>: the agreement and the ratchet use different DH curves");

    using agreement_type = Agreement;
    using ratchet_type = Ratchet;
    using envelope_type = Envelope;
    using agreement_params = typename Agreement::params;
    using ratchet_params = typename Ratchet::params;
    using dh = typename Agreement::dh;
};

} // namespace e2ekit::protocols

#endif
