// RIPEMD-160 (Dobbertin, Bosselaers, Preneel 1996), for DIMP and Bitcoin
// addresses: RIPEMD160(SHA256(key)). OpenSSL 3.0.7 and later ship it in
// the default provider again; on older 3.0 builds the legacy provider is
// loaded for it (detail::evp::fetch). Incremental hashing and one-shot
// hashing go through EVP exactly as `sha256_evp` does.
#ifndef E2EKIT_CRYPTO_RIPEMD160_HPP
#define E2EKIT_CRYPTO_RIPEMD160_HPP

#include <e2ekit/crypto/concepts/hash.hpp>
#include <e2ekit/crypto/detail/evp_digest.hpp>

namespace e2ekit::crypto {

using ripemd160 = detail::evp::hash_policy<detail::evp::ripemd160_digest, detail::evp::md_state>;

static_assert(hash_function<ripemd160>);
static_assert(ripemd160::digest_size == 20 && ripemd160::block_size == 64);

} // namespace e2ekit::crypto

#endif
