// A toy OMEMO backend: the smallest type that models session::omemo_backend
// and behaves like one (sessions that start with a key exchange and are
// confirmed by an answer, one-time pre-keys used up, payloads that fail
// when tampered with), so session::manager's own logic is tested apart from
// any protocol. Nothing in it is cryptography worth the name; the real
// backends are tested against python-omemo.
#ifndef E2EKIT_TESTS_SUPPORT_OMEMO_BACKEND_ARCHETYPE_HPP
#define E2EKIT_TESTS_SUPPORT_OMEMO_BACKEND_ARCHETYPE_HPP

#include <e2ekit/codec/hex.hpp>
#include <e2ekit/core/ct.hpp>
#include <e2ekit/crypto/ed25519.hpp>
#include <e2ekit/crypto/error.hpp>
#include <e2ekit/crypto/sha2.hpp>
#include <e2ekit/session/backend.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

namespace e2ekit::test {

/// Forms travel as JSON text; `Ns` names the backend, so two toys with
/// different names run side by side in one manager.
template <const char* Ns>
struct toy_backend {
    using omemo_backend_concept = e2ekit::session::omemo_backend_tag;
    static constexpr std::string_view namespace_uri = Ns;
    using json = nlohmann::json;

    struct identity {
        byte_array<32> ed{};
    };
    struct prekeys {
        std::vector<std::pair<std::uint32_t, bool>> keys; ///< id, hidden
        std::uint32_t next = 1;
        std::uint32_t spk = 1;
        std::uint64_t spk_time = 0;
    };
    struct bundle {
        byte_array<32> ik{};
        std::vector<std::uint32_t> pks;
    };
    struct session {
        byte_array<32> local{};
        byte_array<32> remote{};
        bool active = false;
        bool confirmed = false;
        std::uint32_t prekey = 0;
        std::uint32_t received = 0; ///< since we last sent
    };
    struct key_material {
        bytes b; ///< 16 key bytes, then 8 tag bytes (none: empty message)
    };
    struct key {
        bool kex = false;
        byte_array<32> ik{};
        std::uint32_t prekey = 0;
        bytes km;
    };
    struct content {
        bytes ct;
    };
    struct message {
        std::uint32_t sid = 0;
        content c;
        std::vector<std::tuple<std::string, std::uint32_t, key>> keys;
    };

    static std::string hex(bytes_view b) { return codec::hex::encode(b); }
    static result<bytes> unhex(const json& j) {
        if (!j.is_string()) return crypto::crypto_error::invalid_key;
        return codec::hex::decode(j.get<std::string>());
    }
    static result<byte_array<32>> key32(const json& j) {
        E2EKIT_TRY(b, unhex(j));
        if (b.size() != 32) return crypto::crypto_error::invalid_key;
        byte_array<32> k;
        std::copy(b.begin(), b.end(), k.begin());
        return k;
    }
    static result<json> parse_json(std::string_view t) {
        auto j = json::parse(t, nullptr, false);
        if (j.is_discarded() || !j.is_object()) return crypto::crypto_error::invalid_key;
        return j;
    }

    static identity identity_from_seed(const e2ekit::session::identity_seed& s) {
        crypto::ed25519::seed seed;
        std::copy(s.view().begin(), s.view().end(), seed.mutable_view().begin());
        return {crypto::ed25519::public_from_seed(seed)};
    }
    static byte_array<32> identity_key(const identity& id) { return id.ed; }

