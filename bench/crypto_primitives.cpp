// The crypto primitive policies beside the library call each wraps, in
// pairs named BM_<op>/e2ekit and BM_<op>/<library>, so the ratio is read
// off directly. Run: bench_crypto_primitives --benchmark_repetitions=5
// --benchmark_report_aggregates_only=true
#include <e2ekit/crypto/ed25519.hpp>
#include <e2ekit/crypto/ed25519_verifier.hpp>
#include <e2ekit/crypto/hkdf.hpp>
#include <e2ekit/crypto/hmac.hpp>
#include <e2ekit/crypto/sha2.hpp>
#include <e2ekit/crypto/x25519.hpp>
#include <e2ekit/crypto/xeddsa.hpp>

#include <benchmark/benchmark.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <sodium.h>

extern "C" int ed25519_verify(const std::uint8_t* sig, const std::uint8_t* ed25519_pub,
                              const std::uint8_t* msg, std::uint32_t msg_size);

using namespace e2ekit;
using namespace e2ekit::crypto;

namespace {

testing::deterministic_random& rng() {
    static testing::deterministic_random r(2024);
    return r;
}

// ---- X25519 ---------------------------------------------------------------

void x25519_e2ekit(benchmark::State& st) {
    auto a = x25519::generate(rng());
    auto b = x25519::generate(rng());
    for (auto _ : st) {
        auto s = x25519::agree(a.priv, b.pub);
        benchmark::DoNotOptimize(s);
    }
}
void x25519_libsodium(benchmark::State& st) {
    auto a = x25519::generate(rng());
    auto b = x25519::generate(rng());
    byte_array<32> s;
    for (auto _ : st) {
        benchmark::DoNotOptimize(crypto_scalarmult(s.data(), a.priv.data(), b.pub.data()));
        benchmark::ClobberMemory();
    }
}

// ---- Ed25519 --------------------------------------------------------------

const bytes& message() {
    static const bytes m = [] {
        bytes b(100);
        rng().fill(b);
        return b;
    }();
    return m;
}

void ed25519_sign_e2ekit(benchmark::State& st) {
    auto kp = ed25519::generate(rng());
    for (auto _ : st)
        benchmark::DoNotOptimize(ed25519::sign(kp.priv, message()));
}
void ed25519_sign_libsodium(benchmark::State& st) {
    auto kp = ed25519::generate(rng());
    byte_array<64> sig;
    for (auto _ : st) {
        crypto_sign_detached(sig.data(), nullptr, message().data(), message().size(),
                             kp.priv.data());
        benchmark::ClobberMemory();
    }
}
void ed25519_verify_e2ekit(benchmark::State& st) {
    auto kp = ed25519::generate(rng());
    auto sig = ed25519::sign(kp.priv, message());
    for (auto _ : st)
        benchmark::DoNotOptimize(ed25519::verify(kp.pub, message(), sig));
}
// A key prepared once (ed25519_verifier.hpp), as a sender key or a Megolm
// session holds it: its comb table is built on the second use.
void ed25519_verify_prepared(benchmark::State& st) {
    auto kp = ed25519::generate(rng());
    auto sig = ed25519::sign(kp.priv, message());
    const auto v = ed25519_verifier::prepare(kp.pub).value();
    (void)v.verify(message(), sig);
    for (auto _ : st)
        benchmark::DoNotOptimize(v.verify(message(), sig));
}
void ed25519_verify_libsodium(benchmark::State& st) {
    auto kp = ed25519::generate(rng());
    auto sig = ed25519::sign(kp.priv, message());
    for (auto _ : st)
        benchmark::DoNotOptimize(crypto_sign_verify_detached(sig.data(), message().data(),
                                                             message().size(), kp.pub.data()));
}

// ---- XEdDSA ---------------------------------------------------------------

void xeddsa_sign_e2ekit(benchmark::State& st) {
    auto kp = xeddsa::generate(rng());
    for (auto _ : st)
        benchmark::DoNotOptimize(xeddsa::sign(kp.priv, message()));
}
void xeddsa_sign_libxeddsa(benchmark::State& st) {
    auto kp = xeddsa::generate(rng());
    byte_array<32> a;
    byte_array<64> z, sig;
    for (auto _ : st) {
        priv_force_sign(a.data(), kp.priv.data(), false);
        randombytes_buf(z.data(), z.size());
        ed25519_priv_sign(sig.data(), a.data(), message().data(),
                          static_cast<std::uint32_t>(message().size()), z.data());
        benchmark::ClobberMemory();
    }
}
void xeddsa_verify_e2ekit(benchmark::State& st) {
    auto kp = xeddsa::generate(rng());
    auto sig = xeddsa::sign(kp.priv, message());
    for (auto _ : st)
        benchmark::DoNotOptimize(xeddsa::verify(kp.pub, message(), sig));
}
void xeddsa_verify_libxeddsa(benchmark::State& st) {
    auto kp = xeddsa::generate(rng());
    auto sig = xeddsa::sign(kp.priv, message());
    byte_array<32> ed;
    for (auto _ : st) {
        curve25519_pub_to_ed25519_pub(ed.data(), kp.pub.data(), false);
        benchmark::DoNotOptimize(ed25519_verify(sig.data(), ed.data(), message().data(),
                                                static_cast<std::uint32_t>(message().size())));
    }
}

// ---- SHA-2 ----------------------------------------------------------------

const bytes& kib() {
    static const bytes m = [] {
        bytes b(1024);
        rng().fill(b);
        return b;
    }();
    return m;
}

template <class H>
void sha_e2ekit(benchmark::State& st) {
    typename H::digest d;
    for (auto _ : st) {
        H::hash(d, kib());
        benchmark::ClobberMemory();
    }
    st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * kib().size()));
}
template <const char* Name>
void sha_openssl(benchmark::State& st) {
    static const EVP_MD* md = EVP_MD_fetch(nullptr, Name, nullptr); // fetched once, as advised
    byte_array<64> d;
    unsigned n = 0;
    for (auto _ : st) {
        EVP_Digest(kib().data(), kib().size(), d.data(), &n, md, nullptr);
        benchmark::ClobberMemory();
    }
    st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * kib().size()));
}
void sha256_libsodium(benchmark::State& st) {
    byte_array<32> d;
    for (auto _ : st) {
        crypto_hash_sha256(d.data(), kib().data(), kib().size());
        benchmark::ClobberMemory();
    }
    st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * kib().size()));
}
constexpr char sha256_name[] = "SHA2-256";
constexpr char sha512_name[] = "SHA2-512";

