// barrack<Store>: DIMP's entity database (sdk-py's Facebook, Barrack and
// Archivist) over an e2ekit store: metas, documents, group members, and the
// local users' private keys. What it saves it has checked, what it reads it
// checks again (a store's bytes are input like any other).
//
// | namespace       | key                       | value                                  |
// |-----------------|---------------------------|----------------------------------------|
// | `dimp.meta`     | `name@address`            | the meta map, as json.dumps writes it  |
// | `dimp.document` | `name@address#<type>`     | the document's wire map                |
// | `dimp.members`  | group `name@address`      | JSON array of member IDs               |
// | `dimp.private`  | `name@address#meta|visa`  | the private key map (secret)           |
//
// Rules (as the reference's archivist applies them):
// - a meta is saved only for an ID it generates, and never replaced by
//   another (`id_mismatch`); saving the same meta again changes nothing;
// - a document is saved only when the meta of its ID is held and signs it
//   (a bulletin: the group's meta, which its founder made), and only when
//   it is newer than the one held (`outdated`);
// - a message's sender keys are its visa key, then its meta key; messages
//   to a user are encrypted to the visa key, else the meta key.
//
// Every change goes through a batch, so a caller can put the documents a
// message carried and the key it opened with into one commit. The `save_`
// forms commit alone. One store may hold several accounts' barracks under
// storage::scoped.
#ifndef E2EKIT_PROTOCOLS_DIMP_BARRACK_HPP
#define E2EKIT_PROTOCOLS_DIMP_BARRACK_HPP

