// What X3DH params must give `x3dh<P>` (Signal, "The X3DH Key Agreement
// Protocol", rev. 1, 2016). A params struct opts in with
// `using x3dh_concept = x3dh_tag;`.
//
// `spk` is a `const P::dh::public_key&`, `ik` a `const
// identity_key_t<P>&` (below), `k` a `const P::dh::private_key&`, `sig` a
// `bytes_view`, `r` a random source.
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
// | `typename P::identity_key`         | an object type           | optional: the identity      |
// |                                    |                          | public key as bundles and   |
// |                                    |                          | first messages carry it and |
// |                                    |                          | as it verifies the pre-key  |
// |                                    |                          | signature (§2.5 Encode(IK)) |
// | `P::identity_dh(ik)`               | `result<P::dh::          | with `identity_key` (and    |
// |                                    | public_key>`             | only then): its DH form;    |
// |                                    |                          | failure is `invalid_key`    |
//
// Identity keys. Without `identity_key` the identity key is a DH public key
// like the others and `identity_key_t<P>` is `P::dh::public_key` (Signal:
// a Curve25519 key that also verifies XEdDSA signatures). OMEMO 2 publishes
// an Ed25519 key instead, which verifies the signature as it stands and is
// mapped to Curve25519 for the DH (XEP-0384 §5.3.2; RFC 7748 §4.1's
// birational map): such params name the form and the map.
//
// The agreement yields 64 bytes: a root key and a chain key (§3.3 SK, as
// Signal expands it for the Double Ratchet). HKDF's first 32 output bytes
// do not depend on how many are asked for (RFC 5869 §2.3: T(1) is the same),
// so a protocol whose SK is 32 bytes (OMEMO 2) takes the root key as SK and
// leaves the chain key unused.
#ifndef E2EKIT_AGREEMENT_CONCEPT_HPP
#define E2EKIT_AGREEMENT_CONCEPT_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/crypto/concepts/diffie_hellman.hpp>
#include <e2ekit/crypto/concepts/kdf.hpp>

#include <concepts>
#include <string_view>
#include <type_traits>

namespace e2ekit::agreement {

/// The opt-in tag of `x3dh_params`.
struct x3dh_tag {};

namespace detail {

/// The identity key's form: the DH public key unless the params name one.
template <class P>
struct identity_form {
    using type = typename P::dh::public_key;
    static result<typename P::dh::public_key> to_dh(const type& k) { return k; }
};
template <class P>
requires requires {
    typename P::identity_key;
}
struct identity_form<P> {
    using type = typename P::identity_key;
    static result<typename P::dh::public_key> to_dh(const type& k) { return P::identity_dh(k); }
};

/// Either no identity form of its own, or one with its map to the DH form.
template <class P>
concept identity_form_ok = !requires {
    typename P::identity_key;
}
|| (std::is_object_v<typename P::identity_key> && requires(const typename P::identity_key& ik) {
    { P::identity_dh(ik) } -> std::same_as<result<typename P::dh::public_key>>;
});

} // namespace detail

/// The identity public key of params `P` as bundles carry it.
template <class P>
using identity_key_t = typename detail::identity_form<P>::type;

/// Its DH form (the identity itself without an `identity_key` form).
template <class P>
result<typename P::dh::public_key> identity_to_dh(const identity_key_t<P>& k) {
    return detail::identity_form<P>::to_dh(k);
}

template <class P>
concept x3dh_params = std::same_as<typename P::x3dh_concept, x3dh_tag> &&
                      crypto::diffie_hellman<typename P::dh> &&
                      crypto::key_derivation<typename P::kdf> &&(P::kdf::max_output_size >= 64) &&
                      detail::identity_form_ok<P>&& requires(const identity_key_t<P>& ik,
                                                             const typename P::dh::public_key& spk,
                                                             const typename P::dh::private_key& k,
                                                             bytes_view sig,
                                                             testing::deterministic_random& r) {
    { P::kdf_prefix } -> std::convertible_to<bytes_view>;
    { P::kdf_salt } -> std::convertible_to<bytes_view>;
    { P::kdf_info } -> std::convertible_to<std::string_view>;
    { P::sign_prekey(k, spk, r) } -> std::same_as<typename P::signature>;
    { P::verify_prekey(ik, spk, sig) } -> std::same_as<result<void>>;
};

} // namespace e2ekit::agreement

#endif
