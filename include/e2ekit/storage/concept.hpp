// The store concept: a durable key-value map with namespaces, so several
// accounts or record kinds share one store, whose values are secrets (session
// state holds keys) and whose only write is an atomic batch.
//
// A type opts in with `using store_concept = e2ekit::storage::store_tag;`
// and then must offer, for `s` a `S&`, `cs` a `const S&`, `ns`, `key` and
// `prefix` `std::string_view`s and `b` a `const storage::batch&`:
//
// | expression             | type                               | semantics                  |
// |------------------------|------------------------------------|----------------------------|
// | `S::store_concept`     | `store_tag`                        | the opt-in (1)             |
// | `cs.get(ns, key)`      | `result<secret_bytes>`             | last committed value (2)   |
// | `cs.contains(ns, key)` | `result<bool>`                     | whether `get` finds it     |
// | `cs.list(ns, prefix)`  | `result<std::vector<std::string>>` | keys with that prefix (3)  |
// | `s.commit(b)`          | `result<void>`                     | all of `b` or nothing (4)  |
//
// (1) A type that merely has these members is not a store.
// (2) `storage_error::not_found` when there is none, `invalid_key` for a bad
//     name (see `valid_name`), `corrupt` when the stored bytes fail their
//     check. The value comes back in wiped memory.
// (3) The keys of `ns` that begin with `prefix` (empty: all of them), sorted
//     by bytes, without duplicates; `invalid_key` for a bad namespace.
// (4) Applies every operation of `b` in order, or none: on an error the
//     store reads exactly as before. On success the change is visible to
//     every later call and as durable as the store promises (memory: for
//     the life of the object; filesystem: survives a crash or power loss).
//     A batch that fails `b.check()` returns its error and changes nothing.
//     One error is weaker: `outcome_unknown` (a durable store could not
//     undo a failed write) means the batch holds wholly or not at all, and
//     only reopening the store tells which; never a part of it.
//
// Laws (checked for every shipped store by tests/support/laws/storage.hpp):
// get after put returns the bytes put; erase makes get fail with not_found;
// namespaces never see each other's keys; a commit that fails leaves no
// trace; committing an empty batch succeeds and changes nothing.
//
// Reads take `const S&`; a store that may be shared between threads says
// so in its own header (every shipped store is: one lock per store).
#ifndef E2EKIT_STORAGE_CONCEPT_HPP
#define E2EKIT_STORAGE_CONCEPT_HPP

#include <e2ekit/core/bytes.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/core/secret.hpp>
#include <e2ekit/storage/batch.hpp>
#include <e2ekit/storage/error.hpp>

#include <concepts>
#include <string>
#include <string_view>
#include <vector>

namespace e2ekit::storage {

/// The opt-in tag: `using store_concept = store_tag;`.
struct store_tag {};

namespace detail {

template <class S>
concept opts_into_store = requires {
    typename S::store_concept;
}
&&std::same_as<typename S::store_concept, store_tag>;

template <class S>
concept reads_secret_values = requires(const S& cs, std::string_view ns, std::string_view key) {
    { cs.get(ns, key) } -> std::same_as<result<secret_bytes>>;
    { cs.contains(ns, key) } -> std::same_as<result<bool>>;
};

template <class S>
concept lists_keys = requires(const S& cs, std::string_view ns, std::string_view prefix) {
    { cs.list(ns, prefix) } -> std::same_as<result<std::vector<std::string>>>;
};

template <class S>
concept commits_batches = requires(S& s, const batch& b) {
    { s.commit(b) } -> std::same_as<result<void>>;
};

} // namespace detail

template <class S>
concept store = detail::opts_into_store<S> && detail::reads_secret_values<S> &&
    detail::lists_keys<S> && detail::commits_batches<S>;

/// Commits a batch of one put: for the rare write that is not part of a
/// larger step (a protocol step collects its writes into one batch).
template <store S>
result<void> put_one(S& s, std::string_view ns, std::string_view key, bytes_view value) {
    batch b;
    b.put(ns, key, value);
    return s.commit(b);
}

/// Commits a batch of one erase.
template <store S>
result<void> erase_one(S& s, std::string_view ns, std::string_view key) {
    batch b;
    b.erase(ns, key);
    return s.commit(b);
}

} // namespace e2ekit::storage

#endif
