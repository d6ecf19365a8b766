// A Signal v3 peer over libsignal-protocol-c 2.3.3, driven by one JSON object per line on
// stdin and answering one per line on stdout (PROTOCOL.md beside this file). It exists so
// e2ekit's Signal implementation can be tested against the real library in both directions;
// nothing here is e2ekit code. libsignal-c does no cryptography of its own: the provider below
// runs it on OpenSSL 3 EVP, and the stores keep everything in memory as serialized records,
// so a failed decryption can never leave a half-updated session behind.
#include <fingerprint.h>
#include <group_cipher.h>
#include <group_session_builder.h>
#include <key_helper.h>
#include <protocol.h>
#include <session_builder.h>
#include <session_cipher.h>
#include <session_pre_key.h>
#include <signal_protocol.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace {

using json = nlohmann::json;
using bytes = std::vector<std::uint8_t>;

// ---------------------------------------------------------------------------------------
// Errors: a command either answers {"ok":true,...} or throws one of these, which the loop
// turns into {"ok":false,"error":<class>,"detail":<text>}.

struct peer_error : std::runtime_error {
    std::string cls;
    peer_error(std::string c, const std::string& detail)
        : std::runtime_error(detail), cls(std::move(c)) {}
};

// The error classes of PROTOCOL.md, from libsignal-c's SG_ERR_* codes.
const char* error_class(int rc) {
    switch (rc) {
    case SG_ERR_DUPLICATE_MESSAGE: return "duplicate";
    case SG_ERR_INVALID_MESSAGE:
    case SG_ERR_INVALID_MAC:
    case SG_ERR_INVALID_PROTO_BUF: return "invalid_message";
    case SG_ERR_INVALID_KEY:
    case SG_ERR_VRF_SIG_VERIF_FAILED: return "invalid_key";
    case SG_ERR_INVALID_KEY_ID: return "invalid_key_id";
    case SG_ERR_INVALID_VERSION: return "invalid_version";
    case SG_ERR_LEGACY_MESSAGE: return "legacy";
    case SG_ERR_NO_SESSION: return "no_session";
    case SG_ERR_STALE_KEY_EXCHANGE: return "stale_key_exchange";
    case SG_ERR_UNTRUSTED_IDENTITY: return "untrusted_identity";
    case SG_ERR_FP_VERSION_MISMATCH:
    case SG_ERR_FP_IDENT_MISMATCH: return "fingerprint_mismatch";
    default: return "internal";
    }
}

void check(int rc, const char* what) {
    if (rc < 0) throw peer_error(error_class(rc), std::string(what) + ": " + std::to_string(rc));
}

// ---------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------
// Lower-case hex is the one binary encoding of the line protocol.

