// libsignal-protocol-c 2.3.3 made runnable in a test: a crypto provider on OpenSSL 3 EVP (the
// library does no cryptography of its own) and in-memory stores that keep every record
// serialized, exactly as a persistent store would. signal_c_peer and the Signal benchmark
// both use it; nothing here is e2ekit code.
#ifndef E2EKIT_TESTS_INTEROP_SIGNAL_C_CONTEXT_HPP
#define E2EKIT_TESTS_INTEROP_SIGNAL_C_CONTEXT_HPP

#include <signal_protocol.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace signal_c {

using bytes = std::vector<std::uint8_t>;

// Owning handles for libsignal's reference-counted objects and plain buffers.

template <class T>
struct ref {
    T* p = nullptr;
    ref() = default;
    ref(const ref&) = delete;
    ref& operator=(const ref&) = delete;
    ~ref() {
        if (p) signal_type_unref(reinterpret_cast<signal_type_base*>(p));
    }
    T** out() { return &p; }
    T* get() const { return p; }
};

struct buffer {
    signal_buffer* p = nullptr;
    buffer() = default;
    explicit buffer(signal_buffer* b) : p(b) {}
    buffer(const buffer&) = delete;
    buffer& operator=(const buffer&) = delete;
    ~buffer() { signal_buffer_bzero_free(p); }
    signal_buffer** out() { return &p; }
    bytes vec() const {
        if (!p) return {};
        const std::uint8_t* d = signal_buffer_const_data(p);
        return bytes(d, d + signal_buffer_len(p));
    }
};

inline void require(int rc, const char* what) {
    if (rc < 0) throw std::runtime_error(std::string(what) + " failed: " + std::to_string(rc));
}

// ---------------------------------------------------------------------------------------
// Crypto provider on OpenSSL 3 EVP.

inline int provider_random(std::uint8_t* data, std::size_t len, void*) {
    if (len == 0) return 0;
    return RAND_bytes(data, static_cast<int>(len)) == 1 ? 0 : SG_ERR_UNKNOWN;
}

// Fetched once: a fetch per HMAC would make libsignal-c look slower than it is in a real
// provider (the benchmarks share this provider).
inline EVP_MAC* hmac_algorithm() {
    static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    return mac;
}

inline int hmac_init(void** context, const std::uint8_t* key, std::size_t key_len, void*) {
    EVP_MAC* mac = hmac_algorithm();
    if (!mac) return SG_ERR_UNKNOWN;
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
    if (!ctx) return SG_ERR_NOMEM;
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    // A null key would mean "keep the previous key" to EVP_MAC_init; HKDF's empty salt is an
    // empty key, not a missing one (RFC 5869 §2.2).
    static const std::uint8_t empty = 0;
    if (EVP_MAC_init(ctx, key_len ? key : &empty, key_len, params) != 1) {
        EVP_MAC_CTX_free(ctx);
        return SG_ERR_UNKNOWN;
    }
    *context = ctx;
    return 0;
}

inline int hmac_update(void* context, const std::uint8_t* data, std::size_t len, void*) {
    return EVP_MAC_update(static_cast<EVP_MAC_CTX*>(context), data, len) == 1 ? 0 : SG_ERR_UNKNOWN;
}

inline int hmac_final(void* context, signal_buffer** output, void*) {
    std::uint8_t md[EVP_MAX_MD_SIZE];
    std::size_t len = 0;
    if (EVP_MAC_final(static_cast<EVP_MAC_CTX*>(context), md, &len, sizeof md) != 1)
        return SG_ERR_UNKNOWN;
    *output = signal_buffer_create(md, len);
    return *output ? 0 : SG_ERR_NOMEM;
}

inline void hmac_cleanup(void* context, void*) {
    EVP_MAC_CTX_free(static_cast<EVP_MAC_CTX*>(context));
}

inline int sha512_init(void** context, void*) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (!ctx) return SG_ERR_NOMEM;
    if (EVP_DigestInit_ex(ctx, EVP_sha512(), nullptr) != 1) {
        EVP_MD_CTX_free(ctx);
        return SG_ERR_UNKNOWN;
    }
    *context = ctx;
    return 0;
}

inline int sha512_update(void* context, const std::uint8_t* data, std::size_t len, void*) {
    return EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(context), data, len) == 1 ? 0 : SG_ERR_UNKNOWN;
}

