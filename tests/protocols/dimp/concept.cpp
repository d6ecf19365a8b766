#include <e2ekit/protocols/dimp/concept.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/protocols/dimp/barrack.hpp>
#include <e2ekit/protocols/dimp/key_store.hpp>
#include <e2ekit/protocols/dimp/messenger.hpp>
#include <e2ekit/storage/memory_store.hpp>

#include <map>
#include <string>

using namespace e2ekit;
namespace dimp = e2ekit::protocols::dimp;
using store_t = storage::memory_store;

namespace {

// Declarations are enough for a concept: each near miss lacks one thing.
struct db_archetype {
    using entity_database_concept = dimp::entity_database_tag;
    explicit db_archetype(store_t&);
    result<std::optional<dimp::meta>> meta_of(const dimp::id&) const;
    result<void> add_meta(storage::batch&, const dimp::id&, const dimp::meta&) const;
    result<std::optional<dimp::document>> visa_of(const dimp::id&) const;
    result<void> add_document(storage::batch&, const dimp::document&, const dimp::meta&) const;
    result<std::vector<dimp::id>> members(const dimp::id&) const;
    result<dimp::public_key> encryption_key(const dimp::id&) const;
    result<dimp::private_key> sign_key(const dimp::id&) const;
    result<std::vector<dimp::private_key>> decrypt_keys(const dimp::id&) const;
};
struct db_no_tag {
    explicit db_no_tag(store_t&);
    result<std::optional<dimp::meta>> meta_of(const dimp::id&) const;
    result<void> add_meta(storage::batch&, const dimp::id&, const dimp::meta&) const;
    result<std::optional<dimp::document>> visa_of(const dimp::id&) const;
    result<void> add_document(storage::batch&, const dimp::document&, const dimp::meta&) const;
    result<std::vector<dimp::id>> members(const dimp::id&) const;
    result<dimp::public_key> encryption_key(const dimp::id&) const;
    result<dimp::private_key> sign_key(const dimp::id&) const;
    result<std::vector<dimp::private_key>> decrypt_keys(const dimp::id&) const;
};
struct db_not_from_store {
    using entity_database_concept = dimp::entity_database_tag;
    db_not_from_store();
    result<std::optional<dimp::meta>> meta_of(const dimp::id&) const;
    result<void> add_meta(storage::batch&, const dimp::id&, const dimp::meta&) const;
    result<std::optional<dimp::document>> visa_of(const dimp::id&) const;
    result<void> add_document(storage::batch&, const dimp::document&, const dimp::meta&) const;
    result<std::vector<dimp::id>> members(const dimp::id&) const;
    result<dimp::public_key> encryption_key(const dimp::id&) const;
    result<dimp::private_key> sign_key(const dimp::id&) const;
    result<std::vector<dimp::private_key>> decrypt_keys(const dimp::id&) const;
};
struct db_mutating_reads { // meta_of not const
    using entity_database_concept = dimp::entity_database_tag;
    explicit db_mutating_reads(store_t&);
    result<std::optional<dimp::meta>> meta_of(const dimp::id&);
    result<void> add_meta(storage::batch&, const dimp::id&, const dimp::meta&) const;
    result<std::optional<dimp::document>> visa_of(const dimp::id&) const;
    result<void> add_document(storage::batch&, const dimp::document&, const dimp::meta&) const;
    result<std::vector<dimp::id>> members(const dimp::id&) const;
    result<dimp::public_key> encryption_key(const dimp::id&) const;
    result<dimp::private_key> sign_key(const dimp::id&) const;
    result<std::vector<dimp::private_key>> decrypt_keys(const dimp::id&) const;
};
struct db_no_members {
    using entity_database_concept = dimp::entity_database_tag;
    explicit db_no_members(store_t&);
    result<std::optional<dimp::meta>> meta_of(const dimp::id&) const;
    result<void> add_meta(storage::batch&, const dimp::id&, const dimp::meta&) const;
    result<std::optional<dimp::document>> visa_of(const dimp::id&) const;
    result<void> add_document(storage::batch&, const dimp::document&, const dimp::meta&) const;
    result<dimp::public_key> encryption_key(const dimp::id&) const;
    result<dimp::private_key> sign_key(const dimp::id&) const;
    result<std::vector<dimp::private_key>> decrypt_keys(const dimp::id&) const;
};
struct db_throwing_away_errors { // sign_key without a result
    using entity_database_concept = dimp::entity_database_tag;
    explicit db_throwing_away_errors(store_t&);
    result<std::optional<dimp::meta>> meta_of(const dimp::id&) const;
    result<void> add_meta(storage::batch&, const dimp::id&, const dimp::meta&) const;
    result<std::optional<dimp::document>> visa_of(const dimp::id&) const;
    result<void> add_document(storage::batch&, const dimp::document&, const dimp::meta&) const;
    result<std::vector<dimp::id>> members(const dimp::id&) const;
    result<dimp::public_key> encryption_key(const dimp::id&) const;
    dimp::private_key sign_key(const dimp::id&) const;
    result<std::vector<dimp::private_key>> decrypt_keys(const dimp::id&) const;
};

struct cache_archetype {
    using key_cache_concept = dimp::key_cache_tag;
    explicit cache_archetype(store_t&);
    result<std::optional<dimp::symmetric_key>> get(const dimp::id&, const dimp::id&) const;
    void add(storage::batch&, const dimp::id&, const dimp::id&, const dimp::symmetric_key&) const;
    template <random_source R>
    result<dimp::symmetric_key> get_or_generate(storage::batch&, const dimp::id&, const dimp::id&,
                                                R&) const;
};
struct cache_no_tag {
    explicit cache_no_tag(store_t&);
    result<std::optional<dimp::symmetric_key>> get(const dimp::id&, const dimp::id&) const;
    void add(storage::batch&, const dimp::id&, const dimp::id&, const dimp::symmetric_key&) const;
    template <random_source R>
    result<dimp::symmetric_key> get_or_generate(storage::batch&, const dimp::id&, const dimp::id&,
                                                R&) const;
};
struct cache_without_batch { // add writes at once, not into the batch
    using key_cache_concept = dimp::key_cache_tag;
    explicit cache_without_batch(store_t&);
    result<std::optional<dimp::symmetric_key>> get(const dimp::id&, const dimp::id&) const;
    void add(const dimp::id&, const dimp::id&, const dimp::symmetric_key&) const;
    template <random_source R>
    result<dimp::symmetric_key> get_or_generate(storage::batch&, const dimp::id&, const dimp::id&,
                                                R&) const;
};
struct cache_no_generate {
    using key_cache_concept = dimp::key_cache_tag;
    explicit cache_no_generate(store_t&);
    result<std::optional<dimp::symmetric_key>> get(const dimp::id&, const dimp::id&) const;
    void add(storage::batch&, const dimp::id&, const dimp::id&, const dimp::symmetric_key&) const;
};

/// A key cache of its own: keys kept in a map the test can see, not in the
/// store (a client that never persists message keys). It still follows the
/// batch rule: `add` records into the batch nothing the store must keep.
struct volatile_cache {
    using key_cache_concept = dimp::key_cache_tag;
    explicit volatile_cache(store_t&) {}
    static std::string name(const dimp::id& a, const dimp::id& b) {
        return a.without_terminal().str() + ">" + b.without_terminal().str();
    }
    result<std::optional<dimp::symmetric_key>> get(const dimp::id& a, const dimp::id& b) const {
        if (b.is_broadcast())
            return std::optional<dimp::symmetric_key>(dimp::symmetric_key::plain());
        auto it = keys->find(name(a, b));
        if (it == keys->end()) return std::optional<dimp::symmetric_key>{};
        return std::optional<dimp::symmetric_key>(it->second.clone());
    }
    void add(storage::batch&, const dimp::id& a, const dimp::id& b,
             const dimp::symmetric_key& k) const {
        keys->insert_or_assign(name(a, b), k.clone());
    }
    template <random_source R>
    result<dimp::symmetric_key> get_or_generate(storage::batch& batch, const dimp::id& a,
                                                const dimp::id& b, R& rng) const {
        E2EKIT_TRY(held, get(a, b));
        if (held) return std::move(*held);
        auto k = dimp::symmetric_key::generate_aes(rng);
        add(batch, a, b, k);
        return k;
    }
    std::shared_ptr<std::map<std::string, dimp::symmetric_key>> keys =
        std::make_shared<std::map<std::string, dimp::symmetric_key>>();
};

} // namespace