std::string to_hex(const bytes& b) {
    static const char digits[] = "0123456789abcdef";
    std::string s;
    s.reserve(b.size() * 2);
    for (std::uint8_t c : b) {
        s.push_back(digits[c >> 4]);
        s.push_back(digits[c & 15]);
    }
    return s;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bytes from_hex(const std::string& s) {
    if (s.size() % 2) throw peer_error("bad_request", "odd-length hex");
    bytes b(s.size() / 2);
    for (std::size_t i = 0; i < b.size(); ++i) {
        int hi = hex_digit(s[2 * i]);
        int lo = hex_digit(s[2 * i + 1]);
        if (hi < 0 || lo < 0) throw peer_error("bad_request", "not hex");
        b[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return b;
}

// Request fields, with the request's own mistakes reported as bad_request.
const json& field(const json& req, const char* name) {
    auto it = req.find(name);
    if (it == req.end() || it->is_null())
        throw peer_error("bad_request", std::string("missing ") + name);
    return *it;
}
std::string str_field(const json& req, const char* name) {
    const json& v = field(req, name);
    if (!v.is_string()) throw peer_error("bad_request", std::string(name) + " is not a string");
    return v.get<std::string>();
}
bytes hex_field(const json& req, const char* name) {
    return from_hex(str_field(req, name));
}
std::int64_t int_field(const json& req, const char* name) {
    const json& v = field(req, name);
    if (!v.is_number_integer())
        throw peer_error("bad_request", std::string(name) + " is not an integer");
    return v.get<std::int64_t>();
}
std::int64_t int_field_or(const json& req, const char* name, std::int64_t fallback) {
    auto it = req.find(name);
    return it == req.end() || it->is_null() ? fallback : int_field(req, name);
}
std::uint32_t u32_field(const json& req, const char* name) {
    std::int64_t v = int_field(req, name);
    if (v < 0 || v > 0xffffffffLL)
        throw peer_error("bad_request", std::string(name) + " out of range");
    return static_cast<std::uint32_t>(v);
}

// ---------------------------------------------------------------------------------------
// Crypto provider on OpenSSL 3 EVP.

int provider_random(std::uint8_t* data, std::size_t len, void*) {
    if (len == 0) return 0;
    return RAND_bytes(data, static_cast<int>(len)) == 1 ? 0 : SG_ERR_UNKNOWN;
}

int hmac_init(void** context, const std::uint8_t* key, std::size_t key_len, void*) {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (!mac) return SG_ERR_UNKNOWN;
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);
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

int hmac_update(void* context, const std::uint8_t* data, std::size_t len, void*) {
    return EVP_MAC_update(static_cast<EVP_MAC_CTX*>(context), data, len) == 1 ? 0 : SG_ERR_UNKNOWN;
}

int hmac_final(void* context, signal_buffer** output, void*) {
    std::uint8_t md[EVP_MAX_MD_SIZE];
    std::size_t len = 0;
    if (EVP_MAC_final(static_cast<EVP_MAC_CTX*>(context), md, &len, sizeof md) != 1)
        return SG_ERR_UNKNOWN;
    *output = signal_buffer_create(md, len);
    return *output ? 0 : SG_ERR_NOMEM;
}

void hmac_cleanup(void* context, void*) {
    EVP_MAC_CTX_free(static_cast<EVP_MAC_CTX*>(context));
}

int sha512_init(void** context, void*) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    if (!ctx) return SG_ERR_NOMEM;
    if (EVP_DigestInit_ex(ctx, EVP_sha512(), nullptr) != 1) {
        EVP_MD_CTX_free(ctx);
        return SG_ERR_UNKNOWN;
    }
    *context = ctx;
    return 0;
}

int sha512_update(void* context, const std::uint8_t* data, std::size_t len, void*) {
    return EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(context), data, len) == 1 ? 0 : SG_ERR_UNKNOWN;
}

// libsignal reuses the context after final (the fingerprint's 5200 iterations), so final
// re-initialises it.
int sha512_final(void* context, signal_buffer** output, void*) {
    auto* ctx = static_cast<EVP_MD_CTX*>(context);
    std::uint8_t md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    if (EVP_DigestFinal_ex(ctx, md, &len) != 1) return SG_ERR_UNKNOWN;
    if (EVP_DigestInit_ex(ctx, EVP_sha512(), nullptr) != 1) return SG_ERR_UNKNOWN;
    *output = signal_buffer_create(md, len);
    return *output ? 0 : SG_ERR_NOMEM;
}

void sha512_cleanup(void* context, void*) {
    EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(context));
}

