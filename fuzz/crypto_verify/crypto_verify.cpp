// Fuzzes every verify / open path of the crypto layer on attacker-chosen
// bytes: HMAC-SHA-256 (one-shot, keyed, EVP back end), Ed25519, XEdDSA and
// its Signal-legacy form, AES-GCM (combined, detached, any IV length),
// AES-CBC (PKCS#7), ECDSA secp256k1 (both high-S policies), RSA PKCS#1 v1.5
// signatures and decryption under one fixed 1024-bit key. Ed25519 also
// goes through a prepared key (ed25519_verifier.hpp), whose verdicts must
// be libsodium's.
//
// Input: one byte choosing the path (mod 8), then up to five fields, each a
// length byte and that many bytes (cut short at the end of the input).
// fuzz/crypto_verify/make_corpus.py writes seeds in this form.
//
// Every rejection must be the typed crypto_error (authentication_failed,
// or invalid_argument / invalid_key where the path says so) and leave no
// error on OpenSSL's queue. An acceptance must be explained: the tag or
// signature equals the one e2ekit computes itself (MACs, AEADs, RSA
// signatures are unique), or an independent verifier (OpenSSL's Ed25519
// and ECDSA, OpenSSL's padded CBC and raw RSA with a PKCS#1 parse written
// here) accepts it too. Each path also signs / seals with a key taken from
// the input, checks that the genuine output verifies, and that the output
// with the delta field XORed in is refused unless the delta changed nothing.
#include <e2ekit/crypto/aes_cbc.hpp>
#include <e2ekit/crypto/aes_gcm.hpp>
#include <e2ekit/crypto/ed25519.hpp>
#include <e2ekit/crypto/ed25519_verifier.hpp>
#include <e2ekit/crypto/hmac.hpp>
#include <e2ekit/crypto/rsa.hpp>
#include <e2ekit/crypto/secp256k1.hpp>
#include <e2ekit/crypto/xeddsa.hpp>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <secp256k1.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

using namespace e2ekit;
using namespace e2ekit::crypto;

namespace {

void require(bool ok) {
    if (!ok) std::abort();
}

/// true when accepted; a rejection must carry exactly `why`.
template <class R>
bool verdict(const R& r, crypto_error why = crypto_error::authentication_failed) {
    if (r) return true;
    require(r.error() == why);
    return false;
}

void queue_empty() {
    require(ERR_peek_error() == 0);
}

struct input {
    unsigned path = 0;
    bytes_view f[5];
};

input split(const std::uint8_t* data, std::size_t size) {
    input in;
    if (size == 0) return in;
    in.path = data[0];
    std::size_t at = 1;
    for (auto& f : in.f) {
        if (at >= size) break;
        const std::size_t n = std::min<std::size_t>(data[at], size - at - 1);
        f = bytes_view(data + at + 1, n);
        at += 1 + n;
    }
    return in;
}

/// The field's first N bytes, zero-padded.
template <std::size_t N>
byte_array<N> fixed(bytes_view b) {
    byte_array<N> a{};
    std::copy_n(b.begin(), std::min(N, b.size()), a.begin());
    return a;
}

/// `good` with `delta` XORed in from offset delta[0] (wrapping around).
bytes tampered(bytes_view good, bytes_view delta) {
    bytes t = to_bytes(good);
    if (t.empty() || delta.size() < 2) return t;
    const std::size_t at = delta[0] % t.size();
    for (std::size_t i = 1; i < delta.size(); ++i)
        t[(at + i - 1) % t.size()] ^= delta[i];
    return t;
}

const byte empty_byte = 0;
const byte* nonnull(bytes_view b) {
    return b.empty() ? &empty_byte : b.data();
}

// --- independent verifiers (OpenSSL), consulted when e2ekit accepts -------

bool openssl_verify(EVP_PKEY* k, const char* md, bytes_view msg, bytes_view sig) {
    EVP_MD_CTX* c = EVP_MD_CTX_new();
    require(c != nullptr);
    const bool ok = EVP_DigestVerifyInit_ex(c, nullptr, md, nullptr, nullptr, k, nullptr) == 1 &&
                    EVP_DigestVerify(c, nonnull(sig), sig.size(), nonnull(msg), msg.size()) == 1;
    EVP_MD_CTX_free(c);
    ERR_clear_error();
    return ok;
}

bool openssl_ed25519_verify(fixed_view<32> pub, bytes_view msg, bytes_view sig) {
    EVP_PKEY* k = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, pub.data(), 32);
    if (!k) {
        ERR_clear_error();
        return false;
    }
    const bool ok = openssl_verify(k, nullptr, msg, sig);
    EVP_PKEY_free(k);
    return ok;
}

