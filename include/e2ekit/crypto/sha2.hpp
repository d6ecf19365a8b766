// SHA-256 and SHA-512 (FIPS 180-4) over OpenSSL 3.0 libcrypto, which runs
// SHA-NI where the CPU has it; libsodium 1.0.18 has no SHA-NI code and is
// several times slower. `sha256` / `sha512` use the fastest back end this
// libcrypto offers (see detail/evp_digest.hpp for the measurements);
// `sha256_evp` / `sha512_evp` always go through EVP.
#ifndef E2EKIT_CRYPTO_SHA2_HPP
#define E2EKIT_CRYPTO_SHA2_HPP

#include <e2ekit/crypto/concepts/hash.hpp>
#include <e2ekit/crypto/detail/evp_digest.hpp>

namespace e2ekit::crypto {

/// A SHA-2 variant `D` (detail::evp::sha256_digest...) over the back end
/// `State`.
template <class D, template <class> class State>
using basic_sha2 = detail::evp::hash_policy<D, State>;

using sha256 = basic_sha2<detail::evp::sha256_digest, detail::evp::default_sha2_state>;
using sha512 = basic_sha2<detail::evp::sha512_digest, detail::evp::default_sha2_state>;
using sha256_evp = basic_sha2<detail::evp::sha256_digest, detail::evp::md_state>;
using sha512_evp = basic_sha2<detail::evp::sha512_digest, detail::evp::md_state>;

static_assert(hash_function<sha256>);
static_assert(hash_function<sha512>);
static_assert(hash_function<sha256_evp>);
static_assert(hash_function<sha512_evp>);

} // namespace e2ekit::crypto

#endif
