// What `protocol<Agreement, Ratchet, Envelope>` asks of its ratchet: a
// session ratchet built from params (ratchet::double_ratchet<P>) whose
// steps are pure, so that the protocol commits each new state before it
// releases anything (ratchet/pending.hpp), and whose state has a stored
// form.
//
// For `s` a `const R::state&`, `h` a `const R::header&`, `r` a random
// source and `b` a `bytes_view`:
//
// | expression                | type                      | semantics                            |
// |---------------------------|---------------------------|--------------------------------------|
// | `typename R::params`      |                           | the params it was built from         |
// | `typename R::dh`          | `crypto::diffie_hellman`  | ratchet keys                         |
// | `typename R::state`       | movable, `s.clone()`      | one session's ratchet (explicit      |
// |                           |                           | copies only: it holds secrets)       |
// | `typename R::header`      | an object type            | what travels beside each message     |
// | `R::encrypt_step(s, r)`   | `result<R::encrypted>`    | the next message's header and keys,  |
// |                           |                           | and the state after it; `s` intact   |
// | `R::decrypt_step(s, h)`   | `result<R::decrypted>`    | the keys for `h`, and the state      |
// |                           |                           | after it; `s` intact                 |
// | `R::serialize(s)`         | `secret_bytes`            | the stored form                      |
// | `R::parse(b)`             | `result<R::state>`        | its strict inverse                   |
//
// `encrypted` and `decrypted` hold the next state as `next`. Structural,
// as agreement_scheme.hpp (ratchet/concept.hpp's concept is of params).
#ifndef E2EKIT_PROTOCOLS_RATCHET_SCHEME_HPP
#define E2EKIT_PROTOCOLS_RATCHET_SCHEME_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/concepts/diffie_hellman.hpp>

#include <concepts>
#include <type_traits>

namespace e2ekit::protocols {

namespace detail {

template <class R>
concept ratchet_types = requires {
    typename R::params;
    typename R::dh;
    typename R::state;
    typename R::header;
    typename R::encrypted;
    typename R::decrypted;
}
&&crypto::diffie_hellman<typename R::dh>&& std::movable<typename R::state> &&
    !std::is_copy_constructible_v<typename R::state> && std::is_object_v<typename R::header> &&
    requires(const typename R::state& s) {
    { s.clone() } -> std::same_as<typename R::state>;
};

template <class R>
concept ratchet_steps = requires(const typename R::state& s, const typename R::header& h,
                                 testing::deterministic_random& r, typename R::encrypted& e,
                                 typename R::decrypted& d, bytes_view b) {
    { R::encrypt_step(s, r) } -> std::same_as<result<typename R::encrypted>>;
    { R::decrypt_step(s, h) } -> std::same_as<result<typename R::decrypted>>;
    { e.next } -> std::same_as<typename R::state&>;
    { d.next } -> std::same_as<typename R::state&>;
    { R::serialize(s) } -> std::same_as<secret_bytes>;
    { R::parse(b) } -> std::same_as<result<typename R::state>>;
};

} // namespace detail

template <class R>
concept ratchet_scheme = detail::ratchet_types<R> && detail::ratchet_steps<R>;

} // namespace e2ekit::protocols

#endif