bool openssl_ecdsa_verify(const secp256k1_public_key& pub, bytes_view msg, bytes_view der) {
    const bytes spki = pub.to_der();
    const unsigned char* p = spki.data();
    EVP_PKEY* k = d2i_PUBKEY(nullptr, &p, static_cast<long>(spki.size()));
    require(k != nullptr);
    const bool ok = openssl_verify(k, "SHA256", msg, der);
    EVP_PKEY_free(k);
    return ok;
}

/// OpenSSL's own padded CBC decryption (its PKCS#7 check branches, which
/// is fine for a reference).
template <std::size_t Bits>
bool openssl_cbc_decrypt(bytes& out, fixed_view<Bits / 8> key, fixed_view<16> iv, bytes_view ct) {
    const EVP_CIPHER* cipher = Bits == 128 ? EVP_aes_128_cbc() : EVP_aes_256_cbc();
    EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
    require(c != nullptr);
    out.assign(ct.size() + 16, 0);
    int n1 = 0, n2 = 0;
    const bool ok =
        EVP_DecryptInit_ex2(c, cipher, key.data(), iv.data(), nullptr) == 1 &&
        EVP_DecryptUpdate(c, out.data(), &n1, nonnull(ct), static_cast<int>(ct.size())) == 1 &&
        EVP_DecryptFinal_ex(c, out.data() + n1, &n2) == 1;
    EVP_CIPHER_CTX_free(c);
    ERR_clear_error();
    out.resize(ok ? static_cast<std::size_t>(n1 + n2) : 0);
    return ok;
}

// --- paths ----------------------------------------------------------------

// f0 key, f1 message, f2 tag, f4 delta.
void hmac_path(const input& in) {
    using H = hmac<sha256>;
    const bytes_view key = in.f[0], msg = in.f[1], tag = in.f[2];
    const H::tag full = H::tag_of(key, msg);
    require(hmac<sha256_evp>::tag_of(key, msg) == full);
    require(H::keyed(key).tag_of(msg) == full);
    // Accepted exactly when the tag is the full tag or a prefix of it of at
    // least min_tag_size bytes (RFC 2104 §5 truncation).
    const bool genuine = tag.size() >= H::min_tag_size && tag.size() <= H::tag_size &&
                         equal_public(bytes_view(full).first(tag.size()), tag);
    require(verdict(H::verify(key, tag, msg)) == genuine);
    require(verdict(H::keyed(key).verify(tag, msg)) == genuine);
    require(verdict(hmac<sha256_evp>::verify(key, tag, msg)) == genuine);
    require(verdict(hmac<sha256_evp>::keyed(key).verify(tag, msg)) == genuine);
    const bytes forged = tampered(full, in.f[4]);
    require(verdict(H::verify(key, forged, msg)) == equal_public(forged, full));
}