TEST_CASE("dimp concepts: the shipped policies, archetypes and near misses",
          "[protocols][dimp][concept]") {
    STATIC_REQUIRE(dimp::entity_database<dimp::barrack<store_t>, store_t>);
    STATIC_REQUIRE(dimp::entity_database<db_archetype, store_t>);
    STATIC_REQUIRE_FALSE(dimp::entity_database<db_no_tag, store_t>);
    STATIC_REQUIRE_FALSE(dimp::entity_database<db_not_from_store, store_t>);
    STATIC_REQUIRE_FALSE(dimp::entity_database<db_mutating_reads, store_t>);
    STATIC_REQUIRE_FALSE(dimp::entity_database<db_no_members, store_t>);
    STATIC_REQUIRE_FALSE(dimp::entity_database<db_throwing_away_errors, store_t>);
    STATIC_REQUIRE_FALSE(dimp::entity_database<dimp::key_store<store_t>, store_t>);

    STATIC_REQUIRE(dimp::key_cache<dimp::key_store<store_t>, store_t>);
    STATIC_REQUIRE(dimp::key_cache<cache_archetype, store_t>);
    STATIC_REQUIRE(dimp::key_cache<volatile_cache, store_t>);
    STATIC_REQUIRE_FALSE(dimp::key_cache<cache_no_tag, store_t>);
    STATIC_REQUIRE_FALSE(dimp::key_cache<cache_without_batch, store_t>);
    STATIC_REQUIRE_FALSE(dimp::key_cache<cache_no_generate, store_t>);
    STATIC_REQUIRE_FALSE(dimp::key_cache<dimp::barrack<store_t>, store_t>);
}