// libsignal reuses the context after final (the fingerprint's 5200 iterations), so final
// re-initialises it.
inline int sha512_final(void* context, signal_buffer** output, void*) {
    auto* ctx = static_cast<EVP_MD_CTX*>(context);
    std::uint8_t md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    if (EVP_DigestFinal_ex(ctx, md, &len) != 1) return SG_ERR_UNKNOWN;
    if (EVP_DigestInit_ex(ctx, EVP_sha512(), nullptr) != 1) return SG_ERR_UNKNOWN;
    *output = signal_buffer_create(md, len);
    return *output ? 0 : SG_ERR_NOMEM;
}

inline void sha512_cleanup(void* context, void*) {
    EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(context));
}

inline const EVP_CIPHER* aes_cipher(int mode, std::size_t key_len) {
    if (mode == SG_CIPHER_AES_CBC_PKCS5) {
        switch (key_len) {
        case 16: return EVP_aes_128_cbc();
        case 24: return EVP_aes_192_cbc();
        case 32: return EVP_aes_256_cbc();
        }
    } else if (mode == SG_CIPHER_AES_CTR_NOPADDING) {
        switch (key_len) {
        case 16: return EVP_aes_128_ctr();
        case 24: return EVP_aes_192_ctr();
        case 32: return EVP_aes_256_ctr();
        }
    }
    return nullptr;
}

inline int aes(bool encrypt, signal_buffer** output, int mode, const std::uint8_t* key,
               std::size_t key_len, const std::uint8_t* iv, std::size_t iv_len,
               const std::uint8_t* in, std::size_t in_len) {
    const EVP_CIPHER* cipher = aes_cipher(mode, key_len);
    if (!cipher || iv_len != 16 || in_len > 0x7fffffe0) return SG_ERR_INVAL;
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    if (!ctx) return SG_ERR_NOMEM;
    bytes out(in_len + 16);
    int n1 = 0;
    int n2 = 0;
    bool ok = EVP_CipherInit_ex(ctx, cipher, nullptr, key, iv, encrypt ? 1 : 0) == 1 &&
              EVP_CIPHER_CTX_set_padding(ctx, mode == SG_CIPHER_AES_CBC_PKCS5 ? 1 : 0) == 1 &&
              EVP_CipherUpdate(ctx, out.data(), &n1, in, static_cast<int>(in_len)) == 1 &&
              EVP_CipherFinal_ex(ctx, out.data() + n1, &n2) == 1;
    EVP_CIPHER_CTX_free(ctx);
    if (ok) *output = signal_buffer_create(out.data(), static_cast<std::size_t>(n1 + n2));
    OPENSSL_cleanse(out.data(), out.size());
    if (!ok) return SG_ERR_UNKNOWN;
    return *output ? 0 : SG_ERR_NOMEM;
}

inline int provider_encrypt(signal_buffer** output, int mode, const std::uint8_t* key,
                            std::size_t key_len, const std::uint8_t* iv, std::size_t iv_len,
                            const std::uint8_t* in, std::size_t in_len, void*) {
    return aes(true, output, mode, key, key_len, iv, iv_len, in, in_len);
}

inline int provider_decrypt(signal_buffer** output, int mode, const std::uint8_t* key,
                            std::size_t key_len, const std::uint8_t* iv, std::size_t iv_len,
                            const std::uint8_t* in, std::size_t in_len, void*) {
    return aes(false, output, mode, key, key_len, iv, iv_len, in, in_len);
}

// libsignal asks for recursive locks (signal_protocol.h).
inline std::recursive_mutex signal_mutex;
inline void lock(void*) {
    signal_mutex.lock();
}
inline void unlock(void*) {
    signal_mutex.unlock();
}

inline void log_to_stderr(int level, const char* message, std::size_t len, void*) {
    std::fprintf(stderr, "libsignal[%d]: %.*s\n", level, static_cast<int>(len), message);
}

// ---------------------------------------------------------------------------------------
// In-memory stores. Records are kept serialized, exactly as a persistent store would.

using address_key = std::pair<std::string, std::int32_t>;
using sender_key_key = std::tuple<std::string, std::string, std::int32_t>;

struct stores {
    std::map<address_key, bytes> sessions;
    std::map<std::uint32_t, bytes> pre_keys;
    std::map<std::uint32_t, bytes> signed_pre_keys;
    std::map<address_key, bytes> identities;
    std::map<sender_key_key, bytes> sender_keys;
    bytes identity_public;
    bytes identity_private;
    std::uint32_t registration_id = 0;
};

inline stores& st(void* user_data) {
    return *static_cast<stores*>(user_data);
}

inline address_key key_of(const signal_protocol_address* a) {
    return {std::string(a->name, a->name_len), a->device_id};
}

inline signal_buffer* copy_out(const bytes& b) {
    return signal_buffer_create(b.data(), b.size());
}

