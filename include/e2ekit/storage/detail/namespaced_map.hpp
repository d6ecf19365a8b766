// The index every shipped store keeps: namespace -> key -> V, sorted, with
// a commit path that gives the strong exception guarantee. A `changes`
// object holds the net effect of a batch with every node already allocated
// (outside any lock, and before a durable store writes its log); `apply`
// then only splices nodes and moves values, and cannot throw. Without that,
// a bad_alloc between a durable write and the index update would leave the
// process disagreeing with its own disk.
#ifndef E2EKIT_STORAGE_DETAIL_NAMESPACED_MAP_HPP
#define E2EKIT_STORAGE_DETAIL_NAMESPACED_MAP_HPP

#include <cstddef>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace e2ekit::storage::detail {

template <class V>
class namespaced_map {
public:
    using keys = std::map<std::string, V, std::less<>>;
    using spaces = std::map<std::string, keys, std::less<>>;

    /// The net effect of a batch: per namespace, the keys to set and the
    /// keys to erase (disjoint: the later operation on a key wins).
    class changes {
    public:
        void put(std::string_view ns, std::string_view key, V v) {
            auto& s = space(ns);
            if (auto e = s.erases.find(key); e != s.erases.end()) s.erases.erase(e);
            auto it = s.puts.find(key);
            if (it == s.puts.end())
                s.puts.emplace(std::string(key), std::move(v));
            else
                it->second = std::move(v);
        }
        void erase(std::string_view ns, std::string_view key) {
            auto& s = space(ns);
            if (auto p = s.puts.find(key); p != s.puts.end()) s.puts.erase(p);
            s.erases.emplace(key);
        }
        template <class F>
        void for_each_put(F&& f) const {
            for (const auto& [ns, s] : by_ns_)
                for (const auto& [key, v] : s.puts)
                    f(ns, key, v);
        }

    private:
        friend class namespaced_map;
        struct space_changes {
            keys puts;
            std::set<std::string, std::less<>> erases;
        };
        space_changes& space(std::string_view ns) {
            auto s = by_ns_.find(ns);
            if (s == by_ns_.end()) {
                s = by_ns_.emplace(std::string(ns), space_changes{}).first;
                fresh_.try_emplace(std::string(ns)); // the node a new namespace will use
            }
            return s->second;
        }
        std::map<std::string, space_changes, std::less<>> by_ns_;
        spaces fresh_;
    };

    const V* find(std::string_view ns, std::string_view key) const noexcept {
        auto space = spaces_.find(ns);
        if (space == spaces_.end()) return nullptr;
        auto it = space->second.find(key);
        return it == space->second.end() ? nullptr : &it->second;
    }

    std::vector<std::string> list(std::string_view ns, std::string_view prefix) const {
        std::vector<std::string> out;
        auto space = spaces_.find(ns);
        if (space == spaces_.end()) return out;
        for (auto it = space->second.lower_bound(prefix);
             it != space->second.end() && std::string_view(it->first).starts_with(prefix); ++it)
            out.push_back(it->first);
        return out;
    }

    /// Applies `c` (consuming it). `dropped(old)` sees each value that is
    /// overwritten or erased, just before it goes.
    template <class F>
    void apply(changes& c, F&& dropped) noexcept {
        for (auto& [ns, s] : c.by_ns_) {
            auto space = spaces_.find(ns);
            if (space == spaces_.end()) {
                if (s.puts.empty()) continue;
                space = spaces_.insert(c.fresh_.extract(ns)).position;
            }
            keys& k = space->second;
            for (const auto& key : s.erases) {
                if (auto it = k.find(key); it != k.end()) {
                    dropped(std::as_const(it->second));
                    k.erase(it);
                    --count_;
                }
            }
            while (!s.puts.empty()) {
                auto node = s.puts.extract(s.puts.begin());
                if (auto it = k.find(node.key()); it != k.end()) {
                    dropped(std::as_const(it->second));
                    it->second = std::move(node.mapped());
                } else {
                    k.insert(std::move(node));
                    ++count_;
                }
            }
            if (k.empty()) spaces_.erase(space);
        }
    }

    void apply(changes& c) noexcept {
        apply(c, [](const V&) noexcept {});
    }

    template <class F>
    void for_each(F&& f) const {
        for (const auto& [ns, k] : spaces_)
            for (const auto& [key, v] : k)
                f(ns, key, v);
    }

    std::size_t size() const noexcept { return count_; }

    void swap(namespaced_map& o) noexcept {
        spaces_.swap(o.spaces_);
        std::swap(count_, o.count_);
    }

private:
    spaces spaces_;
    std::size_t count_ = 0;
};

} // namespace e2ekit::storage::detail

#endif
