// The hash policies over OpenSSL 3.0 libcrypto (SHA-256, SHA-512,
// RIPEMD-160) and their two back ends, both running libcrypto's SHA-NI /
// AVX2 assembly on x86-64:
//
// - `lowlevel_sha2_state`: the SHA256_CTX / SHA512_CTX block functions.
//   A state is a plain struct, so forking it (what HMAC does twice per
//   tag) is a 112- or 216-byte copy, and a call costs no provider dispatch.
//   Measured on the project's bench machine: HMAC-SHA-256 of 32 bytes
//   151 ns this way against 298 ns with EVP_MD_CTX copies (each copy of a
//   provider context is a free plus a malloc), 392 ns with a re-initialised
//   EVP_MAC_CTX and 1.8 us with libsodium 1.0.18 (no SHA-NI).
//   OpenSSL 3.0 deprecates these functions (they still ship and are what
//   the EVP provider calls internally), so their use is fenced by a
//   diagnostic pragma, and a libcrypto built without 3.0-deprecated API
//   falls back to the EVP state below.
// - `md_state`: an EVP_MD_CTX over the EVP_MD fetched once per process;
//   its one-shot hash uses a context kept per thread, because an
//   EVP_MD_CTX per call would be a malloc and a free.
#ifndef E2EKIT_CRYPTO_DETAIL_EVP_DIGEST_HPP
#define E2EKIT_CRYPTO_DETAIL_EVP_DIGEST_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/crypto/concepts/hash.hpp>
#include <e2ekit/crypto/detail/evp_common.hpp>

#include <openssl/evp.h>
#include <openssl/opensslconf.h>
#include <openssl/sha.h>

#include <cstddef>

#if !defined(OPENSSL_NO_DEPRECATED_3_0) && !defined(E2EKIT_SHA2_EVP_ONLY)
#define E2EKIT_HAVE_LOWLEVEL_SHA2 1
#endif

namespace e2ekit::crypto::detail::evp {

#if defined(E2EKIT_HAVE_LOWLEVEL_SHA2)
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif
struct sha256_lowlevel {
    using ctx = SHA256_CTX;
    static void init(ctx* c) noexcept { SHA256_Init(c); }
    static void update(ctx* c, const byte* p, std::size_t n) noexcept { SHA256_Update(c, p, n); }
    static void final(byte* out, ctx* c) noexcept { SHA256_Final(out, c); }
};
struct sha512_lowlevel {
    using ctx = SHA512_CTX;
    static void init(ctx* c) noexcept { SHA512_Init(c); }
    static void update(ctx* c, const byte* p, std::size_t n) noexcept { SHA512_Update(c, p, n); }
    static void final(byte* out, ctx* c) noexcept { SHA512_Final(out, c); }
};
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
#endif

/// What each digest tells the back ends: its OpenSSL 3.0 canonical name
/// (for fetched<>() and for PBKDF2's digest parameter), its sizes, and for
/// SHA-2 the low-level functions.
struct sha256_digest {
    using openssl_type = EVP_MD;
    static constexpr const char* openssl_name = "SHA2-256";
    static constexpr std::size_t digest_size = 32;
    static constexpr std::size_t block_size = 64;
#if defined(E2EKIT_HAVE_LOWLEVEL_SHA2)
    using lowlevel = sha256_lowlevel;
#endif
};
struct sha512_digest {
    using openssl_type = EVP_MD;
    static constexpr const char* openssl_name = "SHA2-512";
    static constexpr std::size_t digest_size = 64;
    static constexpr std::size_t block_size = 128;
#if defined(E2EKIT_HAVE_LOWLEVEL_SHA2)
    using lowlevel = sha512_lowlevel;
#endif
};
struct ripemd160_digest {
    using openssl_type = EVP_MD;
    static constexpr const char* openssl_name = "RIPEMD160";
    static constexpr std::size_t digest_size = 20;
    static constexpr std::size_t block_size = 64;
};

/// This thread's EVP_MD_CTX for digest `D` (one per digest: re-initialising
/// a context with another EVP_MD frees and allocates the provider state).
template <class D>
EVP_MD_CTX* thread_md_ctx() {
    thread_local const md_ctx_ptr c = new_md_ctx();
    return c.get();
}

inline void md_update(EVP_MD_CTX* c, bytes_view d) {
    if (!d.empty()) check(EVP_DigestUpdate(c, d.data(), d.size()), "EVP_DigestUpdate");
}

/// out = D(parts[0] ‖ parts[1] ‖ ...): one init, the updates and one final
/// on this thread's context. Every call starts with an init, so a throwing
/// update (an environment failure) cannot leave stale input for the next.
/// `out` may overlap the parts: it is written after they are read.
template <class D, bytes_like... Parts>
void digest(mutable_fixed_view<D::digest_size> out, const Parts&... parts) {
    EVP_MD_CTX* c = thread_md_ctx<D>();
    check(EVP_DigestInit_ex2(c, fetched<D>(), nullptr), "EVP_DigestInit_ex2");
    (md_update(c, bytes_view(parts)), ...);
    check(EVP_DigestFinal_ex(c, out.data(), nullptr), "EVP_DigestFinal_ex");
}

/// An incremental hash over an EVP_MD_CTX. Copying forks the stream
/// (EVP_MD_CTX_copy_ex); a moved-from state may be assigned, reset or
/// destroyed.
template <class D>
class md_state {
public:
    md_state() : ctx_(new_md_ctx()) { reset(); }
    md_state(const md_state& o) : ctx_(new_md_ctx()) { copy_from(o); }
    md_state& operator=(const md_state& o) {
        if (this != &o) {
            if (!ctx_) ctx_ = new_md_ctx();
            copy_from(o);
        }
        return *this;
    }
    md_state(md_state&&) noexcept = default;
    md_state& operator=(md_state&&) noexcept = default;
    ~md_state() = default; // EVP_MD_CTX_free cleanses the provider's state