#include <e2ekit/codec/json.hpp>
#include <e2ekit/codec/json_python.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/protocols/dimp/concept.hpp>
#include <e2ekit/protocols/dimp/detail/fields.hpp>
#include <e2ekit/protocols/dimp/document.hpp>
#include <e2ekit/protocols/dimp/error.hpp>
#include <e2ekit/protocols/dimp/id.hpp>
#include <e2ekit/protocols/dimp/keys.hpp>
#include <e2ekit/protocols/dimp/meta.hpp>
#include <e2ekit/protocols/dimp/packer.hpp>
#include <e2ekit/storage/batch.hpp>
#include <e2ekit/storage/concept.hpp>
#include <e2ekit/storage/error.hpp>
#include <e2ekit/storage/memory_store.hpp>

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace e2ekit::protocols::dimp {

/// Which of a local user's private keys: the meta key signs (messages,
/// visas), the visa key decrypts message keys.
enum class key_role { meta, visa };

namespace barrack_names {
inline constexpr std::string_view meta = "dimp.meta";
inline constexpr std::string_view document = "dimp.document";
inline constexpr std::string_view members = "dimp.members";
inline constexpr std::string_view private_key = "dimp.private";
} // namespace barrack_names

template <storage::store S>
class barrack {
public:
    using entity_database_concept = entity_database_tag;

    explicit barrack(S& store) noexcept : store_(store) {}

    // ---- metas ---------------------------------------------------------------

    /// Adds `m` for `who` to `b`: `id_mismatch` unless `m` generates `who`
    /// and agrees with any meta already held.
    result<void> add_meta(storage::batch& b, const id& who, const meta& m) const {
        E2EKIT_CHECK(m.match(who));
        E2EKIT_TRY(held, meta_of(who));
        if (held) {
            if (!(held->key() == m.key())) return dimp_error::id_mismatch;
            return ok(); // the same meta: nothing to write
        }
        E2EKIT_TRY(text, codec::json::python_dumps(m.to_json()));
        b.put(barrack_names::meta, key_of(who), as_bytes(text));
        return ok();
    }
    result<void> save_meta(const id& who, const meta& m) {
        return commit_one(&barrack::add_meta, who, m);
    }

    /// The meta held for `who` (nullopt when none), validated again.
    result<std::optional<meta>> meta_of(const id& who) const {
        E2EKIT_TRY(text, read(barrack_names::meta, key_of(who)));
        if (!text) return std::optional<meta>{};
        auto j = codec::json::parse(as_chars(text->view()));
        if (!j) return storage::storage_error::corrupt;
        E2EKIT_TRY(m, meta::parse(*j));
        E2EKIT_CHECK(m.match(who));
        return std::optional<meta>(std::move(m));
    }

    // ---- documents -------------------------------------------------------------

    /// Adds `doc` to `b` once it verifies for its ID under the meta held
    /// (`unknown_entity` when none) and is newer than the document of its
    /// type already held (`outdated`).
    result<void> add_document(storage::batch& b, const document& doc) const {
        E2EKIT_TRY(m, meta_of(doc.did()));
        if (!m) return dimp_error::unknown_entity;
        return add_document(b, doc, *m);
    }
    /// The same under `owner_meta`, the meta of the document's ID (held, or
    /// arriving in the same batch).
    result<void> add_document(storage::batch& b, const document& doc,
                              const meta& owner_meta) const {
        const id owner = doc.did().without_terminal();
        E2EKIT_CHECK(doc.verify_for(owner, owner_meta));
        E2EKIT_TRY(held, document_of(owner, doc.type()));
        if (held && !(doc.time().value_or(0) > held->time().value_or(0)))
            return dimp_error::outdated;
        E2EKIT_TRY(text, codec::json::python_dumps(doc.to_json()));
        b.put(barrack_names::document, key_of(owner) + "#" + doc.type(), as_bytes(text));
        return ok();
    }
    result<void> save_document(const document& doc) {
        storage::batch b;
        E2EKIT_CHECK(add_document(b, doc));
        return store_.commit(b);
    }

    /// The document of `type` held for `who` (nullopt when none), verified again.
    result<std::optional<document>> document_of(const id& who, std::string_view type) const {
        const id owner = who.without_terminal();
        E2EKIT_TRY(text, read(barrack_names::document, key_of(owner) + "#" + std::string(type)));
        if (!text) return std::optional<document>{};
        auto j = codec::json::parse(as_chars(text->view()));
        if (!j) return storage::storage_error::corrupt;
        E2EKIT_TRY(doc, document::parse(*j));
        E2EKIT_TRY(m, meta_of(owner));
        if (!m) return dimp_error::unknown_entity;
        E2EKIT_CHECK(doc.verify_for(owner, *m));
        return std::optional<document>(std::move(doc));
    }

    result<std::optional<document>> visa_of(const id& who) const {
        return document_of(who, document_types::visa);
    }

    // ---- keys of other users ---------------------------------------------------

    /// The key messages to `who` are encrypted to (visa key, else meta key).
    result<public_key> encryption_key(const id& who) const {
        E2EKIT_TRY(m, meta_of(who));
        if (!m) return dimp_error::unknown_entity;
        E2EKIT_TRY(v, visa_of(who));
        return encryption_key_of(*m, v ? &*v : nullptr);
    }

    /// The keys `who`'s signatures verify under: visa key (if any), meta key.
    result<std::vector<public_key>> verify_keys(const id& who) const {
        E2EKIT_TRY(m, meta_of(who));
        if (!m) return dimp_error::unknown_entity;
        E2EKIT_TRY(v, visa_of(who));
        std::vector<public_key> out;
        if (v) {
            auto k = v->visa_key();
            if (k && *k) out.push_back(std::move(**k));
        }
        out.push_back(m->key().clone());
        return out;
    }

    // ---- groups ----------------------------------------------------------------

    result<void> add_members(storage::batch& b, const id& group,
                             const std::vector<id>& members) const {
        if (!group.is_group()) return dimp_error::invalid_id;
        nlohmann::json list = nlohmann::json::array();
        for (const auto& m : members) {
            if (!m.is_user()) return dimp_error::invalid_id;
            list.push_back(m.without_terminal().str());
        }
        E2EKIT_TRY(text, codec::json::python_dumps(list));
        b.put(barrack_names::members, key_of(group), as_bytes(text));
        return ok();
    }
    result<void> save_members(const id& group, const std::vector<id>& members) {
        storage::batch b;
        E2EKIT_CHECK(add_members(b, group, members));
        return store_.commit(b);
    }

    /// The members held for `group`; `unknown_entity` when none are.
    result<std::vector<id>> members(const id& group) const {
        E2EKIT_TRY(text, read(barrack_names::members, key_of(group)));
        if (!text) return dimp_error::unknown_entity;
        const result<nlohmann::json> j = codec::json::parse(as_chars(text->view()));
        if (!j || !j->is_array()) return storage::storage_error::corrupt;
        std::vector<id> out;
        for (const auto& e : *j) {
            if (!e.is_string()) return storage::storage_error::corrupt;
            E2EKIT_TRY(m, id::parse(e.get_ref<const std::string&>()));
            out.push_back(std::move(m));
        }
        return out;
    }

    // ---- local users' private keys -----------------------------------------------

    /// Adds a local user's private key: the meta key must be the meta's
    /// (`id_mismatch`), a visa key the held visa's.
    result<void> add_private_key(storage::batch& b, const id& who, key_role role,
                                 const private_key& key) const {
        const auto pub = key.public_key();
        if (role == key_role::meta) {
            E2EKIT_TRY(m, meta_of(who));
            if (!m) return dimp_error::unknown_entity;
            if (!(m->key() == pub)) return dimp_error::id_mismatch;
        } else {
            E2EKIT_TRY(v, visa_of(who));
            if (!v) return dimp_error::unknown_entity;
            E2EKIT_TRY(vk, v->visa_key());
            if (!vk || !(*vk == pub)) return dimp_error::id_mismatch;
        }
        b.put(barrack_names::private_key, private_name(who, role), key.to_json());
        return ok();
    }
    result<void> save_private_key(const id& who, key_role role, const private_key& key) {
        storage::batch b;
        E2EKIT_CHECK(add_private_key(b, who, role, key));
        return store_.commit(b);
    }

    result<std::optional<private_key>> private_key_of(const id& who, key_role role) const {
        E2EKIT_TRY(text, read(barrack_names::private_key, private_name(who, role)));
        if (!text) return std::optional<private_key>{};
        auto j = codec::json::parse(as_chars(text->view()));
        if (!j) return storage::storage_error::corrupt;
        auto k = private_key::from_json(*j);
        detail::wipe_strings(*j);
        if (!k) return k.error();
        return std::optional<private_key>(std::move(*k));
    }

    /// A local user's keys for message keys, in the order to try: visa key,
    /// meta key (an RSA meta key decrypts too).
    result<std::vector<private_key>> decrypt_keys(const id& who) const {
        std::vector<private_key> out;
        for (auto role : {key_role::visa, key_role::meta}) {
            E2EKIT_TRY(k, private_key_of(who, role));
            if (k) out.push_back(std::move(*k));
        }
        if (out.empty()) return dimp_error::unknown_entity;
        return out;
    }

    /// A local user's signing key (the meta key).
    result<private_key> sign_key(const id& who) const {
        E2EKIT_TRY(k, private_key_of(who, key_role::meta));
        if (!k) return dimp_error::unknown_entity;
        return std::move(*k);
    }

    S& store() noexcept { return store_; }

private:
    static std::string key_of(const id& who) { return who.without_terminal().str(); }
    static std::string private_name(const id& who, key_role role) {
        return key_of(who) + (role == key_role::meta ? "#meta" : "#visa");
    }

    /// The value, or nullopt when there is none.
    result<std::optional<secret_bytes>> read(std::string_view ns, const std::string& key) const {
        auto v = store_.get(ns, key);
        if (!v) {
            if (v.error() == storage::storage_error::not_found)
                return std::optional<secret_bytes>{};
            return v.error();
        }
        return std::optional<secret_bytes>(std::move(*v));
    }

    template <class Add, class... A>
    result<void> commit_one(Add add, const A&... args) {
        storage::batch b;
        E2EKIT_CHECK((this->*add)(b, args...));
        return store_.commit(b);
    }

    S& store_;
};

static_assert(entity_database<barrack<storage::memory_store>, storage::memory_store>);

} // namespace e2ekit::protocols::dimp

#endif
