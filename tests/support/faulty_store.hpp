// Two helpers for "a failed step changes nothing stored" tests: a store
// wrapper that counts commits and refuses them on demand (`faulty_store`),
// and a byte-for-byte picture of what a store holds in some namespaces
// (`snapshot`), to compare before and after.
#ifndef E2EKIT_TESTS_SUPPORT_FAULTY_STORE_HPP
#define E2EKIT_TESTS_SUPPORT_FAULTY_STORE_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/storage/concept.hpp>

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace e2ekit::test {

/// Forwards to `S`; `commit` fails with `io_error` while `fail` is set.
template <class S>
class faulty_store {
public:
    using store_concept = storage::store_tag;
    explicit faulty_store(S& s) : s_(&s) {}

    result<secret_bytes> get(std::string_view ns, std::string_view key) const {
        return s_->get(ns, key);
    }
    result<bool> contains(std::string_view ns, std::string_view key) const {
        return s_->contains(ns, key);
    }
    result<std::vector<std::string>> list(std::string_view ns, std::string_view prefix) const {
        return s_->list(ns, prefix);
    }
    result<void> commit(const storage::batch& b) {
        ++commits;
        if (fail) return storage::storage_error::io_error;
        return s_->commit(b);
    }

    int commits = 0;
    bool fail = false;

private:
    S* s_;
};

/// Every key and value of `namespaces` ("<ns> <key>" -> value); throws if
/// the store cannot be read, which a test reports as a failure.
template <class S, class Namespaces>
std::map<std::string, bytes> snapshot(const S& s, const Namespaces& namespaces) {
    std::map<std::string, bytes> out;
    for (std::string_view ns : namespaces) {
        auto keys = s.list(ns, "");
        if (!keys) throw std::runtime_error("snapshot: list failed");
        for (const auto& k : *keys) {
            auto v = s.get(ns, k);
            if (!v) throw std::runtime_error("snapshot: get failed");
            out[std::string(ns) + " " + k] = to_bytes(v->view());
        }
    }
    return out;
}

} // namespace e2ekit::test

#endif
