// HKDF (RFC 5869) over `hmac<H>`. Written directly over the HMAC policy
// rather than OpenSSL's EVP_KDF "HKDF": the outputs protocols ask for are
// one to three blocks (Signal's 80-byte message keys), where setting up an
// EVP_KDF_CTX (parameter parsing, an HMAC context per derive) costs more
// than the hashing; bench/crypto_primitives.cpp has the numbers, and the
// Wycheproof HKDF files are the judge of correctness.
#ifndef E2EKIT_CRYPTO_HKDF_HPP
#define E2EKIT_CRYPTO_HKDF_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/crypto/concepts/hash.hpp>
#include <e2ekit/crypto/concepts/kdf.hpp>
#include <e2ekit/crypto/error.hpp>
#include <e2ekit/crypto/hmac.hpp>
#include <e2ekit/crypto/sha2.hpp>

#include <algorithm>
#include <cstddef>

namespace e2ekit::crypto {

struct hkdf_prk_tag;

template <hash_function H>
struct hkdf {
    using kdf_concept = kdf_tag;
    using mac = hmac<H>;
    static constexpr std::size_t hash_size = H::digest_size;
    /// L <= 255 * HashLen (RFC 5869 §2.3): the block counter is one octet.
    static constexpr std::size_t max_output_size = 255 * hash_size;
    using prk = secret<hash_size, hkdf_prk_tag>;

    /// PRK = HMAC-Hash(salt, IKM) (RFC 5869 §2.2). An empty salt is
    /// "HashLen zeros" without special-casing: HMAC zero-pads the key to a
    /// block either way. `out` may overlap the inputs.
    static void extract(mutable_fixed_view<hash_size> out, bytes_view salt, bytes_view ikm) {
        mac::compute(out, salt, ikm);
    }
    static prk extract(bytes_view salt, bytes_view ikm) {
        prk p;
        extract(p.mutable_view(), salt, ikm);
        return p;
    }

    /// OKM = T(1) ‖ T(2) ‖ ... truncated to out.size(), where
    /// T(i) = HMAC-Hash(PRK, T(i-1) ‖ info ‖ i) (RFC 5869 §2.3). An output
    /// over max_output_size is invalid_argument, with `out` wiped. `out`
    /// may overlap `prk` but not `info` (read again for every block).
    static result<void> expand(mutable_bytes_view out, bytes_view prk_bytes, bytes_view info) {
        if (out.size() > max_output_size) {
            ct::wipe(out);
            return crypto_error::invalid_argument;
        }
        const typename mac::keyed k(prk_bytes);
        typename mac::tag t;
        byte_array<1> counter{1};
        for (std::size_t done = 0; done < out.size(); ++counter[0]) {
            if (done == 0)
                k.compute(t, info, counter);
            else
                k.compute(t, t, info, counter);
            const std::size_t n = std::min(hash_size, out.size() - done);
            std::copy_n(t.begin(), n, out.begin() + static_cast<std::ptrdiff_t>(done));
            done += n;
        }
        ct::wipe(t);
        return {};
    }

    /// Extract then expand (RFC 5869 §2). `out` may overlap `ikm` or `salt`
    /// but not `info`.
    static result<void> derive(mutable_bytes_view out, bytes_view ikm, bytes_view salt,
                               bytes_view info) {
        if (out.size() > max_output_size) {
            ct::wipe(out);
            return crypto_error::invalid_argument;
        }
        const prk p = extract(salt, ikm);
        return expand(out, p.view(), info);
    }

    /// derive() into a tagged secret; the size is checked at compile time.
    template <std::size_t N, class Tag = void>
    requires(N <= max_output_size) static secret<N, Tag> derive(bytes_view ikm, bytes_view salt,
                                                                bytes_view info) {
        secret<N, Tag> s;
        (void)derive(s.mutable_view(), ikm, salt, info); // cannot fail: N is in range
        return s;
    }
};

using hkdf_sha256 = hkdf<sha256>;
using hkdf_sha512 = hkdf<sha512>;

static_assert(key_derivation<hkdf_sha256>);
static_assert(key_derivation<hkdf_sha512>);

} // namespace e2ekit::crypto

#endif
