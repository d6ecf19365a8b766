// scoped<Store>: one account's view of a shared store. It is itself a
// store: every namespace it names is nested under the account, so a
// session layer written against `store` runs unchanged per account, and one
// account can neither read, list nor overwrite another's keys.
//
// The nested namespace is `escape(account) + '/' + ns`, where the escape
// turns '%', '/' and NUL into "%25", "%2F" and "%00". The escaped account
// holds no '/', so the prefix ends at the first '/' and two accounts never
// share one: "a" with namespace "b/c" is "a/b/c", while account "a/b" with
// namespace "c" is "a%2Fb/c". Any account string is accepted (XMPP full JIDs
// contain '/'); a nested name that outgrows `limits::max_namespace_size` is
// reported as `invalid_key` by the store underneath.
//
// The view holds a reference: the store must outlive it. It is as
// thread-safe as the store it views.
#ifndef E2EKIT_STORAGE_SCOPED_HPP
#define E2EKIT_STORAGE_SCOPED_HPP

#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/storage/batch.hpp>
#include <e2ekit/storage/concept.hpp>
#include <e2ekit/storage/error.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace e2ekit::storage {

/// The reversible escape of an account name used by `scoped`.
inline std::string escape_account(std::string_view account) {
    std::string out;
    out.reserve(account.size());
    for (char c : account) {
        switch (c) {
        case '%': out += "%25"; break;
        case '/': out += "%2F"; break;
        case '\0': out += "%00"; break;
        default: out += c;
        }
    }
    return out;
}

template <store S>
class scoped {
public:
    using store_concept = store_tag;
    using underlying_type = S;

    scoped(S& s, std::string_view account) : s_(&s), prefix_(escape_account(account) + '/') {}

    result<secret_bytes> get(std::string_view ns, std::string_view key) const {
        E2EKIT_CHECK(check_namespace(ns));
        return s_->get(nested(ns), key);
    }

    result<bool> contains(std::string_view ns, std::string_view key) const {
        E2EKIT_CHECK(check_namespace(ns));
        return s_->contains(nested(ns), key);
    }

    result<std::vector<std::string>> list(std::string_view ns, std::string_view prefix) const {
        E2EKIT_CHECK(check_namespace(ns));
        return s_->list(nested(ns), prefix);
    }

    result<void> commit(const batch& b) {
        E2EKIT_CHECK(b.check());
        batch out;
        for (const auto& o : b) {
            if (o.kind == batch::op_kind::put)
                out.put(nested(o.ns), o.key, o.value.clone());
            else
                out.erase(nested(o.ns), o.key);
        }
        return s_->commit(std::move(out));
    }

    /// As above, moving the values on instead of copying them.
    result<void> commit(batch&& b) {
        E2EKIT_CHECK(b.check());
        batch out;
        for (auto& o : std::move(b).release()) {
            if (o.kind == batch::op_kind::put)
                out.put(nested(o.ns), o.key, std::move(o.value));
            else
                out.erase(nested(o.ns), o.key);
        }
        return s_->commit(std::move(out));
    }

    /// The namespace this view gives the underlying store for `ns`.
    std::string nested(std::string_view ns) const {
        std::string out;
        out.reserve(prefix_.size() + ns.size());
        out += prefix_;
        out += ns;
        return out;
    }

    S& underlying() const noexcept { return *s_; }

private:
    S* s_;
    std::string prefix_;
};

} // namespace e2ekit::storage

#endif
