// What `protocol<Agreement, Ratchet, Envelope>` asks of its key agreement:
// a scheme built from params (agreement::x3dh<P>; Olm's triple DH when it
// comes) that turns an initiator's identity and a responder's published
// keys into the first root and chain keys and the base key the first
// message carries. The responder's side is not part of it: what keys it
// needs is named by the protocol's own key-exchange message.
//
// For `k` a `const A::key_pair&`, `b` a `const A::peer_bundle&`, `r` a
// random source and `i` an `A::initiated`:
//
// | expression                | type                               | semantics                     |
// |---------------------------|------------------------------------|-------------------------------|
// | `typename A::params`      |                                    | the params it was built from  |
// | `typename A::dh`          | `crypto::diffie_hellman`           | identity, pre-key, base keys  |
// | `typename A::key_pair`    | `A::dh::key_pair`                  |                               |
// | `typename A::public_key`  | `A::dh::public_key`                |                               |
// | `typename A::peer_bundle` | an object type                     | what the initiator takes from |
// |                           |                                    | the responder's bundle        |
// | `A::initiate(k, b, r)`    | `result<A::initiated>`             | the initiator's side (X3DH    |
// |                           |                                    | §3.3), a fresh base key       |
// | `i.keys`                  | `agreement::agreed_keys`           | root and chain key            |
// | `i.base_key`              | `A::public_key`                    | for the first message         |
//
// Structural: agreement/ has no opt-in tag for schemes (its concept is of
// params, agreement/concept.hpp); a scheme is checked by what it offers.
#ifndef E2EKIT_PROTOCOLS_AGREEMENT_SCHEME_HPP
#define E2EKIT_PROTOCOLS_AGREEMENT_SCHEME_HPP

#include <e2ekit/agreement/x3dh.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/crypto/concepts/diffie_hellman.hpp>

#include <concepts>
#include <type_traits>

namespace e2ekit::protocols {

namespace detail {

template <class A>
concept agreement_types = requires {
    typename A::params;
    typename A::dh;
    typename A::key_pair;
    typename A::public_key;
    typename A::peer_bundle;
    typename A::initiated;
}
&&crypto::diffie_hellman<typename A::dh>&&
    std::same_as<typename A::key_pair, typename A::dh::key_pair>&&
        std::same_as<typename A::public_key, typename A::dh::public_key>&&
            std::is_object_v<typename A::peer_bundle>;

template <class A>
concept agreement_initiates = requires(const typename A::key_pair& k,
                                       const typename A::peer_bundle& b,
                                       testing::deterministic_random& r, typename A::initiated& i) {
    { A::initiate(k, b, r) } -> std::same_as<result<typename A::initiated>>;
    { i.keys } -> std::same_as<agreement::agreed_keys&>;
    { i.base_key } -> std::same_as<typename A::public_key&>;
};

} // namespace detail

template <class A>
concept agreement_scheme = detail::agreement_types<A> && detail::agreement_initiates<A>;

} // namespace e2ekit::protocols

#endif
