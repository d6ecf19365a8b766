// The Diffie-Hellman concept: what an agreement scheme (X3DH, Olm's 3DH)
// needs from a curve. A policy opts in with `using dh_concept = dh_tag;`,
// so a type that merely looks right is not taken by accident (stdexec's
// opt-in tags).
#ifndef E2EKIT_CRYPTO_CONCEPTS_DIFFIE_HELLMAN_HPP
#define E2EKIT_CRYPTO_CONCEPTS_DIFFIE_HELLMAN_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>

#include <concepts>
#include <cstddef>

namespace e2ekit::crypto {

/// The opt-in tag of `diffie_hellman`.
struct dh_tag {};

/// | expression                  | type                    | semantics                            |
/// |-----------------------------|-------------------------|--------------------------------------|
/// | `P::dh_concept`             | `dh_tag`                | opts in                              |
/// | `P::private_key_size`       | `std::size_t`           | bytes of a private key               |
/// | `P::public_key_size`        | `std::size_t`           | bytes of an encoded public key       |
/// | `P::shared_secret_size`     | `std::size_t`           | bytes of the agreed secret           |
/// | `P::private_key`            | `secret<N, T>`          | N = private_key_size; wiped, copied  |
/// |                             |                         | only by clone()                      |
/// | `P::public_key`             | `byte_array<N>`         | N = public_key_size; as it travels   |
/// |                             |                         | on the wire                          |
/// | `P::shared_secret`          | `secret<N, T>`          | N = shared_secret_size               |
/// | `P::key_pair`               | `{priv, pub}`           | an aggregate: a private key and its  |
/// |                             |                         | public key                           |
/// | `P::generate(r)`            | `P::key_pair`           | a fresh pair from the random source  |
/// |                             |                         | `r`                                  |
/// | `P::public_from_private(k)` | `P::public_key`         | deterministic                        |
/// | `P::agree(k, pub)`          | `result<shared_secret>` | the DH output;                       |
/// |                             |                         | `crypto_error::invalid_key` for a    |
/// |                             |                         | peer key that would give a weak      |
/// |                             |                         | (all-zero) secret                    |
template <class P>
concept diffie_hellman = std::same_as<typename P::dh_concept, dh_tag> &&
    std::same_as<typename P::private_key,
                 secret<P::private_key_size, typename P::private_key::tag_type>> &&
    std::same_as<typename P::public_key, byte_array<P::public_key_size>> &&
    std::same_as<typename P::shared_secret,
                 secret<P::shared_secret_size, typename P::shared_secret::tag_type>> &&
    requires(testing::deterministic_random& r, const typename P::private_key& k,
             const typename P::public_key& pub, typename P::key_pair kp) {
    { P::generate(r) } -> std::same_as<typename P::key_pair>;
    { kp.priv } -> std::same_as<typename P::private_key&>;
    { kp.pub } -> std::same_as<typename P::public_key&>;
    { P::public_from_private(k) } -> std::same_as<typename P::public_key>;
    { P::agree(k, pub) } -> std::same_as<result<typename P::shared_secret>>;
};

} // namespace e2ekit::crypto

#endif
