// The two storage-backed policies a DIMP messenger (messenger.hpp) is made
// of: the entity database (sdk-py's Facebook / Barrack / Archivist) and the
// message-key cache (sdk-py's CipherKeyDelegate). Shipped: barrack.hpp and
// key_store.hpp; a client with its own database (a server's directory, a
// cache in front of a remote one) writes its own and keeps the messenger.
//
// Both are made from the store they work on (`T(s)`, `s` a `S&`) so the
// messenger can put what a step learnt from both into one batch and commit
// it before it hands a message back. Every `add` only writes to the batch:
// nothing is stored until the messenger commits it.
//
// An entity database opts in with `using entity_database_concept =
// e2ekit::protocols::dimp::entity_database_tag;` and then offers, for `cb`
// a `const B&`, `b` a `storage::batch&`, `who` a `const id&`, `doc` a
// `const document&` and `m` a `const meta&`:
//
// | expression                    | type                                 | semantics            |
// |-------------------------------|--------------------------------------|----------------------|
// | `cb.meta_of(who)`             | `result<std::optional<meta>>`        | held and matching    |
// |                               |                                      | `who`, or nullopt    |
// | `cb.add_meta(b, who, m)`      | `result<void>`                       | puts `m` into `b`    |
// |                               |                                      | when it generates    |
// |                               |                                      | `who` (`id_mismatch`)|
// | `cb.visa_of(who)`             | `result<std::optional<document>>`    | held and verified,   |
// |                               |                                      | or nullopt           |
// | `cb.add_document(b, doc, m)`  | `result<void>`                       | (1)                  |
// | `cb.members(who)`             | `result<std::vector<id>>`            | a group's members;   |
// |                               |                                      | `unknown_entity`     |
// | `cb.encryption_key(who)`      | `result<public_key>`                 | visa key, else meta  |
// |                               |                                      | key                  |
// | `cb.sign_key(who)`            | `result<private_key>`                | a local user's meta  |
// |                               |                                      | key                  |
// | `cb.decrypt_keys(who)`        | `result<std::vector<private_key>>`   | a local user's keys, |
// |                               |                                      | in the order to try  |
//
// (1) Puts `doc` into `b` once it verifies under `m` (the meta of its ID,
//     held or arriving in the same batch); `outdated` when it is not newer
//     than the one held, which the messenger treats as "already known".
//
// A key cache opts in with `using key_cache_concept =
// e2ekit::protocols::dimp::key_cache_tag;` and then offers, for `ck` a
// `const K&`, `from` and `to` `const id&`, `k` a `const symmetric_key&` and
// `r` a `system_random&` (any random source, in fact):
//
// | expression                          | type                                  | semantics     |
// |-------------------------------------|---------------------------------------|---------------|
// | `ck.get(from, to)`                  | `result<std::optional<symmetric_key>>`| PLAIN for a   |
// |                                     |                                       | broadcast `to`|
// | `ck.add(b, from, to, k)`            | `void`                                | keep `k` for  |
// |                                     |                                       | that direction|
// | `ck.get_or_generate(b, from, to, r)`| `result<symmetric_key>`               | held, or a new|
// |                                     |                                       | one, added    |
#ifndef E2EKIT_PROTOCOLS_DIMP_CONCEPT_HPP
#define E2EKIT_PROTOCOLS_DIMP_CONCEPT_HPP

#include <e2ekit/core/random.hpp>
#include <e2ekit/core/result.hpp>
#include <e2ekit/protocols/dimp/document.hpp>
#include <e2ekit/protocols/dimp/id.hpp>
#include <e2ekit/protocols/dimp/keys.hpp>
#include <e2ekit/protocols/dimp/meta.hpp>
#include <e2ekit/storage/batch.hpp>
#include <e2ekit/storage/concept.hpp>

#include <concepts>
#include <optional>
#include <vector>

namespace e2ekit::protocols::dimp {

/// The opt-in tag of `entity_database`.
struct entity_database_tag {};
/// The opt-in tag of `key_cache`.
struct key_cache_tag {};

template <class B, class S>
concept entity_database = storage::store<S> &&
    std::same_as<typename B::entity_database_concept, entity_database_tag> &&
    std::constructible_from<B, S&> &&
    requires(const B& cb, storage::batch& b, const id& who, const document& doc, const meta& m) {
    { cb.meta_of(who) } -> std::same_as<result<std::optional<meta>>>;
    { cb.add_meta(b, who, m) } -> std::same_as<result<void>>;
    { cb.visa_of(who) } -> std::same_as<result<std::optional<document>>>;
    { cb.add_document(b, doc, m) } -> std::same_as<result<void>>;
    { cb.members(who) } -> std::same_as<result<std::vector<id>>>;
    { cb.encryption_key(who) } -> std::same_as<result<public_key>>;
    { cb.sign_key(who) } -> std::same_as<result<private_key>>;
    { cb.decrypt_keys(who) } -> std::same_as<result<std::vector<private_key>>>;
};

template <class K, class S>
concept key_cache = storage::store<S> &&
    std::same_as<typename K::key_cache_concept, key_cache_tag> && std::constructible_from<K, S&> &&
    requires(const K& ck, storage::batch& b, const id& from, const id& to, const symmetric_key& k,
             system_random& r) {
    { ck.get(from, to) } -> std::same_as<result<std::optional<symmetric_key>>>;
    { ck.add(b, from, to, k) } -> std::same_as<void>;
    { ck.get_or_generate(b, from, to, r) } -> std::same_as<result<symmetric_key>>;
};

} // namespace e2ekit::protocols::dimp

#endif