// f0 public key, f1 message, f2 signature, f3 seed of our own key, f4 delta.
void ed25519_path(const input& in) {
    const bytes_view msg = in.f[1], sig = in.f[2];
    const auto pub = fixed<32>(in.f[0]);
    const bool accepted = verdict(ed25519::verify(pub, msg, sig));
    if (accepted) require(openssl_ed25519_verify(pub, msg, sig));
    // The prepared key (libsodium on first use, its comb table after) says
    // the same; a key it refuses to prepare fails under libsodium too.
    if (auto v = ed25519_verifier::prepare(pub)) {
        require(verdict(v->verify(msg, sig)) == accepted);
        require(verdict(v->verify(msg, sig)) == accepted);
        auto neg = pub;
        neg[31] ^= 0x80;
        require(verdict(v->verify_negated(msg, sig)) == verdict(ed25519::verify(neg, msg, sig)));
    } else {
        require(!accepted);
    }

    const ed25519::seed seed{fixed<32>(in.f[3])};
    const auto kp = ed25519::from_seed(seed);
    const auto good = ed25519::sign(kp.priv, msg);
    require(verdict(ed25519::verify(kp.pub, msg, good)));
    const bytes forged = tampered(good, in.f[4]);
    require(verdict(ed25519::verify(kp.pub, msg, forged)) == equal_public(forged, good));
    const auto prepared = ed25519_verifier::prepare(kp.pub).value();
    require(verdict(prepared.verify(msg, good)));
    require(verdict(prepared.verify(msg, forged)) == equal_public(forged, good));
}

// f0 u-coordinate, f1 message, f2 signature, f3 our own private key (and
// nonce seed), f4 delta.
void xeddsa_path(const input& in) {
    const bytes_view msg = in.f[1], sig = in.f[2];
    const auto u = fixed<32>(in.f[0]);
    const bool strict = verdict(xeddsa::verify(u, msg, sig));
    const bool legacy = verdict(xeddsa::verify_signal_legacy(u, msg, sig));
    // The legacy form only adds signatures with bit 7 of byte 63 set.
    if (strict) require(legacy);
    if (sig.size() == 64 && !(sig[63] & 0x80)) require(strict == legacy);
    if (strict) require(openssl_ed25519_verify(xeddsa::ed25519_from_curve25519(u), msg, sig));
    if (legacy && !strict) {
        byte_array<64> s = fixed<64>(sig);
        s[63] &= 0x7f;
        require(openssl_ed25519_verify(xeddsa::ed25519_from_curve25519(u, true), msg, s));
    }

    xeddsa::signing_key k{fixed<32>(in.f[3])};
    x25519::clamp(k.mutable_view());
    const auto pub = xeddsa::public_from_private(k);
    testing::deterministic_random rng(load_be<std::uint64_t>(fixed<8>(in.f[3])));
    const auto good = xeddsa::sign(k, msg, rng);
    require(verdict(xeddsa::verify(pub, msg, good)));
    require(verdict(xeddsa::verify_signal_legacy(pub, msg, good)));
    const bytes forged = tampered(good, in.f[4]);
    const bool same = equal_public(forged, good);
    require(verdict(xeddsa::verify(pub, msg, forged)) == same);
    require(verdict(xeddsa::verify_signal_legacy(pub, msg, forged)) == same);

    // libsignal-protocol-c's curve25519_sign form: the unnegated scalar,
    // A's sign bit in bit 7 of byte 63 (see xeddsa.hpp).
    byte_array<64> nonce;
    rng.fill(nonce);
    byte_array<64> old;
    const byte none = 0;
    crypto::detail::ensure_xeddsa();
    ed25519_priv_sign(old.data(), k.data(), msg.empty() ? &none : msg.data(),
                      static_cast<std::uint32_t>(msg.size()), nonce.data());
    const auto a = xeddsa::ed25519_public_from_private(k);
    old[63] |= a[31] & 0x80;
    require(verdict(xeddsa::verify_signal_legacy(pub, msg, old)));
    require(verdict(xeddsa::verify(pub, msg, old)) == !(a[31] & 0x80));
}