    void update(bytes_view d) { md_update(ctx_.get(), d); }
    void final(mutable_fixed_view<D::digest_size> out) {
        check(EVP_DigestFinal_ex(ctx_.get(), out.data(), nullptr), "EVP_DigestFinal_ex");
        reset();
    }
    void reset() {
        if (!ctx_) ctx_ = new_md_ctx(); // after a move
        check(EVP_DigestInit_ex2(ctx_.get(), fetched<D>(), nullptr), "EVP_DigestInit_ex2");
    }

    template <bytes_like... Parts>
    static void hash(mutable_fixed_view<D::digest_size> out, const Parts&... parts) {
        digest<D>(out, parts...);
    }

private:
    void copy_from(const md_state& o) {
        check(EVP_MD_CTX_copy_ex(ctx_.get(), o.ctx_.get()), "EVP_MD_CTX_copy_ex");
    }
    md_ctx_ptr ctx_;
};

#if defined(E2EKIT_HAVE_LOWLEVEL_SHA2)
/// An incremental SHA-2 in a plain struct: copies are memberwise, nothing
/// allocates, nothing fails. Wiped when destroyed (HMAC keeps keyed states).
template <class D>
class lowlevel_sha2_state {
public:
    lowlevel_sha2_state() noexcept { reset(); }
    lowlevel_sha2_state(const lowlevel_sha2_state&) noexcept = default;
    lowlevel_sha2_state& operator=(const lowlevel_sha2_state&) noexcept = default;
    ~lowlevel_sha2_state() { ct::wipe(&c_, sizeof c_); }

    void update(bytes_view d) noexcept { D::lowlevel::update(&c_, d.data(), d.size()); }
    void final(mutable_fixed_view<D::digest_size> out) noexcept {
        D::lowlevel::final(out.data(), &c_);
        reset();
    }
    void reset() noexcept { D::lowlevel::init(&c_); }

    /// A state on the stack costs nothing to set up.
    template <bytes_like... Parts>
    static void hash(mutable_fixed_view<D::digest_size> out, const Parts&... parts) noexcept {
        lowlevel_sha2_state s;
        (s.update(bytes_view(parts)), ...);
        s.final(out);
    }

private:
    typename D::lowlevel::ctx c_;
};

template <class D>
using default_sha2_state = lowlevel_sha2_state<D>;
#else
template <class D>
using default_sha2_state = md_state<D>;
#endif

/// A `hash_function` policy: digest `D` computed by back end `State`
/// (md_state or lowlevel_sha2_state).
template <class D, template <class> class State>
struct hash_policy {
    using hash_concept = hash_tag;
    using description = D;
    static constexpr std::size_t digest_size = D::digest_size;
    static constexpr std::size_t block_size = D::block_size;
    using digest = byte_array<digest_size>;
    /// Incremental hashing; a copy forks the stream.
    using state = State<D>;

    /// out = H(parts[0] ‖ parts[1] ‖ ...), without concatenating them.
    /// `out` may overlap the parts.
    template <bytes_like... Parts>
    static void hash(mutable_fixed_view<digest_size> out, const Parts&... parts) {
        state::hash(out, parts...);
    }

    template <bytes_like... Parts>
    static digest digest_of(const Parts&... parts) {
        digest d;
        hash(d, parts...);
        return d;
    }
};

} // namespace e2ekit::crypto::detail::evp

#endif