// ---- HMAC-SHA-256, 32-byte key and message (a chain-key step) -------------

template <class M>
void hmac_e2ekit(benchmark::State& st) {
    byte_array<32> key, msg;
    rng().fill(key);
    rng().fill(msg);
    typename M::tag t;
    for (auto _ : st) {
        M::compute(t, key, msg);
        benchmark::ClobberMemory();
    }
}
void hmac_e2ekit_keyed(benchmark::State& st) {
    byte_array<32> key, msg;
    rng().fill(key);
    rng().fill(msg);
    const hmac_sha256::keyed k(key);
    hmac_sha256::tag t;
    for (auto _ : st) {
        k.compute(t, msg);
        benchmark::ClobberMemory();
    }
}
void hmac_openssl_evp_mac(benchmark::State& st) {
    // The usual EVP_MAC pattern: fetched once, a context per MAC.
    static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    byte_array<32> key, msg, t;
    rng().fill(key);
    rng().fill(msg);
    char digest[] = "SHA2-256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_END};
    for (auto _ : st) {
        EVP_MAC_CTX* c = EVP_MAC_CTX_new(mac);
        std::size_t n = 0;
        EVP_MAC_init(c, key.data(), key.size(), params);
        EVP_MAC_update(c, msg.data(), msg.size());
        EVP_MAC_final(c, t.data(), &n, t.size());
        EVP_MAC_CTX_free(c);
        benchmark::ClobberMemory();
    }
}
void hmac_openssl_evp_mac_reused(benchmark::State& st) {
    // The fastest EVP_MAC use we found: one context, re-keyed per MAC.
    static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    byte_array<32> key, msg, t;
    rng().fill(key);
    rng().fill(msg);
    char digest[] = "SHA2-256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_END};
    EVP_MAC_CTX* c = EVP_MAC_CTX_new(mac);
    EVP_MAC_CTX_set_params(c, params);
    for (auto _ : st) {
        std::size_t n = 0;
        EVP_MAC_init(c, key.data(), key.size(), nullptr);
        EVP_MAC_update(c, msg.data(), msg.size());
        EVP_MAC_final(c, t.data(), &n, t.size());
        benchmark::ClobberMemory();
    }
    EVP_MAC_CTX_free(c);
}
void hmac_libsodium(benchmark::State& st) {
    byte_array<32> key, msg, t;
    rng().fill(key);
    rng().fill(msg);
    for (auto _ : st) {
        crypto_auth_hmacsha256(t.data(), msg.data(), msg.size(), key.data());
        benchmark::ClobberMemory();
    }
}