// f0 key, f1 IV, f2 associated data, f3 ciphertext || tag (and our own
// plaintext), f4 delta.
template <std::size_t Bits>
void gcm_path(const input& in) {
    using G = hazmat::aes_gcm_any_iv<Bits>;
    using A = aes_gcm<Bits>;
    constexpr std::size_t T = G::tag_size;
    const auto key = fixed<Bits / 8>(in.f[0]);
    const bytes_view iv = in.f[1], aad = in.f[2], sealed = in.f[3];
    const bool iv_ok = !iv.empty() && iv.size() <= G::max_iv_size;

    auto r = G::open(key, iv, aad, sealed);
    const auto why = sealed.size() >= T && !iv_ok ? crypto_error::invalid_argument
                                                  : crypto_error::authentication_failed;
    if (verdict(r, why)) {
        auto again = G::seal(key, iv, aad, r->view());
        require(again && *again == to_bytes(sealed)); // the tag is the genuine one
    }
    if (sealed.size() >= T) {
        const auto ct = sealed.first(sealed.size() - T);
        const fixed_view<T> tag(sealed.data() + ct.size(), T);
        bytes out(ct.size(), 0xa5);
        auto d = G::open_detached(out, key, iv, aad, ct, tag);
        require(d.has_value() == r.has_value() && d.error() == r.error());
        if (d)
            require(equal_public(out, r->view()));
        else
            require(std::all_of(out.begin(), out.end(), [](byte b) { return b == 0; }));
        if (iv.size() == A::nonce_size) {
            const fixed_view<A::nonce_size> iv12(iv.data(), A::nonce_size);
            auto t = A::open(key, iv12, aad, sealed);
            require(t.has_value() == r.has_value() && t.error() == r.error());
        }
    }

    const auto iv12 = fixed<A::nonce_size>(in.f[1]);
    const bytes good = A::seal(key, iv12, aad, in.f[3]);
    auto back = A::open(key, iv12, aad, good);
    require(back && equal_public(back->view(), in.f[3]));
    const bytes forged = tampered(good, in.f[4]);
    require(verdict(A::open(key, iv12, aad, forged)) == equal_public(forged, good));
}

// f0 key, f1 IV, f2 ciphertext, f3 our own plaintext, f4 delta.
template <std::size_t Bits>
void cbc_path(const input& in) {
    using C = aes_cbc<Bits>;
    const auto key = fixed<Bits / 8>(in.f[0]);
    const auto iv = fixed<16>(in.f[1]);
    // Padding oracles aside, CBC is a permutation: a ciphertext decrypts
    // exactly when OpenSSL's padded decryption accepts it, to the same text,
    // and encrypting that text gives the ciphertext back.
    const auto check = [&](bytes_view ct) {
        auto r = C::decrypt(key, iv, ct);
        bytes ref;
        require(verdict(r) == openssl_cbc_decrypt<Bits>(ref, key, iv, ct));
        if (r) {
            require(equal_public(r->view(), ref));
            require(C::encrypt(key, iv, r->view()) == to_bytes(ct));
        }
    };
    check(in.f[2]);
    const bytes good = C::encrypt(key, iv, in.f[3]);
    auto back = C::decrypt(key, iv, good);
    require(back && equal_public(back->view(), in.f[3]));
    check(tampered(good, in.f[4]));
}

/// The same ECDSA signature with s replaced by n - s (SEC 1 §4.1.4: both
/// verify), DER-encoded.
bytes high_s_twin(bytes_view der) {
    static constexpr byte n[32] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                   0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
                                   0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
    const auto* ctx = crypto::detail::secp::context();
    secp256k1_ecdsa_signature sig;
    require(secp256k1_ecdsa_signature_parse_der(ctx, &sig, der.data(), der.size()) == 1);
    byte_array<64> rs;
    secp256k1_ecdsa_signature_serialize_compact(ctx, rs.data(), &sig);
    unsigned borrow = 0;
    for (int i = 31; i >= 0; --i) {
        const unsigned d = n[i] - rs[32 + i] - borrow;
        rs[32 + i] = static_cast<byte>(d);
        borrow = (d >> 8) & 1;
    }
    require(secp256k1_ecdsa_signature_parse_compact(ctx, &sig, rs.data()) == 1);
    bytes out(72);
    std::size_t len = out.size();
    require(secp256k1_ecdsa_signature_serialize_der(ctx, out.data(), &len, &sig) == 1);
    out.resize(len);
    return out;
}

