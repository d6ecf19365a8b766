#include <e2ekit/protocols/dimp/barrack.hpp>

#include <catch2/catch.hpp>

#include <e2ekit/storage/memory_store.hpp>
#include <tests/support/dimp_vectors.hpp>

#include <string>

using namespace e2ekit;
namespace dimp = e2ekit::protocols::dimp;
using dimp::dimp_error;
namespace tv = e2ekit::test::dimp;

namespace {
dimp::id id_of(const nlohmann::json& m, std::size_t i = 0) {
    return dimp::id::parse(m.at("ids")[i].at("id").get<std::string>()).value();
}
dimp::meta meta_of(const nlohmann::json& m) {
    return dimp::meta::parse(m.at("meta")).value();
}
dimp::document doc(const nlohmann::json& docs, const char* label) {
    return dimp::document::parse(tv::by(docs.at("documents"), "label", label).at("document"))
        .value();
}
} // namespace

TEST_CASE("dimp barrack: metas, documents, members and private keys of the vectors",
          "[protocols][dimp][barrack][vectors]") {
    E2EKIT_REQUIRE_VECTORS();
    const auto acc = tv::load("accounts.json");
    const auto docs = tv::load("documents.json");
    const auto& alice_v = tv::by(acc.at("metas"), "label", "alice");
    const auto& bob_v = tv::by(acc.at("metas"), "label", "bob");
    const auto& carol_v = tv::by(acc.at("metas"), "label", "carol");
    const auto& group_v = tv::by(acc.at("metas"), "label", "group_founded_by_alice");
    storage::memory_store store;
    dimp::barrack<storage::memory_store> b(store);
    const auto alice = id_of(alice_v), bob = id_of(bob_v), carol = id_of(carol_v),
               group = id_of(group_v);

    // A document needs its meta first.
    CHECK(b.save_document(doc(docs, "visa_alice")).error() == dimp_error::unknown_entity);
    REQUIRE(b.save_meta(alice, meta_of(alice_v)));
    REQUIRE(b.save_meta(bob, meta_of(bob_v)));
    REQUIRE(b.save_meta(carol, meta_of(carol_v)));
    REQUIRE(b.save_meta(group, meta_of(group_v)));
    // The same meta again is no change; another meta, or a meta of another ID, is refused.
    CHECK(b.save_meta(alice, meta_of(alice_v)));
    CHECK(b.save_meta(alice, meta_of(bob_v)).error() == dimp_error::id_mismatch);
    CHECK(b.save_meta(id_of(alice_v, 1), meta_of(bob_v)).error() == dimp_error::id_mismatch);
    // Metas come back validated; an ID with a terminal finds its user's.
    CHECK(b.meta_of(dimp::id::make("alice", alice.address(), "phone"))->has_value());
    CHECK_FALSE(b.meta_of(id_of(alice_v, 1))->has_value());

    for (const char* label :
         {"visa_alice", "visa_carol", "visa_bob_rsa_deterministic", "bulletin_test_group"})
        CHECK(b.save_document(doc(docs, label)));
    // Not newer than the one held.
    CHECK(b.save_document(doc(docs, "visa_alice")).error() == dimp_error::outdated);
    // Signed by another key than the meta's.
    {
        auto j = tv::by(docs.at("documents"), "label", "visa_carol").at("document");
        j["did"] = bob.str();
        CHECK(b.save_document(dimp::document::parse(j).value()).error() ==
              dimp_error::authentication_failed);
    }
    CHECK((*b.visa_of(alice))->name() == "Alice");
    CHECK((*b.document_of(group, "bulletin"))->founder()->value() == alice);
    CHECK_FALSE(b.visa_of(id_of(alice_v, 1))->has_value());

    // Key choice: carol's visa key, bob's meta key (his visa has none);
    // alice's meta key is ECC, her visa key RSA.
    CHECK(*b.encryption_key(carol) == *(*b.visa_of(carol))->visa_key().value());
    CHECK(*b.encryption_key(bob) == meta_of(bob_v).key());
    CHECK(b.encryption_key(id_of(alice_v, 1)).error() == dimp_error::unknown_entity);
    CHECK(b.verify_keys(alice)->size() == 2);
    CHECK(b.verify_keys(bob)->size() == 1);

    // Members.
    CHECK(b.members(group).error() == dimp_error::unknown_entity);
    REQUIRE(b.save_members(group, {alice, bob, carol}));
    CHECK(*b.members(group) == std::vector<dimp::id>{alice, bob, carol});
    CHECK(b.save_members(alice, {bob}).error() == dimp_error::invalid_id);
    CHECK(b.save_members(group, {group}).error() == dimp_error::invalid_id);

    // Private keys: only the meta's own.
    auto bob_key = dimp::private_key::from_json(bob_v.at("private_key")).value();
    auto alice_key = dimp::private_key::from_json(alice_v.at("private_key")).value();
    CHECK(b.save_private_key(alice, dimp::key_role::meta, bob_key).error() ==
          dimp_error::id_mismatch);
    CHECK(b.save_private_key(alice, dimp::key_role::visa, alice_key).error() ==
          dimp_error::id_mismatch);
    CHECK(b.save_private_key(bob, dimp::key_role::visa, bob_key).error() ==
          dimp_error::id_mismatch);
    REQUIRE(b.save_private_key(bob, dimp::key_role::meta, bob_key));
    CHECK(b.decrypt_keys(bob)->size() == 1);
    CHECK(b.sign_key(bob)->public_key() == bob_key.public_key());
    CHECK(b.decrypt_keys(alice).error() == dimp_error::unknown_entity);
    // The stored key is secret text the store wipes; it reads back the same.
    CHECK(store.get(dimp::barrack_names::private_key, bob.str() + "#meta")->size() > 0);

    // Stored bytes are checked again when read.
    REQUIRE(storage::put_one(store, dimp::barrack_names::meta, alice.str(), as_bytes("{\"x\"")));
    CHECK(b.meta_of(alice).error() == storage::storage_error::corrupt);
    REQUIRE(storage::put_one(store, dimp::barrack_names::meta, alice.str(),
                             as_bytes(*codec::json::python_dumps(bob_v.at("meta")))));
    CHECK(b.meta_of(alice).error() == dimp_error::id_mismatch);
}