inline int load_session(signal_buffer** record, signal_buffer** user_record,
                        const signal_protocol_address* address, void* user_data) {
    (void)user_record;
    auto& s = st(user_data).sessions;
    auto it = s.find(key_of(address));
    if (it == s.end()) return 0;
    *record = copy_out(it->second);
    return *record ? 1 : SG_ERR_NOMEM;
}

inline int get_sub_device_sessions(signal_int_list** sessions, const char* name,
                                   std::size_t name_len, void* user_data) {
    signal_int_list* list = signal_int_list_alloc();
    if (!list) return SG_ERR_NOMEM;
    std::string n(name, name_len);
    for (const auto& [k, v] : st(user_data).sessions)
        if (k.first == n) signal_int_list_push_back(list, k.second);
    *sessions = list;
    return static_cast<int>(signal_int_list_size(list));
}

inline int store_session(const signal_protocol_address* address, std::uint8_t* record,
                         std::size_t len, std::uint8_t*, std::size_t, void* user_data) {
    st(user_data).sessions[key_of(address)] = bytes(record, record + len);
    return 0;
}

inline int contains_session(const signal_protocol_address* address, void* user_data) {
    return st(user_data).sessions.count(key_of(address)) ? 1 : 0;
}

inline int delete_session(const signal_protocol_address* address, void* user_data) {
    return st(user_data).sessions.erase(key_of(address)) ? 1 : 0;
}

inline int delete_all_sessions(const char* name, std::size_t name_len, void* user_data) {
    std::string n(name, name_len);
    int count = 0;
    auto& s = st(user_data).sessions;
    for (auto it = s.begin(); it != s.end();) {
        if (it->first.first == n) {
            it = s.erase(it);
            ++count;
        } else {
            ++it;
        }
    }
    return count;
}

inline int load_key(std::map<std::uint32_t, bytes>& m, signal_buffer** record, std::uint32_t id) {
    auto it = m.find(id);
    if (it == m.end()) return SG_ERR_INVALID_KEY_ID;
    *record = copy_out(it->second);
    return *record ? SG_SUCCESS : SG_ERR_NOMEM;
}

inline int load_pre_key(signal_buffer** record, std::uint32_t id, void* user_data) {
    return load_key(st(user_data).pre_keys, record, id);
}
inline int store_pre_key(std::uint32_t id, std::uint8_t* record, std::size_t len, void* user_data) {
    st(user_data).pre_keys[id] = bytes(record, record + len);
    return 0;
}
inline int contains_pre_key(std::uint32_t id, void* user_data) {
    return st(user_data).pre_keys.count(id) ? 1 : 0;
}
inline int remove_pre_key(std::uint32_t id, void* user_data) {
    st(user_data).pre_keys.erase(id);
    return 0;
}

inline int load_signed_pre_key(signal_buffer** record, std::uint32_t id, void* user_data) {
    return load_key(st(user_data).signed_pre_keys, record, id);
}
inline int store_signed_pre_key(std::uint32_t id, std::uint8_t* record, std::size_t len,
                                void* user_data) {
    st(user_data).signed_pre_keys[id] = bytes(record, record + len);
    return 0;
}
inline int contains_signed_pre_key(std::uint32_t id, void* user_data) {
    return st(user_data).signed_pre_keys.count(id) ? 1 : 0;
}
inline int remove_signed_pre_key(std::uint32_t id, void* user_data) {
    st(user_data).signed_pre_keys.erase(id);
    return 0;
}

inline int get_identity_key_pair(signal_buffer** public_data, signal_buffer** private_data,
                                 void* user_data) {
    stores& s = st(user_data);
    if (s.identity_public.empty()) return SG_ERR_UNKNOWN;
    *public_data = copy_out(s.identity_public);
    *private_data = copy_out(s.identity_private);
    return *public_data && *private_data ? 0 : SG_ERR_NOMEM;
}

inline int get_local_registration_id(void* user_data, std::uint32_t* registration_id) {
    *registration_id = st(user_data).registration_id;
    return 0;
}

// Trust on first use, per address: libsignal-c saves the identity once a bundle or a
// PreKeySignalMessage has been accepted, and clears it (null key) when a new identity's
// first message fails to decrypt.
inline int save_identity(const signal_protocol_address* address, std::uint8_t* key, std::size_t len,
                         void* user_data) {
    auto& ids = st(user_data).identities;
    if (key)
        ids[key_of(address)] = bytes(key, key + len);
    else
        ids.erase(key_of(address));
    return 0;
}