// f0 public point, f1 message, f2 DER signature, f3 our own scalar, f4 delta.
void ecdsa_path(const input& in) {
    using lax = ecdsa_secp256k1_sha256;
    using strict = ecdsa_secp256k1_sha256_bitcoin;
    const bytes_view msg = in.f[1], der = in.f[2];
    if (auto pub = secp256k1_public_key::parse(in.f[0]); verdict(pub, crypto_error::invalid_key)) {
        const bool l = verdict(lax::verify(*pub, msg, der));
        const bool s = verdict(strict::verify(*pub, msg, der));
        if (s) require(l);
        if (l) require(openssl_ecdsa_verify(*pub, msg, der));
    }

    auto k = secp256k1::private_key_from(fixed<32>(in.f[3]));
    if (!verdict(k, crypto_error::invalid_key)) return;
    auto pub = secp256k1::public_key_of(*k);
    auto good = lax::sign(*k, msg);
    require(pub && good);
    require(verdict(lax::verify(*pub, msg, *good)) && verdict(strict::verify(*pub, msg, *good)));
    const bytes twin = high_s_twin(*good);
    require(verdict(lax::verify(*pub, msg, twin)) && !verdict(strict::verify(*pub, msg, twin)));
    const bytes forged = tampered(*good, in.f[4]);
    const bool same = equal_public(forged, *good);
    require(verdict(lax::verify(*pub, msg, forged)) == same);
    require(verdict(strict::verify(*pub, msg, forged)) == same);
}

const char* const rsa_test_key = R"(-----BEGIN RSA PRIVATE KEY-----
MIICXwIBAAKBgQConP4KPojj5WaG+fq2RGUuAByCm6ekYZzxE3I4NT45OZsJKFKv
SnIO8rR9GJc3m24jIjH/pAP3H2c7+n1SjqzBNT0G2U7iVbyIvVp0eRRrOpzlaF2b
+90f/YOHRJE+vpQkinvxtxPJ5XRFNxzVKP7oaTJz8OtrSzjsg/SzVAICnwIDAQAB
AoGBAIT1n0G2xD1pZOrk7rWRw3N9tP2s/ooaSyazHeuC2LlJWp7jBCij/MMa0gaf
QIch8ryTt3eN/258feyG/xH93e0IxhudGNVn40Vf2nvCSTqwo9/GeWG27lakUQ8a
WUEJFWAZj2bU9xCq1qSTV7wrzkiZDRICF2+3/yvF8xwy+sqBAkEA3i54q4kzaOgI
uHQXc1y2+sa49x4h5VmrqN/md/J23v+rFzaBtMDTkfQopHKi0cilwoeGlrFSVJ4v
hZdxi7LT3wJBAMJHLb/6JmJIahGhpzMUClWrZtRTRA1KHjK6WTUAfV5i93d26ad5
eoy1a7o6Z6oCk60kzToo47MOk2CZz0nEqUECQQDErkC2IPN4l4c4udQUlGuKnaYZ
Y/w/ilyyVtovLl1aVNuA5gh2GQhxOMFNqglGSieqh8x106z9KTcKPKEQOJLjAkEA
n2ehvSw2BFxgU3ks5DckR6isZbiwVKsk3gCSo290blaLsATssFJ3YC6XZqT3W8Jj
gyR4E6lrMwbZm+B3+ZIYQQJBAJnGcAAg/dgrx8MXbu4WhAKhNGomjjIqfKWb9hx+
khSfyb/VOyIe2PQnanPDCbYmF/csSypRVbNM2Zm31DTP7v8=
-----END RSA PRIVATE KEY-----
)";

