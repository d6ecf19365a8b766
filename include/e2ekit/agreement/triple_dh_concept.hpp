// What triple-DH params must give `triple_dh<P>` (triple_dh.hpp): Olm's
// key agreement (libolm docs/olm.md "Initial setup"), three DHs between
// identity keys, the initiator's base key and the responder's one-time
// key. A params struct opts in with `using triple_dh_concept = triple_dh_tag;`.
//
// | expression            | type                       | semantics                           |
// |-----------------------|----------------------------|-------------------------------------|
// | `P::triple_dh_concept`| `triple_dh_tag`            | opts in                             |
// | `P::dh`               | `crypto::diffie_hellman`   | identity, one-time and base keys    |
// | `P::kdf`              | `crypto::key_derivation`   | turns the three DH outputs into the |
// |                       | (`max_output_size >= 64`)  | root and chain key                  |
// | `P::kdf_salt`         | `bytes_view`-convertible   | HKDF salt (Olm: empty)              |
// |                       | constant                   |                                     |
// | `P::kdf_info`         | `std::string_view`         | HKDF info (Olm: "OLM_ROOT")         |
#ifndef E2EKIT_AGREEMENT_TRIPLE_DH_CONCEPT_HPP
#define E2EKIT_AGREEMENT_TRIPLE_DH_CONCEPT_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/crypto/concepts/diffie_hellman.hpp>
#include <e2ekit/crypto/concepts/kdf.hpp>

#include <concepts>
#include <string_view>

namespace e2ekit::agreement {

/// The opt-in tag of `triple_dh_params`.
struct triple_dh_tag {};

template <class P>
concept triple_dh_params = std::same_as<typename P::triple_dh_concept, triple_dh_tag> &&
                           crypto::diffie_hellman<typename P::dh> &&
                           crypto::key_derivation<typename P::kdf> &&
                           (P::kdf::max_output_size >= 64) &&
                           requires {
    { P::kdf_salt } -> std::convertible_to<bytes_view>;
    { P::kdf_info } -> std::convertible_to<std::string_view>;
};

} // namespace e2ekit::agreement

#endif