inline int is_trusted_identity(const signal_protocol_address* address, std::uint8_t* key,
                               std::size_t len, void* user_data) {
    auto& ids = st(user_data).identities;
    auto it = ids.find(key_of(address));
    return it == ids.end() || it->second == bytes(key, key + len) ? 1 : 0;
}

inline sender_key_key key_of(const signal_protocol_sender_key_name* n) {
    return {std::string(n->group_id, n->group_id_len),
            std::string(n->sender.name, n->sender.name_len), n->sender.device_id};
}

inline int store_sender_key(const signal_protocol_sender_key_name* name, std::uint8_t* record,
                            std::size_t len, std::uint8_t*, std::size_t, void* user_data) {
    st(user_data).sender_keys[key_of(name)] = bytes(record, record + len);
    return 0;
}

inline int load_sender_key(signal_buffer** record, signal_buffer** user_record,
                           const signal_protocol_sender_key_name* name, void* user_data) {
    (void)user_record;
    auto& m = st(user_data).sender_keys;
    auto it = m.find(key_of(name));
    if (it == m.end()) return 0;
    *record = copy_out(it->second);
    return *record ? 1 : SG_ERR_NOMEM;
}

// ---------------------------------------------------------------------------------------
// One libsignal-c device: its signal_context and store context over `st`.

struct context {
    signal_context* ctx = nullptr;
    signal_protocol_store_context* store = nullptr;
    stores st;

    explicit context(bool log) {
        require(signal_context_create(&ctx, nullptr), "signal_context_create");
        signal_crypto_provider provider{};
        provider.random_func = provider_random;
        provider.hmac_sha256_init_func = hmac_init;
        provider.hmac_sha256_update_func = hmac_update;
        provider.hmac_sha256_final_func = hmac_final;
        provider.hmac_sha256_cleanup_func = hmac_cleanup;
        provider.sha512_digest_init_func = sha512_init;
        provider.sha512_digest_update_func = sha512_update;
        provider.sha512_digest_final_func = sha512_final;
        provider.sha512_digest_cleanup_func = sha512_cleanup;
        provider.encrypt_func = provider_encrypt;
        provider.decrypt_func = provider_decrypt;
        require(signal_context_set_crypto_provider(ctx, &provider), "set_crypto_provider");
        require(signal_context_set_locking_functions(ctx, lock, unlock), "set_locking_functions");
        if (log) require(signal_context_set_log_function(ctx, log_to_stderr), "set_log_function");

        require(signal_protocol_store_context_create(&store, ctx), "store_context_create");
        signal_protocol_session_store session{};
        session.load_session_func = load_session;
        session.get_sub_device_sessions_func = get_sub_device_sessions;
        session.store_session_func = store_session;
        session.contains_session_func = contains_session;
        session.delete_session_func = delete_session;
        session.delete_all_sessions_func = delete_all_sessions;
        session.user_data = &st;
        require(signal_protocol_store_context_set_session_store(store, &session), "session store");
        signal_protocol_pre_key_store pre{};
        pre.load_pre_key = load_pre_key;
        pre.store_pre_key = store_pre_key;
        pre.contains_pre_key = contains_pre_key;
        pre.remove_pre_key = remove_pre_key;
        pre.user_data = &st;
        require(signal_protocol_store_context_set_pre_key_store(store, &pre), "pre-key store");
        signal_protocol_signed_pre_key_store spk{};
        spk.load_signed_pre_key = load_signed_pre_key;
        spk.store_signed_pre_key = store_signed_pre_key;
        spk.contains_signed_pre_key = contains_signed_pre_key;
        spk.remove_signed_pre_key = remove_signed_pre_key;
        spk.user_data = &st;
        require(signal_protocol_store_context_set_signed_pre_key_store(store, &spk), "spk store");
        signal_protocol_identity_key_store identity{};
        identity.get_identity_key_pair = get_identity_key_pair;
        identity.get_local_registration_id = get_local_registration_id;
        identity.save_identity = save_identity;
        identity.is_trusted_identity = is_trusted_identity;
        identity.user_data = &st;
        require(signal_protocol_store_context_set_identity_key_store(store, &identity),
                "identity store");
        signal_protocol_sender_key_store sender{};
        sender.store_sender_key = store_sender_key;
        sender.load_sender_key = load_sender_key;
        sender.user_data = &st;
        require(signal_protocol_store_context_set_sender_key_store(store, &sender),
                "sender key store");
    }

    context(const context&) = delete;
    context& operator=(const context&) = delete;

    ~context() {
        signal_protocol_store_context_destroy(store);
        signal_context_destroy(ctx);
    }
};

} // namespace signal_c

#endif
