// memory_store: a store that lives as long as the object. For tests, for
// caches in front of another store, and for clients that keep nothing on
// the device. Values are `secret_bytes`, so an overwrite, an erase and the
// destructor wipe them.
//
// Thread safety: one std::shared_mutex per store. Reads share it, a commit
// holds it alone, so any number of threads may use one store, and every
// call sees the store between two commits, never halfway through one.
//
// A commit gives the strong guarantee even when memory runs out: every
// allocation is made first, into staging nodes, and the apply step only
// splices nodes and moves values, which cannot throw.
#ifndef E2EKIT_STORAGE_MEMORY_STORE_HPP
#define E2EKIT_STORAGE_MEMORY_STORE_HPP

#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/storage/batch.hpp>
#include <e2ekit/storage/concept.hpp>
#include <e2ekit/storage/detail/namespaced_map.hpp>
#include <e2ekit/storage/error.hpp>

#include <cstddef>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace e2ekit::storage {

class memory_store {
public:
    using store_concept = store_tag;

    memory_store() = default;
    memory_store(const memory_store&) = delete;
    memory_store& operator=(const memory_store&) = delete;
    memory_store(memory_store&& o) noexcept {
        std::unique_lock lock(o.mutex_);
        map_.swap(o.map_);
    }
    memory_store& operator=(memory_store&& o) noexcept {
        if (this != &o) {
            std::scoped_lock lock(mutex_, o.mutex_);
            map().swap(map_); // wipes our values now
            map_.swap(o.map_);
        }
        return *this;
    }
    ~memory_store() = default;

    result<secret_bytes> get(std::string_view ns, std::string_view key) const {
        E2EKIT_CHECK(check_names(ns, key));
        std::shared_lock lock(mutex_);
        const auto* v = map_.find(ns, key);
        if (!v) return storage_error::not_found;
        return v->clone();
    }

    result<bool> contains(std::string_view ns, std::string_view key) const {
        E2EKIT_CHECK(check_names(ns, key));
        std::shared_lock lock(mutex_);
        return map_.find(ns, key) != nullptr;
    }

    result<std::vector<std::string>> list(std::string_view ns, std::string_view prefix) const {
        E2EKIT_CHECK(check_namespace(ns));
        std::shared_lock lock(mutex_);
        return map_.list(ns, prefix);
    }

    result<void> commit(const batch& b) {
        E2EKIT_CHECK(b.check());
        map::changes c;
        for (const auto& o : b) {
            if (o.kind == batch::op_kind::put)
                c.put(o.ns, o.key, o.value.clone());
            else
                c.erase(o.ns, o.key);
        }
        std::unique_lock lock(mutex_);
        map_.apply(c);
        return ok();
    }

    /// As above, moving the values out of the batch instead of copying them.
    result<void> commit(batch&& b) {
        E2EKIT_CHECK(b.check());
        map::changes c;
        for (auto& o : std::move(b).release()) {
            if (o.kind == batch::op_kind::put)
                c.put(o.ns, o.key, std::move(o.value));
            else
                c.erase(o.ns, o.key);
        }
        std::unique_lock lock(mutex_);
        map_.apply(c);
        return ok();
    }

    /// Entries over all namespaces.
    std::size_t size() const {
        std::shared_lock lock(mutex_);
        return map_.size();
    }

private:
    using map = detail::namespaced_map<secret_bytes>;

    map map_;
    mutable std::shared_mutex mutex_;
};
static_assert(store<memory_store>);

} // namespace e2ekit::storage

#endif