const EVP_CIPHER* aes_cipher(int mode, std::size_t key_len) {
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

int aes(bool encrypt, signal_buffer** output, int mode, const std::uint8_t* key,
        std::size_t key_len, const std::uint8_t* iv, std::size_t iv_len, const std::uint8_t* in,
        std::size_t in_len) {
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

int provider_encrypt(signal_buffer** output, int mode, const std::uint8_t* key, std::size_t key_len,
                     const std::uint8_t* iv, std::size_t iv_len, const std::uint8_t* in,
                     std::size_t in_len, void*) {
    return aes(true, output, mode, key, key_len, iv, iv_len, in, in_len);
}

int provider_decrypt(signal_buffer** output, int mode, const std::uint8_t* key, std::size_t key_len,
                     const std::uint8_t* iv, std::size_t iv_len, const std::uint8_t* in,
                     std::size_t in_len, void*) {
    return aes(false, output, mode, key, key_len, iv, iv_len, in, in_len);
}

// libsignal asks for recursive locks (signal_protocol.h).
std::recursive_mutex signal_mutex;
void lock(void*) {
    signal_mutex.lock();
}
void unlock(void*) {
    signal_mutex.unlock();
}

void log_to_stderr(int level, const char* message, std::size_t len, void*) {
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

stores& st(void* user_data) {
    return *static_cast<stores*>(user_data);
}

address_key key_of(const signal_protocol_address* a) {
    return {std::string(a->name, a->name_len), a->device_id};
}

signal_buffer* copy_out(const bytes& b) {
    return signal_buffer_create(b.data(), b.size());
}

int load_session(signal_buffer** record, signal_buffer** user_record,
                 const signal_protocol_address* address, void* user_data) {
    (void)user_record;
    auto& s = st(user_data).sessions;
    auto it = s.find(key_of(address));
    if (it == s.end()) return 0;
    *record = copy_out(it->second);
    return *record ? 1 : SG_ERR_NOMEM;
}

int get_sub_device_sessions(signal_int_list** sessions, const char* name, std::size_t name_len,
                            void* user_data) {
    signal_int_list* list = signal_int_list_alloc();
    if (!list) return SG_ERR_NOMEM;
    std::string n(name, name_len);
    for (const auto& [k, v] : st(user_data).sessions)
        if (k.first == n) signal_int_list_push_back(list, k.second);
    *sessions = list;
    return static_cast<int>(signal_int_list_size(list));
}

int store_session(const signal_protocol_address* address, std::uint8_t* record, std::size_t len,
                  std::uint8_t*, std::size_t, void* user_data) {
    st(user_data).sessions[key_of(address)] = bytes(record, record + len);
    return 0;
}

int contains_session(const signal_protocol_address* address, void* user_data) {
    return st(user_data).sessions.count(key_of(address)) ? 1 : 0;
}

int delete_session(const signal_protocol_address* address, void* user_data) {
    return st(user_data).sessions.erase(key_of(address)) ? 1 : 0;
}

int delete_all_sessions(const char* name, std::size_t name_len, void* user_data) {
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

int load_key(std::map<std::uint32_t, bytes>& m, signal_buffer** record, std::uint32_t id) {
    auto it = m.find(id);
    if (it == m.end()) return SG_ERR_INVALID_KEY_ID;
    *record = copy_out(it->second);
    return *record ? SG_SUCCESS : SG_ERR_NOMEM;
}

int load_pre_key(signal_buffer** record, std::uint32_t id, void* user_data) {
    return load_key(st(user_data).pre_keys, record, id);
}
int store_pre_key(std::uint32_t id, std::uint8_t* record, std::size_t len, void* user_data) {
    st(user_data).pre_keys[id] = bytes(record, record + len);
    return 0;
}
int contains_pre_key(std::uint32_t id, void* user_data) {
    return st(user_data).pre_keys.count(id) ? 1 : 0;
}
int remove_pre_key(std::uint32_t id, void* user_data) {
    st(user_data).pre_keys.erase(id);
    return 0;
}

int load_signed_pre_key(signal_buffer** record, std::uint32_t id, void* user_data) {
    return load_key(st(user_data).signed_pre_keys, record, id);
}
int store_signed_pre_key(std::uint32_t id, std::uint8_t* record, std::size_t len, void* user_data) {
    st(user_data).signed_pre_keys[id] = bytes(record, record + len);
    return 0;
}
int contains_signed_pre_key(std::uint32_t id, void* user_data) {
    return st(user_data).signed_pre_keys.count(id) ? 1 : 0;
}
int remove_signed_pre_key(std::uint32_t id, void* user_data) {
    st(user_data).signed_pre_keys.erase(id);
    return 0;
}

int get_identity_key_pair(signal_buffer** public_data, signal_buffer** private_data,
                          void* user_data) {
    stores& s = st(user_data);
    if (s.identity_public.empty()) return SG_ERR_UNKNOWN;
    *public_data = copy_out(s.identity_public);
    *private_data = copy_out(s.identity_private);
    return *public_data && *private_data ? 0 : SG_ERR_NOMEM;
}

int get_local_registration_id(void* user_data, std::uint32_t* registration_id) {
    *registration_id = st(user_data).registration_id;
    return 0;
}

// Trust on first use, per address: libsignal-c saves the identity once a bundle or a
// PreKeySignalMessage has been accepted, and clears it (null key) when a new identity's
// first message fails to decrypt.
int save_identity(const signal_protocol_address* address, std::uint8_t* key, std::size_t len,
                  void* user_data) {
    auto& ids = st(user_data).identities;
    if (key)
        ids[key_of(address)] = bytes(key, key + len);
    else
        ids.erase(key_of(address));
    return 0;
}

int is_trusted_identity(const signal_protocol_address* address, std::uint8_t* key, std::size_t len,
                        void* user_data) {
    auto& ids = st(user_data).identities;
    auto it = ids.find(key_of(address));
    return it == ids.end() || it->second == bytes(key, key + len) ? 1 : 0;
}

sender_key_key key_of(const signal_protocol_sender_key_name* n) {
    return {std::string(n->group_id, n->group_id_len),
            std::string(n->sender.name, n->sender.name_len), n->sender.device_id};
}

int store_sender_key(const signal_protocol_sender_key_name* name, std::uint8_t* record,
                     std::size_t len, std::uint8_t*, std::size_t, void* user_data) {
    st(user_data).sender_keys[key_of(name)] = bytes(record, record + len);
    return 0;
}

int load_sender_key(signal_buffer** record, signal_buffer** user_record,
                    const signal_protocol_sender_key_name* name, void* user_data) {
    (void)user_record;
    auto& m = st(user_data).sender_keys;
    auto it = m.find(key_of(name));
    if (it == m.end()) return 0;
    *record = copy_out(it->second);
    return *record ? 1 : SG_ERR_NOMEM;
}

// ---------------------------------------------------------------------------------------
// The peer: one signal_context and one store context for the process.

class peer {
public:
    peer() {
        check(signal_context_create(&ctx_, nullptr), "signal_context_create");
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
        check(signal_context_set_crypto_provider(ctx_, &provider), "set_crypto_provider");
        check(signal_context_set_locking_functions(ctx_, lock, unlock), "set_locking_functions");
        if (std::getenv("SIGNAL_PEER_DEBUG"))
            check(signal_context_set_log_function(ctx_, log_to_stderr), "set_log_function");

        check(signal_protocol_store_context_create(&store_, ctx_), "store_context_create");
        signal_protocol_session_store session{};
        session.load_session_func = load_session;
        session.get_sub_device_sessions_func = get_sub_device_sessions;
        session.store_session_func = store_session;
        session.contains_session_func = contains_session;
        session.delete_session_func = delete_session;
        session.delete_all_sessions_func = delete_all_sessions;
        session.user_data = &stores_;
        check(signal_protocol_store_context_set_session_store(store_, &session), "session store");
        signal_protocol_pre_key_store pre{};
        pre.load_pre_key = load_pre_key;
        pre.store_pre_key = store_pre_key;
        pre.contains_pre_key = contains_pre_key;
        pre.remove_pre_key = remove_pre_key;
        pre.user_data = &stores_;
        check(signal_protocol_store_context_set_pre_key_store(store_, &pre), "pre-key store");
        signal_protocol_signed_pre_key_store spk{};
        spk.load_signed_pre_key = load_signed_pre_key;
        spk.store_signed_pre_key = store_signed_pre_key;
        spk.contains_signed_pre_key = contains_signed_pre_key;
        spk.remove_signed_pre_key = remove_signed_pre_key;
        spk.user_data = &stores_;
        check(signal_protocol_store_context_set_signed_pre_key_store(store_, &spk), "spk store");
        signal_protocol_identity_key_store identity{};
        identity.get_identity_key_pair = get_identity_key_pair;
        identity.get_local_registration_id = get_local_registration_id;
        identity.save_identity = save_identity;
        identity.is_trusted_identity = is_trusted_identity;
        identity.user_data = &stores_;
        check(signal_protocol_store_context_set_identity_key_store(store_, &identity),
              "identity store");
        signal_protocol_sender_key_store sender{};
        sender.store_sender_key = store_sender_key;
        sender.load_sender_key = load_sender_key;
        sender.user_data = &stores_;
        check(signal_protocol_store_context_set_sender_key_store(store_, &sender),
              "sender key store");
    }

    peer(const peer&) = delete;
    peer& operator=(const peer&) = delete;

    ~peer() {
        signal_protocol_store_context_destroy(store_);
        signal_context_destroy(ctx_);
    }

    json handle(const std::string& cmd, const json& req) {
        if (cmd == "init") return init(req);
        if (cmd == "quit") return json::object();
        if (!initialised_) throw peer_error("bad_request", "init first");
        if (cmd == "identity") return identity();
        if (cmd == "bundle") return bundle(req);
        if (cmd == "prekeys") return prekeys();
        if (cmd == "process_bundle") return process_bundle(req);
        if (cmd == "encrypt") return encrypt(req);
        if (cmd == "decrypt") return decrypt(req);
        if (cmd == "has_session") return has_session(req);
        if (cmd == "set_identity") return set_identity(req);
        if (cmd == "fingerprint") return fingerprint(req);
        if (cmd == "group_create") return group_create(req);
        if (cmd == "group_process") return group_process(req);
        if (cmd == "group_encrypt") return group_encrypt(req);
        if (cmd == "group_decrypt") return group_decrypt(req);
        if (cmd == "serialize_session") return serialize_session(req);
        if (cmd == "serialize_prekey") return serialize_prekey(req);
        if (cmd == "serialize_signed_prekey") return serialize_signed_prekey(req);
        if (cmd == "serialize_identity") return serialize_identity();
        throw peer_error("bad_request", "unknown command " + cmd);
    }

private:
    // libsignal-c keeps the address pointer it is given (session_cipher_create,
    // session_builder_create) rather than copying it, so the name must outlive the object.
    struct address {
        std::string name;
        signal_protocol_address a{};
        address(const json& req, const char* name_field = "name",
                const char* device_field = "device")
            : name(str_field(req, name_field)) {
            std::int64_t device = int_field(req, device_field);
            if (device < 0 || device > 0x7fffffff)
                throw peer_error("bad_request", "device out of range");
            a.name = name.c_str();
            a.name_len = name.size();
            a.device_id = static_cast<std::int32_t>(device);
        }
        address(const address&) = delete;
        address& operator=(const address&) = delete;
    };

    struct sender_key_name {
        address sender;
        std::string group;
        signal_protocol_sender_key_name n{};
        explicit sender_key_name(const json& req) : sender(req), group(str_field(req, "group")) {
            n.group_id = group.c_str();
            n.group_id_len = group.size();
            n.sender = sender.a;
        }
    };

    json init(const json& req) {
        if (initialised_) throw peer_error("bad_request", "already initialised");
        std::uint32_t reg = 0;
        if (req.contains("registration_id") && !req["registration_id"].is_null())
            reg = u32_field(req, "registration_id");
        else
            check(signal_protocol_key_helper_generate_registration_id(&reg, 0, ctx_), "reg id");
        std::int64_t device = int_field_or(req, "device_id", 1);
        std::int64_t spk_id = int_field_or(req, "signed_prekey_id", 1);
        std::int64_t start = int_field_or(req, "prekey_start", 1);
        std::int64_t count = int_field_or(req, "prekey_count", 100);
        if (device < 0 || device > 0x7fffffff || spk_id < 0 || spk_id > 0xffffff || start < 1 ||
            count < 0 || start + count > PRE_KEY_MEDIUM_MAX_VALUE)
            throw peer_error("bad_request", "init parameter out of range");

        ref<ratchet_identity_key_pair> identity;
        check(signal_protocol_key_helper_generate_identity_key_pair(identity.out(), ctx_),
              "identity key pair");
        buffer pub;
        buffer priv;
        check(ec_public_key_serialize(pub.out(),
                                      ratchet_identity_key_pair_get_public(identity.get())),
              "public key");
        check(ec_private_key_serialize(priv.out(),
                                       ratchet_identity_key_pair_get_private(identity.get())),
              "private key");
        stores_.identity_public = pub.vec();
        stores_.identity_private = priv.vec();
        stores_.registration_id = reg;
        device_id_ = static_cast<std::int32_t>(device);

        ref<session_signed_pre_key> spk;
        check(signal_protocol_key_helper_generate_signed_pre_key(
                  spk.out(), identity.get(), static_cast<std::uint32_t>(spk_id),
                  static_cast<std::uint64_t>(std::time(nullptr)) * 1000, ctx_),
              "signed pre-key");
        check(signal_protocol_signed_pre_key_store_key(store_, spk.get()), "store signed pre-key");
        signed_pre_key_id_ = static_cast<std::uint32_t>(spk_id);

        signal_protocol_key_helper_pre_key_list_node* head = nullptr;
        if (count > 0)
            check(signal_protocol_key_helper_generate_pre_keys(&head, static_cast<unsigned>(start),
                                                               static_cast<unsigned>(count), ctx_),
                  "pre-keys");
        int rc = 0;
        for (auto* n = head; n && rc >= 0; n = signal_protocol_key_helper_key_list_next(n))
            rc = signal_protocol_pre_key_store_key(store_,
                                                   signal_protocol_key_helper_key_list_element(n));
        signal_protocol_key_helper_key_list_free(head);
        check(rc, "store pre-key");
        initialised_ = true;
        return {{"registration_id", reg},
                {"device_id", device_id_},
                {"identity_key", to_hex(stores_.identity_public)}};
    }

    json identity() const {
        return {{"identity_key", to_hex(stores_.identity_public)},
                {"registration_id", stores_.registration_id},
                {"device_id", device_id_}};
    }

    // Like a server: each bundle hands out a one-time pre-key not handed out before (or the
    // one asked for); the key itself stays in the store until a message consumes it.
    json bundle(const json& req) {
        ref<session_signed_pre_key> spk;
        check(signal_protocol_signed_pre_key_load_key(store_, spk.out(), signed_pre_key_id_),
              "load signed pre-key");
        buffer spk_pub;
        check(ec_public_key_serialize(
                  spk_pub.out(),
                  ec_key_pair_get_public(session_signed_pre_key_get_key_pair(spk.get()))),
              "serialize");
        const std::uint8_t* sig = session_signed_pre_key_get_signature(spk.get());
        json out = {{"registration_id", stores_.registration_id},
                    {"device_id", device_id_},
                    {"identity_key", to_hex(stores_.identity_public)},
                    {"signed_prekey_id", signed_pre_key_id_},
                    {"signed_prekey", to_hex(spk_pub.vec())},
                    {"signed_prekey_signature",
                     to_hex(bytes(sig, sig + session_signed_pre_key_get_signature_len(spk.get())))},
                    {"prekey_id", nullptr},
                    {"prekey", nullptr}};
        if (req.value("no_prekey", false)) return out;
        std::optional<std::uint32_t> id;
        if (req.contains("prekey_id") && !req["prekey_id"].is_null()) {
            id = u32_field(req, "prekey_id");
        } else {
            for (const auto& [k, v] : stores_.pre_keys)
                if (!handed_out_.count(k)) {
                    id = k;
                    break;
                }
        }
        if (!id) return out;
        ref<session_pre_key> pk;
        check(signal_protocol_pre_key_load_key(store_, pk.out(), *id), "load pre-key");
        buffer pk_pub;
        check(ec_public_key_serialize(
                  pk_pub.out(), ec_key_pair_get_public(session_pre_key_get_key_pair(pk.get()))),
              "serialize");
        handed_out_.insert(*id);
        out["prekey_id"] = *id;
        out["prekey"] = to_hex(pk_pub.vec());
        return out;
    }

    json prekeys() const {
        json ids = json::array();
        for (const auto& [k, v] : stores_.pre_keys)
            ids.push_back(k);
        return {{"prekey_ids", ids}, {"signed_prekey_ids", [this] {
                                          json s = json::array();
                                          for (const auto& [k, v] : stores_.signed_pre_keys)
                                              s.push_back(k);
                                          return s;
                                      }()}};
    }

    void decode_point(ref<ec_public_key>& out, const bytes& b) {
        check(curve_decode_point(out.out(), b.data(), b.size(), ctx_), "decode public key");
    }

    json process_bundle(const json& req) {
        address addr(req);
        ref<ec_public_key> identity_key;
        ref<ec_public_key> spk;
        ref<ec_public_key> pk;
        decode_point(identity_key, hex_field(req, "identity_key"));
        decode_point(spk, hex_field(req, "signed_prekey"));
        bytes sig = hex_field(req, "signed_prekey_signature");
        std::uint32_t pk_id = 0;
        if (req.contains("prekey") && !req["prekey"].is_null()) {
            decode_point(pk, hex_field(req, "prekey"));
            pk_id = u32_field(req, "prekey_id");
        }
        ref<session_pre_key_bundle> bundle;
        check(session_pre_key_bundle_create(bundle.out(), u32_field(req, "registration_id"),
                                            addr.a.device_id, pk_id, pk.get(),
                                            u32_field(req, "signed_prekey_id"), spk.get(),
                                            sig.data(), sig.size(), identity_key.get()),
              "bundle");
        session_builder* builder = nullptr;
        check(session_builder_create(&builder, store_, &addr.a, ctx_), "session_builder_create");
        int rc = session_builder_process_pre_key_bundle(builder, bundle.get());
        session_builder_free(builder);
        check(rc, "process_pre_key_bundle");
        return json::object();
    }

    json encrypt(const json& req) {
        address addr(req);
        bytes plaintext = hex_field(req, "plaintext");
        // session_cipher_encrypt on a missing session fails with SG_ERR_UNKNOWN; name it.
        if (signal_protocol_session_contains_session(store_, &addr.a) != 1)
            throw peer_error("no_session", "no session for " + addr.name);
        session_cipher* cipher = nullptr;
        check(session_cipher_create(&cipher, store_, &addr.a, ctx_), "session_cipher_create");
        ref<ciphertext_message> msg;
        int rc = session_cipher_encrypt(cipher, plaintext.data(), plaintext.size(), msg.out());
        session_cipher_free(cipher);
        check(rc, "session_cipher_encrypt");
        int type = ciphertext_message_get_type(msg.get());
        signal_buffer* body = ciphertext_message_get_serialized(msg.get());
        // libsignal-c numbers a SignalMessage 2 (CIPHERTEXT_SIGNAL_TYPE); the wire protocol
        // uses the envelope numbers the npm library and Signal's servers use: 1 and 3.
        return {{"type", type == CIPHERTEXT_PREKEY_TYPE ? 3 : 1},
                {"body", to_hex(bytes(signal_buffer_const_data(body),
                                      signal_buffer_const_data(body) + signal_buffer_len(body)))}};
    }

    json decrypt(const json& req) {
        address addr(req);
        std::int64_t type = int_field(req, "type");
        bytes body = hex_field(req, "body");
        if (type != 1 && type != 3) throw peer_error("bad_request", "type must be 1 or 3");
        session_cipher* cipher = nullptr;
        check(session_cipher_create(&cipher, store_, &addr.a, ctx_), "session_cipher_create");
        buffer plaintext;
        int rc = 0;
        if (type == 3) {
            ref<pre_key_signal_message> msg;
            rc = pre_key_signal_message_deserialize(msg.out(), body.data(), body.size(), ctx_);
            if (rc >= 0)
                rc = session_cipher_decrypt_pre_key_signal_message(cipher, msg.get(), nullptr,
                                                                   plaintext.out());
        } else {
            ref<signal_message> msg;
            rc = signal_message_deserialize(msg.out(), body.data(), body.size(), ctx_);
            if (rc >= 0)
                rc = session_cipher_decrypt_signal_message(cipher, msg.get(), nullptr,
                                                           plaintext.out());
        }
        session_cipher_free(cipher);
        check(rc, "decrypt");
        return {{"plaintext", to_hex(plaintext.vec())}};
    }

    json has_session(const json& req) {
        address addr(req);
        int rc = signal_protocol_session_contains_session(store_, &addr.a);
        check(rc, "contains_session");
        return {{"has_session", rc == 1}};
    }

    json set_identity(const json& req) {
        address addr(req);
        if (req.contains("identity_key") && !req["identity_key"].is_null())
            stores_.identities[key_of(&addr.a)] = hex_field(req, "identity_key");
        else
            stores_.identities.erase(key_of(&addr.a));
        return json::object();
    }

    json fingerprint(const json& req) {
        std::string local_id = str_field(req, "local_id");
        std::string remote_id = str_field(req, "remote_id");
        ref<ec_public_key> local_key;
        ref<ec_public_key> remote_key;
        decode_point(local_key, req.contains("local_identity_key")
                                    ? hex_field(req, "local_identity_key")
                                    : stores_.identity_public);
        decode_point(remote_key, hex_field(req, "remote_identity_key"));
        std::int64_t iterations = int_field_or(req, "iterations", 5200);
        std::int64_t version = int_field_or(req, "version", 1);
        if (iterations < 1 || iterations > 1000000 || version < 0 || version > 255)
            throw peer_error("bad_request", "fingerprint parameter out of range");
        fingerprint_generator* gen = nullptr;
        check(fingerprint_generator_create(&gen, static_cast<int>(iterations),
                                           static_cast<int>(version), ctx_),
              "fingerprint_generator_create");
        ref<::fingerprint> fp;
        int rc = fingerprint_generator_create_for(gen, local_id.c_str(), local_key.get(),
                                                  remote_id.c_str(), remote_key.get(), fp.out());
        fingerprint_generator_free(gen);
        check(rc, "fingerprint_generator_create_for");
        displayable_fingerprint* d = fingerprint_get_displayable(fp.get());
        buffer scannable;
        check(scannable_fingerprint_serialize(scannable.out(), fingerprint_get_scannable(fp.get())),
              "scannable_fingerprint_serialize");
        return {{"displayable", displayable_fingerprint_text(d)},
                {"displayable_local", displayable_fingerprint_local(d)},
                {"displayable_remote", displayable_fingerprint_remote(d)},
                {"scannable", to_hex(scannable.vec())}};
    }

    json group_create(const json& req) {
        sender_key_name name(req);
        group_session_builder* builder = nullptr;
        check(group_session_builder_create(&builder, store_, ctx_), "group_session_builder_create");
        ref<sender_key_distribution_message> msg;
        int rc = group_session_builder_create_session(builder, msg.out(), &name.n);
        group_session_builder_free(builder);
        check(rc, "group_session_builder_create_session");
        signal_buffer* body =
            ciphertext_message_get_serialized(reinterpret_cast<ciphertext_message*>(msg.get()));
        return {{"distribution",
                 to_hex(bytes(signal_buffer_const_data(body),
                              signal_buffer_const_data(body) + signal_buffer_len(body)))}};
    }

    json group_process(const json& req) {
        sender_key_name name(req);
        bytes body = hex_field(req, "distribution");
        ref<sender_key_distribution_message> msg;
        check(
            sender_key_distribution_message_deserialize(msg.out(), body.data(), body.size(), ctx_),
            "sender_key_distribution_message_deserialize");
        group_session_builder* builder = nullptr;
        check(group_session_builder_create(&builder, store_, ctx_), "group_session_builder_create");
        int rc = group_session_builder_process_session(builder, &name.n, msg.get());
        group_session_builder_free(builder);
        check(rc, "group_session_builder_process_session");
        return json::object();
    }

    json group_encrypt(const json& req) {
        sender_key_name name(req);
        bytes plaintext = hex_field(req, "plaintext");
        group_cipher* cipher = nullptr;
        check(group_cipher_create(&cipher, store_, &name.n, ctx_), "group_cipher_create");
        ref<ciphertext_message> msg;
        int rc = group_cipher_encrypt(cipher, plaintext.data(), plaintext.size(), msg.out());
        group_cipher_free(cipher);
        check(rc, "group_cipher_encrypt");
        signal_buffer* body = ciphertext_message_get_serialized(msg.get());
        return {{"body", to_hex(bytes(signal_buffer_const_data(body),
                                      signal_buffer_const_data(body) + signal_buffer_len(body)))}};
    }

    json group_decrypt(const json& req) {
        sender_key_name name(req);
        bytes body = hex_field(req, "body");
        ref<sender_key_message> msg;
        check(sender_key_message_deserialize(msg.out(), body.data(), body.size(), ctx_),
              "sender_key_message_deserialize");
        group_cipher* cipher = nullptr;
        check(group_cipher_create(&cipher, store_, &name.n, ctx_), "group_cipher_create");
        buffer plaintext;
        int rc = group_cipher_decrypt(cipher, msg.get(), nullptr, plaintext.out());
        group_cipher_free(cipher);
        check(rc, "group_cipher_decrypt");
        return {{"plaintext", to_hex(plaintext.vec())}};
    }

    // The stores already hold libsignal-c's own *_serialize output; these hand it over.
    json serialize_session(const json& req) {
        address addr(req);
        auto it = stores_.sessions.find(key_of(&addr.a));
        if (it == stores_.sessions.end())
            throw peer_error("no_session", "no session for " + addr.name);
        return {{"record", to_hex(it->second)}};
    }

    json serialize_prekey(const json& req) {
        auto it = stores_.pre_keys.find(u32_field(req, "id"));
        if (it == stores_.pre_keys.end()) throw peer_error("invalid_key_id", "no such pre-key");
        return {{"record", to_hex(it->second)}};
    }

    json serialize_signed_prekey(const json& req) {
        auto it = stores_.signed_pre_keys.find(u32_field(req, "id"));
        if (it == stores_.signed_pre_keys.end())
            throw peer_error("invalid_key_id", "no such signed pre-key");
        return {{"record", to_hex(it->second)}};
    }

    json serialize_identity() {
        ref<ratchet_identity_key_pair> pair;
        check(signal_protocol_identity_get_key_pair(store_, pair.out()), "get_key_pair");
        buffer out;
        check(ratchet_identity_key_pair_serialize(out.out(), pair.get()), "serialize");
        return {{"record", to_hex(out.vec())}};
    }

    signal_context* ctx_ = nullptr;
    signal_protocol_store_context* store_ = nullptr;
    stores stores_;
    bool initialised_ = false;
    std::int32_t device_id_ = 1;
    std::uint32_t signed_pre_key_id_ = 0;
    std::set<std::uint32_t> handed_out_;
};

} // namespace

int main() {
    std::ios::sync_with_stdio(false);
    peer p;
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line.empty()) continue;
        json reply;
        std::string cmd;
        try {
            json req = json::parse(line);
            if (!req.is_object()) throw peer_error("bad_request", "not a JSON object");
            cmd = str_field(req, "cmd");
            reply = p.handle(cmd, req);
            reply["ok"] = true;
        } catch (const peer_error& e) {
            reply = {{"ok", false}, {"error", e.cls}, {"detail", e.what()}};
        } catch (const json::exception& e) {
            reply = {{"ok", false}, {"error", "bad_request"}, {"detail", e.what()}};
        } catch (const std::exception& e) {
            reply = {{"ok", false}, {"error", "internal"}, {"detail", e.what()}};
        }
        std::cout << reply.dump() << '\n' << std::flush;
        if (cmd == "quit") break;
    }
    return 0;
}