const rsa_private_key& rsa_priv() {
    static const rsa_private_key k = [] {
        auto r = rsa_private_key::from_pem(rsa_test_key);
        require(r.has_value());
        return std::move(*r);
    }();
    return k;
}

const rsa_public_key& rsa_pub() {
    static const rsa_public_key k = rsa_priv().public_key();
    return k;
}

// f1 message, f2 signature, f4 delta.
void rsa_verify_path(const input& in) {
    using S = rsa_pkcs1_v15_sha256;
    const bytes_view msg = in.f[1], sig = in.f[2];
    // RSASSA-PKCS1-v1_5 is deterministic and s < n is unique: only the
    // signature e2ekit makes itself may verify.
    const bytes good = S::sign(rsa_priv(), msg);
    require(verdict(S::verify(rsa_pub(), msg, sig)) == equal_public(sig, good));
    const bytes forged = tampered(good, in.f[4]);
    require(verdict(S::verify(rsa_pub(), msg, forged)) == equal_public(forged, good));
}

/// RSAES-PKCS1-v1_5 decryption written here from RFC 8017 §7.2.2 over
/// OpenSSL's raw RSA: EM = 0x00 || 0x02 || PS (8 or more non-zero) || 0x00 || M.
bool reference_rsa_decrypt(bytes& m, bytes_view ct) {
    const std::size_t k = rsa_priv().size();
    if (ct.size() != k) return false;
    EVP_PKEY_CTX* c = EVP_PKEY_CTX_new_from_pkey(nullptr, rsa_priv().native(), nullptr);
    require(c != nullptr);
    bytes em(k);
    std::size_t n = em.size();
    const bool raw = EVP_PKEY_decrypt_init(c) == 1 &&
                     EVP_PKEY_CTX_set_rsa_padding(c, RSA_NO_PADDING) == 1 &&
                     EVP_PKEY_decrypt(c, em.data(), &n, ct.data(), ct.size()) == 1 && n == k;
    EVP_PKEY_CTX_free(c);
    ERR_clear_error();
    if (!raw || em[0] != 0x00 || em[1] != 0x02) return false;
    std::size_t sep = 2;
    while (sep < k && em[sep] != 0)
        ++sep;
    if (sep == k || sep < 10) return false;
    m.assign(em.begin() + static_cast<std::ptrdiff_t>(sep + 1), em.end());
    return true;
}

// f1 our own message, f2 ciphertext.
void rsa_decrypt_path(const input& in) {
    using E = rsa_pkcs1_v15;
    const auto check = [](bytes_view ct) {
        auto r = E::decrypt(rsa_priv(), ct);
        bytes ref;
        require(verdict(r) == reference_rsa_decrypt(ref, ct));
        if (r) require(equal_public(r->view(), ref));
    };
    check(in.f[2]);
    const bytes_view msg = in.f[1].first(std::min(in.f[1].size(), E::max_message_size(rsa_pub())));
    auto ct = E::encrypt(rsa_pub(), msg);
    require(ct.has_value());
    auto back = E::decrypt(rsa_priv(), *ct);
    require(back && equal_public(back->view(), msg));
    check(tampered(*ct, in.f[4]));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const input in = split(data, size);
    switch (in.path % 8) {
    case 0: hmac_path(in); break;
    case 1: ed25519_path(in); break;
    case 2: xeddsa_path(in); break;
    case 3:
        if (in.f[0].size() <= 16)
            gcm_path<128>(in);
        else
            gcm_path<256>(in);
        break;
    case 4:
        if (in.f[0].size() <= 16)
            cbc_path<128>(in);
        else
            cbc_path<256>(in);
        break;
    case 5: ecdsa_path(in); break;
    case 6: rsa_verify_path(in); break;
    case 7: rsa_decrypt_path(in); break;
    }
    queue_empty();
    return 0;
}
