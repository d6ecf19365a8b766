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

#include "signal_c_context.hpp"

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
using signal_c::key_of;

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

using signal_c::buffer;
using signal_c::ref;

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
// The peer: one signal_context and one store context for the process.

class peer {
public:
    peer() : c_(std::getenv("SIGNAL_PEER_DEBUG") != nullptr) {}

    peer(const peer&) = delete;
    peer& operator=(const peer&) = delete;

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

    signal_c::context c_;
    signal_context* ctx_ = c_.ctx;
    signal_protocol_store_context* store_ = c_.store;
    signal_c::stores& stores_ = c_.st;
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
