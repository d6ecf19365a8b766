// key_trust<Store, Policy>: the levels of owners' identity keys, kept in a
// store, decided by a key policy (key_policy.hpp) for keys seen the first
// time and by the user otherwise. This is what a session manager asks
// before it encrypts to a device or releases a message from one.
//
// | call                          | does                                                  |
// |-------------------------------|-------------------------------------------------------|
// | `level_of(owner, key)`        | the custom level held, or nullopt                     |
// | `keys_of(owner)`              | every key held for the owner, with its level          |
// | `encounter(b, owner, key)`    | the core level of `key`; a key seen the first time    |
// |                               | gets `Policy::first_seen`, put into `b`               |
// | `decide(b, owner, key, l)`    | the user's decision, and the policy's follow-ups for  |
// |                               | the owner's other keys, put into `b`                  |
// | `forget(b, owner, key)`       | the key's level erased (put into `b`)                 |
//
// Nothing is stored until the caller commits `b`, so a trust decision taken
// while receiving a message lands with the session it opened, or not at all.
// The `_now` forms commit alone.
//
// | namespace     | key                                        | value              |
// |---------------|--------------------------------------------|--------------------|
// | `trust.keys`  | `<owner size>:<owner>/<base64url(key)>`    | the level's name   |
//
// The size prefix keeps one owner's keys from being listed as another's
// ("a" and "a/b" both list by prefix).
#ifndef E2EKIT_TRUST_KEY_TRUST_HPP
#define E2EKIT_TRUST_KEY_TRUST_HPP

#include <e2ekit/codec/base64.hpp>
#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/storage/batch.hpp>
#include <e2ekit/storage/concept.hpp>
#include <e2ekit/storage/error.hpp>
#include <e2ekit/trust/error.hpp>
#include <e2ekit/trust/key_policy.hpp>
#include <e2ekit/trust/level.hpp>
#include <e2ekit/trust/record.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace e2ekit::trust {

inline constexpr std::string_view key_trust_namespace = "trust.keys";

template <storage::store S, key_policy P>
class key_trust {
public:
    using scheme = typename P::scheme;
    using level_type = typename scheme::level_type;
    using entry = key_level<scheme>;

    explicit key_trust(S& store) noexcept : store_(store) {}

    /// The level held for `key` of `owner`; nullopt when none is.
    /// `bad_record` for a stored name the scheme does not know.
    result<std::optional<level_type>> level_of(std::string_view owner, bytes_view key) const {
        E2EKIT_TRY(name, key_name(owner, key));
        auto v = store_.get(key_trust_namespace, name);
        if (!v) {
            if (v.error() == storage::storage_error::not_found) return std::optional<level_type>{};
            return v.error();
        }
        E2EKIT_TRY(l, parse_level(v->view()));
        return std::optional<level_type>(l);
    }

    /// Every key held for `owner`, in key order.
    result<std::vector<entry>> keys_of(std::string_view owner) const {
        E2EKIT_CHECK(check_owner(owner));
        const std::string prefix = owner_prefix(owner);
        E2EKIT_TRY(names, store_.list(key_trust_namespace, prefix));
        std::vector<entry> out;
        out.reserve(names.size());
        for (const auto& n : names) {
            auto key = codec::base64::decode<codec::base64::url_unpadded>(
                std::string_view(n).substr(prefix.size()));
            if (!key || key->empty()) return trust_error::bad_record;
            E2EKIT_TRY(v, store_.get(key_trust_namespace, n));
            E2EKIT_TRY(l, parse_level(v.view()));
            out.push_back(entry{std::move(*key), l});
        }
        return out;
    }

    /// The core level of `key`: held, or the policy's for a new key, which
    /// is then put into `b`.
    result<level> encounter(storage::batch& b, std::string_view owner, bytes_view key) const {
        E2EKIT_TRY(held, level_of(owner, key));
        if (held) return scheme::core(*held);
        E2EKIT_TRY(others, keys_of(owner));
        const level_type l = P::first_seen(std::span<const entry>(others));
        E2EKIT_CHECK(put(b, owner, key, l));
        return scheme::core(l);
    }

    /// The user's level for `key` (held or not), and what the policy changes
    /// for the owner's other keys, put into `b`.
    result<void> decide(storage::batch& b, std::string_view owner, bytes_view key,
                        const level_type& l) const {
        E2EKIT_TRY(all, keys_of(owner));
        std::vector<entry> others;
        for (auto& e : all)
            if (!equal_public(e.key, key)) others.push_back(std::move(e));
        const entry decided{to_bytes(key), l};
        E2EKIT_CHECK(put(b, owner, key, l));
        for (const auto& change : P::after_decision(std::span<const entry>(others), decided))
            E2EKIT_CHECK(put(b, owner, change.key, change.trust));
        return ok();
    }

    result<void> forget(storage::batch& b, std::string_view owner, bytes_view key) const {
        E2EKIT_TRY(name, key_name(owner, key));
        b.erase(key_trust_namespace, name);
        return ok();
    }

    result<level> encounter_now(std::string_view owner, bytes_view key) {
        storage::batch b;
        E2EKIT_TRY(l, encounter(b, owner, key));
        if (!b.empty()) E2EKIT_CHECK(store_.commit(b));
        return l;
    }
    result<void> decide_now(std::string_view owner, bytes_view key, const level_type& l) {
        storage::batch b;
        E2EKIT_CHECK(decide(b, owner, key, l));
        return store_.commit(b);
    }

private:
    static result<void> check_owner(std::string_view owner) {
        if (owner.empty()) return storage::storage_error::invalid_key;
        return storage::check_key(owner);
    }
    static std::string owner_prefix(std::string_view owner) {
        return std::to_string(owner.size()) + ":" + std::string(owner) + "/";
    }
    static result<std::string> key_name(std::string_view owner, bytes_view key) {
        E2EKIT_CHECK(check_owner(owner));
        if (key.empty() || key.size() > max_key_size) return trust_error::bad_record;
        std::string name =
            owner_prefix(owner) + codec::base64::encode<codec::base64::url_unpadded>(key);
        E2EKIT_CHECK(storage::check_key(name));
        return name;
    }
    static result<level_type> parse_level(bytes_view stored) {
        const auto l = scheme::from_name(as_chars(stored));
        if (!l) return trust_error::bad_record;
        return *l;
    }
    static result<void> put(storage::batch& b, std::string_view owner, bytes_view key,
                            const level_type& l) {
        E2EKIT_TRY(name, key_name(owner, key));
        b.put(key_trust_namespace, name, as_bytes(scheme::name(l)));
        return ok();
    }

    S& store_;
};

} // namespace e2ekit::trust

#endif
