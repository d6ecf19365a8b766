// The storage archetype: a store that offers exactly what
// `e2ekit::storage::store` asks and nothing more (no rvalue commit, no
// size(), no thread safety, not even a default constructor: it is built
// from a tag), so that generic code which compiles against it uses nothing
// beyond the concept. It works, so the laws run against it too.
#ifndef E2EKIT_TESTS_SUPPORT_STORAGE_ARCHETYPE_HPP
#define E2EKIT_TESTS_SUPPORT_STORAGE_ARCHETYPE_HPP

#include <e2ekit/storage/concept.hpp>

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace e2ekit::test {

class storage_archetype {
public:
    using store_concept = storage::store_tag;
    struct make_tag {};

    explicit storage_archetype(make_tag) {}
    storage_archetype(const storage_archetype&) = delete;
    storage_archetype& operator=(const storage_archetype&) = delete;
    storage_archetype(storage_archetype&&) = default;
    storage_archetype& operator=(storage_archetype&&) = default;

    result<secret_bytes> get(std::string_view ns, std::string_view key) const {
        E2EKIT_CHECK(storage::check_names(ns, key));
        auto it = m_.find({std::string(ns), std::string(key)});
        if (it == m_.end()) return storage::storage_error::not_found;
        return it->second.clone();
    }
    result<bool> contains(std::string_view ns, std::string_view key) const {
        E2EKIT_CHECK(storage::check_names(ns, key));
        return m_.count({std::string(ns), std::string(key)}) != 0;
    }
    result<std::vector<std::string>> list(std::string_view ns, std::string_view prefix) const {
        E2EKIT_CHECK(storage::check_namespace(ns));
        std::vector<std::string> out;
        for (const auto& [k, v] : m_)
            if (k.first == ns && std::string_view(k.second).starts_with(prefix))
                out.push_back(k.second);
        return out;
    }
    // All or nothing by working on a copy.
    result<void> commit(const storage::batch& b) {
        E2EKIT_CHECK(b.check());
        auto next = copy();
        for (const auto& o : b) {
            if (o.kind == storage::batch::op_kind::put)
                next.insert_or_assign({o.ns, o.key}, o.value.clone());
            else
                next.erase({o.ns, o.key});
        }
        m_.swap(next);
        return ok();
    }

private:
    using map = std::map<std::pair<std::string, std::string>, secret_bytes>;
    map copy() const {
        map out;
        for (const auto& [k, v] : m_)
            out.emplace(k, v.clone());
        return out;
    }
    map m_;
};
static_assert(storage::store<storage_archetype>);

} // namespace e2ekit::test

#endif