// ---- HKDF-SHA-256, 80 bytes (Signal's message keys) -----------------------

void hkdf_e2ekit(benchmark::State& st) {
    byte_array<32> ikm;
    rng().fill(ikm);
    const auto info = as_bytes("WhisperMessageKeys");
    byte_array<80> out;
    for (auto _ : st) {
        benchmark::DoNotOptimize(hkdf_sha256::derive(out, ikm, {}, info));
        benchmark::ClobberMemory();
    }
}
void hkdf_openssl_evp_kdf(benchmark::State& st) {
    static EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
    byte_array<32> ikm;
    rng().fill(ikm);
    char digest[] = "SHA2-256";
    char info[] = "WhisperMessageKeys";
    byte_array<80> out;
    EVP_KDF_CTX* c = EVP_KDF_CTX_new(kdf);
    for (auto _ : st) {
        const OSSL_PARAM params[] = {
            OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, ikm.data(), ikm.size()),
            OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, sizeof info - 1),
            OSSL_PARAM_END};
        benchmark::DoNotOptimize(EVP_KDF_derive(c, out.data(), out.size(), params));
        benchmark::ClobberMemory();
    }
    EVP_KDF_CTX_free(c);
}

} // namespace

BENCHMARK(x25519_e2ekit)->Name("BM_x25519_agree/e2ekit");
BENCHMARK(x25519_libsodium)->Name("BM_x25519_agree/libsodium");
BENCHMARK(ed25519_sign_e2ekit)->Name("BM_ed25519_sign_100B/e2ekit");
BENCHMARK(ed25519_sign_libsodium)->Name("BM_ed25519_sign_100B/libsodium");
BENCHMARK(ed25519_verify_e2ekit)->Name("BM_ed25519_verify_100B/e2ekit");
BENCHMARK(ed25519_verify_prepared)->Name("BM_ed25519_verify_100B/e2ekit_prepared");
BENCHMARK(ed25519_verify_libsodium)->Name("BM_ed25519_verify_100B/libsodium");
BENCHMARK(xeddsa_sign_e2ekit)->Name("BM_xeddsa_sign_100B/e2ekit");
BENCHMARK(xeddsa_sign_libxeddsa)->Name("BM_xeddsa_sign_100B/libxeddsa");
BENCHMARK(xeddsa_verify_e2ekit)->Name("BM_xeddsa_verify_100B/e2ekit");
BENCHMARK(xeddsa_verify_libxeddsa)->Name("BM_xeddsa_verify_100B/libxeddsa");
BENCHMARK(sha_e2ekit<sha256>)->Name("BM_sha256_1KiB/e2ekit");
BENCHMARK(sha_e2ekit<sha256_evp>)->Name("BM_sha256_1KiB/e2ekit_evp_backend");
BENCHMARK(sha_openssl<sha256_name>)->Name("BM_sha256_1KiB/openssl_EVP_Digest");
BENCHMARK(sha256_libsodium)->Name("BM_sha256_1KiB/libsodium");
BENCHMARK(sha_e2ekit<sha512>)->Name("BM_sha512_1KiB/e2ekit");
BENCHMARK(sha_e2ekit<sha512_evp>)->Name("BM_sha512_1KiB/e2ekit_evp_backend");
BENCHMARK(sha_openssl<sha512_name>)->Name("BM_sha512_1KiB/openssl_EVP_Digest");
BENCHMARK(hmac_e2ekit<hmac_sha256>)->Name("BM_hmac_sha256_32B/e2ekit");
BENCHMARK(hmac_e2ekit_keyed)->Name("BM_hmac_sha256_32B/e2ekit_keyed");
BENCHMARK(hmac_e2ekit<hmac<sha256_evp>>)->Name("BM_hmac_sha256_32B/e2ekit_evp_backend");
BENCHMARK(hmac_openssl_evp_mac)->Name("BM_hmac_sha256_32B/openssl_EVP_MAC");
BENCHMARK(hmac_openssl_evp_mac_reused)->Name("BM_hmac_sha256_32B/openssl_EVP_MAC_reused_ctx");
BENCHMARK(hmac_libsodium)->Name("BM_hmac_sha256_32B/libsodium");
BENCHMARK(hkdf_e2ekit)->Name("BM_hkdf_sha256_80B/e2ekit");
BENCHMARK(hkdf_openssl_evp_kdf)->Name("BM_hkdf_sha256_80B/openssl_EVP_KDF");
