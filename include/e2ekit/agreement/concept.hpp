// What X3DH params must give `x3dh<P>` (Signal, "The X3DH Key Agreement
// Protocol", rev. 1, 2016). A params struct opts in with
// `using x3dh_concept = x3dh_tag;`.
//
// `ik`, `spk` are `const P::dh::public_key&`, `k` a `const
// P::dh::private_key&`, `sig` a `bytes_view`, `r` a random source.
//
// | expression                         | type                     | semantics                   |
// |------------------------------------|--------------------------|-----------------------------|
// | `P::x3dh_concept`                  | `x3dh_tag`               | opts in                     |
// | `P::dh`                            | `crypto::diffie_hellman` | identity, pre-keys, base key|
// | `P::kdf`                           | `crypto::key_derivation` | KDF (§2.2)                  |
// | `P::kdf_prefix`                    | `bytes_view`-convertible | F, before the DH outputs    |
// |                                    | constant                 | (§2.2; empty for none)      |
// | `P::kdf_salt`                      | as `kdf_prefix`          | HKDF salt (§2.2: HashLen    |
// |                                    |                          | zero bytes)                 |
// | `P::kdf_info`                      | `std::string_view`       | HKDF info (§2.1)            |
// | `P::signature`                     | `byte_array<N>`          | a signed pre-key signature  |
// | `P::sign_prekey(k, spk, r)`        | `P::signature`           | Sig(IK, Encode(SPK)) (§3.2) |
// | `P::verify_prekey(ik, spk, sig)`   | `result<void>`           | its check; failure is       |
// |                                    |                          | `agreement_error::          |
// |                                    |                          | bad_signature`              |
//
// The agreement yields 64 bytes: a root key and a chain key (§3.3 SK, as
// Signal and OMEMO expand it for the Double Ratchet).
#ifndef E2EKIT_AGREEMENT_CONCEPT_HPP
#define E2EKIT_AGREEMENT_CONCEPT_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/crypto/concepts/diffie_hellman.hpp>
#include <e2ekit/crypto/concepts/kdf.hpp>

#include <concepts>
#include <string_view>

namespace e2ekit::agreement {

/// The opt-in tag of `x3dh_params`.
struct x3dh_tag {};

template <class P>
concept x3dh_params = std::same_as<typename P::x3dh_concept, x3dh_tag> &&
                      crypto::diffie_hellman<typename P::dh> &&
                      crypto::key_derivation<typename P::kdf> &&(P::kdf::max_output_size >= 64) &&
                      requires(const typename P::dh::public_key& ik,
                               const typename P::dh::public_key& spk,
                               const typename P::dh::private_key& k, bytes_view sig,
                               testing::deterministic_random& r) {
    { P::kdf_prefix } -> std::convertible_to<bytes_view>;
    { P::kdf_salt } -> std::convertible_to<bytes_view>;
    { P::kdf_info } -> std::convertible_to<std::string_view>;
    { P::sign_prekey(k, spk, r) } -> std::same_as<typename P::signature>;
    { P::verify_prekey(ik, spk, sig) } -> std::same_as<result<void>>;
};

} // namespace e2ekit::agreement

#endif