TEST_CASE("dimp concepts: a messenger recomposed with a key cache of its own",
          "[protocols][dimp][concept]") {
    testing::deterministic_random rng(5);
    auto alice_key = dimp::private_key::generate_ecc(rng);
    auto bob_key = dimp::private_key::generate_ecc(rng);
    auto alice_meta = *dimp::meta::generate(dimp::meta_type::mkm, alice_key, "alice");
    auto bob_meta = *dimp::meta::generate(dimp::meta_type::mkm, bob_key, "bob");
    const auto alice = *alice_meta.generate_id(0), bob = *bob_meta.generate_id(0);
    // Bob's visa key (RSA) receives the message key; his meta key signs.
    auto bob_visa_key = dimp::private_key::generate_rsa(1024);
    nlohmann::ordered_json props;
    props["type"] = "visa";
    props["key"] = nlohmann::ordered_json(bob_visa_key.public_key().to_json());
    props["time"] = 1714000000.0;
    auto bob_visa = *dimp::document::sign("visa", bob, props, bob_key);

    store_t a_store, b_store;
    for (auto* s : {&a_store, &b_store}) {
        dimp::barrack<store_t> db(*s);
        REQUIRE(db.save_meta(alice, alice_meta));
        REQUIRE(db.save_meta(bob, bob_meta));
        REQUIRE(db.save_document(bob_visa));
    }
    REQUIRE(
        dimp::barrack<store_t>(a_store).save_private_key(alice, dimp::key_role::meta, alice_key));
    REQUIRE(dimp::barrack<store_t>(b_store).save_private_key(bob, dimp::key_role::meta, bob_key));
    REQUIRE(
        dimp::barrack<store_t>(b_store).save_private_key(bob, dimp::key_role::visa, bob_visa_key));

    using custom = dimp::messenger<store_t, testing::deterministic_random, dimp::barrack<store_t>,
                                   volatile_cache>;
    custom am(a_store, alice, testing::deterministic_random(6));
    custom bm(b_store, bob, testing::deterministic_random(7));
    nlohmann::ordered_json c;
    c["type"] = 1;
    c["sn"] = 9;
    c["text"] = "through a cache of my own";
    const std::size_t stored_before = a_store.size();
    auto sent = am.pack(*dimp::instant_message::create(alice, bob, 1714000002.0, c));
    REQUIRE(sent);
    CHECK(a_store.size() == stored_before); // the key went to the volatile cache
    CHECK(am.cipher_keys().keys->size() == 1);
    auto got = bm.unpack(*sent);
    REQUIRE(got);
    CHECK(got->content_map().at("text") == "through a cache of my own");
    CHECK(**bm.cipher_keys().get(alice, bob) == **am.cipher_keys().get(alice, bob));
}