    template <class R>
    static prekeys new_prekeys(const identity&, R& r, std::size_t n, std::uint64_t now) {
        prekeys p;
        p.spk_time = now;
        add_prekeys(p, r, n);
        return p;
    }
    static std::size_t visible_prekeys(const prekeys& p) {
        return static_cast<std::size_t>(
            std::count_if(p.keys.begin(), p.keys.end(), [](const auto& k) { return !k.second; }));
    }
    template <class R>
    static void add_prekeys(prekeys& p, R&, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i)
            p.keys.push_back({p.next++, false});
    }
    template <class R>
    static void rotate(prekeys& p, const identity&, R&, std::uint64_t now) {
        ++p.spk;
        p.spk_time = now;
    }
    static std::uint64_t signed_prekey_time(const prekeys& p) { return p.spk_time; }
    static bool use_prekey(prekeys& p, std::uint32_t id, bool hide) {
        const auto it = std::find_if(p.keys.begin(), p.keys.end(),
                                     [&](const auto& k) { return k.first == id; });
        if (it == p.keys.end()) return false;
        if (hide) {
            if (it->second) return false;
            it->second = true;
        } else {
            p.keys.erase(it);
        }
        return true;
    }
    static bool has_prekey(const prekeys& p, std::uint32_t id) {
        return std::any_of(p.keys.begin(), p.keys.end(),
                           [&](const auto& k) { return k.first == id; });
    }
    static std::optional<std::uint32_t> passive_prekey(const session& s) {
        if (s.active) return std::nullopt;
        return s.prekey;
    }
    static std::string bundle_xml(const identity& id, const prekeys& p) {
        json pks = json::array();
        for (const auto& [k, hidden] : p.keys)
            if (!hidden) pks.push_back(k);
        return json{{"ik", hex(id.ed)}, {"pks", pks}}.dump();
    }
    static secret_bytes serialize(const prekeys& p) {
        const std::string t =
            json{{"keys", p.keys}, {"next", p.next}, {"spk", p.spk}, {"t", p.spk_time}}.dump();
        return secret_bytes(as_bytes(t));
    }
    static secret_bytes serialize(const session& s) {
        const std::string t =
            json{{"local", hex(s.local)},    {"remote", hex(s.remote)}, {"active", s.active},
                 {"confirmed", s.confirmed}, {"prekey", s.prekey},      {"received", s.received}}
                .dump();
        return secret_bytes(as_bytes(t));
    }
    static result<prekeys> parse_prekeys(bytes_view b) {
        E2EKIT_TRY(j, parse_json(as_chars(b)));
        prekeys p;
        p.keys = j["keys"].get<std::vector<std::pair<std::uint32_t, bool>>>();
        p.next = j["next"];
        p.spk = j["spk"];
        p.spk_time = j["t"];
        return p;
    }
    static result<session> parse_session(bytes_view b) {
        E2EKIT_TRY(j, parse_json(as_chars(b)));
        E2EKIT_TRY(local, key32(j["local"]));
        E2EKIT_TRY(remote, key32(j["remote"]));
        return session{local, remote, j["active"], j["confirmed"], j["prekey"], j["received"]};
    }
    static result<bundle> parse_bundle(std::string_view xml) {
        E2EKIT_TRY(j, parse_json(xml));
        E2EKIT_TRY(ik, key32(j["ik"]));
        return bundle{ik, j["pks"].get<std::vector<std::uint32_t>>()};
    }
    static byte_array<32> bundle_identity(const bundle& b) { return b.ik; }
    template <class R>
    static result<session> build_active(const identity& id, const bundle& b, R&) {
        if (b.pks.empty()) return crypto::crypto_error::invalid_key;
        return session{id.ed, b.ik, true, false, b.pks.front(), 0};
    }

    static bytes tag_of(bytes_view k, bytes_view pt) {
        bytes in(k.begin(), k.end());
        in.insert(in.end(), pt.begin(), pt.end());
        const auto d = crypto::sha256::digest_of(in);
        return bytes(d.begin(), d.begin() + 8);
    }
    template <class R>
    static std::pair<content, key_material> encrypt_plaintext(R& r, bytes_view pt) {
        bytes k(16);
        r.fill(k);
        content c{bytes(pt.begin(), pt.end())};
        for (std::size_t i = 0; i < c.ct.size(); ++i)
            c.ct[i] ^= k[i % 16];
        const bytes tag = tag_of(k, pt);
        k.insert(k.end(), tag.begin(), tag.end());
        return {std::move(c), key_material{std::move(k)}};
    }
    template <class R>
    static std::pair<content, key_material> encrypt_empty(R& r) {
        bytes k(16);
        r.fill(k);
        return {content{}, key_material{std::move(k)}};
    }
    static result<secret_bytes> decrypt_plaintext(const content& c, const key_material& km) {
        if (km.b.size() != 24) return crypto::crypto_error::authentication_failed;
        secret_bytes pt(c.ct.size());
        for (std::size_t i = 0; i < c.ct.size(); ++i)
            pt.mutable_view()[i] = static_cast<byte>(c.ct[i] ^ km.b[i % 16]);
        const bytes_view k(km.b.data(), 16);
        if (!ct::equal(tag_of(k, pt.view()), bytes_view(km.b).subspan(16)))
            return crypto::crypto_error::authentication_failed;
        return pt;
    }
    static bool empty(const content& c) { return c.ct.empty(); }

    template <class R>
    static result<ratchet::pending<session, key>> encrypt_key(const session& s,
                                                              const key_material& km, R&) {
        session next = s;
        next.received = 0;
        key k{s.active && !s.confirmed, s.local, s.prekey, km.b};
        return ratchet::pending<session, key>(std::move(next), std::move(k));
    }
    static bool is_key_exchange(const key& k) { return k.kex; }
    static result<ratchet::pending<session, e2ekit::session::accepted<key_material>>>
    accept(const identity& id, const prekeys& p, const session* existing, const key& k) {
        if (existing && !existing->active && existing->remote == k.ik &&
            existing->prekey == k.prekey) {
            session next = *existing;
            ++next.received;
            return ratchet::pending<session, e2ekit::session::accepted<key_material>>(
                std::move(next), {{k.km}, std::nullopt, k.ik});
        }
        const bool known = std::any_of(p.keys.begin(), p.keys.end(),
                                       [&](const auto& e) { return e.first == k.prekey; });
        if (!known) return crypto::crypto_error::invalid_key;
        return ratchet::pending<session, e2ekit::session::accepted<key_material>>(
            session{id.ed, k.ik, false, true, k.prekey, 1}, {{k.km}, k.prekey, k.ik});
    }
    static result<ratchet::pending<session, key_material>> decrypt_key(const session& s,
                                                                       const key& k) {
        session next = s;
        next.confirmed = true;
        ++next.received;
        return ratchet::pending<session, key_material>(std::move(next), key_material{k.km});
    }
    static std::uint32_t receiving_chain_length(const session& s) { return s.received; }

    static result<message> parse_message(std::string_view xml) {
        E2EKIT_TRY(j, parse_json(xml));
        message m;
        m.sid = j["sid"];
        E2EKIT_TRY(ct, unhex(j["ct"]));
        m.c.ct = std::move(ct);
        for (const auto& e : j["keys"]) {
            key k;
            k.kex = e["kex"];
            E2EKIT_TRY(ik, key32(e["ik"]));
            k.ik = ik;
            k.prekey = e["pk"];
            E2EKIT_TRY(km, unhex(e["km"]));
            k.km = std::move(km);
            m.keys.emplace_back(e["jid"], e["rid"], std::move(k));
        }
        return m;
    }
    static std::uint32_t sender_device(const message& m) { return m.sid; }
    static const content& content_of(const message& m) { return m.c; }
    static const key* key_for(const message& m, std::string_view jid, std::uint32_t device) {
        for (const auto& [j, d, k] : m.keys)
            if (j == jid && d == device) return &k;
        return nullptr;
    }
    static std::string message_xml(std::uint32_t sid, const content& c,
                                   std::span<const e2ekit::session::addressed_key<key>> keys) {
        json ks = json::array();
        for (const auto& a : keys)
            ks.push_back({{"jid", a.jid},
                          {"rid", a.device},
                          {"kex", a.key.kex},
                          {"ik", hex(a.key.ik)},
                          {"pk", a.key.prekey},
                          {"km", hex(a.key.km)}});
        return json{{"sid", sid}, {"ct", hex(c.ct)}, {"keys", ks}}.dump();
    }
    static result<std::vector<e2ekit::session::listed_device>>
    parse_device_list(std::string_view xml) {
        auto j = json::parse(xml, nullptr, false);
        if (!j.is_array()) return crypto::crypto_error::invalid_key;
        std::vector<e2ekit::session::listed_device> out;
        for (const auto& e : j)
            out.push_back({e["id"], e["label"]});
        return out;
    }
    static std::string device_list_xml(std::span<const e2ekit::session::listed_device> ds) {
        json j = json::array();
        for (const auto& d : ds)
            j.push_back({{"id", d.id}, {"label", d.label}});
        return j.dump();
    }
};

} // namespace e2ekit::test

#endif
